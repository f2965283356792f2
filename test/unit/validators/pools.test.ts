import assert from "node:assert/strict";
import type { NodePoolSpec, SpecInput } from "../../../src/core/spec.ts";
import { rules } from "../../../src/validators/pools.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

const withPools = (nodePools: Partial<NodePoolSpec>[]): SpecInput => ({ ...BASE, nodePools });

describe("validators/pools (use-system-pools.md, create-node-pools.md)", () => {
  it("lists POOL-01 … POOL-04", () => assert.deepEqual(rules().map((r) => `${r.id} ${r.severity}`), ["POOL-01 error", "POOL-02 error", "POOL-03 error", "POOL-04 error", "POOL-05 error", "POOL-06 error", "POOL-07 error"]));

  describe("POOL-01 system pools are Linux", () => {
    it("a Windows first pool (System by default) is an error", () => {
      const f = one(check(withPools([{ name: "win", osType: "Windows" }])), "POOL-01", "error", ["nodePools[0].osType", "nodePools[0].mode"]);
      assert.match(f.message, /System pools osType must be Linux/);
    });
    it("a Windows pool marked System is an error wherever it is", () => {
      one(check(withPools([{ name: "sys" }, { name: "win", osType: "Windows", mode: "System" }])), "POOL-01", "error", ["nodePools[1].osType", "nodePools[1].mode"]);
    });
    it("a Linux system pool with a Windows user pool is fine", () => none(check(withPools([{ name: "sys" }, { name: "win", osType: "Windows" }])), "POOL-01"));
  });

  describe("POOL-02 names", () => {
    const bad: [string, string | undefined, RegExp][] = [
      ["Sys", "Linux", /must begin with a lowercase letter/],
      ["1pool", "Linux", /must begin with a lowercase letter/],
      ["my-pool", "Linux", /only contain lowercase letters and digits/],
      ["abcdefghijklm", "Linux", /13 characters; Linux pool names are 1-12/],
      ["wind0ws", "Windows", /7 characters; Windows pool names are 1-6/],
      ["", "Linux", /is not a name/],
    ];
    for (const [name, osType, why] of bad) {
      it(`'${name}' (${osType}) is refused`, () => {
        const pools: Partial<NodePoolSpec>[] = osType === "Windows" ? [{ name: "sys" }, { name, osType }] : [{ name }];
        const i = pools.length - 1;
        const f = one(check(withPools(pools)), "POOL-02", "error", [`nodePools[${i}].name`]);
        assert.match(f.message, why);
        assert.match(f.fix, /^use a name such as '[a-z][a-z0-9]*'$/);
      });
    }
    for (const [name, osType] of [["a", "Linux"], ["abcdefghijkl", "Linux"], ["np1", "Linux"], ["win1", "Windows"], ["abcdef", "Windows"]] as const) {
      it(`'${name}' (${osType}) is accepted`, () => {
        const pools: Partial<NodePoolSpec>[] = osType === "Windows" ? [{ name: "sys" }, { name, osType }] : [{ name }];
        none(check(withPools(pools)), "POOL-02");
      });
    }
    it("the default names (system, pool1, …) are valid", () => none(check(withPools([{}, {}, {}])), "POOL-02"));
  });

  describe("POOL-03 unique names", () => {
    it("two pools with one name are an error naming both", () => {
      one(check(withPools([{ name: "sys" }, { name: "work" }, { name: "work" }])), "POOL-03", "error", ["nodePools[1].name", "nodePools[2].name"]);
    });
    it("three pools with one name give two findings", () => assert.equal(byRule(check(withPools([{ name: "a" }, { name: "a" }, { name: "a" }])), "POOL-03").length, 2));
    it("distinct names are fine", () => none(check(withPools([{ name: "sys" }, { name: "work" }])), "POOL-03"));
  });

  describe("POOL-04 Windows administrator (AKS REST spec: ManagedClusterWindowsProfile.adminUsername)", () => {
    const win = (adminUsername: string): SpecInput => ({ ...withPools([{ name: "sys" }, { name: "win", osType: "Windows" }]), windowsProfile: { adminUsername } });
    for (const [name, why] of [["admin", /reserves/], ["Administrator", /reserves/], ["root", /reserves/], ["winadmin.", /ends in '\.'/], ["a".repeat(21), /21 characters; Azure takes 1 to 20/], ["", /0 characters/], ["win admin", /character/]] as const) {
      it(`'${name}' is refused`, () => assert.match(one(check(win(name)), "POOL-04", "error", ["windowsProfile.adminUsername"]).message, why));
    }
    it("winadmin is fine, and so is the default (azureuser) with a Windows pool", () => {
      none(check(win("winadmin")), "POOL-04");
      none(check(withPools([{ name: "sys" }, { name: "win", osType: "Windows" }])), "POOL-04");
    });
  });
});

