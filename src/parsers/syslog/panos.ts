/**
 * Palo Alto Networks PAN-OS logs as the firewall (or Panorama, or the Strata Logging Service forwarder) sends them
 * over syslog in the default CSV layout, described per log type in Palo Alto's "Syslog Field Descriptions" (PAN-OS
 * 8.1 to 11.x; the older 6.x/7.x layouts are prefixes of the same lists):
 *
 *   FUTURE_USE, Receive Time, Serial Number, Type, Threat/Content Type, FUTURE_USE, Generated Time, Source Address,
 *   Destination Address, NAT Source IP, NAT Destination IP, Rule Name, Source User, Destination User, Application,
 *   Virtual System, Source Zone, Destination Zone, Inbound Interface, Outbound Interface, Log Action, FUTURE_USE,
 *   Session ID, Repeat Count, Source Port, Destination Port, NAT Source Port, NAT Destination Port, Flags, Protocol,
 *   Action, … (type-specific)
 *
 * e.g. `<14>Mar 16 10:15:02 PA-3220 1,2026/03/16 10:15:02,013201001234,TRAFFIC,end,2561,2026/03/16 10:15:02,…`.
 *
 * Connection records are the types whose documented layout carries a session's tuple (table LAYOUTS): TRAFFIC,
 * THREAT, tunnel inspection (START/END), DECRYPTION, GTP and SCTP. Every other documented type (SYSTEM, CONFIG,
 * HIPMATCH, USERID, GLOBALPROTECT, AUTHENTICATION, …) is NOT_A_CONNECTION.
 *
 * - Source and destination are the pre-NAT addresses and ports the session was opened with (Source/Destination
 *   Address, Source/Destination Port): the side that initiated the session is the source, whatever THREAT's
 *   Direction field says about the attack. The NAT Source/Destination IP and ports are never used.
 * - Time: the High Resolution Timestamp (PAN-OS 10.0+, milliseconds and a UTC offset) when the line has one, else the
 *   Generated Time (`YYYY/MM/DD hh:mm:ss`, when the dataplane logged the session, the firewall's local time read in
 *   `--tz`). The Receive Time (when the management plane received the log) and the syslog header are not used.
 *   `1969-12-31T16:00:00…` / `1970-…` high-resolution stamps (what PAN-OS 9.1 and older managed firewalls forward)
 *   mean "none".
 * - CSV quoting: a field may be quoted (`"a,b"`, `""` for a quote); a quote inside a quoted field that is not followed
 *   by a comma is kept as text. TRAFFIC's Link Switches (SD-WAN) is written `{…,…}` without quotes: commas inside
 *   braces do not separate fields, as in Elastic's pipeline.
 * - A line cut short before the last field the event needs is MALFORMED (collector line limits cut PAN-OS 10.x lines,
 *   which run past 1 KiB, at their end; the fields read are near the start).
 * - The CSV is split on demand, without building strings: as far as the type, then the field count the layout needs
 *   (which decides MALFORMED) and the Destination Port (the pre-filter's test), and only for a line that may match as
 *   far as the high-resolution stamp and the device name.
 */
import type { Action } from '../../model/event.js';
import { EPOCH_WINDOW, parseTimestamp } from '../../time/parse.js';
import { decimalPort, FILTERED } from '../prefilter.js';
import type { ByteScanner } from '../kernel/kernel.js';
import { fail, skip, type ParseResult } from '../types.js';
import { connectionEvent } from './connection.js';
import type { SyslogLine } from './framing.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'panos';
const VENDOR = 'Palo Alto Networks';
const PRODUCT = 'PAN-OS';

/** Where a connection-bearing log type keeps what the event needs (0-based CSV field positions). */
interface Layout {
  protocol: number;
  action: number;
  bytes?: number;
  packets?: number;
  device?: number;
  highRes?: number;
  /** Fields a line must have: the last one the event reads is complete only when another field follows it. */
  minFields: number;
}

