// --output ocsf (OCSF 1.5.0 Detection Finding) and --output cef: structure against the OCSF schema subset in
// test/data/ocsf (source in its README), CEF escaping round-tripped through the repository's own CEF reader.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { Alert } from '../src/model/alert.js';
import type { QueryPlan } from '../src/rules/plan.js';
import { ALERT_OUTPUT_NAMES, ALERT_OUTPUTS, renderAlerts } from '../src/emit/alerts/index.js';
import { findingUid, ocsfFinding, OCSF_VERSION } from '../src/emit/alerts/ocsf.js';
import { cefExtensionValue, cefHeaderField, cefLine } from '../src/emit/alerts/cef.js';
import { parseCefExtension, splitHeader } from '../src/parsers/syslog/cef.js';
import { loadRules } from '../src/rules/load.js';
import { REFERENCE_RULE } from './helpers/reference.js';
import { cli } from './helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validateFinding = ajv.compile(
  JSON.parse(readFileSync(new URL('./data/ocsf/detection_finding-1.5.0.subset.schema.json', import.meta.url), 'utf8')) as object,
);

const ALERT: Alert = {
  rule: 'dicom-external-access',
  time: '2026-03-16T10:00:00.000Z',
  srcIp: '203.0.113.7',
  dstIp: '10.1.2.3',
  count: 12,
  firstSeen: '2026-03-16T10:15:02.000Z',
  lastSeen: '2026-03-16T10:59:59.999Z',
  dstPorts: [104],
  actions: { allow: 1, deny: 11 },
  severity: 'high',
  devices: ['fw01'],
};

async function plans(): Promise<QueryPlan[]> {
  return (await loadRules(REFERENCE_RULE, {}, { semantics: 'strict', internal: [] })).plans;
}

describe('OCSF Detection Finding', () => {
  it('valid against the class 2004 subset, with the promised mapping', async () => {
    const ps = await plans();
    const f = ocsfFinding(ALERT, ps);
    expect(validateFinding(f), JSON.stringify(validateFinding.errors)).toBe(true);
    expect(f).toMatchObject({
      class_uid: 2004, category_uid: 2, activity_id: 1, type_uid: 200401, severity_id: 4, severity: 'High',
      time: Date.parse(ALERT.lastSeen), start_time: Date.parse(ALERT.firstSeen), end_time: Date.parse(ALERT.lastSeen), count: 12,
      is_alert: true,
      metadata: { product: { name: 'dicomwatch', vendor_name: 'dicomwatch', version: pkg.version }, version: OCSF_VERSION },
      finding_info: {
        uid: findingUid(ALERT),
        title: ps[0]!.rule.title,
        types: ['dicom-external-access'],
        first_seen_time: Date.parse(ALERT.firstSeen),
        last_seen_time: Date.parse(ALERT.lastSeen),
        analytic: { name: 'dicom-external-access', uid: ps[0]!.rule.id, type_id: 1, type: 'Rule' },
      },
      evidences: [{ src_endpoint: { ip: '203.0.113.7' }, dst_endpoint: { ip: '10.1.2.3', port: 104 } }],
      observables: [
        { name: 'evidences.src_endpoint.ip', type_id: 2, type: 'IP Address', value: '203.0.113.7' },
        { name: 'evidences.dst_endpoint.ip', type_id: 2, type: 'IP Address', value: '10.1.2.3' },
      ],
      unmapped: { dicomwatch: { bucket: ALERT.time, dstPorts: [104], actions: { allow: 1, deny: 11 }, devices: ['fw01'] } },
    });
  });

  it.each([
    ['informational', 1], ['low', 2], ['medium', 3], ['high', 4], ['critical', 5],
  ] as const)('level %s → severity_id %d', (severity, id) => {
    const f = ocsfFinding({ ...ALERT, severity });
    expect(f.severity_id).toBe(id);
    expect(validateFinding(f)).toBe(true);
  });

  it('the uid is stable, and differs for another bucket, rule or group', () => {
    expect(findingUid({ ...ALERT })).toBe(findingUid(ALERT));
    expect(findingUid({ ...ALERT, count: 99, lastSeen: '2026-03-16T10:30:00.000Z' })).toBe(findingUid(ALERT));
    expect(new Set([
      findingUid(ALERT),
      findingUid({ ...ALERT, time: '2026-03-16T11:00:00.000Z' }),
      findingUid({ ...ALERT, rule: 'other' }),
      findingUid({ ...ALERT, srcIp: '203.0.113.8' }),
    ]).size).toBe(4);
  });

  it('IPv6, a null key, several ports and a value_count alert stay valid', () => {
    const alerts: Alert[] = [
      { ...ALERT, srcIp: '2001:db8::7', dstIp: 'fd00::10' },
      { ...ALERT, srcIp: null, dstPorts: [104, 11112] },
      { rule: 'scan', time: ALERT.time, srcIp: '198.51.100.1', count: 40, value: 12, aggregate: { kind: 'dcount', field: 'dstPort' }, firstSeen: ALERT.firstSeen, lastSeen: ALERT.lastSeen, dstPorts: [1, 2], actions: {}, severity: 'medium', devices: [] },
    ];
    for (const a of alerts) expect(validateFinding(ocsfFinding(a)), JSON.stringify(validateFinding.errors)).toBe(true);
    expect(ocsfFinding(alerts[1]!).evidences).toEqual([{ dst_endpoint: { ip: '10.1.2.3' } }]);
    expect((ocsfFinding(alerts[2]!).unmapped as { dicomwatch: object }).dicomwatch).toMatchObject({ value: 12, aggregate: { kind: 'dcount', field: 'dstPort' } });
  });

  it('the schema catches a misspelt attribute and a wrong class (the check can fail)', () => {
    expect(validateFinding({ ...ocsfFinding(ALERT), finding_infos: {} })).toBe(false);
    expect(validateFinding({ ...ocsfFinding(ALERT), class_uid: 2001 })).toBe(false);
    expect(validateFinding({ ...ocsfFinding(ALERT), time: '2026-03-16T10:59:59Z' })).toBe(false);
  });

  it('one JSON object per line through ALERT_OUTPUTS', () => {
    const text = renderAlerts([ALERT, { ...ALERT, srcIp: '203.0.113.9' }], 'ocsf');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(validateFinding(JSON.parse(l))).toBe(true);
    expect([...ALERT_OUTPUTS.ocsf([])]).toEqual([]);
  });

  it('a writer for each --output name (names.ts, what the command line offers), in its order', () => {
    expect(Object.keys(ALERT_OUTPUTS)).toEqual(ALERT_OUTPUT_NAMES);
  });
});

