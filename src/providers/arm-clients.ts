/**
 * The typed Azure SDK clients, for writes (and the paged lists of delete). Loaded by AzureContext.clients() on first
 * use only: the build puts the arm-* packages in their own bundle (dist/azure-arm.cjs), which a run that only reads
 * never evaluates.
 */
import type { TokenCredential } from "@azure/identity";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { NetworkManagementClient } from "@azure/arm-network";
import { ContainerServiceClient } from "@azure/arm-containerservice";
import { ResourceManagementClient } from "@azure/arm-resources";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { AuthorizationManagementClient } from "@azure/arm-authorization";

/** What every client (and the REST reader) is built with. */
export interface ClientOptions {
  endpoint: string;
  credentials: { scopes: string[] };
  credentialScopes: string[];
  additionalPolicies: { policy: PipelinePolicy; position: "perCall" | "perRetry" }[];
  retryOptions?: { maxRetries: number; retryDelayInMs: number; maxRetryDelayInMs: number };
}

export interface ArmClients {
  network: NetworkManagementClient;
  containerService: ContainerServiceClient;
  resources: ResourceManagementClient;
  msi: ManagedServiceIdentityClient;
  authorization: AuthorizationManagementClient;
}

/** The clients, each built on first access. */
export function armClients(credential: TokenCredential, subscriptionId: string, options: ClientOptions): ArmClients {
  const made = new Map<string, unknown>();
  const lazy = <T>(name: string, make: () => T): T => {
    if (!made.has(name)) made.set(name, make());
    return made.get(name) as T;
  };
  return {
    get network() {
      return lazy("network", () => new NetworkManagementClient(credential, subscriptionId, options));
    },
    get containerService() {
      return lazy("containerService", () => new ContainerServiceClient(credential, subscriptionId, options));
    },
    get resources() {
      return lazy("resources", () => new ResourceManagementClient(credential, subscriptionId, options));
    },
    get msi() {
      return lazy("msi", () => new ManagedServiceIdentityClient(credential, subscriptionId, options));
    },
    get authorization() {
      return lazy("authorization", () => new AuthorizationManagementClient(credential, subscriptionId, options));
    },
  };
}
