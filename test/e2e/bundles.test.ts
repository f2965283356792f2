/**
 * The per-command bundles (scripts/build.ts OWN_BUNDLE): `aks-net validate|create ...` runs dist/<command>.cjs,
 * the CLI without the other commands, and builds that command alone (onlyCommand); anything else runs dist/main.cjs.
 * Both must behave the same, and each bundle keeps one code cache, the stale ones of earlier builds removed.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, openSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMANDS, onlyCommand } from "../../src/program.ts";
import { ROOT, runNode } from "../helpers/cli.ts";

const OWN = ["validate", "create"];

describe("per-command bundles", () => {
  it("the build makes dist/<command>.cjs for validate and create, each without the other commands' code", () => {
    // A message of each command's own module: in its bundle the command is evaluated with the rest (no lazy
    // initialiser names it), while the others are stubs.
    const own: Record<string, string> = { validate: "--from-cluster takes the place of", create: "--offline only works with --dry-run" };
    for (const command of OWN) {
      const text = readFileSync(join(ROOT, "dist", `${command}.cjs`), "utf8");
      assert.ok(text.includes(own[command] as string), `${command}.cjs holds its command`);
      assert.ok(!text.includes(`"src/commands/${command}.ts"`), `${command}.cjs evaluates its command at load, not through a lazy initialiser`);
      for (const other of COMMANDS.filter((c) => c !== command && c !== "completion")) {
        assert.ok(!text.includes(`"src/commands/${other}.ts"`), `${command}.cjs holds ${other}`);
      }
    }
    // main.cjs holds them all.
    const main = readFileSync(join(ROOT, "dist", "main.cjs"), "utf8");
    for (const c of COMMANDS) if (c !== "completion") assert.ok(main.includes(`"src/commands/${c}.ts"`), c);
  });

  it("a command named first is built alone, except completion (it lists every command)", () => {
    assert.equal(onlyCommand(["node", "aks-net", "validate", "-f", "x"]), "validate");
    assert.equal(onlyCommand(["node", "aks-net", "manifest", "service"]), "manifest");
    assert.equal(onlyCommand(["node", "aks-net", "completion", "bash"]), undefined);
    assert.equal(onlyCommand(["node", "aks-net", "--no-input", "validate"]), undefined);
    assert.equal(onlyCommand(["node", "aks-net", "help", "validate"]), undefined);
    assert.equal(onlyCommand(["node", "aks-net", "valdate"]), undefined);
    assert.equal(onlyCommand(["node", "aks-net"]), undefined);
  });

  for (const command of OWN) {
    it(`\`aks-net ${command} --help\` (its own bundle) prints what \`aks-net help ${command}\` (the whole program) prints`, async () => {
      const own = await runNode(["bin/aks-net", command, "--help"]);
      const whole = await runNode(["bin/aks-net", "help", command]);
      assert.equal(own.code, 0, own.stderr);
      assert.equal(whole.code, 0, whole.stderr);
      assert.ok(own.stdout.includes(`Usage: aks-net ${command}`), own.stdout);
      assert.equal(own.stdout, whole.stdout);
    });
  }

  it("a typo after the command gets the same usage error from the command's bundle and from the whole program", async () => {
    const own = await runNode(["bin/aks-net", "validate", "--fille", "x.yaml"]);
    const whole = await runNode(["bin/aks-net", "--no-color", "validate", "--fille", "x.yaml"]);
    assert.equal(own.code, 2);
    assert.equal(own.stderr, whole.stderr);
    assert.match(own.stderr, /unknown option '--fille'/);
  });

  it("a misspelt command still gets the whole program's suggestion", async () => {
    const r = await runNode(["bin/aks-net", "valdate"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /validate/);
  });
});

describe("start-up trims of the CLI bundles (scripts/build.ts startupTrims, LAZY)", () => {
  const cli = ["main", "validate", "create"].map((name) => ({ name, text: readFileSync(join(ROOT, "dist", `${name}.cjs`), "utf8") }));

  it("package.json contributes its version alone; commander's default program (unused) is not built", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; description: string };
    for (const { name, text } of cli) {
      assert.ok(text.includes(JSON.stringify(pkg.version)), `${name}.cjs holds the version`);
      assert.ok(!text.includes(pkg.description), `${name}.cjs holds the rest of package.json`);
      assert.doesNotMatch(text, /program=new Command(\(\))?[;,}]/, `${name}.cjs builds commander's default program`);
    }
  });

  it("js-yaml's dumper is built on the first dump (the wizard's spec file, test/e2e/wizard-tty.test.ts, writes one)", () => {
    for (const { name, text } of cli) assert.ok(text.includes("dump:(...args)=>requireDumper().dump(...args)"), name);
  });

  it("IPv6 text still parses and prints through ipaddr.js, evaluated on first use", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aks-net-ipv6-"));
    try {
      const spec = join(dir, "dual.yaml");
      // A pod CIDR with host bits (printed canonical by ipaddr.js) and a service CIDR that is no IPv6 text at all.
      writeFileSync(spec, 'networkPlugin: azure\nnetworkPluginMode: overlay\nipFamilies: [IPv4, IPv6]\npodCidrs: [10.244.0.0/16, "fd00:10:244::1:2/64"]\nserviceCidrs: [10.0.0.0/16, "fd00::10::/108"]\n');
      const r = await runNode(["bin/aks-net", "validate", "-f", spec, "-o", "json"]);
      assert.equal(r.code, 3, r.stderr); // invalid
      const findings = (JSON.parse(r.stdout) as { errors: { rule: string; message: string }[]; warnings: { rule: string; message: string }[] });
      assert.ok(findings.warnings.some((f) => f.rule === "SYN-06" && f.message.includes("fd00:10:244::/64")), r.stdout);
      assert.ok(findings.errors.some((f) => f.rule === "SYN-03" && f.message.includes("'fd00::10::' is not a valid IPv6 address")), r.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("code caches: one per bundle; a rebuilt bundle's old cache is removed", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "aks-net-bundles-"));
    // A copy of the package (bin, dist, package.json) whose bundles this test can "rebuild" by touching them.
    for (const d of ["bin", "dist", "package.json"]) cpSync(join(ROOT, d), join(dir, "pkg", d), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(dir, "pkg", "node_modules"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const caches = (): string[] => readdirSync(join(dir, "xdg", "aks-net")).filter((f) => f.endsWith(".v8cache")).sort();
  const run = (args: string[]) => runNode([join(dir, "pkg", "bin", "aks-net"), ...args], { env: { XDG_CACHE_HOME: join(dir, "xdg") } });

  it("validate and create --dry-run --offline each make their own; a new build of one replaces only its cache", async () => {
    const v = await run(["validate", "-f", join(ROOT, "examples/overlay-cilium.yaml"), "-o", "json"]);
    assert.equal(v.code, 0, v.stderr);
    const c = await run(["create", "-n", "c", "-g", "rg", "-l", "westeurope", "--dry-run", "--offline", "--yes"]);
    assert.equal(c.code, 0, c.stderr);
    const first = caches();
    assert.equal(first.length, 2, first.join(" "));

    const later = new Date(Date.now() + 5000);
    utimesSync(join(dir, "pkg", "dist", "validate.cjs"), later, later);
    const again = await run(["validate", "-f", join(ROOT, "examples/overlay-cilium.yaml"), "-o", "json"]);
    assert.equal(again.stdout, v.stdout);
    const second = caches();
    assert.equal(second.length, 2, second.join(" "));
    assert.equal(second.filter((f) => first.includes(f)).length, 1, "create's cache stays, validate's is replaced");
  });

  it("a run that only prints help or the version keeps a cache of its own; a usage error writes none", async () => {
    rmSync(join(dir, "xdg"), { recursive: true, force: true });
    const usage = await run(["validate", "--no-such-flag"]);
    assert.equal(usage.code, 2);
    assert.deepEqual(existsSync(join(dir, "xdg", "aks-net")) ? caches() : [], []);
    for (const args of [["validate", "--help"], ["validate", "-h"]]) assert.equal((await run(args)).code, 0);
    const help = caches();
    assert.equal(help.length, 1, "validate's help runs share one cache");
    const v = await run(["validate", "-f", join(ROOT, "examples/overlay-cilium.yaml")]);
    assert.equal(v.code, 0, v.stderr);
    const both = caches();
    assert.equal(both.length, 2, "validate's own runs have another");
    assert.ok(help.every((f) => both.includes(f)));
  });
});

describe("the SDK bundle loads node:zlib, node:fs/promises and node:util members on use (scripts/build.ts LAZY_BUILTINS, shims/util.cjs)", () => {
  it("its HTTP client still inflates a gzip response, and loading the bundle loads neither zlib, fs/promises nor util's lazy members", async () => {
    const out = await runNode([
      "--input-type=module",
      "-e",
      `
      import { createServer } from "node:http";
      import { createRequire } from "node:module";
      const before = new Set(process.moduleLoadList);
      const sdk = createRequire(import.meta.url)("./bin/code-cache.cjs").run(process.cwd() + "/dist/azure-sdk.cjs");
      const loaded = process.moduleLoadList.filter((m) => !before.has(m)).join(" ");
      const { gzipSync } = await import("node:zlib");
      const server = createServer((_req, res) => { res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }); res.end(gzipSync(JSON.stringify({ ok: "inflated" }))); });
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      const req = sdk.createPipelineRequest({ url: "http://127.0.0.1:" + server.address().port + "/", method: "GET", allowInsecureConnection: true });
      req.headers.set("Accept-Encoding", "gzip");
      const res = await sdk.createDefaultHttpClient().sendRequest(req);
      server.close();
      console.log(JSON.stringify({ body: res.bodyAsText, zlib: /zlib/.test(loaded), diff: /myers_diff|worker_threads/.test(loaded), fsPromises: /fs.promises|readline/.test(loaded) }));
      `,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { body: JSON.stringify({ ok: "inflated" }), zlib: false, diff: false, fsPromises: false });
  });
});

describe("the SDK bundle's ES modules get Node's builtins without a copy of their members (scripts/build.ts ESM_BUILTINS)", () => {
  it("no builtin (nor the util and lazy-builtin shims) goes through esbuild's __toESM, which made a getter for each member at every import", () => {
    const sdk = readFileSync(join(ROOT, "dist", "azure-sdk.cjs"), "utf8");
    assert.doesNotMatch(sdk, /__toESM\(require\("(node:)?[a-z_/]+"\)/);
    assert.doesNotMatch(sdk, /__toESM\(require_(util|promises\d*|node_zlib)\(\)/);
  });
});

describe("MSAL is a bundle of its own (dist/azure-msal.cjs), loaded on first use (scripts/build.ts LAZY_ESM)", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-msal-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /**
   * Runs `script` (an ES module; `sdk` is the bundle as bin/code-cache.cjs loads it) with V8's coverage on; returns its
   * stdout and how often MSAL's bundle ran (its function, called by bin/code-cache.cjs; 0 when never loaded).
   */
  const withCoverage = async (name: string, script: string, env: Record<string, string | undefined>): Promise<{ stdout: string; msalRuns: number }> => {
    const cov = join(dir, name);
    const r = await runNode(["--input-type=module", "-e", `const sdk = (await import("node:module")).createRequire(import.meta.url)("./bin/code-cache.cjs").run(process.cwd() + "/dist/azure-sdk.cjs");\n${script}`], {
      env: { ...env, NODE_V8_COVERAGE: cov, XDG_CACHE_HOME: join(dir, "xdg") },
    });
    assert.equal(r.code, 0, r.stderr);
    let msalRuns = 0;
    for (const f of readdirSync(cov)) {
      const { result } = JSON.parse(readFileSync(join(cov, f), "utf8")) as { result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[] };
      // The script's own code (the function expression) and the bundle's function, which code-cache.cjs calls.
      for (const s of result.filter((x) => x.url.endsWith("/dist/azure-msal.cjs"))) msalRuns += s.functions[1]?.ranges[0]?.count ?? 0;
    }
    return { stdout: r.stdout, msalRuns };
  };

  it("DefaultAzureCredential narrowed to the Azure CLI (AZURE_TOKEN_CREDENTIALS) never evaluates it", async () => {
    const r = await withCoverage("cli", `new sdk.DefaultAzureCredential(); console.log("made");`, { AZURE_TOKEN_CREDENTIALS: "AzureCliCredential" });
    assert.equal(r.stdout.trim(), "made");
    const sdk = readFileSync(join(ROOT, "dist", "azure-sdk.cjs"), "utf8");
    assert.ok(sdk.includes(`require("./azure-msal.cjs")`), "the SDK bundle does not require MSAL's");
    // MSAL names its package in its telemetry constants: in its own bundle only.
    assert.ok(!sdk.includes(`"@azure/msal-node"`), "MSAL's code is in the SDK bundle");
    assert.ok(readFileSync(join(ROOT, "dist", "azure-msal.cjs"), "utf8").includes(`"@azure/msal-node"`));
    assert.equal(r.msalRuns, 0);
  });

  it("the default chain's managed identity gets its token through it (App Service endpoint), evaluated once, without Node's undici", async () => {
    // node:http by require: an import() of a builtin reads all its exports, and node:http's WebSocket getter loads undici.
    const script = `
      const { createServer } = (await import("node:module")).createRequire(import.meta.url)("node:http");
      const seen = [];
      const server = createServer((req, res) => {
        seen.push(req.headers["x-identity-header"] + " " + new URL(req.url, "http://x").searchParams.get("resource"));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ access_token: "token-from-the-identity-endpoint", expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource: "https://management.azure.com/", token_type: "Bearer" }));
      });
      await new Promise((r) => server.listen(0, "127.0.0.1", r));
      process.env.IDENTITY_ENDPOINT = "http://127.0.0.1:" + server.address().port + "/msi/token";
      process.env.IDENTITY_HEADER = "header-value";
      const t = await new sdk.DefaultAzureCredential().getToken("https://management.azure.com/.default");
      server.close();
      // The form-data step of the credential's pipeline asked \`typeof FormData\` (undici, ~20 ms) of every request (FORM_DATA_CHECK).
      const undici = process.moduleLoadList.some((m) => m.includes("undici"));
      console.log(JSON.stringify({ token: t.token, seen, undici }));`;
    const r = await withCoverage("mi", script, { AZURE_TOKEN_CREDENTIALS: undefined, AZURE_CLIENT_ID: undefined, AZURE_TENANT_ID: undefined, AZURE_CLIENT_SECRET: undefined, MSI_ENDPOINT: undefined });
    assert.deepEqual(JSON.parse(r.stdout), { token: "token-from-the-identity-endpoint", seen: ["header-value https://management.azure.com"], undici: false });
    assert.equal(r.msalRuns, 1);
  });
});

