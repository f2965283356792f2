/**
 * FW-01 … FW-14, FW-OLD-01 … 07, FWS-01 … 05: egress through a firewall.
 * With `--firewall` aks-net builds Azure Firewall with the required rules (core/egress.ts), so only its subnets are checked;
 * a user who relies on their own firewall lists its allow-list in `firewall.allowList`, checked for missing and stale entries.
 * Allow-list entries: `host[:port]`, optionally `tcp:`/`udp:` first; host is an FQDN (`*.` wildcards), `*`, an IP or CIDR,
 * a service tag (`AzureCloud.westeurope`) or the `AzureKubernetesService` FQDN tag.
 */
import { contains, containsIp, nthAddress, parseCidr, parseIp } from "../core/cidr.ts";
import type { Cidr } from "../core/cidr.ts";
// One list of required FQDNs: what create's firewall allows is what validate asks of a brought one.
import { GPU_FQDNS, NTP_FQDN, WINDOWS_FQDNS, regionName } from "../core/egress.ts";
import { createPlanner, vnetRanges } from "../core/planner.ts";
import type { ClusterSpec } from "../core/spec.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo, Severity } from "./finding.ts";
import { defaultRoutes } from "./outbound.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "FW-01", severity: "info", summary: "Allow-list: UDP 1194 to AzureCloud.<region> (tunnel; not needed with konnectivity or private clusters)." },
    { id: "FW-02", severity: "info", summary: "Allow-list: TCP 9000 to AzureCloud.<region> (tunnel; not needed with konnectivity or private clusters)." },
    { id: "FW-03", severity: "info", summary: "Allow-list: UDP 123 (NTP) to * or ntp.ubuntu.com (not required for nodes after March 2021)." },
    { id: "FW-04", severity: "warning", summary: "Custom DNS servers (--dns-servers) behind a firewall: UDP and TCP 53 to them allowed (aks-net's firewall proxies or allows it: info; your appliance: warning)." },
    { id: "FW-05", severity: "info", summary: "Allow-list: TCP 443 to the API server's public IP: informational, the IP exists only after create." },
    { id: "FW-06", severity: "warning", summary: "Allow-list: *.hcp.<location>.azmk8s.io:443 (nodes to API server, konnectivity)." },
    { id: "FW-07", severity: "warning", summary: "Allow-list: mcr.microsoft.com, *.data.mcr.microsoft.com, mcr-0001.mcr-msedge.net (images)." },
    { id: "FW-08", severity: "warning", summary: "Allow-list: management.azure.com, login.microsoftonline.com (ARM, Entra ID)." },
    { id: "FW-09", severity: "warning", summary: "Allow-list: packages.microsoft.com, acs-mirror.azureedge.net, packages.aks.azure.com (packages, CNI binaries)." },
    { id: "FW-10", severity: "info", summary: "Allow-list (optional): Ubuntu security, archive, changelogs (HTTP 80) and snapshot (443) for OS updates." },
    { id: "FW-11", severity: "warning", summary: "Allow-list for GPU pools: nvidia.github.io, us.download.nvidia.com, download.docker.com." },
    { id: "FW-12", severity: "warning", summary: "Allow-list for Windows pools: onegetcdn.azureedge.net, go.microsoft.com (443); *.mp.microsoft.com, www.msftconnecttest.com, ctldl.windowsupdate.com (80)." },
    { id: "FW-13", severity: "info", summary: "The AzureKubernetesService FQDN tag covers FW-06..09; FQDNs in network rules (ports other than 80/443) need DNS proxy." },
    { id: "FW-14", severity: "warning", summary: "Sovereign clouds (21Vianet, US Gov) need their own endpoints instead of the public ones." },
    { id: "FW-OLD-01", severity: "warning", summary: "Stale: *<region>.azmk8s.io or *.tun.<location>.azmk8s.io; use *.hcp.<location>.azmk8s.io:443." },
    { id: "FW-OLD-02", severity: "warning", summary: "Stale: TCP 22 to the control plane (tunnelfront, replaced by 9000/1194, now konnectivity)." },
    { id: "FW-OLD-03", severity: "warning", summary: "Stale: k8s.gcr.io, storage.googleapis.com; images come from mcr.microsoft.com." },
    { id: "FW-OLD-04", severity: "warning", summary: "Stale: the 2019 Docker Hub entries (*auth.docker.io, *registry-1.docker.io, *cloudflare.docker.io/com); current: docker.io, registry-1.docker.io, production.cloudflare.docker.com." },
    { id: "FW-OLD-05", severity: "warning", summary: "Stale: *.cdn.mscr.io; the MCR CDN is *.data.mcr.microsoft.com and mcr-0001.mcr-msedge.net." },
    { id: "FW-OLD-06", severity: "warning", summary: "Stale: aksrepos.azurecr.io, *.blob.core.windows.net are no longer in the required list." },
    { id: "FW-OLD-07", severity: "warning", summary: "Stale: TCP 123 / TCP 53; NTP is UDP 123, DNS UDP 53 (custom DNS only)." },
    { id: "FWS-01", severity: "error", summary: "The firewall subnet is named exactly AzureFirewallSubnet and is at least /26." },
    { id: "FWS-02", severity: "error", summary: "Basic SKU also needs AzureFirewallManagementSubnet, at least /26." },
    { id: "FWS-03", severity: "error", summary: "The firewall's public IP is Standard SKU, static: satisfied by construction (aks-net builds it so)." },
    { id: "FWS-04", severity: "error", summary: "The firewall subnets lie inside the VNet (their overlaps are OVL-01/05/08's, nodes in them OUT-05's)." },
    { id: "FWS-05", severity: "warning", summary: "A 0.0.0.0/0 VirtualAppliance route that misses the firewall's private IP (4th address of AzureFirewallSubnet)." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const entries = (Array.isArray(s.firewall.allowList) ? s.firewall.allowList : []).map(parseEntry);
  return [...(s.firewall.enabled ? firewallSubnets(ctx) : []), ...(!s.firewall.enabled && entries.length > 0 ? missing(s, entries) : []), ...stale(s, entries)];
}

