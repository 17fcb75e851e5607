/**
 * ArcSight Common Event Format (CEF), as devices send it to ArcSight, to Microsoft Sentinel's CEF connector (the
 * CommonSecurityLog table) and to any syslog collector (Micro Focus "Implementing ArcSight CEF", v25/v26):
 *
 *   [syslog header] CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
 *
 * Header fields escape `|` and `\` as `\|` and `\\`. The extension is `key=value` pairs separated by single spaces;
 * values may hold spaces and escape `=`, `\`, newlines as `\=`, `\\`, `\n`, `\r`. A key therefore starts where a space
 * is followed by a word and `=` (Elastic's decode_cef reads the same; the shared kv.ts tokenizer would split a value
 * at its first space, so CEF has its own). Keys are the CEF short names (`src`, `dpt`…); the dictionary's full names
 * (`sourceAddress`, `destinationPort`…), which some devices write, are read too.
 *
 * Event fields, as Sentinel maps them to CommonSecurityLog columns:
 *   srcIp `src` (SourceIP) · dstIp `dst` (DestinationIP) · srcPort `spt` · dstPort `dpt` · protocol `proto` ·
 *   action `act` (DeviceAction) · bytes `in` + `out` (ReceivedBytes + SentBytes; one direction alone is no total) ·
 *   device `dvchost` (DeviceName), else the syslog header's host (Computer), else `deviceExternalId`, else `dvc` ·
 *   vendor/product the header's Device Vendor/Device Product.
 * IPv6 connections may carry their addresses only in the custom slots `c6a1`…`c6a4`: the slot whose label
 * (`c6a2Label=Source IPv6 Address`, `c6a3Label=Destination IPv6 Address`, as Check Point and Palo Alto write them)
 * says so is the source or destination; an unlabelled slot is never guessed.
 * NAT: `sourceTranslatedAddress`/`destinationTranslatedAddress` (and their ports) are the translated tuple and never
 * the event's; `src`/`dst` are the real one, as in Elastic's decode_cef (`source.nat.ip`) and Sentinel.
 * Time: `rt` (deviceReceiptTime, when the device logged the event), else `start`, else FortiGate's `FTNTFGTeventtime`
 * (FortiOS puts its epoch `eventtime` there and writes no `rt`; its syslog header is local time without a zone), else
 * the syslog header. `rt` is epoch milliseconds or `MMM dd [yyyy] HH:mm:ss[.SSS] [zone]`; a zone-less stamp is read
 * in the message's `dtz` (deviceTimeZone) when it names one, else in `--tz`. A stamp that is there but cannot be read
 * is BAD_TIME, never replaced by the header's.
 */
import { normalizeAction } from '../../model/action.js';
import type { Action } from '../../model/event.js';
import { decimalPort, FILTERED } from '../prefilter.js';
import { fail, skip, type ParseResult } from '../types.js';
import { connectionEvent, headerTime } from './connection.js';
import type { SyslogLine } from './framing.js';
import { readDeviceTime, resolveZone } from './java-date.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';
import { ByteScanner } from '../kernel/kernel.js';

const ID = 'cef';

/** How far into the text after the syslog header a `CEF:` (or `LEEF:`) that follows some other prefix is looked for. */
const MARKER_SEARCH = 256;

const SPACE = 32;
const BACKSLASH = 92;
const PIPE = 124;

