import type { Severity } from '../model/alert.js';
import type { Aggregate } from './aggregates.js';

/** How "external" is decided (DESIGN.md: Semantics of the reference rule). */
export type Semantics = 'strict' | 'kql';

/** Event fields a rule may test; Sigma taxonomy names map onto these (see fields.ts). */
export type EventField = 'srcIp' | 'dstIp' | 'srcPort' | 'dstPort' | 'protocol' | 'action' | 'device';

/**
 * The compiled detection filter. Three-valued like KQL: a leaf that cannot be evaluated (KQL's null, e.g.
 * `ipv4_is_private` on an IPv6 string) is `null`, and a row is kept only when the whole filter is `true`.
 */
export type Predicate =
  | { kind: 'and'; items: Predicate[] }
  | { kind: 'or'; items: Predicate[] }
  | { kind: 'not'; item: Predicate }
  /** Field equals any of the values (strings compare case-insensitively, as Sigma says). */
  | { kind: 'equals'; field: EventField; values: (string | number)[] }
  /** Field is an address in any of the CIDRs (canonical text, IPv4 and/or IPv6). */
  | { kind: 'cidr'; field: EventField; cidrs: string[] }
  /** Field is in the organisation's internal networks (`%internal_networks%`); meaning set by `QueryPlan.network`. */
  | { kind: 'internal'; field: EventField }
  /**
   * Field's text (canonical address, port digits, protocol keyword, action word, device name) matches any of the
   * Sigma wildcard patterns: `*` any run, `?` one character, `\*` `\?` `\\` literals. Case-insensitive unless
   * `cased`. `contains`/`startswith`/`endswith` compile to patterns with a `*` added. An absent field matches none.
   */
  | { kind: 'wildcard'; field: EventField; patterns: string[]; cased?: boolean }
  /** Field's text matches the RE2 regular expression (`|re`, with Sigma's `i`, `m`, `s` flags). Absent: false. */
  | { kind: 'regex'; field: EventField; pattern: string; flags: string }
  /** Field is present (`|exists: true`, or `exists: false` / a `null` value for absent). */
  | { kind: 'exists'; field: EventField; exists: boolean }
  /** Numeric field compared with a number (`|lt`, `|lte`, `|gt`, `|gte`). Absent: false. */
  | { kind: 'compare'; field: EventField; op: 'lt' | 'lte' | 'gt' | 'gte'; value: number }
  /** Two fields hold the same value (`|fieldref`; text compared case-insensitively). Either absent: false. */
  | { kind: 'fieldref'; field: EventField; other: EventField };

/** The network view a plan was compiled for. */
export interface NetworkPolicy {
  semantics: Semantics;
  /** Extra internal CIDRs from `--internal`, canonical text, on top of the mode's built-in ranges. */
  internal: string[];
}

export type ThresholdOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

/** A rule a plan reads events through: the detection rule and its compiled filter. */
export interface PlanSource {
  rule: {
    name: string;
    id?: string;
    /** Rule file, for messages. */
    file: string;
  };
  filter: Predicate;
}

/**
 * One rule, compiled: sources → group keys → bin → aggregate → threshold → order (aggregate value desc, bucket,
 * keys). Plain data: callers compare, serialise and build plans by hand.
 */
export interface QueryPlan {
  rule: {
    /** Alert `rule` value: the detection rule's `name`, else its `id`, else its file stem. */
    name: string;
    id?: string;
    title: string;
    level: Severity;
    /** Rule file, for messages. */
    file: string;
    /** The rule's `description`, when it has one (the deployable artefacts carry it). */
    description?: string;
    /** Sigma `tags` (`attack.t1190`…): a correlation's own, then its base detections'. Absent when there are none. */
    tags?: string[];
  };
  /**
   * The detection rules the plan reads, kept apart (one per rule a correlation references; a lone detection is its
   * own one source), so an aggregate over several rules can tell which one an event matched. An event counts when
   * it matches any of them.
   */
  sources: PlanSource[];
  /**
   * The OR of the sources' filters, as compiled plans set it: what the renderers write as the `where` and the
   * pre-filter reads. The engine reads `sources`.
   */
  filter: Predicate;
  network: NetworkPolicy;
  /**
   * Group keys. Compiled plans list each once, in the event model's field order (ALERT_GROUP_FIELDS), whatever the
   * Sigma `group-by` order: the order of the alert's keys, the CSV's columns and the KQL's `by` columns.
   */
  groupBy: EventField[];
  /** Bucket width in milliseconds (`timespan: 1h` → 3_600_000). */
  binMs: number;
  /** What is computed per group (see aggregates.ts). */
  aggregate: Aggregate;
  /**
   * Keep a group when `<aggregate value> <op> value`; a list (a Sigma range such as `{gte: 3, lt: 10}`) must hold
   * in full. A single comparison is written as an object, as compiled plans always did.
   */
  threshold: Threshold | Threshold[];
  /**
   * Group keys that differ per source (Sigma correlation `aliases`): for each key of `groupBy`, the field each
   * source reads it from, in source order. Absent when every source reads every key from the field it is named
   * after (no aliases).
   */
  keyFields?: EventField[][];
}

/** The comparisons of a plan's threshold, as a list. */
export function thresholdsOf(plan: Pick<QueryPlan, 'threshold'>): Threshold[] {
  return Array.isArray(plan.threshold) ? plan.threshold : [plan.threshold];
}

export interface Threshold {
  op: ThresholdOp;
  value: number;
}
