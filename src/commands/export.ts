/**
 * `aks-net export --format arm|bicep|terraform|az`: `create --dry-run --offline` with the plan written for another
 * engine. The same front doors (flags, -f, --template, the wizard on a terminal), validation (exit 3) and plan.
 */
import type { Io } from "../io/io.ts";
import type { CommandOptions } from "../program.ts";
import { run as create } from "./create.ts";

export function run(opts: CommandOptions, io: Io): Promise<number> {
  return create({ ...opts, dryRun: true, offline: true, output: "human" }, io);
}
