/** Egress locked down through an Azure Firewall: UDR (0.0.0.0/0 → the firewall's private IP) on the node subnet. */
import type { Template } from "./index.ts";

export const firewallEgress: Template = {
  name: "firewall-egress",
  summary: "Overlay + Cilium with egress through an Azure Firewall (userDefinedRouting; AzureFirewallSubnet /26 in the VNet)",
  docsUrl: "https://learn.microsoft.com/azure/aks/limit-egress-traffic",
  input: {
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    networkDataplane: "cilium",
    networkPolicy: "cilium",
    podCidr: "10.244.0.0/16",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    outboundType: "userDefinedRouting",
    vnet: { addressSpaces: ["10.50.0.0/16"], subnetName: "aks-nodes", subnetCidr: "10.50.4.0/22" },
    firewall: { enabled: true, subnetCidr: "10.50.1.0/26", sku: "Standard" },
    nodePools: [{ name: "system", count: 3 }],
  },
};
