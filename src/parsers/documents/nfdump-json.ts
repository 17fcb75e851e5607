/**
 * nfdump `-o json` (nfdump 1.7): a JSON array of flow objects, `"type" : "FLOW"`, `t_first`/`t_last` (local time of
 * the machine that ran nfdump, no zone: read in `--tz`, as the CSV form is, flows/nfdump.ts), `proto` (number),
 * `src4_addr`/`dst4_addr` or `src6_addr`/`dst6_addr`, `src_port`/`dst_port`, `in_packets`/`in_bytes` and, for
 * bidirectional records, `out_packets`/`out_bytes`. Time = `t_first`, the flow's first packet. nfdump states no
 * decision: no action.
 */
import { connectionEvent } from '../syslog/connection.js';
import { FILTERED } from '../prefilter.js';
import { skip, type ParseResult } from '../types.js';
import { parseTimestamp } from '../../time/parse.js';
import { NOT_MINE, type DocumentContext, type DocumentFormat } from './document.js';

const ID = 'nfdump';

function text(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/** Both directions when the record has them (a bidirectional flow), else the one it has. */
function total(doc: Readonly<Record<string, unknown>>, inKey: string, outKey: string): string | undefined {
  const a = text(doc[inKey]);
  const b = text(doc[outKey]);
  if (a === undefined || b === undefined || !/^\d{1,15}$/.test(a) || !/^\d{1,15}$/.test(b)) return a;
  return String(Number(a) + Number(b));
}

function parseNfdumpJson(doc: Readonly<Record<string, unknown>>, ctx: DocumentContext): ParseResult | typeof NOT_MINE {
  if (typeof doc.type !== 'string' || !('t_first' in doc) || !('proto' in doc)) return NOT_MINE;
  if (doc.type !== 'FLOW') return skip('NOT_A_CONNECTION', `nfdump record of type ${JSON.stringify(doc.type).slice(0, 40)}`);
  const v6 = 'src6_addr' in doc || 'dst6_addr' in doc;
  const [srcKey, dstKey] = v6 ? ['src6_addr', 'dst6_addr'] : ['src4_addr', 'dst4_addr'];
  // ICMP: nfdump writes type.code in the destination port; no ports then.
  const protocol = text(doc.proto);
  const icmp = protocol === '1' || protocol === '58';
  if (ctx.prefilter && !icmp && !ctx.prefilter.portMayMatch(text(doc.dst_port))) return FILTERED;
  const stamp = text(doc.t_first);
  return connectionEvent({
    time: stamp === undefined ? undefined : parseTimestamp(stamp, ctx.time),
    timeText: stamp,
    src: [text(doc[srcKey]), srcKey],
    dst: [text(doc[dstKey]), dstKey],
    srcPort: icmp ? undefined : [text(doc.src_port), 'src_port'],
    dstPort: icmp ? undefined : [text(doc.dst_port), 'dst_port'],
    protocol: [protocol, 'proto'],
    bytes: [total(doc, 'in_bytes', 'out_bytes'), 'in_bytes'],
    packets: [total(doc, 'in_packets', 'out_packets'), 'in_packets'],
    vendor: 'nfdump',
    product: 'nfdump',
  }, ID, ctx);
}

export const nfdumpJsonFormat: DocumentFormat = {
  id: ID,
  claimKeys: ['t_first'],
  vendor: 'nfdump',
  product: 'nfdump',
  description: 'nfdump -o json flow records (a JSON array), t_first as the time, no decision',
  recognizedBy: 'a JSON record with type, t_first and proto (type FLOW)',
  sample: '{"type":"FLOW","sampled":0,"export_sysid":1,"t_first":"2026-03-16T10:15:02.123","t_last":"2026-03-16T10:15:03.456","proto":6,"src4_addr":"203.0.113.7","dst4_addr":"10.1.2.3","src_port":51515,"dst_port":104,"fwd_status":0,"tcp_flags":"....S.","in_packets":2,"in_bytes":120}',
  parse: parseNfdumpJson,
};
