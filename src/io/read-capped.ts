/**
 * Reading a local file whose size is not to be trusted. Synchronous: the files read this way are small (a spec, a
 * journal), and node:fs/promises would load node:readline and the fs watchers at start-up.
 */
import { closeSync, openSync, readSync } from "node:fs";

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
