/**
 * `aks-net manifest service`: the Kubernetes side of an internal load balancer (issue 12): one Service per fixed IP,
 * internal, in the ILB subnet, on that IP, with the ports exposed through the firewall. Offline, no Azure SDK.
 * Exit 0 = printed, 3 = the spec has errors (the report goes to stderr), 2 = no internal LB IP in the spec.
 */
import { writeFileSync } from "node:fs";
import { computeCapacity } from "../core/capacity.ts";
import { EXIT, UsageError } from "../core/errors.ts";
import { ilbIps, serviceManifest } from "../core/ingress.ts";
import { resolveSpec } from "../core/resolve.ts";
import type { Io } from "../io/io.ts";
import { buildReport, renderReport } from "../io/validation-report.ts";
import type { CommandOptions } from "../program.ts";
import { validateSpec } from "../validators/index.ts";
import { layersFromOptions } from "./options.ts";

export async function run(opts: CommandOptions, io: Io): Promise<number> {
  const resolved = resolveSpec(await layersFromOptions(opts, io));
  if (ilbIps(resolved.spec).length === 0) {
    throw new UsageError("the spec has no internal load balancer IP", "add --ilb-ip <ip> (and --ilb-subnet-cidr for a dedicated subnet), or ingress.internalLoadBalancer.ips in the spec file");
  }
  const findings = validateSpec(resolved.spec, resolved.provenance);
  const report = buildReport(resolved, findings, computeCapacity(resolved.spec));
  if (!report.valid) {
    io.stderr.write(renderReport(report, resolved.provenance, io.style));
    return EXIT.invalid;
  }
  const yaml = serviceManifest(resolved.spec, {
    ...(typeof opts["serviceName"] === "string" ? { name: opts["serviceName"] } : {}),
    ...(typeof opts["namespace"] === "string" ? { namespace: opts["namespace"] } : {}),
    ...(typeof opts["selector"] === "string" ? { selector: opts["selector"] } : {}),
  });
  if (typeof opts["out"] === "string" && opts["out"] !== "-") {
    writeFileSync(opts["out"], yaml);
    io.stderr.write(`wrote ${opts["out"]} (kubectl apply -f ${opts["out"]})\n`);
  } else io.stdout.write(yaml);
  return EXIT.ok;
}
