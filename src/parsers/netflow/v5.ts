/**
 * NetFlow v5: a 24-byte header (version, count, sysUptime ms, unix_secs, unix_nsecs, flow sequence, engine,
 * sampling) and `count` fixed 48-byte records. No templates. A flow starts at its `first` (sysUptime ms), converted
 * with the header's export time: unix_secs·1000 + unix_nsecs/1e6 − (sysUptime − first). The header's last 16 bits
 * are the sampling mode (2 bits) and interval (14 bits): an interval ≥ 1 is kept on every event of the packet.
 */
import type { NetworkEvent } from '../../model/event.js';
import { protocolFromNumber } from '../../model/protocol.js';
import { ipv4FromNumber } from '../../net/ip.js';
import type { PacketContext } from '../packets.js';
import type { RecordOutcome } from '../types.js';

export const V5_HEADER = 24;
export const V5_RECORD = 48;
/** The most records a v5 packet holds (Cisco's limit). */
export const V5_MAX_COUNT = 30;

export function decodeV5(packet: Buffer, where: PacketContext, format: string): { outcomes: RecordOutcome[]; records: number } {
  const error = (message: string) => ({ outcomes: [{ kind: 'error', line: where.firstRecord, code: 'MALFORMED', message: `packet ${where.packet}: ${message}` } as RecordOutcome], records: 1 });
  if (packet.length < V5_HEADER) return error(`NetFlow v5 header truncated (${packet.length} bytes)`);
  const count = packet.readUInt16BE(2);
  if (count < 1 || count > V5_MAX_COUNT) return error(`NetFlow v5 record count ${count} outside 1..${V5_MAX_COUNT}`);
  if (packet.length < V5_HEADER + count * V5_RECORD) return error(`NetFlow v5 packet of ${packet.length} bytes cannot hold ${count} records`);
  const uptime = packet.readUInt32BE(4);
  const exportMs = packet.readUInt32BE(8) * 1000 + Math.floor(packet.readUInt32BE(12) / 1e6);
  const sampling = packet.readUInt16BE(22) & 0x3fff;
  const outcomes: RecordOutcome[] = [];
  for (let i = 0; i < count; i++) {
    const o = V5_HEADER + i * V5_RECORD;
    const line = where.firstRecord + i;
    const first = packet.readUInt32BE(o + 24);
    const event: NetworkEvent = {
      time: exportMs - ((uptime - first) | 0),
      srcIp: ipv4FromNumber(packet.readUInt32BE(o)),
      srcPort: packet.readUInt16BE(o + 32),
      dstIp: ipv4FromNumber(packet.readUInt32BE(o + 4)),
      dstPort: packet.readUInt16BE(o + 34),
      format, file: where.file, line, packet: where.packet,
    };
    const protocol = protocolFromNumber(packet[o + 38]!);
    if (protocol !== undefined) event.protocol = protocol;
    event.bytes = packet.readUInt32BE(o + 20);
    event.packets = packet.readUInt32BE(o + 16);
    if (where.device !== undefined) event.device = where.device;
    event.inInterface = packet.readUInt16BE(o + 12);
    event.outInterface = packet.readUInt16BE(o + 14);
    if (sampling >= 1) event.samplingInterval = sampling;
    outcomes.push({ kind: 'events', line, events: [event] });
  }
  return { outcomes, records: count };
}
