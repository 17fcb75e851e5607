import type { Argv } from 'yargs';
import { KQL_TABLES, kqlTable } from '../../emit/kql/tables.js';
import { renderKqlRules } from '../../emit/kql/render.js';
import { rulesFromArgs, type RuleArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { openOutput, writeWhole } from '../io.js';
import { withRuleOptions } from '../options.js';

export const command = 'kql';
export const describe = 'print the rules as KQL for a Sentinel table';

export const examples: readonly Example[] = [
  ['$0 kql --semantics kql', 'the advisory\'s query, exactly'],
  ['$0 kql --ports 104,11112 --internal 198.18.0.0/15', 'IPv6-aware, with an extra internal range'],
];

export function builder(y: Argv) {
  return withRuleOptions(y)
    .option('table', { type: 'string', default: 'NetworkEvent', choices: Object.keys(KQL_TABLES), describe: 'target table' })
    .option('out', { type: 'string', describe: 'write to FILE instead of stdout (replaced only when all went well)' })
    .epilogue(examplesText(examples));
}

export async function handler(args: RuleArgs & { table: string; out?: string }): Promise<void> {
  const { plans } = await rulesFromArgs(args);
  await writeWhole(openOutput(args.out), () => `${renderKqlRules(plans, kqlTable(args.table))}\n`);
}
