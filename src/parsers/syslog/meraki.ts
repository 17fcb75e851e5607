/**
 * Cisco Meraki MX security appliances (and MR access points, which send the same flow records) as their syslog
 * roles write them (Meraki documentation, "Syslog Server Overview and Configuration" and "Syslog Event Types and Log
 * Samples"):
 *
 *   <134>1 1773656102.123456789 MX84 flows src=203.0.113.7 dst=10.1.2.3 protocol=tcp sport=51515 dport=104 pattern: 1 all
 *   <134>1 1773656102.123456789 MX84 firewall src=10.1.2.9 dst=198.51.100.4 mac=… protocol=udp sport=… dport=53 pattern: allow all
 *   <134>1 1773656102.123456789 MR44 flows deny src=… dst=… mac=… protocol=tcp sport=… dport=445
 *   <134>1 1773656102.123456789 MX84 ip_flow_start src=… dst=… protocol=tcp sport=… dport=… translated_src_ip=… translated_port=…
 *   <134>1 1773656102.123456789 MX84 urls src=10.1.2.9:50123 dst=198.51.100.4:80 mac=… request: GET http://…
 *   <134>1 1773656102.123456789 MX84 security_event ids_alerted signature=1:2:3 … direction=ingress protocol=tcp/ip
 *     src=203.0.113.7:51515 dst=10.1.2.3:104 decision=blocked message: …
 *
 * The message is `1 EPOCH HOST TYPE …` after whatever header the collector adds (`Apr 20 14:36:35 192.168.10.1 1 …`,
 * `<134>1 …`, or none): EPOCH is the appliance's own time of the event, epoch seconds with a nanosecond fraction
 * (UTC by definition), and the event's `time`. The token is read here, wherever the framing put it.
 *
 * TYPE: `flows` (firmware before MX 18.101), `firewall`, `vpn_firewall`, `cellular_firewall`,
 * `bridge_anyconnect_client_vpn_firewall` (MX 18.101 and newer name the rule set that matched): the decision is the
 * word after TYPE (`allow`/`deny`) or the first word of `pattern:` (`allow`, `deny`; for inbound rules `1` is deny and
 * `0` allow, as the documentation states; `Group Policy Allow`/`Deny`). `ip_flow_start`/`ip_flow_end`: NAT sessions,
 * no decision; the pre-NAT `src`/`dst` are the connection's ends (`translated_*` kept apart). `urls`: an HTTP request,
 * no decision. `ids-alerts` and `security_event ids_alerted`: the packet that matched an IDS signature, as the
 * appliance reports it (`decision=allowed` → allow, `blocked` → drop: the IPS discards the packet). Meraki event
 * log (`events`: VPN, DHCP, wireless, port events), Air Marshal, and malware verdicts (`security_filtering_*`, about a
 * file, with the server as `src`) are not connections.
 */
import type { Action } from '../../model/event.js';
import { canonicalIp } from '../../net/ip.js';
import { parseTimestamp } from '../../time/parse.js';
import { FILTERED } from '../prefilter.js';
import { fail, skip, type ParseResult } from '../types.js';
import { connectionEvent } from './connection.js';
import type { SyslogLine } from './framing.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'meraki';
const VENDOR = 'Cisco Meraki';
const PRODUCT = 'MX';

const C_SPACE = 32;
const C_DOT = 46;
const C_0 = 48;
const C_9 = 57;
const C_EQ = 61;
const C_COLON = 58;
const C_SQUOTE = 39;
const C_DQUOTE = 34;

const FLOW_TYPES = new Set(['flows', 'firewall', 'vpn_firewall', 'cellular_firewall', 'bridge_anyconnect_client_vpn_firewall']);
const NAT_FLOW_TYPES = new Set(['ip_flow_start', 'ip_flow_end']);
const OTHER_TYPES = new Set(['urls', 'ids-alerts', 'security_event', 'events', 'airmarshal_events']);

