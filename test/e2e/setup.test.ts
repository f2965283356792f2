/**
 * Set-up on a machine whose Node is too old (issue 9 §6): bin/aks-net and ./setup say what to do in one line, and
 * bin/aks-net runs on the Node ./setup brought. "Too old" is a real Node whose reported version is set by a preload
 * (the check reads process.versions.node); the project is copied into a temp dir so that its `.node/` is the test's.
 * The happy path of ./setup (npm installing Node 22 and the dependencies) needs the npm registry and is not run here.
 */
import assert from "node:assert/strict";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, hasStackTrace, runProgram } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";

function run(cmd: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return runProgram(cmd, args, { ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }), env: { NO_COLOR: "1", AKS_NET_NODE_REEXEC: undefined, ...opts.env } });
}

describe("e2e: set-up on a machine whose Node is too old", function () {
  this.timeout(60_000);
  let dir: string;
  let project: string;
  let oldNode: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aks-net-setup-"));
    project = join(dir, "project");
    mkdirSync(project);
    for (const f of ["bin", "package.json", "setup", "examples"]) cpSync(join(ROOT, f), join(project, f), { recursive: true });
    symlinkSync(join(ROOT, "dist"), join(project, "dist"));
    // A Node 20 as far as any version check can tell: the real binary with its reported version replaced.
    const preload = join(dir, "node20.cjs");
    writeFileSync(preload, `Object.defineProperty(process.versions, "node", { value: "20.19.0" });\nObject.defineProperty(process, "version", { value: "v20.19.0" });\n`);
    const fakeBin = join(dir, "old-node-bin");
    mkdirSync(fakeBin);
    oldNode = join(fakeBin, "node");
    writeFileSync(oldNode, `#!/bin/sh\nexec '${process.execPath}' --require '${preload}' "$@"\n`);
    chmodSync(oldNode, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("bin/aks-net on an unsupported Node: one line naming the supported versions and ./setup, exit 1", async () => {
    const r = await run(oldNode, [join(project, "bin", "aks-net"), "templates"]);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.split("\n").length, 2, `one line: ${r.stderr}`);
    assert.match(r.stderr, /^error: aks-net needs Node\.js \^22\.22\.2 \|\| \^24\.15\.0 \|\| >=26\.0\.0, this is v20\.19\.0 .*: run \.\/setup in .*project \(it brings Node 22 into \.node\/\), or install Node\.js 22\n$/);
    assert.equal(hasStackTrace(r.stderr), false);
  });

  it("a code cache a supported Node wrote does not let an unsupported one through (the check is skipped only on the Node that passed it)", async () => {
    const env = { XDG_CACHE_HOME: join(dir, "xdg") };
    const warm = await run(process.execPath, [join(project, "bin", "aks-net"), "validate", "-f", "examples/overlay-cilium.yaml"], { cwd: project, env });
    assert.equal(warm.code, 0, warm.stderr);
    assert.ok(readdirSync(join(dir, "xdg", "aks-net")).some((f) => f.endsWith(".v8cache")), "the supported Node wrote its cache");
    const r = await run(oldNode, [join(project, "bin", "aks-net"), "validate", "-f", "examples/overlay-cilium.yaml"], { cwd: project, env });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /^error: aks-net needs Node\.js .*, this is v20\.19\.0 /);
    assert.equal(r.stdout, "");
  });

  it("bin/aks-net on an unsupported Node runs the command on the Node ./setup brought, with its exit code", async () => {
    const local = join(project, ".node", "node_modules", "node", "bin");
    mkdirSync(local, { recursive: true });
    symlinkSync(process.execPath, join(local, "node"));
    const ok = await run(oldNode, [join(project, "bin", "aks-net"), "templates"]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /overlay-cilium/);
    const invalid = await run(oldNode, [join(project, "bin", "aks-net"), "validate", "-f", "examples/broken.yaml"], { cwd: project });
    assert.equal(invalid.code, 3, invalid.stderr);
    assert.equal(hasStackTrace(invalid.stdout + invalid.stderr), false);
  });

  it("./setup with an old Node and no npm to fetch one: one line saying what to do, exit 1, nothing installed", async () => {
    // PATH: the old node and the two tools setup needs besides the shell's builtins; no npm.
    const path = join(dir, "path");
    mkdirSync(path);
    symlinkSync(oldNode, join(path, "node"));
    for (const tool of ["dirname", "rm"]) symlinkSync(`/usr/bin/${tool}`, join(path, tool));
    const r = await run("/bin/sh", [join(project, "setup")], { env: { PATH: path } });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, "setup: aks-net needs Node.js ^22.22.2 || ^24.15.0 || >=26.0.0 and this machine has v20.19.0 and no npm to fetch one: install Node.js 22 (https://nodejs.org) and run ./setup again\n");

    rmSync(join(path, "node"));
    const none = await run("/bin/sh", [join(project, "setup")], { env: { PATH: path } });
    assert.equal(none.code, 1, none.stderr);
    assert.match(none.stderr, /^setup: aks-net needs Node\.js 22 or newer and this machine has no node and no npm to fetch one: install Node\.js 22 \(https:\/\/nodejs\.org\) and run \.\/setup again\n$/);
  });

  it("engines.node is the highest minimum of the dependencies (@inquirer asks ^22.22.2 || ^24.15.0 || >=26)", async () => {
    const { default: pkg } = await import("../../package.json", { with: { type: "json" } });
    const { default: inquirer } = await import("../../node_modules/@inquirer/prompts/package.json", { with: { type: "json" } });
    assert.equal(pkg.engines.node, inquirer.engines.node);
  });
});
