/**
 * `aks-net init`: the create wizard without creating anything. Asks what flags, -f and --template left out (on a
 * terminal), checks every answer with the rule engine, writes the spec file (`--out`, default aks-net.yaml) and prints
 * the equivalent `aks-net create` command. Without a terminal it writes the spec from the flags, or names what is missing;
 * an existing file is replaced only with --force (on a terminal: when the user says so).
 */
import { EXIT } from "../core/errors.ts";
import { computeCapacity } from "../core/capacity.ts";
import { resolveSpec } from "../core/resolve.ts";
import type { Io } from "../io/io.ts";
import { buildReport, renderFindings } from "../io/validation-report.ts";
import type { CommandOptions } from "../program.ts";
import { validateSpec } from "../validators/index.ts";
import { complete, equivalentCommand, writeSpec } from "./input/interactive.ts";
import { chosenInput } from "./input/wizard.ts";
import { layersFromOptions } from "./options.ts";

export async function run(opts: CommandOptions, io: Io): Promise<number> {
  const out = typeof opts["out"] === "string" && opts["out"] !== "" ? opts["out"] : "aks-net.yaml";
  const done = await complete(await layersFromOptions(opts, io), opts, io, { command: "init", out });
  const resolved = resolveSpec(done.layers);
  if (!done.asked) {
    // Nothing was asked (no terminal, or every value given): the file still records the chosen values.
    const chosen = chosenInput(resolved);
    const written = await writeSpec(out, chosen, io, { replace: opts["force"] === true });
    io.stderr.write(`${written === "-" ? "" : `wrote ${written}\n`}equivalent command:\n  ${equivalentCommand(chosen)}\n`);
  }
  const findings = validateSpec(resolved.spec, resolved.provenance);
  const report = buildReport(resolved, findings, computeCapacity(resolved.spec));
  if (report.errors.length + report.warnings.length > 0) io.stderr.write(renderFindings({ ...report, info: [] }, io.style));
  if (report.errors.length > 0) {
    io.stderr.write(`the spec has ${report.errors.length} error${report.errors.length === 1 ? "" : "s"}: fix ${out} before \`aks-net create\`\n`);
    return EXIT.invalid;
  }
  if (out !== "-") io.stderr.write(`next: aks-net validate -f ${out}   or   aks-net create -f ${out}\n`);
  return EXIT.ok;
}
