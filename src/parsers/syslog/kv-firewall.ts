/**
 * What the key=value firewall modules (FortiGate, SonicWall, Sophos XG) share on top of kv.ts: finding a key at a key
 * boundary without splitting the line (the recognition test: a text search, then the pairs read up to a hit when
 * there is one), deciding whether an unclosed quote spoiled the values a module reads, and the small value rules the
 * three vendors have in common. Linear scans only.
 */
import { keyStartOf, type KeyValues } from './kv.js';

const SPACE = 32;
const TAB = 9;

/**
 * Where a pair whose key is `key` starts in `text` at a key boundary (the start of the text, or after a space or
 * tab), from `from` on, as parseKeyValues reads the pairs; -1 when none does. `logid=` is found in
 * `… logid="0000000013"`, not in `FTNTFGTlogid=` or `policyid=`, and not inside a quoted value
 * (`msg="… logid=1"`): a SonicWall message quoting a FortiGate one is SonicWall's. The text is searched for `key=`
 * first; only a hit at a boundary is checked against the pairs read up to it.
 */
export function keyAt(text: string, key: string, from = 0): number {
  const needle = `${key}=`;
  for (let at = text.indexOf(needle, from); at !== -1; at = text.indexOf(needle, at + 1)) {
    if (at !== 0 && text.charCodeAt(at - 1) !== SPACE && text.charCodeAt(at - 1) !== TAB) continue;
    if (keyStartOf(text, key, at, 0, at + needle.length) === at) return at;
  }
  return -1;
}

/** CEF and LEEF messages carry key=value extensions too; they belong to their own modules. */
export function isCefOrLeef(message: string): boolean {
  let i = 0;
  while (message.charCodeAt(i) === SPACE) i++;
  return message.startsWith('CEF:', i) || message.startsWith('LEEF:', i);
}

/**
 * Why a message whose quoted value never closes cannot be trusted, or undefined when it can. kv.ts gives an unclosed
 * quote the rest of the line; that is harmless only when it is the last value, the module does not read it, and it
 * swallowed no later `key=` (a line cut short inside a trailing free-text field, as some collectors do). Anything
 * else — an unclosed value the module reads, or one that ran over other fields — makes the message MALFORMED, and
 * so does a value the module reads that holds a `=`: a quote lost mid-line pairs the following ones wrongly.
 */
export function unclosedQuoteProblem(kv: KeyValues, text: string, readKeys: ReadonlySet<string>): string | undefined {
  // A quote lost in the middle pairs the next ones wrongly: `action="de policyid=0 service="` is one value.
  for (const key of readKeys) {
    const value = kv.values.get(key);
    if (value !== undefined && value.includes('=')) return `the value of ${key}= runs into other fields (a quote lost?)`;
  }
  if (!kv.unbalanced) return undefined;
  let lastKey: string | undefined;
  let lastValue = '';
  for (const [key, value] of kv.values) {
    lastKey = key;
    lastValue = value;
  }
  if (lastKey === undefined) return 'a quoted value never closes';
  // The unclosed value is the rest of the line; if the last entry is not it (a repeated key), trust nothing.
  if (!text.endsWith(lastValue) || lastValue.includes('=') || readKeys.has(lastKey)) {
    return `the quoted value of ${lastKey}= never closes (cut short?)`;
  }
  return undefined;
}

/** A value that says "no value": absent, empty, or the vendors' placeholders `N/A` and `-`. */
export function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === 'N/A' || value === '-' ? undefined : value;
}

const DIGITS = /^\d{1,16}$/;

/**
 * The total of a two-direction counter (sent + received bytes or packets) as connectionEvent takes it. `both`: only
 * when both directions are given (one direction alone is not a total); `any`: the sum of those given (for vendors
 * that leave out a zero direction). A value that is not a count is passed on as it is, so connectionEvent reports it
 * as unusable under the event field instead of adding a wrong number.
 */
export function counterTotal(a: string | undefined, b: string | undefined, mode: 'both' | 'any'): string | number | undefined {
  const x = present(a);
  const y = present(b);
  if (x !== undefined && !DIGITS.test(x)) return x;
  if (y !== undefined && !DIGITS.test(y)) return y;
  if (x === undefined || y === undefined) {
    if (mode === 'both') return undefined;
    return x ?? y;
  }
  return Number(x) + Number(y);
}

