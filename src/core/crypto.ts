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
  return bytesToHex(sha256(utf8ToBytes(text)));
}

/** A uniformly random integer in [0, max). */
export function randomInt(max: number): number {
  return crypto().randomInt(max);
}
