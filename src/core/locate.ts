/**
 * Where a value sits in the text it was read from (1-based line and column), so that findings can point into the
 * spec file, the Terraform plan or the ARM template (SARIF regions, GitHub annotations). Pure: text in, positions out.
 */

export interface Position {
  line: number;
  column: number;
}

/** `nodePools[0].maxPods` → `/nodePools/0/maxPods` (RFC 6901). */
export function fieldPointer(field: string): string {
  return fieldSegments(field).map((s) => `/${String(s).replace(/~/g, "~0").replace(/\//g, "~1")}`).join("");
}

/** `nodePools[0].maxPods` → ["nodePools", 0, "maxPods"]. */
export function fieldSegments(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : (m[1] as string));
  return out;
}

/** `/a/b` → ["/a/b", "/a", ""]: the pointer and its ancestors, nearest first. */
export function pointerAncestors(pointer: string): string[] {
  const out = [pointer];
  for (let p = pointer; p !== ""; ) {
    p = p.slice(0, p.lastIndexOf("/"));
    out.push(p);
  }
  return out;
}

/**
 * Positions of the values at `pointers` in a JSON text (an object member: its key; an array element: the element).
 * One linear scan without building the document; pointers not present are absent from the result. The text is
 * assumed to be valid JSON (it was parsed already): on anything else the scan stops with what it found.
 */
export function locateJson(text: string, pointers: Iterable<string>): Map<string, Position> {
  const wanted = new Set(pointers);
  const found = new Map<string, Position>();
  if (wanted.size === 0) return found;
  interface Frame {
    arr: boolean;
    ptr: string;
    index: number;
    key: string | undefined;
    keyPos: Position | undefined;
  }
  const stack: Frame[] = [];
  let line = 1;
  let lineStart = 0;
  const pos = (i: number): Position => ({ line, column: i - lineStart + 1 });
  /** The pointer of the value starting at `i`, recorded when wanted. */
  const onValue = (i: number): string => {
    const top = stack[stack.length - 1];
    const ptr = top === undefined ? "" : top.arr ? `${top.ptr}/${top.index}` : `${top.ptr}/${(top.key ?? "").replace(/~/g, "~0").replace(/\//g, "~1")}`;
    if (wanted.has(ptr) && !found.has(ptr)) found.set(ptr, top && !top.arr && top.keyPos ? top.keyPos : pos(i));
    return ptr;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      lineStart = i + 1;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 58 /* : */) continue;
    const top = stack[stack.length - 1];
    if (c === 34 /* " */) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== 34) end += text.charCodeAt(end) === 92 ? 2 : 1;
      if (top && !top.arr && top.key === undefined) {
        try {
          top.key = JSON.parse(text.slice(i, end + 1)) as string;
        } catch {
          return found;
        }
        top.keyPos = pos(i);
      } else {
        onValue(i);
      }
      i = end;
    } else if (c === 44 /* , */) {
      if (top?.arr) top.index++;
      else if (top) top.key = undefined;
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      stack.push({ arr: c === 91, ptr: onValue(i), index: 0, key: undefined, keyPos: undefined });
    } else if (c === 125 || c === 93) {
      stack.pop();
    } else {
      onValue(i);
      while (i + 1 < text.length && !/[\s,\]}]/.test(text[i + 1] as string)) i++;
    }
  }
  return found;
}

/**
 * Positions of spec fields in a YAML spec file, best effort: a key is searched inside its parent's block (block or
 * flow style on one line), a list index counts the parent's `- ` items. What cannot be followed is left out, and the
 * caller points at the nearest ancestor it found.
 */
export function locateYaml(text: string, fields: Iterable<string>): Map<string, Position> {
  const lines = text.split("\n");
  const found = new Map<string, Position>();
  for (const field of fields) {
    const at = yamlPath(lines, fieldSegments(field));
    if (at) found.set(field, at);
  }
  return found;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

/** Follows the segments; returns the position of the deepest one reached only when all were. */
function yamlPath(lines: readonly string[], segments: readonly (string | number)[]): Position | undefined {
  // The block being searched: lines [from, to), starting at column `col` on its first line.
  let from = 0;
  let to = lines.length;
  let col = 0;
  let at: Position | undefined;
  for (const seg of segments) {
    if (typeof seg === "string") {
      const re = new RegExp(`(^|[\\s{,-])["']?${seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']?\\s*:(\\s|$)`);
      let hit: { line: number; column: number } | undefined;
      for (let l = from; l < to && !hit; l++) {
        const text = l === from ? (lines[l] as string).slice(col) : (lines[l] as string);
        if (/^\s*#/.test(text)) continue;
        const m = re.exec(text);
        if (m) hit = { line: l, column: (l === from ? col : 0) + m.index + m[1]!.length };
      }
      if (!hit) return undefined;
      at = { line: hit.line + 1, column: hit.column + 1 };
      const rest = (lines[hit.line] as string).slice(hit.column).replace(/^[^:]*:/, "").replace(/#.*$/, "").trim();
      if (rest !== "") {
        // The value is on the same line (a scalar, or a flow collection): keep searching there.
        from = hit.line;
        to = hit.line + 1;
        col = hit.column + seg.length;
      } else {
        const keyIndent = indentOf(lines[hit.line] as string);
        let end = hit.line + 1;
        while (end < to && ((lines[end] as string).trim() === "" || indentOf(lines[end] as string) > keyIndent || /^\s*- /.test(lines[end] as string) && indentOf(lines[end] as string) === keyIndent)) end++;
        from = hit.line + 1;
        to = end;
        col = 0;
      }
    } else {
      const items: number[] = [];
      let itemIndent = -1;
      for (let l = from; l < to; l++) {
        const line = lines[l] as string;
        if (!/^\s*-(\s|$)/.test(line)) continue;
        const ind = indentOf(line);
        if (itemIndent < 0) itemIndent = ind;
        if (ind === itemIndent) items.push(l);
      }
      const l = items[seg];
      if (l === undefined) return undefined;
      at = { line: l + 1, column: itemIndent + 1 };
      from = l;
      to = items[seg + 1] ?? to;
      col = itemIndent + 1;
    }
  }
  return at;
}

/** `a.b[2].c` → ["a.b[2].c", "a.b[2]", "a.b", "a"]: the field and its ancestors, nearest first. */
export function fieldAncestors(field: string): string[] {
  const out = [field];
  for (let f = field; /[.[]/.test(f); ) {
    f = f.replace(/(\.[^.[\]]+|\[\d+\])$/, "");
    out.push(f);
  }
  return out;
}

/** A place in an input file, as findings carry it (validators/finding.ts FindingSource). */
export interface Place {
  file: string;
  at?: string;
  line?: number;
  column?: number;
}

/**
 * The places of spec fields in a spec file (JSON or YAML): only fields whose value came from the file (`fromFile`);
 * a field the text does not show (an array written in flow style) points at its nearest ancestor that it does.
 */
export function specFilePlaces(text: string, file: string, fields: readonly string[], fromFile: (field: string) => boolean): Map<string, Place> {
  const mine = fields.filter(fromFile);
  const all = [...new Set(mine.flatMap(fieldAncestors))];
  const json = /^\s*[{[]/.test(text);
  const found = json ? new Map([...locateJson(text, all.map(fieldPointer))].map(([p, at]) => [p, at])) : locateYaml(text, all);
  const places = new Map<string, Place>();
  for (const field of mine) {
    const at = fieldAncestors(field).map((f) => found.get(json ? fieldPointer(f) : f)).find((p) => p !== undefined);
    places.set(field, at ? { file, ...at } : { file });
  }
  return places;
}
