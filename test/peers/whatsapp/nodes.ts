/**
 * Small helpers for the binary nodes the peer sends. The server addresses itself as
 * `s.whatsapp.net`; Baileys matches replies by `id` only.
 */
import { type BinaryNode, getBinaryNodeChild, S_WHATSAPP_NET } from "@whiskeysockets/baileys";

/** `<iq type='result' id=…>` with optional children, answering `query`. */
export function iqResult(query: BinaryNode, content?: BinaryNode[]): BinaryNode {
  const id = query.attrs.id;
  if (!id) throw new Error(`cannot answer an iq without id: <${query.tag}>`);
  return { tag: "iq", attrs: { from: S_WHATSAPP_NET, type: "result", id }, ...(content ? { content } : {}) };
}

/** `<iq type='error' id=…><error code text/></iq>`, answering `query`. */
export function iqError(query: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: "iq",
    attrs: { from: S_WHATSAPP_NET, type: "error", id: query.attrs.id ?? "" },
    content: [{ tag: "error", attrs: { code: String(code), text } }],
  };
}

/** A stream error: `code` as attribute, `child` as its only child. */
export function streamError(code: string | undefined, child?: BinaryNode): BinaryNode {
  return { tag: "stream:error", attrs: code ? { code } : {}, ...(child ? { content: [child] } : {}) };
}

/** The first child's tag, which Baileys' handlers are keyed by. */
export function firstChildTag(node: BinaryNode): string | undefined {
  return Array.isArray(node.content) ? node.content[0]?.tag : undefined;
}

/** A child's bytes, or undefined when the child is absent or has no binary content. */
export function childBytes(node: BinaryNode | undefined, tag: string): Buffer | undefined {
  const content = getBinaryNodeChild(node, tag)?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === "string") return Buffer.from(content, "utf8");
  return undefined;
}

/** Current time as the unix-seconds string the protocol's `t` attributes carry. */
export function unixNow(): string {
  return String(Math.floor(Date.now() / 1000));
}
