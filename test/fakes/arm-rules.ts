/**
 * The Azure semantics of the fake ARM server: what a PUT must satisfy (sync 400s), what a finished LRO checks
 * (async Failed), what a DELETE refuses, and the read-only properties a GET computes. Modelled on the Network and
 * AKS resource providers so that the ORDER of aks-net's requests matters exactly as it does in Azure.
 */
import {
  ArmError, arr, cidrContains, cidrContainsIp, cidrOverlap, clone, ipv4ToString, isUnder, key, lastSegment, obj, parentOf,
  parseId, parseIpv4, parseV4Cidr, props, rgId, shortHash, stableGuid, str, typeOfId,
} from "./arm-util.ts";
import type { Json, V4Cidr } from "./arm-util.ts";

export const FAKE_TENANT_ID = "72f988bf-0000-4000-a000-000000000001";
/** Role definition GUIDs that let an identity join/modify a subnet. */
export const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7";
/** Built-in Managed Identity Operator: lets a principal assign a user-assigned identity to a resource. */
export const MANAGED_IDENTITY_OPERATOR = "f1a07417-d97a-45cb-824c-7a7467783830";
export const CONTRIBUTOR = "b24988ac-6180-11e8-9d2e-08002b2bdf76";
export const PRIVATE_DNS_ZONE_CONTRIBUTOR = "b12aa53e-6015-4669-85d0-8515ebb3ae7f";
export const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

export interface StoredResource {
  id: string;
  /** ARM type, canonical casing, e.g. `Microsoft.Network/virtualNetworks/subnets`. */
  type: string;
  body: Json;
}

/** What the rules may read from the store. */
export interface StoreView {
  raw(id: string): StoredResource | undefined;
  all(): StoredResource[];
  childrenOf(parentId: string, childType: string): StoredResource[];
  principals(): Set<string>;
}

/** A write the PUT handler applies: the resource itself plus child collections it replaces. */
export interface BuiltWrite {
  body: Json;
  upsertChildren: StoredResource[];
  removeChildren: string[];
  /** Extra resources created alongside (an AKS node resource group). */
  sideEffects: StoredResource[];
}

export interface BuildCtx {
  validate: boolean;
  existing: StoredResource | undefined;
  defaultLocation: string;
  /** provisioningState to store (Creating/Updating while an LRO runs; Succeeded for sync writes and seeds). */
  provisioningState: string;
  /** vCPU quota left in a location, not counting the cluster `excludeId` (for InsufficientVCPUQuota). */
  quota?: (location: string, excludeId: string) => QuotaView;
  /** The zones a region offers ([] without availability zones); absent = zones are not checked. */
  regionZones?: (location: string) => string[];
}

export interface QuotaView {
  sku(vmSize: string): { family: string; vCPUs: number; /** Zones the size is offered in, in this location. */ zones: string[] } | undefined;
  left(family: string): number;
  leftTotal: number;
}

const T = {
  vnet: "microsoft.network/virtualnetworks",
  subnet: "microsoft.network/virtualnetworks/subnets",
  peering: "microsoft.network/virtualnetworks/virtualnetworkpeerings",
  routeTable: "microsoft.network/routetables",
  route: "microsoft.network/routetables/routes",
  pip: "microsoft.network/publicipaddresses",
  firewall: "microsoft.network/azurefirewalls",
  nat: "microsoft.network/natgateways",
  nsg: "microsoft.network/networksecuritygroups",
  fwPolicy: "microsoft.network/firewallpolicies",
  ruleGroup: "microsoft.network/firewallpolicies/rulecollectiongroups",
  cluster: "microsoft.containerservice/managedclusters",
  identity: "microsoft.managedidentity/userassignedidentities",
  roleAssignment: "microsoft.authorization/roleassignments",
  rg: "microsoft.resources/resourcegroups",
} as const;
export const TYPES = T;

/** Canonical type casing for ids the SDK sends in any case. */
const CANONICAL: Record<string, string> = {
  [T.vnet]: "Microsoft.Network/virtualNetworks",
  [T.subnet]: "Microsoft.Network/virtualNetworks/subnets",
  [T.peering]: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
  [T.routeTable]: "Microsoft.Network/routeTables",
  [T.route]: "Microsoft.Network/routeTables/routes",
  [T.pip]: "Microsoft.Network/publicIPAddresses",
  [T.firewall]: "Microsoft.Network/azureFirewalls",
  [T.nat]: "Microsoft.Network/natGateways",
  [T.nsg]: "Microsoft.Network/networkSecurityGroups",
  [T.fwPolicy]: "Microsoft.Network/firewallPolicies",
  [T.ruleGroup]: "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
  [T.cluster]: "Microsoft.ContainerService/managedClusters",
  [T.identity]: "Microsoft.ManagedIdentity/userAssignedIdentities",
};

export function canonicalType(type: string): string {
  return CANONICAL[type.toLowerCase()] ?? type;
}

/** Resource types whose writes are long-running operations (everything in Microsoft.Network, AKS). */
export function isLroType(type: string): boolean {
  const t = type.toLowerCase();
  return t.startsWith("microsoft.network/") || t.startsWith("microsoft.containerservice/");
}

/** Child collections a parent PUT replaces (ARM: subnets omitted from a VNet PUT are deleted). */
const REPLACED_CHILDREN: Record<string, { prop: string; childType: string; replaceWhenAbsent: boolean }[]> = {
  [T.vnet]: [
    { prop: "subnets", childType: "subnets", replaceWhenAbsent: true },
    { prop: "virtualNetworkPeerings", childType: "virtualNetworkPeerings", replaceWhenAbsent: false },
  ],
  [T.routeTable]: [{ prop: "routes", childType: "routes", replaceWhenAbsent: true }],
};

// ---------------------------------------------------------------- building a PUT

/** Validates (when ctx.validate) and normalises a PUT body. Throws ArmError for synchronous rejections. */
export function buildWrite(view: StoreView, id: string, type: string, input: Json, ctx: BuildCtx): BuiltWrite {
  const t = type.toLowerCase();
  const parsed = parseId(id);
  const name = lastSegment(id);
  const isChild = (parsed?.types.length ?? 0) > 1;
  const body: Json = clone(input);
  delete body["id"];
  delete body["name"];
  delete body["type"];
  delete body["etag"];
  delete body["eTag"];
  const p: Json = { ...props(body) };
  const out: BuiltWrite = { body: {}, upsertChildren: [], removeChildren: [], sideEffects: [] };

  if (!isChild) {
    const location = str(body["location"]);
    if (!location) {
      if (ctx.validate) throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
    }
    body["location"] = (location ?? ctx.defaultLocation).toLowerCase().replace(/\s+/g, "");
  }
  if (ctx.validate) checkName(t, name);
  if (ctx.validate && !isChild) checkTags(body["tags"]);
  if (ctx.validate) checkReferences(view, id, t, body);
  if (ctx.validate && ctx.existing) checkProvisioningState(p, props(ctx.existing.body));
  if (ctx.validate) keepComputed(t, p, ctx.existing?.body);

  switch (t) {
    case T.vnet: buildVnet(view, id, p, ctx, out); break;
    case T.subnet: buildSubnet(view, id, p, ctx, undefined); break;
    case T.routeTable: buildRouteTable(view, id, p, ctx, out); break;
    case T.route: checkRoute(p, name, ctx); break;
    case T.pip: buildPublicIp(id, body, p, ctx); break;
    case T.firewall: buildFirewall(view, id, body, p, ctx); break;
    case T.ruleGroup:
      if (ctx.validate) {
        checkRuleGroupDns(view, id, p);
        checkPolicyDnat(p, policyFirewallIps(view, parentOf(id)));
      }
      break;
    case T.nat:
      body["sku"] ??= { name: "Standard" };
      p["idleTimeoutInMinutes"] ??= 4;
      if (ctx.validate) {
        checkNatZones(id, body, ctx);
        checkNatSku(view, id, body, p, ctx);
      }
      break;
    case T.peering: checkPeering(view, id, p, ctx); break;
    case T.nsg: buildNsg(id, p, ctx); break;
    case T.identity:
      p["principalId"] = stableGuid(`principal:${key(id)}`);
      p["clientId"] = stableGuid(`client:${key(id)}`);
      p["tenantId"] = FAKE_TENANT_ID;
      break;
    case T.cluster: buildCluster(view, id, body, p, ctx, out); break;
    default: break;
  }
  if (t !== T.identity && t !== T.roleAssignment) p["provisioningState"] = ctx.provisioningState;
  if (t === T.firewall || t === T.pip || t === T.vnet || t === T.routeTable || t === T.nat || t === T.nsg) {
    p["resourceGuid"] ??= stableGuid(`guid:${key(id)}`);
  }
  body["properties"] = p;
  out.body = {
    id,
    name,
    type: canonicalType(type),
    ...(t.startsWith("microsoft.network/") ? { etag: `W/"${stableGuid(`${key(id)}:${Date.now()}:${Math.random()}`)}"` } : {}),
    // AKS names its entity tag `eTag` (ManagedCluster, API 2024-05-01 and later) and honours If-Match on it.
    ...(t === T.cluster ? { eTag: stableGuid(`${key(id)}:${Date.now()}:${Math.random()}`) } : {}),
    ...body,
  };
  return out;
}

/**
 * Azure's naming rules per resource type ("Naming rules and restrictions for Azure resources",
 * azure-resource-manager/management/resource-name-rules), answered with the resource provider's own error:
 * Network 400 InvalidResourceName (VNets 2-64 characters, every other Network type 1-80), AKS 400 InvalidParameter,
 * Managed Identity 400 InvalidResourceName (3-128). Resource groups are checked by the resource group route.
 */