/** Where a vendor message marked `CEF:`/`LEEF:` starts in a line: the text holding it and the marker's index. */
export interface Marked {
  text: string;
  at: number;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** A version digit after the marker (spaces allowed: Fortinet's documentation shows `CEF: 0|`). */
function versionFollows(text: string, i: number): boolean {
  while (text.charCodeAt(i) === SPACE) i++;
  return isDigit(text.charCodeAt(i));
}

/** What may follow a marker at the start of a message: a version, or at least a pipe soon (`CEF:x|…` is broken CEF). */
function headerFollows(text: string, i: number): boolean {
  if (versionFollows(text, i)) return true;
  const pipe = text.indexOf('|', i);
  return pipe !== -1 && pipe - i <= 8;
}

/**
 * The message marked `mark` (`CEF:`, `LEEF:`) in a syslog line: at the start of the message or of the text after the
 * header (`host CEF:0|…` where the framing took nothing for a tag) when a version or a pipe follows, or after a space
 * (or a BOM) within the first MARKER_SEARCH characters of it when a version digit follows (`host 10.1.2.3 CEF:0|…`, as
 * some relays write). Undefined otherwise (`app: CEF: connector restarted` is not CEF): two `startsWith` and one
 * bounded search, cheap for the lines of other vendors.
 */
export function findMarked(line: SyslogLine, mark: string): Marked | undefined {
  const m = line.message;
  if (m.startsWith(mark) && headerFollows(m, mark.length)) return { text: m, at: 0 };
  const r = line.rest;
  if (r !== m && r.startsWith(mark) && headerFollows(r, mark.length)) return { text: r, at: 0 };
  const head = r.length > MARKER_SEARCH ? r.slice(0, MARKER_SEARCH) : r;
  for (let i = head.indexOf(mark, 1); i > 0; i = head.indexOf(mark, i + 1)) {
    const before = head.charCodeAt(i - 1);
    if ((before === SPACE || before === 0xfeff) && versionFollows(r, i + mark.length)) return { text: r, at: i };
  }
  return undefined;
}

/**
 * `count` pipe-separated header fields of `text` from index `from`, `\|` and `\\` unescaped (any other backslash is
 * kept), and the index after the last of those pipes; or how many complete fields there were before the text ended.
 */
export function splitHeader(text: string, from: number, count: number): { fields: string[]; end: number } | { found: number } {
  const fields: string[] = [];
  let start = from;
  let escaped = '';
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      const next = text.charCodeAt(i + 1);
      if (next === PIPE || next === BACKSLASH) {
        escaped += text.slice(start, i) + text[i + 1];
        start = i + 2;
        i++;
      }
      continue;
    }
    if (c !== PIPE) continue;
    fields.push(escaped + text.slice(start, i));
    escaped = '';
    start = i + 1;
    if (fields.length === count) return { fields, end: i + 1 };
  }
  return { found: fields.length };
}

function isKeyStart(c: number): boolean {
  return isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // alnum, _
}

/** Key characters: the CEF standard's alphanumerics, plus `_ . , [ ]` that devices use (as Elastic's decode_cef). */
function isKeyChar(c: number): boolean {
  return isKeyStart(c) || c === 46 || c === 44 || c === 91 || c === 93;
}

/** `\=`, `\\`, `\n`, `\r` (and a stray `\|`) unescaped; any other backslash is kept as written. */
export function unescapeValue(raw: string): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  let start = 0;
  for (let i = 0; i < raw.length - 1; i++) {
    if (raw.charCodeAt(i) !== BACKSLASH) continue;
    const next = raw[i + 1]!;
    const replacement = next === '=' || next === '\\' || next === '|' ? next : next === 'n' ? '\n' : next === 'r' ? '\r' : undefined;
    if (replacement === undefined) continue;
    out += raw.slice(start, i) + replacement;
    start = i + 2;
    i++;
  }
  return out + raw.slice(start);
}

function trimValue(value: string): string {
  let s = 0;
  let e = value.length;
  while (s < e && isBlank(value.charCodeAt(s))) s++;
  while (e > s && isBlank(value.charCodeAt(e - 1))) e--;
  return s === 0 && e === value.length ? value : value.slice(s, e);
}

function isBlank(c: number): boolean {
  return c === SPACE || c === 9 || c === 10 || c === 13;
}

/** ASCII upper-case letters folded to lower case; any other character code unchanged. */
function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/**
 * The hash WantedKeys and the tokenizers compute over a key's characters, folded to lower case, last character first
 * (the CEF tokenizer meets a key's characters going back from its `=`, and hashes them in that one pass).
 */
function hashStep(h: number, c: number): number {
  return (Math.imul(h, 31) + fold(c)) | 0;
}

