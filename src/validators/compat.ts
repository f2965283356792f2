/**
 * CMP-01 … CMP-17: which network plugin, plugin mode, dataplane, policy, OS and IP families go together
 * (the matrix of aks-network-rules.md section 9). C-05: Cilium follows AKS, not CAPZ; C-10: dual-stack needs overlay.
 */
import { canonicalCidr, cidr, contains, makeCidr } from "../core/cidr.ts";
import type { Cidr, CidrIndex } from "../core/cidr.ts";
import type { ClusterSpec, SubnetSpec } from "../core/spec.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "CMP-01", severity: "error", summary: "kubenet + networkPolicy azure is invalid (NetworkPolicyAzureNotSupportedForKubenet)." },
    { id: "CMP-02", severity: "info", summary: "kubenet + calico is valid: Calico is then CNI policy engine (Linux pools only)." },
    { id: "CMP-03", severity: "error", summary: "Cilium (policy or dataplane) needs networkPlugin azure: not kubenet, not BYO CNI." },
    { id: "CMP-04", severity: "error", summary: "networkPolicy cilium ⇔ networkDataplane cilium: no cilium policy on the azure dataplane, no azure/calico policy on cilium." },
    { id: "CMP-05", severity: "info", summary: "Cilium dataplane works with overlay, pod subnet and node subnet (node subnet: az CLI ≥ 2.69.0; C-05)." },
    { id: "CMP-06", severity: "error", summary: "The Cilium dataplane is Linux-only: no Windows node pools." },
    { id: "CMP-07", severity: "error", summary: "Windows node pools need Azure CNI: kubenet has no Windows support." },
    { id: "CMP-08", severity: "error/warning", summary: "Azure NPM: no new Windows onboarding (support ends 2026-09-30, error); Linux support ends 2028-09-30 (warning)." },
    { id: "CMP-09", severity: "error", summary: "networkMode only with Azure CNI, Calico needs transparent: informational, aks-net never sets networkMode (always transparent)." },
    { id: "CMP-10", severity: "error", summary: "A network policy needs an explicit network plugin (az CLI), and an AKS-managed one (not BYO CNI)." },
    { id: "CMP-11", severity: "error/warning", summary: "Dual-stack needs Azure CNI Overlay (C-10), no Azure NPM or Calico, no (IPv4-only) Standard NAT gateway built by AKS or aks-net (error); a brought subnet's NAT gateway may be StandardV2 (warning offline, LIVE-NAT-02 decides)." },
    { id: "CMP-12", severity: "error", summary: "ACNS security needs azure + cilium: informational, the spec has no advancedNetworking settings." },
    { id: "CMP-13", severity: "warning", summary: "kubenet is retired on 2028-03-31: new clusters should use Azure CNI Overlay." },
    { id: "CMP-14", severity: "error/warning", summary: "kubenet: one cluster per subnet (error); a bring-your-own route table needs a user-assigned identity (warning)." },
    { id: "CMP-15", severity: "error", summary: "The node subnet cannot be a delegated subnet." },
    { id: "CMP-16", severity: "error", summary: "Overlay: no DCsv2 VM sizes; subnet, VNet and VNet resource-group names at most 63 characters." },
    { id: "CMP-17", severity: "error", summary: "Overlay migration rules (update-time only, from node subnet or kubenet, no policy installed): informational, never checked at create." },
    { id: "CMP-18", severity: "error/warning", summary: "Dual-stack needs an IPv6 range on the VNet and an IPv6 /64 on the node subnet inside it: a brought IPv4-only VNet or subnet is an error (unknown offline: warning)." },
    { id: "CMP-19", severity: "error", summary: "A given Kubernetes version meets each feature's minimum: Static Block 1.28, dual-stack with Cilium 1.29." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  return [...pluginPolicy(ctx), ...windows(s), ...dualStack(s), ...dualStackRanges(ctx), ...kubenet(s), ...nodeSubnetFacts(s, ctx.existing), ...overlay(s), ...versionMinimums(s)];
}

