import assert from "node:assert/strict";
import { rules } from "../../../src/validators/docker-bridge.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check, ruleIds } from "../../helpers/spec.ts";

describe("validators/docker-bridge", () => {
  it("lists DBR-01 and DBR-02 as warnings (C-07)", () => assert.deepEqual(rules().map((r) => [r.id, r.severity]), [["DBR-01", "warning"], ["DBR-02", "warning"]]));

  describe("DBR-01 ignored and removed from the API", () => {
    it("sending dockerBridgeCidr is a warning quoting the Bicep error", () => {
      const f = one(check({ ...BASE, dockerBridgeCidr: "172.17.0.1/16" }), "DBR-01", "warning", ["dockerBridgeCidr"]);
      assert.match(f.message, /not allowed on objects of type "ContainerServiceNetworkProfile"/);
    });
    it("not sending it is fine", () => none(check(BASE), "DBR-01"));
  });

  describe("DBR-02 legacy all-or-none", () => {
    it("docker bridge with default service CIDR and DNS IP", () => {
      one(check({ ...BASE, dockerBridgeCidr: "172.17.0.1/16" }), "DBR-02", "warning", ["dockerBridgeCidr", "serviceCidr", "dnsServiceIP"]);
    });
    it("all three set is fine", () => none(check({ ...BASE, dockerBridgeCidr: "172.17.0.1/16", serviceCidr: "10.0.0.0/16", dnsServiceIP: "10.0.0.10" }), "DBR-02"));
    it("a docker bridge is never an error by itself", () => assert.deepEqual(ruleIds(check({ ...BASE, dockerBridgeCidr: "172.17.0.1/16" }), "error"), []));
  });
});
