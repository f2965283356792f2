/**
 * A Bicep parameters file (`.bicepparam`: `using './main.bicep'` then `param NAME = VALUE` lines) as a parameters
 * source for `--param @FILE`. Literal values are read (strings, numbers, true/false/null, arrays and objects of
 * them); any other expression (a variable, a function such as readEnvironmentVariable() or az.getSecret(), string
 * interpolation, an operator) is an Unknown: "not checked", never guessed. Pure: text in, values out.
 */
import { UsageError } from "../errors.ts";
import { Unknown } from "./model.ts";

/** As for JSON imports (input/from.ts MAX_IMPORT_DEPTH): far deeper than any parameter value. */
const MAX_DEPTH = 100;

type Tok = { t: "str" | "num" | "id" | "p" | "nl" | "other"; v: string; interp?: boolean };

/** True when the text reads as a .bicepparam file (its `using` statement). */
export function isBicepParams(text: string): boolean {
  return /^\s*(\/\/[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*using\s+('|none\b)/.test(text);
}

/** NAME → value (or an Unknown naming why it is not read), in file order. */
export function parseBicepParams(text: string, file: string): Map<string, unknown> {
  const toks = tokenize(text, file);
  const out = new Map<string, unknown>();
  // Statements start at depth 0 with a keyword on a new line; a param's value runs up to the next statement.
  const starts: number[] = [];
  let depth = 0;
  toks.forEach((tk, i) => {
    if (tk.t === "p" && "([{".includes(tk.v)) depth++;
    else if (tk.t === "p" && ")]}".includes(tk.v)) depth--;
    else if (depth === 0 && tk.t === "id" && (i === 0 || toks[i - 1]?.t === "nl")) starts.push(i);
  });
  starts.forEach((start, n) => {
    const end = starts[n + 1] ?? toks.length;
    const stmt = toks.slice(start, end).filter((tk) => tk.t !== "nl");
    if (stmt[0]?.v !== "param") return;
    const name = stmt[1];
    if (name?.t !== "id" || stmt[2]?.v !== "=") throw new UsageError(`--param @${file}: a param statement is not 'param NAME = VALUE'`);
    const valueToks = toks.slice(start, end).slice(toks.slice(start, end).findIndex((tk) => tk.v === "=") + 1);
    out.set(name.v, literal(valueToks, name.v));
  });
  return out;
}

/** The value of `param name = …` when it is a literal. */
function literal(toks: Tok[], name: string): unknown {
  let i = 0;
  const skipNl = (): void => {
    while (toks[i]?.t === "nl") i++;
  };
  const notLiteral = new NotLiteral();
  const value = (depth = 0): unknown => {
    if (depth > MAX_DEPTH) throw new UsageError(`param ${name} nests deeper than ${MAX_DEPTH} levels`);
    skipNl();
    const tk = toks[i++];
    if (!tk) throw notLiteral;
    if (tk.t === "str") {
      if (tk.interp) throw notLiteral;
      return tk.v;
    }
    if (tk.t === "num") return Number(tk.v);
    if (tk.v === "-" && toks[i]?.t === "num") return -Number(toks[i++]!.v);
    if (tk.t === "id" && (tk.v === "true" || tk.v === "false")) return tk.v === "true";
    if (tk.t === "id" && tk.v === "null") return null;
    if (tk.t === "p" && tk.v === "[") {
      const arr: unknown[] = [];
      for (;;) {
        skipNl();
        if (toks[i]?.v === "]") return i++, arr;
        arr.push(value(depth + 1));
        if (toks[i]?.v === ",") i++;
      }
    }
    if (tk.t === "p" && tk.v === "{") {
      const obj: Record<string, unknown> = {};
      for (;;) {
        skipNl();
        const key = toks[i++];
        if (key?.v === "}") return obj;
        if (!key || (key.t !== "id" && key.t !== "str") || key.interp || toks[i++]?.v !== ":") throw notLiteral;
        obj[key.v] = value(depth + 1);
        if (toks[i]?.v === ",") i++;
      }
    }
    throw notLiteral;
  };
  try {
    const v = value();
    skipNl();
    if (i !== toks.length) throw notLiteral; // an operator or a call after a literal (`'a' == x ? …`, `x.y`)
    return v;
  } catch (e) {
    if (e instanceof NotLiteral) return new Unknown(`param ${name} in the .bicepparam file is an expression, not a literal value; aks-net reads only literal values (pass it with --param ${name}=VALUE)`);
    throw e;
  }
}

class NotLiteral extends Error {}

const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", "'": "'", $: "$" };

/** Bicep tokens: strings (escapes, `${` interpolation marked), '''multi-line''' strings, comments dropped, newlines kept. */
function tokenize(text: string, file: string): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (c === "\n") {
      out.push({ t: "nl", v: "\n" });
      i++;
    } else if (/\s/.test(c)) i++;
    else if (text.startsWith("//", i)) i = text.indexOf("\n", i) < 0 ? text.length : text.indexOf("\n", i);
    else if (text.startsWith("/*", i)) {
      const end = text.indexOf("*/", i + 2);
      if (end < 0) throw new UsageError(`--param @${file}: a comment is not closed`);
      i = end + 2;
    } else if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end < 0) throw new UsageError(`--param @${file}: a ''' string is not closed`);
      // A multi-line string starts after its first line break, takes no escapes and no interpolation.
      out.push({ t: "str", v: text.slice(i + 3, end).replace(/^\r?\n/, "") });
      i = end + 3;
    } else if (c === "'") {
      let v = "";
      let interp = false;
      i++;
      for (;;) {
        const d = text[i];
        if (d === undefined || d === "\n") throw new UsageError(`--param @${file}: a string is not closed`);
        i++;
        if (d === "'") break;
        if (d === "\\") {
          const e = text[i++] ?? "";
          const u = e === "u" ? /^\{([0-9a-fA-F]{1,6})\}/.exec(text.slice(i)) : null;
          if (u) {
            v += String.fromCodePoint(Number.parseInt(u[1] as string, 16));
            i += u[0].length;
          } else v += ESCAPES[e] ?? e;
        } else if (d === "$" && text[i] === "{") {
          interp = true;
          v += d;
        } else v += d;
      }
      out.push({ t: "str", v, interp });
    } else if (/[0-9]/.test(c)) {
      const m = /^\d+(\.\d+)?/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ t: "num", v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else {
      out.push({ t: "([{}]),:=".includes(c) ? "p" : "other", v: c });
      i++;
    }
  }
  return out;
}
