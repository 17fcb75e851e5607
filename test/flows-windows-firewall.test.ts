/**
 * Windows (Defender) Firewall pfirewall.log (src/parsers/flows/windows-firewall.ts): a file-level format with a
 * W3C-style `#Fields:` header, local timestamps read in `--tz`.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { parseText } from '../src/parsers/record-parser.js';
import { sniffFormat } from '../src/parsers/registry.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/flows/windows-firewall.log';
const EXPECTED = 'fixtures/flows/windows-firewall.expected.jsonl';
const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const text = read(FIXTURE);
const ctx = { file: FIXTURE, tz: 'Europe/Berlin' };
const kinds = (outcomes: readonly RecordOutcome[]) => outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
const PREFILTER = { dstPorts: new Set([104]) };
const HEAD = '#Version: 1.5\n#Software: Microsoft Windows Firewall\n#Time Format: Local\n#Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path\n';

function rows(body: string, extra: Record<string, unknown> = {}): RecordOutcome[] {
  return parseText(HEAD + body, { ...ctx, ...extra }).outcomes;
}

describe('Windows Firewall: the fixture', () => {
  it('gives the hand-checked events of the expected file (read in --tz Europe/Berlin)', () => {
    const { outcomes, info } = parseText(text, ctx);
    expect(jsonEvents(outcomes)).toEqual(read(EXPECTED).trimEnd().split('\n').map((l) => JSON.parse(l) as JsonEvent));
    expect(kinds(outcomes)).toEqual([...Array<string>(6).fill('events'), 'NOT_A_CONNECTION', 'MALFORMED', 'events']);
    expect(info).toMatchObject({ records: 9, parsed: 7, skipped: 1, errors: 1 });
  });

  it('the CLI prints exactly the expected file with --tz, and refuses the local times without it', async () => {
    const r = await runCli(['parse', '--tz', 'Europe/Berlin', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(read(EXPECTED));
    expect(r.stderr).toContain(`${FIXTURE}:13: MALFORMED: expected 18 fields`);
    const noTz = await runCli(['parse', FIXTURE]);
    expect(noTz.code).toBe(2);
    expect(noTz.stdout).toBe('');
    expect(noTz.stderr).toContain('#Time Format: Local');
    expect(noTz.stderr).toContain('--tz');
  });

  it('pre-filter parity', () => {
    const full = parseText(text, ctx).outcomes;
    const scanned = parseText(text, { ...ctx, prefilter: PREFILTER }).outcomes;
    expect(scanned.map((o) => o.line)).toEqual(full.map((o) => o.line));
    full.forEach((o, i) => {
      const s = scanned[i]!;
      if (s.kind === 'skip' && s.code === 'FILTERED') {
        expect(o.kind).toBe('events');
        if (o.kind === 'events') for (const e of o.events) expect(e.dstPort).not.toBe(104);
      } else expect(s).toEqual(o);
    });
    expect(kinds(scanned)).toEqual(['events', 'events', 'events', 'FILTERED', 'FILTERED', 'events', 'NOT_A_CONNECTION', 'MALFORMED', 'FILTERED']);
  });

  it('scan finds the external DICOM sources', async () => {
    const r = await runCli(['scan', '--tz', 'Europe/Berlin', FIXTURE, '--output', 'csv']);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toContain('203.0.113.7,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(out).toContain('198.51.100.23,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(out.some((row) => row.startsWith('10.20.30.40,'))).toBe(false);
  });
});

describe('Windows Firewall: the reading', () => {
  it('sniffing', () => {
    expect(sniffFormat('#Version: 1.5')?.id).toBe('windows-firewall');
    expect(sniffFormat('#Software: Microsoft Windows Firewall')?.id).toBe('windows-firewall');
    expect(sniffFormat('#Version: 1.0')?.id).not.toBe('windows-firewall');
  });

  it('local time in --tz (DST included); path SEND/RECEIVE does not swap the columns', () => {
    const [summer] = rows('2026-07-01 12:00:00 ALLOW TCP 10.20.30.40 203.0.113.5 50000 104 0 - - - - - - - SEND\n');
    expect(jsonEvents([summer!])[0]).toMatchObject({ time: '2026-07-01T10:00:00.000Z', srcIp: '10.20.30.40', dstIp: '203.0.113.5', dstPort: 104 });
    const [ny] = rows('2026-03-16 06:15:02 DROP TCP 203.0.113.7 10.20.30.40 1 104 40 S 1 0 1 - - - RECEIVE\n', { tz: 'America/New_York' });
    expect(jsonEvents([ny!])[0]!.time).toBe('2026-03-16T10:15:02.000Z');
  });

  it('actions: ALLOW allow, DROP drop, OPEN/OPEN-INBOUND allow, CLOSE none; size 0 is no byte count', () => {
    const out = rows([
      'ALLOW', 'DROP', 'OPEN', 'OPEN-INBOUND', 'CLOSE',
    ].map((a) => `2026-03-16 11:00:00 ${a} TCP 203.0.113.7 10.20.30.40 1 104 0 - - - - - - - RECEIVE`).join('\n') + '\n');
    const events = jsonEvents(out);
    expect(events.map((e) => e.action)).toEqual(['allow', 'drop', 'allow', 'allow', undefined]);
    expect(events.every((e) => e.bytes === undefined)).toBe(true);
  });

  it('a new #Fields: line changes the layout; a record before any is MALFORMED; a #Fields: without addresses is refused', () => {
    const out = rows('#Fields: date time action src-ip dst-ip dst-port\n2026-03-16 11:00:00 DROP 203.0.113.7 10.20.30.40 104\n');
    expect(jsonEvents(out)[0]).toMatchObject({ srcIp: '203.0.113.7', dstPort: 104, action: 'drop' });
    for (const extra of [{}, { prefilter: PREFILTER }]) {
      expect(kinds(parseText('2026-03-16 11:00:00 DROP TCP 203.0.113.7 10.20.30.40 1 104\n', { ...ctx, ...extra, format: 'windows-firewall' }).outcomes)).toEqual(['MALFORMED']);
      expect(kinds(rows('2026-03-16 11:00:00 DROP TCP 203.0.113.7 10.20.30.40 1 80 40\n', extra))).toEqual(['MALFORMED']);
    }
    expect(() => parseText('#Version: 1.5\n#Fields: date time action\n', ctx)).toThrow(/src-ip/);
  });

  it('bad values are located errors', () => {
    expect(kinds(rows('2026-03-16 11:00:00 DROP TCP pacs 10.20.30.40 1 104 0 - - - - - - - RECEIVE\n'))).toEqual(['BAD_ADDRESS']);
    expect(kinds(rows('2026-13-16 11:00:00 DROP TCP 203.0.113.7 10.20.30.40 1 104 0 - - - - - - - RECEIVE\n'))).toEqual(['BAD_TIME']);
    expect(kinds(rows('2026-03-16 11:00:00 DROP TCP - 10.20.30.40 1 104 0 - - - - - - - RECEIVE\n'))).toEqual(['MISSING_FIELD']);
  });

  it('garbage and truncation never throw and never give a wrong tuple', () => {
    const lines = text.split('\n');
    const full = new Map(jsonEvents(parseText(text, ctx).outcomes).map((e) => [e.line, e]));
    lines.forEach((line, i) => {
      if (line.startsWith('#') || line === '') return;
      for (let cut = 0; cut < line.length; cut += 2) {
        const { outcomes } = parseText(lines.slice(0, i).join('\n') + '\n' + line.slice(0, cut), ctx);
        for (const e of jsonEvents(outcomes).filter((x) => x.line === i + 1)) {
          const want = full.get(i + 1)!;
          expect([e.srcIp, e.dstIp, e.dstPort, e.protocol, e.time]).toEqual([want.srcIp, want.dstIp, want.dstPort, want.protocol, want.time]);
        }
      }
    });
    let seed = 5;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let k = 0; k < 300; k++) {
      const junk = Array.from({ length: 1 + Math.floor(rnd() * 120) }, () => String.fromCharCode(Math.floor(rnd() * 128))).join('');
      expect(() => parseText(HEAD + junk.replace(/#/g, '') + '\n', ctx)).not.toThrow();
    }
  });
});
