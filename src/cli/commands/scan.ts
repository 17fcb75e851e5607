/** `dicomwatch scan`: its yargs definition; the run itself (scan-run.ts) is loaded when the command runs. */
import { extname } from 'node:path';
import type { Argv } from 'yargs';
import { ALERT_OUTPUT_NAMES, type AlertOutput } from '../../emit/alerts/names.js';
import type { InputArgs } from '../context.js';
import type { RuleArgs } from '../rule-args.js';
import { examplesText, type Example } from '../help.js';
import { withInputOptions, withRuleOptions } from '../options.js';

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
    .option('output', { alias: 'o', choices: ALERT_OUTPUT_NAMES, describe: 'alert format (default: from --out\'s extension: .jsonl/.ndjson/.json jsonl, .csv csv, else table; without --out: table on a terminal, else jsonl)' })
    .option('threads', { type: 'string', describe: 'threads reading one large plain file (CSV, JSON Lines, AWS VPC, syslog without --year; at least 1 GiB, or $DICOMWATCH_THREADS_MIN_BYTES)', defaultDescription: 'the number of cores' })
    .option('prefilter', { type: 'boolean', default: true, describe: 'let parsers drop well-formed records whose destination port cannot match (--no-prefilter, or --strict-input, to check every value)' })
    .epilogue(examplesText(examples));
}

export type ScanArgs = RuleArgs & InputArgs & { output?: AlertOutput; out?: string; prefilter: boolean; threads?: string };

export async function handler(args: ScanArgs): Promise<void> {
  const { runScan } = await import('./scan-run.js');
  await runScan(args);
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
