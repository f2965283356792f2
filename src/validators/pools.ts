/**
 * POOL-01 … POOL-07: node pools as AKS accepts them (use-system-pools.md, create-node-pools.md): the system pool runs
 * Linux; pool names are lowercase alphanumerics starting with a letter, 1-12 characters (Linux) or 1-6 (Windows), and
 * unique in the cluster; Windows pools' administrator name is one Azure accepts. Pools with subnets of their own
 * (node-pool-unique-subnet.md, configure-azure-cni-dynamic-ip-allocation.md): every subnet named is defined once, in
 * the cluster's VNet, a node subnet is never a pod subnet; taints and labels as Kubernetes accepts them (use-node-taints.md).
 */
import { clusterSubnetName, hasPoolSubnets, poolSubnets } from "../core/pool-subnets.ts";
import { NAMES } from "../core/names.ts";
import type { ClusterSpec, NodePoolSpec } from "../core/spec.ts";
import { adminUsernameProblem } from "../core/windows.ts";
import { describeValue } from "./syntax.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "POOL-01", severity: "error", summary: "System node pools run Linux (\"System pools osType must be Linux\"): Windows pools are User pools." },
    { id: "POOL-02", severity: "error", summary: "Pool names: lowercase letters and digits, starting with a letter; 1-12 characters for Linux, 1-6 for Windows." },
    { id: "POOL-03", severity: "error", summary: "Pool names are unique in the cluster." },
    { id: "POOL-04", severity: "error", summary: "Windows pools: the administrator (windowsProfile.adminUsername) is 1-20 characters, does not end in '.', and is not a name Azure reserves." },
    { id: "POOL-05", severity: "error", summary: "A pool's own subnet (vnetSubnetName/podSubnetName) is defined once, with one prefix (vnetSubnetCidr/podSubnetCidr), is not an existing subnet of another prefix, and is never both a node and a pod subnet." },
    { id: "POOL-06", severity: "error", summary: "Pools' own subnets are planned in the VNet aks-net builds (not with --vnet-subnet-id or an AKS-managed VNet); a pool's own pod subnet needs Azure CNI pod subnet (a cluster pod subnet, no overlay)." },
    { id: "POOL-07", severity: "error", summary: "Node taints are key[=value]:NoSchedule|PreferNoSchedule|NoExecute and labels key=value, as Kubernetes accepts them (63-character names and values)." },
  ];
}

/** Longest pool name per OS (create-node-pools.md). */
const MAX_NAME = { Linux: 12, Windows: 6 } as const;

export function check(ctx: RuleContext): Finding[] {
  const pools = Array.isArray(ctx.spec.nodePools) ? ctx.spec.nodePools : [];
  return [...systemLinux(pools), ...names(pools), ...unique(pools), ...windowsAdmin(ctx.spec.windowsProfile?.adminUsername), ...subnetNames(ctx.spec, pools), ...subnetPlace(ctx.spec, pools), ...taintsAndLabels(pools)];
}

/** The first pool is System unless it says otherwise (resolve.ts defaults the mode). */
function isSystem(p: NodePoolSpec, i: number): boolean {
  return (p.mode ?? (i === 0 ? "System" : "User")) === "System";
}

/** POOL-01. */
function systemLinux(pools: readonly NodePoolSpec[]): Finding[] {
  return pools.flatMap((p, i) =>
    isSystem(p, i) && p.osType === "Windows"
      ? [finding("POOL-01", "error", [`nodePools[${i}].osType`, `nodePools[${i}].mode`], `system pool '${p.name}' has osType Windows: "System pools osType must be Linux"`, i === 0 ? "keep the first (system) pool Linux and add the Windows pool after it as a User pool" : `use mode User for Windows pool '${p.name}'`)]
      : [],
  );
}

/** POOL-02. */
function names(pools: readonly NodePoolSpec[]): Finding[] {
  const out: Finding[] = [];
  pools.forEach((p, i) => {
    const name: unknown = p.name;
    const os = p.osType === "Windows" ? "Windows" : "Linux";
    const max = MAX_NAME[os];
    if (typeof name === "string" && new RegExp(`^[a-z][a-z0-9]{0,${max - 1}}$`).test(name)) return;
    const why =
      typeof name !== "string" || name === ""
        ? "is not a name"
        : !/^[a-z]/.test(name)
          ? "must begin with a lowercase letter"
          : !/^[a-z0-9]+$/.test(name)
            ? "can only contain lowercase letters and digits"
            : `is ${name.length} characters; ${os} pool names are 1-${max}`;
    const suggestion = typeof name === "string" ? name.toLowerCase().replace(/[^a-z0-9]/g, "").replace(/^[0-9]+/, "").slice(0, max) : "";
    out.push(finding("POOL-02", "error", `nodePools[${i}].name`, `pool name ${describeValue(name)} ${why} (lowercase alphanumerics starting with a letter, 1-12 characters for Linux, 1-6 for Windows)`, `use a name such as '${suggestion === "" ? (os === "Windows" ? "win" : "pool") : suggestion}'`));
  });
  return out;
}

