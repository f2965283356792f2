/**
 * Light commands load no heavy package: `validate`, `create --dry-run --offline` and `--help` must not load the Azure
 * SDK, the prompt library or log-update (issue 13). Proved with a module-load trace of the built CLI, not a timing.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runNode } from "../helpers/cli.ts";
import { createArgs, FAST, useFakeArm } from "../helpers/create-cli.ts";
import { cliEnv } from "../helpers/run-cli.ts";

/** The SDK ships bundled (dist/azure-sdk.cjs, dist/azure-arm.cjs); the package paths catch an unbundled import. */
const HEAVY = ["/dist/azure-sdk.cjs", "/dist/azure-arm.cjs", "/node_modules/@azure/", "/node_modules/@inquirer/", "/node_modules/log-update/"];
const FIREWALL_DRY_RUN = ["create", "-n", "light", "-g", "rg-light", "-l", "westeurope", "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--yes", "--dry-run", "--offline"];

describe("light commands load no @azure/, @inquirer/ or log-update module", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-trace-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Every module URL a `node ...argv` run loads (ESM and CJS), via test/helpers/module-trace.ts. */
  const trace = async (argv: string[], exits: number[] = [0], env: Record<string, string | undefined> = {}): Promise<string[]> => {
    const out = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
    const r = await runNode(["--import", "./test/helpers/module-trace.ts", ...argv], { env: { ...env, MODULE_TRACE_FILE: out } });
    assert.ok(exits.includes(r.code ?? -1), `exit ${r.code}: ${r.stderr}`);
    return readFileSync(out, "utf8").split("\n").filter(Boolean);
  };
  const heavy = (urls: string[]): string[] => urls.filter((u) => HEAVY.some((h) => u.includes(h)));

  it("the tracer sees each heavy package when something loads it (control)", async () => {
    // The SDK bundles as the CLI loads them (bin/code-cache.cjs, which announces each bundle it runs), the packages by import.
    const urls = await trace(["--input-type=module", "-e", "const { run } = (await import('node:module')).createRequire(import.meta.url)('./bin/code-cache.cjs'); run(process.cwd() + '/dist/azure-sdk.cjs'); run(process.cwd() + '/dist/azure-arm.cjs'); await import('@azure/identity'); await import('@inquirer/prompts'); await import('log-update')"]);
    for (const h of HEAVY) assert.ok(urls.some((u) => u.includes(h)), `${h} not seen`);
  });
  it("the tracer also sees an SDK bundle loaded by plain require, past bin/code-cache.cjs (control)", async () => {
    const urls = await trace(["-e", "require('./dist/azure-sdk.cjs'); require('./dist/azure-arm.cjs')"]);
    assert.deepEqual(heavy(urls), ["/dist/azure-sdk.cjs", "/dist/azure-arm.cjs"].map((f) => urls.find((u) => u.endsWith(f))));
  });

  const cases: [string, string[], number[]][] = [
    ["validate -f FILE", ["validate", "-f", "examples/overlay-cilium.yaml", "-o", "json"], [0]],
    ["validate with findings, human report", ["validate", "-f", "examples/broken.yaml"], [3]],
    ["create --dry-run --offline (firewall topology, human plan)", FIREWALL_DRY_RUN, [0]],
    ["create --dry-run --offline -o json", [...FIREWALL_DRY_RUN, "-o", "json"], [0]],
    ["validate --from a Terraform plan", ["validate", "--from", "test/fixtures/terraform/azapi-overlay-module.plan.json"], [3]],
    ["validate --from an ARM template -o sarif", ["validate", "--from", "test/fixtures/arm/unknowns.json", "-o", "sarif"], [3]],
    ["--help", ["--help"], [0]],
    ["create --help", ["create", "--help"], [0]],
    ["completion bash", ["completion", "bash"], [0]],
    ...["arm", "bicep", "terraform", "az"].map((f): [string, string[], number[]] => [`export --format ${f} (firewall topology)`, ["export", "--format", f, ...FIREWALL_DRY_RUN.slice(1, -3)], [0]]),
  ];
  for (const [name, args, exits] of cases) {
    it(name, async () => {
      const urls = await trace(["bin/aks-net", ...args], exits);
      assert.ok(urls.some((u) => u.endsWith("/bin/aks-net")), "the trace covers the CLI");
      assert.deepEqual(heavy(urls), []);
    });
  }

  it("validate --live loads the bundled SDK (dist/azure-sdk.cjs), not the @azure packages", async () => {
    const env = { AZURE_SUBSCRIPTION_ID: undefined, AZURE_CONFIG_DIR: join(dir, "no-az-profile") };
    const urls = await trace(["bin/aks-net", "validate", "--live", "-f", "examples/overlay-cilium.yaml"], [2], env);
    assert.ok(urls.some((u) => u.includes("/dist/azure-sdk.cjs")), "the Azure path loads the SDK bundle");
    assert.deepEqual(urls.filter((u) => u.includes("/node_modules/@azure/")), []);
  });
});

