/**
 * End-to-end tests of `aks-net validate`, `schema` and `templates` through the built binary (run `npm run build` first):
 * exit codes 0/2/3, stdout = data only, stderr = messages only, the JSON contract, stdin, precedence, colour, junk input.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENUMS } from "../../src/core/spec.ts";
import { hasStackTrace, ROOT, runCli } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";

const EXAMPLE = "examples/overlay-cilium.yaml";
const ANSI = /\x1b\[/; // eslint-disable-line no-control-regex
const JSON_KEYS = ["valid", "errors", "warnings", "spec", "capacity"];

let dir: string;
const file = (name: string, content: string | Buffer): string => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

/** A usage error: exit 2, nothing on stdout, one `error:` message (plus hint) on stderr, no stack. */
function assertUsage(r: CliResult, pattern: RegExp): void {
  assert.equal(r.code, 2, `exit code; stderr: ${r.stderr}`);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^error: /);
  assert.match(r.stderr, pattern);
  assert.ok(r.stderr.trim().split("\n").length <= 2, `one line plus a hint: ${r.stderr}`);
  assert.equal(hasStackTrace(r.stderr), false);
}

function parseJson(r: CliResult): Record<string, unknown> {
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  for (const k of JSON_KEYS) assert.ok(k in doc, `JSON key ${k}`);
  return doc;
}

