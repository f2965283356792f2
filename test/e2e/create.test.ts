/**
 * `aks-net create` end to end: the BUILT CLI, the real SDK clients and DefaultAzureCredential (fake `az`), against the
 * fake ARM server over HTTPS. Every topology converges and a re-run writes nothing; the SDK sends exactly the planned
 * bodies; the stream and exit-code contracts hold.
 */
import assert from "node:assert/strict";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, SUB, clusterId, create, createArgs, net, ok, props, result, rgId, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";

/** Creates, checks the cluster is Succeeded, re-runs, checks the re-run wrote nothing; returns the cluster body. */
async function convergesAndIsIdempotent(fake: FakeArm, name: string, extra: string[]): Promise<Json> {
  const first = await create(fake, name, extra);
  ok(first);
  const res = result(first);
  assert.equal(res.status, "succeeded");
  assert.equal(res.cluster?.provisioningState, "Succeeded");
  assert.ok(res.cluster?.fqdn, "the result names the API server FQDN");
  const cluster = fake.get(clusterId(`rg-${name}`, name));
  assert.equal(props(cluster)["provisioningState"], "Succeeded");

  const mark = fake.requests.length;
  const again = await create(fake, name, extra);
  ok(again);
  assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "a re-run writes nothing");
  assert.ok(result(again).operations.every((o) => o.action === "unchanged"));
  assert.match(again.stderr, /nothing to do/);
  return cluster as Json;
}

