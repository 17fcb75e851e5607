import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { recordTransform, recordTransformStream } from '../src/io/streams.js';
import { LineSplitter } from '../src/parsers/lines.js';
import { createRecordParser, parseText } from '../src/parsers/record-parser.js';
import { InputFileError } from '../src/parsers/errors.js';
import { csvFormat, detectDelimiter } from '../src/parsers/csv.js';
import { FORMAT_IDS, FORMATS } from '../src/parsers/registry.js';
import { MESSAGE_FORMATS } from '../src/parsers/syslog/registry.js';
import type { ByteFormat, RecordOutcome } from '../src/parsers/types.js';

const ctx = { file: 'in.csv', tz: 'UTC' };

function events(outcomes: readonly RecordOutcome[]): JsonEvent[] {
  return jsonEvents(outcomes);
}

function split(chunks: (string | Buffer)[], max?: number) {
  const got: [number, string][] = [];
  const tooLong: [number, number][] = [];
  const s = new LineSplitter({ line: (b, start, end, n) => got.push([n, b.toString('utf8', start, end)]), tooLong: (n, b) => tooLong.push([n, b]) }, max);
  for (const c of chunks) s.push(typeof c === 'string' ? Buffer.from(c) : c);
  s.end();
  return { got, tooLong };
}

describe('LineSplitter', () => {
  it('splits LF and CRLF, numbers lines, keeps a last line without terminator', () => {
    expect(split(['a\r\nb\n', '\nc']).got).toEqual([[1, 'a'], [2, 'b'], [3, ''], [4, 'c']]);
  });
  it('leaves a BOM alone: the record parser drops it once, before the bytes reach the splitter', () => {
    expect(split(['\ufeffa\n\ufeffb']).got).toEqual([[1, '\ufeffa'], [2, '\ufeffb']]);
  });
  it('joins lines and multi-byte characters split across chunks', () => {
    const bytes = Buffer.from('héllo wörld\nzwei\n');
    expect(split([bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9)]).got).toEqual([[1, 'héllo wörld'], [2, 'zwei']]);
  });
  it('reports a line over the limit by number and resynchronises at its end', () => {
    const r = split(['ok\n', 'x'.repeat(30), 'y'.repeat(30), '\nnext\n'], 40);
    expect(r.got).toEqual([[1, 'ok'], [3, 'next']]);
    expect(r.tooLong).toEqual([[2, 60]]);
  });
  it('reports an over-long last line without terminator', () => {
    expect(split(['a\n', 'z'.repeat(50)], 10).tooLong).toEqual([[2, 50]]);
  });
});

