/**
 * Zeek conn.log: the TSV layout (src/parsers/flows/zeek-tsv.ts, a file-level format) and the JSON form
 * (src/parsers/documents/zeek-conn.ts, a JSON document format), which share one reading of a conn record.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { asJson, jsonEvents, type JsonEvent } from './helpers/events.js';
import { parseText } from '../src/parsers/record-parser.js';
import { formatById, sniffFormat } from '../src/parsers/registry.js';
import { decodeSeparator } from '../src/parsers/flows/zeek-tsv.js';
import { zeekConnFormat, ZEEK_CONN_STATE_ACTIONS } from '../src/parsers/documents/zeek-conn.js';
import { NOT_MINE } from '../src/parsers/documents/document.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const expectedOf = (path: string) => read(path).trimEnd().split('\n').map((l) => JSON.parse(l) as JsonEvent);

const VARIANTS = [
  { name: 'TSV', fixture: 'fixtures/flows/zeek.log', expected: 'fixtures/flows/zeek.expected.jsonl' },
  { name: 'JSON', fixture: 'fixtures/flows/zeek.json', expected: 'fixtures/flows/zeek-json.expected.jsonl' },
] as const;

const kinds = (outcomes: readonly RecordOutcome[]) => outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
const PREFILTER = { dstPorts: new Set([104]) };

/** parse vs scan: identical outcomes, except FILTERED replacing events whose dstPort is not 104, or value errors. */
function expectPrefilterParity(text: string, ctx: { file: string }): void {
  const full = parseText(text, ctx).outcomes;
  const scanned = parseText(text, { ...ctx, prefilter: PREFILTER }).outcomes;
  expect(scanned.map((o) => o.line)).toEqual(full.map((o) => o.line));
  full.forEach((o, i) => {
    const s = scanned[i]!;
    if (s.kind === 'skip' && s.code === 'FILTERED' && o.kind !== 'skip') {
      if (o.kind === 'events') for (const e of o.events) expect(e.dstPort).not.toBe(104);
      else expect(['BAD_ADDRESS', 'BAD_PORT', 'BAD_TIME', 'BAD_VALUE', 'MISSING_FIELD']).toContain(o.code);
    } else expect(s).toEqual(o);
  });
}

const TSV_HEAD = [
  '#separator \\x09',
  '#unset_field\t-',
  '#empty_field\t(empty)',
  '#path\tconn',
  '#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tconn_state\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes',
  '#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tcount\tcount\tcount\tcount',
].join('\n');

function tsv(...rows: string[]): RecordOutcome[] {
  return parseText(`${TSV_HEAD}\n${rows.join('\n')}\n`, { file: 't.log' }).outcomes;
}

function ev(o: RecordOutcome): JsonEvent {
  if (o.kind !== 'events') throw new Error(`expected an event, got ${o.kind} ${o.code}: ${o.message}`);
  return asJson(o.events[0]!);
}

