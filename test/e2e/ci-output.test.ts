/**
 * CI-native output through the built binary: `validate -o sarif` checked against the official SARIF 2.1.0 schema
 * (vendored in test/fixtures/sarif), regions pointing at the spec file's lines, `-o github` and GITHUB_ACTIONS=true
 * workflow annotations, and `create --dry-run --detailed-exitcode` (0 no changes, 2 changes, 1 error) against the
 * fake ARM.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import yaml from "js-yaml";
import { allRules } from "../../src/validators/index.ts";
import { ROOT, runCli } from "../helpers/cli.ts";
import { sarifValidator } from "../helpers/sarif.ts";
import { create, ok, useFakeArm } from "../helpers/create-cli.ts";

interface SarifResult {
  ruleId: string;
  ruleIndex?: number;
  level: string;
  message: { text: string };
  locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number; startColumn?: number } }; logicalLocations?: { fullyQualifiedName: string }[] }[];
}
interface SarifLog {
  version: string;
  runs: { tool: { driver: { name: string; rules: { id: string; shortDescription: { text: string }; helpUri: string }[] } }; results: SarifResult[] }[];
}

/** 1-based line of the first line of `text` matching `re`. */
const lineOf = (text: string, re: RegExp): number => text.split("\n").findIndex((l) => re.test(l)) + 1;

describe("validate -o sarif", () => {
  const validate = sarifValidator();
  const broken = readFileSync(join(ROOT, "examples/broken.yaml"), "utf8");

  it("is a SARIF 2.1.0 log the official schema accepts, with every registry rule and one result per finding", async () => {
    const r = await runCli(["validate", "-f", "examples/broken.yaml", "-o", "sarif"]);
    assert.equal(r.code, 3, r.stderr);
    const log = JSON.parse(r.stdout) as SarifLog;
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const run = log.runs[0]!;
    assert.deepEqual(run.tool.driver.rules.map((x) => x.id), allRules().map((x) => x.id));
    // Each helpUri names docs/rules.md and an anchor that exists there (a heading's GitHub slug or an explicit id), on
    // the rule's own row rather than its family's heading.
    const doc = readFileSync(join(ROOT, "docs/rules.md"), "utf8").split("\n");
    const anchors = new Map<string, string>();
    for (const line of doc) {
      const heading = /^#+\s+(.*)$/.exec(line);
      if (heading) anchors.set(heading[1]!.trim().toLowerCase().replace(/[^\w\- ]/g, "").replace(/ /g, "-"), line);
      for (const m of line.matchAll(/<a (?:id|name)="([^"]+)"/g)) anchors.set(m[1]!, line);
    }
    for (const rule of run.tool.driver.rules) {
      assert.ok(rule.shortDescription.text.length > 0);
      const [page, anchor] = rule.helpUri.split("#");
      assert.match(page!, /\/docs\/rules\.md$/, rule.helpUri);
      const line = anchors.get(anchor ?? "");
      assert.ok(line, `${rule.id}: anchor #${anchor} is in docs/rules.md`);
      assert.ok(line.startsWith("|") && line.includes(`\`${rule.id}\``), `${rule.id}: #${anchor} is its own row, not ${line}`);
    }
    const json = JSON.parse((await runCli(["validate", "-f", "examples/broken.yaml", "-o", "json"])).stdout) as { errors: { rule: string }[]; warnings: { rule: string }[]; info: { rule: string }[] };
    assert.deepEqual(run.results.map((x) => x.ruleId), [...json.errors, ...json.warnings, ...json.info].map((f) => f.rule));
    for (const res of run.results) assert.equal(run.tool.driver.rules[res.ruleIndex!]!.id, res.ruleId);
    assert.ok(run.results.some((x) => x.level === "error") && run.results.some((x) => x.level === "warning"));
  });

  it("points each result at the line of its field in the spec file", async () => {
    const log = JSON.parse((await runCli(["validate", "-f", "examples/broken.yaml", "-o", "sarif"])).stdout) as SarifLog;
    const at = (rule: string): { uri: string; line: number | undefined; column: number | undefined } => {
      const loc = log.runs[0]!.results.find((x) => x.ruleId === rule)?.locations?.[0]?.physicalLocation;
      assert.ok(loc, `${rule} has a location`);
      return { uri: loc.artifactLocation.uri, line: loc.region?.startLine, column: loc.region?.startColumn };
    };
    assert.deepEqual(at("DNS-02"), { uri: "examples/broken.yaml", line: lineOf(broken, /^dnsServiceIP:/), column: 1 });
    assert.deepEqual(at("SYN-10"), { uri: "examples/broken.yaml", line: lineOf(broken, /^networkPolicy:/), column: 1 });
    assert.deepEqual(at("CAP-07"), { uri: "examples/broken.yaml", line: lineOf(broken, /^\s+maxPods: 300/), column: 5 });
    assert.deepEqual(at("SYN-03"), { uri: "examples/broken.yaml", line: lineOf(broken, /10\.244\.0\/16/), column: 3 });
  });

  it("finds the lines of a JSON spec too, and leaves values from flags and defaults without a region", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aks-net-sarif-"));
    try {
      const text = `{\n  "networkPlugin": "azure",\n  "nodePools": [\n    { "name": "system", "count": 3 },\n    { "name": "user", "count": 2, "maxPods": 5 }\n  ]\n}\n`;
      writeFileSync(join(dir, "spec.json"), text);
      const r = await runCli(["validate", "-f", "spec.json", "-o", "sarif", "--dns-service-ip", "10.9.0.10"], { cwd: dir });
      assert.equal(r.code, 3, r.stderr);
      const log = JSON.parse(r.stdout) as SarifLog;
      assert.ok(validate(log), JSON.stringify(validate.errors));
      const cap = log.runs[0]!.results.find((x) => x.ruleId === "CAP-07");
      assert.deepEqual(cap?.locations?.[0]?.physicalLocation, { artifactLocation: { uri: "spec.json" }, region: { startLine: 5, startColumn: text.split("\n")[4]!.indexOf('"maxPods"') + 1 } });
      const dns = log.runs[0]!.results.find((x) => x.ruleId === "DNS-01" || x.ruleId === "DNS-02");
      assert.ok(dns, "a DNS finding from the flag");
      assert.deepEqual(dns.locations, [{ physicalLocation: { artifactLocation: { uri: "spec.json" } } }], "a flag's value has no line in the file: the file, without a region (code scanning needs a location)");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a valid spec is a log with no results, exit 0", async () => {
    const r = await runCli(["validate", "-f", "examples/overlay-cilium.yaml", "-o", "sarif"]);
    assert.equal(r.code, 0, r.stderr);
    const log = JSON.parse(r.stdout) as SarifLog;
    assert.ok(validate(log));
    assert.deepEqual(log.runs[0]!.results.filter((x) => x.level === "error"), []);
  });

  it("the schema check can fail: a result with a level SARIF does not know is refused", () => {
    const bad = { version: "2.1.0", runs: [{ tool: { driver: { name: "aks-net" } }, results: [{ ruleId: "X", level: "fatal", message: { text: "m" } }] }] };
    assert.equal(validate(bad), false);
  });
});

