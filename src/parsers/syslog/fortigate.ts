/**
 * Fortinet FortiGate (FortiOS 5.x–7.x) key=value syslog, as the FortiOS Log Message Reference documents it:
 *
 *   date=2026-03-16 time=11:15:02 devname="FGT-EDGE" devid="FG100F…" eventtime=1773656102123456789 tz="+0100"
 *   logid="0000000013" type="traffic" subtype="forward" level="notice" vd="root" srcip=203.0.113.7 srcport=51515
 *   srcintf="wan1" dstip=10.1.2.3 dstport=104 dstintf="lan" sessionid=1234 proto=6 action="deny" policyid=7 …
 *   sentbyte=60 rcvdbyte=0 sentpkt=1 rcvdpkt=0
 *
 * FortiGate sends it bare (`<189>date=…`, no syslog header) or behind a collector's header. Log types:
 *
 * - `traffic` (forward, local, multicast, sniffer): one session; `srcip`/`srcport` is the side that opened it.
 *   `action` is the session's status: `deny` = blocked by policy, `accept` = non-TCP session ended, `close`,
 *   `timeout`, `client-rst`, `server-rst` = how an allowed session ended, `start` = session-start log, `ip-conn`,
 *   `dns` = a failed lookup or connection. Only the policy decisions map (accept → allow, deny → deny); session-end
 *   and lifecycle values state no decision and leave the action absent (FortiOS 5.0 wrote `status=` instead).
 * - `utm` (ips, webfilter, app-ctrl, dns, ssl, virus…) and 6.x `dns`: a security profile's verdict on a session:
 *   `pass`/`passthrough` → allow, `block`/`blocked` → deny, `dropped` → drop, `reset` → reset; `detected`,
 *   `monitored` state no decision.
 * - `event` (system, user, vpn, wad, router…): a connection only when it names both ends (`srcip`/`dstip`; for VPN,
 *   `remip`/`locip`, where the remote peer is the source unless the FortiGate says it initiated: `init="local"` or
 *   `role="initiator"`); otherwise NOT_A_CONNECTION.
 *
 * Time: `date` + `time`, the FortiGate's clock when it wrote the log, in the zone `tz` states (`-0500`; FortiOS 6.2+),
 * else in --tz; `eventtime` (epoch s/ms/µs/ns) when date/time are missing or unreadable; else the syslog header's.
 * NAT (`transip`/`transport`, `tranip`/`tranport`) is never the source or destination. `N/A` means no value.
 */
import { normalizeAction } from '../../model/action.js';
import type { Action } from '../../model/event.js';
import { parseTimestamp } from '../../time/parse.js';
import { quote } from '../fields.js';
import { decimalPort, FILTERED } from '../prefilter.js';
import { fail, skip, type ParseResult } from '../types.js';
import { connectionEvent, headerTime } from './connection.js';
import type { SyslogLine } from './framing.js';
import { parseKeyValues } from './kv.js';
import { counterTotal, cutAtValueOf, endsInFragment, isCefOrLeef, isDateAndClock, keyAt, offsetText, present, unclosedQuoteProblem } from './kv-firewall.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';
import { ByteScanner } from '../kernel/kernel.js';

const ID = 'fortigate';
const VENDOR = 'Fortinet';
const PRODUCT = 'FortiGate';

/** The keys this module reads: an unclosed quote in one of them makes the line MALFORMED. */
const READ_KEYS = new Set(['date', 'time', 'tz', 'eventtime', 'type', 'subtype', 'devname', 'srcip', 'dstip', 'srcport',
  'dstport', 'src_port', 'dst_port', 'locip', 'remip', 'locport', 'remport', 'proto', 'action', 'status', 'sentbyte',
  'rcvdbyte', 'sentpkt', 'rcvdpkt', 'init', 'role']);

/** The session values FortiOS writes as the policy's decision; every other traffic `action` is how a session ended. */
const TRAFFIC_DECISIONS: Readonly<Record<string, Action>> = { accept: 'allow', deny: 'deny' };

/** Security-profile verdicts (utm, dns): only what blocks or lets through. */
const PROFILE_DECISIONS: Readonly<Record<string, Action>> = {
  pass: 'allow', passthrough: 'allow', allow: 'allow', accept: 'allow',
  block: 'deny', blocked: 'deny', deny: 'deny',
  drop: 'drop', dropped: 'drop',
  reset: 'reset',
};

