/**
 * Issue 9: nothing the user set on a resource is silently changed when aks-net updates it. An update PUT replaces the
 * resource (ARM PUT semantics), so it must carry every property Azure has, including ones the Azure SDK's model does
 * not know (a newer API's property, a preview field set with another tool) and ones aks-net never plans, plus exactly
 * the planned change. Each case seeds such properties, runs the update path, and checks the PUT on the wire, the
 * resource after it, and that the next run writes nothing.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeArm, Json, RequestRecord } from "../fakes/fake-arm.ts";
import { FAST, clusterId, create, net, ok, props, rgId, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";

const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];

/** A property no SDK model knows (a newer or preview API's), nested, with a null inside, and one that is null. */
const unknown = (tag: string): Json => ({
  [`contoso${tag}Preview`]: { enabled: true, tier: "gold", nested: { list: [1, { deep: tag }], none: null } },
  [`contoso${tag}Null`]: null,
});

/** Lays `extra` over the stored resource's properties (and `top` over its envelope), as another tool would. */
function setUserProperties(fake: FakeArm, id: string, extra: Json, top: Json = {}): void {
  const body = structuredClone(fake.get(id));
  assert.ok(body, `${id} exists`);
  Object.assign(props(body), extra);
  Object.assign(body, top);
  fake.put(id, body);
}

/** The PUTs of `id` since `mark` (parsed bodies as sent). */
function putsOf(fake: FakeArm, mark: number, id: string): RequestRecord[] {
  return writesSince(fake, mark).filter((w) => w.method === "PUT" && w.path.toLowerCase() === id.toLowerCase());
}

/** `want`'s keys are all in `have` with the same values (null included). */
function carries(have: Json, want: Json, what: string): void {
  for (const [k, v] of Object.entries(want)) {
    assert.ok(k in have, `${what} carries ${k}`);
    assert.deepEqual(have[k], v, `${what}: ${k} unchanged`);
  }
}

/** Runs create with `extra`, which must write `id`; the PUT and the stored resource keep `want` in `where`. */
async function updateKeeps(fake: FakeArm, name: string, extra: string[], id: string, want: Json, where: (b: Json) => Json = props): Promise<Json> {
  const mark = fake.requests.length;
  ok(await create(fake, name, extra, { json: false }));
  const puts = putsOf(fake, mark, id);
  assert.ok(puts.length > 0, `${id} was updated:\n${writesSince(fake, mark).map((w) => `${w.method} ${w.path}`).join("\n")}`);
  for (const p of puts) carries(where(p.body as Json), want, `the PUT of ${id}`);
  const after = fake.get(id);
  assert.ok(after);
  carries(where(after), want, `${id} after the run`);
  const again = fake.requests.length;
  ok(await create(fake, name, extra, { json: false }));
  assert.deepEqual(writesSince(fake, again).map((w) => `${w.method} ${w.path}`), [], "the next run writes nothing");
  return after;
}

