/**
 * SYN-01 … SYN-10: every address field parses strictly, has the right family and canonical form, and every enum
 * field holds a known value. The parse itself happened once in buildContext; this family explains the failures.
 */
import { parseCidr, parseIp } from "../core/cidr.ts";
import type { Cidr, SyntaxRule } from "../core/cidr.ts";
import { existingField } from "../core/planner.ts";
import { ENUMS } from "../core/spec.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "SYN-01", severity: "error", summary: "A CIDR field must be address/prefix; a bare address (or a non-string value) is not a CIDR." },
    { id: "SYN-02", severity: "error", summary: "Prefix length must be an integer /0-/32 (IPv4) or /0-/128 (IPv6)." },
    { id: "SYN-03", severity: "error", summary: "IPv4 needs exactly four decimal parts 0-255; IPv6 must be valid RFC 4291 text." },
    { id: "SYN-04", severity: "error", summary: "No leading zeros, octal or hex parts (inet_aton reads 012 as 10)." },
    { id: "SYN-05", severity: "error", summary: "No whitespace anywhere in an address or list item." },
    { id: "SYN-06", severity: "error/warning", summary: "Host bits set: error for VNet/subnet prefixes (InvalidCIDRNotation), warning for cluster CIDRs (C-12)." },
    { id: "SYN-07", severity: "error", summary: "dnsServiceIP is a single IPv4 address: no prefix, no IPv6, also in dual-stack." },
    { id: "SYN-08", severity: "error", summary: "serviceCidr, podCidr, subnets, firewall subnets and dockerBridgeCidr are IPv4 only." },
    { id: "SYN-09", severity: "error", summary: "Enum fields hold one of the API's values (plugin, mode, policy, dataplane, LB SKU, outbound type, ...)." },
    { id: "SYN-10", severity: "error", summary: "Enum values are case-sensitive (az aks rejects 'Calico'): use the exact spelling." },
  ];
}

/** Fields where host bits are an error (Azure networking rejects them) rather than a warning (C-12). */
const SUBNET_FIELD = /^(vnet\.addressSpaces\[\d+\]|nodePools\[\d+\]\.(vnetSubnetCidr|podSubnetCidr)|vnet\.subnetCidr|vnet\.subnetIPv6Cidr|vnet\.podSubnetCidr|vnet\.existingSubnets\[\d+\]\.cidr|firewall\.\w+)$/;
const CLUSTER_FIELD = /^(serviceCidr|podCidr|serviceCidrs\[\d+\]|podCidrs\[\d+\])$/;
/** IPv4-only fields (SYN-08); list entries are POD-04's (their family follows ipFamilies). */
const IPV4_ONLY = /^(serviceCidr|podCidr|dockerBridgeCidr|nodePools\[\d+\]\.(vnetSubnetCidr|podSubnetCidr)|vnet\.subnetCidr|vnet\.podSubnetCidr|firewall\.\w+)$/;
/** List fields whose value must be an array. */
const LIST_FIELDS = ["podCidrs", "serviceCidrs", "ipFamilies", "vnet.addressSpaces", "vnet.existingSubnets", "connectedCidrs", "routes"];
/** Invalid connected ranges are summarised: there may be a million of them. */
const SHOWN = 3;

export function check(ctx: RuleContext): Finding[] {
  return [...shape(ctx), ...invalid(ctx), ...parsed(ctx), ...enums(ctx)];
}

/** Lists that are not lists (a hand-written file): reported, then treated as empty by the engine. */
function shape(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const field of LIST_FIELDS) {
    const v = valueAt(ctx.spec, field);
    if (v === undefined || Array.isArray(v)) continue;
    const rule = field === "ipFamilies" ? "SYN-09" : "SYN-01";
    out.push(finding(rule, "error", field, `${field} must be a list, got ${describeValue(v)}`, `write ${field} as a list, e.g. [${JSON.stringify(typeof v === "string" ? v : "...")}]`));
  }
  return out;
}

/** Explains each parse failure with its exact rule. */
function invalid(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const connected = new Map<SyntaxRule, string[]>();
  for (const [field, reason] of ctx.invalid) {
    if (copiedFromList(ctx, field)) continue;
    const raw = valueAt(ctx.spec, field);
    const isIp = field === "dnsServiceIP" || field.endsWith(".nextHopIp");
    if (field === "dnsServiceIP" && typeof raw === "string" && /[/:]/.test(raw) && !/\s/.test(raw)) {
      out.push(dnsNotIpv4(raw));
      continue;
    }
    const rule = typeof raw !== "string" ? (isIp ? "SYN-03" : "SYN-01") : syntaxRule(raw, isIp);
    if (field.startsWith("connectedCidrs[")) {
      const same = connected.get(rule);
      if (same) same.push(field);
      else connected.set(rule, [field]);
      continue;
    }
    out.push(finding(rule, "error", field, oneLine(`${field}: ${reason}`), fixFor(rule, raw, isIp)));
  }
  for (const [rule, fields] of connected) {
    const first = fields.slice(0, SHOWN);
    const texts = first.map((f) => `${f} ${describeValue(valueAt(ctx.spec, f))}`).join(", ");
    const more = fields.length > SHOWN ? ` and ${fields.length - SHOWN} more` : "";
    out.push(finding(rule, "error", first, `${fields.length} connected range(s) do not parse: ${texts}${more}`, fixFor(rule, valueAt(ctx.spec, first[0] ?? ""), false)));
  }
  return out;
}

