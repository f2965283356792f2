/**
 * The one JSON document `aks-net create -o json` prints on stdout, whatever the exit code: what happened (`status`),
 * the steps, the refusals, the validation findings and the error. Light on purpose: main.ts uses it for a usage error
 * commander raises before the command runs.
 */
import { EXIT } from "../core/errors.ts";
import type { AksNetError, AzureError } from "../core/errors.ts";

/** planned: a dry run; invalid: the rules found errors (exit 3); refused: a change Azure cannot make in place. */
export type CreateStatus = "succeeded" | "planned" | "invalid" | "refused" | "failed" | "interrupted";

export interface CreateErrorJson {
  message: string;
  hint: string | null;
  /** The ARM error code, when Azure gave one. */
  code: string | null;
  correlationId: string | null;
  /** The process exit code. */
  exitCode: number;
}

export interface CreateResultJson {
  status: CreateStatus;
  /** The process exit code (with `--detailed-exitcode`, 2 for a dry run with changes). */
  exitCode: number;
  /** Dry run: the planned steps with their bodies; otherwise each step's action, status and seconds. */
  operations: unknown[];
  refusals: { resourceId: string; reason: string }[];
  cluster: { id: string; fqdn: unknown; provisioningState: unknown } | null;
  /** The validation findings once the spec was resolved (null before: a usage error). */
  findings: { errors: unknown[]; warnings: unknown[]; info: unknown[] } | null;
  error: CreateErrorJson | null;
}

/**
 * The exit code an error ends the process with; an unexpected (internal) error exits 1 like any other failure. With
 * `create --dry-run --detailed-exitcode`, 2 means "changes" (as terraform plan), so a usage error exits 1 there.
 */
export function exitCodeOf(e: unknown, detailed = false): number {
  const code = (e as Partial<AksNetError> | undefined)?.exitCode;
  const exit = typeof code === "number" ? code : EXIT.azure;
  return detailed && exit === EXIT.usage ? EXIT.azure : exit;
}

/** The error part of the document. */
export function errorJson(e: unknown, detailed = false): CreateErrorJson {
  const err = e instanceof Error ? e : new Error(String(e));
  const az = err as Partial<AzureError> & Partial<AksNetError>;
  return {
    message: err.message.split("\n")[0] ?? "",
    hint: az.hint ?? null,
    code: az.armCode ?? null,
    correlationId: az.correlationId ?? null,
    exitCode: exitCodeOf(err, detailed),
  };
}

/** The status an error ends a run with. */
export function statusOf(e: unknown): CreateStatus {
  const exit = (e as Partial<AksNetError>).exitCode;
  if (exit === EXIT.invalid) return "invalid";
  if (exit === EXIT.interrupted) return "interrupted";
  return "failed";
}

/**
 * A document for a run that ended before it had a plan (usage errors, invalid specs, Azure refusing a read); without
 * an error it exits 0 unless `exitCode` says otherwise (a detailed dry run with changes).
 */
export function emptyResult(status: CreateStatus, error: unknown, findings: CreateResultJson["findings"] = null, detailed = false, exitCode: number = EXIT.ok): CreateResultJson {
  const err = error === undefined ? null : errorJson(error, detailed);
  return { status, exitCode: err?.exitCode ?? exitCode, operations: [], refusals: [], cluster: null, findings, error: err };
}

export function renderResult(doc: CreateResultJson): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** True when argv runs `create` with `-o json` / `--output json` (main.ts: errors raised before the command runs). */
export function isCreateJson(argv: readonly string[]): boolean {
  const args = argv.slice(2);
  if (args.find((a) => !a.startsWith("-")) !== "create") return false;
  return args.some((a, i) => a === "-ojson" || a === "--output=json" || ((a === "-o" || a === "--output") && args[i + 1] === "json"));
}
