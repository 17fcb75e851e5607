/** Issue 11: link layers, IPv4/IPv6, UDP and fragment reassembly (src/parsers/pcap/), from hand-built frames. */
import { describe, expect, it } from 'vitest';
import { createIpStream } from '../src/parsers/pcap/ip-stream.js';
import { decodeIp, decodeLink, decodeUdp, type IpPacket } from '../src/parsers/pcap/link.js';
import { createReassembler } from '../src/parsers/pcap/reassembly.js';
import type { CapturedPacket } from '../src/parsers/pcap/reader.js';
import { cat, ethernet, ext, fragHeader, ipv4, ipv6, nullLink, sll, sll2, udp, u32 } from './helpers/pcap.js';

const PAYLOAD = Buffer.from('hello, netflow');
const V4 = () => ipv4('192.0.2.1', '198.51.100.2', 17, udp(40000, 2055, PAYLOAD));
const V6 = () => ipv6('2001:db8::1', '2001:db8::2', 17, udp(40000, 4739, PAYLOAD));

/** The UDP datagram of a frame, through link → IP → UDP (no fragments). */
function datagram(linkType: number, frame: Buffer) {
  const link = decodeLink(linkType, frame);
  if (!link.ok) return link.reason;
  const ip = decodeIp(frame, link.offset);
  if (!ip.ok) return ip.reason;
  const u = decodeUdp(ip.packet);
  return u.ok ? { ...u.datagram, payload: u.datagram.payload.toString() } : u.reason;
}

const v4Datagram = { srcAddr: '192.0.2.1', srcPort: 40000, dstAddr: '198.51.100.2', dstPort: 2055, payload: 'hello, netflow' };
const v6Datagram = { srcAddr: '2001:db8::1', srcPort: 40000, dstAddr: '2001:db8::2', dstPort: 4739, payload: 'hello, netflow' };

describe('link layers', () => {
  it('Ethernet II, IPv4 and IPv6; trailing Ethernet padding is not payload', () => {
    expect(datagram(1, ethernet(0x0800, V4()))).toEqual(v4Datagram);
    expect(datagram(1, ethernet(0x86dd, V6()))).toEqual(v6Datagram);
    expect(datagram(1, ethernet(0x0800, cat(V4(), Buffer.alloc(12))))).toEqual(v4Datagram);
  });

  it('802.1Q, 802.1ad QinQ and the old 0x9100 tag', () => {
    expect(datagram(1, ethernet(0x0800, V4(), [[0x8100, 10]]))).toEqual(v4Datagram);
    expect(datagram(1, ethernet(0x86dd, V6(), [[0x88a8, 100], [0x8100, 10]]))).toEqual(v6Datagram);
    expect(datagram(1, ethernet(0x0800, V4(), [[0x9100, 5], [0x8100, 6]]))).toEqual(v4Datagram);
  });

  it('Linux cooked v1 (113) and v2 (276), with a VLAN tag left in the payload', () => {
    expect(datagram(113, sll(0x0800, V4()))).toEqual(v4Datagram);
    expect(datagram(113, sll(0x86dd, V6()))).toEqual(v6Datagram);
    expect(datagram(276, sll2(0x0800, V4()))).toEqual(v4Datagram);
    expect(datagram(276, sll2(0x86dd, V6()))).toEqual(v6Datagram);
    expect(datagram(113, sll(0x8100, cat(Buffer.from([0, 10, 0x08, 0x00]), V4())))).toEqual(v4Datagram);
    expect(datagram(276, sll2(0x8100, cat(Buffer.from([0, 10, 0x86, 0xdd]), V6())))).toEqual(v6Datagram);
  });

  it('raw IP: 101, 12 and 14 by the version nibble; 228 / 229', () => {
    for (const lt of [101, 12, 14]) {
      expect(datagram(lt, V4())).toEqual(v4Datagram);
      expect(datagram(lt, V6())).toEqual(v6Datagram);
    }
    expect(datagram(228, V4())).toEqual(v4Datagram);
    expect(datagram(229, V6())).toEqual(v6Datagram);
  });

  it('BSD null (0) in either host byte order: 2 = IPv4; 24, 28, 30 = IPv6; OpenBSD loop (108) big-endian', () => {
    for (const le of [true, false]) {
      expect(datagram(0, nullLink(2, V4(), le))).toEqual(v4Datagram);
      for (const af of [24, 28, 30]) expect(datagram(0, nullLink(af, V6(), le))).toEqual(v6Datagram);
    }
    expect(datagram(108, nullLink(2, V4(), false))).toEqual(v4Datagram);
    expect(datagram(0, nullLink(7, V4()))).toBe('not-ip');
  });

  it('not IP, too short, unknown link type', () => {
    expect(datagram(1, ethernet(0x0806, Buffer.alloc(28)))).toBe('not-ip'); // ARP
    expect(datagram(1, Buffer.alloc(10))).toBe('short');
    expect(datagram(1, ethernet(0x8100, Buffer.alloc(1)))).toBe('short');
    expect(datagram(147, V4())).toBe('link-type');
    expect(datagram(101, Buffer.from([0x50, 0, 0, 0]))).toBe('not-ip');
    // a loop of VLAN tags is not followed for ever
    const tags = Array.from({ length: 20 }, () => [0x8100, 1] as [number, number]);
    expect(datagram(1, ethernet(0x0800, V4(), tags))).toBe('not-ip');
  });
});

