/**
 * BYO-01 … BYO-03, LIVE-BYO-01 … 04: resources the user brings (issue 11 item 4). aks-net reads them, grants its identity roles on them
 * and associates them with the subnets it plans; it never writes or deletes them. Sources: use-managed-identity.md
 * (--assign-identity, --assign-kubelet-identity and the Managed Identity Operator role), configure-azure-cni-dynamic-ip-
 * allocation.md (the pod subnet is in the node subnet's VNet), egress-udr.md and egress-outboundtype.md (a route table
 * with 0.0.0.0/0 to the appliance, a NAT gateway on the node subnets), limit-egress-traffic.md (hub firewall by its IP).
 */
import { parseCidr } from "../core/cidr.ts";
import { regionName } from "../core/egress.ts";
import { isPrivate } from "../core/planner.ts";
import { DERIVED, subnetIdParts } from "../core/names.ts";
import type { ClusterSpec } from "../core/spec.ts";
import { describeValue } from "./syntax.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "BYO-01", severity: "error", summary: "A brought resource is named by its full ARM id of the right type: identities (userAssignedIdentities), pod subnet (subnets), route table, NAT gateway, load balancer outbound public IPs and prefixes." },
    { id: "BYO-02", severity: "error", summary: "Brought egress fits the plan: a route table or NAT gateway goes onto subnets aks-net plans (not with --vnet-subnet-id or an AKS-managed VNet); aks-net never writes a brought route table (no --firewall, --route or --firewall-private-ip with it); --firewall-private-ip is one private IPv4 address, not with --firewall, only for userDefinedRouting and the one default route; --nat-gateway-id only for userAssignedNATGateway." },
    { id: "BYO-03", severity: "error", summary: "A brought pod subnet (--pod-subnet-id) needs Azure CNI pod subnet (no overlay), a brought node subnet in the same VNet (--vnet-subnet-id), and no --pod-subnet-cidr." },
    { id: "BYO-04", severity: "error", summary: "A brought kubelet identity (--assign-kubelet-identity) needs a brought cluster identity (--assign-identity), as az aks create requires." },
    { id: "LIVE-BYO-01", severity: "error", summary: "--live: every brought resource exists (identities, pod subnet, route table, NAT gateway, outbound public IPs and prefixes)." },
    { id: "LIVE-BYO-02", severity: "error", summary: "--live: a brought load balancer outbound public IP is Standard SKU and not used by another resource; a prefix is Standard SKU." },
    { id: "LIVE-BYO-03", severity: "error", summary: "--live: a brought pod subnet is delegated to nothing, or to Microsoft.ContainerService/managedClusters only." },
    { id: "LIVE-BYO-04", severity: "error", summary: "--live: a brought route table, NAT gateway, public IP or prefix is in the cluster's region (\"both resources are in the same region\")." },
  ];
}

/** Provider type of each field's id (the segment after `providers/`). */
const TYPES: [field: string, type: string, read: (s: ClusterSpec) => unknown][] = [
  ["assignIdentity", "Microsoft.ManagedIdentity/userAssignedIdentities", (s) => s.assignIdentity],
  ["assignKubeletIdentity", "Microsoft.ManagedIdentity/userAssignedIdentities", (s) => s.assignKubeletIdentity],
  ["podSubnetId", "Microsoft.Network/virtualNetworks/subnets", (s) => s.podSubnetId],
  ["vnet.routeTableId", "Microsoft.Network/routeTables", (s) => s.vnet.routeTableId],
  ["vnet.natGatewayId", "Microsoft.Network/natGateways", (s) => s.vnet.natGatewayId],
];

/** `/subscriptions/<s>/resourceGroups/<rg>/providers/<ns>/<type>/<name>[/<child>/<name>]` of the given type. */
export function isArmIdOf(id: unknown, type: string): boolean {
  if (typeof id !== "string") return false;
  const [ns, top, child] = type.split("/");
  const childPart = child === undefined ? "" : `/${child}/[^/]+`;
  return new RegExp(`^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/${ns}/${top}/[^/]+${childPart}/?$`, "i").test(id.trim());
}

