import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { cidr, overlaps } from "../../src/core/cidr.ts";
import { CancelledError, UsageError } from "../../src/core/errors.ts";
import { resolveSpec } from "../../src/core/resolve.ts";
import type { SpecInput, SpecLayer } from "../../src/core/spec.ts";
import { addSpecOptions, fromFlags } from "../../src/commands/options.ts";
import { complete, completeInput, equivalentCommand, specYaml } from "../../src/commands/input/interactive.ts";
import { readSpecFile } from "../../src/commands/input/file.ts";
import { chosenInput, runWizard } from "../../src/commands/input/wizard.ts";
import { makeStyle } from "../../src/io/colour.ts";
import type { Io } from "../../src/io/io.ts";
import { terminalAsker } from "../../src/io/prompts.ts";
import { TEMPLATES } from "../../src/templates/index.ts";
import { validateSpec } from "../../src/validators/index.ts";
import { scriptedAsker } from "../helpers/scripted-asker.ts";
import type { Script } from "../helpers/scripted-asker.ts";

const IDENTITY: Script = { subscription: "00000000-0000-0000-0000-000000000001", location: "westeurope", resourceGroup: "rg-demo", name: "demo" };
const flags = (input: SpecInput): SpecLayer[] => [{ source: "flag", input }];

/** Runs the wizard with a script; returns the transcript and every layer (seed + answers). */
async function wizard(seed: SpecLayer[], script: Script = {}) {
  const ask = scriptedAsker({ ...IDENTITY, ...script });
  const answers = await runWizard(ask, seed);
  return { t: ask.transcript, answers, layers: [...seed, { source: "wizard" as const, input: answers }] };
}

/** The wizard's answers without the ranges it proposed: what the same choices give as flags. */
function withoutRanges(layers: SpecLayer[]): SpecInput {
  const answers = structuredClone(layers.find((l) => l.source === "wizard")?.input ?? {});
  delete answers.serviceCidr;
  delete answers.dnsServiceIP;
  delete answers.podCidr;
  delete answers.vnet;
  return answers;
}

/** A fake terminal edge: captured streams, a chosen interactivity. */
function fakeIo(interactive: boolean, env: Record<string, string | undefined> = {}, cwd = tmpdir()): Io & { err: () => string; out: () => string } {
  let err = "";
  let out = "";
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: new PassThrough(),
    env,
    cwd,
    style: makeStyle(false),
    interactive,
    signal: new AbortController().signal,
    err: () => err,
    out: () => out,
  };
}

/** Splits the printed command the way a POSIX shell would (our quoting only uses single quotes). */
function shellSplit(line: string): string[] {
  return [...line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] as string)));
}

/** What `aks-net create <printed flags>` resolves to: commander parses, fromFlags builds the input. */
function replay(line: string) {
  const argv = shellSplit(line);
  assert.deepEqual(argv.slice(0, 2), ["aks-net", "create"]);
  const cmd = addSpecOptions(new Command("create").exitOverride().option("--subscription <id>"), { withTargets: true });
  cmd.parse(argv.slice(2), { from: "user" });
  const opts = cmd.opts();
  const input = fromFlags(opts);
  if (typeof opts["subscription"] === "string") input.subscription = opts["subscription"];
  return resolveSpec([{ source: "flag", input }]);
}

/** Every range value the spec holds, by field, for overlap checks. */
function ranges(input: SpecInput): Record<string, string> {
  const out: Record<string, string> = {};
  input.vnet?.addressSpaces?.forEach((c, i) => (out[`vnet.addressSpaces[${i}]`] = c));
  if (input.vnet?.subnetCidr) out["vnet.subnetCidr"] = input.vnet.subnetCidr;
  if (input.vnet?.podSubnetCidr) out["vnet.podSubnetCidr"] = input.vnet.podSubnetCidr;
  if (input.firewall?.subnetCidr) out["firewall.subnetCidr"] = input.firewall.subnetCidr;
  if (input.podCidr) out["podCidr"] = input.podCidr;
  if (input.serviceCidr) out["serviceCidr"] = input.serviceCidr;
  return out;
}

describe("wizard: asks only what is missing", () => {
  it("skips every value given by flags", async () => {
    const seed = flags({ name: "x", resourceGroup: "rg", location: "eastus", subscription: "s", networkPlugin: "kubenet", serviceCidr: "10.96.0.0/16", nodePools: [{ count: 5 }] });
    const { t } = await wizard(seed);
    for (const id of ["name", "resourceGroup", "location", "subscription", "networkPlugin", "serviceCidr", "nodePools[0].count"]) {
      assert.ok(!t.asked.includes(id), `${id} was given by a flag but asked`);
    }
    // The DNS IP is still missing: its default follows the given service CIDR.
    assert.equal(t.defaults["dnsServiceIP"], "10.96.0.10");
  });

  it("leaves dual-stack pod and service ranges to their list flags and defaults", async () => {
    const { t, layers } = await wizard(flags({ ipFamilies: ["IPv4", "IPv6"] }));
    assert.ok(!t.asked.includes("podCidr") && !t.asked.includes("serviceCidr"));
    const r = resolveSpec(layers);
    assert.deepEqual(validateSpec(r.spec, r.provenance).filter((f) => f.severity === "error").map((f) => f.rule), []);
  });

  it("asks nothing a template already answers except where the cluster goes", async () => {
    const tpl = TEMPLATES.find((x) => x.name === "overlay-cilium");
    assert.ok(tpl);
    const { t } = await wizard([{ source: "template", input: tpl.input }]);
    for (const id of ["networkPlugin", "networkDataplane", "networkPolicy", "nodePools[0].count", "vnet.addressSpaces", "vnet.subnetCidr", "podCidr", "serviceCidr", "dnsServiceIP"]) {
      assert.ok(!t.asked.includes(id), `${id} is in the template but was asked`);
    }
    assert.ok(t.asked.includes("name") && t.asked.includes("location"));
  });

  it("asks in a sensible order: target, plugin, policy, size, egress, VNet, cluster ranges", async () => {
    const { t } = await wizard([]);
    const order = ["subscription", "location", "resourceGroup", "name", "networkPlugin", "networkPolicy", "nodePools[0].count", "nodePools[0].maxPods", "outboundType", "vnet.addressSpaces", "vnet.subnetCidr", "podCidr", "serviceCidr", "dnsServiceIP"];
    const positions = order.map((id) => t.asked.indexOf(id));
    assert.ok(positions.every((p) => p >= 0), `not asked: ${order.filter((_, i) => (positions[i] as number) < 0).join(", ")}`);
    assert.deepEqual([...positions].sort((a, b) => a - b), positions);
  });
});

