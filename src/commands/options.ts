/**
 * The spec flags shared by `validate`, `create` and `init`, named as `az aks create` names them.
 * One table drives registration, parsing into a SpecInput, and the reverse (the "equivalent command").
 * Spec flags have no commander defaults: defaults live only in core/resolve.ts.
 */
import { Option } from "commander";
import type { Command } from "commander";
import { isCidr, parseCidr } from "../core/cidr.ts";
import type { SyntaxRule } from "../core/cidr.ts";
import { UsageError } from "../core/errors.ts";
import type { SpecInput, SpecLayer } from "../core/spec.ts";
import type { Io } from "../io/io.ts";
import { formatExpose, parseExpose } from "../core/ingress.ts";
import { readCapped, readSpecFile } from "./input/file.ts";
import { getTemplate } from "../templates/index.ts";

/** Options as commander hands them over (camelCase keys of the flags below). */
export type SpecFlags = Record<string, unknown>;

/** `pairs`: az's space-separated `--tags k=v k2=v2` (variadic, repeatable; values may hold commas). */
type Kind = "string" | "list" | "repeat" | "int" | "bool" | "pairs";

interface SpecFlag {
  flags: string;
  kind: Kind;
  help: string;
  /** Writes the parsed value into the input. */
  put: (input: SpecInput, value: never) => void;
  /** Reads the value back out of a spec, for `toFlags`. */
  get: (input: SpecInput) => unknown;
  /** The long flag (`--pod-cidr`) and the short one (`-n`), if any. */
  long: string;
  short: string | undefined;
  /** Only for `create` (targets in Azure). */
  createOnly?: boolean;
}

const pool0 = (input: SpecInput): Record<string, unknown> => {
  input.nodePools ??= [{}];
  return (input.nodePools[0] ??= {}) as Record<string, unknown>;
};
const vnet = (input: SpecInput): Record<string, unknown> => (input.vnet ??= {}) as Record<string, unknown>;
const api = (input: SpecInput): Record<string, unknown> => (input.apiServerAccessProfile ??= {}) as Record<string, unknown>;
const fw = (input: SpecInput): Record<string, unknown> => (input.firewall ??= {}) as Record<string, unknown>;
const lbProfile = (input: SpecInput): Record<string, unknown> => (input.loadBalancerProfile ??= {}) as Record<string, unknown>;
const ingress = (input: SpecInput): Record<string, unknown> => (input.ingress ??= {}) as Record<string, unknown>;
const ilb = (input: SpecInput): Record<string, unknown> => (ingress(input)["internalLoadBalancer"] ??= {}) as Record<string, unknown>;
const agw = (input: SpecInput): Record<string, unknown> => (ingress(input)["applicationGateway"] ??= {}) as Record<string, unknown>;
const natProfile = (input: SpecInput): Record<string, unknown> => (input.natGatewayProfile ??= {}) as Record<string, unknown>;

function flag(
  flags: string,
  kind: Kind,
  help: string,
  put: (input: SpecInput, value: never) => void,
  get: (input: SpecInput) => unknown,
  createOnly = false,
): SpecFlag {
  // `-n, --name <name>` or `--nsg`: string scans, since every start-up builds the ~90 entries (no regular expression,
  // no intermediate objects).
  const at = flags.indexOf("--");
  const end = flags.indexOf(" ", at);
  return { flags, kind, help, put, get, long: end < 0 ? flags.slice(at) : flags.slice(at, end), short: at > 0 ? flags.slice(0, 2) : undefined, createOnly };
}