before(() => {
  dir = mkdtempSync(join(tmpdir(), "aks-net-validate-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("validate: valid input (exit 0)", () => {
  it("validates the README quick-start example: report on stdout, nothing on stderr", async () => {
    const r = await runCli(["validate", "-f", EXAMPLE]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /effective spec/);
    assert.match(r.stdout, /networkPluginMode\s+overlay\s+\(file\)/);
    assert.match(r.stdout, /outboundType\s+loadBalancer\s+\(default\)/);
    assert.match(r.stdout, /node subnet\s+10\.40\.0\.0\/22: 1019 usable IPs/);
    assert.match(r.stdout, /✔ valid/);
  });

  it("-o json: stdout is exactly one JSON document with the contract keys", async () => {
    const r = await runCli(["validate", "-f", EXAMPLE, "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    const doc = parseJson(r);
    assert.equal(doc["valid"], true);
    assert.deepEqual(doc["errors"], []);
    const spec = doc["spec"] as { networkPlugin: string; dnsServiceIP: string; loadBalancerSku: string; nodePools: { maxPods: number }[] };
    assert.equal(spec.networkPlugin, "azure");
    assert.equal(spec.loadBalancerSku, "standard", "defaults are applied in the effective spec");
    assert.equal(spec.nodePools[0]?.maxPods, 250);
    const capacity = doc["capacity"] as { ipam: string; peakNodes: number; nodeSubnet: { maxNodes: number }; podCidr: { maxNodes: number } };
    assert.equal(capacity.ipam, "azure-overlay");
    assert.equal(capacity.peakNodes, 10, "autoscaler maximum counts");
    assert.equal(capacity.nodeSubnet.maxNodes, 1019);
    assert.equal(capacity.podCidr.maxNodes, 256);
  });

  it("reads the spec from stdin with -f -", async () => {
    const r = await runCli(["validate", "-f", "-", "-o", "json"], { input: readFileSync(join(ROOT, EXAMPLE)) });
    assert.equal(r.code, 0, r.stderr);
    const spec = parseJson(r)["spec"] as { vnet: { subnetCidr: string } };
    assert.equal(spec.vnet.subnetCidr, "10.40.0.0/22");
  });

  it("reads JSON spec files", async () => {
    const r = await runCli(["validate", "-f", "examples/azure-cni-pod-subnet.json", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((parseJson(r)["capacity"] as { ipam: string }).ipam, "azure-pod-subnet");
  });

  it("validates with no input at all (every value an AKS default)", async () => {
    const r = await runCli(["validate", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const spec = parseJson(r)["spec"] as { serviceCidr: string; networkPluginMode: string };
    assert.equal(spec.serviceCidr, "10.0.0.0/16");
    assert.equal(spec.networkPluginMode, "overlay");
  });
});

describe("validate: precedence flags > file > template", () => {
  const subnet = async (args: string[]): Promise<string> => {
    const r = await runCli(["validate", "-o", "json", ...args]);
    assert.ok(r.code === 0 || r.code === 3, r.stderr);
    return (parseJson(r)["spec"] as { vnet: { subnetCidr: string } }).vnet.subnetCidr;
  };
  let specFile: string;
  before(() => (specFile = file("mid.yaml", "vnet:\n  subnetCidr: 10.40.4.0/22\n")));

  it("template alone", async () => assert.equal(await subnet(["--template", "overlay-cilium"]), "10.40.0.0/22"));
  it("file beats template", async () => assert.equal(await subnet(["--template", "overlay-cilium", "-f", specFile]), "10.40.4.0/22"));
  it("flag beats file and template", async () =>
    assert.equal(await subnet(["--template", "overlay-cilium", "-f", specFile, "--subnet-cidr", "10.40.8.0/22"]), "10.40.8.0/22"));
  it("the human report names each value's source", async () => {
    const r = await runCli(["validate", "--template", "overlay-cilium", "-f", specFile, "--service-cidr", "10.1.0.0/16", "--dns-service-ip", "10.1.0.10"]);
    assert.match(r.stdout, /networkDataplane\s+cilium\s+\(template\)/);
    assert.match(r.stdout, /vnet\.subnetCidr\s+10\.40\.4\.0\/22\s+\(file\)/);
    assert.match(r.stdout, /serviceCidr\s+10\.1\.0\.0\/16\s+\(flag\)/);
  });
});

describe("validate: findings (exit 3)", () => {
  const cases: [string, string[], string][] = [
    ["a malformed CIDR flag", ["--service-cidr", "10.0.0/16"], "serviceCidr"],
    ["an unknown enum value", ["--network-plugin", "flannel"], "networkPlugin"],
    ["a malformed CIDR in a file", ["-f", "<bad-cidr>"], "podCidr"],
    ["an unknown enum value in a file", ["-f", "<bad-enum>"], "outboundType"],
  ];
  for (const [what, args, field] of cases) {
    it(`${what} is a finding on ${field}, not a usage error`, async () => {
      const real = args.map((a) =>
        a === "<bad-cidr>" ? file("bad-cidr.yaml", "podCidr: 10.244.0.0/33\n") : a === "<bad-enum>" ? file("bad-enum.yaml", "outboundType: viaCarrierPigeon\n") : a,
      );
      const r = await runCli(["validate", "-o", "json", ...real]);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stderr, "");
      const doc = parseJson(r);
      assert.equal(doc["valid"], false);
      const errors = doc["errors"] as { rule: string; severity: string; fields: string[]; message: string; fix: string }[];
      const hit = errors.find((e) => e.fields.includes(field));
      assert.ok(hit, `an error on ${field}: ${JSON.stringify(errors)}`);
      assert.deepEqual(Object.keys(hit).sort(), ["fields", "fix", "message", "rule", "severity"]);
      assert.equal(hit.severity, "error");
    });
  }

  it("the broken example reports several errors, grouped, each with a fix line", async () => {
    const r = await runCli(["validate", "-f", "examples/broken.yaml"]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stderr, "");
    const errors = /errors \((\d+)\)/.exec(r.stdout);
    assert.ok(errors && Number(errors[1]) >= 4, r.stdout);
    assert.match(r.stdout, /^\s+fix: /m);
    assert.match(r.stdout, /✖ invalid/);
  });
});

describe("validate: usage errors (exit 2)", () => {
  it("an unknown flag", async () => assertUsage(await runCli(["validate", "--pod-cdir", "10.244.0.0/16"]), /unknown option '--pod-cdir'/));
  it("an unreadable file", async () => assertUsage(await runCli(["validate", "-f", "no/such/file.yaml"]), /cannot read spec file 'no\/such\/file\.yaml': ENOENT/));
  it("a directory as the file", async () => assertUsage(await runCli(["validate", "-f", "examples"]), /cannot read spec file 'examples'/));
  it("--existing-subnet without =", async () => assertUsage(await runCli(["validate", "--existing-subnet", "appgw"]), /--existing-subnet takes NAME=CIDR/));
  it("--node-count abc", async () => assertUsage(await runCli(["validate", "--node-count", "abc"]), /--node-count takes a whole number/));
  it("an unknown output format", async () => assertUsage(await runCli(["validate", "-o", "yaml"]), /yaml/));
  it("an unknown template, with a suggestion", async () =>
    assertUsage(await runCli(["validate", "--template", "overlay-cilum"]), /unknown template 'overlay-cilum' \(did you mean 'overlay-cilium'\?\)/));
  it("an unknown key in the file names its path and the nearest key", async () =>
    assertUsage(await runCli(["validate", "-f", file("typo.yaml", "vnet:\n  subnetCdir: 10.0.0.0/24\n")]), /vnet\.subnetCdir: unknown key \(did you mean 'subnetCidr'\?\)/));
  it("a wrong type in the file names its path", async () =>
    assertUsage(await runCli(["validate", "-f", file("type.yaml", "nodePools:\n  - count: three\n")]), /nodePools\[0\]\.count: must be a whole number, got string "three"/));
  it("--connected-cidr @FILE that does not exist", async () =>
    assertUsage(await runCli(["validate", "--connected-cidr", "@no-such-file.txt"]), /--connected-cidr cannot read 'no-such-file.txt'/));
});

describe("validate: junk input never crashes", () => {
  const junk: [string, string | Buffer][] = [
    ["a binary file", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0xff, 0xfe, 0x00, 0x3a, 0x0a, 0x09, 0x22])],
    ["an empty file", ""],
    ["a list", "[]"],
    ["null", "null"],
    ["a number", "42"],
    ["a string", '"overlay"'],
    ["a number where a string goes", "serviceCidr: 10\n"],
    ["a mapping where a string goes", "podCidr: {a: 1}\n"],
    ["a list where a mapping goes", "vnet: [1, 2]\n"],
    ["a string where a list goes", "connectedCidrs: 10.0.0.0/8\n"],
    ["null inside a list", "connectedCidrs: [null]\n"],
    ["invalid YAML", "vnet: {subnetCidr: [\n"],
    ["duplicate keys", "podCidr: 10.244.0.0/16\npodCidr: 10.245.0.0/16\n"],
    ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`],
    ["a YAML alias bomb", `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`],
  ];
  for (const [what, content] of junk) {
    it(`${what}: exit 2 or 3, one message, no stack trace`, async () => {
      const r = await runCli(["validate", "-f", file("junk", content)]);
      assert.ok(r.code === 2 || r.code === 3, `exit ${r.code}: ${r.stderr}`);
      assert.equal(hasStackTrace(r.stderr), false, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error/);
      if (r.code === 2) assert.equal(r.stdout, "");
    });
  }

  it("a huge file is refused without being read", async () => {
    const path = file("huge.yaml", "");
    truncateSync(path, 65 * 1024 * 1024 + 1);
    assertUsage(await runCli(["validate", "-f", path]), /larger than 64 MiB/);
  });

  it("a huge --connected-cidr @FILE is refused without being read", async () => {
    const path = file("huge.txt", "");
    truncateSync(path, 65 * 1024 * 1024);
    assertUsage(await runCli(["validate", "--connected-cidr", `@${path}`]), /--connected-cidr cannot read .*larger than 64 MiB/);
  });

  it("--connected-cidr @FILE: one range per line; blank lines, # comments, CRLF and edge whitespace dropped", async () => {
    const path = file("connected.txt", "10.50.0.0/16  # on-prem\r\n\r\n   # a comment line\n\t192.168.10.0/24\t\n\u00a0172.16.0.0/12\u00a0\n#x\n10.60.0.0/16");
    const r = await runCli(["validate", "-f", EXAMPLE, "--connected-cidr", `@${path}`, "--connected-cidr", "10.70.0.0/16", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const spec = parseJson(r)["spec"] as { connectedCidrs: string[] };
    assert.deepEqual(spec.connectedCidrs, ["10.50.0.0/16", "192.168.10.0/24", "172.16.0.0/12", "10.60.0.0/16", "10.70.0.0/16"]);
  });

  it("junk flag values are findings, not crashes", async () => {
    const r = await runCli(["validate", "--pod-cidr", "\u00ff\u00fe", "--dns-service-ip", "::::", "--vnet-cidr", "x,,y", "--route", "a=b@c"]);
    assert.ok(r.code === 3 || r.code === 0, r.stderr);
    assert.equal(hasStackTrace(r.stderr), false);
  });
});

describe("validate: colour", () => {
  it("no ANSI codes when not on a terminal", async () => {
    const r = await runCli(["validate", "-f", "examples/broken.yaml"]);
    assert.doesNotMatch(r.stdout + r.stderr, ANSI);
  });
  it("FORCE_COLOR adds colour (so the check above can fail)", async () => {
    const r = await runCli(["validate", "-f", EXAMPLE], { env: { FORCE_COLOR: "1" } });
    assert.match(r.stdout, ANSI);
  });
  it("NO_COLOR wins over FORCE_COLOR", async () => {
    const r = await runCli(["validate", "-f", EXAMPLE], { env: { FORCE_COLOR: "1", NO_COLOR: "1" } });
    assert.doesNotMatch(r.stdout + r.stderr, ANSI);
  });
  it("--no-color wins over FORCE_COLOR", async () => {
    const r = await runCli(["validate", "-f", EXAMPLE, "--no-color"], { env: { FORCE_COLOR: "1" } });
    assert.doesNotMatch(r.stdout + r.stderr, ANSI);
  });
});

describe("schema and templates commands", () => {
  it("`aks-net schema` equals the committed schema/aks-net.schema.json (regenerate: ./bin/aks-net schema > schema/aks-net.schema.json)", async () => {
    const r = await runCli(["schema"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, readFileSync(join(ROOT, "schema/aks-net.schema.json"), "utf8"));
    const schema = JSON.parse(r.stdout) as { properties: Record<string, { enum?: string[] }> };
    assert.deepEqual(schema.properties["networkPlugin"]?.enum, [...ENUMS.networkPlugin]);
  });

  it("`aks-net templates` lists every preset with its docs link", async () => {
    const r = await runCli(["templates"]);
    assert.equal(r.code, 0, r.stderr);
    for (const name of ["kubenet-calico", "azure-cni-azure-policy", "azure-cni-calico", "overlay-cilium", "firewall-egress"]) assert.match(r.stdout, new RegExp(`^${name}\\s`, "m"));
    assert.match(r.stdout, /https:\/\/learn\.microsoft\.com\//);
  });

  it("`aks-net templates -o json` is one JSON array of {name, summary, docsUrl, spec}", async () => {
    const r = await runCli(["templates", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(r.stdout) as { name: string; summary: string; docsUrl: string; spec: object }[];
    assert.ok(list.length >= 5);
    for (const t of list) assert.deepEqual(Object.keys(t), ["name", "summary", "docsUrl", "spec"]);
  });
});
