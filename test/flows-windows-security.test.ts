/**
 * Windows Security events 5156/5157/5152 (Filtering Platform) as XML (src/parsers/flows/windows-security-xml.ts): a
 * byte-level format read event by event; `line` is the 1-based index of the `<Event>` element.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { createRecordParser, parseText } from '../src/parsers/record-parser.js';
import { sniffBytes } from '../src/parsers/registry.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');
const kinds = (outcomes: readonly RecordOutcome[]) => outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
const expected = (path: string) => read(path).trimEnd().split('\n').map((l) => JSON.parse(l) as JsonEvent);
const PREFILTER = { dstPorts: new Set([104]) };
const NS = 'http://schemas.microsoft.com/win/2004/08/events/event';

const VARIANTS = [
  {
    name: 'Event Viewer "Save as XML" (<?xml?><Events>…</Events>, one line, CRLF after the declaration)',
    file: 'fixtures/flows/windows-security.xml',
    expected: 'fixtures/flows/windows-security.expected.jsonl',
    kinds: ['events', 'events', 'events', 'events', 'NOT_A_CONNECTION', 'events', 'NOT_A_CONNECTION', 'MISSING_FIELD', 'events'],
  },
  {
    name: 'wevtutil qe /f:xml (bare stream of <Event> elements, no root)',
    file: 'fixtures/flows/windows-security-wevtutil.xml',
    expected: 'fixtures/flows/windows-security-wevtutil.expected.jsonl',
    kinds: ['events', 'events', 'events', 'events'],
  },
];

/** One Event element, Microsoft's documented layout, with the given EventID and EventData. */
function event(id: number | string, data: Record<string, string>, system = ''): string {
  const items = Object.entries(data).map(([k, v]) => `<Data Name="${k}">${v}</Data>`).join('');
  return `<Event xmlns="${NS}"><System><Provider Name="Microsoft-Windows-Security-Auditing" Guid="{54849625-5478-4994-A5BA-3E3B0328C30D}" />` +
    `<EventID>${id}</EventID><TimeCreated SystemTime="2026-03-16T10:00:00.000000000Z" /><Computer>pacs01</Computer>${system}</System>` +
    `<EventData>${items}</EventData></Event>`;
}
const wfp = (direction: string, sa: string, sp: string, da: string, dp: string) => ({
  ProcessID: '4556', Application: '\\device\\harddiskvolume2\\pacs\\dcmqrscp.exe', Direction: direction,
  SourceAddress: sa, SourcePort: sp, DestAddress: da, DestPort: dp, Protocol: '6',
});
const parse = (text: string, extra: Record<string, unknown> = {}) => parseText(text, { file: 'x.xml', ...extra }).outcomes;

describe('Windows Security XML: the fixtures', () => {
  for (const v of VARIANTS) {
    describe(v.name, () => {
      const text = read(v.file);
      const ctx = { file: v.file };

      it('gives the hand-checked events of the expected file', () => {
        const { outcomes } = parseText(text, ctx);
        expect(jsonEvents(outcomes)).toEqual(expected(v.expected));
        expect(kinds(outcomes)).toEqual(v.kinds);
        expect(outcomes.map((o) => o.line)).toEqual(v.kinds.map((_, i) => i + 1));
      });

      it('the CLI prints exactly the expected file', async () => {
        const r = await runCli(['parse', v.file]);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(read(v.expected));
      });

      it('pre-filter parity', () => {
        const full = parseText(text, ctx).outcomes;
        const scanned = parseText(text, { ...ctx, prefilter: PREFILTER }).outcomes;
        expect(scanned.map((o) => o.line)).toEqual(full.map((o) => o.line));
        full.forEach((o, i) => {
          const s = scanned[i]!;
          if (s.kind === 'skip' && s.code === 'FILTERED') {
            if (o.kind === 'events') for (const e of o.events) expect(e.dstPort).not.toBe(104);
            else expect(o.kind).toBe('error'); // a value error in a record whose port cannot match
          } else expect(s).toEqual(o);
        });
        expect(scanned.some((o) => o.kind === 'skip' && o.code === 'FILTERED')).toBe(true);
      });

      it('chunking does not matter (every chunk size from 1 byte)', () => {
        const whole = parseText(text, ctx).outcomes;
        for (const size of [1, 7, 64, 333]) {
          const p = createRecordParser(ctx);
          const out: RecordOutcome[] = [];
          const bytes = Buffer.from(text, 'utf8');
          for (let i = 0; i < bytes.length; i += size) out.push(...p.push(bytes.subarray(i, i + size)));
          out.push(...p.end());
          expect(p.failure).toBeUndefined();
          expect(out).toEqual(whole);
        }
      });
    });
  }

  it('UTF-16 LE with a BOM (a PowerShell 5 `>` redirect of wevtutil) gives the same events (the reader re-encodes it)', async () => {
    const v = VARIANTS[1]!;
    const dir = mkdtempSync(join(tmpdir(), 'winsec-'));
    const file = join(dir, 'utf16.xml');
    writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(read(v.file), 'utf16le')]));
    const r = await runCli(['parse', file]);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => ({ ...JSON.parse(l), file: v.file }))).toEqual(expected(v.expected));
  });

  it('the full file: the fixture MISSING_FIELD is located by element index', async () => {
    const r = await runCli(['parse', VARIANTS[0]!.file]);
    expect(r.stderr).toContain(`${VARIANTS[0]!.file}:8: MISSING_FIELD: no source address (DestAddress)`);
  });

  it('scan finds the external DICOM sources (inbound swapped, IPv6, 5152 as written), not the outbound ones', async () => {
    const r = await runCli(['scan', VARIANTS[0]!.file, '--output', 'csv']);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out).toContain('203.0.113.7,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(out).toContain('198.51.100.23,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(out).toContain('192.0.2.99,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(out.some((row) => row.startsWith('10.20.30.40,'))).toBe(false);
  });
});

