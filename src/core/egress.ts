/**
 * The AKS egress rule pack for Azure Firewall, from Microsoft Learn `outbound-rules-control-egress.md` (the required
 * lists) and `limit-egress-traffic.md` (how Azure Firewall carries them), in the two shapes Azure Firewall takes:
 * classic rule collections in the firewall's own body (Standard), and a firewall policy's rule collections (Basic and
 * Premium, which take no classic rules). Each rule names its research id.
 *
 * Network rules are evaluated before application rules, so no network rule opens TCP 443 (or 80) to a whole service
 * tag: that would let all HTTPS to the region past the FQDN filtering. HTTP/HTTPS goes through application rules (the
 * `AzureKubernetesService` FQDN tag). Pods that call the API server by IP need a rule to its IP after create (or the
 * `kubernetes.azure.com/set-kube-service-host-fqdn` annotation), as the doc says; aks-net cannot know that IP before.
 */
import { NAMES } from "./names.ts";

/** `westeurope` from `westeurope` or `West Europe`: the form service tags use. */
export function regionName(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}

/** The regional Azure service tag, e.g. `AzureCloud.westeurope`. */
export function azureCloudTag(location: string): string {
  return `AzureCloud.${regionName(location)}`;
}

export interface EgressRules {
  applicationRuleCollections: unknown[];
  networkRuleCollections: unknown[];
}

/** What the rule pack depends on besides the region. */
export interface EgressOptions {
  /** The node and pod subnets: the rules allow traffic from these only. */
  sources: readonly string[];
  /**
   * The firewall runs a DNS proxy (Standard, Premium; Basic has none): NTP then goes to `ntp.ubuntu.com` by FQDN,
   * as limit-egress-traffic.md does, instead of UDP 123 to anywhere.
   */
  dnsProxy: boolean;
  /** Windows pools need their own FQDNs (outbound-rules-control-egress.md, Windows Server node pools). */
  windows?: boolean;
  /** GPU (N-series) pools need the NVIDIA driver FQDNs. */
  gpu?: boolean;
  /**
   * The VNet's custom DNS servers (FW-04). With the DNS proxy the firewall forwards to them itself; without it the
   * nodes ask them directly, so UDP and TCP 53 to them are allowed.
   */
  dnsServers?: readonly string[];
}

/** Priorities leave room below for a user's own collections. */
export const EGRESS_PRIORITY = 200;

/** FW-03: the NTP server the doc names for Azure Firewall network rules. */
export const NTP_FQDN = "ntp.ubuntu.com";

/** FW-12: Windows Server node pools (outbound-rules-control-egress.md). */
export const WINDOWS_FQDNS = {
  https: ["onegetcdn.azureedge.net", "go.microsoft.com"],
  http: ["*.mp.microsoft.com", "www.msftconnecttest.com", "ctldl.windowsupdate.com"],
} as const;

/** FW-11: GPU pools (outbound-rules-control-egress.md). */
export const GPU_FQDNS = ["nvidia.github.io", "us.download.nvidia.com", "download.docker.com"] as const;

interface NetworkRule {
  name: string;
  description: string;
  protocol: "UDP" | "TCP";
  port: number;
  /** A service tag, `*` or an address ... */
  address?: string;
  /** ... or several addresses ... */
  addresses?: string[];
  /** ... or an FQDN, which Azure Firewall resolves only with its DNS proxy on. */
  fqdn?: string;
}

interface AppRule {
  name: string;
  description: string;
  protocols: { protocolType: "Http" | "Https"; port: number }[];
  fqdnTags?: string[];
  targetFqdns?: string[];
}

const HTTP = { protocolType: "Http", port: 80 } as const;
const HTTPS = { protocolType: "Https", port: 443 } as const;

/** FW-01, FW-02 to the regional tag (their ports are not HTTP/S); FW-03 NTP by FQDN when the DNS proxy resolves it. */
function networkRules(location: string, o: EgressOptions): NetworkRule[] {
  const regional = azureCloudTag(location);
  const ntp: NetworkRule = { name: "ntp", description: "FW-03: time sync", protocol: "UDP", port: 123 };
  return [
    { name: "aks-tunnel-udp", description: "FW-01: node to control plane tunnel", protocol: "UDP", port: 1194, address: regional },
    { name: "aks-tunnel-tcp", description: "FW-02: node to control plane tunnel", protocol: "TCP", port: 9000, address: regional },
    o.dnsProxy ? { ...ntp, fqdn: NTP_FQDN } : { ...ntp, address: "*" },
    ...(o.dnsProxy ? [] : customDns(o.dnsServers ?? [])),
  ];
}

