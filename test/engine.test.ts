/**
 * The rules engine against a deliberately naive oracle written here, plus unit tests of its logic.
 *
 * The oracle does not import src/net: it reimplements `ipv4_is_private` from RFC 1918 with string/number math,
 * and strict mode as plain membership tests over the range DATA of src/net/ranges.ts (BigInt for IPv6).
 */
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Action, NetworkEvent } from '../src/model/event.js';
import type { Alert } from '../src/model/alert.js';
import { compareAlerts, compilePredicate, createEngine, evaluate } from '../src/rules/engine.js';
import { canonicalEvent } from '../src/rules/events.js';
import { loadRules } from '../src/rules/load.js';
import type { Predicate, QueryPlan, Semantics, ThresholdOp } from '../src/rules/plan.js';
import { requiredDstPorts } from '../src/rules/compile.js';
import { STRICT_INTERNAL_V4, STRICT_INTERNAL_V6 } from '../src/net/ranges.js';
import { createClassifier } from '../src/net/classify.js';
import { parseText } from '../src/parsers/record-parser.js';
import type { Prefilter, RecordOutcome } from '../src/parsers/types.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// the reference rule alone: this suite is about the advisory's hunt (the pack: test/rule-pack.test.ts)
const RULES = `${ROOT}rules/dicom-external-access.yml`;
const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 2, 16, 8); // 2026-03-16T08:00:00.000Z

// ---------------------------------------------------------------------------------------------------------------
// The naive oracle
// ---------------------------------------------------------------------------------------------------------------