describe('CSV', () => {
  it('detects the delimiter outside quotes', () => {
    expect(detectDelimiter('a,b,c')).toBe(',');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('"x,y";b;c')).toBe(';');
  });

  it('reads a Sentinel export: BOM, CRLF, [UTC] header, quoted fields, a multi-line record', () => {
    const text =
      '\ufeffTimeGenerated [UTC],SourceIP,DestinationIP,DestinationPort,Protocol,DeviceAction,DeviceName,Note\r\n' +
      '"3/16/2026, 10:15:02.123 AM",203.0.113.7,10.1.2.3,104,TCP,Deny,"fw01, core","a ""quoted"" note"\r\n' +
      '2026-03-16T10:16:00+01:00,198.51.100.1,10.1.2.3,104,6,Allow,fw02,"two\r\nlines"\r\n' +
      '2026-03-16 10:17:00,2001:DB8::1,10.1.2.3,104,udp,drop,fw02,x\r\n';
    const { outcomes, info } = parseText(text, ctx);
    expect(events(outcomes)).toEqual([
      { time: '2026-03-16T10:15:02.123Z', srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', action: 'deny', device: 'fw01, core', format: 'csv', file: 'in.csv', line: 2 },
      { time: '2026-03-16T09:16:00.000Z', srcIp: '198.51.100.1', dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', action: 'allow', device: 'fw02', format: 'csv', file: 'in.csv', line: 3 },
      { time: '2026-03-16T10:17:00.000Z', srcIp: '2001:db8::1', dstIp: '10.1.2.3', dstPort: 104, protocol: 'udp', action: 'drop', device: 'fw02', format: 'csv', file: 'in.csv', line: 5 },
    ]);
    expect(info).toMatchObject({ records: 3, parsed: 3, skipped: 0, errors: 0, lines: 5 });
  });

  it('interprets zone-less values in --tz, except in a column whose header says [UTC]', () => {
    const plain = parseText('timestamp,src_ip,dst_ip,dst_port\n2026-07-01 12:00:00,203.0.113.7,10.0.0.1,104\n', { ...ctx, tz: 'Europe/London' });
    expect(events(plain.outcomes)[0]!.time).toBe('2026-07-01T11:00:00.000Z');
    const utc = parseText('TimeGenerated [UTC],SourceIP,DestinationIP\n2026-07-01 12:00:00,203.0.113.7,10.0.0.1\n', { ...ctx, tz: 'Europe/London' });
    expect(events(utc.outcomes)[0]!.time).toBe('2026-07-01T12:00:00.000Z');
  });

  it('knows ASIM, ECS and plain column names, case-insensitively, and TSV', () => {
    const asim = parseText('TimeGenerated\tSrcIpAddr\tSrcPortNumber\tDstIpAddr\tDstPortNumber\tNetworkProtocol\tDvcAction\tDvc\n' +
      '1773656102\t203.0.113.7\t5000\t10.0.0.1\t104\tTCP\tAllow\tfw9\n', ctx);
    expect(events(asim.outcomes)[0]).toMatchObject({ time: '2026-03-16T10:15:02.000Z', srcPort: 5000, dstPort: 104, protocol: 'tcp', action: 'allow', device: 'fw9' });
    const ecs = parseText('@timestamp,source.ip,destination.ip,destination.port,network.transport,event.type\n' +
      '2026-03-16T10:15:02Z,203.0.113.7,10.0.0.1,104,tcp,denied\n', ctx);
    expect(events(ecs.outcomes)[0]).toMatchObject({ srcIp: '203.0.113.7', dstPort: 104, action: 'deny' });
    const plain = parseText('TIME,SRC_IP,DST_IP,DST_PORT,ACTION\n2026-03-16T10:15:02Z,203.0.113.7,10.0.0.1,104,permit\n', ctx);
    expect(events(plain.outcomes)[0]).toMatchObject({ action: 'allow' });
  });

  it('reports bad records with their line and keeps going; the counts add up', () => {
    const text = 'time,src_ip,dst_ip,dst_port\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,104\n' +
      '2026-03-16T10:00:00Z,10.0.0.999,10.0.0.1,104\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,70000\n' +
      'yesterday,203.0.113.7,10.0.0.1,104\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1\n' +
      ',,,\n' +
      '2026-03-16T10:00:00Z,,10.0.0.1,104\n' +
      '2026-03-16T11:00:00Z,203.0.113.8,10.0.0.1,104\n';
    const { outcomes, info } = parseText(text, ctx);
    // Line 4's port 70000 is an unusable optional value: the event is kept without dstPort, and counted (issue 7).
    expect(outcomes.map((o) => [o.line, o.kind === 'events' ? 'ok' : o.code])).toEqual([
      [2, 'ok'], [3, 'BAD_ADDRESS'], [4, 'ok'], [5, 'BAD_TIME'], [6, 'MALFORMED'], [7, 'NOT_A_CONNECTION'],
      [8, 'MISSING_FIELD'], [9, 'ok'],
    ]);
    expect(events(outcomes)[1]!.dstPort).toBeUndefined();
    expect(info.unusableBy).toEqual({ dstPort: 1 });
    expect(info.records).toBe(info.parsed + info.skipped + info.errors);
    expect(info).toMatchObject({ records: 8, parsed: 3, skipped: 1, errors: 4 });
    const bad = outcomes[1]!;
    expect(bad.kind === 'error' && bad.message).toBe('src_ip: not an IP address: "10.0.0.999"');
  });

  it('bounds a runaway quote; every physical line is accounted for and reading resumes', () => {
    const filler = `${'x'.repeat(1000)}\n`.repeat(1100); // 1.1 MB after an opening quote that never closes, lines 3..1102
    const text = 'time,src_ip,dst_ip,dst_port\n' +
      '2026-03-16T10:00:00Z,"203.0.113.7,10.0.0.1,104\n' + filler + 'closing"\n' +
      '2026-03-16T10:00:00Z,203.0.113.9,10.0.0.1,104\n';
    const { outcomes, info } = parseText(text, ctx);
    expect(outcomes[0]).toMatchObject({ line: 2, kind: 'error', code: 'MALFORMED' });
    expect(outcomes[0]!.kind === 'error' && outcomes[0]!.message).toMatch(/^unterminated quoted field \(still open after \d+ lines/);
    // each filler line and the closing one is a record of its own (one column where the header has four)
    expect(outcomes.slice(1, -1).every((o) => o.kind === 'error' && o.code === 'MALFORMED')).toBe(true);
    expect(outcomes.map((o) => o.line)).toEqual(Array.from({ length: 1103 }, (_, i) => i + 2));
    expect(outcomes.at(-1)).toMatchObject({ line: 1104, kind: 'events', events: [{ srcIp: '203.0.113.9' }] });
    expect(info.records).toBe(1103);
  });

  it('reports an unterminated quote at the end of input', () => {
    const { outcomes } = parseText('time,src_ip,dst_ip\n2026-03-16T10:00:00Z,"203.0.113.7,10.0.0.1\n', ctx);
    expect(outcomes).toEqual([{ kind: 'error', line: 2, code: 'MALFORMED', message: 'unterminated quoted field (at end of input)' }]);
  });

  it('says which column is missing and how to map it', () => {
    expect(() => parseText('When,Client,Server\n2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1\n', { ...ctx, format: 'csv' }))
      .toThrow(/no column for time .*srcIp .*dstIp .*--map time=YourColumn,srcIp=YourColumn,dstIp=YourColumn/);
    const mapped = parseText('When,Client,Server\n2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1\n', {
      ...ctx, format: 'csv', columnMap: { time: 'When', srcIp: 'Client', dstIp: 'Server' },
    });
    expect(events(mapped.outcomes)[0]).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.0.0.1' });
  });

  it('a concatenated export (cat a.csv b.csv): the header line again is not a record, in scan and parse, on bytes and as text', () => {
    const header = 'TimeGenerated [UTC],SourceIP,DestinationIP,DestinationPort,Protocol';
    const a = `${header}\n2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,104,TCP\n2026-03-16T10:00:01Z,203.0.113.7,10.1.2.3,443,TCP\n`;
    const b = '2026-03-16T11:00:00Z,198.51.100.23,10.1.2.4,104,TCP\n';
    const quoted = header.split(',').map((n) => `"${n}"`).join(',');
    // the same header again: as written, after the second file's BOM, with CRLF, quoted (a header the other spelling)
    for (const again of [header, `\ufeff${header}`, `${header}\r`, quoted]) {
      for (const first of [a, a.replace(header, quoted)]) {
        const text = `${first}${again}\n${b}`;
        for (const bytePath of [true, false]) {
          for (const prefilter of [undefined, { dstPorts: new Set([104]) }]) {
            const label = JSON.stringify({ again, first: first.slice(0, 20), bytePath, prefilter: prefilter !== undefined });
            const { outcomes, info } = parseText(text, { ...ctx, bytePath, ...(prefilter ? { prefilter } : {}) });
            expect(outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code)), label)
              .toEqual(['events', prefilter ? 'FILTERED' : 'events', 'NOT_A_CONNECTION', 'events']);
            expect(outcomes[2], label).toEqual({ kind: 'skip', line: 4, code: 'NOT_A_CONNECTION', message: 'the header line again (files concatenated?): not a record' });
            expect(events(outcomes).at(-1), label).toMatchObject({ srcIp: '198.51.100.23', line: 5 });
            expect(info, label).toMatchObject({ records: 4, skipped: prefilter ? 2 : 1, errors: 0 });
          }
        }
      }
    }
    // a line that only looks like it (other names, another delimiter, fewer columns) is a record as before
    for (const [other, code] of [[header.replace('Protocol', 'Proto'), 'BAD_ADDRESS'], [header.replace(/,/g, ';'), 'MALFORMED'], [header.slice(0, header.lastIndexOf(',')), 'MALFORMED']] as const) {
      const { outcomes } = parseText(`${a}${other}\n`, ctx);
      expect(outcomes.at(-1), other).toMatchObject({ kind: 'error', code });
    }
  });

  it('applies the pre-filter on the port column only', () => {
    const text = 'time,src_ip,dst_ip,dst_port\n2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,80\n2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,104\n';
    const { outcomes } = parseText(text, { ...ctx, prefilter: { dstPorts: new Set([104]) } });
    expect(outcomes.map((o) => o.kind === 'skip' ? o.code : o.kind)).toEqual(['FILTERED', 'events']);
  });
});

