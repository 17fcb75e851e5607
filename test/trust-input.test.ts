/**
 * Issue 7, points 1–5: no record lost or miscounted on awkward but ordinary input. Each test here failed before
 * its fix; the property tests at the end generate this class of input (stray quotes, BOMs, compact arrays, forced
 * formats, odd chunking, reused buffers) so it stays explored.
 */
import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRecordParser, parseText, type RecordParserOptions } from '../src/parsers/record-parser.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';
import { DicomwatchError } from '../src/errors.js';
import { readRecords } from '../src/io/reader.js';

const ctx = { file: 'in', tz: 'UTC' };
const PREFILTER = { dstPorts: new Set([104]) };

function events(outcomes: readonly RecordOutcome[]): JsonEvent[] {
  return jsonEvents(outcomes);
}

/** Push `bytes` in the given chunks through ONE buffer the caller overwrites after every push, as a pool would. */
function pushReusing(options: RecordParserOptions, bytes: Buffer, cuts: readonly number[]) {
  const parser = createRecordParser(options);
  const pool = Buffer.alloc(bytes.length + 1);
  const outcomes: RecordOutcome[] = [];
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    const end = Math.max(at, Math.min(cut, bytes.length));
    const n = bytes.copy(pool, 0, at, end);
    outcomes.push(...parser.push(pool.subarray(0, n)));
    pool.fill(0x22); // the caller's next use of its buffer: `"` everywhere
    at = end;
  }
  outcomes.push(...parser.end());
  return { outcomes, info: parser.info, failure: parser.failure };
}

const HEADER = 'TimeGenerated,SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceAction,Note';

function row(i: number, note = 'ok'): string {
  return `2026-03-16T10:${String(i % 60).padStart(2, '0')}:00Z,203.0.113.${i % 250},${1024 + (i % 60000)},10.1.2.3,104,TCP,Deny,${note}`;
}

