/**
 * An ARM deployment template, or the JSON Bicep compiles to (`az bicep build`), into the spec: the managed cluster
 * (and agentPools children), the VNets, subnets, route tables, firewalls and peerings around it, nested deployments
 * (Bicep modules) included. Parameters come from a parameters file or `--param NAME=VALUE`, else their defaults;
 * expressions are evaluated as far as offline allows (arm-expr.ts); the rest is named "not checked" (SRC-01).
 */
import { UsageError } from "../errors.ts";
import { dig, mapClusterBody } from "./aks-body.ts";
import type { Path } from "./aks-body.ts";
import { MAX_COPY_ELEMENTS, copyCount, evaluate, expandCopies, inCopy } from "./arm-expr.ts";
import type { CopyBudget, ExprContext } from "./arm-expr.ts";
import { ImportBuilder, Unknown, idParts } from "./model.ts";
import type { Imported, SourceRef } from "./model.ts";
import { fillNetwork, fillPoolSubnets } from "./network.ts";
import type { NetFirewall, NetRouteTable, NetSubnet, NetVnet, PoolSubnetRef, SubnetFact, SubnetRef } from "./network.ts";

type Json = Record<string, unknown>;

/** Parameter values given on the command line (`NAME=VALUE`) or in parameters files (`@FILE`), last one wins. */
export type ParamValues = Map<string, { value: unknown; raw: boolean }>;

export function isArmTemplate(doc: unknown): boolean {
  if (typeof doc !== "object" || doc === null) return false;
  const d = doc as Json;
  return "resources" in d && (/deploymentTemplate\.json/i.test(String(d["$schema"] ?? "")) || "contentVersion" in d);
}

