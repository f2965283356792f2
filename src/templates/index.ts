/**
 * Named presets (`--template NAME`): a SpecInput layer below the file and the flags.
 */
import { UsageError } from "../core/errors.ts";
import type { SpecInput } from "../core/spec.ts";
import { closest } from "../core/suggest.ts";
import { overlayCilium } from "./overlay-cilium.ts";
import { azureCniPodSubnet } from "./azure-cni-pod-subnet.ts";
import { azureCniCalico } from "./azure-cni-calico.ts";
import { azureCniAzurePolicy } from "./azure-cni-azure-policy.ts";
import { kubenetCalico } from "./kubenet-calico.ts";
import { firewallEgress } from "./firewall-egress.ts";
import { managedNatGateway } from "./managed-nat-gateway.ts";

export interface Template {
  name: string;
  summary: string;
  docsUrl: string;
  input: SpecInput;
}

/** Display order: recommended first, legacy last. */
export const TEMPLATES: readonly Template[] = [
  overlayCilium,
  firewallEgress,
  managedNatGateway,
  azureCniPodSubnet,
  azureCniCalico,
  azureCniAzurePolicy,
  kubenetCalico,
];

/** Lists the presets in display order. */
export function listTemplates(): readonly Template[] {
  return TEMPLATES;
}

/** Looks a preset up by name; an unknown name is a usage error naming the known ones. */
export function getTemplate(name: string): Template {
  const t = TEMPLATES.find((x) => x.name === name);
  if (!t) {
    const names = TEMPLATES.map((x) => x.name);
    const guess = closest(name, names);
    throw new UsageError(`unknown template '${name}'${guess ? ` (did you mean '${guess}'?)` : ""}`, `known templates: ${names.join(", ")}`);
  }
  return t;
}
