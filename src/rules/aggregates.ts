/**
 * The aggregate operators: what a plan computes per (group keys, bucket), as one table shared by the compiler, the
 * engine and the KQL renderer, so an aggregate is one entry here rather than a switch repeated in each of them.
 *
 * Each entry says
 * - for the compiler: which Sigma correlation `type` it implements and how to read its parameters from the
 *   correlation (`parse`; `conditionKeys` are the keys of `condition` it reads besides the one comparison);
 * - for the engine: its per-group state (`init`/`add`/`merge`), the number the threshold tests (`value`), and the
 *   state's plain form for snapshots (`toJson`/`fromJson`: snapshots cross worker threads and may be saved);
 * - for the renderer: its `summarize` aggregation and output column (`kql`), and the fields it reads (`fields`),
 *   which a `project` before `summarize` must keep.
 *
 * `temporal` and `temporal_ordered` are told which of the plan's sources each event matched (`perSource`).
 */
import type { NetworkEvent } from '../model/event.js';
import { distinctAdd, distinctMerge, distinctOf, distinctSize, distinctValues, type Distinct } from './distinct.js';
import type { EventField } from './plan.js';

/** `event_count`: events per group, KQL's `count()`. */
export interface CountAggregate {
  kind: 'count';
}

/**
 * `value_count`: distinct values of `field` per group, KQL's `dcount(Column)`. Events without the field are not
 * counted, as KQL's dcount ignores nulls.
 */
export interface DcountAggregate {
  kind: 'dcount';
  field: EventField;
}

/**
 * `temporal`: every one of the plan's `sources` (the correlation's rules) matched in the group. Its value is the
 * number of distinct sources seen; the default threshold is all of them.
 */
export interface TemporalAggregate {
  kind: 'temporal';
  sources: number;
}

/**
 * `temporal_ordered`: the sources matched in the order listed: there are events e1…en of sources 1…n in the group
 * with time(e1) ≤ time(e2) ≤ … ≤ time(en) (equal times count as in order; one event may serve several sources).
 * Its value is the length of the longest such chain from source 1; the default threshold is all of them.
 */
export interface OrderedAggregate {
  kind: 'ordered';
  sources: number;
}

/** A detection rule without a correlation: every matching event is its own alert (no aggregation). */
export interface EventAggregate {
  kind: 'event';
}

/** What a plan computes per group: one member per entry of AGGREGATES. */
export type Aggregate = CountAggregate | DcountAggregate | TemporalAggregate | OrderedAggregate | EventAggregate;
export type AggregateKind = Aggregate['kind'];

/** A value of an event field, as a distinct-count state holds it. */
export type FieldValue = string | number;

/** What an operator's `parse` gets from the compiler: the correlation's condition and located errors. */
export interface CorrelationInput {
  /** The correlation's `condition` mapping (empty when it has none). */
  condition: Readonly<Record<string, unknown>>;
  /** How many rules the correlation references (the plan's sources). */
  sources: number;
  /** The event field a Sigma field name at `path` names; throws a located RuleError for an unsupported one. */
  field(name: string, path: readonly (string | number)[]): EventField;
  /** A RuleError at `path` (a key path in the rule document), the rule named in front of `message`. */
  error(path: readonly (string | number)[], message: string): Error;
}

/**
 * One aggregate: `A` its plan form, `S` its per-group state, `J` that state's plain (JSON) form. Members are
 * methods so entries of different state types fit one table.
 */
export interface AggregateOperator<A extends Aggregate = Aggregate, S = unknown, J = unknown> {
  /** The Sigma correlation `type` it implements. */
  readonly sigmaType: string;
  /** Keys of the correlation `condition` it reads besides the comparison (value_count: `field`). */
  readonly conditionKeys: readonly string[];
  /** Whether an alert states the value as `value` (false: the value is the event count, the alert's `count`). */
  readonly alertValue: boolean;
  /** Whether `add` needs to know which of the plan's sources the event matched (else it is told nothing). */
  readonly perSource: boolean;
  /**
   * The comparison used when the correlation has no `condition` (temporal types: all rules); undefined when a
   * condition is required.
   */
  defaultThreshold?(aggregate: A): { op: 'gte'; value: number };
  /**
   * The least value a group can have: a group exists once one event is counted (count ≥ 1), but a distinct count
   * is 0 when its events all lack the field. A `gte` threshold at it always holds, so the KQL can leave it out.
   */
  readonly least: number;
  parse(input: CorrelationInput): A;
  init(aggregate: A): S;
  /**
   * Count one event into the state; returns the state: the same one updated, or a new one (a number; a grown set).
   * `matched` lists the indices of the plan's sources the event matched, for a `perSource` operator (else empty).
   */
  add(aggregate: A, state: S, event: NetworkEvent, matched: readonly number[]): S;
  /** `from` added into `into`; returns the result. `from` is not modified. */
  merge(aggregate: A, into: S, from: S): S;
  /** The number the threshold tests and alerts are ordered by. */
  value(aggregate: A, state: S): number;
  /** The state's plain form, sharing nothing with it (a snapshot is a copy). */
  toJson(state: S): J;
  /** A state from its plain form, sharing nothing with it (one snapshot may be merged into several engines). */
  fromJson(json: J): S;
  /** Event fields it reads besides the group keys. */
  fields(aggregate: A): EventField[];
  /** KQL: undefined when the aggregate is rendered by its own pattern (render.ts: temporal, per event). */
  readonly kql?: {
    /** The aggregation call, given the KQL for each field's value: `count()`, `dcount(DestinationPort)`. */
    call(aggregate: A, column: (field: EventField) => string): string;
    /**
     * Its output column, given each field's name: `count_`, `dcount_DestinationPort`. Given the source column
     * names it is the name Kusto gives the call by itself (Kusto names `dcount(X)` `dcount_X`).
     */
    column(aggregate: A, name: (field: EventField) => string): string;
  };
}

