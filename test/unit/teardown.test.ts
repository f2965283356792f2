/**
 * core/teardown.ts: which resources `delete` removes, in which order, and what it keeps and why, from hand-built
 * Azure state shaped like GET bodies (create's own plan supplies ids, tags and bodies). Plus the executor running an
 * association removal between deletes.
 */
import assert from "node:assert/strict";
import { applyPlan } from "../../src/core/apply.ts";
import type { ArmPort, Body, ResourceRef } from "../../src/core/apply.ts";
import { CLUSTER_TAG, OWNER_TAG, planResources } from "../../src/core/plan.ts";
import type { DesiredResource } from "../../src/core/plan.ts";
import { resolveSpec } from "../../src/core/resolve.ts";
import type { SpecInput } from "../../src/core/spec.ts";
import { PROOF_TAG, proofValue } from "../../src/core/ownership.ts";
import { decideTeardown, nextReads } from "../../src/core/teardown.ts";
import type { ListedResource, Teardown, TeardownInput } from "../../src/core/teardown.ts";

const SUB = "00000000-0000-0000-0000-000000000009";
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
const net = (type: string, name: string): string => `${RG}/providers/Microsoft.Network/${type}/${name}`;
const VNET = net("virtualNetworks", "c-vnet");
const NODES = `${VNET}/subnets/aks-nodes`;
const FW_SUBNET = `${VNET}/subnets/AzureFirewallSubnet`;
const RT = net("routeTables", "c-rt");
const FW = net("azureFirewalls", "c-fw");
const PIP = net("publicIPAddresses", "c-fw-pip");
const CLUSTER = `${RG}/providers/Microsoft.ContainerService/managedClusters/c`;
const IDENTITY = `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/c-identity`;
const TARGET = { subscriptionId: SUB, resourceGroup: "rg", name: "c" };

const FIREWALL_SPEC: SpecInput = {
  name: "c",
  resourceGroup: "rg",
  location: "westeurope",
  vnet: { addressSpaces: ["10.224.0.0/12"], subnetCidr: "10.224.0.0/16" },
  firewall: { enabled: true, subnetCidr: "10.225.0.0/26" },
};

function plan(input: SpecInput = FIREWALL_SPEC): DesiredResource[] {
  return planResources(resolveSpec([{ source: "flag", input }]).spec, { subscriptionId: SUB });
}