/** The flag commander keys `key` by in its opts() (podCidr: --pod-cidr); spec-options.test.ts checks it for every flag. */
function flagOf(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The table. Order is the order of `--help` and of the equivalent command line. */
export const SPEC_FLAGS: readonly SpecFlag[] = [
  flag("-n, --name <name>", "string", "cluster name", (i, v: string) => (i.name = v), (i) => i.name, true),
  flag("-g, --resource-group <name>", "string", "resource group", (i, v: string) => (i.resourceGroup = v), (i) => i.resourceGroup, true),
  flag("-l, --location <region>", "string", "Azure region, e.g. westeurope", (i, v: string) => (i.location = v), (i) => i.location, true),
  flag("--kubernetes-version <version>", "string", "Kubernetes version (default: AKS's default)", (i, v: string) => (i.kubernetesVersion = v), (i) => i.kubernetesVersion, true),
  flag("--network-plugin <plugin>", "string", "azure | kubenet | none (default: azure with overlay)", (i, v: string) => (i.networkPlugin = v), (i) => i.networkPlugin),
  flag("--network-plugin-mode <mode>", "string", "overlay (Azure CNI Overlay)", (i, v: string) => (i.networkPluginMode = v), (i) => i.networkPluginMode),
  flag("--network-policy <policy>", "string", "none | azure | calico | cilium", (i, v: string) => (i.networkPolicy = v), (i) => i.networkPolicy),
  flag("--network-dataplane <dataplane>", "string", "azure | cilium", (i, v: string) => (i.networkDataplane = v), (i) => i.networkDataplane),
  flag("--pod-cidr <cidr>", "string", "pod CIDR (kubenet, overlay: default 10.244.0.0/16; required with --network-plugin none)", (i, v: string) => (i.podCidr = v), (i) => i.podCidr),
  flag("--service-cidr <cidr>", "string", "service CIDR (default 10.0.0.0/16)", (i, v: string) => (i.serviceCidr = v), (i) => i.serviceCidr),
  flag("--dns-service-ip <ip>", "string", "DNS service IP inside the service CIDR (default 10.0.0.10)", (i, v: string) => (i.dnsServiceIP = v), (i) => i.dnsServiceIP),
  flag("--docker-bridge-address <cidr>", "string", "legacy docker bridge CIDR (ignored by AKS)", (i, v: string) => (i.dockerBridgeCidr = v), (i) => i.dockerBridgeCidr),
  flag("--ip-families <list>", "list", "IPv4 or IPv4,IPv6 (dual-stack)", (i, v: string[]) => (i.ipFamilies = v), (i) => i.ipFamilies),
  flag("--pod-cidrs <list>", "list", "comma-separated pod CIDRs (dual-stack)", (i, v: string[]) => (i.podCidrs = v), (i) => i.podCidrs),
  flag("--service-cidrs <list>", "list", "comma-separated service CIDRs (dual-stack)", (i, v: string[]) => (i.serviceCidrs = v), (i) => i.serviceCidrs),
  flag("--outbound-type <type>", "string", "loadBalancer | managedNATGateway | userAssignedNATGateway | userDefinedRouting | none", (i, v: string) => (i.outboundType = v), (i) => i.outboundType),
  flag("--load-balancer-sku <sku>", "string", "standard | basic", (i, v: string) => (i.loadBalancerSku = v), (i) => i.loadBalancerSku),
  flag("--load-balancer-managed-outbound-ip-count <n>", "int", "managed outbound IPs of the standard load balancer (1-100)", (i, v: number) => (lbProfile(i).managedOutboundIPs = { ...i.loadBalancerProfile?.managedOutboundIPs, count: v }), (i) => i.loadBalancerProfile?.managedOutboundIPs?.count),
  flag("--load-balancer-outbound-ips <ids>", "list", "your public IP resource ids for load balancer egress (comma-separated)", (i, v: string[]) => (lbProfile(i).outboundIPs = { publicIPs: v.map((id) => ({ id })) }), (i) => i.loadBalancerProfile?.outboundIPs?.publicIPs?.map((p) => p.id)),
  flag("--load-balancer-outbound-ip-prefixes <ids>", "list", "your public IP prefix resource ids for load balancer egress (comma-separated)", (i, v: string[]) => (lbProfile(i).outboundIPPrefixes = { publicIPPrefixes: v.map((id) => ({ id })) }), (i) => i.loadBalancerProfile?.outboundIPPrefixes?.publicIPPrefixes?.map((p) => p.id)),
  flag("--load-balancer-outbound-ports <n>", "int", "SNAT ports per node (0-64000, a multiple of 8)", (i, v: number) => (lbProfile(i).allocatedOutboundPorts = v), (i) => i.loadBalancerProfile?.allocatedOutboundPorts),
  flag("--load-balancer-idle-timeout <minutes>", "int", "load balancer outbound idle timeout (4-120 minutes)", (i, v: number) => (lbProfile(i).idleTimeoutInMinutes = v), (i) => i.loadBalancerProfile?.idleTimeoutInMinutes),
  flag("--nat-gateway-managed-outbound-ip-count <n>", "int", "managed NAT gateway outbound IPs (1-16)", (i, v: number) => (natProfile(i).managedOutboundIPProfile = { ...i.natGatewayProfile?.managedOutboundIPProfile, count: v }), (i) => i.natGatewayProfile?.managedOutboundIPProfile?.count),
  flag("--nat-gateway-idle-timeout <minutes>", "int", "managed NAT gateway idle timeout (4-120 minutes)", (i, v: number) => (natProfile(i).idleTimeoutInMinutes = v), (i) => i.natGatewayProfile?.idleTimeoutInMinutes),
  flag("--nat-gateway-sku <sku>", "string", "managed NAT gateway SKU: Standard | StandardV2 (zone-redundant, IPv6, prefixes)", (i, v: string) => (natProfile(i).sku = v), (i) => i.natGatewayProfile?.sku),
  flag("--nat-gateway-managed-outbound-ipv6-count <n>", "int", "managed NAT gateway IPv6 outbound IPs (1-16, StandardV2)", (i, v: number) => (natProfile(i).managedOutboundIPProfile = { ...i.natGatewayProfile?.managedOutboundIPProfile, countIPv6: v }), (i) => i.natGatewayProfile?.managedOutboundIPProfile?.countIPv6),
  flag("--nat-gateway-outbound-ips <ids>", "list", "your public IP resource ids for the managed NAT gateway (comma-separated)", (i, v: string[]) => (natProfile(i).outboundIPs = { publicIPs: v }), (i) => i.natGatewayProfile?.outboundIPs?.publicIPs),
  flag("--nat-gateway-outbound-ip-prefixes <ids>", "list", "your public IP prefix resource ids for the managed NAT gateway (comma-separated; StandardV2)", (i, v: string[]) => (natProfile(i).outboundIPPrefixes = { publicIPPrefixes: v }), (i) => i.natGatewayProfile?.outboundIPPrefixes?.publicIPPrefixes),
  flag("--node-count <n>", "int", "nodes in the system pool (default 3)", (i, v: number) => (pool0(i).count = v), (i) => i.nodePools?.[0]?.count),
  flag("--max-pods <n>", "int", "max pods per node (default by plugin: overlay 250, Azure CNI 30, kubenet 110)", (i, v: number) => (pool0(i).maxPods = v), (i) => i.nodePools?.[0]?.maxPods),
  flag("--enable-cluster-autoscaler", "bool", "enable the autoscaler on the system pool", (i, v: boolean) => (pool0(i).enableAutoScaling = v), (i) => i.nodePools?.[0]?.enableAutoScaling),
  flag("--min-count <n>", "int", "autoscaler minimum", (i, v: number) => (pool0(i).minCount = v), (i) => i.nodePools?.[0]?.minCount),
  flag("--max-count <n>", "int", "autoscaler maximum", (i, v: number) => (pool0(i).maxCount = v), (i) => i.nodePools?.[0]?.maxCount),
  flag("--max-surge <n|n%>", "string", "extra nodes during upgrade, a count or a percentage, e.g. 33% (default: AKS's, 10%)", (i, v: string) => (pool0(i).maxSurge = v), (i) => i.nodePools?.[0]?.maxSurge),
  flag("--max-unavailable <n|n%>", "string", "nodes unavailable during upgrade, a count or a percentage (default 0)", (i, v: string) => (pool0(i).maxUnavailable = v), (i) => i.nodePools?.[0]?.maxUnavailable),
  flag("--pod-ip-allocation-mode <mode>", "string", "Azure CNI pod subnet: DynamicIndividual | StaticBlock", (i, v: string) => (pool0(i).podIPAllocationMode = v), (i) => i.nodePools?.[0]?.podIPAllocationMode),
  flag("--zones <zone...>", "repeat", "availability zones of the system pool, az-style: --zones 1 2 3 (zone-redundant public IPs and firewall)", (i, v: string[]) => (pool0(i).availabilityZones = v), (i) => i.nodePools?.[0]?.availabilityZones),
  flag("--node-vm-size <size>", "string", "VM size of the system pool, e.g. Standard_D4s_v5", (i, v: string) => (pool0(i).vmSize = v), (i) => i.nodePools?.[0]?.vmSize),
  flag("--nodepool-name <name>", "string", "name of the system pool (default system)", (i, v: string) => (pool0(i).name = v), (i) => i.nodePools?.[0]?.name, true),
  flag("--nodepool-taints <list>", "list", "taints of the system pool, key=value:Effect (comma-separated)", (i, v: string[]) => (pool0(i).nodeTaints = v), (i) => i.nodePools?.[0]?.nodeTaints),
  flag("--nodepool-labels <list>", "list", "labels of the system pool, key=value (comma-separated)", (i, v: string[]) => (pool0(i).nodeLabels = parseLabels(v)), (i) => labelList(i.nodePools?.[0]?.nodeLabels)),
  flag("--windows-admin-username <name>", "string", "administrator of Windows pools (default azureuser; the password never goes on the command line)", (i, v: string) => (i.windowsProfile = { ...i.windowsProfile, adminUsername: v }), (i) => i.windowsProfile?.adminUsername),
  flag("--enable-private-cluster", "bool", "private API server (a private IP in the VNet)", (i, v: boolean) => (api(i).enablePrivateCluster = v), (i) => i.apiServerAccessProfile?.enablePrivateCluster),
  flag("--private-dns-zone <mode>", "string", "private cluster DNS: system | none | a private DNS zone's resource id", (i, v: string) => (api(i).privateDNSZone = v), (i) => i.apiServerAccessProfile?.privateDNSZone),
  flag("--disable-public-fqdn", "bool", "private cluster without a public FQDN", (i, v: boolean) => (api(i).enablePrivateClusterPublicFQDN = !v), (i) => (i.apiServerAccessProfile?.enablePrivateClusterPublicFQDN === false ? true : undefined)),
  flag("--api-server-authorized-ip-ranges <cidrs>", "list", "public IPv4 ranges allowed to reach the API server (comma-separated, at most 200)", (i, v: string[]) => (api(i).authorizedIPRanges = v), (i) => i.apiServerAccessProfile?.authorizedIPRanges),
  flag("--enable-apiserver-vnet-integration", "bool", "API Server VNet Integration (the API server in a delegated subnet)", (i, v: boolean) => (api(i).enableVnetIntegration = v), (i) => i.apiServerAccessProfile?.enableVnetIntegration),
  flag("--apiserver-subnet-id <id>", "string", "your delegated API server subnet (ARM id)", (i, v: string) => (api(i).subnetId = v), (i) => i.apiServerAccessProfile?.subnetId),
  flag("--apiserver-subnet-cidr <cidr>", "string", "the API server subnet aks-net plans (at least /28, delegated to AKS)", (i, v: string) => (vnet(i).apiServerSubnetCidr = v), (i) => i.vnet?.apiServerSubnetCidr),
  flag("--apiserver-subnet-name <name>", "string", "API server subnet name (default aks-apiserver)", (i, v: string) => (vnet(i).apiServerSubnetName = v), (i) => i.vnet?.apiServerSubnetName, true),
  flag("--tags <key=value...>", "pairs", "your tags on every resource aks-net creates, az-style: --tags env=prod team=net", (i, v: string[]) => (i.tags = parseTags(v)), (i) => (i.tags === undefined ? undefined : Object.entries(i.tags).map(([k, v]) => `${k}=${v ?? ""}`))),
  flag("--vnet-name <name>", "string", "VNet to create or reuse", (i, v: string) => (vnet(i).name = v), (i) => i.vnet?.name, true),
  flag("--vnet-subnet-id <id>", "string", "bring your own node subnet (ARM id)", (i, v: string) => (i.vnetSubnetId = v), (i) => i.vnetSubnetId),
  flag("--pod-subnet-id <id>", "string", "bring your own Azure CNI pod subnet (ARM id)", (i, v: string) => (i.podSubnetId = v), (i) => i.podSubnetId),
  flag("--assign-identity <id>", "string", "your user-assigned identity for the cluster (ARM id): aks-net grants its roles, never deletes it", (i, v: string) => (i.assignIdentity = v), (i) => i.assignIdentity),
  flag("--assign-kubelet-identity <id>", "string", "your user-assigned identity for the kubelet (ARM id; needs --assign-identity)", (i, v: string) => (i.assignKubeletIdentity = v), (i) => i.assignKubeletIdentity),
  flag("--route-table-id <id>", "string", "your existing route table (ARM id), associated with the subnets aks-net plans; never changed or deleted", (i, v: string) => (vnet(i).routeTableId = v), (i) => i.vnet?.routeTableId),
  flag("--vnet-nat-gateway-sku <sku>", "string", "SKU of the NAT gateway aks-net builds for userAssignedNATGateway: Standard (default) | StandardV2 (zone-redundant)", (i, v: string) => (vnet(i).natGatewaySku = v), (i) => i.vnet?.natGatewaySku),
  flag("--nat-gateway-id <id>", "string", "your existing NAT gateway (ARM id) for userAssignedNATGateway, associated with the node subnets aks-net plans", (i, v: string) => (vnet(i).natGatewayId = v), (i) => i.vnet?.natGatewayId),
  flag("--vnet-cidr <cidr>", "repeat", "VNet address space (repeatable or comma-separated; an IPv6 range chooses the dual-stack one, default a ULA /48)", (i, v: string[]) => (vnet(i).addressSpaces = v), (i) => i.vnet?.addressSpaces),
  flag("--dns-servers <ip...>", "repeat", "custom DNS servers of the VNet (space- or comma-separated); they must forward to 168.63.129.16", (i, v: string[]) => (vnet(i).dnsServers = v), (i) => i.vnet?.dnsServers),
  flag("--subnet-cidr <cidr>", "string", "node subnet", (i, v: string) => (vnet(i).subnetCidr = v), (i) => i.vnet?.subnetCidr),
  flag("--subnet-ipv6-cidr <cidr>", "string", "dual-stack: the node subnet's IPv6 /64 (default: the first free /64 of the VNet's IPv6 range)", (i, v: string) => (vnet(i).subnetIPv6Cidr = v), (i) => i.vnet?.subnetIPv6Cidr),
  flag("--subnet-name <name>", "string", "node subnet name", (i, v: string) => (vnet(i).subnetName = v), (i) => i.vnet?.subnetName, true),
  flag("--pod-subnet-cidr <cidr>", "string", "Azure CNI pod subnet (dynamic IP allocation)", (i, v: string) => (vnet(i).podSubnetCidr = v), (i) => i.vnet?.podSubnetCidr),
  flag("--pod-subnet-name <name>", "string", "pod subnet name", (i, v: string) => (vnet(i).podSubnetName = v), (i) => i.vnet?.podSubnetName, true),
  flag("--existing-subnet <name=cidr>", "repeat", "another subnet of the VNet (repeatable)", (i, v: string[]) => (vnet(i).existingSubnets = v.map(parseExistingSubnet)), (i) => i.vnet?.existingSubnets?.map((s) => `${s.name}=${s.cidr}`)),
  flag("--connected-cidr <cidr>", "repeat", "peered VNet, VPN/ExpressRoute or on-prem range (repeatable; @FILE reads one per line)", (i, v: string[]) => (i.connectedCidrs = v.length === 1 ? expandAtFile(v[0] as string) : v.flatMap(expandAtFile)), (i) => i.connectedCidrs),
  flag("--route <prefix=type[@ip]>", "repeat", "route already on the node subnet's route table (repeatable)", (i, v: string[]) => (i.routes = v.map(parseRoute)), (i) => i.routes?.map((r) => `${r.prefix}=${r.nextHopType}${r.nextHopIp ? `@${r.nextHopIp}` : ""}`)),
  flag("--firewall", "bool", "build an Azure Firewall and route egress through it (UDR)", (i, v: boolean) => (fw(i).enabled = v), (i) => i.firewall?.enabled),
  flag("--firewall-subnet-cidr <cidr>", "string", "AzureFirewallSubnet (at least /26)", (i, v: string) => (fw(i).subnetCidr = v), (i) => i.firewall?.subnetCidr),
  flag("--firewall-sku <sku>", "string", "Standard | Premium | Basic", (i, v: string) => (fw(i).sku = v), (i) => i.firewall?.sku),
  flag("--firewall-management-subnet-cidr <cidr>", "string", "AzureFirewallManagementSubnet for the Basic SKU (at least /26)", (i, v: string) => (fw(i).managementSubnetCidr = v), (i) => i.firewall?.managementSubnetCidr),
  flag("--ilb-subnet-cidr <cidr>", "string", "a dedicated subnet for internal load balancer frontends (recommended; default: the node subnet)", (i, v: string) => (ilb(i).subnetCidr = v), (i) => i.ingress?.internalLoadBalancer?.subnetCidr),
  flag("--ilb-subnet-name <name>", "string", "the ILB subnet's name (default aks-ilb), or an existing subnet of the VNet", (i, v: string) => (ilb(i).subnetName = v), (i) => i.ingress?.internalLoadBalancer?.subnetName),
  flag("--ilb-ip <ip>", "repeat", "a fixed internal LB frontend IP in the ILB subnet (repeatable)", (i, v: string[]) => (ilb(i).ips = v), (i) => i.ingress?.internalLoadBalancer?.ips),
  flag("--expose <port[/tcp|udp]=ip:port>", "repeat", "publish a port of the firewall's public IP to an internal LB IP (DNAT; repeatable; needs --firewall)", (i, v: string[]) => (ingress(i).expose = v.map(parseExpose)), (i) => i.ingress?.expose?.map(formatExpose)),
  flag("--enable-addons <list>", "list", "add-ons: ingress-appgw (App Gateway ingress controller)", (i, v: string[]) => (agw(i).enabled = parseAddons(v)), (i) => (i.ingress?.applicationGateway?.enabled === true ? ["ingress-appgw"] : undefined)),
  flag("--appgw-subnet-cidr <cidr>", "string", "ingress-appgw: subnet for a new Application Gateway v2 (a /24 recommended, /26 minimum)", (i, v: string) => (agw(i).subnetCidr = v), (i) => i.ingress?.applicationGateway?.subnetCidr),
  flag("--appgw-subnet-id <id>", "string", "ingress-appgw: your subnet for a new Application Gateway (ARM id)", (i, v: string) => (agw(i).subnetId = v), (i) => i.ingress?.applicationGateway?.subnetId),
  flag("--appgw-id <id>", "string", "ingress-appgw: your Application Gateway v2 (ARM id)", (i, v: string) => (agw(i).id = v), (i) => i.ingress?.applicationGateway?.id),
  flag("--appgw-name <name>", "string", "ingress-appgw: name of the Application Gateway AKS creates", (i, v: string) => (agw(i).name = v), (i) => i.ingress?.applicationGateway?.name),
  flag("--nsg", "bool", "put an NSG aks-net owns on the node subnet, with the rules AKS needs", (i, v: boolean) => (ingress(i).nsg = { enabled: v }), (i) => i.ingress?.nsg?.enabled),
  flag("--firewall-private-ip <ip>", "string", "your existing firewall/NVA private IP (e.g. in a hub): route 0.0.0.0/0 to it, build no firewall", (i, v: string) => (fw(i).privateIp = v), (i) => i.firewall?.privateIp),
];

/** az's add-on names; aks-net plans only the App Gateway ingress controller. */
function parseAddons(v: string[]): boolean {
  const other = v.map((a) => a.trim()).filter((a) => a !== "ingress-appgw");
  if (other.length > 0) throw new UsageError(`--enable-addons: aks-net plans only ingress-appgw, got '${other.join(",")}'`, "enable other add-ons with az aks enable-addons after create");
  return true;
}

/**
 * Registers -f, --template and the spec flags on a command. `create` also gets the Azure-target flags.
 * With `args` (the words after the command), only the spec flags they name are registered: spec flags have no
 * defaults, so an absent one parses the same registered or not, and building ~80 commander options cost a `validate`
 * a few milliseconds of its start-up. Whatever the filter cannot vouch for registers them all: help (which lists them),
 * a word that names no flag of the command (commander's error then suggests the nearest one), short flags run
 * together (`-yf spec.yaml`). A later call without `args` adds the rest (help, completion).
 */
export function addSpecOptions(cmd: Command, opts: { withTargets: boolean }, args?: readonly string[]): Command {
  const registered = new Set(cmd.options.map((o) => o.long));
  if (!registered.has("--file")) cmd.option("-f, --file <path>", "spec file, YAML or JSON (- reads stdin)");
  if (!registered.has("--template")) cmd.option("--template <name>", "start from a named preset (see `aks-net templates`)");
  const table = SPEC_FLAGS.filter((f) => !(f.createOnly && !opts.withTargets) && !registered.has(f.long));
  const wanted = args === undefined ? undefined : namedFlags(args, cmd, table);
  for (const f of table) {
    if (wanted !== undefined && !wanted.has(f)) continue;
    const o = new Option(f.flags, f.help);
    if (f.kind === "repeat") o.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), ...splitList(v)]);
    if (f.kind === "pairs") o.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    cmd.addOption(o);
  }
  return cmd;
}

