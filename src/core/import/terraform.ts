/**
 * A Terraform plan as JSON (`terraform show -json plan.out`; developer.hashicorp.com/terraform/internals/json-format)
 * into the spec. Values come from `planned_values` (root and child modules); `resource_changes[].change.after_unknown`
 * says which are known only after apply. An unknown attribute the configuration sets is "not checked" (SRC-01); one it
 * leaves to the provider is Azure's default, as the spec's own defaults are. Subnet ids unknown at plan time are
 * followed through the `configuration` references (`azurerm_subnet.nodes.id`, module outputs).
 */
import { UsageError } from "../errors.ts";
import { dig, mapClusterBody } from "./aks-body.ts";
import type { Path } from "./aks-body.ts";
import { ImportBuilder, Unknown, idParts } from "./model.ts";
import type { Imported, SourceRef } from "./model.ts";
import { fillNetwork, fillPoolSubnets } from "./network.ts";
import type { NetFirewall, NetRouteTable, NetSubnet, NetVnet, PoolSubnetRef, SubnetFact, SubnetRef } from "./network.ts";

type Json = Record<string, unknown>;

interface TfResource {
  address: string;
  /** Module address ("" for the root module). */
  module: string;
  type: string;
  name: string;
  values: Json;
  unknown: unknown;
  /** JSON pointers of `values` (planned_values) and of `after_unknown` (resource_changes). */
  valuesPtr: string;
  unknownPtr: string | undefined;
  /** The configuration block's `expressions`, when the configuration is in the plan. */
  config: Json | undefined;
}

/** True for a document `terraform show -json` wrote for a plan. */
export function isTerraformPlan(doc: unknown): boolean {
  return typeof doc === "object" && doc !== null && "format_version" in doc && ("planned_values" in doc || "resource_changes" in doc);
}

export function fromTerraformPlan(doc: Json, select?: string): Imported {
  const plan = new Plan(doc);
  const b = new ImportBuilder("terraform");
  const clusters = plan.resources.filter((r) => r.type === "azurerm_kubernetes_cluster" || (r.type === "azapi_resource" && /^Microsoft\.ContainerService\/managedClusters@/i.test(String(r.values["type"]))));
  const chosen = select ? clusters.filter((c) => c.address === select) : clusters;
  if (chosen.length !== 1) {
    const list = clusters.map((c) => c.address).join(", ");
    throw new UsageError(
      chosen.length === 0 ? (select ? `the plan has no cluster ${select}${list ? ` (it has ${list})` : ""}` : "the plan declares no azurerm_kubernetes_cluster and no azapi_resource of type Microsoft.ContainerService/managedClusters") : `the plan declares ${chosen.length} clusters (${list}); aks-net validates one`,
      chosen.length === 0 && !select ? "pass the JSON of `terraform show -json plan.out` for a configuration with an AKS cluster" : "pick one with --from-resource ADDRESS",
    );
  }
  const cluster = chosen[0] as TfResource;
  const subnetsOf = cluster.type === "azapi_resource" ? mapAzapi(plan, b, cluster) : mapAzurerm(plan, b, cluster);

  const pools = fillPoolSubnets(b, subnetsOf.node, subnetsOf.pod);
  fillNetwork(b, subnetsOf.node[0]?.sref, subnetsOf.pod[0]?.sref, plan.firewalls(), pools);
  return b.done();
}

interface PoolSubnetRefs {
  node: PoolSubnetRef[];
  pod: PoolSubnetRef[];
}

