/**
 * What `aks-net delete` removes, decided purely: given what was read from Azure (and, with a spec, what create would
 * have planned), the resources aks-net made for THIS cluster become delete operations for the executor, and
 * everything else it saw is kept, each with its reason.
 *
 * Ownership is create's rule: tagged resources by OWNER_TAG and CLUSTER_TAG (`<rg>/<name>`); subnets, which carry no
 * tags, by their VNet's tags; role assignments by their `aks-net:<rg>/<name>` description. An owned resource is still
 * kept when something aks-net does not delete lives in it or uses it (a NIC in a subnet, a user's subnet in the VNet,
 * a peering, a resource group with other resources), and that keeps what it needs in turn.
 *
 * One change to a kept resource is undone: the route table / NAT gateway association aks-net made on the cluster's
 * node or pod subnet when that subnet is not aks-net's (an existing VNet). aks-net made that association, so it
 * removes it; any other subnet still using aks-net's route table keeps the route table.
 *
 * Delete operations keep create's dependency direction (X.dependsOn = what X needs); the executor runs deletes in
 * reverse, so a resource goes only after everything that needs it is gone.
 */
import { API_VERSIONS, NETWORK_CONTRIBUTOR_ROLE, TYPES, nameOf, resourceGroupId, roleAssignmentId, roleAssignmentName, roleDefinitionId } from "./arm-bodies.ts";
import { typeFromId } from "./apply.ts";
import { CLUSTER_TAG, NAMES, OWNER_TAG, OWNER_VALUE, minimiseDependencies, valueAt } from "./plan.ts";
import type { DesiredResource, ObservedState, Operation, Plan } from "./plan.ts";

type Body = Record<string, unknown>;

