/**
 * Juniper SRX session logs (process RT_FLOW), in the two forms Junos writes them (Junos "System Log Messages"
 * reference, RT_FLOW; "Information Provided in Session Log Entries for SRX Series"):
 *
 * - structured data (RFC 5424, `structured-data` / stream mode `sd-syslog`): the message id is the tag and the
 *   values are SD-PARAMs of one `junos@2636.…` element:
 *     <14>1 2026-03-16T11:15:02.184+01:00 srx01 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.129
 *     source-address="203.0.113.7" source-port="51515" destination-address="10.1.2.3" destination-port="104" …]
 * - plain text (BSD syslog, stream mode `syslog`): `TAG: text`, positional:
 *     RT_FLOW_SESSION_CREATE: session created 203.0.113.7/51515->10.1.2.3/104 0x0 junos-dicom
 *       203.0.113.7/51515->10.1.2.3/104 0x0 N/A N/A N/A N/A 6 dicom-in untrust trust 4711 N/A(N/A) ge-0/0/0.0 …
 *     RT_FLOW_SESSION_CLOSE: session closed TCP FIN: <tuple> … 6 dicom-in untrust trust 4711 5(320) 4(1204) 12 …
 *     RT_FLOW_SESSION_DENY: session denied <tuple> 0x0 junos-dicom 6(0) deny-all untrust trust …
 *   The first `address/port->address/port` is the session's, the second the translated one. Between the
 *   translated tuple and the protocol the NAT rule types and names come (their number changed across Junos releases,
 *   and a type may read `source rule`), so the protocol is found from the right: it is the fifth field before the
 *   first parenthesised one (CLOSE's `packets(bytes)` counters, CREATE's `user(roles)`; the end of the line in
 *   the oldest releases), which follows `protocol-id policy-name source-zone destination-zone session-id`. DENY
 *   writes it as `protocol-id(icmp-type)`.
 *
 * Session records: RT_FLOW_SESSION_CREATE, _CLOSE, _DENY and their logical-system variants (`_LS`), and the
 * AppTrack session records the same process sends (APPTRACK_SESSION_CREATE, _CLOSE, _VOL_UPDATE, _ROUTE_UPDATE,
 * `_LS`). Any other RT_FLOW message is NOT_A_CONNECTION.
 *
 * - Addresses: `source-address`/`destination-address`, the session's initiator and responder before NAT; the
 *   `nat-*` fields (the translated tuple) are never the source or destination.
 * - Decision: a session exists on an SRX only when a policy permitted it (traffic a policy denies or rejects creates
 *   none and is logged as RT_FLOW_SESSION_DENY), and the session records name that policy: CREATE, CLOSE and the
 *   AppTrack records → allow, DENY → deny, as Elastic's pipeline does (event.type allowed/denied). A close reason
 *   (`TCP FIN`, `idle Timeout`…) is how the permitted session ended, not a decision.
 * - Time: the syslog header's, when the firewall logged the record (for CLOSE: the end of the session).
 * - bytes/packets: client + server counters (CLOSE, VOL_UPDATE), when both directions are given.
 * - For ICMP sessions the SRX writes ICMP identifiers in the port fields; they are kept as written, as Elastic does.
 */
import type { Action } from '../../model/event.js';
import { decimalPort, FILTERED } from '../prefilter.js';
import { fail, skip, type ParseResult } from '../types.js';
import { connectionEvent } from './connection.js';
import type { SyslogLine } from './framing.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'juniper-srx';
const VENDOR = 'Juniper Networks';
const PRODUCT = 'SRX';

type Kind = 'create' | 'close' | 'deny' | 'apptrack';

/** The session records, by tag without its `_LS` suffix. */
const SESSION_TAGS: ReadonlyMap<string, Kind> = new Map<string, Kind>([
  ['RT_FLOW_SESSION_CREATE', 'create'],
  ['RT_FLOW_SESSION_CLOSE', 'close'],
  ['RT_FLOW_SESSION_DENY', 'deny'],
  ['APPTRACK_SESSION_CREATE', 'apptrack'],
  ['APPTRACK_SESSION_CLOSE', 'apptrack'],
  ['APPTRACK_SESSION_VOL_UPDATE', 'apptrack'],
  ['APPTRACK_SESSION_ROUTE_UPDATE', 'apptrack'],
]);

const ACTION: Readonly<Record<Kind, Action>> = { create: 'allow', close: 'allow', apptrack: 'allow', deny: 'deny' };

/** Longest tag read (`APPTRACK_SESSION_ROUTE_UPDATE_LS` is 32). */
const MAX_TAG = 64;
/** Tokens read from a plain message: the session fields come well before; the rest of a longer line is not read. */
const MAX_TOKENS = 64;

