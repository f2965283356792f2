/**
 * `validate --live` (and the start of `create`): a read-only pass over the real environment. It only turns what
 * Azure has into spec facts (a `live` layer); the rule engine then checks them like any other input.
 * Reads fan out in parallel: one wave for everything named by the spec, a second only for what the first revealed
 * (the node subnet's route table and its permissions, the quota of a region learnt from the VNet). The count of
 * requests does not depend on the number of subnets or peerings.
 */
import { isRestError } from "@azure/core-rest-pipeline";
import { regionName } from "../core/egress.ts";
import { AuthError, UsageError } from "../core/errors.ts";
import { NAMES, subnetIdParts } from "../core/names.ts";
import { resolveSpec } from "../core/resolve.ts";
import type {
  LiveBrought,
  ClusterSpec,
  LiveCluster,
  LiveFacts,
  LiveNsgRule,
  LivePeering,
  LivePermission,
  LiveQuota,
  LiveRouteTable,
  LiveScopePermissions,
  LiveSubnet,
  Provenance,
  SpecInput,
  SubnetSpec,
} from "../core/spec.ts";
import type { Io } from "../io/io.ts";
import { parseId } from "./arm-port.ts";
import { API_VERSIONS as API, createAzureContext } from "./azure.ts";
import type { AzureContext } from "./azure.ts";
import { explainAzureError } from "./explain.ts";

export interface LiveResult {
  /** Facts to add as a `live` layer. */
  facts: SpecInput;
  /** ARM requests sent (retries included). */
  requestCount: number;
}

/** Where to look: names from --vnet-subnet-id, else from the spec and flags. */
interface Target {
  clusterRg?: string;
  clusterName?: string;
  vnetRg?: string;
  vnetName?: string;
  subnetName?: string;
  subnetById: boolean;
  location?: string;
}

/** Raw reads, before they become facts. */
interface Reads {
  rg?: { exists: boolean; location?: string };
  vnet?: { exists: boolean; id?: string; location?: string; addressSpaces: string[] };
  subnets: RawSubnet[];
  peerings: LivePeering[];
  usages: Map<string, { used: number; limit: number }>;
  clusters: LiveCluster[];
  existingCluster?: string;
  routeTable?: LiveRouteTable;
  permissions: LiveScopePermissions[];
  quota?: LiveQuota;
  quotaNotChecked?: string;
  kubernetesVersions?: { location: string; minors: string[]; patches: string[] };
  unreadable: string[];
  /** Regions where the subscription offers AKS. */
  locations?: string[];
  /** The API server subnet (VNet Integration): found, or null when it does not exist. */
  apiServerSubnet?: RawSubnet | null;
  brought: LiveBrought[];
}

interface RawSubnet extends LiveSubnet {
  /** Subnet ids are matched case-insensitively (ARM ids are). */
  key: string;
}

/**
 * Reads the environment the spec targets and returns the facts. `provenance` (optional) tells user values from
 * defaults; without it a value equal to the default counts as a default.
 */
export async function readLiveFacts(spec: ClusterSpec, opts: Record<string, unknown>, io: Io, provenance?: Provenance, shared?: AzureContext): Promise<LiveResult> {
  const parsedId = spec.vnetSubnetId ? parseSubnetId(spec.vnetSubnetId) : undefined;
  const subscription = str(opts["subscription"]) ?? spec.subscription ?? parsedId?.subscription;
  // create passes its own context (one credential, token and connection per run), unless the facts live in another
  // subscription (a VNet given by a subnet id elsewhere).
  const ctx =
    shared && (subscription === undefined || subscription.toLowerCase() === shared.subscriptionId.toLowerCase())
      ? shared
      : await createAzureContext({ subscription, armEndpoint: str(opts["armEndpoint"]), cloud: str(opts["cloud"]), env: io.env, signal: io.signal });
  const before = ctx === shared ? ctx.counter.total : 0;
  const target = targetOf(spec, opts, parsedId);
  try {
    const reads = await readAll(ctx, spec, target, io.signal);
    return { facts: toFacts(spec, target, reads, provenance), requestCount: ctx.counter.total - before };
  } catch (e) {
    throw mapAzureError(e);
  }
}

