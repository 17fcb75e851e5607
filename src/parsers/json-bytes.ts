/**
 * JSON validated on bytes, for the JSON Lines hot path (jsonl.ts): whether bytes [start, end) are exactly one
 * complete, valid JSON value that is an object, with nothing but JSON whitespace around it — what `JSON.parse` of
 * their UTF-8 text accepts as an object — and, on the way, where each key outside arrays is and how deep.
 *
 * One linear pass, no recursion, no regular expression: strings with every JSON escape (`\uXXXX` with four hex
 * digits), numbers by the JSON grammar, `true`/`false`/`null`, nesting up to MAX_NESTING (deeper input is left to
 * JSON.parse: the scan says "not decided", never "invalid"). Bytes 0x80 and up are taken as they are inside strings:
 * UTF-8 decoding turns any of them into characters ≥ U+0080 (U+FFFD for an invalid sequence) and never swallows an
 * ASCII byte, so they cannot change the structure; outside strings they are invalid JSON, as in JSON.parse. Hence a
 * string with no backslash and no control byte is exactly the bytes between its quotes, whatever they are: with the
 * WebAssembly kernel finding the quotes (JsonObjectScanner), the pass skips such strings instead of reading them,
 * and a record shaped like the one its key set was learned from is compared with that one's frame (RecordFrame)
 * instead of being walked.
 *
 * A `false` answer means only "not proved here": the caller sends the record to JSON.parse, which decides.
 */

import { ByteScanner } from './kernel/kernel.js';

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
  /** The frame of a record with these keys (`frameOf`), if it has one. */
  readonly frame?: RecordFrame | undefined;
}

/** The most scalars a frame has holes for, and the most bytes it keeps: a larger record has no frame. */
export const MAX_FRAME_HOLES = 256;
export const MAX_FRAME_BYTES = 4096;

/**
 * A valid record with its scalars cut out (every string that is not a key, number, `true`, `false`, `null`, inside
 * arrays too): segments of bytes, kept as they are, with a hole between each two. Bytes that are these segments with
 * one scalar in each hole are a valid JSON object with the same structure as that record — the same keys, at the same
 * depths, with the same object values —, whatever the scalars are: `JsonObjectScanner` then checks only the segments'
 * bytes and that each hole holds one scalar, not the structure.
 */
export interface RecordFrame {
  /** Segment j is bytes [from[j], from[j + 1]) of `bytes`; hole j follows segment j (the last segment ends the record). */
  readonly from: Int32Array;
  readonly bytes: Buffer;
  /** A DataView of `bytes`. */
  readonly view: DataView;
  /** The quotes in segment j (those of the keys in it). */
  readonly quotes: Int32Array;
  /** Key k of the record (ScannedKeys order) starts at byte keyOffset[k] of segment keySegment[k]. */
  readonly keySegment: Int32Array;
  readonly keyOffset: Int32Array;
  readonly keyLength: Int32Array;
  /** As ScannedKeys' `meta`. */
  readonly meta: Int32Array;
  /** Its value at byte valueOffset[k] of segment valueSegment[k] (a scalar: the segment's length, where the hole is). */
  readonly valueSegment: Int32Array;
  readonly valueOffset: Int32Array;
}

/**
 * The keys of one scanned object, in document order: key `k`'s bytes are [keyStart(k), keyEnd(k)) (inside the quotes).
 * A walk records them one by one; a record matched by a frame has them at the frame's places, shifted by where each
 * of its segments starts (nothing per key is written).
 */
export class ScannedKeys {
  count = 0;
  /** Whether the keys are exactly those of the `expected` set the scan was given (same bytes, depths, object values). */
  matched = false;
  /** The frame the record was matched by, or undefined when it was walked. */
  framed: RecordFrame | undefined = undefined;
  /** Where each segment of `framed` starts in the record. */
  readonly segmentAt = new Int32Array(MAX_FRAME_HOLES + 1);
  /** What the walk records per key (read through the methods, which know the frame). */
  readonly walkedKeyStart = new Int32Array(MAX_SCANNED_KEYS);
  readonly walkedKeyEnd = new Int32Array(MAX_SCANNED_KEYS);
  readonly walkedMeta = new Int32Array(MAX_SCANNED_KEYS);
  readonly walkedValueStart = new Int32Array(MAX_SCANNED_KEYS);

