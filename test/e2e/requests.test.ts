/**
 * Requests and credentials end to end (issue 9 §3): the BUILT CLI, the real credential chain (DefaultAzureCredential →
 * the fake `az`, which issues a token for exactly the resource it is asked for) and the real SDK clients, against the
 * fake ARM, which rejects a token whose audience is not its cloud's (401 InvalidAuthenticationTokenAudience, as ARM).
 * - Tokens are requested for the audience of the ARM endpoint in use (az cloud names, the metadata endpoint), for every
 *   client, and never sent to another host.
 * - A request that never gets an answer (GET, PUT, status poll) times out, is retried like a 5xx, and the run ends.
 */
import assert from "node:assert/strict";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { startFakeArm } from "../fakes/fake-arm.ts";
import type { FakeArm, RequestRecord } from "../fakes/fake-arm.ts";
import { FAST, clusterId, create, ok, props, result, rgId, useFakeArm } from "../helpers/create-cli.ts";
import { hasStackTrace } from "../helpers/cli.ts";
import { cliEnv, fakeAzDir, runCli } from "../helpers/run-cli.ts";
import type { AzMode } from "../helpers/run-cli.ts";

const authenticated = (fake: FakeArm): RequestRecord[] => fake.requests.filter((r) => r.auth);
/** `Microsoft.Network`, `Microsoft.Resources` (groups), ... for each authenticated request. */
const namespaces = (fake: FakeArm): Set<string> =>
  new Set(authenticated(fake).map((r) => /\/providers\/(Microsoft\.[A-Za-z]+)\//i.exec(r.path)?.[1] ?? (/\/resourcegroups\//i.test(r.path) ? "Microsoft.Resources" : "other")));
const oneLine = (s: string): void => assert.ok(s.trim().split("\n").length <= 3, `short error, got:\n${s}`);

describe("requests and credentials: token audiences", function () {
  this.timeout(60_000);

  it("a US Government ARM gets tokens for its own audience, learned from its metadata endpoint, on every client", async () => {
    const fake = await startFakeArm({ polls: 1, cloud: "AzureUSGovernment" });
    try {
      const r = await create(fake, "gov", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"]);
      ok(r);
      assert.equal(result(r).cluster?.provisioningState, "Succeeded");
      assert.match(r.stderr, /cloud AzureUSGovernment, ARM endpoint https:\/\/127\.0\.0\.1:/);
      const auds = new Set(authenticated(fake).map((q) => q.audience));
      assert.deepEqual([...auds], ["https://management.core.usgovcloudapi.net/"]);
      assert.deepEqual(fake.requests.filter((q) => q.status === 401), [], "no request was refused");
      // Network, ContainerService, Resources, Compute, and the older-generation MSI and Authorization clients.
      for (const ns of ["Microsoft.Network", "Microsoft.ContainerService", "Microsoft.Resources", "Microsoft.Compute", "Microsoft.ManagedIdentity", "Microsoft.Authorization"]) {
        assert.ok(namespaces(fake).has(ns), `${ns} was called (saw ${[...namespaces(fake)].join(", ")})`);
      }
      // The metadata document was read once, anonymously, before the first token was used.
      const meta = fake.requests.filter((q) => q.path === "/metadata/endpoints");
      assert.equal(meta.length, 1);
      assert.equal(meta[0]?.auth, false);
      assert.equal(meta[0]?.apiVersion, "2022-09-01");
      assert.equal(fake.requests[0], meta[0]);
    } finally {
      await fake.close();
    }
  });

  it("the public cloud: every client (MSI and Authorization too) asks for management.core.windows.net, never for the endpoint's host", async () => {
    const fake = await startFakeArm({ polls: 1 });
    try {
      ok(await create(fake, "pub"));
      const auds = new Set(authenticated(fake).map((q) => q.audience));
      assert.deepEqual([...auds], ["https://management.core.windows.net/"]);
      assert.ok(namespaces(fake).has("Microsoft.ManagedIdentity") && namespaces(fake).has("Microsoft.Authorization"));
    } finally {
      await fake.close();
    }
  });

  it("validate --live and delete use the same audience (China)", async () => {
    const fake = await startFakeArm({ polls: 1, cloud: "AzureChinaCloud" });
    try {
      ok(await create(fake, "cn"));
      const v = await runCli(["validate", "--live", "-n", "cn", "-g", "rg-cn", "-l", "westeurope", "--vnet-name", "cn-vnet", "-o", "json"], { fake, env: FAST });
      assert.notEqual(v.code, 5, v.stderr);
      assert.ok(v.code === 0 || v.code === 3, `exit ${v.code}: ${v.stderr}`);
      const d = await runCli(["delete", "-n", "cn", "-g", "rg-cn", "--yes"], { fake, env: FAST });
      assert.equal(d.code, 0, d.stderr);
      assert.equal(fake.get(clusterId("rg-cn", "cn")), undefined);
      assert.deepEqual([...new Set(authenticated(fake).map((q) => q.audience))], ["https://management.core.chinacloudapi.cn/"]);
    } finally {
      await fake.close();
    }
  });

  it("an endpoint that publishes no metadata: exit 2 naming --cloud and AKS_NET_ARM_AUDIENCE, and no token goes out; with AKS_NET_ARM_AUDIENCE it works", async () => {
    const fake = await startFakeArm({ polls: 1, metadata: false });
    try {
      const r = await create(fake, "nometa", [], { json: false });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /cannot tell which token audience the ARM endpoint https:\/\/127\.0\.0\.1:\d+ accepts: GET \/metadata\/endpoints answered 404/);
      assert.match(r.stderr, /--cloud/);
      assert.match(r.stderr, /AKS_NET_ARM_AUDIENCE/);
      assert.ok(!hasStackTrace(r.stderr));
      assert.deepEqual(authenticated(fake), [], "no token was sent");

      ok(await create(fake, "nometa", [], { env: { AKS_NET_ARM_AUDIENCE: "https://management.azure.com" } }));
      assert.deepEqual([...new Set(authenticated(fake).map((q) => q.audience))], ["https://management.azure.com"]);
    } finally {
      await fake.close();
    }
  });

  it("a token ARM refuses for its audience (401 InvalidAuthenticationTokenAudience): exit 5 saying so, naming --cloud, nothing written", async () => {
    const fake = await startFakeArm({ polls: 1 });
    try {
      const r = await create(fake, "aud", [], { json: false, env: { AKS_NET_ARM_AUDIENCE: "https://management.core.usgovcloudapi.net/" } });
      assert.equal(r.code, 5, r.stderr);
      assert.match(r.stderr, /issued for another cloud or resource \(InvalidAuthenticationTokenAudience\)/);
      assert.match(r.stderr, /--cloud/);
      assert.deepEqual(fake.writes(), []);
    } finally {
      await fake.close();
    }
  });

  it("--cloud that contradicts the endpoint's metadata is a usage error before any token is sent", async () => {
    const fake = await startFakeArm({ polls: 1, cloud: "AzureChinaCloud" });
    try {
      const r = await create(fake, "mix", ["--cloud", "AzureUSGovernment"], { json: false });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--cloud AzureUSGovernment does not match the ARM endpoint https:\/\/127\.0\.0\.1:\d+, which serves AzureChinaCloud/);
      assert.deepEqual(authenticated(fake), []);
      // The matching name is accepted.
      ok(await create(fake, "mix", ["--cloud", "AzureChinaCloud"]));
    } finally {
      await fake.close();
    }
  });

  it("a bad --cloud or AKS_NET_CLOUD: one-line usage error, exit 2, with did-you-mean; AzureGermanCloud is retired", async () => {
    const typo = await runCli(["create", "-n", "c", "-g", "rg", "-l", "westeurope", "--yes", "--cloud", "AzureUSGov"]);
    assert.equal(typo.code, 2, typo.stderr);
    assert.match(typo.stderr, /unknown cloud 'AzureUSGov' \(did you mean AzureUSGovernment\?\)/);
    oneLine(typo.stderr);
    const env = await runCli(["validate", "--live", "-n", "c", "-g", "rg"], { env: { AKS_NET_CLOUD: "azurchinacloud" } });
    assert.equal(env.code, 2, env.stderr);
    assert.match(env.stderr, /AKS_NET_CLOUD: unknown cloud 'azurchinacloud' \(did you mean AzureChinaCloud\?\)/);
    const german = await runCli(["delete", "-n", "c", "-g", "rg", "--cloud", "AzureGermanCloud"]);
    assert.equal(german.code, 2, german.stderr);
    assert.match(german.stderr, /AzureGermanCloud \(Microsoft Cloud Germany\) was closed on 29 October 2021/);
    for (const r of [typo, env, german]) assert.ok(!hasStackTrace(r.stderr), r.stderr);
  });

  it("a status URL on another host never receives the token: the run stops (exit 1) naming the host, and nothing was sent there", async () => {
    // The fake hands out operation URLs on https://localhost:PORT (same server, another host name).
    const fake = await startFakeArm({ polls: 1, lroHost: "localhost" });
    try {
      const r = await create(fake, "away", [], { json: false });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /refusing to send the Azure token for https:\/\/management\.core\.windows\.net\/ to https:\/\/localhost:\d+/);
      assert.deepEqual(fake.requests.filter((q) => q.host.startsWith("localhost")), [], "no request reached the other host");
      assert.ok(!hasStackTrace(r.stderr));
    } finally {
      await fake.close();
    }
  });
});

