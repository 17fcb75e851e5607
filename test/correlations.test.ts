/**
 * Every correlation type against a deliberately naive reimplementation written here from the Sigma specification's
 * words and this project's window choice (fixed UTC buckets, as KQL's bin()): on hand-made events and on random
 * ones (fast-check). The naive side buckets by integer division, keeps every event of a group in a list and
 * answers each question by brute force (nested loops for temporal_ordered), sharing no code with the engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Alert } from '../src/model/alert.js';
import type { NetworkEvent } from '../src/model/event.js';
import { compileRules } from '../src/rules/compile.js';
import { compareAlerts, createEngine, evaluate } from '../src/rules/engine.js';
import type { NetworkPolicy } from '../src/rules/plan.js';
import { parseSigmaText } from '../src/rules/sigma.js';

const STRICT: NetworkPolicy = { semantics: 'strict', internal: [] };
const T0 = Date.parse('2026-03-16T10:00:00Z');
const MINUTE = 60_000;

/** Three detections: port 104, port 11112, and an IPv6 documentation source by CIDR. */
const DETECTIONS = `
title: A
name: rule_a
logsource: { category: firewall }
detection:
    sel: { dst_port: 104 }
    condition: sel
---
title: B
name: rule_b
logsource: { category: firewall }
detection:
    sel: { dst_port: 11112 }
    condition: sel
---
title: C
name: rule_c
logsource: { category: firewall }
detection:
    sel_v6: { src_ip|cidr: '2001:db8::/32' }
    sel_any: { dst_port|exists: true }
    condition: all of sel_*
`;

function correlation(body: string): string {
  return `${DETECTIONS}---\ntitle: Corr\nname: corr\ncorrelation:\n${body}\n`;
}

type Naive = (events: readonly NetworkEvent[]) => { time: string; key: string; count: number; value?: number }[];

const matches: Record<string, (e: NetworkEvent) => boolean> = {
  rule_a: (e) => e.dstPort === 104,
  rule_b: (e) => e.dstPort === 11112,
  rule_c: (e) => e.srcIp.startsWith('2001:db8:') && e.dstPort !== undefined,
};

/** Events of the named rules, grouped by `key(e)` and window start (floor of time / width, times width). */
function naiveGroups(events: readonly NetworkEvent[], rules: string[], key: (e: NetworkEvent) => string, widthMs: number) {
  const groups = new Map<string, { time: number; key: string; events: NetworkEvent[] }>();
  for (const e of events) {
    if (!rules.some((r) => matches[r]!(e))) continue;
    const time = Math.floor(e.time / widthMs) * widthMs;
    const id = `${time}|${key(e)}`;
    if (!groups.has(id)) groups.set(id, { time, key: key(e), events: [] });
    groups.get(id)!.events.push(e);
  }
  return [...groups.values()];
}

