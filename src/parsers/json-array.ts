/**
 * A JSON array of objects — what `az monitor log-analytics query` and most REST/"Export to JSON" paths write —
 * read element by element without holding the array in memory, whatever its line layout: pretty-printed or one
 * compact line of any length. DESIGN.md: an element's `line` is its 1-based index in the array.
 *
 * The session gets raw bytes (the structural characters are ASCII, so a UTF-8 multi-byte character can never be
 * taken for one) and only tracks strings, escapes and nesting depth to find element boundaries; each element is
 * then parsed by JSON.parse (json-record.ts), so one bad element is one error and the rest still count. An array
 * the input ends inside is a whole-input failure (like a truncated gzip), after every complete element was counted.
 */
import { InputFileError } from './errors.js';
import { jsonRecordParser } from './json-record.js';
import { MAX_RECORD_CHARS } from './lines.js';
import { fail, toOutcome, type ByteFormat, type ByteSession, type ParseContext, type RecordOutcome } from './types.js';

const C_QUOTE = 34;
const C_BACKSLASH = 92;
const C_COMMA = 44;
const C_OPEN_BRACE = 123;
const C_CLOSE_BRACE = 125;
const C_OPEN_BRACKET = 91;
const C_CLOSE_BRACKET = 93;
const C_LF = 10;

/** The most bytes one element may hold (the same bound as a physical line). */
const MAX_ELEMENT_BYTES = MAX_RECORD_CHARS;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === C_LF || c === 13;
}

const BOM = [0xef, 0xbb, 0xbf];
/** `{"records":[` without its whitespace, as byte codes: the envelope of Azure resource-log blobs. */
const ENVELOPE = Buffer.from('{"records":[', 'latin1');

