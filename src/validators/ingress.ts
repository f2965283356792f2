/**
 * ILB-*, EXP-*, AGW-*, NSG-*: exposing services (core/ingress.ts). An internal load balancer with fixed IPs, ports
 * published through aks-net's firewall (DNAT), the App Gateway ingress add-on, an NSG on the node subnet.
 */
import { contains, containsIp, nthAddress } from "../core/cidr.ts";
import type { Cidr, ParsedIp } from "../core/cidr.ts";
import { computeCapacity } from "../core/capacity.ts";
import { azureReservedAddress, decidingRule, exposeEntries, exposeProtocol, exposeTargetPort, ilbIps, ilbSubnet, requiredNsgFlows, targetIndex, wantsIlb } from "../core/ingress.ts";
import { clusterRanges, sharedPlanner, vnetRanges } from "../core/planner.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

const ILB_DOC = "https://learn.microsoft.com/azure/aks/internal-lb";
const AGW_SUBNET_DOC = "https://learn.microsoft.com/azure/application-gateway/configuration-infrastructure";
const AGIC_DOC = "https://learn.microsoft.com/azure/application-gateway/ingress-controller-overview";

export function rules(): RuleInfo[] {
  return [
    { id: "ILB-01", severity: "error", summary: `An internal LB fixed IP is an IPv4 address inside the ILB subnet (the dedicated subnet, else the node subnet) (${ILB_DOC}).` },
    { id: "ILB-02", severity: "error", summary: "An internal LB fixed IP is not one of the 5 addresses Azure keeps in every subnet (network, .1-.3, broadcast)." },
    { id: "ILB-03", severity: "warning", summary: "An internal LB fixed IP on the node subnet can be taken by a node (or, with Azure CNI node subnet, a pod) first: use a dedicated subnet." },
    { id: "ILB-04", severity: "error", summary: "An internal LB fixed IP is not in the service CIDR or the pod CIDR (those are cluster-internal ranges)." },
    { id: "ILB-05", severity: "error", summary: "The internal LB's subnet lies in the cluster's VNet (cloud-provider-azure looks the subnet up in the nodes' VNet)." },
    { id: "ILB-06", severity: "error", summary: "An internal LB needs the Standard load balancer (Basic is retired)." },
    { id: "ILB-07", severity: "error", summary: "The cluster identity needs Network Contributor on the ILB subnet: aks-net grants it on a subnet it plans in its VNet; a dedicated ILB subnet needs the VNet aks-net builds." },
    { id: "ILB-08", severity: "error", summary: "Each internal LB fixed IP is listed once." },
    { id: "EXP-01", severity: "error", summary: "Exposing a port through the firewall (DNAT) needs the firewall aks-net builds (--firewall): a firewall aks-net does not own gets its DNAT rules from its owner." },
    { id: "EXP-02", severity: "error", summary: "An exposed port targets an internal LB fixed IP of this spec (ingress.internalLoadBalancer.ips)." },
    { id: "EXP-03", severity: "error", summary: "A port (and protocol) is exposed once on the firewall's public IP." },
    { id: "EXP-04", severity: "error", summary: "Exposed ports and target ports are 1-65535, protocol TCP or UDP." },
    { id: "AGW-01", severity: "error", summary: "The App Gateway ingress add-on needs one of --appgw-subnet-cidr, --appgw-subnet-id or --appgw-id (az aks create's flags)." },
    { id: "AGW-02", severity: "error/warning", summary: `App Gateway v2 subnet: /26 minimum (error), /24 recommended (warning) (${AGW_SUBNET_DOC}).` },
    { id: "AGW-03", severity: "error", summary: "The App Gateway subnet is dedicated to gateways: not the node, pod or ILB subnet (its overlaps with other ranges are OVL-01/05/08's)." },
    { id: "AGW-04", severity: "error", summary: `No 0.0.0.0/0 → VirtualAppliance route on a v2 gateway subnet: with kubenet the gateway subnet needs the cluster's route table (pod routes), so kubenet cannot combine with firewall egress (${AGW_SUBNET_DOC}).` },
    { id: "AGW-05", severity: "warning", summary: "kubenet: the gateway subnet needs the cluster's route table for pod routes; aks-net associates it only with a route table it builds." },
    { id: "AGW-06", severity: "error/warning", summary: `AGIC's supported container networking is kubenet, Azure CNI and Azure CNI Overlay; with Overlay the gateway subnet is at most /24 (error on a subnet aks-net plans, which it delegates to Microsoft.Network/applicationGateways; a warning for a brought one), the gateway sits in the cluster's VNet (not a peered one) and Azure Government and Azure operated by 21Vianet are not supported; the Cilium dataplane is not on the list (warning) (${AGIC_DOC}, "Container networking and AGIC").` },
    { id: "AGW-07", severity: "error", summary: "A gateway subnet aks-net plans (--appgw-subnet-cidr) lies inside the VNet." },
    { id: "NSG-01", severity: "error", summary: "aks-net's NSG goes on a node subnet it builds: a brought subnet keeps its own NSG (checked with --live, LIVE-NSG-01)." },
    { id: "LIVE-NSG-01", severity: "error", summary: "With --live: the NSG on the node subnet lets through what AKS needs (node to node, load balancer probes, the pod CIDR with overlay/kubenet, exposed ports from the firewall, the nodes' egress to the API server or the firewall); a deny that decides one of these is named with its rule." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  return [...ilb(ctx), ...expose(ctx), ...appGateway(ctx), ...nsg(ctx), ...liveNsg(ctx)];
}

const ownsVnet = (ctx: RuleContext): boolean => ctx.spec.vnet.managed !== true && ctx.spec.vnetSubnetId === undefined;

// ---------------------------------------------------------------------------------------------------------------
// internal load balancer

function ilb(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  if (!wantsIlb(s)) return [];
  const out: Finding[] = [];
  const subnet = ilbSubnet(s);
  const ilbField = subnet.dedicated ? subnet.field : "vnet.subnetCidr";
  if (String(s.loadBalancerSku ?? "standard").toLowerCase() === "basic") {
    out.push(finding("ILB-06", "error", ["loadBalancerSku", "ingress.internalLoadBalancer"], "an internal load balancer needs loadBalancerSku standard; the Basic load balancer is retired", "drop --load-balancer-sku basic (standard is the default)"));
  }
  if (subnet.dedicated && s.ingress?.internalLoadBalancer?.subnetCidr !== undefined && !ownsVnet(ctx)) {
    out.push(finding("ILB-07", "error", ["ingress.internalLoadBalancer.subnetCidr", s.vnetSubnetId !== undefined ? "vnetSubnetId" : "vnet.managed"], `a dedicated ILB subnet ${s.ingress.internalLoadBalancer.subnetCidr} is planned in the VNet aks-net builds, but this cluster uses ${s.vnetSubnetId !== undefined ? "your subnet (--vnet-subnet-id)" : "an AKS-managed VNet"}`, "name an existing subnet of the cluster's VNet with --ilb-subnet-name (and grant the cluster identity Network Contributor on it), or let aks-net build the VNet"));
  }
  const spaces = vnetRanges(ctx).map((r) => r.cidr);
  if (subnet.dedicated && subnet.cidr && spaces.length > 0 && !spaces.some((v) => contains(v, subnet.cidr as Cidr))) {
    const free = sharedPlanner(ctx).subnet(subnet.cidr.prefix, [subnet.field]);
    out.push(finding("ILB-05", "error", [subnet.field, "vnet.addressSpaces"], `ILB subnet ${subnet.cidr.text} is not inside the cluster VNet (${spaces.map((v) => v.text).join(", ")}): the cloud provider looks the subnet up in the nodes' VNet`, free ? `use --ilb-subnet-cidr ${free.canonical} (free in the VNet)` : "choose a subnet inside the VNet's address space"));
  }
  const services = clusterRanges(ctx, "service");
  const pods = clusterRanges(ctx, "pod");
  const cap = computeCapacity(s);
  const seen = new Map<string, number>();
  ilbIps(s).forEach((text, i) => {
    const field = `ingress.internalLoadBalancer.ips[${i}]`;
    const ip = ctx.ips.get(field);
    if (!ip) return; // SYN reports it
    const prior = seen.get(ip.text);
    if (prior !== undefined) {
      out.push(finding("ILB-08", "error", [field, `ingress.internalLoadBalancer.ips[${prior}]`], `internal LB IP ${text} is listed twice`, `drop ${field}`));
      return;
    }
    seen.set(ip.text, i);
    if (ip.family !== 4) {
      out.push(finding("ILB-01", "error", field, `internal LB IP ${text} is IPv6: aks-net plans IPv4 internal frontends`, "use an IPv4 address of the ILB subnet"));
      return;
    }
    for (const r of [...services, ...pods]) {
      if (containsIp(r.cidr, ip)) out.push(finding("ILB-04", "error", [field, r.field], `internal LB IP ${text} lies in ${r.field} ${r.cidr.text}, a cluster-internal range no Azure frontend can take`, subnet.cidr ? `use a free address of the ILB subnet, e.g. ${suggestIp(subnet.cidr, cap.peakNodes + cap.surge, subnet.dedicated)}` : "use an address of the ILB subnet"));
    }
    if (!subnet.cidr) return;
    if (!containsIp(subnet.cidr, ip)) {
      out.push(finding("ILB-01", "error", [field, ilbField], `internal LB IP ${text} is outside the ILB subnet ${subnet.name} ${subnet.cidr.text}`, `use an address of ${subnet.cidr.text}, e.g. ${suggestIp(subnet.cidr, cap.peakNodes + cap.surge, subnet.dedicated)}`));
      return;
    }
    if (azureReservedAddress(subnet.cidr, ip.value)) {
      out.push(finding("ILB-02", "error", [field, ilbField], `internal LB IP ${text} is one of the 5 addresses Azure keeps in ${subnet.cidr.text} (network, .1 gateway, .2-.3 DNS, broadcast)`, `use ${suggestIp(subnet.cidr, subnet.dedicated ? 0 : cap.peakNodes + cap.surge, subnet.dedicated)}`));
      return;
    }
    if (!subnet.dedicated) out.push(...sharedSubnet(ctx, field, ip, subnet.cidr, cap.ipam === "azure-node-subnet", cap.peakNodes + cap.surge));
  });
  return out;
}

/** ILB-03 on the node subnet: Azure hands out the lowest free addresses first, to nodes (and Azure CNI node-subnet pods). */
function sharedSubnet(ctx: RuleContext, field: string, ip: ParsedIp, subnet: Cidr, podsToo: boolean, peakNodes: number): Finding[] {
  const free = sharedPlanner(ctx).subnet(28, ["ingress.internalLoadBalancer.subnetCidr"]);
  const fix = free ? `plan a dedicated subnet: --ilb-subnet-cidr ${free.canonical} with --ilb-ip ${nthAddress(free, 4)}` : "plan a dedicated ILB subnet (--ilb-subnet-cidr)";
  if (podsToo) {
    return [finding("ILB-03", "warning", [field, "vnet.subnetCidr"], `internal LB IP ${ip.text} is on the node subnet of an Azure CNI (node subnet) cluster, where every pod takes an address too: a pod can hold it when the Service is created`, fix)];
  }
  if (ip.value - subnet.start < BigInt(4 + peakNodes)) {
    return [finding("ILB-03", "warning", [field, "vnet.subnetCidr"], `internal LB IP ${ip.text} is among the first ${peakNodes} usable addresses of the node subnet, which its ${peakNodes} nodes at peak (surge included) take first`, `use an address past ${nthAddress(subnet, 4 + peakNodes)}, or ${fix.replace(/^plan/, "better, plan")}`)];
  }
  return [];
}

/** A usable address: past the reserved ones, and past the nodes' range on a shared subnet. */
function suggestIp(subnet: Cidr, skip: number, dedicated: boolean): string {
  const n = BigInt(4 + (dedicated ? 0 : skip));
  return subnet.end - subnet.start > n ? nthAddress(subnet, n) : nthAddress(subnet, 4);
}

// ---------------------------------------------------------------------------------------------------------------
// expose through the firewall

function expose(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const entries = exposeEntries(s);
  if (entries.length === 0) return [];
  const out: Finding[] = [];
  const hub = typeof s.firewall.privateIp === "string" && s.firewall.privateIp !== "" ? s.firewall.privateIp : undefined;
  if (!s.firewall.enabled && hub !== undefined) {
    // --firewall-private-ip: egress goes to a firewall aks-net neither builds nor owns, so it writes no rule into it.
    const targets = entries.map((e) => `${String(e.port)}/${exposeProtocol(e).toLowerCase()} → ${String(e.targetIp)}:${exposeTargetPort(e)}`).join(", ");
    out.push(finding("EXP-01", "error", ["ingress.expose", "firewall.privateIp"], `--expose needs a firewall aks-net owns: the firewall at ${hub} (--firewall-private-ip) is not aks-net's, so aks-net cannot add DNAT rules to it`, `drop --expose and ask that firewall's owner for DNAT rules from its public IP (${targets}); aks-net still plans the internal LB and prints the Service (aks-net manifest service)`));
  } else if (!s.firewall.enabled) {
    out.push(finding("EXP-01", "error", ["ingress.expose", "firewall.enabled"], `--expose publishes ports through the firewall aks-net builds (DNAT on its public IP), but no firewall is planned`, "add --firewall --firewall-subnet-cidr <a /26 of the VNet>; with a firewall aks-net does not own (a hub's), its owner adds the DNAT rule to your internal LB IP"));
  }
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
    const at = `ingress.expose[${i}]`;
    const bad = [e.port, exposeTargetPort(e)].find((p) => !Number.isInteger(p) || p < 1 || p > 65535);
    if (bad !== undefined || !["TCP", "UDP"].includes(String(e.protocol ?? "TCP").toUpperCase())) {
      out.push(finding("EXP-04", "error", at, `exposed port ${String(e.port)}/${String(e.protocol ?? "TCP")} → ${String(e.targetIp)}:${String(exposeTargetPort(e))}: ports are 1-65535 and the protocol TCP or UDP`, "e.g. --expose 443/tcp=10.42.6.10:443"));
      return;
    }
    const key = `${exposeProtocol(e)}/${e.port}`;
    const prior = seen.get(key);
    if (prior !== undefined) {
      out.push(finding("EXP-03", "error", [at, `ingress.expose[${prior}]`], `${key.toLowerCase()} is exposed twice on the firewall's public IP: a DNAT rule matches one destination port once`, `expose another port, e.g. --expose ${freePort(entries, e.port)}/${exposeProtocol(e).toLowerCase()}=${String(e.targetIp)}:${exposeTargetPort(e)}`));
      return;
    }
    seen.set(key, i);
    if (ctx.ips.has(`${at}.targetIp`) && targetIndex(s, e) < 0) {
      const ips = ilbIps(s);
      out.push(finding("EXP-02", "error", [`${at}.targetIp`, "ingress.internalLoadBalancer.ips"], `exposed port ${e.port} targets ${String(e.targetIp)}, which is not an internal LB IP of this spec${ips.length ? ` (${ips.join(", ")})` : ""}`, ips.length ? `target one of ${ips.join(", ")}, or add --ilb-ip ${String(e.targetIp)}` : `add --ilb-ip ${String(e.targetIp)} (and --ilb-subnet-cidr for a dedicated subnet)`));
    }
  });
  return out;
}

