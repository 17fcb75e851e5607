/**
 * Saved listener output → listeners, whatever tool wrote it. Whole-document formats are recognised first
 * (PowerShell JSON by its opening bracket, Export-Csv by a header naming LocalAddress and LocalPort, Format-List by
 * its `LocalAddress :` lines); everything else is read line by line: a header line starts its format's section,
 * and a line the section's format does not claim is offered to every format, so headerless output (`netstat -ano |
 * findstr :104`, `ss -H`) and files that concatenate several tools' output read too. Every non-blank line that is
 * not a header is accounted for: a listener, a skip with its reason (another state or protocol, a line no format
 * knows), or a malformed row with its line number.
 */
import { basename } from 'node:path';
import type { ListenerLineFormat } from './format.js';
import { lsofFormat } from './lsof.js';
import { scopeOf, verdictOf, type Listener, type RowResult } from './model.js';
import { netstatLinuxFormat, netstatMacosFormat, netstatWindowsFormat, otherSection, windowsOwner } from './netstat.js';
import { isCsvHeader, isPsList, psCsvRecords, psJsonRecords, psListRecords, psTableFormat, type RecordOutcomeAt } from './powershell.js';
import { procNetTcpFormat } from './proc-net.js';
import { ssFormat } from './ss.js';

/** Line formats, in the order a headerless line is offered to them. */
export const LISTENER_LINE_FORMATS: readonly ListenerLineFormat[] = [
  ssFormat, netstatWindowsFormat, netstatLinuxFormat, netstatMacosFormat, lsofFormat, procNetTcpFormat, psTableFormat,
];

/** Every format `listeners` reads, for help and the README. */
export const LISTENER_FORMATS: readonly { id: string; description: string }[] = [
  ...LISTENER_LINE_FORMATS.map(({ id, description }) => ({ id, description })),
  { id: 'powershell-json', description: '`Get-NetTCPConnection | ConvertTo-Json` (State as number or name)' },
  { id: 'powershell-csv', description: '`Get-NetTCPConnection | Export-Csv` (any CSV with LocalAddress/LocalPort, and a host column)' },
  { id: 'powershell-list', description: '`Get-NetTCPConnection | Format-List`' },
];

export interface ListenerProblem {
  line: number;
  message: string;
}

/** One input's listeners and its accounting: records = listeners + skipped + errors. */
export interface ListenerReading {
  file: string;
  /** Every listening TCP socket found, on any port. */
  listeners: Listener[];
  /** Non-blank lines (JSON: elements) that were not headers. */
  records: number;
  skipped: number;
  skippedBy: Record<string, number>;
  errors: number;
  /** The malformed records, with their lines. */
  problems: ListenerProblem[];
  /** The formats that yielded listeners or skips. */
  formats: string[];
}

export interface ListenerTextOptions {
  /** What messages and listeners call the input (default `input`). */
  file?: string;
  /** The host of rows that do not name one (default: from the file name, see hostFromFileName). */
  host?: string;
}

/** Tool and content words a saved file's name may end with after the host: `pacs01-netstat.txt` is host pacs01. */
const TOOL_SUFFIX =
  /[._-](ss|netstat|lsof|listeners?|listening|sockets?|ports?|tcp6?|proc|proc[-_]net|get-?nettcpconnection|nettcp(connection)?|connections?|findstr|grep|table|list|ano|anob|an|ltnp|tlnp|tulpn|ltn)$/i;
const EXTENSION = /\.(txt|log|out|json|csv|tsv|xml|lst|text|dat)$/i;

/**
 * The host a saved file describes, from its name: the directory and `.gz` dropped, then a text extension (`.txt`,
 * `.json`, `.csv`, `.log`, `.out`), then tool words at the end (`-ss`, `_netstat`, `.lsof`, `-listeners`…):
 * `pacs01.txt`, `pacs01-ss.txt`, `out/pacs01.netstat.txt.gz` are all `pacs01`; `pacs01.hospital.local.json` is
 * `pacs01.hospital.local`. Undefined for stdin, and for a path that names a stream rather than a saved file
 * (`/dev/stdin`, `/dev/fd/63` from `<(…)`, `/proc/self/fd/0`): its name says nothing of a host.
 */
export function hostFromFileName(file: string): string | undefined {
  if (file === '-' || file === '' || /^\/(?:dev\/(?:stdin|fd\/\d+)|proc\/(?:self|\d+)\/fd\/\d+)$/.test(file)) return undefined;
  let name = basename(file).replace(/\.gz$/i, '').replace(EXTENSION, '');
  for (let previous = ''; previous !== name; ) {
    previous = name;
    name = name.replace(TOOL_SUFFIX, '');
  }
  return name === '' ? undefined : name;
}

