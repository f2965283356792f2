// The floor under the `validate --live` benchmark: a bare Node client doing the same network and process work as the
// CLI, with no SDK and no aks-net. It runs `az account get-access-token` for the ARM audience (the benchmark's fake az)
// while it GETs the endpoint's metadata document, then the run's ARM GETs with that token over at most six keep-alive
// connections, each answer JSON-parsed. What the CLI spends above this and its offline run is its own (the SDK, the
// credential, the pipeline, the live facts).
// Usage: AKS_NET_ARM_ENDPOINT=https://... FLOOR_AUDIENCE=... FLOOR_PATHS='["/metadata/...", "/subscriptions/...?api-version=..."]' node live-floor.cjs
"use strict";
const https = require("node:https");
const { execFile } = require("node:child_process");
const { Buffer } = require("node:buffer");
const { URL } = require("node:url");

const endpoint = new URL(process.env.AKS_NET_ARM_ENDPOINT);
const [metadata, ...arm] = JSON.parse(process.env.FLOOR_PATHS);
const agent = new https.Agent({ keepAlive: true, maxSockets: 6 });

function get(path, token) {
  return new Promise((resolve, reject) => {
    const headers = { accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) };
    https
      .get({ host: endpoint.hostname, port: endpoint.port, path, agent, headers }, (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          if (res.statusCode >= 300) reject(new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
          else resolve(JSON.parse(text));
        });
      })
      .on("error", reject);
  });
}

const token = new Promise((resolve, reject) => {
  execFile("az", ["account", "get-access-token", "--resource", process.env.FLOOR_AUDIENCE, "-o", "json"], { encoding: "utf8" }, (e, out) => (e ? reject(e) : resolve(JSON.parse(out).accessToken)));
});
(async () => {
  const [t] = await Promise.all([token, get(metadata)]);
  await Promise.all(arm.map((p) => get(p, t)));
  agent.destroy();
})().catch((e) => {
  process.stderr.write(`${e.message}\n`);
  process.exit(1);
});