/** Valid policies for a plugin/dataplane pair (matrix of section 9), for fixes. */
function validPolicies(s: ClusterSpec): string {
  if (s.networkPlugin === "kubenet") return "none, calico";
  if (s.networkPlugin === "none") return "none";
  return s.networkDataplane === "cilium" ? "cilium, none" : "none, azure, calico";
}

function modeName(s: ClusterSpec): string {
  if (s.networkPlugin !== "azure") return `networkPlugin ${s.networkPlugin ?? "(none)"}`;
  if (s.networkPluginMode === "overlay") return "Azure CNI Overlay";
  return s.vnet.podSubnetCidr !== undefined ? "Azure CNI with pod subnet" : "Azure CNI node subnet";
}

/** CMP-01 … CMP-05, CMP-08 (Linux), CMP-10: the plugin × mode × dataplane × policy matrix. */
function pluginPolicy(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const out: Finding[] = [];
  const policy = s.networkPolicy;
  const dataplane = s.networkDataplane;
  const given = (field: "networkPolicy" | "networkDataplane"): boolean => ctx.provenance[field] !== "default";
  const ciliumFields = [...(policy === "cilium" ? ["networkPolicy"] : []), ...(dataplane === "cilium" && given("networkDataplane") ? ["networkDataplane"] : [])];

  if (s.networkPlugin === "kubenet") {
    if (policy === "azure") {
      out.push(finding("CMP-01", "error", ["networkPolicy", "networkPlugin"], "(NetworkPolicyAzureNotSupportedForKubenet) NetworkPolicy azure is not supported for network plugin kubenet", `with kubenet use --network-policy ${validPolicies(s).replace(", ", " or ")}; or keep azure with --network-plugin azure --network-plugin-mode overlay`));
    }
    if (policy === "calico") {
      out.push(finding("CMP-02", "info", ["networkPolicy", "networkPlugin"], "kubenet with networkPolicy calico: Calico enforces policy on kubenet (Linux node pools only)", "nothing to do"));
    }
  }
  if ((s.networkPlugin === "kubenet" || s.networkPlugin === "none") && (policy === "cilium" || dataplane === "cilium")) {
    out.push(
      finding(
        "CMP-03",
        "error",
        ["networkPlugin", ...(ciliumFields.length > 0 ? ciliumFields : ["networkDataplane"])],
        `Cilium (networkPolicy ${policy}, networkDataplane ${dataplane}) needs networkPlugin azure (Azure CNI Powered by Cilium), not ${s.networkPlugin}${s.networkPlugin === "kubenet" ? "; kubenet clusters can't migrate directly to the Cilium data plane" : ""}`,
        `use --network-plugin azure --network-plugin-mode overlay --network-dataplane cilium; with ${s.networkPlugin} use --network-policy ${validPolicies(s).replace(", ", " or ")}`,
      ),
    );
  }
  if (s.networkPlugin === "azure") {
    if (policy === "cilium" && dataplane !== "cilium") {
      out.push(finding("CMP-04", "error", ["networkPolicy", "networkDataplane"], `cilium network policy can only be used with cilium network dataplane: networkDataplane is ${dataplane}`, "add --network-dataplane cilium, or with the azure dataplane use --network-policy none, azure or calico"));
    }
    if (dataplane === "cilium" && (policy === "azure" || policy === "calico")) {
      out.push(finding("CMP-04", "error", ["networkPolicy", "networkDataplane"], `networkPolicy ${policy} cannot run on the cilium dataplane: Cilium replaces ${policy === "azure" ? "Azure NPM" : "Calico"} as the policy engine`, "use --network-policy cilium (or omit it) with --network-dataplane cilium, or --network-dataplane azure to keep " + policy));
    }
    if (dataplane === "cilium" && s.networkPluginMode !== "overlay" && s.vnet.podSubnetCidr === undefined) {
      out.push(finding("CMP-05", "info", ["networkDataplane", "networkPluginMode"], "Cilium dataplane on Azure CNI node subnet: supported by AKS (C-05), the equivalent az aks create needs az CLI 2.69.0 or newer", "nothing to do; Azure CNI Overlay with Cilium saves node-subnet addresses"));
    }
  }
  // NPM on the cilium dataplane is already CMP-04's error; Windows pools make it CMP-08's error below.
  if (policy === "azure" && s.networkPlugin === "azure" && dataplane !== "cilium" && !s.nodePools.some((p) => p.osType === "Windows")) {
    out.push(finding("CMP-08", "warning", "networkPolicy", `Azure Network Policy Manager (networkPolicy azure) on Linux reaches end of support on 2028-09-30 (${modeName(s)})`, "use --network-dataplane cilium --network-policy cilium, or --network-policy calico"));
  }
  // CMP-10: az aks create refuses a policy without an explicit plugin; BYO CNI has no AKS-managed dataplane to enforce one.
  if (policy !== undefined && given("networkPolicy") && ctx.provenance["networkPlugin"] === "default") {
    out.push(finding("CMP-10", "error", ["networkPolicy", "networkPlugin"], `networkPolicy ${policy} was given without networkPlugin: "Please explicitly specify the network plugin type"`, "add --network-plugin azure --network-plugin-mode overlay (AKS's default), or --network-plugin kubenet"));
  } else if (s.networkPlugin === "none" && (policy === "azure" || policy === "calico")) {
    out.push(finding("CMP-10", "error", ["networkPolicy", "networkPlugin"], `networkPolicy ${policy} needs an AKS-managed network plugin; networkPlugin none (bring your own CNI) installs none`, "use --network-policy none and enforce policy with your own CNI, or --network-plugin azure --network-plugin-mode overlay"));
  }
  return out;
}

