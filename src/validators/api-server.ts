/**
 * API-01 … API-09, LIVE-API-01: how the API server is reached (apiServerAccessProfile), as AKS takes it:
 * private clusters and their DNS zone (https://learn.microsoft.com/azure/aks/private-clusters), authorized IP ranges
 * (https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges), API Server VNet Integration
 * (https://learn.microsoft.com/azure/aks/api-server-vnet-integration).
 */
import { cidr as parseRange, contains, parseCidr } from "../core/cidr.ts";
import { regionName } from "../core/egress.ts";
import { AKS_DELEGATION, DERIVED } from "../core/names.ts";
import { isPrivate } from "../core/planner.ts";
import type { ApiServerAccessProfileSpec, ClusterSpec } from "../core/spec.ts";
import { describeValue } from "./syntax.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export const SOURCES = {
  private: "https://learn.microsoft.com/azure/aks/private-clusters",
  ranges: "https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges",
  vnetIntegration: "https://learn.microsoft.com/azure/aks/api-server-vnet-integration",
} as const;

/** AKS's limit on authorized IP ranges. */
export const MAX_AUTHORIZED_RANGES = 200;
/** The smallest API server subnet AKS takes. */
const MIN_APISERVER_PREFIX = 28;
/** `0.0.0.0/32` alone: AKS's "no public access but from the cluster's own egress". */
const ONLY_EGRESS = "0.0.0.0/32";

