/**
 * Capacity arithmetic (CAP-*): how many nodes the node subnet, the pod subnet and the pod CIDR hold
 * for the chosen plugin and mode, at the chosen max pods, counting surge and the autoscaler maximum.
 * Pure; used by the CAP rules, the human and JSON output, and the wizard's proposals.
 */
import { azureUsable, parseCidr, size } from "./cidr.ts";
import type { Cidr } from "./cidr.ts";
import { usesPodCidr } from "./resolve.ts";
import { poolSubnets, poolsOnClusterSubnet } from "./pool-subnets.ts";
import type { PoolSubnet } from "./pool-subnets.ts";
import type { ClusterSpec, NodePoolSpec } from "./spec.ts";

/** IPAM model that decides who consumes which addresses. */
export type IpamMode = "kubenet" | "azure-overlay" | "azure-pod-subnet" | "azure-node-subnet" | "byo-cni";

export interface RangeCapacity {
  cidr: string;
  /** Addresses (or /24 blocks for a pod CIDR) available. */
  available: number;
  /** Addresses (or /24 blocks) the planned nodes need at their peak (nodes + surge, autoscaler max). */
  required: number;
  /** Addresses (or /24 blocks) the nodes need at create: node counts only, no surge, no autoscaler growth. */
  requiredAtCreate: number;
  /** Addresses (or /24 blocks) one node takes from this range at the chosen max pods. */
  perNode: number;
  /** Most nodes this range can hold at the chosen max pods (surge nodes included in the count). */
  maxNodes: number;
  /**
   * Pod subnet only: addresses every node at peak takes the moment it starts: its first batch of 16 (dynamic) or its
   * whole /28 blocks (Static Block, held for the node's lifetime). Below this, nodes cannot start.
   */
  requiredAtStart?: number;
}

export interface Capacity {
  ipam: IpamMode;
  /** Sum over pools of the node count at create. */
  nodes: number;
  /** Sum over pools of the largest count a pool can reach (autoscaler max, else count). */
  peakNodes: number;
  /** Surge nodes during upgrade (largest pool's maxSurge; pools upgrade one at a time). */
  surge: number;
  /** Largest max pods of any pool: the value the per-node figures and `maxNodes` use (worst case for sizing). */
  maxPods: number;
  /** Addresses one node takes from the node subnet at `maxPods`. */
  ipsPerNode: number;
  nodeSubnet?: RangeCapacity;
  podSubnet?: RangeCapacity;
  podCidr?: RangeCapacity;
  /** Most pods the cluster can run at the peak node count (each pool at its own max pods). */
  maxPodsTotal: number;
}

/** Which IPAM model the spec selects. */
export function ipamMode(spec: ClusterSpec): IpamMode {
  if (spec.networkPlugin === "kubenet") return "kubenet";
  if (spec.networkPlugin === "none") return "byo-cni";
  if (usesPodCidr(spec)) return "azure-overlay";
  if (spec.vnet.podSubnetCidr !== undefined || spec.podSubnetId !== undefined) return "azure-pod-subnet";
  return "azure-node-subnet";
}

/** Addresses one node takes from the node subnet: its own IP plus one per pod with Azure CNI node subnet (CAP-01), else one (CAP-02). */
export function nodeSubnetIpsPerNode(ipam: IpamMode, maxPods: number): number {
  return ipam === "azure-node-subnet" ? 1 + maxPods : 1;
}

/** Nodes a pool has at create. */
export function poolCount(pool: NodePoolSpec): number {
  return whole(pool.count);
}

/** The largest node count a pool can reach: the autoscaler maximum when it is on (CAP-01 plans for it). */
export function poolPeak(pool: NodePoolSpec): number {
  return Math.max(poolCount(pool), pool.enableAutoScaling ? whole(pool.maxCount) : 0);
}

/**
 * AKS's maxSurge when none is given, for the api-version aks-net sends (API_VERSIONS.containerService 2026-06-01:
 * "If not specified, the default is 10%"; older api-versions said 1).
 */
export const DEFAULT_MAX_SURGE = "10%";

/** A count or a percentage as AgentPoolUpgradeSettings takes them ("5", 5, "33%"); undefined when it is neither. */
export function parseCountOrPercent(raw: unknown): { value: number; percent: boolean } | undefined {
  if (typeof raw === "number") return Number.isInteger(raw) && raw >= 0 ? { value: raw, percent: false } : undefined;
  const m = typeof raw === "string" ? /^(\d+)(%?)$/.exec(raw.trim()) : null;
  return m ? { value: Number(m[1]), percent: m[2] === "%" } : undefined;
}

/**
 * Extra nodes during a pool's upgrade: maxSurge as a count, or a percentage of the pool's size rounded up; never more
 * than the pool's nodes ("If the max surge value is higher than the required number of nodes to be upgraded, the
 * number of nodes to be upgraded is used"). maxUnavailable adds no nodes. An unreadable value counts 0 (CAP-12 reports it).
 */
