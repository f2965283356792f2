/**
 * The executor's scheduling logic with an in-memory port (Azure behaviour itself is tested end to end against the
 * fake ARM server): dependency order, parallelism, ensure semantics, references, resume waits, failure, abort, deletes.
 */
import assert from "node:assert/strict";
import { applyPlan } from "../../src/core/apply.ts";
import type { ApplyReporter, ArmPort, Body, ResourceRef, StepResult } from "../../src/core/apply.ts";
import { CancelledError } from "../../src/core/errors.ts";
import { ref } from "../../src/core/plan.ts";
import type { Action, Operation, Plan } from "../../src/core/plan.ts";

const RG = "/subscriptions/s/resourceGroups/rg";
const id = (type: string, name: string): string => `${RG}/providers/${type}/${name}`;
const VNET = id("Microsoft.Network/virtualNetworks", "v");
const SUBNET = `${VNET}/subnets/nodes`;
const PIP = id("Microsoft.Network/publicIPAddresses", "pip");
const FW = id("Microsoft.Network/azureFirewalls", "fw");
const IDENTITY = id("Microsoft.ManagedIdentity/userAssignedIdentities", "mi");
const ROLE = `${SUBNET}/providers/Microsoft.Authorization/roleAssignments/0000`;
const CLUSTER = id("Microsoft.ContainerService/managedClusters", "c");

function op(resourceId: string, dependsOn: string[], body: Body = { location: "westeurope" }, action: Action = "create"): Operation {
  const type = resourceId.includes("roleAssignments") ? "Microsoft.Authorization/roleAssignments" : /providers\/(.+)\/[^/]+$/.exec(resourceId)?.[1]?.replace(/\/[^/]+\//, "/") ?? "x";
  return { resourceId, type, apiVersion: "2026-01-01", dependsOn, body, label: resourceId.slice(resourceId.lastIndexOf("/") + 1), action };
}

/** In-memory Azure: PUTs take `latency[name]` ms, identities get a principalId, every call is logged. */
class MemoryPort implements ArmPort {
  store = new Map<string, Body>();
  log: string[] = [];
  events: { t: number; what: string }[] = [];
  latency: Record<string, number> = {};
  failOn = new Set<string>();
  /** GETs that still report the transitional state, per id. */
  transitional = new Map<string, number>();
  inFlight = 0;
  maxInFlight = 0;
  private t0 = performance.now();

  async get(res: ResourceRef): Promise<Body | undefined> {
    this.log.push(`GET ${name(res.resourceId)}`);
    const left = this.transitional.get(res.resourceId) ?? 0;
    const body = this.store.get(res.resourceId);
    if (body && left > 0) {
      this.transitional.set(res.resourceId, left - 1);
      return { ...body, properties: { ...(body["properties"] as Body), provisioningState: left > 1 ? "Creating" : "Succeeded" } };
    }
    return body;
  }

  async put(res: ResourceRef, body: Body, signal: AbortSignal): Promise<Body> {
    this.log.push(`PUT ${name(res.resourceId)}`);
    this.events.push({ t: performance.now() - this.t0, what: `start ${name(res.resourceId)}` });
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await delay(this.latency[name(res.resourceId)] ?? 5, signal);
      if (this.failOn.has(name(res.resourceId))) throw new Error(`boom ${name(res.resourceId)}`);
      const props: Body = { ...((body["properties"] as Body | undefined) ?? {}), provisioningState: "Succeeded" };
      if (res.resourceId === IDENTITY) props["principalId"] = "p-123";
      const stored = { ...body, properties: props };
      this.store.set(res.resourceId, stored);
      return stored;
    } finally {
      this.inFlight--;
      this.events.push({ t: performance.now() - this.t0, what: `end ${name(res.resourceId)}` });
    }
  }

  async delete(res: ResourceRef, signal: AbortSignal): Promise<void> {
    this.log.push(`DELETE ${name(res.resourceId)}`);
    await delay(this.latency[name(res.resourceId)] ?? 5, signal);
    this.store.delete(res.resourceId);
  }
}

