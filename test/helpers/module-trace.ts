/**
 * `node --import ./test/helpers/module-trace.ts ...`: records the URL of every module the process loads (ESM and CJS)
 * and of every bundle bin/code-cache.cjs runs (the CLI and SDK bundles, compiled with their code caches, not through
 * require: it announces each on the diagnostics channel "aks-net:bundle"), and writes them, one per line, to
 * $MODULE_TRACE_FILE at exit. Used to prove the offline graph never loads the Azure SDK.
 */
import { subscribe } from "node:diagnostics_channel";
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";
import { pathToFileURL } from "node:url";

const file = process.env["MODULE_TRACE_FILE"];
const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
subscribe("aks-net:bundle", (message) => {
  loaded.push(pathToFileURL((message as { file: string }).file).href);
});
process.on("exit", () => {
  if (file) writeFileSync(file, `${loaded.join("\n")}\n`);
});
