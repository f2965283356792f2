/**
 * OVL-01 … OVL-10: the service, pod and docker bridge ranges against the VNet, its subnets and the connected networks,
 * and the subnets against each other. Connected ranges (up to 10^6) are only queried through the index.
 */
import { contains, overlaps } from "../core/cidr.ts";
import type { Cidr } from "../core/cidr.ts";
import { clusterRanges, existingField, sharedPlanner, replacementFix, subnetSet, subnetsHitting, vnetRanges } from "../core/planner.ts";
import type { FieldRange, Planner, Subnets } from "../core/planner.ts";
import { poolSubnets } from "../core/pool-subnets.ts";
import { nodeSubnetEntry, podSubnetEntry } from "./compat.ts";
import { NAMES } from "../core/names.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo, Severity } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "OVL-01", severity: "error", summary: "Service CIDR must not overlap any subnet of the cluster VNet (ServiceCidrOverlapExistingSubnetsCidr)." },
    { id: "OVL-02", severity: "warning", summary: "Service CIDR inside the VNet address space (no subnet hit): accepted, documented as not recommended (C-02)." },
    { id: "OVL-03", severity: "error/warning", summary: "Service CIDR must not overlap connected networks: error with --connected-cidr ranges, warning when a gateway route hints at unlisted ones." },
    { id: "OVL-04", severity: "error", summary: "Service CIDR must not overlap the pod CIDR(s)." },
    { id: "OVL-05", severity: "error/warning", summary: "Pod CIDR vs the VNet: overlay any overlap error (NetworkProfileCIDROverlapVNET); kubenet subnet error, VNet space warning (C-03)." },
    { id: "OVL-06", severity: "error/warning", summary: "Pod CIDR must not overlap connected networks: error with supplied ranges, warning when a gateway route hints at unlisted ones." },
    { id: "OVL-07", severity: "error", summary: "Node subnet must lie entirely inside one VNet address space." },
    { id: "OVL-08", severity: "error", summary: "Subnets of one VNet (node, pod, firewall, existing) must not overlap each other." },
    { id: "OVL-09", severity: "error", summary: "Pod subnet must be in the same VNet as the node subnet (inside one of its address spaces)." },
    { id: "OVL-10", severity: "warning", summary: "Legacy docker bridge CIDR should not overlap subnets, the service CIDR or pod CIDR (ignored by AKS)." },
    { id: "OVL-11", severity: "error", summary: "The VNet's own address spaces must not overlap connected ranges (peering refuses overlapping address spaces; on-premises routing breaks)." },
  ];
}

/** Conflicting connected prefixes named in a message; the rest are counted. */
const SHOWN = 3;

export function check(ctx: RuleContext): Finding[] {
  const planner = sharedPlanner(ctx);
  const services = clusterRanges(ctx, "service");
  const pods = clusterRanges(ctx, "pod");
  const subnets = distinctSubnets(ctx);
  const vnets = vnetRanges(ctx);
  return [
    ...serviceVsVnet(ctx, planner, services, subnets, vnets),
    ...connected(ctx, planner, services, "OVL-03", "service CIDR"),
    ...serviceVsPod(ctx, planner, services, pods),
    ...podVsVnet(ctx, planner, pods, subnets, vnets),
    ...connected(ctx, planner, pods, "OVL-06", "pod CIDR"),
    ...containment(ctx, planner, vnets),
    ...subnetsVsEachOther(planner, subnets),
    ...dockerBridge(ctx, services, pods, subnets),
    // No gateway hint here: OVL-03/06 already ask for the connected ranges when a gateway route shows some exist.
    ...(ctx.connected.length > 0 ? connected(ctx, planner, vnets, "OVL-11", "VNet address space", ": peering refuses overlapping address spaces, and traffic to the overlap never leaves the VNet") : []),
  ];
}

/**
 * Subnets once each: an existing subnet that is a planned one is that subnet. The node and pod subnets are matched as
 * compat matches them (same name, or same prefix: nodeSubnetEntry); the firewall subnets by their fixed names.
 */
