/**
 * The wizard in a real pseudo-terminal: the BUILT CLI (bin/aks-net → dist/) runs inside tmux; the test types answers
 * with send-keys and reads the screen with capture-pane. A private tmux server (-L) keeps other sessions out.
 * Needs `npm run build` first (npm test does it).
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import yaml from "js-yaml";
const parseYaml = (text: string): unknown => yaml.load(text, { schema: yaml.CORE_SCHEMA });
import { cidr, overlaps } from "../../src/core/cidr.ts";
import { FAKE_SUBSCRIPTION_ID, startFakeArm } from "../fakes/fake-arm.ts";
import { BIN, ROOT, hasStackTrace, runCli } from "../helpers/cli.ts";
import { cliEnv } from "../helpers/run-cli.ts";

const run = promisify(execFile);
const SOCKET = `aks-net-e2e-${process.pid}`;
const WAIT_MS = 15_000;
let counter = 0;
/** tmux key names `answer` sends as keys; anything else is typed literally. */
const KEY_NAMES = new Set(["Enter", "Up", "Down", "Tab", "C-u", "C-c"]);

/** One CLI run in a tmux pane. */
class Tty {
  readonly session = `wizard-${process.pid}-${++counter}`;
  readonly dir = mkdtempSync(join(tmpdir(), "aks-net-tty-"));