function targetOf(spec: ClusterSpec, opts: Record<string, unknown>, parsed: ReturnType<typeof parseSubnetId>): Target {
  const clusterRg = str(opts["resourceGroup"]) ?? spec.resourceGroup;
  const t: Target = {
    clusterRg,
    clusterName: str(opts["name"]) ?? spec.name,
    vnetRg: parsed?.resourceGroup ?? spec.vnet.resourceGroup ?? clusterRg,
    vnetName: parsed?.vnet ?? spec.vnet.name ?? str(opts["vnetName"]),
    // The names create gives the subnets when the spec names none: the facts describe what create will touch.
    subnetName: parsed?.subnet ?? spec.vnet.subnetName ?? NAMES.nodeSubnet,
    subnetById: parsed !== undefined,
    location: spec.location ?? str(opts["location"]),
  };
  return t;
}

/** `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/n`. */
export function parseSubnetId(id: string): { subscription: string; resourceGroup: string; vnet: string; subnet: string } | undefined {
  const parts = subnetIdParts(id);
  if (!parts) throw new UsageError(`--vnet-subnet-id is not a subnet resource id: '${id}'`, "expected /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET");
  return parts;
}

type Json = Record<string, unknown>;

async function readAll(ctx: AzureContext, spec: ClusterSpec, t: Target, signal: AbortSignal): Promise<Reads> {
  const { rest } = ctx;
  const sub = ctx.subscriptionId;
  const e = encodeURIComponent;
  const subPath = `/subscriptions/${e(sub)}`;
  const rgPath = (rg: string): string => `${subPath}/resourceGroups/${e(rg)}`;
  const netPath = (rg: string, type: string, name: string): string => `${rgPath(rg)}/providers/Microsoft.Network/${type}/${e(name)}`;
  const permsOf = (scopePath: string): Promise<Json[]> => rest.list(`${scopePath}/providers/Microsoft.Authorization/permissions`, API.authorization, signal);
  const reads: Reads = { subnets: [], peerings: [], usages: new Map(), clusters: [], permissions: [], unreadable: [], brought: [] };
  const vnetId = t.vnetRg && t.vnetName ? `/subscriptions/${sub}/resourceGroups/${t.vnetRg}/providers/Microsoft.Network/virtualNetworks/${t.vnetName}` : undefined;
  const rgs = [...new Set([t.clusterRg, t.vnetRg].filter((x): x is string => x !== undefined))];

  const rgRead = t.clusterRg
    ? orNotFound(rest.get(`${subPath}/resourcegroups/${e(t.clusterRg)}`, API.resources, signal)).then((rg) => {
        reads.rg = rg ? { exists: true, location: str(rg["location"]) } : { exists: false };
        return reads.rg;
      })
    : Promise.resolve(undefined);

  // The VNet's GET carries every subnet and peering in full: one request whatever their number.
  const vnetGet = t.vnetRg && t.vnetName ? orNotFound(rest.get(netPath(t.vnetRg, "virtualNetworks", t.vnetName), API.network, signal)) : Promise.resolve(undefined);
  const vnetRead =
    t.vnetRg && t.vnetName
      ? Promise.all([vnetGet, orNotFound(rest.list(`${netPath(t.vnetRg, "virtualNetworks", t.vnetName)}/usages`, API.network, signal))]).then(([vnet, usages]) => {
          const p = props(vnet);
          reads.vnet = vnet ? { exists: true, id: str(vnet["id"]), location: str(vnet["location"]), addressSpaces: strings((p["addressSpace"] as Json | undefined)?.["addressPrefixes"]) } : { exists: false, addressSpaces: [] };
          reads.subnets = objects(p["subnets"]).map((sn) => rawSubnet(sn));
          reads.peerings = objects(p["virtualNetworkPeerings"]).map((peering) => {
            const pp = props(peering);
            const remote = (pp["remoteAddressSpace"] ?? pp["remoteVirtualNetworkAddressSpace"]) as Json | undefined;
            const peer: LivePeering = {
              name: str(peering["name"]) ?? "",
              remoteVnetId: str((pp["remoteVirtualNetwork"] as Json | undefined)?.["id"]),
              state: str(pp["peeringState"]),
              addressSpaces: strings(remote?.["addressPrefixes"]),
              ...(pp["useRemoteGateways"] === true ? { useRemoteGateways: true } : {}),
            };
            return peer;
          });
          for (const u of usages ?? []) {
            const id = str(u["id"]);
            if (id) reads.usages.set(id.toLowerCase(), { used: num(u["currentValue"]) ?? 0, limit: num(u["limit"]) ?? 0 });
          }
        })
      : Promise.resolve();

  // Subscription-wide reads a resource-group-scoped principal may be refused: a refusal is a noted gap, not a failure.
  const refused = async <T>(what: string, p: Promise<T>): Promise<T | undefined> => {
    try {
      return await p;
    } catch (e) {
      if (!(isRestError(e) && e.statusCode === 403)) throw e;
      reads.unreadable.push(`${what} (${e.code ?? "403"})`);
      return undefined;
    }
  };

  // Other clusters on the VNet, and whether this one already exists (a re-run must not count itself).
  const self = t.clusterRg && t.clusterName ? `/subscriptions/${sub}/resourceGroups/${t.clusterRg}/providers/Microsoft.ContainerService/managedClusters/${t.clusterName}`.toLowerCase() : undefined;
  const clustersRead = vnetId || self
    ? refused("AKS clusters of the subscription", rest.list(`${subPath}/providers/Microsoft.ContainerService/managedClusters`, API.containerService, signal)).then((all = []) => {
        const prefix = vnetId ? `${vnetId}/subnets/`.toLowerCase() : undefined;
        for (const c of all) {
          const cp = props(c);
          const id = str(c["id"]);
          const subnetIds = [
            ...new Set(objects(cp["agentPoolProfiles"]).flatMap((p) => [str(p["vnetSubnetID"]), str(p["podSubnetID"])]).filter((sid): sid is string => sid !== undefined && prefix !== undefined && sid.toLowerCase().startsWith(prefix))),
          ];
          if (id && self && id.toLowerCase() === self) reads.existingCluster = id;
          if (subnetIds.length === 0 || !id) continue;
          const np = (cp["networkProfile"] ?? {}) as Json;
          reads.clusters.push({
            id,
            name: str(c["name"]) ?? "",
            networkPlugin: str(np["networkPlugin"]),
            networkPluginMode: str(np["networkPluginMode"]),
            serviceCidr: str(np["serviceCidr"]),
            podCidr: str(np["podCidr"]),
            subnetIds,
          });
        }
      })
    : Promise.resolve();

  const rgPerms = Promise.all(
    rgs.map((rg) =>
      permissions("resourceGroup", `/subscriptions/${sub}/resourceGroups/${rg}`, permsOf(`${subPath}/resourcegroups/${e(rg)}`)).then((p) => (p ? reads.permissions.push(p) : undefined)),
    ),
  );

  // The node subnet's name is known up front: its permissions go out with the first wave (a 404 = no subnet yet).
  const subnetPerms =
    vnetId && t.vnetRg && t.vnetName && t.subnetName
      ? permissions("subnet", `${vnetId}/subnets/${t.subnetName}`, permsOf(`${subPath}/resourcegroups/${e(t.vnetRg)}/providers/Microsoft.Network/virtualNetworks/${e(t.vnetName)}/subnets/${e(t.subnetName)}`)).then((p) =>
          p ? reads.permissions.push(p) : undefined,
        )
      : Promise.resolve();

  // Second wave: what the first one revealed.
  const nodeWave = vnetRead.then(async () => {
    const node = findSubnet(reads.subnets, t.subnetName);
    // Dual-stack egress through a brought NAT gateway depends on its SKU (StandardV2 serves IPv6): read it only then.
    const natId = node?.natGatewayId;
    const natRead =
      natId && node && spec.outboundType === "userAssignedNATGateway" && (spec.ipFamilies ?? []).includes("IPv6")
        ? orNotFound(rest.get(netPath(parseId(natId).resourceGroup, "natGateways", parseId(natId).name(0)), API.network, signal)).then((gw) => {
            const sku = str((gw?.["sku"] as Json | undefined)?.["name"]);
            if (sku) node.natGatewaySku = sku;
          })
        : Promise.resolve();
    // A brought NSG on the node subnet: its rules are checked against the flows AKS needs (LIVE-NSG-01).
    const nsgId = node?.networkSecurityGroupId;
    const nsgRead = nsgId && node
      ? orNotFound(rest.get(netPath(parseId(nsgId).resourceGroup, "networkSecurityGroups", parseId(nsgId).name(0)), API.network, signal)).then((nsg) => {
          if (nsg) node.nsgRules = [...objects(props(nsg)["securityRules"]), ...objects(props(nsg)["defaultSecurityRules"])].map(toNsgRule);
        })
      : Promise.resolve();
    // A brought route table aks-net will associate with the subnet it makes is the one AKS checks.
    const rtId = node?.routeTableId ?? spec.vnet.routeTableId;
    if (!rtId) {
      await Promise.all([natRead, nsgRead]);
      return;
    }
    const rt = parseId(rtId);
    const [rtRg, rtName] = [rt.resourceGroup, rt.name(0)];
    await Promise.all([
      orNotFound(rest.get(netPath(rtRg, "routeTables", rtName), API.network, signal)).then((table) => {
        if (!table) return;
        const tp = props(table);
        reads.routeTable = {
          id: str(table["id"]) ?? rtId,
          routes: objects(tp["routes"]).map((r) => toRoute(props(r))),
          subnetIds: objects(tp["subnets"]).map((sn) => str(sn["id"]) ?? "").filter((x) => x !== ""),
        };
      }),
      permissions("routeTable", rtId, permsOf(`${subPath}/resourcegroups/${e(rtRg)}/providers/Microsoft.Network/routeTables/${e(rtName)}`)).then((p) =>
        p ? reads.permissions.push(p) : undefined,
      ),
      natRead,
      nsgRead,
    ]);
  });

  // Quota needs a region: the spec's, else the VNet's, else the resource group's; known as the VNet's GET answers (its
  // usage list is not waited for).
  const region = t.location ? Promise.resolve(t.location) : Promise.all([rgRead, vnetGet]).then(([rg, vnet]) => (vnet ? str(vnet["location"]) : undefined) ?? rg?.location);
  // The versions AKS offers there, only when the spec names one (CMP-19 has the feature minimums; LIVE-VER-01 this).
  const versionsRead = region.then(async (location) => {
    if (!location || spec.kubernetesVersion === undefined) return;
    const loc = location.toLowerCase().replace(/\s+/g, "");
    const list = await refused(`Kubernetes versions of ${loc}`, rest.get(`${subPath}/providers/Microsoft.ContainerService/locations/${e(loc)}/kubernetesVersions`, API.containerService, signal));
    if (!list) return;
    const values = objects(list["values"]);
    reads.kubernetesVersions = {
      location: loc,
      minors: values.map((v) => str(v["version"]) ?? "").filter((v) => v !== ""),
      patches: values.flatMap((v) => Object.keys((v["patchVersions"] ?? {}) as Json)),
    };
  });
  const quotaRead = region.then(async (location) => {
    const sizes = [...new Set(spec.nodePools.map((p) => p.vmSize || NAMES.defaultVmSize))];
    if (!location) {
      reads.quotaNotChecked = "no region: pass -l/--location, or name an existing resource group or VNet";
      return;
    }
    const loc = location.toLowerCase().replace(/\s+/g, "");
    const [usages, skus] = await Promise.all([
      refused(`vCPU quota in ${loc}`, rest.list(`${subPath}/providers/Microsoft.Compute/locations/${e(loc)}/usages`, API.computeUsage, signal)),
      refused(`VM sizes of ${loc}`, rest.list(`${subPath}/providers/Microsoft.Compute/skus`, API.computeSkus, signal, { $filter: `location eq '${loc}'` })),
    ]);
    if (!usages || !skus) return;
    reads.quota = {
      location: loc,
      usages: usages.map((u) => ({ name: str((u["name"] as Json | undefined)?.["value"]) ?? "", used: num(u["currentValue"]) as number, limit: num(u["limit"]) as number })),
      sizes: sizes.map((size) => {
        const sku = skus.find((s) => s["resourceType"] === "virtualMachines" && str(s["name"])?.toLowerCase() === size.toLowerCase());
        if (!sku) return { vmSize: size, available: false };
        const vcpus = Number(objects(sku["capabilities"]).find((c) => c["name"] === "vCPUs")?.["value"]);
        const restricted = objects(sku["restrictions"]).some((r) => r["type"] === "Location" && strings(r["values"]).some((v) => v.toLowerCase() === loc));
        // The zones offered here, less those restricted for this subscription (LIVE-ZONE-01).
        const offered = objects(sku["locationInfo"]).filter((l) => str(l["location"])?.toLowerCase() === loc).flatMap((l) => strings(l["zones"]));
        const blocked = objects(sku["restrictions"]).filter((r) => r["type"] === "Zone").flatMap((r) => strings((r["restrictionInfo"] as Json | undefined)?.["zones"]));
        const zones = [...new Set(offered.filter((z) => !blocked.includes(z)))].sort();
        return { vmSize: size, family: str(sku["family"]), vcpus: Number.isFinite(vcpus) ? vcpus : undefined, available: !restricted, zones };
      }),
    };
  });

  // Where the subscription offers AKS, when the spec names a region (LIVE-LOC-01): the provider's managedClusters
  // locations, display names ("West Europe") as ARM lists them.
  const locationsRead = t.location
    ? refused("AKS regions of the subscription", rest.get(`${subPath}/providers/Microsoft.ContainerService`, API.resources, signal)).then((provider) => {
        const clusters = objects(provider?.["resourceTypes"]).find((rt) => str(rt["resourceType"])?.toLowerCase() === "managedclusters");
        if (clusters && Array.isArray(clusters["locations"])) reads.locations = [...new Set(strings(clusters["locations"]).map(regionName))].sort();
      })
    : Promise.resolve();

  // API Server VNet Integration: the brought subnet, from the VNet already read or by its own GET (LIVE-API-01).
  const apiId = spec.apiServerAccessProfile?.subnetId;
  const apiParsed = typeof apiId === "string" ? parseSubnetId(apiId) : undefined;
  const apiRead =
    apiId !== undefined && apiParsed !== undefined
      ? vnetRead.then(async () => {
          const known = reads.subnets.find((s) => s.key === apiId.toLowerCase());
          if (known) return void (reads.apiServerSubnet = known);
          const got = await orNotFound(rest.get(`${netPath(apiParsed.resourceGroup, "virtualNetworks", apiParsed.vnet)}/subnets/${e(apiParsed.subnet)}`, API.network, signal));
          reads.apiServerSubnet = got ? { ...rawSubnet(got), used: objects((got["properties"] as Json | undefined)?.["ipConfigurations"]).length } : null;
        })
      : Promise.resolve();

  const broughtRead = readBrought(ctx, spec, signal).then((list) => void reads.brought.push(...list));
  await Promise.all([rgRead, vnetRead, clustersRead, rgPerms, subnetPerms, nodeWave, quotaRead, versionsRead, locationsRead, apiRead, broughtRead]);
  // Parallel reads land in any order: keep facts stable (the cluster's resource group first).
  const rank = (p: LiveScopePermissions): number => (p.kind === "resourceGroup" ? (p.scope.endsWith(`/${t.clusterRg ?? ""}`) ? 0 : 1) : p.kind === "subnet" ? 2 : 3);
  reads.permissions.sort((a, b) => rank(a) - rank(b));
  // Usage per subnet, and which clusters use which subnet.
  for (const s of reads.subnets) {
    const u = reads.usages.get(s.key);
    if (u) {
      s.used = u.used;
      s.limit = u.limit;
    }
    const users = reads.clusters.filter((c) => c.subnetIds.some((id) => id.toLowerCase() === s.key)).map((c) => c.id);
    if (users.length > 0) s.usedBy = users;
  }
  return reads;
}

