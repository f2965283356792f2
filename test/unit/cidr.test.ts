import assert from "node:assert/strict";
import { CidrIndex, cidr, findFreeRange, overlaps, parseCidr, parseIp } from "../../src/core/cidr.ts";

describe("core/cidr strict parsing", () => {
  const bad = ["10.0.0.0", "012.0.0.0/8", "0x0a.0.0.0/16", "10/8", "10.0.0/16", "256.0.0.0/16", " 10.0.0.0/16", "10.0.0.0 /16", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "192.168.0.10.3/32", "2001:db8::/129"];
  for (const t of bad) it(`rejects '${t}'`, () => assert.equal(parseCidr(t).ok, false));
  const good: [string, string, boolean][] = [
    ["10.0.0.0/16", "10.0.0.0/16", false],
    ["10.0.0.1/16", "10.0.0.0/16", true],
    ["0.0.0.0/0", "0.0.0.0/0", false],
    ["fd12:3456:789a::/64", "fd12:3456:789a::/64", false],
    ["2002::1234:abcd:ffff:c0a8:101/120", "2002::1234:abcd:ffff:c0a8:100/120", true],
  ];
  for (const [t, canon, host] of good) {
    it(`parses '${t}' as ${canon}`, () => {
      const p = parseCidr(t);
      assert.ok(p.ok);
      assert.equal(p.value.canonical, canon);
      assert.equal(p.value.hostBitsSet, host);
    });
  }
  it("rejects octal and hex addresses", () => {
    assert.equal(parseIp("010.0.0.10").ok, false);
    assert.equal(parseIp("0x0a.0.0.10").ok, false);
    assert.equal(parseIp("10.0.0.10").ok, true);
  });
});

describe("core/cidr arithmetic", () => {
  it("overlap is symmetric and family-aware", () => {
    assert.equal(overlaps(cidr("172.16.0.0/12"), cidr("172.30.0.0/16")), true);
    assert.equal(overlaps(cidr("10.0.0.0/16"), cidr("10.1.0.0/16")), false);
    assert.equal(overlaps(cidr("::/0"), cidr("10.0.0.0/8")), false);
  });
  it("index finds every overlapping prefix", () => {
    const idx = new CidrIndex(["10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/24", "10.2.3.0/24"].map((t, i) => ({ cidr: cidr(t), tag: i })));
    assert.deepEqual(idx.overlapping(cidr("10.2.0.0/16")).map((e) => e.tag), [0, 3]);
    assert.deepEqual(idx.overlapping(cidr("192.168.1.0/24")), []);
  });
  it("finds the lowest free aligned range", () => {
    const free = findFreeRange(16, [cidr("10.0.0.0/8")], [cidr("10.0.0.0/16"), cidr("10.1.0.0/17")]);
    assert.equal(free?.canonical, "10.2.0.0/16");
    assert.equal(findFreeRange(8, [cidr("10.0.0.0/8")], [cidr("10.0.0.0/16")]), undefined);
  });
});