/** The spec flags `args` name; undefined when all must be registered (see addSpecOptions). */
function namedFlags(args: readonly string[], cmd: Command, table: readonly SpecFlag[]): Set<SpecFlag> | undefined {
  const own = new Set(cmd.options.flatMap((o) => [o.long, o.short]).filter((n) => n !== undefined));
  const named = new Set<SpecFlag>();
  for (const word of args) {
    if (word === "--") break; // operands follow
    if (!word.startsWith("-") || word === "-") continue; // an operand or a value (`-f -` reads stdin)
    const name = word.startsWith("--") ? word.split("=", 1)[0] as string : word.length === 2 ? word : undefined;
    if (name === undefined || name === "--help" || name === "-h") return undefined;
    const f = table.find((t) => t.long === name || t.short === name); // a few words: no index of ~90 flags to build
    if (f !== undefined) named.add(f);
    else if (!own.has(name)) return undefined;
  }
  return named;
}

/** Turns commander's options into a SpecInput. Throws UsageError for a flag whose own shape is wrong. */
export function fromFlags(opts: SpecFlags): SpecInput {
  // From the few values given to their flags, not from each of the ~90 flags to its key.
  const given = new Map<string, unknown>();
  for (const [key, value] of Object.entries(opts)) if (value !== undefined) given.set(flagOf(key), value);
  const input: SpecInput = {};
  for (const f of SPEC_FLAGS) {
    const raw = given.get(f.long);
    if (raw === undefined) continue;
    let value: unknown = raw;
    if (f.kind === "int") value = parseInteger(f.long, String(raw));
    if (f.kind === "list") value = String(raw).split(",");
    (f.put as (i: SpecInput, v: unknown) => void)(input, value);
  }
  return input;
}

