/**
 * The ARM adapter behind core/apply.ts: get/put/delete per resource type through the typed SDK clients of an
 * AzureContext. Plans carry ARM REST JSON; the SDK models flatten `properties`, so bodies are converted on the way out
 * and a guard policy checks that the SDK serializes exactly the planned body. Reads return the raw REST JSON from the
 * wire (captured by the tracker policy), so diffs compare like with like.
 */
import { isDeepStrictEqual } from "node:util";
import { isRestError } from "@azure/core-rest-pipeline";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { ExistsElsewhereError, POLL_INTERVAL_MS, StaleEtagError, pollIntervalFor, sleep, typeFromId } from "../core/apply.ts";
import { isOwnershipTag } from "../core/plan.ts";
import type { ArmPort, Body, PutMode, ResourceRef } from "../core/apply.ts";
import type { ArmClients } from "./arm-clients.ts";
import { API_VERSIONS, THROTTLED_TOO_LONG, createAzureContext } from "./azure.ts";
import type { AzureContext, AzureContextOptions } from "./azure.ts";
import { explainAzureError } from "./explain.ts";

const GROUP_TYPE = "microsoft.resources/resourcegroups";

/** What the tracker remembers per resource path (lower-case ARM id). */
interface Seen {
  body?: Body;
  correlationId?: string;
  /** The `error` of a Failed operation-status poll. */
  failure?: { code?: string; message?: string };
  /** The HTTP status of the last PUT to the resource's own URL (201: created, 200: it existed). */
  putStatus?: number;
}

/**
 * One pipeline policy for all clients: remembers raw REST bodies and correlation ids per resource, maps LRO status
 * URLs back to their resource, and refuses a PUT whose serialized body differs from the planned one.
 */
export class ArmTracker {
  private readonly seen = new Map<string, Seen>();
  private readonly statusUrls = new Map<string, string>();
  private readonly expected = new Map<string, { planned: Body; full: Body; update: boolean }>();
  /** While set (AzureArmPort.check), no write leaves: a PUT is checked and stopped here. */
  private holding = false;
  private readonly conditions = new Map<string, [string, string]>();

  readonly policy: PipelinePolicy = {
    name: "aksNetArmTracker",
    sendRequest: async (request, next) => {
      const path = pathOf(request.url);
      const condition = request.method === "PUT" || request.method === "DELETE" ? this.conditions.get(path) : undefined;
      if (condition !== undefined) request.headers.set(condition[0], condition[1]);
      const expected = request.method === "PUT" ? this.expected.get(path) : undefined;
      if (this.holding && request.method !== "GET") {
        if (expected === undefined) throw new Error(`the Azure SDK would send ${request.method} ${path}, which aks-net did not check`);
      }
      if (expected !== undefined) {
        // Everything planned must go out, and nothing that is in neither the plan nor Azure's current body
        // (the SDK may drop read-only keys of an update body; those came from Azure, not from the plan).
        const sent = typeof request.body === "string" ? (JSON.parse(request.body) as unknown) : undefined;
        const missing = notCovered(expected.planned, sent);
        const extra = missing ? undefined : notCovered(sent, expected.full);
        if (missing || extra) {
          throw new Error(`the Azure SDK would send a different body than planned for ${path}: ${missing ? `drops ${missing}` : `adds ${extra}`}`);
        }
        if (this.holding) throw new HeldBack();
        // An update goes out as the merged REST body itself, not as the SDK serialized it: the serializer drops every
        // property its model does not know (a newer API's, a preview field set with another tool), and a PUT replaces
        // the resource, so what Azure has and aks-net did not decide to change goes back exactly as read. Read-only
        // keys echoed with it are ignored by the resource provider (ARM RPC: a client may GET, change a property and
        // PUT the body back without filtering read-only properties; provisioningState matching the server's is
        // ignored, v1.0/async-api-reference.md; ARM API review in Azure/oav#986).
        if (expected.update) request.body = JSON.stringify(expected.full);
      }
      const response = await next(request);
      const owner = this.statusUrls.get(path) ?? path;
      const entry = this.seen.get(owner) ?? {};
      const corr = response.headers.get("x-ms-correlation-request-id");
      if (corr) entry.correlationId = corr;
      const parsed = parseJson(response.bodyAsText);
      if (owner === path && response.status < 300 && (request.method === "GET" || request.method === "PUT") && parsed) entry.body = parsed;
      if (owner === path && request.method === "PUT") entry.putStatus = response.status;
      if (owner !== path && parsed && /fail/i.test(String(parsed["status"] ?? ""))) {
        const err = parsed["error"] as { code?: string; message?: string } | undefined;
        entry.failure = { ...(err?.code ? { code: err.code } : {}), ...(err?.message ? { message: err.message } : {}) };
      }
      // An LRO's status URLs are polled later; attribute them to this resource.
      if (request.method === "PUT" || request.method === "DELETE") {
        for (const h of ["azure-asyncoperation", "operation-location", "location"]) {
          const url = response.headers.get(h);
          if (url) this.statusUrls.set(pathOf(url), path);
        }
      }
      this.seen.set(owner, entry);
      return response;
    },
  };

