/**
 * Plans are data: the ARM resources a spec needs, in dependency order, each with its exact request body.
 * `planResources` (pure) derives the desired resources; `diffPlan` (pure) compares them with what Azure has.
 * The executor (core/apply.ts) runs a plan; `create`, `delete` and `--dry-run` all share it.
 */
import {
  API_VERSIONS,
  APPGW_ADDON,
  CONTRIBUTOR_ROLE,
  MANAGED_IDENTITY_OPERATOR_ROLE,
  NETWORK_CONTRIBUTOR_ROLE,
  appGatewayAddon,
  PRIVATE_DNS_ZONE_CONTRIBUTOR_ROLE,
  TYPES,
  childId,
  dnsPrefixFor,
  firewallBody,
  firewallPolicyBody,
  nsgBody,
  locatedBody,
  managedClusterBody,
  nameOf,
  natGatewayBody,
  providerId,
  publicIpBody,
  resourceGroupId,
  roleAssignmentBody,
  roleAssignmentId,
  roleAssignmentName,
  roleDefinitionId,
  route,
  ruleCollectionGroupBody,
  routeChildBody,
  routeTableBody,
  subnetBody,
  vnetBody,
} from "./arm-bodies.ts";
import type { AgentPoolInput, FirewallOptions, RouteBody, SubnetOptions, Tags } from "./arm-bodies.ts";
import { cidr, findFreeRange, nthAddress, parseCidr } from "./cidr.ts";
import { EGRESS_PRIORITY, aksEgressPolicyCollections, aksEgressRules, isGpuVmSize, regionName, usesFqdnNetworkRules } from "./egress.ts";
import type { EgressOptions } from "./egress.ts";
import { UsageError } from "./errors.ts";
import { ALL_ZONES, anyZonalPool } from "./regions.ts";
import { poolSubnets } from "./pool-subnets.ts";
import { carriesPodCidr } from "./resolve.ts";
import { EXPOSE_GROUP_PRIORITY, classicExposeCollections, exposeEntries, ilbSubnet, nsgSecurityRules, policyExposeCollections, requiredNsgRules, wantsIlb } from "./ingress.ts";
import type { ClusterSpec } from "./spec.ts";
import { AKS_DELEGATION, APPGW_DELEGATION, DERIVED, NAMES } from "./names.ts";
import { PROOF_TAG, sealOwnership } from "./ownership.ts";
import { secretName, secretRef } from "./secrets.ts";
import { DEFAULT_WINDOWS_ADMIN, WINDOWS_PASSWORD_SECRET } from "./windows.ts";

/** Tags on everything aks-net creates but its resource groups: for people; delete trusts only the proof (core/ownership.ts). */
export const OWNER_TAG = "managed-by";
export const OWNER_VALUE = "aks-net";
export const CLUSTER_TAG = "aks-net-cluster";

export type Action = "create" | "update" | "unchanged" | "delete";

/** One ARM resource aks-net wants to exist (or be gone), with its exact request body. */
export interface DesiredResource {
  /** Full ARM resource id. */
  resourceId: string;
  /** ARM type, e.g. `Microsoft.Network/virtualNetworks/subnets`. */
  type: string;
  apiVersion: string;
  /** Resource ids this one needs first: exact and minimal (no edge implied by another), so independent steps can run in parallel. */
  dependsOn: string[];
  /** The exact ARM request body (PUT). May hold reference tokens (see REF_PATTERN). */
  body: Record<string, unknown>;
  /** Short human label for progress and plans, e.g. `subnet aks-nodes`. */
  label: string;
}

/** A planned step: a desired resource plus what will be done with it, and why. */
export interface Operation extends DesiredResource {
  action: Action;
  /** For update/unchanged/refusals: what differs, in words. */
  reason?: string;
  /**
   * For an update: the body the plan decided, before it was laid over what Azure has (`body`, as it will be sent).
   * The executor merges this one again with a fresh read, and the port checks that all of it goes out.
   */
  desired?: Record<string, unknown>;
  /**
   * Tags aks-net sets on an existing resource it made for this cluster (core/ownership.ts: the proof with the list of
   * children a re-run added, the cluster's record of what create made). Laid over the tags Azure has; others stay.
   */
  ownTags?: Record<string, string>;
}

/** True when `body`'s tags lack one of `own` (tag names compare case-insensitively, as Azure's do). */
export function lacksTags(body: Record<string, unknown> | undefined, own: Record<string, string> | undefined): boolean {
  if (own === undefined) return false;
  const tags = isObject(body?.["tags"]) ? (body["tags"] as Record<string, unknown>) : {};
  return Object.entries(own).some(([k, v]) => String(getKey(tags, k) ?? "") !== v);
}

/** `body` with `own` laid over its tags (a tag Azure has under another case is replaced, not doubled). */
export function withOwnTags(body: Record<string, unknown>, own: Record<string, string> | undefined): Record<string, unknown> {
  if (own === undefined) return body;
  const tags = { ...(isObject(body["tags"]) ? body["tags"] : {}) };
  for (const k of Object.keys(tags)) if (Object.keys(own).some((o) => o.toLowerCase() === k.toLowerCase())) delete tags[k];
  return { ...body, tags: { ...tags, ...own } };
}

/** A change Azure cannot make in place (service CIDR of a cluster, prefix of a subnet in use): `create` prints it and stops. */
export interface Refusal {
  resourceId: string;
  reason: string;
}

/** The plan; the JSON form of `create --dry-run --output json` is `planToJson(plan)`. */
export interface Plan {
  operations: Operation[];
  /** Empty when the plan can be applied. */
  refusals: Refusal[];
}

/** What Azure has: resource id → its current GET body (absent = does not exist). */
export type ObservedState = ReadonlyMap<string, Record<string, unknown>>;

/**
 * A value known only once another resource exists (an identity's principalId, a public IP's address): the plan
 * carries a token that the executor replaces, with `resolveRefs`, by the value read from that resource.
 */
export function ref(resourceId: string, path: string, suffix = ""): string {
  return `[ref:${resourceId}#${path}${suffix === "" ? "" : `|${suffix}`}]`;
}

/**
 * Matches a whole-string reference token. Two forms:
 * - `[ref:<resourceId>#<dot.path>]` → the value at that path of the resource's GET body, as is (any JSON type);
 * - `[ref:<resourceId>#<dot.path>|<suffix>]` → that value as a string with `<suffix>` appended, e.g.
 *   `[ref:<publicIpId>#properties.ipAddress|/32]` → `"20.1.2.3/32"` (the firewall public IP route).
 * Group 1 = resource id, group 2 = dot path, group 3 = suffix (undefined in the first form).
 * The referenced resource is always in the operation's dependsOn (directly or transitively), so it exists by then.
 */
