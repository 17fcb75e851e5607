/**
 * The JSON Lines hot path (jsonl.ts, json-bytes.ts): in a scan, a line proved on its bytes to be one valid JSON
 * object, with a key set JSON.parse already bound and a plain integer port no rule wants, is FILTERED without being
 * decoded. It must change nothing: the same outcomes, `info` and observer calls as the reference path (every line
 * through JSON.parse, `bytePath: false`) with the same pre-filter — on every fixture and on generated lines (key orders and
 * sets, nested ECS objects, ports written every way, escapes, duplicate keys, truncations, stray bytes, non-objects,
 * deep nesting, BOM, CRLF, blank lines, invalid UTF-8, `--map`, any chunking), with and without FILTERED runs.
 */
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NOT_MINE } from '../src/parsers/documents/document.js';
import { DOCUMENT_FORMATS } from '../src/parsers/documents/registry.js';
import { frameOf, JsonObjectScanner, MAX_FRAME_BYTES, MAX_FRAME_HOLES, MAX_NESTING, plainPortAt, type ExpectedKeys, type ScannedKeys } from '../src/parsers/json-bytes.js';
import { MAX_MISSES, REST_RECORDS } from '../src/parsers/jsonl.js';
import { ByteScanner } from '../src/parsers/kernel/kernel.js';
import { createRecordParser } from '../src/parsers/record-parser.js';
import type { RecordOutcome } from '../src/parsers/types.js';

interface RunOptions {
  bytePath: boolean;
  filteredRuns?: boolean;
  chunk?: number;
  format?: string;
  columnMap?: Record<string, string>;
  ports?: readonly number[];
}

/** Runs expanded back into one outcome per record (a run covers consecutive lines). */
function expand(out: RecordOutcome[]): RecordOutcome[] {
  return out.flatMap((o) => (o.kind === 'skip' && (o.records ?? 1) > 1
    ? Array.from({ length: o.records! }, (_, i) => ({ kind: 'skip' as const, line: o.line + i, code: o.code, message: o.message }))
    : [o.kind === 'skip' ? { kind: 'skip' as const, line: o.line, code: o.code, message: o.message } : o]));
}

function run(bytes: Buffer, o: RunOptions) {
  const observed: unknown[] = [];
  const parser = createRecordParser({
    file: 'in',
    tz: 'UTC',
    year: 2026,
    format: o.format ?? 'auto',
    prefilter: { dstPorts: new Set(o.ports ?? [104]) },
    filteredRuns: o.filteredRuns ?? false,
    bytePath: o.bytePath,
    ...(o.columnMap ? { columnMap: o.columnMap } : {}),
    observe: {
      columns: (report) => observed.push(['columns', report]),
      unusable: (field) => observed.push(['unusable', field]),
      note: (message) => observed.push(['note', message]),
    },
  });
  const chunk = o.chunk ?? (bytes.length || 1);
  const out: RecordOutcome[] = [];
  try {
    for (let i = 0; i < bytes.length; i += chunk) out.push(...parser.push(bytes.subarray(i, i + chunk)));
    out.push(...parser.end());
  } catch (e) {
    return { out: expand(out), info: parser.info, failure: `thrown: ${(e as Error).message}`, observed };
  }
  return { out: expand(out), info: parser.info, failure: parser.failure?.message, observed };
}

/** The byte path against the reference path, with the same pre-filter: equal in everything. */
function expectSame(bytes: Buffer, o: Omit<RunOptions, 'bytePath'> = {}, label = ''): ReturnType<typeof run> {
  const reference = run(bytes, { ...o, bytePath: false, filteredRuns: false, chunk: undefined });
  for (const filteredRuns of [false, true]) {
    const fast = run(bytes, { ...o, bytePath: true, filteredRuns });
    expect(fast.out, label).toEqual(reference.out);
    expect(fast.info, label).toEqual(reference.info);
    expect(fast.failure, label).toEqual(reference.failure);
    expect(fast.observed, label).toEqual(reference.observed);
  }
  expect(reference.info.records).toBe(reference.info.parsed + reference.info.skipped + reference.info.errors);
  return reference;
}

/** How many times JSON.parse runs while `f` does. */
function jsonParses(f: () => void): number {
  const spy = vi.spyOn(JSON, 'parse');
  try {
    f();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

function fixtures(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? fixtures(p) : /\.expected\./.test(f) ? [] : [p];
  });
}

/** A string whose U+E000..U+E0FF characters stand for single raw bytes (invalid UTF-8, on purpose). */
function toBytes(s: string): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xe000 && c <= 0xe0ff) {
      parts.push(Buffer.from(s.slice(from, i), 'utf8'), Buffer.from([c - 0xe000]));
      from = i + 1;
    }
  }
  parts.push(Buffer.from(s.slice(from), 'utf8'));
  return Buffer.concat(parts);
}

const BENCH_LINE = (port: number | string, src = '203.0.113.29') =>
  `{"TimeGenerated":"2026-03-28T00:00:00.358Z","SourceIP":"${src}","SourcePort":10945,"DestinationIP":"10.1.0.16","DestinationPort":${port},"Protocol":"TCP","DeviceAction":"Deny","DeviceName":"fw01"}`;