function isRtFlowTag(text: string, from = 0): boolean {
  return text.startsWith('RT_FLOW_', from) || text.startsWith('APPTRACK_SESSION_', from);
}

// --- RFC 5424 structured data ---------------------------------------------------------------------------------

export interface StructuredData {
  /** SD-PARAM values by name, unescaped (`\"`, `\\`, `\]`), first occurrence wins, across all SD elements. */
  params: Map<string, string>;
  /** Every SD element was closed with `]` (false: the text was cut short). */
  complete: boolean;
  /** The first SD-ID (`junos@2636.1.1.1.2.129`). */
  id: string;
}

/**
 * The SD elements at the start of `text` (`[id name="value" …][id2 …]`), in one linear pass. Lenient where real
 * senders are: a value without quotes (or in typographic quotes) runs to the next space or `]`.
 */
export function parseStructuredData(text: string): StructuredData {
  const params = new Map<string, string>();
  let id = '';
  let i = 0;
  const n = text.length;
  while (i < n && text.charCodeAt(i) === 91 /* [ */) {
    i++;
    const idStart = i;
    while (i < n && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 93) i++;
    if (id === '') id = text.slice(idStart, i);
    for (;;) {
      while (i < n && text.charCodeAt(i) === 32) i++;
      if (i >= n) return { params, complete: false, id };
      if (text.charCodeAt(i) === 93 /* ] */) {
        i++;
        break;
      }
      const nameStart = i;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 61 /* = */ || c === 32 || c === 93) break;
        i++;
      }
      if (i >= n) return { params, complete: false, id };
      const name = text.slice(nameStart, i);
      if (text.charCodeAt(i) !== 61) continue; // a bare word: not a parameter
      i++;
      let value = '';
      if (text.charCodeAt(i) === 34 /* " */) {
        i++;
        let start = i;
        let closed = false;
        while (i < n) {
          const c = text.charCodeAt(i);
          if (c === 92 /* \ */ && i + 1 < n) {
            const next = text.charCodeAt(i + 1);
            if (next === 34 || next === 92 || next === 93) {
              value += text.slice(start, i);
              start = i + 1;
              i += 2;
              continue;
            }
          }
          if (c === 34) {
            closed = true;
            break;
          }
          i++;
        }
        value += text.slice(start, i);
        if (!closed) return { params, complete: false, id };
        i++;
      } else {
        const start = i;
        while (i < n && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 93) i++;
        value = text.slice(start, i);
      }
      if (!params.has(name)) params.set(name, value);
    }
  }
  return { params, complete: true, id };
}

/** RFC 5424's MSGID, the token right before STRUCTURED-DATA (the framing keeps APP-NAME, not MSGID). */
function msgidOf(line: SyslogLine): string {
  const head = line.line.slice(0, line.line.length - line.rest.length).trimEnd();
  return head.slice(head.lastIndexOf(' ') + 1);
}

/** A value that says "nothing here" in SRX logs. */
function present(value: string | undefined): string | undefined {
  return value === undefined || value === '' || value === 'N/A' || value === 'None' ? undefined : value;
}

function sum(a: string | undefined, b: string | undefined): string | undefined {
  if (a === undefined || b === undefined || !/^\d{1,15}$/.test(a) || !/^\d{1,15}$/.test(b)) return undefined;
  return String(Number(a) + Number(b));
}

// --- plain text -------------------------------------------------------------------------------------------------

interface Endpoint {
  address: string;
  port: string;
}

/** `address/port->address/port` (IPv6 addresses contain no `/`: the last one before `->` and after it split). */
function tupleOf(token: string): [Endpoint, Endpoint] | undefined {
  const arrow = token.indexOf('->');
  if (arrow === -1) return undefined;
  const left = token.slice(0, arrow);
  const right = token.slice(arrow + 2);
  const ls = left.lastIndexOf('/');
  const rs = right.lastIndexOf('/');
  if (ls <= 0 || rs <= 0) return undefined;
  return [{ address: left.slice(0, ls), port: left.slice(ls + 1) }, { address: right.slice(0, rs), port: right.slice(rs + 1) }];
}

/** `digits(digits)`: DENY's `protocol-id(icmp-type)`, CLOSE's `packets(bytes)`. */
function pairOf(token: string | undefined): [string, string] | undefined {
  if (token === undefined) return undefined;
  const open = token.indexOf('(');
  if (open <= 0 || !token.endsWith(')')) return undefined;
  const a = token.slice(0, open);
  const b = token.slice(open + 1, -1);
  return /^\d{1,15}$/.test(a) && /^\d{1,15}$/.test(b) ? [a, b] : undefined;
}