describe('IPv4 / IPv6 / UDP', () => {
  it('IPv4 options are skipped by the header length', () => {
    expect(datagram(101, ipv4('192.0.2.1', '198.51.100.2', 17, udp(40000, 2055, PAYLOAD), { options: Buffer.from([1, 1, 1, 0]) }))).toEqual(v4Datagram);
  });

  it('IPv6 extension headers: hop-by-hop, routing, destination options, AH, an atomic fragment', () => {
    const ah = Buffer.alloc(16); ah[0] = 44; ah[1] = 2; // AH: (2 + 2) * 4 = 16 bytes → fragment header
    const dest = ext(51, 2); // destination options (2 units) → AH
    const frame = ipv6('2001:db8::1', '2001:db8::2', 0, cat(ext(43), cat(Buffer.from([60]), ext(60).subarray(1)), dest, ah, fragHeader(17, 0, false, 9), udp(40000, 4739, PAYLOAD)));
    expect(datagram(101, frame)).toEqual(v6Datagram);
    const none = decodeIp(ipv6('2001:db8::1', '2001:db8::2', 59, Buffer.alloc(8)), 0);
    expect(none.ok && none.packet.protocol === 59 && none.packet.payload.length === 0).toBe(true);
  });

  it('broken headers are reasons, never throws', () => {
    expect(datagram(101, V4().subarray(0, 12))).toBe('IPv4 header truncated');
    expect(datagram(101, ipv4('1.2.3.4', '5.6.7.8', 17, Buffer.alloc(0), { totalLength: 10 }))).toMatch(/total length 10/);
    const badIhl = V4(); badIhl[0] = 0x43;
    expect(datagram(101, badIhl)).toMatch(/header length 12/);
    expect(datagram(101, V6().subarray(0, 30))).toBe('IPv6 header truncated');
    expect(datagram(101, ipv6('::1', '::2', 0, ext(43, 4).subarray(0, 8)))).toMatch(/extension header truncated/);
    const loop = cat(...Array.from({ length: 20 }, () => ext(60)));
    expect(datagram(101, ipv6('::1', '::2', 60, loop))).toMatch(/more than 16 IPv6 extension headers/);
    expect(datagram(101, ipv4('1.2.3.4', '5.6.7.8', 17, udp(1, 2, PAYLOAD, 4)))).toBe('UDP length 4');
    expect(datagram(101, ipv4('1.2.3.4', '5.6.7.8', 17, udp(1, 2, PAYLOAD, 500)))).toMatch(/UDP length 500 runs past its IP packet/);
    expect(datagram(101, ipv4('1.2.3.4', '5.6.7.8', 17, Buffer.alloc(5)))).toBe('UDP header truncated');
  });

  it('a packet cut by the snaplen is marked truncated, and its UDP datagram says so', () => {
    const whole = V4();
    const ip = decodeIp(whole.subarray(0, whole.length - 4), 0);
    expect(ip.ok && ip.packet.truncated).toBe(true);
    const u = decodeUdp((ip as { packet: IpPacket }).packet);
    expect(u).toMatchObject({ ok: false, truncated: true, reason: expect.stringMatching(/cut by the capture/) });
  });
});