describe('JSON Lines hot path: the same outcomes as JSON.parse, fewer decodes', () => {
  it('every fixture (JSONL ones included): the same outcomes, info and observer calls', () => {
    const files = fixtures(new URL('../fixtures', import.meta.url).pathname);
    const jsonl = files.filter((f) => /\.(jsonl|json)$/.test(f) && readFileSync(f, 'utf8').trimStart().startsWith('{'));
    expect(jsonl.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const bytes = readFileSync(file);
      expectSame(bytes, {}, file);
      expectSame(bytes, { chunk: 7 }, file);
      expectSame(bytes, { ports: [104, 11112, 443] }, file);
    }
  });

  it('decides lines like the bench file on bytes: JSON.parse only for the first line and the wanted ports', () => {
    const ports = [443, 3389, 104, 22, 11112, 104, 0, 65535, 1104];
    const lines = Array.from({ length: 90 }, (_, i) => BENCH_LINE(ports[i % ports.length]!, i % 2 ? '203.0.113.29' : '10.9.8.7'));
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    // every line after the first is matched by the first one's frame (nothing walked)
    const framed = vi.spyOn(JsonObjectScanner.prototype as unknown as { framed: () => boolean }, 'framed');
    const calls = jsonParses(() => run(bytes, { bytePath: true }));
    expect(calls).toBe(1 + 20); // the first line (its key set is learned), then the 20 lines with port 104
    expect(framed.mock.results.filter((r) => r.value === true).length).toBe(89);
    framed.mockClear();
    // with FILTERED runs (scan), the kernel's block settles the others many at a time, and the 20 with port 104 it
    // stops at for their port alone go to JSON.parse without JavaScript framing them again
    expect(jsonParses(() => run(bytes, { bytePath: true, filteredRuns: true }))).toBe(1 + 20);
    expect(framed.mock.results.filter((r) => r.value === true).length).toBe(0);
    framed.mockRestore();
    expect(jsonParses(() => run(bytes, { bytePath: false }))).toBe(90);
    const { info } = expectSame(bytes);
    expect(info.skippedBy.FILTERED).toBe(70);
  });

  it('the kernel\'s block, on records framed like the learned one with every kind of scalar in the holes: the same outcomes', () => {
    // hole values, valid and not: what the block must settle exactly as framed + plainPortAt would, or leave alone
    const port = fc.oneof(
      { arbitrary: fc.constantFrom('443', '0', '65535', '3389', '1104'), weight: 6 },
      { arbitrary: fc.constantFrom('104', '65536', '0104', '00', '-1', '1e2', '443.0', '443e0', '"443"', '4430', '44300', '123456', '',
        'null', 'true', '443 ', ' 443'), weight: 1 },
    );
    const valid = fc.oneof(
      fc.constantFrom('0', '-0', '12', '1.5', '1.5e+3', '2E-7', '-12.25', 'true', 'false', 'null', '""', '"a"', '"\u00e9\u2028"'),
      fc.string({ maxLength: 6 }).filter((t) => !/[\\"\u0000-\u001f]/.test(t)).map((t) => `"${t}"`),
      fc.integer().map(String),
      fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    );
    const invalid = fc.constantFrom('01', '1.', '.5', '1e', '1e+', '-', '--1', 'tru', 'nul', 'falsey', 'nulll', '"a\\"b"', '"\\u00e9"', '"a\tb"', '"',
      '"abc', "'x'", '[]', '{}', '[1]', 'Infinity', 'NaN');
    const scalar = fc.oneof({ arbitrary: valid, weight: 12 }, { arbitrary: invalid, weight: 1 });
    const line = fc.record({
      port, time: scalar, src: scalar, sport: scalar, proto: scalar, action: scalar,
      end: fc.constantFrom('\n', '\n', '\n', '\n', '\n', '\n', '\r\n', ' \n', '\r\r\n'),
    });
    const file = fc.array(line, { minLength: 1, maxLength: 60 });
    const block = vi.spyOn(ByteScanner.prototype, 'json');
    fc.assert(fc.property(file, fc.integer({ min: 1, max: 400 }), (lines, chunk) => {
      const learned = `${BENCH_LINE(443)}\n`;
      const text = learned + lines.map((l) =>
        `{"TimeGenerated":${l.time},"SourceIP":${l.src},"SourcePort":${l.sport},"DestinationIP":"10.1.0.16","DestinationPort":${l.port},` +
        `"Protocol":${l.proto},"DeviceAction":${l.action},"DeviceName":"fw01"}${l.end}`).join('');
      const bytes = Buffer.from(text);
      expectSame(bytes);
      expectSame(bytes, { chunk });
    }), { numRuns: 300 });
    // (the block did settle records: this is its test)
    expect(block.mock.results.reduce((n, r) => n + Math.max(0, r.value as number), 0)).toBeGreaterThan(300);
    block.mockRestore();
  });

  it('lines with the learned keys but other spacing, escapes or tabs: decided on bytes all the same', () => {
    const learned = BENCH_LINE(443);
    const others = [
      BENCH_LINE(443).replaceAll(':', ': '), // the frame's bytes differ: walked, the kernel's quotes followed
      BENCH_LINE(443).replace('fw01', 'fw\\u0030\\"1'), // a backslash: the frame's, that string read byte by byte
      BENCH_LINE(443).replace('Deny', 'De\\ny'), // the strings after it read byte by byte
      BENCH_LINE(443).replace('{', '{\t'), // a control byte (whitespace here): walked, every string read byte by byte
      BENCH_LINE(443).replace('fw01', 'fw\u00e9\u2028'), // bytes 0x80 and up inside a string: the frame's
      BENCH_LINE(443).replace('"fw01"', '""'),
    ];
    const bytes = Buffer.from([learned, ...others, ...others.map((l) => l.replace('443', '104'))].join('\n'));
    expect(jsonParses(() => run(bytes, { bytePath: true }))).toBe(1 + others.length);
    expectSame(bytes);
  });

  it('a file in one chunk larger than the kernel\'s window, lines of every length: the same outcomes', () => {
    const lines: string[] = [];
    let size = 0;
    for (let i = 0; size < 2.5 * (1 << 20); i++) {
      const line = BENCH_LINE([443, 104, 3389][i % 3]!).replace('fw01', `fw${'x'.repeat((i * 7919) % 997)}`).replace('"Deny"', i % 5 ? '"Deny"' : '"Dé\\ny"');
      lines.push(line);
      size += line.length + 1;
    }
    const bytes = Buffer.from(lines.join('\n'));
    const { info } = expectSame(bytes);
    expect(info.skippedBy.FILTERED).toBeGreaterThan(lines.length / 2);
    expectSame(bytes, { chunk: (1 << 20) + 13 });
  });

  it('nested ECS objects, dotted keys, key sets that alternate, --map: decided on bytes, as JSON.parse decides', () => {
    const ecs = (port: string) => `{"@timestamp":"2026-03-16T10:00:00Z","source":{"ip":"203.0.113.7","port":5000},"destination":{"ip":"10.1.2.3","port":${port}},"network":{"transport":"tcp"}}`;
    const dotted = (port: string) => `{"@timestamp":"2026-03-16T10:00:00Z","source.ip":"203.0.113.7","destination.ip":"10.1.2.3","destination.port":${port}}`;
    const mapped = (port: string) => `{"t":"2026-03-16T10:00:00Z","a":"203.0.113.7","b":"10.1.2.3","DestinationPort":104,"Note":${port}}`;
    const lines: string[] = [];
    for (const port of ['443', '104', '8080', '104.0', '"443"', '1.04e2', '70000', '-1', 'null']) lines.push(ecs(port), dotted(port));
    const bytes = Buffer.from(lines.join('\n'));
    expectSame(bytes);
    // 9 ports × 2 layouts: the plain integers not wanted (443, 8080) on bytes once each layout is learned
    expect(jsonParses(() => run(bytes, { bytePath: true }))).toBe(18 - 4 + 2);
    const mappedBytes = Buffer.from(['443', '104', '8080', '"104"'].map(mapped).join('\n'));
    const columnMap = { time: 't', srcIp: 'a', dstIp: 'b', dstPort: 'Note' };
    expectSame(mappedBytes, { columnMap });
    expect(jsonParses(() => run(mappedBytes, { bytePath: true, columnMap }))).toBe(3);
  });

  it('a key set the binding cache dropped and bound again (after 256 others) is reported again, as JSON.parse does', () => {
    const lines: string[] = [];
    for (let i = 0; i < 300; i++) {
      lines.push(BENCH_LINE(443), `{"time":"2026-03-16T10:00:00Z","srcIp":"203.0.113.7","dstIp":"10.1.2.3","dstPort":443,"k${i}":1}`);
    }
    const { info } = expectSame(Buffer.from(lines.join('\n')));
    expect(info.columns.length).toBe(8);
  });

  it('after MAX_MISSES records it could not decide, the hot path rests, then decides again; nothing changes', () => {
    const undecided = Array.from({ length: MAX_MISSES + 10 }, (_, i) => BENCH_LINE(`"${i % 2 ? 443 : 104}"`));
    const decidable = Array.from({ length: REST_RECORDS + 100 }, (_, i) => BENCH_LINE(i % 50 ? 443 : 104));
    const bytes = Buffer.from([...undecided, ...decidable].join('\n'));
    const { info } = expectSame(bytes);
    expect(info.records).toBe(undecided.length + decidable.length);
    // read by JSON.parse: every undecided line, the rest (REST_RECORDS lines from the MAX_MISSES-th), then the wanted ports
    const calls = jsonParses(() => run(bytes, { bytePath: true, filteredRuns: true }));
    const rested = MAX_MISSES + REST_RECORDS;
    expect(calls).toBe(rested + [...undecided, ...decidable].slice(rested).filter((l) => !l.includes('443')).length);
  });

  it('key sets the hot path must not decide: a key a document format claims by, an array-index key', () => {
    const base = '"TimeGenerated":"2026-03-16T10:00:00Z","SourceIP":"203.0.113.7","DestinationIP":"10.1.2.3","DestinationPort":443';
    // the same keys, and then a value that makes the record a document of a known producer
    const cases: [string, string][] = [
      [`{${base},"category":"x"}`, `{${base},"category":"AzureFirewallNetworkRule"}`],
      [`{${base},"category":"x","operationName":"y"}`, `{${base},"category":"NetworkSecurityGroupFlowEvent","operationName":"y"}`],
      [`{${base},"event_type":1,"timestamp":"2026-03-16T10:00:00Z"}`, `{${base},"event_type":"flow","timestamp":"2026-03-16T10:00:00Z"}`],
      [`{${base},"logName":"x","jsonPayload":1}`, `{${base},"logName":"projects/p/logs/compute.googleapis.com%2Fvpc_flows","jsonPayload":1}`],
    ];
    for (const [learnt, claimed] of cases) {
      const { out } = expectSame(Buffer.from(`${learnt}\n${claimed}\n${learnt}`), {}, claimed);
      expect(out[1]!.kind === 'skip' && out[1]!.code === 'FILTERED', claimed).toBe(false);
    }
    // JavaScript puts an array-index key first: `1.port` is then the nested 104, whatever the top-level key says
    const indexed = (top: number) => `{"1.port":${top},"1":{"port":104},"t":"2026-03-16T10:00:00Z","a":"203.0.113.7","b":"10.1.2.3"}`;
    const columnMap = { time: 't', srcIp: 'a', dstIp: 'b', dstPort: '1.port' };
    const { out } = expectSame(Buffer.from(`${indexed(104)}\n${indexed(443)}`), { columnMap });
    expect(out.map((o) => o.kind)).toEqual(['events', 'events']);
  });

  it('every truncation of a valid line, stray bytes after it, escapes, duplicates: the reference\'s outcome', () => {
    const samples = [
      BENCH_LINE(443),
      '{"time": "2026-03-16T10:10:00Z", "srcIp": "203.0.113.66", "dstIp": "10.1.2.3", "dstPort": 11112, "note": "a \\"b\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00e9\\ud800"}',
      '{"@timestamp":"2026-03-16T10:00:00Z","source":{"ip":"203.0.113.7"},"destination":{"ip":"10.1.2.3","port":443},"tags":[{"port":104},[],{}],"x":{}}',
    ];
    for (const line of samples) {
      const variants = [line];
      for (let n = 0; n < line.length; n++) variants.push(line.slice(0, n));
      for (const stray of [' x', '}', ',', '{}', ' \t\r', '\u00a0', '\ufeff', ']', '"', '0']) variants.push(line + stray);
      variants.push(`\ufeff${line}`, `[${line}]`, line.replace('443', '104'), line.replace('"dstPort"', '"dstPort":104,"dstPort"'));
      variants.push(line.replace('"srcIp"', '"dstPort":443,"srcIp"').replace(/"dstPort": 11112/, '"dstPort": 104'));
      // the valid line first, so its key set is learned and every variant after it meets the hot path
      const bytes = Buffer.from([line, ...variants].join('\n'));
      expectSame(bytes, {}, line);
      expectSame(bytes, { chunk: 5 }, line);
    }
  });

  it('generated files: the same outcomes, info and observer calls, any chunking, with and without runs', () => {
    // mostly keys that bind (so the hot path has work), sometimes keys that must keep a record off it
    const key = fc.oneof(
      {
        weight: 8,
        arbitrary: fc.constantFrom(
          'DestinationPort', 'destinationport', 'DESTINATIONPORT', 'dst_port', 'dstPort', 'DestPort', 'dpt', 'destination.port',
          'Destination.Port', 'Note', 'note', 'Protocol', 'DeviceAction', 'destination', 'source', 'network', 'extra',
          // the bytes of keys that nested objects hold, at depth 1
          'port', 'ip',
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '1', '42', '', '__proto__', '_source', 'result', 'preview', 'category', 'uid', 'event_type', 'winlog',
          '\\u0044estinationPort', 'Destination\\u0050ort', 'a\\"b', 'ütf', 'time', 'srcIp', 'dstIp',
        ),
      },
    );
    const port = fc.oneof(
      { weight: 20, arbitrary: fc.constantFrom('104', '443', '0', '65535', '11112', '1104', '10400', '8') },
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          '65536', '99999', '100000', '"104"', '"443"', '" 104 "', '104.0', '1.04e2', '1.04E+2', '443e0', '10400e-2',
          '-104', '-0', '0.0', 'null', 'true', 'false', '[104]', '{"x":104}', '"\\u0031\\u0030\\u0034"', '1e400', '"abc"', '""',
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom('00104', '0104', '+104', '104.', '.5', '1e', '--1', '0x68') },
    );
    const text = fc.oneof(
      {
        weight: 40,
        arbitrary: fc.constantFrom(
          '"2026-03-16T10:00:00Z"', '"bad time"', '1773656102', 'null', '"203.0.113.7"', '"10.1.2.3"', '"999.1.1.1"',
          '"2001:db8::1"', '"\\u0032\\u0030\\u0033.0.113.7"', '"\ue0ff\ue0fe"', '"\ue0e2\ue082"', '"é"', '"\u2028"',
          '"a\\"b\\\\"', '[1,{"a":[]}]', '[]', 'true', '-1.5e-3',
          // strings the kernel's quotes bound: empty, structure inside, bytes 0x80 and up (é as raw bytes, invalid UTF-8)
          '""', '"{[,:]}"', '"\\",\\""', '"\ue0c3\ue0a9"', '" "', '"\ue080"',
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '"a\tb"', '"\u0001"', '"\\x"', '"\\u12"', '"\\u12g4"', '"\\"', 'tru', 'nul', 'TRUE',
          // quotes where no string may be: adjacent strings, a number right before or after a string, a lone quote
          '""""', '"x"1', '1"x"', '"', '""1', '"\u007f"',
        ),
      },
    );
    const scalar = (k: string) => (/port|dpt|note/i.test(k) ? fc.oneof({ weight: 4, arbitrary: port }, { weight: 1, arbitrary: text }) : text);
    // a key whose value is an object holds the same keys in every line of a template (a value of another shape is rare)
    const NESTING = /^(destination|source|network|_source|result)$/;
    const slot = key.chain((k) => (NESTING.test(k)
      ? fc.subarray(['ip', 'port', 'address', 'Port', 'transport', 'x']).map((sub) => ({ k, sub }))
      : fc.constant({ k, sub: undefined as string[] | undefined })));
    const value = ({ k, sub }: { k: string; sub: string[] | undefined }) => (sub
      ? fc.oneof(
        { weight: 10, arbitrary: fc.tuple(...sub.map(scalar)).map((vs) => `{${sub.map((s, i) => `"${s}":${vs[i]}`).join(',')}}`) },
        { weight: 1, arbitrary: fc.oneof(text, fc.constantFrom('{}', '[]')) },
      )
      : scalar(k));
    const space = fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.constantFrom(' ', '\t', ' \r ') });
    // a time, a source and a destination key (or not all of them), then keys that may bind the port, in any order
    const template = fc.tuple(
      fc.subarray(['TimeGenerated', 'SourceIP', 'DestinationIP'].map((k) => ({ k, sub: undefined })), { minLength: 1 }),
      // repeated keys now and then (JSON.parse keeps the last value, the hot path must not decide those)
      fc.oneof(
        { weight: 4, arbitrary: fc.uniqueArray(slot, { selector: (x) => x.k, minLength: 1, maxLength: 6 }) },
        { weight: 1, arbitrary: fc.array(slot, { minLength: 1, maxLength: 6 }) },
      ),
    ).chain(([base, more]) => fc.shuffledSubarray([...base, ...more], { minLength: base.length + more.length }));
    const lineOf = (slots: { k: string; sub: string[] | undefined }[]) => fc.tuple(fc.tuple(...slots.map(value)), space).map(([values, ws]) =>
      `{${ws}${slots.map(({ k }, i) => `"${k}"${ws}:${ws}${values[i]}`).join(`${ws},${ws}`)}${ws}}`);
    const mutate = (line: string) => fc.oneof(
      { weight: 30, arbitrary: fc.constant(line) },
      { weight: 2, arbitrary: fc.nat(line.length).map((n) => line.slice(0, n)) },
      { weight: 1, arbitrary: fc.constantFrom(' x', '}', ',', '{}', ' ', '\u00a0', '\ufeff', ']').map((s) => line + s) },
      { weight: 1, arbitrary: fc.constantFrom('\ufeff', ' ', '[', '\t').map((s) => s + line) },
      { weight: 1, arbitrary: fc.constant(`[${line}]`) },
      // a byte inserted or removed anywhere (a quote: the strings after it pair up otherwise)
      {
        weight: 2,
        arbitrary: fc.tuple(fc.nat(line.length), fc.constantFrom('"', '"', '""', '\\', ',', ':', ' ', '1', '{', '}', '\t', '\ue0ff'))
          .map(([n, t]) => line.slice(0, n) + t + line.slice(n)),
      },
      { weight: 1, arbitrary: fc.nat(Math.max(0, line.length - 1)).map((n) => line.slice(0, n) + line.slice(n + 1)) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '[]', '[1,2]', '"str"', '42', 'null', '{}', '', '   ', '\r', '{"a":1}',
          `${'{"a":'.repeat(MAX_NESTING + 2)}1${'}'.repeat(MAX_NESTING + 2)}`,
          `{"a":${'['.repeat(MAX_NESTING + 2)}${']'.repeat(MAX_NESTING + 2)}}`,
          `${'{"a":'.repeat(MAX_NESTING - 2)}1${'}'.repeat(MAX_NESTING - 2)}`,
        ),
      },
    );
    const file = fc.array(template, { minLength: 1, maxLength: 3 }).chain((templates) =>
      fc.array(fc.nat(templates.length - 1).chain((t) => lineOf(templates[t]!)).chain(mutate), { minLength: 1, maxLength: 40, size: 'max' }));
    const options = fc.record({
      eol: fc.constantFrom('\n', '\r\n'),
      bom: fc.boolean(),
      trailing: fc.boolean(),
      chunk: fc.integer({ min: 1, max: 64 }),
      ports: fc.constantFrom([104], [104], [104, 443], [], [11112, 8]),
      columnMap: fc.constantFrom(undefined, undefined, { dstPort: 'Note' }, { dstPort: 'destination.port' }, { dstPort: 'missing' }),
    });
    let records = 0;
    let onBytes = 0;
    fc.assert(fc.property(file, options, (lines, o) => {
      const bytes = toBytes(`${o.bom ? '\ufeff' : ''}${lines.join(o.eol)}${o.trailing ? o.eol : ''}`);
      const runOptions = { format: 'jsonl', chunk: o.chunk, ports: o.ports, ...(o.columnMap ? { columnMap: o.columnMap } : {}) };
      const { info } = expectSame(bytes, runOptions);
      records += info.records;
      onBytes += info.records - jsonParses(() => run(bytes, { ...runOptions, bytePath: true }));
    }), { numRuns: 400 });
    // the property means something only if the hot path decides a good share of the records
    expect(onBytes / records).toBeGreaterThan(0.15); // about 0.2 with the fixed seed
  });
});