export function check(ctx: RuleContext): Finding[] {
  return [...ids(ctx.spec), ...egress(ctx), ...podSubnet(ctx.spec), ...kubelet(ctx.spec), ...live(ctx.spec)];
}

/** BYO-01. */
function ids(s: ClusterSpec): Finding[] {
  const out: Finding[] = [];
  const bad = (field: string, type: string, v: unknown): void => {
    if (v === undefined || isArmIdOf(v, type)) return;
    out.push(finding("BYO-01", "error", field, `${field} ${describeValue(v)} is not the ARM id of a ${type}`, `give its full id, /subscriptions/<id>/resourceGroups/<group>/providers/${type.replace(/\/subnets$/, "/<vnet>/subnets")}/<name> (az resource show ... --query id)`));
  };
  for (const [field, type, read] of TYPES) bad(field, type, read(s));
  const lb = s.loadBalancerProfile;
  (lb?.outboundIPs?.publicIPs ?? []).forEach((p, i) => bad(`loadBalancerProfile.outboundIPs.publicIPs[${i}].id`, "Microsoft.Network/publicIPAddresses", p?.id));
  (lb?.outboundIPPrefixes?.publicIPPrefixes ?? []).forEach((p, i) => bad(`loadBalancerProfile.outboundIPPrefixes.publicIPPrefixes[${i}].id`, "Microsoft.Network/publicIPPrefixes", p?.id));
  const nat = s.natGatewayProfile;
  (nat?.outboundIPs?.publicIPs ?? []).forEach((id, i) => bad(`natGatewayProfile.outboundIPs.publicIPs[${i}]`, "Microsoft.Network/publicIPAddresses", id));
  (nat?.outboundIPPrefixes?.publicIPPrefixes ?? []).forEach((id, i) => bad(`natGatewayProfile.outboundIPPrefixes.publicIPPrefixes[${i}]`, "Microsoft.Network/publicIPPrefixes", id));
  return out;
}

/** BYO-02. */
function egress(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const out: Finding[] = [];
  const notPlanned = s.vnet.managed === true ? "vnet.managed" : s.vnetSubnetId !== undefined ? "vnetSubnetId" : undefined;
  for (const [field, what] of [["vnet.routeTableId", "route table"], ["vnet.natGatewayId", "NAT gateway"]] as const) {
    const v = field === "vnet.routeTableId" ? s.vnet.routeTableId : s.vnet.natGatewayId;
    if (v === undefined || notPlanned === undefined) continue;
    out.push(finding("BYO-02", "error", [field, notPlanned], `a brought ${what} is associated with the subnets aks-net plans, but this cluster uses ${notPlanned === "vnet.managed" ? "an AKS-managed VNet" : "a brought subnet (--vnet-subnet-id)"}`, `associate the ${what} with your subnet yourself and drop --${field === "vnet.routeTableId" ? "route-table-id" : "nat-gateway-id"}`));
  }
  if (s.vnet.routeTableId !== undefined) {
    const writers = [s.firewall.enabled ? "firewall.enabled" : undefined, s.firewall.privateIp !== undefined ? "firewall.privateIp" : undefined, ...(s.routes.length > 0 && s.firewall.privateIp === undefined && ctx.provenance["routes"] !== "live" ? ["routes"] : [])].filter((x): x is string => x !== undefined);
    if (writers.length > 0) out.push(finding("BYO-02", "error", ["vnet.routeTableId", ...writers], `--route-table-id brings your route table, which aks-net never writes, but ${writers.join(", ")} ask for routes in it`, "put the routes into your route table yourself and drop them here, or drop --route-table-id and let aks-net build its own"));
  }
  const ip = s.firewall.privateIp;
  if (ip !== undefined) {
    const parsed = typeof ip === "string" ? parseCidr(`${ip}/32`) : undefined;
    if (parsed === undefined || !parsed.ok || parsed.value.family !== 4 || !isPrivate(parsed.value)) {
      out.push(finding("BYO-02", "error", "firewall.privateIp", `--firewall-private-ip ${describeValue(ip)} is not a private IPv4 address`, "give the firewall's private IP, e.g. 10.0.1.4 (az network firewall show --query 'ipConfigurations[0].privateIPAddress')"));
    }
    if (s.firewall.enabled) out.push(finding("BYO-02", "error", ["firewall.privateIp", "firewall.enabled"], "--firewall builds a firewall and --firewall-private-ip routes to an existing one: choose one", "drop --firewall to use the existing firewall, or drop --firewall-private-ip"));
    if (s.outboundType !== "userDefinedRouting") out.push(finding("BYO-02", "error", ["firewall.privateIp", "outboundType"], `--firewall-private-ip routes egress through the firewall, but outboundType is ${String(s.outboundType)}`, "use --outbound-type userDefinedRouting (the default with --firewall-private-ip)"));
    const other = s.routes.findIndex((r) => r?.prefix === "0.0.0.0/0" && (r.nextHopType !== "VirtualAppliance" || r.nextHopIp !== ip));
    if (other >= 0) out.push(finding("BYO-02", "error", ["firewall.privateIp", `routes[${other}]`], `--firewall-private-ip sends 0.0.0.0/0 to ${ip}, but routes[${other}] sends it to ${s.routes[other]?.nextHopIp ?? s.routes[other]?.nextHopType}`, "keep one default route: drop the --route for 0.0.0.0/0"));
  }
  if (s.vnet.natGatewayId !== undefined && s.outboundType !== "userAssignedNATGateway") {
    out.push(finding("BYO-02", "error", ["vnet.natGatewayId", "outboundType"], `--nat-gateway-id brings a NAT gateway for egress, but outboundType is ${String(s.outboundType)}`, "use --outbound-type userAssignedNATGateway (the default with --nat-gateway-id)"));
  }
  return out;
}

