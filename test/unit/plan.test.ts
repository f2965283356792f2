import assert from "node:assert/strict";
import { roleAssignmentId, roleAssignmentName } from "../../src/core/arm-bodies.ts";
import {
  CLUSTER_TAG,
  OWNER_TAG,
  OWNER_VALUE,
  criticalPath,
  diffPlan,
  firewallIpMismatch,
  mergeForUpdate,
  planResources,
  plannedPart,
  planToJson,
  ref,
  refTargets,
  resolveRefs,
} from "../../src/core/plan.ts";
import type { DesiredResource, Plan } from "../../src/core/plan.ts";
import { CHILDREN_TAG, PROOF_TAG, hasProof } from "../../src/core/ownership.ts";
import { resolveSpec } from "../../src/core/resolve.ts";
import type { SpecInput } from "../../src/core/spec.ts";

const SUB = "/subscriptions/sub";
const RG = `${SUB}/resourceGroups/rg1`;
const NET = `${RG}/providers/Microsoft.Network`;
const VNET = `${NET}/virtualNetworks/aks1-vnet`;
const NODES = `${VNET}/subnets/aks-nodes`;
const PODS = `${VNET}/subnets/aks-pods`;
const FW_SUBNET = `${VNET}/subnets/AzureFirewallSubnet`;
const FW_PIP = `${NET}/publicIPAddresses/aks1-fw-pip`;
const FW = `${NET}/azureFirewalls/aks1-fw`;
const RT = `${NET}/routeTables/aks1-rt`;
const FW_ROUTE = `${RT}/routes/firewall-public-ip`;
const NAT_PIP = `${NET}/publicIPAddresses/aks1-natgw-pip`;
const NAT = `${NET}/natGateways/aks1-natgw`;
const IDENTITY = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks1-identity`;
const CLUSTER = `${RG}/providers/Microsoft.ContainerService/managedClusters/aks1`;
const ROLE = `${SUB}/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7`;
const BYO_SUBNET = `${SUB}/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/aks`;
const ra = (scope: string): string => roleAssignmentId(scope, roleAssignmentName(scope, IDENTITY, ROLE));
const TAGS = { [OWNER_TAG]: OWNER_VALUE, [CLUSTER_TAG]: "rg1/aks1" };
const UNTAGGED = new Set([
  "Microsoft.Network/virtualNetworks/subnets",
  "Microsoft.Network/routeTables/routes",
  "Microsoft.Network/firewallPolicies/ruleCollectionGroups",
  "Microsoft.Authorization/roleAssignments",
]);

const TARGET = { name: "aks1", resourceGroup: "rg1", location: "westeurope" };
const VNET_IN = { addressSpaces: ["10.1.0.0/16"], subnetCidr: "10.1.0.0/22" };
const FW_SIMPLE: SpecInput = { vnet: VNET_IN, firewall: { enabled: true, subnetCidr: "10.1.4.0/26" } };

/** The plan with the ownership proof tags left out (checked on their own in "ownership proof"). */
function plan(input: SpecInput): DesiredResource[] {
  return withoutProof(sealedPlan(input));
}
function sealedPlan(input: SpecInput): DesiredResource[] {
  const { spec } = resolveSpec([{ source: "flag", input: { ...TARGET, ...input } }]);
  return planResources(spec, { subscriptionId: "sub" });
}
function withoutProof(d: DesiredResource[]): DesiredResource[] {
  return d.map((r) => {
    const tags = r.body["tags"] as Record<string, string> | undefined;
    if (tags === undefined) return r;
    const { [PROOF_TAG]: _p, [CHILDREN_TAG]: _c, ...rest } = tags;
    return { ...r, body: { ...r.body, tags: rest } };
  });
}
const byId = (d: DesiredResource[], id: string): DesiredResource => {
  const r = d.find((x) => x.resourceId === id);
  assert.ok(r, `no resource ${id}`);
  return r;
};
const body = (d: DesiredResource[], id: string, path: string): unknown =>
  path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], byId(d, id).body);
const profile = (d: DesiredResource[]): unknown => body(d, CLUSTER, "properties.networkProfile");
const pool = (d: DesiredResource[]): Record<string, unknown> => (body(d, CLUSTER, "properties.agentPoolProfiles") as Record<string, unknown>[])[0] as Record<string, unknown>;
const edges = (d: DesiredResource[]): Record<string, string[]> => Object.fromEntries(d.map((r) => [r.resourceId, r.dependsOn]));

const base = { serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10", loadBalancerSku: "standard", ipFamilies: ["IPv4"] };

interface Topology {
  name: string;
  input: SpecInput;
  /** [resourceId, type] in plan order. */
  resources: [string, string][];
  /** dependsOn per resource id (all of them). */
  deps: Record<string, string[]>;
  networkProfile: Record<string, unknown>;
  vnetSubnetID?: string;
  podSubnetID?: string;
}

const T = {
  rg: "Microsoft.Resources/resourceGroups",
  vnet: "Microsoft.Network/virtualNetworks",
  subnet: "Microsoft.Network/virtualNetworks/subnets",
  pip: "Microsoft.Network/publicIPAddresses",
  fw: "Microsoft.Network/azureFirewalls",
  rt: "Microsoft.Network/routeTables",
  route: "Microsoft.Network/routeTables/routes",
  nat: "Microsoft.Network/natGateways",
  id: "Microsoft.ManagedIdentity/userAssignedIdentities",
  ra: "Microsoft.Authorization/roleAssignments",
  aks: "Microsoft.ContainerService/managedClusters",
};

const simple = (np: Record<string, unknown>, input: SpecInput, name: string): Topology => ({
  name,
  input,
  resources: [[RG, T.rg], [VNET, T.vnet], [NODES, T.subnet], [IDENTITY, T.id], [ra(NODES), T.ra], [CLUSTER, T.aks]],
  deps: { [RG]: [], [VNET]: [RG], [NODES]: [VNET], [IDENTITY]: [RG], [ra(NODES)]: [IDENTITY, NODES], [CLUSTER]: [ra(NODES)] },
  networkProfile: np,
  vnetSubnetID: NODES,
});

const TOPOLOGIES: Topology[] = [
  simple(
    { networkPlugin: "kubenet", networkPolicy: "calico", podCidr: "10.244.0.0/16", ...base, outboundType: "loadBalancer" },
    { networkPlugin: "kubenet", networkPolicy: "calico", vnet: VNET_IN },
    "kubenet + calico",
  ),
  // use-byo-cni.md: the pod CIDR is required and reaches networkProfile.podCidr (the control plane routes to pods through it).
  simple({ networkPlugin: "none", podCidr: "10.20.0.0/16", ...base, outboundType: "loadBalancer" }, { networkPlugin: "none", podCidr: "10.20.0.0/16", vnet: VNET_IN }, "bring your own CNI"),
  simple(
    { networkPlugin: "azure", networkPolicy: "azure", networkDataplane: "azure", ...base, outboundType: "loadBalancer" },
    { networkPlugin: "azure", networkPolicy: "azure", vnet: VNET_IN },
    "Azure CNI node subnet + azure policy",
  ),
  {
    name: "Azure CNI pod subnet",
    input: { networkPlugin: "azure", vnet: { ...VNET_IN, podSubnetCidr: "10.1.8.0/22" } },
    resources: [[RG, T.rg], [VNET, T.vnet], [NODES, T.subnet], [PODS, T.subnet], [IDENTITY, T.id], [ra(NODES), T.ra], [ra(PODS), T.ra], [CLUSTER, T.aks]],
    deps: { [RG]: [], [VNET]: [RG], [NODES]: [VNET], [PODS]: [VNET], [IDENTITY]: [RG], [ra(NODES)]: [IDENTITY, NODES], [ra(PODS)]: [IDENTITY, PODS], [CLUSTER]: [ra(NODES), ra(PODS)] },
    networkProfile: { networkPlugin: "azure", networkDataplane: "azure", ...base, outboundType: "loadBalancer" },
    vnetSubnetID: NODES,
    podSubnetID: PODS,
  },
  simple(
    { networkPlugin: "azure", networkPluginMode: "overlay", networkPolicy: "cilium", networkDataplane: "cilium", podCidr: "10.244.0.0/16", ...base, outboundType: "loadBalancer" },
    { networkPlugin: "azure", networkPluginMode: "overlay", networkDataplane: "cilium", vnet: VNET_IN },
    "overlay + cilium dataplane",
  ),
  simple(
    { networkPlugin: "azure", networkPluginMode: "overlay", networkDataplane: "azure", podCidr: "10.244.0.0/16", ...base, outboundType: "loadBalancer" },
    { vnet: VNET_IN },
    "overlay by default",
  ),
  {
    name: "managedNATGateway (AKS-managed VNet)",
    input: { outboundType: "managedNATGateway" },
    resources: [[RG, T.rg], [IDENTITY, T.id], [CLUSTER, T.aks]],
    deps: { [RG]: [], [IDENTITY]: [RG], [CLUSTER]: [IDENTITY] },
    networkProfile: {
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkDataplane: "azure",
      podCidr: "10.244.0.0/16",
      serviceCidr: "10.0.0.0/16",
      dnsServiceIP: "10.0.0.10",
      outboundType: "managedNATGateway",
      natGatewayProfile: { managedOutboundIPProfile: { count: 1 } },
      loadBalancerSku: "standard",
      ipFamilies: ["IPv4"],
    },
  },
  {
    name: "userAssignedNATGateway",
    input: { outboundType: "userAssignedNATGateway", vnet: VNET_IN },
    resources: [[RG, T.rg], [VNET, T.vnet], [NAT_PIP, T.pip], [NAT, T.nat], [NODES, T.subnet], [IDENTITY, T.id], [ra(NODES), T.ra], [CLUSTER, T.aks]],
    deps: { [RG]: [], [VNET]: [RG], [NAT_PIP]: [RG], [NAT]: [NAT_PIP], [NODES]: [VNET, NAT], [IDENTITY]: [RG], [ra(NODES)]: [IDENTITY, NODES], [CLUSTER]: [ra(NODES)] },
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", networkDataplane: "azure", podCidr: "10.244.0.0/16", ...base, outboundType: "userAssignedNATGateway" },
    vnetSubnetID: NODES,
  },
  {
    name: "firewall egress (UDR)",
    input: { networkPlugin: "kubenet", vnet: VNET_IN, firewall: { enabled: true, subnetCidr: "10.1.4.0/26" } },
    resources: [
      [RG, T.rg], [VNET, T.vnet], [FW_SUBNET, T.subnet], [FW_PIP, T.pip], [FW, T.fw], [RT, T.rt], [FW_ROUTE, T.route],
      [NODES, T.subnet], [IDENTITY, T.id], [ra(NODES), T.ra], [ra(RT), T.ra], [CLUSTER, T.aks],
    ],
    deps: {
      [RG]: [], [VNET]: [RG], [FW_SUBNET]: [VNET], [FW_PIP]: [RG], [FW]: [FW_SUBNET, FW_PIP], [RT]: [RG], [FW_ROUTE]: [RT, FW_PIP],
      [NODES]: [VNET, RT], [IDENTITY]: [RG], [ra(NODES)]: [IDENTITY, NODES], [ra(RT)]: [IDENTITY, RT], [CLUSTER]: [ra(NODES), ra(RT), FW],
    },
    networkProfile: { networkPlugin: "kubenet", podCidr: "10.244.0.0/16", ...base, outboundType: "userDefinedRouting" },
    vnetSubnetID: NODES,
  },
  {
    name: "bring-your-own routes",
    input: { vnet: VNET_IN, outboundType: "userDefinedRouting", routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.50.0.4" }] },
    resources: [[RG, T.rg], [VNET, T.vnet], [RT, T.rt], [NODES, T.subnet], [IDENTITY, T.id], [ra(NODES), T.ra], [ra(RT), T.ra], [CLUSTER, T.aks]],
    deps: { [RG]: [], [VNET]: [RG], [RT]: [RG], [NODES]: [VNET, RT], [IDENTITY]: [RG], [ra(NODES)]: [IDENTITY, NODES], [ra(RT)]: [IDENTITY, RT], [CLUSTER]: [ra(NODES), ra(RT)] },
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", networkDataplane: "azure", podCidr: "10.244.0.0/16", ...base, outboundType: "userDefinedRouting" },
    vnetSubnetID: NODES,
  },
  {
    name: "bring-your-own subnet id",
    input: { vnetSubnetId: BYO_SUBNET, vnet: { name: "ignored", addressSpaces: ["10.1.0.0/16"] } },
    resources: [[RG, T.rg], [IDENTITY, T.id], [ra(BYO_SUBNET), T.ra], [CLUSTER, T.aks]],
    deps: { [RG]: [], [IDENTITY]: [RG], [ra(BYO_SUBNET)]: [IDENTITY], [CLUSTER]: [ra(BYO_SUBNET)] },
    networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", networkDataplane: "azure", podCidr: "10.244.0.0/16", ...base, outboundType: "loadBalancer" },
    vnetSubnetID: BYO_SUBNET,
  },
];

describe("planResources", () => {
  for (const t of TOPOLOGIES) {
    describe(t.name, () => {
      const d = plan(t.input);
      it("plans exactly these resources, in dependency order", () => {
        assert.deepEqual(d.map((r) => [r.resourceId, r.type]), t.resources);
      });
      it("has exact, minimal dependencies", () => {
        assert.deepEqual(edges(d), t.deps);
      });
      it("sends this networkProfile (no dockerBridgeCidr)", () => {
        assert.deepEqual(profile(d), t.networkProfile);
      });
      it("puts the pool in the planned subnets", () => {
        assert.equal(pool(d)["vnetSubnetID"], t.vnetSubnetID);
        assert.equal(pool(d)["podSubnetID"], t.podSubnetID);
      });
      it("tags every taggable resource, and nothing else", () => {
        for (const r of d) assert.deepEqual(r.body["tags"], UNTAGGED.has(r.type) ? undefined : r.type === T.rg ? {} : TAGS, r.resourceId);
      });
      it("ownership proof: every tagged resource carries the proof bound to its own id and children; the group nothing else", () => {
        const sealed = sealedPlan(t.input);
        for (const r of sealed.filter((x) => !UNTAGGED.has(x.type))) {
          assert.ok(hasProof({ resourceGroup: "rg1", name: "aks1" }, r.resourceId, r.body), r.resourceId);
          assert.equal(hasProof({ resourceGroup: "rg1", name: "other" }, r.resourceId, r.body), false, "bound to the cluster");
          assert.equal(hasProof({ resourceGroup: "rg1", name: "aks1" }, `${r.resourceId}x`, r.body), false, "bound to the resource: a copy proves nothing");
          if (r.type === T.rg) assert.deepEqual(Object.keys(r.body["tags"] as object), [PROOF_TAG], "no cluster marks on a resource group");
        }
      });
      it("grants Network Contributor to the identity on each scope, described as aks-net's", () => {
        for (const r of d.filter((x) => x.type === T.ra)) {
          assert.deepEqual(r.body, {
            properties: { roleDefinitionId: ROLE, principalId: `[ref:${IDENTITY}#properties.principalId]`, principalType: "ServicePrincipal", description: "aks-net:rg1/aks1" },
          });
        }
      });
    });
  }

  it("never sends dockerBridgeCidr, even when the spec has one", () => {
    const d = plan({ vnet: VNET_IN, dockerBridgeCidr: "172.17.0.1/16" });
    assert.equal(JSON.stringify(d).includes("dockerBridge"), false);
  });

  it("plans a VNet with address spaces only: subnets are separate resources", () => {
    const d = plan({ vnet: { addressSpaces: ["10.1.0.0/16", "10.2.0.0/16"], subnetCidr: "10.1.0.0/22" } });
    assert.deepEqual(byId(d, VNET).body, { location: "westeurope", tags: TAGS, properties: { addressSpace: { addressPrefixes: ["10.1.0.0/16", "10.2.0.0/16"] } } });
    assert.deepEqual(byId(d, NODES).body, { properties: { addressPrefix: "10.1.0.0/22" } });
    assert.equal(byId(d, VNET).apiVersion, "2026-01-01");
  });

  it("uses the given VNet and subnet names", () => {
    const d = plan({ vnet: { ...VNET_IN, name: "spoke", subnetName: "nodes" } });
    assert.ok(d.some((r) => r.resourceId === `${NET}/virtualNetworks/spoke/subnets/nodes` && r.label === "subnet nodes"));
  });

  it("puts network resources in the VNet's own resource group, planned too", () => {
    const d = plan({ vnet: { ...VNET_IN, resourceGroup: "netrg" } });
    const netRg = `${SUB}/resourceGroups/netrg`;
    assert.deepEqual(edges(d)[`${netRg}/providers/Microsoft.Network/virtualNetworks/aks1-vnet`], [netRg]);
    assert.deepEqual(byId(d, netRg).body, { location: "westeurope", tags: {} });
  });

  it("the gateway subnet aks-net plans is delegated to Microsoft.Network/applicationGateways with Azure CNI Overlay only (AGIC overview)", () => {
    const agw = (mode: SpecInput["networkPluginMode"]): unknown =>
      body(plan({ networkPlugin: "azure", ...(mode === undefined ? {} : { networkPluginMode: mode }), vnet: VNET_IN, ingress: { applicationGateway: { enabled: true, subnetCidr: "10.1.8.0/24" } } }), `${VNET}/subnets/aks-appgw`, "properties.delegations");
    assert.deepEqual(agw("overlay"), [{ name: "delegation", properties: { serviceName: "Microsoft.Network/applicationGateways" } }]);
    assert.equal(agw(undefined), undefined);
  });

  describe("firewall egress", () => {
    const d = plan(FW_SIMPLE);
    it("routes 0.0.0.0/0 to the firewall's planned private IP (4th address of AzureFirewallSubnet)", () => {
      assert.deepEqual(body(d, RT, "properties"), {
        disableBgpRoutePropagation: false,
        routes: [{ name: "default-to-firewall", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.1.4.4" } }],
      });
    });
    it("sends the firewall's public IP /32 to the Internet through a reference token", () => {
      assert.deepEqual(byId(d, FW_ROUTE).body, { properties: { addressPrefix: `[ref:${FW_PIP}#properties.ipAddress|/32]`, nextHopType: "Internet" } });
    });
    it("associates the route table with the node subnet", () => {
      assert.deepEqual(byId(d, NODES).body, { properties: { addressPrefix: "10.1.0.0/22", routeTable: { id: RT } } });
      assert.deepEqual(byId(d, FW_SUBNET).body, { properties: { addressPrefix: "10.1.4.0/26" } });
    });
    it("builds a Standard static public IP and the firewall with the AKS rules from the node subnet", () => {
      assert.deepEqual(body(d, FW_PIP, "sku"), { name: "Standard", tier: "Regional" });
      assert.deepEqual(body(d, FW_PIP, "properties"), { publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv4" });
      assert.deepEqual(body(d, FW, "properties.ipConfigurations"), [{ name: "ipconfig", properties: { subnet: { id: FW_SUBNET }, publicIPAddress: { id: FW_PIP } } }]);
      const app = body(d, FW, "properties.applicationRuleCollections") as { properties: { rules: { fqdnTags: string[]; sourceAddresses: string[] }[] } }[];
      assert.deepEqual(app[0]?.properties.rules[0]?.fqdnTags, ["AzureKubernetesService"]);
      assert.deepEqual(app[0]?.properties.rules[0]?.sourceAddresses, ["10.1.0.0/22"]);
      const rules = (body(d, FW, "properties.networkRuleCollections") as { properties: { rules: Record<string, unknown>[] } }[])[0]?.properties.rules;
      assert.deepEqual(rules?.map((r) => [r["protocols"], r["destinationAddresses"] ?? r["destinationFqdns"], r["destinationPorts"]]), [
        [["UDP"], ["AzureCloud.westeurope"], ["1194"]],
        [["TCP"], ["AzureCloud.westeurope"], ["9000"]],
        [["UDP"], ["ntp.ubuntu.com"], ["123"]],
      ]);
    });
    it("no network rule opens TCP 443 to a service tag: HTTPS goes through the FQDN tag (limit-egress-traffic.md)", () => {
      const rules = (body(d, FW, "properties.networkRuleCollections") as { properties: { rules: Record<string, unknown>[] } }[]).flatMap((c) => c.properties.rules);
      assert.deepEqual(rules.filter((r) => (r["destinationPorts"] as string[]).includes("443")), []);
    });
    it("enables the firewall's DNS proxy and points the VNet's DNS at the firewall, since NTP is an FQDN network rule", () => {
      assert.deepEqual(body(d, FW, "properties.additionalProperties"), { "Network.DNS.EnableProxy": "true" });
      assert.deepEqual(body(d, VNET, "properties.dhcpOptions"), { dnsServers: ["10.1.4.4"] });
    });
    it("Windows and GPU pools get their FQDN application rules", () => {
      const mixed = plan({ ...FW_SIMPLE, nodePools: [{ name: "system", count: 3 }, { name: "win", count: 2, osType: "Windows", vmSize: "Standard_NC6s_v3" }] });
      const app = (body(mixed, FW, "properties.applicationRuleCollections") as { properties: { rules: { name: string }[] } }[])[0]?.properties.rules.map((r) => r.name);
      assert.deepEqual(app, ["aks-fqdn-tag", "aks-windows-https", "aks-windows-http", "aks-gpu"]);
    });
    it("keeps the user's other routes next to the firewall's", () => {
      const withRoutes = plan({
        vnet: VNET_IN,
        firewall: { enabled: true, subnetCidr: "10.1.4.0/26" },
        routes: [{ prefix: "0.0.0.0/0", nextHopType: "Internet" }, { prefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" }],
      });
      assert.deepEqual(body(withRoutes, RT, "properties.routes"), [
        { name: "default-to-firewall", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.1.4.4" } },
        { name: "to-192.168.0.0-16", properties: { addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" } },
      ]);
    });
    it("keeps Standard's rules in the firewall body, with no policy", () => {
      assert.equal(d.some((r) => r.type === "Microsoft.Network/firewallPolicies"), false);
      assert.equal(body(d, FW, "properties.firewallPolicy"), undefined);
    });
    const POLICY = `${NET}/firewallPolicies/aks1-fw-policy`;
    const GROUP = `${POLICY}/ruleCollectionGroups/aks-egress`;
    it("Basic: management subnet and IP, and the rules in a policy ready before the firewall", () => {
      const basic = plan({ vnet: VNET_IN, firewall: { enabled: true, subnetCidr: "10.1.4.0/26", sku: "Basic", managementSubnetCidr: "10.1.4.64/26" } });
      const mgmtSubnet = `${VNET}/subnets/AzureFirewallManagementSubnet`;
      const mgmtPip = `${NET}/publicIPAddresses/aks1-fw-mgmt-pip`;
      assert.deepEqual(basic.map((r) => r.resourceId).slice(2, 9), [FW_SUBNET, FW_PIP, mgmtSubnet, mgmtPip, POLICY, GROUP, FW]);
      assert.deepEqual([edges(basic)[POLICY], edges(basic)[GROUP], edges(basic)[FW]], [[RG], [POLICY], [FW_SUBNET, FW_PIP, mgmtSubnet, mgmtPip, GROUP]]);
      assert.deepEqual(body(basic, FW, "properties"), {
        sku: { name: "AZFW_VNet", tier: "Basic" },
        threatIntelMode: "Alert",
        ipConfigurations: [{ name: "ipconfig", properties: { subnet: { id: FW_SUBNET }, publicIPAddress: { id: FW_PIP } } }],
        managementIpConfiguration: { name: "mgmt-ipconfig", properties: { subnet: { id: mgmtSubnet }, publicIPAddress: { id: mgmtPip } } },
        firewallPolicy: { id: POLICY },
      });
      // Basic has no DNS proxy: no FQDN network rule, NTP to anywhere, and the VNet keeps Azure's DNS.
      assert.deepEqual(body(basic, POLICY, "properties"), { sku: { tier: "Basic" }, threatIntelMode: "Alert" });
      const collections = body(basic, GROUP, "properties.ruleCollections") as { name: string; rules: Record<string, unknown>[] }[];
      assert.deepEqual(collections.map((c) => [c.name, c.rules.map((r) => r["ruleType"])]), [
        ["aks-network", ["NetworkRule", "NetworkRule", "NetworkRule"]],
        ["aks-fqdn", ["ApplicationRule"]],
      ]);
      assert.deepEqual(collections[0]?.rules.map((r) => r["destinationFqdns"]), [undefined, undefined, undefined]);
      assert.equal(body(basic, VNET, "properties.dhcpOptions"), undefined);
      assert.deepEqual(byId(basic, POLICY).body["tags"], TAGS);
    });
    it("Premium: a policy with the DNS proxy on, no management subnet, no classic DNS property", () => {
      const premium = plan({ vnet: VNET_IN, firewall: { enabled: true, subnetCidr: "10.1.4.0/26", sku: "Premium" } });
      assert.deepEqual(edges(premium)[FW], [FW_SUBNET, FW_PIP, GROUP]);
      assert.deepEqual(body(premium, POLICY, "properties"), { sku: { tier: "Premium" }, threatIntelMode: "Alert", dnsSettings: { enableProxy: true } });
      assert.equal(body(premium, FW, "properties.additionalProperties"), undefined);
      assert.deepEqual(body(premium, VNET, "properties.dhcpOptions"), { dnsServers: ["10.1.4.4"] });
    });
  });

  describe("kubenet on a brought subnet with its route table (configure-kubenet.md)", () => {
    const BYO_RT = `${SUB}/resourceGroups/net/providers/Microsoft.Network/routeTables/hub-rt`;
    const live = { nodeSubnet: { id: BYO_SUBNET, name: "aks", cidr: "10.9.0.0/22", routeTableId: BYO_RT }, routeTable: { id: BYO_RT, routes: [], subnetIds: [BYO_SUBNET] } };
    it("grants the identity Network Contributor on the route table too, before the cluster, without depending on the user's table", () => {
      const d = plan({ networkPlugin: "kubenet", vnetSubnetId: BYO_SUBNET, live });
      assert.deepEqual(d.filter((r) => r.type === T.ra).map((r) => [r.resourceId, r.label, r.dependsOn]), [
        [ra(BYO_SUBNET), "role Network Contributor on aks", [IDENTITY]],
        [ra(BYO_RT), "role Network Contributor on hub-rt", [IDENTITY]],
      ]);
      assert.deepEqual(edges(d)[CLUSTER], [ra(BYO_SUBNET), ra(BYO_RT)]);
    });
    it("reads the table from the subnet's association when the table itself was not read", () => {
      const d = plan({ networkPlugin: "kubenet", vnetSubnetId: BYO_SUBNET, live: { nodeSubnet: live.nodeSubnet } });
      assert.ok(d.some((r) => r.resourceId === ra(BYO_RT)));
    });
    it("not for Azure CNI (AKS writes no routes there), nor when the subnet has no route table (AKS makes its own)", () => {
      assert.equal(plan({ vnetSubnetId: BYO_SUBNET, live }).some((r) => r.resourceId === ra(BYO_RT)), false);
      assert.deepEqual(plan({ networkPlugin: "kubenet", vnetSubnetId: BYO_SUBNET }).filter((r) => r.type === T.ra).map((r) => r.resourceId), [ra(BYO_SUBNET)]);
    });
  });

  describe("Windows pools (create-node-pools.md: windowsProfile at create)", () => {
    const WIN: SpecInput = { vnet: VNET_IN, nodePools: [{ name: "system", count: 3 }, { name: "win", count: 2, osType: "Windows" }] };
    it("sends windowsProfile with the administrator (default azureuser) and the password as a secret token, never a value", () => {
      assert.deepEqual(body(plan(WIN), CLUSTER, "properties.windowsProfile"), { adminUsername: "azureuser", adminPassword: "[secret:windows-admin-password]" });
      assert.deepEqual(body(plan({ ...WIN, windowsProfile: { adminUsername: "winadmin" } }), CLUSTER, "properties.windowsProfile.adminUsername"), "winadmin");
    });
    it("sends no windowsProfile without a Windows pool, unless an administrator is named (Windows pools later: it cannot be added then)", () => {
      assert.equal(body(plan({ vnet: VNET_IN }), CLUSTER, "properties.windowsProfile"), undefined);
      assert.deepEqual(body(plan({ vnet: VNET_IN, windowsProfile: { adminUsername: "winadmin" } }), CLUSTER, "properties.windowsProfile"), { adminUsername: "winadmin", adminPassword: "[secret:windows-admin-password]" });
    });
    it("a re-run over the cluster Azure echoes without the password is unchanged; an update keeps Azure's password", () => {
      const want = plan(WIN);
      const cluster = byId(want, CLUSTER);
      const echoed = structuredClone(cluster.body) as Record<string, Record<string, unknown>>;
      echoed["properties"] = { ...echoed["properties"], windowsProfile: { adminUsername: "azureuser", enableCSIProxy: true }, provisioningState: "Succeeded" };
      assert.equal(diffPlan([cluster], new Map([[CLUSTER, echoed]])).operations[0]?.action, "unchanged");
      const merged = mergeForUpdate(echoed, cluster.body);
      assert.deepEqual((merged["properties"] as Record<string, unknown>)["windowsProfile"], { adminUsername: "azureuser", enableCSIProxy: true });
    });
    it("refuses another administrator, or a Windows profile for a cluster created without one (Azure cannot add or change it)", () => {
      const cluster = byId(plan({ ...WIN, windowsProfile: { adminUsername: "winadmin" } }), CLUSTER);
      const echoed = (profile?: Record<string, unknown>) => ({ ...cluster.body, properties: { ...(cluster.body["properties"] as Record<string, unknown>), windowsProfile: profile } });
      const other = diffPlan([cluster], new Map([[CLUSTER, echoed({ adminUsername: "azureuser" })]]));
      assert.match(other.refusals[0]?.reason ?? "", /windowsProfile\.adminUsername is azureuser, plan winadmin: Azure cannot change this in place/);
      const none = diffPlan([cluster], new Map([[CLUSTER, echoed(undefined)]]));
      assert.match(none.refusals[0]?.reason ?? "", /windowsProfile\.adminUsername is not set, plan winadmin/);
    });
  });

  it("bring-your-own routes: the user's routes, never a firewall", () => {
    const d = plan({ vnet: VNET_IN, routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.50.0.4" }] });
    assert.deepEqual(body(d, RT, "properties.routes"), [{ name: "to-0.0.0.0-0", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.50.0.4" } }]);
    assert.equal(d.some((r) => r.type === T.fw || r.type === T.pip), false);
  });

  it("userAssignedNATGateway: a NAT gateway with its own Standard IP, on the node subnet", () => {
    const d = plan({ outboundType: "userAssignedNATGateway", vnet: VNET_IN });
    assert.deepEqual(byId(d, NAT).body, { location: "westeurope", tags: TAGS, sku: { name: "Standard" }, properties: { idleTimeoutInMinutes: 4, publicIpAddresses: [{ id: NAT_PIP }] } });
    assert.deepEqual(byId(d, NODES).body, { properties: { addressPrefix: "10.1.0.0/22", natGateway: { id: NAT } } });
  });

  it("userAssignedNATGateway with --vnet-nat-gateway-sku StandardV2: a StandardV2 gateway and public IP, zone-redundant without zones (nat-availability-zones.md)", () => {
    const d = plan({ outboundType: "userAssignedNATGateway", vnet: { ...VNET_IN, natGatewaySku: "StandardV2" }, nodePools: [{ name: "system", availabilityZones: ["1", "2", "3"] }] });
    assert.deepEqual(byId(d, NAT).body, { location: "westeurope", tags: TAGS, sku: { name: "StandardV2" }, properties: { idleTimeoutInMinutes: 4, publicIpAddresses: [{ id: NAT_PIP }] } });
    assert.deepEqual(byId(d, NAT_PIP).body["sku"], { name: "StandardV2", tier: "Regional" });
    assert.equal(byId(d, NAT_PIP).body["zones"], undefined);
  });

  it("your load balancer outbound IPs and prefixes: Network Contributor on each (AKS joins them), before the cluster; none with another outbound type", () => {
    const ip = "/subscriptions/s/resourceGroups/rg-shared/providers/Microsoft.Network/publicIPAddresses/egress";
    const prefix = "/subscriptions/s/resourceGroups/rg-shared/providers/Microsoft.Network/publicIPPrefixes/egress";
    const d = plan({ vnet: VNET_IN, loadBalancerProfile: { outboundIPs: { publicIPs: [{ id: ip }] }, outboundIPPrefixes: { publicIPPrefixes: [{ id: prefix }] } } });
    const grants = d.filter((r) => r.type === T.ra).map((r) => r.resourceId);
    assert.ok(grants.includes(ra(ip)) && grants.includes(ra(prefix)), grants.join("\n"));
    assert.ok(byId(d, CLUSTER).dependsOn.includes(ra(ip)));
    const udr = plan({ vnet: VNET_IN, outboundType: "userDefinedRouting", routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.50.0.4" }], loadBalancerProfile: { outboundIPs: { publicIPs: [{ id: ip }] } } });
    assert.equal(udr.some((r) => r.resourceId === ra(ip)), false);
  });

  it("your managed NAT gateway outbound IPs and prefixes (plain ids, as the AKS API takes them): Network Contributor on each, before the cluster, as for the load balancer's", () => {
    const ip = "/subscriptions/s/resourceGroups/rg-shared/providers/Microsoft.Network/publicIPAddresses/nat";
    const prefix = "/subscriptions/s/resourceGroups/rg-shared/providers/Microsoft.Network/publicIPPrefixes/nat";
    const d = plan({ outboundType: "managedNATGateway", natGatewayProfile: { sku: "StandardV2", outboundIPs: { publicIPs: [ip] }, outboundIPPrefixes: { publicIPPrefixes: [prefix] } } });
    const grants = d.filter((r) => r.type === T.ra).map((r) => r.resourceId);
    assert.ok(grants.includes(ra(ip)) && grants.includes(ra(prefix)), grants.join("\n"));
    assert.ok(byId(d, CLUSTER).dependsOn.includes(ra(prefix)));
  });

  it("dual-stack with the StandardV2 NAT gateway aks-net builds: an IPv6 StandardV2 public IP too, in publicIpAddressesV6", () => {
    const d = plan({ outboundType: "userAssignedNATGateway", ipFamilies: ["IPv4", "IPv6"], networkPlugin: "azure", networkPluginMode: "overlay", vnet: { ...VNET_IN, natGatewaySku: "StandardV2" } });
    const pip6 = `${NET}/publicIPAddresses/aks1-natgw-pip6`;
    assert.deepEqual(byId(d, pip6).body["properties"], { publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv6" });
    assert.deepEqual(byId(d, pip6).body["sku"], { name: "StandardV2", tier: "Regional" });
    assert.deepEqual(byId(d, NAT).body["properties"], { idleTimeoutInMinutes: 4, publicIpAddresses: [{ id: NAT_PIP }], publicIpAddressesV6: [{ id: pip6 }] });
    assert.equal(plan({ outboundType: "userAssignedNATGateway", vnet: { ...VNET_IN, natGatewaySku: "StandardV2" } }).some((r) => r.resourceId === pip6), false, "IPv4-only: no IPv6 address");
  });

  it("a NAT gateway's SKU is fixed at create: a re-run asking StandardV2 of a Standard gateway is refused, not sent", () => {
    const nat = byId(plan({ outboundType: "userAssignedNATGateway", vnet: { ...VNET_IN, natGatewaySku: "StandardV2" } }), NAT);
    const echoed = { ...structuredClone(nat.body), sku: { name: "Standard" }, properties: { ...(nat.body["properties"] as Record<string, unknown>), provisioningState: "Succeeded" } };
    const p = diffPlan([nat], new Map([[NAT, echoed]]));
    assert.match(p.refusals[0]?.reason ?? "", /sku\.name is Standard, plan StandardV2: Azure cannot change this in place/);
  });

  it("pod subnet takes the same egress as the node subnet", () => {
    const d = plan({ networkPlugin: "azure", vnet: { ...VNET_IN, podSubnetCidr: "10.1.8.0/22" }, firewall: { enabled: true, subnetCidr: "10.1.4.0/26" } });
    assert.deepEqual(byId(d, PODS).body, { properties: { addressPrefix: "10.1.8.0/22", routeTable: { id: RT } } });
    assert.deepEqual(edges(d)[CLUSTER], [ra(NODES), ra(PODS), ra(RT), FW]);
    const rules = body(d, FW, "properties.applicationRuleCollections") as { properties: { rules: { sourceAddresses: string[] }[] } }[];
    assert.deepEqual(rules[0]?.properties.rules[0]?.sourceAddresses, ["10.1.0.0/22", "10.1.8.0/22"]);
  });

  it("builds the cluster body: identity, pools, version only when given", () => {
    const d = plan({
      vnet: VNET_IN,
      kubernetesVersion: "1.33",
      nodePools: [{ name: "sys", count: 2, maxPods: 50, enableAutoScaling: true, minCount: 2, maxCount: 5, vmSize: "Standard_D8s_v5" }, { name: "user1", count: 1 }],
    });
    const c = byId(d, CLUSTER);
    assert.equal(c.apiVersion, "2026-06-01");
    assert.deepEqual(c.body["identity"], { type: "UserAssigned", userAssignedIdentities: { [IDENTITY]: {} } });
    assert.equal(body(d, CLUSTER, "properties.dnsPrefix"), "aks1");
    assert.equal(body(d, CLUSTER, "properties.kubernetesVersion"), "1.33");
    assert.deepEqual(body(d, CLUSTER, "properties.agentPoolProfiles"), [
      { name: "sys", mode: "System", count: 2, vmSize: "Standard_D8s_v5", osType: "Linux", type: "VirtualMachineScaleSets", maxPods: 50, enableAutoScaling: true, minCount: 2, maxCount: 5, vnetSubnetID: NODES },
      { name: "user1", mode: "User", count: 1, vmSize: "Standard_D4s_v5", osType: "Linux", type: "VirtualMachineScaleSets", maxPods: 250, enableAutoScaling: false, vnetSubnetID: NODES },
    ]);
    assert.equal("kubernetesVersion" in (plan({ vnet: VNET_IN }).at(-1)?.body["properties"] as object), false);
  });

  it("upgradeSettings carry maxSurge / maxUnavailable as the user gave them (count or percentage), and nothing when unset", () => {
    // Unset, AKS applies its own default for the api-version (10%); a pinned value would differ from az aks create's cluster.
    const d = plan({ vnet: VNET_IN, nodePools: [{ name: "sys", maxSurge: "33%" as unknown as number }, { name: "b", maxSurge: 0, maxUnavailable: "2" as unknown as number }, { name: "c" }] });
    const pools = body(d, CLUSTER, "properties.agentPoolProfiles") as Record<string, unknown>[];
    assert.deepEqual(pools.map((p) => p["upgradeSettings"]), [{ maxSurge: "33%" }, { maxSurge: "0", maxUnavailable: "2" }, undefined]);
  });

  it("Static Block: podIPAllocationMode reaches every agent pool (AKS would build DynamicIndividual without it)", () => {
    const d = plan({ networkPlugin: "azure", vnet: { ...VNET_IN, podSubnetCidr: "10.1.64.0/18" }, nodePools: [{ name: "sys", maxPods: 31, podIPAllocationMode: "StaticBlock" }] });
    assert.equal(pool(d)["podIPAllocationMode"], "StaticBlock");
    assert.equal(pool(d)["podSubnetID"], PODS);
    assert.equal("podIPAllocationMode" in pool(plan({ networkPlugin: "azure", vnet: { ...VNET_IN, podSubnetCidr: "10.1.64.0/18" } })), false);
  });

  it("dual-stack: the VNet aks-net builds gets an IPv6 ULA /48, the node subnet addressPrefixes of both families", () => {
    const d = plan({ vnet: VNET_IN, ipFamilies: ["IPv4", "IPv6"] });
    const spaces = body(d, VNET, "properties.addressSpace.addressPrefixes") as string[];
    assert.equal(spaces.length, 2);
    assert.equal(spaces[0], "10.1.0.0/16");
    assert.match(spaces[1] ?? "", /^fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}::\/48$/);
    const prefixes = body(d, NODES, "properties.addressPrefixes") as string[];
    assert.equal(prefixes[0], "10.1.0.0/22");
    assert.equal(prefixes[1], (spaces[1] ?? "").replace("::/48", "::/64"));
    assert.equal(body(d, NODES, "properties.addressPrefix"), undefined);
    // The same cluster gets the same range on every run; another cluster most likely another.
    assert.deepEqual(body(plan({ vnet: VNET_IN, ipFamilies: ["IPv4", "IPv6"] }), VNET, "properties.addressSpace.addressPrefixes"), spaces);
  });
  it("dual-stack: a chosen IPv6 range (--vnet-cidr, --subnet-ipv6-cidr) is used as given", () => {
    const d = plan({ vnet: { addressSpaces: ["10.1.0.0/16", "fd00:aa:bb::/48"], subnetCidr: "10.1.0.0/22", subnetIPv6Cidr: "fd00:aa:bb:7::/64" }, ipFamilies: ["IPv4", "IPv6"] });
    assert.deepEqual(body(d, VNET, "properties.addressSpace.addressPrefixes"), ["10.1.0.0/16", "fd00:aa:bb::/48"]);
    assert.deepEqual(body(d, NODES, "properties.addressPrefixes"), ["10.1.0.0/22", "fd00:aa:bb:7::/64"]);
  });
  it("single-stack subnets keep the single addressPrefix", () => {
    assert.equal(body(plan({ vnet: VNET_IN }), NODES, "properties.addressPrefix"), "10.1.0.0/22");
  });

  it("dual-stack sends the plural CIDR lists", () => {
    const d = plan({ vnet: VNET_IN, ipFamilies: ["IPv4", "IPv6"] });
    assert.deepEqual(profile(d), {
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      networkDataplane: "azure",
      podCidrs: ["10.244.0.0/16", "fd12:3456:789a::/64"],
      serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"],
      dnsServiceIP: "10.0.0.10",
      outboundType: "loadBalancer",
      loadBalancerSku: "standard",
      ipFamilies: ["IPv4", "IPv6"],
    });
  });

  it("is pure: the same spec gives the same plan", () => {
    assert.deepEqual(plan(FW_SIMPLE), plan(FW_SIMPLE));
  });

  it("refuses to plan without the cluster's name, resource group and location", () => {
    const { spec } = resolveSpec([{ source: "flag", input: { vnet: VNET_IN } }]);
    assert.throws(() => planResources(spec, { subscriptionId: "sub" }), { name: "UsageError", message: "create needs --name" });
  });

  for (const [name, input] of [
    ["a bring-your-own subnet", { vnetSubnetId: BYO_SUBNET }],
    ["an AKS-managed VNet", { vnet: { managed: true } }],
  ] as [string, SpecInput][]) {
    it(`refuses a firewall with ${name}`, () => {
      const { spec } = resolveSpec([{ source: "flag", input: { ...TARGET, ...input, firewall: { enabled: true, subnetCidr: "10.1.4.0/26" } } }]);
      assert.throws(() => planResources(spec, { subscriptionId: "sub" }), {
        name: "UsageError",
        message: "--firewall builds the VNet, its subnets and route table, so it cannot be combined with an AKS-managed VNet or --vnet-subnet-id",
      });
    });
  }

  it("refuses a firewall without its subnet", () => {
    const { spec } = resolveSpec([{ source: "flag", input: { ...TARGET, vnet: VNET_IN, firewall: { enabled: true } } }]);
    assert.throws(() => planResources(spec, { subscriptionId: "sub" }), {
      message: "create needs --firewall-subnet-cidr",
      hint: "e.g. --firewall-subnet-cidr 10.1.4.0/26 (free in the VNet; Azure Firewall needs a /26)",
    });
    const full = resolveSpec([{ source: "flag", input: { ...TARGET, vnet: { addressSpaces: ["10.1.0.0/24"], subnetCidr: "10.1.0.0/24" }, firewall: { enabled: true } } }]);
    assert.throws(() => planResources(full.spec, { subscriptionId: "sub" }), { message: "create needs --firewall-subnet-cidr", hint: undefined });
  });
});

// ---------------------------------------------------------------------------------------------------------------

/** What Azure would return for the planned bodies: refs resolved, read-only fields and Azure's casing added. */
function observedFor(d: DesiredResource[], tagged = true): Map<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {
    [IDENTITY]: { properties: { principalId: "pid-1" } },
    [FW_PIP]: { properties: { ipAddress: "20.1.2.3" } },
  };
  const obs = new Map<string, Record<string, unknown>>();
  for (const r of d) {
    const b = structuredClone(r.body);
    if (!tagged) delete b["tags"];
    const props = (b["properties"] ??= {}) as Record<string, unknown>;
    Object.assign(props, values[r.resourceId]?.["properties"] ?? {}, { provisioningState: "Succeeded" });
    obs.set(r.resourceId, { id: r.resourceId, etag: 'W/"1"', ...b });
  }
  const lookup = (id: string, path: string): unknown => path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], obs.get(id));
  for (const [id, b] of obs) obs.set(id, resolveRefs(b, lookup));
  return obs;
}
const op = (p: Plan, id: string) => {
  const o = p.operations.find((x) => x.resourceId === id);
  assert.ok(o, `no operation for ${id}`);
  return o;
};

describe("diffPlan", () => {
  const FW_INPUT: SpecInput = { networkPlugin: "kubenet", vnet: VNET_IN, firewall: { enabled: true, subnetCidr: "10.1.4.0/26" } };

  it("offline: nothing observed, every step is a create with the planned body", () => {
    const d = plan(FW_INPUT);
    const p = diffPlan(d, new Map());
    assert.deepEqual(p.operations.map((o) => o.action), d.map(() => "create"));
    assert.deepEqual(p.operations.map((o) => o.body), d.map((r) => r.body));
    assert.deepEqual(p.refusals, []);
  });

  it("a re-run over what it built changes nothing, despite Azure's read-only fields, casing and extra items", () => {
    const d = sealedPlan({ ...FW_INPUT, vnet: VNET_IN });
    const obs = observedFor(d);
    const cluster = obs.get(CLUSTER) as { properties: { networkProfile: Record<string, unknown> }; identity: { userAssignedIdentities: Record<string, unknown> } };
    cluster.properties.networkProfile["loadBalancerSku"] = "Standard";
    cluster.properties.networkProfile["networkPlugin"] = "Kubenet";
    cluster.identity.userAssignedIdentities = { [IDENTITY.toLowerCase()]: { principalId: "p", clientId: "c" } };
    (obs.get(VNET) as { properties: Record<string, unknown> }).properties["subnets"] = [{ name: "other", properties: { addressPrefix: "10.1.9.0/24" } }];
    (obs.get(RT) as { properties: { routes: unknown[] } }).properties.routes.push({ name: "kubenet-pod-route", properties: { addressPrefix: "10.244.0.0/24", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.1.0.4" } });
    (obs.get(NODES) as { properties: Record<string, unknown> }).properties["ipConfigurations"] = [{ id: "nic1" }];
    const p = diffPlan(d, obs);
    assert.deepEqual(p.operations.map((o) => [o.action, o.reason]), d.map(() => ["unchanged", "exists and matches"]));
    assert.deepEqual(p.refusals, []);
  });

  it("matches resource ids case-insensitively", () => {
    const d = plan({ vnet: VNET_IN });
    const obs = new Map([...observedFor(d)].map(([id, b]) => [id.toLowerCase(), b]));
    assert.deepEqual(diffPlan(d, obs).operations.map((o) => o.action), d.map(() => "unchanged"));
  });

  it("adopts matching resources without aks-net's tags, and never re-tags them", () => {
    const d = plan({ vnet: VNET_IN });
    const p = diffPlan(d, observedFor(d, false));
    assert.deepEqual(op(p, VNET).action, "unchanged");
    assert.equal(op(p, VNET).reason, "exists, not created by aks-net: adopted as is");
    assert.deepEqual(op(p, VNET).body, byId(d, VNET).body);
  });

  it("adds an address space to an existing VNet, keeping its subnets and other spaces", () => {
    const d = plan({ vnet: { addressSpaces: ["10.1.0.0/16", "10.2.0.0/16"], subnetCidr: "10.1.0.0/22" } });
    const obs = new Map([
      [
        VNET,
        {
          id: VNET,
          name: "aks1-vnet",
          type: "Microsoft.Network/virtualNetworks",
          etag: 'W/"7"',
          location: "westeurope",
          properties: {
            provisioningState: "Succeeded",
            resourceGuid: "g",
            addressSpace: { addressPrefixes: ["10.9.0.0/16", "10.1.0.0/16"] },
            subnets: [{ id: `${VNET}/subnets/db`, name: "db", etag: "e", properties: { addressPrefix: "10.9.0.0/24", provisioningState: "Succeeded", networkSecurityGroup: { id: "nsg" } } }],
          },
        },
      ],
    ]);
    const p = diffPlan(d, obs);
    const v = op(p, VNET);
    assert.equal(v.action, "update");
    assert.equal(v.reason, "addressSpace adds 10.2.0.0/16 (not created by aks-net; its tags stay as they are)");
    assert.deepEqual(v.body, {
      location: "westeurope",
      properties: {
        addressSpace: { addressPrefixes: ["10.9.0.0/16", "10.1.0.0/16", "10.2.0.0/16"] },
        subnets: [{ id: `${VNET}/subnets/db`, name: "db", properties: { addressPrefix: "10.9.0.0/24", networkSecurityGroup: { id: "nsg" } } }],
      },
    });
    assert.deepEqual(p.refusals, []);
  });

  it("keeps an owned resource's tags and a user's extra properties in an update", () => {
    const d = plan({ vnet: VNET_IN, routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.50.0.4" }] });
    const obs = observedFor(d);
    const nodes = obs.get(NODES) as { properties: Record<string, unknown> };
    delete nodes.properties["routeTable"];
    nodes.properties["networkSecurityGroup"] = { id: "nsg" };
    const p = diffPlan(d, obs);
    assert.equal(op(p, NODES).action, "update");
    assert.equal(op(p, NODES).reason, "routeTable.id is not set, plan " + RT);
    assert.deepEqual(op(p, NODES).body, { properties: { addressPrefix: "10.1.0.0/22", networkSecurityGroup: { id: "nsg" }, routeTable: { id: RT } } });
    assert.equal(op(p, VNET).action, "unchanged");
  });

  it("updates a route table that lost a route, keeping the routes others added", () => {
    const d = plan({ vnet: VNET_IN, routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.50.0.4" }] });
    const obs = observedFor(d);
    (obs.get(RT) as { properties: Record<string, unknown> }).properties["routes"] = [{ name: "pods", properties: { addressPrefix: "10.244.0.0/24", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.1.0.5" } }];
    const p = diffPlan(d, obs);
    assert.equal(op(p, RT).reason, "routes lacks to-0.0.0.0-0");
    assert.deepEqual((op(p, RT).body["properties"] as { routes: unknown[] }).routes, [
      { name: "pods", properties: { addressPrefix: "10.244.0.0/24", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.1.0.5" } },
      { name: "to-0.0.0.0-0", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.50.0.4" } },
    ]);
  });

  it("matches a route by its prefix when Azure (or kubenet) named it otherwise, keeping that name", () => {
    const d = plan({ vnet: VNET_IN, routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.50.0.4" }] });
    const obs = observedFor(d);
    const routes = (obs.get(RT) as { properties: { routes: { name: string; properties: Record<string, unknown> }[] } }).properties.routes;
    (routes[0] as { name: string }).name = "default";
    assert.equal(op(diffPlan(d, obs), RT).action, "unchanged");
    (routes[0] as { properties: Record<string, unknown> }).properties["nextHopIpAddress"] = "10.50.0.5";
    const o = op(diffPlan(d, obs), RT);
    assert.deepEqual([o.action, o.reason], ["update", "routes[to-0.0.0.0-0].nextHopIpAddress is 10.50.0.5, plan 10.50.0.4"]);
    assert.deepEqual((o.body["properties"] as { routes: unknown[] }).routes, [{ name: "default", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.50.0.4" } }]);
  });

  it("an update carries the body the plan decided next to the merged one, and plannedPart is that part of the merge", () => {
    const d = plan({ vnet: VNET_IN, routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.50.0.4" }] });
    const obs = observedFor(d, false);
    const routes = (obs.get(RT) as { properties: { routes: { name: string; properties: Record<string, unknown> }[] } }).properties.routes;
    Object.assign(routes[0] as object, { name: "default", id: `${RT}/routes/default`, etag: "e" });
    (routes[0] as { properties: Record<string, unknown> }).properties["nextHopIpAddress"] = "10.50.0.5";
    routes.push({ name: "user", properties: { addressPrefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" } });
    const o = op(diffPlan(d, obs), RT);
    assert.equal(o.action, "update");
    assert.deepEqual(o.desired, byId(d, RT).body);
    const part = plannedPart(o.body, o.desired as Record<string, unknown>);
    assert.deepEqual(part, { location: "westeurope", properties: { disableBgpRoutePropagation: false, routes: [{ name: "default", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.50.0.4" } }] } });
    assert.equal(op(diffPlan(d, observedFor(d)), RT).desired, undefined, "unchanged: no second body");
  });

  it("mergeForUpdate keeps the unnamed items Azure has (a user's second NAT gateway IP), adds the planned ones it lacks, never twice", () => {
    const mine = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/aks-pip" };
    const theirs = { id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/publicIPAddresses/user-pip" };
    const desired = { location: "westeurope", properties: { publicIpAddresses: [mine], idleTimeoutInMinutes: 4 } };
    const both = mergeForUpdate({ properties: { publicIpAddresses: [{ id: mine.id.toUpperCase() }, theirs], idleTimeoutInMinutes: 4 } }, desired);
    assert.deepEqual((both["properties"] as Record<string, unknown>)["publicIpAddresses"], [{ id: mine.id.toUpperCase() }, theirs], "Azure's case, the user's item kept, nothing added");
    const lacking = mergeForUpdate({ properties: { publicIpAddresses: [theirs] } }, desired);
    assert.deepEqual((lacking["properties"] as Record<string, unknown>)["publicIpAddresses"], [theirs, mine]);
  });

  it("plannedPart leaves out an autoscaled pool's count, which the merge keeps as the autoscaler set it", () => {
    const d = plan({ vnet: VNET_IN, nodePools: [{ name: "sys", count: 2, enableAutoScaling: true, minCount: 1, maxCount: 5 }] });
    const merged = mergeForUpdate({ properties: { agentPoolProfiles: [{ name: "sys", count: 4, enableAutoScaling: true, minCount: 1, maxCount: 3 }] } }, byId(d, CLUSTER).body);
    const pool = (plannedPart(merged, byId(d, CLUSTER).body)["properties"] as { agentPoolProfiles: Record<string, unknown>[] }).agentPoolProfiles[0];
    assert.equal(pool?.["count"], undefined);
    assert.equal(pool?.["maxCount"], 5);
  });

  it("says nothing about ownership of a subnet whose VNet was not read (the executor diffs one resource)", () => {
    const d = plan({ vnet: VNET_IN });
    const p = diffPlan([byId(d, NODES)], new Map([[NODES, observedFor(d).get(NODES) as Record<string, unknown>]]));
    assert.deepEqual(p.operations.map((o) => [o.action, o.reason]), [["unchanged", "exists and matches"]]);
    const untagged = observedFor(d, false);
    assert.equal(op(diffPlan(d, untagged), NODES).reason, "exists, not created by aks-net: adopted as is", "the VNet is untagged");
  });

  it("compares resolved references: a changed firewall IP updates the /32 route", () => {
    const d = plan(FW_INPUT);
    const obs = observedFor(d);
    (obs.get(FW_PIP) as { properties: Record<string, unknown> }).properties["ipAddress"] = "20.9.9.9";
    const p = diffPlan(d, obs);
    assert.equal(op(p, FW_ROUTE).action, "update");
    assert.equal(op(p, FW_ROUTE).reason, "addressPrefix is 20.1.2.3/32, plan 20.9.9.9/32");
  });

  it("ignores an autoscaled pool's count, not a fixed pool's", () => {
    const d = plan({ vnet: VNET_IN, nodePools: [{ name: "sys", count: 2, enableAutoScaling: true, minCount: 1, maxCount: 5 }, { name: "fixed", count: 2 }] });
    const obs = observedFor(d);
    const pools = (obs.get(CLUSTER) as { properties: { agentPoolProfiles: Record<string, unknown>[] } }).properties.agentPoolProfiles;
    (pools[0] as Record<string, unknown>)["count"] = 4;
    assert.equal(op(diffPlan(d, obs), CLUSTER).action, "unchanged");
    (pools[1] as Record<string, unknown>)["count"] = 3;
    const p = diffPlan(d, obs);
    assert.deepEqual([op(p, CLUSTER).action, op(p, CLUSTER).reason, p.refusals], ["update", "agentPoolProfiles[fixed].count is 3, plan 2", []]);
  });

  const refusalCases: { name: string; input: SpecInput; change: (c: Record<string, unknown>) => void; reasons: string[] }[] = [
    {
      name: "service CIDR",
      input: { vnet: VNET_IN, serviceCidr: "10.3.0.0/16", dnsServiceIP: "10.3.0.10" },
      change: (np) => Object.assign(np, { serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" }),
      reasons: ["networkProfile.serviceCidr is 10.0.0.0/16, plan 10.3.0.0/16", "networkProfile.dnsServiceIP is 10.0.0.10, plan 10.3.0.10"],
    },
    { name: "pod CIDR", input: { vnet: VNET_IN }, change: (np) => (np["podCidr"] = "10.200.0.0/16"), reasons: ["networkProfile.podCidr is 10.200.0.0/16, plan 10.244.0.0/16"] },
    { name: "network plugin", input: { vnet: VNET_IN, networkPlugin: "kubenet" }, change: (np) => (np["networkPlugin"] = "azure"), reasons: ["networkProfile.networkPlugin is azure, plan kubenet"] },
    { name: "leaving overlay", input: { vnet: VNET_IN, networkPlugin: "azure" }, change: (np) => (np["networkPluginMode"] = "Overlay"), reasons: ["networkProfile.networkPluginMode is Overlay, plan not set"] },
    { name: "load balancer SKU", input: { vnet: VNET_IN, outboundType: "loadBalancer" }, change: (np) => (np["loadBalancerSku"] = "Basic"), reasons: ["networkProfile.loadBalancerSku is Basic, plan standard"] },
  ];
  for (const c of refusalCases) {
    it(`refuses to change a cluster's ${c.name} in place`, () => {
      const d = plan(c.input);
      const obs = observedFor(d);
      c.change((obs.get(CLUSTER) as { properties: { networkProfile: Record<string, unknown> } }).properties.networkProfile);
      const p = diffPlan(d, obs);
      assert.deepEqual(p.refusals, c.reasons.map((r) => ({ resourceId: CLUSTER, reason: `${r}: Azure cannot change this in place` })));
      assert.equal(op(p, CLUSTER).reason, c.reasons.join("; "));
    });
  }

  it("migrating to overlay is an update, not a refusal", () => {
    const d = plan({ vnet: VNET_IN });
    const obs = observedFor(d);
    delete (obs.get(CLUSTER) as { properties: { networkProfile: Record<string, unknown> } }).properties.networkProfile["networkPluginMode"];
    const p = diffPlan(d, obs);
    assert.deepEqual([op(p, CLUSTER).action, op(p, CLUSTER).reason, p.refusals], ["update", "networkProfile.networkPluginMode is not set, plan overlay", []]);
  });

  it("refuses a new prefix for a subnet in use, updates an empty one", () => {
    const d = plan({ vnet: VNET_IN });
    const obs = observedFor(d);
    const nodes = obs.get(NODES) as { properties: Record<string, unknown> };
    delete nodes.properties["addressPrefix"];
    nodes.properties["addressPrefixes"] = ["10.1.0.0/24"];
    let p = diffPlan(d, obs);
    assert.deepEqual([op(p, NODES).action, op(p, NODES).reason, p.refusals], ["update", "addressPrefix is 10.1.0.0/24, plan 10.1.0.0/22", []]);
    nodes.properties["ipConfigurations"] = [{ id: "nic" }];
    p = diffPlan(d, obs);
    assert.deepEqual(p.refusals, [{ resourceId: NODES, reason: "addressPrefix is 10.1.0.0/24, plan 10.1.0.0/22: Azure cannot change this in place" }]);
  });

  it("reads a region in ARM's echo form as the same region", () => {
    const d = plan({ vnet: VNET_IN, location: "West Europe" });
    assert.equal(byId(d, VNET).body["location"], "West Europe");
    assert.deepEqual(diffPlan(d, observedFor(d)).refusals, []);
    const obs = observedFor(d);
    for (const b of obs.values()) if ("location" in b) b["location"] = "westeurope";
    assert.deepEqual(diffPlan(d, obs).operations.map((o) => o.action), d.map(() => "unchanged"));
  });

  it("an update never resets an autoscaled pool's count", () => {
    const d = plan({ vnet: VNET_IN, kubernetesVersion: "1.33", nodePools: [{ name: "sys", count: 2, enableAutoScaling: true, minCount: 1, maxCount: 5 }] });
    const obs = observedFor(d);
    const props = (obs.get(CLUSTER) as { properties: Record<string, unknown> }).properties;
    props["kubernetesVersion"] = "1.32";
    ((props["agentPoolProfiles"] as Record<string, unknown>[])[0] as Record<string, unknown>)["count"] = 4;
    const o = op(diffPlan(d, obs), CLUSTER);
    assert.deepEqual([o.action, o.reason], ["update", "kubernetesVersion is 1.32, plan 1.33"]);
    const count = (b: Record<string, unknown>): unknown => ((b["properties"] as { agentPoolProfiles: Record<string, unknown>[] }).agentPoolProfiles[0] as Record<string, unknown>)["count"];
    assert.equal(count(o.body), 4);
    assert.equal(count(mergeForUpdate(obs.get(CLUSTER) as Record<string, unknown>, byId(d, CLUSTER).body)), 4, "mergeForUpdate alone too");
  });

  it("an update of a subnet Azure reports with addressPrefixes sends addressPrefix only", () => {
    const d = plan({ vnet: VNET_IN });
    const obs = observedFor(d);
    const nodes = obs.get(NODES) as { properties: Record<string, unknown> };
    delete nodes.properties["addressPrefix"];
    nodes.properties["addressPrefixes"] = ["10.1.0.0/24"];
    assert.deepEqual(op(diffPlan(d, obs), NODES).body, { properties: { addressPrefix: "10.1.0.0/22" } });
  });

  it("refuses a resource that exists in another region", () => {
    const d = plan({ vnet: VNET_IN });
    const obs = observedFor(d);
    (obs.get(VNET) as Record<string, unknown>)["location"] = "northeurope";
    assert.deepEqual(diffPlan(d, obs).refusals, [{ resourceId: VNET, reason: "location is northeurope, plan westeurope: Azure cannot change this in place" }]);
  });

  it("uses an existing resource group wherever it is", () => {
    const d = plan({ vnet: VNET_IN });
    const p = diffPlan(d, new Map([[RG, { id: RG, location: "eastus", properties: { provisioningState: "Succeeded" } }]]));
    assert.deepEqual([op(p, RG).action, p.refusals], ["unchanged", []]);
  });

  it("a reference to a resource still to be created is an update, compared again by the executor, never a refusal", () => {
    const d = plan({ vnet: VNET_IN });
    const obs = observedFor(d);
    obs.delete(IDENTITY);
    const p = diffPlan(d, obs);
    assert.deepEqual([op(p, IDENTITY).action, op(p, ra(NODES)).action, op(p, ra(NODES)).reason, p.refusals], ["create", "update", "principalId waits for aks1-identity", []]);
  });

  it("a role assignment whose principal differs is refused (assignments are immutable)", () => {
    const d = plan({ vnet: VNET_IN });
    const obs = observedFor(d);
    (obs.get(ra(NODES)) as { properties: Record<string, unknown> }).properties["principalId"] = "someone-else";
    assert.deepEqual(diffPlan(d, obs).refusals, [{ resourceId: ra(NODES), reason: "principalId is someone-else, plan pid-1: Azure cannot change this in place" }]);
  });
});

describe("firewallIpMismatch", () => {
  const d = plan(FW_SIMPLE);
  const fw = (ip?: string) => ({ properties: { ipConfigurations: [{ name: "ipconfig", properties: ip === undefined ? {} : { privateIPAddress: ip } }] } });
  it("is silent when Azure gave the planned 4th address", () => assert.equal(firewallIpMismatch(d, fw("10.1.4.4")), undefined));
  it("names both addresses when Azure gave another", () => {
    assert.equal(firewallIpMismatch(d, fw("10.1.4.5")), "the firewall's private IP is 10.1.4.5, but the route table sends 0.0.0.0/0 to 10.1.4.4");
    assert.equal(firewallIpMismatch(d, fw()), "the firewall's private IP is unknown, but the route table sends 0.0.0.0/0 to 10.1.4.4");
  });
  it("has nothing to check without a firewall", () => assert.equal(firewallIpMismatch(plan({ vnet: VNET_IN }), fw("1.2.3.4")), undefined));
});

describe("reference tokens", () => {
  const PIP = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/publicIPAddresses/p";
  const values: Record<string, unknown> = { [`${PIP}#properties.ipAddress`]: "20.1.2.3", [`${PIP}#properties.n`]: 7 };
  const lookup = (id: string, path: string): unknown => values[`${id}#${path}`];

  it("ref builds both token forms", () => {
    assert.equal(ref(PIP, "properties.ipAddress"), `[ref:${PIP}#properties.ipAddress]`);
    assert.equal(ref(PIP, "properties.ipAddress", "/32"), `[ref:${PIP}#properties.ipAddress|/32]`);
  });

  it("resolveRefs replaces whole-string tokens anywhere, with suffixes, keeping value types", () => {
    const b = { a: [ref(PIP, "properties.ipAddress", "/32"), { n: ref(PIP, "properties.n") }], plain: "x [ref:not-whole#p]", k: 1 };
    assert.deepEqual(resolveRefs(b, lookup), { a: ["20.1.2.3/32", { n: 7 }], plain: "x [ref:not-whole#p]", k: 1 });
    assert.deepEqual(b.a[0], ref(PIP, "properties.ipAddress", "/32"), "input untouched");
  });

  it("resolveRefs also reads from a map of bodies, ids case-insensitive", () => {
    const bodies = new Map([[PIP.toLowerCase(), { properties: { ipAddress: "20.1.2.3" } }]]);
    assert.deepEqual(resolveRefs({ p: ref(PIP, "properties.ipAddress", "/32") }, bodies), { p: "20.1.2.3/32" });
  });

  it("resolveRefs throws on an unknown value", () => {
    assert.throws(() => resolveRefs({ p: ref(PIP, "properties.missing") }, lookup), { message: `cannot resolve [ref:${PIP}#properties.missing]: ${PIP} has no properties.missing` });
  });

  it("refTargets lists referenced ids once, in order", () => {
    assert.deepEqual(refTargets({ a: ref("B", "x"), b: [ref("A", "y"), ref("B", "z")] }), ["B", "A"]);
  });
});

describe("criticalPath", () => {
  const r = (id: string, type: string, dependsOn: string[]): DesiredResource => ({ resourceId: id, type, apiVersion: "v", dependsOn, body: {}, label: id });

  it("is the longest chain of durations through the graph", () => {
    const d = [r("rg", "RG", []), r("pip", "PIP", ["rg"]), r("vnet", "VNET", ["rg"]), r("fw", "FW", ["pip", "vnet"]), r("id", "ID", ["rg"]), r("aks", "AKS", ["fw", "id"])];
    assert.deepEqual(criticalPath(d, { RG: 1, PIP: 5, VNET: 3, FW: 300, ID: 2, AKS: 400 }), { duration: 706, path: ["rg", "pip", "fw", "aks"] });
  });

  it("gives unknown types no duration, and an empty plan zero", () => {
    assert.deepEqual(criticalPath([r("a", "X", []), r("b", "Y", ["a"])], { Y: 4 }), { duration: 4, path: ["a", "b"] });
    assert.deepEqual(criticalPath([], {}), { duration: 0, path: [] });
  });

  it("on a real firewall plan the path runs through the firewall", () => {
    const d = plan(FW_SIMPLE);
    assert.deepEqual(criticalPath(d, { [T.fw]: 300, [T.aks]: 400, [T.subnet]: 5, [T.vnet]: 5, [T.rg]: 1 }), { duration: 711, path: [RG, VNET, FW_SUBNET, FW, CLUSTER] });
  });
});

describe("planToJson", () => {
  it("has exactly operations with action, type, resourceId, apiVersion, dependsOn, body", () => {
    const d = plan({ outboundType: "managedNATGateway" });
    const json = planToJson(diffPlan(d, new Map()));
    assert.deepEqual(Object.keys(json), ["operations"]);
    assert.deepEqual(json.operations[1], { action: "create", type: T.id, resourceId: IDENTITY, apiVersion: "2024-11-30", dependsOn: [RG], body: { location: "westeurope", tags: TAGS } });
    for (const o of json.operations) assert.deepEqual(Object.keys(o), ["action", "type", "resourceId", "apiVersion", "dependsOn", "body"]);
  });

  it("adds refusals only when there are some", () => {
    const p: Plan = { operations: [], refusals: [{ resourceId: CLUSTER, reason: "r" }] };
    assert.deepEqual(planToJson(p), { operations: [], refusals: [{ resourceId: CLUSTER, reason: "r" }] });
  });
});

describe("plan: outbound profiles reach the cluster body", () => {
  const profile = (input: SpecInput): Record<string, unknown> =>
    (byId(plan(input), CLUSTER).body["properties"] as { networkProfile: Record<string, unknown> }).networkProfile;
  it("sends the user's load balancer profile with outboundType loadBalancer", () => {
    const np = profile({ vnet: VNET_IN, loadBalancerProfile: { managedOutboundIPs: { count: 3 }, idleTimeoutInMinutes: 30 } });
    assert.deepEqual(np["loadBalancerProfile"], { managedOutboundIPs: { count: 3 }, idleTimeoutInMinutes: 30 });
  });
  it("sends the NAT gateway profile with the user's IP count and idle timeout", () => {
    const np = profile({ outboundType: "managedNATGateway", natGatewayProfile: { managedOutboundIPProfile: { count: 4 }, idleTimeoutInMinutes: 10 } });
    assert.deepEqual(np["natGatewayProfile"], { managedOutboundIPProfile: { count: 4 }, idleTimeoutInMinutes: 10 });
    assert.equal(np["loadBalancerProfile"], undefined);
  });
  it("defaults the managed NAT gateway to one IP", () => {
    assert.deepEqual(profile({ outboundType: "managedNATGateway" })["natGatewayProfile"], { managedOutboundIPProfile: { count: 1 } });
  });
});