/** POOL-03. */
function unique(pools: readonly NodePoolSpec[]): Finding[] {
  const seen = new Map<string, number>();
  const out: Finding[] = [];
  pools.forEach((p, i) => {
    if (typeof p.name !== "string") return;
    const first = seen.get(p.name);
    if (first === undefined) return void seen.set(p.name, i);
    out.push(finding("POOL-03", "error", [`nodePools[${first}].name`, `nodePools[${i}].name`], `pools ${first} and ${i} are both named '${p.name}': pool names are unique in a cluster`, `rename pool ${i}, e.g. '${`${p.name.slice(0, 10)}${i}`}'`));
  });
  return out;
}

/** POOL-04: the name Azure would refuse at create (the AKS REST spec's adminUsername restrictions). */
function windowsAdmin(name: unknown): Finding[] {
  if (name === undefined) return [];
  const problem = typeof name === "string" ? adminUsernameProblem(name) : "is not a name";
  return problem === undefined ? [] : [finding("POOL-04", "error", "windowsProfile.adminUsername", `Windows administrator ${describeValue(name)} ${problem}`, "pass --windows-admin-username with another name, e.g. winadmin")];
}

const ROLE = {
  node: { name: "vnetSubnetName", cidr: "vnetSubnetCidr", what: "node subnet" },
  pod: { name: "podSubnetName", cidr: "podSubnetCidr", what: "pod subnet" },
} as const;

/** POOL-05: every pool subnet named is defined once, with one prefix, and is either a node or a pod subnet. */
function subnetNames(spec: ClusterSpec, pools: readonly NodePoolSpec[]): Finding[] {
  const out: Finding[] = [];
  const defined = { node: poolSubnets(spec, "node"), pod: poolSubnets(spec, "pod") };
  const existing = Array.isArray(spec.vnet.existingSubnets) ? spec.vnet.existingSubnets : [];
  for (const role of ["node", "pod"] as const) {
    const k = ROLE[role];
    pools.forEach((p, i) => {
      if (p === null || typeof p !== "object") return;
      const name = p[k.name];
      const cidr = p[k.cidr];
      if (typeof name !== "string" || name === "" || name === clusterSubnetName(spec, role)) {
        if (name === clusterSubnetName(spec, role) && typeof cidr === "string" && cidr !== "" && cidr !== (role === "node" ? spec.vnet.subnetCidr : spec.vnet.podSubnetCidr)) {
          out.push(finding("POOL-05", "error", [`nodePools[${i}].${k.cidr}`, role === "node" ? "vnet.subnetCidr" : "vnet.podSubnetCidr"], `pool '${p.name}' names the cluster's ${k.what} '${name}' with prefix ${cidr}, but that subnet is ${String(role === "node" ? spec.vnet.subnetCidr : spec.vnet.podSubnetCidr)}`, `drop nodePools[${i}].${k.cidr} to share the cluster's ${k.what}, or give the pool a subnet name of its own`));
        }
        return;
      }
      const def = defined[role].find((d) => d.name === name);
      if (def === undefined && [clusterSubnetName(spec, role), ...defined[role].map((d) => d.name)].some((n) => n.toLowerCase() === name.toLowerCase())) return; // another spelling: caseTwins
      if (def === undefined) {
        out.push(finding("POOL-05", "error", `nodePools[${i}].${k.name}`, `pool '${p.name}' names ${k.what} '${name}', which no pool defines with a prefix`, `add nodePools[${i}].${k.cidr} (a free range of the VNet), or name a subnet another pool defines`));
      } else if (typeof cidr === "string" && cidr !== "" && cidr !== def.cidr) {
        out.push(finding("POOL-05", "error", [def.field, `nodePools[${i}].${k.cidr}`], `${k.what} '${name}' is ${def.cidr} for pool ${def.pools[0]} but ${cidr} for pool '${p.name}': one subnet has one prefix`, `drop nodePools[${i}].${k.cidr} to share '${name}', or give pool '${p.name}' its own ${k.name}`));
      }
    });
    for (const d of defined[role]) {
      const e = existing.findIndex((x) => x?.name === d.name && x.cidr !== d.cidr);
      if (e >= 0) out.push(finding("POOL-05", "error", [d.field, `vnet.existingSubnets[${e}].cidr`], `${k.what} '${d.name}' (${d.cidr}) has the name of the VNet's existing subnet ${String(existing[e]?.cidr)}`, `rename the pool's subnet (nodePools[${d.pools[0]}].${k.name}), or use ${String(existing[e]?.cidr)} as its prefix`));
    }
  }
  out.push(...caseTwins(spec, pools));
  const nodeNames = new Set([clusterSubnetName(spec, "node"), ...defined.node.map((d) => d.name)]);
  for (const d of defined.pod) {
    if (nodeNames.has(d.name)) out.push(finding("POOL-05", "error", d.field, `subnet '${d.name}' is both a node subnet and a pod subnet: a pod subnet is delegated to AKS for pods and holds no nodes`, `give the pod subnet another name (nodePools[${d.pools[0]}].podSubnetName)`));
  }
  return out;
}

