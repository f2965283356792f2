/** ARM template expressions as aks-net evaluates them offline (core/import/arm-expr.ts). */
import assert from "node:assert/strict";
import { MAX_COPY_ELEMENTS, copyCount, evaluate, evalExpression, inCopy } from "../../src/core/import/arm-expr.ts";
import { Unknown } from "../../src/core/import/model.ts";

const ctx = {
  parameter: (n: string): unknown => ({ prefix: "10.40.0.0/16", name: "shop", count: 3, tags: { env: "prod" } } as Record<string, unknown>)[n] ?? new Unknown(`parameter '${n}' has no value`),
  variable: (n: string): unknown => (n === "vnet" ? "spoke-vnet" : new Unknown(`variable '${n}' is not declared`)),
};
const ev = (text: string): unknown => evalExpression(text, ctx);

describe("ARM template expressions", () => {
  it("evaluates strings, parameters, variables, member access and the common functions", () => {
    assert.equal(ev("concat(parameters('name'), '-', variables('vnet'))"), "shop-spoke-vnet");
    assert.equal(ev("format('{0}/{1}', variables('vnet'), 'nodes')"), "spoke-vnet/nodes");
    assert.equal(ev("'it''s'"), "it's");
    assert.equal(ev("toUpper(parameters('tags').env)"), "PROD");
    assert.equal(ev("parameters('tags')['env']"), "prod");
    assert.equal(ev("if(equals(parameters('count'), 3), 'three', 'other')"), "three");
    assert.equal(ev("add(parameters('count'), mul(2, 5))"), 13);
    assert.deepEqual(ev("split('a,b', ',')"), ["a", "b"]);
    assert.deepEqual(ev("union(createObject('a', 1), createObject('b', 2))"), { a: 1, b: 2 });
    assert.equal(ev("resourceId('Microsoft.Network/virtualNetworks/subnets', 'v', 's')"), "/subscriptions/{subscription}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/v/subnets/s");
    assert.equal(ev("resourceId('rg-net', 'Microsoft.Network/virtualNetworks', 'v')"), "/subscriptions/{subscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/v");
  });
  it("computes the CIDR functions as ARM documents them", () => {
    assert.equal(ev("cidrSubnet(parameters('prefix'), 22, 0)"), "10.40.0.0/22");
    assert.equal(ev("cidrSubnet('10.144.0.0/20', 24, 3)"), "10.144.3.0/24");
    assert.equal(ev("cidrHost('10.144.3.0/24', 3)"), "10.144.3.4");
    assert.ok(ev("cidrSubnet('10.144.0.0/20', 24, 16)") instanceof Unknown, "index past the network");
  });
  it("what depends on the deployment is an Unknown that names the expression", () => {
    for (const text of ["reference('x').outputs.id.value", "resourceGroup().location", "uniqueString(resourceGroup().id)", "parameters('missing')", "newGuid()", "concat('a', reference('x').y)", "variables('nope')"]) {
      const v = ev(text);
      assert.ok(v instanceof Unknown, text);
      assert.ok(v.why.includes(text) || v.why.startsWith(`[${text}]`), `${text}: ${v.why}`);
    }
    assert.equal(ev("if(true, 'known', reference('x'))"), "known", "if() needs only its condition and branch");
  });
  it("malformed text is an Unknown, not an exception; [[ escapes a literal bracket", () => {
    assert.ok(ev("concat('a'") instanceof Unknown);
    assert.ok(ev("'open") instanceof Unknown);
    assert.equal(evaluate("[[not an expression]", ctx), "[not an expression]");
    assert.deepEqual(evaluate({ a: ["[parameters('count')]", "plain"] }, ctx), { a: [3, "plain"] });
  });

  it("copy loops: copyIndex() by loop name and offset, property loops become arrays, counts only 0-800 and known", () => {
    const outer = inCopy(ctx, "pools", 2);
    const inner = inCopy(outer, "subnets", 5);
    assert.equal(evalExpression("copyIndex()", inner), 5, "the innermost loop");
    assert.equal(evalExpression("copyIndex('pools', 1)", inner), 3, "a named loop, with an offset");
    assert.equal(evalExpression("copyIndex(10)", outer), 12);
    assert.ok(evalExpression("copyIndex()", ctx) instanceof Unknown, "outside a loop");
    assert.ok(evalExpression("copyIndex('nope')", outer) instanceof Unknown, "a loop that is not being expanded");
    assert.deepEqual(evaluate({ copy: [{ name: "subnets", count: "[parameters('count')]", input: { name: "[format('s{0}', copyIndex('subnets'))]" } }], other: 1 }, ctx), { subnets: [{ name: "s0" }, { name: "s1" }, { name: "s2" }], other: 1 });
    assert.equal(copyCount({ count: 800 }, ctx), 800);
    for (const count of [801, -1, 1.5, "3", "[parameters('missing')]"]) assert.ok(copyCount({ count }, ctx) instanceof Unknown, `count ${JSON.stringify(count)}`);
    // Nested loops multiply: one import's loops share a budget, past which a loop is named instead of expanded.
    const budget = { left: MAX_COPY_ELEMENTS };
    const nested = evaluate({ copy: [{ name: "a", count: 800, input: { copy: [{ name: "b", count: 800, input: { copy: [{ name: "c", count: 800, input: "[copyIndex('c')]" }] } }] } }] }, { ...ctx, budget }) as { a: { b: { c: unknown }[] }[] };
    assert.equal(nested.a.length, 800);
    assert.ok(budget.left >= 0 && budget.left < 800, String(budget.left));
    assert.ok(nested.a.at(-1)?.b instanceof Unknown, "a loop past the budget is unknown");
    assert.match((nested.a.at(-1)?.b as unknown as Unknown).why, /more than 20000 copies/);
    assert.deepEqual(evalExpression("range(2, 3)", ctx), [2, 3, 4]);
    assert.equal(evalExpression("div(7, 2)", ctx), 3);
    assert.equal(evalExpression("mod(7, 2)", ctx), 1);
    assert.ok(evalExpression("div(7, 0)", ctx) instanceof Unknown);
  });
});