export const REF_PATTERN = /^\[ref:([^#\]]+)#([^\]|]+)(?:\|([^\]]*))?\]$/;

/** Reads `a.b.c` from a JSON value; undefined when any step is missing. */
export function valueAt(root: unknown, path: string): unknown {
  let cur: unknown = root;
  for (const key of path.split(".")) {
    if (!isObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** Reads a value of another resource: (resource id, dot path) → value, undefined when unknown. */
export type RefLookup = (resourceId: string, path: string) => unknown;

/**
 * A copy of `body` with every reference token replaced, reading values through `lookup`, or from a map of
 * resource id → GET body. Throws when a referenced value is unknown.
 */
export function resolveRefs<T>(body: T, lookup: RefLookup | ReadonlyMap<string, Record<string, unknown>>): T {
  const read: RefLookup = typeof lookup === "function" ? lookup : bodiesLookup(lookup);
  return mapRefs(body, (token, id, path, suffix) => {
    const value = read(id, path);
    if (value === undefined || value === null) throw new Error(`cannot resolve ${token}: ${id} has no ${path}`);
    return suffix === undefined ? value : `${String(value)}${suffix}`;
  }) as T;
}

/** A lookup over resource bodies keyed by id; ARM ids compare case-insensitively. */
export function bodiesLookup(bodies: ReadonlyMap<string, Record<string, unknown>>): RefLookup {
  const byId = indexById(bodies);
  return (id, path) => valueAt(byId.get(id.toLowerCase()), path);
}

function indexById(bodies: ReadonlyMap<string, Record<string, unknown>>): Map<string, Record<string, unknown>> {
  return new Map([...bodies].map(([id, body]) => [id.toLowerCase(), body]));
}

/** The resource ids a body refers to through tokens, in order of appearance, without duplicates. */
export function refTargets(body: unknown): string[] {
  const ids: string[] = [];
  mapRefs(body, (token, id) => {
    if (!ids.includes(id)) ids.push(id);
    return token;
  });
  return ids;
}

function mapRefs(value: unknown, fn: (token: string, id: string, path: string, suffix: string | undefined) => unknown): unknown {
  if (typeof value === "string") {
    const m = REF_PATTERN.exec(value);
    return m ? fn(value, m[1] as string, m[2] as string, m[3]) : value;
  }
  if (Array.isArray(value)) return value.map((v) => mapRefs(v, fn));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapRefs(v, fn)]));
  return value;
}

// ---------------------------------------------------------------------------------------------------------------
// planResources

/** Where the cluster goes. */
export interface PlanTarget {
  subscriptionId: string;
}

/** Names aks-net gives the resources it builds (besides the user's VNet and subnet names). */
export { NAMES };

/**
 * Every ARM resource the spec needs, in dependency order. Pure: the same spec always gives the same plan.
 * The spec is expected to have passed validation (CIDRs parse); missing targets throw a UsageError.
 * Network resources go to the VNet's resource group (`vnet.resourceGroup`, else the cluster's).
 */
export function planResources(spec: ClusterSpec, target: PlanTarget): DesiredResource[] {
  const b = builder(spec, target);
  // aks-net builds the VNet unless AKS manages it (managedNATGateway) or the user brings the node subnet.
  const ownsVnet = spec.vnet.managed !== true && spec.vnetSubnetId === undefined;
  if (spec.firewall.enabled && !ownsVnet) {
    throw new UsageError(
      "--firewall builds the VNet, its subnets and route table, so it cannot be combined with an AKS-managed VNet or --vnet-subnet-id",
      "drop --vnet-subnet-id and give --vnet-cidr and --subnet-cidr, or route the subnet's egress yourself and drop --firewall",
    );
  }
  // Planned in the next change (issue 12, parts 3-4): refuse rather than silently leave them out.
  const network: Network = ownsVnet ? planNetwork(b) : broughtNetwork(spec);

  // The user's identity (--assign-identity) is only read and granted roles; aks-net's own is made for the cluster.
  const identityName = DERIVED.identity(b.name);
  const identityId =
    spec.assignIdentity ?? b.add(TYPES.identity, API_VERSIONS.msi, providerId(b.rgId, TYPES.identity, identityName), `identity ${identityName}`, [b.rgId], locatedBody(b.location, b.tags));

  // Network Contributor on the subnets and route table (and the API server subnet), granted before the cluster (it
  // joins them at create); with a brought private DNS zone, Private DNS Zone Contributor on it and Network
  // Contributor on the VNet (private-clusters.md).
  const grant = (role: string, roleName: string, scope: string): string => {
    const roleDef = roleDefinitionId(target.subscriptionId, role);
    return b.add(
      TYPES.roleAssignment,
      API_VERSIONS.authorization,
      roleAssignmentId(scope, roleAssignmentName(scope, identityId, roleDef)),
      `role ${roleName} on ${nameOf(scope)}`,
      [b.planned(identityId), b.planned(scope)],
      roleAssignmentBody(roleDef, ref(identityId, "properties.principalId"), `aks-net:${b.rg}/${b.name}`),
    );
  };
  const scopes = [...new Set([...network.subnetIds, network.routeTableId, network.ilbSubnetId, network.apiServerSubnetId].filter((scope): scope is string => scope !== undefined))];
  const assignments = scopes.map((scope) => grant(NETWORK_CONTRIBUTOR_ROLE, "Network Contributor", scope));
  if (network.privateDnsZoneId !== undefined) {
    assignments.push(grant(PRIVATE_DNS_ZONE_CONTRIBUTOR_ROLE, "Private DNS Zone Contributor", network.privateDnsZoneId));
    if (network.vnetId !== undefined) assignments.push(grant(NETWORK_CONTRIBUTOR_ROLE, "Network Contributor", network.vnetId));
  }
  // The load balancer's outbound IPs and prefixes you bring are joined by the cluster identity at create
  // (aks-service-permissions.md: publicIPAddresses/join/action, publicIPPrefixes/join/action).
  for (const scope of broughtOutboundIps(spec)) assignments.push(grant(NETWORK_CONTRIBUTOR_ROLE, "Network Contributor", scope));
  // A brought kubelet identity is assigned by the cluster's identity, which needs Managed Identity Operator on it (use-managed-identity.md).
  if (spec.assignKubeletIdentity !== undefined) assignments.push(grant(MANAGED_IDENTITY_OPERATOR_ROLE, "Managed Identity Operator", spec.assignKubeletIdentity));

  const pools: AgentPoolInput[] = spec.nodePools.map((p, i) => ({
    name: p.name,
    mode: p.mode ?? "User",
    count: p.count,
    vmSize: p.vmSize ?? NAMES.defaultVmSize,
    osType: p.osType,
    maxPods: p.maxPods,
    enableAutoScaling: p.enableAutoScaling === true,
    minCount: p.minCount,
    maxCount: p.maxCount,
    maxSurge: p.maxSurge,
    maxUnavailable: p.maxUnavailable,
    vnetSubnetId: network.poolNodeSubnet(i),
    podSubnetId: network.poolPodSubnet(i),
    podIPAllocationMode: network.poolPodSubnet(i) === undefined ? undefined : p.podIPAllocationMode,
    nodeTaints: p.nodeTaints,
    nodeLabels: p.nodeLabels,
    availabilityZones: p.availabilityZones,
  }));
  const agw = appGateway(spec, network);
  const clusterBody = managedClusterBody({
    location: b.location,
    tags: b.tags,
    identityId,
    dnsPrefix: dnsPrefixFor(b.name),
    kubernetesVersion: spec.kubernetesVersion,
    pools,
    networkProfile: networkProfile(spec),
    ...windowsProfile(spec),
    ...(agw === undefined ? {} : { addonProfiles: agw.addon }),
    ...apiServerAccessProfile(spec, network),
    ...(spec.assignKubeletIdentity === undefined ? {} : { kubeletIdentity: kubeletIdentity(spec.assignKubeletIdentity) }),
  });
  const clusterId = b.add(
    TYPES.managedCluster,
    API_VERSIONS.containerService,
    providerId(b.rgId, TYPES.managedCluster, b.name),
    `cluster ${b.name}`,
    // With a firewall, nodes cannot bootstrap until it is up with the AKS rules.
    [b.planned(identityId), ...network.subnetIds.map((id) => b.planned(id)), b.planned(network.apiServerSubnetId), ...assignments, network.firewallId, network.appgwSubnetId, network.egressIpId],
    clusterBody,
  );
  if (agw !== undefined) appGatewayRoles(b, target, clusterId, agw);
  // Every tagged resource carries its own proof (core/ownership.ts): the only tag delete trusts.
  return sealOwnership(minimiseDependencies(b.out), { resourceGroup: b.rg, name: b.name });
}

/** The App Gateway add-on: its config, and the scopes its identity needs a role on. */
interface AppGatewayChoice {
  addon: Record<string, unknown>;
  /** Network Contributor: the gateway subnet aks-net plans or you bring (AKS creates the gateway in it). */
  subnetScope?: string;
  /** Contributor: your gateway (AGIC writes its configuration). */
  gatewayScope?: string;
}

/**
 * `--enable-addons ingress-appgw`. A gateway subnet aks-net plans goes to AKS as `subnetId`, not `subnetCIDR`, so the
 * subnet is aks-net's (delete removes it once AKS deleted the gateway with the node resource group); with an
 * AKS-managed VNet or your node subnet, `subnetCIDR` goes as given and AKS makes the subnet.
 */
function appGateway(spec: ClusterSpec, network: Network): AppGatewayChoice | undefined {
  const a = spec.ingress?.applicationGateway;
  if (a?.enabled !== true) return undefined;
  const name = a.name === undefined ? {} : { applicationGatewayName: a.name };
  if (a.id !== undefined) return { addon: appGatewayAddon({ applicationGatewayId: a.id }), gatewayScope: a.id };
  if (a.subnetId !== undefined) return { addon: appGatewayAddon({ subnetId: a.subnetId, ...name }), subnetScope: a.subnetId };
  if (network.appgwSubnetId !== undefined) return { addon: appGatewayAddon({ subnetId: network.appgwSubnetId, ...name }), subnetScope: network.appgwSubnetId };
  return { addon: appGatewayAddon({ subnetCIDR: a.subnetCidr, ...name }) };
}

/**
 * The add-on's identity (in the node resource group, known once the cluster exists) gets Network Contributor on the
 * gateway subnet and Contributor on a gateway you bring, as the AGIC add-on docs ask for a custom VNet.
 */
function appGatewayRoles(b: Builder, target: PlanTarget, clusterId: string, agw: AppGatewayChoice): void {
  const principal = ref(clusterId, `properties.addonProfiles.${APPGW_ADDON}.identity.objectId`);
  const key = `${clusterId}/addonProfiles/${APPGW_ADDON}`;
  for (const [scope, role, what] of [[agw.subnetScope, NETWORK_CONTRIBUTOR_ROLE, "Network Contributor"], [agw.gatewayScope, CONTRIBUTOR_ROLE, "Contributor"]] as const) {
    if (scope === undefined) continue;
    const roleDef = roleDefinitionId(target.subscriptionId, role);
    b.add(
      TYPES.roleAssignment,
      API_VERSIONS.authorization,
      roleAssignmentId(scope, roleAssignmentName(scope, key, roleDef)),
      `role ${what} on ${nameOf(scope)} (App Gateway add-on)`,
      [clusterId, b.planned(scope)],
      roleAssignmentBody(roleDef, principal, `aks-net:${b.rg}/${b.name}`),
    );
  }
}

/** identityProfile.kubeletidentity of a brought identity: its id, and its client and object ids read from it at create. */
function kubeletIdentity(id: string): Record<string, string> {
  return { resourceId: id, clientId: ref(id, "properties.clientId"), objectId: ref(id, "properties.principalId") };
}

/**
 * Windows pools need the cluster's windowsProfile at create, and it cannot be added later (create-node-pools.md): sent
 * with a Windows pool, or when the spec names an administrator (Windows pools to come, as az does). The password stays a token.
 */
function windowsProfile(spec: ClusterSpec): { windowsProfile?: { adminUsername: string; adminPassword: string } } {
  if (!spec.nodePools.some((p) => p.osType === "Windows") && spec.windowsProfile?.adminUsername === undefined) return {};
  return { windowsProfile: { adminUsername: spec.windowsProfile?.adminUsername ?? DEFAULT_WINDOWS_ADMIN, adminPassword: secretRef(WINDOWS_PASSWORD_SECRET) } };
}

/** The cluster's place in Azure and the list being built; `add` appends a resource and returns its id. */
interface Builder {
  spec: ClusterSpec;
  name: string;
  rg: string;
  location: string;
  tags: Tags;
  rgId: string;
  /** Where network resources go. */
  netRgId: string;
  out: DesiredResource[];
  add(type: string, apiVersion: string, resourceId: string, label: string, dependsOn: (string | undefined)[], body: Record<string, unknown>): string;
  /** A Microsoft.Network resource. */
  net(type: string, resourceId: string, label: string, dependsOn: (string | undefined)[], body: Record<string, unknown>): string;
  /** The id when this plan builds it (a dependency), else undefined (the user's resource). */
  planned(id: string | undefined): string | undefined;
}

/** Plans the resource group(s); the rest is added by the callers. */
function builder(spec: ClusterSpec, target: PlanTarget): Builder {
  const name = required(spec.name, "--name");
  const rg = required(spec.resourceGroup, "--resource-group");
  const location = required(spec.location, "--location");
  // The user's tags first: aks-net's own always win (TAG-04 refuses them as user tags anyway).
  const userTags = spec.tags ?? {};
  const tags: Tags = { ...userTags, [OWNER_TAG]: OWNER_VALUE, [CLUSTER_TAG]: `${rg}/${name}` };
  const out: DesiredResource[] = [];
  const add: Builder["add"] = (type, apiVersion, resourceId, label, dependsOn, body) => {
    out.push({ resourceId, type, apiVersion, dependsOn: dependsOn.filter((d): d is string => d !== undefined), body, label });
    return resourceId;
  };
  // The group gets no cluster marks (Azure Policy can copy a group's tags onto every resource in it), only the user's.
  const group = (rgName: string): string =>
    add(TYPES.resourceGroup, API_VERSIONS.resources, resourceGroupId(target.subscriptionId, rgName), `resource group ${rgName}`, [], locatedBody(location, { ...userTags }));
  const rgId = group(rg);
  const netRg = spec.vnet.resourceGroup;
  const netRgId = netRg === undefined || netRg.toLowerCase() === rg.toLowerCase() ? rgId : group(netRg);
  return {
    spec,
    name,
    rg,
    location,
    tags,
    rgId,
    netRgId,
    out,
    add,
    net: (type, resourceId, label, dependsOn, body) => add(type, API_VERSIONS.network, resourceId, label, dependsOn, body),
    planned: (id) => (id !== undefined && out.some((r) => r.resourceId === id) ? id : undefined),
  };
}

/** What the cluster joins. */
interface Network {
  /** Every node and pod subnet the pools join (the identity joins them all). */
  subnetIds: string[];
  /** The node subnet (and pod subnet) of pool `i`. */
  poolNodeSubnet(i: number): string | undefined;
  poolPodSubnet(i: number): string | undefined;
  routeTableId?: string;
  firewallId?: string;
  /** A dedicated internal LB subnet aks-net plans (ILB-*): the cluster identity needs Network Contributor on it. */
  ilbSubnetId?: string;
  /** The App Gateway subnet aks-net plans (AGW-*). */
  appgwSubnetId?: string;
  /** The VNet (built or the brought subnet's). */
  vnetId?: string;
  /** API Server VNet Integration: the planned or brought subnet. */
  apiServerSubnetId?: string;
  /** A brought private DNS zone (its id), for the role grants. */
  privateDnsZoneId?: string;
  /** The public IP of the firewall or NAT gateway aks-net builds: the cluster's egress address. */
  egressIpId?: string;
}

/** A brought private DNS zone id (not system or none), when the cluster is private. */
function broughtZone(spec: ClusterSpec): string | undefined {
  const a = spec.apiServerAccessProfile;
  const zone = a?.privateDNSZone;
  return a?.enablePrivateCluster === true && zone !== undefined && !["system", "none"].includes(zone.toLowerCase()) ? zone : undefined;
}

/**
 * The apiServerAccessProfile as given, with the VNet Integration subnet aks-net planned, and the egress IP of the
 * firewall or NAT gateway it builds added to the user's authorized ranges (as the firewall tutorial does), unless
 * 0.0.0.0/32 asks for the cluster's egress only.
 */
function apiServerAccessProfile(spec: ClusterSpec, network: Network): { apiServerAccessProfile?: Record<string, unknown> } {
  const a = spec.apiServerAccessProfile;
  if (a === undefined) return {};
  const out: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) out[key] = value;
  };
  set("enablePrivateCluster", a.enablePrivateCluster);
  set("privateDNSZone", a.privateDNSZone);
  set("enablePrivateClusterPublicFQDN", a.enablePrivateClusterPublicFQDN);
  const ranges = a.authorizedIPRanges;
  if (ranges !== undefined && ranges.length > 0) {
    const egress = network.egressIpId !== undefined && !ranges.includes("0.0.0.0/32") && a.enablePrivateCluster !== true ? [ref(network.egressIpId, "properties.ipAddress", "/32")] : [];
    out["authorizedIPRanges"] = [...ranges, ...egress];
  }
  set("enableVnetIntegration", a.enableVnetIntegration);
  if (a.enableVnetIntegration === true) set("subnetId", network.apiServerSubnetId);
  return Object.keys(out).length === 0 ? {} : { apiServerAccessProfile: out };
}

/** Every pool on the cluster's subnets. */
function sameForAll(nodeSubnetId: string | undefined, podSubnetId: string | undefined, routeTableId?: string): Network {
  const subnetIds = [nodeSubnetId, podSubnetId].filter((x): x is string => x !== undefined);
  return { subnetIds, poolNodeSubnet: () => nodeSubnetId, poolPodSubnet: () => podSubnetId, ...(routeTableId === undefined ? {} : { routeTableId }) };
}

/**
 * A brought subnet (or an AKS-managed VNet). kubenet writes its pod routes into the subnet's route table, so the
 * identity needs Network Contributor on that table too (configure-kubenet.md, CMP-14); its id is known once `--live`
 * (or create's own read) has seen the subnet.
 */
function broughtNetwork(spec: ClusterSpec): Network {
  const routeTableId = spec.networkPlugin === "kubenet" && spec.vnetSubnetId !== undefined ? (spec.live?.routeTable?.id ?? spec.live?.nodeSubnet?.routeTableId) : undefined;
  const vnetId = spec.vnetSubnetId === undefined ? undefined : spec.vnetSubnetId.slice(0, spec.vnetSubnetId.toLowerCase().lastIndexOf("/subnets/"));
  const network: Network = { ...sameForAll(spec.vnetSubnetId, spec.podSubnetId, routeTableId), ...(vnetId === undefined ? {} : { vnetId }) };
  return withAccess(spec, network, undefined);
}

/** The API server subnet (brought, or planned by `plan`) and a brought private DNS zone. */
function withAccess(spec: ClusterSpec, network: Network, plan: ((cidr: string) => string) | undefined): Network {
  const a = spec.apiServerAccessProfile;
  const zone = broughtZone(spec);
  const out: Network = zone === undefined ? network : { ...network, privateDnsZoneId: zone };
  if (a?.enableVnetIntegration !== true) return out;
  if (a.subnetId !== undefined) return { ...out, apiServerSubnetId: a.subnetId };
  const planned = spec.vnet.apiServerSubnetCidr;
  return planned !== undefined && plan !== undefined ? { ...out, apiServerSubnetId: plan(planned) } : out;
}

/** The VNet aks-net builds: address spaces, egress (firewall, route table, NAT gateway), then the subnets using it. */
function planNetwork(b: Builder): Network {
  const { spec, name, location, tags, netRgId } = b;
  const nodeCidr = required(spec.vnet.subnetCidr, "--subnet-cidr");
  const podSubnetMode = spec.networkPlugin === "azure" && spec.networkPluginMode !== "overlay";
  const podCidr = podSubnetMode && spec.podSubnetId === undefined ? spec.vnet.podSubnetCidr : undefined;
  // Pools with subnets of their own (node-pool-unique-subnet.md): same VNet, same egress.
  const poolNodes = poolSubnets(spec, "node");
  const poolPods = podSubnetMode ? poolSubnets(spec, "pod") : [];
  const sources = [nodeCidr, ...(podCidr === undefined ? [] : [podCidr]), ...poolNodes.map((s) => s.cidr), ...poolPods.map((s) => s.cidr)];
  const fwChoice = spec.firewall.enabled ? firewallChoice(spec, sources) : undefined;
  // FQDNs in network rules work only when clients resolve through the firewall's DNS proxy (limit-egress-traffic.md).
  // Custom DNS servers: the VNet's own, unless the firewall's proxy stands in front of them.
  const dnsServers = fwChoice !== undefined && usesFqdnNetworkRules(location, fwChoice.egress) ? [fwChoice.privateIp] : customDns(spec);
  const vnetName = spec.vnet.name ?? DERIVED.vnet(name);
  const vnetId = b.net(TYPES.vnet, providerId(netRgId, TYPES.vnet, vnetName), `vnet ${vnetName}`, [netRgId], vnetBody(location, tags, spec.vnet.addressSpaces, dnsServers));
  const subnet = (subnetName: string, prefix: string, deps: (string | undefined)[], opts?: SubnetOptions): string =>
    b.net(TYPES.subnet, childId(vnetId, "subnets", subnetName), `subnet ${subnetName}`, [vnetId, ...deps], subnetBody(prefix, opts));
  const routeTable = (routes: RouteBody[]): string => {
    const rtName = DERIVED.routeTable(name);
    return b.net(TYPES.routeTable, providerId(netRgId, TYPES.routeTable, rtName), `route table ${rtName}`, [netRgId], routeTableBody(location, tags, routes));
  };

  let routeTableId: string | undefined;
  let firewallId: string | undefined;
  let firewallIpId: string | undefined;
  if (spec.vnet.routeTableId !== undefined) {
    // The user's route table (--route-table-id): associated with aks-net's subnets, never written.
    routeTableId = spec.vnet.routeTableId;
  } else if (fwChoice !== undefined) {
    const fw = planFirewall(b, subnet, fwChoice);
    firewallId = fw.firewallId;
    firewallIpId = fw.publicIpId;
    routeTableId = routeTable([route(NAMES.defaultRoute, "0.0.0.0/0", "VirtualAppliance", fwChoice.privateIp), ...userRoutes(spec, ["0.0.0.0/0"])]);
    // OUT-05: the firewall's own public IP goes straight out, avoiding asymmetric routing. Its address exists only
    // after the public IP does, hence a separate child route with a `|/32` reference token.
    const r = route(NAMES.firewallIpRoute, ref(fw.publicIpId, "properties.ipAddress", "/32"), "Internet");
    b.net(TYPES.route, childId(routeTableId, "routes", r.name), `route ${r.name}`, [routeTableId, fw.publicIpId], routeChildBody(r));
  } else if (spec.firewall.privateIp !== undefined) {
    // An existing firewall/NVA (a hub's): routes only, no firewall built.
    routeTableId = routeTable([route(NAMES.defaultRoute, "0.0.0.0/0", "VirtualAppliance", spec.firewall.privateIp), ...userRoutes(spec, ["0.0.0.0/0"])]);
  } else if (spec.routes.length > 0 || (spec.networkPlugin === "kubenet" && poolNodes.length > 0)) {
    // Bring-your-own egress: the user's routes, never a firewall. Kubenet with several node subnets: one table for
    // all of them, where AKS writes every node's pod route (configure-kubenet.md).
    routeTableId = routeTable(userRoutes(spec, []));
  }

  let natGatewayId: string | undefined;
  let egressIpId: string | undefined;
  if (spec.outboundType === "userAssignedNATGateway") {
    natGatewayId = spec.vnet.natGatewayId;
    if (natGatewayId === undefined) {
      const natName = DERIVED.natGateway(name);
      const sku = builtNatSku(spec);
      const pip = publicIp(b, DERIVED.natGatewayIp(name), undefined, sku);
      // A dual-stack cluster's pods and nodes egress over IPv6 too: a StandardV2 gateway gets one IPv6 address as well.
      const pip6 = sku === "StandardV2" && (spec.ipFamilies ?? []).includes("IPv6") ? publicIp(b, DERIVED.natGatewayIp6(name), undefined, sku, "IPv6") : undefined;
      egressIpId = pip;
      natGatewayId = b.net(TYPES.natGateway, providerId(netRgId, TYPES.natGateway, natName), `NAT gateway ${natName}`, [netRgId, pip, pip6], natGatewayBody(location, tags, pip, sku, pip6));
    }
  }

  // NSG-*: aks-net's NSG on the node subnet, with the allows AKS needs (core/ingress.ts requiredNsgRules).
  let nsgId: string | undefined;
  if (spec.ingress?.nsg?.enabled === true) {
    const nsgName = DERIVED.nodeNsg(name);
    const pods = carriesPodCidr(spec) ? (spec.podCidrs ?? (spec.podCidr === undefined ? [] : [spec.podCidr])).filter((c) => !c.includes(":")) : [];
    nsgId = b.net(TYPES.nsg, providerId(netRgId, TYPES.nsg, nsgName), `network security group ${nsgName}`, [netRgId], nsgBody(location, tags, nsgSecurityRules(requiredNsgRules(spec, pods))));
  }
  const egress: SubnetOptions = {};
  if (routeTableId !== undefined) egress.routeTableId = routeTableId;
  if (natGatewayId !== undefined) egress.natGatewayId = natGatewayId;
  const deps = [b.planned(routeTableId), b.planned(natGatewayId)];
  // Dual-stack nodes take an IPv6 address from their subnet too (configure-dual-stack.md).
  const dualStack = (spec.ipFamilies ?? []).includes("IPv6");
  const nodeOpts: SubnetOptions = dualStack && spec.vnet.subnetIPv6Cidr !== undefined ? { ...egress, ipv6Prefix: spec.vnet.subnetIPv6Cidr } : egress;
  const nodeSubnetId = subnet(spec.vnet.subnetName ?? NAMES.nodeSubnet, nodeCidr, [...deps, nsgId], nsgId === undefined ? nodeOpts : { ...nodeOpts, networkSecurityGroupId: nsgId });
  // Pods in a pod subnet egress with their own IPs, so that subnet takes the same route table / NAT gateway.
  const podSubnetId = podCidr === undefined ? spec.podSubnetId : subnet(spec.vnet.podSubnetName ?? NAMES.podSubnet, podCidr, deps, egress);
  const own = new Map<string, string>();
  // Every node subnet takes the nodes' NSG; pod subnets only the egress.
  for (const s of [...poolNodes, ...poolPods]) {
    const nsg = s.role === "node" && nsgId !== undefined ? { networkSecurityGroupId: nsgId } : {};
    own.set(`${s.role} ${s.name}`, subnet(s.name, s.cidr, [...deps, nsg.networkSecurityGroupId], { ...egress, ...nsg }));
  }
  const ownOf = (role: "node" | "pod", i: number): string | undefined => {
    const hit = (role === "node" ? poolNodes : poolPods).find((s) => s.pools.includes(i));
    return hit === undefined ? undefined : own.get(`${role} ${hit.name}`);
  };
  // The internal LB's frontends only answer (the nodes reply to clients), so its subnet takes no egress.
  const ilb = ilbSubnet(spec);
  const ilbSubnetId = wantsIlb(spec) && ilb.dedicated ? planIlbSubnet(spec, ilb.name, vnetId, subnet) : undefined;
  // A v2 gateway subnet takes no 0.0.0.0/0 to an appliance (AGW-04); with kubenet it needs the pod routes of the
  // cluster's route table, which aks-net associates when it builds that table (user routes only, never a firewall).
  const agw = spec.ingress?.applicationGateway;
  const agwRoutes = spec.networkPlugin === "kubenet" && fwChoice === undefined && routeTableId !== undefined ? { routeTableId } : {};
  // With Azure CNI Overlay, AGIC needs the gateway subnet delegated to Microsoft.Network/applicationGateways (AGW-06).
  const agwDelegation = spec.networkPluginMode === "overlay" ? { delegations: [APPGW_DELEGATION] } : {};
  const appgwSubnetId = agw?.enabled === true && agw.subnetCidr !== undefined && agw.subnetId === undefined && agw.id === undefined ? subnet(NAMES.appgwSubnet, agw.subnetCidr, [agwRoutes.routeTableId], { ...agwRoutes, ...agwDelegation }) : undefined;
  // API Server VNet Integration: a subnet of its own, delegated to AKS, without the nodes' egress (API-08).
  const apiSubnet = (prefix: string): string => subnet(spec.vnet.apiServerSubnetName ?? NAMES.apiServerSubnet, prefix, [], { delegations: [AKS_DELEGATION] });
  const egressIp = firewallIpId ?? egressIpId;
  const subnetIds = [nodeSubnetId, ...(podSubnetId === undefined ? [] : [podSubnetId]), ...own.values()];
  const network: Network = {
    subnetIds,
    poolNodeSubnet: (i) => ownOf("node", i) ?? nodeSubnetId,
    poolPodSubnet: (i) => ownOf("pod", i) ?? podSubnetId,
    routeTableId,
    firewallId,
    ...(ilbSubnetId === undefined ? {} : { ilbSubnetId }),
    vnetId,
    ...(appgwSubnetId === undefined ? {} : { appgwSubnetId }),
    ...(egressIp === undefined ? {} : { egressIpId: egressIp }),
  };
  return withAccess(spec, network, apiSubnet);
}

/** A dedicated ILB subnet: planned with its prefix, or an existing subnet of aks-net's VNet named by the user (role only). */
function planIlbSubnet(spec: ClusterSpec, name: string, vnetId: string, subnet: (name: string, prefix: string, deps: (string | undefined)[]) => string): string {
  const prefix = spec.ingress?.internalLoadBalancer?.subnetCidr;
  return prefix === undefined ? childId(vnetId, "subnets", name) : subnet(name, prefix, []);
}

/** Standard SKU (StandardV2 for a StandardV2 NAT gateway), static (FWS-03); zone-redundant when asked. */
function publicIp(b: Builder, pipName: string, zones?: readonly string[], sku?: "Standard" | "StandardV2", version?: "IPv4" | "IPv6"): string {
  return b.net(TYPES.publicIp, providerId(b.netRgId, TYPES.publicIp, pipName), `public IP ${pipName}`, [b.netRgId], publicIpBody(b.location, b.tags, zones, sku, version));
}

/**
 * The outbound public IPs and prefixes the user brings for the egress AKS builds: the load balancer's (outboundType
 * loadBalancer) or the managed NAT gateway's (managedNATGateway); each profile is only sent with its outbound type.
 */
function broughtOutboundIps(spec: ClusterSpec): string[] {
  // The load balancer lists references ({ id }), the NAT gateway plain ids (the AKS API's shapes).
  const own: { outboundIPs?: { publicIPs?: unknown[] }; outboundIPPrefixes?: { publicIPPrefixes?: unknown[] } } | undefined =
    spec.outboundType === "loadBalancer" ? spec.loadBalancerProfile : spec.outboundType === "managedNATGateway" ? spec.natGatewayProfile : undefined;
  const ids = [...(own?.outboundIPs?.publicIPs ?? []), ...(own?.outboundIPPrefixes?.publicIPPrefixes ?? [])].map((x) => (typeof x === "string" ? x : (x as { id?: unknown } | undefined)?.id));
  return [...new Set(ids.filter((id): id is string => typeof id === "string" && id !== ""))];
}

/** The SKU of the NAT gateway aks-net builds: Standard unless asked (earlier runs built Standard; a SKU is fixed at create). */
export function builtNatSku(spec: ClusterSpec): "Standard" | "StandardV2" {
  return String(spec.vnet.natGatewaySku ?? "").toLowerCase() === "standardv2" ? "StandardV2" : "Standard";
}

/**
 * With zonal pools, the firewall and its public IPs span every zone (zone-redundant), so no zone's outage cuts the
 * pools' egress; a Standard NAT gateway cannot (ZONE-03 warns).
 */
function redundantZones(spec: ClusterSpec): readonly string[] | undefined {
  return anyZonalPool(spec.nodePools) ? ALL_ZONES : undefined;
}

/** The firewall aks-net builds, decided before any resource: its subnet, tier, private IP and rule pack options. */
interface FirewallChoice {
  subnetCidr: string;
  tier: string;
  /** FWS-05: the 4th address of its subnet, so neither the route table nor the VNet's DNS waits for the firewall. */
  privateIp: string;
  egress: EgressOptions;
}

function firewallChoice(spec: ClusterSpec, sources: string[]): FirewallChoice {
  const subnetCidr = required(spec.firewall.subnetCidr, "--firewall-subnet-cidr", freeRangeHint(spec, "--firewall-subnet-cidr"));
  const tier = spec.firewall.sku ?? "Standard";
  return {
    subnetCidr,
    tier,
    privateIp: nthAddress(cidr(subnetCidr), 4),
    egress: {
      sources,
      // Azure Firewall Basic has no DNS proxy.
      dnsProxy: tier.toLowerCase() !== "basic",
      windows: spec.nodePools.some((p) => p.osType === "Windows"),
      gpu: spec.nodePools.some((p) => isGpuVmSize(p.vmSize)),
      ...(customDns(spec) === undefined ? {} : { dnsServers: customDns(spec) }),
    },
  };
}

/** The VNet's custom DNS servers, when the user gave some. */
function customDns(spec: ClusterSpec): string[] | undefined {
  const list = spec.vnet.dnsServers;
  return Array.isArray(list) && list.length > 0 ? [...list] : undefined;
}

/** Azure Firewall with the AKS rule pack, allowing traffic from the node and pod subnets. */
function planFirewall(b: Builder, subnet: (name: string, prefix: string, deps: string[]) => string, fw: FirewallChoice): { firewallId: string; publicIpId: string } {
  const { spec, name, location, tags, netRgId } = b;
  const { tier, egress } = fw;
  const fwSubnetId = subnet(NAMES.firewallSubnet, fw.subnetCidr, []);
  const zones = redundantZones(spec);
  const publicIpId = publicIp(b, DERIVED.firewallIp(name), zones);
  let management: { subnetId: string; publicIpId: string } | undefined;
  if (tier.toLowerCase() === "basic") {
    // FWS-02: Basic needs its own management subnet and public IP.
    const mgmtCidr = required(spec.firewall.managementSubnetCidr, "a management subnet CIDR for the Basic firewall");
    management = { subnetId: subnet(NAMES.firewallManagementSubnet, mgmtCidr, []), publicIpId: publicIp(b, DERIVED.firewallManagementIp(name), zones) };
  }
  // EXP-*: ports published to the internal LB IPs, DNAT from the public IP (known once it exists: a reference token).
  const exposed = exposeEntries(spec);
  const publicAddress = ref(publicIpId, "properties.ipAddress");
  const classic = aksEgressRules(location, egress);
  if (exposed.length > 0) {
    const more = classicExposeCollections(exposed, publicAddress);
    classic.networkRuleCollections.push(...more.networkRuleCollections);
    Object.assign(classic, { natRuleCollections: more.natRuleCollections });
  }
  // The proxy forwards to the user's DNS servers (the VNet then points at the firewall): FW-04 without a rule.
  const forward = egress.dnsProxy ? egress.dnsServers : undefined;
  let rules: Pick<FirewallOptions, "classic" | "firewallPolicyId" | "dnsProxy" | "dnsServers"> = { classic, dnsProxy: egress.dnsProxy, ...(forward === undefined ? {} : { dnsServers: forward }) };
  let rulesId: string | undefined;
  let exposeId: string | undefined;
  if (tier.toLowerCase() !== "standard") {
    // Basic and Premium take no classic rules: the rule pack (and the DNS proxy) goes into a policy, ready before the firewall.
    const policyName = DERIVED.firewallPolicy(name);
    const policyId = b.net(TYPES.firewallPolicy, providerId(netRgId, TYPES.firewallPolicy, policyName), `firewall policy ${policyName}`, [netRgId], firewallPolicyBody(location, tags, tier, egress.dnsProxy, forward));
    const group = NAMES.ruleCollectionGroup;
    const body = ruleCollectionGroupBody(EGRESS_PRIORITY, aksEgressPolicyCollections(location, egress));
    rulesId = b.net(TYPES.ruleCollectionGroup, childId(policyId, "ruleCollectionGroups", group), `firewall rules ${group}`, [policyId], body);
    if (exposed.length > 0) {
      // A group of its own: delete removes it alone, and the egress group stays as create wrote it.
      const g = NAMES.exposeRuleCollectionGroup;
      const dnat = ruleCollectionGroupBody(EXPOSE_GROUP_PRIORITY, policyExposeCollections(exposed, publicAddress));
      // Azure writes one group of a policy at a time (a concurrent PUT fails with a conflict): after the egress group.
      exposeId = b.net(TYPES.ruleCollectionGroup, childId(policyId, "ruleCollectionGroups", g), `firewall rules ${g}`, [policyId, rulesId, publicIpId], dnat);
    }
    rules = { firewallPolicyId: policyId };
  }
  const fwName = DERIVED.firewall(name);
  const firewallId = b.net(
    TYPES.firewall,
    providerId(netRgId, TYPES.firewall, fwName),
    `firewall ${fwName}`,
    [fwSubnetId, publicIpId, management?.subnetId, management?.publicIpId, rulesId, exposeId],
    firewallBody(location, tags, { tier, subnetId: fwSubnetId, publicIpId, management, ...rules, ...(zones === undefined ? {} : { zones }) }),
  );
  return { firewallId, publicIpId };
}

/**
 * FWS-05: the route table sends 0.0.0.0/0 to the firewall's planned private IP (the 4th address of its subnet).
 * After the firewall exists, the executor checks Azure agrees: a message when it does not, else undefined.
 */
export function firewallIpMismatch(desired: readonly DesiredResource[], firewall: Record<string, unknown>): string | undefined {
  const planned = desired
    .filter((r) => r.type === TYPES.routeTable)
    .flatMap((r) => (valueAt(r.body, "properties.routes") as RouteBody[] | undefined) ?? [])
    .find((r) => r.name === NAMES.defaultRoute)?.properties.nextHopIpAddress;
  if (planned === undefined) return undefined;
  const configs = valueAt(firewall, "properties.ipConfigurations");
  const actual = Array.isArray(configs) ? valueAt(configs[0], "properties.privateIPAddress") : undefined;
  if (actual === planned) return undefined;
  return `the firewall's private IP is ${actual === undefined ? "unknown" : String(actual)}, but the route table sends 0.0.0.0/0 to ${planned}`;
}

function required(value: string | undefined, what: string, hint?: string): string {
  if (value === undefined || value === "") throw new UsageError(`create needs ${what}`, hint);
  return value;
}

/** `e.g. --flag 10.1.4.0/26`: the lowest /26 of the VNet clear of its planned and existing subnets (FWS-01), if any. */
function freeRangeHint(spec: ClusterSpec, flag: string): string | undefined {
  const parsed = (list: (string | undefined)[]) => list.flatMap((t) => (t === undefined ? [] : [parseCidr(t)])).flatMap((p) => (p.ok ? [p.value] : []));
  const taken = parsed([spec.vnet.subnetCidr, spec.vnet.podSubnetCidr, spec.firewall.managementSubnetCidr, ...spec.vnet.existingSubnets.map((s) => s.cidr)]);
  const free = findFreeRange(26, parsed(spec.vnet.addressSpaces), taken);
  return free === undefined ? undefined : `e.g. ${flag} ${free.canonical} (free in the VNet; Azure Firewall needs a /26)`;
}

/** The user's routes, named after their prefix; those whose prefix aks-net sets itself are left out. */
function userRoutes(spec: ClusterSpec, taken: readonly string[]): RouteBody[] {
  return spec.routes
    .filter((r) => !taken.includes(r.prefix))
    .map((r) => route(DERIVED.userRoute(r.prefix), r.prefix, r.nextHopType, r.nextHopIp));
}

/** The networkProfile with only the keys that apply: pod CIDRs only where the cluster has one (kubenet, overlay, BYO CNI); never dockerBridgeCidr. */
export function networkProfile(spec: ClusterSpec): Record<string, unknown> {
  const np: Record<string, unknown> = {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) np[key] = value;
  };
  set("networkPlugin", spec.networkPlugin);
  set("networkPluginMode", spec.networkPluginMode);
  if (spec.networkPolicy !== "none") set("networkPolicy", spec.networkPolicy);
  if (spec.networkPlugin === "azure") set("networkDataplane", spec.networkDataplane);
  const dualStack = (spec.ipFamilies ?? []).includes("IPv6");
  if (carriesPodCidr(spec)) {
    if (dualStack) set("podCidrs", spec.podCidrs ?? (spec.podCidr === undefined ? undefined : [spec.podCidr]));
    else set("podCidr", spec.podCidr);
  }
  if (dualStack) set("serviceCidrs", spec.serviceCidrs ?? (spec.serviceCidr === undefined ? undefined : [spec.serviceCidr]));
  else set("serviceCidr", spec.serviceCidr);
  set("dnsServiceIP", spec.dnsServiceIP);
  set("outboundType", spec.outboundType);
  // The user's outbound knobs go through as the AKS API names them; LB-04/LB-05 reject them with other outbound types.
  if (spec.outboundType === "managedNATGateway") {
    // One managed IPv4 address unless the user gives a count or brings IPs or prefixes (a StandardV2 gateway's IPv6 count adds to it).
    const nat = structuredClone(spec.natGatewayProfile ?? {});
    const own = (nat.outboundIPs?.publicIPs ?? []).length > 0 || (nat.outboundIPPrefixes?.publicIPPrefixes ?? []).length > 0;
    const managed = own ? nat.managedOutboundIPProfile : { count: 1, ...nat.managedOutboundIPProfile };
    np["natGatewayProfile"] = { ...nat, ...(managed === undefined ? {} : { managedOutboundIPProfile: managed }) };
  }
  if (spec.outboundType === "loadBalancer" && spec.loadBalancerProfile !== undefined) {
    np["loadBalancerProfile"] = structuredClone(spec.loadBalancerProfile);
  }
  set("loadBalancerSku", spec.loadBalancerSku);
  set("ipFamilies", spec.ipFamilies);
  return np;
}