describe("wizard: every answer is checked by the rule engine as it is typed", () => {
  it("refuses 10.0.0.0/33 and 012.0.0.0/8 with the rule id and a fix", async () => {
    const { t, answers } = await wizard([], { serviceCidr: ["10.0.0.0/33", "012.0.0.0/8", "10.100.0.0/16"] });
    const refused = t.refused.filter((r) => r.id === "serviceCidr");
    assert.equal(refused.length, 2);
    assert.match(refused[0]?.message ?? "", /^SYN-02 .*\/33/);
    assert.match(refused[1]?.message ?? "", /^SYN-04 /);
    for (const r of refused) assert.match(r.message, /fix: /);
    assert.equal(answers.serviceCidr, "10.100.0.0/16");
  });

  it("refuses an empty answer where a value is needed (the engine treats empty as unset)", async () => {
    const { t } = await wizard([], { serviceCidr: ["", "10.100.0.0/16"] });
    assert.match(t.refused.find((r) => r.id === "serviceCidr")?.message ?? "", /a value is required/);
  });

  it("refuses a reserved range as service CIDR (RES-01) and shows the fix", async () => {
    const { t } = await wizard([], { serviceCidr: ["172.30.0.0/16", "10.100.0.0/16"] });
    const r = t.refused.find((x) => x.id === "serviceCidr");
    assert.ok(r);
    assert.match(r.message, /^RES-01 /);
    assert.match(r.message, /172\.30\.0\.0\/16/);
    assert.match(r.message, /\n {2}fix: /);
  });

  it("refuses a node subnet outside the VNet and one overlapping an existing subnet", async () => {
    const seed = flags({ vnet: { addressSpaces: ["10.20.0.0/16"], existingSubnets: [{ name: "appgw", cidr: "10.20.0.0/24" }] } });
    const { t } = await wizard(seed, { "vnet.name": "hub", "vnet.subnetCidr": ["10.99.0.0/24", "10.20.0.0/25", "10.20.4.0/22"] });
    const refused = t.refused.filter((r) => r.id === "vnet.subnetCidr").map((r) => r.message.split(" ")[0]);
    assert.equal(refused.length, 2);
    assert.ok(refused.every((id) => /^[A-Z]+-\d+$/.test(id ?? "")), `rule ids expected, got ${refused.join(", ")}`);
  });

  it("refuses a DNS service IP outside the chosen service CIDR", async () => {
    const { t, answers } = await wizard([], { serviceCidr: "10.100.0.0/16", dnsServiceIP: ["10.0.0.10", "10.100.0.10"] });
    assert.match(t.refused.find((r) => r.id === "dnsServiceIP")?.message ?? "", /^DNS-02 /);
    assert.equal(answers.dnsServiceIP, "10.100.0.10");
  });

  it("refuses max pods below the AKS minimum", async () => {
    const { t } = await wizard([], { "nodePools[0].maxPods": [5, 110] });
    assert.equal(t.refused.find((r) => r.id === "nodePools[0].maxPods")?.message.split(" ")[0], "CAP-07");
  });

  it("shows warnings after the answer and accepts it (kubenet retirement, CMP-13)", async () => {
    const { t, answers } = await wizard([], { networkPlugin: "kubenet" });
    assert.equal(answers.networkPlugin, "kubenet");
    assert.ok(t.notes.some((n) => n.includes("CMP-13")), t.notes.join("\n"));
  });

  it("describes each plugin choice in one line, kubenet with its retirement date", async () => {
    const ask = scriptedAsker(IDENTITY);
    let described: string | undefined;
    const select = ask.select.bind(ask);
    ask.select = (q) => {
      if (q.id === "networkPlugin") described = q.choices.find((c) => c.value === "kubenet")?.description;
      return select(q);
    };
    await runWizard(ask, []);
    assert.match(described ?? "", /2028-03-31/);
  });
});

