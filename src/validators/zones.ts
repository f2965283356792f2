/**
 * ZONE-01 … ZONE-04, LIVE-ZONE-01: availability zones of node pools (agentPoolProfiles[].availabilityZones) as AKS
 * takes them (https://learn.microsoft.com/azure/aks/availability-zones), in a region that has zones, and the egress
 * path's own zones (https://learn.microsoft.com/azure/nat-gateway/nat-availability-zones: a Standard NAT gateway is
 * zonal or has no zone, never zone-redundant).
 */
import { regionName } from "../core/egress.ts";
import { NAMES } from "../core/names.ts";
import { REGIONS, ZONAL_REGIONS } from "../core/regions.ts";
import type { ClusterSpec, NodePoolSpec } from "../core/spec.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export const SOURCE = "https://learn.microsoft.com/azure/aks/availability-zones";

export function rules(): RuleInfo[] {
  return [
    { id: "ZONE-01", severity: "error", summary: "A pool's availabilityZones lists each zone once, and at least one (values 1, 2, 3: SYN-09)." },
    { id: "ZONE-02", severity: "error", summary: "Zonal pools need a region with availability zones (offline table; with --live the VM size's zones decide)." },
    { id: "ZONE-03", severity: "warning", summary: "A zonal pool egresses through a resource that is not zone-redundant: a Standard NAT gateway (zonal or no zone) that aks-net builds, AKS manages or you bring (with --live its SKU is read); StandardV2 is zone-redundant." },
    { id: "ZONE-04", severity: "error", summary: "Availability zones need the Standard load balancer." },
    { id: "LIVE-ZONE-01", severity: "error", summary: "With --live: the pool's VM size is offered in the requested zones of the region for this subscription." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const pools = (Array.isArray(ctx.spec.nodePools) ? ctx.spec.nodePools : []).map((p, i) => ({ p, i, zones: zonesOf(p) }));
  const zonal = pools.filter((x) => x.zones.length > 0);
  return [
    ...pools.flatMap(({ p, i }) => listShape(p, i)),
    ...zonal.flatMap(({ i, zones, p }) => region(ctx.spec, i, zones, p)),
    ...egress(ctx.spec, zonal.map((x) => x.i)),
    ...(zonal.length > 0 && String(ctx.spec.loadBalancerSku ?? "").toLowerCase() === "basic"
      ? [finding("ZONE-04", "error", ["loadBalancerSku", ...zonal.map((x) => `nodePools[${x.i}].availabilityZones`)], "availability zones need the Standard load balancer; loadBalancerSku is basic", "use --load-balancer-sku standard (Basic is retired), or drop --zones")]
      : []),
  ];
}

/** The zones of a pool as strings; junk is SYN-09's to report. */
export function zonesOf(p: NodePoolSpec | undefined): string[] {
  const z: unknown = p?.availabilityZones;
  return Array.isArray(z) ? z.filter((x): x is string => typeof x === "string") : [];
}

/** ZONE-01. */
function listShape(p: NodePoolSpec, i: number): Finding[] {
  const z: unknown = p.availabilityZones;
  if (!Array.isArray(z)) return [];
  const field = `nodePools[${i}].availabilityZones`;
  if (z.length === 0) return [finding("ZONE-01", "error", field, `pool '${p.name}' lists no availability zones`, "drop availabilityZones for a pool without zones, or list them, e.g. --zones 1 2 3")];
  const dup = z.find((x, j) => z.indexOf(x) !== j);
  if (dup === undefined) return [];
  return [finding("ZONE-01", "error", field, `pool '${p.name}' lists zone ${String(dup)} twice (${z.join(", ")})`, `list each zone once: ${[...new Set(z)].join(" ")}`)];
}

/** ZONE-02 offline, LIVE-ZONE-01 when --live read the VM size's zones. */
function region(spec: ClusterSpec, i: number, zones: string[], p: NodePoolSpec): Finding[] {
  if (typeof spec.location !== "string" || spec.location === "") return [];
  const loc = regionName(spec.location);
  const field = `nodePools[${i}].availabilityZones`;
  const vmSize = p.vmSize || NAMES.defaultVmSize;
  const q = spec.live?.quota;
  const sku = q?.location === loc ? q.sizes.find((s) => s.vmSize.toLowerCase() === vmSize.toLowerCase()) : undefined;
  if (sku?.zones !== undefined) {
    const missing = zones.filter((z) => !(sku.zones ?? []).includes(z));
    if (missing.length === 0) return [];
    const offered = sku.zones.length === 0 ? "in no zone" : `in zones ${sku.zones.join(", ")} only`;
    return [finding("LIVE-ZONE-01", "error", [field, `nodePools[${i}].vmSize`], `VM size ${vmSize} is offered in ${loc} ${offered} for this subscription; pool '${p.name}' asks for zone${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`, sku.zones.length === 0 ? "drop --zones, or pick a size or region with zones (az vm list-skus -l <region> --zone)" : `use --zones ${sku.zones.join(" ")}, or another VM size`)];
  }
  // Unknown regions are LOC-01's; a known region without zones is refused by AKS (AvailabilityZoneNotSupported).
  if (!REGIONS.includes(loc) || ZONAL_REGIONS.includes(loc)) return [];
  return [finding("ZONE-02", "error", [field, "location"], `region ${loc} has no availability zones; pool '${p.name}' asks for zones ${zones.join(", ")}`, `drop --zones, or use a region with zones such as ${nearbyZonal(loc)} (validate --live reads the zones your subscription has)`)];
}

/** A zonal region to propose: one sharing the name's geography prefix, else westeurope. */
function nearbyZonal(loc: string): string {
  const stem = loc.replace(/(north|south|east|west|central)+\d*$/, "");
  return ZONAL_REGIONS.find((r) => stem !== "" && r.startsWith(stem)) ?? "westeurope";
}

/**
 * ZONE-03: the NAT gateways that cannot span the pools' zones. A Standard NAT gateway is zonal or has no zone; a
 * StandardV2 one is zone-redundant (nat-availability-zones.md). The firewall aks-net builds for zonal pools is
 * zone-redundant (plan.ts), and the Standard load balancer is too.
 */
function egress(spec: ClusterSpec, zonal: number[]): Finding[] {
  if (zonal.length === 0) return [];
  const fields = zonal.map((i) => `nodePools[${i}].availabilityZones`);
  const zones = [...new Set(zonal.flatMap((i) => zonesOf(spec.nodePools[i])))].sort();
  const risk = `an outage of its zone stops egress from the pools in zones ${zones.join(", ")}`;
  const v2 = (sku: string | undefined): boolean => (sku ?? "").toLowerCase() === "standardv2";
  const out = spec.outboundType;
  if (out === "managedNATGateway") {
    const sku = spec.natGatewayProfile?.sku;
    if (v2(sku)) return [];
    // The AKS API's natGatewayProfile.sku: "Defaults to 'StandardV2' where available in the region, otherwise 'Standard'".
    const what = sku === undefined ? "AKS picks the managed NAT gateway's SKU (StandardV2 only where the region offers it, else Standard)" : "the managed NAT gateway is Standard";
    return [finding("ZONE-03", "warning", ["outboundType", "natGatewayProfile.sku", ...fields], `${what}: a Standard NAT gateway is in one zone or none, not zone-redundant, so ${risk}`, "add --nat-gateway-sku StandardV2 (zone-redundant), or use outboundType loadBalancer")];
  }
  if (out !== "userAssignedNATGateway" || spec.vnet.managed === true) return [];
  if (spec.vnet.natGatewayId !== undefined) {
    const sku = spec.live?.brought?.find((b) => b.field === "vnet.natGatewayId")?.sku;
    if (v2(sku)) return [];
    const what = sku === undefined ? "your NAT gateway's SKU is not known offline (validate --live reads it)" : `your NAT gateway is ${sku}`;
    return [finding("ZONE-03", "warning", ["vnet.natGatewayId", ...fields], `${what}: a Standard NAT gateway is in one zone or none, not zone-redundant, so ${risk}`, "bring a StandardV2 NAT gateway (zone-redundant), or accept one zone's risk")];
  }
  if (spec.vnetSubnetId !== undefined) {
    const sku = spec.live?.nodeSubnet?.natGatewaySku;
    if (sku === undefined || v2(sku)) return [];
    return [finding("ZONE-03", "warning", ["vnetSubnetId", ...fields], `the node subnet's NAT gateway is ${sku}: a Standard NAT gateway is in one zone or none, not zone-redundant, so ${risk}`, "associate a StandardV2 NAT gateway (zone-redundant) with the subnet, or accept one zone's risk")];
  }
  if (v2(spec.vnet.natGatewaySku)) return [];
  return [finding("ZONE-03", "warning", ["outboundType", "vnet.natGatewaySku", ...fields], `the NAT gateway aks-net builds is Standard: a Standard NAT gateway is in one zone or none, not zone-redundant, so ${risk}`, "add --vnet-nat-gateway-sku StandardV2 (zone-redundant, with a StandardV2 public IP), or route egress through the Standard load balancer or --firewall (both zone-redundant)")];
}
