/**
 * create's output edges: the non-TTY progress lines (format is a contract for CI logs) and the error explainer
 * (Azure codes → cause, fix, correlation id, resume hint; credential errors → exit 5).
 */
import assert from "node:assert/strict";
import { RestError } from "@azure/core-rest-pipeline";
import type { StepResult } from "../../src/core/apply.ts";
import { AuthError, AzureError, CancelledError } from "../../src/core/errors.ts";
import type { Operation } from "../../src/core/plan.ts";
import { makeStyle } from "../../src/io/colour.ts";
import type { Io } from "../../src/io/io.ts";
import { createProgress } from "../../src/io/progress.ts";
import { explainAzureError } from "../../src/providers/explain.ts";

const op: Operation = {
  resourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks-nodes",
  type: "Microsoft.Network/virtualNetworks/subnets",
  apiVersion: "2026-01-01",
  dependsOn: [],
  body: {},
  label: "subnet aks-nodes",
  action: "create",
};

function io(): Io & { err: string } {
  const sink = { err: "" };
  return Object.assign(sink, {
    stdout: { write: () => true },
    stderr: { write: (t: string) => ((sink.err += t), true), isTTY: false },
    stdin: process.stdin,
    env: {},
    cwd: "/",
    style: makeStyle(false),
    interactive: false,
    signal: new AbortController().signal,
  });
}

describe("create progress without a terminal", () => {
  it("prints one timestamped line per step start and end", async () => {
    const out = io();
    const p = await createProgress(out, { now: () => new Date("2026-11-23T10:00:00.123Z") });
    p.start(op);
    p.finish({ op, action: "create", status: "done", ms: 3210 } satisfies StepResult);
    p.finish({ op: { ...op, label: "cluster c" }, action: "create", status: "skipped", ms: 0, note: "needs subnet aks-nodes" });
    p.stop();
    assert.equal(
      out.err,
      "2026-11-23T10:00:00Z start  subnet aks-nodes (create)\n" +
        "2026-11-23T10:00:00Z done   subnet aks-nodes (3.2s)\n" +
        "2026-11-23T10:00:00Z skip   cluster c (needs subnet aks-nodes)\n",
    );
    assert.equal(p.results.length, 2);
  });
});

describe("create error explainer", () => {
  const lro = (code: string, message: string): Error => new Error(`The long-running operation has failed. ${code}. ${message}`);
  const table: [string, RegExp][] = [
    ["ServiceCidrOverlapExistingSubnetsCidr", /service CIDR overlaps a subnet/],
    ["DnsServiceIpOutOfServiceCidr", /DNS service IP is not inside the service CIDR/],
    ["NetworkProfileCIDROverlapVNET", /pod CIDR .* overlaps the VNet/],
    ["InsufficientSubnetSize", /cannot hold the IPs/],
    ["SubnetIsFull", /no free addresses/],
    ["RouteTableInvalidNextHop", /VirtualAppliance/],
    ["NetworkPolicyAzureNotSupportedForKubenet", /needs Azure CNI/],
  ];
  for (const [code, why] of table) {
    it(`${code}: code, cause, fix, correlation id and resume hint`, () => {
      const e = explainAzureError(lro(code, "details from Azure"), { label: "cluster c", correlationId: "1234-corr" });
      assert.ok(e instanceof AzureError);
      assert.equal(e.exitCode, 1);
      assert.equal(e.armCode, code);
      assert.match(e.message, new RegExp(`^cluster c: Azure error ${code}: details from Azure`));
      assert.match(e.hint ?? "", why);
      assert.match(e.hint ?? "", /fix: /);
      assert.match(e.hint ?? "", /correlation id: 1234-corr/);
      assert.match(e.hint ?? "", /re-run the same command to resume/);
    });
  }

  it("VMExtensionProvisioningError: exit status 50 is blocked egress, 51 an unreachable API server", () => {
    const e50 = explainAzureError(lro("VMExtensionProvisioningError", "vmssCSE failed: command terminated with exit status=50"));
    assert.match((e50 as AzureError).hint ?? "", /could not reach the internet.*firewall rules or the 0\.0\.0\.0\/0 route/);
    const e51 = explainAzureError(lro("VMExtensionProvisioningError", "vmssCSE failed: command terminated with exit status=51"));
    assert.match((e51 as AzureError).hint ?? "", /API server on 443/);
  });

  it("the captured Failed status body wins over the message text", () => {
    const e = explainAzureError(new Error("The long-running operation has failed. X. y"), { lroFailure: { code: "SubnetIsFull", message: "full" } }) as AzureError;
    assert.equal(e.armCode, "SubnetIsFull");
  });

  it("an initial PUT rejection (RestError with .code) and AuthorizationFailed → exit 5", () => {
    const bad = explainAzureError(new RestError("Subnet x is full", { code: "SubnetIsFull", statusCode: 400 })) as AzureError;
    assert.equal(bad.armCode, "SubnetIsFull");
    const denied = explainAzureError(new RestError("no write", { code: "AuthorizationFailed", statusCode: 403 }), { correlationId: "c-1" });
    assert.ok(denied instanceof AuthError);
    assert.equal(denied.exitCode, 5);
    assert.match(denied.hint ?? "", /correlation id: c-1/);
  });

  it("credential chain failures are exit 5 with the az login / service principal hint; no secret is echoed", () => {
    const agg = Object.assign(new Error("ChainedTokenCredential authentication failed."), {
      name: "AggregateAuthenticationError",
      errors: [{ message: "EnvironmentCredential is unavailable." }, { message: "Please run 'az login' from a command prompt to authenticate before using this credential." }],
    });
    const e = explainAzureError(agg);
    assert.ok(e instanceof AuthError);
    assert.equal(e.message, "No Azure credentials found. Run `az login`, or set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET");
    assert.match(e.hint ?? "", /az login/);
    const rejected = explainAzureError(Object.assign(new Error("secret=hunter2 token=abc"), { name: "AuthenticationError", errorResponse: { errorDescription: "AADSTS7000215: Invalid client secret provided." } }));
    assert.ok(rejected instanceof AuthError);
    assert.doesNotMatch(`${rejected.message} ${(rejected as AuthError).hint}`, /hunter2|token=abc/);
  });

  it("transport failures, aborts and programming errors", () => {
    const reset = explainAzureError(new RestError("socket hang up", { code: "ECONNRESET" })) as AzureError;
    assert.match(reset.message, /cannot reach Azure Resource Manager/);
    const abort = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    assert.ok(explainAzureError(abort) instanceof CancelledError);
    const bug = new TypeError("x is undefined");
    assert.equal(explainAzureError(bug), bug, "not an Azure failure: reported as internal");
  });
});

