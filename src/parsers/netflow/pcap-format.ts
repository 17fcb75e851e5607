/**
 * NetFlow / IPFIX export packets in a packet capture (pcap or pcapng), as a file format: the capture reader and the
 * link / IP / UDP decoders of src/parsers/pcap/ find the UDP datagrams; each datagram's payload is one export
 * packet from the exporter that sent it (its source IP address: part of the template key, and the events' `device`).
 *
 * Numbering follows DESIGN.md: `line` is the data record's index across the whole capture, `packet` the export
 * packet's index (the NetFlow/IPFIX datagrams, in capture order). What the capture holds besides export packets —
 * frames that are not IP, IP that is not UDP, UDP datagrams that are not NetFlow/IPFIX, packets cut by the snaplen,
 * fragments never completed — is not a record: it is counted and noted once per file (`ctx.observe.note`). A broken
 * capture (a 2 GB record, a bad block length, a file cut short) is one located MALFORMED error after the records
 * read before it; the capture cannot be resynchronised, so the file ends there.
 */
import { createCaptureReader, sniffCapture, type CapturedPacket } from '../pcap/reader.js';
import { createIpStream } from '../pcap/ip-stream.js';
import { decodeUdp, PROTO_UDP } from '../pcap/link.js';
import { InputFileError } from '../errors.js';
import type { ByteFormat, ByteSession, ParseContext, RecordOutcome } from '../types.js';
import { netflowState, sniffNetflow, type NetflowState } from './format.js';
import { newFlowSequencer, type SequencerOptions } from './sequencer.js';

export const PCAP_FORMAT = 'pcap';

/** Destination ports of non-NetFlow UDP datagrams listed in the note at most. */
const MAX_LISTED_PORTS = 5;

