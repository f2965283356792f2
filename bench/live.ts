/**
 * `validate --live` benchmark: the built CLI (real SDK, real DefaultAzureCredential via a fake `az`) against the fake
 * ARM server holding a VNet with 200 subnets and 50 peerings, plus other clusters in the subscription, interleaved
 * with an offline `validate` of a spec file holding the same facts (the subnets and the peered ranges).
 * Ratios are of CPU time (user + sys of the CLI process, which machine load inflates far less than wall time);
 * wall times are shown too. Also counts the ARM requests (from --verbose).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startFakeArm } from "../test/fakes/fake-arm.ts";
import type { FakeArm } from "../test/fakes/fake-arm.ts";
import { cliEnv } from "../test/helpers/run-cli.ts";
import type { Measured } from "./harness.ts";
import { BIN, bench, measureNode, median, table, target } from "./harness.ts";

/** Interleaved pairs, many of them: with 7, the offline median ranged over 34-48 ms of CPU in ten bench runs of one build. */
const RUNS = 21;
const SUBNETS = 200;
const PEERINGS = 50;

/** One CLI run (asynchronous: the fake lives in this process). */
function runTimed(fake: FakeArm, args: readonly string[]): Promise<Measured> {
  return measureNode([BIN, ...args], { env: cliEnv({ fake }), expectExit: [0, 3] });
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
    // The same facts offline: the VNet, its subnets and the peered ranges in a spec file.
    const dir = mkdtempSync(join(tmpdir(), "aks-net-bench-"));
    const spec = join(dir, "facts.json");
    writeFileSync(
      spec,
      JSON.stringify({
        vnet: { addressSpaces: ["10.100.0.0/16", "10.101.0.0/16"], subnetName: "aks", subnetCidr: "10.101.0.0/22", existingSubnets: Object.entries(subnets).filter(([n]) => n !== "aks").map(([name, cidr]) => ({ name, cidr })) },
        connectedCidrs: Array.from({ length: PEERINGS }, (_, i) => `192.168.${i}.0/24`),
      }),
    );
    const offline = ["validate", "-f", spec, ...common];
    const warm = fake.requests.length;
    await runTimed(fake, live); // warm the file cache
    // The floor: the same requests (as this run sent them) from a bare Node client (bench/live-floor.cjs).
    const sent = fake.requests.slice(warm);
    const audience = sent.find((q) => q.audience !== undefined)?.audience ?? "";
    const floorEnv = { ...cliEnv({ fake }), FLOOR_PATHS: JSON.stringify(sent.map((q) => `${q.path}${q.query}`)), FLOOR_AUDIENCE: audience };
    const floor = (): Promise<Measured> => measureNode(["bench/live-floor.cjs"], { env: floorEnv });
    const liveRuns: Measured[] = [];
    const offlineRuns: Measured[] = [];
    const floorRuns: Measured[] = [];
    const bareRuns: Measured[] = [];
    let requests = "?";
    try {
      for (let i = 0; i < RUNS; i++) {
        const before = fake.requests.length;
        const r = await runTimed(fake, live);
        if (fake.requests.slice(before).some((q) => q.method !== "GET")) throw new Error("validate --live wrote to ARM");
        requests = /ARM requests: (\d+)/.exec(r.stderr)?.[1] ?? "?";
        liveRuns.push(r);
        offlineRuns.push(await runTimed(fake, offline));
        floorRuns.push(await floor());
        bareRuns.push(await measureNode(["-e", "0"]));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const med = (xs: Measured[], k: "wallMs" | "cpuMs"): number => median(xs.map((x) => x[k] ?? NaN));
    const [lw, ow, lc, oc] = [med(liveRuns, "wallMs"), med(offlineRuns, "wallMs"), med(liveRuns, "cpuMs"), med(offlineRuns, "cpuMs")];
    const [fc, bc] = [med(floorRuns, "cpuMs"), med(bareRuns, "cpuMs")];
    table(
      [`${SUBNETS} subnets, ${PEERINGS} peerings, 10 other clusters`, `median of ${RUNS}`],
      [
        ["validate --live: CLI wall / CPU (ms)", `${lw.toFixed(0)} / ${lc.toFixed(0)}`],
        ["offline validate, same facts: CLI wall / CPU (ms)", `${ow.toFixed(0)} / ${oc.toFixed(0)}`],
        ["ratio live / offline: wall, CPU", `${(lw / ow).toFixed(2)}, ${(lc / oc).toFixed(2)}`],
        ["ARM requests per run (all GET)", requests],
        ["bare Node client, same az run and GETs (bench/live-floor.cjs): CPU (ms); node -e 0", `${fc.toFixed(0)}; ${bc.toFixed(0)}`],
        ["the ratio with nothing of the CLI's own: (offline + bare client − node -e 0) / offline, CPU", ((oc + fc - bc) / oc).toFixed(2)],
      ],
    );
    target("validate --live (200 subnets, 50 peerings), CPU", lc / oc, 3, "same facts offline");
  } finally {
    await fake.close();
  }
});
