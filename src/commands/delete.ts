/**
 * `aks-net delete`: find what aks-net built for a cluster (the cluster, the resources tagged for it, what they point
 * at, and with -f what create plans for the spec), decide what to delete and what to keep (core/teardown.ts), show
 * both, confirm, then run the deletes with the executor in reverse dependency order. A re-run after an interruption
 * or a failure finishes the job; deleting what is already gone is "nothing to delete".
 */
import type { Body, Recheck, StepResult } from "../core/apply.ts";
import { TYPES } from "../core/arm-bodies.ts";
import { AksNetError, AzureError, CancelledError, EXIT, UsageError } from "../core/errors.ts";
import { planResources } from "../core/plan.ts";
import type { DesiredResource, Operation, Plan } from "../core/plan.ts";
import { resolveSpec } from "../core/resolve.ts";
import type { ClusterSpec } from "../core/spec.ts";
import { parseJournal } from "../core/journal.ts";
import { journalPath, readJournalFile, removeJournalFile, writeJournalFile } from "../io/journal-file.ts";
import { clusterId, decideTeardown, expandBody, groupOf, nextReads, recheckStep } from "../core/teardown.ts";
import type { ListedResource, Teardown, TeardownTarget } from "../core/teardown.ts";
import type { Io } from "../io/io.ts";
import { stdoutStyle } from "../io/io.ts";
import { terminalAsker } from "../io/prompts.ts";
import { renderPlan } from "../io/render-plan.ts";
import type { CommandOptions } from "../program.ts";
import { layersFromOptions } from "./options.ts";
import { interrupted, runPlan } from "./run-plan.ts";
import { refusedName } from "../validators/names.ts";

type Status = "succeeded" | "failed" | "interrupted";