interface SessionValues {
  src: string | undefined;
  dst: string | undefined;
  srcPort: string | undefined;
  dstPort: string | undefined;
  protocol: string | undefined;
  bytes: string | undefined;
  packets: string | undefined;
}

function plainValues(text: string, kind: Kind): SessionValues | string {
  const tokens = text.split(' ', MAX_TOKENS).filter((t) => t !== '');
  let at = -1;
  let tuple: [Endpoint, Endpoint] | undefined;
  for (let k = 0; k < tokens.length && tuple === undefined; k++) {
    tuple = tupleOf(tokens[k]!);
    at = k;
  }
  if (tuple === undefined) return 'no source->destination tuple (cut short?)';
  // The service name always follows the tuple: a tuple that ends the text may have lost digits of its port.
  if (at + 1 >= tokens.length) return 'the text ends at the source->destination tuple (cut short?)';
  const values: SessionValues = {
    src: tuple[0].address, dst: tuple[1].address, srcPort: tuple[0].port, dstPort: tuple[1].port,
    protocol: undefined, bytes: undefined, packets: undefined,
  };
  if (kind === 'deny') {
    for (let k = at + 1; k < tokens.length; k++) {
      const pair = pairOf(tokens[k]);
      if (pair) {
        values.protocol = pair[0];
        break;
      }
    }
    return values;
  }
  if (kind === 'apptrack') return values; // its positional layout is not documented beyond the tuple
  // The translated tuple, then … protocol-id policy-name source-zone destination-zone session-id, then the first
  // parenthesised field (or the end of the line).
  let nat = at + 1;
  while (nat < tokens.length && !tokens[nat]!.includes('->')) nat++;
  if (nat >= tokens.length) return values;
  let paren = nat + 1;
  while (paren < tokens.length && !(tokens[paren]!.includes('(') && tokens[paren]!.endsWith(')'))) paren++;
  const protocol = tokens[paren - 5];
  if (paren - 5 > nat && /^\d{1,3}$/.test(protocol ?? '') && /^\d{1,12}$/.test(tokens[paren - 1] ?? '')) values.protocol = protocol;
  if (kind === 'close') {
    const client = pairOf(tokens[paren]);
    const server = pairOf(tokens[paren + 1]);
    if (client && server) {
      values.packets = sum(client[0], server[0]);
      values.bytes = sum(client[1], server[1]);
    }
  }
  return values;
}

function structuredValues(sd: StructuredData): SessionValues | string {
  const p = sd.params;
  if (!sd.complete) return 'structured data cut short (no closing "]")';
  const src = p.get('source-address');
  const dst = p.get('destination-address');
  if (src === undefined) return 'no source-address (cut short?)';
  if (dst === undefined) return 'no destination-address (cut short?)';
  return {
    src, dst,
    srcPort: present(p.get('source-port')),
    dstPort: present(p.get('destination-port')),
    protocol: present(p.get('protocol-id')),
    bytes: sum(p.get('bytes-from-client'), p.get('bytes-from-server')),
    packets: sum(p.get('packets-from-client'), p.get('packets-from-server')),
  };
}

// --- the message format -----------------------------------------------------------------------------------------

