/**
 * `create -o json` prints exactly one result document on stdout on every exit path (issue 9 §5): the same top-level
 * keys whether the run succeeded, planned, was refused, found errors in the spec, hit a usage error, failed in Azure,
 * lacked credentials or was interrupted. Built CLI against the fake ARM server.
 */
import assert from "node:assert/strict";
import { hasStackTrace } from "../helpers/cli.ts";
import { FAST, create, ok, useFakeArm } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import type { RunCliResult } from "../helpers/run-cli.ts";

const KEYS = ["status", "exitCode", "operations", "refusals", "cluster", "findings", "error"];

interface Doc {
  status: string;
  exitCode: number;
  operations: { action: string; status?: string; resourceId: string; body?: unknown }[];
  refusals: { resourceId: string; reason: string }[];
  cluster: { id: string } | null;
  findings: { errors: { rule: string }[]; warnings: unknown[]; info: unknown[] } | null;
  error: { message: string; hint: string | null; code: string | null; correlationId: string | null; exitCode: number } | null;
}

/** stdout is one JSON document (JSON.parse refuses two) with every contract key; its exit code matches the process's. */
function oneDocument(r: RunCliResult, exit: number, status: string): Doc {
  assert.equal(r.code, exit, `exit code\n--- stdout:\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  let doc: Doc;
  try {
    doc = JSON.parse(r.stdout) as Doc;
  } catch {
    assert.fail(`stdout is not one JSON document (exit ${r.code}):\n${r.stdout}\n--- stderr:\n${r.stderr}`);
  }
  assert.deepEqual(Object.keys(doc), KEYS);
  assert.equal(doc.status, status);
  assert.equal(doc.exitCode, exit, "exitCode is the process's exit code");
  // Only a detailed dry run with changes exits non-zero without an error.
  assert.equal(doc.error?.exitCode ?? (doc.status === "planned" ? exit : 0), exit, "error.exitCode is the process's exit code");
  if (exit !== 0 && doc.status !== "planned") assert.ok(doc.error?.message, "a failure names its error");
  assert.equal(hasStackTrace(r.stderr), false, r.stderr);
  return doc;
}

describe("e2e: create -o json prints its one document whatever the exit code", function () {
  this.timeout(90_000);
  const arm = useFakeArm({ polls: 1, latencyMs: { "Microsoft.Network/azureFirewalls": 3000 } });

  it("exit 0: a dry run (planned, with bodies), a run (succeeded) and a re-run with nothing to do", async () => {
    const dry = oneDocument(await create(arm.fake, "jok", ["--dry-run", "--offline"]), 0, "planned");
    assert.ok(dry.operations.length > 0 && dry.operations.every((o) => o.action === "create" && o.body !== undefined));
    assert.deepEqual(dry.refusals, []);
    assert.equal(dry.error, null);
    assert.deepEqual(dry.findings?.errors, []);
    const first = oneDocument(await create(arm.fake, "jok"), 0, "succeeded");
    assert.ok(first.operations.every((o) => o.status === "done"));
    assert.match(String(first.cluster?.id), /managedClusters\/jok$/);
    const again = oneDocument(await create(arm.fake, "jok"), 0, "succeeded");
    assert.ok(again.operations.every((o) => o.action === "unchanged"));
  });

  it("exit 2: usage errors, from commander, from a flag's shape, and a change without --yes or a terminal", async () => {
    for (const extra of [["--bogus"], ["--node-count", "three"], ["--offline"]]) {
      const doc = oneDocument(await create(arm.fake, "jusage", extra), 2, "failed");
      assert.deepEqual(doc.operations, []);
    }
    const noYes = oneDocument(await create(arm.fake, "jusage", [], { yes: false }), 2, "failed");
    assert.match(noYes.error?.message ?? "", /confirmation/);
    const missing = oneDocument(await runCli(["create", "--yes", "-o", "json"], { fake: arm.fake }), 2, "failed");
    assert.match(missing.error?.message ?? "", /missing -n\/--name/);
    assert.equal(arm.fake.requests.length, 0);
  });

  it("exit 3: the findings, and nothing sent", async () => {
    const doc = oneDocument(await create(arm.fake, "jbad", ["--service-cidr", "10.0.0.0/33"]), 3, "invalid");
    assert.deepEqual(doc.findings?.errors.map((f) => f.rule), ["SYN-02"]);
    assert.equal(arm.fake.requests.length, 0);
  });

  it("exit 1, refused: a change Azure cannot make in place, with and without --dry-run", async () => {
    ok(await create(arm.fake, "jref"));
    for (const dryRun of [[], ["--dry-run"]]) {
      const doc = oneDocument(await create(arm.fake, "jref", ["--service-cidr", "10.100.0.0/16", "--dns-service-ip", "10.100.0.10", ...dryRun]), 1, "refused");
      assert.ok(doc.refusals.some((r) => /managedClusters\/jref$/.test(r.resourceId) && /serviceCidr/.test(r.reason)), JSON.stringify(doc.refusals));
      assert.ok(doc.operations.length > 0, "the plan's steps are listed");
      assert.match(doc.error?.message ?? "", /cannot make in place/);
    }
  });

  it("--dry-run --detailed-exitcode: the document states the process's code (2 changes, 0 none, 1 a usage error)", async () => {
    const dry = ["--dry-run", "--detailed-exitcode"];
    const changes = oneDocument(await create(arm.fake, "jdet", [...dry, "--offline"], { yes: false }), 2, "planned");
    assert.equal(changes.error, null);
    assert.ok(changes.operations.some((o) => o.action === "create"));
    ok(await create(arm.fake, "jdet"));
    const none = oneDocument(await create(arm.fake, "jdet", dry, { yes: false }), 0, "planned");
    assert.ok(none.operations.every((o) => o.action === "unchanged"));
    // From commander (before create runs), from create's own checks, and a flag's shape.
    for (const extra of [[...dry, "--bogus"], ["--detailed-exitcode"], [...dry, "--node-count", "three"]]) {
      const usage = oneDocument(await create(arm.fake, "jdet", extra, { yes: false }), 1, "failed");
      assert.equal(usage.error?.exitCode, 1);
    }
    oneDocument(await create(arm.fake, "jdet", [...dry, "--offline", "--service-cidr", "10.0.0.0/33"], { yes: false }), 3, "invalid");
  });

  it("exit 1, failed: an operation Azure failed, with its code and correlation id", async () => {
    arm.fake.addFault({ kind: "lroFail", method: "PUT", match: /managedClusters\/jfail$/i, error: { code: "SomethingFailed", message: "nope" } });
    const doc = oneDocument(await create(arm.fake, "jfail"), 1, "failed");
    assert.equal(doc.error?.code, "SomethingFailed");
  });

  it("exit 5: no credentials", async () => {
    oneDocument(await create(arm.fake, "jauth", [], { az: "not-logged-in" }), 5, "failed");
  });

  it("exit 130: interrupted while the firewall is being created", async () => {
    const accepted = (): boolean => arm.fake.requests.some((q) => q.method === "PUT" && /azureFirewalls\/[^/]+$/i.test(q.path) && q.status === 201);
    const r = await create(arm.fake, "jint", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"], { killWhen: () => accepted(), env: FAST });
    assert.ok(r.killed);
    oneDocument(r, 130, "interrupted");
  });
});
