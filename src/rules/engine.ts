/**
 * The streaming evaluator: events in, alerts out. Pure and deterministic: no I/O, no clock. Memory is the number
 * of open (rule, group keys, bucket) groups, whatever the input size.
 *
 * Its state can leave and join an engine: `snapshot()` / `merge()` (one engine per shard — worker threads,
 * several files — merged into one), and `advance(watermark)` (live collection: closed buckets out, their memory
 * freed). Thresholds apply when a group is emitted, so after merging: a group no shard alone takes over its
 * threshold still alerts once the shards are merged.
 */
import { DicomwatchError } from '../errors.js';
import { ALERT_GROUP_FIELDS, alertValue, type Alert, type AlertList } from '../model/alert.js';
import type { EventInput, NetworkEvent } from '../model/event.js';
import { createClassifier, inCidrSet, judgesEmbeddedIpv4, type Classifier } from '../net/classify.js';
import { CidrSet } from '../net/cidr.js';
import { binMs as floorToBin } from '../time/bin.js';
import { formatTime, isWholeMsOfFourDigitYear } from '../time/parse.js';
import { operatorOf, type AggregateOperator, type FieldValue } from './aggregates.js';
import { canonicalEvent } from './events.js';
import { thresholdsOf, type EventField, type Predicate, type QueryPlan, type ThresholdOp } from './plan.js';
import { distinctAdd, distinctMerge, distinctOf, distinctValues, ownValue, type Distinct } from './distinct.js';
import { compileRegex } from './re2.js';
import { compilePattern } from './wildcard.js';

/** Three-valued like KQL: `null` is "unknown", and only `true` keeps a row. */
export type Truth = boolean | null;
type Test = (event: NetworkEvent) => Truth;

const NUMERIC_FIELDS: ReadonlySet<EventField> = new Set(['srcPort', 'dstPort']);

/**
 * Compile a predicate into a function. KQL semantics for absent values: strings are '', numbers null, and
 * `null == 104` is false (Kusto: equality of null with a non-null value is false, inequality true).
 * `embedIpv4` (strict mode, see judgesEmbeddedIpv4): a `cidr` test also matches an IPv4-mapped/compatible IPv6
 * address by its embedded IPv4 address, as the KQL emitter renders it.
 */
export function compilePredicate(p: Predicate, classifier: Classifier, embedIpv4 = false): Test {
  switch (p.kind) {
    case 'and':
    case 'or': {
      // Kleene logic: the decisive value (false for and, true for or) wins; otherwise any unknown makes it unknown.
      const items = p.items.map((i) => compilePredicate(i, classifier, embedIpv4));
      const decisive = p.kind === 'or';
      return (e) => {
        let unknown = false;
        for (const t of items) {
          const v = t(e);
          if (v === decisive) return decisive;
          if (v === null) unknown = true;
        }
        return unknown ? null : !decisive;
      };
    }
    case 'not': {
      const item = compilePredicate(p.item, classifier, embedIpv4);
      return (e) => {
        const v = item(e);
        return v === null ? null : !v;
      };
    }
    case 'equals': {
      const field = p.field;
      if (NUMERIC_FIELDS.has(field)) {
        const values = new Set(p.values.map(Number));
        return (e) => {
          const v = e[field];
          return v !== undefined && values.has(v as number);
        };
      }
      const values = new Set(p.values.map((v) => String(v).toLowerCase()));
      return (e) => values.has(String(e[field] ?? '').toLowerCase());
    }
    case 'cidr': {
      const set = new CidrSet(p.cidrs);
      const field = p.field;
      return (e) => {
        const v = e[field];
        return typeof v === 'string' ? inCidrSet(set, v, embedIpv4) : null;
      };
    }
    case 'internal': {
      const field = p.field;
      return (e) => {
        const v = e[field];
        return typeof v === 'string' ? classifier.isInternal(v) : null;
      };
    }
    case 'wildcard': {
      const matchers = p.patterns.map((pattern) => compilePattern(pattern, p.cased === true));
      const field = p.field;
      return (e) => {
        const v = e[field];
        if (v === undefined) return false;
        const text = String(v);
        return matchers.some((m) => m(text));
      };
    }
    case 'regex': {
      // RE2 (re2js): linear in the text, whatever the pattern; a hostile log line cannot hang the engine.
      const re = compileRegex(p.pattern, p.flags);
      const field = p.field;
      return (e) => {
        const v = e[field];
        return v !== undefined && re.matcher(String(v)).find();
      };
    }
    case 'exists': {
      const field = p.field;
      const wanted = p.exists;
      return (e) => (e[field] !== undefined) === wanted;
    }
    case 'compare': {
      const { field, value } = p;
      const test = COMPARE[p.op];
      return (e) => {
        const v = e[field];
        return typeof v === 'number' && test(v, value);
      };
    }
    case 'fieldref': {
      const { field, other } = p;
      return (e) => {
        const a = e[field];
        const b = e[other];
        if (a === undefined || b === undefined) return false;
        return typeof a === 'number' || typeof b === 'number' ? String(a) === String(b) : a.toLowerCase() === b.toLowerCase();
      };
    }
  }
}