describe("an update keeps every property the user set, whatever the SDK's model knows", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  it("managed cluster, re-run with a higher --node-count: unknown and unplanned properties (cluster and pool) go back as they were", async () => {
    const { fake } = arm;
    ok(await create(fake, "ucl"));
    const id = clusterId("rg-ucl", "ucl");
    const cluster = structuredClone(fake.get(id)) as Json;
    const pool = (props(cluster)["agentPoolProfiles"] as Json[])[0] as Json;
    pool["contosoPoolPreview"] = { surge: "33%" };
    fake.put(id, cluster);
    // Outside `properties` too: an envelope key of a newer API version.
    setUserProperties(fake, id, { ...unknown("Cluster"), autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" } }, { contosoEnvelope: { mode: "preview" } });
    const after = await updateKeeps(fake, "ucl", ["--node-count", "5"], id, { ...unknown("Cluster"), autoUpgradeProfile: { upgradeChannel: "stable", nodeOSUpgradeChannel: "NodeImage" } });
    const last = fake.requests.filter((q) => q.method === "PUT" && q.path.toLowerCase() === id.toLowerCase()).at(-1);
    assert.deepEqual((last?.body as Json)["contosoEnvelope"], { mode: "preview" }, "the envelope key went out");
    assert.deepEqual(after["contosoEnvelope"], { mode: "preview" }, "and is kept");
    // The identity's read-only ids are not echoed: each entry is {} in a request (ARM common types).
    const uai = ((last?.body as Json)["identity"] as Json)["userAssignedIdentities"] as Json;
    assert.deepEqual(Object.values(uai), [{}], JSON.stringify(uai));
    assert.ok(Object.values(((after["identity"] as Json)["userAssignedIdentities"] as Json)).every((v) => typeof (v as Json)["principalId"] === "string"), "Azure keeps its ids");
    const afterPool = (props(after)["agentPoolProfiles"] as Json[])[0] as Json;
    assert.equal(afterPool["count"], 5, "the planned change went out");
    assert.deepEqual(afterPool["contosoPoolPreview"], { surge: "33%" }, "the pool's own unknown property is kept");
  });

  it("VNet grown by an added --vnet-cidr: the VNet's, aks-net's subnet's and a user subnet's unknown properties are kept", async () => {
    const { fake } = arm;
    const base = ["--vnet-cidr", "10.224.0.0/12", "--subnet-cidr", "10.224.0.0/16"];
    ok(await create(fake, "uvn", base));
    const vnet = net("rg-uvn", "virtualNetworks", "uvn-vnet");
    fake.seed.subnet(vnet, "user-app", { prefix: "10.230.0.0/24", nics: 1, properties: unknown("UserSubnet") });
    setUserProperties(fake, `${vnet}/subnets/aks-nodes`, { ...unknown("Subnet"), privateEndpointNetworkPolicies: "Enabled" });
    setUserProperties(fake, vnet, { ...unknown("Vnet"), flowTimeoutInMinutes: 15 });
    await updateKeeps(fake, "uvn", [...base, "--vnet-cidr", "10.240.0.0/16"], vnet, { ...unknown("Vnet"), flowTimeoutInMinutes: 15 });
    const subnet = (name: string) => ((props(fake.get(vnet))["subnets"] as Json[]).find((s) => s["name"] === name) ?? {}) as Json;
    carries(props(subnet("user-app")), unknown("UserSubnet"), "the user's subnet");
    carries(props(subnet("aks-nodes")), { ...unknown("Subnet"), privateEndpointNetworkPolicies: "Enabled" }, "aks-net's subnet");
    assert.deepEqual((props(fake.get(vnet))["addressSpace"] as Json)["addressPrefixes"], ["10.224.0.0/12", "10.240.0.0/16"]);
  });

  it("route table with an added --route: the table's and an existing route's unknown properties are kept", async () => {
    const { fake } = arm;
    ok(await create(fake, "urt", FIREWALL));
    const rt = net("rg-urt", "routeTables", "urt-rt");
    setUserProperties(fake, `${rt}/routes/default-to-firewall`, unknown("Route"));
    setUserProperties(fake, rt, unknown("Table"));
    await updateKeeps(fake, "urt", [...FIREWALL, "--route", "172.16.0.0/12=VirtualAppliance@10.225.0.4"], rt, unknown("Table"));
    const route = (props(fake.get(rt))["routes"] as Json[]).find((r) => r["name"] === "default-to-firewall") as Json;
    carries(props(route), unknown("Route"), "the existing route");
    assert.ok((props(fake.get(rt))["routes"] as Json[]).some((r) => r["name"] === "to-172.16.0.0-12"), "the planned route was added");
  });

  it("subnet whose route table association drifted: repaired, its unknown and unplanned properties kept", async () => {
    const { fake } = arm;
    ok(await create(fake, "usn", FIREWALL));
    const subnetId = `${net("rg-usn", "virtualNetworks", "usn-vnet")}/subnets/aks-nodes`;
    const body = structuredClone(fake.get(subnetId)) as Json;
    delete props(body)["routeTable"];
    Object.assign(props(body), unknown("Subnet"), { privateEndpointNetworkPolicies: "Enabled" });
    fake.put(subnetId, body);
    const after = await updateKeeps(fake, "usn", FIREWALL, subnetId, { ...unknown("Subnet"), privateEndpointNetworkPolicies: "Enabled" });
    assert.match(String((props(after)["routeTable"] as Json)["id"]), /routeTables\/usn-rt$/i, "the association is back");
  });

  it("firewall whose AKS rule collection was removed: repaired, its unknown properties (and an IP configuration's) and autoscale kept", async () => {
    const { fake } = arm;
    ok(await create(fake, "ufw", FIREWALL));
    const fwId = net("rg-ufw", "azureFirewalls", "ufw-fw");
    const fw = structuredClone(fake.get(fwId)) as Json;
    const p = props(fw);
    p["applicationRuleCollections"] = [];
    Object.assign(props((p["ipConfigurations"] as Json[])[0] as Json), unknown("IpConfig"));
    Object.assign(p, unknown("Firewall"), { autoscaleConfiguration: { minCapacity: 2, maxCapacity: 4 } });
    fake.put(fwId, fw);
    const after = await updateKeeps(fake, "ufw", FIREWALL, fwId, { ...unknown("Firewall"), autoscaleConfiguration: { minCapacity: 2, maxCapacity: 4 } });
    assert.ok((props(after)["applicationRuleCollections"] as Json[]).length > 0, "the AKS rules are back");
    carries(props((props(after)["ipConfigurations"] as Json[])[0] as Json), unknown("IpConfig"), "the firewall's IP configuration");
  });

  it("public IP and NAT gateway re-tagged by a changed --tags: their unknown and unplanned properties are kept", async () => {
    const { fake } = arm;
    const extra = ["--outbound-type", "userAssignedNATGateway"];
    ok(await create(fake, "ung", [...extra, "--tags", "env=prod"]));
    const pips = fake.list(rgId("rg-ung")).filter((r) => /publicIPAddresses/i.test(String(r["id"])));
    const nats = fake.list(rgId("rg-ung")).filter((r) => /natGateways/i.test(String(r["id"])));
    assert.equal(pips.length, 1, pips.map((r) => String(r["id"])).join(", "));
    assert.equal(nats.length, 1);
    const pip = String(pips[0]?.["id"]);
    const nat = String(nats[0]?.["id"]);
    setUserProperties(fake, pip, { ...unknown("Ip"), dnsSettings: { domainNameLabel: "contoso-egress" } });
    setUserProperties(fake, nat, unknown("Nat"));
    const mark = fake.requests.length;
    await updateKeeps(fake, "ung", [...extra, "--tags", "env=staging"], pip, { ...unknown("Ip"), dnsSettings: { domainNameLabel: "contoso-egress" } });
    assert.equal(((fake.get(pip) ?? {})["tags"] as Json)["env"], "staging");
    for (const p of putsOf(fake, mark, nat)) carries(props(p.body as Json), unknown("Nat"), "the NAT gateway's PUT");
    assert.ok(putsOf(fake, mark, nat).length > 0, "the NAT gateway was re-tagged");
    carries(props(fake.get(nat)), unknown("Nat"), "the NAT gateway after the run");
  });

  it("firewall policy (Premium) re-tagged by a changed --tags: its unknown and unplanned properties are kept", async () => {
    const { fake } = arm;
    const extra = [...FIREWALL, "--firewall-sku", "Premium"];
    ok(await create(fake, "upo", [...extra, "--tags", "env=prod"], { json: false }));
    const policy = net("rg-upo", "firewallPolicies", "upo-fw-policy");
    assert.ok(fake.get(policy), "the policy exists");
    const mine = { ...unknown("Policy"), threatIntelWhitelist: { fqdns: ["contoso.example"], ipAddresses: [] } };
    setUserProperties(fake, policy, mine);
    await updateKeeps(fake, "upo", [...extra, "--tags", "env=staging"], policy, mine);
  });
});

/** A path pattern matching exactly `id` (not its children). */
const exactly = (id: string): RegExp => new RegExp(`^${id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "i");

describe("an update keeps the items a user added to a list aks-net also writes", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  it("a NAT gateway re-tagged keeps the user's second public IP; a subnet repaired keeps the user's service endpoint", async () => {
    const { fake } = arm;
    const extra = ["--outbound-type", "userAssignedNATGateway"];
    ok(await create(fake, "uli", [...extra, "--tags", "env=prod"], { json: false }));
    const nat = net("rg-uli", "natGateways", "uli-natgw");
    const userPip = fake.seed.publicIp("rg-uli", "user-egress-pip", { location: "westeurope" });
    const ips = [...(props(fake.get(nat))["publicIpAddresses"] as Json[]), { id: userPip }];
    setUserProperties(fake, nat, { publicIpAddresses: ips });
    const subnet = `${net("rg-uli", "virtualNetworks", "uli-vnet")}/subnets/aks-nodes`;
    const endpoints = [{ service: "Microsoft.Storage", locations: ["westeurope"] }];
    const sb = structuredClone(fake.get(subnet)) as Json;
    delete props(sb)["natGateway"];
    props(sb)["serviceEndpoints"] = endpoints;
    fake.put(subnet, sb);
    const mark = fake.requests.length;
    await updateKeeps(fake, "uli", [...extra, "--tags", "env=staging"], nat, { publicIpAddresses: ips });
    assert.ok(putsOf(fake, mark, subnet).length > 0, "the subnet's NAT gateway association was repaired");
    for (const p of putsOf(fake, mark, subnet)) assert.deepEqual(props(p.body as Json)["serviceEndpoints"], endpoints);
    assert.deepEqual(props(fake.get(subnet))["serviceEndpoints"], endpoints);
    assert.match(String((props(fake.get(subnet))["natGateway"] as Json)["id"]), /natGateways\/uli-natgw$/i);
  });
});

describe("a property the user adds between aks-net's read and its write is never overwritten (If-Match, 412, read again)", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  /** Each kind of resource a re-run updates: how to make the update needed, and the resource it writes. */
  const cases: { kind: string; name: string; first: string[]; again: string[]; id: string; drift?: (fake: FakeArm) => void }[] = [
    { kind: "managed cluster", name: "rc", first: [], again: ["--node-count", "5"], id: clusterId("rg-rc", "rc") },
    { kind: "VNet", name: "rv", first: ["--vnet-cidr", "10.224.0.0/12", "--subnet-cidr", "10.224.0.0/16"], again: ["--vnet-cidr", "10.224.0.0/12", "--subnet-cidr", "10.224.0.0/16", "--vnet-cidr", "10.240.0.0/16"], id: net("rg-rv", "virtualNetworks", "rv-vnet") },
    { kind: "route table", name: "rr", first: FIREWALL, again: [...FIREWALL, "--route", "172.16.0.0/12=VirtualAppliance@10.225.0.4"], id: net("rg-rr", "routeTables", "rr-rt") },
    {
      kind: "subnet", name: "rs", first: FIREWALL, again: FIREWALL, id: `${net("rg-rs", "virtualNetworks", "rs-vnet")}/subnets/aks-nodes`,
      drift: (fake) => {
        const id = `${net("rg-rs", "virtualNetworks", "rs-vnet")}/subnets/aks-nodes`;
        const b = structuredClone(fake.get(id)) as Json;
        delete props(b)["routeTable"];
        fake.put(id, b);
      },
    },
    {
      kind: "firewall", name: "rf", first: FIREWALL, again: FIREWALL, id: net("rg-rf", "azureFirewalls", "rf-fw"),
      drift: (fake) => {
        const id = net("rg-rf", "azureFirewalls", "rf-fw");
        const b = structuredClone(fake.get(id)) as Json;
        props(b)["applicationRuleCollections"] = [];
        fake.put(id, b);
      },
    },
    { kind: "public IP", name: "rp", first: ["--outbound-type", "userAssignedNATGateway", "--tags", "env=prod"], again: ["--outbound-type", "userAssignedNATGateway", "--tags", "env=test"], id: net("rg-rp", "publicIPAddresses", "rp-natgw-pip") },
  ];

  for (const c of cases) {
    it(`${c.kind}: the write built from the earlier read is refused (412), read again, and the user's property is kept`, async () => {
      const { fake } = arm;
      ok(await create(fake, c.name, c.first, { json: false }));
      c.drift?.(fake);
      const late = { contosoLate: { addedBy: "a colleague", at: "between the read and the write" } };
      const hook = fake.onRequest({ method: "PUT", match: exactly(c.id), when: "before" }, () => setUserProperties(fake, c.id, late));
      const mark = fake.requests.length;
      ok(await create(fake, c.name, c.again, { json: false }));
      assert.equal(hook.hits, 1, `${c.id} was written`);
      const puts = putsOf(fake, mark, c.id);
      assert.equal(puts[0]?.status, 412, `the first PUT carried the old etag (If-Match ${String(puts[0]?.ifMatch)}) and was refused`);
      assert.ok(puts[0]?.ifMatch, "it carried If-Match");
      assert.equal(props(puts[0]?.body as Json)["contosoLate"], undefined, "it was built before the user's change");
      const last = puts.at(-1);
      assert.ok(last && last.status < 300, puts.map((p) => `${p.status}`).join(","));
      carries(props(last.body as Json), late, "the PUT after reading again");
      carries(props(fake.get(c.id)), late, `${c.id} after the run`);
      const again = fake.requests.length;
      ok(await create(fake, c.name, c.again, { json: false }));
      assert.deepEqual(writesSince(fake, again).map((w) => `${w.method} ${w.path}`), [], "the next run writes nothing");
    });
  }
});

