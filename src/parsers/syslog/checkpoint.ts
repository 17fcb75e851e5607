/**
 * Check Point Security Gateway logs as the Log Exporter sends them (sk122323, R80.10 to R82). Three of its formats
 * carry the same fields (the Log Exporter field dictionary, sk144192):
 *
 * - `syslog` (the default): an RFC 5424 header, then the fields in brackets as `key:"value"` pairs separated by `; `,
 *     <134>1 2026-03-16T10:15:02Z mgmt01 CheckPoint 16953 - [action:"Drop"; ifdir:"inbound"; origin:"192.0.2.1";
 *     time:"1773656102"; src:"203.0.113.7"; dst:"10.1.2.3"; proto:"6"; s_port:"51515"; service:"104"; …]
 *   Values escape `"`, `\` and `]` with a backslash; older exporters write a stamp with a space (`2018-03-21 17:25:25`)
 *   and a few keys with two colons (`sys_message::"…"`). Some gateways send the fields as RFC 5424 structured data
 *   under Check Point's enterprise number instead: `[Fields@1.3.6.1.4.1.2620 src="…" dst="…" svc="443" …]`, with
 *   stamps such as `2023-01-13T10:10:16--5:00` that the shared framing does not read: the header is read here then.
 * - `splunk`: `time=1557767758|hostname=gw|product=Firewall|…|src=…|dst=…|proto=6|s_port=…|service=104|` (`=` in
 *   values escaped as `\=`; `|` is replaced by `;` by the exporter), after a syslog header or bare.
 * - the space-separated form of older exporters (R77): `Action="accept" UUid="{…}" src="…" dst="…" proto="6"
 *   service="22" s_port="63316" product="VPN-1 & FireWall-1"` after an RFC 3164 header (recognised by its `UUid`
 *   or `loguid`; the header's stamp may carry an offset, `Dec 31 19:19:03+02:00`).
 * CEF and LEEF exports are read by those formats' own modules.
 *
 * Fields: `src`/`dst` the connection's client and server (Check Point logs a connection from its initiator, whatever
 * `ifdir` — the direction of the packet on the logging interface — says), `s_port`, `service` (the destination port;
 * `sport_svc`/`svc` in the structured-data form), `proto` (IANA number), `action` (Accept, Drop, Reject, Block,
 * Encrypt, Decrypt, Prevent, Detect, Inline…; else the last decisive `rule_action`). NAT (`xlatesrc`, `xlatedst`,
 * `xlatesport`, `xlatedport`) is never the source or destination, as in Elastic's pipeline. Time: `time` (epoch
 * seconds, milliseconds, or ISO 8601; the earliest when a record repeats it), else the syslog header. Device: the
 * gateway that logged it (`originsicname`'s CN, else `hostname`, `origin`, the header host).
 *
 * Drop records of SecureXL's drop templates carry no `src`/`dst`: the dropped packets are listed in `packets`,
 * `<src,sport,dst,dport,proto[;interface]> …` (optionally after `(sample only)`), and each becomes an event of its
 * own (same time, action and device). Records without any address (system, audit, update, policy installation) are
 * NOT_A_CONNECTION; so are records naming one host only (Identity Awareness, administrator logins).
 */
import { normalizeAction } from '../../model/action.js';
import type { Action, NetworkEvent } from '../../model/event.js';
import { parseTimestamp, type TimeContext } from '../../time/parse.js';
import { quote } from '../fields.js';
import { FILTERED } from '../prefilter.js';
import { fail, isRejection, skip, type ParseResult } from '../types.js';
import { connectionEvent, type ConnectionValues } from './connection.js';
import type { SyslogLine } from './framing.js';
import { parseKeyValues } from './kv.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'checkpoint';
const VENDOR = 'Check Point';
const DEFAULT_PRODUCT = 'Security Gateway';

const C_TAB = 9;
const C_SPACE = 32;
const C_QUOTE = 34;
const C_COLON = 58;
const C_SEMI = 59;
const C_LT = 60;
const C_EQ = 61;
const C_LBRACKET = 91;
const C_BACKSLASH = 92;
const C_RBRACKET = 93;
const C_PIPE = 124;

