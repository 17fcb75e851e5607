/**
 * Zeek conn.log records (https://docs.zeek.org/en/master/logs/conn.html, the `Conn::Info` record): one record per
 * connection, the originator (`id.orig_h`/`id.orig_p`) is the side that opened it, the responder
 * (`id.resp_h`/`id.resp_p`) the side it was opened to. This module reads the JSON form (`LogAscii::use_json`, keys
 * flat and dotted as Zeek writes them, or nested `id: {orig_h…}` as some shippers re-shape them); the TSV form is
 * src/parsers/flows/zeek-tsv.ts, which shares `zeekConnection` below.
 *
 * - time: `ts`, the connection's first packet (epoch seconds with a fraction, or ISO 8601 with
 *   `LogAscii::json_timestamps`), truncated to the millisecond;
 * - ICMP: Zeek writes the ICMP type and code in the port fields; they are not ports and are left out;
 * - bytes/packets: `orig_ip_bytes + resp_ip_bytes` and `orig_pkts + resp_pkts` (IP-level, both directions, as
 *   Elastic's `network.bytes`/`network.packets`); absent unless both directions are given; a record trimmed of
 *   the IP-level counters (neither `*_ip_bytes` present) falls back to the payload bytes `orig_bytes + resp_bytes`;
 * - action from `conn_state`: only REJ ("connection attempt rejected", a SYN answered by a RST) states a refusal →
 *   `deny`, as Elastic's pipeline types it `denied`; every other state (S0 "no reply", SF, RSTO…) says what the
 *   sensor saw, not what a policy decided: absent.
 */
import type { Action } from '../../model/event.js';
import { parseTimestamp } from '../../time/parse.js';
import { connectionEvent } from '../syslog/connection.js';
import { FILTERED } from '../prefilter.js';
import { skip, type ParseResult } from '../types.js';
import { NOT_MINE, type DocumentContext, type DocumentFormat } from './document.js';

export const ZEEK_VENDOR = 'Zeek';
export const ZEEK_PRODUCT = 'Zeek';

/** conn_state → event action (README table). Only REJ states a refusal. */
export const ZEEK_CONN_STATE_ACTIONS: Readonly<Record<string, Action>> = { REJ: 'deny' };

/** A Zeek field by its log name (`ts`, `id.orig_h`…); undefined when absent or unset. */
export type ZeekField = (name: string) => unknown;

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/**
 * The event of one conn record, or why there is none. `get` returns values as the log holds them (TSV: strings,
 * already without `-`/`(empty)`; JSON: numbers or strings). The pre-filter tests the responder port first.
 */
export function zeekConnection(get: ZeekField, format: string, ctx: DocumentContext): ParseResult {
  const proto = text(get('proto'))?.toLowerCase();
  const icmp = proto === 'icmp';
  const respPort = icmp ? undefined : get('id.resp_p');
  if (ctx.prefilter && !icmp && !ctx.prefilter.portMayMatch(respPort)) return FILTERED;
  const tsText = text(get('ts'));
  const time = tsText === undefined ? undefined : parseTimestamp(tsText, ctx.time);
  const state = text(get('conn_state'));
  const sum = (a: unknown, b: unknown): string | undefined => {
    const x = text(a);
    const y = text(b);
    if (x === undefined || y === undefined || !/^\d{1,15}$/.test(x) || !/^\d{1,15}$/.test(y)) {
      return x === undefined || y === undefined ? undefined : 'unusable';
    }
    return String(Number(x) + Number(y));
  };
  return connectionEvent(
    {
      time,
      timeText: tsText,
      src: [text(get('id.orig_h')), 'id.orig_h'],
      dst: [text(get('id.resp_h')), 'id.resp_h'],
      srcPort: [icmp ? undefined : text(get('id.orig_p')), 'id.orig_p'],
      dstPort: [text(respPort), 'id.resp_p'],
      protocol: [proto === 'unknown_transport' ? undefined : proto, 'proto'],
      action: state !== undefined && Object.hasOwn(ZEEK_CONN_STATE_ACTIONS, state) ? ZEEK_CONN_STATE_ACTIONS[state] : undefined,
      bytes: get('orig_ip_bytes') !== undefined || get('resp_ip_bytes') !== undefined
        ? [sum(get('orig_ip_bytes'), get('resp_ip_bytes')), 'orig_ip_bytes+resp_ip_bytes']
        : [sum(get('orig_bytes'), get('resp_bytes')), 'orig_bytes+resp_bytes'],
      packets: [sum(get('orig_pkts'), get('resp_pkts')), 'orig_pkts+resp_pkts'],
      vendor: ZEEK_VENDOR,
      product: ZEEK_PRODUCT,
    },
    format,
    ctx,
  );
}

/** Keys only conn.log records carry (Conn::Info), as opposed to dns.log, http.log… which share ts/uid/id. */
const CONN_KEYS = ['conn_state', 'orig_pkts', 'orig_ip_bytes', 'missed_bytes', 'resp_pkts', 'resp_ip_bytes'] as const;

function nestedId(doc: Readonly<Record<string, unknown>>): Readonly<Record<string, unknown>> | undefined {
  const id = doc['id'];
  return id !== null && typeof id === 'object' && !Array.isArray(id) ? (id as Record<string, unknown>) : undefined;
}

export const zeekConnFormat: DocumentFormat = {
  id: 'zeek',
  claimKeys: ['uid'],
  vendor: ZEEK_VENDOR,
  product: ZEEK_PRODUCT,
  description: 'Zeek conn.log as JSON (one connection per record; other Zeek logs are NOT_A_CONNECTION)',
  recognizedBy: 'a JSON record with `ts`, `uid` and `id.orig_h`/`id.resp_h` (flat dotted keys or nested `id`)',
  sample:
    '{"ts":1773656102.123456,"uid":"CHhAvVGS1DHFjwGM9","id.orig_h":"203.0.113.7","id.orig_p":51515,"id.resp_h":"10.20.30.40","id.resp_p":104,"proto":"tcp","conn_state":"REJ","missed_bytes":0,"history":"Sr","orig_pkts":1,"orig_ip_bytes":60,"resp_pkts":1,"resp_ip_bytes":40}',
  parse(doc, ctx) {
    if (doc['ts'] === undefined || doc['uid'] === undefined) return NOT_MINE;
    const id = doc['id.orig_h'] !== undefined || doc['id.resp_h'] !== undefined ? undefined : nestedId(doc);
    if (id === undefined && doc['id.orig_h'] === undefined && doc['id.resp_h'] === undefined) return NOT_MINE;
    const path = doc['_path'];
    if (typeof path === 'string' ? path !== 'conn' : !CONN_KEYS.some((k) => doc[k] !== undefined)) {
      return skip('NOT_A_CONNECTION', `a Zeek ${typeof path === 'string' ? `${path}.log` : 'log other than conn.log'} record`);
    }
    const get: ZeekField = id
      ? (name) => (name.startsWith('id.') ? id[name.slice(3)] : doc[name])
      : (name) => doc[name];
    return zeekConnection((name) => {
      const v = get(name);
      return v === null ? undefined : v;
    }, 'zeek', ctx);
  },
};