function isType(t: string): boolean {
  return FLOW_TYPES.has(t) || NAT_FLOW_TYPES.has(t) || OTHER_TYPES.has(t);
}

/** How far into a line the `EPOCH HOST TYPE` core may start (tokens of collector headers in front of it). */
const MAX_TOKENS = 14;

/** Epoch seconds as Meraki writes them: 9 or 10 digits, optionally `.` and up to 9 digits of fraction. */
function isEpoch(s: string, start: number, end: number): boolean {
  let i = start;
  while (i < end && s.charCodeAt(i) >= C_0 && s.charCodeAt(i) <= C_9) i++;
  const intLen = i - start;
  if (intLen < 9 || intLen > 10) return false;
  if (i === end) return true;
  if (s.charCodeAt(i) !== C_DOT) return false;
  const fracStart = ++i;
  while (i < end && s.charCodeAt(i) >= C_0 && s.charCodeAt(i) <= C_9) i++;
  return i === end && i - fracStart >= 1 && i - fracStart <= 9;
}

interface Core {
  epoch: string;
  host: string;
  type: string;
  /** What follows TYPE. */
  body: string;
}

/** `EPOCH HOST TYPE …` among the first tokens of the line; undefined for other vendors' lines. */
function findCore(s: string): Core | undefined {
  let start = 0;
  for (let k = 0; k < MAX_TOKENS; k++) {
    while (s.charCodeAt(start) === C_SPACE) start++;
    const end = s.indexOf(' ', start);
    if (end === -1) return undefined;
    if (isEpoch(s, start, end)) {
      const hostEnd = s.indexOf(' ', end + 1);
      if (hostEnd > end + 1) {
        let typeEnd = s.indexOf(' ', hostEnd + 1);
        if (typeEnd === -1) typeEnd = s.length;
        const type = s.slice(hostEnd + 1, typeEnd);
        if (isType(type)) {
          return { epoch: s.slice(start, end), host: s.slice(end + 1, hostEnd), type, body: s.slice(typeEnd + 1) };
        }
      }
    }
    start = end + 1;
  }
  return undefined;
}

interface Body {
  /** `key=value` pairs before the tail, first occurrence wins; `'…'` and `"…"` values may hold spaces. */
  values: Map<string, string>;
  /** Words without `=` before the first pair or the tail (`allow`, `ids_alerted`). */
  words: string[];
  /** The `word:` that starts free text (`pattern:`, `request:`, `message:`), and the text after it. */
  marker?: string;
  tail?: string;
  /** A quoted value that never closes. */
  unbalanced: boolean;
}

function scanBody(text: string): Body {
  const body: Body = { values: new Map(), words: [], unbalanced: false };
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    if (c === C_SPACE) {
      i++;
      continue;
    }
    const start = i;
    while (i < n && (c = text.charCodeAt(i)) !== C_EQ && c !== C_SPACE) i++;
    if (i >= n || c === C_SPACE) {
      const word = text.slice(start, i);
      if (word.length > 1 && word.charCodeAt(word.length - 1) === C_COLON) {
        body.marker = word;
        body.tail = text.slice(Math.min(i + 1, n));
        return body;
      }
      body.words.push(word);
      continue;
    }
    const key = text.slice(start, i);
    i++;
    let value: string;
    const q = text.charCodeAt(i);
    if (q === C_SQUOTE || q === C_DQUOTE) {
      const close = text.indexOf(q === C_SQUOTE ? "'" : '"', i + 1);
      if (close === -1) {
        body.unbalanced = true;
        value = text.slice(i + 1);
        i = n;
      } else {
        value = text.slice(i + 1, close);
        i = close + 1;
      }
    } else {
      const vs = i;
      while (i < n && text.charCodeAt(i) !== C_SPACE) i++;
      value = text.slice(vs, i);
    }
    if (!body.values.has(key)) body.values.set(key, value);
  }
  return body;
}

