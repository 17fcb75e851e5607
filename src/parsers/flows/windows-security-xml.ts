/**
 * Windows Security events of the Windows Filtering Platform as XML: 5156 (connection permitted), 5157 (connection
 * blocked) and 5152 (packet dropped), from `wevtutil qe Security /q:… /f:xml` (a bare stream of `<Event xmlns=…>`
 * elements, no root element) or Event Viewer "Save as XML" (`<?xml …?><Events><Event>…</Event>…</Events>`).
 *
 *   <Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System>
 *     <Provider Name="Microsoft-Windows-Security-Auditing" …/><EventID>5156</EventID>
 *     <TimeCreated SystemTime="2015-09-22T05:24:22.622090200Z"/> … <Computer>DC01.contoso.local</Computer></System>
 *   <EventData><Data Name="ProcessID">4556</Data><Data Name="Application">\device\…\listener.exe</Data>
 *     <Data Name="Direction">%%14592</Data><Data Name="SourceAddress">10.0.0.10</Data><Data Name="SourcePort">3333</Data>
 *     <Data Name="DestAddress">10.0.0.100</Data><Data Name="DestPort">49278</Data><Data Name="Protocol">6</Data> …
 *   </EventData></Event>
 *
 * Streamed element by element: a bounded byte scan finds each `<Event`…`</Event>` (anything between elements — the
 * XML declaration, `<Events>`, a DOCTYPE, whitespace — is ignored and never parsed), an element is capped at 1 MiB
 * (RECORD_TOO_LONG), and only then is that one element parsed by fast-xml-parser with entity processing OFF: an
 * entity reference stays as written, a DOCTYPE inside an element is refused, so an entity bomb expands nothing.
 * `line` is the 1-based index of the `<Event>` element in the file.
 *
 * Which side is the source (Microsoft's field descriptions of events 5156/5157, learn.microsoft.com "event-5156"):
 * `SourceAddress`/`SourcePort` are the LOCAL address and port ("local IP address on which application received the
 * connection"), `DestAddress`/`DestPort` the REMOTE peer ("IP address from which connection was received or
 * initiated"), whatever the direction; Microsoft's 5156 and 5157 examples agree (inbound to listener.exe on port
 * 3333: SourcePort 3333). So for an inbound 5156/5157 (`Direction` %%14592) the connection goes from
 * DestAddress:DestPort to SourceAddress:SourcePort and the event swaps them; outbound (%%14593) is as written.
 * Event 5152 (packet drop) is per packet: Microsoft's 5152 example, from the same test setup, shows an inbound
 * packet as SourceAddress 10.0.0.100:49278 → DestAddress 10.0.0.10:3333 (the remote sender as source, the listener's
 * port as destination), although its field list repeats 5156's text; the example is what Windows writes, so a 5152
 * is read as written in both directions.
 *
 * - time: System/TimeCreated/@SystemTime (UTC); device: System/Computer; protocol: `Protocol` (IANA number);
 * - action: 5156 → allow, 5157 → deny, 5152 → drop;
 * - `Application` (the process path) has no field in the event model and is left out;
 * - other Event IDs (a Security log export holds logons, 5158 binds…) → NOT_A_CONNECTION.
 */
import { decodeXmlText, untrustedXmlParser, validateXml } from '../xml.js';
import type { Action } from '../../model/event.js';
import { parseTimestamp } from '../../time/parse.js';
import { quote } from '../fields.js';
import { messageTime } from '../syslog/family.js';
import { connectionEvent } from '../syslog/connection.js';
import type { MessageContext } from '../syslog/message.js';
import { MAX_RECORD_CHARS } from '../lines.js';
import { FILTERED, recordPrefilter } from '../prefilter.js';
import { fail, skip, toOutcome, type ByteFormat, type ByteSession, type ParseContext, type ParseResult, type RecordOutcome } from '../types.js';

/** The most bytes one `<Event>` element may hold. */
export const MAX_EVENT_BYTES = MAX_RECORD_CHARS;

const OPEN = Buffer.from('<Event', 'latin1');
const CLOSE = Buffer.from('</Event>', 'latin1');

const ACTIONS: Readonly<Record<string, Action>> = { '5156': 'allow', '5157': 'deny', '5152': 'drop' };
const INBOUND = new Set(['%%14592', 'inbound']);
const OUTBOUND = new Set(['%%14593', 'outbound']);

const parser = untrustedXmlParser(new Set(['Data']));

/** Whether byte `c` may follow `<Event` in an Event element's start tag (not `<Events`, `<EventData`, `<EventID`). */
function endsName(c: number | undefined): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 62 /* > */ || c === 47 /* / */;
}

