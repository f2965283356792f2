/**
 * Offline benchmarks, all through the built CLI and interleaved so machine noise hits every series alike:
 * (a) start-up of the light commands against a bare `node -e 0`; (b) 10^4-10^6 connected prefixes (`--connected-cidr
 * @FILE`) against a plain typed-array yardstick (bench/yardstick-connected.cjs: read, strict parse, sort, queries),
 * time and peak memory; (c) 10^4 and 10^5 existing subnets, the cost per subnet over a typical validate.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Measured } from "./harness.ts";
import { BIN, bench, measureNode, median, table, target, timeNode } from "./harness.ts";

const EXAMPLE = "examples/overlay-cilium.yaml";
const STARTUP_RUNS = 15;
export const FIREWALL_DRY_RUN = ["create", "-n", "bench", "-g", "rg-bench", "-l", "westeurope", "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--yes", "--dry-run", "--offline"];

bench("startup", async () => {
  // [label, argv, stdout read through a pipe (as CI reads it) rather than sent to /dev/null]
  const commands: [string, string[], boolean][] = [
    ["node -e 0", ["-e", "0"], false],
    [`aks-net validate -f ${EXAMPLE}`, [BIN, "validate", "-f", EXAMPLE], false],
    ["aks-net create --dry-run --offline (firewall topology)", [BIN, ...FIREWALL_DRY_RUN], false],
    ["aks-net --help", [BIN, "--help"], false],
    [`aks-net validate -f ${EXAMPLE}, stdout a pipe (CI)`, [BIN, "validate", "-f", EXAMPLE], true],
  ];
  for (let i = 0; i < 2; i++) for (const [, argv, piped] of commands) await timeNode(argv, [0], piped); // warm the file cache
  const times: number[][] = commands.map(() => []);
  for (let i = 0; i < STARTUP_RUNS; i++) for (const [j, [, argv, piped]] of commands.entries()) times[j]?.push(await timeNode(argv, [0], piped));
  const ms = times.map((t) => median(t));
  const bare = ms[0] as number;
  table(
    ["command", `median of ${STARTUP_RUNS} (ms)`, "ratio to node -e 0"],
    commands.map(([label], j) => [label, (ms[j] as number).toFixed(1), ((ms[j] as number) / bare).toFixed(2)]),
  );
  target("validate (typical spec)", (ms[1] as number) / bare, 1.5, "node -e 0");
  target("validate (typical spec), stdout a pipe (CI)", (ms[4] as number) / bare, 1.5, "node -e 0");
  target("create --dry-run --offline (firewall topology)", (ms[2] as number) / bare, 2.0, "node -e 0");
});

/** n distinct /28 prefixes inside 20.0.0.0/8 (clear of the example's ranges), in a scrambled order so sorting does real work. */
function connectedPrefixes(n: number): string[] {
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const k = (i * 7919 + 13) % n; // 7919 is prime and shares no factor with 10^k: a permutation
    out[i] = `20.${(k >> 12) & 255}.${(k >> 4) & 255}.${(k & 15) * 16}/28`;
  }
  return out;
}

const medianOf = (xs: readonly Measured[], key: "wallMs" | "maxRssMiB"): number => median(xs.map((x) => x[key] ?? NaN));

bench("validate-connected", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aks-net-bench-"));
  const rows: string[][] = [];
  try {
    for (const n of [10_000, 100_000, 1_000_000]) {
      const file = join(dir, `connected-${n}.txt`);
      writeFileSync(file, `${connectedPrefixes(n).join("\n")}\n`);
      const runs = n >= 1_000_000 ? 5 : 3;
      const cli: Measured[] = [];
      const yard: Measured[] = [];
      for (let i = 0; i < runs; i++) {
        cli.push(await measureNode([BIN, "validate", "-f", EXAMPLE, "--connected-cidr", `@${file}`]));
        yard.push(await measureNode(["bench/yardstick-connected.cjs", file]));
      }
      const [ct, yt, cm, ym] = [medianOf(cli, "wallMs"), medianOf(yard, "wallMs"), medianOf(cli, "maxRssMiB"), medianOf(yard, "maxRssMiB")];
      rows.push([n.toLocaleString("en-US"), ct.toFixed(0), yt.toFixed(0), (ct / yt).toFixed(2), cm.toFixed(0), ym.toFixed(0), (cm / ym).toFixed(2)]);
      if (n === 1_000_000) {
        target("1,000,000 --connected-cidr prefixes: time", ct / yt, 2, "typed-array yardstick");
        target("1,000,000 --connected-cidr prefixes: peak memory", cm / ym, 2, "typed-array yardstick");
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  table(["connected prefixes", "CLI wall (ms)", "yardstick (ms)", "time ratio", "CLI peak RSS (MiB)", "yardstick (MiB)", "memory ratio"], rows);
});

/** A spec file (JSON) with n existing /28 subnets in the VNet besides the node subnet, none overlapping. */
function subnetSpec(n: number): string {
  const existingSubnets = Array.from({ length: n }, (_, i) => ({ name: `snet-${i}`, cidr: `10.${128 + (i >> 12)}.${(i >> 4) & 255}.${(i & 15) * 16}/28` }));
  return JSON.stringify({
    networkPlugin: "azure",
    networkPluginMode: "overlay",
    networkDataplane: "cilium",
    podCidr: "192.168.0.0/16", // outside the /8 VNet: overlay pod CIDRs may not overlap it (OVL-05)
    serviceCidr: "172.16.0.0/16",
    dnsServiceIP: "172.16.0.10",
    vnet: { addressSpaces: ["10.0.0.0/8"], subnetName: "aks-nodes", subnetCidr: "10.1.0.0/22", existingSubnets },
  });
}

bench("validate-subnets", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aks-net-bench-"));
  const rows: string[][] = [];
  try {
    const sizes = [1, 10_000, 100_000];
    const files = sizes.map((n) => {
      const file = join(dir, `subnets-${n}.json`);
      writeFileSync(file, subnetSpec(n));
      return file;
    });
    const times: number[][] = sizes.map(() => []);
    for (let i = 0; i < 5; i++) for (const [j, file] of files.entries()) times[j]?.push((await measureNode([BIN, "validate", "-f", file])).wallMs);
    const base = median(times[0] ?? []);
    const each = sizes.map((n, j) => (n > 1 ? ((median(times[j] ?? []) - base) * 1000) / n : 0));
    sizes.forEach((n, j) => rows.push([n.toLocaleString("en-US"), median(times[j] ?? []).toFixed(0), n > 1 ? (each[j] as number).toFixed(2) : "(baseline)"]));
    target("100,000 existing subnets: µs per subnet", each[2] as number, 5, "(wall − 1 subnet) / n");
    target("100,000 existing subnets: per-subnet cost, 10^5 vs 10^4 (linear ≈ 1)", (each[2] as number) / (each[1] as number), 1.5, "10,000 subnets");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  table(["existing subnets", "CLI wall, median of 5 (ms)", "µs per subnet over the 1-subnet run"], rows);
});
