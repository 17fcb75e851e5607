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
 */
import { normalizeAction } from '../../model/action.js';
import type { Action, NetworkEvent } from '../../model/event.js';
import { portOf } from '../../model/port.js';
import { normalizeProtocol } from '../../model/protocol.js';
import { canonicalIp } from '../../net/ip.js';
import { quote } from '../fields.js';
import { FILTERED } from '../prefilter.js';
import { fail, type ParseResult } from '../types.js';
import type { SyslogLine } from './framing.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

const ID = 'iptables';

/** The part of the message from `IN=` on, and the prefix before it; undefined when it is not a netfilter line. */
function netfilterPart(message: string): { prefix: string; fields: string } | undefined {
  const out = message.indexOf(' OUT=');
  if (out === -1) return undefined;
  const inAt = message.lastIndexOf('IN=', out);
  if (inAt === -1) return undefined;
  // `IN=` starts the kernel's own text: after the prefix, which may end in any character (`…-A]IN=eth0`).
  if (message.slice(inAt + 3, out).includes(' ')) return undefined;
  return { prefix: stripUptime(message.slice(0, inAt)), fields: message.slice(inAt) };
}

/** `[12345.678901] ` (the kernel's own clock, when the collector keeps it) is not part of the prefix. */
function stripUptime(prefix: string): string {
  if (!prefix.startsWith('[')) return prefix;
  const close = prefix.indexOf(']');
  if (close === -1 || !/^\[\s*\d+\.\d+$/.test(prefix.slice(0, close))) return prefix;
  return prefix.slice(close + 1).trimStart();
}

/** `KEY=value` tokens, first occurrence wins (UDP lines carry the IP `LEN=` before the UDP one). Bare flags skipped. */
function keyValues(fields: string): Map<string, string> {
  const kv = new Map<string, string>();
  for (const tokenText of fields.split(' ')) {
    const eq = tokenText.indexOf('=');
    if (eq <= 0) continue;
    const key = tokenText.slice(0, eq);
    if (!kv.has(key)) kv.set(key, tokenText.slice(eq + 1));
  }
  return kv;
}

const UBIQUITI_SUFFIX: Readonly<Record<string, Action>> = { A: 'allow', D: 'drop', R: 'deny' };

/** The decision a log prefix states by convention, if any. */
export function actionFromPrefix(prefix: string): Action | undefined {
  // Ubiquiti: `[LAN_LOCAL-default-A]`.
  const m = /^\[[^\]\s]{1,80}-([ADR])\]$/.exec(prefix.trim());
  if (m) return UBIQUITI_SUFFIX[m[1]!];
  for (const word of prefix.split(/[^A-Za-z]+/)) {
    if (word.length < 4) continue; // `A`, `D`, `IN` are not decisions here
    const action = normalizeAction(word);
    if (action) return action;
  }
  return undefined;
}

function parseIptables(line: SyslogLine, ctx: MessageContext): ParseResult | typeof NOT_MINE {
  const part = netfilterPart(line.message);
  if (!part) return NOT_MINE;
  const kv = keyValues(part.fields);
  const srcText = kv.get('SRC');
  const dstText = kv.get('DST');
  const protoText = kv.get('PROTO');
  // A netfilter line always has these; without them it was cut short (collector line limits).
  for (const [key, value] of [['SRC', srcText], ['DST', dstText], ['PROTO', protoText]] as const) {
    if (value === undefined) return fail('MALFORMED', `netfilter line without ${key}= (cut short?)`);
  }
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(kv.get('DPT'))) return FILTERED;

  if (line.time === undefined) {
    return line.timeText === undefined
      ? fail('MISSING_FIELD', 'no timestamp: the line has no syslog header')
      : fail('BAD_TIME', `syslog stamp ${quote(line.timeText)} has no year: pass --year YYYY`);
  }
  const srcIp = canonicalIp(srcText!);
  if (srcIp === undefined) return fail('BAD_ADDRESS', `SRC: not an IP address: ${quote(srcText)}`);
  const dstIp = canonicalIp(dstText!);
  if (dstIp === undefined) return fail('BAD_ADDRESS', `DST: not an IP address: ${quote(dstText)}`);

  const event: NetworkEvent = {
    time: new Date(line.time).toISOString(), srcIp, dstIp, format: ID, file: ctx.file, line: ctx.lineNo,
  };
  for (const [key, field] of [['SPT', 'srcPort'], ['DPT', 'dstPort']] as const) {
    const text = kv.get(key);
    if (text === undefined) continue;
    const port = portOf(text);
    if (typeof port === 'number') event[field] = port;
    else ctx.observe?.unusable(field);
  }
  const protocol = normalizeProtocol(protoText!);
  if (protocol !== undefined) event.protocol = protocol;
  else ctx.observe?.unusable('protocol');
  const action = actionFromPrefix(part.prefix);
  if (action) event.action = action;
  if (line.host) event.device = line.host;
  event.vendor = 'Netfilter';
  event.product = 'iptables';
  return event;
}

export const iptablesFormat: MessageFormat = {
  id: ID,
  vendor: 'Netfilter',
  product: 'iptables',
  description: 'Linux netfilter (iptables, ip6tables, nftables log) kernel lines, incl. Ubiquiti EdgeOS/USG rule prefixes',
  recognizedBy: 'a kernel line with IN=… OUT=… (the LOG target\'s fields)',
  parse: parseIptables,
};
