/**
 * Issue 15: `scan --threads N` gives the answer, the order and the accounting of one thread, messages included:
 * on every splittable fixture, on generated files with malformed rows (renumbered errors), and where a split is
 * unsound (a quoted CSV record across a cut, a VPC header further down) or not allowed (syslog with --year, gzip,
 * stdin), where the file is read by one thread. DICOMWATCH_THREADS_MIN_BYTES=0 makes every file large enough.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadRules } from '../src/rules/load.js';
import type { QueryPlan } from '../src/rules/plan.js';
import { ROOT, runCli } from './helpers/cli.js';
import { REFERENCE_RULE } from './helpers/reference.js';

const SPLIT = { DICOMWATCH_THREADS_MIN_BYTES: '0' };
let dir: string;
let plans: QueryPlan[];
// the built module: its workers run dist/cli/scan-worker.js (npm test builds first)
const { scanThreaded } = (await import(new URL('../dist/cli/threads.js', import.meta.url).href)) as typeof import('../src/cli/threads.js');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dicomwatch-threads-'));
  plans = (await loadRules(REFERENCE_RULE, {}, { semantics: 'strict', internal: [] })).plans;
});

/** scan with 1 and with n threads: the same stdout, stderr and exit status. */
async function expectSameAnswer(file: string, extra: string[] = [], n = 3) {
  const args = ['scan', file, '--output', 'jsonl', '--tz', 'UTC', ...extra];
  const one = await runCli([...args, '--threads', '1'], { env: SPLIT });
  const many = await runCli([...args, '--threads', String(n)], { env: SPLIT });
  expect(one.code).toBe(0);
  expect({ code: many.code, stdout: many.stdout, stderr: many.stderr }).toEqual({ code: one.code, stdout: one.stdout, stderr: one.stderr });
  return one;
}

function rows(n: number, bad: (i: number) => string | undefined): string {
  const out = ['TimeGenerated,SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceAction'];
  for (let i = 0; i < n; i++) {
    out.push(bad(i) ?? `2026-03-16T${String(10 + (i % 3)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}:00Z,203.0.113.${i % 50},${40000 + i},10.1.2.${i % 7},${i % 5 === 0 ? 104 : 443},TCP,Deny`);
  }
  return `${out.join('\n')}\n`;
}

