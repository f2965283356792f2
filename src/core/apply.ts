/**
 * The one plan executor (create, delete, resume). Each step is an "ensure": read, compare with diffPlan, write only
 * what differs, wait. Steps start as soon as their dependencies finish, so the wall time is the plan's critical path.
 * Azure access goes through an ArmPort (src/providers/arm-port.ts); this file stays pure and is unit-tested with a fake port.
 */
import { semaphore } from "./semaphore.ts";
import { AzureError, CancelledError } from "./errors.ts";
import { diffPlan, lacksTags, mergeForUpdate, plannedPart, refTargets, resolveRefs, valueAt, withOwnTags } from "./plan.ts";
import { fillSecrets, withoutSecrets } from "./secrets.ts";
import type { Action, DesiredResource, ObservedState, Operation, Plan } from "./plan.ts";

export type Body = Record<string, unknown>;

/** What a port needs to address a resource. */
export type ResourceRef = Pick<DesiredResource, "resourceId" | "type" | "apiVersion" | "label">;

/**
 * Azure behind an interface. Errors a port throws should already be AksNetErrors (explained); an AbortError-like
 * rejection after `signal` fired is treated as cancellation.
 */
export interface ArmPort {
  /** The current REST body, or undefined when the resource does not exist (404). */
  get(res: ResourceRef, signal: AbortSignal): Promise<Body | undefined>;
  /**
   * PUT `body` and wait for the long-running operation; resolves with the final REST body. `planned` is the part of
   * the body the plan sets (an update body also carries what Azure already had): the port must send all of it.
   * `mode` "create": create only (If-None-Match: *); "update": `body` is Azure's current body with the plan laid
   * over it, and every property in it goes out as it is, whatever the SDK's model knows.
   */
  put(res: ResourceRef, body: Body, signal: AbortSignal, planned?: Body, ifMatch?: string, mode?: PutMode): Promise<Body>;
  /** DELETE and wait until gone; a resource that is already gone is not an error. */
  delete(res: ResourceRef, signal: AbortSignal, ifMatch?: string): Promise<void>;
  /**
   * Serializes a PUT of `body` as `put` would and checks it as `put` does (all of `planned` goes out), sending
   * nothing; throws what `put` would throw for that reason.
   */
  check?(res: ResourceRef, body: Body, planned: Body): Promise<void>;
}

/** How a PUT relates to what Azure has: a create of a resource that is absent, or an update of the body that was read. */
export type PutMode = "create" | "update";

/** A write sent with If-Match was refused (412): the resource changed since it was read. */
export class StaleEtagError extends Error {}

/**
 * A create refused because what it makes exists under another name (a role assignment for the same scope, role and
 * principal: 409 RoleAssignmentExists): someone else's, used as it is, never written, never recorded as aks-net's.
 */
export class ExistsElsewhereError extends Error {}

/**
 * A step's decision re-made on a fresh read right before its write (delete's ownership checks): keep the resource
 * (nothing is written, or only `body`: what aks-net put in it taken out), or write, optionally this exact body, with
 * If-Match of the etag that was read.
 */
export type Recheck = { keep: string; body?: Body; planned?: Body; ifMatch?: string } | { keep?: undefined; body?: Body; planned?: Body; ifMatch?: string };

export type StepStatus = "done" | "failed" | "skipped" | "cancelled";

/** The outcome of one operation, as progress and `--output json` show it. */
export interface StepResult {
  op: Operation;
  /** What the step actually did (a planned create can turn out unchanged when a re-run finds it done). */
  action: Action;
  status: StepStatus;
  /** Milliseconds from the step's start (0 for skipped steps). */
  ms: number;
  /** Final REST body (absent for deletes and for steps that did not finish). */
  body?: Body;
  error?: unknown;
  /** Why a step was skipped or what it waited for. */
  note?: string;
  /** Set when a recheck kept the resource instead of writing it: why. */
  kept?: string;
}

/** Progress sink. `start` is called when a step begins work, `finish` once per operation. */
export interface ApplyReporter {
  start(op: Operation): void;
  /** A step is waiting for something that is not its own request (an operation a previous run started). */
  note?(op: Operation, text: string): void;
  finish(result: StepResult): void;
}

