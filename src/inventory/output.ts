/** Table, JSON Lines and CSV for listeners and inventory entries: each writer gives lines without newlines. */
import { csvField } from '../emit/alerts/csv.js';
import { listenerJsonObject, verdictText, type Listener } from './listeners/model.js';
import type { InventoryOutput } from './output-names.js';
import { inventoryJsonObject, type InventoryEntry } from './traffic.js';

export { INVENTORY_OUTPUTS, type InventoryOutput } from './output-names.js';

interface Column<T> {
  title: string;
  cell(row: T): string;
  right?: boolean;
}

function* table<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): Generator<string> {
  if (rows.length === 0) {
    yield empty;
    return;
  }
  const widths = columns.map((c) => c.title.length);
  const cells = rows.map((r) => columns.map((c, i) => {
    const text = c.cell(r);
    if (text.length > widths[i]!) widths[i] = text.length;
    return text;
  }));
  const line = (row: readonly string[]) => row.map((c, i) => (columns[i]!.right ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  yield line(columns.map((c) => c.title));
  for (const row of cells) yield line(row);
}

const LISTENER_COLUMNS: readonly Column<Listener>[] = [
  { title: 'HOST', cell: (l) => l.host ?? '' },
  { title: 'ADDRESS', cell: (l) => l.address },
  { title: 'PORT', cell: (l) => String(l.port), right: true },
  { title: 'SCOPE', cell: (l) => l.scope },
  { title: 'PROCESS', cell: (l) => l.process ?? '' },
  { title: 'PID', cell: (l) => (l.pid === undefined ? '' : String(l.pid)), right: true },
  { title: 'SOURCE', cell: (l) => l.source },
  { title: 'VERDICT', cell: (l) => verdictText(l) },
];

const LISTENER_CSV = ['host', 'address', 'port', 'protocol', 'scope', 'process', 'pid', 'user', 'source', 'verdict', 'file', 'line'] as const;

export function* listenerLines(listeners: readonly Listener[], output: InventoryOutput): Generator<string> {
  if (output === 'jsonl') {
    for (const l of listeners) yield JSON.stringify(listenerJsonObject(l));
  } else if (output === 'csv') {
    yield LISTENER_CSV.join(',');
    for (const l of listeners) yield LISTENER_CSV.map((k) => csvField(l[k] === undefined ? '' : String(l[k]))).join(',');
  } else {
    yield* table(listeners, LISTENER_COLUMNS, 'no listeners on DICOM ports');
  }
}

const INVENTORY_COLUMNS: readonly Column<InventoryEntry>[] = [
  { title: 'IP', cell: (e) => e.ip },
  { title: 'PORTS', cell: (e) => e.ports.join(',') },
  { title: 'FIRST SEEN', cell: (e) => e.firstSeen ?? '' },
  { title: 'LAST SEEN', cell: (e) => e.lastSeen ?? '' },
  { title: 'PEERS', cell: (e) => String(e.peers), right: true },
  { title: 'EXTERNAL', cell: (e) => String(e.externalPeers), right: true },
  { title: 'EXPOSED', cell: (e) => (e.exposed ? 'yes' : 'no') },
  { title: 'KNOWN', cell: (e) => (e.known === undefined ? '' : e.known ? 'yes' : 'NO') },
  { title: 'DEVICES', cell: (e) => e.devices.join(',') },
  { title: 'SOURCE', cell: (e) => (e.source === 'nmap' ? `nmap${e.services?.some((s) => s.dicomPing) ? ' (dicom-ping)' : ''}` : e.source) },
];

const INVENTORY_CSV = ['ip', 'ports', 'firstSeen', 'lastSeen', 'peers', 'externalPeers', 'exposed', 'known', 'bytes', 'connections', 'devices', 'source'] as const;

export function* inventoryLines(entries: readonly InventoryEntry[], output: InventoryOutput): Generator<string> {
  if (output === 'jsonl') {
    for (const e of entries) yield JSON.stringify(inventoryJsonObject(e));
  } else if (output === 'csv') {
    yield INVENTORY_CSV.join(',');
    for (const e of entries) {
      yield INVENTORY_CSV.map((k) => {
        const v = e[k];
        return csvField(v === undefined ? '' : Array.isArray(v) ? v.join(';') : String(v));
      }).join(',');
    }
  } else {
    yield* table(entries, INVENTORY_COLUMNS, 'no DICOM servers found');
  }
}
