/**
 * Timestamps → epoch milliseconds. This runs once per record, so the common shapes are read with char codes
 * and integer arithmetic; zones (luxon, via ./zone.ts) are consulted only for readings that carry no zone.
 *
 * Accepted (surrounding whitespace ignored; more than MAX_INPUT characters is refused unread):
 *
 * 1. ISO-8601 / RFC 3339: `YYYY-MM-DD[Tt ]HH:MM[:SS[.fraction]][zone]`, zone = `Z`/`z`/`±HH:MM`/`±HHMM`/`±HH`,
 *    optionally after one space. `,` also separates the fraction (ISO allows it) and `YYYY/MM/DD` is read like
 *    `YYYY-MM-DD` (PAN-OS writes it; year-first is never ambiguous). No zone → wall clock in `ctx.tz`.
 *    A bare date is midnight in `ctx.tz`. The fraction is truncated to milliseconds, never rounded, so a
 *    record cannot move into the next second (or hour bucket). A leap second (`:60`, which RFC 3339 allows)
 *    reads as `:59.999` of the same minute, keeping the record in its own minute and hour.
 *
 * 2. Epoch numbers: digits with an optional `.fraction`. The unit follows from the integer part's size:
 *      < 1e11 → seconds      (1e11 s  is the year 5138)
 *      < 1e14 → milliseconds (1e14 ms is the year 5138; 13 digits today)
 *      < 1e17 → microseconds (16 digits today)
 *      < 1e19 → nanoseconds  (19 digits today; 1e19 ns is the year 2286)
 *    Larger values are refused, and so is a reading outside EPOCH_WINDOW (1990-01-01 to 2100-01-01, UTC):
 *    a number that lands in 1970 or in 2612 is a counter, a placeholder (`0`) or a date written without
 *    separators, not the time of a connection. Inside the window the units cannot be confused: seconds are
 *    9-10 digits, milliseconds 12-13, microseconds 15-16, nanoseconds 18-19. Sub-millisecond digits are
 *    truncated, as above.
 *
 * 2a. Compact ISO `YYYYMMDDhhmmss[.fraction]`: exactly 14 digits (as milliseconds that would be after 2286,
 *    so never a plausible epoch), read as a wall clock in `ctx.tz`. Shorter digit runs (`20260316`) stay
 *    epoch numbers, and so are refused by the window rather than guessed.
 *
 * 3. The Log Analytics / Sentinel portal "Export to CSV" layout, read in `ctx.tz` (the CSV reader passes
 *    `UTC` for a `… [UTC]` column): `M/D/YYYY, h:mm:ss[.fff] AM|PM`, also without the comma.
 *    Microsoft's pages describe the export (https://learn.microsoft.com/azure/azure-monitor/logs/log-analytics-tutorial,
 *    "Export to CSV - all columns / displayed columns") but not the cell format; the layout is taken from
 *    portal exports quoted in public repositories, e.g. header `"TimeGenerated [UTC]"` with cells
 *    `"2/25/2025, 9:19:25.391 AM"`, `12/5/2022, 5:22:23.884 AM`, `1/1/2025, 12:00:00.000 AM`: month, day and
 *    hour without leading zeros, milliseconds always written, a comma after the year, a 12-hour clock.
 *    With the portal's display zone set to local time the header reads `TimeGenerated [Local Time]` and the
 *    cell follows the browser's locale and zone (an example quoted in a public project's notes: `16/07/2026 20:26:12.030`,
 *    day first, 24-hour, no comma).
 *    Only the US layout with AM/PM is accepted: a slash date without AM/PM may be day-first, and reading
 *    `07/06` as July when it means 7 June would silently move records by weeks. (`16/07/2026 …` is refused
 *    anyway: month 16.)
 *
 * 4. Syslog (RFC 3164) without a year: `Mmm dd hh:mm:ss[.fraction]`, month an English abbreviation (any case),
 *    day space- or zero-padded or a single digit; a wall clock in `ctx.tz`. The year is `ctx.year` when given
 *    (`--year`); otherwise it is inferred from `ctx.now`: the latest year that puts the stamp no more than
 *    YEAR_INFERENCE_SLACK_MS (two days) after `now` — so a log of last December read in January is last year's,
 *    and a device clock a day fast is still this year's. Without `year` and `now` such a stamp is refused:
 *    the parser has no clock of its own. `MM/DD` without a year is not read (it may be day-first).
 */
import { localToEpoch } from './zone.js';

