/**
 * Capacity arithmetic (CAP-*): how many nodes the node subnet, the pod subnet and the pod CIDR hold
 * for the chosen plugin and mode, at the chosen max pods, counting surge and the autoscaler maximum.
 * Pure; used by the CAP rules, the human and JSON output, and the wizard's proposals.
 */
import { azureUsable, parseCidr, size } from "./cidr.ts";
import { usesPodCidr } from "./resolve.ts";
import type { ClusterSpec } from "./spec.ts";

/** IPAM model that decides who consumes which addresses. */
export type IpamMode = "kubenet" | "azure-overlay" | "azure-pod-subnet" | "azure-node-subnet" | "byo-cni";

export interface RangeCapacity {
  cidr: string;
  /** Addresses (or /24 blocks for a pod CIDR) available. */
  available: number;
  /** Addresses (or /24 blocks) the planned nodes need at their peak (nodes + surge, autoscaler max). */
  required: number;
  /** Most nodes this range can hold at the chosen max pods. */
  maxNodes: number;
}

export interface Capacity {
  ipam: IpamMode;
  /** Sum over pools of the node count at create. */
  nodes: number;
  /** Sum over pools of the largest count a pool can reach (autoscaler max, else count). */
  peakNodes: number;
  /** Surge nodes during upgrade (largest pool's maxSurge; pools upgrade one at a time). */
  surge: number;
  /** Max pods of the system pool (per-pool values are in the spec). */
  maxPods: number;
  /** Addresses one node takes from the node subnet. */
  ipsPerNode: number;
  nodeSubnet?: RangeCapacity;
  podSubnet?: RangeCapacity;
  podCidr?: RangeCapacity;
  /** Most pods the cluster can run at the peak node count. */
  maxPodsTotal: number;
}

/** Which IPAM model the spec selects. */
export function ipamMode(spec: ClusterSpec): IpamMode {
  if (spec.networkPlugin === "kubenet") return "kubenet";
  if (spec.networkPlugin === "none") return "byo-cni";
  if (usesPodCidr(spec)) return "azure-overlay";
  if (spec.vnet.podSubnetCidr !== undefined) return "azure-pod-subnet";
  return "azure-node-subnet";
}

/** Computes capacity; ranges that do not parse are left out (the SYN rules report them). */
export function computeCapacity(spec: ClusterSpec): Capacity {
  const ipam = ipamMode(spec);
  const pools = spec.nodePools;
  const nodes = pools.reduce((n, p) => n + (Number(p.count) || 0), 0);
  const peakNodes = pools.reduce((n, p) => n + Math.max(Number(p.count) || 0, p.enableAutoScaling ? Number(p.maxCount) || 0 : 0), 0);
  const surge = pools.reduce((m, p) => Math.max(m, Number(p.maxSurge ?? 1) || 0), 0);
  const maxPods = Number(pools[0]?.maxPods ?? 0);
  // Azure CNI node subnet: each node takes its own IP plus one per pod (CAP-01); other modes one per node (CAP-02).
  const ipsPerNode = ipam === "azure-node-subnet" ? 1 + maxPods : 1;
  const peak = peakNodes + surge;
  const cap: Capacity = { ipam, nodes, peakNodes, surge, maxPods, ipsPerNode, maxPodsTotal: peakNodes * maxPods };

  const subnet = parse(spec.vnet.subnetCidr);
  if (subnet && subnet.family === 4) {
    const usable = azureUsable(subnet);
    const nodeIps = ipam === "azure-node-subnet" ? pools.reduce((n, p) => n + 1 + (Number(p.maxPods) || 0), 0) / Math.max(pools.length, 1) : 1;
    cap.nodeSubnet = {
      cidr: subnet.canonical,
      available: usable,
      required: Math.ceil(peak * nodeIps),
      maxNodes: Math.floor(usable / nodeIps),
    };
  }
  const podSubnet = parse(spec.vnet.podSubnetCidr);
  if (ipam === "azure-pod-subnet" && podSubnet && podSubnet.family === 4) {
    const usable = azureUsable(podSubnet);
    cap.podSubnet = { cidr: podSubnet.canonical, available: usable, required: peak * maxPods, maxNodes: Math.floor(usable / Math.max(maxPods, 1)) };
  }
  const podCidr = parse(spec.podCidr);
  if ((ipam === "kubenet" || ipam === "azure-overlay") && podCidr && podCidr.family === 4) {
    // One /24 per node (SIZE-03).
    const blocks = podCidr.prefix <= 24 ? Number(size(podCidr) / 256n) : 0;
    cap.podCidr = { cidr: podCidr.canonical, available: blocks, required: peak, maxNodes: blocks };
  }
  return cap;
}

function parse(text: string | undefined) {
  if (text === undefined) return undefined;
  const p = parseCidr(text);
  return p.ok ? p.value : undefined;
}