/** An IPv4 datagram of `size` payload bytes cut into fragments of `step` bytes (the last may be shorter). */
function v4Fragments(size: number, step: number, id = 7, src = '192.0.2.1'): { frames: Buffer[]; udpBytes: Buffer } {
  const body = Buffer.alloc(size - 8);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7) & 255;
  const udpBytes = udp(40000, 2055, body);
  const frames: Buffer[] = [];
  for (let off = 0; off < udpBytes.length; off += step) {
    const part = udpBytes.subarray(off, Math.min(off + step, udpBytes.length));
    frames.push(ipv4(src, '198.51.100.2', 17, part, { id, fragOffset: off, more: off + step < udpBytes.length }));
  }
  return { frames, udpBytes };
}

function v6Fragments(size: number, step: number, id = 0x01020304): { frames: Buffer[]; udpBytes: Buffer } {
  const udpBytes = udp(40000, 4739, Buffer.alloc(size - 8, 0x5a));
  const fragmentable = cat(ext(17), udpBytes); // a destination options header inside the fragmentable part
  const frames: Buffer[] = [];
  for (let off = 0; off < fragmentable.length; off += step) {
    const part = fragmentable.subarray(off, Math.min(off + step, fragmentable.length));
    frames.push(ipv6('2001:db8::1', '2001:db8::2', 0, cat(ext(44), fragHeader(60, off, off + step < fragmentable.length, id), part)));
  }
  return { frames, udpBytes };
}

const captured = (data: Buffer, t = 0, index = 1): CapturedPacket => ({ linkType: 101, timestampMs: t, data, originalLength: data.length, index, interfaceId: 0 });

/** Run frames through an IP stream; the UDP payload lengths that come out. */
function through(frames: Buffer[], opts = {}, times?: number[]) {
  const stream = createIpStream(opts);
  const out: Buffer[] = [];
  frames.forEach((f, i) => {
    const ip = stream.packet(captured(f, times?.[i] ?? i));
    if (ip) {
      const u = decodeUdp(ip);
      if (u.ok) out.push(Buffer.from(u.datagram.payload));
    }
  });
  stream.flush();
  return { out, stats: stream.stats };
}

