/**
 * Suricata EVE JSON (https://docs.suricata.io/en/latest/output/eve/eve-json-format.html): one JSON object per
 * line, `event_type` says what it reports. Every event type that carries the flow's 5-tuple (`src_ip`, `src_port`,
 * `dest_ip`, `dest_port`, `proto`) is a connection seen by the sensor — `flow`, `netflow`, `alert`, `drop`,
 * `anomaly` and the application-layer records (`http`, `dns`, `tls`, `ssh`, `fileinfo`…), as Elastic's pipeline
 * reads `source.*`/`destination.*` from all of them; `stats` and other records without both addresses are
 * NOT_A_CONNECTION.
 *
 * - time: a flow record (`flow`, `netflow`) describes the whole flow, so its time is `flow.start`/`netflow.start`
 *   (DESIGN.md: a flow's first packet), falling back to `timestamp`; every other record (an alert, an HTTP
 *   transaction) is about the packet that produced it: `timestamp`, as Elastic's `@timestamp`.
 * - action: `alert.action` `allowed` → allow, `blocked` → drop (an IPS drops silently); a `drop` record → drop;
 *   otherwise absent (an IDS observes, it decides nothing).
 * - bytes/packets: `bytes_toserver + bytes_toclient` and `pkts_toserver + pkts_toclient` of `flow` (or `netflow`,
 *   which carries one direction as `bytes`/`pkts`).
 */
import type { Action } from '../../model/event.js';
import { parseTimestamp } from '../../time/parse.js';
import { connectionEvent } from '../syslog/connection.js';
import { FILTERED } from '../prefilter.js';
import { fail, skip } from '../types.js';
import { NOT_MINE, type DocumentFormat } from './document.js';

const ALERT_ACTIONS: Readonly<Record<string, Action>> = { allowed: 'allow', blocked: 'drop' };

/** Flow-summary records: their time is the flow's start. */
const FLOW_RECORDS = new Set(['flow', 'netflow']);

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

function object(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function total(a: unknown, b: unknown): string | undefined {
  const x = text(a);
  const y = text(b);
  if (x === undefined && y === undefined) return undefined;
  if (x === undefined || y === undefined) return x ?? y; // netflow records carry one direction
  if (!/^\d{1,15}$/.test(x) || !/^\d{1,15}$/.test(y)) return 'unusable';
  return String(Number(x) + Number(y));
}

export const suricataEveFormat: DocumentFormat = {
  id: 'suricata',
  claimKeys: ['event_type'],
  vendor: 'OISF',
  product: 'Suricata',
  description: 'Suricata EVE JSON: flow, netflow, alert, drop and protocol records with a 5-tuple (stats and others are NOT_A_CONNECTION)',
  recognizedBy: 'a JSON record with `event_type` and `timestamp` (and `src_ip`/`dest_ip` for a connection)',
  sample:
    '{"timestamp":"2026-03-16T10:15:09.482113+0000","flow_id":1805461738637437,"in_iface":"eth1","event_type":"flow","src_ip":"203.0.113.7","src_port":51515,"dest_ip":"10.20.30.40","dest_port":104,"proto":"TCP","app_proto":"failed","flow":{"pkts_toserver":3,"pkts_toclient":2,"bytes_toserver":186,"bytes_toclient":120,"start":"2026-03-16T10:15:02.123456+0000","end":"2026-03-16T10:15:07.001234+0000","age":5,"state":"closed","reason":"timeout","alerted":false}}',
  parse(doc, ctx) {
    const type = doc['event_type'];
    if (typeof type !== 'string' || doc['timestamp'] === undefined) return NOT_MINE;
    const eventType = type.toLowerCase();
    const src = doc['src_ip'];
    const dst = doc['dest_ip'];
    if (src === undefined && dst === undefined) return skip('NOT_A_CONNECTION', `Suricata ${type} record without addresses`);
    const proto = text(doc['proto']);
    const icmp = proto !== undefined && /^ipv6-icmp$|^icmp/i.test(proto);
    const dstPort = icmp ? undefined : doc['dest_port'];
    if (ctx.prefilter && !icmp && !ctx.prefilter.portMayMatch(dstPort)) return FILTERED;
    const flow = object(doc[eventType === 'netflow' ? 'netflow' : 'flow']);
    const stampText = text(doc['timestamp']);
    let timeText = stampText;
    if (FLOW_RECORDS.has(eventType)) {
      const start = text(flow?.['start']);
      if (start !== undefined) timeText = start;
    }
    const time = timeText === undefined ? undefined : parseTimestamp(timeText, ctx.time);
    let action: Action | undefined;
    if (eventType === 'alert') {
      const alert = object(doc['alert']);
      if (alert === undefined) return fail('MALFORMED', 'Suricata alert record without its `alert` object');
      const word = text(alert['action'])?.toLowerCase();
      action = word !== undefined && Object.hasOwn(ALERT_ACTIONS, word) ? ALERT_ACTIONS[word] : undefined;
    } else if (eventType === 'drop') action = 'drop';
    return connectionEvent(
      {
        time,
        timeText,
        src: [text(src), 'src_ip'],
        dst: [text(dst), 'dest_ip'],
        srcPort: [icmp ? undefined : text(doc['src_port']), 'src_port'],
        dstPort: [text(dstPort), 'dest_port'],
        protocol: [proto, 'proto'],
        action,
        bytes: [eventType === 'netflow' ? text(flow?.['bytes']) : total(flow?.['bytes_toserver'], flow?.['bytes_toclient']), 'flow.bytes_toserver+bytes_toclient'],
        packets: [eventType === 'netflow' ? text(flow?.['pkts']) : total(flow?.['pkts_toserver'], flow?.['pkts_toclient']), 'flow.pkts_toserver+pkts_toclient'],
        device: text(doc['host']),
        vendor: 'OISF',
        product: 'Suricata',
      },
      'suricata',
      ctx,
    );
  },
};
