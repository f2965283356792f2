/**
 * DBR-01, DBR-02: the legacy docker bridge CIDR. AKS ignores it since containerd and API 2023-04-01 removed it (C-07).
 */
import { finding } from "./finding.ts";
import { describeValue } from "./syntax.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "DBR-01", severity: "warning", summary: "dockerBridgeCidr is ignored since containerd and removed from API 2023-04-01+; don't send it (C-07)." },
    { id: "DBR-02", severity: "warning", summary: "Legacy tools (AE-2018) required serviceCidr, dnsServiceIP and dockerBridgeCidr all set or all empty." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const raw = ctx.spec.dockerBridgeCidr;
  if (raw === undefined || raw === "") return [];
  const out = [
    finding(
      "DBR-01",
      "warning",
      "dockerBridgeCidr",
      `dockerBridgeCidr ${describeValue(raw)} is ignored by AKS since containerd, and aks-net never sends it (API 2023-04-01+: "The property "dockerBridgeCidr" is not allowed on objects of type "ContainerServiceNetworkProfile".")`,
      "remove dockerBridgeCidr (--docker-bridge-address); it has no effect",
    ),
  ];
  const defaulted = ["serviceCidr", "dnsServiceIP"].filter((f) => ctx.provenance[f] === "default");
  if (defaulted.length > 0) {
    out.push(
      finding(
        "DBR-02",
        "warning",
        ["dockerBridgeCidr", ...defaulted],
        `dockerBridgeCidr is set but ${defaulted.join(" and ")} ${defaulted.length > 1 ? "are" : "is"} left to defaults: "ServiceCidr, DNSServiceIP, DockerBridgeCidr should all be empty or neither should be empty" (legacy tools)`,
        `remove dockerBridgeCidr, or also set ${defaulted.join(" and ")} for legacy tooling`,
      ),
    );
  }
  return out;
}
