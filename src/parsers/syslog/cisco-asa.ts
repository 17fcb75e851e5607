/**
 * Cisco ASA (and PIX/FWSM, which share its message catalogue) and Cisco Firepower Threat Defense syslog messages, as
 * Cisco's "Syslog Messages" guides document them: `%ASA-6-302013: Built inbound TCP connection …`,
 * `%FTD-1-430003: AccessControlRuleAction: Allow, SrcIP: …`. One module, two ids: `cisco-asa` for `%ASA-`/`%PIX-`/
 * `%FWSM-` messages, `cisco-ftd` for `%FTD-` ones (FTD writes the ASA catalogue under its own prefix, plus the
 * 430001–430005 security events, comma-separated `Key: value` pairs).
 *
 * - Time: ASA messages carry no time of their own; the device's stamp is the syslog header (`logging timestamp`:
 *   `Mar 16 2026 10:15:02`, a zone name, RFC 5424 `2026-03-16T10:15:02Z`), read by the framing (framing.ts).
 * - Sides: `interface:address/port`, the interface optional where Cisco writes it so; an interface may hold spaces
 *   (`NP Identity Ifc`) or a context prefix (`v1:outside`), an address may be IPv6; `(user)`, `(LOCAL\user, sgt)` and
 *   `(hostname)` after a side are skipped; a host name where an address belongs is a BAD_ADDRESS error (the IP is not
 *   in the message).
 * - Direction: `Built inbound … for A to B`: A (the outside) started it; `Built outbound … for A to B`: B (the inside)
 *   did (Cisco: "If outbound is specified, the original control connection was initiated from the inside"). 302020
 *   likewise with faddr/laddr. Teardowns state no direction: their first side is the source (302014/302016), laddr
 *   for 302021 — as Elastic's pipeline takes them.
 * - NAT: the mapped `(address/port)` of each side is never the source or destination: the real one is.
 * - Build and teardown are one event each; a connection the firewall built went through it: allow (Elastic's pipeline
 *   says event.outcome success and no allow/deny; for the hunt, a built inbound connection is the exposure itself).
 *   Deny messages deny; a message that
 *   says it dropped or discarded (106013, 338xxx, 419001, 434002, 710004–710006) drops.
 * - Messages that are not a connection's record skip as NOT_A_CONNECTION: NAT slots (305011/305012), cluster stub
 *   flows (302022–302027, the owner logs the connection), flow offload (805001/805002), application events on a
 *   connection logged on its own (303002, 304001/304002, 338301, 507003, 607001, 434004), ICMP to the device itself
 *   without a destination (313001, 313008), VPN, authentication and system messages.
 */
import type { Action } from '../../model/event.js';
import { normalizeProtocol } from '../../model/protocol.js';
import { canonicalIp } from '../../net/ip.js';
import { FILTERED } from '../prefilter.js';
import { fail, skip, type ParseResult, type Rejection } from '../types.js';
import { connectionEvent } from './connection.js';
import type { SyslogLine } from './framing.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ASA_ID = 'cisco-asa';
const FTD_ID = 'cisco-ftd';
const VENDOR = 'Cisco';

type Product = 'ASA' | 'PIX' | 'FWSM' | 'FTD';
const ASA_PRODUCTS: ReadonlySet<string> = new Set(['ASA', 'PIX', 'FWSM']);
const FTD_PRODUCTS: ReadonlySet<string> = new Set(['FTD']);

/** How far into a message the `%ASA-` tag is looked for when the framing did not find it as the syslog tag. */
const TAG_SEARCH = 256;

// ---------------------------------------------------------------------------------------------------------------
// The tag: `%ASA-6-302013`, `%ASA-session-5-106100`, `%FTD--6-852002`, `%FTD-1-430003`

interface Tag {
  product: Product;
  id: string;
  /** The text after the tag. */
  body: string;
  /** The device: the header's host, else the word right before the tag (`fw-1 %ASA-…`). */
  device: string | undefined;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** `%PRODUCT[junk]-[suffix-]S-NNNNNN` at `p` (the `%`): product, id and where the tag ends; undefined otherwise. */
function readTag(s: string, p: number): { product: Product; id: string; end: number } | undefined {
  let i = p + 1;
  while (i - p <= 4 && s.charCodeAt(i) >= 65 && s.charCodeAt(i) <= 90) i++;
  const product = s.slice(p + 1, i);
  if (!ASA_PRODUCTS.has(product) && !FTD_PRODUCTS.has(product)) return undefined;
  // `%FTD<Up>-4-…`: whatever a relay inserted before the first `-` (bounded, no spaces).
  for (let guard = 0; i < s.length && s.charCodeAt(i) !== 45 && guard < 16; guard++, i++) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 58) return undefined;
  }
  if (s.charCodeAt(i) !== 45) return undefined;
  i++;
  if (!isDigit(s.charCodeAt(i))) {
    // A facility-like suffix before the severity: `session-`, `auth-`, or none at all (`--`).
    const start = i;
    while (i < s.length && i - start < 32 && s.charCodeAt(i) !== 45) {
      const c = s.charCodeAt(i);
      if (isDigit(c) || c === 32) return undefined;
      i++;
    }
    if (s.charCodeAt(i) !== 45) return undefined;
    i++;
  }
  if (!isDigit(s.charCodeAt(i)) || s.charCodeAt(i + 1) !== 45) return undefined;
  i += 2;
  const idStart = i;
  while (i - idStart < 7 && isDigit(s.charCodeAt(i))) i++;
  if (i === idStart) return undefined;
  const c = s.charCodeAt(i);
  if (i < s.length && c !== 58 && c !== 32) return undefined;
  return { product: product as Product, id: s.slice(idStart, i), end: i };
}

function stripColon(word: string): string {
  return word.length > 1 && word.endsWith(':') ? word.slice(0, -1) : word;
}

function skipSeparators(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 58 || s.charCodeAt(i) === 32)) i++;
  return i;
}