function distinctSubnets(ctx: RuleContext): Subnets {
  const v = ctx.spec.vnet;
  const ing = ctx.spec.ingress;
  const firewallNames = [
    ctx.spec.firewall.subnetCidr ? "AzureFirewallSubnet" : undefined,
    ctx.spec.firewall.managementSubnetCidr ? "AzureFirewallManagementSubnet" : undefined,
    // The planned ingress subnets, when listed among the existing ones, are those subnets.
    ing?.internalLoadBalancer?.subnetCidr ? (ing.internalLoadBalancer.subnetName ?? NAMES.ilbSubnet) : undefined,
    ing?.applicationGateway?.enabled === true && ing.applicationGateway.subnetCidr ? NAMES.appgwSubnet : undefined,
  ];
  const same = new Set([nodeSubnetEntry(ctx.spec, ctx.existing)?.index, podSubnetEntry(ctx.spec, ctx.existing)?.index].filter((i) => i !== undefined));
  // The pools' own subnets, as --live lists them among the existing ones on a re-run.
  const own = new Map([...poolSubnets(ctx.spec, "node"), ...poolSubnets(ctx.spec, "pod")].map((p) => [p.name, p.cidr]));
  // The existing entries to leave out, by position: one pass over the names.
  const skip = new Set<number>();
  (Array.isArray(v.existingSubnets) ? v.existingSubnets : []).forEach((e, i) => {
    if (same.has(i) || (e?.name !== undefined && (firewallNames.includes(e.name) || own.get(e.name) === e.cidr))) skip.add(i);
  });
  return subnetSet(ctx, skip);
}

/** " (the default …)" when a default filled the field (or its list): the user may not know the value exists. */
function origin(ctx: RuleContext, field: string): string {
  const source = ctx.provenance[field] ?? ctx.provenance[field.replace(/\[\d+\]$/, "")];
  return source === "default" ? ` (the default ${field}, used because none was given)` : "";
}

function listed(ranges: readonly FieldRange[]): string {
  const names = ranges.slice(0, SHOWN).map((r) => `${r.cidr.text} (${r.field})`);
  return ranges.length > SHOWN ? `${names.join(", ")} and ${ranges.length - SHOWN} more` : names.join(", ");
}

function hitting(c: Cidr, ranges: readonly FieldRange[]): FieldRange[] {
  return ranges.filter((r) => overlaps(r.cidr, c));
}

/** OVL-01 (subnets, error) and OVL-02 (VNet space only, warning), per C-02. */
function serviceVsVnet(ctx: RuleContext, planner: Planner, services: FieldRange[], subnets: Subnets, vnets: FieldRange[]): Finding[] {
  const out: Finding[] = [];
  for (const svc of services) {
    const fix = (): string => replacementFix(planner, svc.field, svc.cidr);
    const hits = subnetsHitting(subnets, svc.cidr);
    const first = hits[0];
    if (first) {
      const more = hits.length > 1 ? ` (and ${listed(hits.slice(1))})` : "";
      out.push(
        finding(
          "OVL-01",
          "error",
          [svc.field, ...hits.map((h) => h.field)],
          `(ServiceCidrOverlapExistingSubnetsCidr) The specified service CIDR ${svc.cidr.text} is conflicted with an existing subnet CIDR ${first.cidr.text} (${first.field})${more}${origin(ctx, svc.field)}`,
          fix(),
        ),
      );
      continue;
    }
    const spaces = hitting(svc.cidr, vnets);
    if (spaces.length > 0) {
      out.push(
        finding(
          "OVL-02",
          "warning",
          [svc.field, ...spaces.map((s) => s.field)],
          `service CIDR ${svc.cidr.text} lies in the VNet address space ${listed(spaces)}${origin(ctx, svc.field)}; docs: "Must not be within the virtual network IP address range" (a later subnet there breaks routing)`,
          fix(),
        ),
      );
    }
  }
  return out;
}

