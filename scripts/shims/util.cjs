// node:util for the bundles. esbuild's interop for a default import of a CommonJS module (`import util from
// "node:util"`, as the Azure SDK's logger does) reads the descriptor of every member, and reading one of node:util's
// lazily loaded members loads it on the spot: the assert diff machinery, the streams, worker_threads (~12 ms of CPU of
// every Azure run). The same members, each read from node:util when used.
"use strict";
const util = require("node:util");
for (const key of Object.getOwnPropertyNames(util)) Object.defineProperty(exports, key, { enumerable: true, get: () => util[key] });
