/**
 * From captured frames to whole IP packets: the link layer peeled (decodeLink), the IP header read (decodeIp),
 * fragments put together (reassembly). What yields no IP packet is counted, by reason, for the input's summary.
 */
import { decodeIp, decodeLink, type IpPacket } from './link.js';
import { createReassembler, type ReassemblyOptions, type ReassemblyStats } from './reassembly.js';
import type { CapturedPacket } from './reader.js';

export interface IpStreamStats {
  /** Frames of a link type the decoders do not know, per link type. */
  unsupportedLink: Record<number, number>;
  /** Frames that carry something other than IP (ARP, LLDP, 802.3 LLC…). */
  notIp: number;
  /** Frames too short for their link header, or whose IP header is broken. */
  malformed: number;
  reassembly: ReassemblyStats;
}

export interface IpStream {
  /** The whole IP packet a frame completes, if any (its payload is valid only during the call, like the frame). */
  packet(frame: CapturedPacket): IpPacket | undefined;
  /** End of input: fragments still waiting are counted. */
  flush(): void;
  readonly stats: IpStreamStats;
}

export function createIpStream(options: ReassemblyOptions = {}): IpStream {
  const reassembler = createReassembler(options);
  const stats: IpStreamStats = { unsupportedLink: {}, notIp: 0, malformed: 0, reassembly: reassembler.stats };
  return {
    stats,
    packet(frame) {
      const link = decodeLink(frame.linkType, frame.data);
      if (!link.ok) {
        if (link.reason === 'link-type') stats.unsupportedLink[frame.linkType] = (stats.unsupportedLink[frame.linkType] ?? 0) + 1;
        else if (link.reason === 'not-ip') stats.notIp++;
        else stats.malformed++;
        return undefined;
      }
      const ip = decodeIp(frame.data, link.offset);
      if (!ip.ok) {
        stats.malformed++;
        return undefined;
      }
      return reassembler.push(ip.packet, frame.timestampMs);
    },
    flush() {
      reassembler.flush();
    },
  };
}
