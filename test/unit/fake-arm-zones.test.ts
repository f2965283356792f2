/** The fake ARM's availability-zone behaviour (issue 11 item 2), through the real SDK clients as the CLI sends. */
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

describe("fake ARM: availability zones", function () {
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
});
