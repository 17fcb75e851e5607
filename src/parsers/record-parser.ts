/**
 * The push-based core every input path wraps: bytes in, record outcomes out, with counters.
 * `push(chunk)` / `end()` return the outcomes completed so far; no I/O, no clock, no global state.
 */
import { InputFileError } from './errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './lines.js';
import { formatById, sniffFormat, FORMATS } from './registry.js';
import { isBlank, type ErrorCode, type LineFormat, type LineSession, type ParseContext, type RecordOutcome, type SkipCode } from './types.js';

export interface RecordParserOptions extends ParseContext {
  /** A format id, or `auto` (default) to sniff it from the first non-blank line. */
  format?: string;
  maxLineBytes?: number;
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
}

export function emptyInfo(): ParserInfo {
  return { bytes: 0, lines: 0, records: 0, parsed: 0, events: 0, skipped: 0, errors: 0, skippedBy: {}, errorsBy: {} };
}

/** Add `b`'s counts into `a` (summaries over several files). */
export function addInfo(a: ParserInfo, b: ParserInfo): ParserInfo {
  for (const k of ['bytes', 'lines', 'records', 'parsed', 'events', 'skipped', 'errors'] as const) a[k] += b[k];
  for (const [k, v] of Object.entries(b.skippedBy)) a.skippedBy[k as SkipCode] = (a.skippedBy[k as SkipCode] ?? 0) + v;
  for (const [k, v] of Object.entries(b.errorsBy)) a.errorsBy[k as ErrorCode] = (a.errorsBy[k as ErrorCode] ?? 0) + v;
  return a;
}

export interface RecordParser {
  push(chunk: Buffer | string): RecordOutcome[];
  end(): RecordOutcome[];
  /** The format in use, once known. */
  readonly format: LineFormat | undefined;
  readonly info: ParserInfo;
}

const MAX_BLANK_LINES_BEFORE_SNIFF = 100_000;

export function createRecordParser(options: RecordParserOptions): RecordParser {
  const info = emptyInfo();
  const forced = options.format && options.format !== 'auto' ? formatById(options.format) : undefined;
  if (options.format && options.format !== 'auto' && !forced) {
    throw new InputFileError(`unknown format '${options.format}' (known: ${FORMATS.map((f) => f.id).join(', ')})`);
  }
  let format: LineFormat | undefined = forced;
  let session: LineSession | undefined = forced?.open(options);
  let blankLines: number[] = [];
  let out: RecordOutcome[] = [];

  const count = (outcomes: RecordOutcome[], from: number) => {
    for (let i = from; i < outcomes.length; i++) {
      const o = outcomes[i]!;
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
  };

  const splitter = new LineSplitter(
    {
      line(text, lineNo) {
        info.lines = lineNo;
        if (!session) {
          if (isBlank(text)) {
            if (blankLines.length < MAX_BLANK_LINES_BEFORE_SNIFF) blankLines.push(lineNo);
            return;
          }
          format = sniffFormat(text);
          if (!format) {
            throw new InputFileError(
              `unrecognised format (line ${lineNo}: ${JSON.stringify(text.slice(0, 80))}); ` +
                `choose one with --format (${FORMATS.map((f) => f.id).join(', ')})`,
            );
          }
          session = format.open(options);
          for (const n of blankLines) session.push('', n, out);
          blankLines = [];
        }
        session.push(text, lineNo, out);
      },
      tooLong(lineNo, bytes) {
        info.lines = lineNo;
        out.push({ kind: 'error', line: lineNo, code: 'RECORD_TOO_LONG', message: `line of ${bytes} bytes exceeds the ${maxLine} byte limit` });
      },
    },
    options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  );
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;

  const drain = () => {
    const done = out;
    out = [];
    count(done, 0);
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
      splitter.push(bytes);
      return drain();
    },
    end() {
      splitter.end();
      session?.end(out);
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
