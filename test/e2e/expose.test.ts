/**
 * Exposing services (issue 12) end to end: the built CLI against the fake ARM server. An internal load balancer on its
 * own subnet with a fixed IP, port 443 of the firewall's public IP translated to it (DNAT), the Service manifest; the
 * App Gateway ingress add-on; an NSG on the node subnet. Each: validate, dry run, create, re-run with 0 writes, delete
 * leaving the subscription as it was.
 */
import assert from "node:assert/strict";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, SUB, create, net, ok, props, stateWithoutEtags, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";
import type { RunCliOptions, RunCliResult } from "../helpers/run-cli.ts";

const EXAMPLE = "examples/firewall-expose.yaml";

function cli(fake: FakeArm | undefined, args: string[], opts: RunCliOptions = {}): Promise<RunCliResult> {
  return runCli(args, { ...(fake ? { fake } : {}), ...opts, env: { ...FAST, ...(opts.env ?? {}) } });
}

const rules = (body: Json | undefined, coll: string): Json[] => ((props(body)[coll] ?? []) as Json[]);

describe("exposing services (internal LB, DNAT through the firewall) against the fake ARM server", function () {
  this.timeout(90_000);
  const h = useFakeArm();

  it(`${EXAMPLE}: validates, dry-runs, creates, prints the Service, re-runs with 0 writes, deletes cleanly`, async () => {
    const { fake } = h;
    ok(await cli(undefined, ["validate", "-f", EXAMPLE]));
    const dry = await cli(undefined, ["create", "-f", EXAMPLE, "--dry-run", "--offline", "-o", "json"]);
    ok(dry);
    const plan = JSON.parse(dry.stdout) as { operations: { type: string; resourceId: string; body: Json }[] };
    assert.ok(plan.operations.some((o) => o.resourceId.endsWith("/subnets/aks-ilb")), "the ILB subnet is planned");

    const before = fake.snapshot();
    ok(await cli(fake, ["create", "-f", EXAMPLE, "--yes", "-o", "json"]));
    const fw = fake.get(net("rg-shop", "azureFirewalls", "shop-fw"));
    const pip = String(props(fake.get(net("rg-shop", "publicIPAddresses", "shop-fw-pip")))["ipAddress"]);
    const dnat = rules(fw, "natRuleCollections");
    assert.equal(dnat.length, 1);
    const rule = (props(dnat[0])["rules"] as Json[])[0] as Json;
    assert.deepEqual([rule["destinationAddresses"], rule["destinationPorts"], rule["translatedAddress"], rule["translatedPort"]], [[pip], ["443"], "10.42.6.10", "443"]);
    assert.ok(rules(fw, "networkRuleCollections").some((c) => c["name"] === "aks-expose-allow"), "the network rule for the translated traffic");
    // The return path: the firewall's public IP /32 goes straight to the Internet.
    const route = fake.get(`${net("rg-shop", "routeTables", "shop-rt")}/routes/firewall-public-ip`);
    assert.deepEqual([props(route)["addressPrefix"], props(route)["nextHopType"]], [`${pip}/32`, "Internet"]);
    const ilb = fake.get(`${net("rg-shop", "virtualNetworks", "shop-vnet")}/subnets/aks-ilb`);
    assert.equal(props(ilb)["addressPrefix"], "10.42.6.0/28");
    assert.ok(fake.list("/").some((x) => /\/subnets\/aks-ilb\/providers\/Microsoft.Authorization\/roleAssignments\//i.test(String(x["id"]))), "Network Contributor on the ILB subnet");

    const manifest = await cli(undefined, ["manifest", "service", "-f", EXAMPLE]);
    ok(manifest);
    assert.match(manifest.stdout, /service\.beta\.kubernetes\.io\/azure-load-balancer-internal: "true"/);
    assert.match(manifest.stdout, /service\.beta\.kubernetes\.io\/azure-load-balancer-internal-subnet: "aks-ilb"/);
    assert.match(manifest.stdout, /service\.beta\.kubernetes\.io\/azure-load-balancer-ipv4: "10\.42\.6\.10"/);
    assert.match(manifest.stdout, /port: 443/);

    const mark = fake.requests.length;
    ok(await cli(fake, ["create", "-f", EXAMPLE, "--yes", "-o", "json"]));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "a re-run writes nothing");

    ok(await cli(fake, ["delete", "-f", EXAMPLE, "--yes", "-o", "json"]));
    assert.deepEqual(fake.snapshot(), before);
  });

  it("Premium firewall: the DNAT goes into a rule collection group of its own, deleted with the rest", async () => {
    const { fake } = h;
    const before = fake.snapshot();
    ok(await cli(fake, ["create", "-f", EXAMPLE, "-n", "prem", "-g", "rg-prem", "--firewall-sku", "Premium", "--yes", "-o", "json"]));
    const group = fake.get(`${net("rg-prem", "firewallPolicies", "prem-fw-policy")}/ruleCollectionGroups/aks-expose`);
    const colls = (props(group)["ruleCollections"] ?? []) as Json[];
    assert.deepEqual(colls.map((c) => c["ruleCollectionType"]), ["FirewallPolicyNatRuleCollection", "FirewallPolicyFilterRuleCollection"]);
    const mark = fake.requests.length;
    ok(await cli(fake, ["create", "-f", EXAMPLE, "-n", "prem", "-g", "rg-prem", "--firewall-sku", "Premium", "--yes", "-o", "json"]));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), []);
    ok(await cli(fake, ["delete", "-n", "prem", "-g", "rg-prem", "--yes", "-o", "json"]));
    assert.deepEqual(fake.snapshot(), before);
  });

  it("--expose without --firewall exits 3 before any request (EXP-01)", async () => {
    const { fake } = h;
    const r = await create(fake, "nofw", ["--ilb-ip", "10.224.200.10", "--expose", "443=10.224.200.10:443"]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout + r.stderr, /EXP-01/);
    assert.equal(fake.requests.length, 0);
  });

  it("--expose with a bad shape is a usage error (exit 2), one line", async () => {
    const r = await cli(undefined, ["validate", "--expose", "443=10.0.0.1"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--expose takes PORT\[\/tcp\|udp\]=ILB_IP:PORT/);
  });
});