export interface ApplyOptions {
  /**
   * The state read just before planning (a resource missing from the map is absent). Steps use it instead of reading
   * again; without it every step reads its resource first.
   */
  initial?: ObservedState;
  /** Between GETs while waiting for an operation a previous run started: the short interval (pollIntervalFor). Default 2000. */
  pollIntervalMs?: number;
  /** Upper bound for that wait. Default 90 minutes (an AKS create can take 30). */
  waitTimeoutMs?: number;
  /** At most this many steps at once (default: no limit; 1 = one step after the other, the benchmark's baseline). */
  maxParallel?: number;
  /** Expected seconds per resource type, to let the longest remaining chain go first when steps must queue. */
  durations?: Readonly<Record<string, number>>;
  /** Values of the secret tokens in bodies (core/secrets.ts), put in only when a resource is created. */
  secrets?: ReadonlyMap<string, string>;
  /**
   * Re-decides delete and update steps on a fresh GET right before the write (never the `initial` state). A write
   * refused with 412 (the etag moved) is read and decided again.
   */
  recheck?: (op: Operation, current: Body | undefined, signal: AbortSignal) => Recheck | Promise<Recheck>;
  /** Called when a step is done (what it did, its final body), before its dependants start (create's journal). */
  afterStep?: (op: Operation, action: Action, body: Body | undefined) => Promise<void>;
  /** The operation a step runs, decided when it starts (create's record, without what earlier steps found made by others). */
  adjust?: (op: Operation) => Operation;
}

/** How often a step re-reads and re-decides after 412s before it gives up. */
const STALE_RETRIES = 5;

/**
 * Typical Azure durations (seconds) of a PUT by type: only used to order steps that cannot run together, so the
 * one with the longest chain behind it (the firewall's subnet before the node subnet) goes first.
 */
export const TYPICAL_SECONDS: Readonly<Record<string, number>> = {
  "Microsoft.Resources/resourceGroups": 1,
  "Microsoft.Network/virtualNetworks": 8,
  "Microsoft.Network/virtualNetworks/subnets": 8,
  "Microsoft.Network/publicIPAddresses": 5,
  "Microsoft.Network/azureFirewalls": 450,
  "Microsoft.Network/firewallPolicies": 30,
  "Microsoft.Network/firewallPolicies/ruleCollectionGroups": 60,
  "Microsoft.Network/routeTables": 5,
  "Microsoft.Network/routeTables/routes": 5,
  "Microsoft.Network/natGateways": 10,
  "Microsoft.Network/networkSecurityGroups": 10,
  "Microsoft.ManagedIdentity/userAssignedIdentities": 2,
  "Microsoft.Authorization/roleAssignments": 2,
  "Microsoft.ContainerService/managedClusters": 390,
};

/** Poll interval (ms) for operations that take seconds: the Azure SDK's default. */
export const POLL_INTERVAL_MS = 2000;

/**
 * The poll interval for an operation on `type`, from the short one (`baseMs`): five times longer for the types whose
 * operations take minutes (firewall, cluster), which a 10 s interval delays by ~2 % for a fifth of the polls. A poll
 * that finds the operation done comes at most one interval after it finished; a Retry-After from Azure wins (the
 * SDK's poller follows it).
 */
export function pollIntervalFor(type: string, baseMs: number = POLL_INTERVAL_MS): number {
  const t = type.toLowerCase();
  const typical = Object.entries(TYPICAL_SECONDS).find(([k]) => k.toLowerCase() === t)?.[1] ?? 0;
  return typical >= 120 ? baseMs * 5 : baseMs;
}

export interface ApplyResult {
  steps: StepResult[];
  /** Final bodies by resource id (created, updated and unchanged resources). */
  bodies: Map<string, Body>;
}

/** provisioningState values that mean an operation is still running; a step waits instead of writing again. */
const TRANSITIONAL = new Set(["creating", "updating", "deleting", "accepted", "provisioning", "migrating", "upgrading", "scaling", "starting", "stopping", "running", "inprogress"]);

/** The etag a write's If-Match names: Network's `etag`, or AKS's `eTag`; undefined for types without one. */
export function etagOf(body: Body | undefined): string | undefined {
  const e = body?.["etag"] ?? body?.["eTag"];
  return typeof e === "string" ? e : undefined;
}

export function provisioningState(body: Body | undefined): string | undefined {
  const props = body?.["properties"] as Body | undefined;
  const s = props?.["provisioningState"] ?? body?.["provisioningState"];
  return typeof s === "string" ? s : undefined;
}

export function isTransitional(body: Body | undefined): boolean {
  const s = provisioningState(body);
  return s !== undefined && TRANSITIONAL.has(s.toLowerCase());
}

