/** Alert writers by `--output` name. Adding a format is a module plus one entry in each table here. */
import type { Alert } from '../../model/alert.js';
import { ALERT_CSV_HEADER, alertCsvRow } from './csv.js';
import { alertJsonLine } from './jsonl.js';
import { alertTableLines, renderAlertTable } from './table.js';

export const ALERT_OUTPUTS = {
  table: (alerts: readonly Alert[]) => renderAlertTable(alerts),
  jsonl: (alerts: readonly Alert[]) => alerts.map((a) => `${alertJsonLine(a)}\n`).join(''),
  csv: (alerts: readonly Alert[]) => [ALERT_CSV_HEADER, ...alerts.map(alertCsvRow)].join('\n') + '\n',
} as const satisfies Record<string, (alerts: readonly Alert[]) => string>;

export type AlertOutput = keyof typeof ALERT_OUTPUTS;

export function renderAlerts(alerts: readonly Alert[], output: AlertOutput): string {
  return ALERT_OUTPUTS[output](alerts);
}

const ALERT_LINES: Record<AlertOutput, (alerts: readonly Alert[]) => Iterable<string>> = {
  table: alertTableLines,
  *jsonl(alerts) {
    for (const a of alerts) yield alertJsonLine(a);
  },
  *csv(alerts) {
    yield ALERT_CSV_HEADER;
    for (const a of alerts) yield alertCsvRow(a);
  },
};

/**
 * The same text as renderAlerts, one line at a time (without its newline), for writers that stream: millions of
 * alerts would not fit in one string.
 */
export function alertLines(alerts: readonly Alert[], output: AlertOutput): Iterable<string> {
  return ALERT_LINES[output](alerts);
}
