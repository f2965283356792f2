import assert from "node:assert/strict";
import type { ApiServerAccessProfileSpec, LiveFacts, SpecInput } from "../../../src/core/spec.ts";
import { rules, zoneNameProblem } from "../../../src/validators/api-server.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

const RG = "/subscriptions/s/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones";
const spec = (api: ApiServerAccessProfileSpec, extra: SpecInput = {}): SpecInput => ({ ...BASE, name: "c", location: "westeurope", ...extra, apiServerAccessProfile: api });
const ids = (s: SpecInput): string[] => [...new Set(check(s).filter((f) => f.rule.includes("API")).map((f) => f.rule))];

describe("validators/api-server (private-clusters.md, api-server-authorized-ip-ranges.md, api-server-vnet-integration.md)", () => {
  it("lists API-01 … API-09 and LIVE-API-01", () => assert.deepEqual(rules().map((r) => r.id), ["API-01", "API-02", "API-03", "API-04", "API-05", "API-06", "API-07", "API-08", "API-09", "LIVE-API-01"]));

  it("valid profiles pass", () => {
    assert.deepEqual(ids(spec({ authorizedIPRanges: ["203.0.113.0/24", "198.51.100.7"] })), []);
    assert.deepEqual(ids(spec({ enablePrivateCluster: true, privateDNSZone: "system", enablePrivateClusterPublicFQDN: false })), []);
    assert.deepEqual(ids(spec({ enableVnetIntegration: true }, { vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", apiServerSubnetCidr: "10.10.8.0/28" } })), []);
  });

  it("API-01 authorized ranges with a private cluster, in AKS's words", () => {
    const f = one(check(spec({ enablePrivateCluster: true, authorizedIPRanges: ["203.0.113.0/24"] })), "API-01", "error");
    assert.match(f.message, /Private cluster cannot be enabled with AuthorizedIPRanges/);
  });

  describe("API-02 public IPv4 only", () => {
    it("private, IPv6, malformed and 0.0.0.0/32 with others", () => {
      const f = check(spec({ authorizedIPRanges: ["10.0.0.0/8", "2001:db8::/32", "300.1.1.1", "0.0.0.0/32"] })).filter((x) => x.rule === "API-02");
      assert.deepEqual(f.map((x) => x.fields[0]), ["apiServerAccessProfile.authorizedIPRanges[0]", "apiServerAccessProfile.authorizedIPRanges[1]", "apiServerAccessProfile.authorizedIPRanges[2]", "apiServerAccessProfile.authorizedIPRanges[3]"]);
      assert.match(f[0]?.message ?? "", /is not public/);
      assert.match(f[1]?.message ?? "", /IPv6/);
      assert.match(f[3]?.message ?? "", /0\.0\.0\.0\/32 is not allowed with other IP ranges/);
    });
    it("private ranges pass with VNet Integration; 0.0.0.0/32 alone passes", () => {
      none(check(spec({ enableVnetIntegration: true, subnetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/c-vnet/subnets/api", authorizedIPRanges: ["10.0.0.0/8"] })), "API-02");
      none(check(spec({ authorizedIPRanges: ["0.0.0.0/32"] })), "API-02");
    });
  });

  it("API-03 at most 200, counting the firewall's egress IP aks-net adds", () => {
    const ranges = (n: number) => Array.from({ length: n }, (_, i) => `203.0.${Math.floor(i / 250)}.${(i % 250) + 1}/32`);
    none(check(spec({ authorizedIPRanges: ranges(200) })), "API-03");
    const f = one(check(spec({ authorizedIPRanges: ranges(200) }, { firewall: { enabled: true, subnetCidr: "10.10.8.0/26" }, outboundType: "userDefinedRouting" })), "API-03", "error");
    assert.match(f.message, /plus the egress IP of the firewall or NAT gateway aks-net builds/);
  });

  describe("API-04 private DNS zone", () => {
    it("names AKS takes", () => {
      assert.equal(zoneNameProblem("privatelink.westeurope.azmk8s.io", "westeurope", false), undefined);
      assert.equal(zoneNameProblem("team-a.privatelink.westeurope.azmk8s.io", "westeurope", false), undefined);
      assert.equal(zoneNameProblem("private.westeurope.azmk8s.io", "westeurope", true), undefined);
      assert.match(zoneNameProblem("private.westeurope.azmk8s.io", "westeurope", false) ?? "", /only with API Server VNet Integration/);
      assert.match(zoneNameProblem("privatelink.weu.azmk8s.io", "westeurope", false) ?? "", /names region weu/);
      assert.match(zoneNameProblem(`${"a".repeat(33)}.privatelink.westeurope.azmk8s.io`, "westeurope", false) ?? "", /33-character subzone/);
      assert.match(zoneNameProblem("example.com", "westeurope", false) ?? "", /is not privatelink/);
    });
    it("a zone of another region is an error naming the right zone; a good one is API-07 info", () => {
      const f = one(check(spec({ enablePrivateCluster: true, privateDNSZone: `${RG}/privatelink.northeurope.azmk8s.io` })), "API-04", "error");
      assert.match(f.fix, /privatelink\.westeurope\.azmk8s\.io/);
      one(check(spec({ enablePrivateCluster: true, privateDNSZone: `${RG}/privatelink.westeurope.azmk8s.io` })), "API-07", "info");
      one(check(spec({ enablePrivateCluster: true, privateDNSZone: "privatelink.westeurope.azmk8s.io" })), "API-04", "error");
    });
  });

  it("API-05 private-only settings on a public cluster", () => {
    one(check(spec({ privateDNSZone: "system" })), "API-05", "error");
    one(check(spec({ enablePrivateClusterPublicFQDN: false })), "API-05", "error");
  });

  it("API-06 --disable-public-fqdn with zone none", () => one(check(spec({ enablePrivateCluster: true, privateDNSZone: "none", enablePrivateClusterPublicFQDN: false })), "API-06", "error"));

  describe("API-08 / API-09 VNet Integration subnet", () => {
    const vnet = (apiServerSubnetCidr?: string): SpecInput => ({ vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", ...(apiServerSubnetCidr ? { apiServerSubnetCidr } : {}) } });
    it("needs a subnet in a VNet aks-net builds", () => assert.match(one(check(spec({ enableVnetIntegration: true }, vnet())), "API-08", "error").fix, /--apiserver-subnet-cidr/));
    it("at least /28", () => assert.match(one(check(spec({ enableVnetIntegration: true }, vnet("10.10.8.0/29"))), "API-08", "error").message, /\/29: AKS needs at least a \/28/));
    it("not the node subnet", () => assert.match(one(check(spec({ enableVnetIntegration: true }, vnet("10.10.0.0/22"))), "API-08", "error", ["vnet.apiServerSubnetCidr", "vnet.subnetCidr"]).message, /also the node subnet/));
    it("a subnet without --enable-apiserver-vnet-integration", () => one(check(spec({}, vnet("10.10.8.0/28"))), "API-08", "error"));
    it("overlapping another subnet is OVL's to report", () => assert.ok(check(spec({ enableVnetIntegration: true }, vnet("10.10.1.0/28"))).some((f) => f.rule.startsWith("OVL-"))));
    it("API-09 a subnet of another VNet", () => {
      const f = one(check(spec({ enableVnetIntegration: true, subnetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/hub/subnets/api" }, vnet())), "API-09", "error");
      assert.match(f.message, /in VNet hub, the nodes in c-vnet/);
    });
  });

  describe("LIVE-API-01", () => {
    const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/c-vnet/subnets/api";
    const live = (l: LiveFacts): SpecInput => ({ ...spec({ enableVnetIntegration: true, subnetId: id }), live: l });
    it("missing, not delegated, in use, too small", () => {
      one(check(live({ apiServerSubnetMissing: id })), "LIVE-API-01", "error");
      const f = check(live({ apiServerSubnet: { id, name: "api", cidr: "10.10.8.0/29", delegations: ["Microsoft.Web/serverFarms"], used: 2 } })).filter((x) => x.rule === "LIVE-API-01");
      assert.equal(f.length, 3);
      assert.match(f[0]?.message ?? "", /delegated to Microsoft.Web\/serverFarms/);
    });
    it("delegated, empty, a /28: fine", () => assert.equal(byRule(check(live({ apiServerSubnet: { id, name: "api", cidr: "10.10.8.0/28", delegations: ["Microsoft.ContainerService/managedClusters"], used: 0 } })), "LIVE-API-01").length, 0));
  });
});