export function rules(): RuleInfo[] {
  return [
    { id: "API-01", severity: "error", summary: "Authorized IP ranges are for a public API server: not with a private cluster (\"Private cluster cannot be enabled with AuthorizedIPRanges.\")." },
    { id: "API-02", severity: "error", summary: "Authorized IP ranges are public IPv4 addresses or CIDRs (private ranges only with VNet Integration); 0.0.0.0/32 stands alone." },
    { id: "API-03", severity: "error", summary: `At most ${MAX_AUTHORIZED_RANGES} authorized IP ranges, counting the egress IP aks-net adds.` },
    { id: "API-04", severity: "error", summary: "privateDNSZone is system, none, or a private DNS zone's id named privatelink.<region>.azmk8s.io or <subzone>.privatelink.<region>.azmk8s.io (private.<region>… with VNet Integration), in the cluster's region." },
    { id: "API-05", severity: "error", summary: "privateDNSZone and --disable-public-fqdn apply to private clusters only." },
    { id: "API-06", severity: "error", summary: "--disable-public-fqdn cannot go with privateDNSZone none (the public FQDN is then the only name)." },
    { id: "API-07", severity: "info", summary: "Your private DNS zone: aks-net grants its identity Private DNS Zone Contributor on it and Network Contributor on the VNet (you need the right to assign roles there)." },
    { id: "API-08", severity: "error", summary: "VNet Integration needs its own API server subnet (--apiserver-subnet-cidr or --apiserver-subnet-id), at least /28, not the node or pod subnet; those flags need --enable-apiserver-vnet-integration." },
    { id: "API-09", severity: "error", summary: "The API server subnet lies in the cluster's VNet." },
    { id: "LIVE-API-01", severity: "error", summary: "With --live: the API server subnet exists, is delegated to Microsoft.ContainerService/managedClusters and nothing else uses it." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const api = ctx.spec.apiServerAccessProfile;
  const vnet = ctx.spec.vnet;
  if (api === undefined && vnet.apiServerSubnetCidr === undefined) return [];
  const a: ApiServerAccessProfileSpec = typeof api === "object" && api !== null ? api : {};
  return [...ranges(ctx.spec, a), ...privateDns(ctx.spec, a), ...vnetIntegration(ctx.spec, a), ...live(ctx.spec, a)];
}

/** True when the firewall or NAT gateway aks-net builds carries the cluster's egress: its IP joins the ranges. */
export function builtEgressIp(spec: ClusterSpec): "firewall" | "NAT gateway" | undefined {
  if (spec.vnetSubnetId !== undefined || spec.vnet.managed === true) return undefined;
  if (spec.firewall.enabled) return "firewall";
  if (spec.outboundType === "userAssignedNATGateway") return "NAT gateway";
  return undefined;
}

/** The ranges aks-net sends as given: 0.0.0.0/32 alone means "the cluster's own egress only" and gets no addition. */
export function addsEgressIp(spec: ClusterSpec): boolean {
  const list = spec.apiServerAccessProfile?.authorizedIPRanges;
  return Array.isArray(list) && list.length > 0 && !list.includes(ONLY_EGRESS) && builtEgressIp(spec) !== undefined && spec.apiServerAccessProfile?.enablePrivateCluster !== true;
}

/** API-01 … API-03. */
function ranges(spec: ClusterSpec, a: ApiServerAccessProfileSpec): Finding[] {
  const list: unknown = a.authorizedIPRanges;
  if (list === undefined) return [];
  const field = "apiServerAccessProfile.authorizedIPRanges";
  if (!Array.isArray(list)) return [finding("API-02", "error", field, `${field} must be a list, got ${describeValue(list)}`, "pass --api-server-authorized-ip-ranges 203.0.113.0/24,198.51.100.7")];
  if (list.length === 0) return [];
  const out: Finding[] = [];
  if (a.enablePrivateCluster === true) {
    out.push(finding("API-01", "error", [field, "apiServerAccessProfile.enablePrivateCluster"], `authorized IP ranges (${list.length}) with a private cluster: AKS refuses it ("Private cluster cannot be enabled with AuthorizedIPRanges.")`, "drop --api-server-authorized-ip-ranges (a private API server is reachable only from the VNet and its peers), or drop --enable-private-cluster"));
  }
  list.forEach((r: unknown, i) => {
    const f = `${field}[${i}]`;
    const text = typeof r === "string" ? (r.includes("/") ? r.trim() : `${r.trim()}/32`) : undefined;
    const parsed = text === undefined ? undefined : parseCidr(text);
    if (parsed === undefined || !parsed.ok) {
      out.push(finding("API-02", "error", f, `authorized IP range ${describeValue(r)} is not an IPv4 address or CIDR${parsed && !parsed.ok ? ` (${parsed.reason})` : ""}`, "use an IPv4 CIDR such as 203.0.113.0/24, or an address such as 203.0.113.7"));
      return;
    }
    const c = parsed.value;
    if (c.family !== 4) {
      out.push(finding("API-02", "error", f, `authorized IP range ${c.canonical} is IPv6: AKS takes IPv4 ranges only`, "list the IPv4 addresses clients reach the API server from"));
    } else if (c.canonical === ONLY_EGRESS) {
      if (list.length > 1) out.push(finding("API-02", "error", f, `${ONLY_EGRESS} is listed with ${list.length - 1} other range${list.length > 2 ? "s" : ""}: AKS refuses it ("Setting apiServerAuthorizedIPRange to 0.0.0.0/32 is not allowed with other IP ranges.")`, `use ${ONLY_EGRESS} alone (only the cluster's own egress), or drop it`));
    } else if ((isPrivate(c) || contains(parseRange("127.0.0.0/8"), c) || contains(parseRange("169.254.0.0/16"), c)) && a.enableVnetIntegration !== true) {
      out.push(finding("API-02", "error", f, `authorized IP range ${c.canonical} is not public: a public API server sees clients by their public addresses, so it would match nobody`, "list your clients' public egress addresses (your office's or CI's NAT IP), or use --enable-apiserver-vnet-integration to allow VNet ranges"));
    }
  });
  const added = addsEgressIp(spec) ? 1 : 0;
  if (list.length + added > MAX_AUTHORIZED_RANGES) {
    out.push(finding("API-03", "error", field, `${list.length} authorized IP ranges${added ? " plus the egress IP of the firewall or NAT gateway aks-net builds" : ""}: AKS takes at most ${MAX_AUTHORIZED_RANGES}`, "summarise addresses into larger prefixes (e.g. a /24 instead of its /32s)"));
  }
  return out;
}

/** A private DNS zone id: `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/privateDnsZones/<name>`. */
const ZONE_ID = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i;

/** The zone names AKS takes (its own error lists them): privatelink.<region>.azmk8s.io, an optional 1-32 character subzone; private.<region>… with VNet Integration. */
export function zoneNameProblem(name: string, region: string, vnetIntegration: boolean): string | undefined {
  const m = /^(?:([a-zA-Z0-9-]+)\.)?(privatelink|private)\.([a-z0-9]+)\.azmk8s\.io$/i.exec(name);
  if (!m) return `is not privatelink.<region>.azmk8s.io or <subzone>.privatelink.<region>.azmk8s.io`;
  const [, sub, kind, zoneRegion] = m as unknown as [string, string | undefined, string, string];
  if (sub !== undefined && sub.length > 32) return `has a ${sub.length}-character subzone (at most 32)`;
  if (kind.toLowerCase() === "private" && !vnetIntegration) return "uses private.<region>.azmk8s.io, which AKS takes only with API Server VNet Integration";
  if (zoneRegion.toLowerCase() !== region) return `names region ${zoneRegion}, not the cluster's ${region} (the full region name, not a short code)`;
  return undefined;
}

/** API-04 … API-07. */
function privateDns(spec: ClusterSpec, a: ApiServerAccessProfileSpec): Finding[] {
  const out: Finding[] = [];
  const zone: unknown = a.privateDNSZone;
  const privateCluster = a.enablePrivateCluster === true;
  const fqdnOff = a.enablePrivateClusterPublicFQDN === false;
  if (!privateCluster && (zone !== undefined || fqdnOff)) {
    const what = [zone !== undefined ? "--private-dns-zone" : "", fqdnOff ? "--disable-public-fqdn" : ""].filter((x) => x !== "").join(" and ");
    out.push(finding("API-05", "error", [zone !== undefined ? "apiServerAccessProfile.privateDNSZone" : "apiServerAccessProfile.enablePrivateClusterPublicFQDN", "apiServerAccessProfile.enablePrivateCluster"], `${what} without --enable-private-cluster: they configure a private API server`, `add --enable-private-cluster, or drop ${what}`));
  }
  if (zone === undefined) return out;
  const field = "apiServerAccessProfile.privateDNSZone";
  if (typeof zone !== "string" || zone === "") return [...out, finding("API-04", "error", field, `privateDNSZone ${describeValue(zone)} is not system, none or a zone id`, "use --private-dns-zone system (AKS makes the zone), none, or your zone's resource id")];
  const mode = zone.toLowerCase();
  if (mode === "none" && fqdnOff) {
    out.push(finding("API-06", "error", [field, "apiServerAccessProfile.enablePrivateClusterPublicFQDN"], "--disable-public-fqdn with --private-dns-zone none: without a private zone the public FQDN is how nodes and clients find the API server (\"--disable-public-fqdn cannot be applied for none mode private dns zone cluster\")", "drop --disable-public-fqdn, or use --private-dns-zone system"));
  }
  if (mode === "system" || mode === "none") return out;
  const m = ZONE_ID.exec(zone);
  if (!m) {
    return [...out, finding("API-04", "error", field, `privateDNSZone '${zone}' is neither system, none nor a private DNS zone resource id (/subscriptions/…/providers/Microsoft.Network/privateDnsZones/<name>)`, "pass the zone's full id: az network private-dns zone show -g <group> -n <zone> --query id")];
  }
  const region = typeof spec.location === "string" ? regionName(spec.location) : "<region>";
  const problem = zoneNameProblem(m[1] as string, region, a.enableVnetIntegration === true);
  if (problem !== undefined) {
    out.push(finding("API-04", "error", field, `private DNS zone '${m[1] as string}' ${problem}: AKS refuses it (InvalidPrivateDNSZoneResourceID)`, `use a zone named privatelink.${region}.azmk8s.io or <subzone>.privatelink.${region}.azmk8s.io`));
  } else if (privateCluster) {
    out.push(finding("API-07", "info", field, `your private DNS zone '${m[1] as string}': aks-net grants the cluster identity Private DNS Zone Contributor on it and Network Contributor on the VNet, which AKS needs to write the API server's record`, "nothing to do if you may assign roles on the zone and the VNet (Owner or User Access Administrator); else ask for those roles first"));
  }
  return out;
}

/** API-08, API-09. */
function vnetIntegration(spec: ClusterSpec, a: ApiServerAccessProfileSpec): Finding[] {
  const cidrText = spec.vnet.apiServerSubnetCidr;
  const id = a.subnetId;
  const on = a.enableVnetIntegration === true;
  if (!on) {
    if (id === undefined && cidrText === undefined) return [];
    return [finding("API-08", "error", [id !== undefined ? "apiServerAccessProfile.subnetId" : "vnet.apiServerSubnetCidr", "apiServerAccessProfile.enableVnetIntegration"], "an API server subnet without --enable-apiserver-vnet-integration: only VNet Integration puts the API server into a subnet", "add --enable-apiserver-vnet-integration, or drop the API server subnet")];
  }
  const out: Finding[] = [];
  const brought = spec.vnetSubnetId !== undefined;
  if (id === undefined && cidrText === undefined) {
    if (spec.vnet.managed === true) return [];
    return [finding("API-08", "error", "apiServerAccessProfile.subnetId", `API Server VNet Integration in ${brought ? "your VNet" : "the VNet aks-net builds"} needs a subnet for the API server`, brought ? "pass --apiserver-subnet-id with a subnet of your VNet delegated to Microsoft.ContainerService/managedClusters" : "pass --apiserver-subnet-cidr with a free /28 of the VNet (aks-net creates it delegated), or --apiserver-subnet-id")];
  }
  if (cidrText !== undefined && id === undefined) {
    if (brought) out.push(finding("API-08", "error", "vnet.apiServerSubnetCidr", "--apiserver-subnet-cidr plans a subnet in the VNet aks-net builds, but the node subnet is yours (--vnet-subnet-id)", "create the delegated subnet in your VNet and pass --apiserver-subnet-id"));
    const p = parseCidr(cidrText);
    if (p.ok && p.value.family === 4 && p.value.prefix > MIN_APISERVER_PREFIX) {
      out.push(finding("API-08", "error", "vnet.apiServerSubnetCidr", `API server subnet ${p.value.canonical} is a /${p.value.prefix}: AKS needs at least a /${MIN_APISERVER_PREFIX}`, `use a /${MIN_APISERVER_PREFIX} (or larger) free in the VNet`));
    }
    for (const [other, text] of [["vnet.subnetCidr", spec.vnet.subnetCidr], ["vnet.podSubnetCidr", spec.vnet.podSubnetCidr]] as const) {
      if (text !== undefined && p.ok && text.trim() === p.value.canonical) out.push(finding("API-08", "error", ["vnet.apiServerSubnetCidr", other], `the API server subnet ${p.value.canonical} is also ${other === "vnet.subnetCidr" ? "the node" : "the pod"} subnet: AKS needs one the API server has to itself`, "give the API server its own /28"));
    }
  }
  if (id !== undefined) {
    const field = "apiServerAccessProfile.subnetId";
    const sub = /^(\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Network\/virtualNetworks\/[^/]+)\/subnets\/[^/]+$/i.exec(id);
    if (!sub) return [...out, finding("API-08", "error", field, `--apiserver-subnet-id '${id}' is not a subnet id`, "pass /subscriptions/<sub>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<vnet>/subnets/<subnet>")];
    for (const [other, otherId] of [["vnetSubnetId", spec.vnetSubnetId]] as const) {
      if (otherId !== undefined && otherId.toLowerCase() === id.toLowerCase()) out.push(finding("API-08", "error", [field, other], "the API server subnet is the node subnet: AKS needs one the API server has to itself", "create a delegated /28 for the API server and pass its id"));
    }
    const vnetOfNodes = brought ? /^(.*)\/subnets\/[^/]+$/i.exec(spec.vnetSubnetId ?? "")?.[1] : builtVnetName(spec);
    const vnetOfApi = sub[1] as string;
    const same = brought ? vnetOfNodes?.toLowerCase() === vnetOfApi.toLowerCase() : vnetOfNodes !== undefined && vnetOfApi.toLowerCase().endsWith(`/virtualnetworks/${vnetOfNodes.toLowerCase()}`);
    if (vnetOfNodes !== undefined && !same) {
      out.push(finding("API-09", "error", [field, brought ? "vnetSubnetId" : "vnet.name"], `the API server subnet is in VNet ${vnetOfApi.slice(vnetOfApi.lastIndexOf("/") + 1)}, the nodes in ${vnetOfNodes.slice(vnetOfNodes.lastIndexOf("/") + 1)}: VNet Integration projects the API server into the nodes' VNet`, "use a subnet of the nodes' VNet"));
    }
  }
  return out;
}

function builtVnetName(spec: ClusterSpec): string | undefined {
  if (spec.vnet.managed === true) return undefined;
  return spec.vnet.name ?? (typeof spec.name === "string" ? DERIVED.vnet(spec.name) : undefined);
}

/** LIVE-API-01. */
function live(spec: ClusterSpec, a: ApiServerAccessProfileSpec): Finding[] {
  if (a.enableVnetIntegration !== true || a.subnetId === undefined) return [];
  const field = "apiServerAccessProfile.subnetId";
  if (spec.live?.apiServerSubnetMissing !== undefined) {
    return [finding("LIVE-API-01", "error", field, `the API server subnet ${a.subnetId.slice(a.subnetId.lastIndexOf("/") + 1)} does not exist`, "create it (a /28, delegated to Microsoft.ContainerService/managedClusters) or pass --apiserver-subnet-cidr to let aks-net plan one")];
  }
  const s = spec.live?.apiServerSubnet;
  if (s === undefined) return [];
  const out: Finding[] = [];
  const delegations = s.delegations ?? [];
  if (!delegations.some((d) => d.toLowerCase() === AKS_DELEGATION.toLowerCase())) {
    out.push(finding("LIVE-API-01", "error", field, `the API server subnet ${s.name} is ${delegations.length === 0 ? "not delegated" : `delegated to ${delegations.join(", ")}`}: VNet Integration needs it delegated to ${AKS_DELEGATION}`, `az network vnet subnet update --ids ${a.subnetId} --delegations ${AKS_DELEGATION}`));
  }
  if ((s.used ?? 0) > 0 || (s.usedBy ?? []).length > 0) {
    out.push(finding("LIVE-API-01", "error", field, `the API server subnet ${s.name} is in use (${(s.usedBy ?? []).length > 0 ? (s.usedBy ?? []).join(", ") : `${s.used ?? 0} addresses`}): the API server needs a subnet to itself`, "use an empty subnet for the API server"));
  }
  const c = parseCidr(s.cidr);
  if (c.ok && c.value.prefix > MIN_APISERVER_PREFIX) out.push(finding("LIVE-API-01", "error", field, `the API server subnet ${s.name} is a /${c.value.prefix}: AKS needs at least a /${MIN_APISERVER_PREFIX}`, `use a /${MIN_APISERVER_PREFIX} or larger subnet`));
  return out;
}