describe("wizard: an existing VNet", () => {
  const existing: Script = { vnet: "existing", "vnet.name": "hub", "vnet.addressSpaces": "10.7.0.0/16", "vnet.existingSubnets": "nodes=10.7.0.0/22,pe=10.7.8.0/24,tiny=10.7.9.0/29" };

  it("puts the nodes into one of its subnets when chosen, and offers only subnets that fit", async () => {
    const { t, answers, layers } = await wizard([], { ...existing, networkPlugin: "node-subnet", "vnet.subnet": "nodes" });
    // 3 nodes + surge at 31 IPs each do not fit a /29 (CAP-01): not offered.
    assert.deepEqual(t.choices["vnet.subnet"], ["", "nodes", "pe"]);
    assert.ok(!t.asked.includes("vnet.subnetCidr"), "no CIDR question when an existing subnet is chosen");
    assert.equal(answers.vnet?.subnetName, "nodes");
    assert.equal(answers.vnet?.subnetCidr, "10.7.0.0/22");
    assert.deepEqual(answers.vnet?.existingSubnets?.map((s) => s.name), ["pe", "tiny"]);
    const resolved = resolveSpec(layers);
    assert.deepEqual(replay(equivalentCommand(chosenInput(resolved))).spec, resolved.spec);
  });

  it("a new node subnet in it avoids its other subnets", async () => {
    const { answers } = await wizard([], existing);
    const node = answers.vnet?.subnetCidr as string;
    for (const other of ["10.7.0.0/22", "10.7.8.0/24", "10.7.9.0/29"]) assert.equal(overlaps(cidr(node), cidr(other)), false, `${node} overlaps ${other}`);
  });
});

describe("wizard: an existing VNet read from Azure (create)", () => {
  // The reader's answer as providers/live.ts gives it; the real reader is exercised against the fake ARM in wizard-tty.
  const hub: SpecInput = {
    vnet: { addressSpaces: ["10.60.0.0/16"], existingSubnets: [{ name: "app", cidr: "10.60.0.0/24" }] },
    connectedCidrs: ["10.60.1.0/24"],
    live: { peerings: [], clusters: [], permissions: [], vnet: { id: "/x", name: "hub", exists: true, addressSpaces: ["10.60.0.0/16"] } },
  };
  const run = (facts: SpecInput) => {
    const ask = scriptedAsker({ ...IDENTITY, vnet: "existing", "vnet.name": "hub" });
    const seen: string[] = [];
    return runWizard(ask, [], { readVnet: (r) => (seen.push(`${r.spec.vnet.name} ${r.spec.vnet.resourceGroup}`), Promise.resolve(facts)) }).then((answers) => ({ answers, t: ask.transcript, seen }));
  };

  it("asks the name and resource group only; the node subnet avoids its subnets and its peerings' ranges", async () => {
    const { answers, t, seen } = await run(hub);
    assert.deepEqual(seen, ["hub rg-demo"]);
    assert.ok(!t.asked.includes("vnet.addressSpaces") && !t.asked.includes("vnet.existingSubnets"), t.asked.join(","));
    assert.deepEqual(answers.vnet?.addressSpaces, ["10.60.0.0/16"]);
    assert.equal(answers.vnet?.subnetCidr, "10.60.2.0/24"); // not app 10.60.0.0/24, not the peered 10.60.1.0/24
    assert.equal(answers.connectedCidrs, undefined, "peerings are Azure's, not written to the file");
  });

  it("a VNet Azure does not have is created: its ranges are proposed as for a new one", async () => {
    const { answers, t } = await run({ live: { peerings: [], clusters: [], permissions: [], vnet: { id: "", name: "hub", exists: false, addressSpaces: [] } } });
    assert.ok(t.notes.some((n) => /no VNet hub in resource group rg-demo in Azure yet: aks-net creates it/.test(n)), t.notes.join("\n"));
    assert.deepEqual(answers.vnet?.addressSpaces, ["10.224.0.0/12"]);
  });
});

describe("wizard: choices are only those the engine accepts", () => {
  it("offers no azure and no cilium policy for kubenet", async () => {
    const { t } = await wizard([], { networkPlugin: "kubenet" });
    const policies = t.choices["networkPolicy"] ?? [];
    assert.ok(policies.includes("none") && policies.includes("calico"), policies.join(","));
    assert.ok(!policies.includes("azure") && !policies.includes("cilium"), policies.join(","));
    // The only dataplane kubenet accepts is picked without a question.
    assert.ok(!(t.choices["networkDataplane"] ?? []).includes("cilium"));
  });

  it("offers only cilium policy with the cilium dataplane, and no cilium policy with the azure dataplane", async () => {
    const cilium = await wizard([], { networkDataplane: "cilium" });
    assert.ok(!(cilium.t.choices["networkPolicy"] ?? []).some((p) => p === "azure" || p === "calico"));
    const azure = await wizard([], { networkDataplane: "azure" });
    assert.ok(!(azure.t.choices["networkPolicy"] ?? []).includes("cilium"));
  });

  it("does not offer a policy choice that conflicts with a policy flag's plugin", async () => {
    const { t } = await wizard(flags({ networkPolicy: "azure" }));
    assert.ok(!(t.choices["networkPlugin"] ?? []).includes("kubenet"), (t.choices["networkPlugin"] ?? []).join(","));
  });
});

