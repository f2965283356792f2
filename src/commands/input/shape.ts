/**
 * Checks the SHAPE of a spec document (known keys, types, nesting) with ajv against the value-free schema.
 * A shape error is a usage error naming one key path; values are left to the rules (findings, exit 3).
 */
import { Ajv } from "ajv";
import type { ErrorObject, ValidateFunction } from "ajv";
import { UsageError } from "../../core/errors.ts";
import { shapeSchema } from "../../core/spec-schema.ts";
import type { JsonSchema } from "../../core/spec-schema.ts";
import { closest } from "../../core/suggest.ts";

let validator: ValidateFunction | undefined;

/** Throws a UsageError for the first shape problem of `doc`, e.g. `vnet.subnetCdir: unknown key (did you mean subnetCidr?)`. */
export function checkSpecShape(doc: unknown, source: string): void {
  validator ??= new Ajv({ allErrors: false, verbose: true, strict: false }).compile(shapeSchema());
  if (validator(doc)) return;
  const error = validator.errors?.[0];
  if (!error) throw new UsageError(`spec file '${source}' does not match the spec schema`, "see `aks-net schema`");
  const { message, hint } = describe(error);
  throw new UsageError(`spec file '${source}': ${message}`, hint);
}

/** One line for one ajv error, keyed by the field path as rules name it (`nodePools[0].count`). */
function describe(error: ErrorObject): { message: string; hint: string } {
  const at = fieldPath(error.instancePath);
  if (error.keyword === "additionalProperties") {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    const known = Object.keys(((error.parentSchema ?? {}) as JsonSchema)["properties"] ?? {}).filter((k) => k !== "$schema");
    const guess = closest(key, known);
    const path = at ? `${at}.${key}` : key;
    return {
      message: `${path}: unknown key${guess ? ` (did you mean '${guess}'?)` : ""}`,
      hint: `keys allowed${at ? ` in ${at}` : ""}: ${known.join(", ")}`,
    };
  }
  if (error.keyword === "required") {
    const key = String((error.params as { missingProperty: string }).missingProperty);
    return { message: `${at ? `${at}.` : ""}${key}: missing (needed in every ${at.replace(/\[\d+\]$/, "[]") || "spec"} entry)`, hint: "see `aks-net schema`" };
  }
  if (error.keyword === "type") {
    const want = String((error.params as { type: string }).type);
    return { message: `${at || "(document)"}: must be ${article(want)}, got ${describeValue(error.data)}`, hint: "see `aks-net schema` for every key and its type" };
  }
  return { message: `${at || "(document)"}: ${error.message ?? "does not match the spec schema"}`, hint: "see `aks-net schema`" };
}

/** `/nodePools/0/count` → `nodePools[0].count`. */
function fieldPath(pointer: string): string {
  return pointer
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), "");
}

function article(type: string): string {
  const words: Record<string, string> = { string: "a string", integer: "a whole number", boolean: "true or false", array: "a list", object: "a mapping", number: "a number" };
  return words[type] ?? type;
}

function describeValue(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  const shown = JSON.stringify(value) ?? String(value);
  return `${typeof value} ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`;
}
