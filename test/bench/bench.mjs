// npm run bench — the reference hunt on the same generated traffic in six formats, timed against what a user would
// reach for instead, in one run on the same files: mawk (when installed: `sudo apt-get install mawk`), DuckDB through
// @duckdb/node-api (the tabular formats; 1 and 2 threads), and a hand-written fast single-thread Node scanner
// (scanners.mjs). Every answer is checked against the generator's own (generate.mjs); a tool that disagrees is
// marked, never silently compared. Each tool runs as its own process, timed with its peak RSS (/usr/bin/time).
// Ratios are times relative to a baseline (below 1 is faster than it). Then the NetFlow decoding part (netflow.mjs).
//
// BENCH_EVENTS (default 2,000,000 connections: 146 MB of CSV to 1.6 GB of CEF, ~4 GB over the six files; start-up is
// then a small share of each run, as on a real month of logs), BENCH_RUNS (best of, default 3),
// BENCH_DIR (where the files go; default a temp dir, removed after), BENCH_FORMATS (a comma-separated list of
// csv, jsonl, iptables, vpc, panos, cef; default all six).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, FORMATS, TZ } from './generate.mjs';
import { runNetflowBench } from './netflow.mjs';
import { SCANNER_FORMATS } from './scanners.mjs';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 2_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const BENCH_FORMATS = process.env.BENCH_FORMATS ? process.env.BENCH_FORMATS.split(',').map((f) => f.trim()) : FORMATS;
const unknownFormats = BENCH_FORMATS.filter((f) => !FORMATS.includes(f));
if (unknownFormats.length > 0) {
  console.error(`BENCH_FORMATS: ${unknownFormats.join(', ')} unknown (formats: ${FORMATS.join(', ')})`);
  process.exit(2);
}
const HERE = new URL('.', import.meta.url).pathname;
const CLI = join(HERE, '../../dist/cli/main.js');

const PRIVATE_AWK = '/^(10\\.|192\\.168\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.)/';
const IPV4_AWK = '/^[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+$/';
const AWK_END = 'END { n = 0; e = 0; for (k in c) { n++; e += c[k] } print n, e }';
/** The hunt as an awk user writes it, per format. */
const AWK = {
  csv: ['-F,', `NR > 1 && $5 == 104 && $2 ~ ${IPV4_AWK} && $2 !~ ${PRIVATE_AWK} { c[$2 "," $4 "," substr($1, 1, 13)]++ } ${AWK_END}`],
  iptables: [`/ DPT=104 / { s = ""; d = ""; for (i = 6; i <= NF; i++) { if (substr($i, 1, 4) == "SRC=") s = substr($i, 5); else if (substr($i, 1, 4) == "DST=") { d = substr($i, 5); break } } if (s ~ ${IPV4_AWK} && s !~ ${PRIVATE_AWK}) c[s "," d "," $1 $2 substr($3, 1, 2)]++ } ${AWK_END}`],
  vpc: [`$7 == 104 && $4 ~ ${IPV4_AWK} && $4 !~ ${PRIVATE_AWK} { c[$4 "," $5 "," int($11 / 3600)]++ } ${AWK_END}`],
};

const DUCK_WHERE = `regexp_full_match(src, '\\d+\\.\\d+\\.\\d+\\.\\d+') AND NOT regexp_matches(src, '^(10\\.|192\\.168\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.)')`;
/** The hunt as SQL over each tabular format: (source, destination, hour) groups and the events in them. */
const DUCK = {
  csv: (f) => `SELECT SourceIP AS src, DestinationIP AS dst, date_trunc('hour', "TimeGenerated [UTC]"::TIMESTAMPTZ) AS h FROM read_csv('${f}', header = true) WHERE DestinationPort = 104`,
  jsonl: (f) => `SELECT SourceIP AS src, DestinationIP AS dst, date_trunc('hour', TimeGenerated::TIMESTAMPTZ) AS h FROM read_json('${f}', format = 'newline_delimited') WHERE DestinationPort = 104`,
  vpc: (f) => `SELECT column03 AS src, column04 AS dst, column10 // 3600 AS h FROM read_csv('${f}', delim = ' ', header = false) WHERE column06 = 104`,
};

function duckdbScript(format, file, threads) {
  return `const { DuckDBInstance } = require('@duckdb/node-api');
(async () => {
  const db = await DuckDBInstance.create(':memory:', { threads: '${threads}' });
  const c = await db.connect();
  const r = await c.runAndReadAll(${JSON.stringify(`SELECT count(*)::BIGINT, coalesce(sum(n), 0)::BIGINT FROM (SELECT src, dst, h, count(*) AS n FROM (${DUCK[format](file)}) WHERE ${DUCK_WHERE} GROUP BY ALL)`)});
  const [[g, e]] = r.getRows();
  console.log(String(g) + ' ' + String(e));
})().catch((e) => { console.error(e); process.exit(1); });`;
}

/** Runs a command once: its wall time (process start to exit), its peak RSS, its stdout. */
function timedOnce(cmd, args) {
  const stats = join(tmpdir(), `dicomwatch-bench-time-${process.pid}`);
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-o', stats, '-f', '%M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ').slice(0, 200)} failed: ${r.stderr}`);
  const kb = Number(readFileSync(stats, 'utf8').trim().split('\n').at(-1));
  rmSync(stats, { force: true });
  return { s, rssMb: kb / 1024, stdout: r.stdout };
}

