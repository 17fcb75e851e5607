/**
 * A push-based reader of packet captures: classic pcap (both byte orders, µs and ns stamps) and pcapng (section
 * header, interface description with `if_tsresol` / `if_tsoffset`, enhanced, simple and obsolete packet blocks,
 * several sections; other blocks skipped by their length). It knows nothing of what the packets carry.
 *
 * Fed chunks of any size, it hands each packet to a callback as a subarray of the chunk it arrived in: no copy,
 * except for a record that spans chunks (then its bytes are gathered once). `data` is valid only during the
 * callback, since chunks belong to the caller.
 *
 * Hostile input stays bounded: a record or block longer than the limits, a pcapng block length that is zero or not a
 * multiple of 4, a length that disagrees with its trailer, an unknown magic — each is one located error (file
 * offset, packet and block index), after which the reader stops: a capture has no way to resynchronise. Packets read
 * before it stay delivered. Nothing throws.
 */

export interface CapturedPacket {
  /** LINKTYPE_* of the packet's interface (1 Ethernet, 113 Linux cooked, 101 raw IP…). */
  linkType: number;
  /** Capture time, epoch ms (fractional: µs and ns stamps keep their precision as far as a double does). NaN for a
   * pcapng simple packet block, which carries no time. */
  timestampMs: number;
  /** The captured bytes (caplen of them): a subarray, valid only during the callback. */
  data: Buffer;
  /** The packet's length on the wire; more than `data.length` when the capture truncated it (snaplen). */
  originalLength: number;
  /** 1-based index of the packet in the input, across pcapng sections. */
  index: number;
  /** pcapng interface id within its section (0 for classic pcap). */
  interfaceId: number;
}

export interface CaptureError {
  /** Byte offset in the input where the bad record or block starts. */
  offset: number;
  /** 1-based index the next packet would have had. */
  packet: number;
  /** 1-based pcapng block index (classic pcap: the record index, the global header being record 0). */
  block: number;
  message: string;
}

export interface CaptureReaderOptions {
  /** Largest captured packet accepted (default 262144, libpcap's maximum snaplen). */
  maxPacketBytes?: number;
  /** Largest pcapng block skipped without being read (name resolution, statistics, custom…). Default 16 MiB. */
  maxSkippedBlockBytes?: number;
}

export interface CaptureReader {
  /** Read a chunk; `onPacket` gets each complete packet in order. */
  push(chunk: Buffer, onPacket: (packet: CapturedPacket) => void): void;
  /** End of input: a record left incomplete becomes the error. */
  end(): void;
  /** The located error that stopped the input, if any. */
  readonly error: CaptureError | undefined;
  /** `pcap` / `pcapng` once the first bytes said which. */
  readonly container: 'pcap' | 'pcapng' | undefined;
  /** Packets delivered. */
  readonly packets: number;
  /** Packets whose captured length is less than their original length (cut by the snaplen). */
  readonly truncated: number;
  /** pcapng blocks skipped (types the reader does not use). */
  readonly skippedBlocks: number;
}

export const DEFAULT_MAX_PACKET = 262144;
const DEFAULT_MAX_SKIPPED_BLOCK = 16 << 20;
/** Room for a packet block's header and options beside its packet bytes. */
const BLOCK_OVERHEAD = 65536;

const PCAPNG_SHB = 0x0a0d0d0a;
const BOM = 0x1a2b3c4d;

/**
 * Whether the first bytes are a classic pcap header (its 4-byte magic, either byte order, µs or ns) or a pcapng
 * section header (block type 0x0a0d0d0a, which text can start with, so its byte-order magic too: 12 bytes).
 */
export function sniffCapture(head: Buffer): 'pcap' | 'pcapng' | undefined {
  if (head.length < 4) return undefined;
  const be = head.readUInt32BE(0);
  if (be === 0xa1b2c3d4 || be === 0xa1b23c4d || be === 0xd4c3b2a1 || be === 0x4d3cb2a1) return 'pcap';
  if (be === PCAPNG_SHB && head.length >= 12) {
    const bom = head.readUInt32BE(8);
    return bom === BOM || bom === 0x4d3c2b1a ? 'pcapng' : undefined;
  }
  return undefined;
}

