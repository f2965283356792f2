/** `aks-net export --format …` / `create --dry-run --format …`: the ONE plan, written for another engine. */
import type { Plan } from "../plan.ts";
import { armTemplate } from "./arm.ts";
import type { ExportTarget } from "./arm.ts";
import { azScript } from "./az.ts";
import { bicepFile } from "./bicep.ts";
import { terraformConfig } from "./terraform.ts";
import { exportItems } from "./view.ts";
import type { ExportFormat } from "./view.ts";

export { EXPORT_FORMATS, offlinePlan } from "./view.ts";
export type { ExportFormat } from "./view.ts";
export type { ExportTarget } from "./arm.ts";

export function renderExport(format: ExportFormat, plan: Plan, target: ExportTarget, existing: readonly string[] = []): string {
  const items = exportItems(plan, existing);
  switch (format) {
    case "arm":
      return `${JSON.stringify(armTemplate(items, target), null, 2)}\n`;
    case "bicep":
      return bicepFile(items, target);
    case "terraform":
      return terraformConfig(items, target);
    case "az":
      return azScript(items, target);
  }
}
