import assert from "node:assert/strict";
import { cidr, contains, overlaps } from "../../src/core/cidr.ts";
import { proposeRanges, withoutDefaults } from "../../src/core/proposals.ts";
import { resolveSpec } from "../../src/core/resolve.ts";
import type { SpecInput } from "../../src/core/spec.ts";
import { RESERVED_RANGES } from "../../src/core/planner.ts";

/** Proposals for a spec given as flags (defaults applied as the CLI does). */
function propose(input: SpecInput, opts: { podSubnet?: boolean } = {}) {
  const r = resolveSpec([{ source: "flag", input }]);
  return proposeRanges(r.spec, r.provenance, opts);
}

const clear = (text: string | undefined, others: readonly string[]): void => {
  assert.ok(text, "a proposal was expected");
  for (const o of others) assert.equal(overlaps(cidr(text), cidr(o)), false, `${text} overlaps ${o}`);
};

describe("core/proposals", () => {
  it("proposes the defaults a spec without ranges gets, when they are free (one set of defaults)", () => {
    const p = propose({});
    assert.equal(p.vnetSpace(), "10.224.0.0/12");
    assert.equal(p.serviceCidr(), "10.0.0.0/16");
    assert.equal(p.podCidr(), "10.244.0.0/16");
    const inVnet = propose({ vnet: { addressSpaces: ["10.224.0.0/12"] } });
    assert.equal(inVnet.nodeSubnet(), "10.224.0.0/16");
    clear(p.vnetSpace(), RESERVED_RANGES);
  });

  it("a default that is taken, outside the VNet or too small gives way to a free range of the needed size", () => {
    assert.equal(propose({ connectedCidrs: ["10.224.0.0/16"] }).vnetSpace(), "10.0.0.0/16");
    assert.equal(propose({ vnet: { addressSpaces: ["10.8.0.0/16"] } }).nodeSubnet(), "10.8.0.0/24");
    assert.equal(propose({ vnet: { addressSpaces: ["10.224.0.0/12"], existingSubnets: [{ name: "x", cidr: "10.224.0.0/24" }] } }).nodeSubnet(), "10.224.1.0/24");
    assert.equal(propose({ nodePools: [{ count: 300 }] }).podCidr(), "10.0.0.0/15"); // 301 /24s do not fit the default /16
    assert.equal(propose({ vnet: { addressSpaces: ["10.0.0.0/16"], subnetCidr: "10.0.0.0/24" } }).serviceCidr(), "10.1.0.0/16");
  });

  it("AKS defaults still waiting for an answer do not block a proposal", () => {
    // The default service CIDR is 10.0.0.0/16; it is asked later, so the VNet may take that space now.
    const r = resolveSpec([{ source: "flag", input: {} }]);
    assert.equal(r.provenance["serviceCidr"], "default");
    assert.equal(withoutDefaults(r.spec, r.provenance).serviceCidr, undefined);
    assert.equal(withoutDefaults(r.spec, r.provenance).vnet.addressSpaces.length, 0);
  });

  it("keeps every range clear of connected ranges (peerings, VPN, on-prem)", () => {
    const connected = ["10.0.0.0/8", "192.168.0.0/16"];
    const p = propose({ connectedCidrs: connected });
    clear(p.vnetSpace(), [...connected, ...RESERVED_RANGES]);
    clear(p.serviceCidr(), [...connected, ...RESERVED_RANGES]);
    clear(p.podCidr(), [...connected, ...RESERVED_RANGES]);
  });

  it("cluster ranges avoid the chosen VNet and each other", () => {
    const vnet = ["10.0.0.0/16"];
    const service = propose({ vnet: { addressSpaces: vnet, subnetCidr: "10.0.0.0/24" } }).serviceCidr();
    clear(service, vnet);
    const pod = propose({ vnet: { addressSpaces: vnet, subnetCidr: "10.0.0.0/24" }, serviceCidr: service as string, dnsServiceIP: "10.1.0.10" }).podCidr();
    clear(pod, [...vnet, service as string]);
  });

  it("a VNet around existing subnets holds them; the node subnet avoids them", () => {
    const existing = [{ name: "appgw", cidr: "10.5.1.0/24" }, { name: "pe", cidr: "10.5.0.0/24" }];
    const vnet = propose({ vnet: { existingSubnets: existing } }).vnetSpace();
    assert.equal(vnet, "10.5.0.0/16");
    const node = propose({ vnet: { addressSpaces: [vnet as string], existingSubnets: existing } }).nodeSubnet();
    assert.ok(node && contains(cidr(vnet as string), cidr(node)));
    clear(node, existing.map((e) => e.cidr));
  });

  it("a VNet around existing subnets that clash with a connected range moves to free space", () => {
    const vnet = propose({ vnet: { existingSubnets: [{ name: "a", cidr: "10.5.1.0/24" }] }, connectedCidrs: ["10.5.200.0/24"] }).vnetSpace();
    clear(vnet, ["10.5.200.0/24", "10.5.1.0/24"]);
  });

  it("sizes an Azure CNI node subnet for (nodes + surge) x (1 + max pods)", () => {
    // 50 nodes + 1 surge, 31 IPs each = 1,581 addresses: a /21 (2,043 usable), as in the AKS planning docs.
    const p = propose({ networkPlugin: "azure", nodePools: [{ count: 50, maxPods: 30 }], vnet: { addressSpaces: ["10.8.0.0/16"] } });
    assert.equal(p.sizes.nodeSubnet, 21);
    assert.ok(p.sizes.vnet <= 20, `VNet /${p.sizes.vnet} must hold twice the node subnet`);
    assert.match(p.nodeSubnet() ?? "", /\/21$/);
  });

  it("counts the autoscaler maximum, not the start count", () => {
    const p = propose({ networkPlugin: "azure", nodePools: [{ count: 3, maxPods: 30, enableAutoScaling: true, minCount: 3, maxCount: 100 }] });
    assert.equal(p.sizes.nodeSubnet, 20); // 101 x 31 = 3,131 addresses
  });

  it("never proposes a node subnet smaller than a /24 (one IP per node under overlay)", () => {
    assert.equal(propose({ networkPlugin: "azure", networkPluginMode: "overlay" }).sizes.nodeSubnet, 24);
  });

  it("with a pod subnet to come, the node subnet takes one IP per node and the pod subnet nodes x max pods in batches of 16 (CAP-03)", () => {
    const p = propose({ networkPlugin: "azure", nodePools: [{ count: 3, maxPods: 250 }] }, { podSubnet: true });
    assert.equal(p.sizes.nodeSubnet, 24);
    // 4 x 256 = 1,024 addresses: a /22 has 1,019 usable, so CAP-03 would warn; the /21 holds them.
    assert.equal(p.sizes.podSubnet, 21);
    assert.equal(propose({ networkPlugin: "azure", nodePools: [{ count: 3, maxPods: 30 }] }, { podSubnet: true }).sizes.podSubnet, 24, "4 x 32 = 128");
  });

  it("pod subnet and firewall subnet land inside the VNet, clear of the node subnet", () => {
    const input: SpecInput = { networkPlugin: "azure", vnet: { addressSpaces: ["10.60.0.0/16"], subnetCidr: "10.60.0.0/24" }, firewall: { enabled: true } };
    const fw = propose(input, { podSubnet: true }).firewallSubnet();
    assert.equal(fw, "10.60.1.0/26");
    // Each answer becomes known before the next proposal, as in the wizard.
    const pod = propose({ ...input, firewall: { enabled: true, subnetCidr: fw as string } }, { podSubnet: true }).podSubnet();
    clear(pod, ["10.60.0.0/24", fw as string]);
    assert.ok(contains(cidr("10.60.0.0/16"), cidr(pod as string)));
  });

  it("sizes the pod CIDR at one /24 per node (SIZE-03)", () => {
    assert.equal(propose({ nodePools: [{ count: 3 }] }).sizes.podCidr, 16);
    assert.equal(propose({ nodePools: [{ count: 300 }] }).sizes.podCidr, 15); // 301 /24s need a /15
  });

  it("proposes no node subnet when the VNet is full", () => {
    const p = propose({ vnet: { addressSpaces: ["10.9.0.0/24"], existingSubnets: [{ name: "all", cidr: "10.9.0.0/24" }] } });
    assert.equal(p.nodeSubnet(), undefined);
  });

  it("proposes the .10 address of the service CIDR as DNS service IP", () => {
    const p = propose({});
    assert.equal(p.dnsServiceIP("10.3.0.0/16"), "10.3.0.10");
    assert.equal(p.dnsServiceIP("10.3.0.0/29"), undefined);
    assert.equal(p.dnsServiceIP("not-a-cidr"), undefined);
  });
});
