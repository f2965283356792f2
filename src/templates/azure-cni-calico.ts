/** Azure CNI (node subnet) with Calico network policy. */
import type { Template } from "./index.ts";

export const azureCniCalico: Template = {
  name: "azure-cni-calico",
  summary: "Azure CNI node subnet + Calico policy; a /21 holds 65 nodes at 30 pods",
  docsUrl: "https://learn.microsoft.com/azure/aks/use-network-policies",
  input: {
    networkPlugin: "azure",
    networkPolicy: "calico",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    vnet: { addressSpaces: ["10.31.0.0/16"], subnetName: "aks-nodes", subnetCidr: "10.31.0.0/21" },
    nodePools: [{ name: "system", count: 3, maxPods: 30 }],
  },
};