function freePort(entries: readonly { port: number }[], from: number): number {
  let p = from === 443 ? 8443 : from + 1;
  while (entries.some((e) => e.port === p) && p < 65535) p++;
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// App Gateway ingress add-on

function appGateway(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const agw = s.ingress?.applicationGateway;
  if (agw?.enabled !== true) return [];
  const out: Finding[] = [];
  const given = (["subnetCidr", "subnetId", "id"] as const).filter((k) => agw[k] !== undefined && agw[k] !== "");
  if (given.length === 0) {
    const free = sharedPlanner(ctx).subnet(24, ["ingress.applicationGateway.subnetCidr"]);
    out.push(finding("AGW-01", "error", "ingress.applicationGateway", "--enable-addons ingress-appgw needs a gateway: a subnet for a new one, or your own", free ? `add --appgw-subnet-cidr ${free.canonical} (free in the VNet), or --appgw-id <your Application Gateway v2>` : "add --appgw-subnet-cidr, --appgw-subnet-id or --appgw-id"));
  } else if (given.length > 1) {
    out.push(finding("AGW-01", "error", given.map((k) => `ingress.applicationGateway.${k}`), `--appgw-subnet-cidr, --appgw-subnet-id and --appgw-id exclude each other (${given.map((k) => FLAG[k]).join(", ")} given)`, `keep one of ${given.map((k) => FLAG[k]).join(", ")}`));
  }
  const field = "ingress.applicationGateway.subnetCidr";
  const c = ctx.cidrs.get(field);
  if (c && c.family === 4) {
    if (c.prefix > 26) {
      out.push(finding("AGW-02", "error", field, `gateway subnet ${c.text} is smaller than /26, the minimum for Application Gateway v2 (autoscaling up to 125 instances, each taking an address)`, `use a /24 (recommended) or at least a /26, e.g. ${sharedPlanner(ctx).subnet(24, [field])?.canonical ?? "a free /24 of the VNet"}`));
    } else if (c.prefix > 24) {
      out.push(finding("AGW-02", "warning", field, `gateway subnet ${c.text} is smaller than the recommended /24 for Application Gateway v2`, `use a /24, e.g. ${sharedPlanner(ctx).subnet(24, [field])?.canonical ?? "a free /24 of the VNet"}`));
    }
    const spaces = vnetRanges(ctx).map((r) => r.cidr);
    if (ownsVnet(ctx) && spaces.length > 0 && !spaces.some((v) => contains(v, c))) {
      out.push(finding("AGW-07", "error", [field, "vnet.addressSpaces"], `gateway subnet ${c.text} is not inside the VNet (${spaces.map((v) => v.text).join(", ")})`, `use ${sharedPlanner(ctx).subnet(24, [field])?.canonical ?? "a free /24 of the VNet"}`));
    }
    for (const [other, what] of [["vnet.subnetCidr", "node subnet"], ["vnet.podSubnetCidr", "pod subnet"], ["ingress.internalLoadBalancer.subnetCidr", "ILB subnet"]] as const) {
      const o = ctx.cidrs.get(other);
      if (o && o.canonical === c.canonical) out.push(finding("AGW-03", "error", [field, other], `gateway subnet ${c.text} is the ${what}: a gateway subnet holds gateways only`, `use a subnet of its own, e.g. ${sharedPlanner(ctx).subnet(24, [field])?.canonical ?? "a free /24 of the VNet"}`));
    }
  }
  if (agw.subnetId !== undefined && s.vnetSubnetId !== undefined && agw.subnetId.toLowerCase() === s.vnetSubnetId.toLowerCase()) {
    out.push(finding("AGW-03", "error", ["ingress.applicationGateway.subnetId", "vnetSubnetId"], "--appgw-subnet-id is the node subnet: a gateway subnet holds gateways only", "give the gateway a subnet of its own (--appgw-subnet-id of an empty subnet, or --appgw-subnet-cidr)"));
  }
  if (s.networkPlugin === "kubenet") {
    const defaultToAppliance = s.firewall.enabled || s.routes.some((r) => r?.prefix === "0.0.0.0/0" && String(r.nextHopType).toLowerCase() === "virtualappliance");
    if (defaultToAppliance) {
      out.push(finding("AGW-04", "error", ["ingress.applicationGateway", "networkPlugin", s.firewall.enabled ? "firewall.enabled" : "routes"], "kubenet needs the cluster's route table on the gateway subnet (pod routes), and that table sends 0.0.0.0/0 to a virtual appliance, which an Application Gateway v2 subnet does not support", "use Azure CNI (--network-plugin azure, node subnet or --pod-subnet-cidr) with the firewall, or drop the firewall's default route for this cluster"));
    } else if (s.routes.length === 0 || !ownsVnet(ctx)) {
      out.push(finding("AGW-05", "warning", ["ingress.applicationGateway", "networkPlugin"], "kubenet: the gateway reaches pods through the cluster's route table, which AKS creates on create and aks-net does not associate with the gateway subnet", "after create, associate the cluster's route table (in the node resource group) with the gateway subnet, or use Azure CNI"));
    }
  }
  out.push(...agicNetworking(ctx, c));
  return out;
}

/**
 * AGW-06, from the AGIC overview's "Container networking and AGIC": kubenet, CNI and CNI Overlay are supported; with
 * Overlay the gateway subnet is at most /24 and delegated to Microsoft.Network/applicationGateways, the gateway is not
 * in a peered VNet, and Azure Government / 21Vianet are out. Azure CNI powered by Cilium is not named there.
 */
function agicNetworking(ctx: RuleContext, planned: Cidr | undefined): Finding[] {
  const s = ctx.spec;
  const agw = s.ingress?.applicationGateway;
  const out: Finding[] = [];
  if (s.networkPluginMode === "overlay") {
    if (planned !== undefined && planned.family === 4 && planned.prefix < 24) {
      out.push(finding("AGW-06", "error", ["ingress.applicationGateway.subnetCidr", "networkPluginMode"], `with Azure CNI Overlay the Application Gateway subnet must be a maximum /24 prefix; ${planned.text} is larger`, `use a /24, e.g. ${sharedPlanner(ctx).subnet(24, ["ingress.applicationGateway.subnetCidr"])?.canonical ?? "a free /24 of the VNet"}`));
    }
    if (agw?.subnetId !== undefined || agw?.id !== undefined) {
      out.push(finding("AGW-06", "warning", [agw.subnetId !== undefined ? "ingress.applicationGateway.subnetId" : "ingress.applicationGateway.id", "networkPluginMode"], `AGIC with Azure CNI Overlay needs your gateway's subnet to be at most /24, delegated to Microsoft.Network/applicationGateways, in the cluster's VNet (not a peered one), and not in Azure Government or Azure operated by 21Vianet (${AGIC_DOC})`, "check the gateway subnet's size and delegation before create, or let aks-net plan it with --appgw-subnet-cidr"));
    }
  }
  if (s.networkDataplane === "cilium") {
    out.push(finding("AGW-06", "warning", ["ingress.applicationGateway", "networkDataplane"], `AGIC's supported container networking (${AGIC_DOC}) names kubenet, Azure CNI and Azure CNI Overlay, not the Cilium dataplane`, "check the current support, or use Application Gateway for Containers, or --network-dataplane azure"));
  }
  return out;
}

const FLAG = { subnetCidr: "--appgw-subnet-cidr", subnetId: "--appgw-subnet-id", id: "--appgw-id" } as const;

// ---------------------------------------------------------------------------------------------------------------
// NSG

function nsg(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  if (s.ingress?.nsg?.enabled !== true || ownsVnet(ctx)) return [];
  return [finding("NSG-01", "error", ["ingress.nsg.enabled", s.vnetSubnetId !== undefined ? "vnetSubnetId" : "vnet.managed"], "--nsg puts an NSG aks-net owns on the node subnet it builds; this cluster uses a subnet aks-net does not build", "drop --nsg (validate --live checks the NSG your subnet has: LIVE-NSG-01)")];
}

/** LIVE-NSG-01: each flow AKS needs, decided by the brought NSG's own rules and Azure's defaults, by priority. */
function liveNsg(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const rules = s.live?.nodeSubnet?.nsgRules;
  if (rules === undefined || rules.length === 0) return [];
  const pods = clusterRanges(ctx, "pod").filter((r) => r.cidr.family === 4).map((r) => r.cidr.text);
  const out: Finding[] = [];
  const nsgName = (s.live?.nodeSubnet?.networkSecurityGroupId ?? "").split("/").pop() ?? "the NSG";
  for (const flow of requiredNsgFlows(s, pods, s.networkPlugin === "kubenet")) {
    const rule = decidingRule(rules, flow);
    if (rule === undefined || rule.access.toLowerCase() !== "deny") continue;
    const src = flow.source.cidr?.text ?? flow.source.tag ?? "VirtualNetwork";
    const dst = flow.destination.cidr?.text ?? flow.destination.tag ?? "*";
    out.push(
      finding(
        "LIVE-NSG-01",
        "error",
        ["vnet.subnetCidr", "live.nodeSubnet.networkSecurityGroupId"],
        `NSG ${nsgName} on the node subnet denies ${flow.what} (${flow.direction.toLowerCase()} ${flow.protocol === "*" ? "any protocol" : flow.protocol.toUpperCase()} ${src} → ${dst}${flow.port === "*" ? "" : `:${flow.port}`}) with rule ${rule.name} (priority ${rule.priority})`,
        `add an ${flow.direction.toLowerCase()} Allow rule with a priority below ${rule.priority}: source ${src}, destination ${dst}, port ${flow.port}, protocol ${flow.protocol}`,
      ),
    );
  }
  return out;
}
