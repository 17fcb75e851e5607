/**
 * Device timestamps as the ArcSight CEF and IBM LEEF specifications write them, for ./cef.ts and ./leef.ts. Both
 * come from the Java world: CEF's `rt`/`start`/`end` take the SimpleDateFormat shapes the CEF standard lists
 * (`MMM dd [yyyy] HH:mm:ss[.SSS] [zzz]`) or epoch milliseconds, and LEEF's `devTime` is written in whatever Java
 * SimpleDateFormat pattern `devTimeFormat` names. Everything ends in parseTimestamp (src/time/parse.ts): the wall
 * clock is rewritten as ISO text (or as a year-less syslog stamp, so the year is inferred the same way) and read in
 * the zone the text states, else in the zone the caller gives (`dtz`, else `--tz`).
 *
 * Linear scans over at most MAX_TEXT characters; no regular expressions with nested quantifiers.
 */
import { parseTimestamp, type TimeContext } from '../../time/parse.js';
import { normalizeZone } from '../../time/zone.js';

/** Longer than any date a device writes (a full month name, a 9-digit fraction and an IANA zone fit). */
const MAX_TEXT = 80;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december'];

/**
 * Zone abbreviations as Java's `zzz` writes them (Locale.US short names), as fixed offsets. Only unambiguous ones:
 * `IST` (India, Israel, Ireland), `BST` (British Summer Time, or Bangladesh in Java's own zone ids), `AST` (Atlantic,
 * Arabia) and the like are refused — a stamp in one of them is BAD_TIME, not a guess that moves records by hours.
 * `CST` is US Central, as Java reads it in Locale.US.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  utc: '+00:00', gmt: '+00:00', ut: '+00:00', z: '+00:00', zulu: '+00:00', wet: '+00:00', west: '+01:00',
  cet: '+01:00', cest: '+02:00', met: '+01:00', mest: '+02:00', eet: '+02:00', eest: '+03:00', msk: '+03:00',
  sast: '+02:00', pkt: '+05:00', wib: '+07:00', sgt: '+08:00', hkt: '+08:00', awst: '+08:00', jst: '+09:00',
  kst: '+09:00', acst: '+09:30', acdt: '+10:30', aest: '+10:00', aedt: '+11:00', nzst: '+12:00', nzdt: '+13:00',
  est: '-05:00', edt: '-04:00', cst: '-06:00', cdt: '-05:00', mst: '-07:00', mdt: '-06:00', pst: '-08:00',
  pdt: '-07:00', akst: '-09:00', akdt: '-08:00', hst: '-10:00', nst: '-03:30', ndt: '-02:30', adt: '-03:00',
};

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  const l = c | 0x20;
  return l >= 97 && l <= 122;
}

function allDigits(s: string, from = 0, to = s.length): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * `+hh:mm` / `+hhmm` / `+hh` / `+h` from index `i` of `s` up to `end`, as `±hh:mm`; undefined otherwise. The sign is
 * as written (Java's `GMT+01:00` is one hour east of UTC, unlike POSIX `GMT+1`).
 */
function offsetText(s: string, i: number, end: number): string | undefined {
  const sign = s[i];
  if (sign !== '+' && sign !== '-') return undefined;
  const body = s.slice(i + 1, end);
  let h: string;
  let m = '00';
  const colon = body.indexOf(':');
  if (colon >= 0) {
    h = body.slice(0, colon);
    m = body.slice(colon + 1);
    if (m.length !== 2) return undefined;
  } else if (body.length <= 2) {
    h = body;
  } else if (body.length === 4) {
    h = body.slice(0, 2);
    m = body.slice(2);
  } else {
    return undefined;
  }
  if (h.length === 0 || h.length > 2 || !allDigits(h) || !allDigits(m)) return undefined;
  const hours = Number(h);
  const minutes = Number(m);
  if (hours > 18 || minutes > 59) return undefined;
  return `${sign}${pad2(hours)}:${pad2(minutes)}`;
}

/**
 * A zone as a device writes it, as a zone parseTimestamp reads (`±hh:mm` or an IANA name): `Z`, `UTC`, `GMT`,
 * `GMT+01:00`, `UTC-5`, `+0100`, `-08:00`, the abbreviations above, an IANA name (`Europe/Berlin`). Undefined for
 * anything else (`IST`, `local`, `GMT+25`).
 */
