/**
 * How ARM checks a bearer token's audience, per cloud, and its anonymous metadata document. Modelled on the real
 * services, independently of aks-net:
 * - ARM accepts a token only when its `aud` is exactly one of the cloud's ARM audiences (with and without the trailing
 *   slash, `management.core.*` and `management.*`); otherwise 401 InvalidAuthenticationTokenAudience, message
 *   "The access token has been obtained for wrong audience or resource 'X'. It should exactly match with one of the
 *   allowed audiences 'a','b',...". A token that is not a JWT gets 401 InvalidAuthenticationToken.
 * - `GET /metadata/endpoints?api-version=2022-09-01` answers, without a token, the cloud's endpoints object
 *   (`resourceManager`, `authentication.loginEndpoint`, `authentication.audiences`, `name`, ...), as az and the
 *   Terraform provider read it.
 * Tokens are unsigned JWTs (header.payload.): the fake cannot check Entra ID's signature, only the claims.
 */
import { FAKE_TENANT_ID } from "./arm-rules.ts";

export type FakeCloudName = "AzureCloud" | "AzureUSGovernment" | "AzureChinaCloud";

interface FakeCloud {
  /** The audiences az requests (`activeDirectoryResourceId`) and the host's own, as the metadata lists them. */
  audiences: [string, string];
  loginEndpoint: string;
  portal: string;
  graph: string;
  suffixes: Record<string, string>;
}

/** A cloud from its host names: its two ARM audience hosts, sign-in, portal, graph, and the ACR, Key Vault, storage and SQL suffixes. */
function cloud(arm: [string, string], login: string, portal: string, graph: string, [acrLoginServer, keyVaultDns, storage, sqlServerHostname]: [string, string, string, string]): FakeCloud {
  return { audiences: [`https://${arm[0]}/`, `https://${arm[1]}/`], loginEndpoint: `https://${login}`, portal: `https://${portal}`, graph: `https://${graph}/`, suffixes: { acrLoginServer, keyVaultDns, storage, sqlServerHostname } };
}

const FAKE_CLOUDS: Record<FakeCloudName, FakeCloud> = {
  AzureCloud: cloud(["management.core.windows.net", "management.azure.com"], "login.microsoftonline.com", "portal.azure.com", "graph.windows.net", ["azurecr.io", "vault.azure.net", "core.windows.net", "database.windows.net"]),
  AzureUSGovernment: cloud(["management.core.usgovcloudapi.net", "management.usgovcloudapi.net"], "login.microsoftonline.us", "portal.azure.us", "graph.windows.net", ["azurecr.us", "vault.usgovcloudapi.net", "core.usgovcloudapi.net", "database.usgovcloudapi.net"]),
  AzureChinaCloud: cloud(["management.core.chinacloudapi.cn", "management.chinacloudapi.cn"], "login.chinacloudapi.cn", "portal.azure.cn", "graph.chinacloudapi.cn", ["azurecr.cn", "vault.azure.cn", "core.chinacloudapi.cn", "database.chinacloudapi.cn"]),
};

/** Every audience ARM of `cloud` accepts: each listed audience with and without its trailing slash. */
export function allowedAudiences(cloud: FakeCloudName): string[] {
  return FAKE_CLOUDS[cloud].audiences.flatMap((a) => [a, a.replace(/\/+$/, "")]);
}

/** The metadata document of `cloud`, with `base` (the fake's own URL) as its ARM endpoint. */
export function metadataDocument(cloud: FakeCloudName, base: string): Record<string, unknown> {
  const c = FAKE_CLOUDS[cloud];
  return {
    portal: c.portal,
    authentication: { loginEndpoint: c.loginEndpoint, audiences: [...c.audiences], tenant: "common", identityProvider: "AAD" },
    graphAudience: c.graph,
    graph: c.graph,
    name: cloud,
    suffixes: c.suffixes,
    resourceManager: `${base}/`,
  };
}

function b64url(s: string): string {
  return Buffer.from(s, "utf8").toString("base64url");
}

/** An unsigned access token for `aud`, as Entra ID would issue to the caller (for in-process SDK tests). */
export function fakeToken(aud: string, claims: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = { aud, iss: `https://sts.windows.net/${FAKE_TENANT_ID}/`, tid: FAKE_TENANT_ID, iat: now, nbf: now, exp: now + 3600, ...claims };
  return `${b64url(JSON.stringify({ typ: "JWT", alg: "none" }))}.${b64url(JSON.stringify(payload))}.`;
}

/** The `aud` claim of a bearer token, or undefined when it is not a JWT with one. */
export function tokenAudience(token: string): string | undefined {
  const part = token.split(".")[1];
  if (!part) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as { aud?: unknown };
    return typeof claims.aud === "string" ? claims.aud : undefined;
  } catch {
    return undefined;
  }
}

/** ARM's 401 for a token it cannot use, or undefined when `aud` is one of `allowed`. */
export function audienceRejection(aud: string | undefined, allowed: string[]): { code: string; message: string } | undefined {
  if (aud === undefined) return { code: "InvalidAuthenticationToken", message: "The access token is invalid." };
  if (allowed.includes(aud)) return undefined;
  return {
    code: "InvalidAuthenticationTokenAudience",
    message: `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences ${allowed.map((a) => `'${a}'`).join(",")}.`,
  };
}