interface Tuple {
  src: [string | undefined, string];
  dst: [string | undefined, string];
  srcPort: [string | undefined, string];
  dstPort: [string | undefined, string];
}

function first(values: Map<string, string>, keys: readonly string[]): [string | undefined, string] {
  for (const key of keys) {
    const value = present(values.get(key));
    if (value !== undefined) return [value, key];
  }
  return [undefined, keys[0]!];
}

/** The connection's two ends as the log type names them. */
function tupleOf(type: string, subtype: string | undefined, v: Map<string, string>): Tuple {
  if (type === 'traffic') {
    return { src: first(v, ['srcip']), dst: first(v, ['dstip']), srcPort: first(v, ['srcport', 'src_port']), dstPort: first(v, ['dstport', 'dst_port']) };
  }
  if (type === 'event') {
    const src = first(v, ['srcip']);
    const dst = first(v, ['dstip']);
    if (src[0] !== undefined || dst[0] !== undefined || subtype !== 'vpn') {
      return { src, dst, srcPort: first(v, ['srcport', 'src_port']), dstPort: first(v, ['dstport', 'dst_port']) };
    }
    // A VPN peer: the remote side opened the negotiation unless the FortiGate says it did.
    const remote = { ip: first(v, ['remip']), port: first(v, ['remport']) };
    const local = { ip: first(v, ['locip']), port: first(v, ['locport']) };
    const localInitiated = v.get('init') === 'local' || v.get('role') === 'initiator';
    const [from, to] = localInitiated ? [local, remote] : [remote, local];
    return { src: from.ip, dst: to.ip, srcPort: from.port, dstPort: to.port };
  }
  // utm, dns, anomaly: the profile logs name the session's ends like traffic, some with the VPN names.
  return {
    src: first(v, ['locip', 'srcip']),
    dst: first(v, ['dstip', 'remip']),
    srcPort: first(v, ['locport', 'src_port', 'srcport']),
    dstPort: first(v, ['dst_port', 'remport', 'dstport']),
  };
}

function actionOf(type: string, v: Map<string, string>): Action | undefined {
  const word = (present(v.get('action')) ?? (type === 'traffic' ? present(v.get('status')) : undefined))?.toLowerCase();
  if (word === undefined) return undefined;
  if (type === 'traffic') return TRAFFIC_DECISIONS[word];
  if (type === 'event') return word === 'deny' || word === 'accept' ? normalizeAction(word) : undefined;
  return Object.hasOwn(PROFILE_DECISIONS, word) ? PROFILE_DECISIONS[word] : undefined;
}

/** The FortiGate's own time for the log: date + time in `tz` (else --tz), else eventtime, else the header's. */
function timeOf(v: Map<string, string>, line: SyslogLine, ctx: MessageContext): { time: number | undefined; timeText?: string } {
  const date = present(v.get('date'));
  const clock = present(v.get('time'));
  const eventtime = present(v.get('eventtime'));
  const fromEventtime = eventtime === undefined ? undefined : parseTimestamp(eventtime, ctx.time);
  if (date !== undefined && clock !== undefined) {
    const tz = present(v.get('tz'));
    const offset = tz === undefined ? '' : offsetText(tz);
    const text = `date=${date} time=${clock}${tz === undefined ? '' : ` tz=${tz}`}`;
    if (offset !== undefined && isDateAndClock(date, clock)) {
      const ms = parseTimestamp(`${date} ${clock}${offset}`, ctx.time);
      if (ms !== undefined) return { time: ms };
    }
    // A stamp or zone that cannot be read: the epoch stamp of the same log still places it.
    return fromEventtime !== undefined ? { time: fromEventtime } : { time: undefined, timeText: text };
  }
  if (eventtime !== undefined) return fromEventtime !== undefined ? { time: fromEventtime } : { time: undefined, timeText: `eventtime=${eventtime}` };
  return headerTime(line);
}

