/**
 * Exposing services (issue 12): an internal load balancer with fixed IPs, ports published through aks-net's firewall
 * (DNAT), the App Gateway ingress add-on and an NSG on the node subnet. Pure: names, parsing, the Kubernetes Service
 * manifest and the rule bodies; plan.ts places them, validators/ingress.ts checks them.
 *
 * Annotations from cloud-provider-azure (kubernetes-sigs.github.io/cloud-provider-azure/topics/loadbalancer) and AKS's
 * internal-lb.md: `azure-load-balancer-internal: "true"`, `azure-load-balancer-internal-subnet: <subnet name>` (same VNet
 * as the nodes) and `azure-load-balancer-ipv4: <ip>`, which replaces `spec.loadBalancerIP` (deprecated in Kubernetes
 * 1.24; cloud-provider-azure PR 2470).
 */
import { containsIp, formatIp, parseCidr, parseIp } from "./cidr.ts";
import type { Cidr } from "./cidr.ts";
import { UsageError } from "./errors.ts";
import { NAMES } from "./names.ts";
import type { ClusterSpec, ExposeSpec, LiveNsgRule } from "./spec.ts";

export const ILB_ANNOTATIONS = {
  internal: "service.beta.kubernetes.io/azure-load-balancer-internal",
  subnet: "service.beta.kubernetes.io/azure-load-balancer-internal-subnet",
  ipv4: "service.beta.kubernetes.io/azure-load-balancer-ipv4",
} as const;

/** Classic NAT rule collections have their own priority space; network collections share theirs with the egress pack (200). */
export const DNAT_PRIORITY = 100;
export const EXPOSE_NETWORK_PRIORITY = 210;
/** The policy's rule collection group for exposed ports, processed before the egress group (200). */
export const EXPOSE_GROUP_PRIORITY = 150;

// ---------------------------------------------------------------------------------------------------------------
// --expose

/** `PORT[/tcp|udp]=IP:PORT` → an ExposeSpec; the IP and ports are checked by the EXP rules, only the shape here. */
export function parseExpose(text: string): ExposeSpec {
  const m = /^\s*(\d{1,5})(?:\/(tcp|udp))?=([^:=\s]+):(\d{1,5})\s*$/i.exec(text);
  if (!m) {
    throw new UsageError(`--expose takes PORT[/tcp|udp]=ILB_IP:PORT, got '${text}'`, "example: --expose 443/tcp=10.42.6.10:443");
  }
  return { port: Number(m[1]), protocol: (m[2] ?? "tcp").toUpperCase(), targetIp: m[3] as string, targetPort: Number(m[4]) };
}

/** The inverse of parseExpose (the wizard's equivalent command). */
export function formatExpose(e: Partial<ExposeSpec>): string {
  return `${String(e.port)}/${String(e.protocol ?? "TCP").toLowerCase()}=${String(e.targetIp)}:${String(e.targetPort ?? e.port)}`;
}

/** The exposed ports as typed (a non-array from a hand-written file counts as none; SYN reports it). */
export function exposeEntries(spec: ClusterSpec): ExposeSpec[] {
  const list = spec.ingress?.expose;
  return Array.isArray(list) ? list.filter((e): e is ExposeSpec => typeof e === "object" && e !== null) : [];
}

export function exposeProtocol(e: ExposeSpec): "TCP" | "UDP" {
  return String(e.protocol ?? "TCP").toUpperCase() === "UDP" ? "UDP" : "TCP";
}

export function exposeTargetPort(e: ExposeSpec): number {
  return e.targetPort ?? e.port;
}

// ---------------------------------------------------------------------------------------------------------------
// the internal load balancer

/** Where the internal LB's frontends live: a dedicated subnet aks-net plans, or the node subnet. */
export interface IlbSubnet {
  name: string;
  /** Parsed prefix, when known. */
  cidr?: Cidr;
  /** The field that holds the prefix. */
  field: string;
  dedicated: boolean;
}

/** The ILB's fixed IPs as typed. */
export function ilbIps(spec: ClusterSpec): string[] {
  const ips = spec.ingress?.internalLoadBalancer?.ips;
  return Array.isArray(ips) ? ips.filter((ip): ip is string => typeof ip === "string") : [];
}