/**
 * POOL-05 too: Azure's subnet names compare case-insensitively, so 'AKS-NODES' and 'aks-nodes' are one subnet, and
 * planning both would write one subnet twice with two prefixes. Only the same spelling shares a subnet.
 */
function caseTwins(spec: ClusterSpec, pools: readonly NodePoolSpec[]): Finding[] {
  const cluster: [field: string, name: string][] = [["vnet.subnetName", clusterSubnetName(spec, "node")]];
  if (spec.vnet.podSubnetCidr !== undefined) cluster.push(["vnet.podSubnetName", clusterSubnetName(spec, "pod")]);
  const ilb = spec.ingress?.internalLoadBalancer;
  if (ilb?.subnetCidr !== undefined) cluster.push(["ingress.internalLoadBalancer.subnetName", ilb.subnetName ?? NAMES.ilbSubnet]);
  if (spec.vnet.apiServerSubnetCidr !== undefined) cluster.push(["vnet.apiServerSubnetName", spec.vnet.apiServerSubnetName ?? NAMES.apiServerSubnet]);
  const ofPools: [field: string, name: string][] = [];
  pools.forEach((p, i) => {
    if (p === null || typeof p !== "object") return;
    for (const k of [ROLE.node.name, ROLE.pod.name]) if (typeof p[k] === "string" && p[k] !== "") ofPools.push([`nodePools[${i}].${k}`, p[k]]);
  });
  const existing = Array.isArray(spec.vnet.existingSubnets) ? spec.vnet.existingSubnets : [];
  const each = (visit: (field: string | number, name: string) => void): void => {
    for (const [field, name] of cluster) visit(field, name);
    for (let i = 0; i < existing.length; i++) {
      const name = existing[i]?.name;
      if (typeof name === "string") visit(i, name);
    }
    for (const [field, name] of ofPools) visit(field, name);
  };
  // Two spellings of one name: at least one of them is not in lower case. Only the names whose lower-case form is
  // such a name's are compared (a map of every name cost a spec with 10^5 existing subnets ~60 ms).
  const mixed = new Set<string>();
  each((_, name) => {
    const key = name.toLowerCase();
    if (key !== name) mixed.add(key);
  });
  if (mixed.size === 0) return [];
  // An existing subnet is named by its index until a finding needs its field.
  const fieldOf = (f: string | number): string => (typeof f === "number" ? `vnet.existingSubnets[${f}].name` : f);
  const out: Finding[] = [];
  const seen = new Map<string, [string | number, string]>();
  each((field, name) => {
    const key = name.toLowerCase();
    if (!mixed.has(key)) return;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, [field, name]);
    else if (first[1] !== name) {
      out.push(finding("POOL-05", "error", [fieldOf(first[0]), fieldOf(field)], `'${name}' and '${first[1]}' name the same subnet: Azure compares subnet names without case`, `spell it '${first[1]}' in ${fieldOf(field)} to share that subnet, or give it a name of its own`));
    }
  });
  return out;
}

