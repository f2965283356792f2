/**
 * POOL-01 … POOL-04: node pools as AKS accepts them (use-system-pools.md, create-node-pools.md): the system pool runs
 * Linux; pool names are lowercase alphanumerics starting with a letter, 1-12 characters (Linux) or 1-6 (Windows), and
 * unique in the cluster; Windows pools' administrator name is one Azure accepts.
 */
import type { NodePoolSpec } from "../core/spec.ts";
import { adminUsernameProblem } from "../core/windows.ts";
import { describeValue } from "./syntax.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export const rules: RuleInfo[] = [
  { id: "POOL-01", severity: "error", summary: "System node pools run Linux (\"System pools osType must be Linux\"): Windows pools are User pools." },
  { id: "POOL-02", severity: "error", summary: "Pool names: lowercase letters and digits, starting with a letter; 1-12 characters for Linux, 1-6 for Windows." },
  { id: "POOL-03", severity: "error", summary: "Pool names are unique in the cluster." },
  { id: "POOL-04", severity: "error", summary: "Windows pools: the administrator (windowsProfile.adminUsername) is 1-20 characters, does not end in '.', and is not a name Azure reserves." },
];

/** Longest pool name per OS (create-node-pools.md). */
const MAX_NAME = { Linux: 12, Windows: 6 } as const;

export function check(ctx: RuleContext): Finding[] {
  const pools = Array.isArray(ctx.spec.nodePools) ? ctx.spec.nodePools : [];
  return [...systemLinux(pools), ...names(pools), ...unique(pools), ...windowsAdmin(ctx.spec.windowsProfile?.adminUsername)];
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
