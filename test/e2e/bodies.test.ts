/**
 * Issue 10, "done when": for every topology, the bodies of `create --dry-run --offline -o json` carry every value the
 * resolved spec decided. The test walks every leaf of the resolved spec (user input and defaults alike) and finds it
 * in a body, or finds it in NOT_SENT with the reason it is deliberately not sent. A spec field with no rule here fails
 * the test, so a new field has to be sent or explained.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveSpec } from "../../src/core/resolve.ts";
import type { ClusterSpec, SpecInput } from "../../src/core/spec.ts";
import { ok } from "../helpers/create-cli.ts";
import { TOPOLOGIES } from "../helpers/topologies.ts";
import { runCli } from "../helpers/run-cli.ts";

type Json = Record<string, unknown>;
interface Op {
  type: string;
  resourceId: string;
  body: Json;
}

const TARGET = { name: "walk", resourceGroup: "rg-walk", location: "westeurope", kubernetesVersion: "1.33.3" };

/** Spec leaves aks-net never sends, and why (docs/create.md "What aks-net sends differently"). */
const NOT_SENT: [RegExp, string][] = [
  [/^dockerBridgeCidr$/, "ignored by AKS; never sent"],
  [/^connectedCidrs\[\d+\]$/, "peered and on-premises ranges: checked for overlaps, nothing to build"],
  [/^vnet\.existingSubnets\[/, "the VNet's other subnets: checked for overlaps, left as they are"],
  [/^firewall\.allowList\[\d+\]$/, "the allow-list of a user's own firewall: checked, not built"],
];

function leaves(value: unknown, path = ""): [string, unknown][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => leaves(v, path === "" ? k : `${path}.${k}`));
  return value === undefined ? [] : [[path, value]];
}

