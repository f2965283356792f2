/**
 * `--zones` end to end on the fake ARM (issue 11 item 2): zonal pools, the firewall and its public IP zone-redundant,
 * a re-run writes nothing; offline and --live zone checks stop before any write.
 */
import assert from "node:assert/strict";
import type { Json } from "../fakes/fake-arm.ts";
import { FAST, clusterId, create, net, ok, props, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";

const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];

describe("create --zones (fake ARM)", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  it("builds zonal pools with a zone-redundant firewall and public IP; a re-run writes nothing", async () => {
    const fake = arm.fake;
    ok(await create(fake, "zonal", ["--zones", "1", "2", "3", ...FIREWALL]));
    const pool = (props(fake.get(clusterId("rg-zonal", "zonal")))["agentPoolProfiles"] as Json[])[0] as Json;
    assert.deepEqual(pool["availabilityZones"], ["1", "2", "3"]);
    assert.deepEqual(fake.get(net("rg-zonal", "publicIPAddresses", "zonal-fw-pip"))?.["zones"], ["1", "2", "3"]);
    assert.deepEqual(fake.get(net("rg-zonal", "azureFirewalls", "zonal-fw"))?.["zones"], ["1", "2", "3"]);
    const mark = fake.requests.length;
    ok(await create(fake, "zonal", ["--zones", "1", "2", "3", ...FIREWALL]));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), []);
  });

  it("--vnet-nat-gateway-sku StandardV2: zonal pools behind a zone-redundant NAT gateway and StandardV2 IP, no ZONE-03; a re-run writes nothing; delete removes both", async () => {
    const fake = arm.fake;
    const args = ["--zones", "1", "2", "3", "--outbound-type", "userAssignedNATGateway", "--vnet-nat-gateway-sku", "StandardV2"];
    const v = await runCli(["validate", "-n", "v2", "-g", "rg-v2", "-l", "westeurope", ...args, "-o", "json"], {});
    assert.equal(v.code, 0, v.stdout);
    assert.doesNotMatch(v.stdout, /ZONE-03/);
    const standard = await runCli(["validate", "-n", "v1", "-g", "rg-v1", "-l", "westeurope", ...args.slice(0, -2), "-o", "json"], {});
    assert.match(standard.stdout, /ZONE-03/, "the Standard gateway aks-net builds is warned");
    ok(await create(fake, "v2", args));
    assert.equal((fake.get(net("rg-v2", "natGateways", "v2-natgw"))?.["sku"] as Json)["name"], "StandardV2");
    assert.equal((fake.get(net("rg-v2", "publicIPAddresses", "v2-natgw-pip"))?.["sku"] as Json)["name"], "StandardV2");
    const mark = fake.requests.length;
    ok(await create(fake, "v2", args));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), []);
    const d = await runCli(["delete", "-n", "v2", "-g", "rg-v2", "--yes", "-o", "json"], { fake, env: FAST });
    assert.equal(d.code, 0, d.stderr);
    assert.equal(fake.get(net("rg-v2", "natGateways", "v2-natgw")), undefined);
  });

  it("asking StandardV2 of the Standard NAT gateway an earlier run built is a refusal before any write", async () => {
    const fake = arm.fake;
    const nat = ["--outbound-type", "userAssignedNATGateway"];
    ok(await create(fake, "natv1", nat));
    const mark = fake.requests.length;
    const r = await create(fake, "natv1", [...nat, "--vnet-nat-gateway-sku", "StandardV2"]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /natv1-natgw: sku\.name is Standard, plan StandardV2: Azure cannot change this in place/);
    assert.deepEqual(writesSince(fake, mark), []);
  });

  it("adding zones to an existing firewall's public IP is a refusal before any write", async () => {
    const fake = arm.fake;
    ok(await create(fake, "later", FIREWALL));
    const mark = fake.requests.length;
    const r = await create(fake, "later", ["--zones", "1", "2", "3", ...FIREWALL]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /later-fw-pip: zones is \[\], plan \["1","2","3"\]: Azure cannot change this in place/);
    assert.deepEqual(writesSince(fake, mark), []);
  });

  it("dry-run --offline shows the zones; a region without zones is exit 3 (ZONE-02)", async () => {
    const dry = await runCli(["create", "-n", "z", "-g", "rg-z", "-l", "westeurope", "--zones", "1", "2", "--dry-run", "--offline", "-o", "json"], {});
    ok(dry);
    const ops = (JSON.parse(dry.stdout) as { operations: { type: string; body: Json }[] }).operations;
    const cluster = ops.find((o) => o.type === "Microsoft.ContainerService/managedClusters") as { body: Json };
    assert.deepEqual(((props(cluster.body)["agentPoolProfiles"] as Json[])[0] as Json)["availabilityZones"], ["1", "2"]);
    const west = await runCli(["validate", "-l", "westus", "--zones", "1", "-o", "json"], {});
    assert.equal(west.code, 3);
    assert.match(west.stdout, /ZONE-02/);
  });
});

describe("validate --live --zones: the VM size's zones in the region (fake ARM)", function () {
  this.timeout(60_000);
  const fake = useFakeArm({ polls: 1, skus: [{ name: "Standard_D4s_v5", family: "standardDSv5Family", vCPUs: 4, memoryGB: 16, restrictedZones: ["3"] }] });

  it("a zone restricted for the subscription is LIVE-ZONE-01 (exit 3) with the zones to use", async () => {
    const r = await runCli(["validate", "--live", "-o", "json", "-g", "rg-live", "-l", "westeurope", "--zones", "1", "2", "3"], { fake, env: FAST });
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout) as { errors: { rule: string; fix: string }[] };
    const f = doc.errors.find((e) => e.rule === "LIVE-ZONE-01");
    assert.equal(f?.fix, "use --zones 1 2, or another VM size");
    assert.equal(doc.errors.filter((e) => e.rule === "ZONE-02").length, 0);
    const fine = await runCli(["validate", "--live", "-o", "json", "-g", "rg-live", "-l", "westeurope", "--zones", "1", "2"], { fake, env: FAST });
    assert.doesNotMatch(fine.stdout, /LIVE-ZONE-01/);
  });
});
