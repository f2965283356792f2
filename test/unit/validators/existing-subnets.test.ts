/**
 * Existing subnets are indexed as numbers (buildContext → ctx.existing), not made into one object each: the rules that
 * read them (OVL-01/05/08/10, SIZE-05, SYN-01/06, OUT-04, POOL-05) must report on 10^5 of them exactly what they report
 * on a few, in the same order and with the same messages.
 */
import assert from "node:assert/strict";
import { overlaps } from "../../../src/core/cidr.ts";
import { resolveSpec } from "../../../src/core/resolve.ts";
import type { SpecInput } from "../../../src/core/spec.ts";
import { replacementFix, sharedPlanner, subnetRanges } from "../../../src/core/planner.ts";
import type { FieldRange } from "../../../src/core/planner.ts";
import { nodeSubnetEntry, podSubnetEntry } from "../../../src/validators/compat.ts";
import { buildContext } from "../../../src/validators/index.ts";
import { BASE, byRule, check } from "../../helpers/spec.ts";

/** n distinct /28s in 10.128.0.0/9, as bench/validate.ts makes them. */
const distinct = (n: number): { name: string; cidr: string }[] => Array.from({ length: n }, (_, i) => ({ name: `snet-${i}`, cidr: `10.${128 + (i >> 12)}.${(i >> 4) & 255}.${(i & 15) * 16}/28` }));

