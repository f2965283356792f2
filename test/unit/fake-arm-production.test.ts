/** The fake ARM's zone and API server access behaviour (issue 11 items 1, 2), through the real SDK clients as the CLI sends. */
import assert from "node:assert/strict";
import type { TokenCredential } from "@azure/core-auth";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { NetworkManagementClient } from "@azure/arm-network";
import { ComputeManagementClient } from "@azure/arm-compute";
import { FAKE_SUBSCRIPTION_ID, fakeToken, startFakeArm } from "../fakes/fake-arm.ts";
import type { FakeArm } from "../fakes/fake-arm.ts";

const credential: TokenCredential = {
  getToken: async (scopes) => ({ token: fakeToken([scopes].flat()[0]!.replace(/\/\.default$/, "")), expiresOnTimestamp: Date.now() + 3_600_000, tokenType: "Bearer" }),
};
const poll = { updateIntervalInMs: 1 };

async function refusal(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { code?: string; message: string };
  }
  throw new Error("expected a refusal");
}

describe("fake ARM: zones, API server access, tag names", function () {
  this.timeout(10_000);
  let fake: FakeArm;
  let net: NetworkManagementClient;
  let aks: ContainerServiceClient;
  let compute: ComputeManagementClient;
  before(async () => {
    fake = await startFakeArm({ polls: 1, skus: [{ name: "Standard_D4s_v5", family: "standardDSv5Family", vCPUs: 4, memoryGB: 16, zones: ["1", "2"], restrictedZones: ["2"] }] });
    const common = { endpoint: fake.url, tlsOptions: { ca: fake.caPem }, retryOptions: { maxRetries: 0 }, credentialScopes: ["https://management.azure.com/.default"] };
    net = new NetworkManagementClient(credential, FAKE_SUBSCRIPTION_ID, common);
    aks = new ContainerServiceClient(credential, FAKE_SUBSCRIPTION_ID, common);
    compute = new ComputeManagementClient(credential, FAKE_SUBSCRIPTION_ID, common);
  });
  after(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.seed.resourceGroup("rg", { location: "westeurope" });
  });

  const pip = { sku: { name: "Standard" }, publicIPAllocationMethod: "Static" };

  it("a zone-redundant Standard public IP in a zonal region; its zones cannot change later (Azure's own message)", async () => {
    const made = await net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", "pip", { ...pip, location: "westeurope", zones: ["1", "2", "3"] }, poll);
    assert.deepEqual(made.zones, ["1", "2", "3"]);
    const e = await refusal(net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", "pip", { ...pip, location: "westeurope" }, poll));
    assert.equal(e.code, "ResourceAvailabilityZonesCannotBeModified");
    assert.match(e.message, /existing availability zone constraint 1, 2, 3 and the request has availability zone constraint NoZone/);
  });

  it("zones in a region without them, and on a Basic public IP, are refused", async () => {
    const west = await refusal(net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", "pip", { ...pip, location: "westus", zones: ["1"] }, poll));
    assert.equal(west.code, "ResourceTypeNotSupportAvailabilityZones");
    assert.match(west.message, /'publicIPAddresses' does not support availability zones at location 'westus'/);
    const basic = await refusal(net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", "pip", { sku: { name: "Basic" }, publicIPAllocationMethod: "Static", location: "westeurope", zones: ["1"] }, poll));
    assert.equal(basic.code, "ZonesNotAllowedInBasicSkuResource");
  });

  it("a Standard NAT gateway takes at most one zone", async () => {
    const e = await refusal(net.natGateways.beginCreateOrUpdateAndWait("rg", "nat", { location: "westeurope", sku: { name: "Standard" }, zones: ["1", "2", "3"] }, poll));
    assert.equal(e.code, "ResourceCannotHaveMultipleZonesSpecified");
    const one = await net.natGateways.beginCreateOrUpdateAndWait("rg", "nat", { location: "westeurope", sku: { name: "Standard" }, zones: ["1"] }, poll);
    assert.deepEqual(one.zones, ["1"]);
  });

  it("a StandardV2 NAT gateway takes StandardV2 public IPs only (nat-availability-zones.md), and no gateway changes SKU in place (nat-sku.md)", async () => {
    const v1 = await net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", "pip1", { ...pip, location: "westeurope" }, poll);
    const e = await refusal(net.natGateways.beginCreateOrUpdateAndWait("rg", "nat", { location: "westeurope", sku: { name: "StandardV2" }, publicIpAddresses: [{ id: v1.id! }] }, poll));
    assert.equal(e.code, "NatGatewayStandardV2RequiresStandardV2PublicIp");
    const v2 = await net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", "pip2", { sku: { name: "StandardV2", tier: "Regional" }, publicIPAllocationMethod: "Static", location: "westeurope" }, poll);
    assert.match(String(v2.ipAddress), /^20\./, "a StandardV2 public IP is static: it has its address at once");
    const made = await net.natGateways.beginCreateOrUpdateAndWait("rg", "nat", { location: "westeurope", sku: { name: "StandardV2" }, publicIpAddresses: [{ id: v2.id! }] }, poll);
    assert.equal(made.sku?.name, "StandardV2");
    const down = await refusal(net.natGateways.beginCreateOrUpdateAndWait("rg", "nat", { location: "westeurope", sku: { name: "Standard" }, publicIpAddresses: [{ id: v1.id! }] }, poll));
    assert.equal(down.code, "NatGatewaySkuCannotBeChanged");
  });

  it("IPv6 outbound IPs only on a StandardV2 NAT gateway, and only IPv6 addresses in publicIpAddressesV6 (nat-sku.md)", async () => {
    const v2ip = (name: string, version: "IPv4" | "IPv6") => net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", name, { sku: { name: "StandardV2", tier: "Regional" }, publicIPAllocationMethod: "Static", publicIPAddressVersion: version, location: "westeurope" }, poll);
    const four = await v2ip("v4", "IPv4");
    const six = await v2ip("v6", "IPv6");
    assert.match(String(six.ipAddress), /^2603:/);
    const std = await refusal(net.natGateways.beginCreateOrUpdateAndWait("rg", "n1", { location: "westeurope", sku: { name: "Standard" }, publicIpAddressesV6: [{ id: six.id! }] }, poll));
    assert.equal(std.code, "NatGatewayIPv6RequiresStandardV2");
    const swapped = await refusal(net.natGateways.beginCreateOrUpdateAndWait("rg", "n2", { location: "westeurope", sku: { name: "StandardV2" }, publicIpAddresses: [{ id: six.id! }] }, poll));
    assert.equal(swapped.code, "NatGatewayPublicIpVersionMismatch");
    const ok = await net.natGateways.beginCreateOrUpdateAndWait("rg", "n3", { location: "westeurope", sku: { name: "StandardV2" }, publicIpAddresses: [{ id: four.id! }], publicIpAddressesV6: [{ id: six.id! }] }, poll);
    assert.equal(ok.publicIpAddressesV6?.[0]?.id?.toLowerCase(), six.id!.toLowerCase());
    const inUse = await refusal(net.publicIPAddresses.beginDeleteAndWait("rg", "v6", poll));
    assert.equal(inUse.code, "PublicIPAddressCannotBeDeleted");
  });

  it("AKS refuses a pool zone its VM size lacks there (AvailabilityZoneNotSupported) and the SKU list says which it has", async () => {
    const cluster = (zones: string[]) => ({ location: "westeurope", dnsPrefix: "c", agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D4s_v5", availabilityZones: zones }] });
    const e = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster(["1", "2"]), poll));
    assert.equal(e.code, "AvailabilityZoneNotSupported");
    assert.match(e.message, /The zone\(s\) '1,2' for resource 'system' is not supported. The supported zones for location 'westeurope' are '1'/);
    const made = await aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster(["1"]), poll);
    assert.deepEqual(made.agentPoolProfiles?.[0]?.availabilityZones, ["1"]);
    const changed = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster([]), poll));
    assert.equal(changed.code, "PropertyChangeNotAllowed");
    const skus = [];
    for await (const s of compute.resourceSkus.list({ filter: "location eq 'westeurope'" })) skus.push(s);
    const d4 = skus.find((s) => s.name === "Standard_D4s_v5");
    assert.deepEqual(d4?.locationInfo?.[0]?.zones, ["1", "2"]);
    assert.deepEqual(d4?.restrictions?.find((r) => r.type === "Zone")?.restrictionInfo?.zones, ["2"]);
  });

  it("brought load balancer outbound IPs: Standard only, not another's, and the cluster identity must be able to join them (aks-service-permissions.md)", async () => {
    const rg = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg`;
    const idId = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-lb`;
    fake.put(idId, { location: "westeurope" });
    const mine = fake.seed.publicIp("rg", "mine", { location: "westeurope" });
    const basic = fake.put(`${rg}/providers/Microsoft.Network/publicIPAddresses/basic`, { location: "westeurope", sku: { name: "Basic" }, properties: { publicIPAllocationMethod: "Static" } });
    const cluster = (ip: string) => ({
      location: "westeurope", dnsPrefix: "c", identity: { type: "UserAssigned" as const, userAssignedIdentities: { [idId]: {} } },
      agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D4s_v5" }],
      networkProfile: { loadBalancerSku: "standard", outboundType: "loadBalancer", loadBalancerProfile: { outboundIPs: { publicIPs: [{ id: ip }] } } },
    });
    const sku = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "b", cluster(basic), poll));
    assert.match(sku.message, /Basic SKU/);
    const denied = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster(mine), poll));
    assert.match(denied.message, /AuthorizationFailed[\s\S]*Microsoft\.Network\/publicIPAddresses\/join\/action' over scope '[^']*publicIPAddresses\/mine'/);
    const principal = String((fake.get(idId)?.["properties"] as Record<string, unknown>)["principalId"]);
    fake.seed.roleAssignment(mine, principal, "4d97b98b-1d4f-4787-a291-c67834d212e7");
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster(mine), poll);
    const used = await net.publicIPAddresses.get("rg", "mine");
    assert.match(String(used.ipConfiguration?.id), /\/loadBalancers\/kubernetes\/frontendIPConfigurations\//);
    const taken = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "d", cluster(mine), poll));
    assert.equal(taken.code, "PublicIPAddressInUse");
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster(mine), poll);
  });

  it("brought managed NAT gateway outbound IPs and prefixes: the cluster identity must be able to join each, as for the load balancer's (aks-service-permissions.md)", async () => {
    const rg = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg`;
    const idId = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-nat`;
    fake.put(idId, { location: "westeurope" });
    const ip = fake.seed.publicIp("rg", "nat-ip", { location: "westeurope" });
    const prefix = fake.seed.publicIpPrefix("rg", "nat-prefix", { location: "westeurope" });
    const cluster = {
      location: "westeurope", dnsPrefix: "n", identity: { type: "UserAssigned" as const, userAssignedIdentities: { [idId]: {} } },
      agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D4s_v5" }],
      networkProfile: { outboundType: "managedNATGateway", natGatewayProfile: { sku: "StandardV2", outboundIPs: { publicIPs: [ip] }, outboundIPPrefixes: { publicIPPrefixes: [prefix] } } },
    };
    const denied = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "n", cluster, poll));
    assert.match(denied.message, /AuthorizationFailed[\s\S]*Microsoft\.Network\/publicIPAddresses\/join\/action' over scope '[^']*publicIPAddresses\/nat-ip'/);
    const principal = String((fake.get(idId)?.["properties"] as Record<string, unknown>)["principalId"]);
    fake.seed.roleAssignment(ip, principal, "4d97b98b-1d4f-4787-a291-c67834d212e7");
    const prefixDenied = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "n", cluster, poll));
    assert.match(prefixDenied.message, /Microsoft\.Network\/publicIPPrefixes\/join\/action' over scope '[^']*publicIPPrefixes\/nat-prefix'/);
    fake.seed.roleAssignment(prefix, principal, "4d97b98b-1d4f-4787-a291-c67834d212e7");
    await aks.managedClusters.beginCreateOrUpdateAndWait("rg", "n", cluster, poll);
  });

  describe("API server access", () => {
    const rg = `/subscriptions/${FAKE_SUBSCRIPTION_ID}/resourceGroups/rg`;
    const zone = (name: string): string => `${rg}/providers/Microsoft.Network/privateDnsZones/${name}`;
    const cluster = (api: Record<string, unknown>) => ({ location: "westeurope", dnsPrefix: "c", agentPoolProfiles: [{ name: "system", mode: "System", count: 1, vmSize: "Standard_D4s_v5", availabilityZones: ["1"] }], apiServerAccessProfile: api });

    it("refuses authorized ranges on a private cluster and 0.0.0.0/32 with others, with AKS's own messages", async () => {
      const e = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster({ enablePrivateCluster: true, authorizedIPRanges: ["203.0.113.0/24"] }), poll));
      assert.equal(e.code, "InvalidParameter");
      assert.equal(e.message, "Private cluster cannot be enabled with AuthorizedIPRanges.");
      const only = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster({ authorizedIPRanges: ["0.0.0.0/32", "203.0.113.0/24"] }), poll));
      assert.match(only.message, /Setting apiServerAuthorizedIPRange to 0.0.0.0\/32 is not allowed with other IP ranges/);
    });

    it("refuses a private DNS zone not named for the region, listing the names AKS takes", async () => {
      for (const n of ["privatelink.eus.azmk8s.io", "private.westeurope.azmk8s.io"]) fake.put(zone(n), { location: "global", properties: {} });
      const e = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster({ enablePrivateCluster: true, privateDNSZone: zone("privatelink.eus.azmk8s.io") }), poll));
      assert.equal(e.code, "InvalidPrivateDNSZoneResourceID");
      assert.match(e.message, /privatelink\.westeurope\.azmk8s\.io,\[a-zA-Z0-9-\]\{1,32\}\.private\.westeurope/);
      const priv = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster({ enablePrivateCluster: true, privateDNSZone: zone("private.westeurope.azmk8s.io") }), poll));
      assert.equal(priv.code, "InvalidPrivateDNSZoneResourceID", "private.<region> only with VNet Integration");
    });

    it("fails provisioning when the identity may not write your zone; a private cluster stays private", async () => {
      fake.put(zone("privatelink.westeurope.azmk8s.io"), { location: "global", properties: {} });
      const idId = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id1`;
      fake.put(idId, { location: "westeurope" });
      const vnet = fake.seed.vnet("rg", "vnet1", ["10.1.0.0/16"], { nodes: "10.1.0.0/22" }, { location: "westeurope" });
      const body = { ...cluster({ enablePrivateCluster: true, privateDNSZone: zone("privatelink.westeurope.azmk8s.io") }), identity: { type: "UserAssigned" as const, userAssignedIdentities: { [idId]: {} } } };
      body.agentPoolProfiles[0] = { ...body.agentPoolProfiles[0]!, vnetSubnetID: `${vnet}/subnets/nodes` } as (typeof body.agentPoolProfiles)[0];
      const e = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", body, poll));
      assert.match(e.message, /CustomPrivateDNSZoneMissingPermissionError/);
      const pub = await aks.managedClusters.beginCreateOrUpdateAndWait("rg", "p", cluster({ enablePrivateCluster: true }), poll);
      assert.match(pub.privateFqdn ?? "", /\.privatelink\.westeurope\.azmk8s\.io$/);
      const change = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "p", cluster({ enablePrivateCluster: false }), poll));
      assert.equal(change.code, "PropertyChangeNotAllowed");
    });

    it("VNet Integration needs a subnet delegated to AKS, at least /28", async () => {
      const vnet = fake.seed.vnet("rg", "vnet2", ["10.2.0.0/16"], { plain: "10.2.1.0/28", small: { prefix: "10.2.2.0/29", delegations: ["Microsoft.ContainerService/managedClusters"] } }, { location: "westeurope" });
      const plain = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster({ enableVnetIntegration: true, subnetId: `${vnet}/subnets/plain` }), poll));
      assert.match(plain.message, /must be delegated to Microsoft.ContainerService\/managedClusters/);
      const small = await refusal(aks.managedClusters.beginCreateOrUpdateAndWait("rg", "c", cluster({ enableVnetIntegration: true, subnetId: `${vnet}/subnets/small` }), poll));
      assert.match(small.message, /at least \/28, got \/29/);
    });
  });

  it("ARM refuses tag names with reserved characters, on resource groups and resources alike", async () => {
    const e = await refusal(net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", "pip", { ...pip, location: "westeurope", tags: { "cost/center": "1" } }, poll));
    assert.equal(e.code, "InvalidTagNameCharacters");
    assert.match(e.message, /The tag names 'cost\/center' have reserved characters/);
    const made = await net.publicIPAddresses.beginCreateOrUpdateAndWait("rg", "pip", { ...pip, location: "westeurope", tags: { "cost-center": "1/2" } }, poll);
    assert.deepEqual(made.tags, { "cost-center": "1/2" }, "values may hold them");
  });
});
