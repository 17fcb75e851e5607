/**
 * The engine's state across engines and over time: snapshot()/merge()/finalize() (shards give the one-engine
 * alerts, thresholds applied after merging), advance(watermark) (closed buckets out exactly once, late events
 * dropped and counted), and the alert shape for other group-bys and for value_count, down to the CSV columns, which
 * must be the columns of the rule's KQL as Microsoft's Kusto parser computes them.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Action, NetworkEvent } from '../src/model/event.js';
import type { Alert } from '../src/model/alert.js';
import { compareAlerts, createEngine, evaluate, type EngineSnapshot } from '../src/rules/engine.js';
import { loadRules } from '../src/rules/load.js';
import type { NetworkPolicy, Predicate, QueryPlan } from '../src/rules/plan.js';
import type { Aggregate } from '../src/rules/aggregates.js';
import { renderAlerts } from '../src/emit/alerts/index.js';
import { renderKql } from '../src/emit/kql/render.js';
import { kqlTable } from '../src/emit/kql/tables.js';
import { analyzeKql } from './helpers/kusto.js';
import { runCli, ROOT } from './helpers/cli.js';

const HOUR = 3_600_000;
const BASE = Date.UTC(2026, 2, 16, 8); // 2026-03-16T08:00:00.000Z
const STRICT: NetworkPolicy = { semantics: 'strict', internal: [] };
const SRC_PORT_RULE = 'test/data/rules/src-port.yml';
const VALUE_COUNT_RULE = 'test/data/rules/value-count.yml';
const FIXTURE = 'fixtures/sentinel-export.csv';

const dicomPort = (...values: number[]): Predicate => ({ kind: 'equals', field: 'dstPort', values });
const external: Predicate = { kind: 'not', item: { kind: 'internal', field: 'srcIp' } };

/** A plan built by hand: one source per filter, the plan's filter their OR. */
function plan(name: string, filters: Predicate[], over: Partial<QueryPlan> = {}): QueryPlan {
  const sources = filters.map((filter, i) => ({ rule: { name: `${name}-source-${i + 1}`, file: 'inline' }, filter }));
  return {
    rule: { name, title: name, level: 'medium', file: 'inline' },
    sources,
    filter: filters.length === 1 ? filters[0]! : { kind: 'or', items: filters },
    network: STRICT,
    groupBy: ['srcIp', 'dstIp'],
    binMs: HOUR,
    aggregate: { kind: 'count' },
    threshold: { op: 'gte', value: 1 },
    ...over,
  };
}

/**
 * Plans that make merging hard: thresholds no shard alone may reach (gte 4), or that a shard alone passes and the
 * merged group fails (lt 3), distinct counts, null keys (action), two sources, no group keys at all, 30-minute and
 * 2-hour buckets.
 */
async function planSet(): Promise<QueryPlan[]> {
  const { plans: shipped } = await loadRules(`${ROOT}rules/`, {}, STRICT);
  return [
    ...shipped,
    plan('busy-source', [dicomPort(104)], { groupBy: ['srcIp'], binMs: HOUR / 2, threshold: { op: 'gte', value: 4 } }),
    plan('quiet-pair', [dicomPort(104, 11112)], { groupBy: ['srcIp', 'dstPort', 'action'], threshold: { op: 'lt', value: 3 } }),
    plan('ports-per-source', [external], { groupBy: ['srcIp'], binMs: 2 * HOUR, aggregate: { kind: 'dcount', field: 'dstPort' }, threshold: { op: 'gte', value: 2 } }),
    plan('two-rules', [dicomPort(104), dicomPort(11112)], { groupBy: ['dstIp', 'protocol'], threshold: { op: 'neq', value: 2 } }),
    plan('per-bucket', [dicomPort(104)], { groupBy: [], aggregate: { kind: 'dcount', field: 'device' } }),
  ];
}

const timeArb = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.oneof(fc.constant(0), fc.constant(HOUR - 1), fc.constant(HOUR / 2), fc.integer({ min: 0, max: HOUR - 1 })))
  .map(([h, ms]) => BASE + h * HOUR + ms);

