/**
 * `validate --live` benchmark: the built CLI (real SDK, real DefaultAzureCredential via a fake `az`) against the fake
 * ARM server holding a VNet with 200 subnets and 20 peerings, plus other clusters in the subscription.
 * Measures the CLI's wall time, its CPU time (user + sys, which machine load does not inflate) and the ARM request
 * count (from --verbose), interleaved with offline `validate` as a baseline. The target is under 2 s.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { startFakeArm } from "../test/fakes/fake-arm.ts";
import type { FakeArm } from "../test/fakes/fake-arm.ts";
import { cliEnv } from "../test/helpers/run-cli.ts";
import { BIN, ROOT, bench, median, table } from "./harness.ts";

const RUNS = 7;
const SUBNETS = 200;
const PEERINGS = 20;
const TIME = "/usr/bin/time";

interface Sample {
  wallMs: number;
  /** user + sys seconds × 1000, when /usr/bin/time exists. */
  cpuMs?: number;
  code: number | null;
  stderr: string;
}

/** One CLI run (asynchronous: the fake lives in this process), timed from spawn to exit. */
function runTimed(fake: FakeArm, args: readonly string[]): Promise<Sample> {
  const timed = existsSync(TIME);
  const argv = timed ? ["-f", "cpu %U %S", process.execPath, BIN, ...args] : [BIN, ...args];
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(timed ? TIME : process.execPath, argv, { cwd: ROOT, env: cliEnv({ fake }), stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - t0;
      const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      resolve({ wallMs, code: timed ? Number(/exit status (\d+)/.exec(stderr)?.[1] ?? code) : code, stderr, ...(m ? { cpuMs: (Number(m[1]) + Number(m[2])) * 1000 } : {}) });
    });
  });
}

bench("validate-live", async () => {
  // Quota large enough for the other clusters plus this one: the bench measures reads, not a finding.
  const fake = await startFakeArm({ location: "westeurope", quota: { cores: { limit: 1000 }, standardDSv5Family: { limit: 1000 } } });
  try {
    const rg = "rg-bench";
    fake.seed.resourceGroup(rg, { location: "westeurope" });
    const subnets: Record<string, string> = { aks: "10.101.0.0/22" };
    for (let i = 0; i < SUBNETS - 1; i++) subnets[`snet-${i}`] = `10.100.${i}.0/24`;
    const vnet = fake.seed.vnet(rg, "spoke", ["10.100.0.0/16", "10.101.0.0/16"], subnets, { location: "westeurope" });
    for (let i = 0; i < PEERINGS; i++) {
      const remote = fake.seed.vnet("rg-remote", `remote-${i}`, [`192.168.${i}.0/24`], {}, { location: "westeurope" });
      fake.seed.peering(vnet, `to-remote-${i}`, remote);
      fake.seed.peering(remote, `to-spoke`, vnet);
    }
    for (let i = 0; i < 10; i++) {
      fake.seed.cluster("rg-other", `other-${i}`, {
        agentPoolProfiles: [{ name: "nodepool1", count: 3, vmSize: "Standard_D4s_v5", mode: "System" }],
        networkProfile: { networkPlugin: "azure", networkPluginMode: "overlay", podCidr: "10.244.0.0/16", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" },
      });
    }
    const common = ["--service-cidr", "10.200.0.0/16", "--dns-service-ip", "10.200.0.10", "-o", "json"];
    const live = ["validate", "--live", "--verbose", "-g", rg, "--vnet-subnet-id", `${vnet}/subnets/aks`, ...common];
    const offline = ["validate", "--vnet-cidr", "10.100.0.0/16,10.101.0.0/16", "--subnet-cidr", "10.101.0.0/22", ...common];
    await runTimed(fake, live); // warm the file cache
    const liveRuns: Sample[] = [];
    const offlineRuns: Sample[] = [];
    let requests = "?";
    for (let i = 0; i < RUNS; i++) {
      const before = fake.requests.length;
      const r = await runTimed(fake, live);
      if (r.code !== 0) throw new Error(`validate --live exited ${r.code}: ${r.stderr.split("\n")[0]}`);
      if (fake.requests.slice(before).some((q) => q.method !== "GET")) throw new Error("validate --live wrote to ARM");
      requests = /ARM requests: (\d+)/.exec(r.stderr)?.[1] ?? "?";
      liveRuns.push(r);
      offlineRuns.push(await runTimed(fake, offline));
    }
    const wall = median(liveRuns.map((r) => r.wallMs));
    const cpu = liveRuns.every((r) => r.cpuMs !== undefined) ? median(liveRuns.map((r) => r.cpuMs as number)).toFixed(0) : "n/a";
    table(
      [`${SUBNETS} subnets, ${PEERINGS} peerings, 10 other clusters`, `median of ${RUNS}`],
      [
        ["validate --live: CLI wall (ms)", `${wall.toFixed(0)} (${Math.min(...liveRuns.map((r) => r.wallMs)).toFixed(0)}–${Math.max(...liveRuns.map((r) => r.wallMs)).toFixed(0)})`],
        ["validate --live: CLI CPU user+sys (ms)", cpu],
        ["offline validate: CLI wall (ms)", median(offlineRuns.map((r) => r.wallMs)).toFixed(0)],
        ["ARM requests per run (all GET)", requests],
        ["load average (1 min) during the runs", loadavg()[0]?.toFixed(1) ?? "?"],
        ["target: wall < 2000 ms", wall < 2000 ? "met" : "NOT met"],
      ],
    );
  } finally {
    await fake.close();
  }
});