/** The hash of text[start, end) (hashStep from the last character to the first). */
function keyHash(text: string, start: number, end: number): number {
  let h = 0;
  for (let i = end - 1; i >= start; i--) h = hashStep(h, text.charCodeAt(i));
  return h;
}

/** 1 at the character codes isKeyChar accepts (a table: the tokenizer tests every key character of a line). */
const KEY_CHARS = new Uint8Array(128).map((_, c) => (isKeyChar(c) ? 1 : 0));

/**
 * The keys a parser wants from key=value text, matched ignoring case and named in lower case. The tokenizers hash a
 * key's characters as they pass over them, so a key nobody wants costs no string and no lookup beyond one Map probe.
 */
export class WantedKeys {
  private readonly byHash = new Map<number, string[]>();

  constructor(names: Iterable<string>) {
    for (const name of names) {
      const lower = name.toLowerCase();
      const h = keyHash(lower, 0, lower.length);
      const list = this.byHash.get(h);
      if (!list) this.byHash.set(h, [lower]);
      else if (!list.includes(lower)) list.push(lower);
    }
  }

  /** The wanted name (lower case) of the key text[start, end) whose hash is `h`, or undefined. */
  match(text: string, start: number, end: number, h: number): string | undefined {
    const candidates = this.byHash.get(h);
    if (candidates === undefined) return undefined;
    for (const name of candidates) {
      if (name.length !== end - start) continue;
      let i = 0;
      while (i < name.length && fold(text.charCodeAt(start + i)) === name.charCodeAt(i)) i++;
      if (i === name.length) return name;
    }
    return undefined;
  }

  /** The wanted name of `key`, or undefined. */
  canonical(key: string): string | undefined {
    return this.match(key, 0, key.length, keyHash(key, 0, key.length));
  }
}

/**
 * The `key=value` pairs of a CEF extension (from index `from` of `text`), unescaped and trimmed; the first occurrence
 * of a key wins. With `wanted`, only those keys are kept, matched ignoring case and named in lower case (Elastic's
 * decode_cef matches the dictionary's keys ignoring case too); without it, every key as written. One linear pass: a
 * key starts at the start of the extension or after a space, is a run of key characters, and ends at an unescaped
 * `=`; the value before it ends at that space. An `=` that does not end such a word (`id==old_id`, `a <=b`) belongs
 * to the value, where Elastic's decode_cef would drop the value; text before the first key is ignored.
 */
export function parseCefExtension(text: string, from = 0, wanted: WantedKeys | ReadonlySet<string> | null = null): Map<string, string> {
  const keys = wanted === null || wanted instanceof WantedKeys ? wanted : new WantedKeys(wanted);
  const out = new Map<string, string>();
  const n = text.length;
  // Driven by the `=` signs (found by the engine's own search, a few dozen in a line of hundreds of characters):
  // each is a key's end when it is not escaped and the run of key characters before it starts the extension or
  // follows an unescaped space; a key's value runs to the space before the next key.
  let key: string | undefined; // the current key's name, undefined when it is not wanted
  let valueStart = -1;
  for (let eq = text.indexOf('=', from); eq !== -1; eq = text.indexOf('=', eq + 1)) {
    if (escapedAt(text, eq, from)) continue;
    // back over the key's characters, hashing them on the way (keyHash's order); codes past 127 are no key's
    let start = eq;
    let h = 0;
    for (let c = 0; start > from && KEY_CHARS[(c = text.charCodeAt(start - 1))] === 1; start--) h = hashStep(h, c);
    if (start === eq || !isKeyStart(text.charCodeAt(start))) continue;
    if (start > from && (text.charCodeAt(start - 1) !== SPACE || escapedAt(text, start - 1, from))) continue;
    if (valueStart >= 0 && key !== undefined && !out.has(key)) out.set(key, trimValue(unescapeValue(text.slice(valueStart, start - 1))));
    key = keys === null ? text.slice(start, eq) : keys.match(text, start, eq, h);
    valueStart = eq + 1;
  }
  if (valueStart >= 0 && key !== undefined && !out.has(key)) out.set(key, trimValue(unescapeValue(text.slice(valueStart, n))));
  return out;
}