export function resolveZone(text: string): string | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > 64) return undefined;
  const c = t.charCodeAt(0);
  if (c === 43 || c === 45) return offsetText(t, 0, t.length);
  const lower = t.toLowerCase();
  if (Object.hasOwn(ABBREVIATIONS, lower)) return ABBREVIATIONS[lower];
  for (const prefix of ['gmt', 'utc', 'ut']) {
    if (lower.startsWith(prefix) && (t[prefix.length] === '+' || t[prefix.length] === '-')) {
      return offsetText(t, prefix.length, t.length);
    }
  }
  // IANA names (`Europe/Berlin`, `Japan`): validated and canonicalised by the zone module, which refuses `local`. An
  // all-capitals word is an abbreviation, and the platform's zone database knows ambiguous ones (`IST`) as aliases:
  // only those in the table above are read.
  return t.includes('/') || (isLetter(c) && t !== t.toUpperCase()) ? normalizeZone(t) : undefined;
}

/** A wall clock read from the text; `year` absent for year-less shapes. `fraction` holds the digits as written. */
interface Wall {
  year?: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  fraction: string;
}

/**
 * The instant of a wall clock in `zone` (a zone resolveZone returned, else `time.tz`). With a year it is read as ISO
 * text; without one as a syslog stamp, so `--year`/the file's date place it exactly as they place a syslog header.
 */
function wallToEpoch(w: Wall, zone: string | undefined, time: TimeContext): number | undefined {
  if (w.month < 1 || w.month > 12 || w.day < 1 || w.day > 31 || w.hour > 23 || w.minute > 59 || w.second > 60) {
    return undefined;
  }
  const frac = w.fraction === '' ? '' : `.${w.fraction.slice(0, 9)}`;
  const clock = `${pad2(w.hour)}:${pad2(w.minute)}:${pad2(w.second)}${frac}`;
  const ctx: TimeContext = zone === undefined ? time : { ...time, tz: zone };
  if (w.year === undefined) {
    const name = MONTHS[w.month - 1]!;
    return parseTimestamp(`${name[0]!.toUpperCase()}${name.slice(1)} ${pad2(w.day)} ${clock}`, ctx);
  }
  if (w.year < 1000 || w.year > 9999) return undefined;
  return parseTimestamp(`${w.year}-${pad2(w.month)}-${pad2(w.day)}T${clock}`, ctx);
}

/** Month number from an English name or its three-letter abbreviation (any case); 0 if it is neither. */
function monthOf(text: string): number {
  const lower = text.toLowerCase();
  if (lower.length === 3) return MONTHS.indexOf(lower) + 1;
  return MONTH_NAMES.indexOf(lower) + 1;
}

/** `H:mm:ss[.fraction]` into the wall clock; false when it is not one. */
function readClock(text: string, w: Wall): boolean {
  const c1 = text.indexOf(':');
  if (c1 < 1 || c1 > 2) return false;
  const c2 = text.indexOf(':', c1 + 1);
  if (c2 !== c1 + 3) return false;
  let end = text.length;
  const dot = text.indexOf('.', c2);
  const comma = dot === -1 ? text.indexOf(',', c2) : -1;
  const sep = dot === -1 ? comma : dot;
  if (sep !== -1) {
    if (sep !== c2 + 3 || !allDigits(text, sep + 1, text.length)) return false;
    w.fraction = text.slice(sep + 1);
    end = sep;
  } else if (end !== c2 + 3) {
    return false;
  }
  if (!allDigits(text, 0, c1) || !allDigits(text, c1 + 1, c2) || !allDigits(text, c2 + 1, end)) return false;
  w.hour = Number(text.slice(0, c1));
  w.minute = Number(text.slice(c1 + 1, c2));
  w.second = Number(text.slice(c2 + 1, end));
  return true;
}

/**
 * A CEF timestamp (`rt`, `start`, `end`; also LEEF's `devTime` without a `devTimeFormat`), as the CEF standard lists
 * them: milliseconds since the epoch, or `MMM dd[ yyyy] HH:mm:ss[.SSS][ zone]`. Other shapes devices write there
 * (ISO-8601 with or without offset, epoch seconds) are read by parseTimestamp. A zone in the text wins; else
 * `zone` (CEF `dtz`), else `time.tz`. Undefined when the text is none of these or names a zone not known here.
 */
