/**
 * The topologies the body tests plan: those of docs/create.md, plus the bodies issue 10 named (Windows, dual-stack,
 * BYO CNI, Static Block, firewall SKUs). Shared by test/e2e/bodies.test.ts and test/e2e/export.test.ts.
 */
import type { SpecInput } from "../../src/core/spec.ts";

export const BYO = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/hub/subnets/aks";

export const TOPOLOGIES: [string, SpecInput][] = [
  ["Azure CNI Overlay (default)", {}],
  ["Overlay + Cilium", { networkPlugin: "azure", networkPluginMode: "overlay", networkPolicy: "cilium", networkDataplane: "cilium" }],
  ["Azure CNI node subnet + Azure NPM", { networkPlugin: "azure", networkPolicy: "azure", vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/20" } }],
  ["Azure CNI pod subnet, Static Block", { networkPlugin: "azure", kubernetesVersion: "1.33.3", vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", podSubnetCidr: "10.10.64.0/18" }, nodePools: [{ podIPAllocationMode: "StaticBlock" }] }],
  ["kubenet + Calico", { networkPlugin: "kubenet", networkPolicy: "calico", podCidr: "10.250.0.0/16" }],
  ["managed NAT gateway", { outboundType: "managedNATGateway", natGatewayProfile: { managedOutboundIPProfile: { count: 2 }, idleTimeoutInMinutes: 10 } }],
  ["user-assigned NAT gateway", { outboundType: "userAssignedNATGateway", vnet: { name: "spoke", subnetName: "nodes", addressSpaces: ["10.20.0.0/16"], subnetCidr: "10.20.0.0/22" } }],
  ["firewall egress (Standard)", { vnet: { addressSpaces: ["10.42.0.0/16"], subnetCidr: "10.42.0.0/22" }, firewall: { enabled: true, subnetCidr: "10.42.8.0/26" } }],
  ["firewall egress (Premium)", { vnet: { addressSpaces: ["10.42.0.0/16"], subnetCidr: "10.42.0.0/22" }, firewall: { enabled: true, subnetCidr: "10.42.8.0/26", sku: "Premium" } }],
  ["firewall egress (Basic)", { vnet: { addressSpaces: ["10.42.0.0/16"], subnetCidr: "10.42.0.0/22" }, firewall: { enabled: true, subnetCidr: "10.42.8.0/26", sku: "Basic", managementSubnetCidr: "10.42.8.64/26" } }],
  ["your own appliance", { outboundType: "userDefinedRouting", vnet: { addressSpaces: ["10.30.0.0/16"], subnetCidr: "10.30.0.0/22" }, routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.50.0.4" }, { prefix: "192.168.0.0/16", nextHopType: "VirtualNetworkGateway" }] }],
  ["your own subnet", { vnetSubnetId: BYO, connectedCidrs: ["192.168.0.0/16"] }],
  ["load balancer outbound settings", { loadBalancerProfile: { managedOutboundIPs: { count: 3 }, allocatedOutboundPorts: 1024, idleTimeoutInMinutes: 10 } }],
  ["pools: autoscaler, surge, VM size, Windows", {
    windowsProfile: { adminUsername: "winadmin" },
    nodePools: [
      { name: "system", count: 3, vmSize: "Standard_D8s_v5", enableAutoScaling: true, minCount: 3, maxCount: 6, maxSurge: "33%", maxPods: 110 },
      { name: "win", mode: "User", osType: "Windows", count: 2, maxSurge: 1, maxUnavailable: 1 },
    ],
  }],
  ["dual-stack overlay", { ipFamilies: ["IPv4", "IPv6"] }],
  ["bring your own CNI", { networkPlugin: "none", podCidr: "10.244.0.0/16" }],
  ["App Gateway ingress add-on (a planned subnet)", { networkPlugin: "azure", vnet: { addressSpaces: ["10.60.0.0/16"], subnetCidr: "10.60.0.0/22" }, ingress: { applicationGateway: { enabled: true, subnetCidr: "10.60.8.0/24", name: "web-gw" } } }],
  ["App Gateway ingress add-on with Azure CNI Overlay (a planned subnet, delegated to gateways)", { networkPlugin: "azure", networkPluginMode: "overlay", vnet: { addressSpaces: ["10.61.0.0/16"], subnetCidr: "10.61.0.0/22" }, ingress: { applicationGateway: { enabled: true, subnetCidr: "10.61.8.0/24" } } }],
  ["App Gateway ingress add-on (your gateway, AKS-managed VNet)", { networkPlugin: "azure", networkPluginMode: "overlay", outboundType: "managedNATGateway", ingress: { applicationGateway: { enabled: true, id: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/gw/providers/Microsoft.Network/applicationGateways/gw" } } }],
  ["internal LB + port through the firewall (Standard)", { vnet: { addressSpaces: ["10.42.0.0/16"], subnetCidr: "10.42.0.0/22" }, firewall: { enabled: true, subnetCidr: "10.42.8.0/26" }, ingress: { nsg: { enabled: true }, internalLoadBalancer: { subnetName: "ilb", subnetCidr: "10.42.6.0/28", ips: ["10.42.6.10"] }, expose: [{ port: 443, protocol: "TCP", targetIp: "10.42.6.10", targetPort: 8443 }] } }],
  ["internal LB + port through the firewall (Premium policy)", { vnet: { addressSpaces: ["10.42.0.0/16"], subnetCidr: "10.42.0.0/22" }, firewall: { enabled: true, subnetCidr: "10.42.8.0/26", sku: "Premium" }, ingress: { internalLoadBalancer: { subnetCidr: "10.42.6.0/28", ips: ["10.42.6.10"] }, expose: [{ port: 53, protocol: "UDP", targetIp: "10.42.6.10" }] } }],
];