/** The Cisco tag of a line, where the framing put it (the syslog tag) or at the start of (or early in) the message. */
export function ciscoTag(line: SyslogLine): Tag | undefined {
  const app = line.app;
  if (app !== undefined && app.charCodeAt(0) === 37 /* % */) {
    const t = readTag(app, 0);
    return t && { product: t.product, id: t.id, body: line.message, device: line.host };
  }
  const m = line.message;
  const limit = Math.min(m.length, TAG_SEARCH);
  let p = m.charCodeAt(0) === 37 ? 0 : m.indexOf('%');
  for (let tries = 0; p !== -1 && p < limit && tries < 4; tries++) {
    // A tag starts the message or a word (`fw-1 %ASA-…`, `:%ASA-…`), never inside one (`GET /%ASA-…`).
    const before = p === 0 ? 32 : m.charCodeAt(p - 1);
    const t = before === 32 || before === 58 ? readTag(m, p) : undefined;
    if (t) {
      let device = line.host;
      if (device === undefined && p > 0) {
        const before = m.slice(0, p).trimEnd();
        const word = stripColon(before.slice(before.lastIndexOf(' ') + 1));
        if (word !== '' && word !== ':') device = word;
      }
      return { product: t.product, id: t.id, body: m.slice(skipSeparators(m, t.end)), device };
    }
    p = m.indexOf('%', p + 1);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Sides of a connection

interface Side {
  addr: string;
  port: string | undefined;
}

/**
 * The address in `[interface:]address` (`outside:10.1.2.3`, `v1:outside:10.1.2.3`, `NP Identity Ifc:10.1.1.1`,
 * `outside:2001:db8::1`, `2001:db8::1`): the longest tail after a colon that is an IP address; a text that holds none
 * (a host name from the ASA's `names`) comes back after its last colon, for the error message.
 */
function address(text: string): string {
  if (canonicalIp(text) !== undefined) return text;
  let colon = text.indexOf(':');
  for (let n = 0; colon !== -1 && n < 8; n++) {
    const tail = text.slice(colon + 1);
    if (canonicalIp(tail) !== undefined) return tail;
    colon = text.indexOf(':', colon + 1);
  }
  const last = text.lastIndexOf(':');
  return last === -1 ? text : text.slice(last + 1);
}

/**
 * One side as the message writes it: `[interface:]address[/port][ (mapped/port)][(user)]…`. The address runs to `/`
 * (then the port's characters up to a space, `(` or `,`), else to `(` or the first space after the interface.
 */
function side(span: string): Side | undefined {
  const text = span.trim();
  const slash = text.indexOf('/');
  const paren = text.indexOf('(');
  let addrPart: string;
  let port: string | undefined;
  if (slash !== -1 && (paren === -1 || slash < paren)) {
    addrPart = text.slice(0, slash);
    let e = slash + 1;
    while (e < text.length) {
      const c = text.charCodeAt(e);
      if (c === 32 || c === 40 || c === 44) break;
      e++;
    }
    port = text.slice(slash + 1, e);
  } else {
    addrPart = text.slice(0, paren === -1 ? text.length : paren).trimEnd();
    const space = addrPart.indexOf(' ', addrPart.indexOf(':') + 1);
    if (space !== -1) addrPart = addrPart.slice(0, space);
  }
  return addrPart === '' ? undefined : { addr: address(addrPart), port };
}

/** A side in parentheses (`from (0.0.0.0) to …`, 106016). */
function bareSide(span: string): Side | undefined {
  const t = span.trim();
  return side(t.startsWith('(') && t.endsWith(')') ? t.slice(1, -1) : t);
}

// ---------------------------------------------------------------------------------------------------------------
// What a message handler finds

interface Conn {
  src: Side;
  dst: Side;
  /** The message's own words for each side, for error messages (`faddr`, `src`, `for`…). */
  srcField: string;
  dstField: string;
  protocol?: string | undefined;
  action?: Action | undefined;
  bytes?: string | undefined;
  packets?: string | undefined;
}

type Outcome = Conn | Rejection;

function malformed(id: string, why: string): Rejection {
  return fail('MALFORMED', `Cisco ${id}: ${why} (cut short, or not the documented layout)`);
}

/** A connection the firewall built (or tore down, having built it) went through it: the firewall allowed it. */
function permitted(o: Outcome): Outcome {
  return 'src' in o ? { ...o, action: 'allow' } : o;
}

function notConnection(id: string, why: string): Rejection {
  return skip('NOT_A_CONNECTION', `Cisco ${id}: ${why}`);
}

/** The text between `open` and the next `close` from `from`; `close` '' means to the end. */
function between(s: string, open: string, close: string, from = 0): { text: string; end: number } | undefined {
  const a = s.indexOf(open, from);
  if (a === -1) return undefined;
  const start = a + open.length;
  if (close === '') return { text: s.slice(start), end: s.length };
  const b = s.indexOf(close, start);
  return b === -1 ? undefined : { text: s.slice(start, b), end: b };
}

function firstWord(s: string, from = 0): string {
  const sp = s.indexOf(' ', from);
  return s.slice(from, sp === -1 ? s.length : sp);
}

/** A protocol whose numbers in the message are ports (ICMP's are type/code/id, GRE's a call id). */
function hasPorts(protocol: string | undefined): boolean {
  if (protocol === undefined || protocol === '') return true;
  const p = normalizeProtocol(protocol);
  return p === undefined || p === 'tcp' || p === 'udp' || p === 'sctp' || p === 'dccp' || p === 'udplite';
}

function pair(id: string, a: string | undefined, b: string | undefined, fields: [string, string], rest: Omit<Conn, 'src' | 'dst' | 'srcField' | 'dstField'>): Outcome {
  const src = a === undefined ? undefined : side(a);
  const dst = b === undefined ? undefined : side(b);
  if (!src || !dst) return malformed(id, 'no source or destination');
  return { src, dst, srcField: `${id} ${fields[0]}`, dstField: `${id} ${fields[1]}`, ...rest };
}

// ---------------------------------------------------------------------------------------------------------------
// Handlers, by message ID

/** `Built [inbound|outbound] [Probe] PROTO [state-bypass] connection [ID] {for|from} A to B …` (302013/15/17/35, 302303/05). */
function built(id: string, body: string): Outcome {
  if (!body.startsWith('Built ')) return malformed(id, 'no "Built"');
  const conn = body.indexOf(' connection ', 5);
  if (conn === -1 || conn > 80) return malformed(id, 'no "connection"');
  let direction: string | undefined;
  let protocol: string | undefined;
  for (const word of body.slice(6, conn).split(' ')) {
    const w = word.toLowerCase();
    if (w === 'inbound' || w === 'outbound') direction = w;
    else if (w !== 'probe' && w !== 'state-bypass' && w !== '') protocol = word;
  }
  let i = conn + 12;
  const idWord = firstWord(body, i);
  if (isDigit(idWord.charCodeAt(0))) i += idWord.length + 1;
  const keyword = body.startsWith('for ', i) ? 'for' : body.startsWith('from ', i) ? 'from' : undefined;
  if (keyword === undefined) return malformed(id, 'no "for"/"from"');
  i += keyword.length + 1;
  const to = body.indexOf(' to ', i);
  if (to === -1) return malformed(id, 'no "to"');
  const a = body.slice(i, to);
  const b = body.slice(to + 4);
  // Cisco writes each side's mapped (NAT) address after it: a side without it was cut short.
  if (!b.includes(')')) return malformed(id, 'no mapped address after the second side');
  const outbound = keyword === 'for' && direction === 'outbound';
  return outbound
    ? pair(id, b, a, ['to', keyword], { protocol })
    : pair(id, a, b, [keyword, 'to'], { protocol });
}

/** `Teardown [PROTO] [state-bypass] connection ID {for|from} A to B duration H:MM:SS bytes N …` (302014/16/18/36, 302304/06). */
function teardown(id: string, body: string): Outcome {
  if (!body.startsWith('Teardown ')) return malformed(id, 'no "Teardown"');
  const conn = body.indexOf(' connection ', 8);
  if (conn === -1 || conn > 80) return malformed(id, 'no "connection"');
  let protocol: string | undefined;
  for (const word of body.slice(9, conn).split(' ')) if (word !== 'state-bypass' && word !== '') protocol = word;
  let i = conn + 12;
  const idWord = firstWord(body, i);
  if (isDigit(idWord.charCodeAt(0))) i += idWord.length + 1;
  const keyword = body.startsWith('for ', i) ? 'for' : body.startsWith('from ', i) ? 'from' : undefined;
  if (keyword === undefined) return malformed(id, 'no "for"/"from"');
  i += keyword.length + 1;
  const to = body.indexOf(' to ', i);
  const duration = to === -1 ? -1 : body.indexOf(' duration ', to);
  if (duration === -1) return malformed(id, 'no "to … duration"');
  const bytesAt = body.indexOf(' bytes ', duration);
  const bytes = bytesAt === -1 ? '' : firstWord(body, bytesAt + 7);
  if (bytes === '' || !isDigit(bytes.charCodeAt(0))) return malformed(id, 'no byte count');
  return pair(id, body.slice(i, to), body.slice(to + 4, duration), [keyword, 'to'], { protocol, bytes });
}

/** `{Built inbound|Built outbound|Teardown} ICMP[v6] connection for faddr F gaddr G laddr L [type T code C]` (302020/302021). */
function icmpConnection(id: string, body: string): Outcome {
  const conn = body.indexOf(' connection for faddr ');
  if (conn === -1 || conn > 40) return malformed(id, 'no "connection for faddr"');
  const words = body.slice(0, conn).split(' ');
  const protocol = words[words.length - 1];
  const direction = words.includes('outbound') ? 'outbound' : words.includes('inbound') ? 'inbound' : undefined;
  const g = body.indexOf(' gaddr ', conn);
  const l = g === -1 ? -1 : body.indexOf(' laddr ', g);
  if (l === -1) return malformed(id, 'no "gaddr … laddr"');
  const faddr = body.slice(conn + 22, g);
  let laddr = body.slice(l + 7);
  const type = laddr.indexOf(' type ');
  if (type !== -1) laddr = laddr.slice(0, type);
  // Built inbound: the foreign host started it; outbound, and a teardown (which states no direction), the local one.
  return id === '302020' && direction === 'inbound'
    ? pair(id, faddr, laddr, ['faddr', 'laddr'], { protocol })
    : pair(id, laddr, faddr, ['laddr', 'faddr'], { protocol });
}

/**
 * `… from A to B <trailer>`: 106001/06/07/12/13/15/16/17/20/21/22, 110002, 419001/02, 434002, 710002–710006.
 * `trailers` end B (the first found); `required`: B must be followed by one of them (else the line was cut short).
 */
function fromTo(id: string, body: string, protocol: string | undefined, action: Action | undefined, trailers: readonly string[], required: boolean): Outcome {
  const from = body.indexOf(' from ');
  if (from === -1) return malformed(id, 'no "from"');
  let a = from + 6;
  const to = body.indexOf(' to ', a);
  if (to === -1) return malformed(id, 'no "to"');
  let b = to + 4;
  if (body.startsWith('PAT address ', b)) b += 12; // 106013
  let end = -1;
  for (const t of trailers) {
    const at = body.indexOf(t, b);
    if (at !== -1 && (end === -1 || at < end)) end = at;
  }
  if (end === -1) {
    if (required) return malformed(id, `no "${trailers[0]!.trim()}"`);
    end = body.length;
  }
  if (body.startsWith('(', a)) {
    // 106016 writes the spoofed source in parentheses.
    const src = bareSide(body.slice(a, to));
    const dst = side(body.slice(b, end));
    return src && dst ? { src, dst, srcField: `${id} from`, dstField: `${id} to`, protocol, action } : malformed(id, 'no source or destination');
  }
  if (body.startsWith('laddr ', a) || body.startsWith('faddr ', a)) a += 6;
  return pair(id, body.slice(a, to), body.slice(b, end), ['from', 'to'], { protocol, action });
}

/** `Deny [inbound|outbound] PROTO src A dst B …` (106010, 106014, 106023, 305013). */
function srcDst(id: string, body: string, action: Action, trailer: string | undefined): Outcome {
  const src = body.indexOf(' src ');
  if (src === -1) return malformed(id, 'no "src"');
  const dst = body.indexOf(' dst ', src + 5);
  if (dst === -1) return malformed(id, 'no "dst"');
  let end = body.length;
  if (trailer !== undefined) {
    end = body.indexOf(trailer, dst);
    if (end === -1) return malformed(id, `no "${trailer.trim()}"`);
  }
  // The protocol is the word right before `src` (`tcp`, or the number of `protocol 47`).
  const protocol = body.slice(body.lastIndexOf(' ', src - 1) + 1, src);
  return pair(id, body.slice(src + 5, dst), body.slice(dst + 5, end), ['src', 'dst'], { protocol: protocolOf(protocol), action });
}

function protocolOf(word: string | undefined): string | undefined {
  return word === undefined || word === '' || word.toLowerCase() === 'ip' ? undefined : word;
}

/** `access-list ACL {permitted|denied|est-allowed} PROTO [for user U] ifc/addr(port)[(user)] -> ifc/addr(port) hit-cnt …` (106100/02/03). */
function accessList(id: string, body: string): Outcome {
  if (!body.startsWith('access-list ')) return malformed(id, 'no "access-list"');
  const acl = firstWord(body, 12);
  const verbAt = 12 + acl.length + 1;
  const verb = firstWord(body, verbAt);
  const protoAt = verbAt + verb.length + 1;
  const protocol = firstWord(body, protoAt);
  const arrow = body.indexOf(' -> ', protoAt);
  if (arrow === -1) return malformed(id, 'no "->"');
  const hit = body.indexOf(' hit-cnt ', arrow);
  if (hit === -1) return malformed(id, 'no "hit-cnt"');
  // The source ends right before the arrow: `…/addr(port)` then any `(user)` groups.
  let k = arrow;
  let portOpen = -1;
  for (let n = 0; n < 4 && k > protoAt && body.charCodeAt(k - 1) === 41 /* ) */; n++) {
    const open = body.lastIndexOf('(', k - 1);
    if (open <= protoAt) break;
    const inner = body.slice(open + 1, k - 1);
    if (inner !== '' && inner.length <= 5 && [...inner].every((c) => c >= '0' && c <= '9')) {
      portOpen = open;
      break;
    }
    k = open;
  }
  if (portOpen === -1) return malformed(id, 'no source port');
  const slash = body.lastIndexOf('/', portOpen);
  if (slash <= protoAt) return malformed(id, 'no source interface/address');
  const srcAddr = body.slice(slash + 1, portOpen);
  const srcPort = body.slice(portOpen + 1, body.indexOf(')', portOpen));
  const dstText = body.slice(arrow + 4, hit);
  const dSlash = dstText.indexOf('/');
  const dOpen = dstText.indexOf('(', dSlash);
  const dClose = dstText.indexOf(')', dOpen);
  if (dSlash === -1 || dOpen === -1 || dClose === -1) return malformed(id, 'no destination address(port)');
  const action: Action | undefined = verb === 'denied' ? 'deny' : verb === 'permitted' || verb === 'est-allowed' ? 'allow' : undefined;
  return {
    src: { addr: address(srcAddr), port: srcPort },
    dst: { addr: address(dstText.slice(dSlash + 1, dOpen)), port: dstText.slice(dOpen + 1, dClose) },
    srcField: `${id} source`,
    dstField: `${id} destination`,
    protocol,
    action,
  };
}

/** `No matching connection for ICMP error message: icmp src … dst … (type, code) on IFC interface. Original IP payload: PROTO src A dst B.` */
function icmpError(id: string, body: string): Outcome {
  const payload = body.indexOf('Original IP payload: ');
  if (payload === -1) return malformed(id, 'no "Original IP payload"');
  let text = body.slice(payload + 21).trim();
  if (text.startsWith('<unknown>')) return notConnection(id, 'an ICMP error whose original packet is unknown names no connection');
  if (text.endsWith('.')) text = text.slice(0, -1);
  const src = text.indexOf(' src ');
  const dst = src === -1 ? -1 : text.indexOf(' dst ', src + 5);
  if (dst === -1) return malformed(id, 'no payload "src … dst"');
  const head = text.slice(0, src).split(' ');
  const protocol = head[0] === 'protocol' ? head[1] : head[0];
  // The connection the ICMP error is about is the original packet's: its addresses, ports and protocol.
  return pair(id, text.slice(src + 5, dst), text.slice(dst + 5), ['payload src', 'payload dst'], { protocol, action: 'deny' });
}

/** `Denied ICMP type=N, from laddr X on interface I to Y: no matching session` (313004). */
function icmpNoSession(id: string, body: string): Outcome {
  const protocol = firstWord(body, body.indexOf(' ') + 1);
  const from = between(body, ' from ', ' on interface ');
  if (!from) return malformed(id, 'no "from … on interface"');
  const to = body.indexOf(' to ', from.end + 14);
  if (to === -1) return malformed(id, 'no "to"');
  let dst = body.slice(to + 4);
  const tail = dst.indexOf(': no matching session');
  if (tail !== -1) dst = dst.slice(0, tail);
  let src = from.text.trim();
  const sp = src.indexOf(' ');
  if (sp !== -1 && src.slice(0, sp).endsWith('addr')) src = src.slice(sp + 1);
  return pair(id, src, dst, ['from', 'to'], { protocol, action: 'deny' });
}

/** `Denied invalid ICMP code N, for A (mA) to B (mB), ICMP id N, ICMP type N` (313009). */
function icmpInvalid(id: string, body: string): Outcome {
  const words = body.split(' ', 3);
  const a = between(body, ' for ', ' to ');
  if (!a) return malformed(id, 'no "for … to"');
  const comma = body.indexOf(',', a.end);
  return pair(id, a.text, body.slice(a.end + 4, comma === -1 ? body.length : comma), ['for', 'to'], { protocol: words[2], action: 'deny' });
}

/** `Dynamic Filter {monitored|permitted|dropped} …listed PROTO traffic from A (mA) to B (mB), …` (338001–338204). */
function dynamicFilter(id: string, body: string): Outcome {
  const traffic = body.indexOf(' traffic from ');
  if (traffic === -1) return malformed(id, 'no "traffic from"');
  const protocol = body.slice(body.lastIndexOf(' ', traffic - 1) + 1, traffic);
  const verb = firstWord(body, 15).toLowerCase();
  const action: Action | undefined = verb === 'dropped' ? 'drop' : verb === 'permitted' ? 'allow' : undefined;
  const to = body.indexOf(' to ', traffic + 14);
  if (to === -1) return malformed(id, 'no "to"');
  const comma = body.indexOf(',', to);
  if (comma === -1) return malformed(id, 'no "," after the destination');
  return pair(id, body.slice(traffic + 14, to), body.slice(to + 4, comma), ['from', 'to'], { protocol, action });
}

/** `ICMP packet type N denied by {inbound|outbound} list ACL src X dest Y` (106018). */
function icmpList(id: string, body: string): Outcome {
  const s = between(body, ' src ', ' dest ');
  if (!s) return malformed(id, 'no "src … dest"');
  return pair(id, s.text, body.slice(s.end + 6), ['src', 'dest'], { protocol: firstWord(body), action: 'deny' });
}

/** `[ACL: ]Deny src X dst Y by access-group "…"` (106027). */
function etherDeny(id: string, body: string): Outcome {
  const s = between(body, 'Deny src ', ' dst ');
  if (!s) return malformed(id, 'no "Deny src … dst"');
  const by = body.indexOf(' by access-group', s.end);
  if (by === -1) return malformed(id, 'no "by access-group"');
  return pair(id, s.text, body.slice(s.end + 5, by), ['src', 'dst'], { action: 'deny' });
}

/**
 * FTD 430001–430005: `Key: value, Key: value, …` — a comma ends a value only where a `Key:` follows. The last key is
 * reported: the connection's fields are never last in what FTD writes, so a line ending in one was cut short.
 */
export function securityEventFields(body: string): Map<string, string> & { lastKey?: string } {
  const out: Map<string, string> & { lastKey?: string } = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const colon = body.indexOf(':', i);
    if (colon === -1) break;
    const key = body.slice(i, colon).trim();
    let j = colon + 1;
    let end = body.length;
    for (let comma = body.indexOf(',', j); comma !== -1; comma = body.indexOf(',', comma + 1)) {
      if (startsKey(body, comma + 1)) {
        end = comma;
        break;
      }
    }
    j = end;
    if (key !== '' && !out.has(key)) out.set(key, body.slice(colon + 1, end).trim());
    if (end === body.length) out.lastKey = key;
    i = end + 1;
  }
  return out;
}

/** Whether `Key:` (letters, digits, spaces and `_`, at most 40 of them) starts at `i`. */
function startsKey(s: string, i: number): boolean {
  for (let k = i; k < s.length && k - i <= 41; k++) {
    const c = s.charCodeAt(k);
    if (c === 58) return k > i && s.slice(i, k).trim() !== '';
    const ok = c === 32 || c === 95 || (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122);
    if (!ok) return false;
  }
  return false;
}

/** FTD access control rule actions (430002/430003) and intrusion results (430001). */
const FTD_ACTIONS: Readonly<Record<string, Action>> = {
  allow: 'allow', trust: 'allow', fastpath: 'allow', block: 'deny', 'interactive block': 'deny',
  'block with reset': 'reset', 'interactive block with reset': 'reset', blocked: 'deny', dropped: 'drop',
};

const TUPLE_KEYS: ReadonlySet<string> = new Set(['SrcIP', 'DstIP', 'SrcPort', 'DstPort', 'Protocol']);

function securityEvent(id: string, body: string): Outcome {
  const kv = securityEventFields(body);
  if (!kv.has('SrcIP') && !kv.has('DstIP')) return malformed(id, 'no SrcIP/DstIP');
  if (kv.lastKey !== undefined && TUPLE_KEYS.has(kv.lastKey)) return malformed(id, `the line ends in ${kv.lastKey}`);
  const decision = id === '430001' ? kv.get('InlineResult') : id === '430002' || id === '430003' ? kv.get('AccessControlRuleAction') : undefined;
  const action = decision === undefined ? undefined : FTD_ACTIONS[decision.toLowerCase()];
  const sum = (a: string | undefined, b: string | undefined): string | undefined =>
    a !== undefined && b !== undefined && /^\d{1,15}$/.test(a) && /^\d{1,15}$/.test(b) ? String(Number(a) + Number(b)) : undefined;
  return {
    src: { addr: kv.get('SrcIP') ?? '', port: kv.get('SrcPort') },
    dst: { addr: kv.get('DstIP') ?? '', port: kv.get('DstPort') },
    srcField: `${id} SrcIP`,
    dstField: `${id} DstIP`,
    protocol: kv.get('Protocol'),
    action,
    bytes: sum(kv.get('InitiatorBytes'), kv.get('ResponderBytes')),
    packets: sum(kv.get('InitiatorPackets'), kv.get('ResponderPackets')),
  };
}

/** Messages recognised and not a connection's record, with why (the default for any other ID: not a connection). */
const NOT_CONNECTIONS: Readonly<Record<string, string>> = {
  '305011': 'a NAT translation slot, not a connection (its "to" side is the mapped address)',
  '305012': 'a NAT translation slot, not a connection (its "to" side is the mapped address)',
  '313001': 'ICMP to the device itself: the message names no destination',
  '313008': 'ICMPv6 to the device itself: the message names no destination',
  '303002': 'an FTP transfer on a connection logged on its own (302013/302014)',
  '304001': 'a URL on a connection logged on its own (302013/302014)',
  '304002': 'a URL on a connection logged on its own (302013/302014)',
  '338301': 'a DNS reply on a connection logged on its own',
  '507003': 'an inspection verdict on a connection logged on its own (302014)',
  '607001': 'a pre-allocated SIP channel, not yet a connection',
  '434004': 'a processing change on a connection logged on its own',
  '805001': 'a flow offload change on a connection logged on its own',
  '805002': 'a flow offload change on a connection logged on its own',
};
for (const stub of ['302022', '302023', '302024', '302025', '302026', '302027']) {
  (NOT_CONNECTIONS as Record<string, string>)[stub] = 'a cluster stub flow (the owner unit logs the connection itself)';
}

const FROM_TO: Readonly<Record<string, { action?: Action; trailers: readonly string[]; required: boolean; protocol?: 'first' | 'second' | 'third' | 'icmp' }>> = {
  '106001': { action: 'deny', trailers: [' flags ', ' on interface '], required: true, protocol: 'second' },
  '106006': { action: 'deny', trailers: [' on interface '], required: true, protocol: 'third' },
  '106007': { action: 'deny', trailers: [' due to '], required: true, protocol: 'third' },
  '106012': { action: 'deny', trailers: [','], required: true },
  '106013': { action: 'drop', trailers: [], required: false, protocol: 'icmp' },
  '106015': { action: 'deny', trailers: [' flags '], required: true, protocol: 'second' },
  '106016': { action: 'deny', trailers: [' on interface '], required: true },
  '106017': { action: 'deny', trailers: [], required: false },
  '106020': { action: 'deny', trailers: [], required: false },
  '106021': { action: 'deny', trailers: [' on interface '], required: true, protocol: 'second' },
  '106022': { action: 'deny', trailers: [' on interface '], required: true, protocol: 'second' },
  '110002': { trailers: [], required: false },
  '419001': { action: 'drop', trailers: [','], required: true, protocol: 'second' },
  '419002': { trailers: [' with '], required: true },
  '434002': { action: 'drop', trailers: [], required: false },
  '710002': { action: 'allow', trailers: [], required: false, protocol: 'first' },
  '710003': { action: 'deny', trailers: [], required: false, protocol: 'first' },
  '710004': { action: 'drop', trailers: [], required: false, protocol: 'first' },
  '710005': { action: 'drop', trailers: [], required: false, protocol: 'first' },
  '710006': { action: 'drop', trailers: [], required: false, protocol: 'first' },
};

/** The protocol a `from … to` message names, by where its word stands. */
function fromToProtocol(id: string, body: string, where: string | undefined): string | undefined {
  const words = body.slice(0, Math.max(0, body.indexOf(' from '))).split(' ');
  switch (where) {
    case 'first': return words[0];
    case 'second': return words[1];
    case 'third': return words[2];
    case 'icmp': return 'icmp';
    default:
      if (id === '110002') return words[words.length - 1]; // `Failed to locate egress interface for TCP`
      if (id === '419002' || id === '434002') return words.find((w) => /^(tcp|udp|sctp|icmp)$/i.test(w));
      return undefined;
  }
}

function handle(id: string, body: string): Outcome {
  const known = NOT_CONNECTIONS[id];
  if (known !== undefined) return notConnection(id, known);
  const ft = FROM_TO[id];
  if (ft) return fromTo(id, body, protocolOf(fromToProtocol(id, body, ft.protocol)), ft.action, ft.trailers, ft.required);
  switch (id) {
    case '302013': case '302015': case '302017': case '302035': case '302303': case '302305':
      return permitted(built(id, body));
    case '302014': case '302016': case '302018': case '302036': case '302304': case '302306':
      return permitted(teardown(id, body));
    case '302020': case '302021':
      return permitted(icmpConnection(id, body));
    case '106010': case '106014':
      return srcDst(id, body, 'deny', undefined);
    case '106023':
      return srcDst(id, body, 'deny', ' by access-group');
    case '305013':
      return srcDst(id, body, 'deny', ' denied due to');
    case '106018':
      return icmpList(id, body);
    case '106027':
      return etherDeny(id, body);
    case '106100': case '106102': case '106103':
      return accessList(id, body);
    case '313004':
      return icmpNoSession(id, body);
    case '313005':
      return icmpError(id, body);
    case '313009':
      return icmpInvalid(id, body);
    case '430001': case '430002': case '430003': case '430004': case '430005':
      return securityEvent(id, body);
    default:
      if (id >= '338001' && id <= '338204' && id.length === 6) return dynamicFilter(id, body);
      return notConnection(id, 'not a connection message');
  }
}

/** `message repeated N times: [ … ]` (a relay's or the device's own de-duplication): the message inside, once. */
function unrepeat(body: string): string {
  if (!body.startsWith('message repeated ')) return body;
  const open = body.indexOf('[');
  const close = body.lastIndexOf(']');
  return open === -1 ? body : body.slice(open + 1, close > open ? close : body.length).trim();
}

// ---------------------------------------------------------------------------------------------------------------

function parseCisco(line: SyslogLine, ctx: MessageContext, products: ReadonlySet<string>, format: string): ParseResult | typeof NOT_MINE {
  const tag = ciscoTag(line);
  if (!tag || !products.has(tag.product)) return NOT_MINE;
  const c = handle(tag.id, unrepeat(tag.body));
  if ('reject' in c) return c;
  // ASA writes `icmp` for ICMPv6 too (`Deny icmp src outside:2001:db8::7 … (type 128, code 0)`): over IPv6 it is 58.
  const protocol = c.src.addr.includes(':') && c.protocol !== undefined && normalizeProtocol(c.protocol) === 'icmp' ? 'ipv6-icmp' : c.protocol;
  const ports = hasPorts(protocol);
  const dstPort = ports ? c.dst.port : undefined;
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(dstPort)) return FILTERED;
  return connectionEvent({
    time: line.time,
    timeText: line.timeText,
    src: [c.src.addr, c.srcField],
    dst: [c.dst.addr, c.dstField],
    srcPort: [ports ? c.src.port : undefined, `${c.srcField} port`],
    dstPort: [dstPort, `${c.dstField} port`],
    protocol: [protocol, 'protocol'],
    action: c.action,
    bytes: [c.bytes, 'bytes'],
    packets: [c.packets, 'packets'],
    device: tag.device,
    vendor: VENDOR,
    product: tag.product,
  }, format, ctx);
}

