/** Alert writers by `--output` name. Adding a format is a module plus one entry here, and its name in names.ts. */
import type { AlertList } from '../../model/alert.js';
import type { QueryPlan } from '../../rules/plan.js';
import { alertCefLines } from './cef.js';
import { alertCsvLines } from './csv.js';
import { alertJsonLine } from './jsonl.js';
import { alertOcsfLines } from './ocsf.js';
import type { AlertOutput } from './names.js';
import { alertTableLines } from './table.js';

export { ALERT_OUTPUT_NAMES, type AlertOutput } from './names.js';

/**
 * Each writer gives its text line by line (without newlines), so any number of alerts streams out, from the alerts
 * (in alert order) and, optionally, the plans they came from: the CSV then also prints the header of a rule without
 * alerts, OCSF and CEF take the rule's title, description and Sigma id from them (without plans: the rule's name).
 */
export const ALERT_OUTPUTS = {
  table: (alerts: AlertList) => alertTableLines(alerts),
  *jsonl(alerts: AlertList) {
    for (const a of alerts) yield alertJsonLine(a);
  },
  csv: (alerts: AlertList, plans?: readonly QueryPlan[]) => alertCsvLines(alerts, plans),
  ocsf: (alerts: AlertList, plans?: readonly QueryPlan[]) => alertOcsfLines(alerts, plans),
  cef: (alerts: AlertList, plans?: readonly QueryPlan[]) => alertCefLines(alerts, plans),
} as const satisfies Record<AlertOutput, (alerts: AlertList, plans?: readonly QueryPlan[]) => Iterable<string>>;

/** The alerts as the lines of `output` (without newlines), for writers that stream. */
export function alertLines(alerts: AlertList, output: AlertOutput, plans?: readonly QueryPlan[]): Iterable<string> {
  return ALERT_OUTPUTS[output](alerts, plans);
}

/** The alerts as the text of `output`, each line ending in a newline. */
export function renderAlerts(alerts: AlertList, output: AlertOutput, plans?: readonly QueryPlan[]): string {
  let text = '';
  for (const line of alertLines(alerts, output, plans)) text += `${line}\n`;
  return text;
}