/** A REST resource's `properties` (empty when absent). */
function props(resource: Json | undefined): Json {
  const p = resource?.["properties"];
  return p !== null && typeof p === "object" && !Array.isArray(p) ? (p as Json) : {};
}

function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => x !== null && typeof x === "object" && !Array.isArray(x)) : [];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function num(v: unknown): number | undefined {
  return typeof v === "number" ? v : undefined;
}

/** The Azure reads, as a live layer: ranges into the ordinary fields, the rest into `live`. */
function toFacts(spec: ClusterSpec, t: Target, r: Reads, provenance: Provenance | undefined): SpecInput {
  const defaults = resolveSpec([]).spec;
  const userGave = (path: string, value: unknown, def: unknown): boolean =>
    provenance ? provenance[path] !== undefined && provenance[path] !== "default" : value !== undefined && JSON.stringify(value) !== JSON.stringify(def) && !(Array.isArray(value) && value.length === 0);

  const node = findSubnet(r.subnets, t.subnetName);
  const pod = spec.vnet.podSubnetCidr !== undefined || spec.vnet.podSubnetName !== undefined ? findSubnet(r.subnets, spec.vnet.podSubnetName ?? NAMES.podSubnet) : undefined;
  const fwNames = spec.firewall.enabled ? ["azurefirewallsubnet", "azurefirewallmanagementsubnet"] : [];
  const live: LiveFacts = {
    peerings: r.peerings,
    clusters: r.clusters,
    permissions: r.permissions,
  };
  if (r.existingCluster) live.existingCluster = r.existingCluster;
  if (t.clusterRg && r.rg) live.resourceGroup = { name: t.clusterRg, exists: r.rg.exists };
  if (t.vnetName && r.vnet) {
    live.vnet = { id: r.vnet.id ?? "", name: t.vnetName, exists: r.vnet.exists, addressSpaces: r.vnet.addressSpaces };
    if (r.subnets.some((s) => s.name.toLowerCase() === "gatewaysubnet")) live.vnet.gatewaySubnet = true;
  }
  if (pod) live.podSubnet = strip(pod);
  if (node) live.nodeSubnet = strip(node);
  else if (t.subnetName && r.vnet?.exists) live.nodeSubnetMissing = { name: t.subnetName, byId: t.subnetById };
  if (r.routeTable) live.routeTable = r.routeTable;
  if (r.quota) live.quota = r.quota;
  if (r.quotaNotChecked) live.quotaNotChecked = r.quotaNotChecked;
  if (r.kubernetesVersions) live.kubernetesVersions = r.kubernetesVersions;
  if (r.unreadable.length > 0) live.unreadable = [...r.unreadable].sort();
  if (r.locations) live.locations = r.locations;
  if (r.apiServerSubnet) live.apiServerSubnet = strip(r.apiServerSubnet);
  else if (r.apiServerSubnet === null) live.apiServerSubnetMissing = spec.apiServerAccessProfile?.subnetId ?? "";
  if (r.brought.length > 0) live.brought = r.brought;

  const vnet: Record<string, unknown> = {};
  const facts: SpecInput = { live };
  if (r.vnet?.exists) {
    if (!userGave("vnet.addressSpaces", spec.vnet.addressSpaces, defaults.vnet.addressSpaces)) vnet["addressSpaces"] = r.vnet.addressSpaces;
    const others = r.subnets.filter((s) => s !== node && s !== pod && !fwNames.includes(s.name.toLowerCase())).map((s) => strip(s) as SubnetSpec);
    // Subnets the user listed by hand stay (theirs win by name); Azure's are added.
    const mine = spec.vnet.existingSubnets.filter((s) => !others.some((o) => o.name === s.name));
    vnet["existingSubnets"] = [...mine, ...others].map(({ name, cidr, delegations, routeTableId, natGatewayId, networkSecurityGroupId, usedBy, used }) =>
      clean({ name, cidr, delegations, routeTableId, natGatewayId, networkSecurityGroupId, usedBy, used }),
    );
    if (t.vnetName && spec.vnet.name === undefined) vnet["name"] = t.vnetName;
    if (t.vnetRg && spec.vnet.resourceGroup === undefined) vnet["resourceGroup"] = t.vnetRg;
  }
  if (node) {
    if (!userGave("vnet.subnetCidr", spec.vnet.subnetCidr, defaults.vnet.subnetCidr)) vnet["subnetCidr"] = node.cidr;
    if (spec.vnet.subnetName === undefined) vnet["subnetName"] = node.name;
    if (node.ipv6Cidr && !userGave("vnet.subnetIPv6Cidr", spec.vnet.subnetIPv6Cidr, undefined)) vnet["subnetIPv6Cidr"] = node.ipv6Cidr;
  }
  if (pod) {
    if (spec.vnet.podSubnetCidr === undefined) vnet["podSubnetCidr"] = pod.cidr;
    if (spec.vnet.podSubnetName === undefined) vnet["podSubnetName"] = pod.name;
  }
  if (Object.keys(vnet).length > 0) facts.vnet = vnet;

  if (spec.firewall.enabled) {
    const fw = r.subnets.find((s) => s.name.toLowerCase() === "azurefirewallsubnet");
    const mgmt = r.subnets.find((s) => s.name.toLowerCase() === "azurefirewallmanagementsubnet");
    const firewall: Record<string, unknown> = {};
    if (fw && spec.firewall.subnetCidr === undefined) firewall["subnetCidr"] = fw.cidr;
    if (mgmt && spec.firewall.managementSubnetCidr === undefined) firewall["managementSubnetCidr"] = mgmt.cidr;
    if (Object.keys(firewall).length > 0) facts.firewall = firewall;
  }
  // The node subnet's routes feed the OUT rules; routes the user typed win.
  if (r.routeTable && !userGave("routes", spec.routes, defaults.routes)) facts.routes = r.routeTable.routes;
  // Peered VNets' ranges join the user's connected ranges (the OVL rules check them).
  const peered = r.peerings.flatMap((p) => p.addressSpaces);
  if (peered.length > 0) facts.connectedCidrs = [...new Set([...spec.connectedCidrs, ...peered])];
  const location = r.vnet?.location ?? r.rg?.location;
  if (spec.location === undefined && t.location === undefined && location) facts.location = location;
  return facts;
}

