/**
 * The slot for vendor messages carried in syslog: one module per vendor message format, listed in
 * src/parsers/syslog/registry.ts. The syslog family (family.ts) parses the framing once per line and offers the
 * line to the message formats in turn, the last one that matched first.
 */
import type { ByteScanner, LinePrefix } from '../kernel/kernel.js';
import type { NetworkEvent } from '../../model/event.js';
import type { TimeContext } from '../../time/parse.js';
import type { RecordPrefilter } from '../prefilter.js';
import type { ParseObserver, ParseResult } from '../types.js';
import type { SyslogLine } from './framing.js';

/** A message format's answer for a line that is not one of its messages: the next format is tried. */
export const NOT_MINE: unique symbol = Symbol('not mine');

/** What a message parser may know besides the line. */
export interface MessageContext {
  file: string;
  lineNo: number;
  /**
   * For timestamps in the message itself: `tz` (`--tz`, default UTC) for those without a zone — a zone the message
   * states (FortiGate `tz=`, an offset in the text) wins —, `year` and `now` for year-less ones (see parseTimestamp).
   */
  time: TimeContext;
  /** The scan's pre-filter: a message that is well-formed and cannot match may be FILTERED before its event is built. */
  prefilter?: RecordPrefilter | undefined;
  observe?: ParseObserver | undefined;
}

export interface MessageFormat<T = NetworkEvent> {
  /** Event `format` value, and `--format` id when a file holds only this vendor's lines. */
  id: string;
  vendor: string;
  product: string;
  description: string;
  /** How a line is recognised, for `dicomwatch formats`. */
  recognizedBy: string;
  /** A typical line, for `dicomwatch formats` (a test parses it to an event). */
  sample: string;
  /**
   * The outcome of a line that is one of this format's messages: its events, a skip, or an error (a message of
   * this format that is cut short or broken is MALFORMED here, not someone else's). NOT_MINE otherwise — cheaply:
   * every line of a mixed file may be offered to every format.
   */
  parse(line: SyslogLine, ctx: MessageContext): ParseResult<T> | typeof NOT_MINE;
  /**
   * The scan's hot path, optional: true only when `parse`, handed this message (bytes [start, end), the text after
   * the syslog header), would say FILTERED for `dstPorts` — it is this format's, passes every structural check
   * `parse` makes before its pre-filter, and its destination port is a valid one no rule wants — decided on the
   * bytes, without a string. False means "not sure": the line is framed and parsed as text. Bytes [lineStart, start)
   * are the line's syslog header, the `TAG: ` the framing took off the message right before `start` when it found
   * one: a format whose `parse` reads the tag (`line.app`) reads it there, and nothing before `lineStart`. A property
   * test holds every implementation to `parse` (test/hot-path-syslog.test.ts). `scanner` finds delimiters sixteen
   * bytes a step (kernel.ts).
   */
  filteredOnBytes?(buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>, lineStart: number, scanner: ByteScanner | undefined): boolean;
  /**
   * Optional, with filteredOnBytes: many lines in one step (a kernel call), for a scan that folds FILTERED records
   * into runs. Bytes [start, end) are whole lines; `lines.prefix` is how a line whose message filteredOnBytes settled
   * starts (its syslog header and `TAG: `, or its header and the message's first word), which frames any line that
   * starts alike (kernel.ts LinePrefix). Returns how many leading lines start with those bytes and carry a message
   * filteredOnBytes settles — exactly those — and sets `taken.end` where the next line starts; 0 leaves them to
   * the line-by-line path.
   */
  filteredLines?(scanner: ByteScanner, buf: Buffer, start: number, end: number, lines: FramedLines, taken: { end: number }): number;
}

/** What `filteredLines` is told about the lines it is offered besides their bytes. */
export interface FramedLines {
  /** What the lines start with, as a line whose message filteredOnBytes settled started. */
  prefix: LinePrefix;
  /** The longest line, in bytes: a longer one is RECORD_TOO_LONG. */
  maxLine: number;
  /** The wanted destination ports (indexed by port; 1: wanted). */
  ports: Uint8Array;
}