// ---------------------------------------------------------------------------------------------------------------
// The scan's hot path (MessageFormat.filteredOnBytes)

const B_SPACE = 32;
const B_COLON = 58;
const B_SLASH = 47;
const B_OPEN = 40;
const B_CLOSE = 41;
const B_COMMA = 44;

const bytesOf = (text: string): Buffer => Buffer.from(text, 'latin1');
const BUILT = bytesOf('Built ');
const TEARDOWN = bytesOf('Teardown ');
const DENY = bytesOf('Deny ');
const CONNECTION = bytesOf(' connection ');
const FOR = bytesOf('for ');
const FROM = bytesOf('from ');
const TO = bytesOf(' to ');
const DURATION = bytesOf(' duration ');
const BYTES = bytesOf(' bytes ');
const SRC = bytesOf(' src ');
const DST = bytesOf(' dst ');
const BY_ACCESS_GROUP = bytesOf(' by access-group');
const TAG_PRODUCTS = { asa: ['ASA', 'PIX', 'FWSM'].map(bytesOf), ftd: ['FTD'].map(bytesOf) };

/** The message IDs decided on bytes, by handler. */
const BUILT_IDS: ReadonlySet<number> = new Set([302013, 302015, 302017, 302035, 302303, 302305]);
const TEARDOWN_IDS: ReadonlySet<number> = new Set([302014, 302016, 302018, 302036, 302304, 302306]);
const DENY_ACL_ID = 106023;

