// commander imports node:child_process only to run executable subcommands, which aks-net never uses;
// loading it (with net, dgram and streams) cost every start-up a few milliseconds, so load it on first use.
"use strict";
let real;
module.exports = new Proxy({}, { get: (_target, key) => (real ??= require("node:child_process"))[key] });
