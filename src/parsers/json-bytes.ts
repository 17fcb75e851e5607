/**
 * JSON validated on bytes, for the JSON Lines hot path (jsonl.ts): whether bytes [start, end) are exactly one
 * complete, valid JSON value that is an object, with nothing but JSON whitespace around it — what `JSON.parse` of
 * their UTF-8 text accepts as an object — and, on the way, where each key outside arrays is and how deep.
 *
 * One linear pass, no recursion, no regular expression: strings with every JSON escape (`\uXXXX` with four hex
 * digits), numbers by the JSON grammar, `true`/`false`/`null`, nesting up to MAX_NESTING (deeper input is left to
 * JSON.parse: the scan says "not decided", never "invalid"). Bytes 0x80 and up are taken as they are inside strings:
 * UTF-8 decoding turns any of them into characters ≥ U+0080 (U+FFFD for an invalid sequence) and never swallows an
 * ASCII byte, so they cannot change the structure; outside strings they are invalid JSON, as in JSON.parse.
 *
 * A `false` answer means only "not proved here": the caller sends the record to JSON.parse, which decides.
 */

/** Nesting the scan follows; deeper input is left to JSON.parse. */
export const MAX_NESTING = 64;
/** Keys outside arrays the scan records; a record with more is left to JSON.parse. */
export const MAX_SCANNED_KEYS = 512;

/** A key set to compare a record's keys with while they are scanned (jsonl.ts's remembered key sets). */
export interface ExpectedKeys {
  readonly count: number;
  /** Per key: `depth << 1 | isObject`, as ScannedKeys. */
  readonly meta: Int32Array;
  /** Per key: where its bytes start in `bytes`; `from[count]` is their end. No key holds a backslash. */
  readonly from: Int32Array;
  readonly bytes: Buffer;
  /** A DataView of `bytes`. */
  readonly view: DataView;
}

let viewedBuffer: Buffer | undefined;
let view: DataView | undefined;

/** A DataView of `buf` (the last one made is kept: consecutive lines share their chunk's buffer). */
function viewOf(buf: Buffer): DataView {
  if (buf !== viewedBuffer) {
    viewedBuffer = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }
  return view!;
}

/** The keys of one scanned object: key `k`'s bytes are [keyStart[k], keyEnd[k]) (inside the quotes). */
export class ScannedKeys {
  count = 0;
  /** Whether the keys are exactly those of the `expected` set the scan was given (same bytes, depths, object values). */
  matched = false;
  readonly keyStart = new Int32Array(MAX_SCANNED_KEYS);
  readonly keyEnd = new Int32Array(MAX_SCANNED_KEYS);
  /** `depth << 1 | isObject`: depth 1 for the top-level keys; isObject when the key's value is an object. */
  readonly meta = new Int32Array(MAX_SCANNED_KEYS);
  /** Where the key's value starts (its first byte, after the colon and whitespace). */
  readonly valueStart = new Int32Array(MAX_SCANNED_KEYS);
}

const OBJECT = 1;
const ARRAY = 2;
const stack = new Uint8Array(MAX_NESTING);

const VALUE = 0;
const AFTER_VALUE = 1;
const KEY = 2;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

/** Bytes that end a string's plain run: a quote, a backslash, a control character (invalid unescaped). */
const STRING_STOP = new Uint8Array(256);
for (let c = 0; c < 32; c++) STRING_STOP[c] = 1;
STRING_STOP[34] = 1;
STRING_STOP[92] = 1;

/** The end of the string whose content starts at `i` (just past its closing quote), or -1 when it is not valid. */
function stringEnd(buf: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = buf[i++]!;
    if (STRING_STOP[c] === 0) continue;
    if (c === 34) return i;
    if (c === 92) {
      if (i >= end) return -1;
      const e = buf[i++]!;
      if (e === 117) {
        if (i + 4 > end || !isHex(buf[i]!) || !isHex(buf[i + 1]!) || !isHex(buf[i + 2]!) || !isHex(buf[i + 3]!)) return -1;
        i += 4;
      } else if (e !== 34 && e !== 92 && e !== 47 && e !== 98 && e !== 102 && e !== 110 && e !== 114 && e !== 116) {
        return -1;
      }
    } else if (c < 32) {
      return -1;
    }
  }
  return -1;
}

/** A key's content [i, …) up to its closing quote: just past the quote, or -1 when it holds a backslash or is cut. */
function plainKeyEnd(buf: Buffer, i: number, end: number): number {
  while (i < end) {
    const c = buf[i++]!;
    if (c === 34) return i;
    if (c === 92 || c < 32) return -1;
  }
  return -1;
}

/** The end of the number starting at `i` by the JSON grammar, or -1. */
function numberEnd(buf: Buffer, i: number, end: number): number {
  if (buf[i] === 45) i++;
  if (i >= end) return -1;
  let c = buf[i]!;
  if (c === 48) i++;
  else if (c >= 49 && c <= 57) {
    i++;
    while (i < end && (c = buf[i]!) >= 48 && c <= 57) i++;
  } else return -1;
  if (i < end && buf[i] === 46) {
    i++;
    const from = i;
    while (i < end && (c = buf[i]!) >= 48 && c <= 57) i++;
    if (i === from) return -1;
  }
  if (i < end && (buf[i] === 101 || buf[i] === 69)) {
    i++;
    if (i < end && (buf[i] === 43 || buf[i] === 45)) i++;
    const from = i;
    while (i < end && (c = buf[i]!) >= 48 && c <= 57) i++;
    if (i === from) return -1;
  }
  return i;
}

