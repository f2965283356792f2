/**
 * The fake ARM server, driven by the REAL Azure SDK clients (the same code paths the CLI uses), plus one spawn of the
 * built CLI through runCli to prove the harness.
 */
import assert from "node:assert/strict";
import type { TokenCredential } from "@azure/core-auth";
import { isRestError } from "@azure/core-rest-pipeline";
import { NetworkManagementClient } from "@azure/arm-network";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import type { ManagedCluster } from "@azure/arm-containerservice";
import { ResourceManagementClient } from "@azure/arm-resources";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { ComputeManagementClient } from "@azure/arm-compute";
import { FAKE_SUBSCRIPTION_ID, NETWORK_CONTRIBUTOR, fakeToken, startFakeArm } from "../fakes/fake-arm.ts";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { runCli } from "../helpers/run-cli.ts";

// Like Entra ID: a token for the resource the scope names (the fake ARM checks its audience).
const credential: TokenCredential = {
  getToken: async (scopes) => ({ token: fakeToken([scopes].flat()[0]!.replace(/\/\.default$/, "")), expiresOnTimestamp: Date.now() + 3_600_000, tokenType: "Bearer" }),
};
const SUB = FAKE_SUBSCRIPTION_ID;
const RG = "rg-test";
const LOC = "eastus";
const poll = { updateIntervalInMs: 1 };
const rgPath = `/subscriptions/${SUB}/resourceGroups/${RG}`;
const vnetId = `${rgPath}/providers/Microsoft.Network/virtualNetworks/vnet1`;

async function rejects(p: Promise<unknown>): Promise<Error & { code?: string; statusCode?: number }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string; statusCode?: number };
  }
  throw new Error("expected a rejection");
}

