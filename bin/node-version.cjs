// Which Node versions aks-net runs on: package.json's engines.node, read here so it is stated once. Used by bin/aks-net
// (to speak to a Node that is too old, in one line) and by ./setup (to decide whether to bring one). Written in old
// JavaScript on purpose: its whole job is to run on a Node that is too old for the rest of aks-net.
// `node bin/node-version.cjs [VERSION]`: exit 0 when VERSION (default: this Node's) is supported, else print the range, exit 1.
"use strict";
var fs = require("fs");
var path = require("path");

var ROOT = path.join(__dirname, "..");
/** Where ./setup puts the Node it brings from the npm registry (the `node` package ships a real Node binary). */
var LOCAL_NODE = path.join(ROOT, ".node", "node_modules", "node", "bin", "node");

function range() {
  return JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).engines.node;
}

function parts(v) {
  return String(v).replace(/^v/, "").split(".").map(function (n) {
    return Number(n) || 0;
  });
}

/** The `^X.Y.Z` and `>=X.Y.Z` alternatives of an engines range (the forms package.json uses); anything else does not match. */
function satisfies(version, r) {
  var v = parts(version);
  return r.split("||").some(function (alt) {
    var m = /^\s*(\^|>=)\s*v?(\d+(?:\.\d+){0,2})\s*$/.exec(alt);
    if (!m) return false;
    var min = parts(m[2]);
    if (m[1] === "^" && v[0] !== min[0]) return false;
    for (var i = 0; i < 3; i++) if ((v[i] || 0) !== (min[i] || 0)) return (v[i] || 0) > (min[i] || 0);
    return true;
  });
}

/**
 * For bin/aks-net on an unsupported Node: run the same command with the Node ./setup brought, when there is one;
 * otherwise one line saying what to do, exit 1.
 */
function runOnSupportedNode(bin) {
  var r = range();
  if (fs.existsSync(LOCAL_NODE) && !process.env.AKS_NET_NODE_REEXEC) {
    var childProcess = require("child_process");
    var env = Object.assign({}, process.env, { AKS_NET_NODE_REEXEC: "1" });
    var child = childProcess.spawn(LOCAL_NODE, [bin].concat(process.argv.slice(2)), { stdio: "inherit", env: env });
    // Ctrl-C reaches both processes from the terminal: this one waits for the child to finish its clean stop.
    process.on("SIGINT", function () {});
    ["SIGTERM", "SIGHUP"].forEach(function (sig) {
      process.on(sig, function () {
        child.kill(sig);
      });
    });
    child.on("exit", function (code, signal) {
      if (signal) {
        // End the way the child ended, so the shell sees the same signal.
        process.removeAllListeners(signal);
        process.kill(process.pid, signal);
      }
      process.exit(code === null ? 128 + (require("os").constants.signals[signal] || 0) : code);
    });
    return;
  }
  var setup = fs.existsSync(path.join(ROOT, "setup"));
  process.stderr.write(
    "error: aks-net needs Node.js " + r + ", this is " + process.version + " (" + process.execPath + "): " +
      (setup ? "run ./setup in " + ROOT + " (it brings Node 22 into .node/), or install Node.js 22" : "install Node.js 22 or newer") + "\n",
  );
  process.exit(1);
}

module.exports = { satisfies: satisfies, range: range, runOnSupportedNode: runOnSupportedNode, LOCAL_NODE: LOCAL_NODE };

if (require.main === module) {
  var version = process.argv[2] || process.versions.node;
  if (satisfies(version, range())) process.exit(0);
  process.stdout.write(range() + "\n");
  process.exit(1);
}
