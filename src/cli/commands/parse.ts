import type { Argv } from 'yargs';
import { eventToJson } from '../../model/event.js';
import { inputFiles, inputRun, reportedRun, type InputArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { forEachEvent } from '../inputs.js';
import { BufferedOutput, openOutput } from '../io.js';
import { UsageError, withInputOptions } from '../options.js';

export const command = 'parse [files..]';
export const describe = 'print the normalized events as JSON Lines';

export const examples: readonly Example[] = [
  ['$0 parse fixtures/sentinel-export.csv', 'one event per line'],
  ['$0 parse export.csv --map time=Start,srcIp=Client,dstIp=Server', 'with your own column names'],
];

export function builder(y: Argv) {
  return withInputOptions(y).epilogue(examplesText(examples));
}

export async function handler(args: InputArgs & { out?: string }): Promise<void> {
  const files = inputFiles(args.files);
  if (files.length === 0) throw new UsageError('parse: give log files (or - for stdin)');
  const run = inputRun(args, files);
  const out = openOutput(args.out);
  await reportedRun({ run, out, quiet: args.quiet }, async (running) => {
    const lines = new BufferedOutput(out);
    const totals = await forEachEvent(run, (e) => lines.line(eventToJson(e)), running);
    run.progress.stop();
    await lines.flush();
    return totals;
  });
}
