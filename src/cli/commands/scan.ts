import type { Argv } from 'yargs';
import { ALERT_OUTPUTS, renderAlerts, type AlertOutput } from '../../emit/alerts/index.js';
import { createEngine } from '../../rules/engine.js';
import { inputFiles, inputRun, prefilterFor, rulesFromArgs, type InputArgs, type RuleArgs } from '../context.js';
import { forEachEvent, formatSummary } from '../inputs.js';
import { openOutput } from '../io.js';
import { UsageError, withInputOptions, withRuleOptions } from '../options.js';

export const command = 'scan [files..]';
export const describe = 'run the rules over logs and print alerts';

export function builder(y: Argv) {
  return withRuleOptions(withInputOptions(y))
    .option('output', { alias: 'o', choices: Object.keys(ALERT_OUTPUTS) as AlertOutput[], describe: 'alert format (default: table on a terminal, else jsonl; from --out\'s extension)' })
    .option('prefilter', { type: 'boolean', default: true, describe: 'let parsers drop records whose destination port cannot match (--no-prefilter to parse everything)' })
    .example('$0 scan fixtures/sentinel-export.csv', 'alerts as a table')
    .example('$0 scan export.csv.gz --output csv --semantics kql', 'exactly what the advisory\'s KQL returns')
    .example('$0 parse fw.jsonl | $0 scan - --ports 104,11112', 'from stdin, DICOM on both ports');
}

function chooseOutput(explicit: AlertOutput | undefined, out: string | undefined): AlertOutput {
  if (explicit) return explicit;
  if (out) return /\.csv$/i.test(out) ? 'csv' : /\.jsonl?$/i.test(out) ? 'jsonl' : 'table';
  return process.stdout.isTTY ? 'table' : 'jsonl';
}

export async function handler(args: RuleArgs & InputArgs & { output?: AlertOutput; out?: string; prefilter: boolean }): Promise<void> {
  const loaded = await rulesFromArgs(args);
  const files = inputFiles(args.files);
  if (files.length === 0) throw new UsageError('scan: give log files (or - for stdin)');
  const run = inputRun(args, files, args.prefilter ? prefilterFor(loaded) : undefined);
  const out = openOutput(args.out);
  const engine = createEngine(loaded.plans, { trusted: true }); // events come from our parsers: already canonical
  // Events without a destination port can never match a port rule: said in the summary, so a log whose port
  // column went unrecognized does not pass for a quiet network.
  let withoutPort = 0;
  const totals = await forEachEvent(run, (e) => {
    if (e.dstPort === undefined) withoutPort++;
    engine.push(e);
  }).finally(() => run.progress.stop());
  const alerts = engine.end();
  await out.write(renderAlerts(alerts, chooseOutput(args.output, args.out)));
  await out.close();
  if (!args.quiet) {
    const tail = [`${engine.info.matched} events matched`, `${alerts.length} alerts`];
    if (withoutPort > 0) tail.push(`${withoutPort} events had no destination port (use --map dstPort=Column if the log has one)`);
    process.stderr.write(formatSummary(totals, files.length, tail));
  }
  if (totals.failed.length > 0) process.exitCode = 2;
}