describe('scan --threads: one thread\'s answer, order and accounting', () => {
  it('the repository\'s splittable fixtures', async () => {
    for (const f of ['fixtures/sentinel-export.csv', 'fixtures/flows/aws-vpc.log', 'fixtures/syslog/mixed.log', 'fixtures/iptables.log']) {
      await expectSameAnswer(join(ROOT, f), f.includes('syslog') || f.includes('iptables') ? [] : []);
    }
  });
  it('a generated CSV with malformed rows across every cut: the errors renumbered to the file\'s lines', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(file, rows(3000, (i) => (i % 97 === 3 ? `2026-03-16T10:00:00Z,999.1.1.1,1,10.1.2.3,104,TCP,Deny` : i % 131 === 7 ? 'too,few' : undefined)));
    const one = await expectSameAnswer(file);
    expect(one.stderr).toMatch(/bad\.csv:\d+: MALFORMED: expected 7 columns, found 2/);
    expect(one.stdout.trim().split('\n').length).toBeGreaterThan(10);
  });
  it('messages that name a line name the file\'s line, not the shard\'s ("line N is a row of its own")', async () => {
    // An open quote followed by a clean row, in every shard of 2 and 3: the record is abandoned at once (never
    // open across a cut), and its message names the clean row's line.
    const file = join(dir, 'open-quotes.csv');
    const opens = new Set([300, 700, 1100, 1500, 1900]);
    writeFileSync(file, rows(2000, (i) => (opens.has(i) ? '2026-03-16T10:00:00Z,203.0.113.1,1,10.1.2.3,104,TCP,"Deny,more' : undefined)));
    for (const n of [2, 3]) {
      const split = await scanThreaded(file, { threads: n, minBytes: 0, plans, read: { tz: 'UTC' }, maxErrors: 50 });
      expect(split?.snapshots).toHaveLength(n);
      // rows(…)'s row i is line i + 2: the row after an open quote is line i + 3
      expect(split!.errors).toEqual([...opens].map((i) => ({ line: i + 2, code: 'MALFORMED', message: `unterminated quoted field (line ${i + 3} is a row of its own)` })));
      expect(split!.info.lines).toBe(2001);
      const one = await expectSameAnswer(file, [], n);
      expect(one.stderr).toContain(`open-quotes.csv:1902: MALFORMED: unterminated quoted field (line 1903 is a row of its own)`);
    }
  });
  it('more errors than are printed: the same first 50 and the same "more" line', async () => {
    const file = join(dir, 'many-bad.csv');
    writeFileSync(file, rows(2000, (i) => (i % 3 === 0 ? 'x' : undefined)));
    const one = await expectSameAnswer(file);
    expect(one.stderr).toContain('more malformed records; only counted from here on');
  });
  it('JSON Lines, AWS VPC (header on line 1) and syslog without --year are split', async () => {
    const jsonl = join(dir, 'a.jsonl');
    writeFileSync(jsonl, Array.from({ length: 2000 }, (_, i) => JSON.stringify({ TimeGenerated: `2026-03-16T10:${String(i % 60).padStart(2, '0')}:00Z`, SourceIP: `198.51.100.${i % 9}`, DestinationIP: '10.1.2.3', DestinationPort: i % 4 === 0 ? 104 : 80 })).join('\n') + '\n{broken\n');
    await expectSameAnswer(jsonl);
    const vpc = join(dir, 'a.vpc.log');
    writeFileSync(vpc, ['version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status',
      ...Array.from({ length: 2000 }, (_, i) => `2 203.0.113.${i % 30} 10.1.2.3 5000 ${i % 3 === 0 ? 104 : 22} 6 1 60 ${1773655200 + i} ${1773655260 + i} REJECT OK`)].join('\n') + '\n');
    await expectSameAnswer(vpc);
    const syslog = join(dir, 'a.log');
    const line = readFileSync(join(ROOT, 'fixtures/iptables.log'), 'utf8').split('\n')[0]!;
    writeFileSync(syslog, `${Array.from({ length: 2000 }, () => line).join('\n')}\n`);
    await expectSameAnswer(syslog);
  });
  it('JSON Lines whose key sets change along the file: the same "columns" line (key sets from every range, each once)', async () => {
    const sets = [
      (i: number) => ({ TimeGenerated: '2026-03-16T10:00:00Z', SourceIP: `203.0.113.${i % 9}`, DestinationIP: '10.1.2.3', DestinationPort: 104 }),
      (i: number) => ({ timestamp: '2026-03-16T10:00:00Z', src: `203.0.113.${i % 9}`, src_ip: `203.0.113.${i % 9}`, dst: '10.1.2.3', dst_port: 104 }),
      (i: number) => ({ '@timestamp': '2026-03-16T10:00:00Z', source: { ip: `198.51.100.${i % 9}` }, destination: { ip: '10.1.2.3', port: 104 } }),
    ];
    const jsonl = join(dir, 'sets.jsonl');
    // the first third one key set, the rest all three in turn: each range sees other sets first
    writeFileSync(jsonl, Array.from({ length: 3000 }, (_, i) => JSON.stringify(sets[i < 1000 ? 0 : i % 3]!(i))).join('\n') + '\n');
    const one = await expectSameAnswer(jsonl);
    expect(one.stderr).toContain('key sets shown');
  });

  it('the split is really made (a file of 2,000 rows on 3 threads), and undone where it would be unsound', async () => {
    const read = { tz: 'UTC' };
    const base = { threads: 3, minBytes: 0, plans, read, maxErrors: 50, portProtocols: ['tcp', 'udp'] };
    const csv = join(dir, 'split.csv');
    writeFileSync(csv, rows(2000, () => undefined));
    expect((await scanThreaded(csv, base))?.snapshots).toHaveLength(3);
    // a quoted field holding newlines across every cut: read by one thread
    const lines = rows(2000, () => undefined).split('\n');
    // (the record spans the middle of the file, where two threads cut it)
    const quoted = `${lines[0]}\n${lines.slice(1, 1000).join('\n')}\n2026-03-16T10:00:00Z,203.0.113.1,1,10.1.2.3,104,TCP,"deny\n${`${'x'.repeat(30_000)}\n`.repeat(4)}"\n${lines.slice(1000).join('\n')}`;
    const q = join(dir, 'quoted.csv');
    writeFileSync(q, quoted);
    expect(await scanThreaded(q, { ...base, threads: 2 })).toBeUndefined();
    await expectSameAnswer(q, [], 2);
    // a VPC header further down changes the layout of the lines after it: read by one thread
    const vpc = join(dir, 'two-headers.vpc.log');
    const rec = (i: number) => `2 203.0.113.${i % 30} 10.1.2.3 5000 ${i % 3 === 0 ? 104 : 22} 6 1 60 1773655200 1773655260 REJECT OK`;
    writeFileSync(vpc, ['version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status', ...Array.from({ length: 1500 }, (_, i) => rec(i)),
      'version dstaddr srcaddr srcport dstport protocol packets bytes start end action log-status', ...Array.from({ length: 1500 }, (_, i) => rec(i))].join('\n') + '\n');
    expect(await scanThreaded(vpc, base)).toBeUndefined();
    await expectSameAnswer(vpc);
    // syslog with --year (New Year moves the year on line by line), gzip, stdin: one thread
    const syslog = join(dir, 'y.log');
    writeFileSync(syslog, `${Array.from({ length: 2000 }, () => readFileSync(join(ROOT, 'fixtures/iptables.log'), 'utf8').split('\n')[0]).join('\n')}\n`);
    expect(await scanThreaded(syslog, { ...base, read: { ...read, year: 2026 } })).toBeUndefined();
    const gz = join(dir, 'split.csv.gz');
    writeFileSync(gz, gzipSync(readFileSync(csv)));
    expect(await scanThreaded(gz, base)).toBeUndefined();
    expect(await scanThreaded('-', base)).toBeUndefined();
  });
  it('a quoted record open across a cut whose lines read alone are good rows: undone, never an invented alert', async () => {
    // The note's first line, read alone with its quote taken literally, is a good row; its second looks like a row
    // with port 104. Wherever the cut falls inside it, the answer is one thread's (0 alerts here).
    for (const at of [20, 40, 60, 80]) {
      const filler = (i: number) => `2026-03-16T10:${String(i % 60).padStart(2, '0')}:00Z,198.51.100.${i % 250},10.1.2.3,443,filler`;
      const lines = ['TimeGenerated,SourceIP,DestinationIP,DestinationPort,Note'];
      for (let i = 0; i < 100; i++) {
        if (i === at) lines.push(`2026-03-16T10:30:00Z,198.51.100.50,10.1.2.3,443,"${'n'.repeat(3000)}`, '2026-03-16T10:31:00Z,203.0.113.77,10.1.2.9,104,""quoted""', 'end of note"');
        lines.push(filler(i));
      }
      const file = join(dir, `open-quote-${at}.csv`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      for (const n of [2, 3]) expect((await expectSameAnswer(file, [], n)).stdout).toBe('');
    }
  });
  it('a DICOMWATCH_THREADS_MIN_BYTES that is not a byte count is bad usage naming the variable, before any input is read', async () => {
    for (const bad of ['abc', '-5', '1.5', '0x10', '1e9', ' ']) {
      const r = await runCli(['scan', join(ROOT, 'fixtures/sentinel-export.csv'), '--output', 'jsonl'], { env: { DICOMWATCH_THREADS_MIN_BYTES: bad } });
      expect({ bad, code: r.code, stdout: r.stdout }).toEqual({ bad, code: 2, stdout: '' });
      expect(r.stderr).toBe(`dicomwatch: DICOMWATCH_THREADS_MIN_BYTES: '${bad}' is not a number of bytes (a whole number in decimal digits, e.g. 0 or 1073741824)\n`);
    }
    // empty is unset (the 1 GiB default); digits are bytes
    for (const good of ['', '0', '1073741824']) {
      const r = await runCli(['scan', join(ROOT, 'fixtures/sentinel-export.csv'), '--output', 'jsonl', '--threads', '2'], { env: { DICOMWATCH_THREADS_MIN_BYTES: good } });
      expect({ good, code: r.code }).toEqual({ good, code: 0 });
    }
  });
  it('--threads 0, 1.5, 257 or abc is bad usage that quotes what was given', async () => {
    for (const bad of ['0', '1.5', '257', 'abc', '']) {
      const r = await runCli(['scan', join(ROOT, 'fixtures/sentinel-export.csv'), '--threads', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--threads: a whole number from 1 to 256, not ${JSON.stringify(bad)}`);
    }
  });
});