describe('1. a stray quote costs its row only', () => {
  it('a quote inside an unquoted field is a literal character: 5,001 rows, 5,001 events', () => {
    for (const note of ['Monitor 27" PACS', '5" monitor', 'say "hi"']) {
      const rows = Array.from({ length: 5001 }, (_, i) => row(i, i === 7 ? note : 'ok'));
      const { outcomes, info } = parseText(`${HEADER}\n${rows.join('\n')}\n`, ctx);
      expect(info).toMatchObject({ records: 5001, parsed: 5001, errors: 0 });
      expect(outcomes[7]).toMatchObject({ kind: 'events', line: 9 });
    }
  });

  it('an opening quote that never closes, then 40,000 good rows: every row counted, every good one parsed', () => {
    const good = Array.from({ length: 40_000 }, (_, i) => row(i));
    // Taken literally it still has the header's eight columns: a row of its own.
    const literal = parseText(`${HEADER}\n${row(1, '"hi')}\n${good.join('\n')}\n`, ctx);
    expect(literal.info).toMatchObject({ records: 40_001, parsed: 40_001, errors: 0 });
    // With a comma after it, it cannot be read alone: one malformed row, named by its line.
    const broken = parseText(`${HEADER}\n${row(1, '"hi, there')}\n${good.join('\n')}\n`, ctx);
    expect(broken.info).toMatchObject({ records: 40_001, parsed: 40_000, errors: 1 });
    expect(broken.outcomes[0]).toMatchObject({ kind: 'error', line: 2, code: 'MALFORMED' });
    expect(broken.outcomes.map((o) => o.line)).toEqual(Array.from({ length: 40_001 }, (_, i) => i + 2));
  });

  it('an opening quote that never closes, then a row with a stray quote of its own: both rows counted and read', () => {
    // (found by a new user's trial: the second row's `27"` closed the first row's field and the row vanished into it)
    for (const next of ['Monitor 27" PACS', '"stray', '"multi']) {
      const tail = next === '"multi' ? '\nline"' : '';
      const text = `${HEADER}\n${row(1, '"fw01')}\n${row(2, next)}${tail}\n${row(3)}\n`;
      for (const options of [ctx, { ...ctx, prefilter: PREFILTER }]) {
        const { outcomes, info } = parseText(text, options);
        expect(info.records, next).toBe(3);
        expect(outcomes.map((o) => o.line), next).toEqual([2, 3, next === '"multi' ? 5 : 4]);
      }
    }
  });

  it('a legitimate multi-line field still reads as one record, also as the last column', () => {
    const text = `${HEADER}\n${row(1, '"first line')}\nsecond, with a comma\nthird"\n${row(2)}\n`;
    const { outcomes } = parseText(text, ctx);
    expect(outcomes.map((o) => [o.line, o.kind])).toEqual([[2, 'events'], [5, 'events']]);
  });

  it('a quoted field whose closing quote is followed by text: the row is read literally when that fits', () => {
    const { outcomes } = parseText(`${HEADER}\n${row(1, '"quoted" and more')}\n`, ctx);
    expect(outcomes).toMatchObject([{ kind: 'events', line: 2 }]);
  });

  it('a tab-separated export with susr="admin" in an unquoted field: all 22 rows', () => {
    // CommonSecurityLog columns as Sentinel's sample data exports them for a SonicWall (CEF) firewall.
    const header = 'TimeGenerated [UTC]\tDeviceVendor\tDeviceProduct\tDeviceAction\tSourceIP\tSourcePort\tDestinationIP\tDestinationPort\tProtocol\tAdditionalExtensions';
    const rows = Array.from({ length: 22 }, (_, i) =>
      `2026-03-16T10:${String(i).padStart(2, '0')}:00.000Z\tSonicWall\tNSA 2700\tdrop\t198.51.100.${i}\t${40000 + i}\t10.1.2.3\t104\tTCP\tsusr="admin" n=${i} fw_action="drop"`);
    const { outcomes, info } = parseText(`${header}\n${rows.join('\n')}\n`, ctx);
    expect(info).toMatchObject({ records: 22, parsed: 22, errors: 0 });
    expect(events(outcomes)[0]).toMatchObject({ srcIp: '198.51.100.0', dstPort: 104, action: 'drop', vendor: 'SonicWall' });
  });
});

describe('2. a compact JSON array over the line limit is read element by element', () => {
  it('10,000 elements on one line of about 1.3 MB', () => {
    const elements = Array.from({ length: 10_000 }, (_, i) =>
      JSON.stringify({ TimeGenerated: '2026-03-16T10:00:00Z', SourceIP: `203.0.113.${i % 250}`, DestinationIP: '10.1.2.3', DestinationPort: 104, Seq: i }));
    const text = `[${elements.join(',')}]`;
    expect(text.length).toBeGreaterThan(1 << 20);
    const { outcomes, info } = parseText(text, ctx);
    expect(info).toMatchObject({ records: 10_000, parsed: 10_000, errors: 0 });
    expect(outcomes.at(-1)).toMatchObject({ line: 10_000 });
  });
});