/** CMP-06, CMP-07, CMP-08 (Windows): per Windows pool. */
function windows(s: ClusterSpec): Finding[] {
  const out: Finding[] = [];
  s.nodePools.forEach((p, i) => {
    if (p.osType !== "Windows") return;
    const field = `nodePools[${i}].osType`;
    if (s.networkDataplane === "cilium" && s.networkPlugin === "azure") {
      out.push(finding("CMP-06", "error", ["networkDataplane", field], `Windows pool '${p.name}' cannot join a cluster on the cilium dataplane: Azure CNI Powered by Cilium is Linux-only`, "use --network-dataplane azure for a cluster with Windows pools, or make the pool Linux"));
    }
    if (s.networkPlugin === "kubenet") {
      out.push(finding("CMP-07", "error", ["networkPlugin", field], `Windows pool '${p.name}' needs Azure CNI: kubenet has no Windows support ("To use Windows Server node pools, you must use Azure CNI.")`, "use --network-plugin azure --network-plugin-mode overlay"));
    }
    if (s.networkPolicy === "azure" && s.networkPlugin === "azure") {
      out.push(finding("CMP-08", "error", ["networkPolicy", field], `Azure Network Policy Manager on Windows pool '${p.name}': no new onboarding (end of support 2026-09-30)`, "use --network-policy calico for clusters with Windows pools, or none"));
    }
  });
  return out;
}

