/** Command placeholder: filled in by the work on this command. */
import { UsageError } from "../core/errors.ts";
import type { Io } from "../io/io.ts";
import type { CommandOptions } from "../program.ts";

export async function run(_opts: CommandOptions, _io: Io): Promise<number> {
  throw new UsageError("not implemented yet");
}
