/**
 * Benchmark harness: bench files register suites with `bench(name, fn)` when imported by bench/run.ts,
 * and share timing, child-process and table helpers. Benchmarks print numbers; they never pass or fail.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const BIN = fileURLToPath(new URL("../bin/aks-net", import.meta.url));

const suites: { name: string; run: () => Promise<void> }[] = [];

/** Registers a suite; `npm run bench -- NAME...` runs only the named ones. */
export function bench(name: string, run: () => Promise<void>): void {
  suites.push({ name, run });
}

/** Runs the registered suites (all, or those named in `only`) in registration order. */
export async function runAll(only: readonly string[]): Promise<void> {
  const chosen = suites.filter((s) => only.length === 0 || only.includes(s.name));
  if (chosen.length === 0) throw new Error(`no bench named ${only.join(", ")}; known: ${suites.map((s) => s.name).join(", ")}`);
  for (const s of chosen) {
    process.stdout.write(`\n## ${s.name}\n\n`);
    await s.run();
  }
}

/** Milliseconds one `node ...argv` child takes from spawn to exit (output discarded); rejects on an unexpected exit code. */
export function timeNode(argv: readonly string[], expectExit: readonly number[] = [0]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      if (expectExit.includes(code ?? -1)) resolve(ms);
      else reject(new Error(`node ${argv.join(" ")} exited ${code}: ${stderr.split("\n")[0]}`));
    });
  });
}

/** Milliseconds an in-process function takes. */
export function timeSync(fn: () => unknown): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/** Prints a Markdown table (paste-able into the README). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  process.stdout.write(`${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`);
}
