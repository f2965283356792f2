/**
 * The one way into Azure: DefaultAzureCredential, subscription resolution, the ARM endpoint seam, and lazily built
 * SDK clients that share retry options and a request counter. Imported only by commands that talk to Azure.
 */
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { DefaultAzureCredential } from "@azure/identity";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { NetworkManagementClient } from "@azure/arm-network";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { UsageError } from "../core/errors.ts";

export interface AzureContextOptions {
  subscription?: string | undefined;
  armEndpoint?: string | undefined;
  env: Record<string, string | undefined>;
  /** Extra per-call policies for every client (create's ARM tracker). */
  policies?: PipelinePolicy[];
}

/** Counts requests as sent (each retry counts), by method, for --verbose and the benchmarks. */
export interface RequestCounter {
  total: number;
  writes: number;
  byMethod: Record<string, number>;
}

export interface AzureContext {
  subscriptionId: string;
  endpoint: string;
  credential: TokenCredential;
  counter: RequestCounter;
  network(): NetworkManagementClient;
  containerService(): ContainerServiceClient;
  resources(): ResourceManagementClient;
  msi(): ManagedServiceIdentityClient;
  authorization(): AuthorizationManagementClient;
  compute(): ComputeManagementClient;
}

const PUBLIC_ARM = "https://management.azure.com";

/** Builds the context; throws UsageError when no subscription can be found. */
export function createAzureContext(opts: AzureContextOptions): AzureContext {
  const endpoint = (opts.armEndpoint ?? opts.env["AKS_NET_ARM_ENDPOINT"] ?? PUBLIC_ARM).replace(/\/+$/, "");
  if (!/^https:\/\//.test(endpoint)) {
    throw new UsageError(`--arm-endpoint must be an https:// URL, got '${endpoint}'`);
  }
  const subscriptionId = resolveSubscription(opts.subscription, opts.env);
  const credential = sharedToken(new DefaultAzureCredential());
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
  const retryOptions = retryFromEnv(opts.env);
  const common = {
    endpoint,
    additionalPolicies: [
      { policy: countPolicy, position: "perRetry" as const },
      { policy: throttleWithoutRetryAfter(retryOptions?.retryDelayInMs ?? 1000), position: "perRetry" as const },
      ...(opts.policies ?? []).map((policy) => ({ policy, position: "perCall" as const })),
    ],
    ...(retryOptions ? { retryOptions } : {}),
  };
  // HLC-generation clients (msi, authorization) take the endpoint as `endpoint` too.
  const memo = <T>(make: () => T): (() => T) => {
    let v: T | undefined;
    return () => (v ??= make());
  };
  return {
    subscriptionId,
    endpoint,
    credential,
    counter,
    network: memo(() => new NetworkManagementClient(credential, subscriptionId, common)),
    containerService: memo(() => new ContainerServiceClient(credential, subscriptionId, common)),
    resources: memo(() => new ResourceManagementClient(credential, subscriptionId, common)),
    msi: memo(() => new ManagedServiceIdentityClient(credential, subscriptionId, common)),
    authorization: memo(() => new AuthorizationManagementClient(credential, subscriptionId, common)),
    compute: memo(() => new ComputeManagementClient(credential, subscriptionId, common)),
  };
}

/** --subscription, else AZURE_SUBSCRIPTION_ID, else the Azure CLI's default subscription from its profile file. */
export function resolveSubscription(flag: string | undefined, env: Record<string, string | undefined>): string {
  if (flag) return flag;
  if (env["AZURE_SUBSCRIPTION_ID"]) return env["AZURE_SUBSCRIPTION_ID"];
  const dir = env["AZURE_CONFIG_DIR"] ?? join(homedir(), ".azure");
  try {
    const text = readFileSync(join(dir, "azureProfile.json"), "utf8").replace(/^\uFEFF/, "");
    const profile = JSON.parse(text) as { subscriptions?: { id: string; isDefault?: boolean }[] };
    const def = profile.subscriptions?.find((s) => s.isDefault);
    if (def) return def.id;
  } catch {
    // No profile: fall through to the usage error below.
  }
  throw new UsageError(
    "no Azure subscription given",
    "pass --subscription ID, set AZURE_SUBSCRIPTION_ID, or pick a default with `az account set`",
  );
}

/**
 * ARM sometimes throttles with a 429 that has no Retry-After; the SDK's retry policy would give up at once. Below the
 * retry policy, such a response gets a synthetic `retry-after-ms` (exponential per attempt), so the SDK retries it
 * within its usual bounded attempts. LRO polls go through the same pipeline.
 */
function throttleWithoutRetryAfter(baseMs: number): PipelinePolicy {
  const attempts = new WeakMap<object, number>();
  return {
    name: "aksNetThrottleWithoutRetryAfter",
    sendRequest: async (req, next) => {
      const res = await next(req);
      if (res.status !== 429 || ["retry-after", "retry-after-ms", "x-ms-retry-after-ms"].some((h) => res.headers.has(h))) return res;
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
        const p = inner.getToken(scopes, options).catch((e: unknown) => {
          cache.delete(k);
          throw e;
        });
        cache.set(k, p);
        return p;
      };
      return hit ? hit.then((t) => (fresh(t) ? t : load())) : load();
    },
  };
}
