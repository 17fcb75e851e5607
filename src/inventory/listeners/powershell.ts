/**
 * PowerShell's `Get-NetTCPConnection` (NetTCPIP module; objects of the CIM class MSFT_NetTCPConnection, whose
 * properties are LocalAddress, LocalPort, RemoteAddress, RemotePort, State, AppliedSetting, OwningProcess,
 * CreationTime, OffloadState…, learn.microsoft.com "MSFT_NetTCPConnection class"), saved four ways:
 *
 * - `| ConvertTo-Json`: an array (one object when there is one connection). The State enum is written as its
 *   NUMBER (Closed 1, Listen 2, SynSent 3 … DeleteTCB 12, Bound 100: the MIB_TCP_STATE values), or as its name with
 *   PowerShell 7's `-EnumsAsStrings`. `PSComputerName` names the host when the objects came through `-CimSession`
 *   or `Invoke-Command`. `line` is the element's 1-based index.
 * - `| Export-Csv`: a header of property names (Windows PowerShell 5.1 puts a `#TYPE …MSFT_NetTCPConnection` line
 *   first; `-UseCulture` may make `;` the delimiter); State is the enum's name (`Listen`).
 * - the default table (`Get-NetTCPConnection -State Listen > file.txt`, or `| Format-Table`): fixed-width columns
 *   under a header and a dashed rule, `LocalAddress LocalPort RemoteAddress RemotePort State AppliedSetting
 *   OwningProcess`;
 * - `| Format-List`: `Name : value` lines, one blank-line-separated block per connection.
 *
 * Windows PowerShell 5.1's `>` and `Out-File` write UTF-16LE with a BOM; the reader decodes it (text.ts).
 *
 * A record is a listener when State is Listen (2); without a State property (a `Select-Object` that dropped it after
 * `-State Listen`) when it has no remote port or remote port 0, as listening sockets show. A process name is read
 * from `ProcessName`/`Process` (added with a calculated property), a host from `PSComputerName`, `ComputerName`,
 * `Host`, `HostName`; other hosts come from the file name.
 */
import { detectDelimiter } from '../../parsers/csv.js';
import type * as CsvParse from 'csv-parse/sync';
import { lazily } from '../../lazy.js';
import { fields, type ListenerLineFormat } from './format.js';
import { badRow, bindAddress, listener, portNumber, skipRow, type RowResult } from './model.js';

const csvParse = lazily<typeof CsvParse>('csv-parse/sync');

/** MSFT_NetTCPConnection.State (uint8) values. */
const STATE_NAMES: Readonly<Record<number, string>> = {
  1: 'Closed', 2: 'Listen', 3: 'SynSent', 4: 'SynReceived', 5: 'Established', 6: 'FinWait1', 7: 'FinWait2', 8: 'CloseWait',
  9: 'Closing', 10: 'LastAck', 11: 'TimeWait', 12: 'DeleteTCB', 100: 'Bound',
};

const ADDRESS_KEYS = ['localaddress', 'local address', 'local_address', 'localip', 'address', 'bindaddress'];
const PORT_KEYS = ['localport', 'local port', 'local_port', 'port'];
const HOST_KEYS = ['host', 'hostname', 'host name', 'pscomputername', 'computername', 'computer', 'machinename', 'server'];
const PROCESS_KEYS = ['processname', 'process', 'owningprocessname', 'program', 'command'];
const PID_KEYS = ['owningprocess', 'pid', 'processid'];

/** A record's values by lower-cased property name. */
type Lookup = (keys: readonly string[]) => unknown;

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() === '' ? undefined : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** One Get-NetTCPConnection record (or any record with a local address and port) → its outcome. */
export function psRecord(get: Lookup): RowResult {
  const addressText = text(get(ADDRESS_KEYS));
  const portText = text(get(PORT_KEYS));
  if (addressText === undefined || portText === undefined) return badRow('no LocalAddress/LocalPort');
  const stateValue = text(get(['state']));
  const state = stateValue === undefined ? undefined : /^\d+$/.test(stateValue) ? (STATE_NAMES[Number(stateValue)] ?? stateValue) : stateValue;
  const remotePort = text(get(['remoteport', 'remote port', 'remote_port']));
  if (state !== undefined ? !/^listen(ing)?$/i.test(state) : remotePort !== undefined && remotePort !== '0') {
    return skipRow(`TCP socket in state ${state ?? `with remote port ${remotePort}`}`);
  }
  const port = portNumber(portText);
  if (port === null) return badRow(`LocalPort '${portText}' is not a port`);
  const pidText = text(get(PID_KEYS));
  const pid = pidText !== undefined && /^\d+$/.test(pidText) ? Number(pidText) : undefined;
  const process = text(get(PROCESS_KEYS));
  const host = text(get(HOST_KEYS));
  return listener({
    address: bindAddress(addressText),
    port,
    ...(process !== undefined ? { process } : {}),
    ...(pid !== undefined ? { pid } : {}),
    ...(host !== undefined ? { host } : {}),
  });
}

