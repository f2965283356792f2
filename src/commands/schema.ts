/** `aks-net schema`: prints the JSON Schema of the spec file (schema/aks-net.schema.json is a copy of this output). */
import { EXIT } from "../core/errors.ts";
import { specSchema } from "../core/spec-schema.ts";
import type { Io } from "../io/io.ts";
import type { CommandOptions } from "../program.ts";

export async function run(_opts: CommandOptions, io: Io): Promise<number> {
  io.stdout.write(`${JSON.stringify(specSchema(), null, 2)}\n`);
  return EXIT.ok;
}
