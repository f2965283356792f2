/**
 * `aks-net delete` on a shared subscription (issue 9 §1), end to end against the fake ARM server: it deletes only what
 * create made for this cluster, keeps every parent holding something it did not make (naming it), decides on a fresh
 * read right before each write (If-Match; 412 → read again), and stops before deleting anything when it must.
 *
 * The matrix: a user's item inside or beside each kind of aks-net resource, added before the delete or while the
 * cluster DELETE is in flight; nothing of the user's is deleted or changed and every kept parent is named with its
 * reason, in the text output and in -o json.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, SUB, clusterId, create, net, ok, props, rgId, stateWithoutEtags, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import type { RunCliResult } from "../helpers/run-cli.ts";

const CONTRIBUTOR = "b24988ac-6180-11e8-9d2e-08002b2bdf76";
const COLLEAGUE = "22222222-2222-4222-8222-222222222222";

interface Doc {
  delete: { action: string; resourceId: string }[];
  keep: { type: string; resourceId: string; reason: string; foreign?: string[] }[];
  result: null | { status: string; steps: { action: string; status: string; resourceId: string }[] };
}

function del(fake: FakeArm, name: string, extra: string[] = [], rg = `rg-${name}`): Promise<RunCliResult> {
  return runCli(["delete", "-n", name, "-g", rg, "--yes", "-o", "json", ...extra], { fake, env: FAST });
}

function doc(r: RunCliResult): Doc {
  try {
    return JSON.parse(r.stdout) as Doc;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

const lc = (s: string): string => s.toLowerCase();
const kept = (d: Doc, id: string): Doc["keep"][number] | undefined => d.keep.find((k) => lc(k.resourceId) === lc(id));

/** The stored resource as it is now, without its etag (a write changes it). */
function now(fake: FakeArm, id: string): Json | undefined {
  const snap = fake.snapshot();
  const k = Object.keys(snap).find((x) => lc(x) === lc(id));
  return k === undefined ? undefined : snap[k];
}

/** A user's item: what it adds (ids of everything of the user's), and the aks-net parent that must be kept for it. */
interface Case {
  item: string;
  /** create flags for the cluster (name `m`). */
  topology: string[];
  add(fake: FakeArm, name: string): string[];
  parent(name: string): string;
  reason: RegExp;
  /** What the parent's reason must not say. */
  not?: RegExp;
}

const vnetOf = (name: string): string => net(`rg-${name}`, "virtualNetworks", `${name}-vnet`);
const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];

