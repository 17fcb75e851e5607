/**
 * IBM QRadar Log Event Extended Format (LEEF), versions 1.0 and 2.0 (IBM "Log Event Extended Format (LEEF) Version 2"):
 *
 *   [syslog header] LEEF:1.0|Vendor|Product|Version|EventID|key=value<tab>key=value…
 *   [syslog header] LEEF:2.0|Vendor|Product|Version|EventID|DelimiterCharacter|key=value<delim>key=value…
 *
 * LEEF 2.0's delimiter is one character or its hex code (`^`, `x5E`, `0x09`: `x`/`0x` and 1–4 hex digits); empty or
 * left out (Check Point's Log Exporter writes a 2.0 header without it), LEEF 1.0's rule applies. LEEF 1.0 separates
 * attributes with a tab; devices that do otherwise are read too: PAN-OS's LEEF format for QRadar separates them with
 * `|` (recognised by `|key=` for a predefined key), and a line without any tab has had its tabs turned into spaces
 * (IBM's own examples, relays that normalise whitespace), so its attributes are read like a CEF extension (a key
 * starts where a space is followed by a word and `=`) and values with spaces survive. Keys hold no spaces or `=`;
 * a value may hold `=` (`url=…?a=b`).
 *
 * Event fields, from IBM's predefined attributes: srcIp `src` · dstIp `dst` · srcPort `srcPort` · dstPort `dstPort` ·
 * protocol `proto` (name or number) · bytes `totalBytes`, else `srcBytes` + `dstBytes` (both, or none) · packets
 * likewise · action `action` (not predefined, but what firewalls send), else `act`; without either, the header's
 * EventID when it is a decision word (PAN-OS puts its action there), else `cat` when it is one · device `dvchost`, else the syslog header's host (what QRadar identifies the log source by) · vendor/product
 * the LEEF header's. NAT: `srcPreNAT`, `srcPostNAT`, `dstPreNAT`, `dstPostNAT` and their ports are never the event's
 * tuple; `src`/`dst` are.
 * Time: `devTime`, read with the Java SimpleDateFormat pattern `devTimeFormat` when there is one (see
 * java-date.ts), else as IBM's default `MMM dd yyyy HH:mm:ss[.SSS] [zone]`, epoch milliseconds or ISO-8601; without
 * `devTime`, the syslog header's. A zone-less time is read in `--tz`.
 */
import { fail, skip, type ParseResult } from '../types.js';
import { FILTERED } from '../prefilter.js';
import { bothDirections, cefAction, findMarked, parseCefExtension, splitHeader, unescapeValue, WantedKeys } from './cef.js';
import { connectionEvent, headerTime } from './connection.js';
import type { SyslogLine } from './framing.js';
import { readDeviceTime, readJavaDate } from './java-date.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'leef';

/** The attributes the event needs, lower-cased: keys are matched ignoring case (IBM's own tables write `Cat`). */
const WANTED = new WantedKeys(['src', 'dst', 'srcPort', 'dstPort', 'proto', 'action', 'act', 'cat', 'devTime',
  'devTimeFormat', 'totalBytes', 'srcBytes', 'dstBytes', 'totalPackets', 'srcPackets', 'dstPackets', 'dvchost']);

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 102);
}

/**
 * LEEF 2.0's DelimiterCharacter: one character, or `x`/`0x` and 1–4 hex digits (a UTF-16 code unit); empty is the
 * tab. Undefined when it is neither, or names a letter, a digit or `=`.
 */
export function leefDelimiter(field: string): string | undefined {
  if (field.length === 0) return '\t';
  if (field.length === 1) return usable(field.charCodeAt(0)) ? field : undefined;
  const hexStart = field.startsWith('0x') || field.startsWith('0X') ? 2 : field[0] === 'x' || field[0] === 'X' ? 1 : -1;
  if (hexStart < 0) return undefined;
  const hex = field.slice(hexStart);
  if (hex.length < 1 || hex.length > 4) return undefined;
  for (let i = 0; i < hex.length; i++) if (!isHex(hex.charCodeAt(i))) return undefined;
  const code = Number.parseInt(hex, 16);
  return usable(code) ? String.fromCharCode(code) : undefined;
}

/** A delimiter that is a key character (a letter, a digit), `=` or NUL would cut keys apart: no delimiter. */
function usable(code: number): boolean {
  return !(code === 0 || code === 61 || (code >= 48 && code <= 57) || ((code | 0x20) >= 97 && (code | 0x20) <= 122));
}