export async function run(opts: CommandOptions, io: Io): Promise<number> {
  const json = opts["output"] === "json";
  const dryRun = opts["dryRun"] === true;
  const spec = typeof opts["file"] === "string" ? resolveSpec(await layersFromOptions(opts, io)).spec : undefined;
  const name = str(opts["name"]) ?? spec?.name;
  const resourceGroup = str(opts["resourceGroup"]) ?? spec?.resourceGroup;
  if (name === undefined || resourceGroup === undefined) {
    throw new UsageError("delete needs -n/--name and -g/--resource-group", "pass them, or -f with the spec file create used");
  }
  // A name Azure refuses names nothing aks-net made, and `..` or `/` would change the request's path: refuse it unsent.
  const badName = refusedName("cluster", name) ?? refusedName("resourceGroup", resourceGroup);
  if (badName !== undefined) throw new UsageError(`delete: ${badName}`, "nothing was read or deleted; give the names create used");

  // Everything below talks to Azure: the SDK is loaded only now.
  const { armTargetNote, connectArm, listResourceGroup, listRoleAssignmentsIn } = await import("../providers/arm-port.ts");
  const { explainAzureError } = await import("../providers/explain.ts");
  const conn = await connectArm({ subscription: str(opts["subscription"]), armEndpoint: str(opts["armEndpoint"]), cloud: str(opts["cloud"]), env: io.env, signal: io.signal });
  const { ctx, port } = conn;
  const target: TeardownTarget = { subscriptionId: ctx.subscriptionId, resourceGroup, name };
  io.stderr.write(`subscription ${ctx.subscriptionId}, cluster ${resourceGroup}/${name}${armTargetNote(ctx)}\n`);

  // What an interrupted delete of this cluster decided: a hint once the cluster (and its record) is gone.
  const journalFile = journalPath(io.env, target);
  const journalText = await readJournalFile(journalFile);
  const journal = journalText === undefined ? undefined : parseJournal(journalText, clusterId(target));

  try {
    let planned = spec === undefined ? undefined : plannedFor(spec, target);
    // Read in waves until nothing new turns up: each wave's GETs and lists run in parallel.
    const observed = new Map<string, Body>();
    const groups = new Map<string, ListedResource[]>();
    const assignments = new Map<string, Body[]>();
    const read = new Set<string>();
    const listed = new Set<string>();
    const missing = new Set<string>();
    for (let pass = 0; ; ) {
      const next = nextReads({ target, observed, groups, assignments, journal, ...(planned ? { planned } : {}) }, read, listed);
      if (next.read.length === 0 && next.list.length === 0) {
        // A delete a stopped run started can finish between two reads (a firewall gone, its subnet read before still
        // holding its IP configuration): what was read before may point at what is gone now. Read everything again once.
        if (pass++ > 0 || !pointsAtMissing(observed, groups, missing)) break;
        for (const m of [observed, groups, assignments, read, listed, missing]) m.clear();
        continue;
      }
      await Promise.all([
        ...next.read.map(async (id) => {
          read.add(id.toLowerCase());
          const body = await port.get({ resourceId: id, type: "", apiVersion: "", label: id }, io.signal);
          if (!body) missing.add(id.toLowerCase());
          else {
            for (const [k, v] of expandBody(id, body)) {
              // A policy names its rule collection groups only ({id}): each group is read on its own.
              const stub = k.toLowerCase() !== id.toLowerCase() && v["properties"] === undefined;
              if (stub && [...observed].some(([x, v]) => x.toLowerCase() === k.toLowerCase() && v["properties"] !== undefined)) continue;
              observed.set(k, v);
              if (!stub) read.add(k.toLowerCase());
            }
          }
        }),
        ...next.list.map(async (g) => {
          listed.add(g.toLowerCase());
          const [members, roles] = await Promise.all([listResourceGroup(ctx, g.slice(g.lastIndexOf("/") + 1), io.signal), listRoleAssignmentsIn(ctx, g, io.signal)]);
          if (members) groups.set(g, members);
          if (roles) assignments.set(g, roles);
        }),
      ]);
    }

    // A file that leaves the region to create's -l: the rule packs name it (AzureCloud.<region>), and delete checks a
    // rule collection's content against the plan, so plan again in the region of what create made.
    if (spec !== undefined && spec.location === undefined && planned !== undefined) {
      const region = plannedRegion(planned, observed);
      if (region !== undefined) planned = plannedFor({ ...spec, location: region }, target);
    }

    // Decided once, before the first delete, from everything read; --dry-run shows exactly this decision.
    const teardown = decideTeardown({ target, observed, groups, assignments, journal, ...(planned ? { planned } : {}) });
    const rgId = groupOf(clusterId(target)) as string;
    const gone = [...observed.keys()].every((k) => k.toLowerCase() !== rgId.toLowerCase());
    const pending = teardown.plan.operations.length;
    const cluster = [...observed.keys()].find((k) => k.toLowerCase() === clusterId(target).toLowerCase());
    const nothing = gone
      ? `resource group ${resourceGroup} does not exist: nothing to delete`
      : `${cluster ? "" : `no cluster ${name} in resource group ${resourceGroup}, and `}nothing aks-net created for ${resourceGroup}/${name} is left: nothing to delete`;

    // As create's plan: the list is the result of a dry run (stdout), a preview before a real one (stderr).
    if (!(json && dryRun)) writeList(io, teardown, dryRun && !json);
    if (dryRun || pending === 0) {
      if (pending === 0) io.stderr.write(`${nothing}\n`);
      if (pending === 0 && !dryRun) await removeJournalFile(journalFile).catch(() => undefined);
      if (json) writeDoc(io, target, teardown, dryRun ? null : { status: "succeeded", steps: [] });
      return EXIT.ok;
    }
    await confirm(opts, io, teardown.plan.operations.filter((o) => o.action === "delete").length, pending);
    if (journal?.by === "create") io.stderr.write(`using the journal of the create last written at ${journal.decided} (${journalFile}): each child it made counts only while Azure still shows it as aks-net's write left it\n`);
    else if (journal !== undefined && cluster === undefined) io.stderr.write(`resuming the delete decided at ${journal.decided} (${journalFile}); each of its entries was checked against Azure again\n`);
    // Written before the first write: once the cluster DELETE is done, its record of what create made is gone.
    try {
      await writeJournalFile(journalFile, `${JSON.stringify({ ...teardown.journal, decided: new Date().toISOString() }, null, 2)}\n`);
    } catch (e) {
      io.stderr.write(`warning: could not write the delete's journal ${journalFile} (${(e as Error).message}): if this delete stops after the cluster is gone, finish it with -f <spec>\n`);
    }

    // Each step decides again on a fresh read right before its write (a group on fresh listings).
    const recheck = async (op: Operation, current: Body | undefined, signal: AbortSignal): Promise<Recheck> => {
      const t = op.type.toLowerCase();
      if (current === undefined || op.action !== "delete" || t === TYPES.roleAssignment.toLowerCase()) return recheckStep(teardown, op, { body: current });
      const group = t === TYPES.resourceGroup.toLowerCase();
      const [members, roles] = await Promise.all([
        group ? listResourceGroup(ctx, op.resourceId.slice(op.resourceId.lastIndexOf("/") + 1), signal) : undefined,
        listRoleAssignmentsIn(ctx, op.resourceId, signal),
      ]);
      return recheckStep(teardown, op, { body: current, members, assignments: roles ?? [] });
    };
    const outcome = await runPlan(teardown.plan, conn, io, observed, asCancelled, recheck);
    if (!outcome.ok) {
      const status = outcome.error instanceof CancelledError ? "interrupted" : "failed";
      const error = outcome.error instanceof CancelledError ? outcome.error : truthful(outcome.error, teardown, outcome.steps);
      if (json) writeDoc(io, target, teardown, { status, steps: outcome.steps, error });
      throw error;
    }
    const result = outcome.result;
    await removeJournalFile(journalFile).catch(() => undefined);
    const keptNow = result.steps.filter((s) => s.kept !== undefined);
    for (const s of keptNow) io.stderr.write(`kept ${s.op.label}: ${s.kept}\n`);
    if (json) writeDoc(io, target, teardown, { status: "succeeded", steps: result.steps });
    else {
      const deleted = result.steps.filter((s) => s.action === "delete").length;
      const kept = teardown.keep.length + keptNow.length;
      io.stdout.write(`${stdoutStyle(io).green("✔")} deleted ${deleted} resource${deleted === 1 ? "" : "s"}${kept > 0 ? `, kept ${kept}` : ""}\n`);
    }
    return EXIT.ok;
  } catch (e) {
    if (e instanceof AksNetError) throw e;
    if (io.signal.aborted) throw asCancelled(e);
    throw explainAzureError(e);
  }
}

