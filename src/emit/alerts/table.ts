import type { Alert } from '../../model/alert.js';

const COLUMNS = ['COUNT', 'SOURCE', 'DESTINATION', 'HOUR (UTC)', 'PORTS', 'ACTIONS', 'RULE'] as const;

function cells(a: Alert): string[] {
  const actions = Object.entries(a.actions).map(([k, v]) => `${k}:${v}`).join(' ');
  return [String(a.count), a.srcIp, a.dstIp, a.time.slice(0, 16).replace('T', ' '), a.dstPorts.join(','), actions || '-', a.rule];
}

/** Aligned columns for a terminal; the count is right-aligned. */
export function renderAlertTable(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return 'no alerts\n';
  const rows = [COLUMNS as readonly string[], ...alerts.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) => r.map((c, i) => (i === 0 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n') + '\n';
}
