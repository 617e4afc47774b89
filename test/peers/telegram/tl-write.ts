import { Api } from "telegram";

/** What a handler answers: a result's TL bytes, or an `rpc_error`. */
export type RpcOutcome = { ok: Buffer } | { error: { code: number; message: string } };

export function ok(result: { getBytes(): Buffer }): RpcOutcome {
  return { ok: result.getBytes() };
}

export function rpcError(code: number, message: string): RpcOutcome {
  return { error: { code, message } };
}

/** `rpc_result#f35c6d01 req_msg_id:long result:Object`; GramJS has no serializer for it. */
export function rpcResultBytes(reqMsgId: bigint, outcome: RpcOutcome): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt32LE(0xf35c6d01, 0);
  head.writeBigInt64LE(reqMsgId, 4);
  const body =
    "ok" in outcome
      ? outcome.ok
      : new Api.RpcError({ errorCode: outcome.error.code, errorMessage: outcome.error.message }).getBytes();
  return Buffer.concat([head, body]);
}

/** A bare `vector#1cb5c415` of boxed objects (e.g. the result of users.getUsers). */
export function vectorBytes(items: { getBytes(): Buffer }[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x1cb5c415, 0);
  head.writeInt32LE(items.length, 4);
  return Buffer.concat([head, ...items.map((item) => item.getBytes())]);
}
