import assert from "node:assert/strict";
import { fromFlags } from "../../../src/commands/options.ts";
import type { FirewallSpec, SpecInput } from "../../../src/core/spec.ts";
import { parseEntry, rules } from "../../../src/validators/firewall.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

/** Everything a public-cloud cluster needs, as a user's own firewall would allow it. */
const COMPLETE = [
  "udp:AzureCloud.westeurope:1194",
  "tcp:AzureCloud.westeurope:9000",
  "udp:*:123",
  "*.hcp.westeurope.azmk8s.io:443",
  "mcr.microsoft.com",
  "*.data.mcr.microsoft.com",
  "mcr-0001.mcr-msedge.net",
  "management.azure.com",
  "login.microsoftonline.com",
  "packages.microsoft.com",
  "acs-mirror.azureedge.net",
  "packages.aks.azure.com",
  "security.ubuntu.com:80",
  "azure.archive.ubuntu.com:80",
  "changelogs.ubuntu.com:80",
];
/** A user's own firewall: UDR to a hub appliance, the allow-list to check. */
const own = (allowList: string[], extra: SpecInput = {}): SpecInput => ({
  ...BASE,
  location: "westeurope",
  outboundType: "userDefinedRouting",
  routes: [
    { prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "192.168.0.4" },
    { prefix: "20.1.2.3/32", nextHopType: "Internet" },
  ],
  connectedCidrs: ["192.168.0.0/16"],
  firewall: { enabled: false, allowList },
  ...extra,
});
const without = (...drop: string[]): string[] => COMPLETE.filter((e) => !drop.includes(e));
const FW_IDS = ["FW-01", "FW-02", "FW-03", "FW-04", "FW-05", "FW-06", "FW-07", "FW-08", "FW-09", "FW-10", "FW-11", "FW-12", "FW-13", "FW-14"];
/** aks-net builds the firewall. */
const built = (firewall: Partial<FirewallSpec>, extra: SpecInput = {}): SpecInput => ({ ...BASE, firewall: { enabled: true, ...firewall }, ...extra });