/** The fields of one record. The first occurrence of a key wins, except `time` and `rule_action`, kept in order. */
interface Fields {
  values: Map<string, string>;
  times: string[];
  ruleActions: string[];
}

function newFields(): Fields {
  return { values: new Map(), times: [], ruleActions: [] };
}

function addField(f: Fields, key: string, value: string): void {
  if (key === 'time') f.times.push(value);
  else if (key === 'rule_action') f.ruleActions.push(value);
  if (!f.values.has(key)) f.values.set(key, value);
}

type Kind = 'syslog' | 'structured' | 'splunk' | 'generic';

/** Where the record's fields are, and what the header around them says. */
interface Located {
  kind: Kind;
  text: string;
  time: number | undefined;
  timeText: string | undefined;
  host: string | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Recognition

function isIdentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** `[key:"` or `[key::"` (the Log Exporter syslog form), or `[name@2620…` (structured data under Check Point's PEN). */
function payloadKind(text: string): Kind | undefined {
  if (text.charCodeAt(0) !== C_LBRACKET) return undefined;
  let i = 1;
  while (i < text.length && i < 200 && isIdentChar(text.charCodeAt(i))) i++;
  if (i === 1) return undefined;
  const c = text.charCodeAt(i);
  if (c === C_COLON) {
    const next = text.charCodeAt(i + 1) === C_COLON ? i + 2 : i + 1;
    return text.charCodeAt(next) === C_QUOTE ? 'syslog' : undefined;
  }
  if (c === 64 /* @ */) {
    const end = text.indexOf(' ', i);
    const pen = text.slice(i + 1, end === -1 ? Math.min(text.length, i + 40) : end);
    return pen === '2620' || pen.startsWith('2620.') || pen === '1.3.6.1.4.1.2620' || pen.startsWith('1.3.6.1.4.1.2620.')
      ? 'structured'
      : undefined;
  }
  return undefined;
}

function isClock(text: string | undefined): boolean {
  return text !== undefined && text.length >= 8 && text.charCodeAt(2) === C_COLON && text.charCodeAt(5) === C_COLON;
}

/**
 * An RFC 5424 stamp as Check Point writes it, for parseTimestamp: `2023-01-13T10:10:16--5:00` (a doubled sign and a
 * one-digit hour in the offset) becomes `2023-01-13T10:10:16-05:00`; anything else is returned unchanged.
 */
export function repairStamp(stamp: string): string {
  const t = stamp.indexOf('T');
  if (t < 0) return stamp;
  let k = stamp.length - 1;
  while (k > t && stamp[k] !== '+' && stamp[k] !== '-') k--;
  if (k <= t) return stamp;
  let head = stamp.slice(0, k);
  if (head.endsWith('-') || head.endsWith('+')) head = head.slice(0, -1);
  let offset = stamp.slice(k + 1);
  if (offset.length === 4 && offset.charCodeAt(1) === C_COLON) offset = '0' + offset;
  return `${head}${stamp[k]}${offset}`;
}

/**
 * `[<PRI>]1 STAMP [CLOCK] HOST APP PROCID MSGID [` read here when the shared framing could not (a stamp it does not
 * read): the stamp, the host and where the bracketed fields start.
 */
function ownHeader(text: string, time: TimeContext): Located | undefined {
  let i = 0;
  if (text.charCodeAt(0) === C_LT) {
    const close = text.indexOf('>');
    if (close < 2 || close > 4) return undefined;
    i = close + 1;
  }
  if (!text.startsWith('1 ', i)) return undefined;
  i += 2;
  // STAMP [CLOCK] HOST APP PROCID MSGID: five tokens, the stamp in two when the exporter wrote a space in it.
  const tokens: string[] = [];
  while (tokens.length < 5) {
    const end = text.indexOf(' ', i);
    if (end === -1) return undefined;
    const token = text.slice(i, end);
    i = end + 1;
    if (tokens.length === 1 && tokens[0]!.length === 10 && isClock(token)) tokens[0] = `${tokens[0]!} ${token}`;
    else tokens.push(token);
  }
  const payload = text.slice(i);
  const kind = payloadKind(payload);
  if (kind === undefined) return undefined;
  const [stamp, host] = tokens as [string, string];
  return {
    kind,
    text: payload,
    time: stamp === '-' ? undefined : parseTimestamp(repairStamp(stamp), time),
    timeText: stamp === '-' ? undefined : stamp,
    host: host === '-' ? undefined : host,
  };
}

/** Is this line a Check Point record, and where are its fields? Cheap for other vendors' lines. */
function locate(line: SyslogLine, time: TimeContext): Located | undefined {
  const message = line.message;
  if (message.startsWith('time=')) {
    const pipe = message.indexOf('|');
    if (pipe > 5 && pipe < 64) return { kind: 'splunk', text: message, time: line.time, timeText: line.timeText, host: line.host };
    return undefined;
  }
  if (line.header && line.rest.charCodeAt(0) === C_LBRACKET) {
    const kind = payloadKind(line.rest);
    return kind && { kind, text: line.rest, time: line.time, timeText: line.timeText, host: line.host };
  }
  if (message.charCodeAt(0) === C_LBRACKET) {
    const kind = payloadKind(message);
    if (kind === undefined) return undefined;
    if (line.header && line.timeText?.length === 10 && isClock(line.host)) {
      // `2018-03-21 17:25:25 HOST CheckPoint …`: the framing took the date alone for the stamp and the clock for the host.
      const stamp = `${line.timeText} ${line.host!}`;
      return { kind, text: message, time: parseTimestamp(stamp, time), timeText: stamp, host: line.app };
    }
    return { kind, text: message, time: line.time, timeText: line.timeText, host: line.host };
  }
  const c = message.charCodeAt(0);
  if (c === C_LT || c === 49 /* 1 */) return ownHeader(message, time);
  if (startsWithQuotedPair(message) && (message.includes('UUid="') || message.includes('loguid="'))) {
    const stamp = line.time === undefined && line.timeText !== undefined ? offsetStamp(line.timeText, time) : line.time;
    return { kind: 'generic', text: message, time: stamp, timeText: line.timeText, host: line.host };
  }
  return undefined;
}

/** `Key="` at the start: the space-separated form of older exporters (`Action="accept" UUid="{…}" src="…" …`). */
function startsWithQuotedPair(text: string): boolean {
  let i = 0;
  while (i < text.length && i < 64 && isIdentChar(text.charCodeAt(i))) i++;
  return i > 0 && text.charCodeAt(i) === C_EQ && text.charCodeAt(i + 1) === C_QUOTE;
}

/** An RFC 3164 stamp with an offset glued on (`Dec 31 19:19:03+02:00`, as some exporters write it). */
function offsetStamp(text: string, time: TimeContext): number | undefined {
  const k = Math.max(text.lastIndexOf('+'), text.lastIndexOf('-'));
  if (k < 14 || text.length - k !== 6 || text.charCodeAt(k + 3) !== C_COLON) return undefined;
  return parseTimestamp(text.slice(0, k), { ...time, tz: text.slice(k) });
}

// ---------------------------------------------------------------------------------------------------------------
// Tokenizers: one linear pass each; a record that is cut short (no closing `]`, an open quote) is an error message.

/**
 * A quoted value from `i` (just after its opening quote): `\"`, `\\` and `\]` are escapes. In `strict` mode (RFC 5424
 * structured data) any unescaped quote closes the value; otherwise (the `key:"value"; ` form, where exporters leave
 * quotes inside values unescaped) only a quote followed by `;`, `]` or the end, spaces allowed in between.
 */
function readQuoted(text: string, i: number, strict: boolean): { value: string; end: number } | undefined {
  const n = text.length;
  let parts = '';
  let start = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === C_BACKSLASH) {
      const next = text.charCodeAt(i + 1);
      if (i + 1 >= n) return undefined;
      if (next === C_QUOTE || next === C_BACKSLASH || next === C_RBRACKET) {
        parts += text.slice(start, i);
        start = i + 1;
      }
      i += 2;
      continue;
    }
    if (c === C_QUOTE) {
      if (strict) return { value: parts + text.slice(start, i), end: i + 1 };
      let j = i + 1;
      while (j < n && text.charCodeAt(j) === C_SPACE) j++;
      const after = text.charCodeAt(j);
      if (j >= n || after === C_SEMI || after === C_RBRACKET) return { value: parts + text.slice(start, i), end: j };
    }
    i++;
  }
  return undefined;
}

