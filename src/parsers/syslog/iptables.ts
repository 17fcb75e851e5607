/**
 * Linux netfilter (iptables/ip6tables/nftables `log`) kernel lines, as the LOG target writes them
 * (net/netfilter/nf_log_syslog.c):
 *
 *   [uptime] PREFIX IN=eth0 OUT= MAC=… SRC=203.0.113.7 DST=10.1.2.3 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF
 *   PROTO=TCP SPT=51515 DPT=104 WINDOW=64240 RES=0x00 SYN URGP=0
 *
 * The prefix is the rule's `--log-prefix`, free text the kernel writes right before `IN=`. It states the decision
 * only by convention: Ubiquiti EdgeOS/USG writes `[RULESET-RULE-A|D|R]` (accept, drop, reject), others words such as
 * `DROP`, `[UFW BLOCK]`, `ACCEPT`. Without such a word the action is absent. The time and the device come from the
 * syslog header; the kernel line itself has neither.
 *
 * Only the logged packet's own fields are read: they end at the first ` [`. The kernel writes an ICMP error's
 * offending packet (destination unreachable, source quench, time exceeded, parameter problem, redirect; ICMPv6
 * destination unreachable, packet too big, time exceeded, parameter problem) in square brackets after its
 * `TYPE= CODE=` — `PROTO=ICMP TYPE=3 CODE=3 [SRC=… DST=… PROTO=TCP SPT=104 DPT=51515 …]` — and a transport header
 * it could not read as `INCOMPLETE [n bytes]`. Such a line is an ICMP event between the outer SRC and DST, without
 * ports: the quoted packet's ports are another connection's.
 */
import { normalizeAction } from '../../model/action.js';
import type { Action } from '../../model/event.js';
import { FILTERED } from '../prefilter.js';
import { fail, type ParseResult } from '../types.js';
import { connectionEvent } from './connection.js';
import type { SyslogLine } from './framing.js';
import { ByteScanner } from '../kernel/kernel.js';
import { pickKeyValues } from './kv.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'iptables';
/** The fields read, the first REQUIRED of them present in every whole netfilter line. */
const KEYS = ['SRC', 'DST', 'PROTO', 'SPT', 'DPT'] as const;
const REQUIRED = 3;

/**
 * The logged packet's fields (from `IN=` to the first ` [`, where the kernel quotes an ICMP error's offending packet
 * or writes `INCOMPLETE [n bytes]`), and the prefix before them; undefined when it is not a netfilter line.
 */
function netfilterPart(message: string): { prefix: string; fieldsFrom: number; fieldsTo: number } | undefined {
  const out = message.indexOf(' OUT=');
  if (out === -1) return undefined;
  const inAt = message.lastIndexOf('IN=', out);
  if (inAt === -1) return undefined;
  // `IN=` starts the kernel's own text: after the prefix, which may end in any character (`…-A]IN=eth0`).
  const space = message.indexOf(' ', inAt + 3);
  if (space < out) return undefined;
  const quoted = message.indexOf(' [', out);
  return { prefix: stripUptime(message.slice(0, inAt)), fieldsFrom: inAt, fieldsTo: quoted === -1 ? message.length : quoted };
}

/** `[12345.678901] ` (the kernel's own clock, when the collector keeps it) is not part of the prefix. */
function stripUptime(prefix: string): string {
  if (prefix.charCodeAt(0) !== BRACKET) return prefix;
  // `[`, spaces, digits, `.`, digits, `]`
  let i = 1;
  while (isSpaceCode(prefix.charCodeAt(i))) i++;
  const whole = i;
  while (isDigitCode(prefix.charCodeAt(i))) i++;
  if (i === whole || prefix.charCodeAt(i) !== 46 /* . */) return prefix;
  const fraction = ++i;
  while (isDigitCode(prefix.charCodeAt(i))) i++;
  if (i === fraction || prefix.charCodeAt(i) !== 93 /* ] */) return prefix;
  return prefix.slice(i + 1).trimStart();
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** What a regular expression's `\s` matches (the uptime's padding). */
function isSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || (c >= 0xa0 && /\s/.test(String.fromCharCode(c)));
}

const UBIQUITI_SUFFIX: Readonly<Record<string, Action>> = { A: 'allow', D: 'drop', R: 'deny' };

/** The decision a log prefix states by convention, if any. */
export function actionFromPrefix(prefix: string): Action | undefined {
  // Ubiquiti: `[LAN_LOCAL-default-A]`.
  const trimmed = prefix.trim();
  if (trimmed.charCodeAt(0) === BRACKET) {
    const m = /^\[[^\]\s]{1,80}-([ADR])\]$/.exec(trimmed);
    if (m) return UBIQUITI_SUFFIX[m[1]!];
  }
  // Each run of ASCII letters, in turn.
  for (let i = 0; i < prefix.length;) {
    while (i < prefix.length && !isLetterCode(prefix.charCodeAt(i))) i++;
    const word = i;
    while (i < prefix.length && isLetterCode(prefix.charCodeAt(i))) i++;
    if (i - word < 4) continue; // `A`, `D`, `IN` are not decisions here
    const action = normalizeAction(prefix.slice(word, i));
    if (action) return action;
  }
  return undefined;
}

function isLetterCode(c: number): boolean {
  return (c | 32) >= 97 && (c | 32) <= 122;
}

