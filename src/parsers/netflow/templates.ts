/**
 * What NetFlow v9 and IPFIX share: the template store (kept in the decoder's state, never in a module global) and
 * the decoding of one data record through a template into a flow, then into an event.
 *
 * Store: templates keyed by (exporter, version, source id / observation domain, template id), grouped per exporter
 * with a cap per exporter and a cap on exporters: a template flood evicts that exporter's oldest templates, a flood
 * of spoofed exporters the oldest exporter (both counted), so memory stays bounded whatever the input claims. Each
 * template remembers when it was last defined (the exporter's clock, or the arrival time when live) so a long-running
 * collector can expire what an exporter stopped refreshing (`expireTemplates`). A store may look ahead: `ahead` is
 * consulted for a key the store lacks — the templates defined later in the input (FlowSequencer's second pass).
 *
 * A record is decoded straight from the Buffer into one reusable accumulator (no object per field); the event is
 * built once, from the fields the record carried.
 */
import type { Action, NetworkEvent } from '../../model/event.js';
import type { PacketContext } from '../packets.js';
import { protocolFromNumber } from '../../model/protocol.js';
import { formatIpv6, ipv4FromNumber } from '../../net/ip.js';
import { FILTERED } from '../prefilter.js';
import type { Prefilter, RecordOutcome } from '../types.js';

/** Variable-length field marker (RFC 7011 §7; some v9 exporters use it too). */
export const VARIABLE = 65535;

export interface Template {
  /** Field ids (without the enterprise bit). */
  ids: Uint16Array;
  /** Field lengths (65535 = variable). */
  lengths: Uint16Array;
  /** Enterprise number per field (0 = IANA). */
  enterprises: Uint32Array;
  /** Leading fields that are scope fields (options templates; their ids are not IANA IEs in v9). */
  scopeCount: number;
  /** Options template: its records are counted but yield no event. */
  options: boolean;
  /** Smallest size of one record (a variable field counts as its 1-byte length). */
  minSize: number;
  /** IPFIX: scope fields are information elements too (v9 scope fields are scope types: System, Interface…). */
  scopeIsIe: boolean;
  /** When it was last defined, epoch ms (0 when unknown). */
  definedAt: number;
  /** Per field: 1 when `readField` uses it (the others are stepped over without a call). */
  used: Uint8Array;
  /**
   * For the pre-filter, when every record has the same size and carries both addresses and the destination port
   * (2 bytes) at a fixed offset: that offset, so a record the rules cannot match is skipped on two bytes; else -1.
   */
  dstPortAt: number;
}

/** What identifies a template: named in every error about a data set that needs it. */
export interface TemplateKey {
  exporter: string;
  version: number;
  /** v9 source id / IPFIX observation domain id. */
  domain: number;
  id: number;
}

export interface TemplateStore {
  /** exporter → (version|domain|template id → template), in insertion order (oldest first). */
  byExporter: Map<string, Map<string, Template>>;
  /** Templates one exporter may hold; a new one beyond it evicts that exporter's oldest. */
  capPerExporter: number;
  /** Exporters the store may hold; a new one beyond it evicts the exporter heard from least recently. */
  maxExporters: number;
  /** Templates evicted by the caps. */
  evicted: number;
  /** Templates expired by `expireTemplates`. */
  expired: number;
  /** Sampling intervals the exporters announced in options data: `exporter|version|domain[|sampler id]` → 1-in-N. */
  sampling: Map<string, number>;
  /** The first definitions further on in the input, consulted for a key this store lacks. */
  ahead?: TemplateStore;
  /** Keep the first definition of a key and ignore withdrawals (a look-ahead store: data before a template uses the
   * first definition after it). */
  keepFirst?: boolean;
}

export const DEFAULT_TEMPLATE_CAP = 4096;
export const DEFAULT_MAX_EXPORTERS = 1024;

export function newTemplateStore(capPerExporter = DEFAULT_TEMPLATE_CAP, maxExporters = DEFAULT_MAX_EXPORTERS): TemplateStore {
  return { byExporter: new Map(), capPerExporter, maxExporters, evicted: 0, expired: 0, sampling: new Map() };
}

