/**
 * `node --import ./test/helpers/module-trace.ts ...`: records the URL of every module the process loads (ESM and CJS)
 * and writes them, one per line, to $MODULE_TRACE_FILE at exit. Used to prove the offline graph never loads @azure/*.
 */
import { writeFileSync } from "node:fs";
import { registerHooks } from "node:module";

const file = process.env["MODULE_TRACE_FILE"];
const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on("exit", () => {
  if (file) writeFileSync(file, `${loaded.join("\n")}\n`);
});
