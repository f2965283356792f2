/**
 * NAME-01 … NAME-07: every name aks-net will send to Azure, the derived ones included (`<name>-vnet`, `-rt`, `-fw`,
 * the AKS node resource group), against Azure's naming rules for its resource type ("Naming rules and restrictions
 * for Azure resources", azure-resource-manager/management/resource-name-rules; AKS FAQ for the node resource group).
 * A bad name is found here, before any request, instead of by Azure halfway through a create.
 */
import { regionName } from "../core/egress.ts";
import { DERIVED, NAMES, subnetIdParts } from "../core/names.ts";
import type { ClusterSpec } from "../core/spec.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

/** One resource type's rule, as Microsoft words it. */
interface NameRule {
  id: string;
  /** What the name names, e.g. "VNet name". */
  what: string;
  min: number;
  max: number;
  /** One allowed character (tested per UTF-16 unit, as ARM's .NET checks are). */
  char: Pick<RegExp, "test">;
  chars: string;
  first?: RegExp;
  firstText?: string;
  last?: RegExp;
  lastText?: string;
}

const ALNUM = /^[A-Za-z0-9]$/;
/**
 * A Unicode property class (\p{L}) has ICU build its character set when the expression is created (~0.9 ms of a
 * `validate --live` or `create` run, which check the -g name): printable ASCII is tested with `ascii` (the same
 * class within ASCII), and the Unicode expression is only built for text that needs it.
 */
function onFirstUse(source: string, flags: string, ascii: RegExp): Pick<RegExp, "test"> {
  let re: RegExp | undefined;
  return { test: (text) => (/^[ -~]*$/.test(text) ? ascii.test(text) : (re ??= new RegExp(source, flags)).test(text)) };
}
/** Microsoft.Network names: "Alphanumerics, underscores, periods, and hyphens. Start with alphanumeric. End alphanumeric or underscore." */
const network = (id: string, what: string, min: number, max: number): NameRule => ({
  id, what, min, max,
  char: /^[A-Za-z0-9_.-]$/, chars: "letters, digits, '_', '.' and '-'",
  first: ALNUM, firstText: "a letter or digit",
  last: /^[A-Za-z0-9_]$/, lastText: "a letter, digit or '_'",
});

const RULE = {
  cluster: {
    id: "NAME-01", what: "AKS cluster name", min: 1, max: 63,
    char: /^[A-Za-z0-9_-]$/, chars: "letters, digits, '_' and '-'",
    first: ALNUM, firstText: "a letter or digit", last: ALNUM, lastText: "a letter or digit",
  },
  // "Underscores, hyphens, periods, parentheses, and letters or digits as defined by the Char.IsLetterOrDigit function."
  resourceGroup: {
    id: "NAME-02", what: "resource group name", min: 1, max: 90,
    char: onFirstUse("^[-_.()\\p{L}\\p{Nd}]$", "u", /^[-_.()A-Za-z0-9]$/), chars: "letters, digits, '_', '-', '.', '(' and ')'",
    last: /^[^.]$/, lastText: "anything but '.'",
  },
  vnet: network("NAME-03", "VNet name", 2, 64),
  subnet: network("NAME-04", "subnet name", 1, 80),
  routeTable: network("NAME-05", "route table name", 1, 80),
  route: network("NAME-05", "route name", 1, 80),
  publicIp: network("NAME-05", "public IP name", 1, 80),
  firewall: network("NAME-05", "firewall name", 1, 80),
  firewallPolicy: network("NAME-05", "firewall policy name", 1, 80),
  natGateway: network("NAME-05", "NAT gateway name", 1, 80),
  nsg: network("NAME-05", "network security group name", 1, 80),
  identity: {
    id: "NAME-06", what: "managed identity name", min: 3, max: 128,
    char: /^[A-Za-z0-9_-]$/, chars: "letters, digits, '_' and '-'",
    first: ALNUM, firstText: "a letter or digit",
  },
} satisfies Record<string, NameRule>;

/** AKS FAQ: "MC_resourceGroupName_resourceName_AzureRegion must be no greater than 80 characters". */
const NODE_RG_MAX = 80;

