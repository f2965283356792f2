/**
 * Light commands load no heavy package: `validate`, `create --dry-run --offline` and `--help` must not load the Azure
 * SDK, the prompt library or log-update (issue 13). Proved with a module-load trace of the built CLI, not a timing.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNode } from "../helpers/cli.ts";

const HEAVY = ["/node_modules/@azure/", "/node_modules/@inquirer/", "/node_modules/log-update/"];
const FIREWALL_DRY_RUN = ["create", "-n", "light", "-g", "rg-light", "-l", "westeurope", "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--yes", "--dry-run", "--offline"];

describe("light commands load no @azure/, @inquirer/ or log-update module", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-trace-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Every module URL a `node ...argv` run loads (ESM and CJS), via test/helpers/module-trace.ts. */
  const trace = async (argv: string[], exits: number[] = [0]): Promise<string[]> => {
    const out = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
    const r = await runNode(["--import", "./test/helpers/module-trace.ts", ...argv], { env: { MODULE_TRACE_FILE: out } });
    assert.ok(exits.includes(r.code ?? -1), `exit ${r.code}: ${r.stderr}`);
    return readFileSync(out, "utf8").split("\n").filter(Boolean);
  };
  const heavy = (urls: string[]): string[] => urls.filter((u) => HEAVY.some((h) => u.includes(h)));

  it("the tracer sees each heavy package when something loads it (control)", async () => {
    const urls = await trace(["--input-type=module", "-e", "await import('@azure/identity'); await import('@inquirer/prompts'); await import('log-update')"]);
    for (const h of HEAVY) assert.ok(urls.some((u) => u.includes(h)), `${h} not seen`);
  });

  const cases: [string, string[], number[]][] = [
    ["validate -f FILE", ["validate", "-f", "examples/overlay-cilium.yaml", "-o", "json"], [0]],
    ["validate with findings, human report", ["validate", "-f", "examples/broken.yaml"], [3]],
    ["create --dry-run --offline (firewall topology, human plan)", FIREWALL_DRY_RUN, [0]],
    ["create --dry-run --offline -o json", [...FIREWALL_DRY_RUN, "-o", "json"], [0]],
    ["--help", ["--help"], [0]],
    ["create --help", ["create", "--help"], [0]],
  ];
  for (const [name, args, exits] of cases) {
    it(name, async () => {
      const urls = await trace(["bin/aks-net", ...args], exits);
      assert.ok(urls.some((u) => u.endsWith("/bin/aks-net")), "the trace covers the CLI");
      assert.deepEqual(heavy(urls), []);
    });
  }
});
