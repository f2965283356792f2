/**
 * `validate --from FILE`: a Terraform plan (JSON) or an ARM / Bicep-compiled template read with the spec file's caps
 * (MAX_BYTES, counted as read; a nesting limit checked before anything walks the document), its kind detected from
 * its content unless `--from-kind` names it, and mapped into a spec layer plus the place of each field in the file.
 */
import { UsageError } from "../../core/errors.ts";
import { fromArmTemplate, isArmTemplate, parseParams } from "../../core/import/arm.ts";
import { isBicepParams, parseBicepParams } from "../../core/import/bicepparam.ts";
import type { Imported } from "../../core/import/model.ts";
import { fromTerraformPlan, isTerraformPlan } from "../../core/import/terraform.ts";
import { fieldAncestors, locateJson } from "../../core/locate.ts";
import type { Place } from "../../core/locate.ts";
import type { SpecLayer } from "../../core/spec.ts";
import type { Io } from "../../io/io.ts";
import type { Finding } from "../../validators/finding.ts";
import { depthOver, readAll, readCapped } from "./file.ts";
import { checkSpecShape } from "./shape.ts";

/** Plans and templates nest deeper than a spec (modules, nested deployments), but not without bound. */
export const MAX_IMPORT_DEPTH = 100;
export const FROM_KINDS = ["terraform", "arm", "bicep"] as const;

export interface FromFile {
  layer: SpecLayer;
  imported: Imported;
  /** The place of each spec field the import wrote (or found unknown). */
  places: Map<string, Place>;
}

export async function readFrom(path: string, opts: { kind?: string; params?: string[]; resource?: string }, io: Pick<Io, "stdin">): Promise<FromFile> {
  const text = await readText(path, io);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    // V8's parser recurses: thousands of nested brackets end as a RangeError, the same refusal as depthOver's.
    if (e instanceof RangeError) throw tooDeep(path);
    const bicep = /\b(resource|param|module)\s+\w+\s+'/.test(text);
    throw new UsageError(
      `--from '${path}' is not JSON: ${String((e as Error).message).split("\n")[0]}`,
      bicep ? "compile Bicep to its ARM JSON first: `az bicep build --file main.bicep` (or `bicep build main.bicep`), then --from main.json" : "pass `terraform show -json plan.out > plan.json`, an ARM template, or Bicep's compiled JSON",
    );
  }
  if (depthOver(doc, MAX_IMPORT_DEPTH, text.length + 1000)) throw tooDeep(path);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new UsageError(`--from '${path}' must hold a JSON object (a Terraform plan or an ARM template)`);
  const kind = opts.kind ?? (isTerraformPlan(doc) ? "terraform" : isArmTemplate(doc) ? "arm" : undefined);
  if (kind === undefined) {
    throw new UsageError(`--from '${path}' is neither a Terraform plan (format_version, planned_values) nor an ARM template ($schema, resources)`, "name its kind with --from-kind terraform|arm|bicep");
  }
  const record = doc as Record<string, unknown>;
  const imported = kind === "terraform" ? fromTerraformPlan(record, opts.resource) : fromArmTemplate(record, parseParams(opts.params ?? [], (p) => readParamsFile(p, io)), opts.resource);
  checkImportedShape(imported, path);
  const pointers = [...imported.sources.values()].map((s) => s.pointer).filter((p): p is string => p !== undefined);
  const ancestors = new Set(pointers.flatMap((p) => p.split("/").map((_, i, all) => all.slice(0, i + 1).join("/"))));
  const found = locateJson(text, ancestors);
  const places = new Map<string, Place>();
  for (const [field, ref] of imported.sources) {
    const segs = (ref.pointer ?? "").split("/");
    const at = ref.pointer === undefined ? undefined : segs.map((_, i) => found.get(segs.slice(0, segs.length - i).join("/"))).find((p) => p !== undefined);
    places.set(field, { file: path, at: ref.at, ...(at ?? {}) });
  }
  return { layer: { source: "file", input: imported.input }, imported, places };
}

/** Each finding gets the place of its first field that the import wrote (or that of the nearest parent field). */
export function pointAtSource(findings: Finding[], places: ReadonlyMap<string, Place>): Finding[] {
  return findings.map((f) => {
    for (const field of f.fields) {
      const place = fieldAncestors(field).map((a) => places.get(a)).find((p) => p !== undefined);
      if (place) return { ...f, source: place };
    }
    return f;
  });
}

/**
 * The imported values go through the spec file's shape check: a plan or template whose value has a type the spec
 * cannot hold (a list where a CIDR goes) is a usage error naming the spec key and where the value came from.
 */
function checkImportedShape(imported: Imported, path: string): void {
  const { imported: _unchecked, ...input } = imported.input;
  try {
    checkSpecShape(input, path);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    const field = /^spec file '.*?': ([^:]+):/.exec(e.message)?.[1] ?? "";
    const at = fieldAncestors(field).map((f) => imported.sources.get(f)?.at).find((x) => x !== undefined);
    throw new UsageError(`--from '${path}'${at ? ` at ${at}` : ""}: ${e.message.replace(/^spec file '.*?': /, "")}`, "aks-net reads this value into its spec key; see `aks-net schema` for the type it takes");
  }
}

async function readText(path: string, io: Pick<Io, "stdin">): Promise<string> {
  try {
    return path === "-" ? await readAll(io.stdin) : readCapped(path);
  } catch (e) {
    throw new UsageError(`cannot read --from '${path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function readParamsFile(path: string, _io: Pick<Io, "stdin">): unknown {
  let text: string;
  try {
    text = readCapped(path);
  } catch (e) {
    throw new UsageError(`cannot read --param @${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  // A Bicep parameters file: its literal values, as a JSON parameters file would give them.
  if (/\.bicepparam$/i.test(path) || isBicepParams(text)) {
    return { parameters: Object.fromEntries([...parseBicepParams(text, path)].map(([k, value]) => [k, { value }])) };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    if (e instanceof RangeError) throw tooDeep(path);
    throw new UsageError(`--param @${path} is not a JSON parameters file: ${String((e as Error).message).split("\n")[0]}`, "pass an ARM parameters file (JSON) or a .bicepparam file");
  }
  if (depthOver(doc, MAX_IMPORT_DEPTH, text.length + 1000)) throw tooDeep(path);
  return doc;
}

function tooDeep(path: string): UsageError {
  return new UsageError(`'${path}' nests deeper than ${MAX_IMPORT_DEPTH} levels; a plan or template is far shallower`);
}
