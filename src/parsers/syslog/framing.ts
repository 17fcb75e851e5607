/**
 * Syslog framing, parsed once per line before any vendor message parser sees it. What collectors write to files and
 * what devices send:
 *
 * - RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG` (`-` for a nil field);
 * - RFC 3164 / BSD: `[<PRI>]Mmm dd hh:mm:ss HOSTNAME [facility.severity] TAG[pid]: MSG` — no year, no zone;
 * - the RFC 3339 file format of rsyslog and syslog-ng: `2026-03-16T10:15:02.123+01:00 HOSTNAME TAG: MSG`;
 * - Cisco ASA/FTD stamps (`logging timestamp`), which a BSD-style header may carry: a year (`Mar 16 2026 10:15:02`),
 *   a weekday (`Mon Mar 16 …`), a fraction, a zone name (`… 10:15:02 UTC`, `EDT`), a colon right after the stamp
 *   when the device writes no host (`Mar 16 2026 10:15:02: %ASA-…`, `2026-03-16T10:15:02Z: %ASA-…`), and the
 *   device id followed by ` : ` (`Mar 16 2026 10:15:02 asa01 : %ASA-…`).
 *
 * A line without a recognisable header is handed on whole (`header: false`): some devices send bare messages
 * (`CEF:0|…`). Linear scans and anchored checks only: nothing here backtracks on hostile input.
 */
import { MONTHS, parseTimestamp, threeLetterWordAt, type TimeContext } from '../../time/parse.js';

/** One line, its syslog header taken apart. */
export interface SyslogLine {
  /** Whether a syslog header was recognised. */
  header: boolean;
  /** The header's timestamp, epoch ms; undefined when the header has none (`-`) or it cannot be placed in time. */
  time?: number;
  /** The header's timestamp as written, for messages. */
  timeText?: string;
  /** HOSTNAME: the device that sent the line (absent for `-`). */
  host?: string;
  /** APP-NAME or TAG without its `[pid]` (`kernel`, `%ASA-6-302013`), when the header names one. */
  app?: string;
  /** The text after the header: for RFC 3164 the TAG and its message, for RFC 5424 MSG. */
  rest: string;
  /** The message proper: after `TAG: ` (RFC 3164) or the structured data (RFC 5424); `rest` when no tag is found. */
  message: string;
  /** The whole line. */
  line: string;
}

const MAX_PRI = 191;

/**
 * Year inference as session state. Year-less stamps (RFC 3164) take `--year` when given, and a file that runs over
 * New Year (a December stamp, then a January one) moves on to the next year; without `--year` each stamp takes the
 * latest year that does not put it in the future (`now`, see parseTimestamp), which needs no state.
 */
export interface YearState {
  year?: number;
  lastMonth?: number;
}

/**
 * Split a line into its syslog header and message. Never throws; a line that is not syslog comes back bare (without
 * a `<PRI>` it may start with). A relay's header in front of the device's own (rsyslog, syslog-ng or a collector
 * forwarding with its own template) is looked through: time, host and tag are the device's.
 */
export function parseSyslogLine(line: string, time: TimeContext, years: YearState = {}, shape?: HeaderShape): SyslogLine {
  if (shape) shape.restAt = -1;
  const outer = frame(line, time, years, shape);
  if (!outer) return bare(line);
  // (an RFC 5424 relay's MSG, where the device's header is, comes after its structured data)
  const inner = frame(outer.rest, time, years) ?? (outer.message !== outer.rest && isRfc5424(line) ? frame(outer.message, time, years) : undefined);
  if (!inner) return outer;
  if (shape) shape.restAt = -1; // a relay's header: the device's own is the one read
  // A device that writes no host of its own (`asa01 : Mar 16 10:15:02 EDT: %ASA-…`) is known by the outer one.
  return inner.host === undefined && outer.host !== undefined ? { ...inner, host: outer.host, line } : { ...inner, line };
}

/**
 * How an RFC 3164 header was read, for the syslog family's hot path (family.ts, `sameHeaderShape`): a later line whose
 * bytes before `restAt` are these, digits in the stamp aside, is framed the same way up to `rest` — the stamp frames a
 * line whatever its digits say (they only decide whether it can be placed in time), the host and tag words are
 * compared byte for byte. Filled only when that holds: a host was read (so the words after it do not decide whether
 * it is one), its word does not end in `:` (then the next word would), and the header's bytes are the line's
 * characters (ASCII). `restAt` -1: no shape.
 */