describe("create against the fake ARM server", function () {
  this.timeout(60_000);
  const fake = useFakeArm({ polls: 1 });

  describe("every topology converges and a re-run is a no-op", () => {
    it("kubenet + calico", async () => {
      const c = await convergesAndIsIdempotent(fake, "kubenet", ["--network-plugin", "kubenet", "--network-policy", "calico"]);
      const np = props(c)["networkProfile"] as Json;
      assert.equal(np["networkPlugin"], "kubenet");
      assert.equal(np["networkPolicy"], "calico");
      assert.ok(fake.get(`${net("rg-kubenet", "virtualNetworks", "kubenet-vnet")}/subnets/aks-nodes`));
    });

    it("Azure CNI (node subnet) + Azure network policy", async () => {
      const c = await convergesAndIsIdempotent(fake, "cni", ["--network-plugin", "azure", "--network-policy", "azure", "--max-pods", "30"]);
      const np = props(c)["networkProfile"] as Json;
      assert.equal(np["networkPlugin"], "azure");
      assert.equal(np["networkPluginMode"], undefined);
      assert.equal(np["networkPolicy"], "azure");
    });

    it("Azure CNI with a pod subnet", async () => {
      const c = await convergesAndIsIdempotent(fake, "podsub", ["--network-plugin", "azure", "--pod-subnet-cidr", "10.225.0.0/16"]);
      const pool = (props(c)["agentPoolProfiles"] as Json[])[0] as Json;
      assert.match(String(pool["podSubnetID"]), /\/subnets\/aks-pods$/);
      assert.ok(fake.get(`${net("rg-podsub", "virtualNetworks", "podsub-vnet")}/subnets/aks-pods`));
    });

    it("Azure CNI Overlay (the default)", async () => {
      const c = await convergesAndIsIdempotent(fake, "overlay", []);
      const np = props(c)["networkProfile"] as Json;
      assert.equal(np["networkPluginMode"], "overlay");
      assert.equal(np["podCidr"], "10.244.0.0/16");
    });

    it("Azure CNI Overlay + Cilium", async () => {
      const c = await convergesAndIsIdempotent(fake, "cilium", ["--network-plugin", "azure", "--network-plugin-mode", "overlay", "--network-policy", "cilium", "--network-dataplane", "cilium"]);
      const np = props(c)["networkProfile"] as Json;
      assert.equal(np["networkDataplane"], "cilium");
      assert.equal(np["networkPolicy"], "cilium");
    });

    it("dual-stack overlay: the VNet gets an IPv6 ULA /48, the node subnet both families, and a re-run is a no-op", async () => {
      const c = await convergesAndIsIdempotent(fake, "dual", ["--ip-families", "IPv4,IPv6", "--max-surge", "33%"]);
      const np = props(c)["networkProfile"] as Json;
      assert.deepEqual(np["ipFamilies"], ["IPv4", "IPv6"]);
      const vnet = fake.get(net("rg-dual", "virtualNetworks", "dual-vnet"));
      const spaces = (props(vnet)["addressSpace"] as Json)["addressPrefixes"] as string[];
      assert.match(spaces[1] ?? "", /^fd[0-9a-f]{2}:[0-9a-f:]+::\/48$/);
      const subnet = fake.get(`${net("rg-dual", "virtualNetworks", "dual-vnet")}/subnets/aks-nodes`);
      assert.deepEqual(props(subnet)["addressPrefixes"], ["10.224.0.0/16", (spaces[1] ?? "").replace("::/48", "::/64")]);
      const pool = (props(c)["agentPoolProfiles"] as Json[])[0] as Json;
      assert.deepEqual(pool["upgradeSettings"], { maxSurge: "33%" });
    });

    it("managed NAT gateway (AKS-managed VNet)", async () => {
      const c = await convergesAndIsIdempotent(fake, "mnat", ["--outbound-type", "managedNATGateway"]);
      assert.equal((props(c)["networkProfile"] as Json)["outboundType"], "managedNATGateway");
      assert.equal(fake.list(`${rgId("rg-mnat")}/providers/Microsoft.Network/virtualNetworks`).length, 0, "no VNet of aks-net's");
    });

    it("user-assigned NAT gateway on the node subnet", async () => {
      await convergesAndIsIdempotent(fake, "unat", ["--outbound-type", "userAssignedNATGateway"]);
      const natId = net("rg-unat", "natGateways", "unat-natgw");
      assert.ok(fake.get(natId));
      const subnet = fake.get(`${net("rg-unat", "virtualNetworks", "unat-vnet")}/subnets/aks-nodes`);
      assert.equal(String((props(subnet)["natGateway"] as Json)["id"]).toLowerCase(), natId.toLowerCase());
    });

    it("Azure Firewall egress with a UDR", async () => {
      const c = await convergesAndIsIdempotent(fake, "fw", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"]);
      assert.equal((props(c)["networkProfile"] as Json)["outboundType"], "userDefinedRouting");
      const fw = fake.get(net("rg-fw", "azureFirewalls", "fw-fw"));
      assert.equal(props(fw)["provisioningState"], "Succeeded");
      assert.ok((props(fw)["applicationRuleCollections"] as Json[]).length > 0, "the firewall carries the AKS egress rules");
      const rt = fake.get(net("rg-fw", "routeTables", "fw-rt"));
      const routes = props(rt)["routes"] as Json[];
      const def = routes.find((r) => props(r)["addressPrefix"] === "0.0.0.0/0");
      assert.equal(props(def)["nextHopType"], "VirtualAppliance");
      assert.equal(props(def)["nextHopIpAddress"], "10.225.0.4", "the firewall's private IP");
      const pip = fake.get(net("rg-fw", "publicIPAddresses", "fw-fw-pip"));
      const fwRoute = fake.get(`${net("rg-fw", "routeTables", "fw-rt")}/routes/firewall-public-ip`);
      assert.equal(props(fwRoute)["addressPrefix"], `${String(props(pip)["ipAddress"])}/32`, "the reference token resolved to the public IP");
      const subnet = fake.get(`${net("rg-fw", "virtualNetworks", "fw-vnet")}/subnets/aks-nodes`);
      assert.match(String((props(subnet)["routeTable"] as Json)["id"]), /routeTables\/fw-rt$/i);
    });

    it("Azure Firewall Premium: firewall policy and rule collection group through their SDK clients", async () => {
      await convergesAndIsIdempotent(fake, "fwp", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--firewall-sku", "Premium"]);
      const policy = net("rg-fwp", "firewallPolicies", "fwp-fw-policy");
      assert.ok(fake.get(policy));
      assert.ok(((props(fake.get(`${policy}/ruleCollectionGroups/aks-egress`))["ruleCollections"] as Json[]) ?? []).length > 0);
      const fw = fake.get(net("rg-fwp", "azureFirewalls", "fwp-fw"));
      assert.equal(String((props(fw)["firewallPolicy"] as Json)["id"]).toLowerCase(), policy.toLowerCase());
    });

    it("bring-your-own route to an existing appliance IP", async () => {
      const c = await convergesAndIsIdempotent(fake, "byort", ["--outbound-type", "userDefinedRouting", "--route", "0.0.0.0/0=VirtualAppliance@10.230.0.4"]);
      assert.equal((props(c)["networkProfile"] as Json)["outboundType"], "userDefinedRouting");
      const routes = props(fake.get(net("rg-byort", "routeTables", "byort-rt")))["routes"] as Json[];
      assert.ok(routes.some((r) => props(r)["nextHopIpAddress"] === "10.230.0.4"));
      assert.equal(fake.list(`${rgId("rg-byort")}/providers/Microsoft.Network/azureFirewalls`).length, 0);
    });

    it("bring-your-own subnet with an existing route table (left as it was)", async () => {
      fake.seed.resourceGroup("net-rg", { location: "westeurope" });
      const rt = fake.seed.routeTable("net-rg", "hub-rt", { default: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.50.255.4" } }, { location: "westeurope" });
      const vnet = fake.seed.vnet("net-rg", "spoke", ["10.50.0.0/16"], { aks: { prefix: "10.50.0.0/22", routeTableId: rt }, other: "10.50.8.0/24" }, { location: "westeurope" });
      const before = fake.snapshot();
      const c = await convergesAndIsIdempotent(fake, "byosub", ["--vnet-subnet-id", `${vnet}/subnets/aks`, "--outbound-type", "userDefinedRouting", "--route", "0.0.0.0/0=VirtualAppliance@10.50.255.4", "--vnet-cidr", "10.50.0.0/16", "--subnet-cidr", "10.50.0.0/22"]);
      const pool = (props(c)["agentPoolProfiles"] as Json[])[0] as Json;
      assert.equal(String(pool["vnetSubnetID"]).toLowerCase(), `${vnet}/subnets/aks`.toLowerCase());
      const after = fake.snapshot();
      // The cluster's nodes now hold IPs in the subnet (ipConfigurations, computed by Azure); everything else is as it was.
      for (const id of [rt, vnet, `${vnet}/subnets/aks`, `${vnet}/subnets/other`]) {
        const k = Object.keys(before).find((x) => x.toLowerCase() === id.toLowerCase()) as string;
        assert.deepEqual(withoutNics(after[k]), withoutNics(before[k]), `${id} is unchanged`);
      }
      const theirs = [rt, vnet, `${vnet}/subnets/aks`, `${vnet}/subnets/other`].map((x) => x.toLowerCase());
      assert.deepEqual(fake.writes().filter((w) => theirs.includes(w.path.toLowerCase())), [], "no write to the user's network");
    });

    it("kubenet on a brought subnet with its route table: the identity gets Network Contributor on the table too", async () => {
      fake.seed.resourceGroup("net-rg", { location: "westeurope" });
      const rt = fake.seed.routeTable("net-rg", "kn-rt", { default: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.50.255.4" } }, { location: "westeurope" });
      const vnet = fake.seed.vnet("net-rg", "spoke", ["10.50.0.0/16"], { aks: { prefix: "10.50.0.0/22", routeTableId: rt } }, { location: "westeurope" });
      await convergesAndIsIdempotent(fake, "knbyo", ["--network-plugin", "kubenet", "--network-policy", "calico", "--vnet-subnet-id", `${vnet}/subnets/aks`, "--outbound-type", "userDefinedRouting"]);
      const grants = fake.writes().filter((w) => /roleAssignments/i.test(w.path)).map((w) => w.path.toLowerCase());
      assert.ok(grants.some((p) => p.startsWith(`${rt.toLowerCase()}/providers/microsoft.authorization/roleassignments/`)), grants.join("\n"));
    });
  });

  it("the SDK sends exactly the planned bodies (compared with the fake's request log)", async () => {
    const extra = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];
    const dry = await runCli([...createArgs("exact", extra), "--dry-run", "--offline"], { fake, env: { AZURE_SUBSCRIPTION_ID: SUB } });
    ok(dry);
    const plan = JSON.parse(dry.stdout) as { operations: { resourceId: string; body: Json }[] };
    ok(await create(fake, "exact", extra));
    const puts = fake.requests.filter((r) => r.method === "PUT");
    assert.equal(puts.length, plan.operations.length, "one PUT per planned resource");
    for (const op of plan.operations) {
      const sent = puts.find((p) => p.path.toLowerCase() === op.resourceId.toLowerCase());
      assert.ok(sent, `a PUT for ${op.resourceId}`);
      assert.deepEqual(sent.body, resolveTokens(op.body, fake), `body of ${op.resourceId}`);
    }
  });

  it("--dry-run against Azure makes only GETs and prints the plan on stdout", async () => {
    const r = await runCli([...createArgs("dry", [], { json: false, yes: false }), "--dry-run"], { fake, env: FAST });
    ok(r);
    assert.ok(fake.requests.length > 0);
    assert.deepEqual(fake.requests.filter((q) => q.method !== "GET").map((q) => q.method), []);
    assert.match(r.stdout, /create\s+Microsoft\.ContainerService\/managedClusters\s+dry/);
    assert.match(r.stderr, new RegExp(`subscription ${SUB}, location westeurope`));
  });

  it("the plan preview ends with the capacity line (nodes each range holds)", async () => {
    const r = await runCli([...createArgs("cap", ["--node-count", "5", "--max-pods", "30", "--network-plugin", "azure", "--vnet-cidr", "10.60.0.0/16", "--subnet-cidr", "10.60.0.0/24"], { yes: false, json: false }), "--dry-run", "--offline"], { fake });
    ok(r);
    // Azure CNI node subnet: each node takes 1 + 30 IPs of the /24's 251 usable addresses → 8 nodes.
    assert.match(r.stdout, /capacity \(Azure CNI node subnet\): 5 nodes \(peak 5 \+ 1 surge\), 30 pods per node; node subnet 10\.60\.0\.0\/24 holds 8 nodes\n$/);
    assert.equal(fake.requests.length, 0);
  });

  it("--dry-run --offline --output json prints the one result document, status planned, and sends nothing", async () => {
    const r = await runCli([...createArgs("off", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"], { yes: false }), "--dry-run", "--offline"], { fake });
    ok(r);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(doc), ["status", "exitCode", "operations", "refusals", "cluster", "findings", "error"]);
    assert.equal(doc["status"], "planned");
    const ops = doc["operations"] as Record<string, unknown>[];
    assert.equal(ops.length, 12);
    for (const o of ops) assert.deepEqual(Object.keys(o), ["action", "type", "resourceId", "apiVersion", "dependsOn", "body"]);
    assert.ok(ops.every((o) => o["action"] === "create"));
    assert.equal(fake.requests.length, 0);
  });

  it("an invalid spec exits 3 with the findings and sends nothing", async () => {
    const r = await create(fake, "bad", ["--vnet-cidr", "10.0.0.0/16", "--subnet-cidr", "10.0.0.0/22", "--service-cidr", "10.0.0.0/16"], { json: false });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /nothing was sent to Azure/);
    assert.match(r.stderr, /fix:/);
    assert.equal(fake.requests.length, 0);
  });

  it("without a terminal and without --yes it refuses to change anything (exit 2 naming --yes), before any request", async () => {
    const r = await create(fake, "noyes", [], { yes: false, json: false });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--yes/);
    assert.equal(fake.requests.length, 0);
  });

  it("a change Azure cannot make in place is refused with exit 1 before any write", async () => {
    ok(await create(fake, "immut", []));
    const mark = fake.requests.length;
    const r = await create(fake, "immut", ["--service-cidr", "10.100.0.0/16", "--dns-service-ip", "10.100.0.10"], { json: false });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /refused/);
    assert.match(r.stderr, /serviceCidr is 10\.0\.0\.0\/16, plan 10\.100\.0\.0\/16/);
    assert.match(r.stderr, /nothing was changed/);
    assert.deepEqual(writesSince(fake, mark), []);
  });

  it("missing -n/-g/-l is a usage error naming them, before any request", async () => {
    const r = await runCli(["create", "--yes"], { fake });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--name/);
    assert.equal(fake.requests.length, 0);
  });

  for (const az of ["not-logged-in", "missing"] as const) {
    it(`no credentials (az ${az}) exit 5 with a clear message`, async () => {
      const r = await create(fake, "nocred", [], { az, json: false });
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /No Azure credentials found\. Run `az login`, or set AZURE_TENANT_ID\/AZURE_CLIENT_ID\/AZURE_CLIENT_SECRET/);
      assert.doesNotMatch(r.stderr, /^\s+at /m, "no stack trace");
      assert.deepEqual(fake.writes(), []);
    });
  }

  it("an identity without write rights exits 5 (AuthorizationFailed)", async () => {
    const message = "The client 'x' with object id 'x' does not have authorization to perform action 'Microsoft.Network/virtualNetworks/write'.";
    fake.addFault({ kind: "badRequest", method: "PUT", match: "/virtualNetworks/ro-vnet", error: { code: "AuthorizationFailed", message } });
    const r = await create(fake, "ro", [], { json: false });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /AuthorizationFailed/);
    assert.match(r.stderr, /correlation id: [0-9a-f-]{36}/);
  });

  it("an existing VNet with other subnets and a user's route table is left intact", async () => {
    fake.seed.resourceGroup("rg-shared", { location: "westeurope" });
    const userRt = fake.seed.routeTable("rg-shared", "user-rt", { onprem: { addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" } }, { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-shared", "shared-vnet", ["10.60.0.0/16"], { app: { prefix: "10.60.10.0/24", routeTableId: userRt, nics: 2 }, data: "10.60.11.0/24" }, { location: "westeurope" });
    const before = fake.snapshot();
    const extra = ["--vnet-name", "shared-vnet", "--vnet-cidr", "10.60.0.0/16", "--subnet-cidr", "10.60.0.0/22", "--existing-subnet", "app=10.60.10.0/24", "--existing-subnet", "data=10.60.11.0/24"];
    const r = await runCli(createArgs("shared", extra), { fake, env: FAST });
    ok(r);
    const after = fake.snapshot();
    for (const id of [userRt, `${vnet}/subnets/app`, `${vnet}/subnets/data`]) {
      const k = Object.keys(before).find((x) => x.toLowerCase() === id.toLowerCase()) as string;
      assert.deepEqual(after[k], before[k], `${id} is exactly as it was`);
    }
    const k = Object.keys(after).find((x) => x.toLowerCase() === vnet.toLowerCase()) as string;
    assert.deepEqual((props(after[k])["addressSpace"] as Json)["addressPrefixes"], ["10.60.0.0/16"]);
    const subnets = (props(after[k])["subnets"] as Json[]).map((s) => s["name"]).sort();
    assert.deepEqual(subnets, ["aks-nodes", "app", "data"]);
    assert.equal(fake.writes().filter((w) => w.path.toLowerCase() === vnet.toLowerCase()).length, 0, "the user's VNet is not re-PUT");
  });
});

function withoutNics(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNics);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "ipConfigurations").map(([k, x]) => [k, withoutNics(x)]));
}

/** The plan body with its reference tokens replaced from what the fake stores (what the executor must send). */
function resolveTokens(body: unknown, fake: FakeArm): unknown {
  if (typeof body === "string") {
    const m = /^\[ref:([^#\]]+)#([^\]|]+)(?:\|([^\]]*))?\]$/.exec(body);
    if (!m) return body;
    let v: unknown = fake.get(m[1] as string);
    for (const k of (m[2] as string).split(".")) v = (v as Json | undefined)?.[k];
    return m[3] === undefined ? v : `${String(v)}${m[3]}`;
  }
  if (Array.isArray(body)) return body.map((b) => resolveTokens(b, fake));
  if (body !== null && typeof body === "object") return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, resolveTokens(v, fake)]));
  return body;
}
