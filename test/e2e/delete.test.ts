/**
 * `aks-net delete` end to end: the BUILT CLI, the real SDK clients and DefaultAzureCredential (fake `az`), against the
 * fake ARM server. Create then delete leaves the subscription exactly as it was; what aks-net did not make survives
 * and is listed as kept; interrupted or failed deletes finish on a re-run; the stream and exit-code contracts hold.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, SUB, clusterId, create, net, ok, props, rgId, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { CLI_BIN, REPO_ROOT, cliEnv, runCli } from "../helpers/run-cli.ts";
import type { RunCliOptions, RunCliResult } from "../helpers/run-cli.ts";

const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];

interface DeleteDoc {
  cluster: { id: string; resourceGroup: string; name: string };
  delete: { action: string; type: string; resourceId: string; label: string; dependsOn: string[]; reason?: string }[];
  keep: { type: string; resourceId: string; reason: string; foreign?: string[] }[];
  result: null | { status: string; steps: { action: string; status: string; resourceId: string; seconds: number }[]; error?: { code: string | null } };
}

function del(fake: FakeArm, name: string, extra: string[] = [], opts: RunCliOptions & { json?: boolean; yes?: boolean } = {}): Promise<RunCliResult> {
  const args = ["delete", "-n", name, "-g", `rg-${name}`, ...(opts.yes === false ? [] : ["--yes"]), ...(opts.json === false ? [] : ["-o", "json"]), ...extra];
  return runCli(args, { fake, ...opts, env: { ...FAST, ...(opts.env ?? {}) } });
}

function doc(r: RunCliResult): DeleteDoc {
  try {
    return JSON.parse(r.stdout) as DeleteDoc;
  } catch {
    throw new Error(`stdout is not JSON (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
}

/** Something of the user's elsewhere in the subscription, so "as it was" is not just "empty". */
function seedBystander(fake: FakeArm): void {
  fake.seed.resourceGroup("rg-other", { location: "westeurope" });
  fake.seed.vnet("rg-other", "other-vnet", ["10.90.0.0/16"], { a: "10.90.0.0/24" }, { location: "westeurope" });
  fake.seed.publicIp("rg-other", "other-pip", { location: "westeurope" });
}

const ids = (list: { resourceId: string }[]): string[] => list.map((x) => x.resourceId.toLowerCase());
const find = (list: { resourceId: string }[], id: string): number => ids(list).indexOf(id.toLowerCase());

