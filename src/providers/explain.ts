/**
 * Turns SDK and ARM failures into AksNetErrors with the Azure code, a plain explanation, the fix, the correlation id
 * and the resume hint. Never includes request headers, tokens or secrets: only codes and service messages.
 */
import { isRestError } from "@azure/core-rest-pipeline";
import { AksNetError, AuthError, AzureError, CancelledError } from "../core/errors.ts";

export interface ExplainContext {
  /** Step label, e.g. `subnet aks-nodes`. */
  label?: string;
  resourceId?: string;
  correlationId?: string | undefined;
  /** `error` of a Failed operation-status poll, when captured. */
  lroFailure?: { code?: string; message?: string };
}

/** An entry of the explainer table: what the code means and what to change. */
interface Explanation {
  why: string;
  fix: string;
  /** The validate rule that catches this offline, when there is one. */
  rule?: string;
}

const RESUME = "then re-run the same command to resume (finished steps are not repeated)";

/** RP/ARM codes aks-net users meet, with cause and fix (peers.md 2.1-2.4). */
const TABLE: Record<string, Explanation> = {
  ServiceCidrOverlapExistingSubnetsCidr: {
    why: "the service CIDR overlaps a subnet of the cluster's VNet; Azure routes service IPs inside the cluster only",
    fix: "pick a --service-cidr (and --dns-service-ip inside it) outside every subnet of the VNet and its peerings",
    rule: "OVL",
  },
  DnsServiceIpOutOfServiceCidr: {
    why: "the DNS service IP is not inside the service CIDR",
    fix: "set --dns-service-ip to an address inside --service-cidr (not .0 or .1), e.g. the .10 address",
    rule: "DNS",
  },
  NetworkProfileCIDROverlapVNET: {
    why: "the pod CIDR (overlay/kubenet) overlaps the VNet's address space",
    fix: "pick a --pod-cidr outside the VNet, e.g. 10.244.0.0/16 when the VNet is elsewhere",
    rule: "OVL",
  },
  InsufficientSubnetSize: {
    why: "the subnet cannot hold the IPs the node pool pre-allocates (nodes + surge, times max pods with Azure CNI; the autoscaler max count counts)",
    fix: "use a larger subnet, fewer --max-pods, or Azure CNI Overlay; `aks-net validate` prints the capacity",
    rule: "CAP",
  },
  SubnetIsFull: {
    why: "the subnet has no free addresses left for the nodes or pods",
    fix: "use a larger or emptier subnet, lower --max-pods, or switch to Azure CNI Overlay",
    rule: "CAP",
  },
  RouteTableInvalidNextHop: {
    why: "the route's next hop is not allowed for this route (a 0.0.0.0/0 route for UDR egress must go to a VirtualAppliance or VirtualNetworkGateway)",
    fix: "point the default route at the firewall's private IP with next hop VirtualAppliance (`--route 0.0.0.0/0=VirtualAppliance@IP`)",
    rule: "OUT",
  },
  NetworkPolicyAzureNotSupportedForKubenet: {
    why: "Azure network policy (NPM) needs Azure CNI; it does not work with kubenet",
    fix: "use --network-policy calico with kubenet, or switch to Azure CNI (overlay + cilium is the supported future)",
    rule: "CMP",
  },
  AuthorizationFailed: {
    why: "the signed-in identity lacks the role needed for this write",
    fix: "grant Contributor (and User Access Administrator or Owner for role assignments) on the resource group, or sign in as someone who has it",
  },
  LinkedAuthorizationFailed: {
    why: "the identity may write this resource but not use a linked one (a subnet, route table or identity in another scope)",
    fix: "grant Network Contributor on the VNet/route table the cluster uses, or sign in as someone who has it",
  },
  InUseSubnetCannotBeDeleted: {
    why: "a write would have removed a subnet that is in use",
    fix: "this is a bug if aks-net caused it: please report it; nothing was deleted",
  },
  QuotaExceeded: {
    why: "the subscription's regional quota (vCPUs or public IPs) is too small for the cluster",
    fix: "request a quota increase for the region or choose a smaller --node-vm-size / --node-count",
  },
  OperationNotAllowed: {
    why: "Azure does not allow this change (often a quota or an immutable setting)",
    fix: "read Azure's message above; immutable settings need a new cluster",
  },
  ResourceGroupNotFound: {
    why: "the resource group does not exist",
    fix: "check -g/--resource-group and --subscription",
  },
  InvalidResourceReference: {
    why: "the request points at a resource that does not exist (yet)",
    fix: "re-run the same command; if it persists, check the ids passed with --vnet-subnet-id",
  },
  OutboundConnFailVMExtensionError: {
    why: "the nodes could not reach the internet to bootstrap (egress blocked: firewall rules or the 0.0.0.0/0 route)",
    fix: "allow the AKS egress rules on the firewall (AzureKubernetesService FQDN tag, UDP 1194 and TCP 9000 to AzureCloud.<region>, NTP) and check the route table",
    rule: "FW",
  },
  K8SAPIServerConnFailVMExtensionError: {
    why: "the nodes could not reach the API server on 443 (exit status 51)",
    fix: "allow TCP 443 to *.hcp.<region>.azmk8s.io on the firewall and add the firewall's public IP to any authorized IP ranges",
    rule: "FW",
  },
};

/** VMExtensionProvisioningError hides the real cause in the CSE exit status. */
const CSE_EXIT: Record<string, Explanation> = {
  "50": TABLE["OutboundConnFailVMExtensionError"] as Explanation,
  "51": TABLE["K8SAPIServerConnFailVMExtensionError"] as Explanation,
  "52": {
    why: "the nodes could not resolve DNS names (exit status 52)",
    fix: "check custom DNS servers on the VNet and DNS proxy on the firewall",
  },
};