/** Few values per field, so groups get several events and shards share groups. */
const eventArb: fc.Arbitrary<NetworkEvent> = fc
  .record({
    ms: timeArb,
    srcIp: fc.constantFrom('203.0.113.7', '198.51.100.23', '2001:db8::1', '10.1.2.3'),
    dstIp: fc.constantFrom('10.1.2.3', '10.1.2.4'),
    dstPort: fc.constantFrom(104, 104, 11112, 80, undefined),
    protocol: fc.constantFrom('tcp', 'udp', undefined),
    action: fc.constantFrom<Action | undefined>('allow', 'deny', 'drop', undefined),
    device: fc.constantFrom('fw01', 'fw02, edge', undefined),
  })
  .map((r) => {
    const e: NetworkEvent = { time: r.ms, srcIp: r.srcIp, dstIp: r.dstIp, format: 'test', file: 'gen', line: 1 };
    for (const k of ['dstPort', 'protocol', 'action', 'device'] as const) {
      if (r[k] !== undefined) (e as unknown as Record<string, unknown>)[k] = r[k];
    }
    return e;
  });

/** How a snapshot travels: handed over as it is, through JSON (saved, sent), or structured-cloned (a worker). */
const transportArb = fc.constantFrom<(s: EngineSnapshot) => EngineSnapshot>(
  (s) => s,
  (s) => JSON.parse(JSON.stringify(s)) as EngineSnapshot,
  (s) => structuredClone(s),
);

const byTime = (a: NetworkEvent, b: NetworkEvent) => a.time - b.time;

describe('snapshot / merge / finalize', () => {
  it('k shards merged give exactly the one-engine alerts and counters (thresholds applied after merging)', async () => {
    const plans = await planSet();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((k) =>
          fc.record({
            k: fc.constant(k),
            events: fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: k - 1 })), { maxLength: 80 }),
            transport: transportArb,
            intoShard: fc.boolean(),
          }),
        ),
        async ({ k, events, transport, intoShard }) => {
          const shards = Array.from({ length: k }, () => createEngine(plans));
          for (const [e, i] of events) shards[i]!.push(e);
          // merge every shard into a fresh engine, or the others into the first one
          const target = intoShard ? shards[0]! : createEngine(plans);
          for (const shard of intoShard ? shards.slice(1) : shards) target.merge(transport(shard.snapshot()));
          const one = createEngine(plans);
          for (const [e] of events) one.push(e);
          expect(target.finalize()).toEqual(one.finalize());
          expect(target.info).toEqual(one.info);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a gte: 4 group split over four shards alerts once merged, though no shard alone reaches 4', () => {
    const p = plan('four', [dicomPort(104)], { threshold: { op: 'gte', value: 4 } });
    const event = (minute: number): NetworkEvent => ({
      time: BASE + minute * 60_000, srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, format: 'test', file: 'x', line: minute,
    });
    const shards = [0, 1, 2, 3].map((m) => {
      const engine = createEngine([p]);
      engine.push(event(m));
      return engine;
    });
    const snapshots = shards.map((s) => s.snapshot());
    expect(shards.map((s) => s.finalize())).toEqual([[], [], [], []]);
    const merged = createEngine([p]);
    for (const s of snapshots) merged.merge(s);
    expect(merged.finalize().map((a) => [a.srcIp, a.count, a.firstSeen, a.lastSeen])).toEqual([
      ['203.0.113.7', 4, '2026-03-16T08:00:00.000Z', '2026-03-16T08:03:00.000Z'],
    ]);
  });

  it('a snapshot is plain data: JSON and structured clone round-trip it, and merging it twice does not share state', async () => {
    const plans = await planSet();
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 60 }), async (events) => {
        const engine = createEngine(plans);
        for (const e of events) engine.push(e);
        const s = engine.snapshot();
        expect(JSON.parse(JSON.stringify(s))).toEqual(s);
        expect(structuredClone(s)).toEqual(s);
        // a copy: pushing more does not change a snapshot taken before
        const before = JSON.stringify(s);
        for (const e of events) engine.push(e);
        expect(JSON.stringify(s)).toBe(before);
        // merged into two engines, each gets its own state
        const a = createEngine(plans);
        const b = createEngine(plans);
        a.merge(s);
        b.merge(s);
        for (const e of events) a.push(e);
        expect(b.snapshot()).toEqual(s);
        expect(JSON.stringify(s)).toBe(before);
      }),
      { numRuns: 150 },
    );
  });

  it('refuses a snapshot of other plans', async () => {
    const plans = await planSet();
    const other = createEngine(plans.slice(1)).snapshot();
    expect(() => createEngine(plans).merge(other)).toThrow(/other plans/);
    const changed = createEngine([{ ...plans[1]!, threshold: { op: 'gte', value: 5 } }]).snapshot();
    expect(() => createEngine([plans[1]!]).merge(changed)).toThrow(/other plans/);
  });
});

