/** Test helpers for rule tests: resolve a partial spec the way the CLI does, run the engine, pick findings. */
import { resolveSpec } from "../../src/core/resolve.ts";
import type { SpecInput } from "../../src/core/spec.ts";
import { validateSpec } from "../../src/validators/index.ts";
import type { Finding } from "../../src/validators/finding.ts";

/** Resolves `input` as if it came from flags (defaults applied) and validates it. */
export function check(input: SpecInput): Finding[] {
  const { spec, provenance } = resolveSpec([{ source: "flag", input }]);
  return validateSpec(spec, provenance);
}

/** The findings of one rule id. */
export function byRule(findings: Finding[], rule: string): Finding[] {
  return findings.filter((f) => f.rule === rule);
}

/** Sorted unique rule ids of the findings with the given severity (all when omitted). */
export function ruleIds(findings: Finding[], severity?: Finding["severity"]): string[] {
  return [...new Set(findings.filter((f) => !severity || f.severity === severity).map((f) => f.rule))].sort();
}

/** A valid baseline to vary: overlay in a /16 VNet with one /22 node subnet. */
export const BASE: SpecInput = {
  networkPlugin: "azure",
  networkPluginMode: "overlay",
  vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22" },
};
