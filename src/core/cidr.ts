/**
 * The one CIDR library of aks-net: strict parsing, set arithmetic, and free-range search.
 * Addresses are bigints so IPv4 and IPv6 share every routine; IPv4 never leaves the 32-bit range.
 * ipaddr.js is used only for IPv6 text, after our own strict checks (it accepts `012.0.0.0`, `0x0a...`, `10/8`).
 */
import ipaddr from "ipaddr.js";

export type IpFamily = 4 | 6;

/** A parsed, canonical prefix. `start`/`end` are the first and last address of the masked network. */
export interface Cidr {
  readonly family: IpFamily;
  readonly start: bigint;
  readonly end: bigint;
  readonly prefix: number;
  /** The text as given. */
  readonly text: string;
  /** The masked form, e.g. `10.0.0.0/16` for `10.0.0.1/16`. */
  readonly canonical: string;
  /** True when the text had host bits set (it differs from `canonical`). */
  readonly hostBitsSet: boolean;
}

export interface ParsedIp {
  readonly family: IpFamily;
  readonly value: bigint;
  readonly text: string;
}

/**
 * Which syntax rule a parse failure breaks: SYN-01 no prefix, SYN-02 bad prefix length, SYN-03 bad part or part count,
 * SYN-04 leading zeros / octal / hex, SYN-05 whitespace.
 */
export type SyntaxRule = "SYN-01" | "SYN-02" | "SYN-03" | "SYN-04" | "SYN-05";

/** Result of a strict parse: a value, or a one-line reason naming what is wrong and the syntax rule it breaks. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string; rule: SyntaxRule };

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };
const OCTET = /^(0|[1-9][0-9]{0,2})$/;
const PREFIX = /^(0|[1-9][0-9]{0,2})$/;
/** HOST_MASK[family][prefix]: the host bits of a prefix, precomputed. */
const HOST_MASK: Record<IpFamily, bigint[]> = {
  4: Array.from({ length: 33 }, (_, p) => (1n << BigInt(32 - p)) - 1n),
  6: Array.from({ length: 129 }, (_, p) => (1n << BigInt(128 - p)) - 1n),
};

/** Parses four-part decimal IPv4 only: no leading zeros, octal, hex, short forms or whitespace. */
export function parseIpv4(text: string): Parsed<ParsedIp> {
  const parts = text.split(".");
  if (parts.length !== 4) return fail(`'${text}' is not an IPv4 address: it needs four dot-separated decimal parts`, "SYN-03");
  // Number arithmetic, one BigInt at the end: connected lists of 10^6 prefixes make allocation the cost.
  let value = 0;
  for (const part of parts) {
    if (!OCTET.test(part)) {
      const octal = /^0[0-9]/.test(part);
      const hex = /^0x/i.test(part);
      const why = octal ? "leading zeros are ambiguous (read as octal by some tools)" : hex ? "hex parts are not allowed" : "each part must be a decimal number 0-255";
      return fail(`'${text}' is not a valid IPv4 address: ${why}`, octal || hex ? "SYN-04" : "SYN-03");
    }
    const n = Number(part);
    if (n > 255) return fail(`'${text}' is not a valid IPv4 address: ${part} is above 255`, "SYN-03");
    value = value * 256 + n;
  }
  return { ok: true, value: { family: 4, value: BigInt(value), text } };
}

/** Parses an IPv6 address (RFC 4291 text forms, no zone, no whitespace). */
export function parseIpv6(text: string): Parsed<ParsedIp> {
  if (/\s/.test(text)) return fail(`'${text}' contains whitespace`, "SYN-05");
  if (!text.includes(":") || text.includes("%") || !ipaddr.IPv6.isValid(text)) {
    return fail(`'${text}' is not a valid IPv6 address`, "SYN-03");
  }
  // An embedded IPv4 tail (::ffff:1.2.3.4) must itself be strict.
  const tail = text.slice(text.lastIndexOf(":") + 1);
  if (tail.includes(".") && !parseIpv4(tail).ok) return fail(`'${text}' is not a valid IPv6 address`, "SYN-03");
  const bytes = ipaddr.IPv6.parse(text).toByteArray();
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  return { ok: true, value: { family: 6, value, text } };
}

