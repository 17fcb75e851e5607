import type { Severity } from '../model/alert.js';
import type { NetworkEvent } from '../model/event.js';

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
  | { kind: 'internal'; field: EventField };

/** The network view a plan was compiled for. */
export interface NetworkPolicy {
  semantics: Semantics;
  /** Extra internal CIDRs from `--internal`, canonical text, on top of the mode's built-in ranges. */
  internal: string[];
}

export type ThresholdOp = 'gt' | 'gte' | 'lt' | 'lte' | 'eq' | 'neq';

/** One rule, compiled: filter → group keys → bin → count → threshold → order (count desc, bucket, keys). */
export interface QueryPlan {
  rule: {
    /** Alert `rule` value: the detection rule's `name`, else its `id`, else its file stem. */
    name: string;
    id?: string;
    title: string;
    level: Severity;
    /** Rule file, for messages. */
    file: string;
  };
  filter: Predicate;
  network: NetworkPolicy;
  /** Group keys, in Sigma `group-by` order. */
  groupBy: EventField[];
  /** Bucket width in milliseconds (`timespan: 1h` → 3_600_000). */
  binMs: number;
  aggregate: { kind: 'count' };
  /** Keep a group when `count <op> value`. */
  threshold: { op: ThresholdOp; value: number };
}

/** Read a plan field from an event. */
export function fieldValue(event: NetworkEvent, field: EventField): string | number | undefined {
  return event[field];
}
