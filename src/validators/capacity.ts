/**
 * CAP-01 … CAP-11: will the subnets and the pod CIDR hold the nodes and pods, and are node and pod counts within
 * AKS's limits. The arithmetic lives in core/capacity.ts (shared with the output and the wizard).
 */
import { smallestAzurePrefixFor } from "../core/cidr.ts";
import { poolSubnetCapacity, DEFAULT_MAX_SURGE, MAX_VNET_PRIVATE_IPS, POD_IP_BATCH, vnetIpsAtPeak, computeCapacity, isStaticBlock, parseCountOrPercent, poolCount, poolPeak, poolSurge, staticBlockIpsPerNode } from "../core/capacity.ts";
import type { Capacity, RangeCapacity } from "../core/capacity.ts";
import { NAMES } from "../core/names.ts";
import { createPlanner } from "../core/planner.ts";
import type { NodePoolSpec } from "../core/spec.ts";
import { nodeSubnetEntry, podSubnetEntry } from "./compat.ts";
import { finding } from "./finding.ts";
import { describeValue } from "./syntax.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "CAP-01", severity: "error/warning", summary: "Azure CNI node subnet: nodes × (1 + maxPods) must fit its usable addresses at create (error); with surge and autoscaler max (warning, C-17)." },
    { id: "CAP-02", severity: "error/warning", summary: "Kubenet, overlay, pod-subnet and BYO-CNI node subnet: one address per node at create (error); with surge and autoscaler max (warning)." },
    { id: "CAP-03", severity: "error/warning", summary: "Azure CNI pod subnet (dynamic): each node takes a first batch of 16 pod IPs at start-up, so 16 × nodes at peak must fit (error); full density, max pods in batches of 16, should (warning)." },
    { id: "CAP-04", severity: "error/info", summary: "Azure CNI pod subnet (Static Block): ceil((maxPods + 1) / 16) /28 blocks per node, held for the node's lifetime, must fit every node at peak (error); maxPods = 16k − 1 wastes nothing (info)." },
    { id: "CAP-05", severity: "error", summary: "Kubenet: 400 routes per route table, counting a route per node at peak (autoscaler max + surge) plus every other route in that table (yours, or the firewall routes aks-net writes)." },
    { id: "CAP-06", severity: "error", summary: "At most 5,000 nodes per cluster and 100 node pools (Standard LB), 100 nodes with a Basic LB." },
    { id: "CAP-07", severity: "error", summary: "maxPods must be 10-250, and below 30 each pool needs maxPods × nodes ≥ 30 (C-13)." },
    { id: "CAP-08", severity: "info", summary: "Historic minimum (aks-engine, 2018 CLI: 5): maxPods 5-9 is reported with why AKS now refuses it." },
    { id: "CAP-09", severity: "warning", summary: "Windows node pools: at most 110 pods per node is recommended." },
    { id: "CAP-10", severity: "warning", summary: "Azure Network Policy Manager is not supported beyond 250 nodes or 20,000 pods." },
    { id: "CAP-11", severity: "error", summary: "Node counts and autoscaler min/max are 0-1000 per pool, min ≤ count ≤ max, and the system pool keeps at least 1 node." },
    { id: "CAP-12", severity: "error/warning", summary: "maxSurge / maxUnavailable are a count or a percentage, not both 0 (error); pool size + surge above 1,000 VMSS instances makes AKS reject the upgrade (warning)." },
    { id: "CAP-13", severity: "error", summary: "At most 65,536 private IP addresses per VNet: nodes (and Azure CNI node-subnet pods) at peak, dynamic pod-subnet IPs, the firewall subnets and what is in use elsewhere in the VNet." },
    { id: "CAP-14", severity: "error/warning", summary: "A pool's own node or pod subnet holds the pools on it: their nodes (and Azure CNI node-subnet pods, or pod-subnet IPs) at create (error), with surge and autoscaler max (warning)." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const pools = Array.isArray(ctx.spec.nodePools) ? ctx.spec.nodePools : [];
  const cap = computeCapacity(ctx.spec);
  return [...nodeSubnet(ctx, cap), ...podSubnet(ctx, cap, pools), ...limits(ctx, cap, pools), ...maxPods(pools), ...counts(pools), ...upgrade(pools), ...vnetLimit(ctx, cap, pools), ...npm(ctx, cap), ...poolSubnetsFit(ctx)];
}

