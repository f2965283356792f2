/**
 * Fixed names of the resources aks-net plans (subnets, routes, default VM size).
 * Kept apart from plan.ts so the rule engine can use them without loading the planner (and node:crypto) at start-up.
 */
export const NAMES = {
  nodeSubnet: "aks-nodes",
  podSubnet: "aks-pods",
  firewallSubnet: "AzureFirewallSubnet",
  firewallManagementSubnet: "AzureFirewallManagementSubnet",
  defaultRoute: "default-to-firewall",
  firewallIpRoute: "firewall-public-ip",
  defaultVmSize: "Standard_D4s_v5",
  ruleCollectionGroup: "aks-egress",
} as const;