/** Dotted quad → number, or null when the text is not a strict IPv4 address (what Kusto's parse gives null for). */
function v4Number(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** KQL's ipv4_is_private: RFC 1918 by octets; null for anything that is not IPv4 text. */
function ipv4IsPrivateNaive(text: string): boolean | null {
  if (v4Number(text) === null) return null;
  const [a, b] = text.split('.').map(Number) as [number, number];
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

/** Canonical IPv6 text (RFC 5952, maybe with a dotted tail) → 128-bit integer. */
function v6Number(text: string): bigint {
  let s = text;
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (tail) {
    const n = v4Number(tail[2]!)!;
    s = `${tail[1]}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const halves = s.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 ? (halves[1] ? halves[1].split(':') : []) : undefined;
  const groups = rest === undefined ? head : [...head, ...Array<string>(8 - head.length - rest.length).fill('0'), ...rest];
  if (groups.length !== 8) throw new Error(`test bug: ${text}`);
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}

function inV4(n: number, cidr: string): boolean {
  const [net, len] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(len));
  return Math.floor(n / size) === Math.floor(v4Number(net)! / size);
}

function inV6(v: bigint, cidr: string): boolean {
  const [net, len] = cidr.split('/') as [string, string];
  const shift = BigInt(128 - Number(len));
  return v >> shift === v6Number(net) >> shift;
}

const isV6Cidr = (c: string) => c.includes(':');

/** The IPv4 address inside ::ffff:0:0/96 (mapped) or ::/96 (compatible), else null. */
function embedded(v: bigint): number | null {
  const high = v >> 32n;
  return high === 0xffffn || high === 0n ? Number(v & 0xffffffffn) : null;
}

interface Options {
  semantics: Semantics;
  ports?: number[];
  allow: string[];
  internal: string[];
}

/** In any of the CIDRs; in strict mode an IPv4-mapped/compatible address also counts as its IPv4 address. */
function inAny(ip: string, cidrs: readonly string[], embed: boolean): boolean {
  const n = v4Number(ip);
  if (n !== null) return cidrs.some((c) => !isV6Cidr(c) && inV4(n, c));
  const v = v6Number(ip);
  if (cidrs.some((c) => isV6Cidr(c) && inV6(v, c))) return true;
  const e = embed ? embedded(v) : null;
  return e !== null && cidrs.some((c) => !isV6Cidr(c) && inV4(e, c));
}

/** Should this event's source count as external (and not allowed)? */
function keepSource(ip: string, o: Options): boolean {
  if (o.semantics === 'kql') {
    // | where ipv4_is_private(SourceIP) == false     (null == false is false: IPv6 rows drop)
    const priv = ipv4IsPrivateNaive(ip);
    if (priv !== false) return false;
    const n = v4Number(ip)!;
    if (o.internal.some((c) => !isV6Cidr(c) && inV4(n, c))) return false;
    return !o.allow.some((c) => !isV6Cidr(c) && inV4(n, c));
  }
  if (inAny(ip, [...STRICT_INTERNAL_V4, ...STRICT_INTERNAL_V6, ...o.internal], true)) return false;
  return !inAny(ip, o.allow, true);
}

const ACTION_ORDER: Action[] = ['allow', 'deny', 'drop', 'reset'];

function naive(events: readonly NetworkEvent[], o: Options): Alert[] {
  const ports = o.ports ?? [104];
  const groups: Record<string, NetworkEvent[]> = {};
  for (const e of events) {
    // | where DestinationPort == DICOMPort        (null == 104 is false)
    if (e.dstPort === undefined || !ports.includes(e.dstPort)) continue;
    if (!keepSource(e.srcIp, o)) continue;
    const ms = e.time;
    const bucket = Math.floor(ms / HOUR) * HOUR;
    const key = JSON.stringify([e.srcIp, e.dstIp, bucket]);
    (groups[key] ??= []).push(e);
  }
  const alerts: Alert[] = Object.entries(groups).map(([key, list]) => {
    const [srcIp, dstIp, bucket] = JSON.parse(key) as [string, string, number];
    const times = list.map((e) => e.time);
    const actions: Partial<Record<Action, number>> = {};
    for (const a of ACTION_ORDER) {
      const n = list.filter((e) => e.action === a).length;
      if (n > 0) actions[a] = n;
    }
    return {
      rule: 'dicom-external-access',
      time: new Date(bucket).toISOString(),
      srcIp,
      dstIp,
      count: list.length,
      firstSeen: new Date(Math.min(...times)).toISOString(),
      lastSeen: new Date(Math.max(...times)).toISOString(),
      dstPorts: [...new Set(list.map((e) => e.dstPort!))].sort((a, b) => a - b),
      actions,
      severity: 'high',
      devices: [...new Set(list.flatMap((e) => (e.device ? [e.device] : [])))].sort(),
    };
  });
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return alerts.sort((a, b) => b.count - a.count || cmp(a.time, b.time) || cmp(a.srcIp!, b.srcIp!) || cmp(a.dstIp!, b.dstIp!));
}

// ---------------------------------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------------------------------

/** Canonical sources around every boundary that matters in either mode. */
const SOURCES = [
  // RFC 1918 and its neighbours
  '10.0.0.0', '10.1.2.3', '10.255.255.255', '9.255.255.255', '11.0.0.0',
  '172.15.255.255', '172.16.0.0', '172.16.5.5', '172.31.255.255', '172.32.0.0',
  '192.167.255.255', '192.168.0.0', '192.168.50.12', '192.168.255.255', '192.169.0.0', '192.169.1.1',
  // shared address space 100.64/10 and neighbours
  '100.63.255.255', '100.64.0.0', '100.64.12.34', '100.127.255.255', '100.128.0.0',
  // loopback, link-local, this-network, multicast, broadcast
  '127.0.0.1', '126.255.255.255', '128.0.0.0', '169.254.7.7', '169.253.255.255', '169.255.0.0',
  '0.0.0.0', '0.255.255.255', '1.0.0.0', '224.0.0.1', '239.255.255.255', '240.0.0.1', '223.255.255.255',
  '255.255.255.255', '255.255.255.254',
  // documentation, benchmarking, public
  '192.0.2.44', '198.51.100.23', '203.0.113.7', '203.0.113.50', '203.0.113.200', '198.18.0.1', '8.8.4.4', '1.1.1.1',
  // IPv6: global, documentation, ULA and neighbours, link-local and neighbours, loopback, unspecified, multicast
  '2001:db8::1', '2001:db8:dead:beef::7', '2606:4700::1111', 'fc00::1', 'fd12:3456::1', 'fbff:ffff::1', 'fe00::1',
  'fe80::1', 'febf:ffff::1', 'fec0::1', '::1', '::', '::2', 'ff02::1', '64:ff9b::a00:1',
  // IPv4-mapped and IPv4-compatible
  '::ffff:10.9.9.9', '::ffff:192.168.1.1', '::ffff:172.16.0.1', '::ffff:172.32.0.1', '::ffff:100.64.0.1',
  '::ffff:127.0.0.1', '::ffff:203.0.113.50', '::ffff:198.51.100.5', '::ffff:8.8.8.8', '::a00:1', '::808:808',
] as const;

const DESTINATIONS = ['10.1.2.3', '10.1.2.4', '2001:db8:100::10', '192.0.2.10'] as const;
const PORTS = [104, 1104, 11112, 80, 10400, undefined] as const;

const timeArb = fc
  .tuple(
    fc.integer({ min: 0, max: 3 }),
    fc.oneof(
      fc.constant(0), // exactly on the hour
      fc.constant(HOUR - 1), // the last millisecond before the next hour
      fc.constant(1),
      fc.integer({ min: 0, max: HOUR - 1 }),
    ),
  )
  .map(([h, ms]) => new Date(BASE + h * HOUR + ms).toISOString());

const eventArb: fc.Arbitrary<NetworkEvent> = fc
  .record({
    time: timeArb,
    srcIp: fc.constantFrom(...SOURCES),
    dstIp: fc.constantFrom(...DESTINATIONS),
    dstPort: fc.constantFrom(...PORTS),
    srcPort: fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }),
    protocol: fc.constantFrom('tcp', 'udp', undefined),
    action: fc.constantFrom<Action | undefined>('allow', 'deny', 'drop', 'reset', undefined),
    device: fc.constantFrom('fw01', 'fw02, edge', 'core', undefined),
  })
  .map((r) => {
    const e: NetworkEvent = { time: Date.parse(r.time), srcIp: r.srcIp, dstIp: r.dstIp, format: 'test', file: 'gen', line: 1 };
    for (const k of ['dstPort', 'srcPort', 'protocol', 'action', 'device'] as const) {
      if (r[k] !== undefined) (e as unknown as Record<string, unknown>)[k] = r[k];
    }
    return e;
  });

/** Few sources, destinations and hours, so groups get several events (counts, actions, devices, ports). */
const denseEventArb: fc.Arbitrary<NetworkEvent> = fc
  .record({
    base: eventArb,
    srcIp: fc.constantFrom('203.0.113.7', '::ffff:203.0.113.50', '100.64.0.1', '2001:db8::1', '10.1.2.3'),
    dstIp: fc.constantFrom('10.1.2.3', '10.1.2.4'),
    time: fc.constantFrom(BASE, BASE + HOUR - 1, BASE + HOUR, BASE + 2 * HOUR - 1, BASE + 1234567).map((ms) => new Date(ms).toISOString()),
    dstPort: fc.constantFrom(104, 11112, 104, undefined),
  })
  .map(({ base, srcIp, dstIp, time, dstPort }) => {
    const e: NetworkEvent = { ...base, srcIp, dstIp, time: Date.parse(time) };
    if (dstPort === undefined) delete e.dstPort;
    else e.dstPort = dstPort;
    return e;
  });

const eventsArb = fc.oneof(fc.array(eventArb, { maxLength: 60 }), fc.array(denseEventArb, { maxLength: 40 }));

const optionsArb: fc.Arbitrary<Options> = fc.record({
  semantics: fc.constantFrom<Semantics>('strict', 'kql'),
  ports: fc.constantFrom<number[] | undefined>(undefined, [104, 11112], [11112]),
  allow: fc.constantFrom<string[]>([], ['203.0.113.0/24'], ['198.51.100.0/24', '2001:db8:dead::/48'], ['8.8.4.4/32', '0.0.0.0/8']),
  internal: fc.constantFrom<string[]>(
    [],
    ['198.18.0.0/15'],
    ['203.0.113.0/25', '2001:db8::/32'],
    ['8.0.0.0/7', 'fe00::/9'],
  ),
});

const planCache = new Map<string, Promise<QueryPlan[]>>();
function plansFor(o: Options): Promise<QueryPlan[]> {
  const key = JSON.stringify(o);
  let p = planCache.get(key);
  if (!p) {
    p = loadRules(RULES, { ...(o.ports ? { ports: o.ports } : {}), allow: o.allow }, { semantics: o.semantics, internal: o.internal }).then(
      (l) => l.plans,
    );
    planCache.set(key, p);
  }
  return p;
}

// ---------------------------------------------------------------------------------------------------------------
// Differential tests
// ---------------------------------------------------------------------------------------------------------------

describe('engine vs a naive reimplementation of the KQL', () => {
  it('the oracle itself gets the traps right', () => {
    expect(ipv4IsPrivateNaive('172.15.255.255')).toBe(false);
    expect(ipv4IsPrivateNaive('172.31.255.255')).toBe(true);
    expect(ipv4IsPrivateNaive('100.64.0.0')).toBe(false);
    expect(ipv4IsPrivateNaive('::ffff:10.9.9.9')).toBe(null);
    expect(v6Number('::ffff:10.1.2.3')).toBe(0xffff0a010203n);
    expect(v6Number('fe80::1')).toBe((0xfe80n << 112n) | 1n);
    const strict: Options = { semantics: 'strict', allow: [], internal: [] };
    expect(keepSource('100.64.0.0', strict)).toBe(false);
    expect(keepSource('::ffff:10.9.9.9', strict)).toBe(false);
    expect(keepSource('::ffff:203.0.113.50', strict)).toBe(true);
    expect(keepSource('::a00:1', strict)).toBe(false);
    expect(keepSource('fec0::1', strict)).toBe(true);
    expect(keepSource('febf:ffff::1', strict)).toBe(false);
    expect(keepSource('fbff:ffff::1', strict)).toBe(true);
    expect(keepSource('100.64.0.0', { ...strict, semantics: 'kql' })).toBe(true);
  });

  it('the shipped rule compiles to one plan named dicom-external-access', async () => {
    const plans = await plansFor({ semantics: 'strict', allow: [], internal: [] });
    expect(plans.map((p) => [p.rule.name, p.rule.level, p.binMs, p.groupBy, p.threshold])).toEqual([
      ['dicom-external-access', 'high', HOUR, ['srcIp', 'dstIp'], { op: 'gte', value: 1 }],
    ]);
  });

  for (const semantics of ['kql', 'strict'] as const) {
    it(`default options, ${semantics}`, async () => {
      const o: Options = { semantics, allow: [], internal: [] };
      const plans = await plansFor(o);
      await fc.assert(
        fc.asyncProperty(eventsArb, async (events) => {
          expect(evaluate(plans, events)).toEqual(naive(events, o));
        }),
        { numRuns: 300 },
      );
    });
  }

  it('every option combination (ports, allow, internal v4/v6), both semantics', async () => {
    await fc.assert(
      fc.asyncProperty(optionsArb, eventsArb, async (o, events) => {
        const plans = await plansFor(o);
        expect(evaluate(plans, events)).toEqual(naive(events, o));
      }),
      { numRuns: 600 },
    );
  });

  it('hand-picked cases the generator might miss', async () => {
    const ev = (srcIp: string, time: string, extra: Partial<NetworkEvent> = {}): NetworkEvent => ({
      time: Date.parse(time), srcIp, dstIp: '10.1.2.3', dstPort: 104, format: 'test', file: 'x', line: 1, ...extra,
    });
    const events = [
      ev('203.0.113.7', '2026-03-16T10:59:59.999Z', { action: 'deny' }),
      ev('203.0.113.7', '2026-03-16T11:00:00.000Z', { action: 'allow' }),
      ev('::ffff:203.0.113.50', '2026-03-16T10:00:00.000Z'),
      ev('2001:db8::1', '2026-03-16T10:00:00.000Z'),
      ev('100.64.0.1', '2026-03-16T10:00:00.000Z'),
      ev('8.8.8.8', '2026-03-16T10:00:00.000Z', { dstPort: undefined }),
    ];
    for (const o of [
      { semantics: 'kql', allow: [], internal: [] },
      { semantics: 'strict', allow: [], internal: [] },
      { semantics: 'strict', allow: ['203.0.113.0/24'], internal: [] },
      { semantics: 'strict', allow: [], internal: ['2001:db8::/32', '203.0.113.0/24'] },
    ] as Options[]) {
      expect(evaluate(await plansFor(o), events)).toEqual(naive(events, o));
    }
    const strict = evaluate(await plansFor({ semantics: 'strict', allow: [], internal: [] }), events);
    expect(strict.map((a) => `${a.srcIp} ${a.time} ${a.count}`)).toEqual([
      '2001:db8::1 2026-03-16T10:00:00.000Z 1',
      '203.0.113.7 2026-03-16T10:00:00.000Z 1',
      '::ffff:203.0.113.50 2026-03-16T10:00:00.000Z 1',
      '203.0.113.7 2026-03-16T11:00:00.000Z 1',
    ]);
    // --allow 203.0.113.0/24 also covers the IPv4-mapped form in strict mode (as the KQL emitter renders it)
    const allowed = evaluate(await plansFor({ semantics: 'strict', allow: ['203.0.113.0/24'], internal: [] }), events);
    expect(allowed.map((a) => a.srcIp)).toEqual(['2001:db8::1']);
    const kql = evaluate(await plansFor({ semantics: 'kql', allow: [], internal: [] }), events);
    expect(kql.map((a) => `${a.srcIp} ${a.time}`)).toEqual([
      '100.64.0.1 2026-03-16T10:00:00.000Z',
      '203.0.113.7 2026-03-16T10:00:00.000Z',
      '203.0.113.7 2026-03-16T11:00:00.000Z',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Unit tests of the engine's logic
// ---------------------------------------------------------------------------------------------------------------

function event(extra: Partial<NetworkEvent> = {}): NetworkEvent {
  return { time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, format: 'test', file: 'x', line: 1, ...extra };
}

function customPlan(filter: Predicate, over: Partial<QueryPlan> = {}): QueryPlan {
  return {
    rule: { name: 'custom', title: 'custom', level: 'low', file: 'inline' },
    sources: [{ rule: { name: 'custom', file: 'inline' }, filter }],
    filter,
    network: { semantics: 'strict', internal: [] },
    groupBy: ['srcIp', 'dstIp'],
    binMs: HOUR,
    aggregate: { kind: 'count' },
    threshold: { op: 'gte', value: 1 },
    ...over,
  };
}

describe('three-valued logic', () => {
  const kql = createClassifier({ semantics: 'kql', internal: [] });
  const truth = (p: Predicate, e: NetworkEvent, classifier = kql) => compilePredicate(p, classifier)(e);
  const internal: Predicate = { kind: 'internal', field: 'srcIp' };
  const TRUE: Predicate = { kind: 'equals', field: 'dstPort', values: [104] };
  const FALSE: Predicate = { kind: 'equals', field: 'dstPort', values: [80] };
  const v6 = event({ srcIp: '2001:db8::1' });

  it('an internal test on IPv6 in kql mode is unknown, and so is its negation (and double negation)', () => {
    expect(truth(internal, v6)).toBe(null);
    expect(truth({ kind: 'not', item: internal }, v6)).toBe(null);
    expect(truth({ kind: 'not', item: { kind: 'not', item: internal } }, v6)).toBe(null);
    expect(truth({ kind: 'not', item: internal }, event({ srcIp: '10.0.0.1' }))).toBe(false);
    expect(truth({ kind: 'not', item: internal }, event({ srcIp: '100.64.0.1' }))).toBe(true);
  });

  it('Kleene and/or: false absorbs and, true absorbs or, otherwise unknown stays unknown', () => {
    expect(truth({ kind: 'and', items: [TRUE, internal] }, v6)).toBe(null);
    expect(truth({ kind: 'and', items: [internal, FALSE] }, v6)).toBe(false);
    expect(truth({ kind: 'or', items: [internal, TRUE] }, v6)).toBe(true);
    expect(truth({ kind: 'or', items: [FALSE, internal] }, v6)).toBe(null);
    expect(truth({ kind: 'and', items: [TRUE, TRUE] }, v6)).toBe(true);
    expect(truth({ kind: 'or', items: [FALSE, FALSE] }, v6)).toBe(false);
  });

  it('an unknown filter drops the row, exactly like false', () => {
    const plan = customPlan({ kind: 'and', items: [TRUE, { kind: 'not', item: internal }] }, { network: { semantics: 'kql', internal: [] } });
    const alerts = evaluate([plan], [v6, v6, event({ srcIp: '8.8.8.8' })]);
    expect(alerts.map((a) => [a.srcIp, a.count])).toEqual([['8.8.8.8', 1]]);
  });

  it('strict mode judges every address: IPv6 ULA internal, global external', () => {
    const strict = createClassifier({ semantics: 'strict', internal: [] });
    expect(truth({ kind: 'not', item: internal }, event({ srcIp: 'fd00::1' }), strict)).toBe(false);
    expect(truth({ kind: 'not', item: internal }, v6, strict)).toBe(true);
  });

  it('equality with an absent port is false (Kusto: null == 104 is false, null != 104 is true)', () => {
    const noPort = event({ dstPort: undefined });
    expect(truth(TRUE, noPort)).toBe(false);
    expect(truth({ kind: 'not', item: TRUE }, noPort)).toBe(true);
    // a rule "not src_port 104" keeps an event whose log carries no source port, as the emitted KQL does
    const plan = customPlan({ kind: 'not', item: { kind: 'equals', field: 'srcPort', values: [104] } });
    expect(evaluate([plan], [event(), event({ srcPort: 104 }), event({ srcPort: 5000 })]).map((a) => a.count)).toEqual([2]);
  });

  it('an absent string field equals nothing; a cidr test on an absent field is unknown', () => {
    expect(truth({ kind: 'equals', field: 'action', values: ['deny'] }, event())).toBe(false);
    expect(truth({ kind: 'equals', field: 'action', values: ['deny'] }, event({ action: 'deny' }))).toBe(true);
    expect(truth({ kind: 'cidr', field: 'device', cidrs: ['10.0.0.0/8'] }, event())).toBe(null);
    expect(truth({ kind: 'not', item: { kind: 'cidr', field: 'device', cidrs: ['10.0.0.0/8'] } }, event())).toBe(null);
  });
});

describe('thresholds, bins, ordering', () => {
  // groups of 1, 2 and 3 events
  const events = [
    event({ srcIp: '198.51.100.1' }),
    event({ srcIp: '198.51.100.2' }),
    event({ srcIp: '198.51.100.2', time: Date.parse('2026-03-16T10:59:59.999Z') }),
    event({ srcIp: '198.51.100.3' }),
    event({ srcIp: '198.51.100.3' }),
    event({ srcIp: '198.51.100.3' }),
    event({ srcIp: '198.51.100.4', dstPort: 80 }), // never matches
  ];
  const TRUE: Predicate = { kind: 'equals', field: 'dstPort', values: [104] };
  const counts = (op: ThresholdOp, value: number) =>
    evaluate([customPlan(TRUE, { threshold: { op, value } })], events).map((a) => `${a.srcIp}=${a.count}`);

  it.each<[ThresholdOp, number, string[]]>([
    ['gt', 2, ['198.51.100.3=3']],
    ['lt', 2, ['198.51.100.1=1']],
    ['eq', 2, ['198.51.100.2=2']],
    ['neq', 2, ['198.51.100.3=3', '198.51.100.1=1']],
    ['gte', 2, ['198.51.100.3=3', '198.51.100.2=2']],
    ['lte', 2, ['198.51.100.2=2', '198.51.100.1=1']],
    ['gte', 1, ['198.51.100.3=3', '198.51.100.2=2', '198.51.100.1=1']],
    ['gt', 3, []],
  ])('count %s %d', (op, value, expected) => {
    expect(counts(op, value)).toEqual(expected);
  });

  it('a 30-minute bin splits at :30 exactly', () => {
    const plan = customPlan(TRUE, { binMs: 30 * 60_000 });
    const alerts = evaluate([plan], [
      event({ time: Date.parse('2026-03-16T10:29:59.999Z') }),
      event({ time: Date.parse('2026-03-16T10:00:00.000Z') }),
      event({ time: Date.parse('2026-03-16T10:30:00.000Z') }),
      event({ time: Date.parse('2026-03-16T10:59:59.999Z') }),
      event({ time: Date.parse('2026-03-16T11:00:00.000Z') }),
    ]);
    expect(alerts.map((a) => [a.time, a.count, a.firstSeen, a.lastSeen])).toEqual([
      ['2026-03-16T10:00:00.000Z', 2, '2026-03-16T10:00:00.000Z', '2026-03-16T10:29:59.999Z'],
      ['2026-03-16T10:30:00.000Z', 2, '2026-03-16T10:30:00.000Z', '2026-03-16T10:59:59.999Z'],
      ['2026-03-16T11:00:00.000Z', 1, '2026-03-16T11:00:00.000Z', '2026-03-16T11:00:00.000Z'],
    ]);
  });

  it('group-by keys other than source/destination (dst_port) make separate groups', () => {
    const plan = customPlan({ kind: 'equals', field: 'dstPort', values: [104, 11112] }, { groupBy: ['srcIp', 'dstIp', 'dstPort'] });
    const alerts = evaluate([plan], [event(), event({ dstPort: 11112 }), event()]);
    expect(alerts.map((a) => [a.count, a.dstPorts])).toEqual([[2, [104]], [1, [11112]]]);
  });

  it('alerts come in compareAlerts order, times in years before 0000 and after 9999 and fractional ones included', () => {
    const YEAR = 365.25 * 24 * HOUR;
    const timeArb = fc.oneof(
      fc.integer({ min: BASE, max: BASE + 5 * HOUR }),
      fc.constantFrom(Date.UTC(-1, 11, 31, 23, 30), Date.UTC(0, 0, 1) - 3 * YEAR * 1900, -62_167_219_200_000, 253_402_300_799_999,
        253_402_300_800_000 + HOUR, 8.64e15 - 1, -8.64e15, BASE + 0.5, BASE + HOUR - 0.25),
    );
    const plans = [
      customPlan(TRUE, { groupBy: ['srcIp', 'dstIp', 'dstPort'] }),
      customPlan(TRUE, { rule: { name: 'by-source', title: 't', level: 'low', file: 'inline' }, groupBy: ['srcIp'] }),
      customPlan(TRUE, { rule: { name: 'dcount', title: 't', level: 'low', file: 'inline' }, groupBy: ['dstIp'], aggregate: { kind: 'dcount', field: 'srcIp' } }),
    ];
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: timeArb, srcIp: fc.constantFrom('198.51.100.1', '198.51.100.2', '2001:db8::1'), dstPort: fc.constantFrom(104, 104, 80) }), { maxLength: 40 }),
        (given) => {
          const alerts = evaluate(plans, given.map((g) => event(g)), { trusted: true });
          expect(alerts).toEqual([...alerts].sort(compareAlerts));
        },
      ),
    );
  });

  it('endLazily lists end()\'s alerts, builds each one when read, and reads the same twice', () => {
    const plans = [
      customPlan(TRUE, { groupBy: ['srcIp', 'dstIp', 'dstPort'] }),
      customPlan(TRUE, { rule: { name: 'dcount', title: 't', level: 'low', file: 'inline' }, groupBy: ['dstIp'], aggregate: { kind: 'dcount', field: 'srcIp' } }),
    ];
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: fc.integer({ min: BASE, max: BASE + 3 * HOUR }), srcIp: fc.constantFrom('198.51.100.1', '198.51.100.2', '2001:db8::1'), dstPort: fc.constantFrom(104, 11112) }), { maxLength: 30 }),
        (given) => {
          const events = given.map((g) => event(g));
          const expected = evaluate(plans, events, { trusted: true });
          const engine = createEngine(plans, { trusted: true });
          for (const e of events) engine.push(e);
          const list = engine.endLazily();
          expect(engine.info.groups).toBe(0); // the groups are forgotten by the engine (the list holds them)
          expect(list.length).toBe(expected.length);
          expect([...list]).toEqual(expected);
          expect([...list]).toEqual(expected);
          expect(Array.from({ length: list.length }, (_, i) => list.at(i))).toEqual(expected);
          if (list.length > 0) expect(list.at(0)).not.toBe(list.at(0)); // a new object each read: nothing kept
          for (const outside of [-1, list.length, 0.5, Number.NaN]) expect(list.at(outside)).toBeUndefined();
          expect([...engine.endLazily()]).toEqual([]); // nothing is left open
        },
      ),
    );
  });

  it('a group keeps the values it saw: one, several, and more than an array holds (a Set), through snapshot and merge', () => {
    const plan = customPlan(TRUE, { groupBy: ['dstIp'], aggregate: { kind: 'dcount', field: 'srcPort' }, threshold: { op: 'gte', value: 0 } });
    fc.assert(
      fc.property(
        fc.array(fc.record({ srcPort: fc.integer({ min: 1, max: 40 }), device: fc.constantFrom('fw01', 'fw02', 'core'), action: fc.constantFrom<Action>('allow', 'deny') }), { minLength: 1, maxLength: 80, size: 'max' }),
        fc.nat(),
        (given, cut) => {
          const events = given.map((g) => event(g));
          const [alert] = evaluate([plan], events);
          const ports = new Set(given.map((g) => g.srcPort));
          expect(alert!.value).toBe(ports.size);
          expect(alert!.devices).toEqual([...new Set(given.map((g) => g.device))].sort());
          const allows = given.filter((g) => g.action === 'allow').length;
          expect(alert!.actions).toEqual({ ...(allows > 0 ? { allow: allows } : {}), ...(allows < given.length ? { deny: given.length - allows } : {}) });
          // the same events in two engines, one merged into the other through its snapshot's JSON
          const at = cut % (events.length + 1);
          const a = createEngine([plan]);
          const b = createEngine([plan]);
          events.slice(0, at).forEach((e) => a.push(e));
          events.slice(at).forEach((e) => b.push(e));
          a.merge(JSON.parse(JSON.stringify(b.snapshot())));
          expect(a.end()).toEqual([alert]);
        },
      ),
      // 40 distinct ports, each seen twice, cut in the middle: arrays become Sets before and after the merge
      { examples: [[[...Array(80).keys()].map((i) => ({ srcPort: (i % 40) + 1, device: 'fw01', action: 'deny' as Action })), 41]] },
    );
  });

  it('engine.info counts events, matched events and open groups', () => {
    const engine = createEngine([customPlan(TRUE)]);
    for (const e of events) engine.push(e);
    expect(engine.info).toEqual({ events: 7, matched: 6, groups: 3, late: 0 });
    expect(engine.end()).toHaveLength(3);
  });
});

describe('determinism', () => {
  it('shuffled input gives byte-identical alerts', async () => {
    await fc.assert(
      fc.asyncProperty(optionsArb, eventsArb, fc.integer(), async (o, events, seed) => {
        const plans = await plansFor(o);
        const shuffled = [...events];
        let s = seed >>> 0;
        for (let i = shuffled.length - 1; i > 0; i--) {
          s = (Math.imul(s, 1103515245) + 12345) >>> 0;
          const j = s % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(JSON.stringify(evaluate(plans, shuffled))).toBe(JSON.stringify(evaluate(plans, events)));
      }),
      { numRuns: 300 },
    );
  });

  it('canonical events pass the validating push unchanged: it and the trusted path give the same alerts', async () => {
    await fc.assert(
      fc.asyncProperty(optionsArb, eventsArb, async (o, events) => {
        for (const e of events) expect(canonicalEvent(e)).toBe(e); // no copy for an event already canonical
        const plans = await plansFor(o);
        expect(evaluate(plans, events)).toEqual(evaluate(plans, events, { trusted: true }));
      }),
      { numRuns: 200 },
    );
  });

  it('parsed events are canonical: the parsers\' output passes the validating push unchanged', () => {
    const text = readFileSync(`${ROOT}fixtures/sentinel-export.csv`, 'utf8');
    const events = eventsOf(parseText(text, { file: 'fixtures/sentinel-export.csv', tz: 'UTC' }).outcomes);
    expect(events.length).toBeGreaterThan(0);
    for (const e of events) expect(canonicalEvent(e)).toBe(e);
  });

  it('actions are listed in a fixed order whatever the event order', async () => {
    const plans = await plansFor({ semantics: 'strict', allow: [], internal: [] });
    const a = evaluate(plans, [event({ action: 'deny' }), event({ action: 'allow' })]);
    const b = evaluate(plans, [event({ action: 'allow' }), event({ action: 'deny' })]);
    expect(JSON.stringify(a[0]!.actions)).toBe('{"allow":1,"deny":1}');
    expect(JSON.stringify(b[0]!.actions)).toBe('{"allow":1,"deny":1}');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The pre-filter path gives the same matched events as the full parse
// ---------------------------------------------------------------------------------------------------------------

function eventsOf(outcomes: RecordOutcome[]): NetworkEvent[] {
  return outcomes.flatMap((o) => (o.kind === 'events' ? o.events : []));
}

async function comparePaths(text: string, file: string, plans: QueryPlan[]) {
  const prefilter: Prefilter = { dstPorts: new Set([...plans.flatMap((p) => [...(requiredDstPorts(p.filter) ?? [])])]) };
  const full = parseText(text, { file, tz: 'UTC' });
  const filtered = parseText(text, { file, tz: 'UTC', prefilter });
  const matches = (events: NetworkEvent[]) => {
    const tests = plans.map((p) => compilePredicate(p.filter, createClassifier(p.network), p.network.semantics === 'strict'));
    return events.filter((e) => tests.some((t) => t(e) === true));
  };
  for (const r of [full, filtered]) {
    expect(r.info.records).toBe(r.info.parsed + r.info.skipped + r.info.errors);
    expect(r.outcomes).toHaveLength(r.info.records);
    expect(r.info.events).toBe(eventsOf(r.outcomes).length);
  }
  expect(full.info.records).toBe(filtered.info.records);
  expect(full.info.skippedBy.FILTERED ?? 0).toBe(0);
  expect(matches(eventsOf(filtered.outcomes))).toEqual(matches(eventsOf(full.outcomes)));
  expect(evaluate(plans, eventsOf(filtered.outcomes))).toEqual(evaluate(plans, eventsOf(full.outcomes)));
  return { full, filtered };
}

describe('pre-filter path = full parse', () => {
  it('on fixtures/sentinel-export.csv', async () => {
    const text = readFileSync(`${ROOT}fixtures/sentinel-export.csv`, 'utf8');
    const plans = await plansFor({ semantics: 'strict', allow: [], internal: [] });
    const { full, filtered } = await comparePaths(text, 'fixtures/sentinel-export.csv', plans);
    expect(full.info).toMatchObject({ records: 36, parsed: 36, events: 36, skipped: 0, errors: 0 });
    // source-port-104 replies (2), 1104, 11112 (2), 10400
    expect(filtered.info).toMatchObject({ records: 36, parsed: 30, events: 30, skipped: 6, errors: 0, skippedBy: { FILTERED: 6 } });
    expect(filtered.outcomes.filter((o) => o.kind === 'skip').map((o) => o.line)).toEqual([29, 30, 31, 32, 33, 34]);
    expect(evaluate(plans, eventsOf(filtered.outcomes))).toHaveLength(13);
  });

  // Cells chosen so that a pre-filter reading the raw bytes could disagree with the full parse.
  const portCell = fc.constantFrom('104', '11112', '1104', '80', '', ' 104', '0104', '104 ', 'abc', '70000', '1e2', '-1', '104.0');
  const ipCell = fc.constantFrom('203.0.113.7', '10.1.2.3', '::ffff:203.0.113.50', '2001:DB8::7', '100.64.0.1', '10.0.0.999', '');
  const timeCell = fc.oneof(
    timeArb,
    fc.constantFrom('3/16/2026, 10:59:59.999 AM', '2026-03-16T06:30:00-05:00', '2026-03-16 10:45:30', 'not a time'),
  );
  const noteCell = fc.constantFrom('plain', 'with, comma', 'say "hi"', 'two\nlines', '');
  const rowArb = fc.record({
    time: timeCell, src: ipCell, dst: fc.constantFrom('10.1.2.3', '2001:db8:100::10'),
    port: portCell, port2: portCell, action: fc.constantFrom('Deny', 'Allow', 'Drop', ''), note: noteCell,
    shortRow: fc.integer({ min: 0, max: 19 }).map((n) => n === 0),
  });
  const csvCell = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

  for (const twoPortColumns of [false, true]) {
    it(`on generated CSV${twoPortColumns ? ' with two destination-port columns (DestinationPort, then dst_port)' : ''}`, async () => {
      await fc.assert(
        fc.asyncProperty(optionsArb, fc.array(rowArb, { maxLength: 40 }), fc.boolean(), async (o, rows, crlf) => {
          const plans = await plansFor(o);
          const header = ['TimeGenerated', 'SourceIP', 'DestinationIP', 'DestinationPort', ...(twoPortColumns ? ['dst_port'] : []), 'DeviceAction', 'Note'];
          const lines = [header.join(','), ...rows.map((r) => {
            const cells = [r.time, r.src, r.dst, r.port, ...(twoPortColumns ? [r.port2] : []), r.action, r.note].map(csvCell);
            return (r.shortRow ? cells.slice(0, -1) : cells).join(',');
          })];
          await comparePaths(lines.join(crlf ? '\r\n' : '\n') + '\n', 'gen.csv', plans);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('on generated JSON Lines (null, empty and missing ports)', async () => {
    const value = fc.constantFrom<unknown>(104, '104', 11112, 80, null, '', 'x', 70000, undefined);
    await fc.assert(
      fc.asyncProperty(optionsArb, fc.array(fc.tuple(value, value, timeArb, fc.constantFrom('203.0.113.7', '100.64.0.1', '::ffff:8.8.8.8')), { maxLength: 30 }), async (o, rows) => {
        const plans = await plansFor(o);
        const text = rows
          .map(([p1, p2, time, src]) => JSON.stringify({ TimeGenerated: time, SourceIP: src, DestinationIP: '10.1.2.3', DestinationPort: p1, dst_port: p2 }))
          .join('\n');
        await comparePaths(text, 'gen.jsonl', plans);
      }),
      { numRuns: 200 },
    );
  });
});

describe('what the engine keeps', () => {
  it('a group keeps its key and device texts, not the lines they were cut from (a substring of 13+ characters is a view of its line in V8)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const plans = await plansFor({ semantics: 'kql', allow: [], internal: [] });
    const engine = createEngine(plans, { trusted: true });
    const LINE = 100_000;
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 200; i++) {
      // each event's texts are views of a 100 kB line of their own, as a parser's slices of what it read
      const line = `${'x'.repeat(LINE)} 203.0.113.${100 + (i % 100)} 10.1.${Math.floor(i / 100)}.200 hospital-fw-${1000 + i} `;
      const at = (text: string) => line.slice(line.indexOf(` ${text} `) + 1, line.indexOf(` ${text} `) + 1 + text.length);
      const src = at(`203.0.113.${100 + (i % 100)}`);
      engine.push({ time: 1773655200000 + i, srcIp: src, dstIp: at(`10.1.${Math.floor(i / 100)}.200`), dstPort: 104, device: at(`hospital-fw-${1000 + i}`),
        format: 'csv', file: 'x', line: i + 1 });
    }
    gc();
    const kept = process.memoryUsage().heapUsed - before;
    expect(engine.info.groups).toBe(200);
    // 200 groups keeping their lines would be ~20 MB (one-byte strings of 100 kB each)
    expect(kept).toBeLessThan(2_000_000);
    const alerts = engine.end();
    expect(alerts).toHaveLength(200);
    expect(alerts.every((a) => a.srcIp!.startsWith('203.0.113.') && a.devices![0]!.startsWith('hospital-fw-'))).toBe(true);
  });
});
