/**
 * Issue 9 §4, end to end through the built CLI: inputs that must never reach Azure. Endless or huge input is cut off
 * by a byte cap (not stat().size), a deeply nested spec is a usage error, and a bad `@FILE` line is reported by file
 * and line, never by content. Every name aks-net would send (derived ones too), the region, the Kubernetes version and
 * the VM size are checked as findings (exit 3) before any request: the fake ARM sees nothing.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeArm } from "../fakes/fake-arm.ts";
import { FAST, useFakeArm } from "../helpers/create-cli.ts";
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

interface Finding {
  rule: string;
  severity: string;
  fields: string[];
  message: string;
  fix: string;
}

/** Exit 3 with the rule among the errors (JSON on stdout), and the fake saw no request at all. */
function refused(r: RunCliResult, fake: FakeArm, rule: string): Finding {
  assert.equal(r.timedOut, false);
  assert.equal(r.code, 3, `exit code; stderr: ${r.stderr}`);
  assert.equal(fake.requests.length, 0, `requests sent: ${fake.requests.map((q) => `${q.method} ${q.path}`).join(", ")}`);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  // validate's report has the findings at the top; create's result document under `findings`.
  const report = JSON.parse(r.stdout) as { errors?: Finding[]; findings?: { errors: Finding[] } };
  const errors = report.findings?.errors ?? report.errors ?? [];
  const f = errors.find((e) => e.rule === rule);
  assert.ok(f, `${rule} among ${errors.map((e) => e.rule).join(", ")}`);
  return f;
}