function openJsonArray(ctx: ParseContext): ByteSession {
  const parseRecord = jsonRecordParser(ctx, 'json');
  let phase: 'bom' | 'before' | 'envelope' | 'inside' | 'after' | 'ignored' = 'bom';
  /** In `{"records": [...]}`: how much of the opening `{"records":[` has been read (whitespace aside). */
  let envelopeAt = 0;
  /** Whether the array is inside the envelope, so its `]` is followed by the envelope's `}`. */
  let enveloped = false;
  let bomAt = 0;
  let depth = 0; // 1 = inside the top-level array
  let inString = false;
  let escaped = false;
  let capturing = false; // an element has started
  let pieces: Buffer[] = [];
  let bytes = 0;
  let tooLong = false;
  let index = 0;
  let lineNo = 1; // physical line, for messages
  let elementLine = 1;

  const finish = (out: RecordOutcome[]) => {
    index++;
    if (tooLong) {
      out.push(toOutcome(fail('RECORD_TOO_LONG', `array element longer than ${MAX_ELEMENT_BYTES} bytes (starts on line ${elementLine})`), index));
    } else {
      const outcome = toOutcome(parseRecord(Buffer.concat(pieces).toString('utf8'), index), index);
      if (outcome.kind === 'error') outcome.message += ` (element starts on line ${elementLine})`;
      out.push(outcome);
    }
    capturing = false;
    pieces = [];
    bytes = 0;
    tooLong = false;
  };

  /** Keep element bytes [from, to) of the chunk: a copy, since the caller may reuse the chunk's memory. */
  const keep = (chunk: Buffer, from: number, to: number) => {
    if (tooLong || to <= from) return;
    bytes += to - from;
    if (bytes > MAX_ELEMENT_BYTES) {
      tooLong = true;
      pieces = [];
    } else {
      pieces.push(Buffer.from(chunk.subarray(from, to)));
    }
  };

  return {
    push(chunk, out) {
      let from = capturing ? 0 : -1; // start of the element bytes in this chunk, -1 when not capturing
      for (let i = 0; i < chunk.length; i++) {
        const c = chunk[i]!;
        if (c === C_LF) lineNo++;
        if (phase === 'bom') {
          // A UTF-8 BOM, possibly split across chunks, before the array.
          if (c === BOM[bomAt]) {
            if (++bomAt === BOM.length) phase = 'before';
            continue;
          }
          phase = 'before';
        }
        if (phase !== 'inside') {
          if (phase === 'ignored' || isSpace(c)) continue;
          if (phase === 'before' && c === C_OPEN_BRACE) {
            phase = 'envelope';
            envelopeAt = 1;
            continue;
          }
          if (phase === 'envelope') {
            // `{"records":[`: Azure's resource-log blobs (NSG flow logs, firewall logs…), whitespace allowed between tokens.
            if (c !== ENVELOPE[envelopeAt]) {
              throw new InputFileError(`line ${lineNo}: a JSON object that is not {"records": [...]} (use JSON Lines for one object per line)`, ctx.file);
            }
            if (++envelopeAt < ENVELOPE.length) continue;
            enveloped = true;
            phase = 'inside';
            depth = 1;
            continue;
          }
          if (phase === 'before') {
            if (c !== C_OPEN_BRACKET) {
              throw new InputFileError(`line ${lineNo}: not a JSON array (starts with ${JSON.stringify(String.fromCharCode(c))})`, ctx.file);
            }
            phase = 'inside';
            depth = 1;
            continue;
          }
          if (enveloped && c === C_CLOSE_BRACE) {
            enveloped = false; // the envelope's own `}`
            continue;
          }
          index++;
          out.push(toOutcome(fail('MALFORMED', `JSON: text after the array (line ${lineNo}); the rest of the input is ignored`), index));
          phase = 'ignored';
          continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === C_BACKSLASH) escaped = true;
          else if (c === C_QUOTE) inString = false;
          continue;
        }
        if (depth === 1 && (c === C_COMMA || c === C_CLOSE_BRACKET)) {
          if (capturing) {
            keep(chunk, from, i);
            finish(out);
            from = -1;
          } else if (c === C_COMMA || index > 0) {
            index++; // `[,` or `,,` or `,]`: an element that is not there
            out.push(toOutcome(fail('MALFORMED', `JSON: empty array element (line ${lineNo})`), index));
          }
          if (c === C_CLOSE_BRACKET) {
            phase = 'after';
            depth = 0;
          }
          continue;
        }
        if (!capturing) {
          if (isSpace(c)) continue;
          capturing = true;
          elementLine = lineNo;
          from = i;
        }
        if (c === C_QUOTE) inString = true;
        else if (c === C_OPEN_BRACE || c === C_OPEN_BRACKET) depth++;
        else if (c === C_CLOSE_BRACE || c === C_CLOSE_BRACKET) depth--;
      }
      if (capturing) keep(chunk, from, chunk.length);
    },
    end(out) {
      if (phase === 'envelope') throw new InputFileError('the {"records": [...]} envelope is cut off before its array', ctx.file);
      if (phase === 'after' && enveloped) throw new InputFileError('the {"records": [...]} envelope is not closed (input cut off?)', ctx.file);
      if (phase !== 'inside') return;
      if (capturing) {
        // The input ends inside the array. An element the input ends inside is a record of its own (counted,
        // reported); one that is complete but not followed by `,` or `]` still counts as read.
        const complete = depth === 1 && !inString && !tooLong;
        if (complete) finish(out);
        else {
          index++;
          out.push(toOutcome(fail('MALFORMED', `JSON: the input ends inside this element (starts on line ${elementLine})`), index));
        }
      }
      throw new InputFileError(`the JSON array is not closed: the input ends after element ${index} (cut off?)`, ctx.file);
    },
  };
}

export const jsonArrayFormat: ByteFormat = {
  id: 'json',
  kind: 'bytes',
  description: 'a JSON array of objects (az monitor log-analytics query, REST exports) or an Azure {"records": [...]} blob, read element by element',
  recognizedBy: 'first non-blank character is `[`, or the file is an Azure resource-log blob `{"records": [`',
  sniffBytes: (head) => {
    let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < head.length && isSpace(head[i]!)) i++;
    if (head[i] === C_OPEN_BRACKET) return true;
    // `{ "records" : [` (whitespace between the tokens), read from the head's bytes
    let at = 0;
    for (; i < head.length && at < ENVELOPE.length; i++) {
      if (isSpace(head[i]!)) continue;
      if (head[i] !== ENVELOPE[at]) return false;
      at++;
    }
    return at === ENVELOPE.length;
  },
  open: openJsonArray,
};
