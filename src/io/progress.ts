/**
 * Step progress on stderr. On a terminal: a live list (log-update) with status and elapsed time per step.
 * Elsewhere (CI, pipes): one timestamped line when a step starts and one when it ends, so logs stay greppable.
 * log-update (~78 ms of loading) is imported only for the live list.
 */
import type { createLogUpdate as CreateLogUpdate } from "log-update";
import type { ApplyReporter, StepResult } from "../core/apply.ts";
import type { Operation } from "../core/plan.ts";
import type { Io, Out } from "./io.ts";

export interface ProgressOptions {
  /** Force the line mode (tests); default: live list when stderr is a TTY. */
  live?: boolean;
  /** Clock for timestamps (tests). */
  now?: () => Date;
}

/** A reporter that also records every result (for the final summary and `--output json`). */
export interface Progress extends ApplyReporter {
  results: StepResult[];
  /** Shows every planned step up front (the live list); a no-op in line mode. */
  plan(ops: readonly Operation[]): void;
  /** Stops the live display; call once the run ends (success or failure). */
  stop(): void;
}

export async function createProgress(io: Io, opts: ProgressOptions = {}): Promise<Progress> {
  const live = opts.live ?? io.stderr.isTTY === true;
  if (!live) return lineProgress(io.stderr, opts.now ?? (() => new Date()));
  const { createLogUpdate } = await import("log-update");
  return liveProgress(io, createLogUpdate);
}

const VERB: Record<string, string> = { create: "create", update: "update", delete: "delete", unchanged: "check" };

/** `2026-11-23T10:00:00Z start  subnet aks-nodes` / `... done   subnet aks-nodes (3.2s)`. */
function lineProgress(out: Out, now: () => Date): Progress {
  const stamp = (): string => now().toISOString().replace(/\.\d{3}Z$/, "Z");
  const line = (word: string, text: string): void => void out.write(`${stamp()} ${word.padEnd(6)} ${text}\n`);
  const results: StepResult[] = [];
  return {
    results,
    plan: () => undefined,
    start: (op) => line("start", `${op.label} (${VERB[op.action] ?? op.action})`),
    note: (op, text) => line("wait", `${op.label}: ${text}`),
    finish: (r) => {
      results.push(r);
      const s = secs(r.ms);
      if (r.status === "done") line("done", `${r.op.label} (${r.action === "unchanged" ? "unchanged, " : ""}${s})`);
      else if (r.status === "failed") line("failed", `${r.op.label} (${s})`);
      else if (r.status === "skipped") line("skip", `${r.op.label} (${r.note ?? "skipped"})`);
      else line("cancel", `${r.op.label} (${r.note ?? "interrupted"})`);
    },
    stop: () => undefined,
  };
}

interface Row {
  op: Operation;
  state: "pending" | "running" | StepResult["status"];
  startedAt?: number;
  ms?: number;
  action?: string;
  note?: string;
}

/** The live list: one row per step, redrawn on every event and every second for the clocks. */
function liveProgress(io: Io, createLogUpdate: typeof CreateLogUpdate): Progress {
  // A terminal that reports no size (0 rows under `script`, some CI PTYs) would make log-update draw nothing.
  const err = io.stderr as Out & { rows?: number };
  const stream = {
    write: (text: string) => err.write(text),
    isTTY: true,
    get columns() {
      return err.columns || 100;
    },
    get rows() {
      return err.rows || 50;
    },
  };
  const log = createLogUpdate(stream as unknown as NodeJS.WritableStream);
  const rows = new Map<string, Row>();
  const results: StepResult[] = [];
  const st = io.style;
  const icon = (r: Row): string =>
    ({ pending: st.gray("·"), running: st.cyan("…"), done: st.green("✔"), failed: st.red("✖"), skipped: st.gray("-"), cancelled: st.yellow("!") })[r.state];
  const draw = (): void => {
    const t = performance.now();
    const lines = [...rows.values()].map((r) => {
      const time = r.state === "running" && r.startedAt !== undefined ? secs(t - r.startedAt) : r.ms !== undefined ? secs(r.ms) : "";
      const what = r.state === "running" ? (r.note ?? `${VERB[r.op.action] ?? r.op.action}…`) : r.state === "done" ? (r.action ?? "") : r.state;
      return `${icon(r)} ${r.op.label.padEnd(34)} ${st.dim(what)} ${time}`.trimEnd();
    });
    // A full redraw each time: log-update 8's line-diffing patch left stale rows behind (seen in tmux).
    log.clear();
    log(lines.join("\n"));
  };
  const timer = setInterval(draw, 1000);
  timer.unref();
  const row = (op: Operation): Row => {
    let r = rows.get(op.resourceId);
    if (!r) rows.set(op.resourceId, (r = { op, state: "pending" }));
    return r;
  };
  return {
    results,
    plan: (ops) => {
      for (const op of ops) row(op);
      draw();
    },
    start: (op) => {
      Object.assign(row(op), { state: "running", startedAt: performance.now() });
      draw();
    },
    note: (op, text) => {
      row(op).note = text;
      draw();
    },
    finish: (res) => {
      results.push(res);
      Object.assign(row(res.op), { state: res.status, ms: res.ms, action: res.action === "unchanged" ? "unchanged" : `${res.action}d` });
      draw();
    },
    stop: () => {
      clearInterval(timer);
      draw();
      log.done();
    },
  };
}

function secs(ms: number): string {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s` : `${(ms / 1000).toFixed(1)}s`;
}
