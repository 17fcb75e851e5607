/** `dicomwatch kql`'s run, loaded by its handler (kql.ts) only when the command runs. */
import { kqlTable } from '../../emit/kql/tables.js';
import { KqlEmitError, renderKql, renderKqlRules } from '../../emit/kql/render.js';
import { parseKqlTimespan } from '../../emit/kql/timespan.js';
import { DeployError, renderAnalyticsRules, renderArmTemplate } from '../../emit/deploy/sentinel.js';
import type { KqlRenderOptions } from '../../emit/kql/lookback.js';
import { rulesFromArgs } from '../rule-args.js';
import { openOutput, writeWhole } from '../io.js';
import { UsageError } from '../options.js';
import { visible } from '../validate.js';
import { oneLine, type KqlArgs, type KqlFormat } from './kql.js';

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

export async function runKql(args: KqlArgs): Promise<void> {
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
  // (the output opened first: an --out that cannot be written is the one message, not one after the warnings)
  const out = openOutput(args.out);
  for (const e of refused) process.stderr.write(`dicomwatch: warning: ${oneLine(e.message)} (left out; see --table)\n`);
  await writeWhole(out, () => (text.endsWith('\n') ? text : `${text}\n`));
}