const COMPARE: Record<ThresholdOp, (value: number, threshold: number) => boolean> = {
  gt: (c, v) => c > v,
  gte: (c, v) => c >= v,
  lt: (c, v) => c < v,
  lte: (c, v) => c <= v,
  eq: (c, v) => c === v,
  neq: (c, v) => c !== v,
};

// ---------------------------------------------------------------------------------------------------------------
// Per-group summaries: what every alert reports besides its aggregate, as generic summaries of event fields.
// ---------------------------------------------------------------------------------------------------------------

/**
 * A summary of one field's values over a group's events. Its working state is whatever costs a group least (a
 * group is made for nearly every matching event); `J` is the plain form a snapshot holds.
 */
interface Summary<S, J> {
  /** The state with `value` counted: the same state, or a new one. */
  add(state: S, value: FieldValue): S;
  /** A snapshot's state added into `into` (which may be updated in place); returns the result, as `add`. */
  merge(into: S, from: J): S;
  /** The plain form, sharing nothing with the state. */
  toJson(state: S): J;
  /** A working state from the plain form, sharing nothing with it. */
  fromJson(json: J): S;
  /** What the alert shows, independent of the order events came in. */
  final(state: S): unknown;
}

function compareValues(a: FieldValue, b: FieldValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Distinct values (distinct.ts), shown ascending; a snapshot holds them as a list. */
const DISTINCT: Summary<Distinct, FieldValue[]> = {
  add: distinctAdd,
  merge: distinctMerge,
  toJson: distinctValues,
  fromJson: distinctOf,
  final: (state) => (typeof state === 'object' ? distinctValues(state).sort(compareValues) : distinctValues(state)),
};

/**
 * Events per value: undefined while none; the value itself while it is one event's (most groups are one event);
 * else a flat `[value, events, value, events, …]` list (one array per group, where pairs would cost an array each).
 * The alert shows an object whose keys are in ascending order (actions: allow, deny, drop, reset).
 */
type Tally = (FieldValue | number)[];
type TallyState = FieldValue | Tally | undefined;

function tallyAdd(state: TallyState, value: FieldValue, events: number): TallyState {
  if (state === undefined) return events === 1 ? value : [value, events];
  const tally = typeof state === 'object' ? state : [state, 1];
  for (let i = 0; i < tally.length; i += 2) {
    if (tally[i] === value) {
      (tally[i + 1] as number) += events;
      return tally;
    }
  }
  return tally.concat([value, events]);
}

function tallyEntries(state: TallyState): [FieldValue, number][] {
  if (state === undefined) return [];
  if (typeof state !== 'object') return [[state, 1]];
  const entries: [FieldValue, number][] = [];
  for (let i = 0; i < state.length; i += 2) entries.push([state[i]!, state[i + 1] as number]);
  return entries;
}

const TALLY: Summary<TallyState, Tally> = {
  add: (state, value) => tallyAdd(state, value, 1),
  merge: (into, from) => tallyEntries(from).reduce<TallyState>((t, [value, events]) => tallyAdd(t, value, events), into),
  toJson: (state) => tallyEntries(state).flat(),
  fromJson: (tally) => tallyEntries(tally).reduce<TallyState>((t, [value, events]) => tallyAdd(t, value, events), undefined),
  // a computed key in a literal and fromEntries define own properties, so no value can reach a prototype
  final: (state) => {
    if (state === undefined) return {};
    if (typeof state !== 'object') return { [state]: 1 };
    return Object.fromEntries(tallyEntries(state).sort((a, b) => compareValues(a[0], b[0])));
  },
};

/** The alert keys filled by summaries, each a field of a group. */
type SummaryKey = 'dstPorts' | 'actions' | 'devices';

/** Every group's summaries: alert key, the event field summarised, how. Table order is the snapshot's order. */
const GROUP_SUMMARIES: readonly { key: SummaryKey; field: EventField; summary: Summary<unknown, unknown> }[] = [
  { key: 'dstPorts', field: 'dstPort', summary: DISTINCT as Summary<unknown, unknown> },
  { key: 'actions', field: 'action', summary: TALLY as Summary<unknown, unknown> },
  { key: 'devices', field: 'device', summary: DISTINCT as Summary<unknown, unknown> },
];

// ---------------------------------------------------------------------------------------------------------------
// Groups and the state's plain form
// ---------------------------------------------------------------------------------------------------------------

/** A group key: the event's value of a group-by field; null when the event lacks it (KQL's null key). */
export type GroupKey = string | number | null;

/** An open group, as a snapshot holds it: plain data (JSON and structured-clone round-trip it unchanged). */
export interface GroupSnapshot {
  /** Bucket start, epoch milliseconds. */
  bucket: number;
  /** One per group-by field, in the plan's `groupBy` order. */
  keys: GroupKey[];
  /** Events counted. */
  count: number;
  /** Earliest and latest event time, epoch milliseconds. */
  first: number;
  last: number;
  /** The summaries' states in their plain form (distinct values; value, events, value, events…), in a fixed order. */
  summaries: unknown[];
  /** The aggregate's state in its plain form (aggregates.ts `toJson`). */
  aggregate: unknown;
}

/**
 * An open group in the engine, in its bucket's map (which holds the bucket): one object of fixed shape besides its
 * keys, its summaries in their working form (mostly the single value itself) and the aggregate's working state.
 * Its memory is the engine's memory: its times are kept as offsets into the bucket, small integers, where an epoch
 * millisecond would be a number boxed apart in each group.
 */
class Group {
  declare readonly keys: GroupKey[];
  /** Earliest and latest event time, milliseconds after the bucket's start. */
  declare first: number;
  declare last: number;
  declare aggregate: unknown;
  declare count: number;
  declare dstPorts: unknown;
  declare actions: unknown;
  declare devices: unknown;
  // Declared, and assigned here: fields V8 defines itself run as a function of their own, ~1 µs a call while the
  // code is cold, and a scan makes a group for most events that match.
  constructor(keys: GroupKey[], first: number, last: number, aggregate: unknown) {
    this.keys = keys;
    this.first = first;
    this.last = last;
    this.aggregate = aggregate;
    this.count = 0;
    this.dstPorts = undefined;
    this.actions = undefined;
    this.devices = undefined;
  }
}

/** Another engine's state, for `merge()`: plain data, so it can cross a worker boundary or be saved as JSON. */
export interface EngineSnapshot {
  /** The plans it is the state of (each as JSON): it merges only into an engine of the same plans. */
  plans: string[];
  /** The highest watermark given to `advance()`, null when never advanced. */
  watermark: number | null;
  /** The counters of `info` other than `groups`. */
  info: Omit<EngineInfo, 'groups'>;
  /** Open groups, one list per plan, in plan order. */
  groups: GroupSnapshot[][];
}

/**
 * A group's key within its bucket's map. One group-by field: the value itself (no text to build, and V8 keeps a
 * string's hash with it, so the look-up of an event's address hashes nothing new). Several: the values' texts in a
 * NUL-separated list — only `device` is free text (addresses, ports, protocols and actions never hold a NUL), so the
 * list is unambiguous. A plan without correlation numbers its groups instead (every event is one).
 */
type GroupId = GroupKey;

/** A key's text in a group id: `=` and the value, or nothing for null (so '' and null differ). */
function keyText(key: GroupKey): string {
  return key === null ? '' : `=${key}`;
}

/**
 * The id a group is stored under. Joined: `join` makes one flat string, where `+=` leaves a rope of one node per
 * piece, which would more than double the stored key's memory.
 */
function groupId(keys: readonly GroupKey[]): GroupId {
  return keys.length === 1 ? keys[0]! : keys.map(keyText).join('\u0000');
}

/**
 * The same id as `groupId(<the event's keys>)`, for looking a group up: built straight from the event, without the
 * arrays `groupId` needs, since most events join a group that exists.
 */
function eventGroupId(event: NetworkEvent, groupBy: readonly EventField[]): GroupId {
  if (groupBy.length === 0) return '';
  const v = event[groupBy[0]!];
  if (groupBy.length === 1) return v ?? null;
  let id = v === undefined ? '' : `=${v}`;
  for (let i = 1; i < groupBy.length; i++) {
    const w = event[groupBy[i]!];
    id += w === undefined ? '\u0000' : `\u0000=${w}`;
  }
  return id;
}

interface CompiledPlan {
  plan: QueryPlan;
  /** The plan as JSON: what a snapshot names it by. */
  key: string;
  /** One test per source: an event counts when any is true. */
  sources: Test[];
  operator: AggregateOperator;
  /** Test every source (the aggregate wants to know which matched, or keys differ per source) instead of any. */
  perSource: boolean;
  /** Per source, the field each group key is read from (aliases); undefined when it is `groupBy` for all. */
  keyFields: EventField[][] | undefined;
  /** Every event is a group of its own (a detection without correlation); ids come from `nextId`. */
  unique: boolean;
  nextId: number;
  passes: (value: number) => boolean;
  /**
   * Per ALERT_GROUP_FIELDS field (alert order), its index in a group's `keys`, or -1 where the plan does not group on
   * it: what an alert's keys are built and sorted by.
   */
  keyIndex: number[];
  /** Open groups by bucket (closed a bucket at a time, and small maps are quicker to hash into than one large one). */
  buckets: Map<number, Map<GroupId, Group>>;
}

/**
 * One classifier per network policy among the plans, each remembering its last answer: a pack's plans ask about
 * the same event's addresses one after another, and judging an address means parsing it.
 */
function classifierCache(): (policy: QueryPlan['network']) => Classifier {
  const made = new Map<string, Classifier>();
  return (policy) => {
    const key = JSON.stringify(policy);
    let classifier = made.get(key);
    if (!classifier) made.set(key, (classifier = rememberingLast(createClassifier(policy))));
    return classifier;
  };
}

function rememberingLast(classifier: Classifier): Classifier {
  let lastIp: string | undefined;
  let lastAnswer: boolean | null = null;
  const isInternal = (ip: string): boolean | null => {
    if (ip !== lastIp) {
      lastAnswer = classifier.isInternal(ip);
      lastIp = ip;
    }
    return lastAnswer;
  };
  return {
    isInternal,
    isExternal(ip) {
      const internal = isInternal(ip);
      return internal === null ? null : !internal;
    },
  };
}

function compilePlan(plan: QueryPlan, classifierOf: (policy: QueryPlan['network']) => Classifier): CompiledPlan {
  const classifier = classifierOf(plan.network);
  const embed = judgesEmbeddedIpv4(plan.network.semantics);
  return {
    plan,
    key: JSON.stringify(plan),
    sources: plan.sources.map((s) => compilePredicate(s.filter, classifier, embed)),
    operator: operatorOf(plan.aggregate),
    perSource: operatorOf(plan.aggregate).perSource || plan.keyFields !== undefined,
    keyFields: plan.keyFields,
    unique: plan.aggregate.kind === 'event',
    nextId: 0,
    passes: thresholdTest(plan),
    keyIndex: ALERT_GROUP_FIELDS.map((f) => plan.groupBy.indexOf(f)),
    buckets: new Map(),
  };
}

/** All of the plan's comparisons (a Sigma range is several). */
function thresholdTest(plan: QueryPlan): (value: number) => boolean {
  const tests = thresholdsOf(plan).map((t) => {
    const compare = COMPARE[t.op];
    if (!compare) throw new Error(`unknown threshold operator ${JSON.stringify(t.op)}`);
    return (value: number) => compare(value, t.value);
  });
  return (value) => tests.every((t) => t(value));
}

/** The indices of the sources the event matched. */
function matchedSources(sources: readonly Test[], event: NetworkEvent): number[] {
  const matched: number[] = [];
  for (let i = 0; i < sources.length; i++) if (sources[i]!(event) === true) matched.push(i);
  return matched;
}

const NO_SOURCES: readonly number[] = [];

function matchesAny(sources: readonly Test[], event: NetworkEvent): boolean {
  for (const test of sources) if (test(event) === true) return true;
  return false;
}

/** `offset`: the event's time after its bucket's start. */
function addEvent(c: CompiledPlan, g: Group, event: NetworkEvent, offset: number, matched: readonly number[]): void {
  g.count++;
  if (offset < g.first) g.first = offset;
  if (offset > g.last) g.last = offset;
  for (const { key, field, summary } of GROUP_SUMMARIES) {
    const v = event[field];
    if (v !== undefined) g[key] = summary.add(g[key], v);
  }
  g.aggregate = c.operator.add(c.plan.aggregate, g.aggregate, event, matched);
}

/** A group as plain data: the summaries' and the aggregate's states in their plain forms. */
function snapshotGroup(c: CompiledPlan, bucket: number, g: Group): GroupSnapshot {
  return {
    bucket,
    keys: [...g.keys],
    count: g.count,
    first: bucket + g.first,
    last: bucket + g.last,
    summaries: GROUP_SUMMARIES.map(({ key, summary }) => summary.toJson(g[key])),
    aggregate: c.operator.toJson(g.aggregate),
  };
}

/** A working group from a snapshot's, sharing nothing with it (the caller may merge one snapshot twice). */
function restoreGroup(c: CompiledPlan, s: GroupSnapshot): Group {
  const g = new Group([...s.keys], s.first - s.bucket, s.last - s.bucket, c.operator.fromJson(s.aggregate));
  g.count = s.count;
  GROUP_SUMMARIES.forEach(({ key, summary }, i) => {
    g[key] = summary.fromJson(s.summaries[i]);
  });
  return g;
}

/** The shape snapshotGroup writes, checked on a snapshot that may have come from outside (a file, another process). */
function isGroupSnapshot(g: unknown): g is GroupSnapshot {
  if (typeof g !== 'object' || g === null) return false;
  const s = g as Record<string, unknown>;
  return Number.isFinite(s.bucket) && Number.isSafeInteger(s.count) && (s.count as number) > 0 && Number.isFinite(s.first) &&
    Number.isFinite(s.last) && Array.isArray(s.keys) && Array.isArray(s.summaries) && s.summaries.length === GROUP_SUMMARIES.length;
}

function mergeGroup(c: CompiledPlan, into: Group, from: GroupSnapshot): void {
  into.count += from.count;
  if (from.first - from.bucket < into.first) into.first = from.first - from.bucket;
  if (from.last - from.bucket > into.last) into.last = from.last - from.bucket;
  GROUP_SUMMARIES.forEach(({ key, summary }, i) => {
    into[key] = summary.merge(into[key], from.summaries[i]);
  });
  into.aggregate = c.operator.merge(c.plan.aggregate, into.aggregate, c.operator.fromJson(from.aggregate));
}

/** A group's summary `key` in the form an alert shows. */
function finalSummary(g: Group, key: SummaryKey): unknown {
  return SUMMARY_OF[key].final(g[key]);
}

const SUMMARY_OF = Object.fromEntries(GROUP_SUMMARIES.map((s) => [s.key, s.summary])) as Record<SummaryKey, Summary<unknown, unknown>>;

/**
 * The group's alert, keys in the contract's order. `time`: the bucket's text (one per bucket, not per alert);
 * `value`: the group's aggregate value.
 */
function alertOf(c: CompiledPlan, bucket: number, time: string, g: Group, value: number): Alert {
  const { plan, operator } = c;
  // Built by assignment in the contract's key order (a literal with spreads makes V8 build it the slow way).
  const alert = { rule: plan.rule.name, time } as Alert;
  const keyed = alert as unknown as Record<EventField, GroupKey | undefined>;
  for (let f = 0; f < ALERT_GROUP_FIELDS.length; f++) {
    const index = c.keyIndex[f]!;
    if (index >= 0) keyed[ALERT_GROUP_FIELDS[f]!] = g.keys[index];
  }
  alert.count = g.count;
  if (operator.alertValue) {
    alert.value = value;
    alert.aggregate = { ...plan.aggregate };
  }
  alert.firstSeen = formatTime(bucket + g.first);
  alert.lastSeen = formatTime(bucket + g.last);
  alert.dstPorts = finalSummary(g, 'dstPorts') as Alert['dstPorts'];
  alert.actions = finalSummary(g, 'actions') as Alert['actions'];
  alert.severity = plan.rule.level;
  alert.devices = finalSummary(g, 'devices') as Alert['devices'];
  return alert;
}

// ---------------------------------------------------------------------------------------------------------------
// The engine
// ---------------------------------------------------------------------------------------------------------------

export interface EngineInfo {
  /** Events pushed. */
  events: number;
  /** Events that matched at least one rule (late ones included). */
  matched: number;
  /** Open groups, all rules. */
  groups: number;
  /**
   * Events a rule did not count because their bucket had already been emitted by `advance()` (per rule: an event
   * late for two rules counts twice), plus the events of merged groups in such buckets.
   */
  late: number;
}

export interface Engine {
  /**
   * Count one event. Unless the engine is `trusted`, the event is first checked and canonicalised (see
   * canonicalEvent): a DicomwatchError `BAD_EVENT` naming the field, and the event is not counted.
   *
   * An event whose bucket ended at or before the watermark (see `advance`) is late: that bucket's alert is out
   * already and cannot change, so the event is dropped and counted in `info.late` — never counted into a second,
   * partial group for the same bucket, whose alert would contradict the first.
   */
  push(event: NetworkEvent | EventInput): void;
  /**
   * Close the buckets that end at or before `watermarkMs` (epoch milliseconds: every event before it has been
   * pushed): their alerts, in alert order, and their groups forgotten. The watermark only moves forward (a lower one
   * emits nothing new). Fed in time order, the alerts of every `advance` plus `finalize` are the one-shot alerts.
   */
  advance(watermarkMs: number): Alert[];
  /** The open groups and counters as plain data (a copy: JSON and structured clone round-trip it). */
  snapshot(): EngineSnapshot;
  /**
   * Add another engine's state, from an engine of the same plans (anything else throws): counts add, first/last
   * widen, distinct values and tallies unite, counters add. The watermark becomes the higher of the two; merged
   * groups in buckets this engine had already emitted are late (dropped, their events added to `info.late`).
   * Thresholds are not applied here but when a group is emitted.
   */
  merge(snapshot: EngineSnapshot): void;
  /** Close all groups: alerts that meet their thresholds, in alert order; the groups are forgotten. */
  finalize(): Alert[];
  /** `finalize()`. */
  end(): Alert[];
  /**
   * `end()`'s alerts as a list that builds each alert when it is read (each read builds a new object). Memory is
   * then the groups' alone, where `end()` holds the groups and every alert at once: for writing out a long scan.
   */
  endLazily(): AlertList;
  readonly info: EngineInfo;
}

export interface EngineOptions {
  /**
   * The events are already canonical, as dicomwatch's own parsers make them (the CLI): skip the per-event check.
   * A non-canonical event then silently misbehaves (`2001:DB8::1` and `2001:db8::1` are two groups), so this is
   * only for events from this library's parsers. Default false.
   */
  trusted?: boolean;
}

export function createEngine(plans: readonly QueryPlan[], options: EngineOptions = {}): Engine {
  const classifierOf = classifierCache();
  const compiled = plans.map((p) => compilePlan(p, classifierOf));
  const info: EngineInfo = { events: 0, matched: 0, groups: 0, late: 0 };
  /** Buckets ending at or before it are closed: emitted and forgotten. */
  let watermark = -Infinity;

  const isClosed = (c: CompiledPlan, bucket: number) => bucket + c.plan.binMs <= watermark;

  /** The groups of `bucket`, made when new. */
  const bucketFor = (c: CompiledPlan, bucket: number): Map<GroupId, Group> => {
    let groups = c.buckets.get(bucket);
    if (!groups) c.buckets.set(bucket, (groups = new Map()));
    return groups;
  };

  /** The group of `keys` (stored under `id`), made when new. */
  const groupFor = (c: CompiledPlan, groups: Map<GroupId, Group>, keys: GroupKey[], id: GroupId, offset: number): Group => {
    let g = groups.get(id);
    if (!g) {
      g = new Group(keys, offset, offset, c.operator.init(c.plan.aggregate));
      groups.set(id, g);
      info.groups++;
    }
    return g;
  };

  /**
   * Count an event into one plan. With aliases, the sources read the group keys from different fields, so the
   * event joins one group per distinct key set among the sources it matched (told which of them led there).
   * `offset`: the event's time after the bucket's start.
   */
  const countInto = (c: CompiledPlan, event: NetworkEvent, matched: readonly number[], bucket: number, offset: number): void => {
    const groups = bucketFor(c, bucket);
    if (c.unique) {
      const keys = c.plan.groupBy.map((f) => ownValue(event[f] ?? null));
      addEvent(c, groupFor(c, groups, keys, c.nextId++, offset), event, offset, matched);
      return;
    }
    if (!c.keyFields) {
      let g = groups.get(eventGroupId(event, c.plan.groupBy));
      if (!g) {
        // the keys kept as their own strings (ownValue), the id too, which is the key itself for one field
        const keys = c.plan.groupBy.map((f) => ownValue(event[f] ?? null));
        g = groupFor(c, groups, keys, groupId(keys), offset);
      }
      addEvent(c, g, event, offset, matched);
      return;
    }
    const bySet = new Map<GroupId, { keys: GroupKey[]; sources: number[] }>();
    for (const i of matched) {
      const keys = c.keyFields[i]!.map((f) => ownValue(event[f] ?? null));
      const id = groupId(keys);
      const entry = bySet.get(id);
      if (entry) entry.sources.push(i);
      else bySet.set(id, { keys, sources: [i] });
    }
    for (const [id, { keys, sources }] of bySet) addEvent(c, groupFor(c, groups, keys, id, offset), event, offset, sources);
  };

  /** Count an event already in canonical form. */
  const count = (event: NetworkEvent): void => {
    info.events++;
    let matched = false;
    for (const c of compiled) {
      let sources = NO_SOURCES;
      if (c.perSource) {
        sources = matchedSources(c.sources, event);
        if (sources.length === 0) continue;
      } else if (!matchesAny(c.sources, event)) continue;
      matched = true;
      const bucket = floorToBin(event.time, c.plan.binMs);
      if (isClosed(c, bucket)) {
        info.late++;
        continue;
      }
      // The sources matched, when the aggregate or the aliased group keys need them (else none were looked for).
      countInto(c, event, sources, bucket, event.time - bucket);
    }
    if (matched) info.matched++;
  };

  /**
   * Forget the buckets `closed` selects and list their alerts that meet the thresholds, in alert order. The list
   * holds the groups, sorted, and builds each alert when it is read: a scan's alerts need never all be in memory.
   */
  const emit = (closed: (c: CompiledPlan, bucket: number) => boolean): AlertList => {
    // Per alert, in parallel arrays (no object per alert): its plan, bucket, bucket's text, group and aggregate
    // value, and what it sorts by: alertValue(alert), and the bucket (NaN where its text, not its number, sorts).
    const plansOf: CompiledPlan[] = [];
    const bucketsOf: number[] = [];
    const timesOf: string[] = [];
    const groupsOf: Group[] = [];
    const values: number[] = [];
    const sortValues: number[] = [];
    const sortBuckets: number[] = [];
    for (const c of compiled) {
      for (const [bucket, groups] of c.buckets) {
        if (!closed(c, bucket)) continue;
        const time = formatTime(bucket);
        const sortBucket = isWholeMsOfFourDigitYear(bucket) ? bucket : Number.NaN;
        for (const g of groups.values()) {
          const value = c.operator.value(c.plan.aggregate, g.aggregate);
          if (!c.passes(value)) continue;
          plansOf.push(c);
          bucketsOf.push(bucket);
          timesOf.push(time);
          groupsOf.push(g);
          values.push(value);
          sortValues.push(c.operator.alertValue ? value : g.count);
          sortBuckets.push(sortBucket);
        }
        c.buckets.delete(bucket);
        info.groups -= groups.size;
      }
    }
    // compareAlerts' order, on the groups: the value descending, the bucket, the group keys, the rule
    const byTime = (i: number, j: number) => sortBuckets[i]! - sortBuckets[j]! ||
      (Number.isNaN(sortBuckets[i]!) || Number.isNaN(sortBuckets[j]!) ? cmp(timesOf[i]!, timesOf[j]!) : 0);
    const byKeys = (i: number, j: number) => {
      const x = plansOf[i]!;
      const y = plansOf[j]!;
      for (let f = 0; f < ALERT_GROUP_FIELDS.length; f++) {
        const d = compareKeys(keyOf(x, groupsOf[i]!, f), keyOf(y, groupsOf[j]!, f));
        if (d !== 0) return d;
      }
      return cmp(x.plan.rule.name, y.plan.rule.name);
    };
    const order = Array.from(values.keys()).sort((i, j) => sortValues[j]! - sortValues[i]! || byTime(i, j) || byKeys(i, j));
    const alertAt = (i: number) => alertOf(plansOf[i]!, bucketsOf[i]!, timesOf[i]!, groupsOf[i]!, values[i]!);
    return {
      length: order.length,
      at: (index) => (Number.isInteger(index) && index >= 0 && index < order.length ? alertAt(order[index]!) : undefined),
      *[Symbol.iterator]() {
        for (let k = 0; k < order.length; k++) yield alertAt(order[k]!);
      },
    };
  };

  const endLazily = () => emit(() => true);
  const finalize = () => [...endLazily()];

  return {
    info,
    // Chosen once, so the trusted path pays nothing per event.
    push: options.trusted ? count : (event) => count(canonicalEvent(event)),
    advance(watermarkMs) {
      if (typeof watermarkMs !== 'number' || !Number.isFinite(watermarkMs)) {
        const given = typeof watermarkMs === 'number' ? String(watermarkMs) : JSON.stringify(watermarkMs) ?? String(watermarkMs);
        throw new DicomwatchError('BAD_OPTION', `advance: the watermark must be a finite number of milliseconds, not ${given}`, 'watermark');
      }
      if (watermarkMs > watermark) watermark = watermarkMs;
      return [...emit(isClosed)];
    },
    snapshot() {
      return {
        plans: compiled.map((c) => c.key),
        watermark: watermark === -Infinity ? null : watermark,
        info: { events: info.events, matched: info.matched, late: info.late },
        groups: compiled.map((c) => [...c.buckets].flatMap(([bucket, groups]) => [...groups.values()].map((g) => snapshotGroup(c, bucket, g)))),
      };
    },
    merge(snapshot) {
      const samePlans =
        Array.isArray(snapshot?.plans) && Array.isArray(snapshot.groups) && snapshot.plans.length === compiled.length &&
        snapshot.groups.length === compiled.length && compiled.every((c, i) => c.key === snapshot.plans[i]);
      if (typeof snapshot !== 'object' || snapshot === null || Array.isArray(snapshot)) {
        throw new DicomwatchError('BAD_OPTION', `merge: not an engine snapshot (${snapshot === null ? 'null' : Array.isArray(snapshot) ? 'an array' : typeof snapshot})`, 'snapshot');
      }
      if (!samePlans) throw new DicomwatchError('BAD_OPTION', 'merge: the snapshot is the state of other plans than this engine\'s', 'snapshot');
      // Checked whole before anything is merged: a snapshot refused half-way would leave the engine half-merged.
      const counts = snapshot.info && [snapshot.info.events, snapshot.info.matched, snapshot.info.late];
      const wellFormed = Array.isArray(counts) && counts.every((n) => Number.isSafeInteger(n) && n >= 0) &&
        (snapshot.watermark === null || Number.isFinite(snapshot.watermark)) &&
        snapshot.groups.every((list) => Array.isArray(list) && list.every(isGroupSnapshot));
      if (!wellFormed) throw new DicomwatchError('BAD_OPTION', 'merge: not an engine snapshot (a count, the watermark or a group is missing or not a number)', 'snapshot');
      info.events += snapshot.info.events;
      info.matched += snapshot.info.matched;
      info.late += snapshot.info.late;
      compiled.forEach((c, i) => {
        for (const g of snapshot.groups[i]!) {
          if (isClosed(c, g.bucket)) {
            info.late += g.count;
            continue;
          }
          const groups = bucketFor(c, g.bucket);
          const id = c.unique ? c.nextId++ : groupId(g.keys);
          const mine = groups.get(id);
          if (mine) mergeGroup(c, mine, g);
          else {
            groups.set(id, restoreGroup(c, g));
            info.groups++;
          }
        }
      });
      if (snapshot.watermark !== null && snapshot.watermark > watermark) watermark = snapshot.watermark;
    },
    finalize,
    end: finalize,
    endLazily,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Group keys in alert order: not grouped on (absent) first, then null, then values (ports numerically). */
function compareKeys(x: GroupKey | undefined, y: GroupKey | undefined): number {
  if (x === y) return 0;
  if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
  if (x === null || y === null) return x === null ? -1 : 1;
  return compareValues(x, y);
}

/**
 * The aggregate value descending (count, or value), then bucket, group keys (source, destination, then the other
 * fields in ALERT_GROUP_FIELDS order), rule: deterministic where KQL's `order by count_ desc` is not.
 */
export function compareAlerts(a: Alert, b: Alert): number {
  return alertValue(b) - alertValue(a) || cmp(a.time, b.time) || compareGroupsAndRules(a, b);
}

/** A group's key for the `field`-th of ALERT_GROUP_FIELDS, as its alert holds it (undefined: not grouped on). */
function keyOf(c: CompiledPlan, g: Group, field: number): GroupKey | undefined {
  const index = c.keyIndex[field]!;
  return index < 0 ? undefined : g.keys[index];
}

function compareGroupsAndRules(a: Alert, b: Alert): number {
  for (const f of ALERT_GROUP_FIELDS) {
    const d = compareKeys(a[f], b[f]);
    if (d !== 0) return d;
  }
  return cmp(a.rule, b.rule);
}

/** Run plans over a finite list of events (tests, small inputs). */
export function evaluate(plans: readonly QueryPlan[], events: Iterable<NetworkEvent | EventInput>, options: EngineOptions = {}): Alert[] {
  const engine = createEngine(plans, options);
  for (const e of events) engine.push(e);
  return engine.finalize();
}
