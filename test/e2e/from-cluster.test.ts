/**
 * `validate --from-cluster -g RG -n NAME` against the fake ARM: a running cluster (seeded as AKS returns it) in a VNet
 * with a route table and a peering is checked by the same rules as the aks-net spec that describes it, read-only.
 */
import assert from "node:assert/strict";
import { FAKE_SUBSCRIPTION_ID } from "../fakes/fake-arm.ts";
import { useFakeArm } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import type { RunCliResult } from "../helpers/run-cli.ts";

interface Finding { rule: string; severity: string; fields: string[]; message: string }
interface Report { errors: Finding[]; warnings: Finding[]; info: Finding[]; spec: Record<string, unknown> }

const SUB = FAKE_SUBSCRIPTION_ID;
const all = (d: Report): Finding[] => [...d.errors, ...d.warnings, ...d.info];
const parse = (r: RunCliResult): Report => {
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
};

describe("validate --from-cluster", () => {
  const arm = useFakeArm();

  /** A kubenet cluster of 6 nodes (autoscaler up to 12) on a /28, its route table holding 390 routes, peered to a hub. */
  const seed = (): { nodeSubnetId: string } => {
    const fake = arm.fake;
    fake.seed.resourceGroup("rg-net", { location: "westeurope" });
    fake.seed.resourceGroup("rg-app", { location: "westeurope" });
    const routes: Record<string, { addressPrefix: string; nextHopType: string; nextHopIpAddress?: string }> = {};
    for (let i = 0; i < 390; i++) routes[`r${i}`] = { addressPrefix: `10.${100 + Math.floor(i / 250)}.${i % 250}.0/24`, nextHopType: "VirtualAppliance", nextHopIpAddress: "10.30.1.4" };
    const rt = fake.seed.routeTable("rg-net", "app-rt", routes, { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-net", "app-vnet", ["10.30.0.0/16"], { nodes: { prefix: "10.30.0.0/28", routeTableId: rt }, other: "10.30.8.0/24" }, { location: "westeurope" });
    const hub = fake.seed.vnet("rg-net", "hub-vnet", ["10.20.0.0/16"], {}, { location: "westeurope" });
    fake.seed.peering(vnet, "to-hub", hub);
    const nodeSubnetId = `${vnet}/subnets/nodes`;
    fake.seed.cluster("rg-app", "app", {
      kubernetesVersion: "1.32",
      networkProfile: { networkPlugin: "kubenet", networkPolicy: "calico", podCidr: "10.20.128.0/17", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10", outboundType: "loadBalancer", loadBalancerSku: "standard" },
      agentPoolProfiles: [{ name: "system", mode: "System", osType: "Linux", count: 6, maxPods: 110, vmSize: "Standard_D4s_v5", enableAutoScaling: true, minCount: 3, maxCount: 12, vnetSubnetID: nodeSubnetId, type: "VirtualMachineScaleSets" }],
    }, { location: "westeurope" });
    return { nodeSubnetId };
  };

  it("checks the running cluster as the equivalent spec with --live, reading only", async () => {
    const { nodeSubnetId } = seed();
    const before = arm.fake.requests.length;
    const imported = await runCli(["validate", "--from-cluster", "-g", "rg-app", "-n", "app", "-o", "json"], { fake: arm.fake });
    assert.deepEqual(arm.fake.requests.slice(before).filter((q) => q.method !== "GET"), [], "read-only");
    const spec = await runCli(
      ["validate", "--live", "-g", "rg-app", "-n", "app", "-o", "json", "--network-plugin", "kubenet", "--network-policy", "calico", "--pod-cidr", "10.20.128.0/17", "--service-cidr", "10.0.0.0/16", "--dns-service-ip", "10.0.0.10", "--outbound-type", "loadBalancer",
        "--load-balancer-sku", "standard", "--node-count", "6", "--max-pods", "110", "--node-vm-size", "Standard_D4s_v5", "--enable-cluster-autoscaler", "--min-count", "3", "--max-count", "12", "--vnet-subnet-id", nodeSubnetId, "-l", "westeurope", "-f", "-"],
      { fake: arm.fake, stdin: "kubernetesVersion: '1.32'\nname: app\nnodePools: [{ name: system, mode: System, osType: Linux }]\n" },
    );
    const [a, b] = [parse(imported), parse(spec)];
    assert.equal(imported.code, spec.code, `${imported.stderr}\n${spec.stderr}`);
    const ids = (d: Report): string[] => all(d).map((f) => `${f.severity} ${f.rule} ${f.fields.join(",")}`).sort();
    assert.deepEqual(ids(a), ids(b));
    // What the cluster's read brings: the peered hub (OVL: the pod CIDR overlaps it), the route table near kubenet's limit.
    assert.ok(a.errors.some((f) => f.rule.startsWith("OVL-") && f.fields.includes("podCidr") && f.message.includes("10.20.0.0/16")), JSON.stringify(a.errors));
    assert.ok(all(a).some((f) => f.rule === "CAP-05"), "kubenet's 400-route limit with 390 routes in the table");
    assert.ok(all(a).some((f) => f.rule.startsWith("CAP-0") && f.fields.includes("vnet.subnetCidr")), "the /28 cannot take 12 nodes plus surge");
    assert.equal((a.spec["vnet"] as { subnetCidr: string }).subnetCidr, "10.30.0.0/28");
  });

  it("a flag overrides what the cluster has: check a scale-out before making it", async () => {
    seed();
    const now = parse(await runCli(["validate", "--from-cluster", "-g", "rg-app", "-n", "app", "-o", "json", "--max-count", "4"], { fake: arm.fake }));
    assert.equal((now.spec["nodePools"] as { maxCount: number }[])[0]?.maxCount, 4);
  });

  it("a cluster that does not exist, or no -g/-n, is a usage error", async () => {
    const missing = await runCli(["validate", "--from-cluster", "-g", "rg-app", "-n", "nope"], { fake: arm.fake });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /no cluster nope in resource group rg-app/);
    const noName = await runCli(["validate", "--from-cluster", "-g", "rg-app"], { fake: arm.fake });
    assert.equal(noName.code, 2);
    assert.match(noName.stderr, /--from-cluster needs -g\/--resource-group and -n\/--name/);
    const both = await runCli(["validate", "--from-cluster", "-g", "rg-app", "-n", "app", "-f", "examples/overlay-cilium.yaml"], { fake: arm.fake });
    assert.equal(both.code, 2);
    void SUB;
  });
});