/** The flags that reproduce a spec input exactly: used for the wizard's equivalent command line. */
export function toFlags(input: SpecInput): string[] {
  const argv: string[] = [];
  for (const f of SPEC_FLAGS) {
    const v = f.get(input);
    if (v === undefined || v === false || (Array.isArray(v) && v.length === 0)) continue;
    if (f.kind === "bool") argv.push(f.long);
    else if (f.kind === "repeat") for (const item of v as string[]) argv.push(f.long, item);
    else if (f.kind === "pairs") argv.push(f.long, ...(v as string[]));
    else if (f.kind === "list") argv.push(f.long, (v as string[]).join(","));
    else argv.push(f.long, String(v));
  }
  return argv;
}

/** Template < file < flags, as layers for resolveSpec. `io.stdin` is touched only for `-f -` (creating it costs start-up time). `keep.text` receives the spec file's text. */
export async function layersFromOptions(opts: SpecFlags, io: Pick<Io, "stdin">, keep?: { text?: string }): Promise<SpecLayer[]> {
  const layers: SpecLayer[] = [];
  if (typeof opts["template"] === "string") layers.push({ source: "template", input: getTemplate(opts["template"]).input });
  if (typeof opts["file"] === "string") layers.push({ source: "file", input: await readSpecFile(opts["file"], io, keep) });
  layers.push({ source: "flag", input: fromFlags(opts) });
  return layers;
}

