/**
 * Two runs at once (issue 9): the same create twice, two clusters' creates into one shared VNet, the same delete
 * twice. Against the fake with Azure's conflicts on (409 AnotherOperationInProgress on a VNet or route table busy with
 * another operation, etags): each run converges or stops with a clear message and its exit code, nothing is
 * duplicated, nothing of the user's is lost, and a third run writes nothing.
 */
import assert from "node:assert/strict";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, clusterId, create, net, ok, props, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import type { RunCliResult } from "../helpers/run-cli.ts";

/** A run that did not converge must say why on one line and exit with one of the documented codes, never a trace. */
function convergedOrClear(r: RunCliResult): boolean {
  if (r.code === 0) return true;
  assert.ok([1, 5].includes(r.code ?? -1), `exit ${r.code}:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .*\.(c?js|ts):\d+/, "no stack trace");
  assert.doesNotMatch(r.stderr, /internal error/);
  return false;
}

function ids(fake: FakeArm, prefix: string): string[] {
  return Object.keys(fake.snapshot()).filter((k) => k.toLowerCase().startsWith(prefix.toLowerCase())).sort();
}

/** Re-runs the same create until it converges (a run that stopped is resumed), then once more: no write. */
async function settle(fake: FakeArm, name: string, extra: string[], first: RunCliResult): Promise<void> {
  if (!convergedOrClear(first)) ok(await create(fake, name, extra));
  const mark = fake.requests.length;
  ok(await create(fake, name, extra, { json: false }));
  assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], `a third run of ${name} writes nothing`);
}

describe("two runs at once", function () {
  this.timeout(180_000);
  // Slow enough that the two runs overlap on every resource.
  const arm = useFakeArm({ polls: 3, networkConflicts: true, requestLatencyMs: 40 });

  it("the same create twice at once: both end converged, nothing duplicated, a third run writes nothing", async () => {
    const { fake } = arm;
    const args = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--route", "10.80.0.0/16=VirtualAppliance@10.224.0.10"];
    const [a, b] = await Promise.all([create(fake, "twin", args), create(fake, "twin", args)]);
    // Creates are create-only (If-None-Match: *): the run that finds a resource made meanwhile reads it and goes on.
    // Before, its second PUT put the firewall back into Updating under the other run's cluster create (exit 1).
    ok(a);
    ok(b);
    await settle(fake, "twin", args, a);
    const rg = `/subscriptions/${clusterId("rg-twin", "twin").split("/")[2]}/resourceGroups/rg-twin`;
    const all = ids(fake, rg);
    assert.equal(all.filter((i) => /roleAssignments/i.test(i)).length, 2, `one role assignment per scope:\n${all.join("\n")}`);
    assert.equal((props(fake.get(net("rg-twin", "routeTables", "twin-rt")))["routes"] as Json[]).length, 3, "default, firewall IP and the user route, once each");
  });

  it("two clusters' creates into one shared VNet at once: both converge, the user's subnet and the other cluster's stay", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-shared", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-shared", "shared", ["10.70.0.0/16"], { team: "10.70.100.0/24" }, { location: "westeurope" });
    const team = fake.get(`${vnet}/subnets/team`);
    const argsOf = (n: string, cidr: string): string[] => ["--vnet-name", "shared", "--vnet-cidr", "10.70.0.0/16", "--subnet-name", `${n}-nodes`, "--subnet-cidr", cidr];
    const run = (n: string, cidr: string): Promise<RunCliResult> => runCli(["create", "-n", n, "-g", "rg-shared", "-l", "westeurope", "--yes", "-o", "json", ...argsOf(n, cidr)], { fake, env: FAST });
    const [a, b] = await Promise.all([run("a", "10.70.0.0/22"), run("b", "10.70.4.0/22")]);
    for (const [n, cidr, r] of [["a", "10.70.0.0/22", a], ["b", "10.70.4.0/22", b]] as const) {
      if (!convergedOrClear(r)) ok(await run(n, cidr));
    }
    for (const [n, cidr] of [["a", "10.70.0.0/22"], ["b", "10.70.4.0/22"]] as const) {
      const mark = fake.requests.length;
      ok(await run(n, cidr));
      assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], `a third run of ${n} writes nothing`);
    }
    const subnets = (props(fake.get(vnet))["subnets"] as Json[]).map((s) => String(s["name"])).sort();
    assert.deepEqual(subnets, ["a-nodes", "b-nodes", "team"]);
    assert.deepEqual(fake.get(`${vnet}/subnets/team`), team, "the user's subnet is untouched");
    assert.ok(fake.get(clusterId("rg-shared", "a")) && fake.get(clusterId("rg-shared", "b")));
  });

  it("the same delete twice at once: everything aks-net made goes, the user's stays, each run ends clearly", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-keep", { location: "westeurope" });
    const pip = fake.seed.publicIp("rg-keep", "user-pip", { location: "westeurope" });
    ok(await create(fake, "dd", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"]));
    const del = (): Promise<RunCliResult> => runCli(["delete", "-n", "dd", "-g", "rg-dd", "--yes"], { fake, env: FAST });
    const [a, b] = await Promise.all([del(), del()]);
    const done = [a, b].map(convergedOrClear);
    if (!done.every(Boolean)) ok(await del());
    const after = await del();
    ok(after);
    assert.match(after.stderr, /nothing to delete/);
    assert.deepEqual(ids(fake, "/subscriptions").filter((i) => /rg-dd/i.test(i)), []);
    assert.ok(fake.get(pip), "the user's public IP in another group stays");
  });
});
