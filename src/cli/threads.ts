/**
 * `scan --threads N`: a large plain file read by N worker threads, each a byte range cut at a line end, each with
 * its own parser and engine; the engines' snapshots merge into the scan's engine (thresholds apply after merging)
 * and the counters add up. Each range's parser numbers its lines as the file's (the lines before it are counted
 * here while the workers start), so records and messages name the file's lines. The answer, its order, the
 * accounting and the messages are those of one thread (tested).
 *
 * Only where a range can be read on its own: a regular file (not stdin, not gzip) of at least `minBytes`, in a
 * format whose records are single lines with no state carried from one to the next but a header line at the top —
 * CSV (the header line is handed to every range), JSON Lines, AWS VPC flow logs (a header only on the first line),
 * and syslog when the year of year-less stamps is inferred (with --year, New Year moves the year on line by line).
 * When the split turns out unsound — a quoted CSV record open across a cut, a VPC header further down the file —
 * the threads' work is thrown away and the file is read by one thread, so the answer never depends on the split.
 */
import { open, stat } from 'node:fs/promises';
import { lazily } from '../lazy.js';
import { addInfo, createRecordParser, emptyInfo, MAX_COLUMN_REPORTS, type ParserInfo } from '../parsers/record-parser.js';
import type { EngineSnapshot } from '../rules/engine.js';
import type { QueryPlan } from '../rules/plan.js';
import type { ReadOptions } from '../io/reader.js';
import { runShard, type PortlessCounts, type ShardResult, type ShardTask } from './shard.js';

const workerThreads = lazily<typeof import('node:worker_threads')>('node:worker_threads');

/**
 * Smallest file split across threads. A worker starts in a few tens of milliseconds, but on a 2-core machine whose
 * cores share memory bandwidth two threads hardly beat one at ~1 GB/s a core (README, *Threads*: the 146–400 MB
 * bench files took longer on two threads than on one).
 */
export const DEFAULT_THREADS_MIN_BYTES = 1024 * 1024 * 1024;
/** Formats whose byte ranges can be read on their own. */
const SPLITTABLE = new Set(['csv', 'jsonl', 'aws-vpc', 'syslog']);
/** Bytes looked at to recognise the format and to find a line end near a cut. */
const WINDOW = 1 << 20;

export interface ThreadedOptions {
  threads: number;
  minBytes: number;
  plans: readonly QueryPlan[];
  read: Omit<ReadOptions, 'onBytes'>;
  /** Year inference's clock for year-less stamps (the file's modification time), as the one-thread path uses. */
  now?: number;
  maxErrors: number;
}

export interface ThreadedResult extends PortlessCounts {
  info: ParserInfo;
  snapshots: EngineSnapshot[];
  /** The first errors, numbered by the file's lines, in file order. */
  errors: { line: number; code: string; message: string }[];
}

async function readAt(path: string, position: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** The line ends (LF) in bytes [start, end) of the file. */
async function lineEnds(path: string, start: number, end: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(Math.min(WINDOW, Math.max(end - start, 1)));
    let n = 0;
    for (let at = start; at < end;) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, end - at), at);
      if (bytesRead === 0) break;
      for (let i = buf.indexOf(10); i !== -1 && i < bytesRead; i = buf.indexOf(10, i + 1)) n++;
      at += bytesRead;
    }
    return n;
  } finally {
    await handle.close();
  }
}

/** The offset just after the first line end at or after `offset`, or -1 when none is near. */
async function lineStartAfter(path: string, offset: number): Promise<number> {
  const window = await readAt(path, offset, WINDOW);
  const nl = window.indexOf(10);
  return nl === -1 ? -1 : offset + nl + 1;
}

/** The file's format as the one-thread path would recognise it, from its first bytes; undefined if not splittable. */
function formatOf(head: Buffer, name: string, read: ThreadedOptions['read']): string | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return undefined; // gzip: one reader
  const lastNl = head.lastIndexOf(10);
  if (lastNl === -1) return undefined;
  const parser = createRecordParser({ ...read, file: name });
  parser.push(head.subarray(0, lastNl + 1));
  const id = parser.format?.id;
  return id !== undefined && SPLITTABLE.has(id) && parser.failure === undefined ? id : undefined;
}

/**
 * Scan `path` on `options.threads` threads; undefined when the file is not one to split (the caller reads it on one
 * thread) or when the split proved unsound.
 */