const CASES: Case[] = [
  {
    item: "a subnet (with the user's NSG) in aks-net's VNet",
    topology: [],
    add: (fake, name) => {
      const nsg = fake.put(net(`rg-${name}`, "networkSecurityGroups", "team-nsg"), { location: "westeurope", properties: {} });
      return [fake.seed.subnet(vnetOf(name), "team", { prefix: "10.224.200.0/24", nsgId: nsg }), nsg];
    },
    parent: vnetOf,
    reason: /holds subnet team, which aks-net did not make/,
  },
  {
    item: "a route in aks-net's route table",
    topology: ["--route", "10.80.0.0/16=VirtualAppliance@10.224.0.10"],
    add: (fake, name) => [fake.put(`${net(`rg-${name}`, "routeTables", `${name}-rt`)}/routes/team-route`, { properties: { addressPrefix: "10.99.0.0/16", nextHopType: "VnetLocal" } })],
    parent: (name) => net(`rg-${name}`, "routeTables", `${name}-rt`),
    reason: /holds route team-route, which aks-net did not make/,
  },
  {
    item: "a rule collection in aks-net's firewall",
    topology: FIREWALL,
    add: (fake, name) => {
      const fw = net(`rg-${name}`, "azureFirewalls", `${name}-fw`);
      const body = structuredClone(fake.get(fw) as Json);
      const p = props(body);
      p["networkRuleCollections"] = [...((p["networkRuleCollections"] as Json[] | undefined) ?? []), { name: "team-rules", properties: { priority: 400, action: { type: "Allow" }, rules: [] } }];
      fake.put(fw, body);
      return [`${fw}/networkRuleCollections/team-rules`];
    },
    parent: (name) => net(`rg-${name}`, "azureFirewalls", `${name}-fw`),
    reason: /holds rule collection team-rules, which aks-net did not make/,
  },
  {
    item: "a rule collection group in aks-net's firewall policy",
    topology: [...FIREWALL, "--firewall-sku", "Premium"],
    add: (fake, name) => [fake.put(`${net(`rg-${name}`, "firewallPolicies", `${name}-fw-policy`)}/ruleCollectionGroups/team-rcg`, { properties: { priority: 300, ruleCollections: [] } })],
    parent: (name) => net(`rg-${name}`, "firewallPolicies", `${name}-fw-policy`),
    reason: /holds rule collection group team-rcg, which aks-net did not make/,
  },
  {
    item: "a rule collection in aks-net's rule collection group",
    topology: [...FIREWALL, "--firewall-sku", "Premium"],
    add: (fake, name) => {
      const group = `${net(`rg-${name}`, "firewallPolicies", `${name}-fw-policy`)}/ruleCollectionGroups/aks-egress`;
      const body = structuredClone(fake.get(group) as Json);
      const p = props(body);
      p["ruleCollections"] = [...((p["ruleCollections"] as Json[] | undefined) ?? []), { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "team-rc", priority: 4000, action: { type: "Allow" }, rules: [] }];
      fake.put(group, body);
      return [group];
    },
    parent: (name) => `${net(`rg-${name}`, "firewallPolicies", `${name}-fw-policy`)}/ruleCollectionGroups/aks-egress`,
    reason: /holds rule collection team-rc, which aks-net did not make/,
  },
  {
    item: "a subnet of the user's own VNet associated with aks-net's NAT gateway",
    topology: ["--outbound-type", "userAssignedNATGateway"],
    add: (fake, name) => {
      const theirs = fake.seed.vnet(`rg-${name}`, "team-vnet", ["10.90.0.0/16"], { s1: { prefix: "10.90.0.0/24", natGatewayId: net(`rg-${name}`, "natGateways", `${name}-natgw`) } }, { location: "westeurope" });
      return [`${theirs}/subnets/s1`];
    },
    parent: (name) => net(`rg-${name}`, "natGateways", `${name}-natgw`),
    reason: /used by subnet s1, which aks-net did not associate with it/,
    // Its own public IP is not a subnet, and aks-net's IP is no reason to keep aks-net's gateway.
    not: /subnet m-natgw-pip/,
  },
  {
    item: "a public IP of the user's added to aks-net's NAT gateway",
    topology: ["--outbound-type", "userAssignedNATGateway"],
    add: (fake, name) => {
      const gw = net(`rg-${name}`, "natGateways", `${name}-natgw`);
      const ip = fake.seed.publicIp(`rg-${name}`, "team-pip", { location: "westeurope" });
      const body = structuredClone(fake.get(gw) as Json);
      props(body)["publicIpAddresses"] = [...((props(body)["publicIpAddresses"] as Json[] | undefined) ?? []), { id: ip }];
      delete props(body)["subnets"]; // read-only: Azure keeps the subnets' own associations, whatever a PUT says
      fake.put(gw, body);
      return [ip];
    },
    parent: (name) => net(`rg-${name}`, "natGateways", `${name}-natgw`),
    reason: /uses public IP team-pip, which aks-net did not make/,
    not: /used by subnet/,
  },
  {
    item: "a peering on aks-net's VNet",
    topology: [],
    add: (fake, name) => {
      fake.seed.resourceGroup("rg-hub", { location: "westeurope" });
      const hub = fake.seed.vnet("rg-hub", "hub", ["10.10.0.0/16"], {}, { location: "westeurope" });
      return [fake.seed.peering(vnetOf(name), "to-hub", hub), hub];
    },
    parent: vnetOf,
    reason: /holds peering to-hub, which aks-net did not make/,
  },
  {
    item: "a role assignment on aks-net's resource group",
    topology: [],
    add: (fake, name) => [fake.seed.roleAssignment(rgId(`rg-${name}`), COLLEAGUE, CONTRIBUTOR, { name: "33333333-3333-4333-8333-333333333333" })],
    parent: (name) => rgId(`rg-${name}`),
    reason: /has role assignment 33333333-3333-4333-8333-333333333333 \(principal 22222222-2222-4222-8222-222222222222\), which aks-net did not make/,
  },
  {
    item: "a role assignment on aks-net's VNet",
    topology: [],
    add: (fake, name) => [fake.seed.roleAssignment(vnetOf(name), COLLEAGUE, CONTRIBUTOR, { name: "44444444-4444-4444-8444-444444444444" })],
    parent: vnetOf,
    reason: /has role assignment 44444444-4444-4444-8444-444444444444/,
  },
  {
    item: "a resource in aks-net's resource group",
    topology: [],
    add: (fake, name) => [fake.seed.publicIp(`rg-${name}`, "colleague-pip", { location: "westeurope" })],
    parent: (name) => rgId(`rg-${name}`),
    reason: /holds 1 resource aks-net does not delete \(colleague-pip\)/,
  },
  {
    item: "resources carrying tags copied from the group (Azure Policy inheritance) and aks-net's old marks",
    topology: [],
    add: (fake, name) => {
      const copied = { ...((fake.get(rgId(`rg-${name}`)) as Json)["tags"] as Record<string, string>), "managed-by": "aks-net", "aks-net-cluster": `rg-${name}/${name}` };
      const pip = fake.seed.publicIp(`rg-${name}`, "user-pip", { location: "westeurope" });
      const id = fake.seed.identity(`rg-${name}`, "user-identity", { location: "westeurope" });
      const vnet = fake.seed.vnet(`rg-${name}`, "user-vnet", ["10.50.0.0/16"], { a: "10.50.0.0/24" }, { location: "westeurope", tags: copied });
      for (const r of [pip, id]) fake.put(r, { ...(fake.get(r) as Json), tags: copied });
      return [pip, id, vnet, `${vnet}/subnets/a`];
    },
    parent: (name) => rgId(`rg-${name}`),
    reason: /holds 3 resources aks-net does not delete/,
  },
];