function splitList(v: string): string[] {
  return v.split(",").filter((s) => s !== "");
}

function parseInteger(flagName: string, text: string): number {
  if (!/^[0-9]+$/.test(text)) throw new UsageError(`${flagName} takes a whole number, got '${text}'`);
  return Number(text);
}

/** NAME=CIDR; the CIDR itself is checked by the rules, only the shape here. */
export function parseExistingSubnet(text: string): { name: string; cidr: string } {
  const eq = text.indexOf("=");
  if (eq <= 0 || eq === text.length - 1) {
    throw new UsageError(`--existing-subnet takes NAME=CIDR, got '${text}'`, "example: --existing-subnet appgw=10.0.8.0/24");
  }
  return { name: text.slice(0, eq), cidr: text.slice(eq + 1) };
}

/**
 * az's `--tags a=b c=d`: KEY=VALUE, or KEY alone for an empty value (as az takes it). The key's and value's contents
 * are the TAG rules' to judge; only an item without a key is a usage error here.
 */
export function parseTags(items: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    const key = eq < 0 ? item : item.slice(0, eq);
    if (key === "") throw new UsageError(`--tags takes KEY=VALUE items, got '${item}'`, "example: --tags env=prod costCenter=1234");
    tags[key] = eq < 0 ? "" : item.slice(eq + 1);
  }
  return tags;
}

