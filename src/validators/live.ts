/**
 * LIVE-* rules: what only a read of the real environment can tell (delegations, subnets in use, permissions, quota,
 * free addresses). They read `spec.live`, which `validate --live` fills; offline they find nothing.
 * Ranges read live (address spaces, node subnet, peered ranges, routes) go into the ordinary spec fields instead,
 * so the offline rules (OVL-*, OUT-*, CAP-*) check them: no rule here repeats one of those.
 */
import { overlaps, parseCidr } from "../core/cidr.ts";
import { computeCapacity, poolSurge } from "../core/capacity.ts";
import { NAMES } from "../core/names.ts";
import type { ClusterSpec, LiveFacts, LivePermission, LiveScopePermissions, LiveSubnet } from "../core/spec.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "LIVE-VNET-01", severity: "info", summary: "The resource group or VNet does not exist yet (create will make it), or none was named." },
    { id: "LIVE-VNET-02", severity: "warning", summary: "The VNet's address spaces in Azure differ from the spec's." },
    { id: "LIVE-VNET-03", severity: "error", summary: "The subnet of --vnet-subnet-id does not exist." },
    { id: "LIVE-VNET-04", severity: "info", summary: "The node subnet (by name, default aks-nodes) does not exist yet: create will add it." },
    { id: "LIVE-SUBNET-01", severity: "error", summary: "The node subnet is delegated to a service (cf. CMP-15)." },
    { id: "LIVE-SUBNET-02", severity: "error/warning", summary: "The node subnet is already used by another AKS cluster (kubenet: error, cf. CMP-14)." },
    { id: "LIVE-SUBNET-03", severity: "warning", summary: "The node subnet exists with a different prefix than the spec's." },
    { id: "LIVE-RT-01", severity: "error/warning", summary: "Route table: UDR without a route table on the node subnet, or one shared with another cluster." },
    { id: "LIVE-NAT-01", severity: "error", summary: "userAssignedNATGateway but the node subnet has no NAT gateway (OUT-07 on live data)." },
    { id: "LIVE-NAT-02", severity: "error", summary: "Dual-stack with userAssignedNATGateway: the node subnet's NAT gateway is Standard (IPv4 only); dual-stack needs StandardV2." },
    { id: "LIVE-PEER-01", severity: "warning", summary: "A peering of the VNet is not Connected." },
    { id: "LIVE-PEER-02", severity: "info", summary: "On-premises ranges behind a VPN/ExpressRoute gateway are not read: add them with --connected-cidr." },
    { id: "LIVE-CLUSTER-01", severity: "warning", summary: "A kubenet cluster in the same VNet routes a pod CIDR that overlaps this cluster's." },
    { id: "LIVE-PERM-01", severity: "error", summary: "The signed-in principal lacks actions create needs (named per scope)." },
    { id: "LIVE-PERM-02", severity: "warning", summary: "Azure refused a read (permissions, clusters, quota): those checks were skipped." },
    { id: "LIVE-QUOTA-01", severity: "error", summary: "Regional vCPU quota does not fit the node pools at their peak (max count + surge)." },
    { id: "LIVE-QUOTA-02", severity: "error", summary: "A pool's VM size is not offered in the region for this subscription." },
    { id: "LIVE-QUOTA-03", severity: "info", summary: "Quota not checked (no region known)." },
    { id: "LIVE-VER-01", severity: "error", summary: "The Kubernetes version given is not one AKS offers in the region (its minor, or its exact patch)." },
    { id: "LIVE-USAGE-01", severity: "error", summary: "The node (or pod) subnet has fewer free addresses than the cluster needs." },
  ];
}