describe("runs that only read Azure never load the SDK clients (dist/azure-arm.cjs)", () => {
  const arm = useFakeArm();
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-trace-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const trace = async (args: string[]): Promise<{ code: number | null; stderr: string; urls: string[] }> => {
    const out = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
    const r = await runNode(["--import", "./test/helpers/module-trace.ts", "bin/aks-net", ...args], { env: { ...cliEnv({ fake: arm.fake }), ...FAST, MODULE_TRACE_FILE: out } });
    return { code: r.code, stderr: r.stderr, urls: readFileSync(out, "utf8").split("\n").filter(Boolean) };
  };
  const loads = (urls: string[], bundle: string): boolean => urls.some((u) => u.includes(`/dist/${bundle}`));

  it("validate --live reads the VNet, quota and rights with the pipeline alone", async () => {
    arm.fake.seed.resourceGroup("rg-read", { location: "westeurope" });
    const vnet = arm.fake.seed.vnet("rg-read", "spoke", ["10.100.0.0/16"], { aks: "10.100.0.0/22" }, { location: "westeurope" });
    const r = await trace(["validate", "--live", "-g", "rg-read", "-l", "westeurope", "--vnet-subnet-id", `${vnet}/subnets/aks`, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(arm.fake.requests.some((q) => /virtualNetworks\/spoke$/i.test(q.path)), "the VNet was read");
    assert.ok(loads(r.urls, "azure-sdk.cjs"));
    assert.ok(!loads(r.urls, "azure-arm.cjs"), "validate --live loaded the SDK clients");
  });

  it("create loads them to write (control); its no-op re-run does not", async () => {
    const first = await trace(createArgs("noop"));
    assert.equal(first.code, 0, first.stderr);
    assert.ok(loads(first.urls, "azure-arm.cjs"), "a create that writes uses the SDK clients");
    const mark = arm.fake.requests.length;
    const again = await trace(createArgs("noop"));
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(arm.fake.requests.slice(mark).filter((q) => q.method !== "GET"), [], "the re-run wrote nothing");
    assert.ok(!loads(again.urls, "azure-arm.cjs"), "the no-op re-run loaded the SDK clients");
  });

  it("a no-op re-run leaves node:fs/promises (and with it node:readline) unloaded: its journal is read synchronously, the SDK's file-reading credentials load it on use", async () => {
    const out = join(dir, "builtins.txt");
    const env = { ...cliEnv({ fake: arm.fake }), ...FAST, BUILTINS_TRACE_FILE: out };
    assert.equal((await runNode(["bin/aks-net", ...createArgs("fsp")], { env })).code, 0);
    const r = await runNode(["--require", "./test/helpers/builtins-trace.cjs", "bin/aks-net", ...createArgs("fsp")], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"status": "succeeded"/);
    const builtins = readFileSync(out, "utf8").split("\n").filter(Boolean);
    assert.ok(builtins.includes("internal/child_process") && builtins.includes("https"), "the trace lists Node's own modules (az, the reads)");
    assert.deepEqual(builtins.filter((n) => /^(fs\/promises|internal\/fs\/promises|internal\/readline\/)/.test(n)), []);
  });
});

describe("V8 code cache: made on first run in the user's cache directory, never shipped", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-cache-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const validate = (env: Record<string, string | undefined>) => runNode(["bin/aks-net", "validate", "-f", "examples/overlay-cilium.yaml", "-o", "json"], { env });

  it("dist/ holds no code cache (a cache built here would be rejected by the user's Node)", () => {
    assert.deepEqual(readdirSync("dist").filter((f) => /cache/i.test(f)), []);
  });
  it("written to $XDG_CACHE_HOME/aks-net on the first run, then reused", async () => {
    const xdg = join(dir, "xdg");
    const first = await validate({ XDG_CACHE_HOME: xdg });
    assert.equal(first.code, 0, first.stderr);
    const made = readdirSync(join(xdg, "aks-net")).filter((f) => f.endsWith(".v8cache"));
    assert.equal(made.length, 1);
    const again = await validate({ XDG_CACHE_HOME: xdg });
    assert.equal(again.stdout, first.stdout);
    assert.deepEqual(readdirSync(join(xdg, "aks-net")).filter((f) => f.endsWith(".v8cache")), made);
  });
  it("the Node version check runs until this Node has a cache of the bundle, then is skipped (bin/node-version.cjs not loaded)", async () => {
    const xdg = join(dir, "xdg-version");
    const tracedValidate = async (): Promise<string[]> => {
      const out = join(dir, `trace-${Math.random().toString(36).slice(2)}.txt`);
      const r = await runNode(["--import", "./test/helpers/module-trace.ts", "bin/aks-net", "validate", "-f", "examples/overlay-cilium.yaml"], { env: { XDG_CACHE_HOME: xdg, MODULE_TRACE_FILE: out } });
      assert.equal(r.code, 0, r.stderr);
      return readFileSync(out, "utf8").split("\n").filter(Boolean);
    };
    assert.ok((await tracedValidate()).some((u) => u.endsWith("/bin/node-version.cjs")), "checked without a cache");
    assert.ok(!(await tracedValidate()).some((u) => u.endsWith("/bin/node-version.cjs")), "not checked again with the cache");
  });
  it("falls back to ~/.cache/aks-net without XDG_CACHE_HOME", async () => {
    const home = join(dir, "home");
    const r = await validate({ XDG_CACHE_HOME: undefined, HOME: home });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readdirSync(join(home, ".cache", "aks-net")).filter((f) => f.endsWith(".v8cache")).length, 1);
  });
  it("an unwritable cache location changes nothing: same output, exit 0, nothing on stderr", async () => {
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "a file where the cache directory would go");
    const r = await validate({ XDG_CACHE_HOME: blocker });
    const ok = await validate({ XDG_CACHE_HOME: join(dir, "xdg") });
    assert.equal(r.code, 0);
    assert.equal(r.stderr, "");
    assert.equal(r.stdout, ok.stdout);
  });
});