interface Iface {
  linkType: number;
  snaplen: number;
  /** Timestamp units per millisecond. */
  unitsPerMs: number;
  /** if_tsoffset, ms. */
  offsetMs: number;
}

/** What one step over the bytes at `off` did: consumed `n` bytes, or needs `need` bytes from `off` in view. */
type Step = { n: number } | { need: number } | { fail: string };

export function createCaptureReader(options: CaptureReaderOptions = {}): CaptureReader {
  const maxPacket = options.maxPacketBytes ?? DEFAULT_MAX_PACKET;
  const maxBlock = maxPacket + BLOCK_OVERHEAD;
  const maxSkipped = options.maxSkippedBlockBytes ?? DEFAULT_MAX_SKIPPED_BLOCK;

  let container: 'pcap' | 'pcapng' | undefined;
  let error: CaptureError | undefined;
  let le = false; // byte order of the current file / section
  let packets = 0;
  let truncated = 0;
  let skippedBlocks = 0;
  let block = 0; // pcapng block / pcap record index
  let offset = 0; // input offset of the byte at the current step's start
  // classic pcap
  let linkType = 0;
  let unitsPerSecondFrac = 1e6; // µs or ns
  // pcapng
  let ifaces: Iface[] = [];
  let inSection = false;
  /** Bytes of a skipped block still to pass over (not buffered). */
  let skipping = 0;
  /** A record that spans chunks: its bytes gathered so far, and how many are needed to decide. */
  let carry: Buffer | undefined;
  let carryLen = 0;
  let carryNeed = 0;

  const u16 = (b: Buffer, p: number) => (le ? b.readUInt16LE(p) : b.readUInt16BE(p));
  const u32 = (b: Buffer, p: number) => (le ? b.readUInt32LE(p) : b.readUInt32BE(p));

  /** Stop the input; `at` is the index of the record or block that is bad (by default the one being read). */
  const fail = (message: string, at = block + 1) => {
    error ??= { offset, packet: packets + 1, block: at, message };
    carry = undefined;
  };

  const emit = (onPacket: (p: CapturedPacket) => void, iface: number, lt: number, ts: number, data: Buffer, orig: number) => {
    packets++;
    if (orig > data.length) truncated++;
    onPacket({ linkType: lt, timestampMs: ts, data, originalLength: orig, index: packets, interfaceId: iface });
  };

  /** The first bytes: which container, and (classic) its global header. */
  const stepStart = (b: Buffer, p: number, avail: number): Step => {
    if (avail < 4) return { need: 4 };
    const magic = b.readUInt32BE(p);
    if (magic === PCAPNG_SHB) {
      container = 'pcapng';
      return { n: 0 };
    }
    if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d && magic !== 0xd4c3b2a1 && magic !== 0x4d3cb2a1) {
      return { fail: `not a pcap or pcapng capture (magic 0x${magic.toString(16).padStart(8, '0')})` };
    }
    if (avail < 24) return { need: 24 };
    le = magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1;
    unitsPerSecondFrac = magic === 0xa1b23c4d || magic === 0x4d3cb2a1 ? 1e9 : 1e6;
    const major = u16(b, p + 4);
    if (major !== 2) return { fail: `pcap version ${major}.${u16(b, p + 6)} (only 2.x is defined)` };
    linkType = u32(b, p + 20) & 0x03ffffff; // the upper bits carry FCS information
    container = 'pcap';
    return { n: 24 };
  };

  const stepPcap = (b: Buffer, p: number, avail: number, onPacket: (p: CapturedPacket) => void): Step => {
    if (avail < 16) return { need: 16 };
    const caplen = u32(b, p + 8);
    if (caplen > maxPacket) return { fail: `record ${block + 1} claims ${caplen} captured bytes (more than ${maxPacket})` };
    if (avail < 16 + caplen) return { need: 16 + caplen };
    block++;
    const ts = u32(b, p) * 1000 + u32(b, p + 4) / (unitsPerSecondFrac / 1000);
    emit(onPacket, 0, linkType, ts, b.subarray(p + 16, p + 16 + caplen), u32(b, p + 12));
    return { n: 16 + caplen };
  };

  /** The options of an IDB (from `p` to `end`): if_tsresol (9) and if_tsoffset (14). */
  const readIfaceOptions = (b: Buffer, p: number, end: number, iface: Iface): string | undefined => {
    while (p + 4 <= end) {
      const code = u16(b, p);
      const len = u16(b, p + 2);
      if (code === 0) break;
      if (p + 4 + len > end) return `interface option ${code} of ${len} bytes runs past its block`;
      if (code === 9 && len >= 1) {
        const v = b[p + 4]!;
        const exp = v & 0x7f;
        const perSecond = v & 0x80 ? 2 ** exp : 10 ** exp;
        iface.unitsPerMs = perSecond / 1000;
      } else if (code === 14 && len >= 8) {
        const hi = le ? b.readInt32LE(p + 8) : b.readInt32BE(p + 4);
        const lo = le ? b.readUInt32LE(p + 4) : b.readUInt32BE(p + 8);
        iface.offsetMs = (hi * 4294967296 + lo) * 1000;
      }
      p += 4 + ((len + 3) & ~3);
    }
    return undefined;
  };

  const stepPcapng = (b: Buffer, p: number, avail: number, onPacket: (p: CapturedPacket) => void): Step => {
    if (avail < 12) return { need: 12 };
    const typeBE = b.readUInt32BE(p);
    if (typeBE === PCAPNG_SHB) {
      const bom = b.readUInt32BE(p + 8);
      if (bom === BOM) le = false;
      else if (bom === 0x4d3c2b1a) le = true;
      else return { fail: `section header block ${block + 1}: byte-order magic 0x${bom.toString(16)}` };
    } else if (!inSection) {
      return { fail: 'a pcapng file starts with a section header block' };
    }
    const type = typeBE === PCAPNG_SHB ? PCAPNG_SHB : u32(b, p);
    const len = u32(b, p + 4);
    if (len < 12 || len % 4 !== 0) return { fail: `block ${block + 1} (type 0x${type.toString(16)}): length ${len} (at least 12 and a multiple of 4)` };
    const used = type === PCAPNG_SHB || type === 1 || type === 2 || type === 3 || type === 6;
    if (!used) {
      if (len > maxSkipped) return { fail: `block ${block + 1} (type 0x${type.toString(16)}): length ${len} exceeds ${maxSkipped}` };
      block++;
      skippedBlocks++;
      skipping = len; // passed over without being buffered (its trailer unchecked)
      return { n: 0 };
    }
    if (len > maxBlock) return { fail: `block ${block + 1} (type 0x${type.toString(16)}): length ${len} exceeds ${maxBlock}` };
    if (avail < len) return { need: len };
    const trailer = u32(b, p + len - 4);
    if (trailer !== len) return { fail: `block ${block + 1} (type 0x${type.toString(16)}): length ${len} but trailing length ${trailer}` };
    const at = block + 1;
    const body = p + 8;
    const end = p + len - 4;
    switch (type) {
      case PCAPNG_SHB: {
        if (len < 28) return { fail: `section header block ${at}: length ${len} (at least 28)` };
        const major = u16(b, body + 4);
        if (major !== 1) return { fail: `section header block ${at}: pcapng version ${major}.${u16(b, body + 6)} (only 1.x is defined)` };
        inSection = true;
        ifaces = [];
        break;
      }
      case 1: { // interface description
        if (len < 20) return { fail: `interface description block ${at}: length ${len} (at least 20)` };
        const iface: Iface = { linkType: u16(b, body), snaplen: u32(b, body + 4), unitsPerMs: 1000, offsetMs: 0 };
        const why = readIfaceOptions(b, body + 8, end, iface);
        if (why) return { fail: `interface description block ${at}: ${why}` };
        if (ifaces.length >= 65536) return { fail: `interface description block ${at}: more than 65536 interfaces in a section` };
        ifaces.push(iface);
        break;
      }
      case 6: // enhanced packet
      case 2: { // obsolete packet block: 16-bit interface id and drop count
        if (len < 32) return { fail: `packet block ${at}: length ${len} (at least 32)` };
        const id = type === 6 ? u32(b, body) : u16(b, body);
        const iface = ifaces[id];
        if (!iface) return { fail: `packet block ${at}: interface ${id} is not described in its section` };
        const caplen = u32(b, body + 12);
        if (body + 20 + caplen > end) return { fail: `packet block ${at}: captured length ${caplen} runs past its block` };
        const ticks = u32(b, body + 4) * 4294967296 + u32(b, body + 8);
        emit(onPacket, id, iface.linkType, ticks / iface.unitsPerMs + iface.offsetMs, b.subarray(body + 20, body + 20 + caplen), u32(b, body + 16));
        break;
      }
      case 3: { // simple packet: interface 0, captured length = min(original, snaplen, block room)
        const iface = ifaces[0];
        if (!iface) return { fail: `simple packet block ${at}: no interface described in its section` };
        if (len < 16) return { fail: `simple packet block ${at}: length ${len} (at least 16)` };
        const orig = u32(b, body);
        let caplen = Math.min(orig, end - (body + 4));
        if (iface.snaplen > 0) caplen = Math.min(caplen, iface.snaplen);
        emit(onPacket, 0, iface.linkType, NaN, b.subarray(body + 4, body + 4 + caplen), orig);
        break;
      }
    }
    block++;
    return { n: len };
  };

  /** One step at `p` in `b` (`avail` bytes in view). */
  const step = (b: Buffer, p: number, avail: number, onPacket: (p: CapturedPacket) => void): Step => {
    if (!container) return stepStart(b, p, avail);
    return container === 'pcap' ? stepPcap(b, p, avail, onPacket) : stepPcapng(b, p, avail, onPacket);
  };

  /** Why the last `consume` stopped short: the bytes the next step needs in view. */
  let needMore = 0;

  /** Steps over `b[p, end)` until done or a step needs more bytes than are there: the offset it stopped at. */
  const consume = (b: Buffer, p: number, end: number, onPacket: (p: CapturedPacket) => void): number => {
    while (!error && p < end) {
      if (skipping > 0) {
        const n = Math.min(skipping, end - p);
        skipping -= n;
        p += n;
        offset += n;
        continue;
      }
      const r = step(b, p, end - p, onPacket);
      if ('fail' in r) {
        fail(r.fail);
        return end;
      }
      if ('need' in r) {
        needMore = r.need;
        return p;
      }
      p += r.n;
      offset += r.n;
    }
    return p;
  };

  /** Gather a record that spans chunks: `need` bytes, the first of which are `b[p, end)`. */
  const startCarry = (b: Buffer, p: number, end: number, need: number) => {
    carry = Buffer.allocUnsafe(need);
    carryLen = b.copy(carry, 0, p, end);
    carryNeed = need;
  };

  return {
    get error() {
      return error;
    },
    get container() {
      return container;
    },
    get packets() {
      return packets;
    },
    get truncated() {
      return truncated;
    },
    get skippedBlocks() {
      return skippedBlocks;
    },
    push(chunk, onPacket) {
      let p = 0;
      while (carry && !error) {
        const n = Math.min(carryNeed - carryLen, chunk.length - p);
        chunk.copy(carry, carryLen, p, p + n);
        carryLen += n;
        p += n;
        if (carryLen < carryNeed) return;
        const gathered: Buffer = carry;
        const q = consume(gathered, 0, carryLen, onPacket);
        carry = undefined;
        if (!error && q < carryLen) startCarry(gathered, q, carryLen, needMore); // a header said the record is longer
      }
      if (error) return;
      const q = consume(chunk, p, chunk.length, onPacket);
      if (!error && q < chunk.length) startCarry(chunk, q, chunk.length, needMore);
    },
    end() {
      if (error) return;
      if (skipping > 0) return fail(`the input ends inside block ${block} (${skipping} bytes missing)`, block);
      if (carry) return fail(`the input ends inside ${container === 'pcapng' ? `block ${block + 1}` : container === 'pcap' ? `record ${block + 1}` : 'the capture header'} (${carryLen} of ${carryNeed} bytes)`);
    },
  };
}
