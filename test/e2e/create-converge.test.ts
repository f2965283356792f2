/**
 * Re-runs of `aks-net create` converge on every change Azure can make in place (issue 9 §2): a changed flag, drift
 * in what aks-net built, a user's resource with the planned name, a user's VNet that must grow. Each first run ends
 * with Azure as the plan decided and nothing of the user's lost (their subnets, routes, rule collections, tags);
 * the run after it sends no write at all.
 */
import assert from "node:assert/strict";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { runNode } from "../helpers/cli.ts";
import { clusterId, create, net, ok, props, rgId, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { cliEnv } from "../helpers/run-cli.ts";

const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];

/** Runs create; it must succeed. Then runs it again: that run must send no PUT, PATCH or DELETE. */
async function convergesThenIdle(fake: FakeArm, name: string, extra: string[]): Promise<void> {
  ok(await create(fake, name, extra));
  const mark = fake.requests.length;
  const again = await create(fake, name, extra, { json: false });
  ok(again);
  assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "the next run writes nothing");
  assert.match(again.stderr, /nothing to do/);
}

/** Writes of the run since `mark`, as `METHOD path` (lower-cased paths). */
function writePaths(fake: FakeArm, mark: number): string[] {
  return writesSince(fake, mark).map((w) => `${w.method} ${w.path.toLowerCase()}`);
}

function find(fake: FakeArm, id: string): Json {
  const body = fake.get(id);
  assert.ok(body, `${id} exists`);
  return body;
}

function list(body: Json, key: string): Json[] {
  return (props(body)[key] ?? []) as Json[];
}

function named(items: Json[], name: string): Json | undefined {
  return items.find((i) => String(i["name"]).toLowerCase() === name.toLowerCase());
}

/** A rendered resource without what Azure recomputes on every write (etag, provisioningState). */
function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v === null || typeof v !== "object") return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "etag" && k !== "provisioningState").map(([k, x]) => [k, stable(x)]));
}