const LRO_FAILED = /^The long-running operation has failed\. ([^.]+)\. ([\s\S]*)$/;
const TRANSPORT = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "ESOCKETTIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH"]);
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/;

/** Maps any error thrown by an SDK call to an AksNetError (or returns a programming error unchanged). */
export function explainAzureError(e: unknown, ctx: ExplainContext = {}): Error {
  if (e instanceof AksNetError) return e;
  const err = e as { name?: string; message?: string; code?: string; statusCode?: number; errors?: unknown[]; errorResponse?: { errorDescription?: string } };
  const name = err?.name ?? "";
  const where = ctx.label ? `${ctx.label}: ` : "";

  const auth = explainCredentialError(e);
  if (auth) return auth;
  if (name === "AbortError") return new CancelledError();

  let code: string | undefined;
  let message: string | undefined;
  if (isRestError(e)) {
    code = e.code;
    message = e.message;
    if (e.statusCode === undefined && code && TRANSPORT.has(code)) {
      return new AzureError(`${where}cannot reach Azure Resource Manager (${code}: ${e.message})`, {
        armCode: code,
        hint: `check the network or proxy (HTTPS_PROXY/NO_PROXY) and the ARM endpoint; ${RESUME}`,
      });
    }
    if (code && TLS.test(code)) {
      return new AzureError(`${where}the ARM endpoint's TLS certificate is not trusted (${code})`, {
        armCode: code,
        hint: "for a private endpoint, trust its CA with NODE_EXTRA_CA_CERTS=/path/ca.pem",
      });
    }
    if (e.statusCode === 401 && code === "InvalidAuthenticationTokenAudience") {
      return new AuthError(`${where}Azure rejected the access token: it was issued for another cloud or resource (${code})`, "name the cloud with --cloud (AzureCloud, AzureUSGovernment, AzureChinaCloud) and sign az in to it (`az cloud set`), or set AKS_NET_ARM_AUDIENCE");
    }
    if (e.statusCode === 401) {
      return new AuthError(`${where}Azure rejected the access token (${code ?? "401"})`, "sign in again with `az login`, or check AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET");
    }
  } else if (e instanceof Error) {
    const m = LRO_FAILED.exec(e.message);
    if (!m && !ctx.lroFailure) return e; // not an Azure failure: let main.ts report it as internal
    code = ctx.lroFailure?.code ?? m?.[1];
    message = ctx.lroFailure?.message ?? m?.[2];
  } else {
    return new Error(String(e));
  }
  return azureError(code, message, ctx);
}

/** The credential chain's failures (names from @azure/identity; instanceof is unreliable across package copies). */
export function explainCredentialError(e: unknown): AuthError | undefined {
  const err = e as { name?: string; message?: string; errors?: { message?: string }[]; errorResponse?: { errorDescription?: string } } | undefined;
  const name = err?.name ?? "";
  if (name === "AggregateAuthenticationError" || name === "CredentialUnavailableError") {
    const inner = [err?.message ?? "", ...(err?.errors ?? []).map((x) => x?.message ?? "")].join("\n");
    const azLogin = /az login/i.test(inner);
    return new AuthError(
      "No Azure credentials found. Run `az login`, or set AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET",
      azLogin
        ? "the Azure CLI is installed but not signed in: run `az login` (AZURE_TOKEN_CREDENTIALS narrows which credential is tried)"
        : "AZURE_TOKEN_CREDENTIALS narrows which credential is tried (e.g. AzureCliCredential, prod, dev)",
    );
  }
  if (name === "AuthenticationError") {
    const desc = err?.errorResponse?.errorDescription?.split("\n")[0];
    return new AuthError(`Azure rejected the configured credentials${desc ? `: ${desc}` : ""}`, "check AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET, or run `az login`");
  }
  return undefined;
}

function azureError(code: string | undefined, message: string | undefined, ctx: ExplainContext): AksNetError {
  const where = ctx.label ? `${ctx.label}: ` : "";
  const text = (message ?? "").split("\n")[0]?.trim() || "no message";
  let known = code ? TABLE[code] : undefined;
  if (code === "VMExtensionProvisioningError" || /VMExtensionProvisioningError|exit status\s*=?\s*5\d/i.test(message ?? "")) {
    const exit = /exit status\s*=?\s*(\d+)/i.exec(message ?? "")?.[1];
    known = (exit ? CSE_EXIT[exit] : undefined) ?? known ?? {
      why: "a node failed to bootstrap (custom script extension)",
      fix: "check egress (firewall rules, routes) and DNS from the node subnet",
    };
  }
  const lines: string[] = [];
  if (known) {
    lines.push(`why: ${known.why}`);
    lines.push(`fix: ${known.fix}${known.rule ? ` (\`aks-net validate\` checks this offline)` : ""}`);
  }
  if (ctx.correlationId) lines.push(`correlation id: ${ctx.correlationId}`);
  lines.push(`${known ? "" : "fix the cause, "}${RESUME}`);
  const hint = lines.join("\n  ");
  const msg = `${where}Azure error ${code ?? "(no code)"}: ${text}`;
  if (code === "AuthorizationFailed" || code === "LinkedAuthorizationFailed") {
    return new AuthError(`${where}the Azure identity lacks the rights for this write (${code}): ${text}`, hint);
  }
  return new AzureError(msg, { ...(code ? { armCode: code } : {}), ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}), hint });
}
