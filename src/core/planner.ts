/**
 * Address planning: every range a spec already uses, and free ranges that fit around them.
 * Pure; used by the rule fixes ("use 10.1.0.0/16 instead") and by the wizard's proposals.
 * Input is the parsed form the rule engine builds (`buildContext(spec)` in validators/index.ts satisfies `ParsedRanges`).
 */
import { CidrIndex, PRIVATE_IPV4_POOLS, cidr, contains, findFreeRangeWith, nthAddress, overlaps } from "./cidr.ts";
import type { Cidr, IpFamily } from "./cidr.ts";
import { carriesPodCidr } from "./resolve.ts";
import type { ClusterSpec } from "./spec.ts";

/** What a range is used for. */
export type RangeKind = "vnet" | "subnet" | "service" | "pod" | "dockerBridge" | "reserved" | "connected";

/** A range in use: its field path (e.g. `vnet.existingSubnets[2].cidr`, `reserved`), its kind and the parsed prefix. */
export interface KnownRange {
  field: string;
  kind: RangeKind;
  cidr: Cidr;
}

/** The parsed spec a planner reads; the rule engine's RuleContext has this shape. */
export interface ParsedRanges {
  spec: ClusterSpec;
  /** Parsed prefixes by field path. */
  cidrs: ReadonlyMap<string, Cidr>;
  /** Connected ranges (peerings, VPN, on-prem), indexed; tag = position in spec.connectedCidrs. */
  connected: CidrIndex<number>;
  /** The existing subnets' prefixes, indexed (tag = position in spec.vnet.existingSubnets): they may number 10^5. */
  existing: CidrIndex<number>;
  /** In field order, the existing subnets come after this many entries of `cidrs`. */
  existingSlot: number;
}

/** The field path of an existing subnet's prefix. */
export function existingField(i: number): string {
  return `vnet.existingSubnets[${i}].cidr`;
}

/** Ranges AKS reserves (RES-01): no service CIDR, pod CIDR or cluster VNet space may overlap them. */
export const RESERVED_RANGES: readonly string[] = ["169.254.0.0/16", "172.30.0.0/16", "172.31.0.0/16", "192.0.2.0/24"];

/** Where aks-net proposes new IPv6 cluster ranges: the locally assigned half of ULA space (as the DEF-09 defaults). */
export const PRIVATE_IPV6_POOLS: readonly string[] = ["fd00::/8"];

// Each parsed on first use, not at load: every CLI start-up loads this module, most never need these, and an IPv4-only
// spec never parses the IPv6 ones (the first IPv6 parse compiles ipaddr.js's expressions: ~1 ms of a `validate`).
let reserved: readonly Cidr[] | undefined;
const pools: Partial<Record<IpFamily, readonly Cidr[]>> = {};
let ula: Cidr | undefined;

/** The parsed RES-01 reserved ranges. */
export function reservedRanges(): readonly Cidr[] {
  return (reserved ??= RESERVED_RANGES.map(cidr));
}

/** The private pools a new range of this family is drawn from (RFC 1918 then RFC 6598; IPv6 ULA). */
export function privatePools(family: IpFamily): readonly Cidr[] {
  return (pools[family] ??= (family === 4 ? PRIVATE_IPV4_POOLS : PRIVATE_IPV6_POOLS).map(cidr));
}

/** True when the range lies inside private space: RFC 1918 or RFC 6598 for IPv4 (RES-02/03/04), ULA for IPv6. */
export function isPrivate(c: Cidr): boolean {
  return c.family === 4 ? privatePools(4).some((p) => contains(p, c)) : contains((ula ??= cidr("fc00::/7")), c);
}

/** Subnets aks-net plans for ingress (core/ingress.ts): in the VNet, apart from every other range. */
const INGRESS_SUBNETS = new Set(["ingress.internalLoadBalancer.subnetCidr", "ingress.applicationGateway.subnetCidr"]);

/** The kind of a parsed field path, or undefined for paths that are not ranges in use (routes). */
export function rangeKind(field: string): RangeKind | undefined {
  if (field.startsWith("vnet.addressSpaces[")) return "vnet";
  if (field === "vnet.subnetCidr" || field === "vnet.subnetIPv6Cidr" || field === "vnet.podSubnetCidr" || field === "vnet.apiServerSubnetCidr" || field.startsWith("vnet.existingSubnets[") || field.startsWith("firewall.") || INGRESS_SUBNETS.has(field)) return "subnet";
  if (/^nodePools\[\d+\]\.(vnetSubnetCidr|podSubnetCidr)$/.test(field)) return "subnet";
  if (field === "serviceCidr" || field.startsWith("serviceCidrs[")) return "service";
  if (field === "podCidr" || field.startsWith("podCidrs[")) return "pod";
  if (field === "dockerBridgeCidr") return "dockerBridge";
  return undefined;
}

