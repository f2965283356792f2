import assert from "node:assert/strict";
import type { SpecInput } from "../../../src/core/spec.ts";
import { planResources } from "../../../src/core/plan.ts";
import { resolveSpec } from "../../../src/core/resolve.ts";
import { refusedName, rules, shown } from "../../../src/validators/names.ts";
import { nameErrors, validateSpec } from "../../../src/validators/index.ts";
import { none, one } from "../../helpers/findings.ts";
import { BASE, check } from "../../helpers/spec.ts";

/** The firewall topology with a user route and a Basic firewall: every derived name aks-net has. */
const ALL: SpecInput = {
  ...BASE,
  resourceGroup: "rg",
  location: "westeurope",
  vnet: { addressSpaces: ["10.10.0.0/16"], subnetCidr: "10.10.4.0/22" },
  firewall: { enabled: true, subnetCidr: "10.10.0.0/26", sku: "Basic", managementSubnetCidr: "10.10.1.0/26" },
  outboundType: "userDefinedRouting",
  routes: [{ prefix: "192.168.0.0/16", nextHopType: "VirtualAppliance", nextHopIp: "10.10.0.4" }],
};
const names = (findings: ReturnType<typeof check>): string[] => findings.filter((f) => f.rule.startsWith("NAME-")).map((f) => `${f.rule} ${f.fields.join(",")}`);

