import assert from "node:assert/strict";
import type { RouteSpec, SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/outbound.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

const UDR = "userDefinedRouting";
const udr = (routes: Partial<RouteSpec>[], extra: SpecInput = {}): SpecInput => ({ ...BASE, outboundType: UDR, routes, ...extra });
const toNva = (ip = "10.10.8.4"): Partial<RouteSpec> => ({ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: ip });
const returnRoute: Partial<RouteSpec> = { prefix: "20.1.2.3/32", nextHopType: "Internet" };
/** A hub firewall subnet in the VNet, so a next hop in it is known. */
const HUB_VNET = { ...BASE.vnet, existingSubnets: [{ name: "AzureFirewallSubnet", cidr: "10.10.8.0/26" }] };
const FIREWALL = { enabled: true, subnetCidr: "10.10.8.0/26" };

describe("validators/outbound", () => {
  it("lists OUT-01 … OUT-13; update-only and data-less rules say so", () => {
    assert.deepEqual(
      rules().map((r) => r.id),
      Array.from({ length: 13 }, (_, i) => `OUT-${String(i + 1).padStart(2, "0")}`),
    );
    assert.match(rules().find((r) => r.id === "OUT-12")?.summary ?? "", /update-time/);
    assert.match(rules().find((r) => r.id === "OUT-13")?.summary ?? "", /informational/);
  });

  describe("OUT-01 / OUT-07 / OUT-08: who owns the VNet", () => {
    it("OUT-01 UDR cannot use an AKS-managed VNet; a VNet aks-net builds is fine", () => {
      const f = one(check({ outboundType: UDR, vnet: { managed: true }, firewall: FIREWALL }), "OUT-01", "error", ["outboundType", "vnet.managed"]);
      assert.match(f.message, /^--vnet-subnet-id must be specified for userDefinedRouting/);
      none(check(udr([], { firewall: FIREWALL })), "OUT-01");
    });
    it("OUT-07 user-assigned NAT gateway cannot use an AKS-managed VNet; aks-net builds one with its subnet", () => {
      const f = one(check({ outboundType: "userAssignedNATGateway", vnet: { managed: true } }), "OUT-07", "error", ["outboundType", "vnet.managed"]);
      assert.match(f.message, /pre-configured with a NAT gateway/);
      none(check({ ...BASE, outboundType: "userAssignedNATGateway" }), "OUT-07");
    });
    it("OUT-08 managed NAT gateway refuses a VNet or subnet of the user's", () => {
      const f = one(check({ ...BASE, outboundType: "managedNATGateway" }), "OUT-08", "error", ["outboundType", "vnet.addressSpaces", "vnet.subnetCidr"]);
      assert.match(f.message, /^--vnet-subnet-id cannot be specified for managedNATGateway/);
      const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks";
      one(check({ outboundType: "managedNATGateway", vnetSubnetId: id }), "OUT-08", "error", ["outboundType", "vnetSubnetId"]);
      none(check({ outboundType: "managedNATGateway" }), "OUT-08");
    });
  });

  describe("UDR routes (OUT-02, OUT-03, OUT-05)", () => {
    it("OUT-02 no default route and no firewall", () => {
      const f = one(check(udr([])), "OUT-02", "error", ["outboundType", "routes"]);
      assert.equal(f.fix, "pass --firewall, or --route 0.0.0.0/0=VirtualAppliance@<NVA IP>");
      none(check(udr([], { firewall: FIREWALL })), "OUT-02");
      none(check(udr([toNva()], { vnet: HUB_VNET })), "OUT-02");
      none(check(udr([{ prefix: "0.0.0.0/0", nextHopType: "VirtualNetworkGateway" }])), "OUT-02");
    });
    it("OUT-02 only for userDefinedRouting", () => none(check(BASE), "OUT-02"));
    it("OUT-02 a subnet brought by id: its route table is unknown offline (warning)", () => {
      const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks";
      const f = one(check({ networkPlugin: "azure", networkPluginMode: "overlay", vnetSubnetId: id, outboundType: UDR }), "OUT-02", "warning", ["outboundType", "vnetSubnetId"]);
      assert.match(f.fix, /--live/);
      none(check({ networkPlugin: "azure", networkPluginMode: "overlay", vnetSubnetId: id, outboundType: UDR, routes: [toNva(), returnRoute] }), "OUT-02");
    });
    it("OUT-03 a default route to the Internet, with the RP's text", () => {
      const f = one(check(udr([{ prefix: "0.0.0.0/0", nextHopType: "Internet" }])), "OUT-03", "error", ["routes[0].nextHopType"]);
      assert.equal(
        f.message,
        "(RouteTableInvalidNextHop) Default route 0.0.0.0/0 has a next hop of Internet but only next hops of VirtualAppliance or VirtualNetworkGateway are allowed. Please see http://aka.ms/aks/outboundtype for more details",
      );
      none(check(udr([{ prefix: "0.0.0.0/0", nextHopType: "VirtualNetworkGateway" }])), "OUT-03");
      none(check({ ...BASE, routes: [{ prefix: "0.0.0.0/0", nextHopType: "Internet" }] }), "OUT-03");
      none(check(udr([returnRoute])), "OUT-03");
    });
    it("OUT-05 a user firewall route without the public IP /32 → Internet return route", () => {
      one(check(udr([toNva()], { vnet: HUB_VNET })), "OUT-05", "warning", ["routes"]);
      none(check(udr([toNva(), returnRoute], { vnet: HUB_VNET })), "OUT-05");
      none(check(udr([], { firewall: FIREWALL })), "OUT-05");
    });
    it("OUT-05 nodes never go into the firewall's subnet", () => {
      one(check({ ...BASE, vnet: { ...BASE.vnet, subnetName: "AzureFirewallSubnet" } }), "OUT-05", "error", ["vnet.subnetName"]);
      const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/AzureFirewallManagementSubnet";
      one(check({ networkPlugin: "azure", networkPluginMode: "overlay", vnetSubnetId: id }), "OUT-05", "error", ["vnetSubnetId"]);
      none(check({ ...BASE, vnet: { ...BASE.vnet, subnetName: "aks-nodes" } }), "OUT-05");
    });
  });

  describe("OUT-04 VirtualAppliance next hops", () => {
    it("a VirtualAppliance route needs an IP", () => {
      const f = one(check(udr([{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" }])), "OUT-04", "error", ["routes[0].nextHopIp", "routes[0].nextHopType"]);
      assert.match(f.fix, /--route 0\.0\.0\.0\/0=VirtualAppliance@/);
    });
    it("an IP in no subnet and no connected range is a warning", () => {
      const f = one(check(udr([toNva("192.168.50.4"), returnRoute])), "OUT-04", "warning", ["routes[0].nextHopIp"]);
      assert.match(f.message, /192\.168\.50\.4/);
    });
    it("an IP in an existing subnet or a connected (peered hub) range is known", () => {
      none(check(udr([toNva(), returnRoute], { vnet: HUB_VNET })), "OUT-04");
      none(check(udr([toNva("192.168.50.4"), returnRoute], { connectedCidrs: ["192.168.0.0/16"] })), "OUT-04");
    });
    it("applies to other VirtualAppliance routes too, even without UDR", () => {
      one(check({ ...BASE, routes: [{ prefix: "192.168.0.0/16", nextHopType: "VirtualAppliance" }] }), "OUT-04", "error", ["routes[0].nextHopIp", "routes[0].nextHopType"]);
    });
  });

  it("OUT-06 other outbound types need the Standard load balancer", () => {
    const f = one(check({ ...udr([], { firewall: FIREWALL }), loadBalancerSku: "basic" }), "OUT-06", "error", ["outboundType", "loadBalancerSku"]);
    assert.equal(f.message, "userDefinedRouting doesn't support basic load balancer sku");
    none(check(udr([], { firewall: FIREWALL })), "OUT-06");
    none(check({ ...BASE, loadBalancerSku: "basic" }), "OUT-06");
  });

  it("OUT-09 none and block are for network-isolated clusters only", () => {
    const f = one(check({ ...BASE, outboundType: "none" }), "OUT-09", "error", ["outboundType"]);
    assert.match(f.message, /artifact_source/);
    one(check({ ...BASE, outboundType: "block" }), "OUT-09", "error", ["outboundType", "vnet.managed"]);
    none(check({ ...BASE, outboundType: "loadBalancer" }), "OUT-09");
  });

  it("OUT-10 dual-stack UDR without an IPv6 default route", () => {
    const dual: SpecInput = { ipFamilies: ["IPv4", "IPv6"], firewall: FIREWALL };
    one(check(udr([], dual)), "OUT-10", "warning", ["ipFamilies", "routes"]);
    none(check(udr([{ prefix: "::/0", nextHopType: "VirtualAppliance", nextHopIp: "fd00::4" }], dual)), "OUT-10");
    none(check(udr([], { firewall: FIREWALL })), "OUT-10");
  });

  it("OUT-11 kubenet with UDR is valid (C-06), reported as info", () => {
    const findings = check({ networkPlugin: "kubenet", vnet: BASE.vnet, outboundType: UDR, firewall: FIREWALL });
    one(findings, "OUT-11", "info", ["outboundType", "networkPlugin"]);
    assert.deepEqual(findings.filter((f) => f.rule.startsWith("OUT-") && f.severity === "error"), []);
    none(check(udr([], { firewall: FIREWALL })), "OUT-11");
  });
});
