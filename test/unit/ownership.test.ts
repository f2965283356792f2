/** core/ownership.ts: the proof tag, the record in the cluster's tags, and what counts as made for a cluster. */
import assert from "node:assert/strict";
import { CHILDREN_TAG, PROOF_TAG, hasProof, inManifest, manifestTags, proofValue, provenMade, readManifest, sealOwnership } from "../../src/core/ownership.ts";

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

  it("made: recorded ids, proven resources, children listed by a proven parent or planned under it; nothing else", () => {
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
    const planned = provenMade({ cluster: CLUSTER, observed, planned: [`${VNET}/subnets/theirs`] });
    assert.ok(planned.has(`${VNET}/subnets/theirs`.toLowerCase()), "-f: the spec's plan writes it into a proven parent");
  });
});