describe("delete's writes to what it keeps carry the user's properties too", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  it("an adopted subnet given back without aks-net's route table keeps its unknown and unplanned properties", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-da", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-da", "hub", ["10.70.0.0/16"], { app: "10.70.10.0/24", "aks-nodes": "10.70.0.0/22" }, { location: "westeurope" });
    const subnet = `${vnet}/subnets/aks-nodes`;
    const extra = ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22", "--existing-subnet", "app=10.70.10.0/24", "--route", "10.80.0.0/16=VirtualAppliance@10.70.255.4"];
    ok(await create(fake, "da", extra, { json: false }));
    const mine = { ...unknown("Adopted"), privateEndpointNetworkPolicies: "Enabled" };
    setUserProperties(fake, subnet, mine);
    const mark = fake.requests.length;
    ok(await runCli(["delete", "-n", "da", "-g", "rg-da", "--yes"], { fake, env: FAST }));
    const puts = putsOf(fake, mark, subnet);
    assert.ok(puts.length > 0, "the association was removed with a PUT of the subnet");
    for (const p of puts) carries(props(p.body as Json), mine, "the subnet's PUT");
    const after = fake.get(subnet);
    assert.ok(after, "the subnet stays");
    assert.equal(props(after)["routeTable"] ?? null, null, "without aks-net's route table");
    carries(props(after), mine, "the subnet after the delete");
  });
});

