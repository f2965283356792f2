/**
 * Renders a Plan for people (an ordered list: step, action, type, name, what it waits for, and why for updates
 * and refusals) and as the JSON of `create --dry-run --output json`.
 */
import { TYPES, nameOf } from "../core/arm-bodies.ts";
import { planToJson } from "../core/plan.ts";
import type { Action, Operation, Plan } from "../core/plan.ts";
import { PLAIN } from "./io.ts";
import type { Style } from "./io.ts";

/** What a step is called in a plan: its resource name, or its label when the name is a GUID (role assignments). */
export function displayName(op: Pick<Operation, "type" | "resourceId" | "label">): string {
  return op.type === TYPES.roleAssignment ? op.label : nameOf(op.resourceId);
}

/** The human plan, one step per line, in execution order; `style` colours actions (plain when omitted). */
export function renderPlan(plan: Plan, style: Style = PLAIN): string {
  const names = new Map(plan.operations.map((o) => [o.resourceId.toLowerCase(), displayName(o)]));
  const actionOf = stepAction(plan);
  const numberWidth = String(plan.operations.length).length;
  const actionWidth = Math.max(0, ...plan.operations.map((o) => actionOf(o).length));
  const typeWidth = Math.max(0, ...plan.operations.map((o) => o.type.length));
  const indent = " ".repeat(numberWidth + 2);
  const colour: Record<string, (s: string) => string> = {
    create: style.green,
    update: style.yellow,
    unchanged: style.dim,
    delete: style.red,
    refused: style.red,
  };

  const lines: string[] = [];
  plan.operations.forEach((o, i) => {
    const action = actionOf(o);
    const paint = colour[action] ?? ((s: string) => s);
    const after = o.dependsOn.map((d) => names.get(d.toLowerCase()) ?? nameOf(d));
    let line = `${String(i + 1).padStart(numberWidth)}. ${paint(action.padEnd(actionWidth))}  ${o.type.padEnd(typeWidth)}  ${displayName(o)}`;
    if (after.length > 0) line += style.dim(`  (after ${after.join(", ")})`);
    lines.push(line.trimEnd());
    if ((o.action === "update" || action === "refused") && o.reason !== undefined) lines.push(`${indent}${style.dim("why:")} ${o.reason}`);
  });
  lines.push("", summary(plan));
  if (plan.refusals.length > 0) {
    lines.push("", style.red("Azure cannot make these changes in place; nothing will be changed:"));
    for (const r of plan.refusals) lines.push(`  ${names.get(r.resourceId.toLowerCase()) ?? nameOf(r.resourceId)}: ${r.reason}`);
  }
  return `${lines.join("\n")}\n`;
}

/** A step's shown action: `refused` for a resource with a refusal, else its own. */
function stepAction(plan: Plan): (o: Operation) => Action | "refused" {
  const refused = new Set(plan.refusals.map((r) => r.resourceId.toLowerCase()));
  return (o) => (refused.has(o.resourceId.toLowerCase()) ? "refused" : o.action);
}

/** `3 to create, 1 to update, 2 unchanged, 1 refused` (counts of steps; zero counts left out; `no steps` when empty). */
export function summary(plan: Plan): string {
  const order: [Action | "refused", string][] = [
    ["create", "to create"],
    ["update", "to update"],
    ["delete", "to delete"],
    ["unchanged", "unchanged"],
    ["refused", "refused"],
  ];
  const actionOf = stepAction(plan);
  const parts = order
    .map(([action, words]) => [plan.operations.filter((o) => actionOf(o) === action).length, words] as const)
    .filter(([n]) => n > 0)
    .map(([n, words]) => `${n} ${words}`);
  return parts.length === 0 ? "no steps" : parts.join(", ");
}

/** The JSON form: exactly `planToJson(plan)`, pretty-printed, newline-terminated. */
export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}
