/**
 * The syslog family: line-level detection for the messages firewalls send to a syslog collector, often several
 * vendors in one file. The framing (RFC 3164/5424, year inference as session state) is parsed once per line; then
 * the vendor message formats are tried in turn, the last one that matched first, so a one-vendor file pays for one
 * parser per line. A line no format recognises is an UNRECOGNISED_FORMAT outcome: counted, reported, and the file
 * goes on.
 */
import type { NetworkEvent } from '../../model/event.js';
import { ByteScanner, type LinePrefix } from '../kernel/kernel.js';
import { lineLimit } from '../lines.js';
import { portTable, pushFiltered, recordPrefilter } from '../prefilter.js';
import type { TimeContext } from '../../time/parse.js';
import { isBlankBytes, skip, toOutcome, type LineFormat, type LineSession, type ParseContext, type ParseResult, type RecordOutcome } from '../types.js';
import { parseSyslogLine, type HeaderShape, type SyslogLine, type YearState } from './framing.js';
import { NOT_MINE, type FramedLines, type MessageContext, type MessageFormat } from './message.js';

export function syslogFamily<T = NetworkEvent>(formats: readonly MessageFormat<T>[]): LineFormat<T> {
  const ids = formats.map((f) => f.id).join(', ');
  return {
    id: 'syslog',
    kind: 'lines',
    recordsEndInLineFeed: true,
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
export function messageDispatcher<T = NetworkEvent>(formats: readonly MessageFormat<T>[]): MessageDispatcher<T> {
  let last = 0;
  const unrecognised = skip('UNRECOGNISED_FORMAT', `no message format recognises this line (known: ${formats.map((f) => f.id).join(', ')})`);
  const dispatch = (line: SyslogLine, ctx: MessageContext): ParseResult<T> => {
    for (let k = 0; k < formats.length; k++) {
      const index = k === 0 ? last : k <= last ? k - 1 : k;
      const result = formats[index]!.parse(line, ctx);
      if (result === NOT_MINE) continue;
      last = index;
      return result;
    }
    return unrecognised;
  };
  dispatch.first = () => formats[last];
  return dispatch;
}

/** Offers a line to the message formats; `first()` is the one it will try first (the last that matched). */
export interface MessageDispatcher<T> {
  (line: SyslogLine, ctx: MessageContext): ParseResult<T>;
  first(): MessageFormat<T> | undefined;
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
  // The hot path (scan): the header of the last line framed as text, kept as bytes, frames the next lines like it.
  const dstPorts = ctx.bytePath === false ? undefined : ctx.prefilter?.dstPorts;
  const scanner = dstPorts && ctx.scanner;
  const runs = ctx.filteredRuns;
  const shape: HeaderShape = { restAt: -1, stampFrom: 0, stampTo: 0 };
  let header: Buffer | undefined;
  /**
   * For the message format's filteredLines: the header and `TAG: ` of the last line FILTERED on bytes (its
   * message's start is known only then), while the header stays the same; undefined otherwise.
   */
  let framed: FramedLines | undefined;
  const ports = runs && scanner ? portTable(dstPorts!) : undefined;
  const maxLine = lineLimit(ctx);
  return {
    block(buf, start, end, _lineNo, taken) {
      const format = dispatch.first();
      return framed && scanner && format?.filteredLines ? format.filteredLines(scanner, buf, start, end, framed, taken) : 0;
    },
    push(buf, start, end, lineNo, out: RecordOutcome<T>[]) {
      if (isBlankBytes(buf, start, end)) return; // blank lines are not records
      let framedAlike = false;
      const first = dispatch.first();
      // A line the block's kernel stopped at for its port alone is framed like the last (its prefix matched) and not
      // FILTERED: nothing to read again on bytes.
      if (header && scanner && scanner.stoppedAtWantedPort(buf, start)) framedAlike = true;
      else if (header && scanner) {
        const message = messageStartOnBytes(buf, start, end, header, shape, scanner);
        if (message !== -1 && first?.filteredOnBytes?.(buf, message, end, dstPorts!, start, scanner)) {
          pushFiltered(out, lineNo, runs);
          if (ports && first.filteredLines) {
            const prefix = linePrefix(buf, start, end, message, shape);
            if (prefix && (framed === undefined || !sameBytes(framed.prefix.bytes, buf, start, start + prefix.bytes.length))) framed = { prefix, maxLine, ports };
          }
          return;
        }
        framedAlike = message !== -1;
      }
      const line = parseSyslogLine(buf.toString('utf8', start, end), time, years, dstPorts && shape);
      // Another header (or none) ends the shape: year inference must see every line that is not like it. (A line framed
      // alike has the kept header's bytes but for digits in its stamp, which the comparison skips: it is kept.)
      if (!(framedAlike && header !== undefined && shape.restAt === header.length)) {
        header = scanner && shape.restAt !== -1 && shape.restAt <= ByteScanner.MAX_HEADER ? Buffer.from(buf.subarray(start, start + shape.restAt)) : undefined;
      }
      messageCtx.lineNo = lineNo;
      out.push(toOutcome<T>(dispatch(line, messageCtx), lineNo));
      // A line framed like the last one settled on bytes (one that may match, as a scan's ~1 % do) leaves the block's
      // prefix as it was, unless it made another format the first one tried: the block goes on from the next line.
      if (!framedAlike || dispatch.first() !== first) framed = undefined;
    },
    end() {},
  };
}

const SPACE = 32;
const COLON = 58;

/**
 * Where the message of the line in bytes [start, end) starts, when the line is framed as the one whose header bytes
 * are `header` (see HeaderShape) — the same bytes before `rest`, digits in the stamp aside — and nothing after them
 * could change that; -1 when unsure (the line is then framed as text). What parseSyslogLine would look at beyond the
 * header is checked here on bytes: `rest` starts with no space, no ` : ` separator and no `facility.severity`
 * word, it is not a relay's second header, and its `TAG: ` is found as hostAndTag finds it.
 */
export function messageStartOnBytes(buf: Buffer, start: number, end: number, header: Buffer, shape: HeaderShape, scanner: ByteScanner): number {
  const n = shape.restAt;
  if (end - start <= n || scanner.sameHeader(buf, start, header, shape.stampFrom, shape.stampTo) !== true) return -1;
  const rest = start + n;
  const c0 = buf[rest]!;
  if (c0 === SPACE || c0 === COLON || c0 === 60 /* < */ || c0 > 127) return -1;
  // A relay's second header (frame on `rest`): a digit opens an RFC 5424 or RFC 3339 one, whose first word is at
  // least 19 bytes with a T at 10; a letter an RFC 3164 one, which needs a space after its first three letters.
  let space = -1;
  const scanTo = Math.min(end, rest + 66);
  let tagEnd = -1;
  let dot = -1;
  for (let i = rest; i < scanTo; i++) {
    const c = buf[i]!;
    if (c > 127) return -1;
    if (c === COLON && buf[i + 1] === SPACE && i + 1 < end) {
      tagEnd = i;
      break;
    }
    if (c === SPACE) {
      space = i;
      break;
    }
    if (c === 46 /* . */ && dot === -1) dot = i;
  }
  if (isDigit(c0)) {
    if (c0 === 49 /* 1 */ && buf[rest + 1] === SPACE && rest + 1 < end) return -1;
    const word = space !== -1 ? space : tagEnd !== -1 ? tagEnd + 1 : -1;
    if (word === -1 || (word - rest >= 19 && buf[rest + 10] === 84 /* T */)) return -1;
  } else if (rest + 3 < end && buf[rest + 3] === SPACE) return -1;
  // `user.info` after the host: a facility (lower-case letters and digits, at most 8) before a dot.
  if (dot !== -1 && dot - rest <= 8 && (space === -1 || dot < space) && (tagEnd === -1 || dot < tagEnd) && isFacilityLike(buf, rest, dot)) return -1;
  // The tag: `TAG: ` within 64 characters, no space before it; else the message is all of `rest`.
  // (no `: ` before a space, or none within 66 bytes: a tag further on would be over 64 characters)
  return tagEnd !== -1 && tagEnd - rest <= 64 ? tagEnd + 2 : rest;
}

/**
 * What the lines framed like this one start with (its message at `message`, found by messageStartOnBytes with the
 * header shape `shape`), for a kernel that settles many at once; undefined when there is no such prefix. The bytes
 * messageStartOnBytes reads past the header are all in it, so a line that starts with them, digits aside where
 * digits stood, is framed alike:
 * - with a tag: the header and `TAG: ` (at least four bytes after the header: its test of the fourth byte);
 * - without: the header and the message's first word with the space after it (the word at least three bytes, no `: `
 *   in it, within the 64 it looks at: its tests of the second and fourth bytes); the word's digits may differ (a PAN-OS record's `1,2026/03/28`), which changes
 *   none of its tests.
 */
function linePrefix(buf: Buffer, start: number, end: number, message: number, shape: HeaderShape): LinePrefix | undefined {
  const rest = start + shape.restAt;
  let to = message;
  let word = 0;
  if (message === rest) {
    let i = rest;
    while (i < end && i - rest <= 64 && buf[i] !== SPACE && !(buf[i] === COLON && buf[i + 1] === SPACE)) i++;
    if (i >= end || buf[i] !== SPACE || i - rest < 3) return undefined;
    word = i - rest;
    to = i + 1;
  } else if (message - rest < 4) return undefined;
  if (to - start > ByteScanner.MAX_HEADER) return undefined;
  return {
    bytes: Buffer.from(buf.subarray(start, to)), stampFrom: shape.stampFrom, stampTo: shape.stampTo,
    wordFrom: word > 0 ? shape.restAt : 0, wordTo: word > 0 ? shape.restAt + word : 0, messageAt: message - start,
  };
}

/** Whether bytes [start, end) of `buf` are those of `bytes`. */
function sameBytes(bytes: Buffer, buf: Buffer, start: number, end: number): boolean {
  return end - start === bytes.length && bytes.compare(buf, start, end) === 0;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isFacilityLike(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (!((c >= 97 && c <= 122) || isDigit(c))) return false;
  }
  return to > from;
}