function startsWithBytes(buf: Buffer, at: number, end: number, word: Buffer): boolean {
  if (end - at < word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[at + k] !== word[k]) return false;
  return true;
}

/** The first `needle` in buf[from, end), as String#indexOf finds it; -1 when there is none. */
function indexIn(buf: Buffer, from: number, end: number, needle: Buffer): number {
  const first = needle[0]!;
  for (let i = from; i + needle.length <= end; i++) {
    if (buf[i] === first && startsWithBytes(buf, i, end, needle)) return i;
  }
  return -1;
}

/** The word at buf[s, e) is `tcp` or `udp`, in any case (hasPorts: a protocol whose numbers are ports). */
function isTcpOrUdp(buf: Buffer, s: number, e: number): boolean {
  if (e - s !== 3) return false;
  const a = buf[s]! | 32;
  const b = buf[s + 1]! | 32;
  const c = buf[s + 2]! | 32;
  return (a === 116 && b === 99 && c === 112) || (a === 117 && b === 100 && c === 112);
}

/** The word at buf[s, e) is `word` (lower case letters and `-`) with its letters in any case. */
function isWordFolded(buf: Buffer, s: number, e: number, word: string): boolean {
  if (e - s !== word.length) return false;
  for (let k = 0; k < word.length; k++) {
    const c = buf[s + k]!;
    if ((c >= 65 && c <= 90 ? c + 32 : c) !== word.charCodeAt(k)) return false;
  }
  return true;
}