/** One allow-list entry, lower-cased. */
export interface AllowEntry {
  index: number;
  text: string;
  host: string;
  port?: number;
  protocol?: string;
}

/** Reads `[tcp:|udp:]host[:port]` (also `https://host/path`, `host:port/tcp`). */
export function parseEntry(text: string, index: number): AllowEntry {
  let t = String(text).trim().toLowerCase();
  let protocol: string | undefined;
  const strip = (re: RegExp, protoGroup: number, restGroup: number): void => {
    const m = re.exec(t);
    if (!m) return;
    protocol = m[protoGroup];
    t = m[restGroup] ?? t;
  };
  strip(/^(https?):\/\/(.*)$/, 1, 2);
  strip(/^(tcp|udp|https?|any):(.+)$/, 1, 2);
  strip(/^(.+)\/(tcp|udp)$/, 2, 1);
  // `tcp:22` is a port on any address; a path after an FQDN is dropped; a `/n` after an address is its prefix length.
  if (protocol !== undefined && /^\d+$/.test(t)) t = `*:${t}`;
  if (!/^[0-9.]+\/\d+/.test(t)) t = t.replace(/\/.*$/, "");
  const withPort = /^(.*[^:]):(\d+)$/.exec(t);
  const entry: AllowEntry = { index, text: String(text), host: withPort?.[1] ?? t };
  if (withPort) entry.port = Number(withPort[2]);
  if (protocol !== undefined) entry.protocol = protocol;
  return entry;
}

/** True when an allow-list host admits `required` (an FQDN, maybe `*.` wildcarded, maybe with an unknown `<location>`). */
function covers(host: string, required: string): boolean {
  if (host === "*" || host === required) return true;
  if (required.includes("<location>")) {
    const escaped = required.split("<location>").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    if (new RegExp(`^${escaped.join("[a-z0-9-]+")}$`).test(host)) return true;
  }
  // `*.x` (or `*x`) admits every name ending in `.x` (`x`); Azure Firewall wildcards do not match the apex.
  return host.startsWith("*") && required.replace(/<location>/g, "location").endsWith(host.slice(1));
}

