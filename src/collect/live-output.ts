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
import { alertLines, type AlertOutput } from '../emit/alerts/index.js';
import type { Alert } from '../model/alert.js';

export interface LiveAlertWriter {
  /** The text of one batch (in alert order), each line ending in a newline; '' for no alerts. */
  batch(alerts: readonly Alert[]): string;
  /** What ends the run: scan's empty answer when no alert was written, else ''. */
  end(): string;
}

export function liveAlertWriter(output: AlertOutput): LiveAlertWriter {
  let written = 0;
  /** CSV: the rule and header of the last table written. */
  let lastTable: string | undefined;
  const text = (lines: Iterable<string>) => {
    let s = '';
    for (const line of lines) s += `${line}\n`;
    return s;
  };
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
          s += text(rows);
        }
      } else {
        s = (output === 'table' && written > 0 ? '\n' : '') + text(alertLines(alerts, output));
      }
      written += alerts.length;
      return s;
    },
    end: () => (written === 0 ? text(alertLines([], output)) : ''),
  };
}
