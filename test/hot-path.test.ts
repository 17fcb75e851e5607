/**
 * Issue 15: what the hot path may do and must not change. Folding FILTERED records into counted runs
 * (`filteredRuns`, what `scan` uses) leaves the events and the accounting exactly as without it, for every fixture
 * the repository ships and for generated CSV with blank lines, quoted rows, malformed rows and odd chunking.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { csvFormat, openCsv } from '../src/parsers/csv.js';
import { GENERIC_SCHEMA } from '../src/parsers/fields.js';
import { createRecordParser } from '../src/parsers/record-parser.js';
import type { LineFormat, RecordOutcome } from '../src/parsers/types.js';

const prefilter = { dstPorts: new Set([104]) };

function run(bytes: Buffer, filteredRuns: boolean, chunk = bytes.length || 1) {
  const parser = createRecordParser({ file: 'in', tz: 'UTC', year: 2026, prefilter, filteredRuns });
  const out: RecordOutcome[] = [];
  for (let i = 0; i < bytes.length; i += chunk) out.push(...parser.push(bytes.subarray(i, i + chunk)));
  out.push(...parser.end());
  return { out, info: parser.info, failure: parser.failure?.message };
}

/** Runs expanded back into one outcome per record (a run covers consecutive lines). */
function expand(out: RecordOutcome[]): RecordOutcome[] {
  return out.flatMap((o) => (o.kind === 'skip' && (o.records ?? 1) > 1
    ? Array.from({ length: o.records! }, (_, i) => ({ kind: 'skip' as const, line: o.line + i, code: o.code, message: o.message }))
    : [o.kind === 'skip' ? { kind: 'skip' as const, line: o.line, code: o.code, message: o.message } : o]));
}

function fixtures(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? fixtures(p) : /\.expected\./.test(f) ? [] : [p];
  });
}

describe('FILTERED runs (scan\'s hot path) change no event and no count', () => {
  it('every fixture: the same outcomes once runs are expanded, the same info, fewer objects', () => {
    let folded = 0;
    for (const file of fixtures(new URL('../fixtures', import.meta.url).pathname)) {
      const bytes = readFileSync(file);
      const plain = run(bytes, false);
      const runs = run(bytes, true);
      expect(expand(runs.out), file).toEqual(expand(plain.out));
      expect(runs.info, file).toEqual(plain.info);
      expect(runs.failure, file).toEqual(plain.failure);
      folded += plain.out.length - runs.out.length;
    }
    expect(folded).toBeGreaterThan(0);
  });
  it('generated CSV with blank lines, quotes, bad rows, multi-line records, any chunking', () => {
    const row = fc.oneof(
      fc.record({ src: fc.constantFrom('203.0.113.7', '10.0.0.1', '2001:db8::1', '999.1.1.1'), port: fc.constantFrom('104', '443', '1104', '70000', 'x', '') })
        .map(({ src, port }) => `2026-03-16T10:00:00Z,${src},${port},10.1.2.3`),
      fc.constant(''),
      fc.constant('2026-03-16T10:00:00Z,"203.0.113.9",104,10.1.2.3'),
      fc.constant('2026-03-16T10:00:00Z,"multi\nline",443,10.1.2.3'),
      fc.constant('2026-03-16T10:00:00Z,203.0.113.7,443'),
    );
    fc.assert(fc.property(fc.array(row, { maxLength: 40 }), fc.integer({ min: 1, max: 64 }), (rows, chunk) => {
      const bytes = Buffer.from(`TimeGenerated,SourceIP,DestinationPort,DestinationIP\n${rows.join('\n')}\n`);
      const plain = run(bytes, false);
      const runs = run(bytes, true, chunk);
      expect(expand(runs.out)).toEqual(expand(plain.out));
      expect(runs.info).toEqual(plain.info);
      expect(runs.info.records).toBe(runs.info.parsed + runs.info.skipped + runs.info.errors);
    }), { numRuns: 200 });
  });
});