/** True for hosts that admit network (address) rules: `*`, an IP, a CIDR or an AzureCloud service tag. */
function isAddress(host: string, region: string | undefined): boolean {
  return host === "*" || host === "azurecloud" || (region !== undefined && host === `azurecloud.${region}`) || (region === undefined && host.startsWith("azurecloud.")) || parseIp(host).ok || parseCidr(host).ok;
}

type Cloud = "public" | "china" | "usgov";

function cloudOf(location: string | undefined): Cloud {
  const r = location ? regionName(location) : "";
  return r.startsWith("china") ? "china" : r.startsWith("usgov") || r.startsWith("usdod") ? "usgov" : "public";
}

/** A required egress rule: every host of `all`, or any address/host of `any`, on `port`. */
interface Requirement {
  id: string;
  severity: Severity;
  port: number;
  /** Network rules name their protocol; an entry for the other one does not count. */
  protocol?: "tcp" | "udp";
  all?: string[];
  any?: string[];
  /** Allowed by the AzureKubernetesService FQDN tag (FW-13). */
  tagged?: boolean;
  why: string;
}

/** What the cluster needs, by cloud and pools (section 12; FW-04/05 need data the spec has not). */
function requirements(s: ClusterSpec): Requirement[] {
  const region = s.location ? regionName(s.location) : "<location>";
  const cloud = cloudOf(s.location);
  const net = (id: string, protocol: "tcp" | "udp", port: number, why: string, hosts: string[] = []): Requirement => ({ id, severity: "info", port, protocol, any: hosts, why });
  const out: Requirement[] = [
    net("FW-01", "udp", 1194, "UDP 1194 node-to-control-plane tunnel (not needed with konnectivity or private clusters)"),
    net("FW-02", "tcp", 9000, "TCP 9000 node-to-control-plane tunnel (not needed with konnectivity or private clusters)"),
    net("FW-03", "udp", 123, "UDP 123 NTP (not required for nodes provisioned after March 2021)", [NTP_FQDN]),
  ];
  const mcr = { id: "FW-07", severity: "warning" as const, port: 443, all: ["mcr.microsoft.com", "*.data.mcr.microsoft.com", "mcr-0001.mcr-msedge.net"], tagged: true, why: "container images (MCR and its CDN)" };
  const packages = { id: "FW-09", severity: "warning" as const, port: 443, all: ["packages.microsoft.com", "acs-mirror.azureedge.net", "packages.aks.azure.com"], tagged: true, why: "packages and CNI binaries (packages.aks.azure.com replaces acs-mirror)" };
  if (cloud === "public") {
    out.push(
      { id: "FW-06", severity: "warning", port: 443, all: [`*.hcp.${region}.azmk8s.io`], tagged: true, why: "nodes to the API server (konnectivity)" },
      mcr,
      { id: "FW-08", severity: "warning", port: 443, all: ["management.azure.com", "login.microsoftonline.com"], tagged: true, why: "Azure Resource Manager and Entra ID" },
      packages,
    );
  } else if (cloud === "china") {
    out.push({ id: "FW-14", severity: "warning", port: 443, all: [`*.hcp.${region}.cx.prod.service.azk8s.cn`, `*.tun.${region}.cx.prod.service.azk8s.cn`, "*.azk8s.cn", "mcr.azure.cn", "*.data.mcr.azure.cn", "management.chinacloudapi.cn", "login.chinacloudapi.cn"], why: "Azure operated by 21Vianet endpoints" });
  } else {
    out.push({ id: "FW-14", severity: "warning", port: 443, all: [`*.hcp.${region}.cx.aks.containerservice.azure.us`, "management.usgovcloudapi.net", "login.microsoftonline.us"], why: "Azure US Government endpoints" }, mcr, packages);
  }
  out.push({ id: "FW-10", severity: "info", port: 80, all: ["security.ubuntu.com", "azure.archive.ubuntu.com", "changelogs.ubuntu.com"], why: "optional Ubuntu OS updates" });
  if (s.nodePools.some((p) => typeof p.vmSize === "string" && /^standard_n/i.test(p.vmSize))) {
    out.push({ id: "FW-11", severity: "warning", port: 443, all: [...GPU_FQDNS], why: "GPU drivers for the N-series pools" });
  }
  if (s.nodePools.some((p) => p.osType === "Windows")) {
    out.push(
      { id: "FW-12", severity: "warning", port: 443, all: [...WINDOWS_FQDNS.https], why: "Windows node pools" },
      { id: "FW-12", severity: "warning", port: 80, all: [...WINDOWS_FQDNS.http], why: "Windows node pools" },
    );
  }
  return out;
}

