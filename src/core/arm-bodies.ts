/**
 * Pure ARM request bodies and resource ids for everything aks-net builds. No topology decisions here
 * (those live in plan.ts): each builder turns plain values, or reference tokens, into the exact PUT body.
 */
import { sha256Hex } from "./crypto.ts";

/** api-versions the installed SDK clients send (read from node_modules/@azure/arm-*). */
export const API_VERSIONS = {
  /** @azure/arm-resources 8: resourceGroups. */
  resources: "2025-04-01",
  /** @azure/arm-network 39: hard-coded per operation. */
  network: "2026-01-01",
  /** @azure/arm-msi 2: userAssignedIdentities. */
  msi: "2024-11-30",
  /** @azure/arm-authorization 9: roleAssignments.create. */
  authorization: "2022-04-01",
  /** @azure/arm-containerservice 25.5: managedClusters. */
  containerService: "2026-06-01",
} as const;

export const TYPES = {
  resourceGroup: "Microsoft.Resources/resourceGroups",
  vnet: "Microsoft.Network/virtualNetworks",
  subnet: "Microsoft.Network/virtualNetworks/subnets",
  publicIp: "Microsoft.Network/publicIPAddresses",
  firewall: "Microsoft.Network/azureFirewalls",
  firewallPolicy: "Microsoft.Network/firewallPolicies",
  ruleCollectionGroup: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
  routeTable: "Microsoft.Network/routeTables",
  route: "Microsoft.Network/routeTables/routes",
  natGateway: "Microsoft.Network/natGateways",
  nsg: "Microsoft.Network/networkSecurityGroups",
  identity: "Microsoft.ManagedIdentity/userAssignedIdentities",
  roleAssignment: "Microsoft.Authorization/roleAssignments",
  managedCluster: "Microsoft.ContainerService/managedClusters",
} as const;

/** Built-in Network Contributor role (join subnets, edit route tables). */
export const NETWORK_CONTRIBUTOR_ROLE = "4d97b98b-1d4f-4787-a291-c67834d212e7";
/** Built-in Contributor role (the App Gateway add-on's identity on a gateway you bring). */
export const CONTRIBUTOR_ROLE = "b24988ac-6180-11e8-9d2e-08002b2bdf76";
/** Built-in Private DNS Zone Contributor role: AKS writes a private cluster's API server record into a brought zone. */
export const PRIVATE_DNS_ZONE_CONTRIBUTOR_ROLE = "b12aa53e-6015-4669-85d0-8515ebb3ae7f";
/** Built-in Managed Identity Operator role: the cluster identity assigns a brought kubelet identity (use-managed-identity.md). */
export const MANAGED_IDENTITY_OPERATOR_ROLE = "f1a07417-d97a-45cb-824c-7a7467783830";

export type Tags = Record<string, string>;
type Body = Record<string, unknown>;

// ---- ids ----

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** `/subscriptions/s/resourceGroups/rg/providers/<type>/<name>`; for child types pass the parent id instead of the RG id. */
export function providerId(rgId: string, type: string, name: string): string {
  return `${rgId}/providers/${type}/${name}`;
}

export function childId(parentId: string, collection: string, name: string): string {
  return `${parentId}/${collection}/${name}`;
}

export function roleDefinitionId(subscriptionId: string, role: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}

/**
 * A role assignment name must be a GUID; deriving it from (scope, identity, role) lets a re-run find the same
 * assignment instead of failing with RoleAssignmentExists. Formatted as a name-based (version 5 style) UUID.
 */