export function poolSurge(pool: NodePoolSpec): number {
  const size = poolPeak(pool);
  const surge = parseCountOrPercent(pool.maxSurge ?? DEFAULT_MAX_SURGE);
  if (!surge) return 0;
  return Math.min(surge.percent ? Math.ceil((size * surge.value) / 100) : surge.value, size);
}

/** Max pods of a pool as a number (0 when unset or not a number; the SYN/CAP-07 rules report bad values). */
export function poolMaxPods(pool: NodePoolSpec): number {
  return whole(pool.maxPods);
}

/** The usable addresses of a subnet (C-16: 5 reserved) and the most nodes it holds at `perNode` addresses each. */
function rangeOf(c: Cidr, perNode: number, required: number, requiredAtCreate: number): RangeCapacity {
  const available = azureUsable(c);
  return { cidr: c.canonical, available, required, requiredAtCreate, perNode, maxNodes: Math.floor(available / Math.max(perNode, 1)) };
}

/**
 * Addresses the pools need from a range at `perNode(pool)` each: at create (counts) and at peak (autoscaler max of every
 * pool plus the surge of the one pool being upgraded; pools upgrade one at a time, so the largest surge counts).
 */
function need(pools: readonly NodePoolSpec[], perNode: (p: NodePoolSpec) => number): { atCreate: number; peak: number } {
  const atCreate = pools.reduce((n, p) => n + poolCount(p) * perNode(p), 0);
  const peak = pools.reduce((n, p) => n + poolPeak(p) * perNode(p), 0);
  const surge = pools.reduce((m, p) => Math.max(m, poolSurge(p) * perNode(p)), 0);
  return { atCreate, peak: peak + surge };
}

/** Computes capacity; ranges that do not parse are left out (the SYN rules report them). */
export function computeCapacity(spec: ClusterSpec): Capacity {
  const ipam = ipamMode(spec);
  const pools = Array.isArray(spec.nodePools) ? spec.nodePools : [];
  const nodes = pools.reduce((n, p) => n + poolCount(p), 0);
  const peakNodes = pools.reduce((n, p) => n + poolPeak(p), 0);
  const surge = pools.reduce((m, p) => Math.max(m, poolSurge(p)), 0);
  const maxPods = pools.reduce((m, p) => Math.max(m, poolMaxPods(p)), 0);
  const ipsPerNode = nodeSubnetIpsPerNode(ipam, maxPods);
  const maxPodsTotal = pools.reduce((n, p) => n + poolPeak(p) * poolMaxPods(p), 0);
  const cap: Capacity = { ipam, nodes, peakNodes, surge, maxPods, ipsPerNode, maxPodsTotal };

  // Pools with a subnet of their own are counted there (poolSubnetCapacity), not in the cluster's.
  const onNodeSubnet = poolsOnClusterSubnet(spec, "node").map((i) => pools[i] as NodePoolSpec);
  const subnet = parse(spec.vnet.subnetCidr);
  if (subnet && subnet.family === 4) {
    const n = need(onNodeSubnet, (p) => nodeSubnetIpsPerNode(ipam, poolMaxPods(p)));
    cap.nodeSubnet = rangeOf(subnet, ipsPerNode, n.peak, n.atCreate);
  }
  const podSubnet = parse(spec.vnet.podSubnetCidr);
  if (ipam === "azure-pod-subnet" && podSubnet && podSubnet.family === 4) {
    // Every pod IP of a pod-subnet cluster comes from the pod subnet; the nodes' own IPs stay in the node subnet.
    const onPodSubnet = poolsOnClusterSubnet(spec, "pod").map((i) => pools[i] as NodePoolSpec);
    cap.podSubnet = podRange(podSubnet, onPodSubnet);
  }
  const podCidr = parse(spec.podCidr);
  if ((ipam === "kubenet" || ipam === "azure-overlay") && podCidr && podCidr.family === 4) {
    // One /24 per node (SIZE-03), whatever the max pods.
    const blocks = podCidr.prefix <= 24 ? Number(size(podCidr) / 256n) : 0;
    const n = need(pools, () => 1);
    cap.podCidr = { cidr: podCidr.canonical, available: blocks, required: n.peak, requiredAtCreate: n.atCreate, perNode: 1, maxNodes: blocks };
  }
  return cap;
}

/** A pod subnet's capacity for the pools on it. */
function podRange(c: Cidr, pools: readonly NodePoolSpec[]): RangeCapacity {
  const n = need(pools, podSubnetIpsPerNode);
  return { ...rangeOf(c, Math.max(...pools.map(podSubnetIpsPerNode), 0), n.peak, n.atCreate), requiredAtStart: need(pools, podSubnetIpsAtStart).peak };
}

/** A pool's own subnet (node-pool-unique-subnet.md) with what its pools need from it (CAP-14). */
export interface PoolSubnetCapacity {
  subnet: PoolSubnet;
  range: RangeCapacity;
}

