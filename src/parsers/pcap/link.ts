/**
 * Pure decoders from a captured frame to its IP packet and from an IP packet to its UDP datagram: link layers
 * (Ethernet with 802.1Q / 802.1ad tags, Linux cooked v1 and v2, raw IP, BSD loopback / null, OpenBSD loop), IPv4 and
 * IPv6 (hop-by-hop, routing, fragment, destination options and AH extension headers), UDP. No state, no copies: what
 * they return are subarrays of the frame. Fragments are put together by reassembly.ts.
 */
import { formatIpv6, ipv4FromNumber } from '../../net/ip.js';

export const LINKTYPE_NULL = 0;
export const LINKTYPE_ETHERNET = 1;
/** DLT_RAW as some BSDs number it in captures (12, OpenBSD 14); LINKTYPE_RAW is 101. */
export const LINKTYPE_RAW_BSD = 12;
export const LINKTYPE_RAW_OPENBSD = 14;
export const LINKTYPE_RAW = 101;
export const LINKTYPE_LOOP = 108;
export const LINKTYPE_LINUX_SLL = 113;
export const LINKTYPE_IPV4 = 228;
export const LINKTYPE_IPV6 = 229;
export const LINKTYPE_LINUX_SLL2 = 276;

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = 0x8100;
const ETHERTYPE_QINQ = 0x88a8;
const ETHERTYPE_QINQ_OLD = 0x9100;
/** VLAN tags followed at most (QinQ is two; more is a loop of garbage). */
const MAX_VLAN_TAGS = 8;

export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

/** The link layer types decodeLink understands, with a name (for docs and summaries). */
export const LINK_TYPES: Readonly<Record<number, string>> = {
  [LINKTYPE_NULL]: 'BSD loopback (null)',
  [LINKTYPE_ETHERNET]: 'Ethernet (802.1Q / 802.1ad VLAN tags)',
  [LINKTYPE_RAW_BSD]: 'raw IP (DLT 12)',
  [LINKTYPE_RAW_OPENBSD]: 'raw IP (OpenBSD DLT 14)',
  [LINKTYPE_RAW]: 'raw IP',
  [LINKTYPE_LOOP]: 'OpenBSD loopback',
  [LINKTYPE_LINUX_SLL]: 'Linux cooked v1',
  [LINKTYPE_IPV4]: 'raw IPv4',
  [LINKTYPE_IPV6]: 'raw IPv6',
  [LINKTYPE_LINUX_SLL2]: 'Linux cooked v2',
};

/** Where the network layer starts in a frame, or why there is none. */
export type LinkResult = { ok: true; offset: number; version: 4 | 6 } | { ok: false; reason: 'link-type' | 'not-ip' | 'short' };

const BSD_AF_INET = 2;
const BSD_AF_INET6 = new Set([24, 28, 30, 10]); // NetBSD/OpenBSD, FreeBSD, Darwin; 10 = Linux AF_INET6 (rare)

function fromEthertype(type: number, offset: number): LinkResult {
  if (type === ETHERTYPE_IPV4) return { ok: true, offset, version: 4 };
  if (type === ETHERTYPE_IPV6) return { ok: true, offset, version: 6 };
  return { ok: false, reason: 'not-ip' };
}

/** Follow VLAN tags from the ethertype at `typeAt`: the network layer after them. */
function afterTags(frame: Buffer, typeAt: number): LinkResult {
  let p = typeAt;
  for (let tags = 0; ; tags++) {
    if (p + 2 > frame.length) return { ok: false, reason: 'short' };
    const type = frame.readUInt16BE(p);
    if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) {
      if (tags >= MAX_VLAN_TAGS) return { ok: false, reason: 'not-ip' };
      p += 4; // TCI (2), then the inner ethertype
      continue;
    }
    return fromEthertype(type, p + 2);
  }
}

/** Version nibble of the IP header at `offset`. */
function byVersion(frame: Buffer, offset: number): LinkResult {
  if (offset >= frame.length) return { ok: false, reason: 'short' };
  const v = frame[offset]! >> 4;
  return v === 4 || v === 6 ? { ok: true, offset, version: v } : { ok: false, reason: 'not-ip' };
}

