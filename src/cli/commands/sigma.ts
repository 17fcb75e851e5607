import type { Argv } from 'yargs';
import { renderSigma } from '../../emit/sigma.js';
import { expandPlaceholders, internalNetworks } from '../../rules/options.js';
import { rulesFromArgs, type RuleArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { openOutput, writeWhole } from '../io.js';
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

export async function handler(args: RuleArgs & { keepPlaceholders: boolean; out?: string }): Promise<void> {
  const { rules, network, placeholders } = await rulesFromArgs(args);
  const shown = args.keepPlaceholders ? rules : expandPlaceholders(rules, internalNetworks(network.semantics, network.internal), placeholders);
  await writeWhole(openOutput(args.out), () => renderSigma(shown));
}