function objectLookup(o: Record<string, unknown>): Lookup {
  const lower = new Map<string, unknown>();
  for (const [k, v] of Object.entries(o)) if (!lower.has(k.toLowerCase())) lower.set(k.toLowerCase(), v);
  return (keys) => {
    for (const k of keys) {
      const v = lower.get(k);
      if (v !== undefined && v !== null && v !== '') return typeof v === 'object' && !Array.isArray(v) ? (v as { value?: unknown }).value : v;
    }
    return undefined;
  };
}

export interface RecordOutcomeAt {
  line: number;
  result: RowResult;
}

/** ConvertTo-Json output (or JSON Lines of such objects): each element's outcome, numbered from 1. */
export function psJsonRecords(textIn: string): RecordOutcomeAt[] | undefined {
  let docs: unknown[];
  try {
    const doc = JSON.parse(textIn) as unknown;
    docs = Array.isArray(doc) ? doc : [doc];
  } catch {
    // JSON Lines (`ConvertTo-Json -Compress` per object, appended)?
    const lines = textIn.split(/\r?\n/).filter((l) => l.trim() !== '');
    try {
      docs = lines.map((l) => JSON.parse(l) as unknown);
    } catch {
      return undefined;
    }
  }
  return docs.map((d, i) => ({
    line: i + 1,
    result: d !== null && typeof d === 'object' && !Array.isArray(d) ? psRecord(objectLookup(d as Record<string, unknown>)) : badRow('not a JSON object'),
  }));
}

/** Whether `line` is a CSV header naming a local address and port column. */
export function isCsvHeader(line: string): boolean {
  const d = detectDelimiter(line);
  if (line.split(d).length < 2) return false;
  const names = line.split(d).map((n) => n.trim().replace(/^"|"$/g, '').toLowerCase());
  return names.some((n) => ADDRESS_KEYS.includes(n)) && names.some((n) => PORT_KEYS.includes(n));
}

/** Export-Csv output: each record's outcome with its 1-based physical line. */
export function psCsvRecords(textIn: string): RecordOutcomeAt[] {
  const lines = textIn.split(/\r?\n/);
  const headerAt = lines.findIndex((l) => isCsvHeader(l));
  if (headerAt < 0) return [];
  const body = lines.slice(headerAt).join('\n');
  const rows = csvParse().parse(body, {
    delimiter: detectDelimiter(lines[headerAt]!),
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    info: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const [head, ...records] = rows;
  if (!head) return [];
  const names = head.record.map((n) => n.trim().toLowerCase());
  return records.map(({ record, info }) => {
    const o: Record<string, unknown> = {};
    names.forEach((n, i) => {
      if (!(n in o)) o[n] = record[i];
    });
    return { line: headerAt + info.lines, result: record.length < 2 ? badRow('a record of one field') : psRecord(objectLookup(o)) };
  });
}

/** Format-List output: one record per block of `Name : value` lines. */
export function psListRecords(textIn: string): RecordOutcomeAt[] {
  const out: RecordOutcomeAt[] = [];
  let current: Record<string, unknown> | undefined;
  let start = 0;
  const flush = () => {
    if (current && Object.keys(current).length > 0) out.push({ line: start, result: psRecord(objectLookup(current)) });
    current = undefined;
  };
  textIn.split(/\r?\n/).forEach((line, i) => {
    const m = /^(\w[\w ]*?)\s*:\s?(.*)$/.exec(line);
    if (!m) {
      if (line.trim() === '') flush();
      return;
    }
    const key = m[1]!.trim();
    if (current && key in current) flush();
    if (!current) {
      current = {};
      start = i + 1;
    }
    current[key] = m[2]!.trim();
  });
  flush();
  return out;
}

/** Whether the text is Format-List output of connections. */
export function isPsList(textIn: string): boolean {
  return /^\s*LocalAddress\s*:/m.test(textIn) && /^\s*LocalPort\s*:/m.test(textIn);
}

interface TableLayout {
  names: string[];
  /** Column start offsets (from the dashed rule when seen, else from the header words). */
  starts: number[];
}

function columnStarts(line: string, pattern: RegExp): number[] {
  return [...line.matchAll(pattern)].map((m) => m.index);
}

/** Format-Table output: the header names the columns, the dashed rule under it fixes where each one starts. */
export const psTableFormat: ListenerLineFormat = {
  id: 'powershell-table',
  description: '`Get-NetTCPConnection` default table output (also `| Format-Table`)',
  header(line): TableLayout | undefined {
    const names = fields(line);
    if (!names.includes('LocalAddress') || !names.includes('LocalPort') || line.includes(':') || line.includes(',')) return undefined;
    return { names: names.map((n) => n.toLowerCase()), starts: columnStarts(line, /\S+/g) };
  },
  row(line, section): RowResult {
    const layout = section as TableLayout | undefined;
    if (!layout || !('starts' in layout)) return undefined;
    if (/^[\s-]+$/.test(line) && line.includes('-')) {
      const starts = columnStarts(line, /-+/g);
      if (starts.length === layout.names.length) layout.starts = starts;
      return { kind: 'none' };
    }
    const o: Record<string, unknown> = {};
    layout.names.forEach((n, i) => {
      o[n] = line.slice(layout.starts[i], i + 1 < layout.starts.length ? layout.starts[i + 1] : undefined).trim();
    });
    return psRecord(objectLookup(o));
  },
};
