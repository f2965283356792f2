/**
 * Files, pipes and output (issue 9 §5) through the BUILT CLI: a closed pipe ends quietly, `init` never replaces a
 * file it was not told to, and `--yes` means no questions.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { closeSync, constants, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BIN, ROOT, hasStackTrace, runCli } from "../helpers/cli.ts";

/** Runs `aks-net ARGS | true` in bash; the CLI's own exit code comes back on stderr as the last line `rc=N`. */
function intoClosedPipe(args: readonly string[], both = false): Promise<{ stderr: string; code: number }> {
  const script = `{ "$NODE" "$BIN" "$@"${both ? " 2>&1" : ""}; echo "rc=$?" >&2; } | true`;
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script, "bash", ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE: process.execPath, BIN, CI: "true", NO_COLOR: "1", AKS_NET_DEBUG: "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    child.on("error", reject);
    child.on("close", () => {
      const m = /rc=(\d+)\n$/.exec(stderr);
      resolve({ stderr: stderr.replace(/rc=\d+\n$/, ""), code: m ? Number(m[1]) : -1 });
    });
  });
}

describe("e2e: a closed pipe ends quietly", function () {
  this.timeout(30_000);
  // [args, exit code, stderr stays empty]
  const cases: [string[], number, boolean?][] = [
    [["schema"], 0],
    [["templates"], 0],
    [["templates", "-o", "json"], 0],
    [["validate", "-f", "examples/overlay-cilium.yaml"], 0],
    [["validate", "-f", "examples/overlay-cilium.yaml", "-o", "json"], 0],
    [["validate", "-f", "examples/broken.yaml"], 3, false],
    [["--help"], 0],
    [["help", "create"], 0],
    [["create", "--help"], 0],
    [["create", "-n", "p", "-g", "rg-p", "-l", "westeurope", "--dry-run", "--offline"], 0],
    [["create", "-n", "p", "-g", "rg-p", "-l", "westeurope", "--dry-run", "--offline", "-o", "json"], 0],
    [["init", "-n", "p", "-g", "rg-p", "-l", "westeurope", "--subscription", "00000000-0000-0000-0000-000000000001", "--out", "-"], 0, false],
  ];
  for (const [args, code, quiet = true] of cases) {
    it(`aks-net ${args.join(" ")} | true: no stack trace${quiet ? ", nothing on stderr" : ""}, exit ${code}`, async () => {
      const r = await intoClosedPipe(args);
      assert.equal(hasStackTrace(r.stderr), false, r.stderr);
      assert.doesNotMatch(r.stderr, /EPIPE|internal error/);
      if (quiet) assert.equal(r.stderr, "");
      assert.equal(r.code, code, r.stderr);
    });
  }
  it("stderr into the closed pipe too (2>&1 | true): the command still ends with its own exit code", async () => {
    const invalid = await intoClosedPipe(["validate", "-f", "examples/broken.yaml", "-o", "json"], true);
    assert.equal(invalid.code, 3);
    const usage = await intoClosedPipe(["validate", "--node-count", "three"], true);
    assert.equal(usage.code, 2);
    const noYes = await intoClosedPipe(["create", "-n", "p", "-g", "rg-p", "-l", "westeurope"], true);
    assert.equal(noYes.code, 2);
  });
});

