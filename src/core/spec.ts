/**
 * The single network spec every front door fills: flags, a spec file, a template, the wizard.
 * Keys follow the AKS API (networkProfile, agentPoolProfiles) so that users and docs transfer.
 * Values stay as the user typed them (strings, not enums): a bad value is a finding, not a crash.
 */

/** Where a value came from, highest precedence first. */
export type Source = "flag" | "wizard" | "file" | "template" | "default" | "live";

/** One node pool; the first pool is the system pool. */
export interface NodePoolSpec {
  name: string;
  mode?: string; // System | User
  count: number;
  maxPods?: number;
  osType: string; // Linux | Windows
  vmSize?: string;
  enableAutoScaling?: boolean;
  minCount?: number;
  maxCount?: number;
  /**
   * Extra nodes during upgrade: a count ("5") or a percentage of the pool ("33%"). Unset = AKS's default for the
   * api-version sent (10%: core/capacity.ts DEFAULT_MAX_SURGE); aks-net never pins it in the body.
   */
  maxSurge?: number | string;
  /** Nodes that may be unavailable during upgrade: a count or a percentage (AKS default 0). */
  maxUnavailable?: number | string;
  /** Azure CNI pod subnet: DynamicIndividual (default) | StaticBlock (CAP-04, SIZE-04). */
  podIPAllocationMode?: string;
  /** Availability zones of the pool's nodes ("1", "2", "3"; ZONE-*), as agentPoolProfiles[].availabilityZones. */
  availabilityZones?: string[];
  /**
   * The pool's own node subnet, planned by aks-net in the cluster's VNet (node-pool-unique-subnet.md): a name (default
   * aks-nodes-<pool>) and a prefix. A name without a prefix joins the subnet another pool defines. Unset: the cluster's.
   */
  vnetSubnetName?: string;
  vnetSubnetCidr?: string;
  /** Azure CNI pod subnet: the pool's own pod subnet (default name aks-pods-<pool>). Unset: the cluster's. */
  podSubnetName?: string;
  podSubnetCidr?: string;
  /** Taints on the pool's nodes, `key=value:Effect` (agentPoolProfiles[].nodeTaints), passed through. */
  nodeTaints?: string[];
  /** Labels on the pool's nodes (agentPoolProfiles[].nodeLabels), passed through. */
  nodeLabels?: Record<string, string>;
}

/** A subnet that already exists in the VNet, or is planned by aks-net. */
export interface SubnetSpec {
  name: string;
  cidr: string;
  /** Facts filled by `--live` (never typed by users): delegations, route table, NAT gateway, users. */
  delegations?: string[];
  routeTableId?: string;
  natGatewayId?: string;
  networkSecurityGroupId?: string;
  /** Resource ids of AKS clusters (or other services) already using this subnet. */
  usedBy?: string[];
  /** Addresses in use (VNet usages API, filled by --live). */
  used?: number;
}

/** A route already on (or planned for) the node subnet's route table. */
export interface RouteSpec {
  prefix: string;
  nextHopType: string; // VirtualAppliance | VirtualNetworkGateway | Internet | VnetLocal | None
  nextHopIp?: string;
}

/** The VNet around the cluster. */
export interface VnetSpec {
  /** AKS-managed VNet: aks-net creates no VNet and passes no subnet (managedNATGateway, OUT-08). */
  managed?: boolean;
  name?: string;
  resourceGroup?: string;
  /** The VNet's address spaces. */
  addressSpaces: string[];
  /** Node subnet. */
  subnetName?: string;
  subnetCidr?: string;
  /** Dual-stack: the node subnet's IPv6 prefix, a /64 of the VNet's IPv6 space (default: the first free /64). */
  subnetIPv6Cidr?: string;
  /** Azure CNI pod subnet (dynamic IP allocation). */
  podSubnetName?: string;
  podSubnetCidr?: string;
  /** Custom DNS servers of the VNet (dhcpOptions.dnsServers); they must forward to Azure DNS 168.63.129.16 (DNS-07..09). */
  dnsServers?: string[];
  /** API Server VNet Integration: the subnet aks-net plans for the API server (delegated, at least /28; API-08). */
  apiServerSubnetName?: string;
  apiServerSubnetCidr?: string;
  /** An existing route table aks-net associates with the subnets it plans (--route-table-id); never changed or deleted. */
  routeTableId?: string;
  /** An existing NAT gateway aks-net associates with the node subnets it plans (--nat-gateway-id); never changed or deleted. */
  natGatewayId?: string;
  /**
   * SKU of the NAT gateway aks-net builds for userAssignedNATGateway (--vnet-nat-gateway-sku; default Standard, the SKU
   * earlier runs built). StandardV2 is zone-redundant and takes StandardV2 public IPs (nat-sku.md).
   */
  natGatewaySku?: string;
  /** The VNet's other subnets. */
  existingSubnets: SubnetSpec[];
}

