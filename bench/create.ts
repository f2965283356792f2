/**
 * `create` benchmark: the built CLI (real SDK clients, real DefaultAzureCredential via a fake `az`) builds the
 * firewall-egress topology against the fake ARM server, whose operations take Azure's typical durations scaled down
 * (1 min → 250 ms: ARM round trips do not shrink with the scale, so a harder squeeze would mostly measure them). Reports the apply phase's wall time against the plan's critical path (same latencies; target
 * ≤ 1.1), the same for a one-step-at-a-time baseline (the docs tutorial's order of work), and the ARM request counts
 * of a create and of a no-op re-run.
 */
import { criticalPath } from "../src/core/plan.ts";
import type { DesiredResource } from "../src/core/plan.ts";
import { startFakeArm } from "../test/fakes/fake-arm.ts";
import type { RequestRecord } from "../test/fakes/fake-arm.ts";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fakeAzDir, runCli } from "../test/helpers/run-cli.ts";
import { bench, median, table, target } from "./harness.ts";

const RUNS = 3;
/** No-op re-runs (each paired with an offline dry run): ~0.2 s a pair, so many of them, for a steady median (with 9, ten bench runs of one build spread over 2.31-2.63). */
const NOOP_RUNS = 21;
const SCALE = 250 / 60_000; // 1 min in Azure → 250 ms here

/** Typical Azure durations (ms) of the long-running PUTs in this topology. */
const AZURE_MS: Record<string, number> = {
  "Microsoft.Network/virtualNetworks": 7_500,
  "Microsoft.Network/virtualNetworks/subnets": 7_500,
  "Microsoft.Network/publicIPAddresses": 5_000,
  "Microsoft.Network/azureFirewalls": 7.5 * 60_000,
  "Microsoft.Network/routeTables": 5_000,
  "Microsoft.Network/routeTables/routes": 5_000,
  "Microsoft.ContainerService/managedClusters": 6.5 * 60_000,
};
// Role assignments, identities and resource groups are synchronous in ARM (and in the fake): 1-2 s in Azure, not modelled.

const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];
// The SDK polls every 2 s by default: scaled like the latencies.
const ENV = { AKS_NET_POLL_INTERVAL_MS: String(Math.max(1, Math.round(2000 * SCALE))) };

