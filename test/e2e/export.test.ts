/**
 * `aks-net export --format arm|bicep|terraform|az` (issue 14 item 2), for every topology in examples/ and every
 * topology the body tests plan: each format carries the bodies and dependencies of `create --dry-run --offline -o json`
 * for the same input, read back out of the export:
 * - ARM: validated against Microsoft's deployment-template schema and each resource against a strict copy of its
 *   resource schema, unknown keys refused (test/fixtures/arm-schemas, vendored from Azure/azure-resource-manager-schemas;
 *   see its README);
 * - Terraform: parsed by HashiCorp's HCL parser (@cdktf/hcl2json, the Go parser compiled to wasm);
 * - Bicep: parsed by the tree-sitter Bicep grammar (test/helpers/bicep.ts; a syntax check, not the Bicep compiler's
 *   type check) and read back to the same bodies;
 * - az: the script is run by bash with a recording `az` first on PATH, and the PUTs it sends are compared.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseHcl } from "@cdktf/hcl2json";
import { Ajv } from "ajv";
import type { SpecInput } from "../../src/core/spec.ts";
import { hasStackTrace, ROOT, runCli, runNode } from "../helpers/cli.ts";
import { useFakeArm } from "../helpers/create-cli.ts";
import { FAKE_SUBSCRIPTION_ID } from "../fakes/fake-arm.ts";
import { cliEnv } from "../helpers/run-cli.ts";
import { parseBicep } from "../helpers/bicep.ts";
import { TOPOLOGIES } from "../helpers/topologies.ts";

type Json = Record<string, unknown>;
interface Op {
  type: string;
  resourceId: string;
  apiVersion: string;
  dependsOn: string[];
  body: Json;
}
/** A resource read back from an export: its id, api-version, body (tokens as the plan writes them) and dependencies (ids). */
interface Read {
  resourceId: string;
  type: string;
  apiVersion: string;
  body: Json;
  dependsOn: string[];
}

const SUB = "00000000-0000-0000-0000-000000000000";
const TARGET = ["-n", "walk", "-g", "rg-walk", "-l", "westeurope"];
const rgId = `/subscriptions/${SUB}/resourceGroups/rg-walk`;
const lc = (s: string): string => s.toLowerCase();
const SCHEMAS = join(ROOT, "test/fixtures/arm-schemas");

let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-export-"))));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The cases: each example file, and each body-test topology as a spec file. */
function cases(): [string, string[]][] {
  const examples = readdirSync(join(ROOT, "examples"))
    .filter((f) => /\.(ya?ml|json)$/.test(f) && f !== "broken.yaml")
    .map((f): [string, string[]] => [`examples/${f}`, ["-f", join(ROOT, "examples", f)]]);
  const topologies = TOPOLOGIES.map(([name, input], i): [string, string[]] => [name, ["-f", `@spec-${i}`, JSON.stringify(input satisfies SpecInput)]]);
  return [...examples, ...topologies];
}

/** Writes a topology's spec file when its args name one. */
function args(spec: string[]): string[] {
  if (spec[1]?.startsWith("@spec-")) {
    const path = join(dir, `${spec[1].slice(1)}.json`);
    writeFileSync(path, spec[2] as string);
    return ["-f", path, ...TARGET];
  }
  return [...spec, ...TARGET];
}

/** Whether the case's spec names other subnets of its VNet (which then exists, and is not written). */
function namesOtherSubnets(spec: string[]): boolean {
  const text = spec[1]?.startsWith("@spec-") ? (spec[2] as string) : readFileSync(spec[1] as string, "utf8");
  return text.includes("existingSubnets");
}

async function planned(spec: string[]): Promise<Op[]> {
  const r = await runCli(["create", ...args(spec), "--dry-run", "--offline", "-o", "json"]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { operations: Op[] }).operations;
}