describe('3. input that breaks off', () => {
  const element = (i: number) => JSON.stringify({ TimeGenerated: '2026-03-16T10:00:00Z', SourceIP: `203.0.113.${i}`, DestinationIP: '10.1.2.3', DestinationPort: 104 });
  const cut = `[${[1, 2, 3].map(element).join(',')},{"TimeGen`;

  it('a JSON array cut off mid-element, with or without a trailing newline: the complete elements count', () => {
    for (const text of [cut, `${cut}\n`]) {
      const { outcomes, failure } = pushReusing(ctx, Buffer.from(text), []);
      expect(outcomes.map((o) => o.kind)).toEqual(['events', 'events', 'events', 'error']);
      expect(failure?.message).toMatch(/not closed/);
    }
  });

  it('a truncated JSON array and a truncated gzip end alike: reported, counted, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-cut-'));
    const json = join(dir, 'cut.json');
    writeFileSync(json, cut);
    const gz = join(dir, 'cut.csv.gz');
    const whole = gzipSync(`${HEADER}\n${Array.from({ length: 2000 }, (_, i) => row(i)).join('\n')}\n`);
    writeFileSync(gz, whole.subarray(0, whole.length - 100));
    const a = await runCli(['parse', json]);
    expect(a.code).toBe(2);
    expect(a.stdout.trimEnd().split('\n')).toHaveLength(3);
    expect(a.stderr).toMatch(/cut\.json: the JSON array is not closed/);
    expect(a.stderr).toMatch(/\(1 not read to the end\), 4 records read: 3 parsed/);
    const b = await runCli(['parse', gz]);
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/cut\.csv\.gz: cannot read to the end/);
    expect(b.stderr).toMatch(/\(1 not read to the end\)/);
    // through the library: a DicomwatchError naming the input (zlib's own error named neither), after the rows before
    const stream = readRecords(gz, { name: 'cut.csv.gz' });
    let read = 0;
    const thrown = await (async () => {
      for await (const batch of stream) read += batch.length;
    })().catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(DicomwatchError);
    expect(thrown).toMatchObject({ code: 'INPUT_UNREADABLE', subject: 'cut.csv.gz', message: 'cut.csv.gz: cannot read to the end: unexpected end of file' });
    expect(read).toBeGreaterThan(1000);
    expect(stream.info.records).toBe(read);
  });
});

describe('a chunk dense with events is handed on in slices', () => {
  it('readRecords yields a 1 MiB chunk of events in batches of 128 KiB of it at most, the same outcomes as one pass', async () => {
    const text = `${HEADER}\n${Array.from({ length: 20_000 }, (_, i) => row(i)).join('\n')}\n`;
    expect(text.length).toBeGreaterThan(1 << 20);
    const bytes = Buffer.from(text);
    const batches: RecordOutcome[][] = [];
    for await (const batch of readRecords(bytes, { name: 'dense.csv' })) batches.push(batch);
    // (bytes are one chunk: 1.3 MB in slices of 128 KiB, each ~2,000 rows)
    expect(batches.length).toBeGreaterThanOrEqual(Math.floor(bytes.length / (1 << 17)));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThan((1 << 17) / 50);
    expect(batches.flat()).toEqual(parseText(text, { file: 'dense.csv', tz: 'UTC' }).outcomes);
  });
});

describe('4. same bytes, same outcomes, however chunked and whoever owns the chunks', () => {
  const text = `\ufeff${HEADER}\r\n${row(1, '"a, b"')}\r\n${row(2)}\r\n`;
  const bytes = Buffer.from(text);
  const whole = parseText(text, ctx).outcomes;

  it('a BOM split across the first chunks, with the format recognized or forced', () => {
    expect(events(whole)).toHaveLength(2);
    for (const format of ['auto', 'csv']) {
      for (const cuts of [[1], [2], [1, 2], [1, 2, 3]]) {
        expect(pushReusing({ ...ctx, format }, bytes, cuts).outcomes).toEqual(whole);
      }
    }
    const json = Buffer.from(`\ufeff[${JSON.stringify({ TimeGenerated: '2026-03-16T10:00:00Z', SourceIP: '203.0.113.7', DestinationIP: '10.1.2.3' })}]`);
    for (const format of ['auto', 'json']) {
      expect(events(pushReusing({ ...ctx, format }, json, [1, 2]).outcomes)).toHaveLength(1);
    }
  });

  it('a caller that reuses its buffer after push', () => {
    for (let size = 1; size < 40; size += 3) {
      const cuts = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => (i + 1) * size);
      expect(pushReusing(ctx, bytes, cuts).outcomes).toEqual(whole);
    }
  });
});

