/**
 * Suricata EVE JSON (src/parsers/documents/suricata-eve.ts): a JSON document format read from JSON Lines.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { parseText } from '../src/parsers/record-parser.js';
import { suricataEveFormat } from '../src/parsers/documents/suricata-eve.js';
import { NOT_MINE } from '../src/parsers/documents/document.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/flows/suricata.json';
const EXPECTED = 'fixtures/flows/suricata.expected.jsonl';
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const text = read(FIXTURE);
const lines = text.trimEnd().split('\n');
const kinds = (outcomes: readonly RecordOutcome[]) => outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
const PREFILTER = { dstPorts: new Set([104]) };

function one(doc: Record<string, unknown> | string, extra: Record<string, unknown> = {}): RecordOutcome {
  const { outcomes } = parseText(typeof doc === 'string' ? doc : JSON.stringify(doc), { file: 't.json', ...extra });
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}
const event = (doc: Record<string, unknown> | string) => {
  const o = one(doc);
  if (o.kind !== 'events') throw new Error(`expected an event, got ${o.kind} ${o.code}: ${o.message}`);
  return jsonEvents([o])[0]!;
};
const doc = (k: number) => JSON.parse(lines[k]!) as Record<string, unknown>;

describe('Suricata EVE: the fixture', () => {
  it('gives the hand-checked events of the expected file', () => {
    const { outcomes, info } = parseText(text, { file: FIXTURE });
    expect(jsonEvents(outcomes)).toEqual(read(EXPECTED).trimEnd().split('\n').map((l) => JSON.parse(l) as JsonEvent));
    expect(kinds(outcomes)).toEqual([...Array<string>(6).fill('events'), 'NOT_A_CONNECTION', 'events', 'MALFORMED']);
    expect(info).toMatchObject({ records: 9, parsed: 7, skipped: 1, errors: 1 });
  });

  it('the CLI prints exactly the expected file and locates the cut record', async () => {
    const r = await runCli(['parse', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(read(EXPECTED));
    expect(r.stderr).toContain(`${FIXTURE}:9: MALFORMED`);
  });

  it('pre-filter parity: parse and scan agree but for FILTERED on events whose dstPort is not 104', () => {
    const full = parseText(text, { file: FIXTURE }).outcomes;
    const scanned = parseText(text, { file: FIXTURE, prefilter: PREFILTER }).outcomes;
    expect(scanned.map((o) => o.line)).toEqual(full.map((o) => o.line));
    full.forEach((o, i) => {
      const s = scanned[i]!;
      if (s.kind === 'skip' && s.code === 'FILTERED') {
        expect(o.kind).toBe('events');
        if (o.kind === 'events') for (const e of o.events) expect(e.dstPort).not.toBe(104);
      } else expect(s).toEqual(o);
    });
    expect(kinds(scanned)).toEqual(['events', 'events', 'events', 'FILTERED', 'events', 'FILTERED', 'NOT_A_CONNECTION', 'events', 'MALFORMED']);
  });

  it('scan finds the external DICOM sources', async () => {
    const r = await runCli(['scan', FIXTURE, '--output', 'csv']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows).toContain('203.0.113.7,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(rows).toContain('203.0.113.77,10.20.30.40,2026-03-16T10:00:00.000Z,1');
  });
});

describe('Suricata EVE: the reading', () => {
  it('flow and netflow records: time is the flow\'s start (Elastic keeps `timestamp`, 10:15:09.482, as @timestamp: a deliberate difference); bytes and packets of both directions', () => {
    expect(event(doc(0))).toMatchObject({ time: '2026-03-16T10:15:02.123Z', bytes: 668, packets: 9, protocol: 'tcp' });
    expect(event(doc(3))).toMatchObject({ time: '2026-03-16T10:18:20.500Z', bytes: 70, packets: 1, protocol: 'udp' });
    const { flow: _f, ...noFlow } = doc(0);
    expect(event(noFlow)).toMatchObject({ time: '2026-03-16T10:15:09.482Z' });
    expect(event(noFlow).bytes).toBeUndefined();
  });

  it('alerts: time is the alert\'s `timestamp` (as Elastic\'s @timestamp), not the flow\'s start; allowed → allow, blocked → drop', () => {
    expect(event(doc(1))).toMatchObject({ time: '2026-03-16T10:15:10.000Z', action: 'drop' });
    expect(event(doc(2))).toMatchObject({ time: '2026-03-16T10:16:45.120Z', action: 'allow' });
    const alert = doc(2);
    expect(event({ ...alert, alert: { ...(alert['alert'] as object), action: 'something' } }).action).toBeUndefined();
    expect(one({ ...alert, alert: undefined })).toMatchObject({ kind: 'error', code: 'MALFORMED' });
  });

  it('drop records are drops; protocol records (http) are connections without a decision', () => {
    expect(event(doc(7))).toMatchObject({ action: 'drop', dstPort: 104 });
    const http = event(doc(5));
    expect(http).toMatchObject({ srcIp: '2001:db8::7', dstIp: '2001:db8:100::10', dstPort: 8080 });
    expect(http.action).toBeUndefined();
  });

  it('ICMP: no ports; IPV6-ICMP', () => {
    const icmp = event(doc(4));
    expect(icmp).toMatchObject({ protocol: 'icmp', bytes: 196 });
    expect(icmp.dstPort).toBeUndefined();
    expect(event({ ...doc(4), proto: 'IPv6-ICMP', src_ip: '2001:db8::1', dest_ip: '2001:db8::2' })).toMatchObject({ protocol: 'ipv6-icmp' });
  });

  it('stats and other records without addresses are NOT_A_CONNECTION', () => {
    expect(one(doc(6))).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
  });

  it('bad values: an address that is none, a stamp that is none, one address missing', () => {
    expect(one({ ...doc(0), src_ip: 'pacs' })).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
    expect(one({ ...doc(7), timestamp: 'later' })).toMatchObject({ kind: 'error', code: 'BAD_TIME' });
    const { dest_ip: _d, ...noDst } = doc(7);
    expect(one(noDst)).toMatchObject({ kind: 'error', code: 'MISSING_FIELD' });
    // in a scan a value error on another port may be FILTERED instead; on port 104 it stays the error
    expect(one({ ...doc(7), src_ip: 'pacs' }, { prefilter: PREFILTER })).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
  });

  it('documents of others are not Suricata\'s', () => {
    const ctx = { file: 'x', lineNo: 1, time: { tz: 'UTC' } };
    expect(suricataEveFormat.parse({ ts: 1, uid: 'x', 'id.orig_h': '1.2.3.4' }, ctx)).toBe(NOT_MINE);
    expect(suricataEveFormat.parse({ event_type: 'flow' }, ctx)).toBe(NOT_MINE);
    expect(suricataEveFormat.parse(JSON.parse(suricataEveFormat.sample) as Record<string, unknown>, ctx)).toMatchObject({ dstPort: 104, bytes: 306 });
  });

  it('garbage and truncation never throw and never give a wrong value', () => {
    const full = jsonEvents(parseText(text, { file: 'f' }).outcomes);
    lines.forEach((line, i) => {
      for (let cut = 0; cut < line.length; cut += 2) {
        const { outcomes } = parseText('\n'.repeat(i) + line.slice(0, cut), { file: 'f' });
        for (const e of jsonEvents(outcomes)) expect(full).toContainEqual(e);
      }
    });
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let k = 0; k < 300; k++) {
      const junk = Array.from({ length: 1 + Math.floor(rnd() * 60) }, () => String.fromCharCode(Math.floor(rnd() * 128))).join('');
      const d = { ...doc(0), [['src_ip', 'dest_port', 'proto', 'timestamp', 'flow'][k % 5]!]: junk };
      expect(() => parseText(JSON.stringify(d), { file: 'f' })).not.toThrow();
      expect(() => parseText(`{"event_type":${JSON.stringify(junk)},"timestamp":1}`, { file: 'f' })).not.toThrow();
    }
  });
});