// Source/Destination Address are fields 7/8, Source/Destination Port 24/25, in every layout below.
const TRAFFIC: Layout = { protocol: 29, action: 30, bytes: 31, packets: 34, device: 52, highRes: 102, minFields: 36 };
const THREAT: Layout = { protocol: 29, action: 30, device: 59, highRes: 107, minFields: 32 };
const TUNNEL: Layout = { protocol: 29, action: 30, bytes: 47, packets: 50, device: 41, highRes: 71, minFields: 52 };
const LAYOUTS: ReadonlyMap<string, Layout> = new Map([
  ['TRAFFIC', TRAFFIC],
  ['THREAT', THREAT],
  ['START', TUNNEL], // tunnel inspection logs, one per tunnel session start/end
  ['END', TUNNEL],
  ['DECRYPTION', { protocol: 29, action: 30, device: 96, highRes: 72, minFields: 32 }],
  ['GTP', { protocol: 29, action: 30, highRes: 83, minFields: 32 }],
  ['SCTP', { protocol: 30, action: 31, packets: 60, device: 37, highRes: 64, minFields: 62 }],
]);

/** Documented log types that record no connection. */
const NOT_CONNECTIONS: ReadonlySet<string> = new Set([
  'SYSTEM', 'CONFIG', 'HIPMATCH', 'HIP-MATCH', 'USERID', 'GLOBALPROTECT', 'AUTHENTICATION', 'CORRELATION', 'IPTAG',
  'AUDIT',
]);

const SRC = 7;
const DST = 8;
const SRC_PORT = 24;
const DST_PORT = 25;
const GENERATED = 6;
const TYPE = 3;

/**
 * PAN-OS action words that normalizeAction does not know (threat and URL filtering verdicts). `alert` logs the threat
 * and lets the session through; `block-ip` and `random-drop` discard packets silently. `sinkhole`, `continue`,
 * `override` and `syncookie-sent` state no decision about the session: absent.
 */
const ACTIONS: ReadonlyMap<string, Action> = new Map([
  ['alert', 'allow'],
  ['block', 'deny'], ['block-url', 'deny'], ['block-continue', 'deny'], ['block-override', 'deny'], ['override-lockout', 'deny'],
  ['block-ip', 'drop'], ['random-drop', 'drop'],
]);

const C_COMMA = 44;
const C_QUOTE = 34;
const C_BRACE = 123;
const C_SPACE = 32;

/** Fields split at most: 107 (THREAT's High Resolution Timestamp) is the highest position read. */
const MAX_FIELDS = 109;
/** [start, end) of each field of the line being parsed (parse is synchronous: one buffer serves every call). */
const bounds = new Int32Array(MAX_FIELDS * 2);
/** Per field: QUOTED (inside quotes, `""` may need unescaping). */
const flags = new Uint8Array(MAX_FIELDS);
const QUOTED = 1;

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `YYYY/MM/DD hh:mm:ss` at `i` (the shape only; the values are checked when read). */
function isPanDate(t: string, i: number): boolean {
  if (i < 0 || i + 19 > t.length) return false;
  for (let k = 0; k < 19; k++) {
    const c = t.charCodeAt(i + k);
    const want = k === 4 || k === 7 ? 47 /* / */ : k === 10 ? C_SPACE : k === 13 || k === 16 ? 58 /* : */ : -1;
    if (want === -1 ? !isDigit(c) : c !== want) return false;
  }
  return true;
}

const ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12];

/** `YYYY-MM-DDThh:mm…` at `i`, up to the next comma (Strata Logging Service writes ISO receive/generated times). */
function isoDateEnd(t: string, i: number): number {
  if (i + 16 > t.length || t.charCodeAt(i + 4) !== 45 || t.charCodeAt(i + 10) !== 84 /* T */) return -1;
  for (const k of ISO_DIGITS) if (!isDigit(t.charCodeAt(i + k))) return -1;
  const end = t.indexOf(',', i);
  return end === -1 || end - i > 40 ? -1 : end;
}

