/**
 * `aks-net validate`: resolve the spec (template < file < flags, AKS defaults filled in), run every rule, report.
 * Offline by default and free of any @azure/* import; `--live` lazy-loads the provider that adds Azure facts.
 * Exit 0 = no errors (warnings allowed), 3 = errors, 2 = usage. `-o sarif` / `-o github` (and GITHUB_ACTIONS=true)
 * point each finding at its line in the spec file.
 */
import { isAbsolute, relative, resolve as resolvePath, sep } from "node:path";
import { pathToFileURL } from "node:url";
import pkg from "../../package.json" with { type: "json" };
import { computeCapacity } from "../core/capacity.ts";
import { EXIT, UsageError } from "../core/errors.ts";
import { resolveSpec } from "../core/resolve.ts";
import type { ResolvedSpec } from "../core/resolve.ts";
import { fieldAncestors, specFilePlaces } from "../core/locate.ts";
import type { AzureContext } from "../providers/azure.ts";
import type { Provenance, SpecLayer } from "../core/spec.ts";
import { toGithubAnnotations, toSarif } from "../io/ci-output.ts";
import { stdoutStyle } from "../io/io.ts";
import type { Io } from "../io/io.ts";
import { buildReport, renderReport } from "../io/validation-report.ts";
import type { CommandOptions } from "../program.ts";
import type { Finding } from "../validators/finding.ts";
import { allRules, nameErrors, validateSpec } from "../validators/index.ts";
import { pointAtSource, readFrom } from "./input/from.ts";
import type { FromFile } from "./input/from.ts";
import { layersFromOptions } from "./options.ts";

const { version } = pkg;

export async function run(opts: CommandOptions, io: Io): Promise<number> {
  if (opts["file"] === "-" && io.stdin.isTTY) io.stderr.write("reading the spec from stdin (end with Ctrl-D)\n");
  const specText: { text?: string } = {};
  const from = await importedLayer(opts, io);
  const cluster = await clusterLayer(opts, io);
  const layers = [...(from ? [from.layer] : []), ...(cluster ? [cluster.layer] : []), ...(await layersFromOptions(opts, io, specText))];
  let resolved = resolveSpec(layers);
  if (opts["live"] || cluster) {
    // Names Azure would refuse never go into a request, not even a read: the NAME findings are the report.
    const badNames = nameErrors(resolved.spec, resolved.provenance).length > 0;
    if (badNames) io.stderr.write("--live: Azure not read, since names in the spec break Azure's naming rules (NAME-*)\n");
    else resolved = await withLiveFacts(layers, resolved, opts, io, cluster?.ctx);
  }

  const output = opts["output"];
  const ci = output === "sarif" || output === "github" || io.env["GITHUB_ACTIONS"] === "true";
  let findings = validateSpec(resolved.spec, resolved.provenance);
  const file = opts["file"];
  if (ci && typeof file === "string" && file !== "-" && specText.text !== undefined) findings = pointIntoSpecFile(findings, specText.text, file, resolved.provenance);
  if (from) findings = pointAtSource(findings, from.places);
  const report = buildReport(resolved, findings, computeCapacity(resolved.spec));
  const all = [...report.errors, ...report.warnings, ...report.info];
  if (output === "json") {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else if (output === "sarif") {
    const input = [opts["from"], file].find((f): f is string => typeof f === "string" && f !== "-");
    io.stdout.write(`${JSON.stringify(toSarif(all, allRules(), { version }, uriFor(io.cwd), input), null, 2)}\n`);
  } else if (output === "github") {
    io.stdout.write(toGithubAnnotations(all));
  } else {
    io.stdout.write(renderReport(report, resolved.provenance, stdoutStyle(io)));
  }
  // On a GitHub runner the annotations come too, on stderr: stdout keeps the one document the output format promises.
  if (output !== "github" && io.env["GITHUB_ACTIONS"] === "true") io.stderr.write(toGithubAnnotations(all));
  return report.valid ? EXIT.ok : EXIT.invalid;
}

/** `--from FILE`: a Terraform plan or ARM/Bicep template as the spec's file layer (flags still override it). */
async function importedLayer(opts: CommandOptions, io: Io): Promise<FromFile | undefined> {
  const path = opts["from"];
  for (const [flag, given] of [["--from-kind", opts["fromKind"]], ["--param", opts["param"]], ["--from-resource", opts["fromResource"]]] as const) {
    if (given !== undefined && typeof path !== "string") throw new UsageError(`${flag} only works with --from FILE`);
  }
  if (typeof path !== "string") return undefined;
  if (opts["file"] !== undefined || opts["template"] !== undefined) throw new UsageError("--from takes the place of -f and --template: validate one source at a time", "flags still override what --from reads");
  const kind = opts["fromKind"] === "bicep" ? "arm" : (opts["fromKind"] as string | undefined);
  return readFrom(path, { ...(kind ? { kind } : {}), params: (opts["param"] as string[] | undefined) ?? [], ...(typeof opts["fromResource"] === "string" ? { resource: opts["fromResource"] } : {}) }, io);
}

/**
 * `--from-cluster -g RG -n NAME`: the running cluster as the spec's file layer (flags still override it, e.g. a
 * `--node-count` to check a scale-out first); the --live facts around it follow. The SDK loads only here.
 */
async function clusterLayer(opts: CommandOptions, io: Io): Promise<{ layer: SpecLayer; ctx: AzureContext } | undefined> {
  if (opts["fromCluster"] !== true) return undefined;
  if (opts["from"] !== undefined || opts["file"] !== undefined || opts["template"] !== undefined) throw new UsageError("--from-cluster takes the place of --from, -f and --template: validate one source at a time", "flags still override what it reads");
  const { readCluster } = await import("../providers/cluster-read.ts");
  const { imported, ctx } = await readCluster(opts, io);
  return { layer: { source: "file", input: imported.input }, ctx };
}

/** Findings whose value came from the spec file get its line and column. */
function pointIntoSpecFile(findings: Finding[], text: string, file: string, provenance: Provenance): Finding[] {
  const fromFile = (field: string): boolean => fieldAncestors(field).some((f) => provenance[f] === "file");
  const places = specFilePlaces(text, file, [...new Set(findings.flatMap((f) => f.fields))], fromFile);
  return findings.map((f) => {
    const place = f.fields.map((field) => places.get(field)).find((p) => p !== undefined);
    return place ? { ...f, source: place } : f;
  });
}

/** Relative paths stay relative to the working directory (as SARIF consumers resolve them against the checkout). */
function uriFor(cwd: string): (file: string) => string {
  return (file) => {
    const rel = relative(cwd, resolvePath(cwd, file));
    return rel.startsWith("..") || isAbsolute(rel) ? pathToFileURL(resolvePath(cwd, file)).href : rel.split(sep).map(encodeURIComponent).join("/");
  };
}

/**
 * Adds what Azure says (existing subnets, peerings, routes, ...) as a `live` layer and re-resolves.
 * The provider (and with it the Azure SDK) is imported only here, so the offline path never loads it.
 */
async function withLiveFacts(layers: SpecLayer[], resolved: ResolvedSpec, opts: CommandOptions, io: Io, shared?: AzureContext): Promise<ResolvedSpec> {
  const { readLiveFacts } = await import("../providers/live.ts");
  const { facts, requestCount } = await readLiveFacts(resolved.spec, opts, io, resolved.provenance, shared);
  if (opts["verbose"]) io.stderr.write(`ARM requests: ${shared ? shared.counter.total : requestCount}\n`);
  return resolveSpec([...layers, { source: "live", input: facts }]);
}
