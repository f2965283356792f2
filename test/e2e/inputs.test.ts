/**
 * Issue 9 §4, end to end through the built CLI: inputs that must never reach Azure. Endless or huge input is cut off
 * by a byte cap (not stat().size), a deeply nested spec is a usage error, and a bad `@FILE` line is reported by file
 * and line, never by content.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../helpers/run-cli.ts";
import type { RunCliResult } from "../helpers/run-cli.ts";

let dir: string;
const file = (name: string, content: string): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** Exit 2, nothing on stdout, one `error:` line (plus an optional hint), no stack trace or internal error. */
function usage(r: RunCliResult, pattern: RegExp): void {
  assert.equal(r.timedOut, false, "the run ends");
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error: /);
  assert.match(r.stderr, pattern);
  assert.ok(r.stderr.trim().split("\n").length <= 2, `one line plus a hint: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "aks-net-inputs-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("inputs: endless and huge input is cut off by a byte cap", function () {
  this.timeout(30_000);

  for (const device of ["/dev/zero", "/dev/urandom"]) {
    it(`--connected-cidr @${device} stops at the cap (exit 2)`, async () => {
      usage(await runCli(["validate", "--connected-cidr", `@${device}`], { timeoutMs: 20_000 }), new RegExp(`cannot read '${device}': larger than 64 MiB`));
    });
    it(`-f ${device} stops at the cap (exit 2)`, async () => {
      usage(await runCli(["validate", "-f", device], { timeoutMs: 20_000 }), new RegExp(`cannot read spec file '${device}': larger than 64 MiB`));
    });
  }

  it("a FIFO fed without end stops at the cap, for -f and for @FILE", async () => {
    const fifo = join(dir, "endless");
    execFileSync("mkfifo", [fifo]);
    for (const args of [["-f", fifo], ["--connected-cidr", `@${fifo}`]]) {
      const writer: ChildProcess = spawn("sh", ["-c", `exec cat /dev/zero > '${fifo}'`], { stdio: "ignore" });
      try {
        usage(await runCli(["validate", ...args], { timeoutMs: 20_000 }), /larger than 64 MiB/);
      } finally {
        writer.kill("SIGKILL");
      }
    }
  });
});

describe("inputs: a deeply nested spec is a usage error", function () {
  this.timeout(30_000);
  const nested = (depth: number): string => `${'{"vnet":'.repeat(depth)}{}${"}".repeat(depth)}`;

  it("3000 levels of JSON (file and stdin): exit 2, one line", async () => {
    const path = file("deep.json", nested(3000));
    usage(await runCli(["validate", "-f", path]), /nests deeper than 32 levels/);
    usage(await runCli(["validate", "-f", "-"], { stdin: nested(3000) }), /spec file '-' nests deeper than 32 levels/);
  });

  it("200000 levels of brackets (the parser itself would overflow): exit 2", async () => {
    usage(await runCli(["validate", "-f", file("deeper.json", `${"[".repeat(200_000)}${"]".repeat(200_000)}`)]), /nests deeper than 32 levels/);
  });

  it("3000 levels of YAML block mappings: exit 2", async () => {
    let yaml = "";
    for (let i = 0; i < 3000; i++) yaml += `${" ".repeat(i)}vnet:\n`;
    usage(await runCli(["validate", "-f", file("deep.yaml", `${yaml}${" ".repeat(3000)}x: 1\n`)]), /spec file .* (nests deeper|is not valid YAML)/);
  });

  it("a normal spec is still read (the limit leaves room for every real spec)", async () => {
    const r = await runCli(["validate", "-f", file("ok.json", JSON.stringify({ vnet: { addressSpaces: ["10.40.0.0/16"], subnetCidr: "10.40.0.0/22" }, nodePools: [{ name: "system", count: 3 }] }))]);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe("inputs: a bad @FILE line is reported by file and line, never by content", function () {
  this.timeout(30_000);
  const SECRET = "s3cr3t-Value~42";

  it("@.env: exit 2 with FILE:LINE, the secret nowhere in the output", async () => {
    const env = file(".env", `# credentials\n\nAZURE_CLIENT_ID=abc\nAZURE_CLIENT_SECRET=${SECRET}\n`);
    for (const cmd of [["validate"], ["validate", "-o", "json"], ["create", "--dry-run", "--offline", "-n", "c", "-g", "rg", "-l", "westeurope"]]) {
      const r = await runCli([...cmd, "--connected-cidr", `@${env}`]);
      usage(r, new RegExp(`${env.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:3: not a CIDR \\(SYN-01: not address/prefix\\) \\(1 more bad line: 4\\)`));
      for (const out of [r.stdout, r.stderr]) {
        assert.doesNotMatch(out, new RegExp(SECRET.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")));
        assert.doesNotMatch(out, /AZURE_CLIENT_(SECRET|ID)/);
      }
    }
  });

  it("line numbers count blank lines and comments; the kind of fault is named without quoting the line", async () => {
    const list = file("ranges.txt", "10.50.0.0/16\n\n# on-prem\n10.60.0.0/16 # dc1\n010.1.0.0/16\n");
    usage(await runCli(["validate", "--connected-cidr", `@${list}`]), /ranges\.txt:5: not a CIDR \(SYN-04: leading zeros, octal or hex in the address\)$/m);
  });

  it("good lines still go through to the rules and the effective spec", async () => {
    const list = file("good.txt", "10.50.0.0/16\n# comment\n\n10.60.0.0/16\n");
    const r = await runCli(["validate", "--connected-cidr", `@${list}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /connectedCidrs\s+10\.50\.0\.0\/16, 10\.60\.0\.0\/16\s+\(flag\)/);
  });
});
