/**
 * The cluster's journal: what a create is making and what a delete decided, written before their first write to a
 * place that survives the cluster (the record of what create made travels with the cluster, which a first create
 * makes last and a delete deletes first). Pure: the file itself is src/io/journal-file.ts.
 *
 * - create writes the ids of the children it is about to make (a subnet in the user's VNet, a route in the user's
 *   route table) in `creating` before its first write, and moves each to `made` with its fingerprint once its own
 *   write is done; a create that finishes removes the journal (the cluster's record then holds everything).
 * - delete writes its decision (made children, associations and DNS servers it gives back) before its first write.
 *
 * The journal is a hint, never proof. A later run trusts an entry only when a fresh read still matches: a child by its
 * fingerprint — its content (prefix, rules), its parent's resourceGuid (a VNet made again does not match) and its own
 * etag as read after aks-net's last write to it (Azure gives every write a new etag, so a subnet someone deleted and
 * made again with the same name and prefix does not match); an association by the subnet still pointing at the same
 * route table or NAT gateway, which must itself be proven made for this cluster (its own proof tag); DNS servers by
 * still being exactly the list aks-net set. An id in `creating` proves nothing (aks-net stopped before its write was
 * confirmed). Top-level resources are never taken from the journal: they carry their own proof.
 */
import { sha256Hex } from "./crypto.ts";
import { TYPES } from "./arm-bodies.ts";
import { typeFromId } from "./apply.ts";
import { valueAt } from "./plan.ts";

type Body = Record<string, unknown>;

export const JOURNAL_VERSION = 1;

export interface Journal {
  version: typeof JOURNAL_VERSION;
  /** The cluster's id (lower case). */
  cluster: string;
  /** When the decision was written (ISO). */
  decided: string;
  /** The command that wrote it last. */
  by?: "create" | "delete";
  /** Children proven made for this cluster at the decision: id → fingerprint. */
  made: Record<string, string>;
  /** Adopted subnets whose association aks-net made: subnet id → the route table / NAT gateway ids it pointed at. */
  associated: Record<string, string[]>;
  /** Kept VNets whose DNS servers aks-net set: VNet id → the list. */
  dns: Record<string, string[]>;
  /** Children a create is about to make (or stopped while making): read by delete, proof of nothing. */
  creating?: string[];
}

const lc = (s: string): string => s.toLowerCase();

/** What must not have changed for a child to be the one the decision saw (its parent's identity included). */
const FINGERPRINT: Record<string, string[]> = {
  [lc(TYPES.subnet)]: ["properties.addressPrefix", "properties.addressPrefixes"],
  [lc(TYPES.route)]: ["properties.addressPrefix", "properties.nextHopType", "properties.nextHopIpAddress"],
  [lc(TYPES.ruleCollectionGroup)]: ["properties.priority", "properties.ruleCollections"],
  "microsoft.network/azurefirewalls/applicationrulecollections": ["properties.priority", "properties.action", "properties.rules"],
  "microsoft.network/azurefirewalls/networkrulecollections": ["properties.priority", "properties.action", "properties.rules"],
  "microsoft.network/azurefirewalls/natrulecollections": ["properties.priority", "properties.action", "properties.rules"],
};

/**
 * The fingerprint of a child as read now (its etag included: any write to it, a re-creation too, changes it);
 * undefined for kinds the journal does not vouch for.
 */
export function fingerprint(id: string, body: Body | undefined, parent: Body | undefined): string | undefined {
  const paths = FINGERPRINT[lc(typeFromId(id))];
  if (paths === undefined || body === undefined || parent === undefined) return undefined;
  const guid = valueAt(parent, "properties.resourceGuid");
  const etag = valueAt(body, "etag");
  const content = JSON.stringify([lc(id), typeof guid === "string" ? lc(guid) : null, typeof etag === "string" ? etag : null, ...paths.map((p) => canonical(valueAt(body, p)))]);
  return sha256Hex(content).slice(0, 32);
}

