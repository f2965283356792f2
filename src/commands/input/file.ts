/**
 * Reads a spec file (YAML or JSON; `-` is stdin) into a SpecInput.
 * Unreadable or unparsable files are usage errors (exit 2); bad values inside are findings.
 */
// Sync reads: one small file, and node:fs/promises would load readline and streams at start-up.
import { readFileSync, statSync } from "node:fs";
import { UsageError } from "../../core/errors.ts";
import type { SpecInput } from "../../core/spec.ts";
import { checkSpecShape } from "./shape.ts";

/** Larger input files are refused: a spec is a few KB, and 10^6 connected ranges take about 20 MiB. */
export const MAX_BYTES = 64 * 1024 * 1024;
/** The error for a file above MAX_BYTES (its message completes "cannot read FILE: "). */
export const tooLarge = (): Error => new Error(`larger than ${MAX_BYTES / 1024 / 1024} MiB`);

/** Reads and parses the file; the document must be a mapping. */
export async function readSpecFile(path: string, stdin: NodeJS.ReadableStream): Promise<SpecInput> {
  let text: string;
  try {
    if (path !== "-" && statSync(path).size > MAX_BYTES) throw tooLarge();
    text = path === "-" ? await readAll(stdin) : readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read spec file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = await parseDocument(text);
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0];
    throw new UsageError(`spec file '${path}' is not valid YAML or JSON: ${first}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new UsageError(`spec file '${path}' must hold a mapping of spec keys (see \`aks-net schema\`)`);
  }
  // A document that expands to more nodes than it has characters is an alias bomb; refuse it before walking it.
  const budget = { left: text.length + 1000 };
  const input = dropNulls(doc, budget) as Record<string, unknown>;
  if (budget.left < 0) throw new UsageError(`spec file '${path}' expands too far (YAML aliases); write the values out`);
  checkSpecShape(input, path);
  delete input["$schema"];
  return input as SpecInput;
}

/**
 * JSON goes through JSON.parse (it is YAML too, but this is faster and loads nothing); anything else through
 * js-yaml with the YAML 1.2 core schema (no dates, no `yes` booleans), loaded only when a YAML file is read.
 */
async function parseDocument(text: string): Promise<unknown> {
  if (/^\s*[{[]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      // Flow-style YAML also starts with a brace: fall through.
    }
  }
  const yaml = (await import("js-yaml")).default;
  return yaml.load(text, { schema: yaml.CORE_SCHEMA });
}

/** A key with an empty value (`podCidr:` in YAML) means "not set": remove it so defaults apply. */
function dropNulls(value: unknown, budget: { left: number }): unknown {
  if (--budget.left < 0) return undefined;
  if (Array.isArray(value)) return value.map((v) => dropNulls(v, budget));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v, budget)]));
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    chunks.push(Buffer.from(chunk as Buffer));
    bytes += (chunks[chunks.length - 1] as Buffer).length;
    if (bytes > MAX_BYTES) throw tooLarge();
  }
  return Buffer.concat(chunks).toString("utf8");
}