function isBlankByte(c: number): boolean {
  return c === B_SPACE || (c >= 9 && c <= 13); // what String#trim takes off, in ASCII
}

/** side() finds a side in the text buf[s, e): trimmed, it is not empty and starts with neither `/` nor `(`. */
function hasSide(buf: Buffer, s: number, e: number): boolean {
  while (s < e && isBlankByte(buf[s]!)) s++;
  return s < e && buf[s] !== B_SLASH && buf[s] !== B_OPEN;
}

/**
 * The port side() reads from the text buf[s, e) — after the first `/` when it comes before any `(`, up to a space,
 * `(` or `,` — when it is 1 to 5 digits, at most 65535; -1 when there is none or it is anything else.
 */
function sidePort(buf: Buffer, s: number, e: number): number {
  while (e > s && isBlankByte(buf[e - 1]!)) e--;
  let slash = s;
  while (slash < e && buf[slash] !== B_SLASH) {
    if (buf[slash] === B_OPEN) return -1;
    slash++;
  }
  if (slash >= e) return -1;
  let port = 0;
  let n = 0;
  for (let i = slash + 1; i < e; i++, n++) {
    const c = buf[i]!;
    if (c === B_SPACE || c === B_OPEN || c === B_COMMA) break;
    const d = c - 48;
    if (d < 0 || d > 9 || n === 5) return -1;
    port = port * 10 + d;
  }
  return n === 0 || port > 65535 ? -1 : port;
}

