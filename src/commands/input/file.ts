/**
 * Reads a spec file (YAML or JSON; `-` is stdin) into a SpecInput.
 * Unreadable or unparsable files are usage errors (exit 2); bad values inside are findings.
 */
import { UsageError } from "../../core/errors.ts";
import type { SpecInput } from "../../core/spec.ts";
import type { Io } from "../../io/io.ts";
import { readUpTo } from "../../io/read-capped.ts";
import { checkSpecShape } from "./shape.ts";

/** Larger input files are refused: a spec is a few KB, and 10^6 connected ranges take about 20 MiB. */
export const MAX_BYTES = 64 * 1024 * 1024;
/** The error for a file above MAX_BYTES (its message completes "cannot read FILE: "). */
export const tooLarge = (): Error => new Error(`larger than ${MAX_BYTES / 1024 / 1024} MiB`);
/** A spec is about 5 levels deep; deeper documents are refused before any recursive code walks them. */
export const MAX_DEPTH = 32;

/** Reads a file as UTF-8, at most MAX_BYTES (io/read-capped.ts: counted as read, whatever stat() says). */
export function readCapped(path: string): string {
  const text = readUpTo(path, MAX_BYTES);
  if (text === undefined) throw tooLarge();
  return text;
}

/** Reads and parses the file (`-`: `io.stdin`, touched only then); the document must be a mapping. `keep.text` receives the text (findings point into it). */
export async function readSpecFile(path: string, io: Pick<Io, "stdin">, keep?: { text?: string }): Promise<SpecInput> {
  let text: string;
  try {
    text = path === "-" ? await readAll(io.stdin) : readCapped(path);
  } catch (e) {
    throw new UsageError(`cannot read spec file '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (keep) keep.text = text;
  let doc: unknown;
  let yaml: boolean;
  try {
    ({ doc, yaml } = await parseDocument(text));
  } catch (e) {
    // A parser that recursed too deep (a document nested thousands of levels) is the same refusal as tooDeep's.
    if (e instanceof RangeError) throw tooDeep(path);
    const first = String((e as Error).message).split("\n")[0];
    throw new UsageError(`spec file '${path}' is not valid YAML or JSON: ${first}`);
  }
  // JSON has no aliases: one walk both measures the depth and drops the nulls (two walks were a cost at 10^5 subnets).
  if (yaml ? depthOver(doc, MAX_DEPTH, text.length + 1000) : jsonDepthOverDroppingNulls(doc, MAX_DEPTH)) throw tooDeep(path);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new UsageError(`spec file '${path}' must hold a mapping of spec keys (see \`aks-net schema\`)`);
  }
  // A document that expands to more nodes than it has characters is an alias bomb; refuse it before walking it.
  const budget = { left: text.length + 1000 };
  const input = (yaml ? dropNulls(doc, budget, new Map()) : doc) as Record<string, unknown>;
  if (budget.left < 0) throw new UsageError(`spec file '${path}' expands too far (YAML aliases); write the values out`);
  checkSpecShape(input, path);
  delete input["$schema"];
  return input as SpecInput;
}

/**
 * JSON goes through JSON.parse (it is YAML too, but this is faster and loads nothing); anything else through
 * js-yaml with the YAML 1.2 core schema (no dates, no `yes` booleans), loaded only when a YAML file is read.
 */
async function parseDocument(text: string): Promise<{ doc: unknown; yaml: boolean }> {
  if (/^\s*[{[]/.test(text)) {
    try {
      return { doc: JSON.parse(text), yaml: false };
    } catch {
      // Flow-style YAML also starts with a brace: fall through.
    }
  }
  const yaml = (await import("js-yaml")).default;
  return { doc: yaml.load(text, { schema: yaml.CORE_SCHEMA }), yaml: true };
}

function tooDeep(path: string): UsageError {
  return new UsageError(`spec file '${path}' nests deeper than ${MAX_DEPTH} levels; a spec is a few levels deep`, "see `aks-net schema` for the spec's shape");
}

/**
 * True when `doc` has more than `limit` nested lists/mappings; iterative, so any depth is safe to measure. Stops after
 * `budget` nodes (an alias bomb is dropNulls' to report).
 */
export function depthOver(doc: unknown, limit: number, budget: number): boolean {
  // Two stacks of objects only, values counted as they are seen: a pair per value (and a list of values per object)
  // made this walk's garbage a cost of its own with 10^5 existing subnets.
  const nodes: object[] = [];
  const depths: number[] = [];
  const visit = (child: unknown, depth: number): boolean => {
    if (typeof child === "object" && child !== null) {
      nodes.push(child);
      depths.push(depth);
      return true;
    }
    return budget-- > 0;
  };
  if (!visit(doc, 0)) return false;
  while (nodes.length > 0 && budget-- > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop() as number;
    if (depth >= limit) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) if (!visit(node[i], depth + 1)) return false;
    } else {
      for (const key in node) if (Object.hasOwn(node, key) && !visit(node[key], depth + 1)) return false;
    }
  }
  return false;
}

/**
 * depthOver and dropNulls in one iterative walk, for a parsed JSON document (no aliases, so no budget: it has fewer
 * nodes than characters). True when it nests deeper than `limit` (the walk stops there, nulls partly dropped).
 */
function jsonDepthOverDroppingNulls(doc: unknown, limit: number): boolean {
  if (typeof doc !== "object" || doc === null) return false;
  const nodes: object[] = [doc];
  const depths: number[] = [0];
  while (nodes.length > 0) {
    const node = nodes.pop() as Record<string, unknown>;
    const depth = depths.pop() as number;
    if (depth >= limit) return true;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const v: unknown = node[i];
        if (typeof v === "object" && v !== null) {
          nodes.push(v);
          depths.push(depth + 1);
        }
      }
    } else {
      for (const k in node) {
        const v = node[k];
        if (v === null) delete node[k];
        else if (typeof v === "object") {
          nodes.push(v as object);
          depths.push(depth + 1);
        }
      }
    }
  }
  return false;
}

/**
 * A key with an empty value (`podCidr:` in YAML) means "not set": remove it so defaults apply. Works in place on the
 * freshly parsed document (10^5 existing subnets made rebuilding every object the cost). In YAML (`sizes` given), a
 * node that aliases share is walked once; each further use is charged its expanded size, as later copies would
 * expand it; a node that contains itself exhausts the budget. JSON has no aliases: no node bookkeeping.
 */
function dropNulls(value: unknown, budget: { left: number }, sizes?: Map<object, number>): unknown {
  if (--budget.left < 0) return undefined;
  if (typeof value !== "object" || value === null) return value;
  const known = sizes?.get(value);
  if (known !== undefined) {
    budget.left -= known < 0 ? Infinity : known;
    return value;
  }
  sizes?.set(value, -1); // in progress
  const before = budget.left;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length && budget.left >= 0; i++) value[i] = dropNulls(value[i], budget, sizes);
  } else {
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      if (budget.left < 0) break;
      if (obj[k] === null) delete obj[k];
      else obj[k] = dropNulls(obj[k], budget, sizes);
    }
  }
  sizes?.set(value, before - budget.left);
  return value;
}

export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    chunks.push(Buffer.from(chunk as Buffer));
    bytes += (chunks[chunks.length - 1] as Buffer).length;
    if (bytes > MAX_BYTES) throw tooLarge();
  }
  return Buffer.concat(chunks).toString("utf8");
}