/** azurerm_kubernetes_cluster (+ its azurerm_kubernetes_cluster_node_pool resources). */
function mapAzurerm(plan: Plan, b: ImportBuilder, c: TfResource): PoolSubnetRefs {
  const put = (field: string, r: TfResource, path: Path, map?: (v: unknown) => unknown): void => {
    const v = plan.value(r, path);
    b.set(field, map && v !== undefined && !(v instanceof Unknown) ? map(v) : v, plan.ref(r, path, v instanceof Unknown));
  };
  put("name", c, ["name"]);
  put("location", c, ["location"]);
  put("resourceGroup", c, ["resource_group_name"]);
  put("kubernetesVersion", c, ["kubernetes_version"]);
  put("windowsProfile.adminUsername", c, ["windows_profile", 0, "admin_username"]);
  const np: Path = ["network_profile", 0];
  for (const [field, attr] of [
    ["networkPlugin", "network_plugin"],
    ["networkPluginMode", "network_plugin_mode"],
    ["networkPolicy", "network_policy"],
    ["networkDataplane", "network_data_plane"],
    ["podCidr", "pod_cidr"],
    ["podCidrs", "pod_cidrs"],
    ["serviceCidr", "service_cidr"],
    ["serviceCidrs", "service_cidrs"],
    ["dnsServiceIP", "dns_service_ip"],
    ["dockerBridgeCidr", "docker_bridge_cidr"],
    ["outboundType", "outbound_type"],
    ["loadBalancerSku", "load_balancer_sku"],
    ["ipFamilies", "ip_versions"],
  ] as const) put(field, c, [...np, attr], (v) => (Array.isArray(v) && v.length === 0 ? undefined : v));
  // azurerm 3.x: ebpf_data_plane = "cilium" (network_data_plane in 4.x).
  if (plan.value(c, [...np, "network_data_plane"]) === undefined) put("networkDataplane", c, [...np, "ebpf_data_plane"]);
  const lb: Path = [...np, "load_balancer_profile", 0];
  put("loadBalancerProfile.managedOutboundIPs.count", c, [...lb, "managed_outbound_ip_count"]);
  put("loadBalancerProfile.managedOutboundIPs.countIPv6", c, [...lb, "managed_outbound_ipv6_count"]);
  const ids = (v: unknown): unknown => (Array.isArray(v) && v.length > 0 ? v.map((id) => ({ id })) : undefined);
  put("loadBalancerProfile.outboundIPs.publicIPs", c, [...lb, "outbound_ip_address_ids"], ids);
  put("loadBalancerProfile.outboundIPPrefixes.publicIPPrefixes", c, [...lb, "outbound_ip_prefix_ids"], ids);
  put("loadBalancerProfile.allocatedOutboundPorts", c, [...lb, "outbound_ports_allocated"]);
  put("loadBalancerProfile.idleTimeoutInMinutes", c, [...lb, "idle_timeout_in_minutes"]);
  const nat: Path = [...np, "nat_gateway_profile", 0];
  put("natGatewayProfile.managedOutboundIPProfile.count", c, [...nat, "managed_outbound_ip_count"]);
  put("natGatewayProfile.idleTimeoutInMinutes", c, [...nat, "idle_timeout_in_minutes"]);

  const pools: { r: TfResource; path: Path; system: boolean }[] = [{ r: c, path: ["default_node_pool", 0], system: true }];
  for (const p of plan.resources.filter((r) => r.type === "azurerm_kubernetes_cluster_node_pool")) {
    if (plan.pointsAt(p, ["kubernetes_cluster_id"], c)) pools.push({ r: p, path: [], system: false });
  }
  const out: PoolSubnetRefs = { node: [], pod: [] };
  pools.forEach(({ r, path, system }, i) => {
    const at = `nodePools[${i}]`;
    put(`${at}.name`, r, [...path, "name"]);
    if (system) b.set(`${at}.mode`, "System", plan.ref(r, path, false));
    else put(`${at}.mode`, r, ["mode"]);
    if (system) b.set(`${at}.osType`, "Linux", plan.ref(r, path, false));
    else put(`${at}.osType`, r, ["os_type"]);
    put(`${at}.count`, r, [...path, "node_count"]);
    put(`${at}.maxPods`, r, [...path, "max_pods"]);
    put(`${at}.vmSize`, r, [...path, "vm_size"]);
    // azurerm 4.x: auto_scaling_enabled; 3.x: enable_auto_scaling.
    const scaling = plan.value(r, [...path, "auto_scaling_enabled"]) !== undefined ? "auto_scaling_enabled" : "enable_auto_scaling";
    put(`${at}.enableAutoScaling`, r, [...path, scaling]);
    put(`${at}.minCount`, r, [...path, "min_count"]);
    put(`${at}.maxCount`, r, [...path, "max_count"]);
    put(`${at}.maxSurge`, r, [...path, "upgrade_settings", 0, "max_surge"]);
    put(`${at}.maxUnavailable`, r, [...path, "upgrade_settings", 0, "max_unavailable"]);
    for (const [kind, attr] of [["node", "vnet_subnet_id"], ["pod", "pod_subnet_id"]] as const) {
      const p: Path = [...path, attr];
      const v = plan.value(r, p);
      if (v === undefined) continue;
      const ref = plan.ref(r, p, v instanceof Unknown);
      out[kind].push({ pool: i, sref: plan.subnetRef(v, r, p, ref), ref });
    }
  });
  return out;
}

