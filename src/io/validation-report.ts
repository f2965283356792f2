/**
 * The validation report: one JSON document (a contract) or the human text, both from the same data.
 * Shared by `validate` and by `create`, which shows the same findings before it stops.
 */
import type { Style } from "./io.ts";
import { DEFAULT_MAX_SURGE } from "../core/capacity.ts";
import type { Capacity, RangeCapacity } from "../core/capacity.ts";
import type { ResolvedSpec } from "../core/resolve.ts";
import type { ClusterSpec, Provenance } from "../core/spec.ts";
import type { Finding } from "../validators/finding.ts";

/** `validate -o json`: `valid`, `errors`, `warnings`, `spec`, `capacity` are the contract; `info` holds info findings. */
export interface ValidationReport {
  valid: boolean;
  errors: Finding[];
  warnings: Finding[];
  info: Finding[];
  spec: ClusterSpec;
  capacity: Capacity;
}

/** Splits findings by severity; valid = no errors. */
export function buildReport(resolved: ResolvedSpec, findings: readonly Finding[], capacity: Capacity): ValidationReport {
  const pick = (s: Finding["severity"]): Finding[] =>
    findings.filter((f) => f.severity === s).map((f) => ({ rule: f.rule, severity: f.severity, fields: f.fields, message: f.message, fix: f.fix, ...(f.source ? { source: f.source } : {}) }));
  const errors = pick("error");
  return { valid: errors.length === 0, errors, warnings: pick("warning"), info: pick("info"), spec: resolved.spec, capacity };
}

const GROUPS = [
  { key: "errors", title: "errors", mark: "✖", color: "red" },
  { key: "warnings", title: "warnings", mark: "!", color: "yellow" },
  { key: "info", title: "notes", mark: "i", color: "cyan" },
] as const;

/** Findings of one rule the human report prints; the rest are counted (a VNet of 10^5 subnets can give 10^5). */
const SHOWN_PER_RULE = 10;

/** Findings grouped by severity, each with rule id, fields, message and a `fix:` line; long runs of one rule summarised. */
export function renderFindings(report: Pick<ValidationReport, "errors" | "warnings" | "info">, style: Style): string {
  const parts: string[] = [];
  for (const g of GROUPS) {
    const list = report[g.key];
    if (list.length === 0) continue;
    parts.push(`${style.bold(`${g.title} (${list.length})`)}\n`);
    const seen = new Map<string, number>();
    for (const f of list) {
      const n = (seen.get(f.rule) ?? 0) + 1;
      seen.set(f.rule, n);
      if (n > SHOWN_PER_RULE) continue;
      let out = `  ${style[g.color](`${g.mark} ${f.rule}`)}  ${style.dim(f.fields.join(", "))}\n`;
      out += `    ${f.message}\n`;
      if (f.source?.at) out += `    ${style.dim(`at: ${f.source.at} (${f.source.file}${f.source.line ? `:${f.source.line}` : ""})`)}\n`;
      if (f.fix) out += `    ${style.green("fix:")} ${f.fix}\n`;
      parts.push(out);
    }
    for (const [rule, n] of seen) {
      if (n > SHOWN_PER_RULE) parts.push(`  ${style[g.color](`${g.mark} ${rule}`)}  ${style.dim(`… ${n - SHOWN_PER_RULE} more (${n} in all; -o json lists every one)`)}\n`);
    }
    parts.push("\n");
  }
  return parts.join("");
}

/** The whole human report: findings, the effective spec with each value's source, capacity, and a verdict line. */
export function renderReport(report: ValidationReport, provenance: Provenance, style: Style): string {
  const counts = `${plural(report.errors.length, "error")}, ${plural(report.warnings.length, "warning")}`;
  const verdict = report.valid ? style.green(`✔ valid (${counts})`) : style.red(`✖ invalid (${counts})`);
  return `${renderFindings(report, style)}${renderSpec(report.spec, provenance, style)}\n${renderCapacity(report.capacity, style)}\n${verdict}\n`;
}

/** Effective values, one per line, with where each came from (`default` = filled in as AKS would). */
/** Longer lists (existing subnets, routes: a live VNet may have hundreds) are summarised in the human report. */
const LISTED = 20;