function json(doc: Record<string, unknown>): RecordOutcome {
  const { outcomes } = parseText(JSON.stringify(doc), { file: 't.json' });
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

const CONN = {
  ts: 1773656102.123456, uid: 'C1', 'id.orig_h': '203.0.113.7', 'id.orig_p': 51515, 'id.resp_h': '10.20.30.40', 'id.resp_p': 104,
  proto: 'tcp', conn_state: 'SF', missed_bytes: 0, orig_pkts: 5, orig_ip_bytes: 380, resp_pkts: 4, resp_ip_bytes: 288,
};

describe('Zeek conn.log: the fixtures', () => {
  for (const v of VARIANTS) {
    it(`${v.name}: the hand-checked events of ${v.expected}`, () => {
      const { outcomes } = parseText(read(v.fixture), { file: v.fixture });
      expect(jsonEvents(outcomes)).toEqual(expectedOf(v.expected));
    });

    it(`${v.name}: the CLI prints exactly the expected file and locates the broken record`, async () => {
      const r = await runCli(['parse', v.fixture]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(read(v.expected));
      expect(r.stderr).toMatch(new RegExp(`${v.fixture}:(15|9): MALFORMED`));
    });

    it(`${v.name}: pre-filter parity`, () => expectPrefilterParity(read(v.fixture), { file: v.fixture }));
  }

  it('TSV: header lines and #close are not records; several header blocks; another #path is NOT_A_CONNECTION', () => {
    const { outcomes, info } = parseText(read('fixtures/flows/zeek.log'), { file: 'zeek.log' });
    expect(kinds(outcomes)).toEqual([...Array<string>(6).fill('events'), 'MALFORMED', 'events', 'events', 'NOT_A_CONNECTION']);
    expect(outcomes.map((o) => o.line)).toEqual([9, 10, 11, 12, 13, 14, 15, 25, 26, 33]);
    expect(info).toMatchObject({ records: 10, parsed: 8, skipped: 1, errors: 1 });
  });

  it('JSON: other Zeek logs (dns.log without _path, _path http) are NOT_A_CONNECTION, a cut record MALFORMED', () => {
    const { outcomes } = parseText(read('fixtures/flows/zeek.json'), { file: 'zeek.json' });
    expect(kinds(outcomes)).toEqual([...Array<string>(6).fill('events'), 'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'MALFORMED']);
  });

  it('the two forms of the same connections give the same events', () => {
    const strip = (e: JsonEvent) => ({ ...e, file: '', line: 0 });
    const a = jsonEvents(parseText(read('fixtures/flows/zeek.log'), { file: 'x' }).outcomes).slice(0, 6).map(strip);
    const b = jsonEvents(parseText(read('fixtures/flows/zeek.json'), { file: 'x' }).outcomes).map(strip);
    expect(a).toEqual(b);
  });

  it('scan finds the external DICOM sources', async () => {
    const r = await runCli(['scan', 'fixtures/flows/zeek.log', '--output', 'csv']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows).toContain('203.0.113.7,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(rows).toContain('198.51.100.23,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(rows).toContain('203.0.113.77,10.20.30.40,2026-03-16T11:00:00.000Z,1');
  });
});

describe('Zeek conn.log: the reading', () => {
  it('sniffing: `#separator \\x09` is Zeek TSV; --format zeek forces it', () => {
    expect(sniffFormat('#separator \\x09')?.id).toBe('zeek');
    expect(sniffFormat('#Version: 1.5')?.id).not.toBe('zeek');
    expect(formatById('zeek')?.id).toBe('zeek');
    expect(decodeSeparator(' \\x09')).toBe('\t');
    expect(decodeSeparator(' |')).toBe('|');
    expect(decodeSeparator(' \\xZZ')).toBeUndefined();
  });

  it('time is ts (the first packet), truncated to the millisecond; epoch or ISO', () => {
    expect(ev(json(CONN))).toMatchObject({ time: '2026-03-16T10:15:02.123Z' });
    expect(json({ ...CONN, ts: 1773656102.9999 })).toMatchObject({ events: [{ time: 1773656102999 }] });
    expect(json({ ...CONN, ts: '2026-03-16T10:15:02.123456Z' })).toMatchObject({ events: [{ time: 1773656102123 }] });
  });

  it('bytes and packets: IP bytes and packets of both directions (Elastic network.bytes); one direction alone is no total', () => {
    expect(json(CONN)).toMatchObject({ events: [{ bytes: 668, packets: 9 }] });
    const { resp_ip_bytes: _b, resp_pkts: _p, ...oneWay } = CONN;
    const e = ev(json(oneWay));
    expect(e['bytes']).toBeUndefined();
    expect(e['packets']).toBeUndefined();
    // a record trimmed of the IP-level counters: the payload bytes are what it carries
    const { orig_ip_bytes: _o, resp_ip_bytes: _r, ...trimmed } = CONN;
    expect(json({ ...trimmed, orig_bytes: 60, resp_bytes: 40 })).toMatchObject({ events: [{ bytes: 100, packets: 9 }] });
  });

  it('conn_state: REJ is deny; S0, SF, RSTO… state no decision', () => {
    expect(ZEEK_CONN_STATE_ACTIONS).toEqual({ REJ: 'deny' });
    expect(json({ ...CONN, conn_state: 'REJ' })).toMatchObject({ events: [{ action: 'deny' }] });
    for (const state of ['S0', 'S1', 'SF', 'RSTO', 'RSTR', 'RSTOS0', 'SH', 'SHR', 'OTH']) {
      expect(ev(json({ ...CONN, conn_state: state }))['action']).toBeUndefined();
    }
  });

  it('ICMP: type and code in the port fields are not ports', () => {
    const e = ev(json({ ...CONN, proto: 'icmp', 'id.orig_p': 8, 'id.resp_p': 0 }));
    expect(e).toMatchObject({ protocol: 'icmp' });
    expect(e['srcPort']).toBeUndefined();
    expect(e['dstPort']).toBeUndefined();
  });

  it('nested id objects, IPv6, unknown_transport', () => {
    const { 'id.orig_h': _a, 'id.orig_p': _b, 'id.resp_h': _c, 'id.resp_p': _d, ...rest } = CONN;
    const nested = { ...rest, id: { orig_h: '2001:DB8:0:0:0:0:0:7', orig_p: 1, resp_h: '2001:db8::10', resp_p: 104 } };
    expect(json(nested)).toMatchObject({ events: [{ srcIp: '2001:db8::7', dstIp: '2001:db8::10', dstPort: 104 }] });
    expect(ev(json({ ...CONN, proto: 'unknown_transport' }))['protocol']).toBeUndefined();
  });

  it('JSON documents of others are not Zeek\'s', () => {
    const ctx = { file: 'x', lineNo: 1, time: { tz: 'UTC' } };
    expect(zeekConnFormat.parse({ ts: 1, uid: 'x' }, ctx)).toBe(NOT_MINE);
    expect(zeekConnFormat.parse({ timestamp: 'x', src_ip: '1.2.3.4' }, ctx)).toBe(NOT_MINE);
    expect(zeekConnFormat.parse(JSON.parse(zeekConnFormat.sample) as Record<string, unknown>, ctx)).toMatchObject({ dstPort: 104, action: 'deny' });
  });

  it('bad values: an address that is none is BAD_ADDRESS, a stamp that is none BAD_TIME, no responder MISSING_FIELD', () => {
    expect(json({ ...CONN, 'id.orig_h': 'pacs' })).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
    expect(json({ ...CONN, ts: 'yesterday' })).toMatchObject({ kind: 'error', code: 'BAD_TIME' });
    const { 'id.resp_h': _x, ...noResp } = CONN;
    expect(json(noResp)).toMatchObject({ kind: 'error', code: 'MISSING_FIELD' });
    expect(kinds(tsv('1773656102.1\tC1\t203.0.113.7\t1\t-\t104\ttcp\tSF\t1\t2\t3\t4'))).toEqual(['MISSING_FIELD']);
  });

  it('TSV: - and (empty) are absent; a record before #fields or with another field count is MALFORMED, in scan as in parse', () => {
    const [ok] = tsv('1773656102.1\tC1\t203.0.113.7\t1\t10.20.30.40\t104\t-\t(empty)\t1\t2\t3\t4');
    expect(ok).toMatchObject({ kind: 'events' });
    const e = ev(ok!);
    expect(e.protocol).toBeUndefined();
    for (const prefilter of [undefined, PREFILTER]) {
      const ctx = prefilter ? { file: 't', prefilter } : { file: 't' };
      expect(kinds(parseText('1773656102.1\tC1\t203.0.113.7\t1\t10.20.30.40\t104\n', { ...ctx, format: 'zeek' }).outcomes)).toEqual(['MALFORMED']);
      expect(kinds(parseText('#fields\tts\n1773656102.1\tC1\t203.0.113.7\t1\t10.20.30.40\t104\n', ctx).outcomes)).toEqual(['MALFORMED']);
      expect(kinds(parseText(`${TSV_HEAD}\n1773656102.1\tC1\t203.0.113.7\t1\t10.20.30.40\t80\n`, ctx).outcomes)).toEqual(['MALFORMED']);
      expect(kinds(parseText(`${TSV_HEAD}\n1773656102.1\tC1\t203.0.113.7\t1\t10.20.30.40\t80\ttcp\tSF\t1\t2\t3\t4\t5\n`, ctx).outcomes)).toEqual(['MALFORMED']);
    }
  });

  it('TSV: a new #fields line changes the layout mid-file; CRLF line ends', () => {
    const text = `${TSV_HEAD}\n1773656102.1\tC1\t203.0.113.7\t1\t10.20.30.40\t104\ttcp\tSF\t1\t2\t3\t4\n#fields\tid.resp_p\tid.resp_h\tid.orig_h\tts\n#types\tport\taddr\taddr\ttime\n104\t10.9.9.9\t203.0.113.8\t1773656103.5\r\n`;
    const { outcomes } = parseText(text, { file: 't' });
    expect(jsonEvents(outcomes).map((e) => [e.srcIp, e.dstIp, e.dstPort, e.time])).toEqual([
      ['203.0.113.7', '10.20.30.40', 104, '2026-03-16T10:15:02.100Z'],
      ['203.0.113.8', '10.9.9.9', 104, '2026-03-16T10:15:03.500Z'],
    ]);
  });

  it('garbage and truncation never throw and never give a wrong tuple', () => {
    for (const v of VARIANTS) {
      const text = read(v.fixture);
      const full = new Map(jsonEvents(parseText(text, { file: 'f' }).outcomes).map((e) => [e.line, e]));
      const lines = text.split('\n');
      lines.forEach((line, i) => {
        if (line.startsWith('#') || line === '') return;
        const head = v.name === 'TSV' ? lines.slice(0, i).join('\n') + '\n' : '\n'.repeat(i);
        for (let cut = 0; cut < line.length; cut += 3) {
          const { outcomes } = parseText(head + line.slice(0, cut), { file: 'f' });
          for (const e of jsonEvents(outcomes).filter((x) => x.line === i + 1)) {
            const want = full.get(i + 1)!;
            expect([e.srcIp, e.dstIp, e.dstPort, e.protocol, e.time]).toEqual([want.srcIp, want.dstIp, want.dstPort, want.protocol, want.time]);
          }
        }
      });
    }
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let k = 0; k < 200; k++) {
      const junk = Array.from({ length: 1 + Math.floor(rnd() * 80) }, () => String.fromCharCode(Math.floor(rnd() * 128))).join('');
      expect(() => parseText(`${TSV_HEAD}\n${junk}\n`, { file: 'f' })).not.toThrow();
      expect(() => parseText(`{"ts":1,"uid":"x","id.orig_h":${JSON.stringify(junk)}}`, { file: 'f' })).not.toThrow();
    }
  });
});
