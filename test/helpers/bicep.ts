/**
 * A real Bicep parser for the export tests: the tree-sitter grammar for Bicep (npm tree-sitter-bicep, its prebuilt
 * .wasm) run by web-tree-sitter (WebAssembly: no native build, nothing downloaded at install or run time). `parseBicep`
 * fails on any syntax error and turns a file's statements into plain values for the tests to compare with the plan.
 */
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Language, Parser } from "web-tree-sitter";
import type { Node } from "web-tree-sitter";

const require = createRequire(import.meta.url);
await Parser.init();
const parser = new Parser();
parser.setLanguage(await Language.load(join(dirname(require.resolve("tree-sitter-bicep/package.json")), "tree-sitter-bicep.wasm")));

/** A value as written: a literal, `{ $param }` (a bare symbol), `{ $ref, path, suffix? }` (`sym.a.b`, `'${sym.a}x'`). */
export type BicepValue = unknown;

export interface BicepFile {
  targetScope?: string;
  /** Parameters with their decorators' names (`secure`). */
  params: { name: string; type: string; decorators: string[] }[];
  resources: { symbol: string; type: string; existing: boolean; body: Record<string, BicepValue> }[];
}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", $: "$" };

/** Parses `text`; a syntax error (an ERROR or MISSING node) fails the test, naming its line. */
export function parseBicep(text: string): BicepFile {
  const tree = parser.parse(text);
  assert.ok(tree, "tree-sitter returned no tree");
  const root = tree.rootNode;
  if (root.hasError) {
    const bad = (n: Node): Node | undefined => (n.isError || n.isMissing ? n : n.children.map((c) => (c ? bad(c) : undefined)).find((x) => x !== undefined));
    const at = bad(root);
    assert.fail(`Bicep syntax error at line ${(at?.startPosition.row ?? 0) + 1}: ${JSON.stringify(at?.text.slice(0, 80))}`);
  }
  const out: BicepFile = { params: [], resources: [] };
  let decorators: string[] = [];
  for (const n of named(root)) {
    if (n.type === "target_scope_assignment") out.targetScope = value(named(n)[0] as Node) as string;
    else if (n.type === "decorators") decorators = named(n).map((d) => named(named(d)[0] as Node)[0]?.text ?? "");
    else if (n.type === "parameter_declaration") {
      const [id, type] = named(n);
      out.params.push({ name: id?.text ?? "", type: type?.text ?? "", decorators });
      decorators = [];
    } else if (n.type === "resource_declaration") {
      const [id, typeString, body] = named(n);
      assert.equal(body?.type, "object", `resource ${id?.text}: an object body`);
      out.resources.push({ symbol: id?.text ?? "", type: value(typeString as Node) as string, existing: n.children.some((c) => c?.type === "existing"), body: value(body as Node) as Record<string, BicepValue> });
    } else assert.fail(`a statement the export does not write: ${n.type} at line ${n.startPosition.row + 1}`);
  }
  return out;
}

/** Named children, comments left out. */
function named(n: Node): Node[] {
  return n.namedChildren.filter((c): c is Node => c !== null && c.type !== "comment");
}

function value(n: Node): BicepValue {
  switch (n.type) {
    case "object":
      return Object.fromEntries(
        named(n).map((p) => {
          assert.equal(p.type, "object_property", `line ${p.startPosition.row + 1}: ${p.type}`);
          const [key, v] = named(p);
          return [key?.type === "string" ? value(key) : key?.text, value(v as Node)];
        }),
      );
    case "array":
      return named(n).map(value);
    case "number":
      return Number(n.text);
    case "boolean":
      return n.text === "true";
    case "null":
      return null;
    case "identifier":
      return { $param: n.text };
    case "member_expression": {
      const [sym, ...path] = n.text.split(".");
      return { $ref: sym, path: path.join(".") };
    }
    case "string":
      return stringValue(n);
    default:
      return assert.fail(`a value the export does not write: ${n.type} at line ${n.startPosition.row + 1}`);
  }
}

/**
 * A string's text; one leading `${sym.path}` interpolation makes it a reference with a literal suffix. The grammar
 * leaves some escapes (`\$`) out of its nodes, so the text between nodes is read from the source too.
 */
function stringValue(n: Node): BicepValue {
  let text = "";
  let ref: { $ref: string; path: string } | undefined;
  const decode = (raw: string): string => raw.replace(/\\(u\{([0-9a-fA-F]+)\}|.)/g, (_, e: string, hex?: string) => (hex ? String.fromCodePoint(Number.parseInt(hex, 16)) : (ESCAPES[e] ?? e)));
  const parts = n.children.filter((c): c is Node => c !== null).slice(1, -1); // between the quotes
  let pos = (n.children[0]?.endIndex ?? n.startIndex) - n.startIndex;
  parts.forEach((part, i) => {
    text += decode(n.text.slice(pos, part.startIndex - n.startIndex));
    pos = part.endIndex - n.startIndex;
    if (part.type === "string_content") text += part.text;
    else if (part.type === "escape_sequence") text += decode(part.text);
    else if (part.type === "interpolation" && i === 0) {
      const inner = named(part)[0];
      assert.equal(inner?.type, "member_expression", `line ${part.startPosition.row + 1}: an interpolation of a resource's value`);
      ref = value(inner) as { $ref: string; path: string };
    } else assert.fail(`a string part the export does not write: ${part.type} at line ${part.startPosition.row + 1}`);
  });
  text += decode(n.text.slice(pos, (n.children.at(-1)?.startIndex ?? n.endIndex) - n.startIndex));
  return ref ? { ...ref, suffix: text } : text;
}
