/**
 * Byte builders for packet captures: classic pcap and pcapng files, and the frames inside them (Ethernet with VLAN
 * tags, Linux cooked v1/v2, BSD null, IPv4/IPv6 with extension headers and fragments, UDP). Written from the
 * specifications (pcap-savefile(5), draft-ietf-opsawg-pcapng, RFC 791 / 8200 / 768), independently of the reader.
 */

export const cat = (...b: Buffer[]) => Buffer.concat(b);
export const u8 = (n: number) => Buffer.from([n & 255]);
export const u16 = (n: number, le = false) => { const b = Buffer.alloc(2); if (le) b.writeUInt16LE(n); else b.writeUInt16BE(n); return b; };
export const u32 = (n: number, le = false) => { const b = Buffer.alloc(4); if (le) b.writeUInt32LE(n >>> 0); else b.writeUInt32BE(n >>> 0); return b; };
export const ip4 = (s: string) => Buffer.from(s.split('.').map(Number));
export function ip6(s: string): Buffer {
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

// --- classic pcap ---------------------------------------------------------------------------------------------

export interface PcapRecord {
  data: Buffer;
  /** Epoch seconds and the fraction in the file's unit (µs or ns). */
  sec?: number;
  frac?: number;
  /** Original length (default: data length). */
  orig?: number;
}

export function pcapFile(records: PcapRecord[], opts: { le?: boolean; ns?: boolean; linkType?: number; snaplen?: number } = {}): Buffer {
  const le = opts.le ?? true;
  const magic = opts.ns ? 0xa1b23c4d : 0xa1b2c3d4;
  const header = cat(u32(magic, le), u16(2, le), u16(4, le), u32(0, le), u32(0, le), u32(opts.snaplen ?? 65535, le), u32(opts.linkType ?? 1, le));
  return cat(header, ...records.map((r) => cat(u32(r.sec ?? 0, le), u32(r.frac ?? 0, le), u32(r.data.length, le), u32(r.orig ?? r.data.length, le), r.data)));
}

// --- pcapng ---------------------------------------------------------------------------------------------------

const pad4 = (b: Buffer) => cat(b, Buffer.alloc((4 - (b.length % 4)) % 4));

/** One option (code, value), padded; `options([...])` appends opt_endofopt. */
export const option = (code: number, value: Buffer, le: boolean) => cat(u16(code, le), u16(value.length, le), pad4(value));
export const options = (opts: Buffer[], le: boolean) => (opts.length === 0 ? Buffer.alloc(0) : cat(...opts, u32(0, le)));

export function block(type: number, body: Buffer, le: boolean): Buffer {
  const b = pad4(body);
  const len = 12 + b.length;
  return cat(u32(type, le), u32(len, le), b, u32(len, le));
}

export const shb = (le: boolean, opts: Buffer[] = []) =>
  block(0x0a0d0d0a, cat(u32(0x1a2b3c4d, le), u16(1, le), u16(0, le), u32(0xffffffff, le), u32(0xffffffff, le), options(opts, le)), le);

export interface IdbOptions {
  linkType?: number;
  snaplen?: number;
  /** if_tsresol byte (6 = µs, 9 = ns, 0x80 | n = 2^-n). */
  tsresol?: number;
  /** if_tsoffset, seconds. */
  tsoffset?: number;
}

export function idb(le: boolean, o: IdbOptions = {}): Buffer {
  const opts: Buffer[] = [option(2, Buffer.from('eth0'), le)];
  if (o.tsresol !== undefined) opts.push(option(9, u8(o.tsresol), le));
  if (o.tsoffset !== undefined) {
    const v = Buffer.alloc(8);
    if (le) v.writeBigInt64LE(BigInt(o.tsoffset)); else v.writeBigInt64BE(BigInt(o.tsoffset));
    opts.push(option(14, v, le));
  }
  return block(1, cat(u16(o.linkType ?? 1, le), u16(0, le), u32(o.snaplen ?? 0, le), options(opts, le)), le);
}

/** Enhanced packet block: `ticks` is the 64-bit timestamp in the interface's units. */
export function epb(le: boolean, data: Buffer, ticks: bigint, o: { iface?: number; orig?: number; comment?: string } = {}): Buffer {
  const opts = o.comment ? [option(1, Buffer.from(o.comment), le)] : [];
  return block(6, cat(u32(o.iface ?? 0, le), u32(Number(ticks >> 32n), le), u32(Number(ticks & 0xffffffffn), le), u32(data.length, le), u32(o.orig ?? data.length, le), pad4(data), options(opts, le)), le);
}

export const spb = (le: boolean, data: Buffer, orig = data.length) => block(3, cat(u32(orig, le), data), le);

// --- frames ---------------------------------------------------------------------------------------------------

export const MAC_A = Buffer.from([0x00, 0x11, 0x22, 0x33, 0x44, 0x55]);
export const MAC_B = Buffer.from([0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb]);

/** Ethernet II, with VLAN tags (outermost first: [tpid, vid]). */
export function ethernet(ethertype: number, payload: Buffer, vlans: [number, number][] = []): Buffer {
  return cat(MAC_A, MAC_B, ...vlans.map(([tpid, vid]) => cat(u16(tpid), u16(vid))), u16(ethertype), payload);
}

export const sll = (protocol: number, payload: Buffer) => cat(u16(0), u16(1), u16(6), MAC_A, u16(0), u16(protocol), payload);
export const sll2 = (protocol: number, payload: Buffer) => cat(u16(protocol), u16(0), u32(2), u16(1), u8(0), u8(6), MAC_A, u16(0), payload);
/** BSD null / loopback: the address family in the capturing host's byte order. */
export const nullLink = (af: number, payload: Buffer, le = true) => cat(u32(af, le), payload);

export interface Ipv4Options {
  id?: number;
  /** Fragment offset in bytes (multiple of 8). */
  fragOffset?: number;
  more?: boolean;
  /** Total length to write instead of the real one. */
  totalLength?: number;
  options?: Buffer;
}

export function ipv4(src: string, dst: string, protocol: number, payload: Buffer, o: Ipv4Options = {}): Buffer {
  const opts = o.options ?? Buffer.alloc(0);
  const ihl = 5 + opts.length / 4;
  const flags = (o.more ? 0x2000 : 0) | ((o.fragOffset ?? 0) / 8);
  return cat(u8(0x40 | ihl), u8(0), u16(o.totalLength ?? ihl * 4 + payload.length), u16(o.id ?? 1), u16(flags), u8(64), u8(protocol), u16(0), ip4(src), ip4(dst), opts, payload);
}

/** An IPv6 extension header (hop-by-hop 0, routing 43, destination options 60) of `len8` 8-byte units. */
export function ext(next: number, units = 1): Buffer {
  const b = Buffer.alloc(units * 8);
  b[0] = next;
  b[1] = units - 1;
  return b;
}

export const fragHeader = (next: number, offset: number, more: boolean, id: number) => cat(u8(next), u8(0), u16(offset | (more ? 1 : 0)), u32(id));

/** IPv6: `next` is the first next-header value, `rest` the extension headers and upper-layer bytes after the header. */
export function ipv6(src: string, dst: string, next: number, rest: Buffer, payloadLength = rest.length): Buffer {
  return cat(u32(0x60000000), u16(payloadLength), u8(next), u8(64), ip6(src), ip6(dst), rest);
}

export const udp = (sport: number, dport: number, payload: Buffer, length = 8 + payload.length) => cat(u16(sport), u16(dport), u16(length), u16(0), payload);