function name(resourceId: string): string {
  return resourceId.slice(resourceId.lastIndexOf("/") + 1);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error("aborted"));
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(t);
      const e = new Error("The operation was aborted.");
      e.name = "AbortError";
      reject(e);
    }, { once: true });
  });
}

function recorder(): ApplyReporter & { started: string[]; results: StepResult[]; notes: string[] } {
  const r = {
    started: [] as string[],
    results: [] as StepResult[],
    notes: [] as string[],
    start: (o: Operation) => void r.started.push(name(o.resourceId)),
    note: (o: Operation, text: string) => void r.notes.push(`${name(o.resourceId)}: ${text}`),
    finish: (s: StepResult) => void r.results.push(s),
  };
  return r;
}

/** The firewall-egress shape: two independent chains that join at the cluster. */
function firewallPlan(): Plan {
  return {
    refusals: [],
    operations: [
      op(VNET, []),
      op(SUBNET, [VNET], { properties: { addressPrefix: "10.0.0.0/22" } }),
      op(PIP, []),
      op(FW, [PIP, SUBNET]),
      op(IDENTITY, []),
      op(ROLE, [IDENTITY, SUBNET], { properties: { roleDefinitionId: "/r/nc", principalId: ref(IDENTITY, "properties.principalId") } }),
      op(CLUSTER, [ROLE, FW]),
    ],
  };
}

const never = new AbortController().signal;

