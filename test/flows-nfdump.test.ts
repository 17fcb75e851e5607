/**
 * nfdump `-o csv` (src/parsers/flows/nfdump.ts): a file-level format whose header line defines the layout, nfdump
 * 1.6 short names and 1.7+ long names, the trailing Summary block not records.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { parseText } from '../src/parsers/record-parser.js';
import { sniffFormat } from '../src/parsers/registry.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const kinds = (outcomes: readonly RecordOutcome[]) => outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
const PREFILTER = { dstPorts: new Set([104]) };
const H17 = 'firstSeen,lastSeen,duration,srcAddr,dstAddr,srcPort,dstPort,proto,flags,inPackets,inBytes,outPackets,outBytes,routerIP\n';
const rows = (body: string, extra: Record<string, unknown> = {}) => parseText(H17 + body, { file: 'x.csv', ...extra }).outcomes;
const rec = (over: Partial<Record<string, string>> = {}) => {
  const v = { ts: '2026-03-16 11:15:02.250', sa: '203.0.113.7', da: '10.20.30.40', sp: '51515', dp: '104', pr: 'TCP', ipkt: '6', ibyt: '480', opkt: '0', obyt: '0', ...over };
  return `${v.ts},${v.ts},0.000,${v.sa},${v.da},${v.sp},${v.dp},${v.pr},......S.,${v.ipkt},${v.ibyt},${v.opkt},${v.obyt},192.0.2.1`;
};

const VARIANTS = [
  { name: 'nfdump 1.6 (ts,te,td,sa,da,… 48 columns, Summary block)', fixture: 'fixtures/flows/nfdump.csv',
    kinds: ['events', 'events', 'events', 'events', 'events', 'events', 'MALFORMED'],
    scanKinds: ['events', 'events', 'events', 'FILTERED', 'FILTERED', 'events', 'MALFORMED'], stderr: ':8: MALFORMED: expected 48 fields' },
  { name: 'nfdump 1.7+ (firstSeen,…,srcAddr,dstAddr,… names)', fixture: 'fixtures/flows/nfdump-1.7.csv',
    kinds: ['events', 'events', 'events', 'BAD_TIME'], scanKinds: ['events', 'events', 'FILTERED', 'BAD_TIME'], stderr: ':5: BAD_TIME' },
] as const;

describe.each(VARIANTS)('nfdump csv: $name', (v) => {
  const text = read(v.fixture);
  const expected = v.fixture.replace(/\.csv$/, '.expected.jsonl');
  const ctx = { file: v.fixture };

  it('gives the hand-checked events of the expected file', () => {
    const { outcomes } = parseText(text, ctx);
    expect(jsonEvents(outcomes)).toEqual(read(expected).trimEnd().split('\n').map((l) => JSON.parse(l) as JsonEvent));
    expect(kinds(outcomes)).toEqual(v.kinds);
  });

  it('the CLI prints exactly the expected file', async () => {
    const r = await runCli(['parse', v.fixture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(read(expected));
    expect(r.stderr).toContain(`${v.fixture}${v.stderr}`);
  });

  it('pre-filter parity', () => {
    const full = parseText(text, ctx).outcomes;
    const scanned = parseText(text, { ...ctx, prefilter: PREFILTER }).outcomes;
    expect(scanned.map((o) => o.line)).toEqual(full.map((o) => o.line));
    full.forEach((o, i) => {
      const s = scanned[i]!;
      if (s.kind === 'skip' && s.code === 'FILTERED') {
        expect(o.kind === 'events' || (o.kind === 'error' && o.code !== 'MALFORMED' && o.code !== 'RECORD_TOO_LONG')).toBe(true);
        if (o.kind === 'events') for (const e of o.events) expect(e.dstPort).not.toBe(104);
      } else expect(s).toEqual(o);
    });
    expect(kinds(scanned)).toEqual(v.scanKinds);
  });

  it('garbage and truncation never throw and never give a wrong tuple', () => {
    const lines = text.split('\n');
    const full = new Map(jsonEvents(parseText(text, ctx).outcomes).map((e) => [e.line, e]));
    lines.forEach((line, i) => {
      if (i === 0 || line === '') return;
      for (let cut = 0; cut < line.length; cut += 3) {
        const { outcomes } = parseText(lines.slice(0, i).join('\n') + '\n' + line.slice(0, cut), ctx);
        for (const e of jsonEvents(outcomes).filter((x) => x.line === i + 1)) {
          const want = full.get(i + 1)!;
          expect([e.srcIp, e.dstIp, e.dstPort, e.protocol, e.time]).toEqual([want.srcIp, want.dstIp, want.dstPort, want.protocol, want.time]);
        }
      }
    });
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let k = 0; k < 300; k++) {
      const junk = Array.from({ length: 1 + Math.floor(rnd() * 120) }, () => String.fromCharCode(Math.floor(rnd() * 128))).join('');
      expect(() => parseText(lines[0] + '\n' + junk + '\n', ctx)).not.toThrow();
      expect(() => parseText(lines[0] + '\n' + junk + '\n', { ...ctx, prefilter: PREFILTER })).not.toThrow();
    }
  });
});

describe('nfdump csv: the reading', () => {
  it('sniffing: either vocabulary; other CSV headers are not nfdump', () => {
    expect(sniffFormat(read('fixtures/flows/nfdump.csv').split('\n')[0]!)?.id).toBe('nfdump');
    expect(sniffFormat(H17.trimEnd())?.id).toBe('nfdump');
    expect(sniffFormat('ts,sa,da,dp')?.id).toBe('nfdump');
    expect(sniffFormat('TimeGenerated,SourceIP,DestinationIP,DestinationPort')?.id).not.toBe('nfdump');
    expect(sniffFormat('ts,src,dst,dport')?.id).not.toBe('nfdump');
    expect(sniffFormat('firstSeen,sa,dstAddr')?.id).not.toBe('nfdump');
  });

  it('time: local wall clock read in --tz (UTC without it), milliseconds kept', () => {
    const [utc] = rows(rec() + '\n');
    expect(jsonEvents([utc!])[0]!.time).toBe('2026-03-16T11:15:02.250Z');
    const [berlin] = rows(rec({ ts: '2026-07-01 12:00:00' }) + '\n', { tz: 'Europe/Berlin' });
    expect(jsonEvents([berlin!])[0]!.time).toBe('2026-07-01T10:00:00.000Z');
  });

  it('bytes/packets: in + out; in alone when out is missing or unusable; protocol names and numbers', () => {
    const out = jsonEvents(rows([rec({ opkt: '5', obyt: '400' }), rec({ pr: '17', opkt: 'x' }), rec({ pr: 'ICMP', sp: '0', dp: '8.0' })].join('\n') + '\n'));
    expect(out.map((e) => [e.bytes, e.packets, e.protocol, e.srcPort, e.dstPort])).toEqual([
      [880, 11, 'tcp', 51515, 104], [480, 6, 'udp', 51515, 104], [480, 6, 'icmp', undefined, undefined],
    ]);
  });

  it('the Summary block and anything after it are not records; a new header starts another listing', () => {
    const text = `${H17}${rec()}\nSummary\nflows,bytes,packets,avg_bps,avg_pps,avg_bpp\n1,480,6,0,0,80\nTime window: whatever\n${H17}${rec({ dp: '4242' })}\n`;
    for (const extra of [{}, { prefilter: PREFILTER }]) {
      const { outcomes, info } = parseText(text, { file: 'x.csv', ...extra });
      expect(outcomes.map((o) => o.line)).toEqual([2, 8]);
      expect(info).toMatchObject({ records: 2 });
    }
  });

  it('bad values are located errors, identical in parse and scan', () => {
    for (const extra of [{}, { prefilter: PREFILTER }]) {
      expect(kinds(rows([rec({ sa: 'pacs' }), rec({ ts: '2026-13-16 11:00:00' }), rec({ da: '' }), '1,2,3'].join('\n') + '\n', extra)))
        .toEqual(['BAD_ADDRESS', 'BAD_TIME', 'MISSING_FIELD', 'MALFORMED']);
      expect(kinds(parseText(rec() + '\n', { file: 'x.csv', format: 'nfdump', ...extra } as never).outcomes)).toEqual(['MALFORMED']);
    }
  });

  it('scan finds the external DICOM sources of the 1.6 file, not the internal one', async () => {
    const r = await runCli(['scan', 'fixtures/flows/nfdump.csv', '--output', 'csv']);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toContain('203.0.113.7,10.20.30.40,2026-03-16T11:00:00.000Z,1');
    expect(out).toContain('198.51.100.23,10.20.30.40,2026-03-16T11:00:00.000Z,1');
    expect(out.some((row) => row.startsWith('10.20.30.40,'))).toBe(false);
  });
});