const key = (version: number, domain: number, id: number) => `${version}|${domain}|${id}`;

export function getTemplate(store: TemplateStore, exporter: string, version: number, domain: number, id: number): Template | undefined {
  const k = key(version, domain, id);
  return store.byExporter.get(exporter)?.get(k) ?? store.ahead?.byExporter.get(exporter)?.get(k);
}

export function setTemplate(store: TemplateStore, exporter: string, version: number, domain: number, id: number, template: Template): void {
  let map = store.byExporter.get(exporter);
  if (map) {
    store.byExporter.delete(exporter); // the exporter heard from last moves to the newest end
    store.byExporter.set(exporter, map);
  } else {
    while (store.byExporter.size >= store.maxExporters) {
      const [oldest, templates] = store.byExporter.entries().next().value as [string, Map<string, Template>];
      store.byExporter.delete(oldest);
      store.evicted += templates.size;
    }
    store.byExporter.set(exporter, (map = new Map()));
  }
  const k = key(version, domain, id);
  if (store.keepFirst && map.has(k)) return;
  map.delete(k); // a redefinition moves to the newest end
  while (map.size >= store.capPerExporter) {
    const oldest = map.keys().next().value as string;
    map.delete(oldest);
    store.evicted++;
  }
  map.set(k, template);
}

export function deleteTemplate(store: TemplateStore, exporter: string, version: number, domain: number, id: number): void {
  if (!store.keepFirst) store.byExporter.get(exporter)?.delete(key(version, domain, id));
}

/** Drop the templates last defined before `before` (epoch ms): what a live exporter stopped refreshing. */
export function expireTemplates(store: TemplateStore, before: number): number {
  let n = 0;
  for (const [exporter, map] of store.byExporter) {
    for (const [k, t] of map) {
      if (t.definedAt < before) {
        map.delete(k);
        n++;
      }
    }
    if (map.size === 0) store.byExporter.delete(exporter);
  }
  store.expired += n;
  return n;
}

/** IANA information elements `readField` reads (enterprise 0). */
const USED_IES = new Set([1, 2, 4, 7, 8, 10, 11, 12, 14, 22, 23, 24, 27, 28, 34, 48, 50, 85, 86, 89, 150, 152, 154, 156, 231, 232, 233, 298, 299, 302, 305, 306]);

export function makeTemplate(ids: number[], lengths: number[], enterprises: number[], scopeCount: number, options: boolean, scopeIsIe = false, definedAt = 0): Template {
  let minSize = 0;
  let variable = false;
  let dstPortAt = -1;
  let src = false;
  let dst = false;
  const used = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const len = lengths[i]!;
    const ent = enterprises[i]!;
    const read = (i >= scopeCount || scopeIsIe) && len > 0;
    used[i] = read && (ent === 0 ? USED_IES.has(id) : ent === 29305 && (id === 1 || id === 2)) ? 1 : 0;
    if (read && ent === 0 && !variable) {
      if (id === 11 && len === 2) dstPortAt = minSize;
      if ((id === 8 && len === 4) || (id === 27 && len === 16)) src = true;
      if ((id === 12 && len === 4) || (id === 28 && len === 16)) dst = true;
    }
    if (len === VARIABLE) variable = true;
    minSize += len === VARIABLE ? 1 : len;
  }
  if (variable || options || !src || !dst) dstPortAt = -1;
  return {
    ids: Uint16Array.from(ids), lengths: Uint16Array.from(lengths), enterprises: Uint32Array.from(enterprises),
    scopeCount, options, minSize, scopeIsIe, definedAt, used, dstPortAt,
  };
}

/** The largest number of sampling entries kept (exporters × domains × samplers): a flood evicts the oldest. */
const MAX_SAMPLING_ENTRIES = 65536;

const samplingKey = (exporter: string, version: number, domain: number, sampler: number) =>
  sampler >= 0 ? `${exporter}|${version}|${domain}|${sampler}` : `${exporter}|${version}|${domain}`;

