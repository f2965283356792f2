/**
 * The plain GETs (validate --live, create's state read) name the API versions the SDK clients of the build send for
 * the same resources (src/providers/azure.ts API_VERSIONS): a read must answer what the clients would have seen. Each
 * client's first request is caught by a policy and stopped before it leaves.
 */
import assert from "node:assert/strict";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ComputeManagementClient } from "@azure/arm-compute";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceManagementClient } from "@azure/arm-resources";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { API_VERSIONS } from "../../src/providers/azure.ts";

const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) };

/** The api-version of the first request `call` makes with a client built from `make`. */
async function apiVersionOf<C>(make: (options: object) => C, call: (c: C) => Promise<unknown> | AsyncIterable<unknown>): Promise<string | null> {
  let seen: string | null = null;
  const stop: PipelinePolicy = {
    name: "stop",
    sendRequest: async (req) => {
      seen = new URL(req.url).searchParams.get("api-version");
      throw new Error("stopped");
    },
  };
  const client = make({ endpoint: "https://management.azure.com", additionalPolicies: [{ policy: stop, position: "perCall" }], retryOptions: { maxRetries: 0 } });
  try {
    const r = call(client);
    if (Symbol.asyncIterator in (r as object)) for await (const _ of r as AsyncIterable<unknown>) break;
    else await r;
  } catch {
    // stopped on purpose
  }
  return seen;
}

describe("API versions of the plain GETs match the SDK clients'", () => {
  const sub = "00000000-0000-0000-0000-000000000000";
  it("resources (resource groups, providers)", async () => {
    assert.equal(await apiVersionOf((o) => new ResourceManagementClient(credential, sub, o), (c) => c.resourceGroups.get("rg")), API_VERSIONS.resources);
    assert.equal(await apiVersionOf((o) => new ResourceManagementClient(credential, sub, o), (c) => c.providers.get("Microsoft.ContainerService")), API_VERSIONS.resources);
  });
  it("network", async () => {
    assert.equal(await apiVersionOf((o) => new NetworkManagementClient(credential, sub, o), (c) => c.virtualNetworks.get("rg", "v")), API_VERSIONS.network);
    assert.equal(await apiVersionOf((o) => new NetworkManagementClient(credential, sub, o), (c) => c.routeTables.get("rg", "rt")), API_VERSIONS.network);
  });
  it("container service", async () => {
    assert.equal(await apiVersionOf((o) => new ContainerServiceClient(credential, sub, o), (c) => c.managedClusters.get("rg", "c")), API_VERSIONS.containerService);
    assert.equal(await apiVersionOf((o) => new ContainerServiceClient(credential, sub, o), (c) => c.managedClusters.list()), API_VERSIONS.containerService);
  });
  it("managed identity and authorization", async () => {
    assert.equal(await apiVersionOf((o) => new ManagedServiceIdentityClient(credential, sub, o), (c) => c.userAssignedIdentities.get("rg", "id")), API_VERSIONS.msi);
    assert.equal(await apiVersionOf((o) => new AuthorizationManagementClient(credential, sub, o), (c) => c.permissions.listForResourceGroup("rg")), API_VERSIONS.authorization);
    assert.equal(await apiVersionOf((o) => new AuthorizationManagementClient(credential, sub, o), (c) => c.roleAssignments.get("subscriptions/x", "n")), API_VERSIONS.authorization);
  });
  it("compute usage and SKUs", async () => {
    assert.equal(await apiVersionOf((o) => new ComputeManagementClient(credential, sub, o), (c) => c.usage.list("westeurope")), API_VERSIONS.computeUsage);
    assert.equal(await apiVersionOf((o) => new ComputeManagementClient(credential, sub, o), (c) => c.resourceSkus.list()), API_VERSIONS.computeSkus);
  });
});
