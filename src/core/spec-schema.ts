/**
 * The JSON Schema of the spec file, as data: `aks-net schema` prints it (editors complete from it), and the
 * spec-file reader checks a file's shape against `shapeSchema()`, the same schema without value constraints,
 * because a bad value (a malformed CIDR, an unknown enum value) is a finding, not a usage error.
 */
import { ENUMS } from "./spec.ts";
import type { ApiServerAccessProfileSpec, ApplicationGatewaySpec, ClusterSpec, ExposeSpec, FirewallSpec, IngressSpec, InternalLoadBalancerSpec, NsgSpec, LoadBalancerProfileSpec, NatGatewayProfileSpec, NodePoolSpec, RouteSpec, SubnetSpec, VnetSpec, WindowsProfileSpec } from "./spec.ts";

/** A JSON Schema node (the subset used here). */
export type JsonSchema = { [key: string]: unknown };

/** Exactly one schema per key of T: adding a spec key without describing it here fails the type-check. */
type Props<T> = Record<keyof T & string, JsonSchema>;

/** Where the published copy lives; also the `$id`. */
export const SCHEMA_ID = "https://github.com/aks-net/aks-net/blob/main/schema/aks-net.schema.json";

const text = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: "string", description, ...extra });
const oneOf = (values: readonly string[], description: string): JsonSchema => text(description, { enum: [...values] });
const cidr = (description: string, example: string): JsonSchema => text(description, { examples: [example] });
const int = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: "integer", description, ...extra });
const bool = (description: string): JsonSchema => ({ type: "boolean", description });
/** A count or a percentage, as AgentPoolUpgradeSettings takes them ("5", "33%"). */
const countOrPercent = (description: string): JsonSchema => ({ type: ["integer", "string"], description, pattern: "^[0-9]+%?$", examples: ["33%", 1] });
const list = (items: JsonSchema, description: string): JsonSchema => ({ type: "array", description, items });
const object = (description: string, properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema => ({
  type: "object",
  description,
  properties,
  ...(required.length > 0 ? { required } : {}),
  additionalProperties: false,
});

// Sections are functions: built when the schema is asked for (`aks-net schema`, a shape error), not at every start-up.
const nodePool = (): JsonSchema => object("A node pool; the first pool is the system pool.", {
  name: text("Pool name (default: system, pool1, ...)."),
  mode: oneOf(["System", "User"], "System or User (default: System for the first pool)."),
  count: int("Nodes at create (default 3).", { minimum: 0, maximum: 1000 }),
  maxPods: int("Max pods per node (default by plugin: overlay/pod subnet 250, Azure CNI node subnet 30, kubenet 110).", { minimum: 10, maximum: 250 }),
  osType: oneOf(ENUMS.osType, "Linux or Windows (default Linux)."),
  vmSize: text("VM size, e.g. Standard_D4s_v5."),
  enableAutoScaling: bool("Cluster autoscaler on this pool."),
  minCount: int("Autoscaler minimum.", { minimum: 0, maximum: 1000 }),
  maxCount: int("Autoscaler maximum (capacity is planned for it).", { minimum: 0, maximum: 1000 }),
  maxSurge: countOrPercent("Extra nodes during upgrade: a count or a percentage of the pool, e.g. 33% (default: AKS's, 10% for the api-version aks-net sends)."),
  maxUnavailable: countOrPercent("Nodes that may be unavailable during upgrade: a count or a percentage (default 0)."),
  podIPAllocationMode: oneOf(ENUMS.podIPAllocationMode, "Azure CNI pod subnet allocation (default DynamicIndividual)."),
  availabilityZones: list(oneOf(ENUMS.zones, "Zone"), "Availability zones of the pool's nodes, e.g. [\"1\", \"2\", \"3\"]; the public IPs and firewall aks-net builds then become zone-redundant (ZONE-*)."),
  vnetSubnetName: text("The pool's own node subnet in the cluster's VNet (default aks-nodes-<pool> when vnetSubnetCidr is set); a name another pool defines shares that subnet. Unset: the cluster's node subnet."),
  vnetSubnetCidr: cidr("The prefix of the pool's own node subnet, planned by aks-net.", "10.10.4.0/24"),
  podSubnetName: text("Azure CNI pod subnet: the pool's own pod subnet (default aks-pods-<pool> when podSubnetCidr is set). Unset: the cluster's pod subnet."),
  podSubnetCidr: cidr("The prefix of the pool's own pod subnet, planned by aks-net.", "10.10.128.0/20"),
  nodeTaints: list(text("key=value:NoSchedule | PreferNoSchedule | NoExecute", { examples: ["CriticalAddonsOnly=true:NoSchedule"] }), "Taints on the pool's nodes (passed through)."),
  nodeLabels: { type: "object", description: "Labels on the pool's nodes (passed through).", additionalProperties: { type: "string" }, examples: [{ workload: "web" }] },
} satisfies Props<NodePoolSpec>);

const resourceIds = (description: string, key: string): JsonSchema =>
  object(description, { [key]: list(object("A resource.", { id: text("Resource id.") }, ["id"]), "Resource ids.") });

const loadBalancerProfile = (): JsonSchema => object("Standard load balancer outbound settings (outboundType loadBalancer only).", {
  managedOutboundIPs: object("AKS-managed outbound public IPs.", {
    count: int("IPv4 outbound IPs (1-100).", { minimum: 1, maximum: 100 }),
    countIPv6: int("IPv6 outbound IPs (0-100).", { minimum: 0, maximum: 100 }),
  }),
  outboundIPPrefixes: resourceIds("Your public IP prefixes for egress.", "publicIPPrefixes"),
  outboundIPs: resourceIds("Your public IPs for egress.", "publicIPs"),
  allocatedOutboundPorts: int("SNAT ports per node, 0-64000 and a multiple of 8 (0 = Azure's dynamic default).", { minimum: 0, maximum: 64000 }),
  idleTimeoutInMinutes: int("Outbound idle timeout, 4-120 minutes.", { minimum: 4, maximum: 120 }),
} satisfies Props<LoadBalancerProfileSpec>);

const natGatewayProfile = (): JsonSchema => object("Managed NAT gateway settings (outboundType managedNATGateway only).", {
  sku: oneOf(ENUMS.natGatewaySku, "NAT gateway SKU: StandardV2 is zone-redundant and serves IPv6 and prefixes (default: AKS's, StandardV2 where the region offers it)."),
  managedOutboundIPProfile: object("AKS-managed NAT gateway public IPs.", {
    count: int("IPv4 outbound IPs (1-16).", { minimum: 1, maximum: 16 }),
    countIPv6: int("IPv6 outbound IPs (1-16; StandardV2, dual-stack).", { minimum: 1, maximum: 16 }),
  }),
  outboundIPs: object("Your public IPs for the NAT gateway.", { publicIPs: list(text("Public IP resource id."), "Resource ids.") }),
  outboundIPPrefixes: object("Your public IP prefixes for the NAT gateway (StandardV2).", { publicIPPrefixes: list(text("Public IP prefix resource id."), "Resource ids.") }),
  idleTimeoutInMinutes: int("Idle timeout, 4-120 minutes.", { minimum: 4, maximum: 120 }),
} satisfies Props<NatGatewayProfileSpec>);

const subnet = (): JsonSchema => object(
  "Another subnet of the VNet.",
  {
    name: text("Subnet name."),
    cidr: cidr("Subnet address prefix.", "10.10.8.0/24"),
    delegations: list(text("Service name"), "Delegations (filled by --live)."),
    routeTableId: text("Associated route table (filled by --live)."),
    natGatewayId: text("Associated NAT gateway (filled by --live)."),
    networkSecurityGroupId: text("Associated NSG (filled by --live)."),
    usedBy: list(text("Resource id"), "Clusters or services already using the subnet (filled by --live)."),
    used: int("Addresses in use (filled by --live).", { minimum: 0 }),
  } satisfies Props<SubnetSpec>,
  ["cidr"],
);

const route = (): JsonSchema => object(
  "A route already on the node subnet's route table.",
  {
    prefix: cidr("Destination prefix.", "0.0.0.0/0"),
    nextHopType: oneOf(ENUMS.nextHopType, "Next hop type."),
    nextHopIp: text("Next hop IP (VirtualAppliance only), e.g. the firewall's private IP.", { examples: ["10.10.1.4"] }),
  } satisfies Props<RouteSpec>,
  ["prefix", "nextHopType"],
);

const ingress = (): JsonSchema => object("How services are reached from outside: internal load balancer, ports through the firewall, App Gateway ingress, node subnet NSG.", {
  internalLoadBalancer: object("An internal load balancer for Services with fixed private IPs (ILB-*); `aks-net manifest service` prints the Service.", {
    subnetCidr: cidr("A dedicated subnet aks-net plans for the frontends (recommended; default: the node subnet).", "10.10.6.0/28"),
    subnetName: text("Its name (default aks-ilb), or an existing subnet of the VNet."),
    ips: list(text("IPv4 address", { examples: ["10.10.6.10"] }), "Fixed frontend IPs inside the ILB subnet."),
  } satisfies Props<InternalLoadBalancerSpec>),
  expose: list(
    object(
      "A port of the firewall's public IP published to an internal LB IP (DNAT; EXP-*).",
      {
        port: int("Port on the firewall's public IP.", { minimum: 1, maximum: 65535 }),
        protocol: oneOf(ENUMS.exposeProtocol, "TCP (default) or UDP."),
        targetIp: text("An internal LB IP of this spec.", { examples: ["10.10.6.10"] }),
        targetPort: int("The Service's port (default: port).", { minimum: 1, maximum: 65535 }),
      } satisfies Props<ExposeSpec>,
      ["port", "targetIp"],
    ),
    "Ports published through the firewall aks-net builds (needs firewall.enabled).",
  ),
  applicationGateway: object("The App Gateway ingress controller add-on (az aks create --enable-addons ingress-appgw; AGW-*).", {
    enabled: bool("Enable the ingressApplicationGateway add-on."),
    subnetCidr: cidr("Subnet for a new Application Gateway v2 (/24 recommended, /26 minimum).", "10.10.8.0/24"),
    subnetId: text("Your subnet for a new Application Gateway (ARM id)."),
    id: text("Your Application Gateway v2 (ARM id)."),
    name: text("Name of the Application Gateway AKS creates."),
  } satisfies Props<ApplicationGatewaySpec>),
  nsg: object("An NSG aks-net owns on the node subnet (NSG-*).", { enabled: bool("Create it, with the rules AKS needs.") } satisfies Props<NsgSpec>),
} satisfies Props<IngressSpec>);

/** The full schema, with enums, ranges and examples for editors. `live` and `imported` are left out: only --live and --from fill them, never a file. */
export function specSchema(): JsonSchema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    $id: SCHEMA_ID,
    title: "aks-net spec",
    description: "A planned AKS cluster network. Keys follow the AKS API (networkProfile, agentPoolProfiles). Every key is optional; omitted keys take AKS's defaults.",
    type: "object",
    additionalProperties: false,
    properties: {
      $schema: text("The schema this file follows (for editors)."),
      name: text("Cluster name (create)."),
      resourceGroup: text("Resource group (create, --live)."),
      location: text("Azure region, e.g. westeurope (create, --live)."),
      subscription: text("Subscription id (create, --live)."),
      kubernetesVersion: text("Kubernetes version (default: AKS's default)."),
      vnetSubnetId: text("Bring-your-own node subnet: its full ARM id."),
      podSubnetId: text("Bring-your-own Azure CNI pod subnet: its full ARM id (pools without a pod subnet of their own)."),
      assignIdentity: text("A user-assigned identity the cluster runs as (its ARM id): aks-net grants its roles and never deletes it."),
      assignKubeletIdentity: text("A user-assigned identity for the kubelet (its ARM id); needs assignIdentity, which aks-net grants Managed Identity Operator on it."),
      networkPlugin: oneOf(ENUMS.networkPlugin, "CNI plugin (default: azure with overlay)."),
      networkPluginMode: oneOf(ENUMS.networkPluginMode, "overlay = Azure CNI Overlay (pods get IPs from podCidr)."),
      networkPolicy: oneOf(ENUMS.networkPolicy, "Network policy engine (default none; cilium with the cilium dataplane)."),
      networkDataplane: oneOf(ENUMS.networkDataplane, "Dataplane (default azure)."),
      podCidr: cidr("Pod CIDR for kubenet and overlay (default 10.244.0.0/16).", "10.244.0.0/16"),
      serviceCidr: cidr("Kubernetes service CIDR (default 10.0.0.0/16); must not overlap any subnet.", "10.0.0.0/16"),
      dnsServiceIP: text("CoreDNS service IP inside serviceCidr (default 10.0.0.10).", { examples: ["10.0.0.10"] }),
      dockerBridgeCidr: cidr("Legacy docker bridge CIDR; ignored by AKS.", "172.17.0.1/16"),
      outboundType: oneOf(ENUMS.outboundType, "Egress path (default loadBalancer; userDefinedRouting with a firewall)."),
      loadBalancerSku: oneOf(ENUMS.loadBalancerSku, "Load balancer SKU (default standard)."),
      loadBalancerProfile: loadBalancerProfile(),
      natGatewayProfile: natGatewayProfile(),
      windowsProfile: object("The cluster's Windows profile (windowsProfile): needed when a pool is Windows; the password is never in the spec (create reads AKS_NET_WINDOWS_ADMIN_PASSWORD or writes a generated one to a 0600 file).", {
        adminUsername: text("Administrator of the Windows nodes (default azureuser); 1-20 characters, not ending in '.', not a reserved name (POOL-04). Azure cannot change it later.", { examples: ["winadmin"] }),
      } satisfies Props<WindowsProfileSpec>),
      apiServerAccessProfile: object("How the API server is reached (the AKS API's apiServerAccessProfile).", {
        enablePrivateCluster: bool("Private cluster: the API server gets a private IP in the VNet (--enable-private-cluster)."),
        privateDNSZone: text("Private cluster DNS: system (default), none, or your private DNS zone's resource id named privatelink.<region>.azmk8s.io or <subzone>.privatelink.<region>.azmk8s.io (API-04).", { examples: ["system", "none"] }),
        enablePrivateClusterPublicFQDN: bool("Private cluster: keep the public FQDN (default true; --disable-public-fqdn)."),
        authorizedIPRanges: list(cidr("Public IPv4 CIDR", "203.0.113.0/24"), "Public IPv4 ranges allowed to reach a public API server (at most 200); aks-net adds the egress IP of the firewall or NAT gateway it builds."),
        enableVnetIntegration: bool("API Server VNet Integration: the API server is projected into a delegated subnet of the VNet."),
        subnetId: text("VNet Integration: your delegated API server subnet's resource id (else vnet.apiServerSubnetCidr)."),
      } satisfies Props<ApiServerAccessProfileSpec>),
      tags: {
        type: "object",
        description: "Your tags, on every resource aks-net creates (resource group, VNet, public IPs, firewall, route table, NAT gateway, identity, cluster), kept on re-runs; aks-net's own tags (managed-by, aks-net-*) are reserved (TAG-*).",
        additionalProperties: text("Tag value, at most 256 characters."),
        examples: [{ env: "prod", costCenter: "1234" }],
      },
      ipFamilies: list(oneOf(ENUMS.ipFamilies, "IP family"), "[IPv4] or [IPv4, IPv6] (dual-stack)."),
      podCidrs: list(cidr("Pod CIDR", "10.244.0.0/16"), "Pod CIDRs, one per IP family (dual-stack)."),
      serviceCidrs: list(cidr("Service CIDR", "10.0.0.0/16"), "Service CIDRs, one per IP family (dual-stack)."),
      nodePools: list(nodePool(), "Node pools (agentPoolProfiles); the first is the system pool."),
      vnet: object("The VNet around the cluster.", {
        managed: bool("AKS-managed VNet: aks-net builds no VNet (managedNATGateway)."),
        name: text("VNet name."),
        resourceGroup: text("VNet resource group (default: the cluster's)."),
        addressSpaces: list(cidr("Address space", "10.10.0.0/16"), "The VNet's address spaces (default 10.224.0.0/12; dual-stack adds an IPv6 ULA /48 to a VNet aks-net builds)."),
        subnetName: text("Node subnet name."),
        subnetCidr: cidr("Node subnet prefix (default 10.224.0.0/16).", "10.10.0.0/22"),
        subnetIPv6Cidr: cidr("Dual-stack: the node subnet's IPv6 /64, inside the VNet's IPv6 address space (default: its first free /64).", "fd00:10:10::/64"),
        podSubnetName: text("Pod subnet name (Azure CNI pod subnet)."),
        podSubnetCidr: cidr("Pod subnet prefix (Azure CNI dynamic IP allocation).", "10.10.64.0/18"),
        dnsServers: list(text("DNS server IP", { examples: ["10.10.0.4"] }), "Custom DNS servers for the VNet (dhcpOptions.dnsServers); they must forward to Azure DNS 168.63.129.16. With aks-net's firewall, its DNS proxy forwards to them (Basic: UDP/TCP 53 to them is allowed, FW-04)."),
        apiServerSubnetName: text("API server subnet name (VNet Integration; default aks-apiserver)."),
        apiServerSubnetCidr: cidr("API server subnet aks-net plans for VNet Integration: delegated to AKS, at least /28, used by nothing else.", "10.10.32.0/28"),
        routeTableId: text("An existing route table (ARM id) aks-net associates with the subnets it plans; never changed or deleted."),
        natGatewayId: text("An existing NAT gateway (ARM id) aks-net associates with the node subnets it plans (userAssignedNATGateway); never changed or deleted."),
        natGatewaySku: oneOf(ENUMS.natGatewaySku, "SKU of the NAT gateway aks-net builds for userAssignedNATGateway: Standard (default; zonal or no zone) or StandardV2 (zone-redundant, with a StandardV2 public IP, and an IPv6 one for dual-stack)."),
        existingSubnets: list(subnet(), "The VNet's other subnets."),
      } satisfies Props<VnetSpec>),
      connectedCidrs: list(cidr("Connected range", "192.168.0.0/16"), "Peered VNets, VPN/ExpressRoute and on-premises ranges."),
      routes: list(route(), "Routes already on the node subnet's route table."),
      firewall: object("Azure Firewall that aks-net builds for egress (UDR).", {
        enabled: bool("Build the firewall and route egress through it."),
        subnetCidr: cidr("AzureFirewallSubnet prefix (at least /26).", "10.10.1.0/26"),
        sku: oneOf(ENUMS.firewallSku, "Firewall SKU (default Standard)."),
        managementSubnetCidr: cidr("AzureFirewallManagementSubnet (Basic SKU), at least /26.", "10.10.1.64/26"),
        allowList: list(text("FQDN or address"), "Allow-list entries you rely on (checked for stale entries)."),
        privateIp: text("An existing firewall or NVA (e.g. in a hub VNet) by its private IP: aks-net routes 0.0.0.0/0 to it (userDefinedRouting) and builds no firewall.", { examples: ["10.0.1.4"] }),
      } satisfies Props<FirewallSpec>),
      ingress: ingress(),
    } satisfies Props<Omit<ClusterSpec, "live" | "imported"> & { $schema: string }>,
  };
}

/** Keywords that constrain values rather than shape. */
const VALUE_KEYWORDS = new Set(["enum", "pattern", "minimum", "maximum", "examples", "description", "title", "$id"]);

/** The schema without value constraints (and without documentation): types, keys and nesting only. */
export function shapeSchema(schema: JsonSchema = specSchema()): JsonSchema {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== "object" || node === null) return node;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(node)) {
      if (VALUE_KEYWORDS.has(k)) continue;
      // `properties` maps key names to schemas: keep every name, even one called "description".
      out[k] = k === "properties" ? Object.fromEntries(Object.entries(v as JsonSchema).map(([p, s]) => [p, strip(s)])) : strip(v);
    }
    return out;
  };
  return strip(schema) as JsonSchema;
}
