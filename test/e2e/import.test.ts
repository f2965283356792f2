/**
 * `validate --from`: Terraform plans (terraform show -json) and ARM / Bicep-compiled templates (test/fixtures/terraform,
 * test/fixtures/arm) through the built CLI. Each fixture is run beside the aks-net spec written by hand to mean the
 * same (test/fixtures/equivalent): the effective specs and the findings (rule, severity, fields) must be equal, and
 * every finding of the import must point into the fixture. Values the source cannot know are SRC-01, never guessed.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import yaml from "js-yaml";
import { hasStackTrace, ROOT, runCli } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";
import { sarifValidator } from "../helpers/sarif.ts";

interface Finding {
  rule: string;
  severity: string;
  fields: string[];
  message: string;
  source?: { file: string; at?: string; line?: number; column?: number };
}
interface Report {
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  info: Finding[];
  spec: Record<string, unknown>;
}

const TF = "test/fixtures/terraform";
const ARM = "test/fixtures/arm";
const EQ = "test/fixtures/equivalent";

const report = (r: CliResult): Report => {
  assert.equal(hasStackTrace(r.stderr), false, r.stderr);
  try {
    return JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.stdout}\n${r.stderr}`);
  }
};
const all = (d: Report): Finding[] => [...d.errors, ...d.warnings, ...d.info];
const comparable = (d: Report): string[] => all(d).map((f) => `${f.severity} ${f.rule} ${f.fields.join(",")}`).sort();

/** `rules`: the per-pool findings the pair must have (issue 14: the same rule ids on imports as on the spec). */
const PAIRS: { name: string; from: string[]; spec: string; at: RegExp; rules?: string[] }[] = [
  { name: "Terraform azurerm: pod subnet, Calico, firewall (UDR), route table, peering, Windows pool", from: [`${TF}/azurerm-firewall-pod-subnet.plan.json`], spec: `${EQ}/azurerm-firewall-pod-subnet.yaml`, at: /^azurerm_[a-z_]+\.[a-z_]+/ },
  { name: "Terraform azapi managedClusters in a module, the subnet through a module output", from: [`${TF}/azapi-overlay-module.plan.json`], spec: `${EQ}/azapi-overlay-module.yaml`, at: /^module\.aks\.azapi_resource\.cluster\.body\./ },
  { name: "Terraform azurerm: pools on node subnets of their own sharing one route table (kubenet)", from: [`${TF}/azurerm-pool-subnets.plan.json`], spec: `${EQ}/azurerm-pool-subnets.yaml`, at: /^azurerm_[a-z_]+\.[a-z_]+/, rules: ["CAP-05", "CAP-14", "OVL-08"] },
  { name: "Terraform azurerm: subnet delegation blocks, NSG and NAT gateway association resources", from: [`${TF}/azurerm-subnet-facts.plan.json`], spec: `${EQ}/azurerm-subnet-facts.yaml`, at: /^azurerm_[a-z_]+\.[a-z_]+/, rules: ["CMP-15", "BYO-02"] },
  { name: "ARM template with a parameters file and --param", from: [`${ARM}/firewall-pod-subnet.json`, "--param", `@${ARM}/firewall-pod-subnet.parameters.json`, "--param", "firewallTier=Premium"], spec: `${EQ}/arm-firewall-pod-subnet.yaml`, at: /^resources\[\d+\]\./ },
  { name: "ARM template: pools with node and pod subnets of their own, inline and as an agentPools child resource", from: [`${ARM}/pool-subnets.json`], spec: `${EQ}/arm-pool-subnets.yaml`, at: /^resources\[\d+\]\./, rules: ["CAP-14", "OVL-08"] },
  { name: "ARM template with a .bicepparam file and --param", from: [`${ARM}/firewall-pod-subnet.json`, "--param", `@${ARM}/firewall-pod-subnet.bicepparam`, "--param", "firewallTier=Premium"], spec: `${EQ}/arm-firewall-pod-subnet.yaml`, at: /^resources\[\d+\]\./ },
  { name: "ARM template with copy loops: property (subnets, pools), resource (subnets) and variable loops, copyIndex()", from: [`${ARM}/copy-loops.json`], spec: `${EQ}/arm-copy-loops.yaml`, at: /^resources\[\d+\](\[copy \d+\])?\./, rules: ["OVL-08"] },
  { name: "Bicep-compiled template, the VNet in a module (nested deployment)", from: [`${ARM}/overlay-module.bicep.json`, "--from-kind", "bicep"], spec: `${EQ}/bicep-overlay-module.yaml`, at: /^resources\[\d+\]\./ },
];

