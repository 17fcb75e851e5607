/** `dicomwatch scan`'s run, loaded by its handler (scan.ts) only when the command runs. */
import { availableParallelism } from 'node:os';
import { alertLines, type AlertOutput } from '../../emit/alerts/index.js';
import type { AlertList } from '../../model/alert.js';
import type { ColumnReport } from '../../parsers/types.js';
import { createEngine } from '../../rules/engine.js';
import { inputFiles, inputRun, reportedRun } from '../context.js';
import { prefilterFor, rulesFromArgs } from '../rule-args.js';
import { forEachEvent, MAX_PRINTED_ERRORS } from '../inputs.js';
import { countPortless, type PortlessCounts } from '../shard.js';
import { DEFAULT_THREADS_MIN_BYTES, scanThreaded } from '../threads.js';
import { BufferedOutput, openOutput } from '../io.js';
import { UsageError } from '../options.js';
import { chooseOutput, type ScanArgs } from './scan.js';

/**
 * Outputs that name the rule (title, Sigma id, description) and are handed the plans for it. The CSV is not: given
 * plans it also prints the header of a rule without alerts, which `scan`'s contract does not.
 */
const RULE_AWARE: ReadonlySet<AlertOutput> = new Set<AlertOutput>(['ocsf', 'cef']);

/** --threads: a whole number ≥ 1, by default the machine's cores. (Read as text: the message quotes what was given.) */
function threadCount(given: string | number | undefined): number {
  if (given === undefined) return availableParallelism();
  const text = String(given).trim();
  const n = /^\d{1,3}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= 256)) throw new UsageError(`--threads: a whole number from 1 to 256, not ${JSON.stringify(String(given))}`);
  return n;
}

/**
 * The smallest file split across threads: DICOMWATCH_THREADS_MIN_BYTES when set (tests, tuning; empty is unset),
 * else 1 GiB. A value that is not a byte count is bad usage, never silently the default.
 */
function threadsMinBytes(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.DICOMWATCH_THREADS_MIN_BYTES;
  if (text === undefined || text === '') return DEFAULT_THREADS_MIN_BYTES;
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    throw new UsageError(`DICOMWATCH_THREADS_MIN_BYTES: '${text}' is not a number of bytes (a whole number in decimal digits, e.g. 0 or 1073741824)`);
  }
  return n;
}

export async function runScan(args: ScanArgs): Promise<void> {
  const threads = threadCount(args.threads);
  const minBytes = threadsMinBytes(); // checked before anything is read, whatever --threads says
  const loaded = await rulesFromArgs(args);
  const files = inputFiles(args.files);
  if (files.length === 0) throw new UsageError('scan: give log files (or - for stdin)');
  // --strict-input promises every record is checked, values included: the pre-filter would skip unchecked values.
  const run = inputRun(args, files, args.prefilter && !args.strictInput ? prefilterFor(loaded) : undefined);
  const choice = chooseOutput(args.output, args.out, process.stdout.isTTY === true);
  const out = openOutput(args.out);
  if (choice.note && !args.quiet) process.stderr.write(`dicomwatch: ${choice.note}\n`);
  const engine = createEngine(loaded.plans, { trusted: true }); // events come from our parsers: already canonical
  // Events without a destination port can never match a port rule: said in the summary, so a log whose port
  // column went unrecognized does not pass for a quiet network. ICMP and other port-less protocols are not counted.
  // Only events are counted: a record the pre-filter skipped (FILTERED: it cannot match, e.g. a CSV row whose text
  // holds no wanted port) never became one, so the summary says so when there are such records (--no-prefilter
  // reads every record into an event). The --map hint only where --map names columns (CSV, JSON).
  const portless: PortlessCounts = { withoutPort: 0, withoutPortMappable: 0 };
  let alerts: AlertList | undefined;
  const tail = (totals: { info: { skippedBy: { FILTERED?: number }; columns: readonly ColumnReport[] } }) => {
    // The --map hint only where no column fed dstPort: with one bound, its values were unusable (counted apart).
    const portColumnBound = totals.info.columns.some((c) => c.used.dstPort !== undefined);
    const notes = [
      ...((totals.info.skippedBy.FILTERED ?? 0) > 0 ? ['not counting filtered records'] : []),
      ...(portless.withoutPortMappable > 0 && !portColumnBound ? ['use --map dstPort=Column if the log has one'] : []),
    ];
    return [
      `${engine.info.matched} events matched`,
      ...(alerts ? [`${alerts.length} alerts`] : []),
      ...(portless.withoutPort > 0 ? [`${portless.withoutPort} events had no destination port${notes.length > 0 ? ` (${notes.join('; ')})` : ''}`] : []),
    ];
  };
  await reportedRun({ run, out, quiet: args.quiet, tail }, async (running) => {
    const threaded = async (file: string, now: number | undefined) => {
      const split = await scanThreaded(file, {
        threads, minBytes, plans: loaded.plans, read: run.read, ...(now !== undefined ? { now } : {}),
        maxErrors: MAX_PRINTED_ERRORS,
      });
      if (!split) return undefined;
      for (const snapshot of split.snapshots) engine.merge(snapshot);
      portless.withoutPort += split.withoutPort;
      portless.withoutPortMappable += split.withoutPortMappable;
      return split;
    };
    const totals = await forEachEvent(run, (e) => {
      countPortless(portless, e);
      engine.push(e);
    }, running, threads > 1 ? threaded : undefined);
    run.progress.stop();
    alerts = engine.endLazily(); // each alert built as it is written: memory for the groups alone
    const lines = new BufferedOutput(out);
    for (const line of alertLines(alerts, choice.output, RULE_AWARE.has(choice.output) ? loaded.plans : undefined)) {
      const pending = lines.line(line);
      if (pending) await pending;
    }
    await lines.flush();
    return totals;
  });
}
