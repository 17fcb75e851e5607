import type { Alert } from '../../model/alert.js';

const COLUMNS = ['COUNT', 'SOURCE', 'DESTINATION', 'HOUR (UTC)', 'PORTS', 'ACTIONS', 'RULE'] as const;

function cells(a: Alert): string[] {
  const actions = Object.entries(a.actions).map(([k, v]) => `${k}:${v}`).join(' ');
  return [String(a.count), a.srcIp, a.dstIp, a.time.slice(0, 16).replace('T', ' '), a.dstPorts.join(','), actions || '-', a.rule];
}

/** Each column's width over the header and every row, in a loop: `Math.max(...widths)` overflows the stack above ~100k rows. */
function columnWidths(alerts: readonly Alert[]): number[] {
  const widths = COLUMNS.map((c) => c.length);
  for (const a of alerts) {
    cells(a).forEach((c, i) => {
      if (c.length > widths[i]!) widths[i] = c.length;
    });
  }
  return widths;
}

function aligned(row: readonly string[], widths: readonly number[]): string {
  return row.map((c, i) => (i === 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
}

/** The table line by line (no newlines), the header first: any number of alerts, never one huge string. */
export function* alertTableLines(alerts: readonly Alert[]): Generator<string> {
  if (alerts.length === 0) {
    yield 'no alerts';
    return;
  }
  const widths = columnWidths(alerts);
  yield aligned(COLUMNS, widths);
  for (const a of alerts) yield aligned(cells(a), widths);
}

/** Aligned columns for a terminal; the count is right-aligned. */
export function renderAlertTable(alerts: readonly Alert[]): string {
  let text = '';
  for (const line of alertTableLines(alerts)) text += `${line}\n`;
  return text;
}