/** Keys whose `<delimiter>key=` marks the boundary between two attributes, to recognise a delimiter. */
const PIVOTS = ['src=', 'dst=', 'srcPort=', 'dstPort=', 'proto=', 'devTime=', 'cat=', 'sev='];

/**
 * The attribute delimiter of a LEEF 1.0 event (or a 2.0 header without its delimiter field): the tab IBM specifies
 * when the text holds one; else `|` or `^` when one of them precedes a predefined key (PAN-OS's LEEF format for
 * QRadar separates its attributes with `|`); else a space — tabs turned into spaces — returned as `' '`.
 */
export function defaultDelimiter(text: string, from: number): string {
  if (text.includes('\t', from)) return '\t';
  for (const c of ['|', '^']) {
    if (PIVOTS.some((key) => text.includes(c + key, from))) return c;
  }
  return ' ';
}

/**
 * The attributes of a LEEF event: `key=value` pieces between delimiters, first occurrence wins; with `wanted`
 * (lower-case names) only those, matched ignoring case and stored lower-cased.
 */
export function parseLeefAttributes(text: string, from: number, delimiter: string, wanted: WantedKeys | null = null): Map<string, string> {
  const out = new Map<string, string>();
  let start = from;
  let eq = -1; // the next `=` at or after `start`, searched again only once passed: linear over the whole line
  while (start <= text.length) {
    let end = text.indexOf(delimiter, start);
    if (end === -1) end = text.length;
    if (eq !== -2 && eq < start) eq = text.indexOf('=', start);
    if (eq === -1) eq = -2; // none left
    if (eq >= 0 && eq < end) {
      const written = eq - start > 64 ? '' : text.slice(start, eq).trim();
      const key = wanted === null ? written : wanted.canonical(written);
      if (key !== undefined && key !== '' && !out.has(key)) {
        out.set(key, unescapeValue(text.slice(eq + 1, end)).trim());
      }
    }
    start = end + delimiter.length;
  }
  return out;
}

/** An attribute by its lower-case name; empty means absent. */
function get(attrs: Map<string, string>, key: string): string | undefined {
  const v = attrs.get(key);
  return v === undefined || v === '' ? undefined : v;
}

/** `devTime` with `devTimeFormat`, else in the default shapes; without `devTime`, the syslog header's time. */
function leefTime(attrs: Map<string, string>, line: SyslogLine, ctx: MessageContext): { time: number | undefined; timeText?: string } {
  const devTime = get(attrs, 'devtime');
  if (devTime === undefined) return headerTime(line);
  const format = get(attrs, 'devtimeformat');
  if (format === undefined) return { time: readDeviceTime(devTime, ctx.time), timeText: devTime };
  // The pattern first; a device that states a pattern and writes epoch milliseconds anyway is still read.
  const time = readJavaDate(devTime, format, ctx.time) ?? readDeviceTime(devTime, ctx.time);
  return { time, timeText: `${devTime} (devTimeFormat ${format})` };
}