describe("requests and credentials: hung connections end", function () {
  this.timeout(60_000);
  const TIMEOUT = { ...FAST, AKS_NET_REQUEST_TIMEOUT_MS: "1000" };
  const arm = useFakeArm();

  it("a GET that never answers is timed out and retried like a 5xx: create completes", async () => {
    // The VNet's own GET, not its subnets' (the plan's reads go out together, in no fixed order at the server).
    arm.fake.addFault({ kind: "hang", method: "GET", match: /\/virtualNetworks\/hg-vnet$/i, times: 1 });
    const r = await create(arm.fake, "hg", [], { env: TIMEOUT, timeoutMs: 45_000 });
    assert.equal(r.timedOut, false, "the run ended by itself");
    ok(r);
    const gets = arm.fake.requests.filter((q) => q.method === "GET" && /\/virtualNetworks\/hg-vnet$/i.test(q.path));
    assert.equal(gets[0]?.fault, "hang");
    assert.equal(gets[0]?.status, 0, "never answered");
    assert.ok(gets.slice(1).some((q) => q.status === 404 || q.status === 200), "the retry was answered");
  });

  it("a response whose body never completes is timed out and retried too", async () => {
    arm.fake.addFault({ kind: "stall", method: "GET", match: /\/virtualNetworks\/hb-vnet$/i, times: 1 });
    const r = await create(arm.fake, "hb", [], { env: TIMEOUT, timeoutMs: 45_000 });
    assert.equal(r.timedOut, false);
    ok(r);
    const gets = arm.fake.requests.filter((q) => q.method === "GET" && /\/virtualNetworks\/hb-vnet$/i.test(q.path));
    assert.equal(gets[0]?.fault, "stall");
    assert.ok(gets.length >= 2);
  });

  it("a PUT that never answers is retried: the resource is created once and the run completes", async () => {
    arm.fake.addFault({ kind: "hang", method: "PUT", match: /\/virtualNetworks\/hp-vnet$/, times: 1 });
    const r = await create(arm.fake, "hp", [], { env: TIMEOUT, timeoutMs: 45_000 });
    assert.equal(r.timedOut, false);
    ok(r);
    const puts = arm.fake.requests.filter((q) => q.method === "PUT" && /\/virtualNetworks\/hp-vnet$/i.test(q.path));
    assert.equal(puts[0]?.status, 0, "the first PUT never got an answer");
    assert.ok(puts.length >= 2 && puts.slice(1).every((q) => q.status === 201 || q.status === 200), `PUTs: ${puts.map((q) => q.status).join(",")}`);
    assert.equal(props(arm.fake.get(`${rgId("rg-hp")}/providers/Microsoft.Network/virtualNetworks/hp-vnet`))["provisioningState"], "Succeeded");
  });

  it("a status poll that never answers: the run ends (exit 1) naming the timeout and the resume, and a re-run completes", async () => {
    const hang = arm.fake.addFault({ kind: "hang", method: "GET", match: "/operations/", times: Infinity });
    const started = Date.now();
    const r = await create(arm.fake, "hs", [], { env: TIMEOUT, json: false, timeoutMs: 45_000 });
    assert.equal(r.timedOut, false, "the run ended by itself");
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no response to GET \/subscriptions\/[^ ]+\/operations\/[^ ]+ within 1 s/);
    assert.match(r.stderr, /re-run the same command to resume/);
    assert.ok(!hasStackTrace(r.stderr));
    // Each poll attempt was retried (AKS_NET_RETRY_DELAY_MS gives 4 retries), then the run gave up.
    assert.ok(hang.hits >= 5, `hung polls: ${hang.hits}`);
    assert.ok(Date.now() - started < 40_000);
    hang.remove();
    ok(await create(arm.fake, "hs", [], { env: TIMEOUT }));
  });

  it("a metadata endpoint that never answers ends the run too (exit 1), before any token is sent", async () => {
    arm.fake.addFault({ kind: "hang", match: "/metadata/endpoints", times: Infinity });
    const r = await create(arm.fake, "hm", [], { env: TIMEOUT, json: false, timeoutMs: 45_000 });
    assert.equal(r.timedOut, false);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /no response to GET \/metadata\/endpoints within 1 s/);
    assert.deepEqual(authenticated(arm.fake), []);
  });
});

