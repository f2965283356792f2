import assert from "node:assert/strict";
import { confirmWritten, emptyJournal, fingerprint, parseJournal, startCreating, trustedEntries } from "../../src/core/journal.ts";
import type { Journal } from "../../src/core/journal.ts";

type Body = Record<string, unknown>;
const G = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network";
const VNET = `${G}/virtualNetworks/hub`;
const SUBNET = `${VNET}/subnets/AzureFirewallSubnet`;
const NODES = `${VNET}/subnets/aks-nodes`;
const RT = `${G}/routeTables/c-rt`;
const CLUSTER = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c";
const parentOf = (id: string): string | undefined => (id.includes("/subnets/") ? id.slice(0, id.indexOf("/subnets/")) : undefined);

function world(over: { prefix?: string; guid?: string; rt?: string; dns?: string[] } = {}): Map<string, Body> {
  return new Map<string, Body>([
    [VNET.toLowerCase(), { id: VNET, properties: { resourceGuid: over.guid ?? "g-1", dhcpOptions: { dnsServers: over.dns ?? ["10.70.255.4"] } } }],
    [SUBNET.toLowerCase(), { id: SUBNET, properties: { addressPrefix: over.prefix ?? "10.70.255.0/26" } }],
    [NODES.toLowerCase(), { id: NODES, properties: { addressPrefix: "10.70.0.0/22", routeTable: { id: over.rt ?? RT } } }],
  ]);
}

function journal(): Journal {
  const w = world();
  return { version: 1, cluster: CLUSTER.toLowerCase(), decided: "t", made: { [SUBNET]: fingerprint(SUBNET, w.get(SUBNET.toLowerCase()), w.get(VNET.toLowerCase())) as string }, associated: { [NODES]: [RT] }, dns: { [VNET]: ["10.70.255.4"] } };
}

describe("delete's journal: a hint re-checked against a fresh read", () => {
  it("trusts every entry while Azure still shows what the decision saw", () => {
    const t = trustedEntries(journal(), world(), parentOf);
    assert.deepEqual(t.made, [SUBNET]);
    assert.deepEqual([...t.associated], [[NODES.toLowerCase(), [RT.toLowerCase()]]]);
    assert.deepEqual([...t.dns], [[VNET.toLowerCase(), ["10.70.255.4"]]]);
  });

  it("a subnet made again with another prefix, or in a VNet made again (new resourceGuid), is not the one aks-net made", () => {
    assert.deepEqual(trustedEntries(journal(), world({ prefix: "10.70.254.0/26" }), parentOf).made, []);
    assert.deepEqual(trustedEntries(journal(), world({ guid: "g-2" }), parentOf).made, []);
  });

  it("a subnet written or made again since (same name and prefix, a new etag) is not the one aks-net made", () => {
    const w = world();
    const subnet = { ...(w.get(SUBNET.toLowerCase()) as Body), etag: 'W/"a"' };
    w.set(SUBNET.toLowerCase(), subnet);
    const j = { ...journal(), made: { [SUBNET]: fingerprint(SUBNET, subnet, w.get(VNET.toLowerCase())) as string } };
    assert.deepEqual(trustedEntries(j, w, parentOf).made, [SUBNET]);
    w.set(SUBNET.toLowerCase(), { ...subnet, etag: 'W/"b"' });
    assert.deepEqual(trustedEntries(j, w, parentOf).made, []);
  });

  it("create's entries: an id being made proves nothing until its write is confirmed with what Azure answered", () => {
    const w = world();
    const subnet = { ...(w.get(SUBNET.toLowerCase()) as Body), etag: 'W/"a"' };
    const started = startCreating(emptyJournal(CLUSTER), [SUBNET], { associated: {}, dns: {} });
    assert.deepEqual(trustedEntries(started, w, parentOf).made, []);
    const done = confirmWritten(started, [[SUBNET, subnet]], parentOf, (id) => w.get(id.toLowerCase()));
    assert.deepEqual(done.creating, []);
    w.set(SUBNET.toLowerCase(), subnet);
    assert.deepEqual(trustedEntries(done, w, parentOf).made, [SUBNET]);
    assert.deepEqual(parseJournal(JSON.stringify(done), CLUSTER), done);
  });

  it("an association the user changed since, or DNS servers the user set since, are left alone", () => {
    const t = trustedEntries(journal(), world({ rt: `${G}/routeTables/team-rt`, dns: ["10.70.100.53"] }), parentOf);
    assert.equal(t.associated.size, 0);
    assert.equal(t.dns.size, 0);
  });

  it("a journal of another cluster, of another version or damaged is ignored", () => {
    const text = JSON.stringify(journal());
    assert.ok(parseJournal(text, CLUSTER));
    assert.equal(parseJournal(text, CLUSTER.replace(/\/c$/, "/other")), undefined);
    assert.equal(parseJournal(JSON.stringify({ ...journal(), version: 2 }), CLUSTER), undefined);
    assert.equal(parseJournal(JSON.stringify({ ...journal(), made: { [SUBNET]: 1 } }), CLUSTER), undefined);
    assert.equal(parseJournal(text.slice(0, 40), CLUSTER), undefined);
  });
});