describe('CSV: the hot path on bytes gives every record the outcome the text path gives it', () => {
  const textPath: LineFormat = { ...csvFormat, open: (c) => openCsv({ ...c, bytePath: false }, 'csv', GENERIC_SCHEMA) };
  const ports = { dstPorts: new Set([104, 11112]) };
  /** `encoding`: latin1 makes every non-ASCII character one byte that is not UTF-8 (U+FFFD on the text path). */
  const scanWith = (format: LineFormat, text: string, o: { chunk?: number; filteredRuns?: boolean; encoding?: BufferEncoding; prefilter?: boolean } = {}) => {
    const parser = createRecordParser({
      file: 'in.csv', tz: 'UTC', format: 'csv', formats: [format], filteredRuns: o.filteredRuns ?? false, ...(o.prefilter === false ? {} : { prefilter: ports }),
    });
    const bytes = Buffer.from(text, o.encoding ?? 'utf8');
    const chunk = o.chunk ?? (bytes.length || 1);
    const out: RecordOutcome[] = [];
    for (let i = 0; i < bytes.length; i += chunk) out.push(...parser.push(bytes.subarray(i, i + chunk)));
    out.push(...parser.end());
    return { out, info: parser.info, failure: parser.failure?.message };
  };
  const expectSame = (text: string, chunk?: number, encoding: BufferEncoding = 'utf8') => {
    const reference = scanWith(textPath, text, { encoding });
    expect(scanWith(csvFormat, text, { chunk, encoding })).toEqual(reference);
    // as scan runs it (FILTERED runs folded, by the session on the hot path, by the parser on the text path): the
    // same outcomes, run for run, and the same accounting
    const runs = scanWith(csvFormat, text, { chunk, encoding, filteredRuns: true });
    expect(runs).toEqual(scanWith(textPath, text, { chunk, encoding, filteredRuns: true }));
    expect(runs.info).toEqual(reference.info);
    expect(expand(runs.out)).toEqual(expand(reference.out));
    // and parse (no pre-filter) too
    expect(scanWith(csvFormat, text, { chunk, encoding, prefilter: false })).toEqual(scanWith(textPath, text, { encoding, prefilter: false }));
    return reference;
  };

  const VALUES: Record<string, string[]> = {
    TimeGenerated: ['2026-03-16T10:00:00Z', '2026-03-16T10:00:00Z', 'soon', ''],
    SourceIP: ['203.0.113.7', '10.0.0.1', '203.0.113.104', '2001:db8::1', '999.1.1.1', '', '"203.0.113.9"', 'a"b', '"x\ny"', '"open'],
    DestinationIP: ['10.1.2.3', '10.1.2.3', '198.51.100.104', '-'],
    DestinationPort: [
      '104', ' 104', '104 ', ' 104 ', '\t104', '104\t', '443', ' 443 ', '\t443', '443\r', '0', '65535', '65536', '00104', '000104', '00443', '000443',
      '1104', '11112', '', ' ', '-', 'x', '104x', '+104', '\u00a0443', '\u0001443', '\u000b443', '\u00e9', '"104"', '"443"', '4"43',
    ],
    SourcePort: ['51515', '104', '', '65536'],
    Protocol: ['TCP', '6', ''],
    DeviceAction: ['Allow', 'Deny', ''],
    Note: ['', 'x', 'café', 'a b', '104'],
  };
  const table = fc.record({
    delimiter: fc.constantFrom(',', '\t', ';', '|'),
    columns: fc.tuple(
      fc.shuffledSubarray(['TimeGenerated', 'SourceIP', 'DestinationIP'], { minLength: 3 }),
      fc.shuffledSubarray(['DestinationPort', 'SourcePort', 'Protocol', 'DeviceAction', 'Note']),
      fc.nat(),
    ).map(([required, optional, seed]) => {
      const all = [...required, ...optional];
      // a few positions for the port column: first, last, in between
      for (let i = all.length - 1; i > 0; i--) {
        const j = (seed + i * 7) % (i + 1);
        [all[i], all[j]] = [all[j]!, all[i]!];
      }
      return all;
    }),
  });
  /** What may happen to a row on its way: nothing (mostly), or a structural fault. */
  const damage = fc.constantFrom(...Array<string>(10).fill('none'), 'drop', 'extra', 'blank', 'spaces', 'tab', 'cr', 'crcr', 'empty',
    'header', 'header-bom', 'header-quoted', 'header-one-quoted', 'header-bom-quoted', 'header-cr', 'header-other');
  const spoil = (fields: string[], delimiter: string, how: string, at: number, names: string[]): string => {
    const k = at % fields.length;
    switch (how) {
      // the header again (a concatenated export), in its spellings, and a line like it with one name changed
      case 'header': return names.join(delimiter);
      case 'header-bom': return `\ufeff${names.join(delimiter)}`;
      case 'header-quoted': return names.map((n) => `"${n}"`).join(delimiter);
      case 'header-one-quoted': return names.map((n, i) => (i === k ? `"${n}"` : n)).join(delimiter);
      case 'header-bom-quoted': return `\ufeff${names.map((n) => `"${n}"`).join(delimiter)}`;
      case 'header-cr': return `${names.join(delimiter)}\r`;
      case 'header-other': return names.map((n, i) => (i === k ? `${n}x` : n)).join(delimiter);
      case 'drop': return fields.filter((_, i) => i !== k).join(delimiter);
      case 'extra': return [...fields.slice(0, k), '', ...fields.slice(k)].join(delimiter);
      case 'blank': return '';
      case 'spaces': return '  ';
      case 'tab': return '\t';
      case 'cr': return `${fields.join(delimiter)}\r`;
      case 'crcr': return `${fields.join(delimiter)}\r\r`;
      case 'empty': return delimiter.repeat(fields.length - 1);
      default: return fields.join(delimiter);
    }
  };
  const file = table.chain(({ delimiter, columns }) => fc.tuple(
    fc.constant(columns.join(delimiter)),
    fc.array(
      fc.tuple(fc.tuple(...columns.map((c) => fc.constantFrom(...VALUES[c]!))), damage, fc.nat()).map(([fields, how, at]) => spoil(fields, delimiter, how, at, columns)),
      { maxLength: 30, size: 'medium' },
    ),
    fc.constantFrom('\n', '\r\n'),
  ).map(([header, rows, eol]) => `${header}${eol}${rows.join(eol)}${eol}`));

  it('generated files: any delimiter and column order, quotes, wrong column counts, spaces around ports, port edge values, blank lines, the header again', () => {
    let filtered = 0;
    let malformed = 0;
    let events = 0;
    let headers = 0;
    fc.assert(fc.property(file, fc.integer({ min: 1, max: 200 }), fc.constantFrom<BufferEncoding>('utf8', 'latin1'), (text, chunk, encoding) => {
      const { info } = expectSame(text, chunk, encoding);
      if (process.env.SHOW) console.log(JSON.stringify(info.skippedBy), JSON.stringify(info.errorsBy), info.events);
      filtered += info.skippedBy.FILTERED ?? 0;
      malformed += info.errorsBy.MALFORMED ?? 0;
      events += info.events;
      headers += info.skippedBy.NOT_A_CONNECTION ?? 0;
    }), { numRuns: 1000 });
    // the property saw both sides of the line the hot path must not cross
    expect(headers).toBeGreaterThan(200);
    expect(filtered).toBeGreaterThan(1000);
    expect(malformed).toBeGreaterThan(500);
    expect(events).toBeGreaterThan(300);
  });

  it('each port spelling alone, in a row that does and one that does not hold a rule port elsewhere', () => {
    for (const port of VALUES.DestinationPort!) {
      for (const src of ['203.0.113.7', '203.0.113.104']) {
        for (const encoding of ['utf8', 'latin1'] as const) {
          expectSame(`TimeGenerated,SourceIP,DestinationPort,DestinationIP\n2026-03-16T10:00:00Z,${src},${port},10.1.2.3\n`, undefined, encoding);
          expectSame(`DestinationPort\tTimeGenerated\tSourceIP\tDestinationIP\n${port}\t2026-03-16T10:00:00Z\t${src}\t10.1.2.3\n`, undefined, encoding);
        }
      }
    }
    // a port the bytes do not settle (white space other than spaces around it) is settled by the text path: FILTERED
    // when it is a port no rule wants, even though the row holds a rule port elsewhere
    const kinds = (text: string) => scanWith(csvFormat, text).out.map((o) => (o.kind === 'events' ? 'events' : o.code));
    expect(kinds('TimeGenerated,SourceIP,DestinationPort,DestinationIP\n2026-03-16T10:00:00Z,203.0.113.104,\t443,10.1.2.3\n')).toEqual(['FILTERED']);
    expect(kinds('TimeGenerated,SourceIP,DestinationPort,DestinationIP\n2026-03-16T10:00:00Z,203.0.113.7, 104 ,10.1.2.3\n')).toEqual(['events']);
    expect(kinds('TimeGenerated,SourceIP,DestinationPort,DestinationIP\n2026-03-16T10:00:00Z,203.0.113.7,443\n')).toEqual(['MALFORMED']);
  });

  it('a port column past the delimiter positions the kernel keeps (16,383): read on the text path, not lost', () => {
    const kinds = (text: string) => scanWith(csvFormat, text).out.map((o) => (o.kind === 'events' ? 'events' : o.code));
    for (const before of [16_381, 16_382, 16_383, 20_000]) {
      const header = `${Array.from({ length: before }, (_, i) => `c${i}`).join(',')},TimeGenerated,SourceIP,DestinationIP,DestinationPort\n`;
      const rows = ['104', '443'].map((port) => `${','.repeat(before)}2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,${port}\n`).join('');
      expectSame(header + rows);
      expect(kinds(header + rows), String(before)).toEqual(['events', 'FILTERED']);
    }
  });
});