/** What Azure would answer after create: bodies with ids, back-references, resolved principals, the node group. */
function azureState(desired: DesiredResource[]): Map<string, Body> {
  const state = new Map<string, Body>();
  for (const r of desired) {
    if (/\/(routes|ruleCollectionGroups)\//.test(r.resourceId)) continue;
    const body = structuredClone(r.body) as Body;
    const props = (body["properties"] ??= {}) as Body;
    if (/roleAssignments/.test(r.type)) props["principalId"] = "p-1";
    if (/userAssignedIdentities/.test(r.type)) props["principalId"] = "p-1";
    if (/managedClusters/.test(r.type)) props["nodeResourceGroup"] = "MC_rg_c_westeurope";
    state.set(r.resourceId, { id: r.resourceId, name: r.resourceId.slice(r.resourceId.lastIndexOf("/") + 1), ...body });
  }
  const subnets = [...state].filter(([id]) => /\/subnets\//.test(id)).map(([, b]) => b);
  const vnet = state.get(VNET);
  if (vnet) (vnet["properties"] as Body)["subnets"] = subnets;
  const rt = state.get(RT);
  if (rt) (rt["properties"] as Body)["subnets"] = subnets.filter((s) => (s["properties"] as Body)["routeTable"] !== undefined).map((s) => ({ id: s["id"] }));
  // The cluster's nodes and the firewall sit in their subnets.
  nic(state, NODES, `/subscriptions/${SUB}/resourceGroups/MC_rg_c_westeurope/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/0/networkInterfaces/nic/ipConfigurations/ipconfig1`);
  nic(state, FW_SUBNET, `${FW}/azureFirewallIpConfigurations/ipconfig`);
  const pip = state.get(PIP);
  if (pip) (pip["properties"] as Body)["ipConfiguration"] = { id: `${FW}/azureFirewallIpConfigurations/ipconfig` };
  return state;
}

function nic(state: Map<string, Body>, subnet: string, ipConfigId: string): void {
  const s = state.get(subnet);
  if (!s) return;
  const props = s["properties"] as Body;
  props["ipConfigurations"] = [...((props["ipConfigurations"] as Body[] | undefined) ?? []), { id: ipConfigId }];
}

/** The resource group's list: its top-level resources with their tags. */
function listing(state: Map<string, Body>, extra: ListedResource[] = []): Map<string, ListedResource[]> {
  const top = [...state].filter(([id]) => /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/.test(id));
  return new Map([[RG, [...top.map(([id, b]) => ({ id, type: typeOfTop(id), tags: b["tags"] as Record<string, string> })), ...extra]]]);
}

function typeOfTop(id: string): string {
  const m = /\/providers\/([^/]+\/[^/]+)\/[^/]+$/.exec(id);
  return m ? (m[1] as string) : "";
}

const order = (t: Teardown): string[] => t.plan.operations.map((o) => o.resourceId.toLowerCase());
const pos = (t: Teardown, id: string): number => order(t).indexOf(id.toLowerCase());
const keptReason = (t: Teardown, id: string): string | undefined => t.keep.find((k) => k.resourceId.toLowerCase() === id.toLowerCase())?.reason;

function decide(state: Map<string, Body>, extra: Partial<TeardownInput> = {}): Teardown {
  return decideTeardown({ target: TARGET, observed: state, groups: listing(state), assignments: new Map([[RG, []]]), ...extra });
}

describe("teardown decisions", () => {
  it("everything create built for the cluster is deleted, in reverse dependency order, nothing kept", () => {
    const desired = plan();
    const t = decide(azureState(desired));
    assert.deepEqual(t.keep, []);
    const expected = desired.filter((r) => !/\/(routes|ruleCollectionGroups)\//.test(r.resourceId)).map((r) => r.resourceId.toLowerCase());
    assert.deepEqual([...order(t)].sort(), [...expected].sort());
    assert.ok(t.plan.operations.every((o) => o.action === "delete"));
    assert.equal(order(t)[0], CLUSTER.toLowerCase(), "created last, deleted first");
    assert.equal(order(t).at(-1), RG.toLowerCase(), "the group goes last");
    const before = (a: string, b: string): void => assert.ok(pos(t, a) < pos(t, b), `${a} before ${b}`);
    before(FW, FW_SUBNET);
    before(FW, PIP);
    before(NODES, RT);
    before(NODES, VNET);
    before(FW_SUBNET, VNET);
    for (const ra of order(t).filter((x) => /roleassignments/.test(x))) {
      before(CLUSTER, ra);
      before(ra, IDENTITY);
    }
  });

  it("a rule collection group read on its own is judged on that read, whatever order the reads came back in (its policy lists it as {id} only)", () => {
    const desired = plan({ ...FIREWALL_SPEC, firewall: { ...FIREWALL_SPEC.firewall, sku: "Premium" } });
    const group = desired.find((r) => /\/ruleCollectionGroups\//.test(r.resourceId)) as DesiredResource;
    const policy = group.resourceId.slice(0, group.resourceId.indexOf("/ruleCollectionGroups/"));
    const state = azureState(desired);
    const full = structuredClone(group.body) as Body;
    const props = full["properties"] as Body;
    props["ruleCollections"] = [...(props["ruleCollections"] as Body[]), { ruleCollectionType: "FirewallPolicyFilterRuleCollection", name: "team-rc", priority: 4000, action: { type: "Allow" }, rules: [] }];
    state.set(group.resourceId, { id: group.resourceId, name: "aks-egress", ...full });
    // The policy's GET answered last (a parallel wave): it is the later entry, and its body lists the group as a stub.
    const policyBody = state.get(policy) as Body;
    state.delete(policy);
    state.set(policy, { ...policyBody, properties: { ...(policyBody["properties"] as Body), ruleCollectionGroups: [{ id: group.resourceId }] } });
    const reason = keptReason(decide(state), group.resourceId);
    assert.match(reason ?? "", /holds rule collection team-rc, which aks-net did not make/);
    assert.doesNotMatch(reason ?? "", /could not be read/);
  });

  it("dependsOn keeps create's direction for the executor; `after` is deletion's, minimal", () => {
    const t = decide(azureState(plan()));
    const fw = t.plan.operations.find((o) => o.resourceId === FW);
    assert.ok(fw?.dependsOn.includes(FW_SUBNET) && fw.dependsOn.includes(PIP));
    assert.deepEqual(t.after.get(FW.toLowerCase()), [CLUSTER]);
    assert.deepEqual(t.after.get(CLUSTER.toLowerCase()), []);
    assert.ok(t.after.get(FW_SUBNET.toLowerCase())?.includes(FW));
  });

  it("a NIC of someone else in aks-net's subnet keeps the subnet, its VNet and the group, each with its reason", () => {
    const state = azureState(plan());
    nic(state, NODES, `${RG}/providers/Microsoft.Network/networkInterfaces/jumpbox-nic/ipConfigurations/ipconfig1`);
    const t = decide(state);
    assert.match(keptReason(t, NODES) ?? "", /holds jumpbox-nic \(networkInterfaces\)/);
    assert.match(keptReason(t, VNET) ?? "", /holds subnet aks-nodes, which is kept/);
    assert.match(keptReason(t, RT) ?? "", /used by subnet aks-nodes, which is kept/, "never re-routes the user's NIC");
    assert.match(keptReason(t, RG) ?? "", /holds 2 resources aks-net does not delete \((c-rt, c-vnet|c-vnet, c-rt)\)/);
    assert.equal(pos(t, FW_SUBNET) >= 0, true, "the firewall's subnet still goes");
    assert.equal(pos(t, CLUSTER), 0);
  });

  it("resources tagged for another cluster, untagged ones and another cluster's role assignments are kept", () => {
    const state = azureState(plan());
    (state.get(PIP) as Body)["tags"] = { [OWNER_TAG]: "aks-net", [CLUSTER_TAG]: "rg/other", [PROOF_TAG]: proofValue({ resourceGroup: "rg", name: "other" }, PIP) };
    (state.get(IDENTITY) as Body)["tags"] = {};
    const ra = [...state.keys()].find((k) => /roleAssignments/.test(k)) as string;
    ((state.get(ra) as Body)["properties"] as Body)["description"] = "aks-net:rg/other";
    const t = decide(state);
    assert.match(keptReason(t, PIP) ?? "", /created by aks-net for cluster rg\/other/);
    assert.match(keptReason(t, IDENTITY) ?? "", /not created by aks-net for this cluster/);
    assert.match(keptReason(t, ra) ?? "", /made by aks-net for cluster rg\/other/);
    assert.equal(pos(t, RG), -1, "the group holds kept resources");
    assert.ok(pos(t, FW) >= 0);
  });

  it("a user's resource in the group keeps the group; the listing names it", () => {
    const state = azureState(plan());
    const user = `${RG}/providers/Microsoft.Storage/storageAccounts/data`;
    const t = decide(state, { groups: listing(state, [{ id: user, type: "Microsoft.Storage/storageAccounts" }]) });
    assert.match(keptReason(t, user) ?? "", /not created by aks-net/);
    assert.match(keptReason(t, RG) ?? "", /holds 1 resource .*\(data\)/);
    assert.equal(t.plan.operations.length, plan().filter((r) => !/\/(routes|ruleCollectionGroups)\//.test(r.resourceId)).length - 1);
  });

  it("what is kept is listed by type, then by id in code-unit order (the same on every machine, whatever its locale)", () => {
    const state = azureState(plan());
    const names = ["data_1", "data0", "data-2", "datab"];
    const users = names.map((n) => ({ id: `${RG}/providers/Microsoft.Storage/storageAccounts/${n}`, type: "Microsoft.Storage/storageAccounts" }));
    const t = decide(state, { groups: listing(state, users) });
    const kept = t.keep.map((k) => k.resourceId.slice(k.resourceId.lastIndexOf("/") + 1)).filter((n) => names.includes(n));
    // A collation (localeCompare) puts '_' and '-' before digits: data_1, data-2, data0, datab.
    assert.deepEqual(kept, ["data-2", "data0", "data_1", "datab"]);
  });

  it("in a user's VNet: the subnets are kept, and the route table association aks-net made on the node subnet is removed first", () => {
    const spec: SpecInput = { name: "c", resourceGroup: "rg", location: "westeurope", vnet: { name: "hub", addressSpaces: ["10.70.0.0/16"], subnetCidr: "10.70.0.0/22" }, outboundType: "userDefinedRouting", routes: [{ prefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIp: "10.70.255.4" }] };
    const desired = plan(spec);
    const hub = net("virtualNetworks", "hub");
    const state = azureState(desired);
    (state.get(hub) as Body)["tags"] = { owner: "network-team" };
    const nodes = `${hub}/subnets/aks-nodes`;
    ((state.get(hub) as Body)["properties"] as Body)["subnets"] = [state.get(nodes), { id: `${hub}/subnets/app`, name: "app", properties: { addressPrefix: "10.70.10.0/24" } }];
    state.set(`${hub}/subnets/app`, { id: `${hub}/subnets/app`, name: "app", properties: { addressPrefix: "10.70.10.0/24" } });
    (state.get(RT) as Body)["properties"] = { ...((state.get(RT) as Body)["properties"] as Body), subnets: [{ id: nodes }] };
    const t = decide(state);
    assert.match(keptReason(t, hub) ?? "", /not created by aks-net/);
    assert.match(keptReason(t, `${hub}/subnets/app`) ?? "", /not proven aks-net's for this cluster: the cluster carries no record/);
    assert.match(keptReason(t, nodes) ?? "", /aks-net removes the association with route table c-rt it made/);
    const update = t.plan.operations.find((o) => o.action === "update");
    assert.equal(update?.resourceId, nodes);
    assert.deepEqual(update?.body, { properties: { routeTable: null } });
    assert.ok(pos(t, CLUSTER) < pos(t, nodes) && pos(t, nodes) < pos(t, RT));
    assert.ok(update?.dependsOn.includes(RT), "create's direction: the association needs the route table");
  });

  it("a route table another subnet uses (an association aks-net did not make) is kept", () => {
    const state = azureState(plan());
    const other = "/subscriptions/x/resourceGroups/spoke/providers/Microsoft.Network/virtualNetworks/spoke/subnets/web";
    state.set(other, { id: other, name: "web", properties: { routeTable: { id: RT } } });
    const t = decide(state);
    assert.match(keptReason(t, RT) ?? "", /used by subnet web, which aks-net did not associate with it/);
    assert.equal(t.plan.operations.some((o) => o.resourceId === other), false, "a user's subnet is never written");
  });

  it("nothing observed: nothing to delete", () => {
    const t = decideTeardown({ target: TARGET, observed: new Map(), groups: new Map() });
    assert.deepEqual(t.plan.operations, []);
    assert.deepEqual(t.keep, []);
  });
});

describe("teardown discovery", () => {
  it("reads in waves: the cluster and its group, then what they point at, then the role assignments create would have made", () => {
    const full = azureState(plan());
    const read = new Set<string>();
    const listed = new Set<string>();
    const observed = new Map<string, Body>();
    const groups = new Map<string, ListedResource[]>();
    const waves: string[][] = [];
    for (let i = 0; i < 10; i++) {
      const next = nextReads({ target: TARGET, observed, groups }, read, listed);
      if (next.read.length === 0 && next.list.length === 0) break;
      waves.push(next.read);
      for (const id of next.read) {
        read.add(id.toLowerCase());
        const b = full.get(id) ?? [...full].find(([k]) => k.toLowerCase() === id.toLowerCase())?.[1];
        if (b) observed.set(id, b);
        if (b && /virtualNetworks\/[^/]+$/.test(id)) for (const s of ((b["properties"] as Body)["subnets"] as Body[])) { observed.set(String(s["id"]), s); read.add(String(s["id"]).toLowerCase()); }
      }
      for (const g of next.list) {
        listed.add(g.toLowerCase());
        groups.set(g, listing(full).get(RG) ?? []);
      }
    }
    assert.ok(waves.length <= 4, `${waves.length} waves`);
    assert.deepEqual(waves[0], [CLUSTER, RG]);
    const all = waves.flat().map((x) => x.toLowerCase());
    for (const id of full.keys()) if (!/\/subnets\//.test(id)) assert.ok(all.includes(id.toLowerCase()), `${id} was read`);
    assert.equal(all.filter((x) => /\/subnets\//.test(x) && !/roleassignments/.test(x)).length, 0, "subnets come with their VNet");
    assert.deepEqual(nextReads({ target: TARGET, observed, groups }, read, listed), { read: [], list: [] });
  });
});

describe("executor: an association removal between deletes", () => {
  it("runs after what needs the subnet is deleted and before the route table it pointed at", async () => {
    const log: string[] = [];
    const port: ArmPort = {
      get: async (res: ResourceRef) => ({ id: res.resourceId, properties: { routeTable: { id: RT } } }),
      put: async (res: ResourceRef, body: Body) => {
        log.push(`PUT ${res.resourceId.slice(res.resourceId.lastIndexOf("/") + 1)} ${JSON.stringify(body)}`);
        return body;
      },
      delete: async (res: ResourceRef) => void log.push(`DELETE ${res.resourceId.slice(res.resourceId.lastIndexOf("/") + 1)}`),
    };
    const op = (resourceId: string, action: "delete" | "update", dependsOn: string[], body: Body = {}) => ({ resourceId, type: "t", apiVersion: "v", label: resourceId, dependsOn, body, action });
    const ops = [op(RT, "delete", []), op(NODES, "update", [RT], { properties: { routeTable: null } }), op(CLUSTER, "delete", [NODES])];
    await applyPlan({ operations: ops, refusals: [] }, port, { start: () => undefined, finish: () => undefined }, new AbortController().signal);
    assert.deepEqual(log, ["DELETE c", `PUT aks-nodes {"properties":{"routeTable":null}}`, "DELETE c-rt"]);
  });
});