describe("wizard: defaults are free ranges", () => {
  it("never overlap --existing-subnet / --connected-cidr ranges, reserved ranges or each other", async () => {
    const existing = [{ name: "appgw", cidr: "10.1.0.0/24" }, { name: "bastion", cidr: "10.1.1.0/26" }];
    const connected = ["10.0.0.0/16", "10.2.0.0/15", "192.168.0.0/16"];
    const { answers, t } = await wizard(flags({ vnet: { existingSubnets: existing }, connectedCidrs: connected }), { "vnet.name": "hub" });
    assert.equal(t.refused.length, 0, "every default must pass the engine");
    const chosen = ranges(answers);
    const vnetSpace = chosen["vnet.addressSpaces[0]"];
    assert.ok(vnetSpace && chosen["vnet.subnetCidr"] && chosen["podCidr"] && chosen["serviceCidr"]);
    for (const [field, c] of Object.entries(chosen)) {
      for (const other of connected) assert.equal(overlaps(cidr(c), cidr(other)), false, `${field} ${c} overlaps connected ${other}`);
      if (field !== "vnet.addressSpaces[0]") for (const e of existing) assert.equal(overlaps(cidr(c), cidr(e.cidr)), false, `${field} ${c} overlaps ${e.name}`);
    }
    const cluster = ["vnet.addressSpaces[0]", "podCidr", "serviceCidr"].map((f) => chosen[f] as string);
    for (let i = 0; i < cluster.length; i++) for (let j = i + 1; j < cluster.length; j++) assert.equal(overlaps(cidr(cluster[i] as string), cidr(cluster[j] as string)), false);
    assert.equal(answers.dnsServiceIP?.endsWith(".10"), true);
  });

  it("the firewall path proposes a /26 AzureFirewallSubnet inside the VNet", async () => {
    const { answers, t } = await wizard([], { outboundType: "firewall" });
    assert.equal(answers.outboundType, "userDefinedRouting");
    assert.equal(answers.firewall?.enabled, true);
    assert.match(String(t.defaults["firewall.subnetCidr"]), /\/26$/);
    assert.equal(overlaps(cidr(answers.firewall?.subnetCidr as string), cidr(answers.vnet?.subnetCidr as string)), false);
  });

  it("firewall egress asks 'expose a service through the firewall?'; yes plans an ILB subnet, its IP and a DNAT port", async () => {
    const no = await wizard([], { outboundType: "firewall" });
    assert.ok(no.t.asked.includes("ingress.expose"));
    assert.equal(no.answers.ingress, undefined, "the default is no");
    const lb = await wizard([], { outboundType: "loadBalancer" });
    assert.equal(lb.t.asked.includes("ingress.expose"), false, "asked only with firewall egress");
    const { answers, t, layers } = await wizard([], { outboundType: "firewall", "ingress.expose": "yes", "ingress.expose[0]": ["0", "8443"] });
    const ilb = answers.ingress?.internalLoadBalancer;
    assert.match(String(t.defaults["ingress.internalLoadBalancer.subnetCidr"]), /\/28$/);
    assert.equal(overlaps(cidr(ilb?.subnetCidr as string), cidr(answers.vnet?.subnetCidr as string)), false);
    assert.equal(overlaps(cidr(ilb?.subnetCidr as string), cidr(answers.firewall?.subnetCidr as string)), false);
    assert.equal(ilb?.ips?.[0], t.defaults["ingress.internalLoadBalancer.ips"]);
    assert.deepEqual(answers.ingress?.expose, [{ port: 8443, protocol: "TCP", targetIp: ilb?.ips?.[0], targetPort: 8443 }]);
    assert.match(t.refused.find((r) => r.id === "ingress.expose[0]")?.message ?? "", /EXP-04/);
    const { spec, provenance } = resolveSpec(layers);
    assert.deepEqual(validateSpec(spec, provenance).filter((f) => f.severity === "error"), []);
  });

  describe("production questions (issue 11): zones, a user pool, API server access — last, with defaults that change nothing", () => {
    const PRODUCTION = ["nodePools[0].availabilityZones", "nodePools[1]", "apiServerAccessProfile"];
    const errors = (layers: SpecLayer[]) => {
      const r = resolveSpec(layers);
      return validateSpec(r.spec, r.provenance).filter((f) => f.severity === "error");
    };

    it("are asked last in a zonal region; the defaults add nothing (no zones, one pool, public API server)", async () => {
      const { t, answers, layers } = await wizard([]);
      assert.deepEqual(t.asked.slice(-3), PRODUCTION);
      assert.deepEqual(t.choices["nodePools[0].availabilityZones"], ["none", "all"]);
      assert.deepEqual(t.choices["apiServerAccessProfile"], ["public", "authorized", "private", "vnet"]);
      assert.deepEqual([t.defaults["nodePools[0].availabilityZones"], t.defaults["nodePools[1]"], t.defaults["apiServerAccessProfile"]], ["none", "no", "public"]);
      assert.equal(answers.apiServerAccessProfile, undefined);
      assert.equal(answers.nodePools?.[0]?.availabilityZones, undefined);
      const spec = resolveSpec(layers).spec;
      assert.equal(spec.nodePools.length, 1);
      assert.equal(spec.nodePools[0]?.availabilityZones, undefined);
    });

    it("a region without zones is not asked about zones (ZONE-02); flags that give them are not asked either", async () => {
      const west = await wizard([], { location: "westus" });
      assert.equal(west.t.asked.includes("nodePools[0].availabilityZones"), false);
      const given = await wizard(flags({ nodePools: [{ availabilityZones: ["1", "2"] }], apiServerAccessProfile: { enablePrivateCluster: true } }));
      assert.equal(given.t.asked.includes("nodePools[0].availabilityZones"), false);
      assert.equal(given.t.asked.includes("apiServerAccessProfile"), false);
    });

    it("zones 1 2 3 go to the system pool; with firewall egress the plan's firewall is zone-redundant and nothing is refused", async () => {
      const { answers, layers } = await wizard([], { "nodePools[0].availabilityZones": "all", outboundType: "firewall" });
      assert.deepEqual(answers.nodePools?.[0]?.availabilityZones, ["1", "2", "3"]);
      assert.deepEqual(errors(layers), []);
    });

    it("zones with a NAT gateway aks-net builds: ZONE-03 is shown, then its SKU is asked (Standard by default); StandardV2 clears the warning", async () => {
      const { t } = await wizard([], { outboundType: "userAssignedNATGateway", "nodePools[0].availabilityZones": "all" });
      assert.ok(t.notes.some((n) => /warning ZONE-03/.test(n)), t.notes.join("\n"));
      assert.deepEqual([t.choices["vnet.natGatewaySku"], t.defaults["vnet.natGatewaySku"]], [["Standard", "StandardV2"], "Standard"]);
      const v2 = await wizard([], { outboundType: "userAssignedNATGateway", "nodePools[0].availabilityZones": "all", "vnet.natGatewaySku": "StandardV2" });
      assert.equal(v2.answers.vnet?.natGatewaySku, "StandardV2");
      const r = resolveSpec(v2.layers);
      assert.deepEqual(validateSpec(r.spec, r.provenance).filter((f) => f.rule === "ZONE-03" || f.severity === "error"), []);
      const noZones = await wizard([], { outboundType: "userAssignedNATGateway" });
      assert.equal(noZones.t.asked.includes("vnet.natGatewaySku"), false, "not asked without zones");
    });

    it("a user pool only when asked: its name, count and a subnet of its own, proposed free in the VNet; it takes the system pool's zones", async () => {
      const { answers, t, layers } = await wizard([], { "nodePools[0].availabilityZones": "all", "nodePools[1]": "yes", "nodePools[1].name": ["User_1", "apps"], "nodePools[1].count": 4, "nodePools[1].vnetSubnetName": "own" });
      assert.match(t.refused.find((r) => r.id === "nodePools[1].name")?.message ?? "", /POOL-02 pool name .User_1./);
      const pool = answers.nodePools?.[1];
      assert.deepEqual({ ...pool, vnetSubnetCidr: undefined }, { mode: "User", availabilityZones: ["1", "2", "3"], name: "apps", count: 4, vnetSubnetCidr: undefined });
      assert.equal(pool?.vnetSubnetCidr, t.defaults["nodePools[1].vnetSubnetCidr"]);
      assert.equal(overlaps(cidr(pool?.vnetSubnetCidr as string), cidr(answers.vnet?.subnetCidr as string)), false);
      assert.deepEqual(errors(layers), []);
    });

    it("Azure CNI pod subnet: a user pool in its own node subnet gets a pod subnet of its own, proposed free; no capacity finding", async () => {
      const { answers, t, layers } = await wizard([], { networkPlugin: "pod-subnet", "nodePools[1]": "yes", "nodePools[1].vnetSubnetName": "own" });
      const pool = answers.nodePools?.[1];
      assert.equal(pool?.podSubnetCidr, t.defaults["nodePools[1].podSubnetCidr"]);
      const taken = [answers.vnet?.subnetCidr, answers.vnet?.podSubnetCidr, pool?.vnetSubnetCidr].map((c) => cidr(c as string));
      assert.ok(taken.every((c) => !overlaps(c, cidr(pool?.podSubnetCidr as string))), JSON.stringify(answers));
      const r = resolveSpec(layers);
      assert.deepEqual(validateSpec(r.spec, r.provenance).filter((f) => f.severity !== "info").map((f) => f.rule), []);
      const overlay = await wizard([], { "nodePools[1]": "yes", "nodePools[1].vnetSubnetName": "own" });
      assert.equal(overlay.t.asked.includes("nodePools[1].podSubnetCidr"), false, "overlay pools have no pod subnet");
    });

    it("a user pool in the node subnet asks no subnet", async () => {
      const { answers, t, layers } = await wizard([], { "nodePools[1]": "yes" });
      assert.equal(t.asked.includes("nodePools[1].vnetSubnetCidr"), false);
      assert.deepEqual(answers.nodePools?.[1], { mode: "User", name: "user1", count: 3 });
      assert.deepEqual(errors(layers), []);
    });

    it("authorized ranges: a private range is refused in place (API-02), a public one kept", async () => {
      const { answers, t } = await wizard([], { apiServerAccessProfile: "authorized", "apiServerAccessProfile.authorizedIPRanges": ["10.0.0.0/8", "203.0.113.0/24"] });
      assert.match(t.refused.find((r) => r.id === "apiServerAccessProfile.authorizedIPRanges")?.message ?? "", /API-02/);
      assert.deepEqual(answers.apiServerAccessProfile, { authorizedIPRanges: ["203.0.113.0/24"] });
    });

    it("private cluster, and API Server VNet Integration with a /28 proposed free in the VNet", async () => {
      const priv = await wizard([], { apiServerAccessProfile: "private" });
      assert.deepEqual(priv.answers.apiServerAccessProfile, { enablePrivateCluster: true });
      assert.deepEqual(errors(priv.layers), []);
      const { answers, t, layers } = await wizard([], { apiServerAccessProfile: "vnet" });
      assert.deepEqual(answers.apiServerAccessProfile, { enableVnetIntegration: true });
      assert.match(String(t.defaults["vnet.apiServerSubnetCidr"]), /\/28$/);
      assert.equal(overlaps(cidr(answers.vnet?.apiServerSubnetCidr as string), cidr(answers.vnet?.subnetCidr as string)), false);
      assert.deepEqual(errors(layers), []);
    });

    it("VNet Integration is not offered for an AKS-managed VNet (no VNet of aks-net's to put the subnet in)", async () => {
      const { t } = await wizard([], { outboundType: "managedNATGateway" });
      assert.deepEqual(t.choices["apiServerAccessProfile"], ["public", "authorized", "private"]);
    });
  });

  it("the node subnet default grows with the node count (Azure CNI node subnet)", async () => {
    // In the default VNet the default /16 holds the 51 x 31 addresses: the same subnet as without a terminal.
    const { t } = await wizard([], { networkPlugin: "node-subnet", "nodePools[0].count": 50, "nodePools[0].maxPods": 30 });
    assert.equal(t.defaults["vnet.subnetCidr"], "10.224.0.0/16");
    const own = await wizard([], { networkPlugin: "node-subnet", "nodePools[0].count": 50, "nodePools[0].maxPods": 30, "vnet.addressSpaces": "10.8.0.0/16" });
    assert.equal(own.t.defaults["vnet.subnetCidr"], "10.8.0.0/21");
  });

  it("accepting every default gives the spec the same command gets without a terminal (one set of defaults)", async () => {
    for (const script of [{}, { networkPlugin: "kubenet" }, { "nodePools[0].count": 40 }]) {
      const { layers } = await wizard([], script);
      const asked = resolveSpec(layers).spec;
      const plain = resolveSpec([...layers.filter((l) => l.source !== "wizard"), { source: "flag", input: withoutRanges(layers) }]).spec;
      for (const key of ["serviceCidr", "dnsServiceIP", "podCidr"] as const) assert.equal(asked[key], plain[key], `${key} (${JSON.stringify(script)})`);
      assert.deepEqual(asked.vnet.addressSpaces, plain.vnet.addressSpaces);
      assert.equal(asked.vnet.subnetCidr, plain.vnet.subnetCidr);
    }
  });

  it("the whole default path validates with no errors", async () => {
    const { layers } = await wizard([]);
    const r = resolveSpec(layers);
    assert.deepEqual(validateSpec(r.spec, r.provenance).filter((f) => f.severity === "error"), []);
  });
});

