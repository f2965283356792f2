/**
 * Checks the SHAPE of a spec document (known keys, types, nesting) against the value-free schema, with the validator
 * ajv compiled ahead of time from shapeSchema() (ajv standalone: no compiler at start-up; see test/helpers/generated.ts).
 * A shape error is a usage error naming one key path; values are left to the rules (findings, exit 3).
 */
import type { ErrorObject } from "ajv";
import { UsageError } from "../../core/errors.ts";
import { specSchema } from "../../core/spec-schema.ts";
import type { JsonSchema } from "../../core/spec-schema.ts";
import { closest } from "../../core/suggest.ts";
import { validate as generated } from "./spec-shape.generated.ts";

const validate = generated as unknown as { (doc: unknown): boolean; errors?: ErrorObject[] | null };

/** Throws a UsageError for the first shape problem of `doc`, e.g. `vnet.subnetCdir: unknown key (did you mean subnetCidr?)`. */
export function checkSpecShape(doc: unknown, source: string): void {
  if (validate(doc)) return;
  const error = validate.errors?.[0];
  if (!error) throw new UsageError(`spec file '${source}' does not match the spec schema`, "see `aks-net schema`");
  const { message, hint } = describe(error, doc);
  throw new UsageError(`spec file '${source}': ${message}`, hint);
}

/** One line for one ajv error, keyed by the field path as rules name it (`nodePools[0].count`). */
function describe(error: ErrorObject, doc: unknown): { message: string; hint: string } {
  const at = fieldPath(error.instancePath);
  if (error.keyword === "additionalProperties") {
    const key = String((error.params as { additionalProperty: string }).additionalProperty);
    // schemaPath `#/properties/vnet/additionalProperties`: its parent lists the keys allowed there.
    const parent = pointer(specSchema(), error.schemaPath.replace(/^#/, "").replace(/\/additionalProperties$/, "")) as JsonSchema | undefined;
    const known = Object.keys((parent?.["properties"] ?? {}) as JsonSchema).filter((k) => k !== "$schema");
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
    return { message: `${at || "(document)"}: must be ${article(want)}, got ${describeValue(pointer(doc, error.instancePath))}`, hint: "see `aks-net schema` for every key and its type" };
  }
  return { message: `${at || "(document)"}: ${error.message ?? "does not match the spec schema"}`, hint: "see `aks-net schema`" };
}

/** The value at a JSON pointer (`/nodePools/0/count`). */
function pointer(root: unknown, path: string): unknown {
  return segments(path).reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined), root);
}

function segments(path: string): string[] {
  return path
    .split("/")
    .slice(1)
    .map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** `/nodePools/0/count` → `nodePools[0].count`. */
function fieldPath(path: string): string {
  return segments(path).reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), "");
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