/** Azure Firewall that aks-net builds for egress (`--firewall`). */
export interface FirewallSpec {
  enabled: boolean;
  subnetCidr?: string;
  /** Standard | Premium | Basic */
  sku?: string;
  /** Basic SKU needs AzureFirewallManagementSubnet (FWS-02). */
  managementSubnetCidr?: string;
  /** Allow-list entries a user relies on, checked for stale entries (FW-OLD-*). */
  allowList?: string[];
  /**
   * An existing firewall or NVA (e.g. in a hub VNet) by its private IP (--firewall-private-ip): aks-net only routes
   * 0.0.0.0/0 to it (userDefinedRouting) and builds no firewall.
   */
  privateIp?: string;
}

/** An internal load balancer for Services with fixed private IPs (ILB-*). */
export interface InternalLoadBalancerSpec {
  /** A dedicated subnet aks-net plans in its VNet (recommended); absent = the node subnet. */
  subnetCidr?: string;
  /** Its name (default aks-ilb); with no subnetCidr, a subnet of the VNet by this name (the node subnet when it is that). */
  subnetName?: string;
  /** The Services' fixed frontend IPs, inside that subnet. */
  ips?: string[];
}

/** One port published through aks-net's firewall: DNAT from the firewall's public IP to an internal LB IP (EXP-*). */
export interface ExposeSpec {
  /** The port on the firewall's public IP. */
  port: number;
  /** TCP (default) | UDP */
  protocol?: string;
  /** An internal LB IP of this spec. */
  targetIp: string;
  /** The Service's port behind it (default: port). */
  targetPort?: number;
}

/** The Application Gateway Ingress Controller add-on, as az's `--enable-addons ingress-appgw` takes it (AGW-*). */
export interface ApplicationGatewaySpec {
  enabled?: boolean;
  /** A gateway subnet aks-net plans in its VNet (`--appgw-subnet-cidr`); AKS builds the gateway in it. */
  subnetCidr?: string;
  /** Your gateway subnet (`--appgw-subnet-id`). */
  subnetId?: string;
  /** Your Application Gateway v2 (`--appgw-id`). */
  id?: string;
  /** The gateway AKS creates (`--appgw-name`, default AKS's). */
  name?: string;
}

/** A network security group on the node subnet (NSG-*). */
export interface NsgSpec {
  /** aks-net creates one it owns, with the rules AKS needs. */
  enabled?: boolean;
}

/** How services are reached from outside the cluster. */
export interface IngressSpec {
  internalLoadBalancer?: InternalLoadBalancerSpec;
  expose?: ExposeSpec[];
  applicationGateway?: ApplicationGatewaySpec;
  nsg?: NsgSpec;
}

/** Standard load balancer outbound settings, as networkProfile.loadBalancerProfile (LB-03, LB-04). */
export interface LoadBalancerProfileSpec {
  /** 1-100 managed outbound IPs (IPv6 0-100). */
  managedOutboundIPs?: { count?: number; countIPv6?: number };
  /** Your own public IP prefixes (resource ids). */
  outboundIPPrefixes?: { publicIPPrefixes?: { id: string }[] };
  /** Your own public IPs (resource ids). */
  outboundIPs?: { publicIPs?: { id: string }[] };
  /** SNAT ports per node, 0-64000, a multiple of 8 (0 = Azure's dynamic default). */
  allocatedOutboundPorts?: number;
  /** 4-120 minutes (az CLI caps at 100, C-08). */
  idleTimeoutInMinutes?: number;
}

