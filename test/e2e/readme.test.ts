/**
 * Runs every `aks-net ...` example command in README.md and docs/*.md and checks the exit code the page states for it.
 *
 * Convention (README authors, please follow it):
 *  - Commands live in ```sh (or bash/console/shell) fenced blocks. A line runs when it calls `aks-net` or
 *    `./bin/aks-net` (optionally after `$ `) at its start or after a pipe `|`; in `a && b` chains only the steps
 *    from the first one that calls aks-net run. A trailing `\` joins the next line.
 *  - The expected exit code is a trailing comment `# exit N`; without one the command must exit 0.
 *  - ```yaml blocks are spec files: each must pass `aks-net validate -f -` with exit 0.
 *  - `<!-- no-test -->` on the line before a fence skips the whole block (commands that need Azure,
 *    credentials, a terminal or a file that does not exist in the repository; YAML that is not a spec).
 *  - Commands run with `sh -c` from the repository root, `aks-net` on PATH (the built bin/aks-net), empty stdin,
 *    CI=true and NO_COLOR=1; a pipeline's exit code is that of its last command.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { BIN, ROOT } from "../helpers/cli.ts";

interface Block {
  lang: string;
  /** 1-based line of the block's first content line. */
  line: number;
  lines: string[];
}

interface ReadmeCommand {
  line: number;
  command: string;
  exit: number;
}

/** The fenced code blocks of a README that are not marked `<!-- no-test -->`. */
function testedBlocks(markdown: string): Block[] {
  const out: Block[] = [];
  let block: Block | undefined;
  let skipNext = false;
  markdown.split("\n").forEach((raw, i) => {
    const fence = /^\s*```\s*([a-z]*)/.exec(raw);
    if (fence && !block) {
      block = { lang: fence[1] ?? "", line: i + 2, lines: [] };
      if (skipNext) block.lang = "skipped";
      skipNext = false;
    } else if (fence && block) {
      out.push(block);
      block = undefined;
    } else if (block) block.lines.push(raw);
    else if (/<!--\s*no-test\s*-->/.test(raw)) skipNext = true;
    else if (raw.trim() !== "") skipNext = false;
  });
  return out.filter((b) => b.lang !== "skipped");
}

/** Extracts the runnable commands of a README's shell blocks. */
function readmeCommands(markdown: string): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  for (const block of testedBlocks(markdown).filter((b) => ["sh", "bash", "console", "shell"].includes(b.lang))) {
    const { lines } = block;
    for (let i = 0; i < lines.length; i++) {
      let text = lines[i] as string;
      const start = i;
      while (text.endsWith("\\") && i + 1 < lines.length) text = `${text.slice(0, -1)} ${lines[++i] ?? ""}`;
      // Run from the first `&&` step that calls aks-net (at its start or after a pipe) to the end of the line.
      const steps = text.split("&&");
      const first = steps.findIndex((step) => /(^|\|)\s*(\$\s+)?(\.\/bin\/)?aks-net(\s|$)/.test(step));
      if (first < 0) continue;
      let command = steps.slice(first).join("&&").trim().replace(/^\$\s+/, "");
      const exit = /\s#\s*exit\s+(\d+)\s*$/.exec(command);
      command = command.replace(/\s#.*$/, "").trim();
      out.push({ line: block.line + start, command, exit: exit ? Number(exit[1]) : 0 });
    }
  }
  return out;
}

function sh(command: string, pathDir: string, input = ""): Promise<{ code: number | null; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, PATH: `${pathDir}:${dirname(process.execPath)}:${process.env["PATH"] ?? ""}`, CI: "true", NO_COLOR: "1" };
  delete env["FORCE_COLOR"];
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd: ROOT, env, stdio: ["pipe", "ignore", "pipe"] });
    child.stdin.on("error", () => undefined);
    child.stdin.end(input);
    let stderr = "";
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

/** README.md and every page under docs/: the reference moved there keeps its tests. */
const PAGES = ["README.md", ...readdirSync(join(ROOT, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];

describe("README and docs examples", () => {
  let pathDir: string;
  before(() => {
    pathDir = mkdtempSync(join(tmpdir(), "aks-net-readme-"));
    symlinkSync(BIN, join(pathDir, "aks-net"));
  });
  after(() => rmSync(pathDir, { recursive: true, force: true }));

  it("README has runnable examples, including the set-up command and a failing validation", () => {
    const commands = readmeCommands(readFileSync(join(ROOT, "README.md"), "utf8"));
    assert.ok(commands.some((c) => c.command === "./bin/aks-net validate -f examples/overlay-cilium.yaml"), JSON.stringify(commands));
    assert.ok(commands.some((c) => c.exit === 3), "at least one example shows a failing validation");
  });

  it("the reference pages the README links to exist and carry examples", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    for (const [, link] of readme.matchAll(/\]\((docs\/[^)#]+)(#[^)]*)?\)/g)) assert.ok(PAGES.includes(link as string), `README links to ${link}, which does not exist`);
    for (const page of ["docs/validate.md", "docs/create.md", "docs/delete.md", "docs/init.md"]) {
      assert.ok(readmeCommands(readFileSync(join(ROOT, page), "utf8")).length > 0, `${page} has no tested example`);
    }
  });

  for (const page of PAGES) {
    const markdown = readFileSync(join(ROOT, page), "utf8");
    for (const c of readmeCommands(markdown)) {
      it(`${page}:${c.line} \`${c.command}\` exits ${c.exit}`, async () => {
        const r = await sh(c.command, pathDir);
        assert.equal(r.code, c.exit, r.stderr);
      });
    }
    for (const spec of testedBlocks(markdown).filter((b) => b.lang === "yaml")) {
      it(`${page}:${spec.line} yaml spec validates without errors`, async () => {
        const r = await sh("aks-net validate -f -", pathDir, spec.lines.join("\n"));
        assert.equal(r.code, 0, r.stderr);
      });
    }
  }
});

describe("README example extraction", () => {
  const md = [
    "```sh",
    "npm ci && ./bin/aks-net validate -f a.yaml",
    "aks-net validate --service-cidr 10.0.0.0/33   # exit 3",
    "aks-net validate \\",
    "  --template overlay-cilium",
    "echo aks-net is not a command here",
    "cat x.yaml | aks-net validate -f -   # exit 2",
    "```",
    "<!-- no-test -->",
    "```sh",
    "aks-net create -g rg -n c",
    "```",
    "```json",
    "aks-net not shell",
    "```",
  ].join("\n");
  it("finds commands, exit codes and continuations, and honours no-test", () => {
    assert.deepEqual(readmeCommands(md), [
      { line: 2, command: "./bin/aks-net validate -f a.yaml", exit: 0 },
      { line: 3, command: "aks-net validate --service-cidr 10.0.0.0/33", exit: 3 },
      { line: 4, command: "aks-net validate    --template overlay-cilium", exit: 0 },
      { line: 7, command: "cat x.yaml | aks-net validate -f -", exit: 2 },
    ]);
  });
});