/** What a reading may lack and where it comes from then. */
export interface TimeContext {
  /** The zone for readings that carry none: an IANA name, `UTC`, or a fixed offset (`+02:00`, `-0500`, `UTC+2`). */
  tz: string;
  /** The year for readings that carry none (`--year`). */
  year?: number;
  /** Epoch ms of "now", to infer the year of a year-less reading when `year` is not given (the CLI passes the clock). */
  now?: number;
}

/** Epoch readings outside [start, end) are refused: see the module comment (2). */
export const EPOCH_WINDOW = { start: Date.UTC(1990, 0, 1), end: Date.UTC(2100, 0, 1) } as const;

/** How far after `now` a year-less stamp may fall and still be this year's (clock skew, zone mix-ups). */
export const YEAR_INFERENCE_SLACK_MS = 2 * 86_400_000;

/** Longer than any accepted shape (a 9-digit fraction with offset is 35); refusing unread keeps hostile input cheap. */
const MAX_INPUT = 64;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

const C_0 = 48;
const C_9 = 57;
const C_SPACE = 32;
const C_TAB = 9;
const C_COMMA = 44;
const C_MINUS = 45;
const C_DOT = 46;
const C_SLASH = 47;
const C_COLON = 58;
const C_PLUS = 43;
const C_T = 84;
const C_t = 116;
const C_Z = 90;
const C_z = 122;
const C_a = 97;
const C_m = 109;
const C_p = 112;

/** Digit value at `i`, or -1. */
function dig(s: string, i: number): number {
  const c = s.charCodeAt(i);
  return c >= C_0 && c <= C_9 ? c - C_0 : -1;
}

/** Exactly two digits at `i` as a number, or -1. */
function two(s: string, i: number): number {
  const a = dig(s, i);
  const b = dig(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= (m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]!);
}

/**
 * Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's days_from_civil). Integer arithmetic
 * avoids `Date.UTC`, which also maps years 0–99 to 1900–1999.
 */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Wall-clock fields as milliseconds, as if they were UTC. Fields must already be validated. */
function wallMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  return daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms;
}

/** A wall-clock reading in `tz`; undefined if `tz` is not a zone. `UTC`, the default, skips the zone lookup. */
function inZone(local: number, tz: string): number | undefined {
  return tz === 'UTC' ? local : localToEpoch(local, tz);
}

function skipDigits(t: string, i: number, e: number): number {
  while (i < e && dig(t, i) >= 0) i++;
  return i;
}

/** Milliseconds from the fraction digits in [start, end): the first three only, so truncated, never rounded. */
function fractionMs(t: string, start: number, end: number): number {
  const a = dig(t, start);
  const b = start + 1 < end ? dig(t, start + 1) : 0;
  const c = start + 2 < end ? dig(t, start + 2) : 0;
  return a * 100 + b * 10 + c;
}

/**
 * Parse a timestamp to epoch milliseconds (see the module comment for the shapes). Undefined for anything
 * else, including out-of-range fields (month 13, 30 February, hour 25) and an invalid `ctx.tz` when the
 * reading needs it. Never throws, never returns NaN.
 */
export function parseTimestamp(text: string, ctx: TimeContext): number | undefined {
  if (typeof text !== 'string') return undefined;
  const n = text.length;
  if (n === 0 || n > MAX_INPUT) return undefined;
  let s = 0;
  let e = n;
  while (s < e && isBlank(text.charCodeAt(s))) s++;
  while (e > s && isBlank(text.charCodeAt(e - 1))) e--;
  if (e === s) return undefined;
  if (dig(text, s) < 0) return isLetter(text.charCodeAt(s)) ? parseSyslog(text, s, e, ctx) : undefined;
  const c4 = text.charCodeAt(s + 4);
  if ((c4 === C_MINUS || c4 === C_SLASH) && dig(text, s + 1) >= 0 && dig(text, s + 2) >= 0 && dig(text, s + 3) >= 0) {
    return parseIso(text, s, e, ctx);
  }
  if (text.charCodeAt(s + 1) === C_SLASH || text.charCodeAt(s + 2) === C_SLASH) return parseUsPortal(text, s, e, ctx);
  if (skipDigits(text, s, e) - s === 14) return parseCompact(text, s, e, ctx);
  return parseEpoch(text, s, e);
}

function isLetter(c: number): boolean {
  const lower = c | 0x20;
  return lower >= C_a && lower <= C_z;
}

function isBlank(c: number): boolean {
  return c === C_SPACE || c === C_TAB || c === 10 || c === 13;
}