/** FW-01 … FW-14: required entries missing from the user's own allow-list. */
function missing(s: ClusterSpec, entries: readonly AllowEntry[]): Finding[] {
  const region = s.location ? regionName(s.location) : undefined;
  const tag = entries.some((e) => e.host === "azurekubernetesservice");
  const out: Finding[] = [];
  const portOk = (e: AllowEntry, port: number, strict: boolean): boolean => (e.port === undefined ? !strict : e.port === port);
  for (const req of requirements(s)) {
    if (req.tagged && tag) continue;
    if (req.any) {
      const protocolOk = (e: AllowEntry): boolean => e.protocol === undefined || e.protocol === "any" || e.protocol === req.protocol;
      const ok = entries.some((e) => portOk(e, req.port, true) && protocolOk(e) && (isAddress(e.host, region) || req.any?.some((h) => covers(e.host, h))));
      if (!ok) {
        const target = req.id === "FW-03" ? "*" : region ? `AzureCloud.${region}` : "AzureCloud.<region>";
        out.push(finding(req.id, req.severity, "firewall.allowList", `the allow-list has no rule for ${req.why}`, `add '${req.protocol}:${target}:${req.port}' to the firewall and to firewall.allowList`));
      }
      continue;
    }
    // Ports on FQDN entries: none means an HTTP/HTTPS application rule.
    const absent = (req.all ?? []).filter((h) => !entries.some((e) => portOk(e, req.port, false) && covers(e.host, h)));
    if (absent.length === 0) continue;
    const viaTag = req.tagged ? ", or the AzureKubernetesService FQDN tag on Azure Firewall (FW-13)" : "";
    out.push(finding(req.id, req.severity, "firewall.allowList", `the allow-list misses ${absent.join(", ")} (port ${req.port}) for ${req.why}`, `allow ${absent.map((h) => `${h}:${req.port}`).join(", ")}${viaTag}`));
  }
  const networkFqdns = entries.filter((e) => e.port !== undefined && e.port !== 80 && e.port !== 443 && /[a-z]/.test(e.host) && !isAddress(e.host, region) && e.host !== "azurekubernetesservice");
  if (networkFqdns.length > 0) {
    out.push(finding("FW-13", "info", "firewall.allowList", `${networkFqdns.map((e) => e.text).join(", ")}: FQDNs on ports other than 80/443 are network rules, which Azure Firewall resolves only with DNS proxy enabled`, "enable DNS proxy on the firewall (and point the VNet's DNS at it), or use service tags / IP ranges for these rules"));
  }
  return out;
}

/** Docker Hub as the current limit-egress-traffic.md lists it (network rule, TCP 443). */
const DOCKER_HUB_CURRENT = ["docker.io", "registry-1.docker.io", "production.cloudflare.docker.com"];