/** What the two counting operators share: the state is the number of events. */
const COUNTING: Omit<AggregateOperator<Aggregate, number, number>, 'sigmaType' | 'parse' | 'kql'> = {
  conditionKeys: [],
  alertValue: false,
  perSource: false,
  least: 1,
  init: () => 0,
  add: (_a, n) => n + 1,
  merge: (_a, n, m) => n + m,
  value: (_a, n) => n,
  toJson: (n) => n,
  fromJson: (n) => n,
  fields: () => [],
};

const COUNT: AggregateOperator<CountAggregate, number, number> = {
  ...COUNTING,
  sigmaType: 'event_count',
  parse: () => ({ kind: 'count' }),
  kql: { call: () => 'count()', column: () => 'count_' },
};

/** The distinct values seen (distinct.ts: the value itself while there is one, a Set once there are many). */
const DCOUNT: AggregateOperator<DcountAggregate, Distinct, FieldValue[]> = {
  sigmaType: 'value_count',
  conditionKeys: ['field'],
  alertValue: true,
  perSource: false,
  least: 0,
  parse(input) {
    const path = ['correlation', 'condition', 'field'];
    const field = input.condition.field;
    if (field === undefined) {
      throw input.error(['correlation', 'condition'], "value_count needs 'field' in its condition: the field whose distinct values it counts");
    }
    if (typeof field !== 'string') {
      throw input.error(path, `value_count 'field' must be one field name, not ${JSON.stringify(field)}`);
    }
    return { kind: 'dcount', field: input.field(field, path) };
  },
  init: () => undefined,
  add(a, seen, event) {
    const v = event[a.field];
    return v === undefined ? seen : distinctAdd(seen, v);
  },
  merge: (_a, into, from) => distinctMerge(into, from),
  value: (_a, seen) => distinctSize(seen),
  toJson: distinctValues,
  fromJson: distinctOf,
  fields: (a) => [a.field],
  kql: {
    call: (a, column) => `dcount(${column(a.field)})`,
    column: (a, name) => `dcount_${name(a.field)}`,
  },
};

/** Reads no condition key of its own; the threshold defaults to "all the sources". */
function parseTemporal<K extends 'temporal' | 'ordered'>(kind: K) {
  return (input: CorrelationInput): { kind: K; sources: number } => {
    if (input.sources < 2) throw input.error(['correlation', 'rules'], `a ${kind === 'temporal' ? 'temporal' : 'temporal_ordered'} correlation needs at least two rules`);
    return { kind, sources: input.sources };
  };
}

/** The distinct source indices seen, ascending (a handful: one per rule the correlation names). */
const TEMPORAL: AggregateOperator<TemporalAggregate, number[], number[]> = {
  sigmaType: 'temporal',
  conditionKeys: [],
  alertValue: false,
  perSource: true,
  least: 1,
  defaultThreshold: (a) => ({ op: 'gte', value: a.sources }),
  parse: parseTemporal('temporal'),
  init: () => [],
  add(_a, seen, _event, matched) {
    for (const i of matched) if (!seen.includes(i)) seen.push(i);
    return seen;
  },
  merge(_a, into, from) {
    for (const i of from) if (!into.includes(i)) into.push(i);
    return into;
  },
  value: (_a, seen) => seen.length,
  toJson: (seen) => [...seen].sort((x, y) => x - y),
  fromJson: (seen) => [...seen],
  fields: () => [],
};

/**
 * Per source, what decides whether an ordered chain exists: the first source's earliest time, the last source's
 * latest time, and every distinct time of the sources in between (a chain through a middle source may need any
 * of its times, so they are kept; with two sources the state is two numbers).
 */
export interface OrderedState {
  first: number | null;
  last: number | null;
  /** Sorted distinct times of sources 2…n-1. */
  middle: number[][];
}