/** The IP packet inside a frame of link type `linkType`. */
export function decodeLink(linkType: number, frame: Buffer): LinkResult {
  switch (linkType) {
    case LINKTYPE_ETHERNET:
      return frame.length < 14 ? { ok: false, reason: 'short' } : afterTags(frame, 12);
    case LINKTYPE_LINUX_SLL:
      return frame.length < 16 ? { ok: false, reason: 'short' } : afterTags(frame, 14);
    case LINKTYPE_LINUX_SLL2:
      return frame.length < 20 ? { ok: false, reason: 'short' } : fromSll2(frame);
    case LINKTYPE_RAW:
    case LINKTYPE_RAW_BSD:
    case LINKTYPE_RAW_OPENBSD:
      return byVersion(frame, 0);
    case LINKTYPE_IPV4:
      return frame.length < 1 ? { ok: false, reason: 'short' } : { ok: true, offset: 0, version: 4 };
    case LINKTYPE_IPV6:
      return frame.length < 1 ? { ok: false, reason: 'short' } : { ok: true, offset: 0, version: 6 };
    case LINKTYPE_NULL:
    case LINKTYPE_LOOP: {
      if (frame.length < 4) return { ok: false, reason: 'short' };
      // NULL: the address family in the capturing host's byte order, which the file does not record: a value
      // above 0xffff read little-endian is big-endian. LOOP: always big-endian.
      let af = linkType === LINKTYPE_LOOP ? frame.readUInt32BE(0) : frame.readUInt32LE(0);
      if (af > 0xffff) af = frame.readUInt32BE(0);
      if (af === BSD_AF_INET) return { ok: true, offset: 4, version: 4 };
      if (BSD_AF_INET6.has(af)) return { ok: true, offset: 4, version: 6 };
      return { ok: false, reason: 'not-ip' };
    }
    default:
      return { ok: false, reason: 'link-type' };
  }
}

/** Linux cooked v2: the protocol type is the first field; the header is 20 bytes. */
function fromSll2(frame: Buffer): LinkResult {
  const type = frame.readUInt16BE(0);
  // a VLAN tag left in the payload: TCI (2) then the inner type, at the start of the payload
  if (type === ETHERTYPE_VLAN || type === ETHERTYPE_QINQ || type === ETHERTYPE_QINQ_OLD) return afterTags(frame, 22);
  return fromEthertype(type, 20);
}

/** An IP packet: header fields, its payload, and what reassembly needs of a fragment. */
export interface IpPacket {
  version: 4 | 6;
  srcAddr: string;
  dstAddr: string;
  /** The upper-layer protocol (after IPv6 extension headers). */
  protocol: number;
  /** The upper-layer bytes held in the frame (a subarray); for a fragment, this fragment's part. */
  payload: Buffer;
  /** The IP header said more payload than the frame holds (a capture cut by its snaplen). */
  truncated: boolean;
  /** Present for a fragment: identification, byte offset of this part, whether more follow. */
  fragment?: { id: number; offset: number; more: boolean };
}

export type IpResult = { ok: true; packet: IpPacket } | { ok: false; reason: string };

const EXT_HOP_BY_HOP = 0;
const EXT_ROUTING = 43;
const EXT_FRAGMENT = 44;
const EXT_AH = 51;
const EXT_NONE = 59;
const EXT_DEST_OPTS = 60;
/** Extension headers walked at most. */
const MAX_EXT_HEADERS = 16;

/** The IPv4 or IPv6 packet at `offset` of `frame`. */
export function decodeIp(frame: Buffer, offset: number): IpResult {
  if (offset >= frame.length) return { ok: false, reason: 'IP header truncated' };
  const v = frame[offset]! >> 4;
  if (v === 4) return decodeIpv4(frame, offset);
  if (v === 6) return decodeIpv6(frame, offset);
  return { ok: false, reason: `IP version ${v}` };
}

function decodeIpv4(frame: Buffer, o: number): IpResult {
  if (o + 20 > frame.length) return { ok: false, reason: 'IPv4 header truncated' };
  const ihl = (frame[o]! & 0x0f) * 4;
  if (ihl < 20) return { ok: false, reason: `IPv4 header length ${ihl}` };
  if (o + ihl > frame.length) return { ok: false, reason: 'IPv4 options truncated' };
  const total = frame.readUInt16BE(o + 2);
  if (total < ihl) return { ok: false, reason: `IPv4 total length ${total} shorter than its header (${ihl})` };
  const frag = frame.readUInt16BE(o + 6);
  const more = (frag & 0x2000) !== 0;
  const fragOffset = (frag & 0x1fff) * 8;
  const end = Math.min(o + total, frame.length); // a frame may carry link-layer padding after the packet
  const packet: IpPacket = {
    version: 4,
    srcAddr: ipv4FromNumber(frame.readUInt32BE(o + 12)),
    dstAddr: ipv4FromNumber(frame.readUInt32BE(o + 16)),
    protocol: frame[o + 9]!,
    payload: frame.subarray(o + ihl, end),
    truncated: o + total > frame.length,
  };
  if (more || fragOffset > 0) packet.fragment = { id: frame.readUInt16BE(o + 4), offset: fragOffset, more };
  return { ok: true, packet };
}

