import assert from "node:assert/strict";
import type { SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/compat.ts";
import type { Finding } from "../../../src/validators/finding.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

const VNET = { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22" };
type Ipam = "kubenet" | "node-subnet" | "pod-subnet" | "overlay" | "none";

/** A spec for one cell of the section 9 matrix, every value given explicitly. */
function cell(ipam: Ipam, dataplane: string, policy: string): SpecInput {
  const plugin = ipam === "kubenet" ? "kubenet" : ipam === "none" ? "none" : "azure";
  const input: SpecInput = { networkPlugin: plugin, networkDataplane: dataplane, networkPolicy: policy, vnet: { ...VNET } };
  if (ipam === "overlay") input.networkPluginMode = "overlay";
  if (ipam === "pod-subnet") input.vnet = { ...VNET, podSubnetCidr: "10.10.64.0/18" };
  return input;
}

/** CMP ids of one severity. */
function cmp(findings: Finding[], severity: Finding["severity"]): string[] {
  return [...new Set(findings.filter((f) => f.rule.startsWith("CMP-") && f.severity === severity).map((f) => f.rule))].sort();
}

describe("validators/compat", () => {
  it("lists CMP-01 … CMP-17; the ones the spec cannot hold say so", () => {
    assert.deepEqual(
      rules().map((r) => r.id),
      Array.from({ length: 19 }, (_, i) => `CMP-${String(i + 1).padStart(2, "0")}`),
    );
    for (const id of ["CMP-09", "CMP-12", "CMP-17"]) assert.match(rules().find((r) => r.id === id)?.summary ?? "", /informational/);
    assert.match(rules().find((r) => r.id === "CMP-17")?.summary ?? "", /update-time/);
  });

  describe("the plugin × mode × dataplane × policy matrix (section 9)", () => {
    // [ipam, dataplane, policy, errors, warnings]
    const matrix: [Ipam, string, string, string[], string[]][] = [
      ["kubenet", "azure", "none", [], ["CMP-13"]],
      ["kubenet", "azure", "azure", ["CMP-01"], ["CMP-13"]],
      ["kubenet", "azure", "calico", [], ["CMP-13"]],
      ["kubenet", "azure", "cilium", ["CMP-03"], ["CMP-13"]],
      ["kubenet", "cilium", "none", ["CMP-03"], ["CMP-13"]],
      ["kubenet", "cilium", "azure", ["CMP-01", "CMP-03"], ["CMP-13"]],
      ["kubenet", "cilium", "calico", ["CMP-03"], ["CMP-13"]],
      ["kubenet", "cilium", "cilium", ["CMP-03"], ["CMP-13"]],
      ...(["node-subnet", "pod-subnet", "overlay"] as const).flatMap((ipam): [Ipam, string, string, string[], string[]][] => [
        [ipam, "azure", "none", [], []],
        [ipam, "azure", "azure", [], ["CMP-08"]],
        [ipam, "azure", "calico", [], []],
        [ipam, "azure", "cilium", ["CMP-04"], []],
        [ipam, "cilium", "none", [], []],
        [ipam, "cilium", "azure", ["CMP-04"], []],
        [ipam, "cilium", "calico", ["CMP-04"], []],
        [ipam, "cilium", "cilium", [], []],
      ]),
      ["none", "azure", "none", [], []],
      ["none", "azure", "azure", ["CMP-10"], []],
      ["none", "azure", "calico", ["CMP-10"], []],
      ["none", "azure", "cilium", ["CMP-03"], []],
      ["none", "cilium", "none", ["CMP-03"], []],
    ];
    for (const [ipam, dataplane, policy, errors, warnings] of matrix) {
      const verdict = errors.length === 0 ? "valid" : errors.join("+");
      it(`${ipam} / dataplane ${dataplane} / policy ${policy}: ${verdict}${warnings.length ? ` (${warnings.join(", ")})` : ""}`, () => {
        const findings = check(cell(ipam, dataplane, policy));
        assert.deepEqual(cmp(findings, "error"), errors);
        assert.deepEqual(cmp(findings, "warning"), warnings);
      });
    }
    it("cilium dataplane with the policy omitted is valid: AKS sets cilium (CMP-04, C-05)", () => {
      const input = cell("overlay", "cilium", "none");
      delete input.networkPolicy;
      assert.deepEqual(cmp(check(input), "error"), []);
    });
  });

  describe("CMP-01 … CMP-05", () => {
    it("CMP-01 quotes the RP and lists kubenet's valid policies", () => {
      const f = one(check(cell("kubenet", "azure", "azure")), "CMP-01", "error", ["networkPolicy", "networkPlugin"]);
      assert.equal(f.message, "(NetworkPolicyAzureNotSupportedForKubenet) NetworkPolicy azure is not supported for network plugin kubenet");
      assert.match(f.fix, /none or calico/);
    });
    it("CMP-02 kubenet + calico is valid, with an info; not for azure + calico", () => {
      one(check(cell("kubenet", "azure", "calico")), "CMP-02", "info", ["networkPolicy", "networkPlugin"]);
      none(check(cell("overlay", "azure", "calico")), "CMP-02");
    });
    it("CMP-03 names the plugin and the Cilium fields", () => {
      const f = one(check(cell("kubenet", "cilium", "none")), "CMP-03", "error", ["networkPlugin", "networkDataplane"]);
      assert.match(f.message, /kubenet clusters can't migrate directly/);
      one(check(cell("kubenet", "azure", "cilium")), "CMP-03", "error", ["networkPlugin", "networkPolicy"]);
    });
    it("CMP-04 both directions, with the valid choices", () => {
      const a = one(check(cell("overlay", "azure", "cilium")), "CMP-04", "error", ["networkPolicy", "networkDataplane"]);
      assert.match(a.message, /cilium network policy can only be used with cilium network dataplane/);
      const b = one(check(cell("overlay", "cilium", "calico")), "CMP-04", "error", ["networkPolicy", "networkDataplane"]);
      assert.match(b.message, /Cilium replaces Calico/);
      assert.match(b.fix, /--network-policy cilium/);
    });
    it("CMP-05 cilium on node subnet is an info; overlay and pod subnet are not", () => {
      one(check(cell("node-subnet", "cilium", "cilium")), "CMP-05", "info", ["networkDataplane", "networkPluginMode"]);
      none(check(cell("overlay", "cilium", "cilium")), "CMP-05");
      none(check(cell("pod-subnet", "cilium", "cilium")), "CMP-05");
    });
  });

  describe("Windows pools (CMP-06, CMP-07, CMP-08)", () => {
    const withWindows = (input: SpecInput): SpecInput => ({ ...input, nodePools: [{}, { name: "win", osType: "Windows" }] });
    it("CMP-06 cilium dataplane has no Windows; the azure dataplane has", () => {
      one(check(withWindows(cell("overlay", "cilium", "cilium"))), "CMP-06", "error", ["networkDataplane", "nodePools[1].osType"]);
      none(check(withWindows(cell("overlay", "azure", "none"))), "CMP-06");
    });
    it("CMP-07 kubenet has no Windows; Azure CNI has", () => {
      one(check(withWindows(cell("kubenet", "azure", "none"))), "CMP-07", "error", ["networkPlugin", "nodePools[1].osType"]);
      none(check(withWindows(cell("overlay", "azure", "none"))), "CMP-07");
    });
    it("CMP-08 Azure NPM: error with a Windows pool, warning on Linux only, nothing for calico", () => {
      const f = one(check(withWindows(cell("overlay", "azure", "azure"))), "CMP-08", "error", ["networkPolicy", "nodePools[1].osType"]);
      assert.match(f.message, /2026-09-30/);
      const w = one(check(cell("overlay", "azure", "azure")), "CMP-08", "warning", ["networkPolicy"]);
      assert.match(w.message, /2028-09-30/);
      none(check(withWindows(cell("overlay", "azure", "calico"))), "CMP-08");
    });
  });

  describe("CMP-10 policy without plugin", () => {
    it("a policy with the plugin left to its default is refused as az does", () => {
      const f = one(check({ networkPolicy: "calico" }), "CMP-10", "error", ["networkPolicy", "networkPlugin"]);
      assert.match(f.message, /Please explicitly specify the network plugin type/);
      none(check({ networkPlugin: "azure", networkPluginMode: "overlay", networkPolicy: "calico" }), "CMP-10");
      none(check({ networkDataplane: "cilium" }), "CMP-10");
    });
  });

  describe("CMP-11 dual-stack", () => {
    const dual = (input: SpecInput): SpecInput => ({ ...input, ipFamilies: ["IPv4", "IPv6"] });
    it("needs Azure CNI Overlay (C-10)", () => {
      const f = one(check(dual(cell("kubenet", "azure", "none"))), "CMP-11", "error", ["ipFamilies", "networkPlugin", "networkPluginMode"]);
      assert.match(f.message, /C-10/);
      none(check(dual(cell("overlay", "azure", "none"))), "CMP-11");
      none(check(cell("kubenet", "azure", "none")), "CMP-11");
    });
    it("no Azure NPM or Calico; Cilium is fine", () => {
      const f = one(check(dual(cell("overlay", "azure", "calico"))), "CMP-11", "error", ["ipFamilies", "networkPolicy"]);
      assert.match(f.message, /Network policy calico is not supported for azure cni dualstack/);
      none(check(dual(cell("overlay", "cilium", "cilium"))), "CMP-11");
    });
    it("no (IPv4-only) Standard NAT gateway where aks-net (userAssignedNATGateway) or AKS (managedNATGateway) builds one", () => {
      const f = one(check(dual({ ...cell("overlay", "azure", "none"), outboundType: "userAssignedNATGateway" })), "CMP-11", "error", ["ipFamilies", "outboundType"]);
      assert.match(f.message, /aks-net builds/);
      one(check(dual({ networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "managedNATGateway" })), "CMP-11", "error", ["ipFamilies", "outboundType"]);
      none(check(dual({ ...cell("overlay", "azure", "none"), outboundType: "loadBalancer" })), "CMP-11");
    });
    it("the StandardV2 NAT gateway aks-net builds (--vnet-nat-gateway-sku StandardV2) serves dual-stack: no CMP-11; the Standard one's fix names the flag", () => {
      const nat = { ...cell("overlay", "azure", "none"), outboundType: "userAssignedNATGateway" };
      assert.match(one(check(dual(nat)), "CMP-11", "error").fix, /--vnet-nat-gateway-sku StandardV2/);
      none(check(dual({ ...nat, vnet: { ...BASE.vnet, natGatewaySku: "StandardV2" } })), "CMP-11");
    });
    it("a StandardV2 managed NAT gateway serves dual-stack: no CMP-11", () => {
      none(check(dual({ networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "managedNATGateway", natGatewayProfile: { sku: "StandardV2", managedOutboundIPProfile: { countIPv6: 1 } } })), "CMP-11");
    });
    it("a brought subnet's NAT gateway may be StandardV2, which serves dual-stack: at most a warning offline (egress-outboundtype.md)", () => {
      const byo = { networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "userAssignedNATGateway", vnetSubnetId: "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/spoke/subnets/aks" };
      const f = one(check(dual(byo)), "CMP-11", "warning", ["ipFamilies", "outboundType", "vnetSubnetId"]);
      assert.match(f.message, /StandardV2/);
      assert.match(f.fix, /--live/);
    });
  });

  describe("CMP-18 dual-stack needs IPv6 ranges on the VNet and the node subnet (configure-dual-stack.md)", () => {
    const dual = (input: SpecInput): SpecInput => ({ networkPlugin: "azure", networkPluginMode: "overlay", ipFamilies: ["IPv4", "IPv6"], ...input });
    const byo = "/subscriptions/s/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/spoke/subnets/aks";
    it("a VNet aks-net builds gets an IPv6 ULA /48 and its node subnet a /64 of it: no finding", () => {
      none(check(dual({ vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22" } })), "CMP-18");
      none(check(dual({})), "CMP-18");
    });
    it("the user's own VNet (brought subnet) with IPv4-only address spaces is refused", () => {
      const f = one(check(dual({ vnetSubnetId: byo, vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22" } })), "CMP-18", "error", ["ipFamilies", "vnet.addressSpaces"]);
      assert.match(f.message, /IPv4-only/);
      assert.match(f.fix, /IPv6/);
    });
    it("a brought subnet whose VNet is not known offline is a warning pointing at --live", () => {
      const f = one(check(dual({ vnetSubnetId: byo })), "CMP-18", "warning", ["ipFamilies", "vnetSubnetId"]);
      assert.match(f.fix, /--live/);
    });
    it("an existing VNet read live as IPv4-only is refused", () => {
      const live = { vnet: { id: "v", name: "spoke", exists: true, addressSpaces: ["10.10.0.0/16"] } };
      one(check(dual({ vnet: { name: "spoke", subnetCidr: "10.10.0.0/22" }, live })), "CMP-18", "error", ["ipFamilies", "vnet.addressSpaces"]);
    });
    it("a brought node subnet read live without an IPv6 prefix is refused", () => {
      const live = { vnet: { id: "v", name: "spoke", exists: true, addressSpaces: ["10.10.0.0/16", "fd00:1:2::/48"] }, nodeSubnet: { id: byo, name: "aks", cidr: "10.10.0.0/22" } };
      one(check(dual({ vnetSubnetId: byo, vnet: { addressSpaces: ["10.10.0.0/16", "fd00:1:2::/48"], subnetCidr: "10.10.0.0/22" }, live })), "CMP-18", "error", ["ipFamilies", "vnet.subnetIPv6Cidr"]);
    });
    it("the node subnet's IPv6 prefix is a /64 inside the VNet's IPv6 space", () => {
      const vnet = (subnetIPv6Cidr: string) => ({ addressSpaces: ["10.10.0.0/16", "fd00:1:2::/48"], subnetCidr: "10.10.0.0/22", subnetIPv6Cidr });
      none(check(dual({ vnet: vnet("fd00:1:2:5::/64") })), "CMP-18");
      assert.match(one(check(dual({ vnet: vnet("fd00:1:2::/56") })), "CMP-18", "error", ["vnet.subnetIPv6Cidr"]).message, /\/64/);
      assert.match(one(check(dual({ vnet: vnet("fd00:9:9::/64") })), "CMP-18", "error", ["vnet.subnetIPv6Cidr", "vnet.addressSpaces"]).message, /not inside/);
      assert.match(one(check(dual({ vnet: vnet("10.10.4.0/24") })), "CMP-18", "error", ["vnet.subnetIPv6Cidr"]).message, /IPv6/);
    });
    it("single-stack clusters need nothing of the kind", () => none(check({ ...BASE }), "CMP-18"));
  });

  describe("CMP-19 feature minimums of a given Kubernetes version", () => {
    const staticBlock = (kubernetesVersion?: string): SpecInput => ({ networkPlugin: "azure", kubernetesVersion, vnet: { ...VNET, podSubnetCidr: "10.10.64.0/18" }, nodePools: [{ maxPods: 31, podIPAllocationMode: "StaticBlock" }] });
    it("Static Block needs 1.28 (configure-azure-cni-static-block-allocation.md: \"Minimum Kubernetes Version required is 1.28\")", () => {
      const f = one(check(staticBlock("1.27.9")), "CMP-19", "error", ["kubernetesVersion", "nodePools[0].podIPAllocationMode"]);
      assert.match(f.message, /1\.28/);
      assert.match(f.fix, /--kubernetes-version 1\.28/);
      none(check(staticBlock("1.28")), "CMP-19");
      none(check(staticBlock("1.33.2")), "CMP-19");
      none(check(staticBlock(undefined)), "CMP-19");
    });
    it("dual-stack with Cilium needs 1.29 (azure-cni-powered-by-cilium.md)", () => {
      const cilium = (kubernetesVersion: string): SpecInput => ({ ...cell("overlay", "cilium", "cilium"), ipFamilies: ["IPv4", "IPv6"], kubernetesVersion });
      one(check(cilium("1.28.5")), "CMP-19", "error", ["kubernetesVersion", "ipFamilies", "networkDataplane"]);
      none(check(cilium("1.29.0")), "CMP-19");
      none(check({ ...cell("overlay", "cilium", "cilium"), kubernetesVersion: "1.28.5" }), "CMP-19");
      none(check({ ...cell("overlay", "azure", "none"), ipFamilies: ["IPv4", "IPv6"], kubernetesVersion: "1.28.5" }), "CMP-19");
    });
    it("a version it cannot read is left to the version-format rule", () => none(check(staticBlock("latest")), "CMP-19"));
  });

  describe("kubenet (CMP-13, CMP-14) and the node subnet (CMP-15)", () => {
    it("CMP-13 warns on kubenet only", () => {
      const f = one(check(cell("kubenet", "azure", "none")), "CMP-13", "warning", ["networkPlugin"]);
      assert.match(f.message, /2028-03-31/);
      none(check(BASE), "CMP-13");
    });
    it("CMP-14 a bring-your-own route table with kubenet needs a user-assigned identity", () => {
      const routes = [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.10.8.4" }];
      one(check({ ...cell("kubenet", "azure", "none"), outboundType: "userDefinedRouting", routes }), "CMP-14", "warning", ["networkPlugin", "routes"]);
      none(check({ ...cell("kubenet", "azure", "none"), outboundType: "userDefinedRouting", firewall: { enabled: true, subnetCidr: "10.10.8.0/26" } }), "CMP-14");
    });
    it("CMP-14 one kubenet cluster per subnet", () => {
      const used = { ...VNET, subnetName: "nodes", existingSubnets: [{ name: "nodes", cidr: "10.10.0.0/22", usedBy: ["/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerService/managedClusters/other"] }] };
      const f = one(check({ ...cell("kubenet", "azure", "none"), vnet: used }), "CMP-14", "error", ["vnet.subnetCidr", "vnet.existingSubnets[0].usedBy"]);
      assert.match(f.message, /managedClusters\/other/);
      none(check({ ...cell("overlay", "azure", "none"), vnet: used }), "CMP-14");
    });
    it("CMP-15 the node subnet cannot be delegated", () => {
      const vnet = (delegations: string[]): SpecInput["vnet"] => ({ ...VNET, existingSubnets: [{ name: "aks", cidr: "10.10.0.0/22", delegations }] });
      const f = one(check({ ...BASE, vnet: vnet(["Microsoft.Web/serverFarms"]) }), "CMP-15", "error", ["vnet.subnetCidr", "vnet.existingSubnets[0].delegations"]);
      assert.match(f.message, /Microsoft\.Web\/serverFarms/);
      none(check({ ...BASE, vnet: vnet([]) }), "CMP-15");
    });
  });

  describe("CMP-16 overlay limitations", () => {
    it("names of at most 63 characters", () => {
      const long = "v".repeat(64);
      one(check({ ...BASE, vnet: { ...VNET, name: long } }), "CMP-16", "error", ["vnet.name"]);
      none(check({ ...BASE, vnet: { ...VNET, name: "v".repeat(63) } }), "CMP-16");
      none(check({ ...cell("node-subnet", "azure", "none"), vnet: { ...VNET, name: long } }), "CMP-16");
      const id = `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/${"s".repeat(64)}`;
      one(check({ ...BASE, vnetSubnetId: id }), "CMP-16", "error", ["vnetSubnetId"]);
    });
    it("no DCsv2 sizes", () => {
      one(check({ ...BASE, nodePools: [{ vmSize: "Standard_DC4s_v2" }] }), "CMP-16", "error", ["nodePools[0].vmSize"]);
      none(check({ ...BASE, nodePools: [{ vmSize: "Standard_DC4as_v5" }] }), "CMP-16");
    });
  });
});
