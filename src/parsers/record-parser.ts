/**
 * The push-based core every input path wraps: bytes in, record outcomes out, with counters.
 * `push(chunk)` / `end()` return the outcomes completed so far; no I/O, no clock, no global state.
 */
import { InputFileError } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './lines.js';
import { formatById, sniffBytes, sniffFormat, FORMATS } from './registry.js';
import {
  isBlank, type ByteSession, type ColumnReport, type ErrorCode, type Format, type LineSession, type ParseContext, type RecordOutcome, type SkipCode,
} from './types.js';

export interface RecordParserOptions extends ParseContext {
  /** A format id, or `auto` (default): binary formats by their first bytes, text ones by the first non-blank line. */
  format?: string;
  maxLineBytes?: number;
  /** The formats to choose from (default: the registry). */
  formats?: readonly Format[];
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
  /** The column layouts the format bound, first few per input (CSV: one; JSON: one per distinct key set). */
  columns: ColumnReport[];
}

export function emptyInfo(): ParserInfo {
  return {
    bytes: 0, lines: 0, records: 0, parsed: 0, events: 0, skipped: 0, errors: 0, skippedBy: {}, errorsBy: {}, unusableBy: {}, columns: [],
  };
}

/** Add `b`'s counts into `a` (summaries over several files). */
export function addInfo(a: ParserInfo, b: ParserInfo): ParserInfo {
  for (const k of ['bytes', 'lines', 'records', 'parsed', 'events', 'skipped', 'errors'] as const) a[k] += b[k];
  for (const [k, v] of Object.entries(b.skippedBy)) a.skippedBy[k as SkipCode] = (a.skippedBy[k as SkipCode] ?? 0) + v;
  for (const [k, v] of Object.entries(b.errorsBy)) a.errorsBy[k as ErrorCode] = (a.errorsBy[k as ErrorCode] ?? 0) + v;
  for (const [k, v] of Object.entries(b.unusableBy)) a.unusableBy[k] = (a.unusableBy[k] ?? 0) + v!;
  return a;
}

export interface RecordParser {
  push(chunk: Buffer | string): RecordOutcome[];
  end(): RecordOutcome[];
  /** The format in use, once known. */
  readonly format: Format | undefined;
  readonly info: ParserInfo;
}

/** Bytes looked at to recognize a binary format (magic numbers and version fields sit in the first few). */
export const SNIFF_BYTES = 64;
const MAX_BLANK_LINES_BEFORE_SNIFF = 100_000;
const MAX_COLUMN_REPORTS = 8;

function countInto(info: ParserInfo, outcomes: readonly RecordOutcome[]): void {
  for (const o of outcomes) {
    info.records++;
    if (o.kind === 'events') {
      info.parsed++;
      info.events += o.events.length;
    } else if (o.kind === 'skip') {
      info.skipped++;
      info.skippedBy[o.code] = (info.skippedBy[o.code] ?? 0) + 1;
    } else {
      info.errors++;
      info.errorsBy[o.code] = (info.errorsBy[o.code] ?? 0) + 1;
    }
  }
}

export function createRecordParser(options: RecordParserOptions): RecordParser {
  const formats = options.formats ?? FORMATS;
  const info = emptyInfo();
  const callerObserver = options.observe;
  options = {
    ...options,
    observe: {
      columns(report) {
        if (info.columns.length < MAX_COLUMN_REPORTS) info.columns.push(report);
        callerObserver?.columns(report);
      },
      unusable(field) {
        info.unusableBy[field] = (info.unusableBy[field] ?? 0) + 1;
        callerObserver?.unusable(field);
      },
    },
  };
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const forced = options.format && options.format !== 'auto' ? formatById(options.format, formats) : undefined;
  if (options.format && options.format !== 'auto' && !forced) {
    throw new InputFileError(`unknown format '${options.format}' (known: ${formats.map((f) => f.id).join(', ')})`);
  }
  let format: Format | undefined = forced;
  let lineSession: LineSession | undefined = forced?.kind === 'lines' ? forced.open(options) : undefined;
  let byteSession: ByteSession | undefined = forced?.kind === 'bytes' ? forced.open(options) : undefined;
  // Until the input's kind is known (auto), its first bytes wait here.
  let head: Buffer[] | undefined = forced ? undefined : [];
  let headBytes = 0;
  let blankLines: number[] = [];
  let out: RecordOutcome[] = [];

  const splitter = new LineSplitter(
    {
      line(text, lineNo) {
        info.lines = lineNo;
        if (!lineSession) {
          if (isBlank(text)) {
            if (blankLines.length < MAX_BLANK_LINES_BEFORE_SNIFF) blankLines.push(lineNo);
            return;
          }
          const sniffed = sniffFormat(text, formats, options);
          if (!sniffed) {
            throw new InputFileError(
              `unrecognised format (line ${lineNo}: ${JSON.stringify(text.slice(0, 80))}); ` +
                `choose one with --format (${formats.map((f) => f.id).join(', ')})`,
            );
          }
          format = sniffed;
          lineSession = sniffed.open(options);
          for (const n of blankLines) lineSession.push('', n, out);
          blankLines = [];
        }
        lineSession.push(text, lineNo, out);
      },
      tooLong(lineNo, bytes) {
        info.lines = lineNo;
        out.push({ kind: 'error', line: lineNo, code: 'RECORD_TOO_LONG', message: `line of ${bytes} bytes exceeds the ${maxLine} byte limit` });
      },
    },
    maxLine,
  );

  const feed = (bytes: Buffer) => {
    if (byteSession) byteSession.push(bytes, out);
    else splitter.push(bytes);
  };

  /** Decide between a binary format and the line path from the bytes seen so far, then replay them. */
  const decide = () => {
    const bytes = Buffer.concat(head!);
    head = undefined;
    const binary = sniffBytes(bytes, formats);
    if (binary) {
      format = binary;
      byteSession = binary.open(options);
    }
    feed(bytes);
  };

  const drain = () => {
    const done = out;
    out = [];
    countInto(info, done);
    return done;
  };

  return {
    get format() {
      return format;
    },
    info,
    push(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      info.bytes += bytes.length;
      if (head) {
        head.push(bytes);
        headBytes += bytes.length;
        if (headBytes >= SNIFF_BYTES) decide();
      } else {
        feed(bytes);
      }
      return drain();
    },
    end() {
      if (head) decide();
      if (byteSession) {
        byteSession.end(out);
      } else {
        splitter.end();
        lineSession?.end(out);
      }
      return drain();
    },
  };
}

/** Parse a whole text at once (tests, small inputs): the same core, wrapped synchronously. */
export function parseText(text: string, options: RecordParserOptions): { outcomes: RecordOutcome[]; info: ParserInfo } {
  const parser = createRecordParser(options);
  const outcomes = [...parser.push(text), ...parser.end()];
  return { outcomes, info: parser.info };
}