  /**
   * Registers the body a PUT to `id` must carry: all of `planned`, and nothing outside `full`. With `update`, `full` is
   * Azure's current body merged with the plan, and it is what is sent once the SDK's serialization passed the check.
   */
  expect(id: string, planned: Body, full: Body, update = false): void {
    this.expected.set(id.toLowerCase(), { planned, full, update });
  }

  /** Runs `send` with every write held back in this policy (checked, never sent); resolves when a PUT was held. */
  async holdWrites(send: () => PromiseLike<unknown>): Promise<void> {
    this.holding = true;
    try {
      await send();
    } catch (e) {
      if (e instanceof HeldBack) return;
      throw e;
    } finally {
      this.holding = false;
    }
    throw new Error("the Azure SDK sent no request to check");
  }

  /**
   * The condition the next PUT or DELETE of `id` carries: If-Match of an etag, or If-None-Match `*` (create only: Azure
   * refuses it with 412 when the resource exists, e.g. another run made it meanwhile); undefined: none.
   */
  ifMatch(id: string, etag: string | undefined, createOnly = false): void {
    if (createOnly) this.conditions.set(id.toLowerCase(), ["If-None-Match", "*"]);
    else if (etag === undefined) this.conditions.delete(id.toLowerCase());
    else this.conditions.set(id.toLowerCase(), ["If-Match", etag]);
  }

  /** Clears what was seen about `id` before a new request, so stale bodies and errors are never reused. */
  reset(id: string): void {
    this.seen.delete(id.toLowerCase());
  }

  lastBody(id: string): Body | undefined {
    return this.seen.get(id.toLowerCase())?.body;
  }

  correlationId(id: string): string | undefined {
    return this.seen.get(id.toLowerCase())?.correlationId;
  }

  failure(id: string): { code?: string; message?: string } | undefined {
    return this.seen.get(id.toLowerCase())?.failure;
  }

  putStatus(id: string): number | undefined {
    return this.seen.get(id.toLowerCase())?.putStatus;
  }
}

/** A write the tracker checked and stopped on purpose (AzureArmPort.check). */
class HeldBack extends Error {}

/** Options every operation takes: the abort signal and, for LROs, the poll interval. */
interface CallOptions {
  abortSignal: AbortSignal;
  updateIntervalInMs?: number;
}

type Waitable = PromiseLike<unknown>;

/** One resource type: its API version (for plain GETs) and how to write it with its SDK client. */
interface TypeOps {
  apiVersion: string;
  put(c: ArmClients, id: ParsedId, model: Body, o: CallOptions): Waitable;
  del(c: ArmClients, id: ParsedId, o: CallOptions): Waitable;
}

