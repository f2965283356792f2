/**
 * What `aks-net delete` removes, decided purely: given what was read from Azure (and, with a spec, what create would
 * have planned), the resources aks-net made for THIS cluster become delete operations for the executor, and
 * everything else it saw is kept, each with its reason.
 *
 * Ownership is proof, not tags (core/ownership.ts): an id in the record create wrote into the cluster's tags, a
 * top-level resource carrying the proof tag bound to its own id, a planned child (`-f`) under a parent proven made,
 * a role assignment with the deterministic id of an identity made for this cluster. A resource aks-net made is still
 * kept when it holds, carries or serves anything aks-net did not make (a subnet, a route, a rule collection, a peering,
 * a role assignment, a resource in the group, a NIC), and that keeps what it needs in turn; the foreign items are
 * named. `recheckStep` applies the same rule to a fresh read right before each write.
 *
 * One change to a kept resource is undone: the route table / NAT gateway association create made on a subnet it
 * adopted (create refuses to re-point a subnet that has the user's own). aks-net made that association, so it
 * removes it (GET, then PUT with If-Match); any other subnet still using aks-net's route table keeps the route table.
 *
 * Delete operations keep create's dependency direction (X.dependsOn = what X needs); the executor runs deletes in
 * reverse, so a resource goes only after everything that needs it is gone.
 */
import { API_VERSIONS, NETWORK_CONTRIBUTOR_ROLE, TYPES, nameOf, resourceGroupId, roleAssignmentId, roleAssignmentName, roleDefinitionId } from "./arm-bodies.ts";
import { etagOf, typeFromId } from "./apply.ts";
import type { Recheck } from "./apply.ts";
import { JOURNAL_VERSION, fingerprint, trustedEntries } from "./journal.ts";
import { NAMES } from "./names.ts";
import type { Journal, Trusted } from "./journal.ts";
import { PROOF_TAG, expandChildren, hasProof, inManifest, provenMade, readManifest, writtenIds, writtenItems } from "./ownership.ts";
import { CLUSTER_TAG, OWNER_TAG, OWNER_VALUE, mergeForUpdate, minimiseDependencies, valueAt } from "./plan.ts";
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
  /** Role assignments at and under each listed group (id → bodies); a group missing from the map was not listed. */
  assignments?: ReadonlyMap<string, readonly Body[]>;
  /** What create plans for the spec (`-f`), when there is one: more candidates and create's exact dependencies. */
  planned?: readonly DesiredResource[];
  /** The journal an interrupted create or delete of this cluster left (each entry re-checked on a fresh read). */
  journal?: Journal | undefined;
}

/** A resource delete leaves alone, and why; `foreign` names what aks-net did not make that keeps it. */
export interface Kept {
  type: string;
  resourceId: string;
  reason: string;
  foreign?: string[];
}

export interface Teardown {
  /** Delete operations (plus association removals), in deletion order; dependsOn in create's direction. */
  plan: Plan;
  /** Per operation id (lower case): the operations that must finish before it starts (deletion's direction). */
  after: ReadonlyMap<string, string[]>;
  keep: Kept[];
  /** What the decision was made from, for `recheckStep`. */
  input: TeardownInput;
  /** Ids (lower case) proven made by aks-net for this cluster. */
  made: ReadonlySet<string>;
  /** What the next run needs if this one stops once the cluster is gone: written before the first write (`decided` by the writer). */
  journal: Journal;
}

/** The cluster's tag value, compared case-insensitively (resource group names are). */
export function clusterTagValue(t: Pick<TeardownTarget, "resourceGroup" | "name">): string {
  return `${t.resourceGroup}/${t.name}`;
}

export function clusterId(t: TeardownTarget): string {
  return `${resourceGroupId(t.subscriptionId, t.resourceGroup)}/providers/${TYPES.managedCluster}/${t.name}`;
}

/** The subnet property that associates each kind of resource aks-net may put on a subnet (create made it: delete undoes it). */
const ASSOCIATION: Record<string, string> = {
  [TYPES.routeTable.toLowerCase()]: "routeTable",
  [TYPES.natGateway.toLowerCase()]: "natGateway",
  [TYPES.nsg.toLowerCase()]: "networkSecurityGroup",
};

/** Types delete can remove (routes and rule collection groups only when their parent stays). */
const DELETABLE = new Set(
  [TYPES.resourceGroup, TYPES.vnet, TYPES.subnet, TYPES.publicIp, TYPES.firewall, TYPES.firewallPolicy, TYPES.routeTable, TYPES.route, TYPES.natGateway, TYPES.nsg, TYPES.identity, TYPES.roleAssignment, TYPES.managedCluster, TYPES.ruleCollectionGroup].map((t) => t.toLowerCase()),
);