/** Whether bytes [i, i + word.length) are `word`'s ASCII letters (`true`, `false`, `null`). */
function literalEnd(buf: Buffer, i: number, end: number, word: string): number {
  if (i + word.length > end) return -1;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word.charCodeAt(k)) return -1;
  return i + word.length;
}

/**
 * Whether bytes [start, end) are one valid JSON object with only whitespace around it and no key outside arrays
 * that holds a backslash (such keys are left to JSON.parse), nesting at most MAX_NESTING and at most
 * MAX_SCANNED_KEYS keys outside arrays. Those keys are recorded into `keys` in document order (pre-order).
 */
export function scanJsonObject(buf: Buffer, start: number, end: number, keys: ScannedKeys, expected?: ExpectedKeys): boolean {
  let i = start;
  // compared on the way: a record's key bytes are read once (`matching` falls at the first difference)
  let matching = expected !== undefined;
  const wantBytes = expected?.bytes;
  const wantView = expected?.view;
  const wantFrom = expected?.from;
  const wantMeta = expected?.meta;
  const wantCount = expected?.count ?? 0;
  keys.matched = false;
  while (i < end && isSpace(buf[i]!)) i++;
  if (i >= end || buf[i] !== 123) return false;
  let depth = 0;
  let arrays = 0;
  let n = 0;
  let state = VALUE;
  for (;;) {
    if (state === VALUE) {
      while (i < end && isSpace(buf[i]!)) i++;
      if (i >= end) return false;
      const c = buf[i]!;
      if (c === 34) {
        i = stringEnd(buf, i + 1, end);
        if (i < 0) return false;
        state = AFTER_VALUE;
      } else if (c === 123 || c === 91) {
        if (depth === MAX_NESTING) return false;
        stack[depth++] = c === 123 ? OBJECT : ARRAY;
        i++;
        while (i < end && isSpace(buf[i]!)) i++;
        if (c === 123) {
          if (i < end && buf[i] === 125) {
            depth--;
            i++;
            state = AFTER_VALUE;
          } else state = KEY;
        } else {
          arrays++;
          if (i < end && buf[i] === 93) {
            depth--;
            arrays--;
            i++;
            state = AFTER_VALUE;
          }
          // else: stays VALUE, the array's first element
        }
      } else if (c === 45 || (c >= 48 && c <= 57)) {
        i = numberEnd(buf, i, end);
        if (i < 0) return false;
        state = AFTER_VALUE;
      } else {
        i = c === 116 ? literalEnd(buf, i, end, 'true') : c === 102 ? literalEnd(buf, i, end, 'false') : c === 110 ? literalEnd(buf, i, end, 'null') : -1;
        if (i < 0) return false;
        state = AFTER_VALUE;
      }
    } else if (state === AFTER_VALUE) {
      while (i < end && isSpace(buf[i]!)) i++;
      if (depth === 0) {
        keys.count = n;
        keys.matched = matching && n === wantCount;
        return i === end;
      }
      if (i >= end) return false;
      const c = buf[i++]!;
      const container = stack[depth - 1];
      if (c === 44) state = container === OBJECT ? KEY : VALUE;
      else if (c === 125 && container === OBJECT) depth--;
      else if (c === 93 && container === ARRAY) {
        depth--;
        arrays--;
      } else return false;
    } else {
      // KEY: a string, a colon, then the value
      while (i < end && isSpace(buf[i]!)) i++;
      if (i >= end || buf[i] !== 34) return false;
      const keyStart = i + 1;
      if (arrays === 0) {
        i = keyStart;
        if (matching) {
          if (n < wantCount) {
            const j = wantFrom![n]!;
            const length = wantFrom![n + 1]! - j;
            let q = 0;
            if (keyStart + length < end) {
              // four bytes at a time, then the rest
              const view = viewOf(buf);
              while (q + 4 <= length && view.getUint32(keyStart + q, true) === wantView!.getUint32(j + q, true)) q += 4;
              while (q < length && buf[keyStart + q] === wantBytes![j + q]) q++;
            }
            if (q !== length || buf[keyStart + length] !== 34) matching = false;
            // the bytes passed are the expected key's: no quote, backslash or control byte among them
            i = keyStart + q;
          } else matching = false;
        }
        i = plainKeyEnd(buf, i, end);
        if (i < 0 || n === MAX_SCANNED_KEYS) return false;
        keys.keyStart[n] = keyStart;
        keys.keyEnd[n] = i - 1;
      } else {
        i = stringEnd(buf, keyStart, end);
        if (i < 0) return false;
      }
      while (i < end && isSpace(buf[i]!)) i++;
      if (i >= end || buf[i] !== 58) return false;
      i++;
      while (i < end && isSpace(buf[i]!)) i++;
      if (arrays === 0) {
        const meta = (depth << 1) | (i < end && buf[i] === 123 ? 1 : 0);
        if (matching && wantMeta![n] !== meta) matching = false;
        keys.meta[n] = meta;
        keys.valueStart[n] = i;
        n++;
      }
      state = VALUE;
    }
  }
}

/**
 * The value at `i` when it is a port written as a plain integer literal (digits only: no sign, fraction or
 * exponent; 0..65535) — what JSON.parse reads as that integer —, else -1. `i` is the start of a value of a record
 * `scanJsonObject` validated (so no leading zero).
 */
export function plainPortAt(buf: Buffer, i: number, end: number): number {
  let port = 0;
  let digits = 0;
  let c = 0;
  while (i < end && (c = buf[i]!) >= 48 && c <= 57) {
    if (++digits > 5) return -1;
    port = port * 10 + (c - 48);
    i++;
  }
  if (digits === 0) return -1;
  if (i < end && (c === 46 || c === 101 || c === 69)) return -1;
  return port <= 65535 ? port : -1;
}