interface Counts {
  exportPackets: number;
  exporters: Set<string>;
  notUdp: number;
  udpTruncated: number;
  udpMalformed: number;
  notNetflow: number;
  notNetflowPorts: Map<number, number>;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The note for the user: what the capture held besides export packets (undefined when nothing). */
export function captureNote(
  frames: number,
  counts: Counts,
  ip: ReturnType<typeof createIpStream>['stats'],
  truncatedFrames: number,
  skippedBlocks: number,
): string | undefined {
  const parts: string[] = [];
  if (counts.notNetflow > 0) {
    const ports = [...counts.notNetflowPorts].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    const listed = ports.slice(0, MAX_LISTED_PORTS).map(([port, n]) => `${port} ×${n}`).join(', ');
    parts.push(`${plural(counts.notNetflow, 'UDP datagram')} not NetFlow/IPFIX (to port ${listed}${ports.length > MAX_LISTED_PORTS ? ', …' : ''})`);
  }
  if (counts.notUdp > 0) parts.push(`${plural(counts.notUdp, 'IP packet')} not UDP`);
  if (ip.notIp > 0) parts.push(`${plural(ip.notIp, 'frame')} not IP`);
  for (const [lt, n] of Object.entries(ip.unsupportedLink)) parts.push(`${plural(n, 'frame')} of unsupported link type ${lt}`);
  if (ip.malformed > 0) parts.push(`${plural(ip.malformed, 'frame')} with a broken link or IP header`);
  if (counts.udpMalformed > 0) parts.push(`${plural(counts.udpMalformed, 'broken UDP header')}`);
  if (counts.udpTruncated > 0) parts.push(`${plural(counts.udpTruncated, 'UDP datagram')} cut by the capture's snaplen`);
  const r = ip.reassembly;
  const lost = r.incomplete + r.overlapping + r.oversize;
  if (lost > 0) {
    const why = [r.incomplete > 0 ? `${r.incomplete} incomplete` : '', r.overlapping > 0 ? `${r.overlapping} overlapping` : '', r.oversize > 0 ? `${r.oversize} oversize` : '']
      .filter((s) => s !== '').join(', ');
    parts.push(`${plural(lost, 'fragmented datagram')} not reassembled (${why})`);
  }
  if (parts.length === 0 && truncatedFrames === 0) return undefined;
  const head = `capture: ${plural(frames, 'packet')}, ${plural(counts.exportPackets, 'NetFlow/IPFIX packet')} from ${plural(counts.exporters.size, 'exporter')}` +
    (r.reassembled > 0 ? ` (${plural(r.reassembled, 'datagram')} reassembled from fragments)` : '') +
    (truncatedFrames > 0 ? `, ${truncatedFrames} cut by the snaplen` : '') +
    (skippedBlocks > 0 ? `, ${plural(skippedBlocks, 'pcapng block')} skipped` : '');
  return parts.length > 0 ? `${head}; ignored: ${parts.join('; ')}` : head;
}

/** A capture of export packets: a ByteSession over any chunking. */
export function pcapNetflowSession(ctx: ParseContext, state: NetflowState, options: SequencerOptions = {}): ByteSession {
  const reader = createCaptureReader();
  const ipStream = createIpStream();
  // numbers packets and records across the capture, and holds data that comes before its template (look-ahead)
  const sequencer = newFlowSequencer(state, options);
  const counts: Counts = {
    exportPackets: 0, exporters: new Set(), notUdp: 0, udpTruncated: 0, udpMalformed: 0, notNetflow: 0, notNetflowPorts: new Map(),
  };
  let reported = false;
  let ended = false;
  /** Bound on distinct exporters remembered for the note (a spoofed flood must not grow it). */
  const MAX_EXPORTERS = 4096;

  let out: RecordOutcome[] = [];
  const onFrame = (frame: CapturedPacket) => {
    const ip = ipStream.packet(frame);
    if (!ip) return;
    if (ip.protocol !== PROTO_UDP) {
      counts.notUdp++;
      return;
    }
    const udp = decodeUdp(ip);
    if (!udp.ok) {
      if (udp.truncated) counts.udpTruncated++;
      else counts.udpMalformed++;
      return;
    }
    const { payload, srcAddr, dstPort } = udp.datagram;
    if (!sniffNetflow(payload)) {
      counts.notNetflow++;
      if (counts.notNetflowPorts.size < 1024 || counts.notNetflowPorts.has(dstPort)) counts.notNetflowPorts.set(dstPort, (counts.notNetflowPorts.get(dstPort) ?? 0) + 1);
      return;
    }
    counts.exportPackets++;
    if (counts.exporters.size < MAX_EXPORTERS) counts.exporters.add(srcAddr);
    sequencer.push(payload, {
      file: ctx.file, exporter: srcAddr, device: srcAddr, ...(Number.isFinite(frame.timestampMs) ? { receivedAt: frame.timestampMs } : {}),
    }, out);
  };

  /** Move what the session produced into the caller's list. */
  const deliver = (into: RecordOutcome[]) => {
    for (const o of out) into.push(o);
    out = [];
  };

  /** The capture broke: decode what the sequencer holds, then the error, numbered after every record read. */
  const reportError = (into: RecordOutcome[]) => {
    const e = reader.error;
    if (!e || reported) return;
    reported = true;
    sequencer.flush(into);
    const where = reader.container === 'pcapng' ? `block ${e.block}` : `record ${e.block}`;
    const message = `capture offset ${e.offset} (packet ${e.packet}, ${where}): ${e.message}`;
    into.push({ kind: 'error', line: sequencer.nextRecord(), code: 'MALFORMED', message });
    // A capture cannot be resynchronised: like a cut-off gzip, the input did not read to its end.
    throw new InputFileError(`the capture breaks off: ${message}`, ctx.file);
  };

  return {
    push(chunk, into) {
      if (ended || reported) return;
      reader.push(chunk, onFrame);
      deliver(into);
      reportError(into);
    },
    end(into) {
      if (ended) return;
      ended = true;
      reader.end();
      ipStream.flush();
      sequencer.flush(out);
      deliver(into);
      const note = captureNote(reader.packets, counts, ipStream.stats, reader.truncated, reader.skippedBlocks);
      if (note) ctx.observe?.note?.(note);
      reportError(into);
    },
  };
}

export const pcapFormat: ByteFormat = {
  id: PCAP_FORMAT,
  kind: 'bytes',
  description: 'NetFlow v5 / v9 / IPFIX export packets in a packet capture (pcap, pcapng): Ethernet (VLAN tags), Linux cooked v1/v2, ' +
    'raw IP, loopback; IPv4 / IPv6 UDP, fragments reassembled; exporter = the datagram\'s source address',
  recognizedBy: 'first bytes: pcap magic a1b2c3d4 / a1b23c4d (either byte order) or pcapng section header 0a0d0d0a',
  sniffBytes: (head) => sniffCapture(head) !== undefined,
  open: (ctx) => pcapNetflowSession(ctx, netflowState(ctx), ctx.prefilter ? { prefilter: ctx.prefilter } : {}),
};
