/** Every preset is a sensible, valid starting point: it passes the real rule engine with no errors. */
import assert from "node:assert/strict";
import { checkSpecShape } from "../../src/commands/input/shape.ts";
import { overlaps, parseCidr } from "../../src/core/cidr.ts";
import type { Cidr } from "../../src/core/cidr.ts";
import { resolveSpec } from "../../src/core/resolve.ts";
import { getTemplate, listTemplates } from "../../src/templates/index.ts";
import { validateSpec } from "../../src/validators/index.ts";

const REQUIRED = ["kubenet-calico", "azure-cni-azure-policy", "azure-cni-calico", "overlay-cilium", "firewall-egress"];

describe("templates", () => {
  const templates = listTemplates();

  it("include the documented presets, each name once", () => {
    const names = templates.map((t) => t.name);
    for (const n of REQUIRED) assert.ok(names.includes(n), n);
    assert.equal(new Set(names).size, names.length);
  });

  for (const t of templates) {
    describe(t.name, () => {
      it("has a one-line summary and a Microsoft Learn docs URL", () => {
        assert.match(t.summary, /^[^\n]{10,140}$/);
        assert.match(t.docsUrl, /^https:\/\/learn\.microsoft\.com\/azure\/aks\/[a-z0-9-]+$/);
      });
      it("is shaped like a spec file", () => assert.doesNotThrow(() => checkSpecShape(structuredClone(t.input), t.name)));
      it("validates with no errors through the real engine", () => {
        const { spec, provenance } = resolveSpec([{ source: "template", input: t.input }]);
        const errors = validateSpec(spec, provenance).filter((f) => f.severity === "error");
        assert.deepEqual(errors, []);
      });
      it("keeps service, pod and VNet ranges apart", () => {
        const { spec } = resolveSpec([{ source: "template", input: t.input }]);
        const ranges: [string, Cidr][] = [];
        const add = (name: string, text: string | undefined): void => {
          if (text === undefined) return;
          const p = parseCidr(text);
          assert.ok(p.ok, `${name} ${text}`);
          ranges.push([name, p.value]);
        };
        add("serviceCidr", spec.serviceCidr);
        add("podCidr", spec.podCidr);
        spec.vnet.addressSpaces.forEach((c, i) => add(`vnet.addressSpaces[${i}]`, c));
        for (const [i, [a, x]] of ranges.entries()) for (const [b, y] of ranges.slice(i + 1)) assert.equal(overlaps(x, y), false, `${a} overlaps ${b}`);
      });
    });
  }

  it("firewall-egress routes egress through a /26 firewall subnet inside the VNet", () => {
    const { input } = getTemplate("firewall-egress");
    assert.equal(input.outboundType, "userDefinedRouting");
    assert.equal(input.firewall?.enabled, true);
    const fw = parseCidr(input.firewall?.subnetCidr ?? "");
    const vnet = parseCidr(input.vnet?.addressSpaces?.[0] ?? "");
    assert.ok(fw.ok && vnet.ok);
    assert.equal(fw.value.prefix, 26);
    assert.ok(fw.value.start >= vnet.value.start && fw.value.end <= vnet.value.end);
  });

  it("an unknown name is a usage error with a suggestion", () => {
    assert.throws(() => getTemplate("kubenet-calcio"), /unknown template 'kubenet-calcio' \(did you mean 'kubenet-calico'\?\)/);
  });
});
