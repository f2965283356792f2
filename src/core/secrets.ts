/**
 * Secrets in request bodies (the Windows administrator password). A plan never holds a secret: its body carries a
 * token, `[secret:<name>]`, that shows in `--dry-run` output as is. The executor puts the value in only for the PUT
 * that creates the resource; Azure never returns a secret on GET, so diffs skip tokens and an update leaves them out
 * (Azure keeps what it has).
 */

const SECRET_PATTERN = /^\[secret:([a-zA-Z0-9-]+)\]$/;

/** The token standing for secret `name` in a body. */
export function secretRef(name: string): string {
  return `[secret:${name}]`;
}

/** The secret's name when `value` is a secret token, else undefined. */
export function secretName(value: unknown): string | undefined {
  return typeof value === "string" ? SECRET_PATTERN.exec(value)?.[1] : undefined;
}

/** The names of the secrets a body needs, in order, without duplicates. */
export function secretNames(body: unknown): string[] {
  const names: string[] = [];
  walk(body, (v) => {
    const n = secretName(v);
    if (n !== undefined && !names.includes(n)) names.push(n);
    return v;
  });
  return names;
}

/** A copy of `body` with every secret token replaced by its value; throws (naming the secret, never a value) when one is missing. */
export function fillSecrets<T>(body: T, secrets: ReadonlyMap<string, string>): T {
  return walk(body, (v) => {
    const n = secretName(v);
    if (n === undefined) return v;
    const value = secrets.get(n);
    if (value === undefined) throw new Error(`no value for the secret ${n}`);
    return value;
  }) as T;
}

/** A copy of `body` without the keys whose value is a secret token (what an update sends, and what is compared). */
export function withoutSecrets<T>(body: T): T {
  return walk(body, (v) => v, true) as T;
}

function walk(value: unknown, fn: (v: unknown) => unknown, dropSecrets = false): unknown {
  if (Array.isArray(value)) return value.map((v) => walk(v, fn, dropSecrets));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (dropSecrets && secretName(v) !== undefined) continue;
      out[k] = walk(v, fn, dropSecrets);
    }
    return out;
  }
  return fn(value);
}