/**
 * Runs `plan` with maximal parallelism. Resolves when every operation is done; on failure, dependants are skipped,
 * independent steps already running finish, and the first error is thrown. On abort, no new step starts, in-flight
 * requests are aborted and CancelledError is thrown (an accepted ARM operation keeps running; a re-run waits for it).
 */
export async function applyPlan(plan: Plan, port: ArmPort, reporter: ApplyReporter, signal: AbortSignal, options: ApplyOptions = {}): Promise<ApplyResult> {
  await checkWrites(plan, port, options.initial ?? new Map());
  const ops = plan.operations;
  const byId = new Map(ops.map((op) => [key(op.resourceId), op]));
  const prereqs = prerequisites(ops, byId);
  const bodies = new Map<string, Body>();
  const results = new Map<string, Promise<StepResult>>();
  const pollIntervalMs = options.pollIntervalMs ?? POLL_INTERVAL_MS;
  const slots = semaphore(options.maxParallel ?? Infinity);
  // Azure Network runs one operation at a time per VNet / route table (children included): a second write gets 409
  // AnotherOperationInProgress. Steps on the same one queue, the longest remaining chain first.
  const locks = keyedLocks();
  const tail = tailDurations(ops, prereqs, options.durations ?? TYPICAL_SECONDS);
  const waitTimeoutMs = options.waitTimeoutMs ?? 90 * 60_000;

  // Reference values that point outside the plan (an existing resource) are read once.
  const outside = new Map<string, Promise<Body | undefined>>();
  const lookup = (id: string, sig: AbortSignal): Promise<Body | undefined> => {
    const k = key(id);
    const b = bodies.get(k);
    if (b) return Promise.resolve(b);
    let p = outside.get(k);
    if (!p) {
      p = port.get({ resourceId: id, type: typeFromId(id), apiVersion: "", label: id }, sig);
      outside.set(k, p);
    }
    return p;
  };

  const readOnce = new Set<string>();
  const read = async (op: Operation, sig: AbortSignal): Promise<Body | undefined> => {
    const k = key(op.resourceId);
    if (options.initial && !readOnce.has(k)) {
      readOnce.add(k);
      return findObserved(options.initial, op.resourceId);
    }
    return port.get(op, sig);
  };

  /** Polls until the resource leaves a transitional state (a previous run's operation): never a second PUT. */
  const settle = async (op: Operation, current: Body | undefined, sig: AbortSignal): Promise<Body | undefined> => {
    if (!isTransitional(current)) return current;
    reporter.note?.(op, `waiting for the ${provisioningState(current)?.toLowerCase()} operation a previous run started`);
    const deadline = Date.now() + waitTimeoutMs;
    while (isTransitional(current)) {
      if (Date.now() > deadline) {
        throw new AzureError(`${op.label} stayed ${provisioningState(current)} for ${Math.round(waitTimeoutMs / 60_000)} minutes`, {
          hint: "check the resource in the Azure portal, then re-run the same command to resume",
        });
      }
      await sleep(pollIntervalFor(op.type, pollIntervalMs), sig);
      current = await port.get(op, sig);
    }
    return current;
  };

  /** Fresh read, decision, conditional write; on 412 again from the read. */
  const rechecked = async (op: Operation, recheck: NonNullable<ApplyOptions["recheck"]>, sig: AbortSignal): Promise<{ action: Action; body?: Body; kept?: string }> => {
    for (let attempt = 0; ; attempt++) {
      const current = await settle(op, await port.get(op, sig), sig);
      const decision = await recheck(op, current, sig);
      if (decision.keep !== undefined && decision.body === undefined) return { action: "unchanged", kept: decision.keep, ...(current ? { body: current } : {}) };
      try {
        // Kept, but given back what aks-net put in it (its rule collections in a firewall that stays).
        if (decision.keep !== undefined && decision.body !== undefined) {
          return { action: "update", kept: decision.keep, body: await port.put(op, decision.body, sig, decision.planned ?? decision.body, decision.ifMatch, current === undefined ? undefined : "update") };
        }
        if (op.action === "delete") {
          if (current === undefined) return { action: "unchanged" };
          await port.delete(op, sig, decision.ifMatch);
          return { action: "delete" };
        }
        if (decision.body === undefined) return { action: "unchanged", ...(current ? { body: current } : {}) };
        return { action: current === undefined ? "create" : "update", body: await port.put(op, decision.body, sig, decision.planned ?? decision.body, decision.ifMatch, current === undefined ? undefined : "update") };
      } catch (e) {
        if (!(e instanceof StaleEtagError) || attempt >= STALE_RETRIES) throw e;
        reporter.note?.(op, "changed in Azure since it was read: reading it again");
      }
    }
  };

  const ensure = async (op: Operation, sig: AbortSignal, attempt = 0): Promise<{ action: Action; body?: Body; kept?: string }> => {
    if (options.recheck && (op.action === "delete" || op.action === "update")) return rechecked(op, options.recheck, sig);
    if (op.action === "delete") {
      const current = await settle(op, await read(op, sig), sig);
      if (current === undefined) return { action: "unchanged" };
      await port.delete(op, sig);
      return { action: "delete" };
    }
    // What the plan decided (an update's op.body is already merged with what Azure had at planning time).
    const desired: DesiredResource = { ...op, body: await resolveBody({ ...op, body: op.desired ?? op.body }, lookup, sig) };
    let current = await settle(op, attempt > 0 ? await port.get(op, sig) : await read(op, sig), sig);
    let diff = diffPlan([desired], current === undefined ? new Map() : new Map([[op.resourceId, current]]));
    const writes = (): boolean => diff.operations[0]?.action !== "unchanged" || provisioningState(current)?.toLowerCase() === "failed" || (current !== undefined && lacksTags(current, op.ownTags));
    if (current !== undefined && options.initial && attempt === 0 && writes()) {
      // An update is merged with a read taken now, not the planning read: what the user added since is kept.
      current = await settle(op, await port.get(op, sig), sig);
      diff = diffPlan([desired], current === undefined ? new Map() : new Map([[op.resourceId, current]]));
    }
    const [diffed] = diff.operations;
    if (!diffed) throw new Error(`diffPlan returned no operation for ${op.label}`);
    if (!writes() && current !== undefined) return { action: "unchanged", body: current };
    if (diff.refusals.length > 0) {
      throw new AzureError(`${op.label}: ${diff.refusals.map((r) => r.reason).join("; ")}`, {
        hint: "aks-net changes nothing that Azure cannot change in place; create a new cluster or revert the setting",
      });
    }
    // A resource left Failed by an earlier run is written again: a re-PUT is how ARM retries it.
    const action: Action = current === undefined ? "create" : "update";
    const body = withOwnTags(diffed.action === "unchanged" && current !== undefined ? mergeForUpdate(current, desired.body) : diffed.body, current === undefined ? undefined : op.ownTags);
    // A create carries its secrets; an update body (mergeForUpdate) has none, so Azure keeps its own.
    const sent = action === "create" ? fillSecrets(body, options.secrets ?? new Map()) : withoutSecrets(body);
    try {
      // A create is create-only (If-None-Match: *): another run that made it meanwhile is found, never written over.
      // An update carries If-Match of the body it was merged with: what someone changed since is never overwritten.
      const planned = withoutSecrets(current === undefined ? desired.body : ownPart(plannedPart(body, desired.body), op));
      return { action, body: await port.put(op, sent, sig, planned, action === "update" ? etagOf(current) : undefined, action) };
    } catch (e) {
      if (action === "create" && e instanceof ExistsElsewhereError) {
        reporter.note?.(op, e.message);
        return { action: "unchanged" };
      }
      if (!(e instanceof StaleEtagError) || attempt >= STALE_RETRIES) throw e;
      reporter.note?.(op, action === "create" ? "created meanwhile by another run: reading it again" : "changed in Azure since it was read: reading it again");
      return ensure(op, sig, attempt + 1);
    }
  };

  const run = async (op: Operation): Promise<StepResult> => {
    const deps = prereqs.get(key(op.resourceId)) ?? [];
    const depResults = await Promise.all(deps.map((d) => results.get(d) as Promise<StepResult>));
    const blocked = depResults.find((r) => r.status !== "done");
    if (blocked) {
      const result: StepResult = { op, action: op.action, status: signal.aborted ? "cancelled" : "skipped", ms: 0, note: `needs ${blocked.op.label}` };
      reporter.finish(result);
      return result;
    }
    if (signal.aborted) {
      const result: StepResult = { op, action: op.action, status: "cancelled", ms: 0, note: "not started" };
      reporter.finish(result);
      return result;
    }
    const lockKey = networkLockKey(op.resourceId);
    if (lockKey) await locks.acquire(lockKey, tail.get(key(op.resourceId)) ?? 0);
    await slots.acquire();
    const t0 = performance.now();
    reporter.start(op);
    try {
      if (signal.aborted) throw signal.reason;
      const { action, body, kept } = await ensure(options.adjust ? options.adjust(op) : op, signal);
      if (body) bodies.set(key(op.resourceId), body);
      await options.afterStep?.(op, action, body);
      const result: StepResult = { op, action, status: "done", ms: performance.now() - t0, ...(body ? { body } : {}), ...(kept !== undefined ? { kept } : {}) };
      reporter.finish(result);
      return result;
    } catch (error) {
      const status: StepStatus = signal.aborted ? "cancelled" : "failed";
      const result: StepResult = { op, action: op.action, status, ms: performance.now() - t0, error };
      reporter.finish(result);
      return result;
    } finally {
      slots.release();
      if (lockKey) locks.release(lockKey);
    }
  };

  // Insertion in plan order: every prerequisite promise exists before a dependant awaits it (checked acyclic above).
  for (const id of topoOrder(ops, prereqs)) results.set(id, run(byId.get(id) as Operation));
  const steps = await Promise.all(ops.map((op) => results.get(key(op.resourceId)) as Promise<StepResult>));

  const failed = steps.find((s) => s.status === "failed");
  if (failed) throw failed.error;
  if (signal.aborted || steps.some((s) => s.status === "cancelled")) {
    throw new CancelledError(
      "interrupted; operations Azure already accepted keep running there",
      "re-run the same command to resume: finished steps are not repeated and running operations are waited for",
    );
  }
  return { steps, bodies };
}

