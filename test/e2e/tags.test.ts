/**
 * `--tags` end to end on the fake ARM (issue 11 item 5): the user's tags land on every resource aks-net creates, a
 * re-run writes nothing, changed tags are laid over what Azure has without touching aks-net's ownership tags (delete
 * still proves what it made), and a resource aks-net did not make keeps its tags.
 */
import assert from "node:assert/strict";
import type { Json } from "../fakes/fake-arm.ts";
import { clusterId, create, net, ok, result, rgId, writesSince } from "../helpers/create-cli.ts";
import { useFakeArm } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import { FAST } from "../helpers/create-cli.ts";

const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];
const tagsOf = (body: Json | undefined): Record<string, string> => ((body ?? {})["tags"] ?? {}) as Record<string, string>;
/** Every top-level resource under the cluster's group that can carry tags. */
const tagged = (fake: { list(prefix?: string): Json[] }, rg: string): Json[] =>
  fake.list(rgId(rg)).filter((r) => !/\/(subnets|routes|ruleCollectionGroups|roleAssignments)\//i.test(String(r["id"])) && !/roleAssignments/i.test(String(r["id"])));

describe("create --tags (fake ARM)", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  it("tags every resource it creates, keeps them on re-runs with 0 writes, and lays changed tags over Azure's without touching its own", async () => {
    const fake = arm.fake;
    ok(await create(fake, "tagd", ["--tags", "env=prod", "cost center=12,34", "empty", ...FIREWALL]));
    const resources = [fake.get(rgId("rg-tagd")), ...tagged(fake, "rg-tagd")];
    assert.ok(resources.length >= 7, `resources: ${resources.map((r) => String(r?.["id"])).join(", ")}`);
    for (const r of resources) {
      const t = tagsOf(r);
      assert.equal(t["env"], "prod", String(r?.["id"]));
      assert.equal(t["cost center"], "12,34", String(r?.["id"]));
      assert.equal(t["empty"], "", String(r?.["id"]));
      assert.ok(t["aks-net-made"], `${String(r?.["id"])} keeps its proof`);
    }
    const manifestBefore = Object.entries(tagsOf(fake.get(clusterId("rg-tagd", "tagd")))).filter(([k]) => k.startsWith("aks-net-manifest-"));
    assert.ok(manifestBefore.length > 0);

    let mark = fake.requests.length;
    ok(await create(fake, "tagd", ["--tags", "env=prod", "cost center=12,34", "empty", ...FIREWALL]));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "the same tags: nothing to write");

    // Changed and added tags: only tag updates are written, on the resources aks-net made.
    mark = fake.requests.length;
    const changed = await create(fake, "tagd", ["--tags", "env=staging", "team=net", ...FIREWALL]);
    ok(changed);
    const writes = writesSince(fake, mark);
    const ids = new Set(resources.map((r) => String(r?.["id"]).toLowerCase()));
    assert.deepEqual(new Set(writes.map((w) => w.path.toLowerCase())), ids, "one tag update per resource aks-net made");
    assert.ok(writes.every((w) => w.method === "PUT" && !/\/(subnets|routes|roleAssignments)\//i.test(w.path)), writes.map((w) => `${w.method} ${w.path}`).join("\n"));
    for (const r of [fake.get(rgId("rg-tagd")), ...tagged(fake, "rg-tagd")]) {
      const t = tagsOf(r);
      assert.equal(t["env"], "staging", String(r?.["id"]));
      assert.equal(t["team"], "net", String(r?.["id"]));
      assert.equal(t["cost center"], "12,34", `${String(r?.["id"])}: a tag dropped from the command is not removed`);
      assert.equal(t["managed-by"] ?? "aks-net", "aks-net");
      assert.ok(t["aks-net-made"], `${String(r?.["id"])} keeps its proof`);
    }
    const manifestAfter = Object.entries(tagsOf(fake.get(clusterId("rg-tagd", "tagd")))).filter(([k]) => k.startsWith("aks-net-manifest-"));
    assert.deepEqual(manifestAfter, manifestBefore, "the cluster's manifest is untouched");

    mark = fake.requests.length;
    ok(await create(fake, "tagd", ["--tags", "env=staging", "team=net", ...FIREWALL]));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "converged: nothing to write");

    // delete still proves every resource made for the cluster.
    const del = await runCli(["delete", "-n", "tagd", "-g", "rg-tagd", "--yes"], { fake, env: FAST });
    ok(del);
    assert.equal(fake.get(clusterId("rg-tagd", "tagd")), undefined);
    assert.equal(fake.get(net("rg-tagd", "azureFirewalls", "tagd-fw")), undefined);
    assert.equal(fake.get(rgId("rg-tagd")), undefined);
  });

  it("leaves the tags of a VNet it did not make as they are", async () => {
    const fake = arm.fake;
    fake.seed.resourceGroup("rg-adopt", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-adopt", "theirs", ["10.40.0.0/16"], {}, { location: "westeurope", tags: { owner: "network-team" } });
    ok(await create(fake, "adopt", ["--vnet-name", "theirs", "--vnet-cidr", "10.40.0.0/16", "--subnet-cidr", "10.40.0.0/22", "--tags", "env=prod"]));
    assert.deepEqual(tagsOf(fake.get(vnet)), { owner: "network-team" });
    assert.equal(tagsOf(fake.get(clusterId("rg-adopt", "adopt")))["env"], "prod");
    assert.deepEqual(tagsOf(fake.get(rgId("rg-adopt"))), {}, "nor a resource group it did not make");
  });

  it("shows the tags in the dry-run plan and refuses aks-net's own tag names (exit 3)", async () => {
    const dry = await runCli(["create", "-n", "t", "-g", "rg-t", "-l", "westeurope", "--dry-run", "--offline", "-o", "json", "--tags", "env=prod"], {});
    ok(dry);
    const ops = (JSON.parse(dry.stdout) as { operations: { type: string; body: Json }[] }).operations;
    const withTags = ops.filter((o) => o.body["tags"] !== undefined);
    assert.ok(withTags.length >= 4);
    for (const o of withTags) assert.equal(tagsOf(o.body)["env"], "prod", o.type);
    const bad = await runCli(["create", "-n", "t", "-g", "rg-t", "-l", "westeurope", "--dry-run", "--offline", "-o", "json", "--tags", "aks-net-made=x"], {});
    assert.equal(bad.code, 3, bad.stderr);
    assert.equal(result(bad).status, "invalid");
    const usage = await runCli(["validate", "--tags", "=x"], {});
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--tags takes KEY=VALUE items, got '=x'/);
  });
});

