/**
 * The AKS egress rule pack for Azure Firewall (aks-network-rules.md section 12, current public-cloud list),
 * as classic rule collections for the firewall's own body. Each rule names the research id it implements.
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

/**
 * The rules the nodes need to bootstrap and run, allowed from `sourceAddresses` (the node and pod subnets).
 * FW-13: the `AzureKubernetesService` FQDN tag covers the required FQDN list (FW-06..FW-09), so no FQDN is
 * written out here; FQDNs in network rules would need DNS proxy, so network rules use service tags and `*`.
 */
export function aksEgressRules(location: string, sourceAddresses: readonly string[]): EgressRules {
  const sources = [...sourceAddresses];
  const regional = azureCloudTag(location);
  const networkRule = (name: string, description: string, protocol: string, port: number, destination: string) => ({
    name,
    description,
    protocols: [protocol],
    sourceAddresses: [...sources],
    destinationAddresses: [destination],
    destinationPorts: [String(port)],
  });
  return {
    applicationRuleCollections: [
      {
        name: "aks-fqdn",
        properties: {
          priority: EGRESS_PRIORITY,
          action: { type: "Allow" },
          rules: [
            {
              name: "aks-fqdn-tag",
              description: "FW-13: AKS required FQDNs (MCR, ARM, Entra ID, packages, API server)",
              sourceAddresses: [...sources],
              protocols: [
                { protocolType: "Http", port: 80 },
                { protocolType: "Https", port: 443 },
              ],
              fqdnTags: ["AzureKubernetesService"],
            },
          ],
        },
      },
    ],
    networkRuleCollections: [
      {
        name: "aks-network",
        properties: {
          priority: EGRESS_PRIORITY,
          action: { type: "Allow" },
          rules: [
            networkRule("aks-tunnel-udp", "FW-01: node to control plane tunnel", "UDP", 1194, regional),
            networkRule("aks-tunnel-tcp", "FW-02: node to control plane tunnel", "TCP", 9000, regional),
            networkRule("ntp", "FW-03: time sync", "UDP", 123, "*"),
            // FW-05: the API server's public IP exists only after the cluster does, so the regional tag stands in for it.
            networkRule("aks-apiserver", "FW-05: pods to API server", "TCP", 443, regional),
          ],
        },
      },
    ],
  };
}