describe("e2e: init never replaces a file it was not told to", function () {
  this.timeout(30_000);
  const SPEC = ["init", "-n", "keep", "-g", "rg-keep", "-l", "westeurope", "--subscription", "00000000-0000-0000-0000-000000000001"];
  const MINE = "# my own file\n";
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-init-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const refused = (r: { code: number | null; stdout: string; stderr: string }): void => {
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^error: aks-net\.yaml exists and was not replaced\n {2}pass --force to replace it, or --out/);
    assert.equal(hasStackTrace(r.stderr), false);
  };

  for (const how of [[], ["--no-input"]]) {
    it(`an existing aks-net.yaml without a terminal${how.length ? " and with --no-input" : ""}: exit 2, the file unchanged`, async () => {
      writeFileSync(join(dir, "aks-net.yaml"), MINE);
      refused(await runCli([...SPEC, ...how], { cwd: dir }));
      assert.equal(readFileSync(join(dir, "aks-net.yaml"), "utf8"), MINE);
    });
  }

  it("a symlink named aks-net.yaml: refused, and neither the link nor its target is touched (dangling links too)", async () => {
    const target = join(dir, "elsewhere", "important.yaml");
    mkdirSync(dirname(target));
    writeFileSync(target, MINE);
    symlinkSync(target, join(dir, "aks-net.yaml"));
    refused(await runCli(SPEC, { cwd: dir }));
    assert.equal(readFileSync(target, "utf8"), MINE);
    assert.equal(readlinkSync(join(dir, "aks-net.yaml")), target);

    rmSync(join(dir, "aks-net.yaml"));
    symlinkSync(join(dir, "nowhere.yaml"), join(dir, "aks-net.yaml"));
    refused(await runCli(SPEC, { cwd: dir }));
    assert.equal(existsSync(join(dir, "nowhere.yaml")), false, "a dangling link is not followed to create its target");
  });

  it("--force replaces it; a symlink is replaced by the file, its target left as it was", async () => {
    const target = join(dir, "target.yaml");
    writeFileSync(target, MINE);
    symlinkSync(target, join(dir, "aks-net.yaml"));
    const r = await runCli([...SPEC, "--force"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(lstatSync(join(dir, "aks-net.yaml")).isSymbolicLink(), false);
    assert.match(readFileSync(join(dir, "aks-net.yaml"), "utf8"), /name: keep/);
    assert.equal(readFileSync(target, "utf8"), MINE);
  });

  it("--out naming another file writes that one; --out naming an existing file is refused the same way", async () => {
    writeFileSync(join(dir, "aks-net.yaml"), MINE);
    const r = await runCli([...SPEC, "--out", "other.yaml"], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.match(readFileSync(join(dir, "other.yaml"), "utf8"), /name: keep/);
    assert.equal(readFileSync(join(dir, "aks-net.yaml"), "utf8"), MINE);
    const again = await runCli([...SPEC, "--out", "other.yaml"], { cwd: dir });
    assert.equal(again.code, 2);
    assert.match(again.stderr, /^error: other\.yaml exists and was not replaced/);
  });
});

describe("e2e: stdout redirected to a file, /dev/null or a pipe (written without Node's stream machinery)", function () {
  this.timeout(30_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-out-"))));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** `aks-net ARGS > FILE` (or `>> FILE`, or `> /dev/null`) in bash: exit code and stderr. */
  const redirected = (args: readonly string[], to: string, append = false): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn("bash", ["-c", `"$NODE" "$BIN" "$@" ${append ? ">>" : ">"} "$OUT"`, "bash", ...args], {
        cwd: ROOT,
        env: { ...process.env, NODE: process.execPath, BIN, OUT: to, CI: "true", NO_COLOR: "1", AKS_NET_DEBUG: "" },
        stdio: ["ignore", "ignore", "pipe"],
      });
      let stderr = "";
      child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stderr }));
    });
  const cases: [string[], number][] = [
    [["validate", "-f", "examples/overlay-cilium.yaml"], 0],
    [["validate", "-f", "examples/broken.yaml", "-o", "json"], 3],
    [["create", "-n", "f", "-g", "rg-f", "-l", "westeurope", "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--dry-run", "--offline", "--yes"], 0],
    [["schema"], 0],
    [["--help"], 0],
  ];
  for (const [args, code] of cases) {
    it(`aks-net ${args.join(" ")} > FILE: the bytes a pipe gets, exit ${code}; > /dev/null: exit ${code}`, async () => {
      const piped = await runCli(args, { env: { NO_COLOR: "1" } });
      const file = join(dir, "out.txt");
      const r = await redirected(args, file);
      assert.equal(r.code, code, r.stderr);
      assert.equal(piped.code, code);
      assert.equal(readFileSync(file, "utf8"), piped.stdout);
      assert.ok(piped.stdout.length > 0);
      const devnull = await redirected(args, "/dev/null");
      assert.equal(devnull.code, code, devnull.stderr);
      assert.equal(devnull.stderr, r.stderr);
    });
  }
  it(">> FILE appends after what the file held", async () => {
    const file = join(dir, "append.txt");
    writeFileSync(file, "before\n");
    const r = await redirected(["templates"], file, true);
    const piped = await runCli(["templates"], { env: { NO_COLOR: "1" } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(file, "utf8"), `before\n${piped.stdout}`);
  });
  it("a non-blocking pipe that fills up (EAGAIN): Node's stream takes the rest and waits for the reader; nothing is lost", async function () {
    if (process.platform === "win32") this.skip(); // Windows pipes keep Node's stream from the start
    const args = ["validate", "-f", "examples/overlay-cilium.yaml", "-o", "sarif"];
    const expected = (await runCli(args, { env: { NO_COLOR: "1" } })).stdout;
    assert.ok(Buffer.byteLength(expected) > 65536, "more than a pipe holds (64 KiB on Linux)");
    const fifo = join(dir, "fifo");
    execFileSync("mkfifo", [fifo]);
    // Opened read-write and non-blocking: this test reads the pipe, and the CLI's stdout shares the non-blocking flag
    // (bash's fd 3: libuv makes a child's fds 0-2 blocking, not the others; `>&3` hands it to the CLI as it is).
    const fd = openSync(fifo, constants.O_RDWR | constants.O_NONBLOCK);
    const preload = join(ROOT, "test/helpers/builtins-trace.cjs");
    const loaded = join(dir, "loaded.txt");
    const child = spawn("bash", ["-c", `exec "$NODE" -r "$PRELOAD" "$BIN" "$@" >&3`, "bash", ...args], {
      cwd: ROOT,
      env: { ...process.env, NODE: process.execPath, BIN, PRELOAD: preload, BUILTINS_TRACE_FILE: loaded, CI: "true", NO_COLOR: "1", AKS_NET_DEBUG: "" },
      stdio: ["ignore", "ignore", "pipe", fd],
    });
    let stderr = "";
    child.stderr?.setEncoding("utf8").on("data", (t: string) => (stderr += t));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    let code: number | null | undefined;
    void exited.then((c) => (code = c));
    // Nobody reads until the CLI has written a pipe's worth (64 KiB, its write count in /proc), so its next write meets
    // a full pipe, however slow the machine; where /proc says nothing, after half a second.
    const written = (): number => {
      try {
        return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${child.pid}/io`, "utf8"))?.[1] ?? NaN);
      } catch {
        return NaN;
      }
    };
    for (const start = Date.now(); code === undefined && Date.now() - start < 20_000; ) {
      const w = written();
      if (Number.isNaN(w) ? Date.now() - start >= 500 : w >= 65536) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 50));
    const chunks: Buffer[] = [];
    const drain = (): void => {
      const buf = Buffer.alloc(65536);
      for (;;) {
        let n: number;
        try {
          n = readSync(fd, buf);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === "EAGAIN") return;
          throw e;
        }
        if (n === 0) return;
        chunks.push(Buffer.from(buf.subarray(0, n)));
      }
    };
    while (code === undefined) {
      drain();
      await new Promise((r) => setTimeout(r, 10));
    }
    drain();
    closeSync(fd);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, "");
    assert.equal(Buffer.concat(chunks).toString("utf8"), expected);
    assert.ok(readFileSync(loaded, "utf8").split("\n").includes("net"), "the full pipe handed the rest to Node's stream");
  });
  it("> /dev/full (every write fails): exit 1, no stack trace", async () => {
    if (!existsSync("/dev/full")) return;
    const r = await redirected(["schema"], "/dev/full");
    assert.equal(r.code, 1);
    assert.ok(!hasStackTrace(r.stderr), r.stderr);
  });
});
