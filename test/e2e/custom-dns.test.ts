/**
 * `--dns-servers` end to end on the fake ARM (issue 11 item 7): the VNet's DNS, or the firewall's DNS proxy forwarding
 * to them (Standard: classic additional properties; Premium: the policy's dnsSettings), or UDP/TCP 53 allowed to them
 * (Basic, no proxy: FW-04); a re-run writes nothing.
 */
import assert from "node:assert/strict";
import type { Json } from "../fakes/fake-arm.ts";
import { create, net, ok, props, writesSince } from "../helpers/create-cli.ts";
import { useFakeArm } from "../helpers/create-cli.ts";

const DNS = ["--dns-servers", "10.224.0.4", "10.224.0.5"];

describe("create --dns-servers (fake ARM)", function () {
  this.timeout(120_000);
  const arm = useFakeArm();
  const converges = async (name: string, args: string[]): Promise<void> => {
    const fake = arm.fake;
    const mark = fake.requests.length;
    ok(await create(fake, name, args));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), []);
  };

  it("without a firewall the VNet's DNS servers are yours", async () => {
    ok(await create(arm.fake, "dnsplain", DNS));
    assert.deepEqual((props(arm.fake.get(net("rg-dnsplain", "virtualNetworks", "dnsplain-vnet")))["dhcpOptions"] as Json)["dnsServers"], ["10.224.0.4", "10.224.0.5"]);
    await converges("dnsplain", DNS);
  });

  it("Standard firewall: the VNet points at the firewall, whose DNS proxy forwards to your servers", async () => {
    const args = [...DNS, "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];
    ok(await create(arm.fake, "dnsfw", args));
    assert.deepEqual((props(arm.fake.get(net("rg-dnsfw", "virtualNetworks", "dnsfw-vnet")))["dhcpOptions"] as Json)["dnsServers"], ["10.225.0.4"]);
    const extra = props(arm.fake.get(net("rg-dnsfw", "azureFirewalls", "dnsfw-fw")))["additionalProperties"] as Json;
    assert.deepEqual(extra, { "Network.DNS.EnableProxy": "true", "Network.DNS.Servers": "10.224.0.4,10.224.0.5" });
    await converges("dnsfw", args);
  });

  it("Premium: the policy's DNS settings forward to your servers", async () => {
    const args = [...DNS, "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--firewall-sku", "Premium"];
    ok(await create(arm.fake, "dnsprem", args));
    assert.deepEqual(props(arm.fake.get(net("rg-dnsprem", "firewallPolicies", "dnsprem-fw-policy")))["dnsSettings"], { enableProxy: true, servers: ["10.224.0.4", "10.224.0.5"] });
    await converges("dnsprem", args);
  });

  it("Basic (no DNS proxy): the VNet asks your servers and the firewall allows UDP and TCP 53 to them (FW-04)", async () => {
    const args = [...DNS, "--firewall", "--firewall-subnet-cidr", "10.225.0.0/26", "--firewall-sku", "Basic", "--firewall-management-subnet-cidr", "10.225.0.64/26"];
    ok(await create(arm.fake, "dnsbasic", args));
    assert.deepEqual((props(arm.fake.get(net("rg-dnsbasic", "virtualNetworks", "dnsbasic-vnet")))["dhcpOptions"] as Json)["dnsServers"], ["10.224.0.4", "10.224.0.5"]);
    const group = arm.fake.get(`${net("rg-dnsbasic", "firewallPolicies", "dnsbasic-fw-policy")}/ruleCollectionGroups/aks-egress`);
    const rules = (props(group)["ruleCollections"] as Json[]).flatMap((c) => (c["rules"] ?? []) as Json[]).filter((r) => String(r["name"]).startsWith("dns-"));
    assert.deepEqual(rules.map((r) => [r["name"], r["ipProtocols"], r["destinationAddresses"], r["destinationPorts"]]), [
      ["dns-udp", ["UDP"], ["10.224.0.4", "10.224.0.5"], ["53"]],
      ["dns-tcp", ["TCP"], ["10.224.0.4", "10.224.0.5"], ["53"]],
    ]);
    await converges("dnsbasic", args);
  });
});
