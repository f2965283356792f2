/**
 * The network around an imported cluster, as a plan or template declares it (VNets, subnets, route tables,
 * firewalls, peerings), into the spec: the node and pod subnets the pools point at, the VNet holding them and its
 * other subnets, the node subnet's routes, a firewall in that VNet, and the ranges of peered VNets.
 */
import { Unknown } from "./model.ts";
import type { SourceRef , ImportBuilder} from "./model.ts";

export interface NetSubnet {
  name: unknown;
  /** address_prefixes / addressPrefix(es): a list (or an Unknown). */
  prefixes: unknown;
  prefixesRef: SourceRef;
  nameRef: SourceRef;
  vnet: NetVnet | undefined;
  routeTable?: NetRouteTable | Unknown;
  /** What the source associates with it: delegations (service names), an NSG, a NAT gateway (ids). */
  facts?: SubnetFact[];
}

/** One of a subnet's facts, named by its key in the spec's subnet entries (vnet.existingSubnets[]). */
export interface SubnetFact {
  key: "delegations" | "networkSecurityGroupId" | "natGatewayId";
  /** A list of service names (delegations) or an id; an Unknown when the source cannot tell before deployment. */
  value: unknown;
  ref: SourceRef;
}

export interface NetVnet {
  name: unknown;
  resourceGroup: unknown;
  addressSpaces: unknown;
  ref: SourceRef;
  subnets: NetSubnet[];
  peerings: { remote: NetVnet | Unknown | undefined; remoteId: unknown; ref: SourceRef }[];
}

export interface NetRouteTable {
  routes: { prefix: unknown; nextHopType: unknown; nextHopIp: unknown; ref: SourceRef }[];
}

export interface NetFirewall {
  sku: unknown;
  skuRef: SourceRef;
  subnet: NetSubnet | undefined;
  managementSubnet: NetSubnet | undefined;
}

/** A pool's subnet as the source resolves it: declared in it, an id of a subnet outside it, or unknown. */
export type SubnetRef = { subnet: NetSubnet; ref: SourceRef } | { outside: string; ref: SourceRef } | { unknown: string; ref: SourceRef };

const v4 = (p: unknown): boolean => typeof p === "string" && !p.includes(":");