function parseIptables(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const part = netfilterPart(line.message);
  if (!part) return NOT_MINE;
  const v: (string | undefined)[] = [undefined, undefined, undefined, undefined, undefined];
  const unbalanced = pickKeyValues(line.message, KEYS, v, part.fieldsFrom, part.fieldsTo);
  // A netfilter line always has SRC, DST and PROTO; without them it was cut short (collector line limits), or a stray
  // quote (the kernel writes none) made the rest of the line one value.
  for (let k = 0; k < REQUIRED; k++) {
    if (v[k] === undefined) {
      return fail('MALFORMED', unbalanced
        ? `netfilter line with a quote that never closes (the kernel writes none): the rest of the line is one value, so ${KEYS[k]}= is missing`
        : `netfilter line without ${KEYS[k]}= (cut short?)`);
    }
  }
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(v[4])) return FILTERED;
  return connectionEvent({
    time: line.time,
    timeText: line.timeText,
    src: [v[0], 'SRC'],
    dst: [v[1], 'DST'],
    srcPort: [v[3], 'SPT'],
    dstPort: [v[4], 'DPT'],
    protocol: [v[2], 'PROTO'],
    action: actionFromPrefix(part.prefix),
    device: line.host,
    vendor: 'Netfilter',
    product: 'iptables',
  }, ID, ctx);
}

const SPACE = 32;
const QUOTE = 34;
const BRACKET = 91;
const EQUALS = 61;
/** ASCII codes of the letters in the keys the hot path compares. */
const C = 67, D = 68, I = 73, N = 78, O = 79, P = 80, R = 82, S = 83, T = 84, U = 85;

/**
 * parseIptables' FILTERED on bytes, from the message's spaces (found by the scanner): the word `IN=…` right before
 * the first ` OUT=`, then the `key=value` words from there — SRC, DST and PROTO present, the first DPT a valid port
 * no rule wants. A quote or a control byte such as a tab anywhere (pickKeyValues reads quoted values), a word after
 * ` OUT=` that starts with `[` (an ICMP error quotes the packet it answers in brackets) or a port that is not
 * digits leaves the line to the text path.
 */
function filteredOnBytes(buf: Buffer, start: number, end: number, dstPorts: ReadonlySet<number>, _lineStart: number, scanner: ByteScanner | undefined): boolean {
  if (scanner === undefined) return false;
  const spaces = scanner.scan(buf, start, end, SPACE, QUOTE, QUOTE, SPACE);
  if (spaces === -1 || spaces > ByteScanner.MAX_KEPT || scanner.stop() !== -1) return false;
  let inAt = buf[start] === I && buf[start + 1] === N && buf[start + 2] === EQUALS ? start : -1;
  let h = 0;
  // Before ` OUT=`: where the word `IN=…` starts (any other word in between resets it).
  for (; h < spaces; h++) {
    const i = scanner.at(h);
    if (i + 4 >= end) return false;
    const k = buf[i + 1]!;
    if (k === O && buf[i + 2] === U && buf[i + 3] === T && buf[i + 4] === EQUALS) break;
    inAt = k === I && buf[i + 2] === N && buf[i + 3] === EQUALS ? i + 1 : -1;
  }
  if (h === spaces || inAt === -1) return false;
  let src = false;
  let dst = false;
  let proto = false;
  let port = -1;
  for (h++; h < spaces; h++) {
    const i = scanner.at(h);
    if (i + 6 >= end) continue; // (the shortest word read here, `DPT=1`, is five bytes)
    const k = buf[i + 1]!;
    if (k === S) {
      if (!src && buf[i + 2] === R && buf[i + 3] === C && buf[i + 4] === EQUALS) src = true;
    } else if (k === D) {
      if (buf[i + 4] !== EQUALS) continue;
      if (buf[i + 2] === S && buf[i + 3] === T) dst = true;
      else if (port === -1 && buf[i + 2] === P && buf[i + 3] === T) {
        port = digitsAt(buf, i + 5, end);
        if (port === -2) return false; // not a valid port: the text path reports it
      }
    } else if (k === P) {
      if (!proto && buf[i + 2] === R && buf[i + 3] === O && buf[i + 4] === T && buf[i + 5] === O && buf[i + 6] === EQUALS) proto = true;
    } else if (k === BRACKET) return false; // the outer packet's fields end at ` [` (netfilterPart)
    if (port !== -1 && src && dst && proto) return !dstPorts.has(port);
  }
  return false;
}

/** The decimal port whose digits start at `i` and run to a space or `end`: 0..65535, or -2. */
function digitsAt(buf: Buffer, i: number, end: number): number {
  let port = 0;
  let n = 0;
  for (; i < end && buf[i] !== SPACE; i++, n++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9 || n === 5) return -2;
    port = port * 10 + d;
  }
  return n === 0 || port > 65535 ? -2 : port;
}

export const iptablesFormat: MessageFormat = {
  id: ID,
  vendor: 'Netfilter',
  product: 'iptables',
  description: 'Linux netfilter (iptables, ip6tables, nftables log) kernel lines, incl. Ubiquiti EdgeOS/USG rule prefixes',
  recognizedBy: 'a kernel line with IN=… OUT=… (the LOG target\'s fields)',
  sample: "Mar 16 10:15:02 edge01 kernel: [1234567.890123] DICOM-DROP IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=203.0.113.7 DST=10.1.2.3 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51515 DPT=104 WINDOW=64240 RES=0x00 SYN URGP=0",
  parse: parseIptables,
  filteredOnBytes,
  filteredLines(scanner, buf, start, end, lines, taken) {
    return scanner.took(scanner.netfilter(buf, start, end, lines.prefix, lines.maxLine, lines.ports), taken);
  },
};
