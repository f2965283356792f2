/**
 * The AKS egress rule pack for Azure Firewall (aks-network-rules.md section 12, current public-cloud list), in the
 * two shapes Azure Firewall takes: classic rule collections in the firewall's own body (Standard), and a firewall
 * policy's rule collections (Basic and Premium, which take no classic rules). Each rule names its research id.
 */

/** `westeurope` from `westeurope` or `West Europe`: the form service tags use. */
export function regionName(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** The regional Azure service tag, e.g. `AzureCloud.westeurope`. */
export function azureCloudTag(location: string): string {
  return `AzureCloud.${regionName(location)}`;
}

export interface EgressRules {
  applicationRuleCollections: unknown[];
  networkRuleCollections: unknown[];
}

/** Priorities leave room below for a user's own collections. */
export const EGRESS_PRIORITY = 200;

interface NetworkRule {
  name: string;
  description: string;
  protocol: string;
  port: number;
  destination: string;
}

const APP_RULE = {
  name: "aks-fqdn-tag",
  description: "FW-13: AKS required FQDNs (MCR, ARM, Entra ID, packages, API server)",
  protocols: [
    { protocolType: "Http", port: 80 },
    { protocolType: "Https", port: 443 },
  ],
  fqdnTags: ["AzureKubernetesService"],
};

/**
 * FW-13: the `AzureKubernetesService` FQDN tag covers the required FQDN list (FW-06..FW-09), so no FQDN is written
 * out; FQDNs in network rules would need DNS proxy, so network rules use the regional service tag and `*`.
 */
function networkRules(location: string): NetworkRule[] {
  const regional = azureCloudTag(location);
  return [
    { name: "aks-tunnel-udp", description: "FW-01: node to control plane tunnel", protocol: "UDP", port: 1194, destination: regional },
    { name: "aks-tunnel-tcp", description: "FW-02: node to control plane tunnel", protocol: "TCP", port: 9000, destination: regional },
    { name: "ntp", description: "FW-03: time sync", protocol: "UDP", port: 123, destination: "*" },
    // FW-05: the API server's public IP exists only after the cluster does, so the regional tag stands in for it.
    { name: "aks-apiserver", description: "FW-05: pods to API server", protocol: "TCP", port: 443, destination: regional },
  ];
}

/** Classic rule collections (Standard SKU), allowed from `sourceAddresses` (the node and pod subnets). */
export function aksEgressRules(location: string, sourceAddresses: readonly string[]): EgressRules {
  const allow = (name: string, rules: unknown[]) => ({ name, properties: { priority: EGRESS_PRIORITY, action: { type: "Allow" }, rules } });
  return {
    applicationRuleCollections: [allow("aks-fqdn", [{ ...structuredClone(APP_RULE), sourceAddresses: [...sourceAddresses] }])],
    networkRuleCollections: [
      allow(
        "aks-network",
        networkRules(location).map((r) => ({
          name: r.name,
          description: r.description,
          protocols: [r.protocol],
          sourceAddresses: [...sourceAddresses],
          destinationAddresses: [r.destination],
          destinationPorts: [String(r.port)],
        })),
      ),
    ],
  };
}

/** The same rules as a firewall policy rule collection group's `ruleCollections` (Basic and Premium SKUs). */
export function aksEgressPolicyCollections(location: string, sourceAddresses: readonly string[]): unknown[] {
  const allow = (name: string, priority: number, rules: unknown[]) => ({
    ruleCollectionType: "FirewallPolicyFilterRuleCollection",
    name,
    priority,
    action: { type: "Allow" },
    rules,
  });
  return [
    // Within a group, lower priority numbers are processed first: network rules before application rules, as classic.
    allow(
      "aks-network",
      EGRESS_PRIORITY,
      networkRules(location).map((r) => ({
        ruleType: "NetworkRule",
        name: r.name,
        description: r.description,
        ipProtocols: [r.protocol],
        sourceAddresses: [...sourceAddresses],
        destinationAddresses: [r.destination],
        destinationPorts: [String(r.port)],
      })),
    ),
    allow("aks-fqdn", EGRESS_PRIORITY + 100, [{ ruleType: "ApplicationRule", ...structuredClone(APP_RULE), sourceAddresses: [...sourceAddresses] }]),
  ];
}