/**
 * What create plans for the spec: only ids and dependencies matter here, so values create would insist on but that do
 * not name anything (location, CIDRs) get placeholders when the file leaves them out.
 */
function plannedFor(spec: ClusterSpec, target: TeardownTarget): DesiredResource[] {
  const filled: ClusterSpec = {
    ...spec,
    name: target.name,
    resourceGroup: target.resourceGroup,
    location: spec.location ?? "unknown",
    vnet: { ...spec.vnet, subnetCidr: spec.vnet.subnetCidr ?? "10.0.0.0/24" },
    firewall: { ...spec.firewall, subnetCidr: spec.firewall.subnetCidr ?? "10.1.0.0/26", managementSubnetCidr: spec.firewall.managementSubnetCidr ?? "10.1.1.0/26" },
  };
  try {
    return planResources(filled, { subscriptionId: target.subscriptionId });
  } catch (e) {
    throw new UsageError(`the spec file cannot be planned: ${(e as Error).message}`, "fix the file, or delete with -n and -g only");
  }
}

/** True when a body read or a group listed names (or holds something inside) a resource whose GET found nothing. */
function pointsAtMissing(observed: ReadonlyMap<string, Body>, groups: ReadonlyMap<string, readonly ListedResource[]>, missing: ReadonlySet<string>): boolean {
  if (missing.size === 0) return false;
  const text = JSON.stringify([...observed.values(), ...groups.values()]).toLowerCase();
  for (const m of missing) if (text.includes(`"${m}"`) || text.includes(`"${m}/`)) return true;
  return false;
}

/** The region of the planned resources found in Azure (firewalls and route tables first: their content is checked). */
function plannedRegion(planned: readonly DesiredResource[], observed: ReadonlyMap<string, Body>): string | undefined {
  const found = new Map([...observed].map(([k, v]) => [k.toLowerCase(), v]));
  const first = (r: DesiredResource): number => ([TYPES.firewall, TYPES.firewallPolicy, TYPES.routeTable] as string[]).some((t) => t.toLowerCase() === r.type.toLowerCase()) ? 0 : 1;
  for (const r of [...planned].filter((p) => p.type.toLowerCase() !== TYPES.resourceGroup.toLowerCase()).sort((a, b) => first(a) - first(b))) {
    const location = found.get(r.resourceId.toLowerCase())?.["location"];
    if (typeof location === "string" && location !== "") return location;
  }
  return undefined;
}

/** The list of what goes and what stays, in deletion order, each kept resource with its reason. */
function writeList(io: Io, t: Teardown, toStdout: boolean): void {
  const style = toStdout ? stdoutStyle(io) : io.style;
  const lines: string[] = [];
  if (t.plan.operations.length > 0) {
    // Shown in deletion's direction: "(after X)" names what goes first.
    const shown: Plan = { ...t.plan, operations: t.plan.operations.map((o) => ({ ...o, dependsOn: t.after.get(o.resourceId.toLowerCase()) ?? [] })) };
    lines.push(`to delete, in this order (independent steps run in parallel):\n${renderPlan(shown, style)}`);
  }
  if (t.keep.length > 0) {
    lines.push(`kept (${t.keep.length}):`);
    for (const k of t.keep) lines.push(`  ${k.type}  ${k.resourceId.slice(k.resourceId.lastIndexOf("/") + 1)}: ${style.dim(k.reason)}`);
    lines.push("");
  }
  if (lines.length > 0) (toStdout ? io.stdout : io.stderr).write(`${lines.join("\n")}\n`);
}

