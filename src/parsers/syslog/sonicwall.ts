/**
 * SonicWall SonicOS (5.x–7.x) key=value syslog ("default" format), as the SonicOS Log Events reference describes it:
 *
 *   id=firewall sn=0040103CE114 time="2026-03-16 10:15:02 UTC" fw=198.51.100.1 pri=6 c=262144 m=98
 *   msg="Connection Opened" n=123 src=203.0.113.7:51515:X1 dst=10.1.2.3:104:X0:pacs01 srcMac=… dstMac=…
 *   proto=tcp/104 natSrc=… natDst=… sent=60 rcvd=0 spkt=1 rpkt=0 rule="7 (WAN->LAN)" fw_action="drop"
 *
 * - `src`/`dst` are `IP[:PORT[:INTERFACE[:HOST]]]`; for IPv6 the address is in `srcV6`/`dstV6` and `src`/`dst`
 *   keep the rest with an empty address (`src=:51515:X1`). `src` is the side that opened the connection.
 * - `natSrc`/`natDst` (`natSrcV6`/`natDstV6`) are the translated addresses: never the source or destination.
 * - `proto` is `transport/service` (`tcp/104`, `udp/dns`, `icmp`): the transport is before the slash.
 * - `time` is the firewall's clock when it wrote the message, `YYYY-MM-DD hh:mm:ss`, followed by ` UTC` when the
 *   firewall is set to log in UTC; without a zone it is read in --tz. No `time`: the syslog header's.
 * - The decision: `fw_action` (`forward` → allow, `drop` → drop; `NA`, `mgmt` state none), else the message ID `m`
 *   when its SonicOS event message states one for the connection or packet (TCP connection / UDP, ICMP packet
 *   dropped → drop; Web site access denied, Geo-IP and botnet blocks → deny; ICMP / web site access allowed → allow).
 *   Connection Opened/Closed and other messages leave it absent.
 * - `sent`/`rcvd` bytes and `spkt`/`rpkt` packets: a zero direction is left out, so the total is the sum of those given.
 *
 * Any message that names both ends (`src` and `dst`, or their V6 forms) is a connection: SonicWall logs IPS alerts,
 * VPN and login failures with the connection they concern. Others (system, config) are NOT_A_CONNECTION.
 */
import type { Action } from '../../model/event.js';
import { ianaProtocol } from '../../model/protocol.js';
import { normalizeZone } from '../../time/zone.js';
import { parseTimestamp } from '../../time/parse.js';
import { quote } from '../fields.js';
import { FILTERED } from '../prefilter.js';
import { skip, fail, type ParseResult } from '../types.js';
import { connectionEvent, headerTime } from './connection.js';
import type { SyslogLine } from './framing.js';
import { parseKeyValues } from './kv.js';
import { counterTotal, cutAtValueOf, endsInFragment, isCefOrLeef, keyAt, present, unclosedQuoteProblem } from './kv-firewall.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'sonicwall';
const VENDOR = 'SonicWall';
const PRODUCT = 'SonicOS';

const READ_KEYS = new Set(['id', 'sn', 'time', 'src', 'dst', 'srcV6', 'dstV6', 'proto', 'fw_action', 'm', 'sent', 'rcvd',
  'spkt', 'rpkt']);

const FW_ACTIONS: Readonly<Record<string, Action>> = { forward: 'allow', drop: 'drop' };

/**
 * SonicOS event IDs whose message states the firewall's decision on the connection or packet it names (SonicOS Log
 * Events reference; text in the comment). IDs whose message is about something else (logins, attacks detected but
 * not blocked, connection opened/closed) are not here: no decision.
 */
