/**
 * `aks-net create`: complete the input, validate (exit 3 before any Azure call), read what exists, plan the
 * difference, confirm, then run the plan with the executor. A re-run of the same command converges: finished steps
 * are unchanged, running operations are waited for, nothing is PUT twice.
 * `--dry-run --offline` plans as if nothing existed and never loads the Azure SDK.
 */
import { checkWrites, findObserved, isTransitional, provisioningState, typeFromId } from "../core/apply.ts";
import type { ApplyOptions, ApplyResult, ArmPort, Body, StepResult } from "../core/apply.ts";
import { computeCapacity } from "../core/capacity.ts";
import type { Capacity } from "../core/capacity.ts";
import { AksNetError, AzureError, CancelledError, EXIT, UsageError, ValidationFailedError } from "../core/errors.ts";
import { TYPES, nameOf } from "../core/arm-bodies.ts";
import { adoptedChanges, createdIds, expandChildren, idsWrittenBy, parentId, provenMade, recordOwnership, withoutFromManifest } from "../core/ownership.ts";
import type { ClusterKey } from "../core/ownership.ts";
import { confirmWritten, emptyJournal, parseJournal, startCreating } from "../core/journal.ts";
import type { Journal } from "../core/journal.ts";
import { clusterId } from "../core/teardown.ts";
import { journalPath, readJournalFile, removeJournalFile, writeJournalFile } from "../io/journal-file.ts";
import { EXPORT_FORMATS, offlinePlan } from "../core/export/view.ts";
import type { ExportFormat } from "../core/export/view.ts";
import { diffPlan, planResources, planToJson, refTargets } from "../core/plan.ts";
import type { DesiredResource, ObservedState, Plan } from "../core/plan.ts";
import { resolveSpec } from "../core/resolve.ts";
import type { ResolvedSpec } from "../core/resolve.ts";
import type { ClusterSpec, SpecInput } from "../core/spec.ts";
import type { Io } from "../io/io.ts";
import { stdoutStyle } from "../io/io.ts";
import { terminalAsker } from "../io/prompts.ts";
import { emptyResult, exitCodeOf, renderResult, statusOf } from "../io/create-result.ts";
import type { CreateResultJson, CreateStatus } from "../io/create-result.ts";
import { toGithubAnnotations } from "../io/ci-output.ts";
import { renderPlan } from "../io/render-plan.ts";
import { buildReport, capacityLine, renderFindings } from "../io/validation-report.ts";
import type { CommandOptions } from "../program.ts";
import { validateSpec } from "../validators/index.ts";
import { completeInput } from "./input/interactive.ts";
import { layersFromOptions } from "./options.ts";
import { interrupted, runPlan } from "./run-plan.ts";
import { passwordOnCommandLine, planSecrets } from "./windows-password.ts";

/** Placeholder subscription for `--dry-run --offline` without --subscription or AZURE_SUBSCRIPTION_ID. */
const OFFLINE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
const MANAGED_CLUSTER = "microsoft.containerservice/managedclusters";

/** What the run has established so far: with `-o json`, the document for an early end is built from it. */
interface RunState {
  dryRun: boolean;
  /** `--detailed-exitcode`: a dry run with changes exits 2, so a usage error exits 1. */
  detailed: boolean;
  plan?: Plan;
  findings?: CreateResultJson["findings"];
  /** True once the one JSON document is on stdout. */
  documented: boolean;
  /** True once the findings went out as GitHub annotations. */
  annotated?: boolean;
}

export async function run(opts: CommandOptions, io: Io): Promise<number> {
  const json = opts["output"] === "json";
  const state: RunState = { dryRun: opts["dryRun"] === true, detailed: opts["detailedExitcode"] === true, documented: false };
  try {
    return await create(opts, io, json, state);
  } catch (e) {
    // Whatever ended the run, -o json still gets its one document (the human error is printed by main.ts).
    if (json && !state.documented) io.stdout.write(renderResult(endedEarly(state, e)));
    // With --detailed-exitcode a usage error exits 1 (2 means "changes"): the same code the document states.
    const exit = exitCodeOf(e, state.detailed);
    if (e instanceof AksNetError && exit !== e.exitCode) throw new AksNetError(e.message, exit, e.hint);
    throw e;
  }
}