/** OVL-03 / OVL-06: one finding per cluster range, naming the first few conflicting connected prefixes and the count. */
function connected(ctx: RuleContext, planner: Planner, ranges: FieldRange[], rule: string, what: string, why = ""): Finding[] {
  const out: Finding[] = [];
  if (ctx.connected.length === 0) {
    // No connected ranges supplied: warn only when a gateway route shows that VPN/ExpressRoute networks exist.
    const gateway = Array.isArray(ctx.spec.routes) ? ctx.spec.routes.findIndex((r) => r?.nextHopType === "VirtualNetworkGateway") : -1;
    if (gateway < 0 || ranges.length === 0) return [];
    const fields = [...ranges.map((r) => r.field), `routes[${gateway}].nextHopType`];
    const list = ranges.map((r) => r.cidr.text).join(", ");
    return [
      finding(rule, "warning", fields, `a route goes to a VirtualNetworkGateway, but no connected ranges were given: the ${what} ${list} cannot be checked against on-premises/VPN networks`, "list the on-premises, VPN and peered ranges with --connected-cidr (or connectedCidrs in the spec file)"),
    ];
  }
  for (const r of ranges) {
    const hits = ctx.connected.overlapping(r.cidr);
    if (hits.length === 0) continue;
    const shown = hits.slice(0, SHOWN).map((h) => `${h.cidr.text} (connectedCidrs[${h.tag}])`);
    const more = hits.length > SHOWN ? ` and ${hits.length - SHOWN} more` : "";
    out.push(
      finding(
        rule,
        "error",
        [r.field, ...hits.slice(0, SHOWN).map((h) => `connectedCidrs[${h.tag}]`)],
        `${what} ${r.cidr.text} overlaps ${hits.length} connected range(s): ${shown.join(", ")}${more}${origin(ctx, r.field)}${why}`,
        `${replacementFix(planner, r.field, r.cidr)}${r.field.startsWith("vnet.addressSpaces[") ? "; its subnets move with it" : ""}`,
      ),
    );
  }
  return out;
}

/** OVL-04: service and pod ranges of the same family must be disjoint. */
function serviceVsPod(ctx: RuleContext, planner: Planner, services: FieldRange[], pods: FieldRange[]): Finding[] {
  const out: Finding[] = [];
  for (const svc of services) {
    for (const pod of hitting(svc.cidr, pods)) {
      // Move whichever the user left to AKS's default; otherwise the pod range.
      const move = ctx.provenance[svc.field] === "default" ? svc : pod;
      out.push(finding("OVL-04", "error", [svc.field, pod.field], `service CIDR ${svc.cidr.text} overlaps pod CIDR ${pod.cidr.text}${origin(ctx, move.field)}`, replacementFix(planner, move.field, move.cidr)));
    }
  }
  return out;
}

/** OVL-05 per C-03: overlay forbids any VNet overlap; kubenet forbids subnet overlap and warns on VNet space. */
function podVsVnet(ctx: RuleContext, planner: Planner, pods: FieldRange[], subnets: Subnets, vnets: FieldRange[]): Finding[] {
  const out: Finding[] = [];
  const overlay = ctx.spec.networkPlugin !== "kubenet";
  for (const pod of pods) {
    const subnetHits = subnetsHitting(subnets, pod.cidr);
    const spaceHits = hitting(pod.cidr, vnets);
    let severity: Severity | undefined;
    let hits: FieldRange[] = [];
    if (overlay && spaceHits.length + subnetHits.length > 0) [severity, hits] = ["error", spaceHits.length > 0 ? spaceHits : subnetHits];
    else if (subnetHits.length > 0) [severity, hits] = ["error", subnetHits];
    else if (spaceHits.length > 0) [severity, hits] = ["warning", spaceHits];
    const first = hits[0];
    if (!severity || !first) continue;
    const mode = ctx.spec.networkPlugin === "none" ? "bring-your-own CNI" : overlay ? "Azure CNI Overlay" : "kubenet";
    const what = severity === "warning" ? "; kubenet accepts it, but pods become unreachable from any subnet added there" : "";
    out.push(
      finding(
        "OVL-05",
        severity,
        [pod.field, ...hits.map((h) => h.field)],
        `(${mode}) NetworkProfile CIDR ${pod.cidr.text} overlaps with reserved VNET CIDR ${first.cidr.text} (${first.field}, NetworkProfileCIDROverlapVNET)${origin(ctx, pod.field)}${what}`,
        replacementFix(planner, pod.field, pod.cidr),
      ),
    );
  }
  return out;
}

