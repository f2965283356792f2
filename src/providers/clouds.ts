/**
 * Azure clouds by the names `az cloud list` uses: where ARM is, which token audience it accepts, where to sign in.
 * Pure and light (no SDK): the --cloud flag is checked with it at parse time.
 */
import { UsageError } from "../core/errors.ts";
import { closest } from "../core/suggest.ts";

export interface Cloud {
  name: string;
  /** ARM base URL, no trailing slash. */
  resourceManager: string;
  /** The audience az requests ARM tokens for (its `activeDirectoryResourceId`). */
  audience: string;
  /** Entra ID authority host for service-principal and managed-identity sign-in. */
  authorityHost: string;
}

export const CLOUDS: readonly Cloud[] = [
  { name: "AzureCloud", resourceManager: "https://management.azure.com", audience: "https://management.core.windows.net/", authorityHost: "https://login.microsoftonline.com" },
  { name: "AzureUSGovernment", resourceManager: "https://management.usgovcloudapi.net", audience: "https://management.core.usgovcloudapi.net/", authorityHost: "https://login.microsoftonline.us" },
  { name: "AzureChinaCloud", resourceManager: "https://management.chinacloudapi.cn", audience: "https://management.core.chinacloudapi.cn/", authorityHost: "https://login.chinacloudapi.cn" },
];

export const PUBLIC_CLOUD = CLOUDS[0] as Cloud;

/** Names az still knows but whose cloud no longer exists. */
const RETIRED: Record<string, string> = {
  azuregermancloud: "AzureGermanCloud (Microsoft Cloud Germany) was closed on 29 October 2021",
};

/** The cloud named `name` (case-insensitive), or a usage error with the names az knows and a did-you-mean. */
export function cloudByName(name: string, source = "--cloud"): Cloud {
  const n = name.trim();
  const hit = CLOUDS.find((c) => c.name.toLowerCase() === n.toLowerCase());
  if (hit) return hit;
  const retired = RETIRED[n.toLowerCase()];
  if (retired) throw new UsageError(`${source}: ${retired}`, `AzureCloud's German regions (germanywestcentral, germanynorth) replace it; known clouds: ${CLOUDS.map((c) => c.name).join(", ")}`);
  // A cut-short name (AzureUSGov) is too far in edits for `closest`, but plainly meant.
  const guess = (n.length >= 6 ? CLOUDS.find((c) => c.name.toLowerCase().startsWith(n.toLowerCase())) : undefined)?.name ?? closest(n, CLOUDS.map((c) => c.name));
  throw new UsageError(
    `${source}: unknown cloud '${n}'${guess ? ` (did you mean ${guess}?)` : ""}`,
    `known clouds: ${CLOUDS.map((c) => c.name).join(", ")}; for another ARM endpoint use --arm-endpoint URL`,
  );
}

/** The known cloud whose ARM host is `endpoint`'s, if any. */
export function cloudByEndpoint(endpoint: string): Cloud | undefined {
  const origin = originOf(endpoint);
  return CLOUDS.find((c) => originOf(c.resourceManager) === origin);
}

/** The OAuth scope that yields a token for `audience` (az's rule: the resource, then `/.default`). */
export function scopeFor(audience: string): string {
  return `${audience}/.default`;
}

/** `https://host[:port]`, lower case; the URL itself when it does not parse. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return url.toLowerCase();
  }
}