describe("GitHub annotations", () => {
  it("-o github prints one workflow command per finding with file, line, column and the rule as title", async () => {
    const broken = readFileSync(join(ROOT, "examples/broken.yaml"), "utf8");
    const r = await runCli(["validate", "-f", "examples/broken.yaml", "-o", "github"]);
    assert.equal(r.code, 3);
    const lines = r.stdout.trim().split("\n");
    assert.ok(lines.every((l) => /^::(error|warning|notice) /.test(l)), r.stdout);
    const dns = lines.find((l) => l.includes("title=DNS-02"));
    assert.equal(dns?.startsWith(`::error file=examples/broken.yaml,line=${lineOf(broken, /^dnsServiceIP:/)},col=1,title=DNS-02::DNS-02: `), true, dns);
    assert.ok(lines.some((l) => l.startsWith("::warning ") && l.includes("title=CAP-02")));
  });

  it("GITHUB_ACTIONS=true adds the annotations on stderr and keeps stdout one JSON document", async () => {
    const r = await runCli(["validate", "-f", "examples/broken.yaml", "-o", "json"], { env: { GITHUB_ACTIONS: "true" } });
    assert.equal(r.code, 3);
    const doc = JSON.parse(r.stdout) as { errors: { rule: string; source?: { file: string; line: number } }[] };
    assert.match(r.stderr, /^::error file=examples\/broken\.yaml,line=\d+,col=\d+,title=DNS-02::/m);
    assert.equal(doc.errors.find((f) => f.rule === "DNS-02")?.source?.file, "examples/broken.yaml");
    const plain = await runCli(["validate", "-f", "examples/broken.yaml", "-o", "json"], { env: { GITHUB_ACTIONS: undefined } });
    assert.doesNotMatch(plain.stderr, /::error/);
  });

  it("create stopping on findings annotates them on a GitHub runner, once, and keeps -o json's one document", async () => {
    const r = await runCli(["create", "-n", "gh", "-g", "rg-gh", "-l", "westeurope", "--dry-run", "--offline", "-o", "json", "--service-cidr", "10.0.0.0/33"], { env: { GITHUB_ACTIONS: "true" } });
    assert.equal(r.code, 3);
    assert.equal((JSON.parse(r.stdout) as { status: string }).status, "invalid");
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("::error "));
    assert.ok(lines.length > 0 && lines.some((l) => l.includes("title=SYN-02")), r.stderr);
    assert.equal(new Set(lines).size, lines.length, "each finding once");
  });
});