/** Managed NAT gateway settings, as networkProfile.natGatewayProfile (LB-05, LB-06). */
export interface NatGatewayProfileSpec {
  /** Standard or StandardV2 (AKS's default where the region offers it; zone-redundant, IPv6, prefixes). */
  sku?: string;
  /** 1-16 managed outbound IPs; countIPv6 1-16 (StandardV2 only). */
  managedOutboundIPProfile?: { count?: number; countIPv6?: number };
  /** Your own public IPs (resource ids), as the AKS API takes them: a list of ids. */
  outboundIPs?: { publicIPs?: string[] };
  /** Your own public IP prefixes (resource ids; StandardV2 only). */
  outboundIPPrefixes?: { publicIPPrefixes?: string[] };
  /** 4-120 minutes. */
  idleTimeoutInMinutes?: number;
}

/**
 * How the API server is reached, as the AKS API's apiServerAccessProfile (API-*): private cluster, its private DNS
 * zone, authorized IP ranges, API Server VNet Integration.
 */
export interface ApiServerAccessProfileSpec {
  enablePrivateCluster?: boolean;
  /** system (AKS's zone), none (public DNS), or a private DNS zone's resource id (API-04). */
  privateDNSZone?: string;
  /** Private clusters: keep the public FQDN (AKS's default true; --disable-public-fqdn sets false). */
  enablePrivateClusterPublicFQDN?: boolean;
  /** Public IPv4 CIDRs allowed to reach a public API server (at most 200; API-01..03). */
  authorizedIPRanges?: string[];
  enableVnetIntegration?: boolean;
  /** The delegated API server subnet (VNet Integration): a full ARM id; or vnet.apiServerSubnetCidr for one aks-net plans. */
  subnetId?: string;
}

/** The cluster's identity in Azure; not needed by `validate`. */
export interface ClusterTarget {
  name?: string;
  resourceGroup?: string;
  location?: string;
  subscription?: string;
  kubernetesVersion?: string;
  /** Bring-your-own node subnet: full ARM id. */
  vnetSubnetId?: string;
  /** Bring-your-own Azure CNI pod subnet (az --pod-subnet-id): full ARM id, for the pools without a pod subnet of their own. */
  podSubnetId?: string;
  /** A user-assigned identity the cluster runs as (az --assign-identity): aks-net grants its roles, never deletes it. */
  assignIdentity?: string;
  /** A user-assigned identity for the kubelet (az --assign-kubelet-identity); needs --assign-identity. */
  assignKubeletIdentity?: string;
}

/**
 * The cluster's windowsProfile, as the AKS API names it: Windows pools need it at create (create-node-pools.md).
 * The password is never part of the spec: `create` takes it from AKS_NET_WINDOWS_ADMIN_PASSWORD or a 0600 file.
 */
export interface WindowsProfileSpec {
  /** Administrator of the Windows nodes (default azureuser, AKS's own; POOL-04). Azure cannot change it later. */
  adminUsername?: string;
}

/** The whole spec. Network keys are the AKS networkProfile names. */
export interface ClusterSpec extends ClusterTarget {
  networkPlugin?: string;
  networkPluginMode?: string;
  networkPolicy?: string;
  networkDataplane?: string;
  podCidr?: string;
  serviceCidr?: string;
  dnsServiceIP?: string;
  dockerBridgeCidr?: string;
  outboundType?: string;
  loadBalancerSku?: string;
  ipFamilies?: string[];
  podCidrs?: string[];
  serviceCidrs?: string[];
  nodePools: NodePoolSpec[];
  vnet: VnetSpec;
  /** Peered VNets, VPN/ExpressRoute and on-premises ranges. */
  connectedCidrs: string[];
  /** Routes already on the node subnet's route table. */
  routes: RouteSpec[];
  firewall: FirewallSpec;
  /** Standard load balancer outbound settings (outboundType loadBalancer only). */
  loadBalancerProfile?: LoadBalancerProfileSpec;
  /** Managed NAT gateway settings (outboundType managedNATGateway only). */
  natGatewayProfile?: NatGatewayProfileSpec;
  /** Windows node administrator (set when a pool is Windows). */
  windowsProfile?: WindowsProfileSpec;
  /** How the API server is reached (private cluster, authorized IP ranges, VNet Integration). */
  apiServerAccessProfile?: ApiServerAccessProfileSpec;
  /** Your tags (`--tags k=v`), on every resource aks-net creates, next to its own ownership tags (TAG-*). */
  tags?: Record<string, string>;
  /** Internal load balancer, ports through the firewall, App Gateway ingress, node subnet NSG. */
  ingress?: IngressSpec;
  /** Facts read from Azure by `--live` (never typed by users); the LIVE-* rules read them. */
  live?: LiveFacts;
  /** `validate --from` / `--from-cluster`: values of the source aks-net could not evaluate (SRC-01; never typed by users). */
  imported?: { unchecked: UncheckedValue[] };
}

