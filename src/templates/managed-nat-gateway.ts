/** AKS-managed VNet with a managed NAT gateway for egress: predictable outbound IPs, no SNAT port exhaustion. */
import type { Template } from "./index.ts";

export const managedNatGateway: Template = {
  name: "managed-nat-gateway",
  summary: "Overlay in an AKS-managed VNet, egress through a managed NAT gateway (no VNet to plan)",
  docsUrl: "https://learn.microsoft.com/azure/aks/nat-gateway",
  input: {
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    outboundType: "managedNATGateway",
    podCidr: "10.244.0.0/16",
    serviceCidr: "10.0.0.0/16",
    dnsServiceIP: "10.0.0.10",
    vnet: { managed: true },
    nodePools: [{ name: "system", count: 3 }],
  },
};