export function rules(): RuleInfo[] {
  return [
    { id: "NAME-01", severity: "error", summary: "AKS cluster name: 1-63 letters, digits, '_' and '-', starting and ending with a letter or digit." },
    { id: "NAME-02", severity: "error", summary: "Resource group names: 1-90 letters, digits, '_', '-', '.', '(' and ')', not ending with '.'." },
    { id: "NAME-03", severity: "error", summary: "VNet name (given, or <name>-vnet): 2-64 letters, digits, '_', '.', '-'; starts with a letter or digit, ends with one or '_'." },
    { id: "NAME-04", severity: "error", summary: "Subnet names: 1-80 letters, digits, '_', '.', '-'; start with a letter or digit, end with one or '_'." },
    { id: "NAME-05", severity: "error", summary: "Route table, route, public IP, firewall, firewall policy and NAT gateway names aks-net derives: the Network rule, 1-80 characters." },
    { id: "NAME-06", severity: "error", summary: "Managed identity name (<name>-identity): 3-128 letters, digits, '_' and '-', starting with a letter or digit." },
    { id: "NAME-07", severity: "error", summary: "AKS's node resource group MC_<resource group>_<name>_<region> is at most 80 characters." },
  ];
}

/** A name aks-net sends, the field the user controls it through, and the rule of its resource type. */
interface Sent {
  field: string;
  rule: NameRule;
  name: string;
  /** The user's own value, when the name is derived from it. */
  from?: string;
}

export function check(ctx: RuleContext): Finding[] {
  const byField = new Map<string, Sent[]>();
  for (const s of sentNames(ctx)) byField.set(s.field, [...(byField.get(s.field) ?? []), s]);
  const out: Finding[] = [];
  // One finding per field: its own resource's rule first, then what it derives (a bad cluster name is one finding,
  // not one per resource named after it).
  for (const [field, sent] of byField) {
    const room = Math.min(...sent.map((s) => s.rule.max - (s.from === undefined ? 0 : s.name.length - s.from.length)));
    for (const s of sent) {
      const why = broken(s.rule, s.name);
      if (why === undefined) continue;
      out.push(describe(field, s, why, room, sent.find((o) => o.from === undefined)?.rule ?? s.rule));
      break;
    }
  }
  const nodeRg = nodeResourceGroup(ctx.spec, out);
  if (nodeRg) out.push(nodeRg);
  return out;
}