describe("validate --from: each fixture finds what its equivalent spec finds", () => {
  for (const pair of PAIRS) {
    it(pair.name, async () => {
      const [imported, spec] = await Promise.all([runCli(["validate", "--from", ...pair.from, "-o", "json"]), runCli(["validate", "-f", pair.spec, "-o", "json"])]);
      const [a, b] = [report(imported), report(spec)];
      assert.equal(imported.code, spec.code, "same exit code");
      const { imported: unchecked, ...effective } = a.spec;
      assert.equal(unchecked, undefined, `nothing left unchecked: ${JSON.stringify(unchecked)}`);
      assert.deepEqual(effective, b.spec, "the same effective spec");
      assert.deepEqual(comparable(a), comparable(b), "the same findings");
      assert.ok(all(a).length > 0, "the fixture has findings to compare");
      for (const rule of pair.rules ?? []) assert.ok(all(a).some((f) => f.rule === rule), `${rule} fires on the import`);
      for (const f of all(a)) {
        assert.equal(f.source?.file, pair.from[0], `${f.rule} points into the fixture`);
        assert.match(f.source?.at ?? "", pair.at, `${f.rule} names its place as the source's tool does`);
        assert.ok((f.source?.line ?? 0) > 1, `${f.rule} has a line`);
      }
    });
  }

  it("the fixtures cover every spec field an import maps", () => {
    const paths = new Set<string>();
    const walk = (v: unknown, at: string): void => {
      if (Array.isArray(v) && v.some((x) => typeof x === "object")) v.forEach((x) => walk(x, `${at}[]`));
      else if (typeof v === "object" && v !== null && !Array.isArray(v)) for (const [k, x] of Object.entries(v)) walk(x, at ? `${at}.${k}` : k);
      else paths.add(at);
    };
    for (const p of PAIRS) walk(yaml.load(readFileSync(join(ROOT, p.spec), "utf8")), "");
    const mapped = [
      "name", "location", "resourceGroup", "kubernetesVersion", "windowsProfile.adminUsername",
      "networkPlugin", "networkPluginMode", "networkPolicy", "networkDataplane", "podCidr", "serviceCidr", "dnsServiceIP", "outboundType", "loadBalancerSku", "ipFamilies",
      "loadBalancerProfile.managedOutboundIPs.count", "loadBalancerProfile.allocatedOutboundPorts", "loadBalancerProfile.idleTimeoutInMinutes",
      "vnet.name", "vnet.resourceGroup", "vnet.addressSpaces", "vnet.subnetName", "vnet.subnetCidr", "vnet.podSubnetName", "vnet.podSubnetCidr", "vnet.existingSubnets[].name", "vnet.existingSubnets[].cidr", "vnet.existingSubnets[].delegations", "vnet.existingSubnets[].networkSecurityGroupId", "vnet.existingSubnets[].natGatewayId", "vnet.natGatewayId",
      "firewall.enabled", "firewall.subnetCidr", "firewall.sku", "connectedCidrs", "routes[].prefix", "routes[].nextHopType", "routes[].nextHopIp",
      "nodePools[].name", "nodePools[].mode", "nodePools[].osType", "nodePools[].count", "nodePools[].maxPods", "nodePools[].vmSize", "nodePools[].enableAutoScaling", "nodePools[].minCount", "nodePools[].maxCount", "nodePools[].maxSurge", "nodePools[].maxUnavailable",
      "nodePools[].vnetSubnetName", "nodePools[].vnetSubnetCidr", "nodePools[].podSubnetName", "nodePools[].podSubnetCidr",
    ];
    assert.deepEqual(mapped.filter((m) => !paths.has(m)), []);
  });
});

