import assert from "node:assert/strict";
import type { LiveFacts, SpecInput } from "../../../src/core/spec.ts";
import { isAllowed, requiredActions } from "../../../src/validators/live.ts";
import { resolveSpec } from "../../../src/core/resolve.ts";
import { computeCapacity } from "../../../src/core/capacity.ts";
import { validateSpec } from "../../../src/validators/index.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

const SUB = "/subscriptions/s1/resourceGroups/net/providers/Microsoft.Network";
const SUBNET_ID = `${SUB}/virtualNetworks/spoke/subnets/aks`;
const RT_ID = `${SUB}/routeTables/rt-aks`;
const OTHER = "/subscriptions/s1/resourceGroups/other/providers/Microsoft.ContainerService/managedClusters/old";

/** BASE plus live facts (the node subnet exists as 10.10.0.0/22). */
function withLive(live: LiveFacts, extra: SpecInput = {}): SpecInput {
  return { ...BASE, ...extra, vnet: { ...BASE.vnet, ...extra.vnet }, live };
}
const nodeSubnet = { id: SUBNET_ID, name: "aks", cidr: "10.10.0.0/22" };
const ALL: LiveFacts["permissions"] = [{ kind: "resourceGroup", scope: "/subscriptions/s1/resourceGroups/net", permissions: [{ actions: ["*"], notActions: [] }] }];

