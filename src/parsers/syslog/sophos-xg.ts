/**
 * Sophos Firewall (XG Firewall, SFOS 17.x–21.x) key=value syslog, as the SFOS syslog guide documents it. Two
 * generations of field names:
 *
 *   SFOS ≤ 18.5: device="SFW" date=2026-03-16 time=11:15:02 timezone="CET" device_name="XG230" device_id=… log_id=…
 *     log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" status="Deny" … src_ip=203.0.113.7
 *     dst_ip=10.1.2.3 protocol="TCP" src_port=51515 dst_port=104 sent_pkts=1 recv_pkts=0 sent_bytes=60 recv_bytes=0
 *     tran_src_ip= tran_dst_ip= …
 *   SFOS ≥ 19.0: device_name="SFW" timestamp="2026-03-16T11:15:02+0100" device_model=… device_serial_id=… log_id=…
 *     log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" … src_ip=… dst_ip=… protocol="TCP"
 *     src_port=… dst_port=… packets_sent=… packets_received=… bytes_sent=… bytes_received=… src_trans_ip=… …
 *
 * - Time: `timestamp` (19.0+, with its offset) when given; else `date` + `time`, the firewall's local clock, in the
 *   offset `timezone` names when it names one (an abbreviation with one meaning: CET, CEST, EET, GMT, JST…; an offset;
 *   an IANA name), else in --tz: IST (India, Ireland, Israel), BST, CST, PST… do not say which zone they are.
 *   No stamp: the syslog header's.
 * - The decision: `status` (Allow, Deny, and their Session forms) when given, else `log_subtype` when it is one
 *   (Allowed, Denied, Drop); `Would deny` (monitor mode), Detect, Alert… state none.
 * - NAT (`tran_src_ip`/`tran_dst_ip`, `src_trans_ip`/`dst_trans_ip`) is never the source or destination.
 * - Bytes and packets: sent + received when both are given.
 *
 * Any log that names both ends (`src_ip` and `dst_ip`, non-empty) is a connection — firewall, IPS, ATP, web and
 * content-filter logs alike; others (system, authentication, anti-spam without addresses) are NOT_A_CONNECTION.
 * A Firewall log without the `src_ip=`/`dst_ip=` keys at all was cut short: MALFORMED.
 */
import { normalizeAction } from '../../model/action.js';
import type { Action } from '../../model/event.js';
import { parseTimestamp } from '../../time/parse.js';
import { normalizeZone } from '../../time/zone.js';
import { quote } from '../fields.js';
import { FILTERED } from '../prefilter.js';
import { fail, skip, type ParseResult } from '../types.js';
import { connectionEvent, headerTime } from './connection.js';
import type { SyslogLine } from './framing.js';
import { parseKeyValues } from './kv.js';
import { counterTotal, cutAtValueOf, endsInFragment, isCefOrLeef, isDateAndClock, keyAt, offsetText, present, unclosedQuoteProblem } from './kv-firewall.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'sophos-xg';
const VENDOR = 'Sophos';
const PRODUCT = 'XG Firewall';

const READ_KEYS = new Set(['timestamp', 'date', 'time', 'timezone', 'log_type', 'log_subtype', 'status', 'device_name',
  'src_ip', 'dst_ip', 'sourceip', 'destinationip', 'src_port', 'dst_port', 'protocol', 'sent_bytes', 'recv_bytes',
  'bytes_sent', 'bytes_received', 'sent_pkts', 'recv_pkts', 'packets_sent', 'packets_received']);

/**
 * SFOS is Linux: its `timezone` is the tz database's abbreviation for the zone the appliance is set to (Europe/Berlin
 * writes CET or CEST). The abbreviations read here name one UTC offset with no other meaning in use; the others are
 * read in --tz: IST (India, Ireland, Israel), CST and CDT (US Central, China, Cuba), PST (US Pacific, Philippines),
 * BST (British Summer Time, Bangladesh), EST/EDT (North America, and Australia in older tz data), AST, MST, SST…
 */
