import type { NetworkEvent } from '../model/event.js';
import type { ByteScanner } from './kernel/kernel.js';

/** Why a record yielded no event although nothing was wrong with it. */
export type SkipCode =
  /** A well-formed record that does not describe a connection (system event, header, options record…). */
  | 'NOT_A_CONNECTION'
  /** Rejected by the scan's pre-filter before it was fully parsed: it cannot match any rule. */
  | 'FILTERED'
  /**
   * A line of a line-level family (syslog) that no known message format recognises: another program's line in a
   * mixed file, or a vendor dicomwatch does not parse yet. Counted per file; the file goes on.
   */
  | 'UNRECOGNISED_FORMAT';

/** Why a record could not be parsed: a closed set, so callers can count and react by code. */
export type ErrorCode =
  | 'BAD_ADDRESS'
  | 'BAD_PORT'
  | 'BAD_TIME'
  | 'BAD_VALUE'
  | 'MISSING_FIELD'
  | 'MALFORMED'
  | 'RECORD_TOO_LONG'
  /**
   * NetFlow v9 / IPFIX data whose template never came (within the look-ahead, in this input): one outcome per data
   * set, located where its first record would be; its records cannot be counted without the template.
   */
  | 'NO_TEMPLATE';

/**
 * What became of one input record. Every record read yields exactly one outcome. Generic in what a record yields
 * (`T`): network events for logs and flows; listener rows, DICOM associations or other record kinds reuse the same
 * core, chunking and accounting.
 */
export type RecordOutcome<T = NetworkEvent> =
  | { kind: 'events'; line: number; events: T[] }
  /**
   * `records`: how many consecutive records from `line` this outcome stands for (default 1). A binary decoder
   * reports a run of records its pre-filter rejected as one outcome, so rejecting costs no object per record.
   */
  | { kind: 'skip'; line: number; code: SkipCode; message: string; records?: number }
  | { kind: 'error'; line: number; code: ErrorCode; message: string };

/** What a parser returns for one record, before the session attaches the line number. */
export type ParseResult<T = NetworkEvent> = T | T[] | Rejection;

export interface Rejection {
  reject: 'skip' | 'error';
  code: SkipCode | ErrorCode;
  message: string;
}

export function skip(code: SkipCode, message: string): Rejection {
  return { reject: 'skip', code, message };
}

export function fail(code: ErrorCode, message: string): Rejection {
  return { reject: 'error', code, message };
}

export function isRejection<T>(r: ParseResult<T>): r is Rejection {
  return (r as Rejection).reject !== undefined;
}

/**
 * A cheap test from the compiled rules: records whose destination port is not in `dstPorts` cannot match.
 * Parsers may apply it on raw text before building an event; `parse` runs without it.
 */
export interface Prefilter {
  dstPorts: ReadonlySet<number>;
}

/** Everything a parser may know about its input besides the text. */
export interface ParseContext {
  /** File name as the user gave it (`-` for stdin): goes into every event and message. */
  file: string;
  /**
   * Zone for timestamps that carry none (`--tz`), already validated. Absent: UTC, and a column whose header says it
   * holds local time (`TimeGenerated [Local Time]`) is refused, since its zone is unknown.
   */
  tz?: string;
  /** Year for timestamps that lack one (`--year`). */
  year?: number;
  /** Epoch ms of "now", to infer the year of year-less timestamps when `year` is absent (the CLI passes its clock). */
  now?: number;
  /** User column mapping (`--map srcIp=ColB`), event field → source column name. */
  columnMap?: Readonly<Record<string, string>>;
  prefilter?: Prefilter;
  /**
   * Consecutive FILTERED records may be reported as one outcome with `records` (set by the record parser when its
   * caller asked for runs, as `scan` does): a session on the hot path then keeps no object per rejected record.
   */
  filteredRuns?: boolean;
  /** The longest line handed to a session, in bytes (default 1 MiB): a longer one is RECORD_TOO_LONG. */
  maxLineBytes?: number;
  /**
   * Whether sessions may decide records on their bytes before decoding them (the hot path; default true). False:
   * every record takes the text path — the reference the tests hold the hot path to.
   */
  bytePath?: boolean;
  /**
   * The delimiter scan sessions use on the hot path (set by the record parser, which tells it when its caller's
   * Buffers may change). Absent: no record is decided on its bytes by a format that needs it.
   */
  scanner?: ByteScanner;
  /** Where a session reports what it learned about its input (the record parser keeps it in its `info`). */
  observe?: ParseObserver;
  /**
   * One bag per run, shared by every input of it: where a binary format keeps state that outlives one file (NetFlow
   * v9 / IPFIX templates from one file decode the data of the next), under its format id. Absent: each file alone.
   */
  flowState?: Record<string, unknown>;
}

/** Which columns (CSV header names, JSON keys) a session bound to event fields, and which it could have used. */
export interface ColumnReport {
  /** Event field → the source column that fed it (`time` → `TimeGenerated [UTC]`). */
  used: Readonly<Record<string, string>>;
  /** Every column name the layout offers, as written in the input (bounded). */
  available: readonly string[];
  /**
   * True when `--map` (ParseContext.columnMap) binds this layout's columns: CSV and JSON records read by a column
   * schema. Absent where it does not: vendor lines carried in a column, flow-log headers.
   */
  mappable?: boolean;
}