/** CMP-11: dual-stack limits (C-10: kubenet dual-stack is an error for new clusters, as the current docs say). */
function dualStack(s: ClusterSpec): Finding[] {
  if (!Array.isArray(s.ipFamilies) || !s.ipFamilies.includes("IPv6")) return [];
  const out: Finding[] = [];
  if (s.networkPlugin !== "azure" || s.networkPluginMode !== "overlay") {
    out.push(finding("CMP-11", "error", ["ipFamilies", "networkPlugin", "networkPluginMode"], `dual-stack (ipFamilies ${s.ipFamilies.join(", ")}) requires Azure CNI Overlay, got ${modeName(s)} (older kubenet dual-stack examples are disputed, C-10)`, "use --network-plugin azure --network-plugin-mode overlay"));
  }
  if (s.networkPolicy === "azure" || s.networkPolicy === "calico") {
    out.push(finding("CMP-11", "error", ["ipFamilies", "networkPolicy"], `Network policy ${s.networkPolicy} is not supported for azure cni dualstack`, "use --network-dataplane cilium --network-policy cilium, or --network-policy none"));
  }
  const v2Managed = s.outboundType === "managedNATGateway" && String(s.natGatewayProfile?.sku ?? "").toLowerCase() === "standardv2";
  const broughtNat = s.vnet.natGatewayId !== undefined ? s.live?.brought?.find((b) => b.field === "vnet.natGatewayId") : undefined;
  const v2Built = s.outboundType === "userAssignedNATGateway" && s.vnetSubnetId === undefined && s.vnet.natGatewayId === undefined && (s.vnet.natGatewaySku ?? "").toLowerCase() === "standardv2";
  if (v2Managed || v2Built || (broughtNat?.sku ?? "").toLowerCase() === "standardv2") {
    // StandardV2 serves IPv4 and IPv6 (configure-dual-stack.md): nothing to report.
  } else if (s.outboundType === "managedNATGateway" || (s.outboundType === "userAssignedNATGateway" && s.vnetSubnetId === undefined && s.vnet.natGatewayId === undefined)) {
    // AKS (managedNATGateway) and aks-net (its own VNet) both build a Standard NAT gateway.
    const who = s.outboundType === "managedNATGateway" ? "AKS builds a Standard NAT gateway, which is IPv4-only" : "aks-net builds a Standard NAT gateway, which is IPv4-only";
    out.push(finding("CMP-11", "error", ["ipFamilies", "outboundType"], `outboundType ${s.outboundType}: ${who} and cannot serve a dual-stack cluster`, s.outboundType === "managedNATGateway" ? "add --nat-gateway-sku StandardV2 (with --nat-gateway-managed-outbound-ipv6-count), or use --outbound-type loadBalancer" : "add --vnet-nat-gateway-sku StandardV2 (aks-net then gives it an IPv6 outbound IP too), use --outbound-type loadBalancer, or bring a StandardV2 NAT gateway (--nat-gateway-id)"));
  } else if (s.outboundType === "userAssignedNATGateway" && s.live?.nodeSubnet?.natGatewaySku === undefined && broughtNat?.sku === undefined) {
    // A brought subnet's gateway may be StandardV2, which serves IPv4 and IPv6: only --live can tell (LIVE-NAT-02).
    out.push(finding("CMP-11", "warning", ["ipFamilies", "outboundType", "vnetSubnetId"], "dual-stack with userAssignedNATGateway on a brought subnet: a Standard NAT gateway is IPv4-only, a StandardV2 one serves both families; its SKU is not known offline", "run validate --live (it reads the NAT gateway's SKU), and use a StandardV2 NAT gateway for dual-stack"));
  }
  return out;
}

/**
 * CMP-18: "nodes receive both an IPv4 and IPv6 address from the Azure virtual network subnet" (configure-dual-stack.md),
 * so the VNet needs an IPv6 range and the node subnet a /64 of it. aks-net gives a VNet it builds both (resolve.ts).
 */
