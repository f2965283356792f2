/** Azure CNI Overlay powered by Cilium: the recommended default for new clusters (few VNet IPs, eBPF dataplane). */
import type { Template } from "./index.ts";

export const overlayCilium: Template = {
  name: "overlay-cilium",
  summary: "Azure CNI Overlay + Cilium dataplane and policy; nodes in a /22, pods from 10.244.0.0/16 (recommended)",
  docsUrl: "https://learn.microsoft.com/azure/aks/azure-cni-powered-by-cilium",
  input: {
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    networkDataplane: "cilium",
    networkPolicy: "cilium",
    podCidr: "10.244.0.0/16",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    vnet: { addressSpaces: ["10.40.0.0/16"], subnetName: "aks-nodes", subnetCidr: "10.40.0.0/22" },
    nodePools: [{ name: "system", count: 3 }],
  },
};
