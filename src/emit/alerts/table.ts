import { ALERT_GROUP_FIELDS, type Alert } from '../../model/alert.js';
import type { EventField } from '../../rules/plan.js';

/** Column titles of the group keys. */
const KEY_TITLES: Readonly<Record<EventField, string>> = {
  srcIp: 'SOURCE',
  dstIp: 'DESTINATION',
  srcPort: 'SRC PORT',
  dstPort: 'DST PORT',
  protocol: 'PROTOCOL',
  action: 'ACTION',
  device: 'DEVICE',
};

interface Column {
  title: string;
  cell(a: Alert): string;
  /** Numbers are right-aligned. */
  right?: boolean;
}

/**
 * The columns for these alerts: COUNT, VALUE when an aggregate has one (value_count), the group keys some alert
 * has (blank for an alert whose rule does not group on it, `-` for a null key), then hour, ports, actions, rule.
 */
function columnsFor(alerts: readonly Alert[]): Column[] {
  const keys = ALERT_GROUP_FIELDS.filter((f) => alerts.some((a) => a[f] !== undefined));
  return [
    { title: 'COUNT', cell: (a) => String(a.count), right: true },
    ...(alerts.some((a) => a.value !== undefined) ? [{ title: 'VALUE', cell: (a: Alert) => String(a.value ?? ''), right: true }] : []),
    ...keys.map((f) => ({ title: KEY_TITLES[f], cell: (a: Alert) => (a[f] === undefined ? '' : a[f] === null ? '-' : String(a[f])) })),
    { title: 'HOUR (UTC)', cell: (a) => a.time.slice(0, 16).replace('T', ' ') },
    { title: 'PORTS', cell: (a) => a.dstPorts.join(',') },
    { title: 'ACTIONS', cell: (a) => Object.entries(a.actions).map(([k, v]) => `${k}:${v}`).join(' ') || '-' },
    { title: 'RULE', cell: (a) => a.rule },
  ];
}

/** Aligned columns for a terminal; the numbers are right-aligned. */
export function renderAlertTable(alerts: readonly Alert[]): string {
  if (alerts.length === 0) return 'no alerts\n';
  const columns = columnsFor(alerts);
  const rows = [columns.map((c) => c.title), ...alerts.map((a) => columns.map((c) => c.cell(a)))];
  const widths = columns.map((_, i) => rows.reduce((w, r) => Math.max(w, r[i]!.length), 0));
  return rows
    .map((r) => r.map((c, i) => (columns[i]!.right ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd())
    .join('\n') + '\n';
}
