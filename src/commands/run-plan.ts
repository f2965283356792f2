/**
 * Runs a plan (create's or delete's) through the one executor with the progress display.
 * Failures come back explained (Azure code, fix, correlation id) with the steps finished so far, so each command
 * can write its own result document before it throws.
 */
import { applyPlan } from "../core/apply.ts";
import type { ApplyOptions, ApplyResult, StepResult } from "../core/apply.ts";
import { CancelledError } from "../core/errors.ts";
import type { ObservedState, Plan } from "../core/plan.ts";
import type { Io } from "../io/io.ts";
import { createProgress } from "../io/progress.ts";
import type { ArmConnection } from "../providers/arm-port.ts";

export type PlanOutcome = { ok: true; result: ApplyResult } | { ok: false; error: Error; steps: StepResult[] };

/** `asCancelled` words the interruption for the command (what keeps running in Azure, how to resume). */
export async function runPlan(
  plan: Plan,
  conn: Pick<ArmConnection, "port" | "pollIntervalMs" | "maxParallel"> & { secrets?: ReadonlyMap<string, string> },
  io: Io,
  observed: ObservedState,
  asCancelled: (e: unknown) => CancelledError,
  recheck?: ApplyOptions["recheck"],
  steps?: Pick<ApplyOptions, "afterStep" | "adjust">,
): Promise<PlanOutcome> {
  const { explainAzureError } = await import("../providers/explain.ts");
  const progress = await createProgress(io);
  progress.plan(plan.operations);
  try {
    const result = await applyPlan(plan, conn.port, progress, io.signal, {
      initial: observed,
      ...(conn.pollIntervalMs !== undefined ? { pollIntervalMs: conn.pollIntervalMs } : {}),
      ...(conn.maxParallel ? { maxParallel: conn.maxParallel } : {}),
      ...(conn.secrets ? { secrets: conn.secrets } : {}),
      ...(recheck ? { recheck } : {}),
      ...(steps?.afterStep ? { afterStep: steps.afterStep } : {}),
      ...(steps?.adjust ? { adjust: steps.adjust } : {}),
    });
    progress.stop();
    return { ok: true, result };
  } catch (e) {
    progress.stop();
    const error = e instanceof CancelledError || io.signal.aborted ? asCancelled(e) : explainAzureError(e);
    return { ok: false, error, steps: progress.results };
  }
}

/** Keeps a CancelledError as it is; anything else that ended an interrupted run becomes one, worded by the command. */
export function interrupted(e: unknown, message: string, hint: string): CancelledError {
  return e instanceof CancelledError ? e : new CancelledError(message, hint);
}
