import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import type { Argv } from 'yargs';
import { ALERT_OUTPUTS, alertLines, type AlertOutput } from '../../emit/alerts/index.js';
import type { Alert } from '../../model/alert.js';
import { lacksDstPort } from '../../model/port.js';
import { createEngine } from '../../rules/engine.js';
import { inputFiles, inputRun, prefilterFor, reportedRun, rulesFromArgs, type InputArgs, type RuleArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { forEachEvent, MAX_PRINTED_ERRORS } from '../inputs.js';
import { DEFAULT_THREADS_MIN_BYTES, scanThreaded } from '../threads.js';
import { BufferedOutput, openOutput } from '../io.js';
import { UsageError, withInputOptions, withRuleOptions } from '../options.js';

/**
 * Outputs that name the rule (title, Sigma id, description) and are handed the plans for it. The CSV is not: given
 * plans it also prints the header of a rule without alerts, which `scan`'s contract does not.
 */
const RULE_AWARE: ReadonlySet<AlertOutput> = new Set<AlertOutput>(['ocsf', 'cef']);

/** --threads: a whole number ≥ 1, by default the machine's cores. */
function threadCount(given: number | undefined): number {
  if (given === undefined) return availableParallelism();
  if (!Number.isInteger(given) || given < 1 || given > 256) {
    throw new UsageError(`--threads: a whole number from 1 to 256${Number.isNaN(given) ? '' : `, not ${given}`}`);
  }
  return given;
}

/** The smallest file split across threads: DICOMWATCH_THREADS_MIN_BYTES when set (tests, tuning), else 192 MiB. */
function threadsMinBytes(env: NodeJS.ProcessEnv = process.env): number {
  const n = Number(env.DICOMWATCH_THREADS_MIN_BYTES);
  return env.DICOMWATCH_THREADS_MIN_BYTES !== undefined && Number.isInteger(n) && n >= 0 ? n : DEFAULT_THREADS_MIN_BYTES;
}


export const command = 'scan [files..]';
export const describe = 'run the rules over logs and print alerts';

export const examples: readonly Example[] = [
  ['$0 scan fixtures/sentinel-export.csv', 'alerts as a table'],
  ['$0 scan export.csv.gz --output csv --semantics kql', 'exactly what the advisory\'s KQL returns'],
  ['$0 scan fw.log --out alerts.jsonl', 'alerts.jsonl is replaced only when the scan succeeds'],
  ['$0 parse fw.jsonl | $0 scan - --ports 104,11112', 'from stdin, DICOM on both ports'],
];

export function builder(y: Argv) {
  return withRuleOptions(withInputOptions(y))
    .option('output', { alias: 'o', choices: Object.keys(ALERT_OUTPUTS) as AlertOutput[], describe: 'alert format (default: from --out\'s extension: .jsonl/.ndjson/.json jsonl, .csv csv, else table; without --out: table on a terminal, else jsonl)' })
    .option('threads', { type: 'number', describe: 'threads reading one large plain file (CSV, JSON Lines, AWS VPC, syslog without --year; at least 192 MiB, or $DICOMWATCH_THREADS_MIN_BYTES)', defaultDescription: 'the number of cores' })
    .option('prefilter', { type: 'boolean', default: true, describe: 'let parsers drop well-formed records whose destination port cannot match (--no-prefilter, or --strict-input, to check every value)' })
    .epilogue(examplesText(examples));
}

export interface OutputChoice {
  output: AlertOutput;
  /** Said on stderr when the choice may not be what the file's name suggests. */
  note?: string;
}

/**
 * The alert format: --output, else --out's extension, else a table for a person at a terminal and JSON Lines for a
 * pipe. `.json` gets JSON Lines (an alert per line streams and appends; an array would not) and a note saying so.
 */
export function chooseOutput(explicit: AlertOutput | undefined, out: string | undefined, stdoutIsTTY: boolean): OutputChoice {
  if (explicit) return { output: explicit };
  if (!out || out === '-') return { output: stdoutIsTTY ? 'table' : 'jsonl' };
  const ext = extname(out).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return { output: 'jsonl' };
  if (ext === '.csv') return { output: 'csv' };
  if (ext === '.txt') return { output: 'table' };
  if (ext === '.json') {
    return { output: 'jsonl', note: `--out ${out}: writing JSON Lines, one alert object per line (not a JSON array); --output jsonl to say so` };
  }
  return { output: 'table', note: `--out ${out}: writing a table (extension not .jsonl, .ndjson, .json or .csv); --output jsonl|csv|table to choose` };
}

export async function handler(args: RuleArgs & InputArgs & { output?: AlertOutput; out?: string; prefilter: boolean; threads?: number }): Promise<void> {
  const threads = threadCount(args.threads);
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
  let withoutPort = 0;
  let alerts: Alert[] | undefined;
  const tail = () => [
    `${engine.info.matched} events matched`,
    ...(alerts ? [`${alerts.length} alerts`] : []),
    ...(withoutPort > 0 ? [`${withoutPort} events had no destination port (use --map dstPort=Column if the log has one)`] : []),
  ];
  await reportedRun({ run, out, quiet: args.quiet, tail }, async (running) => {
    const threaded = async (file: string, now: number | undefined) => {
      const split = await scanThreaded(file, {
        threads, minBytes: threadsMinBytes(), plans: loaded.plans, read: run.read, ...(now !== undefined ? { now } : {}),
        maxErrors: MAX_PRINTED_ERRORS,
      });
      if (!split) return undefined;
      for (const snapshot of split.snapshots) engine.merge(snapshot);
      withoutPort += split.withoutPort;
      return split;
    };
    const totals = await forEachEvent(run, (e) => {
      if (lacksDstPort(e)) withoutPort++;
      engine.push(e);
    }, running, threads > 1 ? threaded : undefined);
    run.progress.stop();
    alerts = engine.end();
    const lines = new BufferedOutput(out);
    for (const line of alertLines(alerts, choice.output, RULE_AWARE.has(choice.output) ? loaded.plans : undefined)) {
      const pending = lines.line(line);
      if (pending) await pending;
    }
    await lines.flush();
    return totals;
  });
}