/** `ip:port`, `[ipv6]:port`, `ipv6.port`/`ipv6#port`, or a bare address. */
export function splitAddress(text: string): { ip: string; port?: string } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close > 0) {
      const port = text.charCodeAt(close + 1) === C_COLON ? text.slice(close + 2) : undefined;
      return port === undefined ? { ip: text.slice(1, close) } : { ip: text.slice(1, close), port };
    }
    return { ip: text };
  }
  const colon = text.lastIndexOf(':');
  if (colon > 0 && text.indexOf(':') === colon) return { ip: text.slice(0, colon), port: text.slice(colon + 1) };
  if (colon > 0 && canonicalIp(text) === undefined) {
    // IPv6 with a port: eight full groups then `:port`, or a `.`/`#` separator.
    for (const sep of [':', '.', '#']) {
      const at = text.lastIndexOf(sep);
      if (at > 0 && canonicalIp(text.slice(0, at)) !== undefined) return { ip: text.slice(0, at), port: text.slice(at + 1) };
    }
  }
  return { ip: text };
}

const RULE_WORDS: Readonly<Record<string, Action>> = { allow: 'allow', deny: 'deny', block: 'deny', blocked: 'deny' };

function ruleWord(word: string | undefined): Action | undefined {
  const key = word?.toLowerCase();
  return key !== undefined && Object.hasOwn(RULE_WORDS, key) ? RULE_WORDS[key] : undefined;
}

/**
 * The decision of a flow record: the word after TYPE (`allow`/`deny`), else the first word(s) of `pattern:` —
 * `allow …`, `deny …` (also `Blocked …`), `Group Policy Allow|Deny`, and for inbound rules `1` (deny) and `0` (allow).
 */
export function merakiFlowAction(op: string | undefined, pattern: string | undefined): Action | undefined {
  const decided = ruleWord(op);
  if (decided || pattern === undefined) return decided;
  const words = pattern.trim().split(' ', 3).map((w) => w.toLowerCase());
  const first = words[0];
  if (first === '1') return 'deny'; // inbound rules: "1=deny and 0=allow"
  if (first === '0') return 'allow';
  if (first === 'group' && words[1] === 'policy') return ruleWord(words[2]);
  return ruleWord(first);
}

/** An IDS/IPS decision: `allowed` (detection only), `blocked` (the IPS dropped the packet). */
function idsDecision(decision: string | undefined): Action | undefined {
  const d = decision?.toLowerCase();
  return d === 'allowed' ? 'allow' : d === 'blocked' ? 'drop' : undefined;
}

function isPortProtocol(protocol: string): boolean {
  const p = protocol.toLowerCase();
  return p === 'tcp' || p === 'udp' || p === '6' || p === '17';
}