function dualStackRanges(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  if (!Array.isArray(s.ipFamilies) || !s.ipFamilies.includes("IPv6") || s.vnet.managed === true) return [];
  const spaces = [...ctx.cidrs].filter(([f]) => f.startsWith("vnet.addressSpaces["));
  const v6Spaces = spaces.filter(([, c]) => c.family === 6).map(([, c]) => c);
  const liveVnet = s.live?.vnet?.exists === true;
  if (v6Spaces.length === 0) {
    if (spaces.length === 0 && s.vnetSubnetId !== undefined) {
      return [finding("CMP-18", "warning", ["ipFamilies", "vnetSubnetId"], "dual-stack on a brought subnet: its VNet's address spaces are not known offline, and dual-stack nodes need an IPv6 range on the VNet and the subnet", "run validate --live, or give the VNet's ranges with --vnet-cidr (both families)")];
    }
    const whose = liveVnet ? `VNet '${s.live?.vnet?.name ?? s.vnet.name ?? "?"}' (as Azure has it)` : "the VNet";
    return [
      finding(
        "CMP-18",
        "error",
        ["ipFamilies", "vnet.addressSpaces"],
        `dual-stack, but ${whose} is IPv4-only (${spaces.map(([, c]) => c.text).join(", ") || "no ranges"}): nodes receive both an IPv4 and an IPv6 address from the VNet's subnet`,
        "add an IPv6 range to the VNet (e.g. a unique local /48, az network vnet update --address-prefixes) and a /64 of it to the node subnet, or use --ip-families IPv4",
      ),
    ];
  }
  const field = "vnet.subnetIPv6Cidr";
  const c = ctx.cidrs.get(field);
  if (!c) {
    if (ctx.invalid.has(field)) return [];
    // A subnet aks-net builds gets a default /64; a brought one read live has none.
    const brought = s.vnetSubnetId !== undefined || s.live?.nodeSubnet !== undefined;
    if (!brought || (s.vnetSubnetId !== undefined && s.live?.nodeSubnet === undefined)) return [];
    return [finding("CMP-18", "error", ["ipFamilies", field], `dual-stack, but node subnet '${s.live?.nodeSubnet?.name ?? "?"}' has no IPv6 prefix: dual-stack nodes need an IPv6 address from their subnet`, `add a /64 of ${v6Spaces[0]?.text ?? "the VNet's IPv6 range"} to the subnet's address prefixes`)];
  }
  if (c.family !== 6) return [finding("CMP-18", "error", field, `vnet.subnetIPv6Cidr ${c.text} is not an IPv6 prefix`, `use a /64 of ${v6Spaces[0]?.text ?? "the VNet's IPv6 range"}`)];
  const inside = v6Spaces.find((v) => contains(v, c));
  const first64 = (v: Cidr): string => makeCidr(v.start, 64, 6).canonical;
  if (c.prefix !== 64) return [finding("CMP-18", "error", field, `node subnet IPv6 prefix ${c.text} is a /${c.prefix}; Azure IPv6 subnets are exactly /64`, `use a /64, e.g. ${first64(inside ?? c)}`)];
  if (!inside) return [finding("CMP-18", "error", [field, "vnet.addressSpaces"], `node subnet IPv6 prefix ${c.text} is not inside the VNet's IPv6 range(s) ${v6Spaces.map((v) => v.text).join(", ")}`, `use a /64 of ${v6Spaces[0]?.text ?? ""}, e.g. ${v6Spaces[0] ? first64(v6Spaces[0]) : ""}`)];
  return [];
}

