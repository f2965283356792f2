/**
 * The egress rule pack against Microsoft Learn. The tables below are transcribed from MicrosoftDocs/azure-aks-docs
 * (commit fb060abe6a, 2026-08-21): `articles/aks/outbound-rules-control-egress.md` (ms.date 06/18/2026, "Azure Global
 * required network rules", "... required FQDN / application rules", GPU and Windows sections) and
 * `articles/aks/limit-egress-traffic.md` (the `az network firewall network-rule create` / `application-rule create`
 * commands). When the doc changes, update these tables: every entry must then be covered by the pack or be listed in
 * NOT_BUILT with the reason (docs/create.md says the same).
 */
import assert from "node:assert/strict";
import { aksEgressPolicyCollections, aksEgressRules } from "../../src/core/egress.ts";
import type { EgressOptions } from "../../src/core/egress.ts";

interface DocNetworkRule {
  id: string;
  protocol: "UDP" | "TCP";
  port: number;
  /** The destinations the doc accepts (any one will do); `<region>` is the cluster's. */
  destinations: string[];
}
interface DocFqdnRule {
  fqdn: string;
  port: number;
  /** Only for such pools. */
  pools?: "windows" | "gpu";
}

/** outbound-rules-control-egress.md, "Azure Global required network rules". */
const REQUIRED_NETWORK: DocNetworkRule[] = [
  { id: "*:1194 / AzureCloud.<Region>:1194", protocol: "UDP", port: 1194, destinations: ["*", "AzureCloud.<region>"] },
  { id: "*:9000 / AzureCloud.<Region>:9000", protocol: "TCP", port: 9000, destinations: ["*", "AzureCloud.<region>"] },
  { id: "*:123 or ntp.ubuntu.com:123", protocol: "UDP", port: 123, destinations: ["*", "ntp.ubuntu.com"] },
  { id: "CustomDNSIP:53", protocol: "UDP", port: 53, destinations: ["CustomDNSIP"] },
  { id: "APIServerPublicIP:443", protocol: "TCP", port: 443, destinations: ["APIServerPublicIP"] },
];

/** outbound-rules-control-egress.md, "Azure Global required FQDN / application rules", GPU and Windows sections. */
const REQUIRED_FQDN: DocFqdnRule[] = [
  { fqdn: "*.hcp.<location>.azmk8s.io", port: 443 },
  { fqdn: "mcr.microsoft.com", port: 443 },
  { fqdn: "*.data.mcr.microsoft.com", port: 443 },
  { fqdn: "mcr-0001.mcr-msedge.net", port: 443 },
  { fqdn: "management.azure.com", port: 443 },
  { fqdn: "login.microsoftonline.com", port: 443 },
  { fqdn: "packages.microsoft.com", port: 443 },
  { fqdn: "acs-mirror.azureedge.net", port: 443 },
  { fqdn: "packages.aks.azure.com", port: 443 },
  { fqdn: "nvidia.github.io", port: 443, pools: "gpu" },
  { fqdn: "us.download.nvidia.com", port: 443, pools: "gpu" },
  { fqdn: "download.docker.com", port: 443, pools: "gpu" },
  { fqdn: "onegetcdn.azureedge.net", port: 443, pools: "windows" },
  { fqdn: "go.microsoft.com", port: 443, pools: "windows" },
  { fqdn: "*.mp.microsoft.com", port: 80, pools: "windows" },
  { fqdn: "www.msftconnecttest.com", port: 80, pools: "windows" },
  { fqdn: "ctldl.windowsupdate.com", port: 80, pools: "windows" },
];

/** limit-egress-traffic.md, "Create network rules on Azure Firewall" (collection aksfwnr). */
const GUIDE_NETWORK: (DocNetworkRule & { fqdns?: string[] })[] = [
  { id: "apitcp", protocol: "TCP", port: 9000, destinations: ["AzureCloud.<region>"] },
  { id: "apiudp", protocol: "UDP", port: 1194, destinations: ["AzureCloud.<region>"] },
  { id: "time", protocol: "UDP", port: 123, destinations: ["ntp.ubuntu.com"] },
  { id: "ghcr", protocol: "TCP", port: 443, destinations: ["ghcr.io", "pkg-containers.githubusercontent.com"] },
  { id: "docker", protocol: "TCP", port: 443, destinations: ["docker.io", "registry-1.docker.io", "production.cloudflare.docker.com"] },
];

/** Doc entries aks-net deliberately does not build, and why (docs/create.md "What aks-net sends differently"). */
const NOT_BUILT: Record<string, string> = {
  "CustomDNSIP:53": "only with custom DNS servers; the spec records none (the firewall's own DNS proxy needs no rule)",
  "APIServerPublicIP:443": "the API server's IP exists only after create; kube-system uses its FQDN, covered by the FQDN tag",
  ghcr: "the guide's sample app images, not an AKS requirement",
  docker: "the guide's sample app images, not an AKS requirement",
};