describe("App Gateway ingress add-on against the fake ARM server", function () {
  this.timeout(90_000);
  const h = useFakeArm();
  const EX = "examples/appgw-ingress.yaml";

  it(`${EX}: validates, dry-runs, creates, re-runs with 0 writes, deletes cleanly`, async () => {
    const { fake } = h;
    ok(await cli(undefined, ["validate", "-f", EX]));
    ok(await cli(undefined, ["create", "-f", EX, "--dry-run", "--offline"]));
    const before = fake.snapshot();
    ok(await cli(fake, ["create", "-f", EX, "--yes", "-o", "json"]));
    const subnet = `${net("rg-web", "virtualNetworks", "web-vnet")}/subnets/aks-appgw`;
    const cluster = fake.get(`/subscriptions/${SUB}/resourceGroups/rg-web/providers/Microsoft.ContainerService/managedClusters/web`);
    const addon = (props(cluster)["addonProfiles"] as Json)["ingressApplicationGateway"] as Json;
    assert.equal(addon["enabled"], true);
    assert.equal(String((addon["config"] as Json)["subnetId"]).toLowerCase(), subnet.toLowerCase());
    // The add-on's identity has Network Contributor on the gateway subnet.
    const objectId = (addon["identity"] as Json)["objectId"];
    const roles = fake.list("/").filter((x) => String(x["id"]).toLowerCase().startsWith(`${subnet.toLowerCase()}/providers/microsoft.authorization/roleassignments/`));
    assert.deepEqual(roles.map((r) => props(r)["principalId"]), [objectId]);
    assert.ok(Array.isArray(props(fake.get(subnet))["applicationGatewayIPConfigurations"]), "the gateway is in the subnet");

    const mark = fake.requests.length;
    ok(await cli(fake, ["create", "-f", EX, "--yes", "-o", "json"]));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "a re-run writes nothing");
    ok(await cli(fake, ["delete", "-n", "web", "-g", "rg-web", "--yes", "-o", "json"]));
    assert.deepEqual(fake.snapshot(), before);
  });

  it("Azure refuses a brought gateway subnet smaller than /26, or the node subnet (the fake, as Application Gateway documents it)", async () => {
    const { fake } = h;
    // A planned /27 stops at AGW-02 (exit 3) before any request; a subnet the user brings is Azure's to refuse.
    fake.seed.resourceGroup("rg-byo", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-byo", "spoke", ["10.70.0.0/16"], { nodes: "10.70.0.0/22", gw: "10.70.8.0/27" }, { location: "westeurope" });
    const r = await create(fake, "byo", ["--network-plugin", "azure", "--vnet-subnet-id", `${vnet}/subnets/nodes`, "--enable-addons", "ingress-appgw", "--appgw-subnet-id", `${vnet}/subnets/gw`], { env: {} });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /smaller than \/26/);
    const again = await create(fake, "byo2", ["--network-plugin", "azure", "--vnet-subnet-id", `${vnet}/subnets/nodes`, "--enable-addons", "ingress-appgw", "--appgw-subnet-id", `${vnet}/subnets/nodes`]);
    assert.equal(again.code, 3, "AGW-03 stops the node subnet offline");
  });
});

