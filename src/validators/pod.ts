/**
 * POD-01 … POD-06: which IPAM mode may carry a pod CIDR, dual-stack lists against ipFamilies, and room to grow.
 */
import { makeCidr } from "../core/cidr.ts";
import { computeCapacity } from "../core/capacity.ts";
import { clusterRanges, sharedPlanner } from "../core/planner.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "POD-01", severity: "error", summary: "podCidr only with kubenet, azure + networkPluginMode overlay, or BYO CNI (none)." },
    { id: "POD-02", severity: "error", summary: "networkPluginMode overlay only with networkPlugin azure." },
    { id: "POD-03", severity: "error", summary: "A pod subnet only with Azure CNI Pod Subnet: not with overlay, kubenet or BYO CNI (they have none; it is never silently dropped)." },
    { id: "POD-04", severity: "error", summary: "podCidrs/serviceCidrs count and order match ipFamilies (IPv4 first); two entries need [IPv4, IPv6]." },
    { id: "POD-05", severity: "error", summary: "ipFamilies is [IPv4] or [IPv4, IPv6]; IPv6 alone is not supported." },
    {
      id: "POD-06",
      severity: "info",
      summary: "Informational (update-time rule): a pod CIDR can later only grow to a contiguous superset (overlay), kubenet's never changes.",
    },
    { id: "POD-07", severity: "error", summary: "Bring your own CNI (networkPlugin none) needs a pod CIDR, clear of the reserved ranges, the service CIDR and the VNet (RES-01, OVL-04, OVL-05)." },
    { id: "POD-08", severity: "error", summary: "podIPAllocationMode StaticBlock needs Azure CNI with a pod subnet, and one pod subnet serves one allocation mode (no mixed StaticBlock and dynamic pools)." },
  ];
}

const lower = (v: unknown): string => (typeof v === "string" ? v.toLowerCase() : "");

export function check(ctx: RuleContext): Finding[] {
  return [...ipamMode(ctx), ...dualStack(ctx), ...growth(ctx), ...staticBlock(ctx)];
}

/** POD-08: Static Block allocates /28 blocks from a pod subnet, and one subnet serves one allocation mode. */
function staticBlock(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const pools = Array.isArray(s.nodePools) ? s.nodePools : [];
  const staticAt = pools.findIndex((p) => p?.podIPAllocationMode === "StaticBlock");
  if (staticAt < 0) return [];
  const mode = `nodePools[${staticAt}].podIPAllocationMode`;
  const podSubnetMode = lower(s.networkPlugin) === "azure" && lower(s.networkPluginMode) !== "overlay" && s.vnet.podSubnetCidr !== undefined;
  if (!podSubnetMode) {
    return [finding("POD-08", "error", [mode, "vnet.podSubnetCidr"], `pool '${String(pools[staticAt]?.name)}' asks for podIPAllocationMode StaticBlock, which allocates /28 blocks from a pod subnet; this cluster has none (${modeOf(ctx)})`, "add --network-plugin azure (without overlay) and --pod-subnet-cidr, or drop --pod-ip-allocation-mode StaticBlock")];
  }
  const dynamicAt = pools.findIndex((p) => p?.podIPAllocationMode !== "StaticBlock");
  if (dynamicAt < 0) return [];
  return [
    finding(
      "POD-08",
      "error",
      [mode, `nodePools[${dynamicAt}].podIPAllocationMode`],
      `pools '${String(pools[staticAt]?.name)}' (StaticBlock) and '${String(pools[dynamicAt]?.name)}' (DynamicIndividual) share the pod subnet: "Only a single mode of operation can be used per subnet"`,
      "use one podIPAllocationMode for every pool (the pod subnet is shared), e.g. StaticBlock on each",
    ),
  ];
}

function modeOf(ctx: RuleContext): string {
  const s = ctx.spec;
  if (lower(s.networkPlugin) !== "azure") return `networkPlugin ${String(s.networkPlugin)}`;
  return lower(s.networkPluginMode) === "overlay" ? "Azure CNI Overlay" : "Azure CNI without a pod subnet";
}