/** `[key:"value"; key2:"value2"]` (text starts with `[`). */
function parseSyslogFields(text: string): Fields | string {
  const f = newFields();
  const n = text.length;
  let i = 1;
  for (;;) {
    let c = 0;
    while (i < n && ((c = text.charCodeAt(i)) === C_SPACE || c === C_SEMI || c === C_TAB)) i++;
    if (i >= n) return 'no closing ] (cut short?)';
    if (c === C_RBRACKET) return f;
    const keyStart = i;
    while (i < n && (c = text.charCodeAt(i)) !== C_COLON && c !== C_QUOTE && c !== C_SEMI && c !== C_RBRACKET) i++;
    if (i >= n) return 'no closing ] (cut short?)';
    if (c !== C_COLON || i === keyStart) return `expected key:"value" at character ${keyStart + 1} of the fields`;
    const key = text.slice(keyStart, i);
    i++;
    if (text.charCodeAt(i) === C_COLON) i++; // `sys_message::"…"`
    if (text.charCodeAt(i) !== C_QUOTE) {
      if (i >= n) return 'no closing ] (cut short?)';
      return `the value of ${quote(key)} is not quoted`;
    }
    const value = readQuoted(text, i + 1, false);
    if (value === undefined) return `the value of ${quote(key)} never closes (cut short?)`;
    addField(f, key, value.value);
    i = value.end;
  }
}