/** POOL-06: own subnets go into the VNet aks-net plans; own pod subnets need Azure CNI pod subnet. */
function subnetPlace(spec: ClusterSpec, pools: readonly NodePoolSpec[]): Finding[] {
  if (!hasPoolSubnets(spec)) return [];
  const out: Finding[] = [];
  const own = (role: "node" | "pod"): number[] => pools.flatMap((p, i) => (p !== null && typeof p === "object" && (p[ROLE[role].name] !== undefined || p[ROLE[role].cidr] !== undefined) ? [i] : []));
  const fields = (role: "node" | "pod", list: number[]): string[] => list.map((i) => `nodePools[${i}].${ROLE[role].cidr}`);
  if (spec.vnetSubnetId !== undefined || spec.vnet.managed === true) {
    const where = spec.vnet.managed === true ? "an AKS-managed VNet" : "a brought subnet (--vnet-subnet-id)";
    out.push(finding("POOL-06", "error", [...fields("node", own("node")), ...fields("pod", own("pod")), spec.vnet.managed === true ? "vnet.managed" : "vnetSubnetId"], `pool subnets of their own are planned in the VNet aks-net builds, but this cluster uses ${where}`, "drop --vnet-subnet-id and give --vnet-cidr/--subnet-cidr (aks-net then plans every pool's subnet), or drop the pools' subnet prefixes"));
    return out;
  }
  const podSubnetMode = spec.networkPlugin === "azure" && spec.networkPluginMode !== "overlay" && (spec.vnet.podSubnetCidr !== undefined || spec.podSubnetId !== undefined);
  if (own("pod").length > 0 && !podSubnetMode) {
    out.push(finding("POOL-06", "error", fields("pod", own("pod")), `pools ${own("pod").join(", ")} ask for pod subnets of their own, but the cluster is not Azure CNI pod subnet (${String(spec.networkPlugin)}${spec.networkPluginMode ? ` ${spec.networkPluginMode}` : ""}${spec.vnet.podSubnetCidr === undefined ? ", no cluster pod subnet" : ""})`, "use --network-plugin azure without overlay and --pod-subnet-cidr for the system pool, or drop the pools' podSubnetCidr"));
  }
  return out;
}

const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
/** A Kubernetes qualified name: an optional DNS prefix and '/', then 1-63 alphanumerics, '-', '_', '.' inside. */
const QUALIFIED = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** POOL-07: taints and labels in the form Kubernetes (and AKS) accepts. */
function taintsAndLabels(pools: readonly NodePoolSpec[]): Finding[] {
  const out: Finding[] = [];
  pools.forEach((p, i) => {
    if (p === null || typeof p !== "object") return;
    (Array.isArray(p.nodeTaints) ? p.nodeTaints : []).forEach((t, j) => {
      const m = typeof t === "string" ? /^([^=:]+)(?:=([^:]*))?:(.+)$/.exec(t) : null;
      const why = !m ? "is not key[=value]:Effect" : !QUALIFIED.test(m[1] as string) ? `has an invalid key '${m[1] as string}'` : !LABEL_VALUE.test(m[2] ?? "") ? `has an invalid value '${m[2] as string}'` : !EFFECTS.includes(m[3] as string) ? `has effect '${m[3] as string}'` : undefined;
      if (why !== undefined) out.push(finding("POOL-07", "error", `nodePools[${i}].nodeTaints[${j}]`, `pool '${p.name}' taint ${describeValue(t)} ${why} (key[=value]:NoSchedule | PreferNoSchedule | NoExecute)`, "write it as e.g. CriticalAddonsOnly=true:NoSchedule"));
    });
    const labels = p.nodeLabels;
    if (labels === undefined) return;
    if (labels === null || typeof labels !== "object" || Array.isArray(labels)) {
      out.push(finding("POOL-07", "error", `nodePools[${i}].nodeLabels`, `pool '${p.name}' nodeLabels is ${describeValue(labels)}, not a map of key: value`, "write nodeLabels as a map, e.g. {workload: web}"));
      return;
    }
    for (const [k, v] of Object.entries(labels)) {
      const why = !QUALIFIED.test(k) ? `key '${k}' is not a valid label name` : typeof v !== "string" || !LABEL_VALUE.test(v) ? `value ${describeValue(v)} of '${k}' is not a valid label value` : undefined;
      if (why !== undefined) out.push(finding("POOL-07", "error", `nodePools[${i}].nodeLabels`, `pool '${p.name}': ${why} (63 characters at most, alphanumerics, '-', '_', '.' inside)`, "use e.g. workload=web"));
    }
  });
  return out;
}
