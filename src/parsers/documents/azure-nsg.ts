/**
 * Azure Network Watcher flow logs, as the storage account holds them (one JSON record per capture window, each
 * inside a `{"records": [...]}` blob; JSON Lines and JSON arrays of the same records read the same way):
 *
 * - NSG flow logs (`category: NetworkSecurityGroupFlowEvent`, `operationName: NetworkSecurityGroupFlowEvents`),
 *   `properties.Version` 1 or 2, tuples in `properties.flows[].flows[].flowTuples`:
 *     v1 `unixtime,srcIp,dstIp,srcPort,dstPort,T|U,I|O,A|D`
 *     v2 `…,A|D,B|C|E,packetsSrcToDst,bytesSrcToDst,packetsDstToSrc,bytesDstToSrc` (counters empty on B)
 *   (Microsoft Learn, "Flow logging for network security groups", Log format.)
 * - VNet flow logs (`category`/`operationName: FlowLogFlowEvent`), tuples in
 *   `flowRecords.flows[].flowGroups[].flowTuples`:
 *     `unixtime_ms,srcIp,dstIp,srcPort,dstPort,protocolNumber,I|O,B|C|E|D,encryption,packetsSrcToDst,
 *      bytesSrcToDst,packetsDstToSrc,bytesDstToSrc`
 *   (Microsoft Learn, "Virtual network flow logs", Log format: flow state D = denied.)
 *
 * One event per tuple, in document order, all sharing the record's line. A tuple is already written source →
 * destination: the direction (I/O) says which side the NIC is on, not which end started, so it swaps nothing.
 * Time = the tuple's own time (the flow's, as DESIGN.md wants), not the record's `time` (when the blob was written).
 * Bytes/packets = both directions added, only where the state carries statistics (C and E).
 */
import type { NetworkEvent } from '../../model/event.js';
import { parseTimestamp } from '../../time/parse.js';
import { connectionEvent } from '../syslog/connection.js';
import { FILTERED } from '../prefilter.js';
import { fail, isRejection, skip, type ParseResult, type Rejection } from '../types.js';
import { NOT_MINE, type DocumentContext, type DocumentFormat } from './document.js';

const VENDOR = 'Microsoft';
/** More tuples than this in one record is not a flow log Azure writes (a few thousand per minute at most). */
const MAX_TUPLES = 100_000;

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The last segment of an Azure resource ID (`…/NETWORKSECURITYGROUPS/WEB-NSG` → `WEB-NSG`). */
export function resourceName(id: unknown): string | undefined {
  if (typeof id !== 'string') return undefined;
  const name = id.slice(id.lastIndexOf('/') + 1);
  return name === '' ? undefined : name;
}

/** A tuple located for messages, split into its fields. */
interface Tuple {
  where: string;
  fields: string[];
}

/**
 * Walk `outer[].<innerKey>[].flowTuples[]` and split every tuple, checking the shape (arrays, strings, field
 * counts): a structural error rejects the record in `parse` and `scan` alike.
 */
function collectTuples(
  outer: unknown,
  outerName: string,
  innerKey: string,
  counts: readonly number[],
): Tuple[] | Rejection {
  if (!Array.isArray(outer)) return fail('MALFORMED', `${outerName} is not an array`);
  const tuples: Tuple[] = [];
  for (let i = 0; i < outer.length; i++) {
    const group: unknown = outer[i];
    const groupName = `${outerName}[${i}]`;
    if (!isObject(group)) return fail('MALFORMED', `${groupName} is not an object`);
    const inner = group[innerKey];
    if (inner === undefined) continue;
    if (!Array.isArray(inner)) return fail('MALFORMED', `${groupName}.${innerKey} is not an array`);
    for (let j = 0; j < inner.length; j++) {
      const flow: unknown = inner[j];
      const flowName = `${groupName}.${innerKey}[${j}]`;
      if (!isObject(flow)) return fail('MALFORMED', `${flowName} is not an object`);
      const list = flow.flowTuples;
      if (list === undefined) continue;
      if (!Array.isArray(list)) return fail('MALFORMED', `${flowName}.flowTuples is not an array`);
      for (let k = 0; k < list.length; k++) {
        const text: unknown = list[k];
        const where = `${flowName}.flowTuples[${k}]`;
        if (typeof text !== 'string') return fail('MALFORMED', `${where} is not a string`);
        const fields = text.split(',');
        if (!counts.includes(fields.length)) {
          return fail('MALFORMED', `${where}: ${fields.length} comma-separated fields, expected ${counts.join(' or ')}`);
        }
        if (tuples.length >= MAX_TUPLES) return fail('MALFORMED', `more than ${MAX_TUPLES} flow tuples in one record`);
        tuples.push({ where, fields });
      }
    }
  }
  return tuples;
}