/** Stands in, during checkWrites, for a value that exists only once the run made its resource (a principalId). */
const NOT_YET_KNOWN = "00000000-0000-0000-0000-000000000000";

/**
 * Every body the plan will PUT, built as its step would build it from the state read before planning and checked by
 * the port without sending anything: a body that cannot go out as planned stops the run before its first write,
 * not after some resources exist. Steps build their bodies again from fresh reads when they run.
 */
export async function checkWrites(plan: Plan, port: ArmPort, initial: ObservedState): Promise<void> {
  if (!port.check) return;
  const known = (id: string, path: string): unknown => valueAt(findObserved(initial, id), path) ?? NOT_YET_KNOWN;
  for (const op of plan.operations) {
    if (op.action !== "create" && op.action !== "update") continue;
    const desired = resolveRefs(op.desired ?? op.body, known);
    const current = findObserved(initial, op.resourceId);
    const body = current === undefined ? desired : withOwnTags(mergeForUpdate(current, desired), op.ownTags);
    try {
      // As the step sends it: an update carries no secret (Azure keeps its own; a GET never returns one).
      await port.check(op, body, current === undefined ? desired : withoutSecrets(ownPart(plannedPart(body, desired), op)));
    } catch (e) {
      if (e instanceof Error) e.message = `${e.message} (found before the first write: nothing was changed)`;
      throw e;
    }
  }
}