describe('CSV rows settled many at a time (the kernel\'s `rows`, scan\'s common row)', () => {
  const textPath: LineFormat = { ...csvFormat, open: (c) => openCsv({ ...c, bytePath: false }, 'csv', GENERIC_SCHEMA) };
  const scan = (format: LineFormat, bytes: Buffer, chunk: number, maxLineBytes?: number) => {
    const parser = createRecordParser({
      file: 'in.csv', tz: 'UTC', format: 'csv', formats: [format], filteredRuns: true, prefilter: { dstPorts: new Set([104]) },
      ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
    });
    const out: RecordOutcome[] = [];
    for (let i = 0; i < bytes.length; i += chunk) out.push(...parser.push(bytes.subarray(i, i + chunk)));
    out.push(...parser.end());
    return { out: expand(out), info: parser.info };
  };
  const HEADER = 'TimeGenerated,SourceIP,DestinationPort,DestinationIP,Note\n';
  /** Rows of every length from a few bytes to ~2 kB (a Note of `n` characters), a wanted port now and then. */
  const rows = (count: number, seed: number) => {
    let text = HEADER;
    for (let i = 0; i < count; i++) {
      const n = (i * 7919 + seed) % 2000;
      const port = i % 97 === 0 ? '104' : i % 89 === 0 ? ' 44 ' : String(1 + ((i * 31) % 65535));
      text += `2026-03-16T10:00:00Z,203.0.113.${i % 250},${port},10.1.2.3,${'x'.repeat(n)}${i % 13 === 0 ? '\r' : ''}\n`;
    }
    return Buffer.from(text);
  };

  it('the same outcomes and accounting as the text path across the kernel\'s 1 MiB window, in chunks of any size', () => {
    const bytes = rows(4000, 3); // ~4 MB: lines cross window and chunk boundaries
    const reference = scan(textPath, bytes, bytes.length);
    expect(reference.info.records).toBe(4000);
    for (const chunk of [bytes.length, 3 << 20, 1 << 20, (1 << 20) + 1, 65_521, 4099]) {
      const fast = scan(csvFormat, bytes, chunk);
      expect(fast.info, String(chunk)).toEqual(reference.info);
      expect(fast.out, String(chunk)).toEqual(reference.out);
    }
  });

  it('a line over the line limit is RECORD_TOO_LONG, never settled as FILTERED', () => {
    const bytes = rows(600, 11);
    for (const limit of [60, 500, 1999]) {
      const reference = scan(textPath, bytes, bytes.length, limit);
      expect(reference.info.errorsBy.RECORD_TOO_LONG, String(limit)).toBeGreaterThan(0);
      expect(scan(csvFormat, bytes, 8191, limit), String(limit)).toEqual(reference);
    }
  });

  it('takes the common row without a call per line: the session\'s push sees only the rows it does not settle', () => {
    const bytes = rows(5000, 5);
    const pushes: number[] = [];
    const counting: LineFormat = {
      ...csvFormat,
      open(c) {
        const session = openCsv(c, 'csv', GENERIC_SCHEMA);
        return { ...session, push: (buf, start, end, lineNo, out) => { pushes.push(lineNo); session.push(buf, start, end, lineNo, out); } };
      },
    };
    const { info } = scan(counting, bytes, 1 << 20);
    expect(info.skippedBy.FILTERED).toBeGreaterThan(4800);
    // the header, the rows with port 104 or ' 44 ' (settled by push), and at most a few lines after each of them
    expect(pushes.length).toBeLessThan(600);
  });
});

