/**
 * The composition root: the only place that reads process state, installs the Ctrl-C handler and exits.
 */
import { fstatSync, statSync, writeSync } from "node:fs";
import pkg from "../package.json" with { type: "json" };
import { AksNetError, CancelledError, EXIT } from "./core/errors.ts";
import { emptyResult, exitCodeOf, isCreateJson, renderResult } from "./io/create-result.ts";
import { PLAIN, colorEnabled, isInteractive } from "./io/io.ts";
import type { Io, Out } from "./io/io.ts";
import { CommanderError, createProgram, fromCommanderError } from "./program.ts";

const { version } = pkg;

// Created on first use: only commands with work to interrupt take the signal, and building it (and process.stdin)
// costs start-up time that a quick `validate` does not need.
let controller: AbortController | undefined;
let interrupted = false;
process.on("SIGINT", () => {
  // First Ctrl-C: stop cleanly (commands see the abort and finish their current write); second: leave now.
  // With no signal handed out yet nothing is in flight, so leaving at once is the clean stop.
  if (interrupted || controller === undefined) process.exit(EXIT.interrupted);
  interrupted = true;
  controller.abort(new CancelledError());
});

// A reader that went away (`aks-net schema | head -1`) is not an error of ours: further output is dropped and the
// command ends with its own exit code. A command that changes Azure must not stop halfway because a pipe closed.
// Output that could not be written for another reason (a full disk) makes a successful run exit 1. Node's streams are
// made only for a terminal, or when a full pipe asks the writer to wait (output below).
let outputFailed = false;
const guarded = new Set<NodeJS.WriteStream>();
const guard = (stream: NodeJS.WriteStream): NodeJS.WriteStream => {
  if (!guarded.has(stream)) {
    guarded.add(stream);
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE" && e.code !== "ERR_STREAM_DESTROYED") outputFailed = true;
    });
  }
  return stream;
};

/**
 * The writer of stdout or stderr (`fd`; `stream`, Node's stream for it). One that is not a terminal (a file,
 * /dev/null, a pipe or a socket: CI logs, `| jq`) is written with fs.writeSync, without building Node's stream, which for a pipe loads node:net and the stream modules (~10 ms of a
 * `validate`). Node writes such a descriptor at once too: files always, pipes on Linux while the reader keeps up. A
 * pipe left non-blocking by whoever shares it answers EAGAIN when full: that write and every later one go to Node's
 * stream, which waits for the reader. A reader that went away (EPIPE) drops the rest, as the stream does; any other
 * failure (a full disk) drops it too and makes a successful run exit 1. Terminals keep Node's streams (the prompts and
 * the live progress display draw on them), and so do pipes on Windows, which Node opens for overlapped I/O.
 */
