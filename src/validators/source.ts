/**
 * SRC-01: a value of an imported Terraform plan, ARM/Bicep template or live cluster that aks-net cannot know before
 * deployment (unknown until apply, an expression it does not evaluate). It is named, never guessed: the field stays
 * unset and validateSpec drops every finding that involves it (their values would be AKS's defaults, not the source's).
 */
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "SRC-01", severity: "warning", summary: "A value of the imported plan, template or cluster is not known before deployment (or is an expression aks-net does not evaluate): not checked, and no finding is drawn from it." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const list = ctx.spec.imported?.unchecked;
  if (!Array.isArray(list)) return [];
  return list.map((u) =>
    finding("SRC-01", "warning", u.field, `${u.field} is not checked: ${u.why} (${u.at})`, "give the value in the source (a literal, a parameter value with --param), or check the deployed cluster with `aks-net validate --from-cluster`"),
  );
}

/** True when a finding's field and an unchecked field are the same value, or one holds the other. */
export function touches(field: string, unchecked: string): boolean {
  const within = (a: string, b: string): boolean => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return within(field, unchecked) || within(unchecked, field);
}
