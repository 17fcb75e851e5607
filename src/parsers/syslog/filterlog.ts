/**
 * pfSense and OPNsense `filterlog`: the packet filter's log, one comma-separated line per logged packet, as both
 * document it (Netgate, "Raw Filter Log Format"; OPNsense ports, opnsense/filterlog/files/description.txt) and as
 * filterlog writes it (print-ip.c, print-ip6.c, print-tcp.c):
 *
 *   common  rule-nr, sub-rule-nr, anchor, tracker (pfSense) | label (OPNsense), interface, reason, action, direction,
 *           ip-version
 *   IPv4    tos, ecn, ttl, id, offset, flags, protocol-id, protocol-name, length, source, destination
 *   IPv6    class, flow-label, hop-limit, protocol-name, protocol-id, length, source, destination
 *           (note the protocol name and id in the other order)
 *   then, by protocol id: TCP (6)  source-port, destination-port, data-length, tcp-flags, seq, ack, window, urg, options
 *                         UDP (17) source-port, destination-port, data-length
 *                         ICMP, CARP, anything else: a protocol tail without ports (`request,id,seq`,
 *                         `datalength=N`, `datalength=N,echoreq,0,id,seq,` …)
 *
 *   <134>Jul  3 19:10:30 filterlog[72237]: 146,,,1535324496,igb1.12,match,block,in,4,0x0,,63,12617,0,DF,6,tcp,60,
 *   203.0.113.7,10.1.2.3,51515,104,0,S,1891286705,,64240,,mss;sackOK;TS;nop;wscale
 *
 * The line is one packet as pf saw it on that interface: its source and destination are the packet's (filterlog has
 * no NAT fields), `length` is its IP length (IPv6: the payload length), the event's `bytes` as Elastic reads it.
 * Decision: `pass` → allow; `block` → deny. pf logs `block` (PF_DROP) for Block rules, which drop silently, and for
 * Reject rules (`block return`, which answer with a TCP reset or ICMP unreachable) alike, so the line cannot say
 * whether the refusal was silent: deny is the general "refused by policy" (Elastic: event.type denied). Other actions
 * (`match`, `scrub`, `nat`, `rdr`, `binat`, `synproxy-drop`) state no pass/block decision: absent.
 *
 * Time and device come from the syslog header: filterlog writes no time of its own. pfSense's default remote log
 * format (BSD) has no host name (`<134>Jul  3 19:10:30 filterlog[72237]: …`): the framing then reads the tag where
 * the host would be, which is recognised here and leaves the device absent. A line whose tag says filterlog but whose
 * CSV is cut short or undecodable is MALFORMED; filterlog's own daemon messages are NOT_A_CONNECTION. A bare CSV line
 * (no syslog header or tag, e.g. a SyslogMessage column) is recognised by its common part alone.
 */
import type { Action } from '../../model/event.js';
import { decimalPort, FILTERED } from '../prefilter.js';
import { fail, skip, type ParseResult } from '../types.js';
import { connectionEvent } from './connection.js';
import type { SyslogLine } from './framing.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'filterlog';

/** More fields than any layout has (IPv4 TCP: 29); the rest of a longer line is not read. */
const MAX_FIELDS = 40;

const COMMON = 9;
const DIRECTIONS = new Set(['in', 'out', 'in/out']);
/** pf's actions as filterlog names them (pf_actions[]), and what each says of the decision. */
const ACTIONS: ReadonlyMap<string, Action | undefined> = new Map<string, Action | undefined>([
  ['pass', 'allow'], ['block', 'deny'],
  ['match', undefined], ['scrub', undefined], ['nat', undefined], ['binat', undefined], ['rdr', undefined],
  ['synproxy-drop', undefined],
]);

/** The BSD form without a host name: the framing took `filterlog[pid]:` (or `filterlog:`) for the host. */
function hostIsTag(host: string | undefined): boolean {
  return host !== undefined && host.startsWith('filterlog') && host.endsWith(':') &&
    (host.length === 10 || host.charCodeAt(9) === 91 /* [ */);
}

function isCsvStart(c: number): boolean {
  return c === 44 /* , */ || (c >= 48 && c <= 57);
}