describe('JSON Lines', () => {
  it('reads flat, nested ECS and Sentinel-named objects', () => {
    const text = [
      '{"TimeGenerated":"2026-03-16T10:00:00Z","SourceIP":"203.0.113.7","DestinationIP":"10.0.0.1","DestinationPort":104}',
      '{"@timestamp":"2026-03-16T10:00:01Z","source":{"ip":"203.0.113.8","port":4000},"destination":{"ip":"10.0.0.1","port":104},"network":{"transport":"tcp"},"event":{"type":["connection","denied"]}}',
      '{"ts":1773655202.25,"src_ip":"203.0.113.9","dst_ip":"10.0.0.1","dst_port":"104","action":"ACCEPT"}',
    ].join('\n');
    expect(events(parseText(text, { ...ctx, file: 'x.jsonl' }).outcomes)).toEqual([
      { time: '2026-03-16T10:00:00.000Z', srcIp: '203.0.113.7', dstIp: '10.0.0.1', dstPort: 104, format: 'jsonl', file: 'x.jsonl', line: 1 },
      // ECS event.type is a list: its `denied` states the decision.
      { time: '2026-03-16T10:00:01.000Z', srcIp: '203.0.113.8', srcPort: 4000, dstIp: '10.0.0.1', dstPort: 104, protocol: 'tcp', action: 'deny', format: 'jsonl', file: 'x.jsonl', line: 2 },
      { time: '2026-03-16T10:00:02.250Z', srcIp: '203.0.113.9', dstIp: '10.0.0.1', dstPort: 104, action: 'allow', format: 'jsonl', file: 'x.jsonl', line: 3 },
    ]);
  });

  it('keeps the provenance of dicomwatch events read back', () => {
    const line = '{"time":"2026-03-16T10:15:02.000Z","srcIp":"203.0.113.7","srcPort":51515,"dstIp":"10.1.2.3","dstPort":104,"protocol":"tcp","action":"deny","device":"fw01","format":"csv","file":"traffic.csv","line":42}';
    expect(events(parseText(`${line}\n`, { ...ctx, file: '-' }).outcomes)).toEqual([JSON.parse(line)]);
  });

  it('reports broken JSON and non-objects by line; blank lines are not records', () => {
    const { outcomes, info } = parseText('{"a":1}\n\n{broken\n[1,2]\n', { ...ctx, format: 'jsonl' });
    expect(outcomes.map((o) => [o.line, o.kind === 'events' ? 'ok' : o.code])).toEqual([
      [1, 'NOT_A_CONNECTION'], [3, 'MALFORMED'], [4, 'MALFORMED'],
    ]);
    expect(info.records).toBe(3);
  });
});