bench("create", async () => {
  // networkConflicts: Network refuses a second operation on a busy VNet or route table, as Azure does.
  const fake = await startFakeArm({ polls: 0, latencyMs: AZURE_MS, latencyScale: SCALE, location: "westeurope", networkConflicts: true });
  try {
    const args = (name: string): string[] => ["create", "-n", name, "-g", `rg-${name}`, "-l", "westeurope", ...FIREWALL, "--yes", "-o", "json"];
    const dry = await runCli([...args("plan"), "--dry-run", "--offline"], { fake });
    if (dry.code !== 0) throw new Error(`dry run exited ${dry.code}: ${dry.stderr}`);
    const desired = (JSON.parse(dry.stdout) as { operations: DesiredResource[] }).operations;
    const scaled = Object.fromEntries(Object.entries(AZURE_MS).map(([t, ms]) => [t, ms * SCALE]));
    const cp = criticalPath(desired, scaled);
    const sequentialSum = desired.reduce((sum, r) => sum + (scaled[r.type] ?? 0), 0);

    const measure = async (name: string, env: Record<string, string>): Promise<{ apply: number; cli: number; requests: number; writes: number; polls: number }> => {
      fake.reset();
      const r = await runCli(args(name), { fake, env: { ...ENV, ...env }, timeoutMs: 120_000 });
      if (r.code !== 0) throw new Error(`create exited ${r.code}: ${r.stderr.split("\n").slice(-4).join(" ")}`);
      const polls = fake.requests.filter((q) => /\/operations\//i.test(q.path)).length;
      return { apply: applyWall(fake.requests), cli: r.durationMs, requests: fake.requests.length, writes: fake.writes().length, polls };
    };

    const parallel: number[] = [];
    const sequential: number[] = [];
    let counts = { requests: 0, writes: 0, polls: 0 };
    for (let i = 0; i < RUNS; i++) {
      const p = await measure(`par${i}`, {});
      parallel.push(p.apply);
      counts = p;
      sequential.push((await measure(`seq${i}`, { AKS_NET_MAX_PARALLEL: "1" })).apply);
    }
    // A no-op re-run right after a create, against the offline dry run of the same topology (interleaved), with the
    // `az account get-access-token` runs counted by a logging wrapper around the fake az.
    fake.reset();
    const first = await runCli(args("noop"), { fake, env: ENV, timeoutMs: 120_000 });
    if (first.code !== 0) throw new Error(`create exited ${first.code}`);
    const azDir = mkdtempSync(join(tmpdir(), "aks-net-bench-az-"));
    const azLog = join(azDir, "calls.log");
    writeFileSync(join(azDir, "az"), `#!/bin/sh\necho "$*" >> '${azLog}'\nexec '${join(fakeAzDir("token"), "az")}' "$@"\n`);
    chmodSync(join(azDir, "az"), 0o755);
    const wrapped = { ...ENV, PATH: `${azDir}${delimiter}${process.env["PATH"] ?? ""}` };
    let rerun: RequestRecord[] = [];
    let azCalls = 0;
    let again = first;
    const noop: number[] = [];
    const offline: number[] = [];
    try {
      for (let i = 0; i < NOOP_RUNS; i++) {
        writeFileSync(azLog, "");
        const mark = fake.requests.length;
        again = await runCli(args("noop"), { fake, env: wrapped });
        if (again.code !== 0) throw new Error(`re-run exited ${again.code}`);
        rerun = fake.requests.slice(mark);
        azCalls = readFileSync(azLog, "utf8").split("\n").filter((l) => l.includes("get-access-token")).length;
        noop.push(again.durationMs);
        offline.push((await runCli([...args("noop"), "--dry-run", "--offline"], { fake, env: ENV })).durationMs);
      }
    } finally {
      rmSync(azDir, { recursive: true, force: true });
    }
    const readsPerResource = new Map<string, number>();
    for (const q of rerun.filter((r) => r.method === "GET")) readsPerResource.set(q.path.toLowerCase().split("?")[0] as string, (readsPerResource.get(q.path.toLowerCase().split("?")[0] as string) ?? 0) + 1);
    const maxReads = Math.max(0, ...readsPerResource.values());
    target("no-op create re-run (wall)", median(noop) / median(offline), 2.5, "create --dry-run --offline");
    target("no-op create re-run: most GETs of one resource", maxReads, 1, "(each resource read once)");
    target("no-op create re-run: az get-access-token runs", azCalls, 1, "(one token per audience: ARM)");

    const p = median(parallel);
    const s = median(sequential);
    // Polls: 2 s for operations of seconds, 10 s for the firewall and the cluster (scaled), Retry-After when sent; a
    // poll comes at most one interval after its operation ended, so the apply stays close to the critical path.
    target("create: apply wall (at most one poll interval late per serial step)", p / cp.duration, 1.1, "the plan's critical path");
    target("create: LRO status polls (per-type interval)", counts.polls, undefined, "(count; 387 with one 2 s interval)");
    table(
      ["create, firewall egress (12 resources), Azure latencies ÷ 240", `value (median of ${RUNS})`],
      [
        ["critical path (ms)", cp.duration.toFixed(0)],
        ["critical path", cp.path.map((id) => id.slice(id.lastIndexOf("/") + 1)).join(" → ")],
        ["aks-net apply wall (ms)", p.toFixed(0)],
        ["aks-net wall / critical path (target ≤ 1.1)", `${(p / cp.duration).toFixed(2)} (${p / cp.duration <= 1.1 ? "met" : "NOT met"})`],
        ["one step at a time: sum of step latencies (ms)", sequentialSum.toFixed(0)],
        ["one step at a time: apply wall (ms)", s.toFixed(0)],
        ["one step at a time: wall / critical path", (s / cp.duration).toFixed(2)],
        ["ARM requests, create: total / writes / LRO status polls", `${counts.requests} / ${counts.writes} / ${counts.polls}`],
        ["ARM requests, no-op re-run: total / writes", `${rerun.length} / ${rerun.filter((r) => r.method !== "GET").length}`],
        [`CLI process wall, no-op re-run / offline dry run (ms, median of ${NOOP_RUNS})`, `${median(noop).toFixed(0)} / ${median(offline).toFixed(0)}`],
        ["no-op re-run: most GETs of one resource; az token runs", `${maxReads}; ${azCalls}`],
      ],
    );
  } finally {
    await fake.close();
  }
});

/** From the first write to the end of the last request: the executor's share of the run (process start and reads excluded). */
function applyWall(requests: readonly RequestRecord[]): number {
  const firstWrite = requests.find((r) => r.method !== "GET" && r.method !== "HEAD");
  if (!firstWrite) return 0;
  const end = Math.max(...requests.map((r) => r.time + r.durationMs));
  return end - firstWrite.time;
}
