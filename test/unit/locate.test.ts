/** Positions of fields in spec files, plans and templates (core/locate.ts), and the escaping of GitHub annotations. */
import assert from "node:assert/strict";
import { fieldPointer, locateJson, locateYaml, specFilePlaces } from "../../src/core/locate.ts";
import { toGithubAnnotations } from "../../src/io/ci-output.ts";

describe("locateJson", () => {
  const text = `{\n  "a": { "b/c": [1, {"d": "x,y"}, 3] },\n  "e": "\\"}"\n,"f": [ [ ], {"g": true} ]}`;
  it("finds object members at their key and array elements at the element", () => {
    const found = locateJson(text, ["/a", "/a/b~1c", "/a/b~1c/1/d", "/a/b~1c/2", "/e", "/f/1/g", "/nope"]);
    assert.deepEqual(found.get("/a"), { line: 2, column: 3 });
    assert.deepEqual(found.get("/a/b~1c"), { line: 2, column: 10 });
    assert.deepEqual(found.get("/a/b~1c/1/d"), { line: 2, column: 22 });
    assert.deepEqual(found.get("/a/b~1c/2"), { line: 2, column: 35 });
    assert.deepEqual(found.get("/e"), { line: 3, column: 3 });
    assert.deepEqual(found.get("/f/1/g"), { line: 4, column: 15 });
    assert.equal(found.has("/nope"), false);
  });
  it("field paths become JSON pointers", () => {
    assert.equal(fieldPointer("nodePools[2].maxPods"), "/nodePools/2/maxPods");
    assert.equal(fieldPointer("vnet.existingSubnets[0].cidr"), "/vnet/existingSubnets/0/cidr");
  });
});

describe("locateYaml", () => {
  const text = ["# comment with podCidr: here", "podCidr: 10.0.0.0/8", "vnet:", "  name: v", "  existingSubnets:", "    - name: a", "      cidr: 10.1.0.0/24", "    - { name: b, cidr: 10.2.0.0/24 }", "nodePools:", "- name: system", "  maxPods: 300", "- name: user", "  maxPods: 5"].join("\n");
  it("follows keys in blocks, list items and flow mappings, skipping comments", () => {
    const found = locateYaml(text, ["podCidr", "vnet.name", "vnet.existingSubnets[0].cidr", "vnet.existingSubnets[1].cidr", "nodePools[1].maxPods", "nodePools[0].maxPods", "vnet.missing", "nodePools[5]"]);
    assert.deepEqual(found.get("podCidr"), { line: 2, column: 1 });
    assert.deepEqual(found.get("vnet.name"), { line: 4, column: 3 });
    assert.deepEqual(found.get("vnet.existingSubnets[0].cidr"), { line: 7, column: 7 });
    assert.deepEqual(found.get("vnet.existingSubnets[1].cidr"), { line: 8, column: 18 });
    assert.deepEqual(found.get("nodePools[0].maxPods"), { line: 11, column: 3 });
    assert.deepEqual(found.get("nodePools[1].maxPods"), { line: 13, column: 3 });
    assert.equal(found.has("vnet.missing"), false);
    assert.equal(found.has("nodePools[5]"), false);
  });
  it("a field it cannot follow points at its nearest ancestor; fields not from the file get no place", () => {
    const places = specFilePlaces("vnet:\n  addressSpaces: [10.0.0.0/16, 10.1.0.0/16]\n", "s.yaml", ["vnet.addressSpaces[1]", "serviceCidr"], (f) => f.startsWith("vnet"));
    assert.deepEqual(places.get("vnet.addressSpaces[1]"), { file: "s.yaml", line: 2, column: 3 });
    assert.equal(places.has("serviceCidr"), false);
  });
});

describe("GitHub annotations", () => {
  it("escape %, CR and LF in the message and also : and , in properties", () => {
    const out = toGithubAnnotations([{ rule: "X-1", severity: "warning", fields: ["a"], message: "50% a:b,c\nnext", fix: "", source: { file: "dir,x/a:b.yaml", line: 3 } }]);
    assert.equal(out, "::warning file=dir%2Cx/a%3Ab.yaml,line=3,title=X-1::X-1: 50%25 a:b,c%0Anext\n");
  });
  it("info findings are notices and findings without a place carry only the title", () => {
    assert.equal(toGithubAnnotations([{ rule: "I-1", severity: "info", fields: [], message: "m", fix: "f" }]), "::notice title=I-1::I-1: m (fix: f)\n");
  });
});