/** OVL-07 (node subnet) and OVL-09 (pod subnet): fully inside one VNet address space, not just starting in it. */
function containment(ctx: RuleContext, planner: Planner, vnets: FieldRange[]): Finding[] {
  if (vnets.length === 0) return [];
  const out: Finding[] = [];
  const spaces = vnets.map((v) => v.cidr.text).join(", ");
  const pools = (role: "node" | "pod", rule: "OVL-07" | "OVL-09"): [string, "OVL-07" | "OVL-09"][] => poolSubnets(ctx.spec, role).map((p) => [p.field, rule]);
  const fields: [string, "OVL-07" | "OVL-09"][] = [["vnet.subnetCidr", "OVL-07"], ["vnet.podSubnetCidr", "OVL-09"], ...pools("node", "OVL-07"), ...pools("pod", "OVL-09")];
  for (const [field, rule] of fields) {
    const c = ctx.cidrs.get(field);
    if (!c || vnets.some((v) => contains(v.cidr, c))) continue;
    const free = planner.subnet(c.prefix, [field]);
    const fix = free ? `use ${field} ${free.canonical} (free, inside the VNet)` : `add an address space that contains ${c.canonical} to the VNet`;
    const message =
      rule === "OVL-07"
        ? `node subnet ${c.text} is not inside the VNet address space(s) ${spaces}: "pre-existing virtual networks CIDR block should contain the subnet CIDR block"`
        : `pod subnet ${c.text} is not inside the cluster VNet's address space(s) ${spaces}: the pod subnet must be in the same VNet as the node subnet`;
    out.push(finding(rule, "error", [field, ...vnets.map((v) => v.field)], message, fix));
  }
  return out;
}

/**
 * OVL-08: each overlapping pair of subnets once, in address order (ties: field order), the earlier one first. The
 * existing subnets' pairs come from a sweep over their index; each named subnet is queried against it.
 */
function subnetsVsEachOther(planner: Planner, subnets: Subnets): Finding[] {
  const { parsed, skip } = subnets;
  const named = [...subnets.before, ...subnets.after];
  // Field order: the named subnets before the existing ones, the existing ones by position, the rest.
  const rankOf = (i: number): number => (i < subnets.before.length ? i : i + 2 ** 32); // after any existing position
  const made = new Map<number, FieldRange>();
  const existing = (pos: number): FieldRange => {
    let r = made.get(pos);
    if (!r) made.set(pos, (r = { field: existingField(pos), cidr: parsed.existing.at(pos).cidr }));
    return r;
  };
  type Ranked = { r: FieldRange; rank: number };
  const before = (a: Ranked, b: Ranked): number => (a.r.cidr.start < b.r.cidr.start ? -1 : a.r.cidr.start > b.r.cidr.start ? 1 : a.rank - b.rank);
  const pairs: [Ranked, Ranked][] = [];
  const add = (x: Ranked, y: Ranked): number => pairs.push(before(x, y) < 0 ? [x, y] : [y, x]);
  for (const [a, b] of parsed.existing.selfOverlaps()) if (!skip.has(a) && !skip.has(b)) pairs.push([{ r: existing(a), rank: subnets.before.length + a }, { r: existing(b), rank: subnets.before.length + b }]);
  named.forEach((r, i) => {
    const x = { r, rank: rankOf(i) };
    for (const e of parsed.existing.overlapping(r.cidr)) if (!skip.has(e.tag)) add(x, { r: existing(e.tag), rank: subnets.before.length + e.tag });
    for (let j = i + 1; j < named.length; j++) if (overlaps(r.cidr, (named[j] as FieldRange).cidr)) add(x, { r: named[j] as FieldRange, rank: rankOf(j) });
  });
  pairs.sort((p, q) => before(p[0], q[0]) || before(p[1], q[1]));
  return pairs.map(([{ r: a }, { r: b }]) => {
    // Propose moving the one the user is planning (existing subnets are fixed facts).
    const move = b.field.startsWith("vnet.existingSubnets[") ? a : b;
    return finding("OVL-08", "error", [a.field, b.field], `subnets overlap: ${a.field} ${a.cidr.text} and ${b.field} ${b.cidr.text}`, replacementFix(planner, move.field, move.cidr));
  });
}

/** OVL-10: the legacy docker bridge against subnets, service and pod ranges (warning: AKS ignores it). */
function dockerBridge(ctx: RuleContext, services: FieldRange[], pods: FieldRange[], subnets: Subnets): Finding[] {
  const bridge = ctx.cidrs.get("dockerBridgeCidr");
  if (!bridge) return [];
  const hits = [...subnetsHitting(subnets, bridge), ...hitting(bridge, [...services, ...pods])];
  if (hits.length === 0) return [];
  return [
    finding(
      "OVL-10",
      "warning",
      ["dockerBridgeCidr", ...hits.map((h) => h.field)],
      `docker bridge CIDR ${bridge.text} overlaps ${listed(hits)} ("It must not overlap with any Subnet IP ranges or the Kubernetes service address range")`,
      "remove dockerBridgeCidr (ignored since containerd, removed from API 2023-04-01), or use 172.17.0.1/16",
    ),
  ];
}
