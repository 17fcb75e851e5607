/**
 * Alerts written batch by batch, as buckets close, in the formats `scan` writes once at the end:
 * - jsonl: one alert per line, the same lines scan prints.
 * - csv: a header, then rows; a rule's header is written again only when another rule's rows came in between (one
 *   table per run of a rule, separated by a blank line, as scan separates rules). With the shipped rule this is one
 *   plain CSV whose rows come hour by hour.
 * - table: each batch is its own aligned table (column widths cannot be known before the alerts are), separated by
 *   a blank line.
 * A run without alerts ends as scan's does: the CSV header alone, or `no alerts`.
 */
import { alertLines, renderAlerts, type AlertOutput } from '../emit/alerts/index.js';
import type { Alert } from '../model/alert.js';
import type { QueryPlan } from '../rules/plan.js';

export interface LiveAlertWriter {
  /** The text of one batch (in alert order), each line ending in a newline; '' for no alerts. */
  batch(alerts: readonly Alert[]): string;
  /** What ends the run: scan's empty answer when no alert was written, else ''. */
  end(): string;
}

/**
 * `plans` give the rule-aware writers (OCSF, CEF) each rule's title, id and level, as `scan` gives them; the CSV
 * takes its headers from the alerts of each batch.
 */
export function liveAlertWriter(output: AlertOutput, plans?: readonly QueryPlan[]): LiveAlertWriter {
  let written = 0;
  /** CSV: the rule and header of the last table written. */
  let lastTable: string | undefined;
  return {
    batch(alerts) {
      if (alerts.length === 0) return '';
      let s = '';
      if (output === 'csv') {
        const rules = [...new Set(alerts.map((a) => a.rule))].sort();
        for (const rule of rules) {
          const [header, ...rows] = alertLines(alerts.filter((a) => a.rule === rule), 'csv');
          const table = `${rule}\u0000${header}`;
          if (table !== lastTable) s += `${written > 0 || s !== '' ? '\n' : ''}${header}\n`;
          lastTable = table;
          for (const row of rows) s += `${row}\n`;
        }
      } else {
        s = (output === 'table' && written > 0 ? '\n' : '') + renderAlerts(alerts, output, plans);
      }
      written += alerts.length;
      return s;
    },
    end: () => (written === 0 ? renderAlerts([], output) : ''),
  };
}
