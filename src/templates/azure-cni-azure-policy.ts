/** Azure CNI (node subnet) with Azure Network Policy Manager: every pod takes a VNet IP from the node subnet. */
import type { Template } from "./index.ts";

export const azureCniAzurePolicy: Template = {
  name: "azure-cni-azure-policy",
  summary: "Azure CNI node subnet + Azure NPM; a /21 holds 65 nodes at 30 pods (NPM retires on Linux 2028-09-30)",
  docsUrl: "https://learn.microsoft.com/azure/aks/use-network-policies",
  input: {
    networkPlugin: "azure",
    networkPolicy: "azure",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    vnet: { addressSpaces: ["10.30.0.0/16"], subnetName: "aks-nodes", subnetCidr: "10.30.0.0/21" },
    nodePools: [{ name: "system", count: 3, maxPods: 30 }],
  },
};
