/**
 * A throw-away TLS certificate for the fake ARM server: EC P-256, self-signed, with the IP SAN 127.0.0.1
 * (a CN-only cert fails Node's hostname check for an IP) and the DNS SAN localhost (a second host name for the same
 * server, so tests can see which host a token was sent to). Made once per process and cached; the PEM files live in
 * a temp dir removed at exit. openssl is fastest (~12 ms); selfsigned (pure JS) is the fallback.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCert {
  /** PEM of the certificate, which is its own CA. */
  cert: string;
  /** PEM of the private key. */
  key: string;
  /** Path of the certificate PEM (for NODE_EXTRA_CA_CERTS). */
  caFile: string;
  /** The temp dir holding the files. */
  dir: string;
}

let cached: Promise<TestCert> | undefined;

/** The process-wide test certificate (created on first call). */
export function testCert(): Promise<TestCert> {
  cached ??= makeCert();
  return cached;
}

async function makeCert(): Promise<TestCert> {
  const dir = mkdtempSync(join(tmpdir(), "aks-net-fake-arm-"));
  process.once("exit", () => rmSync(dir, { recursive: true, force: true }));
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  try {
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", keyFile, "-out", certFile,
        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
      { stdio: "ignore", timeout: 10_000 },
    );
    return { cert: readFileSync(certFile, "utf8"), key: readFileSync(keyFile, "utf8"), caFile: certFile, dir };
  } catch {
    // No openssl: fall back to the pure-JS generator.
    const { generate } = await import("selfsigned");
    const now = new Date();
    const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
      keyType: "ec",
      curve: "P-256",
      algorithm: "sha256",
      notBeforeDate: new Date(now.getTime() - 60_000),
      notAfterDate: new Date(now.getTime() + 2 * 86_400_000),
      extensions: [
        { name: "basicConstraints", cA: true },
        { name: "keyUsage", digitalSignature: true, keyCertSign: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 2, value: "localhost" }] },
      ],
    });
    writeFileSync(certFile, pems.cert);
    writeFileSync(keyFile, pems.private);
    return { cert: pems.cert, key: pems.private, caFile: certFile, dir };
  }
}
