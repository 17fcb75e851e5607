/** `dicomwatch sigma`: its yargs definition; the run itself (sigma-run.ts) is loaded when the command runs. */
import type { Argv } from 'yargs';
import type { RuleArgs } from '../rule-args.js';
import { examplesText, type Example } from '../help.js';
import { withRuleOptions } from '../options.js';

export const command = 'sigma';
export const describe = 'print the rules as Sigma YAML with the options applied';

export const examples: readonly Example[] = [
  ['$0 sigma --ports 104,11112 --allow 198.51.100.0/24', 'for another SIEM, with a teleradiology partner allowed'],
];

export function builder(y: Argv) {
  return withRuleOptions(y)
    .option('keep-placeholders', { type: 'boolean', default: false, describe: 'keep %internal_networks%, %dicom_ports% and the like instead of listing their values' })
    .option('out', { type: 'string', describe: 'write to FILE instead of stdout (replaced only when all went well)' })
    .epilogue(examplesText(examples));
}

export type SigmaArgs = RuleArgs & { keepPlaceholders: boolean; out?: string };

export async function handler(args: SigmaArgs): Promise<void> {
  const { runSigma } = await import('./sigma-run.js');
  await runSigma(args);
}