/** Drops every dependency already implied by another one (transitive reduction), keeping order. Also used by delete (core/teardown.ts). */
export function minimiseDependencies<T extends DesiredResource>(resources: T[]): T[] {
  const deps = new Map(resources.map((r) => [r.resourceId, r.dependsOn]));
  const reach = new Map<string, Set<string>>();
  const reachable = (id: string): Set<string> => {
    let set = reach.get(id);
    if (set) return set;
    set = new Set();
    reach.set(id, set);
    for (const d of deps.get(id) ?? []) {
      set.add(d);
      for (const x of reachable(d)) set.add(x);
    }
    return set;
  };
  return resources.map((r) => {
    const unique = [...new Set(r.dependsOn)];
    return { ...r, dependsOn: unique.filter((d) => !unique.some((other) => other !== d && reachable(other).has(d))) };
  });
}

// ---------------------------------------------------------------------------------------------------------------
// diffPlan

/** One difference between a desired body and what Azure has; `path` is the raw body path. */
interface Difference {
  path: string;
  text: string;
  desired: unknown;
  observed: unknown;
  /** A reference whose value does not exist yet: the executor compares again once it does. */
  pending?: boolean;
}

/** Body paths whose lists aks-net only ever adds to (it never removes a user's address space). */
const ADDITIVE = new Set(["properties.addressSpace.addressPrefixes"]);
/** Keys Azure computes; never compared, never sent back. */
const READ_ONLY = new Set(["etag", "eTag", "provisioningState", "resourceGuid", "systemData"]);