/** POD-01 … POD-03 (compared case-insensitively: a wrong case is SYN-10's finding, not a mode conflict). */
function ipamMode(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const out: Finding[] = [];
  const plugin = lower(s.networkPlugin);
  const overlay = lower(s.networkPluginMode) === "overlay";
  const podFields = ["podCidr", "podCidrs"].filter((f) => ctx.provenance[f] !== "default" && s[f as "podCidr" | "podCidrs"] !== undefined);
  if (plugin === "azure" && !overlay && podFields.length > 0) {
    out.push(
      finding(
        "POD-01",
        "error",
        [...podFields, "networkPlugin", "networkPluginMode"],
        `${podFields.join(" and ")} set with network plugin azure without overlay: "Please specify network plugin mode \`overlay\` when using --pod-cidr or use network plugin \`kubenet\`."`,
        "add --network-plugin-mode overlay, or remove the pod CIDR (Azure CNI node/pod subnet gives pods VNet IPs)",
      ),
    );
  }
  if (overlay && plugin !== "azure") {
    out.push(finding("POD-02", "error", ["networkPluginMode", "networkPlugin"], `networkPluginMode cannot be set to "overlay" when networkPlugin is "${String(s.networkPlugin)}"`, "use --network-plugin azure with --network-plugin-mode overlay, or drop the mode"));
  }
  if (overlay && s.vnet.podSubnetCidr !== undefined) {
    out.push(
      finding("POD-03", "error", ["networkPluginMode", "vnet.podSubnetCidr"], `Azure CNI Overlay and a pod subnet (${String(s.vnet.podSubnetCidr)}) are different IPAM modes`, "remove the pod subnet for overlay, or drop --network-plugin-mode overlay for Azure CNI Pod Subnet"),
    );
  } else if ((plugin === "kubenet" || plugin === "none") && s.vnet.podSubnetCidr !== undefined) {
    // Only Azure CNI gives pods VNet addresses from a pod subnet; the cluster body would carry none (it is not sent).
    const why = plugin === "kubenet" ? "kubenet gives only the nodes VNet addresses; pods take theirs from the pod CIDR behind routes" : "with bring-your-own CNI your plugin assigns pod addresses, from the pod CIDR";
    out.push(finding("POD-03", "error", ["networkPlugin", "vnet.podSubnetCidr"], `networkPlugin ${plugin} has no pod subnet (${String(s.vnet.podSubnetCidr)}): ${why}`, "remove the pod subnet (--pod-subnet-cidr), or use --network-plugin azure without overlay for Azure CNI Pod Subnet"));
  }
  if (plugin === "none" && s.podCidr === undefined && !(Array.isArray(s.podCidrs) && s.podCidrs.length > 0)) {
    const free = sharedPlanner(ctx).clusterRange(16, 4, ["podCidr"]);
    out.push(
      finding(
        "POD-07",
        "error",
        ["podCidr", "networkPlugin"],
        'networkPlugin none (bring your own CNI) without a pod CIDR: "You must specify a Pod CIDR"; the control plane routes to pods through it, even though your CNI assigns the addresses',
        `add --pod-cidr ${free?.canonical ?? "10.244.0.0/16"} (a range of your own, clear of the VNet, the service CIDR, connected networks and the reserved ranges)`,
      ),
    );
  }
  return out;
}