/** Remember the sampling interval an options data record announced (for one sampler, or the whole domain). */
export function setSampling(store: TemplateStore, exporter: string, version: number, domain: number, sampler: number, interval: number): void {
  const k = samplingKey(exporter, version, domain, sampler);
  store.sampling.delete(k);
  if (store.sampling.size >= MAX_SAMPLING_ENTRIES) store.sampling.delete(store.sampling.keys().next().value as string);
  store.sampling.set(k, interval);
}

/** The interval that applies to a data record: its sampler's, else its domain's. */
export function samplingFor(store: TemplateStore, exporter: string, version: number, domain: number, sampler: number): number | undefined {
  if (store.sampling.size === 0) return undefined;
  return (sampler >= 0 ? store.sampling.get(samplingKey(exporter, version, domain, sampler)) : undefined) ?? store.sampling.get(samplingKey(exporter, version, domain, -1));
}

/** The values of one flow record that the event model uses; reset before each record. */
export class Flow {
  src4 = -1;
  dst4 = -1;
  src6: Uint16Array | undefined;
  dst6: Uint16Array | undefined;
  srcPort = -1;
  dstPort = -1;
  proto = -1;
  /** Forward byte counters: IN_BYTES/octetDeltaCount (1), initiator / NSEL fwd delta (231), total (85). */
  bytes1 = -1;
  bytes231 = -1;
  bytes85 = -1;
  /** Reverse: NSEL rev delta / responderOctets (232), IPFIX reverse octetDeltaCount (PEN 29305 IE 1), OUT_BYTES (23). */
  bytesRev = -1;
  bytesOut = -1;
  pkts2 = -1;
  pkts298 = -1;
  pkts86 = -1;
  pktsRev = -1;
  pktsOut = -1;
  /** FIRST_SWITCHED (22): sysUptime ms (v9). */
  firstSwitched = -1;
  /** Absolute flow start, epoch ms: 152 (ms), 154/156 (NTP µs/ns), 150 (s), by precedence. */
  startMs = -1;
  startRank = 0;
  fwEvent = -1;
  /** forwardingStatus (89). */
  forwarding = -1;
  /** INPUT_SNMP / ingressInterface (10), OUTPUT_SNMP / egressInterface (14). */
  inIf = -1;
  outIf = -1;
  /** SAMPLING_INTERVAL / samplingInterval (34), FLOW_SAMPLER_RANDOM_INTERVAL / samplerRandomInterval (50). */
  sampling = -1;
  /** samplingPacketInterval (305) and samplingPacketSpace (306): 1 in (interval + space) / interval. */
  samplingPacketInterval = -1;
  samplingPacketSpace = -1;
  /** FLOW_SAMPLER_ID / samplerId (48), selectorId (302): which announced sampler applies. */
  sampler = -1;

  reset(): void {
    this.src4 = this.dst4 = this.srcPort = this.dstPort = this.proto = -1;
    this.src6 = this.dst6 = undefined;
    this.bytes1 = this.bytes231 = this.bytes85 = this.bytesRev = this.bytesOut = -1;
    this.pkts2 = this.pkts298 = this.pkts86 = this.pktsRev = this.pktsOut = -1;
    this.firstSwitched = this.startMs = this.fwEvent = this.forwarding = -1;
    this.inIf = this.outIf = this.sampling = this.samplingPacketInterval = this.samplingPacketSpace = this.sampler = -1;
    this.startRank = 0;
  }

  /** The 1-in-N sampling interval the record itself states, or -1. */
  statedSampling(): number {
    if (this.sampling >= 1) return this.sampling;
    if (this.samplingPacketInterval >= 1 && this.samplingPacketSpace >= 0) return (this.samplingPacketInterval + this.samplingPacketSpace) / this.samplingPacketInterval;
    return -1;
  }
}

/**
 * Consecutive records the pre-filter rejected, reported as one counted FILTERED outcome when the run ends (before
 * any other outcome, and at the end of the packet): rejecting a record costs no object.
 */
export class FilteredRun {
  private start = 0;
  private count = 0;

  add(line: number): void {
    if (this.count === 0) this.start = line;
    this.count++;
  }

