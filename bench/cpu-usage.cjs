// Preloaded into benchmarked children (NODE_OPTIONS=--require): reports the process's own CPU time (user + system,
// microseconds) on stderr at exit, finer than /usr/bin/time's 10 ms steps.
"use strict";
process.on("exit", () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nbench-cpu ${user + system}\n`);
});
