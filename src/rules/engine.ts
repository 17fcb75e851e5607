/**
 * The streaming evaluator: events in, alerts out. Pure and deterministic: no I/O, no clock. Memory is the number
 * of open (rule, group keys, bucket) groups, whatever the input size.
 *
 * Its state can leave and join an engine: `snapshot()` / `merge()` (one engine per shard — worker threads,
 * several files — merged into one), and `advance(watermark)` (live collection: closed buckets out, their memory
 * freed). Thresholds apply when a group is emitted, so after merging: a group no shard alone takes over its
 * threshold still alerts once the shards are merged.
 */
import { ALERT_GROUP_FIELDS, alertValue, type Alert } from '../model/alert.js';
import type { EventInput, NetworkEvent } from '../model/event.js';
import { createClassifier, inCidrSet, judgesEmbeddedIpv4, type Classifier } from '../net/classify.js';
import { CidrSet } from '../net/cidr.js';
import { binMs as floorToBin } from '../time/bin.js';
import { formatTime } from '../time/parse.js';
import { operatorOf, type AggregateOperator, type FieldValue } from './aggregates.js';
import { canonicalEvent } from './events.js';
import { thresholdsOf, type EventField, type Predicate, type QueryPlan, type ThresholdOp } from './plan.js';
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

/** A summary of one field's values over a group's events; its state is plain data (snapshots copy it as it is). */
interface Summary<S> {
  init(): S;
  /** The state with `value` counted: the same state, or a new one when it grows. */
  add(state: S, value: FieldValue): S;
  /** `from` added into `into` (`from` unchanged); returns the result, as `add`. */
  merge(into: S, from: S): S;
  copy(state: S): S;
  /** What the alert shows, independent of the order events came in. */
  final(state: S): unknown;
}

