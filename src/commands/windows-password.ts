/**
 * The Windows administrator password a plan's cluster create needs. Never on the command line, never printed:
 * AKS_NET_WINDOWS_ADMIN_PASSWORD, else the file of --windows-admin-password-file (default
 * `<cluster>.windows-admin-password` in the current directory): read when it exists, else generated and written there
 * with mode 0600, so a re-run (or the user) finds the same password.
 */
import { closeSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { UsageError } from "../core/errors.ts";
import type { Plan } from "../core/plan.ts";
import { secretNames } from "../core/secrets.ts";
import { WINDOWS_PASSWORD_ENV, WINDOWS_PASSWORD_SECRET, adminPasswordProblem, generateWindowsPassword } from "../core/windows.ts";
import type { Io } from "../io/io.ts";
import type { CommandOptions } from "../program.ts";

/** Secret name → value for the operations that create a resource (an update sends none: Azure keeps its own). */
export function planSecrets(plan: Plan, cluster: string, opts: CommandOptions, io: Io): Map<string, string> {
  const names = new Set(plan.operations.filter((o) => o.action === "create").flatMap((o) => secretNames(o.body)));
  const secrets = new Map<string, string>();
  if (names.has(WINDOWS_PASSWORD_SECRET)) secrets.set(WINDOWS_PASSWORD_SECRET, windowsPassword(cluster, opts, io));
  return secrets;
}

/** The refusal for `--windows-admin-password VALUE` (az's flag): a secret on the command line ends up in ps and shell history. */
export function passwordOnCommandLine(): UsageError {
  return new UsageError(
    "--windows-admin-password would put the password on the command line (visible to other users and kept in shell history)",
    `set ${WINDOWS_PASSWORD_ENV}, or pass --windows-admin-password-file PATH (read if it exists, else generated there with mode 0600)`,
  );
}

function windowsPassword(cluster: string, opts: CommandOptions, io: Io): string {
  const fromEnv = io.env[WINDOWS_PASSWORD_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return checked(fromEnv, WINDOWS_PASSWORD_ENV);
  const given = typeof opts["windowsAdminPasswordFile"] === "string" ? opts["windowsAdminPasswordFile"] : `${cluster.replace(/[^A-Za-z0-9._-]/g, "-")}.windows-admin-password`;
  const path = isAbsolute(given) ? given : join(io.cwd, given);
  let mode: number | undefined;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new UsageError(`cannot read the Windows admin password file ${given}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (mode !== undefined) {
    if ((mode & 0o077) !== 0) io.stderr.write(`warning: ${given} is readable by other users; chmod 600 it\n`);
    return checked(readPassword(path, given), given);
  }
  const password = generateWindowsPassword();
  // O_EXCL: never overwrite a file that appeared meanwhile (a second run); mode 0600 from the start, not chmod after.
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (e) {
    // Another run wrote it a moment ago: use that one, so both send the same password.
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return checked(readPassword(path, given), given);
    throw new UsageError(`cannot write the Windows admin password file ${given}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, "pass --windows-admin-password-file with a writable path, or set the password in the environment");
  }
  try {
    writeSync(fd, `${password}\n`);
  } finally {
    closeSync(fd);
  }
  io.stderr.write(`Windows admin password generated into ${given} (mode 0600); aks-net never prints it\n`);
  return password;
}

/** The file's first line; a password is short, so anything over 1 KiB (or not a file) is refused, not read. */
function readPassword(path: string, given: string): string {
  try {
    const st = statSync(path);
    if (!st.isFile() || st.size > 1024) throw new UsageError(`${given} is not a password file (${st.isFile() ? `${st.size} bytes` : "not a regular file"})`, "point --windows-admin-password-file at the file holding the password, or at a path that does not exist yet");
    return readFileSync(path, "utf8").replace(/\r?\n$/, "");
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the Windows admin password file ${given}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function checked(password: string, from: string): string {
  const problem = adminPasswordProblem(password);
  if (problem !== undefined) throw new UsageError(`the Windows admin password from ${from} ${problem}`, "Azure refuses it: use another password");
  return password;
}