/** KEY=VALUE items (az --nodepool-labels); the values are passed through as AKS takes them. */
export function parseLabels(items: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--nodepool-labels takes KEY=VALUE items, got '${item}'`, "example: --nodepool-labels workload=web,tier=front");
    labels[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return labels;
}

function labelList(labels: Record<string, string> | undefined): string[] | undefined {
  return labels === undefined ? undefined : Object.entries(labels).map(([k, v]) => `${k}=${v}`);
}

/** PREFIX=NEXT_HOP_TYPE[@NEXT_HOP_IP]. */
export function parseRoute(text: string): { prefix: string; nextHopType: string; nextHopIp?: string } {
  const m = /^([^=]+)=([^@]+)(?:@(.+))?$/.exec(text);
  if (!m) {
    throw new UsageError(`--route takes PREFIX=NEXT_HOP_TYPE[@NEXT_HOP_IP], got '${text}'`, "example: --route 0.0.0.0/0=VirtualAppliance@10.0.4.4");
  }
  const route: { prefix: string; nextHopType: string; nextHopIp?: string } = { prefix: m[1] as string, nextHopType: m[2] as string };
  if (m[3] !== undefined) route.nextHopIp = m[3];
  return route;
}

/** What a bad line breaks, in words that quote nothing from the line (SYN-01 … SYN-05). */
const NOT_A_CIDR: Record<SyntaxRule, string> = {
  "SYN-01": "not address/prefix",
  "SYN-02": "prefix length out of range",
  "SYN-03": "the address is not IPv4 or IPv6",
  "SYN-04": "leading zeros, octal or hex in the address",
  "SYN-05": "whitespace inside the range",
};

/**
 * `@FILE` reads one CIDR per line (blank lines and # comments skipped). A bad line is a usage error naming the file
 * and line, never its content: a file given by mistake (`@.env`) must not end up in the output.
 */
function expandAtFile(item: string): string[] {
  if (!item.startsWith("@")) return [item];
  const path = item.slice(1);
  let text: string;
  try {
    text = readCapped(path);
  } catch (e) {
    throw new UsageError(`--connected-cidr cannot read '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const out: string[] = [];
  const bad: { line: number; rule: SyntaxRule }[] = [];
  forEachItemLine(text, (item, line) => {
    // The strict IPv4 scan allocates nothing; parseCidr only explains a refusal (10^6 lines are read this way).
    if (isCidr(item)) out.push(item);
    else bad.push({ line, rule: (parseCidr(item) as { rule: SyntaxRule }).rule });
  });
  const first = bad[0];
  if (first !== undefined) {
    const more = bad.length > 1 ? ` (${bad.length - 1} more bad line${bad.length > 2 ? "s" : ""}: ${bad.slice(1, 6).map((b) => b.line).join(", ")}${bad.length > 6 ? ", ..." : ""})` : "";
    throw new UsageError(`${path}:${first.line}: not a CIDR (${first.rule}: ${NOT_A_CIDR[first.rule]})${more}`, "--connected-cidr @FILE takes one CIDR per line, e.g. 10.50.0.0/16; blank lines and # comments are skipped");
  }
  return out;
}

/** Calls `each` with every non-blank line of a list file (1-based number), `# comments` and edge whitespace removed; one scan, no regex per line. */
function forEachItemLine(text: string, each: (item: string, line: number) => void): void {
  let hash = -1; // the next '#' at or after `at` (searched again only once passed: a file without '#' is scanned once)
  let line = 0;
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf("\n", at);
    if (end < 0) end = text.length;
    line++;
    if (hash < at) hash = text.indexOf("#", at) >>> 0; // -1 → 2^32-1: beyond any line
    const raw = text.slice(at, hash < end ? hash : end);
    const item = isTrimmed(raw) ? raw : raw.trim();
    if (item !== "") each(item, line);
    at = end + 1;
  }
}

/** True when both ends of the line are printable ASCII, so trim() would return it unchanged (the common case). */
function isTrimmed(line: string): boolean {
  const [a, b] = [line.charCodeAt(0), line.charCodeAt(line.length - 1)];
  return a > 32 && a < 127 && b > 32 && b < 127;
}