describe("delete on a shared subscription: the ownership matrix", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  for (const c of CASES) {
    for (const when of ["before", "during"] as const) {
      it(`${c.item}, added ${when} the delete: kept with its parent, named, unchanged`, async () => {
        const name = "m";
        arm.fake.seed.resourceGroup("rg-other", { location: "westeurope" });
        ok(await create(arm.fake, name, c.topology));
        let users: string[] = [];
        let before: Record<string, Json | undefined> = {};
        const add = (): void => {
          users = c.add(arm.fake, name);
          before = Object.fromEntries(users.map((u) => [u, now(arm.fake, u)]));
        };
        if (when === "before") add();
        // "during": a colleague adds it while the cluster DELETE (minutes in Azure) is in flight.
        else arm.fake.onRequest({ method: "DELETE", match: /managedClusters\/m$/ }, add);
        const r = await del(arm.fake, name);
        ok(r);
        const d = doc(r);
        assert.ok(users.length > 0, "the user's item was added");
        for (const u of users) assert.deepEqual(now(arm.fake, u), before[u], `${u} is exactly as the user left it`);
        const parent = kept(d, c.parent(name));
        assert.ok(parent, `${c.parent(name)} is listed as kept:\n${JSON.stringify(d.keep, null, 2)}`);
        assert.match(parent.reason, c.reason);
        if (c.not) assert.doesNotMatch(parent.reason, c.not);
        assert.ok(now(arm.fake, c.parent(name)), "the parent still exists");
        assert.match(r.stderr, new RegExp(c.reason.source), "named in the text output too");
        if (when === "before") {
          assert.ok(!d.delete.some((o) => o.action === "delete" && lc(o.resourceId) === lc(c.parent(name))), "decided before the first delete");
          assert.ok((parent.foreign ?? []).length > 0 || /resource group/.test(parent.type) === false || /holds/.test(parent.reason), "foreign items named in -o json");
        }
        assert.equal(arm.fake.get(clusterId(`rg-${name}`, name)), undefined, "the cluster itself is gone");
      });
    }
  }
});