describe("odd user properties go back exactly as Azure has them", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  it("a huge, deeply nested property (1000 levels, ~1 MB) and a null survive a route table update byte for byte", async () => {
    const { fake } = arm;
    ok(await create(fake, "hg", FIREWALL, { json: false }));
    const rt = net("rg-hg", "routeTables", "hg-rt");
    let deep: Json = { leaf: "x".repeat(100) };
    for (let i = 0; i < 1000; i++) deep = { [`l${i}`]: deep, n: i };
    const huge = { contosoDeep: deep, contosoWide: Array.from({ length: 8000 }, (_, i) => ({ i, text: `${i}`.padEnd(120, "y") })), contosoNothing: null };
    setUserProperties(fake, rt, huge);
    await updateKeeps(fake, "hg", [...FIREWALL, "--route", "172.16.0.0/12=VirtualAppliance@10.225.0.4"], rt, huge);
    assert.ok(JSON.stringify(huge).length > 1_000_000, "it is big");
  });

  it("a Windows cluster's update echoes no secret: a GET never returns the admin password, so no PUT after the first carries it", async () => {
    const { fake } = arm;
    const dir = mkdtempSync(join(tmpdir(), "aks-net-body-"));
    try {
      const spec = (count: number): string[] => {
        writeFileSync(join(dir, "spec.json"), JSON.stringify({ networkPlugin: "azure", networkPluginMode: "overlay", nodePools: [{ name: "system", count: 2 }, { name: "win", count, osType: "Windows" }] }));
        return ["-f", "spec.json"];
      };
      const env = { AKS_NET_WINDOWS_ADMIN_PASSWORD: "Sup3r-Secret-Pw!" };
      ok(await create(fake, "wn", spec(1), { json: false, cwd: dir, env }));
      const id = clusterId("rg-wn", "wn");
      assert.equal((props(fake.get(id))["windowsProfile"] as Json)["adminPassword"], undefined, "the GET has no password");
      setUserProperties(fake, id, unknown("Win"));
      const mark = fake.requests.length;
      ok(await create(fake, "wn", spec(2), { json: false, cwd: dir, env }));
      const puts = putsOf(fake, mark, id);
      assert.ok(puts.length > 0, "the cluster was updated");
      for (const p of puts) {
        assert.equal(JSON.stringify(p.body).includes("Sup3r-Secret-Pw!"), false, "the password is not sent again");
        assert.equal((props(p.body as Json)["windowsProfile"] as Json)["adminUsername"], "azureuser");
        carries(props(p.body as Json), unknown("Win"), "the update");
      }
      assert.equal(((props(fake.get(id))["agentPoolProfiles"] as Json[]).find((x) => x["name"] === "win") ?? {})["count"], 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
