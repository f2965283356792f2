/**
 * Findings in the forms CI systems read: SARIF 2.1.0 (GitHub code scanning, Azure DevOps, any SARIF viewer) and
 * GitHub Actions workflow commands (`::error file=…,line=…,title=RULE::message`, shown as annotations on the run and
 * the pull request). Pure: findings and rules in, text out.
 */
import type { Finding, RuleInfo } from "../validators/finding.ts";

/** The rule reference (docs/rules.md, generated from the registry): each rule's row carries its own anchor. */
export const RULES_DOC = "https://github.com/aks-net/aks-net/blob/main/docs/rules.md";
/** A rule's anchor in docs/rules.md (`SYN-01` → `#syn-01`); the family headings (`#syn`) never end in a number. */
export const ruleAnchor = (id: string): string => id.toLowerCase();
export const ruleHelpUri = (id: string): string => `${RULES_DOC}#${ruleAnchor(id)}`;

const SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const LEVEL = { error: "error", warning: "warning", info: "note" } as const;

/** Turns a file name as the user gave it into the artifact URI SARIF wants (relative stays relative, with slashes). */
export type UriOf = (file: string) => string;

/**
 * One SARIF log with one run: every rule of the registry (so viewers can explain any id), one result per finding.
 * A finding with no place of its own (a default, a flag) points at `inputFile` without a region, when there is one:
 * code scanning takes only results with a location.
 */
export function toSarif(findings: readonly Finding[], rules: readonly RuleInfo[], tool: { version: string }, uriOf: UriOf, inputFile?: string): object {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "aks-net",
            version: tool.version,
            informationUri: "https://github.com/aks-net/aks-net",
            rules: rules.map((r) => ({
              id: r.id,
              shortDescription: { text: r.summary },
              helpUri: ruleHelpUri(r.id),
              defaultConfiguration: { level: LEVEL[r.severity.split("/")[0] as keyof typeof LEVEL] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
          level: LEVEL[f.severity],
          message: { text: `${f.message}${f.fix ? ` Fix: ${f.fix}` : ""}` },
          ...(f.source ? { locations: [location(f.source, uriOf)] } : inputFile ? { locations: [location({ file: inputFile }, uriOf)] } : {}),
          properties: { fields: f.fields, fix: f.fix },
        })),
      },
    ],
  };
}

function location(s: NonNullable<Finding["source"]>, uriOf: UriOf): object {
  return {
    physicalLocation: {
      artifactLocation: { uri: uriOf(s.file) },
      ...(s.line ? { region: { startLine: s.line, ...(s.column ? { startColumn: s.column } : {}) } } : {}),
    },
    ...(s.at ? { logicalLocations: [{ fullyQualifiedName: s.at }] } : {}),
  };
}

const COMMAND = { error: "error", warning: "warning", info: "notice" } as const;

/**
 * One workflow command per finding. Escaping as the runner unescapes (actions/toolkit command.ts): `%`, CR, LF in
 * the message; also `:` and `,` in property values.
 */
export function toGithubAnnotations(findings: readonly Finding[]): string {
  return findings
    .map((f) => {
      const props = [
        ...(f.source ? [`file=${prop(f.source.file)}`] : []),
        ...(f.source?.line ? [`line=${f.source.line}`] : []),
        ...(f.source?.column ? [`col=${f.source.column}`] : []),
        `title=${prop(f.rule)}`,
      ];
      const where = f.source?.at ? ` [${f.source.at}]` : "";
      return `::${COMMAND[f.severity]} ${props.join(",")}::${data(`${f.rule}: ${f.message}${where}${f.fix ? ` (fix: ${f.fix})` : ""}`)}\n`;
    })
    .join("");
}

function data(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

function prop(s: string): string {
  return data(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}