describe("validators/firewall", () => {
  it("lists FW-01 … FW-14, FW-OLD-01 … 07 and FWS-01 … 05", () => {
    const old = Array.from({ length: 7 }, (_, i) => `FW-OLD-0${i + 1}`);
    const fws = Array.from({ length: 5 }, (_, i) => `FWS-0${i + 1}`);
    assert.deepEqual(
      rules().map((r) => r.id),
      [...FW_IDS, ...old, ...fws],
    );
    assert.match(rules().find((r) => r.id === "FW-05")?.summary ?? "", /informational/);
    // FW-04 is checked against the VNet's custom DNS servers (validators/custom-dns.ts).
    assert.match(rules().find((r) => r.id === "FW-04")?.summary ?? "", /--dns-servers/);
  });

  it("reads allow-list entries: protocol, host, port", () => {
    assert.deepEqual(parseEntry("UDP:AzureCloud.westeurope:1194", 0), { index: 0, text: "UDP:AzureCloud.westeurope:1194", host: "azurecloud.westeurope", port: 1194, protocol: "udp" });
    assert.deepEqual(parseEntry("https://mcr.microsoft.com/v2", 1), { index: 1, text: "https://mcr.microsoft.com/v2", host: "mcr.microsoft.com", protocol: "https" });
    assert.deepEqual(parseEntry("TCP:22", 2), { index: 2, text: "TCP:22", host: "*", port: 22, protocol: "tcp" });
    assert.deepEqual(parseEntry("10.0.0.0/8:1194/udp", 3), { index: 3, text: "10.0.0.0/8:1194/udp", host: "10.0.0.0/8", port: 1194, protocol: "udp" });
  });

  describe("a user's own allow-list (FW-01 … FW-14)", () => {
    it("the complete current list has no finding", () => {
      assert.deepEqual(check(own(COMPLETE)).filter((f) => f.rule.startsWith("FW")), []);
    });
    it("aks-net's own firewall includes the rules by construction: nothing is missing", () => {
      assert.deepEqual(check(built({ subnetCidr: "10.10.8.0/26", allowList: ["mcr.microsoft.com"] })).filter((f) => FW_IDS.includes(f.rule)), []);
    });
    it("FW-01 / FW-02 tunnel ports are info (konnectivity clusters do not need them)", () => {
      const f = one(check(own(without("udp:AzureCloud.westeurope:1194"))), "FW-01", "info", ["firewall.allowList"]);
      assert.match(f.fix, /udp:AzureCloud\.westeurope:1194/);
      one(check(own(without("tcp:AzureCloud.westeurope:9000"))), "FW-02", "info", ["firewall.allowList"]);
      none(check(own([...without("tcp:AzureCloud.westeurope:9000"), "tcp:20.50.0.0/16:9000"])), "FW-02");
      one(check(own([...without("tcp:AzureCloud.westeurope:9000"), "tcp:AzureCloud.westeurope:9001"])), "FW-02", "info");
      one(check(own([...without("udp:AzureCloud.westeurope:1194"), "tcp:AzureCloud.westeurope:1194"])), "FW-01", "info");
    });
    it("FW-03 NTP: udp *:123 or ntp.ubuntu.com:123", () => {
      const f = one(check(own(without("udp:*:123"))), "FW-03", "info", ["firewall.allowList"]);
      assert.match(f.fix, /'udp:\*:123'/);
      none(check(own([...without("udp:*:123"), "ntp.ubuntu.com:123"])), "FW-03");
    });
    it("FW-06 the regional API server FQDN", () => {
      const f = one(check(own(without("*.hcp.westeurope.azmk8s.io:443"))), "FW-06", "warning", ["firewall.allowList"]);
      assert.match(f.message, /\*\.hcp\.westeurope\.azmk8s\.io/);
      one(check(own([...without("*.hcp.westeurope.azmk8s.io:443"), "*.hcp.eastus.azmk8s.io"])), "FW-06", "warning");
      none(check(own([...without("*.hcp.westeurope.azmk8s.io:443"), "*.azmk8s.io"])), "FW-06");
      none(check(own(COMPLETE, { location: undefined })), "FW-06");
    });
    it("FW-07 / FW-08 / FW-09 name exactly the missing FQDNs", () => {
      const f = one(check(own(without("*.data.mcr.microsoft.com"))), "FW-07", "warning", ["firewall.allowList"]);
      assert.match(f.message, /misses \*\.data\.mcr\.microsoft\.com \(port 443\)/);
      none(check(own([...without("*.data.mcr.microsoft.com"), "*.mcr.microsoft.com"])), "FW-07");
      one(check(own(without("login.microsoftonline.com"))), "FW-08", "warning");
      const p = one(check(own(without("packages.aks.azure.com"))), "FW-09", "warning");
      assert.match(p.message, /misses packages\.aks\.azure\.com \(port 443\) for/);
    });
    it("FW-13 the AzureKubernetesService FQDN tag covers FW-06 … FW-09", () => {
      const tagged = ["AzureKubernetesService", ...COMPLETE.slice(0, 3), ...COMPLETE.slice(12)];
      assert.deepEqual(check(own(tagged)).filter((f) => f.severity !== "info" && f.rule.startsWith("FW")), []);
      for (const id of ["FW-06", "FW-07", "FW-08", "FW-09"]) none(check(own(tagged)), id);
      one(check(own(COMPLETE.slice(0, 3))), "FW-07", "warning");
    });
    it("FW-13 FQDNs in network rules need DNS proxy (info)", () => {
      const f = one(check(own([...without("udp:*:123"), "ntp.ubuntu.com:123"])), "FW-13", "info", ["firewall.allowList"]);
      assert.match(f.message, /DNS proxy/);
      none(check(own(COMPLETE)), "FW-13");
    });
    it("FW-10 optional OS updates (info)", () => {
      one(check(own(without("changelogs.ubuntu.com:80"))), "FW-10", "info");
      none(check(own(COMPLETE)), "FW-10");
    });
    it("FW-11 GPU pools need the NVIDIA and Docker download endpoints", () => {
      const gpu: SpecInput = { nodePools: [{}, { name: "gpu", vmSize: "Standard_NC6s_v3" }] };
      const f = one(check(own(COMPLETE, gpu)), "FW-11", "warning", ["firewall.allowList"]);
      assert.match(f.message, /nvidia\.github\.io, us\.download\.nvidia\.com, download\.docker\.com/);
      none(check(own([...COMPLETE, "nvidia.github.io", "us.download.nvidia.com", "download.docker.com"], gpu)), "FW-11");
      none(check(own(COMPLETE)), "FW-11");
    });
    it("FW-12 Windows pools need their endpoints (443 and 80)", () => {
      const win: SpecInput = { nodePools: [{}, { name: "win", osType: "Windows" }] };
      assert.equal(byRule(check(own(COMPLETE, win)), "FW-12").length, 2);
      const all = [...COMPLETE, "onegetcdn.azureedge.net", "go.microsoft.com", "*.mp.microsoft.com:80", "www.msftconnecttest.com:80", "ctldl.windowsupdate.com:80"];
      none(check(own(all, win)), "FW-12");
      none(check(own(COMPLETE)), "FW-12");
    });
    it("FW-14 sovereign clouds need their own endpoints instead of the public ones", () => {
      const china = check(own(COMPLETE, { location: "chinaeast2" }));
      const f = one(china, "FW-14", "warning", ["firewall.allowList"]);
      assert.match(f.message, /\*\.hcp\.chinaeast2\.cx\.prod\.service\.azk8s\.cn/);
      none(china, "FW-06");
      none(check(own(COMPLETE)), "FW-14");
      one(check(own(COMPLETE, { location: "usgovvirginia" })), "FW-14", "warning");
    });
  });

  describe("stale entries (FW-OLD-01 … 07)", () => {
    const stale: [string, string, string][] = [
      ["FW-OLD-01", "*westeurope.azmk8s.io", "*.hcp.westeurope.azmk8s.io"],
      ["FW-OLD-01", "*.tun.westeurope.azmk8s.io:9000", "*.privatelink.westeurope.azmk8s.io"],
      ["FW-OLD-02", "tcp:*:22", "tcp:*:9000"],
      ["FW-OLD-03", "k8s.gcr.io", "mcr.microsoft.com"],
      ["FW-OLD-03", "storage.googleapis.com", "packages.microsoft.com"],
      ["FW-OLD-04", "*registry-1.docker.io", "download.docker.com"],
      ["FW-OLD-04", "*.cloudflare.docker.com", "nvidia.github.io"],
      ["FW-OLD-05", "*.cdn.mscr.io", "*.data.mcr.microsoft.com"],
      ["FW-OLD-06", "aksrepos.azurecr.io", "myregistry.azurecr.io"],
      ["FW-OLD-07", "tcp:*:123", "udp:*:123"],
      ["FW-OLD-07", "tcp:10.0.0.10:53", "udp:10.0.0.10:53"],
    ];
    for (const [id, bad, good] of stale) {
      it(`${id}: '${bad}' is stale, '${good}' is not`, () => {
        const f = one(check(own([...COMPLETE, bad])), id, "warning", [`firewall.allowList[${COMPLETE.length}]`]);
        assert.match(f.message, new RegExp(`'${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}'`));
        assert.match(f.fix, /^replace it with /);
        none(check(own([...COMPLETE, good])), id);
      });
    }
    it("the current limit-egress-traffic.md Docker Hub and GHCR entries (network rules on TCP 443) are not stale", () => {
      // The guide's fourth and fifth network rules: ghcr.io, pkg-containers.githubusercontent.com; docker.io,
      // registry-1.docker.io, production.cloudflare.docker.com, all TCP 443.
      const current = ["tcp:ghcr.io:443", "pkg-containers.githubusercontent.com:443", "docker.io", "tcp:registry-1.docker.io:443", "production.cloudflare.docker.com:443"];
      const findings = check(own([...COMPLETE, ...current]));
      assert.deepEqual(findings.filter((f) => f.rule.startsWith("FW-OLD-")), []);
    });
    it("FW-OLD-04's fix names the current Docker Hub entries", () => {
      const f = one(check(own([...COMPLETE, "*auth.docker.io"])), "FW-OLD-04", "warning");
      assert.match(f.fix, /docker\.io, registry-1\.docker\.io, production\.cloudflare\.docker\.com/);
    });
    it("are flagged on aks-net's own firewall too", () => {
      one(check(built({ subnetCidr: "10.10.8.0/26", allowList: ["k8s.gcr.io"] })), "FW-OLD-03", "warning", ["firewall.allowList[0]"]);
    });
    it("TCP 22 is still listed for 21Vianet", () => none(check(own([...COMPLETE, "tcp:*:22"], { location: "chinanorth3" })), "FW-OLD-02"));
  });

  describe("the firewall aks-net builds (FWS-01 … FWS-05)", () => {
    it("a /26 inside the VNet is valid, with no finding at all", () => {
      assert.deepEqual(check(built({ subnetCidr: "10.10.8.0/26" })).filter((f) => f.severity !== "info"), []);
    });
    it("FWS-01 at least /26, with a free /26 as the fix", () => {
      const f = one(check(built({ subnetCidr: "10.10.8.0/27" })), "FWS-01", "error", ["firewall.subnetCidr"]);
      assert.match(f.message, /10\.10\.8\.0\/27 is a \/27/);
      assert.match(f.fix, /--firewall-subnet-cidr 10\.10\.\d+\.\d+\/26/);
      none(check(built({ subnetCidr: "10.10.8.0/25" })), "FWS-01");
    });
    it("FWS-01 a subnet for the firewall must be given; the fix proposes one", () => {
      const f = one(check(built({})), "FWS-01", "error", ["firewall.subnetCidr"]);
      assert.match(f.fix, /--firewall-subnet-cidr 10\.10\.4\.0\/26/);
    });
    it("FWS-01 the name is case-sensitive", () => {
      const vnet = { ...BASE.vnet, existingSubnets: [{ name: "azurefirewallsubnet", cidr: "10.10.9.0/26" }] };
      one(check(built({ subnetCidr: "10.10.8.0/26" }, { vnet })), "FWS-01", "error", ["vnet.existingSubnets[0].name"]);
      none(check(built({ subnetCidr: "10.10.8.0/26" }, { vnet: { ...vnet, existingSubnets: [{ name: "AzureFirewallSubnet", cidr: "10.10.8.0/26" }] } })), "FWS-01");
    });
    it("FWS-02 Basic needs a management subnet of at least /26", () => {
      const f = one(check(built({ subnetCidr: "10.10.8.0/26", sku: "Basic" })), "FWS-02", "error", ["firewall.sku", "firewall.managementSubnetCidr"]);
      assert.match(f.message, /AzureFirewallManagementSubnet/);
      assert.match(f.fix, /--firewall-management-subnet-cidr 10\.10\.4\.0\/26/);
      none(check({ ...BASE, ...fromFlags({ firewall: true, firewallSubnetCidr: "10.10.8.0/26", firewallSku: "Basic", firewallManagementSubnetCidr: "10.10.8.64/26" }) }), "FWS-02");
      one(check(built({ subnetCidr: "10.10.8.0/26", sku: "Basic", managementSubnetCidr: "10.10.8.64/27" })), "FWS-02", "error", ["firewall.managementSubnetCidr"]);
      none(check(built({ subnetCidr: "10.10.8.0/26", sku: "Basic", managementSubnetCidr: "10.10.8.64/26" })), "FWS-02");
      none(check(built({ subnetCidr: "10.10.8.0/26", sku: "Standard" })), "FWS-02");
    });
    it("FWS-04 the firewall subnets lie inside the VNet aks-net builds", () => {
      const f = one(check(built({ subnetCidr: "10.20.0.0/26" })), "FWS-04", "error", ["firewall.subnetCidr", "vnet.addressSpaces"]);
      assert.match(f.fix, /10\.10\.\d+\.\d+\/26/);
      const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks";
      one(check({ networkPlugin: "azure", networkPluginMode: "overlay", vnetSubnetId: id, firewall: { enabled: true, subnetCidr: "10.10.8.0/26" } }), "FWS-04", "error", ["firewall.enabled", "vnetSubnetId"]);
      none(check(built({ subnetCidr: "10.10.8.0/26" })), "FWS-04");
      none(check({ vnet: { managed: true }, firewall: { enabled: true, subnetCidr: "10.10.8.0/26" } }), "FWS-04");
      one(check({ vnet: { managed: true }, firewall: { enabled: true, subnetCidr: "10.10.8.0/26" } }), "OUT-01", "error");
    });
    it("FWS-04 overlaps with other subnets and cluster ranges are reported once, by OVL-08 / OVL-01", () => {
      const node = check(built({ subnetCidr: "10.10.0.0/26" }));
      one(node, "OVL-08", "error", ["vnet.subnetCidr", "firewall.subnetCidr"]);
      none(node, "FWS-04");
      one(check(built({ subnetCidr: "10.10.8.0/26" }, { serviceCidr: "10.10.8.0/24", dnsServiceIP: "10.10.8.10" })), "OVL-01", "error", ["serviceCidr", "firewall.subnetCidr"]);
    });
    it("FWS-05 a user default route that misses the firewall's private IP (its 4th address)", () => {
      const route = (ip: string): SpecInput => ({ routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: ip }] });
      const f = one(check(built({ subnetCidr: "10.10.8.0/26" }, route("10.10.9.4"))), "FWS-05", "warning", ["routes[0].nextHopIp", "firewall.subnetCidr"]);
      assert.match(f.message, /private IP will be 10\.10\.8\.4/);
      none(check(built({ subnetCidr: "10.10.8.0/26" }, route("10.10.8.4"))), "FWS-05");
      none(check({ ...BASE, ...route("10.10.9.4") }), "FWS-05");
    });
  });
});
