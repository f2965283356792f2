/**
 * `validate --from-cluster -g RG -n NAME`: a cluster as it runs, read with one GET of the managed cluster (its
 * network profile and every pool's profile come inline), mapped into the spec with the same mapper as an ARM template
 * or azapi body. The VNet, subnets, route table, peerings and usage then come from the `--live` reader, so the same
 * rules check the cluster as it is, e.g. before scaling it or upgrading it (surge capacity, route limits).
 * Read-only: GETs only.
 */
import { isRestError } from "@azure/core-rest-pipeline";
import { UsageError } from "../core/errors.ts";
import { mapClusterBody } from "../core/import/aks-body.ts";
import type { Path } from "../core/import/aks-body.ts";
import { ImportBuilder, Unknown } from "../core/import/model.ts";
import type { Imported } from "../core/import/model.ts";
import { otherNodeSubnets } from "../core/import/network.ts";
import { subnetIdParts } from "../core/names.ts";
import type { Io } from "../io/io.ts";
import { API_VERSIONS, createAzureContext } from "./azure.ts";
import type { AzureContext } from "./azure.ts";
import { mapAzureError } from "./live.ts";

export interface ClusterRead {
  imported: Imported;
  ctx: AzureContext;
}

export async function readCluster(opts: Record<string, unknown>, io: Io): Promise<ClusterRead> {
  const rg = typeof opts["resourceGroup"] === "string" ? opts["resourceGroup"] : undefined;
  const name = typeof opts["name"] === "string" ? opts["name"] : undefined;
  if (!rg || !name) throw new UsageError("--from-cluster needs -g/--resource-group and -n/--name", "example: aks-net validate --from-cluster -g rg-shop -n shop");
  const ctx = await createAzureContext({ subscription: str(opts["subscription"]), armEndpoint: str(opts["armEndpoint"]), cloud: str(opts["cloud"]), env: io.env, signal: io.signal });
  const e = encodeURIComponent;
  const path = `/subscriptions/${e(ctx.subscriptionId)}/resourceGroups/${e(rg)}/providers/Microsoft.ContainerService/managedClusters/${e(name)}`;
  let body: Record<string, unknown>;
  try {
    body = await ctx.rest.get(path, API_VERSIONS.containerService, io.signal);
  } catch (err) {
    if (isRestError(err) && err.statusCode === 404) throw new UsageError(`no cluster ${name} in resource group ${rg} (subscription ${ctx.subscriptionId})`, "check -g/-n and --subscription");
    throw mapAzureError(err);
  }
  const b = new ImportBuilder("cluster");
  b.set("resourceGroup", rg, { at: `managedClusters/${name}` });
  const ref = (p: Path): { at: string } => ({ at: `managedClusters/${name}${p.map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`)).join("")}` });
  const subnets = mapClusterBody(b, body, ref);
  const node = subnets.node.map((n) => ({ pool: n.pool, ref: n.ref, key: typeof n.id === "string" ? n.id.toLowerCase() : n.id }));
  otherNodeSubnets(b, node);
  const nodeId = subnets.node[0]?.id;
  if (typeof nodeId === "string" && subnetIdParts(nodeId)) {
    // The --live reader reads the VNet, the node subnet, its route table and its usage by this id.
    b.set("vnetSubnetId", nodeId, subnets.node[0]!.ref);
  } else if (nodeId === undefined || nodeId instanceof Unknown) {
    b.unknown("vnet.subnetCidr", ref(["properties", "agentPoolProfiles"]), "the cluster uses the VNet AKS manages in its node resource group, which aks-net does not read");
    b.set("vnet.managed", true, ref(["properties", "agentPoolProfiles"]));
  }
  const podId = subnets.pod[0]?.id;
  const pod = typeof podId === "string" ? subnetIdParts(podId) : undefined;
  if (pod) b.set("vnet.podSubnetName", pod.subnet, subnets.pod[0]!.ref);
  return { imported: b.done(), ctx };
}

function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
