/**
 * Which subnet each node pool uses (node-pool-unique-subnet.md): the cluster's node subnet (and pod subnet), or a
 * subnet of its own that aks-net plans in the same VNet (`nodePools[i].vnetSubnetCidr` / `podSubnetCidr`), possibly
 * shared with other pools by name. Pure; read by the planner (plan.ts), the capacity arithmetic and the POOL rules.
 */
import { NAMES } from "./names.ts";
import type { ClusterSpec, NodePoolSpec } from "./spec.ts";

export type SubnetRole = "node" | "pod";

/** A subnet of the pools' own, planned by aks-net: the first pool that gives its prefix defines it. */
export interface PoolSubnet {
  role: SubnetRole;
  name: string;
  cidr: string;
  /** The field that defines it, e.g. `nodePools[1].vnetSubnetCidr`. */
  field: string;
  /** Indexes of the pools on it. */
  pools: number[];
}

const KEYS = {
  node: { name: "vnetSubnetName", cidr: "vnetSubnetCidr" },
  pod: { name: "podSubnetName", cidr: "podSubnetCidr" },
} as const;

/** The default name of a pool's own subnet: `aks-nodes-<pool>` / `aks-pods-<pool>`. */
export function defaultPoolSubnetName(role: SubnetRole, poolName: string): string {
  return `${role === "node" ? NAMES.nodeSubnet : NAMES.podSubnet}-${poolName}`;
}

/** The pool's own subnet name for a role, or undefined when the pool names no subnet of its own. */
function ownName(p: NodePoolSpec, role: SubnetRole): string | undefined {
  const k = KEYS[role];
  const name = p[k.name];
  const cidr = p[k.cidr];
  if (typeof name === "string" && name !== "") return name;
  return typeof cidr === "string" && cidr !== "" ? defaultPoolSubnetName(role, String(p.name)) : undefined;
}

/** The cluster-wide subnet name of a role (the node subnet, or the pod subnet). */
export function clusterSubnetName(spec: ClusterSpec, role: SubnetRole): string {
  return role === "node" ? (spec.vnet.subnetName ?? NAMES.nodeSubnet) : (spec.vnet.podSubnetName ?? NAMES.podSubnet);
}

/**
 * The pools' own subnets of a role, once per name, in pool order. A pool naming the cluster subnet (or naming a subnet
 * without a prefix that no other pool defines) is not counted here: POOL-05 reports the second case.
 */
export function poolSubnets(spec: ClusterSpec, role: SubnetRole): PoolSubnet[] {
  const pools = Array.isArray(spec.nodePools) ? spec.nodePools : [];
  const k = KEYS[role];
  const byName = new Map<string, PoolSubnet>();
  pools.forEach((p, i) => {
    if (p === null || typeof p !== "object") return;
    const name = ownName(p, role);
    const cidr = p[k.cidr];
    if (name === undefined || name === clusterSubnetName(spec, role)) return;
    const known = byName.get(name);
    if (known) return void known.pools.push(i);
    if (typeof cidr !== "string" || cidr === "") return;
    byName.set(name, { role, name, cidr, field: `nodePools[${i}].${k.cidr}`, pools: [i] });
  });
  // Pools that named a subnet before the pool defining it was read.
  pools.forEach((p, i) => {
    if (p === null || typeof p !== "object") return;
    const s = byName.get(ownName(p, role) ?? "");
    if (s && !s.pools.includes(i)) s.pools.push(i);
  });
  for (const s of byName.values()) s.pools.sort((a, b) => a - b);
  return [...byName.values()];
}

/** The pool indexes on the cluster-wide subnet of a role: those without a subnet of their own. */
export function poolsOnClusterSubnet(spec: ClusterSpec, role: SubnetRole): number[] {
  const own = new Set(poolSubnets(spec, role).flatMap((s) => s.pools));
  const pools = Array.isArray(spec.nodePools) ? spec.nodePools : [];
  return pools.map((_, i) => i).filter((i) => !own.has(i));
}

/** True when any pool asks for a subnet of its own (a name or a prefix), for either role. */
export function hasPoolSubnets(spec: ClusterSpec): boolean {
  const pools = Array.isArray(spec.nodePools) ? spec.nodePools : [];
  return pools.some((p) => p !== null && typeof p === "object" && (["node", "pod"] as const).some((r) => ownName(p, r) !== undefined && ownName(p, r) !== clusterSubnetName(spec, r)));
}
