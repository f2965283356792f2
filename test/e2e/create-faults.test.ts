/**
 * `aks-net create` under faults, against the fake ARM server: transient faults at every step converge in one run;
 * an LRO that ends Failed exits 1 with the explained error and correlation id, and the re-run converges; a run killed
 * midway (SIGINT → 130, or SIGKILL) resumes without duplicate resources or a second PUT of a running operation.
 */
import assert from "node:assert/strict";
import { createServer, request } from "node:https";
import type { AddressInfo } from "node:net";
import { testCert } from "../fakes/cert.ts";
import type { FakeArm, FaultKind } from "../fakes/fake-arm.ts";
import { runCli } from "../helpers/run-cli.ts";
import { SUB, armPut, clusterId, create, createArgs, ok, props, result, useFakeArm, writesSince } from "../helpers/create-cli.ts";

const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];

/** The planned resource ids of the firewall topology for cluster `name` (from the offline dry run). */
async function plannedIds(fake: FakeArm, name: string): Promise<{ resourceId: string; type: string }[]> {
  const r = await runCli([...createArgs(name, FIREWALL, { yes: false }), "--dry-run", "--offline"], { fake, env: { AZURE_SUBSCRIPTION_ID: SUB } });
  ok(r);
  return (JSON.parse(r.stdout) as { operations: { resourceId: string; type: string }[] }).operations;
}

function assertConverged(fake: FakeArm, name: string, ids: { resourceId: string }[]): void {
  assert.equal(props(fake.get(clusterId(`rg-${name}`, name)))["provisioningState"], "Succeeded");
  for (const { resourceId } of ids) assert.ok(fake.get(resourceId), `${resourceId} exists`);
}

/** PUTs per resource path (the write that starts an operation). */
function putsByPath(fake: FakeArm): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of fake.requests) if (r.method === "PUT" && r.status >= 200 && r.status < 300) m.set(r.path.toLowerCase(), (m.get(r.path.toLowerCase()) ?? 0) + 1);
  return m;
}