describe('JsonObjectScanner: JSON validated on bytes', () => {
  // one of each, reused from call to call as a session reuses its own
  const kernel = new ByteScanner();
  const withKernel = new JsonObjectScanner(kernel);
  const alone = new JsonObjectScanner();
  /** How many scans with the kernel were decided by a frame, and how many walked with the kernel's quotes. */
  const seen = { framed: 0, walked: 0 };
  const keysOf = (keys: ScannedKeys) => ({
    count: keys.count,
    matched: keys.matched,
    keys: Array.from({ length: keys.count }, (_, k) => [keys.keyStart(k), keys.keyEnd(k), keys.meta(k), keys.valueStart(k)]),
  });
  /** The expected key sets without their frames. */
  const unframed = new WeakMap<ExpectedKeys, ExpectedKeys>();
  /**
   * The scan with the kernel (quotes found in WebAssembly, the expected key set's frame tried first), without it
   * (every string read byte by byte), and by a walk without kernel or frame: the same answer and, when valid, the same
   * keys. `fresh`: the Buffer's bytes may have changed since the kernel last saw it (a new push).
   */
  const scanBytes = (buf: Buffer, start: number, end: number, expected?: ExpectedKeys, fresh = true) => {
    if (fresh) kernel.forget();
    const ok = withKernel.scan(buf, start, end, expected);
    if (ok) seen[withKernel.keys.framed ? 'framed' : 'walked']++;
    const label = buf.toString('latin1', start, end);
    expect(alone.scan(buf, start, end, expected), label).toBe(ok);
    if (ok) expect(keysOf(withKernel.keys), label).toEqual(keysOf(alone.keys));
    if (expected?.frame) {
      if (!unframed.has(expected)) unframed.set(expected, { ...expected, frame: undefined });
      expect(alone.scan(buf, start, end, unframed.get(expected)), label).toBe(ok);
      expect(alone.keys.framed).toBeUndefined();
      if (ok) expect(keysOf(withKernel.keys), label).toEqual(keysOf(alone.keys));
    }
    return { ok, keys: withKernel.keys };
  };
  const scan = (text: string | Buffer, expected?: ExpectedKeys) => {
    const bytes = typeof text === 'string' ? Buffer.from(text) : text;
    // within a larger buffer: the scan must not read past `end`
    const padded = Buffer.concat([Buffer.from('}{"'), bytes, Buffer.from('"}],1')]);
    const { ok, keys } = scanBytes(padded, 3, 3 + bytes.length, expected);
    return { ok, keys: keysOf(keys), raw: keys, padded };
  };
  /** A valid record's key set, with its frame, as jsonl.ts keeps it. */
  const expectedOf = (text: string | Buffer): ExpectedKeys => {
    const buf = typeof text === 'string' ? Buffer.from(text) : text;
    const scanner = new JsonObjectScanner();
    expect(scanner.scan(buf, 0, buf.length), buf.toString('latin1')).toBe(true);
    const { keys } = scanner;
    const parts = Array.from({ length: keys.count }, (_, k) => buf.subarray(keys.keyStart(k), keys.keyEnd(k)));
    const from = new Int32Array(keys.count + 1);
    parts.forEach((p, k) => (from[k + 1] = from[k]! + p.length));
    const bytes = Buffer.concat(parts);
    const meta = Int32Array.from({ length: keys.count }, (_, k) => keys.meta(k));
    return { count: keys.count, meta, from, bytes, view: new DataView(bytes.buffer, bytes.byteOffset, bytes.length), frame: frameOf(buf, 0, buf.length, keys) };
  };
  const parsesToObject = (text: string) => {
    try {
      const v: unknown = JSON.parse(text);
      return v !== null && typeof v === 'object' && !Array.isArray(v);
    } catch {
      return false;
    }
  };

  it('says valid only for what JSON.parse reads as an object, and always for such text without backslashes', () => {
    const token = fc.constantFrom(
      '{', '}', '[', ']', ':', ',', '"', '\\', 'u', '0', '1', '9', '-', '+', '.', 'e', 'E', 'true', 'false', 'null', 'tru',
      ' ', '\t', '\r', '\n', '\u0000', '\u001f', 'é', '"k"', '"v"', '\\u00', '\\"', '"a":', '{"a":', '01', '0.5', '1e5',
      '\u00a0', '\ufeff', '/', 'x', '""', '"":', '"é"', '"\ue0ff"',
    );
    fc.assert(fc.property(fc.array(token, { maxLength: 40 }), (tokens) => {
      const text = tokens.join('');
      const bytes = toBytes(text);
      const { ok } = scan(bytes);
      const object = parsesToObject(bytes.toString('utf8'));
      if (ok) expect(object, text).toBe(true);
      if (object && !text.includes('\\')) expect(ok, text).toBe(true);
    }), { numRuns: 20000 });
    // shaped like records: objects of keys and values, then mutated
    const json = fc.tuple(fc.object({ maxDepth: 3, values: [fc.jsonValue({ maxDepth: 2 })] }), fc.constantFrom(0, 1, '\t'))
      .map(([o, indent]) => JSON.stringify(o, null, indent));
    fc.assert(fc.property(json, fc.nat(), fc.constantFrom('', 'x', '}', ' ', ',1'), (text, cut, tail) => {
      const mutated = `${text.slice(0, cut % (text.length + 1))}${tail}`;
      for (const t of [text, mutated]) {
        const { ok } = scan(t);
        const object = parsesToObject(t);
        if (ok) expect(object, t).toBe(true);
        if (object && !t.includes('\\')) expect(ok, t).toBe(true);
      }
    }), { numRuns: 3000 });
    expect(seen.walked).toBeGreaterThan(500); // valid records walked with the kernel's quotes (about 950 with the fixed seed)
  });

  it('records the keys outside arrays in document order, with their depth, object flag and value start', () => {
    // keys that need no escape at any level outside arrays; inside arrays, anything JSON holds
    const key = fc.constantFrom('', 'a', 'A', 'ab', 'é', 'x.y', '@t', 'a b', 'a-b', 'a_b', 'ü𝄞');
    const leaf = fc.oneof(
      fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null),
      fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
    );
    const { record } = fc.letrec((tie) => ({
      record: fc.dictionary(key, fc.oneof({ maxDepth: 4, depthIdentifier: 'record' }, leaf, tie('record')), { maxKeys: 5 }),
    }));
    fc.assert(fc.property(record, (o) => {
      const text = JSON.stringify(o);
      // by a walk, then by the frame of the same record
      for (const expected of [undefined, expectedOf(text)]) {
        const { ok, raw: keys, padded } = scan(text, expected);
        expect(ok).toBe(true);
        // the reference: a walk of JSON.parse's value, keys in written order (no array-index keys: they start with no digit)
        const want: [string, number, boolean, string][] = [];
        const walk = (v: Record<string, unknown>, depth: number) => {
          for (const [k, x] of Object.entries(v)) {
            const isObject = x !== null && typeof x === 'object' && !Array.isArray(x);
            want.push([k, depth, isObject, JSON.stringify(x).slice(0, 1)]);
            if (isObject) walk(x as Record<string, unknown>, depth + 1);
          }
        };
        walk(JSON.parse(text) as Record<string, unknown>, 1);
        const got = Array.from({ length: keys.count }, (_, k) => [
          padded.toString('utf8', keys.keyStart(k), keys.keyEnd(k)), keys.meta(k) >> 1, (keys.meta(k) & 1) === 1, padded.toString('utf8', keys.valueStart(k), keys.valueStart(k) + 1),
        ]);
        expect(got).toEqual(want);
      }
    }), { numRuns: 2000 });
  });

  it('matched: the keys compared on the way equal those of the expected set, exactly when they are', () => {
    const key = fc.constantFrom('a', 'ab', 'abcd', 'abcde', 'abcdefgh', 'abcdefghi', 'DestinationPort', 'DestinationPorT', 'é', '');
    const { record } = fc.letrec((tie) => ({
      record: fc.array(fc.tuple(key, fc.oneof({ maxDepth: 3, depthIdentifier: 'r' }, fc.constantFrom('1', '"x"', '[{"a":1}]', '{}', '""', '"a"'), tie('record'))), { maxLength: 5 })
        .map((members) => `{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}`),
    }));
    // b, and a with its scalars swapped (its frame fits that one)
    const swap = (text: string) => text.replace(/"x"|"a"(?!:)|""(?!:)|\b1\b/g, (s) => ({ '"x"': '1', '1': '"x"', '"a"': '""', '""': 'null' })[s] ?? s);
    fc.assert(fc.property(record, record, fc.nat(3), (a, b, cut) => {
      const want = expectedOf(a);
      for (const text of [a, b, b.slice(0, b.length - cut), swap(a), a.slice(0, a.length - cut)]) {
        const { ok, keys: plain, padded } = scan(text);
        expect(plain.matched).toBe(false);
        const same = ok && plain.count === want.count &&
          Array.from({ length: want.count }, (_, k) => k).every((k) =>
            plain.keys[k]![2] === want.meta[k] && padded.subarray(plain.keys[k]![0], plain.keys[k]![1]).equals(want.bytes.subarray(want.from[k]!, want.from[k + 1]!)));
        const withExpected = scanBytes(padded, 3, 3 + Buffer.byteLength(text), want);
        expect(withExpected.ok, text).toBe(ok);
        expect(ok && withExpected.keys.matched, `${a} / ${text}`).toBe(same);
      }
    }), { numRuns: 3000 });
  });

  it('a record shaped like the one a key set was learned from: its frame decides as the walk does, whatever the holes hold', () => {
    // A shape: an object whose values are holes, objects or arrays; rendered with one scalar text per hole.
    type Shape = { object: [string, Shape][] } | { array: Shape[] } | 'hole';
    const key = fc.constantFrom('', 'a', 'port', 'ip', 'DestinationPort', 'é', '\ue0ff', 'a b', '{', ':', ',', ']');
    const { shape } = fc.letrec<{ shape: Shape; value: Shape }>((tie) => ({
      shape: fc.array(fc.tuple(key, tie('value')), { maxLength: 5 }).map((object) => ({ object })),
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        { weight: 4, arbitrary: fc.constant('hole' as const) },
        { weight: 1, arbitrary: tie('shape') },
        { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 3 }).map((array) => ({ array })) },
      ),
    }));
    const scalar = fc.oneof(
      {
        weight: 24,
        arbitrary: fc.constantFrom(
          '""', '"a"', '"é"', '"\ue0ff\ue0c3\ue080"', '"{[,:]}"', '" "', '"\\""', '"\\u0041"', '"\\\\"', '0', '-0', '7', '104', '-12.5e+3',
          '1E-2', '1e400', 'true', 'false', 'null', '"2026-03-16T10:00:00Z"', '"é\ue0e2\ue082"', '"DestinationPort"',
        ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          '01', '1.', '-', '.5', '+1', 'tru', 'nul', 'nulll', 'True', 'tRue', 'trux', 'fAlse', 'nuLl', 'x', '"a\tb"', '"\u0001"', '"\\x"', '""""', '"x"1', '1"x"',
          '"', '{}', '[]', '[1,"x"]', '{"a":1}', '{"a":"b"}', '', ' 1', '1 ', '"\\u00e9"', '"\u007f"',
        ),
      },
    );
    const space = fc.constantFrom('', '', '', '', ' ', '\t');
    const render = (s: Shape, fill: () => string, ws: string): string =>
      s === 'hole' ? fill()
        : 'array' in s ? `[${ws}${s.array.map((v) => render(v, fill, ws)).join(`${ws},${ws}`)}${ws}]`
          : `{${ws}${s.object.map(([k, v]) => `"${k}"${ws}:${ws}${render(v, fill, ws)}`).join(`${ws},${ws}`)}${ws}}`;
    const isScalar = (t: string) => {
      try {
        const v: unknown = JSON.parse(toBytes(t).toString('utf8'));
        return v === null || typeof v !== 'object';
      } catch {
        return false;
      }
    };
    const holes = (s: Shape): number => (s === 'hole' ? 1 : 'array' in s ? s.array.reduce((n, v) => n + holes(v), 0) : s.object.reduce((n, [, v]) => n + holes(v), 0));
    const record = shape.chain((s) => fc.tuple(
      fc.constant(s),
      fc.array(scalar.filter(isScalar), { minLength: holes(s), maxLength: holes(s) }),
      fc.array(fc.array(scalar, { minLength: holes(s), maxLength: holes(s) }), { minLength: 1, maxLength: 7 }),
      fc.tuple(space, space),
    ));
    /** The records only their scalars set apart from the learned one, and how many of them the frame decided. */
    let plain = 0;
    let framed = 0;
    fc.assert(fc.property(record, fc.nat(), fc.constantFrom('', '', 'x', '"', ',', ':', '}', ']', ' ', '\\', 'e', '0', 'T'), ([s, learned, others, [ws, otherWs]], at, stray) => {
      const template = toBytes(render(s, ((k) => () => learned[k++]!)(0), ws));
      const want = expectedOf(template);
      for (const [i, fills] of others.entries()) {
        // other scalars, other spacing, then one byte inserted, removed or changed: a key's, a comma after a literal…
        let text = render(s, ((k) => () => (i >= 5 ? learned : fills)[k++]!)(0), i === 1 ? otherWs : ws);
        const n = at % (text.length + 1);
        if (i === 2) text = text.slice(0, n) + stray + text.slice(n);
        if (i === 3 || i === 6) text = text.slice(0, n) + text.slice(n + 1);
        if (i === 4 || i === 5) text = text.slice(0, n) + stray + text.slice(n + 1);
        const bytes = toBytes(text);
        const { ok, raw } = scan(bytes, want);
        if (i === 0) {
          plain++;
          if (ok && raw.framed) framed++;
        }
        const object = parsesToObject(bytes.toString('utf8'));
        if (ok) expect(object, text).toBe(true);
        if (object && !text.includes('\\')) expect(ok, text).toBe(true);
      }
    }), { numRuns: 3000 });
    // the property means something only if frames decide a good share of the records
    expect(framed / plain).toBeGreaterThan(0.3); // about 0.45 with the fixed seed
  });

  it('quotes at the edges of the kernel\'s window: the same answers as the walk alone', () => {
    const WINDOW = 1 << 20;
    const line = (fill: string, port: number) => `{"t":"2026-03-16T10:00:00Z","s":"${fill}","p":${port},"q":""}`;
    const want = expectedOf(line('x', 1));
    for (let d = -24; d <= 24; d++) {
      // a first line from byte 0 (the kernel's window starts there), then one that ends d bytes past the window's end
      const second = line('y'.repeat(20 + (d & 7)), 443);
      const firstLength = WINDOW + d - second.length - 1;
      const first = line('x'.repeat(firstLength - line('', 1).length), 1);
      const buf = Buffer.from(`${first}\n${second}\n${line('z', 8)}`);
      expect(first.length).toBe(firstLength);
      let start = 0;
      for (let k = 0; k < 3; k++) {
        const end = k < 2 ? buf.indexOf(10, start) : buf.length;
        // no `forget`: lines of one push, as the session scans them
        expect(scanBytes(buf, start, end, want, k === 0).ok).toBe(true);
        expect(withKernel.keys.framed).toBeDefined();
        start = end + 1;
      }
      // and the line cut anywhere near the edge: what the walk says
      for (let cut = WINDOW - 4; cut <= WINDOW + 4; cut++) scanBytes(buf, first.length + 1, cut, want, false);
    }
  });

  it('more quotes than the kernel keeps: the strings past them read byte by byte', () => {
    for (const strings of [8189, 8190, 9000]) {
      const text = `{"a":[${Array.from({ length: strings }, (_, k) => `"${k % 10}"`).join(',')}],"b":1}`;
      const quotes = 2 * strings + 4;
      expect(quotes <= ByteScanner.MAX_KEPT).toBe(strings === 8189);
      expect(scan(text).ok).toBe(true);
      expect(scan(`${text.slice(0, -6)}""${text.slice(-6)}`).ok).toBe(false);
    }
  });

  it('nesting beyond MAX_NESTING, or a backslash in a key outside arrays, is left to JSON.parse', () => {
    expect(scan(`${'{"a":'.repeat(MAX_NESTING)}1${'}'.repeat(MAX_NESTING)}`).ok).toBe(true);
    expect(scan(`${'{"a":'.repeat(MAX_NESTING + 1)}1${'}'.repeat(MAX_NESTING + 1)}`).ok).toBe(false);
    expect(scan('{"\\u0044stPort":443}').ok).toBe(false);
    expect(scan('{"a":[{"\\u0044":1}],"b":"\\u0044"}').ok).toBe(true);
  });

  it('no frame for a record with more than MAX_FRAME_HOLES scalars or MAX_FRAME_BYTES bytes between them', () => {
    const frameOfText = (text: string) => {
      const scanner = new JsonObjectScanner();
      expect(scanner.scan(Buffer.from(text), 0, text.length)).toBe(true);
      return frameOf(Buffer.from(text), 0, text.length, scanner.keys);
    };
    expect(frameOfText(`{"a":[${'1,'.repeat(MAX_FRAME_HOLES - 1)}1]}`)).toBeDefined();
    expect(frameOfText(`{"a":[${'1,'.repeat(MAX_FRAME_HOLES)}1]}`)).toBeUndefined();
    expect(frameOfText(`{"${'k'.repeat(MAX_FRAME_BYTES - 5)}":1}`)).toBeDefined();
    expect(frameOfText(`{"${'k'.repeat(MAX_FRAME_BYTES - 4)}":1}`)).toBeUndefined();
  });

  it('plainPortAt reads a plain integer port, nothing else', () => {
    const at = (v: string) => {
      const b = Buffer.from(`${v},`);
      return plainPortAt(b, 0, b.length - 1 + (v.endsWith('}') ? 0 : 1));
    };
    expect([at('104'), at('0'), at('65535'), at('65536'), at('104.0'), at('1e2'), at('1E2'), at('-1'), at('"104"'), at('123456')])
      .toEqual([104, 0, 65535, -1, -1, -1, -1, -1, -1, -1]);
  });
});