/** Whether the character at `i` is escaped: an odd run of backslashes (from `from` on) right before it. */
function escapedAt(text: string, i: number, from: number): boolean {
  let k = i - 1;
  while (k >= from && text.charCodeAt(k) === BACKSLASH) k--;
  return (i - 1 - k) % 2 === 1;
}

/** The extension keys the event needs: CEF short names and the dictionary's full names. */
const SHORT_TO_FULL: Readonly<Record<string, string>> = {
  src: 'sourceAddress', dst: 'destinationAddress', spt: 'sourcePort', dpt: 'destinationPort', proto: 'transportProtocol',
  act: 'deviceAction', rt: 'deviceReceiptTime', start: 'startTime', dvchost: 'deviceHostName', dvc: 'deviceAddress',
  deviceExternalId: 'deviceExternalId', in: 'bytesIn', out: 'bytesOut', dtz: 'deviceTimeZone',
  c6a1: 'deviceCustomIPv6Address1', c6a2: 'deviceCustomIPv6Address2', c6a3: 'deviceCustomIPv6Address3',
  c6a4: 'deviceCustomIPv6Address4', c6a1Label: 'deviceCustomIPv6Address1Label',
  c6a2Label: 'deviceCustomIPv6Address2Label', c6a3Label: 'deviceCustomIPv6Address3Label',
  c6a4Label: 'deviceCustomIPv6Address4Label',
};

/** FortiGate's own epoch timestamp (`eventtime`, s/ms/µs/ns by FortiOS version), which its CEF carries instead of `rt`. */
const FORTIGATE_EVENTTIME = 'ftntfgteventtime';

const WANTED = new WantedKeys([...Object.keys(SHORT_TO_FULL), ...Object.values(SHORT_TO_FULL), FORTIGATE_EVENTTIME]);

/** Short name → the lower-case names the tokenizer gives it and its full name. */
const LOWER = new Map(Object.entries(SHORT_TO_FULL).map(([short, full]) => [short, [short.toLowerCase(), full.toLowerCase()] as const]));

/** A value by its short name, else its full name; empty means absent. */
function get(ext: Map<string, string>, short: string): string | undefined {
  const [s, f] = LOWER.get(short)!;
  const v = ext.get(s);
  if (v !== undefined && v !== '') return v;
  const full = ext.get(f);
  return full === undefined || full === '' ? undefined : full;
}

/** The custom IPv6 slot labelled `label` (case-insensitive): its value and its key, for error messages. */
function labelledIpv6(ext: Map<string, string>, label: string): [string, string] | undefined {
  for (const n of [1, 2, 3, 4]) {
    const l = get(ext, `c6a${n}Label`);
    if (l === undefined || l.toLowerCase() !== label) continue;
    const v = get(ext, `c6a${n}`);
    if (v !== undefined) return [v, `c6a${n}`];
  }
  return undefined;
}

/** Decisions some CEF devices write in `act` that the shared vocabulary does not hold (Forcepoint NGFW `Refuse`/`Discard`). */
const CEF_ACTIONS: Readonly<Record<string, Action>> = { refuse: 'deny', refused: 'deny', discard: 'drop', discarded: 'drop' };

export function cefAction(word: string | undefined): Action | undefined {
  if (word === undefined) return undefined;
  return normalizeAction(word) ?? CEF_ACTIONS[word.trim().toLowerCase()];
}

const COUNT = /^\d{1,15}$/;

/**
 * A total from the two directions' counters (`in` + `out`): absent unless both are there, since one direction alone is
 * not a total; an unusable counter is handed on as written so the event reports it.
 */
export function bothDirections(a: string | undefined, b: string | undefined): string | number | undefined {
  if (a === undefined || b === undefined) return undefined;
  if (!COUNT.test(a)) return a;
  if (!COUNT.test(b)) return b;
  return Number(a) + Number(b);
}

/** Never a zone: a stamp that needs the zone of an unreadable `dtz` is BAD_TIME rather than read in `--tz`. */
const UNKNOWN_ZONE = '?';