/** End of the receive time that starts at `i` (a PAN date or an ISO stamp) when a comma follows it; else -1. */
function dateEnd(t: string, i: number): number {
  if (isPanDate(t, i)) return i + 19;
  return isoDateEnd(t, i);
}

/**
 * Where the CSV starts in `text`, and the position of its first field: 0 when the line starts with the FUTURE_USE
 * field (`1,2026/03/16 10:15:02,…`), 1 when a sender dropped it and the line starts with the Receive Time.
 */
function locate(text: string): { start: number; base: number } | undefined {
  const comma = text.indexOf(',');
  if (comma === -1) return undefined;
  const end = dateEnd(text, comma + 1);
  if (end !== -1 && text.charCodeAt(end) === C_COMMA) {
    // FUTURE_USE (`1`), preceded by whatever header the collector wrote
    return { start: text.lastIndexOf(' ', comma) + 1, base: 0 };
  }
  if (comma >= 19 && isPanDate(text, comma - 19)) return { start: comma - 19, base: 1 };
  const space = text.lastIndexOf(' ', comma) + 1;
  if (isoDateEnd(text, space) === comma) return { start: space, base: 1 };
  return undefined;
}

/**
 * The CSV of the line being parsed, split on demand: splitTo(k) finds the bounds of fields up to position k (fewer
 * when the line ends first), so a line the pre-filter rejects is split only as far as its Destination Port and field
 * count need. No strings are built.
 */
let sText = '';
let sPos = 0;
let sCount = 0;
let sDone = true;
/** The next `{` at or after sPos (-1: none left, or braces no longer protect anything on this line). */
let sBrace = -1;

function startSplit(t: string, from: number, base: number): void {
  sText = t;
  sPos = from;
  sCount = 0;
  sDone = false;
  sBrace = t.indexOf('{', from);
  for (; sCount < base; sCount++) {
    bounds[2 * sCount] = from;
    bounds[2 * sCount + 1] = from;
    flags[sCount] = 0;
  }
}

/** Split up to field `k` (at most MAX_FIELDS - 1); returns the number of fields found so far (all of them once done). */
function splitTo(k: number): number {
  const t = sText;
  const len = t.length;
  const last = Math.min(k, MAX_FIELDS - 1);
  while (!sDone && sCount <= last) {
    const n = sCount++;
    let i = sPos;
    if (t.charCodeAt(i) === C_QUOTE) {
      let j = i + 1;
      let close = -1;
      while (j < len) {
        const q = t.indexOf('"', j);
        if (q === -1) break;
        const next = t.charCodeAt(q + 1);
        if (next === C_QUOTE) j = q + 2; // "" is a quote
        else if (q + 1 === len || next === C_COMMA) {
          close = q;
          break;
        } else j = q + 1; // a stray quote inside the value: text
      }
      flags[n] = QUOTED;
      bounds[2 * n] = i + 1;
      // never closed: the line was cut inside this field, which runs to its end
      bounds[2 * n + 1] = close === -1 ? len : close;
      i = close === -1 ? len : close + 1;
    } else {
      const comma = t.indexOf(',', i);
      let end = comma === -1 ? len : comma;
      if (sBrace !== -1 && sBrace < i) sBrace = t.indexOf('{', i);
      if (sBrace !== -1 && sBrace < end) {
        const closed = bracedEnd(t, i);
        // Braces that never close protect nothing, here or further on (and are not searched again).
        if (closed === -1) sBrace = -1;
        else end = closed;
      }
      flags[n] = 0;
      bounds[2 * n] = i;
      bounds[2 * n + 1] = end;
      i = end;
    }
    // i is at the comma after the field, or at the end of the line
    if (i >= len) sDone = true;
    else if (i + 1 === len) {
      // a trailing comma: one more, empty field
      if (sCount < MAX_FIELDS) {
        bounds[2 * sCount] = len;
        bounds[2 * sCount + 1] = len;
        flags[sCount] = 0;
        sCount++;
      }
      sDone = true;
    } else sPos = i + 1;
    if (sCount >= MAX_FIELDS) sDone = true;
  }
  return sCount;
}

