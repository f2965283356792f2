import assert from "node:assert/strict";
import { fromFlags } from "../../../src/commands/options.ts";
import type { LoadBalancerProfileSpec, SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/load-balancer.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

const lb = (loadBalancerProfile: LoadBalancerProfileSpec, extra: SpecInput = {}): SpecInput => ({ ...BASE, loadBalancerProfile, ...extra });
const MANAGED_NAT: SpecInput = { outboundType: "managedNATGateway" };

describe("validators/load-balancer", () => {
  it("lists LB-01 … LB-07", () => {
    assert.deepEqual(
      rules().map((r) => `${r.id} ${r.severity}`),
      ["LB-01 error", "LB-02 error", "LB-03 error/warning", "LB-04 error", "LB-05 error", "LB-06 error", "LB-07 error"],
    );
  });

  it("LB-01 Basic is retired; standard (the default) passes", () => {
    const f = one(check({ ...BASE, loadBalancerSku: "basic" }), "LB-01", "error", ["loadBalancerSku"]);
    assert.match(f.message, /Load Balancer SKU 'basic' is invalid; must use 'standard'\./);
    none(check(BASE), "LB-01");
    none(check({ ...BASE, loadBalancerSku: "standard" }), "LB-01");
  });

  describe("LB-02 what Basic never supported", () => {
    const basic = (extra: SpecInput): SpecInput => ({ ...BASE, loadBalancerSku: "basic", ...extra });
    it("several node pools", () => {
      one(check(basic({ nodePools: [{}, {}] })), "LB-02", "error", ["loadBalancerSku", "nodePools"]);
      none(check(basic({})), "LB-02");
      none(check({ ...BASE, nodePools: [{}, {}] }), "LB-02");
    });
    it("an outbound type", () => {
      const f = one(check(basic({ outboundType: "loadBalancer" })), "LB-02", "error", ["loadBalancerSku", "outboundType"]);
      assert.match(f.message, /doesn't support basic load balancer sku/);
    });
    it("load balancer and NAT gateway profiles, with terraform's texts", () => {
      const a = one(check(basic({ loadBalancerProfile: { idleTimeoutInMinutes: 10 } })), "LB-02", "error", ["loadBalancerSku", "loadBalancerProfile"]);
      assert.match(a.message, /only load balancer SKU 'Standard' supports load balancer profiles/);
      const b = one(check(basic({ natGatewayProfile: { idleTimeoutInMinutes: 10 } })), "LB-02", "error", ["loadBalancerSku", "natGatewayProfile"]);
      assert.match(b.message, /supports NAT Gateway profiles/);
    });
  });

  describe("LB-03 load balancer profile ranges", () => {
    it("managed outbound IPs 1-100", () => {
      const f = one(check(lb({ managedOutboundIPs: { count: 101 } })), "LB-03", "error", ["loadBalancerProfile.managedOutboundIPs.count"]);
      assert.match(f.message, /--load-balancer-managed-outbound-ip-count must be in the range \[1,100\], got 101/);
      one(check(lb({ managedOutboundIPs: { count: 0 } })), "LB-03", "error");
      none(check(lb({ managedOutboundIPs: { count: 100 } })), "LB-03");
      one(check(lb({ managedOutboundIPs: { count: 2, countIPv6: 101 } })), "LB-03", "error", ["loadBalancerProfile.managedOutboundIPs.countIPv6"]);
    });
    it("allocated ports 0-64000 in multiples of 8", () => {
      one(check(lb({ allocatedOutboundPorts: 64008 })), "LB-03", "error", ["loadBalancerProfile.allocatedOutboundPorts"]);
      const f = one(check(lb({ allocatedOutboundPorts: 1001 })), "LB-03", "error", ["loadBalancerProfile.allocatedOutboundPorts"]);
      assert.match(f.message, /must be a multiple of 8/);
      assert.match(f.fix, /1000 or 1008/);
      none(check(lb({ allocatedOutboundPorts: 1024 })), "LB-03");
      none(check(lb({ allocatedOutboundPorts: 0 })), "LB-03");
    });
    it("idle timeout: 4-120 per the API, above 100 a warning (C-08)", () => {
      one(check(lb({ idleTimeoutInMinutes: 3 })), "LB-03", "error", ["loadBalancerProfile.idleTimeoutInMinutes"]);
      one(check(lb({ idleTimeoutInMinutes: 121 })), "LB-03", "error", ["loadBalancerProfile.idleTimeoutInMinutes"]);
      const w = one(check(lb({ idleTimeoutInMinutes: 110 })), "LB-03", "warning", ["loadBalancerProfile.idleTimeoutInMinutes"]);
      assert.match(w.message, /--load-balancer-idle-timeout must be in the range \[4,100\]/);
      none(check(lb({ idleTimeoutInMinutes: 100 })), "LB-03");
    });
    it("at most one kind of outbound IP", () => {
      const f = one(
        check(lb({ managedOutboundIPs: { count: 2 }, outboundIPs: { publicIPs: [{ id: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/publicIPAddresses/ip" }] } })),
        "LB-03",
        "error",
        ["loadBalancerProfile.managedOutboundIPs", "loadBalancerProfile.outboundIPs"],
      );
      assert.match(f.message, /at most one of ManagedOutboundIPs, OutboundIPPrefixes and OutboundIPs/);
      none(check(lb({ outboundIPPrefixes: { publicIPPrefixes: [{ id: "p" }] } })), "LB-03");
    });
    it("reads the az aks create flags", () => {
      one(check({ ...BASE, ...fromFlags({ loadBalancerIdleTimeout: "121" }) }), "LB-03", "error", ["loadBalancerProfile.idleTimeoutInMinutes"]);
      one(check({ ...BASE, ...fromFlags({ loadBalancerOutboundPorts: "100" }) }), "LB-03", "error", ["loadBalancerProfile.allocatedOutboundPorts"]);
      one(check({ ...BASE, ...fromFlags({ loadBalancerManagedOutboundIpCount: "2", loadBalancerOutboundIpPrefixes: "p1" }) }), "LB-03", "error");
    });
  });

  describe("LB-04 load balancer knobs only with outboundType loadBalancer", () => {
    const udr: SpecInput = { outboundType: "userDefinedRouting", firewall: { enabled: true, subnetCidr: "10.10.8.0/26" } };
    it("IPs and config, with the CLI's two texts", () => {
      const ips = one(check(lb({ managedOutboundIPs: { count: 2 } }, udr)), "LB-04", "error", ["outboundType", "loadBalancerProfile.managedOutboundIPs"]);
      assert.equal(ips.message, "userDefinedRouting type doesn't support customizing the standard load balancer ips");
      const config = one(check(lb({ idleTimeoutInMinutes: 10 }, udr)), "LB-04", "error", ["outboundType", "loadBalancerProfile.idleTimeoutInMinutes"]);
      assert.equal(config.message, "userDefinedRouting type doesn't support customizing the standard load balancer config");
    });
    it("outboundType loadBalancer (the default) accepts them", () => {
      none(check(lb({ managedOutboundIPs: { count: 2 }, idleTimeoutInMinutes: 10 })), "LB-04");
      none(check(lb({ idleTimeoutInMinutes: 10 }, { outboundType: "loadBalancer" })), "LB-04");
    });
  });

  describe("LB-05 NAT gateway knobs", () => {
    it("IP count 1-16 and idle timeout 4-120", () => {
      const f = one(check({ ...MANAGED_NAT, natGatewayProfile: { managedOutboundIPProfile: { count: 17 } } }), "LB-05", "error", ["natGatewayProfile.managedOutboundIPProfile.count"]);
      assert.match(f.message, /--nat-gateway-managed-outbound-ip-count must be in the range \[1,16\]/);
      one(check({ ...MANAGED_NAT, natGatewayProfile: { idleTimeoutInMinutes: 121 } }), "LB-05", "error", ["natGatewayProfile.idleTimeoutInMinutes"]);
      none(check({ ...MANAGED_NAT, natGatewayProfile: { managedOutboundIPProfile: { count: 16 }, idleTimeoutInMinutes: 120 } }), "LB-05");
    });
    it("only with managedNATGateway", () => {
      const f = one(check({ ...BASE, natGatewayProfile: { idleTimeoutInMinutes: 10 } }), "LB-05", "error", ["outboundType", "natGatewayProfile"]);
      assert.equal(f.message, "loadBalancer type doesn't support customizing the standard nat gateway ips");
    });
    it("reads the az aks create flags", () => {
      one(check({ ...MANAGED_NAT, ...fromFlags({ natGatewayManagedOutboundIpCount: "0" }) }), "LB-05", "error", ["natGatewayProfile.managedOutboundIPProfile.count"]);
      one(check({ ...MANAGED_NAT, ...fromFlags({ natGatewayIdleTimeout: "3" }) }), "LB-05", "error", ["natGatewayProfile.idleTimeoutInMinutes"]);
    });
  });

  describe("LB-06 StandardV2 managed NAT gateway (ManagedClusterNATGatewayProfile, configure-dual-stack.md)", () => {
    const PREFIX = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPPrefixes/p";
    it("IPv6 outbound IPs need sku StandardV2, 1-16", () => {
      const f = one(check({ ...MANAGED_NAT, natGatewayProfile: { managedOutboundIPProfile: { countIPv6: 2 } } }), "LB-06", "error", ["natGatewayProfile.managedOutboundIPProfile.countIPv6", "natGatewayProfile.sku"]);
      assert.match(f.fix, /--nat-gateway-sku StandardV2/);
      none(check({ ...MANAGED_NAT, natGatewayProfile: { sku: "StandardV2", managedOutboundIPProfile: { countIPv6: 2 } } }), "LB-06");
      one(check({ ...MANAGED_NAT, natGatewayProfile: { sku: "StandardV2", managedOutboundIPProfile: { countIPv6: 17 } } }), "LB-06", "error", ["natGatewayProfile.managedOutboundIPProfile.countIPv6"]);
    });
    it("public IP prefixes need StandardV2", () => {
      one(check({ ...MANAGED_NAT, natGatewayProfile: { sku: "Standard", outboundIPPrefixes: { publicIPPrefixes: [PREFIX] } } }), "LB-06", "error", ["natGatewayProfile.outboundIPPrefixes", "natGatewayProfile.sku"]);
      none(check({ ...MANAGED_NAT, natGatewayProfile: { sku: "StandardV2", outboundIPPrefixes: { publicIPPrefixes: [PREFIX] } } }), "LB-06");
    });
    it("an unknown SKU is SYN-09", () => {
      one(check({ ...MANAGED_NAT, natGatewayProfile: { sku: "Premium" } }), "SYN-09", "error", ["natGatewayProfile.sku"]);
    });
    it("reads the flags", () => {
      const input = fromFlags({ natGatewaySku: "StandardV2", natGatewayManagedOutboundIpv6Count: "2", natGatewayManagedOutboundIpCount: "3" });
      assert.deepEqual(input.natGatewayProfile, { sku: "StandardV2", managedOutboundIPProfile: { count: 3, countIPv6: 2 } });
    });
  });

  describe("LB-07 the SKU of the NAT gateway aks-net builds (nat-sku.md)", () => {
    const USER_NAT: SpecInput = { ...BASE, outboundType: "userAssignedNATGateway" };
    it("StandardV2 with the gateway aks-net builds passes; SYN-09 takes a wrong value", () => {
      none(check({ ...USER_NAT, vnet: { ...BASE.vnet, natGatewaySku: "StandardV2" } }), "LB-07");
      one(check({ ...USER_NAT, vnet: { ...BASE.vnet, natGatewaySku: "V2" } }), "SYN-09", "error", ["vnet.natGatewaySku"]);
    });
    it("with another outbound type there is no gateway to size", () => {
      const f = one(check({ ...BASE, outboundType: "loadBalancer", vnet: { ...BASE.vnet, natGatewaySku: "StandardV2" } }), "LB-07", "error", ["vnet.natGatewaySku", "outboundType"]);
      assert.match(f.message, /outboundType is loadBalancer/);
    });
    it("managedNATGateway: the managed gateway's SKU is --nat-gateway-sku", () => {
      assert.match(one(check({ ...BASE, outboundType: "managedNATGateway", vnet: { managed: true, natGatewaySku: "StandardV2" } }), "LB-07", "error").fix, /--nat-gateway-sku/);
    });
    it("a brought NAT gateway keeps its SKU", () => {
      const nat = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/natGateways/n";
      one(check({ ...USER_NAT, vnet: { ...BASE.vnet, natGatewayId: nat, natGatewaySku: "StandardV2" } }), "LB-07", "error", ["vnet.natGatewaySku", "vnet.natGatewayId"]);
    });
    it("reads --vnet-nat-gateway-sku into vnet.natGatewaySku, not the managed profile", () => {
      const input = fromFlags({ vnetNatGatewaySku: "StandardV2" });
      assert.equal(input.vnet?.natGatewaySku, "StandardV2");
      assert.equal(input.natGatewayProfile, undefined);
    });
  });
});
