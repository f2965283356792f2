import assert from "node:assert/strict";
import type { Operation, Plan } from "../../src/core/plan.ts";
import { makeStyle } from "../../src/io/colour.ts";
import { renderPlan, renderPlanJson, summary } from "../../src/io/render-plan.ts";

const RG = "/subscriptions/s/resourceGroups/rg1";
const VNET = `${RG}/providers/Microsoft.Network/virtualNetworks/v`;
const RA = `${VNET}/providers/Microsoft.Authorization/roleAssignments/1111-2222`;
const CLUSTER = `${RG}/providers/Microsoft.ContainerService/managedClusters/c`;

const op = (action: Operation["action"], type: string, resourceId: string, dependsOn: string[], label: string, reason?: string): Operation => {
  const o: Operation = { action, type, resourceId, apiVersion: "v1", dependsOn, body: { b: 1 }, label };
  if (reason !== undefined) o.reason = reason;
  return o;
};

const PLAN: Plan = {
  operations: [
    op("unchanged", "Microsoft.Resources/resourceGroups", RG, [], "resource group rg1", "exists and matches"),
    op("update", "Microsoft.Network/virtualNetworks", VNET, [RG], "vnet v", "addressSpace adds 10.2.0.0/16"),
    op("create", "Microsoft.Authorization/roleAssignments", RA, [VNET], "role Network Contributor on v"),
    op("update", "Microsoft.ContainerService/managedClusters", CLUSTER, [RA], "cluster c", "networkProfile.serviceCidr is 10.0.0.0/16, plan 10.3.0.0/16"),
  ],
  refusals: [{ resourceId: CLUSTER, reason: "networkProfile.serviceCidr is 10.0.0.0/16, plan 10.3.0.0/16: Azure cannot change this in place" }],
};

describe("render-plan", () => {
  it("lists steps in order with action, type, name, what they wait for and why", () => {
    assert.equal(
      renderPlan(PLAN),
      [
        "1. unchanged  Microsoft.Resources/resourceGroups          rg1",
        "2. update     Microsoft.Network/virtualNetworks           v  (after rg1)",
        "   why: addressSpace adds 10.2.0.0/16",
        "3. create     Microsoft.Authorization/roleAssignments     role Network Contributor on v  (after v)",
        "4. refused    Microsoft.ContainerService/managedClusters  c  (after role Network Contributor on v)",
        "   why: networkProfile.serviceCidr is 10.0.0.0/16, plan 10.3.0.0/16",
        "",
        "1 to create, 1 to update, 1 unchanged, 1 refused",
        "",
        "Azure cannot make these changes in place; nothing will be changed:",
        "  c: networkProfile.serviceCidr is 10.0.0.0/16, plan 10.3.0.0/16: Azure cannot change this in place",
        "",
      ].join("\n"),
    );
  });

  it("colours actions when given a colour style", () => {
    const out = renderPlan(PLAN, makeStyle(true));
    assert.ok(out.includes("\u001b[32mcreate"), out);
    assert.ok(out.includes("\u001b[31mrefused"), out);
  });

  it("summarises an empty plan", () => {
    assert.equal(summary({ operations: [], refusals: [] }), "no steps");
  });

  it("prints the JSON form exactly", () => {
    const plan: Plan = { operations: [op("create", "T", RG, [], "x", "not in JSON")], refusals: [] };
    assert.equal(
      renderPlanJson(plan),
      `${JSON.stringify({ operations: [{ action: "create", type: "T", resourceId: RG, apiVersion: "v1", dependsOn: [], body: { b: 1 } }] }, null, 2)}\n`,
    );
  });
});