/** azapi_resource of type Microsoft.ContainerService/managedClusters: its body is the ARM body. */
function mapAzapi(plan: Plan, b: ImportBuilder, c: TfResource): PoolSubnetRefs {
  const body = plan.withUnknowns(c, ["body"]);
  const parsed = typeof body === "string" ? safeJson(body) : body; // azapi 1.x: a JSON string
  const whole = { name: plan.value(c, ["name"]), location: plan.value(c, ["location"]), properties: dig(parsed, ["properties"]) };
  const ref = (path: Path): SourceRef => {
    const top = path[0] === "name" || path[0] === "location";
    return plan.ref(c, top ? path : ["body", ...path], plan.value(c, top ? path : ["body", ...path]) instanceof Unknown);
  };
  // Pools as azapi resources of their own (managedClusters/agentPools whose parent_id is the cluster).
  const poolResources = plan.resources.filter((r) => r.type === "azapi_resource" && /^Microsoft\.ContainerService\/managedClusters\/agentPools@/i.test(String(r.values["type"])) && plan.pointsAt(r, ["parent_id"], c));
  const extra = poolResources.map((r) => {
    const poolBody = plan.withUnknowns(r, ["body"]);
    const props = dig(typeof poolBody === "string" ? safeJson(poolBody) : poolBody, ["properties"]);
    return { body: { name: plan.value(r, ["name"]), properties: props }, ref: (path: Path): SourceRef => (path[0] === "name" ? plan.ref(r, path, false) : plan.ref(r, ["body", ...path], plan.value(r, ["body", ...path]) instanceof Unknown)) };
  });
  const subnets = mapClusterBody(b, whole, ref, extra);
  const inline = Array.isArray(dig(whole, ["properties", "agentPoolProfiles"])) ? (dig(whole, ["properties", "agentPoolProfiles"]) as unknown[]).length : 0;
  const owner = (pool: number): TfResource => (pool < inline ? c : (poolResources[pool - inline] ?? c));
  const out: PoolSubnetRefs = { node: [], pod: [] };
  // A subnet id known only after apply: the body's references say which resources it was built from; when they
  // name exactly one subnet of the plan, that is the subnet (with more, or none, it stays unknown).
  for (const kind of ["node", "pod"] as const) {
    for (const s of subnets[kind]) {
      const referenced = plan.referencedSubnets(owner(s.pool), ["body"]);
      const only = s.id instanceof Unknown && referenced.length === 1 && kind === "node" ? referenced[0] : undefined;
      out[kind].push({ pool: s.pool, sref: only ? { subnet: only, ref: s.ref } : plan.subnetRef(s.id, owner(s.pool), [], s.ref), ref: s.ref });
    }
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return new Unknown("the azapi body is not JSON");
  }
}

/** The plan's resources, indexed, with the configuration beside them. */
class Plan {
  readonly resources: TfResource[] = [];
  private readonly doc: Json;
  private readonly netCache = new Map<TfResource, NetSubnet | NetVnet | NetRouteTable>();

