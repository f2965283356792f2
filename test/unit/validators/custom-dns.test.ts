import assert from "node:assert/strict";
import type { SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/custom-dns.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

const dns = (servers: unknown, extra: SpecInput = {}): SpecInput => ({ ...BASE, location: "westeurope", ...extra, vnet: { ...BASE.vnet, ...(extra.vnet ?? {}), dnsServers: servers as string[] } });

describe("validators/custom-dns (VNet name resolution, FW-04)", () => {
  it("lists DNS-07 … DNS-09", () => assert.deepEqual(rules().map((r) => `${r.id} ${r.severity}`), ["DNS-07 error", "DNS-08 warning", "DNS-09 error"]));

  it("Azure DNS alone needs no forwarding; no servers, no findings", () => {
    for (const id of ["DNS-07", "DNS-08", "DNS-09", "FW-04"]) none(check(dns(["168.63.129.16"])), id);
    for (const id of ["DNS-07", "DNS-08", "DNS-09", "FW-04"]) none(check(BASE), id);
  });

  it("DNS-08 custom servers must forward to 168.63.129.16 (and a private cluster's zone is only Azure DNS's)", () => {
    assert.match(one(check(dns(["10.10.0.4", "10.10.0.5"])), "DNS-08", "warning", ["vnet.dnsServers"]).fix, /forward .* to 168\.63\.129\.16/);
    assert.match(one(check(dns(["10.10.0.4"], { apiServerAccessProfile: { enablePrivateCluster: true } })), "DNS-08", "warning").message, /private DNS zone only Azure DNS answers/);
  });

  it("DNS-07 addresses nodes can reach", () => {
    const f = check(dns(["10.0.0.53", "fd00::53", "10.10.0.0/24", "169.254.1.1"])).filter((x) => x.rule === "DNS-07");
    assert.deepEqual(f.map((x) => x.fields[0]), ["vnet.dnsServers[0]", "vnet.dnsServers[1]", "vnet.dnsServers[2]", "vnet.dnsServers[3]"]);
    assert.match(f[0]?.message ?? "", /lies in 10\.0\.0\.0\/16, one of the cluster's own ranges/);
    assert.match(f[3]?.message ?? "", /link-local/);
  });

  it("DNS-09 not with your own subnet", () => one(check(dns(["10.10.0.4"], { vnetSubnetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/s" })), "DNS-09", "error", ["vnet.dnsServers", "vnetSubnetId"]));

  describe("FW-04 DNS through the egress firewall", () => {
    const fw = (sku: string): SpecInput => ({ firewall: { enabled: true, subnetCidr: "10.10.8.0/26", sku }, outboundType: "userDefinedRouting" });
    it("aks-net's firewall proxies to them (info)", () => assert.match(one(check(dns(["10.10.0.4"], fw("Standard"))), "FW-04", "info").message, /DNS proxy forwards to 10\.10\.0\.4/));
    it("Basic has no proxy: aks-net allows UDP and TCP 53 (info)", () => assert.match(one(check(dns(["10.10.0.4"], fw("Basic"))), "FW-04", "info").message, /allows UDP and TCP 53/));
    it("your appliance: a warning unless the allow-list has port 53 to them", () => {
      const udr: SpecInput = { outboundType: "userDefinedRouting", routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.10.9.4" }] };
      assert.match(one(check(dns(["10.20.0.4"], udr)), "FW-04", "warning").fix, /allow UDP and TCP 53 .* to 10\.20\.0\.4/);
      assert.equal(byRule(check(dns(["10.20.0.4"], { ...udr, firewall: { enabled: false, allowList: ["10.20.0.4:53"] } })), "FW-04").length, 0);
      assert.equal(byRule(check(dns(["10.20.0.4"], { ...udr, firewall: { enabled: false, allowList: ["udp:10.20.0.4:53"] } })), "FW-04").length, 1, "UDP alone is not enough: DNS falls back to TCP");
    });
  });
});