async function create(opts: CommandOptions, io: Io, json: boolean, state: RunState): Promise<number> {
  const dryRun = state.dryRun;
  const format = exportFormat(opts["format"]);
  if (format !== undefined && !dryRun) throw new UsageError("--format prints the plan for another engine and only works with --dry-run", "add --dry-run (or run `aks-net export --format " + format + "`)");
  if (format !== undefined && json) throw new UsageError("--format and -o json both choose what stdout carries", "drop one of them");
  // An export is the offline plan: as if nothing existed, whatever Azure has (the engine it goes to reads Azure itself).
  const offline = opts["offline"] === true || format !== undefined;
  if (offline && !dryRun) throw new UsageError("--offline only works with --dry-run", "add --dry-run, or drop --offline to create for real");
  if (opts["detailedExitcode"] === true && !dryRun) throw new UsageError("--detailed-exitcode only works with --dry-run", "add --dry-run: it then exits 0 when nothing would change and 2 when something would");
  if (opts["windowsAdminPassword"] !== undefined) throw passwordOnCommandLine();

  // Unattended runs must say --yes up front: fail in a second, not after reading Azure; named with any other missing flag.
  const needsYes = !dryRun && opts["yes"] !== true && (!io.interactive || opts["input"] === false);
  // The wizard reads an existing VNet the user names through the same live reader as below (not with --offline).
  const readVnet = async (r: ResolvedSpec): Promise<SpecInput> => {
    const { readLiveFacts } = await import("../providers/live.ts");
    return (await readLiveFacts(r.spec, opts, io, r.provenance)).facts;
  };
  const layers = await completeInput(await layersFromOptions(opts, io), opts, io, { ...(needsYes ? { alsoMissing: ["--yes"] } : {}), ...(offline ? {} : { readVnet }) });
  if (needsYes) throw noTerminalToConfirm();
  let resolved = resolveSpec(layers);
  requireTargets(resolved.spec);
  let capacity = check(resolved, io, state);

  if (offline) {
    const subscriptionId = str(opts["subscription"]) ?? str(resolved.spec.subscription) ?? io.env["AZURE_SUBSCRIPTION_ID"] ?? OFFLINE_SUBSCRIPTION;
    const plan = offlinePlan(resolved.spec, subscriptionId);
    if (format !== undefined) {
      const { renderExport } = await import("../core/export/index.ts");
      const spec = resolved.spec;
      // A VNet with other subnets (the spec names them) exists: a PUT of it would drop them, so it is not written.
      const vnet = (spec.vnet.existingSubnets ?? []).length > 0 ? plan.operations.find((o) => o.type === TYPES.vnet) : undefined;
      if (vnet) io.stderr.write(`note: the spec names other subnets of VNet ${nameOf(vnet.resourceId)} (vnet.existingSubnets), so it exists: the export does not write the VNet (that would remove them) and adds its subnets one by one\n`);
      io.stdout.write(renderExport(format, plan, { subscriptionId, resourceGroup: spec.resourceGroup as string, location: spec.location as string, name: spec.name as string }, vnet ? [vnet.resourceId] : []));
      return EXIT.ok;
    }
    writePlan(plan, capacity, io, json, true, state);
    return dryRunExit(plan, state);
  }

  // Everything below talks to Azure: the SDK is loaded only now. The subscription: --subscription, else the spec's
  // (a file the wizard wrote records it), else the environment's.
  const { armTargetNote, connectArm } = await import("../providers/arm-port.ts");
  const { explainAzureError } = await import("../providers/explain.ts");
  const { ctx, port, pollIntervalMs, maxParallel } = await connectArm({ subscription: str(opts["subscription"]) ?? str(resolved.spec.subscription), armEndpoint: str(opts["armEndpoint"]), cloud: str(opts["cloud"]), env: io.env, signal: io.signal });
  io.stderr.write(`subscription ${ctx.subscriptionId}, location ${resolved.spec.location}${armTargetNote(ctx)}\n`);

  try {
    // The live check's GETs (resource group, VNet, route table) and the read-ahead are kept for the plan's state read:
    // each resource is read once.
    ctx.rest.remember(true);
    let desired: DesiredResource[];
    let observed: ObservedState;
    let reading = true;
    try {
      // The same read-only facts `validate --live` adds (the existing VNet, its subnets, routes, peerings, rights,
      // quota), read with the run's own Azure context. Its GETs go out first: the read-ahead's queue behind all that
      // it sends before its first answer (the plan waits on the live facts, the read-ahead only saves a round trip).
      const { readLiveFacts } = await import("../providers/live.ts");
      const live = readLiveFacts(resolved.spec, opts, io, resolved.provenance, ctx);
      const spec = resolved.spec;
      setImmediate(() => reading && readAhead(spec, ctx.subscriptionId, port, io.signal));
      resolved = resolveSpec([...layers, { source: "live", input: (await live).facts }]);
      capacity = check(resolved, io, state);
      desired = planResources(resolved.spec, { subscriptionId: ctx.subscriptionId });
      observed = await readState(desired, port, io.signal);
    } finally {
      reading = false;
      ctx.rest.remember(false);
    }
    const cluster = { subscriptionId: ctx.subscriptionId, resourceGroup: resolved.spec.resourceGroup as string, name: resolved.spec.name as string };
    const journal = await openJournal(io, cluster);
    // What this cluster's create makes is recorded in the cluster's tags; changes delete could not undo are refused.
    const plan = recordOwnership(withEarlierRuns(diffPlan(desired, observed), observed), observed, cluster, journal.before);
    state.plan = plan;
    if (dryRun && plan.refusals.length === 0) {
      // The real run's check before its first write (every body through the SDK, nothing sent): the same decision.
      try {
        await checkWrites(plan, port, observed);
      } catch (e) {
        writePlan(plan, capacity, io, false, !json, state); // the document comes with the error, as for a refusal
        throw e;
      }
    }
    if (plan.refusals.length === 0) writePlan(plan, capacity, io, json, dryRun, state);
    else writePlan(plan, capacity, io, false, dryRun && !json, state); // the refusal's document comes with its error
    if (plan.refusals.length > 0) {
      throw new AzureError(`the plan needs ${plan.refusals.length} change${plan.refusals.length === 1 ? "" : "s"} Azure cannot make in place; nothing was changed`, {
        hint: plan.refusals.map((r) => `${r.resourceId}: ${r.reason}`).join("\n  "),
      });
    }
    if (dryRun) return dryRunExit(plan, state);

    const running = plan.operations.filter((o) => isTransitional(findObserved(observed, o.resourceId)));
    if (running.length > 0) io.stderr.write(`${running.length} operation${running.length === 1 ? "" : "s"} started by an earlier run still running in Azure: waiting for ${running.length === 1 ? "it" : "them"}, not starting ${running.length === 1 ? "it" : "them"} again\n`);
    const pending = plan.operations.filter((o) => o.action !== "unchanged").length + running.length;
    if (pending === 0) {
      io.stderr.write("nothing to do: everything exists as planned\n");
      writeResult(io, json, plan, { steps: [], bodies: new Map() }, observed, "succeeded", state);
      if (opts["verbose"]) io.stderr.write(`ARM requests: ${ctx.counter.total} (${ctx.counter.writes} writes)\n`);
      return EXIT.ok;
    }
    await confirm(opts, io, pending);

    const secrets = planSecrets(plan, resolved.spec.name ?? "", opts, io);
    // Before the first write: the children this run makes, so a delete after a stop before the cluster step finds them.
    const steps = await journal.start(plan, observed);
    const outcome = await runPlan(plan, { port, pollIntervalMs, maxParallel, secrets }, io, observed, asCancelled, undefined, steps);
    if (!outcome.ok) {
      const status = outcome.error instanceof CancelledError ? "interrupted" : "failed";
      writeResult(io, json, plan, { steps: outcome.steps, bodies: new Map() }, observed, status, state, outcome.error);
      throw outcome.error;
    }
    // The cluster's record now holds everything this run and the interrupted ones made.
    await journal.remove();
    writeResult(io, json, plan, outcome.result, observed, "succeeded", state);
    if (opts["verbose"]) io.stderr.write(`ARM requests: ${ctx.counter.total} (${ctx.counter.writes} writes)\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof AksNetError) throw e;
    if (io.signal.aborted) throw asCancelled(e);
    throw explainAzureError(e);
  }
}

/**
 * The cluster's journal (core/journal.ts) as create keeps it: read before planning (an interrupted earlier create's
 * children count when a fresh read matches), written before the first write with the children this run makes, each
 * completed with its fingerprint after aks-net's own write, removed once the run succeeds. A journal that cannot be
 * written is a warning: the run goes on (delete then keeps those children, named, and `-f` recovers them).
 */
async function openJournal(io: Io, cluster: ClusterKey): Promise<{ before: Journal | undefined; start(plan: Plan, observed: ObservedState): Promise<Pick<ApplyOptions, "afterStep" | "adjust">>; remove(): Promise<void> }> {
  const file = journalPath(io.env, cluster);
  const text = await readJournalFile(file);
  const before = text === undefined ? undefined : parseJournal(text, clusterId(cluster));
  let current = before ?? emptyJournal(clusterId(cluster));
  let warned = false;
  let saving = Promise.resolve();
  const save = (): Promise<void> => {
    saving = saving.then(() => writeJournalFile(file, `${JSON.stringify({ ...current, decided: new Date().toISOString() }, null, 2)}\n`)).catch((e: unknown) => {
      if (!warned) io.stderr.write(`warning: could not write the cluster's journal ${file} (${(e as Error).message}): if this create stops before its cluster step, delete keeps the subnets it made in your VNet (named: remove them yourself)\n`);
      warned = true;
    });
    return saving;
  };
  return {
    before,
    async start(plan, observed) {
      // Children of a parent this run creates are signed in that parent's own tags: only the others need the journal.
      const created = createdIds(plan, observed);
      const made = new Set(created.map((id) => id.toLowerCase()));
      const children = created.filter((id) => parentId(id) !== undefined && !made.has((parentId(id) as string).toLowerCase()));
      const changes = adoptedChanges(plan, observed);
      const journaling = children.length > 0 || before !== undefined || Object.keys(changes.associated).length + Object.keys(changes.dns).length > 0;
      if (journaling) {
        current = startCreating(current, children, changes);
        await save();
      }
      const latest = new Map<string, Body>();
      for (const [id, body] of observed) for (const [k, v] of expandChildren(id, body)) latest.set(k.toLowerCase(), v);
      // What a planned create found made by someone else (412, then adopted) leaves the cluster's record.
      const adopted = new Set<string>();
      return {
        adjust: (op) => withoutFromManifest(op, adopted, cluster),
        afterStep: async (op, action, body) => {
          if (body !== undefined) for (const [k, v] of expandChildren(op.resourceId, body)) latest.set(k.toLowerCase(), v);
          if (op.action === "create" && action !== "create") {
            // Another run for this cluster made it (its proof says so), or someone else did: only the latter leaves.
            const proven = provenMade({ cluster, observed: new Map([...latest].map(([k, v]) => [String(v["id"] ?? k), v])) });
            for (const id of idsWrittenBy({ ...op, body: op.desired ?? op.body })) if (!proven.has(id.toLowerCase())) adopted.add(id.toLowerCase());
          }
          if (!journaling) return;
          const written = body !== undefined && (action === "create" || action === "update") ? expandChildren(op.resourceId, body) : [];
          const confirmed = confirmWritten(current, written, parentId, (id) => latest.get(id.toLowerCase()));
          const next = { ...confirmed, creating: (confirmed.creating ?? []).filter((c) => !adopted.has(c.toLowerCase())) };
          if (JSON.stringify(next) === JSON.stringify(current)) return;
          current = next;
          await save();
        },
      };
    },
    async remove() {
      await saving;
      await removeJournalFile(file).catch(() => undefined);
    },
  };
}