export function readDeviceTime(text: string, time: TimeContext, zone?: string): number | undefined {
  const t = text.trim();
  if (t.length === 0 || t.length > MAX_TEXT) return undefined;
  if (!isLetter(t.charCodeAt(0))) {
    const ctx: TimeContext = zone === undefined ? time : { ...time, tz: zone };
    return parseTimestamp(t, ctx);
  }
  // Month, day, [year], clock, [zone…]: space-separated, runs of spaces allowed (`Mar  6`).
  const parts: string[] = [];
  let i = 0;
  while (i < t.length && parts.length < 6) {
    while (t.charCodeAt(i) === 32) i++;
    const sp = t.indexOf(' ', i);
    const end = sp === -1 ? t.length : sp;
    if (end > i) parts.push(t.slice(i, end));
    i = end;
  }
  if (i < t.length || parts.length < 3) return undefined;
  const w: Wall = { month: monthOf(parts[0]!), day: 0, hour: 0, minute: 0, second: 0, fraction: '' };
  if (w.month === 0 || !allDigits(parts[1]!) || parts[1]!.length > 2) return undefined;
  w.day = Number(parts[1]);
  let k = 2;
  if (parts[k]!.length === 4 && allDigits(parts[k]!)) w.year = Number(parts[k++]);
  if (k >= parts.length || !readClock(parts[k]!, w)) return undefined;
  k++;
  let stated: string | undefined;
  if (k < parts.length) {
    stated = resolveZone(parts.slice(k).join(' '));
    if (stated === undefined) return undefined;
  }
  return wallToEpoch(w, stated ?? zone, time);
}

// ---------------------------------------------------------------------------------------------------------------
// Java SimpleDateFormat patterns (LEEF devTimeFormat)

type Token =
  | { kind: 'field'; letter: string; count: number; numericNext: boolean }
  | { kind: 'text'; text: string };

/** Pattern letters read here; any other letter makes the pattern unsupported (BAD_TIME, never a guess). */
const SUPPORTED = new Set(['y', 'Y', 'u', 'M', 'L', 'd', 'H', 'k', 'K', 'h', 'm', 's', 'S', 'a', 'E', 'z', 'Z', 'X']);
const NUMERIC = new Set(['y', 'Y', 'u', 'd', 'H', 'k', 'K', 'h', 'm', 's', 'S']);

const compiled = new Map<string, Token[] | null>();
const MAX_COMPILED = 64;

/** The tokens of a SimpleDateFormat pattern, or null when it uses letters not read here or has an open quote. */
export function compileJavaPattern(pattern: string): Token[] | null {
  const cached = compiled.get(pattern);
  if (cached !== undefined) return cached;
  const tokens = compile(pattern);
  if (compiled.size >= MAX_COMPILED) compiled.clear();
  compiled.set(pattern, tokens);
  return tokens;
}

function compile(pattern: string): Token[] | null {
  if (pattern.length === 0 || pattern.length > MAX_TEXT) return null;
  const tokens: Token[] = [];
  const text = (s: string): void => {
    const last = tokens[tokens.length - 1];
    if (last?.kind === 'text') last.text += s;
    else tokens.push({ kind: 'text', text: s });
  };
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === "'") {
      if (pattern[i + 1] === "'") {
        text("'");
        i += 2;
        continue;
      }
      const close = pattern.indexOf("'", i + 1);
      if (close === -1) return null;
      // `'it''s'`: a doubled quote inside a quoted run is one quote.
      let literal = pattern.slice(i + 1, close);
      let next = close + 1;
      while (pattern[next] === "'") {
        const again = pattern.indexOf("'", next + 1);
        if (again === -1) return null;
        literal += `'${pattern.slice(next + 1, again)}`;
        next = again + 1;
      }
      text(literal);
      i = next;
      continue;
    }
    if (isLetter(ch.charCodeAt(0))) {
      if (!SUPPORTED.has(ch)) return null;
      let j = i + 1;
      while (pattern[j] === ch) j++;
      tokens.push({ kind: 'field', letter: ch, count: j - i, numericNext: false });
      i = j;
      continue;
    }
    text(ch);
    i++;
  }
  // A numeric field directly followed by another numeric field (`yyyyMMdd`) reads exactly its width, as Java does.
  for (let k = 0; k + 1 < tokens.length; k++) {
    const a = tokens[k]!;
    const b = tokens[k + 1]!;
    if (a.kind === 'field' && b.kind === 'field' && isNumericField(b)) a.numericNext = true;
  }
  return tokens;
}

function isNumericField(t: { letter: string; count: number }): boolean {
  return NUMERIC.has(t.letter) || ((t.letter === 'M' || t.letter === 'L') && t.count <= 2);
}