/** The cluster whose resources are torn down. */
export interface TeardownTarget {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** One top-level resource of a resource group, as the group's resource list shows it. */
export interface ListedResource {
  id: string;
  type: string;
  tags?: Record<string, string> | undefined;
}

export interface TeardownInput {
  target: TeardownTarget;
  /** Every resource read (id → GET body); absent = does not exist or was not read. */
  observed: ObservedState;
  /** Top-level resources per resource group id; a group missing from the map was not listed (or does not exist). */
  groups: ReadonlyMap<string, readonly ListedResource[]>;
  /** What create plans for the spec (`-f`), when there is one: more candidates and create's exact dependencies. */
  planned?: readonly DesiredResource[];
}

/** A resource delete leaves alone, and why. */
export interface Kept {
  type: string;
  resourceId: string;
  reason: string;
}

export interface Teardown {
  /** Delete operations (plus association removals), in deletion order; dependsOn in create's direction. */
  plan: Plan;
  /** Per operation id (lower case): the operations that must finish before it starts (deletion's direction). */
  after: ReadonlyMap<string, string[]>;
  keep: Kept[];
}

/** The cluster's tag value, compared case-insensitively (resource group names are). */
export function clusterTagValue(t: Pick<TeardownTarget, "resourceGroup" | "name">): string {
  return `${t.resourceGroup}/${t.name}`;
}

export function clusterId(t: TeardownTarget): string {
  return `${resourceGroupId(t.subscriptionId, t.resourceGroup)}/providers/${TYPES.managedCluster}/${t.name}`;
}

/** Types delete can remove on their own. Routes and rule collection groups go with their parent. */
const DELETABLE = new Set(
  [TYPES.resourceGroup, TYPES.vnet, TYPES.subnet, TYPES.publicIp, TYPES.firewall, TYPES.firewallPolicy, TYPES.routeTable, TYPES.natGateway, TYPES.identity, TYPES.roleAssignment, TYPES.managedCluster].map((t) => t.toLowerCase()),
);
const GOES_WITH_PARENT = new Set([TYPES.route, TYPES.ruleCollectionGroup].map((t) => t.toLowerCase()));

/** Deletion order among steps that could run together (and of the kept list): users before what they use. */
const RANK = [
  TYPES.managedCluster,
  TYPES.roleAssignment,
  TYPES.firewall,
  TYPES.subnet,
  TYPES.natGateway,
  TYPES.routeTable,
  TYPES.publicIp,
  TYPES.firewallPolicy,
  TYPES.vnet,
  TYPES.identity,
  TYPES.resourceGroup,
].map((t) => t.toLowerCase());

// ---------------------------------------------------------------------------------------------------------------
// ids

const lc = (s: string): string => s.toLowerCase();

const typeOf = typeFromId;

/** The resource group id an id lives in (the id itself for a group); undefined for other scopes. */
export function groupOf(id: string): string | undefined {
  return /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+/i.exec(id)?.[0];
}

/** A child's parent (`.../virtualNetworks/v/subnets/s` → `.../virtualNetworks/v`); undefined for top-level ids. */
function parentOf(id: string): string | undefined {
  const i = lc(id).lastIndexOf("/providers/");
  if (i < 0) return undefined;
  const parts = id.slice(i + "/providers/".length).split("/");
  return parts.length > 3 ? id.slice(0, id.lastIndexOf("/", id.lastIndexOf("/") - 1)) : undefined;
}

/** A role assignment's scope: its id up to `/providers/Microsoft.Authorization/`. */
function scopeOf(assignmentId: string): string {
  return assignmentId.slice(0, lc(assignmentId).lastIndexOf("/providers/microsoft.authorization/"));
}

function refId(v: unknown): string | undefined {
  const id = valueAt(v, "id");
  return typeof id === "string" && id !== "" ? id : undefined;
}

function list(body: unknown, path: string): unknown[] {
  const v = valueAt(body, path);
  return Array.isArray(v) ? v : [];
}

function tagsOf(body: unknown): Record<string, unknown> {
  const t = valueAt(body, "tags");
  return t !== null && typeof t === "object" && !Array.isArray(t) ? (t as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------------------------
// references

/** What a resource needs (create's direction): parent, group, and the ids its body points at. Never back-references. */
export function requires(id: string, body: Body | undefined): string[] {
  const t = lc(typeOf(id));
  const out: string[] = [];
  const add = (x: string | undefined): void => {
    if (x !== undefined && lc(x) !== lc(id)) out.push(x);
  };
  add(parentOf(id));
  if (t !== lc(TYPES.roleAssignment)) add(groupOf(id));
  if (!body) return out;
  if (t === lc(TYPES.subnet)) {
    add(refId(valueAt(body, "properties.routeTable")));
    add(refId(valueAt(body, "properties.natGateway")));
  } else if (t === lc(TYPES.firewall)) {
    const configs = [...list(body, "properties.ipConfigurations"), valueAt(body, "properties.managementIpConfiguration")];
    for (const c of configs) {
      add(refId(valueAt(c, "properties.subnet")));
      add(refId(valueAt(c, "properties.publicIPAddress")));
    }
    add(refId(valueAt(body, "properties.firewallPolicy")));
  } else if (t === lc(TYPES.natGateway)) {
    for (const p of list(body, "properties.publicIpAddresses")) add(refId(p));
  } else if (t === lc(TYPES.managedCluster)) {
    for (const k of Object.keys(tagsOrEmpty(valueAt(body, "identity.userAssignedIdentities")))) add(k);
    for (const p of list(body, "properties.agentPoolProfiles")) {
      for (const k of ["vnetSubnetID", "podSubnetID"]) {
        const v = valueAt(p, k);
        if (typeof v === "string" && v !== "") add(v);
      }
    }
  } else if (t === lc(TYPES.roleAssignment)) {
    add(scopeOf(id));
  }
  return out;
}

function tagsOrEmpty(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** The subnets a route table or NAT gateway body says use it (Azure's back-reference list). */
function usersOf(body: Body | undefined): string[] {
  return list(body, "properties.subnets").flatMap((s) => refId(s) ?? []);
}

// ---------------------------------------------------------------------------------------------------------------
// ownership

type Ownership = { owned: true } | { owned: false; reason: string };

function ownership(id: string, body: Body, byId: ReadonlyMap<string, Body>, target: TeardownTarget): Ownership {
  const t = lc(typeOf(id));
  const want = lc(clusterTagValue(target));
  if (t === lc(TYPES.roleAssignment)) {
    const d = String(valueAt(body, "properties.description") ?? "");
    if (lc(d) === `aks-net:${want}`) return { owned: true };
    return { owned: false, reason: d.startsWith("aks-net:") ? `made by aks-net for cluster ${d.slice("aks-net:".length)}` : "not made by aks-net (no aks-net description)" };
  }
  if (t === lc(TYPES.subnet) || GOES_WITH_PARENT.has(t)) {
    // Untaggable children are aks-net's when their parent is (create's rule).
    const parentId = parentOf(id) as string;
    const parent = byId.get(lc(parentId));
    if (parent === undefined) return { owned: false, reason: `its parent ${nameOf(parentId)} was not read` };
    const p = ownership(parentId, parent, byId, target);
    return p.owned ? p : { owned: false, reason: `in ${kind(parentId)} ${nameOf(parentId)}, which aks-net did not create for this cluster (subnets carry no tags: they are aks-net's only in aks-net's VNet)` };
  }
  return tagOwnership(tagsOf(body), want);
}

function tagOwnership(tags: Record<string, unknown>, want: string): Ownership {
  const get = (k: string): string | undefined => {
    const hit = Object.entries(tags).find(([key]) => lc(key) === k);
    return hit === undefined ? undefined : String(hit[1]);
  };
  if (lc(get(OWNER_TAG) ?? "") !== OWNER_VALUE) return { owned: false, reason: `not created by aks-net (no ${OWNER_TAG}=${OWNER_VALUE} tag)` };
  const cluster = get(CLUSTER_TAG);
  if (cluster === undefined || lc(cluster) !== want) return { owned: false, reason: `created by aks-net for ${cluster === undefined ? "another cluster" : `cluster ${cluster}`}` };
  return { owned: true };
}

// ---------------------------------------------------------------------------------------------------------------
// discovery

export interface Discovery {
  /** Resource ids to GET next (a subnet is read through its VNet, whose body holds every subnet). */
  read: string[];
  /** Resource group ids whose resources to list next. */
  list: string[];
}

/**
 * What to read next, from what was read so far: the cluster and its group, the spec's plan, everything listed with
 * this cluster's tag, what aks-net's resources point at (and the subnets using its route tables and NAT gateways),
 * and the role assignments create would have made (deterministic names: scope × identity). Empty when done.
 */
export function nextReads(input: TeardownInput, read: ReadonlySet<string>, listed: ReadonlySet<string>): Discovery {
  const { target } = input;
  const byId = index(input.observed);
  const want = lc(clusterTagValue(target));
  const ids: string[] = [];
  const groups: string[] = [];
  const push = (id: string | undefined): void => {
    if (id === undefined) return;
    // Subnets come with their VNet's GET.
    const readable = lc(typeOf(id)) === lc(TYPES.subnet) ? (parentOf(id) as string) : id;
    if (!DELETABLE.has(lc(typeOf(readable)))) return; // only what the port can read (and delete)
    if (!read.has(lc(readable)) && !ids.some((x) => lc(x) === lc(readable))) ids.push(readable);
  };
  const pushGroup = (id: string | undefined): void => {
    const g = id === undefined ? undefined : groupOf(id);
    if (g !== undefined && !listed.has(lc(g)) && !groups.some((x) => lc(x) === lc(g))) groups.push(g);
  };

  const cluster = clusterId(target);
  push(cluster);
  push(groupOf(cluster));
  pushGroup(cluster);
  for (const r of input.planned ?? []) {
    push(r.resourceId);
    if (lc(r.type) === lc(TYPES.resourceGroup)) pushGroup(r.resourceId);
  }
  for (const members of input.groups.values()) {
    for (const m of members) if (DELETABLE.has(lc(m.type)) && tagOwnership(m.tags ?? {}, want).owned) push(m.id);
  }
  for (const [k, body] of byId) {
    if (!ownership(k, body, byId, target).owned) continue;
    const id = String(body["id"] ?? k);
    pushGroup(id);
    push(groupOf(id));
    for (const r of requires(id, body)) push(r);
    for (const s of usersOf(body)) push(s);
  }
  for (const a of candidateAssignments(input, byId)) push(a);
  return { read: ids, list: groups };
}

/** Role assignment ids create makes: Network Contributor for the cluster's identity on its subnets and route table. */
function candidateAssignments(input: TeardownInput, byId: ReadonlyMap<string, Body>): string[] {
  const { target } = input;
  const identities = new Set<string>();
  const scopes = new Set<string>();
  const cluster = byId.get(lc(clusterId(target)));
  if (cluster && ownership(clusterId(target), cluster, byId, target).owned) {
    for (const r of requires(clusterId(target), cluster)) {
      const t = lc(typeOf(r));
      if (t === lc(TYPES.identity)) identities.add(r);
      if (t === lc(TYPES.subnet)) scopes.add(r);
    }
  }
  for (const [k, body] of byId) {
    const t = lc(typeOf(k));
    const id = String(body["id"] ?? k);
    if (!ownership(k, body, byId, target).owned) continue;
    if (t === lc(TYPES.identity)) identities.add(id);
    if (t === lc(TYPES.subnet) || t === lc(TYPES.routeTable)) scopes.add(id);
    if (t === lc(TYPES.routeTable) || t === lc(TYPES.natGateway)) for (const s of usersOf(body)) scopes.add(s);
  }
  for (const r of input.planned ?? []) {
    const t = lc(r.type);
    if (t === lc(TYPES.identity)) identities.add(r.resourceId);
    if (t === lc(TYPES.subnet) || t === lc(TYPES.routeTable)) scopes.add(r.resourceId);
  }
  const role = roleDefinitionId(target.subscriptionId, NETWORK_CONTRIBUTOR_ROLE);
  const out: string[] = [];
  for (const scope of scopes) for (const identity of identities) out.push(roleAssignmentId(scope, roleAssignmentName(scope, identity, role)));
  return out;
}

/** A GET body as observed entries: a VNet's body also carries each of its subnets. */
export function expandBody(id: string, body: Body): [string, Body][] {
  const out: [string, Body][] = [[String(body["id"] ?? id), body]];
  if (lc(typeOf(id)) === lc(TYPES.vnet)) {
    for (const s of list(body, "properties.subnets")) {
      const sid = refId(s);
      if (sid !== undefined) out.push([sid, s as Body]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// decision

/** Decides the teardown: delete operations in deletion order, association removals, and the kept list. */
export function decideTeardown(input: TeardownInput): Teardown {
  const { target } = input;
  const byId = index(input.observed);
  const ids = new Map<string, string>(); // lower → id as Azure spells it
  for (const [k, body] of byId) ids.set(k, String(body["id"] ?? k));
  const clusterKey = lc(clusterId(target));
  const clusterBody = byId.get(clusterKey);

  // Candidates: everything read or listed, minus children that go with their parent.
  const keep = new Map<string, Kept>();
  const del = new Set<string>();
  for (const [k, body] of byId) {
    const t = typeOf(ids.get(k) as string);
    if (GOES_WITH_PARENT.has(lc(t))) continue;
    const o = ownership(k, body, byId, target);
    if (!o.owned) keep.set(k, { type: t, resourceId: ids.get(k) as string, reason: o.reason });
    else if (!DELETABLE.has(lc(t))) keep.set(k, { type: t, resourceId: ids.get(k) as string, reason: "aks-net does not delete this type" });
    else del.add(k);
  }
  for (const members of input.groups.values()) {
    for (const m of members) {
      if (byId.has(lc(m.id)) || keep.has(lc(m.id))) continue;
      const o = tagOwnership(m.tags ?? {}, lc(clusterTagValue(target)));
      keep.set(lc(m.id), { type: m.type, resourceId: m.id, reason: o.owned ? "aks-net does not delete this type" : o.reason });
    }
  }

  // The cluster's own subnets: the only ones whose route table / NAT gateway association aks-net made.
  const clusterSubnets = new Set<string>();
  if (clusterBody) for (const r of requires(clusterKey, clusterBody)) if (lc(typeOf(r)) === lc(TYPES.subnet)) clusterSubnets.add(lc(r));
  for (const r of input.planned ?? []) if (lc(r.type) === lc(TYPES.subnet)) clusterSubnets.add(lc(r.resourceId));
  for (const k of del) if (lc(typeOf(k)) === lc(TYPES.roleAssignment)) clusterSubnets.add(lc(scopeOf(k)));
  const byName = (k: string): boolean => [NAMES.nodeSubnet, NAMES.podSubnet].some((n) => lc(n) === lc(nameOf(k)));

  /** A kept subnet whose association with `user` (a route table or NAT gateway being deleted) aks-net made and removes. */
  const detachable = (subnet: string, from: string): boolean => {
    if (del.has(subnet) || !byId.has(subnet) || !(clusterSubnets.has(subnet) || byName(subnet))) return false;
    const body = byId.get(subnet);
    return [refId(valueAt(body, "properties.routeTable")), refId(valueAt(body, "properties.natGateway"))].some((r) => r !== undefined && lc(r) === from);
  };

  const blocked = (k: string): string | undefined => {
    const t = lc(typeOf(k));
    const body = byId.get(k);
    if (t === lc(TYPES.subnet)) return subnetInUse(body, del, clusterBody !== undefined && del.has(clusterKey) ? clusterBody : undefined, target);
    if (t === lc(TYPES.vnet)) {
      const held = list(body, "properties.subnets").flatMap((s) => refId(s) ?? []).find((s) => !del.has(lc(s)));
      if (held !== undefined) return `holds subnet ${nameOf(held)}, which is kept`;
      const peering = list(body, "properties.virtualNetworkPeerings")[0];
      if (peering !== undefined) return `peered (${String(valueAt(peering, "name") ?? "a peering")}): the peering is not aks-net's`;
      return undefined;
    }
    if (t === lc(TYPES.routeTable) || t === lc(TYPES.natGateway)) {
      const prop = t === lc(TYPES.routeTable) ? "properties.routeTable" : "properties.natGateway";
      const users = new Set(usersOf(body).map(lc));
      for (const [s, sb] of byId) if (lc(refId(valueAt(sb, prop)) ?? "") === k) users.add(s);
      const other = [...users].find((s) => !del.has(s) && !detachable(s, k));
      return other === undefined ? undefined : `used by subnet ${nameOf(ids.get(other) ?? other)}, which aks-net did not associate with it: disassociate it first`;
    }
    if (t === lc(TYPES.publicIp)) {
      const user = refId(valueAt(body, "properties.ipConfiguration")) ?? refId(valueAt(body, "properties.natGateway"));
      return user === undefined || coveredBy(user, del) ? undefined : `used by ${nameOf(ownerOf(user))}, which is kept`;
    }
    if (t === lc(TYPES.firewallPolicy)) {
      const fw = list(body, "properties.firewalls").flatMap((f) => refId(f) ?? []).find((f) => !del.has(lc(f)));
      if (fw !== undefined) return `used by firewall ${nameOf(fw)}, which is kept`;
      return list(body, "properties.childPolicies").length > 0 ? "has child policies" : undefined;
    }
    if (t === lc(TYPES.resourceGroup)) {
      const members = [...input.groups].find(([g]) => lc(g) === k)?.[1];
      if (members === undefined) return "its resources could not be listed";
      const others = members.filter((m) => !del.has(lc(m.id)));
      if (others.length === 0) return undefined;
      const names = others.slice(0, 3).map((m) => nameOf(m.id)).join(", ");
      return `holds ${others.length} resource${others.length === 1 ? "" : "s"} aks-net does not delete (${names}${others.length > 3 ? ", ..." : ""})`;
    }
    return undefined;
  };

  // Keeping one resource can keep another (a kept subnet keeps its VNet): repeat until nothing changes.
  for (let changed = true; changed; ) {
    changed = false;
    for (const k of [...del]) {
      const why = blocked(k);
      if (why === undefined) continue;
      del.delete(k);
      keep.set(k, { type: typeOf(ids.get(k) as string), resourceId: ids.get(k) as string, reason: why });
      changed = true;
    }
  }

  // Operations: deletes, plus removing the associations aks-net made on kept subnets.
  const ops: Operation[] = [];
  for (const k of del) {
    const id = ids.get(k) as string;
    ops.push({ resourceId: id, type: typeOf(id), apiVersion: apiVersionOf(id), dependsOn: [], body: {}, label: labelOf(id, byId.get(k)), action: "delete" });
  }
  for (const [k, body] of byId) {
    if (lc(typeOf(k)) !== lc(TYPES.subnet) || del.has(k)) continue;
    const props: Body = {};
    const dropped: string[] = [];
    for (const [prop, what] of [["routeTable", "route table"], ["natGateway", "NAT gateway"]] as const) {
      const r = refId(valueAt(body, `properties.${prop}`));
      if (r !== undefined && del.has(lc(r)) && detachable(k, lc(r))) {
        props[prop] = null; // a PUT with null removes the association
        dropped.push(`${what} ${nameOf(r)}`);
      }
    }
    if (dropped.length === 0) continue;
    const id = ids.get(k) as string;
    ops.push({
      resourceId: id,
      type: TYPES.subnet,
      apiVersion: API_VERSIONS.network,
      dependsOn: [],
      body: { properties: props },
      label: `subnet ${nameOf(id)} (association)`,
      action: "update",
      reason: `remove its association with ${dropped.join(" and ")}, which aks-net made`,
    });
    const kept = keep.get(k);
    if (kept) kept.reason += `; aks-net removes the association with ${dropped.join(" and ")} it made`;
  }

  // Dependencies in create's direction; the cluster was created last, so it goes first.
  const inPlan = new Set(ops.map((o) => lc(o.resourceId)));
  const plannedDeps = new Map((input.planned ?? []).map((r) => [lc(r.resourceId), r.dependsOn]));
  const withDeps = ops.map((o) => {
    const k = lc(o.resourceId);
    const deps = [...requires(o.resourceId, byId.get(k)), ...(plannedDeps.get(k) ?? [])];
    if (lc(o.type) === lc(TYPES.roleAssignment)) deps.push(...identitiesOf(o, byId, ids));
    if (k === clusterKey) deps.push(...ops.map((x) => x.resourceId));
    const dependsOn = [...new Map(deps.filter((d) => inPlan.has(lc(d)) && lc(d) !== k).map((d) => [lc(d), ids.get(lc(d)) ?? d])).values()];
    return { ...o, dependsOn };
  });
  const reduced = minimiseDependencies(withDeps) as Operation[];
  const ordered = deletionOrder(reduced);
  const after = new Map<string, string[]>(ordered.map((o) => [lc(o.resourceId), []]));
  for (const o of ordered) for (const d of o.dependsOn) after.get(lc(d))?.push(o.resourceId);

  const keepList = [...keep.values()]
    .filter((x) => !GOES_WITH_PARENT.has(lc(x.type)))
    .sort((a, b) => rank(a.type) - rank(b.type) || lc(a.resourceId).localeCompare(lc(b.resourceId)));
  return { plan: { operations: ordered, refusals: [] }, after, keep: keepList };
}

/** A subnet holds something aks-net does not delete: a NIC outside the cluster's node group, an endpoint, a link. */
function subnetInUse(body: Body | undefined, del: ReadonlySet<string>, cluster: Body | undefined, target: TeardownTarget): string | undefined {
  const nodeRg = cluster === undefined ? undefined : valueAt(cluster, "properties.nodeResourceGroup");
  const nodePrefix = typeof nodeRg === "string" ? lc(`${resourceGroupId(target.subscriptionId, nodeRg)}/`) : undefined;
  for (const c of list(body, "properties.ipConfigurations")) {
    const id = refId(c);
    if (id === undefined) continue;
    if (nodePrefix !== undefined && lc(id).startsWith(nodePrefix)) continue; // the cluster's nodes go with it
    if (coveredBy(id, del)) continue;
    return `holds ${nameOf(ownerOf(id))} (${kind(ownerOf(id))}), which aks-net does not delete`;
  }
  for (const k of ["privateEndpoints", "serviceAssociationLinks", "resourceNavigationLinks", "applicationGatewayIPConfigurations"]) {
    for (const item of list(body, `properties.${k}`)) {
      const link = valueAt(item, "properties.link");
      if (cluster !== undefined && typeof link === "string" && lc(link).startsWith(lc(String(cluster["id"] ?? "")))) continue;
      return `holds ${k.replace(/([A-Z])/g, " $1").toLowerCase().replace(/s$/, "")} ${nameOf(refId(item) ?? "")}`.trimEnd();
    }
  }
  return undefined;
}

/** True when `ref` is, or is inside, a resource being deleted (a firewall's IP configuration); a group does not count. */
function coveredBy(ref: string, del: ReadonlySet<string>): boolean {
  const r = lc(ref);
  for (const d of del) if (d.includes("/providers/") && (r === d || r.startsWith(`${d}/`))) return true;
  return false;
}

/** The top-level resource an IP configuration id belongs to. */
function ownerOf(ref: string): string {
  const m = /^(.*\/providers\/[^/]+\/[^/]+\/[^/]+)/i.exec(ref);
  return m ? (m[1] as string) : ref;
}

/** The identities whose principal a role assignment names. */
function identitiesOf(op: Operation, byId: ReadonlyMap<string, Body>, ids: ReadonlyMap<string, string>): string[] {
  const principal = valueAt(byId.get(lc(op.resourceId)), "properties.principalId");
  if (typeof principal !== "string") return [];
  return [...byId].filter(([k, b]) => lc(typeOf(k)) === lc(TYPES.identity) && valueAt(b, "properties.principalId") === principal).map(([k]) => ids.get(k) ?? k);
}

/** Kahn's order in deletion's direction: an operation is ready once everything needing it is done. Ties by RANK. */
function deletionOrder(ops: Operation[]): Operation[] {
  const needers = new Map(ops.map((o) => [lc(o.resourceId), new Set<string>()]));
  for (const o of ops) for (const d of o.dependsOn) needers.get(lc(d))?.add(lc(o.resourceId));
  const done = new Set<string>();
  const out: Operation[] = [];
  const sorted = [...ops].sort((a, b) => rank(a.type) - rank(b.type) || (a.action === b.action ? 0 : a.action === "update" ? -1 : 1) || lc(a.resourceId).localeCompare(lc(b.resourceId)));
  while (out.length < ops.length) {
    const ready = sorted.filter((o) => !done.has(lc(o.resourceId)) && [...(needers.get(lc(o.resourceId)) ?? [])].every((n) => done.has(n)));
    if (ready.length === 0) throw new Error("teardown: dependency cycle");
    for (const o of ready) {
      done.add(lc(o.resourceId));
      out.push(o);
    }
  }
  return out;
}

function rank(type: string): number {
  const i = RANK.indexOf(lc(type));
  return i < 0 ? RANK.length : i;
}

function index(observed: ObservedState): Map<string, Body> {
  return new Map([...observed].map(([id, body]) => [lc(id), body]));
}

function apiVersionOf(id: string): string {
  const t = lc(typeOf(id));
  if (t === lc(TYPES.resourceGroup)) return API_VERSIONS.resources;
  if (t === lc(TYPES.identity)) return API_VERSIONS.msi;
  if (t === lc(TYPES.roleAssignment)) return API_VERSIONS.authorization;
  if (t === lc(TYPES.managedCluster)) return API_VERSIONS.containerService;
  return API_VERSIONS.network;
}

const KINDS: Record<string, string> = {
  [lc(TYPES.resourceGroup)]: "resource group",
  [lc(TYPES.vnet)]: "vnet",
  [lc(TYPES.subnet)]: "subnet",
  [lc(TYPES.publicIp)]: "public IP",
  [lc(TYPES.firewall)]: "firewall",
  [lc(TYPES.firewallPolicy)]: "firewall policy",
  [lc(TYPES.routeTable)]: "route table",
  [lc(TYPES.natGateway)]: "NAT gateway",
  [lc(TYPES.identity)]: "identity",
  [lc(TYPES.managedCluster)]: "cluster",
};

/** A resource kind in words (`route table`), else the last part of its type. */
function kind(id: string): string {
  const t = typeOf(id);
  return KINDS[lc(t)] ?? t.slice(t.lastIndexOf("/") + 1);
}

/** Labels as create's plan names its steps; a role assignment by its role and scope. */
function labelOf(id: string, body: Body | undefined): string {
  if (lc(typeOf(id)) !== lc(TYPES.roleAssignment)) return `${kind(id)} ${nameOf(id)}`;
  const role = String(valueAt(body, "properties.roleDefinitionId") ?? "");
  return `role ${lc(nameOf(role)) === NETWORK_CONTRIBUTOR_ROLE ? "Network Contributor" : "assignment"} on ${nameOf(scopeOf(id))}`;
}