/** Side channel from a session to its record parser: facts about the input, not about one record's outcome. */
export interface ParseObserver {
  /** A column layout was bound (CSV: at the header; JSON: at each new key set, the first few per file). */
  columns(report: ColumnReport): void;
  /**
   * An optional value was present but unusable (a port of 70000, a count of `abc`) and the field was left absent.
   * Values that say "no value" (JSON null, empty, `-`, `null`) are simply absent and not reported.
   */
  unusable(field: string): void;
  /**
   * A fact about the input as a whole that is not one record's outcome, for the user (stderr, once per file): what a
   * packet capture held besides the records (datagrams of other protocols, fragments never completed…).
   */
  note?(message: string): void;
}

/**
 * A parser instance for one input file, fed physical lines in order as bytes: line `lineNo` (1-based) is
 * `buf[start, end)` without its terminator. A session decodes only what it needs, so it can reject a record on its
 * bytes before any string or object is built. `buf` belongs to the caller and is only valid during the call: a
 * session that keeps bytes copies them.
 */
export interface LineSession<T = NetworkEvent> {
  push(buf: Buffer, start: number, end: number, lineNo: number, out: RecordOutcome<T>[]): void;
  /**
   * Optional, for a scan that reports FILTERED records as runs (`filteredRuns`): settle many lines in one step, so
   * that the common line costs no call of its own. Bytes [start, end) of `buf` are whole lines, `lineNo` the first
   * (`end` is just past a line feed). The session takes the leading lines it can settle as FILTERED — exactly
   * those `push` would give that outcome, one by one — and returns how many; `taken.end` is then where the first
   * line it did not take starts. Returning 0 leaves every line to `push`.
   */
  block?(buf: Buffer, start: number, end: number, lineNo: number, taken: { end: number }): number;
  /** End of input: flush a record still open. */
  end(out: RecordOutcome<T>[]): void;
}

/** What every format module says about itself (for the registry and `dicomwatch formats`). */
interface FormatInfo {
  id: string;
  vendor?: string;
  product?: string;
  /** One line for `dicomwatch formats`. */
  description: string;
  /** How it is recognized, for `dicomwatch formats`. */
  recognizedBy: string;
}

/** A text log format: one module per format, listed in the registry. */
export interface LineFormat<T = NetworkEvent> extends FormatInfo {
  kind: 'lines';
  /**
   * Its writers end every record with a line feed, and a record cut short can still read as a whole one (a syslog
   * line cut after `DPT=10` has port 10): a last line without a line feed is then noted as possibly cut off.
   * (Where a cut record reads as malformed — a CSV row, a VPC record, a JSON object — nothing needs saying.)
   */
  recordsEndInLineFeed?: boolean;
  /** Whether the first non-blank line of a file looks like this format (`ctx`: e.g. a header naming a `--map` column). */
  sniff(firstLine: string, ctx?: ParseContext): boolean;
  open(ctx: ParseContext): LineSession<T>;
}

/**
 * A parser instance for one binary input (NetFlow/IPFIX export packets, pcap, a JSON array…): fed the raw bytes in
 * chunks of any size, it reports one outcome per record, numbered as DESIGN.md says for its kind of input. Chunks
 * belong to the caller: a session copies what it keeps.
 */
export interface ByteSession<T = NetworkEvent> {
  push(chunk: Buffer, out: RecordOutcome<T>[]): void;
  end(out: RecordOutcome<T>[]): void;
}

/** A binary input format, recognized by its first bytes (magic numbers, version fields). */
export interface ByteFormat<T = NetworkEvent> extends FormatInfo {
  kind: 'bytes';
  /** Whether the first bytes of a file (up to SNIFF_BYTES, fewer for a shorter file) look like this format. */
  sniffBytes(head: Buffer): boolean;
  open(ctx: ParseContext): ByteSession<T>;
}

export type Format<T = NetworkEvent> = LineFormat<T> | ByteFormat<T>;

/** Turn a per-line parse function into a session: one physical line is one record, decoded as UTF-8. */
export function lineByLine<T>(parse: (line: string, lineNo: number) => ParseResult<T>): LineSession<T> {
  return {
    push(buf, start, end, lineNo, out) {
      if (isBlankBytes(buf, start, end)) return; // blank lines are not records
      out.push(toOutcome<T>(parse(buf.toString('utf8', start, end), lineNo), lineNo));
    },
    end() {},
  };
}

export function isBlank(line: string): boolean {
  return line.length === 0 || line.trim().length === 0;
}

/** Whether bytes [start, end) are only spaces, tabs and CRs (what `isBlank` says of their text, for ASCII blanks). */
export function isBlankBytes(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9 && c !== 13) return c >= 0x80 ? isBlank(buf.toString('utf8', start, end)) : false;
  }
  return true;
}

/** Whether `needle` occurs within bytes [start, end) of `buf` (Buffer#indexOf has no end bound: it would scan on). */
export function bytesInclude(buf: Buffer, needle: Uint8Array, start: number, end: number): boolean {
  const n = needle.length;
  const first = needle[0]!;
  for (let i = start, last = end - n; i <= last; i++) {
    if (buf[i] !== first) continue;
    let j = 1;
    while (j < n && buf[i + j] === needle[j]) j++;
    if (j === n) return true;
  }
  return false;
}

export function toOutcome<T = NetworkEvent>(result: ParseResult<NoInfer<T>>, line: number): RecordOutcome<T> {
  if (Array.isArray(result)) return { kind: 'events', line, events: result };
  if (isRejection(result)) {
    return result.reject === 'skip'
      ? { kind: 'skip', line, code: result.code as SkipCode, message: result.message }
      : { kind: 'error', line, code: result.code as ErrorCode, message: result.message };
  }
  return { kind: 'events', line, events: [result as T] };
}
