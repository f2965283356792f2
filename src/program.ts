/**
 * Registers every command and flag; each action lazy-imports its command module so that light commands
 * (validate, templates, schema, --help) never load the Azure SDK.
 */
import { Argument, Command, CommanderError, Option } from "commander";
import { UsageError } from "./core/errors.ts";
import type { Io } from "./io/io.ts";
import { addSpecOptions } from "./commands/options.ts";
import { CLOUDS, cloudByName } from "./providers/clouds.ts";

/** Options every command's action receives, after commander parsing. */
export type CommandOptions = Record<string, unknown>;

const outputOption = (): Option => new Option("-o, --output <format>", "output format").choices(["human", "json"]).default("human");
const armEndpointOption = (): Option =>
  new Option("--arm-endpoint <url>", "another ARM endpoint (Azure Stack, tests); its token audience is read from its metadata; also AKS_NET_ARM_ENDPOINT");
// Checked at parse time (clouds.ts is pure), so a typo is a usage error even where no Azure call follows.
const cloudOption = (): Option =>
  new Option("--cloud <name>", `Azure cloud, as az names it: ${CLOUDS.map((c) => c.name).join(", ")} (default AzureCloud); also AKS_NET_CLOUD`)
    .argParser((v: string) => cloudByName(v).name);

const formatOption = (help: string): Option => new Option("--format <format>", help).choices(["arm", "bicep", "terraform", "az"]);

/**
 * Ends a command's --help with examples. Those marked `# needs az login` talk to Azure; the others run offline from
 * the repository root (test/e2e/help.test.ts runs them).
 */
const examples = (cmd: Command, lines: string[]): Command => cmd.addHelpText("after", `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`);

/** The commands, in the order --help lists them. */
export const COMMANDS = ["validate", "create", "export", "init", "delete", "manifest", "templates", "schema", "completion"] as const;

/**
 * The command a run names first (`aks-net validate ...`), when it is one whose program can be built alone: commander
 * then dispatches to it whatever follows, so the other commands (and their ~45 options each) need not be built.
 * `completion` lists every command; anything else (a flag first, `help`, a typo) gets the whole program.
 */
export function onlyCommand(argv: readonly string[]): string | undefined {
  const word = argv[2];
  return word !== "completion" && (COMMANDS as readonly string[]).includes(word ?? "") ? word : undefined;
}

/**
 * Builds the commander program for the command line `argv` (omitted: the whole program); `setExit` receives the
 * command's exit code. When argv names its command first, the program holds that command alone (see onlyCommand).
 */