/** `1.28` from "1.28", "1.28.3" or "v1.28.3"; undefined for anything else (the version-format rule reports those). */
function minorOf(version: unknown): [number, number] | undefined {
  const m = typeof version === "string" ? /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** CMP-19: features with a Kubernetes minimum, checked when the spec names a version. */
function versionMinimums(s: ClusterSpec): Finding[] {
  const v = minorOf(s.kubernetesVersion);
  if (!v) return [];
  const below = (major: number, minor: number): boolean => v[0] < major || (v[0] === major && v[1] < minor);
  const out: Finding[] = [];
  const pools = Array.isArray(s.nodePools) ? s.nodePools : [];
  const staticAt = pools.findIndex((p) => p?.podIPAllocationMode === "StaticBlock");
  if (staticAt >= 0 && below(1, 28)) {
    out.push(finding("CMP-19", "error", ["kubernetesVersion", `nodePools[${staticAt}].podIPAllocationMode`], `Kubernetes ${String(s.kubernetesVersion)} with Static Block pod IP allocation: "Minimum Kubernetes Version required is 1.28"`, "use --kubernetes-version 1.28 or newer (a version the region supports), or DynamicIndividual allocation"));
  }
  const dual = Array.isArray(s.ipFamilies) && s.ipFamilies.includes("IPv6");
  if (dual && s.networkDataplane === "cilium" && below(1, 29)) {
    out.push(finding("CMP-19", "error", ["kubernetesVersion", "ipFamilies", "networkDataplane"], `Kubernetes ${String(s.kubernetesVersion)} with dual-stack on Azure CNI Powered by Cilium: "You must have Kubernetes version 1.29 or greater"`, "use --kubernetes-version 1.29 or newer (a version the region supports), or the azure dataplane for dual-stack"));
  }
  return out;
}

/** CMP-13 (retirement) and CMP-14 (bring-your-own route table identity). */
function kubenet(s: ClusterSpec): Finding[] {
  if (s.networkPlugin !== "kubenet") return [];
  const out = [finding("CMP-13", "warning", "networkPlugin", "kubenet is retired on 2028-03-31; new clusters should not start on it", "use --network-plugin azure --network-plugin-mode overlay (same pod CIDR model, no route table limits)")];
  const byoRouteTable = (s.outboundType === "userDefinedRouting" && !s.firewall.enabled) || (Array.isArray(s.routes) && s.routes.length > 0);
  if (byoRouteTable) {
    out.push(finding("CMP-14", "warning", ["networkPlugin", "routes"], "kubenet with a bring-your-own route table: AKS writes its pod routes into it (create gives the cluster's user-assigned identity Network Contributor on it), so another cluster or subnet using that table gets them too", "use this route table for this cluster only"));
  }
  return out;
}

/**
 * The existing-subnet entry that is the node subnet (same name, or same prefix), with its index. `existing`: the
 * context's index of the existing prefixes (RuleContext.existing), which answers the prefix question without a scan.
 */
export function nodeSubnetEntry(s: ClusterSpec, existing?: CidrIndex<number>): { entry: SubnetSpec; index: number } | undefined {
  return subnetEntry(s, s.vnet.subnetName, s.vnet.subnetCidr, existing);
}

/** The existing-subnet entry that is the pod subnet (same name, or same prefix), with its index. */
export function podSubnetEntry(s: ClusterSpec, existing?: CidrIndex<number>): { entry: SubnetSpec; index: number } | undefined {
  return subnetEntry(s, s.vnet.podSubnetName, s.vnet.podSubnetCidr, existing);
}

/** An existing subnet with this name, or else with the same prefix (compared canonically: 10.1.0.0/22 = 10.1.0.0/22). */
function subnetEntry(s: ClusterSpec, name: string | undefined, prefix: string | undefined, existing?: CidrIndex<number>): { entry: SubnetSpec; index: number } | undefined {
  // Several rules ask per validation, and the existing subnets may number 10^5: answer each question once per spec.
  const asked = ENTRIES.get(s) ?? new Map<string, { entry: SubnetSpec; index: number } | undefined>();
  ENTRIES.set(s, asked);
  const key = `${name ?? ""}\0${prefix ?? ""}`;
  if (!asked.has(key)) asked.set(key, findSubnetEntry(s, name, prefix, existing));
  return asked.get(key);
}
const ENTRIES = new WeakMap<ClusterSpec, Map<string, { entry: SubnetSpec; index: number } | undefined>>();

function findSubnetEntry(s: ClusterSpec, name: string | undefined, prefix: string | undefined, existing?: CidrIndex<number>): { entry: SubnetSpec; index: number } | undefined {
  const subnets = Array.isArray(s.vnet.existingSubnets) ? s.vnet.existingSubnets : [];
  const canonical = (text: unknown): string | undefined => (typeof text === "string" ? canonicalCidr(text) : undefined);
  const want = canonical(prefix);
  let index = name === undefined ? -1 : subnets.findIndex((e) => e?.name === name);
  if (index < 0 && want !== undefined && existing) {
    // The same canonical text is the same family, start and length: the first such entry among the index's hits.
    const c = cidr(want);
    const same = existing.overlapping(c).filter((e) => e.cidr.family === c.family && e.cidr.start === c.start && e.cidr.prefix === c.prefix);
    index = same.reduce((first, e) => (first < 0 || e.tag < first ? e.tag : first), -1);
  } else if (index < 0 && want !== undefined) {
    // The same text is the same prefix: parse only the others.
    index = subnets.findIndex((e) => e?.cidr === prefix || (e?.cidr !== undefined && canonical(e.cidr) === want));
  }
  const entry = subnets[index];
  return entry ? { entry, index } : undefined;
}

/** CMP-14 (kubenet subnet already used) and CMP-15 (delegated) from the node subnet's recorded facts. */
function nodeSubnetFacts(s: ClusterSpec, existing: CidrIndex<number>): Finding[] {
  const node = nodeSubnetEntry(s, existing);
  if (!node) return [];
  const out: Finding[] = [];
  const field = `vnet.existingSubnets[${node.index}]`;
  const delegations = node.entry.delegations ?? [];
  if (delegations.length > 0) {
    out.push(finding("CMP-15", "error", ["vnet.subnetCidr", `${field}.delegations`], `node subnet '${node.entry.name}' is delegated to ${delegations.join(", ")}; AKS nodes cannot use a delegated subnet`, "use a subnet without delegations for the nodes, or remove the delegation"));
  }
  const users = node.entry.usedBy ?? [];
  if (s.networkPlugin === "kubenet" && users.length > 0) {
    out.push(finding("CMP-14", "error", ["vnet.subnetCidr", `${field}.usedBy`], `node subnet '${node.entry.name}' is already used by ${users.join(", ")}; "Don't create more than one AKS cluster in the same subnet." (kubenet)`, "give this kubenet cluster its own subnet and its own route table"));
  }
  return out;
}

/** DCsv2 sizes, which overlay does not support (CMP-16). */
const DCSV2 = /^standard_dc\d+s_v2$/i;

/** CMP-16: overlay limitations that the spec can show. */
function overlay(s: ClusterSpec): Finding[] {
  if (s.networkPlugin !== "azure" || s.networkPluginMode !== "overlay") return [];
  const out: Finding[] = [];
  // Subnet, VNet and VNet resource-group names become node labels: 63 characters at most.
  const fromId = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)/i.exec(s.vnetSubnetId ?? "");
  const names: [string, string | undefined][] = fromId
    ? [["vnetSubnetId", fromId[1]], ["vnetSubnetId", fromId[2]], ["vnetSubnetId", fromId[3]]]
    : [["vnet.resourceGroup", s.vnet.resourceGroup], ["vnet.name", s.vnet.name], ["vnet.subnetName", s.vnet.subnetName]];
  for (const [field, name] of names) {
    if (name !== undefined && name.length > 63) {
      out.push(finding("CMP-16", "error", field, `'${name}' is ${name.length} characters; with Azure CNI Overlay the subnet, VNet and VNet resource-group names must be at most 63 (they become node labels)`, "use a name of at most 63 characters"));
    }
  }
  s.nodePools.forEach((p, i) => {
    if (typeof p.vmSize === "string" && DCSV2.test(p.vmSize)) {
      out.push(finding("CMP-16", "error", `nodePools[${i}].vmSize`, `pool '${p.name}' uses ${p.vmSize}: DCsv2 VMs are not supported with Azure CNI Overlay`, "use a DCasv5/DCesv5 or other size, or Azure CNI with a pod subnet"));
    }
  });
  return out;
}