/** POD-04 / POD-05: dual-stack lists follow ipFamilies. */
function dualStack(ctx: RuleContext): Finding[] {
  const s = ctx.spec;
  const out: Finding[] = [];
  const families: unknown[] | undefined = Array.isArray(s.ipFamilies) ? s.ipFamilies : undefined;
  if (families && families.every((f) => f === "IPv4" || f === "IPv6")) {
    const ok = (families.length === 1 && families[0] === "IPv4") || (families.length === 2 && families[0] === "IPv4" && families[1] === "IPv6");
    if (!ok) {
      out.push(finding("POD-05", "error", "ipFamilies", `ipFamilies [${families.join(", ")}] is not supported: "\`ip_versions\` must be \`IPv4\` or \`IPv4\` and \`IPv6\`. \`IPv6\` alone is not supported"`, "use ipFamilies [IPv4] or [IPv4, IPv6]"));
    }
  }
  const dual = families?.includes("IPv6") ?? false;
  const expected = dual ? [4, 6] : [4];
  for (const list of ["podCidrs", "serviceCidrs"] as const) {
    const v: unknown = s[list];
    if (!Array.isArray(v) || ctx.provenance[list] === "default") continue;
    const tf = list === "podCidrs" ? "pod_cidrs" : "service_cidrs";
    if (v.length > 1 && !dual) {
      out.push(finding("POD-04", "error", [list, "ipFamilies"], `${list} has ${v.length} entries: "dual-stack networking must be enabled and \`ip_versions\` must be set to ["IPv4", "IPv6"] in order to specify multiple values in \`${tf}\`"`, "set ipFamilies [IPv4, IPv6] (--ip-families IPv4,IPv6), or keep one IPv4 entry"));
      continue;
    }
    if (v.length !== expected.length) {
      out.push(finding("POD-04", "error", [list, "ipFamilies"], `${list} has ${v.length} entr${v.length === 1 ? "y" : "ies"} but ipFamilies has ${expected.length}: the count and order must match`, dual ? `give one IPv4 and one IPv6 range, e.g. ${list === "podCidrs" ? "10.244.0.0/16,fd12:3456:789a::/64" : "10.0.0.0/16,fd12:3456:789a:1::/108"}` : "give one IPv4 range"));
      continue;
    }
    v.forEach((_, i) => {
      const c = ctx.cidrs.get(`${list}[${i}]`);
      const want = expected[i];
      if (c && c.family !== want) {
        out.push(finding("POD-04", "error", `${list}[${i}]`, `${list}[${i}] ${c.text} is IPv${c.family}, but entry ${i} must be IPv${String(want)} to match ipFamilies (IPv4 first)`, `put the IPv4 range first, then the IPv6 range`));
      }
    });
    // The singular field is the list's first entry in the API; two different values are a contradiction.
    const single = list === "podCidrs" ? "podCidr" : "serviceCidr";
    const first = ctx.cidrs.get(`${list}[0]`);
    const one = ctx.cidrs.get(single);
    if (first && one && ctx.provenance[single] !== "default" && first.canonical !== one.canonical) {
      out.push(finding("POD-04", "error", [single, `${list}[0]`], `${single} ${one.text} differs from ${list}[0] ${first.text}`, `set ${single} to ${first.canonical} or leave it out`));
    }
  }
  return out;
}

/** POD-06: a pod CIDR can't shrink or move later; warn (info) when it also cannot grow. */
function growth(ctx: RuleContext): Finding[] {
  const pod = clusterRanges(ctx, "pod").find((r) => r.cidr.family === 4);
  if (!pod || pod.cidr.prefix === 0) return [];
  if (ctx.spec.networkPlugin === "kubenet") {
    const cap = computeCapacity(ctx.spec);
    const blocks = pod.cidr.prefix <= 24 ? 2 ** (24 - pod.cidr.prefix) : 0;
    const peak = cap.peakNodes + cap.surge;
    if (blocks >= 2 * peak) return [];
    return [finding("POD-06", "info", pod.field, `kubenet's pod CIDR can't be changed after create, and ${pod.cidr.text} leaves room for ${blocks} node(s) (planned peak ${peak})`, "choose a pod CIDR with room to grow now, e.g. a /16 (256 nodes)")];
  }
  // Overlay: expansion must be a contiguous superset, so the next larger block must stay free.
  const superset = makeCidr(pod.cidr.start, pod.cidr.prefix - 1, 4);
  const pods = clusterRanges(ctx, "pod").map((r) => r.field);
  const planner = sharedPlanner(ctx);
  // A pod CIDR that already overlaps something has its own errors (OVL-*, RES-01); growth is moot.
  if (planner.conflicts(pod.cidr, pods, 1).length > 0) return [];
  const blockers = planner.conflicts(superset, pods, 3);
  if (blockers.length === 0) return [];
  const names = blockers.map((b) => `${b.cidr.text} (${b.field})`).join(", ");
  return [finding("POD-06", "info", [pod.field, ...blockers.map((b) => b.field).filter((f) => f !== "reserved")], `pod CIDR ${pod.cidr.text} can later grow only to a contiguous superset such as ${superset.canonical}, which overlaps ${names}`, "if the cluster may grow, pick a pod CIDR whose larger supersets are free")];
}