/** After `connection `: the connection ID word, if it starts with a digit, then `for ` or `from `; where the first side starts, or -1. */
function afterConnection(buf: Buffer, i: number, end: number): { at: number; isFor: boolean } | undefined {
  if (i < end && buf[i]! >= 48 && buf[i]! <= 57) {
    while (i < end && buf[i] !== B_SPACE) i++;
    i++;
  }
  if (startsWithBytes(buf, i, end, FOR)) return { at: i + 4, isFor: true };
  if (startsWithBytes(buf, i, end, FROM)) return { at: i + 5, isFor: false };
  return undefined;
}

/** built(): the destination port of `Built [inbound|outbound] PROTO connection [ID] {for|from} A to B…`, or -1. */
function builtPort(buf: Buffer, s: number, e: number): number {
  if (!startsWithBytes(buf, s, e, BUILT)) return -1;
  const conn = indexIn(buf, s + 5, e, CONNECTION);
  if (conn === -1 || conn - s > 80) return -1;
  // the words between: the last inbound/outbound is the direction, the last other word (probe, state-bypass and
  // empty ones aside) the protocol
  let outbound = false;
  let protoStart = -1;
  let protoEnd = -1;
  for (let w = s + 6; w < conn;) {
    let x = w;
    while (x < conn && buf[x] !== B_SPACE) x++;
    if (isWordFolded(buf, w, x, 'inbound')) outbound = false;
    else if (isWordFolded(buf, w, x, 'outbound')) outbound = true;
    else if (x > w && !isWordFolded(buf, w, x, 'probe') && !isWordFolded(buf, w, x, 'state-bypass')) {
      protoStart = w;
      protoEnd = x;
    }
    w = x + 1;
  }
  if (protoStart === -1 || !isTcpOrUdp(buf, protoStart, protoEnd)) return -1;
  const after = afterConnection(buf, conn + 12, e);
  if (after === undefined) return -1;
  const to = indexIn(buf, after.at, e, TO);
  if (to === -1) return -1;
  let paren = to + 4;
  while (paren < e && buf[paren] !== B_CLOSE) paren++;
  if (paren >= e) return -1; // no mapped address after the second side
  if (!hasSide(buf, after.at, to) || !hasSide(buf, to + 4, e)) return -1;
  // `Built outbound … for A to B`: B (the inside) started it, A is the destination
  return after.isFor && outbound ? sidePort(buf, after.at, to) : sidePort(buf, to + 4, e);
}

