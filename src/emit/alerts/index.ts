/** Alert writers by `--output` name. Adding a format is a module plus one entry here. */
import type { Alert } from '../../model/alert.js';
import type { QueryPlan } from '../../rules/plan.js';
import { renderAlertCsv } from './csv.js';
import { alertJsonLine } from './jsonl.js';
import { renderAlertTable } from './table.js';

/**
 * Each writer gets the alerts (in alert order) and, optionally, the plans they came from: the CSV then also prints
 * the header of a rule without alerts.
 */
export const ALERT_OUTPUTS = {
  table: (alerts: readonly Alert[]) => renderAlertTable(alerts),
  jsonl: (alerts: readonly Alert[]) => alerts.map((a) => `${alertJsonLine(a)}\n`).join(''),
  csv: (alerts: readonly Alert[], plans?: readonly QueryPlan[]) => renderAlertCsv(alerts, plans),
} as const satisfies Record<string, (alerts: readonly Alert[], plans?: readonly QueryPlan[]) => string>;

export type AlertOutput = keyof typeof ALERT_OUTPUTS;

export function renderAlerts(alerts: readonly Alert[], output: AlertOutput, plans?: readonly QueryPlan[]): string {
  return ALERT_OUTPUTS[output](alerts, plans);
}
