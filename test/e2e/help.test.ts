/**
 * Each command's --help ends with examples that work, and `aks-net completion bash|zsh|fish` completes what the
 * program registers. The bash script is sourced in a real bash and its function called as bash's completion calls it.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BIN, ROOT, hasStackTrace, runCli, runProgram } from "../helpers/cli.ts";
import type { CliResult } from "../helpers/cli.ts";

const COMMANDS = ["validate", "create", "export", "init", "delete", "manifest", "templates", "schema", "completion"];

function sh(shell: string, script: string, cwd: string): Promise<CliResult> {
  return runProgram(shell, ["-c", script], { cwd, env: { PATH: `${cwd}/.bin:${dirname(process.execPath)}:${process.env["PATH"] ?? ""}`, NO_COLOR: "1" } });
}

/** The example lines of a --help text (after its last "Examples:" heading). */
function examplesOf(help: string): string[] {
  const at = help.lastIndexOf("\nExamples:\n");
  return at < 0 ? [] : help.slice(at + "\nExamples:\n".length).split("\n").map((l) => l.trim()).filter(Boolean);
}

let dir: string;
before(() => {
  // A scratch working directory: examples that write files (schema > FILE) write there; examples/ is the repository's.
  dir = mkdtempSync(join(tmpdir(), "aks-net-help-"));
  symlinkSync(join(ROOT, "examples"), join(dir, "examples"));
  symlinkSync(dirname(BIN), join(dir, ".bin"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("--help ends with examples", () => {
  for (const cmd of ["", ...COMMANDS]) {
    it(`aks-net ${cmd || ""} --help`.replace(/\s+/g, " "), async () => {
      const r = await runCli(cmd ? [cmd, "--help"] : ["--help"]);
      assert.equal(r.code, 0, r.stderr);
      const examples = examplesOf(r.stdout);
      assert.ok(examples.length > 0, `no examples:\n${r.stdout}`);
      assert.ok(r.stdout.trimEnd().endsWith(examples.at(-1) as string), "the examples come last");
      for (const e of examples) assert.match(e, cmd ? new RegExp(`aks-net ${cmd}\\b`) : /^aks-net /, e);
    });
  }

  it("every example that needs no Azure runs and exits 0", async function () {
    this.timeout(120_000);
    const offline: string[] = [];
    for (const cmd of COMMANDS) {
      const r = await runCli([cmd, "--help"]);
      for (const e of examplesOf(r.stdout)) {
        // Not run: those that talk to Azure, need a terminal, or write into the user's home or shell directories.
        if (/#.*needs az login/.test(e) || !e.startsWith("aks-net ") || /#.*terminal/.test(e) || /[~$]/.test(e)) continue;
        offline.push(e.replace(/\s#.*$/, ""));
      }
    }
    assert.ok(offline.length >= 8, offline.join("\n"));
    for (const e of offline) {
      const r = await sh("sh", e, dir);
      assert.equal(r.code, 0, `${e}\n${r.stderr}`);
      assert.equal(hasStackTrace(r.stderr), false);
    }
  });
});

describe("aks-net completion", () => {
  let bash: string;
  before(async () => {
    const r = await runCli(["completion", "bash"]);
    assert.equal(r.code, 0, r.stderr);
    bash = r.stdout;
  });

  /** What the bash completion offers for a command line typed up to the cursor (`words`, the last one being completed). */
  const complete = async (words: string[]): Promise<string[]> => {
    const script = [
      bash,
      `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
      `COMP_CWORD=${words.length - 1}`,
      `_aks_net`,
      `printf '%s\\n' "\${COMPREPLY[@]}"`,
    ].join("\n");
    const r = await sh("bash", script, dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    return r.stdout.split("\n").filter(Boolean);
  };

  it("bash: completes a subcommand", async () => {
    assert.deepEqual(await complete(["aks-net", "val"]), ["validate"]);
    assert.deepEqual(await complete(["aks-net", "de"]), ["delete"]);
  });
  it("bash: completes a command's flags, spec flags included, and not another command's", async () => {
    assert.deepEqual(await complete(["aks-net", "validate", "--network-p"]), ["--network-plugin", "--network-plugin-mode", "--network-policy"]);
    assert.deepEqual(await complete(["aks-net", "create", "--dry"]), ["--dry-run"]);
    assert.deepEqual(await complete(["aks-net", "validate", "--dry"]), []);
  });
  it("bash: completes values: choices, templates, clouds, files; nothing after a flag taking a free value", async () => {
    assert.deepEqual(await complete(["aks-net", "validate", "--network-plugin", ""]), ["azure", "kubenet", "none"]);
    assert.deepEqual(await complete(["aks-net", "create", "-o", "j"]), ["json"]);
    assert.deepEqual(await complete(["aks-net", "validate", "--template", "kube"]), ["kubenet-calico"]);
    assert.deepEqual(await complete(["aks-net", "create", "--cloud", "AzureU"]), ["AzureUSGovernment"]);
    assert.deepEqual(await complete(["aks-net", "validate", "-f", "examples/hub"]), ["examples/hub-spoke.yaml"]);
    assert.deepEqual(await complete(["aks-net", "create", "--service-cidr", "--"]), []);
    assert.deepEqual(await complete(["aks-net", "completion", ""]).then((w) => w.filter((x) => !x.startsWith("-"))), []);
  });
  it("bash: `complete` registers the function for aks-net", async () => {
    const r = await sh("bash", `${bash}\ncomplete -p aks-net`, dir);
    assert.equal(r.stdout.trim(), "complete -o default -F _aks_net aks-net");
  });

  it("zsh and fish: every command and every create flag is in the script (structure only: no zsh or fish here)", async () => {
    const help = await runCli(["create", "--help"]);
    const createFlags = [...help.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z0-9-]+)/gm)].map((m) => m[1] as string);
    assert.ok(createFlags.length > 40, createFlags.join(" "));
    const zsh = (await runCli(["completion", "zsh"])).stdout;
    const fish = (await runCli(["completion", "fish"])).stdout;
    assert.match(zsh, /^#compdef aks-net\n/);
    for (const c of COMMANDS) {
      assert.match(zsh, new RegExp(`^    '${c}:`, "m"), c);
      assert.match(fish, new RegExp(`-a ${c} -d `), c);
    }
    const createZsh = zsh.slice(zsh.indexOf("    create)"), zsh.indexOf(";;", zsh.indexOf("    create)")));
    const createFish = fish.split("\n").filter((l) => l.includes("__fish_seen_subcommand_from create\""));
    for (const f of createFlags) {
      assert.ok(createZsh.includes(`${f}[`) || createZsh.includes(`,${f}}`), `zsh lacks ${f}`);
      assert.ok(createFish.some((l) => l.includes(` -l ${f.slice(2)} `)), `fish lacks ${f}`);
    }
    // Quoting: zsh's syntax is a superset of what this script uses from sh, so bash -n checks its quotes balance.
    assert.match(zsh, /'--kubernetes-version\[Kubernetes version \(default\\: AKS'\\''s default\)\]:value: '/);
    const parsed = await sh("bash", `bash -n <<'EOF'\n${zsh}\nEOF`, dir);
    assert.equal(parsed.code, 0, parsed.stderr);
    assert.match(fish, /-l network-plugin -x -a 'azure kubenet none'/);
  });

  it("an unknown shell is a usage error", async () => {
    const r = await runCli(["completion", "ksh"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bash, zsh, fish/);
  });
});