describe("requests and credentials: one token per run", function () {
  this.timeout(60_000);
  const arm = useFakeArm();
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-az-log-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The fake `az` of `mode` behind a wrapper that logs each call: the PATH that puts it first. */
  const loggedAz = (mode: AzMode): { path: string; calls: () => string[] } => {
    const log = join(dir, "calls.log");
    writeFileSync(log, "");
    writeFileSync(join(dir, "az"), `#!/bin/sh\necho "$*" >> '${log}'\nexec '${join(fakeAzDir(mode), "az")}' "$@"\n`);
    chmodSync(join(dir, "az"), 0o755);
    return { path: `${dir}${delimiter}${cliEnv().PATH}`, calls: () => readFileSync(log, "utf8").split("\n").filter((l) => l.includes("get-access-token")) };
  };

  it("a create and its no-op re-run each run az once (the token is asked for as the context is made, and shared)", async () => {
    const az = loggedAz("token");
    ok(await create(arm.fake, "tok", [], { env: { PATH: az.path } }));
    assert.equal(az.calls().length, 1, az.calls().join("\n"));
    const again = await create(arm.fake, "tok", [], { env: { PATH: az.path } });
    ok(again);
    assert.equal(az.calls().length, 2, "the re-run asked once more");
  });

  it("an endpoint discovered before: its token is asked for while this run's discovery runs, and no request goes out before the discovery answers", async () => {
    const cache = join(dir, "cache");
    const log = join(dir, "timed.log");
    // Each az call logged with its start time (ms).
    writeFileSync(join(dir, "az"), `#!/bin/sh\necho "$(date +%s%N) $*" >> '${log}'\nexec '${join(fakeAzDir("token"), "az")}' "$@"\n`);
    chmodSync(join(dir, "az"), 0o755);
    const env = { PATH: `${dir}${delimiter}${cliEnv().PATH}`, XDG_CACHE_HOME: cache, AKS_NET_REQUEST_TIMEOUT_MS: "1500" };
    const azStarts = (): number[] => readFileSync(log, "utf8").split("\n").filter((l) => l.includes("get-access-token")).map((l) => Number(l.split(" ")[0]) / 1e6);
    // The first discovery hangs once (then is retried): with nothing remembered, az waits for its answer.
    const firstHang = arm.fake.addFault({ kind: "hang", match: "/metadata/endpoints", times: 1 });
    ok(await create(arm.fake, "hint", [], { env }));
    assert.equal(firstHang.hits, 1);
    const answered = (from: number): RequestRecord[] => arm.fake.requests.slice(from).filter((q) => q.path === "/metadata/endpoints" && q.status === 200);
    assert.ok((azStarts()[0] as number) >= (answered(0)[0]?.time as number), "without a remembered answer, the token waits for the discovery");
    const remembered = JSON.parse(readFileSync(join(cache, "aks-net", "arm-endpoints.json"), "utf8")) as Record<string, { audiences: string[] }>;
    assert.deepEqual(remembered[`${arm.fake.url}/`]?.audiences, ["https://management.core.windows.net/", "https://management.azure.com/"]);

    writeFileSync(log, "");
    const mark = arm.fake.requests.length;
    const hang = arm.fake.addFault({ kind: "hang", match: "/metadata/endpoints", times: 1 });
    ok(await create(arm.fake, "hint", [], { env }));
    assert.equal(hang.hits, 1);
    const answer = answered(mark)[0] as RequestRecord;
    assert.equal(azStarts().length, 1, "one az run");
    assert.ok((azStarts()[0] as number) < answer.time, "the token was asked for while the discovery hung");
    const first = arm.fake.requests.slice(mark).findIndex((q) => q.auth);
    assert.ok(first > arm.fake.requests.slice(mark).indexOf(answer), "the first authenticated request came after the discovery's answer");
  });

  it("a remembered audience the endpoint no longer answers is not used: every request carries the discovered one, and the cache is corrected", async () => {
    const cache = join(dir, "cache");
    mkdirSync(join(cache, "aks-net"), { recursive: true });
    const file = join(cache, "aks-net", "arm-endpoints.json");
    writeFileSync(file, JSON.stringify({ [`${arm.fake.url}/`]: { audiences: ["https://management.core.usgovcloudapi.net/"], loginEndpoint: "https://login.microsoftonline.us", name: "AzureUSGovernment" } }));
    const az = loggedAz("token");
    ok(await create(arm.fake, "stale", [], { env: { PATH: az.path, XDG_CACHE_HOME: cache } }));
    assert.deepEqual([...new Set(authenticated(arm.fake).map((q) => q.audience))], ["https://management.core.windows.net/"]);
    assert.equal(az.calls().length, 2, "the remembered audience's token was asked for, then the discovered one's");
    assert.ok(az.calls().some((c) => c.includes("usgovcloudapi")) && az.calls().some((c) => c.includes("management.core.windows.net")), az.calls().join("\n"));
    const now = JSON.parse(readFileSync(file, "utf8")) as Record<string, { audiences: string[]; name: string }>;
    assert.equal(now[`${arm.fake.url}/`]?.name, "AzureCloud");
    // An entry that is not an audience (it would change what az is asked) is no hint at all: az runs once.
    writeFileSync(file, JSON.stringify({ [`${arm.fake.url}/`]: { audiences: ["https://x/ --tenant evil"] } }));
    writeFileSync(join(dir, "calls.log"), "");
    ok(await create(arm.fake, "stale", [], { env: { PATH: az.path, XDG_CACHE_HOME: cache } }));
    assert.deepEqual(az.calls().map((c) => c.includes("management.core.windows.net")), [true]);
  });

  it("signed out of az: the run fails once saying to run az login, exit 5, and az ran once", async () => {
    const az = loggedAz("not-logged-in");
    const r = await create(arm.fake, "signedout", [], { env: { PATH: az.path } });
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /az login/);
    assert.ok(!hasStackTrace(r.stderr), r.stderr);
    assert.equal(az.calls().length, 1, az.calls().join("\n"));
    assert.deepEqual(authenticated(arm.fake), [], "no request went out without a token");
  });
});

