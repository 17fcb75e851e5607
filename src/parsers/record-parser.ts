/**
 * The push-based core every input path wraps: bytes in, record outcomes out, with counters.
 * `push(chunk)` / `end()` return the outcomes completed so far; no I/O, no clock, no global state.
 */
import { DicomwatchError } from '../errors.js';
import { normalizeZone } from '../time/zone.js';
import type { NetworkEvent } from '../model/event.js';
import { InputFileError } from './errors.js';
import { ByteScanner } from './kernel/kernel.js';
import { CONVERT_CR_LINE_ENDS, lineLimit, LineSplitter } from './lines.js';
import { pushFiltered } from './prefilter.js';
import { formatById, sniffBytes, sniffFormat, FORMATS } from './registry.js';
import {
  isBlankBytes, type ByteSession, type ColumnReport, type ErrorCode, type Format, type LineSession, type ParseContext, type RecordOutcome, type SkipCode,
} from './types.js';

export interface RecordParserOptions<T = NetworkEvent> extends ParseContext {
  /** A format id, or `auto` (default): binary formats by their first bytes, text ones by the first non-blank line. */
  format?: string;
  /**
   * The number of the first line pushed (default 1), for a reader of a range of a file (`scan --threads`): text
   * formats then number every line, record and message as the file's lines, and `info.lines` is the last line's
   * number. Binary formats number their records themselves and ignore it.
   */
  firstLine?: number;
  /** The formats to choose from (default: the registry, whose records are network events). */
  formats?: readonly Format<T>[];
  /**
   * Report consecutive FILTERED single-line records as one outcome with `records` (a scan that does not look at
   * its outcomes: the hot path then keeps no object per rejected record). Binary decoders report runs anyway.
   */
  filteredRuns?: boolean;
}

/**
 * Fold the outcome just pushed into the one before it when both are FILTERED and the new one is on the next line:
 * a run of single-line records (a multi-line record or a blank line in between starts a new run).
 */
function foldFiltered<T>(out: RecordOutcome<T>[]): void {
  const n = out.length;
  if (n < 2) return;
  const last = out[n - 1]!;
  const prev = out[n - 2]!;
  if (last.kind !== 'skip' || prev.kind !== 'skip' || last.code !== 'FILTERED' || prev.code !== 'FILTERED') return;
  const run = prev.records ?? 1;
  if (prev.line + run !== last.line || (last.records ?? 1) !== 1) return;
  prev.records = run + 1;
  out.pop();
}

/** Running totals: `records === parsed + skipped + errors` at every point. */
export interface ParserInfo {
  bytes: number;
  lines: number;
  records: number;
  /** Records that yielded at least one event. */
  parsed: number;
  events: number;
  skipped: number;
  errors: number;
  skippedBy: Partial<Record<SkipCode, number>>;
  errorsBy: Partial<Record<ErrorCode, number>>;
  /** Optional values present but unusable, left absent, per event field (the record still counts as parsed). */
  unusableBy: Partial<Record<string, number>>;
  /** Records that yielded events, per event `format` (the vendor, in a syslog file that mixes several). */
  parsedBy: Partial<Record<string, number>>;
  /** The column layouts the format bound, first few per input (CSV: one; JSON: one per distinct key set). */
  columns: ColumnReport[];
  /** What the format noted about the input as a whole (a capture's packets that held no record…), first few. */
  notes: string[];
}

export function emptyInfo(): ParserInfo {
  return {
    bytes: 0, lines: 0, records: 0, parsed: 0, events: 0, skipped: 0, errors: 0, skippedBy: {}, errorsBy: {}, unusableBy: {}, parsedBy: {}, columns: [], notes: [],
  };
}

/** Add `b`'s counts into `a` (summaries over several files). */
export function addInfo(a: ParserInfo, b: ParserInfo): ParserInfo {
  for (const k of ['bytes', 'lines', 'records', 'parsed', 'events', 'skipped', 'errors'] as const) a[k] += b[k];
  for (const [k, v] of Object.entries(b.skippedBy)) a.skippedBy[k as SkipCode] = (a.skippedBy[k as SkipCode] ?? 0) + v;
  for (const [k, v] of Object.entries(b.errorsBy)) a.errorsBy[k as ErrorCode] = (a.errorsBy[k as ErrorCode] ?? 0) + v;
  for (const [k, v] of Object.entries(b.unusableBy)) a.unusableBy[k] = (a.unusableBy[k] ?? 0) + v!;
  for (const [k, v] of Object.entries(b.parsedBy)) a.parsedBy[k] = (a.parsedBy[k] ?? 0) + v!;
  for (const note of b.notes) if (a.notes.length < MAX_NOTES) a.notes.push(note);
  for (const report of b.columns) if (a.columns.length < MAX_COLUMN_REPORTS) a.columns.push(report);
  return a;
}

export interface RecordParser<T = NetworkEvent> {
  push(chunk: Buffer | string): RecordOutcome<T>[];
  end(): RecordOutcome<T>[];
  /** The format in use, once known. */
  readonly format: Format<T> | undefined;
  /**
   * Set when the input as a whole failed (unknown format, unusable header, input cut off). The outcomes completed
   * before it were returned; nothing more is read. Wrappers rethrow it after delivering those outcomes.
   */
  readonly failure: Error | undefined;
  readonly info: ParserInfo;
}