/** Named the way the RP names it in SubnetIsFull: the subnet's name, else the last segment of --vnet-subnet-id. */
function subnetName(ctx: RuleContext): string {
  return ctx.spec.vnet.subnetName ?? ctx.spec.vnetSubnetId?.split("/").pop() ?? NAMES.nodeSubnet;
}

/** "10 nodes + 1 surge (autoscaler max 12)": the peak a requirement was computed for. */
function peakText(cap: Capacity): string {
  const auto = cap.peakNodes > cap.nodes ? ` (autoscaler max ${cap.peakNodes})` : "";
  return `${cap.peakNodes} nodes${auto} + ${cap.surge} surge`;
}

/** The smallest subnet prefix that holds `needed` addresses, as a free range of the VNet when one exists. */
function biggerSubnet(ctx: RuleContext, field: string, needed: number): string {
  const prefix = smallestAzurePrefixFor(needed);
  if (prefix === undefined) return `no single IPv4 subnet holds ${needed} addresses`;
  const current = ctx.cidrs.get(field);
  const free = current ? createPlanner(ctx).replacement(field, current, prefix) : undefined;
  return free ? `a /${prefix} (${needed} addresses needed), e.g. ${free.canonical}, free in the VNet` : `a /${prefix} or larger (${needed} addresses needed)`;
}

/** CAP-01 (Azure CNI node subnet: a node and its pods) and CAP-02 (one address per node), per C-16 / C-17. */
function nodeSubnet(ctx: RuleContext, cap: Capacity): Finding[] {
  const r = cap.nodeSubnet;
  if (!r || ctx.spec.vnet.managed === true) return [];
  const flat = cap.ipam === "azure-node-subnet";
  const rule = flat ? "CAP-01" : "CAP-02";
  const field = "vnet.subnetCidr";
  // Pools with different max pods: the per-node figure is each pool's own.
  const uniform = new Set(ctx.spec.nodePools.map((p) => Number(p.maxPods))).size <= 1;
  const per = !flat ? "1 address" : uniform ? `(1 + ${cap.maxPods} pods)` : "(1 + the pool's maxPods)";
  const holds = `it holds ${r.maxNodes} node${r.maxNodes === 1 ? "" : "s"}${flat ? ` at maxPods ${cap.maxPods}` : ""}, surge included`;
  const lower = flat ? "; or lower --max-pods, or use Azure CNI Overlay (--network-plugin-mode overlay), where pods take no subnet addresses" : "";
  if (r.requiredAtCreate > r.available) {
    return [
      finding(
        rule,
        "error",
        [field, "nodePools[0].count", ...(flat ? ["nodePools[0].maxPods"] : [])],
        `Subnet ${subnetName(ctx)} with address prefix ${r.cidr} does not have enough capacity for ${r.requiredAtCreate} IP addresses: ${cap.nodes} nodes × ${per} > ${r.available} usable (5 reserved); ${holds}`,
        `use ${biggerSubnet(ctx, field, r.required)} for the node subnet${lower}`,
      ),
    ];
  }
  if (r.required > r.available) {
    return [
      finding(
        rule,
        "warning",
        [field, "nodePools[0].count", ...(cap.peakNodes > cap.nodes ? ["nodePools[0].maxCount"] : [])],
        `node subnet ${r.cidr} fits ${cap.nodes} nodes × ${per} = ${r.requiredAtCreate} of ${r.available} usable at create, but not ${peakText(cap)} = ${r.required}: upgrades and scale-out will fail with SubnetIsFull; ${holds}`,
        `use ${biggerSubnet(ctx, field, r.required)} for the node subnet, or plan at most ${Math.max(r.maxNodes - cap.surge, 0)} nodes${lower}`,
      ),
    ];
  }
  return [];
}

