import assert from "node:assert/strict";
import { cidr, formatIp, overlaps } from "../../../src/core/cidr.ts";
import type { SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/overlap.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check, ruleIds } from "../../helpers/spec.ts";

/** The proposed range in a fix ("use serviceCidr 10.1.0.0/16 ..."). */
const proposed = (fix: string): string => /use \S+ (\S+\/\d+)/.exec(fix)?.[1] ?? "";
const vnet = (addressSpaces: string[], subnetCidr: string, extra: SpecInput = {}): SpecInput => ({ ...BASE, ...extra, vnet: { addressSpaces, subnetCidr, ...extra.vnet } });

describe("validators/overlap", () => {
  it("lists OVL-01 … OVL-11", () => assert.deepEqual(rules().map((r) => r.id), Array.from({ length: 11 }, (_, i) => `OVL-${String(i + 1).padStart(2, "0")}`)));

  describe("OVL-01 service CIDR vs subnets (C-02: error)", () => {
    it("the default 10.0.0.0/16 against subnet 10.0.1.0/24 (terraform-azurerm-aks#57)", () => {
      const f = one(check(vnet(["10.0.0.0/16"], "10.0.1.0/24")), "OVL-01", "error", ["serviceCidr", "vnet.subnetCidr"]);
      assert.match(f.message, /^\(ServiceCidrOverlapExistingSubnetsCidr\) The specified service CIDR 10\.0\.0\.0\/16 is conflicted with an existing subnet CIDR 10\.0\.1\.0\/24/);
      assert.match(f.message, /default/);
      const p = cidr(proposed(f.fix));
      assert.equal(p.prefix, 16);
      assert.ok(!overlaps(p, cidr("10.0.0.0/16")) && !overlaps(p, cidr("10.244.0.0/16")), f.fix);
      assert.match(f.fix, new RegExp(`dnsServiceIP ${formatIp(p.start + 10n, 4).replace(/\./g, "\\.")}`));
    });
    it("an existing subnet counts too", () => {
      one(check(vnet(["10.10.0.0/16"], "10.10.0.0/22", { serviceCidr: "10.10.64.0/20", dnsServiceIP: "10.10.64.10", vnet: { existingSubnets: [{ name: "db", cidr: "10.10.64.0/24" }] } })), "OVL-01", "error", ["serviceCidr", "vnet.existingSubnets[0].cidr"]);
    });
    it("dual-stack: the IPv6 service range against an IPv6 subnet", () => {
      const input: SpecInput = { ...BASE, ipFamilies: ["IPv4", "IPv6"], vnet: { addressSpaces: ["10.10.0.0/16", "fd12:3456:789a::/48"], subnetCidr: "10.10.0.0/22", existingSubnets: [{ name: "v6", cidr: "fd12:3456:789a:1::/64" }] } };
      const f = one(check(input), "OVL-01", "error", ["serviceCidrs[1]", "vnet.existingSubnets[0].cidr"]);
      assert.equal(cidr(proposed(f.fix)).family, 6);
    });
    it("no subnet overlap, no OVL-01", () => none(check(vnet(["10.0.0.0/16"], "10.0.1.0/24", { serviceCidr: "10.1.0.0/16", dnsServiceIP: "10.1.0.10" })), "OVL-01"));
  });

  describe("OVL-02 service CIDR in the VNet space only (C-02: warning)", () => {
    it("VNet 10.0.0.0/8, subnet 10.1.0.0/16, default service (TF acceptance)", () => {
      const found = check({ networkPlugin: "kubenet", vnet: { addressSpaces: ["10.0.0.0/8"], subnetCidr: "10.1.0.0/16" } });
      one(found, "OVL-02", "warning", ["serviceCidr", "vnet.addressSpaces[0]"]);
      none(found, "OVL-01");
    });
    it("a service CIDR outside the VNet is fine", () => none(check(BASE), "OVL-02"));
  });

  describe("OVL-03 service CIDR vs connected ranges", () => {
    it("is an error when a supplied range overlaps", () => {
      const f = one(check({ ...BASE, connectedCidrs: ["192.168.0.0/24", "10.0.5.0/24"] }), "OVL-03", "error", ["serviceCidr", "connectedCidrs[1]"]);
      assert.match(f.message, /1 connected range\(s\): 10\.0\.5\.0\/24 \(connectedCidrs\[1\]\)/);
      assert.ok(!overlaps(cidr(proposed(f.fix)), cidr("10.0.5.0/24")));
    });
    it("is a warning when no ranges are given but a route goes to a VPN/ExpressRoute gateway", () => {
      const f = one(check({ ...BASE, routes: [{ prefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" }] }), "OVL-03", "warning", ["serviceCidr", "routes[0].nextHopType"]);
      assert.match(f.fix, /--connected-cidr/);
    });
    it("disjoint connected ranges are fine", () => none(check({ ...BASE, connectedCidrs: ["192.168.0.0/16"] }), "OVL-03"));
    it("no ranges and no gateway route: nothing to say", () => none(check(BASE), "OVL-03"));

    it("checks 100,000 connected prefixes through the index, with one compact finding per range", () => {
      // 100,000 /28s from 10.0.0.0 upwards: the default service CIDR 10.0.0.0/16 holds 4,096 of them.
      const connectedCidrs = Array.from({ length: 100_000 }, (_, i) => `${formatIp(0x0a000000n + BigInt(i) * 16n, 4)}/28`);
      const found = check({ ...BASE, connectedCidrs });
      const f = one(found, "OVL-03", "error", ["serviceCidr", "connectedCidrs[0]", "connectedCidrs[1]", "connectedCidrs[2]"]);
      assert.match(f.message, /overlaps 4096 connected range\(s\).* and 4093 more/);
      const p = cidr(proposed(f.fix));
      const lastEnd = 0x0a000000n + 100_000n * 16n - 1n;
      assert.ok(p.start > lastEnd || p.end < 0x0a000000n, `${p.text} must clear every connected range`);
      none(found, "OVL-06"); // the default pod CIDR 10.244.0.0/16 is beyond the last prefix
      assert.equal(byRule(found, "SYN-01").length, 0);
    });
  });

  describe("OVL-04 service vs pod CIDR", () => {
    it("a service CIDR on top of the default pod CIDR", () => {
      const f = one(check({ ...BASE, serviceCidr: "10.244.0.0/16", dnsServiceIP: "10.244.0.10" }), "OVL-04", "error", ["serviceCidr", "podCidr"]);
      assert.match(f.fix, /podCidr/);
    });
    it("disjoint ranges are fine", () => none(check(BASE), "OVL-04"));
  });

  describe("OVL-05 pod CIDR vs the VNet (C-03)", () => {
    it("overlay: a pod CIDR inside the VNet space (not a subnet) is an error with the RP text", () => {
      const f = one(check({ ...BASE, podCidr: "10.10.100.0/24", nodePools: [{ count: 1 }] }), "OVL-05", "error", ["podCidr", "vnet.addressSpaces[0]"]);
      assert.match(f.message, /NetworkProfile CIDR 10\.10\.100\.0\/24 overlaps with reserved VNET CIDR 10\.10\.0\.0\/16/);
    });
    it("overlay: the default 10.244.0.0/16 inside VNet 10.0.0.0/8", () => {
      one(check({ networkPlugin: "azure", networkPluginMode: "overlay", vnet: { addressSpaces: ["10.0.0.0/8"], subnetCidr: "10.1.0.0/16" } }), "OVL-05", "error", ["podCidr", "vnet.addressSpaces[0]"]);
    });
    it("kubenet: inside the VNet space only is a warning", () => {
      one(check({ networkPlugin: "kubenet", vnet: { addressSpaces: ["10.0.0.0/8"], subnetCidr: "10.1.0.0/16" } }), "OVL-05", "warning", ["podCidr", "vnet.addressSpaces[0]"]);
    });
    it("kubenet: overlapping a subnet is an error", () => {
      one(check({ networkPlugin: "kubenet", podCidr: "10.1.0.0/16", vnet: { addressSpaces: ["10.0.0.0/8"], subnetCidr: "10.1.0.0/16" } }), "OVL-05", "error", ["podCidr", "vnet.subnetCidr"]);
    });
    it("dual-stack: the default podCidrs[0] inside the VNet names the list entry and says it is a default", () => {
      const f = one(check({ ...BASE, ipFamilies: ["IPv4", "IPv6"], vnet: { addressSpaces: ["10.240.0.0/12"], subnetCidr: "10.240.0.0/16" } }), "OVL-05", "error", ["podCidrs[0]", "vnet.addressSpaces[0]"]);
      assert.match(f.message, /the default podCidrs\[0\]/);
    });
    it("a pod CIDR outside the VNet is fine", () => none(check(BASE), "OVL-05"));
  });

  describe("OVL-06 pod CIDR vs connected ranges", () => {
    it("is an error", () => one(check({ ...BASE, connectedCidrs: ["10.244.8.0/22"] }), "OVL-06", "error", ["podCidr", "connectedCidrs[0]"]));
    it("the same pod CIDR elsewhere is fine when not connected", () => none(check({ ...BASE, connectedCidrs: ["10.245.0.0/16"] }), "OVL-06"));
  });

  describe("OVL-07 node subnet inside the VNet", () => {
    it("VNet 10.1.0.0/16, subnet 10.0.0.0/24 (CAPZ test)", () => {
      const f = one(check(vnet(["10.1.0.0/16"], "10.0.0.0/24")), "OVL-07", "error", ["vnet.subnetCidr", "vnet.addressSpaces[0]"]);
      assert.ok(cidr("10.1.0.0/16").start <= cidr(proposed(f.fix)).start, f.fix);
    });
    it("a subnet larger than the VNet that starts inside it", () => one(check(vnet(["10.1.0.0/24"], "10.1.0.0/16")), "OVL-07", "error"));
    it("a subnet inside the second address space is fine", () => none(check(vnet(["10.1.0.0/16", "10.2.0.0/16"], "10.2.0.0/24")), "OVL-07"));
  });

  describe("OVL-08 subnets overlap each other", () => {
    it("an existing subnet over the node subnet", () => {
      const f = one(check(vnet(["10.10.0.0/16"], "10.10.0.0/22", { vnet: { existingSubnets: [{ name: "db", cidr: "10.10.2.0/24" }] } })), "OVL-08", "error", ["vnet.subnetCidr", "vnet.existingSubnets[0].cidr"]);
      const p = cidr(proposed(f.fix));
      assert.equal(p.prefix, 22);
      assert.ok(!overlaps(p, cidr("10.10.2.0/24")));
    });
    it("the firewall subnet over the pod subnet", () => {
      const input: SpecInput = { networkPlugin: "azure", vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", podSubnetCidr: "10.10.16.0/20" }, firewall: { enabled: true, subnetCidr: "10.10.16.0/26" } };
      one(check(input), "OVL-08", "error", ["vnet.podSubnetCidr", "firewall.subnetCidr"]);
    });
    it("an existing subnet with the node subnet's name is the node subnet itself", () => {
      none(check(vnet(["10.10.0.0/16"], "10.10.0.0/22", { vnet: { subnetName: "aks", existingSubnets: [{ name: "aks", cidr: "10.10.0.0/22" }] } })), "OVL-08");
    });
    it("an existing subnet with the node subnet's prefix (no name given) is the node subnet itself, as compat matches it", () => {
      // compat's nodeSubnetEntry (CMP-14/15) matches the node subnet by name or by prefix: OVL-08 must agree.
      const input = vnet(["10.10.0.0/16"], "10.10.0.0/22", { vnet: { existingSubnets: [{ name: "nodes", cidr: "10.10.0.0/22", delegations: ["Microsoft.Sql/managedInstances"] }] } });
      const findings = check(input);
      none(findings, "OVL-08");
      one(findings, "CMP-15", "error");
    });
    it("the pod subnet listed among the existing subnets (same prefix) is the pod subnet itself", () => {
      const input: SpecInput = { networkPlugin: "azure", vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", podSubnetCidr: "10.10.16.0/20", existingSubnets: [{ name: "pods", cidr: "10.10.16.0/20" }] } };
      none(check(input), "OVL-08");
    });
    it("an existing subnet with the node subnet's name but another prefix still overlaps nothing twice; a different subnet on the same prefix range does", () => {
      one(check(vnet(["10.10.0.0/16"], "10.10.0.0/22", { vnet: { existingSubnets: [{ name: "db", cidr: "10.10.0.0/23" }] } })), "OVL-08", "error");
    });
    it("each overlapping pair once, across nested ranges and mixed families", () => {
      const existingSubnets = [
        { name: "big", cidr: "10.10.8.0/21" },
        { name: "a", cidr: "10.10.9.0/24" },
        { name: "b", cidr: "10.10.14.0/24" },
        { name: "v6", cidr: "fd00::/64" },
        { name: "c", cidr: "10.10.20.0/24" },
      ];
      const pairs = byRule(check(vnet(["10.10.0.0/16", "fd00::/48"], "10.10.0.0/22", { vnet: { existingSubnets } })), "OVL-08").map((f) => f.fields.join(" "));
      assert.deepEqual(pairs, ["vnet.existingSubnets[0].cidr vnet.existingSubnets[1].cidr", "vnet.existingSubnets[0].cidr vnet.existingSubnets[2].cidr"]);
    });
    it("disjoint subnets are fine", () => none(check(vnet(["10.10.0.0/16"], "10.10.0.0/22", { vnet: { existingSubnets: [{ name: "db", cidr: "10.10.4.0/24" }] } })), "OVL-08"));
  });

  describe("OVL-09 pod subnet in the same VNet", () => {
    const podSubnet = (c: string): SpecInput => ({ networkPlugin: "azure", serviceCidr: "172.16.0.0/16", dnsServiceIP: "172.16.0.10", vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", podSubnetCidr: c } });
    it("a pod subnet outside the VNet is an error", () => one(check(podSubnet("10.20.0.0/20")), "OVL-09", "error", ["vnet.podSubnetCidr", "vnet.addressSpaces[0]"]));
    it("a pod subnet inside is fine", () => none(check(podSubnet("10.10.16.0/20")), "OVL-09"));
  });

  describe("OVL-11 the VNet's own ranges vs connected ranges (peering refuses overlapping address spaces)", () => {
    it("a connected range inside the VNet is an error naming both, with a free replacement", () => {
      const f = one(check({ ...BASE, connectedCidrs: ["192.168.0.0/16", "10.10.200.0/24"] }), "OVL-11", "error", ["vnet.addressSpaces[0]", "connectedCidrs[1]"]);
      assert.match(f.message, /VNet address space 10\.10\.0\.0\/16 overlaps 1 connected range\(s\): 10\.10\.200\.0\/24 \(connectedCidrs\[1\]\)/);
      assert.match(f.message, /peering/);
      const p = cidr(proposed(f.fix));
      assert.ok(!overlaps(p, cidr("10.10.200.0/24")) && !overlaps(p, cidr("192.168.0.0/16")), f.fix);
      assert.match(f.fix, /its subnets move with it$/);
    });
    it("an on-premises supernet over the VNet (10.0.0.0/8 over ExpressRoute) is an error too", () => one(check({ ...BASE, connectedCidrs: ["10.0.0.0/8"] }), "OVL-11", "error", ["vnet.addressSpaces[0]", "connectedCidrs[0]"]));
    it("the default VNet counts, and the finding says it is the default", () => {
      const f = one(check({ networkPlugin: "azure", networkPluginMode: "overlay", connectedCidrs: ["10.230.0.0/16"] }), "OVL-11", "error");
      assert.match(f.message, /default/);
    });
    it("disjoint connected ranges are fine", () => none(check({ ...BASE, connectedCidrs: ["10.11.0.0/16", "192.168.0.0/16"] }), "OVL-11"));
  });

  describe("OVL-10 legacy docker bridge", () => {
    it("overlapping the node subnet is a warning", () => one(check({ ...BASE, dockerBridgeCidr: "10.10.0.1/16" }), "OVL-10", "warning", ["dockerBridgeCidr", "vnet.subnetCidr"]));
    it("the classic 172.17.0.1/16 is fine", () => none(check({ ...BASE, dockerBridgeCidr: "172.17.0.1/16" }), "OVL-10"));
  });

  it("the clean baseline has no errors or warnings from the address families", () => {
    const mine = /^(SYN|RES|SIZE|OVL|DNS|DBR|POD)-/;
    assert.deepEqual(ruleIds(check(BASE)).filter((r) => mine.test(r)), []);
  });
});