describe("validators: 10^5 existing subnets through the index", () => {
  it("reports exactly the one overlap, case twin, host-bit, too-small and unparsable entry, the service and bridge hits and the unreachable hop", () => {
    const existingSubnets: { name: string; cidr: unknown }[] = distinct(100_000);
    existingSubnets.push({ name: "dup", cidr: "10.128.0.16/28" }, { name: "SNET-7", cidr: "10.200.0.0/28" }, { name: "hb", cidr: "10.201.0.5/28" }, { name: "tiny", cidr: "10.202.0.0/30" }, { name: "bad", cidr: "10.203.0.0" });
    const found = check({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      podCidr: "192.168.0.0/16",
      serviceCidr: "10.128.5.0/24",
      dnsServiceIP: "10.128.5.10",
      dockerBridgeCidr: "10.128.6.0/24",
      vnet: { addressSpaces: ["10.0.0.0/8"], subnetName: "aks-nodes", subnetCidr: "10.1.0.0/22", existingSubnets } as SpecInput["vnet"],
      routes: [
        { prefix: "10.250.0.0/16", nextHopType: "VirtualAppliance", nextHopIp: "10.128.100.4" },
        { prefix: "10.251.0.0/16", nextHopType: "VirtualAppliance", nextHopIp: "10.250.0.1" },
      ],
    });
    const at = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, k) => `vnet.existingSubnets[${from + k}].cidr`);
    // The same findings, fields, messages and fixes as the engine gave before the index (checked against main's build).
    assert.deepEqual(
      found.map((f) => [f.rule, f.severity, f.fields, f.message, f.fix]),
      [
        ["SYN-01", "error", ["vnet.existingSubnets[100004].cidr"], "vnet.existingSubnets[100004].cidr: '10.203.0.0' has no prefix length; write it as 10.203.0.0/N", "add the prefix length, e.g. 10.203.0.0/16"],
        ["SYN-06", "error", ["vnet.existingSubnets[100002].cidr"], "vnet.existingSubnets[100002].cidr: the address prefix 10.201.0.5/28 has an invalid CIDR notation. For the given prefix length, the address prefix should be 10.201.0.0/28 (InvalidCIDRNotation)", "use 10.201.0.0/28"],
        ["SIZE-05", "error", ["vnet.existingSubnets[100003].cidr"], "subnet 10.202.0.0/30 (vnet.existingSubnets[100003].cidr) is smaller than /29: Azure reserves 5 addresses per subnet, leaving 0", "use at least a /29 such as 10.202.0.0/29 (3 usable); size node subnets by the capacity rules"],
        [
          "OVL-01",
          "error",
          ["serviceCidr", ...at(80, 95)],
          "(ServiceCidrOverlapExistingSubnetsCidr) The specified service CIDR 10.128.5.0/24 is conflicted with an existing subnet CIDR 10.128.5.0/28 (vnet.existingSubnets[80].cidr) (and 10.128.5.16/28 (vnet.existingSubnets[81].cidr), 10.128.5.32/28 (vnet.existingSubnets[82].cidr), 10.128.5.48/28 (vnet.existingSubnets[83].cidr) and 12 more)",
          "use serviceCidr 172.16.0.0/24 with dnsServiceIP 172.16.0.10 (free, overlaps nothing else in the spec)",
        ],
        ["OVL-08", "error", ["vnet.existingSubnets[1].cidr", "vnet.existingSubnets[100000].cidr"], "subnets overlap: vnet.existingSubnets[1].cidr 10.128.0.16/28 and vnet.existingSubnets[100000].cidr 10.128.0.16/28", "use vnet.existingSubnets[1].cidr 10.0.0.0/28 (free, overlaps nothing else in the spec)"],
        ["POOL-05", "error", ["vnet.existingSubnets[7].name", "vnet.existingSubnets[100001].name"], "'SNET-7' and 'snet-7' name the same subnet: Azure compares subnet names without case", "spell it 'snet-7' in vnet.existingSubnets[100001].name to share that subnet, or give it a name of its own"],
        [
          "OVL-10",
          "warning",
          ["dockerBridgeCidr", ...at(96, 111)],
          'docker bridge CIDR 10.128.6.0/24 overlaps 10.128.6.0/28 (vnet.existingSubnets[96].cidr), 10.128.6.16/28 (vnet.existingSubnets[97].cidr), 10.128.6.32/28 (vnet.existingSubnets[98].cidr) and 13 more ("It must not overlap with any Subnet IP ranges or the Kubernetes service address range")',
          "remove dockerBridgeCidr (ignored since containerd, removed from API 2023-04-01), or use 172.17.0.1/16",
        ],
        ["DBR-01", "warning", ["dockerBridgeCidr"], byRule(found, "DBR-01")[0]?.message, byRule(found, "DBR-01")[0]?.fix],
        ["OUT-04", "warning", ["routes[1].nextHopIp"], "route 10.251.0.0/16 → VirtualAppliance 10.250.0.1: the address is in no subnet of the VNet and no connected range, so the appliance may be unreachable", "use the firewall's or NVA's private IP, and list a peered hub with --connected-cidr or its subnet with --existing-subnet"],
      ],
    );
  });

  it("a pod CIDR over 10^5 existing subnets: OVL-05 names the first in field order", () => {
    const found = check({ ...BASE, networkPlugin: "kubenet", podCidr: "10.128.64.0/18", vnet: { addressSpaces: ["10.128.0.0/9"], subnetCidr: "10.255.0.0/22", existingSubnets: distinct(100_000) } });
    const [f] = byRule(found, "OVL-05");
    assert.ok(f);
    assert.equal(f.fields.length, 1 + 1024);
    assert.deepEqual(f.fields.slice(0, 3), ["podCidr", "vnet.existingSubnets[1024].cidr", "vnet.existingSubnets[1025].cidr"]);
    assert.match(f.message, /overlaps with reserved VNET CIDR 10\.128\.64\.0\/28 \(vnet\.existingSubnets\[1024\]\.cidr, NetworkProfileCIDROverlapVNET\)/);
  });

  /**
   * OVL-08 as the engine computed it over one object per subnet: the existing entries that are the node or pod subnet
   * left out, a stable sort by start, then a sweep.
   */
  const reference = (input: SpecInput): string[] => {
    const { spec, provenance } = resolveSpec([{ source: "flag", input }]);
    const ctx = buildContext(spec, provenance);
    const planner = sharedPlanner(ctx);
    const same = [nodeSubnetEntry(spec), podSubnetEntry(spec)].map((e) => (e ? `vnet.existingSubnets[${e.index}].cidr` : ""));
    const subnets = subnetRanges(ctx).filter((r) => !same.includes(r.field));
    const sorted = [...subnets].sort((a, b) => (a.cidr.start < b.cidr.start ? -1 : a.cidr.start > b.cidr.start ? 1 : 0));
    const out: string[] = [];
    sorted.forEach((a, i) => {
      for (let j = i + 1; j < sorted.length; j++) {
        const b = sorted[j] as FieldRange;
        if (b.cidr.start > a.cidr.end) break;
        if (!overlaps(a.cidr, b.cidr)) continue;
        const move = b.field.startsWith("vnet.existingSubnets[") ? a : b;
        out.push(`subnets overlap: ${a.field} ${a.cidr.text} and ${b.field} ${b.cidr.text} | ${replacementFix(planner, move.field, move.cidr)}`);
      }
    });
    return out;
  };

  it("OVL-08 gives the pairs, order and fixes of a sort-and-sweep over every subnet (IPv4 and IPv6, named subnets before and after the existing ones)", () => {
    let seed = 99;
    const next = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const v4 = (): string => `10.10.${Math.floor(next() * 8) * 4}.${Math.floor(next() * 4) * 64 + (next() < 0.1 ? 5 : 0)}/${22 + Math.floor(next() * 6)}`;
    let pairs = 0;
    for (let k = 0; k < 40; k++) {
      const existingSubnets = Array.from({ length: 2 + Math.floor(next() * 30) }, (_, i) => ({ name: `e${i}`, cidr: next() < 0.1 ? `fd00:0:0:${Math.floor(next() * 4)}::/${63 + Math.floor(next() * 2)}` : v4() }));
      const input: SpecInput = {
        ...BASE,
        ipFamilies: ["IPv4", "IPv6"],
        vnet: { addressSpaces: ["10.10.0.0/16", "fd00::/48"], subnetCidr: v4(), subnetIPv6Cidr: "fd00:0:0:1::/64", existingSubnets, ...(next() < 0.5 ? { podSubnetCidr: v4() } : {}) },
        ...(next() < 0.5 ? { firewall: { enabled: true, subnetCidr: v4() } } : {}),
        ...(next() < 0.3 ? { ingress: { internalLoadBalancer: { subnetCidr: v4() } } } : {}),
      };
      const want = reference(input);
      const got = byRule(check(input), "OVL-08").map((f) => `${f.message} | ${f.fix}`);
      assert.deepEqual(got, want, JSON.stringify(input));
      pairs += want.length;
    }
    assert.ok(pairs > 100, `the specs overlap (${pairs} pairs)`);
  });

  it("SYN-06 on existing subnets keeps field order: pool subnets, then existing subnets, then the firewall's", () => {
    const found = check({
      ...BASE,
      vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", existingSubnets: [{ name: "a", cidr: "10.10.8.1/24" }, { name: "b", cidr: "10.10.9.0/24" }, { name: "c", cidr: "10.10.10.7/24" }] },
      nodePools: [{ name: "system", mode: "System" }, { name: "user", vnetSubnetName: "user", vnetSubnetCidr: "10.10.12.3/24" }],
      firewall: { enabled: true, subnetCidr: "10.10.20.9/26" },
    });
    assert.deepEqual(
      byRule(found, "SYN-06").map((f) => f.fields[0]),
      ["nodePools[1].vnetSubnetCidr", "vnet.existingSubnets[0].cidr", "vnet.existingSubnets[2].cidr", "firewall.subnetCidr"],
    );
  });

  it("entries that are not CIDR text: null, a number, an empty string, a missing cidr", () => {
    const found = check({ ...BASE, vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", existingSubnets: [{ name: "n", cidr: null }, { name: "x", cidr: 42 }, { name: "e", cidr: "" }, { name: "m" }, { name: "ok", cidr: "10.10.8.0/24" }] as unknown as { name: string; cidr: string }[] } });
    const syn = found.filter((f) => f.rule.startsWith("SYN-") && f.fields.some((x) => x.startsWith("vnet.existingSubnets[")));
    assert.deepEqual(
      syn.map((f) => `${f.rule} ${f.fields.join(",")}`),
      ["SYN-01 vnet.existingSubnets[0].cidr", "SYN-01 vnet.existingSubnets[1].cidr"],
    );
    assert.match(syn[0]?.message ?? "", /expected a CIDR string, got null/);
    assert.match(syn[1]?.message ?? "", /expected a CIDR string, got number 42/);
  });
});