function parseFortigate(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const message = line.message;
  if (keyAt(message, 'logid') === -1 || isCefOrLeef(message)) return NOT_MINE;
  const kv = parseKeyValues(message);
  const problem = unclosedQuoteProblem(kv, message, READ_KEYS);
  if (problem !== undefined) return fail('MALFORMED', `FortiGate log: ${problem}`);
  const v = kv.values;
  const type = present(v.get('type'))?.toLowerCase();
  if (type === undefined) return fail('MALFORMED', 'FortiGate log without type= (cut short?)');
  const subtype = present(v.get('subtype'))?.toLowerCase();
  const tuple = tupleOf(type, subtype, v);
  if (type === 'traffic') {
    // FortiOS writes these in every traffic log; without them the line was cut short.
    for (const key of ['srcip', 'dstip', 'proto']) {
      if (present(v.get(key)) === undefined) return fail('MALFORMED', `FortiGate traffic log without ${key}= (cut short?)`);
    }
    if (!v.has('action') && !v.has('status')) return fail('MALFORMED', 'FortiGate traffic log without action= (cut short?)');
  } else if (tuple.src[0] === undefined || tuple.dst[0] === undefined) {
    return skip('NOT_A_CONNECTION', `FortiGate ${type}${subtype ? `/${subtype}` : ''} log${v.has('logdesc') ? ` (${quote(v.get('logdesc')!)})` : ''} names no source and destination`);
  }
  // FortiOS always writes more fields after a connection's ends (policy, service, counters, message): one of them
  // last means the line was cut, maybe inside that very value.
  const cut = cutAtValueOf(message, v, [tuple.src[1], tuple.dst[1], tuple.srcPort[1], tuple.dstPort[1], 'proto']);
  if (cut !== undefined) return fail('MALFORMED', `FortiGate ${type} log ends in its ${cut}= value (cut short?)`);
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(tuple.dstPort[0])) return FILTERED;
  // A counter that ends the line may have lost digits: the totals are then left out rather than wrong.
  const countersCut = endsInFragment(message) || cutAtValueOf(message, v, ['sentbyte', 'rcvdbyte', 'sentpkt', 'rcvdpkt']) !== undefined;
  const when = timeOf(v, line, ctx);
  return connectionEvent({
    time: when.time,
    timeText: when.timeText,
    src: tuple.src,
    dst: tuple.dst,
    srcPort: tuple.srcPort,
    dstPort: tuple.dstPort,
    protocol: [present(v.get('proto')), 'proto'],
    action: actionOf(type, v),
    bytes: [countersCut ? undefined : counterTotal(v.get('sentbyte'), v.get('rcvdbyte'), 'both'), 'sentbyte+rcvdbyte'],
    packets: [countersCut ? undefined : counterTotal(v.get('sentpkt'), v.get('rcvdpkt'), 'both'), 'sentpkt+rcvdpkt'],
    device: present(v.get('devname')) ?? line.host,
    vendor: VENDOR,
    product: PRODUCT,
  }, ID, ctx);
}

const SPACE = 32;
const TAB = 9;
const QUOTE = 34;
const EQUALS = 61;
const BACKSLASH = 92;

/** The keys filteredOnBytes reads, by slot: the first occurrence of each is kept, as parseKeyValues keeps it. */
const SLOT_KEYS = ['logid', 'type', 'subtype', 'srcip', 'dstip', 'srcport', 'src_port', 'dstport', 'dst_port', 'proto',
  'action', 'status', 'locip', 'remip', 'locport', 'remport', 'init', 'role'] as const;
const [LOGID, TYPE, SUBTYPE, SRCIP, DSTIP, SRCPORT, SRC_PORT, DSTPORT, DST_PORT, PROTO, ACTION, STATUS, LOCIP, REMIP,
  LOCPORT, REMPORT, INIT, ROLE] = SLOT_KEYS.map((_, k) => k) as number[] as [number, number, number, number, number,
  number, number, number, number, number, number, number, number, number, number, number, number, number];
const SLOT_BYTES = SLOT_KEYS.map((k) => Buffer.from(k, 'latin1'));
/** A key's bucket, from its length and its first and last bytes: most keys of a line land in an empty one. */
function bucketOf(length: number, first: number, last: number): number {
  return ((length << 5) ^ first ^ (last << 1)) & 511;
}
/** The slot whose key lands in each bucket, or -1 (no two slot keys share one: checked when the module loads). */
const SLOT_BY_BUCKET = new Int8Array(512).fill(-1);
for (const [slot, key] of SLOT_BYTES.entries()) {
  const h = bucketOf(key.length, key[0]!, key[key.length - 1]!);
  if (SLOT_BY_BUCKET[h] !== -1) throw new Error(`fortigate: keys ${SLOT_KEYS[SLOT_BY_BUCKET[h]!]} and ${SLOT_KEYS[slot]} share a bucket`);
  SLOT_BY_BUCKET[h] = slot;
}
const READ_KEY_BYTES = [...READ_KEYS].map((k) => Buffer.from(k, 'latin1'));
/** Where the first value of each slot's key starts and ends in the message (-1: the key is not there). */
const valueStart = new Int32Array(SLOT_KEYS.length);
const valueEnd = new Int32Array(SLOT_KEYS.length);
/** The most quotes or spaces a message decided on bytes may hold (one with more is left to the text path). */
const MAX_DELIMITERS = 4096;
/** The positions of the message's quotes and spaces (the scanner's own slots hold one list at a time). */
const quoteAt = new Int32Array(MAX_DELIMITERS);
const spaceAt = new Int32Array(MAX_DELIMITERS);