/** Stale entries (FW-OLD-01 … 07), each with its replacement. */
const STALE: { id: string; test: (e: AllowEntry, cloud: Cloud) => boolean; instead: string }[] = [
  { id: "FW-OLD-01", test: (e) => e.host.endsWith("azmk8s.io") && e.host !== "*.azmk8s.io" && !/^\*\.hcp\.[a-z0-9-]+\.azmk8s\.io$/.test(e.host) && !e.host.includes("privatelink"), instead: "*.hcp.<location>.azmk8s.io:443 (plus UDP 1194 / TCP 9000 network rules where still needed)" },
  { id: "FW-OLD-02", test: (e, cloud) => e.port === 22 && cloud !== "china", instead: "nothing: TCP 22 to the control plane is gone from the public-cloud list (tunnel is konnectivity over 443)" },
  { id: "FW-OLD-03", test: (e) => e.host === "k8s.gcr.io" || e.host === "storage.googleapis.com", instead: "mcr.microsoft.com" },
  {
    id: "FW-OLD-04",
    // The 2019 list's Docker Hub entries; the current guide lists docker.io, registry-1.docker.io and
    // production.cloudflare.docker.com (TCP 443) for pulling from Docker Hub, which stay current.
    test: (e) => !DOCKER_HUB_CURRENT.includes(e.host) && /(auth|registry-1)\.docker\.io$|cloudflare\.docker\.(io|com)$/.test(e.host),
    instead: `${DOCKER_HUB_CURRENT.join(", ")} on TCP 443, only if workloads pull from Docker Hub (limit-egress-traffic.md); download.docker.com for GPU pools`,
  },
  { id: "FW-OLD-05", test: (e) => e.host.endsWith("cdn.mscr.io"), instead: "*.data.mcr.microsoft.com and mcr-0001.mcr-msedge.net" },
  { id: "FW-OLD-06", test: (e) => e.host === "aksrepos.azurecr.io" || e.host === "*.blob.core.windows.net", instead: "nothing: no longer in the required list (allow storage only for what your workloads use)" },
  { id: "FW-OLD-07", test: (e) => e.protocol === "tcp" && (e.port === 123 || e.port === 53), instead: "UDP 123 for NTP; UDP 53 only to a custom DNS server" },
];

function stale(s: ClusterSpec, entries: readonly AllowEntry[]): Finding[] {
  const cloud = cloudOf(s.location);
  const out: Finding[] = [];
  for (const e of entries) {
    for (const rule of STALE) {
      if (!rule.test(e, cloud)) continue;
      out.push(finding(rule.id, "warning", `firewall.allowList[${e.index}]`, `allow-list entry '${e.text}' is from an outdated AKS egress list`, `replace it with ${rule.instead}`));
    }
  }
  return out;
}

/** The reserved firewall subnet names, exactly as Azure requires them. */
const FW_SUBNET = "AzureFirewallSubnet";
const FW_MGMT_SUBNET = "AzureFirewallManagementSubnet";