function passes(value: number, condition: Record<string, number>): boolean {
  return Object.entries(condition).every(([op, n]) =>
    op === 'gt' ? value > n : op === 'gte' ? value >= n : op === 'lt' ? value < n : op === 'lte' ? value <= n : op === 'eq' ? value === n : value !== n);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The naive answers. */
const naive = {
  eventCount: (rules: string[], widthMs: number, condition: Record<string, number>): Naive => (events) =>
    naiveGroups(events, rules, (e) => e.srcIp, widthMs)
      .filter((g) => passes(g.events.length, condition))
      .map((g) => ({ time: iso(g.time), key: g.key, count: g.events.length })),
  valueCount: (rules: string[], widthMs: number, condition: Record<string, number>): Naive => (events) =>
    naiveGroups(events, rules, (e) => e.srcIp, widthMs)
      .map((g) => ({ g, value: new Set(g.events.map((e) => e.dstIp)).size }))
      .filter(({ value }) => passes(value, condition))
      .map(({ g, value }) => ({ time: iso(g.time), key: g.key, count: g.events.length, value })),
  temporal: (rules: string[], widthMs: number): Naive => (events) =>
    naiveGroups(events, rules, (e) => e.srcIp, widthMs)
      .filter((g) => rules.every((r) => g.events.some(matches[r]!)))
      .map((g) => ({ time: iso(g.time), key: g.key, count: g.events.length })),
  temporalOrdered: (rules: string[], widthMs: number): Naive => (events) =>
    naiveGroups(events, rules, (e) => e.srcIp, widthMs)
      .filter((g) => {
        // every chain e1 ≤ e2 ≤ … of events of rule 1, rule 2, …: brute force over all choices
        const chain = (i: number, after: number): boolean =>
          i === rules.length || g.events.some((e) => matches[rules[i]!]!(e) && e.time >= after && chain(i + 1, e.time));
        return chain(0, -Infinity);
      })
      .map((g) => ({ time: iso(g.time), key: g.key, count: g.events.length })),
};

const CASES: { name: string; text: string; naive: Naive; width: number }[] = [
  {
    name: 'event_count, gte 2, 1h',
    text: correlation('    type: event_count\n    rules: [rule_a]\n    group-by: [src_ip]\n    timespan: 1h\n    condition: { gte: 2 }'),
    naive: naive.eventCount(['rule_a'], 3_600_000, { gte: 2 }),
    width: 3_600_000,
  },
  {
    name: 'event_count over two rules, a range {gt: 1, lte: 4}, 10m',
    text: correlation('    type: event_count\n    rules: [rule_a, rule_b]\n    group-by: [src_ip]\n    timespan: 10m\n    condition: { gt: 1, lte: 4 }'),
    naive: naive.eventCount(['rule_a', 'rule_b'], 600_000, { gt: 1, lte: 4 }),
    width: 600_000,
  },
  {
    name: 'value_count of dst_ip, gte 3, 1h',
    text: correlation('    type: value_count\n    rules: [rule_a, rule_c]\n    group-by: [src_ip]\n    timespan: 1h\n    condition: { field: dst_ip, gte: 3 }'),
    naive: naive.valueCount(['rule_a', 'rule_c'], 3_600_000, { gte: 3 }),
    width: 3_600_000,
  },
  {
    name: 'value_count of dst_ip, eq 1, 30m',
    text: correlation('    type: value_count\n    rules: [rule_b]\n    group-by: [src_ip]\n    timespan: 30m\n    condition: { field: dst_ip, eq: 1 }'),
    naive: naive.valueCount(['rule_b'], 1_800_000, { eq: 1 }),
    width: 1_800_000,
  },
  {
    name: 'temporal over A and B, 1h',
    text: correlation('    type: temporal\n    rules: [rule_a, rule_b]\n    group-by: [src_ip]\n    timespan: 1h'),
    naive: naive.temporal(['rule_a', 'rule_b'], 3_600_000),
    width: 3_600_000,
  },
  {
    name: 'temporal_ordered A then B, 1h',
    text: correlation('    type: temporal_ordered\n    rules: [rule_a, rule_b]\n    group-by: [src_ip]\n    timespan: 1h'),
    naive: naive.temporalOrdered(['rule_a', 'rule_b'], 3_600_000),
    width: 3_600_000,
  },
  {
    name: 'temporal_ordered A then C then B, 20m (a middle rule)',
    text: correlation('    type: temporal_ordered\n    rules: [rule_a, rule_c, rule_b]\n    group-by: [src_ip]\n    timespan: 20m'),
    naive: naive.temporalOrdered(['rule_a', 'rule_c', 'rule_b'], 1_200_000),
    width: 1_200_000,
  },
];

/** The engine's alerts in the naive answer's shape, sorted the same way. */
function engineAnswer(alerts: readonly Alert[]) {
  return alerts.filter((a) => a.rule === 'corr').map((a) => ({ time: a.time, key: String(a.srcIp), count: a.count, ...(a.value !== undefined ? { value: a.value } : {}) }));
}

const sorted = <T extends { time: string; key: string }>(rows: T[]) => [...rows].sort((x, y) => (x.time + x.key < y.time + y.key ? -1 : 1));

const SOURCES = ['203.0.113.7', '198.51.100.23', '2001:db8::7', '2001:db8:beef::1'];
const DESTINATIONS = ['10.1.2.3', '10.1.2.4', '10.1.2.5', 'fd00::5'];

const event = (minute: number, src: number, dst: number, port: number | undefined): NetworkEvent => ({
  time: T0 + minute * MINUTE, srcIp: SOURCES[src]!, dstIp: DESTINATIONS[dst]!, ...(port === undefined ? {} : { dstPort: port }), format: 't', file: 't', line: 1,
});

const arbitraryEvents = fc.array(
  fc.tuple(fc.integer({ min: -30, max: 200 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 3 }), fc.constantFrom(104, 11112, 443, undefined))
    .map(([m, s, d, p]) => event(m, s, d, p)),
  { maxLength: 40 },
);

describe('correlations equal the naive reading of the specification', () => {
  for (const c of CASES) {
    const plans = compileRules(parseSigmaText(c.text, 'corr.yml'), STRICT);

    it(`${c.name}: on hand-made events`, () => {
      const events = [
        event(0, 0, 0, 104), event(5, 0, 1, 11112), event(10, 0, 2, 104), event(59, 0, 0, 11112), event(61, 0, 0, 104),
        event(1, 2, 0, 11112), event(2, 2, 1, 104), event(3, 2, 2, 104), event(4, 2, 3, 104), event(15, 2, 3, 11112),
        event(-1, 1, 0, 104), event(0, 1, 0, 104), event(120, 3, 1, undefined), event(121, 3, 1, 104),
      ];
      expect(sorted(engineAnswer(evaluate(plans, events, { trusted: true })))).toEqual(sorted(c.naive(events)));
    });

    it(`${c.name}: on random events, in any order, and split over two merged engines`, () => {
      fc.assert(fc.property(arbitraryEvents, fc.integer({ min: 0, max: 40 }), (events, cut) => {
        const expected = sorted(c.naive(events));
        const alerts = evaluate(plans, [...events].reverse(), { trusted: true });
        expect(sorted(engineAnswer(alerts))).toEqual(expected);
        // in alert order: a temporal rule's alerts sort by their count, not by the number of rules seen
        expect(alerts).toEqual([...alerts].sort(compareAlerts));
        const one = createEngine(plans, { trusted: true });
        const two = createEngine(plans, { trusted: true });
        events.forEach((e, i) => (i < cut ? one : two).push(e));
        one.merge(JSON.parse(JSON.stringify(two.snapshot())));
        expect(sorted(engineAnswer(one.finalize()))).toEqual(expected);
      }));
    });
  }

  it('temporal alerts are in alert order: by their event count, not by the number of rules seen (the same for all)', () => {
    const plans = compileRules(parseSigmaText(CASES.find((c) => c.name.startsWith('temporal over'))!.text, 'corr.yml'), STRICT);
    // source 0 sorts after source 1 by address, but has more events: its alert comes first
    const alerts = evaluate(plans, [
      event(1, 1, 0, 104), event(2, 1, 0, 11112), event(1, 0, 0, 104), event(2, 0, 0, 11112), event(3, 0, 0, 104),
    ], { trusted: true });
    expect(engineAnswer(alerts).map((a) => [a.key, a.count])).toEqual([['203.0.113.7', 3], ['198.51.100.23', 2]]);
    expect(alerts).toEqual([...alerts].sort(compareAlerts));
  });

  it('the window is the fixed bucket: two events a minute apart across an hour boundary are two groups', () => {
    const plans = compileRules(parseSigmaText(CASES[0]!.text, 'corr.yml'), STRICT);
    expect(engineAnswer(evaluate(plans, [event(59, 0, 0, 104), event(60, 0, 0, 104)], { trusted: true }))).toEqual([]);
    expect(engineAnswer(evaluate(plans, [event(0, 0, 0, 104), event(59, 0, 0, 104)], { trusted: true }))).toEqual([
      { time: '2026-03-16T10:00:00.000Z', key: '203.0.113.7', count: 2 },
    ]);
  });
});

describe('aliases: a group key read from a different field per rule', () => {
  const text = `${DETECTIONS}---
title: Corr
name: corr
correlation:
    type: temporal
    rules: [rule_a, rule_b]
    aliases:
        host:
            rule_a: dst_ip
            rule_b: src_ip
    group-by: [host]
    timespan: 1h
`;
  it('an inbound connection to a host on 104 and that host connecting out on 11112 are one group', () => {
    const plans = compileRules(parseSigmaText(text, 'alias.yml'), STRICT);
    expect(plans[0]!.keyFields).toEqual([['dstIp'], ['srcIp']]);
    const inbound = { ...event(5, 0, 0, 104) };
    const outbound = { ...event(20, 0, 0, 11112), srcIp: '10.1.2.3', dstIp: '203.0.113.99' };
    const alerts = evaluate(plans, [inbound, outbound], { trusted: true }).filter((a) => a.rule === 'corr');
    // the alias key is named after the first rule's field (dst_ip): the alert contract names keys by event field
    expect(alerts.map((a) => [a.time, a.dstIp, a.srcIp, a.count])).toEqual([['2026-03-16T10:00:00.000Z', '10.1.2.3', undefined, 2]]);
    expect(evaluate(plans, [inbound], { trusted: true }).filter((a) => a.rule === 'corr')).toEqual([]);
  });
  it('event_count and value_count read aliased keys too (their aggregate does not need the sources, the keys do)', () => {
    for (const [type, condition] of [['event_count', 'gte: 2'], ['value_count', 'field: dst_port\n        gte: 2']]) {
      const plans = compileRules(parseSigmaText(text.replace('type: temporal', `type: ${type}`).replace('timespan: 1h\n', `timespan: 1h\n    condition:\n        ${condition}\n`), 'alias.yml'), STRICT);
      const inbound = { ...event(5, 0, 0, 104) };
      const outbound = { ...event(20, 0, 0, 11112), srcIp: '10.1.2.3', dstIp: '203.0.113.99' };
      const alerts = evaluate(plans, [inbound, outbound], { trusted: true }).filter((a) => a.rule === 'corr');
      expect(alerts.map((a) => [a.dstIp, a.count]), type).toEqual([['10.1.2.3', 2]]);
    }
  });
});

describe('|re is linear-time (re2js): a catastrophic pattern on hostile text', () => {
  it("'(a+)+$' against 'aaaa…b' (exponential in a backtracking engine) finishes at once", () => {
    const rule = `title: R\nname: r\nlogsource: { category: firewall }\ndetection:\n    sel: { dvc|re: '(a+)+$' }\n    condition: sel\n`;
    const plans = compileRules(parseSigmaText(rule, 're.yml'), STRICT);
    const hostile = { ...event(0, 0, 0, 104), device: `${'a'.repeat(50_000)}b` };
    const started = performance.now();
    expect(evaluate(plans, [hostile, { ...hostile, device: 'aaaa' }], { trusted: true }).map((a) => a.devices)).toEqual([['aaaa']]);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('flags i, m, s apply; an invalid RE2 pattern (a backreference) is a located error', () => {
    const rule = (key: string, value: string) => `title: R\nname: r\nlogsource: { category: firewall }\ndetection:\n    sel: { '${key}': '${value}' }\n    condition: sel\n`;
    const fires = (key: string, value: string, device: string) =>
      evaluate(compileRules(parseSigmaText(rule(key, value), 're.yml'), STRICT), [{ ...event(0, 0, 0, 104), device }], { trusted: true }).length === 1;
    expect(fires('dvc|re', '^FW', 'fw-1')).toBe(false);
    expect(fires('dvc|re|i', '^FW', 'fw-1')).toBe(true);
    expect(fires('dvc|re', '^b$', 'a\nb')).toBe(false);
    expect(fires('dvc|re|m', '^b$', 'a\nb')).toBe(true);
    expect(fires('dvc|re|s', 'a.b', 'a\nb')).toBe(true);
    expect(() => compileRules(parseSigmaText(rule('dvc|re', '(a)\\1'), 're.yml'), STRICT)).toThrow(/^re\.yml:5:\d+: rule 'r', field 'dvc': regular expression .* is not valid RE2 syntax/);
  });
});