/** FW-04: UDP and TCP 53 to each custom DNS server the nodes ask directly (one rule per protocol). */
function customDns(servers: readonly string[]): NetworkRule[] {
  if (servers.length === 0) return [];
  const rule = (protocol: "UDP" | "TCP"): NetworkRule => ({ name: `dns-${protocol.toLowerCase()}`, description: "FW-04: the VNet's custom DNS servers", protocol, port: 53, addresses: [...servers] });
  return [rule("UDP"), rule("TCP")];
}

/** FW-13: the AzureKubernetesService FQDN tag covers the required FQDN list (FW-06..FW-09); Windows and GPU pools add theirs. */
function appRules(o: EgressOptions): AppRule[] {
  const rules: AppRule[] = [
    { name: "aks-fqdn-tag", description: "FW-13: AKS required FQDNs (MCR, ARM, Entra ID, packages, API server)", protocols: [HTTP, HTTPS], fqdnTags: ["AzureKubernetesService"] },
  ];
  if (o.windows) {
    rules.push(
      { name: "aks-windows-https", description: "FW-12: Windows node pools", protocols: [HTTPS], targetFqdns: [...WINDOWS_FQDNS.https] },
      { name: "aks-windows-http", description: "FW-12: Windows node pools", protocols: [HTTP], targetFqdns: [...WINDOWS_FQDNS.http] },
    );
  }
  if (o.gpu) rules.push({ name: "aks-gpu", description: "FW-11: GPU drivers", protocols: [HTTPS], targetFqdns: [...GPU_FQDNS] });
  return rules;
}

/** True when some network rule names an FQDN: the firewall then needs its DNS proxy, and the VNet's DNS must point at it. */
export function usesFqdnNetworkRules(location: string, o: EgressOptions): boolean {
  return networkRules(location, o).some((r) => r.fqdn !== undefined);
}

/** A rule's destination, in the key both rule shapes use. */
function destination(r: NetworkRule): Record<string, string[]> {
  return r.fqdn !== undefined ? { destinationFqdns: [r.fqdn] } : { destinationAddresses: r.addresses !== undefined ? [...r.addresses] : [r.address ?? "*"] };
}

function appRuleBody(r: AppRule, sources: readonly string[]): Record<string, unknown> {
  const body: Record<string, unknown> = { name: r.name, description: r.description, protocols: r.protocols.map((p) => ({ ...p })) };
  if (r.fqdnTags) body["fqdnTags"] = [...r.fqdnTags];
  if (r.targetFqdns) body["targetFqdns"] = [...r.targetFqdns];
  body["sourceAddresses"] = [...sources];
  return body;
}

/** Classic rule collections (Standard SKU). */
export function aksEgressRules(location: string, o: EgressOptions): EgressRules {
  const allow = (name: string, rules: unknown[]) => ({ name, properties: { priority: EGRESS_PRIORITY, action: { type: "Allow" }, rules } });
  return {
    applicationRuleCollections: [allow(NAMES.egressFqdnCollection, appRules(o).map((r) => appRuleBody(r, o.sources)))],
    networkRuleCollections: [
      allow(
        NAMES.egressNetworkCollection,
        networkRules(location, o).map((r) => ({
          name: r.name,
          description: r.description,
          protocols: [r.protocol],
          sourceAddresses: [...o.sources],
          ...destination(r),
          destinationPorts: [String(r.port)],
        })),
      ),
    ],
  };
}

/** The same rules as a firewall policy rule collection group's `ruleCollections` (Basic and Premium SKUs). */
export function aksEgressPolicyCollections(location: string, o: EgressOptions): unknown[] {
  const allow = (name: string, priority: number, rules: unknown[]) => ({
    ruleCollectionType: "FirewallPolicyFilterRuleCollection",
    name,
    priority,
    action: { type: "Allow" },
    rules,
  });
  return [
    // Within a group, lower priority numbers are processed first: network rules before application rules, as classic.
    allow(
      NAMES.egressNetworkCollection,
      EGRESS_PRIORITY,
      networkRules(location, o).map((r) => ({
        ruleType: "NetworkRule",
        name: r.name,
        description: r.description,
        ipProtocols: [r.protocol],
        sourceAddresses: [...o.sources],
        ...destination(r),
        destinationPorts: [String(r.port)],
      })),
    ),
    allow(NAMES.egressFqdnCollection, EGRESS_PRIORITY + 100, appRules(o).map((r) => ({ ruleType: "ApplicationRule", ...appRuleBody(r, o.sources) }))),
  ];
}

/** N-series VM sizes carry GPUs (FW-11). */
export function isGpuVmSize(vmSize: string | undefined): boolean {
  return typeof vmSize === "string" && /^standard_n/i.test(vmSize);
}