function sameBytes(buf: Buffer, s: number, e: number, want: Buffer): boolean {
  if (e - s !== want.length) return false;
  for (let k = 0; k < want.length; k++) if (buf[s + k] !== want[k]) return false;
  return true;
}

/** The slot of the key buf[s, e) (not empty), or -1. */
function slotOf(buf: Buffer, s: number, e: number): number {
  const n = e - s;
  const slot = SLOT_BY_BUCKET[bucketOf(n, buf[s]!, buf[e - 1]!)]!;
  if (slot === -1) return -1;
  const key = SLOT_BYTES[slot]!;
  if (key.length !== n) return -1;
  for (let k = 0; k < n; k++) if (buf[s + k] !== key[k]) return -1;
  return slot;
}

function isReadKey(buf: Buffer, s: number, e: number): boolean {
  for (let k = 0; k < READ_KEY_BYTES.length; k++) if (sameBytes(buf, s, e, READ_KEY_BYTES[k]!)) return true;
  return false;
}

/** present() on bytes: the slot's key is there with a value other than ``, `N/A`, `-`. */
function isPresent(buf: Buffer, slot: number): boolean {
  const s = valueStart[slot]!;
  if (s === -1) return false;
  const n = valueEnd[slot]! - s;
  if (n === 0) return false;
  if (n === 1) return buf[s] !== 45; /* - */
  return !(n === 3 && buf[s] === 78 /* N */ && buf[s + 1] === 47 /* / */ && buf[s + 2] === 65 /* A */);
}

/** first() on bytes: the slot of the first key with a present value, else the first key's (whose value is absent). */
function firstOf(buf: Buffer, a: number, b: number, c = -1): number {
  if (isPresent(buf, a)) return a;
  if (isPresent(buf, b)) return b;
  if (c !== -1 && isPresent(buf, c)) return c;
  return a;
}