describe("NSG on the node subnet against the fake ARM server", function () {
  this.timeout(90_000);
  const h = useFakeArm();

  it("--nsg with the exposed port: the NSG carries the rules AKS needs, re-runs with 0 writes, deletes cleanly", async () => {
    const { fake } = h;
    const before = fake.snapshot();
    ok(await cli(fake, ["create", "-f", EXAMPLE, "--nsg", "--yes", "-o", "json"]));
    const nsgId = net("rg-shop", "networkSecurityGroups", "shop-nodes-nsg");
    const nsg = fake.get(nsgId);
    const rules = (props(nsg)["securityRules"] as Json[]).map((r) => ({ name: r["name"], ...(props(r) as Json) }));
    const by = (name: string): Json | undefined => rules.find((r) => r["name"] === name);
    assert.equal(by("aks-lb-probes")?.["sourceAddressPrefix"], "AzureLoadBalancer");
    assert.deepEqual([by("aks-node-to-node")?.["sourceAddressPrefix"], by("aks-node-to-node")?.["destinationAddressPrefix"]], ["10.42.0.0/22", "10.42.0.0/22"]);
    assert.equal(by("aks-pods-0")?.["sourceAddressPrefix"], "10.244.0.0/16", "overlay: the pod CIDR");
    assert.deepEqual([by("aks-expose-0")?.["sourceAddressPrefix"], by("aks-expose-0")?.["destinationAddressPrefix"], by("aks-expose-0")?.["destinationPortRange"]], ["10.42.8.0/26", "10.42.6.10", "443"]);
    const subnet = fake.get(`${net("rg-shop", "virtualNetworks", "shop-vnet")}/subnets/aks-nodes`);
    assert.equal(String((props(subnet)["networkSecurityGroup"] as Json)["id"]).toLowerCase(), nsgId.toLowerCase());
    const mark = fake.requests.length;
    ok(await cli(fake, ["create", "-f", EXAMPLE, "--nsg", "--yes", "-o", "json"]));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), []);
    ok(await cli(fake, ["delete", "-n", "shop", "-g", "rg-shop", "--yes", "-o", "json"]));
    assert.deepEqual(fake.snapshot(), before);
  });

  it("on an adopted node subnet: delete removes the NSG and its association, the user's VNet and subnet stay as they were", async () => {
    const { fake } = h;
    fake.seed.resourceGroup("rg-adopt", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-adopt", "adopt-vnet", ["10.42.0.0/16"], { "aks-nodes": "10.42.0.0/22", other: "10.42.20.0/24" }, { location: "westeurope" });
    const before = stateWithoutEtags(fake);
    ok(await create(fake, "adopt", ["--vnet-cidr", "10.42.0.0/16", "--subnet-cidr", "10.42.0.0/22", "--existing-subnet", "other=10.42.20.0/24", "--nsg"]));
    assert.ok(props(fake.get(`${vnet}/subnets/aks-nodes`))["networkSecurityGroup"], "associated");
    ok(await cli(fake, ["delete", "-n", "adopt", "-g", "rg-adopt", "--yes", "-o", "json"]));
    assert.equal(props(fake.get(`${vnet}/subnets/aks-nodes`))["networkSecurityGroup"], undefined, "the association aks-net made is gone");
    assert.equal(fake.get(net("rg-adopt", "networkSecurityGroups", "adopt-nodes-nsg")), undefined);
    assert.deepEqual(stateWithoutEtags(fake), before);
  });

  it("a rule the user added to aks-net's NSG keeps the NSG (named as kept)", async () => {
    const { fake } = h;
    ok(await create(fake, "keep", ["--nsg"]));
    const nsgId = net("rg-keep", "networkSecurityGroups", "keep-nodes-nsg");
    const nsg = fake.get(nsgId) as Json;
    const theirs = { name: "allow-ssh-from-office", properties: { priority: 300, direction: "Inbound", access: "Allow", protocol: "Tcp", sourceAddressPrefix: "203.0.113.0/24", sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "22" } };
    fake.put(nsgId, { location: nsg["location"], tags: nsg["tags"], properties: { securityRules: [...(props(nsg)["securityRules"] as Json[]), theirs] } });
    const r = await cli(fake, ["delete", "-n", "keep", "-g", "rg-keep", "--yes", "-o", "json"]);
    const d = JSON.parse(r.stdout) as { keep: { resourceId: string; reason: string }[] };
    const kept = d.keep.find((k) => k.resourceId.toLowerCase() === nsgId.toLowerCase());
    assert.match(kept?.reason ?? "", /allow-ssh-from-office/);
    assert.ok(fake.get(nsgId), "the NSG with the user's rule stays");
  });
});