/**
 * A UTC offset as the vendors write one: `-0500`, `+05:30`, `+1`, with an optional zone word in front (`UTC+1:00`,
 * `GMT-5:00`, where the sign is the ISO one, as FortiOS and FortiAnalyzer mean it), or a bare `UTC`/`GMT`/`Z`.
 * Returns `±hh:mm`, or undefined when the text is not such an offset.
 */
export function offsetText(text: string): string | undefined {
  const trimmed = text.trim();
  let letters = 0;
  while (letters < trimmed.length && isLetter(trimmed.charCodeAt(letters))) letters++;
  const word = trimmed.slice(0, letters).toUpperCase();
  const s = trimmed.slice(letters);
  if (s === '') return word === 'UTC' || word === 'GMT' || word === 'Z' ? '+00:00' : undefined;
  if (letters > 4) return undefined;
  const sign = s[0];
  if (sign !== '+' && sign !== '-') return undefined;
  const rest = s.slice(1);
  let hours: string;
  let minutes = '00';
  const colon = rest.indexOf(':');
  if (colon !== -1) {
    hours = rest.slice(0, colon);
    minutes = rest.slice(colon + 1);
  } else if (rest.length === 4) {
    hours = rest.slice(0, 2);
    minutes = rest.slice(2);
  } else {
    hours = rest;
  }
  if (!/^\d{1,2}$/.test(hours) || !/^\d{2}$/.test(minutes)) return undefined;
  const h = Number(hours);
  const m = Number(minutes);
  if (h > 18 || m > 59) return undefined;
  return `${sign}${String(h).padStart(2, '0')}:${minutes}`;
}

function isLetter(c: number): boolean {
  const lower = c | 0x20;
  return lower >= 97 && lower <= 122;
}

/**
 * Whether one of `keys` has an unquoted value that ends the message: in a layout where the vendor always writes
 * more fields after it, that value may have been cut by a collector's line limit (`dstport=10` for `104`), so the
 * message is not to be trusted. A quoted value cut short shows as an unclosed quote instead. The value is the one
 * parseKeyValues keeps, the key's first: a key written again at the end of the line with the same value
 * (`… srcip=1.2.3.4 … srcip=1.2.3.4`) does not make the first one cut.
 */
export function cutAtValueOf(text: string, values: Map<string, string>, keys: readonly string[]): string | undefined {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === SPACE || text.charCodeAt(end - 1) === TAB)) end--;
  for (const key of keys) {
    const value = values.get(key);
    if (value === undefined) continue;
    const token = `${key}=${value}`;
    const at = end - token.length;
    if (at >= 0 && text.startsWith(token, at) && (at === 0 || text.charCodeAt(at - 1) === SPACE || text.charCodeAt(at - 1) === TAB)
      && keyStartOf(text, key, -1, 0, at) === -1) {
      return key;
    }
  }
  return undefined;
}

/**
 * Whether the message ends in a fragment: a last word without `=` that does not close a quoted value (`… sent=48211 r`
 * is a line cut inside the next key). These vendors end every message with a key=value, so the values that come
 * last in their layout (the counters) may be missing from a message that ends so.
 */
export function endsInFragment(text: string): boolean {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === SPACE || text.charCodeAt(end - 1) === TAB)) end--;
  if (end === 0) return false;
  const last = text.charCodeAt(end - 1);
  if (last === 34 /* " */ || last === 39 /* ' */) return false;
  let start = end;
  while (start > 0 && text.charCodeAt(start - 1) !== SPACE && text.charCodeAt(start - 1) !== TAB) start--;
  return text.indexOf('=', start) === -1 || text.indexOf('=', start) >= end;
}

/** `YYYY-MM-DD` (or `YYYY/MM/DD`) and `hh:mm:ss` by shape, before they are joined into one stamp. */
export function isDateAndClock(date: string, time: string): boolean {
  return /^\d{4}[-/]\d{2}[-/]\d{2}$/.test(date) && /^\d{2}:\d{2}:\d{2}$/.test(time);
}