function parseIso(t: string, s: number, e: number, ctx: TimeContext): number | undefined {
  if (e - s < 10) return undefined;
  const y = two(t, s) * 100 + two(t, s + 2);
  const sep = t.charCodeAt(s + 4);
  const mo = two(t, s + 5);
  const d = two(t, s + 8);
  if (mo < 0 || d < 0 || t.charCodeAt(s + 7) !== sep || !validDate(y, mo, d)) return undefined;
  let i = s + 10;
  if (i === e) return inZone(wallMs(y, mo, d, 0, 0, 0, 0), ctx.tz);

  const c = t.charCodeAt(i);
  if (c !== C_T && c !== C_t && c !== C_SPACE) return undefined;
  i++;
  if (e - i < 5) return undefined;
  const h = two(t, i);
  const mi = two(t, i + 3);
  if (h < 0 || t.charCodeAt(i + 2) !== C_COLON || mi < 0 || h > 23 || mi > 59) return undefined;
  i += 5;

  let sec = 0;
  let ms = 0;
  if (i < e && t.charCodeAt(i) === C_COLON) {
    sec = two(t, i + 1);
    if (sec < 0 || sec > 60) return undefined;
    i += 3;
    const f = t.charCodeAt(i);
    if (i < e && (f === C_DOT || f === C_COMMA)) {
      const end = skipDigits(t, i + 1, e);
      if (end === i + 1) return undefined;
      ms = fractionMs(t, i + 1, end);
      i = end;
    }
    if (sec === 60) {
      sec = 59;
      ms = 999;
    }
  }
  const local = wallMs(y, mo, d, h, mi, sec, ms);
  if (i === e) return inZone(local, ctx.tz);

  if (t.charCodeAt(i) === C_SPACE) i++;
  const z = t.charCodeAt(i);
  if (z === C_Z || z === C_z) return i + 1 === e ? local : undefined;
  if (z !== C_PLUS && z !== C_MINUS) return undefined;
  const oh = two(t, i + 1);
  if (oh < 0 || oh > 23) return undefined;
  i += 3;
  let om = 0;
  if (i < e) {
    if (t.charCodeAt(i) === C_COLON) i++;
    om = two(t, i);
    if (om < 0 || om > 59) return undefined;
    i += 2;
  }
  if (i !== e) return undefined;
  const offset = (oh * 60 + om) * MINUTE_MS;
  return z === C_PLUS ? local - offset : local + offset;
}

/** `M/D/YYYY[,] h:mm:ss[.fff] AM|PM`: the portal's en-US export; see the module comment. */
function parseUsPortal(t: string, s: number, e: number, ctx: TimeContext): number | undefined {
  let i = s;
  const mw = width12(t, i);
  const mo = num12(t, i, mw);
  i += mw;
  if (mw === 0 || t.charCodeAt(i) !== C_SLASH) return undefined;
  i++;
  const dw = width12(t, i);
  const d = num12(t, i, dw);
  i += dw;
  if (dw === 0 || t.charCodeAt(i) !== C_SLASH) return undefined;
  i++;
  const yh = two(t, i);
  const yl = two(t, i + 2);
  if (yh < 0 || yl < 0) return undefined;
  const y = yh * 100 + yl;
  i += 4;
  if (!validDate(y, mo, d)) return undefined;
  if (t.charCodeAt(i) === C_COMMA) i++;
  if (t.charCodeAt(i) !== C_SPACE) return undefined;
  i++;

  const hw = width12(t, i);
  const h12 = num12(t, i, hw);
  i += hw;
  if (hw === 0 || h12 < 1 || h12 > 12 || t.charCodeAt(i) !== C_COLON) return undefined;
  const mi = two(t, i + 1);
  if (mi < 0 || mi > 59 || t.charCodeAt(i + 3) !== C_COLON) return undefined;
  const sec = two(t, i + 4);
  if (sec < 0 || sec > 59) return undefined;
  i += 6;
  let ms = 0;
  if (t.charCodeAt(i) === C_DOT) {
    const end = skipDigits(t, i + 1, e);
    if (end === i + 1) return undefined;
    ms = fractionMs(t, i + 1, end);
    i = end;
  }
  if (e - i !== 3 || t.charCodeAt(i) !== C_SPACE) return undefined;
  const a = t.charCodeAt(i + 1) | 0x20;
  const m = t.charCodeAt(i + 2) | 0x20;
  if (m !== C_m || (a !== C_a && a !== C_p)) return undefined;
  // 12-hour clock: 12 AM is 00h, 12 PM is noon, 1-11 PM add twelve.
  const h = (h12 % 12) + (a === C_p ? 12 : 0);
  return inZone(wallMs(y, mo, d, h, mi, sec, ms), ctx.tz);
}