/** `[SD-ID key="value" key2="value2" ]` (text starts with `[`). */
function parseStructuredFields(text: string): Fields | string {
  const f = newFields();
  const n = text.length;
  let i = 1;
  while (i < n && text.charCodeAt(i) !== C_SPACE && text.charCodeAt(i) !== C_RBRACKET) i++;
  for (;;) {
    let c = 0;
    while (i < n && ((c = text.charCodeAt(i)) === C_SPACE || c === C_TAB)) i++;
    if (i >= n) return 'no closing ] (cut short?)';
    if (c === C_RBRACKET) return f;
    const keyStart = i;
    while (i < n && (c = text.charCodeAt(i)) !== C_EQ && c !== C_SPACE && c !== C_QUOTE && c !== C_RBRACKET) i++;
    if (i >= n) return 'no closing ] (cut short?)';
    if (c !== C_EQ || i === keyStart) return `expected key="value" at character ${keyStart + 1} of the structured data`;
    const key = text.slice(keyStart, i);
    i++;
    if (text.charCodeAt(i) !== C_QUOTE) {
      if (i >= n) return 'no closing ] (cut short?)';
      return `the value of ${quote(key)} is not quoted`;
    }
    const value = readQuoted(text, i + 1, true);
    if (value === undefined) return `the value of ${quote(key)} never closes (cut short?)`;
    addField(f, key, value.value);
    i = value.end;
  }
}

/** `Key="value" key2="value2"`: keys compared lower-case (`Action`, `UUid`). */
function parseGenericFields(text: string): Fields | string {
  const kv = parseKeyValues(text);
  if (kv.unbalanced) return 'a quoted value never closes (cut short?)';
  const f = newFields();
  for (const [key, value] of kv.values) addField(f, key.toLowerCase(), value);
  return f;
}