async function exported(format: string, spec: string[]): Promise<string> {
  const r = await runCli(["export", "--format", format, ...args(spec)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(hasStackTrace(r.stderr), false);
  return r.stdout;
}

/** The parent holding an inlined child, and the child's collection. */
const INLINE: Record<string, string> = { "microsoft.network/virtualnetworks/subnets": "subnets", "microsoft.network/routetables/routes": "routes" };
const parentOf = (id: string): string => id.slice(0, id.lastIndexOf("/", id.lastIndexOf("/") - 1));

/**
 * Checks that what an export carries is the plan: every planned resource (but `skip`ped types) is in the export as its
 * own resource or inline in its parent's collection, with the same body; nothing else is; and each dependency of the
 * plan is a dependency in the export (of the resource holding it), unless `implicit` says the format infers it.
 */
function assertCarriesPlan(ops: Op[], read: Read[], opts: { skipGroups?: boolean; existingVnet?: boolean } = {}): void {
  const byId = new Map(read.map((r) => [lc(r.resourceId), structuredClone(r)]));
  const holder = new Map<string, string>();
  // A VNet whose other subnets the spec names exists: the export leaves it alone (a PUT would drop those subnets).
  const skipped = (o: Op): boolean => (opts.skipGroups === true && o.type === "Microsoft.Resources/resourceGroups") || (opts.existingVnet === true && o.type === "Microsoft.Network/virtualNetworks");
  const planned = ops.filter((o) => !skipped(o));
  for (const o of planned) {
    const collection = INLINE[lc(o.type)];
    const parent = byId.get(lc(parentOf(o.resourceId)));
    if (collection !== undefined && parent !== undefined && !byId.has(lc(o.resourceId))) {
      // Take the child out of its parent's collection: what is left must be the parent's own body.
      const props = parent.body["properties"] as Json;
      const list = props[collection] as Json[];
      const name = o.resourceId.slice(o.resourceId.lastIndexOf("/") + 1);
      const at = list.findIndex((x) => x["name"] === name);
      assert.ok(at >= 0, `${o.resourceId} is neither a resource nor inline in ${parent.resourceId}`);
      const { name: _name, ...child } = list.splice(at, 1)[0] as Json;
      assert.deepEqual(child, o.body, `inline body of ${o.resourceId}`);
      holder.set(lc(o.resourceId), lc(parent.resourceId));
    } else {
      assert.ok(byId.has(lc(o.resourceId)), `${o.resourceId} is not in the export`);
      holder.set(lc(o.resourceId), lc(o.resourceId));
    }
  }
  for (const o of planned) {
    const own = byId.get(lc(o.resourceId));
    if (own === undefined) continue;
    const props = own.body["properties"] as Json | undefined;
    const want = ops.find((x) => lc(x.resourceId) === lc(o.resourceId)) as Op;
    // A collection emptied by taking the children out was added by the export.
    for (const c of Object.values(INLINE)) if (Array.isArray(props?.[c]) && (props[c] as unknown[]).length === 0 && !((want.body["properties"] as Json | undefined)?.[c] !== undefined)) delete props[c];
    assert.deepEqual(own.body, o.body, `body of ${o.resourceId}`);
    assert.equal(own.apiVersion, o.apiVersion, `api-version of ${o.resourceId}`);
    assert.equal(own.type, o.type);
  }
  assert.deepEqual([...byId.keys()].filter((id) => ![...holder.values()].includes(id)), [], "resources the plan does not have");
  for (const o of planned) {
    const mine = holder.get(lc(o.resourceId)) as string;
    const deps = (byId.get(mine) as Read).dependsOn.map(lc);
    for (const d of o.dependsOn) {
      const theirs = holder.get(lc(d));
      if (theirs === undefined || theirs === mine) continue; // outside the export (the group in ARM), or the same resource now
      assert.ok(deps.includes(theirs), `${mine} does not depend on ${theirs} (the plan's ${o.resourceId} → ${d})`);
    }
  }
}

// ---- ARM ----

const SCHEMA_BASE = "https://schema.management.azure.com/schemas/";
function ajvWithSchemas(): Ajv {
  // The files are draft-04; the keywords they use mean the same in ajv's default draft. Formats are not checked.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
  for (const f of readdirSync(SCHEMAS).filter((n) => n.endsWith(".json"))) {
    const path = f.replace(/^(\d{4}-\d{2}-\d{2}|common)_/, "$1/");
    // Draft-04 names a schema by `id` (draft-06 on: `$id`); the key it is added under is that same URL.
    const { id: _id, $schema: _draft, ...schema } = JSON.parse(readFileSync(join(SCHEMAS, f), "utf8")) as Json;
    // A strict copy of each provider file: where a schema lists an object's properties and says nothing of others, no
    // other key is allowed (Microsoft's files allow any), so a misspelt or unsupported key fails the check.
    if (/^\d{4}-\d{2}-\d{2}_Microsoft\./.test(f)) strict(schema);
    if (f.endsWith("deploymentTemplate.json")) {
      // Its `resource` is a oneOf over every provider's schema files (hundreds, not vendored): each resource is held to
      // the base all resources share here (name, type, apiVersion, dependsOn, location, tags, scope...), and to its own
      // provider's resource schema separately.
      (schema["definitions"] as Json)["resource"] = { $ref: "#/definitions/resourceBase" };
    }
    ajv.addSchema(schema, `${SCHEMA_BASE}${path}`);
  }
  return ajv;
}

/**
 * Sets `additionalProperties: false` on every object schema that lists its properties and leaves others open. A
 * polymorphic model (shared `properties` beside a `oneOf` of subtypes, as firewall policy rules are written) first
 * gives each subtype the shared properties, so each subtype lists every key it allows.
 */
function strict(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(strict);
  if (typeof node !== "object" || node === null) return;
  const n = node as Json;
  const props = n["properties"];
  if (typeof props === "object" && props !== null && Array.isArray(n["oneOf"])) {
    for (const branch of n["oneOf"] as Json[]) {
      if (typeof branch["properties"] !== "object") continue;
      branch["properties"] = { ...(props as Json), ...(branch["properties"] as Json) };
      branch["required"] = [...((n["required"] as string[] | undefined) ?? []), ...((branch["required"] as string[] | undefined) ?? [])];
    }
    delete n["properties"];
    delete n["required"];
  } else if (typeof props === "object" && props !== null && !("additionalProperties" in n)) n["additionalProperties"] = false;
  for (const v of Object.values(n)) strict(v);
}

/** Keys of a template resource that the deployment template's schema checks (resourceBase), not the provider's. */
const TEMPLATE_KEYS = ["dependsOn", "scope", "condition", "comments", "copy"];
const withoutTemplateKeys = (r: Json): Json => Object.fromEntries(Object.entries(r).filter(([k]) => !TEMPLATE_KEYS.includes(k)));

/** The resource definition each type is checked against, and the api-version that schema file has. */
const RESOURCE_SCHEMAS: Record<string, [string, string]> = {
  "Microsoft.Network/virtualNetworks": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/virtualNetworks", "2025-07-01"],
  "Microsoft.Network/virtualNetworks/subnets": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/virtualNetworks_subnets", "2025-07-01"],
  "Microsoft.Network/publicIPAddresses": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/publicIPAddresses", "2025-07-01"],
  "Microsoft.Network/azureFirewalls": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/azureFirewalls", "2025-07-01"],
  "Microsoft.Network/firewallPolicies": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/firewallPolicies", "2025-07-01"],
  "Microsoft.Network/firewallPolicies/ruleCollectionGroups": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/firewallPolicies_ruleCollectionGroups", "2025-07-01"],
  "Microsoft.Network/routeTables": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/routeTables", "2025-07-01"],
  "Microsoft.Network/routeTables/routes": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/routeTables_routes", "2025-07-01"],
  "Microsoft.Network/natGateways": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/natGateways", "2025-07-01"],
  "Microsoft.Network/networkSecurityGroups": ["2025-07-01/Microsoft.Network.NRP.json#/resourceDefinitions/networkSecurityGroups", "2025-07-01"],
  "Microsoft.ContainerService/managedClusters": ["2026-05-01/Microsoft.ContainerService.Aks.json#/resourceDefinitions/managedClusters", "2026-05-01"],
  "Microsoft.ManagedIdentity/userAssignedIdentities": ["2024-11-30/Microsoft.ManagedIdentity.json#/resourceDefinitions/userAssignedIdentities", "2024-11-30"],
  "Microsoft.Authorization/roleAssignments": ["2022-04-01/Microsoft.Authorization.json#/resourceDefinitions/roleAssignments", "2022-04-01"],
};

/** ARM expressions back to the plan's tokens. */
function fromArm(value: unknown, template: Json): unknown {
  if (typeof value === "string") {
    if (value.startsWith("[[")) return value.slice(1);
    let m = /^\[reference\('([^']+)', '([^']+)', 'Full'\)\.([A-Za-z0-9.]+)\]$/.exec(value);
    if (m) return `[ref:${m[1]}#${m[3]}]`;
    m = /^\[concat\(reference\('([^']+)', '([^']+)', 'Full'\)\.([A-Za-z0-9.]+), '([^']*)'\)\]$/.exec(value);
    if (m) return `[ref:${m[1]}#${m[3]}|${m[4]}]`;
    m = /^\[parameters\('([A-Za-z0-9]+)'\)\]$/.exec(value);
    if (m) {
      const param = ((template["parameters"] as Json)[m[1] as string]) as Json;
      assert.equal(param["type"], "securestring", `${m[1]} is a secure parameter`);
      return `[secret:${(m[1] as string).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    }
    assert.ok(!value.startsWith("["), `an expression the test does not know: ${value}`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => fromArm(v, template));
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromArm(v, template)]));
  return value;
}

function readArm(template: Json): Read[] {
  return (template["resources"] as Json[]).map((r) => {
    const { type, apiVersion, name, scope, dependsOn, ...body } = r as { type: string; apiVersion: string; name: string; scope?: string; dependsOn?: string[] } & Json;
    const segments = type.split("/");
    const names = name.split("/");
    const resourceId =
      scope !== undefined
        ? `${rgId}/providers/${scope}/providers/${type}/${name}`
        : `${rgId}/providers/${segments[0]}/${segments.slice(1).map((t, i) => `${t}/${names[i]}`).join("/")}`;
    // The template gives a resource without properties an empty `properties` (the resource schemas require one).
    if (JSON.stringify(body["properties"]) === "{}") delete body["properties"];
    return { resourceId, type, apiVersion, body: fromArm(body, template) as Json, dependsOn: dependsOn ?? [] };
  });
}

describe("export --format arm: an ARM deployment template", () => {
  const ajv = ajvWithSchemas();
  const validateTemplate = ajv.compile({
    // deploymentTemplate.json, with its `resource` (a oneOf over every provider's files) taken as the base every
    // resource shares; each resource is then checked against its own provider schema below.
    $ref: `${SCHEMA_BASE}2019-04-01/deploymentTemplate.json#`,
  });
  for (const [name, spec] of cases()) {
    it(`${name}: same bodies and dependencies as create --dry-run; valid against the template and resource schemas`, async function () {
      this.timeout(30_000);
      const ops = await planned(spec);
      const out = await exported("arm", spec).catch((e: Error) => e);
      const outside = ops.some((o) => o.type === "Microsoft.Authorization/roleAssignments" && !lc(o.resourceId).startsWith(`${lc(rgId)}/`));
      if (outside) {
        // A subnet brought from another group: a resource-group deployment cannot reach it; export says so (exit 2).
        assert.ok(out instanceof Error, "a plan outside the group is refused");
        return;
      }
      assert.ok(typeof out === "string");
      const template = JSON.parse(out) as Json;
      assert.ok(validateTemplate(template), JSON.stringify(validateTemplate.errors?.slice(0, 5), null, 2));
      for (const r of template["resources"] as Json[]) {
        const [ref, version] = RESOURCE_SCHEMAS[r["type"] as string] ?? [];
        assert.ok(ref, `no schema vendored for ${String(r["type"])}`);
        const validate = ajv.getSchema(`${SCHEMA_BASE}${ref}`);
        assert.ok(validate, ref);
        // The vendored schema files are the newest the schema repository has for these types; they name their own
        // api-version, older than the plan's (see the fixtures' README).
        const ok = validate({ ...withoutTemplateKeys(r), apiVersion: version });
        assert.ok(ok, `${String(r["type"])} ${String(r["name"])}: ${JSON.stringify(validate.errors?.slice(0, 5), null, 2)}`);
      }
      assert.deepEqual(template["$schema"], "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
      assertCarriesPlan(ops, readArm(template), { skipGroups: true, existingVnet: namesOtherSubnets(spec) });
      const group = ops.find((o) => lc(o.resourceId) === lc(rgId)) as Op;
      assert.deepEqual((template["metadata"] as Json)["resourceGroup"], { name: "rg-walk", location: "westeurope", tags: group.body["tags"] });
    });
  }

  it("the schema check can fail: a wrong property type, and a misspelt or unknown key (strict copies of the schemas)", async () => {
    const template = JSON.parse(await exported("arm", ["-f", join(ROOT, "examples/overlay-cilium.yaml")])) as Json;
    assert.ok(validateTemplate({ ...template, contentVersion: "one" }) === false);
    const resource = (type: string): [Json, (v: Json) => boolean] => {
      const [ref, version] = RESOURCE_SCHEMAS[type] as [string, string];
      const validate = ajv.getSchema(`${SCHEMA_BASE}${ref}`);
      assert.ok(validate);
      const r = (template["resources"] as Json[]).find((x) => x["type"] === type) as Json;
      return [withoutTemplateKeys(r), (v) => validate({ ...v, apiVersion: version }) as boolean];
    };
    const [vnet, vnetOk] = resource("Microsoft.Network/virtualNetworks");
    const props = vnet["properties"] as Json;
    assert.ok(vnetOk(vnet));
    assert.equal(vnetOk({ ...vnet, properties: { addressSpace: { addressPrefixes: "10.0.0.0/16" } } }), false, "a string where a list goes");
    assert.equal(vnetOk({ ...vnet, properties: { ...props, subnets: [{ name: "x", properties: { addressPrefix: 24 } }] } }), false, "a number where a prefix goes");
    assert.equal(vnetOk({ ...vnet, properties: { ...props, subnets: [{ name: "x", properties: { adressPrefix: "10.0.0.0/24" } }] } }), false, "a misspelt subnet key");
    assert.equal(vnetOk({ ...vnet, properties: { ...props, addressSpace: { addressPrefix: ["10.0.0.0/16"] } } }), false, "a misspelt nested key");
    assert.equal(vnetOk({ ...vnet, zones: ["1"] }), false, "a top-level key VNets do not have");
    const [aks, aksOk] = resource("Microsoft.ContainerService/managedClusters");
    const aksProps = aks["properties"] as Json;
    assert.ok(aksOk(aks));
    assert.equal(aksOk({ ...aks, properties: { ...aksProps, networkProfile: { ...(aksProps["networkProfile"] as Json), networkPlugn: "azure" } } }), false, "a misspelt network profile key");
    const pools = aksProps["agentPoolProfiles"] as Json[];
    assert.equal(aksOk({ ...aks, properties: { ...aksProps, agentPoolProfiles: [{ ...pools[0], maxPod: 30 }] } }), false, "a misspelt pool key");
  });

  it("the strict copy still takes firewall policy rules (a shared base with subtypes) only with their subtype's keys", async () => {
    const template = JSON.parse(await exported("arm", ["-f", join(ROOT, "examples/firewall-expose.yaml"), "--firewall-sku", "Premium"])) as Json;
    const [ref, version] = RESOURCE_SCHEMAS["Microsoft.Network/firewallPolicies/ruleCollectionGroups"] as [string, string];
    const validate = ajv.getSchema(`${SCHEMA_BASE}${ref}`);
    const groups = (template["resources"] as Json[]).filter((x) => x["type"] === "Microsoft.Network/firewallPolicies/ruleCollectionGroups");
    assert.ok(validate && groups.length > 0);
    for (const g of groups) {
      const body = withoutTemplateKeys(g);
      assert.ok(validate({ ...body, apiVersion: version }), JSON.stringify(validate.errors?.slice(0, 3)));
      const collections = (body["properties"] as Json)["ruleCollections"] as Json[];
      const bad = { ...body, properties: { ...(body["properties"] as Json), ruleCollections: [{ ...collections[0], priorty: 100 }, ...collections.slice(1)] } };
      assert.equal(validate({ ...bad, apiVersion: version }), false, "a misspelt key of a rule collection");
    }
  });
});

describe("every planned body at the exact api-versions create sends: through the Azure SDK clients, whole", function () {
  this.timeout(120_000);
  const arm = useFakeArm();
  // The vendored schemas are older than these api-versions (see test/fixtures/arm-schemas/README.md). The SDK clients
  // are generated for exactly them, and their serializers drop every key their model does not know; the port's
  // pre-flight check (create's, before its first write) refuses a body that would not go out whole.
  it("each example and topology: no key of any body is unknown to its api-version", async () => {
    const items: { name: string; resourceId: string; body: Json; planned: Json }[] = [];
    for (const [name, spec] of cases()) {
      for (const o of await planned(spec)) if (o.type !== "Microsoft.Resources/resourceGroups") items.push({ name, resourceId: o.resourceId, body: o.body, planned: o.body });
    }
    // The offline plan's subscription is a placeholder; the SDK clients address the fake's.
    const input = JSON.stringify(items).replaceAll(SUB, FAKE_SUBSCRIPTION_ID);
    const r = await runNode(["test/helpers/port-check.ts"], { env: cliEnv({ fake: arm.fake }), input });
    const lines = r.stdout.trimEnd().split("\n");
    assert.equal(lines.length, items.length, r.stdout + r.stderr);
    const refused = lines.map((l, i) => [items[i]!.name, l] as const).filter(([, l]) => l !== "ok");
    assert.deepEqual(refused, [], "bodies the SDK would not send whole");
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(arm.fake.requests.filter((q) => q.method !== "GET"), [], "nothing was sent");
  });

  it("the check can fail: a misspelt key is dropped by the SDK serializer, and refused", async () => {
    const [op] = (await planned(["-f", join(ROOT, "examples/overlay-cilium.yaml")])).filter((o) => o.type === "Microsoft.ContainerService/managedClusters");
    assert.ok(op);
    const props = op.body["properties"] as Json;
    const body = { ...op.body, properties: { ...props, networkProfile: { ...(props["networkProfile"] as Json), networkPlugn: "azure" } } };
    const r = await runNode(["test/helpers/port-check.ts"], { env: cliEnv({ fake: arm.fake }), input: JSON.stringify({ resourceId: op.resourceId, body, planned: body }).replaceAll(SUB, FAKE_SUBSCRIPTION_ID) });
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /would send a different body than planned .*drops \$\.properties\.networkProfile\.networkPlugn/);
  });
});

// ---- Terraform ----

async function readTerraform(text: string): Promise<{ reads: Read[]; variables: Json; raw: Json }> {
  const raw = (await parseHcl("main.tf", text)) as Json;
  const resources = ((raw["resource"] as Json)["azapi_resource"] ?? {}) as Record<string, Json[]>;
  const idOf = new Map<string, string>();
  const entries = Object.entries(resources).map(([sym, [r]]) => {
    const res = r as Json;
    const [type, apiVersion] = String(res["type"]).split("@") as [string, string];
    const name = String(res["name"]);
    const parent = String(res["parent_id"]);
    const segments = type.split("/");
    let resourceId: string;
    if (type === "Microsoft.Resources/resourceGroups") resourceId = `${parent}/resourceGroups/${name}`;
    else if (type === "Microsoft.Authorization/roleAssignments") resourceId = `${parent}/providers/${type}/${name}`;
    else if (segments.length > 2) resourceId = `${parent}/${segments.at(-1) as string}/${name}`;
    else resourceId = `${parent}/providers/${type}/${name}`;
    idOf.set(sym, resourceId);
    return { sym, res, type, apiVersion, resourceId };
  });
  const token = (s: string): string => {
    let m = /^\$\{azapi_resource\.([a-z0-9_]+)\.output\.([A-Za-z0-9.]+)\}(.*)$/.exec(s);
    if (m) {
      const target = entries.find((e) => e.sym === m?.[1]);
      assert.ok(target, `reference to an unknown resource in ${s}`);
      assert.ok((target.res["response_export_values"] as string[] | undefined)?.includes(m[2] as string), `${m[1]} exports ${m[2]}`);
      return `[ref:${idOf.get(m[1] as string)}#${m[2]}${m[3] === "" ? "" : `|${m[3]}`}]`;
    }
    m = /^\$\{var\.([a-z0-9_]+)\}$/.exec(s);
    if (m) return `[secret:${(m[1] as string).replace(/_/g, "-")}]`;
    // hcl2json writes Terraform's JSON syntax, where literal `${` and `%{` stay escaped as `$${` and `%%{`.
    assert.ok(!/(^|[^$])\$\{/.test(s) && !/(^|[^%])%\{/.test(s), `an expression the test does not know: ${s}`);
    return s.replace(/\$\$\{/g, "${").replace(/%%\{/g, "%{");
  };
  const walk = (v: unknown): unknown =>
    typeof v === "string" ? token(v) : Array.isArray(v) ? v.map(walk) : typeof v === "object" && v !== null ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)])) : v;
  const reads = entries.map(({ res, type, apiVersion, resourceId }) => {
    const body: Json = {};
    if (res["location"] !== undefined) body["location"] = res["location"];
    if (res["tags"] !== undefined) body["tags"] = res["tags"];
    Object.assign(body, (res["body"] ?? {}) as Json);
    const dependsOn = ((res["depends_on"] ?? []) as string[]).map((d) => idOf.get(/^\$\{azapi_resource\.([a-z0-9_]+)\}$/.exec(d)?.[1] ?? "") ?? `unknown ${d}`);
    return { resourceId, type, apiVersion, body: walk(body) as Json, dependsOn };
  });
  return { reads, variables: (raw["variable"] ?? {}) as Json, raw };
}

describe("export --format terraform: azapi resources with the plan's exact bodies", () => {
  for (const [name, spec] of cases()) {
    it(`${name}: parses as HCL and round-trips to the bodies and dependencies of create --dry-run`, async function () {
      this.timeout(30_000);
      const ops = await planned(spec);
      const { reads, raw } = await readTerraform(await exported("terraform", spec));
      assertCarriesPlan(ops, reads, { existingVnet: namesOtherSubnets(spec) });
      const providers = ((raw["terraform"] as Json[])[0] as Json)["required_providers"] as Json[];
      assert.deepEqual((providers[0] as Json)["azapi"], { source: "Azure/azapi", version: "~> 2.0" });
    });
  }
  it("the round trip can fail: HCL that is not valid is refused by the parser", async () => {
    await assert.rejects(parseHcl("main.tf", 'resource "azapi_resource" "x" {\n  body = {\n}\n'));
  });
});

// ---- Bicep ----

/**
 * Reads a Bicep export back with a real Bicep parser (test/helpers/bicep.ts: the tree-sitter Bicep grammar), which
 * fails on any syntax error; its resource declarations become ids, bodies and dependencies to compare with the plan.
 */
function readBicep(text: string): { reads: Read[]; params: string[]; existing: Map<string, string> } {
  const file = parseBicep(text);
  assert.equal(file.targetScope, "resourceGroup");
  const symbols = new Map<string, { type: string; apiVersion: string; name: string; parent?: string; scope?: string }>();
  const raw: { sym: string; body: Json; deps: string[] }[] = [];
  const existing = new Map<string, string>();
  for (const p of file.params) {
    assert.ok(p.type === "string" && p.decorators.includes("secure"), `${p.name} is a @secure() string: ${JSON.stringify(p)}`);
  }
  const params = file.params.map((p) => p.name);
  for (const r of file.resources) {
    const [type, apiVersion] = r.type.split("@") as [string, string];
    const { name, parent, scope, dependsOn, ...body } = r.body as { name: string; parent?: { $param: string }; scope?: { $param: string }; dependsOn?: { $param: string }[] } & Json;
    symbols.set(r.symbol, { type, apiVersion, name, ...(parent ? { parent: parent.$param } : {}), ...(scope ? { scope: scope.$param } : {}) });
    if (r.existing) existing.set(r.symbol, name);
    else raw.push({ sym: r.symbol, body, deps: (dependsOn ?? []).map((d) => d.$param) });
  }
  const idOf = (sym: string): string => {
    const s = symbols.get(sym);
    assert.ok(s, `unknown symbol ${sym}`);
    if (s.scope !== undefined) return `${idOf(s.scope)}/providers/${s.type}/${s.name}`;
    if (s.parent !== undefined) return `${idOf(s.parent)}/${s.type.split("/").at(-1) as string}/${s.name}`;
    const segments = s.type.split("/");
    const names = s.name.split("/");
    return `${rgId}/providers/${segments[0]}/${segments.slice(1).map((t, k) => `${t}/${names[k]}`).join("/")}`;
  };
  const tokens = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(tokens);
    if (typeof v !== "object" || v === null) return v;
    const o = v as Json;
    if (typeof o["$ref"] === "string") return `[ref:${idOf(o["$ref"])}#${String(o["path"])}${o["suffix"] ? `|${String(o["suffix"])}` : ""}]`;
    if (typeof o["$param"] === "string") {
      assert.ok(params.includes(o["$param"]), `${o["$param"]} is a parameter`);
      return `[secret:${o["$param"].replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}]`;
    }
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, tokens(x)]));
  };
  const reads = raw.map(({ sym, body, deps }) => {
    const s = symbols.get(sym) as { type: string; apiVersion: string };
    return { resourceId: idOf(sym), type: s.type, apiVersion: s.apiVersion, body: tokens(body) as Json, dependsOn: deps.map(idOf) };
  });
  return { reads, params, existing };
}

