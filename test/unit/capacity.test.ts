import assert from "node:assert/strict";
import { smallestAzurePrefixFor } from "../../src/core/cidr.ts";
import { DEFAULT_MAX_SURGE, computeCapacity, ipamMode, poolSurge, podSubnetIpsPerNode, staticBlockIpsPerNode } from "../../src/core/capacity.ts";
import type { Capacity } from "../../src/core/capacity.ts";
import { resolveSpec } from "../../src/core/resolve.ts";
import type { NodePoolSpec, SpecInput } from "../../src/core/spec.ts";

/** Capacity of a spec resolved with defaults, as the CLI computes it. */
function capacityOf(input: SpecInput): Capacity {
  return computeCapacity(resolveSpec([{ source: "flag", input }]).spec);
}

const vnet = (subnetCidr: string, extra: Record<string, unknown> = {}): SpecInput["vnet"] => ({ addressSpaces: ["10.10.0.0/16"], subnetCidr, ...extra });

describe("core/capacity: Azure CNI node subnet (CAP-01)", () => {
  it("50 nodes at maxPods 30 need (51) + (51 × 30) = 1,581 addresses: a /21 (doc example, surge 1)", () => {
    const cap = capacityOf({ networkPlugin: "azure", vnet: vnet("10.10.0.0/21"), nodePools: [{ count: 50, maxPods: 30, maxSurge: 1 }] });
    assert.equal(cap.ipam, "azure-node-subnet");
    assert.equal(cap.ipsPerNode, 31);
    assert.deepEqual(cap.nodeSubnet, { cidr: "10.10.0.0/21", available: 2043, required: 1581, requiredAtCreate: 1550, perNode: 31, maxNodes: 65 });
    assert.equal(smallestAzurePrefixFor(1581), 21);
  });
  it("a /24 holds 8 nodes × 30 pods with no surge headroom (C-16: 251 usable, C-17)", () => {
    const cap = capacityOf({ networkPlugin: "azure", vnet: vnet("10.10.0.0/24"), nodePools: [{ count: 8, maxPods: 30 }] });
    assert.equal(cap.nodeSubnet?.available, 251);
    assert.equal(cap.nodeSubnet?.maxNodes, 8);
    assert.equal(cap.nodeSubnet?.requiredAtCreate, 248);
    assert.equal(cap.nodeSubnet?.required, 279);
  });
  it("plans for the autoscaler maximum plus surge", () => {
    const cap = capacityOf({ networkPlugin: "azure", vnet: vnet("10.10.0.0/22"), nodePools: [{ count: 3, maxPods: 30, enableAutoScaling: true, minCount: 1, maxCount: 10 }] });
    assert.equal(cap.nodes, 3);
    assert.equal(cap.peakNodes, 10);
    assert.equal(cap.surge, 1);
    assert.equal(cap.nodeSubnet?.required, 11 * 31);
    assert.equal(cap.nodeSubnet?.requiredAtCreate, 3 * 31);
    assert.equal(cap.maxPodsTotal, 300);
  });
  it("sums pools at their own max pods; only the largest surge counts (pools upgrade one at a time)", () => {
    const cap = capacityOf({
      networkPlugin: "azure",
      vnet: vnet("10.10.0.0/20"),
      nodePools: [
        { count: 3, maxPods: 30, maxSurge: 1 },
        { count: 5, maxPods: 50, maxSurge: 2 },
      ],
    });
    assert.equal(cap.maxPods, 50);
    assert.equal(cap.nodeSubnet?.requiredAtCreate, 3 * 31 + 5 * 51);
    assert.equal(cap.nodeSubnet?.required, 3 * 31 + 5 * 51 + 2 * 51);
    assert.equal(cap.maxPodsTotal, 3 * 30 + 5 * 50);
  });
});

describe("core/capacity: one address per node (CAP-02) and the pod CIDR", () => {
  it("overlay /29 holds 3 nodes; the default pod CIDR /16 holds 256 nodes at one /24 each", () => {
    const cap = capacityOf({ networkPlugin: "azure", networkPluginMode: "overlay", vnet: vnet("10.10.0.0/29"), nodePools: [{ count: 2 }] });
    assert.equal(cap.ipam, "azure-overlay");
    assert.equal(cap.maxPods, 250, "DEF-06 overlay default");
    assert.deepEqual(cap.nodeSubnet, { cidr: "10.10.0.0/29", available: 3, required: 3, requiredAtCreate: 2, perNode: 1, maxNodes: 3 });
    assert.deepEqual(cap.podCidr, { cidr: "10.244.0.0/16", available: 256, required: 3, requiredAtCreate: 2, perNode: 1, maxNodes: 256 });
    assert.equal(cap.podSubnet, undefined);
  });
  it("kubenet: a /24 pod CIDR holds one node; a pod CIDR smaller than /24 holds none", () => {
    const one = capacityOf({ networkPlugin: "kubenet", podCidr: "10.244.0.0/24", vnet: vnet("10.10.0.0/24"), nodePools: [{ count: 1 }] });
    assert.equal(one.ipam, "kubenet");
    assert.equal(one.podCidr?.maxNodes, 1);
    assert.equal(one.ipsPerNode, 1);
    const zero = capacityOf({ networkPlugin: "kubenet", podCidr: "10.244.0.0/25", vnet: vnet("10.10.0.0/24") });
    assert.equal(zero.podCidr?.available, 0);
  });
  it("BYO CNI takes one node-subnet address per node and has no pod range", () => {
    const cap = capacityOf({ networkPlugin: "none", vnet: vnet("10.10.0.0/28"), nodePools: [{ count: 3 }] });
    assert.equal(cap.ipam, "byo-cni");
    assert.equal(cap.nodeSubnet?.maxNodes, 11);
    assert.equal(cap.podCidr, undefined);
  });
  it("leaves out ranges that do not parse or are IPv6", () => {
    assert.equal(capacityOf({ networkPlugin: "azure", vnet: vnet("10.10.0.0") }).nodeSubnet, undefined);
    assert.equal(capacityOf({ networkPlugin: "azure", vnet: vnet("fd00::/64") }).nodeSubnet, undefined);
  });
});

