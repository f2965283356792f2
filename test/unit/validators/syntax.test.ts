import assert from "node:assert/strict";
import { parseCidr, parseIp } from "../../../src/core/cidr.ts";
import { resolveSpec } from "../../../src/core/resolve.ts";
import type { ClusterSpec, SpecInput } from "../../../src/core/spec.ts";
import { validateSpec } from "../../../src/validators/index.ts";
import { rules } from "../../../src/validators/syntax.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check, ruleIds } from "../../helpers/spec.ts";

/** BASE with a VNet override merged in. */
const withVnet = (vnet: SpecInput["vnet"], extra: SpecInput = {}): SpecInput => ({ ...BASE, ...extra, vnet: { ...BASE.vnet, ...vnet } });
const svc = (serviceCidr: string, dnsServiceIP = "10.0.0.10"): SpecInput => ({ ...BASE, serviceCidr, dnsServiceIP });

/** Resolves like a spec file, then lets the test damage the effective spec the way a hand-written file can. */
function damaged(edit: (spec: Record<string, unknown>) => void, input: SpecInput = BASE) {
  const { spec, provenance } = resolveSpec([{ source: "file", input }]);
  edit(spec as unknown as Record<string, unknown>);
  return validateSpec(spec as ClusterSpec, provenance);
}

