import type { Argv } from 'yargs';
import { KQL_TABLES, kqlTable, kqlTableNames } from '../../emit/kql/tables.js';
import { KqlEmitError, renderKql, renderKqlRules } from '../../emit/kql/render.js';
import { rulesFromArgs, type RuleArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { openOutput, writeWhole } from '../io.js';
import { UsageError, withRuleOptions } from '../options.js';

export const command = 'kql';
export const describe = 'print the rules as KQL for a Sentinel table';

export const examples: readonly Example[] = [
  ['$0 kql --semantics kql', 'the advisory\'s query, exactly'],
  ['$0 kql --ports 104,11112 --internal 198.18.0.0/15', 'IPv6-aware, with an extra internal range'],
  ['$0 kql --table _Im_NetworkSession', 'the same hunt over every ASIM network-session source'],
];

export function builder(y: Argv) {
  return withRuleOptions(y)
    .option('table', { type: 'string', default: 'NetworkEvent', choices: kqlTableNames(), describe: 'target Sentinel table (see below)' })
    .option('out', { type: 'string', describe: 'write to FILE instead of stdout (replaced only when all went well)' })
    .epilogue(`${examplesText(examples)}\n\nTables:\n${kqlTableNames().map((n) => `  ${n}: ${KQL_TABLES[n]!.description}`).join('\n')}`);
}

/** One line, whatever a rule's name or title holds: the message is a diagnostic, not a report. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

export async function handler(args: RuleArgs & { table: string; out?: string }): Promise<void> {
  const { plans } = await rulesFromArgs(args);
  const table = kqlTable(args.table);
  // A rule this table cannot express is said in one located line. When no rule can be expressed, that is bad usage
  // of --table/--rules (exit 2, before any output is opened); when some can (the pack on a table without an
  // action column), the others are printed and each one left out is a warning on stderr.
  const refused: KqlEmitError[] = [];
  const renderable = plans.filter((plan) => {
    try {
      renderKql(plan, table);
      return true;
    } catch (e) {
      if (e instanceof KqlEmitError) refused.push(e);
      else throw e;
      return false;
    }
  });
  if (renderable.length === 0 && refused.length > 0) throw new UsageError(oneLine(refused[0]!.message));
  const text = renderKqlRules(renderable, table);
  for (const e of refused) process.stderr.write(`dicomwatch: warning: ${oneLine(e.message)} (left out; see --table)\n`);
  await writeWhole(openOutput(args.out), () => `${text}\n`);
}
