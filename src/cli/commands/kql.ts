/** `dicomwatch kql`: its yargs definition; the run itself (kql-run.ts) is loaded when the command runs. */
import type { Argv } from 'yargs';
import { KQL_TABLES, kqlTableNames } from '../../emit/kql/tables.js';
import type { RuleArgs } from '../rule-args.js';
import { examplesText, type Example } from '../help.js';
import { withRuleOptions } from '../options.js';

export const command = 'kql';
export const describe = 'print the rules as KQL for a Sentinel table';

export const examples: readonly Example[] = [
  ['$0 kql --semantics kql', 'the advisory\'s query, exactly'],
  ['$0 kql --ports 104,11112 --internal 198.18.0.0/15', 'IPv6-aware, with an extra internal range'],
  ['$0 kql --table _Im_NetworkSession --lookback 1d', 'every ASIM network-session source, last day'],
  ['$0 kql --format analytics-rule', 'a Sentinel scheduled analytics rule (YAML)'],
  ['$0 kql --format arm', 'the same rule as an ARM template'],
];

export const KQL_FORMATS = ['kql', 'analytics-rule', 'arm'] as const;
export type KqlFormat = (typeof KQL_FORMATS)[number];

export function builder(y: Argv) {
  return withRuleOptions(y)
    .option('table', { type: 'string', default: 'NetworkEvent', choices: kqlTableNames(), describe: 'target Sentinel table (see below)' })
    .option('format', { choices: KQL_FORMATS, default: 'kql' as KqlFormat, describe: 'kql: the query; analytics-rule: a Sentinel scheduled rule (Azure-Sentinel Detections YAML); arm: the rule as an ARM template' })
    .option('lookback', { type: 'string', describe: 'only rows newer than this KQL timespan (e.g. 1d, 12h); also the analytics rule\'s query period' })
    .option('out', { type: 'string', describe: 'write to FILE instead of stdout (replaced only when all went well)' })
    .epilogue(`${examplesText(examples)}\n\nTables:\n${kqlTableNames().map((n) => `  ${n}: ${KQL_TABLES[n]!.description}`).join('\n')}`);
}

export type KqlArgs = RuleArgs & { table: string; out?: string; format?: KqlFormat; lookback?: string };

export async function handler(args: KqlArgs): Promise<void> {
  const { runKql } = await import('./kql-run.js');
  await runKql(args);
}

/** One line, whatever a rule's name or title holds: the message is a diagnostic, not a report. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}
