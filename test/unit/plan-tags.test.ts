import assert from "node:assert/strict";
import { diffPlan, isOwnershipTag, mergeForUpdate, planResources } from "../../src/core/plan.ts";
import type { DesiredResource } from "../../src/core/plan.ts";
import { resolveSpec } from "../../src/core/resolve.ts";

const SUB = "00000000-0000-0000-0000-000000000001";
const plan = (tags?: Record<string, string>): DesiredResource[] =>
  planResources(resolveSpec([{ source: "flag", input: { name: "c", resourceGroup: "rg", location: "westeurope", ...(tags ? { tags } : {}) } }]).spec, { subscriptionId: SUB });
const vnetOf = (d: DesiredResource[]): DesiredResource => d.find((r) => r.type === "Microsoft.Network/virtualNetworks") as DesiredResource;

describe("plan: user tags (issue 11 item 5)", () => {
  it("every tagged body carries the user's tags, aks-net's own win and the group gets only the user's and its proof", () => {
    const d = plan({ env: "prod" });
    const tagged = d.filter((r) => r.body["tags"] !== undefined);
    assert.ok(tagged.length >= 4);
    for (const r of tagged) assert.equal((r.body["tags"] as Record<string, string>)["env"], "prod", r.type);
    const rg = d.find((r) => r.type === "Microsoft.Resources/resourceGroups") as DesiredResource;
    assert.deepEqual(Object.keys(rg.body["tags"] as object).sort(), ["aks-net-made", "env"]);
  });

  it("ownership tag names", () => {
    for (const n of ["managed-by", "aks-net-cluster", "aks-net-made", "aks-net-children", "aks-net-manifest-3", "AKS-NET-made"]) assert.ok(isOwnershipTag(n), n);
    for (const n of ["env", "managed", "x-aks-net-made"]) assert.ok(!isOwnershipTag(n), n);
  });

  it("a resource aks-net made is updated when a user tag is missing or differs (values exactly), unchanged when they match", () => {
    const want = vnetOf(plan({ env: "prod" }));
    const have: Record<string, unknown> = { ...structuredClone(want.body), id: want.resourceId };
    assert.equal(diffPlan([want], new Map([[want.resourceId, have]])).operations[0]?.action, "unchanged");
    const other = { ...have, tags: { ...(have["tags"] as object), ENV: "Prod" } };
    delete (other.tags as Record<string, string>)["env"];
    const op = diffPlan([want], new Map([[want.resourceId, other]])).operations[0];
    assert.equal(op?.action, "update");
    assert.match(op?.reason ?? "", /tag env is Prod, plan prod/);
    // The update lays the user's tag over Azure's, replacing the other-cased name, keeping every other tag.
    const tags = op?.body["tags"] as Record<string, string>;
    assert.equal(tags["env"], "prod");
    assert.equal(tags["ENV"], undefined);
    assert.equal(tags["aks-net-made"], (have["tags"] as Record<string, string>)["aks-net-made"]);
  });

  it("a resource aks-net did not make is adopted with its tags as they are", () => {
    const want = vnetOf(plan({ env: "prod" }));
    const theirs = { ...structuredClone(want.body), id: want.resourceId, tags: { owner: "net" } };
    assert.equal(diffPlan([want], new Map([[want.resourceId, theirs]])).operations[0]?.action, "unchanged");
    assert.deepEqual(mergeForUpdate(theirs, want.body)["tags"], { owner: "net" });
  });
});