/** The planned part of an update plus the ownership tags it sets: all of it must go out. */
function ownPart(planned: Body, op: Operation): Body {
  return op.ownTags === undefined ? planned : { ...planned, tags: op.ownTags };
}

/**
 * Prerequisites per operation. Deletes run in reverse: a resource goes after everything in the plan that needs it.
 * So does an update next to a delete (a teardown removing a subnet's association with a route table): it runs after
 * what needs it is deleted and before what it pointed at is.
 */
function prerequisites(ops: readonly Operation[], byId: Map<string, Operation>): Map<string, string[]> {
  const pre = new Map<string, string[]>(ops.map((op) => [key(op.resourceId), []]));
  for (const op of ops) {
    const k = key(op.resourceId);
    for (const dep of op.dependsOn) {
      const d = key(dep);
      const other = byId.get(d);
      if (!other || d === k) continue; // outside the plan: it exists already
      if (op.action === "delete" || other.action === "delete") pre.get(d)?.push(k);
      else pre.get(k)?.push(d);
    }
  }
  return pre;
}

/** Kahn's order; throws on a cycle (a planner bug that would otherwise hang the run). */
function topoOrder(ops: readonly Operation[], pre: Map<string, string[]>): string[] {
  const remaining = new Map([...pre].map(([k, v]) => [k, new Set(v)]));
  const order: string[] = [];
  while (remaining.size > 0) {
    const ready = ops.map((op) => key(op.resourceId)).filter((k) => remaining.get(k)?.size === 0);
    if (ready.length === 0) throw new Error(`the plan has a dependency cycle among: ${[...remaining.keys()].join(", ")}`);
    for (const k of ready) {
      remaining.delete(k);
      order.push(k);
      for (const deps of remaining.values()) deps.delete(k);
    }
  }
  return order;
}

