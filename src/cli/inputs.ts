/** The CLI's input loop: every file through the reader, diagnostics and progress on stderr, totals at the end. */
import { access, stat } from 'node:fs/promises';
import { inputStat, readRecords, type ReadOptions } from '../io/reader.js';
import type { NetworkEvent } from '../model/event.js';
import { DicomwatchError } from '../errors.js';
import { InputFileError } from '../parsers/errors.js';
import { describeColumns, explainUnreadInput, explainUnusedInput } from '../parsers/explain.js';
import { addInfo, emptyInfo, type ParserInfo } from '../parsers/record-parser.js';
import type { ErrorCode, RecordOutcome } from '../parsers/types.js';
import { UsageError } from './options.js';
import type { Progress } from './progress.js';

/** Per file, malformed records printed before the rest are only counted (the summary has them all). */
export const MAX_PRINTED_ERRORS = 50;

export interface InputRun {
  files: string[];
  read: Omit<ReadOptions, 'onBytes'>;
  strictInput: boolean;
  /** No notes on stderr (columns used, why a file yielded nothing); errors still print. */
  quiet?: boolean;
  stderr: NodeJS.WritableStream;
  progress: Progress;
}

/** Fail early, before any output, when an input cannot be opened. */
export async function checkReadable(files: readonly string[]): Promise<void> {
  for (const file of files) {
    if (file === '-') continue;
    let directory = false;
    try {
      await access(file);
      directory = (await stat(file)).isDirectory();
    } catch (e) {
      throw new UsageError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    if (directory) throw new UsageError(`${file}: is a directory (name its files, e.g. ${file.replace(/\/+$/, '')}/*.log)`);
  }
}

/** Reads one file on several threads, feeding the caller's engine itself; undefined: read it on one thread. */
export type ThreadedReader = (file: string, now: number | undefined) => Promise<{ info: ParserInfo; errors: readonly { line: number; code: string; message: string }[] } | undefined>;

export interface InputTotals {
  info: ParserInfo;
  /** Inputs that stopped early (corrupt gzip, unknown format, unusable header): reported, the run went on. */
  failed: string[];
}

/** The totals while the loop runs: what a summary after Ctrl-C or a failed output reports. */
export interface RunningTotals extends InputTotals {
  /** The input being read: its counts so far, not yet added to `info`. */
  reading?: ParserInfo;
}

export function runningTotals(): RunningTotals {
  return { info: emptyInfo(), failed: [] };
}

/** The totals of everything read so far, the input being read included. */
export function totalsSoFar(running: RunningTotals): InputTotals {
  const info = addInfo(emptyInfo(), running.info);
  if (running.reading) addInfo(info, running.reading);
  return { info, failed: [...running.failed] };
}

/** The format the user named with --format, if any (`auto`, the default, names none). */
function forcedFormat(run: InputRun): string | undefined {
  const format = run.read.format;
  return format === undefined || format === 'auto' ? undefined : format;
}

/**
 * Feed every event of every input to `onEvent`. An input that cannot be read to its end is reported on stderr and
 * the run goes on with the next one (what was read of it still counts), like grep over several files; the caller
 * exits 2 when any failed. A missing file fails the whole run up front, before any output. An error thrown by
 * `onEvent` (the output failed) ends the loop and is the caller's; `running` has the totals up to there.
 */
export async function forEachEvent(
  run: InputRun,
  onEvent: (event: NetworkEvent) => void | Promise<void>,
  running: RunningTotals = runningTotals(),
  threaded?: ThreadedReader,
): Promise<InputTotals> {
  await checkReadable(run.files);
  const { info: total, failed } = running;
  let callersError: unknown;
  for (const file of run.files) {
    const st = await inputStat(file);
    run.progress.file(file, st?.size);
    let info: ParserInfo | undefined;
    let stopped = false; // the read stopped early (its reason printed)
    let printed = 0;
    const report = (o: Extract<RecordOutcome, { kind: 'error' }>) => {
      const text = `${file}:${o.line}: ${o.code}: ${o.message}\n`;
      if (run.strictInput) throw new UsageError(`${text.trimEnd()} (--strict-input)`);
      if (printed < MAX_PRINTED_ERRORS) run.stderr.write(text);
      else if (printed === MAX_PRINTED_ERRORS) run.stderr.write(`${file}: more malformed records; only counted from here on\n`);
      printed++;
    };
    // Year-less syslog stamps take --year, else the latest year that puts them at most two days after the file was
    // last written (stdin: now).
    const now = st && run.read.year === undefined ? { now: st.modified } : {};
    // A large plain file may be read by several threads (scan --threads): the caller merges what they found.
    const split = threaded && !run.strictInput ? await threaded(file, now.now).catch(() => undefined) : undefined;
    if (split) {
      for (const e of split.errors) report({ kind: 'error', line: e.line, code: e.code as ErrorCode, message: e.message });
      if (split.info.errors > printed && printed === MAX_PRINTED_ERRORS) run.stderr.write(`${file}: more malformed records; only counted from here on\n`);
      addInfo(total, split.info);
      if (!run.quiet) printNotes(run, file, split.info);
      run.progress.records(total.records);
      continue;
    }
    try {
      const records = readRecords(file, { ...run.read, ...now, filteredRuns: true, onBytes: (n) => run.progress.bytes(n) });
      info = records.info;
      running.reading = info;
      for await (const batch of records) {
        // (index loops: this runs for every record, and warms up only over a long file)
        for (let b = 0; b < batch.length; b++) {
          const o = batch[b]!;
          if (o.kind === 'events') {
            for (let k = 0; k < o.events.length; k++) {
              try {
                const pending = onEvent(o.events[k]!);
                if (pending) await pending;
              } catch (error) {
                callersError = error;
                throw error;
              }
            }
          } else if (o.kind === 'error') report(o);
        }
        run.progress.records(total.records + info.records);
      }
    } catch (e) {
      if (e instanceof UsageError || e === callersError) throw e;
      run.stderr.write(`dicomwatch: ${inputProblem(file, e)}\n`);
      failed.push(file);
      stopped = true;
    }
    if (info) {
      addInfo(total, info);
      if (!run.quiet) printNotes(run, file, info, stopped);
    }
    running.reading = undefined;
  }
  return { info: total, failed };
}

/**
 * The notes on an input, read on one thread or on several: the columns used, why it yielded no event, the format's
 * own (a capture's; the formats split across threads note nothing).
 */
function printNotes(run: InputRun, file: string, info: ParserInfo, stopped = false): void {
  for (const note of [describeColumns(info, file), explainUnusedInput(info, file), explainUnreadInput(info, file, forcedFormat(run), stopped)]) {
    if (note) run.stderr.write(`${note}\n`);
  }
  for (const note of info.notes) run.stderr.write(`${file}: ${note}\n`);
}

/** One line for an input that stopped early: what went wrong, naming the file once. */
function inputProblem(file: string, e: unknown): string {
  if (e instanceof DicomwatchError && e.code === 'INPUT_UNREADABLE') return e.message; // names the file already
  if (e instanceof InputFileError) return `${file}: ${e.message}`;
  return `${file}: cannot read to the end: ${(e as Error).message}`;
}

/** ` (code n, code n)`: counts by reason, as the summaries print them. */
export function byCode(counts: Partial<Record<string, number>>): string {
  const parts = Object.entries(counts).map(([code, n]) => `${code.toLowerCase().replace(/_/g, ' ')} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Optional values present but unusable (a port of 70000, a count of `abc`): left out of their events, per field. */
function unusableValues(info: ParserInfo): string[] {
  const counts = Object.entries(info.unusableBy);
  const total = counts.reduce((n, [, v]) => n + (v ?? 0), 0);
  if (total === 0) return [];
  return [`${total} unusable value${total === 1 ? '' : 's'} left out (${counts.map(([field, n]) => `${field} ${n}`).join(', ')})`];
}

/** The final account: records read = parsed + skipped + errors. */
/** The formats that yielded events, when there are several (a syslog file mixing vendors): `; iptables 5, panos 3`. */
function byFormat(counts: Partial<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length > 1 ? `; ${entries.map(([format, n]) => `${format} ${n}`).join(', ')}` : '';
}

export function formatSummary(totals: InputTotals, files: number, tail: string[] = []): string {
  const { info, failed } = totals;
  return [
    `dicomwatch: ${files} file${files === 1 ? '' : 's'}${failed.length > 0 ? ` (${failed.length} not read to the end)` : ''}, ` +
      `${info.records} records read: ${info.parsed} parsed (${info.events} events${byFormat(info.parsedBy)})`,
    `${info.skipped} skipped${byCode(info.skippedBy)}`,
    `${info.errors} malformed${byCode(info.errorsBy)}`,
    ...unusableValues(info),
    ...tail,
  ].join(', ') + '\n';
}