describe("fake ARM server (real SDK clients)", function () {
  this.timeout(10_000);
  let fake: FakeArm;
  let net: NetworkManagementClient;
  let aks: ContainerServiceClient;
  let rm: ResourceManagementClient;
  let authz: AuthorizationManagementClient;
  let msi: ManagedServiceIdentityClient;
  let compute: ComputeManagementClient;

  before(async () => {
    fake = await startFakeArm({ polls: 1 });
    // The older-generation clients (authorization, msi) would ask for a token for `${endpoint}/.default`.
    const common = { endpoint: fake.url, tlsOptions: { ca: fake.caPem }, retryOptions: { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 }, credentialScopes: ["https://management.azure.com/.default"] };
    net = new NetworkManagementClient(credential, SUB, common);
    aks = new ContainerServiceClient(credential, SUB, common);
    rm = new ResourceManagementClient(credential, SUB, common);
    // HLC-generation clients take the same options.
    authz = new AuthorizationManagementClient(credential, SUB, common);
    msi = new ManagedServiceIdentityClient(credential, SUB, common);
    compute = new ComputeManagementClient(credential, SUB, common);
  });
  after(async () => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.seed.resourceGroup(RG, { location: LOC });
  });

  /** VNet 10.0.0.0/16 with AzureFirewallSubnet 10.0.4.0/26 and nodes 10.0.8.0/22, built through the SDK. */
  async function baseNetwork(): Promise<{ nodesId: string; fwSubnetId: string }> {
    await net.virtualNetworks.createOrUpdate(RG, "vnet1", { location: LOC, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, poll);
    const fw = await net.subnets.createOrUpdate(RG, "vnet1", "AzureFirewallSubnet", { addressPrefix: "10.0.4.0/26" }, poll);
    const nodes = await net.subnets.createOrUpdate(RG, "vnet1", "nodes", { addressPrefix: "10.0.8.0/22" }, poll);
    return { nodesId: nodes.id!, fwSubnetId: fw.id! };
  }

  async function firewall(fwSubnetId: string, withRules: boolean): Promise<string> {
    const pip = await net.publicIPAddresses.createOrUpdate(RG, "fw-pip", { location: LOC, sku: { name: "Standard" }, publicIPAllocationMethod: "Static" }, poll);
    const fw = await net.azureFirewalls.createOrUpdate(RG, "fw", {
      location: LOC,
      ipConfigurations: [{ name: "ipconfig", subnet: { id: fwSubnetId }, publicIPAddress: { id: pip.id! } }],
      ...(withRules
        ? {
          applicationRuleCollections: [{ name: "aks", priority: 100, action: { type: "Allow" }, rules: [{ name: "tag", fqdnTags: ["AzureKubernetesService"], sourceAddresses: ["*"] }] }],
          networkRuleCollections: [{
            name: "aks-net", priority: 100, action: { type: "Allow" }, rules: [
              { name: "tunnel-udp", protocols: ["UDP"], destinationPorts: ["1194"], sourceAddresses: ["*"], destinationAddresses: ["*"] },
              { name: "tunnel-tcp", protocols: ["TCP"], destinationPorts: ["9000"], sourceAddresses: ["*"], destinationAddresses: ["*"] },
              { name: "ntp", protocols: ["UDP"], destinationPorts: ["123"], sourceAddresses: ["*"], destinationAddresses: ["*"] },
            ],
          }],
        }
        : {}),
    }, poll);
    return fw.ipConfigurations![0]!.privateIPAddress!;
  }

  async function udrRoute(nodesId: string, nextHopType: string, nextHopIpAddress?: string): Promise<void> {
    const rt = await net.routeTables.createOrUpdate(RG, "rt", {
      location: LOC,
      routes: [{ name: "default", addressPrefix: "0.0.0.0/0", nextHopType, ...(nextHopIpAddress ? { nextHopIpAddress } : {}) }],
    }, poll);
    await net.subnets.createOrUpdate(RG, "vnet1", "nodes", { addressPrefix: "10.0.8.0/22", routeTable: { id: rt.id! } }, poll);
    void nodesId;
  }

  function udrCluster(nodesId: string, extra: Partial<ManagedCluster> = {}): ManagedCluster {
    return {
      location: LOC,
      dnsPrefix: "aks1",
      agentPoolProfiles: [{ name: "sys", count: 2, vmSize: "Standard_D4s_v5", mode: "System", vnetSubnetID: nodesId }],
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "userDefinedRouting", serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.1.0.10" },
      ...extra,
    };
  }

  /** A raw JSON request (the SDK would drop unknown and read-only keys): status and parsed body. */
  async function rawJson(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Json }> {
    const { request } = await import("node:https");
    return new Promise((resolve, reject) => {
      const u = new URL(`${path}?api-version=2026-01-01`, fake.url);
      const req = request(u, { method, ca: fake.caPem, headers: { authorization: `Bearer ${fakeToken("https://management.azure.com")}`, "content-type": "application/json", ...headers } }, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Json) : {} }));
      });
      req.on("error", reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  it("a PUT that echoes read-only properties: they are ignored and the server's kept; unknown properties are stored (RPC)", async () => {
    const rt = `${rgPath}/providers/Microsoft.Network/routeTables/rt1`;
    const first = await rawJson("PUT", rt, { location: LOC, properties: { routes: [], contosoFuture: { level: 2 } } });
    assert.equal(first.status, 201);
    const guid = (first.body["properties"] as Json)["resourceGuid"];
    fake.completeAll();
    const echoed = await rawJson("PUT", rt, { location: LOC, properties: { routes: [], resourceGuid: "not-the-server's", subnets: [{ id: `${vnetId}/subnets/x` }], contosoFuture: { level: 3 } } });
    assert.equal(echoed.status, 200);
    fake.completeAll();
    const p = (await rawJson("GET", rt)).body["properties"] as Json;
    assert.equal(p["resourceGuid"], guid, "resourceGuid stays the server's");
    assert.deepEqual(p["subnets"] ?? [], [], "the computed subnet list is not set by a PUT");
    assert.deepEqual(p["contosoFuture"], { level: 3 }, "a property the fake does not model is stored as given");

    fake.seed.cluster(RG, "aks1", {});
    const id = `${rgPath}/providers/Microsoft.ContainerService/managedClusters/aks1`;
    const got = (await rawJson("GET", id)).body;
    const cp = structuredClone(got["properties"]) as Json;
    Object.assign(cp, { fqdn: "evil.example", powerState: { code: "Stopped" }, currentKubernetesVersion: "0.0.1", maxAgentPools: 1 });
    (cp["agentPoolProfiles"] as Json[])[0]!["currentOrchestratorVersion"] = "0.0.1";
    const put = await rawJson("PUT", id, { ...got, properties: cp }, { "if-match": String(got["eTag"]) });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    fake.completeAll();
    const after = (await rawJson("GET", id)).body;
    const ap = after["properties"] as Json;
    for (const k of ["fqdn", "powerState", "currentKubernetesVersion", "maxAgentPools"]) assert.deepEqual(ap[k], (got["properties"] as Json)[k], `${k} stays the server's`);
    assert.equal((ap["agentPoolProfiles"] as Json[])[0]!["currentOrchestratorVersion"], ((got["properties"] as Json)["agentPoolProfiles"] as Json[])[0]!["currentOrchestratorVersion"]);
    assert.notEqual(after["eTag"], got["eTag"], "a write changes the cluster's eTag");
    const stale = await rawJson("PUT", id, { ...got, properties: cp }, { "if-match": String(got["eTag"]) });
    assert.equal(stale.status, 412, "If-Match of an older eTag is refused");
    // RPC: a provisioningState that matches the server's is ignored, another one is a 400.
    const same = await rawJson("PUT", rt, { location: LOC, properties: { routes: [], provisioningState: "Succeeded" } });
    assert.equal(same.status, 200, JSON.stringify(same.body));
    fake.completeAll();
    const other = await rawJson("PUT", rt, { location: LOC, properties: { routes: [], provisioningState: "Failed" } });
    assert.equal(other.status, 400);
    assert.equal((other.body["error"] as Json)["code"], "BadRequest");
  });

  it("runs a PUT as an LRO (201 + Azure-AsyncOperation on the fake, InProgress poll, final GET Succeeded)", async () => {
    const vnet = await net.virtualNetworks.createOrUpdate(RG, "vnet1", { location: LOC, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, poll);
    assert.equal(vnet.provisioningState, "Succeeded");
    const put = fake.requests.find((r) => r.method === "PUT" && r.path.endsWith("/vnet1"))!;
    assert.equal(put.status, 201);
    assert.equal(put.apiVersion, "2026-01-01");
    const polls = fake.requests.filter((r) => r.path.includes("/operations/"));
    assert.equal(polls.length, 2, "one InProgress poll, then Succeeded");
    assert.equal(fake.operations()[0]!.status, "Succeeded");
    const got = await net.virtualNetworks.get(RG, "vnet1");
    assert.equal(got.addressSpace?.addressPrefixes?.[0], "10.0.0.0/16");
  });

  it("answers ARM-shaped errors: 404 ResourceNotFound / ResourceGroupNotFound, 401, 400 without api-version", async () => {
    const e1 = await rejects(net.virtualNetworks.get(RG, "nope"));
    assert.ok(isRestError(e1));
    assert.equal(e1.statusCode, 404);
    assert.equal(e1.code, "ResourceNotFound");
    const e2 = await rejects(net.virtualNetworks.get("no-such-rg", "nope"));
    assert.equal(e2.code, "ResourceGroupNotFound");
    const e3 = await rejects(net.subnets.get(RG, "nope", "s"));
    assert.equal(e3.code, "ParentResourceNotFound");
    const res = await fetch(`${fake.url}${vnetId}?api-version=2026-01-01`).catch((e: Error) => e);
    // fetch does not trust the test CA: the raw checks go through node:https below.
    assert.ok(res instanceof Error);
    const { request } = await import("node:https");
    const raw = (path: string, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Record<string, unknown> }> =>
      new Promise((resolve, reject) => {
        const req = request(`${fake.url}${path}`, { ca: fake.caPem, headers }, (r) => {
          let body = "";
          r.on("data", (c: Buffer) => (body += c.toString()));
          r.on("end", () => resolve({ status: r.statusCode ?? 0, body, headers: r.headers }));
        });
        req.on("error", reject);
        req.end();
      });
    const noAuth = await raw(`${vnetId}?api-version=2026-01-01`, {});
    assert.equal(noAuth.status, 401);
    assert.equal(JSON.parse(noAuth.body).error.code, "AuthenticationFailed");
    assert.ok(noAuth.headers["x-ms-correlation-request-id"]);
    assert.ok(noAuth.headers["x-ms-request-id"]);
    const noVersion = await raw(vnetId, { Authorization: `Bearer ${fakeToken("https://management.azure.com/")}` });
    assert.equal(noVersion.status, 400);
    assert.equal(JSON.parse(noVersion.body).error.code, "MissingApiVersionParameter");

    // ARM checks the token's audience: exactly one of the cloud's ARM audiences, else 401 with ARM's message.
    for (const aud of ["https://management.core.windows.net/", "https://management.core.windows.net", "https://management.azure.com/", "https://management.azure.com"]) {
      assert.equal((await raw(`${vnetId}?api-version=2026-01-01`, { Authorization: `Bearer ${fakeToken(aud)}` })).status, 404, aud);
    }
    const wrongAud = await raw(`${vnetId}?api-version=2026-01-01`, { Authorization: `Bearer ${fakeToken(fake.url)}` });
    assert.equal(wrongAud.status, 401);
    assert.deepEqual(JSON.parse(wrongAud.body), { error: { code: "InvalidAuthenticationTokenAudience", message: `The access token has been obtained for wrong audience or resource '${fake.url}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.` } });
    assert.match(String(wrongAud.headers["www-authenticate"]), /^Bearer authorization_uri=.*error="invalid_token"/);
    const notJwt = await raw(`${vnetId}?api-version=2026-01-01`, { Authorization: "Bearer x" });
    assert.deepEqual(JSON.parse(notJwt.body), { error: { code: "InvalidAuthenticationToken", message: "The access token is invalid." } });
    // The metadata document: anonymous, this cloud's audiences and sign-in host, the fake as resourceManager.
    const meta = await raw("/metadata/endpoints?api-version=2022-09-01", {});
    assert.equal(meta.status, 200);
    const doc = JSON.parse(meta.body) as { name: string; resourceManager: string; authentication: { loginEndpoint: string; audiences: string[] } };
    assert.equal(doc.name, "AzureCloud");
    assert.equal(doc.resourceManager, `${fake.url}/`);
    assert.deepEqual(doc.authentication.audiences, ["https://management.core.windows.net/", "https://management.azure.com/"]);
    assert.equal(doc.authentication.loginEndpoint, "https://login.microsoftonline.com");
  });

  it("a sovereign fake accepts only its own audiences and says so in its metadata", async () => {
    const gov = await startFakeArm({ cloud: "AzureUSGovernment" });
    try {
      const rg = new ResourceManagementClient(credential, SUB, { endpoint: gov.url, tlsOptions: { ca: gov.caPem }, retryOptions: { maxRetries: 0 } });
      const e = await rejects(rg.resourceGroups.get(RG));
      assert.equal(e.statusCode, 401);
      assert.equal(e.code, "InvalidAuthenticationTokenAudience");
      const ok = new ResourceManagementClient(credential, SUB, { endpoint: gov.url, tlsOptions: { ca: gov.caPem }, credentials: { scopes: ["https://management.core.usgovcloudapi.net//.default"] } });
      gov.seed.resourceGroup(RG);
      assert.equal((await ok.resourceGroups.get(RG)).name, RG);
      assert.equal(gov.requests.at(-1)?.audience, "https://management.core.usgovcloudapi.net/");
    } finally {
      await gov.close();
    }
  });

  it("rejects a PUT while the resource's LRO runs (409 AnotherOperationInProgress)", async () => {
    fake.options.polls = 50;
    try {
      const poller = net.virtualNetworks.createOrUpdate(RG, "vnet1", { location: LOC, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, { updateIntervalInMs: 1000 });
      await poller.submitted();
      const e = await rejects(net.virtualNetworks.createOrUpdate(RG, "vnet1", { location: LOC, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, poll));
      assert.equal(e.statusCode, 409);
      assert.equal(e.code, "AnotherOperationInProgress");
      fake.completeAll();
      assert.equal((await poller.pollUntilDone()).provisioningState, "Succeeded");
    } finally {
      fake.options.polls = 1;
    }
  });

  it("networkConflicts: 409 for a second write in a busy VNet, 429 RetryableError (retried) for a reference still provisioning", async () => {
    fake.options.networkConflicts = true;
    fake.options.conflictRetryAfterSec = 0;
    fake.options.polls = 3;
    try {
      fake.seed.vnet(RG, "vnet1", ["10.0.0.0/16"]);
      const a = net.subnets.createOrUpdate(RG, "vnet1", "a", { addressPrefix: "10.0.1.0/24" }, { updateIntervalInMs: 1000 });
      await a.submitted();
      const e = await rejects(net.subnets.createOrUpdate(RG, "vnet1", "b", { addressPrefix: "10.0.2.0/24" }, poll));
      assert.equal(e.statusCode, 409);
      assert.match(e.message, /Another operation on this or dependent resource is in progress\. To retrieve status of the operation use uri: https:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*\/operations\//);
      const rt = net.routeTables.createOrUpdate(RG, "rt", { location: LOC }, { updateIntervalInMs: 1000 });
      await rt.submitted();
      fake.completeAll();
      await a.pollUntilDone();
      const rtId = `${rgPath}/providers/Microsoft.Network/routeTables/rt`;
      const rt2 = net.routeTables.createOrUpdate(RG, "rt", { location: LOC }, { updateIntervalInMs: 1000 });
      await rt2.submitted();
      const tries = fake.requests.length;
      const e2 = await rejects(net.subnets.createOrUpdate(RG, "vnet1", "b", { addressPrefix: "10.0.2.0/24", routeTable: { id: rtId } }, poll));
      assert.equal(e2.statusCode, 429);
      assert.equal(fake.requests.slice(tries).filter((r) => r.status === 429).length, 4, "retried by the SDK (Retry-After) until maxRetries");
      fake.completeAll();
      await rt2.pollUntilDone();
      await rt.pollUntilDone();
    } finally {
      fake.options.networkConflicts = false;
      fake.options.polls = 1;
    }
  });

  it("injects 429 (with Retry-After), 500 and connection resets that the SDK retries", async () => {
    fake.addFault({ kind: "throttle", method: "PUT", match: "/virtualNetworks/vnet1", retryAfterSec: 0 });
    fake.addFault({ kind: "error500", match: "/operations/" });
    fake.addFault({ kind: "reset", method: "GET", match: "/virtualNetworks/vnet1" });
    const vnet = await net.virtualNetworks.createOrUpdate(RG, "vnet1", { location: LOC, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, poll);
    assert.equal(vnet.provisioningState, "Succeeded");
    assert.deepEqual(fake.faults.map((f) => f.hits), [1, 1, 1]);
    assert.deepEqual(fake.requests.filter((r) => r.fault).map((r) => [r.fault, r.status]), [["throttle", 429], ["error500", 500], ["reset", 0]]);
  });

  it("surfaces an injected LRO failure as the SDK's 'long-running operation has failed' error", async () => {
    fake.addFault({ kind: "lroFail", match: "/routeTables/rt", error: { code: "InternalServerError", message: "boom" } });
    const e = await rejects(net.routeTables.createOrUpdate(RG, "rt", { location: LOC }, poll));
    assert.match(e.message, /long-running operation has failed.*InternalServerError.*boom/s);
    assert.equal(fake.get(`${rgPath}/providers/Microsoft.Network/routeTables/rt`)?.["properties"] && (fake.get(`${rgPath}/providers/Microsoft.Network/routeTables/rt`)!["properties"] as Record<string, unknown>)["provisioningState"], "Failed");
  });

  it("a VNet PUT replaces its subnet list, refusing to drop a subnet in use", async () => {
    fake.seed.vnet(RG, "vnet1", ["10.0.0.0/16"], { a: "10.0.1.0/24", used: { prefix: "10.0.2.0/24", nics: 1 } });
    const e = await rejects(net.virtualNetworks.createOrUpdate(RG, "vnet1", { location: LOC, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, poll));
    assert.equal(e.code, "InUseSubnetCannotBeDeleted");
    await net.virtualNetworks.createOrUpdate(RG, "vnet1", {
      location: LOC,
      addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
      subnets: [{ name: "used", addressPrefix: "10.0.2.0/24" }],
    }, poll);
    const names: string[] = [];
    for await (const s of net.subnets.list(RG, "vnet1")) names.push(s.name!);
    assert.deepEqual(names, ["used"], "subnet 'a' was removed by the VNet PUT");
  });

  it("checks subnet prefixes: outside the VNet, overlapping, host bits", async () => {
    fake.seed.vnet(RG, "vnet1", ["10.0.0.0/16"], { a: "10.0.1.0/24" });
    const codes: string[] = [];
    for (const prefix of ["10.9.0.0/24", "10.0.1.128/25", "10.0.2.1/24"]) {
      codes.push((await rejects(net.subnets.createOrUpdate(RG, "vnet1", "b", { addressPrefix: prefix }, poll))).code ?? "");
    }
    assert.deepEqual(codes, ["NetcfgInvalidSubnet", "NetcfgSubnetRangesOverlap", "InvalidCIDRNotation"]);
    assert.equal((await rejects(net.subnets.createOrUpdate(RG, "vnet1", "bad name!", { addressPrefix: "10.0.9.0/24" }, poll))).code, "InvalidResourceName");
  });

  it("naming rules per resource type (resource-name-rules), answered with each provider's error code", async () => {
    const loc = { location: LOC };
    await net.routeTables.createOrUpdate(RG, "rt", loc, poll);
    await net.virtualNetworks.createOrUpdate(RG, "vnet1", { ...loc, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, poll);
    const puts: Record<string, (name: string) => Promise<unknown>> = {
      "resource group": (n) => rm.resourceGroups.createOrUpdate(n, loc),
      cluster: (n) => aks.managedClusters.createOrUpdate(RG, n, { ...loc, agentPoolProfiles: [{ name: "sys", count: 1, vmSize: "Standard_D4s_v5", mode: "System" }] }, poll),
      vnet: (n) => net.virtualNetworks.createOrUpdate(RG, n, { ...loc, addressSpace: { addressPrefixes: ["10.9.0.0/16"] } }, poll),
      subnet: (n) => net.subnets.createOrUpdate(RG, "vnet1", n, { addressPrefix: "10.0.9.0/24" }, poll),
      "subnet inline in a VNet PUT": (n) => net.virtualNetworks.createOrUpdate(RG, "vnet1", { ...loc, addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [{ name: n, addressPrefix: "10.0.9.0/24" }] }, poll),
      "route table": (n) => net.routeTables.createOrUpdate(RG, n, loc, poll),
      route: (n) => net.routes.createOrUpdate(RG, "rt", n, { addressPrefix: "10.1.0.0/16", nextHopType: "VnetLocal" }, poll),
      "public IP": (n) => net.publicIPAddresses.createOrUpdate(RG, n, { ...loc, sku: { name: "Standard" }, publicIPAllocationMethod: "Static" }, poll),
      firewall: (n) => net.azureFirewalls.createOrUpdate(RG, n, loc, poll),
      "firewall policy": (n) => net.firewallPolicies.createOrUpdate(RG, n, loc, poll),
      "NAT gateway": (n) => net.natGateways.createOrUpdate(RG, n, { ...loc, sku: { name: "Standard" } }, poll),
      NSG: (n) => net.networkSecurityGroups.createOrUpdate(RG, n, loc, poll),
      identity: (n) => msi.userAssignedIdentities.createOrUpdate(RG, n, loc),
    };
    const x = (n: number): string => "x".repeat(n);
    // [type, refused names, their code, names accepted at the edge of the rule]. Names with '/' or equal to '..' never
    // reach a resource provider as names (URL parsing takes them for path structure): aks-net's NAME rules refuse them.
    const cases: [string, string[], string, string[]][] = [
      ["resource group", ["bad name!", "rg.", `rg${"\u202e"}x`, x(91), "𝒜"], "InvalidResourceGroup", ["rg-ä(1)._x", x(90), "-lead"]],
      ["cluster", ["bad name!", "-lead", "trail_", "a.b", x(64)], "InvalidParameter", [`a${x(62)}`, "a_b-c"]],
      ["vnet", ["bad name!", "v", `v${x(64)}`, "-v", "v.", "a?#"], "InvalidResourceName", [`v${x(63)}`, "v_", "a..b"]],
      ["subnet", ["bad name!", x(81), "_s"], "InvalidResourceName", [`s${x(79)}`]],
      ["subnet inline in a VNet PUT", ["bad name!"], "InvalidResourceName", []],
      ["route table", ["bad name!", x(81), "rt-"], "InvalidResourceName", [x(80)]],
      ["route", ["bad name!", "-r"], "InvalidResourceName", ["to-10.1.0.0-16"]],
      ["public IP", ["bad name!", x(81)], "InvalidResourceName", [x(80)]],
      ["firewall", ["bad name!", "fw."], "InvalidResourceName", []],
      ["firewall policy", ["bad name!", x(81)], "InvalidResourceName", [x(80)]],
      ["NAT gateway", ["bad name!", "n-"], "InvalidResourceName", [x(80)]],
      ["NSG", ["bad name!", x(81)], "InvalidResourceName", [x(80)]],
      ["identity", ["bad name!", "ab", "-id", x(129), "id.x"], "InvalidResourceName", ["abc", x(128), "a_b-c"]],
    ];
    for (const [type, bad, code, good] of cases) {
      for (const name of bad) {
        const e = await rejects((puts[type] as (n: string) => Promise<unknown>)(name));
        assert.equal(e.statusCode, 400, `${type} '${name}'`);
        assert.equal(e.code, code, `${type} '${name}': ${e.message}`);
      }
      for (const name of good) await (puts[type] as (n: string) => Promise<unknown>)(name);
    }
  });

  it("peerings: overlapping address spaces are refused; the state is Connected once both sides exist", async () => {
    const hub = fake.seed.vnet(RG, "hub", ["10.0.0.0/16"]);
    fake.seed.vnet(RG, "clash", ["10.0.128.0/17"]);
    fake.seed.vnet(RG, "spoke", ["10.1.0.0/16"]);
    const e = await rejects(net.virtualNetworkPeerings.createOrUpdate(RG, "clash", "to-hub", { remoteVirtualNetwork: { id: hub } }, poll));
    assert.equal(e.code, "VnetAddressSpacesOverlap");
    const one = await net.virtualNetworkPeerings.createOrUpdate(RG, "spoke", "to-hub", { remoteVirtualNetwork: { id: hub } }, poll);
    assert.equal(one.peeringState, "Initiated");
    await net.virtualNetworkPeerings.createOrUpdate(RG, "hub", "to-spoke", { remoteVirtualNetwork: { id: `${rgPath}/providers/Microsoft.Network/virtualNetworks/spoke` } }, poll);
    const both = await net.virtualNetworkPeerings.get(RG, "spoke", "to-hub");
    assert.equal(both.peeringState, "Connected");
    assert.deepEqual(both.remoteAddressSpace?.addressPrefixes, ["10.0.0.0/16"]);
  });

  it("computes the firewall's private IP (4th address of AzureFirewallSubnet) and rejects unknown references", async () => {
    const { fwSubnetId } = await baseNetwork();
    assert.equal(await firewall(fwSubnetId, false), "10.0.4.4");
    const e = await rejects(net.subnets.createOrUpdate(RG, "vnet1", "x", { addressPrefix: "10.0.20.0/24", routeTable: { id: `${rgPath}/providers/Microsoft.Network/routeTables/missing` } }, poll));
    assert.equal(e.code, "InvalidResourceReference");
  });

  it("FQDNs in network rules need the DNS proxy: classic rules (additionalProperties) and policy rules (dnsSettings)", async () => {
    const { fwSubnetId } = await baseNetwork();
    const pip = await net.publicIPAddresses.createOrUpdate(RG, "fw-pip", { location: LOC, sku: { name: "Standard" }, publicIPAllocationMethod: "Static" }, poll);
    const ntp = { name: "ntp", protocols: ["UDP"], destinationPorts: ["123"], sourceAddresses: ["*"], destinationFqdns: ["ntp.ubuntu.com"] };
    const fw = (extra: Record<string, unknown>) => ({
      location: LOC,
      ipConfigurations: [{ name: "ipconfig", subnet: { id: fwSubnetId }, publicIPAddress: { id: pip.id! } }],
      networkRuleCollections: [{ name: "aks-network", priority: 200, action: { type: "Allow" }, rules: [ntp] }],
      ...extra,
    });
    const e = await rejects(net.azureFirewalls.createOrUpdate(RG, "fw", fw({}), poll));
    assert.equal(e.code, "AzureFirewallDNSProxyMustBeEnabled");
    assert.match(e.message, /DNS Proxy must be enabled in order to use DestinationFqdns in Network Rules\. See rule ntp/);
    const ok = await net.azureFirewalls.createOrUpdate(RG, "fw", fw({ additionalProperties: { "Network.DNS.EnableProxy": "true" } }), poll);
    assert.equal(ok.additionalProperties?.["Network.DNS.EnableProxy"], "true");

    const group = { priority: 200, ruleCollections: [{ ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "aks-network", priority: 200, action: { type: "Allow" }, rules: [{ ruleType: "NetworkRule", ...ntp, ipProtocols: ["UDP"] }] }] };
    await net.firewallPolicies.createOrUpdate(RG, "p1", { location: LOC, sku: { tier: "Premium" } }, poll);
    const e2 = await rejects(net.firewallPolicyRuleCollectionGroups.createOrUpdate(RG, "p1", "g", group as never, poll));
    assert.equal(e2.code, "AzureFirewallDNSProxyMustBeEnabled");
    await net.firewallPolicies.createOrUpdate(RG, "p2", { location: LOC, sku: { tier: "Premium" }, dnsSettings: { enableProxy: true } }, poll);
    const g = await net.firewallPolicyRuleCollectionGroups.createOrUpdate(RG, "p2", "g", group as never, poll);
    assert.equal(g.provisioningState, "Succeeded");
  });

  it("DNAT rules (classic and policy): the destination is the firewall's public IP, with sources, one port and a translated address", async () => {
    const { fwSubnetId } = await baseNetwork();
    const pip = await net.publicIPAddresses.createOrUpdate(RG, "fw-pip", { location: LOC, sku: { name: "Standard" }, publicIPAllocationMethod: "Static" }, poll);
    const dnat = (rule: Record<string, unknown>) => ({
      location: LOC,
      ipConfigurations: [{ name: "ipconfig", subnet: { id: fwSubnetId }, publicIPAddress: { id: pip.id! } }],
      natRuleCollections: [{ name: "dnat", priority: 100, action: { type: "Dnat" }, rules: [{ name: "web", protocols: ["TCP"], sourceAddresses: ["*"], destinationAddresses: [pip.ipAddress!], destinationPorts: ["443"], translatedAddress: "10.0.6.10", translatedPort: "443", ...rule }] }],
    });
    const other = await rejects(net.azureFirewalls.createOrUpdate(RG, "fw", dnat({ destinationAddresses: ["20.0.0.1"] }), poll));
    assert.match(other.message, /AzureFirewallRule web: Invalid DNat destination address, destination address other than AzureFirewall PublicIP address is not supported/);
    for (const [rule, text] of [
      [{ sourceAddresses: [] }, /Source addresses or source IP groups are required/],
      [{ translatedAddress: undefined }, /Translated address or translated FQDN is required/],
      [{ translatedAddress: "10.0.6" }, /Invalid IP address value or range or Service Tag 10\.0\.6/],
      [{ destinationPorts: ["443", "80"] }, /one port is required/],
    ] as const) {
      const e = await rejects(net.azureFirewalls.createOrUpdate(RG, "fw", dnat(rule), poll));
      assert.match(e.message, text);
      assert.equal(e.statusCode, 400);
    }
    const ok = await net.azureFirewalls.createOrUpdate(RG, "fw", dnat({}), poll);
    assert.equal(ok.natRuleCollections?.[0]?.rules?.[0]?.translatedAddress, "10.0.6.10");

    // A policy's NAT collection: checked against the public IPs of the firewall using the policy.
    await net.firewallPolicies.createOrUpdate(RG, "pol", { location: LOC, sku: { tier: "Premium" } }, poll);
    const group = (dest: string) => ({ priority: 150, ruleCollections: [{ ruleCollectionType: "FirewallPolicyNatRuleCollection", name: "dnat", priority: 100, action: { type: "DNAT" }, rules: [{ ruleType: "NatRule", name: "web", ipProtocols: ["TCP"], sourceAddresses: ["*"], destinationAddresses: [dest], destinationPorts: ["443"], translatedAddress: "10.0.6.10", translatedPort: "443" }] }] });
    await net.firewallPolicyRuleCollectionGroups.createOrUpdate(RG, "pol", "g", group(pip.ipAddress!) as never, poll);
    await net.azureFirewalls.createOrUpdate(RG, "fw", { location: LOC, sku: { name: "AZFW_VNet", tier: "Premium" }, ipConfigurations: [{ name: "ipconfig", subnet: { id: fwSubnetId }, publicIPAddress: { id: pip.id! } }], firewallPolicy: { id: `${rgPath}/providers/Microsoft.Network/firewallPolicies/pol` } }, poll);
    const e = await rejects(net.firewallPolicyRuleCollectionGroups.createOrUpdate(RG, "pol", "g", group("20.0.0.1") as never, poll));
    assert.match(e.message, /destination address other than AzureFirewall PublicIP address is not supported/);
  });

  it("NSG security rules: priority 100-4096, unique per direction; Azure's default rules on every NSG; an NSG in use cannot be deleted", async () => {
    const rule = (name: string, priority: number, extra: Record<string, unknown> = {}) => ({ name, priority, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "10.0.0.0/16", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "443", ...extra });
    const low = await rejects(net.networkSecurityGroups.createOrUpdate(RG, "nsg", { location: LOC, securityRules: [rule("a", 50)] } as never, poll));
    assert.equal(low.code, "SecurityRuleInvalidPriority");
    const clash = await rejects(net.networkSecurityGroups.createOrUpdate(RG, "nsg", { location: LOC, securityRules: [rule("a", 200), rule("b", 200)] } as never, poll));
    assert.equal(clash.code, "SecurityRuleConflict");
    assert.match(clash.message, /Rules cannot have the same Priority and Direction/);
    const proto = await rejects(net.networkSecurityGroups.createOrUpdate(RG, "nsg", { location: LOC, securityRules: [rule("a", 200, { protocol: "Sctp" })] } as never, poll));
    assert.equal(proto.code, "SecurityRuleParameterContainsUnsupportedValue");
    const nsg = await net.networkSecurityGroups.createOrUpdate(RG, "nsg", { location: LOC, securityRules: [rule("a", 200), rule("b", 200, { direction: "Outbound" })] } as never, poll);
    assert.deepEqual(nsg.defaultSecurityRules?.map((r) => r.name), ["AllowVnetInBound", "AllowAzureLoadBalancerInBound", "DenyAllInBound", "AllowVnetOutBound", "AllowInternetOutBound", "DenyAllOutBound"]);
    await net.virtualNetworks.createOrUpdate(RG, "vnet1", { location: LOC, addressSpace: { addressPrefixes: ["10.0.0.0/16"] } }, poll);
    await net.subnets.createOrUpdate(RG, "vnet1", "nodes", { addressPrefix: "10.0.8.0/22", networkSecurityGroup: { id: nsg.id! } }, poll);
    const inUse = await rejects(net.networkSecurityGroups.beginDeleteAndWait(RG, "nsg", poll));
    assert.equal(inUse.code, "InUseNetworkSecurityGroupCannotBeDeleted");
  });

  it("UDR cluster: 400 without a route table, 400 for a next hop of Internet, Succeeded through a ready firewall", async () => {
    const { nodesId, fwSubnetId } = await baseNetwork();
    const e1 = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", udrCluster(nodesId), poll));
    assert.equal(e1.code, "ExistingRouteTableNotAssociatedWithSubnet");
    await udrRoute(nodesId, "Internet");
    const e2 = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", udrCluster(nodesId), poll));
    assert.equal(e2.code, "RouteTableInvalidNextHop");
    assert.match(e2.message, /Default route 0\.0\.0\.0\/0 has a next hop of Internet but only next hops of VirtualAppliance or VirtualNetworkGateway are allowed/);
    const fwIp = await firewall(fwSubnetId, true);
    await udrRoute(nodesId, "VirtualAppliance", fwIp);
    const mc = await aks.managedClusters.createOrUpdate(RG, "aks1", udrCluster(nodesId), poll);
    assert.equal(mc.provisioningState, "Succeeded");
    const pools = [];
    for await (const p of aks.agentPools.list(RG, "aks1")) pools.push(`${p.name}:${p.vnetSubnetID === nodesId}`);
    assert.deepEqual(pools, ["sys:true"]);
    assert.equal((await aks.agentPools.get(RG, "aks1", "sys")).count, 2);
    assert.equal(mc.networkProfile?.podCidr, "10.244.0.0/16");
    assert.equal(mc.networkProfile?.loadBalancerSku, "standard");
    assert.match(mc.fqdn ?? "", /\.hcp\.eastus\.azmk8s\.io$/);
    const put = fake.requests.find((r) => r.method === "PUT" && r.path.endsWith("/managedClusters/aks1") && r.status === 201)!;
    assert.equal(put.apiVersion, "2026-06-01");
  });

  it("managed NAT gateway: IPv6 outbound IPs on a Standard gateway are refused (\"Only compatible with NAT Gateway V2\"), StandardV2 is the default and takes them", async () => {
    const body = (nat: Record<string, unknown>) => ({ location: LOC, agentPoolProfiles: [{ name: "sys", count: 1, vmSize: "Standard_D4s_v5", mode: "System" }], networkProfile: { outboundType: "managedNATGateway", natGatewayProfile: nat } });
    const e = await rejects(aks.managedClusters.createOrUpdate(RG, "nat1", body({ sku: "Standard", managedOutboundIPProfile: { countIPv6: 1 } }), poll));
    assert.equal(e.code, "InvalidParameter");
    const mc = await aks.managedClusters.createOrUpdate(RG, "nat2", body({ managedOutboundIPProfile: { countIPv6: 1 } }), poll);
    assert.equal(mc.networkProfile?.natGatewayProfile?.sku, "StandardV2");
    assert.deepEqual(mc.networkProfile?.natGatewayProfile?.managedOutboundIPProfile, { count: 1, countIPv6: 1 });
  });

  it("UDR cluster behind a firewall without the AKS egress rules ends Failed with VMExtensionProvisioningError (exit status=50)", async () => {
    const { nodesId, fwSubnetId } = await baseNetwork();
    const fwIp = await firewall(fwSubnetId, false);
    await udrRoute(nodesId, "VirtualAppliance", fwIp);
    const e = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", udrCluster(nodesId), poll));
    assert.match(e.message, /VMExtensionProvisioningError/);
    assert.match(e.message, /exit status=50/);
  });

  it("cluster checks: service CIDR overlapping a subnet, DNS IP outside the service CIDR, immutable serviceCidr", async () => {
    const { nodesId } = await baseNetwork();
    const base: ManagedCluster = { location: LOC, agentPoolProfiles: [{ name: "sys", count: 1, vmSize: "Standard_D4s_v5", mode: "System", vnetSubnetID: nodesId }] };
    const e1 = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", { ...base, networkProfile: { serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" } }, poll));
    assert.equal(e1.code, "ServiceCidrOverlapExistingSubnetsCidr");
    const e2 = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", { ...base, networkProfile: { serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.2.0.10" } }, poll));
    assert.equal(e2.code, "DnsServiceIpOutOfServiceCidr");
    await aks.managedClusters.createOrUpdate(RG, "aks1", { ...base, networkProfile: { serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.1.0.10" } }, poll);
    const e3 = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", { ...base, networkProfile: { serviceCidr: "10.2.0.0/16", dnsServiceIP: "10.2.0.10" } }, poll));
    assert.equal(e3.code, "PropertyChangeNotAllowed");
  });

  it("cluster checks: kubenet + azure policy, pod CIDR overlap, subnet too small for flat CNI, vCPU quota, delegated subnet", async () => {
    fake.seed.vnet(RG, "vnet1", ["10.0.0.0/16", "10.244.0.0/16"], {
      nodes: "10.0.8.0/22",
      small: "10.0.1.0/27",
      pods: "10.244.0.0/24",
      web: { prefix: "10.0.2.0/24", delegations: ["Microsoft.Web/serverFarms"] },
    });
    const pool = (subnet: string, extra = {}): ManagedCluster => ({
      location: LOC,
      agentPoolProfiles: [{ name: "sys", count: 3, vmSize: "Standard_D4s_v5", mode: "System", vnetSubnetID: `${vnetId}/subnets/${subnet}`, ...extra }],
    });
    const code = async (body: ManagedCluster): Promise<string | undefined> => (await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", body, poll))).code;
    const svc = { serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.1.0.10" };
    assert.equal(await code({ ...pool("nodes"), networkProfile: { networkPlugin: "kubenet", networkPolicy: "azure", ...svc } }), "NetworkPolicyAzureNotSupportedForKubenet");
    assert.equal(await code({ ...pool("nodes"), networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", ...svc } }), "PodCidrOverlapExistingSubnetsCidr");
    assert.equal(await code({ ...pool("small"), networkProfile: { networkPlugin: "azure", podCidr: undefined, ...svc } }), "InsufficientSubnetSize");
    assert.equal(await code({ ...pool("web"), networkProfile: { networkPlugin: "azure", ...svc } }), "SubnetIsDelegated");
    // AKS's words (MicrosoftDocs/azure-docs#69774); a subnet delegated to AKS (an API server subnet) is no node subnet either.
    fake.seed.subnet(vnetId, "apiserver", { prefix: "10.0.3.0/28", delegations: ["Microsoft.ContainerService/managedClusters"] });
    const api = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", { ...pool("apiserver"), networkProfile: { networkPlugin: "azure", ...svc } }, poll));
    assert.equal(api.code, "SubnetIsDelegated");
    assert.match(api.message, /^AgentPoolProfile\.VnetSubnetID \/subscriptions\/.*\/subnets\/apiserver cannot be used as it's a delegated subnet\. Please check https:\/\/aka\.ms\/adv-network-prerequest for more details\.$/);
    fake.setQuota("standardDSv5Family", { limit: 10 });
    assert.equal(await code({ ...pool("nodes"), networkProfile: { networkPlugin: "azure", ...svc } }), "InsufficientVCPUQuota");
  });

  it("a user-assigned cluster identity needs Network Contributor on the BYO subnet", async () => {
    const { nodesId } = await baseNetwork();
    const id = await msi.userAssignedIdentities.createOrUpdate(RG, "aks-id", { location: LOC });
    assert.match(id.principalId ?? "", /^[0-9a-f-]{36}$/);
    const body: ManagedCluster = {
      location: LOC,
      identity: { type: "UserAssigned", userAssignedIdentities: { [id.id!]: {} } },
      agentPoolProfiles: [{ name: "sys", count: 1, vmSize: "Standard_D4s_v5", mode: "System", vnetSubnetID: nodesId }],
      networkProfile: { serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.1.0.10" },
    };
    const e = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", body, poll));
    assert.match(e.message, /AuthorizationFailed/);
    await authz.roleAssignments.create(nodesId, "0b5e1a9e-8a4a-4f5e-9c53-4b2c6a1d7e01", {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR}`,
      principalId: id.principalId!,
      principalType: "ServicePrincipal",
    });
    const mc = await aks.managedClusters.createOrUpdate(RG, "aks1", body, poll);
    assert.equal(mc.provisioningState, "Succeeded");
  });

  it("Windows pools: WindowsProfileMissing without windowsProfile, Azure CNI only; the password is write-only and kept; the admin cannot change", async () => {
    const pools = [
      { name: "sys", count: 1, vmSize: "Standard_D4s_v5", mode: "System" as const },
      { name: "win", count: 1, vmSize: "Standard_D4s_v5", mode: "User" as const, osType: "Windows" as const },
    ];
    const cluster = (extra: Partial<ManagedCluster>): ManagedCluster => ({ location: LOC, agentPoolProfiles: pools, networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay" }, ...extra });
    const e1 = await rejects(aks.managedClusters.createOrUpdate(RG, "w1", cluster({}), poll));
    assert.equal(e1.code, "WindowsProfileMissing");
    assert.match(e1.message, /Windows profile definition is missing for the cluster/);
    const e2 = await rejects(aks.managedClusters.createOrUpdate(RG, "w1", cluster({ networkProfile: { networkPlugin: "kubenet" }, windowsProfile: { adminUsername: "winadmin", adminPassword: "Zx9!long-enough-pw" } }), poll));
    assert.equal(e2.code, "AzureCNIOnlyForWindows");
    const e3 = await rejects(aks.managedClusters.createOrUpdate(RG, "w1", cluster({ windowsProfile: { adminUsername: "admin", adminPassword: "Zx9!long-enough-pw" } }), poll));
    assert.equal(e3.code, "InvalidParameter");
    const e4 = await rejects(aks.managedClusters.createOrUpdate(RG, "w1", cluster({ windowsProfile: { adminUsername: "winadmin", adminPassword: "short" } }), poll));
    assert.match(e4.message, /windowsProfile\.adminPassword/);
    const mc = await aks.managedClusters.createOrUpdate(RG, "w1", cluster({ windowsProfile: { adminUsername: "winadmin", adminPassword: "Zx9!long-enough-pw" } }), poll);
    assert.equal(mc.windowsProfile?.adminUsername, "winadmin");
    assert.equal(mc.windowsProfile?.adminPassword, undefined, "never returned");
    const got = await aks.managedClusters.get(RG, "w1");
    assert.equal(got.windowsProfile?.adminPassword, undefined);
    const again = await aks.managedClusters.createOrUpdate(RG, "w1", cluster({ windowsProfile: { adminUsername: "winadmin" } }), poll);
    assert.equal(again.provisioningState, "Succeeded", "an update without the password keeps it");
    const e5 = await rejects(aks.managedClusters.createOrUpdate(RG, "w1", cluster({ windowsProfile: { adminUsername: "other" } }), poll));
    assert.equal(e5.code, "PropertyChangeNotAllowed");
  });

  it("kubenet on a subnet with its own route table also needs Network Contributor on the route table", async () => {
    const { nodesId } = await baseNetwork();
    await udrRoute(nodesId, "VirtualAppliance", "10.0.4.4");
    const rtId = `${rgPath}/providers/Microsoft.Network/routeTables/rt`;
    const id = await msi.userAssignedIdentities.createOrUpdate(RG, "aks-id", { location: LOC });
    const grant = (scope: string, name: string) => authz.roleAssignments.create(scope, name, {
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR}`,
      principalId: id.principalId!,
      principalType: "ServicePrincipal",
    });
    await grant(nodesId, "0b5e1a9e-8a4a-4f5e-9c53-4b2c6a1d7e02");
    const body: ManagedCluster = {
      location: LOC,
      identity: { type: "UserAssigned", userAssignedIdentities: { [id.id!]: {} } },
      agentPoolProfiles: [{ name: "sys", count: 1, vmSize: "Standard_D4s_v5", mode: "System", vnetSubnetID: nodesId }],
      networkProfile: { networkPlugin: "kubenet", serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.1.0.10" },
    };
    const e = await rejects(aks.managedClusters.createOrUpdate(RG, "aks1", body, poll));
    assert.match(e.message, /AuthorizationFailed/);
    assert.match(e.message, /Microsoft\.Network\/routeTables\/write' over scope '[^']*routeTables\/rt'/);
    await grant(rtId, "0b5e1a9e-8a4a-4f5e-9c53-4b2c6a1d7e03");
    const mc = await aks.managedClusters.createOrUpdate(RG, "aks1", body, poll);
    assert.equal(mc.provisioningState, "Succeeded");
  });

  it("role assignments: PrincipalNotFound without principalType, RoleAssignmentExists, list at scope with $filter", async () => {
    fake.seed.vnet(RG, "vnet1", ["10.0.0.0/16"], { aks: "10.0.0.0/22" });
    const subnet = `${vnetId}/subnets/aks`;
    const role = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR}`;
    const unknown = "99999999-9999-4999-8999-999999999999";
    const e1 = await rejects(authz.roleAssignments.create(subnet, "5a1e0f3c-0000-4000-8000-000000000001", { roleDefinitionId: role, principalId: unknown }));
    assert.equal(e1.code, "PrincipalNotFound");
    const id = await msi.userAssignedIdentities.createOrUpdate(RG, "id1", { location: LOC });
    await authz.roleAssignments.create(subnet, "5a1e0f3c-0000-4000-8000-000000000001", { roleDefinitionId: role, principalId: id.principalId! });
    const e2 = await rejects(authz.roleAssignments.create(subnet, "5a1e0f3c-0000-4000-8000-000000000002", { roleDefinitionId: role, principalId: id.principalId! }));
    assert.equal(e2.code, "RoleAssignmentExists");
    fake.seed.roleAssignment(rgPath, unknown, NETWORK_CONTRIBUTOR);
    const at = async (scope: string, filter?: string): Promise<string[]> => {
      const out: string[] = [];
      for await (const ra of authz.roleAssignments.listForScope(scope, filter ? { filter } : {})) out.push(ra.principalId!);
      return out.sort();
    };
    assert.deepEqual(await at(subnet, "atScope()"), [id.principalId!, unknown].sort(), "at the subnet and inherited from the group");
    assert.deepEqual(await at(rgPath, "atScope()"), [unknown]);
    assert.deepEqual(await at(rgPath), [id.principalId!, unknown].sort(), "no filter: above and below");
    assert.deepEqual(await at(rgPath, `principalId eq '${id.principalId!}'`), [id.principalId!]);
    await authz.roleAssignments.delete(subnet, "5a1e0f3c-0000-4000-8000-000000000001");
    assert.deepEqual(await at(subnet, "atScope()"), [unknown]);
  });

  it("permissions, compute usages/SKUs and resource-group listing", async () => {
    const perms = [];
    for await (const p of authz.permissions.listForResourceGroup(RG)) perms.push(p);
    assert.deepEqual(perms.map((p) => p.actions), [["*"]]);
    fake.setPermissions([{ actions: ["Microsoft.Network/*/read"], notActions: [] }]);
    const limited = [];
    for await (const p of authz.permissions.listForResourceGroup(RG)) limited.push(p);
    assert.deepEqual(limited[0]?.actions, ["Microsoft.Network/*/read"]);
    fake.setQuota("standardDSv5Family", { limit: 8, current: 6 });
    const usages = new Map<string, number>();
    for await (const u of compute.usage.list(LOC)) usages.set(u.name.value ?? "", u.limit - u.currentValue);
    assert.equal(usages.get("standardDSv5Family"), 2);
    const families = new Map<string, string>();
    for await (const s of compute.resourceSkus.list({ filter: `location eq '${LOC}'` })) families.set(s.name ?? "", s.family ?? "");
    assert.equal(families.get("Standard_D4s_v5"), "standardDSv5Family");
    assert.equal(families.get("Standard_B2s"), "standardBSFamily");
    await baseNetwork();
    const types = [];
    for await (const r of rm.resources.listByResourceGroup(RG)) types.push(r.type);
    assert.deepEqual(types, ["Microsoft.Network/virtualNetworks"]);
    await rm.resourceGroups.delete(RG, poll);
    assert.deepEqual(Object.keys(fake.snapshot()), []);
  });

  it("latency model: completion by time, not by poll count", async () => {
    fake.options.latencyMs = { "Microsoft.Network/routeTables": 120 };
    try {
      const t0 = Date.now();
      await net.routeTables.createOrUpdate(RG, "rt", { location: LOC }, { updateIntervalInMs: 10 });
      const took = Date.now() - t0;
      assert.ok(took >= 110, `took ${took} ms`);
      await net.publicIPAddresses.createOrUpdate(RG, "pip", { location: LOC, sku: { name: "Standard" }, publicIPAllocationMethod: "Static" }, { updateIntervalInMs: 10 });
      const pipOp = fake.operations().find((o) => o.type === "Microsoft.Network/publicIPAddresses");
      assert.equal(pipOp?.doneAt, undefined, "types without latency stay poll-based");
      // Synchronous types: the latency delays the answer; waitForRequest sees the request as it is answered.
      fake.options.latencyMs = { "Microsoft.ManagedIdentity/userAssignedIdentities": 80 };
      const answered = fake.waitForRequest((r) => r.method === "PUT" && r.path.includes("userAssignedIdentities") && r.status === 201);
      const t2 = Date.now();
      await msi.userAssignedIdentities.createOrUpdate(RG, "id1", { location: LOC });
      assert.ok(Date.now() - t2 >= 75);
      assert.ok((await answered).durationMs >= 75);
    } finally {
      delete fake.options.latencyMs;
    }
  });

  it("an operation nobody polls finishes when a re-run GETs the resource; PATCH updates tags", async () => {
    const poller = net.routeTables.createOrUpdate(RG, "rt", { location: LOC }, { updateIntervalInMs: 60_000 });
    await poller.submitted();
    const first = await net.routeTables.get(RG, "rt");
    const second = await net.routeTables.get(RG, "rt");
    assert.deepEqual([first.provisioningState, second.provisioningState], ["Updating", "Succeeded"]);
    const tagged = await net.routeTables.updateTags(RG, "rt", { tags: { a: "b" } });
    assert.deepEqual(tagged.tags, { a: "b" });
  });

  it("deleting: 202 + LRO, 204 when absent, 400 for a route table still associated", async () => {
    fake.seed.routeTable(RG, "rt", {});
    fake.seed.vnet(RG, "vnet1", ["10.0.0.0/16"], { a: { prefix: "10.0.1.0/24", routeTableId: `${rgPath}/providers/Microsoft.Network/routeTables/rt` } });
    const e = await rejects(net.routeTables.delete(RG, "rt", poll));
    assert.equal(e.code, "InUseRouteTableCannotBeDeleted");
    await net.subnets.delete(RG, "vnet1", "a", poll);
    await net.routeTables.delete(RG, "rt", poll);
    await net.routeTables.delete(RG, "rt", poll);
    assert.deepEqual(fake.requests.filter((r) => r.method === "DELETE").map((r) => r.status), [400, 202, 202, 204]);
    assert.equal(fake.get(`${rgPath}/providers/Microsoft.Network/routeTables/rt`), undefined);
  });

  it("runCli: a CLI without az login gets exit 5 and never reaches ARM; killWhen can stop a hanging run", async function () {
    this.timeout(40_000); // two CLI processes; ~2 s on an idle machine
    fake.seed.vnet(RG, "vnet1", ["10.0.0.0/16"], { aks: "10.0.0.0/22" });
    const subnet = `${vnetId}/subnets/aks`;
    fake.addFault({ kind: "hang", match: "/virtualNetworks/vnet1", times: Infinity });
    // A second fake for the credential run, so the two CLI runs can go in parallel and still be told apart.
    const other = await startFakeArm();
    try {
      const [noLogin, hung] = await Promise.all([
        runCli(["validate", "--live", "--vnet-subnet-id", subnet], { fake: other, az: "not-logged-in" }),
        runCli(["validate", "--live", "--vnet-subnet-id", subnet], {
          fake,
          killWhen: () => fake.requests.some((r) => r.fault === "hang"),
          killSignal: "SIGKILL",
          timeoutMs: 30_000,
        }),
      ]);
      assert.equal(noLogin.code, 5, noLogin.stderr);
      assert.match(noLogin.stderr, /az login/);
      // Only the anonymous metadata read (to learn the token audience) came before the credential failed.
      assert.deepEqual(other.requests.map((r) => `${r.method} ${r.path} ${r.auth}`), ["GET /metadata/endpoints false"]);
      assert.equal(hung.killed, true);
      assert.equal(hung.signal, "SIGKILL");
    } finally {
      await other.close();
    }
  });

  it("runCli spawns the built CLI (aks-net --version)", async () => {
    const r = await runCli(["--version"], { fake });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\d+\.\d+\.\d+/);
  });
});
