import assert from "node:assert/strict";
import { CidrIndex, cidr, overlaps } from "../../src/core/cidr.ts";
import {
  RESERVED_RANGES,
  clusterRanges,
  createPlanner,
  isPrivate,
  knownRanges,
  replacementFix,
  sharedPlanner,
  subnetRanges,
  suggestFreeRange,
  tenthAddress,
} from "../../src/core/planner.ts";
import { resolveSpec } from "../../src/core/resolve.ts";
import type { SpecInput } from "../../src/core/spec.ts";
import { buildContext } from "../../src/validators/index.ts";
import { BASE } from "../helpers/spec.ts";

const parsed = (input: SpecInput) => {
  const { spec, provenance } = resolveSpec([{ source: "flag", input }]);
  return buildContext(spec, provenance);
};

describe("core/planner", () => {
  it("knownRanges names every range in use with its kind, plus the reserved ranges", () => {
    const ctx = parsed({ ...BASE, vnet: { ...BASE.vnet, existingSubnets: [{ name: "db", cidr: "10.10.8.0/24" }] }, firewall: { enabled: true, subnetCidr: "10.10.4.0/26" }, routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance" }] });
    const known = knownRanges(ctx).map((r) => `${r.kind} ${r.field} ${r.cidr.text}`);
    for (const want of [
      "service serviceCidr 10.0.0.0/16",
      "pod podCidr 10.244.0.0/16",
      "vnet vnet.addressSpaces[0] 10.10.0.0/16",
      "subnet vnet.subnetCidr 10.10.0.0/22",
      "subnet vnet.existingSubnets[0].cidr 10.10.8.0/24",
      "subnet firewall.subnetCidr 10.10.4.0/26",
      ...RESERVED_RANGES.map((r) => `reserved reserved ${r}`),
    ]) {
      assert.ok(known.includes(want), want);
    }
    assert.ok(!known.some((k) => k.includes("routes[")), "a route is not a range in use");
  });

  it("knownRanges includes connected ranges only when asked", () => {
    const ctx = parsed({ ...BASE, connectedCidrs: ["192.168.0.0/24", "fd00:1::/48"] });
    assert.equal(knownRanges(ctx).filter((r) => r.kind === "connected").length, 0);
    assert.deepEqual(knownRanges(ctx, true).filter((r) => r.kind === "connected").map((r) => r.field), ["connectedCidrs[0]", "connectedCidrs[1]"]);
  });

  it("clusterRanges: the singular field, or the list entries as typed (no duplicates)", () => {
    assert.deepEqual(clusterRanges(parsed(BASE), "service").map((r) => r.field), ["serviceCidr"]);
    const dual = parsed({ ...BASE, ipFamilies: ["IPv4", "IPv6"] });
    assert.deepEqual(clusterRanges(dual, "pod").map((r) => r.field), ["podCidrs[0]", "podCidrs[1]"]);
    assert.deepEqual(clusterRanges(parsed({ networkPlugin: "azure", vnet: BASE.vnet }), "pod"), [], "Azure CNI node subnet has no pod CIDR");
  });

  it("subnetRanges lists node, pod, existing and firewall subnets", () => {
    const ctx = parsed({ networkPlugin: "azure", vnet: { ...BASE.vnet, podSubnetCidr: "10.10.16.0/20" }, firewall: { enabled: true, subnetCidr: "10.10.4.0/26" } });
    assert.deepEqual(subnetRanges(ctx).map((r) => r.field).sort(), ["firewall.subnetCidr", "vnet.podSubnetCidr", "vnet.subnetCidr"]);
  });

  it("isPrivate: RFC 1918 and RFC 6598 for IPv4, ULA for IPv6", () => {
    assert.equal(isPrivate(cidr("10.1.0.0/16")), true);
    assert.equal(isPrivate(cidr("100.64.0.0/10")), true);
    assert.equal(isPrivate(cidr("172.0.0.0/16")), false);
    assert.equal(isPrivate(cidr("10.0.0.0/7")), false, "only partly private");
    assert.equal(isPrivate(cidr("fd12:3456:789a::/64")), true);
    assert.equal(isPrivate(cidr("2001:db8::/64")), false);
  });

  it("suggestFreeRange avoids listed ranges, skips what it is told to, and uses the connected index", () => {
    const known = [{ field: "a", kind: "service" as const, cidr: cidr("10.0.0.0/16") }];
    assert.equal(suggestFreeRange(16, 4, { ranges: known })?.text, "10.1.0.0/16");
    assert.equal(suggestFreeRange(16, 4, { ranges: known, skip: (r) => r.field === "a" })?.text, "10.0.0.0/16");
    const connected = new CidrIndex([{ cidr: cidr("10.0.0.0/9"), tag: 0 }]);
    assert.equal(suggestFreeRange(16, 4, { ranges: known, connected })?.text, "10.128.0.0/16");
    assert.equal(suggestFreeRange(64, 6, { ranges: [] })?.text, "fd00::/64");
    assert.equal(suggestFreeRange(16, 4, { ranges: [] }, [cidr("192.168.0.0/16")])?.text, "192.168.0.0/16");
    assert.equal(suggestFreeRange(8, 4, { ranges: [] }, [cidr("192.168.0.0/16")]), undefined);
  });

  it("a planner proposes cluster ranges clear of the VNet, pods and reserved ranges", () => {
    const planner = createPlanner(parsed({ ...BASE, vnet: { addressSpaces: ["10.0.0.0/8"], subnetCidr: "10.1.0.0/16" } }));
    const c = planner.clusterRange(16, 4, ["serviceCidr"]);
    assert.ok(c);
    assert.ok(!overlaps(c, cidr("10.0.0.0/8")) && !overlaps(c, cidr("172.30.0.0/15")), c.text);
    assert.equal(c.text, "172.16.0.0/16");
    assert.equal(planner.clusterRange(12, 4)?.text, "100.64.0.0/12", "10/8 is the VNet, 172.16/12 holds reserved ranges, 192.168/16 is too small");
  });

  it("a planner proposes subnets inside the VNet clear of other subnets", () => {
    const planner = createPlanner(parsed({ ...BASE, vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.0.0/22", existingSubnets: [{ name: "db", cidr: "10.10.4.0/24" }] } }));
    assert.equal(planner.subnet(22, ["vnet.subnetCidr"])?.text, "10.10.0.0/22");
    assert.equal(planner.subnet(22)?.text, "10.10.8.0/22");
    assert.equal(planner.subnet(15), undefined, "larger than the VNet");
  });

  it("conflicts names known and connected ranges overlapping a prefix", () => {
    const planner = createPlanner(parsed({ ...BASE, connectedCidrs: ["10.0.1.0/24", "10.0.2.0/24"] }));
    assert.deepEqual(planner.conflicts(cidr("10.0.0.0/15")).map((r) => r.field), ["serviceCidr", "connectedCidrs[0]", "connectedCidrs[1]"]);
    assert.deepEqual(planner.conflicts(cidr("10.0.0.0/15"), ["serviceCidr"], 1).map((r) => r.field), ["connectedCidrs[0]"]);
  });

  it("replacementFix proposes a same-size free range, with the DNS IP for a service CIDR", () => {
    const ctx = parsed({ ...BASE, serviceCidr: "10.10.0.0/16", dnsServiceIP: "10.10.0.10" });
    assert.equal(replacementFix(createPlanner(ctx), "serviceCidr", cidr("10.10.0.0/16")), "use serviceCidr 10.0.0.0/16 with dnsServiceIP 10.0.0.10 (free, overlaps nothing else in the spec)");
  });

  it("replacement answers the same question the same way, and later proposals avoid earlier ones", () => {
    const ctx = parsed({ ...BASE, serviceCidr: "10.10.0.0/16", dnsServiceIP: "10.10.0.10", podCidr: "10.10.0.0/17" });
    const planner = sharedPlanner(ctx);
    assert.equal(sharedPlanner(ctx), planner, "one planner per context");
    const svc = planner.replacement("serviceCidr", cidr("10.10.0.0/16"));
    assert.equal(svc?.text, "10.0.0.0/16");
    assert.equal(planner.replacement("serviceCidr", cidr("10.10.0.0/16"))?.text, "10.0.0.0/16");
    const pod = planner.replacement("podCidr", cidr("10.10.0.0/17"));
    assert.ok(pod && svc && !overlaps(pod, svc), pod?.text);
    assert.equal(createPlanner(ctx).replacement("podCidr", cidr("10.10.0.0/17"))?.text, "10.0.0.0/17", "a fresh planner knows no proposals");
  });

  it("tenthAddress is the .10 of the range, or the last usable of a tiny one", () => {
    assert.equal(tenthAddress(cidr("10.200.0.0/16")), "10.200.0.10");
    assert.equal(tenthAddress(cidr("10.0.0.0/29")), "10.0.0.6");
  });
});
