/**
 * Reading a local file whose size is not to be trusted. Synchronous: the files read this way are small (a spec, a
 * journal), and node:fs/promises would load node:readline and the fs watchers at start-up.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

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
 * a FIFO put there hung every run at its open, and a link to /dev/zero read until memory ran out. Throws when it
 * cannot be opened (missing). Not for a file the user names (`-f`, `@FILE`): a pipe is a fine way to pass those.
 */
export function readRegularFile(path: string, max: number): string | undefined {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    return fstatSync(fd).isFile() ? readUpTo(fd, max) : undefined;
  } finally {
    closeSync(fd);
  }
}