/** teardown(): the destination port of `Teardown PROTO connection ID {for|from} A to B duration … bytes N…`, or -1. */
function teardownPort(buf: Buffer, s: number, e: number): number {
  if (!startsWithBytes(buf, s, e, TEARDOWN)) return -1;
  const conn = indexIn(buf, s + 8, e, CONNECTION);
  if (conn === -1 || conn - s > 80) return -1;
  let protoStart = -1;
  let protoEnd = -1;
  for (let w = s + 9; w < conn;) {
    let x = w;
    while (x < conn && buf[x] !== B_SPACE) x++;
    if (x > w && !(x - w === 12 && startsWithBytes(buf, w, x, STATE_BYPASS))) {
      protoStart = w;
      protoEnd = x;
    }
    w = x + 1;
  }
  if (protoStart === -1 || !isTcpOrUdp(buf, protoStart, protoEnd)) return -1;
  const after = afterConnection(buf, conn + 12, e);
  if (after === undefined) return -1;
  const to = indexIn(buf, after.at, e, TO);
  if (to === -1) return -1;
  const duration = indexIn(buf, to, e, DURATION);
  if (duration === -1) return -1;
  const count = indexIn(buf, duration, e, BYTES);
  if (count === -1 || count + 7 >= e || buf[count + 7]! < 48 || buf[count + 7]! > 57) return -1;
  if (!hasSide(buf, after.at, to) || duration < to + 4 || !hasSide(buf, to + 4, duration)) return -1;
  return sidePort(buf, to + 4, duration);
}
const STATE_BYPASS = bytesOf('state-bypass');