const MESSAGE_DECISIONS: Readonly<Record<string, Action>> = {
  // Network access and policy drops
  36: 'drop', // TCP connection dropped
  37: 'drop', // UDP packet dropped
  38: 'drop', // ICMP packet dropped due to Policy
  41: 'drop', // Unknown protocol dropped
  173: 'deny', // TCP connection from LAN denied
  175: 'drop', // ICMP packet from LAN dropped
  523: 'drop', // ICMP packet dropped no match
  524: 'drop', // Web access Request dropped
  590: 'drop', // IP type %s packet dropped
  597: 'allow', // ICMP packet allowed
  598: 'allow', // ICMP packet from LAN allowed
  646: 'drop', // Packet dropped; connection limit for this source IP address has been reached
  647: 'drop', // Packet dropped; connection limit for this destination IP address has been reached
  1254: 'drop', // ICMPv6 packet from LAN dropped
  1255: 'allow', // ICMPv6 packet from LAN allowed
  1256: 'allow', // ICMPv6 packet allowed
  1257: 'drop', // ICMPv6 packet dropped due to policy
  1436: 'drop', // Packet dropped by NAT Policy
  // Content filter
  14: 'deny', // Web site access denied
  16: 'allow', // Web site access allowed
  // Geo-IP and botnet filters, RBL
  797: 'drop', // Outbound connection to RBL-listed SMTP server dropped
  798: 'drop', // Inbound connection from RBL-listed SMTP server dropped
  1198: 'deny', // Initiator from country blocked
  1199: 'deny', // Responder from country blocked
  1474: 'deny', // Initiator from country blocked (custom list)
  1475: 'deny', // Responder from country blocked (custom list)
  1200: 'deny', // Suspected Botnet initiator blocked
  1201: 'deny', // Suspected Botnet responder blocked
  1476: 'deny', // Suspected Botnet initiator blocked (custom list)
  1477: 'deny', // Suspected Botnet responder blocked (custom list)
  1518: 'deny', // Suspected Botnet initiator blocked (dynamic list)
  1519: 'deny', // Suspected Botnet responder blocked (dynamic list)
  // Attacks and intrusion prevention that name the dropped packet
  22: 'drop', // Ping of death dropped
  23: 'drop', // IP spoof dropped
  27: 'drop', // Land attack dropped
  81: 'drop', // Smurf Amplification attack dropped
  267: 'drop', // TCP Xmas Tree dropped
  580: 'drop', // TCP SYN/FIN packet dropped
  609: 'drop', // IPS Prevention Alert
  790: 'drop', // IDP Prevention Alert
  1387: 'drop', // TCP Null Flag dropped
};

interface Endpoint {
  ip: string | undefined;
  port: string | undefined;
}

/** `IP[:PORT[:INTERFACE[:HOST]]]`, or `[IPv6]:PORT…`; the V6 field, when given, is the address. */
function endpoint(value: string | undefined, v6: string | undefined): Endpoint {
  let ip: string | undefined;
  let port: string | undefined;
  if (value !== undefined) {
    if (value.startsWith('[')) {
      const close = value.indexOf(']');
      ip = close === -1 ? value : value.slice(1, close);
      const rest = close === -1 ? '' : value.slice(close + 1);
      port = rest.startsWith(':') ? rest.slice(1).split(':', 1)[0] : undefined;
    } else {
      const parts = value.split(':', 2);
      ip = parts[0];
      port = parts[1];
    }
  }
  return { ip: present(v6) ?? present(ip), port: present(port) };
}

/** `time="YYYY-MM-DD hh:mm:ss[ ZONE]"`: the zone the firewall states wins, else --tz. */
function timeOf(v: Map<string, string>, line: SyslogLine, ctx: MessageContext): { time: number | undefined; timeText?: string } {
  const text = present(v.get('time'));
  if (text === undefined) return headerTime(line);
  const space = text.indexOf(' ', 11); // after the date's own space, the one before a zone
  const stamp = space === -1 ? text : text.slice(0, space);
  const zoneText = space === -1 ? undefined : text.slice(space + 1).trim();
  const zone = zoneText === undefined || zoneText === '' ? ctx.time.tz : normalizeZone(zoneText);
  const ms = zone === undefined ? undefined : parseTimestamp(stamp, { ...ctx.time, tz: zone });
  return ms === undefined ? { time: undefined, timeText: text } : { time: ms };
}