/** Every name create would send, by the field that decides it; mirrors planResources (core/plan.ts) via DERIVED. */
function sentNames(ctx: RuleContext): Sent[] {
  const s = ctx.spec;
  const out: Sent[] = [];
  const put = (field: string, rule: NameRule, name: unknown, from?: string): void => {
    if (typeof name === "string") out.push({ field, rule, name, ...(from !== undefined && from !== name ? { from } : {}) });
  };
  const name = nonEmpty(s.name);
  put("resourceGroup", RULE.resourceGroup, nonEmpty(s.resourceGroup));
  put("vnet.resourceGroup", RULE.resourceGroup, s.vnet.resourceGroup);
  if (name !== undefined) {
    put("name", RULE.cluster, name);
    put("name", RULE.identity, DERIVED.identity(name), name);
  }
  // A brought subnet's id: its parts go into the requests' paths (reads, role assignments, the cluster body).
  const byId = typeof s.vnetSubnetId === "string" ? subnetIdParts(s.vnetSubnetId) : undefined;
  if (byId) {
    put("vnetSubnetId", RULE.resourceGroup, byId.resourceGroup);
    put("vnetSubnetId", RULE.vnet, byId.vnet);
    put("vnetSubnetId", RULE.subnet, byId.subnet);
  }
  // Every other brought id: its group and names go into request paths too (reads, role assignments on it).
  const subnetIds: [string, unknown][] = [["podSubnetId", s.podSubnetId], ["apiServerAccessProfile.subnetId", s.apiServerAccessProfile?.subnetId]];
  for (const [field, id] of subnetIds) {
    const parts = typeof id === "string" ? subnetIdParts(id) : undefined;
    if (parts === undefined) continue;
    put(field, RULE.resourceGroup, parts.resourceGroup);
    put(field, RULE.vnet, parts.vnet);
    put(field, RULE.subnet, parts.subnet);
  }
  const lb = s.loadBalancerProfile;
  const nat = s.natGatewayProfile;
  const brought: [string, NameRule, unknown][] = [
    ["assignIdentity", RULE.identity, s.assignIdentity],
    ["assignKubeletIdentity", RULE.identity, s.assignKubeletIdentity],
    ["vnet.routeTableId", RULE.routeTable, s.vnet.routeTableId],
    ["vnet.natGatewayId", RULE.natGateway, s.vnet.natGatewayId],
    ...(lb?.outboundIPs?.publicIPs ?? []).map((p, i): [string, NameRule, unknown] => [`loadBalancerProfile.outboundIPs.publicIPs[${i}].id`, RULE.publicIp, p?.id]),
    ...(lb?.outboundIPPrefixes?.publicIPPrefixes ?? []).map((p, i): [string, NameRule, unknown] => [`loadBalancerProfile.outboundIPPrefixes.publicIPPrefixes[${i}].id`, RULE.publicIp, p?.id]),
    ...(nat?.outboundIPs?.publicIPs ?? []).map((id, i): [string, NameRule, unknown] => [`natGatewayProfile.outboundIPs.publicIPs[${i}]`, RULE.publicIp, id]),
    ...(nat?.outboundIPPrefixes?.publicIPPrefixes ?? []).map((id, i): [string, NameRule, unknown] => [`natGatewayProfile.outboundIPPrefixes.publicIPPrefixes[${i}]`, RULE.publicIp, id]),
  ];
  for (const [field, rule, id] of brought) {
    const m = typeof id === "string" ? /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/[^/]+\/[^/]+\/([^/]+)\/?$/i.exec(id.trim()) : null;
    if (m === null) continue; // not an id of that shape: BYO-01's
    put(field, RULE.resourceGroup, m[1]);
    put(field, rule, m[2]);
  }
  const ownsVnet = s.vnet.managed !== true && s.vnetSubnetId === undefined;
  if (!ownsVnet) return out;
  if (s.vnet.name !== undefined) put("vnet.name", RULE.vnet, s.vnet.name);
  else if (name !== undefined) put("name", RULE.vnet, DERIVED.vnet(name), name);
  put("vnet.subnetName", RULE.subnet, s.vnet.subnetName ?? NAMES.nodeSubnet);
  if (s.networkPlugin === "azure" && s.networkPluginMode !== "overlay" && s.vnet.podSubnetCidr !== undefined) {
    put("vnet.podSubnetName", RULE.subnet, s.vnet.podSubnetName ?? NAMES.podSubnet);
  }
  if (s.ingress?.internalLoadBalancer?.subnetCidr !== undefined) put("ingress.internalLoadBalancer.subnetName", RULE.subnet, s.ingress.internalLoadBalancer.subnetName ?? NAMES.ilbSubnet);
  if (s.vnet.apiServerSubnetCidr !== undefined) put("vnet.apiServerSubnetName", RULE.subnet, s.vnet.apiServerSubnetName ?? NAMES.apiServerSubnet);
  // Each pool's own subnets (a shared one is named once per pool naming it: one finding per field).
  (Array.isArray(s.nodePools) ? s.nodePools : []).forEach((p, i) => {
    if (p === null || typeof p !== "object") return;
    put(`nodePools[${i}].vnetSubnetName`, RULE.subnet, p.vnetSubnetName);
    put(`nodePools[${i}].podSubnetName`, RULE.subnet, p.podSubnetName);
  });
  if (name !== undefined) {
    if (s.ingress?.nsg?.enabled === true) put("name", RULE.nsg, DERIVED.nodeNsg(name), name);
    if (s.firewall.enabled) {
      put("name", RULE.firewall, DERIVED.firewall(name), name);
      put("name", RULE.publicIp, DERIVED.firewallIp(name), name);
      if ((s.firewall.sku ?? "Standard").toLowerCase() === "basic") put("name", RULE.publicIp, DERIVED.firewallManagementIp(name), name);
      if ((s.firewall.sku ?? "Standard").toLowerCase() !== "standard") put("name", RULE.firewallPolicy, DERIVED.firewallPolicy(name), name);
    }
    if (s.firewall.enabled || s.routes.length > 0) put("name", RULE.routeTable, DERIVED.routeTable(name), name);
    if (s.outboundType === "userAssignedNATGateway") {
      put("name", RULE.natGateway, DERIVED.natGateway(name), name);
      put("name", RULE.publicIp, DERIVED.natGatewayIp(name), name);
    }
  }
  // Routes are named after their prefix; a prefix that does not parse is SYN's to report.
  (Array.isArray(s.routes) ? s.routes : []).forEach((r, i) => {
    if (ctx.cidrs.has(`routes[${i}].prefix`)) put(`routes[${i}].prefix`, RULE.route, DERIVED.userRoute(r.prefix), r.prefix);
  });
  return out;
}

