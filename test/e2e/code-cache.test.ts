/**
 * The V8 code caches of the Azure SDK bundles (bin/code-cache.cjs): dist/azure-sdk.cjs (credential, HTTP pipeline) and
 * dist/azure-arm.cjs (the clients, loaded to write) get a cache of their own in the user's cache directory, made after
 * the run that used them, reused as is, and never in the way: unwritable, corrupt or stale, the run is the same.
 * (The CLI bundles' caches: module-load.test.ts and bundles.test.ts.)
 */
import assert from "node:assert/strict";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Script } from "node:vm";
import { ROOT, runNode } from "../helpers/cli.ts";
import { createArgs, FAST, SUB, useFakeArm } from "../helpers/create-cli.ts";
import { cliEnv } from "../helpers/run-cli.ts";

const { cacheName } = createRequire(import.meta.url)("../../bin/code-cache.cjs") as { cacheName(file: string, tag?: string): string };
const SDK = join(ROOT, "dist", "azure-sdk.cjs");
const ARM = join(ROOT, "dist", "azure-arm.cjs");

describe("V8 code caches of the Azure SDK bundles", () => {
  const arm = useFakeArm();
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aks-net-sdk-cache-"));
    arm.fake.seed.resourceGroup("rg-cache", { location: "westeurope" });
    arm.fake.seed.vnet("rg-cache", "spoke", ["10.100.0.0/16"], { aks: "10.100.0.0/22" }, { location: "westeurope" });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** `validate --live` (the SDK bundle without the clients) with the cache directory under `xdg`. */
  const live = (xdg: string): Promise<{ code: number | null; stdout: string; stderr: string }> => {
    const subnet = `/subscriptions/${SUB}/resourceGroups/rg-cache/providers/Microsoft.Network/virtualNetworks/spoke/subnets/aks`;
    return runNode(["bin/aks-net", "validate", "--live", "-g", "rg-cache", "-l", "westeurope", "--vnet-subnet-id", subnet, "-o", "json"], { env: { ...cliEnv({ fake: arm.fake }), XDG_CACHE_HOME: xdg } });
  };
  const cacheOf = (xdg: string, bundle: string): string => join(xdg, "aks-net", cacheName(bundle));
  /** What V8 compiles of the bundle before it runs: a cache made after a run holds more (every function that ran). */
  const eagerBytes = (bundle: string): number => new Script(readFileSync(bundle, "utf8"), { filename: bundle }).createCachedData().length;

  it("written on the first Azure run, after the run (more than V8 compiles up front); the next run reuses it unchanged", async () => {
    const xdg = join(dir, "xdg");
    const first = await live(xdg);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^\{/, "the report to compare runs by");
    const file = cacheOf(xdg, SDK);
    assert.ok(existsSync(file), "no cache of dist/azure-sdk.cjs");
    assert.ok(!existsSync(cacheOf(xdg, ARM)), "validate --live never loads the clients");
    const made = readFileSync(file);
    assert.ok(made.length > eagerBytes(SDK), `cache ${made.length} bytes: not more than the eager compile's ${eagerBytes(SDK)}`);
    const mtime = statSync(file).mtimeMs;
    const again = await live(xdg);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(again.stdout, first.stdout);
    // Rewritten only when V8 rejects it (or it is missing): unchanged means it was accepted.
    assert.equal(statSync(file).mtimeMs, mtime);
    assert.deepEqual(readFileSync(file), made);
    // Beside the caches: Node's own compile cache, and what the fake ARM's metadata document answered (providers/azure.ts).
    assert.deepEqual(readdirSync(join(xdg, "aks-net")).filter((f) => !f.endsWith(".v8cache")).filter((f) => f !== "node" && f !== "arm-endpoints.json"), [], "no temporary file left");
  });

  it("a corrupt or truncated cache: the run is the same, and the cache is made again", async () => {
    const xdg = join(dir, "xdg");
    const good = await live(xdg);
    assert.equal(good.code, 0, good.stderr);
    const file = cacheOf(xdg, SDK);
    const whole = readFileSync(file);
    for (const bad of [Buffer.from("not a V8 code cache\n".repeat(100)), whole.subarray(0, whole.length >> 1)]) {
      writeFileSync(file, bad);
      const r = await live(xdg);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, good.stdout);
      assert.equal(r.stderr, good.stderr);
      const remade = readFileSync(file);
      assert.notDeepEqual(remade, bad);
      assert.ok(remade.length > eagerBytes(SDK));
    }
  });

  it("a FIFO or a link to /dev/zero where the cache goes: the run is the same, at once, and a real cache takes its place", async () => {
    const xdg = join(dir, "xdg");
    const good = await live(xdg);
    assert.equal(good.code, 0, good.stderr);
    const file = cacheOf(xdg, SDK);
    for (const make of [() => execFileSync("mkfifo", [file]), () => symlinkSync("/dev/zero", file)]) {
      rmSync(file);
      make();
      const started = Date.now();
      const r = await live(xdg);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, good.stdout);
      assert.ok(Date.now() - started < 10_000, "it did not wait on the file");
      assert.ok(lstatSync(file).isFile(), "the run wrote a regular cache in its place");
      assert.ok(readFileSync(file).length > eagerBytes(SDK));
    }
  });

  it("a cache others may write is not used, and the run puts its own in its place", async () => {
    const xdg = join(dir, "xdg");
    const good = await live(xdg);
    const file = cacheOf(xdg, SDK);
    chmodSync(file, 0o666);
    const r = await live(xdg);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, good.stdout);
    assert.equal(statSync(file).mode & 0o777, 0o644, "rewritten by this run");
    const mtime = statSync(file).mtimeMs;
    assert.equal((await live(xdg)).stdout, good.stdout);
    assert.equal(statSync(file).mtimeMs, mtime, "and used as it is by the next");
  });

  it("writing a cache does not follow a link planted at its temporary file's name", async () => {
    const xdg = join(dir, "xdg");
    const bundle = join(dir, "tiny.cjs");
    writeFileSync(bundle, "(function (exports, require, module) { module.exports = { answer: 42 }; })");
    const victim = join(dir, "victim");
    writeFileSync(victim, "keep me");
    // The run plants the link at the name its own process id gives, then runs the bundle (its cache is written at exit).
    const script = `
      const path = require("node:path");
      const cc = require(${JSON.stringify(join(ROOT, "bin", "code-cache.cjs"))});
      const cacheFile = path.join(cc.cacheDir, cc.cacheName(${JSON.stringify(bundle)}));
      cc.makeDirs(cc.cacheDir);
      require("node:fs").symlinkSync(${JSON.stringify(victim)}, cacheFile + "." + process.pid);
      console.log(cc.run(${JSON.stringify(bundle)}).answer, cacheFile);`;
    const r = await runNode(["-e", script], { env: { XDG_CACHE_HOME: xdg } });
    assert.equal(r.code, 0, r.stderr);
    const [answer, cacheFile] = r.stdout.trim().split(" ");
    assert.equal(answer, "42");
    assert.equal(readFileSync(victim, "utf8"), "keep me");
    assert.ok(lstatSync(cacheFile as string).isFile() && statSync(cacheFile as string).size > 0, "the cache was written");
  });

  it("an unwritable cache location: same output, exit 0, nothing more on stderr", async () => {
    const ok = await live(join(dir, "xdg"));
    const blocker = join(dir, "not-a-dir");
    writeFileSync(blocker, "a file where the cache directory would go");
    const r = await live(blocker);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ok.stdout);
    assert.equal(r.stderr, ok.stderr);
    assert.equal(readFileSync(blocker, "utf8"), "a file where the cache directory would go");
  });

  it("a relative XDG_CACHE_HOME is ignored (the XDG spec's rule): the caches go to ~/.cache/aks-net, none under the working directory", async () => {
    const home = join(dir, "home");
    const cwd = join(dir, "cwd");
    mkdirSync(cwd);
    const r = await runNode([join(ROOT, "bin", "aks-net"), "validate", "-f", join(ROOT, "examples/overlay-cilium.yaml"), "-o", "json"], { cwd, env: { HOME: home, XDG_CACHE_HOME: "relative-cache" } });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(cwd), []);
    assert.ok(readdirSync(join(home, ".cache", "aks-net")).some((f) => f.endsWith(".v8cache")));
  });

  it("an empty HOME and no XDG_CACHE_HOME: the run is the same", async () => {
    const ok = await runNode(["bin/aks-net", "validate", "-f", "examples/overlay-cilium.yaml", "-o", "json"], { env: { XDG_CACHE_HOME: join(dir, "xdg") } });
    const r = await runNode(["bin/aks-net", "validate", "-f", "examples/overlay-cilium.yaml", "-o", "json"], { env: { HOME: "", XDG_CACHE_HOME: undefined } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, ok.stdout);
    assert.equal(r.stderr, "");
  });

  /**
   * A `validate --live` run with the cache directory holding `files` (name → content) beforehand: it succeeds and
   * writes the SDK bundle's cache. Returns whether a file of that name is there after the run.
   */
  const liveAmong = async (files: Record<string, string>): Promise<(name: string) => boolean> => {
    const xdg = join(dir, "xdg");
    mkdirSync(join(xdg, "aks-net"), { recursive: true });
    for (const [name, text] of Object.entries(files)) writeFileSync(join(xdg, "aks-net", name), text);
    const r = await live(xdg);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(cacheOf(xdg, SDK)));
    return (name) => existsSync(join(xdg, "aks-net", name));
  };

  it("a new cache removes the caches of earlier builds of the same bundle, and no other", async () => {
    const stale = `${cacheName(SDK).slice(0, 9)}00000000.v8cache`;
    const other = `${cacheName(ARM).slice(0, 9)}00000000.v8cache`;
    const present = await liveAmong({ [stale]: "an earlier build's cache", [other]: "another bundle's cache" });
    assert.ok(!present(stale), "the stale cache of dist/azure-sdk.cjs is still there");
    assert.ok(present(other), "another bundle's cache was removed");
  });

  it("a cache write cut short by a killed run (its .<pid> file) is removed by the next write; one still being written is not", async () => {
    // A process id that no longer runs: a child that has exited.
    const gone = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ["-e", "0"]);
      child.on("exit", () => resolve(child.pid as number));
    });
    const killed = `${cacheName(SDK)}.${gone}`;
    const writing = `${cacheName(SDK)}.${process.pid}`; // this test's process: alive
    const present = await liveAmong({ [killed]: "half a cache", [writing]: "half a cache" });
    assert.ok(!present(killed), "the killed run's half-written cache is still there");
    assert.ok(present(writing), "a cache another running process is writing was removed");
  });

  it("a run that reads Azure keeps a cache of the CLI bundle apart from the offline runs' (neither decides what the other finds compiled)", async () => {
    const xdg = join(dir, "xdg");
    const validate = join(ROOT, "dist", "validate.cjs");
    assert.equal((await live(xdg)).code, 0);
    assert.ok(existsSync(join(xdg, "aks-net", cacheName(validate, "azure"))), "validate --live's cache");
    assert.ok(!existsSync(join(xdg, "aks-net", cacheName(validate))));
    const offline = await runNode(["bin/aks-net", "validate", "-f", "examples/overlay-cilium.yaml", "-o", "json"], { env: { XDG_CACHE_HOME: xdg } });
    assert.equal(offline.code, 0, offline.stderr);
    assert.ok(existsSync(join(xdg, "aks-net", cacheName(validate))), "the offline runs' cache");
    const dry = await runNode(["bin/aks-net", ...createArgs("tagged", ["--dry-run", "--offline"])], { env: { XDG_CACHE_HOME: xdg } });
    assert.equal(dry.code, 0, dry.stderr);
    const create = join(ROOT, "dist", "create.cjs");
    assert.ok(existsSync(join(xdg, "aks-net", cacheName(create))));
    assert.ok(!existsSync(join(xdg, "aks-net", cacheName(create, "azure"))), "a dry run --offline made the cache of the runs that read Azure");
  });

  it("a create that writes caches the clients' bundle too; its no-op re-run keeps both caches as they are", async () => {
    const xdg = join(dir, "xdg");
    const env = { ...cliEnv({ fake: arm.fake }), ...FAST, XDG_CACHE_HOME: xdg };
    const first = await runNode(["bin/aks-net", ...createArgs("cached")], { env });
    assert.equal(first.code, 0, first.stderr);
    const caches = [cacheOf(xdg, SDK), cacheOf(xdg, ARM), join(xdg, "aks-net", cacheName(join(ROOT, "dist", "create.cjs"), "azure"))];
    for (const f of caches) assert.ok(existsSync(f), `${f} missing`);
    assert.ok(readFileSync(caches[1] as string).length > eagerBytes(ARM));
    const mtimes = caches.map((f) => statSync(f).mtimeMs);
    const again = await runNode(["bin/aks-net", ...createArgs("cached")], { env });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /"status": "succeeded"/);
    assert.deepEqual(caches.map((f) => statSync(f).mtimeMs), mtimes);
  });
});