/** Deletion order among steps that could run together (and of the kept list): users before what they use. */
const RANK = [
  TYPES.managedCluster,
  TYPES.roleAssignment,
  TYPES.firewall,
  TYPES.route,
  TYPES.ruleCollectionGroup,
  TYPES.subnet,
  TYPES.natGateway,
  TYPES.nsg,
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
/**
 * Ids in code-unit order: the same on every machine. Not localeCompare, which orders by the machine's locale and whose
 * first use builds an ICU collator (~15 ms of CPU, in a run that otherwise spends tens of milliseconds).
 */
const byResourceId = (a: { resourceId: string }, b: { resourceId: string }): number => {
  const [x, y] = [lc(a.resourceId), lc(b.resourceId)];
  return x < y ? -1 : x > y ? 1 : 0;
};

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
    add(refId(valueAt(body, "properties.networkSecurityGroup")));
  } else if (t === lc(TYPES.firewall)) {
    const configs = [...list(body, "properties.ipConfigurations"), valueAt(body, "properties.managementIpConfiguration")];
    for (const c of configs) {
      add(refId(valueAt(c, "properties.subnet")));
      add(refId(valueAt(c, "properties.publicIPAddress")));
    }
    add(refId(valueAt(body, "properties.firewallPolicy")));
  } else if (t === lc(TYPES.natGateway)) {
    // A StandardV2 gateway's IPv6 addresses are its too (publicIpAddressesV6): the gateway goes first.
    for (const p of [...list(body, "properties.publicIpAddresses"), ...list(body, "properties.publicIpAddressesV6")]) add(refId(p));
  } else if (t === lc(TYPES.managedCluster)) {
    for (const k of Object.keys(tagsOrEmpty(valueAt(body, "identity.userAssignedIdentities")))) add(k);
    for (const p of list(body, "properties.agentPoolProfiles")) {
      for (const k of ["vnetSubnetID", "podSubnetID"]) {
        const v = valueAt(p, k);
        if (typeof v === "string" && v !== "") add(v);
      }
    }
    // The App Gateway add-on's subnet (AKS puts the gateway in it).
    const agw = valueAt(body, "properties.addonProfiles.ingressApplicationGateway.config.subnetId");
    if (typeof agw === "string" && agw !== "") add(agw);
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

/** What the decision knows: every body read (children as own entries), the listings, and what aks-net made. */
interface World {
  target: TeardownTarget;
  byId: Map<string, Body>;
  ids: Map<string, string>;
  groups: ReadonlyMap<string, readonly ListedResource[]>;
  assignments: ReadonlyMap<string, readonly Body[]>;
  made: ReadonlySet<string>;
  manifest: readonly string[] | undefined;
  planned: readonly DesiredResource[];
  /** The journal's entries a fresh read confirms (associations and DNS only once the cluster is gone). */
  trusted: Trusted;
  /** Children an interrupted create was making when it stopped (its journal): named, never proof. */
  creating: string[];
  /** The journal's made children with their fingerprints (a mismatch is named). */
  journaled: Readonly<Record<string, string>>;
}

function world(input: TeardownInput): World {
  const byId = new Map<string, Body>();
  const ids = new Map<string, string>();
  const add = (id: string, body: Body): void => {
    // A parent lists some children as {id} only (a firewall policy its rule collection groups): such a stub never
    // replaces the child's own read, whichever of the two reads came back (and was recorded) last.
    if (body["properties"] === undefined && byId.get(lc(id))?.["properties"] !== undefined) return;
    byId.set(lc(id), body);
    ids.set(lc(id), id);
  };
  for (const [id, body] of input.observed) for (const [k, v] of expandChildren(id, body)) add(k, v);
  for (const list of (input.assignments ?? new Map<string, Body[]>()).values()) for (const a of list) if (typeof a["id"] === "string") add(a["id"], a);
  const clusterBody = byId.get(lc(clusterId(input.target)));
  // Journaled children count whenever a fresh read matches their fingerprint (a create stopped before its cluster
  // step, or a re-run's before the cluster's record was updated); what an interrupted delete gives back only once
  // the cluster is gone (until then the cluster's own state decides).
  const journaled = trustedEntries(input.journal, byId, parentOf);
  const trusted = clusterBody === undefined ? journaled : { ...journaled, associated: new Map(), dns: new Map() };
  const recorded = clusterBody !== undefined && hasProof(input.target, clusterId(input.target), clusterBody) ? readManifest(clusterBody, input.target) : undefined;
  const manifest = recorded !== undefined ? [...recorded, ...trusted.made] : trusted.made.length > 0 ? trusted.made : undefined;
  const planned = input.planned ?? [];
  const made = provenMade({ cluster: input.target, observed: new Map([...byId].map(([k, v]) => [ids.get(k) as string, v])), manifest, planned: writtenItems(planned) });
  const creating = (input.journal?.creating ?? []).filter((c) => !made.has(lc(c)));
  return { target: input.target, byId, ids, groups: input.groups, assignments: input.assignments ?? new Map(), made, manifest, planned, trusted, creating, journaled: input.journal?.made ?? {} };
}

/** Why an observed resource is not aks-net's for this cluster (a tag is evidence, never proof). */
function notMadeReason(id: string, body: Body, w: World): string {
  const t = lc(typeOf(id));
  if (t === lc(TYPES.roleAssignment)) {
    const d = String(valueAt(body, "properties.description") ?? "");
    return d.startsWith("aks-net:") && lc(d) !== `aks-net:${lc(clusterTagValue(w.target))}` ? `made by aks-net for cluster ${d.slice("aks-net:".length)}` : "not made by aks-net for this cluster";
  }
  if (parentOf(id) !== undefined) {
    if (Object.keys(w.journaled).some((m) => lc(m) === lc(id)) && !w.made.has(lc(id))) return "not the one aks-net made: it was written or made again since aks-net's journal recorded it (its etag or content differ)";
    if (w.creating.some((c) => lc(c) === lc(id))) return "aks-net's create stopped while making it, before Azure confirmed its write: nothing proves it is the one aks-net made, so it stays (delete it yourself if it is)";
    if (w.manifest !== undefined) return "not in what create made for this cluster";
    const why = w.byId.has(lc(clusterId(w.target))) ? "the cluster carries no record of what create made" : "the record of what create made travels with the cluster, which is gone";
    // -f proves children only under a parent aks-net made (its signed list); in yours nothing can be recomputed.
    const hint = w.made.has(lc(parentOf(id) as string)) ? "delete with -f <spec> to recompute it" : "its parent is not aks-net's: delete it yourself if aks-net made it";
    return `not proven aks-net's for this cluster: ${why} (${hint})`;
  }
  const tags = tagsOf(body);
  const tag = (k: string): string | undefined => {
    const hit = Object.entries(tags).find(([key]) => lc(key) === k);
    return hit === undefined ? undefined : String(hit[1]);
  };
  const other = tag(CLUSTER_TAG);
  if (other !== undefined && lc(other) !== lc(clusterTagValue(w.target))) {
    const [rg, name] = other.split("/");
    if (rg !== undefined && name !== undefined && hasProof({ resourceGroup: rg, name }, id, body)) return `created by aks-net for cluster ${other}`;
  }
  if (tag(PROOF_TAG) !== undefined || lc(tag(OWNER_TAG) ?? "") === OWNER_VALUE) {
    return "carries aks-net's tags but not the proof that aks-net made this resource for this cluster (tags are copied, e.g. by Azure Policy from the resource group)";
  }
  return "not created by aks-net for this cluster";
}

// ---------------------------------------------------------------------------------------------------------------
// discovery

export interface Discovery {
  /** Resource ids to GET next (a subnet is read through its VNet, whose body holds every subnet). */
  read: string[];
  /** Resource group ids whose resources (and role assignments) to list next. */
  list: string[];
}

/**
 * What to read next, from what was read so far: the cluster and its group, the spec's plan and the cluster's record,
 * the group's members carrying their proof, what aks-net's resources point at (and the subnets using its route tables
 * and NAT gateways), and the role assignments create would have made (deterministic names: scope × identity).
 */
export function nextReads(input: TeardownInput, read: ReadonlySet<string>, listed: ReadonlySet<string>): Discovery {
  const w = world(input);
  const { target } = input;
  const ids: string[] = [];
  const groups: string[] = [];
  const push = (id: string | undefined): void => {
    if (id === undefined) return;
    // Children come with their parent's GET.
    let readable = id;
    while (parentOf(readable) !== undefined) readable = parentOf(readable) as string;
    if (lc(typeOf(id)) === lc(TYPES.roleAssignment) || lc(typeOf(id)) === lc(TYPES.ruleCollectionGroup)) readable = id;
    if (!DELETABLE.has(lc(typeOf(readable)))) return;
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
  const j = input.journal;
  const journal = j === undefined ? [] : [...Object.keys(j.made), ...(j.creating ?? []), ...(w.byId.has(lc(cluster)) ? [] : [...Object.entries(j.associated).flat(2), ...Object.keys(j.dns)])];
  for (const id of [...writtenIds(w.planned), ...(w.manifest ?? []), ...journal]) {
    push(id);
    pushGroup(id);
  }
  for (const members of input.groups.values()) {
    for (const m of members) if (DELETABLE.has(lc(m.type)) && hasProof(target, m.id, { tags: m.tags ?? {} })) push(m.id);
  }
  for (const k of w.made) {
    const body = w.byId.get(k);
    if (body === undefined) continue;
    const id = w.ids.get(k) as string;
    // The policy's GET names its groups only; their rule collections come with the group's own GET.
    if (lc(typeOf(id)) === lc(TYPES.ruleCollectionGroup)) push(id);
    pushGroup(id);
    push(groupOf(id));
    for (const r of requires(id, body)) push(r);
    for (const s of usersOf(body)) push(s);
  }
  for (const a of candidateAssignments(w)) push(a);
  return { read: ids, list: groups };
}

/** Role assignment ids create makes: Network Contributor for the cluster's identity on its subnets and route table. */
function candidateAssignments(w: World): string[] {
  const identities = new Set<string>();
  const scopes = new Set<string>();
  const cluster = w.byId.get(lc(clusterId(w.target)));
  if (cluster && w.made.has(lc(clusterId(w.target)))) {
    for (const r of requires(clusterId(w.target), cluster)) {
      const t = lc(typeOf(r));
      if (t === lc(TYPES.identity)) identities.add(r);
      if (t === lc(TYPES.subnet)) scopes.add(r);
    }
  }
  for (const k of w.made) {
    const t = lc(typeOf(k));
    const id = w.ids.get(k) ?? k;
    if (t === lc(TYPES.identity)) identities.add(id);
    if (t === lc(TYPES.subnet) || t === lc(TYPES.routeTable)) scopes.add(id);
    if (t === lc(TYPES.routeTable) || t === lc(TYPES.natGateway)) for (const s of usersOf(w.byId.get(k))) scopes.add(s);
  }
  for (const r of w.planned) {
    const t = lc(r.type);
    if (t === lc(TYPES.identity)) identities.add(r.resourceId);
    if (t === lc(TYPES.subnet) || t === lc(TYPES.routeTable)) scopes.add(r.resourceId);
  }
  const role = roleDefinitionId(w.target.subscriptionId, NETWORK_CONTRIBUTOR_ROLE);
  const out: string[] = [];
  for (const scope of scopes) for (const identity of identities) out.push(roleAssignmentId(scope, roleAssignmentName(scope, identity, role)));
  return out;
}

/** A GET body as observed entries: a VNet's body also carries each of its subnets (routes, rule collections alike). */
export function expandBody(id: string, body: Body): [string, Body][] {
  return expandChildren(id, body);
}

// ---------------------------------------------------------------------------------------------------------------
// decision

/** Why `k` (aks-net's) cannot go: everything aks-net did not make that is in it, on it or uses it, each named. */
interface Block {
  reason: string;
  foreign: string[];
}

/**
 * The one rule, used for the decision (dry run and real run alike) and again on a fresh read right before each
 * delete (`strict`: everything aks-net deletes first is gone by then, so whatever is still in it or uses it keeps it).
 */
function blockers(k: string, w: World, del: ReadonlySet<string>, detachable: (subnet: string, from: string) => boolean, strict: boolean): Block | undefined {
  const t = lc(typeOf(k));
  const body = w.byId.get(k);
  const reasons: string[] = [];
  const foreign: string[] = [];
  const name = (id: string): string => nameOf(w.ids.get(lc(id)) ?? id);
  const gone = (id: string): boolean => !strict && del.has(lc(id));

  // Items inside it (subnets, routes, rule collections, peerings, rule collection groups).
  for (const [cid] of expandChildren(w.ids.get(k) ?? k, body ?? {}).slice(1)) {
    const c = lc(cid);
    if (w.made.has(c) && (gone(c) || !DELETABLE_CHILD.has(lc(typeOf(cid))))) continue;
    if (w.made.has(c) && !OWN_STEP_CHILD.has(lc(typeOf(cid)))) continue; // aks-net's own route / rule collection: goes with it
    foreign.push(w.ids.get(c) ?? cid);
    reasons.push(w.made.has(c) ? `holds ${kind(cid)} ${name(cid)}, which is kept` : `holds ${kind(cid)} ${name(cid)}, which aks-net did not make`);
  }
  // Role assignments on it that aks-net did not make.
  for (const list of w.assignments.values()) {
    for (const a of list) {
      const id = String(a["id"] ?? "");
      if (id === "" || lc(scopeOf(id)) !== k || w.made.has(lc(id))) continue;
      foreign.push(id);
      reasons.push(`has role assignment ${nameOf(id)} (principal ${String(valueAt(a, "properties.principalId") ?? "?")}), which aks-net did not make`);
    }
  }
  if (t === lc(TYPES.ruleCollectionGroup)) {
    // Its rule collections are inline: one aks-net never writes there is yours, and keeps the group (and its policy).
    const own = OWN_COLLECTIONS[lc(nameOf(w.ids.get(k) ?? k))] ?? [];
    for (const rc of list(body, "properties.ruleCollections")) {
      const n = valueAt(rc, "name");
      if (typeof n !== "string" || own.includes(n)) continue;
      foreign.push(`${w.ids.get(k) ?? k}/ruleCollections/${n}`);
      reasons.push(`holds rule collection ${n}, which aks-net did not make`);
    }
    if (body !== undefined && valueAt(body, "properties") === undefined) reasons.push("its rule collections could not be read");
  }
  if (t === lc(TYPES.subnet)) {
    const cluster = w.byId.get(lc(clusterId(w.target)));
    const why = subnetInUse(body, strict ? new Set([k]) : del, cluster !== undefined && del.has(lc(clusterId(w.target))) && !strict ? cluster : undefined, w.target);
    if (why !== undefined) reasons.push(why);
  } else if (t === lc(TYPES.routeTable) || t === lc(TYPES.natGateway) || t === lc(TYPES.nsg)) {
    const prop = `properties.${ASSOCIATION[t] as string}`;
    const users = new Set(usersOf(body).map(lc));
    // Subnets only: a NAT gateway's public IPs point back at it too, and are no subnet that uses it.
    if (!strict) for (const [s, sb] of w.byId) if (lc(typeOf(s)) === lc(TYPES.subnet) && lc(refId(valueAt(sb, prop)) ?? "") === k) users.add(s);
    for (const s of users) {
      if (gone(s) || (!strict && detachable(s, k))) continue;
      if (w.made.has(s)) reasons.push(`used by subnet ${name(s)}, which is kept`);
      else {
        foreign.push(w.ids.get(s) ?? s);
        reasons.push(`used by subnet ${name(s)}, which aks-net did not associate with it: disassociate it first`);
      }
    }
    // A public IP (prefix) someone else put on aks-net's NAT gateway would lose its association with the gateway.
    if (t === lc(TYPES.natGateway)) {
      for (const key of NAT_GATEWAY_IPS) {
        for (const ip of list(body, `properties.${key}`).flatMap((r) => refId(r) ?? [])) {
          if (w.made.has(lc(ip))) continue;
          foreign.push(ip);
          reasons.push(`uses ${/prefix/i.test(key) ? "public IP prefix" : "public IP"} ${nameOf(ip)}, which aks-net did not make`);
        }
      }
    }
  } else if (t === lc(TYPES.publicIp)) {
    const user = refId(valueAt(body, "properties.ipConfiguration")) ?? refId(valueAt(body, "properties.natGateway"));
    if (user !== undefined && (strict || !coveredBy(user, del))) reasons.push(`used by ${nameOf(ownerOf(user))}, which is kept`);
  } else if (t === lc(TYPES.firewallPolicy)) {
    const fw = list(body, "properties.firewalls").flatMap((f) => refId(f) ?? []).find((f) => !gone(f));
    if (fw !== undefined) reasons.push(`used by firewall ${nameOf(fw)}, which is kept`);
    if (list(body, "properties.childPolicies").length > 0) reasons.push("has child policies");
  } else if (t === lc(TYPES.resourceGroup)) {
    const members = [...w.groups].find(([g]) => lc(g) === k)?.[1];
    const assigned = [...w.assignments].find(([g]) => lc(g) === k || lc(g) === `${k}#fresh`)?.[1];
    if (members === undefined || assigned === undefined) reasons.push("its resources could not be listed");
    else {
      const others = members.filter((m) => !gone(m.id));
      for (const m of others) foreign.push(m.id);
      if (others.length > 0) {
        const names = others.slice(0, 3).map((m) => nameOf(m.id)).join(", ");
        reasons.push(`holds ${others.length} resource${others.length === 1 ? "" : "s"} aks-net does not delete (${names}${others.length > 3 ? ", ..." : ""})`);
      }
    }
  }
  return reasons.length === 0 ? undefined : { reason: [...new Set(reasons)].join("; "), foreign: [...new Set(foreign)] };
}

/**
 * Children aks-net deletes as steps of their own, each checked on a fresh read of itself: a subnet (what is in it), a
 * rule collection group (its inline rule collections, which its policy's GET does not show).
 */
const OWN_STEP_CHILD = new Set([TYPES.subnet, TYPES.ruleCollectionGroup].map((t) => t.toLowerCase()));

/** The rule collections aks-net writes into each rule collection group it makes (plan.ts, egress.ts, ingress.ts). */
const OWN_COLLECTIONS: Record<string, readonly string[]> = {
  [lc(NAMES.ruleCollectionGroup)]: [NAMES.egressNetworkCollection, NAMES.egressFqdnCollection],
  [lc(NAMES.exposeRuleCollectionGroup)]: [NAMES.dnatCollection, NAMES.exposeNetworkCollection],
};

/** Children aks-net deletes on their own (a subnet is checked for what is in it; the rest go with their parent). */
const DELETABLE_CHILD = new Set([TYPES.subnet, TYPES.route, TYPES.ruleCollectionGroup].map((t) => t.toLowerCase()));

/** Decides the teardown: delete operations in deletion order, association removals, and the kept list. */
export function decideTeardown(input: TeardownInput): Teardown {
  const w = world(input);
  const { target } = input;
  const { byId, ids, made } = w;
  const clusterKey = lc(clusterId(target));
  const clusterBody = byId.get(clusterKey);

  const keep = new Map<string, Kept>();
  const del = new Set<string>();
  for (const [k, body] of byId) {
    const id = ids.get(k) as string;
    const t = typeOf(id);
    // Someone else's role assignments are named where they matter: on what aks-net made.
    if (lc(t) === lc(TYPES.roleAssignment) && !made.has(k) && !made.has(lc(scopeOf(id)))) continue;
    if (parentOf(id) !== undefined && !(lc(t) === lc(TYPES.subnet) || (lc(t) === lc(TYPES.ruleCollectionGroup) && made.has(k)))) {
      // Routes and rule collection (group)s: named with their parent; aks-net's own are handled below.
      continue;
    }
    if (!made.has(k)) keep.set(k, { type: t, resourceId: id, reason: notMadeReason(id, body, w) });
    else if (!DELETABLE.has(lc(t))) keep.set(k, { type: t, resourceId: id, reason: "aks-net does not delete this type" });
    else del.add(k);
  }
  for (const members of input.groups.values()) {
    for (const m of members) {
      if (byId.has(lc(m.id)) || keep.has(lc(m.id))) continue;
      keep.set(lc(m.id), { type: m.type, resourceId: m.id, reason: made.has(lc(m.id)) ? "aks-net does not delete this type" : notMadeReason(m.id, { tags: m.tags ?? {} }, w) });
    }
  }

  // The subnets whose route table / NAT gateway association aks-net made: the cluster's own, or planned with it (-f).
  const associated = new Set<string>();
  if (clusterBody && made.has(clusterKey)) for (const r of requires(clusterKey, clusterBody)) if (lc(typeOf(r)) === lc(TYPES.subnet)) associated.add(lc(r));
  for (const r of w.planned) if (lc(r.type) === lc(TYPES.subnet)) associated.add(lc(r.resourceId));
  for (const k of w.trusted.associated.keys()) associated.add(k);
  const detachable = (subnet: string, from: string): boolean => {
    if (del.has(subnet) || made.has(subnet) || !byId.has(subnet) || !associated.has(subnet)) return false;
    const body = byId.get(subnet);
    return Object.values(ASSOCIATION).some((prop) => {
      const r = refId(valueAt(body, `properties.${prop}`));
      return r !== undefined && lc(r) === from;
    });
  };

  // Keeping one resource can keep another (a kept subnet keeps its VNet): repeat until nothing changes.
  const foreignOf = new Map<string, string[]>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const k of [...del]) {
      const b = blockers(k, w, del, detachable, false);
      if (b === undefined) continue;
      del.delete(k);
      foreignOf.set(k, b.foreign);
      keep.set(k, { type: typeOf(ids.get(k) as string), resourceId: ids.get(k) as string, reason: b.reason, ...(b.foreign.length > 0 ? { foreign: b.foreign } : {}) });
      changed = true;
    }
  }
  // Reasons as of the final decision (a group kept early names everything that stays in it).
  for (const k of foreignOf.keys()) {
    const b = blockers(k, w, del, detachable, false);
    if (b !== undefined) keep.set(k, { type: typeOf(ids.get(k) as string), resourceId: ids.get(k) as string, reason: b.reason, ...(b.foreign.length > 0 ? { foreign: b.foreign } : {}) });
  }
  // aks-net's own routes and rule collection groups in a parent that stays are deleted one by one: the parent is
  // given back as it was.
  for (const k of made) {
    const id = ids.get(k);
    const parent = id === undefined ? undefined : parentOf(id);
    if (id === undefined || parent === undefined || !byId.has(lc(parent)) || del.has(lc(parent)) || keep.has(k)) continue;
    if ([TYPES.route, TYPES.ruleCollectionGroup].some((t) => lc(t) === lc(typeOf(id)))) del.add(k);
  }

  // Operations: deletes, plus removing the associations aks-net made on kept subnets.
  const ops: Operation[] = [];
  // A firewall that stays (it holds your rule collection, or it is yours) gives back aks-net's rule collections:
  // they are inline, so a PUT of the firewall without them (If-Match), yours kept.
  for (const [k, body] of byId) {
    if (lc(typeOf(k)) !== lc(TYPES.firewall) || del.has(k)) continue;
    const own = ownCollections(k, body, made);
    if (own.length === 0) continue;
    const id = ids.get(k) as string;
    const names = own.map(([, n]) => n);
    ops.push({
      resourceId: id,
      type: TYPES.firewall,
      apiVersion: API_VERSIONS.network,
      dependsOn: [],
      body: { properties: Object.fromEntries(FIREWALL_COLLECTIONS.flatMap((c) => {
        const drop = own.filter(([x]) => x === c).map(([, n]) => ({ name: n }));
        return drop.length > 0 ? [[c, drop]] : [];
      })) },
      label: `firewall ${nameOf(id)} (aks-net's rule collections)`,
      action: "update",
      reason: `remove aks-net's rule collections ${names.join(", ")}; the others stay`,
    });
    const kept = keep.get(k);
    if (kept) kept.reason += `; aks-net removes its own rule collections ${names.join(", ")}`;
  }
  for (const k of del) {
    const id = ids.get(k) as string;
    ops.push({ resourceId: id, type: typeOf(id), apiVersion: apiVersionOf(id), dependsOn: [], body: {}, label: labelOf(id, byId.get(k)), action: "delete" });
  }
  for (const [k, body] of byId) {
    if (lc(typeOf(k)) !== lc(TYPES.subnet) || del.has(k)) continue;
    const props: Body = {};
    const dropped: string[] = [];
    for (const [prop, what] of [["routeTable", "route table"], ["natGateway", "NAT gateway"], ["networkSecurityGroup", "network security group"]] as const) {
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
  // A kept VNet whose DNS servers are exactly the private IP of a firewall aks-net deletes: create pointed it there
  // (the firewall's DNS proxy; it refuses to replace DNS servers the user set), and left so it would resolve nothing.
  for (const [k, body] of byId) {
    if (lc(typeOf(k)) !== lc(TYPES.vnet) || del.has(k)) continue;
    const servers = list(body, "properties.dhcpOptions.dnsServers");
    // The firewall may be gone already (an interrupted delete): then the journal says aks-net set them.
    const found = servers.length === 1 ? firewallAt(String(servers[0]), k, byId, del) : undefined;
    if (found === undefined && !(servers.length === 1 && w.trusted.dns.has(k))) continue;
    const fw = found === undefined ? "firewall (already deleted)" : `firewall ${nameOf(found)}`;
    const id = ids.get(k) as string;
    ops.push({
      resourceId: id,
      type: TYPES.vnet,
      apiVersion: API_VERSIONS.network,
      dependsOn: [],
      body: { properties: { dhcpOptions: null } },
      label: `vnet ${nameOf(id)} (DNS servers)`,
      action: "update",
      reason: `give back Azure's DNS: its DNS server is ${String(servers[0])}, the DNS proxy of aks-net's ${fw}, which aks-net set`,
    });
    const kept = keep.get(k);
    if (kept) kept.reason += `; aks-net gives back Azure's DNS (its DNS server is aks-net's ${fw}, which aks-net set)`;
  }

  // Dependencies in create's direction; the cluster was created last, so it goes first.
  const inPlan = new Set(ops.map((o) => lc(o.resourceId)));
  const plannedDeps = new Map(w.planned.map((r) => [lc(r.resourceId), r.dependsOn]));
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

  const keepList = [...keep.values()].sort((a, b) => rank(a.type) - rank(b.type) || byResourceId(a, b));
  return { plan: { operations: ordered, refusals: [] }, after, keep: keepList, input, made, journal: journalOf(w, ordered) };
}

/** The decision as the journal records it: made children with their fingerprints, the associations and DNS it undoes. */
function journalOf(w: World, ops: readonly Operation[]): Journal {
  const made: Record<string, string> = {};
  for (const k of w.made) {
    const id = w.ids.get(k);
    const parent = id === undefined ? undefined : parentOf(id);
    const print = id === undefined || parent === undefined ? undefined : fingerprint(id, w.byId.get(k), w.byId.get(lc(parent)));
    if (id !== undefined && print !== undefined) made[id] = print;
  }
  const associated: Record<string, string[]> = {};
  const dns: Record<string, string[]> = {};
  for (const op of ops) {
    if (op.action !== "update") continue;
    const body = w.byId.get(lc(op.resourceId));
    if (lc(op.type) === lc(TYPES.vnet)) dns[op.resourceId] = list(body, "properties.dhcpOptions.dnsServers").map(String);
    else associated[op.resourceId] = Object.keys((valueAt(op.body, "properties") ?? {}) as Body).flatMap((p) => refId(valueAt(body, `properties.${p}`)) ?? []);
  }
  const creating = w.creating.filter((c) => !made[c]);
  return { version: JOURNAL_VERSION, cluster: lc(clusterId(w.target)), decided: "", by: "delete", made, associated, dns, ...(creating.length > 0 ? { creating } : {}) };
}

// ---------------------------------------------------------------------------------------------------------------
// the same decision, right before each write

/** What a step's fresh read shows: the resource's GET body, and for a resource group its listings. */
export interface FreshRead {
  body: Body | undefined;
  members?: readonly ListedResource[] | undefined;
  assignments?: readonly Body[] | undefined;
}

/**
 * Re-decides one step of `t` on a fresh read, right before its write: a resource that now holds, carries or serves
 * something aks-net did not make (added while the delete ran), or that lost its proof, is kept; a delete is sent with
 * If-Match of the etag just read; an association removal is the fresh body without that association, with If-Match.
 */
export function recheckStep(t: Teardown, op: Operation, fresh: FreshRead): Recheck {
  const k = lc(op.resourceId);
  if (fresh.body === undefined) return op.action === "delete" ? {} : { keep: "it no longer exists" };
  const etag = etagOf(fresh.body);
  const base = world(t.input);
  const byId = new Map(base.byId);
  const ids = new Map(base.ids);
  for (const key of [...byId.keys()]) if (key.startsWith(`${k}/`)) byId.delete(key);
  for (const [id, body] of expandChildren(op.resourceId, fresh.body)) {
    byId.set(lc(id), body);
    ids.set(lc(id), id);
  }
  // Judged on the fresh listings: a group's members, the role assignments on (and under) the resource.
  const groups = new Map([...base.groups].filter(([g]) => lc(g) !== k));
  if (fresh.members !== undefined) groups.set(op.resourceId, fresh.members);
  const assignments = new Map<string, readonly Body[]>();
  if (fresh.assignments !== undefined) {
    for (const [g, list] of base.assignments) assignments.set(g, list.filter((a) => !lc(String(a["id"] ?? "")).startsWith(`${k}/`)));
    assignments.set(`${op.resourceId}#fresh`, fresh.assignments);
  } else for (const [g, list] of base.assignments) assignments.set(g, list);
  const w: World = { ...base, byId, ids, groups, assignments, made: t.made };

  if (op.action === "update" && lc(op.type) === lc(TYPES.firewall)) {
    // Only collections that are still exactly as the decision saw them (one you changed meanwhile is yours now).
    const gone = new Set<string>();
    for (const [c, name] of ownCollections(k, base.byId.get(k), t.made)) {
      const was = list(base.byId.get(k), `properties.${c}`).find((i) => valueAt(i, "name") === name);
      const now = list(fresh.body, `properties.${c}`).find((i) => valueAt(i, "name") === name);
      if (now !== undefined && JSON.stringify(stable(now)) === JSON.stringify(stable(was))) gone.add(`${c}/${name}`);
    }
    if (gone.size === 0) return { keep: "its rule collections changed while the delete ran" };
    const body = mergeForUpdate(fresh.body, {});
    const props = { ...((valueAt(body, "properties") ?? {}) as Body) };
    for (const c of FIREWALL_COLLECTIONS) if (Array.isArray(props[c])) props[c] = (props[c] as unknown[]).filter((i) => !gone.has(`${c}/${String(valueAt(i, "name"))}`));
    return { body: { ...body, properties: props }, planned: {}, ...(etag !== undefined ? { ifMatch: etag } : {}) };
  }
  if (op.action === "update" && lc(op.type) === lc(TYPES.vnet)) {
    // Only while the DNS servers are still exactly the ones the decision saw (the user may have set their own since).
    const was = JSON.stringify(list(base.byId.get(k), "properties.dhcpOptions.dnsServers"));
    if (JSON.stringify(list(fresh.body, "properties.dhcpOptions.dnsServers")) !== was) return { keep: "its DNS servers changed while the delete ran" };
    // A Network PUT replaces the resource: without dhcpOptions the VNet uses Azure's DNS again.
    const body = mergeForUpdate(fresh.body, {});
    const { dhcpOptions: _dns, ...props } = (valueAt(body, "properties") ?? {}) as Body;
    return { body: { ...body, properties: props }, planned: {}, ...(etag !== undefined ? { ifMatch: etag } : {}) };
  }
  if (op.action === "update") {
    // Only the association aks-net made goes; everything else on the subnet (an NSG added meanwhile) stays.
    const props: Body = {};
    for (const [prop, value] of Object.entries(valueAt(op.body, "properties") as Body)) {
      const was = refId(valueAt(base.byId.get(k), `properties.${prop}`));
      const now = refId(valueAt(fresh.body, `properties.${prop}`));
      if (value === null && now !== undefined && was !== undefined && lc(now) === lc(was)) props[prop] = null;
    }
    if (Object.keys(props).length === 0) return {};
    // A Network PUT replaces the subnet: leaving the association out removes it (GET then shows none, not null).
    const body = mergeForUpdate(fresh.body, {});
    const kept = Object.fromEntries(Object.entries((valueAt(body, "properties") ?? {}) as Body).filter(([p]) => !(p in props)));
    return { body: { ...body, properties: kept }, planned: {}, ...(etag !== undefined ? { ifMatch: etag } : {}) };
  }
  const top = parentOf(op.resourceId) === undefined && lc(op.type) !== lc(TYPES.roleAssignment);
  if (top && !inManifest(w.manifest ?? [], op.resourceId) && !hasProof(t.input.target, op.resourceId, fresh.body)) {
    return { keep: "no longer carries the proof that aks-net made it for this cluster" };
  }
  const b = blockers(k, w, new Set([k]), () => false, true);
  if (b === undefined) return etag !== undefined ? { ifMatch: etag } : {};
  const keep = `changed while the delete ran: ${b.reason}`;
  // A firewall kept now still gives back aks-net's own rule collections (a PUT without them, If-Match).
  const own = lc(op.type) === lc(TYPES.firewall) ? ownCollections(k, fresh.body, t.made) : [];
  if (own.length === 0) return { keep };
  const body = mergeForUpdate(fresh.body, {});
  const props = { ...((valueAt(body, "properties") ?? {}) as Body) };
  for (const c of FIREWALL_COLLECTIONS) if (Array.isArray(props[c])) props[c] = (props[c] as unknown[]).filter((i) => !own.some(([x, n]) => x === c && n === valueAt(i, "name")));
  return { keep: `${keep}; aks-net removes its own rule collections ${own.map(([, n]) => n).join(", ")}`, body: { ...body, properties: props }, planned: {}, ...(etag !== undefined ? { ifMatch: etag } : {}) };
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
      // The App Gateway the cluster's ingress add-on made lives in its node resource group and goes with the cluster.
      if (k === "applicationGatewayIPConfigurations" && nodePrefix !== undefined && lc(refId(item) ?? "").startsWith(nodePrefix)) continue;
      return `holds ${k.replace(/([A-Z])/g, " $1").toLowerCase().replace(/s$/, "")} ${nameOf(refId(item) ?? "")}`.trimEnd();
    }
  }
  return undefined;
}

