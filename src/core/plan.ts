/**
 * Plans are data: the ARM resources a spec needs, in dependency order, each with its exact request body.
 * `planResources` (pure) derives the desired resources; `diffPlan` (pure) compares them with what Azure has.
 * The executor (core/apply.ts) runs a plan; `create`, `delete` and `--dry-run` all share it.
 */

/** Tags on everything aks-net creates; `delete` removes only resources carrying them. */
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
  /** Resource ids this one needs first. */
  dependsOn: string[];
  /** The exact ARM request body (PUT). */
  body: Record<string, unknown>;
  /** Short human label for progress and plans, e.g. `subnet aks-nodes`. */
  label: string;
}

/** A planned step: a desired resource plus what will be done with it, and why. */
export interface Operation extends DesiredResource {
  action: Action;
  /** For update/unchanged/refusals: what differs, in words. */
  reason?: string;
}

/** The plan; the JSON form of `create --dry-run --output json` is exactly `{ operations }`. */
export interface Plan {
  operations: Operation[];
}

/** What Azure has: resource id → its current GET body (absent = does not exist). */
export type ObservedState = ReadonlyMap<string, Record<string, unknown>>;

/**
 * A value known only once another resource exists (an identity's principalId): the plan carries a token
 * `[ref:<resourceId>#<dot.path>]` that the executor replaces with the value read from that resource.
 */
export function ref(resourceId: string, path: string): string {
  return `[ref:${resourceId}#${path}]`;
}

/** Matches a whole-string reference token; group 1 = resource id, group 2 = dot path. */
export const REF_PATTERN = /^\[ref:([^#\]]+)#([^\]]+)\]$/;