function isDigits(s: string | undefined): s is string {
  if (s === undefined || s.length === 0 || s.length > 5) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** The common part of a filterlog line: action, direction and IP version where filterlog writes them. */
function commonPartHolds(f: readonly string[]): boolean {
  const action = f[6]!;
  return DIRECTIONS.has(f[7]!) && (f[8] === '4' || f[8] === '6') && (ACTIONS.has(action) || action.startsWith('unknown('));
}

/** Whether fields 8 and 9 (direction, IP version) read `in|out|in/out` and `4|6`, without splitting the line. */
function directionAndVersionAt(message: string): boolean {
  let at = 0;
  for (let k = 0; k < 7; k++) {
    at = message.indexOf(',', at) + 1;
    if (at === 0 || at > 512) return false;
  }
  const end = message.indexOf(',', at);
  if (end === -1 || !DIRECTIONS.has(message.slice(at, end))) return false;
  const v = message.charCodeAt(end + 1);
  return (v === 52 || v === 54) && message.charCodeAt(end + 2) === 44; // `4,` or `6,`
}

/** Vendor and product: OPNsense labels its rules with a 32-digit hex hash where pfSense writes a numeric tracker. */
function product(tracker: string): { vendor: string; product: string } {
  return tracker.length === 32 && /^[0-9a-f]{32}$/.test(tracker)
    ? { vendor: 'Deciso', product: 'OPNsense' }
    : { vendor: 'Netgate', product: 'pfSense' };
}

function parseFilterlog(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const message = line.message;
  const hostless = hostIsTag(line.host);
  const tagged = line.app === 'filterlog' || hostless;
  const csv = isCsvStart(message.charCodeAt(0));
  if (!tagged && !csv) return NOT_MINE;
  if (!csv) return skip('NOT_A_CONNECTION', 'filterlog message that is not a packet record');

  if (!tagged && !directionAndVersionAt(message)) return NOT_MINE; // cheap, before anything is split
  const f = message.split(',', MAX_FIELDS);
  if (!tagged && (f.length < COMMON || !commonPartHolds(f))) return NOT_MINE;
  if (f.length < COMMON) return fail('MALFORMED', `filterlog line cut short: ${f.length} fields, the common part has ${COMMON}`);
  const version = f[8]!;
  if (version !== '4' && version !== '6') return fail('MALFORMED', `filterlog: IP version ${JSON.stringify(version.slice(0, 20))} (4 or 6 expected)`);
  if (!DIRECTIONS.has(f[7]!)) return fail('MALFORMED', `filterlog: direction ${JSON.stringify(f[7]!.slice(0, 20))} (in or out expected)`);

  // filterlog writes `truncated-ip=N` / `truncated-ip6=N` before the IP fields when the capture is shorter than the packet.
  const base = f[COMMON]?.startsWith('truncated-ip') && f.length > COMMON + 8 ? COMMON + 1 : COMMON;
  const v4 = version === '4';
  const protoIdAt = v4 ? base + 6 : base + 4;
  const protoNameAt = v4 ? base + 7 : base + 3;
  const lengthAt = v4 ? base + 8 : base + 5;
  const srcAt = v4 ? base + 9 : base + 6;
  const dstAt = srcAt + 1;
  const tailAt = dstAt + 1;
  // filterlog ends the destination with a comma: a line that stops at the destination was cut (maybe inside it).
  if (f.length <= tailAt) {
    return fail('MALFORMED', `filterlog IPv${version} line cut short or undecodable: ${f.length} fields, the addresses end at field ${tailAt}`);
  }
  const protoId = f[protoIdAt]!;
  const tcp = protoId === '6';
  const udp = protoId === '17';
  let srcPort: string | undefined;
  let dstPort: string | undefined;
  if (tcp || udp) {
    const tail = f.length - tailAt;
    const first = f[tailAt]!;
    // An IPv4 fragment after the first (offset > 0: filterlog writes nothing after the destination) or a header
    // filterlog could not decode (`errormsg='…'`) has no ports; otherwise the tail is complete or the line was cut.
    const offset = f[base + 4]!;
    const laterFragment = v4 && tail === 1 && first === '' && offset !== '0' && isDigits(offset);
    const portless = laterFragment || first.startsWith('errormsg=');
    if (!portless) {
      const need = tcp ? 9 : 3;
      if (tail < need) return fail('MALFORMED', `filterlog ${tcp ? 'TCP' : 'UDP'} line cut short: ${tail} of ${need} protocol fields`);
      srcPort = first;
      dstPort = f[tailAt + 1];
    }
  }
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(dstPort)) return FILTERED;

  const tracker = f[3]!;
  const protocol = isDigits(protoId) ? protoId : f[protoNameAt];
  const made = product(tracker);
  return connectionEvent({
    time: line.time,
    timeText: line.timeText,
    src: [f[srcAt], 'source address'],
    dst: [f[dstAt], 'destination address'],
    srcPort: [srcPort, 'source port'],
    dstPort: [dstPort, 'destination port'],
    protocol: [protocol, 'protocol'],
    action: ACTIONS.get(f[6]!),
    bytes: [f[lengthAt], 'length'],
    device: hostless ? undefined : line.host,
    vendor: made.vendor,
    product: made.product,
  }, ID, ctx);
}