/** FWS-01, FWS-02, FWS-04, FWS-05 when aks-net builds the firewall. */
function firewallSubnets(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const out: Finding[] = [];
  const planner = createPlanner(ctx);
  // A free /26 of the VNet, as a fix; undefined when the VNet is full.
  const free26 = (replacing?: string): string | undefined => planner.subnet(26, replacing ? [replacing] : [])?.canonical;
  const sized = (field: string, name: string, rule: string, option: string): Cidr | undefined => {
    const c = ctx.cidrs.get(field);
    if (c && c.family === 4 && c.prefix > 26) {
      const free = free26(field);
      out.push(finding(rule, "error", field, `${name} ${c.text} is a /${c.prefix}; Azure Firewall needs at least a /26 (and never more)`, free ? `use ${option} ${free}, a free /26 of the VNet` : `use a /26 for ${name}`));
    }
    return c;
  };
  const existing = Array.isArray(s.vnet.existingSubnets) ? s.vnet.existingSubnets : [];
  // FWS-04: aks-net puts the firewall into the VNet it builds, so not with a subnet brought by id or an AKS-managed VNet
  // (with userDefinedRouting OUT-01 already reports the managed VNet).
  if (s.vnetSubnetId !== undefined || (s.vnet.managed === true && s.outboundType !== "userDefinedRouting")) {
    const field = s.vnetSubnetId !== undefined ? "vnetSubnetId" : "vnet.managed";
    out.push(finding("FWS-04", "error", ["firewall.enabled", field], `--firewall puts ${FW_SUBNET} into the VNet aks-net builds, which ${field === "vnetSubnetId" ? "--vnet-subnet-id" : "an AKS-managed VNet"} rules out`, "drop --vnet-subnet-id and give --vnet-cidr and --subnet-cidr, or route egress yourself (--route 0.0.0.0/0=VirtualAppliance@IP) and drop --firewall"));
    return out;
  }
  const fw = sized("firewall.subnetCidr", FW_SUBNET, "FWS-01", "--firewall-subnet-cidr");
  if (s.firewall.subnetCidr === undefined) {
    const free = free26();
    out.push(finding("FWS-01", "error", "firewall.subnetCidr", `--firewall needs a /26 for ${FW_SUBNET}: no firewall.subnetCidr given`, free ? `add --firewall-subnet-cidr ${free}, a free /26 of the VNet` : "the VNet has no free /26: add an address space with --vnet-cidr and a --firewall-subnet-cidr in it"));
  }
  existing.forEach((e, i) => {
    const exact = [FW_SUBNET, FW_MGMT_SUBNET].find((n) => n.toLowerCase() === String(e.name).toLowerCase());
    if (exact && e.name !== exact) {
      out.push(finding("FWS-01", "error", `vnet.existingSubnets[${i}].name`, `subnet '${e.name}' must be named exactly '${exact}' (case-sensitive) for Azure Firewall`, `rename it to ${exact}`));
    }
  });
  if (s.firewall.sku === "Basic") {
    if (s.firewall.managementSubnetCidr === undefined) {
      const free = free26();
      out.push(finding("FWS-02", "error", ["firewall.sku", "firewall.managementSubnetCidr"], `Azure Firewall Basic needs ${FW_MGMT_SUBNET} (at least /26, with its own public IP); no firewall.managementSubnetCidr given`, free ? `add --firewall-management-subnet-cidr ${free} (a free /26), or use --firewall-sku Standard` : "add --firewall-management-subnet-cidr with a free /26, or use --firewall-sku Standard"));
    } else {
      sized("firewall.managementSubnetCidr", FW_MGMT_SUBNET, "FWS-02", "--firewall-management-subnet-cidr");
    }
  }
  // FWS-04: overlaps with other subnets and cluster ranges are reported by OVL-01/05/08, which include these subnets.
  const spaces = vnetRanges(ctx).map((r) => r.cidr);
  for (const field of ["firewall.subnetCidr", "firewall.managementSubnetCidr"]) {
    const c = ctx.cidrs.get(field);
    if (!c || spaces.length === 0 || spaces.some((v) => contains(v, c))) continue;
    const free = planner.subnet(Math.max(c.prefix, 26));
    out.push(finding("FWS-04", "error", [field, "vnet.addressSpaces"], `${field} ${c.text} lies outside the VNet's address spaces (${spaces.map((v) => v.text).join(", ")})`, free ? `use ${free.canonical}, free inside the VNet` : "add an address space that contains it with --vnet-cidr"));
  }
  if (fw) {
    // FWS-05: the firewall's private IP is the first usable address, the subnet's 4th (x.x.x.4 in a /26 at .0).
    const privateIp = nthAddress(fw, 4);
    // aks-net's own 0.0.0.0/0 replaces a user default route: one that meant another next hop is a warning.
    for (const r of defaultRoutes(ctx)) {
      const ip = ctx.ips.get(`routes[${r.index}].nextHopIp`);
      if (r.nextHopType === "VirtualAppliance" && ip && containsIp(fw, ip)) continue;
      const hop = `${r.nextHopType}${r.nextHopIp ? ` ${r.nextHopIp}` : ""}`;
      out.push(finding("FWS-05", "warning", [`routes[${r.index}].nextHopIp`, "firewall.subnetCidr"], `route 0.0.0.0/0 → ${hop} misses the firewall aks-net builds, whose private IP will be ${privateIp} (first usable address of ${FW_SUBNET} ${fw.canonical}); aks-net replaces this route`, `drop --route 0.0.0.0/0=${r.nextHopType}${r.nextHopIp ? `@${r.nextHopIp}` : ""} (aks-net adds 0.0.0.0/0 → ${privateIp}), or drop --firewall to keep your appliance`));
    }
  }
  return out;
}