/** Resource type (lower case) → API version and SDK calls. */
const TYPES: Record<string, TypeOps> = (() => {
  /* eslint-disable @typescript-eslint/no-explicit-any -- models are built from REST JSON and checked on the wire by the guard policy */
  const m = (b: Body): any => b;
  const v = API_VERSIONS;
  return {
    "microsoft.resources/resourcegroups": {
      apiVersion: v.resources,
      put: (c, id, b, o) => c.resources.resourceGroups.createOrUpdate(id.resourceGroup, m(b), o),
      del: (c, id, o) => c.resources.resourceGroups.delete(id.resourceGroup, o),
    },
    "microsoft.network/virtualnetworks": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.virtualNetworks.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.network.virtualNetworks.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.network/virtualnetworks/subnets": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.subnets.createOrUpdate(id.resourceGroup, id.name(0), id.name(1), m(b), o),
      del: (c, id, o) => c.network.subnets.delete(id.resourceGroup, id.name(0), id.name(1), o),
    },
    "microsoft.network/routetables": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.routeTables.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.network.routeTables.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.network/routetables/routes": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.routes.createOrUpdate(id.resourceGroup, id.name(0), id.name(1), m(b), o),
      del: (c, id, o) => c.network.routes.delete(id.resourceGroup, id.name(0), id.name(1), o),
    },
    "microsoft.network/publicipaddresses": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.publicIPAddresses.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.network.publicIPAddresses.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.network/azurefirewalls": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.azureFirewalls.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.network.azureFirewalls.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.network/firewallpolicies": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.firewallPolicies.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.network.firewallPolicies.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.network/firewallpolicies/rulecollectiongroups": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.firewallPolicyRuleCollectionGroups.createOrUpdate(id.resourceGroup, id.name(0), id.name(1), m(b), o),
      del: (c, id, o) => c.network.firewallPolicyRuleCollectionGroups.delete(id.resourceGroup, id.name(0), id.name(1), o),
    },
    "microsoft.network/networksecuritygroups": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.networkSecurityGroups.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.network.networkSecurityGroups.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.network/natgateways": {
      apiVersion: v.network,
      put: (c, id, b, o) => c.network.natGateways.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.network.natGateways.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.containerservice/managedclusters": {
      apiVersion: v.containerService,
      put: (c, id, b, o) => c.containerService.managedClusters.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.containerService.managedClusters.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.managedidentity/userassignedidentities": {
      apiVersion: v.msi,
      put: (c, id, b, o) => c.msi.userAssignedIdentities.createOrUpdate(id.resourceGroup, id.name(0), m(b), o),
      del: (c, id, o) => c.msi.userAssignedIdentities.delete(id.resourceGroup, id.name(0), o),
    },
    "microsoft.authorization/roleassignments": {
      apiVersion: v.authorization,
      // The client's URL template is `/{scope}/providers/...`: the scope goes in without its leading slash.
      put: (c, id, b, o) => c.authorization.roleAssignments.create(id.scope.replace(/^\//, ""), id.name(0), m(b), o),
      del: (c, id, o) => c.authorization.roleAssignments.delete(id.scope.replace(/^\//, ""), id.name(0), o),
    },
  };
  /* eslint-enable @typescript-eslint/no-explicit-any */
})();

export interface ArmPortOptions {
  /** Short LRO poll interval (pollIntervalFor makes it per type); default 2 s. A Retry-After from Azure wins. */
  pollIntervalMs?: number | undefined;
  /** First wait before retrying a write Azure refused for a running operation (doubles, capped at 30 s). Default 2000. */
  conflictDelayMs?: number | undefined;
  /** Give up retrying such a write after this long. Default 30 minutes (a firewall operation takes up to 10). */
  conflictTimeoutMs?: number | undefined;
}

/**
 * The production port: reads are plain GETs of REST JSON (no SDK client loaded for them); writes go through the typed
 * SDK clients, REST JSON in and out; errors explained.
 */
export class AzureArmPort implements ArmPort {
  private readonly ctx: AzureContext;
  private readonly tracker: ArmTracker;
  private readonly options: ArmPortOptions;
  constructor(ctx: AzureContext, tracker: ArmTracker, options: ArmPortOptions = {}) {
    this.ctx = ctx;
    this.tracker = tracker;
    this.options = options;
  }

  async get(res: ResourceRef, signal: AbortSignal): Promise<Body | undefined> {
    const { ops } = this.address(res);
    // What this run read a moment ago (create's live check, its read-ahead) is not read again.
    const seen = this.ctx.rest.take(res.resourceId);
    if (seen === undefined) this.tracker.reset(res.resourceId);
    try {
      return seen ? ((await seen) ?? undefined) : await this.ctx.rest.get(res.resourceId, ops.apiVersion, signal);
    } catch (e) {
      if (isRestError(e) && e.statusCode === 404) return undefined;
      throw this.explain(e, res);
    }
  }

  async put(res: ResourceRef, body: Body, signal: AbortSignal, planned: Body = body, ifMatch?: string, mode?: PutMode): Promise<Body> {
    const { ops, id } = this.address(res);
    const createOnly = mode === "create";
    // The Resources RP does not honour If-None-Match (a group has no etag; a PUT of an existing one is an update):
    // a create of a group reads right before its PUT, and its PUT's status tells whether it existed after all.
    const group = createOnly && typeFromId(res.resourceId).toLowerCase() === GROUP_TYPE;
    if (group && (await this.read(res, signal)) !== undefined) throw new StaleEtagError(`${res.label} was created meanwhile (by someone else?)`);
    this.tracker.reset(res.resourceId);
    this.tracker.expect(res.resourceId, planned, body, mode === "update");
    try {
      const c = await this.ctx.clients();
      await this.retryConflicts(signal, () => ops.put(c, id, toSdkModel(body), this.callOptions(signal, ifMatch, res.resourceId, createOnly)));
    } catch (e) {
      if (isRestError(e) && e.statusCode === 412) throw new StaleEtagError(`${res.label} ${createOnly ? "was created meanwhile (another run?)" : "changed since it was read"}`);
      // The Authorization RP ignores If-None-Match too; the same grant under another name is its 409.
      if (createOnly && isRestError(e) && e.statusCode === 409 && e.code === "RoleAssignmentExists") {
        throw new ExistsElsewhereError(`the same role is already assigned to the same principal on that scope under another name (not aks-net's): used as it is; delete leaves it to its owner`);
      }
      throw this.explain(e, res);
    }
    // The final GET (or a synchronous PUT's response) is the last body seen for the resource's own URL.
    const final = this.tracker.lastBody(res.resourceId);
    if (!final) throw new Error(`no response body captured for PUT ${res.resourceId}`);
    if (group && this.tracker.putStatus(res.resourceId) !== 201) {
      // Someone made the group between that read and the PUT, which wrote aks-net's tags on it: they come off again
      // (the group is theirs, never aks-net's), and the step reads it again and adopts it.
      await this.disown(res, final, signal);
      throw new StaleEtagError(`${res.label} was created meanwhile by someone else`);
    }
    return final;
  }

  /** A fresh GET, past what the live check remembered. */
  private async read(res: ResourceRef, signal: AbortSignal): Promise<Body | undefined> {
    try {
      return await this.ctx.rest.get(res.resourceId, this.address(res).ops.apiVersion, signal);
    } catch (e) {
      if (isRestError(e) && e.statusCode === 404) return undefined;
      throw this.explain(e, res);
    }
  }

  /** Writes `current` back without aks-net's ownership tags (a group aks-net's create PUT found existing). */
  private async disown(res: ResourceRef, current: Body, signal: AbortSignal): Promise<void> {
    const tags = Object.fromEntries(Object.entries((current["tags"] ?? {}) as Record<string, unknown>).filter(([k]) => !isOwnershipTag(k)));
    const body: Body = { location: current["location"], tags };
    const { ops, id } = this.address(res);
    this.tracker.reset(res.resourceId);
    this.tracker.expect(res.resourceId, body, body);
    try {
      const c = await this.ctx.clients();
      await this.retryConflicts(signal, () => ops.put(c, id, toSdkModel(body), this.callOptions(signal, undefined, res.resourceId)));
    } catch (e) {
      throw this.explain(e, res);
    }
  }

  /** The SDK serializes the PUT and the tracker checks it as for `put`, then stops it: nothing is sent. */
  async check(res: ResourceRef, body: Body, planned: Body): Promise<void> {
    const { ops, id } = this.address(res);
    this.tracker.expect(res.resourceId, planned, body);
    const c = await this.ctx.clients();
    await this.tracker.holdWrites(() => ops.put(c, id, toSdkModel(body), { abortSignal: new AbortController().signal }));
  }

  async delete(res: ResourceRef, signal: AbortSignal, ifMatch?: string): Promise<void> {
    const { ops, id } = this.address(res);
    this.tracker.reset(res.resourceId);
    try {
      const c = await this.ctx.clients();
      await this.retryConflicts(signal, () => ops.del(c, id, this.callOptions(signal, ifMatch, res.resourceId)));
    } catch (e) {
      if (isRestError(e) && e.statusCode === 404) return;
      if (isRestError(e) && e.statusCode === 412) throw new StaleEtagError(`${res.label} changed since it was read`);
      throw this.explain(e, res);
    }
  }

  /**
   * A write refused because another operation runs on the resource or one it references (409
   * AnotherOperationInProgress; 429 still throttled after the SDK's own retries), or a role assignment for a principal
   * the directory does not know yet (PrincipalNotFound, for 2 minutes), was not accepted: wait and send it again, with
   * back-off, until the timeout.
   */
  private async retryConflicts(signal: AbortSignal, write: () => Waitable): Promise<void> {
    const base = this.options.conflictDelayMs ?? 2000;
    const started = Date.now();
    const deadline = started + (this.options.conflictTimeoutMs ?? 30 * 60_000);
    for (let n = 0; ; n++) {
      try {
        await write();
        return;
      } catch (e) {
        // A throttle asking for a longer wait than aks-net waits out ends the run (azure.ts): no silent back-off here.
        const conflict = isRestError(e) && ((e.statusCode === 409 && e.code === "AnotherOperationInProgress") || (e.statusCode === 429 && e.code !== THROTTLED_TOO_LONG));
        // A new identity can take a minute to reach every directory replica: its role assignment is retried briefly.
        const replicating = isRestError(e) && e.code === "PrincipalNotFound" && Date.now() < started + 2 * 60_000;
        if (!(conflict || replicating) || signal.aborted || Date.now() > deadline) throw e;
        await sleep(Math.min(base * 2 ** n, 30_000), signal);
      }
    }
  }

  /** With `ifMatch`, the write carries If-Match: Azure refuses it (412) when the resource changed since that read. */
  private callOptions(signal: AbortSignal, ifMatch: string | undefined, id: string, createOnly = false): CallOptions {
    this.tracker.ifMatch(id, ifMatch, createOnly);
    return { abortSignal: signal, updateIntervalInMs: pollIntervalFor(typeFromId(id), this.options.pollIntervalMs ?? POLL_INTERVAL_MS) };
  }

  private address(res: ResourceRef): { ops: TypeOps; id: ParsedId } {
    const id = parseId(res.resourceId);
    const ops = TYPES[id.type.toLowerCase()];
    if (!ops) throw new Error(`aks-net cannot manage resources of type ${id.type} (${res.resourceId})`);
    return { ops, id };
  }

  private explain(e: unknown, res: ResourceRef): Error {
    const failure = this.tracker.failure(res.resourceId);
    return explainAzureError(e, {
      label: res.label,
      resourceId: res.resourceId,
      correlationId: this.tracker.correlationId(res.resourceId),
      ...(failure ? { lroFailure: failure } : {}),
    });
  }
}

/** What a command needs to run plans against Azure (create, delete): the context, the port, the env-tuned timings. */
export interface ArmConnection {
  ctx: AzureContext;
  port: AzureArmPort;
  /** AKS_NET_POLL_INTERVAL_MS, for applyPlan's wait on operations an earlier run started. */
  pollIntervalMs: number | undefined;
  /** AKS_NET_MAX_PARALLEL, for applyPlan. */
  maxParallel: number | undefined;
}

/** Context + tracker + port in one call; subscription resolution and credential errors as createAzureContext. */
export async function connectArm(opts: AzureContextOptions): Promise<ArmConnection> {
  const tracker = new ArmTracker();
  const ctx = await createAzureContext({ ...opts, policies: [...(opts.policies ?? []), tracker.policy] });
  const pollIntervalMs = intEnv(opts.env, "AKS_NET_POLL_INTERVAL_MS");
  const port = new AzureArmPort(ctx, tracker, { pollIntervalMs, conflictDelayMs: intEnv(opts.env, "AKS_NET_RETRY_DELAY_MS") });
  return { ctx, port, pollIntervalMs, maxParallel: intEnv(opts.env, "AKS_NET_MAX_PARALLEL") };
}

/** `, cloud X, ARM endpoint URL` for the first progress line; empty for the public cloud's own endpoint. */
export function armTargetNote(ctx: AzureContext): string {
  const cloud = ctx.cloud && ctx.cloud !== "AzureCloud" ? `, cloud ${ctx.cloud}` : "";
  return `${cloud}${ctx.endpoint !== "https://management.azure.com" ? `, ARM endpoint ${ctx.endpoint}` : ""}`;
}

function intEnv(env: Record<string, string | undefined>, name: string): number | undefined {
  const v = env[name];
  return v !== undefined && /^[0-9]+$/.test(v) ? Number(v) : undefined;
}

/** A parsed ARM id. */
export interface ParsedId {
  /** `Microsoft.Network/virtualNetworks/subnets`. */
  type: string;
  subscription: string;
  resourceGroup: string;
  /** For extension resources (role assignments): the id they hang off. */
  scope: string;
  /** Names after the provider namespace, in order. */
  name(i: number): string;
}

export function parseId(id: string): ParsedId {
  const sub = /^\/subscriptions\/([^/]+)/i.exec(id)?.[1];
  if (!sub) throw new Error(`not an ARM resource id: ${id}`);
  const rg = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
  const i = id.toLowerCase().lastIndexOf("/providers/");
  const type = typeFromId(id);
  let names: string[] = [rg];
  let scope = id;
  if (i >= 0) {
    scope = id.slice(0, i);
    names = id.slice(i + "/providers/".length).split("/").filter((_, j) => j > 0 && j % 2 === 0);
  }
  return {
    type,
    subscription: sub,
    resourceGroup: rg,
    scope,
    name: (n) => {
      const v = names[n];
      if (v === undefined) throw new Error(`${id} has no name at position ${n}`);
      return decodeURIComponent(v);
    },
  };
}

/** REST property names the SDK models spell differently (read from the generated serializers). */
const MODEL_NAMES: Record<string, string> = {
  enableRBAC: "enableRbac",
  enableAzureRBAC: "enableAzureRbac",
  enableFIPS: "enableFips",
  enableVTPM: "enableVtpm",
  enablePrivateClusterPublicFQDN: "enablePrivateClusterPublicFqdn",
  azurePortalFQDN: "azurePortalFqdn",
  privateFQDN: "privateFqdn",
  preferHTTPS: "preferHttps",
};

/**
 * REST JSON → SDK model: every `properties` object is lifted into its parent (the generated serializers nest it back),
 * a lifted key that collides with an outer one becomes `<key>Properties<Key>` as the generator names it, and the few
 * renamed keys are mapped. Free-form maps (tags) pass through untouched.
 */
export function toSdkModel(rest: Body): Body {
  return convert(rest) as Body;
}

/**
 * Keys the generated serializers send with `.toISOString()` (they expect a Date; REST JSON has a string): a cluster's
 * upgrade override `until`, maintenance windows, … Anything else with such a name passes as a Date that gives back
 * its own text.
 */
const DATE_KEYS = new Set(["until", "start", "end", "startDate", "startTime", "endTime", "fromTime", "time", "endOfLifeDate", "maxPatchPublishDate"]);

/** A Date for the serializer that goes out exactly as Azure wrote it (no reformatting to milliseconds). */
function sameDate(text: string): Date {
  const d = new Date(text);
  return Object.assign(d, { toISOString: () => text, toJSON: () => text });
}

function convert(value: unknown, parentKey = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => convert(v));
  if (typeof value === "string" && DATE_KEYS.has(parentKey) && !Number.isNaN(Date.parse(value))) return sameDate(value);
  if (value === null || typeof value !== "object") return value;
  if (parentKey === "tags" || parentKey === "userAssignedIdentities" || parentKey === "additionalProperties") return value;
  const src = value as Body;
  const out: Body = {};
  for (const [k, v] of Object.entries(src)) {
    if (k === "properties" && v !== null && typeof v === "object" && !Array.isArray(v)) continue;
    out[MODEL_NAMES[k] ?? k] = convert(v, k);
  }
  const props = src["properties"];
  if (props !== null && typeof props === "object" && !Array.isArray(props)) {
    for (const [k, v] of Object.entries(props as Body)) {
      const name = MODEL_NAMES[k] ?? k;
      const target = name in out ? `${name}Properties${name.charAt(0).toUpperCase()}${name.slice(1)}` : name;
      out[target] = convert(v, k);
    }
  }
  return out;
}

function pathOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url, "https://x").pathname).toLowerCase().replace(/\/{2,}/g, "/").replace(/\/+$/, "");
  } catch {
    return url.toLowerCase();
  }
}

function parseJson(text: string | null | undefined): Body | undefined {
  if (!text) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Body) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The first JSON path of `want` that `have` does not carry with the same value (objects: every key of `want`;
 * arrays: every item of `want` is covered by some item of `have`, so order-preserving merges pass); undefined if none.
 */
export function notCovered(want: unknown, have: unknown, path = "$"): string | undefined {
  if (Array.isArray(want)) {
    if (!Array.isArray(have)) return `${path} (not a list)`;
    for (const [i, w] of want.entries()) {
      if (!have.some((h) => notCovered(w, h) === undefined)) return `${path}[${i}] = ${JSON.stringify(w)}`;
    }
    return undefined;
  }
  if (want !== null && typeof want === "object") {
    if (have === null || typeof have !== "object" || Array.isArray(have)) return `${path} (not an object)`;
    for (const [k, v] of Object.entries(want)) {
      const d = notCovered(v, (have as Body)[k], `${path}.${k}`);
      if (d) return d;
    }
    return undefined;
  }
  return isDeepStrictEqual(want, have) ? undefined : `${path} = ${JSON.stringify(want)}`;
}