describe("applyPlan", () => {
  it("starts each step as soon as its own dependencies finish, not in waves", async () => {
    const port = new MemoryPort();
    port.latency = { v: 10, nodes: 10, pip: 60, fw: 10, mi: 5, "0000": 5, c: 10 };
    await applyPlan(firewallPlan(), port, recorder(), never);
    const at = (what: string): number => port.events.find((e) => e.what === what)?.t ?? NaN;
    // The role assignment needs only the identity and the subnet: it must not wait for the slow public IP.
    assert.ok(at("start 0000") < at("end pip"), `role started at ${at("start 0000")}, pip ended at ${at("end pip")}`);
    assert.ok(at("start fw") >= at("end pip") && at("start fw") >= at("end nodes"));
    assert.ok(at("start c") >= at("end fw") && at("start c") >= at("end 0000"));
    assert.ok(port.maxInFlight >= 3, `max parallel PUTs ${port.maxInFlight}`);
  });

  it("wall time is close to the critical path", async () => {
    const port = new MemoryPort();
    port.latency = { v: 40, nodes: 40, pip: 40, fw: 80, mi: 40, "0000": 40, c: 80 };
    const t0 = performance.now();
    await applyPlan(firewallPlan(), port, recorder(), never);
    const wall = performance.now() - t0;
    const critical = 40 + 40 + 80 + 80; // vnet → subnet → firewall → cluster
    assert.ok(wall < critical * 1.3, `wall ${wall.toFixed(0)} ms vs critical path ${critical} ms`);
  });

  it("maxParallel 1 runs one step after the other (the benchmark's sequential baseline)", async () => {
    const port = new MemoryPort();
    await applyPlan(firewallPlan(), port, recorder(), never, { maxParallel: 1 });
    assert.equal(port.maxInFlight, 1);
    assert.equal(port.log.filter((l) => l.startsWith("PUT")).length, 7);
  });

  it("writes to one VNet one at a time (Network's 409 AnotherOperationInProgress), the longest chain first", async () => {
    const port = new MemoryPort();
    port.latency = { v: 5, nodes: 30, AzureFirewallSubnet: 30, fw: 30, c: 5 };
    const fwSubnet = `${VNET}/subnets/AzureFirewallSubnet`;
    const plan: Plan = {
      refusals: [],
      operations: [op(VNET, []), op(SUBNET, [VNET], { properties: { addressPrefix: "10.0.0.0/22" } }), op(fwSubnet, [VNET], { properties: { addressPrefix: "10.0.8.0/26" } }), op(FW, [fwSubnet]), op(CLUSTER, [SUBNET, FW])],
    };
    await applyPlan(plan, port, recorder(), never);
    const at = (what: string): number => port.events.find((e) => e.what === what)?.t ?? NaN;
    assert.ok(at("start nodes") >= at("end AzureFirewallSubnet"), "the two subnets did not overlap, firewall subnet first");
    assert.ok(at("start fw") < at("end nodes"), "the firewall runs while the node subnet is written");
  });

  it("resolves reference tokens from the results of finished steps", async () => {
    const port = new MemoryPort();
    await applyPlan(firewallPlan(), port, recorder(), never);
    assert.equal((port.store.get(ROLE)?.["properties"] as Body)["principalId"], "p-123");
  });

  it("writes nothing for a resource that already matches (ensure), and reports it unchanged", async () => {
    const port = new MemoryPort();
    await applyPlan(firewallPlan(), port, recorder(), never);
    port.log = [];
    const rec = recorder();
    const result = await applyPlan(firewallPlan(), port, rec, never);
    assert.deepEqual(port.log.filter((l) => !l.startsWith("GET")), []);
    assert.ok(result.steps.every((s) => s.action === "unchanged" && s.status === "done"));
  });

  it("uses the state read before planning instead of reading again", async () => {
    const port = new MemoryPort();
    const result = await applyPlan(firewallPlan(), port, recorder(), never, { initial: new Map() });
    assert.deepEqual(port.log.filter((l) => l.startsWith("GET")), []);
    assert.equal(result.steps.filter((s) => s.action === "create").length, 7);
  });

  it("updates only what differs and keeps what Azure has (merge)", async () => {
    const port = new MemoryPort();
    port.store.set(SUBNET, { name: "nodes", properties: { addressPrefix: "10.0.0.0/22", provisioningState: "Succeeded", serviceEndpoints: [{ service: "Microsoft.Storage" }] } });
    const plan: Plan = { refusals: [], operations: [op(SUBNET, [], { properties: { addressPrefix: "10.0.0.0/22", routeTable: { id: "/rt" } } })] };
    const result = await applyPlan(plan, port, recorder(), never);
    assert.equal(result.steps[0]?.action, "update");
    const props = port.store.get(SUBNET)?.["properties"] as Body;
    assert.deepEqual(props["routeTable"], { id: "/rt" });
    assert.deepEqual(props["serviceEndpoints"], [{ service: "Microsoft.Storage" }]);
  });

  it("merges an update's planned body (not the one merged at planning time) and tells the port only that part is the plan's", async () => {
    const planned: Body[] = [];
    const port = new (class extends MemoryPort {
      override put(res: ResourceRef, body: Body, signal: AbortSignal, part?: Body): Promise<Body> {
        planned.push(part as Body);
        return super.put(res, body, signal);
      }
    })();
    const route = (name: string, prefix: string, hop: string) => ({ name, properties: { addressPrefix: prefix, nextHopType: "VirtualAppliance", nextHopIpAddress: hop } });
    const RT = id("Microsoft.Network/routeTables", "rt");
    // Azure now: the user's route, aks-net's default route under the name kubenet gave it, a stale next hop.
    port.store.set(RT, { id: RT, name: "rt", etag: "e2", tags: { owner: "netops" }, properties: { provisioningState: "Succeeded", subnets: [{ id: SUBNET }], routes: [route("user", "192.168.0.0/16", "10.0.0.9"), route("default", "0.0.0.0/0", "10.0.0.5")] } });
    const desired = { tags: { "managed-by": "aks-net" }, properties: { routes: [route("to-default", "0.0.0.0/0", "10.0.0.4")] } };
    // Planned against an older read, which still had a route the user has since deleted.
    const stale = { properties: { routes: [route("gone", "172.16.0.0/12", "10.0.0.9"), route("default", "0.0.0.0/0", "10.0.0.4")] } };
    const plan: Plan = { refusals: [], operations: [{ ...op(RT, [], stale, "update"), desired }] };
    await applyPlan(plan, port, recorder(), never);
    const routes = (port.store.get(RT)?.["properties"] as { routes: { name: string }[] }).routes;
    assert.deepEqual(routes.map((r) => r.name), ["user", "default"], "the fresh read is merged: no stale route comes back");
    assert.deepEqual(port.store.get(RT)?.["tags"], { owner: "netops" });
    assert.deepEqual(planned, [{ properties: { routes: [route("default", "0.0.0.0/0", "10.0.0.4")] } }], "the plan's part: its route under Azure's name, no tags");
  });

  it("an update reads again right before its write: a subnet the user added after planning is kept", async () => {
    const port = new MemoryPort();
    const sub = (name: string, prefix: string) => ({ name, properties: { addressPrefix: prefix } });
    const planning = { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] }, subnets: [sub("nodes", "10.0.0.0/22")] } };
    port.store.set(VNET, { ...planning, properties: { ...planning.properties, subnets: [sub("nodes", "10.0.0.0/22"), sub("theirs", "10.0.8.0/24")] } });
    const desired = { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16", "10.1.0.0/16"] } } };
    const result = await applyPlan({ refusals: [], operations: [{ ...op(VNET, [], desired, "update"), desired }] }, port, recorder(), never, { initial: new Map([[VNET, planning]]) });
    assert.equal(result.steps[0]?.action, "update");
    assert.deepEqual(port.log, ["GET v", "PUT v"]);
    const props = port.store.get(VNET)?.["properties"] as { subnets: { name: string }[]; addressSpace: unknown };
    assert.deepEqual(props.subnets.map((x) => x.name), ["nodes", "theirs"]);
    assert.deepEqual(props.addressSpace, { addressPrefixes: ["10.0.0.0/16", "10.1.0.0/16"] });
  });

  it("checks every write with the port before the first one: a body that cannot go out stops the run with nothing written", async () => {
    const checked: { id: string; body: Body; planned: Body }[] = [];
    const port = new (class extends MemoryPort {
      async check(res: ResourceRef, body: Body, planned: Body): Promise<void> {
        checked.push({ id: name(res.resourceId), body, planned });
        if (res.resourceId === CLUSTER) throw new Error("the Azure SDK would send a different body than planned for c");
      }
    })();
    const subnet = { name: "nodes", properties: { addressPrefix: "10.0.0.0/22", ipConfigurations: [{ id: "nic" }] } };
    const initial = new Map<string, Body>([[VNET, { location: "westeurope", etag: "e", tags: { owner: "me" }, properties: { provisioningState: "Succeeded", subnets: [subnet] } }]]);
    const plan = firewallPlan();
    const vnetDesired = { location: "westeurope", tags: { "managed-by": "aks-net" }, properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } };
    plan.operations[0] = { ...op(VNET, [], { stale: true }, "update"), desired: vnetDesired };
    await assert.rejects(applyPlan(plan, port, recorder(), never, { initial }), /different body than planned for c \(found before the first write: nothing was changed\)/);
    assert.deepEqual(port.log, [], "no request at all");
    assert.deepEqual(checked.map((c) => c.id), ["v", "nodes", "pip", "fw", "mi", "0000", "c"]);
    const v = checked[0] as { body: Body; planned: Body };
    assert.deepEqual(v.body, { location: "westeurope", tags: { owner: "me" }, properties: { subnets: [subnet], addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } }, "the update body its step would send");
    assert.deepEqual(v.planned, { location: "westeurope", properties: { addressSpace: { addressPrefixes: ["10.0.0.0/16"] } } });
    const role = checked.find((c) => c.id === "0000");
    assert.match(String((role?.body["properties"] as Body)["principalId"]), /^[0-9a-f-]{36}$/, "a value known only during the run is stood in for");
  });

  it("waits for an operation a previous run started (Creating) by polling, never PUTting again", async () => {
    const port = new MemoryPort();
    port.store.set(PIP, { location: "westeurope", properties: { provisioningState: "Creating" } });
    port.transitional.set(PIP, 3);
    const rec = recorder();
    const plan: Plan = { refusals: [], operations: [op(PIP, [])] };
    const result = await applyPlan(plan, port, rec, never, { pollIntervalMs: 1 });
    assert.equal(port.log.filter((l) => l === "PUT pip").length, 0);
    assert.ok(port.log.filter((l) => l === "GET pip").length >= 3);
    assert.equal(result.steps[0]?.action, "unchanged");
    assert.match(rec.notes.join("\n"), /waiting for the creating operation a previous run started/);
  });

  it("re-PUTs a resource an earlier run left Failed", async () => {
    const port = new MemoryPort();
    port.store.set(PIP, { location: "westeurope", properties: { provisioningState: "Failed" } });
    const result = await applyPlan({ refusals: [], operations: [op(PIP, [])] }, port, recorder(), never);
    assert.equal(result.steps[0]?.action, "update");
    assert.deepEqual(port.log, ["GET pip", "PUT pip"]);
  });

  it("on failure skips dependants, lets independent running steps finish, and raises the error", async () => {
    const port = new MemoryPort();
    port.latency = { nodes: 5, pip: 40 };
    port.failOn.add("nodes");
    const rec = recorder();
    await assert.rejects(applyPlan(firewallPlan(), port, rec, never), /boom nodes/);
    const status = Object.fromEntries(rec.results.map((r) => [name(r.op.resourceId), r.status]));
    assert.equal(status["nodes"], "failed");
    assert.equal(status["pip"], "done", "the independent public IP finishes");
    assert.equal(status["mi"], "done");
    assert.equal(status["fw"], "skipped");
    assert.equal(status["0000"], "skipped");
    assert.equal(status["c"], "skipped");
    assert.equal(port.log.includes("PUT c"), false);
  });

  it("on abort starts nothing new, aborts in-flight work and throws CancelledError with the resume hint", async () => {
    const port = new MemoryPort();
    port.latency = { v: 5, nodes: 200, pip: 200, mi: 5 };
    const ac = new AbortController();
    setTimeout(() => ac.abort(new CancelledError()), 40);
    const rec = recorder();
    const t0 = performance.now();
    const err = await applyPlan(firewallPlan(), port, rec, ac.signal).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof CancelledError, String(err));
    assert.equal(err.exitCode, 130);
    assert.match(err.hint ?? "", /re-run the same command/);
    assert.ok(performance.now() - t0 < 150, "in-flight waits are aborted, not awaited");
    assert.equal(port.log.includes("PUT fw"), false);
    assert.equal(port.log.includes("PUT c"), false);
  });

  it("deletes in reverse dependency order and treats a missing resource as already gone", async () => {
    const port = new MemoryPort();
    await applyPlan(firewallPlan(), port, recorder(), never);
    port.store.delete(PIP);
    port.log = [];
    const plan: Plan = { refusals: [], operations: firewallPlan().operations.map((o) => ({ ...o, action: "delete" as const })) };
    const result = await applyPlan(plan, port, recorder(), never);
    const deletes = port.log.filter((l) => l.startsWith("DELETE")).map((l) => l.slice(7));
    assert.equal(deletes[0], "c");
    assert.ok(deletes.indexOf("fw") < deletes.indexOf("nodes"));
    assert.ok(deletes.indexOf("nodes") < deletes.indexOf("v"));
    assert.ok(deletes.indexOf("0000") < deletes.indexOf("mi"));
    assert.equal(deletes.includes("pip"), false);
    assert.equal(result.steps.find((s) => s.op.resourceId === PIP)?.action, "unchanged");
    assert.equal(port.store.size, 0);
  });

  it("refuses a plan with a dependency cycle instead of hanging", async () => {
    const plan: Plan = { refusals: [], operations: [op(VNET, [SUBNET]), op(SUBNET, [VNET])] };
    await assert.rejects(applyPlan(plan, new MemoryPort(), recorder(), never), /dependency cycle/);
  });

  it("ignores dependencies outside the plan (resources that already exist)", async () => {
    const port = new MemoryPort();
    const result = await applyPlan({ refusals: [], operations: [op(SUBNET, ["/subscriptions/s/resourceGroups/other/providers/Microsoft.Network/virtualNetworks/byo"])] }, port, recorder(), never);
    assert.equal(result.steps[0]?.status, "done");
  });
});

