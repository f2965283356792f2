/**
 * Several node pools with subnets of their own (issue 11 item 3) and brought resources (item 4), end to end: the built
 * CLI against the fake ARM server creates them, a re-run writes nothing, delete removes what create made and keeps
 * what the user brought.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, clusterId, create, net, ok, props, result, rgId, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";

function specFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "aks-net-pools-"));
  const file = join(dir, "spec.yaml");
  writeFileSync(file, text);
  return file;
}

/** Creates, checks Succeeded, re-runs and checks the re-run sent no write; returns the cluster body. */
async function convergesOnce(fake: FakeArm, name: string, extra: string[]): Promise<Json> {
  const first = await create(fake, name, extra);
  ok(first);
  assert.equal(result(first).status, "succeeded");
  const mark = fake.requests.length;
  const again = await create(fake, name, extra);
  ok(again);
  assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "a re-run writes nothing");
  return fake.get(clusterId(`rg-${name}`, name)) as Json;
}

function del(fake: FakeArm, name: string): Promise<ReturnType<typeof runCli> extends Promise<infer R> ? R : never> {
  return runCli(["delete", "-n", name, "-g", `rg-${name}`, "--yes", "-o", "json"], { fake, env: FAST });
}

const pools = (c: Json): Json[] => props(c)["agentPoolProfiles"] as Json[];

describe("create: several node pools, each with its own subnets", function () {
  this.timeout(90_000);
  const h = useFakeArm();

  it("plans one node subnet per pool in the one VNet, joins each pool to its own, passes taints and labels, converges and deletes", async () => {
    const file = specFile(`
networkPlugin: azure
vnet:
  addressSpaces: [10.240.0.0/16]
  subnetName: snet-system
  subnetCidr: 10.240.0.0/24
  podSubnetName: snet-pods-system
  podSubnetCidr: 10.240.64.0/20
nodePools:
  - name: system
    count: 2
    nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"]
  - name: user
    mode: User
    count: 3
    vnetSubnetName: snet-user
    vnetSubnetCidr: 10.240.4.0/22
    podSubnetName: snet-pods-user
    podSubnetCidr: 10.240.128.0/20
    nodeLabels: {workload: web}
  - name: batch
    mode: User
    count: 1
    vnetSubnetName: snet-user
`);
    const { fake } = h;
    const c = await convergesOnce(fake, "multi", ["-f", file]);
    const vnet = net("rg-multi", "virtualNetworks", "multi-vnet");
    const [system, user, batch] = pools(c);
    assert.match(String(system?.["vnetSubnetID"]), /\/subnets\/snet-system$/);
    assert.match(String(system?.["podSubnetID"]), /\/subnets\/snet-pods-system$/);
    assert.match(String(user?.["vnetSubnetID"]), /\/subnets\/snet-user$/);
    assert.match(String(user?.["podSubnetID"]), /\/subnets\/snet-pods-user$/);
    assert.match(String(batch?.["vnetSubnetID"]), /\/subnets\/snet-user$/, "a pool naming another pool's subnet shares it");
    assert.match(String(batch?.["podSubnetID"]), /\/subnets\/snet-pods-system$/, "without its own, a pool takes the cluster's pod subnet");
    assert.deepEqual(system?.["nodeTaints"], ["CriticalAddonsOnly=true:NoSchedule"]);
    assert.deepEqual(user?.["nodeLabels"], { workload: "web" });
    for (const s of ["snet-system", "snet-user", "snet-pods-system", "snet-pods-user"]) assert.ok(fake.get(`${vnet}/subnets/${s}`), `subnet ${s} exists`);

    const d = await del(fake, "multi");
    assert.equal(d.code, 0, d.stderr);
    assert.equal(fake.get(`${vnet}/subnets/snet-user`), undefined);
    assert.equal(fake.get(rgId("rg-multi")), undefined, "the group create made is gone");
  });

  it("kubenet with pools on several subnets: one route table, associated with every node subnet", async () => {
    const { fake } = h;
    const file = specFile(`
networkPlugin: kubenet
vnet: {addressSpaces: [10.241.0.0/16], subnetCidr: 10.241.0.0/24}
nodePools:
  - {name: system, count: 1}
  - {name: user, mode: User, count: 1, vnetSubnetCidr: 10.241.1.0/24}
`);
    await convergesOnce(fake, "kube", ["-f", file]);
    const vnet = net("rg-kube", "virtualNetworks", "kube-vnet");
    const rt = (s: string): string => String(((props(fake.get(`${vnet}/subnets/${s}`)) as Json)["routeTable"] as Json | undefined)?.["id"]);
    assert.match(rt("aks-nodes"), /\/routeTables\/kube-rt$/);
    assert.equal(rt("aks-nodes-user"), rt("aks-nodes"));
  });

  it("refuses (exit 3) a pool subnet outside the VNet, overlapping another, or too small, before any request", async () => {
    const { fake } = h;
    const file = specFile(`
vnet: {addressSpaces: [10.242.0.0/16], subnetCidr: 10.242.0.0/24}
nodePools:
  - {name: system, count: 3}
  - {name: out, mode: User, count: 3, vnetSubnetCidr: 10.99.0.0/24}
  - {name: over, mode: User, count: 3, vnetSubnetCidr: 10.242.0.128/25}
  - {name: tiny, mode: User, count: 20, vnetSubnetCidr: 10.242.9.0/28}
`);
    const r = await create(fake, "bad", ["-f", file]);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout) as { findings: { errors: { rule: string; fields: string[] }[] } };
    const rules = doc.findings.errors.map((f) => `${f.rule} ${f.fields[0]}`);
    assert.ok(rules.includes("OVL-07 nodePools[1].vnetSubnetCidr"), rules.join("\n"));
    assert.ok(rules.some((x) => x.startsWith("OVL-08")), rules.join("\n"));
    assert.ok(rules.includes("CAP-14 nodePools[3].vnetSubnetCidr"), rules.join("\n"));
    assert.equal(fake.requests.length, 0);
  });
});