describe("non-interactive: never prompts", () => {
  const expectMissing = async (io: Io, opts: Record<string, unknown> = {}, seed: SpecLayer[] = []) => {
    await assert.rejects(completeInput(seed, opts, io), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.exitCode, 2);
      assert.equal(e.message, "missing -n/--name, -g/--resource-group, -l/--location; pass them or run in a terminal");
      return true;
    });
  };
  it("without a TTY: exit 2 naming every missing flag at once", () => expectMissing(fakeIo(false)));
  it("with CI=true, even on a terminal", () => expectMissing(fakeIo(true, { CI: "true" })));
  it("with --no-input, even on a terminal", () => expectMissing(fakeIo(true), { input: false }));
  it("names only the flags still missing", async () => {
    await assert.rejects(completeInput(flags({ name: "x" }), {}, fakeIo(false)), /^UsageError: missing -g\/--resource-group, -l\/--location;/);
  });
  it("names the command's own missing flags (create's --yes) in the same message", async () => {
    await assert.rejects(completeInput([], {}, fakeIo(false), { alsoMissing: ["--yes"] }), /^UsageError: missing -n\/--name, -g\/--resource-group, -l\/--location, --yes;/);
  });
  it("leaves the command's own flags to the command when every value is there", async () => {
    const layers = await completeInput(flags({ name: "x", resourceGroup: "rg", location: "westeurope" }), {}, fakeIo(false), { alsoMissing: ["--yes"] });
    assert.equal(resolveSpec(layers).spec.name, "x");
  });
  it("init --out - may ask with stdout redirected, when stdin and stderr are terminals", async () => {
    const io = { ...fakeIo(false), stdin: Object.assign(new PassThrough(), { isTTY: true }), stderr: { write: () => true, isTTY: true } };
    const ask = scriptedAsker(IDENTITY);
    await complete([], {}, io, { command: "init", out: "-", ask });
    assert.ok(ask.transcript.asked.includes("name"));
    await assert.rejects(complete([], {}, io, { command: "init", out: "spec.yaml" }), UsageError);
  });

  it("with the required values given, returns the layers unchanged and writes nothing", async () => {
    const io = fakeIo(false);
    const seed = flags({ name: "x", resourceGroup: "rg", location: "westeurope" });
    assert.deepEqual(await completeInput(seed, {}, io), seed);
    assert.equal(io.err(), "");
  });
});

