/**
 * The user's own directories: making them, and small JSON documents kept in the cache directory
 * ($XDG_CACHE_HOME/aks-net, else ~/.cache/aks-net: where bin/code-cache.cjs keeps the V8 code caches). A cached
 * document is a hint only: missing, not a regular file, too large or not JSON reads as none, and a write that fails is
 * dropped.
 */
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { readRegularFile, writeFileAtomic } from "./read-capped.ts";

/** A cached document is a few kilobytes; anything larger is not one of ours. */
const MAX_CACHED_BYTES = 64 * 1024;

/**
 * mkdir -p, each new directory mode 0700. Not Node's recursive mkdir: it never returns when a directory cannot be made
 * because its parent refuses with ENOENT (under /proc: XDG_STATE_HOME=/proc/x hung the journal's first write).
 * bin/code-cache.cjs has the same for the cache directory (it runs before any bundle).
 */
export function makeDirs(dir: string): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d) && dirname(d) !== d; d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d, { mode: 0o700 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e; // another run made it meanwhile
    }
  }
}

/** $XDG_CACHE_HOME/aks-net (an absolute one: the XDG spec says to ignore a relative one), else ~/.cache/aks-net; none without a home. */
export function cacheDir(env: Record<string, string | undefined>): string | undefined {
  const xdg = env["XDG_CACHE_HOME"];
  if (xdg && isAbsolute(xdg)) return join(xdg, "aks-net");
  try {
    const home = env["HOME"] || homedir();
    return isAbsolute(home) ? join(home, ".cache", "aks-net") : undefined;
  } catch {
    return undefined; // no home directory at all
  }
}

/** The cached document `name` (parsed JSON), or undefined. */
export function readCached(name: string, env: Record<string, string | undefined>): unknown {
  const dir = cacheDir(env);
  if (!dir) return undefined;
  try {
    const text = readRegularFile(join(dir, name), MAX_CACHED_BYTES, { mine: true });
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Writes the document `name` atomically (a run reading meanwhile sees the old one or the new one), mode 0600. */
export function writeCached(name: string, value: unknown, env: Record<string, string | undefined>): void {
  const dir = cacheDir(env);
  if (!dir) return;
  try {
    makeDirs(dir);
    writeFileAtomic(join(dir, name), JSON.stringify(value), 0o600);
  } catch {
    // A hint only: the next run discovers again.
  }
}