/** `--param NAME=VALUE` (VALUE typed by the template's parameter type) and `--param @params.json`. */
export function parseParams(items: readonly string[], readFile: (path: string) => unknown): ParamValues {
  const out: ParamValues = new Map();
  for (const item of items) {
    if (item.startsWith("@")) {
      const doc = readFile(item.slice(1));
      const params = (typeof doc === "object" && doc !== null && "parameters" in doc ? (doc as Json)["parameters"] : doc) as Json;
      if (typeof params !== "object" || params === null || Array.isArray(params)) throw new UsageError(`--param ${item}: not a parameters file ({"parameters": {"NAME": {"value": ...}}})`);
      for (const [k, v] of Object.entries(params)) {
        const entry = v as Json | null;
        if (entry && typeof entry === "object" && "value" in entry) out.set(k.toLowerCase(), { value: entry["value"], raw: false });
        else if (entry && typeof entry === "object" && "reference" in entry) out.set(k.toLowerCase(), { value: new Unknown(`parameter ${k} is a Key Vault reference`), raw: false });
      }
      continue;
    }
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--param takes NAME=VALUE or @FILE, got '${item}'`, "example: --param clusterName=aks1 --param @main.parameters.json");
    out.set(item.slice(0, eq).toLowerCase(), { value: item.slice(eq + 1), raw: true });
  }
  return out;
}

interface ArmResource {
  type: string;
  name: unknown;
  body: Json;
  /** JSON pointer and dotted path of the resource in the template. */
  ptr: string;
  at: string;
}

export function fromArmTemplate(doc: Json, params: ParamValues, select?: string): Imported {
  const b = new ImportBuilder("arm");
  const resources: ArmResource[] = [];
  collect(doc, params, "", "", resources, b, true, undefined, { left: MAX_COPY_ELEMENTS });
  const clusters = resources.filter((r) => r.type === "microsoft.containerservice/managedclusters");
  const chosen = select ? clusters.filter((c) => c.name === select || c.at === select) : clusters;
  if (chosen.length !== 1) {
    const list = clusters.map((c) => (typeof c.name === "string" ? c.name : c.at)).join(", ");
    throw new UsageError(
      chosen.length === 0 ? (select ? `the template has no cluster ${select}${list ? ` (it has ${list})` : ""}` : "the template declares no Microsoft.ContainerService/managedClusters resource") : `the template declares ${chosen.length} clusters (${list}); aks-net validates one`,
      chosen.length === 0 && !select ? undefined : "pick one with --from-resource NAME",
    );
  }
  const cluster = chosen[0] as ArmResource;
  const ref = (r: ArmResource) => (path: Path): SourceRef => ({ at: `${r.at}${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}`, pointer: `${r.ptr}${path.map((p) => `/${p}`).join("")}` });
  const clusterName = typeof cluster.name === "string" ? cluster.name.toLowerCase() : undefined;
  const pools = resources
    .filter((r) => r.type === "microsoft.containerservice/managedclusters/agentpools" && typeof r.name === "string" && r.name.toLowerCase().startsWith(`${clusterName}/`))
    .map((r) => ({ body: { ...r.body, name: String(r.name).split("/")[1] }, ref: ref(r) }));
  const subnets = mapClusterBody(b, cluster.body, ref(cluster), pools);
  const net = new Network(resources, ref);
  const refs = (list: typeof subnets.node): PoolSubnetRef[] => list.map((n) => ({ pool: n.pool, ref: n.ref, sref: net.subnetRef(n.id, n.ref) }));
  const [node, pod] = [refs(subnets.node), refs(subnets.pod)];
  fillNetwork(b, node[0]?.sref, pod[0]?.sref, net.firewalls(), fillPoolSubnets(b, node, pod));
  return b.done();
}

/** Walks a template's resources (children and nested deployments too), each evaluated in its template's context. */
function collect(template: Json, params: ParamValues, ptr: string, at: string, out: ArmResource[], b: ImportBuilder, top: boolean, outer: ExprContext | undefined, budget: CopyBudget): void {
  const top0 = outer ?? context(template, params, top, budget);
  const list = template["resources"];
  const entries: [string, unknown][] = Array.isArray(list) ? list.map((r, i) => [String(i), r]) : typeof list === "object" && list !== null ? Object.entries(list) : [];
  const walk = (res: unknown, rptr: string, rat: string, parent?: { type: string; name: unknown }, ctx = top0): void => {
    if (typeof res !== "object" || res === null) return;
    const raw = res as Json;
    const type = `${parent ? `${parent.type}/` : ""}${String(raw["type"] ?? "")}`.toLowerCase();
    const copy = raw["copy"];
    if (copy !== undefined && !Array.isArray(copy)) {
      // A resource copy loop with a count known offline is expanded, copyIndex() evaluated per copy; else it is named.
      const count = copyCount(copy, ctx);
      if (count instanceof Unknown) {
        if (/virtualnetworks|subnets|routetables|managedclusters|azurefirewalls/.test(type)) b.unknown("vnet.existingSubnets", { at: rat, pointer: rptr }, `${type} is declared in a copy loop aks-net cannot expand: ${count.why}`);
        return;
      }
      const { copy: _loop, ...one } = raw;
      for (let i = 0; i < count; i++) walk(one, rptr, `${rat}[copy ${i}]`, parent, inCopy(ctx, (copy as Json)["name"], i));
      return;
    }
    if (raw["condition"] !== undefined && evaluate(raw["condition"], ctx) === false) return;
    const body = evaluate(raw, ctx) as Json;
    const own = body["name"];
    const name = parent && typeof parent.name === "string" && typeof own === "string" ? `${parent.name}/${own}` : parent ? new Unknown("a child resource of an unknown parent") : own;
    if (type === "microsoft.resources/deployments") {
      const props = raw["properties"] as Json | undefined;
      const inner = props?.["template"] as Json | undefined;
      if (inner && typeof inner === "object") {
        const scope = String(dig(props, ["expressionEvaluationOptions", "scope"]) ?? "outer").toLowerCase();
        const given = evaluate(props?.["parameters"] ?? {}, ctx) as Json;
        const nested: ParamValues = new Map();
        for (const [k, v] of Object.entries(given)) if (v && typeof v === "object" && "value" in v) nested.set(k.toLowerCase(), { value: (v as Json)["value"], raw: false });
        collect(inner, nested, `${rptr}/properties/template`, `${rat}.properties.template`, out, b, false, scope === "inner" ? undefined : ctx, budget);
      }
      return;
    }
    out.push({ type, name, body, ptr: rptr, at: rat });
    const children = raw["resources"];
    if (Array.isArray(children)) children.forEach((c, i) => walk(c, `${rptr}/resources/${i}`, `${rat}.resources[${i}]`, { type, name }, ctx));
  };
  for (const [key, res] of entries) walk(res, `${ptr}/resources/${key}`, `${at ? `${at}.` : ""}resources${Array.isArray(list) ? `[${key}]` : `.${key}`}`);
}

/** parameters() and variables() of one template: given values, else defaults; variables evaluated once, lazily. */
function context(template: Json, given: ParamValues, top: boolean, budget: CopyBudget): ExprContext {
  const object = (v: unknown): Json => (typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : {});
  const declared = object(template["parameters"]);
  const variables = object(template["variables"]);
  const cache = new Map<string, unknown>();
  const busy = new Set<string>();
  const ci = (obj: Json, name: string): string | undefined => Object.keys(obj).find((k) => k.toLowerCase() === name.toLowerCase());
  const ctx: ExprContext = {
    budget,
    parameter(name) {
      const key = ci(declared, name);
      const raw = key ? declared[key] : undefined;
      const decl = typeof raw === "object" && raw !== null ? (raw as Json) : undefined;
      const hit = given.get(name.toLowerCase());
      if (hit) return hit.raw ? typed(hit.value as string, String(decl?.["type"] ?? "string"), name) : hit.value;
      if (decl && "defaultValue" in decl) return once(`p:${name}`, () => evaluate(decl["defaultValue"], ctx));
      return new Unknown(`parameter '${name}' has no value${top ? ` (pass --param ${name}=VALUE or a parameters file with --param @FILE)` : ""}`);
    },
    variable(name) {
      const key = ci(variables, name);
      const loops = variables["copy"];
      // A variable copy loop declares the variables it names.
      if ((key === undefined || key === "copy") && Array.isArray(loops)) {
        const made = once("v:copy", () => expandCopies(loops, ctx)) as Json;
        const hit = ci(made, name);
        if (hit !== undefined) return made[hit];
      }
      if (key === undefined || key === "copy") return new Unknown(`variable '${name}' is not declared`);
      return once(`v:${key}`, () => evaluate(variables[key], ctx));
    },
  };
  const once = (key: string, make: () => unknown): unknown => {
    if (cache.has(key)) return cache.get(key);
    if (busy.has(key)) return new Unknown(`${key.slice(2)} refers to itself`);
    busy.add(key);
    const v = make();
    busy.delete(key);
    cache.set(key, v);
    return v;
  };
  return ctx;
}

/** A command-line parameter value typed by the template's declaration. */
function typed(text: string, type: string, name: string): unknown {
  switch (type.toLowerCase()) {
    case "int":
      if (!/^-?\d+$/.test(text)) throw new UsageError(`--param ${name} takes a whole number (the template declares int), got '${text}'`);
      return Number(text);
    case "bool":
      if (!/^(true|false)$/i.test(text)) throw new UsageError(`--param ${name} takes true or false (the template declares bool), got '${text}'`);
      return text.toLowerCase() === "true";
    case "array":
    case "object":
      try {
        return JSON.parse(text);
      } catch {
        throw new UsageError(`--param ${name} takes JSON (the template declares ${type}), got '${text}'`);
      }
    default:
      return text;
  }
}

/** The template's network resources, resolved by name (ids in templates are resourceId() results). */
class Network {
  private readonly vnets = new Map<string, NetVnet>();
  private readonly tables = new Map<string, NetRouteTable>();
  private readonly resources: ArmResource[];
  private readonly ref: (r: ArmResource) => (path: Path) => SourceRef;

  constructor(resources: ArmResource[], ref: (r: ArmResource) => (path: Path) => SourceRef) {
    this.resources = resources;
    this.ref = ref;
    for (const r of resources.filter((x) => x.type === "microsoft.network/routetables" && typeof x.name === "string")) {
      const routes = dig(r.body, ["properties", "routes"]);
      const t: NetRouteTable = { routes: [] };
      if (Array.isArray(routes)) routes.forEach((x, i) => t.routes.push(route(x, ref(r)(["properties", "routes", i]))));
      this.tables.set(String(r.name).toLowerCase(), t);
    }
    for (const r of resources.filter((x) => x.type === "microsoft.network/routetables/routes" && typeof x.name === "string")) {
      this.tables.get(String(r.name).split("/")[0]!.toLowerCase())?.routes.push(route(r.body, ref(r)(["properties", "addressPrefix"])));
    }
    for (const r of resources.filter((x) => x.type === "microsoft.network/virtualnetworks")) {
      const v: NetVnet = { name: r.name, resourceGroup: undefined, addressSpaces: dig(r.body, ["properties", "addressSpace", "addressPrefixes"]), ref: ref(r)(["properties", "addressSpace", "addressPrefixes"]), subnets: [], peerings: [] };
      const inline = dig(r.body, ["properties", "subnets"]);
      if (inline instanceof Unknown) v.subnets.push({ name: inline, prefixes: inline, prefixesRef: ref(r)(["properties", "subnets"]), nameRef: ref(r)(["properties", "subnets"]), vnet: v });
      else if (Array.isArray(inline)) inline.forEach((_, i) => v.subnets.push(this.subnet(r.body, ref(r), ["properties", "subnets", i], v)));
      const peerings = dig(r.body, ["properties", "virtualNetworkPeerings"]);
      if (Array.isArray(peerings)) peerings.forEach((p, i) => v.peerings.push(this.peering(p, ref(r)(["properties", "virtualNetworkPeerings", i]), [])));
      if (typeof r.name === "string") this.vnets.set(r.name.toLowerCase(), v);
    }
    for (const r of resources.filter((x) => x.type === "microsoft.network/virtualnetworks/subnets" && typeof x.name === "string")) {
      const [vnetName] = String(r.name).split("/");
      const v = this.vnets.get(String(vnetName).toLowerCase());
      if (v) v.subnets.push(this.subnet({ ...r.body, name: String(r.name).split("/")[1] }, ref(r), [], v));
    }
    for (const r of resources.filter((x) => x.type === "microsoft.network/virtualnetworks/virtualnetworkpeerings" && typeof x.name === "string")) {
      const v = this.vnets.get(String(r.name).split("/")[0]!.toLowerCase());
      if (v) v.peerings.push(this.peering(r.body, ref(r)(["properties", "remoteVirtualNetwork", "id"]), []));
    }
    // Peerings name their remote VNet by id: resolve those declared here once all VNets are known.
    for (const v of this.vnets.values()) {
      for (const p of v.peerings) if (p.remote === undefined && typeof p.remoteId === "string") p.remote = this.vnetById(p.remoteId);
    }
  }

  private subnet(s: unknown, ref: (path: Path) => SourceRef, path: Path, vnet: NetVnet): NetSubnet {
    const props: Path = [...path, "properties"];
    const many = dig(s, [...props, "addressPrefixes"]);
    const one = dig(s, [...props, "addressPrefix"]);
    const rtId = dig(s, [...props, "routeTable", "id"]);
    const rt = rtId instanceof Unknown ? rtId : typeof rtId === "string" ? this.tables.get((idParts(rtId)?.names[0]?.name ?? "").toLowerCase()) ?? new Unknown(`its route table ${rtId} is not declared in this template`) : undefined;
    const facts: SubnetFact[] = [];
    const delegations = dig(s, [...props, "delegations"]);
    if (delegations instanceof Unknown || (Array.isArray(delegations) && delegations.length > 0)) {
      facts.push({ key: "delegations", value: delegations instanceof Unknown ? delegations : delegations.map((d) => dig(d, ["properties", "serviceName"])), ref: ref([...props, "delegations"]) });
    }
    for (const [key, prop] of [["networkSecurityGroupId", "networkSecurityGroup"], ["natGatewayId", "natGateway"]] as const) {
      const id = dig(s, [...props, prop, "id"]);
      if (id !== undefined) facts.push({ key, value: id, ref: ref([...props, prop, "id"]) });
    }
    return {
      name: dig(s, [...path, "name"]),
      prefixes: many !== undefined ? many : one instanceof Unknown ? one : one !== undefined ? [one] : undefined,
      prefixesRef: ref([...props, many !== undefined ? "addressPrefixes" : "addressPrefix"]),
      nameRef: ref([...path, "name"]),
      vnet,
      facts,
      ...(rt ? { routeTable: rt } : {}),
    };
  }

  private peering(p: unknown, ref: SourceRef, _path: Path): NetVnet["peerings"][number] {
    const remoteId = dig(p, ["properties", "remoteVirtualNetwork", "id"]);
    const spaces = dig(p, ["properties", "remoteAddressSpace", "addressPrefixes"]);
    // A peering that states the remote ranges needs no lookup.
    const remote = spaces !== undefined ? { name: undefined, resourceGroup: undefined, addressSpaces: spaces, ref, subnets: [], peerings: [] } : remoteId instanceof Unknown ? remoteId : undefined;
    return { remote, remoteId, ref };
  }

  private vnetById(id: string): NetVnet | undefined {
    const parts = idParts(id);
    return parts?.names[0]?.type === "virtualnetworks" ? this.vnets.get(parts.names[0].name.toLowerCase()) : undefined;
  }

  subnetRef(id: unknown, ref: SourceRef): SubnetRef {
    if (id instanceof Unknown) return { unknown: id.why, ref };
    if (typeof id !== "string") return { unknown: "no subnet id", ref };
    const parts = idParts(id);
    const [v, s] = [parts?.names[0], parts?.names[1]];
    const vnet = v?.type === "virtualnetworks" ? this.vnets.get(v.name.toLowerCase()) : undefined;
    const subnet = vnet?.subnets.find((x) => typeof x.name === "string" && x.name.toLowerCase() === s?.name.toLowerCase());
    return subnet ? { subnet, ref } : { outside: id, ref };
  }

  firewalls(): NetFirewall[] {
    return this.resources
      .filter((r) => r.type === "microsoft.network/azurefirewalls")
      .map((r) => {
        const sub = (path: Path): NetSubnet | undefined => {
          const s = this.subnetRef(dig(r.body, path), this.ref(r)(path));
          return "subnet" in s ? s.subnet : undefined;
        };
        const configs = dig(r.body, ["properties", "ipConfigurations"]);
        const first = Array.isArray(configs) ? configs.findIndex((c) => dig(c, ["properties", "subnet", "id"]) !== undefined) : -1;
        return {
          sku: dig(r.body, ["properties", "sku", "tier"]),
          skuRef: this.ref(r)(["properties", "sku", "tier"]),
          subnet: first >= 0 ? sub(["properties", "ipConfigurations", first, "properties", "subnet", "id"]) : undefined,
          managementSubnet: sub(["properties", "managementIpConfiguration", "properties", "subnet", "id"]),
        };
      });
  }
}

function route(x: unknown, ref: SourceRef): NetRouteTable["routes"][number] {
  return { prefix: dig(x, ["properties", "addressPrefix"]), nextHopType: dig(x, ["properties", "nextHopType"]), nextHopIp: dig(x, ["properties", "nextHopIpAddress"]), ref };
}
