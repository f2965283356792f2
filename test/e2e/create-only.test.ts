/**
 * Create-only PUTs where the resource provider ignores If-None-Match (issue 9). The Resources RP (resource groups:
 * no etag, no conditional headers in the REST reference; a PUT of an existing group is an update, 200 instead of 201)
 * and the Authorization RP (role assignments: no conditional headers; the same scope, role and principal under
 * another name is 409 RoleAssignmentExists "The role assignment already exists.") do not refuse a create of something
 * that exists. The fake models exactly that; aks-net stays safe either way: a group someone made between aks-net's
 * read and its PUT is never taken as aks-net's, and a grant someone made meanwhile is used, not fought, and not
 * deleted by delete.
 */
import assert from "node:assert/strict";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, SUB, armPut, create, net, ok, props, rgId, useFakeArm } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import type { RunCliResult } from "../helpers/run-cli.ts";

const NETWORK_CONTRIBUTOR = "4d97b98b-1d4f-4787-a291-c67834d212e7";

interface Doc {
  delete: { action: string; resourceId: string }[];
  keep: { type: string; resourceId: string; reason: string; foreign?: string[] }[];
}

const lc = (s: string): string => s.toLowerCase();
const del = (fake: FakeArm, name: string): Promise<RunCliResult> => runCli(["delete", "-n", name, "-g", `rg-${name}`, "--yes", "-o", "json"], { fake, env: FAST });
const doc = (r: RunCliResult): Doc => JSON.parse(r.stdout) as Doc;
const tagsOf = (fake: FakeArm, id: string): Record<string, string> => ((fake.get(id) ?? {})["tags"] ?? {}) as Record<string, string>;

describe("create-only PUTs the resource provider does not make conditional", function () {
  this.timeout(180_000);
  const arm = useFakeArm({ polls: 1 });

  it("the fake, as the Resources and Authorization RPs: If-None-Match: * on an existing group or role assignment is not refused", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-x", { location: "westeurope" });
    const scope = fake.seed.publicIp("rg-x", "pip", { location: "westeurope" });
    const ra = fake.seed.roleAssignment(scope, "22222222-2222-4222-8222-222222222222", NETWORK_CONTRIBUTOR, { name: "55555555-5555-4555-8555-555555555555" });
    const send = (path: string, body: Json): Promise<{ status: number; text: string }> => armPut(fake, path, body, { "if-none-match": "*" });
    const rg = await send(`${rgId("rg-x")}?api-version=2021-04-01`, { location: "westeurope", tags: { a: "b" } });
    assert.equal(rg.status, 200, `an existing group is updated, not refused: ${rg.text}`);
    const same = await send(`${ra}?api-version=2022-04-01`, { properties: { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR}`, principalId: "22222222-2222-4222-8222-222222222222" } });
    assert.ok(same.status === 200 || same.status === 201, `the same assignment again is accepted: ${same.text}`);
    const other = await send(`${scope}/providers/Microsoft.Authorization/roleAssignments/66666666-6666-4666-8666-666666666666?api-version=2022-04-01`, { properties: { roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${NETWORK_CONTRIBUTOR}`, principalId: "22222222-2222-4222-8222-222222222222", principalType: "User" } });
    assert.equal(other.status, 409);
    assert.match(other.text, /"code":"RoleAssignmentExists".*"message":"The role assignment already exists\."/);
  });

  it("a resource group someone makes between aks-net's read and its PUT is never taken as aks-net's: no proof on it, delete keeps it", async () => {
    const { fake } = arm;
    // The colleague's group appears right before aks-net's create PUT reaches ARM (after aks-net's last read).
    fake.onRequest({ method: "PUT", match: /\/resourceGroups\/rg-race$/i }, () => fake.seed.resourceGroup("rg-race", { location: "westeurope", tags: { owner: "colleague" } }));
    const r = await create(fake, "race");
    ok(r);
    const tags = tagsOf(fake, rgId("rg-race"));
    assert.ok(!Object.keys(tags).some((k) => lc(k).startsWith("aks-net")), `the colleague's group carries no aks-net proof: ${JSON.stringify(tags)}`);
    const d = await del(fake, "race");
    ok(d);
    assert.ok(fake.get(rgId("rg-race")), "the colleague's group stays");
    assert.ok(!doc(d).delete.some((o) => lc(o.resourceId) === lc(rgId("rg-race"))), "never in the delete list");
    assert.ok(doc(d).keep.some((k) => lc(k.resourceId) === lc(rgId("rg-race"))), "named as kept");
    assert.equal(fake.list(`${rgId("rg-race")}/providers/`).length, 0, "everything aks-net made in it is gone");
  });

  it("a subnet someone makes in the user's VNet at aks-net's planned name between aks-net's read and its PUT: adopted, never recorded as aks-net's, delete leaves it", async () => {
    const { fake } = arm;
    fake.seed.resourceGroup("rg-sub", { location: "westeurope" });
    const hub = fake.seed.vnet("rg-sub", "hub", ["10.70.0.0/16"], { team: "10.70.100.0/24" }, { location: "westeurope" });
    const theirs = `${hub}/subnets/aks-nodes`;
    // The Network RP honours If-None-Match: aks-net's create PUT is refused (412), it reads the subnet and adopts it.
    fake.onRequest({ method: "PUT", match: /subnets\/aks-nodes$/ }, () => fake.seed.subnet(hub, "aks-nodes", "10.70.0.0/22"));
    ok(await create(fake, "sub", ["--vnet-name", "hub", "--vnet-cidr", "10.70.0.0/16", "--subnet-cidr", "10.70.0.0/22"]));
    assert.equal(fake.requests.filter((q) => q.method === "PUT" && /subnets\/aks-nodes$/.test(q.path) && q.status === 412).length, 1, "aks-net's create PUT was refused");
    const d = await del(fake, "sub");
    ok(d);
    assert.ok(fake.get(theirs), "the colleague's subnet stays");
    assert.ok(!doc(d).delete.some((o) => lc(o.resourceId) === lc(theirs)), "never in the delete list");
  });

  it("a grant someone makes for aks-net's identity under another name before aks-net's role assignment PUT: create uses it and finishes; delete leaves it and names it", async () => {
    const { fake } = arm;
    const rt = net("rg-grant", "routeTables", "grant-rt");
    const identity = `${rgId("rg-grant")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/grant-identity`;
    let theirs = "";
    fake.onRequest({ method: "PUT", match: /roleAssignments\//, when: "before" }, () => {
      const principal = String(props(fake.get(identity))["principalId"]);
      theirs = fake.seed.roleAssignment(rt, principal, NETWORK_CONTRIBUTOR, { name: "77777777-7777-4777-8777-777777777777" });
    });
    const r = await create(fake, "grant", ["--route", "10.80.0.0/16=VirtualAppliance@10.224.0.10"]);
    ok(r);
    assert.ok(theirs !== "" && fake.get(theirs), "the colleague's assignment exists");
    const d = await del(fake, "grant");
    ok(d);
    assert.ok(fake.get(theirs), "delete leaves the colleague's assignment");
    const named = doc(d).keep.some((k) => lc(k.resourceId) === lc(theirs) || (k.foreign ?? []).some((f) => lc(f) === lc(theirs)));
    assert.ok(named, JSON.stringify(doc(d).keep, null, 2));
  });
});