  /** `env`: extra variables (e.g. the fake ARM's endpoint and CA, the fake `az` on PATH). */
  async start(args: string[], env: Record<string, string> = {}): Promise<void> {
    // The child must see a terminal and no CI (mocha may run under CI=true); no Azure CLI profile, no colour codes.
    const cmd = [
      "env -u CI -u AZURE_SUBSCRIPTION_ID -u FORCE_COLOR",
      `NO_COLOR=1 AZURE_CONFIG_DIR=${this.dir}/azure`,
      ...Object.entries(env).map(([k, v]) => `${k}='${v.replace(/'/g, `'\\''`)}'`),
      process.execPath,
      BIN,
      ...args,
    ].join(" ");
    await tmux("new-session", "-d", "-s", this.session, "-x", "120", "-y", "40", "-c", this.dir, `${cmd}; echo EXIT=$?; sleep 600`);
  }

  async screen(): Promise<string> {
    return (await tmux("capture-pane", "-p", "-J", "-S", "-500", "-t", this.session)).replace(/\s+$/gm, "");
  }

  async keys(...keys: string[]): Promise<void> {
    await tmux("send-keys", "-t", this.session, ...keys);
  }

  /** Types literal text (no key-name lookup). */
  async type(text: string): Promise<void> {
    await tmux("send-keys", "-t", this.session, "-l", text);
  }

  /** Polls the screen until `test` holds; fails with the screen after WAIT_MS. */
  async waitFor(test: RegExp | ((s: string) => boolean), what = String(test)): Promise<string> {
    const deadline = Date.now() + WAIT_MS;
    let s = "";
    while (Date.now() < deadline) {
      s = await this.screen();
      if (typeof test === "function" ? test(s) : test.test(s)) return s;
      await new Promise((r) => setTimeout(r, 40));
    }
    assert.fail(`timed out waiting for ${what}; screen:\n${s}`);
  }

  /** The question waiting for an answer: the last `? ` line with no answered (`✔`) line after it. */
  static active(s: string): string | undefined {
    const lines = s.split("\n");
    const q = lines.findLastIndex((l) => l.startsWith("? "));
    if (q < 0 || lines.slice(q + 1).some((l) => l.startsWith("✔ ")) || /^EXIT=/m.test(s)) return undefined;
    return lines[q];
  }

  static answered(s: string): number {
    return s.split("\n").filter((l) => l.startsWith("✔ ")).length;
  }

  /** Waits for the question matching `prompt`, then sends `keys`. */
  async answer(prompt: RegExp, ...keys: string[]): Promise<void> {
    await this.waitFor((s) => prompt.test(Tty.active(s) ?? ""), `the question ${prompt}`);
    for (const k of keys) await (KEY_NAMES.has(k) ? this.keys(k) : this.type(k));
  }

  /** Accepts the offered default of every question until one matches `stop` (or, without `stop`, the run ends). */
  async acceptUntil(stop?: RegExp): Promise<void> {
    for (;;) {
      const s = await this.waitFor((x) => Tty.active(x) !== undefined || /^EXIT=/m.test(x), "a question or the end");
      const q = Tty.active(s);
      if (q === undefined) return;
      if (stop?.test(q)) return;
      const before = Tty.answered(s);
      await this.keys("Enter");
      await this.waitFor((x) => Tty.answered(x) > before || /^EXIT=/m.test(x), `an answer to: ${q}`);
    }
  }

  async exitCode(): Promise<number> {
    const s = await this.waitFor(/^EXIT=\d+/m, "the CLI to exit");
    return Number(/^EXIT=(\d+)/m.exec(s)?.[1]);
  }

  async stop(): Promise<void> {
    await tmux("kill-session", "-t", this.session).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function tmux(...args: string[]): Promise<string> {
  return (await run("tmux", ["-L", SOCKET, ...args])).stdout;
}

describe("e2e: the wizard in a real terminal (tmux)", function () {
  this.timeout(60_000);
  let tty: Tty | undefined;

  before(async function () {
    try {
      execFileSync("tmux", ["-V"]);
    } catch {
      assert.fail("tmux is needed for the terminal tests (apt-get install tmux)");
    }
    assert.ok(existsSync(join(ROOT, "dist", "main.cjs")), "build first: npm run build");
    // A session that outlives the tests: without it the server exits between tests and races the next new-session.
    await tmux("new-session", "-d", "-s", "keepalive", "sleep 3600");
  });
  afterEach(async () => {
    await tty?.stop();
    tty = undefined;
  });
  after(async () => {
    await tmux("kill-server").catch(() => undefined);
  });

  it("init: refuses a wrong CIDR and a reserved range in place (rule id + fix), then writes the spec", async () => {
    tty = new Tty();
    await tty.start(["init"]);
    await tty.answer(/subscription id/, "00000000-0000-0000-0000-00000000e2e0", "Enter");
    await tty.answer(/region/, "westeurope", "Enter");
    await tty.answer(/Resource group/, "rg-e2e", "Enter");
    await tty.answer(/Cluster name/, "e2e", "Enter");
    await tty.acceptUntil(/VNet address space/);

    await tty.type("10.0.0.0/33");
    await tty.keys("Enter");
    await tty.waitFor(/^> SYN-02 [^\n]*\/33[\s\S]*?\n\s+fix: /m, "the SYN-02 refusal with its fix");
    await tty.keys("C-u");
    await tty.type("012.0.0.0/8");
    await tty.keys("Enter");
    await tty.waitFor(/^> SYN-04 [\s\S]*?\n\s+fix: /m, "the SYN-04 refusal with its fix");
    await tty.keys("C-u", "Enter"); // the offered free range

    await tty.acceptUntil(/Service CIDR/);
    await tty.type("172.30.0.0/16");
    await tty.keys("Enter");
    const refused = await tty.waitFor(/^> RES-01 [^\n]*172\.30\.0\.0\/16[\s\S]*?\n\s+fix: /m, "the RES-01 refusal with its fix");
    assert.match(refused, /^\? Service CIDR/m, "the question stays open after a refusal");
    await tty.keys("C-u", "Enter");
    await tty.acceptUntil();

    assert.equal(await tty.exitCode(), 0);
    const screen = await tty.screen();
    assert.match(screen, /wrote aks-net\.yaml/);
    assert.match(screen, /equivalent command:\n\s+aks-net create --subscription 00000000-0000-0000-0000-00000000e2e0 --name e2e --resource-group rg-e2e --location westeurope /);
    assert.ok(!hasStackTrace(screen));
    const spec = parseYaml(readFileSync(join(tty.dir, "aks-net.yaml"), "utf8")) as Record<string, unknown>;
    assert.equal(spec["name"], "e2e");
    assert.equal(spec["resourceGroup"], "rg-e2e");
    const service = String(spec["serviceCidr"]);
    assert.equal(overlaps(cidr(service), cidr("172.30.0.0/16")), false);
    const vnet = spec["vnet"] as { addressSpaces: string[]; subnetCidr: string };
    assert.equal(overlaps(cidr(service), cidr(vnet.addressSpaces[0] as string)), false);
    assert.equal(spec["dnsServiceIP"], service.replace(/\.0\/\d+$/, ".10"));
  });

  it("create --dry-run --offline: asks only the network, offers kubenet only valid policies, then prints the plan", async () => {
    tty = new Tty();
    await tty.start(["create", "--dry-run", "--offline", "-n", "demo", "-g", "rg-demo", "-l", "westeurope", "--subscription", "00000000-0000-0000-0000-000000000001"]);
    await tty.answer(/Network plugin and IP mode/, "Down", "Down", "Down");
    await tty.waitFor(/^❯ kubenet$/m, "the kubenet choice highlighted");
    await tty.waitFor(/retires 2028-03-31/, "the kubenet trade-off line");
    await tty.keys("Enter");
    const policy = await tty.waitFor((s) => /Network policy/.test(Tty.active(s) ?? ""), "the policy question");
    const choices = policy.slice(policy.lastIndexOf("? Network policy")).split("\n").slice(1, 6).join("\n");
    assert.match(choices, /calico/);
    assert.doesNotMatch(choices, /^\W*(azure|cilium)$/m, `kubenet must not be offered azure or cilium policy:\n${choices}`);
    await tty.acceptUntil(/Pod CIDR/);
    await tty.type("172.31.0.0/16");
    await tty.keys("Enter");
    await tty.waitFor(/^> RES-01 [\s\S]*?\n\s+fix: /m, "the RES-01 refusal for the pod CIDR");
    await tty.keys("C-u", "Enter");
    await tty.acceptUntil();

    assert.equal(await tty.exitCode(), 0);
    const screen = await tty.screen();
    assert.ok(!/subscription id|Cluster name|Resource group/.test(screen), "flags given are not asked");
    assert.match(screen, /equivalent command:\n\s+aks-net create .*--network-plugin kubenet/);
    assert.match(screen, /Microsoft\.ContainerService\/managedClusters\s+demo/, "the plan is printed");
    assert.ok(existsSync(join(tty.dir, "aks-net.yaml")));
    assert.match(readFileSync(join(tty.dir, "aks-net.yaml"), "utf8"), /^networkPlugin: kubenet$/m);
  });

  it("create --dry-run --offline: zones, a user pool in its own subnet and a private API server, chosen with the arrow keys, are in the plan and the spec file", async () => {
    tty = new Tty();
    await tty.start(["create", "--dry-run", "--offline", "-n", "prod", "-g", "rg-prod", "-l", "westeurope", "--subscription", "00000000-0000-0000-0000-000000000001"]);
    await tty.acceptUntil(/Availability zones for the nodes/);
    await tty.keys("Down", "Enter");
    await tty.answer(/Add a user node pool/, "Down", "Enter");
    await tty.answer(/Name of the user pool/, "C-u", "apps", "Enter");
    await tty.acceptUntil(/Subnet of the user pool/);
    await tty.keys("Down", "Enter");
    await tty.acceptUntil(/API server access/);
    await tty.keys("Down", "Down", "Enter");
    await tty.acceptUntil();
    assert.equal(await tty.exitCode(), 0);
    const screen = await tty.screen();
    assert.match(screen, /equivalent command:\n\s+aks-net create -f aks-net\.yaml/);
    assert.match(screen, /Microsoft\.ContainerService\/managedClusters\s+prod/, "the plan is printed");
    const file = readFileSync(join(tty.dir, "aks-net.yaml"), "utf8");
    assert.match(file, /enablePrivateCluster: true/);
    assert.match(file, /name: apps/);
    assert.match(file, /vnetSubnetCidr: /);
    assert.equal((file.match(/- ['"]?1['"]?\n\s+- ['"]?2['"]?\n\s+- ['"]?3['"]?/g) ?? []).length, 2, `both pools zonal:\n${file}`);
  });

  it("--yes on a terminal asks nothing: the plan from flags and defaults, and exit 2 naming what is missing", async () => {
    tty = new Tty();
    await tty.start(["create", "--dry-run", "--offline", "--yes", "-n", "demo", "-g", "rg-demo", "-l", "westeurope"]);
    assert.equal(await tty.exitCode(), 0);
    let screen = await tty.screen();
    assert.equal(Tty.answered(screen), 0, screen);
    assert.doesNotMatch(screen, /^\? /m, "no question");
    assert.match(screen, /Microsoft\.ContainerService\/managedClusters\s+demo/, "the plan is printed");
    assert.ok(!existsSync(join(tty.dir, "aks-net.yaml")), "no wizard, so no spec file");
    await tty.stop();

    tty = new Tty();
    await tty.start(["create", "--yes", "-g", "rg-demo"]);
    assert.equal(await tty.exitCode(), 2);
    screen = await tty.screen();
    assert.match(screen, /^error: missing -n\/--name, -l\/--location/m);
    assert.doesNotMatch(screen, /^\? /m, "no question");
  });

  it("init --no-input on a terminal refuses to replace an existing aks-net.yaml (exit 2), --force replaces it", async () => {
    tty = new Tty();
    writeFileSync(join(tty.dir, "aks-net.yaml"), "# mine\n");
    const args = ["init", "--no-input", "-n", "a", "-g", "b", "-l", "westeurope", "--subscription", "00000000-0000-0000-0000-000000000001"];
    await tty.start(args);
    assert.equal(await tty.exitCode(), 2);
    assert.match(await tty.screen(), /^error: aks-net\.yaml exists and was not replaced/m);
    assert.equal(readFileSync(join(tty.dir, "aks-net.yaml"), "utf8"), "# mine\n");
    await tmux("kill-session", "-t", tty.session);
    await tty.start([...args, "--force"]);
    assert.equal(await tty.exitCode(), 0);
    assert.match(readFileSync(join(tty.dir, "aks-net.yaml"), "utf8"), /^name: a$/m);
  });

  it("every default accepted on a terminal plans exactly what the same command plans without one (one set of defaults)", async () => {
    tty = new Tty();
    const args = ["create", "--dry-run", "--offline", "-n", "same", "-g", "rg-same", "-l", "westeurope", "--subscription", "00000000-0000-0000-0000-000000000001"];
    await tty.start(args);
    await tty.acceptUntil();
    assert.equal(await tty.exitCode(), 0);
    const terminal = await runCli(["create", "-f", join(tty.dir, "aks-net.yaml"), "--dry-run", "--offline", "-o", "json"]);
    const ci = await runCli([...args, "-o", "json"]);
    assert.equal(terminal.code, 0, terminal.stderr);
    assert.equal(ci.code, 0, ci.stderr);
    const ops = (r: { stdout: string }): unknown => (JSON.parse(r.stdout) as { operations: unknown }).operations;
    assert.deepEqual(ops(terminal), ops(ci));
  });

  it("create, an existing VNet: read from Azure (fake ARM), not typed; the node subnet proposed in its free space", async () => {
    const fake = await startFakeArm({ polls: 1 });
    try {
      fake.seed.resourceGroup("rg-net", { location: "westeurope" });
      fake.seed.vnet("rg-net", "hub", ["10.60.0.0/16"], { app: { prefix: "10.60.0.0/24", nics: 2 }, data: "10.60.1.0/24" }, { location: "westeurope" });
      const env = cliEnv({ fake });
      const pass = ["PATH", "AZURE_TOKEN_CREDENTIALS", "NO_PROXY", "AKS_NET_ARM_ENDPOINT", "NODE_EXTRA_CA_CERTS", "AKS_NET_RETRY_DELAY_MS"];
      tty = new Tty();
      await tty.start(
        ["create", "--dry-run", "-n", "shop", "-g", "rg-shop", "-l", "westeurope", "--subscription", FAKE_SUBSCRIPTION_ID, "--network-plugin", "azure", "--network-plugin-mode", "overlay"],
        Object.fromEntries(pass.map((k) => [k, env[k] as string])),
      );
      await tty.acceptUntil(/Virtual network/);
      await tty.keys("Down", "Enter");
      await tty.answer(/Name of the existing VNet/, "hub", "Enter");
      await tty.answer(/Resource group of the VNet/, "rg-net", "Enter");
      await tty.waitFor(/read VNet hub in resource group rg-net: address space 10\.60\.0\.0\/16; subnets: app 10\.60\.0\.0\/24, data 10\.60\.1\.0\/24/, "the VNet read from Azure");
      await tty.answer(/Node subnet: new, or one of the VNet's subnets/, "Enter");
      const proposed = await tty.waitFor((x) => /^\? Node subnet \(/m.test(Tty.active(x) ?? ""), "the node subnet question");
      assert.match(proposed, /^\? Node subnet \(.*\(10\.60\.2\.0\/24\)$/m, `a free /24 inside the VNet, clear of app and data:\n${proposed}`);
      await tty.acceptUntil();
      assert.equal(await tty.exitCode(), 0);
      const screen = await tty.screen();
      assert.doesNotMatch(screen, /Its address space|Its other subnets/, "nothing Azure knows is asked");
      const spec = parseYaml(readFileSync(join(tty.dir, "aks-net.yaml"), "utf8")) as { vnet: Record<string, unknown> };
      assert.deepEqual(spec.vnet["addressSpaces"], ["10.60.0.0/16"]);
      assert.equal(spec.vnet["subnetCidr"], "10.60.2.0/24");
      assert.equal(spec.vnet["resourceGroup"], "rg-net");
      assert.deepEqual(fake.writes(), [], "a dry run reads only");
    } finally {
      await fake.close();
    }
  });

  it("Ctrl-C at a prompt exits 130 with no stack trace and writes nothing", async () => {
    tty = new Tty();
    await tty.start(["create", "--dry-run", "--offline"]);
    await tty.answer(/subscription id/, "sub", "Enter");
    await tty.answer(/region/, "C-c");
    assert.equal(await tty.exitCode(), 130);
    const screen = await tty.screen();
    assert.match(screen, /interrupted/);
    assert.ok(!hasStackTrace(screen), screen);
    assert.ok(!existsSync(join(tty.dir, "aks-net.yaml")));
  });
});

describe("e2e: the wizard never prompts without a terminal", () => {
  it("create without a TTY names every missing flag at once (exit 2)", async () => {
    const r = await runCli(["create", "--dry-run", "--offline"], { env: { CI: undefined } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing -n\/--name, -g\/--resource-group, -l\/--location; pass them or run in a terminal/);
    assert.ok(!hasStackTrace(r.stderr));
  });
  it("init --no-input writes the spec from flags alone", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aks-net-init-"));
    try {
      const r = await runCli(["init", "--no-input", "-n", "a", "-g", "b", "-l", "westeurope", "--network-plugin", "kubenet", "--out", join(dir, "x.yaml")]);
      assert.equal(r.code, 0, r.stderr);
      const spec = parseYaml(readFileSync(join(dir, "x.yaml"), "utf8")) as Record<string, unknown>;
      assert.deepEqual(spec, { name: "a", resourceGroup: "b", location: "westeurope", networkPlugin: "kubenet" });
      assert.match(r.stderr, /equivalent command:\n\s+aks-net create --name a --resource-group b --location westeurope --network-plugin kubenet/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
