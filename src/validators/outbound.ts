/**
 * OUT-01 … OUT-13: the outbound type against the VNet (aks-net builds it unless `vnet.managed`), the load balancer SKU
 * and the node subnet's routes. With `--firewall` aks-net builds the route table itself (0.0.0.0/0 → the firewall's
 * private IP, FWS-05), so the UDR route rules apply to routes the user brings (`--route`, live facts).
 */
import { containsIp, makeCidr } from "../core/cidr.ts";
import type { Cidr } from "../core/cidr.ts";
import { subnetSet } from "../core/planner.ts";
import type { ClusterSpec } from "../core/spec.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "OUT-01", severity: "error", summary: "userDefinedRouting needs a subnet aks-net builds or you bring: not an AKS-managed VNet." },
    { id: "OUT-02", severity: "error/warning", summary: "userDefinedRouting needs a route table with a default route on the node subnet before create: --firewall, or --route 0.0.0.0/0=VirtualAppliance@IP." },
    { id: "OUT-03", severity: "error", summary: "UDR default route 0.0.0.0/0 must go to VirtualAppliance or VirtualNetworkGateway, not Internet (RouteTableInvalidNextHop)." },
    { id: "OUT-04", severity: "error/warning", summary: "A VirtualAppliance route needs a next-hop IP (error) inside a known subnet or connected range (warning)." },
    { id: "OUT-05", severity: "error/warning", summary: "Nodes never go into AzureFirewallSubnet (error); a user route table to a firewall needs its public IP/32 → Internet route (warning)." },
    { id: "OUT-06", severity: "error", summary: "Any outboundType other than loadBalancer needs the Standard load balancer." },
    { id: "OUT-07", severity: "error", summary: "userAssignedNATGateway needs a subnet with a NAT gateway (aks-net builds both, or bring one): not an AKS-managed VNet." },
    { id: "OUT-08", severity: "error", summary: "managedNATGateway is for AKS-managed VNets: no --vnet-subnet-id, --vnet-cidr or --subnet-cidr." },
    { id: "OUT-09", severity: "error", summary: "outboundType none / block are only for network-isolated clusters (bootstrap artifact source Cache; block: managed VNet)." },
    { id: "OUT-10", severity: "warning", summary: "Dual-stack with userDefinedRouting and no IPv6 default route (::/0): AKS warns, IPv6 egress has no path." },
    { id: "OUT-11", severity: "info", summary: "userDefinedRouting is valid with kubenet too (C-06); the route table then also carries AKS's pod routes." },
    { id: "OUT-12", severity: "error", summary: "Outbound type migrations (update-time only): informational, never checked at create." },
    { id: "OUT-13", severity: "warning", summary: "API server authorized IP ranges must include the egress IPs: informational, the spec has no authorized ranges." },
  ];
}

const UDR = "userDefinedRouting";
const DEFAULT_HOPS = ["VirtualAppliance", "VirtualNetworkGateway"];
const FIREWALL_SUBNETS = ["AzureFirewallSubnet", "AzureFirewallManagementSubnet"];

export function check(ctx: RuleContext): Finding[] {
  return [...vnetKind(ctx), ...basicSku(ctx.spec), ...isolated(ctx.spec), ...udr(ctx), ...nextHops(ctx), ...firewallSubnetNodes(ctx.spec)];
}

/** A parsed route with its index. */
interface ParsedRoute {
  index: number;
  prefix: Cidr;
  nextHopType: string;
  nextHopIp?: string;
}

/** Routes whose prefix parsed; SYN rules report the rest. */
export function parsedRoutes(ctx: RuleContext): ParsedRoute[] {
  const routes = Array.isArray(ctx.spec.routes) ? ctx.spec.routes : [];
  return routes.flatMap((r, index) => {
    const prefix = ctx.cidrs.get(`routes[${index}].prefix`);
    if (!prefix) return [];
    const out: ParsedRoute = { index, prefix, nextHopType: String(r.nextHopType) };
    if (r.nextHopIp !== undefined) out.nextHopIp = r.nextHopIp;
    return [out];
  });
}

function isDefault(r: ParsedRoute): boolean {
  return r.prefix.family === 4 && r.prefix.prefix === 0;
}

/** The IPv4 default route(s) 0.0.0.0/0. */
export function defaultRoutes(ctx: RuleContext): ParsedRoute[] {
  return parsedRoutes(ctx).filter(isDefault);
}

/** The fields the user typed (not defaults) among `fields`. */
function typed(ctx: RuleContext, fields: string[]): string[] {
  return fields.filter((f) => {
    const v = f.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], ctx.spec);
    const present = Array.isArray(v) ? v.length > 0 : v !== undefined;
    return present && ctx.provenance[f] !== "default";
  });
}