describe("export --format bicep (parsed by the tree-sitter Bicep grammar and read back)", () => {
  for (const [name, spec] of cases()) {
    it(`${name}: the same resources, bodies and dependencies as create --dry-run`, async function () {
      this.timeout(30_000);
      const ops = await planned(spec);
      if (ops.some((o) => o.type === "Microsoft.Authorization/roleAssignments" && !lc(o.resourceId).startsWith(`${lc(rgId)}/`))) {
        const r = await runCli(["export", "--format", "bicep", ...args(spec)]);
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /one resource group .*terraform/s);
        return;
      }
      const text = await exported("bicep", spec);
      const { reads } = readBicep(text);
      assertCarriesPlan(ops, reads, { skipGroups: true, existingVnet: namesOtherSubnets(spec) });
    });
  }
  it("the parser fails on a broken file: a missing brace, an unclosed string, a stray token", async () => {
    const text = await exported("bicep", ["-f", join(ROOT, "examples/overlay-cilium.yaml")]);
    assert.ok(readBicep(text).reads.length > 0);
    const lastBrace = text.lastIndexOf("}");
    for (const broken of [text.slice(0, lastBrace) + text.slice(lastBrace + 1), text.replace("'westeurope'", "'westeurope"), text.replace("properties: {", "properties: { ;")]) {
      assert.throws(() => parseBicep(broken), /Bicep syntax error at line \d+/);
    }
  });

  it("strings that look like Bicep syntax stay literal: quotes, backslashes, ${ in a tag value", async () => {
    const path = join(dir, "tags.json");
    writeFileSync(path, JSON.stringify({ tags: { note: "it's a \\ ${x} %{y} [z]" } }));
    const ops = await planned(["-f", path]);
    for (const format of ["bicep", "terraform", "arm"]) {
      const text = await exported(format, ["-f", path]);
      const reads = format === "bicep" ? readBicep(text).reads : format === "terraform" ? (await readTerraform(text)).reads : readArm(JSON.parse(text) as Json);
      assertCarriesPlan(ops, reads, { skipGroups: format !== "terraform" });
    }
    // The az script's here-documents: the tag reaches the PUT exactly, nothing in it is expanded by the shell.
    const bin = mkdtempSync(join(dir, "bin-"));
    writeFileSync(join(bin, "az"), FAKE_AZ);
    chmodSync(join(bin, "az"), 0o755);
    const log = mkdtempSync(join(dir, "log-"));
    const r = await runBash(await exported("az", ["-f", path]), { PATH: bin, FAKE_AZ_LOG: log, AKS_NET_ARM_ENDPOINT: "https://arm.example", x: "EXPANDED" });
    assert.equal(r.code, 0, r.stderr);
    const vnet = readdirSync(log).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(join(log, f), "utf8")) as Json).find((b) => (b["tags"] as Json | undefined)?.["note"] !== undefined);
    assert.equal((vnet?.["tags"] as Json)["note"], "it's a \\ ${x} %{y} [z]");
  });
});