const FIXED_ABBREVIATIONS: Readonly<Record<string, string>> = {
  UTC: '+00:00', UT: '+00:00', GMT: '+00:00', Z: '+00:00',
  WET: '+00:00', WEST: '+01:00', CET: '+01:00', CEST: '+02:00', EET: '+02:00', EEST: '+03:00', MSK: '+03:00',
  WAT: '+01:00', CAT: '+02:00', SAST: '+02:00', EAT: '+03:00', PKT: '+05:00', WIB: '+07:00', WITA: '+08:00',
  HKT: '+08:00', AWST: '+08:00', WIT: '+09:00', JST: '+09:00', KST: '+09:00', ACST: '+09:30', ACDT: '+10:30',
  AEST: '+10:00', AEDT: '+11:00', NZST: '+12:00', NZDT: '+13:00', AKST: '-09:00', AKDT: '-08:00', HST: '-10:00',
};

/** SFOS status words (the guide's list: Allow, Deny, Allow Session, Deny Session, Would deny…) that are decisions. */
const STATUS_DECISIONS: Readonly<Record<string, Action>> = {
  allow: 'allow', 'allow session': 'allow', deny: 'deny', 'deny session': 'deny',
};

/** The zone `timezone` names, when it identifies one. */
function zoneOf(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const trimmed = name.trim();
  const fixed = FIXED_ABBREVIATIONS[trimmed.toUpperCase()];
  if (fixed !== undefined) return fixed;
  const offset = offsetText(trimmed);
  if (offset !== undefined) return offset;
  return trimmed.includes('/') ? normalizeZone(trimmed) : undefined;
}

function timeOf(v: Map<string, string>, line: SyslogLine, ctx: MessageContext): { time: number | undefined; timeText?: string } {
  const timestamp = present(v.get('timestamp'));
  if (timestamp !== undefined) {
    const ms = parseTimestamp(timestamp, ctx.time);
    return ms === undefined ? { time: undefined, timeText: timestamp } : { time: ms };
  }
  const date = present(v.get('date'));
  const clock = present(v.get('time'));
  if (date === undefined || clock === undefined) return headerTime(line);
  const zone = zoneOf(present(v.get('timezone'))) ?? ctx.time.tz;
  const ms = isDateAndClock(date, clock) ? parseTimestamp(`${date} ${clock}`, { ...ctx.time, tz: zone }) : undefined;
  return ms === undefined ? { time: undefined, timeText: `${date} ${clock}` } : { time: ms };
}

function actionOf(v: Map<string, string>): Action | undefined {
  const status = present(v.get('status'))?.trim().toLowerCase();
  if (status !== undefined && Object.hasOwn(STATUS_DECISIONS, status)) return STATUS_DECISIONS[status];
  const subtype = present(v.get('log_subtype'));
  if (subtype === undefined) return undefined;
  const action = normalizeAction(subtype);
  // Only the words SFOS uses for a verdict on the traffic (a log_subtype such as `System` is none).
  return action === 'allow' || action === 'deny' || action === 'drop' ? action : undefined;
}