/** Per type: paths Azure cannot change in place. Cluster-wide network settings are fixed at create. */
const IMMUTABLE: Record<string, RegExp> = {
  [TYPES.managedCluster]:
    /^(properties\.apiServerAccessProfile\.(enablePrivateCluster|privateDNSZone|subnetId)|properties\.networkProfile\.(networkPlugin|serviceCidrs?|podCidrs?|dnsServiceIP|loadBalancerSku|ipFamilies)|properties\.agentPoolProfiles\[[^\]]+\]\.(vnetSubnetID|podSubnetID|vmSize|osType|maxPods|availabilityZones)|properties\.windowsProfile\.adminUsername)$/,
  [TYPES.roleAssignment]: /^properties\./,
  [TYPES.publicIp]: /^(sku\.name|zones|properties\.publicIPAddressVersion)$/,
  [TYPES.firewall]: /^(zones|properties\.sku\.name)$/,
  // A Standard NAT gateway "cannot be upgraded in place" to StandardV2 (nat-sku.md).
  [TYPES.natGateway]: /^(sku\.name|zones)$/,
};

/**
 * Compares the desired resources with what Azure has. Only properties aks-net sets are compared (case-insensitively,
 * since Azure echoes enums and ids in its own case); read-only properties, tags and extra list items are ignored.
 * Existing resources without aks-net's tags are adopted, never re-tagged; an update body is the observed resource
 * with aks-net's properties laid over it, so a PUT keeps the user's subnets, routes, NSGs and address spaces.
 */
