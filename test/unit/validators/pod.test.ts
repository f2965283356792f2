import assert from "node:assert/strict";
import type { SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/pod.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

const dual = (extra: SpecInput): SpecInput => ({ ...BASE, ipFamilies: ["IPv4", "IPv6"], ...extra });

describe("validators/pod", () => {
  it("lists POD-01 … POD-06; POD-06 is informational", () => {
    assert.deepEqual(rules().map((r) => r.id), ["POD-01", "POD-02", "POD-03", "POD-04", "POD-05", "POD-06", "POD-07", "POD-08"]);
    assert.equal(rules()[5]?.severity, "info");
  });

  describe("POD-01 pod CIDR only with kubenet or overlay", () => {
    it("azure without overlay plus --pod-cidr quotes az aks", () => {
      const f = one(check({ networkPlugin: "azure", podCidr: "10.244.0.0/16", vnet: BASE.vnet }), "POD-01", "error", ["podCidr", "networkPlugin", "networkPluginMode"]);
      assert.match(f.message, /Please specify network plugin mode `overlay` when using --pod-cidr/);
    });
    it("overlay with a pod CIDR is fine", () => none(check({ ...BASE, podCidr: "10.244.0.0/16" }), "POD-01"));
    it("kubenet with a pod CIDR is fine", () => none(check({ networkPlugin: "kubenet", podCidr: "10.244.0.0/16", vnet: BASE.vnet }), "POD-01"));
  });

  describe("POD-02 overlay only with azure", () => {
    it("kubenet + overlay", () => one(check({ ...BASE, networkPlugin: "kubenet" }), "POD-02", "error", ["networkPluginMode", "networkPlugin"]));
    it("azure + overlay is fine", () => none(check(BASE), "POD-02"));
    it("a mis-cased plugin is SYN-10's finding, not a mode conflict", () => none(check({ ...BASE, networkPlugin: "Azure" }), "POD-02"));
  });

  describe("POD-03 overlay is not pod subnet", () => {
    it("overlay with a pod subnet", () => one(check({ ...BASE, vnet: { ...BASE.vnet, podSubnetCidr: "10.10.16.0/20" } }), "POD-03", "error", ["networkPluginMode", "vnet.podSubnetCidr"]));
    it("azure pod subnet without overlay is fine", () => none(check({ networkPlugin: "azure", vnet: { ...BASE.vnet, podSubnetCidr: "10.10.16.0/20" } }), "POD-03"));
    it("kubenet has no pod subnet (configure-kubenet.md: only nodes get VNet IPs): an error, not silently dropped", () => {
      const f = one(check({ networkPlugin: "kubenet", vnet: { ...BASE.vnet, podSubnetCidr: "10.10.16.0/20" } }), "POD-03", "error", ["networkPlugin", "vnet.podSubnetCidr"]);
      assert.match(f.message, /kubenet/);
      assert.match(f.fix, /remove the pod subnet/);
    });
    it("BYO CNI (networkPlugin none) takes no pod subnet either", () => {
      one(check({ networkPlugin: "none", podCidr: "10.244.0.0/16", vnet: { ...BASE.vnet, podSubnetCidr: "10.10.16.0/20" } }), "POD-03", "error", ["networkPlugin", "vnet.podSubnetCidr"]);
    });
  });

  describe("POD-08 Static Block (configure-azure-cni-static-block-allocation.md)", () => {
    const podSubnet = { ...BASE.vnet, podSubnetCidr: "10.10.64.0/18" };
    it("needs a pod subnet: with overlay it is an error", () => {
      const f = one(check({ ...BASE, nodePools: [{ podIPAllocationMode: "StaticBlock" }] }), "POD-08", "error", ["nodePools[0].podIPAllocationMode", "vnet.podSubnetCidr"]);
      assert.match(f.message, /pod subnet/);
    });
    it("needs a pod subnet: with kubenet it is an error", () => one(check({ networkPlugin: "kubenet", vnet: BASE.vnet, nodePools: [{ podIPAllocationMode: "StaticBlock" }] }), "POD-08", "error"));
    it("with a pod subnet it is fine", () => none(check({ networkPlugin: "azure", vnet: podSubnet, nodePools: [{ podIPAllocationMode: "StaticBlock", maxPods: 31 }] }), "POD-08"));
    it("one mode per subnet: Static Block and dynamic pools on the one pod subnet are an error", () => {
      const f = one(check({ networkPlugin: "azure", vnet: podSubnet, nodePools: [{ name: "sys", podIPAllocationMode: "StaticBlock", maxPods: 31 }, { name: "work" }] }), "POD-08", "error", ["nodePools[0].podIPAllocationMode", "nodePools[1].podIPAllocationMode"]);
      assert.match(f.message, /single mode of operation/);
    });
    it("an unknown mode is SYN-09's", () => one(check({ networkPlugin: "azure", vnet: podSubnet, nodePools: [{ podIPAllocationMode: "Static" }] }), "SYN-09", "error", ["nodePools[0].podIPAllocationMode"]));
  });

  describe("POD-07 bring your own CNI needs a pod CIDR (use-byo-cni.md)", () => {
    it("networkPlugin none without a pod CIDR is an error", () => {
      const f = one(check({ networkPlugin: "none", vnet: BASE.vnet }), "POD-07", "error", ["podCidr", "networkPlugin"]);
      assert.match(f.message, /You must specify a Pod CIDR/);
      assert.match(f.fix, /--pod-cidr 10\.\d+\.0\.0\/16/);
    });
    it("with a pod CIDR it is fine", () => none(check({ networkPlugin: "none", podCidr: "10.244.0.0/16", vnet: BASE.vnet }), "POD-07"));
    it("its pod CIDR must avoid the AKS-reserved ranges (RES-01)", () => one(check({ networkPlugin: "none", podCidr: "172.30.0.0/16", vnet: BASE.vnet }), "RES-01", "error", ["podCidr"]));
    it("its pod CIDR must avoid the service CIDR (OVL-04)", () => one(check({ networkPlugin: "none", podCidr: "10.0.0.0/16", vnet: BASE.vnet }), "OVL-04", "error", ["serviceCidr", "podCidr"]));
    it("its pod CIDR must avoid the VNet (OVL-05, error)", () => {
      const f = one(check({ networkPlugin: "none", podCidr: "10.10.0.0/16", vnet: BASE.vnet }), "OVL-05", "error");
      assert.match(f.message, /^\(bring-your-own CNI\)/);
    });
    it("POD-01 does not apply: the pod CIDR is what BYO CNI asks for", () => none(check({ networkPlugin: "none", podCidr: "10.244.0.0/16", vnet: BASE.vnet }), "POD-01"));
  });

  describe("POD-04 dual-stack lists follow ipFamilies", () => {
    it("two pod ranges without IPv6 in ipFamilies quote terraform", () => {
      const f = one(check({ ...BASE, podCidrs: ["10.244.0.0/16", "fd00::/64"] }), "POD-04", "error", ["podCidrs", "ipFamilies"]);
      assert.match(f.message, /dual-stack networking must be enabled/);
    });
    it("IPv6 first is the wrong order", () => {
      const found = check(dual({ serviceCidrs: ["fd12:3456:789a:1::/108", "10.0.0.0/16"] }));
      assert.deepEqual(found.filter((f) => f.rule === "POD-04").map((f) => f.fields[0]), ["serviceCidrs[0]", "serviceCidrs[1]"]);
    });
    it("dual-stack with one service range is a count mismatch", () => one(check(dual({ serviceCidrs: ["10.0.0.0/16"] })), "POD-04", "error", ["serviceCidrs", "ipFamilies"]));
    it("serviceCidr that differs from serviceCidrs[0]", () => {
      one(check(dual({ serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.1.0.10", serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"] })), "POD-04", "error", ["serviceCidr", "serviceCidrs[0]"]);
    });
    it("IPv4 then IPv6 matching ipFamilies is fine", () => {
      none(check(dual({ podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"], serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"] })), "POD-04");
    });
    it("the dual-stack defaults are fine", () => none(check(dual({})), "POD-04"));
  });

  describe("POD-05 ipFamilies combinations", () => {
    it("IPv6 alone", () => assert.match(one(check({ ...BASE, ipFamilies: ["IPv6"] }), "POD-05", "error", ["ipFamilies"]).message, /`IPv6` alone is not supported/));
    it("IPv6 before IPv4", () => one(check({ ...BASE, ipFamilies: ["IPv6", "IPv4"] }), "POD-05", "error"));
    it("[IPv4] and [IPv4, IPv6] are fine", () => {
      none(check({ ...BASE, ipFamilies: ["IPv4"] }), "POD-05");
      none(check(dual({})), "POD-05");
    });
  });

  describe("POD-06 pod CIDR changes later (informational)", () => {
    it("overlay: the contiguous superset is taken by the service CIDR", () => {
      const f = one(check({ ...BASE, podCidr: "10.1.0.0/16", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" }), "POD-06", "info", ["podCidr", "serviceCidr"]);
      assert.match(f.message, /10\.0\.0\.0\/15/);
    });
    it("overlay: a free superset says nothing", () => none(check(BASE), "POD-06"));
    it("kubenet: a tight pod CIDR that can never change", () => one(check({ networkPlugin: "kubenet", podCidr: "10.244.0.0/22", vnet: BASE.vnet, nodePools: [{ count: 2 }] }), "POD-06", "info", ["podCidr"]));
    it("kubenet: plenty of room says nothing", () => none(check({ networkPlugin: "kubenet", vnet: BASE.vnet }), "POD-06"));
  });
});
