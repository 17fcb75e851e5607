import { ALERT_GROUP_FIELDS, type Alert, type AlertList } from '../../model/alert.js';
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
  /** Shown only when some alert has it (a group key, VALUE); else always. */
  has?(a: Alert): boolean;
}

/**
 * Every column a table may have: COUNT, VALUE when an aggregate has one (value_count), the group keys some alert
 * has (blank for an alert whose rule does not group on it, `-` for a null key), then hour, ports, actions, rule.
 */
const COLUMNS: readonly Column[] = [
  { title: 'COUNT', cell: (a) => String(a.count), right: true },
  { title: 'VALUE', cell: (a) => String(a.value ?? ''), right: true, has: (a) => a.value !== undefined },
  ...ALERT_GROUP_FIELDS.map((f): Column => ({
    title: KEY_TITLES[f],
    cell: (a) => (a[f] === undefined ? '' : a[f] === null ? '-' : String(a[f])),
    has: (a) => a[f] !== undefined,
  })),
  { title: 'HOUR (UTC)', cell: (a) => a.time.slice(0, 16).replace('T', ' ') },
  { title: 'PORTS', cell: (a) => a.dstPorts.join(',') },
  { title: 'ACTIONS', cell: (a) => Object.entries(a.actions).map(([k, v]) => `${k}:${v}`).join(' ') || '-' },
  { title: 'RULE', cell: (a) => a.rule },
];

/**
 * The columns these alerts show and each one's width over the header and every row, in one pass (a lazy list
 * builds each alert on every pass). A loop: `Math.max(...widths)` overflows the stack above ~100k rows.
 */
function columnsFor(alerts: AlertList): { columns: Column[]; widths: number[] } {
  const widths = COLUMNS.map((c) => c.title.length);
  const shown = COLUMNS.map((c) => c.has === undefined);
  for (const a of alerts) {
    for (let i = 0; i < COLUMNS.length; i++) {
      const c = COLUMNS[i]!;
      if (!shown[i] && c.has!(a)) shown[i] = true;
      const length = c.cell(a).length;
      if (length > widths[i]!) widths[i] = length;
    }
  }
  return { columns: COLUMNS.filter((_, i) => shown[i]), widths: widths.filter((_, i) => shown[i]) };
}

function aligned(columns: readonly Column[], row: readonly string[], widths: readonly number[]): string {
  return row.map((c, i) => (columns[i]!.right ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
}

/** The table line by line (no newlines), the header first: any number of alerts, never one huge string. */
export function* alertTableLines(alerts: AlertList): Generator<string> {
  if (alerts.length === 0) {
    yield 'no alerts';
    return;
  }
  const { columns, widths } = columnsFor(alerts);
  yield aligned(columns, columns.map((c) => c.title), widths);
  for (const a of alerts) yield aligned(columns, columns.map((c) => c.cell(a)), widths);
}

/** Aligned columns for a terminal; the numbers are right-aligned. */
export function renderAlertTable(alerts: AlertList): string {
  let text = '';
  for (const line of alertTableLines(alerts)) text += `${line}\n`;
  return text;
}
