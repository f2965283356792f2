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

describe("core/cidr CidrIndex over many texts (typed arrays)", () => {
  /** A deterministic generator (no flaky seeds): xorshift32. */
  const rng = (seed: number) => () => ((seed ^= seed << 13), (seed ^= seed >>> 17), (seed ^= seed << 5), (seed >>> 0) / 2 ** 32);
  const bruteForce = (texts: readonly string[], q: ReturnType<typeof cidr>): number[] =>
    texts.flatMap((t, i) => {
      const p = parseCidr(t);
      return p.ok && overlaps(p.value, q) ? [i] : [];
    });

  it("fromTexts refuses exactly what parseCidr refuses, with the same reason", () => {
    const bad = ["10.0.0.0", "012.0.0.0/8", "0x0a.0.0.0/16", "10/8", "10.0.0/16", "256.0.0.0/16", " 10.0.0.0/16", "10.0.0.0 /16", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/08", "192.168.0.10.3/32", "1.2.3.4./8", "1.2.3.4/", "1.2.3.4/8/8", "1..3.4/8", "1.2.3.1000/8", "00.0.0.0/8", "1.2.3.4/+8", "１.2.3.4/8", ""];
    const texts = [...bad, "10.0.0.0/8", "fd00::/8"];
    const { index, invalid } = CidrIndex.fromTexts(texts);
    assert.equal(index.length, 2);
    assert.deepEqual([...invalid.keys()], bad.map((_, i) => i));
    bad.forEach((t, i) => {
      const p = parseCidr(t);
      assert.ok(!p.ok);
      assert.equal(invalid.get(i), p.reason);
    });
    assert.deepEqual(CidrIndex.fromTexts([42, null]).invalid.size, 2);
  });

  it("answers every query as a brute-force scan does: same positions, address order, masked starts, IPv6 too", () => {
    const next = rng(12345);
    const texts: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const len = Math.floor(next() * 33);
      const addr = Math.floor(next() * 2 ** 32);
      texts.push(i % 97 === 0 ? `fd00:${(i % 7).toString(16)}::/${48 + (i % 17)}` : `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.${addr & 255}/${Math.max(len, 8)}`);
    }
    texts.push("10.0.0.0/8", "10.0.0.0/8", "0.0.0.0/0"); // ties and a range covering everything
    const { index, invalid } = CidrIndex.fromTexts(texts);
    assert.equal(invalid.size, 0);
    for (let k = 0; k < 200; k++) {
      const addr = Math.floor(next() * 2 ** 32);
      const q = k % 20 === 0 ? cidr(`fd00:${(k % 7).toString(16)}:1::/64`) : cidr(`${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.0/${16 + (k % 17)}`);
      const want = bruteForce(texts, q).sort((a, b) => {
        const [x, y] = [cidr(texts[a] as string).start, cidr(texts[b] as string).start];
        return x < y ? -1 : x > y ? 1 : a - b;
      });
      const got = index.overlapping(q);
      assert.deepEqual(got.map((e) => e.tag), want, `query ${q.text}`);
      for (const e of got) assert.equal(e.cidr.text, texts[e.tag]);
    }
  });

  it("fromTexts names the entries with host bits; positionsWhere and at read entries by position", () => {
    const texts = ["10.0.0.0/8", "10.1.2.3/16", "bad", "fd00::1/64", "fd00::/64", "10.9.0.0/30", "192.168.0.0/29"];
    const { index, hostBits } = CidrIndex.fromTexts(texts);
    assert.deepEqual(hostBits, [1, 3]);
    assert.deepEqual(index.positionsWhere((family, prefix) => family === 4 && prefix > 28), [5, 6]);
    assert.deepEqual(index.positionsWhere((family) => family === 6), [3, 4]);
    assert.deepEqual(index.positionsWhere(() => true), [0, 1, 3, 4, 5, 6]);
    assert.equal(index.at(1).cidr.canonical, "10.1.0.0/16");
    assert.equal(index.at(1).cidr.text, "10.1.2.3/16");
  });

  it("selfOverlaps finds every overlapping pair once, earlier in address order (ties: position) first", () => {
    const next = rng(777);
    const texts: string[] = [];
    for (let i = 0; i < 400; i++) {
      const addr = Math.floor(next() * 2 ** 20) * 4096;
      texts.push(i % 23 === 0 ? `fd00:${(i % 3).toString(16)}::/${40 + (i % 30)}` : `${addr >>> 24}.${(addr >>> 16) & 255}.${(addr >>> 8) & 255}.0/${12 + Math.floor(next() * 14)}`);
    }
    texts.push("10.0.0.0/8", "10.0.0.0/8");
    const parsed = texts.map((t) => cidr(t));
    const order = (a: number, b: number): number => {
      const [x, y] = [(parsed[a] as ReturnType<typeof cidr>).start, (parsed[b] as ReturnType<typeof cidr>).start];
      return x < y ? -1 : x > y ? 1 : a - b;
    };
    const want: string[] = [];
    for (let a = 0; a < texts.length; a++) for (let b = 0; b < texts.length; b++) if (a !== b && order(a, b) < 0 && overlaps(parsed[a] as ReturnType<typeof cidr>, parsed[b] as ReturnType<typeof cidr>)) want.push(`${a} ${b}`);
    const got = CidrIndex.fromTexts(texts).index.selfOverlaps().map(([a, b]) => `${a} ${b}`);
    assert.ok(want.length > 50, `a test with pairs (${want.length})`);
    assert.deepEqual([...got].sort(), [...want].sort());
  });

  it("the object form (entries) and the text form agree", () => {
    const texts = ["10.1.0.0/16", "10.0.0.0/8", "2001:db8::/32", "10.1.2.3/24", "192.168.0.0/16"];
    const byObjects = new CidrIndex(texts.map((t, i) => ({ cidr: cidr(t), tag: i })));
    const byTexts = CidrIndex.fromTexts(texts).index;
    for (const q of ["10.1.2.0/24", "0.0.0.0/0", "::/0", "192.168.255.0/24", "11.0.0.0/8"].map(cidr)) {
      assert.deepEqual(byObjects.overlapping(q).map((e) => e.tag), byTexts.overlapping(q).map((e) => e.tag));
      assert.deepEqual(byObjects.overlapping(q, 1).map((e) => e.tag), byTexts.overlapping(q, 1).map((e) => e.tag));
    }
    assert.deepEqual(byTexts.overlapping(cidr("10.1.2.0/24")).map((e) => e.cidr.canonical), ["10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24"]);
  });
});