interface NetRule {
  protocols?: string[];
  ipProtocols?: string[];
  destinationAddresses?: string[];
  destinationFqdns?: string[];
  destinationPorts: string[];
}
interface AppRule {
  protocols: { protocolType: string; port: number }[];
  fqdnTags?: string[];
  targetFqdns?: string[];
}

/** Both shapes of the pack, as (network rules, application rules) pairs. */
function shapes(o: EgressOptions): { name: string; net: NetRule[]; app: AppRule[] }[] {
  const classic = aksEgressRules("westeurope", o);
  const rulesOf = <T>(cs: unknown[]): T[] => (cs as { properties: { rules: T[] } }[]).flatMap((c) => c.properties.rules);
  const policy = (aksEgressPolicyCollections("westeurope", o) as { rules: (Record<string, unknown> & { ruleType: string })[] }[]).flatMap((c) => c.rules);
  return [
    { name: "classic", net: rulesOf<NetRule>(classic.networkRuleCollections), app: rulesOf<AppRule>(classic.applicationRuleCollections) },
    { name: "policy", net: policy.filter((r) => r.ruleType === "NetworkRule") as unknown as NetRule[], app: policy.filter((r) => r.ruleType === "ApplicationRule") as unknown as AppRule[] },
  ];
}

const concrete = (d: string): string => d.replace("<region>", "westeurope");

function coversNetwork(net: NetRule[], req: DocNetworkRule): boolean {
  return net.some((r) => {
    const protos = r.protocols ?? r.ipProtocols ?? [];
    if (!protos.includes(req.protocol) || !r.destinationPorts.includes(String(req.port))) return false;
    const dests = [...(r.destinationAddresses ?? []), ...(r.destinationFqdns ?? [])];
    return dests.length > 0 && dests.every((d) => req.destinations.map(concrete).includes(d));
  });
}

function coversFqdn(app: AppRule[], req: DocFqdnRule): boolean {
  return app.some((r) => {
    if (!r.protocols.some((p) => p.port === req.port)) return false;
    // The AzureKubernetesService tag "contains all the FQDNs listed in" outbound-rules-control-egress.md (limit-egress-traffic.md).
    if (r.fqdnTags?.includes("AzureKubernetesService") && req.pools === undefined) return true;
    return r.targetFqdns?.includes(req.fqdn) ?? false;
  });
}

describe("egress rule pack against the Microsoft Learn lists", () => {
  const proxy: EgressOptions = { sources: ["10.1.0.0/22"], dnsProxy: true, windows: true, gpu: true };
  const noProxy: EgressOptions = { ...proxy, dnsProxy: false };

  for (const req of REQUIRED_NETWORK) {
    it(`required network rule ${req.id}: built, or not built for a stated reason`, () => {
      for (const o of [proxy, noProxy]) {
        for (const s of shapes(o)) {
          const built = coversNetwork(s.net, req);
          assert.equal(built, NOT_BUILT[req.id] === undefined, `${s.name}, DNS proxy ${String(o.dnsProxy)}: ${built ? "built although listed as not built" : "missing"}`);
        }
      }
    });
  }

  for (const req of REQUIRED_FQDN) {
    it(`required FQDN ${req.fqdn}:${req.port}${req.pools ? ` (${req.pools} pools)` : ""} is allowed by an application rule`, () => {
      for (const s of shapes(proxy)) assert.ok(coversFqdn(s.app, req), s.name);
      if (req.pools) {
        for (const s of shapes({ ...proxy, windows: false, gpu: false })) assert.equal(coversFqdn(s.app, req), false, `${s.name}: only with ${req.pools} pools`);
      }
    });
  }

  for (const rule of GUIDE_NETWORK) {
    it(`the guide's network rule '${rule.id}' is built as the guide writes it (firewalls with a DNS proxy), or not built for a stated reason`, () => {
      for (const s of shapes(proxy)) assert.equal(coversNetwork(s.net, rule), NOT_BUILT[rule.id] === undefined, s.name);
    });
  }

  it("the guide's application rule: FQDN tag AzureKubernetesService over http=80 and https=443", () => {
    for (const s of shapes(proxy)) {
      assert.ok(s.app.some((r) => r.fqdnTags?.includes("AzureKubernetesService") && [80, 443].every((p) => r.protocols.some((x) => x.port === p))), s.name);
    }
  });

  it("every exclusion names a doc entry (no stale reasons)", () => {
    const ids = new Set([...REQUIRED_NETWORK.map((r) => r.id), ...GUIDE_NETWORK.map((r) => r.id)]);
    for (const id of Object.keys(NOT_BUILT)) assert.ok(ids.has(id), id);
  });
});
