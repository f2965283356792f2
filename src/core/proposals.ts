/**
 * The wizard's default answers: the defaults a spec without the field gets (resolve.ts DEFAULT_RANGES) whenever they
 * are free and large enough, else free, non-overlapping ranges sized for the planned nodes, computed from everything
 * already chosen and every known range (existing subnets, connected ranges, reserved ranges).
 * Pure. Range search is the planner's (planner.ts over cidr.ts); sizes come from capacity.ts.
 * Values still at an AKS default are not "chosen": they are asked later and must not block a proposal.
 */
import { POD_IP_BATCH, computeCapacity, podSubnetIpsPerNode, poolPeak, poolSurge } from "./capacity.ts";
import { cidr, contains, makeCidr, nthAddress, parseCidr, smallestAzurePrefixFor, overlaps } from "./cidr.ts";
import type { Cidr } from "./cidr.ts";
import { createPlanner, suggestFreeRange } from "./planner.ts";
import type { Planner } from "./planner.ts";
import { DEFAULT_RANGES } from "./resolve.ts";
import type { ClusterSpec, Provenance } from "./spec.ts";
import { buildContext } from "../validators/index.ts";

/** Smallest node or pod subnet proposed: a /24 leaves room to grow and is what AKS samples use. */
const MIN_SUBNET_PREFIX = 24;
/** Largest VNet / cluster range proposed by default. */
const MAX_RANGE_PREFIX = 16;
/** Azure Firewall never needs more than a /26 (FWS-01). */
const FIREWALL_PREFIX = 26;

/**
 * Range fields that carry an AKS default until the user picks them. The dual-stack lists (DEF-09) are not here: they
 * are never asked, so their defaults are what the cluster will use.
 */
const DEFAULTED_RANGE_FIELDS = ["serviceCidr", "podCidr", "dnsServiceIP", "vnet.addressSpaces", "vnet.subnetCidr"] as const;

/** 11 usable addresses: room for several Services' fixed IPs. */
const ILB_PREFIX = 28;
/** API Server VNet Integration: "the subnet size must be at least /28". */
const APISERVER_PREFIX = 28;

export interface ProposalOptions {
  /** The user chose Azure CNI with a pod subnet that is not set yet: size the node subnet at one IP per node. */
  podSubnet?: boolean;
}

/** Proposes one value per range question; undefined when no free range of the needed size exists. */
export interface Proposals {
  vnetSpace(): string | undefined;
  nodeSubnet(): string | undefined;
  podSubnet(): string | undefined;
  firewallSubnet(): string | undefined;
  /** A /28 of the VNet for internal load balancer frontends (ILB-*). */
  ilbSubnet(): string | undefined;
  /** A /28 of the VNet for the API server (VNet Integration: "at least /28", API-08). */
  apiServerSubnet(): string | undefined;
  /** A node subnet of its own for pool `index`: its nodes plus surge, at the cluster's IPs per node (CAP-14). */
  poolSubnet(index: number): string | undefined;
  /** A pod subnet of its own for pool `index` (Azure CNI pod subnet): its nodes plus surge, at max pods each (CAP-14). */
  poolPodSubnet(index: number): string | undefined;
  serviceCidr(): string | undefined;
  podCidr(): string | undefined;
  /** The `.10` address of the service CIDR (DNS-06), if it has one. */
  dnsServiceIP(serviceCidr: string): string | undefined;
  /** Prefix lengths the proposals use (for tests and the explanations). */
  readonly sizes: { nodeSubnet: number; podSubnet: number; vnet: number; podCidr: number };
}