/** A CEF line read back with the repository's own reader: header fields and extension map. */
function readCef(line: string): { header: string[]; ext: Map<string, string> } {
  const head = splitHeader(line, 'CEF:'.length, 7);
  if (!('fields' in head)) throw new Error(`not a CEF header: ${line}`);
  return { header: head.fields, ext: parseCefExtension(line, head.end) };
}

describe('CEF', () => {
  it('header and standard keys', async () => {
    const ps = await plans();
    const line = cefLine(ALERT, ps);
    expect(line.startsWith(`CEF:0|dicomwatch|dicomwatch|${pkg.version}|${ps[0]!.rule.id}|${ps[0]!.rule.title}|8|`)).toBe(true);
    const { ext } = readCef(line);
    expect(Object.fromEntries(ext)).toMatchObject({
      src: '203.0.113.7', dst: '10.1.2.3', dpt: '104', cnt: '12',
      start: String(Date.parse(ALERT.firstSeen)), end: String(Date.parse(ALERT.lastSeen)), rt: String(Date.parse(ALERT.lastSeen)),
      cs1Label: 'Rule', cs1: 'dicom-external-access', cs2Label: 'Bucket', cs2: ALERT.time,
      cs3Label: 'Destination Ports', cs3: '104', cs4Label: 'Actions', cs4: 'allow:1 deny:11', cs5Label: 'Devices', cs5: 'fw01',
    });
  });

  it.each([
    ['informational', '1'], ['low', '3'], ['medium', '5'], ['high', '8'], ['critical', '10'],
  ] as const)('level %s → severity %s', (severity, expected) => {
    expect(readCef(cefLine({ ...ALERT, severity })).header[6]).toBe(expected);
  });

  const HOSTILE = [
    'pipe | in | title',
    'back\\slash\\',
    'equals = sign a=b',
    'new\nline and\r\ncarriage',
    'fake ext cs1=evil dst=1.2.3.4',
    '\\|\\=\\n literal escapes',
    'unicode ü 中文 😀 \u202e rtl',
    'ends with backslash \\',
  ];

  it.each(HOSTILE)('header escaping round-trips through the CEF reader: %j', (text) => {
    const plan = { rule: { name: ALERT.rule, id: `id ${text}`, title: text, level: 'high', file: 'x.yml' } } as unknown as QueryPlan;
    const { header } = readCef(cefLine(ALERT, [plan]));
    // a header cannot hold a line break: CR/LF are written as spaces
    const expected = text.replace(/\r\n|[\r\n]/g, ' ');
    expect(header.slice(0, 4)).toEqual(['0', 'dicomwatch', 'dicomwatch', pkg.version]);
    // splitHeader unescapes `\|` and `\\` (the only header escapes) itself
    expect(header[4]).toBe(`id ${expected}`);
    expect(header[5]).toBe(expected);
    expect(header[6]).toBe('8');
  });

  it.each(HOSTILE)('extension escaping round-trips through the CEF reader: %j', (text) => {
    const value = text.trim(); // the reader trims values (CEF values carry no meaningful edge blanks)
    const line = cefLine({ ...ALERT, rule: value, devices: [value] });
    const { ext } = readCef(line);
    expect(ext.get('cs1')).toBe(value);
    expect(ext.get('cs5')).toBe(value);
    expect(ext.get('dst')).toBe('10.1.2.3'); // a value never adds or replaces a key
    expect(ext.get('cnt')).toBe('12');
    expect(line.split('\n')).toHaveLength(1);
  });

  it('escaping rules, literally', () => {
    expect(cefHeaderField('a|b\\c\nd')).toBe('a\\|b\\\\c d');
    expect(cefExtensionValue('a=b\\c\nd\re|f')).toBe('a\\=b\\\\c\\nd\\re|f');
  });

  it('IPv6 addresses go to the labelled custom slots the CEF reader (and Sentinel) know', () => {
    const { ext } = readCef(cefLine({ ...ALERT, srcIp: '2001:db8::7', dstIp: 'fd00::10' }));
    expect(ext.get('src')).toBeUndefined();
    expect(ext.get('c6a2')).toBe('2001:db8::7');
    expect(ext.get('c6a2Label')).toBe('Source IPv6 Address');
    expect(ext.get('c6a3')).toBe('fd00::10');
    expect(ext.get('c6a3Label')).toBe('Destination IPv6 Address');
  });

  it('a scan --output cef line is read back by dicomwatch parse as the same connection', async () => {
    const scan = await cli(['scan', 'fixtures/sentinel-export.csv', '--output', 'cef', '-q']);
    expect(scan.code).toBe(0);
    const lines = scan.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    const parsed = await cli(['parse', '--format', 'auto', '-q', '-'], { input: `${lines.map((l) => `<134>Mar 16 10:00:00 dicomwatch ${l}`).join('\n')}\n` });
    expect(parsed.code).toBe(0);
    const events = parsed.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events).toHaveLength(lines.length);
    for (const [i, e] of events.entries()) {
      const { ext } = readCef(lines[i]!);
      expect(e.srcIp).toBe(ext.get('src') ?? ext.get('c6a2'));
      expect(e.dstIp).toBe(ext.get('dst') ?? ext.get('c6a3'));
      expect(e.dstPort).toBe(Number(ext.get('dpt')));
      expect(e.time).toBe(new Date(Number(ext.get('rt'))).toISOString());
      expect(e.vendor).toBe('dicomwatch');
    }
  });
});

describe('scan --output ocsf', () => {
  it('every line validates; titles and Sigma ids come from the rules', async () => {
    const run = await cli(['scan', 'fixtures/sentinel-export.csv', '--output', 'ocsf', '-q']);
    expect(run.code).toBe(0);
    const ps = await plans();
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) {
      const f = JSON.parse(l) as { finding_info: { title: string; analytic: { uid: string } } };
      expect(validateFinding(f), JSON.stringify(validateFinding.errors)).toBe(true);
      expect(f.finding_info.title).toBe(ps[0]!.rule.title);
      expect(f.finding_info.analytic.uid).toBe(ps[0]!.rule.id);
    }
  });
});
