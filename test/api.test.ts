// The README's library example, through the package's own `exports` (the built dist/, as users import it).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readRecords, type NetworkEvent } from '../src/index.js';
import { REFERENCE_RULE } from './helpers/reference.js';

/** Every event of a file, through the library's reader. */
async function eventsOf(file: string): Promise<NetworkEvent[]> {
  const out: NetworkEvent[] = [];
  for await (const batch of readRecords(file, { tz: 'UTC' })) for (const o of batch) if (o.kind === 'events') out.push(...o.events);
  return out;
}

describe('public API', () => {
  it('runs the README example: read a file, run the shipped rules, render KQL', async () => {
    const { readRecords, loadRules, createEngine, renderKqlRules, kqlTable } = await import('dicomwatch');
    const { plans } = await loadRules(REFERENCE_RULE, { ports: [104, 11112] }, { semantics: 'strict', internal: [] });
    const engine = createEngine(plans);
    for await (const batch of readRecords('fixtures/sentinel-export.csv', { tz: 'UTC' })) {
      for (const outcome of batch) if (outcome.kind === 'events') outcome.events.forEach((e) => engine.push(e));
    }
    const alerts = engine.end();
    expect(alerts[0]).toEqual({
      rule: 'dicom-external-access', time: '2026-03-16T10:00:00.000Z', srcIp: '203.0.113.7', dstIp: '10.1.2.3', count: 6,
      firstSeen: '2026-03-16T10:02:11.000Z', lastSeen: '2026-03-16T10:59:59.999Z', dstPorts: [104],
      actions: { allow: 1, deny: 5 }, severity: 'high', devices: ['fw01'],
    });
    // --ports 104,11112 brings in 203.0.113.9's two connections to 11112 (1104 and 10400 stay out).
    expect(alerts.find((a) => a.srcIp === '203.0.113.9')).toMatchObject({ count: 2, dstPorts: [11112] });
    expect(renderKqlRules(plans, kqlTable('NetworkEvent'))).toContain('let DICOMPorts = dynamic([104, 11112]);');
  });
});

describe('one hunt, two export shapes', () => {
  it('the az CLI JSON array of the fixture rows gives the same alerts as the portal CSV, in both semantics', async () => {
    const { loadRules, evaluate } = await import('dicomwatch');
    const [csv, json] = await Promise.all([eventsOf('fixtures/sentinel-export.csv'), eventsOf('fixtures/az-query.json')]);
    expect(json.map((e) => e.line)).toEqual(csv.map((_, i) => i + 1)); // array elements are numbered by index
    for (const semantics of ['strict', 'kql'] as const) {
      const { plans } = await loadRules(REFERENCE_RULE, {}, { semantics, internal: [] });
      const a = evaluate(plans, csv);
      expect(a.length).toBeGreaterThan(10);
      expect(evaluate(plans, json)).toEqual(a);
    }
  });
});

describe('gzip inputs', () => {
  it('a multi-member gzip (rotated logs concatenated) reads as one file', async () => {
    const text = readFileSync('fixtures/sentinel-export.csv');
    const cut = text.indexOf('\n', 2000) + 1;
    const dir = mkdtempSync(join(tmpdir(), 'dicomwatch-gz-'));
    try {
      const file = join(dir, 'rotated.csv.gz');
      writeFileSync(file, Buffer.concat([gzipSync(text.subarray(0, cut)), gzipSync(text.subarray(cut))]));
      const stream = readRecords(file, { tz: 'UTC' });
      const lines: number[] = [];
      for await (const batch of stream) for (const o of batch) lines.push(o.line);
      expect(stream.info.records).toBe(36);
      expect(lines.at(-1)).toBe(38); // the last record's physical line, across the member boundary
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('UTF-16 inputs', () => {
  it('UTF-16LE (PowerShell 5 `>`), UTF-16BE and gzipped UTF-16 give the same events as UTF-8', async () => {
    const withoutFile = async (file: string) => (await eventsOf(file)).map((e) => ({ ...e, file: '' }));
    const text = readFileSync('fixtures/az-query.json', 'utf8').replace(/\n/g, '\r\n');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le.subarray(0));
    be.swap16(); // FE FF, then big-endian code units
    const dir = mkdtempSync(join(tmpdir(), 'dicomwatch-u16-'));
    try {
      const files = { le: join(dir, 'le.json'), be: join(dir, 'be.json'), gz: join(dir, 'le.json.gz') };
      writeFileSync(files.le, le);
      writeFileSync(files.be, be);
      writeFileSync(files.gz, gzipSync(le));
      const want = await withoutFile('fixtures/az-query.json');
      expect(want).toHaveLength(36);
      for (const file of Object.values(files)) expect(await withoutFile(file)).toEqual(want);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