/** The device's time for the event: `stamp` (`rt`, else `start`) read with `dtz`, else the syslog header's. */
export function deviceTime(
  stamp: string | undefined, dtz: string | undefined, line: SyslogLine, ctx: MessageContext,
): { time: number | undefined; timeText?: string } {
  if (stamp === undefined) return headerTime(line);
  const zone = dtz === undefined ? undefined : resolveZone(dtz) ?? UNKNOWN_ZONE;
  const time = readDeviceTime(stamp, ctx.time, zone);
  return { time, timeText: zone === UNKNOWN_ZONE ? `${stamp} (dtz ${dtz})` : stamp };
}

function parseCef(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const marked = findMarked(line, 'CEF:');
  if (!marked) return NOT_MINE;
  const { text, at } = marked;
  // `CEF:Version|` and six more header fields, the last (Severity) closed by the pipe the extension follows.
  const header = splitHeader(text, at + 4, 7);
  if ('found' in header) {
    return fail('MALFORMED', `CEF header cut short: ${header.found} of its 7 pipe-separated fields (Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|)`);
  }
  const [version, vendor, product, , , name] = header.fields as [string, string, string, string, string, string, string];
  if (!/^ ?\d{1,3}(\.\d{1,3})?$/.test(version)) return fail('MALFORMED', `CEF version is not a number: ${JSON.stringify(version.slice(0, 20))}`);
  const ext = parseCefExtension(text, header.end, WANTED);

  const srcText = get(ext, 'src');
  const dstText = get(ext, 'dst');
  const src6 = srcText === undefined ? labelledIpv6(ext, 'source ipv6 address') : undefined;
  const dst6 = dstText === undefined ? labelledIpv6(ext, 'destination ipv6 address') : undefined;
  const src: [string | undefined, string] = srcText !== undefined ? [srcText, 'src'] : src6 ?? [undefined, 'src'];
  const dst: [string | undefined, string] = dstText !== undefined ? [dstText, 'dst'] : dst6 ?? [undefined, 'dst'];
  const dpt = get(ext, 'dpt');
  // Authentication, malware, system events: CEF carries every kind of event, most without a connection's two ends.
  if (src[0] === undefined && dst[0] === undefined) {
    return skip('NOT_A_CONNECTION', `CEF event without source and destination address (${JSON.stringify(name.slice(0, 60))})`);
  }
  if ((src[0] === undefined || dst[0] === undefined) && dpt === undefined) {
    return skip('NOT_A_CONNECTION', `CEF event with only a ${src[0] === undefined ? 'destination' : 'source'} address and no destination port (${JSON.stringify(name.slice(0, 60))})`);
  }
  // One end and a port: a connection missing its other end, malformed whatever the port (the pre-filter skips only
  // well-formed records, so scan says what parse says). connectionEvent's own words.
  if (src[0] === undefined) return fail('MISSING_FIELD', `no source address (${src[1]})`);
  if (dst[0] === undefined) return fail('MISSING_FIELD', `no destination address (${dst[1]})`);
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(dpt)) return FILTERED;

  const when = deviceTime(get(ext, 'rt') ?? get(ext, 'start') ?? (ext.get(FORTIGATE_EVENTTIME) || undefined), get(ext, 'dtz'), line, ctx);
  return connectionEvent({
    time: when.time,
    timeText: when.timeText,
    src,
    dst,
    srcPort: [get(ext, 'spt'), 'spt'],
    dstPort: [dpt, 'dpt'],
    protocol: [get(ext, 'proto'), 'proto'],
    action: cefAction(get(ext, 'act')),
    bytes: [bothDirections(get(ext, 'in'), get(ext, 'out')), 'in+out'],
    device: get(ext, 'dvchost') ?? line.host ?? get(ext, 'deviceExternalId') ?? get(ext, 'dvc'),
    vendor: vendor.trim() || 'unknown',
    product: product.trim() || 'unknown',
  }, ID, ctx);
}

const EQUALS = 61;