/**
 * `--detailed-exitcode` (as `terraform plan`): 0 nothing would change, 2 something would. Errors keep their own codes
 * except usage (2), which main.ts turns into 1 so that 2 only ever means "changes".
 */
const DETAILED_CHANGES = 2;
function dryRunExit(plan: Plan, state: RunState): number {
  if (!state.detailed) return EXIT.ok;
  return plan.operations.some((o) => o.action !== "unchanged") ? DETAILED_CHANGES : EXIT.ok;
}

/** A resource an earlier run left Failed is written again (a re-PUT is how ARM retries), even when its body matches. */
function withEarlierRuns(plan: Plan, observed: ObservedState): Plan {
  return {
    ...plan,
    operations: plan.operations.map((o) =>
      o.action === "unchanged" && provisioningState(findObserved(observed, o.resourceId))?.toLowerCase() === "failed"
        ? { ...o, action: "update" as const, reason: "an earlier operation on it failed: it is written again" }
        : o,
    ),
  };
}

/** -n, -g and -l name the cluster in Azure; validate does not need them, create does. */
function requireTargets(spec: ClusterSpec): void {
  const missing = [
    ["--name", spec.name],
    ["--resource-group", spec.resourceGroup],
    ["--location", spec.location],
  ].filter(([, v]) => v === undefined || v === "").map(([f]) => f);
  if (missing.length > 0) throw new UsageError(`create needs ${missing.join(", ")}`, "pass them as flags or in the spec file (-f)");
}