describe("inputs: names Azure would refuse are findings before any request", function () {
  this.timeout(60_000);
  const fake = useFakeArm({ polls: 1 });

  const create = (args: string[]): Promise<RunCliResult> =>
    runCli(["create", "--yes", "-o", "json", "-l", "westeurope", ...args], { fake, env: FAST });
  const x = (n: number): string => "x".repeat(n);

  // [what, flags, rule, field, a fragment of the message]
  const cases: [string, string[], string, string, RegExp][] = [
    ["-n 'bad name!'", ["-n", "bad name!", "-g", "rg"], "NAME-01", "name", /has ' ', '!'/],
    ["-n '..'", ["-n", "..", "-g", "rg"], "NAME-01", "name", /has '\.'/],
    ["-n 'a/b'", ["-n", "a/b", "-g", "rg"], "NAME-01", "name", /has '\/'/],
    ["-n 'a?#'", ["-n", "a?#", "-g", "rg"], "NAME-01", "name", /has '\?', '#'/],
    ["-n 'two words'", ["-n", "two words", "-g", "rg"], "NAME-01", "name", /has ' '/],
    ["--name=-lead", ["--name=-lead", "-g", "rg"], "NAME-01", "name", /starts with '-'/],
    ["an RTL override in -n", ["-n", "abc\u202Edef", "-g", "rg"], "NAME-01", "name", /'abc\\u202edef' has '\\u202e'/],
    ["100 characters", ["-n", x(100), "-g", "rg"], "NAME-01", "name", /is 100 characters \(at most 63\)/],
    ["-g ending with '.'", ["-n", "c", "-g", "rg."], "NAME-02", "resourceGroup", /ends with '\.'/],
    ["-g '..'", ["-n", "c", "-g", ".."], "NAME-02", "resourceGroup", /ends with '\.'/],
    ["-g '../other'", ["-n", "c", "-g", "../other"], "NAME-02", "resourceGroup", /has '\/'/],
    ["-g of 91 characters", ["-n", "c", "-g", x(91)], "NAME-02", "resourceGroup", /is 91 characters \(at most 90\)/],
    ["a 61-character -n makes <name>-vnet 66 characters", ["-n", `c${x(60)}`, "-g", "rg"], "NAME-03", "name", /makes the VNet name '.*-vnet', which is 66 characters \(at most 64\)/],
    ["--vnet-name of one character", ["-n", "c", "-g", "rg", "--vnet-name", "v"], "NAME-03", "vnet.name", /is 1 character \(at least 2\)/],
    ["--subnet-name with a space", ["-n", "c", "-g", "rg", "--subnet-name", "my nodes"], "NAME-04", "vnet.subnetName", /has ' '/],
    ["--route-table-id with a '..' group", ["-n", "c", "-g", "rg", "--route-table-id", "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/../providers/Microsoft.Network/routeTables/rt"], "NAME-02", "vnet.routeTableId", /ends with '\.'/],
    ["--assign-identity with a '?' in its name", ["-n", "c", "-g", "rg", "--assign-identity", "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id?x=1"], "NAME-06", "assignIdentity", /has '\?', '='/],
    ["--apiserver-subnet-name with a '/'", ["-n", "c", "-g", "rg", "--enable-apiserver-vnet-integration", "--apiserver-subnet-cidr", "10.225.0.0/28", "--apiserver-subnet-name", "a/b"], "NAME-04", "vnet.apiServerSubnetName", /has '\/'/],
    ["MC_<rg>_<name>_<region> over 80 characters", ["-n", `c${x(49)}`, "-g", `g${x(19)}`], "NAME-07", "name", /would be 85 characters: AKS allows 80/],
  ];
  for (const [what, flags, rule, field, message] of cases) {
    it(`create ${what}: ${rule} on ${field}, exit 3, 0 requests`, async () => {
      const f = refused(await create(flags), fake, rule);
      assert.ok(f.fields.includes(field), `fields ${f.fields.join(", ")}`);
      assert.match(f.message, message);
      assert.ok(f.fix.length > 0);
    });
  }

  it("the fix of a bad name is a name that passes the rule", async () => {
    const f = refused(await create(["-n", "-My Cluster!-", "-g", "rg"]), fake, "NAME-01");
    const fixed = /use e\.g\. '([^']+)'/.exec(f.fix)?.[1];
    assert.equal(fixed, "My-Cluster");
    fake.reset();
    const r = await runCli(["create", "--dry-run", "--offline", "-o", "json", "-n", fixed, "-g", "rg", "-l", "westeurope"]);
    assert.equal(r.code, 0, r.stderr);
  });

  it("one finding per bad field, not one per resource named after it", async () => {
    const r = await create(["-n", "bad name!", "-g", "rg", "--firewall", "--vnet-cidr", "10.80.0.0/16", "--subnet-cidr", "10.80.4.0/22", "--firewall-subnet-cidr", "10.80.1.0/26"]);
    refused(r, fake, "NAME-01");
    const report = JSON.parse(r.stdout) as { findings: { errors: Finding[] } };
    assert.deepEqual(report.findings.errors.filter((e) => e.rule.startsWith("NAME-")).map((e) => e.rule), ["NAME-01"]);
  });

  it("validate -f: the same findings from a spec file (exit 3); valid names pass", async () => {
    const bad = file("names.yaml", "name: bad name!\nresourceGroup: rg.\nlocation: westeurope\nvnet:\n  name: v\n");
    const r = await runCli(["validate", "-f", bad, "-o", "json"]);
    assert.equal(r.code, 3, r.stderr);
    const rules = (JSON.parse(r.stdout) as { errors: Finding[] }).errors.map((e) => e.rule);
    for (const id of ["NAME-01", "NAME-02", "NAME-03"]) assert.ok(rules.includes(id), `${id} in ${rules.join(", ")}`);
    const good = file("good-names.yaml", "name: aks-prod_1\nresourceGroup: rg-ä(prod).1\nlocation: West Europe\nvnet:\n  name: vnet.prod_\n");
    const ok = await runCli(["validate", "-f", good, "-o", "json"]);
    assert.equal(ok.code, 0, ok.stdout);
  });

  it("delete with a name Azure refuses ('..', '/'): exit 2, nothing read or deleted", async () => {
    fake.seed.resourceGroup("rg");
    const before = fake.snapshot();
    for (const args of [["-n", "c", "-g", ".."], ["-n", "c", "-g", "rg/../other"], ["-n", "../c", "-g", "rg"], ["-n", "c d", "-g", "rg"]]) {
      const r = await runCli(["delete", "--yes", ...args], { fake, env: FAST });
      usage(r, /^error: delete: '.*' (has|ends with)/);
      assert.match(r.stderr, /nothing was read or deleted/);
    }
    assert.equal(fake.requests.length, 0);
    assert.deepEqual(fake.snapshot(), before);
  });

  it("validate --live with a bad name reads nothing from Azure (exit 3)", async () => {
    const bad = file("live-names.yaml", "name: c\nresourceGroup: ../x\nlocation: westeurope\n");
    const r = await runCli(["validate", "--live", "-f", bad, "-o", "json"], { fake });
    refused(r, fake, "NAME-02");
    assert.match(r.stderr, /Azure not read/);
  });

  it("the region: a typo gets did-you-mean (LOC-01); display names are accepted", async () => {
    const f = refused(await runCli(["create", "--yes", "-o", "json", "-n", "c", "-g", "rg", "-l", "westeurop"], { fake, env: FAST }), fake, "LOC-01");
    assert.match(f.message, /did you mean westeurope\?/);
    assert.equal(f.fix, "use westeurope");
    refused(await runCli(["create", "--yes", "-o", "json", "-n", "c", "-g", "rg", "-l", "mars"], { fake, env: FAST }), fake, "LOC-01");
    const r = await runCli(["create", "--dry-run", "--offline", "-n", "c", "-g", "rg", "-l", "West Europe"]);
    assert.equal(r.code, 0, r.stderr);
  });

  it("the Kubernetes version and VM size formats (K8S-01, VM-01)", async () => {
    const v = refused(await create(["-n", "c", "-g", "rg", "--kubernetes-version", "v1.30"]), fake, "K8S-01");
    assert.equal(v.fix, "use 1.30");
    refused(await create(["-n", "c", "-g", "rg", "--kubernetes-version", "latest"]), fake, "K8S-01");
    const s = refused(await create(["-n", "c", "-g", "rg", "--node-vm-size", "D4s_v5"]), fake, "VM-01");
    assert.equal(s.fix, "use Standard_D4s_v5");
    refused(await create(["-n", "c", "-g", "rg", "--node-vm-size", "Standard D4s v5!"]), fake, "VM-01");
    for (const [version, size] of [["1.30", "Standard_D4ds_v5"], ["1.31.2", "Standard_E64-32s_v5"], ["1.29", "Standard_NC24ads_A100_v4"]] as const) {
      const r = await runCli(["create", "--dry-run", "--offline", "-n", "c", "-g", "rg", "-l", "westeurope", "--kubernetes-version", version, "--node-vm-size", size]);
      assert.equal(r.code, 0, `${version} ${size}: ${r.stderr}`);
    }
  });

  it("validate --live checks the region against where the subscription offers AKS (LIVE-LOC-01)", async () => {
    // brazilsouth is an Azure region, but not among this subscription's AKS regions.
    const spec = (location: string): string => file(`live-${location.replace(/\s/g, "")}.yaml`, `name: c\nresourceGroup: rg\nlocation: ${location}\n`);
    const off = await runCli(["validate", "--live", "-f", spec("brazilsouth"), "-o", "json"], { fake });
    assert.equal(off.code, 3, off.stderr);
    const errors = (JSON.parse(off.stdout) as { errors: Finding[] }).errors;
    assert.deepEqual(errors.map((e) => e.rule), ["LIVE-LOC-01"]);
    assert.ok(fake.requests.some((q) => /\/providers\/Microsoft\.ContainerService$/i.test(q.path)), "the provider's locations were read");
    const on = await runCli(["validate", "--live", "-f", spec("West Europe"), "-o", "json"], { fake });
    assert.equal(on.code, 0, on.stdout);
  });
});

describe("inputs: the subscription's region list wins over aks-net's offline list", function () {
  this.timeout(60_000);
  const fake = useFakeArm({ polls: 1, aksLocations: ["West Europe", "Atlantis Central"] });

  it("a region newer than aks-net's list passes with --live when the subscription offers AKS there", async () => {
    const spec = file("new-region.yaml", "name: c\nresourceGroup: rg\nlocation: atlantiscentral\n");
    const offline = await runCli(["validate", "-f", spec, "-o", "json"]);
    assert.equal(offline.code, 3);
    const r = await runCli(["validate", "--live", "-f", spec, "-o", "json"], { fake });
    assert.equal(r.code, 0, r.stdout);
  });
});