/** `time=…|key=value|…|`: `\=` escapes `=` in values; the closing `|` shows the record is whole. */
function parseSplunkFields(text: string): Fields | string {
  const f = newFields();
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === C_SPACE || text.charCodeAt(end - 1) === C_TAB)) end--;
  if (text.charCodeAt(end - 1) !== C_PIPE) return 'no closing | (cut short?)';
  let i = 0;
  while (i < end - 1) {
    const bar = text.indexOf('|', i);
    const eq = text.indexOf('=', i);
    if (eq === -1 || eq > bar) return `expected key=value at character ${i + 1}`;
    const key = text.slice(i, eq);
    const raw = text.slice(eq + 1, bar);
    addField(f, key, raw.includes('\\=') ? raw.replaceAll('\\=', '=') : raw);
    i = bar + 1;
  }
  return f;
}

// ---------------------------------------------------------------------------------------------------------------
// Values

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A `time` value: epoch s/ms, ISO 8601, or the LEA form `21Aug2007 12:00:00` (a wall clock in `--tz`). */
function readTime(text: string, time: TimeContext): number | undefined {
  const t = text.trim();
  const direct = parseTimestamp(t, time);
  if (direct !== undefined || t.length > 24) return direct;
  const m = /^(\d{1,2})([A-Za-z]{3})(\d{4}) (\d{1,2}:\d\d:\d\d)$/.exec(t);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toLowerCase()) + 1;
  if (month === 0) return undefined;
  const clock = m[4]!.length === 7 ? `0${m[4]!}` : m[4]!;
  return parseTimestamp(`${m[3]!}-${String(month).padStart(2, '0')}-${m[1]!.padStart(2, '0')}T${clock}`, time);
}

const DECISIONS: Readonly<Record<string, Action>> = {
  accept: 'allow', allow: 'allow', encrypt: 'allow', decrypt: 'allow',
  drop: 'drop',
  reject: 'deny', block: 'deny', prevent: 'deny',
};

/** Check Point's word for what happened to the connection: `action`, else the last decisive `rule_action`. */
export function checkPointAction(action: string | undefined, ruleActions: readonly string[]): Action | undefined {
  const word = (w: string | undefined): Action | undefined => {
    if (w === undefined) return undefined;
    const key = w.trim().toLowerCase();
    return Object.hasOwn(DECISIONS, key) ? DECISIONS[key] : undefined;
  };
  const decided = word(action);
  if (decided) return decided;
  for (let k = ruleActions.length - 1; k >= 0; k--) {
    const a = word(ruleActions[k]);
    if (a) return a;
  }
  return action === undefined ? undefined : normalizeAction(action);
}

function digits(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  return /^\d{1,15}$/.test(t) ? Number(t) : undefined;
}

/**
 * A counter: `key` when it holds one (in a drop-template record `packets` is the list of packets, not a count), else
 * the sum of both directions when both are given.
 */
function total(values: Map<string, string>, key: string, pairs: readonly (readonly [string, string])[]): string | number | undefined {
  const whole = present(values.get(key));
  if (whole !== undefined && !whole.startsWith('<') && !whole.startsWith('(')) return whole;
  for (const [a, b] of pairs) {
    const x = digits(values.get(a));
    const y = digits(values.get(b));
    if (x !== undefined && y !== undefined) return x + y;
  }
  return undefined;
}

/** The CN of a SIC name (`CN=gw01,O=mgmt..abc123`). */
function commonName(sic: string | undefined): string | undefined {
  if (!sic) return undefined;
  const lower = sic.toLowerCase();
  let at = 0;
  if (!lower.startsWith('cn=')) {
    const k = lower.indexOf(',cn=');
    if (k < 0) return undefined;
    at = k + 1;
  }
  const start = at + 3;
  const comma = sic.indexOf(',', start);
  const cn = sic.slice(start, comma === -1 ? sic.length : comma).trim();
  return cn === '' ? undefined : cn;
}

function present(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  return t === '' ? undefined : t;
}

interface Tuple {
  src: string;
  srcPort: string;
  dst: string;
  dstPort: string;
  proto: string;
}

