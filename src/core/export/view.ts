/**
 * What every export format renders: the ONE plan (`create --dry-run --offline`'s, same bodies, same dependencies),
 * with two changes an engine that re-applies a whole configuration needs:
 * - a VNet's subnets and a route table's routes go inline into their parent's body (`properties.subnets`,
 *   `properties.routes`): ARM, Terraform and a re-run script PUT the parent again on every deployment, and a PUT
 *   without its children removes them (or fails with InUseSubnetCannotBeDeleted). Each child's body is unchanged.
 * - values stay tokens (`[ref:…]`, `[secret:…]`); each format turns them into its own expressions.
 */
import { recordOwnership } from "../ownership.ts";
import { REF_PATTERN, diffPlan, planResources } from "../plan.ts";
import type { DesiredResource, Plan } from "../plan.ts";
import { TYPES, nameOf } from "../arm-bodies.ts";
import type { ClusterSpec } from "../spec.ts";
import { secretName } from "../secrets.ts";

/** The plan of `create --dry-run --offline`: as if nothing existed, ownership recorded as a first create records it. */
export function offlinePlan(spec: ClusterSpec, subscriptionId: string): Plan {
  return recordOwnership(diffPlan(planResources(spec, { subscriptionId }), new Map()), new Map(), {
    subscriptionId,
    resourceGroup: spec.resourceGroup as string,
    name: spec.name as string,
  });
}

export type ExportFormat = "arm" | "bicep" | "terraform" | "az";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["arm", "bicep", "terraform", "az"];

/** One resource as the export formats write it. */
export interface ExportItem extends DesiredResource {
  /** The plan's child resources written inline into this body, by id (their bodies are unchanged there). */
  inlined: string[];
}

/** Child types written inline into their parent, and the parent's collection. */
const INLINE: Record<string, string> = { [TYPES.subnet]: "subnets", [TYPES.route]: "routes" };

const lc = (s: string): string => s.toLowerCase();
const parentOf = (id: string): string => id.slice(0, id.lastIndexOf("/", id.lastIndexOf("/") - 1));

/**
 * The plan's resources with subnets and routes inlined into their parents (when the plan builds the parent).
 * `existing`: resources that already exist with children the plan does not know (a VNet whose other subnets the spec
 * names): not written at all, so a deployment never replaces their children; their planned children stay resources.
 */
export function exportItems(plan: Plan, existing: readonly string[] = []): ExportItem[] {
  const kept = new Set(existing.map(lc));
  const ops = plan.operations.filter((o) => o.action !== "delete" && !kept.has(lc(o.resourceId)));
  const ids = new Set(ops.map((o) => lc(o.resourceId)));
  const movedTo = new Map<string, string>();
  for (const o of ops) {
    if (INLINE[o.type] !== undefined && ids.has(lc(parentOf(o.resourceId)))) movedTo.set(lc(o.resourceId), parentOf(o.resourceId));
  }
  const items = new Map<string, ExportItem>();
  for (const o of ops) {
    if (movedTo.has(lc(o.resourceId))) continue;
    items.set(lc(o.resourceId), { resourceId: o.resourceId, type: o.type, apiVersion: o.apiVersion, label: o.label, dependsOn: [...o.dependsOn], body: structuredClone(o.body), inlined: [] });
  }
  for (const o of ops) {
    const parent = movedTo.get(lc(o.resourceId));
    if (parent === undefined) continue;
    const item = items.get(lc(parent)) as ExportItem;
    const props = (item.body["properties"] ??= {}) as Record<string, unknown>;
    const collection = INLINE[o.type] as string;
    const list = (props[collection] ??= []) as unknown[];
    list.push({ name: o.resourceId.slice(o.resourceId.lastIndexOf("/") + 1), ...structuredClone(o.body) });
    item.inlined.push(o.resourceId);
    item.dependsOn.push(...o.dependsOn);
  }
  // Dependencies on an inlined child are on its parent now; none on itself, none twice.
  const target = (id: string): string => movedTo.get(lc(id)) ?? id;
  for (const item of items.values()) {
    const deps: string[] = [];
    for (const d of item.dependsOn.map(target)) if (lc(d) !== lc(item.resourceId) && !deps.some((x) => lc(x) === lc(d))) deps.push(d);
    item.dependsOn = deps;
    item.body = mapStrings(item.body, (s) => {
      const m = REF_PATTERN.exec(s);
      return m && movedTo.has(lc(m[1] as string)) ? s.replace(m[1] as string, target(m[1] as string)) : s;
    }) as Record<string, unknown>;
  }
  return [...items.values()];
}

