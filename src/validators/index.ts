/**
 * The rule engine: parses every address field once, runs every rule family, returns all findings in a stable order.
 * The same engine serves `validate`, `validate --live` (live reads only add facts to the spec), `create` and the wizard.
 */
import { CidrIndex, parseCidr, parseIp } from "../core/cidr.ts";
import type { Cidr, ParsedIp } from "../core/cidr.ts";
import { existingField } from "../core/planner.ts";
import { poolSubnets } from "../core/pool-subnets.ts";
import type { ClusterSpec, Provenance } from "../core/spec.ts";
import type { Finding, RuleCheck, RuleContext, RuleInfo } from "./finding.ts";
import * as syntax from "./syntax.ts";
import * as names from "./names.ts";
import * as target from "./target.ts";
import * as reserved from "./reserved.ts";
import * as size from "./size.ts";
import * as overlap from "./overlap.ts";
import * as dns from "./dns.ts";
import * as dockerBridge from "./docker-bridge.ts";
import * as pod from "./pod.ts";
import * as capacity from "./capacity.ts";
import * as compat from "./compat.ts";
import * as loadBalancer from "./load-balancer.ts";
import * as outbound from "./outbound.ts";
import * as firewall from "./firewall.ts";
import * as pools from "./pools.ts";
import * as ingress from "./ingress.ts";
import * as byo from "./byo.ts";
import * as live from "./live.ts";
import * as source from "./source.ts";
import * as tags from "./tags.ts";
import * as zones from "./zones.ts";
import * as apiServer from "./api-server.ts";
import * as customDns from "./custom-dns.ts";

const FAMILIES: { check: RuleCheck; rules: () => RuleInfo[] }[] = [
  syntax,
  names,
  target,
  reserved,
  size,
  overlap,
  dns,
  dockerBridge,
  pod,
  capacity,
  compat,
  loadBalancer,
  outbound,
  firewall,
  pools,
  tags,
  zones,
  ingress,
  apiServer,
  customDns,
  byo,
  live,
  source,
];

let known: readonly RuleInfo[] | undefined;

/** Every rule the engine knows, for SARIF, the docs and the tests: the tables are built when asked, not at start-up. */
export function allRules(): readonly RuleInfo[] {
  return (known ??= FAMILIES.flatMap((f) => f.rules()));
}

/** Runs every rule over the effective spec. */
export function validateSpec(spec: ClusterSpec, provenance: Provenance = {}): Finding[] {
  const ctx = buildContext(spec, provenance);
  let findings = FAMILIES.flatMap((f) => f.check(ctx));
  // An imported value aks-net could not know is not checked: findings on it would judge AKS's default instead.
  const unchecked = Array.isArray(spec.imported?.unchecked) ? spec.imported.unchecked.map((u) => u.field) : [];
  if (unchecked.length > 0) findings = findings.filter((f) => f.rule === "SRC-01" || !f.fields.some((field) => unchecked.some((u) => source.touches(field, u))));
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return findings.sort((a, b) => rank[a.severity] - rank[b.severity]);
}

/** The NAME-* errors alone: whether Azure can be asked about these names at all (validate --live reads only then). */
export function nameErrors(spec: ClusterSpec, provenance: Provenance = {}): Finding[] {
  return names.check(buildContext(spec, provenance)).filter((f) => f.severity === "error" && f.rule.startsWith("NAME-"));
}