/** Writes the network facts around the node subnet (and the pod subnet) into the spec input. */
export function fillNetwork(b: ImportBuilder, node: SubnetRef | undefined, pod: SubnetRef | undefined, firewalls: readonly NetFirewall[], poolSubnets: ReadonlySet<NetSubnet> = new Set()): void {
  if (node && "unknown" in node) {
    b.unknown("vnet.subnetCidr", node.ref, node.unknown);
    b.unknown("vnet.addressSpaces", node.ref, node.unknown);
  } else if (node && "outside" in node) {
    b.set("vnetSubnetId", node.outside, node.ref);
    b.unknown("vnet.subnetCidr", node.ref, "the node subnet is not declared in this source (it exists already); add --live to read it from Azure");
  }
  if (pod && "unknown" in pod) b.unknown("vnet.podSubnetCidr", pod.ref, pod.unknown);
  else if (pod && "outside" in pod) b.unknown("vnet.podSubnetCidr", pod.ref, `the pod subnet ${pod.outside} is not declared in this source`);

  const nodeSubnet = node && "subnet" in node ? node.subnet : undefined;
  const podSubnet = pod && "subnet" in pod ? pod.subnet : undefined;
  const vnet = nodeSubnet?.vnet ?? podSubnet?.vnet;
  if (nodeSubnet) {
    b.set("vnet.subnetName", nodeSubnet.name, nodeSubnet.nameRef);
    // A NAT gateway on the node subnet is the spec's vnet.natGatewayId (BYO-02: it needs userAssignedNATGateway).
    const nat = nodeSubnet.facts?.find((f) => f.key === "natGatewayId");
    if (nat) b.set("vnet.natGatewayId", nat.value, nat.ref);
    setPrefixes(b, nodeSubnet, "vnet.subnetCidr", "vnet.subnetIPv6Cidr");
    const rt = nodeSubnet.routeTable;
    if (rt instanceof Unknown) b.unknown("routes", nodeSubnet.nameRef, rt.why);
    else if (rt) rt.routes.forEach((r, i) => {
      b.set(`routes[${i}].prefix`, r.prefix, r.ref);
      b.set(`routes[${i}].nextHopType`, r.nextHopType, r.ref);
      b.set(`routes[${i}].nextHopIp`, r.nextHopIp, r.ref);
    });
  }
  if (podSubnet) {
    b.set("vnet.podSubnetName", podSubnet.name, podSubnet.nameRef);
    setPrefixes(b, podSubnet, "vnet.podSubnetCidr");
  }
  if (!vnet) return;
  b.set("vnet.name", vnet.name, vnet.ref);
  b.set("vnet.resourceGroup", vnet.resourceGroup, vnet.ref);
  b.set("vnet.addressSpaces", vnet.addressSpaces, vnet.ref);

  const firewall = firewalls.find((f) => f.subnet?.vnet === vnet);
  if (firewall?.subnet) {
    b.set("firewall.enabled", true, firewall.subnet.nameRef);
    setPrefixes(b, firewall.subnet, "firewall.subnetCidr");
    b.set("firewall.sku", firewall.sku, firewall.skuRef);
    if (firewall.managementSubnet) setPrefixes(b, firewall.managementSubnet, "firewall.managementSubnetCidr");
  }
  const cluster = [nodeSubnet, podSubnet, ...poolSubnets];
  const mapped = new Set([...cluster, firewall?.subnet, firewall?.managementSubnet]);
  let i = 0;
  const entry = (s: NetSubnet): void => {
    const prefixes = s.prefixes;
    if (prefixes instanceof Unknown || s.name instanceof Unknown) {
      b.unknown(`vnet.existingSubnets[${i}]`, s.prefixesRef, prefixes instanceof Unknown ? prefixes.why : (s.name as Unknown).why);
    } else {
      const first = Array.isArray(prefixes) ? prefixes.find(v4) ?? prefixes[0] : undefined;
      b.set(`vnet.existingSubnets[${i}].name`, s.name, s.nameRef);
      b.set(`vnet.existingSubnets[${i}].cidr`, first, s.prefixesRef);
      // Facts no offline rule needs stay out when unknown (an id known only after apply).
      for (const f of known(s)) b.set(`vnet.existingSubnets[${i}].${f.key}`, f.value, f.ref);
    }
    i++;
  };
  for (const s of vnet.subnets) if (!mapped.has(s)) entry(s);
  // The cluster's own subnets are listed with their facts as --live lists them (CMP-15: a delegated node subnet).
  for (const s of new Set(cluster)) if (s && s.vnet === vnet && known(s).length > 0) entry(s);
  const connected: unknown[] = [];
  let firstRef: SourceRef | undefined;
  for (const p of vnet.peerings) {
    firstRef ??= p.ref;
    if (p.remote instanceof Unknown) b.unknown("connectedCidrs", p.ref, p.remote.why);
    else if (!p.remote) b.unknown("connectedCidrs", p.ref, `the peered VNet ${typeof p.remoteId === "string" ? p.remoteId : ""} is not declared in this source: its ranges are read with --live`.replace("VNet  is", "VNet is"));
    else if (p.remote.addressSpaces instanceof Unknown) b.unknown("connectedCidrs", p.ref, p.remote.addressSpaces.why);
    else if (Array.isArray(p.remote.addressSpaces)) connected.push(...p.remote.addressSpaces);
  }
  if (connected.length > 0 && firstRef) b.set("connectedCidrs", connected, firstRef);
}

/** A subnet's facts that the source knows (ids of resources it declares carry a `{subscription}` placeholder). */
function known(s: NetSubnet): SubnetFact[] {
  return (s.facts ?? []).filter((f) => !(f.value instanceof Unknown) && !(Array.isArray(f.value) && (f.value.length === 0 || f.value.some((v) => typeof v !== "string"))));
}