describe("start-up loads no builtin it does not use", () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-builtins-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  it("validate and create --dry-run --offline with stdout and stderr pipes (CI logs, `| jq`), and a usage error on a stderr pipe: the output whole, no net or stream modules", async () => {
    const preload = join(ROOT, "test/helpers/builtins-trace.cjs");
    const heavy = ["tty", "net", "stream", "crypto", "internal/fs/promises"];
    const runs: [string[], number, RegExp, "stdout" | "stderr"][] = [
      [["validate", "-f", "examples/overlay-cilium.yaml", "-o", "json"], 0, /"valid": true/, "stdout"],
      [["create", "-n", "b", "-g", "rg-b", "-l", "westeurope", "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--yes", "--dry-run", "--offline"], 0, /azureFirewalls/, "stdout"],
      [["validate", "--node-count", "three"], 2, /^error: --node-count takes a whole number, got 'three'\n/, "stderr"],
    ];
    for (const [args, code, text, where] of runs) {
      const out = join(dir, `pipe-${args[0]}-${code}.txt`);
      // stdio "pipe": a socket pair, as Node and most CI runners give a child; `| cat` in bash gives a FIFO.
      for (const how of ["socket", "fifo"]) {
        const [cmd, argv] = how === "socket" ? [process.execPath, ["-r", preload, "bin/aks-net", ...args]] : ["bash", ["-c", `"$NODE" -r "$PRELOAD" bin/aks-net "$@" 2> >(cat >&2) | cat; exit "\${PIPESTATUS[0]}"`, "bash", ...args]];
        const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
          const child = spawn(cmd as string, argv as string[], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", CI: "true", BUILTINS_TRACE_FILE: out, NODE: process.execPath, PRELOAD: preload } });
          let stdout = "";
          let stderr = "";
          child.stdout.setEncoding("utf8").on("data", (t: string) => (stdout += t));
          child.stderr.setEncoding("utf8").on("data", (t: string) => (stderr += t));
          child.on("error", reject);
          child.on("close", (c) => resolve({ code: c, stdout, stderr }));
        });
        assert.equal(r.code, code, `${how}: ${r.stderr}`);
        assert.match(r[where], text, how);
        const loaded = readFileSync(out, "utf8").split("\n");
        assert.deepEqual(heavy.filter((m) => loaded.includes(m)), [], `${how}: ${args.join(" ")}`);
      }
    }
  });
  // Without NO_COLOR, whether stderr is a terminal decides the colour: a pipe says no without building the stream.
  for (const colour of [{ NO_COLOR: "1" }, { NO_COLOR: undefined, FORCE_COLOR: undefined }]) it(`validate and create --dry-run --offline, stdout into a file, stderr a pipe, ${colour.NO_COLOR ? "NO_COLOR" : "colour not set"}: no tty, net, streams, crypto or fs/promises; no colour`, async () => {
    const preload = join(dir, "builtins.cjs");
    // Node's own list of the builtins this process loaded, written at exit without making a stream.
    writeFileSync(preload, `process.on("exit", () => require("node:fs").writeFileSync(process.env.BUILTINS_OUT, process.moduleLoadList.join("\\n")));\n`);
    const heavy = ["NativeModule tty", "NativeModule net", "NativeModule stream", "NativeModule crypto", "NativeModule internal/fs/promises", "NativeModule zlib"];
    for (const args of [["validate", "-f", "examples/overlay-cilium.yaml"], ["create", "-n", "b", "-g", "rg-b", "-l", "westeurope", "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--yes", "--dry-run", "--offline"]]) {
      const out = join(dir, `${args[0]}.txt`);
      const fd = openSync(join(dir, "stdout.txt"), "w");
      const code = await new Promise<number | null>((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", preload, "bin/aks-net", ...args], { cwd: ROOT, stdio: ["ignore", fd, "pipe"], env: { ...process.env, ...colour, CI: "true", BUILTINS_OUT: out } });
        child.on("error", reject);
        child.on("close", resolve);
      });
      closeSync(fd);
      assert.equal(code, 0);
      const stdout = readFileSync(join(dir, "stdout.txt"), "utf8");
      assert.ok(stdout.length > 0);
      assert.ok(!stdout.includes("\x1b["), "no colour codes");
      const loaded = readFileSync(out, "utf8").split("\n");
      assert.deepEqual(heavy.filter((m) => loaded.includes(m)), [], args[0]);
    }
  });
});
