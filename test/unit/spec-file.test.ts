/** The spec-file front door: YAML/JSON/stdin parsing, shape errors (usage, exit 2) vs bad values (left to the rules). */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { readSpecFile } from "../../src/commands/input/file.ts";
import { checkSpecShape } from "../../src/commands/input/shape.ts";
import { UsageError } from "../../src/core/errors.ts";
import { ENUMS } from "../../src/core/spec.ts";
import { shapeSchema, specSchema } from "../../src/core/spec-schema.ts";
import type { JsonSchema } from "../../src/core/spec-schema.ts";
import { closest } from "../../src/core/suggest.ts";
import { ROOT } from "../helpers/cli.ts";
import { generatedFiles } from "../helpers/generated.ts";

const noStdin = Readable.from([]);
let dir: string;
before(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-spec-file-"))));
after(() => rmSync(dir, { recursive: true, force: true }));

async function read(content: string, name = "spec.yaml") {
  const path = join(dir, name);
  writeFileSync(path, content);
  return readSpecFile(path, { stdin: noStdin });
}

/** The UsageError message a shape check raises, or undefined when the document passes. */
function shapeError(doc: unknown): string | undefined {
  try {
    checkSpecShape(doc, "f.yaml");
    return undefined;
  } catch (e) {
    assert.ok(e instanceof UsageError, String(e));
    return e.message;
  }
}

describe("spec file: parsing", () => {
  it("reads YAML with API key names", async () => {
    const input = await read("networkPlugin: azure\nvnet:\n  subnetCidr: 10.0.0.0/24\nnodePools:\n  - count: 2\n");
    assert.deepEqual(input, { networkPlugin: "azure", vnet: { subnetCidr: "10.0.0.0/24" }, nodePools: [{ count: 2 }] });
  });
  it("reads JSON and drops the $schema key", async () => {
    const input = await read('{"$schema": "x.json", "podCidr": "10.244.0.0/16"}', "spec.json");
    assert.deepEqual(input, { podCidr: "10.244.0.0/16" });
  });
  it("reads stdin for -", async () => {
    assert.deepEqual(await readSpecFile("-", { stdin: Readable.from([Buffer.from("serviceCidr: 10.1.0.0/16\n")]) }), { serviceCidr: "10.1.0.0/16" });
  });
  it("treats an empty value as not set", async () => {
    assert.deepEqual(await read("podCidr:\nvnet:\n  subnetCidr:\n"), { vnet: {} });
  });
  it("JSON: a null is not set at any depth, as in YAML (one walk with the depth check)", async () => {
    const json = '{"podCidr": null, "vnet": {"subnetCidr": null, "addressSpaces": ["10.0.0.0/8"], "existingSubnets": [{"name": "a", "cidr": "10.0.0.0/24", "usedBy": null}]}}';
    const want = { vnet: { addressSpaces: ["10.0.0.0/8"], existingSubnets: [{ name: "a", cidr: "10.0.0.0/24" }] } };
    assert.deepEqual(await read(json, "spec.json"), want);
    assert.deepEqual(await read("podCidr:\nvnet:\n  subnetCidr:\n  addressSpaces: [10.0.0.0/8]\n  existingSubnets: [{name: a, cidr: 10.0.0.0/24, usedBy: }]\n"), want);
  });
  it("JSON and YAML refuse the same nesting depth", async () => {
    const outcome = async (content: string, name: string): Promise<string> => {
      try {
        await read(content, name);
        return "read";
      } catch (e) {
        return /nests deeper than/.test((e as Error).message) ? "too deep" : "other error";
      }
    };
    for (const depth of [31, 32, 33, 40]) {
      const inner = (open: string, close: string, leaf: string): string => `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;
      const json = await outcome(`{"tags": ${inner('{"a": ', "}", "1")}}`, "spec.json");
      const yaml = await outcome(`tags: ${inner("{a: ", "}", "1")}\n`, "spec.yaml");
      assert.equal(json, yaml, `depth ${depth}`);
      assert.equal(json, depth >= 32 ? "too deep" : "other error", `depth ${depth}`);
    }
  });
  for (const [what, content, pattern] of [
    ["a missing file", undefined, /cannot read spec file .*ENOENT/],
    ["invalid YAML", "a: [\n", /is not valid YAML or JSON/],
    ["a list document", "- 1\n", /must hold a mapping/],
    ["an empty document", "", /must hold a mapping/],
  ] as const) {
    it(`${what} is a usage error`, async () => {
      const attempt = content === undefined ? readSpecFile(join(dir, "nope.yaml"), { stdin: noStdin }) : read(content);
      await assert.rejects(attempt, (e: unknown) => e instanceof UsageError && e.exitCode === 2 && pattern.test(e.message));
    });
  }
});

describe("spec file: shape vs values", () => {
  it("an unknown top-level key names the nearest known key", () => {
    assert.match(shapeError({ servceCidr: "10.0.0.0/16" }) ?? "", /servceCidr: unknown key \(did you mean 'serviceCidr'\?\)/);
  });
  it("an unknown nested key names its full path", () => {
    assert.match(shapeError({ nodePools: [{}, { maxPod: 30 }] }) ?? "", /nodePools\[1\]\.maxPod: unknown key \(did you mean 'maxPods'\?\)/);
    assert.match(shapeError({ ingress: { internalLoadBalancer: { subnetCdir: "10.0.9.0/24" } } }) ?? "", /ingress\.internalLoadBalancer\.subnetCdir: unknown key \(did you mean 'subnetCidr'\?\)/);
    assert.match(shapeError({ vnet: { existingSubnets: [{ name: "a", cidr: "10.0.0.0/24", delegation: [] }] } }) ?? "", /vnet\.existingSubnets\[0\]\.delegation: unknown key \(did you mean 'delegations'\?\)/);
  });
  it("the hint lists the keys allowed where the unknown key is", () => {
    const hint = (doc: unknown): string | undefined => {
      try {
        checkSpecShape(doc, "f.yaml");
      } catch (e) {
        return (e as UsageError).hint;
      }
      return undefined;
    };
    assert.match(hint({ vnet: { subnetCdir: "10.0.0.0/24" } }) ?? "", /^keys allowed in vnet: .*\bsubnetCidr\b/);
    assert.doesNotMatch(hint({ vnet: { subnetCdir: "10.0.0.0/24" } }) ?? "", /\bpodCidr\b/, "the VNet's keys, not the root's");
    assert.match(hint({ nodePools: [{ vmSzie: "x" }] }) ?? "", /^keys allowed in nodePools\[0\]: .*\bvmSize\b/);
    assert.match(hint({ podCidrr: "x" }) ?? "", /^keys allowed: .*\bpodCidr\b/);
  });
  it("an unknown key far from every known key gets no guess", () => {
    assert.equal(shapeError({ zzzzzzzz: 1 }), "spec file 'f.yaml': zzzzzzzz: unknown key");
  });
  it("a wrong type names the path, the expected type and the value", () => {
    assert.equal(shapeError({ vnet: { addressSpaces: "10.0.0.0/16" } }), `spec file 'f.yaml': vnet.addressSpaces: must be a list, got string "10.0.0.0/16"`);
    assert.equal(shapeError({ nodePools: [{ count: 2.5 }] }), "spec file 'f.yaml': nodePools[0].count: must be a whole number, got number 2.5");
    assert.equal(shapeError({ firewall: { enabled: "yes" } }), `spec file 'f.yaml': firewall.enabled: must be true or false, got string "yes"`);
  });
  it("maxSurge and maxUnavailable take an integer or a string (\"33%\", aks-baseline's value)", () => {
    assert.equal(shapeError({ nodePools: [{ maxSurge: "33%", maxUnavailable: 1 }, { maxSurge: 2, maxUnavailable: "10%" }] }), undefined);
    assert.match(shapeError({ nodePools: [{ maxSurge: true }] }) ?? "", /nodePools\[0\]\.maxSurge: must be/);
  });
  it("bad VALUES pass the shape check: they are findings for the rules", () => {
    assert.equal(shapeError({ podCidr: "10.244.0/16", networkPlugin: "flannel", outboundType: "x", nodePools: [{ maxPods: 9999, osType: "Plan9" }] }), undefined);
  });
  it("the shape schema carries no enum, pattern or range constraints", () => {
    const text = JSON.stringify(shapeSchema());
    for (const k of ['"enum"', '"pattern"', '"minimum"', '"maximum"']) assert.equal(text.includes(k), false, k);
    assert.ok(text.includes('"additionalProperties":false'));
  });
});

describe("spec schema", () => {
  const schema = specSchema() as { properties: Record<string, JsonSchema> };
  it("takes its enums from ENUMS", () => {
    assert.deepEqual(schema.properties["outboundType"]?.["enum"], [...ENUMS.outboundType]);
    assert.deepEqual(schema.properties["networkPolicy"]?.["enum"], [...ENUMS.networkPolicy]);
  });
  it("describes every key", () => {
    const missing: string[] = [];
    const walk = (node: JsonSchema, path: string): void => {
      for (const [k, s] of Object.entries((node["properties"] ?? {}) as Record<string, JsonSchema>)) {
        if (typeof s["description"] !== "string") missing.push(`${path}${k}`);
        walk(s, `${path}${k}.`);
        if (s["items"]) walk(s["items"] as JsonSchema, `${path}${k}[].`);
      }
    };
    walk(schema, "");
    assert.deepEqual(missing, []);
  });
  it("covers every key of an effective spec, so a resolved spec can be fed back as a file", async () => {
    const { resolveSpec } = await import("../../src/core/resolve.ts");
    const { spec } = resolveSpec([{ source: "flag", input: { firewall: { enabled: true }, connectedCidrs: ["10.9.0.0/16"] } }]);
    assert.equal(shapeError(JSON.parse(JSON.stringify(spec))), undefined);
  });
});

describe("generated files", () => {
  for (const [path, content] of Object.entries(generatedFiles())) {
    it(`${path} is current (regenerate: npm run docs)`, () => assert.equal(readFileSync(join(ROOT, path), "utf8"), content));
  }
});

describe("did-you-mean", () => {
  it("finds near misses, case-insensitively", () => {
    assert.equal(closest("subnetcidr", ["subnetCidr", "podSubnetCidr"]), "subnetCidr");
    assert.equal(closest("overlay-cilum", ["overlay-cilium", "kubenet-calico"]), "overlay-cilium");
  });
  it("gives up on far-off words", () => assert.equal(closest("banana", ["serviceCidr", "podCidr"]), undefined));
});
