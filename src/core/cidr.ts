/**
 * The one CIDR library of aks-net: strict parsing, set arithmetic, and free-range search.
 * A `Cidr` holds bigints so IPv4 and IPv6 share every routine; IPv4 never leaves the 32-bit range.
 * Long lists (up to millions of connected ranges) never become `Cidr` objects: `CidrIndex.fromTexts` scans IPv4 text
 * straight into typed arrays and sorts them natively; only IPv6 entries and query hits become objects.
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
  const v = scanIpv4(text, 0, text.length);
  return v >= 0 ? { ok: true, value: { family: 4, value: BigInt(v), text } } : ipv4Failure(text);
}

/**
 * The strict IPv4 grammar over text[from, to) as a char-code scan: the address as a number, or -1. No split, regex or
 * allocation, because connected lists of 10^6 prefixes make those the cost. `ipv4Failure` explains a -1.
 */
function scanIpv4(text: string, from: number, to: number): number {
  let value = 0;
  let parts = 0;
  let i = from;
  while (i < to) {
    const first = text.charCodeAt(i);
    if (first < 48 || first > 57) return -1;
    let part = first - 48;
    let digits = 1;
    i++;
    for (; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (part === 0 || ++digits > 3) return -1; // leading zero, or four digits
      part = part * 10 + (c - 48);
    }
    if (part > 255) return -1;
    value = value * 256 + part;
    parts++;
    if (i === to) break;
    if (text.charCodeAt(i) !== 46 || parts === 4) return -1; // '.'
    i++;
    if (i === to) return -1; // trailing dot
  }
  return parts === 4 ? value : -1;
}