describe('format sniffing', () => {
  it('recognizes JSON Lines and CSV after leading blank lines, and rejects unknown text', () => {
    expect(createRecordParser(ctx).format).toBeUndefined();
    const p = createRecordParser(ctx);
    p.push('\n\n{"SourceIP":"203.0.113.7","DestinationIP":"10.0.0.1","TimeGenerated":"2026-03-16T10:00:00Z"}\n');
    expect(p.format?.id).toBe('jsonl');
    expect(() => parseText('hello world\n', ctx)).toThrow(InputFileError);
    expect(() => parseText('hello world\n', ctx)).toThrow(/unrecognised format \(line 1: "hello world"\)/);
  });
  it('rejects an unknown --format', () => {
    expect(() => createRecordParser({ ...ctx, format: 'nope' })).toThrow(/unknown format 'nope'/);
  });
  it('--format\'s ids (listed in format-ids.ts for the command line) are the registries\' ids, in their order', () => {
    expect(FORMAT_IDS).toEqual([...FORMATS.map((f) => f.id), ...MESSAGE_FORMATS.map((f) => f.id)]);
  });
});

describe('hostile and arbitrary input (property tests)', () => {
  // Text built from the characters that matter to the parsers, so generated records hit quoting, splitting,
  // numbers, addresses and JSON structure rather than only garbage.
  const piece = fc.constantFrom(
    '"', ',', '\n', '\r\n', '\t', ' ', '{', '}', '[', ']', ':', '""', '104', '2026-03-16T10:00:00Z', '203.0.113.7',
    '10.1.2.3', '::ffff:10.0.0.1', 'null', '"SourceIP"', '"DestinationIP"', '"TimeGenerated"', 'é', '\u0000', 'x',
  );
  const text = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(''));
  const header = fc.constantFrom(
    'TimeGenerated,SourceIP,DestinationIP,DestinationPort\n',
    'time\tsrc_ip\tdst_ip\tdst_port\n',
    '',
  );

  function run(input: string, chunks: number[], prefilter: boolean) {
    const parser = createRecordParser({ ...ctx, ...(prefilter ? { prefilter: { dstPorts: new Set([104]) } } : {}) });
    const bytes = Buffer.from(input);
    const outcomes: RecordOutcome[] = [];
    let at = 0;
    for (const cut of [...chunks.map((c) => Math.floor(c * bytes.length)).sort((a, b) => a - b), bytes.length]) {
      outcomes.push(...parser.push(bytes.subarray(at, Math.max(at, cut))));
      at = Math.max(at, cut);
    }
    outcomes.push(...parser.end());
    return { outcomes, info: parser.info, format: parser.format?.id };
  }

  it('never throws but for a file-level error, accounts for every record, and does not depend on chunking', () => {
    fc.assert(
      fc.property(header, text, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), fc.boolean(), (head, body, cuts, prefilter) => {
        let whole: ReturnType<typeof run>;
        try {
          whole = run(head + body, [], prefilter);
        } catch (e) {
          expect(e).toBeInstanceOf(InputFileError); // unrecognised format or unusable header: the file, not a record
          expect(() => run(head + body, cuts, prefilter)).toThrow(InputFileError);
          return;
        }
        const { outcomes, info, format } = whole;
        expect(info.records).toBe(info.parsed + info.skipped + info.errors);
        expect(info.records).toBe(outcomes.length);
        const lines = outcomes.map((o) => o.line);
        expect(lines).toEqual([...lines].sort((a, b) => a - b));
        expect(new Set(lines).size).toBe(lines.length);
        for (const o of outcomes) {
          expect(o.line).toBeGreaterThanOrEqual(1);
          // a physical line number, except in a JSON array, where `line` is the element's index
          if (format !== 'json') expect(o.line).toBeLessThanOrEqual(info.lines);
        }
        if (format === 'json') expect(lines).toEqual(lines.map((_, i) => i + 1));
        expect(run(head + body, cuts, prefilter).outcomes).toEqual(outcomes);
      }),
      { numRuns: 400 },
    );
  });
});