/** Capacity of each subnet pools have of their own: node subnets by the IPAM model, pod subnets for Azure CNI pod subnet. */
export function poolSubnetCapacity(spec: ClusterSpec): PoolSubnetCapacity[] {
  const ipam = ipamMode(spec);
  const pools = Array.isArray(spec.nodePools) ? spec.nodePools : [];
  const out: PoolSubnetCapacity[] = [];
  for (const role of ["node", "pod"] as const) {
    if (role === "pod" && ipam !== "azure-pod-subnet") continue;
    for (const s of poolSubnets(spec, role)) {
      const c = parse(s.cidr);
      if (!c || c.family !== 4) continue;
      const on = s.pools.map((i) => pools[i] as NodePoolSpec);
      if (role === "pod") {
        out.push({ subnet: s, range: podRange(c, on) });
        continue;
      }
      const perNode = (p: NodePoolSpec): number => nodeSubnetIpsPerNode(ipam, poolMaxPods(p));
      const n = need(on, perNode);
      out.push({ subnet: s, range: rangeOf(c, Math.max(...on.map(perNode), 1), n.peak, n.atCreate) });
    }
  }
  return out;
}

/** Azure's limit of private IP addresses per virtual network (Azure subscription and service limits, networking). */
export const MAX_VNET_PRIVATE_IPS = 65_536;

/** Private IP addresses the VNet holds at the cluster's peak, by use (CAP-13). */
export interface VnetIps {
  /** Nodes at peak (with surge), and their pods with Azure CNI node subnet. */
  nodes: number;
  /** Pod-subnet pods at full density (dynamic allocation; Static Block blocks are not counted address by address). */
  pods: number;
  /** The firewall subnets' usable addresses (Azure Firewall scales out inside them). */
  firewall: number;
  /** Addresses --live found in use in the VNet's other subnets. */
  others: number;
  total: number;
}

/** CAP-13: what the plan puts in the VNet at peak, plus what is there already. */
export function vnetIpsAtPeak(spec: ClusterSpec, cap: Capacity, exclude: ReadonlySet<number> = new Set()): VnetIps {
  const pools = Array.isArray(spec.nodePools) ? spec.nodePools : [];
  const nodes = need(pools, (p) => nodeSubnetIpsPerNode(cap.ipam, poolMaxPods(p))).peak;
  // Static Block assigns CIDR blocks to nodes, which "helps scale the cluster limit up to 1 million pods from the
  // traditional 65K pods": only dynamically allocated pod IPs count one by one.
  const pods = cap.ipam === "azure-pod-subnet" ? need(pools, (p) => (isStaticBlock(p) ? 0 : podSubnetIpsPerNode(p))).peak : 0;
  const fw = spec.firewall?.enabled ? [spec.firewall.subnetCidr, spec.firewall.managementSubnetCidr].reduce((n, t) => n + (parse(t)?.family === 4 ? azureUsable(parse(t) as Cidr) : 0), 0) : 0;
  const others = (Array.isArray(spec.vnet.existingSubnets) ? spec.vnet.existingSubnets : []).reduce((n, s, i) => n + (exclude.has(i) ? 0 : whole(s?.used)), 0);
  return { nodes, pods, firewall: fw, others, total: nodes + pods + fw + others };
}

/** Addresses one node reserves in a Static Block pod subnet: whole /28 blocks for its pods plus one (CAP-04). */
export function staticBlockIpsPerNode(maxPods: number): number {
  return Math.ceil((maxPods + 1) / 16) * 16;
}

/** True when the pool reserves pod addresses in /28 blocks (CAP-04) rather than handing them out dynamically. */
export function isStaticBlock(pool: NodePoolSpec): boolean {
  return pool.podIPAllocationMode === "StaticBlock";
}

/**
 * Pod-subnet addresses one node of the pool takes at full density: its max pods in whole batches of 16 (dynamic, CAP-03),
 * or whole /28 blocks for its pods plus one (Static Block, CAP-04).
 */
export function podSubnetIpsPerNode(pool: NodePoolSpec): number {
  const mp = poolMaxPods(pool);
  return isStaticBlock(pool) ? staticBlockIpsPerNode(mp) : Math.ceil(mp / POD_IP_BATCH) * POD_IP_BATCH;
}

/** Pod-subnet addresses a node of the pool takes at start-up: one batch of 16 (dynamic), all its blocks (Static Block). */
export function podSubnetIpsAtStart(pool: NodePoolSpec): number {
  return isStaticBlock(pool) ? staticBlockIpsPerNode(poolMaxPods(pool)) : POD_IP_BATCH;
}

/** Pod IPs are handed to nodes in batches of 16 with dynamic allocation (CAP-03): the least a node takes. */
export const POD_IP_BATCH = 16;

function whole(v: unknown): number {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

function parse(text: string | undefined): Cidr | undefined {
  if (typeof text !== "string") return undefined;
  const p = parseCidr(text);
  return p.ok ? p.value : undefined;
}
