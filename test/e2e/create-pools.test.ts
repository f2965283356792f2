/**
 * Several node pools with subnets of their own (issue 11 item 3) and brought resources (item 4), end to end: the built
 * CLI against the fake ARM server creates them, a re-run writes nothing, delete removes what create made and keeps
 * what the user brought.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FakeArm, Json } from "../fakes/fake-arm.ts";
import { FAST, clusterId, create, net, ok, props, refusedBeforeAnyRequest, result, rgId, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";

function specFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "aks-net-pools-"));
  const file = join(dir, "spec.yaml");
  writeFileSync(file, text);
  return file;
}

/** Creates, checks Succeeded, re-runs and checks the re-run sent no write; returns the cluster body. */
async function convergesOnce(fake: FakeArm, name: string, extra: string[]): Promise<Json> {
  const first = await create(fake, name, extra);
  ok(first);
  assert.equal(result(first).status, "succeeded");
  const mark = fake.requests.length;
  const again = await create(fake, name, extra);
  ok(again);
  assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "a re-run writes nothing");
  return fake.get(clusterId(`rg-${name}`, name)) as Json;
}

function del(fake: FakeArm, name: string): Promise<ReturnType<typeof runCli> extends Promise<infer R> ? R : never> {
  return runCli(["delete", "-n", name, "-g", `rg-${name}`, "--yes", "-o", "json"], { fake, env: FAST });
}

const pools = (c: Json): Json[] => props(c)["agentPoolProfiles"] as Json[];

describe("create: several node pools, each with its own subnets", function () {
  this.timeout(90_000);
  const h = useFakeArm();

  it("plans one node subnet per pool in the one VNet, joins each pool to its own, passes taints and labels, converges and deletes", async () => {
    const file = specFile(`
networkPlugin: azure
vnet:
  addressSpaces: [10.240.0.0/16]
  subnetName: snet-system
  subnetCidr: 10.240.0.0/24
  podSubnetName: snet-pods-system
  podSubnetCidr: 10.240.64.0/20
nodePools:
  - name: system
    count: 2
    nodeTaints: ["CriticalAddonsOnly=true:NoSchedule"]
  - name: user
    mode: User
    count: 3
    vnetSubnetName: snet-user
    vnetSubnetCidr: 10.240.4.0/22
    podSubnetName: snet-pods-user
    podSubnetCidr: 10.240.128.0/20
    nodeLabels: {workload: web}
  - name: batch
    mode: User
    count: 1
    vnetSubnetName: snet-user
`);
    const { fake } = h;
    const c = await convergesOnce(fake, "multi", ["-f", file]);
    const vnet = net("rg-multi", "virtualNetworks", "multi-vnet");
    const [system, user, batch] = pools(c);
    assert.match(String(system?.["vnetSubnetID"]), /\/subnets\/snet-system$/);
    assert.match(String(system?.["podSubnetID"]), /\/subnets\/snet-pods-system$/);
    assert.match(String(user?.["vnetSubnetID"]), /\/subnets\/snet-user$/);
    assert.match(String(user?.["podSubnetID"]), /\/subnets\/snet-pods-user$/);
    assert.match(String(batch?.["vnetSubnetID"]), /\/subnets\/snet-user$/, "a pool naming another pool's subnet shares it");
    assert.match(String(batch?.["podSubnetID"]), /\/subnets\/snet-pods-system$/, "without its own, a pool takes the cluster's pod subnet");
    assert.deepEqual(system?.["nodeTaints"], ["CriticalAddonsOnly=true:NoSchedule"]);
    assert.deepEqual(user?.["nodeLabels"], { workload: "web" });
    for (const s of ["snet-system", "snet-user", "snet-pods-system", "snet-pods-user"]) assert.ok(fake.get(`${vnet}/subnets/${s}`), `subnet ${s} exists`);

    const d = await del(fake, "multi");
    assert.equal(d.code, 0, d.stderr);
    assert.equal(fake.get(`${vnet}/subnets/snet-user`), undefined);
    assert.equal(fake.get(rgId("rg-multi")), undefined, "the group create made is gone");
  });

  it("kubenet with pools on several subnets: one route table, associated with every node subnet", async () => {
    const { fake } = h;
    const file = specFile(`
networkPlugin: kubenet
vnet: {addressSpaces: [10.241.0.0/16], subnetCidr: 10.241.0.0/24}
nodePools:
  - {name: system, count: 1}
  - {name: user, mode: User, count: 1, vnetSubnetCidr: 10.241.1.0/24}
`);
    await convergesOnce(fake, "kube", ["-f", file]);
    const vnet = net("rg-kube", "virtualNetworks", "kube-vnet");
    const rt = (s: string): string => String(((props(fake.get(`${vnet}/subnets/${s}`)) as Json)["routeTable"] as Json | undefined)?.["id"]);
    assert.match(rt("aks-nodes"), /\/routeTables\/kube-rt$/);
    assert.equal(rt("aks-nodes-user"), rt("aks-nodes"));
  });

  it("refuses (exit 3) a pool subnet outside the VNet, overlapping another, or too small, before any request", async () => {
    const { fake } = h;
    const file = specFile(`
vnet: {addressSpaces: [10.242.0.0/16], subnetCidr: 10.242.0.0/24}
nodePools:
  - {name: system, count: 3}
  - {name: out, mode: User, count: 3, vnetSubnetCidr: 10.99.0.0/24}
  - {name: over, mode: User, count: 3, vnetSubnetCidr: 10.242.0.128/25}
  - {name: tiny, mode: User, count: 20, vnetSubnetCidr: 10.242.9.0/28}
`);
    const r = await create(fake, "bad", ["-f", file]);
    assert.equal(r.code, 3, r.stderr);
    const doc = JSON.parse(r.stdout) as { findings: { errors: { rule: string; fields: string[] }[] } };
    const rules = doc.findings.errors.map((f) => `${f.rule} ${f.fields[0]}`);
    assert.ok(rules.includes("OVL-07 nodePools[1].vnetSubnetCidr"), rules.join("\n"));
    assert.ok(rules.some((x) => x.startsWith("OVL-08")), rules.join("\n"));
    assert.ok(rules.includes("CAP-14 nodePools[3].vnetSubnetCidr"), rules.join("\n"));
    assert.equal(fake.requests.length, 0);
  });
});

