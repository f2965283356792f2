/**
 * What aks-net made for a cluster, and how that is proven later (create records it, delete relies on it).
 *
 * - Every top-level resource create makes carries PROOF_TAG = hash(cluster, its own lower-cased id). A copy of the tag
 *   on another resource (Azure Policy's "inherit a tag from the resource group", a template) never matches that
 *   resource's id, so a tag is evidence bound to one resource, never a mark that makes others deletable.
 * - The exact ids create wrote (top-level resources, subnets, routes, rule collections, role assignments) are recorded
 *   in the managed cluster's own tags (MANIFEST_TAG-0.., chunked: tag values hold 256 characters), so they travel
 *   with the cluster; `writtenIds` recomputes the same ids from create's plan (`-f`).
 * - A child (subnet, route, rule collection) or a role assignment carries no tag: it is aks-net's only when its exact
 *   id is in the manifest, or in the recomputed plan under a parent proven made for this cluster (role assignments:
 *   the deterministic id for an identity made for this cluster, with aks-net's description).
 */
import { sha256Hex } from "./crypto.ts";
import { NETWORK_CONTRIBUTOR_ROLE, PRIVATE_DNS_ZONE_CONTRIBUTOR_ROLE, TYPES, roleAssignmentName, roleDefinitionId } from "./arm-bodies.ts";
import { REF_PATTERN, findItem, mergeForUpdate, withOwnTags } from "./plan.ts";
import type { DesiredResource, Operation } from "./plan.ts";
import { trustedEntries } from "./journal.ts";
import type { Journal } from "./journal.ts";

type Body = Record<string, unknown>;

export const PROOF_TAG = "aks-net-made";
export const MANIFEST_TAG = "aks-net-manifest";
export const CHILDREN_TAG = "aks-net-children";
/** Azure's limit for a tag value. */
const TAG_VALUE_MAX = 256;