function renderSpec(spec: ClusterSpec, prov: Provenance, style: Style): string {
  const rows: [string, string, string][] = [];
  const add = (path: string, value: unknown, source = sourceOf(prov, path)): void => {
    if (value === undefined || (Array.isArray(value) && value.length === 0)) return;
    rows.push([path, Array.isArray(value) ? value.join(", ") : String(value), source]);
  };
  for (const key of ["networkPlugin", "networkPluginMode", "networkPolicy", "networkDataplane", "outboundType", "loadBalancerSku", "ipFamilies"] as const) {
    add(key, spec[key]);
  }
  for (const key of ["podCidr", "podCidrs", "serviceCidr", "serviceCidrs", "dnsServiceIP", "dockerBridgeCidr", "vnetSubnetId"] as const) add(key, spec[key]);
  for (const key of ["loadBalancerProfile", "natGatewayProfile"] as const) if (spec[key]) add(key, JSON.stringify(spec[key]));
  if (spec.vnet.managed) add("vnet.managed", "true (AKS-managed VNet)");
  add("vnet.addressSpaces", spec.vnet.addressSpaces);
  add("vnet.subnetCidr", spec.vnet.subnetCidr);
  add("vnet.podSubnetCidr", spec.vnet.podSubnetCidr);
  const subnets = spec.vnet.existingSubnets;
  if (subnets.length <= LISTED) subnets.forEach((s, i) => add(`vnet.existingSubnets[${i}]`, `${s.name ?? "?"} ${s.cidr}`));
  else add("vnet.existingSubnets", `${subnets.length} subnets (${subnets.slice(0, 3).map((s) => `${s.name ?? "?"} ${s.cidr}`).join(", ")}, ...; -o json lists all)`);
  if (spec.firewall.enabled) {
    add("firewall", `enabled, ${spec.firewall.sku ?? "Standard"}`, sourceOf(prov, "firewall.enabled"));
    add("firewall.subnetCidr", spec.firewall.subnetCidr);
  }
  const n = spec.connectedCidrs.length;
  if (n > 0) add("connectedCidrs", n <= 3 ? spec.connectedCidrs : `${n} ranges (${spec.connectedCidrs.slice(0, 3).join(", ")}, ...)`);
  const route = (r: ClusterSpec["routes"][number]): string => `${r.prefix} → ${r.nextHopType}${r.nextHopIp ? ` ${r.nextHopIp}` : ""}`;
  if (spec.routes.length <= LISTED) spec.routes.forEach((r, i) => add(`routes[${i}]`, route(r)));
  else add("routes", `${spec.routes.length} routes (${spec.routes.slice(0, 3).map(route).join(", ")}, ...; -o json lists all)`);
  spec.nodePools.forEach((p, i) => {
    const at = `nodePools[${i}]`;
    const scale = p.enableAutoScaling ? `, autoscaler ${p.minCount ?? "?"}-${p.maxCount ?? "?"}` : "";
    const defaults = (["count", "maxPods", "maxSurge"] as const).filter((k) => prov[`${at}.${k}`] === "default" || (k === "maxSurge" && p.maxSurge === undefined));
    const src = defaults.length > 0 ? `default: ${defaults.join(", ")}` : sourceOf(prov, `${at}.count`);
    const unavailable = p.maxUnavailable === undefined ? "" : `, maxUnavailable ${p.maxUnavailable}`;
    add(at, `${p.name} (${p.mode ?? "User"}, ${p.osType}): ${p.count} nodes, maxPods ${p.maxPods}, surge ${p.maxSurge ?? DEFAULT_MAX_SURGE}${unavailable}${scale}${p.vmSize ? `, ${p.vmSize}` : ""}`, src);
  });
  const width = Math.max(...rows.map((r) => r[0].length));
  const lines = rows.map(([k, v, s]) => `  ${k.padEnd(width)}  ${v}  ${s === "default" || s.startsWith("default:") ? style.cyan(`(${s})`) : style.dim(`(${s})`)}`);
  return `${style.bold("effective spec")} ${style.dim("(source of each value; default = what AKS uses when omitted)")}\n${lines.join("\n")}\n`;
}

/** The source of a path: its own, its nearest recorded parent's, or (for an object) its first recorded child's. */
function sourceOf(prov: Provenance, path: string): string {
  for (let p = path; p; p = p.replace(/(\.[^.[\]]+|\[\d+\])$/, "")) {
    const source = prov[p];
    if (source) return source;
    if (!/[.[]/.test(p)) break;
  }
  const child = Object.keys(prov).find((k) => k.startsWith(`${path}.`) || k.startsWith(`${path}[`));
  return child ? (prov[child] as string) : "input";
}

const IPAM_LABEL: Record<Capacity["ipam"], string> = {
  kubenet: "kubenet",
  "azure-overlay": "Azure CNI Overlay",
  "azure-pod-subnet": "Azure CNI with pod subnet",
  "azure-node-subnet": "Azure CNI node subnet",
  "byo-cni": "bring-your-own CNI",
};

/** Nodes each range holds at max pods, against the peak (autoscaler max + surge). */
function renderCapacity(cap: Capacity, style: Style): string {
  const peak = cap.peakNodes + cap.surge;
  const lines = [`  nodes        ${cap.nodes} at create, peak ${cap.peakNodes} + ${cap.surge} surge = ${peak}; max pods per node ${cap.maxPods}`];
  const range = (label: string, r: RangeCapacity | undefined, unit: string): void => {
    if (!r) return;
    const need = `needs ${r.required} at peak`;
    const fits = r.required <= r.available;
    lines.push(`  ${label.padEnd(11)}  ${r.cidr}: ${r.available} ${unit}, ${r.perNode} per node; ${fits ? need : style.red(need)}; holds ${style.bold(String(r.maxNodes))} nodes`);
  };
  range("node subnet", cap.nodeSubnet, "usable IPs");
  range("pod subnet", cap.podSubnet, "usable IPs");
  range("pod CIDR", cap.podCidr, "/24 blocks");
  lines.push(`  pods         up to ${cap.maxPodsTotal} at the peak node count`);
  return `${style.bold("capacity")} ${style.dim(`(${IPAM_LABEL[cap.ipam]})`)}\n${lines.join("\n")}\n`;
}

/** One line for create's plan preview: how many nodes each range holds against the peak. */
export function capacityLine(cap: Capacity, style: Style): string {
  const parts = [`${cap.nodes} nodes (peak ${cap.peakNodes} + ${cap.surge} surge), ${cap.maxPods} pods per node`];
  const range = (label: string, r: RangeCapacity | undefined): void => {
    if (r) parts.push(`${label} ${r.cidr} holds ${r.maxNodes} nodes`);
  };
  range("node subnet", cap.nodeSubnet);
  range("pod subnet", cap.podSubnet);
  range("pod CIDR", cap.podCidr);
  return `${style.bold("capacity")} ${style.dim(`(${IPAM_LABEL[cap.ipam]})`)}: ${parts.join("; ")}\n`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
