/**
 * ARM template expressions (`[concat(parameters('prefix'), '-vnet')]`), evaluated as far as they can be offline:
 * parameters(), variables(), string, array, logical and numeric functions, resourceId(), format(), the CIDR
 * functions. Whatever depends on the deployment (reference(), resourceGroup().location, uniqueString(), a function
 * aks-net does not know) is an Unknown naming the expression: "not checked", never guessed.
 */
import { formatIp, makeCidr, parseCidr } from "../cidr.ts";
import { Unknown } from "./model.ts";

export interface ExprContext {
  parameter(name: string): unknown;
  variable(name: string): unknown;
  /** copyIndex(): the index of the copy loop being expanded (the innermost one, or the one named). */
  copyIndex?(loop: string | undefined): number | undefined;
  /** What copy loops may still expand to in this import (shared by every context of one template). */
  budget?: CopyBudget;
}

export interface CopyBudget {
  left: number;
}

/** Azure's limit on a copy loop's count (copy-resources.md: "count can't exceed 800"). */
export const MAX_COPY = 800;
/**
 * Copies of every loop of one import together: nested loops multiply (800 × 800 × 800), and Azure deploys at most
 * 800 resources from a template; a template past this is named, not expanded.
 */
export const MAX_COPY_ELEMENTS = 20_000;

/** A copy loop's count when it evaluates to a whole number 0-800, else an Unknown naming why. */
export function copyCount(copy: unknown, ctx: ExprContext): number | Unknown {
  const count = evaluate((copy as Record<string, unknown> | null)?.["count"], ctx);
  if (count instanceof Unknown) return new Unknown(`its copy count is not known before deployment (${count.why})`);
  if (typeof count !== "number" || !Number.isInteger(count) || count < 0 || count > MAX_COPY) return new Unknown(`its copy count ${JSON.stringify(count)} is not a whole number 0-${MAX_COPY}`);
  if (ctx.budget) {
    if (count > ctx.budget.left) return new Unknown(`the template's copy loops expand to more than ${MAX_COPY_ELEMENTS} copies together`);
    ctx.budget.left -= count;
  }
  return count;
}

/** The context inside iteration `index` of loop `name`: copyIndex() and copyIndex('name') give `index`. */
export function inCopy(ctx: ExprContext, name: unknown, index: number): ExprContext {
  const loop = typeof name === "string" ? name.toLowerCase() : undefined;
  return { ...ctx, copyIndex: (asked) => (asked === undefined || asked.toLowerCase() === loop ? index : ctx.copyIndex?.(asked)) };
}

/**
 * Property and variable copy loops (`"copy": [{"name", "count", "input"}]`): each becomes the array `name` of
 * `count` evaluated inputs, or an Unknown when its count cannot be known.
 */
export function expandCopies(entries: unknown[], ctx: ExprContext, depth = 0): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    const entry = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>;
    const name = evaluate(entry["name"], ctx, depth + 1);
    if (typeof name !== "string") continue;
    const count = copyCount(entry, ctx);
    out[name] = count instanceof Unknown ? new Unknown(`the copy loop '${name}': ${count.why}`) : Array.from({ length: count }, (_, i) => evaluate(entry["input"], inCopy(ctx, name, i), depth + 1));
  }
  return out;
}

type Token = { t: "str"; v: string } | { t: "num"; v: number } | { t: "id"; v: string } | { t: "p"; v: string };

/** Evaluates every string of a JSON value that is an expression; `[[` escapes a literal `[`. */
export function evaluate(value: unknown, ctx: ExprContext, depth = 0): unknown {
  if (depth > 200) return new Unknown("nested too deep to evaluate");
  if (typeof value === "string") {
    if (value.startsWith("[[")) return value.slice(1);
    if (value.startsWith("[") && value.endsWith("]")) return evalExpression(value.slice(1, -1), ctx);
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, ctx, depth + 1));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // A property copy loop (an array of {name, count, input}; a resource's own copy is an object) makes its arrays.
      if (k.toLowerCase() === "copy" && Array.isArray(v) && v.every((e) => typeof e === "object" && e !== null && "input" in e)) Object.assign(out, expandCopies(v, ctx, depth));
      else out[k] = evaluate(v, ctx, depth + 1);
    }
    return out;
  }
  return value;
}

