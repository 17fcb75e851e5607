/**
 * CSV/TSV with a header row (Sentinel/Log Analytics exports, ECS and plain column names), parsed by csv-parse.
 * The session assembles physical lines into records itself, so every record knows the line it starts on and one
 * bad record costs that record only:
 * - quotes follow RFC 4180 read leniently, as csv-parse's `relax_quotes` does: a `"` opens a quoted field only at
 *   the start of a field; elsewhere (`Monitor 27" PACS`, `susr="admin"`) it is a literal character;
 * - a record goes on to the next line while a quoted field is open, but a multi-line record must prove itself:
 *   when it closes with the header's column count it is one record; when it does not (wrong count, the size bound,
 *   the end of input, or a following line that is itself a complete clean row), its first line is taken alone —
 *   literally when that gives the header's column count, else as one MALFORMED record — and the lines after it are
 *   read again as records of their own. A stray opening quote never swallows the rows after it.
 */
import type * as CsvParse from 'csv-parse/sync';
import { lazily } from '../lazy.js';
import {
  bindColumns, columnReport, eventFromRecord, localTimeProblem, missingColumnsMessage, missingRequired, recordContext, splitHeaderName,
  GENERIC_SCHEMA, KNOWN_COLUMN_KEYS, type Bindings, type ColumnSchema, type Lookup,
} from './fields.js';
import { embeddedLayout, embeddedLineParser, type EmbeddedLayout } from './embedded.js';
import { InputFileError } from './errors.js';
import { lineLimit, MAX_RECORD_CHARS } from './lines.js';
import { ByteScanner } from './kernel/kernel.js';
import { decimalPort, FILTERED, portTable, pushFiltered, recordPrefilter } from './prefilter.js';
import { fail, isBlank, isBlankBytes, skip, toOutcome, type LineFormat, type LineSession, type ParseContext, type RecordOutcome } from './types.js';

/**
 * A column name the header repeats where the first of them feeds a field: said once per name, since the first is
 * read and a value only in the second (an export that joined two tables) would be missed without a word.
 */
function noteRepeatedColumns(names: readonly string[], bindings: Bindings, note: (message: string) => void): void {
  const used = new Set(Object.values(bindings).flatMap((list) => (list ?? []).map((b) => b.key)));
  const first = new Map<string, number>();
  const said = new Set<string>();
  names.forEach((header, i) => {
    const name = splitHeaderName(header).name;
    const at = first.get(name);
    if (at === undefined) first.set(name, i);
    else if (used.has(at) && !said.has(name)) {
      said.add(name);
      note(`header: column '${names[at]}' is there twice (columns ${at + 1} and ${i + 1}): the first is read`);
    }
  });
}

/** Only quoted records need csv-parse (see splitRecord): loaded the first time one comes. */
const csvParse = lazily<typeof CsvParse>('csv-parse/sync');

const MAX_RECORD_LINES = 10_000;
/** A continuation line that is itself a clean row ends a suspect multi-line record early (see scanLine). */
const MIN_COLUMNS_FOR_EARLY_RESYNC = 4;
const DELIMITERS = [',', '\t', ';', '|'] as const;
const QUOTE = 34;
/** A line with the header's column names again: a file concatenated after another (`cat a.csv b.csv`). */
const HEADER_AGAIN = skip('NOT_A_CONNECTION', 'the header line again (files concatenated?): not a record');
const BOM = '\ufeff';

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

/** What one physical line does to the quoting state of the record it belongs to. */
export interface LineScan {
  /** The line ends inside a quoted field: the record goes on. */
  open: boolean;
  /** Delimiters outside quotes on this line. */
  delimiters: number;
  /** A quote RFC 4180 does not allow: inside an unquoted field, or a closing quote not followed by a delimiter. */
  irregular: boolean;
}

/**
 * Scan one line for quoting, starting inside a quoted field when `open`. The states are those of csv-parse with
 * `relax_quotes`: field start, unquoted, quoted, and "a quote seen inside a quoted field" (an escape `""` or the
 * closing quote). Linear, no backtracking.
 */
