/**
 * What to tell a user about how an input was read, from its counters alone (pure: the CLI prints the text).
 * A file most of whose records yield nothing must not pass for a quiet network: it gets a reason and a `--map`.
 */
import { aliasesOf, REQUIRED_FIELDS, type SourceField } from './fields.js';
import { CONVERT_CR_LINE_ENDS } from './lines.js';
import type { ParserInfo } from './record-parser.js';
import type { ColumnReport } from './types.js';

/** Column names quoted in a message at most. */
const MAX_LISTED_COLUMNS = 30;

/** `time=TimeGenerated [UTC], srcIp=SourceIP | DeviceCustomIPv6Address1 (by label), …` */
function usedColumns(report: ColumnReport): string {
  return Object.entries(report.used).map(([field, column]) => `${field}=${column}`).join(', ');
}

/** Every column name the file's layouts offered, first seen first, bounded. */
function availableColumns(reports: readonly ColumnReport[]): string[] {
  const names = new Set<string>();
  for (const report of reports) for (const name of report.available) names.add(name);
  return [...names].slice(0, MAX_LISTED_COLUMNS);
}

/**
 * The "columns used" line for a file, when it tells the user something they could not take for granted: a field
 * that more than one column could feed (`device=DeviceName | Computer`, `srcIp=src_ip | src`), where which one
 * fed a record depends on the record. A layout whose every field has exactly one column says nothing new.
 */
export function describeColumns(info: ParserInfo, file: string): string | undefined {
  const layout = info.columns.find((report) => Object.values(report.used).some((column) => column.includes(' | ')));
  if (!layout) return undefined;
  const more = info.columns.length > 1 ? ` (first of ${info.columns.length} key sets shown)` : '';
  return `${file}: columns: ${usedColumns(layout)}${more}`;
}

/**
 * Why most records of a file yielded nothing, and how to `--map` it; undefined unless more than half of the records
 * were `NOT_A_CONNECTION` or `MISSING_FIELD` (a few such records in a real log are normal). The columns and the
 * `--map` are named only where `--map` applies (a layout bound by a column schema: CSV, JSON records); a syslog
 * vendor's lines, a flow log's header or vendor lines carried in a column get the counts alone.
 */
export function explainUnusedInput(info: ParserInfo, file: string): string | undefined {
  const notConnection = info.skippedBy.NOT_A_CONNECTION ?? 0;
  const missingField = info.errorsBy.MISSING_FIELD ?? 0;
  const unused = notConnection + missingField;
  if (info.records === 0 || unused * 2 <= info.records) return undefined;
  const counts = [
    notConnection > 0 ? `${notConnection} without a source or destination` : '',
    missingField > 0 ? `${missingField} missing the time, source or destination` : '',
  ].filter((s) => s !== '').join(', ');
  const head = `${file}: ${unused} of ${info.records} records yielded no event (${counts})`;
  if (!info.columns.some((report) => report.mappable === true)) return head;
  const available = availableColumns(info.columns);
  const missing = REQUIRED_FIELDS.filter((field) => !info.columns.some((report) => report.used[field] !== undefined));
  if (missing.length > 0) {
    const hints = missing.map((f: SourceField) => `${f} (looked for ${aliasesOf(f).slice(0, 4).join(', ')}…)`).join('; ');
    const example = missing.map((f) => `${f}=Column`).join(',');
    return `${head}: no column for ${hints}; columns seen: ${available.join(', ')}. ` +
      `If the log has them under other names, map them: --map ${example}`;
  }
  const layout = info.columns[0];
  const using = layout ? ` (columns used: ${usedColumns(layout)})` : '';
  return `${head}: their time, source or destination values are empty${using}. ` +
    'If other columns hold them, map them: --map time=Column,srcIp=Column,dstIp=Column';
}

/**
 * Why a file yielded no event at all when most of its records were not of the format read or were malformed — or,
 * read as a format the caller named, held no record and no header at all — and what to check; that a file was empty,
 * held a header line alone, or held bytes but no record; undefined otherwise.
 * `forced`: the format the caller named (`--format`), the likeliest cause. `stopped`: the read stopped early and
 * said why (an unknown first line): bytes without a record are then not explained again.
 */
export function explainUnreadInput(info: ParserInfo, file: string, forced?: string, stopped = false): string | undefined {
  // A forced format that finds no record and no header in a file that is not empty (XML events sought in a CSV file;
  // a CSV export of a header alone is an empty export, not a wrong format).
  if (info.records === 0) {
    if (forced !== undefined && info.bytes > 0 && info.columns.length === 0) {
      return `${file}: no record was found in its ${info.bytes} bytes: is it ${forced}? Without --format the format is detected (\`dicomwatch formats\` lists them)`;
    }
    // An empty export (a failed one, often) must not pass for a quiet network.
    if (info.bytes === 0) return `${file}: empty: there was nothing to read`;
    if (info.columns.length > 0) {
      // Line ends of a carriage return alone (classic Mac OS) make the whole file one line: the header's names hold them.
      const crOnly = info.columns.some((c) => c.available.some((name) => name.includes('\r')));
      return crOnly
        ? `${file}: a header line and no record: its lines end in a carriage return alone (classic Mac OS), which is no line end here; ${CONVERT_CR_LINE_ENDS}`
        : `${file}: a header line and no record`;
    }
    // Blank lines, a byte-order mark, an empty JSON array, a capture without packets (a format with a note of its own
    // has said more, and a read that stopped early — an unknown first line — has said why).
    return info.notes.length === 0 && !stopped ? `${file}: no record in its ${info.bytes} bytes` : undefined;
  }
  // A read that stopped at its first record (a broken NetFlow file) has said why: that record was all there was.
  if (stopped && info.records === 1) return undefined;
  const unrecognised = info.skippedBy.UNRECOGNISED_FORMAT ?? 0;
  if (info.events > 0 || (unrecognised + info.errors) * 2 <= info.records) return undefined;
  const counts = [
    unrecognised > 0 ? `${unrecognised} of no format known here` : '',
    info.errors > 0 ? `${info.errors} malformed` : '',
  ].filter((s) => s !== '').join(', ');
  const head = `${file}: none of its ${info.records} records was read as a connection (${counts})`;
  return forced === undefined
    ? head
    : `${head}: is it ${forced}? Without --format the format is detected (\`dicomwatch formats\` lists them)`;
}
