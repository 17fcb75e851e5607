/**
 * The syslog family: line-level detection for the messages firewalls send to a syslog collector, often several
 * vendors in one file. The framing (RFC 3164/5424, year inference as session state) is parsed once per line; then
 * the vendor message formats are tried in turn, the last one that matched first, so a one-vendor file pays for one
 * parser per line. A line no format recognises is an UNRECOGNISED_FORMAT outcome: counted, reported, and the file
 * goes on.
 */
import type { NetworkEvent } from '../../model/event.js';
import { recordPrefilter } from '../prefilter.js';
import type { TimeContext } from '../../time/parse.js';
import { isBlankBytes, skip, toOutcome, type LineFormat, type LineSession, type ParseContext, type ParseResult, type RecordOutcome } from '../types.js';
import { parseSyslogLine, type SyslogLine, type YearState } from './framing.js';
import { NOT_MINE, type MessageContext, type MessageFormat } from './message.js';

export function syslogFamily<T = NetworkEvent>(formats: readonly MessageFormat<T>[]): LineFormat<T> {
  const ids = formats.map((f) => f.id).join(', ');
  return {
    id: 'syslog',
    kind: 'lines',
    description: `syslog lines (RFC 3164/5424, or bare) carrying vendor messages, recognized per line: ${ids}`,
    recognizedBy: 'first non-blank line has a syslog header or is a message of a known vendor format',
    sniff(firstLine, ctx) {
      // A year-less stamp frames the line even when it cannot be placed in time: recognising needs no year.
      const line = parseSyslogLine(firstLine, { tz: ctx?.tz ?? 'UTC' });
      if (line.header) return true;
      const messageCtx: MessageContext = { file: ctx?.file ?? '', lineNo: 1, time: { tz: ctx?.tz ?? 'UTC' } };
      return formats.some((f) => f.parse(line, messageCtx) !== NOT_MINE);
    },
    open: (ctx) => openSyslog(ctx, formats),
  };
}

/**
 * Offers a framed line to the message formats in turn, the last one that matched first, so a one-vendor input
 * pays for one parser per line; a line none recognises is an UNRECOGNISED_FORMAT skip. Shared by the syslog family
 * and by the header formats that carry raw vendor lines in a column (embedded.ts).
 */
export function messageDispatcher<T = NetworkEvent>(formats: readonly MessageFormat<T>[]): (line: SyslogLine, ctx: MessageContext) => ParseResult<T> {
  let last = 0;
  const unrecognised = skip('UNRECOGNISED_FORMAT', `no message format recognises this line (known: ${formats.map((f) => f.id).join(', ')})`);
  return (line, ctx) => {
    for (let k = 0; k < formats.length; k++) {
      const index = k === 0 ? last : k <= last ? k - 1 : k;
      const result = formats[index]!.parse(line, ctx);
      if (result === NOT_MINE) continue;
      last = index;
      return result;
    }
    return unrecognised;
  };
}

/** The time context message parsers get from the parse options. */
export function messageTime(ctx: ParseContext): TimeContext {
  return { tz: ctx.tz ?? 'UTC', ...(ctx.year !== undefined ? { year: ctx.year } : {}), ...(ctx.now !== undefined ? { now: ctx.now } : {}) };
}

function openSyslog<T>(ctx: ParseContext, formats: readonly MessageFormat<T>[]): LineSession<T> {
  const time = messageTime(ctx);
  const years: YearState = {};
  const messageCtx: MessageContext = { file: ctx.file, lineNo: 0, time, prefilter: recordPrefilter(ctx.prefilter), observe: ctx.observe };
  const dispatch = messageDispatcher(formats);
  return {
    push(buf, start, end, lineNo, out: RecordOutcome<T>[]) {
      if (isBlankBytes(buf, start, end)) return; // blank lines are not records
      const line = parseSyslogLine(buf.toString('utf8', start, end), time, years);
      messageCtx.lineNo = lineNo;
      out.push(toOutcome<T>(dispatch(line, messageCtx), lineNo));
    },
    end() {},
  };
}