describe('advance(watermark)', () => {
  it('in-order input: every closed bucket comes out exactly once, and advance outputs + finalize = the one-shot alerts', async () => {
    const plans = await planSet();
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { maxLength: 80 }), fc.array(fc.boolean(), { maxLength: 80 }), fc.double({ min: 0, max: 1, noNaN: true }), async (unsorted, cuts, at) => {
        const events = [...unsorted].sort(byTime);
        const engine = createEngine(plans);
        const emitted: Alert[] = [];
        events.forEach((e, i) => {
          engine.push(e);
          const next = events[i + 1];
          if (!next || !cuts[i]) return;
          // every event before the watermark has been pushed: anywhere from this event's time to the next one's
          const [from, to] = [e.time, next.time];
          const watermark = Math.floor(from + (to - from) * at);
          const out = engine.advance(watermark);
          expect([...out].sort(compareAlerts)).toEqual(out); // each batch in alert order
          emitted.push(...out);
          expect(engine.advance(watermark)).toEqual([]); // nothing twice
          // closed buckets are forgotten
          engine.snapshot().groups.forEach((groups, p) => {
            for (const g of groups) expect(g.bucket + plans[p]!.binMs).toBeGreaterThan(watermark);
          });
        });
        emitted.push(...engine.finalize());
        expect(engine.info.late).toBe(0);
        expect(engine.info.groups).toBe(0);
        expect(emitted.sort(compareAlerts)).toEqual(evaluate(plans, events));
      }),
      { numRuns: 300 },
    );
  });

  const p = plan('hourly', [dicomPort(104)]);
  const at = (iso: string): NetworkEvent => ({ time: Date.parse(iso), srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, format: 'test', file: 'x', line: 1 });

  it('a late event for an emitted bucket is dropped and counted in info.late, never alerted a second time', () => {
    const engine = createEngine([p]);
    engine.push(at('2026-03-16T10:05:00.000Z'));
    engine.push(at('2026-03-16T11:05:00.000Z'));
    expect(engine.advance(Date.parse('2026-03-16T11:00:00.000Z')).map((a) => [a.time, a.count])).toEqual([['2026-03-16T10:00:00.000Z', 1]]);
    expect(engine.info).toMatchObject({ groups: 1, late: 0 });
    engine.push(at('2026-03-16T10:30:00.000Z')); // its bucket is out: late
    engine.push(at('2026-03-16T11:10:00.000Z')); // still open
    expect(engine.info).toMatchObject({ events: 4, matched: 4, groups: 1, late: 1 });
    expect(engine.finalize().map((a) => [a.time, a.count])).toEqual([['2026-03-16T11:00:00.000Z', 2]]);
    // a watermark never moves back: a lower one emits nothing and reopens nothing
    expect(engine.advance(0)).toEqual([]);
    engine.push(at('2026-03-16T10:45:00.000Z'));
    expect(engine.info.late).toBe(2);
  });

  it('merged groups in buckets this engine already emitted are late too; the watermark becomes the higher one', () => {
    const live = createEngine([p]);
    live.push(at('2026-03-16T10:05:00.000Z'));
    live.advance(Date.parse('2026-03-16T11:00:00.000Z'));
    const other = createEngine([p]);
    other.push(at('2026-03-16T10:06:00.000Z'));
    other.push(at('2026-03-16T10:07:00.000Z'));
    other.push(at('2026-03-16T12:00:00.000Z'));
    other.advance(Date.parse('2026-03-16T12:00:00.000Z')); // emits its 10:00 group: not in its snapshot
    other.push(at('2026-03-16T12:01:00.000Z'));
    live.merge(other.snapshot());
    expect(live.info).toMatchObject({ events: 5, matched: 5, late: 0, groups: 1 });
    const stale = createEngine([p]);
    stale.push(at('2026-03-16T10:08:00.000Z'));
    live.merge(stale.snapshot());
    expect(live.info).toMatchObject({ late: 1, groups: 1 });
    live.push(at('2026-03-16T11:30:00.000Z')); // closed by the merged watermark (12:00)
    expect(live.info.late).toBe(2);
    expect(live.finalize().map((a) => [a.time, a.count])).toEqual([['2026-03-16T12:00:00.000Z', 2]]);
  });

  it('refuses a watermark that is not a finite number', () => {
    const engine = createEngine([p]);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 'tomorrow']) {
      expect(() => engine.advance(bad as number)).toThrow(expect.objectContaining({ name: 'DicomwatchError', code: 'BAD_OPTION', subject: 'watermark' }));
    }
    expect(() => engine.advance(Number.NaN)).toThrow('not NaN');
    expect(() => engine.advance('tomorrow' as unknown as number)).toThrow('not "tomorrow"');
  });

  it('refuses a snapshot that is not one, whole, before merging anything (a DicomwatchError naming the snapshot)', () => {
    const engine = createEngine([p]);
    engine.push(at('2026-03-16T10:05:00.000Z'));
    const other = createEngine([p]);
    other.push(at('2026-03-16T10:06:00.000Z'));
    other.push(at('2026-03-16T11:06:00.000Z'));
    const good = other.snapshot();
    const broken = [
      { ...good, info: { ...good.info, events: 'two' } },
      { ...good, watermark: 'now' },
      { ...good, groups: [[...good.groups[0]!, { ...good.groups[0]![0]!, count: undefined }]] },
      { ...good, groups: [[{ bucket: 0 }]] },
    ];
    expect(() => engine.merge(42 as unknown as EngineSnapshot)).toThrow('merge: not an engine snapshot (number)');
    for (const snapshot of broken) {
      expect(() => engine.merge(snapshot as unknown as EngineSnapshot)).toThrow(expect.objectContaining({ code: 'BAD_OPTION', subject: 'snapshot' }));
    }
    expect(engine.info).toMatchObject({ events: 1, groups: 1 }); // nothing of them merged
    engine.merge(good);
    expect(engine.info).toMatchObject({ events: 3, groups: 2 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Other group-bys and value_count: alert keys, CSV columns = the KQL's result columns
// ---------------------------------------------------------------------------------------------------------------

/** The result columns of the plan's KQL (NetworkEvent), as Kusto's own analyser computes them. */
function kqlColumns(p: QueryPlan): string[] {
  const analysis = analyzeKql(renderKql(p, kqlTable('NetworkEvent')), 'NetworkEvent');
  expect(analysis.diagnostics.filter((d) => d.severity === 'Error')).toEqual([]);
  return analysis.resultColumns.map((c) => c.split(':')[0]!);
}

async function fixtureAlerts(rules: string): Promise<{ plans: QueryPlan[]; alerts: Alert[] }> {
  const { readRecords } = await import('../src/io/reader.js');
  const { plans } = await loadRules(`${ROOT}${rules}`, {}, STRICT);
  const engine = createEngine(plans);
  for await (const batch of readRecords(`${ROOT}${FIXTURE}`, { tz: 'UTC' })) {
    for (const o of batch) if (o.kind === 'events') o.events.forEach((e) => engine.push(e));
  }
  return { plans, alerts: engine.finalize() };
}

describe('group-by [src_ip, dst_port]', () => {
  it('one alert per (source, port, bucket): dstPort set, no dstIp; JSON keys follow the contract', async () => {
    const { plans, alerts } = await fixtureAlerts(SRC_PORT_RULE);
    expect(plans.map((p) => p.groupBy)).toEqual([['srcIp', 'dstPort']]);
    const ids = alerts.map((a) => `${a.srcIp} ${a.dstPort} ${a.time}`);
    expect(new Set(ids).size).toBe(alerts.length);
    for (const a of alerts) {
      expect('dstIp' in a).toBe(false);
      expect(a.dstPorts).toEqual([a.dstPort]);
    }
    // 198.51.100.23 reached two servers in the 11:00 hour: one (source, port) group now
    expect(alerts.filter((a) => a.srcIp === '198.51.100.23').map((a) => [a.dstPort, a.time, a.count])).toEqual([
      [104, '2026-03-16T11:00:00.000Z', 4],
      [104, '2026-03-16T12:00:00.000Z', 1],
    ]);
    expect(alerts.find((a) => a.dstPort === 11112)).toMatchObject({ srcIp: '203.0.113.9', count: 2 });
    const line = JSON.parse(renderAlerts(alerts.slice(0, 1), 'jsonl')) as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(['rule', 'time', 'srcIp', 'dstPort', 'count', 'firstSeen', 'lastSeen', 'dstPorts', 'actions', 'severity', 'devices']);
  });

  it('the CSV columns are SourceIP,DestinationPort,TimeGenerated,count_: the KQL result columns', async () => {
    const { plans, alerts } = await fixtureAlerts(SRC_PORT_RULE);
    const csv = renderAlerts(alerts, 'csv').split('\n');
    expect(csv[0]).toBe('SourceIP,DestinationPort,TimeGenerated,count_');
    expect(kqlColumns(plans[0]!)).toEqual(csv[0]!.split(','));
    expect(csv.slice(1, 3)).toEqual(['203.0.113.7,104,2026-03-16T10:00:00.000Z,6', '198.51.100.23,104,2026-03-16T11:00:00.000Z,4']);
    expect(csv).toHaveLength(alerts.length + 2); // header, rows, final newline
  });

  it('the Sigma group-by order does not matter: the columns follow the event model', async () => {
    const { readFile } = await import('node:fs/promises');
    const { parseSigmaText } = await import('../src/rules/sigma.js');
    const { compileRules } = await import('../src/rules/compile.js');
    const text = (await readFile(`${ROOT}${SRC_PORT_RULE}`, 'utf8')).replace('        - src_ip\n        - dst_port', '        - dst_port\n        - src_ip\n        - dst_port');
    const [p] = compileRules(parseSigmaText(text, 'reordered.yml'), STRICT);
    expect(p!.groupBy).toEqual(['srcIp', 'dstPort']);
  });
});

describe('value_count', () => {
  it('compiles to a distinct count of condition.field; the alert carries it as value', async () => {
    const { plans, alerts } = await fixtureAlerts(VALUE_COUNT_RULE);
    expect(plans.map((p) => [p.rule.name, p.groupBy, p.aggregate, p.threshold])).toEqual([
      ['dicom-servers-per-source', ['srcIp'], { kind: 'dcount', field: 'dstIp' }, { op: 'gte', value: 2 }],
    ]);
    expect(alerts).toEqual([
      {
        rule: 'dicom-servers-per-source', time: '2026-03-16T11:00:00.000Z', srcIp: '198.51.100.23', count: 4, value: 2,
        aggregate: { kind: 'dcount', field: 'dstIp' }, firstSeen: '2026-03-16T11:30:00.000Z', lastSeen: '2026-03-16T11:33:00.000Z',
        dstPorts: [104], actions: { allow: 1, deny: 3 }, severity: 'high', devices: ['fw01', 'fw02, edge'],
      },
    ]);
    expect(Object.keys(JSON.parse(renderAlerts(alerts, 'jsonl')) as object)).toEqual([
      'rule', 'time', 'srcIp', 'count', 'value', 'aggregate', 'firstSeen', 'lastSeen', 'dstPorts', 'actions', 'severity', 'devices',
    ]);
    expect(renderAlerts(alerts, 'csv')).toBe('SourceIP,TimeGenerated,dcount_DestinationIP\n198.51.100.23,2026-03-16T11:00:00.000Z,2\n');
    expect(kqlColumns(plans[0]!)).toEqual(['SourceIP', 'TimeGenerated', 'dcount_DestinationIP']);
  });

  it('counts distinct values, ignoring events without the field (as KQL dcount ignores nulls); orders by value', () => {
    const p = plan('ports', [external], { groupBy: ['srcIp'], aggregate: { kind: 'dcount', field: 'dstPort' } });
    const ev = (srcIp: string, dstPort?: number): NetworkEvent => ({
      time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp, dstIp: '10.1.2.3', ...(dstPort === undefined ? {} : { dstPort }), format: 'test', file: 'x', line: 1,
    });
    const alerts = evaluate([p], [ev('203.0.113.7', 104), ev('203.0.113.7', 104), ev('203.0.113.7'), ev('198.51.100.1', 104), ev('198.51.100.1', 11112), ev('192.0.2.1')]);
    // 192.0.2.1 has a group (one event) whose distinct count is 0: below gte 1
    expect(alerts.map((a) => [a.srcIp, a.count, a.value])).toEqual([['198.51.100.1', 2, 2], ['203.0.113.7', 3, 1]]);
  });

  it('the KQL leaves out a gte threshold only when it always holds (count_ >= 1, dcount >= 0)', () => {
    const dcount = (value: number) => renderKql(plan('p', [dicomPort(104)], { groupBy: ['srcIp'], aggregate: { kind: 'dcount', field: 'dstIp' }, threshold: { op: 'gte', value } }), kqlTable('NetworkEvent'));
    expect(dcount(1)).toContain('| where dcount_DestinationIP >= 1\n');
    expect(dcount(0)).not.toContain('| where dcount_');
    expect(renderKql(plan('p', [dicomPort(104)]), kqlTable('NetworkEvent'))).not.toContain('| where count_');
  });
});

describe('alert keys and CSV across rules', () => {
  it('a grouped field the events lack is a null key: JSON null, an empty CSV cell, - in the table', () => {
    const p = plan('by-action', [dicomPort(104)], { groupBy: ['srcIp', 'action'] });
    const ev = (action?: Action): NetworkEvent => ({
      time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, ...(action ? { action } : {}), format: 'test', file: 'x', line: 1,
    });
    const alerts = evaluate([p], [ev('deny'), ev(), ev(), ev('deny'), ev('allow')]);
    expect(alerts.map((a) => [a.action, a.count])).toEqual([[null, 2], ['deny', 2], ['allow', 1]]);
    expect(JSON.parse(renderAlerts(alerts, 'jsonl').split('\n')[0]!)).toMatchObject({ srcIp: '203.0.113.7', action: null, count: 2 });
    expect(renderAlerts(alerts, 'csv')).toBe(
      'SourceIP,Action,TimeGenerated,count_\n203.0.113.7,,2026-03-16T10:00:00.000Z,2\n203.0.113.7,deny,2026-03-16T10:00:00.000Z,2\n203.0.113.7,allow,2026-03-16T10:00:00.000Z,1\n',
    );
    // an empty device name and no device name are two groups
    const byDevice = plan('by-device', [dicomPort(104)], { groupBy: ['device'] });
    expect(evaluate([byDevice], [{ ...ev(), device: '' }, ev(), ev()]).map((a) => [a.device, a.count])).toEqual([[null, 2], ['', 1]]);
    expect(renderAlerts(alerts, 'table').split('\n').slice(0, 2)).toEqual([
      'COUNT  SOURCE       ACTION  HOUR (UTC)        PORTS  ACTIONS  RULE',
      '    2  203.0.113.7  -       2026-03-16 10:00  104    -        by-action',
    ]);
  });

  it('several rules: one CSV table per rule, in rule-name order, each with its own header; plans add empty ones', async () => {
    const shipped = await fixtureAlerts('rules/dicom-external-access.yml');
    const perPort = await fixtureAlerts(SRC_PORT_RULE);
    const valueCount = await fixtureAlerts(VALUE_COUNT_RULE);
    const alerts = [...shipped.alerts, ...perPort.alerts, ...valueCount.alerts].sort(compareAlerts);
    // tables end with a newline, and a blank line separates them
    const blocks = renderAlerts(alerts, 'csv').split('\n\n').map((b, i, all) => (i < all.length - 1 ? `${b}\n` : b));
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([
      'SourceIP,DestinationIP,TimeGenerated,count_', // dicom-external-access
      'SourceIP,TimeGenerated,dcount_DestinationIP', // dicom-servers-per-source
      'SourceIP,DestinationPort,TimeGenerated,count_', // dicom-source-port
    ]);
    expect(blocks[0]).toBe(renderAlerts(shipped.alerts, 'csv'));
    expect(blocks[2]).toBe(renderAlerts(perPort.alerts, 'csv'));
    // with the plans, a rule without alerts still gets its header
    const quiet = plan('a-quiet-rule', [dicomPort(1)], { groupBy: ['dstIp', 'protocol'] });
    expect(renderAlerts(shipped.alerts, 'csv', [...shipped.plans, quiet])).toBe(
      `DestinationIP,Protocol,TimeGenerated,count_\n\n${renderAlerts(shipped.alerts, 'csv')}`,
    );
    expect(renderAlerts([], 'csv', valueCount.plans)).toBe('SourceIP,TimeGenerated,dcount_DestinationIP\n');
  });

  it('alerts order by the aggregate value, then bucket, then keys in event-model order, then rule', () => {
    const base = { firstSeen: '', lastSeen: '', dstPorts: [], actions: {}, severity: 'low' as const, devices: [] };
    const aggregate: Aggregate = { kind: 'dcount', field: 'dstPort' };
    const alerts: Alert[] = [
      { ...base, rule: 'b', time: 't1', srcIp: '1', dstPort: 104, count: 1 },
      { ...base, rule: 'a', time: 't1', srcIp: '1', dstPort: 104, count: 1 },
      { ...base, rule: 'c', time: 't1', srcIp: '1', count: 9, value: 3, aggregate },
      { ...base, rule: 'a', time: 't1', srcIp: '1', dstPort: 80, count: 1 },
      { ...base, rule: 'a', time: 't1', srcIp: '1', dstPort: null, count: 1 },
      { ...base, rule: 'a', time: 't0', srcIp: '2', dstPort: 104, count: 1 },
      { ...base, rule: 'a', time: 't1', srcIp: '1', count: 2 },
    ];
    const order = [...alerts].sort(compareAlerts).map((a) => `${a.rule} ${a.time} ${a.dstPort} ${a.value ?? a.count}`);
    expect(order).toEqual(['c t1 undefined 3', 'a t1 undefined 2', 'a t0 104 1', 'a t1 null 1', 'a t1 80 1', 'a t1 104 1', 'b t1 104 1']);
  });
});

describe('the CLI', () => {
  it('scan --output csv prints the rule\'s KQL columns; check accepts both rule files', async () => {
    const [port, value, check] = await Promise.all([
      runCli(['scan', FIXTURE, '--rules', SRC_PORT_RULE, '--output', 'csv', '--quiet']),
      runCli(['scan', FIXTURE, '--rules', VALUE_COUNT_RULE, '--output', 'csv', '--quiet']),
      runCli(['check', SRC_PORT_RULE, VALUE_COUNT_RULE]),
    ]);
    expect(port.code).toBe(0);
    expect(port.stdout.split('\n')[0]).toBe('SourceIP,DestinationPort,TimeGenerated,count_');
    expect(value).toMatchObject({ code: 0, stdout: 'SourceIP,TimeGenerated,dcount_DestinationIP\n198.51.100.23,2026-03-16T11:00:00.000Z,2\n' });
    expect(check.code).toBe(0);
  });
});
