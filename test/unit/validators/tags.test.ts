import assert from "node:assert/strict";
import type { SpecInput } from "../../../src/core/spec.ts";
import { OWN_TAGS_RESERVED, TAG_LIMITS, rules } from "../../../src/validators/tags.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

const tagged = (tags: Record<string, unknown>): SpecInput => ({ ...BASE, tags: tags as Record<string, string> });

describe("validators/tags (tag-resources.md limitations)", () => {
  it("lists TAG-01 … TAG-06", () =>
    assert.deepEqual(rules().map((r) => `${r.id} ${r.severity}`), ["TAG-01 error", "TAG-02 error", "TAG-03 error", "TAG-04 error", "TAG-05 error", "TAG-06 warning"]));

  it("ordinary tags pass every rule", () => {
    const f = check(tagged({ env: "prod", costCenter: "1234", "owner email": "a@b.example", empty: "" }));
    for (const r of rules()) none(f, r.id);
  });

  describe("TAG-01 count", () => {
    const many = (n: number): Record<string, string> => Object.fromEntries(Array.from({ length: n }, (_, i) => [`t${i}`, "v"]));
    const max = TAG_LIMITS.perResource - OWN_TAGS_RESERVED;
    it(`${max} tags pass`, () => none(check(tagged(many(max))), "TAG-01"));
    it(`${max + 1} tags are an error naming Azure's 50`, () => {
      const f = one(check(tagged(many(max + 1))), "TAG-01", "error", ["tags"]);
      assert.match(f.message, /^35 tags: Azure allows 50 per resource/);
      assert.match(f.fix, /at most 34 tags/);
    });
  });

  describe("TAG-02 names", () => {
    for (const ch of ["<", ">", "%", "&", "\\", "?", "/"]) {
      it(`a name with '${ch}' is an error with a name that passes`, () => {
        const f = one(check(tagged({ [`cost${ch}center`]: "1" })), "TAG-02", "error", [`tags.cost${ch}center`]);
        assert.match(f.message, new RegExp(`contains '${ch.replace(/[\\?]/g, "\\$&")}'`));
        assert.equal(f.fix, "name it 'cost-center'");
        none(check(tagged({ "cost-center": "1" })), "TAG-02");
      });
    }
    it("a name over 512 characters is an error; 512 passes", () => {
      one(check(tagged({ ["n".repeat(513)]: "1" })), "TAG-02", "error");
      none(check(tagged({ ["n".repeat(512)]: "1" })), "TAG-02");
    });
    it("an empty name is an error", () => assert.match(one(check(tagged({ "": "1" })), "TAG-02", "error").message, /is empty/));
  });

  describe("TAG-03 values", () => {
    it("a value over 256 characters is an error; 256 passes", () => {
      assert.match(one(check(tagged({ note: "v".repeat(257) })), "TAG-03", "error", ["tags.note"]).message, /257-character value; Azure takes at most 256/);
      none(check(tagged({ note: "v".repeat(256) })), "TAG-03");
    });
    it("a number from a file is an error telling to quote it", () => assert.equal(one(check(tagged({ year: 2026 })), "TAG-03", "error").fix, 'quote it: year: "2026"'));
    it("tags that are not a map are an error", () => one(check(tagged(["env=prod"] as unknown as Record<string, unknown>)), "TAG-03", "error", ["tags"]));
  });

  describe("TAG-04 aks-net's own tags", () => {
    for (const name of ["managed-by", "Managed-By", "aks-net-cluster", "aks-net-made", "aks-net-children", "aks-net-manifest-0", "AKS-NET-MANIFEST-12"]) {
      it(`'${name}' is refused`, () => one(check(tagged({ [name]: "x" })), "TAG-04", "error", [`tags.${name}`]));
    }
    it("a name merely containing them passes", () => none(check(tagged({ "team-managed-by": "x" })), "TAG-04"));
  });

  it("TAG-05 two names differing in case are one tag", () => {
    const f = one(check(tagged({ env: "prod", Env: "dev" })), "TAG-05", "error", ["tags.env", "tags.Env"]);
    assert.match(f.message, /differ only in case/);
  });

  it("TAG-06 Azure's prefixes are a warning", () => {
    for (const name of ["microsoftOwner", "Azure-cost", "windowsTeam"]) one(check(tagged({ [name]: "x" })), "TAG-06", "warning");
    assert.equal(byRule(check(tagged({ costazure: "x" })), "TAG-06").length, 0);
  });
});