export function roleAssignmentName(scope: string, identityId: string, roleDefId: string): string {
  const hex = sha256Hex(`${scope.toLowerCase()}|${identityId.toLowerCase()}|${roleDefId.toLowerCase()}`);
  const variant = ((parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function roleAssignmentId(scope: string, name: string): string {
  return `${scope}/providers/${TYPES.roleAssignment}/${name}`;
}

/** The last segment of an ARM id (the resource's name). */
export function nameOf(resourceId: string): string {
  return resourceId.slice(resourceId.lastIndexOf("/") + 1);
}

// ---- bodies ----

const idRef = (id: string): { id: string } => ({ id });

/** Resource groups and identities: location and tags only. */
export function locatedBody(location: string, tags: Tags): Body {
  return { location, tags };
}

/**
 * A VNet's address spaces (and DNS servers, when aks-net points them at its firewall's DNS proxy) only: subnets are
 * separate child resources, because a VNet PUT replaces its subnet list.
 */
export function vnetBody(location: string, tags: Tags, addressPrefixes: readonly string[], dnsServers?: readonly string[]): Body {
  const properties: Body = { addressSpace: { addressPrefixes: [...addressPrefixes] } };
  if (dnsServers !== undefined) properties["dhcpOptions"] = { dnsServers: [...dnsServers] };
  return { location, tags, properties };
}

export interface SubnetOptions {
  routeTableId?: string;
  natGatewayId?: string;
  /** Dual-stack: the subnet's IPv6 /64; the body then lists both families in addressPrefixes. */
  ipv6Prefix?: string;
  /** Services the subnet is delegated to (API Server VNet Integration: Microsoft.ContainerService/managedClusters). */
  delegations?: readonly string[];
  networkSecurityGroupId?: string;
}

/** Subnets carry no tags in ARM; aks-net recognises its subnets by their planned name inside its VNet. */
export function subnetBody(addressPrefix: string, opts: SubnetOptions = {}): Body {
  const properties: Body = opts.ipv6Prefix === undefined ? { addressPrefix } : { addressPrefixes: [addressPrefix, opts.ipv6Prefix] };
  if (opts.routeTableId !== undefined) properties["routeTable"] = idRef(opts.routeTableId);
  if (opts.natGatewayId !== undefined) properties["natGateway"] = idRef(opts.natGatewayId);
  if (opts.delegations !== undefined) properties["delegations"] = opts.delegations.map((serviceName, i) => ({ name: `delegation${i === 0 ? "" : i}`, properties: { serviceName } }));
  if (opts.networkSecurityGroupId !== undefined) properties["networkSecurityGroup"] = idRef(opts.networkSecurityGroupId);
  return { properties };
}

/**
 * Standard SKU, static IPv4: what Azure Firewall (FWS-03) and NAT gateway both require. `zones` ["1","2","3"] makes
 * it zone-redundant (fixed at create: public-ip-addresses.md "Availability zone"). A StandardV2 NAT gateway takes a
 * StandardV2 public IP, zone-redundant without `zones` (nat-availability-zones.md).
 */
export function publicIpBody(location: string, tags: Tags, zones?: readonly string[], sku: "Standard" | "StandardV2" = "Standard", version: "IPv4" | "IPv6" = "IPv4"): Body {
  return {
    location,
    tags,
    ...(zones === undefined ? {} : { zones: [...zones] }),
    sku: { name: sku, tier: "Regional" },
    properties: { publicIPAllocationMethod: "Static", publicIPAddressVersion: version },
  };
}

/** A network security group with its inbound rules inline (a PUT replaces the list: updates merge by name, see diffPlan). */
export function nsgBody(location: string, tags: Tags, securityRules: readonly unknown[]): Body {
  return { location, tags, properties: { securityRules: structuredClone(securityRules) } };
}

/**
 * Standard (zonal or no zone) or StandardV2 (zone-redundant with no `zones`, as Microsoft's StandardV2 example sends it);
 * only StandardV2 takes IPv6 outbound IPs (`publicIpAddressesV6`, nat-sku.md).
 */
export function natGatewayBody(location: string, tags: Tags, publicIpId: string, sku: "Standard" | "StandardV2" = "Standard", publicIpV6Id?: string): Body {
  const properties: Record<string, unknown> = { idleTimeoutInMinutes: 4, publicIpAddresses: [idRef(publicIpId)] };
  if (publicIpV6Id !== undefined) properties["publicIpAddressesV6"] = [idRef(publicIpV6Id)];
  return { location, tags, sku: { name: sku }, properties };
}

export interface RouteBody {
  name: string;
  properties: { addressPrefix: string; nextHopType: string; nextHopIpAddress?: string };
}

/** One route, usable inside a route table body or as the body of a `routeTables/routes` child (`properties` only). */
export function route(name: string, addressPrefix: string, nextHopType: string, nextHopIpAddress?: string): RouteBody {
  const properties: RouteBody["properties"] = { addressPrefix, nextHopType };
  if (nextHopIpAddress !== undefined) properties.nextHopIpAddress = nextHopIpAddress;
  return { name, properties };
}

/** Routes given here are part of the table's PUT (a route table PUT replaces its route list: see diffPlan). */
export function routeTableBody(location: string, tags: Tags, routes: readonly RouteBody[]): Body {
  return { location, tags, properties: { disableBgpRoutePropagation: false, routes: routes.map((r) => structuredClone(r)) } };
}

/** A `routeTables/routes` child body. */
export function routeChildBody(r: RouteBody): Body {
  return { properties: { ...r.properties } };
}

export interface FirewallOptions {
  tier: string;
  subnetId: string;
  publicIpId: string;
  /** Basic SKU only (FWS-02). */
  management?: { subnetId: string; publicIpId: string };
  /** Standard: classic rule collections in the firewall's own body, so one PUT brings it up with its rules. */
  classic?: { applicationRuleCollections: unknown[]; networkRuleCollections: unknown[]; natRuleCollections?: unknown[] };
  /** Basic and Premium take no classic rules: their rules live in this firewall policy. */
  firewallPolicyId?: string;
  /** The firewall's DNS proxy (classic rules only: a policy carries its own DNS settings, see firewallPolicyBody). */
  dnsProxy?: boolean;
  /** The custom DNS servers the proxy forwards to (the VNet's, which then points at the firewall). */
  dnsServers?: readonly string[];
  /** Zone-redundant across these zones (set at deployment; its public IPs must be zone-redundant too). */
  zones?: readonly string[];
}

/** Classic firewalls take their DNS settings as additional properties (the REST spec's AzureFirewallAdditionalProperties). */
export const DNS_PROXY_PROPERTY = "Network.DNS.EnableProxy";
/** The DNS servers a classic firewall's proxy forwards to, comma-separated (default Azure DNS). */
export const DNS_SERVERS_PROPERTY = "Network.DNS.Servers";

export function firewallBody(location: string, tags: Tags, o: FirewallOptions): Body {
  const properties: Body = {
    sku: { name: "AZFW_VNet", tier: o.tier },
    threatIntelMode: "Alert",
    ipConfigurations: [{ name: "ipconfig", properties: { subnet: idRef(o.subnetId), publicIPAddress: idRef(o.publicIpId) } }],
  };
  if (o.management) {
    properties["managementIpConfiguration"] = {
      name: "mgmt-ipconfig",
      properties: { subnet: idRef(o.management.subnetId), publicIPAddress: idRef(o.management.publicIpId) },
    };
  }
  if (o.firewallPolicyId !== undefined) properties["firewallPolicy"] = idRef(o.firewallPolicyId);
  if (o.dnsProxy === true) properties["additionalProperties"] = { [DNS_PROXY_PROPERTY]: "true", ...(o.dnsServers === undefined ? {} : { [DNS_SERVERS_PROPERTY]: o.dnsServers.join(",") }) };
  if (o.classic) {
    properties["applicationRuleCollections"] = structuredClone(o.classic.applicationRuleCollections);
    properties["networkRuleCollections"] = structuredClone(o.classic.networkRuleCollections);
    if (o.classic.natRuleCollections !== undefined) properties["natRuleCollections"] = structuredClone(o.classic.natRuleCollections);
  }
  return { location, tags, ...(o.zones === undefined ? {} : { zones: [...o.zones] }), properties };
}

/** A firewall policy of the firewall's tier (a policy's tier must match its firewall's), with its DNS proxy when asked. */
export function firewallPolicyBody(location: string, tags: Tags, tier: string, dnsProxy = false, dnsServers?: readonly string[]): Body {
  const properties: Body = { sku: { tier }, threatIntelMode: "Alert" };
  if (dnsProxy) properties["dnsSettings"] = { enableProxy: true, ...(dnsServers === undefined ? {} : { servers: [...dnsServers] }) };
  return { location, tags, properties };
}

export function ruleCollectionGroupBody(priority: number, ruleCollections: unknown[]): Body {
  return { properties: { priority, ruleCollections: structuredClone(ruleCollections) } };
}

/** Network Contributor for the cluster identity; `principalId` is usually a reference token. */
export function roleAssignmentBody(roleDefId: string, principalId: string, description: string): Body {
  return { properties: { roleDefinitionId: roleDefId, principalId, principalType: "ServicePrincipal", description } };
}

export interface AgentPoolInput {
  name: string;
  mode: string;
  count: number;
  vmSize: string;
  osType: string;
  maxPods?: number;
  enableAutoScaling: boolean;
  minCount?: number;
  maxCount?: number;
  /** As the user gave them: absent means AKS's default, never pinned. */
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  vnetSubnetId?: string;
  podSubnetId?: string;
  /** Pod subnet only: DynamicIndividual (AKS's default) or StaticBlock. */
  podIPAllocationMode?: string;
  availabilityZones?: string[];
  /** Passed through as given. */
  nodeTaints?: string[];
  nodeLabels?: Record<string, string>;
}

export function agentPoolProfile(p: AgentPoolInput): Body {
  const pool: Body = { name: p.name, mode: p.mode, count: p.count, vmSize: p.vmSize, osType: p.osType, type: "VirtualMachineScaleSets" };
  if (p.maxPods !== undefined) pool["maxPods"] = p.maxPods;
  pool["enableAutoScaling"] = p.enableAutoScaling;
  if (p.enableAutoScaling) {
    if (p.minCount !== undefined) pool["minCount"] = p.minCount;
    if (p.maxCount !== undefined) pool["maxCount"] = p.maxCount;
  }
  if (p.vnetSubnetId !== undefined) pool["vnetSubnetID"] = p.vnetSubnetId;
  if (p.podSubnetId !== undefined) pool["podSubnetID"] = p.podSubnetId;
  if (p.podIPAllocationMode !== undefined) pool["podIPAllocationMode"] = p.podIPAllocationMode;
  if (p.availabilityZones !== undefined && p.availabilityZones.length > 0) pool["availabilityZones"] = [...p.availabilityZones];
  if (p.nodeTaints !== undefined && p.nodeTaints.length > 0) pool["nodeTaints"] = [...p.nodeTaints];
  if (p.nodeLabels !== undefined && Object.keys(p.nodeLabels).length > 0) pool["nodeLabels"] = { ...p.nodeLabels };
  // The API takes both as strings ("1" or "33%"); only the values the user gave.
  const upgrade: Record<string, string> = {};
  if (p.maxSurge !== undefined) upgrade["maxSurge"] = String(p.maxSurge).trim();
  if (p.maxUnavailable !== undefined) upgrade["maxUnavailable"] = String(p.maxUnavailable).trim();
  if (Object.keys(upgrade).length > 0) pool["upgradeSettings"] = upgrade;
  return pool;
}

export interface ClusterInput {
  location: string;
  tags: Tags;
  identityId: string;
  dnsPrefix: string;
  kubernetesVersion?: string;
  pools: AgentPoolInput[];
  /** Already shaped: only the keys that apply to the topology (never dockerBridgeCidr). */
  networkProfile: Body;
  /** With Windows pools: the administrator, and the password as a secret token (core/secrets.ts), never its value. */
  windowsProfile?: { adminUsername: string; adminPassword: string };
  /** Already shaped (only the keys given): private cluster, authorized IP ranges, VNet Integration. */
  apiServerAccessProfile?: Body;
  /** A brought kubelet identity: identityProfile.kubeletidentity (resourceId, clientId, objectId). */
  kubeletIdentity?: Record<string, string>;
  /** addonProfiles, already shaped (the App Gateway ingress controller: appGatewayAddon). */
  addonProfiles?: Body;
}

/** The add-on's key in addonProfiles (az's CONST_INGRESS_APPGW_ADDON_NAME). */
export const APPGW_ADDON = "ingressApplicationGateway";

/**
 * `addonProfiles.ingressApplicationGateway` as az aks create sends it for `--enable-addons ingress-appgw`: config keys
 * subnetCIDR (--appgw-subnet-cidr), subnetId (--appgw-subnet-id), applicationGatewayId (--appgw-id),
 * applicationGatewayName (--appgw-name); values are strings.
 */
export function appGatewayAddon(config: { subnetCIDR?: string; subnetId?: string; applicationGatewayId?: string; applicationGatewayName?: string }): Body {
  const c: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (v !== undefined) c[k] = v;
  return { [APPGW_ADDON]: { enabled: true, config: c } };
}

export function managedClusterBody(c: ClusterInput): Body {
  const properties: Body = { dnsPrefix: c.dnsPrefix };
  if (c.kubernetesVersion !== undefined) properties["kubernetesVersion"] = c.kubernetesVersion;
  properties["agentPoolProfiles"] = c.pools.map(agentPoolProfile);
  if (c.windowsProfile !== undefined) properties["windowsProfile"] = { ...c.windowsProfile };
  if (c.kubeletIdentity !== undefined) properties["identityProfile"] = { kubeletidentity: { ...c.kubeletIdentity } };
  properties["networkProfile"] = structuredClone(c.networkProfile);
  if (c.addonProfiles !== undefined) properties["addonProfiles"] = structuredClone(c.addonProfiles);
  if (c.apiServerAccessProfile !== undefined) properties["apiServerAccessProfile"] = structuredClone(c.apiServerAccessProfile);
  return {
    location: c.location,
    tags: c.tags,
    identity: { type: "UserAssigned", userAssignedIdentities: { [c.identityId]: {} } },
    properties,
  };
}

/** A DNS prefix from a cluster name: letters, digits and hyphens, alphanumeric at both ends, at most 54 characters. */
export function dnsPrefixFor(clusterName: string): string {
  const cleaned = clusterName
    .replace(/[^A-Za-z0-9-]/g, "-")
    .slice(0, 54)
    .replace(/^-+|-+$/g, "");
  return cleaned === "" ? "aks" : cleaned;
}