/** A value of an imported plan, template or cluster that aks-net cannot know: named, never guessed (SRC-01). */
export interface UncheckedValue {
  /** The spec field it would fill (`serviceCidr`, `nodePools[1].maxPods`). */
  field: string;
  /** Where it is in the source (a Terraform address and attribute, a template path). */
  at: string;
  /** Why it is not known (unknown until apply, an expression aks-net does not evaluate, ...). */
  why: string;
}

/** A subnet as Azure has it, with what `--live` learnt about it. */
export interface LiveSubnet extends SubnetSpec {
  id: string;
  /** Its IPv6 prefix (dual-stack subnets list one prefix per family in addressPrefixes). */
  ipv6Cidr?: string;
  /** SKU of the associated NAT gateway (Standard: IPv4 only; StandardV2: IPv4 and IPv6). */
  natGatewaySku?: string;
  /** The rules of its network security group, yours and Azure's defaults (node subnet only; LIVE-NSG-01). */
  nsgRules?: LiveNsgRule[];
  /** Addresses in use and usable addresses (VNet usages API). */
  used?: number;
  limit?: number;
}

/** One security rule of an NSG as Azure has it (custom or default), prefixes and ports as lists. */
export interface LiveNsgRule {
  name: string;
  priority: number;
  direction: string;
  access: string;
  protocol: string;
  sources: string[];
  destinations: string[];
  ports: string[];
}

/** A route table as Azure has it. */
export interface LiveRouteTable {
  id: string;
  routes: RouteSpec[];
  /** Subnets associated with it (ids). */
  subnetIds: string[];
}

/** A peering of the target VNet. */
export interface LivePeering {
  name: string;
  remoteVnetId?: string;
  /** Connected | Initiated | Disconnected */
  state?: string;
  addressSpaces: string[];
  /** Traffic to on-premises goes through the remote VNet's VPN/ExpressRoute gateway. */
  useRemoteGateways?: boolean;
}

/** An AKS cluster in the subscription that already uses the target VNet. */
export interface LiveCluster {
  id: string;
  name: string;
  networkPlugin?: string;
  networkPluginMode?: string;
  serviceCidr?: string;
  podCidr?: string;
  /** Node and pod subnet ids of its pools that lie in the target VNet. */
  subnetIds: string[];
}

/** One permission entry of the signed-in principal at a scope (Microsoft.Authorization permissions API). */
export interface LivePermission {
  actions: string[];
  notActions: string[];
}

/** The principal's effective permissions at one scope. */
export interface LiveScopePermissions {
  kind: "resourceGroup" | "subnet" | "routeTable";
  scope: string;
  permissions: LivePermission[];
  /** Set when the permissions could not be read (the reason). */
  unreadable?: string;
}

/** Regional vCPU quota and the VM sizes the pools use. */
export interface LiveQuota {
  location: string;
  /** Compute usages by quota name (`cores` = total regional vCPUs, `standardDSv5Family` ...). */
  usages: { name: string; used: number; limit: number }[];
  /** VM sizes of the pools as the region offers them; `available: false` = not offered or restricted. */
  sizes: { vmSize: string; family?: string; vcpus?: number; available: boolean; /** Zones the size is offered in here for this subscription (LIVE-ZONE-01). */ zones?: string[] }[];
}

/** A resource the user brings (an identity, a route table, a NAT gateway, a pod subnet, a public IP or prefix), as Azure has it. */
export interface LiveBrought {
  /** The spec field that names it, e.g. `assignIdentity`, `loadBalancerProfile.outboundIPs.publicIPs[0].id`. */
  field: string;
  id: string;
  exists: boolean;
  /** SKU name (NAT gateway, public IP, prefix). */
  sku?: string;
  /** Public IP: the IP configuration using it (another load balancer, a NIC, a NAT gateway). */
  usedBy?: string;
  /** Subnet: its delegations (service names). */
  delegations?: string[];
  /** Route table: its routes. */
  routes?: RouteSpec[];
  location?: string;
}