function actionOf(v: Map<string, string>): Action | undefined {
  const fwAction = present(v.get('fw_action'))?.toLowerCase();
  if (fwAction !== undefined && Object.hasOwn(FW_ACTIONS, fwAction)) return FW_ACTIONS[fwAction];
  const m = present(v.get('m'));
  return m !== undefined && Object.hasOwn(MESSAGE_DECISIONS, m) ? MESSAGE_DECISIONS[m] : undefined;
}

/** The transport before the slash; when `proto` ends the line it may be cut (`tc`), so only a known name counts then. */
function transportOf(proto: string | undefined, last: boolean): string | undefined {
  const value = present(proto);
  if (value === undefined) return undefined;
  const slash = value.indexOf('/');
  const transport = slash === -1 ? value : value.slice(0, slash);
  return last && ianaProtocol(transport) === undefined ? undefined : transport;
}

function parseSonicwall(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const message = line.message;
  const idAt = keyAt(message, 'id');
  if (idAt === -1 || keyAt(message, 'sn', idAt) === -1 || isCefOrLeef(message)) return NOT_MINE;
  // Another vendor's key=value line with an `id=` and an `sn=` (FortiGate, Sophos) is not SonicWall's.
  if (keyAt(message, 'logid') !== -1 || keyAt(message, 'log_type') !== -1) return NOT_MINE;
  // What comes before `id=` (a relay's address) is not part of the message.
  const kv = parseKeyValues(message, idAt);
  const problem = unclosedQuoteProblem(kv, message, READ_KEYS);
  if (problem !== undefined) return fail('MALFORMED', `SonicWall message: ${problem}`);
  const v = kv.values;
  const src = endpoint(present(v.get('src')), v.get('srcV6'));
  const dst = endpoint(present(v.get('dst')), v.get('dstV6'));
  if (src.ip === undefined || dst.ip === undefined) {
    const what = present(v.get('msg'));
    return skip('NOT_A_CONNECTION', `SonicWall message${v.has('m') ? ` ${v.get('m')}` : ''}${what ? ` (${quote(what)})` : ''} names no source and destination`);
  }
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(dst.port)) return FILTERED;
  // A counter that ends the line may have lost digits: the totals are then left out rather than wrong.
  const countersCut = endsInFragment(message) || cutAtValueOf(message, v, ['sent', 'rcvd', 'spkt', 'rpkt']) !== undefined;
  return connectionEvent({
    ...timeOf(v, line, ctx),
    src: [src.ip, v.has('srcV6') ? 'srcV6' : 'src'],
    dst: [dst.ip, v.has('dstV6') ? 'dstV6' : 'dst'],
    srcPort: [src.port, 'src'],
    dstPort: [dst.port, 'dst'],
    protocol: [transportOf(v.get('proto'), cutAtValueOf(message, v, ['proto']) !== undefined), 'proto'],
    action: actionOf(v),
    bytes: [countersCut ? undefined : counterTotal(v.get('sent'), v.get('rcvd'), 'any'), 'sent+rcvd'],
    packets: [countersCut ? undefined : counterTotal(v.get('spkt'), v.get('rpkt'), 'any'), 'spkt+rpkt'],
    device: present(v.get('id')) ?? present(v.get('sn')) ?? line.host,
    vendor: VENDOR,
    product: PRODUCT,
  }, ID, ctx);
}

export const sonicwallFormat: MessageFormat = {
  id: ID,
  vendor: VENDOR,
  product: PRODUCT,
  description: '5.x–7.x key=value syslog (id=… sn=… time=… m=… src=IP:port:iface dst=… proto=…)',
  recognizedBy: 'a key=value message with id= followed by sn= (SonicOS\'s syslog ID and serial number)',
  parse: parseSonicwall,
};
