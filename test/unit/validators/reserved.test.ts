import assert from "node:assert/strict";
import type { SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/reserved.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

const svc = (serviceCidr: string, dnsServiceIP: string): SpecInput => ({ ...BASE, serviceCidr, dnsServiceIP });

describe("validators/reserved", () => {
  it("lists RES-01 … RES-04 with their severities", () => {
    assert.deepEqual(rules().map((r) => [r.id, r.severity]), [["RES-01", "error"], ["RES-02", "warning"], ["RES-03", "warning"], ["RES-04", "info"]]);
  });

  describe("RES-01 reserved ranges (overlap, not equality; C-11)", () => {
    it("service 172.16.0.0/12 contains 172.30.0.0/16", () => {
      const f = one(check(svc("172.16.0.0/12", "172.16.0.10")), "RES-01", "error", ["serviceCidr"]);
      assert.match(f.message, /172\.30\.0\.0\/16/);
      assert.match(f.fix, /use serviceCidr \d+\.\d+\.\d+\.\d+\/12 with dnsServiceIP/);
      assert.doesNotMatch(f.fix, /172\.(16|30|31)\./);
    });
    it("service 172.30.0.0/16 (Azure/AKS#2234)", () => one(check(svc("172.30.0.0/16", "172.30.0.10")), "RES-01", "error", ["serviceCidr"]));
    it("pod CIDR in 169.254.0.0/16", () => one(check({ ...BASE, podCidr: "169.254.0.0/16" }), "RES-01", "error", ["podCidr"]));
    it("a VNet address space containing 192.0.2.0/24", () => {
      one(check({ ...BASE, vnet: { addressSpaces: ["192.0.0.0/22"], subnetCidr: "192.0.0.0/24" } }), "RES-01", "error", ["vnet.addressSpaces[0]"]);
    });
    it("172.29.0.0/16 next to the reserved ranges is fine", () => none(check(svc("172.29.0.0/16", "172.29.0.10")), "RES-01"));
    it("reserved overlap is not also reported as a public range", () => none(check({ ...BASE, podCidr: "169.254.0.0/16" }), "RES-02"));
  });

  describe("RES-02 pod CIDR outside private space", () => {
    it("a public pod CIDR is a warning", () => one(check({ ...BASE, podCidr: "20.0.0.0/16" }), "RES-02", "warning", ["podCidr"]));
    it("RFC 6598 100.64.0.0/16 is fine", () => none(check({ ...BASE, podCidr: "100.64.0.0/16" }), "RES-02"));
    it("an IPv6 pod range outside ULA is a warning", () => {
      one(check({ ...BASE, ipFamilies: ["IPv4", "IPv6"], podCidrs: ["10.244.0.0/16", "2001:db8::/64"] }), "RES-02", "warning", ["podCidrs[1]"]);
    });
  });

  describe("RES-03 service CIDR outside private space", () => {
    it("a public service CIDR is a warning", () => one(check(svc("30.0.0.0/16", "30.0.0.10")), "RES-03", "warning", ["serviceCidr"]));
    it("the default 10.0.0.0/16 is fine", () => none(check(BASE), "RES-03"));
  });

  describe("RES-04 VNet outside private space", () => {
    it("172.0.0.0/16 (accepted by Azure) is info only", () => {
      one(check({ ...BASE, vnet: { addressSpaces: ["172.0.0.0/16"], subnetCidr: "172.0.2.0/24" } }), "RES-04", "info", ["vnet.addressSpaces[0]"]);
    });
    it("a private VNet is fine", () => none(check(BASE), "RES-04"));
  });
});