/**
 * The top-level resources of a resource group (id, type, tags), for `delete`'s inventory; undefined when the group
 * does not exist. One paged list request, whatever the group holds.
 */
export async function listResourceGroup(ctx: AzureContext, resourceGroup: string, signal: AbortSignal): Promise<{ id: string; type: string; tags?: Record<string, string> }[] | undefined> {
  const out: { id: string; type: string; tags?: Record<string, string> }[] = [];
  try {
    for await (const r of (await ctx.clients()).resources.resources.listByResourceGroup(resourceGroup, { abortSignal: signal })) {
      if (r.id && r.type) out.push({ id: r.id, type: r.type, ...(r.tags ? { tags: r.tags } : {}) });
    }
  } catch (e) {
    if (isRestError(e) && e.statusCode === 404) return undefined;
    throw explainAzureError(e, { label: `resource group ${resourceGroup}`, resourceId: `/subscriptions/${ctx.subscriptionId}/resourceGroups/${resourceGroup}` });
  }
  return out;
}

/**
 * Role assignments at a scope (a resource group, a resource) and under it, not those inherited from above, for
 * delete's check that nothing of the user's is on what it deletes; undefined when the scope does not exist.
 */
export async function listRoleAssignmentsIn(ctx: AzureContext, groupId: string, signal: AbortSignal): Promise<Body[] | undefined> {
  const out: Body[] = [];
  try {
    for await (const a of (await ctx.clients()).authorization.roleAssignments.listForScope(groupId.replace(/^\//, ""), { abortSignal: signal })) {
      const scope = a.scope ?? "";
      if (!a.id || !scope.toLowerCase().startsWith(groupId.toLowerCase())) continue;
      out.push({ id: a.id, name: a.name, type: a.type, properties: { scope, principalId: a.principalId, roleDefinitionId: a.roleDefinitionId, ...(a.description ? { description: a.description } : {}) } });
    }
  } catch (e) {
    if (isRestError(e) && e.statusCode === 404) return undefined;
    throw explainAzureError(e, { label: `role assignments in ${groupId}`, resourceId: groupId });
  }
  return out;
}