export function scanLine(line: string, delimiter: number, open: boolean): LineScan {
  const FIELD_START = 0, UNQUOTED = 1, QUOTED = 2, QUOTE_IN_QUOTED = 3;
  let state = open ? QUOTED : FIELD_START;
  let delimiters = 0;
  let irregular = false;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    switch (state) {
      case FIELD_START:
        if (c === QUOTE) state = QUOTED;
        else if (c === delimiter) delimiters++;
        else state = UNQUOTED;
        break;
      case UNQUOTED:
        if (c === delimiter) {
          delimiters++;
          state = FIELD_START;
        } else if (c === QUOTE) irregular = true;
        break;
      case QUOTED: {
        const q = line.indexOf('"', i);
        if (q === -1) i = line.length;
        else {
          i = q;
          state = QUOTE_IN_QUOTED;
        }
        break;
      }
      case QUOTE_IN_QUOTED:
        if (c === QUOTE) state = QUOTED;
        else if (c === delimiter) {
          delimiters++;
          state = FIELD_START;
        } else {
          irregular = true;
          state = UNQUOTED;
        }
        break;
    }
  }
  return { open: state === QUOTED, delimiters, irregular };
}

/**
 * One record's fields. A record without any `"` has no quoting to undo, so splitting on the delimiter gives exactly
 * what csv-parse would; that case is most records and ten times cheaper than a csv-parse call. Quoted records go
 * to csv-parse (`relax_quotes`: a quote inside an unquoted field is kept as it is). A record csv-parse refuses (a
 * closing quote followed by text) is split literally when that gives the expected column count.
 */
function splitRecord(text: string, delimiter: string, columns?: number): string[] {
  if (!text.includes('"')) return text.split(delimiter);
  let rows: string[][];
  try {
    rows = csvParse().parse(text, { delimiter, relax_column_count: true, relax_quotes: true, bom: false }) as string[][];
  } catch (e) {
    const literal = text.split(delimiter);
    if (columns !== undefined && literal.length === columns && !text.includes('\n')) return literal;
    throw e;
  }
  if (rows.length !== 1) throw new Error(`expected one record, found ${rows.length}`);
  return rows[0]!;
}

/** A physical line waiting to become (part of) a record. */
interface PendingLine {
  text: string;
  lineNo: number;
}

/**
 * A session. `bytePath: false` (ParseContext) leaves out the hot path on bytes: every line takes the text path, the reference the
 * hot path is tested against (it must give every record the same outcome).
 */