describe('pickKeyValues: the few keys a module needs, as parseKeyValues reads them', () => {
  it('agrees with parseKeyValues on random messages (quotes, escapes, repeats, bare words, unbalanced quotes)', async () => {
    const { parseKeyValues, pickKeyValues } = await import('../src/parsers/syslog/kv.js');
    const key = fc.constantFrom('SRC', 'DST', 'DPT', 'src', 'x', 'SRCX', 'DS', '');
    const value = fc.oneof(fc.stringMatching(/^[^\s"]{0,6}$/), fc.stringMatching(/^"([^"\\]|\\.){0,6}"?$/));
    const part = fc.oneof(fc.tuple(key, value).map(([k, v]) => `${k}=${v}`), fc.constantFrom('DF', 'SYN', '=', '"', ' ', '\t'));
    fc.assert(fc.property(fc.array(part, { maxLength: 12 }), fc.constantFrom(' ', '  ', '\t'), (parts, sep) => {
      const text = parts.join(sep);
      const keys = ['SRC', 'DST', 'DPT', 'x', 'missing'];
      const all = parseKeyValues(text);
      const picked: (string | undefined)[] = [];
      const unbalanced = pickKeyValues(text, keys, picked);
      expect(picked).toEqual(keys.map((k) => all.values.get(k)));
      expect(unbalanced).toBe(all.unbalanced);
    }), { numRuns: 2000 });
  });
});

describe('zone offsets cached per local hour', () => {
  it('equal the per-minute resolution in zones with half-hour, 45-minute and 30-minute transitions', async () => {
    const { IANAZone } = await import('luxon');
    const { localToEpoch } = await import('../src/time/zone.js');
    const MIN = 60_000;
    const DAY = 86_400_000;
    // the module's documented rule, minute by minute with no cache: gaps take the offset before, overlaps the larger
    const naive = (zoneName: string, localMs: number) => {
      const zone = IANAZone.create(zoneName);
      const before = zone.offset(localMs - DAY) * MIN;
      const after = zone.offset(localMs + DAY) * MIN;
      const fitsBefore = zone.offset(localMs - before) * MIN === before;
      const fitsAfter = before !== after && zone.offset(localMs - after) * MIN === after;
      return localMs - (fitsBefore && fitsAfter ? Math.max(before, after) : fitsBefore ? before : fitsAfter ? after : before);
    };
    const zones = ['Europe/Berlin', 'Pacific/Chatham', 'Australia/Lord_Howe', 'America/St_Johns', 'Asia/Kathmandu', 'America/New_York'];
    // local minutes around 2026's transitions: late March/early April and late September to early November
    const minute = fc.oneof(
      fc.integer({ min: Date.UTC(2026, 2, 25) / MIN, max: Date.UTC(2026, 3, 8) / MIN }),
      fc.integer({ min: Date.UTC(2026, 8, 20) / MIN, max: Date.UTC(2026, 10, 5) / MIN }),
    );
    fc.assert(fc.property(fc.constantFrom(...zones), fc.array(minute, { minLength: 1, maxLength: 50 }), (zone, minutes) => {
      for (const m of minutes) expect(localToEpoch(m * MIN + 17_000, zone)).toBe(naive(zone, m * MIN + 17_000));
    }), { numRuns: 300 });
    // and every minute of each transition day (Chatham 5 Apr / 27 Sep at :45, Lord Howe 5 Apr / 4 Oct by 30 min,
    // Berlin 29 Mar / 25 Oct), in an order that fills the hour cache from the middle
    for (const [zone, days] of [['Pacific/Chatham', [[3, 5], [8, 27]]], ['Australia/Lord_Howe', [[3, 5], [9, 4]]], ['Europe/Berlin', [[2, 29], [9, 25]]]] as const) {
      for (const [month, day] of days) {
        const start = Date.UTC(2026, month, day) / MIN;
        for (let i = 0; i < 1440; i++) {
          const m = start + ((i * 7) % 1440);
          expect(localToEpoch(m * MIN, zone), `${zone} ${new Date(m * MIN).toISOString()}`).toBe(naive(zone, m * MIN));
        }
      }
    }
  });
});

describe('parseCefExtension, driven by its `=` signs', () => {
  /**
   * The reference: the character-by-character reading the module used before (a key starts the extension or follows
   * an unescaped space, is a run of key characters and ends at an unescaped `=`; its value runs to the space before
   * the next key; a backslash escapes the next character; the first occurrence of a key wins).
   */
  function naiveExtension(text: string, from = 0): Map<string, string> {
    const keyStart = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    const keyChar = (c: number) => keyStart(c) || c === 46 || c === 44 || c === 91 || c === 93;
    const pairs: [string, number, number, number][] = []; // key, key start, value start
    let wordStart = from;
    let wordOk = from < text.length && keyStart(text.charCodeAt(from));
    for (let i = from; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 92) { wordOk = false; i++; continue; }
      if (c === 32) { wordStart = i + 1; wordOk = i + 1 < text.length && keyStart(text.charCodeAt(i + 1)); continue; }
      if (c === 61) {
        if (wordOk && wordStart >= 0 && i > wordStart) pairs.push([text.slice(wordStart, i), wordStart, i + 1, 0]);
        wordStart = -1;
        wordOk = false;
        continue;
      }
      if (wordOk && !keyChar(c)) wordOk = false;
    }
    const out = new Map<string, string>();
    pairs.forEach(([key, , valueStart], k) => {
      const end = k + 1 < pairs.length ? pairs[k + 1]![1] - 1 : text.length;
      if (!out.has(key)) out.set(key, text.slice(valueStart, end));
    });
    return out;
  }
  it('finds the same keys and the same raw values as the character loop (random extensions: escapes, spaces, `=` in values)', async () => {
    const { parseCefExtension, unescapeValue } = await import('../src/parsers/syslog/cef.js');
    const piece = fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom('src', 'SRC', 'dst', 'dpt', 'Dpt', 'msg', 'cs1Label', 'a.b', 'x[1]', '_k', '1k', 'k,v') },
      { weight: 6, arbitrary: fc.constantFrom('=', ' ', '\\', '\\=', '\\\\', '\\ ', '\t', ':', '<=', '==', 'a', '104', 'x y', '\\n') },
    );
    fc.assert(fc.property(fc.array(piece, { maxLength: 30 }), fc.nat(3), (parts, skip) => {
      const text = parts.join('');
      const from = Math.min(skip, text.length);
      const naive = naiveExtension(text, from);
      const got = parseCefExtension(text, from);
      const trim = (v: string) => v.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
      expect([...got.keys()]).toEqual([...naive.keys()]);
      for (const [k, v] of naive) expect(got.get(k), JSON.stringify({ text, from, k })).toBe(trim(unescapeValue(v)));
      // with wanted keys: matched ignoring case, named in lower case, the first occurrence of the name wins
      const wanted = new Set(['src', 'dpt', 'cs1label', 'k,v']);
      const expected = new Map<string, string>();
      for (const [k, v] of naive) if (wanted.has(k.toLowerCase()) && !expected.has(k.toLowerCase())) expected.set(k.toLowerCase(), trim(unescapeValue(v)));
      expect(parseCefExtension(text, from, wanted)).toEqual(expected);
    }), { numRuns: 5000 });
  });
});