/** A subnet by name (ARM names are case-insensitive). */
function findSubnet(subnets: readonly RawSubnet[], name: string | undefined): RawSubnet | undefined {
  return name === undefined ? undefined : subnets.find((s) => s.name.toLowerCase() === name.toLowerCase());
}

function rawSubnet(sn: Json): RawSubnet {
  const id = str(sn["id"]) ?? "";
  const p = props(sn);
  const prefixes = Array.isArray(p["addressPrefixes"]) ? strings(p["addressPrefixes"]) : undefined;
  const delegations = objects(p["delegations"]);
  const ref = (k: string): string | undefined => str((p[k] as Json | undefined)?.["id"]);
  return clean({
    key: id.toLowerCase(),
    id,
    name: str(sn["name"]) ?? "",
    cidr: str(p["addressPrefix"]) ?? prefixes?.find((x) => !x.includes(":")) ?? prefixes?.[0] ?? "",
    ipv6Cidr: prefixes?.find((x) => x.includes(":")),
    delegations: delegations.length > 0 ? delegations.map((d) => str(props(d)["serviceName"]) ?? str(d["name"]) ?? "?") : undefined,
    routeTableId: ref("routeTable"),
    natGatewayId: ref("natGateway"),
    networkSecurityGroupId: ref("networkSecurityGroup"),
  });
}