describe("create --dry-run --detailed-exitcode", () => {
  const arm = useFakeArm();

  it("exits 2 when the plan has changes and 0 once everything exists as planned", async () => {
    const offline = await runCli(["create", "-n", "dx", "-g", "rg-dx", "-l", "westeurope", "--dry-run", "--offline", "--detailed-exitcode"]);
    assert.equal(offline.code, 2, offline.stderr);
    assert.match(offline.stdout, /create/);
    const plain = await runCli(["create", "-n", "dx", "-g", "rg-dx", "-l", "westeurope", "--dry-run", "--offline"]);
    assert.equal(plain.code, 0, "without the flag a dry run exits 0");

    const before = await create(arm.fake, "dx", ["--dry-run", "--detailed-exitcode"], { json: false, yes: false });
    assert.equal(before.code, 2, before.stderr);
    ok(await create(arm.fake, "dx"));
    const after = await create(arm.fake, "dx", ["--dry-run", "--detailed-exitcode"], { json: false, yes: false });
    assert.equal(after.code, 0, `${after.stdout}\n${after.stderr}`);
    const changed = await create(arm.fake, "dx", ["--dry-run", "--detailed-exitcode", "--node-count", "4"], { json: false, yes: false });
    assert.equal(changed.code, 2, changed.stderr);
  });

  it("usage errors exit 1 (2 means changes), findings keep 3", async () => {
    const unknown = await runCli(["create", "-n", "dx", "-g", "rg-dx", "-l", "westeurope", "--dry-run", "--offline", "--detailed-exitcode", "--no-such-flag"]);
    assert.equal(unknown.code, 1, unknown.stderr);
    const noDryRun = await runCli(["create", "-n", "dx", "-g", "rg-dx", "-l", "westeurope", "--detailed-exitcode", "--yes"]);
    assert.equal(noDryRun.code, 1);
    assert.match(noDryRun.stderr, /--detailed-exitcode only works with --dry-run/);
    const invalid = await runCli(["create", "-n", "dx", "-g", "rg-dx", "-l", "westeurope", "--dry-run", "--offline", "--detailed-exitcode", "--service-cidr", "10.0.0.0/33"]);
    assert.equal(invalid.code, 3);
  });
});

describe("examples/ci/github-actions.yml", () => {
  interface Step { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown> }
  const workflow = yaml.load(readFileSync(join(ROOT, "examples/ci/github-actions.yml"), "utf8")) as { env: Record<string, string>; jobs: Record<string, { steps: Step[]; permissions?: Record<string, string> }> };
  const steps = workflow.jobs["validate"]!.steps;

  it("its validate step gates on the spec, writes the SARIF log the upload step sends even after a failure", async () => {
    const gate = steps.find((s) => s.run?.includes("aks-net validate"));
    const upload = steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"));
    assert.ok(gate?.run && upload, "a validate step and an upload step");
    assert.equal(upload.if, "always()");
    assert.equal(workflow.jobs["validate"]!.permissions?.["security-events"], "write");
    const sarifFile = String(upload.with?.["sarif_file"]);
    // Run the step's own command line as the runner would, with aks-net on PATH, on a broken and a good spec.
    const dir = mkdtempSync(join(tmpdir(), "aks-net-gha-"));
    try {
      const run = (spec: string): { status: number | null; stderr: string; log: SarifLog } => {
        const r = spawnSync("sh", ["-c", gate.run!], { cwd: dir, encoding: "utf8", env: { ...process.env, PATH: `${join(ROOT, "bin")}:${process.env["PATH"]}`, SPEC: join(ROOT, spec), GITHUB_ACTIONS: "true", NO_COLOR: "1" } });
        return { status: r.status, stderr: r.stderr, log: JSON.parse(readFileSync(join(dir, sarifFile), "utf8")) as SarifLog };
      };
      const bad = run("examples/broken.yaml");
      assert.equal(bad.status, 3, "errors fail the job");
      assert.ok(sarifValidator()(bad.log));
      assert.ok(bad.log.runs[0]!.results.some((x) => x.ruleId === "DNS-02"));
      assert.match(bad.stderr, /^::error file=.*broken\.yaml,line=\d+/m);
      const good = run("examples/overlay-cilium.yaml");
      assert.equal(good.status, 0, good.stderr);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("its plan step treats 2 (changes) as success and passes other codes on", () => {
    const plan = workflow.jobs["plan"]!.steps.find((s) => s.run?.includes("--detailed-exitcode"));
    assert.ok(plan?.run);
    for (const [code, want] of [[0, 0], [2, 0], [3, 3], [1, 1]] as const) {
      const script: string = plan.run.replace(/aks-net create[^\n]*/, `(exit ${code})`);
      const r = spawnSync("sh", ["-c", script], { encoding: "utf8", env: { ...process.env, GITHUB_OUTPUT: "/dev/null" } });
      assert.equal(r.status, want, `aks-net exit ${code}`);
    }
  });
});