describe('the typical filtered record is decided on its bytes: never decoded', () => {
  // (each row holds `104` in another field, so that only its port column can settle it)
  /** How many times the parser decoded bytes into a string, pushing `head` then `n` copies of `row`. */
  const decodings = (head: string, row: string, n: number): number => {
    const bytes = Buffer.from(head + `${row}\n`.repeat(n));
    const toString = vi.spyOn(Buffer.prototype, 'toString');
    const slices = Buffer.prototype as unknown as Record<'latin1Slice' | 'utf8Slice', (start: number, end: number) => string>;
    const latin1 = vi.spyOn(slices, 'latin1Slice');
    const utf8 = vi.spyOn(slices, 'utf8Slice');
    try {
      const { info } = run(bytes, true, 4096);
      expect(info.skippedBy.FILTERED).toBe(n);
      return toString.mock.calls.length + latin1.mock.calls.length + utf8.mock.calls.length;
    } finally {
      vi.restoreAllMocks();
    }
  };
  const N = 2000;
  it('CSV, with the port column anywhere', () => {
    expect(decodings('TimeGenerated,SourceIP,DestinationIP,DestinationPort\n', '2026-03-16T10:00:00Z,203.0.113.104,10.1.2.3,443', N)).toBeLessThan(N / 20);
    expect(decodings('DestinationPort;TimeGenerated;SourceIP;DestinationIP\n', '443;2026-03-16T10:00:00Z;203.0.113.104;10.1.2.3', N)).toBeLessThan(N / 20);
    expect(decodings('TimeGenerated,DestinationPort,SourceIP,DestinationIP,Note\n', '2026-03-16T10:00:00Z,443,203.0.113.104,10.1.2.3,a b c d e f g h', N)).toBeLessThan(N / 20);
  });
  it('AWS VPC flow logs, with and without a header', () => {
    const v2 = '2 123456789010 eni-0a1b2c3d4e5f60718 203.0.113.104 10.1.0.16 10945 443 6 4 240 1774656000 1774656060 REJECT OK';
    expect(decodings('', v2, N)).toBeLessThan(N / 20);
    expect(decodings('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n', v2, N)).toBeLessThan(N / 20);
  });
  it('syslog: iptables and PAN-OS', () => {
    expect(decodings('', 'Mar 28 01:00:00 edge01 kernel: [1234567.890123] FW-DROP IN=eth0 OUT=eth1 MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.104 DST=10.1.0.16 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=10945 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0', N)).toBeLessThan(N / 20);
    const panos = '<14>Mar 28 01:00:00 pa-edge-01 1,2026/03/28 01:00:00,013201004321,TRAFFIC,end,2561,2026/03/28 01:00:00,203.0.113.29,10.1.0.16,0.0.0.0,0.0.0.0,inbound-pacs,,,dicom,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,fwd-siem,2026/03/28 01:00:00,88231,1,10945,443,0,0,0x400053,tcp,deny,52104,1840,50400,64,2026/03/28 01:00:00,29,any,,7100000000000001,0x0,United States,10.0.0.0-10.255.255.255,,30,34,tcp-fin,0,0,0,0,,pa-edge-01,from-policy,,,0,,0,,N/A,0,0,0,0,b9d4a1c2-3e5f-4a6b-8c7d-0e1f2a3b4c5d,0,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,2026-03-28T00:00:00.358+00:00,,,health-care,business-systems,client-server,1,,,no,no,no,0';
    expect(decodings('', panos, N)).toBeLessThan(N / 20);
  });
});
