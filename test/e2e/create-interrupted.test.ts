/**
 * A first create that stops before its cluster step (issue 9): the cluster, and with it the record of what create
 * made, does not exist yet. Create's journal (written before its first write, each entry completed with what Azure
 * assigned after aks-net's own write) lets `delete -n -g` delete exactly what that run made — the subnets it made in
 * the user's VNet and the role assignments on them included — and nothing else; a user's resource added meanwhile
 * stays and is named.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, create, net, ok, props, stateWithoutEtags, useFakeArm } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import type { RunCliResult } from "../helpers/run-cli.ts";

interface Doc {
  delete: { action: string; resourceId: string }[];
  keep: { type: string; resourceId: string; reason: string; foreign?: string[] }[];
}

function doc(r: RunCliResult): Doc {
  try {
    return JSON.parse(r.stdout) as Doc;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

const del = (fake: FakeArm): Promise<RunCliResult> => runCli(["delete", "-n", "ic", "-g", "rg-ic", "--yes", "-o", "json"], { fake, env: FAST });
const lc = (s: string): string => s.toLowerCase();
const HUB = net("rg-ic", "virtualNetworks", "hub");
const ARGS = ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22", "--firewall", "--firewall-subnet-cidr", "10.70.255.0/26"];

/** The user's group rg-ic and VNet hub (subnet team): aks-net makes its subnets in it. */
function userNetwork(fake: FakeArm): string[] {
  fake.seed.resourceGroup("rg-ic", { location: "westeurope" });
  fake.seed.vnet("rg-ic", "hub", ["10.70.0.0/16"], { team: "10.70.100.0/24" }, { location: "westeurope" });
  return ARGS;
}

/** The writes a first create sends (a route's failure does not stop the cluster, which does not need it). */
const STEPS = [
  /virtualNetworks\/hub\/subnets\/AzureFirewallSubnet$/,
  /publicIPAddresses\/ic-fw-pip$/,
  /azureFirewalls\/ic-fw$/,
  /routeTables\/ic-rt$/,
  /routeTables\/ic-rt\/routes\//,
  /virtualNetworks\/hub\/subnets\/aks-nodes$/,
  /userAssignedIdentities\/ic-identity$/,
  /roleAssignments\//,
  /virtualNetworks\/hub$/,
  /managedClusters\/ic$/,
];

/** What a colleague adds while aks-net's create is stopped: a subnet in the user's VNet, a public IP in the group. */
function colleague(fake: FakeArm): string[] {
  return [fake.seed.subnet(HUB, "colleague", "10.70.101.0/24"), fake.seed.publicIp("rg-ic", "colleague-pip", { location: "westeurope" })];
}

/** Everything stored but the colleague's items. */
function without(fake: FakeArm, ids: string[]): Record<string, Json> {
  const all = stateWithoutEtags(fake);
  const hub = Object.keys(all).find((k) => lc(k) === lc(HUB));
  for (const k of Object.keys(all)) if (ids.some((i) => lc(i) === lc(k))) delete all[k];
  // The VNet's GET lists its subnets: the colleague's subnet is not part of "as it was".
  if (hub) props(all[hub])["subnets"] = ((props(all[hub])["subnets"] as Json[] | undefined) ?? []).filter((s) => !ids.some((i) => lc(i) === lc(String(s["id"]))));
  return all;
}