/**
 * Every range the spec already uses, plus the reserved ranges; connected ranges are left in `parsed.connected`
 * (they may number a million) unless `withConnected` is set. Makes an object per existing subnet: rules ask
 * `parsed.existing` (or the Subnets helpers below) instead.
 */
export function knownRanges(parsed: ParsedRanges, withConnected = false): KnownRange[] {
  const { before, after } = rangesByKind(parsed);
  const out: KnownRange[] = [...before, ...existingRanges(parsed, allPositions(parsed.existing)), ...after];
  for (const c of reservedRanges()) out.push({ field: "reserved", kind: "reserved", cidr: c });
  if (withConnected) {
    const all = [...parsed.connected.overlapping(cidr("0.0.0.0/0")), ...parsed.connected.overlapping(cidr("::/0"))];
    for (const e of all) out.push({ field: `connectedCidrs[${e.tag}]`, kind: "connected", cidr: e.cidr });
  }
  return out;
}

/** Every position of an index, ascending. */
function allPositions(index: CidrIndex<number>): number[] {
  return index.positionsWhere(() => true);
}

/** The existing subnets at these positions as ranges in use (objects made here, for the few a rule needs). */
export function existingRanges(parsed: ParsedRanges, positions: readonly number[]): KnownRange[] {
  return positions.map((i) => ({ field: existingField(i), kind: "subnet", cidr: parsed.existing.at(i).cidr }));
}

/** Positions (ascending) of the existing subnets that overlap `c`. */
function existingHits(parsed: ParsedRanges, c: Cidr): number[] {
  return parsed.existing
    .overlapping(c)
    .map((e) => e.tag)
    .sort((a, b) => a - b);
}

/** A parsed range with the field path that holds it. */
export interface FieldRange {
  field: string;
  cidr: Cidr;
}

/**
 * The distinct service (or pod) ranges of a spec: the `serviceCidrs`/`podCidrs` entries as typed, plus the singular field
 * when it holds a different prefix. Pod ranges only where the cluster has a pod CIDR (kubenet, overlay, BYO CNI).
 */
export function clusterRanges(parsed: ParsedRanges, kind: "service" | "pod"): FieldRange[] {
  if (kind === "pod" && !carriesPodCidr(parsed.spec)) return [];
  const single = kind === "service" ? "serviceCidr" : "podCidr";
  const list = kind === "service" ? parsed.spec.serviceCidrs : parsed.spec.podCidrs;
  const out: FieldRange[] = [];
  (Array.isArray(list) ? list : []).forEach((_, i) => {
    const c = parsed.cidrs.get(`${single}s[${i}]`);
    if (c) out.push({ field: `${single}s[${i}]`, cidr: c });
  });
  const s = parsed.cidrs.get(single);
  if (s && !out.some((r) => r.cidr.canonical === s.canonical)) out.unshift({ field: single, cidr: s });
  return out;
}

interface ByKind {
  /** The ranges in use other than existing subnets, in field order: `before` the existing subnets, and `after`. */
  before: KnownRange[];
  after: KnownRange[];
  byKind: Map<RangeKind, KnownRange[]>;
}
const BY_KIND = new WeakMap<ReadonlyMap<string, Cidr>, ByKind>();

/** The parsed ranges in use (but the existing subnets, indexed apart), in field order and grouped by kind, made once per parse. */
function rangesByKind(parsed: ParsedRanges): ByKind {
  let ranges = BY_KIND.get(parsed.cidrs);
  if (!ranges) {
    ranges = { before: [], after: [], byKind: new Map() };
    let n = 0;
    for (const [field, cidr] of parsed.cidrs) {
      const kind = rangeKind(field);
      const at = n++ < parsed.existingSlot ? ranges.before : ranges.after;
      if (!kind) continue;
      const r: KnownRange = { field, kind, cidr };
      at.push(r);
      const list = ranges.byKind.get(kind);
      if (list) list.push(r);
      else ranges.byKind.set(kind, [r]);
    }
    BY_KIND.set(parsed.cidrs, ranges);
  }
  return ranges;
}

/** The VNet's subnets as parsed: node subnet, pod subnet, existing subnets and firewall subnets (an object each: see Subnets). */
export function subnetRanges(parsed: ParsedRanges): FieldRange[] {
  return allSubnets(subnetSet(parsed));
}

