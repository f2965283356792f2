/** .bicepparam files as a parameters source (core/import/bicepparam.ts): literal values read, the rest not guessed. */
import assert from "node:assert/strict";
import { isBicepParams, parseBicepParams } from "../../src/core/import/bicepparam.ts";
import { Unknown } from "../../src/core/import/model.ts";

describe(".bicepparam parameters", () => {
  it("reads literal values: strings with escapes, multi-line strings, numbers, booleans, null, arrays and objects", () => {
    const text = [
      "// comment",
      "using './main.bicep'",
      "",
      "param name = 'it\\'s \\u{41}\\n' // trailing comment",
      "/* block",
      "   comment */ param count = -3",
      "param on = true",
      "param none = null",
      "param multi = '''",
      "a",
      "b'''",
      "param tags = {",
      "  env: 'prod'",
      "  'cost-center': 42, list: [",
      "    1",
      "    'x', false",
      "  ]",
      "}",
    ].join("\n");
    assert.equal(isBicepParams(text), true);
    assert.deepEqual(Object.fromEntries(parseBicepParams(text, "t")), { name: "it's A\n", count: -3, on: true, none: null, multi: "a\nb", tags: { env: "prod", "cost-center": 42, list: [1, "x", false] } });
  });

  it("an expression is an Unknown naming the param, never a guess", () => {
    const values = parseBicepParams(["using './main.bicep'", "var prefix = 'aks'", "param a = readEnvironmentVariable('A')", "param b = '${prefix}-b'", "param c = 1 + 2", "param d = prefix", "param e = { k: az.getSecret('s', 'r', 'kv', 'x') }", "param f = 'ok'"].join("\n"), "t");
    for (const k of ["a", "b", "c", "d", "e"]) {
      const v = values.get(k);
      assert.ok(v instanceof Unknown, `${k}: ${JSON.stringify(v)}`);
      assert.match(v.why, new RegExp(`param ${k} in the \\.bicepparam file is an expression.*--param ${k}=VALUE`));
    }
    assert.equal(values.get("f"), "ok");
    assert.equal(values.has("prefix"), false, "a var is not a parameter");
  });

  it("refuses what is not a parameters file: open strings and comments, a malformed param, endless nesting", () => {
    assert.throws(() => parseBicepParams("using 'x'\nparam a = 'open", "t"), /a string is not closed/);
    assert.throws(() => parseBicepParams("using 'x'\nparam a = 1 /* open", "t"), /a comment is not closed/);
    assert.throws(() => parseBicepParams("using 'x'\nparam = 1", "t"), /not 'param NAME = VALUE'/);
    assert.throws(() => parseBicepParams(`using 'x'\nparam a = ${"[".repeat(3000)}${"]".repeat(3000)}`, "t"), /nests deeper than 100 levels/);
    assert.equal(isBicepParams('{"parameters": {}}'), false);
  });
});