describe("a first create that stops before its cluster step: delete removes exactly what it made", function () {
  this.timeout(600_000);
  const arm = useFakeArm({ polls: 1 });

  it("the plan's writes are the steps below (the test's map of the run)", async () => {
    const { fake } = arm;
    const extra = userNetwork(fake);
    ok(await create(fake, "ic", extra));
    const writes = fake.writes().filter((w) => w.method === "PUT").map((w) => w.path);
    for (const s of STEPS) assert.ok(writes.some((p) => s.test(p)), `a PUT matches ${s}:\n${writes.join("\n")}`);
  });

  for (const [i, step] of STEPS.entries()) {
    it(`the PUT of step ${i + 1} (${step.source}) fails: delete -n -g deletes what the run made, keeps and names the colleague's items`, async () => {
      const { fake } = arm;
      const extra = userNetwork(fake);
      const before = stateWithoutEtags(fake);
      fake.addFault({ kind: "badRequest", method: "PUT", match: step, times: Infinity });
      const first = await create(fake, "ic", extra);
      assert.equal(first.code, 1, `the create fails at ${step}:\n${first.stderr}`);
      fake.clearFaults();
      const theirs = colleague(fake);
      const r = await del(fake);
      ok(r);
      assert.deepEqual(without(fake, theirs), before, "everything the run made is gone; the user's VNet and subnet are as they were");
      for (const t of theirs) assert.ok(fake.get(t), `${t} stays`);
      const d = doc(r);
      for (const t of theirs) {
        const named = d.keep.some((k) => lc(k.resourceId) === lc(t) || (k.foreign ?? []).some((f) => lc(f) === lc(t)));
        assert.ok(named, `${t} is named in the kept list:\n${JSON.stringify(d.keep, null, 2)}`);
      }
    });
  }

  it("a subnet aks-net made, deleted and made again by someone with the same name and prefix after the stop: kept and named (its etag is not the one aks-net's write left)", async () => {
    const { fake } = arm;
    const extra = userNetwork(fake);
    fake.addFault({ kind: "badRequest", method: "PUT", match: /azureFirewalls\/ic-fw$/, times: Infinity });
    assert.equal((await create(fake, "ic", extra)).code, 1);
    fake.clearFaults();
    const subnet = `${HUB}/subnets/AzureFirewallSubnet`;
    assert.ok(fake.get(subnet), "the run made the firewall's subnet");
    fake.remove(subnet);
    fake.seed.subnet(HUB, "AzureFirewallSubnet", "10.70.255.0/26");
    const theirs = stateWithoutEtags(fake)[subnet];
    const r = await del(fake);
    ok(r);
    // Etags aside: giving the VNet back Azure's DNS is a PUT of the VNet, which writes its subnets too.
    assert.deepEqual(stateWithoutEtags(fake)[subnet], theirs, "the re-created subnet is exactly as its maker left it");
    const k = doc(r).keep.find((x) => lc(x.resourceId) === lc(subnet));
    assert.match(k?.reason ?? "", /not the one aks-net made: it was written or made again since/, JSON.stringify(doc(r).keep, null, 2));
    assert.equal(fake.get(`${HUB}/subnets/aks-nodes`), undefined, "the subnet aks-net made and nobody touched is gone");
  });

  it("killed (SIGKILL) while its write of a subnet in the user's VNet is in flight: delete keeps that subnet (nothing proves whose it is) and names why; the rest goes", async () => {
    const { fake } = arm;
    const extra = userNetwork(fake);
    // The subnet's operation never finishes in "Azure": the run is killed once Azure accepted its PUT.
    fake.options.pollsByType = { "Microsoft.Network/virtualNetworks/subnets": 100_000 };
    try {
      const first = await create(fake, "ic", extra, { killSignal: "SIGKILL", killWhen: () => fake.requests.some((q) => q.method === "PUT" && /subnets\/AzureFirewallSubnet$/.test(q.path) && q.status === 201) });
      assert.ok(first.killed, first.stderr);
    } finally {
      delete fake.options.pollsByType;
    }
    fake.completeAll();
    const subnet = `${HUB}/subnets/AzureFirewallSubnet`;
    assert.ok(fake.get(subnet), "Azure made the subnet");
    const r = await del(fake);
    ok(r);
    assert.ok(fake.get(subnet), "kept");
    assert.match(doc(r).keep.find((k) => lc(k.resourceId) === lc(subnet))?.reason ?? "", /aks-net's create stopped while making it/);
    assert.equal(fake.list(`${HUB.slice(0, HUB.indexOf("/providers/"))}/providers/Microsoft.Network/publicIPAddresses`).length, 0, "what aks-net proves it made goes");
  });

  it("killed (SIGKILL) while the cluster PUT is in flight: delete -n -g deletes what the run made, nothing else", async () => {
    const { fake } = arm;
    const extra = userNetwork(fake);
    const before = stateWithoutEtags(fake);
    fake.addFault({ kind: "hang", method: "PUT", match: /managedClusters\/ic$/, times: Infinity });
    const first = await create(fake, "ic", extra, { killSignal: "SIGKILL", killWhen: () => fake.requests.some((q) => q.method === "PUT" && /managedClusters\/ic$/.test(q.path)) });
    assert.ok(first.killed, `killed at the cluster step (exit ${first.code}):\n${first.stderr}`);
    fake.clearFaults();
    const theirs = colleague(fake);
    const r = await del(fake);
    ok(r);
    assert.deepEqual(without(fake, theirs), before);
    for (const t of theirs) assert.ok(doc(r).keep.some((k) => lc(k.resourceId) === lc(t)), `${t} is named`);
  });

  it("a spec file without a location (create took -l) stopped after its firewall: delete -f deletes the firewall with its rule collections (their service tags name the region), not 'holds rule collection aks-network, which aks-net did not make'", async () => {
    const { fake } = arm;
    userNetwork(fake);
    const before = stateWithoutEtags(fake);
    const dir = mkdtempSync(join(tmpdir(), "aks-net-ic-"));
    const file = join(dir, "spec.yaml");
    // The region comes from the command line, as in `create -f spec.yaml -l westeurope`.
    writeFileSync(file, "name: ic\nresourceGroup: rg-ic\nvnet:\n  name: hub\n  addressSpaces: [10.70.0.0/16]\n  subnetCidr: 10.70.0.0/22\nfirewall:\n  enabled: true\n  subnetCidr: 10.70.255.0/26\n");
    fake.addFault({ kind: "badRequest", method: "PUT", match: /virtualNetworks\/hub\/subnets\/aks-nodes$/, times: Infinity });
    const first = await runCli(["create", "-f", file, "-l", "westeurope", "--yes", "-o", "json"], { fake, env: FAST });
    assert.equal(first.code, 1, first.stderr);
    fake.clearFaults();
    assert.ok(fake.get(net("rg-ic", "azureFirewalls", "ic-fw")), "the run made the firewall");
    const r = await runCli(["delete", "-f", file, "--yes", "-o", "json"], { fake, env: FAST });
    ok(r);
    assert.deepEqual(stateWithoutEtags(fake), before, `everything the run made is gone:\n${JSON.stringify(doc(r).keep, null, 2)}`);
  });
});