describe("validators/names (resource-name-rules; AKS FAQ for the node resource group)", () => {
  it("lists NAME-01 … NAME-07", () => assert.deepEqual(rules().map((r) => r.id), ["NAME-01", "NAME-02", "NAME-03", "NAME-04", "NAME-05", "NAME-06", "NAME-07"]));

  it("every name the planner sends for a valid spec passes; a name that passes stays valid in every derived name but the VNet's and MC_'s lengths", () => {
    // 1-63 character names over the cluster alphabet: only NAME-03 (<name>-vnet over 64) and NAME-07 may follow.
    for (const length of [1, 2, 30, 59, 60, 63]) {
      for (const name of [`a${"_-9Z".repeat(20)}`.slice(0, length - 1) + "z", "x".repeat(length)]) {
        const got = names(check({ ...ALL, name, resourceGroup: "g" }));
        const expected = [...(length > 59 ? ["NAME-03 name"] : []), ...(length + 17 > 80 ? ["NAME-07 name,resourceGroup"] : [])];
        assert.deepEqual(got, expected, `${length}: ${name}`);
      }
    }
    const { spec } = resolveSpec([{ source: "flag", input: { ...ALL, name: "c" } }]);
    const sent = JSON.stringify(planResources(spec, { subscriptionId: "s" }));
    for (const n of ["c-vnet", "c-identity", "c-rt", "c-fw", "c-fw-pip", "c-fw-mgmt-pip", "c-fw-policy", "to-192.168.0.0-16"]) assert.ok(sent.includes(`"${n}`) || sent.includes(`/${n}"`), n);
    none(check({ ...ALL, name: "c" }), "NAME-05");
  });

  it("one finding per field, with a fix that passes the rule", () => {
    for (const bad of ["bad name!", "-x-", "a..b", "ü", "a\u202eb", "x".repeat(100), "_", "a/b?c#d"]) {
      const f = one(check({ ...ALL, name: bad }), "NAME-01", "error", ["name"]);
      const fixed = /use e\.g\. '([^']+)'/.exec(f.fix)?.[1];
      if (fixed !== undefined) {
        assert.equal(refusedName("cluster", fixed), undefined, `${bad} -> ${fixed}`);
        assert.deepEqual(names(check({ ...ALL, name: fixed })), [], fixed);
      }
      assert.doesNotMatch(f.message, /[\u202e\u0000-\u001f]/, "no control or bidi characters in the output"); // eslint-disable-line no-control-regex
    }
  });

  it("resource groups: Unicode letters and digits, '()', not a trailing '.'; VNet 2-64; subnets 1-80", () => {
    none(check({ ...ALL, name: "c", resourceGroup: "rg-Ärger(1).x" }), "NAME-02");
    one(check({ ...ALL, name: "c", resourceGroup: "rg." }), "NAME-02", "error", ["resourceGroup"]);
    one(check({ ...ALL, name: "c", vnet: { ...ALL.vnet, resourceGroup: "a b" } }), "NAME-02", "error", ["vnet.resourceGroup"]);
    one(check({ ...ALL, name: "c", resourceGroup: "𝒜" }), "NAME-02", "error", ["resourceGroup"]);
    // Letters and digits of any script (Arabic-Indic digits, Greek), but not other symbols (€), as ASCII gets.
    none(check({ ...ALL, name: "c", resourceGroup: "rg-٣-αβ" }), "NAME-02");
    one(check({ ...ALL, name: "c", resourceGroup: "rg-€" }), "NAME-02", "error", ["resourceGroup"]);
    one(check({ ...ALL, name: "c", resourceGroup: "rg-$" }), "NAME-02", "error", ["resourceGroup"]);
    one(check({ ...ALL, name: "c", vnet: { ...ALL.vnet, name: "v" } }), "NAME-03", "error", ["vnet.name"]);
    none(check({ ...ALL, name: "c", vnet: { ...ALL.vnet, name: "v_" } }), "NAME-03");
    one(check({ ...ALL, name: "c", vnet: { ...ALL.vnet, subnetName: "n".repeat(81) } }), "NAME-04", "error", ["vnet.subnetName"]);
    // A brought subnet's id: its resource group, VNet and subnet go into request paths.
    const id = (rg: string, vnet: string, subnet: string): SpecInput => ({ ...BASE, name: "c", vnetSubnetId: `/subscriptions/s/resourceGroups/${rg}/providers/Microsoft.Network/virtualNetworks/${vnet}/subnets/${subnet}` });
    one(check(id("..", "v1", "s")), "NAME-02", "error", ["vnetSubnetId"]);
    one(check(id("rg", "v", "s")), "NAME-03", "error", ["vnetSubnetId"]);
    one(check(id("rg", "v1", "-s")), "NAME-04", "error", ["vnetSubnetId"]);
    assert.deepEqual(names(check(id("rg", "v1", "s"))), []);
    // A brought subnet: aks-net sends no VNet or subnet name of its own.
    none(check({ ...BASE, name: "c", vnetSubnetId: "/subscriptions/s/resourceGroups/r/providers/Microsoft.Network/virtualNetworks/v1/subnets/s", vnet: { name: "v" } }), "NAME-03");
  });

  it("pool subnets, the planned API server subnet and every brought id are checked: a name that would change a request's path never reaches Azure", () => {
    const pool = (extra: Record<string, unknown>): SpecInput => ({ ...ALL, name: "c", nodePools: [{ name: "system", count: 1 }, { name: "user", mode: "User", count: 1, vnetSubnetCidr: "10.10.8.0/24", ...extra }] } as SpecInput);
    one(check(pool({ vnetSubnetName: "a/../b" })), "NAME-04", "error", ["nodePools[1].vnetSubnetName"]);
    one(check(pool({ vnetSubnetName: "has space?" })), "NAME-04", "error", ["nodePools[1].vnetSubnetName"]);
    one(check(pool({ vnetSubnetName: "x".repeat(81) })), "NAME-04", "error", ["nodePools[1].vnetSubnetName"]);
    assert.deepEqual(names(check(pool({ vnetSubnetName: "snet-user" }))), []);
    one(check({ ...ALL, name: "c", vnet: { ...ALL.vnet, apiServerSubnetCidr: "10.10.9.0/28", apiServerSubnetName: "x/y" }, apiServerAccessProfile: { enableVnetIntegration: true } } as SpecInput), "NAME-04", "error", ["vnet.apiServerSubnetName"]);
    const S = "/subscriptions/s/resourceGroups";
    one(check({ ...BASE, name: "c", assignIdentity: `${S}/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/a?b` }), "NAME-06", "error", ["assignIdentity"]);
    one(check({ ...BASE, name: "c", vnet: { routeTableId: `${S}/../providers/Microsoft.Network/routeTables/rt` } } as SpecInput), "NAME-02", "error", ["vnet.routeTableId"]);
    one(check({ ...BASE, name: "c", vnet: { natGatewayId: `${S}/rg/providers/Microsoft.Network/natGateways/a b` } } as SpecInput), "NAME-05", "error", ["vnet.natGatewayId"]);
    one(check({ ...BASE, name: "c", podSubnetId: `${S}/rg/providers/Microsoft.Network/virtualNetworks/v1/subnets/a b` }), "NAME-04", "error", ["podSubnetId"]);
    one(check({ ...BASE, name: "c", loadBalancerProfile: { outboundIPs: { publicIPs: [{ id: `${S}/rg/providers/Microsoft.Network/publicIPAddresses/..` }] } } } as SpecInput), "NAME-05", "error", ["loadBalancerProfile.outboundIPs.publicIPs[0].id"]);
    assert.deepEqual(names(check({ ...BASE, name: "c", assignIdentity: `${S}/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/my-id` })), []);
  });

  it("shown() quotes one line: controls and bidi overrides as escapes, letters as they are", () => {
    assert.equal(shown("ab\u202ecd\n\tä"), "'ab\\u202ecd\\u000a\\u0009ä'");
    assert.equal(shown("x\u{1F600}"), "'x\\u{1f600}'");
  });

  it("refusedName(): '..' and '/' are refused for delete", () => {
    assert.match(refusedName("resourceGroup", "..") ?? "", /ends with '\.'/);
    assert.match(refusedName("cluster", "a/b") ?? "", /has '\/'/);
    assert.equal(refusedName("resourceGroup", "rg-1"), undefined);
  });
});

