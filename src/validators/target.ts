/**
 * LOC-01, K8S-01, VM-01, LIVE-LOC-01: the cluster's region, Kubernetes version and VM sizes have the shape Azure
 * takes, checked before any request. Offline, the region comes from aks-net's list of Azure regions (core/regions.ts);
 * with `--live`, from the regions where the subscription offers AKS.
 */
import { regionName } from "../core/egress.ts";
import { REGIONS } from "../core/regions.ts";
import { closest } from "../core/suggest.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";
import { shown } from "./names.ts";

export function rules(): RuleInfo[] {
  return [
    { id: "LOC-01", severity: "error", summary: "The region is an Azure region (westeurope, or its display name West Europe); a near miss names the closest." },
    { id: "LIVE-LOC-01", severity: "error", summary: "With --live: the subscription offers AKS (managedClusters) in the region." },
    { id: "K8S-01", severity: "error", summary: "kubernetesVersion is MAJOR.MINOR or MAJOR.MINOR.PATCH (1.30, 1.30.4): no 'v', no words." },
    { id: "VM-01", severity: "error", summary: "VM sizes are Azure size names: Standard_<family and size>[_<version>], e.g. Standard_D4ds_v5." },
  ];
}

/** `1.30` or `1.30.4`, as AKS takes it (orchestratorVersion / kubernetesVersion). */
const VERSION = /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?$/;
/** `Standard_D4ds_v5`, `Standard_E64-32s_v5` (constrained vCPU), `Standard_NC24ads_A100_v4`; Azure ignores case. */
const VM_SIZE = /^standard_[a-z][a-z0-9-]*(_[a-z0-9]+)*$/i;

export function check(ctx: RuleContext): Finding[] {
  return [...region(ctx), ...version(ctx), ...vmSizes(ctx)];
}

function region(ctx: RuleContext): Finding[] {
  const location = ctx.spec.location;
  if (typeof location !== "string" || location === "") return [];
  const name = regionName(location);
  const offered = ctx.spec.live?.locations;
  if (offered !== undefined) {
    if (offered.includes(name)) return [];
    const guess = closest(name, offered);
    return [
      finding(
        "LIVE-LOC-01",
        "error",
        "location",
        `location ${shown(location)} is not a region where this subscription offers AKS (${offered.length} regions do)`,
        guess ? `use ${guess}` : "pick a region from `az provider show -n Microsoft.ContainerService --query \"resourceTypes[?resourceType=='managedClusters'].locations\"`",
      ),
    ];
  }
  if (REGIONS.includes(name)) return [];
  const guess = closest(name, REGIONS);
  return [
    finding(
      "LOC-01",
      "error",
      "location",
      `location ${shown(location)} is not an Azure region${guess ? ` (did you mean ${guess}?)` : ""}`,
      guess ? `use ${guess}` : "use a region name such as westeurope (`az account list-locations -o table`); a region newer than aks-net's list: `validate --live` checks your subscription's regions",
    ),
  ];
}

function version(ctx: RuleContext): Finding[] {
  const v = ctx.spec.kubernetesVersion;
  if (v === undefined || (typeof v === "string" && VERSION.test(v))) return [];
  const text = typeof v === "string" ? v : String(v);
  const bare = /^[vV]?\s*([0-9]+\.[0-9]+(\.[0-9]+)?)$/.exec(text.trim())?.[1];
  return [
    finding(
      "K8S-01",
      "error",
      "kubernetesVersion",
      `kubernetesVersion ${shown(text)} is not a version AKS takes: MAJOR.MINOR or MAJOR.MINOR.PATCH, e.g. 1.30 or 1.30.4`,
      bare && VERSION.test(bare) ? `use ${bare}` : "give a version from `az aks get-versions -l REGION -o table`, e.g. 1.30, or leave it out for AKS's default",
    ),
  ];
}

function vmSizes(ctx: RuleContext): Finding[] {
  const pools = Array.isArray(ctx.spec.nodePools) ? ctx.spec.nodePools : [];
  const out: Finding[] = [];
  pools.forEach((p, i) => {
    const size = p?.vmSize;
    if (size === undefined || (typeof size === "string" && VM_SIZE.test(size))) return;
    const text = typeof size === "string" ? size : String(size);
    const cleaned = text.trim().replace(/\s+/g, "_");
    const guess = VM_SIZE.test(cleaned) ? cleaned : VM_SIZE.test(`Standard_${cleaned}`) ? `Standard_${cleaned}` : undefined;
    out.push(
      finding(
        "VM-01",
        "error",
        `nodePools[${i}].vmSize`,
        `nodePools[${i}].vmSize ${shown(text)} is not an Azure VM size name (Standard_<size>[_<version>], e.g. Standard_D4ds_v5)`,
        guess ? `use ${guess}` : "give a size from `az vm list-sizes -l REGION -o table`, e.g. Standard_D4ds_v5",
      ),
    );
  });
  return out;
}
