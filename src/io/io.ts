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

/**
 * The styles aks-net's human output uses, as ANSI SGR codes of the 16 basic colours (what chalk wrote at level 1, which
 * this replaces: its set-up cost each start-up about a millisecond for seven styles). As chalk does, a style nested in
 * another of its kind reopens the outer one, lines are styled one by one, and empty text stays empty.
 */
export interface Style {
  /** 0: plain text, 1: coloured. */
  readonly level: 0 | 1;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
  gray(text: string): string;
  bold(text: string): string;
  dim(text: string): string;
}

const plain = (text: string): string => text;

function sgr(open: number, close: number): (text: string) => string {
  const on = `\u001b[${open}m`;
  const off = `\u001b[${close}m`;
  return (text) => {
    if (text === "") return text;
    let inner = text.includes(off) ? text.replaceAll(off, off + on) : text;
    if (inner.includes("\n")) inner = inner.replace(/\r?\n/g, (eol) => `${off}${eol}${on}`);
    return `${on}${inner}${off}`;
  };
}

const COLOURED: Style = { level: 1, red: sgr(31, 39), green: sgr(32, 39), yellow: sgr(33, 39), cyan: sgr(36, 39), gray: sgr(90, 39), bold: sgr(1, 22), dim: sgr(2, 22) };
const PLAIN: Style = { level: 0, red: plain, green: plain, yellow: plain, cyan: plain, gray: plain, bold: plain, dim: plain };

/** The styles, plain when colour is off. */
export function makeStyle(enabled: boolean): Style {
  return enabled ? COLOURED : PLAIN;
}

/** True when prompting is allowed at all. stdin is looked at last: making process.stdin loads file or socket streams. */
export function isInteractive(stdin: { isTTY?: boolean }, stdout: Out, env: Record<string, string | undefined>): boolean {
  const ci = env["CI"] !== undefined && env["CI"] !== "" && env["CI"] !== "false" && env["CI"] !== "0";
  return !ci && stdout.isTTY === true && stdin.isTTY === true;
}

/** Styling for data written to stdout: colour follows stdout's terminal (io.style follows stderr); --no-color still wins. */
export function stdoutStyle(io: Pick<Io, "style" | "stdout" | "env">): Style {
  return io.style.level === 0 ? io.style : makeStyle(colorEnabled(io.stdout, io.env));
}
