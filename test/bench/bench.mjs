// npm run bench — throughput of the input path and the engine on generated Sentinel-style logs.
// Times are reported as ratios against baselines run in the same process on the same file, so the numbers
// compare across machines: `raw read` (read the bytes and count newlines) and `csv-parse` (the reference CSV
// parser's own streaming API, records as arrays, nothing else).
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as csvStream } from 'csv-parse';
import { readRecords } from '../../dist/io/reader.js';
import { loadRules, DEFAULT_RULES_PATH } from '../../dist/rules/load.js';
import { createEngine } from '../../dist/rules/engine.js';
import { eventToJson } from '../../dist/model/event.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 300_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

function generate() {
  let seed = 42;
  const rnd = (n) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  const ports = [104, 443, 80, 53, 11112, 3389, 22];
  const csv = ['TimeGenerated [UTC],SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceAction,DeviceName'];
  const jsonl = [];
  const start = Date.UTC(2026, 2, 16);
  for (let i = 0; i < ROWS; i++) {
    const time = new Date(start + rnd(86_400_000)).toISOString();
    const src = rnd(3) === 0 ? `10.${rnd(256)}.${rnd(256)}.${rnd(256)}` : `${1 + rnd(222)}.${rnd(256)}.${rnd(256)}.${rnd(256)}`;
    const dst = `10.1.${rnd(4)}.${rnd(256)}`;
    const port = ports[rnd(ports.length)];
    const action = rnd(4) === 0 ? 'Allow' : 'Deny';
    csv.push(`${time},${src},${1024 + rnd(60000)},${dst},${port},TCP,${action},fw0${rnd(3)}`);
    jsonl.push(JSON.stringify({ TimeGenerated: time, SourceIP: src, DestinationIP: dst, DestinationPort: port, Protocol: 'TCP', DeviceAction: action }));
  }
  return { csv: csv.join('\n') + '\n', jsonl: jsonl.join('\n') + '\n' };
}

async function rawRead(file) {
  let lines = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

async function csvParseOnly(file) {
  let records = 0;
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 20 }).pipe(csvStream({ from_line: 2 }))) records++;
  return records;
}

async function parseOnly(file) {
  let bytes = 0;
  for await (const batch of readRecords(file, { tz: 'UTC' })) {
    for (const o of batch) if (o.kind === 'events') for (const e of o.events) bytes += eventToJson(e).length;
  }
  return bytes;
}

async function scan(file, plans, prefilter) {
  const engine = createEngine(plans, { trusted: true }); // as the CLI: events from our parsers are canonical
  for await (const batch of readRecords(file, { tz: 'UTC', ...(prefilter ? { prefilter } : {}) })) {
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
  const { csv, jsonl } = generate();
  const csvFile = join(dir, 'export.csv');
  const jsonlFile = join(dir, 'export.jsonl');
  writeFileSync(csvFile, csv);
  writeFileSync(jsonlFile, jsonl);
  const { plans } = await loadRules(DEFAULT_RULES_PATH, {}, { semantics: 'strict', internal: [] });
  const prefilter = { dstPorts: new Set([104]) };

  const rows = [];
  const measure = async (name, file, fn) => rows.push({ name, ...(await best(() => fn(file))) });
  await measure('raw read (baseline)', csvFile, rawRead);
  await measure('csv-parse stream (baseline)', csvFile, csvParseOnly);
  await measure('parse csv → events → JSON', csvFile, parseOnly);
  await measure('scan csv, no pre-filter', csvFile, (f) => scan(f, plans, undefined));
  await measure('scan csv, pre-filter', csvFile, (f) => scan(f, plans, prefilter));
  await measure('parse jsonl → events → JSON', jsonlFile, parseOnly);
  await measure('scan jsonl, pre-filter', jsonlFile, (f) => scan(f, plans, prefilter));

  const [raw, csvRef] = rows;
  console.log(`dicomwatch bench: ${ROWS.toLocaleString('en-US')} records, best of ${RUNS}, node ${process.version}`);
  console.log(`${'case'.padEnd(32)} ${'ms'.padStart(8)} ${'records/s'.padStart(12)} ${'× raw read'.padStart(11)} ${'× csv-parse'.padStart(12)}`);
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(32)} ${r.ms.toFixed(0).padStart(8)} ${Math.round((ROWS / r.ms) * 1000).toLocaleString('en-US').padStart(12)} ` +
        `${(r.ms / raw.ms).toFixed(1).padStart(11)} ${(r.ms / csvRef.ms).toFixed(2).padStart(12)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