/** What `--live` read. Absent parts were not read (no VNet named, no location ...). */
export interface LiveFacts {
  resourceGroup?: { name: string; exists: boolean };
  vnet?: { id: string; name: string; exists: boolean; addressSpaces: string[]; /** Has a GatewaySubnet (VPN/ExpressRoute). */ gatewaySubnet?: boolean };
  /** The node subnet as Azure has it; absent when it does not exist (yet). */
  nodeSubnet?: LiveSubnet;
  /** The Azure CNI pod subnet as Azure has it, when the spec has one and it exists. */
  podSubnet?: LiveSubnet;
  /** The API server subnet of --apiserver-subnet-id as Azure has it (LIVE-API-01); `apiServerSubnetMissing` when it is not there. */
  apiServerSubnet?: LiveSubnet;
  apiServerSubnetMissing?: string;
  /** Set when the node subnet was looked for (by name or id) but not found. */
  nodeSubnetMissing?: { name: string; byId: boolean };
  /** The node subnet's route table. */
  routeTable?: LiveRouteTable;
  peerings?: LivePeering[];
  /** Other AKS clusters using the VNet. */
  clusters?: LiveCluster[];
  /** Id of the cluster being validated when it already exists (a re-run): not counted as "another cluster". */
  existingCluster?: string;
  permissions?: LiveScopePermissions[];
  quota?: LiveQuota;
  /** Why quota was not read (no region known). */
  quotaNotChecked?: string;
  /** The Kubernetes versions AKS offers in the region (read only when the spec names a version). */
  kubernetesVersions?: { location: string; minors: string[]; patches: string[] };
  /** Reads Azure refused (403), e.g. the subscription's clusters for a principal scoped to one resource group. */
  unreadable?: string[];
  /** Regions where the subscription offers AKS (managedClusters), as programmatic names (westeurope). */
  locations?: string[];
  /** The resources the user brings, as read (LIVE-BYO-*). */
  brought?: LiveBrought[];
}

/** Deep partial: what one front door contributes. Arrays replace, objects merge. */
export type SpecInput = {
  [K in keyof ClusterSpec]?: ClusterSpec[K] extends (infer U)[]
    ? U extends object
      ? Partial<U>[]
      : U[]
    : ClusterSpec[K] extends object
      ? Partial<ClusterSpec[K]>
      : ClusterSpec[K];
};

/** One layer of input with its source. */
export interface SpecLayer {
  source: Source;
  input: SpecInput;
}

/** Field path → where its effective value came from (`nodePools[0].maxPods` → `default`). */
export type Provenance = Record<string, Source>;

/** The known enum values (SYN-09). Kept here so validators, schema, flags help and wizard share one list. */
export const ENUMS = {
  networkPlugin: ["azure", "kubenet", "none"],
  networkPluginMode: ["overlay"],
  networkPolicy: ["none", "azure", "calico", "cilium"],
  networkDataplane: ["azure", "cilium"],
  loadBalancerSku: ["standard", "basic"],
  outboundType: ["loadBalancer", "managedNATGateway", "userAssignedNATGateway", "userDefinedRouting", "none", "block"],
  ipFamilies: ["IPv4", "IPv6"],
  osType: ["Linux", "Windows"],
  nextHopType: ["VirtualAppliance", "VirtualNetworkGateway", "Internet", "VnetLocal", "None"],
  firewallSku: ["Standard", "Premium", "Basic"],
  podIPAllocationMode: ["DynamicIndividual", "StaticBlock"],
  natGatewaySku: ["Standard", "StandardV2"],
  zones: ["1", "2", "3"],
  exposeProtocol: ["TCP", "UDP"],
} as const;

/** An empty spec: the base every layer merges onto. */
export function emptySpec(): ClusterSpec {
  return {
    nodePools: [],
    vnet: { addressSpaces: [], existingSubnets: [] },
    connectedCidrs: [],
    routes: [],
    firewall: { enabled: false },
  };
}
