/**
 * What every vendor message module does once it has found a connection's values as text: check and canonicalise
 * them the same way, with errors that name the vendor's own field, so twenty vendors do not grow twenty slightly
 * different copies of "is this an address". Required: time, source and destination; everything else is optional
 * and an unusable optional value is left absent and reported (ParseObserver.unusable), never the record's end.
 */
import { normalizeAction } from '../../model/action.js';
import type { Action, NetworkEvent } from '../../model/event.js';
import { portOf } from '../../model/port.js';
import { normalizeProtocol } from '../../model/protocol.js';
import { canonicalIp } from '../../net/ip.js';
import { parseTimestamp } from '../../time/parse.js';
import { quote } from '../fields.js';
import { fail, type ParseResult } from '../types.js';
import type { SyslogLine } from './framing.js';
import type { MessageContext } from './message.js';

/** A value as the message carries it, and the name the message gives it (for error messages). */
export type Named<V> = readonly [value: V | undefined, name: string];

export interface ConnectionValues {
  /** Epoch ms of the firewall's own timestamp for the connection (the message's, else the syslog header's). */
  time: number | undefined;
  /** The stamp as written, when there is one that could not be read (for the error message). */
  timeText?: string | undefined;
  src: Named<string>;
  dst: Named<string>;
  srcPort?: Named<string | number>;
  dstPort?: Named<string | number>;
  protocol?: Named<string | number>;
  /** An event-model action already decided by the module, or the vendor's word for it. */
  action?: Action | string | undefined;
  bytes?: Named<string | number>;
  packets?: Named<string | number>;
  device?: string | undefined;
  vendor: string;
  product: string;
}

/** The time of a syslog-borne message whose own text has none: the header's, or why there is none. */
export function headerTime(line: SyslogLine): Pick<ConnectionValues, 'time' | 'timeText'> {
  return { time: line.time, timeText: line.timeText };
}

function count(value: string | number | undefined): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (value === undefined || !/^\d{1,16}$/.test(value)) return undefined;
  return Number(value);
}

/** A port the message gives, or undefined (none, or an unusable one: reported). */
function portValue(named: Named<string | number> | undefined, field: 'srcPort' | 'dstPort', ctx: MessageContext): number | undefined {
  if (named === undefined || named[0] === undefined || named[0] === '') return undefined;
  const port = portOf(named[0]);
  if (typeof port === 'number') return port;
  ctx.observe?.unusable(field);
  return undefined;
}

/** A counter the message gives, or undefined (none, or an unusable one: reported). */
function countValue(named: Named<string | number> | undefined, field: 'bytes' | 'packets', ctx: MessageContext): number | undefined {
  if (named === undefined || named[0] === undefined || named[0] === '') return undefined;
  const n = count(named[0]);
  if (n === undefined) ctx.observe?.unusable(field);
  return n;
}

/**
 * Whether a stamp that could not be placed in time would be with a year (`Mar 16 10:15:02` read from stdin, with no
 * file date to take the year from): only then is `--year` the answer. A stamp that is no date in any year
 * (`Feb 30`), or the year already given, gets no such hint.
 */
function lacksOnlyAYear(stamp: string, ctx: MessageContext): boolean {
  return ctx.time.year === undefined && parseTimestamp(stamp, { ...ctx.time, year: 2024 /* a leap year */ }) !== undefined;
}

/** The event of one connection message, or the error that names what is wrong with it. */
export function connectionEvent(values: ConnectionValues, format: string, ctx: MessageContext): ParseResult {
  const [srcText, srcName] = values.src;
  const [dstText, dstName] = values.dst;
  if (srcText === undefined || srcText === '') return fail('MISSING_FIELD', `no source address (${srcName})`);
  if (dstText === undefined || dstText === '') return fail('MISSING_FIELD', `no destination address (${dstName})`);
  const srcIp = canonicalIp(srcText);
  if (srcIp === undefined) return fail('BAD_ADDRESS', `${srcName}: not an IP address: ${quote(srcText)}`);
  const dstIp = canonicalIp(dstText);
  if (dstIp === undefined) return fail('BAD_ADDRESS', `${dstName}: not an IP address: ${quote(dstText)}`);
  if (values.time === undefined) {
    return values.timeText === undefined
      ? fail('MISSING_FIELD', 'no timestamp')
      : fail('BAD_TIME', `not a timestamp: ${quote(values.timeText)}${lacksOnlyAYear(values.timeText, ctx) ? ' (no year: pass --year YYYY)' : ''}`);
  }
  const event: NetworkEvent = { time: values.time, srcIp, dstIp, format, file: ctx.file, line: ctx.lineNo };
  // Field by field, not in loops over field names: each store then has one key, which keeps this fast.
  const srcPort = portValue(values.srcPort, 'srcPort', ctx);
  if (srcPort !== undefined) event.srcPort = srcPort;
  const dstPort = portValue(values.dstPort, 'dstPort', ctx);
  if (dstPort !== undefined) event.dstPort = dstPort;
  const protocolText = values.protocol?.[0];
  if (protocolText !== undefined && protocolText !== '') {
    const protocol = normalizeProtocol(String(protocolText));
    if (protocol !== undefined) event.protocol = protocol;
    else ctx.observe?.unusable('protocol');
  }
  if (values.action !== undefined) {
    const action = normalizeAction(values.action);
    if (action) event.action = action;
  }
  const bytes = countValue(values.bytes, 'bytes', ctx);
  if (bytes !== undefined) event.bytes = bytes;
  const packets = countValue(values.packets, 'packets', ctx);
  if (packets !== undefined) event.packets = packets;
  if (values.device) event.device = values.device;
  event.vendor = values.vendor;
  event.product = values.product;
  return event;
}
