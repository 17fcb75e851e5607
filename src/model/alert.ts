import type { Aggregate } from '../rules/aggregates.js';
import type { EventField } from '../rules/plan.js';
import type { Action } from './event.js';

/**
 * The event fields a rule may group on, in the order alerts list them (and compiled plans, the CSV and the KQL
 * `by` columns): the reference rule's `srcIp, dstIp` first.
 */
export const ALERT_GROUP_FIELDS: readonly EventField[] = ['srcIp', 'dstIp', 'srcPort', 'dstPort', 'protocol', 'action', 'device'];

/**
 * The group keys of an alert, under event-model names. A key is present exactly when the rule groups on that field;
 * `null` when it does, but the group's events lack the field (KQL's null key: one group for all of them).
 */
export interface AlertGroup {
  srcIp?: string | null;
  dstIp?: string | null;
  srcPort?: number | null;
  dstPort?: number | null;
  protocol?: string | null;
  action?: Action | null;
  device?: string | null;
}

/**
 * One (rule, group keys, bucket) group that met the rule's threshold: a line of `scan --output jsonl`, its keys in
 * this order. For the reference rule (group-by src_ip, dst_ip; event_count): `rule, time, srcIp, dstIp, count,
 * firstSeen, lastSeen, dstPorts, actions, severity, devices`.
 */
export interface Alert extends AlertGroup {
  /** The rule's `name` (or id when it has no name). */
  rule: string;
  /** Bucket start, ISO-8601 UTC: KQL's `bin(TimeGenerated, 1h)`. */
  time: string;
  /** Events in the group: KQL's `count_` for an `event_count` rule. */
  count: number;
  /** The aggregate's value when it is not the event count (`value_count`: distinct values, KQL's `dcount_<Column>`). */
  value?: number;
  /** What `value` is: the rule's aggregate, present with `value` (e.g. `{"kind":"dcount","field":"dstPort"}`). */
  aggregate?: Aggregate;
  firstSeen: string;
  lastSeen: string;
  /** Distinct destination ports seen in the group, ascending. */
  dstPorts: number[];
  /** Events per action, for the events that state one, keys in a fixed order (allow, deny, drop, reset). */
  actions: Partial<Record<Action, number>>;
  severity: Severity;
  /** Distinct device names, sorted. */
  devices: string[];
}

/** The number an alert's rule thresholds and orders on: `value` when the aggregate has one, else `count`. */
export function alertValue(alert: Pick<Alert, 'count' | 'value'>): number {
  return alert.value ?? alert.count;
}

/** The group-by fields of an alert, in ALERT_GROUP_FIELDS order. */
export function alertGroupFields(alert: AlertGroup): EventField[] {
  return ALERT_GROUP_FIELDS.filter((f) => alert[f] !== undefined);
}

/**
 * Alerts in alert order, read in turn or by index: an array, or the engine's list from `endLazily()`, which builds
 * each alert when it is read (so a month's alerts never sit in memory beside its groups). Writers take this, so
 * either serves.
 */
export interface AlertList extends Iterable<Alert> {
  readonly length: number;
  /**
   * The alert at `index`, 0 ≤ index < length. The engine's list gives undefined for any other index (an array counts a
   * negative one from its end) and builds a new object on each call.
   */
  at(index: number): Alert | undefined;
}

/** Sigma `level`. */
export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';