export interface HeaderShape {
  restAt: number;
  /** [stampFrom, stampTo): the stamp, where digits may differ. */
  stampFrom: number;
  stampTo: number;
}

/** The line framed by its header, or undefined when it has none. */
function frame(line: string, time: TimeContext, years: YearState, shape?: HeaderShape): SyslogLine | undefined {
  // <PRI>: 1 to 3 digits, at most 191.
  const i = afterPri(line);
  if (line.startsWith('1 ', i)) {
    const framed = rfc5424(line, i + 2, time);
    if (framed) return framed;
  }
  const c = line.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    const framed = rfc3339File(line, i, time);
    if (framed) return framed;
  } else {
    const framed = rfc3164(line, i, time, years, shape);
    if (framed) return framed;
  }
  return undefined;
}

/** Where the line goes on after a `<PRI>` it starts with (0: none). */
function afterPri(line: string): number {
  if (line.charCodeAt(0) !== 60 /* < */) return 0;
  const close = line.indexOf('>', 1);
  return close > 1 && close <= 4 && isDigits(line, 1, close) && Number(line.slice(1, close)) <= MAX_PRI ? close + 1 : 0;
}

/** Whether a line that `frame` framed has an RFC 5424 header (version 1 after the PRI). */
function isRfc5424(line: string): boolean {
  return line.startsWith('1 ', afterPri(line));
}

/** A line without a header: all of it is the message, but a `<PRI>` it starts with. */
function bare(line: string): SyslogLine {
  const i = afterPri(line);
  const message = i === 0 ? line : line.slice(i); // `<189>date=… time=…` (FortiGate sends no header): the PRI is not message text
  return { header: false, rest: message, message, line };
}

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return to > from;
}

/** The next space-separated token from `i`: [start, end); end === -1 when the line ends before a space. */
function token(line: string, i: number): [number, number] {
  const sp = line.indexOf(' ', i);
  return [i, sp];
}

function nil(text: string): string | undefined {
  return text === '-' || text === '' ? undefined : text;
}

function rfc5424(line: string, i: number, time: TimeContext): SyslogLine | undefined {
  const fields: string[] = [];
  let at = i;
  for (let k = 0; k < 5; k++) {
    const [s, e] = token(line, at);
    if (e === -1) return undefined;
    fields.push(line.slice(s, e));
    at = e + 1;
  }
  const [stamp, host, app] = fields as [string, string, string, string, string];
  const ms = stamp === '-' ? undefined : parseTimestamp(stamp, time);
  if (stamp !== '-' && ms === undefined) return undefined;
  const rest = line.slice(at);
  const message = afterStructuredData(rest);
  return withOptional({ header: true, rest, message, line }, ms, stamp === '-' ? undefined : stamp, nil(host), nil(app));
}

/** MSG after STRUCTURED-DATA (`-` or `[id k="v"]…`, where `]` and `"` inside values are escaped with `\`). */
function afterStructuredData(rest: string): string {
  if (rest.startsWith('-')) return rest.slice(rest.startsWith('- ') ? 2 : 1);
  if (!rest.startsWith('[')) return rest;
  let inValue = false;
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === '\\') i++;
    else if (c === '"') inValue = !inValue;
    else if (c === ']' && !inValue && rest[i + 1] !== '[') return rest.slice(rest[i + 1] === ' ' ? i + 2 : i + 1);
  }
  return '';
}