function parseMeraki(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const core = findCore(line.line);
  if (core === undefined) return NOT_MINE;
  const { type } = core;
  if (type === 'events' || type === 'airmarshal_events') return skip('NOT_A_CONNECTION', `a Meraki ${type} record`);
  const body = scanBody(core.body);
  if (body.unbalanced) return fail('MALFORMED', `Meraki ${type}: a quoted value never closes (cut short?)`);
  let ids = type === 'ids-alerts';
  if (type === 'security_event') {
    const subtype = body.words[0];
    if (subtype !== 'ids_alerted') return skip('NOT_A_CONNECTION', `a Meraki security_event ${subtype ?? ''} record`.trimEnd());
    ids = true;
  }
  const v = body.values;
  const base = { time: parseTimestamp(core.epoch, ctx.time), timeText: core.epoch, device: core.host, vendor: VENDOR, product: PRODUCT };

  if (FLOW_TYPES.has(type) || NAT_FLOW_TYPES.has(type)) {
    for (const key of ['src', 'dst', 'protocol']) {
      if (!v.has(key)) return fail('MALFORMED', `Meraki ${type} without ${key}= (cut short?)`);
    }
    const protocol = v.get('protocol')!;
    if (isPortProtocol(protocol) && !v.has('dport')) return fail('MALFORMED', `Meraki ${type} ${protocol} without dport= (cut short?)`);
    // What shows the line is whole: MX rule hits end with `pattern:` (the MR's `flows allow|deny` end at dport, which
    // no check can prove complete); NAT flows end with the translated side.
    const op = body.words[0];
    const pattern = body.marker === 'pattern:' ? body.tail : undefined;
    if (FLOW_TYPES.has(type) && pattern === undefined && !(type === 'flows' && ruleWord(op) !== undefined)) {
      return fail('MALFORMED', `Meraki ${type} without pattern: (cut short?)`);
    }
    if (NAT_FLOW_TYPES.has(type) && !v.has('translated_port') && !v.has('translated_src_ip') && !v.has('translated_dst_ip')) {
      return fail('MALFORMED', `Meraki ${type} without its translated_* fields (cut short?)`);
    }
    const dport = v.get('dport');
    if (ctx.prefilter && !ctx.prefilter.portMayMatch(dport)) return FILTERED;
    return connectionEvent({
      time: base.time,
      timeText: base.timeText,
      device: base.device,
      vendor: base.vendor,
      product: base.product,
      src: [v.get('src'), 'src'],
      dst: [v.get('dst'), 'dst'],
      srcPort: [v.get('sport'), 'sport'],
      dstPort: [dport, 'dport'],
      protocol: [protocol, 'protocol'],
      action: FLOW_TYPES.has(type) ? merakiFlowAction(op, pattern) : undefined,
    }, ID, ctx);
  }

  // urls, IDS alerts: `src=ip:port dst=ip:port`, closed by `request:` / `message:`.
  const closer = type === 'urls' ? 'request:' : 'message:';
  if (body.marker !== closer) return fail('MALFORMED', `Meraki ${type} without ${closer} (cut short?)`);
  const srcText = v.get('src');
  const dstText = v.get('dst');
  if (srcText === undefined && dstText === undefined) return fail('MALFORMED', `Meraki ${type} without src= or dst=`);
  if (srcText === undefined || dstText === undefined) {
    return skip('NOT_A_CONNECTION', `a Meraki ${type} record naming one host only (${srcText === undefined ? 'dst' : 'src'})`);
  }
  const src = splitAddress(srcText);
  const dst = splitAddress(dstText);
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(dst.port)) return FILTERED;
  const protocol = v.get('protocol');
  const slash = protocol === undefined ? -1 : protocol.indexOf('/');
  return connectionEvent({
    time: base.time,
    timeText: base.timeText,
    device: base.device,
    vendor: base.vendor,
    product: base.product,
    src: [src.ip, 'src'],
    dst: [dst.ip, 'dst'],
    srcPort: [src.port, 'src port'],
    dstPort: [dst.port, 'dst port'],
    protocol: [slash > 0 ? protocol!.slice(0, slash) : protocol, 'protocol'], // `tcp/ip`
    action: ids ? idsDecision(v.get('decision')) : undefined,
  }, ID, ctx);
}

export const merakiFormat: MessageFormat = {
  id: ID,
  vendor: VENDOR,
  product: PRODUCT,
  description: 'Cisco Meraki MX/MR syslog roles: flows and firewall/vpn_firewall/cellular_firewall rule hits, '
    + 'ip_flow_start/end, urls, IDS alerts',
  recognizedBy: 'an `EPOCH.NANOS HOST TYPE` sequence (TYPE flows, firewall, urls, ids-alerts, security_event, …)',
  sample: "<134>1 1773656102.123456789 hospital-mx84 flows src=203.0.113.7 dst=10.20.30.40 protocol=tcp sport=51515 dport=104 pattern: 1 all",
  parse: parseMeraki,
};