/** How many digits (0, 1 or 2) start at `i`; a third digit is left for the caller's separator check to refuse. */
function width12(t: string, i: number): number {
  if (dig(t, i) < 0) return 0;
  return dig(t, i + 1) < 0 ? 1 : 2;
}

function num12(t: string, i: number, width: number): number {
  return width === 1 ? dig(t, i) : width === 2 ? dig(t, i) * 10 + dig(t, i + 1) : -1;
}

/** Digit strings (optional fraction) as epoch seconds/ms/µs/ns by magnitude; see the module comment. */
function parseEpoch(t: string, s: number, e: number): number | undefined {
  let i = s;
  while (i < e && t.charCodeAt(i) === C_0) i++;
  const sig = i;
  while (i < e && dig(t, i) >= 0) i++;
  const intEnd = i;
  let fracMs = 0;
  if (i < e) {
    if (t.charCodeAt(i) !== C_DOT) return undefined;
    const end = skipDigits(t, i + 1, e);
    if (end === i + 1 || end !== e) return undefined;
    fracMs = fractionMs(t, i + 1, end);
  }
  const len = intEnd - sig;
  if (len > 19) return undefined;
  let ms: number;
  if (len <= 11) {
    // Seconds: at most 11 digits, so the value and its x1000 are exact doubles.
    const seconds = len === 0 ? 0 : Number(t.slice(sig, intEnd));
    ms = seconds * 1000 + fracMs;
  } else {
    // Milliseconds and finer: drop the sub-millisecond digits as text, since 19-digit nanoseconds exceed 2^53.
    const drop = len <= 14 ? 0 : len <= 17 ? 3 : 6;
    ms = Number(t.slice(sig, intEnd - drop));
  }
  return ms >= EPOCH_WINDOW.start && ms < EPOCH_WINDOW.end ? ms : undefined;
}

/** `YYYYMMDDhhmmss[.fraction]`, 14 digits: see the module comment (2a). */
function parseCompact(t: string, s: number, e: number, ctx: TimeContext): number | undefined {
  const y = two(t, s) * 100 + two(t, s + 2);
  const mo = two(t, s + 4);
  const d = two(t, s + 6);
  const h = two(t, s + 8);
  const mi = two(t, s + 10);
  const sec = two(t, s + 12);
  if (!validDate(y, mo, d) || h > 23 || mi > 59 || sec > 59) return undefined;
  const i = s + 14;
  let ms = 0;
  if (i < e) {
    if (t.charCodeAt(i) !== C_DOT) return undefined;
    const end = skipDigits(t, i + 1, e);
    if (end === i + 1 || end !== e) return undefined;
    ms = fractionMs(t, i + 1, end);
  }
  return inZone(wallMs(y, mo, d, h, mi, sec, ms), ctx.tz);
}

export const MONTHS: readonly string[] = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** Which of `words` (three lower-case ASCII letters each) the three characters at `i` are, case aside; -1: none. */
export function threeLetterWordAt(text: string, i: number, words: readonly string[]): number {
  // (`| 32` lower-cases an ASCII letter and makes no other character one)
  const a = text.charCodeAt(i) | 32;
  const b = text.charCodeAt(i + 1) | 32;
  const c = text.charCodeAt(i + 2) | 32;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (w.charCodeAt(0) === a && w.charCodeAt(1) === b && w.charCodeAt(2) === c) return k;
  }
  return -1;
}

