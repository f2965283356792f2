/**
 * Runs a fake ARM server standalone, for manual use and benchmarks:
 *
 *   node test/fakes/serve.ts [--port N] [--latency-scale X] [--request-latency-ms N] [--polls N] [--realistic]
 *                            [--network-conflicts] [--seed-rg NAME] [--json]
 *
 * Prints the URL and the CA file, plus the env to point the CLI at it; stays up until Ctrl-C.
 * `--realistic` turns on the default latency model (firewall and AKS slow, subnets fast), scaled by --latency-scale.
 */
import { parseArgs } from "node:util";
import { FAKE_SUBSCRIPTION_ID, startFakeArm } from "./fake-arm.ts";

/** Relative ARM latencies in ms at scale 1 (real Azure is ~1000x: seconds to minutes). */
export const REALISTIC_LATENCY_MS: Record<string, number> = {
  "Microsoft.Network/virtualNetworks": 30,
  "Microsoft.Network/virtualNetworks/subnets": 20,
  "Microsoft.Network/virtualNetworks/virtualNetworkPeerings": 30,
  "Microsoft.Network/publicIPAddresses": 20,
  "Microsoft.Network/routeTables": 20,
  "Microsoft.Network/routeTables/routes": 15,
  "Microsoft.Network/natGateways": 40,
  "Microsoft.Network/networkSecurityGroups": 20,
  "Microsoft.Network/azureFirewalls": 600,
  "Microsoft.ContainerService/managedClusters": 900,
  "Microsoft.Resources/resourceGroups": 100,
  "Microsoft.ManagedIdentity/userAssignedIdentities": 60,
  "Microsoft.Authorization/roleAssignments": 60,
};

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    "latency-scale": { type: "string" },
    "request-latency-ms": { type: "string" },
    "network-conflicts": { type: "boolean", default: false },
    polls: { type: "string" },
    realistic: { type: "boolean", default: false },
    "seed-rg": { type: "string", multiple: true },
    json: { type: "boolean", default: false },
  },
});

const scale = values["latency-scale"] !== undefined ? Number(values["latency-scale"]) : undefined;
if (scale !== undefined && !(scale >= 0)) throw new Error("--latency-scale must be a number >= 0");
const realistic = values.realistic || scale !== undefined;
const fake = await startFakeArm({
  port: Number(values.port),
  ...(values.polls !== undefined ? { polls: Number(values.polls) } : {}),
  ...(realistic ? { latencyMs: REALISTIC_LATENCY_MS, latencyScale: scale ?? 1 } : {}),
  ...(values["request-latency-ms"] !== undefined ? { requestLatencyMs: Number(values["request-latency-ms"]) } : {}),
  ...(values["network-conflicts"] ? { networkConflicts: true } : {}),
});
for (const rg of values["seed-rg"] ?? []) fake.seed.resourceGroup(rg);

const info = { url: fake.url, caFile: fake.caFile, subscriptionId: FAKE_SUBSCRIPTION_ID, latencyScale: realistic ? (scale ?? 1) : null };
if (values.json) process.stdout.write(JSON.stringify(info) + "\n");
else {
  process.stdout.write(`fake ARM listening on ${fake.url}\nCA file: ${fake.caFile}\n\n`);
  process.stdout.write(`export AKS_NET_ARM_ENDPOINT=${fake.url} NODE_EXTRA_CA_CERTS=${fake.caFile} AZURE_SUBSCRIPTION_ID=${FAKE_SUBSCRIPTION_ID} NO_PROXY=127.0.0.1,localhost\n`);
}

const stop = (): void => {
  process.stderr.write(`\n${fake.requests.length} requests (${fake.writes().length} writes)\n`);
  void fake.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
