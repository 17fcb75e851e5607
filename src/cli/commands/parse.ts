/** `dicomwatch parse`: its yargs definition; the run itself (parse-run.ts) is loaded when the command runs. */
import type { Argv } from 'yargs';
import type { InputArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { withInputOptions } from '../options.js';

export const command = 'parse [files..]';
export const describe = 'print the normalized events as JSON Lines';

export const examples: readonly Example[] = [
  ['$0 parse fixtures/sentinel-export.csv', 'one event per line'],
  ['$0 parse export.csv --map time=Start,srcIp=Client,dstIp=Server', 'with your own column names'],
];

export function builder(y: Argv) {
  return withInputOptions(y).epilogue(examplesText(examples));
}

export type ParseArgs = InputArgs & { out?: string };

export async function handler(args: ParseArgs): Promise<void> {
  const { runParse } = await import('./parse-run.js');
  await runParse(args);
}