export function evalExpression(text: string, ctx: ExprContext): unknown {
  let tokens: Token[];
  try {
    tokens = tokenize(text);
  } catch {
    return new Unknown(`[${text}] does not parse`);
  }
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const expect = (v: string): void => {
    const tk = tokens[i++];
    if (tk?.t !== "p" || tk.v !== v) throw new SyntaxError(`expected ${v}`);
  };
  const primary = (): unknown => {
    const tk = tokens[i++];
    if (!tk) throw new SyntaxError("unexpected end");
    if (tk.t === "str" || tk.t === "num") return tk.v;
    if (tk.t === "id") {
      if (peek()?.t === "p" && peek()?.v === "(") {
        i++;
        const args: unknown[] = [];
        if (!(peek()?.t === "p" && peek()?.v === ")")) {
          for (;;) {
            args.push(expr());
            if (peek()?.t === "p" && peek()?.v === ",") i++;
            else break;
          }
        }
        expect(")");
        return call(tk.v, args, ctx);
      }
      if (tk.v === "true") return true;
      if (tk.v === "false") return false;
      if (tk.v === "null") return null;
    }
    throw new SyntaxError("unexpected token");
  };
  const expr = (): unknown => {
    let v = primary();
    for (;;) {
      const tk = peek();
      if (tk?.t === "p" && tk.v === ".") {
        i++;
        const name = tokens[i++];
        if (name?.t !== "id") throw new SyntaxError("expected a property");
        v = member(v, name.v);
      } else if (tk?.t === "p" && tk.v === "[") {
        i++;
        const key = expr();
        expect("]");
        v = member(v, key);
      } else return v;
    }
  };
  try {
    const v = expr();
    if (i !== tokens.length) throw new SyntaxError("trailing tokens");
    return v instanceof Unknown ? new Unknown(`[${text}]: ${v.why}`) : v;
  } catch (e) {
    // A usage error (a --param value of the wrong type) is the user's to fix, not an unknown.
    if (!(e instanceof SyntaxError)) throw e;
    return new Unknown(`[${text}] does not parse`);
  }
}

function member(v: unknown, key: unknown): unknown {
  if (v instanceof Unknown) return v;
  if (key instanceof Unknown) return key;
  if (typeof v !== "object" || v === null) return new Unknown(`no property ${String(key)}`);
  const obj = v as Record<string, unknown>;
  if (typeof key === "string" && !Array.isArray(v)) {
    // ARM property names are case-insensitive.
    const hit = Object.keys(obj).find((k) => k.toLowerCase() === key.toLowerCase());
    return hit === undefined ? new Unknown(`no property ${key}`) : obj[hit];
  }
  return obj[key as number] ?? new Unknown(`no element ${String(key)}`);
}

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < text.length; ) {
    const c = text[i] as string;
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let s = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new SyntaxError("open string");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            s += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        s += text[i++];
      }
      out.push({ t: "str", v: s });
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?\d+/.exec(text.slice(i));
      if (!m) throw new SyntaxError("bad number");
      out.push({ t: "num", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i)) as RegExpExecArray;
      out.push({ t: "id", v: m[0] });
      i += m[0].length;
    } else if ("(),.[]".includes(c)) {
      out.push({ t: "p", v: c });
      i++;
    } else throw new SyntaxError(`unexpected ${c}`);
  }
  return out;
}

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : JSON.stringify(v));

/**
 * Runs one template function; an Unknown argument makes the result unknown (if() only needs its condition, and
 * createObject()/createArray() hold it as an element).
 */