/** `[(sample only)] <src,sport,dst,dport,proto[;interface]> …` of a drop-template record. */
function parsePacketList(text: string): Tuple[] | string {
  let s = text.trim();
  if (s.startsWith('(')) {
    const close = s.indexOf(')');
    if (close === -1) return 'packets: "(" never closes';
    s = s.slice(close + 1);
  }
  const tuples: Tuple[] = [];
  let i = 0;
  for (;;) {
    while (i < s.length && s.charCodeAt(i) === C_SPACE) i++;
    if (i >= s.length) break;
    if (s.charCodeAt(i) !== C_LT) return `packets: expected <…> at character ${i + 1}`;
    const close = s.indexOf('>', i);
    if (close === -1) return 'packets: a <…> entry never closes (cut short?)';
    const entry = s.slice(i + 1, close);
    const semi = entry.indexOf(';');
    const fields = (semi === -1 ? entry : entry.slice(0, semi)).split(',');
    if (fields.length < 5) return `packets: entry ${tuples.length + 1} has ${fields.length} of the 5 values src,sport,dst,dport,proto`;
    tuples.push({ src: fields[0]!.trim(), srcPort: fields[1]!.trim(), dst: fields[2]!.trim(), dstPort: fields[3]!.trim(), proto: fields[4]!.trim() });
    i = close + 1;
  }
  if (tuples.length === 0) return 'packets: an empty list';
  return tuples;
}

// ---------------------------------------------------------------------------------------------------------------

type Shared = Omit<ConnectionValues, 'src' | 'dst'>;

/**
 * A record's shared values with one connection's own, field by field: an object spread into a literal would make V8
 * build each event's values the slow way (see connection.ts).
 */
function withCommon(common: Shared, own: Pick<ConnectionValues, 'src' | 'dst' | 'srcPort' | 'dstPort' | 'protocol' | 'bytes' | 'packets'>): ConnectionValues {
  return {
    time: common.time,
    timeText: common.timeText,
    action: common.action,
    device: common.device,
    vendor: common.vendor,
    product: common.product,
    src: own.src,
    dst: own.dst,
    srcPort: own.srcPort,
    dstPort: own.dstPort,
    protocol: own.protocol,
    bytes: own.bytes,
    packets: own.packets,
  };
}

function parseCheckPoint(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const loc = locate(line, ctx.time);
  if (loc === undefined) return NOT_MINE;
  const fields = loc.kind === 'syslog' ? parseSyslogFields(loc.text)
    : loc.kind === 'structured' ? parseStructuredFields(loc.text)
      : loc.kind === 'splunk' ? parseSplunkFields(loc.text)
        : parseGenericFields(loc.text);
  if (typeof fields === 'string') return fail('MALFORMED', `Check Point ${loc.kind} record: ${fields}`);
  const v = fields.values;

  let src = present(v.get('src'));
  let srcName = 'src';
  const dst = present(v.get('dst'));
  if (src === undefined && dst !== undefined && present(v.get('client_ip')) !== undefined) {
    src = present(v.get('client_ip'));
    srcName = 'client_ip';
  }
  const packetList = present(v.get('packets'));
  const listed = src === undefined && dst === undefined && packetList !== undefined
    && (packetList.startsWith('<') || packetList.startsWith('('));
  const product = present(v.get('product')) ?? present(v.get('ProductName'));
  if (!listed && (src === undefined || dst === undefined)) {
    const what = `${product ? `a ${product}` : 'a Check Point'} record`;
    if (src === undefined && dst === undefined) return skip('NOT_A_CONNECTION', `${what} without src or dst`);
    return skip('NOT_A_CONNECTION', `${what} naming one host only (${src === undefined ? 'dst' : srcName}), not a connection`);
  }

  // The record's time: its own `time` (the earliest when repeated), else the syslog header's.
  let time: number | undefined;
  let timeText: string | undefined;
  if (fields.times.length > 0) {
    for (const t of fields.times) {
      const ms = readTime(t, ctx.time);
      if (ms === undefined) {
        time = undefined;
        timeText = t;
        break;
      }
      if (time === undefined || ms < time) time = ms;
    }
  } else {
    time = loc.time;
    timeText = loc.timeText;
  }
  const common: Shared = {
    time,
    timeText,
    action: checkPointAction(v.get('action'), fields.ruleActions),
    device: commonName(v.get('originsicname') ?? v.get('origin_sic_name')) ?? present(v.get('hostname'))
      ?? present(v.get('origin')) ?? loc.host,
    vendor: VENDOR,
    product: product ?? DEFAULT_PRODUCT,
  };

  if (!listed) {
    const dstPortName = v.has('service') ? 'service' : 'svc';
    const dstPort = v.get(dstPortName);
    if (ctx.prefilter && !ctx.prefilter.portMayMatch(dstPort)) return FILTERED;
    const srcPortName = v.has('s_port') ? 's_port' : 'sport_svc';
    return connectionEvent(withCommon(common, {
      src: [src, srcName],
      dst: [dst, 'dst'],
      srcPort: [v.get(srcPortName), srcPortName],
      dstPort: [dstPort, dstPortName],
      protocol: [v.get('proto'), 'proto'],
      bytes: [total(v, 'bytes', [['client_outbound_bytes', 'server_outbound_bytes'], ['sent_bytes', 'received_bytes']]), 'bytes'],
      packets: [total(v, 'packets', [['client_outbound_packets', 'server_outbound_packets']]), 'packets'],
    }), ID, ctx);
  }

  // A drop-template record: one event per listed packet.
  const tuples = parsePacketList(packetList!);
  if (typeof tuples === 'string') return fail('MALFORMED', `Check Point ${loc.kind} record: ${tuples}`);
  if (ctx.prefilter && !tuples.some((t) => ctx.prefilter!.portMayMatch(t.dstPort))) return FILTERED;
  const events: NetworkEvent[] = [];
  for (let k = 0; k < tuples.length; k++) {
    const t = tuples[k]!;
    const name = `packets[${k + 1}]`;
    const result = connectionEvent(withCommon(common, {
      src: [t.src, `${name} source`],
      dst: [t.dst, `${name} destination`],
      srcPort: [t.srcPort, `${name} source port`],
      dstPort: [t.dstPort, `${name} destination port`],
      protocol: [t.proto, `${name} protocol`],
    }), ID, ctx);
    if (isRejection(result)) return result;
    if (Array.isArray(result)) events.push(...result);
    else events.push(result);
  }
  return events;
}

