/** `dicomwatch sigma`'s run, loaded by its handler (sigma.ts) only when the command runs. */
import { renderSigma } from '../../emit/sigma.js';
import { expandPlaceholders, internalNetworks } from '../../rules/options.js';
import { rulesFromArgs } from '../rule-args.js';
import { openOutput, writeWhole } from '../io.js';
import type { SigmaArgs } from './sigma.js';

export async function runSigma(args: SigmaArgs): Promise<void> {
  const { rules, network, placeholders } = await rulesFromArgs(args);
  const shown = args.keepPlaceholders ? rules : expandPlaceholders(rules, internalNetworks(network.semantics, network.internal), placeholders);
  await writeWhole(openOutput(args.out), () => renderSigma(shown));
}