describe("delete against the fake ARM server", function () {
  this.timeout(90_000);
  const fake = useFakeArm({ polls: 1 });

  for (const [topology, name, extra] of [
    ["firewall egress", "fw", FIREWALL],
    ["Azure CNI Overlay", "ovl", []],
    ["user-assigned NAT gateway", "nat", ["--outbound-type", "userAssignedNATGateway"]],
    ["Azure Firewall Premium (policy and rule collection group)", "fwp", [...FIREWALL, "--firewall-sku", "Premium"]],
    ["Azure CNI with a pod subnet", "pods", ["--network-plugin", "azure", "--pod-subnet-cidr", "10.225.0.0/16"]],
    ["kubenet + Calico", "kn", ["--network-plugin", "kubenet", "--network-policy", "calico"]],
  ] as const) {
    it(`${topology}: create then delete leaves the subscription exactly as it was`, async () => {
      seedBystander(fake);
      const before = fake.snapshot();
      ok(await create(fake, name, [...extra]));
      const mark = fake.requests.length;
      const r = await del(fake, name);
      ok(r);
      const d = doc(r);
      assert.equal(d.result?.status, "succeeded");
      assert.deepEqual(fake.snapshot(), before);
      assert.deepEqual(d.keep, [], "nothing of aks-net's is left behind");
      // Only DELETEs, one per resource, in reverse order: the cluster first, the resource group last.
      const writes = writesSince(fake, mark);
      assert.ok(writes.every((w) => w.method === "DELETE"), writes.map((w) => `${w.method} ${w.path}`).join("\n"));
      assert.equal(writes[0]?.path.toLowerCase(), clusterId(`rg-${name}`, name).toLowerCase());
      assert.equal(writes.at(-1)?.path.toLowerCase(), rgId(`rg-${name}`).toLowerCase());
      assert.equal(new Set(writes.map((w) => w.path.toLowerCase())).size, writes.length, "each resource deleted once");
      assert.equal(d.delete.length, writes.length);
    });
  }

  it("bring-your-own subnet: the user's network is exactly as it was, listed as kept; the role on it is gone", async () => {
    fake.seed.resourceGroup("net-rg", { location: "westeurope" });
    const rt = fake.seed.routeTable("net-rg", "hub-rt", { default: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.50.255.4" } }, { location: "westeurope" });
    const vnet = fake.seed.vnet("net-rg", "spoke", ["10.50.0.0/16"], { aks: { prefix: "10.50.0.0/22", routeTableId: rt }, other: "10.50.8.0/24" }, { location: "westeurope" });
    const before = fake.snapshot();
    ok(await create(fake, "byo", ["--vnet-subnet-id", `${vnet}/subnets/aks`, "--outbound-type", "userDefinedRouting", "--route", "0.0.0.0/0=VirtualAppliance@10.50.255.4", "--vnet-cidr", "10.50.0.0/16", "--subnet-cidr", "10.50.0.0/22"]));
    assert.ok(fake.list("/").some((x) => /\/subnets\/aks\/providers\/Microsoft.Authorization\/roleAssignments\//i.test(String(x["id"]))), "create granted a role on the subnet");
    const mark = fake.requests.length;
    const r = await del(fake, "byo");
    ok(r);
    const d = doc(r);
    assert.ok(d.delete.some((o) => /subnets\/aks\/providers\/Microsoft.Authorization/i.test(o.resourceId)), "the role assignment on the user's subnet is deleted");
    for (const id of [vnet, `${vnet}/subnets/aks`, `${vnet}/subnets/other`]) assert.ok(find(d.keep, id) >= 0, `${id} listed as kept`);
    assert.deepEqual(fake.snapshot(), before);
    const theirs = writesSince(fake, mark).filter((w) => /net-rg/i.test(w.path)).map((w) => `${w.method} ${w.path.replace(/\/providers\/Microsoft\.Authorization\/.*/i, "/<role assignment>")}`);
    assert.deepEqual(theirs, [`DELETE ${vnet}/subnets/aks/<role assignment>`], "delete writes nothing of the user's network but aks-net's role assignment");
  });

  it("managed NAT gateway (AKS-managed VNet): create then delete leaves the subscription as it was", async () => {
    const before = fake.snapshot();
    ok(await create(fake, "mnat", ["--outbound-type", "managedNATGateway"]));
    ok(await del(fake, "mnat"));
    assert.deepEqual(fake.snapshot(), before);
  });

  it("the firewall topology deletes in reverse dependency order; dependsOn names what goes first", async () => {
    ok(await create(fake, "ord", FIREWALL));
    const r = await del(fake, "ord", ["--dry-run"], { yes: false });
    ok(r);
    const d = doc(r);
    assert.equal(d.result, null);
    const vnet = net("rg-ord", "virtualNetworks", "ord-vnet");
    const order = [
      clusterId("rg-ord", "ord"),
      net("rg-ord", "azureFirewalls", "ord-fw"),
      `${vnet}/subnets/AzureFirewallSubnet`,
      vnet,
      rgId("rg-ord"),
    ];
    for (let i = 1; i < order.length; i++) assert.ok(find(d.delete, order[i - 1] as string) < find(d.delete, order[i] as string), `${order[i - 1]} before ${order[i]}`);
    assert.ok(find(d.delete, `${vnet}/subnets/aks-nodes`) < find(d.delete, net("rg-ord", "routeTables", "ord-rt")), "the subnet before its route table");
    assert.ok(find(d.delete, net("rg-ord", "azureFirewalls", "ord-fw")) < find(d.delete, net("rg-ord", "publicIPAddresses", "ord-fw-pip")), "the firewall before its public IP");
    const roles = d.delete.filter((o) => /roleAssignments/.test(o.type));
    assert.equal(roles.length, 2, "Network Contributor on the node subnet and on the route table");
    for (const ra of roles) assert.ok(find(d.delete, ra.resourceId) < find(d.delete, net("rg-ord", "routeTables", "ord-rt")) || !/routeTables/.test(ra.resourceId));
    const fw = d.delete.find((o) => /azureFirewalls/.test(o.type));
    assert.deepEqual(fw?.dependsOn.map((x) => x.toLowerCase()), [clusterId("rg-ord", "ord").toLowerCase()]);
    for (const o of d.delete) assert.deepEqual(Object.keys(o), ["action", "type", "resourceId", "label", "dependsOn"]);
    assert.deepEqual(Object.keys(d), ["cluster", "delete", "keep", "result"]);
  });

  it("--dry-run makes no write and prints the list on stdout", async () => {
    ok(await create(fake, "dry", []));
    const before = fake.snapshot();
    const mark = fake.requests.length;
    const r = await del(fake, "dry", ["--dry-run"], { json: false, yes: false });
    ok(r);
    assert.deepEqual(writesSince(fake, mark), []);
    assert.deepEqual(fake.snapshot(), before);
    assert.match(r.stdout, /to delete/);
    assert.match(r.stdout, /delete\s+Microsoft\.ContainerService\/managedClusters\s+dry/);
  });

  it("without a terminal and without --yes it refuses (exit 2) and deletes nothing", async () => {
    ok(await create(fake, "noyes", []));
    const mark = fake.requests.length;
    const r = await del(fake, "noyes", [], { yes: false, json: false });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--yes/);
    assert.deepEqual(writesSince(fake, mark), []);
  });

  it("a user's resource in the group and a user's subnet in an existing VNet survive and are listed as kept", async () => {
    fake.seed.resourceGroup("rg-keep", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-keep", "shared-vnet", ["10.60.0.0/16"], { app: { prefix: "10.60.10.0/24", nics: 2 }, data: "10.60.11.0/24" }, { location: "westeurope" });
    const pip = fake.seed.publicIp("rg-keep", "user-pip", { location: "westeurope" });
    const before = fake.snapshot();
    const extra = ["--vnet-name", "shared-vnet", "--vnet-cidr", "10.60.0.0/16", "--subnet-cidr", "10.60.0.0/22", "--existing-subnet", "app=10.60.10.0/24", "--existing-subnet", "data=10.60.11.0/24"];
    ok(await create(fake, "keep", extra));
    const r = await del(fake, "keep");
    ok(r);
    const d = doc(r);
    for (const id of [vnet, `${vnet}/subnets/app`, `${vnet}/subnets/data`, pip, rgId("rg-keep")]) {
      const k = Object.keys(before).find((x) => x.toLowerCase() === id.toLowerCase()) as string;
      const after = fake.snapshot();
      const ak = Object.keys(after).find((x) => x.toLowerCase() === id.toLowerCase()) as string;
      assert.ok(ak, `${id} survives`);
      if (!/virtualNetworks\/shared-vnet$/.test(id)) assert.deepEqual(after[ak], before[k], `${id} is as it was`);
      assert.ok(find(d.keep, id) >= 0, `${id} is listed as kept`);
    }
    const reason = (id: string): string => d.keep[find(d.keep, id)]?.reason ?? "";
    assert.match(reason(vnet), /not created by aks-net/);
    assert.match(reason(pip), /not created by aks-net/);
    assert.match(reason(rgId("rg-keep")), /not created by aks-net|holds/);
    assert.equal(fake.get(`${vnet}/subnets/aks-nodes`), undefined, "the subnet create made in the user's VNet is deleted: its id is in the cluster's record");
    assert.equal(fake.get(clusterId("rg-keep", "keep")), undefined, "the cluster is gone");
    assert.equal(fake.get(`/subscriptions/${SUB}/resourceGroups/rg-keep/providers/Microsoft.ManagedIdentity/userAssignedIdentities/keep-identity`), undefined, "the identity is gone");
    assert.equal(fake.list("/").filter((x) => /roleAssignments/i.test(String(x["id"]))).length, 0, "the role assignments are gone");
  });

  it("an aks-net route table on a subnet of an existing VNet: the association aks-net made is removed, then the route table", async () => {
    fake.seed.resourceGroup("rg-assoc", { location: "westeurope" });
    // The user made aks-nodes (no route table): create adopts it and associates its route table, delete undoes that.
    const vnet = fake.seed.vnet("rg-assoc", "hub", ["10.70.0.0/16"], { app: "10.70.10.0/24", "aks-nodes": "10.70.0.0/22" }, { location: "westeurope" });
    const extra = ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22", "--existing-subnet", "app=10.70.10.0/24", "--route", "10.80.0.0/16=VirtualAppliance@10.70.255.4"];
    ok(await create(fake, "assoc", extra));
    const subnet = `${vnet}/subnets/aks-nodes`;
    assert.ok((props(fake.get(subnet))["routeTable"] as Json | undefined)?.["id"]);
    const r = await del(fake, "assoc");
    ok(r);
    const d = doc(r);
    const update = d.delete.find((o) => o.action === "update");
    assert.equal(update?.resourceId.toLowerCase(), subnet.toLowerCase());
    assert.match(update?.reason ?? "", /route table assoc-rt, which aks-net made/);
    assert.ok(find(d.delete, subnet) < find(d.delete, net("rg-assoc", "routeTables", "assoc-rt")));
    assert.equal(fake.get(net("rg-assoc", "routeTables", "assoc-rt")), undefined, "the route table is gone");
    assert.ok(fake.get(subnet), "the subnet stays");
    assert.equal(props(fake.get(subnet))["routeTable"] ?? null, null, "without the association");
    assert.ok(fake.get(`${vnet}/subnets/app`));
  });

  it("another cluster's NICs in aks-net's subnet keep the subnet and the VNet", async () => {
    ok(await create(fake, "busy", []));
    const vnet = net("rg-busy", "virtualNetworks", "busy-vnet");
    fake.seed.subnet(vnet, "extra", { prefix: "10.224.200.0/24", nics: 1 });
    const r = await del(fake, "busy");
    ok(r);
    const d = doc(r);
    assert.match(d.keep[find(d.keep, `${vnet}/subnets/extra`)]?.reason ?? "", /not in what create made for this cluster/);
    assert.match(d.keep[find(d.keep, vnet)]?.reason ?? "", /holds subnet extra, which aks-net did not make/);
    assert.deepEqual(d.keep[find(d.keep, vnet)]?.foreign?.map((x) => x.toLowerCase()), [`${vnet}/subnets/extra`.toLowerCase()]);
    assert.match(d.keep[find(d.keep, rgId("rg-busy"))]?.reason ?? "", /holds 1 resource/);
    assert.ok(fake.get(`${vnet}/subnets/extra`));
    assert.equal(fake.get(`${vnet}/subnets/aks-nodes`), undefined, "aks-net's own subnet is deleted");
    assert.equal(fake.get(clusterId("rg-busy", "busy")), undefined);
  });

  it("a cluster aks-net did not create is kept", async () => {
    fake.seed.resourceGroup("rg-theirs", { location: "westeurope" });
    fake.seed.cluster("rg-theirs", "theirs", {}, { location: "westeurope" });
    const before = fake.snapshot();
    const r = await del(fake, "theirs");
    ok(r);
    const d = doc(r);
    assert.deepEqual(d.delete, []);
    assert.match(d.keep[find(d.keep, clusterId("rg-theirs", "theirs"))]?.reason ?? "", /not created by aks-net/);
    assert.match(r.stderr, /nothing to delete/);
    assert.deepEqual(fake.snapshot(), before);
  });

  it("delete twice: the second run finds nothing (exit 0); a missing group and a missing cluster say so", async () => {
    ok(await create(fake, "twice", []));
    ok(await del(fake, "twice"));
    const mark = fake.requests.length;
    const again = await del(fake, "twice", [], { json: false });
    ok(again);
    assert.match(again.stderr, /resource group rg-twice does not exist: nothing to delete/);
    assert.deepEqual(writesSince(fake, mark), []);
    fake.seed.resourceGroup("rg-empty", { location: "westeurope" });
    const none = await del(fake, "empty", [], { json: false });
    ok(none);
    assert.match(none.stderr, /no cluster empty in resource group rg-empty, and nothing aks-net created for rg-empty\/empty is left: nothing to delete/);
  });

  it("-f spec gives the same teardown as -n/-g", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aks-net-delete-"));
    try {
      const file = join(dir, "spec.yaml");
      writeFileSync(file, "name: spec\nresourceGroup: rg-spec\nlocation: westeurope\nfirewall:\n  enabled: true\n  subnetCidr: 10.225.0.0/26\n");
      seedBystander(fake);
      const before = fake.snapshot();
      ok(await runCli(["create", "-f", file, "--yes", "-o", "json"], { fake, env: FAST }));
      const byName = doc(await del(fake, "spec", ["--dry-run"], { yes: false }));
      const r = await runCli(["delete", "-f", file, "--yes", "-o", "json"], { fake, env: FAST });
      ok(r);
      assert.deepEqual(ids(doc(r).delete).sort(), ids(byName.delete).sort());
      assert.deepEqual(fake.snapshot(), before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("on a terminal it asks first: 'n' deletes nothing (exit 130), 'y' deletes", async () => {
    ok(await create(fake, "tty", []));
    const before = fake.snapshot();
    const socket = `aks-net-delete-${process.pid}`;
    const tmux = async (...args: string[]): Promise<string> => (await promisify(execFile)("tmux", ["-L", socket, ...args])).stdout;
    // The CLI must see a terminal and no CI: the harness's environment, minus CI, inside a tmux pane.
    const env = Object.entries({ ...cliEnv({ fake, env: FAST }) }).filter(([k]) => k !== "CI").map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`);
    const screen = async (test: RegExp): Promise<string> => {
      for (let i = 0; i < 500; i++) {
        const s = await tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "d");
        if (test.test(s)) return s;
        await new Promise((r) => setTimeout(r, 40));
      }
      throw new Error(`never saw ${String(test)}:\n${await tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "d")}`);
    };
    try {
      for (const answer of ["n", "y"]) {
        await tmux("new-session", "-d", "-s", "d", "-x", "150", "-y", "50", "-c", REPO_ROOT, `env -i ${env.join(" ")} ${process.execPath} ${CLI_BIN} delete -n tty -g rg-tty; echo EXIT=$?; sleep 600`);
        await screen(/Delete 6 resources in Azure\?/);
        await tmux("send-keys", "-t", "d", answer, "Enter");
        const s = await screen(/EXIT=\d+/);
        if (answer === "n") {
          assert.match(s, /EXIT=130/);
          assert.match(s, /nothing was deleted/);
          assert.deepEqual(fake.snapshot(), before);
        } else {
          assert.match(s, /EXIT=0/);
          assert.equal(fake.get(clusterId("rg-tty", "tty")), undefined);
          assert.equal(fake.get(rgId("rg-tty")), undefined);
        }
        await tmux("kill-session", "-t", "d");
      }
    } finally {
      await tmux("kill-server").catch(() => undefined);
    }
  });

  it("a separate network resource group create made is found from the cluster (-n/-g only) and deleted too", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aks-net-delete-"));
    try {
      const file = join(dir, "spec.yaml");
      writeFileSync(file, "name: split\nresourceGroup: rg-split\nlocation: westeurope\nvnet:\n  resourceGroup: rg-split-net\nfirewall:\n  enabled: true\n  subnetCidr: 10.225.0.0/26\n");
      seedBystander(fake);
      const before = fake.snapshot();
      ok(await runCli(["create", "-f", file, "--yes", "-o", "json"], { fake, env: FAST }));
      assert.ok(fake.get(rgId("rg-split-net")));
      const r = await del(fake, "split");
      ok(r);
      const d = doc(r);
      assert.ok(find(d.delete, rgId("rg-split-net")) > find(d.delete, net("rg-split-net", "virtualNetworks", "split-vnet")));
      assert.deepEqual(fake.snapshot(), before);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("no credentials: exit 5 with the az login hint, nothing deleted", async () => {
    ok(await create(fake, "nocred", []));
    const mark = fake.requests.length;
    const r = await del(fake, "nocred", [], { az: "missing", json: false });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /az login/);
    assert.deepEqual(writesSince(fake, mark), []);
  });

  it("missing -n/-g is a usage error before any request", async () => {
    const r = await runCli(["delete", "--yes"], { fake });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /-n\/--name and -g\/--resource-group/);
    assert.equal(fake.requests.length, 0);
  });
});

describe("delete under faults resumes on a re-run", function () {
  this.timeout(90_000);
  // A slow firewall delete, so Ctrl-C lands while it runs in "Azure".
  const fake = useFakeArm({ polls: 1, latencyMs: { "Microsoft.Network/azureFirewalls": 8000 } });

  it("SIGINT while the firewall is being deleted: exit 130, the re-run waits for that delete and finishes", async () => {
    seedBystander(fake);
    const before = fake.snapshot();
    ok(await create(fake, "int", FIREWALL));
    // Ctrl-C once Azure accepted the firewall's DELETE (its step reads it first, right before deleting).
    const first = await del(fake, "int", [], { json: false, killWhen: () => fake.requests.some((r) => r.method === "DELETE" && /azureFirewalls\/int-fw$/i.test(r.path)) });
    assert.ok(first.killed);
    assert.equal(first.code, 130, first.stderr);
    assert.match(first.stderr, /re-run the same command/);
    const fw = net("rg-int", "azureFirewalls", "int-fw");
    assert.ok(fake.get(fw), "the firewall delete was accepted, still running");
    const mark = fake.requests.length;
    const again = await del(fake, "int");
    ok(again);
    assert.deepEqual(fake.snapshot(), before);
    assert.equal(writesSince(fake, mark).filter((w) => w.path.toLowerCase() === fw.toLowerCase()).length, 0, "the running delete is waited for, not sent again");
    assert.match(again.stderr, /waiting for the deleting operation a previous run started/);
  });

  it("a DELETE that fails (exit 1, the Azure code) is finished by the re-run", async () => {
    seedBystander(fake);
    const before = fake.snapshot();
    ok(await create(fake, "flt", FIREWALL));
    fake.addFault({ kind: "lroFail", method: "DELETE", match: /routeTables\/flt-rt$/i, error: { code: "InternalServerError", message: "injected delete failure" } });
    const failed = await del(fake, "flt");
    assert.equal(failed.code, 1, failed.stderr);
    const d = doc(failed);
    assert.equal(d.result?.status, "failed");
    assert.equal(d.result?.error?.code, "InternalServerError");
    assert.match(failed.stderr, /re-run/);
    assert.ok(fake.get(net("rg-flt", "routeTables", "flt-rt")), "the route table is still there");
    const again = await del(fake, "flt");
    ok(again);
    assert.deepEqual(fake.snapshot(), before);
  });

  it("transient faults (429, 500, dropped connection) on DELETEs and polls are retried in one run", async () => {
    ok(await create(fake, "tr", []));
    fake.addFault({ kind: "throttle", method: "DELETE", match: "/managedClusters/tr", retryAfterSec: 0 });
    fake.addFault({ kind: "error500", method: "DELETE", match: "/subnets/aks-nodes" });
    fake.addFault({ kind: "reset", method: "DELETE", match: "/virtualNetworks/tr-vnet" });
    fake.addFault({ kind: "error500", method: "GET", match: "/operations/", times: 2 });
    const r = await del(fake, "tr");
    ok(r);
    assert.ok(fake.faults.every((f) => f.hits > 0));
    assert.equal(fake.list(rgId("rg-tr")).length, 0);
  });
});