/** End of an unquoted field from `i` whose commas inside `{…}` are not separators; -1 if its braces never close. */
function bracedEnd(t: string, i: number): number {
  let depth = 0;
  for (let k = i; k < t.length; k++) {
    const c = t.charCodeAt(k);
    if (c === C_BRACE) depth++;
    else if (c === 125 /* } */ && depth > 0) depth--;
    else if (c === C_COMMA && depth === 0) return k;
  }
  return depth === 0 ? t.length : -1;
}

/** Field `k` as text (unquoted, `""` → `"`), surrounding spaces removed. */
function field(t: string, k: number): string {
  const s = bounds[2 * k]!;
  const e = bounds[2 * k + 1]!;
  const raw = t.slice(s, e);
  const value = flags[k] === QUOTED && raw.includes('""') ? raw.replaceAll('""', '"') : raw;
  return value.trim();
}

/** The high-resolution stamp when it is a whole ISO stamp with its zone (not a cut one) after 1990; else undefined. */
function highResolution(text: string, ctx: MessageContext): number | undefined {
  if (text.length < 20 || text.length > 40 || text.charCodeAt(10) !== 84 /* T */) return undefined;
  const zoned = text.endsWith('Z') || (text.length >= 26 && (text.charCodeAt(text.length - 6) === 43 || text.charCodeAt(text.length - 6) === 45)
    && text.charCodeAt(text.length - 3) === 58);
  if (!zoned) return undefined;
  const ms = parseTimestamp(text, ctx.time);
  return ms !== undefined && ms >= EPOCH_WINDOW.start ? ms : undefined;
}

/**
 * The text holding the CSV: the message; else, when an RFC 3164 header had no host and the CSV's first field was taken
 * for it (`Mar 16 10:15:02 1,2026/03/16 10:15:02,…`), that field and the rest; else the text after the header with a
 * tag the framing took for one.
 */
function candidate(line: SyslogLine, k: number): string | undefined {
  if (k === 0) return line.message;
  if (k === 1) return line.host !== undefined && line.host.includes(',') ? `${line.host} ${line.rest}` : undefined;
  return line.rest !== line.message ? line.rest : undefined;
}

/** Whether `text` could be a log type cut short (a prefix of a known type name). */
function isTypePrefix(text: string): boolean {
  if (text === '') return true;
  for (const name of [...LAYOUTS.keys(), ...NOT_CONNECTIONS]) if (name.startsWith(text)) return true;
  return false;
}