  flush(outcomes: RecordOutcome[]): void {
    if (this.count === 0) return;
    outcomes.push({ kind: 'skip', line: this.start, code: 'FILTERED', message: FILTERED.message, records: this.count });
    this.count = 0;
  }
}

/** Whether the pre-filter rules the decoded record out: only a well-formed connection (both addresses) is. */
export function filteredOut(flow: Flow, prefilter: Prefilter | undefined): boolean {
  return prefilter !== undefined && flow.dstPort >= 0 && !prefilter.dstPorts.has(flow.dstPort) &&
    (flow.src4 >= 0 || flow.src6 !== undefined) && (flow.dst4 >= 0 || flow.dst6 !== undefined);
}

/** An unsigned big-endian integer of 1..8 bytes (reduced-size encoding); -1 for other lengths. */
export function readUnsigned(buf: Buffer, p: number, len: number): number {
  switch (len) {
    case 1: return buf[p]!;
    case 2: return buf.readUInt16BE(p);
    case 4: return buf.readUInt32BE(p);
    case 8: return buf.readUInt32BE(p) * 4294967296 + buf.readUInt32BE(p + 4);
    default: {
      if (len < 1 || len > 8) return -1;
      let v = 0;
      for (let i = 0; i < len; i++) v = v * 256 + buf[p + i]!;
      return v;
    }
  }
}

function ipv6At(buf: Buffer, p: number): Uint16Array {
  const g = new Uint16Array(8);
  for (let i = 0; i < 8; i++) g[i] = buf.readUInt16BE(p + 2 * i);
  return g;
}

const NTP_EPOCH_S = 2208988800;

function setStart(flow: Flow, rank: number, ms: number): void {
  if (rank > flow.startRank && Number.isFinite(ms) && ms > 0) {
    flow.startMs = Math.floor(ms);
    flow.startRank = rank;
  }
}

/** One field's bytes into the flow. IANA ids (enterprise 0) unless noted; v9 and IPFIX share the common numbers. */
export function readField(flow: Flow, id: number, enterprise: number, buf: Buffer, p: number, len: number): void {
  if (enterprise !== 0) {
    if (enterprise === 29305) { // RFC 5103 reverse information elements
      if (id === 1) flow.bytesRev = readUnsigned(buf, p, len);
      else if (id === 2) flow.pktsRev = readUnsigned(buf, p, len);
    }
    return;
  }
  switch (id) {
    case 1: flow.bytes1 = readUnsigned(buf, p, len); break;
    case 2: flow.pkts2 = readUnsigned(buf, p, len); break;
    case 4: flow.proto = readUnsigned(buf, p, len); break;
    case 7: flow.srcPort = readUnsigned(buf, p, len); break;
    case 8: if (len === 4) flow.src4 = buf.readUInt32BE(p); break;
    case 10: flow.inIf = readUnsigned(buf, p, len); break;
    case 11: flow.dstPort = readUnsigned(buf, p, len); break;
    case 12: if (len === 4) flow.dst4 = buf.readUInt32BE(p); break;
    case 14: flow.outIf = readUnsigned(buf, p, len); break;
    case 22: flow.firstSwitched = readUnsigned(buf, p, len); break;
    case 23: flow.bytesOut = readUnsigned(buf, p, len); break;
    case 24: flow.pktsOut = readUnsigned(buf, p, len); break;
    case 27: if (len === 16) flow.src6 = ipv6At(buf, p); break;
    case 28: if (len === 16) flow.dst6 = ipv6At(buf, p); break;
    case 34: case 50: flow.sampling = readUnsigned(buf, p, len); break;
    case 48: case 302: flow.sampler = readUnsigned(buf, p, len); break;
    case 85: flow.bytes85 = readUnsigned(buf, p, len); break;
    case 86: flow.pkts86 = readUnsigned(buf, p, len); break;
    case 89: flow.forwarding = readUnsigned(buf, p, len); break;
    case 150: setStart(flow, 1, readUnsigned(buf, p, len) * 1000); break; // flowStartSeconds
    case 152: setStart(flow, 4, readUnsigned(buf, p, len)); break; // flowStartMilliseconds / NF_F_FLOW_CREATE_TIME_MSEC
    case 154: // flowStartMicroseconds, flowStartNanoseconds: NTP timestamps
    case 156:
      if (len === 8) setStart(flow, id === 154 ? 3 : 2, (buf.readUInt32BE(p) - NTP_EPOCH_S) * 1000 + (buf.readUInt32BE(p + 4) / 4294967296) * 1000);
      break;
    case 231: flow.bytes231 = readUnsigned(buf, p, len); break;
    case 232: flow.bytesRev = readUnsigned(buf, p, len); break;
    case 233: flow.fwEvent = readUnsigned(buf, p, len); break; // NF_F_FW_EVENT / firewallEvent
    case 298: flow.pkts298 = readUnsigned(buf, p, len); break;
    case 299: flow.pktsRev = readUnsigned(buf, p, len); break;
    case 305: flow.samplingPacketInterval = readUnsigned(buf, p, len); break;
    case 306: flow.samplingPacketSpace = readUnsigned(buf, p, len); break;
    default: break;
  }
}

