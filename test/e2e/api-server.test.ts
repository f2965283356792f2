/**
 * API server access end to end on the fake ARM (issue 11 item 1): authorized ranges with the firewall's egress IP
 * added, API Server VNet Integration in a delegated subnet aks-net plans, a private cluster in your own private DNS
 * zone with the roles AKS needs; re-runs write nothing, delete keeps your zone; bad combinations stop at exit 3.
 */
import assert from "node:assert/strict";
import type { Json } from "../fakes/fake-arm.ts";
import { FAST, clusterId, create, net, ok, props, result, rgId, writesSince } from "../helpers/create-cli.ts";
import { useFakeArm } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";

const FIREWALL = ["--firewall", "--firewall-subnet-cidr", "10.225.0.0/26"];
const ZONE = `${rgId("rg-dns")}/providers/Microsoft.Network/privateDnsZones/privatelink.westeurope.azmk8s.io`;
const access = (body: Json | undefined): Json => (props(body)["apiServerAccessProfile"] ?? {}) as Json;
const del = (fake: Parameters<typeof create>[0], name: string) => runCli(["delete", "-n", name, "-g", `rg-${name}`, "--yes"], { fake, env: FAST });

describe("create: API server access (fake ARM)", function () {
  this.timeout(120_000);
  const arm = useFakeArm();

  it("authorized ranges plus the firewall's public IP, VNet Integration in a delegated /28; a re-run writes nothing", async () => {
    const fake = arm.fake;
    const args = [...FIREWALL, "--api-server-authorized-ip-ranges", "203.0.113.0/24,198.51.100.7", "--enable-apiserver-vnet-integration", "--apiserver-subnet-cidr", "10.225.1.0/28"];
    ok(await create(fake, "pub", args));
    const cluster = fake.get(clusterId("rg-pub", "pub"));
    const fwIp = String(props(fake.get(net("rg-pub", "publicIPAddresses", "pub-fw-pip")))["ipAddress"]);
    const apiSubnet = `${net("rg-pub", "virtualNetworks", "pub-vnet")}/subnets/aks-apiserver`;
    assert.deepEqual(access(cluster)["authorizedIPRanges"], ["203.0.113.0/24", "198.51.100.7", `${fwIp}/32`]);
    assert.equal(access(cluster)["enableVnetIntegration"], true);
    assert.equal(String(access(cluster)["subnetId"]).toLowerCase(), apiSubnet.toLowerCase());
    const subnet = props(fake.get(apiSubnet));
    assert.equal(subnet["addressPrefix"], "10.225.1.0/28");
    assert.deepEqual((subnet["delegations"] as Json[]).map((d) => props(d)["serviceName"]), ["Microsoft.ContainerService/managedClusters"]);
    assert.equal(subnet["routeTable"], undefined, "the API server subnet takes none of the nodes' egress");
    assert.ok(fake.list(apiSubnet).some((r) => /roleAssignments/i.test(String(r["id"]))), "Network Contributor on the API server subnet");
    const mark = fake.requests.length;
    ok(await create(fake, "pub", args));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), []);
    ok(await del(fake, "pub"));
    assert.equal(fake.get(rgId("rg-pub")), undefined);
  });

  it("a private cluster in your private DNS zone: the roles AKS needs, a private FQDN, 0 writes on re-run, your zone kept on delete", async () => {
    const fake = arm.fake;
    fake.seed.resourceGroup("rg-dns", { location: "westeurope" });
    fake.put(ZONE, { location: "global", properties: {} });
    const args = ["--enable-private-cluster", "--private-dns-zone", ZONE, "--disable-public-fqdn"];
    ok(await create(fake, "priv", args));
    const cluster = fake.get(clusterId("rg-priv", "priv"));
    assert.equal(access(cluster)["enablePrivateCluster"], true);
    assert.equal(access(cluster)["privateDNSZone"], ZONE);
    assert.equal(access(cluster)["enablePrivateClusterPublicFQDN"], false);
    assert.match(String(props(cluster)["privateFQDN"]), /\.privatelink\.westeurope\.azmk8s\.io$/);
    assert.equal(props(cluster)["fqdn"], undefined);
    const roles = fake.list().filter((r) => /roleAssignments/i.test(String(r["id"]))).map((r) => [String(props(r)["scope"]).toLowerCase(), String(props(r)["roleDefinitionId"]).slice(-36)]);
    assert.ok(roles.some(([scope, role]) => scope === ZONE.toLowerCase() && role === "b12aa53e-6015-4669-85d0-8515ebb3ae7f"), `Private DNS Zone Contributor on the zone: ${JSON.stringify(roles)}`);
    assert.ok(roles.some(([scope, role]) => scope === net("rg-priv", "virtualNetworks", "priv-vnet").toLowerCase() && role === "4d97b98b-1d4f-4787-a291-c67834d212e7"), "Network Contributor on the VNet");
    const mark = fake.requests.length;
    ok(await create(fake, "priv", args));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), []);
    ok(await del(fake, "priv"));
    assert.ok(fake.get(ZONE), "your zone stays");
    assert.equal(fake.list().filter((r) => /roleAssignments/i.test(String(r["id"])) && String(props(r)["scope"]).toLowerCase() === ZONE.toLowerCase()).length, 0, "aks-net's role on it is gone");
  });

  it("bad combinations stop at exit 3 before any request", async () => {
    const cases: [string[], string][] = [
      [["--enable-private-cluster", "--api-server-authorized-ip-ranges", "203.0.113.0/24"], "API-01"],
      [["--api-server-authorized-ip-ranges", "10.0.0.0/8"], "API-02"],
      [["--enable-private-cluster", "--private-dns-zone", `${rgId("rg-dns")}/providers/Microsoft.Network/privateDnsZones/privatelink.eus.azmk8s.io`], "API-04"],
      [["--private-dns-zone", "system"], "API-05"],
      [["--enable-private-cluster", "--private-dns-zone", "none", "--disable-public-fqdn"], "API-06"],
      [["--enable-apiserver-vnet-integration", "--apiserver-subnet-cidr", "10.225.1.0/29"], "API-08"],
    ];
    for (const [args, rule] of cases) {
      const r = await runCli(["create", "-n", "b", "-g", "rg-b", "-l", "westeurope", "--dry-run", "--offline", "-o", "json", ...args], {});
      assert.equal(r.code, 3, `${rule}: ${r.stderr}`);
      assert.ok(JSON.stringify(result(r)).includes(rule), `${rule} in ${r.stdout}`);
    }
  });
});

