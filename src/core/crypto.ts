/**
 * Hashing and randomness without paying for node:crypto at start-up. sha256Hex names things (role assignments,
 * ownership fingerprints) on every create, even a dry run: @noble/hashes' audited SHA-256 of a short string is
 * microseconds, while loading node:crypto cost each `create --dry-run` ~4 ms (about a tenth of its run). node:crypto
 * is taken only for random numbers (a generated Windows password).
 */
import type * as NodeCrypto from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";

type Crypto = typeof NodeCrypto;

let loaded: Crypto | undefined;
function crypto(): Crypto {
  return (loaded ??= process.getBuiltinModule("node:crypto"));
}

/** SHA-256 of `text` (UTF-8), lower-case hex: the same digest as node:crypto's (test/unit/crypto.test.ts). */
export function sha256Hex(text: string): string {
  return nodeSha256 ? nodeSha256(text) : bytesToHex(sha256(utf8ToBytes(text)));
}

let nodeSha256: ((text: string) => string) | undefined;
/**
 * From now on, sha256Hex hashes with node:crypto: for runs that have loaded it anyway (the Azure SDK makes its request
 * ids with it). The JS SHA-256 runs cold (interpreted) in a short CLI run, ~0.2 ms a hash, and a create re-run hashes
 * a dozen names and proofs.
 */
export function hashWithNodeCrypto(on = true): void {
  const createHash = on ? crypto().createHash : undefined;
  nodeSha256 = createHash && ((text) => createHash("sha256").update(text, "utf8").digest("hex"));
}

/** A uniformly random integer in [0, max). */
export function randomInt(max: number): number {
  return crypto().randomInt(max);
}