describe("validators/target: region, Kubernetes version, VM size", () => {
  it("LOC-01: programmatic and display names, sovereign regions; a typo gets did-you-mean", () => {
    for (const location of ["westeurope", "West Europe", "usgovvirginia", "chinanorth3"]) none(check({ ...BASE, location }), "LOC-01");
    assert.match(one(check({ ...BASE, location: "westeurpoe" }), "LOC-01", "error", ["location"]).fix, /^use westeurope$/);
    one(check({ ...BASE, location: "mars" }), "LOC-01", "error", ["location"]);
  });

  it("LIVE-LOC-01 replaces LOC-01 when the subscription's AKS regions were read", () => {
    const live = (location: string, locations: string[]): SpecInput => ({ ...BASE, location, live: { locations } });
    none(check(live("atlantis", ["atlantis", "westeurope"])), "LOC-01");
    none(check(live("atlantis", ["atlantis"])), "LIVE-LOC-01");
    one(check(live("brazilsouth", ["westeurope"])), "LIVE-LOC-01", "error", ["location"]);
    none(check(live("brazilsouth", ["westeurope"])), "LOC-01");
  });

  it("K8S-01 and VM-01: formats", () => {
    for (const v of ["1.30", "1.30.4", "1.9"]) none(check({ ...BASE, kubernetesVersion: v }), "K8S-01");
    for (const v of ["v1.30", "1.30.4.1", "latest", "1.030", " 1.30", "1"]) one(check({ ...BASE, kubernetesVersion: v }), "K8S-01", "error", ["kubernetesVersion"]);
    for (const s of ["Standard_D4ds_v5", "standard_d2s_v3", "Standard_E64-32s_v5", "Standard_NC24ads_A100_v4", "Standard_B2s"]) none(check({ ...BASE, nodePools: [{ name: "sys", vmSize: s }] }), "VM-01");
    for (const s of ["D4s_v5", "Standard D4s v5", "Standard_", "", "Standard_D4s_v5;rm"]) one(check({ ...BASE, nodePools: [{ name: "sys", vmSize: s }] }), "VM-01", "error", ["nodePools[0].vmSize"]);
  });
});

describe("nameErrors: the NAME-* errors alone (validate --live reads Azure only without them)", () => {
  const cases: [string, SpecInput][] = [
    ["valid names", ALL],
    ["a refused cluster and resource group name", { ...ALL, name: "-bad-", resourceGroup: "../x" }],
    ["good names, other errors (a region typo, an overlap)", { ...ALL, location: "westeurop", serviceCidr: "10.10.0.0/16" }],
    ["a name too long for its derived names", { ...ALL, name: "a".repeat(63) }],
  ];
  for (const [what, input] of cases) {
    it(`${what}: the NAME-* errors of the whole rule set`, () => {
      const r = resolveSpec([{ source: "file", input }]);
      const all = validateSpec(r.spec, r.provenance).filter((f) => f.severity === "error" && f.rule.startsWith("NAME-"));
      assert.deepEqual(nameErrors(r.spec, r.provenance), all);
    });
  }
  it("finds the bad names (control)", () => {
    const r = resolveSpec([{ source: "file", input: { ...ALL, resourceGroup: "../x" } }]);
    assert.deepEqual(nameErrors(r.spec, r.provenance).map((f) => f.rule), ["NAME-02"]);
  });
});