describe("validate --live: the API server subnet (fake ARM)", function () {
  this.timeout(60_000);
  const arm = useFakeArm();
  it("LIVE-API-01: an API server subnet not delegated to AKS, or in use", async () => {
    const fake = arm.fake;
    fake.seed.resourceGroup("rg-l", { location: "westeurope" });
    const vnet = fake.seed.vnet("rg-l", "vnet-l", ["10.30.0.0/16"], { nodes: "10.30.0.0/22", api: { prefix: "10.30.8.0/28", nics: 1 }, good: { prefix: "10.30.9.0/28", delegations: ["Microsoft.ContainerService/managedClusters"] } }, { location: "westeurope" });
    const base = ["validate", "--live", "-o", "json", "-g", "rg-l", "-l", "westeurope", "--vnet-subnet-id", `${vnet}/subnets/nodes`, "--enable-apiserver-vnet-integration", "--apiserver-subnet-id"];
    const bad = await runCli([...base, `${vnet}/subnets/api`], { fake, env: FAST });
    assert.equal(bad.code, 3, bad.stderr);
    const errors = (JSON.parse(bad.stdout) as { errors: { rule: string; message: string }[] }).errors.filter((e) => e.rule === "LIVE-API-01").map((e) => e.message);
    assert.equal(errors.length, 2, bad.stdout);
    assert.match(errors.join("\n"), /is not delegated/);
    assert.match(errors.join("\n"), /is in use/);
    const good = await runCli([...base, `${vnet}/subnets/good`], { fake, env: FAST });
    assert.doesNotMatch(good.stdout, /LIVE-API-01/);
    const missing = await runCli([...base, `${vnet}/subnets/nope`], { fake, env: FAST });
    assert.match(missing.stdout, /LIVE-API-01/);
  });
});
