/**
 * `validate --live` end to end: the built CLI, the real SDK clients and DefaultAzureCredential (fake `az`), against
 * realistic environments seeded in the fake ARM server. Every run also proves that nothing was written.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAKE_SUBSCRIPTION_ID } from "../fakes/fake-arm.ts";
import type { FakeArm } from "../fakes/fake-arm.ts";
import { useFakeArm } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import { allRules } from "../../src/validators/index.ts";
import type { RunCliOptions, RunCliResult } from "../helpers/run-cli.ts";

interface JsonFinding {
  rule: string;
  severity: string;
  fields: string[];
  message: string;
  fix: string;
}
interface Report {
  valid: boolean;
  errors: JsonFinding[];
  warnings: JsonFinding[];
  info: JsonFinding[];
  spec: Record<string, unknown> & { connectedCidrs: string[]; routes: unknown[]; vnet: { addressSpaces: string[]; subnetCidr?: string; existingSubnets: { name: string }[] } };
  capacity: unknown;
}

const SUB = FAKE_SUBSCRIPTION_ID;
const RG = "rg-net";
const spokeId = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/spoke`;
const aksSubnetId = `${spokeId}/subnets/aks`;

let fake: FakeArm;
/** stderr of the last run, for failure messages. */
let lastStderr = "";

async function live(args: string[], opts: RunCliOptions = {}): Promise<{ r: RunCliResult; report: Report | undefined }> {
  const before = fake.requests.length;
  const r = await runCli(["validate", "--live", "-o", "json", ...args], { fake, ...opts });
  // Read-only: every request this run made was a GET (the permissions API included).
  const methods = new Set(fake.requests.slice(before).map((q) => q.method));
  assert.deepEqual([...methods].filter((m) => m !== "GET" && m !== "HEAD"), [], `writes made: ${[...methods].join(",")}`);
  lastStderr = r.stderr;
  let report: Report | undefined;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    report = undefined;
  }
  return { r, report };
}

function all(report: Report | undefined): JsonFinding[] {
  assert.ok(report, `no JSON report on stdout; stderr: ${lastStderr}`);
  return [...report.errors, ...report.warnings, ...report.info];
}

function rule(report: Report | undefined, id: string): JsonFinding[] {
  return all(report).filter((f) => f.rule === id);
}

/** A spoke VNet 10.10.0.0/16 with a node subnet 10.10.0.0/22 and an app gateway subnet. */
function seedSpoke(subnetExtra: Record<string, unknown> = {}): void {
  fake.seed.resourceGroup(RG, { location: "westeurope" });
  fake.seed.vnet(RG, "spoke", ["10.10.0.0/16"], { aks: { prefix: "10.10.0.0/22", ...subnetExtra }, appgw: "10.10.8.0/24" }, { location: "westeurope" });
}

