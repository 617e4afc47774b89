import { isIPv4, isIPv6 } from "node:net";

/**
 * Packed IP addresses as Telethon's `ipaddress.ip_address(...).packed` writes them, and
 * the textual forms it reads back (`.compressed`, RFC 5952 for IPv6).
 */

/** 4 or 16 bytes for an IP literal; `null` for a host name or anything else. */
export function packIp(address: string): Uint8Array | null {
  if (isIPv4(address)) return Uint8Array.from(address.split(".").map(Number));
  if (!isIPv6(address) || address.includes("%")) return null;
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1] !== undefined) {
    // IPv4-suffixed form (::ffff:1.2.3.4): rewrite the tail as two hex groups.
    const [a = 0, b = 0, c = 0, d = 0] = dotted[1].split(".").map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? 0 : 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(zeros).fill("0"), ...tailGroups];
  const packed = new Uint8Array(16);
  groups.forEach((group, i) => {
    const value = Number.parseInt(group, 16);
    packed[i * 2] = value >> 8;
    packed[i * 2 + 1] = value & 0xff;
  });
  return packed;
}

/** Dotted quad for 4 bytes, RFC 5952 compressed text for 16 bytes. */
export function unpackIp(packed: Uint8Array): string {
  if (packed.length === 4) return Array.from(packed).join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((packed[i] ?? 0) << 8) | (packed[i + 1] ?? 0));
  // RFC 5952 §4.2: replace the longest run (≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  const left = hex.slice(0, bestStart).join(":");
  const right = hex.slice(bestStart + bestLength).join(":");
  return `${left}::${right}`;
}