/** `a.b[0].c` read from a body. */
function at(root: unknown, path: string): unknown {
  return path.split(/\.|(?=\[)/).reduce<unknown>((v, k) => {
    if (v === undefined || v === null) return undefined;
    const i = /^\[(\d+)\]$/.exec(k);
    return i ? (v as unknown[])[Number(i[1])] : (v as Json)[k];
  }, root);
}

/** The DNAT rules of the plan: classic (firewall body) and policy (rule collection groups). */
function dnatRules(ops: Op[]): Json[] {
  const classic = ops.filter((o) => o.type === "Microsoft.Network/azureFirewalls").flatMap((o) => ((at(o.body, "properties.natRuleCollections") ?? []) as Json[]).flatMap((c) => at(c, "properties.rules") as Json[]));
  const policy = ops
    .filter((o) => o.type === "Microsoft.Network/firewallPolicies/ruleCollectionGroups")
    .flatMap((o) => (at(o.body, "properties.ruleCollections") as Json[]).filter((c) => c["ruleCollectionType"] === "FirewallPolicyNatRuleCollection").flatMap((c) => c["rules"] as Json[]));
  return [...classic, ...policy];
}

/** Finds the leaf `path` = `value` of `spec` in the planned bodies; true when it is there as the spec decided. */
function found(path: string, value: unknown, spec: ClusterSpec, ops: Op[]): boolean {
  const cluster = ops.find((o) => o.type === "Microsoft.ContainerService/managedClusters") as Op;
  const props = cluster.body["properties"] as Json;
  const np = props["networkProfile"] as Json;
  const pools = props["agentPoolProfiles"] as Json[];
  const byType = (t: string): Op[] => ops.filter((o) => o.type === t);
  const vnet = byType("Microsoft.Network/virtualNetworks")[0];
  const subnet = (id: unknown): Op | undefined => ops.find((o) => o.resourceId === id);
  // Dual-stack subnets list one prefix per family in addressPrefixes.
  const prefixOf = (o: Op | undefined): unknown => at(o?.body, "properties.addressPrefix") ?? at(o?.body, "properties.addressPrefixes[0]");
  const routes = [
    ...byType("Microsoft.Network/routeTables").flatMap((o) => (at(o.body, "properties.routes") as Json[]).map((r) => r["properties"] as Json)),
    ...byType("Microsoft.Network/routeTables/routes").map((o) => o.body["properties"] as Json),
  ];
  const list = /^(ipFamilies|podCidrs|serviceCidrs)\[(\d+)\]$/.exec(path);
  const upgrade = /^nodePools\[(\d+)\]\.(maxSurge|maxUnavailable)$/.exec(path);
  const poolKey = /^nodePools\[(\d+)\]\.(\w+)$/.exec(path);
  switch (true) {
    case path === "name":
      return cluster.resourceId.endsWith(`/managedClusters/${String(value)}`);
    case path === "resourceGroup":
      return cluster.resourceId.includes(`/resourceGroups/${String(value)}/`);
    case path === "subscription":
      return ops.every((o) => o.resourceId.startsWith(`/subscriptions/${String(value)}/`));
    case path === "location":
      return ops.filter((o) => "location" in o.body).every((o) => o.body["location"] === value);
    case path === "kubernetesVersion":
      return props["kubernetesVersion"] === value;
    case path === "vnetSubnetId":
      return pools.every((p) => p["vnetSubnetID"] === value);
    case path === "networkPolicy":
      // AKS's "no policy" is an absent networkPolicy.
      return value === "none" ? np["networkPolicy"] === undefined : np["networkPolicy"] === value;
    case path === "networkDataplane":
      // The dataplane is an Azure CNI setting; other plugins take none.
      return spec.networkPlugin === "azure" ? np["networkDataplane"] === value : np["networkDataplane"] === undefined;
    case path === "serviceCidr" || path === "podCidr":
      // Dual-stack sends the plural lists, whose first entry is the IPv4 range.
      return np[path] === value || (np[`${path}s`] as unknown[] | undefined)?.[0] === value;
    case ["networkPlugin", "networkPluginMode", "dnsServiceIP", "outboundType", "loadBalancerSku"].includes(path):
      return np[path] === value;
    case list !== null:
      return at(np, `${list[1]}[${list[2]}]`) === value;
    case /^(loadBalancerProfile|natGatewayProfile)\./.test(path):
      return at(np, path) === value;
    case upgrade !== null:
      return at(pools[Number(upgrade[1])], `upgradeSettings.${upgrade[2]}`) === String(value);
    case poolKey !== null:
      return pools[Number(poolKey[1])]?.[poolKey[2] as string] === value;
    case path === "windowsProfile.adminUsername":
      return at(props, "windowsProfile.adminUsername") === value;
    case path === "vnet.managed":
      // AKS builds the VNet: aks-net plans none and passes no subnet.
      return value === true && vnet === undefined && pools.every((p) => p["vnetSubnetID"] === undefined);
    case path === "vnet.name":
      return vnet?.resourceId.endsWith(`/virtualNetworks/${String(value)}`) ?? false;
    case path === "vnet.resourceGroup":
      return vnet?.resourceId.includes(`/resourceGroups/${String(value)}/`) ?? false;
    case /^vnet\.addressSpaces\[\d+\]$/.test(path):
      // A brought subnet's VNet is the user's: left as it is.
      return spec.vnetSubnetId !== undefined ? vnet === undefined : (at(vnet?.body, "properties.addressSpace.addressPrefixes") as unknown[]).includes(value);
    case path === "vnet.subnetName":
      return String(pools[0]?.["vnetSubnetID"]).endsWith(`/subnets/${String(value)}`);
    case path === "vnet.subnetCidr":
      return spec.vnetSubnetId !== undefined ? vnet === undefined : pools.every((p) => prefixOf(subnet(p["vnetSubnetID"])) === value);
    case path === "vnet.subnetIPv6Cidr":
      return pools.every((p) => (at(subnet(p["vnetSubnetID"])?.body, "properties.addressPrefixes") as unknown[] | undefined)?.includes(value) === true);
    case path === "vnet.podSubnetName":
      return String(pools[0]?.["podSubnetID"]).endsWith(`/subnets/${String(value)}`);
    case path === "vnet.podSubnetCidr":
      return pools.every((p) => prefixOf(subnet(p["podSubnetID"])) === value);
    case /^routes\[(\d+)\]\.(prefix|nextHopType|nextHopIp)$/.test(path): {
      const [, index, field] = /^routes\[(\d+)\]\.(\w+)$/.exec(path) as RegExpExecArray;
      const r = spec.routes[Number(index)];
      // With --firewall, aks-net's own 0.0.0.0/0 to the firewall replaces a user default route (FWS-05).
      if (spec.firewall.enabled && r?.prefix === "0.0.0.0/0") return routes.some((x) => x["addressPrefix"] === "0.0.0.0/0" && x["nextHopType"] === "VirtualAppliance");
      const key = { prefix: "addressPrefix", nextHopType: "nextHopType", nextHopIp: "nextHopIpAddress" }[field as "prefix"];
      return routes.some((x) => x["addressPrefix"] === r?.prefix && x[key] === value);
    }
    case path === "firewall.enabled":
      return byType("Microsoft.Network/azureFirewalls").length === (value === true ? 1 : 0);
    case path === "firewall.subnetCidr":
      return prefixOf(ops.find((o) => o.resourceId.endsWith("/subnets/AzureFirewallSubnet"))) === value;
    case path === "firewall.managementSubnetCidr":
      return prefixOf(ops.find((o) => o.resourceId.endsWith("/subnets/AzureFirewallManagementSubnet"))) === value;
    case path === "firewall.sku":
      return at(byType("Microsoft.Network/azureFirewalls")[0]?.body, "properties.sku.tier") === value;
    case /^ingress\.applicationGateway\.\w+$/.test(path): {
      const addon = at(props, "addonProfiles.ingressApplicationGateway") as Json | undefined;
      const config = (addon?.["config"] ?? {}) as Json;
      const field = path.slice("ingress.applicationGateway.".length);
      if (field === "enabled") return addon?.["enabled"] === value;
      if (field === "name") return config["applicationGatewayName"] === value;
      if (field === "id") return config["applicationGatewayId"] === value;
      if (field === "subnetId") return config["subnetId"] === value;
      // A subnet aks-net plans goes by id; otherwise AKS makes it from the CIDR.
      return config["subnetCIDR"] === value || (typeof config["subnetId"] === "string" && prefixOf(subnet(config["subnetId"])) === value);
    }
    case path === "ingress.nsg.enabled": {
      // aks-net's NSG, on the node subnet.
      const nsg = byType("Microsoft.Network/networkSecurityGroups")[0];
      return value === true && nsg !== undefined && pools.every((p) => at(subnet(p["vnetSubnetID"])?.body, "properties.networkSecurityGroup.id") === nsg.resourceId);
    }
    case path === "ingress.internalLoadBalancer.subnetCidr":
      return prefixOf(ops.find((o) => o.resourceId.endsWith(`/subnets/${spec.ingress?.internalLoadBalancer?.subnetName ?? "aks-ilb"}`))) === value;
    case path === "ingress.internalLoadBalancer.subnetName":
      // The subnet, and the cluster identity's Network Contributor on it (the cloud provider joins it).
      return ops.some((o) => o.resourceId.endsWith(`/subnets/${String(value)}`)) && ops.some((o) => o.type === "Microsoft.Authorization/roleAssignments" && o.resourceId.includes(`/subnets/${String(value)}/providers/`));
    case /^ingress\.internalLoadBalancer\.ips\[\d+\]$/.test(path):
      // The IPs are the Kubernetes side (`aks-net manifest service`); Azure sees them as DNAT targets when exposed.
      return spec.ingress?.expose?.some((e) => e.targetIp === value) === true ? dnatRules(ops).some((r) => r["translatedAddress"] === value) : true;
    case /^ingress\.expose\[\d+\]\.\w+$/.test(path): {
      const [, index, field] = /^ingress\.expose\[(\d+)\]\.(\w+)$/.exec(path) as RegExpExecArray;
      const e = spec.ingress?.expose?.[Number(index)];
      const hit = dnatRules(ops).find((r) => String((r["destinationPorts"] as unknown[])[0]) === String(e?.port));
      if (!hit) return false;
      if (field === "port") return (hit["destinationPorts"] as unknown[])[0] === String(value);
      if (field === "protocol") return ((hit["protocols"] ?? hit["ipProtocols"]) as unknown[]).includes(value);
      if (field === "targetIp") return hit["translatedAddress"] === value;
      return field === "targetPort" && hit["translatedPort"] === String(value);
    }
    default:
      throw new Error(`no rule for spec field ${path}: send it in a body, or add it to NOT_SENT with the reason`);
  }
}

describe("create --dry-run --offline bodies carry every value the spec decided", function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "aks-net-walk-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, input] of TOPOLOGIES) {
    it(name, async () => {
      const file = join(dir, `${name.replace(/\W+/g, "-")}.json`);
      const full: SpecInput = { ...TARGET, ...input };
      writeFileSync(file, JSON.stringify(full));
      const r = await runCli(["create", "-f", file, "--dry-run", "--offline", "-o", "json"]);
      ok(r);
      const ops = (JSON.parse(r.stdout) as { operations: Op[] }).operations;
      const { spec } = resolveSpec([{ source: "file", input: full }]);
      const walked = leaves({ ...spec, live: undefined });
      const missing: string[] = [];
      for (const [path, value] of walked) {
        if (NOT_SENT.some(([re]) => re.test(path))) continue;
        if (!found(path, value, spec, ops)) missing.push(`${path} = ${JSON.stringify(value)}`);
      }
      assert.deepEqual(missing, [], `spec values not in any body:\n${missing.join("\n")}`);
      assert.ok(walked.length > 10, "the walk saw the spec");
    });
  }

  it("the walk itself fails for a value that is not in the body", () => {
    const { spec } = resolveSpec([{ source: "file", input: { ...TARGET } }]);
    const cluster: Op = { type: "Microsoft.ContainerService/managedClusters", resourceId: "/subscriptions/s/resourceGroups/rg-walk/providers/Microsoft.ContainerService/managedClusters/walk", body: { location: "westeurope", properties: { kubernetesVersion: "1.32.0", networkProfile: {}, agentPoolProfiles: [{}] } } };
    assert.equal(found("kubernetesVersion", "1.33.3", spec, [cluster]), false);
    assert.equal(found("nodePools[0].count", 3, spec, [cluster]), false);
    assert.throws(() => found("someNewField", 1, spec, [cluster]), /no rule for spec field someNewField/);
  });
});