function strip(s: RawSubnet): LiveSubnet {
  const { key: _key, ...rest } = s;
  return rest;
}

/**
 * Reads every resource the user brings: does it exist, and what aks-net needs to know to use it (a NAT gateway's or a
 * public IP's SKU, who already uses a public IP, a pod subnet's delegations, a route table's routes). Ids that do not
 * parse are BYO-01's; they are not read.
 */
async function readBrought(ctx: AzureContext, spec: ClusterSpec, signal: AbortSignal): Promise<LiveBrought[]> {
  const named: [string, unknown][] = [
    ["assignIdentity", spec.assignIdentity],
    ["assignKubeletIdentity", spec.assignKubeletIdentity],
    ["podSubnetId", spec.podSubnetId],
    ["vnet.routeTableId", spec.vnet.routeTableId],
    ["vnet.natGatewayId", spec.vnet.natGatewayId],
    ...(spec.loadBalancerProfile?.outboundIPs?.publicIPs ?? []).map((p, i): [string, unknown] => [`loadBalancerProfile.outboundIPs.publicIPs[${i}].id`, p?.id]),
    ...(spec.loadBalancerProfile?.outboundIPPrefixes?.publicIPPrefixes ?? []).map((p, i): [string, unknown] => [`loadBalancerProfile.outboundIPPrefixes.publicIPPrefixes[${i}].id`, p?.id]),
    ...(spec.natGatewayProfile?.outboundIPs?.publicIPs ?? []).map((id, i): [string, unknown] => [`natGatewayProfile.outboundIPs.publicIPs[${i}]`, id]),
    ...(spec.natGatewayProfile?.outboundIPPrefixes?.publicIPPrefixes ?? []).map((id, i): [string, unknown] => [`natGatewayProfile.outboundIPPrefixes.publicIPPrefixes[${i}]`, id]),
  ];
  const one = async (field: string, id: string): Promise<LiveBrought | undefined> => {
    let t: string;
    try {
      t = parseId(id).type.toLowerCase();
    } catch {
      return undefined;
    }
    const api = t === "microsoft.managedidentity/userassignedidentities" ? API.msi : t.startsWith("microsoft.network/") ? API.network : undefined;
    if (api === undefined) return undefined;
    const found = await orNotFound(ctx.rest.get(id.trim(), api, signal));
    if (!found) return { field, id, exists: false };
    const p = props(found);
    const b: LiveBrought = { field, id, exists: true };
    const location = str(found["location"]);
    if (location) b.location = location;
    const sku = str((found["sku"] as Json | undefined)?.["name"]);
    if (sku) b.sku = sku;
    if (t === "microsoft.network/routetables") b.routes = objects(p["routes"]).map((r) => toRoute(props(r)));
    if (t === "microsoft.network/virtualnetworks/subnets") b.delegations = objects(p["delegations"]).map((d) => str(props(d)["serviceName"]) ?? str(d["serviceName"]) ?? "").filter((x) => x !== "");
    if (t === "microsoft.network/publicipaddresses") {
      const user = str((p["ipConfiguration"] as Json | undefined)?.["id"]) ?? str((p["natGateway"] as Json | undefined)?.["id"]);
      if (user) b.usedBy = user;
    }
    return b;
  };
  const all = await Promise.all(named.filter((n): n is [string, string] => typeof n[1] === "string" && n[1] !== "").map(([f, id]) => one(f, id)));
  return all.filter((x): x is LiveBrought => x !== undefined);
}