export async function scanThreaded(path: string, options: ThreadedOptions): Promise<ThreadedResult | undefined> {
  if (options.threads < 2 || path === '-') return undefined;
  const st = await stat(path).catch(() => undefined);
  if (!st?.isFile() || st.size < options.minBytes) return undefined;
  const head = await readAt(path, 0, WINDOW);
  const format = formatOf(head, path, options.read);
  if (format === undefined) return undefined;
  if (format === 'syslog' && options.read.year !== undefined) return undefined;
  const firstNl = head.indexOf(10);
  const firstLine = head.subarray(0, firstNl + 1);
  const vpcHeader = format === 'aws-vpc' && /^[a-z]/.test(firstLine.toString('latin1'));
  // The header every range is read after (CSV: always line 1; VPC: when line 1 is one).
  const prefix = format === 'csv' || vpcHeader ? Uint8Array.from(firstLine) : new Uint8Array(0);
  if (format === 'csv' && firstLine.toString('utf8').trim() === '') return undefined;

  const cuts = [0];
  for (let k = 1; k < options.threads; k++) {
    const at = await lineStartAfter(path, Math.floor((st.size * k) / options.threads));
    if (at === -1 || at <= cuts[k - 1]! || at <= firstLine.length || at >= st.size) return undefined;
    cuts.push(at);
  }
  cuts.push(st.size);

  const { prefilter, ...rest } = options.read;
  const read: ShardTask['read'] = {
    ...(rest.tz !== undefined ? { tz: rest.tz } : {}),
    ...(rest.year !== undefined ? { year: rest.year } : {}),
    ...(options.now !== undefined ? { now: options.now } : {}),
    ...(rest.columnMap ? { columnMap: { ...rest.columnMap } } : {}),
    ...(prefilter ? { dstPorts: [...prefilter.dstPorts] } : {}),
  };
  const tasks: ShardTask[] = cuts.slice(0, -1).map((start, k) => ({
    path, name: path, format, start, end: cuts[k + 1]!, prefix: k === 0 ? new Uint8Array(0) : prefix, read,
    plans: [...options.plans], maxErrors: options.maxErrors,
  }));
  // Ranges 2…N on worker threads, which wait for their first line number: the lines before each are counted here
  // while the workers start (much faster than parsing). Then range 1, from line 1, on this thread: N threads in all,
  // one isolate fewer than N workers (its memory and its start-up).
  const workers = tasks.slice(1).map(startShard);
  const fromWorkers = Promise.all(workers.map((w) => w.result));
  fromWorkers.catch(() => {}); // (awaited below; a worker may fail while the lines are being counted)
  let results: ShardResult[];
  try {
    let linesBefore = 0;
    for (let k = 1; k < tasks.length; k++) {
      linesBefore += await lineEnds(path, cuts[k - 1]!, cuts[k]!);
      workers[k - 1]!.start(linesBefore + 1);
    }
    const first = await runShard(tasks[0]!, 1);
    results = [first, ...(await fromWorkers)];
  } finally {
    for (const w of workers) w.stop();
  }

  // Sound split: no whole-input failure, no record open across a cut, no header further down than line 1.
  const headers = vpcHeader ? 1 : 0;
  for (const [k, r] of results.entries()) {
    if (r.failure !== undefined) return undefined;
    if (k < results.length - 1 && r.openAtEnd) return undefined;
    if (format === 'aws-vpc' && r.info.columns.length !== headers) return undefined;
  }

  const info = emptyInfo();
  const errors: ThreadedResult['errors'] = [];
  for (const [k, r] of results.entries()) {
    addInfo(info, r.info);
    info.bytes -= k === 0 ? 0 : prefix.length;
    for (const e of r.errors) if (errors.length < options.maxErrors) errors.push(e); // numbered as the file's lines
  }
  info.lines = Math.max(...results.map((r) => r.info.lines)); // each range's last line number, the file's
  info.columns = columnReports(results.map((r) => r.info.columns));
  return { info, snapshots: results.map((r) => r.snapshot), errors, withoutPort: results.reduce((n, r) => n + r.withoutPort, 0),
    withoutPortMappable: results.reduce((n, r) => n + r.withoutPortMappable, 0),
  };
}

/**
 * The column layouts the ranges bound, as one reader would have reported them: in file order, each once (every range
 * binds the CSV header, and a JSON key set may recur in several), at most as many as one parser keeps.
 */
function columnReports(perRange: readonly ParserInfo['columns'][]): ParserInfo['columns'] {
  const seen = new Set<string>();
  const reports: ParserInfo['columns'] = [];
  for (const report of perRange.flat()) {
    const key = JSON.stringify(report);
    if (seen.has(key) || reports.length === MAX_COLUMN_REPORTS) continue;
    seen.add(key);
    reports.push(report);
  }
  return reports;
}

interface Shard {
  result: Promise<ShardResult>;
  /** Hand the worker its range's first line number (a task without `firstLine` waits for it). */
  start(firstLine: number): void;
  /** Stop the worker if it still runs (its result was taken, or the scan gave up). */
  stop(): void;
}

function startShard(task: ShardTask): Shard {
  // A small young generation: a worker allocates little per record, and each isolate's RSS counts.
  const { Worker } = workerThreads();
  const worker = new Worker(new URL('./scan-worker.js', import.meta.url), { workerData: task, resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  const result = new Promise<ShardResult>((resolve, reject) => {
    worker.once('message', (m: ShardResult) => {
      resolve(m);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  return {
    result,
    start: (firstLine) => worker.postMessage({ firstLine }),
    stop: () => void worker.terminate(),
  };
}
