/**
 * A fake Azure Resource Manager for tests and benchmarks: HTTPS on 127.0.0.1 with a throw-away certificate, driven
 * by the REAL Azure SDK clients. Generic ARM routing, Azure-AsyncOperation LROs, fault injection, and the Azure
 * semantics that make request order matter (see arm-rules.ts). Everything is in memory; one server per test file.
 *
 *   const fake = await startFakeArm({ polls: 1 });            // in before(); fake.close() in after()
 *   fake.reset(); fake.seed.resourceGroup("rg");              // in beforeEach()
 *   await runCli(["create", ...], { fake });                  // spawned CLI: NODE_EXTRA_CA_CERTS + fake az
 *   new NetworkManagementClient(cred, FAKE_SUBSCRIPTION_ID, { endpoint: fake.url, tlsOptions: { ca: fake.caPem } });
 *   fake.addFault({ kind: "throttle", method: "PUT", match: "/azureFirewalls/", retryAfterSec: 0 });
 *   fake.get(id), fake.list(prefix), fake.snapshot(), fake.requests, fake.writes(), fake.operations()
 *
 * LROs finish after `polls` InProgress polls (a GET of the resource counts as a poll), or by time for types in
 * `latencyMs`; `completeAll()` finishes everything at once.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:https";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { testCert } from "./cert.ts";
import { ArmError, arr, clone, isUnder, key, lastSegment, obj, parentOf, parseId, props, rgId, str, typeOfId } from "./arm-util.ts";
import type { Json } from "./arm-util.ts";
import {
  FAKE_TENANT_ID, TYPES, buildWrite, canonicalType, checkDelete, checkResourceGroupName, checkTags, clusterCompletionError, isLroType, render, topLevelId, vnetUsages,
} from "./arm-rules.ts";
import type { QuotaView, StoreView, StoredResource } from "./arm-rules.ts";
import { allowedAudiences, audienceRejection, metadataDocument, tokenAudience } from "./arm-auth.ts";
import type { FakeCloudName } from "./arm-auth.ts";

export { FAKE_TENANT_ID, NETWORK_CONTRIBUTOR, CONTRIBUTOR, OWNER, missingAksEgress } from "./arm-rules.ts";
export type { StoredResource } from "./arm-rules.ts";
export { allowedAudiences, fakeToken, tokenAudience } from "./arm-auth.ts";
export type { FakeCloudName } from "./arm-auth.ts";
export type { Json } from "./arm-util.ts";

/** A subscription's AKS regions by default: a subset of the public cloud, so a real region can be missing from it. */
export const AKS_LOCATIONS = [
  "East US", "East US 2", "West US 2", "West US 3", "Central US", "North Europe", "West Europe", "UK South",
  "France Central", "Germany West Central", "Sweden Central", "Switzerland North", "Japan East", "Australia East",
  "Southeast Asia", "Canada Central",
];

/** The subscription tests use (runCli sets AZURE_SUBSCRIPTION_ID to it). */
export const FAKE_SUBSCRIPTION_ID = "00000000-0000-4000-8000-000000000001";
/** The principal the fake's bearer token stands for. */
export const FAKE_CALLER_PRINCIPAL_ID = "11111111-1111-4111-8111-111111111111";

export type FaultKind = "throttle" | "error500" | "error503" | "reset" | "badRequest" | "lroFail" | "hang" | "stall";

export interface FaultSpec {
  kind: FaultKind;
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Substring of, or RegExp tested against, the request path (no query string). */
  match: string | RegExp;
  /** How many requests it hits (default 1; Infinity for always). */
  times?: number;
  /** Retry-After seconds on 429/503 (throttle defaults to 0; a 429 without Retry-After is not retried by the SDK). */
  retryAfterSec?: number;
  /** ARM error for badRequest / lroFail / error500 / error503 (defaults per kind). */
  error?: { code: string; message: string };
}

export interface Fault extends FaultSpec {
  hits: number;
  remove(): void;
}

export interface RequestRecord {
  method: string;
  /** Path without the query string, as sent. */
  path: string;
  query: string;
  apiVersion: string | undefined;
  /** HTTP status answered; 0 for a reset or a request still hanging. */
  status: number;
  /** Date.now() when the request arrived. */
  time: number;
  durationMs: number;
  /** Parsed JSON body of writes. */
  body?: unknown;
  /** The fault kind that answered, if any. */
  fault?: FaultKind;
  auth: boolean;
  /** The `aud` claim of the bearer token, when it had one. */
  audience?: string;
  /** The Host header (`127.0.0.1:PORT`, or `localhost:PORT` for URLs built with `lroHost`). */
  host: string;
  userAgent: string | undefined;
  /** The If-Match header of a write, when it had one. */
  ifMatch?: string;
  /** The x-ms-client-request-id header, when it had one (ARM echoes it and logs it for support cases). */
  clientRequestId?: string;
}

