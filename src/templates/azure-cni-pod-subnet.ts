/** Azure CNI with a dedicated pod subnet (dynamic IP allocation): pods get routable VNet IPs without eating the node subnet. */
import type { Template } from "./index.ts";

export const azureCniPodSubnet: Template = {
  name: "azure-cni-pod-subnet",
  summary: "Azure CNI + pod subnet (dynamic IP allocation); nodes in a /24, pods in a /18 (routable pod IPs)",
  docsUrl: "https://learn.microsoft.com/azure/aks/configure-azure-cni-dynamic-ip-allocation",
  input: {
    networkPlugin: "azure",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    vnet: {
      addressSpaces: ["10.60.0.0/16"],
      subnetName: "aks-nodes",
      subnetCidr: "10.60.0.0/24",
      podSubnetName: "aks-pods",
      podSubnetCidr: "10.60.64.0/18",
    },
    nodePools: [{ name: "system", count: 3, maxPods: 110 }],
  },
};