describe("create re-runs converge on every change Azure can make in place", function () {
  this.timeout(90_000);
  const arm = useFakeArm();

  it("a higher --node-count updates the cluster (identity and read-only fields echoed by AKS are not an obstacle)", async () => {
    const { fake } = arm;
    ok(await create(fake, "nc", FIREWALL));
    const mark = fake.requests.length;
    await convergesThenIdle(fake, "nc", [...FIREWALL, "--node-count", "5"]);
    assert.deepEqual(writePaths(fake, mark).filter((w) => w.startsWith("PUT")).slice(0, 1), [`PUT ${clusterId("rg-nc", "nc").toLowerCase()}`], "only the cluster is written");
    const cluster = find(fake, clusterId("rg-nc", "nc"));
    assert.equal((list(cluster, "agentPoolProfiles")[0] as Json)["count"], 5);
    assert.equal(props(cluster)["provisioningState"], "Succeeded");
    const uai = Object.keys((cluster["identity"] as Json)["userAssignedIdentities"] as Json);
    assert.deepEqual(uai.map((k) => k.toLowerCase()), [`${rgId("rg-nc")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nc-identity`.toLowerCase()]);
  });

  it("an added --vnet-cidr grows aks-net's VNet and keeps the subnet a user added (in use, with an NSG)", async () => {
    const { fake } = arm;
    const base = [...FIREWALL, "--vnet-cidr", "10.224.0.0/12", "--subnet-cidr", "10.224.0.0/16"];
    ok(await create(fake, "vc", base));
    const vnet = net("rg-vc", "virtualNetworks", "vc-vnet");
    const nsg = fake.put(net("rg-vc", "networkSecurityGroups", "user-nsg"), { location: "westeurope", properties: { securityRules: [] } });
    fake.seed.subnet(vnet, "user-app", { prefix: "10.230.0.0/24", nics: 2, nsgId: nsg, properties: { serviceEndpoints: [{ service: "Microsoft.Storage", locations: ["westeurope"] }] } });
    const userSubnet = stable(find(fake, `${vnet}/subnets/user-app`));
    const mark = fake.requests.length;
    await convergesThenIdle(fake, "vc", [...base, "--vnet-cidr", "10.240.0.0/16"]);
    assert.ok(writePaths(fake, mark).includes(`PUT ${vnet.toLowerCase()}`), "the VNet was updated");
    const after = find(fake, vnet);
    assert.deepEqual((props(after)["addressSpace"] as Json)["addressPrefixes"], ["10.224.0.0/12", "10.240.0.0/16"]);
    assert.deepEqual(list(after, "subnets").map((s) => s["name"]).sort(), ["AzureFirewallSubnet", "aks-nodes", "user-app"]);
    assert.deepEqual(stable(find(fake, `${vnet}/subnets/user-app`)), userSubnet, "the user's subnet is exactly as it was");
    assert.match(String((props(find(fake, `${vnet}/subnets/aks-nodes`))["routeTable"] as Json)["id"]), /routeTables\/vc-rt$/i, "aks-net's subnet keeps its route table");
  });

  it("an added --route updates the route table, keeping a route the user added and the firewall's /32 route", async () => {
    const { fake } = arm;
    ok(await create(fake, "rr", FIREWALL));
    const rt = net("rg-rr", "routeTables", "rr-rt");
    fake.put(`${rt}/routes/user-onprem`, { properties: { addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" } });
    const userRoute = stable(find(fake, `${rt}/routes/user-onprem`));
    const mark = fake.requests.length;
    await convergesThenIdle(fake, "rr", [...FIREWALL, "--route", "172.16.0.0/12=VirtualAppliance@10.225.0.4"]);
    assert.ok(writePaths(fake, mark).includes(`PUT ${rt.toLowerCase()}`));
    const routes = list(find(fake, rt), "routes");
    assert.deepEqual(routes.map((r) => r["name"]).sort(), ["default-to-firewall", "firewall-public-ip", "to-172.16.0.0-12", "user-onprem"]);
    assert.equal(props(named(routes, "to-172.16.0.0-12"))["nextHopIpAddress"], "10.225.0.4");
    assert.deepEqual(stable(find(fake, `${rt}/routes/user-onprem`)), userRoute);
    assert.equal(list(find(fake, rt), "subnets").length, 1, "the node subnet still uses the table");
  });

  it("repairs a firewall whose AKS application rule collection was removed, keeping the user's own rule collection", async () => {
    const { fake } = arm;
    ok(await create(fake, "fwd", FIREWALL));
    const fwId = net("rg-fwd", "azureFirewalls", "fwd-fw");
    const fw = find(fake, fwId);
    const p = props(fw);
    const aksApp = stable(p["applicationRuleCollections"]);
    p["applicationRuleCollections"] = [];
    const userRules = { name: "user-dns", properties: { priority: 500, action: { type: "Allow" }, rules: [{ name: "dns", protocols: ["UDP"], sourceAddresses: ["10.224.0.0/16"], destinationAddresses: ["168.63.129.16"], destinationPorts: ["53"] }] } };
    p["networkRuleCollections"] = [...(p["networkRuleCollections"] as Json[]), userRules];
    fake.put(fwId, fw);
    const mark = fake.requests.length;
    await convergesThenIdle(fake, "fwd", FIREWALL);
    assert.ok(writePaths(fake, mark).includes(`PUT ${fwId.toLowerCase()}`));
    const after = props(find(fake, fwId));
    assert.deepEqual(stable(after["applicationRuleCollections"]), aksApp, "the AKS rule collection is back as planned");
    const user = named(after["networkRuleCollections"] as Json[], "user-dns");
    assert.ok(user, "the user's rule collection is kept");
    assert.deepEqual((stable(user) as Json)["properties"], { ...userRules.properties }, "and unchanged");
    assert.equal(String(((list({ properties: after }, "ipConfigurations")[0] as Json)["properties"] as Json)["privateIPAddress"]), "10.225.0.4");
  });

  it("repairs a default route pointed elsewhere, keeping the other routes", async () => {
    const { fake } = arm;
    ok(await create(fake, "drt", FIREWALL));
    const rt = net("rg-drt", "routeTables", "drt-rt");
    fake.put(`${rt}/routes/default-to-firewall`, { properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.225.0.10" } });
    fake.put(`${rt}/routes/user-onprem`, { properties: { addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" } });
    await convergesThenIdle(fake, "drt", FIREWALL);
    const routes = list(find(fake, rt), "routes");
    assert.equal(props(named(routes, "default-to-firewall"))["nextHopIpAddress"], "10.225.0.4");
    assert.deepEqual(routes.map((r) => r["name"]).sort(), ["default-to-firewall", "firewall-public-ip", "user-onprem"]);
  });

  it("adopts a user's route table with the planned name: aks-net's route added, the user's routes and tags kept", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-art", { location: "westeurope" });
    const rt = fake.seed.routeTable("rg-art", "art-rt", { onprem: { addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" } }, { location: "westeurope" });
    fake.put(rt, { ...find(fake, rt), tags: { owner: "netops" } });
    const onprem = stable(find(fake, `${rt}/routes/onprem`));
    await convergesThenIdle(fake, "art", ["--outbound-type", "userDefinedRouting", "--route", "0.0.0.0/0=VirtualAppliance@10.230.0.4"]);
    const after = find(fake, rt);
    assert.deepEqual(after["tags"], { owner: "netops" }, "the user's table is not re-tagged");
    const routes = list(after, "routes");
    assert.deepEqual(routes.map((r) => r["name"]).sort(), ["onprem", "to-0.0.0.0-0"]);
    assert.equal(props(named(routes, "to-0.0.0.0-0"))["nextHopIpAddress"], "10.230.0.4");
    assert.deepEqual(stable(find(fake, `${rt}/routes/onprem`)), onprem);
  });

  it("adopts a user's firewall with the planned name: the AKS rules added, the user's rule collection, IP configuration name and tags kept", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-afw", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-afw", "afw-vnet", ["10.224.0.0/12"], { AzureFirewallSubnet: "10.225.0.0/26" }, { location: "westeurope" });
    const pip = fake.seed.publicIp("rg-afw", "afw-fw-pip", { location: "westeurope" });
    const fwId = net("rg-afw", "azureFirewalls", "afw-fw");
    const userRules = { name: "user-web", properties: { priority: 500, action: { type: "Allow" }, rules: [{ name: "corp", protocols: [{ protocolType: "Https", port: 443 }], sourceAddresses: ["*"], targetFqdns: ["*.corp.example"] }] } };
    fake.put(fwId, {
      location: "westeurope",
      tags: { owner: "secops" },
      properties: {
        sku: { name: "AZFW_VNet", tier: "Standard" },
        threatIntelMode: "Alert",
        ipConfigurations: [{ name: "fw-ipconfig", properties: { subnet: { id: `${vnet}/subnets/AzureFirewallSubnet` }, publicIPAddress: { id: pip } } }],
        applicationRuleCollections: [userRules],
      },
    });
    await convergesThenIdle(fake, "afw", FIREWALL);
    const after = find(fake, fwId);
    assert.deepEqual(after["tags"], { owner: "secops" }, "the user's firewall is not re-tagged");
    const apps = props(after)["applicationRuleCollections"] as Json[];
    assert.ok(named(apps, "user-web"), "the user's rule collection is kept");
    assert.deepEqual((stable(named(apps, "user-web")) as Json)["properties"], userRules.properties);
    assert.ok(apps.length > 1, "aks-net's application rules were added");
    assert.ok((props(after)["networkRuleCollections"] as Json[]).length > 0, "aks-net's network rules were added");
    assert.deepEqual(list(after, "ipConfigurations").map((c) => c["name"]), ["fw-ipconfig"], "its IP configuration in the subnet is aks-net's planned one, under the user's name");
    assert.equal(props(find(fake, clusterId("rg-afw", "afw")))["provisioningState"], "Succeeded", "the cluster's egress works through it");
  });

  it("grows a user's VNet whose address space lacks the node subnet's range, keeping their subnets and tags", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-uv", { location: "westeurope" });
    const userRt = fake.seed.routeTable("rg-uv", "user-rt", { onprem: { addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" } }, { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-uv", "shared-vnet", ["10.60.0.0/16"], { app: { prefix: "10.60.10.0/24", routeTableId: userRt, nics: 2 }, data: "10.60.11.0/24" }, { location: "westeurope", tags: { owner: "netops" } });
    const before = [`${vnet}/subnets/app`, `${vnet}/subnets/data`].map((id) => stable(find(fake, id)));
    const extra = ["--vnet-name", "shared-vnet", "--vnet-cidr", "10.60.0.0/16", "--vnet-cidr", "10.61.0.0/16", "--subnet-cidr", "10.61.0.0/22", "--existing-subnet", "app=10.60.10.0/24", "--existing-subnet", "data=10.60.11.0/24"];
    await convergesThenIdle(fake, "uv", extra);
    const after = find(fake, vnet);
    assert.deepEqual((props(after)["addressSpace"] as Json)["addressPrefixes"], ["10.60.0.0/16", "10.61.0.0/16"]);
    assert.deepEqual(after["tags"], { owner: "netops" });
    assert.deepEqual(list(after, "subnets").map((s) => s["name"]).sort(), ["aks-nodes", "app", "data"]);
    assert.deepEqual([`${vnet}/subnets/app`, `${vnet}/subnets/data`].map((id) => stable(find(fake, id))), before, "the user's subnets are exactly as they were");
    assert.equal(props(find(fake, clusterId("rg-uv", "uv")))["provisioningState"], "Succeeded");
  });

  describe("a body the SDK cannot send as planned stops the run before its first write", () => {
    const rt = net("rg-chk", "routeTables", "chk-rt");
    const route = { name: "default", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.0.4" } };
    // What a GET echoes, read-only keys included, merged with the plan's route (an update body).
    const merged = { location: "westeurope", properties: { disableBgpRoutePropagation: false, subnets: [{ id: `${net("rg-chk", "virtualNetworks", "v")}/subnets/s` }], routes: [{ ...route, id: `${rt}/routes/default`, type: "Microsoft.Network/routeTables/routes", etag: "W/\"1\"" }] } };
    const check = (planned: unknown) => runNode(["test/helpers/port-check.ts"], { env: cliEnv({ fake: arm.fake }), input: JSON.stringify({ resourceId: rt, body: merged, planned }) });

    it("the port checks an update body through the real SDK serializer without sending it", async () => {
      const r = await check({ location: "westeurope", properties: { routes: [route] } });
      assert.equal(r.stdout, "ok\n", r.stderr);
      // Connecting may discover the cloud's endpoints (GET /metadata/endpoints); the checked PUT never leaves.
      assert.deepEqual(arm.fake.requests.filter((q) => q.method !== "GET" || q.path.toLowerCase().includes("/routetables/")).map((q) => `${q.method} ${q.path}`), [], "nothing about the resource reached ARM");
    });

    it("a planned key the SDK drops (read-only) is refused, still without a request", async () => {
      const r = await check({ properties: { subnets: merged.properties.subnets, routes: [route] } });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /would send a different body than planned for .*chk-rt: drops \$\.properties\.subnets/);
      assert.deepEqual(arm.fake.requests.filter((q) => q.method !== "GET" || q.path.toLowerCase().includes("/routetables/")).map((q) => `${q.method} ${q.path}`), []);
    });
  });
});


describe("create --dry-run (online) takes the real run's decision, pre-flight write checks included", function () {
  this.timeout(90_000);
  const arm = useFakeArm();

  it("a cluster update whose body cannot go out as planned: the dry run stops as the real run does, neither writes", async () => {
    const { fake } = arm;
    ok(await create(fake, "dr"));
    // A value the update body carries back that the SDK cannot serialize (a date that is none): found by the check.
    const id = clusterId("rg-dr", "dr");
    const body = structuredClone(find(fake, id));
    props(body)["upgradeSettings"] = { overrideSettings: { forceUpgrade: true, until: "tomorrow" } };
    fake.put(id, body);
    const mark = fake.requests.length;
    const dry = await create(fake, "dr", ["--node-count", "5", "--dry-run"], { json: false });
    const real = await create(fake, "dr", ["--node-count", "5"], { json: false });
    assert.deepEqual(writePaths(fake, mark), [], "neither run writes");
    assert.notEqual(real.code, 0, real.stderr);
    const reason = (r: { stderr: string }): string => (/found before the first write[^\n]*/.exec(r.stderr) ?? [""])[0];
    assert.notEqual(reason(real), "", real.stderr);
    assert.equal(dry.code, real.code, `dry run:\n${dry.stderr}\nreal run:\n${real.stderr}`);
    assert.equal(reason(dry), reason(real));
    // -o json: one result document on stdout, with the same error.
    const doc = JSON.parse((await create(fake, "dr", ["--node-count", "5", "--dry-run"])).stdout) as { error: { message: string } | null };
    assert.match(doc.error?.message ?? "", /found before the first write/);
    assert.deepEqual(writePaths(fake, mark), []);
  });

  it("an upgrade override set outside aks-net (az aks update --upgrade-override-until): a re-run converges, the date goes back exactly as Azure wrote it", async () => {
    const { fake } = arm;
    ok(await create(fake, "ov"));
    const id = clusterId("rg-ov", "ov");
    const body = structuredClone(find(fake, id));
    const override = { forceUpgrade: true, until: "2026-12-31T00:00:00Z" };
    props(body)["upgradeSettings"] = { overrideSettings: override };
    fake.put(id, body);
    const mark = fake.requests.length;
    ok(await create(fake, "ov", ["--node-count", "5", "--dry-run"], { json: false }));
    await convergesThenIdle(fake, "ov", ["--node-count", "5"]);
    const put = writesSince(fake, mark).find((w) => w.method === "PUT");
    assert.deepEqual(props(put?.body as Json | undefined)["upgradeSettings"], { overrideSettings: override }, "sent back unchanged");
    assert.deepEqual(props(find(fake, id))["upgradeSettings"], { overrideSettings: override });
  });

  it("a dry run whose bodies pass the check exits 0 and sends no write", async () => {
    const { fake } = arm;
    ok(await create(fake, "dr2"));
    const mark = fake.requests.length;
    ok(await create(fake, "dr2", ["--node-count", "5", "--dry-run"], { json: false }));
    assert.deepEqual(writePaths(fake, mark), []);
  });
});