/**
 * Runs each tool RUNS times, the tools taking turns (tool 1, tool 2, …, then again), and keeps each one's best run:
 * a slow spell of the machine then falls on every tool's runs alike instead of on one tool's, which matters for the
 * ratios (this VM's speed drifts by ±30 % over minutes).
 */
function timedInTurns(tools) {
  const best = tools.map(() => undefined);
  for (let i = 0; i < RUNS; i++) {
    tools.forEach(({ cmd, args }, k) => {
      const r = timedOnce(cmd, args);
      if (!best[k] || r.s < best[k].s) best[k] = r;
    });
  }
  return best;
}

const available = (cmd, args) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'dicomwatch-bench-'));
try {
  const t0 = Date.now();
  const { files, expected } = await generate(dir, EVENTS, 42, BENCH_FORMATS);
  let expectedEvents = 0;
  for (const n of expected.values()) expectedEvents += n;
  const answer = `${expected.size} ${expectedEvents}`;
  const hasMawk = available('mawk', ['-W', 'version']);
  let hasDuck = true;
  try { await import('@duckdb/node-api'); } catch { hasDuck = false; }
  console.log(`dicomwatch bench: ${EVENTS.toLocaleString('en-US')} connections per format (${expected.size} groups, ${expectedEvents} events in the answer), ` +
    `generated in ${((Date.now() - t0) / 1000).toFixed(1)} s; best of ${RUNS}; node ${process.version}` +
    `${hasMawk ? '' : '; mawk not installed (sudo apt-get install mawk)'}${hasDuck ? '' : '; @duckdb/node-api missing (npm ci)'}\n`);

  const rows = [];
  for (const format of BENCH_FORMATS) {
    const file = files[format];
    const mb = statSync(file).size / 1e6;
    const tools = [];
    const run = (tool, cmd, args, check) => tools.push({ tool, cmd, args, check });
    const countsAgree = (out) => out.trim() === answer;
    const dicomwatch = (threads) => [CLI, 'scan', file, '--rules', join(HERE, '../../rules/dicom-external-access.yml'), '--semantics', 'kql', '--output', 'csv', '--tz', TZ, '--threads', String(threads), '--quiet'];
    const sameAlerts = (out) => {
      const got = new Map();
      for (const line of out.trim().split('\n').slice(1)) {
        const [src, dst, time, n] = line.split(',');
        got.set(`${src},${dst},${time}`, Number(n));
      }
      return got.size === expected.size && [...expected].every(([k, n]) => got.get(k) === n);
    };
    run('dicomwatch scan', process.execPath, dicomwatch(1), sameAlerts);
    // --threads 2 splits files of 1 GiB and more (smaller ones are read by one thread: the same row again)
    run('dicomwatch scan --threads 2', process.execPath, dicomwatch(2), sameAlerts);
    if (SCANNER_FORMATS.includes(format)) run('hand-written Node scanner', process.execPath, [join(HERE, 'scanners.mjs'), format, file], countsAgree);
    if (hasMawk && AWK[format]) run('mawk', 'mawk', [...AWK[format], file], countsAgree);
    if (hasDuck && DUCK[format]) {
      for (const threads of [1, 2]) run(`DuckDB, ${threads} thread${threads > 1 ? 's' : ''}`, process.execPath, ['-e', duckdbScript(format, file, threads)], countsAgree);
    }
    timedInTurns(tools).forEach((r, k) => rows.push({ format, tool: tools[k].tool, mb, ...r, ok: tools[k].check(r.stdout) }));
  }

  const ratio = (r, tool) => {
    const base = rows.find((x) => x.format === r.format && x.tool === tool);
    return base ? (r.s / base.s).toFixed(2) : '';
  };
  console.log('| format | tool | MB | s | MB/s | events/s | peak RSS MB | × mawk | × Node scanner | × DuckDB 2 threads | answer |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.format} | ${r.tool} | ${r.mb.toFixed(0)} | ${r.s.toFixed(2)} | ${(r.mb / r.s).toFixed(0)} | ${Math.round(EVENTS / r.s).toLocaleString('en-US')} | ` +
      `${r.rssMb.toFixed(0)} | ${ratio(r, 'mawk')} | ${ratio(r, 'hand-written Node scanner')} | ${ratio(r, 'DuckDB, 2 threads')} | ${r.ok ? 'right' : '**WRONG**'} |`);
  }
  // Single thread against mawk: the geometric mean of time ratios over the formats mawk runs.
  const vsMawk = rows.filter((r) => r.tool === 'dicomwatch scan' && AWK[r.format] && hasMawk).map((r) => Number(ratio(r, 'mawk')));
  if (vsMawk.length) console.log(`\ndicomwatch / mawk time, geometric mean over ${vsMawk.length} formats: ${Math.exp(vsMawk.reduce((a, x) => a + Math.log(x), 0) / vsMawk.length).toFixed(2)}`);
  if (rows.some((r) => !r.ok)) process.exitCode = 1;
} finally {
  if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
}
runNetflowBench();
