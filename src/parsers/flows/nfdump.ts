/**
 * nfdump `-o csv` output (nfdump 1.6 and 1.7): a comma-separated file whose first line names the columns.
 *
 *   nfdump 1.6:  ts,te,td,sa,da,sp,dp,pr,flg,fwd,stos,ipkt,ibyt,opkt,obyt,in,out,sas,das,…,ra,eng,exid,tr
 *                2026-03-16 11:15:02,2026-03-16 11:15:04,2.010,203.0.113.7,10.20.30.40,51515,104,TCP,...AP.SF,0,0,6,480,…
 *   nfdump 1.7+: the `csv` output names its columns after the format tokens (`%ts` → firstSeen, `%sa` → srcAddr,
 *                `%dp` → dstPort, `%pr` → proto, `%ipkt` → inPackets, `%ibyt` → inBytes…, also with `-o "csv:%ts,%sa…"`).
 *
 * The header line defines the layout (any order; either vocabulary); a later header line (concatenated outputs)
 * changes it. nfdump ends a non-quiet csv listing with a `Summary` block (`Summary`, `flows,bytes,packets,avg_bps,…`,
 * a values line): it is not a record. Reading stops at the `Summary` line: every line after it is ignored until a
 * new header line starts another listing.
 *
 * - time: `ts`/`firstSeen`, the flow's first seen, `YYYY-MM-DD hh:mm:ss[.mmm]`. nfdump prints it with the C
 *   library's `localtime_r` (the zone of the machine that ran nfdump, its `TZ`): read in `--tz`, UTC without it
 *   (run `TZ=UTC nfdump …` to get UTC). nfdump's "no time" `0000-00-00 00:00:00.000` is BAD_TIME;
 * - protocol: `pr`/`proto`, a name (`TCP`, `UDP`, `ICMP`) or a number (`-N`);
 * - ports: `sp`/`dp` (`srcPort`/`dstPort`); for ICMP nfdump writes `type.code` in the destination port (and 0 as the source port): both absent;
 * - bytes = `ibyt` (+ `obyt` when the column is there and the flow is bidirectional), packets = `ipkt` (+ `opkt`);
 * - no decision (absent); device: the exporter `ra` (router IP) is not used (it is not the flow's device name).
 */
import { parseTimestamp } from '../../time/parse.js';
import { messageTime } from '../syslog/family.js';
import { connectionEvent } from '../syslog/connection.js';
import type { MessageContext } from '../syslog/message.js';
import { MAX_RECORD_CHARS } from '../lines.js';
import { FILTERED, recordPrefilter } from '../prefilter.js';
import { fail, isBlankBytes, toOutcome, type LineFormat, type LineSession, type ParseContext } from '../types.js';

const COMMA = 44;

/** Event field → the column names nfdump 1.6 and 1.7+ give it. */
const COLUMNS = {
  time: ['ts', 'firstSeen'],
  src: ['sa', 'srcAddr'],
  dst: ['da', 'dstAddr'],
  srcPort: ['sp', 'srcPort'],
  dstPort: ['dp', 'dstPort'],
  protocol: ['pr', 'proto'],
  inBytes: ['ibyt', 'inBytes', 'byt', 'bytes'],
  outBytes: ['obyt', 'outBytes'],
  inPackets: ['ipkt', 'inPackets', 'pkt', 'packets'],
  outPackets: ['opkt', 'outPackets'],
} as const;

type Field = keyof typeof COLUMNS;

interface Layout {
  columns: number;
  at: Partial<Record<Field, number>>;
  names: string[];
}

/** The layout a header line defines, or undefined when the line is not an nfdump csv header. */
function headerLayout(line: string): Layout | undefined {
  const text = line.replace(/^\uFEFF/, '').trim();
  if (!/^(ts|te|firstSeen|lastSeen|[a-zA-Z]+),/.test(text) || !/^[A-Za-z0-9_,-]+$/.test(text)) return undefined;
  const names = text.split(',');
  const at: Partial<Record<Field, number>> = {};
  for (const field of Object.keys(COLUMNS) as Field[]) {
    const i = names.findIndex((n) => (COLUMNS[field] as readonly string[]).includes(n));
    if (i !== -1) at[field] = i;
  }
  if (at.time === undefined || at.src === undefined || at.dst === undefined) return undefined;
  // the two vocabularies are nfdump's own: a header needs its time column and both address columns in one of them
  const short = names.includes('ts') && names.includes('sa') && names.includes('da');
  const long = names.includes('firstSeen') && names.includes('srcAddr') && names.includes('dstAddr');
  if (!short && !long) return undefined;
  return { columns: names.length, at, names };
}