export function diffPlan(desired: DesiredResource[], observed: ObservedState): Plan {
  const byId = indexById(observed);
  const lookup: RefLookup = (id, path) => valueAt(byId.get(id.toLowerCase()), path);
  const operations: Operation[] = [];
  const refusals: Refusal[] = [];

  for (const want of desired) {
    const have = byId.get(want.resourceId.toLowerCase());
    if (have === undefined) {
      operations.push({ ...want, action: "create" });
      continue;
    }
    const current = normaliseObserved(want.type, have);
    const diffs: Difference[] = [];
    compare(comparable(want), current, "", diffs, lookup);
    diffs.push(...userTagDiffs(want.body, current));
    if (want.type === TYPES.managedCluster) diffs.push(...modeDowngrade(want.body, current));
    const adopted = ownedByAksNet(want, have, byId) === false;
    if (diffs.length === 0) {
      operations.push({ ...want, action: "unchanged", reason: adopted ? "exists, not created by aks-net: adopted as is" : "exists and matches" });
      continue;
    }
    const refused = diffs.filter((d) => isImmutable(want.type, d, current));
    for (const d of refused) refusals.push({ resourceId: want.resourceId, reason: `${d.text}: Azure cannot change this in place` });
    const reason = diffs.map((d) => d.text).join("; ") + (adopted ? " (not created by aks-net; its tags stay as they are)" : "");
    operations.push({ ...want, action: "update", reason, body: mergeForUpdate(current, want.body), desired: want.body });
  }
  return { operations, refusals };
}

