/**
 * The one way into Azure: DefaultAzureCredential, subscription resolution, the cloud and ARM endpoint (with the token
 * audience that endpoint accepts), a REST reader for plain GETs, and the typed SDK clients for writes, all sharing one
 * token, retry options, a per-request timeout and a request counter. Imported only by commands that talk to Azure.
 * The SDK clients (arm-network alone evaluates megabytes of serializers) load on first use: a run that only reads
 * (validate --live, a no-op create) never loads them.
 */
import { DefaultAzureCredential } from "@azure/identity";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { RestError, bearerTokenAuthenticationPolicy, createDefaultHttpClient, createPipelineFromOptions, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { HttpClient, Pipeline, PipelinePolicy } from "@azure/core-rest-pipeline";
import { hashWithNodeCrypto } from "../core/crypto.ts";
import { AzureError, UsageError } from "../core/errors.ts";
import { semaphore } from "../core/semaphore.ts";
import type { ArmClients, ClientOptions } from "./arm-clients.ts";
import { PUBLIC_CLOUD, cloudByEndpoint, cloudByName, originOf, scopeFor } from "./clouds.ts";
import type { Cloud } from "./clouds.ts";
import { explainAzureError } from "./explain.ts";
import { defaultSubscription } from "../io/az-profile.ts";
import { readCached, writeCached } from "../io/user-dirs.ts";

export interface AzureContextOptions {
  subscription?: string | undefined;
  armEndpoint?: string | undefined;
  /** --cloud: an az cloud name (else AKS_NET_CLOUD, else AzureCloud). */
  cloud?: string | undefined;
  env: Record<string, string | undefined>;
  /** Extra per-call policies for every client (create's ARM tracker). */
  policies?: PipelinePolicy[];
  /** Cancels the metadata discovery (the SDK calls take their own signal). */
  signal?: AbortSignal | undefined;
}

/** Counts requests as sent (each retry counts), by method, for --verbose and the benchmarks. */
export interface RequestCounter {
  total: number;
  writes: number;
  byMethod: Record<string, number>;
}

/** Where ARM is and which token it takes. */
export interface ArmTarget {
  /** ARM base URL, no trailing slash. */
  endpoint: string;
  /** The token audience the endpoint accepts; tokens are requested for exactly this. */
  audience: string;
  /** Entra ID authority host for the credential, when known. */
  authorityHost: string | undefined;
  /** The az cloud name, when known. */
  cloud: string | undefined;
}

export interface AzureContext extends ArmTarget {
  subscriptionId: string;
  credential: TokenCredential;
  counter: RequestCounter;
  /** Plain GETs of ARM REST JSON, through the same policies as the clients. */
  rest: ArmRest;
  /** The typed SDK clients, loaded on first call. */
  clients(): Promise<ArmClients>;
}

/** A GET answered with an error status: the same RestError (code and message from the body) the SDK clients throw. */
export interface ArmRest {
  /** GET `path` (an ARM path, or a full URL on the endpoint) with `api-version`; the parsed JSON body. */
  get(path: string, apiVersion: string, signal: AbortSignal, query?: Record<string, string>): Promise<Record<string, unknown>>;
  /** GET a list, following `nextLink` pages; the items of every page's `value`. */
  list(path: string, apiVersion: string, signal: AbortSignal, query?: Record<string, string>): Promise<Record<string, unknown>[]>;
  /**
   * While on, a GET of a path read (or being read) since is answered by that read instead of going out again: create's
   * live check, its read-ahead and its plan's state read each read a resource once. Off forgets them.
   */
  remember(on: boolean): void;
  /** The remembered GET of `path`: its body, null for a 404; undefined when there is none. */
  take(path: string): Promise<Record<string, unknown> | null> | undefined;
}

/**
 * API versions of the plain GETs: those the SDK clients of the build send for the same resources (arm-resources,
 * arm-network, arm-containerservice, arm-msi, arm-authorization; arm-compute's usage and SKU lists), so a read
 * answers what the clients would have seen. test/unit/api-versions.test.ts checks them against the clients.
 */
export const API_VERSIONS = {
  resources: "2025-04-01",
  network: "2026-01-01",
  containerService: "2026-06-01",
  msi: "2024-11-30",
  authorization: "2022-04-01",
  computeUsage: "2026-04-01",
  computeSkus: "2021-07-01",
} as const;

/** Default per-request timeout: Azure.Core's NetworkTimeout (100 s); ARM answers every call, LRO or not, far sooner. */
const REQUEST_TIMEOUT_MS = 100_000;

/** Builds the context; throws UsageError for no subscription, a bad cloud or an endpoint whose audience is unknown. */
export async function createAzureContext(opts: AzureContextOptions): Promise<AzureContext> {
  namedCloud(opts); // a bad cloud name is the first thing to fix
  // The SDK has loaded node:crypto: names and ownership proofs hash through it from here on.
  hashWithNodeCrypto();
  const subscriptionId = resolveSubscription(opts.subscription, opts.env);
  const counter: RequestCounter = { total: 0, writes: 0, byMethod: {} };
  const countPolicy: PipelinePolicy = {
    name: "aksNetRequestCounter",
    sendRequest: (req, next) => {
      counter.total++;
      counter.byMethod[req.method] = (counter.byMethod[req.method] ?? 0) + 1;
      if (req.method !== "GET" && req.method !== "HEAD") counter.writes++;
      return next(req);
    },
  };
  // Every caller reads ARM next: the token is asked for as soon as its audience is known (az takes tens to hundreds of
  // milliseconds), while the caller prepares its first requests. A failure is the answer of the first request that
  // waits on it. An endpoint that needs discovery: the audience it answered last time is asked for now, while this
  // run's discovery runs; the token is used only when the discovery answers the same.
  const where = armEndpoint(opts);
  const guess = where.target ? undefined : rememberedTarget(where, opts.env);
  const early = guess && { target: guess, credential: credentialFor(guess, opts.env) };
  early?.credential.getToken([scopeFor(early.target.audience)]).catch(() => undefined);
  const target = await resolveArmTarget(opts, countPolicy, where);
  const { endpoint, audience } = target;
  const scopes = [scopeFor(audience)];
  const same = early && early.target.audience === audience && early.target.authorityHost === target.authorityHost;
  const credential = same ? early.credential : credentialFor(target, opts.env);
  if (!same) credential.getToken(scopes).catch(() => undefined);
  const retryOptions = retryFromEnv(opts.env);
  const common: ClientOptions = {
    endpoint,
    // Modular clients read `credentials.scopes`; the older generation (msi, authorization) `credentialScopes`, and
    // without it asks for `${endpoint}/.default`, an audience ARM rejects.
    credentials: { scopes },
    credentialScopes: scopes,
    additionalPolicies: [
      { policy: countPolicy, position: "perRetry" as const },
      { policy: throttleWithoutRetryAfter(retryOptions?.retryDelayInMs ?? 1000), position: "perRetry" as const },
      { policy: tokenStaysHome(endpoint, audience), position: "perRetry" as const },
      { policy: requestTimeout(timeoutFromEnv(opts.env)), position: "perRetry" as const },
      ...(opts.policies ?? []).map((policy) => ({ policy, position: "perCall" as const })),
    ],
    ...(retryOptions ? { retryOptions } : {}),
  };
  let clients: Promise<ArmClients> | undefined;
  return {
    ...target,
    subscriptionId,
    credential,
    counter,
    rest: armRest(endpoint, credential, scopes, common),
    clients: () => (clients ??= import("./arm-clients.ts").then((m) => m.armClients(credential, subscriptionId, common))),
  };
}

/** The run's one credential chain for `target`'s cloud, each token asked for once per audience. */
function credentialFor(target: ArmTarget, env: Record<string, string | undefined>): TokenCredential {
  return sharedToken(new DefaultAzureCredential({
    // The cloud's sign-in host for service principals and workload identity, unless the user set one.
    ...(target.authorityHost && !env["AZURE_AUTHORITY_HOST"] ? { authorityHost: target.authorityHost } : {}),
    // A hung `az` (or PowerShell, azd) must not hang the run.
    processTimeoutInMs: 60_000,
  }));
}

/** The target `where`'s metadata gave last time on this machine, if remembered and still consistent with --cloud. */
function rememberedTarget(where: { endpoint: string; named: Cloud | undefined }, env: Record<string, string | undefined>): ArmTarget | undefined {
  const meta = rememberedEndpoints(env)[endpointKey(where.endpoint)];
  try {
    return meta && targetFrom(where, meta);
  } catch {
    return undefined; // --cloud contradicts it: this run's discovery says so
  }
}

/**
 * The default pipeline for GETs, without two steps that do nothing for them: the form-data step (its `typeof FormData`
 * loads Node's undici, ~40 ms of a CPU profile, for requests that never carry a form) and the tracing step (aks-net
 * registers no tracer: it made a span that records nothing for every request, and sends no header).
 */
function readPipeline(retryOptions: ClientOptions["retryOptions"]): Pipeline {
  const pipeline = createPipelineFromOptions({ ...(retryOptions ? { retryOptions } : {}) });
  pipeline.removePolicy({ name: "formDataPolicy" });
  pipeline.removePolicy({ name: "tracingPolicy" });
  return pipeline;
}

/**
 * GETs in flight at once, per run. A GET past this waits for a keep-alive connection to come free instead of opening
 * one of its own: a new connection costs a TCP and a TLS handshake (two round trips before the request, and the TLS
 * work on both ends), a queued GET one round trip more at most. Six is what browsers open per host over HTTP/1.1.
 */
const MAX_GETS_IN_FLIGHT = 6;
const slots = semaphore(MAX_GETS_IN_FLIGHT);


/** One HTTP client (one keep-alive agent) for the metadata discovery and the reads: one TLS handshake, not two. */
let httpClient: HttpClient | undefined;
function sharedHttpClient(): HttpClient {
  return (httpClient ??= createDefaultHttpClient());
}

/** The REST reader: one pipeline with the clients' policies (bearer token, retries, counter, timeout, the caller's). */
function armRest(endpoint: string, credential: TokenCredential, scopes: string[], common: ClientOptions): ArmRest {
  const pipeline = readPipeline(common.retryOptions);
  pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes }), { phase: "Sign" });
  // Placed as the clients place them: perRetry after signing, perCall first.
  for (const { policy, position } of common.additionalPolicies) pipeline.addPolicy(policy, position === "perRetry" ? { afterPhase: "Sign" } : {});
  const http = sharedHttpClient();
  let remembered: Map<string, Promise<Record<string, unknown>>> | undefined;
  const key = (path: string): string => new URL(path, endpoint).pathname.toLowerCase().replace(/\/+$/, "");

  const send = async (url: string, signal: AbortSignal): Promise<Record<string, unknown>> => {
    const req = createPipelineRequest({ url, method: "GET", abortSignal: signal });
    req.headers.set("Accept", "application/json");
    await slots.acquire(signal);
    let res: Awaited<ReturnType<Pipeline["sendRequest"]>>;
    try {
      res = await pipeline.sendRequest(http, req);
    } finally {
      slots.release();
    }
    let body: unknown;
    try {
      body = res.bodyAsText ? JSON.parse(res.bodyAsText) : {};
    } catch {
      body = undefined;
    }
    if (res.status >= 300) {
      // As the clients word it: the body's `error` (or the body itself) gives code and message.
      const inner = (body as { error?: { code?: string; message?: string } } | undefined)?.error ?? (body as { code?: string; message?: string } | undefined);
      throw new RestError(inner?.message ?? `Unexpected status code: ${res.status}`, { statusCode: res.status, ...(inner?.code ? { code: inner.code } : {}), request: req, response: res });
    }
    if (body === null || typeof body !== "object" || Array.isArray(body)) throw new RestError(`GET ${new URL(url).pathname} answered ${res.status} without a JSON object`, { code: RestError.PARSE_ERROR, statusCode: res.status, request: req, response: res });
    return body as Record<string, unknown>;
  };
  const urlOf = (path: string, apiVersion: string, query: Record<string, string> = {}): string => {
    // Encoded as the clients encode them (a space is %20, not +).
    const params = Object.entries({ "api-version": apiVersion, ...query }).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");
    return `${path.startsWith("https://") ? path : `${endpoint}${path}`}?${params}`;
  };
  return {
    get(path, apiVersion, signal, query) {
      // A query (a filter) asks for something else than the resource: never shared.
      if (!remembered || query) return send(urlOf(path, apiVersion, query), signal);
      const k = key(path);
      let read = remembered.get(k);
      if (!read) {
        read = send(urlOf(path, apiVersion), signal);
        read.catch(() => undefined); // its failure is the answer of whoever waits on it, if anyone does
        remembered.set(k, read);
      }
      return read;
    },
    async list(path, apiVersion, signal, query) {
      const items: Record<string, unknown>[] = [];
      // Next pages are absolute URLs that already carry the api-version (and any filter); tokenStaysHome guards the host.
      for (let next: string | undefined = urlOf(path, apiVersion, query); next; ) {
        const page = await send(next, signal);
        if (Array.isArray(page["value"])) items.push(...(page["value"] as Record<string, unknown>[]));
        next = typeof page["nextLink"] === "string" && page["nextLink"] !== "" ? page["nextLink"] : undefined;
      }
      return items;
    },
    remember(on) {
      remembered = on ? (remembered ?? new Map()) : undefined;
    },
    take(path) {
      return remembered?.get(key(path))?.catch((e: unknown) => {
        if (e instanceof RestError && e.statusCode === 404) return null;
        throw e;
      });
    },
  };
}