/** A value in a body: a literal, a value of another resource, or a secret. */
export type Token = { kind: "ref"; resourceId: string; path: string; suffix?: string } | { kind: "secret"; name: string };

/** The token a string stands for, if any. */
export function tokenOf(value: string): Token | undefined {
  const secret = secretName(value);
  if (secret !== undefined) return { kind: "secret", name: secret };
  const m = REF_PATTERN.exec(value);
  if (!m) return undefined;
  return m[3] === undefined ? { kind: "ref", resourceId: m[1] as string, path: m[2] as string } : { kind: "ref", resourceId: m[1] as string, path: m[2] as string, suffix: m[3] };
}

/** The secrets the items need, in order. */
export function secretsOf(items: readonly ExportItem[]): string[] {
  const names: string[] = [];
  for (const item of items) {
    mapStrings(item.body, (s) => {
      const t = tokenOf(s);
      if (t?.kind === "secret" && !names.includes(t.name)) names.push(t.name);
      return s;
    });
  }
  return names;
}

/** The (resource, path) pairs other resources read, by resource id (lower case). */
export function refsOf(items: readonly ExportItem[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const item of items) {
    mapStrings(item.body, (s) => {
      const t = tokenOf(s);
      if (t?.kind === "ref") {
        const paths = out.get(lc(t.resourceId)) ?? [];
        if (!paths.includes(t.path)) paths.push(t.path);
        out.set(lc(t.resourceId), paths);
      }
      return s;
    });
  }
  return out;
}

export function mapStrings(value: unknown, fn: (s: string) => unknown): unknown {
  if (typeof value === "string") return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}

/** Items in an order where each comes after what it depends on (the plan's order already is; kept stable). */
export function inDependencyOrder(items: readonly ExportItem[]): ExportItem[] {
  const byId = new Map(items.map((i) => [lc(i.resourceId), i]));
  const done = new Set<string>();
  const out: ExportItem[] = [];
  const visit = (i: ExportItem, path: Set<string>): void => {
    const key = lc(i.resourceId);
    if (done.has(key)) return;
    if (path.has(key)) throw new Error(`dependency cycle at ${i.resourceId}`);
    path.add(key);
    for (const d of i.dependsOn) {
      const dep = byId.get(lc(d));
      if (dep) visit(dep, path);
    }
    path.delete(key);
    done.add(key);
    out.push(i);
  };
  for (const i of items) visit(i, new Set());
  return out;
}

/** `Microsoft.Network/virtualNetworks/subnets` → `subnets`; names for symbols and labels. */
export function shortType(type: string): string {
  return type.slice(type.lastIndexOf("/") + 1);
}

/** Unique identifiers (letters, digits, underscores; not starting with a digit) for each item, from its type and name. */
export function symbolNames(items: readonly ExportItem[], style: "camel" | "snake"): Map<string, string> {
  const used = new Set<string>();
  const out = new Map<string, string>();
  for (const i of items) {
    // A role assignment is named after its scope (its own name is a GUID).
    const scope = roleScope(i);
    let base = (scope === undefined ? `${shortType(i.type)}_${nameOf(i.resourceId)}` : `role_${nameOf(scope)}`).replace(/[^A-Za-z0-9_]+/g, "_").replace(/_+$/, "");
    if (style === "snake") base = base.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
    if (/^[0-9]/.test(base)) base = `r_${base}`;
    let sym = base;
    for (let n = 2; used.has(lc(sym)); n++) sym = `${base}_${n}`;
    used.add(lc(sym));
    out.set(lc(i.resourceId), sym);
  }
  return out;
}

const ROLE_MARK = `/providers/${TYPES.roleAssignment}/`;

/** The scope a role assignment applies to (the id before `/providers/Microsoft.Authorization/…`), else undefined. */
export function roleScope(item: Pick<DesiredResource, "resourceId" | "type">): string | undefined {
  if (lc(item.type) !== lc(TYPES.roleAssignment)) return undefined;
  return item.resourceId.slice(0, lc(item.resourceId).lastIndexOf(lc(ROLE_MARK)));
}
