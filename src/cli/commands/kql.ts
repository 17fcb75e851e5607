import type { Argv } from 'yargs';
import { KQL_TABLES, kqlTable, kqlTableNames } from '../../emit/kql/tables.js';
import { KqlEmitError, renderKql, renderKqlRules } from '../../emit/kql/render.js';
import { parseKqlTimespan } from '../../emit/kql/timespan.js';
import { DeployError, renderAnalyticsRules, renderArmTemplate } from '../../emit/deploy/sentinel.js';
import type { KqlRenderOptions } from '../../emit/kql/lookback.js';
import { rulesFromArgs, type RuleArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { openOutput, writeWhole } from '../io.js';
import { UsageError, visible, withRuleOptions } from '../options.js';

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
type KqlFormat = (typeof KQL_FORMATS)[number];

export function builder(y: Argv) {
  return withRuleOptions(y)
    .option('table', { type: 'string', default: 'NetworkEvent', choices: kqlTableNames(), describe: 'target Sentinel table (see below)' })
    .option('format', { choices: KQL_FORMATS, default: 'kql' as KqlFormat, describe: 'kql: the query; analytics-rule: a Sentinel scheduled rule (Azure-Sentinel Detections YAML); arm: the rule as an ARM template' })
    .option('lookback', { type: 'string', describe: 'only rows newer than this KQL timespan (e.g. 1d, 12h); also the analytics rule\'s query period' })
    .option('out', { type: 'string', describe: 'write to FILE instead of stdout (replaced only when all went well)' })
    .epilogue(`${examplesText(examples)}\n\nTables:\n${kqlTableNames().map((n) => `  ${n}: ${KQL_TABLES[n]!.description}`).join('\n')}`);
}

/** One line, whatever a rule's name or title holds: the message is a diagnostic, not a report. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/** `--lookback`: a KQL timespan, parsed and re-printed (never pasted into the query). */
export function parseLookback(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseKqlTimespan(String(text));
  } catch (e) {
    throw new UsageError(`--lookback: ${visible((e as Error).message)}`);
  }
}

const RENDER: Readonly<Record<KqlFormat, typeof renderKqlRules>> = {
  kql: renderKqlRules,
  'analytics-rule': renderAnalyticsRules,
  arm: renderArmTemplate,
};

export async function handler(args: RuleArgs & { table: string; out?: string; format?: KqlFormat; lookback?: string }): Promise<void> {
  const lookbackMs = parseLookback(args.lookback);
  const options: KqlRenderOptions = lookbackMs === undefined ? {} : { lookbackMs };
  const { plans } = await rulesFromArgs(args);
  const table = kqlTable(args.table);
  // A rule this table cannot express is said in one located line. When no rule can be expressed, that is bad usage
  // of --table/--rules (exit 2, before any output is opened); when some can (the pack on a table without an
  // action column), the others are printed and each one left out is a warning on stderr.
  const refused: KqlEmitError[] = [];
  const renderable = plans.filter((plan) => {
    try {
      renderKql(plan, table, options);
      return true;
    } catch (e) {
      if (e instanceof KqlEmitError) refused.push(e);
      else throw e;
      return false;
    }
  });
  if (renderable.length === 0 && refused.length > 0) throw new UsageError(oneLine(refused[0]!.message));
  let text: string;
  try {
    text = RENDER[args.format ?? 'kql'](renderable, table, options);
  } catch (e) {
    if (e instanceof KqlEmitError || e instanceof DeployError) throw new UsageError(oneLine(e.message));
    throw e;
  }
  for (const e of refused) process.stderr.write(`dicomwatch: warning: ${oneLine(e.message)} (left out; see --table)\n`);
  await writeWhole(openOutput(args.out), () => (text.endsWith('\n') ? text : `${text}\n`));
}
