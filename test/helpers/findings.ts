/** Assertions for rule tests: exactly one finding of a rule, with its severity and fields; or none. */
import assert from "node:assert/strict";
import type { Finding, Severity } from "../../src/validators/finding.ts";
import { byRule } from "./spec.ts";

/** Asserts exactly one `rule` finding with this severity (and these fields, in order, when given); returns it. */
export function one(findings: Finding[], rule: string, severity: Severity, fields?: string[]): Finding {
  const hits = byRule(findings, rule);
  assert.equal(hits.length, 1, `expected one ${rule}, got ${JSON.stringify(findings.map((f) => `${f.rule} ${f.fields.join(",")}`))}`);
  const f = hits[0] as Finding;
  assert.equal(f.severity, severity, f.message);
  if (fields) assert.deepEqual(f.fields, fields);
  assert.ok(f.message.length > 0 && f.fix.length > 0);
  return f;
}

/** Asserts there is no `rule` finding. */
export function none(findings: Finding[], rule: string): void {
  assert.deepEqual(byRule(findings, rule), [], `unexpected ${rule}`);
}