/** Keys sorted, strings lower-cased: Azure echoes enums and ids in its own case. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (typeof v === "string") return lc(v);
  if (v === null || typeof v !== "object") return v ?? null;
  return Object.fromEntries(Object.keys(v).sort().filter((k) => k !== "etag" && k !== "provisioningState" && k !== "id").map((k) => [k, canonical((v as Body)[k])]));
}

/** The journal read back, or undefined when the text is not one (a damaged file is ignored, never trusted). */
export function parseJournal(text: string, clusterId: string): Journal | undefined {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return undefined;
  }
  const o = j as Partial<Journal>;
  const isMap = (m: unknown, value: (v: unknown) => boolean): boolean => typeof m === "object" && m !== null && !Array.isArray(m) && Object.values(m).every(value);
  const strings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === "string");
  if (o.version !== JOURNAL_VERSION || typeof o.cluster !== "string" || lc(o.cluster) !== lc(clusterId) || typeof o.decided !== "string") return undefined;
  if (!isMap(o.made, (v) => typeof v === "string") || !isMap(o.associated, strings) || !isMap(o.dns, strings)) return undefined;
  if ((o.creating !== undefined && !strings(o.creating)) || (o.by !== undefined && o.by !== "create" && o.by !== "delete")) return undefined;
  return o as Journal;
}

/** An empty journal for a cluster. */
export function emptyJournal(clusterId: string): Journal {
  return { version: JOURNAL_VERSION, cluster: lc(clusterId), decided: "", made: {}, associated: {}, dns: {} };
}

/**
 * Create, before its first write: the children it is about to make join `creating`, and what it is about to change
 * on resources it adopted (a subnet's association, a VNet's DNS servers) joins what delete gives back; what was
 * there stays.
 */
export function startCreating(journal: Journal, ids: readonly string[], changes: Pick<Journal, "associated" | "dns">): Journal {
  const creating = [...(journal.creating ?? [])];
  for (const id of ids) if (!creating.some((c) => lc(c) === lc(id))) creating.push(id);
  return { ...journal, by: "create", creating, associated: { ...journal.associated, ...changes.associated }, dns: { ...journal.dns, ...changes.dns } };
}

/**
 * Create, after one of its own writes: each child in `creating` (or already `made`) that the written body is or
 * holds gets the fingerprint of what Azure answered (a parent's PUT gives its children new etags). `parentOf` and
 * `bodyOf` find a child's parent and its latest body (for the parent's resourceGuid).
 */
export function confirmWritten(journal: Journal, written: readonly [string, Body][], parentOf: (id: string) => string | undefined, bodyOf: (id: string) => Body | undefined): Journal {
  const made = { ...journal.made };
  let creating = [...(journal.creating ?? [])];
  for (const [id, body] of written) {
    const tracked = creating.find((c) => lc(c) === lc(id)) ?? Object.keys(made).find((m) => lc(m) === lc(id));
    const parent = parentOf(id);
    if (tracked === undefined || parent === undefined) continue;
    const print = fingerprint(id, body, bodyOf(parent));
    if (print === undefined) continue;
    made[tracked] = print;
    creating = creating.filter((c) => lc(c) !== lc(id));
  }
  return { ...journal, made, creating };
}

/** The journal's entries that a fresh read still confirms (see the file comment). */
export interface Trusted {
  made: string[];
  associated: Map<string, string[]>;
  dns: Map<string, string[]>;
}

export function trustedEntries(journal: Journal | undefined, byId: ReadonlyMap<string, Body>, parentOf: (id: string) => string | undefined): Trusted {
  const out: Trusted = { made: [], associated: new Map(), dns: new Map() };
  if (journal === undefined) return out;
  for (const [id, print] of Object.entries(journal.made)) {
    const parent = parentOf(id);
    if (parent !== undefined && fingerprint(id, byId.get(lc(id)), byId.get(lc(parent))) === print) out.made.push(id);
  }
  for (const [subnet, refs] of Object.entries(journal.associated)) {
    const body = byId.get(lc(subnet));
    const now = ["properties.routeTable.id", "properties.natGateway.id"].map((p) => valueAt(body, p)).filter((r): r is string => typeof r === "string");
    const still = refs.filter((r) => now.some((n) => lc(n) === lc(r)));
    if (still.length > 0) out.associated.set(lc(subnet), still.map(lc));
  }
  for (const [vnet, servers] of Object.entries(journal.dns)) {
    const now = valueAt(byId.get(lc(vnet)), "properties.dhcpOptions.dnsServers");
    if (Array.isArray(now) && JSON.stringify(now) === JSON.stringify(servers)) out.dns.set(lc(vnet), servers);
  }
  return out;
}