/** Host bits (SYN-06), IPv4-only fields (SYN-08) and an IPv6 DNS IP (SYN-07) among the values that parsed. */
function parsed(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  // The existing subnets (indexed apart, see RuleContext) in their place in field order: only those with host bits.
  const existing = (): void => {
    for (const i of ctx.existingHostBits) {
      out.push(invalidNotation(existingField(i), ctx.existing.at(i).cidr));
    }
  };
  let n = 0;
  for (const [field, c] of ctx.cidrs) {
    if (n++ === ctx.existingSlot) existing();
    if ((c.family === 4 && !c.hostBitsSet) || copiedFromList(ctx, field)) continue;
    if (IPV4_ONLY.test(field) && c.family === 6) {
      const hint = field === "serviceCidr" || field === "podCidr" ? `; IPv6 goes in ${field}s with ipFamilies [IPv4, IPv6]` : "";
      out.push(finding("SYN-08", "error", field, `${field} ${c.text} is IPv6, but ${field} takes IPv4 only${hint}`, `use an IPv4 range for ${field}, e.g. 10.0.0.0/16`));
    }
    if (!c.hostBitsSet) continue;
    if (SUBNET_FIELD.test(field)) {
      out.push(invalidNotation(field, c));
    } else if (CLUSTER_FIELD.test(field)) {
      out.push(finding("SYN-06", "warning", field, `${field} ${c.text} has host bits set; AKS uses the network ${c.canonical}`, `write ${c.canonical}`));
    }
  }
  if (n <= ctx.existingSlot) existing();
  const dns = ctx.ips.get("dnsServiceIP");
  if (dns && dns.family === 6) out.push(dnsNotIpv4(dns.text));
  return out;
}

/** SYN-06 on a subnet or VNet field: Azure networking refuses host bits there (InvalidCIDRNotation). */
function invalidNotation(field: string, c: Cidr): Finding {
  return finding("SYN-06", "error", field, `${field}: the address prefix ${c.text} has an invalid CIDR notation. For the given prefix length, the address prefix should be ${c.canonical} (InvalidCIDRNotation)`, `use ${c.canonical}`);
}

/** A singular field that AKS's default copied from its list's first entry: the entry the user typed is reported instead. */
function copiedFromList(ctx: RuleContext, field: string): boolean {
  if ((field !== "serviceCidr" && field !== "podCidr") || ctx.provenance[field] !== "default") return false;
  const list = valueAt(ctx.spec, `${field}s`);
  return Array.isArray(list) && list[0] === valueAt(ctx.spec, field);
}

/** Findings are one line: a pasted value's newlines and tabs are shown escaped. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]/g, (c) => JSON.stringify(c).slice(1, -1));
}

function dnsNotIpv4(text: string): Finding {
  const addr = text.split("/")[0] ?? text;
  const fix = addr.includes(":") ? "use the .10 address of the IPv4 service CIDR, e.g. 10.0.0.10" : `use ${addr}`;
  return finding("SYN-07", "error", "dnsServiceIP", `dnsServiceIP '${text}' is not a single IPv4 address (no prefix, no IPv6, also in dual-stack)`, fix);
}

type EnumName = keyof typeof ENUMS;

/** Enum fields by path pattern, with the list each must come from. */
function enumFields(ctx: RuleContext): [string, EnumName][] {
  const s = ctx.spec;
  const each = (v: unknown, path: (i: number) => string, e: EnumName): [string, EnumName][] => (Array.isArray(v) ? v.map((_, i) => [path(i), e]) : []);
  return [
    ["networkPlugin", "networkPlugin"],
    ["networkPluginMode", "networkPluginMode"],
    ["networkPolicy", "networkPolicy"],
    ["networkDataplane", "networkDataplane"],
    ["loadBalancerSku", "loadBalancerSku"],
    ["outboundType", "outboundType"],
    ["firewall.sku", "firewallSku"],
    ["natGatewayProfile.sku", "natGatewaySku"],
    ["vnet.natGatewaySku", "natGatewaySku"],
    ...each(s.ipFamilies, (i) => `ipFamilies[${i}]`, "ipFamilies"),
    ...each(s.nodePools, (i) => `nodePools[${i}].osType`, "osType"),
    ...each(s.nodePools, (i) => `nodePools[${i}].podIPAllocationMode`, "podIPAllocationMode"),
    ...(Array.isArray(s.nodePools) ? s.nodePools : []).flatMap((p, i) => each(p?.availabilityZones, (j) => `nodePools[${i}].availabilityZones[${j}]`, "zones")),
    ...each(s.routes, (i) => `routes[${i}].nextHopType`, "nextHopType"),
  ];
}