describe("validate --live: a brought NSG on the node subnet (LIVE-NSG-01)", function () {
  this.timeout(60_000);
  const h = useFakeArm();

  it("an NSG that leaves overlay's pod CIDR to DenyAllInBound is an error naming the rule; allowing it passes", async () => {
    const { fake } = h;
    fake.seed.resourceGroup("net", { location: "westeurope" });
    const nsgId = net("net", "networkSecurityGroups", "spoke-nsg");
    const rule = (name: string, priority: number, source: string) => ({ name, properties: { priority, direction: "Inbound", access: "Allow", protocol: "*", sourceAddressPrefix: source, sourcePortRange: "*", destinationAddressPrefix: "*", destinationPortRange: "*" } });
    fake.put(nsgId, { location: "westeurope", properties: { securityRules: [rule("office", 100, "203.0.113.0/24")] } });
    const vnet = fake.seed.vnet("net", "spoke", ["10.50.0.0/16"], { aks: { prefix: "10.50.0.0/22", nsgId } }, { location: "westeurope" });
    const args = ["validate", "--live", "-o", "json", "--vnet-subnet-id", `${vnet}/subnets/aks`, "--vnet-cidr", "10.50.0.0/16", "--subnet-cidr", "10.50.0.0/22"];
    const bad = await cli(fake, args);
    assert.equal(bad.code, 3, bad.stderr);
    const f = (JSON.parse(bad.stdout) as { errors: { rule: string; message: string }[] }).errors.find((e) => e.rule === "LIVE-NSG-01");
    assert.match(f?.message ?? "", /NSG spoke-nsg on the node subnet denies pods \(10\.244\.0\.0\/16\).*DenyAllInBound \(priority 65500\)/);
    fake.put(nsgId, { location: "westeurope", properties: { securityRules: [rule("office", 100, "203.0.113.0/24"), rule("pods", 110, "10.244.0.0/16")] } });
    const good = await cli(fake, args);
    assert.equal((JSON.parse(good.stdout) as { errors: { rule: string }[] }).errors.filter((e) => e.rule === "LIVE-NSG-01").length, 0, good.stdout);
  });
});
