/**
 * Benchmark harness: bench files register suites with `bench(name, fn)` when imported by bench/run.ts,
 * and share timing, child-process and table helpers. Benchmarks print numbers; they never pass or fail.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { availableParallelism, cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../", import.meta.url));
export const BIN = fileURLToPath(new URL("../bin/aks-net", import.meta.url));

const suites: { name: string; run: () => Promise<void> }[] = [];

/** Registers a suite; `npm run bench -- NAME...` runs only the named ones. */
export function bench(name: string, run: () => Promise<void>): void {
  suites.push({ name, run });
}

/** One row of the issue-13 summary: a measured ratio against its target. */
interface Target {
  what: string;
  ratio: number;
  /** The ratio must be <= this; undefined for a row that only reports a number. */
  max: number | undefined;
  /** What the ratio divides, e.g. "node -e 0". */
  against: string;
}
const targets: Target[] = [];

/** Records a ratio for the summary table printed after all suites (rows of the performance issue). */
export function target(what: string, ratio: number, max: number | undefined, against: string): void {
  targets.push({ what, ratio, max, against });
}

/** Runs the registered suites (all, or those named in `only`) in registration order, then the summary of ratios. */
export async function runAll(only: readonly string[]): Promise<void> {
  const chosen = suites.filter((s) => only.length === 0 || only.includes(s.name));
  if (chosen.length === 0) throw new Error(`no bench named ${only.join(", ")}; known: ${suites.map((s) => s.name).join(", ")}`);
  const load = loadavg()[0] ?? 0;
  for (const s of chosen) {
    process.stdout.write(`\n## ${s.name}\n\n`);
    await s.run();
  }
  if (targets.length === 0) return;
  const machine = `${availableParallelism()} CPUs (${cpus()[0]?.model.trim() ?? "?"}), Node ${process.version}`;
  process.stdout.write(`\n## summary (${new Date().toISOString().slice(0, 16)}Z, ${machine}, load average ${load.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)})\n\n`);
  table(
    ["what", "against", "measured", "target", ""],
    targets.map((t) => [t.what, t.against, Number.isInteger(t.ratio) && t.ratio > 10 ? String(t.ratio) : t.ratio.toFixed(2), t.max === undefined ? "—" : `≤ ${t.max}`, t.max === undefined ? "" : t.ratio <= t.max ? "met" : "NOT met"]),
  );
}

/**
 * Milliseconds one `node ...argv` child takes from spawn to exit; rejects on an unexpected exit code. stdout is
 * discarded (/dev/null), or with `piped` read through a pipe, as a CI runner or `| jq` reads it.
 */
export function timeNode(argv: readonly string[], expectExit: readonly number[] = [0], piped = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, { cwd: ROOT, stdio: ["ignore", piped ? "pipe" : "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
    child.stdout?.resume();
    let stderr = "";
    child.stderr?.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - t0;
      if (expectExit.includes(code ?? -1)) resolve(ms);
      else reject(new Error(`node ${argv.join(" ")} exited ${code}: ${stderr.split("\n")[0]}`));
    });
  });
}

const TIME = "/usr/bin/time";

/** One child's cost: wall time from spawn to exit, CPU (user + sys) and peak resident memory (from /usr/bin/time). */
export interface Measured {
  wallMs: number;
  cpuMs?: number;
  maxRssMiB?: number;
  code: number | null;
  stderr: string;
}

const CPU_REPORT = fileURLToPath(new URL("./cpu-usage.cjs", import.meta.url));

/**
 * Runs `node ...argv` under /usr/bin/time (when present, for peak memory); stdout is discarded. CPU time is the
 * child's own process.cpuUsage() at exit (bench/cpu-usage.cjs, preloaded). Rejects on an unexpected exit code.
 */
export function measureNode(argv: readonly string[], opts: { env?: NodeJS.ProcessEnv; expectExit?: readonly number[] } = {}): Promise<Measured> {
  const timed = existsSync(TIME);
  const [cmd, args] = timed ? [TIME, ["-f", "\nbench-time %U %S %M", process.execPath, ...argv]] : [process.execPath, [...argv]];
  const env = opts.env ?? { ...process.env, NO_COLOR: "1" };
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"], env: { ...env, NODE_OPTIONS: `${env["NODE_OPTIONS"] ?? ""} --require ${CPU_REPORT}`.trim() } });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (exit) => {
      const wallMs = performance.now() - t0;
      const m = /\nbench-time ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(stderr);
      const code = timed ? Number(/exited with non-zero status (\d+)/.exec(stderr)?.[1] ?? (m ? 0 : exit)) : exit;
      if (m) stderr = stderr.slice(0, m.index).replace(/Command exited with non-zero status \d+\s*$/, "");
      const cpu = /\nbench-cpu (\d+)\n?\s*$/.exec(stderr);
      if (cpu) stderr = stderr.slice(0, cpu.index);
      if (!(opts.expectExit ?? [0]).includes(code ?? -1)) return reject(new Error(`node ${argv.join(" ")} exited ${code}: ${stderr.split("\n")[0]}`));
      const cpuMs = cpu ? Number(cpu[1]) / 1000 : m ? (Number(m[1]) + Number(m[2])) * 1000 : undefined;
      resolve({ wallMs, code, stderr, ...(cpuMs !== undefined ? { cpuMs } : {}), ...(m ? { maxRssMiB: Number(m[3]) / 1024 } : {}) });
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

/** Prints a Markdown table (paste-able into docs/benchmarks.md). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ")} |`;
  process.stdout.write(`${[line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n")}\n`);
}