/** NAME-07, when the cluster and group names are fine on their own and the region is known. */
function nodeResourceGroup(s: ClusterSpec, found: Finding[]): Finding | undefined {
  const [name, rg, location] = [nonEmpty(s.name), nonEmpty(s.resourceGroup), nonEmpty(s.location)];
  if (name === undefined || rg === undefined || location === undefined) return undefined;
  if (found.some((f) => f.rule === RULE.cluster.id || (f.rule === RULE.resourceGroup.id && f.fields.includes("resourceGroup")))) return undefined;
  const nodeRg = DERIVED.nodeResourceGroup(rg, name, regionName(location));
  const over = nodeRg.length - NODE_RG_MAX;
  if (over <= 0) return undefined;
  return finding(
    "NAME-07",
    "error",
    ["name", "resourceGroup"],
    `the node resource group AKS creates, ${shown(nodeRg)}, would be ${nodeRg.length} characters: AKS allows ${NODE_RG_MAX}`,
    `shorten name and resource group together by ${over} character${over === 1 ? "" : "s"}, e.g. name ${shown(fitted(RULE.cluster, name, Math.max(1, name.length - over)) ?? "aks")}`,
  );
}

/** What breaks the rule, in words; undefined when the name is fine. */
function broken(rule: NameRule, name: string): string | undefined {
  if (name.length === 0) return "is empty";
  const bad = [...new Set([...name].filter((c) => c.length > 1 || !rule.char.test(c)))];
  if (bad.length > 0) return `has ${bad.map(shown).join(", ")}, which ${bad.length === 1 ? "is" : "are"} not allowed`;
  if (name.length < rule.min) return `is ${name.length} character${name.length === 1 ? "" : "s"} (at least ${rule.min})`;
  if (name.length > rule.max) return `is ${name.length} characters (at most ${rule.max})`;
  if (rule.first && !rule.first.test(name.charAt(0))) return `starts with ${shown(name.charAt(0))} (must be ${rule.firstText})`;
  if (rule.last && !rule.last.test(name.charAt(name.length - 1))) return `ends with ${shown(name.charAt(name.length - 1))} (must be ${rule.lastText})`;
  return undefined;
}

/** The rule in one phrase: "VNet names take 2-64 letters, ..., ending with a letter, digit or '_'". */
function limitsOf(rule: NameRule): string {
  return `${rule.what}s take ${rule.min}-${rule.max} ${rule.chars}${rule.firstText ? `, starting with ${rule.firstText}` : ""}${rule.lastText ? `, ending with ${rule.lastText}` : ""}`;
}

/**
 * For commands that send names without running the rules (delete): why Azure would refuse `value` as a cluster or
 * resource group name, or undefined. A name like `..` or `a/b` would otherwise change the request's path.
 */
export function refusedName(kind: "cluster" | "resourceGroup", value: string): string | undefined {
  const why = broken(RULE[kind], value);
  return why === undefined ? undefined : `${shown(value)} ${why}: ${limitsOf(RULE[kind])}`;
}

/** `room`: the longest value of the field that fits every name made from it; `own`: the rule of the field's own value. */
function describe(field: string, s: Sent, why: string, room: number, own: NameRule): Finding {
  const rule = s.rule;
  const limits = limitsOf(rule);
  if (s.from === undefined) {
    const better = fitted(rule, s.name, room);
    return finding(rule.id, "error", field, `${field} ${shown(s.name)} ${why}: ${limits}`, better ? `use e.g. ${shown(better)}` : `choose a name of ${rule.chars}`);
  }
  // A derived name: the user changes the value it comes from (or names the resource directly, where a flag exists).
  const better = fitted(own, s.from, room);
  const direct = rule === RULE.vnet ? ", or name the VNet with --vnet-name" : "";
  return finding(
    rule.id,
    "error",
    field,
    `${field} ${shown(s.from)} makes the ${rule.what} ${shown(s.name)}, which ${why}: ${limits}`,
    `${better ? `use e.g. ${field} ${shown(better)}` : `shorten ${field}`}${direct}`,
  );
}

/** The name cleaned to the rule: bad characters to '-', trimmed at both ends, cut to `max`; undefined if nothing is left. */
function fitted(rule: NameRule, name: string, max: number): string | undefined {
  let n = [...name].map((c) => (c.length === 1 && rule.char.test(c) ? c : "-")).join("").replace(/-{2,}/g, "-");
  const trim = (): void => {
    while (n.length > 0 && rule.first && !rule.first.test(n.charAt(0))) n = n.slice(1);
    while (n.length > 0 && rule.last && !rule.last.test(n.charAt(n.length - 1))) n = n.slice(0, -1);
  };
  trim();
  n = n.slice(0, Math.max(0, max));
  trim();
  return n.length >= rule.min && broken(rule, n) === undefined ? n : undefined;
}

function nonEmpty(v: string | undefined): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

/** A name or character quoted for one line of output: controls, bidi overrides and other invisibles as \u escapes. */
export function shown(text: string): string {
  return `'${text.replace(/[^\x20-\x7e\p{L}\p{N}]|\p{Cf}/gu, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, "0")}`;
  })}'`;
}
