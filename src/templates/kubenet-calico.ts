/** Kubenet with Calico network policy: the classic low-IP layout (one node IP each, pods NATed from a pod CIDR). */
import type { Template } from "./index.ts";

export const kubenetCalico: Template = {
  name: "kubenet-calico",
  summary: "kubenet + Calico policy; nodes in a /22, pods from 10.244.0.0/16 (kubenet retires 2028-03-31)",
  docsUrl: "https://learn.microsoft.com/azure/aks/configure-kubenet",
  input: {
    networkPlugin: "kubenet",
    networkPolicy: "calico",
    podCidr: "10.244.0.0/16",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    vnet: { addressSpaces: ["10.20.0.0/16"], subnetName: "aks-nodes", subnetCidr: "10.20.0.0/22" },
    nodePools: [{ name: "system", count: 3, maxPods: 110 }],
  },
};