describe("requests: GETs in flight", function () {
  this.timeout(60_000);

  it("a no-op re-run reads the resources it plans while the live check is still reading (a round trip less), each once", async () => {
    const fake = await startFakeArm({ polls: 1 });
    try {
      const args = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];
      ok(await create(fake, "ahead", args));
      const mark = fake.requests.length;
      // The live check's VM-size list is throttled once (Retry-After 1 s): it answers a second late.
      fake.addFault({ kind: "throttle", method: "GET", match: "/providers/Microsoft.Compute/skus", retryAfterSec: 1 });
      const again = await create(fake, "ahead", args, { json: false });
      ok(again);
      assert.match(again.stderr, /nothing to do/);
      const gets = fake.requests.slice(mark).filter((r) => r.method === "GET" && r.auth);
      const skus = gets.filter((r) => r.path.endsWith("/providers/Microsoft.Compute/skus"));
      assert.deepEqual(skus.map((r) => r.status), [429, 200]);
      const liveAnswered = (skus[1] as RequestRecord).time + (skus[1] as RequestRecord).durationMs;
      // The resources of the plan: each read once, and all of them before the live check had its last answer.
      const planned = gets.filter((r) => /\/(virtualNetworks|azureFirewalls|publicIPAddresses|routeTables|userAssignedIdentities|roleAssignments)\/|\/managedClusters\/ahead$/i.test(r.path));
      assert.ok(planned.length >= 9, `planned reads: ${planned.length}`);
      assert.equal(new Set(planned.map((r) => r.path.toLowerCase())).size, planned.length, "each resource read once");
      const late = planned.filter((r) => r.time > liveAnswered);
      assert.deepEqual(late.map((r) => r.path), [], "read after the live check's last answer");
    } finally {
      await fake.close();
    }
  });

  it("a no-op re-run keeps at most six GETs in flight at once (the rest reuse keep-alive connections), and still reads each resource once", async () => {
    // Every answer takes 40 ms, as an ARM round trip would: GETs sent together overlap at the fake.
    const fake = await startFakeArm({ polls: 0, requestLatencyMs: 40 });
    try {
      ok(await create(fake, "inflight", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"]));
      const mark = fake.requests.length;
      ok(await create(fake, "inflight", ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"]));
      const gets = fake.requests.slice(mark).filter((r) => r.method === "GET" && r.auth);
      assert.ok(gets.length > 6, `enough GETs to matter (${gets.length})`);
      const edges = gets.flatMap((r) => [[r.time, 1] as const, [r.time + r.durationMs, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let now = 0;
      let most = 0;
      for (const [, d] of edges) most = Math.max(most, (now += d));
      assert.ok(most <= 6, `${most} GETs in flight at once`);
      assert.ok(most >= 4, `the reads still go out together (${most} at once)`);
      const paths = gets.map((r) => r.path.toLowerCase());
      assert.equal(new Set(paths).size, paths.length, "each resource read once");
    } finally {
      await fake.close();
    }
  });
});