export const checkpointFormat: MessageFormat = {
  id: ID,
  vendor: VENDOR,
  product: 'Security Gateway (Log Exporter)',
  description: 'Check Point Log Exporter records: syslog `[key:"value"; …]`, RFC 5424 structured data under PEN 2620, '
    + 'the Splunk `key=value|` form, older exporters\' `Key="value"` pairs; drop-template records give one event per '
    + 'listed packet',
  recognizedBy: 'bracketed fields starting `[key:"` or `[…@2620`, a message starting `time=…|`, or `Key="…"` pairs with a `UUid`/`loguid`',
  sample: "<134>1 2026-03-16T10:15:05Z cp-mgmt01 CheckPoint 16953 - [action:\"Accept\"; flags:\"411908\"; ifdir:\"inbound\"; ifname:\"eth1\"; logid:\"0\"; loguid:\"{0x69b7d826,0x0,0x100a8c0,0xc0000001}\"; origin:\"192.0.2.1\"; originsicname:\"CN=hospital-gw01,O=cp-mgmt01..x7k2p9\"; sequencenum:\"1\"; time:\"1773656102\"; version:\"5\"; __policy_id_tag:\"product=VPN-1 & FireWall-1[db_tag={A1B2C3D4-0000-1111-2222-333344445555};mgmt=cp-mgmt01;date=1773600000;policy_name=Hospital\\]\"; dst:\"10.20.30.40\"; inzone:\"External\"; layer_name:\"Network\"; layer_uuid:\"5d3c1b2a-0f1e-4d2c-9b8a-7f6e5d4c3b2a\"; match_id:\"12\"; parent_rule:\"0\"; rule_action:\"Accept\"; rule_name:\"PACS partners\"; rule_uid:\"0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5\"; outzone:\"Internal\"; product:\"VPN-1 & FireWall-1\"; proto:\"6\"; s_port:\"51515\"; service:\"104\"; service_id:\"dicom\"; src:\"203.0.113.7\"]",
  parse: parseCheckPoint,
};
