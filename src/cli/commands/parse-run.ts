/** `dicomwatch parse`'s run, loaded by its handler (parse.ts) only when the command runs. */
import { eventToJson } from '../../model/event.js';
import { inputFiles, inputRun, reportedRun } from '../context.js';
import { forEachEvent } from '../inputs.js';
import { BufferedOutput, openOutput } from '../io.js';
import { UsageError } from '../options.js';
import type { ParseArgs } from './parse.js';

export async function runParse(args: ParseArgs): Promise<void> {
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