describe("validators/pools: pools with subnets of their own (node-pool-unique-subnet.md)", () => {
  const podSubnet: SpecInput = { networkPlugin: "azure", vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", podSubnetCidr: "10.10.64.0/20" } };
  const pools = (base: SpecInput, nodePools: Partial<NodePoolSpec>[]): SpecInput => ({ ...base, nodePools });

  it("a valid layout (own node subnet, own pod subnet, a shared one by name) has no POOL-05/06 finding", () => {
    const f = check(pools(podSubnet, [{ name: "sys" }, { name: "web", mode: "User", vnetSubnetCidr: "10.10.4.0/24", podSubnetCidr: "10.10.80.0/20" }, { name: "api", mode: "User", vnetSubnetName: "aks-nodes-web" }]));
    none(f, "POOL-05");
    none(f, "POOL-06");
    none(f, "OVL-08");
  });

  describe("POOL-05 one subnet, one definition", () => {
    it("a name no pool defines is an error naming the missing prefix field", () => {
      const f = one(check(withPools([{ name: "sys" }, { name: "web", mode: "User", vnetSubnetName: "snet-web" }])), "POOL-05", "error", ["nodePools[1].vnetSubnetName"]);
      assert.match(f.message, /'snet-web', which no pool defines/);
      assert.match(f.fix, /nodePools\[1\]\.vnetSubnetCidr/);
    });
    it("names that differ only in case are one subnet in Azure: a pool's 'AKS-NODES' next to the cluster's 'aks-nodes', or two pools' spellings, is an error naming both", () => {
      const f = one(check(pools(podSubnet, [{ name: "sys" }, { name: "web", mode: "User", vnetSubnetName: "AKS-NODES", vnetSubnetCidr: "10.10.4.0/24" }])), "POOL-05", "error", ["vnet.subnetName", "nodePools[1].vnetSubnetName"]);
      assert.match(f.message, /'AKS-NODES' and 'aks-nodes' name the same subnet/);
      one(check(withPools([{ name: "sys" }, { name: "a", mode: "User", vnetSubnetName: "snet-web", vnetSubnetCidr: "10.10.4.0/24" }, { name: "b", mode: "User", vnetSubnetName: "Snet-Web" }])), "POOL-05", "error", ["nodePools[1].vnetSubnetName", "nodePools[2].vnetSubnetName"]);
      one(check({ ...pools(podSubnet, [{ name: "sys" }, { name: "web", mode: "User", podSubnetName: "AKS-ILB", podSubnetCidr: "10.10.128.0/20" }]), ingress: { internalLoadBalancer: { subnetCidr: "10.10.9.0/28" } } } as SpecInput), "POOL-05", "error", ["ingress.internalLoadBalancer.subnetName", "nodePools[1].podSubnetName"]);
      // An existing subnet's other spelling too, named by its index.
      const existing = { ...podSubnet.vnet, existingSubnets: [{ name: "other", cidr: "10.10.200.0/24" }, { name: "SNET-WEB", cidr: "10.10.201.0/24" }] };
      one(check({ ...pools(podSubnet, [{ name: "sys" }, { name: "web", mode: "User", vnetSubnetName: "snet-web", vnetSubnetCidr: "10.10.4.0/24" }]), vnet: existing } as SpecInput), "POOL-05", "error", ["vnet.existingSubnets[1].name", "nodePools[1].vnetSubnetName"]);
      // The same spelling shares the subnet, as before.
      none(check(withPools([{ name: "sys" }, { name: "a", mode: "User", vnetSubnetName: "snet-web", vnetSubnetCidr: "10.10.4.0/24" }, { name: "b", mode: "User", vnetSubnetName: "snet-web" }])), "POOL-05");
    });
    it("two prefixes for one name is an error", () => {
      const f = one(check(withPools([{ name: "sys" }, { name: "a", mode: "User", vnetSubnetName: "s", vnetSubnetCidr: "10.10.4.0/24" }, { name: "b", mode: "User", vnetSubnetName: "s", vnetSubnetCidr: "10.10.5.0/24" }])), "POOL-05", "error", ["nodePools[1].vnetSubnetCidr", "nodePools[2].vnetSubnetCidr"]);
      assert.match(f.message, /one subnet has one prefix/);
    });
    it("the cluster's node subnet named with another prefix is an error", () => {
      one(check(withPools([{ name: "sys" }, { name: "a", mode: "User", vnetSubnetName: "aks-nodes", vnetSubnetCidr: "10.10.4.0/24" }])), "POOL-05", "error", ["nodePools[1].vnetSubnetCidr", "vnet.subnetCidr"]);
    });
    it("an existing subnet's name with another prefix is an error", () => {
      const input = { ...BASE, vnet: { ...BASE.vnet, existingSubnets: [{ name: "snet-web", cidr: "10.10.8.0/24" }] }, nodePools: [{ name: "sys" }, { name: "a", mode: "User", vnetSubnetName: "snet-web", vnetSubnetCidr: "10.10.4.0/24" }] } as SpecInput;
      one(check(input), "POOL-05", "error", ["nodePools[1].vnetSubnetCidr", "vnet.existingSubnets[0].cidr"]);
    });
    it("a pod subnet named like a node subnet is an error", () => {
      const f = one(check(pools(podSubnet, [{ name: "sys" }, { name: "a", mode: "User", vnetSubnetName: "s", vnetSubnetCidr: "10.10.4.0/24", podSubnetName: "s", podSubnetCidr: "10.10.80.0/20" }])), "POOL-05", "error", ["nodePools[1].podSubnetCidr"]);
      assert.match(f.message, /both a node subnet and a pod subnet/);
    });
  });

  describe("POOL-06 where pool subnets can go", () => {
    it("with a brought node subnet: an error", () => {
      const input: SpecInput = { vnetSubnetId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/n", nodePools: [{ name: "sys" }, { name: "a", mode: "User", vnetSubnetCidr: "10.10.4.0/24" }] };
      one(check(input), "POOL-06", "error", ["nodePools[1].vnetSubnetCidr", "vnetSubnetId"]);
    });
    it("a pool pod subnet on an overlay cluster: an error", () => {
      const f = one(check(withPools([{ name: "sys" }, { name: "a", mode: "User", podSubnetCidr: "10.10.80.0/20" }])), "POOL-06", "error", ["nodePools[1].podSubnetCidr"]);
      assert.match(f.message, /not Azure CNI pod subnet/);
    });
  });

  describe("POOL-07 taints and labels", () => {
    it("well-formed taints and labels pass", () => none(check(withPools([{ name: "sys", nodeTaints: ["CriticalAddonsOnly=true:NoSchedule", "gpu:NoExecute"], nodeLabels: { "example.com/tier": "front", empty: "" } }])), "POOL-07"));
    for (const [taint, why] of [["nokey", /not key\[=value\]:Effect/], ["a=b:Never", /effect 'Never'/], ["bad key=x:NoSchedule", /invalid key/]] as const) {
      it(`taint '${taint}' is refused`, () => assert.match(one(check(withPools([{ name: "sys", nodeTaints: [taint] }])), "POOL-07", "error", ["nodePools[0].nodeTaints[0]"]).message, why));
    }
    it("a label value over 63 characters is refused", () => {
      one(check(withPools([{ name: "sys", nodeLabels: { k: "x".repeat(64) } }])), "POOL-07", "error", ["nodePools[0].nodeLabels"]);
    });
  });

  describe("CAP-14 each pool subnet holds its pools", () => {
    it("a /28 (11 usable) for 20 nodes is an error naming the pool's field and a bigger free prefix", () => {
      const f = one(check(withPools([{ name: "sys" }, { name: "big", mode: "User", count: 20, vnetSubnetCidr: "10.10.9.0/28" }])), "CAP-14", "error", ["nodePools[1].vnetSubnetCidr", "nodePools[1].count"]);
      assert.match(f.message, /11 usable addresses/);
      assert.match(f.fix, /a \/27 .*free in the VNet/);
    });
    it("pools on their own subnets are not counted in the cluster node subnet", () => {
      const f = check({ ...BASE, vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/28" }, nodePools: [{ name: "sys", count: 3 }, { name: "big", mode: "User", count: 100, vnetSubnetCidr: "10.10.4.0/24" }] });
      none(f, "CAP-02");
      none(f, "CAP-14");
    });
    it("a shared pool subnet counts every pool on it; at peak only: a warning", () => {
      const f = one(check(withPools([{ name: "sys" }, { name: "a", mode: "User", count: 5, vnetSubnetName: "s", vnetSubnetCidr: "10.10.9.0/28" }, { name: "b", mode: "User", count: 6, vnetSubnetName: "s" }])), "CAP-14", "warning", ["nodePools[1].vnetSubnetCidr", "nodePools[1].count", "nodePools[2].count"]);
      assert.match(f.message, /pools 'a', 'b'/);
    });
    it("a pool pod subnet: dynamic allocation takes 16 per node at start", () => {
      one(check(pools(podSubnet, [{ name: "sys" }, { name: "a", mode: "User", count: 3, podSubnetCidr: "10.10.90.0/27" }])), "CAP-14", "error", ["nodePools[1].podSubnetCidr", "nodePools[1].count"]);
    });
  });
});
