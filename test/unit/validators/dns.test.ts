import assert from "node:assert/strict";
import type { SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/dns.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

const FIELDS = ["dnsServiceIP", "serviceCidr"];
const svc = (serviceCidr: string, dnsServiceIP: string): SpecInput => ({ ...BASE, serviceCidr, dnsServiceIP });

describe("validators/dns", () => {
  it("lists DNS-01 … DNS-06", () => assert.deepEqual(rules().map((r) => r.id), ["DNS-01", "DNS-02", "DNS-03", "DNS-04", "DNS-05", "DNS-06"]));

  describe("DNS-01 both or neither", () => {
    it("serviceCidr alone: the default DNS IP is left behind (and is outside, DNS-02)", () => {
      const found = check({ ...BASE, serviceCidr: "10.200.0.0/16" });
      assert.match(one(found, "DNS-01", "error", FIELDS).fix, /dnsServiceIP 10\.200\.0\.10/);
      one(found, "DNS-02", "error", FIELDS);
    });
    it("dnsServiceIP alone", () => assert.match(one(check({ ...BASE, dnsServiceIP: "10.50.0.10" }), "DNS-01", "error", FIELDS).fix, /--service-cidr 10\.50\.0\.0\/16/));
    it("both set is fine", () => none(check(svc("10.200.0.0/16", "10.200.0.10")), "DNS-01"));
    it("neither set is fine", () => none(check(BASE), "DNS-01"));
    it("dual-stack serviceCidrs plus dnsServiceIP is fine", () => {
      none(check({ ...BASE, ipFamilies: ["IPv4", "IPv6"], serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"], dnsServiceIP: "10.0.0.10" }), "DNS-01");
    });
  });

  describe("DNS-02 inside the service CIDR", () => {
    it("10.0.0.10 outside 10.200.0.0/16 quotes DnsServiceIpOutOfServiceCidr", () => {
      const f = one(check(svc("10.200.0.0/16", "10.0.0.10")), "DNS-02", "error", FIELDS);
      assert.equal(f.message, "(DnsServiceIpOutOfServiceCidr) The DNS service IP 10.0.0.10 is out of the range defined by service CIDR 10.200.0.0/16.");
      assert.match(f.fix, /^use dnsServiceIP 10\.200\.0\.10/);
    });
    it("AE-2018 vector 10.1.0.1 vs 10.0.0.0/16", () => one(check(svc("10.0.0.0/16", "10.1.0.1")), "DNS-02", "error"));
    it("inside is fine", () => none(check(svc("10.0.0.0/16", "10.0.255.10")), "DNS-02"));
  });

  describe("DNS-03 not the first usable address", () => {
    it("10.0.0.1 in 10.0.0.0/16", () => assert.match(one(check(svc("10.0.0.0/16", "10.0.0.1")), "DNS-03", "error", FIELDS).fix, /10\.0\.0\.10/));
    it("computed on the masked network: 172.99.0.1 in 172.99.0.1/16", () => one(check(svc("172.99.0.1/16", "172.99.0.1")), "DNS-03", "error"));
    it(".2 is not the first address", () => none(check(svc("10.0.0.0/16", "10.0.0.2")), "DNS-03"));
  });

  describe("DNS-04 not the broadcast address", () => {
    it("172.99.255.255 in 172.99.0.1/16", () => one(check(svc("172.99.0.1/16", "172.99.255.255")), "DNS-04", "error", FIELDS));
    it("the address before it is fine", () => none(check(svc("172.99.0.0/16", "172.99.255.254")), "DNS-04"));
  });

  describe("DNS-05 not the network address", () => {
    it("10.0.0.0 in 10.0.0.0/16", () => one(check(svc("10.0.0.0/16", "10.0.0.0")), "DNS-05", "error", FIELDS));
    it("10.0.1.0 inside a /16 is not the network address", () => none(check(svc("10.0.0.0/16", "10.0.1.0")), "DNS-05"));
  });

  describe("DNS-06 the .10 convention (C-04: warning only)", () => {
    it("10.0.0.20 is a warning with the .10 address as fix", () => {
      const f = one(check(svc("10.0.0.0/16", "10.0.0.20")), "DNS-06", "warning", ["dnsServiceIP"]);
      assert.equal(f.fix, "use dnsServiceIP 10.0.0.10, the .10 address of 10.0.0.0/16");
    });
    it("the .10 address is fine", () => none(check(svc("10.0.0.0/16", "10.0.0.10")), "DNS-06"));
    it("an error address is not also a convention warning", () => none(check(svc("10.0.0.0/16", "10.0.0.1")), "DNS-06"));
  });
});