/** Replaces `[ref:...]` tokens with values from finished steps (or, for resources outside the plan, a GET). */
async function resolveBody(
  op: Operation,
  lookup: (id: string, sig: AbortSignal) => Promise<Body | undefined>,
  sig: AbortSignal,
): Promise<Body> {
  const ids = refTargets(op.body);
  if (ids.length === 0) return op.body;
  const known = new Map<string, Body>();
  for (const id of ids) {
    const b = await lookup(id, sig);
    if (b) known.set(id, b);
  }
  try {
    return resolveRefs(op.body, known);
  } catch (e) {
    throw new AzureError(`${op.label}: ${(e as Error).message}`, { hint: "re-run the same command; if it persists, please report it" });
  }
}

/** The body of `id` in a state map (ARM ids compare case-insensitively). */
export function findObserved(state: ObservedState, id: string): Body | undefined {
  const direct = state.get(id);
  if (direct) return direct;
  const k = key(id);
  for (const [other, body] of state) if (key(other) === k) return body;
  return undefined;
}

/** ARM ids are case-insensitive. */
function key(id: string): string {
  return id.toLowerCase();
}

/** `.../providers/Microsoft.Network/virtualNetworks/v/subnets/s` → `Microsoft.Network/virtualNetworks/subnets`. */
export function typeFromId(id: string): string {
  const i = id.toLowerCase().lastIndexOf("/providers/");
  if (i < 0) return "Microsoft.Resources/resourceGroups";
  const parts = id.slice(i + "/providers/".length).split("/");
  const types = [parts[0]];
  for (let j = 1; j < parts.length; j += 2) types.push(parts[j]);
  return types.join("/");
}

/** `.../providers/Microsoft.Network/virtualNetworks/v/subnets/s` → the VNet's id (lower case); undefined outside Network. */
export function networkLockKey(resourceId: string): string | undefined {
  const m = /^(.*\/providers\/microsoft\.network\/[^/]+\/[^/]+)/i.exec(resourceId);
  if (!m || /\/providers\/microsoft\.authorization\//i.test(resourceId)) return undefined;
  return (m[1] as string).toLowerCase();
}

/** For each step: its own duration plus the longest chain of steps that wait for it. */
function tailDurations(ops: readonly Operation[], pre: Map<string, string[]>, durations: Readonly<Record<string, number>>): Map<string, number> {
  const dependants = new Map<string, string[]>();
  for (const [k, deps] of pre) for (const d of deps) dependants.set(d, [...(dependants.get(d) ?? []), k]);
  const typeOf = new Map(ops.map((o) => [key(o.resourceId), o.type]));
  const memo = new Map<string, number>();
  const tailOf = (k: string, depth = 0): number => {
    const hit = memo.get(k);
    if (hit !== undefined) return hit;
    const rest = depth > ops.length ? 0 : Math.max(0, ...(dependants.get(k) ?? []).map((d) => tailOf(d, depth + 1)));
    const t = (durations[typeOf.get(k) ?? ""] ?? 1) + rest;
    memo.set(k, t);
    return t;
  };
  for (const o of ops) tailOf(key(o.resourceId));
  return memo;
}

/**
 * Mutexes by key; waiters with the highest priority go first. A free lock is granted on the next timer tick, so steps
 * that became ready together compete by priority instead of by arrival.
 */
function keyedLocks(): { acquire(k: string, priority: number): Promise<void>; release(k: string): void } {
  const held = new Set<string>();
  const queues = new Map<string, { priority: number; go: () => void }[]>();
  const grant = (k: string): void => {
    const next = queues.get(k)?.shift();
    if (next) {
      held.add(k);
      next.go();
    } else held.delete(k);
  };
  return {
    acquire: (k, priority) =>
      new Promise((go) => {
        const q = queues.get(k) ?? [];
        q.push({ priority, go });
        q.sort((a, b) => b.priority - a.priority);
        queues.set(k, q);
        if (!held.has(k)) {
          held.add(k); // reserved until the tick picks the winner
          setTimeout(() => grant(k), 0);
        }
      }),
    release: (k) => grant(k),
  };
}

/** A delay that rejects with the signal's reason when aborted. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
