import assert from "node:assert/strict";
import type { LiveFacts, NodePoolSpec, SpecInput } from "../../../src/core/spec.ts";
import { resolveSpec } from "../../../src/core/resolve.ts";
import { validateSpec } from "../../../src/validators/index.ts";
import { rules } from "../../../src/validators/zones.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

const zonal = (zones: unknown, extra: SpecInput = {}, pool: Partial<NodePoolSpec> = {}): SpecInput => ({ ...BASE, location: "westeurope", ...extra, nodePools: [{ name: "system", ...pool, availabilityZones: zones as string[] }] });

describe("validators/zones (availability-zones.md, nat-availability-zones.md)", () => {
  it("lists ZONE-01 … ZONE-04 and LIVE-ZONE-01", () =>
    assert.deepEqual(rules().map((r) => `${r.id} ${r.severity}`), ["ZONE-01 error", "ZONE-02 error", "ZONE-03 warning", "ZONE-04 error", "LIVE-ZONE-01 error"]));

  it("zones 1 2 3 in a zonal region pass every rule", () => {
    const f = check(zonal(["1", "2", "3"]));
    for (const r of rules()) none(f, r.id);
  });

  it("SYN-09: a zone that is not 1, 2 or 3", () => {
    const f = one(check(zonal(["1", "4"])), "SYN-09", "error", ["nodePools[0].availabilityZones[1]"]);
    assert.match(f.fix, /1, 2, 3/);
  });

  describe("ZONE-01", () => {
    it("a zone listed twice", () => assert.equal(one(check(zonal(["1", "1", "2"])), "ZONE-01", "error", ["nodePools[0].availabilityZones"]).fix, "list each zone once: 1 2"));
    it("an empty list", () => one(check(zonal([])), "ZONE-01", "error"));
  });

  describe("ZONE-02 region without zones (offline table)", () => {
    it("westus has none: error naming a zonal region of the same geography", () => {
      const f = one(check(zonal(["1"], { location: "westus" })), "ZONE-02", "error", ["nodePools[0].availabilityZones", "location"]);
      assert.match(f.message, /region westus has no availability zones/);
      assert.match(f.fix, /westus2/);
    });
    it("display names count: 'North Central US' has none", () => one(check(zonal(["1"], { location: "North Central US" })), "ZONE-02", "error"));
    it("no zones, no finding", () => none(check({ ...BASE, location: "westus" }), "ZONE-02"));
    it("an unknown region is LOC-01's, not ZONE-02's", () => none(check(zonal(["1"], { location: "marsnorth" })), "ZONE-02"));
  });

  describe("ZONE-03 zonal pools behind a non-zone-redundant egress", () => {
    it("the Standard NAT gateway aks-net builds: the fix names --vnet-nat-gateway-sku StandardV2", () => {
      const f = one(check(zonal(["1", "2", "3"], { outboundType: "userAssignedNATGateway" })), "ZONE-03", "warning", ["outboundType", "vnet.natGatewaySku", "nodePools[0].availabilityZones"]);
      assert.match(f.message, /in one zone or none, not zone-redundant/);
      assert.match(f.message, /zones 1, 2, 3/);
      assert.match(f.fix, /--vnet-nat-gateway-sku StandardV2/);
    });
    it("not the StandardV2 NAT gateway aks-net builds (zone-redundant)", () => {
      none(check(zonal(["1", "2", "3"], { outboundType: "userAssignedNATGateway", vnet: { ...BASE.vnet, natGatewaySku: "StandardV2" } })), "ZONE-03");
    });
    it("AKS's managed NAT gateway: warned unless its sku is StandardV2", () => {
      const managed = (natGatewayProfile?: { sku: string }): SpecInput => ({ ...zonal(["1", "2"]), outboundType: "managedNATGateway", vnet: { managed: true, addressSpaces: [] }, ...(natGatewayProfile ? { natGatewayProfile } : {}) });
      assert.match(one(check(managed()), "ZONE-03", "warning").message, /AKS picks the managed NAT gateway's SKU/);
      assert.match(one(check(managed({ sku: "Standard" })), "ZONE-03", "warning").fix, /--nat-gateway-sku StandardV2/);
      none(check(managed({ sku: "StandardV2" })), "ZONE-03");
    });
    it("a brought NAT gateway: warned offline (SKU unknown) and when --live read Standard, not when it read StandardV2", () => {
      const nat = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/natGateways/hub";
      const input = zonal(["1", "2", "3"], { outboundType: "userAssignedNATGateway", vnet: { ...BASE.vnet, natGatewayId: nat } });
      const brought = (sku: string): ReturnType<typeof check> => {
        const { spec, provenance } = resolveSpec([{ source: "flag", input }, { source: "live", input: { live: { brought: [{ field: "vnet.natGatewayId", id: nat, exists: true, sku }] } } }]);
        return validateSpec(spec, provenance);
      };
      assert.match(one(check(input), "ZONE-03", "warning", ["vnet.natGatewayId", "nodePools[0].availabilityZones"]).message, /not known offline/);
      assert.match(one(brought("Standard"), "ZONE-03", "warning").message, /your NAT gateway is Standard/);
      none(brought("StandardV2"), "ZONE-03");
    });
    it("not the load balancer or the firewall (both zone-redundant)", () => {
      none(check(zonal(["1", "2", "3"], { outboundType: "loadBalancer" })), "ZONE-03");
      none(check(zonal(["1", "2", "3"], { firewall: { enabled: true, subnetCidr: "10.10.8.0/26" }, outboundType: "userDefinedRouting" })), "ZONE-03");
    });
    it("not without zones", () => none(check({ ...BASE, outboundType: "userAssignedNATGateway" }), "ZONE-03"));
  });

  it("ZONE-04 zones need the Standard load balancer", () => one(check(zonal(["1"], { loadBalancerSku: "basic" })), "ZONE-04", "error", ["loadBalancerSku", "nodePools[0].availabilityZones"]));

  describe("LIVE-ZONE-01 the VM size's zones read by --live decide", () => {
    const live = (zones: string[] | undefined): LiveFacts => ({ quota: { location: "westeurope", usages: [], sizes: [{ vmSize: "Standard_D4s_v5", family: "standardDSv5Family", vcpus: 4, available: true, ...(zones ? { zones } : {}) }] } });
    const withLive = (z: string[], sizeZones: string[] | undefined, location = "westeurope"): SpecInput => ({ ...zonal(z, { location }, { vmSize: "Standard_D4s_v5" }), live: live(sizeZones) });
    it("a zone the size lacks here is an error proposing the zones it has", () => {
      const f = one(check(withLive(["1", "2", "3"], ["1", "2"])), "LIVE-ZONE-01", "error", ["nodePools[0].availabilityZones", "nodePools[0].vmSize"]);
      assert.match(f.message, /offered in westeurope in zones 1, 2 only/);
      assert.equal(f.fix, "use --zones 1 2, or another VM size");
    });
    it("all zones offered: no finding", () => none(check(withLive(["1", "2", "3"], ["1", "2", "3"])), "LIVE-ZONE-01"));
    it("live zones win over the offline table (a region newer than it)", () => {
      const f = check({ ...withLive(["1"], ["1", "2", "3"]), location: "westeurope" });
      assert.equal(byRule(f, "ZONE-02").length + byRule(f, "LIVE-ZONE-01").length, 0);
    });
  });
});