/** A body without what Azure changes on every write (etag, provisioningState), to compare two reads. */
function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "etag" && k !== "provisioningState").map(([k, x]) => [k, stable(x)]));
}

/** A NAT gateway's lists of public IPs and prefixes (IPv6 ones on StandardV2). */
const NAT_GATEWAY_IPS = ["publicIpAddresses", "publicIpPrefixes", "publicIpAddressesV6", "publicIpPrefixesV6"];

/** A classic firewall's inline rule collections. */
const FIREWALL_COLLECTIONS = ["applicationRuleCollections", "networkRuleCollections", "natRuleCollections"];

/** aks-net's rule collections in a firewall body, as [collection, name]. */
function ownCollections(firewall: string, body: Body | undefined, made: ReadonlySet<string>): [string, string][] {
  return FIREWALL_COLLECTIONS.flatMap((c) => list(body, `properties.${c}`).flatMap((item) => {
    const name = valueAt(item, "name");
    return typeof name === "string" && made.has(`${lc(firewall)}/${lc(c)}/${lc(name)}`) ? [[c, name] as [string, string]] : [];
  }));
}

/** The firewall being deleted whose private IP is `ip` and whose subnet is in VNet `vnet`. */
function firewallAt(ip: string, vnet: string, byId: ReadonlyMap<string, Body>, del: ReadonlySet<string>): string | undefined {
  for (const [k, body] of byId) {
    if (lc(typeOf(k)) !== lc(TYPES.firewall) || !del.has(k)) continue;
    for (const c of list(body, "properties.ipConfigurations")) {
      const subnet = refId(valueAt(c, "properties.subnet"));
      if (valueAt(c, "properties.privateIPAddress") === ip && subnet !== undefined && lc(subnet).startsWith(`${vnet}/subnets/`)) return k;
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
  const sorted = [...ops].sort((a, b) => rank(a.type) - rank(b.type) || (a.action === b.action ? 0 : a.action === "update" ? -1 : 1) || byResourceId(a, b));
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
  [lc(TYPES.nsg)]: "network security group",
  ["microsoft.network/networksecuritygroups/securityrules"]: "security rule",
  [lc(TYPES.identity)]: "identity",
  [lc(TYPES.managedCluster)]: "cluster",
  [lc(TYPES.route)]: "route",
  [lc(TYPES.ruleCollectionGroup)]: "rule collection group",
  ["microsoft.network/virtualnetworks/virtualnetworkpeerings"]: "peering",
  ["microsoft.network/azurefirewalls/applicationrulecollections"]: "rule collection",
  ["microsoft.network/azurefirewalls/networkrulecollections"]: "rule collection",
  ["microsoft.network/azurefirewalls/natrulecollections"]: "rule collection",
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
