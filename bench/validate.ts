/**
 * validate benchmarks: (a) CLI start-up cost against a bare `node -e 0`; (b) growth with the number of connected
 * prefixes (peerings, VPN, on-prem) through the CLI (`--connected-cidr @FILE`) and in-process, shown as time/(n log n).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveSpec } from "../src/core/resolve.ts";
import type { SpecInput } from "../src/core/spec.ts";
import { validateSpec } from "../src/validators/index.ts";
import { BIN, bench, median, table, timeNode, timeSync } from "./harness.ts";

const EXAMPLE = "examples/overlay-cilium.yaml";
const STARTUP_RUNS = 15;

bench("validate-startup", async () => {
  const commands: [string, string[]][] = [
    ["node -e 0", ["-e", "0"]],
    [`aks-net validate -f ${EXAMPLE}`, [BIN, "validate", "-f", EXAMPLE]],
    ["aks-net validate --template overlay-cilium (no file: no YAML parser)", [BIN, "validate", "--template", "overlay-cilium"]],
  ];
  for (let i = 0; i < 2; i++) for (const [, argv] of commands) await timeNode(argv); // warm the file cache
  const times: number[][] = commands.map(() => []);
  // Interleaved so that machine noise hits every series alike.
  for (let i = 0; i < STARTUP_RUNS; i++) for (const [j, [, argv]] of commands.entries()) times[j]?.push(await timeNode(argv));
  const bare = median(times[0] ?? []);
  table(
    ["command", `median of ${STARTUP_RUNS} (ms)`, "ratio to node -e 0 (target ≤ 2.0)"],
    commands.map(([label], j) => [label, median(times[j] ?? []).toFixed(1), (median(times[j] ?? []) / bare).toFixed(2)]),
  );
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

const EXAMPLE_INPUT: SpecInput = {
  networkPlugin: "azure",
  networkPluginMode: "overlay",
  networkDataplane: "cilium",
  vnet: { addressSpaces: ["10.40.0.0/16"], subnetCidr: "10.40.0.0/22" },
};

bench("validate-connected", async () => {
  const dir = mkdtempSync(join(tmpdir(), "aks-net-bench-"));
  const rows: string[][] = [];
  try {
    for (const n of [10_000, 100_000, 1_000_000]) {
      const prefixes = connectedPrefixes(n);
      const file = join(dir, `connected-${n}.txt`);
      writeFileSync(file, `${prefixes.join("\n")}\n`);
      const runs = n >= 1_000_000 ? 3 : 5;
      const cli: number[] = [];
      const engine: number[] = [];
      for (let i = 0; i < runs; i++) {
        cli.push(await timeNode([BIN, "validate", "-f", EXAMPLE, "--connected-cidr", `@${file}`]));
        engine.push(timeSync(() => {
          const { spec, provenance } = resolveSpec([{ source: "flag", input: { ...EXAMPLE_INPUT, connectedCidrs: prefixes } }]);
          validateSpec(spec, provenance);
        }));
      }
      const nlogn = n * Math.log2(n);
      rows.push([n.toLocaleString("en-US"), median(cli).toFixed(0), median(engine).toFixed(0), ((median(cli) * 1e6) / nlogn).toFixed(1), ((median(engine) * 1e6) / nlogn).toFixed(1)]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  table(["connected prefixes n", "CLI wall (ms)", "engine (ms)", "CLI ns/(n log2 n)", "engine ns/(n log2 n)"], rows);
});
