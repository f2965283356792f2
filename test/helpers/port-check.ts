/**
 * Child process for the port tests: reads `{ resourceId, body, planned }` (JSON), or a list of them, on stdin and
 * runs AzureArmPort.check with the real SDK clients and credential chain against AKS_NET_ARM_ENDPOINT. Prints `ok`
 * (one line per item), or the error's message and exits 1.
 */
import { typeFromId } from "../../src/core/apply.ts";
import { connectArm } from "../../src/providers/arm-port.ts";

type Item = { resourceId: string; body: Record<string, unknown>; planned: Record<string, unknown> };
let text = "";
for await (const chunk of process.stdin) text += String(chunk);
const input = JSON.parse(text) as Item | Item[];
const { port } = await connectArm({ env: process.env });
for (const item of Array.isArray(input) ? input : [input]) {
  try {
    await port.check({ resourceId: item.resourceId, type: typeFromId(item.resourceId), apiVersion: "", label: item.resourceId }, item.body, item.planned);
    process.stdout.write("ok\n");
  } catch (e) {
    process.stdout.write(`${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
