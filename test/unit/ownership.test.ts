/** core/ownership.ts: the proof tag, the record in the cluster's tags, and what counts as made for a cluster. */
import assert from "node:assert/strict";
import { CHILDREN_TAG, PROOF_TAG, hasProof, inManifest, manifestTags, proofValue, provenMade, readManifest, sealOwnership, withoutFromManifest } from "../../src/core/ownership.ts";

const CLUSTER = { subscriptionId: "sub-1", resourceGroup: "rg", name: "c" };
const RG = "/subscriptions/sub-1/resourceGroups/rg";
const VNET = `${RG}/providers/Microsoft.Network/virtualNetworks/c-vnet`;

describe("ownership", () => {
  it("a proof is bound to the cluster and to the resource's own id: a copied tag proves nothing", () => {
    const tags = { [PROOF_TAG]: proofValue(CLUSTER, VNET) };
    assert.equal(hasProof(CLUSTER, VNET, { tags }), true);
    assert.equal(hasProof(CLUSTER, VNET.toUpperCase(), { tags }), true, "ARM ids compare case-insensitively");
    assert.equal(hasProof(CLUSTER, `${RG}/providers/Microsoft.Network/publicIPAddresses/user-pip`, { tags }), false);
    assert.equal(hasProof({ ...CLUSTER, name: "other" }, VNET, { tags }), false);
    assert.equal(hasProof(CLUSTER, VNET, { tags: { "managed-by": "aks-net", "aks-net-cluster": "rg/c" } }), false);
  });

  it("the children list is signed: editing it breaks the proof", () => {
    const [sealed] = sealOwnership([
      { resourceId: VNET, type: "Microsoft.Network/virtualNetworks", body: { tags: {} } },
      { resourceId: `${VNET}/subnets/aks-nodes`, type: "Microsoft.Network/virtualNetworks/subnets", body: {} },
    ], CLUSTER);
    const tags = sealed?.body["tags"] as Record<string, string>;
    assert.equal(tags[CHILDREN_TAG], "subnets/aks-nodes");
    assert.equal(hasProof(CLUSTER, VNET, { tags }), true);
    assert.equal(hasProof(CLUSTER, VNET, { tags: { ...tags, [CHILDREN_TAG]: "subnets/aks-nodes,subnets/theirs" } }), false);
  });

  it("the record round-trips through tags of at most 256 characters, long ids by hash", () => {
    const ids = Array.from({ length: 40 }, (_, i) => `${VNET}/subnets/subnet-number-${i}`);
    const long = `/subscriptions/sub-1/resourceGroups/${"g".repeat(90)}/providers/Microsoft.Network/virtualNetworks/${"v".repeat(64)}/subnets/${"s".repeat(80)}/providers/Microsoft.Authorization/roleAssignments/${"0".repeat(36)}`;
    const tags = manifestTags([...ids, long], CLUSTER);
    assert.ok(Object.keys(tags).length > 1, "chunked");
    for (const v of Object.values(tags)) assert.ok(v.length <= 256, `${v.length} characters`);
    const back = readManifest({ tags }, CLUSTER) ?? [];
    for (const id of ids) assert.ok(back.some((b) => b.toLowerCase() === id.toLowerCase()), id);
    assert.ok(inManifest(back, long));
    assert.equal(inManifest(back, `${VNET}/subnets/theirs`), false);
    assert.equal(readManifest({ tags: {} }, CLUSTER), undefined);
  });

  it("a cluster's record leaves out what a run found made by someone else; a top-level id in it counts only with its own proof", () => {
    const subnet = `${VNET}/subnets/aks-nodes`;
    const group = RG;
    const op = { resourceId: `${RG}/providers/Microsoft.ContainerService/managedClusters/c`, type: "Microsoft.ContainerService/managedClusters", apiVersion: "", label: "cluster c", dependsOn: [], action: "create" as const, body: { tags: { team: "a", ...manifestTags([subnet, VNET, group], CLUSTER) } } };
    const out = withoutFromManifest(op, new Set([subnet.toLowerCase()]), CLUSTER);
    const back = readManifest(out.body, CLUSTER) ?? [];
    assert.equal(inManifest(back, subnet), false);
    assert.ok(inManifest(back, VNET));
    assert.equal((out.body["tags"] as Record<string, string>)["team"], "a");
    // The group is in the record but does not carry its proof (someone made it; aks-net took its tags off again).
    const made = provenMade({ cluster: CLUSTER, observed: new Map([[group, { id: group, tags: {} }]]), manifest: back });
    assert.equal(made.has(group.toLowerCase()), false);
  });

  it("made: recorded ids, proven resources, children listed by a proven parent; nothing else", () => {
    const sealed = sealOwnership([
      { resourceId: VNET, type: "Microsoft.Network/virtualNetworks", body: { tags: {} } },
      { resourceId: `${VNET}/subnets/aks-nodes`, type: "Microsoft.Network/virtualNetworks/subnets", body: {} },
    ], CLUSTER);
    const observed = new Map<string, Record<string, unknown>>([
      [VNET, { id: VNET, tags: sealed[0]?.body["tags"] }],
      [`${VNET}/subnets/aks-nodes`, { id: `${VNET}/subnets/aks-nodes` }],
      [`${VNET}/subnets/theirs`, { id: `${VNET}/subnets/theirs` }],
    ]);
    const made = provenMade({ cluster: CLUSTER, observed });
    assert.deepEqual([...made].sort(), [VNET.toLowerCase(), `${VNET}/subnets/aks-nodes`.toLowerCase()]);
    const planned = provenMade({ cluster: CLUSTER, observed, planned: new Map([[`${VNET}/subnets/theirs`, {}]]) });
    assert.ok(!planned.has(`${VNET}/subnets/theirs`.toLowerCase()), "-f: a name the spec's plan writes into a proven parent is not proof");
  });

  it("-f: a signed route counts only while it still holds what the plan writes (prefix, next hop)", () => {
    const RT = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/routeTables/c-rt";
    const route = { name: "to-10.80.0.0-16", properties: { addressPrefix: "10.80.0.0/16", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.224.0.10" } };
    const [rt] = sealOwnership([{ resourceId: RT, type: "Microsoft.Network/routeTables", body: { tags: {}, properties: { routes: [route] } } }], CLUSTER);
    const id = `${RT}/routes/to-10.80.0.0-16`;
    const observed = (hop: string): Map<string, Record<string, unknown>> => new Map<string, Record<string, unknown>>([
      [RT, { id: RT, tags: rt?.body["tags"] }],
      [id, { id, name: route.name, properties: { ...route.properties, nextHopType: "virtualappliance", nextHopIpAddress: hop, provisioningState: "Succeeded" } }],
    ]);
    const plan = new Map([[id, route as Record<string, unknown>]]);
    assert.ok(provenMade({ cluster: CLUSTER, observed: observed("10.224.0.10"), planned: plan }).has(id.toLowerCase()), "as planned (Azure's case)");
    assert.ok(!provenMade({ cluster: CLUSTER, observed: observed("10.99.0.1"), planned: plan }).has(id.toLowerCase()), "next hop changed: not what create wrote");
    assert.ok(provenMade({ cluster: CLUSTER, observed: observed("10.99.0.1") }).has(id.toLowerCase()), "without the spec, the signed list decides");
  });
});