function newReading(file: string): ListenerReading {
  return { file, listeners: [], records: 0, skipped: 0, skippedBy: {}, errors: 0, problems: [], formats: [] };
}

function apply(reading: ListenerReading, result: Exclude<RowResult, undefined | { kind: 'none' }>, line: number, source: string, host: string | undefined): void {
  reading.records++;
  if (!reading.formats.includes(source)) reading.formats.push(source);
  if (result.kind === 'skip') {
    reading.skipped++;
    reading.skippedBy[result.reason] = (reading.skippedBy[result.reason] ?? 0) + 1;
    return;
  }
  if (result.kind === 'error') {
    reading.errors++;
    reading.problems.push({ line, message: result.message });
    return;
  }
  const { row } = result;
  const scope = row.scope ?? scopeOf(row.address);
  const h = row.host ?? host;
  reading.listeners.push({
    ...(h !== undefined ? { host: h } : {}),
    address: row.address,
    port: row.port,
    protocol: 'tcp',
    scope,
    ...(row.process !== undefined ? { process: row.process } : {}),
    ...(row.pid !== undefined ? { pid: row.pid } : {}),
    ...(row.user !== undefined ? { user: row.user } : {}),
    source: row.source ?? source,
    verdict: verdictOf(scope),
    file: reading.file,
    line,
  });
}

function unrecognised(reading: ListenerReading): void {
  reading.records++;
  reading.skipped++;
  reading.skippedBy['not a socket line of a known tool'] = (reading.skippedBy['not a socket line of a known tool'] ?? 0) + 1;
}

function wholeDocument(reading: ListenerReading, records: RecordOutcomeAt[], source: string, host: string | undefined): ListenerReading {
  for (const { line, result } of records) if (result && result.kind !== 'none') apply(reading, result, line, source, host);
  return reading;
}

/** The listeners in one saved output (already decoded text: see decodeText). Never throws on bad input. */
export function parseListenerText(text: string, options: ListenerTextOptions = {}): ListenerReading {
  const file = options.file ?? 'input';
  const host = options.host ?? hostFromFileName(file);
  const reading = newReading(file);
  const body = text.replace(/^\uFEFF/, '');
  const first = body.trimStart()[0];
  if (first === '[' || first === '{') {
    const records = psJsonRecords(body);
    if (records) return wholeDocument(reading, records, 'powershell-json', host);
  }
  const lines = body.split(/\r\n|\r|\n/);
  const headerLine = lines.find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (headerLine !== undefined && isCsvHeader(headerLine)) return wholeDocument(reading, psCsvRecords(body), 'powershell-csv', host);
  if (isPsList(body)) return wholeDocument(reading, psListRecords(body), 'powershell-list', host);

  let current: { format: ListenerLineFormat; section: unknown } | 'other' | undefined;
  let last: Listener | undefined;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (line.trim() === '') return;
    if (otherSection(line)) {
      current = 'other';
      return;
    }
    for (const format of LISTENER_LINE_FORMATS) {
      const section = format.header(line);
      if (section) {
        current = { format, section };
        return;
      }
    }
    if (current === 'other') {
      reading.records++;
      reading.skipped++;
      reading.skippedBy['not an Internet socket'] = (reading.skippedBy['not an Internet socket'] ?? 0) + 1;
      return;
    }
    // netstat -b: the executable (and service) of the row above, on lines of their own.
    if (last?.source === 'netstat-windows' && last.line !== undefined && lineNo - last.line <= 3) {
      const owner = windowsOwner(line);
      if (owner !== undefined) {
        last.process ??= owner;
        return;
      }
      if (/^\s*\S+\s*$/.test(line) || /ownership information/i.test(line)) return;
    }
    let result: RowResult = current?.format.row(line, current.section);
    let source = current?.format.id;
    if (result === undefined) {
      for (const format of LISTENER_LINE_FORMATS) {
        if (current !== undefined && format === current.format) continue;
        result = format.row(line, undefined);
        if (result !== undefined) {
          source = format.id;
          break;
        }
      }
    }
    if (result === undefined || source === undefined) {
      unrecognised(reading);
      return;
    }
    if (result.kind === 'none') return;
    const before = reading.listeners.length;
    apply(reading, result, lineNo, source, host);
    if (reading.listeners.length > before) last = reading.listeners[reading.listeners.length - 1];
  });
  return reading;
}
