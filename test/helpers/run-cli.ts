/**
 * Runs the BUILT CLI (`node bin/aks-net ...`) as a child process against an in-process fake ARM server.
 * The spawn is asynchronous because the fake lives in this process's event loop (spawnSync would deadlock).
 * Credentials are the real DefaultAzureCredential, narrowed to AzureCliCredential, with a fake `az` first on PATH.
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FakeArm } from "../fakes/fake-arm.ts";
import { FAKE_SUBSCRIPTION_ID, FAKE_TENANT_ID } from "../fakes/fake-arm.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI_BIN = join(REPO_ROOT, "bin", "aks-net");

export type AzMode = "token" | "not-logged-in" | "missing";

export interface RunCliOptions {
  /** The fake to talk to: sets AKS_NET_ARM_ENDPOINT and NODE_EXTRA_CA_CERTS. */
  fake?: FakeArm;
  /** Extra environment (wins over the defaults; a value of "" is passed as empty). */
  env?: Record<string, string>;
  /** Environment variables to remove from the defaults (e.g. AZURE_SUBSCRIPTION_ID). */
  unsetEnv?: string[];
  /** Written to the child's stdin, which is then closed (stdin is never a TTY). */
  stdin?: string;
  /** Kill (SIGKILL) after this long; default 30 s. */
  timeoutMs?: number;
  /**
   * Sends `killSignal` once when this returns true for the stderr seen so far. Checked on every output chunk and
   * every 20 ms, so it may also look at the fake (e.g. "the cluster PUT has arrived").
   */
  killWhen?: (stderrSoFar: string) => boolean;
  /** Same, on stdout. */
  killWhenStdout?: (stdoutSoFar: string) => boolean;
  /** Signal for killWhen (default SIGINT, like Ctrl-C). */
  killSignal?: NodeJS.Signals;
  cwd?: string;
  /** The fake `az`: prints a token (default), fails with "Please run 'az login'", or is absent from PATH. */
  az?: AzMode;
}

export interface RunCliResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** True when the timeout killed it. */
  timedOut: boolean;
  /** True when killWhen/killWhenStdout fired. */
  killed: boolean;
}

let azDirs: Partial<Record<AzMode, string>> = {};

/** A temp dir holding an `az` script for the mode (made once per process, removed at exit). */
export function fakeAzDir(mode: AzMode): string {
  const cached = azDirs[mode];
  if (cached && existsSync(cached)) return cached;
  const dir = mkdtempSync(join(tmpdir(), `aks-net-fake-az-${mode}-`));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  if (mode !== "missing") {
    const script = mode === "token"
      ? `#!/bin/sh
# Fake Azure CLI for tests: answers \`az account get-access-token --resource R\` as az does, with a token (an unsigned
# JWT) whose audience is R. The fake ARM accepts it only when R is its cloud's ARM audience.
resource=""
while [ $# -gt 0 ]; do
  if [ "$1" = "--resource" ]; then resource="$2"; shift; fi
  shift
done
b64url() { base64 | tr -d '\\n=' | tr '+/' '-_'; }
now=$(date +%s)
exp=$((now + 3600))
header=$(printf '{"typ":"JWT","alg":"none"}' | b64url)
claims=$(printf '{"aud":"%s","iss":"https://sts.windows.net/${FAKE_TENANT_ID}/","tid":"${FAKE_TENANT_ID}","iat":%s,"exp":%s}' "$resource" "$now" "$exp" | b64url)
printf '{"accessToken":"%s.%s.","expires_on":%s,"expiresOn":"2099-01-01 00:00:00.000000","subscription":"${FAKE_SUBSCRIPTION_ID}","tenant":"${FAKE_TENANT_ID}","tokenType":"Bearer"}\\n' "$header" "$claims" "$exp"
`
      : `#!/bin/sh
echo "ERROR: Please run 'az login' to setup account." >&2
exit 1
`;
    const file = join(dir, "az");
    writeFileSync(file, script);
    chmodSync(file, 0o755);
  }
  azDirs = { ...azDirs, [mode]: dir };
  return dir;
}

/** The environment the CLI runs with (exported for tests that spawn something else). */
export function cliEnv(opts: RunCliOptions = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    // Nothing from the developer's Azure login, proxies or colour settings leaks into the child.
    if (/^(AZURE_|AKS_NET_|MSI_|IDENTITY_|HTTPS?_PROXY$|ALL_PROXY$|NO_PROXY$|FORCE_COLOR$|NODE_OPTIONS$|NODE_EXTRA_CA_CERTS$)/i.test(k)) continue;
    env[k] = v;
  }
  const azDir = fakeAzDir(opts.az ?? "token");
  const path = (process.env["PATH"] ?? "").split(delimiter).filter((p) => p !== "");
  // For "missing", drop directories holding a real `az`; otherwise the fake one first on PATH wins.
  const cleanPath = opts.az === "missing" ? path.filter((p) => !existsSync(join(p, "az"))) : path;
  Object.assign(env, {
    PATH: [azDir, ...cleanPath].join(delimiter),
    AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
    AZURE_SUBSCRIPTION_ID: FAKE_SUBSCRIPTION_ID,
    AZURE_CONFIG_DIR: join(azDir, ".azure"),
    NO_PROXY: "127.0.0.1,localhost",
    AKS_NET_RETRY_DELAY_MS: "10",
    NO_COLOR: "1",
    CI: "true",
    // delete's journal goes to the test's own state directory, never the developer's.
    XDG_STATE_HOME: join(azDir, "state"),
  });
  if (opts.fake) {
    env["AKS_NET_ARM_ENDPOINT"] = opts.fake.url;
    env["NODE_EXTRA_CA_CERTS"] = opts.fake.caFile;
  }
  Object.assign(env, opts.env ?? {});
  for (const k of opts.unsetEnv ?? []) delete env[k];
  return env;
}

/** Spawns `node bin/aks-net ...args` with the same Node as the test, and collects its output. */
export function runCli(args: string[], opts: RunCliOptions = {}): Promise<RunCliResult> {
  if (!existsSync(join(REPO_ROOT, "dist", "main.cjs"))) {
    return Promise.reject(new Error("dist/main.cjs is missing: run `npm run build` before the CLI tests"));
  }
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: cliEnv(opts),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let killed = false;
    let timedOut = false;
    let exited = false;
    child.on("exit", () => (exited = true));
    const maybeKill = (): void => {
      if (killed || exited) return;
      if ((opts.killWhen && opts.killWhen(stderr)) || (opts.killWhenStdout && opts.killWhenStdout(stdout))) {
        killed = true;
        child.kill(opts.killSignal ?? "SIGINT");
      }
    };
    child.stdout.setEncoding("utf8").on("data", (s: string) => {
      stdout += s;
      maybeKill();
    });
    child.stderr.setEncoding("utf8").on("data", (s: string) => {
      stderr += s;
      maybeKill();
    });
    child.stdin.on("error", () => undefined); // the CLI may exit before reading stdin
    child.stdin.end(opts.stdin ?? "");
    const ticker = opts.killWhen || opts.killWhenStdout ? setInterval(maybeKill, 20) : undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, opts.timeoutMs ?? 30_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      clearInterval(ticker);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      clearInterval(ticker);
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started, timedOut, killed });
    });
  });
}
