/**
 * TAG-01 … TAG-06: the user's tags (`--tags`, `tags:`) as Azure takes them on every resource aks-net creates
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations), and next to
 * aks-net's own ownership tags, which they may not replace (core/ownership.ts: delete trusts only those).
 */
import { CLUSTER_TAG, OWNER_TAG, isOwnershipTag } from "../core/plan.ts";
import { describeValue } from "./syntax.ts";
import { finding } from "./finding.ts";
import type { Finding, RuleContext, RuleInfo } from "./finding.ts";

export const SOURCE = "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources#limitations";

/** Azure's limits (tag-resources.md): 50 pairs per resource, names 512 characters (storage accounts 128: aks-net makes none), values 256. */
export const TAG_LIMITS = { perResource: 50, name: 512, value: 256 } as const;
/**
 * The cluster carries the most of aks-net's own tags: managed-by, aks-net-cluster, aks-net-made, and the manifest
 * (aks-net-manifest-0 … -N, 256 characters each; a firewall topology writes ~25 ids). 16 leaves room for all of them.
 */
export const OWN_TAGS_RESERVED = 16;
/** Characters Azure refuses in tag names. */
const FORBIDDEN = /[<>%&\\?/]/;
/** Name prefixes Azure keeps for its own tags. */
const RESERVED_PREFIX = /^(microsoft|azure|windows)/i;

export function rules(): RuleInfo[] {
  return [
    { id: "TAG-01", severity: "error", summary: `At most ${TAG_LIMITS.perResource - OWN_TAGS_RESERVED} tags of yours: Azure allows ${TAG_LIMITS.perResource} per resource and aks-net's ownership tags take up to ${OWN_TAGS_RESERVED} on the cluster.` },
    { id: "TAG-02", severity: "error", summary: `Tag names are 1-${TAG_LIMITS.name} characters without < > % & \\ ? /.` },
    { id: "TAG-03", severity: "error", summary: `Tag values are strings of at most ${TAG_LIMITS.value} characters.` },
    { id: "TAG-04", severity: "error", summary: `aks-net's own tag names (${OWNER_TAG}, ${CLUSTER_TAG}, aks-net-*) are not yours to set: delete relies on them.` },
    { id: "TAG-05", severity: "error", summary: "Tag names are case-insensitive in Azure: two names differing only in case are one tag." },
    { id: "TAG-06", severity: "warning", summary: "Tag names starting with microsoft, azure or windows are Azure's own prefixes." },
  ];
}

export function check(ctx: RuleContext): Finding[] {
  const tags: unknown = ctx.spec.tags;
  if (tags === undefined) return [];
  if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
    return [finding("TAG-03", "error", "tags", `tags must be a map of name to value, got ${describeValue(tags)}`, "write tags as `tags: {env: prod}` or pass --tags env=prod")];
  }
  const out: Finding[] = [];
  const entries = Object.entries(tags as Record<string, unknown>);
  const max = TAG_LIMITS.perResource - OWN_TAGS_RESERVED;
  if (entries.length > max) {
    out.push(finding("TAG-01", "error", "tags", `${entries.length} tags: Azure allows ${TAG_LIMITS.perResource} per resource and aks-net's own ownership tags take up to ${OWN_TAGS_RESERVED} of them on the cluster`, `keep at most ${max} tags, or join several into one JSON value (a tag value holds ${TAG_LIMITS.value} characters)`));
  }
  const seen = new Map<string, string>();
  for (const [name, value] of entries) {
    const field = `tags.${name}`;
    if (name === "" || name.length > TAG_LIMITS.name || FORBIDDEN.test(name)) {
      const why = name === "" ? "is empty" : name.length > TAG_LIMITS.name ? `is ${name.length} characters (at most ${TAG_LIMITS.name})` : `contains '${FORBIDDEN.exec(name)?.[0] ?? ""}'`;
      const fixed = name.replace(new RegExp(FORBIDDEN.source, "g"), "-").slice(0, TAG_LIMITS.name);
      out.push(finding("TAG-02", "error", field, `tag name ${describeValue(name.slice(0, 60))} ${why}: Azure refuses tag names with < > % & \\ ? / or over ${TAG_LIMITS.name} characters`, fixed === "" ? "give the tag a name" : `name it '${fixed.slice(0, 60)}'`));
    }
    if (typeof value !== "string") {
      out.push(finding("TAG-03", "error", field, `tag '${name}' has value ${describeValue(value)}: tag values are strings`, `quote it: ${name}: "${String(value)}"`));
    } else if (value.length > TAG_LIMITS.value) {
      out.push(finding("TAG-03", "error", field, `tag '${name}' has a ${value.length}-character value; Azure takes at most ${TAG_LIMITS.value}`, `shorten the value of '${name}' to ${TAG_LIMITS.value} characters`));
    }
    if (isOwnershipTag(name)) {
      out.push(finding("TAG-04", "error", field, `tag '${name}' is one of aks-net's ownership tags: delete trusts it to know what aks-net made`, `rename your tag, e.g. '${name}-user'`));
    }
    const lower = name.toLowerCase();
    const other = seen.get(lower);
    if (other !== undefined) {
      out.push(finding("TAG-05", "error", [`tags.${other}`, field], `tags '${other}' and '${name}' differ only in case: Azure tag names are case-insensitive, so they are one tag`, `keep one of '${other}' and '${name}'`));
    } else seen.set(lower, name);
    if (RESERVED_PREFIX.test(name)) {
      out.push(finding("TAG-06", "warning", field, `tag name '${name}' starts with '${RESERVED_PREFIX.exec(name)?.[1] ?? ""}', a prefix Azure keeps for its own tags`, `use another name, e.g. 'x-${name}'`));
    }
  }
  return out;
}