/** True when the spec asks for an internal load balancer. */
export function wantsIlb(spec: ClusterSpec): boolean {
  const ilb = spec.ingress?.internalLoadBalancer;
  return ilb !== undefined && (ilbIps(spec).length > 0 || ilb.subnetCidr !== undefined || ilb.subnetName !== undefined);
}

/** The ILB's subnet: the dedicated one when it has a prefix, an existing subnet by name, else the node subnet. */
export function ilbSubnet(spec: ClusterSpec): IlbSubnet {
  const ilb = spec.ingress?.internalLoadBalancer ?? {};
  const parse = (t: string | undefined): Cidr | undefined => {
    if (typeof t !== "string") return undefined;
    const p = parseCidr(t);
    return p.ok ? p.value : undefined;
  };
  const nodeName = spec.vnet.subnetName ?? NAMES.nodeSubnet;
  if (ilb.subnetCidr !== undefined) {
    return { name: ilb.subnetName ?? NAMES.ilbSubnet, cidr: parse(ilb.subnetCidr), field: "ingress.internalLoadBalancer.subnetCidr", dedicated: true };
  }
  if (ilb.subnetName !== undefined && ilb.subnetName !== nodeName) {
    const list = Array.isArray(spec.vnet.existingSubnets) ? spec.vnet.existingSubnets : [];
    const i = list.findIndex((s) => s?.name === ilb.subnetName);
    const c = i >= 0 ? parse(list[i]?.cidr) : undefined;
    return { name: ilb.subnetName, ...(c ? { cidr: c } : {}), field: i >= 0 ? `vnet.existingSubnets[${i}].cidr` : "ingress.internalLoadBalancer.subnetName", dedicated: true };
  }
  const c = parse(spec.vnet.subnetCidr);
  return { name: nodeName, ...(c ? { cidr: c } : {}), field: "vnet.subnetCidr", dedicated: false };
}

/** True when the address is one of the 5 Azure keeps in every subnet (network, .1-.3 gateway and DNS, broadcast). */
export function azureReservedAddress(c: Cidr, value: bigint): boolean {
  return value - c.start <= 3n || value === c.end;
}

/** Which internal LB IP an exposed port targets (its index in ilbIps), or -1. */
export function targetIndex(spec: ClusterSpec, e: ExposeSpec): number {
  const t = parseIp(String(e.targetIp));
  if (!t.ok) return -1;
  return ilbIps(spec).findIndex((ip) => {
    const p = parseIp(ip);
    return p.ok && p.value.value === t.value.value && p.value.family === t.value.family;
  });
}

/** True when the IP lies in the ILB subnet (the rules report it otherwise). */
export function inIlbSubnet(spec: ClusterSpec, ip: string): boolean {
  const s = ilbSubnet(spec);
  const p = parseIp(ip);
  return s.cidr !== undefined && p.ok && containsIp(s.cidr, p.value);
}

// ---------------------------------------------------------------------------------------------------------------
// the Kubernetes side: one Service per fixed IP

export interface ManifestOptions {
  /** Service name (default `internal-app`, numbered when there are several IPs). */
  name?: string;
  namespace?: string;
  /** Pod label selector `app: <selector>` (default: the service name). */
  selector?: string;
}

const quote = (s: string): string => JSON.stringify(s);

/**
 * The Service manifests (YAML, one document per fixed IP): type LoadBalancer, internal, in the ILB subnet, on its fixed
 * IP, with the ports exposed to that IP (TCP 80 as a placeholder when none is).
 */