describe('byte and packet counters', () => {
  it('take a total, else the sum of both directions, never one direction alone', () => {
    const text = 'TimeGenerated,SourceIP,DestinationIP,SentBytes,ReceivedBytes,bytes\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,100,250,\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,100,,\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,100,250,999\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,-5,250,\n';
    const { outcomes, info } = parseText(text, ctx);
    // -5 is not a count: that direction is left out (and counted), so there is no total; the row is kept.
    expect(outcomes.map((o) => (o.kind === 'events' ? o.events[0]!.bytes ?? 'absent' : o.code))).toEqual([350, 'absent', 999, 'absent']);
    expect(info.unusableBy).toEqual({ srcBytes: 1 });
    const ecs = parseText('{"@timestamp":"2026-03-16T10:00:00Z","source":{"ip":"203.0.113.7","packets":3},"destination":{"ip":"10.0.0.1","packets":4}}\n', ctx);
    expect(events(ecs.outcomes)[0]!.packets).toBe(7);
  });
});

describe('binary formats (push-style sessions)', () => {
  // A toy binary format: magic `TOY1`, then 4-byte records (a big-endian port in the first two bytes). It stands in
  // for NetFlow/IPFIX to prove the core's byte path: sniffing on the first bytes, any chunking, record numbering.
  const toy: ByteFormat = {
    kind: 'bytes',
    id: 'toy',
    description: 'test format',
    recognizedBy: 'magic TOY1',
    sniffBytes: (head) => head.subarray(0, 4).toString('latin1') === 'TOY1',
    open: (c) => {
      let pending = Buffer.alloc(0);
      let record = 0;
      let seenMagic = false;
      return {
        push(chunk, out) {
          pending = Buffer.concat([pending, chunk]);
          if (!seenMagic) {
            if (pending.length < 4) return;
            pending = pending.subarray(4);
            seenMagic = true;
          }
          while (pending.length >= 4) {
            const port = pending.readUInt16BE(0);
            pending = pending.subarray(4);
            record++;
            out.push({ kind: 'events', line: record, events: [{ time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp: '203.0.113.7', dstIp: '10.0.0.1', dstPort: port, format: 'toy', file: c.file, line: record }] });
          }
        },
        end(out) {
          if (pending.length > 0) out.push({ kind: 'error', line: record + 1, code: 'MALFORMED', message: `${pending.length} trailing bytes` });
        },
      };
    },
  };
  const bytes = Buffer.concat([Buffer.from('TOY1'), ...[104, 80, 11112].map((p) => Buffer.from([p >> 8, p & 255, 0, 0])), Buffer.from([1])]);

  it('is recognized by its first bytes, gets raw chunks of any size, and numbers its records', () => {
    for (const size of [1, 3, 7, 64, bytes.length]) {
      const parser = createRecordParser({ ...ctx, formats: [toy, csvFormat] });
      const out: RecordOutcome[] = [];
      for (let i = 0; i < bytes.length; i += size) out.push(...parser.push(bytes.subarray(i, i + size)));
      out.push(...parser.end());
      expect(parser.format?.id).toBe('toy');
      expect(out.map((o) => (o.kind === 'events' ? o.events[0]!.dstPort : o.code))).toEqual([104, 80, 11112, 'MALFORMED']);
      expect(out.map((o) => o.line)).toEqual([1, 2, 3, 4]);
      expect(parser.info).toMatchObject({ records: 4, parsed: 3, errors: 1, bytes: bytes.length });
    }
  });

  it('leaves text inputs to the line formats, and a short input is still decided at the end', () => {
    const parser = createRecordParser({ ...ctx, formats: [toy, csvFormat] });
    const out = [...parser.push('time,src_ip,dst_ip\n'), ...parser.push('2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1\n'), ...parser.end()];
    expect(parser.format?.id).toBe('csv');
    expect(events(out)).toHaveLength(1);
    const tiny = createRecordParser({ ...ctx, formats: [toy] });
    expect([...tiny.push('TOY1'), ...tiny.end()]).toEqual([]);
    expect(tiny.format?.id).toBe('toy');
  });
});