/** `2026-03-16T10:15:02[.fff](Z|±hh:mm)[:] HOST TAG: MSG` (a colon right after the stamp: no host, as ASA writes it). */
function rfc3339File(line: string, i: number, time: TimeContext): SyslogLine | undefined {
  const [s, e] = token(line, i);
  if (e === -1 || e - s < 19 || line.charCodeAt(s + 10) !== 84 /* T */) return undefined;
  const noHost = line.charCodeAt(e - 1) === 58; /* : */
  const stamp = line.slice(s, noHost ? e - 1 : e);
  const ms = parseTimestamp(stamp, time);
  if (ms === undefined) return undefined;
  return hostAndTag(line, e + 1, ms, stamp, noHost);
}

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Zone names a Cisco stamp may end with (`… 10:15:02 EDT: %ASA-…`), as fixed offsets in minutes: each names one offset
 * (EDT is UTC-4 whatever the date). ASA writes whatever name `clock timezone` was given, so only the usual unambiguous
 * names are known (CST is read as US Central, as Elastic's pipeline does); any other word after the stamp is the host,
 * and the stamp is read in --tz.
 */
const ZONE_NAMES: Readonly<Record<string, number>> = {
  UTC: 0, UT: 0, GMT: 0, Z: 0, WET: 0, WEST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180, MSK: 180,
  EST: -300, EDT: -240, CST: -360, CDT: -300, MST: -420, MDT: -360, PST: -480, PDT: -420, AKST: -540, AKDT: -480,
  HST: -600, NST: -210, NDT: -150, JST: 540, KST: 540, HKT: 480, SGT: 480, AWST: 480, ACST: 570, ACDT: 630, AEST: 600,
  AEDT: 660, NZST: 720, NZDT: 780,
};

/**
 * `[Www ]Mmm dd [yyyy ]hh:mm:ss[.fff][ ZONE][:] HOST …` (RFC 3164; the weekday, year, fraction, zone name and colon are
 * Cisco's `logging timestamp` variants): the day space-padded or not. A year in the stamp is the stamp's own and does
 * not touch the New Year inference; a known zone name wins over --tz.
 */
function rfc3164(line: string, start: number, time: TimeContext, years: YearState, shape?: HeaderShape): SyslogLine | undefined {
  let i = start;
  if (line.charCodeAt(i + 3) === 32 && threeLetterWordAt(line, i, WEEKDAYS) !== -1) i += 4;
  if (line.charCodeAt(i + 3) !== 32) return undefined;
  const month = threeLetterWordAt(line, i, MONTHS) + 1;
  if (month === 0) return undefined;
  let j = i + 4;
  if (line.charCodeAt(j) === 32) j++;
  const dayStart = j;
  while (j - dayStart < 2 && isDigits(line, j, j + 1)) j++;
  if (j === dayStart || line.charCodeAt(j) !== 32) return undefined;
  const dayEnd = j++;
  let year: number | undefined;
  if (isDigits(line, j, j + 4) && line.charCodeAt(j + 4) === 32) {
    year = Number(line.slice(j, j + 4));
    j += 5;
  }
  const clockStart = j;
  const stampEnd = line.indexOf(' ', clockStart);
  if (stampEnd === -1 || line.charCodeAt(clockStart + 2) !== 58 /* : */) return undefined;
  let noHost = line.charCodeAt(stampEnd - 1) === 58; // `10:15:02: %ASA-…`
  const clockEnd = noHost ? stampEnd - 1 : stampEnd;
  let at = stampEnd + 1;
  let textEnd = clockEnd;
  let offset: number | undefined;
  if (!noHost) {
    const zoneEnd = line.indexOf(' ', at);
    if (zoneEnd > at) {
      const colon = line.charCodeAt(zoneEnd - 1) === 58;
      const name = line.slice(at, colon ? zoneEnd - 1 : zoneEnd);
      if (Object.hasOwn(ZONE_NAMES, name)) {
        offset = ZONE_NAMES[name];
        textEnd = colon ? zoneEnd - 1 : zoneEnd;
        noHost = colon;
        at = zoneEnd + 1;
      }
    }
  }
  // The stamp without its year (the text between day and clock is then one space).
  const wall = year === undefined ? line.slice(i, clockEnd) : `${line.slice(i, dayEnd)} ${line.slice(clockStart, clockEnd)}`;
  const ctx = year !== undefined ? { ...time, year } : yearFor(month, time, years);
  let ms = parseTimestamp(wall, offset === undefined ? ctx : { ...ctx, tz: 'UTC' });
  if (ms !== undefined && offset !== undefined) ms -= offset * 60_000;
  // A stamp that is syslog-shaped but cannot be placed (no --year and no clock) still frames the line.
  const framed = hostAndTag(line, at, ms, line.slice(start, textEnd), noHost, shape);
  if (shape && shape.restAt !== -1) {
    shape.stampFrom = start;
    shape.stampTo = textEnd;
  }
  return framed;
}

/** The time context for a year-less stamp of `month`: `--year`, moved on at New Year within the file. */
function yearFor(month: number, time: TimeContext, years: YearState): TimeContext {
  if (time.year === undefined) return time;
  years.year ??= time.year;
  // Months run on with the file; a jump back of more than half a year is New Year, not disorder — and a jump
  // forward of more than half a year is a line of the old year after New Year (sources merged out of order around
  // midnight: Dec 31, Jan 1, Dec 31, Jan 1 stay in their two years).
  if (years.lastMonth !== undefined && month < years.lastMonth - 6) years.year++;
  else if (years.lastMonth !== undefined && month > years.lastMonth + 6) years.year--;
  years.lastMonth = month;
  return years.year === time.year ? time : { ...time, year: years.year };
}

/**
 * `HOST [facility.severity] TAG[pid]: MSG` after the stamp. Spaces may be doubled; a host written with a colon
 * (`dev01: %ASA-…`) loses it; Cisco's device id is followed by ` : ` (`asa01 : %ASA-…`); a Cisco message right after
 * the stamp (`… 10:15:02Z   %FTD-…`) or after a stamp that ends in a colon has no host.
 */
function hostAndTag(line: string, i: number, ms: number | undefined, stamp: string, noHost = false, shape?: HeaderShape): SyslogLine | undefined {
  while (line.charCodeAt(i) === 32) i++;
  if (!noHost && line.charCodeAt(i) === 58 && line.charCodeAt(i + 1) === 32) {
    // ` : %ASA-…`: the device-id separator without a device id.
    noHost = true;
    i += 2;
    while (line.charCodeAt(i) === 32) i++;
  }
  let host: string | undefined;
  let at = i;
  if (!noHost && line.charCodeAt(i) !== 37 /* % */ && !tagWithoutHost(line, i)) {
    const he = line.indexOf(' ', i);
    if (he === -1 || he === i) return undefined;
    host = line.slice(i, he);
    if (host.length > 1 && host.charCodeAt(host.length - 1) === 58) host = host.slice(0, -1);
    at = he + 1;
    while (line.charCodeAt(at) === 32) at++;
    if (line.charCodeAt(at) === 58 && line.charCodeAt(at + 1) === 32) {
      at += 2;
      while (line.charCodeAt(at) === 32) at++;
    } else {
      // What some collectors insert after the host: `user.info`, `kern.warning`.
      const fe = line.indexOf(' ', at);
      if (fe !== -1 && isFacilitySeverity(line, at, fe)) at = fe + 1;
    }
    if (shape && host.charCodeAt(host.length - 1) !== 58 && line.charCodeAt(he - 1) !== 58 && isAscii(line, 0, at)) shape.restAt = at;
  }
  const rest = line.slice(at);
  const colon = rest.indexOf(': ');
  const tagText = colon > 0 && colon <= 64 && rest.lastIndexOf(' ', colon - 1) === -1 ? rest.slice(0, colon) : undefined;
  const app = tagText === undefined || tagText.charCodeAt(tagText.length - 1) !== 93 /* ] */ ? tagText : tagText.replace(/\[\d{1,10}\]$/, '');
  const message = tagText === undefined ? rest : rest.slice(colon + 2);
  return withOptional({ header: true, rest, message, line }, ms, stamp, host, app);
}

/**
 * Whether the token at `i` is a TAG with no host before it: `filterlog[72237]: 5,,,…` (pfSense's default), `RT_FLOW:
 * RT_FLOW_SESSION_CLOSE: …`. A host written with a colon (`asa01: %ASA-…`) is followed by the vendor's own `%` tag.
 */
function tagWithoutHost(line: string, i: number): boolean {
  const he = line.indexOf(' ', i);
  if (he === -1 || he - i < 2 || line.charCodeAt(he - 1) !== 58 /* : */) return false;
  let next = he + 1;
  while (line.charCodeAt(next) === 32) next++;
  return line.charCodeAt(next) !== 37 /* % */;
}

const FACILITIES = new Set(['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv',
  'ftp', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7']);
const SEVERITIES = new Set(['emerg', 'alert', 'crit', 'err', 'error', 'warn', 'warning', 'notice', 'info', 'debug']);

function isAscii(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}

/** Whether `line`'s characters [from, to) are a `facility.severity` word. */
function isFacilitySeverity(line: string, from: number, to: number): boolean {
  const dot = line.indexOf('.', from);
  return dot > from && dot < to && FACILITIES.has(line.slice(from, dot)) && SEVERITIES.has(line.slice(dot + 1, to));
}

function withOptional(
  base: SyslogLine, ms: number | undefined, stamp: string | undefined, host: string | undefined, app: string | undefined,
): SyslogLine {
  if (ms !== undefined) base.time = ms;
  if (stamp !== undefined) base.timeText = stamp;
  if (host !== undefined) base.host = host;
  if (app !== undefined) base.app = app;
  return base;
}
