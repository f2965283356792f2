/**
 * `aks-net validate`: resolve the spec (template < file < flags, AKS defaults filled in), run every rule, report.
 * Offline by default and free of any @azure/* import; `--live` lazy-loads the provider that adds Azure facts.
 * Exit 0 = no errors (warnings allowed), 3 = errors, 2 = usage.
 */
import { computeCapacity } from "../core/capacity.ts";
import { EXIT } from "../core/errors.ts";
import { resolveSpec } from "../core/resolve.ts";
import type { ResolvedSpec } from "../core/resolve.ts";
import type { SpecLayer } from "../core/spec.ts";
import { stdoutStyle } from "../io/io.ts";
import type { Io } from "../io/io.ts";
import { buildReport, renderReport } from "../io/validation-report.ts";
import type { CommandOptions } from "../program.ts";
import { validateSpec } from "../validators/index.ts";
import { layersFromOptions } from "./options.ts";

export async function run(opts: CommandOptions, io: Io): Promise<number> {
  if (opts["file"] === "-" && io.stdin.isTTY) io.stderr.write("reading the spec from stdin (end with Ctrl-D)\n");
  const layers = await layersFromOptions(opts, io);
  let resolved = resolveSpec(layers);
  if (opts["live"]) {
    // Names Azure would refuse never go into a request, not even a read: the NAME findings are the report.
    const badNames = validateSpec(resolved.spec, resolved.provenance).some((f) => f.severity === "error" && f.rule.startsWith("NAME-"));
    if (badNames) io.stderr.write("--live: Azure not read, since names in the spec break Azure's naming rules (NAME-*)\n");
    else resolved = await withLiveFacts(layers, resolved, opts, io);
  }

  const findings = validateSpec(resolved.spec, resolved.provenance);
  const report = buildReport(resolved, findings, computeCapacity(resolved.spec));
  if (opts["output"] === "json") {
    io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    io.stdout.write(renderReport(report, resolved.provenance, stdoutStyle(io)));
  }
  return report.valid ? EXIT.ok : EXIT.invalid;
}

/**
 * Adds what Azure says (existing subnets, peerings, routes, ...) as a `live` layer and re-resolves.
 * The provider (and with it the Azure SDK) is imported only here, so the offline path never loads it.
 */
async function withLiveFacts(layers: SpecLayer[], resolved: ResolvedSpec, opts: CommandOptions, io: Io): Promise<ResolvedSpec> {
  const { readLiveFacts } = await import("../providers/live.ts");
  const { facts, requestCount } = await readLiveFacts(resolved.spec, opts, io, resolved.provenance);
  if (opts["verbose"]) io.stderr.write(`ARM requests: ${requestCount}\n`);
  return resolveSpec([...layers, { source: "live", input: facts }]);
}
