/**
 * A Microsoft.ContainerService/managedClusters body (REST names: an ARM template resource, an azapi_resource body, a
 * live cluster as ARM returns it) into spec fields. The spec's keys are the AKS API's, so most fields copy across.
 */
import { Unknown } from "./model.ts";
import type { SourceRef , ImportBuilder} from "./model.ts";

export type Path = (string | number)[];

/** The value at `path`, an Unknown when a step on the way is unknown, undefined when absent. */
export function dig(root: unknown, path: Path): unknown {
  let node = root;
  for (const seg of path) {
    if (node instanceof Unknown) return node;
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node;
}

const NETWORK_PROFILE = ["networkPlugin", "networkPluginMode", "networkPolicy", "networkDataplane", "podCidr", "serviceCidr", "dnsServiceIP", "dockerBridgeCidr", "outboundType", "loadBalancerSku", "ipFamilies", "podCidrs", "serviceCidrs"] as const;
const LB_PROFILE: Path[] = [["managedOutboundIPs", "count"], ["managedOutboundIPs", "countIPv6"], ["outboundIPPrefixes", "publicIPPrefixes"], ["outboundIPs", "publicIPs"], ["allocatedOutboundPorts"], ["idleTimeoutInMinutes"]];
const NAT_PROFILE: Path[] = [["managedOutboundIPProfile", "count"], ["idleTimeoutInMinutes"]];
const POOL = ["name", "mode", "count", "maxPods", "osType", "vmSize", "enableAutoScaling", "minCount", "maxCount", "podIPAllocationMode"] as const;

/** The subnets the pools use, by pool index, as found in the body (ids, or Unknown). */
export interface PoolSubnets {
  node: { pool: number; id: unknown; ref: SourceRef }[];
  pod: { pool: number; id: unknown; ref: SourceRef }[];
}

/**
 * Maps `properties` (and the top-level name and location) of a managed cluster. `ref` turns a path inside the body
 * into its source reference. Pools come from `properties.agentPoolProfiles` plus `extraPools` (agentPools children).
 */
export function mapClusterBody(b: ImportBuilder, body: unknown, ref: (path: Path) => SourceRef, extraPools: { body: unknown; ref: (path: Path) => SourceRef }[] = []): PoolSubnets {
  const put = (field: string, path: Path, r = ref): void => b.set(field, dig(body, path), r(path));
  put("name", ["name"]);
  put("location", ["location"]);
  put("kubernetesVersion", ["properties", "kubernetesVersion"]);
  put("windowsProfile.adminUsername", ["properties", "windowsProfile", "adminUsername"]);
  for (const key of NETWORK_PROFILE) put(key, ["properties", "networkProfile", key]);
  for (const p of LB_PROFILE) put(`loadBalancerProfile.${p.join(".")}`, ["properties", "networkProfile", "loadBalancerProfile", ...p]);
  for (const p of NAT_PROFILE) put(`natGatewayProfile.${p.join(".")}`, ["properties", "networkProfile", "natGatewayProfile", ...p]);

  const subnets: PoolSubnets = { node: [], pod: [] };
  const pools: { body: unknown; path: Path; ref: (path: Path) => SourceRef }[] = [];
  const inline = dig(body, ["properties", "agentPoolProfiles"]);
  if (inline instanceof Unknown) b.unknown("nodePools", ref(["properties", "agentPoolProfiles"]), inline.why);
  else if (Array.isArray(inline)) inline.forEach((_, i) => pools.push({ body, path: ["properties", "agentPoolProfiles", i], ref }));
  // A child agentPools resource: its name is the pool's, its properties the profile's.
  for (const extra of extraPools) pools.push({ body: extra.body, path: [], ref: extra.ref });
  pools.forEach((pool, i) => {
    const at = (path: Path): unknown => dig(pool.body, [...pool.path, ...path]);
    const r = (path: Path): SourceRef => pool.ref([...pool.path, ...path]);
    const props: Path = pool.path.length > 0 ? [] : ["properties"];
    for (const key of POOL) {
      const path: Path = key === "name" ? ["name"] : [...props, key];
      b.set(`nodePools[${i}].${key}`, at(path), r(path));
    }
    for (const key of ["maxSurge", "maxUnavailable"] as const) b.set(`nodePools[${i}].${key}`, at([...props, "upgradeSettings", key]), r([...props, "upgradeSettings", key]));
    const node = at([...props, "vnetSubnetID"]);
    if (node !== undefined) subnets.node.push({ pool: i, id: node, ref: r([...props, "vnetSubnetID"]) });
    const pod = at([...props, "podSubnetID"]);
    if (pod !== undefined) subnets.pod.push({ pool: i, id: pod, ref: r([...props, "podSubnetID"]) });
  });
  return subnets;
}