// ---- az script ----

/** A recording `az`: PUT bodies are saved in order; GETs answer as a finished resource would. */
const FAKE_AZ = `#!/usr/bin/env bash
log="$FAKE_AZ_LOG"
method="" url="" body="" query=""
while [ $# -gt 0 ]; do
  case "$1" in
    --method) method=$2; shift ;;
    --url) url=$2; shift ;;
    --body) body=\${2#@}; shift ;;
    --query) query=$2; shift ;;
  esac
  shift
done
case "$method" in
  put) n=$(ls "$log" | wc -l); cp "$body" "$log/$(printf %03d "$n").json"; echo "$url" > "$log/$(printf %03d "$n").url" ;;
  get) case "$query" in
      properties.provisioningState) echo Succeeded ;;
      *.principalId | *.objectId) echo 11111111-2222-3333-4444-555555555555 ;;
      properties.ipAddress) echo 20.1.2.3 ;;
      *) exit 3 ;;
    esac ;;
  *) exit 4 ;;
esac
`;

function runBash(script: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { env: { HOME: dir, ...env, PATH: `${env["PATH"]}:${process.env["PATH"] ?? ""}` }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

const resolveFake = (v: unknown, password: string): unknown => {
  if (typeof v === "string") {
    const m = /^\[ref:([^#]+)#([^|\]]+)(?:\|([^\]]*))?\]$/.exec(v);
    if (m) return `${/(principalId|objectId)$/.test(m[2] as string) ? "11111111-2222-3333-4444-555555555555" : "20.1.2.3"}${m[3] ?? ""}`;
    return v === "[secret:windows-admin-password]" ? password : v;
  }
  if (Array.isArray(v)) return v.map((x) => resolveFake(x, password));
  if (typeof v === "object" && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveFake(x, password)]));
  return v;
};

describe("export --format az: a bash script of az calls, run against a recording az", () => {
  let bin: string;
  before(() => {
    bin = mkdtempSync(join(dir, "bin-"));
    writeFileSync(join(bin, "az"), FAKE_AZ);
    chmodSync(join(bin, "az"), 0o755);
  });
  const PASSWORD = `p"a\\ss$w'0rd\`x`;
  for (const [name, spec] of cases()) {
    it(`${name}: PUTs every planned body, in dependency order, and nothing else`, async function () {
      this.timeout(30_000);
      const ops = await planned(spec);
      const script = await exported("az", spec);
      assert.ok(!script.includes(PASSWORD));
      const log = mkdtempSync(join(dir, "log-"));
      const script0 = join(log, "..", `${log.split("/").at(-1) as string}.sh`);
      writeFileSync(script0, script);
      const r = await runBash(`bash ${script0}`, { PATH: bin, FAKE_AZ_LOG: log, AKS_NET_ARM_ENDPOINT: "https://arm.example/", AKS_NET_WINDOWS_ADMIN_PASSWORD: PASSWORD });
      assert.equal(r.code, 0, r.stderr);
      const puts = readdirSync(log).filter((f) => f.endsWith(".json")).sort().map((f) => {
        const url = readFileSync(join(log, f.replace(/json$/, "url")), "utf8").trim();
        const m = /^https:\/\/arm\.example(\/subscriptions\/.*)\?api-version=(.*)$/.exec(url);
        assert.ok(m, url);
        return { resourceId: m[1] as string, apiVersion: m[2] as string, body: JSON.parse(readFileSync(join(log, f), "utf8")) as Json };
      });
      const order = puts.map((p) => lc(p.resourceId));
      const reads: Read[] = puts.map((p) => ({ ...p, type: (ops.find((o) => lc(o.resourceId) === lc(p.resourceId)) ?? { type: "?" }).type, dependsOn: [] }));
      const expected = ops.map((o) => ({ ...o, body: resolveFake(o.body, PASSWORD) as Json, dependsOn: [] }));
      assertCarriesPlan(expected, reads, { existingVnet: namesOtherSubnets(spec) });
      // Dependency order: whatever holds a dependency was PUT before.
      const holderIndex = (id: string): number => {
        const at = order.indexOf(lc(id));
        return at >= 0 ? at : order.indexOf(lc(parentOf(id)));
      };
      for (const o of ops) {
        for (const d of o.dependsOn) {
          const [before, after] = [holderIndex(d), holderIndex(o.resourceId)];
          if (before >= 0 && after >= 0 && before !== after) assert.ok(before < after, `${d} before ${o.resourceId}`);
        }
      }
      assert.equal(order.length, new Set(order).size, "nothing is PUT twice");
    });
  }
  it("without the Windows password in the environment it stops before any PUT, naming the variable", async () => {
    const path = join(dir, "win.json");
    writeFileSync(path, JSON.stringify({ nodePools: [{ name: "system" }, { name: "win", mode: "User", osType: "Windows" }] }));
    const script = await exported("az", ["-f", path]);
    const log = mkdtempSync(join(dir, "log-"));
    const r = await runBash(script, { PATH: bin, FAKE_AZ_LOG: log, AKS_NET_ARM_ENDPOINT: "https://arm.example" });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /AKS_NET_WINDOWS_ADMIN_PASSWORD/);
    assert.deepEqual(readdirSync(log), []);
  });
});

// ---- all formats ----

describe("export: front doors, secrets and errors", () => {
  it("create --dry-run --format X prints the same as export --format X", async () => {
    for (const format of ["arm", "bicep", "terraform", "az"]) {
      const a = await runCli(["create", "--dry-run", "--format", format, "--template", "firewall-egress", ...TARGET]);
      const b = await runCli(["export", "--format", format, "--template", "firewall-egress", ...TARGET]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(a.stdout, b.stdout);
    }
  });
  it("a Windows pool's password is a secure parameter / sensitive variable, never in any export", async () => {
    const path = join(dir, "win2.json");
    writeFileSync(path, JSON.stringify({ nodePools: [{ name: "system" }, { name: "win", mode: "User", osType: "Windows" }] }));
    const env = { AKS_NET_WINDOWS_ADMIN_PASSWORD: "Sup3r-Secret-Value!" };
    for (const format of ["arm", "bicep", "terraform", "az"]) {
      const r = await runCli(["export", "--format", format, "-f", path, ...TARGET], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!r.stdout.includes("Sup3r") && !r.stderr.includes("Sup3r"), format);
    }
    const arm = JSON.parse((await runCli(["export", "--format", "arm", "-f", path, ...TARGET])).stdout) as Json;
    assert.deepEqual(((arm["parameters"] as Json)["windowsAdminPassword"] as Json)["type"], "securestring");
    const tf = await readTerraform((await runCli(["export", "--format", "terraform", "-f", path, ...TARGET])).stdout);
    assert.equal(((tf.variables["windows_admin_password"] as Json[])[0] as Json)["sensitive"], true);
  });
  it("usage errors (exit 2) and invalid specs (exit 3), one line, no stack trace", async () => {
    const cases: [string[], number, RegExp][] = [
      [["export", ...TARGET], 2, /--format/],
      [["export", "--format", "pulumi", ...TARGET], 2, /arm, bicep, terraform, az/],
      [["create", "--format", "arm", ...TARGET], 2, /--dry-run/],
      [["create", "--dry-run", "--format", "arm", "-o", "json", ...TARGET], 2, /-o json/],
      [["export", "--format", "arm", "--service-cidr", "10.224.0.0/16", ...TARGET], 3, /error/],
      [["export", "--format", "arm", "--no-input"], 2, /-n\/--name/],
    ];
    for (const [argv, code, message] of cases) {
      const r = await runCli(argv);
      assert.equal(r.code, code, `${argv.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(hasStackTrace(r.stderr), false);
      // create -o json writes its one result document on every exit path; nothing else writes to stdout.
      if (argv.includes("-o")) assert.equal((JSON.parse(r.stdout) as Json)["status"], "failed");
      else assert.equal(r.stdout, "");
    }
  });
  it("a VNet whose other subnets the spec names is not written (a PUT would remove them): its new subnets are", async () => {
    const r = await runCli(["export", "--format", "arm", "-f", join(ROOT, "examples/hub-spoke.yaml"), ...TARGET]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /VNet spoke-prod .*does not write the VNet/);
    const types = (JSON.parse(r.stdout) as { resources: Json[] }).resources.map((x) => `${String(x["type"])} ${String(x["name"])}`);
    assert.ok(!types.some((t) => t.startsWith("Microsoft.Network/virtualNetworks ")), types.join("\n"));
    assert.ok(types.includes("Microsoft.Network/virtualNetworks/subnets spoke-prod/aks-nodes"), types.join("\n"));
  });
  it("a separate network resource group: arm and bicep refuse (one group per deployment); terraform and az reach both", async () => {
    const path = join(dir, "netrg.json");
    writeFileSync(path, JSON.stringify({ vnet: { resourceGroup: "rg-net", addressSpaces: ["10.7.0.0/16"], subnetCidr: "10.7.0.0/22" } }));
    for (const format of ["arm", "bicep"]) {
      const r = await runCli(["export", "--format", format, "-f", path, ...TARGET]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /rg-walk/);
    }
    const ops = await planned(["-f", path]);
    assertCarriesPlan(ops, (await readTerraform(await exported("terraform", ["-f", path]))).reads);
  });
});