/**
 * The VNet's subnets without an object per existing subnet: the named ones (node, pod, pool, firewall, ingress) as
 * ranges, `before` and `after` the existing ones in field order; the existing ones in their index, but the `skip`ped
 * positions.
 */
export interface Subnets {
  before: FieldRange[];
  after: FieldRange[];
  parsed: ParsedRanges;
  skip: ReadonlySet<number>;
}

/** The VNet's subnets (see Subnets); `skip`: existing positions to leave out. */
export function subnetSet(parsed: ParsedRanges, skip: ReadonlySet<number> = new Set()): Subnets {
  const isSubnet = (r: KnownRange): boolean => r.kind === "subnet";
  const { before, after } = rangesByKind(parsed);
  return { before: before.filter(isSubnet), after: after.filter(isSubnet), parsed, skip };
}

/** The subnets that overlap `c`, in field order; objects only for the existing subnets hit. */
export function subnetsHitting(s: Subnets, c: Cidr): FieldRange[] {
  const hit = (r: FieldRange): boolean => overlaps(r.cidr, c);
  const existing = existingHits(s.parsed, c).filter((i) => !s.skip.has(i));
  return [...s.before.filter(hit), ...existingRanges(s.parsed, existing), ...s.after.filter(hit)];
}

/** Every subnet of the set as a range, in field order (an object per existing subnet: for small specs and tests). */
export function allSubnets(s: Subnets): FieldRange[] {
  return [...s.before, ...existingRanges(s.parsed, allPositions(s.parsed.existing).filter((i) => !s.skip.has(i))), ...s.after];
}

/** The VNet's address spaces as parsed. */
export function vnetRanges(parsed: ParsedRanges): FieldRange[] {
  return [...(rangesByKind(parsed).byKind.get("vnet") ?? [])];
}

/** What a search must stay clear of: known ranges (filtered by `skip`) and, when given, the connected index. */
export interface Avoid {
  ranges: readonly KnownRange[];
  connected?: CidrIndex<number>;
  /** Existing subnets, indexed (tag = position; see ParsedRanges), besides `ranges`; `skip` applies to them too. */
  existing?: CidrIndex<number>;
  /** Known ranges to ignore, e.g. the field being replaced, or the VNet when searching inside it. */
  skip?: (r: KnownRange) => boolean;
}

/** The lowest free prefix of length `prefix` and family `family` inside `within` (default: the private pools) avoiding `avoid`. */
export function suggestFreeRange(prefix: number, family: IpFamily, avoid: Avoid, within: readonly Cidr[] = privatePools(family)): Cidr | undefined {
  const ranges = avoid.ranges.filter((r) => r.cidr.family === family && !(avoid.skip?.(r) ?? false));
  const index = new CidrIndex(ranges.map((r) => ({ cidr: r.cidr, tag: undefined })));
  const { connected, existing, skip } = avoid;
  const existingBlockers = (candidate: Cidr): Cidr[] =>
    existing === undefined ? [] : existing.overlapping(candidate).flatMap((e) => (skip?.({ field: existingField(e.tag), kind: "subnet", cidr: e.cidr }) ? [] : [e.cidr]));
  return findFreeRangeWith(
    prefix,
    within.filter((w) => w.family === family),
    (candidate) => [...index.overlapping(candidate).map((e) => e.cidr), ...existingBlockers(candidate), ...(connected ? connected.overlapping(candidate).map((e) => e.cidr) : [])],
  );
}

/** Proposes ranges for one spec; built once per validation, each call is a fast indexed search. */
export interface Planner {
  /** Every known range except the connected ones (see knownRanges). */
  readonly known: readonly KnownRange[];
  /** A cluster range (service or pod CIDR) of this size from private space, clear of everything known; `replacing` fields are ignored. */
  clusterRange(prefix: number, family: IpFamily, replacing?: readonly string[]): Cidr | undefined;
  /** A subnet of this size inside the VNet's address spaces, clear of every other subnet, cluster range, reserved and connected range. */
  subnet(prefix: number, replacing?: readonly string[]): Cidr | undefined;
  /**
   * A free replacement for the range at `field` (same size unless `prefix` is given): a subnet for subnet fields, else a
   * cluster range. The same question gets the same answer, and later searches avoid it, so the fixes of several
   * findings can be applied together. Undefined when no range is free, or past the first MAX_PROPOSALS questions.
   */
  replacement(field: string, c: Cidr, prefix?: number): Cidr | undefined;
  /** The known ranges (connected ones included, at most `limit` of those) that overlap `c`, other than the `except` fields. */
  conflicts(c: Cidr, except?: readonly string[], limit?: number): KnownRange[];
}