/**
 * Tagged resources by their tags; subnets and routes, which cannot carry tags, by their parent's (undefined when the
 * parent was not read); role assignments by their `aks-net:` description.
 */
function ownedByAksNet(want: DesiredResource, have: Record<string, unknown>, byId: ReadonlyMap<string, Record<string, unknown>>): boolean | undefined {
  if (want.type === TYPES.roleAssignment) return String(valueAt(have, "properties.description") ?? "").startsWith("aks-net:");
  if (want.type === TYPES.subnet || want.type === TYPES.route) {
    const parent = byId.get(want.resourceId.slice(0, want.resourceId.lastIndexOf("/", want.resourceId.lastIndexOf("/") - 1)).toLowerCase());
    return parent === undefined ? undefined : hasOwnerTag(parent);
  }
  return hasOwnerTag(have);
}

function hasOwnerTag(body: Record<string, unknown>): boolean {
  const tags = body["tags"];
  // A resource group carries only its proof (no cluster marks).
  return isObject(tags) && Object.entries(tags).some(([k, v]) => (k.toLowerCase() === OWNER_TAG && String(v).toLowerCase() === OWNER_VALUE) || k.toLowerCase() === PROOF_TAG);
}

/** The desired body as compared: tags are never compared (adoption); an existing resource group is used wherever it is. */
function comparable(want: DesiredResource): Record<string, unknown> {
  if (want.type === TYPES.resourceGroup) return {};
  const { tags: _tags, ...body } = ownProperties(want.body);
  return body;
}