/** OUT-01, OUT-07 (need a subnet that is not AKS-managed) and OUT-08 (needs the AKS-managed VNet). */
function vnetKind(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const managed = s.vnet.managed === true;
  const out: Finding[] = [];
  if (s.outboundType === UDR && managed) {
    out.push(finding("OUT-01", "error", ["outboundType", "vnet.managed"], "--vnet-subnet-id must be specified for userDefinedRouting and it must be pre-configured with a route table with egress rules: the spec asks for an AKS-managed VNet", "drop vnet.managed so aks-net builds the VNet (add --firewall for egress), or pass --vnet-subnet-id of a subnet with a route table"));
  }
  // aks-net builds the NAT gateway with the subnets; a subnet brought by id is checked live (LIVE-NAT-01).
  if (s.outboundType === "userAssignedNATGateway" && managed) {
    out.push(finding("OUT-07", "error", ["outboundType", "vnet.managed"], "--vnet-subnet-id must be specified for userAssignedNATGateway and it must be pre-configured with a NAT gateway with outbound ips: the spec asks for an AKS-managed VNet", "drop vnet.managed so aks-net builds the VNet with a NAT gateway, pass --vnet-subnet-id of a subnet with one, or use --outbound-type managedNATGateway"));
  }
  if (s.outboundType === "managedNATGateway" && !managed) {
    const fields = typed(ctx, ["vnetSubnetId", "vnet.addressSpaces", "vnet.subnetCidr", "vnet.managed"]);
    out.push(finding("OUT-08", "error", ["outboundType", ...fields], `--vnet-subnet-id cannot be specified for managedNATGateway: the spec brings its own VNet or subnet (${fields.join(", ") || "vnet"})`, "drop --vnet-subnet-id, --vnet-cidr and --subnet-cidr (AKS builds its managed VNet), or use --outbound-type userAssignedNATGateway with your own NAT gateway"));
  }
  return out;
}

/** OUT-06: LB-02 reports outboundType loadBalancer on Basic; every other type is here. */
function basicSku(s: ClusterSpec): Finding[] {
  if (s.loadBalancerSku !== "basic" || s.outboundType === undefined || s.outboundType === "loadBalancer") return [];
  return [finding("OUT-06", "error", ["outboundType", "loadBalancerSku"], `${s.outboundType} doesn't support basic load balancer sku`, "use --load-balancer-sku standard (the default)")];
}

/** OUT-09: aks-net cannot set the bootstrap artifact source a network-isolated cluster needs. */
function isolated(s: ClusterSpec): Finding[] {
  if (s.outboundType === "none") {
    return [finding("OUT-09", "error", "outboundType", "when `network_profile.0.outbound_type` is set to `none`, `bootstrap_profile.0.artifact_source` must be set to `Cache`: outboundType none is only for network-isolated clusters, which aks-net does not build", "use --outbound-type loadBalancer, or userDefinedRouting with --firewall for locked-down egress")];
  }
  if (s.outboundType === "block") {
    const where = s.vnet.managed === true ? "" : " in an AKS-managed VNet (this spec brings its own)";
    return [finding("OUT-09", "error", s.vnet.managed === true ? "outboundType" : ["outboundType", "vnet.managed"], `outboundType block is only for network-isolated clusters${where} (preview), which aks-net does not build`, "use --outbound-type userDefinedRouting with --firewall to block and filter egress")];
  }
  return [];
}

