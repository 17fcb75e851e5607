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
/** Slots by the first byte of their key. */
const SLOTS_BY_FIRST: readonly (readonly number[])[] = Array.from({ length: 128 }, (_, c) => SLOT_BYTES.flatMap((b, k) => (b[0] === c ? [k] : [])));
const READ_KEY_BYTES = [...READ_KEYS].map((k) => Buffer.from(k, 'latin1'));
/** Where the first value of each slot's key starts and ends in the message (-1: the key is not there). */
const valueStart = new Int32Array(SLOT_KEYS.length);
const valueEnd = new Int32Array(SLOT_KEYS.length);

function sameBytes(buf: Buffer, s: number, e: number, want: Buffer): boolean {
  if (e - s !== want.length) return false;
  for (let k = 0; k < want.length; k++) if (buf[s + k] !== want[k]) return false;
  return true;
}

/** The slot of the key buf[s, e), or -1. */
function slotOf(buf: Buffer, s: number, e: number): number {
  const candidates = SLOTS_BY_FIRST[buf[s]!];
  if (candidates === undefined) return -1;
  for (let k = 0; k < candidates.length; k++) if (sameBytes(buf, s, e, SLOT_BYTES[candidates[k]!]!)) return candidates[k]!;
  return -1;
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

/** cutAtValueOf for one key on bytes: the message, trailing blanks aside, ends in `key=value` at a key boundary. */
function endsInValueOf(buf: Buffer, start: number, end: number, slot: number): boolean {
  const s = valueStart[slot]!;
  if (s === -1) return false;
  const key = SLOT_BYTES[slot]!;
  const n = valueEnd[slot]! - s;
  const at = end - n - key.length - 1;
  if (at < start) return false;
  for (let k = n - 1; k >= 0; k--) if (buf[end - n + k] !== buf[s + k]) return false;
  if (buf[at + key.length] !== EQUALS) return false;
  for (let k = 0; k < key.length; k++) if (buf[at + k] !== key[k]) return false;
  return at === start || buf[at - 1] === SPACE || buf[at - 1] === TAB;
}

/** The decimal port the slot's value is (1 to 5 digits, at most 65535), or -1. */
function portOfSlot(buf: Buffer, slot: number): number {
  const s = valueStart[slot]!;
  return s === -1 ? -1 : decimalPort(buf, s, valueEnd[slot]!);
}

/**
 * parseFortigate's FILTERED on bytes. The message is read pair by pair as parseKeyValues reads it (a key runs to `=`,
 * a space or a tab; a value is quoted or runs to a space or a tab; the first occurrence of a key wins), keeping where
 * the first value of each key the decision needs lies. True when: the message has `logid=` as a key at a key
 * boundary and does not start with `CEF:`/`LEEF:`; no quote is left open and no value of a key the module reads holds
 * a `=` (unclosedQuoteProblem); `type` is present; for traffic, srcip, dstip and proto are present and action or
 * status is there, for any other type both ends (as tupleOf names them) are present; the line does not end in the
 * value of one of the tuple's keys or proto (cutAtValueOf); and the destination port (as tupleOf picks it) is 1 to 5
 * digits, at most 65535, not in `dstPorts`. A backslash (an escape inside quotes) or a byte above 127 anywhere in the
 * message leaves it to the text path, and so does a VPN event without srcip/dstip whose peers need init/role.
 */
function filteredOnBytes(buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>): boolean {
  // isCefOrLeef: CEF and LEEF extensions are key=value too
  let i = start;
  while (i < end && buf[i] === SPACE) i++;
  if (i + 4 <= end && buf[i] === 67 /* C */ && buf[i + 1] === 69 /* E */ && buf[i + 2] === 70 /* F */ && buf[i + 3] === 58) return false;
  if (i + 5 <= end && buf[i] === 76 /* L */ && buf[i + 1] === 69 && buf[i + 2] === 69 && buf[i + 3] === 70 && buf[i + 4] === 58) return false;
  valueStart.fill(-1);
  let logid = false;
  // scanPairs on bytes
  i = start;
  while (i < end) {
    let c = buf[i]!;
    if (c === SPACE || c === TAB) {
      i++;
      continue;
    }
    const keyStart = i;
    while (i < end && (c = buf[i]!) !== EQUALS && c !== SPACE && c !== TAB) {
      if (c > 127 || c === BACKSLASH) return false;
      i++;
    }
    if (i >= end || c !== EQUALS) continue; // a bare word
    const keyEnd = i++;
    let vs: number;
    let ve: number;
    let hasEquals = false;
    if (i < end && buf[i] === QUOTE) {
      vs = ++i;
      for (;;) {
        if (i >= end) return false; // a quote that never closes: unclosedQuoteProblem decides
        c = buf[i]!;
        if (c === QUOTE) break;
        if (c > 127 || c === BACKSLASH) return false;
        if (c === EQUALS) hasEquals = true;
        i++;
      }
      ve = i++;
    } else {
      vs = i;
      while (i < end && (c = buf[i]!) !== SPACE && c !== TAB) {
        if (c > 127 || c === BACKSLASH) return false;
        if (c === EQUALS) hasEquals = true;
        i++;
      }
      ve = i;
    }
    if (keyEnd === keyStart) continue; // an empty key is not kept
    const slot = slotOf(buf, keyStart, keyEnd);
    if (slot !== -1 && valueStart[slot] === -1) {
      valueStart[slot] = vs;
      valueEnd[slot] = ve;
    }
    if (slot === LOGID && (keyStart === start || buf[keyStart - 1] === SPACE || buf[keyStart - 1] === TAB)) logid = true;
    if (hasEquals) {
      // unclosedQuoteProblem: a read key's value with `=` (a quote lost mid-line)
      for (let k = 0; k < READ_KEY_BYTES.length; k++) if (sameBytes(buf, keyStart, keyEnd, READ_KEY_BYTES[k]!)) return false;
    }
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
