/**
 * RES-01 … RES-04: AKS-reserved ranges (error, C-11) and ranges outside private address space (warnings, info).
 */
import { overlaps } from "../core/cidr.ts";
import { clusterRanges, sharedPlanner, isPrivate, replacementFix, reservedRanges, vnetRanges } from "../core/planner.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "RES-01", severity: "error", summary: "Service CIDR, pod CIDR(s) and VNet address spaces must not overlap 169.254.0.0/16, 172.30.0.0/16, 172.31.0.0/16, 192.0.2.0/24." },
    { id: "RES-02", severity: "warning", summary: "Pod CIDR should be RFC 1918 or RFC 6598 (IPv6: ULA); public ranges are outside Microsoft's support." },
    { id: "RES-03", severity: "warning", summary: "Service CIDR should be a private range (RFC 1918 / RFC 6598; IPv6: ULA)." },
    { id: "RES-04", severity: "info", summary: "VNet address space outside private space: Azure accepts it (noted, not an error)." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const planner = sharedPlanner(ctx);
  const out: Finding[] = [];
  const groups = [
    { ranges: clusterRanges(ctx, "service"), what: "service CIDR", rule: "RES-03", severity: "warning" as const },
    { ranges: clusterRanges(ctx, "pod"), what: "pod CIDR", rule: "RES-02", severity: "warning" as const },
    { ranges: vnetRanges(ctx), what: "VNet address space", rule: "RES-04", severity: "info" as const },
  ];
  for (const { ranges, what, rule, severity } of groups) {
    for (const r of ranges) {
      // Lazy: a free-range search against a million connected ranges is worth doing only for a finding.
      const fix = (): string => replacementFix(planner, r.field, r.cidr);
      const reserved = reservedRanges().filter((x) => overlaps(x, r.cidr));
      if (reserved.length > 0) {
        // Overlap, not equality: 172.16.0.0/12 contains 172.30.0.0/16 (RES-01 docs example).
        const names = reserved.map((x) => x.text).join(", ");
        out.push(finding("RES-01", "error", r.field, `${what} ${r.cidr.text} (${r.field}) overlaps the AKS-reserved range ${names}; AKS rejects it`, fix()));
        continue;
      }
      if (isPrivate(r.cidr)) continue;
      const space = r.cidr.family === 4 ? "RFC 1918 / RFC 6598 private space" : "IPv6 unique local space (fc00::/7)";
      const note =
        rule === "RES-04"
          ? "Azure accepts it, but traffic to the public owner of those addresses is routed into the VNet"
          : rule === "RES-02"
            ? "Azure doesn't block public ranges, but they're outside Microsoft's support scope"
            : "docs: use any private address range";
      out.push(finding(rule, severity, r.field, `${what} ${r.cidr.text} (${r.field}) is outside ${space}: ${note}`, fix()));
    }
  }
  return out;
}