/** The properties aks-net owns in a body: an autoscaled pool's count belongs to the autoscaler. */
function ownProperties(body: Record<string, unknown>): Record<string, unknown> {
  const pools = valueAt(body, "properties.agentPoolProfiles");
  if (!Array.isArray(pools) || !pools.some((p) => isObject(p) && p["enableAutoScaling"] === true)) return body;
  const copy = structuredClone(body);
  for (const p of valueAt(copy, "properties.agentPoolProfiles") as Record<string, unknown>[]) {
    if (p["enableAutoScaling"] === true) delete p["count"];
  }
  return copy;
}

/** Only set keys are compared, so leaving overlay (desired mode unset, Azure has overlay) needs its own check. */
function modeDowngrade(want: Record<string, unknown>, have: Record<string, unknown>): Difference[] {
  const path = "properties.networkProfile.networkPluginMode";
  const observed = valueAt(have, path);
  if (valueAt(want, path) !== undefined || !equalish(observed, "overlay")) return [];
  return [{ path, text: `${shown(path)} is ${show(observed)}, plan not set`, desired: undefined, observed }];
}

/** Azure returns a subnet's single prefix in `addressPrefixes` on some api-versions. */
function normaliseObserved(type: string, body: Record<string, unknown>): Record<string, unknown> {
  if (type !== TYPES.subnet) return body;
  const props = isObject(body["properties"]) ? body["properties"] : {};
  const list = props["addressPrefixes"];
  if (props["addressPrefix"] !== undefined || !Array.isArray(list) || list.length !== 1) return body;
  const { addressPrefixes: _list, ...rest } = props;
  return { ...body, properties: { ...rest, addressPrefix: list[0] } };
}

function isImmutable(type: string, d: Difference, current: Record<string, unknown>): boolean {
  if (d.pending === true) return false;
  if (d.path === "location") return true;
  if (type === TYPES.managedCluster && d.path === "properties.networkProfile.networkPluginMode") {
    return equalish(d.observed, "overlay"); // overlay cannot be undone; migrating to overlay can be done
  }
  if (type === TYPES.subnet && (d.path === "properties.addressPrefix" || d.path === "properties.addressPrefixes")) return subnetInUse(current);
  return IMMUTABLE[type]?.test(d.path) ?? false;
}

/** A subnet with NICs, endpoints or service links in it cannot change its prefix. */
function subnetInUse(body: Record<string, unknown>): boolean {
  const props = isObject(body["properties"]) ? body["properties"] : {};
  return ["ipConfigurations", "privateEndpoints", "serviceAssociationLinks", "resourceNavigationLinks"].some((k) => {
    const v = props[k];
    return Array.isArray(v) && v.length > 0;
  });
}

function compare(want: unknown, have: unknown, path: string, out: Difference[], lookup: RefLookup): void {
  // Azure never returns a secret: nothing to compare, and an update leaves it out (mergeForUpdate).
  if (secretName(want) !== undefined) return;
  if (typeof want === "string") {
    const m = REF_PATTERN.exec(want);
    if (m) {
      const value = lookup(m[1] as string, m[2] as string);
      if (value === undefined) {
        out.push({ path, text: `${shown(path)} waits for ${nameOf(m[1] as string)}`, desired: want, observed: have, pending: true });
        return;
      }
      want = m[3] === undefined ? value : `${String(value)}${m[3]}`;
    }
  }
  if (Array.isArray(want)) {
    compareList(want, Array.isArray(have) ? have : [], path, out, lookup);
    return;
  }
  if (isObject(want)) {
    const obj = isObject(have) ? have : {};
    for (const [key, value] of Object.entries(want)) {
      if (READ_ONLY.has(key)) continue;
      compare(value, getKey(obj, key), path === "" ? key : `${path}.${key}`, out, lookup);
    }
    return;
  }
  if (path === "location" && typeof want === "string" && typeof have === "string") {
    // ARM echoes `West Europe` as `westeurope`.
    [want, have] = [regionName(want), regionName(have)];
  }
  if (!equalish(want, have)) {
    const text = have === undefined ? `${shown(path)} is not set, plan ${show(want)}` : `${shown(path)} is ${show(have)}, plan ${show(want)}`;
    out.push({ path, text, desired: want, observed: have });
  }
}

/** Named items match by name (extra observed items are someone else's); other lists compare whole, or additively. */
function compareList(want: unknown[], have: unknown[], path: string, out: Difference[], lookup: RefLookup): void {
  if (ADDITIVE.has(path)) {
    const missing = want.filter((w) => !have.some((h) => equalish(w, h)));
    if (missing.length > 0) out.push({ path, text: `${shown(path).replace(/\.addressPrefixes$/, "")} adds ${missing.join(", ")}`, desired: want, observed: have });
    return;
  }
  if (want.every((w) => isObject(w) && typeof w["name"] === "string")) {
    for (const w of want as Record<string, unknown>[]) {
      const h = have[findItem(have, w)] as Record<string, unknown> | undefined;
      const itemPath = `${path}[${String(w["name"])}]`;
      if (h === undefined) out.push({ path: itemPath, text: `${shown(path)} lacks ${String(w["name"])}`, desired: w, observed: undefined });
      else compare({ ...w, name: h["name"] }, h, itemPath, out, lookup); // matched by prefix: the name is Azure's
    }
    return;
  }
  if (want.every((w) => isObject(w))) {
    // Unnamed objects (protocols, public IP references): each wanted item must match some item Azure has.
    const unmatched = want.filter((w) => !holdsItem(have, w, path, lookup));
    if (unmatched.length > 0) out.push({ path, text: `${shown(path)} lacks ${show(unmatched)}`, desired: want, observed: have });
    return;
  }
  if (want.length !== have.length || want.some((w, i) => !equalish(w, have[i]))) {
    out.push({ path, text: `${shown(path)} is ${show(have)}, plan ${show(want)}`, desired: want, observed: have });
  }
}

/** Some item of `have` carries everything of the unnamed item `w` (references resolved through `lookup`). */
function holdsItem(have: readonly unknown[], w: unknown, path: string, lookup: RefLookup): boolean {
  return have.some((h) => {
    const probe: Difference[] = [];
    compare(w, h, path, probe, lookup);
    return probe.length === 0;
  });
}

/** What makes two items of a list the same thing whatever their names: a route table holds one route per prefix, a firewall one IP configuration per subnet. */
const IDENTITY_PATHS = ["properties.addressPrefix", "properties.subnet.id"];

/**
 * The index of the same list item: same name, else the same identity (a route written by kubenet or by hand under
 * another name is the route aks-net plans for that prefix; a firewall's IP configuration named by its creator is
 * the one aks-net plans in that subnet).
 */
export function findItem(list: readonly unknown[], want: Record<string, unknown>): number {
  const byName = list.findIndex((h) => isObject(h) && equalish(h["name"], want["name"]));
  if (byName >= 0) return byName;
  for (const path of IDENTITY_PATHS) {
    const v = valueAt(want, path);
    if (v !== undefined) return list.findIndex((h) => equalish(valueAt(h, path), v));
  }
  return -1;
}

/** Azure echoes enums, ids and booleans in its own case or type (`Standard`/`standard`, `"1"`/`1`). */
function equalish(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined || a === null || b === null) return a === b;
  if (typeof a === "object" || typeof b === "object") return JSON.stringify(a) === JSON.stringify(b);
  return String(a).toLowerCase() === String(b).toLowerCase();
}

/** A key lookup that ignores case: resource ids used as keys (userAssignedIdentities) come back lower-cased. */
function getKey(obj: Record<string, unknown>, key: string): unknown {
  if (key in obj) return obj[key];
  const lower = key.toLowerCase();
  const found = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return found === undefined ? undefined : obj[found];
}