describe("applyPlan: secrets (Windows administrator password)", () => {
  const never = new AbortController().signal;
  const windows = { location: "westeurope", properties: { windowsProfile: { adminUsername: "azureuser", adminPassword: "[secret:windows-admin-password]" } } };
  const secrets = new Map([["windows-admin-password", "S3cret-Value-0001!"]]);

  /** Records what each PUT sent and what the plan said it must carry. */
  class SecretPort extends MemoryPort {
    sent: Body[] = [];
    planned: (Body | undefined)[] = [];
    override async put(res: ResourceRef, body: Body, signal: AbortSignal, planned?: Body): Promise<Body> {
      this.sent.push(structuredClone(body));
      this.planned.push(planned && structuredClone(planned));
      const stored = await super.put(res, body, signal);
      // Azure never returns the password.
      const props = stored["properties"] as Body;
      const profile = props["windowsProfile"] as Body;
      const { adminPassword: _pw, ...kept } = profile;
      const echoed = { ...stored, properties: { ...props, windowsProfile: kept } };
      this.store.set(res.resourceId, echoed);
      return echoed;
    }
  }

  it("a create sends the secret's value; the planned part it must carry holds no secret", async () => {
    const port = new SecretPort();
    await applyPlan({ refusals: [], operations: [op(CLUSTER, [], windows)] }, port, recorder(), never, { secrets });
    assert.deepEqual((port.sent[0]?.["properties"] as Body)["windowsProfile"], { adminUsername: "azureuser", adminPassword: "S3cret-Value-0001!" });
    assert.deepEqual((port.planned[0]?.["properties"] as Body)["windowsProfile"], { adminUsername: "azureuser" });
  });

  it("an update of an existing cluster sends no password (Azure keeps its own), and a re-run over it writes nothing", async () => {
    const port = new SecretPort();
    await applyPlan({ refusals: [], operations: [op(CLUSTER, [], windows)] }, port, recorder(), never, { secrets });
    const changed = { ...windows, properties: { ...windows.properties, extra: 1 } };
    await applyPlan({ refusals: [], operations: [op(CLUSTER, [], changed, "update")] }, port, recorder(), never, { secrets });
    assert.deepEqual((port.sent[1]?.["properties"] as Body)["windowsProfile"], { adminUsername: "azureuser" });
    const before = port.sent.length;
    const again = await applyPlan({ refusals: [], operations: [op(CLUSTER, [], changed, "update")] }, port, recorder(), never, { secrets });
    assert.equal(port.sent.length, before, "the missing password in Azure's echo is no difference");
    assert.equal(again.steps[0]?.action, "unchanged");
  });

  it("a create without the secret's value fails naming the secret, never sending the token", async () => {
    const port = new SecretPort();
    await assert.rejects(applyPlan({ refusals: [], operations: [op(CLUSTER, [], windows)] }, port, recorder(), never), /no value for the secret windows-admin-password/);
    assert.equal(port.sent.length, 0);
  });
});