/** The cluster a resource was made for. */
export interface ClusterKey {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

const lc = (s: string): string => s.toLowerCase();

function isObject(v: unknown): v is Body {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** proofValue's by the text it hashes. */
const proofs = new Map<string, string>();

/**
 * The proof tag's value for `id` made for `cluster`: 32 hex characters bound to both, and to the children create
 * writes into it (CHILDREN_TAG), so that list is proof too once the cluster (and its manifest) is gone.
 */
export function proofValue(cluster: Pick<ClusterKey, "resourceGroup" | "name">, id: string, children = ""): string {
  const text = `aks-net|${lc(cluster.resourceGroup)}/${lc(cluster.name)}|${lc(id)}${children === "" ? "" : `|${lc(children)}`}`;
  // A re-run checks each resource's proof several times (made, owned, re-recorded): one hash each (no-op create: 28 -> 7).
  let value = proofs.get(text);
  if (value === undefined) proofs.set(text, (value = sha256Hex(text).slice(0, 32)));
  return value;
}

function tagOf(body: unknown, name: string): string | undefined {
  const tags = isObject(body) && isObject(body["tags"]) ? body["tags"] : {};
  const hit = Object.entries(tags).find(([k]) => lc(k) === name);
  return hit === undefined ? undefined : String(hit[1]);
}

/** True when `body` carries the proof tag for exactly this resource and cluster (and its children list). */
export function hasProof(cluster: Pick<ClusterKey, "resourceGroup" | "name">, id: string, body: unknown): boolean {
  const proof = tagOf(body, PROOF_TAG);
  return proof !== undefined && proof === proofValue(cluster, id, tagOf(body, CHILDREN_TAG) ?? "");
}

/** The child names (`subnets/aks-nodes`) a proven resource says create wrote into it. */
function signedChildren(body: unknown): string[] {
  return (tagOf(body, CHILDREN_TAG) ?? "").split(",").filter((c) => c !== "");
}

/**
 * Adds the proof (and the signed list of children the plan writes into it) to every tagged resource of a plan; a
 * resource group gets only its own proof. Pure: the same plan always gets the same tags.
 */
export function sealOwnership<T extends Pick<DesiredResource, "resourceId" | "type" | "body">>(desired: T[], cluster: Pick<ClusterKey, "resourceGroup" | "name">): T[] {
  const children = new Map<string, string[]>();
  for (const id of writtenIds(desired)) {
    const parent = parentId(id);
    if (parent === undefined) continue;
    children.set(lc(parent), [...(children.get(lc(parent)) ?? []), id.slice(parent.length + 1)]);
  }
  return desired.map((r) => {
    if (!isObject(r.body["tags"])) return r;
    const list = (children.get(lc(r.resourceId)) ?? []).join(",");
    if (list.length > TAG_VALUE_MAX) throw new Error(`too many children for one tag in ${r.resourceId}`);
    const tags = { ...r.body["tags"], ...(list === "" ? {} : { [CHILDREN_TAG]: list }), [PROOF_TAG]: proofValue(cluster, r.resourceId, list) };
    return { ...r, body: { ...r.body, tags } };
  });
}

/** Types that go into the manifest and the proof: top-level resources carry tags, the rest do not. */
function isTopLevel(id: string): boolean {
  const i = lc(id).lastIndexOf("/providers/");
  if (i < 0) return true; // a resource group
  if (/\/providers\/microsoft\.authorization\//i.test(id)) return false;
  return id.slice(i + "/providers/".length).split("/").length === 3;
}

/** The parent of a child id (`.../routeTables/rt/routes/r` → `.../routeTables/rt`); undefined for top-level ids. */
export function parentId(id: string): string | undefined {
  if (/\/providers\/microsoft\.authorization\//i.test(id) || isTopLevel(id)) return undefined;
  return id.slice(0, id.lastIndexOf("/", id.lastIndexOf("/") - 1));
}

/** Inline named children a body writes, by collection: PUTting the parent writes them too. */
const INLINE: Record<string, string[]> = {
  [lc(TYPES.vnet)]: ["subnets", "virtualNetworkPeerings"],
  [lc(TYPES.routeTable)]: ["routes"],
  [lc(TYPES.firewall)]: ["applicationRuleCollections", "networkRuleCollections", "natRuleCollections"],
  [lc(TYPES.firewallPolicy)]: ["ruleCollectionGroups"],
  [lc(TYPES.nsg)]: ["securityRules"],
};

/** What a resource's PUT writes, id and body: itself and its inline named children. */
function itemsWrittenBy(r: Pick<DesiredResource, "resourceId" | "type" | "body">): [string, Body][] {
  const out: [string, Body][] = [[r.resourceId, r.body]];
  for (const coll of INLINE[lc(r.type)] ?? []) {
    const list = isObject(r.body["properties"]) ? r.body["properties"][coll] : undefined;
    if (!Array.isArray(list)) continue;
    for (const item of list) if (isObject(item) && typeof item["name"] === "string") out.push([`${r.resourceId}/${coll}/${item["name"]}`, item]);
  }
  return out;
}

/** The ids a resource's PUT writes: itself and its inline named children. */
export function idsWrittenBy(r: Pick<DesiredResource, "resourceId" | "type" | "body">): string[] {
  return itemsWrittenBy(r).map(([id]) => id);
}

/** Every id create's plan writes (the same function for the manifest and for `delete -f`). */
export function writtenIds(desired: readonly Pick<DesiredResource, "resourceId" | "type" | "body">[]): string[] {
  return desired.flatMap(idsWrittenBy);
}

/** Every id create's plan writes, with the body it writes there (a child's from its own operation or its parent's). */
export function writtenItems(desired: readonly Pick<DesiredResource, "resourceId" | "type" | "body">[]): Map<string, Body> {
  return new Map(desired.flatMap(itemsWrittenBy));
}

// ---------------------------------------------------------------------------------------------------------------
// manifest

/** Short forms keep the manifest within a few tags: the cluster's group as `~`, common provider paths abbreviated. */
const SHORT: [string, string][] = [
  ["/providers/Microsoft.Network/", "/N/"],
  ["/providers/Microsoft.Authorization/roleAssignments/", "/RA/"],
  ["/providers/Microsoft.ManagedIdentity/userAssignedIdentities/", "/MI/"],
  ["/providers/Microsoft.ContainerService/managedClusters/", "/AKS/"],
];

function groupPrefix(cluster: ClusterKey): string {
  return `/subscriptions/${cluster.subscriptionId}/resourceGroups/${cluster.resourceGroup}`;
}

function shorten(id: string, cluster: ClusterKey): string {
  let s = lc(id).startsWith(lc(groupPrefix(cluster))) ? `~${id.slice(groupPrefix(cluster).length)}` : id;
  for (const [long, short] of SHORT) {
    const i = lc(s).indexOf(lc(long));
    if (i >= 0) s = `${s.slice(0, i)}${short}${s.slice(i + long.length)}`;
  }
  return s;
}

function expand(s: string, cluster: ClusterKey): string {
  let id = s.startsWith("~") ? `${groupPrefix(cluster)}${s.slice(1)}` : s;
  for (const [long, short] of SHORT) id = id.split(short).join(long);
  return id;
}

/** The manifest as cluster tags: `aks-net-manifest-0`, `-1`, …, each at most 256 characters, ids separated by `|`. */
export function manifestTags(ids: readonly string[], cluster: ClusterKey): Record<string, string> {
  const tags: Record<string, string> = {};
  let chunk = "";
  let n = 0;
  const flush = (): void => {
    tags[`${MANIFEST_TAG}-${n++}`] = chunk;
    chunk = "";
  };
  for (const id of [...new Set(ids.map(lc))].sort()) {
    const short = shorten(ids.find((x) => lc(x) === id) as string, cluster);
    // An id too long for one tag value (long names in another group) is recorded by its hash.
    const s = short.length > TAG_VALUE_MAX ? `=${idHash(id)}` : short;
    if (chunk !== "" && chunk.length + 1 + s.length > TAG_VALUE_MAX) flush();
    chunk = chunk === "" ? s : `${chunk}|${s}`;
  }
  if (chunk !== "" || n === 0) flush();
  return tags;
}

function idHash(id: string): string {
  return sha256Hex(lc(id)).slice(0, 32);
}

/**
 * A cluster operation whose record leaves out `drop` (lower-case ids): what this run planned to create but found made
 * by someone else when its create-only PUT reached Azure (412, then adopted) is not aks-net's.
 */
export function withoutFromManifest(op: Operation, drop: ReadonlySet<string>, cluster: ClusterKey): Operation {
  if (lc(op.type) !== lc(TYPES.managedCluster) || drop.size === 0) return op;
  const strip = (tags: unknown): Record<string, unknown> | undefined => {
    if (!isObject(tags)) return undefined;
    const ids = readManifest({ tags }, cluster);
    if (ids === undefined) return tags;
    const rest = Object.fromEntries(Object.entries(tags).filter(([k]) => !/^aks-net-manifest-\d+$/i.test(k)));
    return { ...rest, ...manifestTags(ids.filter((id) => !drop.has(lc(id))), cluster) };
  };
  const body = strip(op.body["tags"]);
  const own = strip(op.ownTags) as Record<string, string> | undefined;
  return { ...op, ...(body ? { body: { ...op.body, tags: body } } : {}), ...(own ? { ownTags: own } : {}) };
}

/** True when the manifest records `id` (by its id, or by its hash when the id was too long). */
export function inManifest(manifest: readonly string[], id: string): boolean {
  const l = lc(id);
  if (manifest.some((m) => lc(m) === l)) return true;
  // Hashed once, and only when the manifest holds a hash (a no-op create hashed each id once per entry: 105 hashes).
  return manifest.some((m) => m.startsWith("=")) && manifest.includes(`=${idHash(id)}`);
}

/** The manifest read back from a cluster body's tags; undefined when the cluster carries none. */
export function readManifest(clusterBody: unknown, cluster: ClusterKey): string[] | undefined {
  const tags = isObject(clusterBody) && isObject(clusterBody["tags"]) ? clusterBody["tags"] : {};
  const chunks = Object.entries(tags)
    .map(([k, v]) => [/^aks-net-manifest-(\d+)$/i.exec(k)?.[1], String(v)] as const)
    .filter((e): e is readonly [string, string] => e[0] !== undefined)
    .sort((a, b) => Number(a[0]) - Number(b[0]));
  if (chunks.length === 0) return undefined;
  return chunks.flatMap(([, v]) => v.split("|")).filter((s) => s !== "").map((s) => (s.startsWith("=") ? s : expand(s, cluster)));
}

// ---------------------------------------------------------------------------------------------------------------
// proof

export interface MadeInput {
  cluster: ClusterKey;
  /** id → current GET body (a VNet's subnets, a route table's routes and a firewall's rule collections as own entries). */
  observed: ReadonlyMap<string, Body>;
  /** The cluster's manifest, when the cluster exists and carries one. */
  manifest?: readonly string[] | undefined;
  /** What create's plan writes, id → planned body (`writtenItems`), when the spec is known (`-f`). */
  planned?: ReadonlyMap<string, Body> | undefined;
}

/**
 * The ids (lower case) of everything observed that aks-net provably made for this cluster: in the manifest; a
 * top-level resource with its own proof tag; a planned child under a parent proven made; a role assignment with the
 * deterministic id for an identity made for this cluster and aks-net's description.
 */
export function provenMade(input: MadeInput): Set<string> {
  const { cluster, observed } = input;
  const made = new Set((input.manifest ?? []).filter((m) => !m.startsWith("=")).map(lc));
  const planned = new Map([...(input.planned ?? new Map<string, Body>())].map(([id, body]) => [lc(id), body]));
  const entries = [...observed].map(([id, body]) => [String(body["id"] ?? id), body] as const);
  const hashed = (input.manifest ?? []).filter((m) => m.startsWith("="));
  if (hashed.length > 0) for (const [id] of entries) if (inManifest(hashed, id)) made.add(lc(id));
  // A top-level resource create made carries its own proof: one in the manifest without it was found made by
  // someone else when create's PUT reached Azure (a group, whose RP ignores If-None-Match), and adopted.
  for (const [id, body] of entries) if (isTopLevel(id) && !hasProof(cluster, id, body)) made.delete(lc(id));
  for (const [id, body] of entries) if (isTopLevel(id) && hasProof(cluster, id, body)) made.add(lc(id));
  // Children, parents first (shorter ids): one its proven parent's signed list names is aks-net's; with the spec
  // (-f) a route or rule collection must also still hold what create's plan writes (a name alone proves nothing).
  const bodies = new Map(entries.map(([id, body]) => [lc(id), body]));
  for (const [id, body] of [...entries].sort((a, b) => a[0].length - b[0].length)) {
    const parent = parentId(id);
    if (parent === undefined || !made.has(lc(parent)) || made.has(lc(id))) continue;
    const signed = hasProof(cluster, parent, bodies.get(lc(parent))) && signedChildren(bodies.get(lc(parent))).some((c) => lc(c) === lc(id.slice(parent.length + 1)));
    const want = planned.get(lc(id));
    if (signed && (want === undefined || !CONTENT_CHECKED.has(lc(typeOfChild(id))) || covers(want, body))) made.add(lc(id));
  }
  const roles = [NETWORK_CONTRIBUTOR_ROLE, PRIVATE_DNS_ZONE_CONTRIBUTOR_ROLE].map((r) => roleDefinitionId(cluster.subscriptionId, r));
  const identities = entries.filter(([id]) => lc(typeOfTop(id)) === lc(TYPES.identity) && made.has(lc(id))).map(([id]) => id);
  const description = `aks-net:${lc(cluster.resourceGroup)}/${lc(cluster.name)}`;
  for (const [id, body] of entries) {
    const m = /^(.*)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i.exec(id);
    if (!m || made.has(lc(id))) continue;
    const d = isObject(body["properties"]) ? String(body["properties"]["description"] ?? "") : "";
    if (lc(d) !== description) continue;
    const [, scope, name] = m as unknown as [string, string, string];
    if (identities.some((i) => roles.some((role) => lc(roleAssignmentName(scope, i, role)) === lc(name)))) made.add(lc(id));
  }
  return made;
}

/** Children whose content the spec fixes (prefix and next hop, rules); a subnet's prefix may be a placeholder with -f. */
const CONTENT_CHECKED = new Set(["microsoft.network/routetables/routes", "microsoft.network/azurefirewalls/applicationrulecollections", "microsoft.network/azurefirewalls/networkrulecollections", "microsoft.network/azurefirewalls/natrulecollections", "microsoft.network/firewallpolicies/rulecollectiongroups"]);

/** `.../routeTables/rt/routes/r` → `microsoft.network/routetables/routes`. */
function typeOfChild(id: string): string {
  const i = lc(id).lastIndexOf("/providers/");
  const parts = id.slice(i + "/providers/".length).split("/");
  return lc([parts[0], ...parts.filter((_, j) => j % 2 === 1)].join("/"));
}

/**
 * True when `have` holds everything `want` sets (strings case-insensitively, as Azure echoes them; a reference to a
 * value known only at run time matches anything; unnamed list items each matched by some item).
 */
function covers(want: unknown, have: unknown): boolean {
  if (typeof want === "string" && REF_PATTERN.test(want)) return true;
  if (Array.isArray(want)) return Array.isArray(have) && want.every((w) => have.some((h) => covers(w, h)));
  if (isObject(want)) return isObject(have) && Object.entries(want).every(([k, v]) => k === "name" || covers(v, Object.entries(have).find(([hk]) => lc(hk) === lc(k))?.[1]));
  if (want === undefined || want === null) return true;
  return have !== undefined && have !== null && lc(String(want)) === lc(String(have));
}

function typeOfTop(id: string): string {
  const m = /\/providers\/([^/]+\/[^/]+)\/[^/]+$/i.exec(id);
  return m ? (m[1] as string) : "";
}

/** A GET body as observed entries: the resource, plus each inline child it lists (subnets, routes, rule collections). */
export function expandChildren(id: string, body: Body): [string, Body][] {
  const self = String(body["id"] ?? id);
  const out: [string, Body][] = [[self, body]];
  const type = typeOfTop(self);
  for (const coll of INLINE[lc(type)] ?? []) {
    const list = isObject(body["properties"]) ? body["properties"][coll] : undefined;
    if (!Array.isArray(list)) continue;
    for (const item of list) {
      if (!isObject(item)) continue;
      const cid = typeof item["id"] === "string" ? item["id"] : typeof item["name"] === "string" ? `${self}/${coll}/${item["name"]}` : undefined;
      if (cid !== undefined) out.push([cid, item]);
    }
  }
  return out;
}

interface PlanLike {
  operations: Operation[];
  refusals: { resourceId: string; reason: string }[];
}

/**
 * Create's side: what this run will have made for the cluster (what it creates, plus what earlier runs provably
 * made), recorded in the cluster's tags when the cluster is created; and refusals for changes create would make to a
 * resource it adopted and delete could not undo (re-pointing a user's subnet from the user's route table or NAT
 * gateway to aks-net's).
 */
/** Every observed body, with the children its GET lists as entries of their own (keys lower case). */
function expandAll(observed: ReadonlyMap<string, Body>): Map<string, Body> {
  const expanded = new Map<string, Body>();
  for (const [id, body] of observed) for (const [k, v] of expandChildren(id, body)) expanded.set(lc(k), v);
  return expanded;
}

/** What a run creates: not there yet, also not under another name (a child matched as diffPlan matches it). */
function createsNowIn(observed: ReadonlyMap<string, Body>, expanded: ReadonlyMap<string, Body>): (id: string, body: Body) => boolean {
  const observedTop = new Map([...observed].map(([id, body]) => [lc(id), body]));
  return (id, body) => {
    if (expanded.has(lc(id))) return false;
    const parent = parentId(id);
    const parentBody = parent === undefined ? undefined : (observedTop.get(lc(parent)) ?? expanded.get(lc(parent)));
    const items = parent !== undefined && parentBody !== undefined && isObject(parentBody["properties"]) ? parentBody["properties"][id.slice(parent.length + 1).split("/")[0] as string] : undefined;
    return !Array.isArray(items) || findItem(items, { ...body, name: id.slice(id.lastIndexOf("/") + 1) }) < 0;
  };
}

/** The ids a plan's writes create (itself and inline children), as create's journal records them before the first write. */
export function createdIds(plan: PlanLike, observed: ReadonlyMap<string, Body>): string[] {
  const createsNow = createsNowIn(observed, expandAll(observed));
  return plan.operations.flatMap((op) => itemsWrittenBy({ ...op, body: op.desired ?? op.body }).filter(([id, body]) => createsNow(id, body)).map(([id]) => id));
}

/**
 * What a plan changes on resources it did not create that delete gives back (core/journal.ts): the route table / NAT
 * gateway it associates with an adopted subnet, the DNS servers it sets on a VNet (create refuses both when the user
 * had their own, so a fresh read that still shows them shows aks-net's change).
 */
export function adoptedChanges(plan: PlanLike, observed: ReadonlyMap<string, Body>): { associated: Record<string, string[]>; dns: Record<string, string[]> } {
  const expanded = expandAll(observed);
  const associated: Record<string, string[]> = {};
  const dns: Record<string, string[]> = {};
  for (const op of plan.operations) {
    const have = expanded.get(lc(op.resourceId));
    if (op.action !== "update" || have === undefined) continue;
    const want = op.desired ?? op.body;
    if (lc(op.type) === lc(TYPES.vnet)) {
      const servers = dnsOf(want);
      if (servers.length > 0 && JSON.stringify(servers) !== JSON.stringify(dnsOf(have))) dns[op.resourceId] = servers;
    } else if (lc(op.type) === lc(TYPES.subnet)) {
      const refs = ["routeTable", "natGateway"].flatMap((p) => {
        const r = refOf(want, p);
        return r !== undefined && !REF_PATTERN.test(r) && lc(r) !== lc(refOf(have, p) ?? "") ? [r] : [];
      });
      if (refs.length > 0) associated[op.resourceId] = refs;
    }
  }
  return { associated, dns };
}

export function recordOwnership<P extends PlanLike>(plan: P, observed: ReadonlyMap<string, Body>, cluster: ClusterKey, journal?: Journal): P {
  const expanded = expandAll(observed);
  const manifestBefore = [...observed].find(([id]) => lc(typeOfTop(id)) === lc(TYPES.managedCluster));
  // An interrupted earlier create's children count when a fresh read still matches their fingerprint.
  const journaled = trustedEntries(journal, expanded, parentId).made;
  const made = provenMade({
    cluster,
    observed: new Map([...expanded].map(([k, v]) => [String(v["id"] ?? k), v])),
    manifest: [...((manifestBefore ? readManifest(manifestBefore[1], cluster) : undefined) ?? []), ...journaled],
  });
  const observedTop = new Map([...observed].map(([id, body]) => [lc(id), body]));
  const createsNow = createsNowIn(observed, expanded);
  for (const id of createdIds(plan, observed)) made.add(lc(id));
  const refusals = [...plan.refusals];
  for (const op of plan.operations) {
    const have = expanded.get(lc(op.resourceId));
    if (lc(op.type) === lc(TYPES.vnet) && have !== undefined && !made.has(lc(op.resourceId))) {
      // Delete gives back Azure's DNS once the firewall is gone; DNS servers the user set could not be given back.
      const want = JSON.stringify(dnsOf(op.desired ?? op.body));
      const theirs = dnsOf(have);
      if (want !== "[]" && theirs.length > 0 && JSON.stringify(theirs) !== want) {
        refusals.push({
          resourceId: op.resourceId,
          reason: `VNet ${op.resourceId.slice(op.resourceId.lastIndexOf("/") + 1)} uses your DNS servers ${theirs.join(", ")}: the firewall's DNS proxy needs the VNet's DNS pointed at the firewall, and aks-net does not replace DNS servers it did not set (delete could not give them back); forward them through the firewall yourself, or use a VNet without custom DNS`,
        });
      }
    }
    if (lc(op.type) !== lc(TYPES.subnet)) continue;
    if (have === undefined || made.has(lc(op.resourceId))) continue;
    for (const [prop, what] of [["routeTable", "route table"], ["natGateway", "NAT gateway"], ["networkSecurityGroup", "network security group"]] as const) {
      const want = refOf(op.body, prop);
      const theirs = refOf(have, prop);
      if (want !== undefined && theirs !== undefined && lc(want) !== lc(theirs)) {
        refusals.push({
          resourceId: op.resourceId,
          reason: `subnet ${op.resourceId.slice(op.resourceId.lastIndexOf("/") + 1)} uses your ${what} ${theirs.slice(theirs.lastIndexOf("/") + 1)}: aks-net does not re-point a subnet it did not create (delete could not give it back as it was); use that ${what} for egress, or a subnet without one`,
        });
      }
    }
  }
  // The children each resource's plan writes (subnets are their own operations, routes sit in their table's body).
  const childrenOf = new Map<string, [string, Body][]>();
  for (const op of plan.operations) {
    for (const [id, body] of itemsWrittenBy({ ...op, body: op.desired ?? op.body })) {
      const parent = parentId(id);
      if (parent !== undefined) childrenOf.set(lc(parent), [...(childrenOf.get(lc(parent)) ?? []), [id, body]]);
    }
  }
  const operations = plan.operations.map((op) => {
    const have = observedTop.get(lc(op.resourceId));
    if (lc(op.type) === lc(TYPES.managedCluster) && op.action === "create") {
      const tags = isObject(op.body["tags"]) ? op.body["tags"] : {};
      return { ...op, body: { ...op.body, tags: { ...tags, ...manifestTags([...made], cluster) } } };
    }
    // A re-run keeps the record current: what it adds is proven like what the first run made.
    if (have === undefined || !isTopLevel(op.resourceId) || !hasProof(cluster, op.resourceId, have)) return op;
    let own: Record<string, string> | undefined;
    if (lc(op.type) === lc(TYPES.managedCluster)) {
      const before = readManifest(have, cluster) ?? [];
      const added = [...made].filter((m) => !inManifest(before, m));
      if (added.length > 0) own = manifestTags([...before, ...added], cluster);
    } else {
      const signed = signedChildren(have);
      // Only children this run creates join the list: one the user made at a planned name stays the user's.
      const fresh = (childrenOf.get(lc(op.resourceId)) ?? []).filter(([id, body]) => createsNow(id, body)).map(([id]) => id.slice(op.resourceId.length + 1));
      const list = [...signed, ...fresh.filter((c, i) => !signed.some((x) => lc(x) === lc(c)) && fresh.findIndex((y) => lc(y) === lc(c)) === i)];
      if (list.length > signed.length) {
        const value = list.join(",");
        if (value.length > TAG_VALUE_MAX) throw new Error(`too many children for one tag in ${op.resourceId}`);
        own = { [CHILDREN_TAG]: value, [PROOF_TAG]: proofValue(cluster, op.resourceId, value) };
      }
    }
    if (own === undefined) return op;
    const record = "records what aks-net made in its tags";
    if (op.action === "update") return { ...op, ownTags: own, body: withOwnTags(op.body, own), reason: `${op.reason ?? ""}; ${record}` };
    return { ...op, action: "update" as const, ownTags: own, reason: record, body: withOwnTags(mergeForUpdate(have, op.body), own), desired: op.body };
  });
  return { ...plan, operations, refusals };
}

function dnsOf(body: unknown): string[] {
  const p = isObject(body) && isObject(body["properties"]) ? body["properties"]["dhcpOptions"] : undefined;
  const list = isObject(p) ? p["dnsServers"] : undefined;
  return Array.isArray(list) ? list.map(String) : [];
}

function refOf(body: unknown, prop: string): string | undefined {
  const p = isObject(body) && isObject(body["properties"]) ? body["properties"][prop] : undefined;
  return isObject(p) && typeof p["id"] === "string" && p["id"] !== "" ? p["id"] : undefined;
}