const NAME_RULES: { test: (t: string) => boolean; rule: RegExp; error: (name: string) => ArmError }[] = [
  {
    test: (t) => t === T.vnet,
    rule: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9_]$/,
    error: (name) => new ArmError(400, "InvalidResourceName", `Resource name ${name} is invalid. The name can be between 2 and 64 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`),
  },
  {
    test: (t) => t.startsWith("microsoft.network/"),
    rule: /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/,
    error: (name) => new ArmError(400, "InvalidResourceName", `Resource name ${name} is invalid. The name can be up to 80 characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'.`),
  },
  {
    test: (t) => t === T.cluster,
    rule: /^[A-Za-z0-9](?:[-_A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
    error: (name) => new ArmError(400, "InvalidParameter", `The value of parameter resourceName is invalid: '${name}'. The name can contain only letters, numbers, underscores and hyphens, must start and end with a letter or number, and be at most 63 characters long.`),
  },
  {
    test: (t) => t === T.identity,
    rule: /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/,
    error: (name) => new ArmError(400, "InvalidResourceName", `The resource name '${name}' is invalid. The name must begin with a letter or a number, be 3 to 128 characters long, and contain only letters, numbers, '-' and '_'.`),
  },
];

/**
 * Read-only properties (REST spec `readOnly`) Azure computes: a PUT never sets or clears them, whatever its body says.
 * A client may send them back as a GET gave them (the ARM RPC: a GET body can be changed and PUT back without
 * filtering read-only properties, Azure/oav#986) and the resource provider ignores them, keeping its own values; the
 * SDK drops the ones its model knows, aks-net's update bodies carry them. Seeds (validate off) may set them. Values the
 * fake recomputes on every write (provisioningState, a cluster's fqdn, powerState, ...) are restored and then recomputed.
 */
const COMPUTED: Record<string, string[]> = {
  [T.vnet]: ["resourceGuid", "flowLogs", "defaultPublicNatGateway"],
  [T.subnet]: ["ipConfigurations", "ipConfigurationProfiles", "privateEndpoints", "resourceNavigationLinks", "serviceAssociationLinks", "purpose"],
  [T.routeTable]: ["subnets", "resourceGuid"],
  [T.pip]: ["ipConfiguration", "resourceGuid"],
  [T.nat]: ["subnets", "resourceGuid"],
  [T.nsg]: ["subnets", "networkInterfaces", "resourceGuid"],
  [T.firewall]: ["resourceGuid"],
  [T.cluster]: ["powerState", "maxAgentPools", "currentKubernetesVersion", "fqdn", "azurePortalFQDN", "privateFQDN", "resourceUID"],
};

/**
 * ARM RPC (v1.0/async-api-reference.md): a PUT that echoes provisioningState as the server has it is accepted and the
 * value ignored; one that does not match is rejected with 400 BadRequest.
 */
function checkProvisioningState(p: Json, before: Json): void {
  const given = p["provisioningState"];
  if (given === undefined || String(given).toLowerCase() === String(before["provisioningState"]).toLowerCase()) return;
  throw new ArmError(400, "BadRequest", `The provisioningState '${String(given)}' in the request does not match the resource's current provisioningState '${String(before["provisioningState"])}'.`);
}

function keepComputed(t: string, p: Json, existing: Json | undefined): void {
  for (const k of COMPUTED[t] ?? []) {
    delete p[k];
    const before = existing ? props(existing)[k] : undefined;
    if (before !== undefined) p[k] = clone(before);
  }
}

/**
 * ARM's tag limits (tag-resources.md "Limitations"): tag names without < > % & \ ? / or control characters, answered
 * with ARM's InvalidTagNameCharacters. (The count and length limits are TAG-01..03's; their ARM answers are not modelled.)
 */
export function checkTags(tags: unknown): void {
  if (tags === undefined || tags === null) return;
  const entries = Object.entries(obj(tags));
  const bad = entries.map(([k]) => k).filter((k) => /[<>%&\\?/]/.test(k) || [...k].some((c) => c.charCodeAt(0) < 32));
  if (bad.length > 0) {
    throw new ArmError(400, "InvalidTagNameCharacters", `The tag names '${bad.join(",")}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`);
  }
}

/** Azure's 400 when `name` breaks its type's rule (NAME_RULES). */
function checkName(t: string, name: string): void {
  const rule = NAME_RULES.find((r) => r.test(t));
  if (rule && !rule.rule.test(name)) throw rule.error(name);
}

/**
 * Resource groups: 1-90 of '-', '_', '.', '(', ')' and letters or digits as .NET's Char.IsLetterOrDigit sees them
 * (one UTF-16 unit at a time: any Unicode letter, no surrogate pairs), not ending with '.'. ARM's own error.
 */
export function checkResourceGroupName(rg: string): void {
  const bad = [...new Set([...rg].filter((c) => c.length > 1 || !/^[-_.()\p{L}\p{Nd}]$/u.test(c)))];
  if (bad.length > 0) {
    throw new ArmError(400, "InvalidResourceGroup", `The provided resource group name '${rg}' has these invalid characters: '${bad.join("")}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`);
  }
  if (rg.length < 1 || rg.length > 90 || rg.endsWith(".")) {
    throw new ArmError(400, "InvalidResourceGroup", `The provided resource group name '${rg}' is invalid. Resource group names can be up to 90 characters long and cannot end with a period.`);
  }
}

/** A peering's two VNets may not overlap (ARM: VnetAddressSpacesOverlap); the remote's space is echoed. */
function checkPeering(view: StoreView, id: string, p: Json, ctx: BuildCtx): void {
  p["peeringSyncLevel"] ??= "FullyInSync";
  p["allowVirtualNetworkAccess"] ??= true;
  if (!ctx.validate) return;
  const localId = parentOf(id);
  const remoteId = str(obj(p["remoteVirtualNetwork"])["id"]);
  const local = view.raw(localId);
  const remote = remoteId ? view.raw(remoteId) : undefined;
  if (!local || !remote) return;
  for (const a of vnetPrefixes(local.body)) {
    for (const b of vnetPrefixes(remote.body)) {
      if (cidrOverlap(a, b)) {
        throw new ArmError(400, "VnetAddressSpacesOverlap", `Cannot create or update peering ${id}. Virtual networks ${localId} and ${remote.id} cannot be peered because their address spaces overlap. Overlapping address prefixes: ${a.text}, ${b.text}`);
      }
    }
  }
}

/** Read-only properties that may appear in a body copied from a GET and point at resources the fake never stores. */
const READ_ONLY_KEYS = new Set([
  "ipConfiguration", "resourceNavigationLinks", "serviceAssociationLinks", "privateEndpoints", "effectiveOutboundIPs",
  "identityProfile", "networkInterfaces", "ipConfigurationProfiles",
]);

/** 400 InvalidResourceReference when the body references an ARM id that does not exist (catches ordering bugs). */
function checkReferences(view: StoreView, selfId: string, t: string, body: Json): void {
  const skip = new Set(READ_ONLY_KEYS);
  if (t === T.vnet || t === T.subnet) skip.add("ipConfigurations");
  if (t === T.routeTable || t === T.nsg || t === T.nat) skip.add("subnets");
  const refs: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 30) return;
    if (typeof v === "string") {
      if (parseId(v)) refs.push(v);
      return;
    }
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v as Json)) {
        if (skip.has(k)) continue;
        walk(x, depth + 1);
      }
    }
  };
  walk(body["properties"], 0);
  for (const k of Object.keys(obj(obj(body["identity"])["userAssignedIdentities"]))) refs.push(k);
  const selfLocation = str(body["location"]) ?? str(view.raw(topLevelId(selfId))?.body["location"]);
  for (const ref of refs) {
    if (isUnder(ref, selfId)) continue;
    const rp = parseId(ref);
    if (!rp || /^MC_/i.test(rp.resourceGroup)) continue; // AKS-managed node resource group: computed ids
    const invalid = (): ArmError => new ArmError(
      400,
      "InvalidResourceReference",
      `Resource ${ref} referenced by resource ${selfId} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`,
    );
    if (!view.raw(ref)) throw invalid();
    // Network references stay in one region (global VNet peering is the exception).
    if (t !== T.peering && rp.namespace.toLowerCase() === "microsoft.network" && selfLocation) {
      const refLocation = str(view.raw(topLevelId(ref))?.body["location"]);
      // Global resources (private DNS zones) serve every region.
      if (refLocation && norm(refLocation) !== "global" && norm(refLocation) !== norm(selfLocation)) throw invalid();
    }
  }
}

function norm(location: string): string {
  return location.toLowerCase().replace(/\s+/g, "");
}

/** The top-level resource of a (child) resource id. */
export function topLevelId(id: string): string {
  return id.split("/").slice(0, 9).join("/");
}

function prefixOf(p: Json): string | undefined {
  return str(p["addressPrefix"]) ?? str(arr(p["addressPrefixes"])[0]);
}

function vnetPrefixes(vnetBody: Json): V4Cidr[] {
  return arr(obj(props(vnetBody)["addressSpace"])["addressPrefixes"])
    .map((x) => (typeof x === "string" ? parseV4Cidr(x) : undefined))
    .filter((x): x is V4Cidr => x !== undefined);
}

/** Validates one subnet against its VNet and siblings. `siblings` (name → prefix) defaults to the stored ones. */
function buildSubnet(view: StoreView, id: string, p: Json, ctx: BuildCtx, inVnet: { vnetBody: Json; siblings: Map<string, string> } | undefined): void {
  if (!ctx.validate) return;
  const name = lastSegment(id);
  const vnetId = parentOf(id);
  const vnetName = lastSegment(vnetId);
  const vnetBody = inVnet?.vnetBody ?? view.raw(vnetId)?.body ?? {};
  const text = prefixOf(p);
  if (!text) throw new ArmError(400, "InvalidRequestFormat", `Subnet '${name}' must have an addressPrefix or addressPrefixes.`);
  if (text.includes(":")) return; // IPv6: not modelled
  const c = parseV4Cidr(text);
  if (!c) throw new ArmError(400, "InvalidAddressPrefixFormat", `Address prefix ${text} for resource ${id} is not a valid IPv4 or IPv6 CIDR.`);
  if (c.hostBits) {
    throw new ArmError(400, "InvalidCIDRNotation", `The address prefix ${text} in resource ${id} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${c.text}.`);
  }
  if (c.bits > 29) throw new ArmError(400, "NetcfgInvalidSubnet", `Subnet '${name}' is not valid in virtual network '${vnetName}'. The smallest supported subnet is /29.`);
  if (!vnetPrefixes(vnetBody).some((v) => cidrContains(v, c))) {
    throw new ArmError(400, "NetcfgInvalidSubnet", `Subnet '${name}' is not valid in virtual network '${vnetName}'.`);
  }
  const siblings = inVnet?.siblings ?? new Map(view.childrenOf(vnetId, "subnets").map((s) => [s.body["name"] as string, prefixOf(props(s.body)) ?? ""]));
  for (const [other, otherText] of siblings) {
    if (other.toLowerCase() === name.toLowerCase()) continue;
    const o = parseV4Cidr(otherText);
    if (o && cidrOverlap(c, o)) {
      throw new ArmError(400, "NetcfgSubnetRangesOverlap", `Subnet '${name}' is not valid because its IP address range overlaps with that of an existing subnet '${other}' in virtual network '${vnetName}'.`);
    }
  }
  const existing = view.raw(id);
  if (existing) {
    const before = prefixOf(props(existing.body));
    const users = subnetUsers(view, existing.id);
    if (before && before !== text && users.length > 0) {
      throw new ArmError(400, "InUseSubnetCannotBeUpdated", `Subnet ${name} is in use by ${users[0]} and cannot be updated with address prefix ${text}.`);
    }
  }
  if (name === "AzureFirewallSubnet" && p["networkSecurityGroup"]) {
    throw new ArmError(400, "AzureFirewallSubnetCannotHaveNsg", "Network security group cannot be associated with subnet AzureFirewallSubnet.");
  }
}

function buildVnet(view: StoreView, id: string, p: Json, ctx: BuildCtx, out: BuiltWrite): void {
  const prefixes = arr(obj(p["addressSpace"])["addressPrefixes"]);
  if (ctx.validate && prefixes.length === 0) {
    throw new ArmError(400, "InvalidAddressSpace", `Virtual network ${id} must have at least one address prefix in addressSpace.`);
  }
  if (ctx.validate) {
    for (const x of prefixes) {
      const c = typeof x === "string" ? parseV4Cidr(x) : undefined;
      if (typeof x === "string" && !x.includes(":") && (!c || c.hostBits)) {
        throw new ArmError(400, "InvalidCIDRNotation", `The address prefix ${String(x)} in resource ${id} has an invalid CIDR notation.`);
      }
    }
  }
  splitChildren(view, id, T.vnet, p, ctx, out, (childId, childProps, siblings) => buildSubnet(view, childId, childProps, ctx, { vnetBody: { properties: p }, siblings }));
}

function buildRouteTable(view: StoreView, id: string, p: Json, ctx: BuildCtx, out: BuiltWrite): void {
  p["disableBgpRoutePropagation"] ??= false;
  splitChildren(view, id, T.routeTable, p, ctx, out, (childId, childProps) => checkRoute(childProps, lastSegment(childId), ctx));
}