  constructor(doc: Json) {
    this.doc = doc;
    const changes = new Map<string, { unknown: unknown; ptr: string }>();
    const rc = doc["resource_changes"];
    if (Array.isArray(rc)) {
      rc.forEach((c: Json, i) => {
        const change = c?.["change"] as Json | undefined;
        if (typeof c?.["address"] === "string" && change) changes.set(c["address"], { unknown: change["after_unknown"], ptr: `/resource_changes/${i}/change/after_unknown` });
      });
    }
    const walk = (mod: unknown, ptr: string): void => {
      if (typeof mod !== "object" || mod === null) return;
      const m = mod as Json;
      const address = typeof m["address"] === "string" ? m["address"] : "";
      if (Array.isArray(m["resources"])) {
        m["resources"].forEach((r: Json, i) => {
          if (r?.["mode"] !== "managed" || typeof r["address"] !== "string") return;
          const change = changes.get(r["address"]);
          this.resources.push({
            address: r["address"],
            module: address,
            type: String(r["type"]),
            name: String(r["name"]),
            values: (r["values"] as Json) ?? {},
            unknown: change?.unknown,
            valuesPtr: `${ptr}/resources/${i}/values`,
            unknownPtr: change?.ptr,
            config: this.configOf(address, String(r["type"]), String(r["name"])),
          });
        });
      }
      if (Array.isArray(m["child_modules"])) m["child_modules"].forEach((c, i) => walk(c, `${ptr}/child_modules/${i}`));
    };
    walk(dig(doc, ["planned_values", "root_module"]), "/planned_values/root_module");
  }