function parseSrx(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const message = line.message;
  const rest = line.rest;
  const rtFlowApp = line.app === 'RT_FLOW';
  let tag: string;
  let body: string;
  // A BSD line without a host name (`May  8 02:52:02 RT_FLOW: RT_FLOW_SESSION_CLOSE: session closed …`): the framing
  // took `RT_FLOW:` for the host and the message's own tag for the syslog tag.
  const hostless = line.host !== undefined && line.host.endsWith(':');
  if (line.app !== undefined && isRtFlowTag(line.app)) {
    tag = line.app;
    body = message;
  } else if (isRtFlowTag(message)) {
    // `TAG: text` or `TAG [sd…]` in the message.
    let end = 0;
    const limit = Math.min(message.length, MAX_TAG);
    while (end < limit) {
      const c = message.charCodeAt(end);
      if (c === 58 /* : */ || c === 32 || c === 91 /* [ */) break;
      end++;
    }
    tag = message.slice(0, end);
    body = message.slice(end + (message.charCodeAt(end) === 58 ? 1 : 0)).trimStart();
  } else if (rest.charCodeAt(0) === 91 /* [ */ && (rtFlowApp || rest.startsWith('[junos@'))) {
    // RFC 5424 with structured data: the tag is the MSGID.
    tag = msgidOf(line);
    if (!rtFlowApp && !isRtFlowTag(tag)) return NOT_MINE; // another Junos process (RT_IDP, RT_UTM…)
    body = rest;
  } else if (rtFlowApp) {
    // RFC 5424 without structured data (`-`): MSGID, then the plain text.
    tag = rest.startsWith('-') ? msgidOf(line) : '';
    body = message;
  } else {
    return NOT_MINE;
  }
  const base = tag.endsWith('_LS') ? tag.slice(0, -3) : tag;
  const kind = SESSION_TAGS.get(base);
  if (kind === undefined) return skip('NOT_A_CONNECTION', `RT_FLOW ${tag === '' ? 'message' : tag.slice(0, MAX_TAG)} is not a session record`);

  let values: SessionValues | string;
  if (body.charCodeAt(0) === 91 /* [ */) {
    const sd = parseStructuredData(body);
    // Structured data of someone else (a relay's `[meta sequenceId="1"]`) in front of the plain text.
    values = sd.complete && !sd.params.has('source-address') && !sd.id.startsWith('junos@') && message !== ''
      ? plainValues(message, kind)
      : structuredValues(sd);
  } else {
    values = plainValues(body, kind);
  }
  if (typeof values === 'string') return fail('MALFORMED', `${tag}: ${values}`);
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(values.dstPort)) return FILTERED;
  return connectionEvent({
    time: line.time,
    timeText: line.timeText,
    src: [values.src, 'source-address'],
    dst: [values.dst, 'destination-address'],
    srcPort: [values.srcPort, 'source-port'],
    dstPort: [values.dstPort, 'destination-port'],
    protocol: [values.protocol, 'protocol-id'],
    action: ACTION[kind],
    bytes: [values.bytes, 'bytes-from-client + bytes-from-server'],
    packets: [values.packets, 'packets-from-client + packets-from-server'],
    device: hostless ? undefined : line.host,
    vendor: VENDOR,
    product: PRODUCT,
  }, ID, ctx);
}

// --- the scan's hot path (MessageFormat.filteredOnBytes) --------------------------------------------------------

const B_SPACE = 32;
const B_COLON = 58;
const B_SLASH = 47;
const RT_FLOW = Buffer.from('RT_FLOW', 'latin1');
const TAG_PREFIXES = [Buffer.from('RT_FLOW_', 'latin1'), Buffer.from('APPTRACK_SESSION_', 'latin1')];
const SESSION_TAG_BYTES = [...SESSION_TAGS.keys()].flatMap((t) => [Buffer.from(t, 'latin1'), Buffer.from(`${t}_LS`, 'latin1')]);

function bytesAre(buf: Buffer, s: number, e: number, word: Buffer): boolean {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[s + k] !== word[k]) return false;
  return true;
}

/** isRtFlowTag on bytes: buf[s, e) starts with `RT_FLOW_` or `APPTRACK_SESSION_`. */
function startsWithRtFlowTag(buf: Buffer, s: number, e: number): boolean {
  return TAG_PREFIXES.some((p) => e - s >= p.length && bytesAre(buf, s, s + p.length, p));
}

/** buf[s, e) is a session record's tag (`_LS` or not). */
function isSessionTag(buf: Buffer, s: number, e: number): boolean {
  for (let k = 0; k < SESSION_TAG_BYTES.length; k++) if (bytesAre(buf, s, e, SESSION_TAG_BYTES[k]!)) return true;
  return false;
}

/**
 * plainValues' destination port on bytes: the first of the (at most MAX_TOKENS) space-separated pieces of buf[s, e)
 * that is an `address/port->address/port` tuple as tupleOf reads it, followed by another non-empty piece; its port
 * after the last `/` when it is 1 to 5 digits, at most 65535. -1 otherwise.
 */
function plainDstPort(buf: Buffer, s: number, e: number): number {
  let port = -1;
  let pieces = 0;
  for (let p = s; p <= e && pieces < MAX_TOKENS; pieces++) {
    let q = p;
    while (q < e && buf[q] !== B_SPACE) q++;
    if (q > p) {
      if (port !== -1) return port; // a piece after the tuple: not cut there
      // tupleOf: the first `->`; a `/` after the first byte on each side; the port after the last `/` of the right
      let arrow = -1;
      let leftSlash = -1;
      for (let i = p; i + 1 < q; i++) {
        if (buf[i] === 45 /* - */ && buf[i + 1] === 62 /* > */) {
          arrow = i;
          break;
        }
        if (buf[i] === B_SLASH) leftSlash = i;
      }
      if (arrow !== -1 && leftSlash > p) {
        let rightSlash = -1;
        for (let i = arrow + 2; i < q; i++) if (buf[i] === B_SLASH) rightSlash = i;
        if (rightSlash > arrow + 2) {
          port = decimalPort(buf, rightSlash + 1, q);
          if (port === -1) return -1;
        }
      }
    }
    p = q + 1;
  }
  return -1;
}

