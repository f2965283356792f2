/**
 * Reading a local file whose size (or kind) is not to be trusted, and writing aks-net's own files atomically.
 * Synchronous: the files are small (a spec, a journal, a cached document), and node:fs/promises would load
 * node:readline and the fs watchers at start-up.
 */
import { closeSync, constants, fstatSync, fsyncSync, openSync, readSync, renameSync, rmSync, writeFileSync } from "node:fs";
import type { Stats } from "node:fs";

/**
 * The file's UTF-8 text, or undefined when it holds more than `max` bytes. The bytes are counted as they arrive rather
 * than trusting stat().size, which is 0 for /dev/zero, /dev/urandom, FIFOs and /proc files (those would otherwise grow
 * memory without bound).
 */
export function readUpTo(path: string | number, max: number): string | undefined {
  // An open file (a number) stays open: its opener closes it.
  const fd = typeof path === "number" ? path : openSync(path, "r");
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(1 << 20, max + 1 - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > max) return undefined;
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    if (fd !== path) closeSync(fd);
  }
}

/**
 * A file aks-net keeps, or another tool's (a cache document, the journal, the Azure CLI's profile): its UTF-8 text when
 * it is a regular file of at most `max` bytes, else undefined. Opened without blocking and checked before it is read:
 * a FIFO put there hung every run at its open, and a link to /dev/zero read until memory ran out. `mine`: only a file
 * of this user's that no one else can write counts (aks-net's own files, which a directory others can write, such as
 * a shared XDG_CACHE_HOME, must not let them plant). Throws when it cannot be opened (missing). Not for a file the user
 * names (`-f`, `@FILE`): a pipe is a fine way to pass those.
 */
export function readRegularFile(path: string, max: number, opts: { mine?: boolean } = {}): string | undefined {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || (opts.mine && !ownedByMe(st))) return undefined;
    return readUpTo(fd, max);
  } finally {
    closeSync(fd);
  }
}

/**
 * The file is this user's, and neither group nor others may write it (always so where there are no uids).
 * bin/code-cache.cjs has the same for the code caches (it runs before any bundle).
 */
function ownedByMe(st: Stats): boolean {
  return typeof process.getuid !== "function" || (st.uid === process.getuid() && (st.mode & 0o022) === 0);
}

/**
 * Writes `text` to `path` through a new temporary file renamed over it: a run reading meanwhile sees the old file or
 * the new one, never half of one. The temporary file is made exclusively (after removing a stale one), so a link
 * planted at its name in a directory others can write is not followed.
 */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    rmSync(tmp, { force: true });
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
