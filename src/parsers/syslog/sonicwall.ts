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
 * - The decision: `fw_action` (`forward` → allow, `drop` → deny; `NA`, `mgmt` state none), else the message ID `m`
 *   when its SonicOS event message states one for the connection or packet (TCP connection / UDP, ICMP packet
 *   dropped, Web site access denied, Geo-IP and botnet blocks → deny; ICMP / web site access allowed → allow).
 *   SonicOS says "drop" for its Deny rule action (a RST is sent back; the default for unmatched traffic) as for
 *   Discard (silent): the event model's silent `drop` cannot be told from the log, so it is `deny`.
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

/**
 * SonicOS writes `drop` for both blocking rule actions: Deny (the packet is dropped and a TCP RST sent back: the
 * default for traffic no rule allows) and Discard (dropped silently). The log cannot tell them apart and Deny is the
 * default, so a SonicWall drop is `deny` (a refusal the sender hears of), not the event model's silent `drop`.
 */
const FW_ACTIONS: Readonly<Record<string, Action>> = { forward: 'allow', drop: 'deny' };

/**
 * SonicOS event IDs whose message states the firewall's decision on the connection or packet it names (SonicOS Log
 * Events reference; the message in the comment). A packet or connection the firewall says it dropped or blocked is
 * `deny` (see FW_ACTIONS). IDs whose message is about something else (logins, scans or floods detected, connection
 * opened/closed, "received" notices) are not here: no decision.
 */
const DENY_IDS = [
  14, // Web site access denied
  22, // Ping of death dropped
  23, // IP spoof dropped
  27, // Land attack dropped
  28, // Fragmented packet dropped
  36, // TCP connection dropped
  37, // UDP packet dropped
  38, // ICMP packet dropped due to Policy
  41, // Unknown protocol dropped
  46, // Broadcast packet dropped
  48, // Out-of-order command packet dropped
  58, // License exceeded: Connection dropped because too many IP addresses are in use on your LAN
  81, // Smurf Amplification attack dropped
  173, // TCP connection from LAN denied
  175, // ICMP packet from LAN dropped
  181, // TCP FIN packet dropped
  229, // IP spoof detected on packet to Central Gateway, packet dropped
  267, // TCP Xmas Tree dropped
  339, // NAT translated packet exceeds size limit, packet dropped
  347, // Port configured to receive IPsec protocol ONLY; drop packet received in the clear
  428, // Source routed IP packet dropped
  446, // FTP: PASV response spoof attack dropped
  522, // Malformed or unhandled IP packet dropped
  523, // ICMP packet dropped no match
  524, // Web access Request dropped
  527, // FTP: PORT bounce attack dropped
  528, // FTP: PASV response bounce attack dropped
  538, // FTP: Data connection from non default port dropped
  580, // TCP SYN/FIN packet dropped
  590, // IP type %s packet dropped
  606, // Spank attack multicast packet dropped
  609, // IPS Prevention Alert
  646, // Packet dropped; connection limit for this source IP address has been reached
  647, // Packet dropped; connection limit for this destination IP address has been reached
  652, // IPcomp packet dropped
  653, // IPcomp packet dropped; waiting for pending IPcomp connection
  683, // IGMP packet dropped, wrong checksum received on interface %s
  690, // Multicast UDP packet dropped, no state entry
  694, // Multicast UDP packet dropped, RTP stateful failed
  708, // TCP packet received with invalid SEQ number; TCP packet dropped
  709, // TCP packet received with invalid ACK number; TCP packet dropped
  712, // TCP connection reject received; TCP connection dropped
  713, // TCP connection abort received; TCP connection dropped
  714, // EIGRP packet dropped
  760, // TCP handshake violation detected; TCP connection dropped
  790, // IDP Prevention Alert
  794, // Anti-Spyware Prevention Alert
  797, // Outbound connection to RBL-listed SMTP server dropped
  798, // Inbound connection from RBL-listed SMTP server dropped
  864, // SYN-Flooding machine %s blacklisted
  883, // IP Header checksum error; packet dropped
  884, // TCP checksum error; packet dropped
  885, // UDP checksum error; packet dropped
  886, // ICMP checksum error; packet dropped
  887, 888, 889, 890, 891, 892, 893, 894, 895, 896, // TCP packet received with …; TCP packet dropped
  898, // RST-Flooding machine %s blacklisted
  901, // FIN-Flooding machine %s blacklisted
  910, // Packet Dropped - IP TTL expired
  1029, 1030, 1031, // TCP packet received with non-permitted option / invalid Window Scale; TCP packet dropped
  1099, // DNS rebind attack blocked
  1155, // Application Control Prevention Alert
  1198, 1199, 1474, 1475, // Initiator / Responder from country blocked (Geo-IP filter)
  1200, 1201, 1476, 1477, 1518, 1519, // Suspected Botnet initiator / responder blocked
  1233, // Unhandled link-local or multicast IPv6 packet dropped
  1253, // IPv6 Tunnel packet dropped
  1254, // ICMPv6 packet from LAN dropped
  1257, // ICMPv6 packet dropped due to policy
  1301, 1302, 1303, 1429, // IPv6 packet dropped (reserved, unspecified or site-local address)
  1304, // Packet is dropped due to NDPP rules
  1366, // TCP-Flooding machine %s blacklisted
  1376, // Nestea/Teardrop attack dropped
  1384, 1385, // TCP packet received with invalid Timestamps option / wrapped sequence number; TCP packet dropped
  1387, // TCP Null Flag dropped
  1433, // NDP packet dropped
  1436, // Packet dropped by NAT Policy
  1448, 1449, // UDPv6 / ICMPv6 checksum error; packet dropped
  1473, // Source IP is a subnet broadcast address (dropped)
  1573, // IPv6 packet dropped due to IPv6 traffic processing is disabled on this firewall
  1576, // Record routed IP packet dropped
  1628, 1629, // TCP SYN packet with data / Urgent flag; TCP packet dropped
];
const ALLOW_IDS = [
  16, // Web site access allowed
  597, // ICMP packet allowed
  598, // ICMP packet from LAN allowed
  1255, // ICMPv6 packet from LAN allowed
  1256, // ICMPv6 packet allowed
];
const MESSAGE_DECISIONS: ReadonlyMap<string, Action> = new Map<string, Action>([
  ...DENY_IDS.map((id): [string, Action] => [String(id), 'deny']),
  ...ALLOW_IDS.map((id): [string, Action] => [String(id), 'allow']),
]);

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
  return m === undefined ? undefined : MESSAGE_DECISIONS.get(m);
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
  const when = timeOf(v, line, ctx);
  return connectionEvent({
    time: when.time,
    timeText: when.timeText,
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
  sample: "<134>id=firewall sn=0040103CE114 time=\"2026-03-16 10:15:02 UTC\" fw=203.0.113.1 pri=6 c=262144 gcat=6 m=98 msg=\"Connection Opened\" srcMac=00:17:c5:30:f9:d9 src=203.0.113.7:51515:X1 srcZone=Untrusted natSrc=203.0.113.7:51515 dstMac=00:06:b1:dd:4f:d4 dst=203.0.113.50:104:X0:pacs01.example.org dstZone=Trusted natDst=10.20.1.15:104 proto=tcp/104 sent=60 app=49175 appName='General TCP' n=4188211 fw_action=\"NA\" dpi=0",
  parse: parseSonicwall,
};