/** A line-based terminal: enough of VT100 (erase line, cursor up/down/column, synchronized output) to replay log-update. */
function replay(output: string): string[] {
  const screen: string[] = [""];
  let row = 0;
  let col = 0;
  const CSI = "\u001b\\[([0-9;?]*)([A-Za-z])";
  const tokens = output.split(new RegExp(`(${CSI.replace("([0-9;?]*)([A-Za-z])", "[0-9;?]*[A-Za-z]")})`));
  for (const t of tokens) {
    const m = new RegExp(`^${CSI}$`).exec(t);
    if (m) {
      const n = Number(m[1] || "1");
      if (m[2] === "A") row = Math.max(0, row - n);
      else if (m[2] === "B") row += n;
      else if (m[2] === "G") col = 0;
      else if (m[2] === "K") screen[row] = "";
      continue;
    }
    for (const ch of t) {
      if (ch === "\n") {
        row++;
        col = 0;
      } else if (ch !== "\r") {
        const line = (screen[row] ??= "");
        screen[row] = line.slice(0, col) + ch + line.slice(col + 1);
        col++;
      }
      screen[row] ??= "";
    }
  }
  return screen.filter((l) => l.trim() !== "");
}

describe("create progress on a terminal", () => {
  it("redraws the live list in place: one row per step, no stale rows after many updates", async () => {
    const sink = { err: "" };
    const tty: Io = {
      stdout: { write: () => true },
      stderr: Object.assign({ write: (t: string) => ((sink.err += t), true) }, { isTTY: true, columns: 120, rows: 40 }),
      stdin: process.stdin,
      env: {},
      cwd: "/",
      style: makeStyle(false),
      interactive: false,
      signal: new AbortController().signal,
    };
    const ops: Operation[] = ["a", "b", "c", "d", "e"].map((n) => ({ ...op, resourceId: `${op.resourceId}-${n}`, label: `subnet ${n}` }));
    const progress = await createProgress(tty);
    progress.plan(ops);
    // Middle rows change while the first and last stay: the case line-diffing redraws got wrong.
    for (const o of [ops[2], ops[1], ops[3]] as Operation[]) progress.start(o);
    for (const o of [ops[1], ops[3], ops[2], ops[0], ops[4]] as Operation[]) {
      progress.start(o);
      progress.finish({ op: o, action: "create", status: "done", ms: 1200 });
    }
    progress.stop();
    const screen = replay(sink.err);
    assert.deepEqual(screen.map((l) => l.replace(/\s+/g, " ").trim()), ops.map((o) => `✔ ${o.label} created 1.2s`));
  });
});