describe('column names as exports spell them', () => {
  it('ignore case, spaces, _ and -: a PAN-OS traffic export header', () => {
    // Column names of PAN-OS's documented Traffic log fields, as the web UI's CSV export writes them.
    const text = 'Receive Time,Generate Time,Source address,Destination address,Source Port,Destination Port,IP Protocol,Action,Bytes Sent,Bytes Received,Start Time\n' +
      '2026/03/16 10:15:09,2026/03/16 10:15:08,203.0.113.7,10.1.2.3,51515,104,tcp,deny,60,0,2026/03/16 10:15:01\n';
    expect(events(parseText(text, ctx).outcomes)).toEqual([{
      time: '2026-03-16T10:15:08.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104,
      protocol: 'tcp', action: 'deny', bytes: 60, format: 'csv', file: 'in.csv', line: 2,
    }]);
  });
  it('src-ip, SRC_IP and srcip are one column name', () => {
    const text = 'TIME_STAMP,src-ip,DST_IP\n2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1\n';
    expect(events(parseText(text, ctx).outcomes)[0]).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.0.0.1' });
  });
});

describe('JSON arrays', () => {
  const az = `[
  {
    "TimeGenerated": "2026-03-16T10:15:02.123Z",
    "SourceIP": "203.0.113.7",
    "DestinationIP": "10.1.2.3",
    "DestinationPort": 104,
    "Note": "brackets ] and braces } and \\"quotes\\" in a string, and a comma,"
  },
  {"TimeGenerated": "2026-03-16T10:16:00Z", "SourceIP": "10.0.0.999", "DestinationIP": "10.1.2.3", "DestinationPort": 104},
  {"TimeGenerated": "2026-03-16T10:17:00Z", "SourceIP": "2001:db8::7", "DestinationIP": "10.1.2.3", "DestinationPort": 104, "Tags": [1, [2, {"x": "]"}]]},
  42
]
`;

  it('reads elements across lines, numbering them by index; a bad element is one error', () => {
    const { outcomes, info } = parseText(az, { ...ctx, file: 'q.json' });
    expect(outcomes.map((o) => [o.line, o.kind === 'events' ? o.events[0]!.srcIp : o.code])).toEqual([
      [1, '203.0.113.7'], [2, 'BAD_ADDRESS'], [3, '2001:db8::7'], [4, 'MALFORMED'],
    ]);
    expect(events(outcomes)[0]).toEqual({
      time: '2026-03-16T10:15:02.123Z', srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, format: 'json', file: 'q.json', line: 1,
    });
    expect(info).toMatchObject({ records: 4, parsed: 2, errors: 2 });
  });

  it('gives the same outcomes however the input is chunked, also all on one line', () => {
    const oneLine = az.replace(/\n\s*/g, '');
    const whole = parseText(oneLine, ctx).outcomes;
    const parser = createRecordParser(ctx);
    const bytes = Buffer.from(oneLine);
    const chunked: RecordOutcome[] = [];
    for (let i = 0; i < bytes.length; i += 5) chunked.push(...parser.push(bytes.subarray(i, i + 5)));
    chunked.push(...parser.end());
    expect(chunked).toEqual(whole);
    expect(whole.map((o) => o.kind)).toEqual(['events', 'error', 'events', 'error']);
  });

  it('reports empty elements, text after the array, a cut-off element, and an unclosed array', () => {
    const a = parseText('[{"a":1},,{"b":2}] trailing', ctx).outcomes;
    expect(a.map((o) => [o.line, o.kind === 'error' ? o.code : o.kind])).toEqual([
      [1, 'skip'], [2, 'MALFORMED'], [3, 'skip'], [4, 'MALFORMED'],
    ]);
    const cut = createRecordParser(ctx);
    const got = [...cut.push('[{"TimeGenerated":"2026-03-16T10:00:00Z","SourceIP":"203.0.113.7","DestinationIP":"10.0.0.1"},{"Time'), ...cut.end()];
    expect(got.map((o) => o.kind)).toEqual(['events', 'error']);
    expect(cut.failure).toBeInstanceOf(InputFileError);
    expect(() => parseText('[{"a":1},', ctx)).toThrow(/not closed/);
    expect(parseText('[]', ctx).outcomes).toEqual([]);
  });
});