describe('document formats\' claimKeys: a document without them is NOT_MINE, whatever its values', () => {
  const ctx = { file: 'x', lineNo: 1, time: { tz: 'UTC', year: 2026 } };
  const samples = DOCUMENT_FORMATS.map((f) => JSON.parse(f.sample) as Record<string, unknown>);
  const entries = samples.flatMap((s) => Object.entries(s));
  const allKeys = [...new Set(entries.map(([k]) => k))];
  const allValues = entries.map(([, v]) => v);

  it('every format declares them, its sample holds one, and the sample without them is not its', () => {
    for (const [i, f] of DOCUMENT_FORMATS.entries()) {
      expect(f.claimKeys?.length, f.id).toBeGreaterThan(0);
      const sample = samples[i]!;
      expect(f.claimKeys!.some((k) => k in sample), f.id).toBe(true);
      expect(f.parse(sample, ctx), f.id).not.toBe(NOT_MINE);
      const stripped = Object.fromEntries(Object.entries(sample).filter(([k]) => !f.claimKeys!.includes(k)));
      expect(f.parse(stripped, ctx), f.id).toBe(NOT_MINE);
    }
  });

  it('random documents built from every sample\'s keys and values, claim keys left out', () => {
    const doc = fc.dictionary(
      fc.oneof(fc.constantFrom(...allKeys), fc.string({ maxLength: 6 })),
      fc.oneof(fc.constantFrom(...allValues), fc.jsonValue({ maxDepth: 2 })),
      { maxKeys: 20 },
    );
    fc.assert(fc.property(doc, (d) => {
      for (const f of DOCUMENT_FORMATS) {
        const without = Object.fromEntries(Object.entries(d).filter(([k]) => !f.claimKeys!.includes(k)));
        expect(f.parse(without, ctx), f.id).toBe(NOT_MINE);
      }
    }), { numRuns: 3000 });
  });
});