/** CAP-14: each subnet pools have of their own, for the pools on it (node-pool-unique-subnet.md). */
function poolSubnetsFit(ctx: RuleContext): Finding[] {
  if (ctx.spec.vnet.managed === true || ctx.spec.vnetSubnetId !== undefined) return []; // POOL-06 reports these
  const pools = ctx.spec.nodePools;
  const out: Finding[] = [];
  for (const { subnet: s, range: r } of poolSubnetCapacity(ctx.spec)) {
    const names = s.pools.map((i) => `'${String(pools[i]?.name)}'`).join(", ");
    const counts = s.pools.map((i) => (pools[i]?.enableAutoScaling ? `nodePools[${i}].maxCount` : `nodePools[${i}].count`));
    const what = s.role === "node" ? "node subnet" : "pod subnet";
    const atCreate = s.role === "pod" ? Math.max(r.requiredAtCreate, r.requiredAtStart ?? 0) : r.requiredAtCreate;
    if (atCreate > r.available) {
      out.push(finding("CAP-14", "error", [s.field, ...counts], `pool ${what} '${s.name}' ${s.cidr} has ${r.available} usable addresses (5 reserved), but pool${s.pools.length > 1 ? "s" : ""} ${names} need ${atCreate} at create (${r.perNode} per node)`, `use ${biggerSubnet(ctx, s.field, r.required)} for ${s.field}`));
    } else if (r.required > r.available) {
      out.push(finding("CAP-14", "warning", [s.field, ...counts], `pool ${what} '${s.name}' ${s.cidr} fits pool${s.pools.length > 1 ? "s" : ""} ${names} at create (${r.requiredAtCreate} of ${r.available}), but not at peak with surge and autoscaler max (${r.required}): upgrades and scale-out fail with SubnetIsFull`, `use ${biggerSubnet(ctx, s.field, r.required)} for ${s.field}, or plan at most ${Math.max(r.maxNodes, 0)} nodes on it, surge included`));
    }
  }
  return out;
}

/** CAP-03 (dynamic, batches of 16) and CAP-04 (Static Block, /28 per 16 pods) on the pod subnet. */
function podSubnet(ctx: RuleContext, cap: Capacity, pools: readonly NodePoolSpec[]): Finding[] {
  const r: RangeCapacity | undefined = cap.podSubnet;
  if (!r) return [];
  const out: Finding[] = [];
  const staticBlock = pools.some(isStaticBlock);
  const atStart = r.requiredAtStart ?? 0;
  const countFields = pools.map((p, i) => (p.enableAutoScaling ? `nodePools[${i}].maxCount` : `nodePools[${i}].count`));
  if (atStart > r.available) {
    // Nodes that cannot get their first addresses never become ready: an error, not a density warning.
    const how = staticBlock
      ? `Static Block reserves ceil((maxPods + 1) / 16) /28 blocks per node for the node's lifetime (${staticBlockIpsPerNode(cap.maxPods)} addresses at maxPods ${cap.maxPods})`
      : `each node requests a first batch of ${POD_IP_BATCH} pod IPs at start-up`;
    const nodes = cap.peakNodes + cap.surge;
    const sum = staticBlock ? `need ${atStart}` : `= ${nodes} × ${POD_IP_BATCH} = ${atStart}`;
    const fit = Math.floor(r.available / Math.max(staticBlock ? staticBlockIpsPerNode(cap.maxPods) : POD_IP_BATCH, 1));
    out.push(
      finding(
        staticBlock ? "CAP-04" : "CAP-03",
        "error",
        ["vnet.podSubnetCidr", ...countFields, ...(staticBlock ? ["nodePools[0].maxPods"] : [])],
        `pod subnet ${r.cidr} has ${r.available} usable addresses, but ${how}: ${peakText(cap)} ${sum}; nodes beyond ${fit} cannot start`,
        `use ${biggerSubnet(ctx, "vnet.podSubnetCidr", Math.max(atStart, r.required))} for the pod subnet${staticBlock ? ", or lower --max-pods (16 × blocks − 1)" : ", or plan fewer nodes"}`,
      ),
    );
  } else if (r.required > r.available) {
    const how = staticBlock
      ? `Static Block reserves ceil((maxPods + 1) / 16) /28 blocks per node`
      : `pod IPs are handed to nodes in batches of ${POD_IP_BATCH}`;
    out.push(
      finding(
        staticBlock ? "CAP-04" : "CAP-03",
        "warning",
        ["vnet.podSubnetCidr", "nodePools[0].maxPods"],
        `pod subnet ${r.cidr} has ${r.available} usable addresses, ${peakText(cap)} at maxPods ${cap.maxPods} need ${r.required} (${how}); it holds ${r.maxNodes} nodes`,
        `use ${biggerSubnet(ctx, "vnet.podSubnetCidr", r.required)} for the pod subnet, or lower --max-pods`,
      ),
    );
  }
  pools.forEach((p, i) => {
    const mp = Number(p.maxPods);
    if (!isStaticBlock(p) || !Number.isInteger(mp) || (mp + 1) % 16 === 0) return;
    const reserved = staticBlockIpsPerNode(mp);
    const ideal = reserved - 1;
    out.push(
      finding("CAP-04", "info", `nodePools[${i}].maxPods`, `Static Block pool '${p.name}': maxPods ${mp} reserves ${reserved / 16} /28 blocks (${reserved} addresses) per node; ${reserved - mp - 1} stay unused`, `use --max-pods ${ideal} (16 × ${reserved / 16} − 1) to use every reserved address`),
    );
  });
  return out;
}