describe('fragment reassembly', () => {
  it('IPv4 in order and out of order', () => {
    const { frames, udpBytes } = v4Fragments(3000, 1480);
    const want = udpBytes.subarray(8);
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const { out, stats } = through(order.map((i) => frames[i]!));
      expect(out).toEqual([want]);
      expect(stats.reassembly).toMatchObject({ fragments: 3, reassembled: 1, incomplete: 0 });
    }
  });

  it('IPv6 fragment headers, with extension headers before and inside the fragmentable part', () => {
    const { frames, udpBytes } = v6Fragments(2000, 1232);
    expect(frames).toHaveLength(2);
    const { out, stats } = through([frames[1]!, frames[0]!]);
    expect(out).toEqual([udpBytes.subarray(8)]);
    expect(stats.reassembly.reassembled).toBe(1);
  });

  it('parts are copied: the caller may reuse its frame buffers once a fragment is handed in', () => {
    const { frames, udpBytes } = v4Fragments(3000, 1480);
    const stream = createIpStream();
    const reused = Buffer.alloc(2000);
    let whole: Buffer | undefined;
    for (const f of frames) {
      f.copy(reused);
      const ip = stream.packet(captured(reused.subarray(0, f.length)));
      reused.fill(0xee); // the caller overwrites its buffer
      if (ip) whole = Buffer.from(ip.payload);
    }
    expect(whole?.equals(udpBytes)).toBe(true);
  });

  it('a missing fragment: counted as incomplete at the end, nothing delivered', () => {
    const { frames } = v4Fragments(3000, 1480);
    const { out, stats } = through([frames[0]!, frames[2]!]);
    expect(out).toEqual([]);
    expect(stats.reassembly).toMatchObject({ fragments: 2, reassembled: 0, incomplete: 1 });
  });

  it('overlapping fragments drop the datagram; an exact duplicate is ignored', () => {
    const { frames, udpBytes } = v4Fragments(3000, 1480);
    const dup = through([frames[0]!, frames[0]!, frames[1]!, frames[2]!]);
    expect(dup.out).toEqual([udpBytes.subarray(8)]);
    const overlap = ipv4('192.0.2.1', '198.51.100.2', 17, Buffer.alloc(16), { id: 7, fragOffset: 1472, more: true });
    const r = through([frames[0]!, overlap, frames[1]!, frames[2]!]);
    expect(r.out).toEqual([]);
    expect(r.stats.reassembly).toMatchObject({ overlapping: 1, incomplete: 0, reassembled: 0 });
  });

  it('past 65535 bytes, a part after the last one, a non-final part not a multiple of 8: oversize', () => {
    const tooFar = ipv4('192.0.2.1', '198.51.100.2', 17, Buffer.alloc(16), { id: 9, fragOffset: 65528, more: false });
    expect(through([tooFar]).stats.reassembly.oversize).toBe(1);
    const { frames } = v4Fragments(3000, 1480);
    const after = ipv4('192.0.2.1', '198.51.100.2', 17, Buffer.alloc(16), { id: 7, fragOffset: 4000, more: true });
    expect(through([frames[2]!, after]).stats.reassembly.oversize).toBe(1);
    const odd = ipv4('192.0.2.1', '198.51.100.2', 17, Buffer.alloc(13), { id: 8, fragOffset: 0, more: true });
    expect(through([odd]).stats.reassembly.oversize).toBe(1);
  });

  it('a fragment cut by the snaplen: the datagram is given up, counted', () => {
    const { frames } = v4Fragments(3000, 1480);
    const { out, stats } = through([frames[0]!.subarray(0, 100), frames[1]!, frames[2]!]);
    expect(out).toEqual([]);
    expect(stats.reassembly.incomplete).toBe(1);
  });

  it('the timeout is capture time: a part 31 s later starts afresh', () => {
    const { frames } = v4Fragments(3000, 1480);
    const r = through(frames, { timeoutMs: 30_000 }, [0, 1000, 31_001]);
    expect(r.out).toEqual([]);
    expect(r.stats.reassembly.incomplete).toBe(2); // the first two parts timed out; the last alone at the end
  });

  it('bounded: a flood of first fragments stays within the datagram and byte caps', () => {
    const r = createReassembler({ maxDatagrams: 100, maxBytes: 64 * 1024 });
    for (let i = 0; i < 10_000; i++) {
      const frame = ipv4('192.0.2.1', '198.51.100.2', 17, Buffer.alloc(1480), { id: i & 0xffff, fragOffset: 0, more: true });
      const ip = decodeIp(frame, 0);
      if (ip.ok) r.push(ip.packet, i);
      expect(r.inFlight.datagrams).toBeLessThanOrEqual(100);
      expect(r.inFlight.bytes).toBeLessThanOrEqual(64 * 1024);
    }
    r.flush();
    expect(r.stats.incomplete).toBe(10_000);
    expect(r.inFlight).toEqual({ datagrams: 0, bytes: 0 });
  });

  it('non-IP and broken frames are counted by the IP stream', () => {
    const stream = createIpStream();
    stream.packet({ ...captured(ethernet(0x0806, Buffer.alloc(28))), linkType: 1 });
    stream.packet({ ...captured(Buffer.alloc(4)), linkType: 1 });
    stream.packet({ ...captured(V4()), linkType: 147 });
    stream.packet(captured(u32(0x45000000)));
    expect(stream.stats).toMatchObject({ notIp: 1, malformed: 2, unsupportedLink: { 147: 1 } });
  });
});