/** Packets or bytes of both directions added; absent when either is empty or not a count. */
function both(a: string | undefined, b: string | undefined, field: string, ctx: DocumentContext): number | undefined {
  if (a === undefined || b === undefined || a === '' || b === '') return undefined;
  if (!/^\d{1,15}$/.test(a) || !/^\d{1,15}$/.test(b)) {
    ctx.observe?.unusable(field);
    return undefined;
  }
  return Number(a) + Number(b);
}

/** Events of all tuples, or the first tuple's error (named by its place in the record). */
function tupleEvents(
  tuples: readonly Tuple[],
  build: (t: Tuple) => ParseResult,
  ctx: DocumentContext,
  dstPortIndex: number,
): ParseResult {
  if (ctx.prefilter && !tuples.some((t) => ctx.prefilter!.portMayMatch(t.fields[dstPortIndex]))) return FILTERED;
  const events: NetworkEvent[] = [];
  for (const t of tuples) {
    const result = build(t);
    if (isRejection(result)) return { ...result, message: `${t.where}: ${result.message}` };
    if (Array.isArray(result)) events.push(...result);
    else events.push(result);
  }
  return events;
}

const NSG_PROTOCOLS: Readonly<Record<string, string>> = { T: 'tcp', U: 'udp' };

export const azureNsgFormat: DocumentFormat = {
  id: 'azure-nsg',
  claimKeys: ['category', 'operationName'],
  vendor: VENDOR,
  product: 'Azure NSG flow logs',
  description: 'Azure Network Watcher NSG flow logs, versions 1 and 2 (one event per flow tuple)',
  recognizedBy: '`category: NetworkSecurityGroupFlowEvent` (or `operationName: NetworkSecurityGroupFlowEvents`)',
  sample:
    '{"time":"2026-03-16T10:16:00.1234567Z","systemId":"5f6a9d70-2b1c-4e3d-9f80-1a2b3c4d5e6f","category":"NetworkSecurityGroupFlowEvent","resourceId":"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/PACS-RG/PROVIDERS/MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/PACS-NSG","operationName":"NetworkSecurityGroupFlowEvents","properties":{"Version":2,"flows":[{"rule":"UserRule_AllowDicom","flows":[{"mac":"000D3A1B2C3D","flowTuples":["1773656102,203.0.113.7,10.1.2.3,51515,104,T,I,A,E,5,920,4,610"]}]}]}}',
  parse(doc, ctx) {
    if (doc.category !== 'NetworkSecurityGroupFlowEvent' && doc.operationName !== 'NetworkSecurityGroupFlowEvents') return NOT_MINE;
    const properties = doc.properties;
    if (!isObject(properties)) return fail('MALFORMED', 'NSG flow record without `properties`');
    const version = properties.Version ?? properties.version;
    if (version !== undefined && String(version) !== '1' && String(version) !== '2') {
      return fail('BAD_VALUE', `properties.Version ${JSON.stringify(version)}: only versions 1 and 2 are known`);
    }
    if (properties.flows === undefined) return skip('NOT_A_CONNECTION', 'NSG flow record without flows');
    const counts = version === undefined ? [8, 13] : String(version) === '1' ? [8] : [13];
    const tuples = collectTuples(properties.flows, 'properties.flows', 'flows', counts);
    if (isRejection(tuples)) return tuples;
    if (tuples.length === 0) return skip('NOT_A_CONNECTION', 'NSG flow record without flow tuples');
    const device = resourceName(doc.resourceId);
    return tupleEvents(tuples, ({ fields: f }) => {
      const [time, src, dst, srcPort, dstPort, protocol, , decision, state] = f;
      const counters = state === 'C' || state === 'E';
      return connectionEvent({
        time: parseTimestamp(time!, ctx.time),
        timeText: time,
        src: [src, 'source IP'],
        dst: [dst, 'destination IP'],
        srcPort: [srcPort, 'source port'],
        dstPort: [dstPort, 'destination port'],
        protocol: [NSG_PROTOCOLS[protocol!] ?? protocol, 'protocol'],
        action: decision === 'A' ? 'allow' : decision === 'D' ? 'deny' : undefined,
        packets: [counters ? both(f[9], f[11], 'packets', ctx) : undefined, 'packets'],
        bytes: [counters ? both(f[10], f[12], 'bytes', ctx) : undefined, 'bytes'],
        device,
        vendor: VENDOR,
        product: 'Azure NSG flow logs',
      }, 'azure-nsg', ctx);
    }, ctx, 4);
  },
};