/** OUT-02, OUT-03, OUT-05 (route to the firewall's public IP), OUT-10, OUT-11 for userDefinedRouting. */
function udr(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  if (s.outboundType !== UDR) return [];
  const out: Finding[] = [];
  const defaults = defaultRoutes(ctx);
  // With --firewall aks-net replaces a user default route (FWS-05 warns), so only routes it keeps are checked.
  for (const r of s.firewall.enabled ? [] : defaults) {
    if (DEFAULT_HOPS.includes(r.nextHopType)) continue;
    out.push(
      finding(
        "OUT-03",
        "error",
        [`routes[${r.index}].nextHopType`],
        `(RouteTableInvalidNextHop) Default route 0.0.0.0/0 has a next hop of ${r.nextHopType} but only next hops of VirtualAppliance or VirtualNetworkGateway are allowed. Please see http://aka.ms/aks/outboundtype for more details`,
        "use --route 0.0.0.0/0=VirtualAppliance@<firewall private IP>, or pass --firewall",
      ),
    );
  }
  if (defaults.length === 0 && !s.firewall.enabled) {
    // Offline, the route table of a subnet brought by id is unknown (`--live` reads its routes into spec.routes).
    const unseen = (s.vnetSubnetId !== undefined || s.vnet.routeTableId !== undefined) && s.live === undefined;
    const byoTable = s.vnet.routeTableId !== undefined;
    out.push(
      unseen
        ? finding("OUT-02", "warning", ["outboundType", byoTable ? "vnet.routeTableId" : "vnetSubnetId"], `outboundType userDefinedRouting: the routes of ${byoTable ? "--route-table-id" : "--vnet-subnet-id's route table"} are not known offline; AKS requires a 0.0.0.0/0 route to a VirtualAppliance or VirtualNetworkGateway before create`, byoTable ? "run validate --live (it checks the table's default route)" : "run validate --live, or list the subnet's default route with --route 0.0.0.0/0=VirtualAppliance@<NVA IP>")
        : finding("OUT-02", "error", ["outboundType", "routes"], "outboundType userDefinedRouting, but the node subnet's route table has no 0.0.0.0/0 route and aks-net builds no firewall: AKS requires the route table with its default route before create", "pass --firewall, or --route 0.0.0.0/0=VirtualAppliance@<NVA IP>"),
    );
  }
  const toAppliance = defaults.some((r) => r.nextHopType === "VirtualAppliance");
  const returnRoute = parsedRoutes(ctx).some((r) => r.prefix.family === 4 && r.prefix.prefix === 32 && r.nextHopType === "Internet");
  if (!s.firewall.enabled && toAppliance && !returnRoute) {
    out.push(finding("OUT-05", "warning", "routes", "default route goes to a VirtualAppliance but there is no <firewall public IP>/32 → Internet route: inbound traffic to public load balancer IPs returns through the firewall (asymmetric routing)", "add --route <firewall public IP>/32=Internet"));
  }
  if (Array.isArray(s.ipFamilies) && s.ipFamilies.includes("IPv6") && !parsedRoutes(ctx).some((r) => r.prefix.family === 6 && r.prefix.prefix === 0)) {
    out.push(finding("OUT-10", "warning", ["ipFamilies", "routes"], "dual-stack with userDefinedRouting but no IPv6 default route (::/0): AKS warns at create and IPv6 egress has no path", "add --route ::/0=VirtualAppliance@<NVA IPv6 address>"));
  }
  if (s.networkPlugin === "kubenet") {
    out.push(finding("OUT-11", "info", ["outboundType", "networkPlugin"], "kubenet with userDefinedRouting is valid (C-06); AKS also writes its pod routes into this route table", "nothing to do; keep the route table for this cluster only (CMP-14)"));
  }
  return out;
}

/** OUT-04 on every VirtualAppliance route; FWS-05 (firewall.ts) covers the default route when aks-net builds the firewall. */
function nextHops(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const { before, after } = subnetSet(ctx);
  const subnets = [...before, ...after].map((r) => r.cidr);
  for (const r of parsedRoutes(ctx)) {
    if (r.nextHopType !== "VirtualAppliance" || (ctx.spec.firewall.enabled && isDefault(r))) continue;
    const field = `routes[${r.index}].nextHopIp`;
    if (r.nextHopIp === undefined || r.nextHopIp === "") {
      out.push(finding("OUT-04", "error", [field, `routes[${r.index}].nextHopType`], `route ${r.prefix.text} → VirtualAppliance has no next-hop IP address`, `give the appliance's private IP: --route ${r.prefix.text}=VirtualAppliance@<firewall private IP>`));
      continue;
    }
    const ip = ctx.ips.get(field);
    if (!ip) continue;
    const host = makeCidr(ip.value, ip.family === 4 ? 32 : 128, ip.family);
    const known = subnets.some((c) => containsIp(c, ip)) || ctx.existing.overlapping(host, 1).length > 0 || ctx.connected.overlapping(host, 1).length > 0;
    if (!known) {
      out.push(finding("OUT-04", "warning", field, `route ${r.prefix.text} → VirtualAppliance ${ip.text}: the address is in no subnet of the VNet and no connected range, so the appliance may be unreachable`, "use the firewall's or NVA's private IP, and list a peered hub with --connected-cidr or its subnet with --existing-subnet"));
    }
  }
  return out;
}

/** OUT-05: the node (or pod) subnet cannot be one of the firewall's reserved subnets. */
function firewallSubnetNodes(s: ClusterSpec): Finding[] {
  const named: [string, string | undefined][] = [
    ["vnet.subnetName", s.vnet.subnetName],
    ["vnet.podSubnetName", s.vnet.podSubnetName],
    ["vnetSubnetId", s.vnetSubnetId?.split("/").pop()],
  ];
  return named
    .filter(([, name]) => name !== undefined && FIREWALL_SUBNETS.some((f) => f.toLowerCase() === name.toLowerCase()))
    .map(([field, name]) => finding("OUT-05", "error", field, `AKS nodes cannot go into '${name}': that subnet is reserved for Azure Firewall`, "put the nodes in their own subnet (e.g. --subnet-cidr in a free range) and keep AzureFirewallSubnet for the firewall"));
}
