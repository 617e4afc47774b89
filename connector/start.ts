import type { Config } from "../core/config/index.js";
import type { Records } from "../core/storage/types.js";
import type { Vault } from "../core/vault/vault.js";
import { type ConnectorOptions, createConnector } from "./connector.js";
import type { ConnectorMetrics } from "./metrics.js";
import { type Logger, type OnEvent, SILENT_LOGGER } from "./types.js";
import type { PolicyOptions } from "./whatsapp/disconnect-policy.js";
import { startSessionRunner } from "./whatsapp/session-runner.js";
import { type CreateSocket, createBaileysSocketFactory } from "./whatsapp/socket.js";

export interface StartConnectorDeps {
  storage: { records: Records };
  vault: Vault;
  /** Resolved once by the entry file. */
  config: Pick<Config, "connector" | "whatsapp">;
  clock?: () => number;
  logger?: Logger;
  /** Session events (for webhooks). Default: none. */
  onEvent?: OnEvent;
  /** Socket factory; default: real Baileys with the strict server-certificate check. */
  createSocket?: CreateSocket;
  /** Loop timings (lease ttl, renew, poll, safety margin); id and capacity come from `config`. */
  loop?: Omit<Partial<ConnectorOptions>, "id" | "capacity">;
  policy?: Partial<PolicyOptions>;
  /** Where the loop and the sessions' events are counted (`GET /metrics`). Default: nowhere. */
  metrics?: Omit<ConnectorMetrics, "render">;
}

/** A started connector loop. */
export interface RunningConnector {
  /** Stops every session (flushed, status `disconnected`) and releases its lease. */
  stop(): Promise<void>;
  /** `<tenantId>/<sessionId>` of the sessions this process holds a live lease on. */
  owned(): string[];
}

/**
 * Starts the WhatsApp connector loop in this process (used by `connector/main.ts` and by
 * `scripts/start-local.ts`, which runs it beside the API). Config is passed in, never read here.
 */
export async function startConnector(deps: StartConnectorDeps): Promise<RunningConnector> {
  const clock = deps.clock ?? Date.now;
  const logger = deps.logger ?? SILENT_LOGGER;
  const createSocket =
    deps.createSocket ??
    createBaileysSocketFactory({
      ...(deps.config.whatsapp.wsUrl ? { wsUrl: deps.config.whatsapp.wsUrl } : {}),
      ...(deps.config.whatsapp.trustRootKey ? { trustRootKeyHex: deps.config.whatsapp.trustRootKey } : {}),
    });
  const { metrics } = deps;
  const onEvent: OnEvent | undefined =
    metrics || deps.onEvent
      ? (event) => {
          metrics?.sessionEvent(event.type);
          deps.onEvent?.(event);
        }
      : undefined;
  const connector = createConnector(
    {
      records: deps.storage.records,
      clock,
      logger,
      ...(metrics ? { metrics } : {}),
      startRunner: (lease) =>
        startSessionRunner(
          {
            records: deps.storage.records,
            vault: deps.vault,
            clock,
            createSocket,
            logger,
            ...(onEvent ? { onEvent } : {}),
            ...(deps.policy ? { policy: deps.policy } : {}),
          },
          lease,
        ),
    },
    { ...deps.loop, id: deps.config.connector.id, capacity: deps.config.connector.capacity },
  );
  connector.start();
  return { stop: () => connector.stop(), owned: () => connector.owned() };
}
