/**
 * The streaming evaluator: events in, alerts out. Pure and deterministic: no I/O, no clock. Memory is the number
 * of open (rule, group keys, bucket) groups, whatever the input size.
 */
import { ACTIONS, type Action, type NetworkEvent } from '../model/event.js';
import type { Alert } from '../model/alert.js';
import { createClassifier, inCidrSet, judgesEmbeddedIpv4, type Classifier } from '../net/classify.js';
import { CidrSet } from '../net/cidr.js';
import { binMs as floorToBin } from '../time/bin.js';
import { formatTime } from '../time/parse.js';
import { canonicalEvent } from './events.js';
import type { EventField, Predicate, QueryPlan, ThresholdOp } from './plan.js';

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
  }
}

const COMPARE: Record<ThresholdOp, (count: number, value: number) => boolean> = {
  gt: (c, v) => c > v,
  gte: (c, v) => c >= v,
  lt: (c, v) => c < v,
  lte: (c, v) => c <= v,
  eq: (c, v) => c === v,
  neq: (c, v) => c !== v,
};

interface Group {
  keys: (string | number | undefined)[];
  bucket: number;
  count: number;
  first: number;
  last: number;
  /** Distinct values; arrays, not Sets: a group usually sees one or two, and a Set costs far more memory. */
  ports: number[];
  actions: Partial<Record<Action, number>>;
  devices: string[];
}

/**
 * Add `value` unless present. Linear, which is right for the handful of ports and devices a group sees; a group
 * fed thousands of distinct device names (hostile input) costs time, never more memory than the names themselves.
 */
function addDistinct<T>(list: T[], value: T): void {
  if (!list.includes(value)) list.push(value);
}

interface CompiledPlan {
  plan: QueryPlan;
  test: Test;
  groups: Map<string, Group>;
}

export interface EngineInfo {
  /** Events pushed. */
  events: number;
  /** Events that matched at least one rule. */
  matched: number;
  /** Open groups, all rules. */
  groups: number;
}

export interface Engine {
  /**
   * Count one event. Unless the engine is `trusted`, the event is first checked and canonicalised (see
   * canonicalEvent): a DicomwatchError `BAD_EVENT` naming the field, and the event is not counted.
   */
  push(event: NetworkEvent): void;
  /** Close all groups: alerts that meet their thresholds, in alert order. */
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
  const compiled: CompiledPlan[] = plans.map((plan) => ({
    plan,
    test: compilePredicate(plan.filter, createClassifier(plan.network), judgesEmbeddedIpv4(plan.network.semantics)),
    groups: new Map(),
  }));
  const info: EngineInfo = { events: 0, matched: 0, groups: 0 };

  /** Count an event already in canonical form. */
  const count = (event: NetworkEvent): void => {
    info.events++;
    let matched = false;
    let ms: number | undefined;
    for (const c of compiled) {
      if (c.test(event) !== true) continue;
      matched = true;
      ms ??= Date.parse(event.time);
      const bucket = floorToBin(ms, c.plan.binMs);
      const keys = c.plan.groupBy.map((f) => event[f]);
      const id = `${bucket}\u0000${keys.join('\u0000')}`;
      let g = c.groups.get(id);
      if (!g) {
        g = { keys, bucket, count: 0, first: ms, last: ms, ports: [], actions: {}, devices: [] };
        c.groups.set(id, g);
        info.groups++;
      }
      g.count++;
      if (ms < g.first) g.first = ms;
      if (ms > g.last) g.last = ms;
      if (event.dstPort !== undefined) addDistinct(g.ports, event.dstPort);
      if (event.action) g.actions[event.action] = (g.actions[event.action] ?? 0) + 1;
      if (event.device) addDistinct(g.devices, event.device);
    }
    if (matched) info.matched++;
  };

  return {
    info,
    // Chosen once, so the trusted path pays nothing per event.
    push: options.trusted ? count : (event) => count(canonicalEvent(event)),
    end() {
      const alerts: Alert[] = [];
      for (const c of compiled) {
        const passes = COMPARE[c.plan.threshold.op];
        const srcAt = c.plan.groupBy.indexOf('srcIp');
        const dstAt = c.plan.groupBy.indexOf('dstIp');
        for (const g of c.groups.values()) {
          if (!passes(g.count, c.plan.threshold.value)) continue;
          alerts.push({
            rule: c.plan.rule.name,
            time: formatTime(g.bucket),
            srcIp: srcAt >= 0 ? String(g.keys[srcAt] ?? '') : '',
            dstIp: dstAt >= 0 ? String(g.keys[dstAt] ?? '') : '',
            count: g.count,
            firstSeen: formatTime(g.first),
            lastSeen: formatTime(g.last),
            dstPorts: [...g.ports].sort((a, b) => a - b),
            // a fixed key order, so the alert JSON does not depend on the order the events came in
            actions: Object.fromEntries(ACTIONS.filter((a) => g.actions[a] !== undefined).map((a) => [a, g.actions[a]])),
            severity: c.plan.rule.level,
            devices: [...g.devices].sort(),
          });
        }
      }
      return alerts.sort(compareAlerts);
    },
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** count desc, then bucket, source, destination, rule: deterministic where KQL's `order by count_ desc` is not. */
export function compareAlerts(a: Alert, b: Alert): number {
  return b.count - a.count || cmp(a.time, b.time) || cmp(a.srcIp, b.srcIp) || cmp(a.dstIp, b.dstIp) || cmp(a.rule, b.rule);
}

/** Run plans over a finite list of events (tests, small inputs). */
export function evaluate(plans: readonly QueryPlan[], events: Iterable<NetworkEvent>, options: EngineOptions = {}): Alert[] {
  const engine = createEngine(plans, options);
  for (const e of events) engine.push(e);
  return engine.end();
}
