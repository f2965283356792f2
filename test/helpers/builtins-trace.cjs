// `node --require ./test/helpers/builtins-trace.cjs ...`: writes the names of Node's own modules the process loaded
// (process.moduleLoadList, internal ones included), one per line, to $BUILTINS_TRACE_FILE at exit. CommonJS on
// purpose: an ES module preload brings Node's ES module loader, which loads node:fs/promises itself.
"use strict";
process.on("exit", () => {
  const file = process.env.BUILTINS_TRACE_FILE;
  const names = process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice("NativeModule ".length));
  if (file) require("node:fs").writeFileSync(file, `${names.join("\n")}\n`);
});