/** The extension's key starting at `w` (a run of key characters ending in `=`, as parseCefExtension reads one): the `=`'s position, or -1. */
function keyEndAt(buf: Buffer, w: number, end: number): number {
  if (w >= end || !isKeyStart(buf[w]!)) return -1;
  let k = w + 1;
  while (k < end && isKeyChar(buf[k]!)) k++;
  return k < end && buf[k] === EQUALS ? k : -1;
}

/** `dpt=`, `src=`, `dst=` (the key in ASCII, any case) at buf[w, w + 4). */
function isShortKey(buf: Buffer, w: number, end: number, a: number, b: number, c: number): boolean {
  return w + 3 < end && buf[w + 3] === EQUALS && (buf[w]! | 32) === a && (buf[w + 1]! | 32) === b && (buf[w + 2]! | 32) === c;
}

/** How far the first scan of a message reaches: most CEF lines have their `dpt`, `src` and `dst` before that. */
const FIRST_SCAN = 512;

/**
 * parseCef's FILTERED on bytes: the message starts `CEF:`, its seven header fields end in pipes, the version is a
 * number, and the extension (read as parseCefExtension reads it: a key is a run of key characters at the start of
 * the extension or after a space, ending in `=`; its value runs to the space before the next key) has a first `dpt`
 * whose value is a valid port no rule wants, a first `src` with a value and a first `dst` with a value (with one of
 * them missing or empty, parseCef says MISSING_FIELD or the text path decides). The scanner finds the spaces
 * (the first FIRST_SCAN bytes, then the rest if the decision needs it), so JavaScript looks at the few bytes after
 * each one (is a wanted key there?) instead of at every byte, and reads on to the next key only from the values it
 * needs. A backslash before the last key read (an escape, which the text path unescapes and which may hide a key)
 * leaves the line to the text path, and so does an extension whose first `dpt`, first `src` or first `dst` is
 * empty or absent (the full key names may stand in for them there). A backslash after it changes none of the
 * values read.
 */
function filteredOnBytes(buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>, _lineStart: number, scanner: ByteScanner | undefined): boolean {
  if (scanner === undefined || end - start < 6 || buf[start] !== 67 /* C */ || buf[start + 1] !== 69 /* E */ || buf[start + 2] !== 70 /* F */ || buf[start + 3] !== 58 /* : */) return false;
  // the version: ` ?\d{1,3}(\.\d{1,3})?` before the first pipe
  let i = start + 4;
  if (buf[i] === SPACE) i++;
  let digits = 0;
  while (i < end && isDigit(buf[i]!) && digits < 4) { i++; digits++; }
  if (digits === 0 || digits > 3) return false;
  if (buf[i] === 46 /* . */) {
    i++;
    digits = 0;
    while (i < end && isDigit(buf[i]!) && digits < 4) { i++; digits++; }
    if (digits === 0 || digits > 3) return false;
  }
  if (i >= end || buf[i] !== PIPE) return false;
  // the six other header pipes (a short run of bytes: Vendor|Product|Version|Signature ID|Name|Severity|)
  for (let pipes = 1; pipes < 7; pipes++) {
    for (i++; i < end && buf[i] !== PIPE; i++);
    if (i >= end) return false;
  }
  // The spaces, and the first backslash, of the first FIRST_SCAN bytes (the header among them).
  let scanned = Math.min(end, start + FIRST_SCAN);
  if (i >= scanned) return false;
  let spaces = scanner.scan(buf, start, scanned, SPACE, BACKSLASH, BACKSLASH, 0);
  if (spaces === -1) return false;
  let backslash = scanner.stop();
  // The words of the extension start at its start and after each space in it. A wanted key's value ends at the
  // first of the following words that starts with a key (or at the end); until then (`pending`) each word is tested
  // for one. Any other word is only tested for `dpt=`, `src=` or `dst=`.
  const DPT = 1;
  const SRC = 2; // the first src
  const DST = 3; // the first dst
  let pending = 0;
  let valueStart = -1;
  let port = -1; // -1 not read yet
  let srcValue = false; // the first src has a value
  let dstValue = false; // the first dst has a value
  let srcSeen = false;
  let dstSeen = false;
  let h = 0;
  while (h < spaces && scanner.at(h) < i) h++;
  for (let w = i + 1; ;) {
    if (pending !== 0) {
      const keyEnd = w < end ? keyEndAt(buf, w, end) : end;
      if (keyEnd !== -1) {
        // the words read so far hold no escape (an escaped space, `=` or pipe would move a key or a field)
        if (backslash !== -1 && backslash < keyEnd) return false;
        // the value: up to the space before this key (or the end), trimmed
        let vs = valueStart;
        let ve = w < end ? w - 1 : end;
        while (vs < ve && isBlank(buf[vs]!)) vs++;
        while (ve > vs && isBlank(buf[ve - 1]!)) ve--;
        if (pending === DPT) {
          port = decimalPort(buf, vs, ve);
          if (port === -1) return false; // empty or not a valid port: the text path decides
        } else if (pending === SRC) srcValue = ve > vs;
        else dstValue = ve > vs;
        if (port !== -1 && srcValue && dstValue) return !dstPorts.has(port);
        pending = 0;
      }
    }
    if (w >= end) return false;
    if (pending === 0) {
      if (port === -1 && isShortKey(buf, w, end, 100, 112, 116)) pending = DPT;
      else if (isShortKey(buf, w, end, 115, 114, 99)) {
        if (!srcSeen) pending = SRC;
        srcSeen = true;
      } else if (isShortKey(buf, w, end, 100, 115, 116)) {
        if (!dstSeen) pending = DST;
        dstSeen = true;
      }
      valueStart = w + 4;
    }
    // the next word
    if (h === spaces && scanned < end) {
      spaces = scanner.scan(buf, scanned, end, SPACE, BACKSLASH, BACKSLASH, 0);
      if (spaces === -1 || spaces > ByteScanner.MAX_KEPT) return false;
      if (backslash === -1) backslash = scanner.stop();
      scanned = end;
      h = 0;
    }
    w = h < spaces ? scanner.at(h++) + 1 : end;
  }
}

