/**
 * Merges input layers (template < file < wizard < flags) into one spec, records where each value came from,
 * then fills AKS's own defaults (aks-network-rules.md section 0) so rules check what Azure will really use.
 */
import { findFreeRange, parseCidr } from "./cidr.ts";
import { emptySpec } from "./spec.ts";
import { DEFAULT_WINDOWS_ADMIN } from "./windows.ts";
import type { ClusterSpec, NodePoolSpec, Provenance, Source, SpecInput, SpecLayer } from "./spec.ts";

const PRECEDENCE: Source[] = ["default", "template", "file", "live", "wizard", "flag"];

/**
 * The ranges a spec gets when nobody chose them: AKS's own (DEF-01..03) and aks-net's for a new VNet (DEF-10, the
 * ranges AKS gives a managed VNet). The wizard proposes these same values whenever they fit (core/proposals.ts), so a
 * cluster made on a terminal and the same command re-run in CI plan the same spec.
 */
export const DEFAULT_RANGES = {
  serviceCidr: "10.0.0.0/16",
  dnsServiceIP: "10.0.0.10",
  podCidr: "10.244.0.0/16",
  vnetAddressSpace: "10.224.0.0/12",
  nodeSubnet: "10.224.0.0/16",
} as const;

/** The effective spec and the source of every field that has a value. */
export interface ResolvedSpec {
  spec: ClusterSpec;
  provenance: Provenance;
}

/** Merges layers by precedence and applies defaults. */
export function resolveSpec(layers: readonly SpecLayer[]): ResolvedSpec {
  const ordered = [...layers].sort((a, b) => PRECEDENCE.indexOf(a.source) - PRECEDENCE.indexOf(b.source));
  const spec = emptySpec() as unknown as Record<string, unknown>;
  const provenance: Provenance = {};
  for (const layer of ordered) mergeInto(spec, layer.input as Record<string, unknown>, "", layer.source, provenance);
  const typed = spec as unknown as ClusterSpec;
  addLiveRanges(typed, layers);
  applyDefaults(typed, provenance);
  return { spec: typed, provenance };
}

/** Node-pool array entries merge by index (flags like --max-pods address pool 0); other arrays replace. */
function mergeInto(target: Record<string, unknown>, input: Record<string, unknown>, path: string, source: Source, prov: Provenance): void {
  for (const key of Object.keys(input)) {
    const value = input[key];
    if (value === undefined) continue;
    const p = path ? `${path}.${key}` : key;
    if (key === "nodePools" && Array.isArray(value)) {
      const pools = (target[key] as Record<string, unknown>[] | undefined) ?? [];
      value.forEach((pool, i) => {
        pools[i] ??= {};
        mergeInto(pools[i] as Record<string, unknown>, pool as Record<string, unknown>, `${p}[${i}]`, source, prov);
      });
      target[key] = pools;
    } else if (isPlainObject(value)) {
      const sub = isPlainObject(target[key]) ? (target[key] as Record<string, unknown>) : {};
      mergeInto(sub, value, p, source, prov);
      target[key] = sub;
    } else {
      target[key] = Array.isArray(value) ? copyPlain(value) : value;
      // What a lower layer recorded at or under this field goes (a list replaces its entries). Compared in place: this
      // runs for every value of every layer.
      for (const k in prov) if (k.startsWith(p) && (k.length === p.length || k[p.length] === "." || k[p.length] === "[")) delete prov[k];
      prov[p] = source;
    }
  }
}