export interface PermissionSet {
  actions: string[];
  notActions: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

export interface QuotaEntry {
  limit: number;
  /** Usage besides the clusters in the store (whose vCPUs are added automatically). */
  current?: number;
}

export interface SkuDef {
  name: string;
  family: string;
  vCPUs: number;
  memoryGB: number;
  /** Locations where the SKU is restricted (NotAvailableForSubscription). */
  restrictedIn?: string[];
  /** Zones the size is offered in, in zonal regions (default 1, 2, 3). */
  zones?: string[];
  /** Zones restricted for the subscription (a `Zone` restriction, NotAvailableForSubscription). */
  restrictedZones?: string[];
}

export interface FakeArmOptions {
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /** InProgress polls before an LRO completes (default 1). */
  polls?: number;
  /** Per-type override of `polls`, keyed by ARM type (`Microsoft.Network/azureFirewalls`). */
  pollsByType?: Record<string, number>;
  /**
   * Simulated work per resource type in ms; an LRO of such a type completes by time, not by poll count. For
   * synchronous types (identities, role assignments: `Microsoft.Authorization/roleAssignments`) it delays the answer.
   */
  latencyMs?: Record<string, number>;
  /** Added to every response (ms, scaled): ARM's own round trip, for benchmarks. Default 0. */
  requestLatencyMs?: number;
  /** Latency for LRO types missing from latencyMs (time-based when set). */
  defaultLatencyMs?: number;
  /** Multiplies every latency (default 1). */
  latencyScale?: number;
  /** Retry-After on InProgress polls (default: none; it overrides the SDK's poll interval). */
  pollRetryAfterSec?: number;
  /** Retry-After on the initial 201/202 of an LRO (what Network sends; the SDK ignores it). */
  initialRetryAfterSec?: number;
  /** Subscriptions that exist (default: any). Others get 404 SubscriptionNotFound. */
  subscriptions?: string[];
  /** Effective permissions of the caller, or a function of the scope (default `[{actions:["*"],notActions:[]}]`). */
  permissions?: PermissionSet[] | ((scope: string) => PermissionSet[]);
  /** vCPU quota per family name (e.g. standardDSv5Family) and `cores` (total regional); default limit 350 each. */
  quota?: Record<string, QuotaEntry>;
  /** VM sizes served by the SKU list (defaults: a few common D/B sizes). */
  skus?: SkuDef[];
  /** Regions with availability zones 1-3 (default: FAKE_ZONAL_REGIONS); elsewhere zones are refused as Azure does. */
  zonalRegions?: string[];
  /**
   * Kubernetes versions AKS offers in every location: major.minor → its patch versions, the first minor being the default
   * (GET .../providers/Microsoft.ContainerService/locations/{location}/kubernetesVersions). Default: 1.31-1.33.
   */
  kubernetesVersions?: Record<string, string[]>;
  /**
   * Regions (display names, as ARM lists them) where the subscription offers AKS: the managedClusters locations of
   * GET /subscriptions/{s}/providers/Microsoft.ContainerService. Default: AKS_LOCATIONS.
   */
  aksLocations?: string[];
  /** Location used when a seed omits one (default eastus). */
  location?: string;
  /**
   * Network's concurrency rules (default off): a write to a VNet/route table or any of its children while another
   * Network operation runs on it gets 409 AnotherOperationInProgress; a Network PUT referencing a resource whose
   * operation still runs gets 429 RetryableError (ReferencedResourceNotProvisioned) with Retry-After.
   */
  networkConflicts?: boolean;
  /** Retry-After seconds on those 429s (default 1). */
  conflictRetryAfterSec?: number;
  /** Role assignments without principalType must name a known principal (default true; ARM's PrincipalNotFound). */
  checkPrincipals?: boolean;
  /** Role assignments must name a built-in role the fake knows, or one of `roleDefinitions` (default true). */
  checkRoleDefinitions?: boolean;
  /** Extra role definition GUIDs that exist (custom roles). */
  roleDefinitions?: string[];
  /** Extra principal ids that exist in the directory. */
  principals?: string[];
  /**
   * The cloud this ARM is (default AzureCloud): which token audiences it accepts (others get 401
   * InvalidAuthenticationTokenAudience) and what its metadata endpoint answers.
   */
  cloud?: FakeCloudName;
  /** Serve `/metadata/endpoints` (default true; false answers 404, like an endpoint without discovery). */
  metadata?: boolean;
  /** Host name in the operation-status and Location URLs the fake hands out (default 127.0.0.1; the cert also covers localhost). */
  lroHost?: string;
}

export interface Operation {
  id: string;
  resourceId: string;
  kind: "put" | "delete";
  type: string;
  status: "InProgress" | "Succeeded" | "Failed" | "Canceled";
  startTime: number;
  endTime?: number;
  pollsLeft: number;
  doneAt?: number;
  error?: { code: string; message: string };
  forcedError?: { code: string; message: string };
  apiVersion: string;
  namespace: string;
  location: string;
  subscription: string;
}

export interface SeedSubnet {
  /** Address prefix, e.g. 10.1.0.0/24. */
  prefix: string;
  routeTableId?: string;
  natGatewayId?: string;
  nsgId?: string;
  /** Delegation service names, e.g. Microsoft.Web/serverFarms. */
  delegations?: string[];
  /** Number of fake NICs using the subnet (makes it "in use"). */
  nics?: number;
  /** Any other subnet properties. */
  properties?: Json;
}

export interface FakeArm {
  readonly url: string;
  readonly port: number;
  readonly caFile: string;
  readonly caPem: string;
  readonly options: FakeArmOptions;
  /** Every request, in arrival order. */
  readonly requests: RequestRecord[];
  /** Requests other than GET/HEAD. */
  writes(): RequestRecord[];
  /** The resource as a GET would render it (undefined when absent). */
  get(id: string): Json | undefined;
  /** Rendered resources whose id starts with `prefix` (case-insensitive), sorted by id. */
  list(prefix?: string): Json[];
  /** Stores a resource directly (no HTTP, no validation, provisioningState Succeeded); returns its id. */
  put(id: string, body: Json): string;
  /** Removes a resource and everything under it, without checks. */
  remove(id: string): void;
  /** Helpers that build realistic pre-existing environments. */
  readonly seed: Seeder;
  /** id → rendered body for everything stored (for "left as it was" comparisons). */
  snapshot(): Record<string, Json>;
  /** Clears store, operations, faults, request log, permissions and quota (not `options`, which tests may tune). */
  reset(): void;
  close(): Promise<void>;
  addFault(spec: FaultSpec): Fault;
  clearFaults(): void;
  readonly faults: Fault[];
  /** Resolves with the first request (already logged, or arriving/answered later) matching `pred`. */
  waitForRequest(pred: (r: RequestRecord) => boolean, timeoutMs?: number): Promise<RequestRecord>;
  /** All LROs started so far. */
  operations(): Operation[];
  /** Completes every running LRO now (as if Azure finished while nobody polled). */
  completeAll(): void;
  setPermissions(p: FakeArmOptions["permissions"]): void;
  setQuota(family: string, entry: QuotaEntry): void;
  /**
   * Runs `run` when a matching request arrives ("before": ahead of handling it, e.g. a colleague's write while the
   * cluster DELETE is in flight) or right after its response went out ("after": between a GET and the PUT built from it).
   */
  onRequest(spec: HookSpec, run: () => void): Hook;
}

export interface HookSpec {
  method?: string;
  /** Substring of, or RegExp tested against, the request path. */
  match: string | RegExp;
  when?: "before" | "after";
  /** How many matching requests trigger it (default 1). */
  times?: number;
}

export interface Hook extends HookSpec {
  hits: number;
  remove(): void;
}

export interface Seeder {
  resourceGroup(name: string, opts?: { location?: string; subscription?: string; tags?: Record<string, string> }): string;
  vnet(rg: string, name: string, addressPrefixes: string[], subnets?: Record<string, string | SeedSubnet>, opts?: { location?: string; subscription?: string; tags?: Record<string, string> }): string;
  subnet(vnetId: string, name: string, subnet: string | SeedSubnet): string;
  routeTable(rg: string, name: string, routes: Record<string, { addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }>, opts?: { location?: string; subscription?: string }): string;
  peering(vnetId: string, name: string, remoteVnetId: string, opts?: { allowForwardedTraffic?: boolean; useRemoteGateways?: boolean }): string;
  publicIp(rg: string, name: string, opts?: { location?: string; subscription?: string }): string;
  /** A Standard IPv4 public IP prefix (/30 unless given). */
  publicIpPrefix(rg: string, name: string, opts?: { location?: string; subscription?: string; prefixLength?: number }): string;
  identity(rg: string, name: string, opts?: { location?: string; subscription?: string }): string;
  /** An existing AKS cluster (body fields merged into properties). */
  cluster(rg: string, name: string, properties: Json, opts?: { location?: string; subscription?: string; identity?: Json }): string;
  roleAssignment(scope: string, principalId: string, roleDefinitionGuid: string, opts?: { name?: string; subscription?: string }): string;
}

const DEFAULT_K8S_VERSIONS: Record<string, string[]> = { "1.32": ["1.32.4", "1.32.5"], "1.31": ["1.31.8", "1.31.9"], "1.33": ["1.33.0", "1.33.1"] };

const DEFAULT_SKUS: SkuDef[] = [
  { name: "Standard_D2s_v3", family: "standardDSv3Family", vCPUs: 2, memoryGB: 8 },
  { name: "Standard_D4s_v3", family: "standardDSv3Family", vCPUs: 4, memoryGB: 16 },
  { name: "Standard_D2s_v5", family: "standardDSv5Family", vCPUs: 2, memoryGB: 8 },
  { name: "Standard_D4s_v5", family: "standardDSv5Family", vCPUs: 4, memoryGB: 16 },
  { name: "Standard_D8s_v5", family: "standardDSv5Family", vCPUs: 8, memoryGB: 32 },
  { name: "Standard_D4ds_v5", family: "standardDDSv5Family", vCPUs: 4, memoryGB: 16 },
  { name: "Standard_DS2_v2", family: "standardDSv2Family", vCPUs: 2, memoryGB: 7 },
  { name: "Standard_B2s", family: "standardBSFamily", vCPUs: 2, memoryGB: 4 },
  { name: "Standard_B2ms", family: "standardBSFamily", vCPUs: 2, memoryGB: 8 },
];
/** Regions with availability zones, as Microsoft Learn's regions list has them (a subset suffices for the fake). */
export const FAKE_ZONAL_REGIONS = ["eastus", "eastus2", "westus2", "westus3", "centralus", "southcentralus", "northeurope", "westeurope", "uksouth", "swedencentral", "francecentral", "germanywestcentral", "australiaeast", "southeastasia", "japaneast"];
const SKU_LOCATIONS = ["eastus", "eastus2", "westus2", "westus3", "centralus", "northeurope", "westeurope", "uksouth", "swedencentral", "australiaeast", "southeastasia", "japaneast"];
const MAX_BODY = 10 * 1024 * 1024;
const NETWORK_CONTRIBUTOR_GUID = "4d97b98b-1d4f-4787-a291-c67834d212e7";
/** Built-in roles the fake knows (role assignments naming another definition get RoleDefinitionDoesNotExist). */
const BUILTIN_ROLES: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-11e8-9d2e-08002b2bdf76": "Contributor",
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
  [NETWORK_CONTRIBUTOR_GUID]: "Network Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "f1a07417-d97a-45cb-824c-7a7467783830": "Managed Identity Operator",
  "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59": "Managed Identity Contributor",
  "7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
  "b12aa53e-6015-4669-85d0-8515ebb3ae7f": "Private DNS Zone Contributor",
  "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8": "Azure Kubernetes Service Contributor Role",
  "4abbcc35-e782-43d8-92c5-2d3f1bd2253f": "Azure Kubernetes Service Cluster User Role",
  "0ab0b1a8-8aac-4efd-b8c2-3ee1fb270be8": "Azure Kubernetes Service Cluster Admin Role",
  "3498e952-d568-435e-9b2c-8d77e338d7f7": "Azure Kubernetes Service RBAC Admin",
  "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b": "Azure Kubernetes Service RBAC Cluster Admin",
  "9980e02c-c2be-4d73-94e8-173b1dc7cf3c": "Virtual Machine Contributor",
};

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Starts a fake ARM server on 127.0.0.1. */
export async function startFakeArm(options: FakeArmOptions = {}): Promise<FakeArm> {
  const cert = await testCert();
  const opts: FakeArmOptions = { ...options };
  const store = new Map<string, StoredResource>();
  const ops = new Map<string, Operation>();
  const requests: RequestRecord[] = [];
  const faults: Fault[] = [];
  const hooks: (Hook & { run: () => void })[] = [];
  let permissions = opts.permissions;
  const quota: Record<string, QuotaEntry> = { ...(opts.quota ?? {}) };
  let base = "";
  const lroBase = (): string => (opts.lroHost ? base.replace("//127.0.0.1:", `//${opts.lroHost}:`) : base);

  // ------------------------------------------------------------ store

  const view: StoreView = {
    raw: (id) => store.get(key(id)),
    all: () => [...store.values()],
    childrenOf: (parentId, childType) => {
      const prefix = `${key(parentId)}/${childType.toLowerCase()}/`;
      const out: StoredResource[] = [];
      for (const [k, r] of store) if (k.startsWith(prefix) && !k.slice(prefix.length).includes("/")) out.push(r);
      return out;
    },
    principals: () => {
      const set = new Set<string>([FAKE_CALLER_PRINCIPAL_ID, ...(opts.principals ?? [])]);
      for (const r of store.values()) {
        const t = r.type.toLowerCase();
        if (t === TYPES.identity) set.add(String(props(r.body)["principalId"]));
        if (t === TYPES.cluster) {
          const pid = str(obj(r.body["identity"])["principalId"]);
          if (pid) set.add(pid);
          const kid = str(obj(obj(props(r.body)["identityProfile"])["kubeletidentity"])["objectId"]);
          if (kid) set.add(kid);
          const agic = str(obj(obj(obj(props(r.body)["addonProfiles"])["ingressApplicationGateway"])["identity"])["objectId"]);
          if (agic) set.add(agic);
        }
      }
      return set;
    },
  };

  const removeTree = (id: string): void => {
    touchParent(id);
    const k = key(id);
    for (const sk of [...store.keys()]) if (sk === k || sk.startsWith(k + "/")) store.delete(sk);
    // A cluster's node resource group goes with it.
    for (const r of [...store.values()]) {
      if (r.type === "Microsoft.Resources/resourceGroups" && key(str(r.body["managedBy"]) ?? "") === k) removeTree(r.id);
    }
  };

  const applyWrite = (id: string, type: string, built: ReturnType<typeof buildWrite>): void => {
    for (const c of built.removeChildren) removeTree(c);
    store.set(key(id), { id, type: canonicalType(type), body: built.body });
    for (const c of built.upsertChildren) store.set(key(c.id), c);
    for (const s of built.sideEffects) store.set(key(s.id), s);
    touchParent(id);
  };

  /** Network: a parent's etag covers its children (a VNet's GET lists its subnets), so a child write changes it. */
  const touchParent = (id: string): void => {
    if ((parseId(id)?.types.length ?? 0) < 2) return;
    const parent = store.get(key(topLevelId(id)));
    if (parent && typeof parent.body["etag"] === "string") parent.body["etag"] = `W/"${randomUUID()}"`;
  };

  const setState = (id: string, state: string): void => {
    const r = store.get(key(id));
    if (!r) return;
    const p = obj(r.body["properties"]);
    p["provisioningState"] = state;
    r.body["properties"] = p;
    for (const k of ["subnets", "routes", "virtualNetworkPeerings"]) {
      for (const c of view.childrenOf(id, k)) {
        const cp = obj(c.body["properties"]);
        if (cp["provisioningState"] !== "Succeeded" || state !== "Succeeded") cp["provisioningState"] = state;
      }
    }
    for (const k of ["agentPoolProfiles", "ipConfigurations", "applicationRuleCollections", "networkRuleCollections", "natRuleCollections"]) {
      for (const item of arr(p[k]).map(obj)) {
        if ("provisioningState" in item) item["provisioningState"] = state;
        const ip = item["properties"];
        if (ip && typeof ip === "object" && "provisioningState" in (ip as Json)) (ip as Json)["provisioningState"] = state;
      }
    }
  };

  const ensureRg = (sub: string, name: string, location?: string): string => {
    const id = rgId(sub, name);
    if (!store.has(key(id))) {
      store.set(key(id), { id, type: "Microsoft.Resources/resourceGroups", body: { id, name, type: "Microsoft.Resources/resourceGroups", location: location ?? opts.location ?? "eastus", properties: { provisioningState: "Succeeded" } } });
    }
    return id;
  };

  const directPut = (id: string, body: Json): string => {
    const authIdx = id.toLowerCase().lastIndexOf("/providers/microsoft.authorization/roleassignments/");
    if (authIdx >= 0) {
      store.set(key(id), { id, type: "Microsoft.Authorization/roleAssignments", body: roleAssignmentBody(id, id.slice(0, authIdx), props(body)) });
      return id;
    }
    const parsed = parseId(id);
    if (!parsed) {
      const seg = id.split("/").filter((s) => s !== "");
      if (seg.length === 4 && seg[2]!.toLowerCase() === "resourcegroups") {
        const rid = rgId(seg[1]!, seg[3]!);
        store.set(key(rid), { id: rid, type: "Microsoft.Resources/resourceGroups", body: { id: rid, name: seg[3], type: "Microsoft.Resources/resourceGroups", location: str(body["location"]) ?? opts.location ?? "eastus", ...body, properties: { provisioningState: "Succeeded", ...props(body) } } });
        return rid;
      }
      throw new Error(`fake-arm put: not a resource id: ${id}`);
    }
    ensureRg(parsed.subscription, parsed.resourceGroup, str(body["location"]));
    const type = typeOfId(id)!;
    const built = buildWrite(view, id, type, body, { validate: false, existing: store.get(key(id)), defaultLocation: opts.location ?? "eastus", provisioningState: "Succeeded" });
    applyWrite(id, type, built);
    return id;
  };

  // ------------------------------------------------------------ LROs

  const latencyFor = (type: string, explicitOnly = false): number | undefined => {
    const table = opts.latencyMs ?? {};
    const hit = Object.entries(table).find(([k]) => k.toLowerCase() === type.toLowerCase());
    const ms = hit ? hit[1] : explicitOnly ? undefined : opts.defaultLatencyMs;
    return ms === undefined ? undefined : ms * (opts.latencyScale ?? 1);
  };
  const pollsFor = (type: string): number => {
    const hit = Object.entries(opts.pollsByType ?? {}).find(([k]) => k.toLowerCase() === type.toLowerCase());
    return hit ? hit[1] : (opts.polls ?? 1);
  };

  const finish = (op: Operation): void => {
    if (op.status !== "InProgress") return;
    op.endTime = Date.now();
    if (op.kind === "delete") {
      if (op.forcedError) {
        op.status = "Failed";
        op.error = op.forcedError;
        setState(op.resourceId, "Failed");
        return;
      }
      removeTree(op.resourceId);
      op.status = "Succeeded";
      return;
    }
    const res = store.get(key(op.resourceId));
    let err = op.forcedError;
    if (!err && res && res.type.toLowerCase() === TYPES.cluster) err = clusterCompletionError(view, res);
    if (err) {
      op.status = "Failed";
      op.error = err;
      setState(op.resourceId, "Failed");
    } else {
      op.status = "Succeeded";
      setState(op.resourceId, "Succeeded");
    }
  };

  const tick = (): void => {
    const now = Date.now();
    for (const op of ops.values()) if (op.status === "InProgress" && op.doneAt !== undefined && now >= op.doneAt) finish(op);
  };

  const runningOpFor = (id: string): Operation | undefined => {
    for (const op of ops.values()) if (op.status === "InProgress" && key(op.resourceId) === key(id)) return op;
    return undefined;
  };

  const startOp = (kind: "put" | "delete", id: string, type: string, apiVersion: string, sub: string, location: string, path: string, method: string): Operation => {
    const latency = latencyFor(type);
    const op: Operation = {
      id: randomUUID(),
      resourceId: id,
      kind,
      type: canonicalType(type),
      status: "InProgress",
      startTime: Date.now(),
      pollsLeft: pollsFor(type),
      apiVersion,
      namespace: type.split("/")[0] ?? "Microsoft.Resources",
      location: location || opts.location || "eastus",
      subscription: sub,
      ...(latency !== undefined ? { doneAt: Date.now() + latency } : {}),
    };
    const fault = takeFault(method, path, "lroFail");
    if (fault) op.forcedError = fault.error ?? { code: "InternalServerError", message: "An internal error occurred during the operation (injected lroFail)." };
    ops.set(op.id, op);
    return op;
  };

  const opUrls = (op: Operation): { asyncOp: string; location: string } => {
    const q = `api-version=${encodeURIComponent(op.apiVersion)}`;
    const prefix = `${lroBase()}/subscriptions/${op.subscription}/providers/${op.namespace}/locations/${op.location}`;
    return { asyncOp: `${prefix}/operations/${op.id}?${q}`, location: `${prefix}/operationResults/${op.id}?${q}` };
  };

  const opStatusBody = (op: Operation): Json => ({
    id: `/subscriptions/${op.subscription}/providers/${op.namespace}/locations/${op.location}/operations/${op.id}`,
    name: op.id,
    status: op.status,
    startTime: new Date(op.startTime).toISOString(),
    ...(op.endTime ? { endTime: new Date(op.endTime).toISOString() } : {}),
    ...(op.error ? { error: op.error } : {}),
  });

  /** A poll: counts down poll-based operations. */
  const pollOp = (op: Operation): void => {
    if (op.status !== "InProgress" || op.doneAt !== undefined) return;
    if (op.pollsLeft > 0) op.pollsLeft--;
    else finish(op);
  };

  // ------------------------------------------------------------ faults

  function takeFault(method: string, path: string, only?: FaultKind): Fault | undefined {
    for (const f of faults) {
      if (only ? f.kind !== only : f.kind === "lroFail") continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      const m = typeof f.match === "string" ? path.toLowerCase().includes(f.match.toLowerCase()) : f.match.test(path);
      if (!m) continue;
      if (f.hits >= (f.times ?? 1)) continue;
      f.hits++;
      return f;
    }
    return undefined;
  }

  // ------------------------------------------------------------ HTTP plumbing

  const server: Server = createServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      try {
        handle(req, res, Buffer.concat(chunks).toString("utf8"));
      } catch (e) {
        if (!res.headersSent) send(res, 500, { error: { code: "InternalServerError", message: `fake-arm bug: ${(e as Error).stack ?? String(e)}` } });
      }
    });
  });

  // The request being handled (handling is synchronous up to send) and its simulated latency.
  let currentRecord: RequestRecord | undefined;
  let currentIfMatch: string | undefined;
  let currentIfNoneMatch: string | undefined;
  const afterHooks = new WeakMap<RequestRecord, (() => void)[]>();
  let responseDelayMs = 0;
  function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
    const rec = currentRecord;
    const payload = body === undefined ? "" : JSON.stringify(body);
    const write = (): void => {
      if (rec) {
        rec.status = status;
        rec.durationMs = Date.now() - rec.time;
      }
      if (res.destroyed) return;
      res.writeHead(status, {
        ...(payload ? { "Content-Type": "application/json; charset=utf-8" } : {}),
        "Content-Length": String(Buffer.byteLength(payload)),
        ...headers,
      });
      res.end(payload);
      if (rec) {
        notify(rec);
        for (const run of afterHooks.get(rec) ?? []) run();
        afterHooks.delete(rec);
      }
    };
    if (responseDelayMs > 0) setTimeout(write, responseDelayMs);
    else write();
  }

  const waiters = new Set<{ pred: (r: RequestRecord) => boolean; resolve: (r: RequestRecord) => void }>();
  function notify(rec: RequestRecord): void {
    for (const w of waiters) {
      if (w.pred(rec)) {
        waiters.delete(w);
        w.resolve(rec);
      }
    }
  }

  function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const method = (req.method ?? "GET").toUpperCase();
    // Scope-based SDK paths arrive as `//subscriptions/...` (a leading-slash scope): collapse, as ARM does, before
    // URL parsing would take `subscriptions` for a host.
    const rawUrl = (req.url ?? "/").replace(/^\/+/, "/");
    const u = new URL(rawUrl.replace(/^([^?]*)/, (m) => m.replace(/\/{2,}/g, "/")), "https://127.0.0.1");
    const path = safeDecode(u.pathname);
    const apiVersion = u.searchParams.get("api-version") ?? undefined;
    const bearer = /^Bearer\s+(\S+)/i.exec(String(req.headers["authorization"] ?? ""))?.[1];
    const auth = bearer !== undefined;
    const audience = bearer !== undefined ? tokenAudience(bearer) : undefined;
    let parsedBody: unknown;
    if (raw) {
      try {
        parsedBody = JSON.parse(raw);
      } catch {
        parsedBody = raw;
      }
    }
    const rec: RequestRecord = {
      method, path, query: u.search, apiVersion, status: 0, time: Date.now(), durationMs: 0, auth,
      ...(audience !== undefined ? { audience } : {}), host: String(req.headers.host ?? ""),
      userAgent: str(req.headers["user-agent"]),
      ...(method !== "GET" && method !== "HEAD" && parsedBody !== undefined ? { body: parsedBody } : {}),
      ...(req.headers["if-match"] !== undefined ? { ifMatch: String(req.headers["if-match"]) } : {}),
      ...(req.headers["x-ms-client-request-id"] !== undefined ? { clientRequestId: String(req.headers["x-ms-client-request-id"]) } : {}),
    };
    requests.push(rec);
    currentRecord = rec;
    // ARM's optimistic concurrency headers (RPC: a write whose If-Match etag is stale gets 412).
    currentIfMatch = str(req.headers["if-match"]);
    currentIfNoneMatch = str(req.headers["if-none-match"]);
    const triggered = hooks.filter((h) => h.hits < (h.times ?? 1) && (!h.method || h.method.toUpperCase() === method) && (typeof h.match === "string" ? path.toLowerCase().includes(h.match.toLowerCase()) : h.match.test(path)));
    for (const h of triggered) h.hits++;
    for (const h of triggered) if ((h.when ?? "before") === "before") h.run();
    afterHooks.set(rec, triggered.filter((h) => h.when === "after").map((h) => h.run));
    responseDelayMs = (opts.requestLatencyMs ?? 0) * (opts.latencyScale ?? 1);
    notify(rec);
    res.setHeader("x-ms-correlation-request-id", str(req.headers["x-ms-correlation-request-id"]) ?? randomUUID());
    res.setHeader("x-ms-request-id", randomUUID());
    const clientRequestId = str(req.headers["x-ms-client-request-id"]);
    if (clientRequestId) res.setHeader("x-ms-client-request-id", clientRequestId);
    res.setHeader("x-ms-ratelimit-remaining-subscription-reads", "11999");

    const fault = takeFault(method, path);
    if (fault) {
      rec.fault = fault.kind;
      switch (fault.kind) {
        case "reset":
          rec.durationMs = Date.now() - rec.time;
          req.socket.destroy();
          return;
        case "hang":
          return; // never answered; close() drops the socket
        case "stall":
          // The status line and headers arrive, the body never completes.
          res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": "1000" });
          res.write('{"id":');
          return;
        case "throttle":
          return send(res, 429, { error: fault.error ?? { code: "TooManyRequests", message: "The request is being throttled." } }, { "Retry-After": String(fault.retryAfterSec ?? 0) });
        case "error500":
          return send(res, 500, { error: fault.error ?? { code: "InternalServerError", message: "Encountered internal server error (injected)." } });
        case "error503":
          return send(res, 503, { error: fault.error ?? { code: "ServiceUnavailable", message: "The service is temporarily unavailable (injected)." } }, fault.retryAfterSec !== undefined ? { "Retry-After": String(fault.retryAfterSec) } : {});
        case "badRequest":
          return send(res, 400, { error: fault.error ?? { code: "BadRequest", message: "The request is invalid (injected)." } });
        default:
          break;
      }
    }
    // Anonymous, like ARM's: how a client learns this cloud's token audience and sign-in host.
    if (method === "GET" && path.toLowerCase() === "/metadata/endpoints") {
      if (opts.metadata === false) return send(res, 404, { error: { code: "NotFound", message: "The requested resource was not found." } });
      return send(res, 200, metadataDocument(opts.cloud ?? "AzureCloud", base));
    }
    if (!auth) {
      return send(res, 401, { error: { code: "AuthenticationFailed", message: "Authentication failed. The 'Authorization' header is missing." } }, { "WWW-Authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."' });
    }
    const rejected = audienceRejection(audience, allowedAudiences(opts.cloud ?? "AzureCloud"));
    if (rejected) {
      return send(res, 401, { error: rejected }, { "WWW-Authenticate": `Bearer authorization_uri="https://login.windows.net/", error="invalid_token", error_description="${rejected.message.replace(/"/g, "'")}"` });
    }
    if (!apiVersion) {
      return send(res, 400, { error: { code: "MissingApiVersionParameter", message: "The api-version query parameter (?api-version=) is required for all requests." } });
    }
    tick();
    try {
      route(method, path, u, parsedBody, res, apiVersion);
    } catch (e) {
      if (e instanceof ArmError) return send(res, e.status, e.body());
      throw e;
    }
  }

  // ------------------------------------------------------------ routing

  function route(method: string, path: string, u: URL, body: unknown, res: ServerResponse, apiVersion: string): void {
    const seg = path.split("/").filter((s) => s !== "");
    const l = seg.map((s) => s.toLowerCase());
    if (l[0] !== "subscriptions" || seg.length < 2) throw new ArmError(404, "InvalidResourceType", `The resource type could not be found for path '${path}'.`);
    const sub = seg[1]!;
    if (opts.subscriptions && !opts.subscriptions.some((s) => s.toLowerCase() === sub.toLowerCase())) {
      throw new ArmError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`);
    }

    // Authorization endpoints at any scope: {scope}/providers/Microsoft.Authorization/...
    const authIdx = path.toLowerCase().lastIndexOf("/providers/microsoft.authorization/");
    if (authIdx >= 0) {
      const scope = path.slice(0, authIdx);
      const rest = path.slice(authIdx + "/providers/microsoft.authorization/".length).split("/");
      return authorization(method, scope, rest, u, body, res);
    }
    if (seg.length === 2) {
      if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", "Method not allowed.");
      return send(res, 200, { id: `/subscriptions/${sub}`, subscriptionId: sub, displayName: "aks-net test subscription", state: "Enabled", tenantId: FAKE_TENANT_ID });
    }
    // Async operation status / results.
    if (l[2] === "providers" && l[4] === "locations" && (l[6] === "operations" || l[6] === "operationresults") && seg.length === 8) {
      return operationStatus(seg[7]!, l[6] === "operationresults", res);
    }
    if (l[2] === "operationresults" && seg.length === 4) return operationStatus(seg[3]!, true, res);
    // Compute quota and SKUs.
    if (l[2] === "providers" && l[3] === "microsoft.compute") {
      if (l[4] === "locations" && l[6] === "usages" && seg.length === 7) return send(res, 200, { value: computeUsages(seg[5]!) });
      if (l[4] === "skus" && seg.length === 5) return send(res, 200, { value: computeSkus(u.searchParams.get("$filter")) });
    }
    // AKS's Kubernetes versions of a location (KubernetesVersionListResult: `values`, patches as a map to upgrades).
    if (l[2] === "providers" && l[3] === "microsoft.containerservice" && l[4] === "locations" && l[6] === "kubernetesversions" && seg.length === 7) {
      if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", "Method not allowed.");
      const table = Object.entries(opts.kubernetesVersions ?? DEFAULT_K8S_VERSIONS);
      const values = table.map(([version, patches], i) => ({
        version,
        capabilities: { supportPlan: ["KubernetesOfficial"] },
        ...(i === 0 ? { isDefault: true } : {}),
        patchVersions: Object.fromEntries(patches.map((p) => [p, { upgrades: patches.filter((q) => q > p) }])),
      }));
      return send(res, 200, { values });
    }
    // A resource provider's registration, with the locations of each resource type.
    if (l[2] === "providers" && seg.length === 4) {
      if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", "Method not allowed.");
      return send(res, 200, providerInfo(sub, seg[3]!));
    }
    // Subscription-wide list of a type: /subscriptions/s/providers/ns/type
    if (l[2] === "providers" && seg.length === 5) {
      if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", "Method not allowed.");
      const type = `${seg[3]}/${seg[4]}`.toLowerCase();
      return send(res, 200, { value: [...store.values()].filter((r) => r.type.toLowerCase() === type && isUnder(r.id, `/subscriptions/${sub}`)).map((r) => render(view, r)) });
    }
    if (l[2] === "resources" && seg.length === 3) {
      return send(res, 200, { value: [...store.values()].filter((r) => parseId(r.id)?.types.length === 1 && isUnder(r.id, `/subscriptions/${sub}`)).map(summary) });
    }
    if (l[2] !== "resourcegroups") throw new ArmError(404, "InvalidResourceType", `The resource type could not be found for path '${path}'.`);
    if (seg.length === 3) {
      if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", "Method not allowed.");
      return send(res, 200, { value: [...store.values()].filter((r) => r.type === "Microsoft.Resources/resourceGroups" && isUnder(r.id, `/subscriptions/${sub}`)).map((r) => clone(r.body)) });
    }
    const rg = seg[3]!;
    const groupId = rgId(sub, rg);
    if (seg.length === 4) return resourceGroup(method, sub, rg, body, res, apiVersion);
    const group = store.get(key(groupId));
    if (l[4] === "resources" && seg.length === 5) {
      if (!group) throw rgNotFound(rg);
      return send(res, 200, { value: [...store.values()].filter((r) => parseId(r.id)?.types.length === 1 && isUnder(r.id, groupId)).map(summary) });
    }
    if (l[4] !== "providers" || seg.length < 7) throw new ArmError(404, "InvalidResourceType", `The resource type could not be found for path '${path}'.`);
    if (!group) throw rgNotFound(rg);
    const typeSegs = seg.slice(6);
    if (typeSegs.length % 2 === 1) {
      // A collection (list) or a per-resource action like virtualNetworks/{v}/usages.
      const parentSegs = seg.slice(0, seg.length - 1);
      const parentId = "/" + parentSegs.join("/");
      const last = l[l.length - 1]!;
      if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", `The requested method ${method} is not allowed on a collection.`);
      if (parentSegs.length === 6) {
        const type = `${seg[5]}/${seg[6]}`.toLowerCase();
        return send(res, 200, { value: [...store.values()].filter((r) => r.type.toLowerCase() === type && isUnder(r.id, groupId)).map((r) => render(view, r)) });
      }
      const parent = store.get(key(parentId));
      if (!parent) throw notFound(parentId);
      if (last === "usages" && parent.type.toLowerCase() === TYPES.vnet) return send(res, 200, { value: vnetUsages(view, parent.id) });
      if (last === "agentpools" && parent.type.toLowerCase() === TYPES.cluster) return send(res, 200, { value: agentPools(parent) });
      return send(res, 200, { value: view.childrenOf(parent.id, seg[seg.length - 1]!).map((r) => render(view, r)) });
    }
    const id = canonicalId(seg);
    // A cluster's agent pools are views of its agentPoolProfiles (read-only in this fake).
    if (l[l.length - 2] === "agentpools" && method === "GET") {
      const cluster = store.get(key(parentOf(id)));
      const pool = cluster && cluster.type.toLowerCase() === TYPES.cluster ? agentPools(cluster).find((p) => String(p["name"]).toLowerCase() === l[l.length - 1]) : undefined;
      if (!cluster) throw new ArmError(404, "ParentResourceNotFound", `Can not perform requested operation on nested resource. Parent resource '${lastSegment(parentOf(id))}' not found.`);
      if (!pool) throw notFound(id);
      return send(res, 200, pool);
    }
    return resource(method, id, body, res, apiVersion, sub, path);
  }

  /** 409 as the resource providers word it (Network points at the running operation's status URL). */
  function anotherOperation(running: Operation, type: string): ArmError {
    if (type.toLowerCase().startsWith("microsoft.network/")) {
      return new ArmError(409, "AnotherOperationInProgress", `Another operation on this or dependent resource is in progress. To retrieve status of the operation use uri: ${opUrls(running).asyncOp}.`);
    }
    return new ArmError(409, "AnotherOperationInProgress", `Operation is not allowed because there's an in progress ${running.kind === "put" ? "create or update" : "delete"} operation on '${lastSegment(running.resourceId)}'. Please wait for it to finish before starting a new operation.`);
  }

  /** networkConflicts: a Network write while another Network operation runs on the same top-level resource. */
  function relatedNetworkOp(id: string, type: string): Operation | undefined {
    if (!type.toLowerCase().startsWith("microsoft.network/")) return undefined;
    const top = key(topLevelId(id));
    for (const op of ops.values()) {
      if (op.status === "InProgress" && op.type.toLowerCase().startsWith("microsoft.network/") && key(topLevelId(op.resourceId)) === top) return op;
    }
    return undefined;
  }

  /** networkConflicts: 429 RetryableError when a Network PUT references a resource whose operation still runs. */
  function refusedReferenceNotProvisioned(id: string, type: string, body: Json, res: ServerResponse): boolean {
    if (!type.toLowerCase().startsWith("microsoft.network/")) return false;
    const refs: string[] = [];
    const walk = (v: unknown, depth: number): void => {
      if (depth > 20) return;
      if (typeof v === "string" && parseId(v)) refs.push(v);
      else if (Array.isArray(v)) v.forEach((x) => walk(x, depth + 1));
      else if (v && typeof v === "object") Object.values(v as Json).forEach((x) => walk(x, depth + 1));
    };
    walk(body["properties"], 0);
    for (const ref of refs) {
      if (isUnder(ref, id)) continue;
      const op = runningOpFor(ref) ?? runningOpFor(topLevelId(ref));
      if (!op) continue;
      send(res, 429, {
        error: {
          code: "RetryableError",
          message: "A retryable error occurred.",
          details: [{ code: "ReferencedResourceNotProvisioned", message: `Cannot proceed with operation because resource ${ref} used by resource ${id} is not in Succeeded state. Resource is in Updating state and the last operation that updated/is updating the resource is ${opName(op)}.` }],
        },
      }, { "Retry-After": String(opts.conflictRetryAfterSec ?? 1) });
      return true;
    }
    return false;
  }

  /** `PutSubnetOperation`, `DeleteVirtualNetworkOperation`: how Network names its operations. */
  function opName(op: Operation): string {
    const plural = op.type.split("/").pop() ?? "Resources";
    const t = plural.endsWith("sses") ? plural.slice(0, -2) : plural.replace(/s$/, "");
    return `${op.kind === "put" ? "Put" : "Delete"}${t.charAt(0).toUpperCase()}${t.slice(1)}Operation`;
  }

  function agentPools(cluster: StoredResource): Json[] {
    return arr(props(cluster.body)["agentPoolProfiles"]).map(obj).map((pp) => {
      const { name, ...rest } = pp;
      return { id: `${cluster.id}/agentPools/${String(name)}`, name, type: "Microsoft.ContainerService/managedClusters/agentPools", properties: clone(rest) };
    });
  }

  /** GET /subscriptions/{s}/providers/{namespace}: Registered; only Microsoft.ContainerService lists locations. */
  function providerInfo(sub: string, namespace: string): Json {
    const aks = namespace.toLowerCase() === "microsoft.containerservice";
    const locations = opts.aksLocations ?? AKS_LOCATIONS;
    return {
      id: `/subscriptions/${sub}/providers/${aks ? "Microsoft.ContainerService" : namespace}`,
      namespace: aks ? "Microsoft.ContainerService" : namespace,
      registrationState: "Registered",
      registrationPolicy: "RegistrationRequired",
      resourceTypes: aks ? [{ resourceType: "managedClusters", locations: [...locations], apiVersions: ["2025-10-01"], capabilities: "SystemAssignedResourceIdentity, SupportsTags, SupportsLocation" }] : [],
    };
  }

  function canonicalId(seg: string[]): string {
    return `/subscriptions/${seg[1]}/resourceGroups/${seg[3]}/providers/${seg.slice(5).join("/")}`;
  }

  function summary(r: StoredResource): Json {
    return { id: r.id, name: r.body["name"], type: r.type, location: r.body["location"], ...(r.body["tags"] ? { tags: r.body["tags"] } : {}), ...(r.body["sku"] ? { sku: r.body["sku"] } : {}), ...(r.body["identity"] ? { identity: r.body["identity"] } : {}) };
  }

  /**
   * If-Match / If-None-Match on a write (ARM RPC, RFC 7232): If-Match must name the current etag (or be `*` for "exists"),
   * If-None-Match `*` means "must not exist"; otherwise 412 PreconditionFailed and nothing is written.
   */
  function checkPrecondition(existing: StoredResource | undefined): void {
    const current = existing ? (str(existing.body["etag"]) ?? str(existing.body["eTag"])) : undefined;
    const failed = (): ArmError => new ArmError(412, "PreconditionFailed", `The condition specified using HTTP conditional header(s) is not met. If-Match: ${currentIfMatch ?? ""}${current ? `, current etag: ${current}` : ", the resource does not exist"}.`);
    if (currentIfMatch !== undefined) {
      if (!existing) throw failed();
      if (currentIfMatch.trim() !== "*" && !currentIfMatch.split(",").map((x) => x.trim()).includes(current ?? "")) throw failed();
    }
    if (currentIfNoneMatch?.trim() === "*" && existing) throw new ArmError(412, "PreconditionFailed", "The condition specified using HTTP conditional header(s) is not met: the resource exists (If-None-Match: *).");
  }

  function rgNotFound(rg: string): ArmError {
    return new ArmError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
  }

  function notFound(id: string): ArmError {
    const p = parseId(id);
    if (!p) return new ArmError(404, "ResourceNotFound", `The Resource '${id}' was not found.`);
    return new ArmError(404, "ResourceNotFound", `The Resource '${[p.namespace, ...p.types].join("/")}/${p.names.join("/")}' under resource group '${p.resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
  }

  function resourceGroup(method: string, sub: string, rg: string, body: unknown, res: ServerResponse, apiVersion: string): void {
    const id = rgId(sub, rg);
    const existing = store.get(key(id));
    if (method === "GET") {
      if (!existing) throw rgNotFound(rg);
      return send(res, 200, clone(existing.body));
    }
    if (method === "HEAD") return send(res, existing ? 204 : 404);
    if (method === "PUT" || method === "PATCH") {
      if (existing && runningOpFor(id)) {
        throw new ArmError(409, "ResourceGroupBeingDeleted", `The resource group '${rg}' is in deprovisioning state and cannot perform this operation.`);
      }
      const b = obj(body);
      checkResourceGroupName(rg);
      checkTags(b["tags"]);
      const location = str(b["location"]) ?? str(existing?.body["location"]);
      if (!location) throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
      if (existing && location.toLowerCase() !== String(existing.body["location"]).toLowerCase()) {
        throw new ArmError(409, "InvalidResourceGroupLocation", `Invalid resource group location '${location}'. The Resource group already exists in location '${String(existing.body["location"])}'.`);
      }
      const name = existing ? String(existing.body["name"]) : rg;
      const rid = existing?.id ?? id;
      const stored: Json = { id: rid, name, type: "Microsoft.Resources/resourceGroups", location: location.toLowerCase().replace(/\s+/g, ""), ...(b["tags"] ?? existing?.body["tags"] ? { tags: b["tags"] ?? existing?.body["tags"] } : {}), ...(b["managedBy"] ? { managedBy: b["managedBy"] } : {}), properties: { provisioningState: "Succeeded" } };
      store.set(key(id), { id: rid, type: "Microsoft.Resources/resourceGroups", body: stored });
      if (!existing) responseDelayMs += latencyFor("Microsoft.Resources/resourceGroups", true) ?? 0;
      return send(res, existing ? 200 : 201, clone(stored));
    }
    if (method === "DELETE") {
      if (!existing) return send(res, 404, rgNotFound(rg).body());
      const op = runningOpFor(id) ?? startOp("delete", id, "Microsoft.Resources/resourceGroups", apiVersion, sub, String(existing.body["location"]), id, method);
      setState(id, "Deleting");
      const q = `api-version=${encodeURIComponent(apiVersion)}`;
      return send(res, 202, undefined, { Location: `${lroBase()}/subscriptions/${sub}/operationresults/${op.id}?${q}` });
    }
    throw new ArmError(405, "MethodNotAllowed", `The requested method ${method} is not allowed.`);
  }

  function operationStatus(opId: string, asResult: boolean, res: ServerResponse): void {
    const op = ops.get(opId);
    if (!op) throw new ArmError(404, "OperationNotFound", `The operation '${opId}' was not found.`);
    pollOp(op);
    const retry: Record<string, string> = op.status === "InProgress" && opts.pollRetryAfterSec !== undefined ? { "Retry-After": String(opts.pollRetryAfterSec) } : {};
    if (!asResult) return send(res, 200, opStatusBody(op), retry);
    if (op.status === "InProgress") return send(res, 202, undefined, { ...retry, Location: `${lroBase()}${`/subscriptions/${op.subscription}/operationresults/${op.id}`}?api-version=${encodeURIComponent(op.apiVersion)}` });
    if (op.status === "Failed") return send(res, 400, { error: op.error });
    if (op.kind === "put") {
      const r = store.get(key(op.resourceId));
      return r ? send(res, 200, render(view, r)) : send(res, 204);
    }
    return send(res, 200);
  }

  function resource(method: string, id: string, body: unknown, res: ServerResponse, apiVersion: string, sub: string, path: string): void {
    const type = typeOfId(id)!;
    const parsed = parseId(id)!;
    // A GET of a resource whose operation counts polls is a poll too: a re-run that waits by GETting (the operation
    // a killed run started) sees it finish, as it would in Azure.
    const pending = method === "GET" ? runningOpFor(id) : undefined;
    if (pending) pollOp(pending);
    const existing = store.get(key(id));
    const parentId = parentOf(id);
    if (parsed.types.length > 1 && !store.get(key(parentId))) {
      if (method === "DELETE") return send(res, 204);
      throw new ArmError(404, "ParentResourceNotFound", `Can not perform requested operation on nested resource. Parent resource '${parsed.names.slice(0, -1).join("/")}' not found.`);
    }
    if (method === "GET") {
      if (!existing) throw notFound(id);
      return send(res, 200, render(view, existing));
    }
    if (method === "PUT" || method === "DELETE") checkPrecondition(existing);
    if (method === "PUT") {
      if (body === undefined || typeof body !== "object" || body === null || Array.isArray(body)) {
        throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized.");
      }
      const running = runningOpFor(id) ?? (opts.networkConflicts ? relatedNetworkOp(id, type) : undefined);
      if (running) throw anotherOperation(running, type);
      if (opts.networkConflicts && refusedReferenceNotProvisioned(id, type, body as Json, res)) return;
      const lro = isLroType(type);
      const creating = !existing;
      const state = !lro ? "Succeeded" : type.toLowerCase() === TYPES.cluster && creating ? "Creating" : "Updating";
      const built = buildWrite(view, id, type, body as Json, { validate: true, existing, defaultLocation: opts.location ?? "eastus", provisioningState: state, quota: quotaView, regionZones });
      applyWrite(existing?.id ?? id, type, built);
      const stored = store.get(key(id))!;
      if (!lro) {
        responseDelayMs += latencyFor(type, true) ?? 0; // synchronous types: the simulated work delays the answer
        return send(res, creating ? 201 : 200, render(view, stored));
      }
      const location = str(stored.body["location"]) ?? str(store.get(key(rgId(parsed.subscription, parsed.resourceGroup)))?.body["location"]) ?? "eastus";
      const op = startOp("put", stored.id, type, apiVersion, sub, location, path, method);
      const urls = opUrls(op);
      return send(res, creating ? 201 : 200, render(view, stored), {
        "Azure-AsyncOperation": urls.asyncOp,
        ...(opts.initialRetryAfterSec !== undefined ? { "Retry-After": String(opts.initialRetryAfterSec) } : {}),
      });
    }
    if (method === "DELETE") {
      if (!existing) return send(res, 204);
      if (!isLroType(type)) {
        checkDelete(view, existing);
        removeTree(existing.id);
        return send(res, 200);
      }
      const running = runningOpFor(id);
      const related = !running && opts.networkConflicts ? relatedNetworkOp(id, type) : undefined;
      if (related) throw anotherOperation(related, type);
      let op: Operation;
      if (running?.kind === "delete") op = running;
      else {
        checkDelete(view, existing);
        if (running) {
          running.status = "Canceled";
          running.endTime = Date.now();
          running.error = { code: "OperationCanceled", message: "The operation was canceled by a delete." };
        }
        setState(existing.id, "Deleting");
        const location = str(existing.body["location"]) ?? str(store.get(key(rgId(parsed.subscription, parsed.resourceGroup)))?.body["location"]) ?? "eastus";
        op = startOp("delete", existing.id, type, apiVersion, sub, location, path, method);
      }
      const urls = opUrls(op);
      return send(res, 202, undefined, { "Azure-AsyncOperation": urls.asyncOp, Location: urls.location, ...(opts.initialRetryAfterSec !== undefined ? { "Retry-After": String(opts.initialRetryAfterSec) } : {}) });
    }
    if (method === "HEAD") return send(res, existing ? 204 : 404);
    if (method === "PATCH") {
      // Tags-only update (updateTags), synchronous as in ARM.
      if (!existing) throw notFound(id);
      const tags = obj(body)["tags"];
      if (tags !== undefined) existing.body["tags"] = clone(tags);
      return send(res, 200, render(view, existing));
    }
    throw new ArmError(405, "MethodNotAllowed", `The requested method ${method} is not allowed.`);
  }

  // ------------------------------------------------------------ Microsoft.Authorization

  function roleAssignmentBody(id: string, scope: string, p: Json): Json {
    return {
      id,
      name: lastSegment(id),
      type: "Microsoft.Authorization/roleAssignments",
      properties: {
        roleDefinitionId: p["roleDefinitionId"],
        principalId: p["principalId"],
        principalType: p["principalType"] ?? "ServicePrincipal",
        scope,
        ...(p["description"] ? { description: p["description"] } : {}),
        ...(p["condition"] ? { condition: p["condition"], conditionVersion: p["conditionVersion"] ?? "2.0" } : {}),
        createdOn: new Date().toISOString(),
        updatedOn: new Date().toISOString(),
        createdBy: FAKE_CALLER_PRINCIPAL_ID,
        updatedBy: FAKE_CALLER_PRINCIPAL_ID,
      },
    };
  }

  /** 404 when a role-assignment or permissions scope (group or resource) does not exist. */
  function checkScope(scope: string): void {
    const seg = scope.split("/").filter((s) => s !== "");
    if (seg.length >= 4 && seg[2]!.toLowerCase() === "resourcegroups") {
      if (!store.get(key(rgId(seg[1]!, seg[3]!)))) throw rgNotFound(seg[3]!);
      if (seg.length > 4 && !store.get(key(scope))) throw notFound(canonicalId(seg));
    }
  }

  function authorization(method: string, scope: string, rest: string[], u: URL, body: unknown, res: ServerResponse): void {
    const kind = (rest[0] ?? "").toLowerCase();
    if (kind === "permissions" && rest.length === 1) {
      if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", "Method not allowed.");
      checkScope(scope);
      const p = typeof permissions === "function" ? permissions(scope) : (permissions ?? [{ actions: ["*"], notActions: [] }]);
      return send(res, 200, { value: p.map((x) => ({ actions: x.actions, notActions: x.notActions, dataActions: x.dataActions ?? [], notDataActions: x.notDataActions ?? [] })) });
    }
    if (kind === "roledefinitions" && rest.length === 2 && method === "GET") {
      const guid = rest[1]!.toLowerCase();
      const name = BUILTIN_ROLES[guid];
      if (!name) throw new ArmError(404, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${rest[1]!}' does not exist.`);
      return send(res, 200, {
        id: `${scope}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        name: guid,
        type: "Microsoft.Authorization/roleDefinitions",
        properties: { roleName: name, type: "BuiltInRole", assignableScopes: ["/"], permissions: [{ actions: guid === NETWORK_CONTRIBUTOR_GUID ? ["Microsoft.Network/*", "Microsoft.Authorization/*/read", "Microsoft.Resources/subscriptions/resourceGroups/read"] : ["*"], notActions: [] }] },
      });
    }
    if (kind !== "roleassignments") throw new ArmError(404, "InvalidResourceType", `The resource type '${rest[0] ?? ""}' could not be found in the namespace 'Microsoft.Authorization'.`);
    if (rest.length === 1) {
      if (method !== "GET") throw new ArmError(405, "MethodNotAllowed", "Method not allowed.");
      checkScope(scope);
      return send(res, 200, { value: listRoleAssignments(scope, u.searchParams.get("$filter")) });
    }
    const name = rest[1]!;
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
    const existing = store.get(key(id));
    if (method === "GET") {
      if (!existing) throw new ArmError(404, "RoleAssignmentNotFound", `The role assignment '${name}' is not found.`);
      return send(res, 200, clone(existing.body));
    }
    if (method === "DELETE") {
      if (!existing) return send(res, 204);
      store.delete(key(id));
      return send(res, 200, clone(existing.body));
    }
    if (method !== "PUT") throw new ArmError(405, "MethodNotAllowed", "Method not allowed.");
    checkScope(scope);
    const p = props(obj(body));
    const roleDefinitionId = str(p["roleDefinitionId"]);
    const principalId = str(p["principalId"]);
    if (!roleDefinitionId || !principalId) throw new ArmError(400, "InvalidRoleAssignmentRequest", "The role assignment request must specify roleDefinitionId and principalId.");
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(name)) {
      throw new ArmError(400, "InvalidRoleAssignmentId", `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
    }
    const roleGuid = lastSegment(roleDefinitionId).toLowerCase();
    if (opts.checkRoleDefinitions !== false && !BUILTIN_ROLES[roleGuid] && !(opts.roleDefinitions ?? []).some((g) => g.toLowerCase() === roleGuid)) {
      throw new ArmError(400, "RoleDefinitionDoesNotExist", `The specified role definition with ID '${lastSegment(roleDefinitionId)}' does not exist.`);
    }
    if (existing) {
      const ep = props(existing.body);
      if (String(ep["principalId"]) !== principalId || String(ep["roleDefinitionId"]).toLowerCase() !== roleDefinitionId.toLowerCase()) {
        throw new ArmError(400, "RoleAssignmentUpdateNotPermitted", "Tenant ID, application ID, principal ID, and scope are not allowed to be updated.");
      }
      return send(res, 201, clone(existing.body));
    }
    if (opts.checkPrincipals !== false && !p["principalType"] && !view.principals().has(principalId)) {
      throw new ArmError(400, "PrincipalNotFound", `Principal ${principalId.replace(/-/g, "")} does not exist in the directory ${FAKE_TENANT_ID}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`);
    }
    const dup = [...store.values()].find((r) => r.type === "Microsoft.Authorization/roleAssignments" && key(String(props(r.body)["scope"])) === key(scope)
      && String(props(r.body)["principalId"]) === principalId && String(props(r.body)["roleDefinitionId"]).toLowerCase() === roleDefinitionId.toLowerCase());
    if (dup) throw new ArmError(409, "RoleAssignmentExists", "The role assignment already exists.");
    const stored = roleAssignmentBody(id, scope, p);
    store.set(key(id), { id, type: "Microsoft.Authorization/roleAssignments", body: stored });
    responseDelayMs += latencyFor("Microsoft.Authorization/roleAssignments", true) ?? 0;
    return send(res, 201, clone(stored));
  }

  function listRoleAssignments(scope: string, filter: string | null): Json[] {
    const f = (filter ?? "").trim();
    const atScope = /atScope\(\)/i.test(f);
    const principal = /principalId\s+eq\s+'([^']+)'/i.exec(f)?.[1] ?? /assignedTo\('([^']+)'\)/i.exec(f)?.[1];
    return [...store.values()]
      .filter((r) => r.type === "Microsoft.Authorization/roleAssignments")
      .filter((r) => {
        const at = String(props(r.body)["scope"]);
        const above = isUnder(scope, at);
        const below = isUnder(at, scope);
        if (atScope ? !above : !(above || below)) return false;
        return !principal || String(props(r.body)["principalId"]).toLowerCase() === principal.toLowerCase();
      })
      .map((r) => clone(r.body));
  }

  // ------------------------------------------------------------ Microsoft.Compute

  function skuTable(): SkuDef[] {
    return opts.skus ?? DEFAULT_SKUS;
  }

  function regionZones(location: string): string[] {
    return (opts.zonalRegions ?? FAKE_ZONAL_REGIONS).includes(location.toLowerCase().replace(/\s+/g, "")) ? ["1", "2", "3"] : [];
  }

  /** The zones a size is offered in at a location, less the subscription's zone restrictions. */
  function skuZones(s: SkuDef, location: string): string[] {
    const offered = regionZones(location).filter((z) => (s.zones ?? ["1", "2", "3"]).includes(z));
    return offered.filter((z) => !(s.restrictedZones ?? []).includes(z));
  }

  function quotaView(location: string, excludeId: string): QuotaView {
    const usages = computeUsages(location, excludeId);
    const left = (name: string): number => {
      const u = usages.find((x) => obj(x["name"])["value"] === name);
      return u ? Number(u["limit"]) - Number(u["currentValue"]) : Infinity;
    };
    return {
      sku: (vmSize) => {
        const s = skuTable().find((x) => x.name.toLowerCase() === vmSize.toLowerCase());
        return s === undefined ? undefined : { family: s.family, vCPUs: s.vCPUs, zones: skuZones(s, location) };
      },
      left,
      leftTotal: left("cores"),
    };
  }

  function computeUsages(location: string, excludeId?: string): Json[] {
    const loc = location.toLowerCase();
    const used: Record<string, number> = {};
    let total = 0;
    for (const r of store.values()) {
      if (r.type.toLowerCase() !== TYPES.cluster || String(r.body["location"]).toLowerCase() !== loc) continue;
      if (excludeId && key(r.id) === key(excludeId)) continue;
      for (const pool of arr(props(r.body)["agentPoolProfiles"]).map(obj)) {
        const sku = skuTable().find((s) => s.name.toLowerCase() === String(pool["vmSize"]).toLowerCase());
        if (!sku) continue;
        const n = Number(pool["count"] ?? 1) * sku.vCPUs;
        used[sku.family] = (used[sku.family] ?? 0) + n;
        total += n;
      }
    }
    const families = new Set([...skuTable().map((s) => s.family), ...Object.keys(quota).filter((k) => k !== "cores")]);
    const entry = (name: string, localized: string, fromStore: number): Json => ({
      currentValue: (quota[name]?.current ?? 0) + fromStore,
      limit: quota[name]?.limit ?? 350,
      name: { value: name, localizedValue: localized },
      unit: "Count",
    });
    return [
      entry("cores", "Total Regional vCPUs", total),
      ...[...families].map((f) => entry(f, `${f.replace(/^standard/, "Standard ").replace(/Family$/, " Family")} vCPUs`, used[f] ?? 0)),
    ];
  }

  function computeSkus(filter: string | null): Json[] {
    const loc = /location\s+eq\s+'([^']+)'/i.exec(filter ?? "")?.[1]?.toLowerCase();
    const locations = loc ? [loc] : SKU_LOCATIONS;
    const out: Json[] = [];
    for (const s of skuTable()) {
      for (const l of locations) {
        const restricted = (s.restrictedIn ?? []).map((x) => x.toLowerCase()).includes(l);
        out.push({
          resourceType: "virtualMachines",
          name: s.name,
          tier: "Standard",
          size: s.name.replace(/^Standard_/, ""),
          family: s.family,
          locations: [l],
          locationInfo: [{ location: l, zones: regionZones(l).filter((z) => (s.zones ?? ["1", "2", "3"]).includes(z)), zoneDetails: [] }],
          capabilities: [
            { name: "vCPUs", value: String(s.vCPUs) },
            { name: "MemoryGB", value: String(s.memoryGB) },
            { name: "PremiumIO", value: /s_|s$/i.test(s.name) ? "True" : "False" },
            { name: "AcceleratedNetworkingEnabled", value: "True" },
          ],
          restrictions: [
            ...(restricted ? [{ type: "Location", values: [l], restrictionInfo: { locations: [l] }, reasonCode: "NotAvailableForSubscription" }] : []),
            ...((s.restrictedZones ?? []).length > 0 && regionZones(l).length > 0 ? [{ type: "Zone", values: [l], restrictionInfo: { locations: [l], zones: [...(s.restrictedZones ?? [])] }, reasonCode: "NotAvailableForSubscription" }] : []),
          ],
        });
      }
    }
    return out;
  }

  // ------------------------------------------------------------ public API

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  base = `https://127.0.0.1:${port}`;

  const subOf = (o?: { subscription?: string }): string => o?.subscription ?? FAKE_SUBSCRIPTION_ID;
  const locOf = (o?: { location?: string }): string => o?.location ?? opts.location ?? "eastus";
  const subnetBody = (s: string | SeedSubnet, subnetId: string): Json => {
    const d: SeedSubnet = typeof s === "string" ? { prefix: s } : s;
    const p: Json = { addressPrefix: d.prefix, ...(d.properties ?? {}) };
    if (d.routeTableId) p["routeTable"] = { id: d.routeTableId };
    if (d.natGatewayId) p["natGateway"] = { id: d.natGatewayId };
    if (d.nsgId) p["networkSecurityGroup"] = { id: d.nsgId };
    if (d.delegations) p["delegations"] = d.delegations.map((svc, i) => ({ name: `delegation${i}`, id: `${subnetId}/delegations/delegation${i}`, properties: { serviceName: svc } }));
    if (d.nics) p["ipConfigurations"] = Array.from({ length: d.nics }, (_, i) => ({ id: `${parentOf(parentOf(parentOf(subnetId)))}/providers/Microsoft.Network/networkInterfaces/nic-${lastSegment(subnetId)}-${i}/ipConfigurations/ipconfig1` }));
    return p;
  };

  const seed: Seeder = {
    resourceGroup: (name, o) => directPut(rgId(subOf(o), name), { location: locOf(o), ...(o?.tags ? { tags: o.tags } : {}) }),
    vnet: (rg, name, addressPrefixes, subnets, o) => {
      const id = `/subscriptions/${subOf(o)}/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${name}`;
      return directPut(id, {
        location: locOf(o),
        ...(o?.tags ? { tags: o.tags } : {}),
        properties: {
          addressSpace: { addressPrefixes },
          subnets: Object.entries(subnets ?? {}).map(([n, s]) => ({ name: n, properties: subnetBody(s, `${id}/subnets/${n}`) })),
        },
      });
    },
    subnet: (vnetId, name, s) => directPut(`${vnetId}/subnets/${name}`, { properties: subnetBody(s, `${vnetId}/subnets/${name}`) }),
    routeTable: (rg, name, routes, o) => directPut(`/subscriptions/${subOf(o)}/resourceGroups/${rg}/providers/Microsoft.Network/routeTables/${name}`, {
      location: locOf(o),
      properties: { routes: Object.entries(routes).map(([n, r]) => ({ name: n, properties: { ...r } })) },
    }),
    peering: (vnetId, name, remoteVnetId, o) => directPut(`${vnetId}/virtualNetworkPeerings/${name}`, {
      properties: { remoteVirtualNetwork: { id: remoteVnetId }, allowVirtualNetworkAccess: true, allowForwardedTraffic: o?.allowForwardedTraffic ?? false, useRemoteGateways: o?.useRemoteGateways ?? false },
    }),
    publicIp: (rg, name, o) => directPut(`/subscriptions/${subOf(o)}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPAddresses/${name}`, { location: locOf(o), sku: { name: "Standard" }, properties: { publicIPAllocationMethod: "Static" } }),
    publicIpPrefix: (rg, name, o) => directPut(`/subscriptions/${subOf(o)}/resourceGroups/${rg}/providers/Microsoft.Network/publicIPPrefixes/${name}`, { location: locOf(o), sku: { name: "Standard", tier: "Regional" }, properties: { prefixLength: o?.prefixLength ?? 30, publicIPAddressVersion: "IPv4" } }),
    identity: (rg, name, o) => directPut(`/subscriptions/${subOf(o)}/resourceGroups/${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`, { location: locOf(o) }),
    cluster: (rg, name, properties, o) => directPut(`/subscriptions/${subOf(o)}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`, {
      location: locOf(o),
      ...(o?.identity ? { identity: o.identity } : {}),
      properties: { agentPoolProfiles: [{ name: "nodepool1", count: 3, vmSize: "Standard_D4s_v5", mode: "System" }], ...properties },
    }),
    roleAssignment: (scope, principalId, roleDefinitionGuid, o) => {
      const name = o?.name ?? randomUUID();
      const sub = subOf(o);
      return directPut(`${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`, {
        properties: { principalId, roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${roleDefinitionGuid}`, principalType: "ServicePrincipal" },
      });
    },
  };

  const fake: FakeArm = {
    url: base,
    port,
    caFile: cert.caFile,
    caPem: cert.cert,
    options: opts,
    requests,
    faults,
    writes: () => requests.filter((r) => r.method !== "GET" && r.method !== "HEAD"),
    get: (id) => {
      tick();
      const r = store.get(key(id));
      return r ? render(view, r) : undefined;
    },
    list: (prefix = "/") => {
      tick();
      return [...store.values()].filter((r) => prefix === "/" || isUnder(r.id, prefix) || key(r.id).startsWith(key(prefix))).sort((a, b) => key(a.id).localeCompare(key(b.id))).map((r) => render(view, r));
    },
    put: directPut,
    remove: removeTree,
    seed,
    snapshot: () => {
      tick();
      const out: Record<string, Json> = {};
      for (const r of [...store.values()].sort((a, b) => key(a.id).localeCompare(key(b.id)))) {
        const b = render(view, r);
        delete b["etag"];
        out[r.id] = b;
      }
      return out;
    },
    reset: () => {
      store.clear();
      ops.clear();
      requests.length = 0;
      faults.length = 0;
      hooks.length = 0;
      permissions = opts.permissions;
      for (const k of Object.keys(quota)) delete quota[k];
      Object.assign(quota, opts.quota ?? {});
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
    addFault: (spec) => {
      const f: Fault = { ...spec, hits: 0, remove: () => { const i = faults.indexOf(f); if (i >= 0) faults.splice(i, 1); } };
      faults.push(f);
      return f;
    },
    clearFaults: () => {
      faults.length = 0;
    },
    waitForRequest: (pred, timeoutMs = 10_000) => {
      const seen = requests.find(pred);
      if (seen) return Promise.resolve(seen);
      return new Promise<RequestRecord>((resolve, reject) => {
        const w = {
          pred,
          resolve: (r: RequestRecord) => {
            clearTimeout(timer);
            resolve(r);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`fake-arm: no matching request within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
        waiters.add(w);
      });
    },
    operations: () => {
      tick();
      return [...ops.values()];
    },
    completeAll: () => {
      for (const op of ops.values()) finish(op);
    },
    setPermissions: (p) => {
      permissions = p;
    },
    setQuota: (family, entry) => {
      quota[family] = entry;
    },
    onRequest: (spec, run) => {
      const h = { ...spec, hits: 0, run, remove: () => { const i = hooks.indexOf(h); if (i >= 0) hooks.splice(i, 1); } };
      hooks.push(h);
      return h;
    },
  };
  return fake;
}