function parsePanos(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  let text: string | undefined;
  let head: { start: number; base: number } | undefined;
  for (let k = 0; k < 3 && !head; k++) {
    text = candidate(line, k);
    if (text !== undefined) head = locate(text);
  }
  if (!head || text === undefined) return NOT_MINE;
  startSplit(text, head.start, head.base);
  let n = splitTo(TYPE + 1);
  const typeText = n > TYPE ? field(text, TYPE) : '';
  const layout = LAYOUTS.get(typeText);
  if (!layout) {
    if (NOT_CONNECTIONS.has(typeText)) return skip('NOT_A_CONNECTION', `PAN-OS ${typeText} log: not a connection`);
    // The variant Elastic also reads (`SERIAL,YYYY/MM/DD hh:mm:ss,audit,…`): the type is the third field.
    const third = n > 2 ? field(text, 2).toUpperCase() : '';
    if (NOT_CONNECTIONS.has(third)) return skip('NOT_A_CONNECTION', `PAN-OS ${third} log: not a connection`);
    if (n <= TYPE + 1 && isTypePrefix(typeText)) return fail('MALFORMED', 'PAN-OS log cut short before its type');
    return NOT_MINE;
  }
  n = splitTo(layout.minFields - 1);
  if (n < layout.minFields) {
    return fail('MALFORMED', `PAN-OS ${typeText} log cut short: ${n} fields, at least ${layout.minFields} expected`);
  }
  const dstPort = field(text, DST_PORT);
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(dstPort)) return FILTERED;

  // The last field may be cut: only a high-resolution stamp that is whole is used, and a device name followed by more.
  n = splitTo(Math.max(layout.highRes ?? 0, (layout.device ?? 0) + 1));
  const high = layout.highRes !== undefined && layout.highRes < n ? highResolution(field(text, layout.highRes), ctx) : undefined;
  const generated = field(text, GENERATED);
  const time = high ?? parseTimestamp(generated, ctx.time);
  const actionWord = field(text, layout.action);
  const device = layout.device !== undefined && layout.device < n - 1 ? field(text, layout.device) : '';
  return connectionEvent({
    time,
    timeText: generated,
    src: [field(text, SRC), 'Source Address'],
    dst: [field(text, DST), 'Destination Address'],
    srcPort: [field(text, SRC_PORT), 'Source Port'],
    dstPort: [dstPort, 'Destination Port'],
    protocol: [field(text, layout.protocol), 'Protocol'],
    action: ACTIONS.get(actionWord.toLowerCase()) ?? actionWord,
    bytes: layout.bytes === undefined ? undefined : [field(text, layout.bytes), 'Bytes'],
    packets: layout.packets === undefined ? undefined : [field(text, layout.packets), 'Packets'],
    device: device !== '' ? device : hostOf(line),
    vendor: VENDOR,
    product: PRODUCT,
  }, ID, ctx);
}

/** The connection log types as bytes, with the fields each needs. */
const LAYOUT_BYTES: readonly (readonly [Buffer, number])[] = [...LAYOUTS].map(([name, l]) => [Buffer.from(name, 'latin1'), l.minFields] as const);
/** The most commas filteredOnBytes looks at: up to the one that ends the last field any layout needs. */
const LAST_COMMA_READ = Math.max(DST_PORT + 1, ...LAYOUT_BYTES.map(([, minFields]) => minFields - 1));

/**
 * parsePanos' FILTERED on bytes: the message starts with the CSV (`1,YYYY/MM/DD hh:mm:ss,…`, what `locate` finds
 * first), its type is a connection layout written as such, it has the fields that layout needs, and its Destination
 * Port is a valid port no rule wants — the fields as far as the last one needed being plain (no quote, no brace:
 * then a comma always separates). Anything else is left to the text path.
 */
function filteredOnBytes(buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>, _lineStart: number, scanner: ByteScanner | undefined): boolean {
  // the commas, and the first quote or brace (a quote or brace anywhere before the decision leaves it to the text)
  if (scanner === undefined) return false;
  const commas = scanner.scan(buf, start, end, C_COMMA, C_QUOTE, C_BRACE, 0, LAST_COMMA_READ);
  if (commas < DST_PORT + 1) return false;
  const first = scanner.at(0);
  // the date field right after the first comma: 19 bytes
  if (scanner.at(1) !== first + 20 || !isPanDateAt(buf, first + 1)) return false;
  // field k (0-based) runs from comma k - 1 to comma k
  const need = minFieldsOf(buf, scanner.at(TYPE - 1) + 1, scanner.at(TYPE));
  if (need === -1) return false;
  // n commas make n + 1 fields (after a trailing comma, an empty one): decided at comma max(need - 1, DST_PORT + 1)
  const last = Math.max(need - 1, DST_PORT + 1);
  if (commas < last) return false;
  const stop = scanner.stop();
  if (stop !== -1 && stop < scanner.at(last - 1)) return false;
  const port = decimalPort(buf, scanner.at(DST_PORT - 1) + 1, scanner.at(DST_PORT));
  return port !== -1 && !dstPorts.has(port);
}

