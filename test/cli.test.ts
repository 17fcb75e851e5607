/**
 * The built command line, end to end: `node dist/cli/main.js …` as a child process (TZ=UTC), every distinct
 * command run once (memoized, started together in beforeAll). Expected answers are derived BY HAND from the
 * fixtures' rows; line numbers below are physical lines of fixtures/sentinel-export.csv (header = line 1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants as zlibConstants, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, prefetch, ROOT, runCli, type CliResult } from './helpers/cli.js';
import { loadRules } from '../src/rules/load.js';

const FIXTURE = 'fixtures/sentinel-export.csv';
const MALFORMED = 'fixtures/malformed.csv';
const fixtureBytes = readFileSync(join(ROOT, FIXTURE));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

const TMP = mkdtempSync(join(tmpdir(), 'dicomwatch-cli-'));
const GZ = join(TMP, 'export.csv.gz');
const GZ_MISNAMED = join(TMP, 'misleading.csv'); // gzip bytes under a .csv name: detected by magic bytes
const NO_SOURCE = join(TMP, 'no-source.csv');
const TRUNCATED = join(TMP, 'truncated.csv.gz'); // a gzip cut short, as a log copied mid-rotation
const OUT_JSONL = join(TMP, 'alerts.jsonl');
const OUT_CSV = join(TMP, 'alerts.csv');
writeFileSync(GZ, gzipSync(fixtureBytes));
writeFileSync(GZ_MISNAMED, gzipSync(fixtureBytes));
writeFileSync(TRUNCATED, gzipSync(fixtureBytes).subarray(0, 700));
writeFileSync(
  NO_SOURCE,
  'When,Client,Server,DestinationPort\n' +
    '2026-03-16T10:15:00Z,203.0.113.7,10.1.2.3,104\n' +
    '2026-03-16T10:16:00Z,10.0.0.5,10.1.2.3,104\n' + // internal source
    '2026-03-16T10:17:00Z,203.0.113.7,10.1.2.3,443\n', // not DICOM
);
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const HEADER = 'SourceIP,DestinationIP,TimeGenerated,count_';

/** Rows and why; `order by count_ desc`, ties by bucket, then source, then destination (string order). */
const KQL_ROWS = [
  // lines 2, 3 (portal AM), 4 (Z), 5 (11:20+01:00 = 10:20Z), 6 (no zone; the [UTC] header says UTC),
  // 7 (10:59:59.999, the last ms of the 10:00 bucket)
  '203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,6',
  // lines 11, 12-13 (multi-line quoted note), 14 (UDP to 104 counts: the KQL does not test the protocol)
  '198.51.100.23,10.1.2.4,2026-03-16T11:00:00.000Z,3',
  // lines 8 (11:00:00.000, first ms of the 11:00 bucket), 9 (11:14:09.5Z)
  '203.0.113.7,10.1.2.3,2026-03-16T11:00:00.000Z,2',
  // line 19: 100.64/10 (CGNAT) is not RFC 1918, so ipv4_is_private() is false: external in kql mode
  '100.64.12.34,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  // line 20: loopback, likewise
  '127.0.0.1,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  // line 21: link-local, likewise
  '169.254.7.7,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  // line 22: just below 172.16/12
  '172.15.255.1,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  // line 23: just above 172.16/12
  '172.32.0.5,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  // line 25: just above 192.168/16
  '192.169.1.1,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  // line 10: 06:30-05:00 is 11:30Z
  '198.51.100.23,10.1.2.3,2026-03-16T11:00:00.000Z,1',
  // line 38: TEST-NET-1 is external; Reset
  '192.0.2.44,10.1.2.5,2026-03-16T12:00:00.000Z,1',
  // line 36: 12:06 PM
  '198.51.100.23,10.1.2.4,2026-03-16T12:00:00.000Z,1',
  // line 35: 12:05 PM is 12:05, not 00:05
  '203.0.113.7,10.1.2.3,2026-03-16T12:00:00.000Z,1',
  // line 37: UDP, source port 53, dropped: still a connection to 104 ("8" sorts after "2" as text)
  '8.8.4.4,10.1.2.3,2026-03-16T12:00:00.000Z,1',
  // Not here: 15-16 (IPv6: ipv4_is_private() is null, the row drops), 17-18 (::ffff: addresses are not IPv4
  // strings either), 24, 26, 27-28 (RFC 1918), 29-30 (replies FROM source port 104 to 51515/51517),
  // 31 (1104), 32-33 (11112), 34 (10400).
];

const STRICT_ROWS = [
  '203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,6', // as in kql mode
  '198.51.100.23,10.1.2.4,2026-03-16T11:00:00.000Z,3', // as in kql mode
  // lines 15 (upper-case, uncompressed: canonicalized) and 16, the same address: IPv6 is judged in strict mode
  '2001:db8:dead:beef::7,2001:db8:100::10,2026-03-16T10:00:00.000Z,2',
  '203.0.113.7,10.1.2.3,2026-03-16T11:00:00.000Z,2',
  '172.15.255.1,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  '172.32.0.5,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  '192.169.1.1,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  // line 17: IPv4-mapped, judged as 203.0.113.50: external (":" sorts after digits)
  '::ffff:203.0.113.50,10.1.2.3,2026-03-16T10:00:00.000Z,1',
  '198.51.100.23,10.1.2.3,2026-03-16T11:00:00.000Z,1',
  '192.0.2.44,10.1.2.5,2026-03-16T12:00:00.000Z,1',
  '198.51.100.23,10.1.2.4,2026-03-16T12:00:00.000Z,1',
  '203.0.113.7,10.1.2.3,2026-03-16T12:00:00.000Z,1',
  '8.8.4.4,10.1.2.3,2026-03-16T12:00:00.000Z,1',
  // Not here: 18 (::ffff:10.9.9.9 is 10.9.9.9), 19 (CGNAT), 20 (loopback), 21 (link-local): internal in strict
];

