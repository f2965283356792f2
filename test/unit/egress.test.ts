import assert from "node:assert/strict";
import { GPU_FQDNS, NTP_FQDN, WINDOWS_FQDNS, aksEgressPolicyCollections, aksEgressRules, azureCloudTag, isGpuVmSize, regionName, usesFqdnNetworkRules } from "../../src/core/egress.ts";
import type { EgressOptions } from "../../src/core/egress.ts";

const sources = ["10.1.0.0/22", "10.1.8.0/22"];
const STANDARD: EgressOptions = { sources, dnsProxy: true };
const BASIC: EgressOptions = { sources, dnsProxy: false };

interface Rule {
  name: string;
  protocols?: unknown[];
  ipProtocols?: string[];
  destinationAddresses?: string[];
  destinationFqdns?: string[];
  destinationPorts?: string[];
  fqdnTags?: string[];
  targetFqdns?: string[];
  sourceAddresses?: string[];
}

/** Every rule of both shapes, tagged network or application. */
function allRules(location: string, o: EgressOptions): { kind: "network" | "application"; rule: Rule }[] {
  const classic = aksEgressRules(location, o);
  const ofClassic = (collections: unknown[], kind: "network" | "application") =>
    (collections as { properties: { rules: Rule[] } }[]).flatMap((c) => c.properties.rules.map((rule) => ({ kind, rule })));
  const policy = (aksEgressPolicyCollections(location, o) as { rules: (Rule & { ruleType: string })[] }[]).flatMap((c) =>
    c.rules.map((rule) => ({ kind: rule.ruleType === "NetworkRule" ? ("network" as const) : ("application" as const), rule })),
  );
  return [...ofClassic(classic.networkRuleCollections, "network"), ...ofClassic(classic.applicationRuleCollections, "application"), ...policy];
}

const COMBOS: EgressOptions[] = [STANDARD, BASIC, { ...STANDARD, windows: true, gpu: true }, { ...BASIC, windows: true, gpu: true }];