/** BYO-03. */
function podSubnet(s: ClusterSpec): Finding[] {
  const id = s.podSubnetId;
  if (id === undefined) return [];
  const out: Finding[] = [];
  if (s.networkPlugin !== "azure" || s.networkPluginMode === "overlay") {
    out.push(finding("BYO-03", "error", ["podSubnetId", "networkPlugin", "networkPluginMode"], `a pod subnet is Azure CNI pod subnet (dynamic IP allocation); this cluster is ${String(s.networkPlugin)}${s.networkPluginMode ? ` ${s.networkPluginMode}` : ""}`, "use --network-plugin azure without --network-plugin-mode overlay, or drop --pod-subnet-id"));
  }
  if (s.vnet.podSubnetCidr !== undefined) out.push(finding("BYO-03", "error", ["podSubnetId", "vnet.podSubnetCidr"], "--pod-subnet-id brings a pod subnet and --pod-subnet-cidr plans one: choose one", "drop --pod-subnet-cidr to use your subnet, or drop --pod-subnet-id"));
  const pod = typeof id === "string" ? subnetIdParts(id) : undefined;
  const node = typeof s.vnetSubnetId === "string" ? subnetIdParts(s.vnetSubnetId) : undefined;
  if (s.vnetSubnetId === undefined) {
    out.push(finding("BYO-03", "error", ["podSubnetId", "vnetSubnetId"], "a brought pod subnet must be in the node subnet's VNet (\"the pod subnet should be from the same VNet as the cluster\"), and aks-net plans a new VNet here", "bring the node subnet too (--vnet-subnet-id), or let aks-net plan the pod subnet (--pod-subnet-cidr)"));
  } else if (pod && node && (pod.subscription.toLowerCase() !== node.subscription.toLowerCase() || pod.resourceGroup.toLowerCase() !== node.resourceGroup.toLowerCase() || pod.vnet.toLowerCase() !== node.vnet.toLowerCase())) {
    out.push(finding("BYO-03", "error", ["podSubnetId", "vnetSubnetId"], `pod subnet '${pod.subnet}' is in VNet ${pod.vnet} (${pod.resourceGroup}), the node subnet in ${node.vnet} (${node.resourceGroup}): "the pod subnet should be from the same VNet as the cluster"`, "use a pod subnet of the node subnet's VNet"));
  } else if (pod && node && pod.subnet.toLowerCase() === node.subnet.toLowerCase()) {
    out.push(finding("BYO-03", "error", ["podSubnetId", "vnetSubnetId"], `--pod-subnet-id and --vnet-subnet-id are the same subnet '${pod.subnet}': pods and nodes need different subnets`, "give the pods a subnet of their own"));
  }
  return out;
}

