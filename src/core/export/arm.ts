/**
 * The plan as an ARM deployment template (resource-group scope): `az deployment group create` or a deployment stack
 * runs it server-side. Bodies are the plan's; `dependsOn` is the plan's; values known only at deployment time are
 * `reference()` expressions; secrets are `securestring` parameters, never in the template.
 */
import { UsageError } from "../errors.ts";
import { TYPES, nameOf, resourceGroupId } from "../arm-bodies.ts";
import type { ExportItem } from "./view.ts";
import { mapStrings, roleScope, secretsOf, tokenOf } from "./view.ts";

export const DEPLOYMENT_TEMPLATE_SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";

/** Where the plan goes. */
export interface ExportTarget {
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  name: string;
}

const lc = (s: string): string => s.toLowerCase();

/** `windows-admin-password` → `windowsAdminPassword`. */
export function parameterName(secret: string): string {
  return secret.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/**
 * The resource groups the plan creates other than the deployment's own, and the resources outside the deployment's
 * group: a resource-group deployment reaches neither.
 */
export function outsideGroup(items: readonly ExportItem[], target: ExportTarget): string[] {
  const group = lc(resourceGroupId(target.subscriptionId, target.resourceGroup));
  return items
    .filter((i) => lc(i.type) === lc(TYPES.resourceGroup) ? lc(i.resourceId) !== group : !lc(roleScope(i) ?? i.resourceId).startsWith(`${group}/`))
    .map((i) => i.resourceId);
}

/** Refuses a plan that a single resource-group deployment cannot hold (a separate network resource group, a subnet brought from another group). */
export function requireOneGroup(items: readonly ExportItem[], target: ExportTarget, format: string): void {
  const outside = outsideGroup(items, target);
  if (outside.length > 0) {
    throw new UsageError(
      `--format ${format} deploys into one resource group (${target.resourceGroup}), and this plan also writes ${outside.map(nameOf).join(", ")} outside it`,
      "use --format terraform or --format az, which reach any group, or keep the network in the cluster's resource group",
    );
  }
}

/** The ARM name of a resource in the deployment's group: `vnet`, `policy/group` for a child. */
export function armName(resourceId: string, target: ExportTarget): string {
  const rest = resourceId.slice(resourceGroupId(target.subscriptionId, target.resourceGroup).length + "/providers/".length).split("/");
  // rest = [namespace, type, name, childType, childName, ...]
  return rest.filter((_, i) => i >= 2 && i % 2 === 0).join("/");
}

/** The resource-group-relative id ARM takes as an extension resource's `scope`. */
export function relativeScope(scopeId: string, target: ExportTarget): string {
  return scopeId.slice(resourceGroupId(target.subscriptionId, target.resourceGroup).length + "/providers/".length);
}

/** ARM string literal inside an expression. */
const q = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function armTemplate(items: readonly ExportItem[], target: ExportTarget): Record<string, unknown> {
  requireOneGroup(items, target, "arm");
  const groupId = resourceGroupId(target.subscriptionId, target.resourceGroup);
  const group = items.find((i) => lc(i.resourceId) === lc(groupId));
  const apiOf = new Map(items.map((i) => [lc(i.resourceId), i.apiVersion]));
  const deployed = new Set(items.filter((i) => i !== group).map((i) => lc(i.resourceId)));
  const expression = (s: string): unknown => {
    const t = tokenOf(s);
    if (t === undefined) return s.startsWith("[") && s.endsWith("]") ? `[${s}` : s; // such a literal is written "[[…]" in a template
    if (t.kind === "secret") return `[parameters(${q(parameterName(t.name))})]`;
    const read = `reference(${q(t.resourceId)}, ${q(apiOf.get(lc(t.resourceId)) ?? "")}, 'Full').${t.path}`;
    return t.suffix === undefined ? `[${read}]` : `[concat(${read}, ${q(t.suffix)})]`;
  };
  const resources = items
    .filter((i) => i !== group)
    .map((i) => {
      const scope = roleScope(i);
      const body = mapStrings(i.body, expression) as Record<string, unknown>;
      const dependsOn = i.dependsOn.filter((d) => deployed.has(lc(d)));
      return {
        type: i.type,
        apiVersion: i.apiVersion,
        name: scope === undefined ? armName(i.resourceId, target) : nameOf(i.resourceId),
        ...(scope === undefined ? {} : { scope: relativeScope(scope, target) }),
        // Microsoft's resource schemas require `properties` on every resource; an empty one sends nothing more.
        ...(body["properties"] === undefined ? { properties: {} } : {}),
        ...body,
        ...(dependsOn.length > 0 ? { dependsOn } : {}),
      };
    });
  const parameters = Object.fromEntries(
    secretsOf(items).map((s) => [parameterName(s), { type: "securestring", metadata: { description: `the ${s.replace(/-/g, " ")} (aks-net create reads it from a file or AKS_NET_WINDOWS_ADMIN_PASSWORD; never stored in the template)` } }]),
  );
  return {
    $schema: DEPLOYMENT_TEMPLATE_SCHEMA,
    contentVersion: "1.0.0.0",
    metadata: {
      generator: "aks-net export",
      cluster: `${target.resourceGroup}/${target.name}`,
      subscription: target.subscriptionId,
      // The group itself is not a resource of a group deployment: create it first, with the tag delete's proof needs.
      resourceGroup: { name: target.resourceGroup, location: target.location, tags: group?.body["tags"] ?? {} },
    },
    ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
    resources,
  };
}

/** The shell commands that create the group with its tags and deploy the template. */
export function groupCommand(items: readonly ExportItem[], target: ExportTarget): string {
  const group = items.find((i) => lc(i.resourceId) === lc(resourceGroupId(target.subscriptionId, target.resourceGroup)));
  const tags = Object.entries((group?.body["tags"] ?? {}) as Record<string, string>).map(([k, v]) => `'${`${k}=${v}`.replace(/'/g, `'\\''`)}'`);
  return `az group create --subscription ${target.subscriptionId} -n ${target.resourceGroup} -l ${target.location}${tags.length > 0 ? ` --tags ${tags.join(" ")}` : ""}`;
}