describe('Windows Security XML: the reading', () => {
  it('sniffing: <Event, <Events>, an XML declaration before them; not other XML', () => {
    const s = (t: string) => sniffBytes(Buffer.from(t))?.id;
    expect(s(`<Event xmlns="${NS}"><System>`)).toBe('windows-security');
    expect(s('\ufeff  <Events>\r\n<Event xmlns')).toBe('windows-security');
    expect(s('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\r\n<Events>')).toBe('windows-security');
    expect(s('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\r\n<Ev')).toBe('windows-security');
    expect(s('<?xml version="1.0"?><nmaprun scanner="nmap">')).toBeUndefined();
    expect(s('<EventData>')).toBeUndefined();
  });

  it('direction: an inbound 5156/5157 has the LOCAL side in Source* (Microsoft): the remote peer becomes the source', () => {
    for (const [id, action] of [['5156', 'allow'], ['5157', 'deny']] as const) {
      const [o] = parse(event(id, wfp('%%14592', '10.0.0.10', '104', '203.0.113.9', '49278')));
      expect(jsonEvents([o!])[0]).toMatchObject({ srcIp: '203.0.113.9', srcPort: 49278, dstIp: '10.0.0.10', dstPort: 104, action, protocol: 'tcp', device: 'pacs01' });
      const [out] = parse(event(id, wfp('%%14593', '10.0.0.10', '50000', '203.0.113.9', '104')));
      expect(jsonEvents([out!])[0]).toMatchObject({ srcIp: '10.0.0.10', srcPort: 50000, dstIp: '203.0.113.9', dstPort: 104, action });
    }
  });

  it('direction: a 5152 packet drop is read as written (Microsoft\'s 5152 example: inbound, remote sender in Source*)', () => {
    const [o] = parse(event(5152, wfp('%%14592', '10.0.0.100', '49278', '10.0.0.10', '3333')));
    expect(jsonEvents([o!])[0]).toMatchObject({ srcIp: '10.0.0.100', srcPort: 49278, dstIp: '10.0.0.10', dstPort: 3333, action: 'drop' });
  });

  it('Microsoft\'s documented 5156 example (inbound to listener.exe on 3333)', () => {
    const [o] = parse(event(5156, { ...wfp('%%14592', '10.0.0.10', '3333', '10.0.0.100', '49278'), FilterRTID: '70201', LayerName: '%%14610', LayerRTID: '44', RemoteUserID: 'S-1-0-0', RemoteMachineID: 'S-1-0-0' }));
    expect(jsonEvents([o!])[0]).toEqual({
      time: '2026-03-16T10:00:00.000Z', srcIp: '10.0.0.100', srcPort: 49278, dstIp: '10.0.0.10', dstPort: 3333, protocol: 'tcp',
      action: 'allow', device: 'pacs01', vendor: 'Microsoft', product: 'Windows Filtering Platform', format: 'windows-security', file: 'x.xml', line: 1,
    });
  });

  it('the rendered words Inbound/Outbound are accepted; another Direction is BAD_VALUE, none is MISSING_FIELD', () => {
    const [a] = parse(event(5156, wfp('Inbound', '10.0.0.10', '104', '203.0.113.9', '1'))) as [RecordOutcome];
    expect(jsonEvents([a])[0]).toMatchObject({ srcIp: '203.0.113.9', dstPort: 104 });
    const [b] = parse(event(5156, wfp('%%14599', '10.0.0.10', '104', '203.0.113.9', '1')));
    expect(b).toMatchObject({ kind: 'error', code: 'BAD_VALUE' });
    const { Direction: _, ...noDirection } = wfp('x', '10.0.0.10', '104', '203.0.113.9', '1');
    expect(parse(event(5156, noDirection))[0]).toMatchObject({ kind: 'error', code: 'MISSING_FIELD' });
  });

  it('other Event IDs and other providers are NOT_A_CONNECTION', () => {
    const other = event(4624, { IpAddress: '203.0.113.9', IpPort: '104' });
    const sysmon = event(5156, wfp('%%14592', '10.0.0.10', '104', '203.0.113.9', '1')).replace('Microsoft-Windows-Security-Auditing', 'Some-Other-Provider');
    expect(kinds(parse(other + sysmon))).toEqual(['NOT_A_CONNECTION', 'NOT_A_CONNECTION']);
  });

  it('a 5156 without addresses is MISSING_FIELD; bad address, port, time are errors naming the field', () => {
    const { SourceAddress: _s, DestAddress: _d, ...noAddr } = wfp('%%14593', '', '50000', '', '104');
    expect(parse(event(5156, noAddr))[0]).toMatchObject({ kind: 'error', code: 'MISSING_FIELD' });
    expect(parse(event(5156, wfp('%%14593', '10.0.0.1', '1', 'nope', '104')))[0]).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS', message: expect.stringContaining('DestAddress') });
    const badTime = event(5156, wfp('%%14593', '10.0.0.1', '1', '10.0.0.2', '104')).replace('2026-03-16T10:00:00.000000000Z', 'yesterday');
    expect(parse(badTime)[0]).toMatchObject({ kind: 'error', code: 'BAD_TIME' });
    const [port] = parse(event(5156, wfp('%%14593', '10.0.0.1', '1', '10.0.0.2', '99999')));
    expect(port!.kind).toBe('events');
    expect(jsonEvents([port!])[0]!.dstPort).toBeUndefined();
  });

  it('MALFORMED: not well-formed, cut off by the next <Event>, input ending inside an element; the file goes on', () => {
    const good = event(5156, wfp('%%14592', '10.0.0.10', '104', '203.0.113.9', '1'));
    const broken = good.replace('</Computer>', '');
    const cut = good.slice(0, 200);
    const out = parse(`${broken}\n${cut}\n${good}\n${cut}`);
    expect(kinds(out)).toEqual(['MALFORMED', 'MALFORMED', 'events', 'MALFORMED']);
    expect(out.map((o) => o.line)).toEqual([1, 2, 3, 4]);
  });

  it('an XML entity bomb expands nothing: DOCTYPE outside the events is ignored, entity references stay as written, a DOCTYPE inside is MALFORMED', () => {
    const lol = ['<!ENTITY lol "lol">', ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`)].join('');
    const bomb = `<?xml version="1.0"?>\n<!DOCTYPE Events [${lol}]>\n<Events>` +
      event(5156, wfp('%%14592', '10.0.0.10', '104', '203.0.113.9', '1')).replace('<Computer>pacs01</Computer>', '<Computer>&lol9;</Computer>') +
      event(5156, wfp('%%14592', '10.0.0.10', '104', '203.0.113.9', '1')).replace('<System>', `<!DOCTYPE x [${lol}]><System>`) +
      '</Events>';
    const out = parse(bomb);
    expect(kinds(out)).toEqual(['events', 'MALFORMED']);
    expect(jsonEvents(out)[0]!.device).toBe('&lol9;');
  });

  it('the predefined entities and character references are decoded (no DTD needed)', () => {
    const [o] = parse(event(5156, wfp('%%14592', '10.0.0.10', '104', '203.0.113.9', '1')).replace('<Computer>pacs01</Computer>', '<Computer>r&amp;d&#45;pacs&#x41;</Computer>'));
    expect(jsonEvents([o!])[0]!.device).toBe('r&d-pacsA');
  });

  it('an element over 1 MiB is RECORD_TOO_LONG, memory stays bounded, and the next element still counts', () => {
    const good = event(5156, wfp('%%14592', '10.0.0.10', '104', '203.0.113.9', '1'));
    const huge = good.replace('<Computer>pacs01</Computer>', `<Computer>${'x'.repeat(1_200_000)}</Computer>`);
    const p = createRecordParser({ file: 'x.xml' });
    const out: RecordOutcome[] = [];
    const bytes = Buffer.from(`<Events>${huge}${good}</Events>`);
    for (let i = 0; i < bytes.length; i += 65536) out.push(...p.push(bytes.subarray(i, i + 65536)));
    out.push(...p.end());
    expect(kinds(out)).toEqual(['RECORD_TOO_LONG', 'events']);
    expect(out.map((o) => o.line)).toEqual([1, 2]);
  });

  it('garbage and truncation fuzz: never throws, never a wrong value', () => {
    const text = read(VARIANTS[0]!.file);
    const truth = new Map(jsonEvents(parseText(text, { file: 'f' }).outcomes).map((e) => [e.line, e]));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let n = 0; n < 300; n++) {
      let t = text.slice(0, Math.floor(rand() * text.length));
      if (n % 3 === 1) {
        const at = Math.floor(rand() * t.length);
        t = t.slice(0, at) + String.fromCharCode(Math.floor(rand() * 128)) + t.slice(at + 1);
      }
      const p = createRecordParser({ file: 'f', format: 'windows-security' });
      const out = [...p.push(t), ...p.end()];
      for (const e of jsonEvents(out)) {
        const want = truth.get(e.line);
        if (n % 3 !== 1) expect(e).toEqual(want); // pure truncation: an event is whole or absent
        else if (want) expect(e.format).toBe('windows-security');
      }
    }
  });
});