/** Bytes looked at to recognize a binary format (magic numbers and version fields sit in the first few). */
export const SNIFF_BYTES = 64;
const MAX_BLANK_LINES_BEFORE_SNIFF = 100_000;
/** The column layouts `info.columns` keeps (the first ones bound). */
export const MAX_COLUMN_REPORTS = 8;
const MAX_NOTES = 16;

function countInto<T>(info: ParserInfo, outcomes: readonly RecordOutcome<T>[]): void {
  for (const o of outcomes) {
    if (o.kind === 'events') {
      info.records++;
      info.parsed++;
      info.events += o.events.length;
      const format = (o.events[0] as { format?: unknown } | undefined)?.format;
      if (typeof format === 'string') info.parsedBy[format] = (info.parsedBy[format] ?? 0) + 1;
    } else if (o.kind === 'skip') {
      const n = o.records ?? 1;
      info.records += n;
      info.skipped += n;
      info.skippedBy[o.code] = (info.skippedBy[o.code] ?? 0) + n;
    } else {
      info.records++;
      info.errors++;
      info.errorsBy[o.code] = (info.errorsBy[o.code] ?? 0) + 1;
    }
  }
}

export function createRecordParser<T = NetworkEvent>(options: RecordParserOptions<T>): RecordParser<T> {
  // Without formats of its own, the caller gets the registry's: network events.
  const formats = options.formats ?? (FORMATS as unknown as readonly Format<T>[]);
  const info = emptyInfo();
  // Options are checked here, once: a bad zone would otherwise be a BAD_TIME on every record.
  // No tz is not UTC by choice: a `[Local Time]` column is then refused rather than read as UTC (fields.ts).
  const tz = options.tz === undefined ? undefined : normalizeZone(options.tz);
  if (options.tz !== undefined && !tz) throw new DicomwatchError('BAD_OPTION', `tz: '${options.tz}' is not a time zone (an IANA name like Europe/London, or an offset like +02:00)`, 'tz');
  if (options.year !== undefined && !(Number.isInteger(options.year) && options.year >= 1970 && options.year <= 9999)) {
    throw new DicomwatchError('BAD_OPTION', `year: '${String(options.year)}' is not a year`, 'year');
  }
  const callerObserver = options.observe;
  const scanner = options.bytePath === false ? undefined : new ByteScanner();
  options = {
    ...options,
    ...(tz ? { tz } : {}),
    scanner,
    observe: {
      columns(report) {
        if (info.columns.length < MAX_COLUMN_REPORTS) info.columns.push(report);
        callerObserver?.columns(report);
      },
      unusable(field) {
        info.unusableBy[field] = (info.unusableBy[field] ?? 0) + 1;
        callerObserver?.unusable(field);
      },
      note(message) {
        if (info.notes.length < MAX_NOTES) info.notes.push(message);
        callerObserver?.note?.(message);
      },
    },
  };
  if (options.firstLine !== undefined && !(Number.isSafeInteger(options.firstLine) && options.firstLine >= 1)) {
    throw new DicomwatchError('BAD_OPTION', `firstLine: '${String(options.firstLine)}' is not a line number`, 'firstLine');
  }
  const maxLine = lineLimit(options);
  const filteredRuns = options.filteredRuns === true;
  const forced = options.format && options.format !== 'auto' ? formatById(options.format, formats) : undefined;
  if (options.format && options.format !== 'auto' && !forced) {
    throw new InputFileError(`unknown format '${options.format}' (known: ${formats.map((f) => f.id).join(', ')})`, options.file);
  }
  let format: Format<T> | undefined = forced;
  let lineSession: LineSession<T> | undefined = forced?.kind === 'lines' ? forced.open(options) : undefined;
  let byteSession: ByteSession<T> | undefined = forced?.kind === 'bytes' ? forced.open(options) : undefined;
  // The first bytes wait here until the input's kind is known (auto) and a UTF-8 BOM, which may arrive split
  // across chunks, is settled (line path). Copies: the caller may reuse its buffers once `push` returns.
  let head: Buffer[] | undefined = byteSession ? undefined : [];
  let headBytes = 0;
  let blankLines: number[] = [];
  let out: RecordOutcome<T>[] = [];
  let failure: Error | undefined;

  const splitter = new LineSplitter(
    {
      line(buf, start, end, lineNo) {
        info.lines = lineNo;
        if (!lineSession) {
          if (isBlankBytes(buf, start, end)) {
            if (blankLines.length < MAX_BLANK_LINES_BEFORE_SNIFF) blankLines.push(lineNo);
            return;
          }
          const text = buf.toString('utf8', start, end);
          const sniffed = sniffFormat(text, formats, options);
          if (!sniffed) {
            throw new InputFileError(
              `unrecognised format (line ${lineNo}: ${JSON.stringify(text.slice(0, 80))}); ` +
                `choose one with --format (${formats.map((f) => f.id).join(', ')})`,
              options.file,
            );
          }
          format = sniffed;
          lineSession = sniffed.open(options);
          for (const n of blankLines) lineSession.push(EMPTY, 0, 0, n, out);
          blankLines = [];
        }
        lineSession.push(buf, start, end, lineNo, out);
        if (filteredRuns) foldFiltered(out);
      },
      // Lines many at a time, only where FILTERED records are runs: a block of them is one outcome.
      ...(filteredRuns ? {
        block(buf: Buffer, start: number, end: number, lineNo: number, taken: { end: number }) {
          if (!lineSession?.block) return 0;
          const lines = lineSession.block(buf, start, end, lineNo, taken);
          if (lines > 0) {
            info.lines = lineNo + lines - 1;
            pushFiltered(out, lineNo, true, lines);
          }
          return lines;
        },
      } : {}),
      tooLong(lineNo, bytes) {
        info.lines = lineNo;
        out.push({ kind: 'error', line: lineNo, code: 'RECORD_TOO_LONG', message: `line of ${bytes} bytes exceeds the ${maxLine} byte limit` });
      },
    },
    maxLine,
    options.firstLine,
  );

  const feed = (bytes: Buffer) => {
    if (byteSession) byteSession.push(bytes, out);
    else splitter.push(bytes);
  };

  /** Whether a non-blank byte has arrived (text formats are recognized by their first non-blank line). */
  let nonBlankSeen = false;
  /** Whether the bytes so far are enough to choose the path: a binary magic, or the first non-blank text. */
  const canDecide = (latest: Buffer): boolean => {
    if (format) return headBytes >= UTF8_BOM.length;
    if (headBytes < SNIFF_BYTES) return false;
    // Checked on the whole head once, then only on each new chunk: blank lines before the text keep it open.
    nonBlankSeen ||= firstNonBlank(headBytes - latest.length < SNIFF_BYTES ? Buffer.concat(head!) : latest) !== -1;
    return nonBlankSeen || headBytes >= MAX_HEAD_BYTES;
  };

  /** Decide between a binary format and the line path from the bytes seen so far, then replay them. */
  const decide = () => {
    let bytes = Buffer.concat(head!);
    head = undefined;
    if (!format) {
      const binary = sniffBytes(bytes, formats);
      if (binary) {
        format = binary;
        byteSession = binary.open(options);
      }
    }
    if (!byteSession && hasUtf8Bom(bytes)) bytes = bytes.subarray(UTF8_BOM.length);
    feed(bytes);
  };

  const drain = () => {
    const done = out;
    out = [];
    countInto(info, done);
    return done;
  };

  /**
   * Run one step; a whole-input problem (unknown format, unusable header, input that breaks off) becomes
   * `failure`, after the outcomes completed before it: they are returned, never dropped.
   */
  const guarded = (step: () => void): RecordOutcome<T>[] => {
    if (!failure) {
      try {
        step();
      } catch (e) {
        failure = e instanceof Error ? e : new Error(String(e));
      }
    }
    return drain();
  };

  return {
    get format() {
      return format;
    },
    get failure() {
      return failure;
    },
    info,
    push(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      info.bytes += bytes.length;
      scanner?.forget(); // the caller may have put other bytes into a Buffer it pushed before
      return guarded(() => {
        if (head) {
          const copy = Buffer.from(bytes);
          head.push(copy);
          headBytes += copy.length;
          if (canDecide(copy)) decide();
        } else {
          feed(bytes);
        }
      });
    },
    end() {
      scanner?.forget();
      return guarded(() => {
        if (head) decide();
        if (byteSession) {
          byteSession.end(out);
        } else {
          const unterminated = splitter.partialLine;
          splitter.end();
          lineSession?.end(out);
          if (unterminated !== 'none' && format?.kind === 'lines' && format.recordsEndInLineFeed) {
            options.observe!.note!(unterminated === 'cr-lines'
              ? `line ${info.lines}, the last, has no line feed and carriage returns inside it: if the file's lines end in a carriage return alone (classic Mac OS), they were read as one; ${CONVERT_CR_LINE_ENDS}`
              : `line ${info.lines}, the last, has no line feed: if the file was cut off while it was written, that line may be incomplete (it was read as it stands)`);
          }
        }
      });
    },
  };
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const EMPTY = Buffer.alloc(0);
/** Leading blank bytes after which the input is handed to the line path undecided (it reports what it finds). */
const MAX_HEAD_BYTES = 1 << 20;

function hasUtf8Bom(bytes: Buffer): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/** Index of the first byte that is not a BOM, space, tab, CR or LF; -1 when there is none yet. */
export function firstNonBlank(bytes: Buffer): number {
  let i = hasUtf8Bom(bytes) ? 3 : 0;
  for (; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}

/** Parse a whole text at once (tests, small inputs): the same core, wrapped synchronously. */
export function parseText<T = NetworkEvent>(text: string, options: RecordParserOptions<T>): { outcomes: RecordOutcome<T>[]; info: ParserInfo } {
  const parser = createRecordParser(options);
  const outcomes = [...parser.push(text), ...parser.end()];
  if (parser.failure) throw parser.failure;
  return { outcomes, info: parser.info };
}