/** srcDst() for 106023: the destination port of `Deny PROTO src A dst B by access-group …`, or -1. */
function denyAclPort(buf: Buffer, s: number, e: number): number {
  if (!startsWithBytes(buf, s, e, DENY)) return -1; // (and not `message repeated …`, which unrepeat opens)
  const src = indexIn(buf, s, e, SRC);
  if (src === -1) return -1;
  const dst = indexIn(buf, src + 5, e, DST);
  if (dst === -1) return -1;
  const by = indexIn(buf, dst, e, BY_ACCESS_GROUP);
  if (by === -1) return -1;
  let w = src;
  while (w > s && buf[w - 1] !== B_SPACE) w--;
  if (!isTcpOrUdp(buf, w, src)) return -1;
  if (!hasSide(buf, src + 5, dst) || by < dst + 5 || !hasSide(buf, dst + 5, by)) return -1;
  return sidePort(buf, dst + 5, by);
}

/**
 * parseCisco's FILTERED on bytes, for built and torn-down TCP/UDP connections (302013/14/15/16 and the other IDs the
 * same handlers read) and 106023 ACL denies. The message ID is the syslog tag, which the framing takes off the
 * message: it is read from the bytes right before `start`, between `lineStart` and `start` — `… %ASA-6-302013: `
 * with a space before the tag and `: ` after it (anything else there, or no byte before `start`, is "not sure").
 * Then the body is read as the handler reads it (the same searches, the same checks, in the same order) and the
 * destination side's port must be 1 to 5 digits, at most 65535, not in `dstPorts`; the protocol word must be TCP or
 * UDP (any case). A byte above 127 in the message, a `[pid]` after the tag or any other tag shape leaves it to the text.
 */
function filteredOnBytesFor(products: readonly Buffer[]) {
  return (buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>, lineStart: number): boolean => {
    // the tag: `%PRODUCT-S-NNNNNN` between a space and `: ` right before the message
    if (start - lineStart < 3 || buf[start - 1] !== B_SPACE || buf[start - 2] !== B_COLON) return false;
    let id = 0;
    let k = start - 3;
    for (let digits = 0; k >= lineStart && buf[k]! >= 48 && buf[k]! <= 57; k--, digits++) {
      if (digits === 6) return false;
      id += (buf[k]! - 48) * 10 ** digits;
    }
    if (start - 3 - k !== 6 || buf[k] !== 45 /* - */ || !(buf[k - 1]! >= 48 && buf[k - 1]! <= 57) || buf[k - 2] !== 45) return false;
    k -= 3; // the product's last letter
    let product = -1;
    for (let p = 0; p < products.length && product === -1; p++) {
      const name = products[p]!;
      const at = k - name.length + 1;
      if (at - 2 >= lineStart && buf[at - 1] === 37 /* % */ && buf[at - 2] === B_SPACE && startsWithBytes(buf, at, k + 1, name)) product = p;
    }
    if (product === -1) return false;
    for (let i = start; i < end; i++) if (buf[i]! > 127) return false;
    const port = BUILT_IDS.has(id) ? builtPort(buf, start, end)
      : TEARDOWN_IDS.has(id) ? teardownPort(buf, start, end)
        : id === DENY_ACL_ID ? denyAclPort(buf, start, end) : -1;
    return port !== -1 && !dstPorts.has(port);
  };
}

export const ciscoAsaFormat: MessageFormat = {
  id: ASA_ID,
  vendor: VENDOR,
  product: 'ASA',
  description: 'syslog (also PIX/FWSM): connection builds and teardowns, ACL permits and denies, drops (302013–302021, 106xxx, 313xxx, 710xxx…)',
  recognizedBy: 'a %ASA-S-NNNNNN tag (also %PIX-, %FWSM-, with a %ASA-session-S- style suffix) as the syslog tag or at the message start',
  sample: "<166>Mar 16 2026 10:15:02 asa-edge01 : %ASA-6-302013: Built inbound TCP connection 48211 for outside:203.0.113.7/51515 (203.0.113.7/51515) to inside:10.20.30.40/104 (198.51.100.10/104)",
  parse: (line, ctx) => parseCisco(line, ctx, ASA_PRODUCTS, ASA_ID),
  filteredOnBytes: filteredOnBytesFor(TAG_PRODUCTS.asa),
};

export const ciscoFtdFormat: MessageFormat = {
  id: FTD_ID,
  vendor: VENDOR,
  product: 'FTD',
  description: 'Firepower Threat Defense syslog: the ASA catalogue under %FTD-, and the 430001–430005 security events (Key: value pairs)',
  recognizedBy: 'a %FTD-S-NNNNNN tag as the syslog tag or at the message start',
  sample: "<166>2026-03-16T10:15:02Z ftd-core01 : %FTD-6-302013: Built inbound TCP connection 9001 for outside:203.0.113.7/51515 (203.0.113.7/51515) to inside:10.20.30.40/104 (198.51.100.10/104)",
  parse: (line, ctx) => parseCisco(line, ctx, FTD_PRODUCTS, FTD_ID),
  filteredOnBytes: filteredOnBytesFor(TAG_PRODUCTS.ftd),
};