describe("completeInput on a terminal", () => {
  let dir = "";
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "aks-net-wizard-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("adds a wizard layer, writes aks-net.yaml and prints the equivalent command on stderr", async () => {
    const io = fakeIo(true, {}, dir);
    const opts: Record<string, unknown> = {};
    const done = await complete(flags({ networkPlugin: "kubenet" }), opts, io, { ask: scriptedAsker(IDENTITY) });
    assert.equal(done.layers.at(-1)?.source, "wizard");
    assert.equal(done.written, "aks-net.yaml");
    const text = readFileSync(join(dir, "aks-net.yaml"), "utf8");
    assert.match(text, /^networkPlugin: kubenet$/m);
    assert.match(text, /^name: demo$/m);
    assert.match(io.err(), /equivalent command:\n {2}aks-net create --subscription \S+ -?-?.*--network-plugin kubenet/);
    assert.equal(io.out(), "", "stdout stays data");
    // create reads the subscription from its option.
    assert.equal(opts["subscription"], IDENTITY["subscription"]);
  });

  it("a user pool has no flags: the spec file holds both pools and the equivalent command is create -f that file", async () => {
    const io = fakeIo(true, {}, dir);
    const done = await complete([], {}, io, { ask: scriptedAsker({ ...IDENTITY, "nodePools[1]": "yes", "nodePools[1].vnetSubnetName": "own" }) });
    assert.equal(done.command, "aks-net create -f aks-net.yaml");
    assert.match(io.err(), /equivalent command:\n {2}aks-net create -f aks-net\.yaml\n/);
    const back = resolveSpec([{ source: "file", input: await readSpecFile(join(dir, "aks-net.yaml"), { stdin: new PassThrough() }) }]);
    assert.deepEqual(back.spec.nodePools.map((p) => [p.name, p.mode ?? "System", p.count]), [["system", "System", 3], ["user1", "User", 3]]);
    assert.match(String(back.spec.nodePools[1]?.vnetSubnetCidr), /^10\./);
    assert.deepEqual(validateSpec(back.spec, back.provenance).filter((f) => f.severity === "error"), []);
  });

  it("on a terminal with every value given: asks nothing, prints nothing, writes nothing", async () => {
    const tpl = TEMPLATES.find((x) => x.name === "azure-cni-calico");
    assert.ok(tpl);
    const io = fakeIo(true, {}, dir);
    const seed: SpecLayer[] = [{ source: "template", input: tpl.input }, ...flags({ subscription: "s", name: "n", resourceGroup: "r", location: "westeurope", outboundType: "loadBalancer", loadBalancerSku: "standard", networkDataplane: "azure", vnet: { name: "v" } })];
    const ask = scriptedAsker({});
    const done = await complete(seed, {}, io, { ask });
    assert.deepEqual(ask.transcript.asked, []);
    assert.equal(done.asked, false);
    assert.equal(io.err(), "");
    assert.throws(() => readFileSync(join(dir, "aks-net.yaml")));
  });

  it("asks before replacing an existing spec file that was not the -f input, and keeps it on no", async () => {
    writeFileSync(join(dir, "aks-net.yaml"), "name: mine\n");
    const ask = scriptedAsker({ ...IDENTITY, overwrite: false });
    const io = fakeIo(true, {}, dir);
    const done = await complete([], {}, io, { ask });
    assert.ok(ask.transcript.asked.includes("overwrite"));
    assert.equal(readFileSync(join(dir, "aks-net.yaml"), "utf8"), "name: mine\n");
    assert.equal(done.written, undefined);
    assert.match(io.err(), /kept aks-net\.yaml as it was/);
  });

  it("replaces the -f input without asking (the completed spec holds all it held)", async () => {
    writeFileSync(join(dir, "aks-net.yaml"), "networkPlugin: kubenet\n");
    const ask = scriptedAsker(IDENTITY);
    const seed: SpecLayer[] = [{ source: "file", input: await readSpecFile(join(dir, "aks-net.yaml"), { stdin: new PassThrough() }) }];
    await complete(seed, { file: join(dir, "aks-net.yaml") }, fakeIo(true, {}, dir), { ask });
    assert.ok(!ask.transcript.asked.includes("overwrite"));
    const text = readFileSync(join(dir, "aks-net.yaml"), "utf8");
    assert.match(text, /^networkPlugin: kubenet$/m);
    assert.match(text, /^name: demo$/m);
  });

  it("the written file resolves to the same spec (YAML round trip)", async () => {
    const io = fakeIo(true, {}, dir);
    const done = await complete([], {}, io, { ask: scriptedAsker({ ...IDENTITY, networkPlugin: "pod-subnet" }), out: "spec.yaml" });
    const back = await readSpecFile(join(dir, "spec.yaml"), { stdin: new PassThrough() });
    assert.deepEqual(resolveSpec([{ source: "file", input: back }]).spec, resolveSpec(done.layers).spec);
  });

  it("offers AZURE_SUBSCRIPTION_ID as the subscription default", async () => {
    const ask = scriptedAsker({ location: "westeurope", resourceGroup: "rg", name: "n" });
    await complete([], {}, fakeIo(true, { AZURE_SUBSCRIPTION_ID: "sub-from-env" }, dir), { ask });
    assert.equal(ask.transcript.defaults["subscription"], "sub-from-env");
  });

  it("else offers the Azure CLI's default subscription from its profile file", async () => {
    writeFileSync(join(dir, "azureProfile.json"), `\uFEFF${JSON.stringify({ subscriptions: [{ id: "other" }, { id: "cli-default", isDefault: true }] })}`);
    const ask = scriptedAsker({ location: "westeurope", resourceGroup: "rg", name: "n" });
    await complete([], {}, fakeIo(true, { AZURE_CONFIG_DIR: dir }, dir), { ask });
    assert.equal(ask.transcript.defaults["subscription"], "cli-default");
  });

  it("--subscription is not asked again", async () => {
    const ask = scriptedAsker({ location: "westeurope", resourceGroup: "rg", name: "n" });
    await complete([], { subscription: "given" }, fakeIo(true, {}, dir), { ask });
    assert.ok(!ask.transcript.asked.includes("subscription"));
  });
});