/** Validation errors stop here, before any Azure call, with the same findings `validate` prints. */
function check(resolved: ResolvedSpec, io: Io, state: RunState): Capacity {
  const findings = validateSpec(resolved.spec, resolved.provenance);
  const report = buildReport(resolved, findings, computeCapacity(resolved.spec));
  state.findings = { errors: report.errors, warnings: report.warnings, info: report.info };
  // On a GitHub runner the findings are annotations too (once: the check runs again after the live reads).
  if (io.env["GITHUB_ACTIONS"] === "true" && !state.annotated) {
    io.stderr.write(toGithubAnnotations([...report.errors, ...report.warnings]));
    state.annotated = true;
  }
  if (report.valid) {
    if (report.warnings.length > 0) io.stderr.write(renderFindings({ errors: [], warnings: report.warnings, info: [] }, io.style));
    return report.capacity;
  }
  io.stderr.write(renderFindings(report, io.style));
  throw new ValidationFailedError(findings);
}

/**
 * Starts reading the resources of the plan made without the live facts, while the live check runs: the final plan
 * names most of the same resources, so its state read mostly waits on reads already under way (one round trip less).
 */
function readAhead(spec: ClusterSpec, subscriptionId: string, port: ArmPort, signal: AbortSignal): void {
  let early: DesiredResource[];
  try {
    early = planResources(spec, { subscriptionId });
  } catch {
    return; // a plan that needs the live facts: the state read reads after them
  }
  readState(early, port, signal).catch(() => undefined); // a failed read is the answer of the state read that takes it
}

