/**
 * Reads a spec file (YAML or JSON; `-` is stdin) into a SpecInput.
 * Unreadable or unparsable files are usage errors (exit 2); bad values inside are findings.
 */
import { readFile, stat } from "node:fs/promises";
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
    if (path !== "-" && (await stat(path)).size > MAX_BYTES) throw tooLarge();
    text = path === "-" ? await readAll(stdin) : await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read spec file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // Loaded on demand: the parser is ~70 modules, a large part of start-up for commands that read no file.
  const { parse: parseYaml } = await import("yaml");
  let doc: unknown;
  try {
    doc = parseYaml(text, { logLevel: "error" }); // YAML is a superset of JSON; warnings would leak to stderr
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0];
    throw new UsageError(`spec file '${path}' is not valid YAML or JSON: ${first}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new UsageError(`spec file '${path}' must hold a mapping of spec keys (see \`aks-net schema\`)`);
  }
  const input = dropNulls(doc) as Record<string, unknown>;
  checkSpecShape(input, path);
  delete input["$schema"];
  return input as SpecInput;
}

/** A key with an empty value (`podCidr:` in YAML) means "not set": remove it so defaults apply. */
function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, dropNulls(v)]));
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