function call(name: string, args: unknown[], ctx: ExprContext): unknown {
  const fn = name.toLowerCase();
  if (fn === "if") {
    const [cond, a, b] = args;
    if (cond instanceof Unknown) return cond;
    return cond ? a : b;
  }
  const unknownArg = args.find((a) => a instanceof Unknown);
  // A container keeps an unknown element as such: the object's other keys stay known.
  if (unknownArg && !["coalesce", "createobject", "createarray"].includes(fn)) return unknownArg;
  const a = args;
  switch (fn) {
    case "parameters":
      return ctx.parameter(str(a[0]));
    case "variables":
      return ctx.variable(str(a[0]));
    case "concat":
      return a.every(Array.isArray) ? (a as unknown[][]).flat() : a.map(str).join("");
    case "format":
      return str(a[0]).replace(/\{(\d+)(?::[^}]*)?\}/g, (_, n: string) => str(a[Number(n) + 1]));
    case "tolower":
      return str(a[0]).toLowerCase();
    case "toupper":
      return str(a[0]).toUpperCase();
    case "string":
      return str(a[0]);
    case "int":
      return Number.parseInt(str(a[0]), 10);
    case "bool":
      return a[0] === true || str(a[0]).toLowerCase() === "true";
    case "trim":
      return str(a[0]).trim();
    case "replace":
      return str(a[0]).split(str(a[1])).join(str(a[2]));
    case "split":
      return str(a[0]).split(str(a[1]));
    case "substring":
      return str(a[0]).substring(Number(a[1]), a[2] === undefined ? undefined : Number(a[1]) + Number(a[2]));
    case "length":
      return Array.isArray(a[0]) || typeof a[0] === "string" ? a[0].length : Object.keys(a[0] ?? {}).length;
    case "empty":
      return a[0] === null || a[0] === "" || (Array.isArray(a[0]) && a[0].length === 0) || (typeof a[0] === "object" && Object.keys(a[0] ?? {}).length === 0);
    case "first":
      return Array.isArray(a[0]) || typeof a[0] === "string" ? a[0][0] : undefined;
    case "last":
      return Array.isArray(a[0]) || typeof a[0] === "string" ? a[0][a[0].length - 1] : undefined;
    case "contains":
      return Array.isArray(a[0]) || typeof a[0] === "string" ? a[0].includes(a[1] as never) : Object.keys(a[0] ?? {}).some((k) => k.toLowerCase() === str(a[1]).toLowerCase());
    case "createarray":
      return [...a];
    case "createobject": {
      const out: Record<string, unknown> = {};
      for (let i = 0; i + 1 < a.length; i += 2) out[str(a[i])] = a[i + 1];
      return out;
    }
    case "union":
      return a.every(Array.isArray) ? [...new Set((a as unknown[][]).flat())] : Object.assign({}, ...a);
    case "coalesce":
      return a.find((v) => v !== null && v !== undefined) ?? null;
    case "equals":
      return JSON.stringify(a[0]) === JSON.stringify(a[1]);
    case "not":
      return !a[0];
    case "and":
      return a.every(Boolean);
    case "or":
      return a.some(Boolean);
    case "less":
      return (a[0] as number) < (a[1] as number);
    case "greater":
      return (a[0] as number) > (a[1] as number);
    case "add":
      return (a[0] as number) + (a[1] as number);
    case "sub":
      return (a[0] as number) - (a[1] as number);
    case "mul":
      return (a[0] as number) * (a[1] as number);
    case "min":
      return Math.min(...(a.flat() as number[]));
    case "max":
      return Math.max(...(a.flat() as number[]));
    case "json":
      try {
        return JSON.parse(str(a[0]));
      } catch {
        return new Unknown("json() of text that is not JSON");
      }
    case "copyindex": {
      const loop = typeof a[0] === "string" ? a[0] : undefined;
      const offset = typeof a[0] === "number" ? a[0] : typeof a[1] === "number" ? a[1] : 0;
      const index = ctx.copyIndex?.(loop);
      return index === undefined ? new Unknown(`copyIndex(${loop === undefined ? "" : `'${loop}'`}) outside a copy loop aks-net expands`) : index + offset;
    }
    case "range":
      return Number.isInteger(a[0]) && Number.isInteger(a[1]) && (a[1] as number) >= 0 && (a[1] as number) <= 10_000 ? Array.from({ length: a[1] as number }, (_, i) => (a[0] as number) + i) : new Unknown("range() with a count that is not a whole number 0-10000");
    case "div":
      return a[1] === 0 ? new Unknown("div() by zero") : Math.trunc((a[0] as number) / (a[1] as number));
    case "mod":
      return a[1] === 0 ? new Unknown("mod() by zero") : (a[0] as number) % (a[1] as number);
    case "resourceid":
      return resourceId(a.map(str));
    case "cidrsubnet":
      return cidrSubnet(str(a[0]), Number(a[1]), Number(a[2]));
    case "cidrhost":
      return cidrHost(str(a[0]), Number(a[1]));
    case "resourcegroup":
      return { name: new Unknown("resourceGroup().name is known at deployment"), location: new Unknown("resourceGroup().location is known at deployment"), id: new Unknown("resourceGroup().id is known at deployment") };
    default:
      return new Unknown(`${name}() is known only at deployment (or not evaluated by aks-net)`);
  }
}

/** resourceId([subscriptionId], [resourceGroupName], type, name1, name2, ...), the deployment's own scope left as placeholders. */
function resourceId(a: string[]): string {
  const typeAt = a.findIndex((x) => /^[A-Za-z0-9.]+\/[A-Za-z0-9./]+$/.test(x) && x.includes("."));
  const scope = a.slice(0, Math.max(typeAt, 0));
  const type = a[typeAt] ?? "";
  const names = a.slice(typeAt + 1);
  const [provider, ...types] = type.split("/");
  const sub = scope.length === 2 ? scope[0] : "{subscription}";
  const rg = scope.length >= 1 ? scope[scope.length - 1] : "{resourceGroup}";
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}/${types.map((t, i) => `${t}/${names[i] ?? ""}`).join("/")}`;
}

function cidrSubnet(network: string, prefix: number, index: number): unknown {
  const p = parseCidr(network);
  if (!p.ok || !Number.isInteger(prefix) || prefix < p.value.prefix) return new Unknown(`cidrSubnet('${network}', ${prefix}, ${index}) is not a subnet`);
  const bits = p.value.family === 4 ? 32 : 128;
  const start = p.value.start + BigInt(index) * (1n << BigInt(bits - prefix));
  if (start > p.value.end) return new Unknown(`cidrSubnet('${network}', ${prefix}, ${index}) lies outside the network`);
  return makeCidr(start, prefix, p.value.family).canonical;
}

function cidrHost(network: string, index: number): unknown {
  const p = parseCidr(network);
  if (!p.ok) return new Unknown(`cidrHost('${network}', ${index}): not a CIDR`);
  // The ARM function counts hosts from the first address after the network address.
  return formatIp(p.value.start + 1n + BigInt(index), p.value.family);
}