describe('5. the pre-filter skips only well-formed records that cannot match', () => {
  it('a port written as 1.04e2 or with \\u escapes is port 104 to the scan as to the parse', () => {
    const text = [
      '{"TimeGenerated":"2026-03-16T10:00:00Z","SourceIP":"203.0.113.7","DestinationIP":"10.1.2.3","DestinationPort":1.04e2}',
      '{"TimeGenerated":"2026-03-16T10:00:00Z","SourceIP":"203.0.113.7","DestinationIP":"10.1.2.3","DestinationPort":"\\u0031\\u0030\\u0034"}',
    ].join('\n');
    expect(events(parseText(text, { ...ctx, prefilter: PREFILTER }).outcomes).map((e) => e.dstPort)).toEqual([104, 104]);
  });

  it('structurally broken records are malformed in the scan too, even when no rule port is in them', () => {
    const csv = `${HEADER}\n${row(1).replace(',104,', ',80,')},extra\n${row(2).replace(',104,', ',80,')}\n`;
    const jsonl = '{"TimeGenerated":"2026-03-16T10:00:00Z","DestinationPort":80\n{"TimeGenerated":"2026-03-16T10:00:00Z","SourceIP":"203.0.113.7","DestinationIP":"10.1.2.3","DestinationPort":80}\n';
    for (const text of [csv, jsonl]) {
      const kinds = (prefilter: boolean) => parseText(text, { ...ctx, ...(prefilter ? { prefilter: PREFILTER } : {}) })
        .outcomes.map((o) => (o.kind === 'error' ? o.code : o.kind === 'skip' ? o.code : 'events'));
      expect(kinds(false)).toEqual(['MALFORMED', 'events']);
      expect(kinds(true)).toEqual(['MALFORMED', 'FILTERED']);
    }
  });
});

describe('5. --strict-input: scan rejects what parse rejects', () => {
  it('a bad address on a port no rule wants fails scan --strict-input as it fails parse --strict-input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-strict-'));
    const file = join(dir, 'x.csv');
    writeFileSync(file, `${HEADER}\n${row(1)}\n${row(2).replace('203.0.113.2', '10.0.0.999').replace(',104,', ',80,')}\n`);
    for (const command of ['parse', 'scan']) {
      const r = await runCli([command, file, '--strict-input', '--quiet']);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/x\.csv:3: BAD_ADDRESS: .*\(--strict-input\)/);
    }
    expect((await runCli(['scan', file, '--quiet'])).code).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Property tests: generated files of good rows mixed with awkward ones. The invariant is the one that matters
// most: every good row comes out as its event, whatever surrounds it and however the bytes arrive.
// ---------------------------------------------------------------------------------------------------------------

/** A row of a generated file: good ones carry a unique source port so they can be found in the output. */
type GenRow =
  | { kind: 'good'; port: number; note: string }
  | { kind: 'awkward'; text: string };

const goodNote = fc.constantFrom('ok', 'Monitor 27" PACS', '5" monitor', 'susr="admin"', '"quoted, with comma"', '"two\nlines"', '"a ""b"" c"', 'é ü', '');
const awkwardLine = fc.constantFrom('"hi', '"hi, there', 'x,"y', ',,,', '"', '""', 'garbage "', '{"a":', '\u0000', ' ', 'a,b,c,d,e,f,g,h,i', '"\n');

function genRows(maxLength: number) {
  return fc.array(
    fc.oneof(
      { weight: 4, arbitrary: goodNote.map((note) => ({ kind: 'good' as const, port: 0, note })) },
      { weight: 1, arbitrary: awkwardLine.map((text) => ({ kind: 'awkward' as const, text })) },
    ),
    { maxLength },
  ).map((rows) => rows.map((r, i) => (r.kind === 'good' ? { ...r, port: 1024 + i } : r)) as GenRow[]);
}

const cutsArb = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });
const toCuts = (fractions: readonly number[], length: number) => fractions.map((f) => Math.floor(f * length)).sort((a, b) => a - b);

