import assert from "node:assert/strict";
import type { NodePoolSpec, SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/pools.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

const withPools = (nodePools: Partial<NodePoolSpec>[]): SpecInput => ({ ...BASE, nodePools });

describe("validators/pools (use-system-pools.md, create-node-pools.md)", () => {
  it("lists POOL-01 … POOL-04", () => assert.deepEqual(rules.map((r) => `${r.id} ${r.severity}`), ["POOL-01 error", "POOL-02 error", "POOL-03 error", "POOL-04 error"]));

  describe("POOL-01 system pools are Linux", () => {
    it("a Windows first pool (System by default) is an error", () => {
      const f = one(check(withPools([{ name: "win", osType: "Windows" }])), "POOL-01", "error", ["nodePools[0].osType", "nodePools[0].mode"]);
      assert.match(f.message, /System pools osType must be Linux/);
    });
    it("a Windows pool marked System is an error wherever it is", () => {
      one(check(withPools([{ name: "sys" }, { name: "win", osType: "Windows", mode: "System" }])), "POOL-01", "error", ["nodePools[1].osType", "nodePools[1].mode"]);
    });
    it("a Linux system pool with a Windows user pool is fine", () => none(check(withPools([{ name: "sys" }, { name: "win", osType: "Windows" }])), "POOL-01"));
  });

  describe("POOL-02 names", () => {
    const bad: [string, string | undefined, RegExp][] = [
      ["Sys", "Linux", /must begin with a lowercase letter/],
      ["1pool", "Linux", /must begin with a lowercase letter/],
      ["my-pool", "Linux", /only contain lowercase letters and digits/],
      ["abcdefghijklm", "Linux", /13 characters; Linux pool names are 1-12/],
      ["wind0ws", "Windows", /7 characters; Windows pool names are 1-6/],
      ["", "Linux", /is not a name/],
    ];
    for (const [name, osType, why] of bad) {
      it(`'${name}' (${osType}) is refused`, () => {
        const pools: Partial<NodePoolSpec>[] = osType === "Windows" ? [{ name: "sys" }, { name, osType }] : [{ name }];
        const i = pools.length - 1;
        const f = one(check(withPools(pools)), "POOL-02", "error", [`nodePools[${i}].name`]);
        assert.match(f.message, why);
        assert.match(f.fix, /^use a name such as '[a-z][a-z0-9]*'$/);
      });
    }
    for (const [name, osType] of [["a", "Linux"], ["abcdefghijkl", "Linux"], ["np1", "Linux"], ["win1", "Windows"], ["abcdef", "Windows"]] as const) {
      it(`'${name}' (${osType}) is accepted`, () => {
        const pools: Partial<NodePoolSpec>[] = osType === "Windows" ? [{ name: "sys" }, { name, osType }] : [{ name }];
        none(check(withPools(pools)), "POOL-02");
      });
    }
    it("the default names (system, pool1, …) are valid", () => none(check(withPools([{}, {}, {}])), "POOL-02"));
  });

  describe("POOL-03 unique names", () => {
    it("two pools with one name are an error naming both", () => {
      one(check(withPools([{ name: "sys" }, { name: "work" }, { name: "work" }])), "POOL-03", "error", ["nodePools[1].name", "nodePools[2].name"]);
    });
    it("three pools with one name give two findings", () => assert.equal(byRule(check(withPools([{ name: "a" }, { name: "a" }, { name: "a" }])), "POOL-03").length, 2));
    it("distinct names are fine", () => none(check(withPools([{ name: "sys" }, { name: "work" }])), "POOL-03"));
  });

  describe("POOL-04 Windows administrator (AKS REST spec: ManagedClusterWindowsProfile.adminUsername)", () => {
    const win = (adminUsername: string): SpecInput => ({ ...withPools([{ name: "sys" }, { name: "win", osType: "Windows" }]), windowsProfile: { adminUsername } });
    for (const [name, why] of [["admin", /reserves/], ["Administrator", /reserves/], ["root", /reserves/], ["winadmin.", /ends in '\.'/], ["a".repeat(21), /21 characters; Azure takes 1 to 20/], ["", /0 characters/], ["win admin", /character/]] as const) {
      it(`'${name}' is refused`, () => assert.match(one(check(win(name)), "POOL-04", "error", ["windowsProfile.adminUsername"]).message, why));
    }
    it("winadmin is fine, and so is the default (azureuser) with a Windows pool", () => {
      none(check(win("winadmin")), "POOL-04");
      none(check(withPools([{ name: "sys" }, { name: "win", osType: "Windows" }])), "POOL-04");
    });
  });
});