function ipv6Text(frame: Buffer, p: number): string {
  const g = new Uint16Array(8);
  for (let i = 0; i < 8; i++) g[i] = frame.readUInt16BE(p + 2 * i);
  return formatIpv6(g);
}

function decodeIpv6(frame: Buffer, o: number): IpResult {
  if (o + 40 > frame.length) return { ok: false, reason: 'IPv6 header truncated' };
  const payloadLength = frame.readUInt16BE(o + 4);
  // payload length 0 with a hop-by-hop header is a jumbogram: the frame's bytes are the packet
  const declaredEnd = payloadLength === 0 ? frame.length : o + 40 + payloadLength;
  const end = Math.min(declaredEnd, frame.length);
  const packet: IpPacket = {
    version: 6, srcAddr: ipv6Text(frame, o + 8), dstAddr: ipv6Text(frame, o + 24), protocol: 0, payload: frame.subarray(0, 0), truncated: declaredEnd > frame.length,
  };
  const walked = walkIpv6Headers(frame, o + 40, end, frame[o + 6]!, packet);
  return walked ?? { ok: true, packet };
}

/**
 * Walk IPv6 extension headers from `p` (next header `next`) up to the upper layer: sets `packet.protocol`,
 * `payload` and `fragment`. After a fragment header the rest is this fragment's part of the fragmentable payload
 * (its headers are walked again once reassembled). An error result, or undefined when done.
 */
export function walkIpv6Headers(buf: Buffer, p: number, end: number, next: number, packet: IpPacket): IpResult | undefined {
  for (let n = 0; ; n++) {
    if (n > MAX_EXT_HEADERS) return { ok: false, reason: `more than ${MAX_EXT_HEADERS} IPv6 extension headers` };
    if (next === EXT_HOP_BY_HOP || next === EXT_ROUTING || next === EXT_DEST_OPTS || next === EXT_AH) {
      if (p + 2 > end) return { ok: false, reason: 'IPv6 extension header truncated' };
      const len = next === EXT_AH ? (buf[p + 1]! + 2) * 4 : (buf[p + 1]! + 1) * 8;
      if (p + len > end) return { ok: false, reason: 'IPv6 extension header truncated' };
      next = buf[p]!;
      p += len;
      continue;
    }
    if (next === EXT_FRAGMENT) {
      if (p + 8 > end) return { ok: false, reason: 'IPv6 fragment header truncated' };
      const word = buf.readUInt16BE(p + 2);
      const offset = word & 0xfff8;
      const more = (word & 1) !== 0;
      const id = buf.readUInt32BE(p + 4);
      packet.protocol = buf[p]!;
      packet.payload = buf.subarray(p + 8, end);
      // an atomic fragment (offset 0, no more) is a whole packet: go on with its headers
      if (offset === 0 && !more) {
        next = buf[p]!;
        p += 8;
        continue;
      }
      packet.fragment = { id, offset, more };
      return undefined;
    }
    packet.protocol = next;
    packet.payload = next === EXT_NONE ? buf.subarray(end, end) : buf.subarray(p, end);
    return undefined;
  }
}

export interface UdpDatagram {
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  /** The UDP payload (a subarray of the frame, or of a reassembled packet). */
  payload: Buffer;
}

export type UdpResult = { ok: true; datagram: UdpDatagram } | { ok: false; reason: string; truncated: boolean };

/** The UDP datagram in an (unfragmented or reassembled) IP packet whose protocol is UDP. */
export function decodeUdp(ip: IpPacket): UdpResult {
  const b = ip.payload;
  if (b.length < 8) return { ok: false, reason: 'UDP header truncated', truncated: ip.truncated };
  const length = b.readUInt16BE(4);
  if (length < 8) {
    // 0 is an IPv6 jumbogram's UDP length: the payload runs to the end of the packet
    if (!(length === 0 && ip.version === 6)) return { ok: false, reason: `UDP length ${length}`, truncated: false };
  } else if (length > b.length) {
    return ip.truncated
      ? { ok: false, reason: `UDP datagram of ${length} bytes cut by the capture (${b.length} captured)`, truncated: true }
      : { ok: false, reason: `UDP length ${length} runs past its IP packet (${b.length} bytes)`, truncated: false };
  }
  return {
    ok: true,
    datagram: {
      srcAddr: ip.srcAddr, srcPort: b.readUInt16BE(0), dstAddr: ip.dstAddr, dstPort: b.readUInt16BE(2),
      payload: b.subarray(8, length === 0 ? b.length : length),
    },
  };
}