/**
 * `text` read with a Java SimpleDateFormat `pattern` (LEEF `devTimeFormat`): `yyyy-MM-dd'T'HH:mm:ss.SSSZ`,
 * `MMM dd yyyy HH:mm:ss.SSS z`, `yyyyMMddHHmmss`, `dd/MM/yyyy hh:mm:ss a`… Letters read: y Y u M L d H k K h m s S a E
 * z Z X. `S` is read as the fraction of the second (what emitters mean by `SSS`/`SSSSSS`; Java's own SimpleDateFormat
 * would count milliseconds). Without a zone letter the clock is in `zone`, else `time.tz`. Undefined when the pattern
 * is not supported or the text does not follow it.
 */
export function readJavaDate(text: string, pattern: string, time: TimeContext, zone?: string): number | undefined {
  const tokens = compileJavaPattern(pattern.trim());
  const t = text.trim();
  if (tokens === null || t.length === 0 || t.length > MAX_TEXT) return undefined;
  const w: Wall = { month: 0, day: 0, hour: 0, minute: 0, second: 0, fraction: '' };
  let hour12: number | undefined;
  let pm: boolean | undefined;
  let stated: string | undefined;
  let i = 0;
  for (const tok of tokens) {
    if (tok.kind === 'text') {
      for (const ch of tok.text) {
        if (ch === ' ') {
          // One space in the pattern takes a run of them (`Mar  6`).
          if (t[i] !== ' ') return undefined;
          while (t[i] === ' ') i++;
        } else if (t[i++] !== ch) {
          return undefined;
        }
      }
      continue;
    }
    const { letter, count } = tok;
    if (isNumericField(tok)) {
      const max = tok.numericNext ? count : letter === 'S' ? 9 : letter === 'y' || letter === 'Y' || letter === 'u' ? 4 : 2;
      const min = tok.numericNext ? count : 1;
      let j = i;
      while (j < t.length && j - i < max && isDigit(t.charCodeAt(j))) j++;
      if (j - i < min) return undefined;
      const digits = t.slice(i, j);
      const n = Number(digits);
      i = j;
      switch (letter) {
        case 'y': case 'Y': case 'u':
          // Two-digit years (`yy`) are this century's, as Java's pivot puts every log date a device writes today.
          w.year = count === 2 && digits.length === 2 ? 2000 + n : n;
          break;
        case 'M': case 'L': w.month = n; break;
        case 'd': w.day = n; break;
        case 'H': w.hour = n; break;
        case 'k': w.hour = n === 24 ? 0 : n; break;
        case 'K': hour12 = n % 12; break;
        case 'h': hour12 = n === 12 ? 0 : n; break;
        case 'm': w.minute = n; break;
        case 's': w.second = n; break;
        case 'S': w.fraction = digits; break;
      }
      continue;
    }
    switch (letter) {
      case 'M': case 'L': {
        let j = i;
        while (j < t.length && isLetter(t.charCodeAt(j))) j++;
        w.month = monthOf(t.slice(i, j));
        if (w.month === 0) return undefined;
        i = j;
        break;
      }
      case 'E': {
        // The day's name says nothing the date does not.
        let j = i;
        while (j < t.length && isLetter(t.charCodeAt(j))) j++;
        if (j === i) return undefined;
        i = j;
        break;
      }
      case 'a': {
        const ampm = t.slice(i, i + 2).toLowerCase();
        if (ampm !== 'am' && ampm !== 'pm') return undefined;
        pm = ampm === 'pm';
        i += 2;
        break;
      }
      case 'z': case 'Z': case 'X': {
        // A zone runs to the next space: `PST`, `GMT+01:00`, `-0800`, `Z`, `Europe/Berlin`.
        let j = i;
        while (j < t.length && t[j] !== ' ') j++;
        stated = resolveZone(t.slice(i, j));
        if (stated === undefined) return undefined;
        i = j;
        break;
      }
    }
  }
  if (i !== t.length) return undefined;
  if (w.month === 0 || w.day === 0) return undefined;
  if (hour12 !== undefined) w.hour = hour12 + (pm ? 12 : 0);
  else if (pm === true && w.hour < 12) w.hour += 12;
  // `…ss'Z'`: a quoted Z after the clock is the ISO mark for UTC, not a decoration (Java itself would use its default
  // zone, which is never what the device meant).
  const last = tokens[tokens.length - 1]!;
  if (stated === undefined && last.kind === 'text' && last.text.endsWith('Z')) stated = '+00:00';
  return wallToEpoch(w, stated ?? zone, time);
}