/**
 * Decode the record at `p` through `t` into `flow`: the offset after it, or -1 when it runs past `end`.
 */
export function readRecord(flow: Flow, t: Template, buf: Buffer, p: number, end: number): number {
  flow.reset();
  const n = t.ids.length;
  for (let i = 0; i < n; i++) {
    let len = t.lengths[i]!;
    if (len === VARIABLE) {
      if (p + 1 > end) return -1;
      len = buf[p]!;
      p++;
      if (len === 255) {
        if (p + 2 > end) return -1;
        len = buf.readUInt16BE(p);
        p += 2;
      }
    }
    if (p + len > end) return -1;
    if (t.used[i] === 1) readField(flow, t.ids[i]!, t.enterprises[i]!, buf, p, len);
    p += len;
  }
  return p;
}

/**
 * A counter total: the forward counter, plus the reverse one (NSEL / RFC 5103 reverse, else the egress counter
 * OUT_BYTES/OUT_PKTS) when both directions are non-zero; the reverse one alone when the forward one is 0 or absent.
 */
function total(fwd: number, rev: number, out: number): number | undefined {
  const r = rev >= 0 ? rev : out;
  if (fwd < 0 && r < 0) return undefined;
  if (fwd <= 0) return r >= 0 ? r : fwd;
  return r > 0 ? fwd + r : fwd;
}

export interface EventPlace {
  file: string;
  line: number;
  packet: number;
  format: string;
  /** The exporter's address when the input says it (pcap, live); a file of packets does not. */
  device?: string;
  /** The sampling interval the exporter announced for this record's domain or sampler (options data). */
  announcedSampling?: number;
}

/**
 * What the exporter says of the flow's fate: NSEL NF_F_FW_EVENT / IPFIX firewallEvent (233: 1 created, 2 deleted,
 * 5 updated — a connection the firewall permitted; 3 denied), else IPFIX forwardingStatus (89: the two high bits of
 * its low byte, RFC 7270: 01 forwarded, 10 dropped).
 */
function flowAction(flow: Flow): Action | undefined {
  if (flow.fwEvent === 3) return 'deny';
  if (flow.fwEvent === 1 || flow.fwEvent === 2 || flow.fwEvent === 5) return 'allow';
  if (flow.forwarding >= 0) {
    const status = (flow.forwarding & 0xff) >> 6;
    if (status === 1) return 'allow';
    if (status === 2) return 'drop';
  }
  return undefined;
}

