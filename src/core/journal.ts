/**
 * Delete's journal: what a delete decided, written before its first write to a place that survives the cluster (the
 * record of what create made travels with the cluster, so once the cluster DELETE is done a resumed run could not
 * prove the rest). Pure: the file itself is src/io/journal-file.ts.
 *
 * The journal is a hint, never proof. A resumed run trusts an entry only when a fresh read still matches what the
 * decision saw: a child (a subnet create made in the user's VNet, a route in the user's route table) by its
 * fingerprint — its prefix or rule content and its parent's resourceGuid, so a VNet deleted and made again by someone
 * does not match; an association by the subnet still pointing at the same route table or NAT gateway, which must
 * itself be proven made for this cluster (its own proof tag); DNS servers by still being exactly the list aks-net
 * set. Top-level resources are never taken from the journal: they carry their own proof.
 */
import { createHash } from "node:crypto";
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
  /** Children proven made for this cluster at the decision: id → fingerprint. */
  made: Record<string, string>;
  /** Adopted subnets whose association aks-net made: subnet id → the route table / NAT gateway ids it pointed at. */
  associated: Record<string, string[]>;
  /** Kept VNets whose DNS servers aks-net set: VNet id → the list. */
  dns: Record<string, string[]>;
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

/** The fingerprint of a child as read now; undefined for kinds the journal does not vouch for. */
export function fingerprint(id: string, body: Body | undefined, parent: Body | undefined): string | undefined {
  const paths = FINGERPRINT[lc(typeFromId(id))];
  if (paths === undefined || body === undefined || parent === undefined) return undefined;
  const guid = valueAt(parent, "properties.resourceGuid");
  const content = JSON.stringify([lc(id), typeof guid === "string" ? lc(guid) : null, ...paths.map((p) => canonical(valueAt(body, p)))]);
  return createHash("sha256").update(content).digest("hex").slice(0, 32);
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
  return o as Journal;
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