describe('JSON export envelopes', () => {
  it('reads the record inside an Elasticsearch hit and a Splunk export row', () => {
    const text = [
      '{"_index":"logs-network","_id":"x1","_source":{"@timestamp":"2026-03-16T10:00:00Z","source":{"ip":"203.0.113.7"},"destination":{"ip":"10.0.0.1","port":104}}}',
      '{"preview":false,"result":{"_time":"2026-03-16T10:00:01Z","timestamp":"2026-03-16T10:00:01Z","src_ip":"203.0.113.8","dest_ip":"x","dst_ip":"10.0.0.1","dest_port":"104","dst_port":"104"}}',
    ].join('\n');
    expect(events(parseText(text, ctx).outcomes).map((e) => [e.srcIp, e.dstPort])).toEqual([['203.0.113.7', 104], ['203.0.113.8', 104]]);
  });
});

describe('stream wrappers', () => {
  const text = readFileSync(new URL('../fixtures/sentinel-export.csv', import.meta.url));
  const expected = parseText(text.toString('utf8'), { ...ctx, file: 'f.csv' }).outcomes;

  it('a Node Transform gives the same outcomes as parseText, with its counters', async () => {
    const transform = recordTransform({ ...ctx, file: 'f.csv' });
    const got: RecordOutcome[] = [];
    await pipeline(Readable.from([text.subarray(0, 100), text.subarray(100, 777), text.subarray(777)]), transform, async (source) => {
      for await (const o of source) got.push(o as RecordOutcome);
    });
    expect(got).toEqual(expected);
    expect(transform.info.records).toBe(36);
  });

  it('a WHATWG TransformStream gives the same outcomes', async () => {
    const stream = recordTransformStream({ ...ctx, file: 'f.csv' });
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < text.length; i += 333) controller.enqueue(new Uint8Array(text.subarray(i, i + 333)));
        controller.close();
      },
    });
    const got: RecordOutcome[] = [];
    const reader = source.pipeThrough(stream).getReader();
    for (let r = await reader.read(); !r.done; r = await reader.read()) got.push(r.value);
    expect(got).toEqual(expected);
    expect(stream.info.parsed).toBe(36);
  });

  it('a file-level problem fails the Node stream with that error', async () => {
    const transform = recordTransform({ ...ctx });
    await expect(pipeline(Readable.from(['hello world\n']), transform, async (s) => { for await (const _ of s) void _; }))
      .rejects.toThrow(/unrecognised format/);
  });
});
