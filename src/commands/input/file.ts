/**
 * Reads a spec file (YAML or JSON; `-` is stdin) into a SpecInput.
 * Unreadable or unparsable files are usage errors (exit 2); bad values inside are findings.
 */
import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { UsageError } from "../../core/errors.ts";
import type { SpecInput } from "../../core/spec.ts";

/** Reads and parses the file; the document must be a mapping. */
export async function readSpecFile(path: string, stdin: NodeJS.ReadableStream): Promise<SpecInput> {
  let text: string;
  try {
    text = path === "-" ? await readAll(stdin) : await readFile(path, "utf8");
  } catch (e) {
    throw new UsageError(`cannot read spec file '${path}': ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML is a superset of JSON
  } catch (e) {
    const first = String((e as Error).message).split("\n")[0];
    throw new UsageError(`spec file '${path}' is not valid YAML or JSON: ${first}`);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw new UsageError(`spec file '${path}' must hold a mapping of spec keys (see \`aks-net schema\`)`);
  }
  return doc as SpecInput;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