describe("validators/syntax", () => {
  it("lists SYN-01 … SYN-10", () => {
    assert.deepEqual(rules().map((r) => r.id), ["SYN-01", "SYN-02", "SYN-03", "SYN-04", "SYN-05", "SYN-06", "SYN-07", "SYN-08", "SYN-09", "SYN-10"]);
  });

  it("the strict parser names the rule of each failure", () => {
    const rule = (t: string) => {
      const p = parseCidr(t);
      return p.ok ? "ok" : p.rule;
    };
    assert.deepEqual(["10.0.0.0", "10.0.0.0/33", "10/8", "012.0.0.0/8", "0x0a.0.0.0/16", "10.0.0.0 /16", "10.0.0.0/16"].map(rule), ["SYN-01", "SYN-02", "SYN-03", "SYN-04", "SYN-04", "SYN-05", "ok"]);
    const ip = parseIp("10.0.0. 1");
    assert.equal(ip.ok ? "ok" : ip.rule, "SYN-05");
  });

  it("a clean spec has no SYN findings", () => {
    assert.deepEqual(ruleIds(check(BASE)).filter((r) => r.startsWith("SYN")), []);
  });

  describe("SYN-01 no prefix", () => {
    it("a bare service address is not a CIDR", () => {
      const f = one(check(svc("10.0.0.0")), "SYN-01", "error", ["serviceCidr"]);
      assert.match(f.fix, /10\.0\.0\.0\/16/);
    });
    it("with a prefix it parses", () => none(check(svc("10.0.0.0/16")), "SYN-01"));
    it("a number where a CIDR string belongs is reported, not a crash", () => {
      const f = one(damaged((s) => (s["podCidr"] = 10)), "SYN-01", "error", ["podCidr"]);
      assert.match(f.message, /number 10/);
    });
    it("null is reported", () => one(damaged((s) => ((s["vnet"] as Record<string, unknown>)["subnetCidr"] = null)), "SYN-01", "error", ["vnet.subnetCidr"]));
    it("a string where a list belongs is reported and the rest still runs", () => {
      const found = damaged((s) => (s["connectedCidrs"] = "10.0.0.0/8"));
      one(found, "SYN-01", "error", ["connectedCidrs"]);
      assert.ok(!found.some((f) => f.fields.includes("connectedCidrs[0]")));
    });
    it("junk in connected ranges is summarised in one finding with the count", () => {
      const junk = ["10.1.0.0", "10.2.0.0", 7, null, "10.5.0.0"];
      const f = one(damaged((s) => (s["connectedCidrs"] = junk)), "SYN-01", "error", ["connectedCidrs[0]", "connectedCidrs[1]", "connectedCidrs[2]"]);
      assert.match(f.message, /^5 connected range\(s\) do not parse/);
      assert.match(f.message, /and 2 more/);
    });
  });

  describe("SYN-02 prefix length", () => {
    for (const bad of ["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/x"]) {
      it(`rejects ${bad}`, () => one(check(withVnet({ addressSpaces: [bad] })), "SYN-02", "error", ["vnet.addressSpaces[0]"]));
    }
    it("rejects an IPv6 /129", () => one(check({ ...BASE, ipFamilies: ["IPv4", "IPv6"], podCidrs: ["10.244.0.0/16", "fd00::/129"] }), "SYN-02", "error", ["podCidrs[1]"]));
    it("accepts /32", () => none(check(withVnet({ existingSubnets: [{ name: "x", cidr: "10.10.9.9/32" }] })), "SYN-02"));
  });

  describe("SYN-03 parts", () => {
    for (const bad of ["256.0.0.0/16", "10.0.0/16", "192.168.0.10.3/32", "10/8"]) {
      it(`rejects ${bad}`, () => one(check(withVnet({ subnetCidr: bad })), "SYN-03", "error", ["vnet.subnetCidr"]));
    }
    it("rejects DNS 10.0.0.257", () => one(check(svc("10.0.0.0/16", "10.0.0.257")), "SYN-03", "error", ["dnsServiceIP"]));
    it("IPv4 text gets the four-part fix, IPv6 text an IPv6 one", () => {
      assert.match(one(check(withVnet({ subnetCidr: "10.0.300.0/24" })), "SYN-03", "error", ["vnet.subnetCidr"]).fix, /four decimal parts 0-255, e.g. 10\.0\.0\.0\/16/);
      const dual: SpecInput = { ...BASE, ipFamilies: ["IPv4", "IPv6"], podCidrs: ["10.244.0.0/16", "fd00:10:244::/64"], serviceCidrs: ["10.0.0.0/16", "fd00::10::/108"] };
      const f = one(check(dual), "SYN-03", "error", ["serviceCidrs[1]"]);
      assert.match(f.fix, /valid IPv6 text \(RFC 4291\), e\.g\. fd00:10:244::\/64/);
      assert.doesNotMatch(f.fix, /decimal/);
    });
    it("accepts 255 in every part", () => none(check(withVnet({ existingSubnets: [{ name: "x", cidr: "255.255.255.255/32" }] })), "SYN-03"));
  });

  describe("SYN-04 leading zeros, octal, hex", () => {
    it("012.0.0.0/8 → decimal 12.0.0.0/8", () => assert.match(one(check(svc("012.0.0.0/8")), "SYN-04", "error", ["serviceCidr"]).fix, /12\.0\.0\.0\/8/));
    it("0x0a.0.0.0/16 → 10.0.0.0/16", () => assert.match(one(check({ ...BASE, podCidr: "0x0a.0.0.0/16" }), "SYN-04", "error", ["podCidr"]).fix, /10\.0\.0\.0\/16/));
    it("DNS 010.000.000.010", () => one(check(svc("10.0.0.0/16", "010.000.000.010")), "SYN-04", "error", ["dnsServiceIP"]));
    it("a plain 0 part is fine", () => none(check(svc("10.0.0.0/16")), "SYN-04"));
  });

  describe("SYN-05 whitespace", () => {
    it("10.0.0.0 /16", () => assert.match(one(check(svc("10.0.0.0 /16")), "SYN-05", "error", ["serviceCidr"]).fix, /'10\.0\.0\.0\/16'/));
    it("a list item with a leading space (az aks does not strip it)", () => {
      one(check({ ...BASE, ipFamilies: ["IPv4", "IPv6"], podCidrs: ["10.244.0.0/16", " fd00::/64"] }), "SYN-05", "error", ["podCidrs[1]"]);
    });
    it("DNS with a trailing space", () => one(check(svc("10.0.0.0/16", "10.0.0.10 ")), "SYN-05", "error", ["dnsServiceIP"]));
    it("a pasted newline stays a one-line message", () => {
      const f = one(check(svc("10.0.0.0\n/16")), "SYN-05", "error", ["serviceCidr"]);
      assert.doesNotMatch(f.message, /\n/);
      assert.match(f.message, /10\.0\.0\.0\\n\/16/);
    });
    it("no whitespace, no finding", () => none(check({ ...BASE, ipFamilies: ["IPv4", "IPv6"], podCidrs: ["10.244.0.0/16", "fd00::/64"] }), "SYN-05"));
  });

  describe("SYN-06 host bits (C-12)", () => {
    it("is an error for a subnet, with the canonical form", () => {
      const f = one(check(withVnet({ subnetCidr: "10.10.0.1/22" })), "SYN-06", "error", ["vnet.subnetCidr"]);
      assert.match(f.message, /InvalidCIDRNotation/);
      assert.equal(f.fix, "use 10.10.0.0/22");
    });
    it("is an error for a VNet address space", () => one(check(withVnet({ addressSpaces: ["10.10.0.1/16"] })), "SYN-06", "error", ["vnet.addressSpaces[0]"]));
    it("is a warning for the service CIDR 10.0.0.1/16", () => {
      assert.equal(one(check(svc("10.0.0.1/16")), "SYN-06", "warning", ["serviceCidr"]).fix, "write 10.0.0.0/16");
    });
    it("is a warning for an IPv6 pod range", () => {
      one(check({ ...BASE, ipFamilies: ["IPv4", "IPv6"], podCidrs: ["10.244.0.0/16", "2002::1234:abcd:ffff:c0a8:101/120"] }), "SYN-06", "warning", ["podCidrs[1]"]);
    });
    it("canonical prefixes are fine", () => none(check(svc("10.0.0.0/16")), "SYN-06"));
  });

  describe("SYN-07 DNS service IP is one IPv4 address", () => {
    it("not a prefix", () => assert.equal(one(check(svc("10.0.0.0/16", "10.0.0.10/32")), "SYN-07", "error", ["dnsServiceIP"]).fix, "use 10.0.0.10"));
    it("not IPv6, also in dual-stack", () => one(check({ ...BASE, ipFamilies: ["IPv4", "IPv6"], dnsServiceIP: "fd12:3456:789a:1::10", serviceCidr: "10.0.0.0/16" }), "SYN-07", "error", ["dnsServiceIP"]));
    it("an IPv4 address is fine", () => none(check(svc("10.0.0.0/16", "10.0.0.10")), "SYN-07"));
  });

  describe("SYN-08 IPv4-only fields", () => {
    it("an IPv6 serviceCidr", () => one(check({ ...BASE, serviceCidr: "fd00::/108", dnsServiceIP: "10.0.0.10" }), "SYN-08", "error", ["serviceCidr"]));
    it("an IPv6 node subnet", () => one(check(withVnet({ addressSpaces: ["10.10.0.0/16", "fd00::/48"], subnetCidr: "fd00::/64" })), "SYN-08", "error", ["vnet.subnetCidr"]));
    it("IPv6 in serviceCidrs[1] and a VNet space is allowed", () => {
      none(check({ ...withVnet({ addressSpaces: ["10.10.0.0/16", "fd00:10::/48"] }), ipFamilies: ["IPv4", "IPv6"], serviceCidrs: ["10.0.0.0/16", "fd12:3456:789a:1::/108"] }), "SYN-08");
    });
  });

  describe("SYN-09 enum values", () => {
    const cases: [SpecInput, string][] = [
      [{ ...BASE, networkPlugin: "flannel" }, "networkPlugin"],
      [{ ...BASE, outboundType: "nat" }, "outboundType"],
      [{ ...BASE, loadBalancerSku: "premium" }, "loadBalancerSku"],
      [{ ...BASE, ipFamilies: ["IPv5"] }, "ipFamilies[0]"],
      [{ ...BASE, nodePools: [{ osType: "Mac" }] }, "nodePools[0].osType"],
      [{ ...BASE, routes: [{ prefix: "0.0.0.0/0", nextHopType: "Firewall" }] }, "routes[0].nextHopType"],
      [{ ...BASE, firewall: { enabled: true, subnetCidr: "10.10.8.0/26", sku: "Ultra" } }, "firewall.sku"],
    ];
    for (const [input, field] of cases) it(`${field}`, () => one(check(input), "SYN-09", "error", [field]));
    it("quotes the CLI's outbound type message", () => assert.match(one(check({ ...BASE, outboundType: "nat" }), "SYN-09", "error").message, /Invalid outbound type, supported values are/));
    it("a number is reported, not a crash", () => one(damaged((s) => (s["networkPolicy"] = 5)), "SYN-09", "error", ["networkPolicy"]));
    it("ipFamilies that is not a list", () => one(damaged((s) => (s["ipFamilies"] = "IPv4")), "SYN-09", "error", ["ipFamilies"]));
    it("known values pass", () => none(check({ ...BASE, outboundType: "userAssignedNATGateway", routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.10.8.4" }] }), "SYN-09"));
  });

  describe("SYN-10 case", () => {
    it("networkPolicy Calico → calico, quoting az aks", () => {
      const f = one(check({ ...BASE, networkPolicy: "Calico" }), "SYN-10", "error", ["networkPolicy"]);
      assert.equal(f.fix, "use calico");
      assert.match(f.message, /should be provided in lowercase/);
    });
    it("ipFamilies ipv4 → IPv4", () => assert.equal(one(check({ ...BASE, ipFamilies: ["ipv4"] }), "SYN-10", "error", ["ipFamilies[0]"]).fix, "use IPv4"));
    it("the exact spelling passes and is not SYN-09", () => {
      const found = check({ ...BASE, networkPolicy: "calico" });
      none(found, "SYN-10");
      none(found, "SYN-09");
    });
    it("a wrong case is not also reported as SYN-09", () => assert.equal(byRule(check({ ...BASE, networkPolicy: "Calico" }), "SYN-09").length, 0));
  });
});