describe("create under faults", function () {
  this.timeout(90_000);
  const fake = useFakeArm({ polls: 1 });

  const transient: FaultKind[] = ["throttle", "error500", "reset"];
  for (let shift = 0; shift < transient.length; shift++) {
    it(`transient faults on every step's PUT (${transient.map((_, i) => transient[(i + shift) % 3]).join("/")} rotating) and on polls still converge in one run`, async () => {
      const name = `tf${shift}`;
      const ids = await plannedIds(fake, name);
      const faults = ids.map((op, i) => fake.addFault({ kind: transient[(i + shift) % 3] as FaultKind, method: "PUT", match: new RegExp(`${escape(op.resourceId)}$`, "i"), retryAfterSec: 0 }));
      const pollFault = fake.addFault({ kind: transient[shift] as FaultKind, method: "GET", match: "/operations/", times: 2, retryAfterSec: 0 });
      const r = await create(fake, name, FIREWALL);
      ok(r);
      assert.equal(result(r).status, "succeeded");
      for (const [i, f] of faults.entries()) assert.equal(f.hits, 1, `the fault on ${ids[i]?.resourceId} was hit`);
      assert.equal(pollFault.hits, 2);
      assertConverged(fake, name, ids);
      // Every resource was accepted exactly once (a retried PUT is not a second operation).
      for (const [path, n] of putsByPath(fake)) assert.equal(n, 1, `${path} accepted ${n} times`);
    });
  }

  it("a 429 asking to wait an hour ends the run at once with one line that says so; the re-run converges", async () => {
    // The SDK alone honours any Retry-After: this run sat silent for the hour.
    const fault = fake.addFault({ kind: "throttle", method: "PUT", match: "/virtualNetworks/", retryAfterSec: 3600, times: 1 });
    const started = Date.now();
    const r = await create(fake, "thr", [], { json: false, timeoutMs: 60_000 });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(Date.now() - started < 50_000, "ended long before the hour");
    assert.equal(fault.hits, 1);
    assert.match(r.stderr, /Azure is throttling this subscription \(HTTP 429 on PUT \S+virtualNetworks\S+\) and asks to wait 3600 s; aks-net waits at most 120 s\. Run the same command again later/);
    assert.doesNotMatch(r.stderr, /\n\s+at .*\.(c?js|ts):\d+/, "no stack trace");
    ok(await create(fake, "thr"));
  });

  it("429 without Retry-After (which the SDK alone does not retry) is retried, on writes and status polls", async () => {
    // A proxy in front of the fake drops Retry-After from every 429, as ARM sometimes does.
    const proxy = await stripRetryAfterProxy(fake);
    try {
      const ids = await plannedIds(fake, "t429");
      const faults = ids.map((op) => fake.addFault({ kind: "throttle", method: "PUT", match: new RegExp(`${escape(op.resourceId)}$`, "i"), times: 2 }));
      const pollFault = fake.addFault({ kind: "throttle", method: "GET", match: "/operations/", times: 2 });
      const r = await create(fake, "t429", FIREWALL, { env: { AKS_NET_ARM_ENDPOINT: proxy.url } });
      ok(r);
      assert.ok(proxy.stripped() >= faults.length * 2, `Retry-After dropped from ${proxy.stripped()} answers`);
      for (const f of faults) assert.equal(f.hits, 2);
      assert.ok(pollFault.hits >= 1);
      assertConverged(fake, "t429", ids);
    } finally {
      await proxy.close();
    }
  });

  it("a role assignment for an identity the directory does not know yet (PrincipalNotFound) is retried", async () => {
    const f = fake.addFault({ kind: "badRequest", method: "PUT", match: /roleAssignments\//i, times: 2, error: { code: "PrincipalNotFound", message: "Principal does not exist in the directory (replication delay)." } });
    const r = await create(fake, "repl", [], { env: { AKS_NET_RETRY_DELAY_MS: "20" } });
    ok(r);
    assert.equal(f.hits, 2);
    assert.equal(props(fake.get(clusterId("rg-repl", "repl")))["provisioningState"], "Succeeded");
  });

  it("an LRO that ends Failed at each step exits 1 with the Azure code, the correlation id and the resume hint; the re-run converges", async function () {
    this.timeout(240_000);
    const name = "lro";
    const ids = await plannedIds(fake, name);
    const lroTypes = ids.filter((o) => !/resourceGroups$|roleAssignments$|userAssignedIdentities$/i.test(o.type));
    assert.ok(lroTypes.length >= 7);
    for (const target of lroTypes) {
      fake.reset();
      const error = { code: "InternalOperationError", message: `injected failure of ${target.type}` };
      fake.addFault({ kind: "lroFail", method: "PUT", match: new RegExp(`${escape(target.resourceId)}$`, "i"), error });
      const failed = await create(fake, name, FIREWALL, { json: false });
      assert.equal(failed.code, 1, `${target.type}: ${failed.stderr}`);
      assert.match(failed.stderr, /Azure error InternalOperationError: injected failure/);
      assert.match(failed.stderr, /correlation id: [0-9a-f-]{36}/);
      assert.match(failed.stderr, /re-run the same command to resume/);
      assert.doesNotMatch(failed.stderr, /^\s+at /m);
      const again = await create(fake, name, FIREWALL);
      ok(again);
      assertConverged(fake, name, ids);
    }
  });

  it("egress blocked at node bootstrap (VMExtensionProvisioningError exit status=50) is explained", async () => {
    const message = "VM has reported a failure when processing extension 'vmssCSE'. Error message: \"Enable failed: failed to execute command: command terminated with exit status=50\".";
    fake.addFault({ kind: "lroFail", method: "PUT", match: /managedClusters\/cse$/i, error: { code: "VMExtensionProvisioningError", message } });
    const r = await create(fake, "cse", FIREWALL, { json: false });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /VMExtensionProvisioningError/);
    assert.match(r.stderr, /could not reach the internet to bootstrap/);
    assert.match(r.stderr, /fix: allow the AKS egress rules/);
  });

  it("with --output json a failure still prints one JSON result (status, error code, correlation id)", async () => {
    fake.addFault({ kind: "lroFail", method: "PUT", match: /azureFirewalls\/jf-fw$/i, error: { code: "FirewallPolicyUpdateFailed", message: "nope" } });
    const r = await create(fake, "jf", FIREWALL);
    assert.equal(r.code, 1);
    const doc = JSON.parse(r.stdout) as { status: string; error: { code: string; correlationId: string }; operations: { resourceId: string; status: string }[] };
    assert.equal(doc.status, "failed");
    assert.equal(doc.error.code, "FirewallPolicyUpdateFailed");
    assert.match(doc.error.correlationId, /^[0-9a-f-]{36}$/);
    assert.equal(doc.operations.find((o) => /managedClusters/.test(o.resourceId))?.status, "skipped");
  });
});

describe("create with Network's concurrency rules (409 AnotherOperationInProgress, 429 ReferencedResourceNotProvisioned)", function () {
  this.timeout(90_000);
  const fake = useFakeArm({ polls: 1, networkConflicts: true, conflictRetryAfterSec: 0 });

  it("the firewall topology converges without a single 409: writes to one VNet or route table queue", async () => {
    const r = await create(fake, "nc", FIREWALL);
    ok(r);
    assertConverged(fake, "nc", await plannedIds(fake, "nc"));
    assert.deepEqual(fake.requests.filter((q) => q.status === 409).map((q) => `${q.method} ${q.path}`), []);
  });

  it("a write refused because someone else's operation runs on the VNet is retried until it is accepted", async () => {
    fake.seed.resourceGroup("rg-busy", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-busy", "busy-vnet", ["10.70.0.0/16"], {}, { location: "westeurope" });
    // Another tool starts a subnet operation on the same VNet; it runs until its status is polled (fake.completeAll).
    assert.equal((await armPut(fake, `${vnet}/subnets/theirs?api-version=2026-01-01`, { properties: { addressPrefix: "10.70.200.0/24" } })).status, 201);
    const running = create(fake, "busy", ["--vnet-name", "busy-vnet", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22", "--existing-subnet", "theirs=10.70.200.0/24"], { env: { AKS_NET_RETRY_DELAY_MS: "20" } });
    const t0 = Date.now();
    while (!fake.requests.some((q) => q.status === 409) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(fake.requests.some((q) => q.status === 409), "create met the running operation");
    await new Promise((r) => setTimeout(r, 200)); // a few retries while it still runs
    fake.completeAll();
    const r = await running;
    ok(r);
    const refused = fake.requests.filter((q) => q.status === 409 && /subnets\/aks-nodes$/i.test(q.path)).length;
    assert.ok(refused >= 2, `the refused write was retried (${refused} refusals before it was accepted)`);
    assert.ok(fake.get(`${vnet}/subnets/aks-nodes`));
    assert.ok(fake.get(`${vnet}/subnets/theirs`), "their subnet is still there");
  });
});

describe("create killed midway resumes", function () {
  this.timeout(90_000);
  // A slow firewall, so the kill lands while its operation runs in "Azure" and the re-run still finds it running
  // (on a loaded machine the re-run's start-up and reads alone took 6 s: 4 s was too short).
  const fake = useFakeArm({ polls: 1, latencyMs: { "Microsoft.Network/azureFirewalls": 12_000, "Microsoft.ContainerService/managedClusters": 300 } });

  for (const signal of ["SIGINT", "SIGKILL"] as const) {
    it(`${signal} while the firewall is being created: ${signal === "SIGINT" ? "exit 130 with the resume hint, " : ""}the re-run waits for it and PUTs nothing twice`, async () => {
      const name = signal === "SIGINT" ? "ctrlc" : "killed";
      const ids = await plannedIds(fake, name);
      // Kill once the firewall's PUT was accepted (the node subnet and role assignments still print progress after it).
      const accepted = (): boolean => fake.requests.some((q) => q.method === "PUT" && /azureFirewalls\/[^/]+$/i.test(q.path) && q.status === 201);
      const first = await create(fake, name, FIREWALL, { json: false, killSignal: signal, killWhen: (err) => /start\s+firewall/.test(err) && accepted() });
      assert.ok(first.killed, "the run was interrupted");
      if (signal === "SIGINT") {
        assert.equal(first.code, 130, first.stderr);
        assert.match(first.stderr, /re-run the same command to resume/);
      } else {
        assert.equal(first.signal, "SIGKILL");
      }
      const fwId = ids.find((o) => /azureFirewalls/.test(o.type))?.resourceId as string;
      const fw = fake.get(fwId);
      assert.ok(fw, "the firewall PUT was accepted before the kill");
      assert.match(String(props(fw)["provisioningState"]), /Creating|Updating/, "still running in Azure");

      const mark = fake.requests.length;
      const again = await create(fake, name, FIREWALL);
      ok(again);
      assertConverged(fake, name, ids);
      for (const [path, n] of putsByPath(fake)) assert.equal(n, 1, `${path} was PUT ${n} times across both runs`);
      assert.equal(writesSince(fake, mark).filter((w) => w.path.toLowerCase() === fwId.toLowerCase()).length, 0, "the running firewall operation is waited for, not repeated");
      assert.match(again.stderr, /waiting for the (creating|updating) operation a previous run started/);
    });
  }
});

/** An HTTPS proxy to the fake (same certificate) that removes Retry-After from 429 answers. */
async function stripRetryAfterProxy(fake: FakeArm): Promise<{ url: string; stripped(): number; close(): Promise<void> }> {
  const { cert, key } = await testCert();
  let stripped = 0;
  const server = createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const up = request(`${fake.url}${req.url ?? "/"}`, { method: req.method, ca: fake.caPem, headers: { ...req.headers, host: new URL(fake.url).host } }, (upRes) => {
        const headers = { ...upRes.headers };
        // Like a reverse proxy, point status URLs back at itself (the CLI sends its token only to its endpoint).
        for (const h of ["azure-asyncoperation", "location", "operation-location"]) {
          const v = headers[h];
          if (typeof v === "string") headers[h] = v.replace(fake.url, `https://127.0.0.1:${(server.address() as AddressInfo).port}`);
        }
        if (upRes.statusCode === 429 && headers["retry-after"] !== undefined) {
          delete headers["retry-after"];
          stripped++;
        }
        res.writeHead(upRes.statusCode ?? 502, headers);
        upRes.pipe(res);
      });
      up.on("error", () => res.destroy());
      up.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    stripped: () => stripped,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
