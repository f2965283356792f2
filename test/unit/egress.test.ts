import assert from "node:assert/strict";
import { aksEgressPolicyCollections, aksEgressRules, azureCloudTag, regionName } from "../../src/core/egress.ts";

describe("egress rule pack", () => {
  const rules = aksEgressRules("West Europe", ["10.1.0.0/22", "10.1.8.0/22"]);
  const sources = ["10.1.0.0/22", "10.1.8.0/22"];

  it("normalises the region for service tags", () => {
    assert.equal(regionName("West Europe"), "westeurope");
    assert.equal(azureCloudTag("eastus2"), "AzureCloud.eastus2");
  });

  it("allows the AzureKubernetesService FQDN tag over HTTP 80 and HTTPS 443 (FW-13)", () => {
    assert.deepEqual(rules.applicationRuleCollections, [
      {
        name: "aks-fqdn",
        properties: {
          priority: 200,
          action: { type: "Allow" },
          rules: [
            {
              name: "aks-fqdn-tag",
              description: "FW-13: AKS required FQDNs (MCR, ARM, Entra ID, packages, API server)",
              sourceAddresses: sources,
              protocols: [
                { protocolType: "Http", port: 80 },
                { protocolType: "Https", port: 443 },
              ],
              fqdnTags: ["AzureKubernetesService"],
            },
          ],
        },
      },
    ]);
  });

  it("opens UDP 1194, TCP 9000 and TCP 443 to the regional AzureCloud tag, and UDP 123 (FW-01, FW-02, FW-05, FW-03)", () => {
    const rule = (name: string, description: string, protocol: string, port: string, destination: string) => ({
      name,
      description,
      protocols: [protocol],
      sourceAddresses: sources,
      destinationAddresses: [destination],
      destinationPorts: [port],
    });
    assert.deepEqual(rules.networkRuleCollections, [
      {
        name: "aks-network",
        properties: {
          priority: 200,
          action: { type: "Allow" },
          rules: [
            rule("aks-tunnel-udp", "FW-01: node to control plane tunnel", "UDP", "1194", "AzureCloud.westeurope"),
            rule("aks-tunnel-tcp", "FW-02: node to control plane tunnel", "TCP", "9000", "AzureCloud.westeurope"),
            rule("ntp", "FW-03: time sync", "UDP", "123", "*"),
            rule("aks-apiserver", "FW-05: pods to API server", "TCP", "443", "AzureCloud.westeurope"),
          ],
        },
      },
    ]);
  });

  it("gives Basic/Premium firewall policies the same rules as policy rule collections", () => {
    const rule = (name: string, description: string, protocol: string, port: string, destination: string) => ({
      ruleType: "NetworkRule",
      name,
      description,
      ipProtocols: [protocol],
      sourceAddresses: sources,
      destinationAddresses: [destination],
      destinationPorts: [port],
    });
    assert.deepEqual(aksEgressPolicyCollections("westeurope", sources), [
      {
        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
        name: "aks-network",
        priority: 200,
        action: { type: "Allow" },
        rules: [
          rule("aks-tunnel-udp", "FW-01: node to control plane tunnel", "UDP", "1194", "AzureCloud.westeurope"),
          rule("aks-tunnel-tcp", "FW-02: node to control plane tunnel", "TCP", "9000", "AzureCloud.westeurope"),
          rule("ntp", "FW-03: time sync", "UDP", "123", "*"),
          rule("aks-apiserver", "FW-05: pods to API server", "TCP", "443", "AzureCloud.westeurope"),
        ],
      },
      {
        ruleCollectionType: "FirewallPolicyFilterRuleCollection",
        name: "aks-fqdn",
        priority: 300,
        action: { type: "Allow" },
        rules: [
          {
            ruleType: "ApplicationRule",
            name: "aks-fqdn-tag",
            description: "FW-13: AKS required FQDNs (MCR, ARM, Entra ID, packages, API server)",
            protocols: [
              { protocolType: "Http", port: 80 },
              { protocolType: "Https", port: 443 },
            ],
            fqdnTags: ["AzureKubernetesService"],
            sourceAddresses: sources,
          },
        ],
      },
    ]);
  });

  it("carries none of the outdated entries (FW-OLD-*)", () => {
    const text = JSON.stringify([rules, aksEgressPolicyCollections("westeurope", sources)]);
    for (const stale of ["azmk8s.io", "gcr.io", "docker.io", "cdn.mscr.io", "aksrepos", "\"22\"", "\"53\""]) assert.equal(text.includes(stale), false, stale);
  });

  it("does not share the source list between rules (bodies are edited independently)", () => {
    const r = aksEgressRules("westeurope", ["10.0.0.0/24"]);
    const net = r.networkRuleCollections[0] as { properties: { rules: { sourceAddresses: string[] }[] } };
    net.properties.rules[0]?.sourceAddresses.push("10.9.0.0/24");
    net.properties.rules[0]?.sourceAddresses.shift();
    assert.deepEqual(net.properties.rules.map((x) => x.sourceAddresses), [["10.9.0.0/24"], ["10.0.0.0/24"], ["10.0.0.0/24"], ["10.0.0.0/24"]]);
    const app = r.applicationRuleCollections[0] as { properties: { rules: { sourceAddresses: string[] }[] } };
    assert.deepEqual(app.properties.rules[0]?.sourceAddresses, ["10.0.0.0/24"]);
  });
});