/** Free ranges proposed per planner (per validation): the first findings get a concrete replacement, later ones a rule. */
const MAX_PROPOSALS = 50;

/** Builds a planner over a parsed spec. */
export function createPlanner(parsed: ParsedRanges): Planner {
  // The ranges in use but the existing subnets, which stay in their index (10^5 objects were this planner's cost).
  const { before, after } = rangesByKind(parsed);
  const reserved: KnownRange[] = reservedRanges().map((c) => ({ field: "reserved", kind: "reserved", cidr: c }));
  const named = [...before, ...after, ...reserved];
  let known: KnownRange[] | undefined;
  const proposed: KnownRange[] = [];
  const answers = new Map<string, Cidr | undefined>();
  const avoid = (replacing: readonly string[], alsoSkip?: RangeKind): Avoid => ({
    ranges: proposed.length > 0 ? [...named, ...proposed] : named,
    connected: parsed.connected,
    existing: parsed.existing,
    skip: (r) => replacing.includes(r.field) || r.kind === alsoSkip,
  });
  const clusterRange = (prefix: number, family: IpFamily, replacing: readonly string[] = []): Cidr | undefined =>
    suggestFreeRange(prefix, family, avoid(replacing));
  const subnet = (prefix: number, replacing: readonly string[] = []): Cidr | undefined => {
    const spaces = named.filter((r) => r.kind === "vnet" && r.cidr.family === 4).map((r) => r.cidr);
    return suggestFreeRange(prefix, 4, avoid(replacing, "vnet"), spaces);
  };
  return {
    get known() {
      return (known ??= knownRanges(parsed));
    },
    clusterRange,
    subnet,
    replacement: (field, c, prefix = c.prefix) => {
      const key = `${field} ${c.family} /${prefix}`;
      if (answers.has(key)) return answers.get(key);
      // Each search scans every known range: past MAX_PROPOSALS (10^5 overlapping subnets) the fix stays general.
      if (answers.size >= MAX_PROPOSALS) return undefined;
      const kind = rangeKind(field);
      const free = kind === "subnet" ? subnet(prefix, [field]) : clusterRange(prefix, c.family, [field]);
      answers.set(key, free);
      if (free) proposed.push({ field, kind: kind ?? "service", cidr: free });
      return free;
    },
    conflicts: (c, except = [], limit = 5) => {
      // In the order of `known`: the named ranges before the existing subnets, those, the rest, the reserved ranges.
      const hit = (r: KnownRange): boolean => !except.includes(r.field) && overlaps(r.cidr, c);
      const hits = [...before.filter(hit), ...existingRanges(parsed, existingHits(parsed, c)).filter(hit), ...after.filter(hit), ...reserved.filter(hit)];
      const linked = parsed.connected.overlapping(c).slice(0, limit);
      return [...hits, ...linked.map((e) => ({ field: `connectedCidrs[${e.tag}]`, kind: "connected" as const, cidr: e.cidr }))];
    },
  };
}

const SHARED = new WeakMap<ParsedRanges, Planner>();

/** One planner per parsed spec, shared by every rule family, so the fixes of all findings fit together. */
export function sharedPlanner(parsed: ParsedRanges): Planner {
  let planner = SHARED.get(parsed);
  if (!planner) SHARED.set(parsed, (planner = createPlanner(parsed)));
  return planner;
}

/** A one-line fix proposing a free replacement for the range at `field`, or a general instruction when space is exhausted. */
export function replacementFix(planner: Planner, field: string, c: Cidr, prefix = c.prefix): string {
  const free = planner.replacement(field, c, prefix);
  const dns = field === "serviceCidr" || (field === "serviceCidrs[0]" && c.family === 4);
  if (!free) return `choose a /${prefix} for ${field} that overlaps no subnet, VNet space, cluster, reserved or connected range`;
  return `use ${field} ${free.canonical}${dns ? ` with dnsServiceIP ${tenthAddress(free)}` : ""} (free, overlaps nothing else in the spec)`;
}

/** The `.10` address of a range (DNS-06), or its last-but-one address in ranges smaller than 12 addresses. */
export function tenthAddress(c: Cidr): string {
  const span = c.end - c.start;
  return nthAddress(c, span > 11n ? 10n : span > 1n ? span - 1n : 0n);
}