/** CAP-05 (kubenet 400 nodes) and CAP-06 (cluster and pool-count limits; Basic LB 100 nodes). */
function limits(ctx: RuleContext, cap: Capacity, pools: readonly NodePoolSpec[]): Finding[] {
  const out: Finding[] = [];
  const countFields = pools.map((p, i) => (p.enableAutoScaling ? `nodePools[${i}].maxCount` : `nodePools[${i}].count`));
  if (ctx.spec.networkPlugin === "kubenet") out.push(...kubenetRoutes(ctx, cap, countFields));
  const basic = ctx.spec.loadBalancerSku === "basic";
  const clusterMax = basic ? 100 : 5000;
  if (cap.peakNodes > clusterMax) {
    const why = basic ? "a Basic load balancer (availability sets) allows 100 nodes" : "AKS allows 5,000 nodes per cluster";
    out.push(finding("CAP-06", "error", basic ? ["loadBalancerSku", ...countFields] : countFields, `${why}, the pools reach ${cap.peakNodes}`, basic ? "use --load-balancer-sku standard" : "split the workload over several clusters of at most 5,000 nodes"));
  }
  if (pools.length > 100) {
    out.push(finding("CAP-06", "error", "nodePools", `AKS allows 100 node pools per cluster, the spec has ${pools.length}`, "merge pools, or split the cluster"));
  }
  return out;
}

/** Azure's limit of routes in one route table (configure-kubenet.md: "a maximum of 400 routes in a UDR"). */
const MAX_ROUTES = 400;

/**
 * CAP-05: kubenet writes one route per node (its pod /24) into the node subnet's route table, next to every other route
 * there: the user's routes, or with --firewall the two aks-net writes (0.0.0.0/0 to the firewall, its public IP/32).
 */
function kubenetRoutes(ctx: RuleContext, cap: Capacity, countFields: string[]): Finding[] {
  const s = ctx.spec;
  const routes = Array.isArray(s.routes) ? s.routes : [];
  // With --firewall aks-net replaces a user default route with its own (plan.ts userRoutes).
  const other = s.firewall.enabled ? 2 + routes.filter((r) => r?.prefix !== "0.0.0.0/0").length : routes.length;
  const nodeRoutes = cap.peakNodes + cap.surge;
  const total = nodeRoutes + other;
  if (total <= MAX_ROUTES) return [];
  const fields = ["networkPlugin", ...countFields, ...(routes.length > 0 ? ["routes"] : [])];
  const others = other > 0 ? ` + ${other} other route${other === 1 ? "" : "s"}${s.firewall.enabled ? " (aks-net's firewall routes and yours)" : ""}` : "";
  const room = Math.max(MAX_ROUTES - other - cap.surge, 0);
  return [
    finding(
      "CAP-05",
      "error",
      fields,
      `kubenet writes one route per node into the node subnet's route table, and Azure allows 400 routes per route table: this plan needs ${total} routes: ${peakText(cap)}${others}`,
      `use Azure CNI Overlay (--network-plugin azure --network-plugin-mode overlay), which needs no routes; or plan at most ${room} nodes at peak`,
    ),
  ];
}

/** CAP-07 (10-250 and ≥ 30 pods per pool, C-13), CAP-08 (historic minima), CAP-09 (Windows ≤ 110). */
function maxPods(pools: readonly NodePoolSpec[]): Finding[] {
  const out: Finding[] = [];
  pools.forEach((p, i) => {
    if (p.maxPods === undefined) return;
    const field = `nodePools[${i}].maxPods`;
    const mp = Number(p.maxPods);
    if (!Number.isInteger(mp) || mp < 10 || mp > 250) {
      out.push(finding("CAP-07", "error", field, `The value of parameter maxPods is invalid: pool '${p.name}' has maxPods ${String(p.maxPods)}, AKS accepts 10-250`, `use --max-pods between 10 and 250 (${mp > 250 ? 250 : 30} fits here)`));
      if (Number.isInteger(mp) && mp >= 5 && mp < 10) {
        out.push(finding("CAP-08", "info", field, `maxPods ${mp} met the historic minimum of 5 (aks-engine, 2018 CLI) but AKS now requires 10 (C-13)`, "use --max-pods 10 or more; older templates that set 5-9 need updating"));
      }
      return;
    }
    const nodes = p.enableAutoScaling && p.minCount !== undefined ? Math.min(poolCount(p), Number(p.minCount) || 0) : poolCount(p);
    if (mp < 30 && nodes > 0 && mp * nodes < 30) {
      const need = Math.ceil(30 / mp);
      out.push(
        finding("CAP-07", "error", [field, p.enableAutoScaling ? `nodePools[${i}].minCount` : `nodePools[${i}].count`], `The value of parameter maxPods is invalid: pool '${p.name}' has room for ${mp * nodes} pods (${nodes} × maxPods ${mp}); below maxPods 30 each pool needs room for 30`, `use --max-pods ${Math.ceil(30 / nodes)} or at least ${need} nodes`),
      );
    }
    if (p.osType === "Windows" && mp > 110) {
      out.push(finding("CAP-09", "warning", field, `Windows pool '${p.name}' has maxPods ${mp}; Windows nodes are recommended to run at most 110 pods`, "use --max-pods 110 or less for Windows pools"));
    }
  });
  return out;
}

