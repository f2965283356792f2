import assert from "node:assert/strict";
import { resolveSpec } from "../../../src/core/resolve.ts";
import type { LiveBrought, SpecInput } from "../../../src/core/spec.ts";
import { validateSpec } from "../../../src/validators/index.ts";
import { rules } from "../../../src/validators/byo.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001";
const ID = `${SUB}/resourceGroups/rg-shared/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks`;
const KUBELET = `${SUB}/resourceGroups/rg-shared/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-kubelet`;
const RT = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/routeTables/rt-hub`;
const NAT = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/natGateways/nat-hub`;
const VNET = `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/spoke`;
const PIP = `${SUB}/resourceGroups/rg-hub/providers/Microsoft.Network/publicIPAddresses/egress`;

/** Validates with live facts as `--live` would have added them. */
function withLive(input: SpecInput, brought: LiveBrought[]): ReturnType<typeof check> {
  const { spec, provenance } = resolveSpec([{ source: "flag", input }, { source: "live", input: { live: { brought } } }]);
  return validateSpec(spec, provenance);
}

describe("validators/byo (use-managed-identity.md, egress-udr.md, configure-azure-cni-dynamic-ip-allocation.md)", () => {
  it("lists BYO-01 … 04 and LIVE-BYO-01 … 04", () =>
    assert.deepEqual(rules().map((r) => r.id), ["BYO-01", "BYO-02", "BYO-03", "BYO-04", "LIVE-BYO-01", "LIVE-BYO-02", "LIVE-BYO-03", "LIVE-BYO-04"]));

  it("well-formed brought resources pass", () => {
    const f = check({ ...BASE, assignIdentity: ID, assignKubeletIdentity: KUBELET, vnet: { ...BASE.vnet, natGatewayId: NAT } });
    for (const r of ["BYO-01", "BYO-02", "BYO-03", "BYO-04"]) none(f, r);
  });

  describe("BYO-04 a kubelet identity needs the cluster identity brought too (az aks create)", () => {
    it("--assign-kubelet-identity alone is refused with az's words and the flag to add", () => {
      const f = one(check({ ...BASE, assignKubeletIdentity: KUBELET }), "BYO-04", "error", ["assignKubeletIdentity", "assignIdentity"]);
      assert.match(f.message, /--assign-kubelet-identity can only be specified when --assign-identity is specified/);
      assert.match(f.fix, /--assign-identity/);
    });
    it("--assign-identity alone is fine (no kubelet identity brought)", () => none(check({ ...BASE, assignIdentity: ID }), "BYO-04"));
  });

  describe("BYO-01 ids of the right type", () => {
    it("an identity id that is a route table is refused", () => {
      const f = one(check({ ...BASE, assignIdentity: RT }), "BYO-01", "error", ["assignIdentity"]);
      assert.match(f.message, /not the ARM id of a Microsoft\.ManagedIdentity\/userAssignedIdentities/);
    });
    it("a bare name for a load balancer public IP is refused, with its index", () => {
      one(check({ ...BASE, loadBalancerProfile: { outboundIPs: { publicIPs: [{ id: PIP }, { id: "egress2" }] } } }), "BYO-01", "error", ["loadBalancerProfile.outboundIPs.publicIPs[1].id"]);
    });
  });

  describe("BYO-02 brought egress", () => {
    it("--route-table-id with --firewall-private-ip: aks-net would have to write the user's table", () => {
      const f = byRule(check({ ...BASE, vnet: { ...BASE.vnet, routeTableId: RT }, firewall: { privateIp: "10.0.1.4" } }), "BYO-02");
      assert.ok(f.some((x) => x.fields.includes("vnet.routeTableId") && x.fields.includes("firewall.privateIp")));
    });
    it("--route-table-id with a brought subnet: the association is the user's to make", () => {
      const f = byRule(check({ vnetSubnetId: `${VNET}/subnets/nodes`, vnet: { routeTableId: RT }, outboundType: "userDefinedRouting" } as SpecInput), "BYO-02");
      assert.ok(f.some((x) => x.fields.join() === "vnet.routeTableId,vnetSubnetId"));
    });
    it("--firewall-private-ip: a public address is refused", () => {
      one(check({ ...BASE, firewall: { privateIp: "20.1.2.3" } }), "BYO-02", "error", ["firewall.privateIp"]);
    });
    it("--firewall-private-ip sets userDefinedRouting and the default route to it (no OUT-02)", () => {
      const { spec } = resolveSpec([{ source: "flag", input: { ...BASE, firewall: { privateIp: "10.0.1.4" } } }]);
      assert.equal(spec.outboundType, "userDefinedRouting");
      assert.deepEqual(spec.routes, [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.0.1.4" }]);
      none(validateSpec(spec), "OUT-02");
    });
    it("--firewall-private-ip with --firewall, or another outbound type, is refused", () => {
      assert.ok(byRule(check({ ...BASE, firewall: { enabled: true, subnetCidr: "10.10.8.0/26", privateIp: "10.0.1.4" } }), "BYO-02").some((f) => f.fields.includes("firewall.enabled")));
      one(check({ ...BASE, outboundType: "loadBalancer", firewall: { privateIp: "10.0.1.4" } }), "BYO-02", "error", ["firewall.privateIp", "outboundType"]);
    });
    it("--nat-gateway-id defaults userAssignedNATGateway; with loadBalancer it is refused", () => {
      none(check({ ...BASE, vnet: { ...BASE.vnet, natGatewayId: NAT } }), "BYO-02");
      one(check({ ...BASE, outboundType: "loadBalancer", vnet: { ...BASE.vnet, natGatewayId: NAT } }), "BYO-02", "error", ["vnet.natGatewayId", "outboundType"]);
    });
  });

  describe("BYO-03 a brought pod subnet", () => {
    const byo = (extra: SpecInput): SpecInput => ({ networkPlugin: "azure", vnetSubnetId: `${VNET}/subnets/nodes`, podSubnetId: `${VNET}/subnets/pods`, ...extra });
    it("in the node subnet's VNet, Azure CNI pod subnet: fine (and no overlay default)", () => {
      none(check(byo({})), "BYO-03");
      assert.equal(resolveSpec([{ source: "flag", input: byo({}) }]).spec.networkPluginMode, undefined);
    });
    it("in another VNet: refused", () => {
      const f = one(check(byo({ podSubnetId: `${SUB}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/other/subnets/pods` })), "BYO-03", "error", ["podSubnetId", "vnetSubnetId"]);
      assert.match(f.message, /same VNet/);
    });
    it("with overlay: refused", () => {
      one(check(byo({ networkPluginMode: "overlay" })), "BYO-03", "error", ["podSubnetId", "networkPlugin", "networkPluginMode"]);
    });
    it("without a brought node subnet: refused", () => {
      one(check({ ...BASE, networkPluginMode: undefined, networkPlugin: "azure", podSubnetId: `${VNET}/subnets/pods` }), "BYO-03", "error", ["podSubnetId", "vnetSubnetId"]);
    });
  });

  describe("LIVE-BYO-*: what --live read", () => {
    const input: SpecInput = { ...BASE, name: "c", resourceGroup: "rg", location: "westeurope", assignIdentity: ID, loadBalancerProfile: { outboundIPs: { publicIPs: [{ id: PIP }] } } };
    it("a missing identity is an error naming its field", () => {
      one(withLive(input, [{ field: "assignIdentity", id: ID, exists: false }]), "LIVE-BYO-01", "error", ["assignIdentity"]);
    });
    it("a Basic or used public IP is an error; the cluster's own load balancer using it (re-run) is not", () => {
      const field = "loadBalancerProfile.outboundIPs.publicIPs[0].id";
      one(withLive(input, [{ field, id: PIP, exists: true, sku: "Basic" }]), "LIVE-BYO-02", "error", [field]);
      one(withLive(input, [{ field, id: PIP, exists: true, sku: "Standard", usedBy: `${SUB}/resourceGroups/rg-app/providers/Microsoft.Network/loadBalancers/lb/frontendIPConfigurations/f` }]), "LIVE-BYO-02", "error", [field]);
      none(withLive(input, [{ field, id: PIP, exists: true, sku: "Standard", usedBy: `${SUB}/resourceGroups/MC_rg_c_westeurope/providers/Microsoft.Network/loadBalancers/kubernetes/frontendIPConfigurations/f` }]), "LIVE-BYO-02");
    });
    it("a pod subnet delegated elsewhere is an error", () => {
      one(withLive(input, [{ field: "podSubnetId", id: `${VNET}/subnets/pods`, exists: true, delegations: ["Microsoft.Web/serverFarms"] }]), "LIVE-BYO-03", "error", ["podSubnetId"]);
    });
    it("a route table in another region is an error", () => {
      one(withLive(input, [{ field: "vnet.routeTableId", id: RT, exists: true, location: "northeurope" }]), "LIVE-BYO-04", "error", ["vnet.routeTableId", "location"]);
    });
  });
});