/** The slot's value, ASCII lower-cased, is `word` (lower case letters). */
function valueIs(buf: Buffer, slot: number, word: string, foldCase: boolean): boolean {
  const s = valueStart[slot]!;
  if (s === -1 || valueEnd[slot]! - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = buf[s + k]!;
    if ((foldCase ? c | 32 : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * cutAtValueOf for one key on bytes: the pair that holds the key's first value ends the message (`last`: its end,
 * trailing blanks aside; a quoted value ends before its closing quote, so never there) and starts at a key
 * boundary. With every quote of the message closed, that is what cutAtValueOf finds by comparing that value with
 * the message's end, found here by positions (so bytes that are not UTF-8, which the text decodes, need no care).
 */
function endsInValueOf(buf: Buffer, start: number, last: number, slot: number): boolean {
  const s = valueStart[slot]!;
  if (s === -1 || valueEnd[slot] !== last) return false;
  const keyStart = s - 1 - SLOT_BYTES[slot]!.length;
  return keyStart === start || buf[keyStart - 1] === SPACE || buf[keyStart - 1] === TAB;
}

/** The decimal port the slot's value is (1 to 5 digits, at most 65535), or -1. */
function portOfSlot(buf: Buffer, slot: number): number {
  const s = valueStart[slot]!;
  return s === -1 ? -1 : decimalPort(buf, s, valueEnd[slot]!);
}

/**
 * parseFortigate's FILTERED on bytes. The message's pairs are read as parseKeyValues reads them (a key runs to `=`,
 * a space or a tab; a value is quoted or runs to a space or a tab; the first occurrence of a key wins), but from the
 * positions of its quotes, spaces and `=` that the scanner finds, so that JavaScript visits the pairs instead of
 * every byte: an `=` outside the current value ends a key, which starts after the last space before it or right
 * after the quote that closed the value before; a quote right after that `=` opens a value that the next quote
 * closes (any other quote is a character of a key, a value or a bare word). Where the first value of each key the
 * decision needs lies is kept. True when: the message has a `logid` pair at a key boundary (keyAt) and does not
 * start with `CEF:`/`LEEF:`; no quote is left open and no value of a key the module reads holds a `=`
 * (unclosedQuoteProblem); `type` is present; for traffic, srcip, dstip and proto are present and action or status
 * is there, for any other type both ends (as tupleOf names them) are present; the line does not end in the first
 * value of one of the tuple's keys or proto (cutAtValueOf); and the destination port (as tupleOf picks it) is 1 to
 * 5 digits, at most 65535, not in `dstPorts`. Stricter than parse, left to the text path: a backslash anywhere (an
 * escape inside quotes, which parseKeyValues unescapes), a tab or another control byte below it (a tab separates
 * pairs too), a quote that never closes, and a read key's value with `=` in a later occurrence of that key. Bytes
 * above 127 need no care: every byte compared is ASCII, and the cut-line check compares positions.
 */
function filteredOnBytes(buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>, _lineStart: number, scanner: ByteScanner | undefined): boolean {
  if (scanner === undefined) return false;
  // isCefOrLeef: CEF and LEEF extensions are key=value too
  let i = start;
  while (i < end && buf[i] === SPACE) i++;
  if (i + 4 <= end && buf[i] === 67 /* C */ && buf[i + 1] === 69 /* E */ && buf[i + 2] === 70 /* F */ && buf[i + 3] === 58) return false;
  if (i + 5 <= end && buf[i] === 76 /* L */ && buf[i + 1] === 69 && buf[i + 2] === 69 && buf[i + 3] === 70 && buf[i + 4] === 58) return false;
  // The quotes, and whether there is a backslash or a byte below a newline (a tab); the spaces; then the `=`, read
  // last from the scanner's own slots.
  // (a scan counts past the positions it keeps: more than MAX_DELIMITERS is left to the text path)
  const quotes = scanner.scan(buf, start, end, QUOTE, BACKSLASH, BACKSLASH, TAB + 1, MAX_DELIMITERS);
  if (quotes === -1 || quotes > MAX_DELIMITERS || scanner.stop() !== -1) return false;
  // (the module's arrays read into locals: measurably faster in the loops below)
  const quoteAtK = quoteAt;
  for (let k = 0; k < quotes; k++) quoteAtK[k] = scanner.at(k);
  const spaces = scanner.scan(buf, start, end, SPACE, SPACE, SPACE, 0, MAX_DELIMITERS);
  if (spaces === -1 || spaces > MAX_DELIMITERS) return false;
  const spaceAtK = spaceAt;
  for (let k = 0; k < spaces; k++) spaceAtK[k] = scanner.at(k);
  const equals = scanner.scan(buf, start, end, EQUALS, EQUALS, EQUALS, 0);
  if (equals === -1 || equals > ByteScanner.MAX_KEPT) return false;
  const vStart = valueStart;
  const vEnd = valueEnd;
  vStart.fill(-1);
  let logid = false;
  let q = 0; // the next quote not yet passed
  let sp = 0; // the next space not yet passed
  let valueTo = start; // the current value ends before this: its closing quote, or the space (or end) after it
  let keyMode = start; // where the current value ends and the next key may start
  let keyStart = start; // the current pair's key, [keyStart, keyEnd)
  let keyEnd = start;
  for (let k = 0; k < equals; k++) {
    const eq = scanner.at(k);
    if (eq < valueTo) {
      // inside the current value: unclosedQuoteProblem when its key is one the module reads
      if (isReadKey(buf, keyStart, keyEnd)) return false;
      continue;
    }
    // A key ends here; it starts after the last space before it, or where the value before it ended.
    while (sp < spaces && spaceAtK[sp]! < eq) sp++;
    const afterSpace = sp > 0 ? spaceAtK[sp - 1]! + 1 : start;
    keyStart = afterSpace > keyMode ? afterSpace : keyMode;
    keyEnd = eq;
    let vs = eq + 1;
    let ve: number;
    if (buf[vs] === QUOTE && vs < end) {
      while (quoteAtK[q]! < vs) q++; // (quotes passed were characters of keys, values or bare words)
      if (++q >= quotes) return false; // a quote that never closes: unclosedQuoteProblem decides
      vs++;
      ve = quoteAtK[q++]!;
      keyMode = ve + 1;
    } else {
      ve = sp < spaces ? spaceAtK[sp]! : end;
      keyMode = ve;
    }
    valueTo = ve;
    if (keyEnd === keyStart) continue; // an empty key is not kept (its value is passed over all the same)
    const slot = slotOf(buf, keyStart, keyEnd);
    if (slot === -1) continue;
    if (vStart[slot] === -1) {
      vStart[slot] = vs;
      vEnd[slot] = ve;
    }
    if (slot === LOGID && (keyStart === start || buf[keyStart - 1] === SPACE)) logid = true;
  }
  if (!logid || !isPresent(buf, TYPE)) return false;
  let src: number;
  let dst: number;
  let srcPort: number;
  let dstPort: number;
  if (valueIs(buf, TYPE, 'traffic', true)) {
    if (!isPresent(buf, SRCIP) || !isPresent(buf, DSTIP) || !isPresent(buf, PROTO)) return false;
    if (valueStart[ACTION] === -1 && valueStart[STATUS] === -1) return false;
    src = SRCIP;
    dst = DSTIP;
    srcPort = firstOf(buf, SRCPORT, SRC_PORT);
    dstPort = firstOf(buf, DSTPORT, DST_PORT);
  } else {
    if (valueIs(buf, TYPE, 'event', true)) {
      if (!isPresent(buf, SRCIP) && !isPresent(buf, DSTIP) && isPresent(buf, SUBTYPE) && valueIs(buf, SUBTYPE, 'vpn', true)) {
        // a VPN peer: which side opened it depends on init/role
        const localInitiated = valueIs(buf, INIT, 'local', false) || valueIs(buf, ROLE, 'initiator', false);
        src = localInitiated ? LOCIP : REMIP;
        dst = localInitiated ? REMIP : LOCIP;
        srcPort = localInitiated ? LOCPORT : REMPORT;
        dstPort = localInitiated ? REMPORT : LOCPORT;
      } else {
        src = SRCIP;
        dst = DSTIP;
        srcPort = firstOf(buf, SRCPORT, SRC_PORT);
        dstPort = firstOf(buf, DSTPORT, DST_PORT);
      }
    } else {
      src = firstOf(buf, LOCIP, SRCIP);
      dst = firstOf(buf, DSTIP, REMIP);
      srcPort = firstOf(buf, LOCPORT, SRC_PORT, SRCPORT);
      dstPort = firstOf(buf, DST_PORT, REMPORT, DSTPORT);
    }
    if (!isPresent(buf, src) || !isPresent(buf, dst)) return false; // NOT_A_CONNECTION
  }
  let last = end;
  while (last > start && (buf[last - 1] === SPACE || buf[last - 1] === TAB)) last--;
  if (endsInValueOf(buf, start, last, src) || endsInValueOf(buf, start, last, dst) || endsInValueOf(buf, start, last, srcPort)
    || endsInValueOf(buf, start, last, dstPort) || endsInValueOf(buf, start, last, PROTO)) return false;
  const port = portOfSlot(buf, dstPort); // (``, `N/A`, `-` are no port)
  return port !== -1 && !dstPorts.has(port);
}

export const fortigateFormat: MessageFormat = {
  id: ID,
  vendor: VENDOR,
  product: PRODUCT,
  description: 'FortiOS 5.x–7.x key=value logs: traffic, utm and event types',
  recognizedBy: 'a key=value message with logid= (date=… time=… logid="…" type="traffic|utm|event" …)',
  sample: "<189>date=2026-03-16 time=11:15:02 devname=\"FGT-KH-EDGE01\" devid=\"FG100FTK21001234\" eventtime=1773656102431877540 tz=\"+0100\" logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"warning\" vd=\"root\" srcip=203.0.113.7 srcport=51515 srcintf=\"wan1\" srcintfrole=\"wan\" dstip=10.20.1.15 dstport=104 dstintf=\"pacs\" dstintfrole=\"lan\" srccountry=\"Reserved\" dstcountry=\"Reserved\" sessionid=8812331 proto=6 action=\"deny\" policyid=0 policytype=\"policy\" service=\"DICOM\" trandisp=\"noop\" duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 rcvdpkt=0 appcat=\"unscanned\" crscore=30 craction=131072 crlevel=\"high\"",
  parse: parseFortigate,
  filteredOnBytes,
};
