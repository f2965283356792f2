import assert from "node:assert/strict";
import type { NodePoolSpec, SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/capacity.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

const VNET = { addressSpaces: ["10.10.0.0/16"] };
/** Azure CNI node subnet (flat) in a /16 VNet. */
const flat = (subnetCidr: string, pools: Partial<NodePoolSpec>[]): SpecInput => ({ networkPlugin: "azure", vnet: { ...VNET, subnetCidr }, nodePools: pools });
const overlay = (subnetCidr: string, pools: Partial<NodePoolSpec>[]): SpecInput => ({ ...BASE, vnet: { ...VNET, subnetCidr }, nodePools: pools });
const podSubnet = (podSubnetCidr: string, pools: Partial<NodePoolSpec>[]): SpecInput => ({ networkPlugin: "azure", vnet: { ...VNET, subnetCidr: "10.10.0.0/22", podSubnetCidr }, nodePools: pools });

describe("validators/capacity", () => {
  it("lists CAP-01 … CAP-11 with severities", () => {
    assert.deepEqual(
      rules().map((r) => `${r.id} ${r.severity}`),
      ["CAP-01 error/warning", "CAP-02 error/warning", "CAP-03 error/warning", "CAP-04 error/info", "CAP-05 error", "CAP-06 error", "CAP-07 error", "CAP-08 info", "CAP-09 warning", "CAP-10 warning", "CAP-11 error", "CAP-12 error/warning", "CAP-13 error", "CAP-14 error/warning"],
    );
  });

  describe("CAP-01 Azure CNI node subnet (C-16, C-17)", () => {
    it("/24 at maxPods 30: 7 nodes fit with surge", () => none(check(flat("10.10.0.0/24", [{ count: 7, maxPods: 30 }])), "CAP-01"));
    it("/24 at maxPods 30: 8 nodes are valid with a warning (no surge room)", () => {
      const f = one(check(flat("10.10.0.0/24", [{ count: 8, maxPods: 30 }])), "CAP-01", "warning", ["vnet.subnetCidr", "nodePools[0].count"]);
      assert.match(f.message, /248 of 251 usable.*8 nodes \+ 1 surge = 279/);
      assert.match(f.message, /holds 8 nodes at maxPods 30/);
      assert.match(f.fix, /\/23/);
      assert.match(f.fix, /at most 7 nodes/);
    });
    it("/24 at maxPods 30: 9 nodes are an error with the RP's SubnetIsFull text, the smallest prefix and what the subnet holds", () => {
      const f = one(check(flat("10.10.0.0/24", [{ count: 9, maxPods: 30 }])), "CAP-01", "error", ["vnet.subnetCidr", "nodePools[0].count", "nodePools[0].maxPods"]);
      assert.match(f.message, /^Subnet aks-nodes with address prefix 10\.10\.0\.0\/24 does not have enough capacity for 279 IP addresses/);
      assert.match(f.message, /holds 8 nodes/);
      assert.match(f.fix, /a \/23 \(310 addresses needed\), e\.g\. 10\.10\.\d+\.0\/23, free in the VNet/);
    });
    it("50 nodes at maxPods 30 need a /21 (doc example)", () => {
      const f = one(check(flat("10.10.0.0/22", [{ count: 50, maxPods: 30, maxSurge: 1 }])), "CAP-01", "error");
      assert.match(f.fix, /a \/21 \(1581 addresses needed\)/);
      none(check(flat("10.10.0.0/21", [{ count: 50, maxPods: 30, maxSurge: 1 }])), "CAP-01");
    });
    it("the autoscaler maximum counts at peak (warning naming it)", () => {
      const f = one(check(flat("10.10.0.0/24", [{ count: 3, maxPods: 30, enableAutoScaling: true, minCount: 1, maxCount: 9 }])), "CAP-01", "warning", ["vnet.subnetCidr", "nodePools[0].count", "nodePools[0].maxCount"]);
      assert.match(f.message, /autoscaler max 9/);
      none(check(flat("10.10.0.0/24", [{ count: 3, maxPods: 30, enableAutoScaling: true, minCount: 1, maxCount: 7 }])), "CAP-01");
    });
    it("sums pools at their own max pods", () => {
      const f = one(check(flat("10.10.0.0/24", [{ count: 4, maxPods: 30 }, { count: 2, maxPods: 60 }])), "CAP-01", "warning");
      assert.match(f.message, /6 nodes × \(1 \+ the pool's maxPods\) = 246 of 251/);
      one(check(flat("10.10.0.0/24", [{ count: 4, maxPods: 30 }, { count: 3, maxPods: 60 }])), "CAP-01", "error");
    });
    it("uses the subnet's name in the RP text", () => {
      const f = one(check({ ...flat("10.10.0.0/24", [{ count: 9, maxPods: 30 }]), vnet: { ...VNET, subnetCidr: "10.10.0.0/24", subnetName: "nodes" } }), "CAP-01", "error");
      assert.match(f.message, /^Subnet nodes with address prefix/);
    });
  });

  describe("CAP-02 one address per node", () => {
    it("overlay /29 (3 usable): 2 nodes fit, 3 warn (surge), 4 fail", () => {
      none(check(overlay("10.10.0.0/29", [{ count: 2 }])), "CAP-02");
      one(check(overlay("10.10.0.0/29", [{ count: 3 }])), "CAP-02", "warning", ["vnet.subnetCidr", "nodePools[0].count"]);
      const f = one(check(overlay("10.10.0.0/29", [{ count: 4 }])), "CAP-02", "error", ["vnet.subnetCidr", "nodePools[0].count"]);
      assert.match(f.message, /does not have enough capacity for 4 IP addresses/);
      assert.match(f.fix, /\/28/);
    });
    it("is not CAP-01 for overlay, and not reported for an AKS-managed VNet", () => {
      none(check(overlay("10.10.0.0/29", [{ count: 4 }])), "CAP-01");
      none(check({ outboundType: "managedNATGateway", nodePools: [{ count: 4 }] }), "CAP-02");
    });
  });

  describe("CAP-03 / CAP-04 pod subnet", () => {
    it("dynamic: a /24 pod subnet holds 7 nodes at maxPods 30 (batches of 16 → 32 each)", () => {
      none(check(podSubnet("10.10.64.0/24", [{ count: 6, maxPods: 30 }])), "CAP-03");
      const f = one(check(podSubnet("10.10.64.0/24", [{ count: 8, maxPods: 30 }])), "CAP-03", "warning", ["vnet.podSubnetCidr", "nodePools[0].maxPods"]);
      assert.match(f.message, /need 288/);
      assert.match(f.message, /batches of 16/);
      assert.match(f.fix, /\/23/);
    });
    it("dynamic: each node asks for a first batch of 16 at start-up: a pod subnet without 16 per node at peak is an error", () => {
      // configure-azure-cni-dynamic-ip-allocation.md: "nodes will request 16 IPs on startup". A /24 has 251 usable: 15 batches.
      const f = one(check(podSubnet("10.10.64.0/24", [{ count: 15, maxPods: 30, maxSurge: 1 }])), "CAP-03", "error", ["vnet.podSubnetCidr", "nodePools[0].count"]);
      assert.match(f.message, /15 nodes \+ 1 surge/);
      assert.match(f.message, /16 × 16 = 256/);
      assert.match(f.message, /251 usable/);
      assert.match(f.fix, /a \/22 \(512 addresses needed\)/);
      const w = one(check(podSubnet("10.10.64.0/24", [{ count: 14, maxPods: 30, maxSurge: 1 }])), "CAP-03", "warning");
      assert.match(w.message, /need 480/);
    });
    it("dynamic: the autoscaler maximum counts for the first batch", () => {
      one(check(podSubnet("10.10.64.0/24", [{ count: 3, maxPods: 16, enableAutoScaling: true, minCount: 2, maxCount: 20, maxSurge: 1 }])), "CAP-03", "error", ["vnet.podSubnetCidr", "nodePools[0].maxCount"]);
    });
    it("static block: blocks are held for the node's lifetime, so a pod subnet below the peak is an error (CAP-04)", () => {
      // configure-azure-cni-static-block-allocation.md: /28 blocks "present for the lifetime of the node"; maxPods 31 = 2 blocks.
      const f = one(check(podSubnet("10.10.64.0/24", [{ count: 7, maxPods: 31, maxSurge: 1, podIPAllocationMode: "StaticBlock" }])), "CAP-04", "error", ["vnet.podSubnetCidr", "nodePools[0].count", "nodePools[0].maxPods"]);
      assert.match(f.message, /Static Block/);
      assert.match(f.message, /lifetime/);
      none(check(podSubnet("10.10.64.0/24", [{ count: 6, maxPods: 31, maxSurge: 1, podIPAllocationMode: "StaticBlock" }])), "CAP-04");
    });
    it("static block: maxPods that is not 16k − 1 leaves reserved addresses unused (info)", () => {
      const f = one(check(podSubnet("10.10.64.0/20", [{ count: 3, maxPods: 30, podIPAllocationMode: "StaticBlock" }])), "CAP-04", "info", ["nodePools[0].maxPods"]);
      assert.match(f.fix, /--max-pods 31/);
      none(check(podSubnet("10.10.64.0/20", [{ count: 3, maxPods: 47, podIPAllocationMode: "StaticBlock" }])), "CAP-04");
      none(check(podSubnet("10.10.64.0/20", [{ count: 3, maxPods: 30 }])), "CAP-04");
    });
  });

  describe("CAP-05 kubenet 400 routes per route table (configure-kubenet.md)", () => {
    const kubenet = (count: number, extra: Partial<SpecInput> = {}): SpecInput => ({ networkPlugin: "kubenet", podCidr: "10.244.0.0/14", vnet: { ...VNET, subnetCidr: "10.10.0.0/22" }, nodePools: [{ count, maxSurge: 1 }], ...extra });
    it("one route per node at peak: 399 nodes + 1 surge = 400 routes pass, 400 + 1 fail", () => {
      none(check(kubenet(399)), "CAP-05");
      const f = one(check(kubenet(400)), "CAP-05", "error", ["networkPlugin", "nodePools[0].count"]);
      assert.match(f.message, /400 routes per route table/);
      assert.match(f.message, /401 routes: 400 nodes \+ 1 surge/);
    });
    it("the autoscaler maximum and a percentage surge count", () => {
      const pools = [{ count: 3, enableAutoScaling: true, minCount: 1, maxCount: 370, maxSurge: "10%" }];
      const f = one(check({ ...kubenet(3), nodePools: pools } as SpecInput), "CAP-05", "error", ["networkPlugin", "nodePools[0].maxCount"]);
      assert.match(f.message, /407 routes: 370 nodes \(autoscaler max 370\) \+ 37 surge/);
    });
    it("the user's routes in the same table count", () => {
      const routes = [
        { prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.10.8.4" },
        { prefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" },
      ];
      none(check(kubenet(397, { outboundType: "userDefinedRouting", routes })), "CAP-05");
      const f = one(check(kubenet(398, { outboundType: "userDefinedRouting", routes })), "CAP-05", "error", ["networkPlugin", "nodePools[0].count", "routes"]);
      assert.match(f.message, /401 routes: 398 nodes \+ 1 surge \+ 2 other routes/);
    });
    it("the routes aks-net writes for --firewall (0.0.0.0/0 to the firewall, its public IP /32) count", () => {
      const fw = { firewall: { enabled: true, subnetCidr: "10.10.8.0/26" } };
      none(check(kubenet(397, fw)), "CAP-05");
      const f = one(check(kubenet(398, fw)), "CAP-05", "error");
      assert.match(f.message, /2 other routes/);
    });
    it("overlay has no 400-node limit", () => none(check({ ...kubenet(401), networkPlugin: "azure", networkPluginMode: "overlay" }), "CAP-05"));
  });

  describe("CAP-12 maxSurge / maxUnavailable (AgentPoolUpgradeSettings, upgrade-aks-node-pools-rolling.md)", () => {
    const pools = (p: Record<string, unknown>): SpecInput => ({ ...BASE, nodePools: [{ count: 3, ...p }] as Partial<NodePoolSpec>[] });
    it("an integer or a percentage is accepted, as string or number", () => {
      for (const v of [1, "5", "33%", "100%"]) none(check(pools({ maxSurge: v })), "CAP-12");
      none(check(pools({ maxSurge: "0%", maxUnavailable: 1 })), "CAP-12");
      none(check(pools({ maxSurge: "0", maxUnavailable: "33%" })), "CAP-12");
    });
    it("a percentage counts in capacity: 33% of 10 nodes is 4 surge nodes", () => {
      // A /28 has 11 usable addresses: 10 nodes + 1 surge fit, 10 + 4 do not.
      const f = one(check(overlay("10.10.0.0/28", [{ count: 10, maxSurge: "33%" } as Partial<NodePoolSpec>])), "CAP-02", "warning");
      assert.match(f.message, /10 nodes \+ 4 surge = 14/);
      none(check(overlay("10.10.0.0/28", [{ count: 10, maxSurge: 1 }])), "CAP-02");
    });
    for (const bad of ["33 %", "1.5", "-1", "abc", "%", "33%%"]) {
      it(`'${bad}' is refused`, () => {
        const f = one(check(pools({ maxSurge: bad })), "CAP-12", "error", ["nodePools[0].maxSurge"]);
        assert.match(f.message, /integer.*or a percentage/);
      });
    }
    it("maxUnavailable is checked the same way", () => one(check(pools({ maxUnavailable: "x" })), "CAP-12", "error", ["nodePools[0].maxUnavailable"]));
    it("both 0 is an error: \"One of MaxSurge and MaxUnavailable must be greater than 0\"", () => {
      const f = one(check(pools({ maxSurge: "0", maxUnavailable: "0%" })), "CAP-12", "error", ["nodePools[0].maxSurge", "nodePools[0].maxUnavailable"]);
      assert.match(f.message, /One of MaxSurge and MaxUnavailable must be greater than 0/);
    });
    it("a pool whose size plus surge passes 1,000 VMSS instances gets its upgrade rejected (warning)", () => {
      const big = { ...BASE, vnet: { ...VNET, subnetCidr: "10.10.0.0/20" } };
      one(check({ ...big, nodePools: [{ count: 950, maxSurge: "10%" } as Partial<NodePoolSpec>] }), "CAP-12", "warning", ["nodePools[0].count", "nodePools[0].maxSurge"]);
      none(check({ ...big, nodePools: [{ count: 950, maxSurge: 50 }] }), "CAP-12");
    });
  });

  describe("CAP-13 at most 65,536 private IP addresses per VNet (Azure networking limits)", () => {
    const big = { addressSpaces: ["10.0.0.0/8"] };
    it("Azure CNI node subnet: nodes and their pods at peak count (300 × (1 + 250) > 65,536)", () => {
      const f = one(check({ networkPlugin: "azure", vnet: { ...big, subnetCidr: "10.0.0.0/14" }, nodePools: [{ count: 300, maxPods: 250, maxSurge: 1 }] }), "CAP-13", "error");
      assert.match(f.message, /65,536/);
      assert.match(f.message, /75551/);
      assert.match(f.fix, /Overlay/);
      none(check({ networkPlugin: "azure", vnet: { ...big, subnetCidr: "10.0.0.0/14" }, nodePools: [{ count: 200, maxPods: 250, maxSurge: 1 }] }), "CAP-13");
    });
    it("pod subnet (dynamic): every pod IP at peak counts, plus the nodes", () => {
      const input: SpecInput = { networkPlugin: "azure", vnet: { ...big, subnetCidr: "10.0.0.0/20", podSubnetCidr: "10.1.0.0/15" }, nodePools: [{ count: 260, maxPods: 250, maxSurge: 1 }] };
      const f = one(check(input), "CAP-13", "error", ["vnet.podSubnetCidr", "nodePools[0].count"]);
      assert.match(f.message, /261 node/);
    });
    it("Static Block pods do not count address by address (its blocks lift the 65k-pod limit, static-block page)", () => {
      const input: SpecInput = { networkPlugin: "azure", vnet: { ...big, subnetCidr: "10.0.0.0/20", podSubnetCidr: "10.1.0.0/15" }, nodePools: [{ count: 260, maxPods: 255 - 16 * 0 - 8, maxSurge: 1, podIPAllocationMode: "StaticBlock" }] };
      none(check(input), "CAP-13");
    });
    it("the firewall's subnet and what --live found in use in the VNet's other subnets count too", () => {
      const base: SpecInput = { networkPlugin: "azure", vnet: { ...big, subnetCidr: "10.0.0.0/14" }, nodePools: [{ count: 260, maxPods: 250, maxSurge: 1 }] };
      none(check(base), "CAP-13");
      const busy = { ...base, vnet: { ...base.vnet, existingSubnets: [{ name: "vms", cidr: "10.8.0.0/16", used: 300 }] } } as SpecInput;
      const f = one(check(busy), "CAP-13", "error");
      assert.match(f.message, /300 in use in the VNet's other subnets/);
    });
    it("overlay: only nodes count", () => none(check({ ...BASE, vnet: { addressSpaces: ["10.0.0.0/8"], subnetCidr: "10.0.0.0/16" }, nodePools: [{ count: 1000, maxPods: 250 }] }), "CAP-13"));
  });

  describe("CAP-06 cluster limits", () => {
    const pools = (n: number, count: number): Partial<NodePoolSpec>[] => Array.from({ length: n }, () => ({ count }));
    it("more than 5,000 nodes fail", () => {
      const f = one(check({ ...BASE, vnet: { ...VNET, subnetCidr: "10.10.0.0/17" }, nodePools: pools(6, 1000) }), "CAP-06", "error");
      assert.match(f.message, /5,000 nodes.*6000/);
      none(check({ ...BASE, vnet: { ...VNET, subnetCidr: "10.10.0.0/17" }, nodePools: pools(5, 1000) }), "CAP-06");
    });
    it("more than 100 node pools fail", () => {
      one(check({ ...BASE, nodePools: pools(101, 1) }), "CAP-06", "error", ["nodePools"]);
      none(check({ ...BASE, nodePools: pools(100, 1) }), "CAP-06");
    });
    it("a Basic load balancer holds 100 nodes", () => {
      const f = one(check({ ...BASE, loadBalancerSku: "basic", nodePools: [{ count: 101 }] }), "CAP-06", "error", ["loadBalancerSku", "nodePools[0].count"]);
      assert.match(f.fix, /standard/);
      none(check({ ...BASE, loadBalancerSku: "basic", nodePools: [{ count: 100 }] }), "CAP-06");
    });
  });

  describe("CAP-07 / CAP-08 max pods (C-13)", () => {
    it("outside 10-250 fails with the RP text", () => {
      const f = one(check({ ...BASE, nodePools: [{ maxPods: 251 }] }), "CAP-07", "error", ["nodePools[0].maxPods"]);
      assert.match(f.message, /^The value of parameter maxPods is invalid/);
      assert.match(f.fix, /250/);
      one(check({ ...BASE, nodePools: [{ maxPods: 4 }] }), "CAP-07", "error");
      none(check({ ...BASE, nodePools: [{ maxPods: 250 }] }), "CAP-07");
    });
    it("below 30 each pool needs room for 30 pods: 10 × 3 nodes pass, 10 × 2 fail", () => {
      none(check({ ...BASE, nodePools: [{ maxPods: 10, count: 3 }] }), "CAP-07");
      const f = one(check({ ...BASE, nodePools: [{ maxPods: 10, count: 2 }] }), "CAP-07", "error", ["nodePools[0].maxPods", "nodePools[0].count"]);
      assert.match(f.message, /room for 20 pods/);
      assert.match(f.fix, /--max-pods 15 or at least 3 nodes/);
    });
    it("the autoscaler minimum is what must hold 30 pods", () => {
      one(check({ ...BASE, nodePools: [{ maxPods: 10, count: 3, enableAutoScaling: true, minCount: 1, maxCount: 5 }] }), "CAP-07", "error", ["nodePools[0].maxPods", "nodePools[0].minCount"]);
    });
    it("maxPods 5-9 also reports the historic minimum (CAP-08 info); 4 does not", () => {
      const f = one(check({ ...BASE, nodePools: [{ maxPods: 9, count: 5 }] }), "CAP-08", "info", ["nodePools[0].maxPods"]);
      assert.match(f.message, /C-13/);
      none(check({ ...BASE, nodePools: [{ maxPods: 4, count: 5 }] }), "CAP-08");
      none(check({ ...BASE, nodePools: [{ maxPods: 10, count: 5 }] }), "CAP-08");
    });
  });

  describe("CAP-09 Windows max pods", () => {
    const win = (maxPods: number): SpecInput => ({ ...BASE, nodePools: [{}, { name: "win", osType: "Windows", maxPods }] });
    it("more than 110 warns, 110 passes", () => {
      one(check(win(111)), "CAP-09", "warning", ["nodePools[1].maxPods"]);
      none(check(win(110)), "CAP-09");
    });
  });

  describe("CAP-10 Azure NPM scale", () => {
    it("more than 20,000 pods warns; exactly 20,000 passes", () => {
      const f = one(check({ ...BASE, networkPolicy: "azure", nodePools: [{ count: 81, maxPods: 250 }] }), "CAP-10", "warning", ["networkPolicy", "nodePools[0].count"]);
      assert.match(f.message, /81 nodes and up to 20250 pods/);
      none(check({ ...BASE, networkPolicy: "azure", nodePools: [{ count: 80, maxPods: 250 }] }), "CAP-10");
    });
    it("more than 250 nodes warns; another policy does not", () => {
      one(check({ ...BASE, networkPolicy: "azure", nodePools: [{ count: 251, maxPods: 30 }] }), "CAP-10", "warning");
      none(check({ ...BASE, networkPolicy: "calico", nodePools: [{ count: 251, maxPods: 30 }] }), "CAP-10");
    });
  });

  describe("CAP-11 node counts", () => {
    it("counts outside 0-1000 fail with the CLI text", () => {
      const f = one(check({ ...BASE, nodePools: [{}, { count: 1001 }] }), "CAP-11", "error", ["nodePools[1].count"]);
      assert.match(f.message, /--node-count must be in the range \[0,1000\]/);
      none(check({ ...BASE, nodePools: [{}, { count: 1000 }] }), "CAP-11");
    });
    it("the system pool keeps at least one node; a user pool may have none", () => {
      one(check({ ...BASE, nodePools: [{ count: 0 }] }), "CAP-11", "error", ["nodePools[0].count"]);
      none(check({ ...BASE, nodePools: [{}, { count: 0 }] }), "CAP-11");
    });
    it("the autoscaler needs min ≤ count ≤ max, both given", () => {
      one(check({ ...BASE, nodePools: [{ enableAutoScaling: true, maxCount: 5 }] }), "CAP-11", "error", ["nodePools[0].minCount", "nodePools[0].maxCount"]);
      const f = one(check({ ...BASE, nodePools: [{ enableAutoScaling: true, minCount: 5, maxCount: 2, count: 3 }] }), "CAP-11", "error", ["nodePools[0].minCount", "nodePools[0].maxCount"]);
      assert.match(f.message, /min-count should be less than or equal to value of max-count/);
      one(check({ ...BASE, nodePools: [{ enableAutoScaling: true, minCount: 4, maxCount: 6, count: 3 }] }), "CAP-11", "error", ["nodePools[0].count", "nodePools[0].minCount", "nodePools[0].maxCount"]);
      none(check({ ...BASE, nodePools: [{ enableAutoScaling: true, minCount: 1, maxCount: 6, count: 3 }] }), "CAP-11");
    });
  });
});