describe("delete on a shared subscription: decisions", function () {
  this.timeout(180_000);
  const arm = useFakeArm();

  it("two clusters in one VNet: deleting A keeps the VNet (B's subnet named) and finishes; B then A leave nothing", async () => {
    arm.fake.seed.resourceGroup("rg-other", { location: "westeurope" });
    const before = arm.fake.snapshot();
    const args = (n: string, extra: string[]): string[] => ["create", "-n", n, "-g", "rg-two", "-l", "westeurope", "--yes", "-o", "json", ...extra];
    ok(await runCli(args("a", []), { fake: arm.fake, env: FAST }));
    ok(await runCli(args("b", ["--vnet-name", "a-vnet", "--vnet-cidr", "10.224.0.0/12", "--subnet-name", "b-nodes", "--subnet-cidr", "10.225.0.0/16", "--existing-subnet", "aks-nodes=10.224.0.0/16"]), { fake: arm.fake, env: FAST }));
    const vnet = net("rg-two", "virtualNetworks", "a-vnet");
    const bSubnet = now(arm.fake, `${vnet}/subnets/b-nodes`);
    const bCluster = now(arm.fake, clusterId("rg-two", "b"));
    const mark = arm.fake.requests.length;
    const a = await del(arm.fake, "a", [], "rg-two");
    ok(a);
    const da = doc(a);
    assert.equal(da.result?.status, "succeeded");
    assert.match(kept(da, vnet)?.reason ?? "", /holds subnet b-nodes, which aks-net did not make/);
    assert.ok(!writesSince(arm.fake, mark).some((w) => /b-nodes|managedClusters\/b$|b-identity/.test(w.path)), "nothing of B's is written");
    assert.deepEqual(now(arm.fake, `${vnet}/subnets/b-nodes`), bSubnet);
    assert.deepEqual(now(arm.fake, clusterId("rg-two", "b")), bCluster);
    assert.equal(arm.fake.get(`${vnet}/subnets/aks-nodes`), undefined, "A's own subnet is gone");
    const b = doc(await del(arm.fake, "b", [], "rg-two"));
    assert.match(kept(b, vnet)?.reason ?? "", /created by aks-net for cluster rg-two\/a/);
    assert.equal(arm.fake.get(`${vnet}/subnets/b-nodes`), undefined, "B's subnet is B's: in B's record");
    ok(await del(arm.fake, "a", [], "rg-two"));
    assert.deepEqual(arm.fake.snapshot(), before, "A's second run finds its VNet and group empty and deletes them");
  });

  it("an NSG and a service endpoint added to the kept subnet while the delete runs survive the association removal (If-Match, 412 → read again)", async () => {
    arm.fake.seed.resourceGroup("rg-sec", { location: "westeurope" });
    const vnet = arm.fake.seed.vnet("rg-sec", "hub", ["10.70.0.0/16"], { "aks-nodes": "10.70.0.0/22" }, { location: "westeurope" });
    const subnet = `${vnet}/subnets/aks-nodes`;
    ok(await create(arm.fake, "sec", ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22", "--route", "10.80.0.0/16=VirtualAppliance@10.70.255.4"]));
    assert.ok(props(arm.fake.get(subnet))["routeTable"], "create associated its route table with the adopted subnet");
    const nsg = arm.fake.put(net("rg-sec", "networkSecurityGroups", "sec-team"), { location: "westeurope", properties: {} });
    const set = (extra: Json): void => {
      const b = structuredClone(arm.fake.get(subnet) as Json);
      Object.assign(props(b), extra);
      arm.fake.put(subnet, b);
    };
    // While the cluster DELETE runs the security team attaches an NSG; right after aks-net's fresh read of the subnet
    // they add a service endpoint, so the PUT built from that read carries a stale etag.
    arm.fake.onRequest({ method: "DELETE", match: /managedClusters\/sec$/ }, () => set({ networkSecurityGroup: { id: nsg } }));
    arm.fake.onRequest({ method: "GET", match: /subnets\/aks-nodes$/, when: "after" }, () => set({ serviceEndpoints: [{ service: "Microsoft.Storage", locations: ["westeurope"] }] }));
    const mark = arm.fake.requests.length;
    const r = await del(arm.fake, "sec");
    ok(r);
    const p = props(arm.fake.get(subnet));
    assert.equal(p["routeTable"] ?? null, null, "aks-net's association is removed");
    assert.equal((p["networkSecurityGroup"] as Json | undefined)?.["id"], nsg, "the NSG stays");
    assert.deepEqual(p["serviceEndpoints"], [{ service: "Microsoft.Storage", locations: ["westeurope"] }], "the service endpoint stays");
    const puts = writesSince(arm.fake, mark).filter((w) => w.method === "PUT" && /subnets\/aks-nodes$/.test(w.path));
    assert.deepEqual(puts.map((w) => w.status), [412, 200], "the stale write was refused, then made from a fresh read");
    assert.equal(arm.fake.get(net("rg-sec", "routeTables", "sec-rt")), undefined, "the route table is gone");
  });

  it("a subnet the user associated with aks-net's route table while the delete ran keeps the route table", async () => {
    ok(await create(arm.fake, "late", ["--route", "10.80.0.0/16=VirtualAppliance@10.224.0.10"]));
    const rt = net("rg-late", "routeTables", "late-rt");
    arm.fake.seed.resourceGroup("rg-app", { location: "westeurope" });
    arm.fake.onRequest({ method: "DELETE", match: /managedClusters\/late$/ }, () => {
      arm.fake.seed.vnet("rg-app", "app", ["10.60.0.0/16"], { web: { prefix: "10.60.0.0/24", routeTableId: rt } }, { location: "westeurope" });
    });
    const r = await del(arm.fake, "late");
    ok(r);
    assert.match(kept(doc(r), rt)?.reason ?? "", /changed while the delete ran: used by subnet web/);
    assert.ok(arm.fake.get(rt));
    assert.equal((props(arm.fake.get(`${net("rg-app", "virtualNetworks", "app")}/subnets/web`))["routeTable"] as Json)["id"], rt, "the user's subnet is untouched");
  });

  it("create refuses to re-point an adopted subnet from the user's route table, before any write", async () => {
    arm.fake.seed.resourceGroup("rg-own", { location: "westeurope" });
    const theirs = arm.fake.seed.routeTable("rg-own", "team-rt", { default: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.70.255.4" } }, { location: "westeurope" });
    arm.fake.seed.vnet("rg-own", "hub", ["10.70.0.0/16"], { "aks-nodes": { prefix: "10.70.0.0/22", routeTableId: theirs } }, { location: "westeurope" });
    const before = arm.fake.snapshot();
    const mark = arm.fake.requests.length;
    const r = await create(arm.fake, "own", ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22", "--route", "10.80.0.0/16=VirtualAppliance@10.70.255.4"], { json: false });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /uses your route table team-rt: aks-net does not re-point a subnet it did not create/);
    assert.deepEqual(writesSince(arm.fake, mark), []);
    assert.deepEqual(arm.fake.snapshot(), before);
  });

  it("--dry-run shows exactly the decision the real run takes", async () => {
    ok(await create(arm.fake, "same", FIREWALL));
    arm.fake.seed.subnet(vnetOf("same"), "team", "10.224.200.0/24");
    const dry = doc(await del(arm.fake, "same", ["--dry-run"]));
    const real = doc(await del(arm.fake, "same"));
    assert.deepEqual(real.delete, dry.delete);
    assert.deepEqual(real.keep, dry.keep);
    assert.ok(real.result?.steps.every((s) => s.status === "done"));
  });

  it("a failure midway says exactly what was deleted and what was not", async () => {
    ok(await create(arm.fake, "half", FIREWALL));
    arm.fake.addFault({ kind: "badRequest", method: "DELETE", match: /routeTables\/half-rt$/i, error: { code: "SomethingOdd", message: "injected" } });
    const r = await runCli(["delete", "-n", "half", "-g", "rg-half", "--yes"], { fake: arm.fake, env: FAST });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /deleted: cluster half, .*firewall half-fw/);
    assert.match(r.stderr, /not deleted: .*route table half-rt.*resource group rg-half/);
    assert.doesNotMatch(r.stderr, /nothing was deleted/);
  });

  it("resources found only by their tags (no proof) are listed, never deleted; a subscription id in the group path is irrelevant", async () => {
    arm.fake.seed.resourceGroup("rg-tagged", { location: "westeurope", tags: { "managed-by": "aks-net", "aks-net-cluster": "rg-tagged/tagged" } });
    const pip = arm.fake.seed.publicIp("rg-tagged", "tagged-fw-pip", { location: "westeurope" });
    arm.fake.put(pip, { ...(arm.fake.get(pip) as Json), tags: { "managed-by": "aks-net", "aks-net-cluster": "rg-tagged/tagged" } });
    const before = arm.fake.snapshot();
    const r = await del(arm.fake, "tagged");
    ok(r);
    const d = doc(r);
    assert.deepEqual(d.delete, []);
    assert.match(kept(d, pip)?.reason ?? "", /carries aks-net's tags but not the proof/);
    assert.match(kept(d, `/subscriptions/${SUB}/resourceGroups/rg-tagged`)?.reason ?? "", /carries aks-net's tags but not the proof/);
    assert.deepEqual(arm.fake.snapshot(), before);
  });
});

const state = stateWithoutEtags;

describe("delete after re-runs of create and after an interrupted delete", function () {
  this.timeout(240_000);
  const arm = useFakeArm({ polls: 1 });

  it("a delete killed (SIGKILL) while the firewall's DELETE runs: the re-run (-f and -n -g) reads again what pointed at the firewall once it is gone, and deletes everything", async () => {
    const { fake } = arm;
    const dir = mkdtempSync(join(tmpdir(), "aks-net-fwkill-"));
    const file = join(dir, "spec.yaml");
    writeFileSync(file, "name: fk\nresourceGroup: rg-fk\nlocation: westeurope\nnetworkPluginMode: overlay\noutboundType: userDefinedRouting\nvnet:\n  addressSpaces: [10.42.0.0/16]\n  subnetCidr: 10.42.0.0/22\nfirewall:\n  enabled: true\n  subnetCidr: 10.42.8.0/26\ningress:\n  internalLoadBalancer:\n    subnetCidr: 10.42.9.0/28\n");
    for (const by of [["-f", file], ["-n", "fk", "-g", "rg-fk"]]) {
      fake.reset();
      const before = stateWithoutEtags(fake);
      ok(await runCli(["create", "-f", file, "--yes", "-o", "json"], { fake, env: FAST }));
      // The ILB subnet's DELETE hangs and the run is killed there: the firewall's DELETE, started alongside, is in flight.
      fake.addFault({ kind: "hang", method: "DELETE", match: /subnets\/aks-ilb$/, times: Infinity });
      const first = await runCli(["delete", ...by, "--yes"], { fake, env: FAST, killSignal: "SIGKILL", killWhen: () => fake.requests.some((q) => q.method === "DELETE" && /subnets\/aks-ilb$/.test(q.path.split("?")[0] ?? "")) });
      assert.ok(first.killed, `killed at the ILB subnet's delete (exit ${first.code}):\n${first.stderr}`);
      fake.clearFaults();
      // Usually the firewall's delete is still in flight here ("Deleting"), and the re-run's own GET of the firewall
      // finishes it after the subnet was read (the case this test is for); under load it may have finished already.
      const r = await runCli(["delete", ...by, "--yes", "-o", "json"], { fake, env: FAST });
      ok(r);
      assert.deepEqual(Object.keys(stateWithoutEtags(fake)), Object.keys(before), `${by.join(" ")}: nothing left:\n${JSON.stringify(doc(r).keep, null, 2)}`);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("a re-run of create that adds a route: delete -n -g proves and deletes the route table with both routes", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-other", { location: "westeurope" });
    fake.seed.publicIp("rg-other", "user-pip", { location: "westeurope" });
    const before = state(fake);
    ok(await create(fake, "rr", ["--route", "10.80.0.0/16=VirtualAppliance@10.224.0.10"]));
    ok(await create(fake, "rr", ["--route", "10.80.0.0/16=VirtualAppliance@10.224.0.10", "--route", "10.81.0.0/16=VirtualAppliance@10.224.0.10"]));
    assert.equal((props(fake.get(net("rg-rr", "routeTables", "rr-rt")))["routes"] as Json[]).length, 2, "the re-run added the route");
    const third = fake.requests.length;
    ok(await create(fake, "rr", ["--route", "10.80.0.0/16=VirtualAppliance@10.224.0.10", "--route", "10.81.0.0/16=VirtualAppliance@10.224.0.10"]));
    assert.deepEqual(writesSince(fake, third).map((w) => `${w.method} ${w.path}`), [], "a third run sends no write");
    const r = await del(fake, "rr");
    ok(r);
    assert.deepEqual(doc(r).keep.filter((k) => !/rg-other/i.test(k.resourceId)), [], "nothing of aks-net's is kept");
    assert.deepEqual(state(fake), before, "everything aks-net made is gone, the user's public IP stays");
  });

  it("a re-run that adds a firewall into the user's VNet: delete -n -g deletes its subnets, the user's VNet and subnet stay as they were", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-fw", { location: "westeurope" });
    fake.seed.vnet("rg-fw", "hub", ["10.70.0.0/16"], { team: "10.70.100.0/24" }, { location: "westeurope" });
    const before = state(fake);
    const base = ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22"];
    ok(await create(fake, "fw", base));
    ok(await create(fake, "fw", [...base, "--firewall", "--firewall-subnet-cidr", "10.70.255.0/26"]));
    assert.ok(fake.get(`${net("rg-fw", "virtualNetworks", "hub")}/subnets/AzureFirewallSubnet`), "the re-run made the firewall's subnet");
    const third = fake.requests.length;
    ok(await create(fake, "fw", [...base, "--firewall", "--firewall-subnet-cidr", "10.70.255.0/26"]));
    assert.deepEqual(writesSince(fake, third).map((w) => `${w.method} ${w.path}`), [], "a third run sends no write");
    const r = await del(fake, "fw");
    ok(r);
    const d = doc(r);
    assert.deepEqual(d.keep.map((k) => k.resourceId.slice(k.resourceId.lastIndexOf("/") + 1)).sort(), ["hub", "rg-fw", "team"], JSON.stringify(d.keep, null, 2));
    assert.deepEqual(state(fake), before, "everything aks-net made is gone; the user's VNet, subnet and group are as they were");
  });

  it("create does not replace DNS servers the user set on their VNet (the firewall's DNS proxy would need it): refused before any write", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-dns", { location: "westeurope" });
    const hub = fake.seed.vnet("rg-dns", "hub", ["10.70.0.0/16"], { team: "10.70.100.0/24" }, { location: "westeurope" });
    const body = structuredClone(fake.get(hub) as Json);
    props(body)["dhcpOptions"] = { dnsServers: ["10.70.100.53"] };
    fake.put(hub, body);
    const before = fake.snapshot();
    const mark = fake.requests.length;
    const r = await create(fake, "dns", ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22", "--firewall", "--firewall-subnet-cidr", "10.70.255.0/26"], { json: false });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /VNet hub uses your DNS servers 10\.70\.100\.53: .*aks-net does not replace DNS servers it did not set/);
    assert.deepEqual(writesSince(fake, mark), []);
    assert.deepEqual(fake.snapshot(), before);
  });

  /** A cluster with a firewall in the user's VNet (adopted node subnet), whose delete is killed once the cluster is gone. */
  async function killedAfterCluster(fake: FakeArm): Promise<{ before: Record<string, Json>; hub: string }> {
    fake.seed.resourceGroup("rg-res", { location: "westeurope" });
    const nsg = fake.put(net("rg-res", "networkSecurityGroups", "team-nsg"), { location: "westeurope", properties: {} });
    fake.seed.vnet("rg-res", "hub", ["10.70.0.0/16"], { "aks-nodes": "10.70.0.0/22", team: { prefix: "10.70.100.0/24", nsgId: nsg } }, { location: "westeurope" });
    const before = state(fake);
    const hub = net("rg-res", "virtualNetworks", "hub");
    ok(await create(fake, "res", ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22", "--firewall", "--firewall-subnet-cidr", "10.70.255.0/26"]));
    assert.ok(fake.get(`${hub}/subnets/AzureFirewallSubnet`) && props(fake.get(`${hub}/subnets/aks-nodes`))["routeTable"], "create made a subnet in the user's VNet and associated its route table with the adopted one");
    // Every write after the cluster's DELETE hangs; the run is killed (SIGKILL: no clean-up) once the cluster is gone.
    fake.addFault({ kind: "hang", method: "DELETE", match: /^(?!.*managedClusters).*$/i, times: Infinity });
    fake.addFault({ kind: "hang", method: "PUT", match: /./, times: Infinity });
    const cluster = clusterId("rg-res", "res");
    const first = await runCli(["delete", "-n", "res", "-g", "rg-res", "--yes"], { fake, env: FAST, killSignal: "SIGKILL", killWhen: () => fake.get(cluster) === undefined });
    assert.ok(first.killed, `killed once the cluster was gone (exit ${first.code}):\n${first.stderr}`);
    fake.clearFaults();
    assert.equal(fake.get(cluster), undefined);
    return { before, hub };
  }

  it("a delete killed right after the cluster DELETE completed: a re-run of delete -n -g finishes it (subnet made in the user's VNet, association and DNS given back), nothing of the user's changes", async () => {
    const { fake } = arm;
    const { before } = await killedAfterCluster(fake);
    const mark = fake.requests.length;
    const r = await del(fake, "res");
    ok(r);
    assert.match(r.stderr, /resuming the delete decided at/);
    assert.ok(!writesSince(fake, mark).some((w) => /subnets\/team|networkSecurityGroups/i.test(w.path)), "nothing of the user's is written");
    assert.deepEqual(state(fake), before, "everything aks-net made is gone; the user's VNet, subnets, NSG and group are exactly as they were");
    ok(await del(fake, "res"));
  });

  it("resuming never trusts the journal blindly: an association and DNS servers the user changed after the interruption stay as the user set them", async () => {
    const { fake } = arm;
    const { hub } = await killedAfterCluster(fake);
    const theirs = fake.seed.routeTable("rg-res", "team-rt", { default: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.70.100.4" } }, { location: "westeurope" });
    const nodes = structuredClone(fake.get(`${hub}/subnets/aks-nodes`) as Json);
    props(nodes)["routeTable"] = { id: theirs };
    fake.put(`${hub}/subnets/aks-nodes`, nodes);
    const vnet = structuredClone(fake.get(hub) as Json);
    props(vnet)["dhcpOptions"] = { dnsServers: ["10.70.100.53"] };
    // As the user's PUT would: a subnet's NICs (the firewall's) are Azure's read-only back-references, not sent.
    for (const sn of props(vnet)["subnets"] as Json[]) delete props(sn)["ipConfigurations"];
    fake.put(hub, vnet);
    const mine = { nodes: now(fake, `${hub}/subnets/aks-nodes`), dns: props(fake.get(hub))["dhcpOptions"] };
    const r = await del(fake, "res");
    ok(r);
    assert.deepEqual(now(fake, `${hub}/subnets/aks-nodes`), mine.nodes, "the subnet keeps the user's route table");
    assert.deepEqual(props(fake.get(hub))["dhcpOptions"], mine.dns, "the VNet keeps the user's DNS servers");
    // The user's PUT of the VNet wrote every subnet in it (new etags): aks-net's can no longer be told from one made
    // again by someone, so it stays, named (the price of a proof a re-creation cannot fake).
    assert.ok(fake.get(`${hub}/subnets/AzureFirewallSubnet`), "aks-net's subnet, rewritten by the user's VNet PUT, stays");
    assert.match(kept(doc(r), `${hub}/subnets/AzureFirewallSubnet`)?.reason ?? "", /written or made again since/);
    assert.equal(fake.get(net("rg-res", "routeTables", "res-rt")), undefined, "aks-net's route table, no longer used, is gone");
  });

  it("resuming never takes a subnet someone deleted and made again with the same name and prefix after the interruption: kept and named", async () => {
    const { fake } = arm;
    const { hub } = await killedAfterCluster(fake);
    const subnet = `${hub}/subnets/AzureFirewallSubnet`;
    // The firewall went with the interrupted delete's plan; the subnet is empty, deleted and made again by someone.
    fake.remove(net("rg-res", "azureFirewalls", "res-fw"));
    fake.remove(subnet);
    fake.seed.subnet(hub, "AzureFirewallSubnet", "10.70.255.0/26");
    const theirs = now(fake, subnet);
    const r = await del(fake, "res");
    ok(r);
    assert.deepEqual(now(fake, subnet), theirs, "the re-created subnet is exactly as its maker left it");
    assert.match(kept(doc(r), subnet)?.reason ?? "", /not the one aks-net made: it was written or made again since/);
  });

  it("-f: a route at a name create's plan would write, in aks-net's route table, is the user's unless create wrote it (signed list, same prefix and next hop)", async () => {
    const { fake } = arm;
    const dir = mkdtempSync(join(tmpdir(), "aks-net-own-"));
    try {
      ok(await create(fake, "pf", ["--route", "10.80.0.0/16=VirtualAppliance@10.224.0.10"]));
      const rt = net("rg-pf", "routeTables", "pf-rt");
      // The user adds a route under the name create gives 10.81.0.0/16, and changes the next hop of aks-net's route.
      const theirs = fake.put(`${rt}/routes/to-10.81.0.0-16`, { properties: { addressPrefix: "10.81.0.0/16", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.224.0.99" } });
      const changed = structuredClone(fake.get(`${rt}/routes/to-10.80.0.0-16`) as Json);
      props(changed)["nextHopIpAddress"] = "10.224.0.77";
      fake.put(`${rt}/routes/to-10.80.0.0-16`, changed);
      const user = { theirs: now(fake, theirs), changed: now(fake, `${rt}/routes/to-10.80.0.0-16`) };
      // The cluster is gone (deleted elsewhere), and its record with it: -f recomputes what create wrote.
      fake.remove(clusterId("rg-pf", "pf"));
      const file = join(dir, "spec.yaml");
      writeFileSync(file, "name: pf\nresourceGroup: rg-pf\nlocation: westeurope\nroutes:\n  - { prefix: 10.80.0.0/16, nextHopType: VirtualAppliance, nextHopIp: 10.224.0.10 }\n  - { prefix: 10.81.0.0/16, nextHopType: VirtualAppliance, nextHopIp: 10.224.0.10 }\n");
      const r = await runCli(["delete", "-f", file, "--yes", "-o", "json"], { fake, env: FAST });
      ok(r);
      const k = kept(doc(r), rt);
      assert.match(k?.reason ?? "", /holds route to-10\.81\.0\.0-16, which aks-net did not make/);
      assert.match(k?.reason ?? "", /holds route to-10\.80\.0\.0-16, which aks-net did not make/);
      assert.deepEqual(now(fake, theirs), user.theirs);
      assert.deepEqual(now(fake, `${rt}/routes/to-10.80.0.0-16`), user.changed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const when of ["before", "during"] as const) {
    it(`a classic firewall kept for the user's rule collection (added ${when} the delete) gives back aks-net's own collections (PUT with If-Match), the user's stays as it was`, async () => {
      const { fake } = arm;
      ok(await create(fake, "cf", FIREWALL));
      const fw = net("rg-cf", "azureFirewalls", "cf-fw");
      const team = { name: "team-rules", properties: { priority: 400, action: { type: "Allow" }, rules: [{ name: "dns", protocols: ["UDP"], sourceAddresses: ["10.224.0.0/16"], destinationAddresses: ["10.0.0.53"], destinationPorts: ["53"] }] } };
      const own = (): string[] => ["applicationRuleCollections", "networkRuleCollections", "natRuleCollections"].flatMap((c) => ((props(fake.get(fw))[c] as Json[] | undefined) ?? []).map((i) => String(i["name"])));
      const aksNets = own();
      assert.ok(aksNets.length > 0, "create wrote its rule collections");
      const add = (): void => {
        const body = structuredClone(fake.get(fw) as Json);
        props(body)["networkRuleCollections"] = [...((props(body)["networkRuleCollections"] as Json[] | undefined) ?? []), structuredClone(team)];
        fake.put(fw, body);
      };
      if (when === "before") add();
      else fake.onRequest({ method: "DELETE", match: /managedClusters\/cf$/ }, add);
      const mark = fake.requests.length;
      const r = await del(fake, "cf");
      ok(r);
      assert.ok(fake.get(fw), "the firewall stays");
      assert.deepEqual(own(), ["team-rules"], `only the user's collection is left (aks-net's were ${aksNets.join(", ")})`);
      const mine = ((props(fake.get(fw))["networkRuleCollections"] as Json[])[0] as Json);
      assert.deepEqual({ name: mine["name"], properties: Object.fromEntries(Object.entries(props(mine)).filter(([k]) => k !== "provisioningState")) }, team, "the user's collection is exactly as they wrote it");
      const puts = writesSince(fake, mark).filter((w) => w.method === "PUT" && /azureFirewalls\/cf-fw$/i.test(w.path));
      assert.equal(puts.length, 1, "one PUT of the firewall");
      assert.ok(puts[0]?.ifMatch, "sent with If-Match");
      assert.match(r.stderr, /aks-net removes its own rule collections/);
    });
  }
});
