/**
 * Completes the spec input for `create` and `init`: on a terminal, asks for what flags, -f and --template left out;
 * without one (no TTY, CI=true, --no-input) it names every missing flag at once (exit 2).
 * When the wizard ran it writes the chosen values to aks-net.yaml and prints the equivalent command line on stderr.
 */
// fs.promises is read where used: importing node:fs/promises loads it (and node:readline) on every create.
import { lstatSync, promises as fsp } from "node:fs";
import { isAbsolute, join, resolve as resolvePath } from "node:path";
import { UsageError } from "../../core/errors.ts";
import { resolveSpec } from "../../core/resolve.ts";
import type { SpecInput, SpecLayer } from "../../core/spec.ts";
import { defaultSubscription } from "../../io/az-profile.ts";
import type { Io } from "../../io/io.ts";
import { terminalAsker } from "../../io/prompts.ts";
import type { Asker } from "../../io/prompts.ts";
import { toFlags } from "../options.ts";
import { chosenInput, runWizard } from "./wizard.ts";
import type { WizardOptions } from "./wizard.ts";

/** Values `create` cannot do without; network values have AKS defaults and are only asked on a terminal. */
const REQUIRED: readonly { field: "name" | "resourceGroup" | "location"; flag: string }[] = [
  { field: "name", flag: "-n/--name" },
  { field: "resourceGroup", flag: "-g/--resource-group" },
  { field: "location", flag: "-l/--location" },
];

export interface CompleteOptions {
  command?: "create" | "init";
  /** Where the wizard writes the spec (`-` is stdout); default `aks-net.yaml` in the working directory. */
  out?: string;
  /** The prompts; tests pass a scripted Asker. Default: the terminal. */
  ask?: Asker;
  /** Flags the command itself needs without a terminal (create: --yes), named with the missing values. */
  alsoMissing?: string[];
  /** create (not offline): reads an existing VNet the user names (see WizardOptions.readVnet). */
  readVnet?: WizardOptions["readVnet"];
}

/** What completeInput did, for the command's own output. */
export interface Completed {
  layers: SpecLayer[];
  /** True when questions were asked. */
  asked: boolean;
  /** The spec file written, if any. */
  written?: string;
  /** The equivalent non-interactive command line. */
  command?: string;
}

/** Returns the layers plus a `wizard` layer holding the answers (or the layers unchanged when nothing is missing). */
export async function completeInput(layers: SpecLayer[], opts: Record<string, unknown>, io: Io, options: CompleteOptions = {}): Promise<SpecLayer[]> {
  return (await complete(layers, opts, io, options)).layers;
}

/** completeInput with a report of what happened (used by `init`). */
export async function complete(layers: SpecLayer[], opts: Record<string, unknown>, io: Io, options: CompleteOptions = {}): Promise<Completed> {
  const seeded = withSubscription(layers, opts);
  if (!canPrompt(opts, io, options.out === "-") && options.ask === undefined) {
    const { provenance } = resolveSpec(seeded);
    const missing = [...REQUIRED.filter((r) => provenance[r.field] === undefined).map((m) => m.flag), ...(options.alsoMissing ?? [])];
    if (missing.length > (options.alsoMissing ?? []).length) {
      if (opts["yes"] === true) throw new UsageError(`missing ${missing.join(", ")}; pass them`, "--yes asks no questions; network values take the AKS defaults");
      throw new UsageError(
        `missing ${missing.join(", ")}; pass them or run in a terminal`,
        "without a terminal (or with CI=true / --no-input) aks-net never prompts; network values take the AKS defaults",
      );
    }
    return { layers: seeded, asked: false };
  }

  const command = options.command ?? "create";
  const ask = withHeader(options.ask ?? terminalAsker(io), () =>
    io.stderr.write(
      `${io.style.bold(`aks-net ${command}`)}: a few questions for what flags, -f and --template left out; each answer is checked as you type.\n` +
        `${io.style.dim(command === "create" ? "Nothing is created before you confirm the plan. Ctrl-C stops." : "Only the spec file is written. Ctrl-C stops.")}\n`,
    ),
  );
  const answers = await runWizard(ask, seeded, { subscriptionDefault: defaultSubscription(io.env), ...(options.readVnet ? { readVnet: options.readVnet } : {}) });
  if (Object.keys(answers).length === 0) return { layers: seeded, asked: false };

  const all: SpecLayer[] = [...seeded, { source: "wizard", input: answers }];
  const chosen = chosenInput(resolveSpec(all));
  const out = options.out ?? "aks-net.yaml";
  let line = equivalentCommand(chosen);
  let written: string | undefined;
  const write = await mayWrite(out, opts, io, ask, command);
  if (write !== "keep") written = await writeSpec(out, chosen, io, { replace: write === "replace" });
  // A second pool has no flags (nodePools[] lives in the spec file): the file is the equivalent command.
  if ((chosen.nodePools?.length ?? 0) > 1) line = written !== undefined && written !== "-" ? `aks-net create -f ${shellQuote(written)}` : `${line}    # without the user pool: it has no flags, only nodePools[] in a spec file`;
  io.stderr.write(`\n${written === undefined ? `kept ${out} as it was\n` : written === "-" ? "" : `wrote ${written}\n`}equivalent command:\n  ${line}\n\n`);
  // create reads the subscription from its own option: hand the answer over.
  if (typeof answers.subscription === "string" && opts["subscription"] === undefined) opts["subscription"] = answers.subscription;
  return { layers: all, asked: true, ...(written !== undefined ? { written } : {}), command: line };
}

