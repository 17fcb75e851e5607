// npm run bench — throughput of the input path and the engine on generated Sentinel-style logs.
// Times are reported as ratios against baselines run in the same command on the same file, so the numbers compare
// across machines. The baselines that matter are what a user would reach for instead: `mawk` running the same hunt
// (port 104, RFC 1918 sources out, count per source/destination/hour) and a hand-written single-thread Node scanner
// doing the same; `raw read` (read the bytes, count newlines) is the floor, `csv-parse` the CSV library alone.
// mawk: `sudo apt-get install mawk` (Debian/Ubuntu); without it, its row says so and the ratios use the Node scanner.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as csvStream } from 'csv-parse';
import { readRecords } from '../../dist/io/reader.js';
import { loadRules, DEFAULT_RULES_PATH } from '../../dist/rules/load.js';
import { createEngine } from '../../dist/rules/engine.js';
import { eventToJson } from '../../dist/model/event.js';
import { MESSAGE_FORMATS } from '../../dist/parsers/syslog/registry.js';
import { runNetflowBench } from './netflow.mjs';

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function generate() {
  let seed = 42;
  // 32-bit LCG (Math.imul: a plain multiply loses the low bits in a double); its high bits are the random ones.
  const rnd = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const ports = [104, 443, 80, 53, 11112, 3389, 22];
  const csv = ['TimeGenerated [UTC],SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceAction,DeviceName'];
  const jsonl = [];
  const rows = [];
  const start = Date.UTC(2026, 2, 16);
  for (let i = 0; i < ROWS; i++) {
    const time = new Date(start + rnd(86_400_000)).toISOString();
    const src = rnd(3) === 0 ? `10.${rnd(256)}.${rnd(256)}.${rnd(256)}` : `${1 + rnd(222)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
    const dst = `10.1.${rnd(4)}.${rnd(256)}`;
    const port = ports[rnd(ports.length)];
    const action = rnd(4) === 0 ? 'Allow' : 'Deny';
    csv.push(`${time},${src},${1024 + rnd(60000)},${dst},${port},TCP,${action},fw0${rnd(3)}`);
    jsonl.push(JSON.stringify({ TimeGenerated: time, SourceIP: src, DestinationIP: dst, DestinationPort: port, Protocol: 'TCP', DeviceAction: action }));
    rows.push({ src, port });
  }
  return { csv: csv.join('\n') + '\n', jsonl: jsonl.join('\n') + '\n', rows };
}

/**
 * The same records as syslog lines of three vendors, built from each message format's own sample line (the one
 * `dicomwatch formats` shows) with the source address and destination port replaced: iptables, PAN-OS, CEF.
 */
const SYSLOG_TEMPLATES = {
  iptables: { src: /SRC=203\.0\.113\.7 /, srcText: (ip) => `SRC=${ip} `, port: /DPT=104 /, portText: (p) => `DPT=${p} ` },
  panos: { src: /,198\.51\.100\.23,/, srcText: (ip) => `,${ip},`, port: /,104,0,104,/, portText: (p) => `,${p},0,${p},` },
  cef: { src: / src=203\.0\.113\.7 /, srcText: (ip) => ` src=${ip} `, port: / dpt=104 /, portText: (p) => ` dpt=${p} ` },
};

function generateSyslog(id, rows) {
  const sample = MESSAGE_FORMATS.find((f) => f.id === id).sample;
  const t = SYSLOG_TEMPLATES[id];
  if (!t.src.test(sample) || !t.port.test(sample)) throw new Error(`${id}: the sample line no longer fits the bench template`);
  return rows.map(({ src, port }) => sample.replace(t.src, t.srcText(src)).replace(t.port, t.portText(port))).join('\n') + '\n';
}

async function rawRead(file) {
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

/** The hunt as an awk user writes it: mawk over the same CSV. Returns the number of (src, dst, hour) groups. */
const AWK_HUNT = 'NR > 1 && $5 == 104 && $2 !~ /^(10\\.|192\\.168\\.|172\\.(1[6-9]|2[0-9]|3[01])\\.)/ { c[$2 "," $4 "," substr($1, 1, 13)]++ } END { n = 0; for (k in c) n++; print n }';

function mawkAvailable() {
  return spawnSync('mawk', ['-W', 'version'], { stdio: 'ignore' }).status === 0;
}

async function mawkHunt(file) {
  const r = spawnSync('mawk', ['-F,', AWK_HUNT, file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mawk failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

/** The hunt as a Node user writes it by hand: chunks, indexOf, split, a Map. No validation, no accounting. */
async function nodeScanner(file) {
  const groups = new Map();
  let carry = '';
  let header = true;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, encoding: 'utf8' })) {
    const text = carry + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const line = text.slice(start, nl);
      start = nl + 1;
      if (header) {
        header = false;
        continue;
      }
      const f = line.split(',');
      if (f[4] !== '104') continue;
      const src = f[1];
      if (src.startsWith('10.') || src.startsWith('192.168.') || /^172\.(1[6-9]|2\d|3[01])\./.test(src)) continue;
      const key = `${src},${f[3]},${f[0].slice(0, 13)}`;
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    carry = text.slice(start);
  }
  return groups.size;
}

async function csvParseOnly(file) {
  let records = 0;
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 20 }).pipe(csvStream({ from_line: 2 }))) records++;
  return records;
}

async function parseOnly(file) {
  let bytes = 0;
  for await (const batch of readRecords(file, { tz: 'UTC', year: 2026 })) {
    for (const o of batch) if (o.kind === 'events') for (const e of o.events) bytes += eventToJson(e).length;
  }
  return bytes;
}

async function scan(file, plans, prefilter) {
  const engine = createEngine(plans, { trusted: true }); // as the CLI: events from our parsers are canonical
  for await (const batch of readRecords(file, { tz: 'UTC', year: 2026, ...(prefilter ? { prefilter } : {}) })) {
    for (const o of batch) if (o.kind === 'events') for (const e of o.events) engine.push(e);
  }
  return engine.end().length;
}

async function best(fn) {
  let min = Infinity;
  let result;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    result = await fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: min, result };
}

const dir = mkdtempSync(join(tmpdir(), 'dicomwatch-bench-'));
try {
  const { csv, jsonl, rows: records } = generate();
  const csvFile = join(dir, 'export.csv');
  const jsonlFile = join(dir, 'export.jsonl');
  writeFileSync(csvFile, csv);
  writeFileSync(jsonlFile, jsonl);
  const syslogFiles = Object.keys(SYSLOG_TEMPLATES).map((id) => {
    const file = join(dir, `${id}.log`);
    writeFileSync(file, generateSyslog(id, records));
    return { id, file };
  });
  // AWS VPC flow logs (v2 default layout, headerless as S3 delivers it), the same sources and destination ports.
  const vpcFile = join(dir, 'vpc.log');
  writeFileSync(vpcFile, records.map(({ src, port }) => `2 123456789010 eni-0a1b2c3d4e5f60718 ${src} 10.1.2.3 51515 ${port} 6 4 240 1773656102 1773656160 REJECT OK`).join('\n') + '\n');
  syslogFiles.push({ id: 'aws-vpc', file: vpcFile });
  // kql semantics: exactly RFC 1918 out, the hunt the baselines run.
  const { plans } = await loadRules(DEFAULT_RULES_PATH, {}, { semantics: 'kql', internal: [] });
  const prefilter = { dstPorts: new Set([104]) };

  const rows = [];
  const measure = async (name, file, fn) => rows.push({ name, mb: statSync(file).size / 1e6, ...(await best(() => fn(file))) });
  const hasMawk = mawkAvailable();
  if (hasMawk) await measure('mawk hunt (baseline)', csvFile, mawkHunt);
  await measure('node scanner (baseline)', csvFile, nodeScanner);
  await measure('raw read (floor)', csvFile, rawRead);
  await measure('csv-parse stream', csvFile, csvParseOnly);
  await measure('parse csv → events → JSON', csvFile, parseOnly);
  await measure('scan csv, no pre-filter', csvFile, (f) => scan(f, plans, undefined));
  await measure('scan csv, pre-filter', csvFile, (f) => scan(f, plans, prefilter));
  await measure('parse jsonl → events → JSON', jsonlFile, parseOnly);
  await measure('scan jsonl, pre-filter', jsonlFile, (f) => scan(f, plans, prefilter));
  for (const { id, file } of syslogFiles) {
    await measure(`parse ${id} → events → JSON`, file, parseOnly);
    await measure(`scan ${id}, pre-filter`, file, (f) => scan(f, plans, prefilter));
  }

  const mawk = rows.find((r) => r.name.startsWith('mawk'));
  const node = rows.find((r) => r.name.startsWith('node scanner'));
  const alerts = rows.find((r) => r.name === 'scan csv, pre-filter').result;
  if (mawk && mawk.result !== alerts) throw new Error(`mawk found ${mawk.result} groups, dicomwatch ${alerts} alerts`);
  if (node.result !== alerts) throw new Error(`the node scanner found ${node.result} groups, dicomwatch ${alerts} alerts`);
  console.log(`dicomwatch bench: ${ROWS.toLocaleString('en-US')} records, best of ${RUNS}, node ${process.version}` +
    `${hasMawk ? '' : ' (mawk not installed: sudo apt-get install mawk)'}; all hunts agree on ${alerts} groups`);
  // × CSV: the same operation (parse, or scan with the pre-filter) on the same records as CSV, in time per record.
  const csvRow = (name) => rows.find((r) => r.name === (name.startsWith('parse') ? 'parse csv → events → JSON' : 'scan csv, pre-filter'));
  console.log(`${'case'.padEnd(32)} ${'ms'.padStart(7)} ${'records/s'.padStart(11)} ${'MB/s'.padStart(6)} ${'× mawk'.padStart(7)} ${'× node scanner'.padStart(14)} ${'× CSV'.padStart(6)}`);
  for (const r of rows) {
    const sameOnCsv = /^(parse|scan) (iptables|panos|cef|aws-vpc)/.test(r.name) ? csvRow(r.name) : undefined;
    console.log(
      `${r.name.padEnd(32)} ${r.ms.toFixed(0).padStart(7)} ${Math.round((ROWS / r.ms) * 1000).toLocaleString('en-US').padStart(11)} ` +
        `${(r.mb / (r.ms / 1000)).toFixed(0).padStart(6)} ${(mawk ? (r.ms / mawk.ms).toFixed(2) : '-').padStart(7)} ${(r.ms / node.ms).toFixed(2).padStart(14)} ` +
        `${(sameOnCsv ? (r.ms / sameOnCsv.ms).toFixed(2) : '').padStart(6)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
runNetflowBench();