/** Parses a single address of either family. */
export function parseIp(text: string): Parsed<ParsedIp> {
  if (text === "") return fail(`'' is not an IP address`, "SYN-03");
  if (/\s/.test(text)) return fail(`'${text}' is not an IP address: remove the whitespace`, "SYN-05");
  return text.includes(":") ? parseIpv6(text) : parseIpv4(text);
}

/** Parses `address/prefix` strictly. A bare address (no `/n`) is not a CIDR (SYN-01). */
export function parseCidr(text: string): Parsed<Cidr> {
  if (typeof text !== "string" || text.length === 0) return fail(`'${String(text)}' is not a CIDR`, "SYN-01");
  if (/\s/.test(text)) return fail(`'${text}' contains whitespace; write it as '${text.replace(/\s+/g, "")}'`, "SYN-05");
  const slash = text.indexOf("/");
  if (slash < 0) return fail(`'${text}' has no prefix length; write it as ${text}/N`, "SYN-01");
  const addrText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  const ip = parseIp(addrText);
  if (!ip.ok) return ip;
  const bits = BITS[ip.value.family];
  if (!PREFIX.test(prefixText) || Number(prefixText) > bits) {
    return fail(`'${text}' has an invalid prefix length '/${prefixText}': use /0 to /${bits}`, "SYN-02");
  }
  const prefix = Number(prefixText);
  const hostMask = HOST_MASK[ip.value.family][prefix] as bigint;
  const start = ip.value.value & ~hostMask & ((1n << BigInt(bits)) - 1n);
  const end = start | hostMask;
  const canonical = start === ip.value.value ? `${ip.value.family === 4 ? addrText : formatIp(start, 6)}/${prefix}` : `${formatIp(start, ip.value.family)}/${prefix}`;
  const hostBitsSet = start !== ip.value.value;
  return { ok: true, value: { family: ip.value.family, start, end, prefix, text, canonical, hostBitsSet } };
}

/** Parses or throws; for trusted, code-written prefixes (templates, tests). */
export function cidr(text: string): Cidr {
  const p = parseCidr(text);
  if (!p.ok) throw new Error(p.reason);
  return p.value;
}