interface RunResult {
  status: Status;
  steps: StepResult[];
  error?: Error;
}

/** `--output json`: one document, `{cluster, delete, keep, result}`; `result` is null for --dry-run. */
function writeDoc(io: Io, target: TeardownTarget, t: Teardown, run: RunResult | null): void {
  const byId = new Map((run?.steps ?? []).map((s) => [s.op.resourceId.toLowerCase(), s]));
  const doc = {
    cluster: { id: clusterId(target), resourceGroup: target.resourceGroup, name: target.name },
    delete: t.plan.operations.map((o) => ({
      action: o.action,
      type: o.type,
      resourceId: o.resourceId,
      label: o.label,
      dependsOn: t.after.get(o.resourceId.toLowerCase()) ?? [],
      ...(o.reason !== undefined ? { reason: o.reason } : {}),
    })),
    keep: [
      ...t.keep.map((k) => ({ type: k.type, resourceId: k.resourceId, reason: k.reason, ...(k.foreign ? { foreign: k.foreign } : {}) })),
      // Kept by the check right before its delete: it changed while the delete ran.
      ...(run?.steps ?? []).filter((s) => s.kept !== undefined).map((s) => ({ type: s.op.type, resourceId: s.op.resourceId, reason: s.kept as string })),
    ],
    result:
      run === null
        ? null
        : {
            status: run.status,
            steps: t.plan.operations.map((o) => {
              const s = byId.get(o.resourceId.toLowerCase());
              return {
                action: s?.kept !== undefined ? "kept" : (s?.action ?? o.action),
                status: s?.status ?? (run.status === "succeeded" ? "done" : "not started"),
                resourceId: o.resourceId,
                seconds: s ? Math.round(s.ms / 100) / 10 : 0,
              };
            }),
            ...(run.error ? { error: errorJson(run.error) } : {}),
          },
  };
  io.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

/** A failed run's error, saying exactly what was deleted before it stopped and what was not. */
function truthful(error: Error, t: Teardown, steps: readonly StepResult[]): Error {
  const done = steps.filter((s) => s.status === "done" && s.action === "delete").map((s) => s.op.label);
  const notDone = t.plan.operations.filter((o) => !steps.some((s) => s.status === "done" && s.op.resourceId.toLowerCase() === o.resourceId.toLowerCase())).map((o) => o.label);
  const az = error as Partial<AzureError>;
  const said = done.length === 0 ? "nothing was deleted" : `deleted: ${done.join(", ")}`;
  return new AzureError(error.message, {
    ...(az.armCode ? { armCode: az.armCode } : {}),
    ...(az.correlationId ? { correlationId: az.correlationId } : {}),
    hint: `${said}; not deleted: ${notDone.join(", ") || "none"}; re-run the same command to finish`,
  });
}

function errorJson(error: Error): Record<string, unknown> {
  const az = error as Partial<AzureError>;
  return { message: error.message, code: az.armCode ?? null, correlationId: az.correlationId ?? null, exitCode: (error as AksNetError).exitCode ?? EXIT.azure };
}

/** Deleting needs a yes: --yes, or an answer on a terminal. Unattended runs without --yes are refused (exit 2). */
async function confirm(opts: CommandOptions, io: Io, deletes: number, steps: number): Promise<void> {
  if (opts["yes"] === true) return;
  if (!io.interactive || opts["input"] === false) {
    throw new UsageError("delete removes Azure resources and needs confirmation, but there is no terminal to ask on", "pass --yes to run unattended (CI), or --dry-run to only list");
  }
  const also = steps > deletes ? ` and remove ${steps - deletes} association${steps - deletes === 1 ? "" : "s"} aks-net made` : "";
  const ok = await terminalAsker(io).confirm({ id: "confirm", message: `Delete ${deletes} resource${deletes === 1 ? "" : "s"}${also} in Azure?`, default: false });
  if (!ok) throw new CancelledError("nothing was deleted", "re-run with --yes to skip the question");
}

function asCancelled(e: unknown): CancelledError {
  return interrupted(e, "interrupted; deletes Azure already accepted keep running there", "re-run the same command to finish: what is gone stays gone and running deletes are waited for");
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}