function parseLeef(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const marked = findMarked(line, 'LEEF:');
  if (!marked) return NOT_MINE;
  const { text, at } = marked;
  const header = splitHeader(text, at + 5, 5);
  if ('found' in header) {
    return fail('MALFORMED', `LEEF header cut short: ${header.found} of its 5 pipe-separated fields (Version|Vendor|Product|Version|EventID|)`);
  }
  const [versionText, vendor, product] = header.fields as [string, string, string, string, string];
  const version = versionText.trim();
  let attrStart = header.end;
  let delimiter = '\t';
  if (version === '2.0' || version === '2') {
    const pipe = text.indexOf('|', attrStart);
    const field = pipe === -1 ? undefined : text.slice(attrStart, pipe);
    if (field !== undefined && !field.includes('=')) {
      const d = leefDelimiter(field);
      if (d === undefined) return fail('MALFORMED', `LEEF 2.0 delimiter is neither one character nor x/0x and 1-4 hex digits: ${JSON.stringify(field.slice(0, 20))}`);
      delimiter = d;
      attrStart = pipe + 1;
    } else if (field === undefined && !text.includes('=', attrStart)) {
      return fail('MALFORMED', 'LEEF 2.0 header cut short: no DelimiterCharacter field');
    }
    // else: a 2.0 header written without its delimiter field; the attributes follow, tab-separated.
  } else if (version !== '1.0' && version !== '1') {
    return fail('MALFORMED', `unsupported LEEF version ${JSON.stringify(version.slice(0, 20))} (1.0 and 2.0 are defined)`);
  }
  if (delimiter === '\t') delimiter = defaultDelimiter(text, attrStart);
  const attrs = delimiter === ' ' ? parseCefExtension(text, attrStart, WANTED) : parseLeefAttributes(text, attrStart, delimiter, WANTED);

  const src = get(attrs, 'src');
  const dst = get(attrs, 'dst');
  const dstPort = get(attrs, 'dstport');
  if (src === undefined && dst === undefined) {
    return skip('NOT_A_CONNECTION', `LEEF event without src and dst (EventID ${JSON.stringify(header.fields[4]!.slice(0, 60))})`);
  }
  if ((src === undefined || dst === undefined) && dstPort === undefined) {
    return skip('NOT_A_CONNECTION', `LEEF event with only ${src === undefined ? 'dst' : 'src'} and no dstPort (EventID ${JSON.stringify(header.fields[4]!.slice(0, 60))})`);
  }
  // One end and a port: a connection missing its other end, malformed whatever the port (the pre-filter skips only
  // well-formed records, so scan says what parse says). connectionEvent's own words.
  if (src === undefined || src === '') return fail('MISSING_FIELD', 'no source address (src)');
  if (dst === undefined || dst === '') return fail('MISSING_FIELD', 'no destination address (dst)');
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(dstPort)) return FILTERED;

  const said = get(attrs, 'action') ?? get(attrs, 'act');
  const action = said !== undefined ? cefAction(said) : cefAction(header.fields[4]) ?? cefAction(get(attrs, 'cat'));
  const when = leefTime(attrs, line, ctx);
  return connectionEvent({
    time: when.time,
    timeText: when.timeText,
    src: [src, 'src'],
    dst: [dst, 'dst'],
    srcPort: [get(attrs, 'srcport'), 'srcPort'],
    dstPort: [dstPort, 'dstPort'],
    protocol: [get(attrs, 'proto'), 'proto'],
    action,
    bytes: [get(attrs, 'totalbytes') ?? bothDirections(get(attrs, 'srcbytes'), get(attrs, 'dstbytes')), 'totalBytes'],
    packets: [get(attrs, 'totalpackets') ?? bothDirections(get(attrs, 'srcpackets'), get(attrs, 'dstpackets')), 'totalPackets'],
    device: get(attrs, 'dvchost') ?? line.host,
    vendor: vendor.trim() || 'unknown',
    product: product.trim() || 'unknown',
  }, ID, ctx);
}

export const leefFormat: MessageFormat = {
  id: ID,
  vendor: 'IBM QRadar',
  product: 'LEEF',
  description: 'Log Event Extended Format 1.0/2.0 from any device (custom delimiters, devTime/devTimeFormat), bare or after a syslog header',
  recognizedBy: 'a message starting `LEEF:<version>|` (after the syslog header, or after a short prefix)',
  sample: "<14>Mar 16 10:00:05 PA-3220-EDGE LEEF:1.0|Palo Alto Networks|PAN-OS Syslog Integration|10.2.4|deny|cat=TRAFFIC|ReceiveTime=2026/03/16 10:00:05|SerialNumber=013201001234|Type=TRAFFIC|Subtype=drop|devTime=Mar 16 2026 10:00:04 GMT|src=203.0.113.7|dst=10.20.30.40|srcPostNAT=0.0.0.0|dstPostNAT=0.0.0.0|RuleName=deny-inbound|usrName=|SourceUser=|DestinationUser=|Application=not-applicable|VirtualSystem=vsys1|SourceZone=untrust|DestinationZone=dmz|IngressInterface=ethernet1/1|EgressInterface=|LogForwardingProfile=default|SessionID=0|RepeatCount=1|srcPort=51515|dstPort=104|srcPostNATPort=0|dstPostNATPort=0|Flags=0x0|proto=tcp|action=deny|totalBytes=66|dstBytes=0|srcBytes=66|totalPackets=1|StartTime=2026/03/16 10:00:04|ElapsedTime=0|URLCategory=any|sequence=7390012|ActionFlags=0x0|SourceLocation=United States|DestinationLocation=10.0.0.0-10.255.255.255|dstPackets=0|srcPackets=1|SessionEndReason=policy-deny|DeviceName=PA-3220-EDGE|ActionSource=from-policy",
  parse: parseLeef,
};