  keyStart(k: number): number {
    const frame = this.framed;
    return frame === undefined ? this.walkedKeyStart[k]! : this.segmentAt[frame.keySegment[k]!]! + frame.keyOffset[k]!;
  }

  keyEnd(k: number): number {
    const frame = this.framed;
    return frame === undefined ? this.walkedKeyEnd[k]! : this.keyStart(k) + frame.keyLength[k]!;
  }

  /** `depth << 1 | isObject`: depth 1 for the top-level keys; isObject when the key's value is an object. */
  meta(k: number): number {
    const frame = this.framed;
    return frame === undefined ? this.walkedMeta[k]! : frame.meta[k]!;
  }

  /** Where the key's value starts (its first byte, after the colon and whitespace). */
  valueStart(k: number): number {
    const frame = this.framed;
    return frame === undefined ? this.walkedValueStart[k]! : this.segmentAt[frame.valueSegment[k]!]! + frame.valueOffset[k]!;
  }
}

const OBJECT = 1;
const ARRAY = 2;

const QUOTE = 34;
const BACKSLASH = 92;
/** Bytes below it are control characters, invalid unescaped inside a string. */
const SPACE = 32;

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
 * The frame of bytes [start, end), which the last scan found valid with `keys` (jsonl.ts makes one per key set it
 * learns), or undefined when the record has more than MAX_FRAME_HOLES scalars or MAX_FRAME_BYTES bytes outside them.
 */