function compareValues(a: FieldValue, b: FieldValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = String(a);
  const y = String(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `list` with `value` added unless present. Linear, which is right for the handful of ports and devices a group
 * sees; a group fed thousands of distinct device names (hostile input) costs time, never more memory than the names
 * themselves. A grown list is a new array of exactly its length (`concat`): an array grown by `push` (or built by a
 * spread) keeps room for 16 more values, which would more than double the memory of a group.
 */
function withDistinct(list: FieldValue[], value: FieldValue): FieldValue[] {
  return list.includes(value) ? list : list.concat([value]);
}

/** Distinct values, ascending. Arrays, not Sets: a group usually sees one or two, and a Set costs far more memory. */
const DISTINCT: Summary<FieldValue[]> = {
  init: () => [],
  add: withDistinct,
  merge: (into, from) => from.reduce(withDistinct, into),
  copy: (values) => values.slice(),
  final: (values) => [...values].sort(compareValues),
};

/**
 * Events per value: a flat `[value, events, value, events, …]` list (one array per group, where pairs would cost
 * an array each; grown to exactly its length, as withDistinct). The alert shows an object whose keys are in
 * ascending order (actions: allow, deny, drop, reset).
 */
type Tally = (FieldValue | number)[];

function tallyAdd(tally: Tally, value: FieldValue, events: number): Tally {
  for (let i = 0; i < tally.length; i += 2) {
    if (tally[i] === value) {
      (tally[i + 1] as number) += events;
      return tally;
    }
  }
  return tally.concat([value, events]);
}

function tallyEntries(tally: Tally): [FieldValue, number][] {
  const entries: [FieldValue, number][] = [];
  for (let i = 0; i < tally.length; i += 2) entries.push([tally[i]!, tally[i + 1] as number]);
  return entries;
}

const TALLY: Summary<Tally> = {
  init: () => [],
  add: (tally, value) => tallyAdd(tally, value, 1),
  merge: (into, from) => tallyEntries(from).reduce((t, [value, events]) => tallyAdd(t, value, events), into),
  copy: (tally) => tally.slice(),
  // fromEntries defines own properties, so no value can reach a prototype
  final: (tally) => Object.fromEntries(tallyEntries(tally).sort((a, b) => compareValues(a[0], b[0]))),
};

/** The alert keys filled by summaries. */
type SummaryKey = 'dstPorts' | 'actions' | 'devices';

/** Every group's summaries: alert key, the event field summarised, how. Table order is the snapshot's order. */
const GROUP_SUMMARIES: readonly { key: SummaryKey; field: EventField; summary: Summary<unknown> }[] = [
  { key: 'dstPorts', field: 'dstPort', summary: DISTINCT },
  { key: 'actions', field: 'action', summary: TALLY },
  { key: 'devices', field: 'device', summary: DISTINCT },
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
  /** The summaries' states (distinct values; value, events, value, events…), in a fixed order. */
  summaries: unknown[];
  /** The aggregate's state in its plain form (aggregates.ts `toJson`). */
  aggregate: unknown;
}

/** An open group in the engine: a snapshot's fields, the aggregate state in its working form (dcount: a Set). */
type Group = GroupSnapshot;

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

/** A key's text in a group id: `=` and the value, or nothing for null (so '' and null differ). */
function keyText(key: GroupKey): string {
  return key === null ? '' : `=${key}`;
}

/**
 * A group's map key. Only `device` is free text (addresses, ports, protocols and actions never hold a NUL), so a
 * NUL-separated list is unambiguous. Joined, for the key a group is stored under: `join` makes one flat string,
 * where `+=` leaves a rope that costs the stored key about half as much again.
 */
function groupId(bucket: number, keys: readonly GroupKey[]): string {
  return [String(bucket)].concat(keys.map(keyText)).join('\u0000');
}

/**
 * The same text as `groupId(bucket, <the event's keys>)`, for looking a group up: built straight from the event,
 * without the arrays `groupId` needs, since most events join a group that exists.
 */
function eventGroupId(bucket: number, event: NetworkEvent, groupBy: readonly EventField[]): string {
  let id = `${bucket}`;
  for (const f of groupBy) {
    const v = event[f];
    id += v === undefined ? '\u0000' : `\u0000=${v}`;
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
  /** The alert's group keys: each grouped field (in alert order) and its index in a group's `keys`. */
  alertKeys: [field: EventField, index: number][];
  groups: Map<string, Group>;
}

function compilePlan(plan: QueryPlan): CompiledPlan {
  const classifier = createClassifier(plan.network);
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
    alertKeys: ALERT_GROUP_FIELDS.filter((f) => plan.groupBy.includes(f)).map((f) => [f, plan.groupBy.indexOf(f)]),
    groups: new Map(),
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

function newGroup(c: CompiledPlan, bucket: number, keys: GroupKey[], ms: number): Group {
  return {
    bucket,
    keys,
    count: 0,
    first: ms,
    last: ms,
    summaries: GROUP_SUMMARIES.map((s) => s.summary.init()),
    aggregate: c.operator.init(c.plan.aggregate),
  };
}

function addEvent(c: CompiledPlan, g: Group, event: NetworkEvent, ms: number, matched: readonly number[]): void {
  g.count++;
  if (ms < g.first) g.first = ms;
  if (ms > g.last) g.last = ms;
  for (let i = 0; i < GROUP_SUMMARIES.length; i++) {
    const { field, summary } = GROUP_SUMMARIES[i]!;
    const v = event[field];
    if (v !== undefined) g.summaries[i] = summary.add(g.summaries[i], v);
  }
  g.aggregate = c.operator.add(c.plan.aggregate, g.aggregate, event, matched);
}

/** A group's fields copied, sharing nothing with it (the caller may merge one snapshot twice), with `aggregate`. */
function copyGroup(g: Group | GroupSnapshot, aggregate: unknown): Group {
  return {
    bucket: g.bucket,
    keys: [...g.keys],
    count: g.count,
    first: g.first,
    last: g.last,
    summaries: GROUP_SUMMARIES.map((s, i) => s.summary.copy(g.summaries[i])),
    aggregate,
  };
}

/** A group as plain data: the aggregate's state in its JSON form. */
function snapshotGroup(c: CompiledPlan, g: Group): GroupSnapshot {
  return copyGroup(g, c.operator.toJson(g.aggregate));
}

/** A working group from a snapshot's: the aggregate's state in its working form. */
function restoreGroup(c: CompiledPlan, g: GroupSnapshot): Group {
  return copyGroup(g, c.operator.fromJson(g.aggregate));
}

function mergeGroup(c: CompiledPlan, into: Group, from: GroupSnapshot): void {
  into.count += from.count;
  if (from.first < into.first) into.first = from.first;
  if (from.last > into.last) into.last = from.last;
  GROUP_SUMMARIES.forEach((s, i) => {
    into.summaries[i] = s.summary.merge(into.summaries[i], from.summaries[i]);
  });
  into.aggregate = c.operator.merge(c.plan.aggregate, into.aggregate, c.operator.fromJson(from.aggregate));
}

/** A group's summary `key` in the form an alert shows. */
function finalSummary(g: Group, key: SummaryKey): unknown {
  const i = GROUP_SUMMARIES.findIndex((s) => s.key === key);
  return GROUP_SUMMARIES[i]!.summary.final(g.summaries[i]);
}

/** The group's alert, or undefined when its aggregate value misses the threshold. Keys in the contract's order. */
function alertOf(c: CompiledPlan, g: Group): Alert | undefined {
  const { plan, operator } = c;
  const value = operator.value(plan.aggregate, g.aggregate);
  if (!c.passes(value)) return undefined;
  // Built by assignment in the contract's key order (a literal with spreads makes V8 build it the slow way).
  const alert = { rule: plan.rule.name, time: formatTime(g.bucket) } as Alert;
  for (const [field, at] of c.alertKeys) (alert as unknown as Record<EventField, GroupKey | undefined>)[field] = g.keys[at];
  alert.count = g.count;
  if (operator.alertValue) {
    alert.value = value;
    alert.aggregate = { ...plan.aggregate };
  }
  alert.firstSeen = formatTime(g.first);
  alert.lastSeen = formatTime(g.last);
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
  const compiled = plans.map(compilePlan);
  const info: EngineInfo = { events: 0, matched: 0, groups: 0, late: 0 };
  /** Buckets ending at or before it are closed: emitted and forgotten. */
  let watermark = -Infinity;

  const isClosed = (c: CompiledPlan, bucket: number) => bucket + c.plan.binMs <= watermark;

  /** The group of `keys` in bucket `bucket`, created when new. */
  const groupFor = (c: CompiledPlan, bucket: number, keys: GroupKey[], id: string, ms: number): Group => {
    let g = c.groups.get(id);
    if (!g) {
      g = newGroup(c, bucket, keys, ms);
      c.groups.set(id, g);
      info.groups++;
    }
    return g;
  };

  /**
   * Count an event into one plan. With aliases, the sources read the group keys from different fields, so the
   * event joins one group per distinct key set among the sources it matched (told which of them led there).
   */
  const countInto = (c: CompiledPlan, event: NetworkEvent, matched: readonly number[], bucket: number, ms: number): void => {
    if (c.unique) {
      const keys = c.plan.groupBy.map((f) => event[f] ?? null);
      addEvent(c, groupFor(c, bucket, keys, `#${c.nextId++}`, ms), event, ms, matched);
      return;
    }
    if (!c.keyFields) {
      let g = c.groups.get(eventGroupId(bucket, event, c.plan.groupBy));
      if (!g) {
        const keys = c.plan.groupBy.map((f) => event[f] ?? null);
        g = groupFor(c, bucket, keys, groupId(bucket, keys), ms);
      }
      addEvent(c, g, event, ms, matched);
      return;
    }
    const bySet = new Map<string, { keys: GroupKey[]; sources: number[] }>();
    for (const i of matched) {
      const keys = c.keyFields[i]!.map((f) => event[f] ?? null);
      const id = groupId(bucket, keys);
      const entry = bySet.get(id);
      if (entry) entry.sources.push(i);
      else bySet.set(id, { keys, sources: [i] });
    }
    for (const [id, { keys, sources }] of bySet) addEvent(c, groupFor(c, bucket, keys, id, ms), event, ms, sources);
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
      const ms = event.time;
      const bucket = floorToBin(ms, c.plan.binMs);
      if (isClosed(c, bucket)) {
        info.late++;
        continue;
      }
      // The sources matched, when the aggregate or the aliased group keys need them (else none were looked for).
      countInto(c, event, sources, bucket, ms);
    }
    if (matched) info.matched++;
  };

  /** Emit and forget the groups `closed` selects: their alerts that meet the thresholds, in alert order. */
  const emit = (closed: (c: CompiledPlan, g: Group) => boolean): Alert[] => {
    const alerts: Alert[] = [];
    for (const c of compiled) {
      for (const [id, g] of c.groups) {
        if (!closed(c, g)) continue;
        c.groups.delete(id);
        info.groups--;
        const alert = alertOf(c, g);
        if (alert) alerts.push(alert);
      }
    }
    return alerts.sort(compareAlerts);
  };

  const finalize = () => emit(() => true);

  return {
    info,
    // Chosen once, so the trusted path pays nothing per event.
    push: options.trusted ? count : (event) => count(canonicalEvent(event)),
    advance(watermarkMs) {
      if (!Number.isFinite(watermarkMs)) throw new RangeError(`advance: the watermark must be a finite number of milliseconds, not ${watermarkMs}`);
      if (watermarkMs > watermark) watermark = watermarkMs;
      return emit((c, g) => isClosed(c, g.bucket));
    },
    snapshot() {
      return {
        plans: compiled.map((c) => c.key),
        watermark: watermark === -Infinity ? null : watermark,
        info: { events: info.events, matched: info.matched, late: info.late },
        groups: compiled.map((c) => [...c.groups.values()].map((g) => snapshotGroup(c, g))),
      };
    },
    merge(snapshot) {
      const samePlans =
        Array.isArray(snapshot?.plans) && Array.isArray(snapshot.groups) && snapshot.plans.length === compiled.length &&
        snapshot.groups.length === compiled.length && compiled.every((c, i) => c.key === snapshot.plans[i]);
      if (!samePlans) throw new Error('merge: the snapshot is the state of other plans than this engine\'s');
      info.events += snapshot.info.events;
      info.matched += snapshot.info.matched;
      info.late += snapshot.info.late;
      compiled.forEach((c, i) => {
        for (const g of snapshot.groups[i]!) {
          if (isClosed(c, g.bucket)) {
            info.late += g.count;
            continue;
          }
          const id = c.unique ? `#${c.nextId++}` : groupId(g.bucket, g.keys);
          const mine = c.groups.get(id);
          if (mine) mergeGroup(c, mine, g);
          else {
            c.groups.set(id, restoreGroup(c, g));
            info.groups++;
          }
        }
      });
      if (snapshot.watermark !== null && snapshot.watermark > watermark) watermark = snapshot.watermark;
    },
    finalize,
    end: finalize,
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
  const byValue = alertValue(b) - alertValue(a) || cmp(a.time, b.time);
  if (byValue !== 0) return byValue;
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