describe("validate --live (e2e against the fake ARM server)", function () {
  this.timeout(30_000);

  fake = useFakeArm({ location: "westeurope" });

  it("happy path: an existing spoke, all rights, quota fits → valid, exit 0, live facts in the spec, request count with --verbose", async () => {
    seedSpoke();
    const before = fake.requests.length;
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId, "--node-vm-size", "Standard_D4s_v5", "--verbose"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(report?.valid, true);
    assert.deepEqual(report?.spec.vnet.addressSpaces, ["10.10.0.0/16"]);
    assert.equal(report?.spec.vnet.subnetCidr, "10.10.0.0/22");
    assert.deepEqual(report?.spec.vnet.existingSubnets.map((s) => s.name), ["appgw"]);
    assert.deepEqual(rule(report, "LIVE-PERM-01"), []);
    assert.deepEqual(rule(report, "LIVE-QUOTA-01"), []);
    const m = /ARM requests: (\d+)/.exec(r.stderr);
    assert.ok(m, r.stderr);
    // The count printed is what the server saw: the endpoint's metadata (its token audience), VNet (subnets and
    // peerings inline), usages, clusters, permissions on the group and the subnet, compute usages and SKUs.
    assert.equal(Number(m[1]), fake.requests.length - before);
    assert.equal(Number(m[1]), 8);
  });

  it("the JSON contract is offline validate's: the same keys, findings with rule/severity/fields/message/fix", async () => {
    seedSpoke();
    const offline = JSON.parse((await runCli(["validate", "-o", "json", "--vnet-cidr", "10.10.0.0/16", "--subnet-cidr", "10.10.0.0/22"], { fake })).stdout) as Record<string, unknown>;
    const { report } = await live(["--vnet-subnet-id", aksSubnetId]);
    assert.ok(report, `no JSON report; stderr: ${lastStderr}`);
    assert.deepEqual(Object.keys(report).sort(), Object.keys(offline).sort());
    for (const f of all(report)) assert.deepEqual(Object.keys(f).sort(), ["fields", "fix", "message", "rule", "severity"]);
  });

  it("hub and spoke: the hub's range, learnt from the peering, overlaps the service CIDR → OVL-03 from live facts, exit 3", async () => {
    seedSpoke();
    fake.seed.resourceGroup("rg-hub", { location: "westeurope" });
    const hub = fake.seed.vnet("rg-hub", "hub", ["10.0.0.0/16"], { AzureFirewallSubnet: "10.0.1.0/26", GatewaySubnet: "10.0.2.0/27" });
    fake.seed.peering(spokeId, "spoke-to-hub", hub, { useRemoteGateways: true });
    fake.seed.peering(hub, "hub-to-spoke", spokeId);
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId]);
    assert.equal(r.code, 3, r.stderr);
    assert.ok(report?.spec.connectedCidrs.includes("10.0.0.0/16"));
    const ovl = rule(report, "OVL-03");
    assert.ok(ovl.length >= 1, JSON.stringify(all(report)));
    assert.match(ovl.map((f) => f.message).join("\n"), /10\.0\.0\.0\/16/);
    assert.deepEqual(rule(report, "LIVE-PEER-01"), []);
    // On-premises ranges behind the hub's gateway are not readable: the user is told to add them.
    assert.match(rule(report, "LIVE-PEER-02")[0]?.message ?? "", /spoke-to-hub/);
  });

  it("a one-sided peering is reported (LIVE-PEER-01) and its ranges still count", async () => {
    seedSpoke();
    fake.seed.resourceGroup("rg-hub", { location: "westeurope" });
    const hub = fake.seed.vnet("rg-hub", "hub", ["172.20.0.0/16"]);
    fake.seed.peering(spokeId, "spoke-to-hub", hub);
    const { report } = await live(["--vnet-subnet-id", aksSubnetId, "--connected-cidr", "192.168.0.0/16"]);
    assert.match(rule(report, "LIVE-PEER-01")[0]?.message ?? "", /spoke-to-hub.*Initiated/);
    // The flag's range and the peered one both reach the rules.
    assert.deepEqual(report?.spec.connectedCidrs, ["192.168.0.0/16", "172.20.0.0/16"]);
  });

  it("a subnet already used by another (kubenet) cluster → LIVE-SUBNET-02 error naming it", async () => {
    seedSpoke();
    fake.seed.cluster("rg-old", "old-cluster", {
      agentPoolProfiles: [{ name: "nodepool1", count: 2, vmSize: "Standard_D2s_v5", mode: "System", vnetSubnetID: aksSubnetId }],
      networkProfile: { networkPlugin: "kubenet", podCidr: "10.244.0.0/16", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" },
    });
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId]);
    assert.equal(r.code, 3);
    const f = rule(report, "LIVE-SUBNET-02");
    assert.equal(f[0]?.severity, "error");
    assert.match(f[0]?.message ?? "", /old-cluster/);
  });

  it("a delegated subnet → LIVE-SUBNET-01 naming the service", async () => {
    seedSpoke({ delegations: ["Microsoft.Web/serverFarms"] });
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId]);
    assert.equal(r.code, 3);
    assert.match(rule(report, "LIVE-SUBNET-01")[0]?.message ?? "", /Microsoft\.Web\/serverFarms/);
  });

  it("UDR with a route table sending 0.0.0.0/0 to Internet: the live routes reach the spec and the OUT rules", async function () {
    fake.seed.resourceGroup(RG, { location: "westeurope" });
    const rt = fake.seed.routeTable(RG, "rt-aks", { default: { addressPrefix: "0.0.0.0/0", nextHopType: "Internet" } });
    fake.seed.vnet(RG, "spoke", ["10.10.0.0/16"], { aks: { prefix: "10.10.0.0/22", routeTableId: rt } });
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId, "--outbound-type", "userDefinedRouting"]);
    assert.deepEqual(report?.spec.routes, [{ prefix: "0.0.0.0/0", nextHopType: "Internet" }]);
    // The OUT family is another engineer's; until it lands only the hand-over of the routes can be checked.
    if (!allRules().some((x) => x.id.startsWith("OUT-"))) this.skip();
    assert.equal(r.code, 3, JSON.stringify(all(report)));
    const out = all(report).filter((f) => f.severity === "error" && /^OUT-/.test(f.rule));
    assert.ok(out.length >= 1, JSON.stringify(all(report)));
    assert.match(out.map((f) => f.message).join("\n"), /Internet/);
  });

  it("dual-stack through a brought NAT gateway: --live reads its SKU; Standard → LIVE-NAT-02, StandardV2 → no NAT finding", async () => {
    const nat = (sku: string): string => {
      const id = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/natGateways/nat-${sku.toLowerCase()}`;
      fake.put(id, { location: "westeurope", sku: { name: sku }, properties: { idleTimeoutInMinutes: 4 } });
      return id;
    };
    const args = ["--vnet-subnet-id", aksSubnetId, "--outbound-type", "userAssignedNATGateway", "--ip-families", "IPv4,IPv6"];
    seedSpoke({ natGatewayId: nat("Standard") });
    const standard = await live(args);
    assert.equal(standard.r.code, 3, standard.r.stderr);
    assert.equal(rule(standard.report, "LIVE-NAT-02")[0]?.severity, "error");
    assert.deepEqual(rule(standard.report, "CMP-11"), []);
    fake.reset();
    seedSpoke({ natGatewayId: nat("StandardV2") });
    const v2 = await live(args);
    assert.deepEqual([...rule(v2.report, "LIVE-NAT-02"), ...rule(v2.report, "CMP-11"), ...rule(v2.report, "LIVE-NAT-01")], []);
  });

  it("a Kubernetes version the region does not offer → LIVE-VER-01 (read only when the spec names a version)", async () => {
    seedSpoke();
    const file = (v: string): string => JSON.stringify({ kubernetesVersion: v, location: "westeurope" });
    const old = await live(["--vnet-subnet-id", aksSubnetId, "-f", "-"], { stdin: file("1.27.3") });
    assert.equal(old.r.code, 3, old.r.stderr);
    assert.match(rule(old.report, "LIVE-VER-01")[0]?.message ?? "", /1\.27\.3 is not offered in westeurope \(AKS offers 1\.31, 1\.32, 1\.33\)/);
    const ok = await live(["--vnet-subnet-id", aksSubnetId, "-f", "-"], { stdin: file("1.32.5") });
    assert.deepEqual(rule(ok.report, "LIVE-VER-01"), []);
    assert.equal(fake.requests.filter((q) => /kubernetesVersions/i.test(q.path)).length, 2);
  });

  it("UDR with no route table on the subnet → LIVE-RT-01", async () => {
    seedSpoke();
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId, "--outbound-type", "userDefinedRouting"]);
    assert.equal(r.code, 3);
    assert.equal(rule(report, "LIVE-RT-01")[0]?.severity, "error");
  });

  it("a principal with read-only rights → LIVE-PERM-01 naming the missing actions", async () => {
    seedSpoke();
    fake.setPermissions([{ actions: ["*/read"], notActions: [] }]);
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId, "-g", RG]);
    assert.equal(r.code, 3);
    const text = rule(report, "LIVE-PERM-01").map((f) => f.message).join("\n");
    assert.match(text, /Microsoft\.ContainerService\/managedClusters\/write/);
    assert.match(text, /Microsoft\.Network\/virtualNetworks\/subnets\/join\/action/);
    assert.match(text, /Microsoft\.Authorization\/roleAssignments\/write/);
  });

  it("Contributor (no role assignments) → LIVE-PERM-01 names only roleAssignments/write", async () => {
    seedSpoke();
    fake.setPermissions([{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"] }]);
    const { report } = await live(["--vnet-subnet-id", aksSubnetId, "-g", RG]);
    const text = rule(report, "LIVE-PERM-01").map((f) => f.message).join("\n");
    assert.match(text, /roleAssignments\/write/);
    assert.doesNotMatch(text, /managedClusters|subnets\/join/);
  });

  it("permissions are read per scope: Network Contributor on the route table only → its finding names just roleAssignments/write", async () => {
    fake.seed.resourceGroup(RG, { location: "westeurope" });
    const rt = fake.seed.routeTable(RG, "rt-aks", {});
    fake.seed.vnet(RG, "spoke", ["10.10.0.0/16"], { aks: { prefix: "10.10.0.0/22", routeTableId: rt } });
    fake.setPermissions((scope) => (/\/routeTables\//i.test(scope) ? [{ actions: ["Microsoft.Network/*", "*/read"], notActions: [] }] : [{ actions: ["*/read"], notActions: [] }]));
    const { report } = await live(["--vnet-subnet-id", aksSubnetId, "-g", RG, "--network-plugin", "kubenet"]);
    const f = rule(report, "LIVE-PERM-01").filter((x) => /route table/.test(x.message));
    assert.equal(f.length, 1, JSON.stringify(rule(report, "LIVE-PERM-01")));
    assert.match(f[0]?.message ?? "", /may not Microsoft\.Authorization\/roleAssignments\/write on route table 'rt-aks'/);
    assert.match(f[0]?.fix ?? "", /User Access Administrator/);
  });

  it("quota too small for (max count + surge) × vCPUs → LIVE-QUOTA-01 with the numbers", async () => {
    seedSpoke();
    fake.setQuota("standardDSv5Family", { limit: 24, current: 4 });
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId, "--node-vm-size", "Standard_D4s_v5", "--node-count", "3", "--enable-cluster-autoscaler", "--min-count", "3", "--max-count", "5"]);
    assert.equal(r.code, 3);
    // (5 max + 1 surge) × 4 vCPUs = 24 needed; 24 - 4 = 20 free.
    assert.match(rule(report, "LIVE-QUOTA-01")[0]?.message ?? "", /need 24 vCPUs of standardDSv5Family in westeurope; quota 24, used 4, free 20/);
  });

  it("a VNet that does not exist yet is a fact (LIVE-VNET-01 info), not an error: exit 0", async () => {
    fake.seed.resourceGroup(RG, { location: "westeurope" });
    const { r, report } = await live(["-g", RG, "--vnet-name", "new-vnet"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(rule(report, "LIVE-VNET-01")[0]?.severity, "info");
  });

  it("the VNet's address spaces fill the spec when the user gave none, and a differing --vnet-cidr is kept with LIVE-VNET-02", async () => {
    seedSpoke();
    const given = await live(["-g", RG, "--vnet-name", "spoke", "--vnet-cidr", "10.20.0.0/16", "--subnet-cidr", "10.20.0.0/22"]);
    assert.deepEqual(given.report?.spec.vnet.addressSpaces, ["10.20.0.0/16"]);
    assert.equal(rule(given.report, "LIVE-VNET-02").length, 1);
    const learnt = await live(["-g", RG, "--vnet-name", "spoke"]);
    assert.deepEqual(learnt.report?.spec.vnet.addressSpaces, ["10.10.0.0/16"]);
    assert.equal(rule(learnt.report, "LIVE-VNET-02").length, 0);
    // No subnet named: create would add `aks-nodes`, which is not there yet; the existing ones are facts.
    assert.match(rule(learnt.report, "LIVE-VNET-04")[0]?.message ?? "", /aks-nodes/);
    assert.deepEqual(learnt.report?.spec.vnet.existingSubnets.map((s) => s.name).sort(), ["aks", "appgw"]);
  });

  it("a resource group that does not exist yet is a fact too (LIVE-VNET-01 for the group and the VNet)", async () => {
    const { r, report } = await live(["-g", "rg-new", "--vnet-name", "vnet-new", "-l", "westeurope"]);
    assert.equal(r.code, 0, r.stderr);
    const notes = rule(report, "LIVE-VNET-01").map((f) => f.message).join("\n");
    assert.match(notes, /resource group 'rg-new'/);
    assert.match(notes, /VNet 'vnet-new'/);
  });

  it("the request count does not grow with the VNet: 40 subnets and 8 peerings cost what 2 subnets cost", async () => {
    seedSpoke();
    const small = /ARM requests: (\d+)/.exec((await live(["--vnet-subnet-id", aksSubnetId, "--verbose"])).r.stderr)?.[1];
    for (let i = 0; i < 38; i++) fake.seed.subnet(spokeId, `snet-${i}`, `10.10.${100 + i}.0/24`);
    for (let i = 0; i < 8; i++) {
      const remote = fake.seed.vnet("rg-remote", `remote-${i}`, [`192.168.${i}.0/24`]);
      fake.seed.peering(spokeId, `to-${i}`, remote);
      fake.seed.peering(remote, "back", spokeId);
    }
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId, "--verbose"]);
    assert.ok(small);
    assert.equal(/ARM requests: (\d+)/.exec(r.stderr)?.[1], small);
    assert.equal(report?.spec.vnet.existingSubnets.length, 39);
    assert.equal(report?.spec.connectedCidrs.length, 8);
  });

  it("reads go out in parallel: five throttled reads are all refused before the first retry (retries counted)", async () => {
    seedSpoke();
    const args = ["--vnet-subnet-id", aksSubnetId, "-l", "westeurope", "--verbose"];
    for (const match of ["/virtualNetworks/spoke", "/virtualNetworks/spoke/usages", "/managedClusters", "/resourceGroups/rg-net/providers/Microsoft.Authorization/permissions", "/locations/westeurope/usages"]) {
      fake.addFault({ kind: "throttle", match: new RegExp(`${match.replace(/[/.]/g, "\\$&")}$`, "i"), retryAfterSec: 1 });
    }
    const before = fake.requests.length;
    const { r } = await live(args);
    assert.equal(r.code, 0, r.stderr);
    const log = fake.requests.slice(before);
    const refused = log.filter((q) => q.status === 429);
    assert.equal(refused.length, 5);
    const retries = refused.map((q) => log.find((x) => x.path === q.path && x.status === 200 && x.time >= q.time));
    for (const [i, retry] of retries.entries()) {
      assert.ok(retry, `no retry of ${refused[i]?.path}`);
      assert.ok(retry.time - (refused[i]?.time ?? 0) >= 900, "Retry-After: 1 was honoured");
    }
    // Sequential reads would interleave refusals and retries; parallel ones are all in flight at once.
    assert.ok(Math.max(...refused.map((q) => q.time)) < Math.min(...retries.map((q) => q?.time ?? 0)));
    assert.equal(Number(/ARM requests: (\d+)/.exec(r.stderr)?.[1]), log.length);
  });

  it("without -l, the quota is read in the VNet's region as soon as the VNet's GET answers, without waiting for its usage list", async () => {
    seedSpoke();
    // The VNet's usage list is throttled once (Retry-After 1 s): it answers a second late.
    fake.addFault({ kind: "throttle", match: /\/virtualNetworks\/spoke\/usages$/i, retryAfterSec: 1 });
    const before = fake.requests.length;
    const { r, report } = await live(["--vnet-subnet-id", aksSubnetId, "--node-vm-size", "Standard_D4s_v5"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(rule(report, "LIVE-QUOTA-01"), []);
    const log = fake.requests.slice(before);
    const usages = log.filter((q) => /\/virtualNetworks\/spoke\/usages$/i.test(q.path));
    assert.deepEqual(usages.map((q) => q.status), [429, 200]);
    const quota = log.filter((q) => /\/locations\/westeurope\/usages$|\/Microsoft\.Compute\/skus$/i.test(q.path));
    assert.equal(quota.length, 2, "the region's vCPU usage and VM sizes were read");
    assert.ok(quota.every((q) => q.time < (usages[1] as { time: number }).time), "the quota reads went out before the usage list's retry");
  });

  it("a re-run for a cluster that already exists does not count it as another cluster on the subnet", async () => {
    seedSpoke();
    fake.seed.cluster(RG, "my-cluster", {
      agentPoolProfiles: [{ name: "system", count: 3, vmSize: "Standard_D4s_v5", mode: "System", vnetSubnetID: aksSubnetId }],
      networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", podCidr: "10.244.0.0/16", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" },
    });
    const mine = await live(["--vnet-subnet-id", aksSubnetId, "-g", RG, "-n", "my-cluster", "--service-cidr", "10.200.0.0/16", "--dns-service-ip", "10.200.0.10"]);
    assert.deepEqual(rule(mine.report, "LIVE-SUBNET-02"), []);
    const other = await live(["--vnet-subnet-id", aksSubnetId, "-g", RG, "-n", "second-cluster", "--service-cidr", "10.200.0.0/16", "--dns-service-ip", "10.200.0.10"]);
    assert.match(rule(other.report, "LIVE-SUBNET-02")[0]?.message ?? "", /my-cluster/);
  });

  it("a --vnet-subnet-id naming a subnet that does not exist → LIVE-VNET-03 error", async () => {
    seedSpoke();
    const { r, report } = await live(["--vnet-subnet-id", `${spokeId}/subnets/nope`]);
    assert.equal(r.code, 3);
    assert.equal(rule(report, "LIVE-VNET-03")[0]?.severity, "error");
  });

  it("free addresses below what the cluster needs → LIVE-USAGE-01", async () => {
    fake.seed.resourceGroup(RG, { location: "westeurope" });
    // A /28 has 11 usable addresses; 9 NICs leave 2 free, the cluster needs 3 nodes + 1 surge = 4.
    fake.seed.vnet(RG, "spoke", ["10.10.0.0/16"], { aks: { prefix: "10.10.0.0/28", nics: 9 } });
    const { report } = await live(["--vnet-subnet-id", aksSubnetId]);
    assert.match(rule(report, "LIVE-USAGE-01")[0]?.message ?? "", /2 free addresses.*needs 4/);
  });

  it("the pod subnet (create's name aks-pods) is found too: its free addresses are checked and it is not an 'other' subnet", async () => {
    fake.seed.resourceGroup(RG, { location: "westeurope" });
    // A /27 pod subnet: 27 usable, 20 NICs leave 7; 4 nodes × 30 pods need far more.
    fake.seed.vnet(RG, "spoke", ["10.10.0.0/16"], { aks: "10.10.0.0/24", "aks-pods": { prefix: "10.10.4.0/27", nics: 20 } });
    const { report } = await live(["--vnet-subnet-id", aksSubnetId, "--network-plugin", "azure", "--pod-subnet-cidr", "10.10.4.0/27", "--max-pods", "30"]);
    const f = rule(report, "LIVE-USAGE-01");
    assert.deepEqual(f.map((x) => x.fields), [["vnet.podSubnetCidr"]]);
    assert.match(f[0]?.message ?? "", /pod subnet 'aks-pods'.* 7 free addresses/);
    assert.deepEqual(report?.spec.vnet.existingSubnets, []);
  });

  it("a malformed --vnet-subnet-id is a usage error (exit 2) before any request", async () => {
    const before = fake.requests.length;
    const { r } = await live(["--vnet-subnet-id", "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--vnet-subnet-id is not a subnet resource id/);
    assert.equal(fake.requests.length, before);
  });

  it("no subscription anywhere → exit 2 naming the three ways to give one", async () => {
    const { r } = await live(["-g", RG, "--vnet-name", "spoke"], { unsetEnv: ["AZURE_SUBSCRIPTION_ID"] });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /no Azure subscription given/);
    assert.match(r.stderr, /--subscription/);
  });

  it("the Azure CLI's profile file: its default subscription is used; a FIFO or a link to /dev/zero in its place reads as none, at once", async () => {
    seedSpoke();
    const dir = mkdtempSync(join(tmpdir(), "aks-net-azprofile-"));
    try {
      const profile = join(dir, "azureProfile.json");
      // As az writes it: a byte-order mark first.
      writeFileSync(profile, `\uFEFF${JSON.stringify({ subscriptions: [{ id: "other" }, { id: FAKE_SUBSCRIPTION_ID, isDefault: true }] })}`);
      // No subscription in the arguments (a subnet id would carry one): only the profile names it.
      const args = ["-g", RG, "--vnet-name", "spoke"];
      const before = fake.requests.length;
      const ok = await live(args, { unsetEnv: ["AZURE_SUBSCRIPTION_ID"], env: { AZURE_CONFIG_DIR: dir } });
      assert.notEqual(ok.r.code, 2, ok.r.stderr);
      assert.ok(fake.requests.slice(before).some((q) => q.path.startsWith(`/subscriptions/${FAKE_SUBSCRIPTION_ID}/`)), "it read the profile's subscription");
      for (const make of [() => execFileSync("mkfifo", [profile]), () => symlinkSync("/dev/zero", profile)]) {
        rmSync(profile, { force: true });
        make();
        const started = Date.now();
        const { r } = await live(args, { unsetEnv: ["AZURE_SUBSCRIPTION_ID"], env: { AZURE_CONFIG_DIR: dir } });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /no Azure subscription given/);
        assert.ok(Date.now() - started < 10_000, "it did not wait on the file");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("missing credentials → exit 5 with a clear message, no stack trace", async () => {
    seedSpoke();
    const { r } = await live(["--vnet-subnet-id", aksSubnetId], { az: "not-logged-in" });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /No Azure credentials found/);
    assert.match(r.stderr, /az login/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });

  it("another Azure error → exit 1 with the ARM code", async () => {
    seedSpoke();
    fake.addFault({ kind: "error500", match: "/virtualNetworks/spoke", times: Infinity, error: { code: "InternalServerError", message: "boom" } });
    const { r } = await live(["--vnet-subnet-id", aksSubnetId]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /InternalServerError/);
  });
});