/** GETs every desired resource in parallel; 404 = absent. */
async function readState(desired: readonly DesiredResource[], port: ArmPort, signal: AbortSignal): Promise<ObservedState> {
  // Resources the bodies refer to but the plan does not make (a brought identity): read too, so a re-run compares the
  // values they hold (a principal id) instead of waiting for them.
  const planned = new Set(desired.map((r) => r.resourceId.toLowerCase()));
  const outside = [...new Set(desired.flatMap((r) => refTargets(r.body)).filter((id) => !planned.has(id.toLowerCase())))];
  const reads = [...desired, ...outside.map((id) => ({ resourceId: id, type: typeFromId(id), apiVersion: "", label: id }))];
  const bodies = await Promise.all(reads.map((r) => port.get(r, signal)));
  const state = new Map<string, Body>();
  reads.forEach((r, i) => {
    const b = bodies[i];
    if (b) state.set(r.resourceId, b);
  });
  return state;
}

function writePlan(plan: Plan, capacity: Capacity, io: Io, json: boolean, dryRun: boolean, state: RunState): void {
  if (json) {
    if (dryRun) {
      io.stdout.write(renderResult({ ...emptyResult("planned", undefined, state.findings, state.detailed, dryRunExit(plan, state)), ...planToJson(plan), refusals: plan.refusals.map(refusalJson) }));
      state.documented = true;
    } else io.stderr.write(renderPlan(plan, io.style));
    return;
  }
  // A dry run's plan is its result (stdout); before a real run it is a preview (stderr, like progress).
  if (dryRun) io.stdout.write(`${renderPlan(plan, stdoutStyle(io))}${capacityLine(capacity, stdoutStyle(io))}`);
  else io.stderr.write(`plan:\n${renderPlan(plan, io.style)}${capacityLine(capacity, io.style)}`);
}

/** Mutating needs a yes: --yes, or an answer on a terminal. Unattended runs without --yes are refused (exit 2). */
async function confirm(opts: CommandOptions, io: Io, pending: number): Promise<void> {
  if (opts["yes"] === true) return;
  if (!io.interactive || opts["input"] === false) throw noTerminalToConfirm();
  const ok = await terminalAsker(io).confirm({ id: "confirm", message: `Apply ${pending} change${pending === 1 ? "" : "s"} to Azure?`, default: false });
  if (!ok) throw new CancelledError("nothing was changed", "re-run with --yes to skip the question");
}

