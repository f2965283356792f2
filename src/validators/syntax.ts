/** Rule family placeholder: filled in by the rule work for this family. */
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export const rules: RuleInfo[] = [];

export function check(_ctx: RuleContext): Finding[] {
  return [];
}
