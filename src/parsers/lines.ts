/**
 * Bytes → physical lines, push-style and free of I/O: `push(chunk)` any number of times, then `end()`.
 * Splits on LF (a CR before it is dropped), hands each line on as a byte range without decoding it, numbers lines from 1 or `firstLine` (the record parser has
 * already dropped a UTF-8 BOM), and bounds memory: a line longer than `maxLineBytes` is reported (not buffered) and skipped to its end.
 */
import { isBlankBytes } from './types.js';

export interface LineHandler {
  /** Line `lineNo` is bytes [start, end) of `buf`, its LF and a CR before it excluded; `buf` is valid during the call. */
  line(buf: Buffer, start: number, end: number, lineNo: number): void;
  /** A physical line over the limit: its content is gone, only its number is reported. */
  tooLong(lineNo: number, bytes: number): void;
  /**
   * Optional: lines taken many at a time. Bytes [start, end) of `buf` are whole lines (`end` just past a line
   * feed), `lineNo` the first; returns how many leading lines the handler took (then `taken.end` is where the next
   * line starts), 0 to have them handed to `line` one by one.
   */
  block?(buf: Buffer, start: number, end: number, lineNo: number, taken: { end: number }): number;
}

/**
 * After `block` takes no line, the lines handed to `line` before it is offered lines again double from 1 up to this
 * (a handler that cannot take a file's lines costs a call per this many lines; one that took none only for a moment
 * — a session that had not yet seen a line like the next — is offered them again after the next line).
 */
const MAX_BLOCK_BACKOFF_LINES = 64;

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

/** What the notes on a file of lines that end in a carriage return alone (classic Mac OS) advise. */
export const CONVERT_CR_LINE_ENDS = "convert them first (tr '\\r' '\\n')";

/** The longest line handed to a session, in bytes: the context's limit (ParseContext.maxLineBytes), else the default. */
export function lineLimit(ctx: { maxLineBytes?: number | undefined }): number {
  return ctx.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
}

/** The most characters one record may span across lines (a quoted CSV field, a JSON array element). */
export const MAX_RECORD_CHARS = 1 << 20;

export class LineSplitter {
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private lineNo: number;
  private discarding = false;
  private discardedBytes = 0;
  /** Lines to hand to `line` before the handler's `block` is tried again, and the next such wait after a miss. */
  private blockBackoff = 0;
  private nextBackoff = 1;
  private readonly taken = { end: 0 };

  /** `firstLine`: the number of the first line (a range of a file is numbered as the file's lines). */
  constructor(
    private readonly handler: LineHandler,
    private readonly maxLineBytes = DEFAULT_MAX_LINE_BYTES,
    firstLine = 1,
  ) {
    this.lineNo = firstLine - 1;
  }

  push(chunk: Buffer): void {
    let start = 0;
    const last = this.handler.block ? chunk.lastIndexOf(10) : -1;
    for (;;) {
      if (start <= last && this.carryBytes === 0 && !this.discarding) {
        if (this.blockBackoff > 0) this.blockBackoff--;
        else {
          const lines = this.handler.block!(chunk, start, last + 1, this.lineNo + 1, this.taken);
          if (lines > 0) {
            this.lineNo += lines;
            start = this.taken.end;
            // the line it stopped at goes to `line`; the lines after it are offered again
            this.blockBackoff = 1;
            this.nextBackoff = 1;
            continue;
          }
          // (this line goes to `line` now: it is one of them)
          this.blockBackoff = this.nextBackoff - 1;
          this.nextBackoff = Math.min(2 * this.nextBackoff, MAX_BLOCK_BACKOFF_LINES);
        }
      }
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        this.keep(chunk, start, chunk.length);
        return;
      }
      if (this.discarding) {
        this.lineNo++;
        this.handler.tooLong(this.lineNo, this.discardedBytes + nl - start);
        this.discarding = false;
        this.discardedBytes = 0;
      } else if (this.carryBytes + nl - start > this.maxLineBytes) {
        this.lineNo++;
        this.handler.tooLong(this.lineNo, this.carryBytes + nl - start);
        this.carry = [];
        this.carryBytes = 0;
      } else if (this.carryBytes === 0) {
        this.emit(chunk, start, nl);
      } else {
        const joined = Buffer.concat([...this.carry, chunk.subarray(start, nl)]);
        this.carry = [];
        this.carryBytes = 0;
        this.emit(joined, 0, joined.length);
      }
      start = nl + 1;
    }
  }

  /**
   * What waits for `end()` after the last line feed, so far: nothing (or blanks); a line (a last line without a line
   * feed); or a line with a carriage return inside it (not only at its end) — lines that end in a CR alone.
   */
  get partialLine(): 'none' | 'line' | 'cr-lines' {
    if (!this.carry.some((piece) => !isBlankBytes(piece, 0, piece.length))) return 'none';
    const last = this.carry.length - 1;
    const crInside = this.carry.some((piece, k) => {
      const cr = piece.indexOf(13);
      return cr !== -1 && (k < last || cr < piece.length - 1);
    });
    return crInside ? 'cr-lines' : 'line';
  }

  end(): void {
    if (this.discarding) {
      this.lineNo++;
      this.handler.tooLong(this.lineNo, this.discardedBytes);
    } else if (this.carryBytes > 0) {
      const joined = Buffer.concat(this.carry);
      this.emit(joined, 0, joined.length);
    }
    this.carry = [];
    this.carryBytes = 0;
    this.discarding = false;
  }

  private keep(chunk: Buffer, start: number, end: number): void {
    if (start === end) return;
    if (this.discarding) {
      this.discardedBytes += end - start;
      return;
    }
    if (this.carryBytes + end - start > this.maxLineBytes) {
      this.discarding = true;
      this.discardedBytes = this.carryBytes + end - start;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    // Copy: the caller may reuse the chunk's memory.
    this.carry.push(Buffer.from(chunk.subarray(start, end)));
    this.carryBytes += end - start;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    this.handler.line(buf, start, end > start && buf[end - 1] === 13 ? end - 1 : end, this.lineNo);
  }
}