/** LIVE-VER-01: "1.32" must be an offered minor, "1.32.5" an offered patch (AKS refuses others at create). */
function versionRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  const offered = live.kubernetesVersions;
  const v = typeof spec.kubernetesVersion === "string" ? spec.kubernetesVersion.trim().replace(/^v/, "") : undefined;
  if (!offered || v === undefined || v === "") return [];
  const patch = /^\d+\.\d+\.\d+$/.test(v);
  if (patch ? offered.patches.includes(v) : offered.minors.includes(v)) return [];
  const minors = [...offered.minors].sort(byVersion);
  const same = offered.patches.filter((p) => p.startsWith(`${v.split(".").slice(0, 2).join(".")}.`));
  const fix = same.length > 0 ? `use one of its patches: ${same.join(", ")}` : `use a version AKS offers in ${offered.location}: ${minors.join(", ")}`;
  return [finding("LIVE-VER-01", "error", "kubernetesVersion", `Kubernetes ${spec.kubernetesVersion} is not offered in ${offered.location} (AKS offers ${minors.join(", ")})`, fix)];
}

/** "1.9" before "1.10": dotted numbers part by part (localeCompare's numeric collation built an ICU collator: ~15 ms). */
function byVersion(a: string, b: string): number {
  const [x, y] = [a.split(".").map(Number), b.split(".").map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

export function check(ctx: RuleContext): Finding[] {
  const live = ctx.spec.live;
  if (!live) return [];
  return [
    ...vnetRules(ctx.spec, live),
    ...subnetRules(ctx.spec, live),
    ...routeRules(ctx.spec, live),
    ...peerRules(ctx.spec, live),
    ...clusterRules(ctx.spec, live),
    ...permissionRules(ctx.spec, live),
    ...quotaRules(ctx.spec, live),
    ...usageRules(ctx.spec, live),
    ...versionRules(ctx.spec, live),
  ];
}

function vnetRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  const out: Finding[] = [];
  if (live.resourceGroup && !live.resourceGroup.exists) {
    out.push(finding("LIVE-VNET-01", "info", "resourceGroup", `resource group '${live.resourceGroup.name}' does not exist yet`, "nothing to do: `aks-net create` creates it"));
  }
  if (live.vnet && !live.vnet.exists) {
    out.push(finding("LIVE-VNET-01", "info", "vnet.name", `VNet '${live.vnet.name}' does not exist yet; nothing in Azure to check it against`, "nothing to do: `aks-net create` creates it"));
  }
  if (live.vnet?.exists && live.vnet.addressSpaces.length > 0 && !sameSet(live.vnet.addressSpaces, spec.vnet.addressSpaces)) {
    out.push(
      finding(
        "LIVE-VNET-02",
        "warning",
        "vnet.addressSpaces",
        `VNet '${live.vnet.name}' has address spaces ${live.vnet.addressSpaces.join(", ")} in Azure, the spec says ${spec.vnet.addressSpaces.join(", ") || "none"}; the rules checked the spec's`,
        `drop --vnet-cidr to check against Azure's (${live.vnet.addressSpaces.join(",")}), or change the VNet first`,
      ),
    );
  }
  if (!live.vnet && spec.vnet.managed !== true) {
    out.push(finding("LIVE-VNET-01", "info", "vnet.name", "no VNet named, so no VNet, subnet, peering or route table was read", "pass --vnet-subnet-id, or -g and --vnet-name"));
  }
  const missing = live.nodeSubnetMissing;
  if (missing && live.vnet?.exists !== false) {
    if (missing.byId) {
      out.push(finding("LIVE-VNET-03", "error", "vnetSubnetId", `subnet '${missing.name}' of --vnet-subnet-id does not exist in VNet '${live.vnet?.name ?? "?"}'`, "create the subnet first, or pass the id of an existing subnet"));
    } else {
      out.push(finding("LIVE-VNET-04", "info", "vnet.subnetName", `subnet '${missing.name}' does not exist yet in VNet '${live.vnet?.name ?? "?"}'`, "nothing to do: `aks-net create` creates it"));
    }
  }
  return out;
}

function subnetRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  const s = live.nodeSubnet;
  if (!s) return [];
  const out: Finding[] = [];
  if (s.delegations && s.delegations.length > 0) {
    out.push(
      finding("LIVE-SUBNET-01", "error", "vnet.subnetCidr", `node subnet '${s.name}' is delegated to ${s.delegations.join(", ")}; AKS nodes cannot use a delegated subnet`, "use another subnet, or remove the delegation (az network vnet subnet update --remove delegations)"),
    );
  }
  const others = (s.usedBy ?? []).filter((id) => id !== live.existingCluster);
  if (others.length > 0) {
    const kubenet = spec.networkPlugin === "kubenet" || (live.clusters ?? []).some((c) => others.includes(c.id) && c.networkPlugin === "kubenet");
    out.push(
      finding(
        "LIVE-SUBNET-02",
        kubenet ? "error" : "warning",
        "vnet.subnetCidr",
        `node subnet '${s.name}' is already used by ${others.map(lastSegment).join(", ")}${kubenet ? "; kubenet allows one cluster per subnet" : ""}`,
        "give this cluster its own subnet (--subnet-cidr in a free range, or another --vnet-subnet-id)",
      ),
    );
  }
  if (spec.vnet.subnetCidr !== undefined && s.cidr !== "" && !sameCidr(s.cidr, spec.vnet.subnetCidr)) {
    out.push(finding("LIVE-SUBNET-03", "warning", "vnet.subnetCidr", `node subnet '${s.name}' is ${s.cidr} in Azure, the spec says ${spec.vnet.subnetCidr}; the rules checked the spec's`, `use --subnet-cidr ${s.cidr}, or drop it`));
  }
  if (spec.outboundType === "userAssignedNATGateway" && !s.natGatewayId) {
    out.push(finding("LIVE-NAT-01", "error", ["outboundType", "vnetSubnetId"], `outboundType userAssignedNATGateway, but node subnet '${s.name}' has no NAT gateway`, "associate a NAT gateway with the subnet first (az network vnet subnet update --nat-gateway)"));
  }
  const dualStack = Array.isArray(spec.ipFamilies) && spec.ipFamilies.includes("IPv6");
  if (spec.outboundType === "userAssignedNATGateway" && dualStack && s.natGatewaySku !== undefined && s.natGatewaySku.toLowerCase() !== "standardv2") {
    out.push(finding("LIVE-NAT-02", "error", ["ipFamilies", "outboundType", "vnetSubnetId"], `dual-stack with userAssignedNATGateway, but node subnet '${s.name}' has a ${s.natGatewaySku} NAT gateway (${s.natGatewayId ?? "?"}), which is IPv4-only`, "associate a StandardV2 NAT gateway with the subnet, or use --outbound-type loadBalancer for dual-stack"));
  }
  return out;
}

function routeRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  const s = live.nodeSubnet;
  if (!s) return [];
  const out: Finding[] = [];
  // A firewall built by aks-net brings its own route table; otherwise UDR needs one already on the subnet (OUT-02).
  if (spec.outboundType === "userDefinedRouting" && !spec.firewall.enabled && !s.routeTableId) {
    out.push(finding("LIVE-RT-01", "error", ["outboundType", "vnetSubnetId"], `outboundType userDefinedRouting, but node subnet '${s.name}' has no route table in Azure`, "associate a route table with 0.0.0.0/0 → VirtualAppliance (firewall private IP) before create"));
  }
  const rt = live.routeTable;
  if (rt) {
    const clusterSubnets = new Map<string, string>();
    for (const c of live.clusters ?? []) for (const id of c.subnetIds) clusterSubnets.set(id.toLowerCase(), c.id);
    const sharedWith = [
      ...new Set(rt.subnetIds.filter((id) => id.toLowerCase() !== s.id.toLowerCase()).map((id) => clusterSubnets.get(id.toLowerCase())).filter((c): c is string => c !== undefined && c !== live.existingCluster)),
    ];
    if (sharedWith.length > 0) {
      const kubenet = spec.networkPlugin === "kubenet";
      out.push(
        finding(
          "LIVE-RT-01",
          kubenet ? "error" : "warning",
          "routes",
          `route table '${lastSegment(rt.id)}' of node subnet '${s.name}' is shared with ${sharedWith.map(lastSegment).join(", ")}${kubenet ? "; one route table per kubenet cluster" : ""}`,
          "give this cluster's subnet its own route table",
        ),
      );
    }
  }
  return out;
}

function peerRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  const peerings = live.peerings ?? [];
  const out = peerings
    .filter((p) => p.state !== undefined && p.state.toLowerCase() !== "connected")
    .map((p) =>
      finding("LIVE-PEER-01", "warning", "connectedCidrs", `peering '${p.name}' to ${lastSegment(p.remoteVnetId ?? "?")} is ${p.state} (not Connected); its ranges ${p.addressSpaces.join(", ") || "(none)"} were still checked`, "finish the peering on the remote side, or delete it"),
    );
  // On-premises prefixes live behind a gateway (BGP, local network gateways), which these reads do not see.
  const peered = new Set(peerings.flatMap((p) => p.addressSpaces));
  const userRanges = spec.connectedCidrs.filter((c) => !peered.has(c));
  const via = live.vnet?.gatewaySubnet ? `VNet '${live.vnet.name}' has a GatewaySubnet` : peerings.find((p) => p.useRemoteGateways) ? `peering '${peerings.find((p) => p.useRemoteGateways)?.name}' uses the remote VNet's gateway` : undefined;
  if (via && userRanges.length === 0) {
    out.push(finding("LIVE-PEER-02", "info", "connectedCidrs", `${via}: on-premises ranges (VPN/ExpressRoute) are not read, so none were checked`, "add them with --connected-cidr (repeatable, or @FILE)"));
  }
  return out;
}

function clusterRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  const mine = spec.podCidr !== undefined ? parseCidr(spec.podCidr) : undefined;
  if (!mine?.ok) return [];
  const out: Finding[] = [];
  for (const c of live.clusters ?? []) {
    if (c.id === live.existingCluster || c.networkPlugin !== "kubenet" || c.podCidr === undefined) continue;
    const theirs = parseCidr(c.podCidr);
    if (theirs.ok && overlaps(mine.value, theirs.value)) {
      out.push(finding("LIVE-CLUSTER-01", "warning", "podCidr", `kubenet cluster ${c.name} in this VNet routes pod CIDR ${c.podCidr}, which overlaps ${spec.podCidr}`, "pick a pod CIDR that no cluster in this VNet routes"));
    }
  }
  return out;
}

/** Whether `action` is granted: some entry allows it and that same entry does not exclude it (Azure RBAC semantics). */
export function isAllowed(action: string, permissions: readonly LivePermission[]): boolean {
  return permissions.some((p) => p.actions.some((a) => wildcard(a, action)) && !p.notActions.some((n) => wildcard(n, action)));
}

/** Azure action patterns: `*` matches any run of characters, case-insensitive. */
function wildcard(pattern: string, action: string): boolean {
  const re = new RegExp(`^${pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, "\\$&")).join(".*")}$`, "i");
  return re.test(action);
}

/** The actions `aks-net create` performs for this spec, by the scope they act on. */
export function requiredActions(spec: ClusterSpec, live: LiveFacts): { kind: LiveScopePermissions["kind"]; actions: string[] }[] {
  const rg = ["Microsoft.ContainerService/managedClusters/write", "Microsoft.ManagedIdentity/userAssignedIdentities/write", "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action"];
  const byo = spec.vnet.managed !== true;
  if (byo && live.vnet && !live.vnet.exists) rg.push("Microsoft.Network/virtualNetworks/write");
  if (byo && !live.nodeSubnet) rg.push("Microsoft.Network/virtualNetworks/subnets/write", "Microsoft.Authorization/roleAssignments/write");
  if (spec.firewall.enabled) rg.push("Microsoft.Network/azureFirewalls/write", "Microsoft.Network/publicIPAddresses/write", "Microsoft.Network/routeTables/write");
  const out: { kind: LiveScopePermissions["kind"]; actions: string[] }[] = [{ kind: "resourceGroup", actions: rg }];
  if (live.nodeSubnet) {
    // The cluster identity gets Network Contributor on the subnet, and the nodes join it.
    const subnet = ["Microsoft.Network/virtualNetworks/subnets/join/action", "Microsoft.Authorization/roleAssignments/write"];
    if (spec.firewall.enabled) subnet.push("Microsoft.Network/virtualNetworks/subnets/write");
    out.push({ kind: "subnet", actions: subnet });
  }
  if (live.routeTable && (spec.networkPlugin === "kubenet" || spec.firewall.enabled)) {
    // kubenet's cloud provider writes pod routes into this table with the cluster identity's role.
    out.push({ kind: "routeTable", actions: ["Microsoft.Network/routeTables/write", "Microsoft.Authorization/roleAssignments/write"] });
  }
  return out;
}

function permissionRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  const perms = live.permissions ?? [];
  const out: Finding[] = [];
  const rgPerms = perms.find((p) => p.kind === "resourceGroup");
  for (const need of requiredActions(spec, live)) {
    // A scope not read (or unreadable) inherits from the resource group: what the group grants, its children grant too.
    const own = perms.find((p) => p.kind === need.kind && p.unreadable === undefined);
    const at = own ?? rgPerms;
    if (!at || at.unreadable !== undefined) continue;
    const missing = need.actions.filter((a) => !isAllowed(a, at.permissions));
    if (missing.length > 0) {
      out.push(
        finding(
          "LIVE-PERM-01",
          "error",
          need.kind === "resourceGroup" ? "resourceGroup" : need.kind === "subnet" ? "vnetSubnetId" : "routes",
          `the signed-in principal may not ${missing.join(", ")} on ${need.kind === "resourceGroup" ? "resource group" : need.kind === "subnet" ? "subnet" : "route table"} '${lastSegment(at.scope)}'`,
          `${rolesFor(missing).map((role) => `az role assignment create --assignee <you> --role "${role}" --scope ${at.scope}`).join("; ")} (or sign in as a principal that has them)`,
        ),
      );
    }
  }
  for (const what of live.unreadable ?? []) {
    out.push(finding("LIVE-PERM-02", "warning", "resourceGroup", `Azure refused to let the signed-in principal read ${what}; those checks were skipped`, "grant Reader at the subscription to check them, or accept the gap"));
  }
  for (const p of perms.filter((x) => x.unreadable !== undefined)) {
    out.push(finding("LIVE-PERM-02", "warning", "resourceGroup", `permissions on '${lastSegment(p.scope)}' could not be read (${p.unreadable}); create may still fail on rights`, "grant Microsoft.Authorization/permissions/read (any Reader role) to check rights in advance"));
  }
  return out;
}

/** Built-in roles that grant the missing actions (the narrowest usual choice per provider). */
function rolesFor(actions: readonly string[]): string[] {
  const role = (a: string): string => {
    const ns = a.split("/")[0]?.toLowerCase();
    if (ns === "microsoft.authorization") return "User Access Administrator";
    if (ns === "microsoft.network") return "Network Contributor";
    if (ns === "microsoft.containerservice") return "Azure Kubernetes Service Contributor Role";
    if (ns === "microsoft.managedidentity") return a.toLowerCase().endsWith("/assign/action") ? "Managed Identity Operator" : "Managed Identity Contributor";
    return "Contributor";
  };
  return [...new Set(actions.map(role))];
}

function quotaRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  if (live.quotaNotChecked) return [finding("LIVE-QUOTA-03", "info", "location", `vCPU quota not checked: ${live.quotaNotChecked}`, "pass -l/--location to check quota")];
  const q = live.quota;
  // A re-run: the cluster's own vCPUs are already in the usage, so the check would count them twice.
  if (!q || live.existingCluster !== undefined) return [];
  const out: Finding[] = [];
  const usage = new Map(q.usages.map((u) => [u.name.toLowerCase(), u]));
  const needByFamily = new Map<string, { vcpus: number; parts: string[] }>();
  let total = 0;
  spec.nodePools.forEach((pool, i) => {
    // create sends aks-net's default size when the spec has none.
    const vmSize = pool.vmSize || NAMES.defaultVmSize;
    const sku = q.sizes.find((s) => s.vmSize.toLowerCase() === vmSize.toLowerCase());
    if (!sku || !sku.available || sku.family === undefined || sku.vcpus === undefined) {
      out.push(finding("LIVE-QUOTA-02", "error", `nodePools[${i}].vmSize`, `VM size ${vmSize} is not offered in ${q.location} for this subscription`, "pick a size the region offers (az vm list-skus -l <region> --resource-type virtualMachines)"));
      return;
    }
    const peak = Math.max(Number(pool.count) || 0, pool.enableAutoScaling ? Number(pool.maxCount) || 0 : 0);
    const surge = poolSurge(pool);
    const vcpus = (peak + surge) * sku.vcpus;
    total += vcpus;
    const entry = needByFamily.get(sku.family) ?? { vcpus: 0, parts: [] };
    entry.vcpus += vcpus;
    entry.parts.push(`${vmSize} ${sku.vcpus} vCPUs × ${peak + surge} nodes (${peak} + ${surge} surge)`);
    needByFamily.set(sku.family, entry);
  });
  for (const [family, need] of needByFamily) {
    const u = usage.get(family.toLowerCase());
    if (u && u.limit - u.used < need.vcpus) {
      out.push(quotaFinding(family, need.vcpus, need.parts.join(" + "), u, q.location));
    }
  }
  const regional = usage.get("cores");
  if (regional && total > 0 && regional.limit - regional.used < total) {
    out.push(quotaFinding("total regional vCPUs", total, "all pools", regional, q.location));
  }
  return out;
}

function quotaFinding(name: string, need: number, parts: string, u: { used: number; limit: number }, location: string): Finding {
  const free = u.limit - u.used;
  return finding(
    "LIVE-QUOTA-01",
    "error",
    "nodePools",
    `${parts} need ${need} vCPUs of ${name} in ${location}; quota ${u.limit}, used ${u.used}, free ${free}`,
    `request ${u.used + need} vCPUs of ${name} quota in ${location}, or lower --node-count/--max-count or the VM size`,
  );
}

function usageRules(spec: ClusterSpec, live: LiveFacts): Finding[] {
  // Our own existing cluster's addresses are in `used`: a re-run must not count them against itself.
  if (live.existingCluster !== undefined) return [];
  const cap = computeCapacity(spec);
  const out: Finding[] = [];
  const check = (s: LiveSubnet | undefined, field: "vnet.subnetCidr" | "vnet.podSubnetCidr", kind: string, need: number | undefined): void => {
    if (!s || s.used === undefined || s.limit === undefined || need === undefined) return;
    if (!sameCidr(s.cidr, spec.vnet[field === "vnet.subnetCidr" ? "subnetCidr" : "podSubnetCidr"] ?? "")) return;
    const free = s.limit - s.used;
    if (free >= need) return;
    out.push(
      finding("LIVE-USAGE-01", "error", field, `${kind} '${s.name}' (${s.cidr}) has ${free} free addresses (${s.used} of ${s.limit} in use), the cluster needs ${need} at its peak`, "free addresses in the subnet, or use a larger or emptier subnet"),
    );
  };
  check(live.nodeSubnet, "vnet.subnetCidr", "node subnet", cap.nodeSubnet?.required);
  check(live.podSubnet, "vnet.podSubnetCidr", "pod subnet", cap.podSubnet?.required);
  return out;
}

function sameCidr(a: string, b: string): boolean {
  const pa = parseCidr(a);
  const pb = parseCidr(b);
  return pa.ok && pb.ok ? pa.value.canonical === pb.value.canonical : a === b;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.some((y) => sameCidr(x, y)));
}

function lastSegment(id: string): string {
  return id.split("/").filter((s) => s !== "").pop() ?? id;
}