/** CAP-11: per-pool counts as the CLI checks them; the system pool cannot scale to zero. */
function counts(pools: readonly NodePoolSpec[]): Finding[] {
  const out: Finding[] = [];
  pools.forEach((p, i) => {
    const at = (k: string): string => `nodePools[${i}].${k}`;
    const system = (p.mode ?? (i === 0 ? "System" : "User")) === "System";
    const range: [keyof NodePoolSpec, string][] = [
      ["count", "--node-count"],
      ["minCount", "--min-count"],
      ["maxCount", "--max-count"],
    ];
    let bad = false;
    for (const [key, flag] of range) {
      const v = p[key];
      if (v === undefined) continue;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 1000) {
        bad = true;
        out.push(finding("CAP-11", "error", at(key), `${flag} must be in the range [0,1000]: pool '${p.name}' has ${key} ${String(v)}`, `use a whole number from 0 to 1000 for ${key}`));
      }
    }
    if (bad) return;
    if (system && (poolCount(p) < 1 || (p.enableAutoScaling && p.minCount !== undefined && Number(p.minCount) < 1))) {
      const key = poolCount(p) < 1 ? "count" : "minCount";
      out.push(finding("CAP-11", "error", at(key), `system pool '${p.name}' has ${key} ${String(p[key])}; a system pool needs at least 1 node`, `use ${key === "count" ? "--node-count" : "--min-count"} 1 or more for the system pool`));
    }
    if (!p.enableAutoScaling) return;
    if (p.minCount === undefined || p.maxCount === undefined) {
      out.push(finding("CAP-11", "error", [at("minCount"), at("maxCount")], `pool '${p.name}' enables the cluster autoscaler without ${p.minCount === undefined ? "--min-count" : "--max-count"}`, "Please specify both min-count and max-count when enabling cluster autoscaler: add --min-count and --max-count"));
      return;
    }
    if (Number(p.minCount) > Number(p.maxCount)) {
      out.push(finding("CAP-11", "error", [at("minCount"), at("maxCount")], `value of min-count should be less than or equal to value of max-count: pool '${p.name}' has ${p.minCount} > ${p.maxCount}`, `swap them: --min-count ${p.maxCount} --max-count ${p.minCount}`));
    } else if (poolCount(p) < Number(p.minCount) || poolPeak(p) > Number(p.maxCount)) {
      out.push(finding("CAP-11", "error", [at("count"), at("minCount"), at("maxCount")], `node-count is not in the range of min-count and max-count: pool '${p.name}' has count ${poolCount(p)}, autoscaler ${p.minCount}-${p.maxCount}`, `use --node-count between ${p.minCount} and ${p.maxCount}`));
    }
  });
  return out;
}

/** VMSS instances per scale set: AKS rejects an upgrade whose pool size plus surge exceeds it. */
const MAX_SCALE_SET = 1000;

