/**
 * The terminal edge, passed to commands instead of touching `process`: streams, environment, colour, interactivity,
 * and the abort signal that Ctrl-C raises.
 */

export interface Out {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: Out;
  stderr: Out;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  cwd: string;
  /** Styling for stderr/stdout human text; a no-op when colour is off. */
  style: Style;
  /** True when stdin and stdout are terminals and not in CI. Commands also honour --no-input. */
  interactive: boolean;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
}

/** Colour only on a TTY; NO_COLOR always wins, FORCE_COLOR forces, TERM=dumb disables (no-color.org, clig.dev). */
export function colorEnabled(stream: Out, env: Record<string, string | undefined>, flag?: boolean): boolean {
  if (flag === false) return false;
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  if (env["FORCE_COLOR"] !== undefined && env["FORCE_COLOR"] !== "0") return true;
  if (env["TERM"] === "dumb") return false;
  return stream.isTTY === true;
}

/** The styles aks-net's human output uses: chalk's (io/colour.ts) when colour is on, PLAIN when it is off. */
export interface Style {
  /** 0 when plain, as chalk counts colour levels. */
  readonly level: number;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  gray(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const same = (text: string): string => text;
/**
 * No styling: the text as it is, what chalk returns at level 0. Chalk is loaded only where colour is on (main.ts):
 * a run without colour (CI logs, NO_COLOR) spares its set-up.
 */
export const PLAIN: Style = { level: 0, red: same, green: same, yellow: same, cyan: same, gray: same, bold: same, dim: same };

/** True when prompting is allowed at all. stdin is looked at last: making process.stdin loads file or socket streams. */
export function isInteractive(stdin: { isTTY?: boolean }, stdout: Out, env: Record<string, string | undefined>): boolean {
  const ci = env["CI"] !== undefined && env["CI"] !== "" && env["CI"] !== "false" && env["CI"] !== "0";
  return !ci && stdout.isTTY === true && stdin.isTTY === true;
}

/** Styling for data written to stdout: colour follows stdout's terminal (io.style follows stderr); --no-color still wins. */
export function stdoutStyle(io: Pick<Io, "style" | "stdout" | "env">): Style {
  return io.style.level === 0 || colorEnabled(io.stdout, io.env) ? io.style : PLAIN;
}
