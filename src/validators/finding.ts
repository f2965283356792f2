/**
 * The finding contract shared by offline and live validation, and by the wizard's per-answer checks.
 * JSON shape (a contract): {"rule", "severity", "fields", "message", "fix"}.
 */
import type { Cidr, CidrIndex, ParsedIp } from "../core/cidr.ts";
import type { ClusterSpec, Provenance } from "../core/spec.ts";

export type Severity = "error" | "warning" | "info";

export interface Finding {
  /** Stable rule id from aks-network-rules.md (SYN-01 ...) or a live id (LIVE-PERM-01 ...). */
  rule: string;
  severity: Severity;
  /** Field paths, e.g. `serviceCidr`, `vnet.subnetCidr`, `nodePools[0].maxPods`. */
  fields: string[];
  /** One line naming the actual values. */
  message: string;
  /** A concrete fix: a value to use, a flag to add. */
  fix: string;
  /** Where the value was written: the spec file, or the Terraform plan / ARM template it was read from (when known). */
  source?: FindingSource;
}

/** A place in an input file: `at` names it as its own tool does (a Terraform resource address, a template path). */
export interface FindingSource {
  file: string;
  at?: string;
  line?: number;
  column?: number;
}

/**
 * What rules read: the effective spec plus each CIDR/IP field parsed once.
 * A field that failed to parse is absent from `parsed`; SYN rules report it once, other rules skip it.
 */
export interface RuleContext {
  spec: ClusterSpec;
  provenance: Provenance;
  /** Parsed single prefixes by field path (only those that parsed). */
  cidrs: Map<string, Cidr>;
  /** Parsed single addresses by field path. */
  ips: Map<string, ParsedIp>;
  /** Field path → why it did not parse (the SYN rules report these). */
  invalid: Map<string, string>;
  /** Connected ranges (peerings, VPN, on-prem), indexed; tag = position in spec.connectedCidrs. */
  connected: CidrIndex<number>;
  /**
   * The existing subnets' prefixes (`vnet.existingSubnets[tag].cidr`), indexed rather than in `cidrs`: they may number
   * 10^5. In field order they come after the first `existingSlot` entries of `cidrs`.
   */
  existing: CidrIndex<number>;
  existingSlot: number;
  /** Positions (ascending) of the existing subnets whose prefix has host bits set (SYN-06). */
  existingHostBits: readonly number[];
}

/** A family of rules: a pure function from context to findings. */
export type RuleCheck = (ctx: RuleContext) => Finding[];

/** Rule metadata for SARIF output, the docs and tests. */
export interface RuleInfo {
  id: string;
  severity: Severity | "error/warning" | "error/info";
  summary: string;
}

/** Builds a finding; keeps call sites to one line. */
export function finding(rule: string, severity: Severity, fields: string | string[], message: string, fix: string): Finding {
  return { rule, severity, fields: Array.isArray(fields) ? fields : [fields], message, fix };
}
