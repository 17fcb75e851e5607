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
import { FILTERED } from '../prefilter.js';
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

export const fortigateFormat: MessageFormat = {
  id: ID,
  vendor: VENDOR,
  product: PRODUCT,
  description: 'FortiOS 5.x–7.x key=value logs: traffic, utm and event types',
  recognizedBy: 'a key=value message with logid= (date=… time=… logid="…" type="traffic|utm|event" …)',
  sample: "<189>date=2026-03-16 time=11:15:02 devname=\"FGT-KH-EDGE01\" devid=\"FG100FTK21001234\" eventtime=1773656102431877540 tz=\"+0100\" logid=\"0000000013\" type=\"traffic\" subtype=\"forward\" level=\"warning\" vd=\"root\" srcip=203.0.113.7 srcport=51515 srcintf=\"wan1\" srcintfrole=\"wan\" dstip=10.20.1.15 dstport=104 dstintf=\"pacs\" dstintfrole=\"lan\" srccountry=\"Reserved\" dstcountry=\"Reserved\" sessionid=8812331 proto=6 action=\"deny\" policyid=0 policytype=\"policy\" service=\"DICOM\" trandisp=\"noop\" duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 rcvdpkt=0 appcat=\"unscanned\" crscore=30 craction=131072 crlevel=\"high\"",
  parse: parseFortigate,
};