/** CAP-12: AgentPoolUpgradeSettings as the API takes them (upgrade-aks-node-pools-rolling.md). */
function upgrade(pools: readonly NodePoolSpec[]): Finding[] {
  const out: Finding[] = [];
  pools.forEach((p, i) => {
    const at = (k: string): string => `nodePools[${i}].${k}`;
    let bad = false;
    for (const [key, flag] of [["maxSurge", "--max-surge"], ["maxUnavailable", "--max-unavailable"]] as const) {
      const v = p[key];
      if (v === undefined || parseCountOrPercent(v)) continue;
      bad = true;
      out.push(finding("CAP-12", "error", at(key), `pool '${p.name}' has ${key} ${describeValue(v)}: it takes an integer (e.g. 5) or a percentage of the pool (e.g. 33%)`, `use ${flag} 33% (Microsoft's recommendation for production pools) or a whole number such as 1`));
    }
    if (bad) return;
    const surge = parseCountOrPercent(p.maxSurge ?? DEFAULT_MAX_SURGE);
    const unavailable = parseCountOrPercent(p.maxUnavailable ?? 0);
    if (surge?.value === 0 && unavailable?.value === 0) {
      out.push(finding("CAP-12", "error", [at("maxSurge"), at("maxUnavailable")], `pool '${p.name}' has maxSurge ${String(p.maxSurge)} and maxUnavailable ${String(p.maxUnavailable ?? 0)}: "One of MaxSurge and MaxUnavailable must be greater than 0"`, "use --max-surge 33%, or --max-unavailable 1 to upgrade in place"));
      return;
    }
    const size = poolPeak(p);
    const extra = poolSurge(p);
    if (size + extra > MAX_SCALE_SET) {
      out.push(finding("CAP-12", "warning", [at(p.enableAutoScaling ? "maxCount" : "count"), at("maxSurge")], `pool '${p.name}' reaches ${size} nodes + ${extra} surge = ${size + extra}, above the ${MAX_SCALE_SET} instances of a scale set: AKS rejects its upgrades before they start`, `use --max-surge ${Math.max(MAX_SCALE_SET - size, 0)} or less for this pool${MAX_SCALE_SET - size <= 0 ? " with --max-unavailable 1" : ""}, or split it into two pools`));
    }
  });
  return out;
}

/** CAP-13: the VNet's private IP addresses at peak against Azure's 65,536 per VNet. */
function vnetLimit(ctx: RuleContext, cap: Capacity, pools: readonly NodePoolSpec[]): Finding[] {
  // The node and pod subnets' own usage is the cluster's (counted from the plan), not "others".
  const self = new Set([nodeSubnetEntry(ctx.spec, ctx.existing)?.index, podSubnetEntry(ctx.spec, ctx.existing)?.index].filter((i): i is number => i !== undefined));
  const ips = vnetIpsAtPeak(ctx.spec, cap, self);
  if (ips.total <= MAX_VNET_PRIVATE_IPS) return [];
  const nodes = cap.peakNodes + cap.surge;
  const parts = [
    `${ips.nodes} for ${nodes} nodes${cap.ipam === "azure-node-subnet" ? " and their pods" : ""} at peak`,
    ...(ips.pods > 0 ? [`${ips.pods} pod IPs in the pod subnet`] : []),
    ...(ips.firewall > 0 ? [`${ips.firewall} for the firewall subnets`] : []),
    ...(ips.others > 0 ? [`${ips.others} in use in the VNet's other subnets`] : []),
  ];
  const countFields = pools.map((p, i) => (p.enableAutoScaling ? `nodePools[${i}].maxCount` : `nodePools[${i}].count`));
  return [
    finding(
      "CAP-13",
      "error",
      [...(ips.pods > 0 ? ["vnet.podSubnetCidr"] : []), ...countFields],
      `the VNet would hold ${ips.total} private IP addresses at peak (${parts.join(", ")}); Azure allows 65,536 per virtual network`,
      "use Azure CNI Overlay (--network-plugin azure --network-plugin-mode overlay), where pods take no VNet addresses; or Static Block (--pod-ip-allocation-mode StaticBlock), or fewer nodes or max pods",
    ),
  ];
}

/** CAP-10: Azure NPM's documented scale limits. */
function npm(ctx: RuleContext, cap: Capacity): Finding[] {
  if (ctx.spec.networkPolicy !== "azure" || (cap.peakNodes <= 250 && cap.maxPodsTotal <= 20000)) return [];
  return [
    finding(
      "CAP-10",
      "warning",
      ["networkPolicy", "nodePools[0].count"],
      `Azure Network Policy Manager is not supported beyond 250 nodes or 20,000 pods; this cluster reaches ${cap.peakNodes} nodes and up to ${cap.maxPodsTotal} pods`,
      ctx.spec.networkPlugin === "azure" ? "use Cilium (--network-dataplane cilium --network-policy cilium), or stay within 250 nodes and 20,000 pods" : "use --network-policy calico, or stay within 250 nodes and 20,000 pods",
    ),
  ];
}
