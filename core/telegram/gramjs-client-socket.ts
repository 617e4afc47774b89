import { PromisedNetSockets } from "telegram/extensions/PromisedNetSockets.js";

/** Where every Telegram socket goes instead of the DC address GramJS picked. */
export interface DcOverride {
  host: string;
  port: number;
}

/**
 * A `PromisedNetSockets` class that dials `override` whatever address and port GramJS asks for. GramJS
 * builds every connection (first connect, DC switch, reconnect) as `new networkSocket(proxy)` then
 * `connect(port, ip)`, so passing this class as `networkSocket` reroutes all of them.
 */
export function createOverrideSocketClass(override: DcOverride): typeof PromisedNetSockets {
  return class OverrideNetSocket extends PromisedNetSockets {
    override connect(_port: number, _ip: string): Promise<unknown> {
      return super.connect(override.port, override.host);
    }
  };
}