/** A security rule as the rules read it: prefixes and ports as lists, whichever form (single or plural) Azure used. */
function toNsgRule(rule: Json): LiveNsgRule {
  const p = props(rule);
  const both = (one: string): string[] => [str(p[one]), ...(Array.isArray(p[`${one}es`]) ? (p[`${one}es`] as unknown[]) : Array.isArray(p[`${one}s`]) ? (p[`${one}s`] as unknown[]) : [])].filter((x): x is string => typeof x === "string" && x !== "");
  return {
    name: str(rule["name"]) ?? "",
    priority: Number(p["priority"]),
    direction: str(p["direction"]) ?? "",
    access: str(p["access"]) ?? "",
    protocol: str(p["protocol"]) ?? "*",
    sources: both("sourceAddressPrefix"),
    destinations: both("destinationAddressPrefix"),
    ports: both("destinationPortRange"),
  };
}

function toRoute(r: Json): { prefix: string; nextHopType: string; nextHopIp?: string } {
  const route: { prefix: string; nextHopType: string; nextHopIp?: string } = { prefix: str(r["addressPrefix"]) ?? "", nextHopType: str(r["nextHopType"]) ?? "" };
  const ip = str(r["nextHopIpAddress"]);
  if (ip) route.nextHopIp = ip;
  return route;
}

