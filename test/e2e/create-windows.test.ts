/**
 * `aks-net create` with a Windows pool, end to end against the fake ARM server: the cluster gets its windowsProfile
 * (the fake refuses a Windows pool without one, as Azure does), and the password is never on the command line, in the
 * plan or in any output: it comes from AKS_NET_WINDOWS_ADMIN_PASSWORD or a 0600 file, generated when absent.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Json } from "../fakes/fake-arm.ts";
import { FAST, clusterId, create, net, ok, props, refusedBeforeAnyRequest, useFakeArm, writesSince } from "../helpers/create-cli.ts";
import { runCli } from "../helpers/run-cli.ts";

const SPEC = {
  networkPlugin: "azure",
  networkPluginMode: "overlay",
  nodePools: [{ name: "system", count: 2 }, { name: "win", count: 1, osType: "Windows" }],
};

describe("create with a Windows pool", function () {
  this.timeout(60_000);
  let dir: string;
  const fake = useFakeArm({ polls: 1 });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "aks-net-win-"));
    writeFileSync(join(dir, "spec.json"), JSON.stringify(SPEC));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const clusterPut = (name: string): Json | undefined =>
    fake.requests.find((q) => q.method === "PUT" && q.path.toLowerCase() === clusterId(`rg-${name}`, name).toLowerCase())?.body as Json | undefined;

  it("generates the password into a 0600 file, sends it once, never prints it; a re-run reuses the file and writes nothing", async () => {
    const first = await create(fake, "win1", ["-f", "spec.json"], { cwd: dir });
    ok(first);
    const file = join(dir, "win1.windows-admin-password");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const password = readFileSync(file, "utf8").trim();
    assert.ok(password.length >= 14);
    assert.deepEqual(props(clusterPut("win1"))["windowsProfile"], { adminUsername: "azureuser", adminPassword: password });
    for (const out of [first.stdout, first.stderr]) assert.equal(out.includes(password), false, "the password is never printed");
    assert.match(first.stderr, /generated into win1\.windows-admin-password \(mode 0600\)/);
    const stored = props(fake.get(clusterId("rg-win1", "win1")))["windowsProfile"] as Json;
    assert.equal(stored["adminUsername"], "azureuser");
    assert.equal(stored["adminPassword"], undefined);

    const mark = fake.requests.length;
    const again = await create(fake, "win1", ["-f", "spec.json"], { cwd: dir });
    ok(again);
    assert.deepEqual(writesSince(fake, mark), [], "a re-run writes nothing");
    assert.equal(readFileSync(file, "utf8").trim(), password, "the file is kept");
  });

  it("takes the password from AKS_NET_WINDOWS_ADMIN_PASSWORD, and the administrator from --windows-admin-username", async () => {
    const password = "Env-Provided-Pw-42!";
    const r = await create(fake, "win2", ["-f", "spec.json", "--windows-admin-username", "winadmin"], { cwd: dir, env: { AKS_NET_WINDOWS_ADMIN_PASSWORD: password } });
    ok(r);
    assert.deepEqual(props(clusterPut("win2"))["windowsProfile"], { adminUsername: "winadmin", adminPassword: password });
    assert.equal(`${r.stdout}${r.stderr}`.includes(password), false);
  });

  it("refuses a password on the command line, and a weak one from the environment, with exit 2 and no request", async () => {
    const flag = await create(fake, "win3", ["-f", "spec.json", "--windows-admin-password", "Cmd-Line-Pw-123!"], { cwd: dir });
    assert.equal(flag.code, 2, flag.stderr);
    assert.match(flag.stderr, /--windows-admin-password would put the password on the command line/);
    assert.equal(flag.stderr.includes("Cmd-Line-Pw-123!"), false);
    const weak = await create(fake, "win3", ["-f", "spec.json"], { cwd: dir, env: { AKS_NET_WINDOWS_ADMIN_PASSWORD: "password" } });
    assert.equal(weak.code, 2, weak.stderr);
    assert.match(weak.stderr, /AKS_NET_WINDOWS_ADMIN_PASSWORD has 8 characters/);
    assert.equal(fake.writes().length, 0);
    const notAFile = await create(fake, "win3", ["-f", "spec.json", "--windows-admin-password-file", "."], { cwd: dir });
    assert.equal(notAFile.code, 2, notAFile.stderr);
    assert.match(notAFile.stderr, /\. is not a password file \(not a regular file\)/);
    assert.equal(fake.writes().length, 0);
  });

  it("--dry-run --offline shows the secret token, never a password, and needs none", async () => {
    const r = await runCli(["create", "-n", "win4", "-g", "rg-win4", "-l", "westeurope", "-f", "spec.json", "--dry-run", "--offline", "-o", "json"], { cwd: dir });
    ok(r);
    const ops = (JSON.parse(r.stdout) as { operations: { type: string; body: Json }[] }).operations;
    const cluster = ops.find((o) => o.type === "Microsoft.ContainerService/managedClusters");
    assert.deepEqual(props(cluster?.body)["windowsProfile"], { adminUsername: "azureuser", adminPassword: "[secret:windows-admin-password]" });
    assert.throws(() => statSync(join(dir, "win4.windows-admin-password")), /ENOENT/, "a dry run writes no password file");
  });

  it("a Windows pool in a node subnet of its own behind aks-net's firewall: its subnet takes the route table and the grant, the rules allow it and Windows' endpoints; a re-run writes nothing; delete removes it", async () => {
    writeFileSync(join(dir, "win-subnet.json"), JSON.stringify({
      ...SPEC,
      vnet: { addressSpaces: ["10.60.0.0/16"], subnetCidr: "10.60.0.0/24" },
      firewall: { enabled: true, subnetCidr: "10.60.8.0/26" },
      outboundType: "userDefinedRouting",
      nodePools: [{ name: "system", count: 2 }, { name: "win", count: 2, osType: "Windows", vnetSubnetCidr: "10.60.4.0/24" }],
    }));
    const first = await create(fake, "winsub", ["-f", "win-subnet.json"], { cwd: dir, env: { AKS_NET_WINDOWS_ADMIN_PASSWORD: "P@ssw0rd-For-The-Fake-1" } });
    ok(first);
    const sub = `${net("rg-winsub", "virtualNetworks", "winsub-vnet")}/subnets/aks-nodes-win`;
    const pools = props(fake.get(clusterId("rg-winsub", "winsub")))["agentPoolProfiles"] as Json[];
    const win = pools.find((p) => p["name"] === "win") as Json;
    assert.equal(win["osType"], "Windows");
    assert.equal(String(win["vnetSubnetID"]).toLowerCase(), sub.toLowerCase());
    const subnet = props(fake.get(sub) as Json);
    assert.equal(subnet["addressPrefix"], "10.60.4.0/24");
    assert.match(String((subnet["routeTable"] as Json)["id"]), /\/routeTables\/winsub-rt$/i);
    assert.equal(fake.list().filter((r) => /roleAssignments/i.test(String(r["id"])) && String(r["id"]).toLowerCase().startsWith(sub.toLowerCase())).length, 1, "Network Contributor on the Windows subnet");
    const fw = props(fake.get(net("rg-winsub", "azureFirewalls", "winsub-fw")) as Json);
    const app = JSON.stringify(fw["applicationRuleCollections"]);
    assert.match(app, /10\.60\.4\.0\/24/, "the firewall's rules take the Windows subnet as a source");
    assert.match(app, /windowsupdate|mp\.microsoft\.com/i, "and allow Windows' own endpoints");

    const mark = fake.requests.length;
    ok(await create(fake, "winsub", ["-f", "win-subnet.json"], { cwd: dir, env: { AKS_NET_WINDOWS_ADMIN_PASSWORD: "P@ssw0rd-For-The-Fake-1" } }));
    assert.deepEqual(writesSince(fake, mark).map((w) => `${w.method} ${w.path}`), [], "a re-run writes nothing");
    const d = await runCli(["delete", "-n", "winsub", "-g", "rg-winsub", "--yes", "-o", "json"], { fake, env: FAST });
    assert.equal(d.code, 0, d.stderr);
    assert.equal(fake.get(sub), undefined);
  });

  it("a Windows pool's own subnet too small for its nodes is exit 3 (CAP-14) before any request", async () => {
    writeFileSync(join(dir, "win-small.json"), JSON.stringify({ ...SPEC, vnet: { addressSpaces: ["10.61.0.0/16"], subnetCidr: "10.61.0.0/24" }, nodePools: [{ name: "system" }, { name: "win", count: 20, osType: "Windows", vnetSubnetCidr: "10.61.4.0/28" }] }));
    const r = await create(fake, "winsmall", ["-f", "win-small.json"], { cwd: dir });
    refusedBeforeAnyRequest(fake, r, /CAP-14/);
  });
});