/** The introduction is printed before the first question or note, so a run with nothing to ask stays silent. */
function withHeader(ask: Asker, header: () => void): Asker {
  let shown = false;
  const first = (): void => {
    if (!shown) header();
    shown = true;
  };
  return {
    select: (q) => (first(), ask.select(q)),
    input: (q) => (first(), ask.input(q)),
    number: (q) => (first(), ask.number(q)),
    confirm: (q) => (first(), ask.confirm(q)),
    note: (text) => (first(), ask.note(text)),
  };
}

/**
 * An existing file (or symlink) other than the `-f` input is only replaced when the user says so: --force, or yes to
 * the question (init: yes by default).
 */
async function mayWrite(out: string, opts: Record<string, unknown>, io: Io, ask: Asker, command: string): Promise<"new" | "replace" | "keep"> {
  if (out === "-") return "new";
  const path = isAbsolute(out) ? out : join(io.cwd, out);
  if (!exists(path)) return "new";
  if (opts["force"] === true) return "replace";
  const input = typeof opts["file"] === "string" && opts["file"] !== "-" ? resolvePath(io.cwd, opts["file"]) : undefined;
  if (input === resolvePath(path)) return "replace"; // the spec just completed: the new file holds all it held
  return (await ask.confirm({ id: "overwrite", message: `${out} exists: replace it with this spec?`, default: command === "init" })) ? "replace" : "keep";
}

/** True for anything at the path, a dangling symlink included. */
export function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Prompting is allowed: a terminal (io.interactive already excludes CI=true), no --no-input and no --yes (which means
 * no questions at all). With `--out -` stdout is the spec, so a terminal on stdin and stderr (where the questions are
 * drawn) is enough.
 */
export function canPrompt(opts: Record<string, unknown>, io: Io, specOnStdout = false): boolean {
  const ci = io.env["CI"];
  const inCi = ci !== undefined && ci !== "" && ci !== "false" && ci !== "0";
  const terminal = io.interactive || (specOnStdout && io.stdin.isTTY === true && io.stderr.isTTY === true);
  return terminal && opts["input"] !== false && opts["yes"] !== true && !inCi;
}

/** `--subscription` is a command option, not a spec flag; carry it as a flag-sourced spec value so it is not asked. */
function withSubscription(layers: SpecLayer[], opts: Record<string, unknown>): SpecLayer[] {
  const sub = opts["subscription"];
  if (typeof sub !== "string") return layers;
  return [...layers, { source: "flag", input: { subscription: sub } }];
}

/** Top-level keys in the order of spec.ts, so the file reads like the docs. */
const KEY_ORDER = [
  "subscription", "location", "resourceGroup", "name", "kubernetesVersion", "vnetSubnetId",
  "networkPlugin", "networkPluginMode", "networkDataplane", "networkPolicy", "podCidr", "serviceCidr", "dnsServiceIP",
  "dockerBridgeCidr", "ipFamilies", "podCidrs", "serviceCidrs", "outboundType", "loadBalancerSku",
  "nodePools", "vnet", "connectedCidrs", "routes", "firewall",
];

/** The spec file text: the chosen values only (AKS API key names), defaults left to AKS. js-yaml loads only here. */
export async function specYaml(input: SpecInput): Promise<string> {
  const yaml = (await import("js-yaml")).default;
  const rank = (k: string): number => (KEY_ORDER.includes(k) ? KEY_ORDER.indexOf(k) : KEY_ORDER.length);
  const ordered = Object.fromEntries(Object.entries(input).sort(([a], [b]) => rank(a) - rank(b)));
  return `# aks-net cluster network spec: check it with \`aks-net validate -f <this file>\`, build it with \`aks-net create -f <this file>\`\n${yaml.dump(ordered, { schema: yaml.CORE_SCHEMA, lineWidth: -1, noRefs: true })}`;
}

/**
 * Writes the spec file (`-` writes to stdout); returns the path written. Without `replace` an existing path (a symlink
 * too, dangling or not) is refused: the exclusive create leaves no window for a file to appear in between. With
 * `replace` the new file is renamed over the old name, so a symlink there is replaced, never written through.
 */
export async function writeSpec(out: string, input: SpecInput, io: Io, opts: { replace?: boolean } = {}): Promise<string> {
  const text = await specYaml(input);
  if (out === "-") {
    io.stdout.write(text);
    return "-";
  }
  const path = isAbsolute(out) ? out : join(io.cwd, out);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    if (opts.replace) {
      await fsp.writeFile(tmp, text, { encoding: "utf8", flag: "wx" });
      await fsp.rename(tmp, path);
    } else await fsp.writeFile(path, text, { encoding: "utf8", flag: "wx" });
  } catch (e) {
    if (opts.replace) await fsp.rm(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EEXIST" && !opts.replace) throw new UsageError(`${out} exists and was not replaced`, "pass --force to replace it, or --out to write another file");
    throw new UsageError(`cannot write spec file '${out}': ${code ?? (e as Error).message}`);
  }
  return out;
}

/** The `aks-net create` line that reproduces the spec without a single question. */
export function equivalentCommand(input: SpecInput): string {
  const argv = [...(input.subscription ? ["--subscription", input.subscription] : []), ...toFlags(input)];
  return ["aks-net", "create", ...argv].map(shellQuote).join(" ");
}

/** Quotes an argument for POSIX shells only when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_\-.,/:=@+%]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
