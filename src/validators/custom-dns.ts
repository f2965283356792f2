/**
 * DNS-07 … DNS-09 and FW-04: the VNet's custom DNS servers (--dns-servers). Nodes resolve through them, so they must
 * answer Azure's names: forward to Azure DNS 168.63.129.16
 * (https://learn.microsoft.com/azure/virtual-network/virtual-networks-name-resolution-for-vms-and-role-instances);
 * behind a firewall, DNS to them must be allowed (https://learn.microsoft.com/azure/aks/outbound-rules-control-egress).
 */
import { containsIp, parseIp } from "../core/cidr.ts";
import type { ClusterSpec } from "../core/spec.ts";
import { describeValue } from "./syntax.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";
import { parseEntry } from "./firewall.ts";

/** Azure's recursive resolver, reachable from every VNet. */
export const AZURE_DNS = "168.63.129.16";

export function rules(): RuleInfo[] {
  return [
    { id: "DNS-07", severity: "error", summary: "Custom DNS servers are IPv4 addresses the nodes can reach: not in the service or pod CIDR, not link-local." },
    { id: "DNS-08", severity: "warning", summary: "Custom DNS servers must forward to Azure DNS 168.63.129.16, or the cluster cannot resolve Azure's names (API server, private zones)." },
    { id: "DNS-09", severity: "error", summary: "--dns-servers sets the DNS of the VNet aks-net builds: not with your own subnet or an AKS-managed VNet." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const list: unknown = ctx.spec.vnet.dnsServers;
  if (list === undefined || (Array.isArray(list) && list.length === 0)) return [];
  const field = "vnet.dnsServers";
  if (!Array.isArray(list)) return [finding("DNS-07", "error", field, `${field} must be a list, got ${describeValue(list)}`, "pass --dns-servers 10.10.0.4 10.10.0.5")];
  const s = ctx.spec;
  const out: Finding[] = [];
  if (s.vnetSubnetId !== undefined || s.vnet.managed === true) {
    out.push(finding("DNS-09", "error", [field, s.vnetSubnetId !== undefined ? "vnetSubnetId" : "vnet.managed"], `--dns-servers sets the DNS of the VNet aks-net builds, but ${s.vnetSubnetId !== undefined ? "the node subnet is yours (--vnet-subnet-id)" : "AKS manages this VNet"}: aks-net changes nothing of your VNet`, "set the DNS servers on your VNet (az network vnet update --dns-servers), and drop --dns-servers here"));
  }
  const cluster = [ctx.cidrs.get("serviceCidr"), ctx.cidrs.get("podCidr")].filter((c) => c !== undefined);
  const servers: string[] = [];
  list.forEach((v: unknown, i) => {
    const f = `${field}[${i}]`;
    const ip = typeof v === "string" ? parseIp(v.trim()) : undefined;
    if (ip === undefined || !ip.ok || ip.value.family !== 4) {
      out.push(finding("DNS-07", "error", f, `DNS server ${describeValue(v)} is not an IPv4 address${ip && !ip.ok ? ` (${ip.reason})` : ""}`, "give the DNS server's IPv4 address, e.g. 10.10.0.4"));
      return;
    }
    servers.push(ip.value.text);
    const inside = cluster.find((c) => c.family === 4 && containsIp(c, ip.value));
    if (inside !== undefined) {
      out.push(finding("DNS-07", "error", f, `DNS server ${ip.value.text} lies in ${inside.canonical}, one of the cluster's own ranges: nodes cannot reach a server there`, "use the server's address in the VNet or a connected network"));
    } else if (ip.value.text.startsWith("169.254.")) {
      out.push(finding("DNS-07", "error", f, `DNS server ${ip.value.text} is link-local: no VNet routes it`, `use ${AZURE_DNS} (Azure DNS) or your resolver's address`));
    }
  });
  const custom = servers.filter((x) => x !== AZURE_DNS);
  if (custom.length > 0) {
    const privateZone = s.apiServerAccessProfile?.enablePrivateCluster === true ? "; a private cluster's API server name lives in a private DNS zone only Azure DNS answers" : "";
    out.push(finding("DNS-08", "warning", field, `nodes resolve through ${custom.join(", ")}: unless they forward to Azure DNS ${AZURE_DNS}, nodes cannot resolve the API server, MCR or privatelink names and do not join${privateZone}`, `configure ${custom.join(", ")} to forward unknown names (at least azmk8s.io, privatelink zones) to ${AZURE_DNS}, or put ${AZURE_DNS} in the list`));
    out.push(...fw04(s, custom));
  }
  return out;
}

/** FW-04: DNS to the custom servers through the egress firewall. */
function fw04(s: ClusterSpec, servers: string[]): Finding[] {
  const field = "vnet.dnsServers";
  if (s.firewall.enabled) {
    const proxy = (s.firewall.sku ?? "Standard").toLowerCase() !== "basic";
    return [
      finding(
        "FW-04",
        "info",
        field,
        proxy
          ? `the VNet's DNS points at aks-net's firewall, whose DNS proxy forwards to ${servers.join(", ")}`
          : `Azure Firewall Basic has no DNS proxy: aks-net allows UDP and TCP 53 from the cluster's subnets to ${servers.join(", ")} (rules dns-udp, dns-tcp)`,
        "nothing to do",
      ),
    ];
  }
  if (s.outboundType !== "userDefinedRouting") return [];
  // Your own appliance: the allow-list says what it allows (an address, or * on port 53).
  const entries = (Array.isArray(s.firewall.allowList) ? s.firewall.allowList : []).map(parseEntry);
  const allowed = (ip: string): boolean => entries.some((e) => (e.host === ip || e.host === "*") && (e.port === 53 || e.port === undefined) && e.protocol !== "tcp" && e.protocol !== "udp") || (entries.some((e) => (e.host === ip || e.host === "*") && e.port === 53 && e.protocol === "udp") && entries.some((e) => (e.host === ip || e.host === "*") && e.port === 53 && e.protocol === "tcp"));
  const missing = servers.filter((ip) => !allowed(ip));
  if (missing.length === 0) return [];
  return [finding("FW-04", "warning", [field, "outboundType"], `egress goes through your appliance (userDefinedRouting): nodes need UDP and TCP 53 to ${missing.join(", ")}, unless a more specific route keeps that traffic off the appliance`, `allow UDP and TCP 53 from the node subnet to ${missing.join(", ")} on the appliance, and list '${missing[0]}:53' in firewall.allowList`)];
}
