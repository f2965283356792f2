/**
 * Errors carry their exit code; only src/main.ts turns them into a process exit.
 * Exit codes: 0 ok, 1 Azure/internal error, 2 usage, 3 invalid spec, 5 credentials, 130 interrupted.
 */
import type { Finding } from "../validators/finding.ts";

export const EXIT = {
  ok: 0,
  azure: 1,
  usage: 2,
  invalid: 3,
  auth: 5,
  interrupted: 130,
} as const;

/** Base class: a one-line message, an exit code, an optional hint (the fix). */
export class AksNetError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;
  constructor(message: string, exitCode: number, hint?: string) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** Bad flag, unreadable file, missing input without a TTY. Exit 2. */
export class UsageError extends AksNetError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.usage, hint);
  }
}

/** The spec has error findings; nothing was sent to Azure. Exit 3. */
export class ValidationFailedError extends AksNetError {
  readonly findings: readonly Finding[];
  constructor(findings: readonly Finding[]) {
    const errors = findings.filter((f) => f.severity === "error").length;
    super(`the spec has ${errors} error${errors === 1 ? "" : "s"}; nothing was sent to Azure`, EXIT.invalid);
    this.findings = findings;
  }
}

/** Azure refused or failed an operation. Exit 1. */
export class AzureError extends AksNetError {
  readonly armCode: string | undefined;
  readonly correlationId: string | undefined;
  constructor(message: string, opts: { armCode?: string; correlationId?: string; hint?: string } = {}) {
    super(message, EXIT.azure, opts.hint);
    this.armCode = opts.armCode;
    this.correlationId = opts.correlationId;
  }
}

/** No credentials, or credentials without the rights needed. Exit 5. */
export class AuthError extends AksNetError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.auth, hint);
  }
}

/** Ctrl-C or an aborted prompt. Exit 130. */
export class CancelledError extends AksNetError {
  constructor(message = "interrupted", hint?: string) {
    super(message, EXIT.interrupted, hint);
  }
}