/** The subnet's IPv4 prefix into `field` (and its IPv6 one into `v6Field`, dual-stack). */
function setPrefixes(b: ImportBuilder, s: NetSubnet, field: string, v6Field?: string): void {
  const prefixes = s.prefixes;
  if (prefixes instanceof Unknown) return b.unknown(field, s.prefixesRef, prefixes.why);
  if (!Array.isArray(prefixes)) return;
  if (prefixes.some((p) => p instanceof Unknown)) return b.unknown(field, s.prefixesRef, (prefixes.find((p) => p instanceof Unknown) as Unknown).why);
  b.set(field, prefixes.find(v4) ?? prefixes[0], s.prefixesRef);
  const six = prefixes.find((p) => typeof p === "string" && p.includes(":"));
  if (v6Field && six !== undefined) b.set(v6Field, six, s.prefixesRef);
}

/** A pool's node or pod subnet as the source names it. */
export interface PoolSubnetRef {
  pool: number;
  sref: SubnetRef;
  ref: SourceRef;
}

const POOL_KEYS = { node: { name: "vnetSubnetName", cidr: "vnetSubnetCidr", what: "node subnet" }, pod: { name: "podSubnetName", cidr: "podSubnetCidr", what: "pod subnet" } } as const;

/**
 * Pools on a subnet other than the cluster's (the first pool naming one): the spec's `nodePools[i].vnetSubnetName/Cidr`
 * and `podSubnetName/Cidr`, so the per-pool rules (capacity, overlap, the shared route table) judge them. What the spec
 * cannot say is named, never guessed: a pool subnet outside the source or in another VNet, or (node subnets) with
 * another route table than the cluster's, since aks-net's pools share one route table. Returns the subnets mapped.
 */
export function fillPoolSubnets(b: ImportBuilder, node: readonly PoolSubnetRef[], pod: readonly PoolSubnetRef[]): Set<NetSubnet> {
  const mapped = new Set<NetSubnet>();
  for (const [role, list] of [["node", node], ["pod", pod]] as const) {
    const k = POOL_KEYS[role];
    const first = list[0];
    const cluster = first && "subnet" in first.sref ? first.sref.subnet : undefined;
    for (const p of list.slice(1)) {
      if (sameSubnet(p.sref, first?.sref)) continue;
      const field = `nodePools[${p.pool}].${k.cidr}`;
      if ("unknown" in p.sref) b.unknown(field, p.ref, p.sref.unknown);
      else if ("outside" in p.sref) b.unknown(field, p.ref, `this pool's ${k.what} ${p.sref.outside} is not declared in this source; aks-net checks pool subnets it can see`);
      else if (!cluster) b.unknown(field, p.ref, `this pool has a ${k.what} of its own, but the cluster's ${k.what} is not declared in this source`);
      else if (p.sref.subnet.vnet !== cluster.vnet) b.unknown(field, p.ref, `this pool's ${k.what} is in another VNet than the cluster's (AKS puts every pool's subnet in one VNet)`);
      else {
        const s = p.sref.subnet;
        b.set(`nodePools[${p.pool}].${k.name}`, s.name, s.nameRef);
        setPrefixes(b, s, field);
        mapped.add(s);
        // aks-net's pool subnets share the cluster's route table (CAP-05 counts every pool's routes in it).
        if (role === "node" && s.routeTable !== cluster.routeTable) b.unknown("routes", s.nameRef, `pool ${p.pool}'s node subnet ${typeof s.name === "string" ? `'${s.name}' ` : ""}has ${s.routeTable ? "another route table than" : "no route table, unlike"} the cluster's node subnet; aks-net checks one route table for every pool`);
      }
    }
  }
  return mapped;
}

function sameSubnet(a: SubnetRef | undefined, b: SubnetRef | undefined): boolean {
  if (!a || !b) return false;
  if ("subnet" in a && "subnet" in b) return a.subnet === b.subnet;
  if ("outside" in a && "outside" in b) return a.outside.toLowerCase() === b.outside.toLowerCase();
  return false;
}

/**
 * A live cluster's pools on a node subnet other than the system pool's (--from-cluster): its node subnet is brought
 * (vnetSubnetId) and the spec plans pool subnets only in a VNet aks-net builds, so they are named.
 */
export function otherNodeSubnets(b: ImportBuilder, node: { pool: number; key: unknown; ref: SourceRef }[]): void {
  const first = node[0];
  for (const n of node.slice(1)) {
    if (first && n.key !== first.key) b.unknown(`nodePools[${n.pool}].vnetSubnetId`, n.ref, "this pool uses another node subnet than the system pool; aks-net checks the system pool's node subnet");
  }
}