/** Live facts add to the user's connected ranges and subnets (peerings, Azure's subnets); a flag never hides them. */
function addLiveRanges(spec: ClusterSpec, layers: readonly SpecLayer[]): void {
  const live = layers.find((l) => l.source === "live")?.input;
  if (!live) return;
  if (live.connectedCidrs) spec.connectedCidrs = [...new Set([...spec.connectedCidrs, ...live.connectedCidrs])];
  const subnets = live.vnet?.existingSubnets;
  if (subnets) {
    const have = new Set(spec.vnet.existingSubnets.map((s) => s.name));
    // A loop, not push(...list): 10^5 subnets as arguments overflow the stack.
    for (const s of copyPlain(subnets) as ClusterSpec["vnet"]["existingSubnets"]) if (!have.has(s.name)) spec.vnet.existingSubnets.push(s);
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** AKS defaults (DEF-*) plus aks-net's own planning defaults, each recorded as `default`. */
export function applyDefaults(spec: ClusterSpec, prov: Provenance): void {
  const set = <K extends keyof ClusterSpec>(key: K, value: ClusterSpec[K]): void => {
    if (spec[key] === undefined) {
      spec[key] = value;
      prov[key as string] = "default";
    }
  };
  // DEF-05: omitted plugin means Azure CNI Overlay; `azure` alone stays node-subnet for backward compatibility.
  if (spec.networkPlugin === undefined) {
    set("networkPlugin", "azure");
    if (spec.networkPluginMode === undefined && spec.vnet.podSubnetCidr === undefined && spec.podSubnetId === undefined) set("networkPluginMode", "overlay");
  }
  const dualStack = (spec.ipFamilies ?? []).includes("IPv6");
  set("ipFamilies", ["IPv4"]);
  if (dualStack) {
    // DEF-09
    if (spec.podCidrs === undefined && spec.podCidr === undefined) set("podCidrs", ["10.244.0.0/16", "fd12:3456:789a::/64"]);
    if (spec.serviceCidrs === undefined && spec.serviceCidr === undefined) set("serviceCidrs", ["10.0.0.0/16", "fd12:3456:789a:1::/108"]);
  }
  set("serviceCidr", spec.serviceCidrs?.[0] ?? DEFAULT_RANGES.serviceCidr); // DEF-01
  set("dnsServiceIP", DEFAULT_RANGES.dnsServiceIP); // DEF-02
  if (usesPodCidr(spec)) set("podCidr", spec.podCidrs?.[0] ?? DEFAULT_RANGES.podCidr); // DEF-03
  set("loadBalancerSku", "standard"); // DEF-07
  // An existing firewall/NVA (--firewall-private-ip) is reached through aks-net's route table, as the one it builds.
  if (spec.firewall.enabled || spec.firewall.privateIp !== undefined) set("outboundType", "userDefinedRouting");
  // --firewall-private-ip IP is the default route 0.0.0.0/0 → VirtualAppliance IP, checked as any route (OUT-*, BYO-02).
  const fwIp = spec.firewall.privateIp;
  if (typeof fwIp === "string" && Array.isArray(spec.routes) && !spec.routes.some((r) => r?.prefix === "0.0.0.0/0")) {
    spec.routes = [...spec.routes, { prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: fwIp }];
    prov[`routes[${spec.routes.length - 1}]`] = "default";
  }
  if (spec.vnet.natGatewayId !== undefined) set("outboundType", "userAssignedNATGateway");
  if (spec.loadBalancerSku !== "basic") set("outboundType", "loadBalancer"); // DEF-08
  if (spec.networkPolicy === undefined && spec.networkDataplane === "cilium") set("networkPolicy", "cilium"); // CMP-04
  set("networkPolicy", "none");
  set("networkDataplane", spec.networkPolicy === "cilium" ? "cilium" : "azure");

  if (spec.nodePools.length === 0) spec.nodePools.push({} as NodePoolSpec);
  spec.nodePools.forEach((pool, i) => {
    const def = <K extends keyof NodePoolSpec>(key: K, value: NodePoolSpec[K]): void => {
      if (pool[key] === undefined) {
        pool[key] = value;
        prov[`nodePools[${i}].${key}`] = "default";
      }
    };
    def("name", i === 0 ? "system" : `pool${i}`);
    def("mode", i === 0 ? "System" : "User");
    def("osType", "Linux");
    def("count", 3);
    def("maxPods", defaultMaxPods(spec)); // DEF-06
    // maxSurge stays unset: AKS applies its api-version default (capacity.ts DEFAULT_MAX_SURGE), never pinned in the body.
  });

  // A Windows pool needs the cluster's windowsProfile at create; AKS's own default administrator is azureuser.
  if (spec.nodePools.some((p) => p.osType === "Windows") && spec.windowsProfile?.adminUsername === undefined) {
    spec.windowsProfile = { ...spec.windowsProfile, adminUsername: DEFAULT_WINDOWS_ADMIN };
    prov["windowsProfile.adminUsername"] = "default";
  }

  // aks-net's own planning defaults for a new VNet (DEF-10, overlay sizes), used unless the user brings a subnet.
  const noVnetGiven = spec.vnet.addressSpaces.length === 0 && spec.vnetSubnetId === undefined && spec.vnet.subnetCidr === undefined;
  if (spec.vnet.managed === undefined && noVnetGiven && spec.outboundType === "managedNATGateway") {
    spec.vnet.managed = true;
    prov["vnet.managed"] = "default";
  }
  if (spec.vnet.addressSpaces.length === 0 && spec.vnetSubnetId === undefined && spec.vnet.managed !== true) {
    spec.vnet.addressSpaces = [DEFAULT_RANGES.vnetAddressSpace];
    prov["vnet.addressSpaces"] = "default";
    if (spec.vnet.subnetCidr === undefined) {
      spec.vnet.subnetCidr = DEFAULT_RANGES.nodeSubnet;
      prov["vnet.subnetCidr"] = "default";
    }
  }
  if (dualStack) ipv6Defaults(spec, prov);
  if (spec.firewall.enabled && spec.firewall.sku === undefined) {
    spec.firewall.sku = "Standard";
    prov["firewall.sku"] = "default";
  }
}

/**
 * Dual-stack nodes take an IPv6 address from their subnet (configure-dual-stack.md), so a VNet aks-net builds gets an
 * IPv6 range, a unique local /48 unless the user chose one (--vnet-cidr), and the node subnet a /64 of it. A VNet the
 * user brings (--vnet-subnet-id, or one that exists) is left as it is: CMP-18 refuses it when it has no IPv6 range.
 */
function ipv6Defaults(spec: ClusterSpec, prov: Provenance): void {
  if (spec.vnet.managed === true || spec.vnetSubnetId !== undefined) return;
  const spaces = Array.isArray(spec.vnet.addressSpaces) ? spec.vnet.addressSpaces : [];
  let v6 = spaces.map((t) => (typeof t === "string" ? parseCidr(t) : undefined)).find((p) => p?.ok && p.value.family === 6);
  if (v6 === undefined && spec.live?.vnet?.exists !== true) {
    const ula = uniqueLocal48(`${spec.subscription ?? ""}/${spec.vnet.resourceGroup ?? spec.resourceGroup ?? ""}/${spec.vnet.name ?? spec.name ?? ""}`);
    prov[`vnet.addressSpaces[${spaces.length}]`] = "default";
    spec.vnet.addressSpaces = [...spaces, ula];
    v6 = parseCidr(ula);
  }
  if (spec.vnet.subnetIPv6Cidr === undefined && v6?.ok && v6.value.prefix <= 64) {
    // The first /64 clear of the IPv6 subnets already in the VNet.
    const taken = spec.vnet.existingSubnets.flatMap((s) => {
      const p = typeof s?.cidr === "string" ? parseCidr(s.cidr) : undefined;
      return p?.ok && p.value.family === 6 ? [p.value] : [];
    });
    const free = findFreeRange(64, [v6.value], taken);
    if (free) {
      spec.vnet.subnetIPv6Cidr = free.canonical;
      prov["vnet.subnetIPv6Cidr"] = "default";
    }
  }
}

/**
 * An RFC 4193 unique local /48 (fd + a 40-bit global ID) derived from the cluster's names: the same cluster gets the
 * same range on every run, different clusters (which may be peered later) most likely different ones. Never the DEF-09
 * pod/service ranges' fd12:3456:789a::/48.
 */
export function uniqueLocal48(seed: string): string {
  const fnv = (basis: number): number => {
    let h = basis >>> 0;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193) >>> 0;
    return h;
  };
  const hi = fnv(0x811c9dc5);
  const lo = fnv(0x050c5d1f) & 0xff;
  const hex = (n: number): string => n.toString(16);
  const [a, b, c] = [(hi >>> 24) & 0xff, (hi >>> 8) & 0xffff, ((hi & 0xff) << 8) | lo];
  const text = `fd${hex(a).padStart(2, "0")}:${hex(b)}:${hex(c)}::/48`;
  return text === "fd12:3456:789a::/48" ? "fd12:3456:789b::/48" : text;
}

/** True for the IPAM modes that carve pod /24s out of a pod CIDR: kubenet and Azure CNI Overlay. */
export function usesPodCidr(spec: Pick<ClusterSpec, "networkPlugin" | "networkPluginMode">): boolean {
  return spec.networkPlugin === "kubenet" || (spec.networkPlugin === "azure" && spec.networkPluginMode === "overlay");
}

/** True when the cluster has a pod CIDR: kubenet and overlay carve node /24s out of it; BYO CNI (none) needs one for the control plane's routing to pods (use-byo-cni.md). */
export function carriesPodCidr(spec: Pick<ClusterSpec, "networkPlugin" | "networkPluginMode">): boolean {
  return usesPodCidr(spec) || spec.networkPlugin === "none";
}

/** DEF-06 / C-14: overlay 250, pod subnet 250 (worst case for sizing), Azure CNI node subnet 30, kubenet 110. */
export function defaultMaxPods(spec: Pick<ClusterSpec, "networkPlugin" | "networkPluginMode" | "vnet"> & { podSubnetId?: string }): number {
  if (spec.networkPlugin === "azure") {
    if (spec.networkPluginMode === "overlay" || spec.vnet.podSubnetCidr !== undefined || spec.podSubnetId !== undefined) return 250;
    return 30;
  }
  return 110;
}

/** Input layers from a ready spec: used to replay a resolved spec (round-trips, `init`). */
export function asLayer(input: SpecInput, source: Source): SpecLayer {
  return { source, input };
}

/**
 * A deep copy of JSON-like data (all that files, flags and live reads hold). structuredClone was the cost of a spec
 * with 10^5 existing subnets or 10^6 connected ranges.
 */
function copyPlain<T>(value: T): T {
  if (Array.isArray(value)) return value.map(copyPlain) as T;
  if (value === null || typeof value !== "object") return value;
  // A spread copies an object's own keys in one step (5x a key-by-key copy for 10^5 subnet entries); only nested
  // objects need copies of their own.
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const k in out) {
    const v = out[k];
    if (typeof v === "object" && v !== null) out[k] = copyPlain(v);
  }
  return out as T;
}