describe("core/capacity: Azure CNI pod subnet (CAP-03, CAP-04)", () => {
  it("dynamic allocation hands out batches of 16: maxPods 30 takes 32 per node at full density", () => {
    const cap = capacityOf({ networkPlugin: "azure", vnet: vnet("10.10.0.0/24", { podSubnetCidr: "10.10.64.0/24" }), nodePools: [{ count: 3, maxPods: 30 }] });
    assert.equal(ipamMode(resolveSpec([{ source: "flag", input: { networkPlugin: "azure", vnet: vnet("10.10.0.0/24", { podSubnetCidr: "10.10.64.0/24" }) } }]).spec), "azure-pod-subnet");
    assert.equal(cap.ipsPerNode, 1, "nodes take one node-subnet address each");
    assert.deepEqual(cap.podSubnet, { cidr: "10.10.64.0/24", available: 251, required: 4 * 32, requiredAtCreate: 3 * 32, perNode: 32, maxNodes: 7, requiredAtStart: 4 * 16 });
  });
  it("static block reserves ceil((maxPods + 1) / 16) /28 blocks per node (doc examples 30, 31, 32)", () => {
    assert.equal(staticBlockIpsPerNode(30), 32);
    assert.equal(staticBlockIpsPerNode(31), 32);
    assert.equal(staticBlockIpsPerNode(32), 48);
    const pool = (maxPods: number, podIPAllocationMode?: string): NodePoolSpec => ({ name: "p", count: 1, osType: "Linux", maxPods, ...(podIPAllocationMode ? { podIPAllocationMode } : {}) });
    assert.equal(podSubnetIpsPerNode(pool(15, "StaticBlock")), 16);
    assert.equal(podSubnetIpsPerNode(pool(16, "StaticBlock")), 32);
    assert.equal(podSubnetIpsPerNode(pool(16)), 16);
    assert.equal(podSubnetIpsPerNode(pool(17)), 32);
  });
  it("pod subnet default maxPods is the larger documented value, 250 (C-14)", () => {
    const cap = capacityOf({ networkPlugin: "azure", vnet: vnet("10.10.0.0/24", { podSubnetCidr: "10.10.64.0/18" }) });
    assert.equal(cap.maxPods, 250);
    assert.equal(cap.podSubnet?.maxNodes, Math.floor((16384 - 5) / 256));
  });
});

describe("core/capacity: surge", () => {
  const pool = (maxSurge: unknown, count = 10): NodePoolSpec => ({ name: "p", count, osType: "Linux", maxSurge: maxSurge as number });
  it("takes a count, or a percentage of the pool rounded up (AgentPoolUpgradeSettings.maxSurge)", () => {
    assert.equal(poolSurge(pool(3)), 3);
    assert.equal(poolSurge(pool("3")), 3);
    assert.equal(poolSurge(pool("33%")), 4);
    assert.equal(poolSurge(pool(" 33% ")), 4);
    assert.equal(poolSurge(pool("100%", 5)), 5);
    assert.equal(poolSurge(pool(0)), 0);
    assert.equal(poolSurge(pool("0%")), 0);
  });
  it("unset, it is the API's default for the api-version aks-net sends (2026-06-01: 10%), not a pinned 1", () => {
    assert.equal(DEFAULT_MAX_SURGE, "10%");
    assert.equal(poolSurge(pool(undefined, 3)), 1);
    assert.equal(poolSurge(pool(undefined, 10)), 1);
    assert.equal(poolSurge(pool(undefined, 11)), 2);
    assert.equal(poolSurge(pool(undefined, 300)), 30);
    assert.equal(poolSurge({ name: "p", count: 3, osType: "Linux", enableAutoScaling: true, minCount: 1, maxCount: 50 }), 5);
  });
  it("never more than the pool's nodes: AKS surges at most the nodes it upgrades", () => {
    assert.equal(poolSurge(pool(5, 3)), 3);
    assert.equal(poolSurge(pool("200%", 4)), 4);
  });
  it("maxUnavailable adds no nodes: with maxSurge 0 the pool upgrades in place", () => {
    assert.equal(poolSurge({ ...pool(0), maxUnavailable: "2" }), 0);
    assert.equal(computeCapacity(resolveSpec([{ source: "flag", input: { vnet: { addressSpaces: ["10.1.0.0/16"], subnetCidr: "10.1.0.0/24" }, nodePools: [{ count: 10, maxSurge: "0", maxUnavailable: "1" }] } }]).spec).surge, 0);
  });
});
