/**
 * SIZE-01 … SIZE-05: service CIDR limits, one /24 per node from the pod CIDR, pod subnet and subnet minimum sizes.
 */
import { computeCapacity } from "../core/capacity.ts";
import { azureUsable, makeCidr } from "../core/cidr.ts";
import { clusterRanges, existingRanges, sharedPlanner, replacementFix, subnetSet } from "../core/planner.ts";
import type { Planner } from "../core/planner.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "SIZE-01", severity: "error/warning", summary: "IPv4 service CIDR at most 2^20 addresses: /11 or larger is an error, exactly /12 a warning (C-01)." },
    { id: "SIZE-02", severity: "error", summary: "IPv6 service CIDR no larger than /108." },
    { id: "SIZE-03", severity: "error/warning", summary: "Pod CIDR gives each node a /24: prefix must be /24 or larger and hold every node (error), plus surge and autoscaler max (warning)." },
    { id: "SIZE-04", severity: "error", summary: "Pod subnet with StaticBlock allocation (nodePools[i].podIPAllocationMode) no larger than /12." },
    { id: "SIZE-05", severity: "error", summary: "Azure subnets reserve 5 addresses; the smallest IPv4 subnet is /29 (3 usable)." },
  ];
}

/** Largest IPv4 service CIDR: 20 host bits (kube-apiserver maxCIDRBits), i.e. /12; IPv6 the same 20 bits, /108. */
const SERVICE_MAX_BITS = 20;

export function check(ctx: RuleContext): Finding[] {
  const planner = sharedPlanner(ctx);
  return [...serviceSize(ctx, planner), ...podCidrSize(ctx, planner), ...subnetSize(ctx)];
}

/** SIZE-01 / SIZE-02. */
function serviceSize(ctx: RuleContext, planner: Planner): Finding[] {
  const out: Finding[] = [];
  for (const svc of clusterRanges(ctx, "service")) {
    const bits = svc.cidr.family === 4 ? 32 : 128;
    const limit = bits - SERVICE_MAX_BITS;
    if (svc.cidr.family === 4 && svc.cidr.prefix < limit) {
      out.push(finding("SIZE-01", "error", svc.field, `service CIDR ${svc.cidr.text} is too large: "specified --service-cluster-ip-range is too large; for 32-bit addresses, the mask must be >= 12"`, replacementFix(planner, svc.field, svc.cidr, 16)));
    } else if (svc.cidr.family === 4 && svc.cidr.prefix === limit) {
      out.push(finding("SIZE-01", "warning", svc.field, `service CIDR ${svc.cidr.text} is exactly /12: accepted by the API, but the docs say "The service CIDR must be smaller than /12"`, replacementFix(planner, svc.field, svc.cidr, 16)));
    } else if (svc.cidr.family === 6 && svc.cidr.prefix < limit) {
      out.push(finding("SIZE-02", "error", svc.field, `IPv6 service CIDR ${svc.cidr.text} is too large: "The IPv6 subnet assigned to --service-cidrs can be no larger than /108"`, replacementFix(planner, svc.field, svc.cidr, limit)));
    }
  }
  return out;
}

/** SIZE-03: one /24 per node, for the nodes at create (error) and at peak with surge (warning). */
function podCidrSize(ctx: RuleContext, planner: Planner): Finding[] {
  const pod = clusterRanges(ctx, "pod").find((r) => r.cidr.family === 4);
  if (!pod) return [];
  const cap = computeCapacity(ctx.spec);
  const peak = cap.peakNodes + cap.surge;
  // Smallest prefix whose /24 count holds the peak: 2^(24 - p) >= peak.
  const needed = Math.max(0, Math.min(24, 24 - Math.ceil(Math.log2(Math.max(peak, 1)))));
  const fix = (): string => replacementFix(planner, pod.field, pod.cidr, Math.min(needed, pod.cidr.prefix));
  if (pod.cidr.prefix > 24) {
    return [finding("SIZE-03", "error", pod.field, `pod CIDR ${pod.cidr.text} is smaller than a /24, but each node takes a /24 from it`, fix())];
  }
  const blocks = cap.podCidr?.available ?? 2 ** (24 - pod.cidr.prefix);
  const pools = (Array.isArray(ctx.spec.nodePools) ? ctx.spec.nodePools : []).map((_, i) => `nodePools[${i}].count`);
  if (blocks < cap.nodes) {
    return [finding("SIZE-03", "error", [pod.field, ...pools], `pod CIDR ${pod.cidr.text} holds ${blocks} /24 block(s), one per node, but ${cap.nodes} node(s) are requested`, fix())];
  }
  if (blocks < peak) {
    const why = cap.peakNodes > cap.nodes ? `autoscaler max ${cap.peakNodes} + surge ${cap.surge}` : `${cap.nodes} node(s) + surge ${cap.surge}`;
    return [finding("SIZE-03", "warning", [pod.field, ...pools], `pod CIDR ${pod.cidr.text} holds ${blocks} /24 block(s) but upgrades and scale-out need ${peak} (${why})`, fix())];
  }
  return [];
}

/** SIZE-04 (pod subnet larger than /12) and SIZE-05 (IPv4 subnets smaller than /29). */
function subnetSize(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  const podSubnet = ctx.cidrs.get("vnet.podSubnetCidr");
  const pools = Array.isArray(ctx.spec.nodePools) ? ctx.spec.nodePools : [];
  const staticBlock = pools.findIndex((p) => p?.podIPAllocationMode === "StaticBlock");
  if (podSubnet && podSubnet.family === 4 && podSubnet.prefix < 12 && staticBlock >= 0) {
    out.push(
      finding(
        "SIZE-04",
        "error",
        ["vnet.podSubnetCidr", `nodePools[${staticBlock}].podIPAllocationMode`],
        `pod subnet ${podSubnet.text} is larger than /12 with StaticBlock allocation: "Maximum subnet size supported is x.x.x.x/12"`,
        `use a pod subnet of /12 or smaller, e.g. ${makeCidr(podSubnet.start, 12, 4).canonical}`,
      ),
    );
  }
  // Only the existing subnets smaller than /29 become objects (there may be 10^5).
  const { before, after } = subnetSet(ctx);
  const small = existingRanges(ctx, ctx.existing.positionsWhere((family, prefix) => family === 4 && prefix > 29));
  for (const s of [...before, ...small, ...after]) {
    if (s.field.startsWith("firewall.")) continue; // the firewall subnets have their own size rules (FWS)
    if (s.cidr.family !== 4 || s.cidr.prefix <= 29) continue;
    const at29 = makeCidr(s.cidr.start, 29, 4).canonical;
    out.push(finding("SIZE-05", "error", s.field, `subnet ${s.cidr.text} (${s.field}) is smaller than /29: Azure reserves 5 addresses per subnet, leaving ${azureUsable(s.cidr)}`, `use at least a /29 such as ${at29} (3 usable); size node subnets by the capacity rules`));
  }
  return out;
}