function noTerminalToConfirm(): UsageError {
  return new UsageError("create changes Azure resources and needs confirmation, but there is no terminal to ask on", "pass --yes to run unattended (CI), or --dry-run to see the plan");
}

function asCancelled(e: unknown): CancelledError {
  return interrupted(e, "interrupted; operations Azure already accepted keep running there", "re-run the same command to resume: finished steps are not repeated and running operations are waited for");
}

/** The document for a run that ended before its steps ran: a usage error, invalid spec, refusal, failed read. */
function endedEarly(state: RunState, e: unknown): CreateResultJson {
  const status = state.plan && state.plan.refusals.length > 0 ? "refused" : statusOf(e);
  const doc = emptyResult(status, e, state.findings ?? null, state.detailed);
  if (!state.plan) return doc;
  const operations = state.dryRun ? planToJson(state.plan).operations : stepsJson(state.plan, { steps: [], bodies: new Map() }, status);
  return { ...doc, operations, refusals: state.plan.refusals.map(refusalJson) };
}

function refusalJson(r: Plan["refusals"][number]): { resourceId: string; reason: string } {
  return { resourceId: r.resourceId, reason: r.reason };
}

/** Each planned step with what became of it. */
function stepsJson(plan: Plan, result: ApplyResult, status: CreateStatus): { action: string; status: string; type: string; resourceId: string; label: string; seconds: number }[] {
  const byId = new Map<string, StepResult>(result.steps.map((s) => [s.op.resourceId.toLowerCase(), s]));
  return plan.operations.map((o) => {
    const s = byId.get(o.resourceId.toLowerCase());
    const done = status === "succeeded" && (s === undefined || s.status === "done");
    return {
      action: s?.action ?? o.action,
      status: s?.status ?? (done ? "done" : "not started"),
      type: o.type,
      resourceId: o.resourceId,
      label: o.label,
      seconds: s ? Math.round(s.ms / 100) / 10 : 0,
    };
  });
}

/** The run's outcome: a human summary, or with --output json the one JSON document on stdout. */
function writeResult(io: Io, json: boolean, plan: Plan, result: ApplyResult, observed: ObservedState, status: "succeeded" | "failed" | "interrupted", state: RunState, error?: Error): void {
  const clusterOp = plan.operations.find((o) => o.type.toLowerCase() === MANAGED_CLUSTER);
  const clusterBody = clusterOp ? (result.bodies.get(clusterOp.resourceId.toLowerCase()) ?? findObserved(observed, clusterOp.resourceId)) : undefined;
  const props = (clusterBody?.["properties"] ?? {}) as Body;
  const operations = stepsJson(plan, result, status);
  if (json) {
    io.stdout.write(
      renderResult({
        ...emptyResult(status, error, state.findings),
        operations,
        refusals: plan.refusals.map(refusalJson),
        cluster: clusterOp ? { id: clusterOp.resourceId, fqdn: props["fqdn"] ?? null, provisioningState: props["provisioningState"] ?? null } : null,
      }),
    );
    state.documented = true;
    return;
  }
  if (status !== "succeeded") return; // the error (with its fix) is printed by main.ts
  const style = stdoutStyle(io);
  const counts = new Map<string, number>();
  for (const o of operations) counts.set(o.action, (counts.get(o.action) ?? 0) + 1);
  const words: [string, string][] = [["create", "created"], ["update", "updated"], ["delete", "deleted"], ["unchanged", "unchanged"]];
  const parts = words.filter(([a]) => counts.has(a)).map(([a, w]) => `${counts.get(a)} ${w}`);
  io.stdout.write(`${style.green("✔")} done: ${parts.join(", ") || "no steps"}\n`);
  if (clusterOp) io.stdout.write(`cluster ${clusterOp.resourceId}${props["fqdn"] ? `\n  api server: ${String(props["fqdn"])}` : ""}\n`);
}

function exportFormat(v: unknown): ExportFormat | undefined {
  if (v === undefined) return undefined;
  if ((EXPORT_FORMATS as readonly unknown[]).includes(v)) return v as ExportFormat;
  throw new UsageError(`unknown --format '${String(v)}'`, `use one of ${EXPORT_FORMATS.join(", ")}`);
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