/** A permissions read; a refusal (403) becomes an "unreadable" fact, a missing scope (404) no fact. */
async function permissions(kind: LiveScopePermissions["kind"], scope: string, read: Promise<Json[]>): Promise<LiveScopePermissions | undefined> {
  try {
    const list = await read;
    const perms: LivePermission[] = list.map((p) => ({ actions: strings(p["actions"]), notActions: strings(p["notActions"]) }));
    return { kind, scope, permissions: perms };
  } catch (e) {
    if (isRestError(e) && e.statusCode === 404) return undefined;
    if (isRestError(e) && e.statusCode === 403) return { kind, scope, permissions: [], unreadable: e.code ?? "403" };
    throw e;
  }
}

/** A 404 (missing resource group, VNet, subnet) is a fact, not an error. */
async function orNotFound<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (isRestError(e) && e.statusCode === 404) return undefined;
    throw e;
  }
}

/** A refused read (403) means rights are missing (exit 5); everything else as create reports it (credentials → 5, Azure → 1). */
export function mapAzureError(e: unknown): unknown {
  if (isRestError(e) && e.statusCode === 403) {
    return new AuthError(`Azure refused a read (${e.code ?? "403"}): ${firstLine(e.message)}`, "the signed-in principal needs at least Reader on the resource group and the VNet");
  }
  return explainAzureError(e, { label: "live read" });
}

function firstLine(s: string): string {
  return s.split("\n")[0] ?? s;
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/**
 * A copy without the undefined keys, so facts stay minimal and JSON-stable. A copy, not deletes: a delete turns the
 * object into a hash table, slower for every later read and copy (per subnet, 200 in the live benchmark).
 */
function clean<T extends object>(o: T): T {
  const out = {} as T;
  for (const k in o) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