export function createProgram(io: Io, setExit: (code: number) => void, version: string, argv?: readonly string[]): Command {
  const only = argv === undefined ? undefined : onlyCommand(argv);
  const want = (name: (typeof COMMANDS)[number]): boolean => only === undefined || only === name;
  const program = new Command("aks-net")
    .description("Plan, validate and provision AKS networking topologies")
    .version(version, "-V, --version")
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: () => undefined, // main.ts prints usage errors once, in the house style
    })
    .exitOverride();

  // The ~45 spec flags are added only to the subcommand being run (help included): building them for
  // every command cost each start-up a few milliseconds for nothing.
  // When the run names its command first, only the spec flags its words name (see addSpecOptions); help and
  // completion add the rest.
  const specOptions = new Map<Command, { withTargets: boolean }>();
  const ensureSpecOptions = (cmd: Command, args?: readonly string[]): void => {
    const opts = specOptions.get(cmd);
    if (opts) addSpecOptions(cmd, opts, args);
    if (args === undefined) specOptions.delete(cmd);
  };
  const withSpecOptions = (cmd: Command, opts: { withTargets: boolean }): Command => {
    specOptions.set(cmd, opts);
    // `aks-net help create` renders the help without dispatching to the subcommand.
    const helpInformation = cmd.helpInformation.bind(cmd);
    cmd.helpInformation = (context) => {
      ensureSpecOptions(cmd);
      return helpInformation(context);
    };
    return cmd;
  };
  const args = only !== undefined ? argv?.slice(3) : undefined;
  program.hook("preSubcommand", (_program, sub) => ensureSpecOptions(sub, sub.name() === only ? args : undefined));

  const run = (load: () => Promise<{ run: (opts: CommandOptions, io: Io) => Promise<number> }>) =>
    async function (this: Command): Promise<void> {
      const mod = await load();
      setExit(await mod.run(this.opts(), io));
    };

  if (want("validate")) {
    withSpecOptions(
      program
        .command("validate")
        .description("check a planned cluster network against every AKS rule (offline; --live reads Azure)")
        .addOption(new Option("-o, --output <format>", "output format: human, json, sarif (SARIF 2.1.0), github (workflow annotations)").choices(["human", "json", "sarif", "github"]).default("human"))
        .option("--from <file>", "validate what another tool will deploy: a Terraform plan as JSON (terraform show -json), an ARM template or Bicep's compiled JSON (- reads stdin)")
        .addOption(new Option("--from-kind <kind>", "the kind of --from, when not detected from its content").choices(["terraform", "arm", "bicep"]))
        .option("--param <name=value|@file>", "ARM/Bicep template parameter, or @FILE a parameters file (JSON or .bicepparam; repeatable)", (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
        .option("--from-cluster", "validate a running cluster (read-only, with -g and -n): its network profile and pools, its subnets, route table and peerings as --live reads them")
        .option("--from-resource <address>", "the cluster to validate when --from declares several (Terraform address, template resource name)")
        .option("--live", "also read the target VNet, peerings, route tables, permissions and quota from Azure (read-only)")
        .option("--subscription <id>", "subscription (else AZURE_SUBSCRIPTION_ID, else the Azure CLI default)")
        .option("-g, --resource-group <name>", "resource group of the cluster (for --live)")
        .option("-n, --name <name>", "cluster name (for --live)")
        .option("-l, --location <region>", "region (for --live quota)")
        .option("--vnet-name <name>", "VNet to read (for --live)")
        .option("--verbose", "print extra detail (with --live: the ARM request count)")
        .addOption(cloudOption())
        .addOption(armEndpointOption()),
      { withTargets: false },
    ).action(run(() => import("./commands/validate.ts")));
    examples(program.commands.at(-1) as Command, [
      "aks-net validate -f examples/overlay-cilium.yaml",
      "aks-net validate --template firewall-egress --vnet-cidr 10.80.0.0/16 --subnet-cidr 10.80.4.0/22 --firewall-subnet-cidr 10.80.1.0/26",
      "aks-net validate -f examples/hub-spoke.yaml --pod-cidr 100.66.0.0/16 -o json",
      "aks-net validate --live -f aks-net.yaml -g rg-demo --verbose   # needs az login (read-only)",
    ]);
  }

  if (want("create")) {
    withSpecOptions(
      program
        .command("create")
        .description("validate, plan and build the network and the cluster (resumable; a re-run changes nothing)")
        .addOption(outputOption())
        .option("--subscription <id>", "subscription (else AZURE_SUBSCRIPTION_ID, else the Azure CLI default)")
        .option("-y, --yes", "do not ask for confirmation")
        .option("--no-input", "never prompt; missing values are an error")
        .option("--dry-run", "print the plan and stop")
        .option("--offline", "with --dry-run: plan without calling Azure, as if nothing existed")
        .option("--detailed-exitcode", "with --dry-run: exit 0 when nothing would change, 2 when something would, 1 on an error (as terraform plan; findings stay 3)")
        .addOption(formatOption("with --dry-run: print the plan as an ARM template, Bicep, Terraform (azapi) or an az script instead (offline, as `aks-net export`)"))
        .option("--verbose", "print extra detail")
        .addOption(cloudOption())
        .option("--windows-admin-password-file <path>", "Windows pools: file holding the admin password, else generated into it with mode 0600 (default <name>.windows-admin-password; AKS_NET_WINDOWS_ADMIN_PASSWORD wins)")
        // az's --windows-admin-password takes the secret on the command line: accepted only to refuse it with the alternatives.
        .addOption(new Option("--windows-admin-password <password>").hideHelp())
        .addOption(armEndpointOption()),
      { withTargets: true },
    ).action(run(() => import("./commands/create.ts")));
    examples(program.commands.at(-1) as Command, [
      "aks-net create -n demo -g rg-demo -l westeurope --dry-run --offline",
      "aks-net create -n demo -g rg-demo -l westeurope --template overlay-cilium --dry-run --offline -o json",
      "aks-net create -n demo -g rg-demo -l westeurope --template overlay-cilium   # needs az login; asks first",
      "aks-net create -n shop -g rg-shop -l westeurope --vnet-cidr 10.42.0.0/16 --subnet-cidr 10.42.0.0/22 --firewall --firewall-subnet-cidr 10.42.8.0/26 --yes   # needs az login",
      "aks-net create -f aks-net.yaml --yes -o json > result.json   # needs az login; CI",
    ]);
  }

  if (want("export")) {
    withSpecOptions(
      program
        .command("export")
        .description("write the plan of `create --dry-run --offline` as an ARM template, Bicep, Terraform or an az script (offline)")
        .addOption(formatOption("arm (deployment template), bicep, terraform (azapi) or az (a bash script of az calls)").makeOptionMandatory())
        .option("--subscription <id>", "subscription the ids name (else AZURE_SUBSCRIPTION_ID, else all zeros)")
        .option("--no-input", "never prompt; missing values are an error"),
      { withTargets: true },
    ).action(run(() => import("./commands/export.ts")));
    examples(program.commands.at(-1) as Command, [
      "aks-net export --format arm -n demo -g rg-demo -l westeurope -f examples/overlay-cilium.yaml > azuredeploy.json",
      "aks-net export --format bicep -n demo -g rg-demo -l westeurope --template overlay-cilium > main.bicep",
      "aks-net export --format terraform -n demo -g rg-demo -l westeurope -f examples/hub-spoke.yaml > main.tf",
      "aks-net export --format az -n demo -g rg-demo -l westeurope --firewall --vnet-cidr 10.42.0.0/16 --subnet-cidr 10.42.0.0/22 --firewall-subnet-cidr 10.42.8.0/26 > create.sh",
    ]);
  }

  if (want("init")) {
    withSpecOptions(
      program
        .command("init")
        .description("ask for a cluster network interactively and write aks-net.yaml (creates nothing)")
        .option("--out <path>", "spec file to write (- writes it to stdout)", "aks-net.yaml")
        .option("--force", "replace the --out file if it exists")
        .option("--subscription <id>", "subscription recorded in the spec (else asked; default AZURE_SUBSCRIPTION_ID, else the Azure CLI default)")
        .option("--no-input", "never prompt; missing values are an error"),
      { withTargets: true },
    ).action(run(() => import("./commands/init.ts")));
    examples(program.commands.at(-1) as Command, [
      "aks-net init   # asks everything on a terminal, writes aks-net.yaml",
      "aks-net init --no-input -n demo -g rg-demo -l westeurope --network-plugin kubenet --out -",
    ]);
  }

  if (want("delete")) {
    program
      .command("delete")
      .description("delete what aks-net created for a cluster, in reverse order, and nothing else")
      .option("-g, --resource-group <name>", "resource group of the cluster")
      .option("-n, --name <name>", "cluster name")
      .option("-f, --file <path>", "spec file naming the cluster (- reads stdin)")
      .option("--subscription <id>", "subscription (else AZURE_SUBSCRIPTION_ID, else the Azure CLI default)")
      .option("-y, --yes", "do not ask for confirmation")
      .option("--no-input", "never prompt")
      .option("--dry-run", "list what would be deleted and kept, and stop")
      .addOption(outputOption())
      .addOption(cloudOption())
        .addOption(armEndpointOption())
      .action(run(() => import("./commands/delete.ts")));
    examples(program.commands.at(-1) as Command, [
      "aks-net delete -n demo -g rg-demo --dry-run   # needs az login; GETs only, prints what it deletes and keeps",
      "aks-net delete -n demo -g rg-demo   # needs az login; asks first",
      "aks-net delete -f aks-net.yaml --yes -o json   # needs az login; CI",
    ]);
  }

  if (want("manifest")) {
    const manifest = program.command("manifest").description("print the Kubernetes side of what aks-net plans");
    manifest.hook("preSubcommand", (_m, sub) => ensureSpecOptions(sub));
    withSpecOptions(
      manifest
        .command("service")
        .description("the internal LoadBalancer Service(s) for the spec's fixed ILB IPs (annotations, subnet, IP, exposed ports)")
        .option("--service-name <name>", "Service name (default internal-app; numbered with several IPs)")
        .option("--namespace <name>", "namespace (default default)")
        .option("--selector <app>", "pods selected by app=<value> (default: the Service name)")
        .option("--out <path>", "write the manifest to this file instead of stdout"),
      { withTargets: false },
    ).action(run(() => import("./commands/manifest.ts")));
    examples(manifest, ["aks-net manifest service -f examples/firewall-expose.yaml"]);
    examples(manifest.commands.at(-1) as Command, [
      "aks-net manifest service -f examples/firewall-expose.yaml",
      "aks-net manifest service -f examples/firewall-expose.yaml --service-name web --namespace shop",
    ]);
  }

  if (want("templates")) {
    program
      .command("templates")
      .description("list the named presets for --template")
      .addOption(outputOption())
      .action(run(() => import("./commands/templates.ts")));
    examples(program.commands.at(-1) as Command, ["aks-net templates", "aks-net templates -o json"]);
  }

  if (want("schema")) {
    program
      .command("schema")
      .description("print the JSON Schema of the spec file (for editor completion)")
      .action(run(() => import("./commands/schema.ts")));
    examples(program.commands.at(-1) as Command, ["aks-net schema > aks-net.schema.json"]);
  }

  if (want("completion")) {
    const completion = program
      .command("completion")
      .description("print a shell completion script for bash, zsh or fish")
      .addArgument(new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]))
      .action(async (shell: string) => {
        // Completion lists every flag, so the lazily added spec flags are added to every command first.
        for (const cmd of program.commands) ensureSpecOptions(cmd);
        const mod = await import("./commands/completion.ts");
        setExit(mod.run(shell, program, io));
      });
    examples(completion, [
      "source <(aks-net completion bash)   # this shell; for every one: aks-net completion bash > ~/.local/share/bash-completion/completions/aks-net",
      'aks-net completion zsh > "${fpath[1]}/_aks-net"',
      "aks-net completion fish > ~/.config/fish/completions/aks-net.fish",
    ]);
  }

  if (only === undefined)
    examples(program, [
      "aks-net validate -f examples/overlay-cilium.yaml",
      "aks-net create -n demo -g rg-demo -l westeurope --dry-run --offline",
      "aks-net <command> --help",
    ]);

  return program;
}

/** Maps commander's own errors: help/version exit 0, everything else is a usage error. */
export function fromCommanderError(e: CommanderError): UsageError | number {
  if (e.code === "commander.helpDisplayed" || e.code === "commander.version" || e.code === "commander.help") return 0;
  const msg = e.message.replace(/^error: /, "").replace(/\s*\n\s*/g, " "); // one line: commander puts "(Did you mean ...?)" on its own
  return new UsageError(msg, "see `aks-net --help` or `aks-net <command> --help`");
}

export { CommanderError };