  /** The configuration module for a module address (`module.net.module.sub`). */
  private configModule(address: string): Json | undefined {
    let mod = dig(this.doc, ["configuration", "root_module"]) as Json | undefined;
    for (const m of address.matchAll(/module\.([^.[\]]+)(\[[^\]]*\])?/g)) mod = dig(mod, ["module_calls", m[1] as string, "module"]) as Json | undefined;
    return mod;
  }

  private configOf(module: string, type: string, name: string): Json | undefined {
    const list = dig(this.configModule(module), ["resources"]);
    if (!Array.isArray(list)) return undefined;
    const block = list.find((r: Json) => r?.["type"] === type && r?.["name"] === name) as Json | undefined;
    return block?.["expressions"] as Json | undefined;
  }

  /** The value at `path`: known, an Unknown (set by the configuration, known after apply), or undefined. */
  value(r: TfResource, path: Path): unknown {
    const unknown = dig(r.unknown, path);
    // A list with an unknown element (`[true]`) is as unknown as the list.
    if (unknown === true || (Array.isArray(unknown) && unknown.includes(true))) {
      const expr = dig(r.config, path) as Json | undefined;
      // Not set in the configuration: the provider (Azure) chooses, as when the spec leaves a key out.
      if (expr === undefined && r.config !== undefined) return undefined;
      const refs = Array.isArray(expr?.["references"]) ? ` (from ${(expr["references"] as string[])[0]})` : "";
      return new Unknown(`known only after apply${refs}`);
    }
    const v = dig(r.values, path);
    return v === null ? undefined : v;
  }

  ref(r: TfResource, path: Path, unknown: boolean): SourceRef {
    const attr = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("");
    const base = unknown && r.unknownPtr ? r.unknownPtr : r.valuesPtr;
    return { at: `${r.address}${attr}`, pointer: `${base}${path.map((p) => `/${String(p).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("")}` };
  }

  /** The resource a reference names from inside `from`'s module: `azurerm_subnet.x.id`, `module.m.out`, indexed or not. */
  private follow(module: string, reference: string, depth = 0): TfResource | undefined {
    if (depth > 8) return undefined;
    const input = /^var\.([A-Za-z0-9_-]+)/.exec(reference);
    if (input) {
      // A module's input variable: what the calling module passes in (module_calls.NAME.expressions).
      const call = /^(.*?)\.?module\.([^.[\]]+)(\[[^\]]*\])?$/.exec(module);
      if (!call) return undefined;
      const parent = call[1] as string;
      const refs = dig(this.configModule(parent.replace(/\[[^\]]*\]/g, "")), ["module_calls", call[2] as string, "expressions", input[1] as string, "references"]);
      return Array.isArray(refs) ? refs.map((r) => this.follow(parent, String(r), depth + 1)).find((x) => x !== undefined) : undefined;
    }
    const mod = /^module\.([^.[\]]+)(\[[^\]]*\])?\.([^.[\]]+)/.exec(reference);
    if (mod) {
      const child = `${module ? `${module}.` : ""}module.${mod[1]}${mod[2] ?? ""}`;
      const refs = dig(this.configModule(child.replace(/\[[^\]]*\]/g, "")), ["outputs", mod[3] as string, "expression", "references"]);
      if (!Array.isArray(refs)) return undefined;
      const inChild = this.resources.some((r) => r.module === child) ? child : this.resources.find((r) => r.module.startsWith(`${child}[`))?.module ?? child;
      for (const ref of refs) {
        const hit = this.follow(inChild, String(ref), depth + 1);
        if (hit) return hit;
      }
      return undefined;
    }
    const m = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)(\[[^\]]*\])?/.exec(reference);
    if (!m) return undefined;
    const prefix = `${module ? `${module}.` : ""}${m[1]}.${m[2]}`;
    if (m[3]) return this.resources.find((r) => r.address === `${prefix}${m[3]}`);
    const all = this.resources.filter((r) => r.address === prefix || r.address.startsWith(`${prefix}[`));
    return all.length === 1 ? all[0] : undefined;
  }

  /** The resource `r`'s attribute at `path` points at (by its known id, else through the configuration's references). */
  target(r: TfResource, path: Path, value: unknown): TfResource | undefined {
    if (typeof value === "string" && value !== "") {
      const byId = this.resources.find((x) => typeof x.values["id"] === "string" && x.values["id"].toLowerCase() === value.toLowerCase());
      if (byId) return byId;
    }
    const refs = dig(r.config, [...path, "references"]);
    if (!Array.isArray(refs)) return undefined;
    for (const ref of refs) {
      const hit = this.follow(r.module, String(ref));
      if (hit) return hit;
    }
    return undefined;
  }

  /** The value at `path` with every part after_unknown marks replaced by an Unknown (an azapi body). */
  withUnknowns(r: TfResource, path: Path): unknown {
    const own = this.value(r, path);
    if (own instanceof Unknown) return own;
    const overlay = (v: unknown, u: unknown): unknown => {
      if (u === true) return new Unknown("known only after apply");
      if (typeof u !== "object" || u === null) return v;
      const out = (Array.isArray(v) ? [...(v as unknown[])] : { ...(typeof v === "object" && v !== null ? v : {}) }) as Record<string | number, unknown>;
      for (const [k, x] of Object.entries(u)) out[k] = overlay(out[k], x);
      return out;
    };
    return overlay(own, dig(r.unknown, path));
  }

  /** The azurerm_subnet resources an attribute's expression references (through modules and variables). */
  referencedSubnets(r: TfResource, path: Path): NetSubnet[] {
    const refs = dig(r.config, [...path, "references"]);
    if (!Array.isArray(refs)) return [];
    const hits = new Set(refs.map((ref) => this.follow(r.module, String(ref))).filter((x): x is TfResource => x?.type === "azurerm_subnet"));
    return [...hits].map((x) => this.subnet(x));
  }

  /** True when `r`'s attribute (an id) names `target`. */
  pointsAt(r: TfResource, path: Path, target: TfResource): boolean {
    return this.target(r, path, dig(r.values, path)) === target;
  }

  /** A pool's subnet id as a subnet of the plan, an id outside it, or unknown. */
  subnetRef(value: unknown, from: TfResource, path: Path, ref: SourceRef): SubnetRef {
    const res = path.length > 0 ? this.target(from, path, value) : undefined;
    if (res?.type === "azurerm_subnet") return { subnet: this.subnet(res), ref };
    if (typeof value === "string") {
      const parts = idParts(value);
      const [vnetName, subnetName] = [parts?.names[0]?.name, parts?.names[1]?.name];
      const declared = this.resources.find((x) => x.type === "azurerm_subnet" && eq(x.values["name"], subnetName) && eq(x.values["virtual_network_name"], vnetName));
      if (declared) return { subnet: this.subnet(declared), ref };
      const inline = this.vnets().flatMap((v) => v.subnets).find((s) => eq(s.name, subnetName) && eq(s.vnet?.name, vnetName));
      if (inline) return { subnet: inline, ref };
      return { outside: value, ref };
    }
    return { unknown: value instanceof Unknown ? `${value.why}, and not traced to an azurerm_subnet of the plan` : "no subnet id", ref };
  }

  private vnetOf(r: TfResource): NetVnet {
    const cached = this.netCache.get(r);
    if (cached) return cached as NetVnet;
    const v: NetVnet = { name: this.value(r, ["name"]), resourceGroup: this.value(r, ["resource_group_name"]), addressSpaces: this.value(r, ["address_space"]), ref: this.ref(r, ["address_space"], false), subnets: [], peerings: [] };
    this.netCache.set(r, v);
    // Inline `subnet` blocks (a set: no stable index to point at beyond the block).
    const inline = r.values["subnet"];
    if (Array.isArray(inline)) {
      inline.forEach((s: Json, i) => {
        const ref = this.ref(r, ["subnet", i], false);
        const prefixes = s?.["address_prefixes"] ?? (s?.["address_prefix"] !== undefined ? [s["address_prefix"]] : undefined);
        // azurerm 4.x inline blocks: `security_group` (an id) and `delegation` blocks.
        const facts: SubnetFact[] = [];
        if (typeof s?.["security_group"] === "string" && s["security_group"] !== "") facts.push({ key: "networkSecurityGroupId", value: s["security_group"], ref });
        const delegation = s?.["delegation"];
        if (Array.isArray(delegation) && delegation.length > 0) facts.push({ key: "delegations", value: delegation.map((d) => dig(d, ["service_delegation", 0, "name"])), ref });
        v.subnets.push({ name: s?.["name"], prefixes, prefixesRef: ref, nameRef: ref, vnet: v, facts });
      });
    }
    for (const s of this.resources.filter((x) => x.type === "azurerm_subnet")) {
      const target = this.target(s, ["virtual_network_name"], undefined) ?? this.resources.find((x) => x.type === "azurerm_virtual_network" && eq(x.values["name"], s.values["virtual_network_name"]));
      if (target === r) {
        const subnet = this.subnet(s, v);
        if (!v.subnets.includes(subnet)) v.subnets.push(subnet);
      }
    }
    for (const p of this.resources.filter((x) => x.type === "azurerm_virtual_network_peering")) {
      const local = this.target(p, ["virtual_network_name"], undefined) ?? this.resources.find((x) => x.type === "azurerm_virtual_network" && eq(x.values["name"], p.values["virtual_network_name"]));
      if (local !== r) continue;
      const remoteId = this.value(p, ["remote_virtual_network_id"]);
      const remote = this.target(p, ["remote_virtual_network_id"], remoteId);
      const ref = this.ref(p, ["remote_virtual_network_id"], remoteId instanceof Unknown);
      v.peerings.push({ remote: remote?.type === "azurerm_virtual_network" ? this.vnetOf(remote) : remoteId instanceof Unknown && !remote ? new Unknown(`${remoteId.why}, and not traced to an azurerm_virtual_network of the plan`) : undefined, remoteId, ref });
    }
    return v;
  }

  private vnets(): NetVnet[] {
    return this.resources.filter((x) => x.type === "azurerm_virtual_network").map((x) => this.vnetOf(x));
  }

  private subnet(r: TfResource, known?: NetVnet): NetSubnet {
    const cached = this.netCache.get(r);
    if (cached) return cached as NetSubnet;
    const s: NetSubnet = { name: this.value(r, ["name"]), prefixes: this.value(r, ["address_prefixes"]), prefixesRef: this.ref(r, ["address_prefixes"], this.value(r, ["address_prefixes"]) instanceof Unknown), nameRef: this.ref(r, ["name"], false), vnet: known };
    this.netCache.set(r, s);
    if (!known) {
      const target = this.target(r, ["virtual_network_name"], undefined) ?? this.resources.find((x) => x.type === "azurerm_virtual_network" && eq(x.values["name"], r.values["virtual_network_name"]));
      if (target) s.vnet = this.vnetOf(target);
    }
    s.facts = this.subnetFacts(r);
    const assoc = this.resources.find((x) => x.type === "azurerm_subnet_route_table_association" && this.pointsAt(x, ["subnet_id"], r));
    if (assoc) {
      const rt = this.target(assoc, ["route_table_id"], dig(assoc.values, ["route_table_id"]));
      s.routeTable = rt ? this.routeTable(rt) : new Unknown("its route table is not declared in this plan");
    }
    return s;
  }

  /** An azurerm_subnet's `delegation` blocks and its NSG and NAT gateway association resources. */
  private subnetFacts(r: TfResource): SubnetFact[] {
    const out: SubnetFact[] = [];
    const delegation = this.value(r, ["delegation"]);
    if (delegation instanceof Unknown || (Array.isArray(delegation) && delegation.length > 0)) {
      out.push({ key: "delegations", value: delegation instanceof Unknown ? delegation : delegation.map((d) => dig(d, ["service_delegation", 0, "name"])), ref: this.ref(r, ["delegation"], delegation instanceof Unknown) });
    }
    for (const [type, attr, key, armType] of ASSOCIATIONS) {
      const assoc = this.resources.find((x) => x.type === type && this.pointsAt(x, ["subnet_id"], r));
      if (!assoc) continue;
      const v = this.value(assoc, [attr]);
      out.push({ key, value: this.idOf(assoc, [attr], v, armType), ref: this.ref(assoc, [attr], v instanceof Unknown) });
    }
    return out;
  }

  /**
   * The id an attribute holds; for a resource of this plan whose id is known only after apply, its id from its
   * resource group and name with the subscription left as `{subscription}` (as resourceId() does for templates).
   */
  private idOf(r: TfResource, path: Path, value: unknown, armType: string): unknown {
    if (typeof value === "string") return value;
    const target = this.target(r, path, value);
    if (!target) return value instanceof Unknown ? new Unknown(`${value.why}, and not traced to a resource of the plan`) : undefined;
    const [rg, name] = [this.value(target, ["resource_group_name"]), this.value(target, ["name"])];
    if (typeof rg === "string" && typeof name === "string") return `/subscriptions/{subscription}/resourceGroups/${rg}/providers/${armType}/${name}`;
    return new Unknown(`the name or resource group of ${target.address} is known only after apply`);
  }

  private routeTable(r: TfResource): NetRouteTable {
    const cached = this.netCache.get(r);
    if (cached) return cached as NetRouteTable;
    const t: NetRouteTable = { routes: [] };
    this.netCache.set(r, t);
    const inline = r.values["route"];
    if (Array.isArray(inline)) {
      inline.forEach((x: Json, i) => t.routes.push({ prefix: x?.["address_prefix"], nextHopType: x?.["next_hop_type"], nextHopIp: x?.["next_hop_in_ip_address"] ?? undefined, ref: this.ref(r, ["route", i], false) }));
    }
    for (const x of this.resources.filter((y) => y.type === "azurerm_route")) {
      const table = this.target(x, ["route_table_name"], undefined) ?? this.resources.find((y) => y.type === "azurerm_route_table" && eq(y.values["name"], x.values["route_table_name"]));
      if (table !== r) continue;
      t.routes.push({ prefix: this.value(x, ["address_prefix"]), nextHopType: this.value(x, ["next_hop_type"]), nextHopIp: this.value(x, ["next_hop_in_ip_address"]), ref: this.ref(x, ["address_prefix"], false) });
    }
    return t;
  }

  firewalls(): NetFirewall[] {
    return this.resources
      .filter((r) => r.type === "azurerm_firewall")
      .map((r) => {
        const sub = (path: Path): NetSubnet | undefined => {
          const t = this.target(r, path, dig(r.values, path));
          return t?.type === "azurerm_subnet" ? this.subnet(t) : undefined;
        };
        return { sku: this.value(r, ["sku_tier"]), skuRef: this.ref(r, ["sku_tier"], false), subnet: sub(["ip_configuration", 0, "subnet_id"]), managementSubnet: sub(["management_ip_configuration", 0, "subnet_id"]) };
      });
  }
}

/** The association resources of a subnet: their attribute, the spec's key and the ARM type of what they name. */
const ASSOCIATIONS = [
  ["azurerm_subnet_network_security_group_association", "network_security_group_id", "networkSecurityGroupId", "Microsoft.Network/networkSecurityGroups"],
  ["azurerm_subnet_nat_gateway_association", "nat_gateway_id", "natGatewayId", "Microsoft.Network/natGateways"],
] as const;

/** Azure names compare case-insensitively. */
function eq(a: unknown, b: unknown): boolean {
  return typeof a === "string" && typeof b === "string" && a.toLowerCase() === b.toLowerCase();
}
