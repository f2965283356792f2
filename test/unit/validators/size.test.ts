import assert from "node:assert/strict";
import type { SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/size.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

const svc = (serviceCidr: string, dnsServiceIP: string): SpecInput => ({ ...BASE, serviceCidr, dnsServiceIP });
const dual = (serviceCidrs: string[]): SpecInput => ({ ...BASE, ipFamilies: ["IPv4", "IPv6"], serviceCidrs, podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"] });

describe("validators/size", () => {
  it("lists SIZE-01 … SIZE-05", () => assert.deepEqual(rules().map((r) => r.id), ["SIZE-01", "SIZE-02", "SIZE-03", "SIZE-04", "SIZE-05"]));

  describe("SIZE-01 IPv4 service CIDR size (C-01)", () => {
    it("/11 is an error", () => {
      const f = one(check(svc("10.0.0.0/11", "10.0.0.10")), "SIZE-01", "error", ["serviceCidr"]);
      assert.match(f.message, /mask must be >= 12/);
      assert.match(f.fix, /\/16/);
    });
    it("/12 is a warning citing the docs", () => assert.match(one(check(svc("10.0.0.0/12", "10.0.0.10")), "SIZE-01", "warning", ["serviceCidr"]).message, /smaller than \/12/));
    it("/13 is fine", () => none(check(svc("10.0.0.0/13", "10.0.0.10")), "SIZE-01"));
    it("applies to serviceCidrs[0] too", () => one(check({ ...dual(["10.0.0.0/11", "fd12:3456:789a:1::/108"]), dnsServiceIP: "10.0.0.10" }), "SIZE-01", "error", ["serviceCidrs[0]"]));
  });

  describe("SIZE-02 IPv6 service CIDR no larger than /108", () => {
    it("/107 is an error", () => one(check(dual(["10.0.0.0/16", "fd12:3456:789a:1::/107"])), "SIZE-02", "error", ["serviceCidrs[1]"]));
    it("/108 is fine", () => none(check(dual(["10.0.0.0/16", "fd12:3456:789a:1::/108"])), "SIZE-02"));
  });

  describe("SIZE-03 one /24 per node from the pod CIDR", () => {
    it("a pod CIDR smaller than /24 is an error", () => one(check({ ...BASE, podCidr: "10.244.0.0/25" }), "SIZE-03", "error", ["podCidr"]));
    it("fewer /24s than nodes is an error", () => {
      const f = one(check({ ...BASE, podCidr: "10.244.0.0/23", nodePools: [{ count: 3 }] }), "SIZE-03", "error", ["podCidr", "nodePools[0].count"]);
      assert.match(f.message, /2 \/24 block\(s\).*3 node/);
      assert.match(f.fix, /\/22/);
    });
    it("enough for the nodes but not for surge is a warning", () => one(check({ ...BASE, podCidr: "10.244.0.0/23", nodePools: [{ count: 2 }] }), "SIZE-03", "warning", ["podCidr", "nodePools[0].count"]));
    it("the autoscaler maximum counts for the warning", () => {
      one(check({ ...BASE, podCidr: "10.244.0.0/22", nodePools: [{ count: 2, enableAutoScaling: true, minCount: 1, maxCount: 10 }] }), "SIZE-03", "warning");
    });
    it("a /24 for one node with no surge (TF acceptance) is only a warning", () => one(check({ ...BASE, podCidr: "10.244.0.0/24", nodePools: [{ count: 1 }] }), "SIZE-03", "warning"));
    it("room for nodes and surge is fine", () => none(check({ ...BASE, podCidr: "10.244.0.0/22", nodePools: [{ count: 3 }] }), "SIZE-03"));
  });

  describe("SIZE-04 StaticBlock pod subnet no larger than /12", () => {
    const podSubnet = (cidr: string, mode?: string): SpecInput => ({
      networkPlugin: "azure",
      vnet: { addressSpaces: ["10.0.0.0/8"], subnetCidr: "10.0.0.0/22", podSubnetCidr: cidr },
      serviceCidr: "172.16.0.0/16",
      dnsServiceIP: "172.16.0.10",
      nodePools: [{ podIPAllocationMode: mode }],
    });
    it("a /11 StaticBlock pod subnet is an error", () => one(check(podSubnet("10.32.0.0/11", "StaticBlock")), "SIZE-04", "error", ["vnet.podSubnetCidr", "nodePools[0].podIPAllocationMode"]));
    it("a /12 StaticBlock pod subnet is fine", () => none(check(podSubnet("10.16.0.0/12", "StaticBlock")), "SIZE-04"));
    it("dynamic allocation has no such limit", () => none(check(podSubnet("10.32.0.0/11")), "SIZE-04"));
  });

  describe("SIZE-05 smallest Azure subnet /29", () => {
    it("a /30 node subnet is an error", () => {
      const f = one(check({ ...BASE, vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/30" } }), "SIZE-05", "error", ["vnet.subnetCidr"]);
      assert.match(f.message, /leaving 0/);
    });
    it("an existing /31 subnet is an error", () => {
      one(check({ ...BASE, vnet: { ...BASE.vnet, existingSubnets: [{ name: "tiny", cidr: "10.10.8.0/31" }] } }), "SIZE-05", "error", ["vnet.existingSubnets[0].cidr"]);
    });
    it("a /29 is the smallest allowed", () => none(check({ ...BASE, vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/29" } }), "SIZE-05"));
  });
});
