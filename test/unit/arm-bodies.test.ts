import assert from "node:assert/strict";
import {
  API_VERSIONS,
  agentPoolProfile,
  childId,
  dnsPrefixFor,
  firewallBody,
  firewallPolicyBody,
  managedClusterBody,
  nameOf,
  natGatewayBody,
  providerId,
  publicIpBody,
  resourceGroupId,
  roleAssignmentBody,
  roleAssignmentId,
  roleAssignmentName,
  roleDefinitionId,
  route,
  routeChildBody,
  routeTableBody,
  ruleCollectionGroupBody,
  subnetBody,
  vnetBody,
} from "../../src/core/arm-bodies.ts";

const RG = resourceGroupId("s", "r");
const SUBNET = childId(providerId(RG, "Microsoft.Network/virtualNetworks", "v"), "subnets", "a");
const IDENTITY = providerId(RG, "Microsoft.ManagedIdentity/userAssignedIdentities", "i");
const ROLE = roleDefinitionId("s", "4d97b98b-1d4f-4787-a291-c67834d212e7");
const TAGS = { t: "v" };

describe("arm-bodies: ids", () => {
  it("builds resource group, provider, child and role ids", () => {
    assert.equal(RG, "/subscriptions/s/resourceGroups/r");
    assert.equal(SUBNET, "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v/subnets/a");
    assert.equal(ROLE, "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/4d97b98b-1d4f-4787-a291-c67834d212e7");
    assert.equal(roleAssignmentId(SUBNET, "g"), `${SUBNET}/providers/Microsoft.Authorization/roleAssignments/g`);
    assert.equal(nameOf(SUBNET), "a");
  });

  it("names role assignments with a deterministic GUID of scope, identity and role", () => {
    const name = roleAssignmentName(SUBNET, IDENTITY, ROLE);
    assert.equal(name, "2c411602-3f22-5a2e-aa0c-85805fad3cdc");
    assert.match(name, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(roleAssignmentName(SUBNET.toUpperCase(), IDENTITY.toLowerCase(), ROLE), name, "ARM ids are case-insensitive");
  });

  it("gives a different GUID for each scope, identity or role", () => {
    const names = new Set([
      roleAssignmentName(SUBNET, IDENTITY, ROLE),
      roleAssignmentName(`${SUBNET}x`, IDENTITY, ROLE),
      roleAssignmentName(SUBNET, `${IDENTITY}x`, ROLE),
      roleAssignmentName(SUBNET, IDENTITY, `${ROLE}x`),
    ]);
    assert.equal(names.size, 4);
  });

  it("pins the api-versions the installed SDK clients send", () => {
    assert.deepEqual(API_VERSIONS, { resources: "2025-04-01", network: "2026-01-01", msi: "2024-11-30", authorization: "2022-04-01", containerService: "2026-06-01" });
  });
});

describe("arm-bodies: bodies", () => {
  it("VNet: address spaces, never a subnet list", () => {
    assert.deepEqual(vnetBody("l", TAGS, ["10.0.0.0/16"]), { location: "l", tags: TAGS, properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } });
  });

  const subnetCases: [string, Parameters<typeof subnetBody>[1], Record<string, unknown>][] = [
    ["bare", undefined, { addressPrefix: "10.0.0.0/24" }],
    ["with route table", { routeTableId: "rt" }, { addressPrefix: "10.0.0.0/24", routeTable: { id: "rt" } }],
    ["with NAT gateway", { natGatewayId: "nat" }, { addressPrefix: "10.0.0.0/24", natGateway: { id: "nat" } }],
  ];
  for (const [name, opts, properties] of subnetCases) {
    it(`subnet ${name}`, () => assert.deepEqual(subnetBody("10.0.0.0/24", opts), { properties }));
  }

  it("public IP: Standard, static, IPv4", () => {
    assert.deepEqual(publicIpBody("l", TAGS), {
      location: "l",
      tags: TAGS,
      sku: { name: "Standard", tier: "Regional" },
      properties: { publicIPAllocationMethod: "Static", publicIPAddressVersion: "IPv4" },
    });
  });

  it("NAT gateway with its public IP", () => {
    assert.deepEqual(natGatewayBody("l", TAGS, "pip"), { location: "l", tags: TAGS, sku: { name: "Standard" }, properties: { idleTimeoutInMinutes: 4, publicIpAddresses: [{ id: "pip" }] } });
  });

  it("routes: next hop IP only when given; tables and child routes", () => {
    const r = route("d", "0.0.0.0/0", "VirtualAppliance", "10.0.4.4");
    assert.deepEqual(route("i", "1.2.3.4/32", "Internet"), { name: "i", properties: { addressPrefix: "1.2.3.4/32", nextHopType: "Internet" } });
    assert.deepEqual(routeTableBody("l", TAGS, [r]), {
      location: "l",
      tags: TAGS,
      properties: { disableBgpRoutePropagation: false, routes: [{ name: "d", properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.4.4" } }] },
    });
    assert.deepEqual(routeChildBody(r), { properties: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.4.4" } });
  });

  it("firewall: SKU, IP configuration and the rule collections in one body", () => {
    const body = firewallBody("l", TAGS, { tier: "Standard", subnetId: "sn", publicIpId: "pip", classic: { applicationRuleCollections: [{ name: "a" }], networkRuleCollections: [{ name: "n" }] } });
    assert.deepEqual(body, {
      location: "l",
      tags: TAGS,
      properties: {
        sku: { name: "AZFW_VNet", tier: "Standard" },
        threatIntelMode: "Alert",
        ipConfigurations: [{ name: "ipconfig", properties: { subnet: { id: "sn" }, publicIPAddress: { id: "pip" } } }],
        applicationRuleCollections: [{ name: "a" }],
        networkRuleCollections: [{ name: "n" }],
      },
    });
  });

  it("firewall with a policy: no classic rules, a policy reference and a management configuration", () => {
    const body = firewallBody("l", TAGS, { tier: "Basic", subnetId: "sn", publicIpId: "pip", management: { subnetId: "msn", publicIpId: "mpip" }, firewallPolicyId: "pol" });
    assert.deepEqual(body["properties"], {
      sku: { name: "AZFW_VNet", tier: "Basic" },
      threatIntelMode: "Alert",
      ipConfigurations: [{ name: "ipconfig", properties: { subnet: { id: "sn" }, publicIPAddress: { id: "pip" } } }],
      managementIpConfiguration: { name: "mgmt-ipconfig", properties: { subnet: { id: "msn" }, publicIPAddress: { id: "mpip" } } },
      firewallPolicy: { id: "pol" },
    });
  });

  it("firewall policy of the firewall's tier, and its rule collection group", () => {
    assert.deepEqual(firewallPolicyBody("l", TAGS, "Premium"), { location: "l", tags: TAGS, properties: { sku: { tier: "Premium" }, threatIntelMode: "Alert" } });
    assert.deepEqual(ruleCollectionGroupBody(200, [{ name: "c" }]), { properties: { priority: 200, ruleCollections: [{ name: "c" }] } });
  });

  it("role assignment: a service principal with a description", () => {
    assert.deepEqual(roleAssignmentBody(ROLE, "p", "aks-net:r/c"), { properties: { roleDefinitionId: ROLE, principalId: "p", principalType: "ServicePrincipal", description: "aks-net:r/c" } });
  });

  const pool = { name: "p", mode: "System", count: 3, vmSize: "Standard_D4s_v5", osType: "Linux", enableAutoScaling: false };
  it("agent pool: min/max only with the autoscaler; maxSurge as a string", () => {
    assert.deepEqual(agentPoolProfile({ ...pool, minCount: 1, maxCount: 4, maxSurge: 1 }), { ...pool, type: "VirtualMachineScaleSets", upgradeSettings: { maxSurge: "1" } });
    assert.deepEqual(agentPoolProfile({ ...pool, enableAutoScaling: true, minCount: 1, maxCount: 4, maxPods: 30, vnetSubnetId: "n", podSubnetId: "p" }), {
      ...pool,
      type: "VirtualMachineScaleSets",
      maxPods: 30,
      enableAutoScaling: true,
      minCount: 1,
      maxCount: 4,
      vnetSubnetID: "n",
      podSubnetID: "p",
    });
  });

  it("managed cluster: user-assigned identity, version only when given", () => {
    const body = managedClusterBody({ location: "l", tags: TAGS, identityId: IDENTITY, dnsPrefix: "c", pools: [pool], networkProfile: { networkPlugin: "azure" } });
    assert.deepEqual(body, {
      location: "l",
      tags: TAGS,
      identity: { type: "UserAssigned", userAssignedIdentities: { [IDENTITY]: {} } },
      properties: { dnsPrefix: "c", agentPoolProfiles: [{ ...pool, type: "VirtualMachineScaleSets" }], networkProfile: { networkPlugin: "azure" } },
    });
    const versioned = managedClusterBody({ location: "l", tags: TAGS, identityId: IDENTITY, dnsPrefix: "c", kubernetesVersion: "1.33", pools: [], networkProfile: {} });
    assert.equal((versioned["properties"] as Record<string, unknown>)["kubernetesVersion"], "1.33");
  });

  const prefixes: [string, string][] = [
    ["aks1", "aks1"],
    ["my_cluster.prod", "my-cluster-prod"],
    ["_x_", "x"],
    ["___", "aks"],
    ["a".repeat(60), "a".repeat(54)],
  ];
  for (const [name, want] of prefixes) {
    it(`DNS prefix for '${name.slice(0, 12)}' is '${want.slice(0, 12)}'`, () => assert.equal(dnsPrefixFor(name), want));
  }
});
