/**
 * Syslog framing, parsed once per line before any vendor message parser sees it. What collectors write to files and
 * what devices send:
 *
 * - RFC 5424: `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG` (`-` for a nil field);
 * - RFC 3164 / BSD: `[<PRI>]Mmm dd hh:mm:ss HOSTNAME [facility.severity] TAG[pid]: MSG` — no year, no zone;
 * - the RFC 3339 file format of rsyslog and syslog-ng: `2026-03-16T10:15:02.123+01:00 HOSTNAME TAG: MSG`.
 *
 * A line without a recognisable header is handed on whole (`header: false`): some devices send bare messages
 * (`CEF:0|…`). Linear scans and anchored checks only: nothing here backtracks on hostile input.
 */
import { parseTimestamp, type TimeContext } from '../../time/parse.js';

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

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
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
export function parseSyslogLine(line: string, time: TimeContext, years: YearState = {}): SyslogLine {
  const outer = frame(line, time, years);
  if (!outer.header) return outer;
  const inner = frame(outer.rest, time, years);
  return inner.header ? { ...inner, line } : outer;
}

function frame(line: string, time: TimeContext, years: YearState): SyslogLine {
  let i = 0;
  // <PRI>: 1 to 3 digits, at most 191.
  if (line.charCodeAt(0) === 60 /* < */) {
    const close = line.indexOf('>', 1);
    if (close > 1 && close <= 4 && isDigits(line, 1, close) && Number(line.slice(1, close)) <= MAX_PRI) i = close + 1;
  }
  if (line.startsWith('1 ', i)) {
    const framed = rfc5424(line, i + 2, time);
    if (framed) return framed;
  }
  const c = line.charCodeAt(i);
  if (c >= 48 && c <= 57) {
    const framed = rfc3339File(line, i, time);
    if (framed) return framed;
  } else {
    const framed = rfc3164(line, i, time, years);
    if (framed) return framed;
  }
  const bare = line.slice(i); // `<189>date=… time=…` (FortiGate sends no header): the PRI is not message text
  return { header: false, rest: bare, message: bare, line };
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

/** `2026-03-16T10:15:02[.fff](Z|±hh:mm) HOST TAG: MSG`. */
function rfc3339File(line: string, i: number, time: TimeContext): SyslogLine | undefined {
  const [s, e] = token(line, i);
  if (e === -1 || e - s < 19 || line.charCodeAt(s + 10) !== 84 /* T */) return undefined;
  const stamp = line.slice(s, e);
  const ms = parseTimestamp(stamp, time);
  if (ms === undefined) return undefined;
  return hostAndTag(line, e + 1, ms, stamp);
}

/** `Mmm dd hh:mm:ss HOST …` (RFC 3164): the stamp is 15 characters, the day space-padded. */
function rfc3164(line: string, i: number, time: TimeContext, years: YearState): SyslogLine | undefined {
  const month = MONTHS.indexOf(line.slice(i, i + 3).toLowerCase()) + 1;
  if (month === 0 || line.charCodeAt(i + 3) !== 32) return undefined;
  // Day ` 6`/`06`/`16`, then `hh:mm:ss` and optional fraction: up to the next space after the clock.
  let j = i + 4;
  if (line.charCodeAt(j) === 32) j++;
  const clockStart = line.indexOf(' ', j) + 1;
  if (clockStart === 0 || clockStart - j > 3) return undefined;
  const stampEnd = line.indexOf(' ', clockStart);
  if (stampEnd === -1 || line.charCodeAt(clockStart + 2) !== 58 /* : */) return undefined;
  const stamp = line.slice(i, stampEnd);
  const ms = parseTimestamp(stamp, yearFor(month, time, years));
  // A stamp that is syslog-shaped but cannot be placed (no --year and no clock) still frames the line.
  return hostAndTag(line, stampEnd + 1, ms, stamp);
}

/** The time context for a year-less stamp of `month`: `--year`, moved on at New Year within the file. */
function yearFor(month: number, time: TimeContext, years: YearState): TimeContext {
  if (time.year === undefined) return time;
  years.year ??= time.year;
  // Months run on with the file; a jump back of more than half a year is New Year, not disorder.
  if (years.lastMonth !== undefined && month < years.lastMonth - 6) years.year++;
  years.lastMonth = month;
  return years.year === time.year ? time : { ...time, year: years.year };
}

/** `HOST [facility.severity] TAG[pid]: MSG` after the stamp. */
function hostAndTag(line: string, i: number, ms: number | undefined, stamp: string): SyslogLine | undefined {
  const [hs, he] = token(line, i);
  if (he === -1 || he === hs) return undefined;
  const host = line.slice(hs, he);
  let at = he + 1;
  // What some collectors insert after the host: `user.info`, `kern.warning`.
  const [fs, fe] = token(line, at);
  if (fe !== -1 && isFacilitySeverity(line.slice(fs, fe))) at = fe + 1;
  const rest = line.slice(at);
  const colon = rest.indexOf(': ');
  const tagText = colon > 0 && colon <= 64 && !rest.slice(0, colon).includes(' ') ? rest.slice(0, colon) : undefined;
  const app = tagText === undefined ? undefined : tagText.replace(/\[\d{1,10}\]$/, '');
  const message = tagText === undefined ? rest : rest.slice(colon + 2);
  return withOptional({ header: true, rest, message, line }, ms, stamp, host, app);
}

const FACILITIES = new Set(['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv',
  'ftp', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7']);
const SEVERITIES = new Set(['emerg', 'alert', 'crit', 'err', 'error', 'warn', 'warning', 'notice', 'info', 'debug']);

function isFacilitySeverity(text: string): boolean {
  const dot = text.indexOf('.');
  return dot > 0 && FACILITIES.has(text.slice(0, dot)) && SEVERITIES.has(text.slice(dot + 1));
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