function parseSophos(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const message = line.message;
  if (keyAt(message, 'log_type') === -1 || isCefOrLeef(message)) return NOT_MINE;
  const kv = parseKeyValues(message);
  const problem = unclosedQuoteProblem(kv, message, READ_KEYS);
  if (problem !== undefined) return fail('MALFORMED', `Sophos log: ${problem}`);
  const v = kv.values;
  const logType = present(v.get('log_type')) ?? '';
  const srcKey = v.has('src_ip') || !v.has('sourceip') ? 'src_ip' : 'sourceip';
  const dstKey = v.has('dst_ip') || !v.has('destinationip') ? 'dst_ip' : 'destinationip';
  const src = present(v.get(srcKey));
  const dst = present(v.get(dstKey));
  if (src === undefined || dst === undefined) {
    if (logType === 'Firewall' && (!v.has(srcKey) || !v.has(dstKey))) {
      return fail('MALFORMED', `Sophos Firewall log without ${v.has(srcKey) ? dstKey : srcKey}= (cut short?)`);
    }
    const component = present(v.get('log_component'));
    return skip('NOT_A_CONNECTION', `Sophos ${logType ? quote(logType) : ''}${component ? `/${quote(component)}` : ''} log names no source and destination`);
  }
  if (logType === 'Firewall' || logType === 'IDP') {
    // These logs always go on after the connection's ends: one of them last means the line was cut.
    const cut = cutAtValueOf(message, v, [srcKey, dstKey, 'src_port', 'dst_port', 'protocol']);
    if (cut !== undefined) return fail('MALFORMED', `Sophos ${logType} log ends in its ${cut}= value (cut short?)`);
  }
  const dstPort = present(v.get('dst_port'));
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(dstPort)) return FILTERED;
  // A counter that ends the line may have lost digits: the totals are then left out rather than wrong.
  const countersCut = endsInFragment(message) || cutAtValueOf(message, v, ['sent_bytes', 'recv_bytes', 'bytes_sent', 'bytes_received', 'sent_pkts',
    'recv_pkts', 'packets_sent', 'packets_received']) !== undefined;
  const v19 = v.has('bytes_sent') || v.has('bytes_received') || v.has('packets_sent') || v.has('packets_received');
  const when = timeOf(v, line, ctx);
  return connectionEvent({
    time: when.time,
    timeText: when.timeText,
    src: [src, srcKey],
    dst: [dst, dstKey],
    srcPort: [present(v.get('src_port')), 'src_port'],
    dstPort: [dstPort, 'dst_port'],
    protocol: [present(v.get('protocol')), 'protocol'],
    action: actionOf(v),
    bytes: countersCut ? [undefined, 'bytes'] : v19
      ? [counterTotal(v.get('bytes_sent'), v.get('bytes_received'), 'both'), 'bytes_sent+bytes_received']
      : [counterTotal(v.get('sent_bytes'), v.get('recv_bytes'), 'both'), 'sent_bytes+recv_bytes'],
    packets: countersCut ? [undefined, 'packets'] : v19
      ? [counterTotal(v.get('packets_sent'), v.get('packets_received'), 'both'), 'packets_sent+packets_received']
      : [counterTotal(v.get('sent_pkts'), v.get('recv_pkts'), 'both'), 'sent_pkts+recv_pkts'],
    device: line.host ?? present(v.get('device_name')),
    vendor: VENDOR,
    product: PRODUCT,
  }, ID, ctx);
}

export const sophosXgFormat: MessageFormat = {
  id: ID,
  vendor: VENDOR,
  product: PRODUCT,
  description: '(Sophos Firewall, SFOS 17–21) key=value syslog: Firewall, IDP, ATP and web logs that name both ends',
  recognizedBy: 'a key=value message with log_type= (device="SFW" date=… or device_name=… timestamp=…, log_id=… log_type="Firewall" …)',
  sample: "<30>device=\"SFW\" date=2026-03-16 time=11:15:02 timezone=\"CET\" device_name=\"XG230\" device_id=C2204ABCD123456 log_id=010102600002 log_type=\"Firewall\" log_component=\"Firewall Rule\" log_subtype=\"Denied\" status=\"Deny\" priority=Information duration=0 fw_rule_id=0 policy_type=0 user_name=\"\" user_gp=\"\" iap=0 ips_policy_id=0 appfilter_policy_id=0 application=\"\" application_risk=0 application_technology=\"\" application_category=\"\" in_interface=\"Port2\" out_interface=\"\" src_mac=00:1a:8c:50:6a:8c src_ip=203.0.113.7 src_country_code=R1 dst_ip=10.20.1.15 dst_country_code=R1 protocol=\"TCP\" src_port=51515 dst_port=104 sent_pkts=0 recv_pkts=0 sent_bytes=0 recv_bytes=0 tran_src_ip= tran_src_port=0 tran_dst_ip= tran_dst_port=0 srczonetype=\"WAN\" srczone=\"WAN\" dstzonetype=\"\" dstzone=\"\" dir_disp=\"\" connid=\"\" vconnid=\"\" hb_health=\"No Heartbeat\" message=\"\" appresolvedby=\"Signature\"",
  parse: parseSophos,
};