describe("round trip: wizard answers -> spec -> equivalent command -> flags -> the same spec", () => {
  const paths: [string, Script][] = [
    ["defaults (overlay)", {}],
    ["kubenet + calico", { networkPlugin: "kubenet", networkPolicy: "calico", "nodePools[0].count": 5 }],
    ["pod subnet + cilium", { networkPlugin: "pod-subnet", networkDataplane: "cilium" }],
    ["node subnet, 20 nodes", { networkPlugin: "node-subnet", "nodePools[0].count": 20, "nodePools[0].maxPods": 50 }],
    ["firewall egress", { outboundType: "firewall", "firewall.sku": "Premium" }],
    ["managed NAT gateway", { outboundType: "managedNATGateway" }],
    ["existing VNet", { vnet: "existing", "vnet.name": "hub", "vnet.existingSubnets": "gw=10.7.0.0/24,pe=10.7.1.0/24", "vnet.addressSpaces": "10.7.0.0/16" }],
  ];
  for (const [label, script] of paths) {
    it(`wizard path: ${label}`, async () => {
      const { layers } = await wizard([], script);
      const resolved = resolveSpec(layers);
      assert.deepEqual(replay(equivalentCommand(chosenInput(resolved))).spec, resolved.spec);
    });
  }
  for (const tpl of TEMPLATES) {
    it(`template ${tpl.name} + wizard`, async () => {
      const { layers } = await wizard([{ source: "template", input: tpl.input }]);
      const resolved = resolveSpec(layers);
      assert.deepEqual(replay(equivalentCommand(chosenInput(resolved))).spec, resolved.spec);
      const yaml = await specYaml(chosenInput(resolved));
      assert.ok(!/\bdefault\b/.test(yaml.split("\n").slice(1).join("\n")), "only chosen values are written");
    });
  }
  it("every plugin x egress x size x dataplane path, defaults taken: no errors, and the command reproduces the spec", async () => {
    let paths = 0;
    for (const networkPlugin of ["overlay", "pod-subnet", "node-subnet", "kubenet", "none"]) {
      for (const outboundType of ["loadBalancer", "firewall", "managedNATGateway", "userAssignedNATGateway"]) {
        for (const count of [3, 120]) {
          for (const networkDataplane of ["azure", "cilium"]) {
            const { layers } = await wizard([], { networkPlugin, outboundType, "nodePools[0].count": count, networkDataplane });
            const resolved = resolveSpec(layers);
            const label = `${networkPlugin}/${outboundType}/${count}/${networkDataplane}`;
            assert.deepEqual(validateSpec(resolved.spec, resolved.provenance).filter((f) => f.severity === "error").map((f) => f.rule), [], label);
            assert.deepEqual(replay(equivalentCommand(chosenInput(resolved))).spec, resolved.spec, label);
            paths++;
          }
        }
      }
    }
    assert.equal(paths, 80);
  });

  it("flags given with the wizard survive the round trip (connected ranges, existing subnets)", async () => {
    const seed = flags({ connectedCidrs: ["10.0.0.0/16"], vnet: { existingSubnets: [{ name: "a", cidr: "10.9.0.0/24" }] } });
    const { layers } = await wizard(seed, { "vnet.name": "hub" });
    const resolved = resolveSpec(layers);
    assert.deepEqual(replay(equivalentCommand(chosenInput(resolved))).spec, resolved.spec);
  });
});

