// Preloaded into benchmarked children (NODE_OPTIONS=--require): reports the process's own CPU time (user + system,
// microseconds) on stderr at exit, finer than /usr/bin/time's 10 ms steps. Written with fs.writeSync: making
// process.stderr here (for a pipe: node:net and the stream modules) would add to the wall time of a run that never
// made it itself.
"use strict";
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  require("node:fs").writeSync(2, `\nbench-cpu ${user + system}\n`);
});
