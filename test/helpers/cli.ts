/**
 * Runs the built CLI (bin/aks-net → dist/) as a child process, asynchronously, for offline end-to-end tests.
 * The environment is scrubbed of colour and debug switches so output is plain unless a test asks otherwise.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = fileURLToPath(new URL("../../bin/aks-net", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Written to the child's stdin (which is then closed); without it stdin is empty. */
  input?: string | Buffer;
  /** Added to (or, with `undefined`, removed from) the scrubbed environment. */
  env?: Record<string, string | undefined>;
  /** Node flags before the script, e.g. `--import` hooks. */
  nodeArgs?: string[];
  cwd?: string;
}

/** Spawns `node [nodeArgs] bin/aks-net ...args` and collects exit code and both streams. */
export function runCli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return runNode([...(opts.nodeArgs ?? []), BIN, ...args], opts);
}

/** Spawns `node ...argv` with the scrubbed environment. */
export function runNode(argv: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return runProgram(process.execPath, argv, opts);
}

/** Spawns any program (a shell, an old Node, ./setup) with the scrubbed environment and collects both streams. */
export function runProgram(command: string, argv: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = { ...process.env, FORCE_COLOR: undefined, NO_COLOR: undefined, AKS_NET_DEBUG: undefined, CI: "true" };
  for (const [k, v] of Object.entries(opts.env ?? {})) env[k] = v;
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: opts.cwd ?? ROOT, env, stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => err.push(b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(err).toString("utf8") }));
    child.stdin.on("error", () => undefined); // the CLI may exit before reading all of its input
    child.stdin.end(opts.input ?? "");
  });
}

/** True when the text carries a JavaScript stack frame. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+[:(].*\d+:\d+\)?$/m.test(text);
}
