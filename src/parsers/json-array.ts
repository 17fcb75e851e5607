/**
 * A JSON array of objects — what `az monitor log-analytics query` and most REST/"Export to JSON" paths write —
 * read element by element without holding the array in memory. DESIGN.md: an element's `line` is its 1-based index
 * in the array. The scanner only tracks strings, escapes and nesting depth to find element boundaries; each element
 * is then parsed by JSON.parse (json-record.ts), so one bad element is one error and the rest still count.
 */
import { MAX_RECORD_CHARS } from './lines.js';
import { InputFileError } from './errors.js';
import { jsonRecordParser } from './json-record.js';
import { fail, toOutcome, type LineFormat, type LineSession, type ParseContext, type RecordOutcome } from './types.js';

const C_QUOTE = 34;
const C_BACKSLASH = 92;
const C_COMMA = 44;
const C_OPEN_BRACE = 123;
const C_CLOSE_BRACE = 125;
const C_OPEN_BRACKET = 91;
const C_CLOSE_BRACKET = 93;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function openJsonArray(ctx: ParseContext): LineSession {
  const parseRecord = jsonRecordParser(ctx, 'json');
  // Sessions throw only before the first element (nothing is lost): trouble later is an outcome.
  let phase: 'before' | 'inside' | 'after' | 'ignored' = 'before';
  let depth = 0; // 1 = inside the top-level array
  let inString = false;
  let escaped = false;
  let capturing = false; // an element has started
  let pieces: string[] = [];
  let chars = 0;
  let tooLong = false;
  let index = 0;

  const finish = (out: RecordOutcome[]) => {
    index++;
    if (tooLong) {
      out.push(toOutcome(fail('RECORD_TOO_LONG', `array element longer than ${MAX_RECORD_CHARS} characters`), index));
    } else {
      out.push(toOutcome(parseRecord(pieces.join(''), index), index));
    }
    capturing = false;
    pieces = [];
    chars = 0;
    tooLong = false;
  };

  const keep = (piece: string) => {
    if (tooLong) return;
    chars += piece.length;
    if (chars > MAX_RECORD_CHARS) {
      tooLong = true;
      pieces = [];
    } else {
      pieces.push(piece);
    }
  };

  return {
    push(line, lineNo, out) {
      let from = capturing ? 0 : -1; // start of the element text on this line, -1 when not capturing
      for (let i = 0; i < line.length; i++) {
        const c = line.charCodeAt(i);
        if (phase !== 'inside') {
          if (phase === 'ignored' || isSpace(c)) continue;
          if (phase === 'before') {
            if (c !== C_OPEN_BRACKET) throw new InputFileError(`line ${lineNo}: not a JSON array (starts with ${JSON.stringify(line[i])})`);
            phase = 'inside';
            depth = 1;
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
            keep(line.slice(from, i));
            finish(out);
            from = -1;
          } else if (c === C_COMMA || index > 0) {
            index++; // `[,` or `,,` or `,]`: an element that is not there
            out.push(toOutcome(fail('MALFORMED', 'JSON: empty array element'), index));
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
          from = i;
        }
        if (c === C_QUOTE) inString = true;
        else if (c === C_OPEN_BRACE || c === C_OPEN_BRACKET) depth++;
        else if (c === C_CLOSE_BRACE || c === C_CLOSE_BRACKET) depth--;
      }
      if (capturing) keep(`${line.slice(from)}\n`);
    },
    end(out) {
      if (phase !== 'inside') return;
      if (!capturing) throw new InputFileError('the JSON array is not closed (input cut off?)');
      index++;
      out.push(toOutcome(fail('MALFORMED', 'JSON: the array ends inside this element (input cut off?)'), index));
    },
  };
}

export const jsonArrayFormat: LineFormat = {
  id: 'json',
  kind: 'lines',
  description: 'a JSON array of objects (az monitor log-analytics query, REST exports), read element by element',
  recognizedBy: 'first non-blank character is `[`',
  sniff: (firstLine) => firstLine.trimStart().startsWith('['),
  open: openJsonArray,
};
