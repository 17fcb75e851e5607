/**
 * CSV/TSV with a header row (Sentinel/Log Analytics exports, ECS and plain column names), parsed by csv-parse.
 * The session assembles physical lines into records itself (RFC 4180: a record goes on while a quoted field is
 * open, i.e. while the count of `"` is odd), so every record knows the line it starts on, one bad record is
 * one error, and a runaway quote is bounded by MAX_RECORD_CHARS instead of swallowing the file.
 */
import { parse as parseCsvText } from 'csv-parse/sync';
import {
  bindColumns, columnReport, eventFromRecord, localTimeProblem, missingColumnsMessage, missingRequired, recordContext, splitHeaderName,
  KNOWN_COLUMN_KEYS, type Bindings,
} from './fields.js';
import { InputFileError } from './errors.js';
import { MAX_RECORD_CHARS } from './lines.js';
import { FILTERED, recordPrefilter } from './prefilter.js';
import { fail, isBlank, toOutcome, type LineFormat, type LineSession, type ParseContext, type RecordOutcome } from './types.js';

const MAX_RECORD_LINES = 10_000;
const DELIMITERS = [',', '\t', ';', '|'] as const;

/** The delimiter that splits the header line into the most fields, counting only outside quotes. */
export function detectDelimiter(header: string): string {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best: string = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

function quoteCount(line: string): number {
  let n = 0;
  for (let i = line.indexOf('"'); i !== -1; i = line.indexOf('"', i + 1)) n++;
  return n;
}

/**
 * One record's fields. A record without any `"` has no quoting to undo, so splitting on the delimiter gives exactly
 * what csv-parse would; that case is most records and ten times cheaper than a csv-parse call. Quoted records go
 * to csv-parse.
 */
function splitRecord(text: string, delimiter: string): string[] {
  if (!text.includes('"') && !text.includes('\n')) return text.split(delimiter);
  const rows = parseCsvText(text, { delimiter, relax_column_count: true, bom: false }) as string[][];
  if (rows.length !== 1) throw new Error(`expected one record, found ${rows.length}`);
  return rows[0]!;
}


function openCsv(ctx: ParseContext, format: string): LineSession {
  let delimiter = ',';
  let header: string[] | undefined;
  let bindings: Bindings = {};
  let dstPortColumn: number | undefined;
  let pending: string[] = [];
  let pendingChars = 0;
  let pendingQuotes = 0;
  let startLine = 0;
  let overflow = false;
  const eventCtx = recordContext(ctx, format);
  const prefilter = recordPrefilter(ctx.prefilter);

  const readHeader = (text: string) => {
    delimiter = detectDelimiter(text);
    let names: string[];
    try {
      names = splitRecord(text, delimiter);
    } catch (e) {
      throw new InputFileError(`header: ${(e as Error).message}`);
    }
    header = names;
    bindings = bindColumns(names.map((_, i) => i), names, ctx.columnMap);
    const missing = missingRequired(bindings);
    if (missing.length > 0) throw new InputFileError(`header: ${missingColumnsMessage(missing, names)}`);
    const localTime = localTimeProblem(bindings, eventCtx.zoneGiven);
    if (localTime) throw new InputFileError(`header: ${localTime}`);
    ctx.observe?.columns(columnReport(bindings, names));
    const port = bindings.dstPort?.[0]?.key;
    dstPortColumn = typeof port === 'number' ? port : undefined;
  };

  const record = (text: string, line: number): RecordOutcome => {
    if (prefilter && !prefilter.textMayMatch(text)) return toOutcome(FILTERED, line);
    let fields: string[];
    try {
      fields = splitRecord(text, delimiter);
    } catch (e) {
      return toOutcome(fail('MALFORMED', `CSV: ${(e as Error).message}`), line);
    }
    if (fields.length !== header!.length) {
      return toOutcome(fail('MALFORMED', `expected ${header!.length} columns, found ${fields.length}`), line);
    }
    if (prefilter && dstPortColumn !== undefined && !prefilter.portMayMatch(fields[dstPortColumn])) {
      return toOutcome(FILTERED, line);
    }
    return toOutcome(eventFromRecord(bindings, (i) => fields[i as number], eventCtx, line), line);
  };

  const flush = (out: RecordOutcome[]) => {
    if (pending.length === 0) return;
    const text = pending.join('\n');
    const line = startLine;
    pending = [];
    pendingChars = 0;
    pendingQuotes = 0;
    if (header === undefined) readHeader(text);
    else out.push(record(text, line));
  };

  return {
    push(line, lineNo, out) {
      if (overflow) {
        // Inside a record already reported too long: resynchronise at the next line that closes the quote.
        if (quoteCount(line) % 2 === 1) overflow = false;
        return;
      }
      if (pending.length === 0) {
        if (isBlank(line)) return; // blank lines are not records
        startLine = lineNo;
      }
      pending.push(line);
      pendingChars += line.length + 1;
      pendingQuotes += quoteCount(line);
      if (pendingQuotes % 2 === 0) {
        flush(out);
      } else if (pendingChars > MAX_RECORD_CHARS || pending.length > MAX_RECORD_LINES) {
        if (header === undefined) throw new InputFileError('header: unterminated quoted field');
        out.push(toOutcome(fail('RECORD_TOO_LONG', `unterminated quoted field: record longer than ${pending.length} lines / ${pendingChars} characters`), startLine));
        pending = [];
        pendingChars = 0;
        pendingQuotes = 0;
        overflow = true;
      }
    },
    end(out) {
      if (pending.length === 0) return;
      if (pendingQuotes % 2 === 1) {
        if (header === undefined) throw new InputFileError('header: unterminated quoted field');
        out.push(toOutcome(fail('MALFORMED', 'unterminated quoted field at end of input'), startLine));
        pending = [];
        return;
      }
      flush(out);
    },
  };
}

/** Whether the first line is a header naming at least one column dicomwatch knows or the user mapped (`--map`). */
function sniffCsvHeader(firstLine: string, ctx?: ParseContext): boolean {
  if (/^\s*[[{<]/.test(firstLine)) return false;
  const delimiter = detectDelimiter(firstLine);
  if (!firstLine.includes(delimiter)) return false;
  let names: string[];
  try {
    names = splitRecord(firstLine, delimiter);
  } catch {
    return false;
  }
  const mapped = new Set(Object.values(ctx?.columnMap ?? {}).map((column) => splitHeaderName(column).name));
  return names.some((n) => {
    const name = splitHeaderName(n).name;
    return KNOWN_COLUMN_KEYS.has(name) || mapped.has(name);
  });
}

export const csvFormat: LineFormat = {
  id: 'csv',
  kind: 'lines',
  description: 'CSV/TSV with a header row: Sentinel/Log Analytics exports, ASIM, ECS and plain column names',
  recognizedBy: 'first line is a comma/tab/semicolon/pipe-separated header naming a known column (SourceIP, src_ip, source.ip, …)',
  sniff: sniffCsvHeader,
  open: (ctx) => openCsv(ctx, 'csv'),
};