/** `Mmm dd hh:mm:ss[.fraction]` (RFC 3164, no year): see the module comment (4). */
function parseSyslog(t: string, s: number, e: number, ctx: TimeContext): number | undefined {
  if (e - s < 14 || t.charCodeAt(s + 3) !== C_SPACE) return undefined;
  const mo = threeLetterWordAt(t, s, MONTHS) + 1;
  if (mo === 0) return undefined;
  // Day: `16`, ` 6` (RFC 3164's space padding), `06` or `6`.
  let i = s + 4;
  if (t.charCodeAt(i) === C_SPACE) i++;
  const dw = width12(t, i);
  const d = num12(t, i, dw);
  i += dw;
  if (dw === 0 || d < 1 || d > 31 || t.charCodeAt(i) !== C_SPACE) return undefined;
  i++;
  const h = two(t, i);
  const mi = two(t, i + 3);
  const sec = two(t, i + 6);
  if (h < 0 || h > 23 || t.charCodeAt(i + 2) !== C_COLON || mi < 0 || mi > 59 || t.charCodeAt(i + 5) !== C_COLON) return undefined;
  if (sec < 0 || sec > 59) return undefined;
  i += 8;
  let ms = 0;
  if (i < e) {
    if (t.charCodeAt(i) !== C_DOT) return undefined;
    const end = skipDigits(t, i + 1, e);
    if (end === i + 1 || end !== e) return undefined;
    ms = fractionMs(t, i + 1, end);
  }
  if (ctx.year !== undefined) return validDate(ctx.year, mo, d) ? inZone(wallMs(ctx.year, mo, d, h, mi, sec, ms), ctx.tz) : undefined;
  if (ctx.now === undefined || !Number.isFinite(ctx.now)) return undefined;
  // The latest candidate year that is not after now (+ slack); next year's covers zones already past New Year, and
  // going back past last year only ever matters for 29 February (the latest leap year, at most 8 years back).
  const thisYear = new Date(ctx.now).getUTCFullYear();
  for (let y = thisYear + 1; y >= thisYear - 8; y--) {
    if (!validDate(y, mo, d)) continue;
    const instant = inZone(wallMs(y, mo, d, h, mi, sec, ms), ctx.tz);
    if (instant !== undefined && instant <= ctx.now + YEAR_INFERENCE_SLACK_MS) return instant;
  }
  return undefined;
}

/**
 * ISO-8601 UTC with milliseconds (`2026-03-16T10:15:02.000Z`), the event model's `time`. Throws a RangeError
 * for a number that is not a time (NaN, beyond ±8.64e15), which parseTimestamp never returns.
 *
 * What `Date#toISOString` writes, computed by hand for whole milliseconds in the years 0000–9999 (~5× faster:
 * an alert writes three of these, and `Date` costs ~0.5 µs each); other values are left to `Date`.
 */
export function formatTime(ms: number): string {
  if (!isWholeMsOfFourDigitYear(ms)) return new Date(ms).toISOString();
  const days = Math.floor(ms / DAY_MS);
  // Integer arithmetic from here (`| 0` on values that are whole and non-negative): V8 then divides in 32 bits, where
  // Math.floor and % on doubles cost a call each (~10× this function's time, measured).
  const inDay = (ms - days * DAY_MS) | 0;
  // the civil date of a day count (H. Hinnant's days_from_civil inverted; eras of 400 years from 0000-03-01)
  const z = days + 719_468;
  const era = Math.floor(z / 146_097); // -1 for January and February of year 0
  const doe = (z - era * 146_097) | 0;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36_524) | 0) - ((doe / 146_096) | 0)) / 365) | 0;
  const doy = (doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0))) | 0;
  const mp = ((5 * doy + 2) / 153) | 0;
  const day = (doy - (((153 * mp + 2) / 5) | 0) + 1) | 0;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = (yoe + era * 400 + (month <= 2 ? 1 : 0)) | 0;
  const h = (inDay / 3_600_000) | 0;
  const mi = ((inDay / 60_000) | 0) % 60;
  const sec = ((inDay / 1000) | 0) % 60;
  const milli = inDay % 1000;
  // One flat string from its character codes: a template literal of fifteen parts is a tree of cons strings
  // (~500 bytes a time, kept while alerts wait to be written) and costs ~3× as much.
  return String.fromCharCode(
    digit((year / 1000) | 0), digit((year / 100) | 0), digit((year / 10) | 0), digit(year), 45, digit((month / 10) | 0), digit(month), 45,
    digit((day / 10) | 0), digit(day), 84, digit((h / 10) | 0), digit(h), 58, digit((mi / 10) | 0), digit(mi), 58, digit((sec / 10) | 0), digit(sec),
    46, digit((milli / 100) | 0), digit((milli / 10) | 0), digit(milli), 90,
  );
}

/** The character code of the last decimal digit of `n` (a whole number ≥ 0). */
function digit(n: number): number {
  return 48 + (n % 10);
}

/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: the years written with four digits. */
/**
 * A whole millisecond in the years 0000–9999: formatTime's texts of such times sort as the times do (so the times
 * themselves can be compared instead of their texts).
 */
export function isWholeMsOfFourDigitYear(ms: number): boolean {
  return Number.isInteger(ms) && ms >= MIN_FAST_MS && ms <= MAX_FAST_MS;
}

const MIN_FAST_MS = -62_167_219_200_000;
const MAX_FAST_MS = 253_402_300_799_999;