/**
 * parseSrx's FILTERED on bytes, for the plain-text session records a BSD header carries (`… RT_FLOW:
 * RT_FLOW_SESSION_CREATE: session created 203.0.113.7/51515->10.1.2.3/443 …`, also `_CLOSE`, `_DENY`, AppTrack and
 * `_LS`). Which branch parseSrx takes depends on the syslog tag, which the framing takes off the message: it is read
 * from the bytes right before the message, between `lineStart` and `start` (` TAG: `, a space before the tag) —
 * `RT_FLOW`, the message then starting with its own session tag, or a session tag itself (the message is the body);
 * anything else there is "not sure". The body must not be structured data (`[`), and plainValues' first tuple must be
 * followed by another piece and end in a port (1 to 5 digits, at most 65535) not in `dstPorts`. A byte above 127 in
 * the message leaves it to the text path.
 */
function filteredOnBytes(buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>, lineStart: number): boolean {
  if (start - lineStart < 3 || buf[start - 1] !== B_SPACE || buf[start - 2] !== B_COLON) return false;
  let w = start - 2;
  while (w > lineStart && start - w <= MAX_TAG && buf[w - 1] !== B_SPACE) w--;
  if (w === lineStart || buf[w - 1] !== B_SPACE) return false;
  for (let i = start; i < end; i++) if (buf[i]! > 127) return false;
  let body: number;
  if (startsWithRtFlowTag(buf, w, start - 2)) {
    // the syslog tag is the record's: the message is its body
    if (!isSessionTag(buf, w, start - 2)) return false;
    body = start;
  } else if (bytesAre(buf, w, start - 2, RT_FLOW)) {
    // `RT_FLOW: RT_FLOW_SESSION_CREATE: …`: the record's tag starts the message, up to `:`, a space or `[`
    if (!startsWithRtFlowTag(buf, start, end)) return false;
    let tagEnd = start;
    const limit = Math.min(end, start + MAX_TAG);
    while (tagEnd < limit && buf[tagEnd] !== B_COLON && buf[tagEnd] !== B_SPACE && buf[tagEnd] !== 91 /* [ */) tagEnd++;
    if (tagEnd >= limit || !isSessionTag(buf, start, tagEnd)) return false;
    body = buf[tagEnd] === B_COLON ? tagEnd + 1 : tagEnd;
    while (body < end && (buf[body] === B_SPACE || (buf[body]! >= 9 && buf[body]! <= 13))) body++; // trimStart
  } else {
    return false;
  }
  if (buf[body] === 91 /* [ */ && body < end) return false; // structured data
  const port = plainDstPort(buf, body, end);
  return port !== -1 && !dstPorts.has(port);
}

export const juniperSrxFormat: MessageFormat = {
  id: ID,
  vendor: VENDOR,
  product: PRODUCT,
  description: 'Juniper SRX RT_FLOW session logs (SESSION_CREATE/CLOSE/DENY, AppTrack), structured-data and plain forms',
  recognizedBy: 'process RT_FLOW, or a message starting RT_FLOW_… / APPTRACK_SESSION_… (RFC 5424: the MSGID)',
  sample: "<14>1 2026-03-16T11:15:02.184+01:00 srx-edge01 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.129 source-address=\"203.0.113.7\" source-port=\"51515\" destination-address=\"198.51.100.10\" destination-port=\"104\" connection-tag=\"0\" service-name=\"junos-dicom\" nat-source-address=\"203.0.113.7\" nat-source-port=\"51515\" nat-destination-address=\"10.1.2.3\" nat-destination-port=\"104\" nat-connection-tag=\"0\" src-nat-rule-type=\"N/A\" src-nat-rule-name=\"N/A\" dst-nat-rule-type=\"destination rule\" dst-nat-rule-name=\"pacs-dnat\" protocol-id=\"6\" policy-name=\"untrust-to-pacs\" source-zone-name=\"untrust\" destination-zone-name=\"dmz\" session-id-32=\"4711\" username=\"N/A\" roles=\"N/A\" packet-incoming-interface=\"ge-0/0/0.0\" application=\"UNKNOWN\" nested-application=\"UNKNOWN\" encrypted=\"UNKNOWN\" application-category=\"N/A\" application-sub-category=\"N/A\" application-risk=\"1\" application-characteristics=\"N/A\"]",
  parse: parseSrx,
  filteredOnBytes,
};
