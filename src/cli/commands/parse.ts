import type { Argv } from 'yargs';
import { eventToJson } from '../../model/event.js';
import { inputFiles, inputRun, type InputArgs } from '../context.js';
import { forEachEvent, formatSummary } from '../inputs.js';
import { BufferedOutput, openOutput } from '../io.js';
import { UsageError, withInputOptions } from '../options.js';

export const command = 'parse [files..]';
export const describe = 'print the normalized events as JSON Lines';

export function builder(y: Argv) {
  return withInputOptions(y)
    .example('$0 parse fixtures/sentinel-export.csv', 'one event per line')
    .example('$0 parse export.csv --map time=Start,srcIp=Client,dstIp=Server', 'with your own column names');
}

export async function handler(args: InputArgs & { out?: string }): Promise<void> {
  const files = inputFiles(args.files);
  if (files.length === 0) throw new UsageError('parse: give log files (or - for stdin)');
  const run = inputRun(args, files);
  const out = openOutput(args.out);
  const lines = new BufferedOutput(out);
  const totals = await forEachEvent(run, (e) => lines.line(eventToJson(e))).finally(() => run.progress.stop());
  await lines.flush();
  await out.close();
  if (!args.quiet) process.stderr.write(formatSummary(totals, files.length));
  if (totals.failed.length > 0) process.exitCode = 2;
}
