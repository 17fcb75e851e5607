/**
 * Google Cloud VPC Flow Logs as Cloud Logging exports them (a LogEntry per flow: `gcloud logging read --format=json`,
 * a log sink to Cloud Storage or Pub/Sub): `logName` `projects/P/logs/compute.googleapis.com%2Fvpc_flows`, the record
 * in `jsonPayload` (Google Cloud, "About VPC Flow Logs records"):
 *
 *   `connection` (IpConnection): `src_ip`, `src_port`, `dest_ip`, `dest_port`, `protocol` (IANA number)
 *   `reporter`: SRC, DEST, SRC_GATEWAY, DEST_GATEWAY — the side that reported the flow
 *   `start_time`, `end_time` (RFC 3339), `bytes_sent`, `packets_sent` (source → destination; int64 as strings)
 *   `src_instance`/`dest_instance` (`vm_name`, `project_id`, `zone`…) metadata
 *
 * One event per record. The connection is written source → destination whoever reported it, so nothing is swapped;
 * a flow inside one VPC is reported by both ends and so gives two records (two events, as two rows in a SIEM).
 * Time = `start_time` (the flow's start), else the entry's `timestamp`. Bytes and packets are the record's
 * source → destination counts (the only direction it gives). VPC Flow Logs state no decision: no action.
 * Device = the reporting VM (`src_instance.vm_name` for SRC, `dest_instance.vm_name` for DEST) when present.
 */
import { parseTimestamp } from '../../time/parse.js';
import { FILTERED } from '../prefilter.js';
import { connectionEvent } from '../syslog/connection.js';
import { fail, skip } from '../types.js';
import { NOT_MINE, type DocumentFormat } from './document.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isFlowLogName(name: unknown): boolean {
  return typeof name === 'string' && (name.endsWith('%2Fvpc_flows') || name.endsWith('/vpc_flows'));
}

/** A scalar as text for connectionEvent (numbers, or int64 written as strings); anything else is absent. */
function scalar(value: unknown): string | number | undefined {
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

/** An address as text (a number there is no address, and says so as BAD_ADDRESS rather than as missing). */
function address(value: unknown): string | undefined {
  const v = scalar(value);
  return v === undefined ? undefined : String(v);
}

function vmName(instance: unknown): string | undefined {
  return isObject(instance) && typeof instance.vm_name === 'string' && instance.vm_name !== '' ? instance.vm_name : undefined;
}

export const gcpVpcFormat: DocumentFormat = {
  id: 'gcp-vpc',
  claimKeys: ['jsonPayload', 'logName'],
  vendor: 'Google Cloud',
  product: 'VPC Flow Logs',
  description: 'Google Cloud VPC Flow Logs as Cloud Logging exports them (LogEntry JSON, jsonPayload.connection)',
  recognizedBy: '`logName` ending `compute.googleapis.com%2Fvpc_flows`, or a `jsonPayload` with `connection` and `reporter`',
  sample:
    '{"insertId":"1a2b3c4d5e6f7","jsonPayload":{"connection":{"src_ip":"203.0.113.7","src_port":51515,"dest_ip":"10.1.2.3","dest_port":104,"protocol":6},"reporter":"DEST","start_time":"2026-03-16T10:15:02.123456Z","end_time":"2026-03-16T10:15:07.654321Z","bytes_sent":"920","packets_sent":"5","dest_instance":{"project_id":"pacs-prod","vm_name":"pacs-01","region":"europe-west1","zone":"europe-west1-b"}},"logName":"projects/pacs-prod/logs/compute.googleapis.com%2Fvpc_flows","resource":{"type":"gce_subnetwork","labels":{"project_id":"pacs-prod","subnetwork_name":"pacs-subnet","location":"europe-west1-b"}},"timestamp":"2026-03-16T10:15:30.000000Z","receiveTimestamp":"2026-03-16T10:15:35.000000Z"}',
  parse(doc, ctx) {
    const payload = doc.jsonPayload;
    if (!isObject(payload)) {
      return isFlowLogName(doc.logName) ? skip('NOT_A_CONNECTION', 'vpc_flows log entry without a jsonPayload') : NOT_MINE;
    }
    if (!isFlowLogName(doc.logName) && !(isObject(payload.connection) && typeof payload.reporter === 'string')) return NOT_MINE;
    const connection = payload.connection;
    if (connection === undefined) return fail('MISSING_FIELD', 'VPC flow record without jsonPayload.connection');
    if (!isObject(connection)) return fail('MALFORMED', 'jsonPayload.connection is not an object');
    if (ctx.prefilter && !ctx.prefilter.portMayMatch(connection.dest_port)) return FILTERED;
    const start = payload.start_time ?? doc.timestamp;
    const timeText = typeof start === 'string' ? start : undefined;
    const reporter = payload.reporter;
    return connectionEvent({
      time: timeText === undefined ? undefined : parseTimestamp(timeText, ctx.time),
      timeText,
      src: [address(connection.src_ip), 'connection.src_ip'],
      dst: [address(connection.dest_ip), 'connection.dest_ip'],
      srcPort: [scalar(connection.src_port), 'connection.src_port'],
      dstPort: [scalar(connection.dest_port), 'connection.dest_port'],
      protocol: [scalar(connection.protocol), 'connection.protocol'],
      bytes: [scalar(payload.bytes_sent), 'bytes_sent'],
      packets: [scalar(payload.packets_sent), 'packets_sent'],
      device: reporter === 'SRC' ? vmName(payload.src_instance) : reporter === 'DEST' ? vmName(payload.dest_instance) : undefined,
      vendor: 'Google Cloud',
      product: 'VPC Flow Logs',
    }, 'gcp-vpc', ctx);
  },
};