export const azureVnetFormat: DocumentFormat = {
  id: 'azure-vnet',
  claimKeys: ['category', 'operationName'],
  vendor: VENDOR,
  product: 'Azure VNet flow logs',
  description: 'Azure Network Watcher virtual network flow logs (one event per flow tuple)',
  recognizedBy: '`category`/`operationName: FlowLogFlowEvent` with `flowRecords`',
  sample:
    '{"time":"2026-03-16T10:16:00.1234567Z","flowLogVersion":4,"flowLogGUID":"66aa66aa-0000-0000-0000-000000000000","macAddress":"000D3A1B2C3D","category":"FlowLogFlowEvent","flowLogResourceID":"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/NETWORKWATCHERRG/PROVIDERS/MICROSOFT.NETWORK/NETWORKWATCHERS/NETWORKWATCHER_WESTEUROPE/FLOWLOGS/PACS-VNET-FLOWLOG","targetResourceID":"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/pacs-rg/providers/Microsoft.Network/virtualNetworks/pacs-vnet","operationName":"FlowLogFlowEvent","flowRecords":{"flows":[{"aclID":"00000000-1234-abcd-0000-000000000000","flowGroups":[{"rule":"DefaultRule_AllowInternetOutBound","flowTuples":["1773656102123,203.0.113.7,10.1.2.3,51515,104,6,I,E,NX,5,920,4,610"]}]}]}}',
  parse(doc, ctx) {
    if (doc.category !== 'FlowLogFlowEvent' && doc.operationName !== 'FlowLogFlowEvent') return NOT_MINE;
    const records = doc.flowRecords;
    if (records === undefined) return skip('NOT_A_CONNECTION', 'VNet flow record without flowRecords');
    if (!isObject(records)) return fail('MALFORMED', 'flowRecords is not an object');
    if (records.flows === undefined) return skip('NOT_A_CONNECTION', 'VNet flow record without flows');
    const tuples = collectTuples(records.flows, 'flowRecords.flows', 'flowGroups', [13]);
    if (isRejection(tuples)) return tuples;
    if (tuples.length === 0) return skip('NOT_A_CONNECTION', 'VNet flow record without flow tuples');
    const device = resourceName(doc.targetResourceID);
    return tupleEvents(tuples, ({ fields: f }) => {
      const [time, src, dst, srcPort, dstPort, protocol, , state] = f;
      const counters = state === 'C' || state === 'E';
      return connectionEvent({
        time: parseTimestamp(time!, ctx.time),
        timeText: time,
        src: [src, 'source IP'],
        dst: [dst, 'destination IP'],
        srcPort: [srcPort, 'source port'],
        dstPort: [dstPort, 'destination port'],
        protocol: [protocol, 'protocol'],
        action: state === 'D' ? 'deny' : state === 'B' || counters ? 'allow' : undefined,
        packets: [counters ? both(f[9], f[11], 'packets', ctx) : undefined, 'packets'],
        bytes: [counters ? both(f[10], f[12], 'bytes', ctx) : undefined, 'bytes'],
        device,
        vendor: VENDOR,
        product: 'Azure VNet flow logs',
      }, 'azure-vnet', ctx);
    }, ctx, 4);
  },
};