export function frameOf(buf: Buffer, start: number, end: number, keys: ScannedKeys): RecordFrame | undefined {
  // the scalars' bounds: the record is valid, so a string followed by a colon is a key and every other byte that
  // starts no scalar is structure or whitespace
  const holes: number[] = [];
  let i = start;
  while (i < end) {
    const c = buf[i]!;
    let e: number;
    if (c === QUOTE) {
      e = stringEnd(buf, i + 1, end);
      let j = e;
      while (j < end && isSpace(buf[j]!)) j++;
      if (j < end && buf[j] === 58) {
        i = e;
        continue;
      }
    } else if (c === 45 || (c >= 48 && c <= 57)) e = numberEnd(buf, i, end);
    else if (c === 116 || c === 110) e = i + 4;
    else if (c === 102) e = i + 5;
    else {
      i++;
      continue;
    }
    if (holes.length === 2 * MAX_FRAME_HOLES) return undefined;
    holes.push(i, e);
    i = e;
  }
  const segments = holes.length / 2 + 1;
  const from = new Int32Array(segments + 1);
  /** Where segment j starts in the record. */
  const at = new Int32Array(segments);
  for (let j = 0; j < segments; j++) {
    at[j] = j === 0 ? start : holes[2 * j - 1]!;
    from[j + 1] = from[j]! + (j === segments - 1 ? end : holes[2 * j]!) - at[j]!;
  }
  if (from[segments]! > MAX_FRAME_BYTES) return undefined;
  const bytes = Buffer.alloc(from[segments]!);
  const quotes = new Int32Array(segments);
  for (let j = 0; j < segments; j++) {
    buf.copy(bytes, from[j]!, at[j]!, at[j]! + from[j + 1]! - from[j]!);
    for (let k = from[j]!; k < from[j + 1]!; k++) if (bytes[k] === QUOTE) quotes[j]!++;
  }
  // each key and value start, as (segment, offset): positions rise through the record as the segments do
  const n = keys.count;
  const keySegment = new Int32Array(n);
  const keyOffset = new Int32Array(n);
  const valueSegment = new Int32Array(n);
  const valueOffset = new Int32Array(n);
  const keyLength = new Int32Array(n);
  const meta = new Int32Array(n);
  let j = 0;
  const place = (p: number, segment: Int32Array, offset: Int32Array, k: number) => {
    while (p > at[j]! + from[j + 1]! - from[j]!) j++; // past segment j's end (where hole j starts)
    segment[k] = j;
    offset[k] = p - at[j]!;
  };
  for (let k = 0; k < n; k++) {
    place(keys.keyStart(k), keySegment, keyOffset, k);
    place(keys.valueStart(k), valueSegment, valueOffset, k);
    keyLength[k] = keys.keyEnd(k) - keys.keyStart(k);
    meta[k] = keys.meta(k);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { from, bytes, view, quotes, keySegment, keyOffset, keyLength, meta, valueSegment, valueOffset };
}

/**
 * The scan of one session (jsonl.ts makes one per file): its working state, and the keys of the object it scanned
 * last.
 *
 * Given the kernel (the record parser's ByteScanner), it finds a record's quotes sixteen bytes a step, and its first
 * backslash or control byte. Every quote before that byte bounds a string (none is escaped), and a string that ends
 * before it is exactly the bytes between its quote and the next one: such a string is skipped, not read — JavaScript
 * visits only the bytes between strings (structure, numbers, literals, whitespace) and the keys it compares, not the
 * strings' contents (bytes 0x80 and up are taken as they are, see above). From a string that holds that byte or comes
 * after it (an escape, a tab, past the quotes the kernel keeps) on, strings are read byte by byte, as they all are
 * without the kernel (a record longer than its window, no WebAssembly).
 *
 * A record is first compared with the frame of the key set expected, if it has one (segments compared four bytes at
 * a time, each hole one scalar); failing that, it is walked. Both give the same answer, with or without the kernel.
 */
export class JsonObjectScanner {
  /** The keys of the last object scanned (valid when `scan` answered true). */
  readonly keys = new ScannedKeys();
  /** The containers open while walking, OBJECT or ARRAY, by depth. */
  private readonly stack = new Uint8Array(MAX_NESTING);
  /** A DataView of the last Buffer bytes were compared in (consecutive lines share their chunk's Buffer). */
  private viewed: Buffer | undefined;
  private view: DataView | undefined;

  constructor(private readonly kernel?: ByteScanner) {}

  /**
   * Whether bytes [start, end) are one valid JSON object with only whitespace around it and no key outside arrays
   * that holds a backslash (such keys are left to JSON.parse), nesting at most MAX_NESTING and at most
   * MAX_SCANNED_KEYS keys outside arrays. Those keys are recorded into `keys` in document order (pre-order), and
   * compared with `expected`'s (`keys.matched`).
   */
  scan(buf: Buffer, start: number, end: number, expected?: ExpectedKeys): boolean {
    this.keys.matched = false;
    // The kernel's quotes: the first `usable` of them bound strings before byte `limit`.
    let usable = 0;
    let limit = start;
    const kernel = this.kernel;
    if (kernel !== undefined) {
      const n = kernel.scan(buf, start, end, QUOTE, BACKSLASH, BACKSLASH, SPACE);
      if (n !== -1) {
        const stop = kernel.stop();
        // without a backslash every quote opens or closes a string: an odd count leaves one open
        if (stop === -1 && (n & 1) === 1) return false;
        usable = Math.min(n, ByteScanner.MAX_KEPT);
        limit = stop === -1 ? end : stop;
      }
    }
    if (expected?.frame !== undefined && this.framed(buf, start, end, expected, expected.frame, usable, limit)) return true;
    return this.walk(buf, start, end, expected, usable, limit);
  }

  /** Whether the record is `frame`'s segments with a scalar in each hole; its keys are then `expected`'s. */
  private framed(buf: Buffer, start: number, end: number, expected: ExpectedKeys, frame: RecordFrame, usable: number, limit: number): boolean {
    const { from, bytes } = frame;
    const view = this.viewOf(buf);
    const want = frame.view;
    const segmentAt = this.keys.segmentAt;
    const holes = from.length - 2;
    let i = start;
    /**
     * The quotes before byte i (each a key's in a segment, or a string's), while the kernel's are followed: once a
     * string is read byte by byte, the kernel's quote q + 1 was at or past `limit` (or past those kept), and so it
     * stays as q grows.
     */
    let q = 0;
    for (let j = 0; ; j++) {
      const at = from[j]!;
      const length = from[j + 1]! - at;
      if (i + length > end) return false;
      if (length >= 4) {
        const last = length - 4; // the last four bytes, which may overlap the ones before
        for (let k = 0; k < last; k += 4) if (view.getInt32(i + k, true) !== want.getInt32(at + k, true)) return false;
        if (view.getInt32(i + last, true) !== want.getInt32(at + last, true)) return false;
      } else {
        for (let k = 0; k < length; k++) if (buf[i + k] !== bytes[at + k]) return false;
      }
      segmentAt[j] = i;
      i += length;
      if (j === holes) break;
      q += frame.quotes[j]!;
      // hole j: one scalar (what follows it is a segment, which starts with no byte a scalar could go on with)
      const c = buf[i]!;
      let close: number;
      if (c !== QUOTE) {
        i = c === 45 || (c >= 48 && c <= 57) ? numberEnd(buf, i, end)
          : c === 116 ? literalEnd(buf, i, end, 'true') : c === 102 ? literalEnd(buf, i, end, 'false') : c === 110 ? literalEnd(buf, i, end, 'null') : -1;
      } else if (q + 1 < usable && (close = this.kernel!.at(q + 1)) < limit) {
        i = close + 1;
        q += 2;
      } else {
        // read byte by byte, and so are the strings after it: `q` stops counting the quotes, and only grows
        i = stringEnd(buf, i + 1, end);
      }
      if (i < 0) return false;
    }
    if (i !== end) return false;
    const keys = this.keys;
    keys.framed = frame;
    keys.count = expected.count;
    keys.matched = true;
    return true;
  }

  /** The scan by a walk of the record's structure. */
  private walk(buf: Buffer, start: number, end: number, expected: ExpectedKeys | undefined, usable: number, limit: number): boolean {
    const keys = this.keys;
    keys.framed = undefined;
    /** The quotes before byte i, while the kernel's are followed (as in `framed`). */
    let q = 0;
    let close: number;
    const stack = this.stack;
    // compared on the way: `matching` falls at the first difference
    let matching = expected !== undefined;
    const wantCount = expected?.count ?? 0;
    let i = start;
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
          if (q + 1 < usable && (close = this.kernel!.at(q + 1)) < limit) {
            i = close + 1;
            q += 2;
          } else {
            // read byte by byte, and so are the strings after it (`q` stays)
            i = stringEnd(buf, i + 1, end);
            if (i < 0) return false;
          }
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
        /** The expected key's length, or -1 when no key is compared. */
        const length = arrays === 0 && matching ? (n < wantCount ? expected!.from[n + 1]! - expected!.from[n]! : -1) : -2;
        if (q + 1 < usable && (close = this.kernel!.at(q + 1)) < limit) {
          // (before the first backslash or control byte: a key without either)
          i = close + 1;
          q += 2;
          if (length !== -2) matching = close - keyStart === length && this.sameBytes(buf, keyStart, expected!, n, length);
        } else {
          // read byte by byte, and so are the strings after it (`q` stays)
          if (length >= 0 && keyStart + length < end && buf[keyStart + length] === 34 && this.sameBytes(buf, keyStart, expected!, n, length)) {
            i = keyStart + length + 1; // (the expected key's bytes hold no quote, backslash or control byte)
          } else {
            if (length !== -2) matching = false;
            // outside arrays, a key with a backslash is left to JSON.parse
            i = arrays === 0 ? plainKeyEnd(buf, keyStart, end) : stringEnd(buf, keyStart, end);
            if (i < 0) return false;
          }
        }
        if (arrays === 0) {
          if (n === MAX_SCANNED_KEYS) return false;
          keys.walkedKeyStart[n] = keyStart;
          keys.walkedKeyEnd[n] = i - 1;
        }
        while (i < end && isSpace(buf[i]!)) i++;
        if (i >= end || buf[i] !== 58) return false;
        i++;
        while (i < end && isSpace(buf[i]!)) i++;
        if (arrays === 0) {
          const meta = (depth << 1) | (i < end && buf[i] === 123 ? 1 : 0);
          if (matching && expected!.meta[n] !== meta) matching = false;
          keys.walkedMeta[n] = meta;
          keys.walkedValueStart[n] = i;
          n++;
        }
        state = VALUE;
      }
    }
  }

  /** Whether the `length` bytes of `buf` from `from` are `expected`'s key `k` (its length): four bytes at a time. */
  private sameBytes(buf: Buffer, from: number, expected: ExpectedKeys, k: number, length: number): boolean {
    const at = expected.from[k]!;
    if (length < 4) {
      for (let j = 0; j < length; j++) if (buf[from + j] !== expected.bytes[at + j]) return false;
      return true;
    }
    const view = this.viewOf(buf);
    const want = expected.view;
    const last = length - 4; // the last four bytes, which may overlap the ones before
    for (let j = 0; j < last; j += 4) if (view.getInt32(from + j, true) !== want.getInt32(at + j, true)) return false;
    return view.getInt32(from + last, true) === want.getInt32(at + last, true);
  }

  private viewOf(buf: Buffer): DataView {
    if (buf !== this.viewed) {
      this.viewed = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    }
    return this.view!;
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