function openNfdump(ctx: ParseContext): LineSession {
  let layout: Layout | undefined;
  let summary = false; // after a `Summary` line, until the next header
  const prefilter = recordPrefilter(ctx.prefilter);
  const time = messageTime(ctx);
  const messageCtx: MessageContext = { file: ctx.file, lineNo: 0, time, prefilter, observe: ctx.observe };

  return {
    push(buf, start, end, lineNo, out) {
      if (isBlankBytes(buf, start, end)) return; // blank lines are not records
      if (end - start > MAX_RECORD_CHARS) {
        if (summary) return;
        out.push(toOutcome(fail('RECORD_TOO_LONG', `record longer than ${MAX_RECORD_CHARS} bytes`), lineNo));
        return;
      }
      let stop = end;
      while (stop > start && (buf[stop - 1] === 13 || buf[stop - 1] === 32)) stop--;
      const c = buf[start]!;
      // a header starts with a letter; a record with a digit (its time); `Summary` ends the listing
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 0xef) {
        const line = buf.toString('utf8', start, stop);
        const next = headerLayout(line);
        if (next !== undefined) {
          layout = next;
          summary = false;
          ctx.observe?.columns({ used: {}, available: next.names.slice(0, 100) });
          return;
        }
        if (line.trim() === 'Summary') {
          summary = true;
          return;
        }
      }
      if (summary) return; // the summary block's lines are not records
      if (layout === undefined) {
        out.push(toOutcome(fail('MALFORMED', 'nfdump csv record before any header line (ts,te,td,sa,da… or firstSeen,…)'), lineNo));
        return;
      }
      let fields = 1;
      for (let i = start; i < stop; i++) if (buf[i] === COMMA) fields++;
      if (fields !== layout.columns) {
        out.push(toOutcome(fail('MALFORMED', `expected ${layout.columns} fields (header), found ${fields}`), lineNo));
        return;
      }
      if (prefilter && !prefilter.bytesMayMatch(buf, start, stop)) {
        out.push(toOutcome(FILTERED, lineNo));
        return;
      }
      const values = buf.toString('utf8', start, stop).split(',');
      const { at } = layout;
      const get = (field: Field): string | undefined => {
        const i = at[field];
        const v = i === undefined ? undefined : values[i]?.trim();
        return v === undefined || v === '' ? undefined : v;
      };
      let dstPort = get('dstPort');
      let srcPort = get('srcPort');
      if (dstPort !== undefined && dstPort.includes('.')) dstPort = srcPort = undefined; // ICMP `type.code`, source 0
      if (prefilter && dstPort !== undefined && !prefilter.portMayMatch(dstPort)) {
        out.push(toOutcome(FILTERED, lineNo));
        return;
      }
      const stamp = get('time');
      messageCtx.lineNo = lineNo;
      const result = connectionEvent(
        {
          time: stamp === undefined || stamp.startsWith('0000-') ? undefined : parseTimestamp(stamp, time),
          timeText: stamp,
          src: [get('src'), columnName(layout, 'src')],
          dst: [get('dst'), columnName(layout, 'dst')],
          srcPort: [srcPort, columnName(layout, 'srcPort')],
          dstPort: [dstPort, columnName(layout, 'dstPort')],
          protocol: [get('protocol'), columnName(layout, 'protocol')],
          bytes: [sum(get('inBytes'), get('outBytes')), columnName(layout, 'inBytes')],
          packets: [sum(get('inPackets'), get('outPackets')), columnName(layout, 'inPackets')],
          vendor: 'nfdump',
          product: 'nfdump',
        },
        'nfdump',
        messageCtx,
      );
      out.push(toOutcome(result, lineNo));
    },
    end() {},
  };
}

function columnName(layout: Layout, field: Field): string {
  const i = layout.at[field];
  return i === undefined ? COLUMNS[field][0] : layout.names[i]!;
}

/** `in` plus `out` when both are counts; `in` alone (as text, for connectionEvent to check) otherwise. */
function sum(inText: string | undefined, outText: string | undefined): string | undefined {
  if (inText === undefined || outText === undefined || !/^\d{1,15}$/.test(inText) || !/^\d{1,15}$/.test(outText)) return inText;
  return String(Number(inText) + Number(outText));
}

export const nfdumpFormat: LineFormat = {
  id: 'nfdump',
  kind: 'lines',
  vendor: 'nfdump',
  product: 'nfdump',
  description: 'nfdump -o csv (1.6 `ts,te,td,sa,da,…` and 1.7+ `firstSeen,…,srcAddr,dstAddr,…` headers), Summary block skipped',
  recognizedBy: 'first line is an nfdump csv header: `ts`, `sa` and `da` (1.6) or `firstSeen`, `srcAddr` and `dstAddr` (1.7+) among comma-separated names',
  sniff: (firstLine) => headerLayout(firstLine) !== undefined,
  open: openNfdump,
};