/** The first `<Event` start tag at or after `from` in `buf`, or -1 (also -1 when the tag's next byte is not yet there). */
function findOpen(buf: Buffer, from: number): number {
  for (let i = buf.indexOf(OPEN, from); i !== -1; i = buf.indexOf(OPEN, i + 1)) {
    if (i + OPEN.length >= buf.length) return -1;
    if (endsName(buf[i + OPEN.length])) return i;
  }
  return -1;
}

function text(node: unknown): string | undefined {
  if (typeof node === 'string') return decodeXmlText(node);
  if (typeof node === 'number') return String(node);
  if (node && typeof node === 'object' && '#text' in node) return text((node as Record<string, unknown>)['#text']);
  return undefined;
}

function attr(node: unknown, name: string): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const v = (node as Record<string, unknown>)[`@_${name}`];
  return typeof v === 'string' ? decodeXmlText(v) : undefined;
}

function child(node: unknown, name: string): unknown {
  return node && typeof node === 'object' ? (node as Record<string, unknown>)[name] : undefined;
}

/** The event of one `<Event>` element's text. */
export function parseSecurityEvent(xml: string, ctx: MessageContext): ParseResult {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return fail('MALFORMED', 'DOCTYPE or ENTITY declaration inside an Event element (not expanded)');
  const valid = validateXml(xml);
  if (valid !== true) return fail('MALFORMED', `not well-formed XML: ${valid.err.msg} (element line ${valid.err.line})`);
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (e) {
    return fail('MALFORMED', `not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const event = child(doc, 'Event');
  const system = child(event, 'System');
  if (system === undefined || typeof system !== 'object') return fail('MALFORMED', 'Event element without System');
  const id = text(child(system, 'EventID'))?.trim();
  if (id === undefined) return fail('MISSING_FIELD', 'no System/EventID');
  const provider = attr(child(system, 'Provider'), 'Name');
  const action = ACTIONS[id];
  if (action === undefined || (provider !== undefined && provider !== 'Microsoft-Windows-Security-Auditing')) {
    return skip('NOT_A_CONNECTION', `event ${id}${provider ? ` of ${provider}` : ''} is not a Filtering Platform connection (5156/5157/5152)`);
  }
  const data = new Map<string, string>();
  const items = child(child(event, 'EventData'), 'Data');
  if (Array.isArray(items)) {
    for (const item of items) {
      const name = attr(item, 'Name');
      const value = text(item)?.trim();
      if (name !== undefined && value !== undefined && value !== '' && value !== '-') data.set(name, value);
    }
  }
  const stamp = attr(child(system, 'TimeCreated'), 'SystemTime');
  return filteringPlatformEvent(id, data, stamp, text(child(system, 'Computer'))?.trim(), ctx);
}

/**
 * A Filtering Platform event (5156/5157/5152) from its EventData values, however it was carried (event XML, or JSON
 * from Winlogbeat/NXLog, documents/windows-security.ts). `id` must be one of the three.
 */
export function filteringPlatformEvent(
  id: string, data: ReadonlyMap<string, string>, stamp: string | undefined, computer: string | undefined, ctx: MessageContext,
): ParseResult {
  const action = ACTIONS[id]!;
  const directionText = data.get('Direction');
  if (directionText === undefined) return fail('MISSING_FIELD', `event ${id}: no Direction`);
  const dir = directionText.toLowerCase();
  const inbound = INBOUND.has(dir);
  if (!inbound && !OUTBOUND.has(dir)) return fail('BAD_VALUE', `Direction: neither %%14592 (inbound) nor %%14593 (outbound): ${quote(directionText)}`);
  // 5156/5157 write the local side as Source: an inbound connection goes from Dest to Source. 5152 is per packet.
  const swap = inbound && id !== '5152';
  const [srcAddr, srcPort, dstAddr, dstPort] = swap
    ? (['DestAddress', 'DestPort', 'SourceAddress', 'SourcePort'] as const)
    : (['SourceAddress', 'SourcePort', 'DestAddress', 'DestPort'] as const);
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(data.get(dstPort))) return FILTERED;
  return connectionEvent(
    {
      time: stamp === undefined ? undefined : parseTimestamp(stamp, ctx.time),
      timeText: stamp,
      src: [data.get(srcAddr), srcAddr],
      dst: [data.get(dstAddr), dstAddr],
      srcPort: [data.get(srcPort), srcPort],
      dstPort: [data.get(dstPort), dstPort],
      protocol: [data.get('Protocol'), 'Protocol'],
      action,
      device: computer,
      vendor: 'Microsoft',
      product: 'Windows Filtering Platform',
    },
    'windows-security',
    ctx,
  );
}

/** Whether an Event ID is one of the Filtering Platform connection events read here. */
export function isFilteringPlatformConnection(id: string): boolean {
  return Object.hasOwn(ACTIONS, id);
}

function openWindowsSecurity(ctx: ParseContext): ByteSession {
  const messageCtx: MessageContext = { file: ctx.file, lineNo: 0, time: messageTime(ctx), prefilter: recordPrefilter(ctx.prefilter), observe: ctx.observe };
  /** Unconsumed bytes: outside an element, a short tail (a tag split across chunks); inside, the element so far. */
  let carry: Buffer = Buffer.alloc(0);
  let mode: 'outside' | 'inside' | 'skipping' = 'outside';
  /** Where the search for the element's end resumes, relative to `carry` (inside). */
  let searchFrom = 0;
  let index = 0;

  const emit = (out: RecordOutcome[], result: ParseResult) => out.push(toOutcome(result, index));

  const scan = (out: RecordOutcome[]) => {
    for (;;) {
      if (mode === 'outside') {
        const at = findOpen(carry, 0);
        if (at === -1) {
          // keep what could be the start of a split `<Event` tag
          const keepFrom = Math.max(0, carry.length - OPEN.length);
          carry = Buffer.from(carry.subarray(keepFrom));
          return;
        }
        index++;
        carry = carry.subarray(at);
        mode = 'inside';
        searchFrom = OPEN.length;
      }
      if (mode === 'skipping') {
        const end = carry.indexOf(CLOSE);
        if (end === -1) {
          carry = Buffer.from(carry.subarray(Math.max(0, carry.length - CLOSE.length + 1)));
          return;
        }
        carry = carry.subarray(end + CLOSE.length);
        mode = 'outside';
        continue;
      }
      // inside: the element's end, or another element's start (this one was cut off)
      const end = carry.indexOf(CLOSE, searchFrom);
      const next = findOpen(carry, searchFrom);
      if (next !== -1 && (end === -1 || next < end)) {
        emit(out, fail('MALFORMED', 'Event element cut off: another <Event> starts before its </Event>'));
        carry = carry.subarray(next);
        mode = 'outside';
        continue;
      }
      if (end === -1) {
        if (carry.length > MAX_EVENT_BYTES) {
          emit(out, fail('RECORD_TOO_LONG', `Event element longer than ${MAX_EVENT_BYTES} bytes`));
          mode = 'skipping';
          carry = Buffer.from(carry.subarray(carry.length - CLOSE.length + 1));
          return;
        }
        searchFrom = Math.max(OPEN.length, carry.length - CLOSE.length + 1);
        carry = Buffer.from(carry); // a copy: the caller may reuse the chunk
        return;
      }
      const stop = end + CLOSE.length;
      if (stop > MAX_EVENT_BYTES) emit(out, fail('RECORD_TOO_LONG', `Event element longer than ${MAX_EVENT_BYTES} bytes`));
      else {
        messageCtx.lineNo = index;
        emit(out, parseSecurityEvent(carry.toString('utf8', 0, stop), messageCtx));
      }
      carry = carry.subarray(stop);
      mode = 'outside';
    }
  };

  return {
    push(chunk, out) {
      carry = carry.length === 0 ? chunk : Buffer.concat([carry, chunk]);
      scan(out);
    },
    end(out) {
      if (mode === 'inside') emit(out, fail('MALFORMED', 'input ends inside an Event element (no </Event>)'));
      carry = Buffer.alloc(0);
      mode = 'outside';
    },
  };
}

/** `<?xml` declaration, `<Events`, or `<Event` then a space or `>`, after a BOM and blanks. */
function sniffXml(head: Buffer): boolean {
  let s = head.toString('utf8');
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  s = s.trimStart();
  if (/^<Events?[\s>]/.test(s)) return true;
  if (!s.startsWith('<?xml')) return false;
  // after the declaration (and blanks) comes `<Event…`, or the head ends before anything else is seen
  const close = s.indexOf('?>');
  if (close === -1) return false;
  const rest = s.slice(close + 2).trimStart();
  return rest === '' ? false : /^(?:<Events?(?:[\s>]|$)|<!DOCTYPE\s+Events?[\s>[])/.test(rest) || '<Events'.startsWith(rest);
}

export const windowsSecurityFormat: ByteFormat = {
  id: 'windows-security',
  kind: 'bytes',
  vendor: 'Microsoft',
  product: 'Windows Filtering Platform',
  description: 'Windows Security events 5156/5157/5152 (Filtering Platform) as XML (wevtutil qe /f:xml, Event Viewer "Save as XML"), read event by event',
  recognizedBy: 'first non-blank bytes are `<Event ` or `<Events>`, or an `<?xml …?>` declaration followed by one of them (or by `<!DOCTYPE Events`)',
  sniffBytes: sniffXml,
  open: openWindowsSecurity,
};
