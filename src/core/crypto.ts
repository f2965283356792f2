/**
 * node:crypto on first use: loading it costs start-up time that `validate` (which never hashes) should not pay, and a
 * static import in a module on its path would load it.
 */
import type * as NodeCrypto from "node:crypto";

type Crypto = typeof NodeCrypto;

let loaded: Crypto | undefined;
function crypto(): Crypto {
  return (loaded ??= process.getBuiltinModule("node:crypto"));
}

/** SHA-256 of `text`, lower-case hex. */
export function sha256Hex(text: string): string {
  return crypto().createHash("sha256").update(text).digest("hex");
}

/** A uniformly random integer in [0, max). */
export function randomInt(max: number): number {
  return crypto().randomInt(max);
}