/**
 * BYO-04. az aks create refuses the flag alone ("--assign-kubelet-identity can only be specified when --assign-identity is
 * specified", azure-cli acs managed_cluster_decorator.py), and use-managed-identity.md creates the control plane identity
 * first and grants it Managed Identity Operator on the kubelet identity before naming both: an identity aks-net would
 * create in the same run cannot be granted in advance by the user, and the command would not replay with az.
 */
function kubelet(s: ClusterSpec): Finding[] {
  if (s.assignKubeletIdentity === undefined || s.assignIdentity !== undefined) return [];
  return [finding("BYO-04", "error", ["assignKubeletIdentity", "assignIdentity"], "--assign-kubelet-identity can only be specified when --assign-identity is specified (az aks create refuses it alone)", "bring the control plane identity too: --assign-identity <id of a user-assigned identity> (aks-net grants it Managed Identity Operator on the kubelet identity), or drop --assign-kubelet-identity")];
}

/** LIVE-BYO-01 … 03: what `--live` read of the brought resources. */
function live(s: ClusterSpec): Finding[] {
  const out: Finding[] = [];
  const nodeRg = s.resourceGroup !== undefined && s.name !== undefined && s.location !== undefined ? DERIVED.nodeResourceGroup(s.resourceGroup, s.name, s.location).toLowerCase() : undefined;
  for (const b of s.live?.brought ?? []) {
    if (!b.exists) {
      out.push(finding("LIVE-BYO-01", "error", b.field, `${b.field} ${b.id} does not exist (or this principal cannot read it)`, "create it first, or fix the id (az resource show --ids <id>)"));
      continue;
    }
    const regional = ["vnet.routeTableId", "vnet.natGatewayId"].includes(b.field) || b.field.startsWith("loadBalancerProfile.");
    if (regional && b.location !== undefined && s.location !== undefined && regionName(b.location) !== regionName(s.location)) {
      out.push(finding("LIVE-BYO-04", "error", [b.field, "location"], `${b.id} is in ${b.location}, the cluster in ${s.location}: Azure refuses references across regions ("both resources are in the same region")`, `use a resource in ${s.location}`));
    }
    const isIp = b.field.startsWith("loadBalancerProfile.outboundIPs.");
    const isPrefix = b.field.startsWith("loadBalancerProfile.outboundIPPrefixes.");
    if ((isIp || isPrefix) && b.sku !== undefined && b.sku.toLowerCase() !== "standard") {
      out.push(finding("LIVE-BYO-02", "error", b.field, `${b.id} is ${b.sku} SKU; the standard load balancer takes Standard public IPs and prefixes only`, "use a Standard SKU public IP (az network public-ip create --sku Standard)"));
    }
    // The cluster's own load balancer (in its node resource group) holds it on a re-run: that is not another user.
    if (isIp && b.usedBy !== undefined && !(nodeRg !== undefined && b.usedBy.toLowerCase().includes(`/resourcegroups/${nodeRg}/`))) {
      out.push(finding("LIVE-BYO-02", "error", b.field, `public IP ${b.id} is already used by ${b.usedBy}`, "give the load balancer a public IP nothing else uses"));
    }
    const other = (b.delegations ?? []).filter((d) => d.toLowerCase() !== "microsoft.containerservice/managedclusters");
    if (b.field === "podSubnetId" && other.length > 0) {
      out.push(finding("LIVE-BYO-03", "error", "podSubnetId", `pod subnet ${b.id} is delegated to ${other.join(", ")}; AKS pods need a subnet delegated to nothing or to Microsoft.ContainerService/managedClusters`, "use another subnet for pods, or remove the delegation"));
    }
  }
  return out;
}