/** Quoted CLI texts for the enums whose rejection message is known (SYN-09, SYN-10). */
const CLI_TEXT: Partial<Record<EnumName, string>> = {
  loadBalancerSku: '"--load-balancer-sku can only be standard or basic"',
  outboundType:
    '"Invalid outbound type, supported values are loadBalancer, managedNATGateway, userAssignedNATGateway, userDefinedRouting and none."',
  networkPolicy: '"--network-policy should be provided in lowercase"',
};

function enums(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const [field, name] of enumFields(ctx)) {
    const v = valueAt(ctx.spec, field);
    if (v === undefined) continue;
    const allowed: readonly string[] = ENUMS[name];
    if (typeof v === "string" && allowed.includes(v)) continue;
    const exact = typeof v === "string" ? allowed.find((a) => a.toLowerCase() === v.trim().toLowerCase()) : undefined;
    if (exact !== undefined) {
      const quote = name === "networkPolicy" ? ` ${CLI_TEXT.networkPolicy}` : "";
      out.push(finding("SYN-10", "error", field, `${field} '${String(v)}' has the wrong case (or spacing): the API expects '${exact}'${quote}`, `use ${exact}`));
    } else {
      const quote = name !== "networkPolicy" && CLI_TEXT[name] ? ` ${CLI_TEXT[name]}` : "";
      out.push(finding("SYN-09", "error", field, `${field} ${describeValue(v)} is not one of ${allowed.join(", ")}${quote}`, `use one of: ${allowed.join(", ")}`));
    }
  }
  return out;
}

/** The syntax rule a text breaks, from the strict parser (SYN-01 … SYN-05). */
function syntaxRule(text: string, isIp: boolean): SyntaxRule {
  const p = isIp ? parseIp(text) : parseCidr(text);
  return p.ok ? "SYN-03" : p.rule;
}

/** A concrete fix for a text that failed `rule`. */
function fixFor(rule: SyntaxRule, raw: unknown, isIp: boolean): string {
  const text = typeof raw === "string" ? raw : "";
  const example = isIp ? "10.0.0.10" : "10.0.0.0/16";
  switch (rule) {
    case "SYN-01":
      return typeof raw === "string" && parseIp(raw).ok ? `add the prefix length, e.g. ${raw}/16` : `give a CIDR string such as ${example}`;
    case "SYN-02":
      return `use a prefix length from /0 to /${text.includes(":") ? 128 : 32}, e.g. ${text.split("/")[0] ?? ""}/16`;
    case "SYN-03":
      // IPv6 text that does not parse (two `::`, a bad group) gets an IPv6 example, not the IPv4 rule.
      return text.includes(":") ? `write valid IPv6 text (RFC 4291), e.g. ${isIp ? "fd00::10" : "fd00:10:244::/64"}` : `write four decimal parts 0-255, e.g. ${example}`;
    case "SYN-04": {
      // Decimal reading with the zeros dropped and hex converted; inet_aton would read 012 as octal 10.
      const [addr = "", prefix] = text.split("/");
      const decimal = addr
        .split(".")
        .map((p) => (/^0x[0-9a-f]+$/i.test(p) ? String(parseInt(p, 16)) : /^\d+$/.test(p) ? String(Number(p)) : p))
        .join(".");
      return `write plain decimal parts: ${decimal}${prefix === undefined ? "" : `/${prefix}`}`;
    }
    case "SYN-05":
      return `remove the whitespace: '${text.replace(/\s+/g, "")}'`;
  }
}

/** The value at a field path such as `vnet.existingSubnets[2].cidr`; undefined when any step is missing. */
function valueAt(root: unknown, path: string): unknown {
  // The keys between ".", "[" and "]" (`vnet.addressSpaces[0]`), read in place: this runs for every list and enum field.
  let v = root;
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i < path.length && path[i] !== "." && path[i] !== "[" && path[i] !== "]") continue;
    if (i > start) {
      if (v === null || typeof v !== "object") return undefined;
      v = (v as Record<string, unknown>)[path.slice(start, i)];
    }
    start = i + 1;
  }
  return v;
}

/** A value for a message: strings quoted, other types named (`number 10`, `null`, `a list`). */
export function describeValue(v: unknown): string {
  if (typeof v === "string") return oneLine(`'${v}'`);
  return v === null ? "null" : Array.isArray(v) ? "a list" : `${typeof v} ${JSON.stringify(v)}`;
}