/** Where `t` is or would go in sorted `list`: the index of its first element at or after `t`. */
function lowerBound(list: readonly number[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insertSorted(list: number[], t: number): void {
  const at = lowerBound(list, t);
  if (list[at] !== t) list.splice(at, 0, t);
}

/** The least time in sorted `list` at or after `t`, or undefined. */
function firstAtOrAfter(list: readonly number[], t: number): number | undefined {
  return list[lowerBound(list, t)];
}

/**
 * The length of the longest ordered chain from source 1: greedy, taking at each source the earliest time not
 * before the chain so far, which leaves the most room for the sources after it.
 */
function orderedChain(a: OrderedAggregate, s: OrderedState): number {
  if (s.first === null) return 0;
  let at = s.first;
  for (let k = 0; k < a.sources - 2; k++) {
    const next = firstAtOrAfter(s.middle[k]!, at);
    if (next === undefined) return k + 1;
    at = next;
  }
  return s.last !== null && s.last >= at ? a.sources : a.sources - 1;
}

const ORDERED: AggregateOperator<OrderedAggregate, OrderedState, OrderedState> = {
  sigmaType: 'temporal_ordered',
  conditionKeys: [],
  alertValue: false,
  perSource: true,
  least: 0,
  defaultThreshold: (a) => ({ op: 'gte', value: a.sources }),
  parse: parseTemporal('ordered'),
  init: (a) => ({ first: null, last: null, middle: Array.from({ length: Math.max(0, a.sources - 2) }, () => []) }),
  add(a, s, event, matched) {
    const t = event.time;
    for (const i of matched) {
      if (i === 0) s.first = s.first === null ? t : Math.min(s.first, t);
      else if (i === a.sources - 1) s.last = s.last === null ? t : Math.max(s.last, t);
      else insertSorted(s.middle[i - 1]!, t);
    }
    return s;
  },
  merge(_a, into, from) {
    if (from.first !== null) into.first = into.first === null ? from.first : Math.min(into.first, from.first);
    if (from.last !== null) into.last = into.last === null ? from.last : Math.max(into.last, from.last);
    from.middle.forEach((times, k) => times.forEach((t) => insertSorted(into.middle[k]!, t)));
    return into;
  },
  value: orderedChain,
  toJson: (s) => ({ first: s.first, last: s.last, middle: s.middle.map((m) => [...m]) }),
  fromJson: (s) => ({ first: s.first, last: s.last, middle: s.middle.map((m) => [...m]) }),
  fields: () => [],
};

/** Each matching event alone: the group is the event (the engine gives every event a group of its own). */
const EVENT: AggregateOperator<EventAggregate, number, number> = {
  ...COUNTING,
  sigmaType: '',
  parse: () => ({ kind: 'event' }),
};

/** The aggregate operators by plan `kind`. */
export const AGGREGATES: { readonly [K in AggregateKind]: AggregateOperator<Extract<Aggregate, { kind: K }>> } = {
  count: COUNT,
  dcount: DCOUNT,
  temporal: TEMPORAL,
  ordered: ORDERED,
  event: EVENT,
};

/** The operator of a plan's aggregate; throws for a kind no entry has (a hand-built plan, a programming error). */
export function operatorOf(aggregate: Aggregate): AggregateOperator {
  const kind = (aggregate as { kind?: unknown } | undefined)?.kind;
  if (typeof kind !== 'string' || !Object.hasOwn(AGGREGATES, kind)) {
    throw new Error(`unknown aggregate ${JSON.stringify(aggregate)} (known: ${Object.keys(AGGREGATES).join(', ')})`);
  }
  return AGGREGATES[kind as AggregateKind] as AggregateOperator;
}

/** The operator implementing a Sigma correlation `type`, if any. */
export function operatorForSigmaType(type: unknown): AggregateOperator | undefined {
  if (typeof type !== 'string' || type === '') return undefined;
  return Object.values(AGGREGATES).find((op) => op.sigmaType === type) as AggregateOperator | undefined;
}

/** The Sigma correlation types the table implements, for messages. */
export function supportedSigmaTypes(): string[] {
  return Object.values(AGGREGATES).map((op) => op.sigmaType).filter((t) => t !== '');
}

/**
 * The `summarize` aggregation of `aggregate`: its `call` (`count()`, `dcount(DestinationIP)`), its output `column`
 * and the `expression` to write, the call named when Kusto would name it otherwise. The column is named after the
 * fields' output names, so it is the same for every table (and is the CSV's): Kusto names `dcount(X)` `dcount_X`
 * for a column X, so a call on a source column of another name, or on an expression, is named explicitly
 * (`dcount_DestinationIP = dcount(DstAddr)`). `argument` gives the KQL for a field's value (a quoted column, or an
 * expression), `output` its unquoted output name; `quote` makes a name safe in KQL.
 */
export function kqlSummarize(
  aggregate: Aggregate,
  argument: (field: EventField) => string,
  output: (field: EventField) => string,
  quote: (name: string) => string,
): { call: string; column: string; expression: string } {
  const op = operatorOf(aggregate);
  if (!op.kql) throw new Error(`aggregate '${aggregate.kind}' has no summarize call`);
  const column = op.kql.column(aggregate, output);
  const call = op.kql.call(aggregate, argument);
  const named = op.kql.column(aggregate, argument) === column;
  return { call, column, expression: named ? call : `${quote(column)} = ${call}` };
}
