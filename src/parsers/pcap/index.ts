/**
 * Packet captures (pcap, pcapng) as a reusable module: a push-based reader, pure link / IP / UDP decoders and a
 * bounded fragment reassembler. It knows nothing of NetFlow or DICOM: formats build on it.
 */
export { createCaptureReader, sniffCapture, DEFAULT_MAX_PACKET, type CapturedPacket, type CaptureError, type CaptureReader, type CaptureReaderOptions } from './reader.js';
export {
  decodeLink, decodeIp, decodeUdp, walkIpv6Headers, LINK_TYPES, PROTO_TCP, PROTO_UDP,
  type IpPacket, type IpResult, type LinkResult, type UdpDatagram, type UdpResult,
} from './link.js';
export { createReassembler, type Reassembler, type ReassemblyOptions, type ReassemblyStats } from './reassembly.js';
export { createIpStream, type IpStream, type IpStreamStats } from './ip-stream.js';
