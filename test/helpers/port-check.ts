/**
 * Child process for the port tests: reads `{ resourceId, body, planned }` (JSON) on stdin and runs
 * AzureArmPort.check with the real SDK clients and credential chain against AKS_NET_ARM_ENDPOINT.
 * Prints `ok`, or the error's message and exits 1.
 */
import { readFileSync } from "node:fs";
import { typeFromId } from "../../src/core/apply.ts";
import { connectArm } from "../../src/providers/arm-port.ts";

const input = JSON.parse(readFileSync(0, "utf8")) as { resourceId: string; body: Record<string, unknown>; planned: Record<string, unknown> };
const { port } = await connectArm({ env: process.env });
try {
  await port.check({ resourceId: input.resourceId, type: typeFromId(input.resourceId), apiVersion: "", label: input.resourceId }, input.body, input.planned);
  process.stdout.write("ok\n");
} catch (e) {
  process.stdout.write(`${(e as Error).message}\n`);
  process.exitCode = 1;
}