function output(fd: number, stream: () => NodeJS.WriteStream): Out {
  try {
    const st = fstatSync(fd);
    const pipe = (st.isFIFO() || st.isSocket()) && process.platform !== "win32";
    if (!pipe && !st.isFile() && !(st.isCharacterDevice() && st.rdev === statSync("/dev/null").rdev)) return guard(stream());
  } catch {
    return guard(stream()); // no such descriptor, or no /dev/null (Windows): Node's stream decides
  }
  let dropped = false;
  let queued: NodeJS.WriteStream | undefined;
  return {
    write(text: string) {
      if (queued) return queued.write(text);
      if (dropped) return false;
      const bytes = Buffer.from(text);
      let off = 0;
      try {
        while (off < bytes.length) off += writeSync(fd, bytes, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EWOULDBLOCK") return (queued = guard(stream())).write(bytes.subarray(off));
        dropped = true;
        if (code !== "EPIPE") outputFailed = true;
      }
      return !dropped;
    },
  };
}

/**
 * Whether descriptor `fd` is a terminal. fstat says no for a pipe or a file (CI logs) without building the stream (for
 * a pipe: node:net and the stream modules); only a character device is asked through its stream.
 */
function isTerminal(fd: number, stream: () => Out): boolean {
  try {
    if (!fstatSync(fd).isCharacterDevice()) return false;
  } catch {
    return false; // no such descriptor
  }
  return stream().isTTY === true;
}

const colorFlag = process.argv.includes("--no-color") ? false : undefined;
// Decided in main() before the command runs; chalk is loaded only when colour is on.
let style: Io["style"] = PLAIN;
let stdout: Out | undefined;
let stderr: Out | undefined;
const io: Io = {
  get stdout() {
    return (stdout ??= output(1, () => process.stdout));
  },
  get stderr() {
    return (stderr ??= output(2, () => process.stderr));
  },
  get stdin() {
    return process.stdin;
  },
  env: process.env,
  cwd: process.cwd(),
  get style() {
    return style;
  },
  get interactive() {
    return isInteractive({ get isTTY() { return process.stdin.isTTY; } }, io.stdout, process.env);
  },
  get signal() {
    return (controller ??= new AbortController()).signal;
  },
};

/** Parses and runs the command; the exit code becomes process.exitCode so pending output still flushes. */
async function main(): Promise<void> {
  let exitCode: number = EXIT.ok;
  const argv = process.argv.filter((a) => a !== "--no-color");
  try {
    // NO_COLOR, FORCE_COLOR or --no-color decide without looking at stderr.
    if (colorEnabled({ write: () => undefined, get isTTY() { return isTerminal(2, () => io.stderr); } }, process.env, colorFlag)) {
      style = (await import("./io/colour.ts")).makeStyle(true);
    }
    await createProgram(io, (code) => (exitCode = code), version, argv).parseAsync(argv);
  } catch (e) {
    exitCode = report(e);
  }
  if (interrupted && exitCode === EXIT.ok) exitCode = EXIT.interrupted;
  process.exitCode = exitCode;
  process.once("beforeExit", () => {
    // A stream reports a failed write after the command returned: exit 1 then, unless the command already failed.
    if (outputFailed && process.exitCode === EXIT.ok) process.exitCode = EXIT.azure;
    // The event loop is empty (beforeExit comes only then): nothing is left to run or to flush. Exiting here skips
    // Node's teardown of the heap on the way out (~2.5 ms of a 45 ms validate); the exit listeners (the code-cache
    // writer) still run. Not when another beforeExit listener could have scheduled more work.
    if (process.listenerCount("beforeExit") === 0) process.exit();
  });
}
void main();

/** One line (plus a hint) on stderr, never a stack trace unless AKS_NET_DEBUG is set. */
function report(e: unknown): number {
  let detailed = false;
  if (e instanceof CommanderError) {
    const mapped = fromCommanderError(e);
    if (typeof mapped === "number") return mapped;
    // Raised before the command ran (an unknown flag). `create --detailed-exitcode` keeps 2 for "changes", so this
    // usage error exits 1 there (the command maps its own errors the same way); `create -o json` still prints its
    // one document, stating that exit code.
    detailed = process.argv.includes("--detailed-exitcode");
    if (isCreateJson(process.argv)) io.stdout.write(renderResult(emptyResult("failed", mapped, null, detailed)));
    e = mapped;
  }
  if (e instanceof AksNetError) {
    io.stderr.write(`${io.style.red("error:")} ${e.message}\n`);
    if (e.hint) io.stderr.write(`  ${e.hint}\n`);
    return exitCodeOf(e, detailed);
  }
  if (e instanceof Error && e.name === "ExitPromptError") {
    io.stderr.write("interrupted\n");
    return EXIT.interrupted;
  }
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr.write(`${io.style.red("internal error:")} ${msg.split("\n")[0]}\n  please report this at the aks-net issue tracker (set AKS_NET_DEBUG=1 for details)\n`);
  if (process.env["AKS_NET_DEBUG"]) io.stderr.write(`${(e as Error).stack ?? ""}\n`);
  return EXIT.azure;
}