// --- the scan's hot path (MessageFormat.filteredOnBytes) --------------------------------------------------------

const COMMA = 44;
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');
const ACTION_BYTES = [...ACTIONS.keys()].map(latin1);
const DIRECTION_BYTES = [...DIRECTIONS].map(latin1);
const UNKNOWN = latin1('unknown(');
const TRUNCATED = latin1('truncated-ip');
const ERRORMSG = latin1('errormsg=');

function startsWithBytes(buf: Buffer, s: number, e: number, word: Buffer): boolean {
  if (e - s < word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[s + k] !== word[k]) return false;
  return true;
}

function isOneOf(buf: Buffer, s: number, e: number, words: readonly Buffer[]): boolean {
  for (const word of words) if (word.length === e - s && startsWithBytes(buf, s, e, word)) return true;
  return false;
}

/**
 * parseFilterlog's FILTERED on bytes, whether or not the syslog tag says filterlog: the message is one a bare line
 * would be recognised by (CSV start, the seventh comma within 512 characters, the direction, an IP version of one
 * character, a known action — with these the tagged and untagged paths of parseFilterlog agree), it is not
 * `truncated-ip…`, its protocol id is 6 or 17, the first tail field is not `errormsg=…`, the line has every field of
 * the TCP (9) or UDP (3) tail, and the destination port is 1 to 5 digits, at most 65535, not in `dstPorts`. The
 * fields are counted on the bytes up to the last one needed; a byte above 127 before it leaves it to the text path.
 */
function filteredOnBytes(buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>): boolean {
  if (start >= end || !isCsvStart(buf[start]!)) return false;
  let k = 0; // the field [from, i) ends at i
  let from = start;
  let tailAt = -100; // the first protocol field, once the IP version is known (no field's index before)
  let last = -1; // the last field the protocol's tail needs, once the protocol is known
  let port = -1;
  for (let i = start; i <= end; i++) {
    const c = i < end ? buf[i]! : COMMA;
    if (c !== COMMA) {
      if (c > 127) return false;
      continue;
    }
    const closed = i < end; // the field ends at a comma (not at the end of the line)
    if (k === 6) {
      // the seventh comma within 512 characters (directionAndVersionAt), a known action (commonPartHolds)
      if (!closed || i + 1 - start > 512 || !(isOneOf(buf, from, i, ACTION_BYTES) || startsWithBytes(buf, from, i, UNKNOWN))) return false;
    } else if (k === 7) {
      if (!closed || !isOneOf(buf, from, i, DIRECTION_BYTES)) return false;
    } else if (k === 8) {
      if (!closed || i - from !== 1 || (buf[from] !== 52 /* 4 */ && buf[from] !== 54 /* 6 */)) return false;
      tailAt = buf[from] === 52 ? COMMON + 11 : COMMON + 8;
    } else if (k === COMMON) {
      if (startsWithBytes(buf, from, i, TRUNCATED)) return false;
    } else if (k === tailAt - (tailAt === COMMON + 11 ? 5 : 4)) {
      // the protocol id: TCP needs 9 tail fields, UDP 3
      if (i - from === 1 && buf[from] === 54 /* 6 */) last = tailAt + 8;
      else if (i - from === 2 && buf[from] === 49 /* 1 */ && buf[from + 1] === 55 /* 7 */) last = tailAt + 2;
      else return false;
    } else if (k === tailAt) {
      if (startsWithBytes(buf, from, i, ERRORMSG)) return false;
    } else if (k === tailAt + 1) {
      port = decimalPort(buf, from, i);
      if (port === -1) return false;
    }
    if (k === last) return !dstPorts.has(port);
    k++;
    from = i + 1;
  }
  return false;
}

export const filterlogFormat: MessageFormat = {
  id: ID,
  vendor: 'Netgate',
  product: 'pfSense (and Deciso OPNsense)',
  description: 'pfSense and OPNsense filterlog CSV (IPv4/IPv6; TCP, UDP, ICMP, CARP and other tails; pass/block)',
  recognizedBy: 'tag filterlog (or a bare line whose first nine comma-separated fields are filterlog\'s common part)',
  sample: "<134>Mar 16 10:15:02 filterlog[72237]: 5,,,1000000103,igb0,match,block,in,4,0x0,,52,54321,0,DF,6,tcp,60,203.0.113.7,10.1.2.3,51515,104,0,S,2841517125,,64240,,mss;sackOK;TS;nop;wscale",
  parse: parseFilterlog,
  filteredOnBytes,
};