/** Formats an address value in its family's canonical text (RFC 5952 for IPv6). */
export function formatIp(value: bigint, family: IpFamily): string {
  if (family === 4) {
    const n = Number(value);
    return `${Math.floor(n / 16777216) % 256}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 255n));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Builds a prefix from a start address and length (start is masked). */
export function makeCidr(start: bigint, prefix: number, family: IpFamily): Cidr {
  const bits = BITS[family];
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const s = start & ~hostMask;
  const text = `${formatIp(s, family)}/${prefix}`;
  return { family, start: s, end: s | hostMask, prefix, text, canonical: text, hostBitsSet: false };
}

/** Number of addresses in the prefix. */
export function size(c: Cidr): bigint {
  return c.end - c.start + 1n;
}

/** True when the two ranges share at least one address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.start <= b.end && b.start <= a.end;
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.start <= inner.start && inner.end <= outer.end;
}

/** True when the address lies inside the prefix. */
export function containsIp(c: Cidr, ip: ParsedIp): boolean {
  return c.family === ip.family && c.start <= ip.value && ip.value <= c.end;
}

/** The n-th address of the prefix (0 = network address). */
export function nthAddress(c: Cidr, n: number | bigint): string {
  return formatIp(c.start + BigInt(n), c.family);
}

/** Addresses Azure lets you use in a subnet: all but the first four and the last (SIZE-05, C-16). */
export function azureUsable(c: Cidr): number {
  return Math.max(0, Number(size(c)) - 5);
}

/**
 * A sorted index of many prefixes for overlap queries in O(log n); built in O(n log n).
 * Used for the connected-range rules, which may face 10^5 - 10^6 prefixes.
 */
export class CidrIndex<T = undefined> {
  private readonly starts: bigint[] = [];
  private readonly items: { cidr: Cidr; tag: T }[] = [];
  /** maxEnd[i] = the largest end among items[0..i]; lets a query stop early. */
  private readonly maxEnd: bigint[] = [];

  constructor(entries: readonly { cidr: Cidr; tag: T }[]) {
    // IPv4 first, then IPv6. IPv4 starts (< 2^32) are exact as doubles, and numbers sort several times faster than
    // bigints: this sort dominates validation with 10^5-10^6 connected ranges.
    const v4 = entries.filter((e) => e.cidr.family === 4).map((e) => ({ key: Number(e.cidr.start), e }));
    v4.sort((x, y) => x.key - y.key);
    const v6 = entries.filter((e) => e.cidr.family !== 4);
    v6.sort((x, y) => (x.cidr.start < y.cidr.start ? -1 : x.cidr.start > y.cidr.start ? 1 : 0));
    const sorted = [...v4.map((x) => x.e), ...v6];
    let running = -1n;
    let family: IpFamily | 0 = 0;
    for (const e of sorted) {
      if (e.cidr.family !== family) {
        family = e.cidr.family;
        running = -1n;
      }
      running = e.cidr.end > running ? e.cidr.end : running;
      this.items.push(e);
      this.starts.push(e.cidr.start + (e.cidr.family === 6 ? 1n << 130n : 0n));
      this.maxEnd.push(running);
    }
  }

  get length(): number {
    return this.items.length;
  }

  /** Every indexed entry that overlaps `c`, in address order. */
  overlapping(c: Cidr, limit = Infinity): { cidr: Cidr; tag: T }[] {
    const key = c.end + (c.family === 6 ? 1n << 130n : 0n);
    // Last index whose start <= c.end.
    let lo = 0;
    let hi = this.starts.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((this.starts[mid] as bigint) <= key) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    const out: { cidr: Cidr; tag: T }[] = [];
    for (let i = last; i >= 0 && out.length < limit; i--) {
      const item = this.items[i] as { cidr: Cidr; tag: T };
      if (item.cidr.family !== c.family) break;
      if ((this.maxEnd[i] as bigint) < c.start) break;
      if (item.cidr.end >= c.start) out.push(item);
    }
    return out.reverse();
  }
}

/**
 * Finds the lowest free prefix of length `prefix` inside one of `within` that overlaps none of `avoid`.
 * Candidates are aligned blocks; the search jumps past each blocker, so it is fast even with many blockers.
 */
export function findFreeRange(prefix: number, within: readonly Cidr[], avoid: readonly Cidr[]): Cidr | undefined {
  const index = new CidrIndex(avoid.map((cidr) => ({ cidr, tag: undefined })));
  return findFreeRangeWith(prefix, within, (candidate) => index.overlapping(candidate).map((e) => e.cidr));
}

/**
 * The search of findFreeRange with the blockers supplied by a function (e.g. several prebuilt indexes, so a million
 * connected ranges are indexed once, not per search). `blockers` returns the ranges that overlap the candidate.
 */
export function findFreeRangeWith(prefix: number, within: readonly Cidr[], blockers: (candidate: Cidr) => readonly Cidr[]): Cidr | undefined {
  for (const space of within) {
    if (prefix < space.prefix || prefix > BITS[space.family]) continue;
    const block = 1n << BigInt(BITS[space.family] - prefix);
    let start = space.start;
    while (start + block - 1n <= space.end) {
      const candidate = makeCidr(start, prefix, space.family);
      const hits = blockers(candidate);
      if (hits.length === 0) return candidate;
      // Jump past the highest-ending blocker, then re-align up to the block size.
      const maxEnd = hits.reduce((m, h) => (h.end > m ? h.end : m), 0n);
      const next = maxEnd + 1n;
      start = ((next + block - 1n) / block) * block;
    }
  }
  return undefined;
}

/** Private pools a free-range search may draw from when nothing else is known (RFC 1918, then RFC 6598). */
export const PRIVATE_IPV4_POOLS: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"];

/** The smallest prefix length whose Azure-usable address count is at least `needed`. */
export function smallestAzurePrefixFor(needed: number): number | undefined {
  for (let p = 29; p >= 0; p--) {
    if (2 ** (32 - p) - 5 >= needed) return p;
  }
  return undefined;
}

function fail<T>(reason: string, rule: SyntaxRule): Parsed<T> {
  return { ok: false, reason, rule };
}
