import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { hashWithNodeCrypto, sha256Hex } from "../../src/core/crypto.ts";

const reference = (text: string): string => createHash("sha256").update(text).digest("hex");

// The same digests from both ways sha256Hex hashes: @noble/hashes (offline runs, no node:crypto) and node:crypto (once
// a run that talks to Azure, which loads it anyway, switches to it).
for (const viaNode of [false, true]) describe(`sha256Hex (${viaNode ? "node:crypto, after hashWithNodeCrypto()" : "@noble/hashes SHA-256, no node:crypto"})`, () => {
  before(() => hashWithNodeCrypto(viaNode));
  after(() => hashWithNodeCrypto(false));
  it("FIPS 180-4 test vectors", () => {
    assert.equal(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert.equal(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  });
  it("equals node:crypto at every length around the block and padding boundaries", () => {
    for (let n = 0; n <= 300; n++) {
      const text = Array.from({ length: n }, (_, i) => String.fromCharCode(97 + ((i * 7 + n) % 26))).join("");
      assert.equal(sha256Hex(text), reference(text), `length ${n}`);
    }
  });
  it("hashes the UTF-8 bytes of non-ASCII text (names, surrogate pairs)", () => {
    for (const text of ["rg-café", "集群-网络", "🚀/subscriptions/x", "a\u0000b", "\uD83D"]) assert.equal(sha256Hex(text), reference(text), text);
  });
  it("long input (1 MB, many blocks)", () => {
    const text = "aks-net|".repeat(131072);
    assert.equal(sha256Hex(text), reference(text));
  });
});