describe("Ctrl-C at a prompt", () => {
  it("a cancelled prompt becomes CancelledError (exit 130)", async () => {
    const controller = new AbortController();
    const io: Io = { ...fakeIo(true), signal: controller.signal, stdin: new PassThrough(), stderr: new PassThrough() };
    const pending = terminalAsker(io).input({ id: "name", message: "Cluster name" });
    controller.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof CancelledError && e.exitCode === 130);
  });
  it("a CancelledError from the Asker stops the wizard and nothing is written", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aks-net-wizard-"));
    try {
      const ask = scriptedAsker(IDENTITY);
      ask.select = () => Promise.reject(new CancelledError());
      await assert.rejects(complete([], {}, fakeIo(true, {}, dir), { ask }), CancelledError);
      assert.throws(() => readFileSync(join(dir, "aks-net.yaml")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("--max-surge / --max-unavailable flags", () => {
  it("take a count or a percentage, reach the system pool and round-trip through the equivalent command", () => {
    const resolved = replay("aks-net create -n c -g g -l westeurope --max-surge 33% --max-unavailable 1");
    assert.equal(resolved.spec.nodePools[0]?.maxSurge, "33%");
    assert.equal(resolved.spec.nodePools[0]?.maxUnavailable, "1");
    assert.deepEqual(replay(equivalentCommand(chosenInput(resolved))).spec, resolved.spec);
  });
  it("leave maxSurge unset when not given: AKS's default applies, not a pinned value", () => {
    assert.equal(replay("aks-net create -n c -g g -l westeurope").spec.nodePools[0]?.maxSurge, undefined);
  });
});