export function openCsv(ctx: ParseContext, format: string, schema: ColumnSchema): LineSession {
  const scanner = ctx.bytePath === false ? undefined : ctx.scanner;
  let delimiter = ',';
  let delimiterCode = 44;
  let header: string[] | undefined;
  let bindings: Bindings = {};
  /**
   * The one spelling of the header's names without quotes (names joined by the delimiter), as text and as bytes; undefined when a
   * name holds a quote or the delimiter (then every spelling of them has quotes, and the text path compares fields).
   */
  let plainHeader: string | undefined;
  let plainHeaderBytes: Buffer | undefined;
  let dstPortColumn: number | undefined;
  /** The lines of a record whose quoted field is still open (empty when none is). */
  let pending: PendingLine[] = [];
  let pendingChars = 0;
  let pendingDelimiters = 0;
  const eventCtx = recordContext(ctx, format);
  const prefilter = recordPrefilter(ctx.prefilter);
  /** The wanted destination ports as a table, for the port column read on bytes. */
  const wanted = ctx.prefilter ? portTable(ctx.prefilter.dstPorts) : undefined;
  const runs = ctx.filteredRuns === true;
  /** Set when the rows carry raw vendor lines (a Sentinel Syslog export) instead of connection columns. */
  let embedded: EmbeddedLayout | undefined;
  const parseEmbedded = embeddedLineParser(ctx);
  const fromFields = (lookup: Lookup, line: number) =>
    embedded ? parseEmbedded(embedded, lookup, line) : eventFromRecord(bindings, lookup, eventCtx, line);

  const readHeader = (text: string) => {
    if (scanLine(text, delimiterCodeOf(detectDelimiter(text)), false).open) throw new InputFileError('header: unterminated quoted field');
    delimiter = detectDelimiter(text);
    delimiterCode = delimiterCodeOf(delimiter);
    let names: string[];
    try {
      names = splitRecord(text, delimiter);
    } catch (e) {
      throw new InputFileError(`header: ${(e as Error).message}`);
    }
    header = names;
    plainHeader = names.some((n) => n.includes('"') || n.includes(delimiter)) ? undefined : names.join(delimiter);
    plainHeaderBytes = plainHeader === undefined ? undefined : Buffer.from(plainHeader, 'utf8');
    const columns = names.map((_, i) => i);
    bindings = bindColumns(columns, names, ctx.columnMap, schema);
    // A --map naming a column this header lacks is a typo, not a field to leave empty: say so, once, for the file.
    for (const [field, column] of Object.entries(ctx.columnMap ?? {})) {
      const wanted = splitHeaderName(column).name;
      if (!names.some((n) => splitHeaderName(n).name === wanted)) {
        throw new InputFileError(`header: --map ${field}=${column}: no column '${column}' (columns: ${names.join(', ')})`);
      }
    }
    const missing = missingRequired(bindings);
    embedded = missing.length > 0 ? embeddedLayout(columns, names, bindings) : undefined;
    if (missing.length > 0 && !embedded) throw new InputFileError(`header: ${missingColumnsMessage(missing, names)}`);
    const localTime = localTimeProblem(bindings, eventCtx.zoneGiven);
    if (localTime) throw new InputFileError(`header: ${localTime}`);
    ctx.observe?.columns(embedded ? embedded.report : columnReport(bindings, names));
    if (!embedded) noteRepeatedColumns(names, bindings, (note) => ctx.observe?.note?.(note));
    const port = bindings.dstPort?.[0]?.key;
    dstPortColumn = typeof port === 'number' ? port : undefined;
  };

  /**
   * One complete record → its outcome. Structural checks (the column count) come before the pre-filter, so `scan`
   * and `parse` count a broken row alike; the text test is sound for CSV because a port is written as its digits.
   */
  const record = (text: string, line: number, delimiters: number): RecordOutcome => {
    const columns = header!.length;
    const quoted = text.includes('"');
    if (!quoted && delimiters + 1 !== columns) {
      return toOutcome(fail('MALFORMED', `expected ${columns} columns, found ${delimiters + 1}`), line);
    }
    if (text.startsWith(BOM) ? isHeaderAgain(text.slice(1)) : !quoted && text === plainHeader) return toOutcome(HEADER_AGAIN, line);
    if (!quoted && prefilter && !prefilter.textMayMatch(text)) return toOutcome(FILTERED, line);
    let fields: string[];
    try {
      fields = splitRecord(text, delimiter, columns);
    } catch (e) {
      return toOutcome(fail('MALFORMED', `CSV: ${(e as Error).message}`), line);
    }
    if (fields.length !== columns) {
      return toOutcome(fail('MALFORMED', `expected ${columns} columns, found ${fields.length}`), line);
    }
    if (quoted && sameNames(fields)) return toOutcome(HEADER_AGAIN, line);
    if (prefilter && dstPortColumn !== undefined && !prefilter.portMayMatch(fields[dstPortColumn])) {
      return toOutcome(FILTERED, line);
    }
    return toOutcome(fromFields((i) => fields[i as number], line), line);
  };

  /** Whether fields are the header's column names, all of them, in order. */
  const sameNames = (fields: readonly string[]): boolean => fields.length === header!.length && fields.every((f, i) => f === header![i]);

  /** Whether a line (a UTF-8 BOM before it removed) is the header again, in any quoting of its names. */
  const isHeaderAgain = (text: string): boolean => {
    if (text === plainHeader) return true;
    if (!text.includes('"')) return false;
    try {
      return sameNames(splitRecord(text, delimiter));
    } catch {
      return false;
    }
  };

  /** A multi-line record that did not prove itself: its first line alone, then the other lines read again. */
  const abandon = (why: string, out: RecordOutcome[]) => {
    const [first, ...rest] = pending;
    pending = [];
    pendingChars = 0;
    pendingDelimiters = 0;
    out.push(literalRecord(first!, why));
    for (const p of rest) take(p, out);
  };

  /**
   * The first line alone, its quotes taken literally, when that gives the header's column count and a good row;
   * otherwise one MALFORMED record that names the open quote, the real cause.
   */
  const literalRecord = (p: PendingLine, why: string): RecordOutcome => {
    const unterminated = toOutcome(fail('MALFORMED', `unterminated quoted field (${why})`), p.lineNo);
    const fields = p.text.split(delimiter);
    if (fields.length !== header!.length) return unterminated;
    // Built in full even in a scan: whether the row is good decides between a record and a structural error.
    const outcome = toOutcome(fromFields((i) => fields[i as number], p.lineNo), p.lineNo);
    if (outcome.kind === 'error') return unterminated;
    if (prefilter && dstPortColumn !== undefined && !prefilter.portMayMatch(fields[dstPortColumn])) return toOutcome(FILTERED, p.lineNo);
    return outcome;
  };

  /** Feed one physical line (fresh from the input, or read again after an abandoned multi-line record). */
  const take = (p: PendingLine, out: RecordOutcome[]): void => {
    if (pending.length === 0) {
      if (isBlank(p.text)) return; // blank lines are not records
      if (header === undefined) {
        readHeader(p.text);
        return;
      }
      if (!p.text.includes('"')) {
        out.push(record(p.text, p.lineNo, countDelimiters(p.text, delimiterCode)));
        return;
      }
      const scan = scanLine(p.text, delimiterCode, false);
      if (!scan.open) {
        out.push(record(p.text, p.lineNo, scan.delimiters));
        return;
      }
      pending = [p];
      pendingChars = p.text.length + 1;
      pendingDelimiters = scan.delimiters;
      return;
    }
    const scan = scanLine(p.text, delimiterCode, true);
    if (scan.open && looksLikeCleanRow(p.text)) {
      abandon(`line ${p.lineNo} is a row of its own`, out);
      take(p, out);
      return;
    }
    pending.push(p);
    pendingChars += p.text.length + 1;
    pendingDelimiters += scan.delimiters;
    if (!scan.open) {
      if (pendingDelimiters + 1 !== header!.length) {
        abandon(`the record it opens has ${pendingDelimiters + 1} columns`, out);
        return;
      }
      // A quote that closes the field with text after it (`…27" PACS`): the line was a row of its own with a stray
      // quote in it, not the end of this record (which would swallow it).
      if (scan.irregular) {
        abandon(`line ${p.lineNo} does not close it (text after the closing quote)`, out);
        return;
      }
      const lines = pending;
      pending = [];
      pendingChars = 0;
      pendingDelimiters = 0;
      out.push(record(lines.map((l) => l.text).join('\n'), lines[0]!.lineNo, header!.length - 1));
    } else if (pendingChars > MAX_RECORD_CHARS || pending.length > MAX_RECORD_LINES) {
      abandon(`still open after ${pending.length} lines / ${pendingChars} characters`, out);
    }
  };

  /** A line that, read on its own, is a complete row with the header's column count and regular quoting. */
  const looksLikeCleanRow = (text: string): boolean => {
    const columns = header!.length;
    if (columns < MIN_COLUMNS_FOR_EARLY_RESYNC) return false;
    const scan = scanLine(text, delimiterCode, false);
    return !scan.open && !scan.irregular && scan.delimiters + 1 === columns;
  };

  /**
   * The common case on bytes: a complete row without any quote, `delimiters` outside quotes, its port column (if
   * bound) at bytes [portStart, portEnd). Its column count is checked on every row. A row whose port column holds a
   * valid port no rule wants is FILTERED, one with a wanted port is decoded and read, without another look at its
   * bytes (they hold the port's digits, the text test would pass); a row whose port the bytes do not settle is
   * FILTERED when no rule port is in its bytes, else it takes the text path (`take`), which settles it.
   */
  const unquotedRow = (buf: Buffer, start: number, end: number, lineNo: number, delimiters: number, portStart: number, portEnd: number, out: RecordOutcome[]): void => {
    const columns = header!.length;
    if (delimiters + 1 !== columns) {
      if (!isBlankBytes(buf, start, end)) out.push(toOutcome(fail('MALFORMED', `expected ${columns} columns, found ${delimiters + 1}`), lineNo));
      return; // blank lines are not records
    }
    // The header again (its length first: one comparison for other rows); after a BOM, the text path decides.
    if (plainHeaderBytes !== undefined && end - start === plainHeaderBytes.length && plainHeaderBytes.compare(buf, start, end) === 0) {
      out.push(toOutcome(HEADER_AGAIN, lineNo));
      return;
    }
    if (buf[start] === 0xef) {
      take({ text: buf.toString('utf8', start, end), lineNo }, out);
      return;
    }
    if (wanted) {
      const port = portStart < 0 ? -1 : portOnBytes(buf, portStart, portEnd);
      if (port === -1) {
        if (prefilter!.bytesMayMatch(buf, start, end)) take({ text: buf.toString('utf8', start, end), lineNo }, out);
        else if (!isBlankBytes(buf, start, end)) pushFiltered(out, lineNo, runs);
        return;
      }
      if (wanted[port] === 0) {
        pushFiltered(out, lineNo, runs);
        return;
      }
    } else if (isBlankBytes(buf, start, end)) return;
    out.push(readRow(buf.toString('utf8', start, end), lineNo));
  };

  /** An unquoted row with the header's column count → its outcome (a function apart: only here is a closure made). */
  const readRow = (text: string, lineNo: number): RecordOutcome => {
    const fields = text.split(delimiter);
    return toOutcome(fromFields((i) => fields[i as number], lineNo), lineNo);
  };

  const maxLine = lineLimit(ctx);
  return {
    // Rows the kernel settles as unquotedRow would, FILTERED, many per call (a scan's common row costs no call).
    block(buf, start, end, _lineNo, taken) {
      const column = dstPortColumn ?? -1;
      if (!scanner || !wanted || pending.length > 0 || header === undefined || column < 0) return 0;
      return scanner.took(scanner.rows(buf, start, end, delimiterCode, column, header.length, plainHeaderBytes?.length ?? -1, maxLine, wanted), taken);
    },
    push(buf, start, end, lineNo, out) {
      // A row the kernel stopped at for its port alone passed every check unquotedRow makes: it is read.
      if (scanner?.stoppedAtWantedPort(buf, start)) {
        out.push(readRow(buf.toString('utf8', start, end), lineNo));
        return;
      }
      // The delimiters (a quote anywhere sends the row to the quote-aware text path); those around the port column
      // bound it. (The scanner keeps MAX_KEPT positions: a port column past them is read on the text path.)
      const column = dstPortColumn ?? -1;
      if (scanner && pending.length === 0 && header !== undefined && column < ByteScanner.MAX_KEPT) {
        const n = scanner.scan(buf, start, end, delimiterCode, QUOTE, QUOTE, 0, column + 1);
        if (n !== -1 && scanner.stop() === -1) {
          const portStart = column === 0 ? start : column > 0 && column <= n ? scanner.at(column - 1) + 1 : -1;
          const portEnd = column >= 0 && column < n ? scanner.at(column) : end;
          unquotedRow(buf, start, end, lineNo, n, portStart, portEnd, out);
          return;
        }
      }
      take({ text: buf.toString('utf8', start, end), lineNo }, out);
    },
    end(out) {
      // Lines read again may open a record of their own that the input ends inside: loop until none is open.
      while (pending.length > 0) abandon('at end of input', out);
    },
  };
}

function delimiterCodeOf(delimiter: string): number {
  return delimiter.charCodeAt(0);
}

/**
 * The port in bytes [from, to) of an unquoted row, as portOf reads its text when that text is decimal digits with
 * spaces around (1..5 digits, at most 65535); -1 otherwise (the text path then decides: portOf also allows other
 * white space).
 */
function portOnBytes(buf: Buffer, from: number, to: number): number {
  while (from < to && buf[from] === 32) from++;
  while (to > from && buf[to - 1] === 32) to--;
  return decimalPort(buf, from, to);
}

function countDelimiters(text: string, delimiter: number): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === delimiter) n++;
  return n;
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
  open: (ctx) => openCsv(ctx, 'csv', GENERIC_SCHEMA),
};