describe("egress rule pack", () => {
  it("normalises the region for service tags", () => {
    assert.equal(regionName("West Europe"), "westeurope");
    assert.equal(azureCloudTag("eastus2"), "AzureCloud.eastus2");
  });

  it("no network rule opens HTTP or HTTPS to a service tag or to anywhere: network rules are evaluated first and would bypass FQDN filtering", () => {
    for (const o of COMBOS) {
      for (const { kind, rule } of allRules("westeurope", o)) {
        if (kind !== "network") continue;
        const protocols = (rule.protocols ?? rule.ipProtocols ?? []).map((p) => String(p).toUpperCase());
        const web = (rule.destinationPorts ?? []).some((p) => p === "443" || p === "80" || p === "*");
        if (!web || !protocols.some((p) => p === "TCP" || p === "ANY")) continue;
        // Only FQDNs or single addresses may carry TCP 80/443 in a network rule; aks-net writes none at all.
        assert.fail(`network rule ${rule.name} opens TCP ${String(rule.destinationPorts)} to ${String(rule.destinationAddresses ?? rule.destinationFqdns)}`);
      }
    }
  });

  it("HTTPS and HTTP go through the AzureKubernetesService FQDN tag in an application rule (FW-13)", () => {
    for (const o of COMBOS) {
      const tag = allRules("westeurope", o).filter(({ kind, rule }) => kind === "application" && rule.fqdnTags?.includes("AzureKubernetesService"));
      assert.equal(tag.length, 2, "one rule per shape");
      for (const { rule } of tag) {
        assert.deepEqual(rule.protocols, [{ protocolType: "Http", port: 80 }, { protocolType: "Https", port: 443 }]);
        assert.deepEqual(rule.sourceAddresses, sources);
      }
    }
  });

  it("the tunnel ports go to the regional AzureCloud tag (FW-01, FW-02)", () => {
    const net = allRules("West Europe", STANDARD).filter((r) => r.kind === "network").map((r) => r.rule);
    const tunnels = net.filter((r) => r.name.startsWith("aks-tunnel"));
    assert.deepEqual(
      tunnels.map((r) => [r.protocols ?? r.ipProtocols, r.destinationAddresses, r.destinationPorts]),
      [
        [["UDP"], ["AzureCloud.westeurope"], ["1194"]],
        [["TCP"], ["AzureCloud.westeurope"], ["9000"]],
        [["UDP"], ["AzureCloud.westeurope"], ["1194"]],
        [["TCP"], ["AzureCloud.westeurope"], ["9000"]],
      ],
    );
  });

  it("NTP goes to ntp.ubuntu.com by FQDN when the firewall has a DNS proxy, else UDP 123 to anywhere (FW-03)", () => {
    const ntp = (o: EgressOptions) => allRules("westeurope", o).filter((r) => r.rule.name === "ntp").map((r) => [r.rule.destinationFqdns, r.rule.destinationAddresses, r.rule.destinationPorts]);
    assert.deepEqual(ntp(STANDARD), [[[NTP_FQDN], undefined, ["123"]], [[NTP_FQDN], undefined, ["123"]]]);
    assert.deepEqual(ntp(BASIC), [[undefined, ["*"], ["123"]], [undefined, ["*"], ["123"]]]);
    assert.equal(usesFqdnNetworkRules("westeurope", STANDARD), true);
    assert.equal(usesFqdnNetworkRules("westeurope", BASIC), false);
  });

  it("Windows and GPU pools add their FQDNs as application rules, only when there are such pools (FW-11, FW-12)", () => {
    const fqdns = (o: EgressOptions) => allRules("westeurope", o).flatMap((r) => r.rule.targetFqdns ?? []);
    assert.deepEqual(fqdns(STANDARD), []);
    const both = fqdns({ ...STANDARD, windows: true, gpu: true });
    for (const h of [...WINDOWS_FQDNS.https, ...WINDOWS_FQDNS.http, ...GPU_FQDNS]) assert.equal(both.filter((x) => x === h).length, 2, h);
    const win = allRules("westeurope", { ...STANDARD, windows: true }).filter((r) => r.rule.name.startsWith("aks-windows"));
    assert.deepEqual(win.map((r) => [r.rule.name, r.rule.protocols]), [
      ["aks-windows-https", [{ protocolType: "Https", port: 443 }]],
      ["aks-windows-http", [{ protocolType: "Http", port: 80 }]],
      ["aks-windows-https", [{ protocolType: "Https", port: 443 }]],
      ["aks-windows-http", [{ protocolType: "Http", port: 80 }]],
    ]);
    assert.equal(isGpuVmSize("Standard_NC6s_v3"), true);
    assert.equal(isGpuVmSize("Standard_D4s_v5"), false);
  });

  it("keeps the classic shape: collection names, priority, allow, and network rules before application rules in a policy", () => {
    const classic = aksEgressRules("westeurope", STANDARD) as { applicationRuleCollections: { name: string; properties: { priority: number; action: unknown } }[]; networkRuleCollections: { name: string; properties: { priority: number; action: unknown } }[] };
    assert.deepEqual(classic.networkRuleCollections.map((c) => [c.name, c.properties.priority, c.properties.action]), [["aks-network", 200, { type: "Allow" }]]);
    assert.deepEqual(classic.applicationRuleCollections.map((c) => [c.name, c.properties.priority, c.properties.action]), [["aks-fqdn", 200, { type: "Allow" }]]);
    const policy = aksEgressPolicyCollections("westeurope", STANDARD) as { name: string; priority: number; ruleCollectionType: string }[];
    assert.deepEqual(policy.map((c) => [c.ruleCollectionType, c.name, c.priority]), [
      ["FirewallPolicyFilterRuleCollection", "aks-network", 200],
      ["FirewallPolicyFilterRuleCollection", "aks-fqdn", 300],
    ]);
  });

  it("carries none of the outdated entries (FW-OLD-*)", () => {
    const text = JSON.stringify(COMBOS.map((o) => [aksEgressRules("westeurope", o), aksEgressPolicyCollections("westeurope", o)]));
    for (const stale of ["azmk8s.io", "gcr.io", "docker.io", "cdn.mscr.io", "aksrepos", "\"22\"", "\"53\""]) assert.equal(text.includes(stale), false, stale);
  });

  it("does not share the source list between rules (bodies are edited independently)", () => {
    const r = aksEgressRules("westeurope", { sources: ["10.0.0.0/24"], dnsProxy: true });
    const net = r.networkRuleCollections[0] as { properties: { rules: { sourceAddresses: string[] }[] } };
    net.properties.rules[0]?.sourceAddresses.push("10.9.0.0/24");
    net.properties.rules[0]?.sourceAddresses.shift();
    assert.deepEqual(net.properties.rules.map((x) => x.sourceAddresses), [["10.9.0.0/24"], ["10.0.0.0/24"], ["10.0.0.0/24"]]);
    const app = r.applicationRuleCollections[0] as { properties: { rules: { sourceAddresses: string[] }[] } };
    assert.deepEqual(app.properties.rules[0]?.sourceAddresses, ["10.0.0.0/24"]);
  });
});