function isPanDateAt(buf: Buffer, i: number): boolean {
  for (let k = 0; k < 19; k++) {
    const c = buf[i + k]!;
    const want = k === 4 || k === 7 ? 47 /* / */ : k === 10 ? C_SPACE : k === 13 || k === 16 ? 58 /* : */ : -1;
    if (want === -1 ? !isDigit(c) : c !== want) return false;
  }
  return true;
}

/** The fields the connection layout named by buf[s, e) needs, or -1 (not one written as such). */
function minFieldsOf(buf: Buffer, s: number, e: number): number {
  for (const [name, minFields] of LAYOUT_BYTES) {
    if (name.length !== e - s) continue;
    let k = 0;
    while (k < name.length && buf[s + k] === name[k]) k++;
    if (k === name.length) return minFields;
  }
  return -1;
}

/** The syslog header's host, unless the header had none and the CSV's first field was taken for it. */
function hostOf(line: SyslogLine): string | undefined {
  return line.host !== undefined && !line.host.includes(',') ? line.host : undefined;
}

export const panosFormat: MessageFormat = {
  id: ID,
  vendor: VENDOR,
  product: PRODUCT,
  description: 'CSV logs over syslog: TRAFFIC, THREAT, tunnel inspection, DECRYPTION, GTP, SCTP (PAN-OS 6.x-11.x layouts; firewall, Panorama, Strata Logging Service)',
  recognizedBy: 'a PAN-OS CSV record: FUTURE_USE,YYYY/MM/DD hh:mm:ss,serial,TYPE,… (the receive time after the first comma)',
  sample: "<14>Mar 16 11:15:02 pa-edge-01 1,2026/03/16 11:15:02,013201004321,TRAFFIC,end,2561,2026/03/16 11:15:01,198.51.100.23,203.0.113.10,0.0.0.0,10.20.1.15,inbound-pacs,,,dicom,vsys1,untrust,dmz,ethernet1/1,ethernet1/3,fwd-siem,2026/03/16 11:15:01,88231,1,51515,104,0,104,0x400053,tcp,allow,52240,1840,50400,64,2026/03/16 11:14:32,29,any,,7100000000000001,0x0,United States,10.0.0.0-10.255.255.255,,30,34,tcp-fin,0,0,0,0,,pa-edge-01,from-policy,,,0,,0,,N/A,0,0,0,0,b9d4a1c2-3e5f-4a6b-8c7d-0e1f2a3b4c5d,0,0,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,2026-03-16T11:15:01.482+01:00,,,health-care,business-systems,client-server,1,,,no,no,no,0",
  parse: parsePanos,
  filteredOnBytes,
  filteredLines(scanner, buf, start, end, lines, taken) {
    // the first line's type (its fields up to it are the CSV's when the prefix is the first line's): the kernel
    // settles the lines of that type that filteredOnBytes would, and stops at any other
    let comma = start + lines.prefix.messageAt - 1;
    const lineEnd = buf.indexOf(10, start);
    for (let k = 0; k < TYPE && comma !== -1; k++) comma = buf.indexOf(C_COMMA, comma + 1);
    const typeEnd = comma === -1 ? -1 : buf.indexOf(C_COMMA, comma + 1);
    if (typeEnd === -1 || typeEnd >= lineEnd) return 0;
    const need = minFieldsOf(buf, comma + 1, typeEnd);
    if (need === -1) return 0;
    const type = buf.subarray(comma + 1, typeEnd);
    return scanner.took(scanner.panos(buf, start, end, lines.prefix, lines.maxLine, lines.ports, type, TYPE, DST_PORT, Math.max(need - 1, DST_PORT + 1)), taken);
  },
};
