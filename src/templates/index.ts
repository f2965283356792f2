/**
 * Named presets (`--template NAME`): a SpecInput layer below the file and the flags.
 */
import { UsageError } from "../core/errors.ts";
import type { SpecInput } from "../core/spec.ts";

export interface Template {
  name: string;
  summary: string;
  docsUrl: string;
  input: SpecInput;
}

export const TEMPLATES: readonly Template[] = [];

/** Lists the presets in display order. */
export function listTemplates(): readonly Template[] {
  return TEMPLATES;
}

/** Looks a preset up by name; an unknown name is a usage error naming the known ones. */
export function getTemplate(name: string): Template {
  const t = TEMPLATES.find((x) => x.name === name);
  if (!t) throw new UsageError(`unknown template '${name}'`, `known templates: ${TEMPLATES.map((x) => x.name).join(", ")}`);
  return t;
}