/** Moves a parent's inline child collections into child resources; the parent PUT replaces the collection. */
function splitChildren(
  view: StoreView, id: string, t: string, p: Json, ctx: BuildCtx, out: BuiltWrite,
  check: (childId: string, childProps: Json, siblings: Map<string, string>) => void,
): void {
  for (const spec of REPLACED_CHILDREN[t] ?? []) {
    const given = p[spec.prop];
    delete p[spec.prop];
    if (given === undefined && !spec.replaceWhenAbsent) continue;
    const items = arr(given).map(obj);
    const siblings = new Map<string, string>();
    for (const it of items) siblings.set(str(it["name"]) ?? "", prefixOf(props(it)) ?? "");
    const keep = new Set<string>();
    for (const it of items) {
      const childName = str(it["name"]) ?? (str(it["id"]) ? lastSegment(str(it["id"])!) : undefined);
      if (!childName) {
        if (ctx.validate) throw new ArmError(400, "InvalidRequestFormat", `A ${spec.childType} entry of ${id} has no name.`);
        continue;
      }
      const childId = `${id}/${spec.childType}/${childName}`;
      if (ctx.validate) checkName(`${t}/${spec.childType.toLowerCase()}`, childName);
      const cp: Json = { ...props(it) };
      if (ctx.validate) keepComputed(`${t}/${spec.childType.toLowerCase()}`, cp, view.raw(childId)?.body);
      check(childId, cp, siblings);
      cp["provisioningState"] = ctx.provisioningState;
      keep.add(key(childId));
      const childType = `${canonicalType(t)}/${spec.childType}`;
      out.upsertChildren.push({
        id: childId,
        type: childType,
        body: { id: childId, name: childName, type: childType, etag: `W/"${stableGuid(`${key(childId)}:${Date.now()}`)}"`, properties: cp },
      });
    }
    {
      for (const existing of view.childrenOf(id, spec.childType)) {
        if (keep.has(key(existing.id))) continue;
        if (t === T.vnet && ctx.validate) {
          const users = subnetUsers(view, existing.id);
          if (users.length > 0) {
            throw new ArmError(400, "InUseSubnetCannotBeDeleted", `Subnet ${lastSegment(existing.id)} is in use by ${users[0]} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
          }
        }
        out.removeChildren.push(existing.id);
      }
    }
  }
}

const NEXT_HOPS = ["VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None"];

function checkRoute(p: Json, name: string, ctx: BuildCtx): void {
  if (!ctx.validate) return;
  const prefix = str(p["addressPrefix"]);
  if (!prefix) throw new ArmError(400, "InvalidRequestFormat", `Route ${name} must have an addressPrefix.`);
  if (/^[0-9.]+\/\d+$/.test(prefix)) {
    const c = parseV4Cidr(prefix);
    if (!c || c.hostBits) throw new ArmError(400, "InvalidCIDRNotation", `The address prefix ${prefix} in route ${name} has an invalid CIDR notation.`);
  }
  const hop = str(p["nextHopType"]);
  if (!hop || !NEXT_HOPS.includes(hop)) throw new ArmError(400, "InvalidRequestFormat", `Route ${name} has an invalid nextHopType '${hop ?? ""}'.`);
  const ip = str(p["nextHopIpAddress"]);
  if (hop === "VirtualAppliance" && (!ip || parseIpv4(ip) === undefined)) {
    throw new ArmError(400, "InvalidNextHopIpAddress", `Route ${name} with next hop type VirtualAppliance must have a valid nextHopIpAddress.`);
  }
  if (hop !== "VirtualAppliance" && ip) {
    throw new ArmError(400, "NextHopIpAddressNotAllowed", `Route ${name} with next hop type ${hop} cannot have a nextHopIpAddress.`);
  }
}

/** A Standard NAT gateway is zonal (one zone) or has none (nat-availability-zones.md); StandardV2 is zone-redundant. */
function checkNatZones(id: string, body: Json, ctx: BuildCtx): void {
  checkZones(id, "natGateways", body, ctx);
  const sku = String(obj(body["sku"])["name"] ?? "Standard");
  const n = arr(body["zones"]).length;
  if (sku === "Standard" && n > 1) {
    throw new ArmError(400, "ResourceCannotHaveMultipleZonesSpecified", `Resource ${id} has ${n} zones specified. Only one zone can be specified for this resource.`);
  }
}

/**
 * nat-availability-zones.md: "StandardV2 NAT gateway must use a StandardV2 Public IP address for its Outbound IP", and
 * nat-sku.md: a Standard gateway "cannot be upgraded in place" to StandardV2. The error codes are ours (Azure's were not
 * found published); the conditions are the documented ones.
 */
function checkNatSku(view: StoreView, id: string, body: Json, p: Json, ctx: BuildCtx): void {
  const sku = String(obj(body["sku"])["name"] ?? "Standard");
  const before = ctx.existing ? String(obj(ctx.existing.body["sku"])["name"] ?? "Standard") : undefined;
  if (before !== undefined && before.toLowerCase() !== sku.toLowerCase()) {
    throw new ArmError(400, "NatGatewaySkuCannotBeChanged", `Nat Gateway ${id} has sku ${before}; the sku of an existing NAT gateway cannot be changed to ${sku}. Create a new NAT gateway.`);
  }
  const v6 = arr(p["publicIpAddressesV6"]);
  // nat-sku.md: "Public IP version: IPv4 (Standard); IPv4, IPv6 (StandardV2)".
  if (sku.toLowerCase() !== "standardv2" && v6.length > 0) {
    throw new ArmError(400, "NatGatewayIPv6RequiresStandardV2", `Nat Gateway ${id} of sku ${sku} cannot have IPv6 public IP addresses; only a StandardV2 NAT gateway supports IPv6.`);
  }
  for (const [ref, want] of [...arr(p["publicIpAddresses"]).map((r) => [r, "IPv4"] as const), ...v6.map((r) => [r, "IPv6"] as const)]) {
    const pipId = str(obj(ref)["id"]);
    const pip = pipId ? view.raw(pipId) : undefined;
    if (!pip) continue;
    const version = String(props(pip.body)["publicIPAddressVersion"] ?? "IPv4");
    if (version !== want) throw new ArmError(400, "NatGatewayPublicIpVersionMismatch", `Nat Gateway ${id} lists public IP ${pipId} (${version}) among its ${want === "IPv6" ? "publicIpAddressesV6" : "publicIpAddresses"}, which take ${want} addresses only.`);
    const pipSku = String(obj(pip.body["sku"])["name"] ?? "Standard");
    if (sku.toLowerCase() === "standardv2" && pipSku.toLowerCase() !== "standardv2") {
      throw new ArmError(400, "NatGatewayStandardV2RequiresStandardV2PublicIp", `StandardV2 Nat Gateway ${id} cannot use public IP ${pipId} of sku ${pipSku}: a StandardV2 NAT gateway must use StandardV2 public IP addresses.`);
    }
  }
}

/**
 * Network resources with `zones` in a region without availability zones, as ARM answers them
 * (ResourceTypeNotSupportAvailabilityZones); zones a region lacks, likewise. A resource's zones are fixed at create.
 */
function checkZones(id: string, resourceType: string, body: Json, ctx: BuildCtx): void {
  const zones = arr(body["zones"]).map(String);
  const location = String(body["location"]);
  const offered = ctx.regionZones?.(location);
  if (zones.length > 0 && offered !== undefined && zones.some((z) => !offered.includes(z))) {
    throw new ArmError(400, "ResourceTypeNotSupportAvailabilityZones", `The resource type '${resourceType}' does not support availability zones at location '${location}' and api-version '2026-01-01'.`);
  }
  if (!ctx.existing) return;
  const before = arr(ctx.existing.body["zones"]).map(String);
  const shown = (z: string[]): string => (z.length === 0 ? "NoZone" : z.join(", "));
  if (before.join(",") !== zones.join(",")) {
    throw new ArmError(400, "ResourceAvailabilityZonesCannotBeModified", `Resource ${id} has an existing availability zone constraint ${shown(before)} and the request has availability zone constraint ${shown(zones)}, which do not match. Zones cannot be added/updated/removed once the resource is created. The resource cannot be updated from regional to zonal or vice-versa.`);
  }
}

function buildPublicIp(id: string, body: Json, p: Json, ctx: BuildCtx): void {
  const sku = obj(body["sku"]);
  body["sku"] = { name: str(sku["name"]) ?? "Standard", tier: str(sku["tier"]) ?? "Regional" };
  const skuName = (body["sku"] as Json)["name"] as string;
  p["publicIPAllocationMethod"] ??= skuName === "Basic" ? "Dynamic" : "Static";
  p["publicIPAddressVersion"] ??= "IPv4";
  p["idleTimeoutInMinutes"] ??= 4;
  if (ctx.validate) checkZones(id, "publicIPAddresses", body, ctx);
  if (ctx.validate && skuName === "Basic" && arr(body["zones"]).length > 0) {
    throw new ArmError(400, "ZonesNotAllowedInBasicSkuResource", `Request for resource ${id} is invalid as it is Basic sku and in an Availability Zone which is a deprecated configuration.  Please change your resource to Standard sku for Availability Zone support.`);
  }
  if (ctx.validate && skuName !== "Basic" && p["publicIPAllocationMethod"] !== "Static") {
    throw new ArmError(400, "StandardSkuPublicIPAddressesMustBeStatic", `Standard sku publicIp /subscriptions/.../${lastSegment(id)} must have AllocationMethod set to Static.`);
  }
  if (p["publicIPAllocationMethod"] === "Static" || !ctx.validate) {
    const h = shortHash(`pip:${key(id)}`, 6);
    p["ipAddress"] ??= p["publicIPAddressVersion"] === "IPv6"
      ? `2603:1020:${h.slice(0, 4)}::${h.slice(4, 6)}`
      : `20.${parseInt(h.slice(0, 2), 16)}.${parseInt(h.slice(2, 4), 16)}.${Math.max(1, parseInt(h.slice(4, 6), 16) % 255)}`;
  }
}

/**
 * Azure Firewall resolves FQDNs in network rules only through its DNS proxy: a rule with destinationFqdns on a firewall
 * (or policy) without it is refused (seen as "AzureFirewallDNSProxyMustBeEnabled: DNS Proxy must be enabled in order to
 * use DestinationFqdns in Network Rules"). Azure Firewall Basic has no DNS proxy at all (documented; the error code here is
 * ours, Azure's was not seen).
 */
function fqdnNetworkRule(rules: unknown[]): string | undefined {
  const r = rules.map(obj).find((x) => arr(x["destinationFqdns"]).length > 0);
  return r ? (str(r["name"]) ?? "rule") : undefined;
}

function dnsProxyMissing(rule: string, collection: string): ArmError {
  return new ArmError(400, "AzureFirewallDNSProxyMustBeEnabled", `DNS Proxy must be enabled in order to use DestinationFqdns in Network Rules. See rule ${rule} in network rule collection ${collection}`);
}

function isTrue(v: unknown): boolean {
  return v === true || String(v).toLowerCase() === "true";
}

/** The public IPs of a firewall using this policy, if one does (a policy not yet in use takes any destination). */
function policyFirewallIps(view: StoreView, policyId: string): string[] | undefined {
  const fw = view.all().find((r) => r.type.toLowerCase() === T.firewall && key(str(obj(props(r.body)["firewallPolicy"])["id"]) ?? "") === key(policyId));
  return fw ? firewallPublicIps(view, props(fw.body)) : undefined;
}

function checkRuleGroupDns(view: StoreView, id: string, p: Json): void {
  const policy = view.raw(parentOf(id));
  const dns = obj(props(policy?.body ?? {})["dnsSettings"]);
  if (isTrue(dns["enableProxy"])) return;
  for (const rc of arr(p["ruleCollections"]).map(obj)) {
    const rule = fqdnNetworkRule(arr(rc["rules"]).filter((r) => obj(r)["ruleType"] === "NetworkRule"));
    if (rule) throw dnsProxyMissing(rule, str(rc["name"]) ?? "collection");
  }
}

function buildFirewall(view: StoreView, id: string, body: Json, p: Json, ctx: BuildCtx): void {
  p["sku"] ??= { name: "AZFW_VNet", tier: "Standard" };
  p["threatIntelMode"] ??= "Alert";
  if (ctx.validate) {
    checkZones(id, "azureFirewalls", body, ctx);
    const proxy = isTrue(obj(p["additionalProperties"])["Network.DNS.EnableProxy"]);
    if (proxy && str(obj(p["sku"])["tier"]) === "Basic") {
      throw new ArmError(400, "AzureFirewallBasicSkuDoesNotSupportDnsProxy", `Azure Firewall ${lastSegment(id)} of SKU tier Basic does not support DNS proxy.`);
    }
    for (const rc of arr(p["networkRuleCollections"]).map(obj)) {
      const rule = fqdnNetworkRule(arr(props(rc)["rules"]));
      if (rule && !proxy) throw dnsProxyMissing(rule, str(rc["name"]) ?? "collection");
    }
  }
  for (const k of ["applicationRuleCollections", "networkRuleCollections", "natRuleCollections"]) {
    p[k] = arr(p[k]).map((rc) => {
      const o = clone(obj(rc));
      const name = str(o["name"]) ?? "collection";
      o["id"] = `${id}/${k}/${name}`;
      o["properties"] = { ...props(o), provisioningState: ctx.provisioningState };
      return o;
    });
  }
  const ipcs = arr(p["ipConfigurations"]).map((x) => clone(obj(x)));
  if (ctx.validate && ipcs.length === 0 && !obj(p["hubIPAddresses"])["privateIPAddress"]) {
    throw new ArmError(400, "AzureFirewallMissingIpConfiguration", `Azure Firewall ${id} must have at least one IP configuration.`);
  }
  ipcs.forEach((ipc, i) => {
    const ip = { ...props(ipc) };
    const name = str(ipc["name"]) ?? `ipconfig${i + 1}`;
    ipc["name"] = name;
    ipc["id"] = `${id}/azureFirewallIpConfigurations/${name}`;
    const subnetId = str(obj(ip["subnet"])["id"]);
    const pipId = str(obj(ip["publicIPAddress"])["id"]);
    if (i > 0 && subnetId && ctx.validate) {
      // Only the first IP configuration sits in the subnet; more add public IPs (deploy-multi-public-ip docs).
      throw new ArmError(400, "AzureFirewallIpConfigurationSubnetNotFirst", `Only the first IP configuration of Azure Firewall ${lastSegment(id)} may reference a subnet; '${name}' references ${subnetId}.`);
    }
    if (i === 0) {
      if (ctx.validate) {
        if (!subnetId || lastSegment(subnetId) !== "AzureFirewallSubnet") {
          throw new ArmError(400, "AzureFirewallSubnetMissing", `Azure Firewall ${id} must reference a subnet named 'AzureFirewallSubnet' in its first IP configuration; got '${subnetId ?? ""}'.`);
        }
      }
      const subnet = subnetId ? view.raw(subnetId) : undefined;
      const c = subnet ? parseV4Cidr(prefixOf(props(subnet.body)) ?? "") : undefined;
      if (ctx.validate && c && c.bits > 26) {
        throw new ArmError(400, "AzureFirewallSubnetTooSmall", `Subnet AzureFirewallSubnet (${c.text}) must be at least /26 for Azure Firewall ${lastSegment(id)}.`);
      }
      if (ctx.validate && subnetId) {
        const other = subnetUsers(view, subnetId).find((u) => !isUnder(u, id));
        if (other) throw new ArmError(400, "InUseSubnetCannotBeUsed", `Subnet ${subnetId} is already used by ${other}.`);
      }
      if (c) ip["privateIPAddress"] = ipv4ToString(c.base + 4);
      ip["privateIPAllocationMethod"] = "Dynamic";
    }
    if (pipId && ctx.validate) {
      const pip = view.raw(pipId);
      const pipSku = str(obj(pip?.body["sku"])["name"]);
      const alloc = str(props(pip?.body ?? {})["publicIPAllocationMethod"]);
      if (pip && (pipSku !== "Standard" || alloc !== "Static")) {
        throw new ArmError(400, "AzureFirewallPublicIpMustBeStandardStatic", `Public IP ${pipId} used by Azure Firewall ${lastSegment(id)} must be Standard SKU with Static allocation.`);
      }
      const user = publicIpUser(view, pipId);
      if (user && !isUnder(user, id)) throw new ArmError(400, "PublicIPAddressInUse", `Public IP address ${pipId} is already in use by ${user}.`);
    }
    ipc["properties"] = { ...ip, provisioningState: ctx.provisioningState };
  });
  p["ipConfigurations"] = ipcs;
  // Basic SKU (and forced tunnelling) needs a management IP configuration in AzureFirewallManagementSubnet (FWS-02).
  const tier = str(obj(p["sku"])["tier"]);
  const mgmt = p["managementIpConfiguration"] ? clone(obj(p["managementIpConfiguration"])) : undefined;
  if (ctx.validate && tier === "Basic" && !mgmt) {
    throw new ArmError(400, "AzureFirewallBasicSkuRequiresManagementIpConfiguration", `Azure Firewall ${lastSegment(id)} of SKU tier Basic requires a managementIpConfiguration in subnet 'AzureFirewallManagementSubnet'.`);
  }
  if (mgmt) {
    const mp = { ...props(mgmt) };
    const name = str(mgmt["name"]) ?? "mgmt-ipconfig";
    mgmt["name"] = name;
    mgmt["id"] = `${id}/azureFirewallIpConfigurations/${name}`;
    const subnetId = str(obj(mp["subnet"])["id"]);
    if (ctx.validate && (!subnetId || lastSegment(subnetId) !== "AzureFirewallManagementSubnet")) {
      throw new ArmError(400, "AzureFirewallManagementSubnetMissing", `The management IP configuration of Azure Firewall ${lastSegment(id)} must reference a subnet named 'AzureFirewallManagementSubnet'; got '${subnetId ?? ""}'.`);
    }
    const c = subnetId ? parseV4Cidr(prefixOf(props(view.raw(subnetId)?.body ?? {})) ?? "") : undefined;
    if (ctx.validate && c && c.bits > 26) {
      throw new ArmError(400, "AzureFirewallSubnetTooSmall", `Subnet AzureFirewallManagementSubnet (${c.text}) must be at least /26 for Azure Firewall ${lastSegment(id)}.`);
    }
    if (c) mp["privateIPAddress"] = ipv4ToString(c.base + 4);
    mgmt["properties"] = { ...mp, provisioningState: ctx.provisioningState };
    p["managementIpConfiguration"] = mgmt;
  }
  if (ctx.validate) {
    // DNAT rules: in the firewall's own NAT collections, and in the policy it uses.
    const publicIps = firewallPublicIps(view, p);
    for (const rc of arr(p["natRuleCollections"]).map(obj)) checkDnatRules(arr(props(rc)["rules"]).map(obj), "protocols", publicIps);
    const policyId = str(obj(p["firewallPolicy"])["id"]);
    if (policyId) for (const g of view.childrenOf(policyId, "ruleCollectionGroups")) checkPolicyDnat(props(g.body), publicIps);
  }
  void body;
}

/**
 * Azure Firewall's DNAT rule validation, as the RP answers it (messages seen in azure-cli #16986 and
 * terraform-azurerm-caf #299, #26336's Bad Request for a NAT rule without sources): every rule names its sources, a
 * destination that is one of the firewall's public IPs, one port, a translated address and port. The error code of the
 * destination case was not seen; `AzureFirewallRule` prefixes each message as the RP does.
 */
function checkDnatRules(rules: Json[], protocolKey: string, publicIps: string[] | undefined): void {
  for (const r of rules) {
    const name = str(r["name"]) ?? "rule";
    const bad = (msg: string): ArmError => new ArmError(400, "AzureFirewallRuleInvalid", `AzureFirewallRule ${name}: ${msg}`);
    if (arr(r["sourceAddresses"]).length === 0 && arr(r["sourceIpGroups"]).length === 0) throw bad("Source addresses or source IP groups are required for a NAT rule.");
    if (arr(r[protocolKey]).length === 0) throw bad("At least one protocol is required.");
    const ports = arr(r["destinationPorts"]).map(String);
    if (ports.length !== 1 || !/^\d{1,5}$/.test(ports[0] as string) || Number(ports[0]) < 1 || Number(ports[0]) > 65535) throw bad(`Invalid DNat destination port ${ports.join(",")}: one port is required.`);
    const translated = str(r["translatedAddress"]);
    if (!translated && !str(r["translatedFqdn"])) throw bad("Translated address or translated FQDN is required.");
    if (translated && parseIpv4(translated) === undefined) throw bad(`Invalid IP address value or range or Service Tag ${translated}.`);
    const tport = String(r["translatedPort"] ?? "");
    if (!/^\d{1,5}$/.test(tport) || Number(tport) < 1 || Number(tport) > 65535) throw bad(`Invalid translated port ${tport}.`);
    for (const d of arr(r["destinationAddresses"]).map(String)) {
      if (parseIpv4(d) === undefined) throw bad(`Invalid IP address value or range or Service Tag ${d}.`);
      if (publicIps && !publicIps.includes(d)) throw bad("Invalid DNat destination address, destination address other than AzureFirewall PublicIP address is not supported.");
    }
  }
}

/** A policy group's NAT collections; the destination is checked once a firewall uses the policy (publicIps known). */
function checkPolicyDnat(p: Json, publicIps: string[] | undefined): void {
  for (const rc of arr(p["ruleCollections"]).map(obj)) {
    if (rc["ruleCollectionType"] !== "FirewallPolicyNatRuleCollection") continue;
    if (String(obj(rc["action"])["type"] ?? "").toUpperCase() !== "DNAT") throw new ArmError(400, "AzureFirewallRuleInvalid", `AzureFirewallRuleCollection ${str(rc["name"]) ?? "collection"}: a NAT rule collection's action is DNAT.`);
    checkDnatRules(arr(rc["rules"]).map(obj), "ipProtocols", publicIps);
  }
}

/** The public IP addresses of a firewall body's IP configurations (undefined when one is not allocated yet). */
function firewallPublicIps(view: StoreView, p: Json): string[] | undefined {
  const out: string[] = [];
  for (const c of arr(p["ipConfigurations"]).map(obj)) {
    const pipId = str(obj(props(c)["publicIPAddress"])["id"]);
    if (!pipId) continue;
    const ip = str(props(view.raw(pipId)?.body ?? {})["ipAddress"]);
    if (!ip) return undefined;
    out.push(ip);
  }
  return out;
}

/** A firewall's IP configurations, data plane and management. */
function firewallIpConfigs(fw: Json): Json[] {
  const p = props(fw);
  return [...arr(p["ipConfigurations"]).map(obj), ...(p["managementIpConfiguration"] ? [obj(p["managementIpConfiguration"])] : [])];
}

// ---------------------------------------------------------------- AKS

const NETWORK_IMMUTABLE: [string, string][] = [
  ["networkPlugin", "networkProfile.networkPlugin"],
  ["networkPluginMode", "networkProfile.networkPluginMode"],
  ["serviceCidr", "networkProfile.serviceCidr"],
  ["dnsServiceIP", "networkProfile.dnsServiceIP"],
  ["podCidr", "networkProfile.podCidr"],
  ["loadBalancerSku", "networkProfile.loadBalancerSku"],
];

/**
 * A network security group's inline securityRules, as the Network RP checks them (network-security-groups-overview.md:
 * priority 100-4096, unique per direction; direction, access, protocol from their enums; one source and destination
 * each), and the defaultSecurityRules Azure adds to every NSG (AllowVnetInBound 65000, AllowAzureLoadBalancerInBound
 * 65001, DenyAllInBound 65500 and their outbound twins).
 */
function buildNsg(id: string, p: Json, ctx: BuildCtx): void {
  const rules = arr(p["securityRules"]).map((r) => clone(obj(r)));
  if (ctx.validate) {
    const seen = new Map<string, string>();
    for (const r of rules) {
      const name = str(r["name"]) ?? "rule";
      const rp = props(r);
      const priority = Number(rp["priority"]);
      if (!Number.isInteger(priority) || priority < 100 || priority > 4096) {
        throw new ArmError(400, "SecurityRuleInvalidPriority", `Security rule ${name} has invalid Priority. Value provided: ${String(rp["priority"])}. Allowed range 100-4096.`);
      }
      const direction = String(rp["direction"]);
      const bad = (what: string, v: unknown): ArmError => new ArmError(400, "SecurityRuleParameterContainsUnsupportedValue", `Security rule parameter ${what} for rule with Id ${id}/securityRules/${name} cannot specify the value ${String(v)}.`);
      if (!["Inbound", "Outbound"].includes(direction)) throw bad("Direction", rp["direction"]);
      if (!["Allow", "Deny"].includes(String(rp["access"]))) throw bad("Access", rp["access"]);
      if (!["Tcp", "Udp", "Icmp", "Esp", "Ah", "*"].includes(String(rp["protocol"]))) throw bad("Protocol", rp["protocol"]);
      for (const k of ["sourceAddressPrefix", "destinationAddressPrefix"]) {
        const v = str(rp[k]);
        const list = arr(rp[`${k}es`]);
        if (!v && list.length === 0) throw bad(k, "(none)");
        if (v && v.includes("/") && !parseV4Cidr(v) && !v.includes(":")) throw bad(k, v);
      }
      const k = `${direction}/${priority}`;
      const other = seen.get(k);
      if (other) throw new ArmError(400, "SecurityRuleConflict", `Security rule ${name} conflicts with rule ${other}. Rules cannot have the same Priority and Direction.`);
      seen.set(k, name);
    }
  }
  p["securityRules"] = rules.map((r) => ({ ...r, id: `${id}/securityRules/${str(r["name"]) ?? "rule"}`, properties: { ...props(r), provisioningState: ctx.provisioningState } }));
  const rule = (name: string, priority: number, direction: string, access: string, source: string, destination: string): Json => ({
    name,
    id: `${id}/defaultSecurityRules/${name}`,
    properties: { priority, direction, access, protocol: "*", sourceAddressPrefix: source, sourcePortRange: "*", destinationAddressPrefix: destination, destinationPortRange: "*", provisioningState: "Succeeded" },
  });
  p["defaultSecurityRules"] = [
    rule("AllowVnetInBound", 65000, "Inbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
    rule("AllowAzureLoadBalancerInBound", 65001, "Inbound", "Allow", "AzureLoadBalancer", "*"),
    rule("DenyAllInBound", 65500, "Inbound", "Deny", "*", "*"),
    rule("AllowVnetOutBound", 65000, "Outbound", "Allow", "VirtualNetwork", "VirtualNetwork"),
    rule("AllowInternetOutBound", 65001, "Outbound", "Allow", "*", "Internet"),
    rule("DenyAllOutBound", 65500, "Outbound", "Deny", "*", "*"),
  ];
}

/** The App Gateway ingress controller add-on's key in addonProfiles. */
export const APPGW_ADDON = "ingressApplicationGateway";

/**
 * `addonProfiles.ingressApplicationGateway` as AKS checks it (modelled from the add-on docs and Application Gateway's
 * configuration-infrastructure.md; the error codes are ours where Azure's were not seen): one of subnetCIDR, subnetId,
 * applicationGatewayId; a given subnet exists, holds nothing but gateways, is at least /26 for v2, and carries no route
 * 0.0.0.0/0 → VirtualAppliance (unsupported on a v2 gateway subnet).
 */
function checkAppGatewayAddon(view: StoreView, clusterId: string, p: Json): void {
  const addon = obj(obj(p["addonProfiles"])[APPGW_ADDON]);
  if (addon["enabled"] !== true) return;
  const cfg = obj(addon["config"]);
  const given = ["subnetCIDR", "subnetId", "applicationGatewayId"].filter((k) => str(cfg[k]));
  if (given.length !== 1) {
    throw new ArmError(400, "InvalidParameter", `The addon ${APPGW_ADDON} needs exactly one of config.subnetCIDR, config.subnetId, config.applicationGatewayId; got ${given.length ? given.join(", ") : "none"}.`);
  }
  const subnetId = str(cfg["subnetId"]);
  if (!subnetId) return;
  const subnet = view.raw(subnetId);
  if (!subnet) throw new ArmError(400, "InvalidResourceReference", `Resource ${subnetId} referenced by resource ${clusterId} was not found.`);
  const others = subnetUsers(view, subnetId, clusterId).filter((u) => !/\/applicationGateways\//i.test(u));
  const asNodes = arr(p["agentPoolProfiles"]).some((pl) => key(str(obj(pl)["vnetSubnetID"]) ?? "") === key(subnetId) || key(str(obj(pl)["podSubnetID"]) ?? "") === key(subnetId));
  if (others.length > 0 || asNodes) {
    throw new ArmError(400, "ApplicationGatewaySubnetCannotBeUsedByOtherResources", `Subnet ${subnetId} cannot be used for an application gateway since it is in use by other resources (${asNodes ? "this cluster's nodes" : others[0]}).`);
  }
  const c = parseV4Cidr(prefixOf(props(subnet.body)) ?? "");
  if (c && c.bits > 26) throw new ArmError(400, "ApplicationGatewaySubnetTooSmall", `Subnet ${subnetId} (${c.text}) is smaller than /26, the minimum for an Application Gateway v2.`);
  const rtId = str(obj(props(subnet.body)["routeTable"])["id"]);
  const routes = rtId ? view.childrenOf(rtId, "routes").map((r) => props(r.body)) : [];
  if (routes.some((r) => r["addressPrefix"] === "0.0.0.0/0" && String(r["nextHopType"]) === "VirtualAppliance")) {
    throw new ArmError(400, "ApplicationGatewayV2SubnetDefaultRouteToVirtualApplianceNotSupported", `Subnet ${subnetId} has a route 0.0.0.0/0 to a virtual appliance in route table ${rtId}, which an Application Gateway v2 subnet does not support.`);
  }
}

/** What AKS reports for the add-on: its identity (in the node resource group) and the gateway it made or uses. */
function buildAppGatewayAddon(p: Json, subscription: string, nodeRg: string, name: string): void {
  const profiles = obj(p["addonProfiles"]);
  const addon = obj(profiles[APPGW_ADDON]);
  if (addon["enabled"] !== true) return;
  const cfg = { ...obj(addon["config"]) };
  const nodeRgId = rgId(subscription, nodeRg);
  cfg["effectiveApplicationGatewayId"] = str(cfg["applicationGatewayId"]) ?? `${nodeRgId}/providers/Microsoft.Network/applicationGateways/${str(cfg["applicationGatewayName"]) ?? "applicationgateway"}`;
  const uid = `${nodeRgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/ingressapplicationgateway-${name}`;
  p["addonProfiles"] = { ...profiles, [APPGW_ADDON]: { ...addon, config: cfg, identity: { resourceId: uid, clientId: stableGuid(`client:${key(uid)}`), objectId: stableGuid(`principal:${key(uid)}`) } } };
}

function buildCluster(view: StoreView, id: string, body: Json, p: Json, ctx: BuildCtx, out: BuiltWrite): void {
  const parsed = parseId(id)!;
  const name = lastSegment(id);
  const location = body["location"] as string;
  const given = obj(p["networkProfile"]);
  const np: Json = { ...given };
  if (!np["networkPlugin"]) {
    np["networkPlugin"] = "azure";
    np["networkPluginMode"] ??= "overlay";
  }
  const plugin = np["networkPlugin"];
  const overlayLike = plugin === "kubenet" || np["networkPluginMode"] === "overlay";
  if (overlayLike) np["podCidr"] ??= "10.244.0.0/16";
  np["serviceCidr"] ??= "10.0.0.0/16";
  np["dnsServiceIP"] ??= "10.0.0.10";
  np["loadBalancerSku"] ??= "standard";
  np["outboundType"] ??= "loadBalancer";
  np["ipFamilies"] ??= ["IPv4"];
  if (np["loadBalancerSku"] === "standard" && np["outboundType"] === "loadBalancer") {
    np["loadBalancerProfile"] ??= { managedOutboundIPs: { count: 1 }, backendPoolType: "nodeIPConfiguration" };
    if (ctx.validate) checkOutboundIps(view, id, obj(np["loadBalancerProfile"]));
  }
  if (np["outboundType"] === "managedNATGateway") {
    // The AKS API (ManagedClusterNATGatewayProfile): sku "Defaults to 'StandardV2' where available in the region,
    // otherwise 'Standard'" (every fake region offers it); prefixes are "Only compatible with NAT Gateway V2", and a
    // Standard gateway is IPv4-only (configure-dual-stack.md).
    const nat = obj(np["natGatewayProfile"]);
    const sku = str(nat["sku"]) ?? "StandardV2";
    const ips = obj(nat["managedOutboundIPProfile"]);
    const dual = arr(np["ipFamilies"]).includes("IPv6");
    if (ctx.validate && sku !== "StandardV2") {
      if (ips["countIPv6"] !== undefined || arr(obj(nat["outboundIPPrefixes"])["publicIPPrefixes"]).length > 0 || dual) {
        throw new ArmError(400, "InvalidParameter", `NAT gateway SKU ${sku} does not support IPv6 outbound IPs or public IP prefixes; use natGatewayProfile.sku StandardV2.`);
      }
    }
    np["natGatewayProfile"] = { ...nat, sku, managedOutboundIPProfile: { count: 1, ...ips } };
  }
  const pools = arr(p["agentPoolProfiles"]).map((x) => clone(obj(x)));
  if (ctx.validate && pools.length === 0) {
    throw new ArmError(400, "InvalidParameter", "The value of parameter agentPoolProfiles is invalid. At least one agent pool is required.");
  }
  for (const pool of pools) {
    pool["count"] ??= 3;
    pool["vmSize"] ??= "Standard_D4s_v5";
    pool["osType"] ??= "Linux";
    pool["mode"] ??= "System";
    pool["type"] ??= "VirtualMachineScaleSets";
    pool["maxPods"] ??= plugin === "kubenet" ? 110 : overlayLike ? 250 : pool["podSubnetID"] ? 110 : 30;
    pool["provisioningState"] = ctx.provisioningState;
    pool["powerState"] = { code: "Running" };
    pool["orchestratorVersion"] ??= p["kubernetesVersion"] ?? "1.33.3";
    // Read-only: the version the nodes run, whatever a PUT echoes (AKS GETs return it, with the node image).
    pool["currentOrchestratorVersion"] = pool["orchestratorVersion"];
    pool["nodeImageVersion"] ??= "AKSUbuntu-2204gen2containerd-202511.07.0";
  }
  p["agentPoolProfiles"] = pools;
  buildWindowsProfile(p, pools, String(plugin), ctx);

  if (ctx.validate) {
    if (plugin === "kubenet" && np["networkPolicy"] === "azure") {
      throw new ArmError(400, "NetworkPolicyAzureNotSupportedForKubenet", "Network policy 'azure' is not supported with network plugin 'kubenet'. Use networkPolicy 'calico' or a different network plugin.");
    }
    const svc = parseV4Cidr(String(np["serviceCidr"]));
    if (!svc || svc.hostBits) throw new ArmError(400, "InvalidServiceCidr", `The specified serviceCidr ${String(np["serviceCidr"])} is not a valid CIDR.`);
    const dns = parseIpv4(String(np["dnsServiceIP"]));
    if (dns === undefined || !cidrContainsIp(svc, dns)) {
      throw new ArmError(400, "DnsServiceIpOutOfServiceCidr", `The specified dnsServiceIP ${String(np["dnsServiceIP"])} is not within the specified serviceCidr ${svc.text}.`);
    }
    if (dns === svc.base + 1 || dns === svc.base) {
      throw new ArmError(400, "InvalidDnsServiceIP", `The specified dnsServiceIP ${String(np["dnsServiceIP"])} is reserved in serviceCidr ${svc.text}.`);
    }
    if (np["loadBalancerSku"] === "basic" && np["outboundType"] !== "loadBalancer") {
      throw new ArmError(400, "InvalidOutboundType", `outboundType ${String(np["outboundType"])} doesn't support basic load balancer sku.`);
    }
    const subnetIds = pools.flatMap((pl) => [str(pl["vnetSubnetID"]), str(pl["podSubnetID"])]).filter((x): x is string => !!x);
    for (const sid of subnetIds) {
      const vnetId = parentOf(sid);
      for (const s of view.childrenOf(vnetId, "subnets")) {
        const c = parseV4Cidr(prefixOf(props(s.body)) ?? "");
        if (c && cidrOverlap(c, svc)) {
          throw new ArmError(400, "ServiceCidrOverlapExistingSubnetsCidr", `The specified service CIDR ${svc.text} is conflicted with an existing subnet CIDR ${c.text}`);
        }
      }
    }
    if (np["outboundType"] === "userDefinedRouting") checkUdr(view, pools);
    if (np["outboundType"] === "userAssignedNATGateway") checkNat(view, pools);
    const pod = overlayLike ? parseV4Cidr(String(np["podCidr"])) : undefined;
    if (pod && cidrOverlap(pod, svc)) {
      throw new ArmError(400, "ServiceCidrOverlapPodCidr", `The specified service CIDR ${svc.text} is conflicted with the pod CIDR ${pod.text}.`);
    }
    for (const sid of new Set(subnetIds.map((x) => key(x)))) {
      const subnetRes = view.raw(sid);
      if (!subnetRes) continue;
      const sp = props(subnetRes.body);
      for (const s of view.childrenOf(parentOf(subnetRes.id), "subnets")) {
        const c = parseV4Cidr(prefixOf(props(s.body)) ?? "");
        if (pod && c && cidrOverlap(c, pod)) {
          throw new ArmError(400, "PodCidrOverlapExistingSubnetsCidr", `The specified pod CIDR ${pod.text} is conflicted with an existing subnet CIDR ${c.text}`);
        }
      }
      const isPodSubnet = pools.some((pl) => key(str(pl["podSubnetID"]) ?? "") === sid);
      for (const d of arr(sp["delegations"]).map(obj)) {
        const svcName = str(props(d)["serviceName"]) ?? str(d["serviceName"]) ?? "";
        if (!(isPodSubnet && svcName.toLowerCase() === "microsoft.containerservice/managedclusters")) {
          // AKS's text as a user reported it (MicrosoftDocs/azure-docs#69774), also for a subnet delegated to AKS itself
          // (an API Server VNet Integration subnet is no node subnet).
          const field = isPodSubnet ? "AgentPoolProfile.PodSubnetID" : "AgentPoolProfile.VnetSubnetID";
          throw new ArmError(400, "SubnetIsDelegated", `${field} ${subnetRes.id} cannot be used as it's a delegated subnet. Please check https://aka.ms/adv-network-prerequest for more details.`);
        }
      }
    }
    checkAppGatewayAddon(view, id, p);
    checkSubnetSize(view, id, np, pools);
    checkQuota(ctx, id, location, pools);
    checkPoolZones(ctx, id, location, pools);
    checkApiServerAccess(view, location, p, ctx);
    if (ctx.existing) {
      const before = props(ctx.existing.body);
      const bnp = obj(before["networkProfile"]);
      for (const [k, path] of NETWORK_IMMUTABLE) {
        if (given[k] !== undefined && bnp[k] !== undefined && String(given[k]).toLowerCase() !== String(bnp[k]).toLowerCase()) {
          throw new ArmError(400, "PropertyChangeNotAllowed", `Changing property '${path}' is not allowed.`);
        }
      }
      const beforePools = new Map(arr(before["agentPoolProfiles"]).map((x) => [str(obj(x)["name"]), obj(x)]));
      for (const pool of pools) {
        const bp = beforePools.get(str(pool["name"]));
        if (bp && pool["vnetSubnetID"] && bp["vnetSubnetID"] && key(String(pool["vnetSubnetID"])) !== key(String(bp["vnetSubnetID"]))) {
          throw new ArmError(400, "PropertyChangeNotAllowed", "Changing property 'agentPoolProfile.vnetSubnetID' is not allowed.");
        }
        if (bp && arr(pool["availabilityZones"]).map(String).join(",") !== arr(bp["availabilityZones"]).map(String).join(",")) {
          throw new ArmError(400, "PropertyChangeNotAllowed", "Changing property 'agentPoolProfile.availabilityZones' is not allowed.");
        }
      }
    }
  }
  p["networkProfile"] = np;
  p["kubernetesVersion"] ??= "1.33.3";
  p["currentKubernetesVersion"] = p["kubernetesVersion"];
  p["dnsPrefix"] ??= `${name}-${parsed.resourceGroup}-${parsed.subscription.slice(0, 6)}`.slice(0, 54);
  p["fqdn"] = `${String(p["dnsPrefix"])}-${shortHash(key(id))}.hcp.${location}.azmk8s.io`;
  const access = obj(p["apiServerAccessProfile"]);
  if (access["enablePrivateCluster"] === true) {
    // A private cluster answers on a private FQDN in its DNS zone; the public FQDN only while enabled (default true).
    access["enablePrivateClusterPublicFQDN"] ??= true;
    access["privateDNSZone"] ??= "system";
    const zone = String(access["privateDNSZone"]);
    const zoneName = ["system", "none"].includes(zone.toLowerCase()) ? `privatelink.${location}.azmk8s.io` : zone.slice(zone.lastIndexOf("/") + 1);
    p["privateFQDN"] = `${String(p["dnsPrefix"])}-${shortHash(key(id))}.${zoneName}`;
    if (access["enablePrivateClusterPublicFQDN"] === false) delete p["fqdn"];
    p["apiServerAccessProfile"] = access;
  }
  p["azurePortalFQDN"] = `${String(p["dnsPrefix"])}-${shortHash(key(id))}.portal.hcp.${location}.azmk8s.io`;
  const nodeRg = str(p["nodeResourceGroup"]) ?? `MC_${parsed.resourceGroup}_${name}_${location}`;
  p["nodeResourceGroup"] = nodeRg;
  p["powerState"] = { code: "Running" };
  p["maxAgentPools"] = 100;
  p["enableRBAC"] ??= true;
  const identity = obj(body["identity"]);
  const idType = str(identity["type"]) ?? "SystemAssigned";
  if (idType === "SystemAssigned") {
    body["identity"] = { type: "SystemAssigned", principalId: stableGuid(`principal:${key(id)}`), tenantId: FAKE_TENANT_ID };
  } else if (idType === "UserAssigned") {
    const uai: Json = {};
    for (const uid of Object.keys(obj(identity["userAssignedIdentities"]))) {
      const u = view.raw(uid);
      uai[uid] = { principalId: str(props(u?.body ?? {})["principalId"]) ?? stableGuid(`principal:${key(uid)}`), clientId: str(props(u?.body ?? {})["clientId"]) ?? stableGuid(`client:${key(uid)}`) };
    }
    body["identity"] = { type: "UserAssigned", userAssignedIdentities: uai };
  }
  const ip = obj(p["identityProfile"]);
  if (!ip["kubeletidentity"]) {
    const kid = `/subscriptions/${parsed.subscription}/resourcegroups/${nodeRg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`;
    p["identityProfile"] = { kubeletidentity: { resourceId: kid, clientId: stableGuid(`client:${key(kid)}`), objectId: stableGuid(`principal:${key(kid)}`) } };
  }
  buildAppGatewayAddon(p, parsed.subscription, nodeRg, name);
  const nodeRgId = rgId(parsed.subscription, nodeRg);
  if (!view.raw(nodeRgId)) {
    out.sideEffects.push({
      id: nodeRgId,
      type: "Microsoft.Resources/resourceGroups",
      body: { id: nodeRgId, name: nodeRg, type: "Microsoft.Resources/resourceGroups", location, managedBy: id, tags: { "aks-managed-cluster-name": name, "aks-managed-cluster-rg": parsed.resourceGroup }, properties: { provisioningState: "Succeeded" } },
    });
  }
}

/** adminUsername's disallowed values (AKS REST spec, ManagedClusterWindowsProfile). */
const RESERVED_WINDOWS_ADMINS = new Set(["administrator", "admin", "user", "user1", "test", "user2", "test1", "user3", "admin1", "1", "123", "a", "actuser", "adm", "admin2", "aspnet", "backup", "console", "david", "guest", "john", "owner", "root", "server", "sql", "support", "support_388945a0", "sys", "test2", "test3", "user4", "user5"]);

/**
 * Windows pools need the cluster's windowsProfile from its creation (create-node-pools.md; Azure: "Windows profile
 * definition is missing for the cluster") and Azure CNI. The password is write-only: kept when a PUT leaves it out,
 * never returned. Its complexity check follows the REST spec (8-123 characters, 3 of 4 classes); AKS's quickstart asks 14.
 */
function buildWindowsProfile(p: Json, pools: Json[], plugin: string, ctx: BuildCtx): void {
  const before = ctx.existing ? obj(props(ctx.existing.body)["windowsProfile"]) : {};
  const given = p["windowsProfile"] === undefined ? undefined : obj(p["windowsProfile"]);
  if (ctx.validate) {
    if (pools.some((pl) => pl["osType"] === "Windows")) {
      if (plugin !== "azure") throw new ArmError(400, "AzureCNIOnlyForWindows", "Windows agent pools can only be added to AKS clusters using Azure-CNI.");
      if (given === undefined && before["adminUsername"] === undefined) throw new ArmError(400, "WindowsProfileMissing", "Windows profile definition is missing for the cluster.");
    }
    if (given !== undefined) {
      const user = str(given["adminUsername"]) ?? "";
      if (user === "" || user.length > 20 || user.endsWith(".") || RESERVED_WINDOWS_ADMINS.has(user.toLowerCase())) {
        throw new ArmError(400, "InvalidParameter", `The value of parameter windowsProfile.adminUsername is invalid: '${user}'.`);
      }
      if (before["adminUsername"] !== undefined && String(before["adminUsername"]) !== user) {
        throw new ArmError(400, "PropertyChangeNotAllowed", "Changing property 'windowsProfile.adminUsername' is not allowed.");
      }
      const pw = given["adminPassword"];
      const weak = (x: string): boolean => x.length < 8 || x.length > 123 || [/[a-z]/, /[A-Z]/, /[0-9]/, /[\W_]/].filter((re) => re.test(x)).length < 3;
      if ((pw === undefined && !ctx.existing) || (pw !== undefined && (typeof pw !== "string" || weak(pw)))) {
        throw new ArmError(400, "InvalidParameter", "The value of parameter windowsProfile.adminPassword is invalid.");
      }
    }
  }
  if (given !== undefined) {
    const { adminPassword: _secret, ...rest } = given;
    p["windowsProfile"] = { ...rest, enableCSIProxy: rest["enableCSIProxy"] ?? true };
  } else if (before["adminUsername"] !== undefined) {
    p["windowsProfile"] = before;
  }
}

/** outboundType userDefinedRouting: the node subnet needs a route table whose 0.0.0.0/0 goes to an appliance/gateway. */
function checkUdr(view: StoreView, pools: Json[]): void {
  const subnets = pools.map((pl) => str(pl["vnetSubnetID"]));
  if (subnets.some((s) => !s)) {
    throw new ArmError(400, "OutboundTypeUserDefinedRoutingRequiresCustomVnet", "Outbound type userDefinedRouting requires every agent pool to use a custom vnetSubnetID.");
  }
  for (const sid of subnets as string[]) {
    const subnet = view.raw(sid);
    const rtId = str(obj(props(subnet?.body ?? {})["routeTable"])["id"]);
    if (!rtId || !view.raw(rtId)) {
      throw new ArmError(400, "ExistingRouteTableNotAssociatedWithSubnet", `An existing route table has not been associated with subnet ${sid}. Please update the route table association`);
    }
    const def = view.childrenOf(rtId, "routes").map((r) => props(r.body)).find((r) => r["addressPrefix"] === "0.0.0.0/0");
    if (!def) {
      throw new ArmError(400, "RouteTableInvalidNextHop", `Default route 0.0.0.0/0 is missing in route table ${rtId} associated with subnet ${sid}. Please see http://aka.ms/aks/outboundtype for more details`);
    }
    const hop = str(def["nextHopType"]) ?? "";
    if (hop !== "VirtualAppliance" && hop !== "VirtualNetworkGateway") {
      throw new ArmError(400, "RouteTableInvalidNextHop", `Default route 0.0.0.0/0 has a next hop of ${hop} but only next hops of VirtualAppliance or VirtualNetworkGateway are allowed. Please see http://aka.ms/aks/outboundtype for more details`);
    }
  }
}

/** outboundType userAssignedNATGateway: every node subnet has a NAT gateway. */
function checkNat(view: StoreView, pools: Json[]): void {
  for (const pl of pools) {
    const sid = str(pl["vnetSubnetID"]);
    if (!sid) throw new ArmError(400, "OutboundTypeUserAssignedNATGatewayRequiresCustomVnet", "Outbound type userAssignedNATGateway requires every agent pool to use a custom vnetSubnetID.");
    const nat = str(obj(props(view.raw(sid)?.body ?? {})["natGateway"])["id"]);
    if (!nat || !view.raw(nat)) {
      throw new ArmError(400, "NatGatewayNotAssociatedWithSubnet", `Subnet ${sid} has no NAT gateway associated; outbound type userAssignedNATGateway requires one.`);
    }
  }
}

/** AKS pre-allocates node IPs (and, for flat Azure CNI, maxPods IPs per node) plus one surge node. */
function checkSubnetSize(view: StoreView, clusterId: string, np: Json, pools: Json[]): void {
  const need = new Map<string, number>();
  const flat = np["networkPlugin"] === "azure" && np["networkPluginMode"] !== "overlay";
  let podCidrNodes = 0;
  for (const pl of pools) {
    // With the autoscaler, AKS counts maxCount (a theoretical maximum), plus one surge node.
    const nodes = Number(pl["enableAutoScaling"] && pl["maxCount"] !== undefined ? pl["maxCount"] : (pl["count"] ?? 1)) + 1;
    podCidrNodes += nodes;
    const nodeSubnet = str(pl["vnetSubnetID"]);
    const podSubnet = str(pl["podSubnetID"]);
    const maxPods = Number(pl["maxPods"] ?? 30);
    if (nodeSubnet) need.set(key(nodeSubnet), (need.get(key(nodeSubnet)) ?? 0) + nodes * (flat && !podSubnet ? maxPods + 1 : 1));
    if (podSubnet) need.set(key(podSubnet), (need.get(key(podSubnet)) ?? 0) + nodes * maxPods);
  }
  for (const [sid, n] of need) {
    const res = view.raw(sid);
    const c = res ? parseV4Cidr(prefixOf(props(res.body)) ?? "") : undefined;
    if (!res || !c) continue;
    const used = subnetUsers(view, res.id, clusterId).filter((u) => !/\/agentPools\//.test(u)).length;
    const available = c.size - 5 - used;
    if (n > available) {
      throw insufficient(n, available, c.text, lastSegment(res.id));
    }
  }
  // Kubenet and overlay give every node a /24 of the pod CIDR.
  const pod = np["networkPlugin"] === "kubenet" || np["networkPluginMode"] === "overlay" ? parseV4Cidr(String(np["podCidr"] ?? "")) : undefined;
  if (pod && podCidrNodes * 256 > pod.size) throw insufficient(podCidrNodes * 256, pod.size, pod.text, "networkProfile.podCIDR");
}

function insufficient(n: number, available: number, cidr: string, name: string): ArmError {
  return new ArmError(400, "InsufficientSubnetSize", `Pre-allocated IPs ${n} exceeds IPs available ${available} in Subnet Cidr ${cidr}, Subnet Name ${name}. If Autoscaler is enabled, the max-count from each nodepool is counted towards this total (which means that pre-allocated IPs count represents a theoretical max value, not the actual number of IPs requested). http://aka.ms/aks/insufficientsubnetsize`);
}

function checkQuota(ctx: BuildCtx, clusterId: string, location: string, pools: Json[]): void {
  if (!ctx.quota) return;
  const q = ctx.quota(location, clusterId);
  const byFamily = new Map<string, number>();
  let total = 0;
  for (const pl of pools) {
    const sku = q.sku(String(pl["vmSize"]));
    if (!sku) continue;
    const n = Number(pl["count"] ?? 1) * sku.vCPUs;
    byFamily.set(sku.family, (byFamily.get(sku.family) ?? 0) + n);
    total += n;
  }
  if (total > q.leftTotal) {
    throw new ArmError(400, "InsufficientVCPUQuota", `Insufficient regional vcpu quota left for location ${location}. left regional vcpu quota ${q.leftTotal}, requested quota ${total}`);
  }
  for (const [family, n] of byFamily) {
    const left = q.left(family);
    if (n > left) {
      throw new ArmError(400, "InsufficientVCPUQuota", `Insufficient vcpu quota requested ${n}, remaining ${left} for family ${family} for region ${location}.`);
    }
  }
}

/** AKS's allowed private DNS zone names (its own InvalidPrivateDNSZoneResourceID message lists them). */
function allowedZoneNames(region: string): string {
  return `private.${region}.azmk8s.io,privatelink.${region}.azmk8s.io,[a-zA-Z0-9-]{1,32}.private.${region}.azmk8s.io,[a-zA-Z0-9-]{1,32}.privatelink.${region}.azmk8s.io`;
}

/**
 * apiServerAccessProfile as AKS validates it at PUT (private-clusters.md, api-server-authorized-ip-ranges.md,
 * api-server-vnet-integration.md): no authorized ranges on a private cluster, 0.0.0.0/32 alone, a brought private DNS
 * zone that exists and is named for the region, a VNet Integration subnet that exists, is delegated to AKS and is at
 * least /28; a private cluster and its DNS zone cannot change later.
 */
function checkApiServerAccess(view: StoreView, location: string, p: Json, ctx: BuildCtx): void {
  const api = obj(p["apiServerAccessProfile"]);
  const ranges = arr(api["authorizedIPRanges"]).map(String);
  if (api["enablePrivateCluster"] === true && ranges.length > 0) {
    throw new ArmError(400, "InvalidParameter", "Private cluster cannot be enabled with AuthorizedIPRanges.");
  }
  if (ranges.includes("0.0.0.0/32") && ranges.length > 1) {
    throw new ArmError(400, "InvalidParameter", "Setting apiServerAuthorizedIPRange to 0.0.0.0/32 is not allowed with other IP ranges. Refer to https://aka.ms/aks/auth-ip-ranges for more details");
  }
  for (const r of ranges) {
    const c = parseV4Cidr(r.includes("/") ? r : `${r}/32`);
    if (!c) throw new ArmError(400, "InvalidParameter", `The value of parameter apiServerAccessProfile.authorizedIPRanges is invalid: '${r}' is not a valid IPv4 CIDR.`);
  }
  const zone = str(api["privateDNSZone"]);
  if (api["enablePrivateCluster"] === true && zone && !["system", "none"].includes(zone.toLowerCase())) {
    const name = /\/providers\/Microsoft\.Network\/privateDnsZones\/([^/]+)$/i.exec(zone)?.[1] ?? "";
    const sub = "[a-zA-Z0-9-]{1,32}";
    const ok = new RegExp(`^(${sub}\\.)?(privatelink|private)\\.${location}\\.azmk8s\\.io$`, "i").exec(name);
    if (!ok || (ok[2]?.toLowerCase() === "private" && api["enableVnetIntegration"] !== true)) {
      throw new ArmError(400, "InvalidPrivateDNSZoneResourceID", `Invalid private dns zone resource id '${zone}'. The allowed private dns zone names are '${allowedZoneNames(location)}'`);
    }
  }
  if (api["enableVnetIntegration"] === true && str(api["subnetId"])) {
    const sid = str(api["subnetId"]) as string;
    const subnet = view.raw(sid);
    if (!subnet) throw new ArmError(400, "InvalidParameter", `The API server subnet ${sid} is not found.`);
    const sp = props(subnet.body);
    const delegated = arr(sp["delegations"]).map(obj).some((d) => (str(props(d)["serviceName"]) ?? "").toLowerCase() === "microsoft.containerservice/managedclusters");
    // The conditions are api-server-vnet-integration.md's; AKS's own texts for them were not found published (searched
    // the docs, issues and code corpora), so these messages are ours under AKS's generic InvalidParameter code.
    if (!delegated) throw new ArmError(400, "InvalidParameter", `The API server subnet ${sid} must be delegated to Microsoft.ContainerService/managedClusters.`);
    const c = parseV4Cidr(prefixOf(sp) ?? "");
    if (c && c.bits > 28) throw new ArmError(400, "InvalidParameter", `The API server subnet ${sid} must be at least /28, got /${c.bits}.`);
  }
  if (ctx.existing) {
    const before = obj(props(ctx.existing.body)["apiServerAccessProfile"]);
    for (const k of ["enablePrivateCluster", "privateDNSZone"]) {
      const [was, now] = [before[k] ?? (k === "enablePrivateCluster" ? false : undefined), api[k] ?? (k === "enablePrivateCluster" ? false : undefined)];
      if (api[k] !== undefined && String(was).toLowerCase() !== String(now).toLowerCase()) {
        throw new ArmError(400, "PropertyChangeNotAllowed", `Changing property 'apiServerAccessProfile.${k}' is not allowed.`);
      }
    }
  }
}

/** ARM's answer when the caller lacks an action at a scope. */
function authorizationFailed(principal: string, action: string, scope: string): { code: string; message: string } {
  return { code: "AuthorizationFailed", message: `The client '${principal}' with object id '${principal}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.` };
}

/** The load balancer outbound public IPs and prefixes a cluster names (yours, in any resource group). */
function outboundIpRefs(p: Json, profile: "loadBalancerProfile" | "natGatewayProfile" = "loadBalancerProfile"): { id: string; prefix: boolean }[] {
  const lb = obj(obj(p["networkProfile"])[profile]);
  // The load balancer's lists hold references ({ id }), the NAT gateway's plain ids (ManagedClusterNATGatewayProfile).
  const ids = (list: unknown, prefix: boolean) => arr(list).map((x) => (typeof x === "string" ? x : str(obj(x)["id"]))).filter((x): x is string => !!x).map((id) => ({ id, prefix }));
  return [...ids(obj(lb["outboundIPs"])["publicIPs"], false), ...ids(obj(lb["outboundIPPrefixes"])["publicIPPrefixes"], true)];
}

/**
 * Outbound IPs and prefixes brought for the standard load balancer (load-balancer-standard.md "Provide your own
 * outbound public IPs or prefixes"): Standard SKU, and an IP not used by another resource (that they exist in the
 * cluster's region is the generic reference check's). The wording is ours: Azure's exact texts were not found published.
 */
function checkOutboundIps(view: StoreView, clusterId: string, lb: Json): void {
  for (const { id, prefix } of outboundIpRefs({ networkProfile: { loadBalancerProfile: lb } })) {
    const what = prefix ? "public IP prefix" : "public IP address";
    const res = view.raw(id);
    if (!res) continue;
    const sku = String(obj(res.body["sku"])["name"] ?? "Standard");
    if (sku !== "Standard") throw new ArmError(400, "InvalidParameter", `The ${what} ${id} is ${sku} SKU; the standard load balancer takes Standard SKU ${what}es only.`);
    const user = prefix ? undefined : publicIpUser(view, id);
    if (user && outboundIpOwner(view, id) !== key(clusterId)) throw new ArmError(400, "PublicIPAddressInUse", `Public IP address ${id} is already in use by ${user}.`);
  }
}

/** The cluster whose load balancer uses this outbound IP (its id, lower case), if any. */
function outboundIpOwner(view: StoreView, pipId: string): string | undefined {
  const c = view.all().find((r) => r.type.toLowerCase() === T.cluster && outboundIpRefs(props(r.body)).some((x) => key(x.id) === key(pipId)));
  return c ? key(c.id) : undefined;
}

/**
 * Each pool's zones must be zones where its VM size is offered in the region (none in a region without zones), as
 * AKS answers (AvailabilityZoneNotSupported).
 */
function checkPoolZones(ctx: BuildCtx, clusterId: string, location: string, pools: Json[]): void {
  if (!ctx.quota || !ctx.regionZones) return;
  const q = ctx.quota(location, clusterId);
  for (const pl of pools) {
    const zones = arr(pl["availabilityZones"]).map(String);
    if (zones.length === 0) continue;
    const sku = q.sku(String(pl["vmSize"]));
    const supported = ctx.regionZones(location).filter((z) => sku === undefined || sku.zones.includes(z));
    if (zones.some((z) => !supported.includes(z))) {
      throw new ArmError(400, "AvailabilityZoneNotSupported", `The zone(s) '${zones.join(",")}' for resource '${String(pl["name"])}' is not supported. The supported zones for location '${location}' are '${supported.join(",")}'`);
    }
  }
}

/** Checks made when a cluster's LRO finishes; the returned error makes the LRO end Failed. */
export function clusterCompletionError(view: StoreView, res: StoredResource): { code: string; message: string } | undefined {
  const p = props(res.body);
  const pools = arr(p["agentPoolProfiles"]).map(obj);
  const identity = obj(res.body["identity"]);
  const subnetIds = pools.map((pl) => str(pl["vnetSubnetID"])).filter((x): x is string => !!x);
  if (identity["type"] === "UserAssigned" && subnetIds.length > 0) {
    for (const uid of Object.keys(obj(identity["userAssignedIdentities"]))) {
      const principal = str(props(view.raw(uid)?.body ?? {})["principalId"]) ?? str(obj(obj(identity["userAssignedIdentities"])[uid])["principalId"]);
      const access = principal ? accessProfileRoleError(view, p, principal) : undefined;
      if (access) return access;
      for (const sid of subnetIds) {
        if (!principal || !hasNetworkRole(view, principal, sid)) {
          return authorizationFailed(principal ?? uid, "Microsoft.Network/virtualNetworks/subnets/join/action", sid);
        }
        // kubenet writes its pod routes into the subnet's own route table (configure-kubenet.md): it needs write there.
        const rtId = str(obj(props(view.raw(sid)?.body ?? {})["routeTable"])["id"]);
        if (obj(p["networkProfile"])["networkPlugin"] === "kubenet" && rtId && (!principal || !hasNetworkRole(view, principal, rtId))) {
          return authorizationFailed(principal ?? uid, "Microsoft.Network/routeTables/write", rtId);
        }
      }
    }
  }
  // Brought outbound IPs and prefixes are joined by the cluster identity (aks-service-permissions.md:
  // publicIPAddresses/join/action, publicIPPrefixes/join/action, "required to configure the outbound public IPs"),
  // the load balancer's and the managed NAT gateway's alike: AKS attaches both to a resource in the node group.
  if (identity["type"] === "UserAssigned") {
    for (const uid of Object.keys(obj(identity["userAssignedIdentities"]))) {
      const principal = str(props(view.raw(uid)?.body ?? {})["principalId"]);
      for (const { id: ipId, prefix } of [...outboundIpRefs(p), ...outboundIpRefs(p, "natGatewayProfile")]) {
        if (principal && hasNetworkRole(view, principal, ipId)) continue;
        const action = prefix ? "Microsoft.Network/publicIPPrefixes/join/action" : "Microsoft.Network/publicIPAddresses/join/action";
        return authorizationFailed(principal ?? uid, action, ipId);
      }
    }
  }
  // A kubelet identity the user brings is assigned by the cluster's identity: it needs Managed Identity Operator on it
  // (use-managed-identity.md, "Bring your own kubelet managed identity").
  const kubelet = str(obj(obj(p["identityProfile"])["kubeletidentity"])["resourceId"]);
  // The one AKS makes itself lives in the node resource group.
  const madeByAks = kubelet !== undefined && key(kubelet).startsWith(key(`/subscriptions/${parseId(res.id)?.subscription ?? ""}/resourcegroups/${str(p["nodeResourceGroup"]) ?? ""}/`));
  if (kubelet && !madeByAks && identity["type"] === "UserAssigned") {
    for (const uid of Object.keys(obj(identity["userAssignedIdentities"]))) {
      const principal = str(props(view.raw(uid)?.body ?? {})["principalId"]);
      if (!principal || !hasNetworkRole(view, principal, kubelet, [MANAGED_IDENTITY_OPERATOR, CONTRIBUTOR, OWNER])) {
        return {
          code: "CustomKubeletIdentityMissingPermissionError",
          message: `The cluster using user-assigned managed identity must be granted 'Managed Identity Operator' role to assign kubelet identity. You can run 'az role assignment create --assignee ${principal ?? uid} --role 'Managed Identity Operator' --scope ${kubelet}' to grant the permission. See: https://learn.microsoft.com/en-us/azure/aks/use-managed-identity#add-role-assignment`,
        };
      }
    }
  }
  const np = obj(p["networkProfile"]);
  if (np["outboundType"] === "userDefinedRouting") {
    for (const sid of subnetIds) {
      const rtId = str(obj(props(view.raw(sid)?.body ?? {})["routeTable"])["id"]);
      const def = rtId ? view.childrenOf(rtId, "routes").map((r) => props(r.body)).find((r) => r["addressPrefix"] === "0.0.0.0/0") : undefined;
      const hopIp = str(def?.["nextHopIpAddress"]);
      if (!hopIp) continue;
      const fw = view.all().find((r) => r.type.toLowerCase() === T.firewall && arr(props(r.body)["ipConfigurations"]).some((c) => props(obj(c))["privateIPAddress"] === hopIp));
      if (!fw) continue; // another appliance: not modelled
      const missing = missingAksEgress(view, fw);
      if (props(fw.body)["provisioningState"] !== "Succeeded" || missing.length > 0) {
        return {
          code: "VMExtensionProvisioningError",
          message: `Unable to establish outbound connection from agents, please see https://learn.microsoft.com/en-us/troubleshoot/azure/azure-kubernetes/error-code-outboundconnfailvmextensionerror and https://aka.ms/aks-required-ports-and-addresses for more information. Details: instance 0 has extension error details : {vmssCSE (Microsoft.Azure.Extensions.CustomScript) Enable-VMExtension failed: exit status=50 ... outbound connectivity through ${fw.id} (${hopIp}) blocked${missing.length ? `; missing: ${missing.join(", ")}` : "; firewall not provisioned"}}`,
        };
      }
    }
  }
  return undefined;
}

function hasNetworkRole(view: StoreView, principal: string, scope: string, roles: readonly string[] = [NETWORK_CONTRIBUTOR, CONTRIBUTOR, OWNER]): boolean {
  return view.all().some((r) => {
    if (r.type.toLowerCase() !== T.roleAssignment) return false;
    const rp = props(r.body);
    const role = (str(rp["roleDefinitionId"]) ?? "").toLowerCase();
    const at = str(rp["scope"]) ?? "";
    return rp["principalId"] === principal && roles.some((g) => role.endsWith(g)) && isUnder(scope, at);
  });
}

/**
 * A private cluster's brought DNS zone needs the cluster identity's write there (private-clusters.md: Private DNS
 * Zone Contributor), and VNet Integration's subnet its join (api-server-vnet-integration.md): checked when AKS
 * provisions, as Azure does.
 */
function accessProfileRoleError(view: StoreView, p: Json, principal: string): { code: string; message: string } | undefined {
  const api = obj(p["apiServerAccessProfile"]);
  const zone = str(api["privateDNSZone"]);
  if (api["enablePrivateCluster"] === true && zone && !["system", "none"].includes(zone.toLowerCase()) && !hasNetworkRole(view, principal, zone, [PRIVATE_DNS_ZONE_CONTRIBUTOR, CONTRIBUTOR, OWNER])) {
    return { code: "CustomPrivateDNSZoneMissingPermissionError", message: `Service principal or user assigned identity must be given permission to read and write to custom private dns zone ${zone}. Check access result not allowed for action Microsoft.Network/privateDnsZones/write.` };
  }
  const sid = str(api["subnetId"]);
  if (api["enableVnetIntegration"] === true && sid && !hasNetworkRole(view, principal, sid)) {
    return authorizationFailed(principal, "Microsoft.Network/virtualNetworks/subnets/join/action", sid);
  }
  return undefined;
}

/** The AKS egress rules an Azure Firewall lacks (FQDN tag AzureKubernetesService, UDP 1194, TCP 9000, UDP 123). */
export function missingAksEgress(view: StoreView, fw: StoredResource): string[] {
  const p = props(fw.body);
  const appRules: Json[] = [];
  const netRules: Json[] = [];
  const collect = (collections: unknown[], into: Json[]): void => {
    for (const rc of collections.map(obj)) {
      const rcp = props(rc);
      if (str(obj(rcp["action"])["type"]) === "Deny") continue;
      for (const r of arr(rcp["rules"])) into.push(obj(r));
    }
  };
  collect(arr(p["applicationRuleCollections"]), appRules);
  collect(arr(p["networkRuleCollections"]), netRules);
  const policyId = str(obj(p["firewallPolicy"])["id"]);
  if (policyId) {
    for (const g of view.childrenOf(policyId, "ruleCollectionGroups")) {
      for (const rc of arr(props(g.body)["ruleCollections"]).map(obj)) {
        if (str(obj(rc["action"])["type"]) === "Deny") continue;
        for (const r of arr(rc["rules"]).map(obj)) {
          if (r["ruleType"] === "ApplicationRule") appRules.push(r);
          else if (r["ruleType"] === "NetworkRule") netRules.push({ ...r, protocols: r["ipProtocols"] ?? r["protocols"] });
        }
      }
    }
  }
  const missing: string[] = [];
  if (!appRules.some((r) => arr(r["fqdnTags"]).includes("AzureKubernetesService"))) missing.push("application rule FQDN tag AzureKubernetesService");
  const allows = (proto: string, port: number): boolean =>
    netRules.some((r) => {
      const protos = arr(r["protocols"]).map((x) => String(x).toUpperCase());
      if (!protos.includes(proto) && !protos.includes("ANY")) return false;
      return arr(r["destinationPorts"]).some((d) => {
        const s = String(d).trim();
        if (s === "*") return true;
        const m = /^(\d+)(?:-(\d+))?$/.exec(s);
        return !!m && port >= Number(m[1]) && port <= Number(m[2] ?? m[1]);
      });
    });
  for (const [proto, port] of [["UDP", 1194], ["TCP", 9000], ["UDP", 123]] as const) {
    if (!allows(proto, port)) missing.push(`network rule ${proto} ${port}`);
  }
  return missing;
}

// ---------------------------------------------------------------- usage (who uses what)

/** Ids of the things using a subnet: seeded NIC ipConfigurations, firewalls, AKS clusters (nodes or pods). */
export function subnetUsers(view: StoreView, subnetId: string, excludeClusterId?: string): string[] {
  const users: string[] = [];
  const s = view.raw(subnetId);
  for (const ipc of arr(props(s?.body ?? {})["ipConfigurations"])) {
    const i = str(obj(ipc)["id"]);
    if (i) users.push(i);
  }
  for (const link of arr(props(s?.body ?? {})["serviceAssociationLinks"])) users.push(str(obj(link)["id"]) ?? "serviceAssociationLink");
  for (const r of view.all()) {
    const t = r.type.toLowerCase();
    if (t === T.firewall) {
      for (const ipc of firewallIpConfigs(r.body)) {
        if (key(str(obj(props(ipc)["subnet"])["id"]) ?? "") === key(subnetId)) users.push(str(ipc["id"]) ?? r.id);
      }
    } else if (t === T.cluster) {
      if (excludeClusterId && key(r.id) === key(excludeClusterId)) continue;
      for (const pool of arr(props(r.body)["agentPoolProfiles"]).map(obj)) {
        if (key(str(pool["vnetSubnetID"]) ?? "") === key(subnetId)) users.push(...clusterNicIds(r, pool));
        if (key(str(pool["podSubnetID"]) ?? "") === key(subnetId)) users.push(`${r.id}/agentPools/${str(pool["name"]) ?? "pool"}`);
      }
      const gw = appGatewayIpConfig(r);
      if (gw && key(gw.subnetId) === key(subnetId)) users.push(gw.id);
    }
  }
  return users;
}

/** The gateway IP configuration of the Application Gateway the add-on made in a subnet (in the node resource group). */
function appGatewayIpConfig(cluster: StoredResource): { id: string; subnetId: string } | undefined {
  const addon = obj(obj(props(cluster.body)["addonProfiles"])[APPGW_ADDON]);
  const cfg = obj(addon["config"]);
  const subnetId = str(cfg["subnetId"]);
  const gw = str(cfg["effectiveApplicationGatewayId"]);
  if (addon["enabled"] !== true || !subnetId || !gw || str(cfg["applicationGatewayId"])) return undefined;
  return { id: `${gw}/gatewayIPConfigurations/appGatewayIpConfig`, subnetId };
}

function clusterNicIds(cluster: StoredResource, pool: Json): string[] {
  const p = parseId(cluster.id)!;
  const nodeRg = str(props(cluster.body)["nodeResourceGroup"]) ?? `MC_${p.resourceGroup}_${lastSegment(cluster.id)}`;
  const poolName = str(pool["name"]) ?? "nodepool1";
  const vmss = `aks-${poolName}-${parseInt(shortHash(cluster.id, 6), 16) % 100_000_000}-vmss`;
  const n = Math.max(1, Number(pool["count"] ?? 1));
  return Array.from({ length: n }, (_, i) =>
    `/subscriptions/${p.subscription}/resourceGroups/${nodeRg}/providers/Microsoft.Compute/virtualMachineScaleSets/${vmss}/virtualMachines/${i}/networkInterfaces/${vmss}/ipConfigurations/ipconfig1`);
}

/** The firewall/NAT gateway using a public IP, if any. */
function publicIpUser(view: StoreView, pipId: string): string | undefined {
  for (const r of view.all()) {
    const t = r.type.toLowerCase();
    if (t === T.firewall) {
      for (const ipc of firewallIpConfigs(r.body)) {
        if (key(str(obj(props(ipc)["publicIPAddress"])["id"]) ?? "") === key(pipId)) return str(ipc["id"]) ?? r.id;
      }
    } else if (t === T.nat) {
      if ([...arr(props(r.body)["publicIpAddresses"]), ...arr(props(r.body)["publicIpAddressesV6"])].some((x) => key(str(obj(x)["id"]) ?? "") === key(pipId))) return r.id;
    } else if (t === T.cluster && outboundIpRefs(props(r.body)).some((x) => !x.prefix && key(x.id) === key(pipId))) {
      // AKS puts a brought outbound IP on a frontend of its load balancer "kubernetes" in the node resource group.
      const sub = parseId(r.id)?.subscription ?? "";
      return `/subscriptions/${sub}/resourceGroups/${str(props(r.body)["nodeResourceGroup"]) ?? ""}/providers/Microsoft.Network/loadBalancers/kubernetes/frontendIPConfigurations/${stableGuid(key(pipId))}`;
    }
  }
  return undefined;
}

/** Resources whose properties reference `id` (for route tables, NAT gateways, NSGs: the subnets using them). */
function subnetsReferencing(view: StoreView, prop: string, id: string): string[] {
  return view.all()
    .filter((r) => r.type.toLowerCase() === T.subnet && key(str(obj(props(r.body)[prop])["id"]) ?? "") === key(id))
    .map((r) => r.id);
}

/** Throws the 400 ARM gives when deleting a resource still in use. */
export function checkDelete(view: StoreView, res: StoredResource): void {
  const t = res.type.toLowerCase();
  const name = lastSegment(res.id);
  if (t === T.subnet) {
    const users = subnetUsers(view, res.id);
    if (users.length) throw new ArmError(400, "InUseSubnetCannotBeDeleted", `Subnet ${name} is in use by ${users[0]} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
  } else if (t === T.vnet) {
    for (const s of view.childrenOf(res.id, "subnets")) {
      const users = subnetUsers(view, s.id);
      if (users.length) throw new ArmError(400, "InUseSubnetCannotBeDeleted", `Subnet ${lastSegment(s.id)} is in use by ${users[0]} and cannot be deleted. In order to delete the subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.`);
    }
  } else if (t === T.routeTable) {
    const subs = subnetsReferencing(view, "routeTable", res.id);
    if (subs.length) throw new ArmError(400, "InUseRouteTableCannotBeDeleted", `Route table ${res.id} is in use and cannot be deleted. In order to delete the route table, disassociate it from all subnets: ${subs.join(", ")}.`);
  } else if (t === T.nat) {
    const subs = subnetsReferencing(view, "natGateway", res.id);
    if (subs.length) throw new ArmError(400, "InUseNatGatewayCannotBeDeleted", `Nat Gateway ${res.id} is in use by ${subs[0]} and cannot be deleted.`);
  } else if (t === T.nsg) {
    const subs = subnetsReferencing(view, "networkSecurityGroup", res.id);
    if (subs.length) throw new ArmError(400, "InUseNetworkSecurityGroupCannotBeDeleted", `Network security group ${res.id} cannot be deleted because it is in use by ${subs[0]}.`);
  } else if (t === T.pip) {
    const user = publicIpUser(view, res.id);
    if (user) throw new ArmError(400, "PublicIPAddressCannotBeDeleted", `Public IP address ${res.id} can not be deleted since it is still allocated to resource ${user}.`);
  }
}

// ---------------------------------------------------------------- rendering (GET)

/** The GET body: stored body plus children and computed back-references. */
export function render(view: StoreView, res: StoredResource): Json {
  const body = clone(res.body);
  const t = res.type.toLowerCase();
  const p = obj(body["properties"]);
  body["properties"] = p;
  if (t === T.vnet) {
    p["subnets"] = view.childrenOf(res.id, "subnets").map((s) => render(view, s));
    p["virtualNetworkPeerings"] = view.childrenOf(res.id, "virtualNetworkPeerings").map((s) => render(view, s));
  } else if (t === T.subnet) {
    const users = subnetUsers(view, res.id).filter((u) => !/\/agentPools\//.test(u));
    // An Application Gateway is listed apart, as Azure lists it.
    const gateways = users.filter((u) => /\/applicationGateways\/[^/]+\/gatewayIPConfigurations\//i.test(u));
    const nics = users.filter((u) => !gateways.includes(u));
    if (nics.length) p["ipConfigurations"] = nics.map((id) => ({ id }));
    if (gateways.length) p["applicationGatewayIPConfigurations"] = gateways.map((id) => ({ id }));
  } else if (t === T.routeTable) {
    p["routes"] = view.childrenOf(res.id, "routes").map((r) => clone(r.body));
    const subs = subnetsReferencing(view, "routeTable", res.id);
    if (subs.length) p["subnets"] = subs.map((id) => ({ id }));
  } else if (t === T.fwPolicy) {
    // Azure lists a policy's rule collection groups (ids) and the firewalls using it.
    const groups = view.childrenOf(res.id, "ruleCollectionGroups");
    if (groups.length) p["ruleCollectionGroups"] = groups.map((g) => ({ id: g.id }));
  } else if (t === T.nat || t === T.nsg) {
    const subs = subnetsReferencing(view, t === T.nat ? "natGateway" : "networkSecurityGroup", res.id);
    if (subs.length) p["subnets"] = subs.map((id) => ({ id }));
  } else if (t === T.pip) {
    const user = publicIpUser(view, res.id);
    if (user) p[user.includes("/natGateways/") ? "natGateway" : "ipConfiguration"] = { id: user };
  } else if (t === T.peering) {
    const remoteId = str(obj(p["remoteVirtualNetwork"])["id"]);
    const remote = remoteId ? view.raw(remoteId) : undefined;
    const localVnet = parentOf(res.id);
    const back = remoteId ? view.childrenOf(remoteId, "virtualNetworkPeerings").some((x) => key(str(obj(props(x.body)["remoteVirtualNetwork"])["id"]) ?? "") === key(localVnet)) : false;
    if (!p["peeringState"] || p["peeringState"] === "Initiated" || p["peeringState"] === "Connected") p["peeringState"] = back ? "Connected" : "Initiated";
    if (remote) p["remoteAddressSpace"] ??= clone(obj(props(remote.body)["addressSpace"]));
  }
  return body;
}

/** `GET .../virtualNetworks/{v}/usages`: per subnet, IPs in use and the usable limit (size - 5). */
export function vnetUsages(view: StoreView, vnetId: string): Json[] {
  return view.childrenOf(vnetId, "subnets").map((s) => {
    const c = parseV4Cidr(prefixOf(props(s.body)) ?? "");
    let used = 0;
    for (const u of subnetUsers(view, s.id)) used += /\/agentPools\//.test(u) ? 0 : 1;
    // Flat Azure CNI reserves maxPods IPs per node up front.
    for (const r of view.all()) {
      if (r.type.toLowerCase() !== T.cluster) continue;
      const np = obj(props(r.body)["networkProfile"]);
      for (const pool of arr(props(r.body)["agentPoolProfiles"]).map(obj)) {
        const flat = np["networkPlugin"] === "azure" && np["networkPluginMode"] !== "overlay" && !pool["podSubnetID"];
        if (flat && key(str(pool["vnetSubnetID"]) ?? "") === key(s.id)) used += Number(pool["count"] ?? 1) * Number(pool["maxPods"] ?? 30);
      }
    }
    return {
      currentValue: used,
      id: s.id,
      limit: c ? c.size - 5 : 0,
      name: { value: "Subnet size and usage", localizedValue: "Subnet size and usage" },
      unit: "Count",
    };
  });
}

export { typeOfId };
