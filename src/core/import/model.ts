/**
 * What an import (a Terraform plan, an ARM/Bicep template, a live cluster) gives the rule engine: a spec input, where
 * each field came from in the source, and what could not be evaluated. A value aks-net cannot know is never guessed:
 * the field stays unset and is named in `unchecked` (SRC-01), and the engine drops findings about it.
 */
import type { SpecInput, UncheckedValue } from "../spec.ts";

/** The source of one spec field: `at` as the source's own tool names it, `pointer` into the file (when a file). */
export interface SourceRef {
  at: string;
  pointer?: string;
}

export interface Imported {
  kind: ImportKind;
  input: SpecInput;
  /** Spec field path → where its value came from. */
  sources: Map<string, SourceRef>;
  unchecked: UncheckedValue[];
}

export type ImportKind = "terraform" | "arm" | "cluster";

/** Marks a value that exists in the source but is not known before deployment (or not evaluable by aks-net). */
export class Unknown {
  readonly why: string;
  constructor(why: string) {
    this.why = why;
  }
}

/** Collects one import: `set` writes a known value with its source, `unknown` records what stays unchecked. */
export class ImportBuilder {
  readonly input: Record<string, unknown> = {};
  readonly sources = new Map<string, SourceRef>();
  readonly unchecked: UncheckedValue[] = [];

  readonly kind: ImportKind;
  constructor(kind: ImportKind) {
    this.kind = kind;
  }

  /** Writes `value` at the spec field path (`nodePools[1].maxPods`); an Unknown is recorded instead of written. */
  set(field: string, value: unknown, ref: SourceRef): void {
    if (value === undefined || value === null) return;
    if (value instanceof Unknown) return this.unknown(field, ref, value.why);
    if (Array.isArray(value) && value.some((v) => v instanceof Unknown)) {
      return this.unknown(field, ref, (value.find((v) => v instanceof Unknown) as Unknown).why);
    }
    writePath(this.input, field, value);
    this.sources.set(field, ref);
  }

  unknown(field: string, ref: SourceRef, why: string): void {
    if (this.unchecked.some((u) => u.field === field)) return;
    this.unchecked.push({ field, at: ref.at, why });
    this.sources.set(field, ref);
  }

  done(): Imported {
    const input = this.input as SpecInput;
    if (this.unchecked.length > 0) input.imported = { unchecked: this.unchecked };
    return { kind: this.kind, input, sources: this.sources, unchecked: this.unchecked };
  }
}

/** Sets `a.b[2].c` in a plain object, creating objects and arrays on the way. */
function writePath(root: Record<string, unknown>, field: string, value: unknown): void {
  const segs = [...field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : (m[1] as string)));
  let node: Record<string | number, unknown> = root;
  segs.forEach((seg, i) => {
    if (i === segs.length - 1) {
      node[seg] = value;
      return;
    }
    const next = segs[i + 1];
    node[seg] ??= typeof next === "number" ? [] : {};
    node = node[seg] as Record<string | number, unknown>;
  });
}

/** Azure resource ids compare case-insensitively; the parts by which templates and plans name them. */
export function idParts(id: string): { subscription?: string; resourceGroup?: string; provider: string; names: { type: string; name: string }[] } | undefined {
  const m = /^\/subscriptions\/([^/]*)\/resourceGroups\/([^/]*)\/providers\/([^/]+)\/(.+)$/i.exec(id);
  if (!m) return undefined;
  const rest = (m[4] as string).split("/");
  const names: { type: string; name: string }[] = [];
  for (let i = 0; i + 1 < rest.length; i += 2) names.push({ type: (rest[i] as string).toLowerCase(), name: rest[i + 1] as string });
  return { subscription: m[1], resourceGroup: m[2], provider: (m[3] as string).toLowerCase(), names };
}