export const cefFormat: MessageFormat = {
  id: ID,
  vendor: 'ArcSight',
  product: 'CEF',
  description: 'Common Event Format 0/1 from any device (FortiGate, PAN-OS, Check Point…), bare or after a syslog header, as Sentinel\'s CommonSecurityLog receives it',
  recognizedBy: 'a message starting `CEF:<version>|` (after the syslog header, or after a short prefix)',
  sample: "Mar 16 10:00:01 FGT-HOSP-01 CEF:0|Fortinet|Fortigate|v7.2.4|00013|traffic:forward deny|4|deviceExternalId=FG100FTK20000123 FTNTFGTlogid=0000000013 cat=traffic:forward FTNTFGTsubtype=forward FTNTFGTlevel=warning FTNTFGTvd=root FTNTFGTeventtime=1773655201123456789 FTNTFGTtz=+0000 src=203.0.113.7 spt=51515 deviceInboundInterface=wan1 FTNTFGTsrcintfrole=wan dst=10.20.30.40 dpt=104 deviceOutboundInterface=internal FTNTFGTdstintfrole=lan FTNTFGTpoluuid=7b1c2e9a-21f0-51ee-4d2c-9f1f6c0a1b2c externalId=1180023 proto=6 act=deny FTNTFGTpolicyid=0 FTNTFGTpolicytype=policy app=tcp/104 FTNTFGTdstcountry=Reserved FTNTFGTsrccountry=United States FTNTFGTtrandisp=noop FTNTFGTduration=0 out=0 in=0 FTNTFGTsentpkt=0 FTNTFGTrcvdpkt=0 FTNTFGTcrscore=30 FTNTFGTcraction=131072 FTNTFGTcrlevel=high",
  parse: parseCef,
  filteredOnBytes,
  filteredLines(scanner, buf, start, end, lines, taken) {
    return scanner.took(scanner.cef(buf, start, end, lines.prefix, lines.maxLine, lines.ports), taken);
  },
};