describe("create: resources the user brings (kept by delete)", function () {
  this.timeout(90_000);
  const h = useFakeArm();
  const seedGroup = (fake: FakeArm): void => void fake.seed.resourceGroup("rg-shared", { location: "westeurope" });

  it("--assign-identity and --assign-kubelet-identity: the cluster runs as them, the cluster identity is granted Managed Identity Operator on the kubelet's; delete keeps both", async () => {
    const { fake } = h;
    seedGroup(fake);
    const cp = fake.seed.identity("rg-shared", "id-cluster", { location: "westeurope" });
    const kubelet = fake.seed.identity("rg-shared", "id-kubelet", { location: "westeurope" });
    const c = await convergesOnce(fake, "byoid", ["--assign-identity", cp, "--assign-kubelet-identity", kubelet]);
    assert.deepEqual(Object.keys(((c["identity"] as Json)["userAssignedIdentities"]) as Json).map((k) => k.toLowerCase()), [cp.toLowerCase()]);
    const kid = (props(c)["identityProfile"] as Json)["kubeletidentity"] as Json;
    assert.equal(String(kid["resourceId"]).toLowerCase(), kubelet.toLowerCase());
    assert.equal(kid["objectId"], props(fake.get(kubelet))["principalId"], "the object id is read from the identity");
    assert.equal(fake.get(`${net("rg-byoid", "virtualNetworks", "byoid-vnet")}`) !== undefined, true);
    assert.equal(fake.get(`${rgId("rg-byoid")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/byoid-identity`), undefined, "no identity of aks-net's own");
    const mio = fake.list().filter((r) => /roleAssignments/i.test(String(r["id"])) && String(props(r)["roleDefinitionId"]).endsWith("f1a07417-d97a-45cb-824c-7a7467783830"));
    assert.equal(mio.length, 1);
    assert.equal(props(mio[0])["principalId"], props(fake.get(cp))["principalId"]);

    const d = await del(fake, "byoid");
    assert.equal(d.code, 0, d.stderr);
    assert.ok(fake.get(cp) && fake.get(kubelet), "the user's identities are kept");
    assert.equal(fake.list().filter((r) => /roleAssignments/i.test(String(r["id"]))).length, 0, "the roles aks-net granted are gone");
    const keep = (JSON.parse(d.stdout) as { keep: { resourceId: string }[] }).keep.map((k) => k.resourceId.toLowerCase());
    assert.ok(keep.includes(cp.toLowerCase()), "delete names the brought identity as kept");
  });

  it("--assign-kubelet-identity without --assign-identity is refused (exit 3, BYO-04) before any request, as az aks create refuses it", async () => {
    const { fake } = h;
    seedGroup(fake);
    const kubelet = fake.seed.identity("rg-shared", "id-kubelet", { location: "westeurope" });
    const r = await create(fake, "kubonly", ["--assign-kubelet-identity", kubelet]);
    refusedBeforeAnyRequest(fake, r, /BYO-04/);
  });

  it("--load-balancer-outbound-ips: the cluster's load balancer takes your IPs, the identity is granted join on each; a re-run writes nothing; delete keeps them, free again", async () => {
    const { fake } = h;
    seedGroup(fake);
    const ips = [fake.seed.publicIp("rg-shared", "egress-1", { location: "westeurope" }), fake.seed.publicIp("rg-shared", "egress-2", { location: "westeurope" })];
    const c = await convergesOnce(fake, "lbips", ["--load-balancer-outbound-ips", ips.join(",")]);
    const lb = (props(c)["networkProfile"] as Json)["loadBalancerProfile"] as Json;
    assert.deepEqual(((lb["outboundIPs"] as Json)["publicIPs"] as Json[]).map((x) => String(x["id"]).toLowerCase()), ips.map((x) => x.toLowerCase()));
    const principal = props(fake.get(`${rgId("rg-lbips")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/lbips-identity`) as Json)["principalId"];
    for (const ip of ips) {
      const grants = fake.list().filter((r) => /roleAssignments/i.test(String(r["id"])) && String(r["id"]).toLowerCase().startsWith(ip.toLowerCase()));
      assert.deepEqual(grants.map((g) => [props(g)["principalId"], String(props(g)["roleDefinitionId"]).endsWith("4d97b98b-1d4f-4787-a291-c67834d212e7")]), [[principal, true]], `Network Contributor on ${ip}`);
      assert.match(String((props(fake.get(ip) as Json)["ipConfiguration"] as Json | undefined)?.["id"]), /\/resourceGroups\/MC_rg-lbips_lbips_westeurope\/providers\/Microsoft\.Network\/loadBalancers\/kubernetes\/frontendIPConfigurations\//, "AKS's load balancer uses the IP");
    }

    const d = await del(fake, "lbips");
    assert.equal(d.code, 0, d.stderr);
    for (const ip of ips) {
      assert.ok(fake.get(ip), "your IP is kept");
      assert.equal(props(fake.get(ip) as Json)["ipConfiguration"], undefined, "and free again");
    }
    assert.equal(fake.list().filter((r) => /roleAssignments/i.test(String(r["id"]))).length, 0, "the grants aks-net made are gone");
  });

  it("--load-balancer-outbound-ip-prefixes: your prefix, joined with the identity's grant; delete keeps it", async () => {
    const { fake } = h;
    seedGroup(fake);
    const prefix = fake.seed.publicIpPrefix("rg-shared", "egress-prefix", { location: "westeurope" });
    const c = await convergesOnce(fake, "lbpfx", ["--load-balancer-outbound-ip-prefixes", prefix]);
    const lb = (props(c)["networkProfile"] as Json)["loadBalancerProfile"] as Json;
    assert.equal(String((((lb["outboundIPPrefixes"] as Json)["publicIPPrefixes"] as Json[])[0] as Json)["id"]).toLowerCase(), prefix.toLowerCase());
    assert.equal(fake.list().filter((r) => /roleAssignments/i.test(String(r["id"])) && String(r["id"]).toLowerCase().startsWith(prefix.toLowerCase())).length, 1);
    const d = await del(fake, "lbpfx");
    assert.equal(d.code, 0, d.stderr);
    assert.ok(fake.get(prefix), "your prefix is kept");
  });

  it("an outbound IP another cluster's load balancer uses: create reads it and stops (LIVE-BYO-02, exit 3) before any write", async () => {
    const { fake } = h;
    seedGroup(fake);
    const ip = fake.seed.publicIp("rg-shared", "taken", { location: "westeurope" });
    fake.seed.cluster("rg-shared", "other", { nodeResourceGroup: "MC_rg-shared_other_westeurope", networkProfile: { loadBalancerSku: "standard", outboundType: "loadBalancer", loadBalancerProfile: { outboundIPs: { publicIPs: [{ id: ip }] } } } }, { location: "westeurope" });
    const mark = fake.requests.length;
    const r = await create(fake, "taken", ["--load-balancer-outbound-ips", ip]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /LIVE-BYO-02[\s\S]*already used by \/subscriptions\/[^ "]*MC_rg-shared_other_westeurope\/providers\/Microsoft\.Network\/loadBalancers\/kubernetes/);
    assert.deepEqual(writesSince(fake, mark), []);
  });

  it("--route-table-id with --firewall-private-ip is refused (exit 3): aks-net never writes the user's table", async () => {
    const { fake } = h;
    seedGroup(fake);
    const rt = fake.seed.routeTable("rg-shared", "rt-hub", { toFw: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.1.4" } }, { location: "westeurope" });
    const r = await create(fake, "rtfw", ["--route-table-id", rt, "--firewall-private-ip", "10.0.1.4"]);
    refusedBeforeAnyRequest(fake, r, /BYO-02/);
  });

  it("--route-table-id: the user's table is associated with aks-net's subnets and granted to the identity; delete keeps it unchanged", async () => {
    const { fake } = h;
    seedGroup(fake);
    const rt = fake.seed.routeTable("rg-shared", "rt-hub", { toFw: { addressPrefix: "0.0.0.0/0", nextHopType: "VirtualAppliance", nextHopIpAddress: "10.0.1.4" } }, { location: "westeurope" });
    const before = JSON.stringify(fake.get(rt));
    await convergesOnce(fake, "byort", ["--route-table-id", rt, "--outbound-type", "userDefinedRouting", "--vnet-cidr", "10.50.0.0/16", "--subnet-cidr", "10.50.0.0/24"]);
    const subnet = fake.get(`${net("rg-byort", "virtualNetworks", "byort-vnet")}/subnets/aks-nodes`);
    assert.equal(String(((props(subnet)["routeTable"]) as Json)["id"]).toLowerCase(), rt.toLowerCase());
    assert.equal(fake.requests.filter((q) => q.method !== "GET" && q.path.toLowerCase().startsWith(rt.toLowerCase()) && !/\/providers\/Microsoft\.Authorization\//i.test(q.path)).length, 0, "no write to the user's route table (a role assignment on it is aks-net's own resource)");
    const d = await del(fake, "byort");
    assert.equal(d.code, 0, d.stderr);
    const after = fake.get(rt) as Json;
    assert.deepEqual(((props(after)["routes"] as Json[]) ?? []).map((x) => x["name"]), ["toFw"]);
    assert.deepEqual((props(after)["subnets"] as Json[] | undefined) ?? [], [], "no subnet left on it");
    assert.ok(before.length > 0);
  });

  it("--firewall-private-ip: a route table with 0.0.0.0/0 to the hub firewall, no firewall built, userDefinedRouting", async () => {
    const { fake } = h;
    const c = await convergesOnce(fake, "hubfw", ["--firewall-private-ip", "10.0.1.4", "--vnet-cidr", "10.51.0.0/16", "--subnet-cidr", "10.51.0.0/24"]);
    assert.equal((props(c)["networkProfile"] as Json)["outboundType"], "userDefinedRouting");
    const routes = props(fake.get(net("rg-hubfw", "routeTables", "hubfw-rt")))["routes"] as Json[];
    assert.deepEqual(routes.map((r) => [props(r)["addressPrefix"], props(r)["nextHopType"], props(r)["nextHopIpAddress"]]), [["0.0.0.0/0", "VirtualAppliance", "10.0.1.4"]]);
    assert.equal(fake.list().filter((r) => /azureFirewalls/i.test(String(r["type"]))).length, 0, "no firewall built");
  });

  it("--nat-gateway-id: the user's NAT gateway on aks-net's node subnet (userAssignedNATGateway); delete keeps it", async () => {
    const { fake } = h;
    seedGroup(fake);
    const pip = fake.seed.publicIp("rg-shared", "natpip", { location: "westeurope" });
    const nat = fake.put(net("rg-shared", "natGateways", "nat-hub"), { location: "westeurope", sku: { name: "Standard" }, properties: { publicIpAddresses: [{ id: pip }] } });
    const c = await convergesOnce(fake, "byonat", ["--nat-gateway-id", nat, "--vnet-cidr", "10.52.0.0/16", "--subnet-cidr", "10.52.0.0/24"]);
    assert.equal((props(c)["networkProfile"] as Json)["outboundType"], "userAssignedNATGateway");
    const subnet = fake.get(`${net("rg-byonat", "virtualNetworks", "byonat-vnet")}/subnets/aks-nodes`);
    assert.equal(String((props(subnet)["natGateway"] as Json)["id"]).toLowerCase(), nat.toLowerCase());
    const d = await del(fake, "byonat");
    assert.equal(d.code, 0, d.stderr);
    assert.ok(fake.get(nat), "the user's NAT gateway is kept");
  });

  it("--pod-subnet-id with --vnet-subnet-id: both brought, in one VNet; each pool joins them; delete keeps the VNet", async () => {
    const { fake } = h;
    seedGroup(fake);
    const vnet = fake.seed.vnet("rg-shared", "vnet-spoke", ["10.53.0.0/16"], { nodes: "10.53.0.0/24", pods: "10.53.64.0/20" }, { location: "westeurope" });
    const c = await convergesOnce(fake, "byopod", ["--network-plugin", "azure", "--vnet-subnet-id", `${vnet}/subnets/nodes`, "--pod-subnet-id", `${vnet}/subnets/pods`]);
    const pool = pools(c)[0] as Json;
    assert.match(String(pool["podSubnetID"]), /\/subnets\/pods$/);
    assert.equal((props(c)["networkProfile"] as Json)["networkPluginMode"], undefined, "a pod subnet is not overlay");
    const d = await del(fake, "byopod");
    assert.equal(d.code, 0, d.stderr);
    assert.ok(fake.get(`${vnet}/subnets/pods`), "the user's pod subnet is kept");
  });
});

describe("examples/aks-baseline.yaml (mspnp/aks-baseline's cluster as one spec)", function () {
  this.timeout(120_000);
  const h = useFakeArm();
  const EXAMPLE = "examples/aks-baseline.yaml";

  it("validates (exit 0) and dry-runs offline with every piece in the bodies", async () => {
    const v = await runCli(["validate", "-f", EXAMPLE]);
    assert.equal(v.code, 0, v.stderr + v.stdout);
    const r = await runCli(["create", "-f", EXAMPLE, "--dry-run", "--offline", "-o", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const ops = (JSON.parse(r.stdout) as { operations: { type: string; resourceId: string; body: Json }[] }).operations;
    const cluster = ops.find((o) => o.type === "Microsoft.ContainerService/managedClusters")?.body as Json;
    const [system, user] = props(cluster)["agentPoolProfiles"] as Json[];
    assert.match(String(system?.["vnetSubnetID"]), /\/subnets\/snet-systemnodes$/);
    assert.match(String(user?.["vnetSubnetID"]), /\/subnets\/snet-usernodes$/);
    assert.deepEqual(system?.["availabilityZones"], ["1", "2", "3"]);
    assert.deepEqual(system?.["nodeTaints"], ["CriticalAddonsOnly=true:NoSchedule"]);
    const np = props(cluster)["networkProfile"] as Json;
    assert.deepEqual([np["networkPluginMode"], np["outboundType"], np["loadBalancerSku"]], ["overlay", "userDefinedRouting", "standard"]);
    assert.deepEqual((props(cluster)["apiServerAccessProfile"] as Json)["authorizedIPRanges"], ["20.62.10.0/28"]);
    const rt = ops.find((o) => o.type === "Microsoft.Network/routeTables")?.body as Json;
    assert.deepEqual((props(rt)["routes"] as Json[]).map((x) => props(x)["nextHopIpAddress"]), ["10.200.0.4"], "routes only to the hub firewall");
    assert.equal(ops.filter((o) => /azureFirewalls|publicIPAddresses/.test(o.type)).length, 0, "no firewall or public IP built");
  });

  it("creates on the fake, a second run sends 0 writes, delete -f removes everything it made", async () => {
    const { fake } = h;
    const first = await runCli(["create", "-f", EXAMPLE, "--yes", "-o", "json"], { fake, env: FAST });
    ok(first);
    assert.equal(result(first).status, "succeeded");
    const mark = fake.requests.length;
    const again = await runCli(["create", "-f", EXAMPLE, "--yes", "-o", "json"], { fake, env: FAST });
    ok(again);
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "a re-run writes nothing");
    const d = await runCli(["delete", "-f", EXAMPLE, "--yes", "-o", "json"], { fake, env: FAST });
    assert.equal(d.code, 0, d.stderr);
    assert.equal(fake.get(rgId("rg-bu0001a0008")), undefined);
  });
});

describe("create: managed NAT gateway StandardV2 (issue 11 item 6)", function () {
  this.timeout(60_000);
  const h = useFakeArm();

  it("dual-stack with a StandardV2 managed NAT gateway and IPv6 outbound IPs converges; a re-run writes nothing", async () => {
    const { fake } = h;
    const c = await convergesOnce(fake, "natv2", ["--outbound-type", "managedNATGateway", "--nat-gateway-sku", "StandardV2", "--ip-families", "IPv4,IPv6", "--nat-gateway-managed-outbound-ipv6-count", "2"]);
    const nat = (props(c)["networkProfile"] as Json)["natGatewayProfile"] as Json;
    assert.equal(nat["sku"], "StandardV2");
    assert.deepEqual(nat["managedOutboundIPProfile"], { count: 1, countIPv6: 2 });
  });

  it("dual-stack behind the StandardV2 NAT gateway aks-net builds: an IPv4 and an IPv6 StandardV2 address on it; a re-run writes nothing; Standard is CMP-11 (exit 3)", async () => {
    const { fake } = h;
    const dual = ["--outbound-type", "userAssignedNATGateway", "--ip-families", "IPv4,IPv6", "--network-plugin", "azure", "--network-plugin-mode", "overlay"];
    await convergesOnce(fake, "natown6", [...dual, "--vnet-nat-gateway-sku", "StandardV2"]);
    const nat = props(fake.get(net("rg-natown6", "natGateways", "natown6-natgw")) as Json);
    const v6 = ((nat["publicIpAddressesV6"] as Json[])[0] as Json)["id"] as string;
    assert.match(v6, /natown6-natgw-pip6$/);
    const pip6 = fake.get(v6) as Json;
    assert.deepEqual([(pip6["sku"] as Json)["name"], props(pip6)["publicIPAddressVersion"]], ["StandardV2", "IPv6"]);
    assert.match(String(props(pip6)["ipAddress"]), /:/, "an IPv6 address");
    const d = await del(fake, "natown6");
    assert.equal(d.code, 0, d.stderr);
    assert.equal(fake.get(v6), undefined, `delete removes the IPv6 address after the gateway that uses it: ${d.stdout}`);
    const mark = fake.requests.length;
    const standard = await create(fake, "natown4", dual);
    assert.equal(standard.code, 3, standard.stderr);
    assert.match(standard.stdout, /CMP-11/);
    assert.deepEqual(writesSince(fake, mark), []);
  });

  it("--nat-gateway-outbound-ips / -ip-prefixes: the identity is granted join on each (the fake refuses the cluster without it); a re-run writes nothing; delete keeps them and removes the grants", async () => {
    const { fake } = h;
    fake.seed.resourceGroup("rg-shared", { location: "westeurope" });
    const ip = fake.seed.publicIp("rg-shared", "nat-egress", { location: "westeurope" });
    const prefix = fake.seed.publicIpPrefix("rg-shared", "nat-prefix", { location: "westeurope" });
    const c = await convergesOnce(fake, "natips", ["--outbound-type", "managedNATGateway", "--nat-gateway-sku", "StandardV2", "--nat-gateway-outbound-ips", ip, "--nat-gateway-outbound-ip-prefixes", prefix]);
    const nat = (props(c)["networkProfile"] as Json)["natGatewayProfile"] as Json;
    assert.equal(String(((nat["outboundIPs"] as Json)["publicIPs"] as string[])[0]).toLowerCase(), ip.toLowerCase());
    const principal = props(fake.get(`${rgId("rg-natips")}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/natips-identity`) as Json)["principalId"];
    for (const scope of [ip, prefix]) {
      const grants = fake.list().filter((r) => /roleAssignments/i.test(String(r["id"])) && String(r["id"]).toLowerCase().startsWith(scope.toLowerCase()));
      assert.deepEqual(grants.map((g) => [props(g)["principalId"], String(props(g)["roleDefinitionId"]).endsWith("4d97b98b-1d4f-4787-a291-c67834d212e7")]), [[principal, true]], `Network Contributor on ${scope}`);
    }
    const d = await del(fake, "natips");
    assert.equal(d.code, 0, d.stderr);
    assert.ok(fake.get(ip) && fake.get(prefix), "your IP and prefix are kept");
    assert.equal(fake.list().filter((r) => /roleAssignments/i.test(String(r["id"]))).length, 0, "the grants aks-net made are gone");
  });

  it("the fake refuses IPv6 outbound IPs on a Standard gateway, as the API says; aks-net stops it first (LB-06, exit 3)", async () => {
    const { fake } = h;
    const r = await create(fake, "natv1", ["--outbound-type", "managedNATGateway", "--nat-gateway-sku", "Standard", "--nat-gateway-managed-outbound-ipv6-count", "2"]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stdout, /LB-06/);
    assert.equal(writesSince(fake, 0).length, 0);
  });
});