/**
 * The ARM endpoint and its token audience. A known cloud's endpoint (from --cloud or its host) uses that cloud's
 * audience; any other host says which audience it takes in its metadata document (as Azure Stack and az do), unless
 * AKS_NET_ARM_AUDIENCE names it. A foreign host never gets the public cloud's audience by default.
 */
export async function resolveArmTarget(opts: AzureContextOptions, countPolicy?: PipelinePolicy, where = armEndpoint(opts)): Promise<ArmTarget> {
  return where.target ?? targetFrom(where, await armMetadata(where.endpoint, opts.env, opts.signal, countPolicy));
}

/** The endpoint, and its target when that needs no discovery (a known cloud's endpoint, or AKS_NET_ARM_AUDIENCE). */
function armEndpoint(opts: AzureContextOptions): { endpoint: string; named: Cloud | undefined; target?: ArmTarget } {
  const named = namedCloud(opts);
  const raw = opts.armEndpoint ?? opts.env["AKS_NET_ARM_ENDPOINT"];
  const endpoint = (raw ?? (named ?? PUBLIC_CLOUD).resourceManager).replace(/\/+$/, "");
  if (!/^https:\/\/[^/?#]+/i.test(endpoint) || !URL.canParse(endpoint)) {
    throw new UsageError(`--arm-endpoint must be an https:// URL, got '${endpoint}'`);
  }
  const explicit = opts.env["AKS_NET_ARM_AUDIENCE"];
  if (explicit !== undefined && !AUDIENCE.test(explicit)) {
    throw new UsageError(`AKS_NET_ARM_AUDIENCE is not a token audience: '${explicit}'`, "e.g. https://management.core.usgovcloudapi.net/");
  }
  const known = cloudByEndpoint(endpoint);
  if (known) {
    if (named && named !== known) throw mismatch(named, endpoint, known.name);
    return { endpoint, named, target: { endpoint, audience: explicit ?? known.audience, authorityHost: known.authorityHost, cloud: known.name } };
  }
  if (explicit !== undefined) return { endpoint, named, target: { endpoint, audience: explicit, authorityHost: named?.authorityHost, cloud: named?.name } };
  return { endpoint, named };
}

/** The target an endpoint's metadata document gives; a usage error when it contradicts --cloud. */
function targetFrom({ endpoint, named }: { endpoint: string; named: Cloud | undefined }, meta: ArmMetadata): ArmTarget {
  if (named && !meta.audiences.some((a) => sameAudience(a, named.audience))) throw mismatch(named, endpoint, meta.name ?? meta.audiences[0]);
  return {
    endpoint,
    audience: meta.audiences[0] as string,
    authorityHost: meta.loginEndpoint?.replace(/\/+$/, ""),
    cloud: named?.name ?? meta.name,
  };
}

/** --cloud, else AKS_NET_CLOUD; undefined when neither is set. */
function namedCloud(opts: AzureContextOptions): Cloud | undefined {
  const name = opts.cloud ?? opts.env["AKS_NET_CLOUD"];
  return name ? cloudByName(name, opts.cloud ? "--cloud" : "AKS_NET_CLOUD") : undefined;
}

function mismatch(named: Cloud, endpoint: string, serves: string | undefined): UsageError {
  return new UsageError(
    `--cloud ${named.name} does not match the ARM endpoint ${endpoint}${serves ? `, which serves ${serves}` : ""}`,
    "drop one of --cloud and --arm-endpoint (AKS_NET_CLOUD, AKS_NET_ARM_ENDPOINT)",
  );
}

function sameAudience(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

/** What a token audience may hold (a URI or an app id): nothing that could change the scope az is asked for. */
const AUDIENCE = /^[0-9a-zA-Z\-_.:/]+$/;

interface ArmMetadata {
  audiences: string[];
  loginEndpoint: string | undefined;
  name: string | undefined;
}

/** One discovery per endpoint per process: create reads it for the live checks and for the plan. */
const metadataCache = new Map<string, Promise<ArmMetadata>>();

const endpointKey = (endpoint: string): string => originOf(endpoint) + new URL(endpoint).pathname;

/** `GET {endpoint}/metadata/endpoints?api-version=2022-09-01`: anonymous, with the same timeout and retries. */
function armMetadata(endpoint: string, env: Record<string, string | undefined>, signal: AbortSignal | undefined, countPolicy: PipelinePolicy | undefined): Promise<ArmMetadata> {
  const key = endpointKey(endpoint);
  let hit = metadataCache.get(key);
  if (!hit) {
    hit = fetchMetadata(endpoint, env, signal, countPolicy).then((meta) => {
      rememberMetadata(key, meta, env);
      return meta;
    });
    metadataCache.set(key, hit);
    hit.catch(() => metadataCache.delete(key));
  }
  return hit;
}

/**
 * What the endpoints discovered on this machine answered last time, in the user's cache: the next run asks for its
 * token while its own discovery runs, instead of after it (az takes tens to hundreds of milliseconds). Only a hint: no
 * request goes out before this run's discovery, and a different answer gets a token of its own.
 */
const METADATA_FILE = "arm-endpoints.json";
/** Endpoints remembered, the most recently discovered last: tests and Azure Stack stamps come and go. */
const REMEMBERED_ENDPOINTS = 16;

/** The file as this run read it (once: the hint and the update after the discovery share it), by the run's env. */
const endpointsRead = new WeakMap<object, Record<string, ArmMetadata>>();

function rememberedEndpoints(env: Record<string, string | undefined>): Record<string, ArmMetadata> {
  let valid = endpointsRead.get(env);
  if (valid) return valid;
  valid = {};
  endpointsRead.set(env, valid);
  const doc = readCached(METADATA_FILE, env);
  if (doc === null || typeof doc !== "object" || Array.isArray(doc)) return valid;
  for (const [key, m] of Object.entries(doc as Record<string, Partial<ArmMetadata> | null>)) {
    const audiences = m?.audiences;
    if (!Array.isArray(audiences) || audiences.length === 0 || !audiences.every((a) => typeof a === "string" && AUDIENCE.test(a))) continue;
    const login = m?.loginEndpoint;
    if (login !== undefined && !(typeof login === "string" && /^https:\/\//.test(login))) continue;
    valid[key] = { audiences, loginEndpoint: login, name: typeof m?.name === "string" ? m.name : undefined };
  }
  return valid;
}

function rememberMetadata(key: string, meta: ArmMetadata, env: Record<string, string | undefined>): void {
  const all = rememberedEndpoints(env);
  if (JSON.stringify(all[key]) === JSON.stringify(meta)) return; // as remembered: nothing to write
  delete all[key];
  all[key] = meta;
  writeCached(METADATA_FILE, Object.fromEntries(Object.entries(all).slice(-REMEMBERED_ENDPOINTS)), env);
}

async function fetchMetadata(endpoint: string, env: Record<string, string | undefined>, signal: AbortSignal | undefined, countPolicy: PipelinePolicy | undefined): Promise<ArmMetadata> {
  const url = `${endpoint}/metadata/endpoints?api-version=2022-09-01`;
  const pipeline = readPipeline(retryFromEnv(env));
  if (countPolicy) pipeline.addPolicy(countPolicy, { afterPhase: "Sign" });
  pipeline.addPolicy(requestTimeout(timeoutFromEnv(env)), { afterPhase: "Sign" });
  const unknown = (why: string): UsageError => new UsageError(
    `cannot tell which token audience the ARM endpoint ${endpoint} accepts: ${why}`,
    "name its cloud with --cloud (AzureCloud, AzureUSGovernment, AzureChinaCloud) or set AKS_NET_ARM_AUDIENCE",
  );
  let status: number;
  let text: string | undefined;
  try {
    const res = await pipeline.sendRequest(sharedHttpClient(), createPipelineRequest({ url, method: "GET", ...(signal ? { abortSignal: signal } : {}) }));
    status = res.status;
    text = res.bodyAsText ?? undefined;
  } catch (e) {
    throw explainAzureError(e, { label: `ARM metadata ${url}` });
  }
  if (status !== 200) throw unknown(`GET /metadata/endpoints answered ${status}`);
  let doc: unknown;
  try {
    doc = JSON.parse((text ?? "").replace(/^\uFEFF/, ""));
  } catch {
    throw unknown("its metadata document is not JSON");
  }
  // 2022-09-01 answers one cloud; older versions a list of clouds: take the one this endpoint is.
  const list = (Array.isArray(doc) ? doc : [doc]) as { resourceManager?: unknown; name?: unknown; authentication?: { audiences?: unknown; loginEndpoint?: unknown } }[];
  const entry = list.find((c) => typeof c?.resourceManager === "string" && originOf(c.resourceManager) === originOf(endpoint)) ?? (list.length === 1 ? list[0] : undefined);
  const audiences = Array.isArray(entry?.authentication?.audiences) ? entry.authentication.audiences.filter((a): a is string => typeof a === "string" && AUDIENCE.test(a)) : [];
  if (!entry || audiences.length === 0) throw unknown("its metadata document lists no authentication audience");
  const login = entry.authentication?.loginEndpoint;
  return { audiences, loginEndpoint: typeof login === "string" && /^https:\/\//.test(login) ? login : undefined, name: typeof entry.name === "string" ? entry.name : undefined };
}

/**
 * The bearer policy signs every request of a client, whatever its host: an operation-status or next-page URL on
 * another host would carry the ARM token there. Such a request is stopped before it leaves.
 */
function tokenStaysHome(endpoint: string, audience: string): PipelinePolicy {
  const home = originOf(endpoint);
  return {
    name: "aksNetTokenStaysHome",
    sendRequest: (req, next) => {
      const there = originOf(req.url);
      if (there !== home && req.headers.has("authorization")) {
        throw new AzureError(`refusing to send the Azure token for ${audience} to ${there}, which is not the ARM endpoint ${home}`, {
          hint: "Azure answered with a link to another host (an operation status or a next page); nothing was sent there. Re-run the same command to resume",
        });
      }
      return next(req);
    },
  };
}

/**
 * Each attempt gets `ms` to answer (headers and body). A timeout becomes a RestError with code ETIMEDOUT, which the
 * SDK's retry policy retries like a 5xx, within its bounded attempts; the caller's own abort stays an abort.
 */
function requestTimeout(ms: number): PipelinePolicy {
  const attempts = new WeakMap<object, number>();
  return {
    name: "aksNetRequestTimeout",
    sendRequest: async (req, next) => {
      const attempt = (attempts.get(req) ?? 0) + 1;
      attempts.set(req, attempt);
      const outer = req.abortSignal;
      const inner = new AbortController();
      const forward = (): void => inner.abort();
      if (outer?.aborted) inner.abort();
      outer?.addEventListener("abort", forward, { once: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        inner.abort();
      }, ms);
      req.abortSignal = inner.signal;
      try {
        return await next(req);
      } catch (e) {
        if (timedOut && !outer?.aborted) {
          const path = new URL(req.url).pathname;
          throw new RestError(`no response to ${req.method} ${path} within ${ms / 1000} s (attempt ${attempt})`, { code: "ETIMEDOUT", request: req });
        }
        throw e;
      } finally {
        clearTimeout(timer);
        outer?.removeEventListener("abort", forward);
        req.abortSignal = outer;
      }
    },
  };
}

function timeoutFromEnv(env: Record<string, string | undefined>): number {
  const v = env["AKS_NET_REQUEST_TIMEOUT_MS"];
  return v !== undefined && /^[1-9][0-9]*$/.test(v) ? Number(v) : REQUEST_TIMEOUT_MS;
}

/** --subscription, else AZURE_SUBSCRIPTION_ID, else the Azure CLI's default subscription from its profile file. */
export function resolveSubscription(flag: string | undefined, env: Record<string, string | undefined>): string {
  const subscription = flag || defaultSubscription(env);
  if (subscription) return subscription;
  throw new UsageError(
    "no Azure subscription given",
    "pass --subscription ID, set AZURE_SUBSCRIPTION_ID, or pick a default with `az account set`",
  );
}

/**
 * The longest Retry-After aks-net waits out on a 429 or 503. The SDK honours any Retry-After without a bound, so a
 * throttled run asked to wait an hour sat silent for an hour; past this, the run ends now and says so (create and
 * delete resume on a re-run).
 */
export const MAX_RETRY_AFTER_MS = 120_000;
/** The error code of such a request. */
export const THROTTLED_TOO_LONG = "ThrottledTooLong";

/** The wait a response asks for, in ms (`retry-after-ms`, `x-ms-retry-after-ms`, or `Retry-After` in seconds or as a date). */
function retryAfterMs(headers: { get(name: string): string | undefined }, now = Date.now()): number | undefined {
  for (const h of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const v = headers.get(h);
    if (v !== undefined && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  }
  const v = headers.get("retry-after");
  if (v === undefined) return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * Throttling, below the SDK's retry policy (LRO polls and the REST reads go through the same pipeline):
 * - a 429 or 503 asking for more than MAX_RETRY_AFTER_MS ends the request with an error that says what Azure asked;
 * - ARM sometimes throttles with a 429 that has no Retry-After, which the SDK's retry policy would give up on at once:
 *   such a response gets a synthetic `retry-after-ms` (exponential per attempt), so the SDK retries it within its usual
 *   bounded attempts.
 */
function throttleWithoutRetryAfter(baseMs: number): PipelinePolicy {
  const attempts = new WeakMap<object, number>();
  return {
    name: "aksNetThrottleWithoutRetryAfter",
    sendRequest: async (req, next) => {
      const res = await next(req);
      if (res.status !== 429 && res.status !== 503) return res;
      const asked = retryAfterMs(res.headers);
      if (asked !== undefined && asked > MAX_RETRY_AFTER_MS) {
        // Not a system error and no response attached: the SDK's retry strategies pass it up as it is.
        throw new RestError(
          `Azure is throttling this subscription (HTTP ${res.status} on ${req.method} ${new URL(req.url).pathname}) and asks to wait ${Math.ceil(asked / 1000)} s; aks-net waits at most ${MAX_RETRY_AFTER_MS / 1000} s. Run the same command again later: it resumes where it stopped`,
          { code: THROTTLED_TOO_LONG, statusCode: res.status },
        );
      }
      if (res.status !== 429 || asked !== undefined) return res;
      const n = attempts.get(req) ?? 0;
      attempts.set(req, n + 1);
      res.headers.set("retry-after-ms", String(Math.min(baseMs * 2 ** n, 60_000)));
      return res;
    },
  };
}

/** Tests and the benchmark shorten retry back-off (AKS_NET_RETRY_DELAY_MS); production keeps the SDK defaults. */
function retryFromEnv(env: Record<string, string | undefined>): { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number } | undefined {
  const ms = env["AKS_NET_RETRY_DELAY_MS"];
  if (ms === undefined || !/^[0-9]+$/.test(ms)) return undefined;
  return { maxRetries: 4, retryDelayInMs: Number(ms), maxRetryDelayInMs: Number(ms) * 8 };
}

/**
 * One token for all clients: each SDK client caches its own, so five clients meant five `az account get-access-token`
 * runs (about a second each with the real Azure CLI). Concurrent callers share one request; a failure is not cached.
 */
function sharedToken(inner: TokenCredential): TokenCredential {
  const cache = new Map<string, Promise<AccessToken | null>>();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      // A claims challenge (CAE) or another tenant needs its own token.
      if (options?.claims || options?.tenantId) return inner.getToken(scopes, options);
      const k = [scopes].flat().join(" ");
      const hit = cache.get(k);
      const fresh = (t: AccessToken | null): boolean => t !== null && t.expiresOnTimestamp - Date.now() > 120_000;
      const load = (): Promise<AccessToken | null> => {
        const p = inner.getToken(scopes, options);
        cache.set(k, p);
        return p;
      };
      if (!hit) return load();
      // A failed attempt (a prefetch's too) is the answer of the calls waiting on it; the next call tries again.
      return hit.then(
        (t) => (fresh(t) ? t : load()),
        (e: unknown) => {
          if (cache.get(k) === hit) cache.delete(k);
          throw e;
        },
      );
    },
  };
}