describe('property: no good row is lost, whatever surrounds it', () => {
  it('CSV with stray quotes, BOM, CRLF, forced or sniffed, any chunking, reused buffers', () => {
    fc.assert(
      fc.property(genRows(30), fc.boolean(), fc.boolean(), fc.constantFrom('auto', 'csv'), cutsArb, (rows, bom, crlf, format, fractions) => {
        const eol = crlf ? '\r\n' : '\n';
        const lines = rows.map((r) => (r.kind === 'good'
          ? `2026-03-16T10:00:00Z,203.0.113.7,${r.port},10.1.2.3,104,TCP,Deny,${r.note}`
          : r.text));
        const text = `${bom ? '\ufeff' : ''}${HEADER}${eol}${lines.join(eol)}${eol}`;
        const bytes = Buffer.from(text);
        const { outcomes, info, failure } = pushReusing({ ...ctx, format }, bytes, toCuts(fractions, bytes.length));
        expect(failure).toBeUndefined();
        expect(info.records).toBe(info.parsed + info.skipped + info.errors);
        const got = new Set(events(outcomes).map((e) => e.srcPort));
        // A good row right after an opening quote that never closes may be taken into that quoted field only when
        // the quote closes with the header's column count; rows generated here never let it, so all must come out.
        for (const r of rows) if (r.kind === 'good') expect(got.has(r.port)).toBe(true);
        expect(pushReusing({ ...ctx, format }, bytes, []).outcomes).toEqual(outcomes);
      }),
      { numRuns: 300 },
    );
  });

  it('JSON arrays, compact or pretty, with BOM, forced or sniffed, any chunking, reused buffers', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 40 }), fc.boolean(), fc.boolean(), fc.constantFrom('auto', 'json'), cutsArb, (good, pretty, bom, format, fractions) => {
        const elements = good.map((ok, i) => (ok
          ? JSON.stringify({ TimeGenerated: '2026-03-16T10:00:00Z', SourceIP: '203.0.113.7', SourcePort: 1024 + i, DestinationIP: '10.1.2.3', Note: 'a ] } " , [ {' }, null, pretty ? 2 : undefined)
          : '{"broken": }'));
        const text = `${bom ? '\ufeff' : ''}[${pretty ? '\n' : ''}${elements.join(pretty ? ',\n' : ',')}]${pretty ? '\n' : ''}`;
        const bytes = Buffer.from(text);
        const { outcomes, failure } = pushReusing({ ...ctx, format }, bytes, toCuts(fractions, bytes.length));
        expect(failure).toBeUndefined();
        expect(outcomes.map((o) => o.line)).toEqual(good.map((_, i) => i + 1));
        expect(events(outcomes).map((e) => e.srcPort)).toEqual(good.flatMap((ok, i) => (ok ? [1024 + i] : [])));
      }),
      { numRuns: 200 },
    );
  });

  it('scan and parse agree: structural errors alike, FILTERED only where the parse found no rule port', () => {
    const jsonRow = fc.record({
      port: fc.constantFrom(104, 80, '104', '1.04e2', '"\\u0031\\u0030\\u0034"', '"abc"', 'null'),
      src: fc.constantFrom('"203.0.113.7"', '"10.0.0.999"', '"2001:DB8::1"'),
      cut: fc.boolean(),
    }).map(({ port, src, cut }) => {
      const text = `{"TimeGenerated":"2026-03-16T10:00:00Z","SourceIP":${src},"DestinationIP":"10.1.2.3","DestinationPort":${port}}`;
      return cut ? text.slice(0, -5) : text;
    });
    const csvRow = fc.record({
      port: fc.constantFrom('104', '80', '0104', ' 104 ', 'abc', ''),
      extra: fc.constantFrom('', ',x'),
      note: goodNote,
    }).map(({ port, extra, note }) => `2026-03-16T10:00:00Z,203.0.113.7,5000,10.1.2.3,${port},TCP,Deny,${note}${extra}`);
    const file = fc.oneof(
      fc.array(jsonRow, { maxLength: 20 }).map((rows) => rows.join('\n')),
      fc.array(csvRow, { maxLength: 20 }).map((rows) => `${HEADER}\n${rows.join('\n')}`),
    );
    fc.assert(
      fc.property(file, (text) => {
        const parsed = parseText(text, ctx);
        const scanned = parseText(text, { ...ctx, prefilter: PREFILTER });
        expect(scanned.outcomes.map((o) => o.line)).toEqual(parsed.outcomes.map((o) => o.line));
        parsed.outcomes.forEach((p, i) => {
          const s = scanned.outcomes[i]!;
          if (s.kind === 'skip' && s.code === 'FILTERED') {
            // filtered: the parse found no event on a rule port (none, another port, or a bad value in a whole record)
            expect(p.kind === 'error' && (p.code === 'MALFORMED' || p.code === 'RECORD_TOO_LONG')).toBe(false);
            if (p.kind === 'events') expect(p.events.some((e) => e.dstPort === 104)).toBe(false);
          } else {
            expect(s).toEqual(p);
          }
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('14. errors at the library boundary are typed and name the file or option', () => {
  it('a bad zone or year fails at parser creation, not as BAD_TIME on every record', () => {
    for (const [options, subject] of [[{ tz: 'Mars/Olympus' }, 'tz'], [{ tz: 'UTC', year: 12.5 }, 'year']] as const) {
      let error: unknown;
      try {
        createRecordParser({ file: 'x', ...options });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DicomwatchError);
      expect(error).toMatchObject({ code: 'BAD_OPTION', subject });
    }
  });

  it('a missing or unreadable input is INPUT_UNREADABLE, naming the path and the reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-in-'));
    for (const [path, reason] of [[join(dir, 'missing.csv'), 'ENOENT'], [dir, 'EISDIR']] as const) {
      const read = async () => {
        for await (const _ of readRecords(path, { tz: 'UTC' })) void _;
      };
      await expect(read()).rejects.toMatchObject({ code: 'INPUT_UNREADABLE', subject: path, message: `${path}: cannot read (${reason})` });
    }
  });
});

describe('Azure resource-log blobs: {"records": [...]} read element by element', () => {
  const record = (i: number) => ({ time: '2026-03-16T10:00:00Z', SourceIP: `203.0.113.${i}`, DestinationIP: '10.1.2.3', DestinationPort: 104 });
  it('compact or pretty, any chunking; elements numbered by index; a cut-off blob fails after its complete records', () => {
    const compact = JSON.stringify({ records: [1, 2, 3].map(record) });
    const pretty = JSON.stringify({ records: [1, 2, 3].map(record) }, null, 2);
    for (const text of [compact, pretty, `\ufeff${pretty}\n`]) {
      const bytes = Buffer.from(text);
      for (const cuts of [[], [1, 5, 13], [bytes.length - 1]]) {
        const { outcomes, failure } = pushReusing(ctx, bytes, cuts);
        expect(failure).toBeUndefined();
        expect(outcomes.map((o) => [o.line, o.kind])).toEqual([[1, 'events'], [2, 'events'], [3, 'events']]);
      }
    }
    const cut = pushReusing(ctx, Buffer.from(compact.slice(0, -20)), []);
    expect(cut.outcomes.map((o) => o.kind)).toEqual(['events', 'events', 'error']);
    expect(cut.failure?.message).toMatch(/not closed/);
    const unclosed = pushReusing(ctx, Buffer.from(compact.slice(0, -1)), []);
    expect(unclosed.outcomes).toHaveLength(3);
    expect(unclosed.failure?.message).toMatch(/envelope is not closed/);
  });

  it('another top-level object is not taken for a blob: JSON Lines read it', () => {
    const { outcomes } = parseText(`${JSON.stringify(record(1))}\n${JSON.stringify(record(2))}\n`, ctx);
    expect(outcomes.map((o) => [o.line, o.kind])).toEqual([[1, 'events'], [2, 'events']]);
  });
});
