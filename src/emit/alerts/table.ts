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

/** Each column's width over the header and every row, in a loop: `Math.max(...widths)` overflows the stack above ~100k rows. */
function columnWidths(columns: readonly Column[], alerts: readonly Alert[]): number[] {
  const widths = columns.map((c) => c.title.length);
  for (const a of alerts) {
    columns.forEach((c, i) => {
      const length = c.cell(a).length;
      if (length > widths[i]!) widths[i] = length;
    });
  }
  return widths;
}

function aligned(columns: readonly Column[], row: readonly string[], widths: readonly number[]): string {
  return row.map((c, i) => (columns[i]!.right ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
}

/** The table line by line (no newlines), the header first: any number of alerts, never one huge string. */
export function* alertTableLines(alerts: readonly Alert[]): Generator<string> {
  if (alerts.length === 0) {
    yield 'no alerts';
    return;
  }
  const columns = columnsFor(alerts);
  const widths = columnWidths(columns, alerts);
  yield aligned(columns, columns.map((c) => c.title), widths);
  for (const a of alerts) yield aligned(columns, columns.map((c) => c.cell(a)), widths);
}

/** Aligned columns for a terminal; the numbers are right-aligned. */
export function renderAlertTable(alerts: readonly Alert[]): string {
  let text = '';
  for (const line of alertTableLines(alerts)) text += `${line}\n`;
  return text;
}