describe('a JSON record with more keys than are kept (2,000, nested ones counted)', () => {
  it('is RECORD_TOO_LONG, in parse and in scan, not a connection without the keys it holds further on', () => {
    const record = (padding: number, nested = false) => {
      const pad: Record<string, unknown> = {};
      for (let i = 0; i < padding; i++) pad[`k${i}`] = 'v';
      return JSON.stringify({ ...(nested ? { pad } : pad), TimeGenerated: '2026-03-16T10:00:00Z', SourceIP: '203.0.113.7', DestinationIP: '10.1.2.3', DestinationPort: 104 });
    };
    const outcomes = (text: string, prefilter: boolean) => {
      const parser = createRecordParser({ file: 'in.jsonl', tz: 'UTC', format: 'jsonl', ...(prefilter ? { prefilter: { dstPorts: new Set([104]) } } : {}) });
      return [...parser.push(Buffer.from(`${text}\n`)), ...parser.end()].map((o) => (o.kind === 'events' ? 'events' : o.code));
    };
    for (const prefilter of [false, true]) {
      expect(outcomes(record(1996), prefilter)).toEqual(['events']); // 2,000 keys
      expect(outcomes(record(1997), prefilter)).toEqual(['RECORD_TOO_LONG']);
      expect(outcomes(record(2000, true), prefilter)).toEqual(['RECORD_TOO_LONG']);
      expect(outcomes(record(1996, true), prefilter)).toEqual(['events']);
    }
  });
});
