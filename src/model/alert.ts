import type { Action } from './event.js';

/** One (rule, source, destination, hour) group that met the rule's threshold: a line of `scan --output jsonl`. */
export interface Alert {
  /** The rule's `name` (or id when it has no name). */
  rule: string;
  /** Bucket start, ISO-8601 UTC: KQL's `bin(TimeGenerated, 1h)`. */
  time: string;
  srcIp: string;
  dstIp: string;
  /** KQL's `count_`. */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Distinct destination ports seen in the group, ascending. */
  dstPorts: number[];
  /** Events per action, for the events that state one. */
  actions: Partial<Record<Action, number>>;
  severity: Severity;
  /** Distinct device names, sorted. */
  devices: string[];
}

/** Sigma `level`. */
export type Severity = 'informational' | 'low' | 'medium' | 'high' | 'critical';