/** The event of a decoded flow, or why there is none (a flow without both addresses is not a connection). */
export function flowEvent(flow: Flow, time: number, where: EventPlace): NetworkEvent | string {
  const srcIp = flow.src4 >= 0 ? ipv4FromNumber(flow.src4) : flow.src6 ? formatIpv6(flow.src6) : undefined;
  const dstIp = flow.dst4 >= 0 ? ipv4FromNumber(flow.dst4) : flow.dst6 ? formatIpv6(flow.dst6) : undefined;
  if (srcIp === undefined || dstIp === undefined) return 'a flow record without a source and a destination address';
  const event: NetworkEvent = { time, srcIp, dstIp, format: where.format, file: where.file, line: where.line, packet: where.packet };
  if (flow.srcPort >= 0 && flow.srcPort <= 65535) event.srcPort = flow.srcPort;
  if (flow.dstPort >= 0 && flow.dstPort <= 65535) event.dstPort = flow.dstPort;
  if (flow.proto >= 0 && flow.proto <= 255) {
    const protocol = protocolFromNumber(flow.proto);
    if (protocol !== undefined) event.protocol = protocol;
  }
  const action = flowAction(flow);
  if (action) event.action = action;
  const bytes = total(flow.bytes1 >= 0 ? flow.bytes1 : flow.bytes231 >= 0 ? flow.bytes231 : flow.bytes85, flow.bytesRev, flow.bytesOut);
  if (bytes !== undefined && Number.isSafeInteger(bytes)) event.bytes = bytes;
  const packets = total(flow.pkts2 >= 0 ? flow.pkts2 : flow.pkts298 >= 0 ? flow.pkts298 : flow.pkts86, flow.pktsRev, flow.pktsOut);
  if (packets !== undefined && Number.isSafeInteger(packets)) event.packets = packets;
  if (where.device !== undefined) event.device = where.device;
  if (flow.inIf >= 0) event.inInterface = flow.inIf;
  if (flow.outIf >= 0) event.outInterface = flow.outIf;
  const stated = flow.statedSampling();
  const sampling = stated >= 1 ? stated : where.announcedSampling;
  if (sampling !== undefined && sampling >= 1 && Number.isFinite(sampling)) event.samplingInterval = sampling;
  return event;
}

/** What decoding one data set needs besides its bytes: the packet's place and the accumulators it writes to. */
export interface DataSetScope {
  store: TemplateStore;
  flow: Flow;
  where: PacketContext;
  format: string;
  version: number;
  /** v9 source id / IPFIX observation domain. */
  domain: number;
  outcomes: RecordOutcome[];
  filtered: FilteredRun;
  /** The event time of the record just decoded into `flow` (its version's arithmetic). */
  time: (flow: Flow) => number;
}

/**
 * The data records of set `id`, bytes [from, end) of `packet`, through its template, numbered from `firstRecord`:
 * events, options records (their sampling interval kept), records the pre-filter rejects (on two bytes when the
 * template has a fixed size). Returns how many records it read, and where a record ran past the set (-1: none),
 * which the caller reports in its version's terms.
 */
export function decodeDataSet(s: DataSetScope, id: number, template: Template, packet: Buffer, from: number, end: number, firstRecord: number): { records: number; overrunAt: number } {
  const { flow, where, filtered, outcomes } = s;
  const prefilter = where.prefilter;
  const portAt = prefilter ? template.dstPortAt : -1;
  let records = 0;
  let p = from;
  while (end - p >= template.minSize) {
    const line = firstRecord + records;
    if (portAt >= 0 && !prefilter!.dstPorts.has(packet.readUInt16BE(p + portAt))) {
      filtered.add(line);
      records++;
      p += template.minSize;
      continue;
    }
    const q = readRecord(flow, template, packet, p, end);
    if (q < 0) return { records, overrunAt: p };
    records++;
    p = q;
    if (!template.options && filteredOut(flow, prefilter)) {
      filtered.add(line);
      continue;
    }
    filtered.flush(outcomes);
    if (template.options) {
      const interval = flow.statedSampling();
      if (interval >= 1) setSampling(s.store, where.exporter, s.version, s.domain, flow.sampler, interval);
      outcomes.push({ kind: 'skip', line, code: 'NOT_A_CONNECTION', message: `options data record (template ${id})` });
      continue;
    }
    const event = flowEvent(flow, s.time(flow), {
      file: where.file, line, packet: where.packet, format: s.format, device: where.device,
      announcedSampling: samplingFor(s.store, where.exporter, s.version, s.domain, flow.sampler),
    });
    outcomes.push(typeof event === 'string' ? { kind: 'skip', line, code: 'NOT_A_CONNECTION', message: event } : { kind: 'events', line, events: [event] });
  }
  return { records, overrunAt: -1 };
}