/** --ports 104,11112 adds lines 32-33 (11112); 31 (1104) and 34 (10400) still do not match. */
const PORTS_ROWS = [
  ...STRICT_ROWS.slice(0, 3),
  '203.0.113.9,10.1.2.3,2026-03-16T10:00:00.000Z,2', // count 2, 10:00, after "2001:…" and before 11:00
  ...STRICT_ROWS.slice(3),
];

/** --allow 203.0.113.0/24 removes 203.0.113.7 and the mapped ::ffff:203.0.113.50. */
const ALLOW_ROWS = STRICT_ROWS.filter((r) => !r.startsWith('203.0.113.') && !r.startsWith('::ffff:203.0.113.'));

const csv = (rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

const ALERT_KEYS = ['rule', 'time', 'srcIp', 'dstIp', 'count', 'firstSeen', 'lastSeen', 'dstPorts', 'actions', 'severity', 'devices'];
const EVENT_KEYS = ['time', 'srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol', 'action', 'bytes', 'packets', 'device', 'vendor', 'product', 'inInterface', 'outInterface', 'samplingInterval', 'format', 'file', 'line', 'packet'];

// Every command of the suite, started together (memoized: the tests below get the same results).
const run = {
  kqlCsv: () => cli(['scan', FIXTURE, '--output', 'csv', '--semantics', 'kql']),
  strictCsv: () => cli(['scan', FIXTURE, '--output', 'csv']),
  portsCsv: () => cli(['scan', FIXTURE, '--output', 'csv', '--ports', '104,11112']),
  allowCsv: () => cli(['scan', FIXTURE, '--output', 'csv', '--allow', '203.0.113.0/24']),
  noPrefilterCsv: () => cli(['scan', FIXTURE, '--output', 'csv', '--semantics', 'kql', '--no-prefilter']),
  stdinCsv: () => cli(['scan', '-', '--output', 'csv', '--semantics', 'kql'], { input: fixtureBytes }),
  gzCsv: () => cli(['scan', GZ, '--output', 'csv', '--semantics', 'kql']),
  gzMisnamedCsv: () => cli(['scan', GZ_MISNAMED, '--output', 'csv', '--semantics', 'kql']),
  gzStdinCsv: () => cli(['scan', '-', '--output', 'csv', '--semantics', 'kql'], { input: gzipSync(fixtureBytes) }),
  parse: () => cli(['parse', FIXTURE]),
  parseStdin: () => cli(['parse', '-'], { input: fixtureBytes }),
  jsonl: () => cli(['scan', FIXTURE, '--output', 'jsonl']),
  defaultOutput: () => cli(['scan', FIXTURE]),
  outJsonl: () => cli(['scan', FIXTURE, '--out', OUT_JSONL]),
  outCsv: () => cli(['scan', FIXTURE, '--out', OUT_CSV, '--semantics', 'kql']),
  quiet: () => cli(['scan', FIXTURE, '--quiet']),
  malformedScan: () => cli(['scan', MALFORMED, '--output', 'csv']),
  malformedParse: () => cli(['parse', MALFORMED]),
  malformedStrict: () => cli(['scan', MALFORMED, '--output', 'csv', '--strict-input']),
  missing: () => cli(['scan', 'fixtures/does-not-exist.csv']),
  ports0: () => cli(['scan', FIXTURE, '--ports', '0']),
  portsAbc: () => cli(['scan', FIXTURE, '--ports', 'abc']),
  internal33: () => cli(['scan', FIXTURE, '--internal', '10.0.0.0/33']),
  tzMars: () => cli(['scan', FIXTURE, '--tz', 'Mars/Olympus']),
  semanticsLoose: () => cli(['scan', FIXTURE, '--semantics', 'loose']),
  unknownCommand: () => cli(['frobnicate']),
  noSource: () => cli(['scan', NO_SOURCE, '--output', 'csv']),
  truncatedThenGood: () => cli(['scan', TRUNCATED, 'fixtures/sentinel-export.csv', '--output', 'csv', '--semantics', 'kql']),
  mapped: () => cli(['scan', NO_SOURCE, '--output', 'csv', '--map', 'srcIp=Client,dstIp=Server,time=When']),
  version: () => cli(['--version']),
  help: () => cli(['--help']),
  formats: () => cli(['formats']),
  kql: () => cli(['kql']),
  kqlKql: () => cli(['kql', '--semantics', 'kql']),
};

beforeAll(async () => {
  await prefetch(Object.values(run));
  // the pipe: `parse fixture | scan -`, fed with the memoized parse output
  const parsed = await run.parse();
  await Promise.all([
    cli(['scan', '-', '--output', 'csv', '--semantics', 'kql'], { input: parsed.stdout }),
    cli(['scan', '-', '--output', 'jsonl'], { input: parsed.stdout }),
  ]);
}, 60_000);

const pipedKql = async () => cli(['scan', '-', '--output', 'csv', '--semantics', 'kql'], { input: (await run.parse()).stdout });
const pipedJsonl = async () => cli(['scan', '-', '--output', 'jsonl'], { input: (await run.parse()).stdout });

function ok(r: CliResult): CliResult {
  expect(r.code, r.stderr).toBe(0);
  return r;
}

function jsonLines(text: string): Record<string, unknown>[] {
  expect(text.endsWith('\n')).toBe(true);
  return text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('scan: the answer derived by hand from the fixture', () => {
  it('--semantics kql is exactly the advisory KQL', async () => {
    expect(ok(await run.kqlCsv()).stdout).toBe(csv(KQL_ROWS));
  });

  it('strict (default): IPv6 and ::ffff:203.0.113.50 appear; CGNAT, loopback, link-local, ::ffff:10.x do not', async () => {
    expect(ok(await run.strictCsv()).stdout).toBe(csv(STRICT_ROWS));
  });

  it('--ports 104,11112 adds the 11112 rows', async () => {
    expect(ok(await run.portsCsv()).stdout).toBe(csv(PORTS_ROWS));
  });

  it('--allow 203.0.113.0/24 removes those sources, IPv4-mapped included', async () => {
    expect(ALLOW_ROWS).toHaveLength(STRICT_ROWS.length - 4);
    expect(ok(await run.allowCsv()).stdout).toBe(csv(ALLOW_ROWS));
  });

  it('--no-prefilter gives the same answer', async () => {
    expect(ok(await run.noPrefilterCsv()).stdout).toBe(csv(KQL_ROWS));
  });

  it('the csv header is exactly the columns the KQL returns', async () => {
    expect((await run.kqlCsv()).stdout.split('\n')[0]).toBe('SourceIP,DestinationIP,TimeGenerated,count_');
  });

  it('the summary on stderr accounts for every record', async () => {
    // 36 records (38 lines, one record spans 12-13); the pre-filter drops 29-34 (destination port not 104)
    expect((await run.strictCsv()).stderr).toBe(
      'dicomwatch: 1 file, 36 records read: 30 parsed (30 events), 6 skipped (filtered 6), 0 malformed, 22 events matched, 13 alerts\n',
    );
    expect((await run.kqlCsv()).stderr).toBe(
      'dicomwatch: 1 file, 36 records read: 30 parsed (30 events), 6 skipped (filtered 6), 0 malformed, 22 events matched, 14 alerts\n',
    );
  });
});

describe('scan: the same answer through every input path', () => {
  it('stdin (-)', async () => {
    expect(ok(await run.stdinCsv()).stdout).toBe(csv(KQL_ROWS));
  });

  it('a pipe named as a file (as `<(zcat …)` or a FIFO is): read from where it stands, not at positions', () => {
    // a real pipe from a shell (the test runner's own stdin pipes are sockets, which /dev/stdin cannot open)
    const stdout = execFileSync('sh', ['-c', 'cat fixtures/sentinel-export.csv | "$0" dist/cli/main.js scan /dev/stdin --rules rules/dicom-external-access.yml --output csv --semantics kql', process.execPath], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' }, encoding: 'utf8' });
    expect(stdout).toBe(csv(KQL_ROWS));
  });

  it('a gzip copy named .gz', async () => {
    expect(ok(await run.gzCsv()).stdout).toBe(csv(KQL_ROWS));
  });

  it('a gzip copy with a misleading .csv name (magic bytes decide)', async () => {
    expect(ok(await run.gzMisnamedCsv()).stdout).toBe(csv(KQL_ROWS));
  });

  it('gzip on stdin', async () => {
    expect(ok(await run.gzStdinCsv()).stdout).toBe(csv(KQL_ROWS));
  });

  it('parse fixture | scan -', async () => {
    const r = ok(await pipedKql());
    expect(r.stdout).toBe(csv(KQL_ROWS));
    // the events come back as JSON Lines, 36 of them; the pre-filter drops the same six as on the CSV
    expect(r.stderr).toBe('dicomwatch: 1 file, 36 records read: 30 parsed (30 events), 6 skipped (filtered 6), 0 malformed, 22 events matched, 14 alerts\n');
    expect((await pipedJsonl()).stdout).toBe((await run.jsonl()).stdout);
  });
});

describe('scan: alert JSON Lines', () => {
  it('every line has exactly the contract keys, in order', async () => {
    const alerts = jsonLines(ok(await run.jsonl()).stdout);
    expect(alerts).toHaveLength(STRICT_ROWS.length);
    for (const a of alerts) expect(Object.keys(a)).toEqual(ALERT_KEYS);
    expect(alerts.map((a) => `${a.srcIp},${a.dstIp},${a.time},${a.count}`)).toEqual(STRICT_ROWS);
  });

  it('concrete alerts: first/last seen, ports, actions, devices, severity', async () => {
    const alerts = jsonLines((await run.jsonl()).stdout);
    expect(alerts[0]).toEqual({
      rule: 'dicom-external-access',
      time: '2026-03-16T10:00:00.000Z',
      srcIp: '203.0.113.7',
      dstIp: '10.1.2.3',
      count: 6,
      firstSeen: '2026-03-16T10:02:11.000Z', // line 2
      lastSeen: '2026-03-16T10:59:59.999Z', // line 7
      dstPorts: [104],
      actions: { allow: 1, deny: 5 }, // line 4 is Allow
      severity: 'high',
      devices: ['fw01'],
    });
    expect(alerts[1]).toEqual({
      rule: 'dicom-external-access',
      time: '2026-03-16T11:00:00.000Z',
      srcIp: '198.51.100.23',
      dstIp: '10.1.2.4',
      count: 3,
      firstSeen: '2026-03-16T11:31:00.000Z',
      lastSeen: '2026-03-16T11:33:00.000Z',
      dstPorts: [104],
      actions: { allow: 1, deny: 2 },
      severity: 'high',
      devices: ['fw02, edge'], // a quoted field with a comma
    });
    expect(alerts[alerts.length - 1]).toMatchObject({ srcIp: '8.8.4.4', actions: { drop: 1 }, count: 1 });
    expect(alerts.find((a) => a.srcIp === '192.0.2.44')).toMatchObject({ actions: { reset: 1 }, dstIp: '10.1.2.5' });
  });

  it('the default output when stdout is not a terminal is jsonl', async () => {
    expect(ok(await run.defaultOutput()).stdout).toBe((await run.jsonl()).stdout);
  });

  it('--out FILE writes the file (format from its extension), nothing on stdout', async () => {
    const j = ok(await run.outJsonl());
    expect(j.stdout).toBe('');
    expect(readFileSync(OUT_JSONL, 'utf8')).toBe((await run.jsonl()).stdout);
    const c = ok(await run.outCsv());
    expect(c.stdout).toBe('');
    expect(readFileSync(OUT_CSV, 'utf8')).toBe(csv(KQL_ROWS));
  });

  it('--quiet prints nothing on stderr for a clean run', async () => {
    const r = await run.quiet();
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe((await run.jsonl()).stdout);
  });
});

describe('parse', () => {
  // every physical line from 2 to 38 starts a record, except 13 (the second line of the quoted note on 12)
  const LINES = [...Array.from({ length: 11 }, (_, i) => i + 2), ...Array.from({ length: 25 }, (_, i) => i + 14)];

  it('prints one event per record with the contract keys, in order', async () => {
    const r = ok(await run.parse());
    const events = jsonLines(r.stdout);
    expect(events).toHaveLength(36);
    for (const e of events) {
      const keys = Object.keys(e);
      expect(keys.filter((k) => EVENT_KEYS.includes(k))).toEqual(keys); // no other keys
      expect(keys).toEqual(EVENT_KEYS.filter((k) => keys.includes(k))); // contract order
      for (const k of ['time', 'srcIp', 'dstIp', 'format', 'file', 'line']) expect(keys).toContain(k);
      expect(e.file).toBe(FIXTURE);
      expect(e.format).toBe('csv');
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(events.map((e) => e.line)).toEqual(LINES);
    expect(r.stderr).toBe('dicomwatch: 1 file, 36 records read: 36 parsed (36 events), 0 skipped, 0 malformed\n');
  });

  it('the records around the multi-line quoted field, and normalized values', async () => {
    const events = jsonLines((await run.parse()).stdout);
    const at = (line: number) => events.find((e) => e.line === line);
    expect(at(12)).toMatchObject({ time: '2026-03-16T11:32:00.000Z', action: 'allow', srcPort: 40003 });
    expect(at(13)).toBeUndefined();
    expect(at(14)).toEqual({
      time: '2026-03-16T11:33:00.000Z',
      srcIp: '198.51.100.23',
      srcPort: 40004,
      dstIp: '10.1.2.4',
      dstPort: 104,
      protocol: 'udp',
      action: 'deny',
      device: 'fw02, edge',
      format: 'csv',
      file: FIXTURE,
      line: 14,
    });
    expect(at(15)).toMatchObject({ srcIp: '2001:db8:dead:beef::7', dstIp: '2001:db8:100::10' });
    expect(at(5)).toMatchObject({ time: '2026-03-16T10:20:00.000Z' }); // 11:20+01:00
    expect(at(9)).toMatchObject({ time: '2026-03-16T11:14:09.500Z' });
    expect(at(10)).toMatchObject({ time: '2026-03-16T11:30:00.000Z' }); // 06:30-05:00
    expect(at(35)).toMatchObject({ time: '2026-03-16T12:05:00.000Z' }); // 12:05 PM
    expect(at(38)).toMatchObject({ action: 'reset', line: 38 });
  });

  it('stdin is named -', async () => {
    const events = jsonLines(ok(await run.parseStdin()).stdout);
    expect(events.map((e) => e.file)).toEqual(Array(36).fill('-'));
    expect(events.map((e) => e.line)).toEqual(LINES);
  });
});

describe('malformed input', () => {
  // fixtures/malformed.csv: 2, 7, 8 good; 3 bad address; 4 bad port (70000); 5 bad time (month 13);
  // 6 one column short; 9 an unterminated quote at the very end of the file
  const CSV_GOOD = csv([
    '203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,2', // lines 2 and 7
    '198.51.100.23,10.1.2.4,2026-03-16T10:00:00.000Z,1', // line 8
  ]);

  function summary(stderr: string) {
    const m = /^dicomwatch: 1 file, (\d+) records read: (\d+) parsed \((\d+) events\), (\d+) skipped[^,]*, (\d+) malformed/m.exec(stderr);
    expect(m).not.toBeNull();
    const [read, parsed, , skipped, malformed] = m!.slice(1).map(Number) as [number, number, number, number, number];
    expect(read).toBe(parsed + skipped + malformed);
    return { read, parsed, skipped, malformed };
  }

  it('scan: exit 0, every bad record reported as file:line, the good rows still counted', async () => {
    const r = await run.malformedScan();
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(CSV_GOOD);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      'fixtures/malformed.csv:3: BAD_ADDRESS: SourceIP: not an IP address: "10.0.0.999"',
      // line 4 (port 70000): the pre-filter skips it (no "104" in the record) before its port is read
      'fixtures/malformed.csv:5: BAD_TIME: TimeGenerated: not a timestamp: "2026-13-16T10:00:04Z"',
      'fixtures/malformed.csv:6: MALFORMED: expected 8 columns, found 7',
      'fixtures/malformed.csv:9: MALFORMED: unterminated quoted field (at end of input)',
      'dicomwatch: 1 file, 8 records read: 3 parsed (3 events), 1 skipped (filtered 1), 4 malformed (bad address 1, bad time 1, malformed 2), 3 events matched, 2 alerts',
    ]);
    expect(summary(r.stderr)).toEqual({ read: 8, parsed: 3, skipped: 1, malformed: 4 });
  });

  it('parse (no pre-filter) keeps the row with the bad port, without the port, and counts it', async () => {
    const r = await run.malformedParse();
    expect(r.code).toBe(0);
    const events = jsonLines(r.stdout);
    expect(events.map((e) => e.line)).toEqual([2, 4, 7, 8]);
    expect(events[1]).not.toHaveProperty('dstPort'); // 70000 is not a port: an unusable optional value (issue 7)
    expect(r.stderr.match(/^fixtures\/malformed\.csv:(\d+): ([A-Z_]+):/gm)).toEqual([
      'fixtures/malformed.csv:3: BAD_ADDRESS:',
      'fixtures/malformed.csv:5: BAD_TIME:',
      'fixtures/malformed.csv:6: MALFORMED:',
      'fixtures/malformed.csv:9: MALFORMED:',
    ]);
    expect(summary(r.stderr)).toEqual({ read: 8, parsed: 4, skipped: 0, malformed: 4 });
    expect(r.stderr).toContain(', 1 unusable value left out (dstPort 1)\n');
  });

  it('--strict-input makes the first one fatal: exit 2, no alerts', async () => {
    const r = await run.malformedStrict();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('dicomwatch: fixtures/malformed.csv:3: BAD_ADDRESS: SourceIP: not an IP address: "10.0.0.999" (--strict-input)\n');
  });
});

describe('bad usage exits 2 with a message', () => {
  it.each<[keyof typeof run, RegExp]>([
    ['missing', /^dicomwatch: fixtures\/does-not-exist\.csv: cannot read \(ENOENT\)/],
    ['ports0', /--ports: '0' is not a port/],
    ['portsAbc', /--ports: 'abc' is not a port/],
    ['internal33', /--internal: '10\.0\.0\.0\/33' is not an IPv4 or IPv6 CIDR/],
    ['tzMars', /--tz: 'Mars\/Olympus' is not a time zone/],
    ['semanticsLoose', /semantics.*loose/s],
    ['unknownCommand', /frobnicate/],
  ])('%s', async (name, message) => {
    const r = await run[name]();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('--internal naming every address (a /0) is bad usage: no source could be external, the pack could never alert', async () => {
    for (const [cidr, family] of [['0.0.0.0/0', 'IPv4'], ['::/0', 'IPv6'], ['1.2.3.4/0', 'IPv4']] as const) {
      for (const command of [['scan', 'fixtures/sentinel-export.csv'], ['kql']]) {
        const r = await runCli([...command, '--internal', `10.20.0.0/16,${cidr}`]);
        expect(r.code, `${command[0]} ${cidr}`).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(new RegExp(`^dicomwatch: --internal: '[^']+' makes every ${family} address internal`));
      }
    }
    // the library says the same (a DicomwatchError BAD_OPTION naming `internal`)
    await expect(loadRules(join(ROOT, 'rules'), {}, { semantics: 'strict', internal: ['::/0'] })).rejects.toMatchObject({ code: 'BAD_OPTION', subject: 'internal' });
  });

  it('--placeholders FILE: its lists fill %NAME%; an empty list or a file that is no mapping is bad usage naming the file', async () => {
    const rule = join(TMP, 'trusted.yml');
    writeFileSync(rule, 'title: Trusted excluded\nname: ph_rule\nlogsource:\n    category: firewall\ndetection:\n    selection:\n        dst_port: 104\n' +
      "    trusted:\n        src_ip|expand|cidr: '%trusted%'\n    condition: selection and not trusted\nlevel: high\n");
    const good = join(TMP, 'trusted-ok.yml');
    writeFileSync(good, 'trusted:\n  - 203.0.113.0/24\n');
    const all = await runCli(['scan', FIXTURE, '--rules', rule, '--placeholder', 'trusted=192.0.2.0/24', '--output', 'jsonl']);
    const r = await runCli(['scan', FIXTURE, '--rules', rule, '--placeholders', good, '--output', 'jsonl']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/"srcIp":"203\.0\.113\./);
    expect(all.stdout).toMatch(/"srcIp":"203\.0\.113\./);
    const empty = join(TMP, 'trusted-empty.yml');
    writeFileSync(empty, 'trusted: []\n');
    const e = await runCli(['scan', FIXTURE, '--rules', rule, '--placeholders', empty]);
    expect(e.code).toBe(2);
    expect(e.stderr).toBe(`dicomwatch: --placeholders: ${empty}: 'trusted' needs one or more values (an empty list would make its rules match nothing)\n`);
    const list = join(TMP, 'trusted-list.yml');
    writeFileSync(list, '- 203.0.113.0/24\n');
    expect((await runCli(['scan', FIXTURE, '--rules', rule, '--placeholders', list])).stderr).toContain(`--placeholders: ${list}: expected a mapping`);
  });

  it('--allow naming every address (a /0) is bad usage too: no rule could ever alert', async () => {
    for (const [cidr, family] of [['0.0.0.0/0', 'IPv4'], ['::/0', 'IPv6']] as const) {
      const r = await runCli(['scan', 'fixtures/sentinel-export.csv', '--allow', `198.51.100.0/24,${cidr}`]);
      expect(r.code, cidr).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^dicomwatch: --allow: '[^']+' allows every ${family} source: no rule could ever alert`));
    }
    await expect(loadRules(join(ROOT, 'rules'), { allow: ['0.0.0.0/0'] }, { semantics: 'strict', internal: [] })).rejects.toMatchObject({ code: 'BAD_OPTION', subject: 'allow' });
  });

  it('a list option before the files takes one value, not the file names after it (repeat it, or separate with commas)', async () => {
    const after = await runCli(['scan', 'fixtures/sentinel-export.csv', '--internal', '10.20.0.0/16', '--allow', '198.51.100.0/24']);
    for (const args of [
      ['scan', '--internal', '10.20.0.0/16', '--allow', '198.51.100.0/24', 'fixtures/sentinel-export.csv'],
      ['scan', '--internal', '10.20.0.0/16', 'fixtures/sentinel-export.csv', '--allow', '198.51.100.0/24'],
    ]) {
      const before = await runCli(args);
      expect(before.code, args.join(' ')).toBe(after.code);
      expect(before.stdout).toBe(after.stdout);
      expect(before.stderr).toBe(after.stderr);
    }
  });

  it('--rules that cannot be read, or hold no rules, is bad usage', async () => {
    const missing = await runCli(['scan', 'fixtures/sentinel-export.csv', '--rules', join(TMP, 'no-rules-here')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^dicomwatch: --rules: cannot read .*no-rules-here \(ENOENT\)\n$/);
    const empty = await runCli(['kql', '--rules', join(ROOT, 'fixtures')]); // a directory without any *.yml
    expect(empty.code).toBe(2);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toMatch(/--rules: no Sigma rules in .*fixtures/);
  });

  it('an unwritable --out is bad usage, reported before any input is read', async () => {
    // (kql on NetworkEvent leaves out a rule of the pack with a warning: the --out error comes alone, before it)
    for (const command of [['scan', 'fixtures/sentinel-export.csv'], ['parse', 'fixtures/sentinel-export.csv'], ['kql'], ['kql', '--table', 'NetworkEvent', '--rules', 'rules'], ['sigma']]) {
      const r = await runCli([...command, '--out', join(TMP, 'no-such-dir', 'out.txt')]);
      expect(r.code, command.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^dicomwatch: --out: cannot write .*out\.txt \(ENOENT\)\n$/);
    }
  });

  it('a CSV without a source column names the field and suggests --map', async () => {
    const r = await run.noSource();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(`${HEADER}\n`); // the run finished (no other input): no rows
    expect(r.stderr).toContain(`${NO_SOURCE}: header: no column for`);
    expect(r.stderr).toMatch(/srcIp \(looked for srcip, sourceip/);
    expect(r.stderr).toContain('--map');
    expect(r.stderr).toContain('srcIp=YourColumn');
  });

  it('an input that breaks off (truncated gzip) is reported, what was read of it counts, the next file is read: exit 2', async () => {
    const r = await run.truncatedThenGood();
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`dicomwatch: ${TRUNCATED}: cannot read to the end: unexpected end of file`);
    expect(r.stderr).toMatch(/^dicomwatch: 2 files \(1 not read to the end\), (\d+) records read/m);
    const records = Number(/ (\d+) records read/.exec(r.stderr)![1]);
    expect(records).toBeGreaterThan(36); // the whole fixture plus the part of the truncated copy that decompressed
    expect(records).toBeLessThan(72);
    // 192.0.2.44 is on the fixture's last line, so it only comes from the complete file: counted once
    expect(r.stdout).toContain('192.0.2.44,10.1.2.5,2026-03-16T12:00:00.000Z,1\n');
    // 203.0.113.7's first rows are near the top, so the truncated copy adds to its 10:00 count
    expect(r.stdout).toContain('203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,12\n');
  });

  it('the line a truncated gzip breaks off in counts as the same bytes cut short in a plain file count', async () => {
    const plain = join(TMP, 'truncated-prefix.csv');
    writeFileSync(plain, gunzipSync(gzipSync(fixtureBytes).subarray(0, 700), { finishFlush: zlibConstants.Z_SYNC_FLUSH }));
    const counts = (stderr: string) => /(\d+ records read: .*)$/m.exec(stderr)?.[1];
    const cut = await runCli(['parse', TRUNCATED]);
    const whole = await runCli(['parse', plain]);
    expect(cut.code).toBe(2);
    expect(counts(cut.stderr)).toBeDefined();
    expect(counts(cut.stderr)).toBe(counts(whole.stderr));
    expect(cut.stdout).toBe(whole.stdout.replaceAll(plain, TRUNCATED));
  });

  it('an option of one value given twice keeps the last (a saved set of options can be appended to); repeatable ones collect', async () => {
    const once = await runCli(['scan', FIXTURE, '--output', 'jsonl', '--tz', 'Europe/Berlin', '--threads', '3']);
    const twice = await runCli(['scan', FIXTURE, '--output', 'csv', '--output', 'jsonl', '--tz', 'UTC', '--tz', 'Europe/Berlin', '--threads', '2', '--threads', '3']);
    expect(once.code).toBe(0);
    expect(twice).toEqual(once);
    // --allow collects: both networks are allowed
    const both = await runCli(['scan', FIXTURE, '--output', 'csv', '--allow', '203.0.113.0/24', '--allow', '198.51.100.0/24']);
    expect(both.code).toBe(0);
    expect(both.stdout).not.toMatch(/^(203\.0\.113|198\.51\.100)\./m);
    expect(both.stdout).toMatch(/^2001:db8:dead:beef::7,/m);
    // --ports collects too: `--ports 104 --ports 11112` is `--ports 104,11112`
    const ports = await runCli(['scan', FIXTURE, '--output', 'csv', '--ports', '104', '--ports', '11112']);
    expect(ports.code).toBe(0);
    expect(ports.stdout).toBe(csv(PORTS_ROWS));
  });

  it('a bug is said to be one, with its stack, exit 70 (never 1, findings, or 2, usage), and --out is left as it was', async () => {
    const out = join(TMP, 'kept.csv');
    writeFileSync(out, 'old\n');
    // a JSON.stringify that throws stands for any bug on the way
    const r = await runCli(['scan', FIXTURE, '--output', 'jsonl', '--out', out], { nodeArgs: ['--import', 'data:text/javascript,JSON.stringify=()=>{throw new TypeError("boom")}'] });
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/^dicomwatch: internal error \(a bug in dicomwatch [^;]+; please report it with the command line\):\nTypeError: boom\n {4}at /);
    expect(r.stderr.length).toBeLessThan(4000); // the stack, not Node's quote of the bundle's one long line
    expect(readFileSync(out, 'utf8')).toBe('old\n');
  });

  it('a file of bytes but no record is said to be one; a file that stopped at an unknown first line says only why', async () => {
    const blank = join(TMP, 'blank.log');
    const unknown = join(TMP, 'unknown.log');
    writeFileSync(blank, '\n\n\n');
    writeFileSync(unknown, 'hello, this is no log\n');
    const r = await runCli(['scan', blank, unknown, '--output', 'csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${blank}: no record in its 3 bytes\n`);
    expect(r.stderr).toContain(`dicomwatch: ${unknown}: unrecognised format (line 1: "hello, this is no log")`);
    expect(r.stderr).not.toContain(`${unknown}: no record`);
    // read as a --format that found nothing, a file that stopped still gets the hint to check the format
    const forced = await runCli(['scan', unknown, '--format', 'csv', '--output', 'csv']);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toContain(`${unknown}: no record was found in its 22 bytes: is it csv?`);
  });

  it('a NetFlow file broken at its first packet says so once as MALFORMED and once why it stopped, no format hint after it', async () => {
    const bad = join(TMP, 'bad.dat');
    const bytes = readFileSync('fixtures/netflow/ipfix.dat');
    bytes.writeUInt16BE(0, 2); // message length 0
    writeFileSync(bad, bytes);
    const r = await runCli(['scan', bad, '--format', 'netflow', '--output', 'csv']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad}:1: MALFORMED: packet 1: IPFIX message length 0\n`);
    expect(r.stderr).toContain(`dicomwatch: ${bad}: the export packets break off at packet 1: IPFIX message length 0\n`);
    expect(r.stderr).not.toContain('none of its');
    expect(r.stderr).toMatch(/1 records read: .* 1 malformed/);
  });

  it('a port column that is bound but holds unusable values: counted as unusable, no --map hint (the column is mapped)', async () => {
    const file = join(TMP, 'bad-port-values.csv');
    writeFileSync(file, 'TimeGenerated,SourceIP,DestinationIP,DestinationPort\n2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,abc\n2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,104\n');
    const r = await runCli(['scan', file, '--no-prefilter', '--output', 'csv']);
    expect(r.stderr).toContain('1 unusable value left out (dstPort 1)');
    expect(r.stderr).toContain('1 events had no destination port\n');
    expect(r.stderr).not.toContain('--map');
  });

  it('a log without a recognized port column says so in the summary instead of passing for a quiet network', async () => {
    const file = join(TMP, 'no-port-column.csv');
    writeFileSync(file, 'time,src,dst,Port\n2026-03-16T10:00:00Z,203.0.113.7,10.0.0.1,104\n');
    const plain = await runCli(['scan', file, '--output', 'csv']);
    expect(plain.stdout).toBe(`${HEADER}\n`);
    expect(plain.stderr).toContain('0 alerts, 1 events had no destination port (use --map dstPort=Column if the log has one)');
    const mapped = await runCli(['scan', file, '--output', 'csv', '--map', 'dstPort=Port']);
    expect(mapped.stdout).toBe(csv(['203.0.113.7,10.0.0.1,2026-03-16T10:00:00.000Z,1']));
    expect(mapped.stderr).not.toContain('no destination port');
  });

  it('the count of events without a destination port says what it counts: scan leaves out the records it filtered', async () => {
    // Rows with an empty port cell: the pre-filter skips one whose text cannot hold port 104 (FILTERED, never an
    // event); --no-prefilter reads it into an event without a port. Each summary says which records it counted.
    // (The DestinationPort column is bound, so no --map hint: its cells are empty, the column is not missing.)
    const file = join(TMP, 'empty-ports.csv');
    writeFileSync(file, 'TimeGenerated,SourceIP,DestinationIP,DestinationPort,Protocol\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,,TCP\n2026-03-16T10:00:01Z,203.0.113.7,10.1.2.3,443,TCP\n' +
      '2026-03-16T10:00:02Z,203.0.113.104,10.1.2.3,,TCP\n2026-03-16T10:00:03Z,203.0.113.7,10.1.2.3,,ICMP\n');
    const scan = await runCli(['scan', file, '--output', 'csv']);
    expect(scan.stderr).toBe('dicomwatch: 1 file, 4 records read: 1 parsed (1 events), 3 skipped (filtered 3), 0 malformed, 0 events matched, 0 alerts, ' +
      '1 events had no destination port (not counting filtered records)\n');
    const all = await runCli(['scan', file, '--output', 'csv', '--no-prefilter']);
    expect(all.stderr).toBe('dicomwatch: 1 file, 4 records read: 4 parsed (4 events), 0 skipped, 0 malformed, 0 events matched, 0 alerts, ' +
      '2 events had no destination port\n');
  });

  it('a concatenated export (cat a.csv a.csv, each with its BOM): the second header is one record not a connection, in scan and parse alike', async () => {
    const file = join(TMP, 'twice.csv');
    writeFileSync(file, Buffer.concat([fixtureBytes, fixtureBytes]));
    const scan = await runCli(['scan', file, '--output', 'csv']);
    const parse = await runCli(['parse', file]);
    const all = await runCli(['scan', file, '--output', 'csv', '--no-prefilter']);
    expect(scan.stderr).toContain('73 records read: 60 parsed (60 events), 13 skipped (filtered 12, not a connection 1), 0 malformed');
    expect(parse.stderr).toContain('73 records read: 72 parsed (72 events), 1 skipped (not a connection 1), 0 malformed');
    expect(all.stderr).toContain('73 records read: 72 parsed (72 events), 1 skipped (not a connection 1), 0 malformed');
    expect(all.stdout).toBe(scan.stdout);
  });

  it('--map srcIp=Client,dstIp=Server,time=When reads that CSV', async () => {
    const r = ok(await run.mapped());
    expect(r.stdout).toBe(csv(['203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,1']));
    expect(r.stderr).toBe('dicomwatch: 1 file, 3 records read: 2 parsed (2 events), 1 skipped (filtered 1), 0 malformed, 1 events matched, 1 alerts\n');
  });
});

describe('the other commands', () => {
  it('--version prints package.json\'s version', async () => {
    const r = ok(await run.version());
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('--help lists the commands', async () => {
    const r = ok(await run.help());
    for (const c of ['scan [files..]', 'parse [files..]', 'kql', 'sigma', 'formats', 'check <rules..>']) {
      expect(r.stdout).toContain(`dicomwatch ${c}`);
    }
  });

  it('formats lists csv and jsonl', async () => {
    const r = ok(await run.formats());
    const ids = r.stdout.split('\n').filter((l) => /^\S/.test(l)).map((l) => l.split(/\s+/)[0]);
    expect(ids).toContain('csv');
    expect(ids).toContain('jsonl');
  });

  it('a directory given as input is bad usage before any output (no CSV header first)', async () => {
    const r = await runCli(['scan', 'fixtures/syslog', '--output', 'csv']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('dicomwatch: fixtures/syslog: is a directory (name its files, e.g. fixtures/syslog/*.log)\n');
  });

  it('a file none of whose records is read as a connection gets a note; it asks about the format only when --format named one', async () => {
    const ssh = join(TMP, 'ssh.log');
    writeFileSync(ssh, 'Mar 16 10:20:44 edge01 sshd[2211]: Accepted publickey\nMar 16 10:20:45 edge01 sshd[2211]: Accepted publickey\n');
    const detected = await runCli(['scan', ssh, '--year', '2026']);
    expect(detected.code).toBe(0);
    expect(detected.stderr).toContain(`${ssh}: none of its 2 records was read as a connection (2 of no format known here)\n`);
    const forced = await runCli(['scan', FIXTURE, '--format', 'syslog']);
    expect(forced.code).toBe(0);
    expect(forced.stderr).toContain(': is it syslog? Without --format the format is detected');
  });

  it('formats lists each vendor message under syslog and each JSON document under json, the vendor named once', async () => {
    const lines = ok(await run.formats()).stdout.split('\n').filter((l) => /^\S|^  \S/.test(l));
    // the nearest file-level format above each indented entry
    const parentOf = new Map<string, string>();
    let parent = '';
    for (const l of lines) {
      if (/^\S/.test(l)) parent = l.split(/\s+/)[0]!;
      else parentOf.set(l.trim().split(/\s+/)[0]!, parent);
    }
    for (const id of ['iptables', 'panos', 'cef', 'meraki']) expect(parentOf.get(id), id).toBe('syslog');
    for (const id of ['azure-nsg', 'gcp-vpc', 'suricata']) expect(parentOf.get(id), id).toBe('json');
    expect(lines.find((l) => l.startsWith('  zeek '))).toMatch(/^  zeek +Zeek conn\.log as JSON/);
    expect(lines.find((l) => l.startsWith('  nfdump '))).toMatch(/^  nfdump +nfdump -o json/);
    expect(lines.find((l) => l.startsWith('  azure-nsg '))).toMatch(/^  azure-nsg +Azure Network Watcher NSG flow logs/);
    // a description that does not name the vendor keeps the vendor and product in front
    expect(lines.find((l) => l.startsWith('  windows-security '))).toMatch(/^  windows-security +Microsoft Windows Filtering Platform: Security events/);
  });

  it('kql and kql --semantics kql print a query that starts with let', async () => {
    for (const r of [ok(await run.kql()), ok(await run.kqlKql())]) {
      // leading `//` lines are comments naming the rule; the query itself starts with its lets
      const query = r.stdout.replace(/^(\/\/[^\n]*\n|\s*\n)*/, '');
      expect(query).toMatch(/^let DICOMPort = 104;\n/);
    }
    expect((await run.kqlKql()).stdout).toContain('| summarize count() by SourceIP, DestinationIP, bin(TimeGenerated, 1h)');
    // strict groups addresses by a canonical key (one group per IPv6 address, however spelled), same output columns
    expect((await run.kql()).stdout).toContain('by SourceIPKey, DestinationIPKey, bin(TimeGenerated, 1h)\n| project SourceIP, DestinationIP, TimeGenerated, count_\n');
    expect((await run.kqlKql()).stdout).toContain('\n| where ipv4_is_private(SourceIP) == false\n');
    expect((await run.kql()).stdout).not.toContain('ipv4_is_private');
  });
});
