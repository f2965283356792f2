/**
 * `validate --live` benchmark: the built CLI (real SDK, real DefaultAzureCredential via a fake `az`) against the fake
 * ARM server holding a VNet with 200 subnets and 20 peerings, plus other clusters in the subscription.
 * Measures the CLI's wall time and the ARM request count (from --verbose); the target is under 2 s.
 */
import { startFakeArm } from "../test/fakes/fake-arm.ts";
import { runCli } from "../test/helpers/run-cli.ts";
import { bench, median, table } from "./harness.ts";

const RUNS = 7;
const SUBNETS = 200;
const PEERINGS = 20;

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
    const args = ["validate", "--live", "--verbose", "-g", rg, "--vnet-subnet-id", `${vnet}/subnets/aks`, "--node-vm-size", "Standard_D4s_v5", "--service-cidr", "10.200.0.0/16", "--dns-service-ip", "10.200.0.10", "-o", "json"];
    const walls: number[] = [];
    let requests = "?";
    await runCli(args, { fake }); // warm the file cache
    for (let i = 0; i < RUNS; i++) {
      const before = fake.requests.length;
      const r = await runCli(args, { fake });
      if (r.code !== 0) throw new Error(`validate --live exited ${r.code}: ${r.stderr.split("\n")[0]} ${r.stdout.slice(0, 3000)}`);
      if (fake.requests.slice(before).some((q) => q.method !== "GET")) throw new Error("validate --live wrote to ARM");
      walls.push(r.durationMs);
      requests = /ARM requests: (\d+)/.exec(r.stderr)?.[1] ?? "?";
    }
    const m = median(walls);
    table(
      ["validate --live, VNet with 200 subnets and 20 peerings", `value (${RUNS} runs)`],
      [
        ["CLI wall, median (ms)", m.toFixed(0)],
        ["CLI wall, min–max (ms)", `${Math.min(...walls).toFixed(0)}–${Math.max(...walls).toFixed(0)}`],
        ["ARM requests per run", requests],
        ["target < 2000 ms", m < 2000 ? "met" : "NOT met"],
      ],
    );
  } finally {
    await fake.close();
  }
});