/** Parses each address field once; rules read the maps instead of re-parsing. */
export function buildContext(spec: ClusterSpec, provenance: Provenance = {}): RuleContext {
  const cidrs = new Map<string, Cidr>();
  const ips = new Map<string, ParsedIp>();
  const invalid = new Map<string, string>();
  // Values come from files as typed: a null, a number or an object is recorded as invalid (the SYN rules say so).
  const addCidr = (path: string, text: string | undefined): void => {
    if (text === undefined || text === "") return;
    if (typeof text !== "string") return void invalid.set(path, `expected a CIDR string, got ${syntax.describeValue(text)}`);
    const p = parseCidr(text);
    if (p.ok) cidrs.set(path, p.value);
    else invalid.set(path, p.reason);
  };
  const addIp = (path: string, text: string | undefined): void => {
    if (text === undefined || text === "") return;
    if (typeof text !== "string") return void invalid.set(path, `expected an IP address string, got ${syntax.describeValue(text)}`);
    const p = parseIp(text);
    if (p.ok) ips.set(path, p.value);
    else invalid.set(path, p.reason);
  };
  addCidr("serviceCidr", spec.serviceCidr);
  addCidr("podCidr", spec.podCidr);
  addCidr("dockerBridgeCidr", spec.dockerBridgeCidr);
  addIp("dnsServiceIP", spec.dnsServiceIP);
  list(spec.podCidrs).forEach((c, i) => addCidr(`podCidrs[${i}]`, c));
  list(spec.serviceCidrs).forEach((c, i) => addCidr(`serviceCidrs[${i}]`, c));
  list(spec.vnet.addressSpaces).forEach((c, i) => addCidr(`vnet.addressSpaces[${i}]`, c));
  addCidr("vnet.subnetCidr", spec.vnet.subnetCidr);
  addCidr("vnet.subnetIPv6Cidr", spec.vnet.subnetIPv6Cidr);
  addCidr("vnet.podSubnetCidr", spec.vnet.podSubnetCidr);
  addCidr("vnet.apiServerSubnetCidr", spec.vnet.apiServerSubnetCidr);
  // A pool's own subnets, once each (pools sharing one by name are its users, not more ranges: POOL-05 compares them).
  for (const role of ["node", "pod"] as const) for (const s of poolSubnets(spec, role)) addCidr(s.field, s.cidr);
  // Existing subnets may number 10^5: indexed as numbers, no Cidr object or field path per entry (the rules ask the index).
  const existingSlot = cidrs.size;
  const existingTexts = list(spec.vnet.existingSubnets).map((s) => s?.cidr);
  const existing = CidrIndex.fromTexts(existingTexts);
  for (const [i, reason] of existing.invalid) {
    const text = existingTexts[i];
    if (text === undefined || text === "") continue;
    invalid.set(existingField(i), typeof text === "string" ? reason : `expected a CIDR string, got ${syntax.describeValue(text)}`);
  }
  addCidr("firewall.subnetCidr", spec.firewall.subnetCidr);
  addCidr("firewall.managementSubnetCidr", spec.firewall.managementSubnetCidr);
  const ingress = spec.ingress;
  addCidr("ingress.internalLoadBalancer.subnetCidr", ingress?.internalLoadBalancer?.subnetCidr);
  list(ingress?.internalLoadBalancer?.ips).forEach((ip, i) => addIp(`ingress.internalLoadBalancer.ips[${i}]`, ip));
  list(ingress?.expose).forEach((e, i) => addIp(`ingress.expose[${i}].targetIp`, e?.targetIp));
  // A gateway subnet only counts as a range when the add-on is on (a leftover value changes nothing).
  if (ingress?.applicationGateway?.enabled === true) addCidr("ingress.applicationGateway.subnetCidr", ingress.applicationGateway.subnetCidr);
  list(spec.routes).forEach((r, i) => {
    addCidr(`routes[${i}].prefix`, r?.prefix);
    addIp(`routes[${i}].nextHopIp`, r?.nextHopIp);
  });
  // Connected ranges can number in the millions: index them instead of filling the per-field maps.
  const connected = CidrIndex.fromTexts(list(spec.connectedCidrs));
  for (const [i, reason] of connected.invalid) invalid.set(`connectedCidrs[${i}]`, reason);
  return { spec, provenance, cidrs, ips, invalid, connected: connected.index, existing: existing.index, existingSlot, existingHostBits: existing.hostBits };
}

/** An array field as an array; a non-array (from a hand-written file) counts as empty and the SYN rules report it. */
function list<T>(value: T[] | undefined): T[] {
  return Array.isArray(value) ? value : [];
}