describe("bin/code-cache.cjs readSource: a bundle's text", () => {
  const { readSource } = createRequire(import.meta.url)("../../bin/code-cache.cjs") as { readSource(file: string): string };
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-source-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("is the file's UTF-8 text, whether the file is ASCII (read as Latin-1) or not", () => {
    const texts = { ascii: 'module.exports = "\\u2018quoted\\u2019";\n', utf8: "module.exports = /[\u2018\u2019\u00e9]/u;\n", latin1Lookalike: "// caf\u00e9 \u00ff\n" };
    for (const [name, text] of Object.entries(texts)) {
      const file = join(dir, `${name}.cjs`);
      writeFileSync(file, text, "utf8");
      assert.equal(readSource(file), text, name);
    }
  });

  it("reads every built bundle as Node's UTF-8 decoding does", () => {
    for (const f of readdirSync(join(ROOT, "dist")).filter((n) => n.endsWith(".cjs"))) {
      const file = join(ROOT, "dist", f);
      assert.ok(readSource(file) === readFileSync(file, "utf8"), f);
    }
  });
});

describe("what an Azure run loads", () => {
  const arm = useFakeArm();

  it("validate --live sends a request id with every request, without loading Web Crypto or undici (scripts/build.ts NODE_RANDOM_UUID, readPipeline)", async () => {
    arm.fake.seed.resourceGroup("rg-load", { location: "westeurope" });
    arm.fake.seed.vnet("rg-load", "spoke", ["10.100.0.0/16"], { aks: "10.100.0.0/22" }, { location: "westeurope" });
    const dir = mkdtempSync(join(tmpdir(), "aks-net-loads-"));
    try {
      // Node's own list of the builtins the run loaded, written at exit.
      const preload = join(dir, "builtins.cjs");
      writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(process.env.BUILTINS_OUT, process.moduleLoadList.join("\\n")));\n`);
      const subnet = `/subscriptions/${SUB}/resourceGroups/rg-load/providers/Microsoft.Network/virtualNetworks/spoke/subnets/aks`;
      const r = await runNode(["-r", preload, "bin/aks-net", "validate", "--live", "-g", "rg-load", "-l", "westeurope", "--vnet-subnet-id", subnet, "-o", "json"], { env: { ...cliEnv({ fake: arm.fake }), BUILTINS_OUT: join(dir, "loaded.txt") } });
      assert.equal(r.code, 0, r.stderr);
      const ids = arm.fake.requests.map((q) => q.clientRequestId ?? "");
      assert.ok(ids.length >= 3, "the run read ARM");
      for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(new Set(ids).size, ids.length, "one id per request");
      const loaded = readFileSync(join(dir, "loaded.txt"), "utf8").split("\n");
      assert.ok(loaded.includes("NativeModule crypto"), "the credential loads node:crypto");
      assert.deepEqual(loaded.filter((m) => /webcrypto|undici/.test(m)), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a cache or state directory under /proc (where Node's recursive mkdir never returns)", function () {
  this.timeout(60_000);
  const arm = useFakeArm();

  it("validate, --help and an offline dry run end with the same output and exit 0", async () => {
    for (const args of [["validate", "-f", "examples/overlay-cilium.yaml"], ["--help"], createArgs("procdry", ["--dry-run", "--offline"])]) {
      const ok = await runNode(["bin/aks-net", ...args], { env: { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), "aks-net-proc-")) } });
      const r = await runNode(["bin/aks-net", ...args], { env: { XDG_CACHE_HOME: "/proc/aks-net-cache" } });
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
      assert.equal(r.stdout, ok.stdout);
    }
  });

  it("a create whose journal goes under /proc ends and succeeds (the journal is only a hint), and a journal write there fails at once", async () => {
    const r = await runNode(["bin/aks-net", ...createArgs("procstate")], { env: { ...cliEnv({ fake: arm.fake }), ...FAST, XDG_STATE_HOME: "/proc/aks-net-state" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /"status": "succeeded"/);
    const { writeJournalFile } = await import("../../src/io/journal-file.ts");
    await assert.rejects(writeJournalFile("/proc/aks-net-state/sub/rg/c.json", "{}"), /ENOENT/);
  });
});
