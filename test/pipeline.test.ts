/**
 * Issue 8 point 7: the pipeline API (parse, scan, the scanner and its stream forms) and the runnable examples/,
 * which are run here as a user would run them (`node examples/x.mjs`, importing the built package by its name).
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createScanner, parse, scan, scannerTransform, scannerTransformStream } from '../src/pipeline.js';
import { DEFAULT_RULES_PATH, loadRules } from '../src/rules/load.js';
import { REFERENCE_RULE } from './helpers/reference.js';
import type { Alert } from '../src/model/alert.js';
import { ROOT, runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/sentinel-export.csv';
const run = promisify(execFile);

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

describe('parse(source): the same events from a path, bytes, a Node Readable or a WHATWG ReadableStream', () => {
  it('every source kind gives the same events and counters', async () => {
    const bytes = readFileSync(new URL(`../${FIXTURE}`, import.meta.url));
    const fromPath = parse(new URL(`../${FIXTURE}`, import.meta.url).pathname, { name: 'x' });
    const expected = await collect(fromPath);
    expect(expected).toHaveLength(36);
    const sources = [
      bytes,
      Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]),
      new Response(bytes).body!,
    ];
    for (const source of sources) {
      const events = parse(source, { name: 'x' });
      expect(await collect(events)).toEqual(expected);
      expect(events.info).toMatchObject({ records: 36, parsed: 36 });
    }
  });

  it('malformed records are counted and handed to onOutcome, never thrown; a whole-input problem is thrown after', async () => {
    const seen: string[] = [];
    const events = parse(readFileSync(new URL('../fixtures/malformed.csv', import.meta.url)), { onOutcome: (o) => void (o.kind === 'error' && seen.push(o.code)) });
    expect(await collect(events)).toHaveLength(4);
    expect(seen).toHaveLength(events.info.errors);
    await expect(collect(parse(Buffer.from('[{"TimeGenerated":"2026-03-16T10:00:00Z","SourceIP":"203.0.113.7","DestinationIP":"10.1.2.3"},')))).rejects.toThrow(/not closed/);
  });
});

describe('scan(sources): what the CLI does', () => {
  it('the same alerts and accounting as `dicomwatch scan`', async () => {
    const result = await scan(FIXTURE);
    const cli = await runCli(['scan', FIXTURE, '--output', 'jsonl'], { pack: true });
    expect(result.alerts.map((a) => JSON.stringify(a))).toEqual(cli.stdout.trimEnd().split('\n'));
    expect(cli.stderr).toContain(`${result.info.records} records read: ${result.info.parsed} parsed`);
    expect(result.engine.matched).toBe(24); // the pack: 104 and DICOM's other ports
  });

  it('options as the CLI has them; an input that breaks off is reported and the scan goes on', async () => {
    const kql = await scan([FIXTURE, Buffer.from('[{"a":')], { semantics: 'kql', ports: [104, 11112], prefilter: false });
    expect(kql.inputs.map((i) => [i.name, i.error?.message])).toEqual([[FIXTURE, undefined], ['input 2', expect.stringMatching(/not closed/)]]);
    expect(kql.alerts.some((a) => a.srcIp === '100.64.12.34')).toBe(true); // CGNAT is external in kql semantics
    // without `rules`, scan() runs the shipped pack, as the CLI does
    const { plans } = await loadRules(DEFAULT_RULES_PATH, {}, { semantics: 'strict', internal: [] });
    expect((await scan(FIXTURE, { rules: plans })).alerts).toEqual((await scan(FIXTURE)).alerts);
  });
});

describe('the scanner: push / advance / end, and as Node and WHATWG transforms', () => {
  const at = (iso: string, srcIp = '203.0.113.7') => ({ time: iso, srcIp, dstIp: '10.1.2.3', dstPort: 104, format: 't', file: 't', line: 1 });
  const events = [at('2026-03-16T10:02:00Z'), at('2026-03-16T10:50:00Z'), at('2026-03-16T11:06:00Z'), at('2026-03-16T11:10:00Z', '198.51.100.1')];

  it('with lateness, a bucket comes out once the stream has moved past it; end() gives the rest; none twice', async () => {
    const { plans } = await loadRules(REFERENCE_RULE, {}, { semantics: 'strict', internal: [] });
    const scanner = createScanner(plans, { lateness: 5 * 60_000 });
    const out = events.map((e) => scanner.push(e).map((a) => `${a.time} ${a.count}`));
    expect(out).toEqual([[], [], ['2026-03-16T10:00:00.000Z 2'], []]);
    expect(scanner.end().map((a) => `${a.srcIp} ${a.count}`)).toEqual(['198.51.100.1 1', '203.0.113.7 1']);
    // The watermark stays where the stream took it: an event for a bucket already emitted is late, never re-counted.
    expect(scanner.push(at('2026-03-16T10:30:00Z'))).toEqual([]);
    expect(scanner.info.late).toBe(1);
  });

  it('the Node Transform and the WHATWG TransformStream give what the scanner gives', async () => {
    const { plans } = await loadRules(REFERENCE_RULE, {}, { semantics: 'strict', internal: [] });
    const direct = createScanner(plans, { lateness: 60_000 });
    const expected = [...events.flatMap((e) => direct.push(e)), ...direct.end()];
    const node: Alert[] = [];
    await pipeline(Readable.from(events), scannerTransform(plans, { lateness: 60_000 }), async (alerts) => {
      for await (const a of alerts) node.push(a as Alert);
    });
    expect(node).toEqual(expected);
    const source = new ReadableStream({ start(c) { for (const e of events) c.enqueue(e); c.close(); } });
    expect(await collect(source.pipeThrough(scannerTransformStream(plans, { lateness: 60_000 })))).toEqual(expected);
  });
});

describe('examples/ run as a user runs them', () => {
  const example = async (name: string) => (await run(process.execPath, [`examples/${name}`], { cwd: ROOT })).stdout;

  it('scan-files.mjs', async () => {
    const out = await example('scan-files.mjs');
    // the shipped pack: the reference hunt plus alternate ports, exposed servers, outbound, scans
    expect(out).toContain('alerts: 19\n');
    expect(out).toMatch(/records: 49 = 42 parsed \+ 6 skipped \+ 1 malformed/);
  });

  it('parse-stream.mjs', async () => {
    expect(await example('parse-stream.mjs')).toBe('events to port 104: 30\nrecords: 36, parsed: 36, skipped: 0\n');
  });

  it('live-scanner.mjs', async () => {
    expect((await example('live-scanner.mjs')).split('\n').slice(0, 2)).toEqual([
      'alert 2026-03-16T10:00:00.000Z 203.0.113.7 count=2',
      'alert 2026-03-16T10:00:00.000Z 198.51.100.23 count=1',
    ]);
  });
});