/** Builds the proposals for a resolved spec; `provenance` tells chosen values from defaults. */
export function proposeRanges(spec: ClusterSpec, provenance: Provenance, opts: ProposalOptions = {}): Proposals {
  const chosen = withoutDefaults(spec, provenance);
  const ctx = buildContext(chosen);
  const planner: Planner = createPlanner(ctx);

  const sizing = opts.podSubnet && spec.vnet.podSubnetCidr === undefined ? { ...spec, vnet: { ...spec.vnet, podSubnetCidr: "0.0.0.0/32" } } : spec;
  const cap = computeCapacity(sizing);
  const peak = cap.peakNodes + cap.surge;
  const nodeSubnet = subnetPrefix(peak * cap.ipsPerNode);
  // Pod IPs go to nodes in batches of 16 (CAP-03): 250 max pods take 256 addresses per node.
  const podSubnet = subnetPrefix(peak * Math.ceil(Math.max(cap.maxPods, 1) / POD_IP_BATCH) * POD_IP_BATCH);
  const firewallNeeded = spec.firewall.enabled ? 2 ** (32 - FIREWALL_PREFIX) : 0;
  const podSubnetNeeded = opts.podSubnet || spec.vnet.podSubnetCidr !== undefined ? 2 ** (32 - podSubnet) : 0;
  // Room for twice what is planned, so other subnets (gateways, private endpoints) fit later.
  const vnetNeed = 2 * (2 ** (32 - nodeSubnet) + podSubnetNeeded + firewallNeeded);
  const vnet = Math.min(MAX_RANGE_PREFIX, 32 - Math.ceil(Math.log2(vnetNeed)));
  // One /24 per node from the pod CIDR (SIZE-03).
  const podCidr = Math.min(MAX_RANGE_PREFIX, 24 - Math.ceil(Math.log2(Math.max(peak, 1))));

  /**
   * The default a spec without this field gets (resolve.ts DEFAULT_RANGES) when it is large enough and the planner
   * finds it free (a subnet: inside the VNet too); else the planner's lowest free range of the needed size.
   */
  const preferDefault = (value: string, field: string, prefix: number, search: () => Cidr | undefined, subnet = false): Cidr | undefined => {
    const d = cidr(value);
    const inVnet = !subnet || planner.known.some((r) => r.kind === "vnet" && contains(r.cidr, d));
    const clashes = planner.conflicts(d, [field], 1).filter((r) => !(subnet && r.kind === "vnet"));
    return d.prefix <= prefix && inVnet && clashes.length === 0 ? d : search();
  };
  const noSubnets = !planner.known.some((r) => r.kind === "subnet");

  return {
    sizes: { nodeSubnet, podSubnet, vnet, podCidr },
    vnetSpace: () =>
      text(noSubnets ? preferDefault(DEFAULT_RANGES.vnetAddressSpace, "vnet.addressSpaces", vnet, () => proposeVnet(vnet, planner, ctx.connected)) : proposeVnet(vnet, planner, ctx.connected)),
    nodeSubnet: () => text(preferDefault(DEFAULT_RANGES.nodeSubnet, "vnet.subnetCidr", nodeSubnet, () => planner.subnet(nodeSubnet, ["vnet.subnetCidr"]), true)),
    podSubnet: () => text(planner.subnet(podSubnet, ["vnet.podSubnetCidr"])),
    firewallSubnet: () => text(planner.subnet(FIREWALL_PREFIX, ["firewall.subnetCidr"])),
    ilbSubnet: () => text(planner.subnet(ILB_PREFIX, ["ingress.internalLoadBalancer.subnetCidr"])),
    apiServerSubnet: () => text(planner.subnet(APISERVER_PREFIX, ["vnet.apiServerSubnetCidr"])),
    poolSubnet: (index) => text(planner.subnet(subnetPrefix(nodesAtPeak(spec, index) * cap.ipsPerNode), [`nodePools[${index}].vnetSubnetCidr`])),
    poolPodSubnet: (index) => {
      const pool = spec.nodePools[index];
      return pool === undefined ? undefined : text(planner.subnet(subnetPrefix(nodesAtPeak(spec, index) * podSubnetIpsPerNode(pool)), [`nodePools[${index}].podSubnetCidr`]));
    },
    serviceCidr: () => text(preferDefault(DEFAULT_RANGES.serviceCidr, "serviceCidr", MAX_RANGE_PREFIX, () => planner.clusterRange(MAX_RANGE_PREFIX, 4, ["serviceCidr"]))),
    podCidr: () => text(preferDefault(DEFAULT_RANGES.podCidr, "podCidr", podCidr, () => planner.clusterRange(podCidr, 4, ["podCidr"]))),
    dnsServiceIP: (service) => {
      const p = parseCidr(service);
      return p.ok && p.value.family === 4 && p.value.prefix <= 28 ? nthAddress(p.value, 10) : undefined;
    },
  };
}

/** A pool's nodes at their peak, with its upgrade surge (capacity.ts, as CAP-14 counts them); at least one. */
function nodesAtPeak(spec: ClusterSpec, index: number): number {
  const pool = spec.nodePools[index];
  return pool === undefined ? 1 : Math.max(poolPeak(pool) + poolSurge(pool), 1);
}

/** The prefix whose Azure-usable addresses hold `needed`, never smaller than a /24. */
function subnetPrefix(needed: number): number {
  return Math.min(MIN_SUBNET_PREFIX, smallestAzurePrefixFor(Math.max(needed, 1)) ?? 0);
}

/**
 * A new VNet avoids every chosen and connected range. With existing subnets (an existing VNet), the block of that
 * size that holds them all is proposed when it is clear of everything else.
 */
function proposeVnet(prefix: number, planner: Planner, connected: ReturnType<typeof buildContext>["connected"]): Cidr | undefined {
  const subnets = planner.known.filter((r) => r.kind === "subnet" && r.cidr.family === 4);
  if (subnets.length > 0) {
    const first = subnets[0]?.cidr as Cidr;
    for (let p = Math.min(prefix, first.prefix); p >= 8; p--) {
      const block = makeCidr(first.start, p, 4);
      if (!subnets.every((s) => contains(block, s.cidr))) continue;
      const clash = planner.known.some((r) => r.kind !== "subnet" && r.kind !== "vnet" && overlaps(r.cidr, block)) || connected.overlapping(block).length > 0;
      if (!clash) return block;
      break;
    }
  }
  return suggestFreeRange(prefix, 4, { ranges: planner.known, connected, skip: (r) => r.kind === "vnet" });
}

/** A copy of the spec without the range fields that are still at their AKS default. */
export function withoutDefaults(spec: ClusterSpec, provenance: Provenance): ClusterSpec {
  const copy = structuredClone(spec);
  const isDefault = (field: string): boolean => provenance[field] === "default";
  for (const field of DEFAULTED_RANGE_FIELDS) {
    if (!isDefault(field)) continue;
    if (field === "vnet.addressSpaces") copy.vnet.addressSpaces = [];
    else if (field === "vnet.subnetCidr") delete copy.vnet.subnetCidr;
    else delete (copy as unknown as Record<string, unknown>)[field];
  }
  return copy;
}

function text(c: Cidr | undefined): string | undefined {
  return c?.canonical;
}
