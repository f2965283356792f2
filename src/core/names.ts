/**
 * Fixed names of the resources aks-net plans (subnets, routes, default VM size).
 * Kept apart from plan.ts so the rule engine can use them without loading the planner (and node:crypto) at start-up.
 */
export const NAMES = {
  nodeSubnet: "aks-nodes",
  podSubnet: "aks-pods",
  apiServerSubnet: "aks-apiserver",
  firewallSubnet: "AzureFirewallSubnet",
  firewallManagementSubnet: "AzureFirewallManagementSubnet",
  defaultRoute: "default-to-firewall",
  firewallIpRoute: "firewall-public-ip",
  defaultVmSize: "Standard_D4s_v5",
  ruleCollectionGroup: "aks-egress",
  /** The egress rule pack's collections (classic firewall and policy alike). */
  egressNetworkCollection: "aks-network",
  egressFqdnCollection: "aks-fqdn",
  /** The internal load balancer's dedicated subnet (ILB-*). */
  ilbSubnet: "aks-ilb",
  /** The App Gateway subnet aks-net plans (AGW-*). */
  appgwSubnet: "aks-appgw",
  /** Ports exposed through the firewall: the DNAT collection, the network rule it needs, the policy group (EXP-*). */
  dnatCollection: "aks-expose-dnat",
  exposeNetworkCollection: "aks-expose-allow",
  exposeRuleCollectionGroup: "aks-expose",
} as const;

/** The delegation of an API Server VNet Integration subnet (api-server-vnet-integration.md). */
export const AKS_DELEGATION = "Microsoft.ContainerService/managedClusters";

/** The delegation AGIC needs on the gateway subnet with Azure CNI Overlay (ingress-controller-overview.md). */
export const APPGW_DELEGATION = "Microsoft.Network/applicationGateways";

/**
 * Names aks-net derives from the cluster name (and for the node resource group, AKS itself): one definition for the
 * planner, which sends them, and the NAME rules, which check them before any request.
 */
export const DERIVED = {
  vnet: (cluster: string): string => `${cluster}-vnet`,
  identity: (cluster: string): string => `${cluster}-identity`,
  routeTable: (cluster: string): string => `${cluster}-rt`,
  natGateway: (cluster: string): string => `${cluster}-natgw`,
  natGatewayIp: (cluster: string): string => `${cluster}-natgw-pip`,
  /** The IPv6 outbound IP of a StandardV2 NAT gateway aks-net builds for a dual-stack cluster. */
  natGatewayIp6: (cluster: string): string => `${cluster}-natgw-pip6`,
  firewall: (cluster: string): string => `${cluster}-fw`,
  firewallIp: (cluster: string): string => `${cluster}-fw-pip`,
  firewallManagementIp: (cluster: string): string => `${cluster}-fw-mgmt-pip`,
  firewallPolicy: (cluster: string): string => `${cluster}-fw-policy`,
  /** The NSG aks-net puts on the node subnet (NSG-*). */
  nodeNsg: (cluster: string): string => `${cluster}-nodes-nsg`,
  /** A user route on aks-net's route table, named after its prefix. */
  userRoute: (prefix: string): string => `to-${prefix.replace(/[/:]/g, "-")}`,
  /** The node resource group AKS creates when the cluster body names none (AKS FAQ: at most 80 characters). */
  nodeResourceGroup: (resourceGroup: string, cluster: string, region: string): string => `MC_${resourceGroup}_${cluster}_${region}`,
} as const;

/** The parts of a subnet's ARM id (`/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/n`), or undefined. */
export function subnetIdParts(id: string): { subscription: string; resourceGroup: string; vnet: string; subnet: string } | undefined {
  const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)\/?$/i.exec(id.trim());
  return m ? { subscription: m[1] as string, resourceGroup: m[2] as string, vnet: m[3] as string, subnet: m[4] as string } : undefined;
}