describe("validators/live", () => {
  it("finds nothing offline (no live facts)", () => {
    assert.deepEqual(check(BASE).filter((f) => f.rule.startsWith("LIVE-")), []);
  });

  it("LIVE-VNET-01: a VNet that does not exist yet is an info, not an error", () => {
    const f = byRule(check(withLive({ vnet: { id: "", name: "spoke", exists: false, addressSpaces: [] } })), "LIVE-VNET-01");
    assert.equal(f.length, 1);
    assert.equal(f[0]?.severity, "info");
    assert.match(f[0]?.message ?? "", /spoke/);
  });

  it("LIVE-VNET-01: with no VNet named, says that nothing of the network was read", () => {
    const f = byRule(check(withLive({ peerings: [] })), "LIVE-VNET-01");
    assert.match(f[0]?.message ?? "", /no VNet named/);
    assert.equal(byRule(check(withLive({ vnet: { id: "x", name: "spoke", exists: true, addressSpaces: ["10.10.0.0/16"] } })), "LIVE-VNET-01").length, 0);
  });

  it("LIVE-VNET-02: Azure's address spaces differ from the user's", () => {
    const f = byRule(check(withLive({ vnet: { id: "x", name: "spoke", exists: true, addressSpaces: ["10.20.0.0/16"] } })), "LIVE-VNET-02");
    assert.equal(f.length, 1);
    assert.match(f[0]?.message ?? "", /10\.20\.0\.0\/16.*10\.10\.0\.0\/16/);
    assert.equal(byRule(check(withLive({ vnet: { id: "x", name: "spoke", exists: true, addressSpaces: ["10.10.0.0/16"] } })), "LIVE-VNET-02").length, 0);
  });

  it("LIVE-VNET-03: a --vnet-subnet-id that does not exist is an error; LIVE-VNET-04: a named one is an info", () => {
    const byId = byRule(check(withLive({ vnet: { id: "x", name: "spoke", exists: true, addressSpaces: ["10.10.0.0/16"] }, nodeSubnetMissing: { name: "aks", byId: true } })), "LIVE-VNET-03");
    assert.equal(byId[0]?.severity, "error");
    const byName = byRule(check(withLive({ vnet: { id: "x", name: "spoke", exists: true, addressSpaces: ["10.10.0.0/16"] }, nodeSubnetMissing: { name: "aks", byId: false } })), "LIVE-VNET-04");
    assert.equal(byName[0]?.severity, "info");
  });

  it("LIVE-SUBNET-01: a delegated node subnet is an error naming the service", () => {
    const f = byRule(check(withLive({ nodeSubnet: { ...nodeSubnet, delegations: ["Microsoft.Web/serverFarms"] } })), "LIVE-SUBNET-01");
    assert.equal(f.length, 1);
    assert.equal(f[0]?.severity, "error");
    assert.match(f[0]?.message ?? "", /Microsoft\.Web\/serverFarms/);
  });

  it("LIVE-SUBNET-02: another cluster on the node subnet: error with kubenet, warning otherwise; never the cluster itself", () => {
    const facts: LiveFacts = { nodeSubnet: { ...nodeSubnet, usedBy: [OTHER] }, clusters: [{ id: OTHER, name: "old", networkPlugin: "azure", subnetIds: [SUBNET_ID] }] };
    assert.equal(byRule(check(withLive(facts)), "LIVE-SUBNET-02")[0]?.severity, "warning");
    const kubenet = byRule(check(withLive(facts, { networkPlugin: "kubenet", networkPluginMode: undefined })), "LIVE-SUBNET-02");
    assert.equal(kubenet[0]?.severity, "error");
    assert.match(kubenet[0]?.message ?? "", /old/);
    assert.equal(byRule(check(withLive({ ...facts, existingCluster: OTHER })), "LIVE-SUBNET-02").length, 0);
  });

  it("LIVE-SUBNET-03: the node subnet exists with another prefix", () => {
    const f = byRule(check(withLive({ nodeSubnet: { ...nodeSubnet, cidr: "10.10.4.0/24" } })), "LIVE-SUBNET-03");
    assert.equal(f.length, 1);
    assert.match(f[0]?.message ?? "", /10\.10\.4\.0\/24/);
  });

  it("LIVE-RT-01: UDR with no route table on the existing node subnet", () => {
    const f = byRule(check(withLive({ nodeSubnet }, { outboundType: "userDefinedRouting", vnetSubnetId: SUBNET_ID })), "LIVE-RT-01");
    assert.equal(f.length, 1);
    assert.equal(f[0]?.severity, "error");
    const ok = byRule(check(withLive({ nodeSubnet: { ...nodeSubnet, routeTableId: RT_ID } }, { outboundType: "userDefinedRouting", vnetSubnetId: SUBNET_ID })), "LIVE-RT-01");
    assert.equal(ok.length, 0);
  });

  it("LIVE-RT-01: a route table shared with another cluster's subnet", () => {
    const otherSubnet = `${SUB}/virtualNetworks/spoke/subnets/old`;
    const facts: LiveFacts = {
      nodeSubnet: { ...nodeSubnet, routeTableId: RT_ID },
      routeTable: { id: RT_ID, routes: [], subnetIds: [SUBNET_ID, otherSubnet] },
      clusters: [{ id: OTHER, name: "old", networkPlugin: "kubenet", subnetIds: [otherSubnet] }],
    };
    const f = byRule(check(withLive(facts, { networkPlugin: "kubenet", networkPluginMode: undefined })), "LIVE-RT-01");
    assert.equal(f[0]?.severity, "error");
    assert.match(f[0]?.message ?? "", /rt-aks.*old/);
  });

  it("live routes feed the offline OUT rules (no LIVE copy of OUT-03)", () => {
    const { spec } = resolveSpec([{ source: "flag", input: { ...BASE, outboundType: "userDefinedRouting" } }, { source: "live", input: { routes: [{ prefix: "0.0.0.0/0", nextHopType: "Internet" }] } }]);
    assert.deepEqual(spec.routes, [{ prefix: "0.0.0.0/0", nextHopType: "Internet" }]);
  });

  it("live ranges add to the user's: a --connected-cidr flag does not hide peered ranges or Azure's subnets", () => {
    const { spec } = resolveSpec([
      { source: "flag", input: { ...BASE, connectedCidrs: ["192.168.0.0/16"], vnet: { ...BASE.vnet, existingSubnets: [{ name: "appgw", cidr: "10.10.8.0/24" }] } } },
      { source: "live", input: { connectedCidrs: ["192.168.0.0/16", "10.0.0.0/16"], vnet: { existingSubnets: [{ name: "appgw", cidr: "10.10.9.0/24" }, { name: "pe", cidr: "10.10.10.0/24" }] } } },
    ]);
    assert.deepEqual(spec.connectedCidrs, ["192.168.0.0/16", "10.0.0.0/16"]);
    assert.deepEqual(spec.vnet.existingSubnets, [{ name: "appgw", cidr: "10.10.8.0/24" }, { name: "pe", cidr: "10.10.10.0/24" }]);
    // The peered 10.0.0.0/16 overlaps the default service CIDR: the offline rule sees it.
    assert.equal(byRule(validateSpec(spec), "OVL-03").length, 1);
  });

  it("LIVE-NAT-01: userAssignedNATGateway with no NAT gateway on the subnet", () => {
    assert.equal(byRule(check(withLive({ nodeSubnet }, { outboundType: "userAssignedNATGateway", vnetSubnetId: SUBNET_ID })), "LIVE-NAT-01").length, 1);
    assert.equal(byRule(check(withLive({ nodeSubnet: { ...nodeSubnet, natGatewayId: `${SUB}/natGateways/nat` } }, { outboundType: "userAssignedNATGateway", vnetSubnetId: SUBNET_ID })), "LIVE-NAT-01").length, 0);
  });

  it("LIVE-NAT-02: dual-stack decides on the NAT gateway's SKU read live: Standard is IPv4-only, StandardV2 serves both", () => {
    const dual: SpecInput = { outboundType: "userAssignedNATGateway", vnetSubnetId: SUBNET_ID, ipFamilies: ["IPv4", "IPv6"] };
    const nat = `${SUB}/natGateways/nat`;
    const standard = check(withLive({ nodeSubnet: { ...nodeSubnet, natGatewayId: nat, natGatewaySku: "Standard" } }, dual));
    assert.equal(byRule(standard, "LIVE-NAT-02").length, 1);
    assert.equal(byRule(standard, "LIVE-NAT-02")[0]?.severity, "error");
    assert.equal(byRule(standard, "CMP-11").length, 0, "the live verdict replaces the offline warning");
    const v2 = check(withLive({ nodeSubnet: { ...nodeSubnet, natGatewayId: nat, natGatewaySku: "StandardV2" } }, dual));
    assert.deepEqual([byRule(v2, "LIVE-NAT-02").length, byRule(v2, "CMP-11").length], [0, 0]);
    assert.equal(byRule(check(withLive({ nodeSubnet: { ...nodeSubnet, natGatewayId: nat, natGatewaySku: "Standard" } }, { ...dual, ipFamilies: ["IPv4"] })), "LIVE-NAT-02").length, 0);
  });

  it("LIVE-VER-01: a version the region does not offer (minor or exact patch)", () => {
    const kubernetesVersions = { location: "westeurope", minors: ["1.32", "1.31", "1.33"], patches: ["1.32.4", "1.32.5", "1.31.9", "1.33.1"] };
    const at = (kubernetesVersion: string) => byRule(check(withLive({ kubernetesVersions }, { kubernetesVersion })), "LIVE-VER-01");
    const f = at("1.27");
    assert.equal(f.length, 1);
    assert.match(f[0]?.message ?? "", /not offered in westeurope \(AKS offers 1\.31, 1\.32, 1\.33\)/);
    assert.match(at("1.32.9")[0]?.fix ?? "", /1\.32\.4, 1\.32\.5/);
    for (const ok of ["1.32", "1.33.1", "v1.31"]) assert.deepEqual(at(ok), [], ok);
    // Offered minors in numeric order, not text order (1.9 before 1.10).
    const older = { location: "westeurope", minors: ["1.10", "1.9", "1.11"], patches: [] };
    assert.match(byRule(check(withLive({ kubernetesVersions: older }, { kubernetesVersion: "1.8" })), "LIVE-VER-01")[0]?.message ?? "", /\(AKS offers 1\.9, 1\.10, 1\.11\)/);
    assert.deepEqual(byRule(check(withLive({}, { kubernetesVersion: "1.20" })), "LIVE-VER-01"), [], "not read, not judged");
  });

  it("LIVE-PEER-01: a peering that is not Connected", () => {
    const f = byRule(check(withLive({ peerings: [{ name: "to-hub", state: "Initiated", addressSpaces: ["10.50.0.0/16"] }, { name: "ok", state: "Connected", addressSpaces: [] }] })), "LIVE-PEER-01");
    assert.equal(f.length, 1);
    assert.match(f[0]?.message ?? "", /to-hub.*Initiated/);
  });

  it("LIVE-PEER-02: a gateway in play and no on-premises range given → info; given → quiet", () => {
    const facts: LiveFacts = { peerings: [{ name: "to-hub", state: "Connected", addressSpaces: ["10.50.0.0/16"], useRemoteGateways: true }] };
    const f = byRule(check(withLive(facts, { connectedCidrs: ["10.50.0.0/16"] })), "LIVE-PEER-02");
    assert.match(f[0]?.message ?? "", /to-hub/);
    assert.equal(byRule(check(withLive(facts, { connectedCidrs: ["10.50.0.0/16", "192.168.0.0/16"] })), "LIVE-PEER-02").length, 0);
    assert.equal(byRule(check(withLive({ peerings: [{ name: "p", state: "Connected", addressSpaces: [] }] })), "LIVE-PEER-02").length, 0);
    assert.equal(byRule(check(withLive({ vnet: { id: "x", name: "spoke", exists: true, addressSpaces: ["10.10.0.0/16"], gatewaySubnet: true } })), "LIVE-PEER-02").length, 1);
  });

  it("LIVE-CLUSTER-01: a kubenet cluster in the VNet routes an overlapping pod CIDR", () => {
    const f = byRule(check(withLive({ clusters: [{ id: OTHER, name: "old", networkPlugin: "kubenet", podCidr: "10.244.0.0/16", subnetIds: [] }] })), "LIVE-CLUSTER-01");
    assert.equal(f.length, 1);
    assert.equal(byRule(check(withLive({ clusters: [{ id: OTHER, name: "old", networkPlugin: "azure", podCidr: "10.244.0.0/16", subnetIds: [] }] })), "LIVE-CLUSTER-01").length, 0);
  });

  describe("permissions", () => {
    it("wildcards: *, Microsoft.Network/*, */read, and notActions in the same entry", () => {
      assert.ok(isAllowed("Microsoft.Network/routeTables/write", [{ actions: ["*"], notActions: [] }]));
      assert.ok(isAllowed("Microsoft.Network/routeTables/write", [{ actions: ["Microsoft.Network/*"], notActions: [] }]));
      assert.ok(isAllowed("microsoft.network/ROUTETABLES/write", [{ actions: ["Microsoft.Network/*"], notActions: [] }]));
      assert.equal(isAllowed("Microsoft.Network/routeTables/write", [{ actions: ["*/read"], notActions: [] }]), false);
      assert.ok(isAllowed("Microsoft.Network/routeTables/read", [{ actions: ["*/read"], notActions: [] }]));
      assert.equal(isAllowed("Microsoft.Authorization/roleAssignments/write", [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }]), false);
      // A notAction removes only from its own entry: another role can still grant it.
      assert.ok(isAllowed("Microsoft.Authorization/roleAssignments/write", [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Write"] }, { actions: ["Microsoft.Authorization/roleAssignments/*"], notActions: [] }]));
      // Dots are literal, not regex wildcards.
      assert.equal(isAllowed("MicrosoftXNetwork/routeTables/write", [{ actions: ["Microsoft.Network/*"], notActions: [] }]), false);
    });

    it("required actions follow the spec: firewall, new VNet, kubenet route table", () => {
      const { spec } = resolveSpec([{ source: "flag", input: { ...BASE, firewall: { enabled: true } } }]);
      const rg = requiredActions(spec, { vnet: { id: "", name: "v", exists: false, addressSpaces: [] } }).find((r) => r.kind === "resourceGroup")?.actions ?? [];
      for (const a of ["Microsoft.Network/azureFirewalls/write", "Microsoft.Network/routeTables/write", "Microsoft.Network/virtualNetworks/write", "Microsoft.ContainerService/managedClusters/write"]) assert.ok(rg.includes(a), a);
      const { spec: plain } = resolveSpec([{ source: "flag", input: BASE }]);
      const plainRg = requiredActions(plain, { nodeSubnet }).find((r) => r.kind === "resourceGroup")?.actions ?? [];
      assert.equal(plainRg.includes("Microsoft.Network/azureFirewalls/write"), false);
    });

    it("LIVE-PERM-01 names the missing actions; Contributor lacks role assignments", () => {
      const contributor = [{ actions: ["*"], notActions: ["Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action"] }];
      const f = byRule(
        check(withLive({ nodeSubnet, permissions: [{ kind: "resourceGroup", scope: "/subscriptions/s1/resourceGroups/net", permissions: contributor }] })),
        "LIVE-PERM-01",
      );
      assert.equal(f.length, 1);
      assert.match(f[0]?.message ?? "", /Microsoft\.Authorization\/roleAssignments\/write/);
      assert.doesNotMatch(f[0]?.message ?? "", /managedClusters/);
      assert.match(f[0]?.fix ?? "", /--role "User Access Administrator" --scope \/subscriptions\/s1\/resourceGroups\/net/);
      assert.doesNotMatch(f[0]?.fix ?? "", /Network Contributor/);
    });

    it("LIVE-PERM-01: a reader may do nothing create needs", () => {
      const f = byRule(check(withLive({ nodeSubnet, permissions: [{ kind: "resourceGroup", scope: "/subscriptions/s1/resourceGroups/net", permissions: [{ actions: ["*/read"], notActions: [] }] }] })), "LIVE-PERM-01");
      assert.ok(f.length >= 1);
      assert.match(f.map((x) => x.message).join("\n"), /managedClusters\/write.*\n?[\s\S]*subnets\/join\/action/);
    });

    it("an Owner passes; a subnet scope read on its own wins over the group's", () => {
      assert.equal(byRule(check(withLive({ nodeSubnet, permissions: ALL })), "LIVE-PERM-01").length, 0);
      const subnetOnly = [...(ALL ?? []), { kind: "subnet" as const, scope: SUBNET_ID, permissions: [{ actions: ["*/read"], notActions: [] }] }];
      const f = byRule(check(withLive({ nodeSubnet, permissions: subnetOnly })), "LIVE-PERM-01");
      assert.equal(f.length, 1);
      assert.match(f[0]?.message ?? "", /subnet 'aks'/);
    });

    it("LIVE-PERM-02: reads Azure refused (clusters, quota) are named in a warning", () => {
      const f = byRule(check(withLive({ unreadable: ["AKS clusters of the subscription (AuthorizationFailed)"] })), "LIVE-PERM-02");
      assert.equal(f.length, 1);
      assert.match(f[0]?.message ?? "", /AKS clusters of the subscription/);
    });

    it("LIVE-PERM-02: unreadable permissions are a warning", () => {
      const f = byRule(check(withLive({ permissions: [{ kind: "resourceGroup", scope: "/subscriptions/s1/resourceGroups/net", permissions: [], unreadable: "AuthorizationFailed" }] })), "LIVE-PERM-02");
      assert.equal(f.length, 1);
    });
  });

  describe("quota", () => {
    const quota = (limit: number, used: number): LiveFacts["quota"] => ({
      location: "westeurope",
      usages: [
        { name: "cores", used, limit: 1000 },
        { name: "standardDSv5Family", used, limit },
      ],
      sizes: [{ vmSize: "Standard_D4s_v5", family: "standardDSv5Family", vcpus: 4, available: true }],
    });
    const pools = { nodePools: [{ vmSize: "Standard_D4s_v5", count: 3, enableAutoScaling: true, maxCount: 10 }] };

    it("LIVE-QUOTA-01: (autoscaler max + surge) × vCPUs above the free family quota, naming the numbers", () => {
      // (10 + 1) × 4 = 44 vCPUs; 50 - 10 = 40 free.
      const f = byRule(check(withLive({ quota: quota(50, 10) }, pools)), "LIVE-QUOTA-01");
      assert.equal(f.length, 1);
      assert.match(f[0]?.message ?? "", /44 vCPUs.*standardDSv5Family.*quota 50, used 10, free 40/);
      assert.equal(byRule(check(withLive({ quota: quota(54, 10) }, pools)), "LIVE-QUOTA-01").length, 0);
    });

    it("LIVE-QUOTA-01 is not raised for a cluster that already exists (its vCPUs are in the usage)", () => {
      assert.equal(byRule(check(withLive({ quota: quota(50, 10) }, pools)), "LIVE-QUOTA-01").length, 1);
      assert.equal(byRule(check(withLive({ quota: quota(50, 10), existingCluster: OTHER }, pools)), "LIVE-QUOTA-01").length, 0);
    });

    it("LIVE-QUOTA-01: the total regional vCPU quota counts too", () => {
      const q = quota(1000, 0);
      if (q) q.usages[0] = { name: "cores", used: 90, limit: 100 };
      const f = byRule(check(withLive({ quota: q }, pools)), "LIVE-QUOTA-01");
      assert.equal(f.length, 1);
      assert.match(f[0]?.message ?? "", /total regional vCPUs/);
    });

    it("LIVE-QUOTA-02: a VM size the region does not offer; LIVE-QUOTA-03: no region known", () => {
      const q = quota(100, 0);
      if (q) q.sizes = [{ vmSize: "Standard_D4s_v5", available: false }];
      assert.equal(byRule(check(withLive({ quota: q }, pools)), "LIVE-QUOTA-02").length, 1);
      assert.equal(byRule(check(withLive({ quotaNotChecked: "no region" })), "LIVE-QUOTA-03").length, 1);
    });

    it("a pool without a VM size is checked at create's default size (Standard_D4s_v5)", () => {
      // 3 nodes + 1 surge = 4 × 4 vCPUs = 16 > 10 free.
      const f = byRule(check(withLive({ quota: quota(10, 0) })), "LIVE-QUOTA-01");
      assert.match(f[0]?.message ?? "", /Standard_D4s_v5 4 vCPUs × 4 nodes.*need 16 vCPUs/);
    });
  });

  it("LIVE-USAGE-01: the pod subnet's free addresses against what its pods need", () => {
    // Azure CNI pod subnet: what the capacity model says (3 nodes + 1 surge, 30 max pods), against what is free.
    const input: SpecInput = { networkPlugin: "azure", vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/24", podSubnetCidr: "10.10.4.0/24" }, nodePools: [{ maxPods: 30 }] };
    const need = computeCapacity(resolveSpec([{ source: "flag", input }]).spec).podSubnet?.required ?? 0;
    assert.ok(need >= 120);
    const pod = { id: `${SUB}/virtualNetworks/spoke/subnets/pods`, name: "pods", cidr: "10.10.4.0/24", limit: 251 };
    const f = byRule(check({ ...input, live: { podSubnet: { ...pod, used: 251 - need + 1 } } }), "LIVE-USAGE-01");
    assert.equal(f.length, 1);
    assert.deepEqual(f[0]?.fields, ["vnet.podSubnetCidr"]);
    assert.match(f[0]?.message ?? "", new RegExp(`pod subnet 'pods'.* ${need - 1} free addresses.*needs ${need}`));
    assert.equal(byRule(check({ ...input, live: { podSubnet: { ...pod, used: 251 - need } } }), "LIVE-USAGE-01").length, 0);
  });

  it("LIVE-USAGE-01: free addresses in the node subnet below what the cluster needs", () => {
    // Overlay: one address per node; 3 nodes + 1 surge = 4 needed.
    const f = byRule(check(withLive({ nodeSubnet: { ...nodeSubnet, used: 1016, limit: 1019 } })), "LIVE-USAGE-01");
    assert.equal(f.length, 1);
    assert.match(f[0]?.message ?? "", /3 free addresses.*needs 4/);
    assert.equal(byRule(check(withLive({ nodeSubnet: { ...nodeSubnet, used: 1015, limit: 1019 } })), "LIVE-USAGE-01").length, 0);
    assert.equal(byRule(check(withLive({ nodeSubnet: { ...nodeSubnet, used: 1016, limit: 1019 }, existingCluster: OTHER })), "LIVE-USAGE-01").length, 0);
  });
});