/** A path for people: `properties.` segments are noise. */
function shown(path: string): string {
  return path.replace(/(^|\.)properties\./g, "$1").replace(/^properties$/, "");
}

function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * The PUT body of an update: the observed resource (read-only keys dropped, tags kept as they are) with aks-net's
 * properties laid over it. Named lists (subnets, routes, rule collections) keep items aks-net did not plan;
 * address spaces only grow; an autoscaled pool keeps the count its autoscaler set.
 */
export function mergeForUpdate(observed: Record<string, unknown>, desired: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, name: _name, type: _type, tags, ...rest } = observed;
  const { tags: _wantTags, ...want } = ownProperties(desired);
  const merged = withoutIdentityIds(merge(rest, want, "") as Record<string, unknown>);
  const mine = hasOwnerTag(observed) ? userTagsOf(desired) : [];
  if (mine.length === 0) return tags === undefined ? merged : { ...merged, tags };
  // A resource aks-net made gets the user's tags laid over the ones it has: others' tags and aks-net's own stay.
  const laid: Record<string, unknown> = isObject(tags) ? { ...tags } : {};
  for (const [k, v] of mine) {
    for (const old of Object.keys(laid)) if (old.toLowerCase() === k.toLowerCase()) delete laid[old];
    laid[k] = v;
  }
  return { ...merged, tags: laid };
}

/**
 * A user-assigned identity's principalId and clientId are read-only (ARM common types: "The dictionary values can be
 * empty objects ({}) in requests"): an update sends each entry without them, anything else in it as Azure has it.
 */
function withoutIdentityIds(body: Record<string, unknown>): Record<string, unknown> {
  const identity = body["identity"];
  const uai = isObject(identity) ? identity["userAssignedIdentities"] : undefined;
  if (!isObject(identity) || !isObject(uai)) return body;
  const entries = Object.entries(uai).map(([k, v]) => [k, isObject(v) ? Object.fromEntries(Object.entries(v).filter(([x]) => x !== "principalId" && x !== "clientId")) : v]);
  return { ...body, identity: { ...identity, userAssignedIdentities: Object.fromEntries(entries) } };
}

/** Tag names aks-net writes itself: never compared as the user's, never replaced by them. */
export function isOwnershipTag(name: string): boolean {
  const n = name.toLowerCase();
  return n === OWNER_TAG || n === CLUSTER_TAG || n.startsWith("aks-net-");
}

/** The user's tags in a desired body (its tags but aks-net's own). */
function userTagsOf(body: Record<string, unknown>): [string, string][] {
  const tags = body["tags"];
  return isObject(tags) ? Object.entries(tags).filter(([k]) => !isOwnershipTag(k)).map(([k, v]) => [k, String(v)]) : [];
}

/**
 * The user's tags missing or different on a resource aks-net made (names compare case-insensitively, values exactly,
 * as Azure does). A resource aks-net did not make keeps its tags as they are.
 */
function userTagDiffs(want: Record<string, unknown>, have: Record<string, unknown>): Difference[] {
  if (!hasOwnerTag(have)) return [];
  const tags = isObject(have["tags"]) ? have["tags"] : {};
  const out: Difference[] = [];
  for (const [k, v] of userTagsOf(want)) {
    const found = Object.keys(tags).find((t) => t.toLowerCase() === k.toLowerCase());
    const observed = found === undefined ? undefined : tags[found];
    if (observed === v) continue;
    out.push({ path: `tags.${k}`, text: observed === undefined ? `tag ${k} is not set, plan ${v}` : `tag ${k} is ${show(observed)}, plan ${v}`, desired: v, observed });
  }
  return out;
}

/**
 * The part of an update body (`merged`, from mergeForUpdate) that the plan decided: `desired` without its tags and an
 * autoscaler's counts (which the merge leaves as Azure has them), each named item under the name Azure gave it. The
 * port must send all of it; what else the body carries came from Azure (read-only keys the SDK may drop included).
 */
export function plannedPart(merged: Record<string, unknown>, desired: Record<string, unknown>): Record<string, unknown> {
  const { tags: _tags, ...want } = ownProperties(desired);
  return project(merged, want) as Record<string, unknown>;
}

function project(have: unknown, want: unknown): unknown {
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || !want.every((w) => isObject(w) && typeof w["name"] === "string")) return want;
    return (want as Record<string, unknown>[]).map((w) => {
      const h = have[findItem(have, w)];
      return isObject(h) ? project(h, { ...w, name: h["name"] }) : w;
    });
  }
  if (!isObject(want)) return want;
  const obj = isObject(have) ? have : {};
  return Object.fromEntries(Object.entries(want).map(([k, v]) => [k, project(getKey(obj, k), v)]));
}

function merge(have: unknown, want: unknown, path: string): unknown {
  if (Array.isArray(want)) {
    const list = Array.isArray(have) ? have.map(stripReadOnly) : [];
    if (ADDITIVE.has(path)) return [...list, ...want.filter((w) => !list.some((h) => equalish(w, h)))];
    if (want.every((w) => isObject(w) && typeof w["name"] === "string")) {
      const result = [...list];
      for (const w of want as Record<string, unknown>[]) {
        const i = findItem(result, w);
        // A match by prefix keeps Azure's name: renaming a route would delete and re-add it.
        if (i < 0) result.push(structuredClone(w));
        else result[i] = { ...(merge(result[i], w, `${path}[]`) as Record<string, unknown>), name: (result[i] as Record<string, unknown>)["name"] };
      }
      return result;
    }
    if (want.every(isObject)) {
      // Unnamed objects (public IP references, service endpoints): diffPlan lets Azure hold more than the plan, so an
      // update keeps every item Azure has and adds the planned ones it lacks (a user's second NAT gateway IP stays).
      return [...list, ...want.filter((w) => !holdsItem(list, w, path, () => undefined)).map((w) => structuredClone(w))];
    }
    return structuredClone(want);
  }
  if (isObject(want)) {
    const base = isObject(have) ? (stripReadOnly(have) as Record<string, unknown>) : {};
    for (const [key, value] of Object.entries(want)) {
      if (secretName(value) !== undefined) continue; // Azure keeps the secret it has
      const existing = Object.keys(base).find((k) => k.toLowerCase() === key.toLowerCase());
      if (existing !== undefined && existing !== key) delete base[existing];
      base[key] = merge(existing === undefined ? undefined : (have as Record<string, unknown>)[existing], value, path === "" ? key : `${path}.${key}`);
    }
    return base;
  }
  return want;
}

function stripReadOnly(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripReadOnly);
  if (!isObject(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => !READ_ONLY.has(k)).map(([k, x]) => [k, stripReadOnly(x)]));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

// ---------------------------------------------------------------------------------------------------------------
// JSON form and critical path

/** One operation in the JSON plan: exactly these keys, in this order. */
export interface OperationJson {
  action: Action;
  type: string;
  resourceId: string;
  apiVersion: string;
  dependsOn: string[];
  body: Record<string, unknown>;
}

/** `create --dry-run --output json`: `{"operations": [...]}`, plus `refusals` only when there are any. */
export interface PlanJson {
  operations: OperationJson[];
  refusals?: Refusal[];
}

export function planToJson(plan: Plan): PlanJson {
  const json: PlanJson = {
    operations: plan.operations.map((o) => ({
      action: o.action,
      type: o.type,
      resourceId: o.resourceId,
      apiVersion: o.apiVersion,
      dependsOn: [...o.dependsOn],
      body: o.body,
    })),
  };
  if (plan.refusals.length > 0) json.refusals = plan.refusals.map((r) => ({ resourceId: r.resourceId, reason: r.reason }));
  return json;
}

/** The longest chain of dependent steps: its total duration and the resource ids along it, first step first. */
export interface CriticalPath {
  duration: number;
  path: string[];
}

/**
 * The critical path of the dependency graph, given a duration per resource type (types not listed take 0):
 * the least wall time any executor can reach, since independent steps may run in parallel.
 */
export function criticalPath(desired: readonly DesiredResource[], durationsByType: Readonly<Record<string, number>>): CriticalPath {
  const byId = new Map(desired.map((r) => [r.resourceId, r]));
  const memo = new Map<string, CriticalPath>();
  const longest = (id: string): CriticalPath => {
    const hit = memo.get(id);
    if (hit) return hit;
    const r = byId.get(id);
    if (r === undefined) return { duration: 0, path: [] };
    memo.set(id, { duration: 0, path: [] }); // a dependency cycle ends here instead of recursing forever
    let best: CriticalPath = { duration: 0, path: [] };
    for (const d of r.dependsOn) {
      const p = longest(d);
      if (best.path.length === 0 || p.duration > best.duration) best = p;
    }
    const result = { duration: best.duration + (durationsByType[r.type] ?? 0), path: [...best.path, id] };
    memo.set(id, result);
    return result;
  };
  let best: CriticalPath = { duration: 0, path: [] };
  for (const r of desired) {
    const p = longest(r.resourceId);
    if (best.path.length === 0 || p.duration > best.duration) best = p;
  }
  return best;
}