/** A path for a test's own variant of a fixture, in one directory removed after this file's tests. */
let scratch: string | undefined;
after(() => scratch && rmSync(scratch, { recursive: true, force: true }));
function scratchFile(name: string): string {
  scratch ??= mkdtempSync(join(tmpdir(), "aks-net-import-"));
  return join(scratch, `${Math.random().toString(36).slice(2)}-${name}`);
}

describe("validate --from: what the source cannot know is named, never guessed", () => {
  it("ARM: unevaluable expressions and parameters without a value are SRC-01, and no finding judges the default instead", async () => {
    const d = report(await runCli(["validate", "--from", `${ARM}/unknowns.json`, "-o", "json"]));
    const src = d.warnings.filter((f) => f.rule === "SRC-01");
    assert.deepEqual(src.map((f) => f.fields[0]).sort(), ["location", "name", "serviceCidr", "vnet.addressSpaces", "vnet.subnetCidr"]);
    assert.match(src.find((f) => f.fields[0] === "serviceCidr")?.message ?? "", /parameter 'serviceCidr' has no value \(pass --param serviceCidr=VALUE/);
    assert.match(src.find((f) => f.fields[0] === "vnet.subnetCidr")?.message ?? "", /reference\(\)/);
    // dnsServiceIP is given and serviceCidr is not: with the default filled in, DNS-01 would fire. It must not.
    assert.deepEqual(all(d).filter((f) => f.rule !== "SRC-01" && f.fields.some((x) => x === "serviceCidr" || x.startsWith("vnet."))), []);
    assert.ok(d.errors.some((f) => f.rule === "CAP-07" && f.source?.at === "resources[0].properties.agentPoolProfiles[0].maxPods"), "mul(2, 500) is evaluated: maxPods 1000");
    // Given a value, the same template is checked: 10.0.0.10 is outside 10.1.0.0/16.
    const given = report(await runCli(["validate", "--from", `${ARM}/unknowns.json`, "--param", "serviceCidr=10.1.0.0/16", "-o", "json"]));
    assert.ok(given.errors.some((f) => f.rule === "DNS-02"), JSON.stringify(given.errors));
    assert.equal(given.warnings.some((f) => f.rule === "SRC-01" && f.fields[0] === "serviceCidr"), false);
  });

  it("pool subnets the spec cannot hold are SRC-01: one outside the template, one with another route table", async () => {
    const t = JSON.parse(readFileSync(join(ROOT, ARM, "pool-subnets.json"), "utf8")) as { resources: { properties: Record<string, any> }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const subnets = t.resources[1]!.properties["subnets"] as { name: string; properties: Record<string, unknown> }[];
    delete subnets.find((x) => x.name === "user-nodes")!.properties["routeTable"];
    t.resources[3]!.properties["vnetSubnetID"] = "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Network/virtualNetworks/other/subnets/theirs";
    const path = scratchFile("t.json");
    writeFileSync(path, JSON.stringify(t));
    const d = report(await runCli(["validate", "--from", path, "-o", "json"]));
    const src = d.warnings.filter((f) => f.rule === "SRC-01");
    assert.deepEqual(src.map((f) => f.fields[0]).sort(), ["nodePools[2].vnetSubnetCidr", "routes"]);
    assert.match(src.find((f) => f.fields[0] === "routes")?.message ?? "", /pool 1's node subnet 'user-nodes' has no route table, unlike the cluster's node subnet/);
    assert.match(src.find((f) => f.fields[0] === "nodePools[2].vnetSubnetCidr")?.message ?? "", /theirs is not declared in this source/);
    assert.equal(all(d).some((f) => f.rule !== "SRC-01" && f.fields.includes("nodePools[2].vnetSubnetCidr")), false, "nothing is judged on the subnet the template does not show");
    assert.ok(all(d).some((f) => f.rule === "CAP-14"), "the user pool's pod subnet is still checked");
  });

  it("Terraform: an azurerm 4.x inline subnet block's delegation and security_group are its facts", async () => {
    type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const plan = JSON.parse(readFileSync(join(ROOT, TF, "azurerm-subnet-facts.plan.json"), "utf8")) as J;
    const vnet = (plan["planned_values"].root_module.resources as J[]).find((r) => r["address"] === "azurerm_virtual_network.facts") as J;
    const nsg = "/subscriptions/s/resourceGroups/rg-sec/providers/Microsoft.Network/networkSecurityGroups/web";
    vnet["values"].subnet = [{ name: "web", address_prefixes: ["10.90.20.0/24"], security_group: nsg, delegation: [{ name: "d", service_delegation: [{ name: "Microsoft.Web/serverFarms", actions: [] }] }] }];
    delete (plan["resource_changes"] as J[]).find((r) => r["address"] === "azurerm_virtual_network.facts")!["change"].after_unknown.subnet;
    const path = scratchFile("plan.json");
    writeFileSync(path, JSON.stringify(plan));
    const d = report(await runCli(["validate", "--from", path, "-o", "json"]));
    const entries = (d.spec["vnet"] as { existingSubnets: Record<string, unknown>[] }).existingSubnets;
    assert.deepEqual(entries.find((e) => e["name"] === "web"), { name: "web", cidr: "10.90.20.0/24", networkSecurityGroupId: nsg, delegations: ["Microsoft.Web/serverFarms"] });
  });

  it("Terraform azapi: a managedClusters/agentPools azapi_resource is a pool of the cluster, on its own subnet", async () => {
    type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const plan = JSON.parse(readFileSync(join(ROOT, TF, "azapi-overlay-module.plan.json"), "utf8")) as J;
    const aks = (plan["planned_values"].root_module.child_modules as J[]).find((m) => m["address"] === "module.aks") as J;
    const values = { type: "Microsoft.ContainerService/managedClusters/agentPools@2024-09-01", name: "batch", body: { properties: { mode: "User", osType: "Linux", count: 260, maxPods: 30, vmSize: "Standard_D4s_v5", vnetSubnetID: "/subscriptions/s/resourceGroups/rg-api/providers/Microsoft.Network/virtualNetworks/api-vnet/subnets/legacy" } } };
    aks["resources"].push({ address: "module.aks.azapi_resource.batch", mode: "managed", type: "azapi_resource", name: "batch", values });
    plan["resource_changes"].push({ address: "module.aks.azapi_resource.batch", module_address: "module.aks", mode: "managed", type: "azapi_resource", name: "batch", change: { actions: ["create"], before: null, after: values, after_unknown: { id: true, parent_id: true } } });
    plan["configuration"].root_module.module_calls.aks.module.resources.push({ address: "azapi_resource.batch", mode: "managed", type: "azapi_resource", name: "batch", expressions: { parent_id: { references: ["azapi_resource.cluster.id", "azapi_resource.cluster"] }, name: { constant_value: "batch" } } });
    const path = scratchFile("plan.json");
    writeFileSync(path, JSON.stringify(plan));
    const d = report(await runCli(["validate", "--from", path, "-o", "json"]));
    const pools = d.spec["nodePools"] as Record<string, unknown>[];
    assert.deepEqual([pools[2]?.["name"], pools[2]?.["vnetSubnetName"], pools[2]?.["vnetSubnetCidr"]], ["batch", "legacy", "10.50.200.0/24"]);
    const cap = d.errors.find((f) => f.rule === "CAP-14");
    assert.ok(cap, JSON.stringify(all(d).map((f) => f.rule)));
    assert.equal(cap.source?.at, "module.network.azurerm_virtual_network.this.subnet[0]", "the prefix, where the plan declares it");
    assert.equal((d.spec["vnet"] as { existingSubnets: { name: string }[] }).existingSubnets.some((x) => x.name === "legacy"), false, "the pool's subnet is not an existing one");
  });

  it("ARM: a subnet's delegations, NSG and NAT gateway are its facts; the node subnet's NAT gateway is vnet.natGatewayId", async () => {
    const t = JSON.parse(readFileSync(join(ROOT, ARM, "pool-subnets.json"), "utf8")) as { resources: { properties: Record<string, any> }[] }; // eslint-disable-line @typescript-eslint/no-explicit-any
    const nodes = (t.resources[1]!.properties["subnets"] as { name: string; properties: Record<string, unknown> }[]).find((x) => x.name === "nodes")!;
    nodes.properties["delegations"] = [{ name: "aci", properties: { serviceName: "Microsoft.ContainerInstance/containerGroups" } }];
    nodes.properties["natGateway"] = { id: "[resourceId('Microsoft.Network/natGateways', 'egress')]" };
    nodes.properties["networkSecurityGroup"] = { id: "[resourceId('rg-sec', 'Microsoft.Network/networkSecurityGroups', 'nsg')]" };
    const path = scratchFile("t.json");
    writeFileSync(path, JSON.stringify(t));
    const d = report(await runCli(["validate", "--from", path, "-o", "json"]));
    const vnet = d.spec["vnet"] as { natGatewayId?: string; existingSubnets: Record<string, unknown>[] };
    assert.equal(vnet.natGatewayId, "/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/natGateways/egress");
    assert.deepEqual(vnet.existingSubnets.find((x) => x["name"] === "nodes"), {
      name: "nodes",
      cidr: "10.80.0.0/24",
      delegations: ["Microsoft.ContainerInstance/containerGroups"],
      networkSecurityGroupId: "/subscriptions/{subscription}/resourceGroups/rg-sec/providers/Microsoft.Network/networkSecurityGroups/nsg",
      natGatewayId: vnet.natGatewayId,
    });
    assert.ok(d.errors.some((f) => f.rule === "CMP-15" && f.source?.file === path), JSON.stringify(d.errors));
    assert.ok(d.errors.some((f) => f.rule === "BYO-02" && f.source?.at === "resources[1].properties.subnets[0].properties.natGateway.id"), JSON.stringify(d.errors));
  });

  it("ARM: a copy loop whose count is not known is named, and expanded once --param gives it", async () => {
    const t = JSON.parse(readFileSync(join(ROOT, ARM, "copy-loops.json"), "utf8")) as { parameters: Record<string, Record<string, unknown>> };
    delete t.parameters["extraCount"]!["defaultValue"];
    delete t.parameters["poolCount"]!["defaultValue"];
    const path = scratchFile("t.json");
    writeFileSync(path, JSON.stringify(t));
    const d = report(await runCli(["validate", "--from", path, "-o", "json"]));
    const src = d.warnings.filter((f) => f.rule === "SRC-01");
    assert.deepEqual(src.map((f) => f.fields[0]).sort(), ["nodePools", "vnet.existingSubnets"]);
    assert.match(src.find((f) => f.fields[0] === "vnet.existingSubnets")?.message ?? "", /copy loop aks-net cannot expand: its copy count is not known before deployment \(.*parameter 'extraCount' has no value/);
    assert.match(src.find((f) => f.fields[0] === "nodePools")?.message ?? "", /the copy loop 'agentPoolProfiles'/);
    assert.equal(all(d).some((f) => f.rule === "OVL-08"), false, "the subnets of the loop are not judged");
    const given = report(await runCli(["validate", "--from", path, "--param", "extraCount=2", "--param", "poolCount=2", "-o", "json"]));
    const fixture = report(await runCli(["validate", "--from", `${ARM}/copy-loops.json`, "-o", "json"]));
    assert.deepEqual(comparable(given), comparable(fixture));
  });

  it("a .bicepparam value that is an expression is SRC-01 for the field it feeds", async () => {
    const path = scratchFile("main.bicepparam");
    writeFileSync(path, "using 'main.bicep'\nparam clusterName = 'shop'\nparam serviceCidr = readEnvironmentVariable('SERVICE_CIDR')\n");
    const d = report(await runCli(["validate", "--from", `${ARM}/firewall-pod-subnet.json`, "--param", `@${path}`, "-o", "json"]));
    const src = d.warnings.filter((f) => f.rule === "SRC-01");
    // dnsServiceIP is cidrHost(serviceCidr, 9): unknown with it; the rest of the network profile stays known.
    assert.deepEqual(src.map((f) => f.fields[0]).sort(), ["dnsServiceIP", "serviceCidr"]);
    for (const f of src) assert.match(f.message, /param serviceCidr in the \.bicepparam file is an expression/);
    assert.equal(d.spec["networkPolicy"], "calico");
    assert.equal(d.spec["name"], "shop", "the literal values are read");
  });

  describe("Terraform: after_unknown", () => {
    let dir: string;
    before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-tf-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));
    type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const variant = (edit: (plan: Json, cluster: Json, change: Json, config: Json) => void): string => {
      const plan = JSON.parse(readFileSync(join(ROOT, TF, "azurerm-firewall-pod-subnet.plan.json"), "utf8")) as Json;
      const cluster = (plan["planned_values"].root_module.resources as Json[]).find((r) => r["address"] === "azurerm_kubernetes_cluster.aks") as Json;
      const change = (plan["resource_changes"] as Json[]).find((r) => r["address"] === "azurerm_kubernetes_cluster.aks") as Json;
      const config = (plan["configuration"].root_module.resources as Json[]).find((r) => r["address"] === "azurerm_kubernetes_cluster.aks") as Json;
      edit(plan, cluster, change, config);
      const path = join(dir, `plan-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(path, JSON.stringify(plan));
      return path;
    };

    it("an attribute the configuration sets but the plan cannot know is SRC-01, pointing at after_unknown", async () => {
      const path = variant((_p, cluster, change, config) => {
        delete cluster["values"].network_profile[0].service_cidr;
        delete change["change"].after.network_profile[0].service_cidr;
        change["change"].after_unknown.network_profile = [{ service_cidr: true }];
        config["expressions"].network_profile[0].service_cidr = { references: ["var.service_cidr"] };
      });
      const d = report(await runCli(["validate", "--from", path, "-o", "json"]));
      const src = d.warnings.find((f) => f.rule === "SRC-01");
      assert.deepEqual(src?.fields, ["serviceCidr"]);
      assert.match(src?.message ?? "", /known only after apply \(from var\.service_cidr\)/);
      assert.equal(src?.source?.at, "azurerm_kubernetes_cluster.aks.network_profile[0].service_cidr");
      assert.equal(all(d).some((f) => f.rule === "OVL-02"), false, "the overlap of the known value is gone with it, and nothing is said of the default");
    });

    it("an attribute the configuration leaves to the provider takes AKS's default, as an omitted spec key does", async () => {
      const path = variant((_p, cluster, change, config) => {
        delete cluster["values"].default_node_pool[0].max_pods;
        change["change"].after_unknown.default_node_pool = [{ max_pods: true }];
        delete config["expressions"].default_node_pool[0].max_pods;
      });
      const d = report(await runCli(["validate", "--from", path, "-o", "json"]));
      assert.equal(all(d).some((f) => f.rule === "SRC-01"), false);
      assert.equal((d.spec["nodePools"] as { maxPods: number }[])[0]?.maxPods, 250, "DEF-06: Azure CNI with a pod subnet");
    });

    it("a value of a type the spec cannot hold is a usage error naming the spec key and the Terraform attribute", async () => {
      const path = variant((_p, cluster) => {
        cluster["values"].default_node_pool[0].node_count = ["3"];
      });
      const r = await runCli(["validate", "--from", path]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /at azurerm_kubernetes_cluster\.aks\.default_node_pool\[0\]\.node_count: nodePools\[0\]\.count: must be a whole number, got a list/);
      assert.equal(hasStackTrace(r.stderr), false);
    });

    it("two clusters need --from-resource; a subnet outside the plan is the spec's vnetSubnetId, its prefix unchecked", async () => {
      const path = variant((plan, cluster) => {
        const other = JSON.parse(JSON.stringify(cluster)) as Json;
        other["address"] = "azurerm_kubernetes_cluster.other";
        other["name"] = "other";
        other["values"].default_node_pool[0].vnet_subnet_id = "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Network/virtualNetworks/v/subnets/theirs";
        plan["planned_values"].root_module.resources.push(other);
      });
      const two = await runCli(["validate", "--from", path]);
      assert.equal(two.code, 2);
      assert.match(two.stderr, /declares 2 clusters \(azurerm_kubernetes_cluster\.aks, azurerm_kubernetes_cluster\.other\)/);
      const d = report(await runCli(["validate", "--from", path, "--from-resource", "azurerm_kubernetes_cluster.other", "-o", "json"]));
      assert.equal(d.spec["vnetSubnetId"], "/subscriptions/s/resourceGroups/rg-x/providers/Microsoft.Network/virtualNetworks/v/subnets/theirs");
      assert.ok(d.warnings.some((f) => f.rule === "SRC-01" && f.fields[0] === "vnet.subnetCidr" && /--live/.test(f.message)));
    });
  });
});

describe("validate --from: CI output and bad input", () => {
  it("-o sarif points at the plan's line, with the resource address as the logical location", async () => {
    const r = await runCli(["validate", "--from", `${TF}/azurerm-firewall-pod-subnet.plan.json`, "-o", "sarif"]);
    assert.equal(r.code, 3);
    const log = JSON.parse(r.stdout) as { runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; logicalLocations: { fullyQualifiedName: string }[] }[] }[] }[] };
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors));
    const pool = log.runs[0]!.results.find((x) => x.ruleId === "POOL-02")!;
    const text = readFileSync(join(ROOT, TF, "azurerm-firewall-pod-subnet.plan.json"), "utf8").split("\n");
    const loc = pool.locations[0]!;
    assert.equal(loc.physicalLocation.artifactLocation.uri, `${TF}/azurerm-firewall-pod-subnet.plan.json`);
    assert.match(text[loc.physicalLocation.region.startLine - 1] ?? "", /"name": "winpool1"/);
    assert.equal(loc.logicalLocations[0]?.fullyQualifiedName, "azurerm_kubernetes_cluster_node_pool.win.name");
  });

  const usage = async (args: string[], pattern: RegExp, input?: string): Promise<void> => {
    const r = await runCli(args, input === undefined ? {} : { input });
    assert.equal(r.code, 2, `exit ${r.code}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, pattern);
    assert.equal(hasStackTrace(r.stderr), false);
  };

  it("endless input stops at the byte cap, 3000 levels of nesting at the depth guard", async () => {
    await usage(["validate", "--from", "/dev/zero"], /cannot read --from '\/dev\/zero': larger than 64 MiB/);
    await usage(["validate", "--from", "-"], /nests deeper than 100 levels/, `${"[".repeat(3000)}${"]".repeat(3000)}`);
    await usage(["validate", "--from", "-"], /nests deeper than 100 levels/, `{"format_version":"1.2","planned_values":${'{"a":'.repeat(3000)}1${"}".repeat(3000)}}`);
  });

  it("what it is not: Bicep source, another JSON, the wrong --from-kind, bad --param, --from beside -f", async () => {
    await usage(["validate", "--from", "-"], /is not JSON.*\n.*az bicep build/, "param name string = 'aks'\nresource aks 'Microsoft.ContainerService/managedClusters@2024-09-01' = {}\n");
    await usage(["validate", "--from", "package.json"], /neither a Terraform plan .* nor an ARM template/);
    await usage(["validate", "--from", `${ARM}/overlay-module.bicep.json`, "--from-kind", "terraform"], /declares no azurerm_kubernetes_cluster/);
    await usage(["validate", "--from", `${ARM}/firewall-pod-subnet.json`, "--param", "systemCount=three"], /--param systemCount takes a whole number \(the template declares int\), got 'three'/);
    await usage(["validate", "--from", `${ARM}/firewall-pod-subnet.json`, "--param", "noequals"], /--param takes NAME=VALUE or @FILE/);
    await usage(["validate", "--from", `${ARM}/firewall-pod-subnet.json`, "--param", "@/nonexistent.json"], /cannot read --param @\/nonexistent\.json: ENOENT/);
    await usage(["validate", "--param", "a=b", "-f", "examples/overlay-cilium.yaml"], /--param only works with --from FILE/);
    await usage(["validate", "--from", `${ARM}/unknowns.json`, "-f", "examples/overlay-cilium.yaml"], /--from takes the place of -f and --template/);
    await usage(["validate", "--from", `${ARM}/unknowns.json`, "--from-kind", "pulumi"], /--from-kind.*pulumi/);
  });
});