/** Why `text` is not strict IPv4 (the slow path: only for text the scanner refused). */
function ipv4Failure<T>(text: string): Parsed<T> {
  const parts = text.split(".");
  if (parts.length !== 4) return fail(`'${text}' is not an IPv4 address: it needs four dot-separated decimal parts`, "SYN-03");
  for (const part of parts) {
    if (OCTET.test(part) && Number(part) <= 255) continue;
    if (OCTET.test(part)) return fail(`'${text}' is not a valid IPv4 address: ${part} is above 255`, "SYN-03");
    const octal = /^0[0-9]/.test(part);
    const hex = /^0x/i.test(part);
    const why = octal ? "leading zeros are ambiguous (read as octal by some tools)" : hex ? "hex parts are not allowed" : "each part must be a decimal number 0-255";
    return fail(`'${text}' is not a valid IPv4 address: ${why}`, octal || hex ? "SYN-04" : "SYN-03");
  }
  return fail(`'${text}' is not a valid IPv4 address`, "SYN-03");
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
  const slash = text.indexOf("/");
  // IPv4 fast path (the strict scanners accept no whitespace): numbers throughout, two BigInts at the end, because
  // 10^5 existing subnets are parsed one by one.
  const v4 = slash > 0 ? scanIpv4(text, 0, slash) : -1;
  const len = v4 >= 0 ? scanPrefix(text, slash + 1) : -1;
  if (len >= 0) {
    const start = v4 - (v4 % (BLOCK[len] as number));
    const canonical = start === v4 ? text : `${formatIp(BigInt(start), 4)}/${len}`;
    return { ok: true, value: { family: 4, start: BigInt(start), end: BigInt(start + (BLOCK[len] as number) - 1), prefix: len, text, canonical, hostBitsSet: start !== v4 } };
  }
  if (/\s/.test(text)) return fail(`'${text}' contains whitespace; write it as '${text.replace(/\s+/g, "")}'`, "SYN-05");
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

/** True when the text is a CIDR parseCidr accepts; plain IPv4 text is checked without allocating. */
export function isCidr(text: string): boolean {
  const slash = text.indexOf("/");
  const v4 = slash > 0 ? scanIpv4(text, 0, slash) : -1;
  return (v4 >= 0 && scanPrefix(text, slash + 1) >= 0) || parseCidr(text).ok;
}

/** The canonical (masked) text of a CIDR, or undefined when it does not parse; plain IPv4 text allocates nothing. */
export function canonicalCidr(text: string): string | undefined {
  const slash = text.indexOf("/");
  const v4 = slash > 0 ? scanIpv4(text, 0, slash) : -1;
  const len = v4 >= 0 ? scanPrefix(text, slash + 1) : -1;
  if (len >= 0 && v4 % (BLOCK[len] as number) === 0) return text;
  const p = parseCidr(text);
  return p.ok ? p.value.canonical : undefined;
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

/** BLOCK[p]: the number of addresses in an IPv4 /p (exact as doubles, unlike a 32-bit shift for /0). */
const BLOCK = Float64Array.from({ length: 33 }, (_, p) => 2 ** (32 - p));

/** The IPv4 part of an index, in address order (ties: by position); the end of entry i is start + BLOCK[len] - 1. */
interface V4Columns {
  start: Uint32Array;
  len: Uint8Array;
  /** maxEnd[i] = the largest end among entries 0..i: lets a query stop early. */
  maxEnd: Uint32Array;
  /** Position of each entry in the input list. */
  pos: Uint32Array;
}

/** An index's input without per-entry objects (see CidrIndex.fromTexts). */
interface Columns<T> {
  v4: V4Columns;
  v6: { cidr: Cidr; pos: number }[];
  entry: (pos: number) => { cidr: Cidr; tag: T };
}

/**
 * A sorted index of many prefixes for overlap queries in O(log n + hits); built in O(n log n). Used for the
 * connected-range rules, which may face 10^5 - 10^6 prefixes: IPv4 lives in typed arrays sorted by the native sort,
 * IPv6 (rare, short lists) as objects. Entries are identified by position; `entry(pos)` makes the `{cidr, tag}` of a hit.
 */
export class CidrIndex<T = undefined> {
  private readonly v4: V4Columns;
  private readonly v6: { cidr: Cidr; pos: number }[];
  /** v6MaxEnd[i] = the largest end among v6[0..i]. */
  private readonly v6MaxEnd: bigint[];
  private readonly entry: (pos: number) => { cidr: Cidr; tag: T };

  /** `columns` is fromTexts' form; other callers pass the entries. */
  constructor(entries: readonly { cidr: Cidr; tag: T }[], columns?: Columns<T>) {
    if (columns) {
      ({ v4: this.v4, v6: this.v6, entry: this.entry } = columns);
    } else {
      this.entry = (pos) => entries[pos] as { cidr: Cidr; tag: T };
      const v4 = new V4Builder(entries.length);
      this.v6 = [];
      entries.forEach((e, i) => (e.cidr.family === 4 ? v4.add(Number(e.cidr.start), e.cidr.prefix, i) : this.v6.push({ cidr: e.cidr, pos: i })));
      this.v4 = v4.sorted();
    }
    this.v6.sort((x, y) => (x.cidr.start < y.cidr.start ? -1 : x.cidr.start > y.cidr.start ? 1 : x.pos - y.pos));
    let running = -1n;
    this.v6MaxEnd = this.v6.map((e) => (running = e.cidr.end > running ? e.cidr.end : running));
  }

  /**
   * Indexes a list of CIDR texts (tag = position in the list) without a `Cidr` object per IPv4 entry; entries that do
   * not parse strictly are left out and returned with the reason, by position. `hostBits`: the positions (ascending)
   * whose text has host bits set (it differs from its canonical form).
   */
  static fromTexts(texts: readonly unknown[]): { index: CidrIndex<number>; invalid: Map<number, string>; hostBits: number[] } {
    const v4 = new V4Builder(texts.length);
    const v6: { cidr: Cidr; pos: number }[] = [];
    const invalid = new Map<number, string>();
    const hostBits: number[] = [];
    for (let i = 0; i < texts.length; i++) {
      const text = texts[i];
      const t = typeof text === "string" ? text : "";
      const slash = t.indexOf("/");
      const addr = slash > 0 ? scanIpv4(t, 0, slash) : -1;
      const prefix = addr >= 0 ? scanPrefix(t, slash + 1) : -1;
      if (prefix >= 0) {
        const start = addr - (addr % (BLOCK[prefix] as number));
        if (start !== addr) hostBits.push(i);
        v4.add(start, prefix, i);
        continue;
      }
      const p = parseCidr(t); // IPv6, or the reason this text is refused
      if (p.ok) {
        v6.push({ cidr: p.value, pos: i });
        if (p.value.hostBitsSet) hostBits.push(i);
      } else invalid.set(i, p.reason);
    }
    const entry = (i: number): { cidr: Cidr; tag: number } => ({ cidr: cidr(texts[i] as string), tag: i });
    return { index: new CidrIndex<number>([], { v4: v4.sorted(), v6, entry }), invalid, hostBits };
  }

  get length(): number {
    return this.v4.start.length + this.v6.length;
  }

  /** Every indexed entry that overlaps `c`, in address order (at most `limit`, the last ones before `c.end` first). */
  overlapping(c: Cidr, limit = Infinity): { cidr: Cidr; tag: T }[] {
    const hits: number[] = [];
    if (c.family === 4) {
      const { start, len, maxEnd, pos } = this.v4;
      const lo = Number(c.start);
      // Scan back from the last entry starting at or before c.end while some entry so far may still reach c.start.
      for (let i = upperBound(start, Number(c.end)) - 1; i >= 0 && hits.length < limit && (maxEnd[i] as number) >= lo; i--) {
        if ((start[i] as number) + (BLOCK[len[i] as number] as number) - 1 >= lo) hits.push(pos[i] as number);
      }
    } else {
      let hi = this.v6.length;
      for (let lo = 0; lo < hi; ) {
        const mid = (lo + hi) >> 1;
        if ((this.v6[mid] as { cidr: Cidr }).cidr.start <= c.end) lo = mid + 1;
        else hi = mid;
      }
      for (let i = hi - 1; i >= 0 && hits.length < limit && (this.v6MaxEnd[i] as bigint) >= c.start; i--) {
        const e = this.v6[i] as { cidr: Cidr; pos: number };
        if (e.cidr.end >= c.start) hits.push(e.pos);
      }
    }
    return hits.reverse().map(this.entry);
  }

  /** The `{cidr, tag}` of the entry at input position `pos` (made on each call). */
  at(pos: number): { cidr: Cidr; tag: T } {
    return this.entry(pos);
  }

  /** Input positions (ascending) of the entries whose family and prefix length pass `test`; no object per entry. */
  positionsWhere(test: (family: IpFamily, prefix: number) => boolean): number[] {
    const out: number[] = [];
    const { len, pos } = this.v4;
    for (let i = 0; i < len.length; i++) if (test(4, len[i] as number)) out.push(pos[i] as number);
    for (const e of this.v6) if (test(6, e.cidr.prefix)) out.push(e.pos);
    return out.sort((a, b) => a - b);
  }

  /**
   * Every pair of entries that overlap each other, as input positions [a, b] with a before b in address order (ties:
   * by position): a sweep over the sorted columns, so O(n + pairs).
   */
  selfOverlaps(): [number, number][] {
    const pairs: [number, number][] = [];
    const { start, len, pos } = this.v4;
    for (let i = 0; i < start.length; i++) {
      const end = (start[i] as number) + (BLOCK[len[i] as number] as number) - 1;
      for (let j = i + 1; j < start.length && (start[j] as number) <= end; j++) pairs.push([pos[i] as number, pos[j] as number]);
    }
    for (let i = 0; i < this.v6.length; i++) {
      const a = this.v6[i] as { cidr: Cidr; pos: number };
      for (let j = i + 1; j < this.v6.length && (this.v6[j] as { cidr: Cidr }).cidr.start <= a.cidr.end; j++) pairs.push([a.pos, (this.v6[j] as { pos: number }).pos]);
    }
    return pairs;
  }
}

/** Which 32-bit half of a 64-bit typed-array element holds the high bits (1 on little-endian machines). */
const HIGH = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Collects IPv4 entries (masked start, length, position) and sorts them by start, then position, with one native
 * sort: each entry is a 64-bit key start·2^32 + position in a BigUint64Array, written and read through a Uint32Array
 * view of the same memory, so no BigInt (and no object, no comparator call) is ever made per entry.
 */
class V4Builder {
  private readonly keys: BigUint64Array;
  private readonly words: Uint32Array;
  /** Length by position. */
  private readonly lenAt: Uint8Array;
  private n = 0;

  constructor(capacity: number) {
    this.keys = new BigUint64Array(capacity);
    this.words = new Uint32Array(this.keys.buffer);
    this.lenAt = new Uint8Array(capacity);
  }

  add(start: number, len: number, pos: number): void {
    this.lenAt[pos] = len;
    this.words[2 * this.n + HIGH] = start;
    this.words[2 * this.n++ + (1 - HIGH)] = pos;
  }

  sorted(): V4Columns {
    const n = this.n;
    const out: V4Columns = { start: new Uint32Array(n), len: new Uint8Array(n), maxEnd: new Uint32Array(n), pos: new Uint32Array(n) };
    this.keys.subarray(0, n).sort();
    let running = 0;
    for (let i = 0; i < n; i++) {
      const start = this.words[2 * i + HIGH] as number;
      const pos = this.words[2 * i + (1 - HIGH)] as number;
      const len = this.lenAt[pos] as number;
      const end = start + (BLOCK[len] as number) - 1;
      out.start[i] = start;
      out.pos[i] = pos;
      out.len[i] = len;
      out.maxEnd[i] = running = end > running ? end : running;
    }
    return out;
  }
}

/** A prefix length /0-/32 at text[from..] to the end of the text (no leading zero), or -1. */
function scanPrefix(text: string, from: number): number {
  const n = text.length - from;
  if (n < 1 || n > 2) return -1;
  const a = text.charCodeAt(from) - 48;
  if (a < 0 || a > 9) return -1;
  if (n === 1) return a;
  const b = text.charCodeAt(from + 1) - 48;
  if (a === 0 || b < 0 || b > 9) return -1;
  const p = a * 10 + b;
  return p <= 32 ? p : -1;
}

/** The number of entries of the sorted array that are <= x. */
function upperBound(sorted: Uint32Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
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