export function serviceManifest(spec: ClusterSpec, o: ManifestOptions = {}): string {
  const ips = ilbIps(spec);
  const subnet = ilbSubnet(spec);
  const base = o.name ?? "internal-app";
  const docs = ips.map((ip, i) => {
    const name = ips.length === 1 ? base : `${base}-${i + 1}`;
    const ports = exposeEntries(spec).filter((e) => targetIndex(spec, e) === i);
    const lines = [
      "apiVersion: v1",
      "kind: Service",
      "metadata:",
      `  name: ${name}`,
      `  namespace: ${o.namespace ?? "default"}`,
      "  annotations:",
      `    ${ILB_ANNOTATIONS.internal}: "true"`,
      // The node subnet is the default: the annotation names only a dedicated subnet.
      ...(subnet.dedicated ? [`    ${ILB_ANNOTATIONS.subnet}: ${quote(subnet.name)}`] : []),
      `    ${ILB_ANNOTATIONS.ipv4}: ${quote(ip)}`,
      "spec:",
      "  type: LoadBalancer",
      "  selector:",
      `    app: ${o.selector ?? name}`,
      "  ports:",
    ];
    if (ports.length === 0) {
      lines.push("    # no --expose targets this IP: set the ports your pods serve", "    - name: http", "      protocol: TCP", "      port: 80", "      targetPort: 80");
    }
    for (const e of ports) {
      const proto = exposeProtocol(e);
      const port = exposeTargetPort(e);
      lines.push(`    - name: ${proto.toLowerCase()}-${port}`, `      protocol: ${proto}`, `      port: ${port}`, `      targetPort: ${port}`);
    }
    return lines.join("\n");
  });
  return docs.length === 0 ? "" : `${docs.join("\n---\n")}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// firewall bodies

/**
 * Classic rule collections (Standard SKU, in the firewall's body): a Dnat collection from the firewall's public IP to
 * the internal LB IPs, and an explicit network rule allowing the translated traffic. Azure Firewall adds that network
 * rule implicitly for a DNAT match (rule-processing.md, "Inbound connectivity"); aks-net writes it so the path is
 * visible in the firewall and a later deny collection of the user's is seen for what it overrides.
 */
export function classicExposeCollections(entries: readonly ExposeSpec[], publicIp: string): { natRuleCollections: unknown[]; networkRuleCollections: unknown[] } {
  return {
    natRuleCollections: [
      {
        name: NAMES.dnatCollection,
        properties: {
          priority: DNAT_PRIORITY,
          action: { type: "Dnat" },
          rules: entries.map((e) => ({
            name: exposeRuleName(e),
            protocols: [exposeProtocol(e)],
            sourceAddresses: ["*"],
            destinationAddresses: [publicIp],
            destinationPorts: [String(e.port)],
            translatedAddress: e.targetIp,
            translatedPort: String(exposeTargetPort(e)),
          })),
        },
      },
    ],
    networkRuleCollections: [
      {
        name: NAMES.exposeNetworkCollection,
        properties: {
          priority: EXPOSE_NETWORK_PRIORITY,
          action: { type: "Allow" },
          rules: entries.map((e) => ({
            name: exposeRuleName(e),
            protocols: [exposeProtocol(e)],
            sourceAddresses: ["*"],
            destinationAddresses: [e.targetIp],
            destinationPorts: [String(exposeTargetPort(e))],
          })),
        },
      },
    ],
  };
}

/** The same as a firewall policy rule collection group's `ruleCollections` (Basic, Premium). */
export function policyExposeCollections(entries: readonly ExposeSpec[], publicIp: string): unknown[] {
  return [
    {
      ruleCollectionType: "FirewallPolicyNatRuleCollection",
      name: NAMES.dnatCollection,
      priority: DNAT_PRIORITY,
      action: { type: "DNAT" },
      rules: entries.map((e) => ({
        ruleType: "NatRule",
        name: exposeRuleName(e),
        ipProtocols: [exposeProtocol(e)],
        sourceAddresses: ["*"],
        destinationAddresses: [publicIp],
        destinationPorts: [String(e.port)],
        translatedAddress: e.targetIp,
        translatedPort: String(exposeTargetPort(e)),
      })),
    },
    {
      ruleCollectionType: "FirewallPolicyFilterRuleCollection",
      name: NAMES.exposeNetworkCollection,
      priority: DNAT_PRIORITY + 10,
      action: { type: "Allow" },
      rules: entries.map((e) => ({
        ruleType: "NetworkRule",
        name: exposeRuleName(e),
        ipProtocols: [exposeProtocol(e)],
        sourceAddresses: ["*"],
        destinationAddresses: [e.targetIp],
        destinationPorts: [String(exposeTargetPort(e))],
      })),
    },
  ];
}

/** `tcp-443-to-10-42-6-10-443`: unique per (protocol, port) since the EXP rules refuse a port exposed twice. */
export function exposeRuleName(e: ExposeSpec): string {
  return `${exposeProtocol(e).toLowerCase()}-${e.port}-to-${String(e.targetIp).replace(/[.:]/g, "-")}-${exposeTargetPort(e)}`;
}

// ---------------------------------------------------------------------------------------------------------------
// NSG on the node subnet

/** One inbound allow rule aks-net's NSG carries, and why AKS needs it. */
export interface NsgRule {
  name: string;
  priority: number;
  protocol: "Tcp" | "Udp" | "*";
  source: string;
  destination: string;
  destinationPorts: string;
  why: string;
}

/**
 * The inbound allows that keep AKS working behind an NSG on the node subnet (NSG-02): Azure's default rules allow
 * VirtualNetwork and AzureLoadBalancer already; these make them explicit where a brought NSG's deny would break AKS,
 * and add what the default rules do not cover: the pod CIDR (overlay, kubenet: pod sources are outside the VNet) and
 * the exposed ports from the firewall subnet.
 */
export function requiredNsgRules(spec: ClusterSpec, podCidrs: readonly string[]): NsgRule[] {
  const node = spec.vnet.subnetCidr ?? "VirtualNetwork";
  const rules: NsgRule[] = [
    { name: "aks-node-to-node", priority: 100, protocol: "*", source: node, destination: node, destinationPorts: "*", why: "node to node (kubelet, CNI, pod traffic between nodes)" },
    { name: "aks-lb-probes", priority: 110, protocol: "*", source: "AzureLoadBalancer", destination: "*", destinationPorts: "*", why: "load balancer health probes" },
  ];
  podCidrs.forEach((c, i) => rules.push({ name: `aks-pods-${i}`, priority: 120 + i, protocol: "*", source: c, destination: "*", destinationPorts: "*", why: `pod CIDR ${c} (pods reach other nodes' pods and services with these sources)` }));
  const fw = spec.firewall.enabled ? spec.firewall.subnetCidr : undefined;
  exposeEntries(spec).forEach((e, i) =>
    rules.push({
      name: `aks-expose-${i}`,
      priority: 200 + i,
      protocol: exposeProtocol(e) === "UDP" ? "Udp" : "Tcp",
      source: fw ?? "VirtualNetwork",
      destination: String(e.targetIp),
      destinationPorts: String(exposeTargetPort(e)),
      why: `port ${e.port} exposed through the firewall to ${String(e.targetIp)}:${exposeTargetPort(e)} (DNAT, source is the firewall)`,
    }),
  );
  return rules;
}

/** The NSG's `securityRules` as ARM takes them. */
export function nsgSecurityRules(rules: readonly NsgRule[]): unknown[] {
  return rules.map((r) => ({
    name: r.name,
    properties: {
      priority: r.priority,
      direction: "Inbound",
      access: "Allow",
      protocol: r.protocol,
      sourceAddressPrefix: r.source,
      sourcePortRange: "*",
      destinationAddressPrefix: r.destination,
      destinationPortRange: r.destinationPorts,
      description: r.why.slice(0, 140),
    },
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// a brought NSG: does it let AKS work? (LIVE-NSG-01)

/** One end of a flow: an address range, or a service tag Azure gives the traffic; `inVnet` = in the VirtualNetwork tag. */
export interface FlowEnd {
  cidr?: Cidr;
  tag?: "AzureLoadBalancer" | "AzureCloud";
  inVnet: boolean;
}

/** A flow AKS needs through the node subnet's NSG. */
export interface NsgFlow {
  what: string;
  direction: "Inbound" | "Outbound";
  protocol: "Tcp" | "Udp" | "*";
  source: FlowEnd;
  destination: FlowEnd;
  /** A port, or "*" (every port: only a rule covering all ports decides it). */
  port: number | "*";
}

/** The flows the required rules stand for (requiredNsgRules), plus the nodes' way to the API server. */
export function requiredNsgFlows(spec: ClusterSpec, podCidrs: readonly string[], kubenet: boolean): NsgFlow[] {
  const parse = (t: string | undefined): Cidr | undefined => {
    const p = t === undefined ? undefined : parseCidr(t.includes("/") ? t : `${t}/32`);
    return p?.ok ? p.value : undefined;
  };
  const node = parse(spec.vnet.subnetCidr);
  const nodes: FlowEnd = { ...(node ? { cidr: node } : {}), inVnet: true };
  const flows: NsgFlow[] = [
    { what: "node to node", direction: "Inbound", protocol: "*", source: nodes, destination: nodes, port: "*" },
    { what: "the load balancer's health probes", direction: "Inbound", protocol: "*", source: { tag: "AzureLoadBalancer", inVnet: false }, destination: { inVnet: true }, port: "*" },
  ];
  // kubenet's pod routes are UDR prefixes, which the VirtualNetwork tag includes; overlay's pod CIDR is not.
  for (const c of podCidrs) flows.push({ what: `pods (${c})`, direction: "Inbound", protocol: "*", source: { ...(parse(c) ? { cidr: parse(c) as Cidr } : {}), inVnet: kubenet }, destination: nodes, port: "*" });
  const fw = spec.firewall.enabled ? parse(spec.firewall.subnetCidr) : undefined;
  for (const e of exposeEntries(spec)) {
    const target = parse(String(e.targetIp));
    flows.push({ what: `port ${e.port} exposed through the firewall`, direction: "Inbound", protocol: exposeProtocol(e) === "UDP" ? "Udp" : "Tcp", source: { ...(fw ? { cidr: fw } : {}), inVnet: true }, destination: { ...(target ? { cidr: target } : {}), inVnet: true }, port: exposeTargetPort(e) });
  }
  const fwIp = fw ? parse(nthAddressText(fw, 4)) : undefined;
  flows.push(
    fwIp
      ? { what: "the nodes' egress through the firewall (API server, images)", direction: "Outbound", protocol: "Tcp", source: nodes, destination: { cidr: fwIp, inVnet: true }, port: 443 }
      : { what: "the nodes to the API server", direction: "Outbound", protocol: "Tcp", source: nodes, destination: { tag: "AzureCloud", inVnet: false }, port: 443 },
  );
  return flows;
}

function nthAddressText(c: Cidr, n: number): string {
  return formatIp(c.start + BigInt(n), c.family);
}

/** The rule of `rules` that decides the flow (lowest priority number that matches), if any. */
export function decidingRule(rules: readonly LiveNsgRule[], flow: NsgFlow): LiveNsgRule | undefined {
  return [...rules]
    .filter((r) => r.direction.toLowerCase() === flow.direction.toLowerCase())
    .sort((a, b) => a.priority - b.priority)
    .find((r) => protocolMatches(r.protocol, flow.protocol) && portMatches(r.ports, flow.port) && r.sources.some((p) => prefixMatches(p, flow.source)) && r.destinations.some((p) => prefixMatches(p, flow.destination)));
}

function protocolMatches(rule: string, flow: NsgFlow["protocol"]): boolean {
  return rule === "*" || rule.toLowerCase() === "any" || (flow !== "*" && rule.toLowerCase() === flow.toLowerCase());
}

function portMatches(ports: readonly string[], port: number | "*"): boolean {
  return ports.some((p) => {
    if (p === "*") return true;
    if (port === "*") return false;
    const [lo, hi] = p.split("-").map(Number);
    return lo !== undefined && port >= lo && port <= (hi ?? lo);
  });
}

/** Whether an NSG prefix (a range, `*`, or a service tag) covers a flow end. Other service tags match nothing here. */
function prefixMatches(prefix: string, end: FlowEnd): boolean {
  const p = prefix.trim();
  if (p === "*" || p.toLowerCase() === "any") return true;
  if (p.toLowerCase() === "virtualnetwork") return end.inVnet;
  if (p.toLowerCase() === "azureloadbalancer") return end.tag === "AzureLoadBalancer";
  if (p.toLowerCase() === "internet" || p.toLowerCase().startsWith("azurecloud")) return end.tag === "AzureCloud";
  const c = parseCidr(p.includes("/") ? p : `${p}/32`);
  return c.ok && end.cidr !== undefined && end.cidr.family === c.value.family && c.value.start <= end.cidr.start && end.cidr.end <= c.value.end;
}
