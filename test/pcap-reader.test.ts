/** Issue 11: the pcap / pcapng reader (src/parsers/pcap/reader.ts), from hand-built byte literals. */
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import type { EventEmitter } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCaptureReader, sniffCapture, type CaptureReader, type CaptureReaderOptions } from '../src/parsers/pcap/reader.js';
import { block, cat, epb, idb, pcapFile, shb, spb, u32, u16, option, options } from './helpers/pcap.js';

interface Seen { linkType: number; timestampMs: number; data: string; originalLength: number; index: number; interfaceId: number }

/** Feed `chunks` and collect what comes out (packet data copied: it is only valid during the callback). */
function read(chunks: Buffer[], opts?: CaptureReaderOptions): { packets: Seen[]; reader: CaptureReader } {
  const reader = createCaptureReader(opts);
  const packets: Seen[] = [];
  for (const c of chunks) reader.push(c, (p) => packets.push({ ...p, data: p.data.toString('hex') }));
  reader.end();
  return { packets, reader };
}

/** The same bytes cut at `cuts` (sorted offsets). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  for (const c of [...cuts].sort((a, b) => a - b)) {
    out.push(bytes.subarray(at, c));
    at = c;
  }
  out.push(bytes.subarray(at));
  return out;
}

const P1 = Buffer.from('0102030405', 'hex');
const P2 = Buffer.from('aabbccddeeff0011', 'hex');
const P3 = Buffer.alloc(300, 7);
const T = Date.UTC(2026, 2, 16, 10, 15, 2) / 1000;

describe('classic pcap', () => {
  for (const le of [true, false]) {
    for (const ns of [false, true]) {
      it(`${le ? 'little' : 'big'}-endian, ${ns ? 'ns' : 'µs'} stamps: packets, times, caplen / origlen, link type`, () => {
        const file = pcapFile([{ data: P1, sec: T, frac: ns ? 123_456_789 : 123_456 }, { data: P2, sec: T + 1, frac: 0, orig: 1500 }], { le, ns, linkType: 113 });
        expect(sniffCapture(file)).toBe('pcap');
        const { packets, reader } = read([file]);
        expect(reader.error).toBeUndefined();
        expect(reader.container).toBe('pcap');
        expect(packets).toEqual([
          { linkType: 113, timestampMs: T * 1000 + 123.456 + (ns ? 0.000789 : 0), data: P1.toString('hex'), originalLength: 5, index: 1, interfaceId: 0 },
          { linkType: 113, timestampMs: (T + 1) * 1000, data: P2.toString('hex'), originalLength: 1500, index: 2, interfaceId: 0 },
        ].map((p) => ({ ...p, timestampMs: expect.closeTo(p.timestampMs, 6) })));
        expect(reader.truncated).toBe(1);
      });
    }
  }

  it('packets are subarrays of the pushed chunk (no copy) when they do not span chunks', () => {
    const file = pcapFile([{ data: P1 }, { data: P2 }]);
    const reader = createCaptureReader();
    const seen: Buffer[] = [];
    reader.push(file, (p) => seen.push(p.data));
    expect(seen.map((b) => b.buffer === file.buffer)).toEqual([true, true]);
  });

  it('the FCS bits of the link type field are masked off', () => {
    const file = pcapFile([{ data: P1 }], { linkType: 0x10000000 | 1 });
    expect(read([file]).packets[0]!.linkType).toBe(1);
  });

  it('a record claiming 2 GB is a located error: the reader stops, the packets before it stay', () => {
    const good = pcapFile([{ data: P1 }, { data: P2 }]);
    const evil = cat(good, u32(0, true), u32(0, true), u32(0x80000000, true), u32(0x80000000, true), Buffer.alloc(64));
    const { packets, reader } = read([evil]);
    expect(packets.map((p) => p.index)).toEqual([1, 2]);
    expect(reader.error).toEqual({ offset: good.length, packet: 3, block: 3, message: expect.stringContaining('2147483648') });
    // and no more is read after it
    let more = 0;
    reader.push(pcapFile([{ data: P1 }]), () => more++);
    expect(more).toBe(0);
  });

  it('a file cut inside a record: an error naming where, after the whole packets', () => {
    const file = pcapFile([{ data: P1 }, { data: P3 }]);
    const { packets, reader } = read([file.subarray(0, file.length - 10)]);
    expect(packets).toHaveLength(1);
    expect(reader.error).toMatchObject({ offset: 24 + 16 + 5, packet: 2, message: expect.stringContaining('ends inside record 2') });
  });

  it('a cut inside the global header, an unknown magic, a bad version', () => {
    expect(read([pcapFile([]).subarray(0, 10)]).reader.error?.message).toMatch(/ends inside the capture header/);
    expect(read([Buffer.from('hello world, this is text and not a capture')]).reader.error).toMatchObject({ offset: 0, message: expect.stringMatching(/magic 0x68656c6c/) });
    const v3 = pcapFile([{ data: P1 }]);
    v3.writeUInt16LE(3, 4);
    expect(read([v3]).reader.error?.message).toMatch(/version 3/);
  });

  it('agrees with pcap-parser (an independent classic pcap reader) on every record', async () => {
    const records = Array.from({ length: 40 }, (_, i) => ({ data: Buffer.alloc(1 + ((i * 37) % 200), i), sec: T + i, frac: i * 1000, orig: 1 + ((i * 37) % 200) + (i % 3) }));
    for (const le of [true, false]) {
      const file = pcapFile(records, { le });
      const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(input: Readable): EventEmitter };
      const oracle = await new Promise<Seen[]>((resolve, reject) => {
        const got: Seen[] = [];
        const parser = pcapParser.parse(Readable.from([file.subarray(0, 100), file.subarray(100)]));
        parser.on('packet', (p: { header: { timestampSeconds: number; timestampMicroseconds: number; originalLength: number }; data: Buffer }) =>
          got.push({ linkType: 1, timestampMs: p.header.timestampSeconds * 1000 + p.header.timestampMicroseconds / 1000, data: p.data.toString('hex'), originalLength: p.header.originalLength, index: got.length + 1, interfaceId: 0 }));
        parser.on('end', () => resolve(got));
        parser.on('error', reject);
      });
      expect(oracle).toHaveLength(40);
      expect(read([file]).packets).toEqual(oracle);
    }
  });
});

describe('pcapng', () => {
  for (const le of [true, false]) {
    it(`${le ? 'little' : 'big'}-endian: SHB, IDB (if_tsresol 6, 9, 2^-20, if_tsoffset), EPB`, () => {
      const file = cat(
        shb(le, [option(4, Buffer.from('dicomwatch test'), le)]),
        idb(le, { linkType: 1 }), // default 10^-6
        idb(le, { linkType: 113, tsresol: 9 }),
        idb(le, { linkType: 101, tsresol: 0x80 | 20, tsoffset: 100 }),
        epb(le, P1, BigInt(T) * 1_000_000n + 250_000n, { iface: 0, comment: 'first' }),
        epb(le, P2, BigInt(T) * 1_000_000_000n + 1n, { iface: 1, orig: 9000 }),
        epb(le, P3, (BigInt(T) << 20n) + (1n << 19n), { iface: 2 }),
      );
      expect(sniffCapture(file)).toBe('pcapng');
      const { packets, reader } = read([file]);
      expect(reader.error).toBeUndefined();
      expect(reader.container).toBe('pcapng');
      expect(packets).toEqual([
        { linkType: 1, timestampMs: T * 1000 + 250, data: P1.toString('hex'), originalLength: 5, index: 1, interfaceId: 0 },
        { linkType: 113, timestampMs: expect.closeTo(T * 1000 + 0.000001, 3), data: P2.toString('hex'), originalLength: 9000, index: 2, interfaceId: 1 },
        { linkType: 101, timestampMs: (T + 100) * 1000 + 500, data: P3.toString('hex'), originalLength: 300, index: 3, interfaceId: 2 },
      ]);
      expect(reader.truncated).toBe(1);
    });
  }

  it('if_tsresol 10^-9 keeps sub-millisecond precision; 10^-3 is whole milliseconds', () => {
    const le = true;
    const file = cat(shb(le), idb(le, { tsresol: 9 }), idb(le, { tsresol: 3 }), epb(le, P1, 1_773_656_102_123_456_789n, { iface: 0 }), epb(le, P1, 1_773_656_102_123n, { iface: 1 }));
    const [a, b] = read([file]).packets;
    expect(a!.timestampMs).toBeCloseTo(1_773_656_102_123.456789, 3);
    expect(b!.timestampMs).toBe(1_773_656_102_123);
  });

  it('several sections, each resetting interfaces and byte order; packet indexes run across sections', () => {
    const file = cat(
      shb(true), idb(true, { linkType: 1 }), epb(true, P1, 1000n),
      shb(false), idb(false, { linkType: 276 }), epb(false, P2, 2000n),
      shb(true), epb(true, P3, 3000n), // interface 0 is not described in this section
    );
    const { packets, reader } = read([file]);
    expect(packets.map((p) => [p.index, p.linkType, p.timestampMs])).toEqual([[1, 1, 1], [2, 276, 2]]);
    expect(reader.error).toMatchObject({ packet: 3, block: 8, message: expect.stringContaining('interface 0 is not described') });
  });

  it('a simple packet block: interface 0, captured length min(original, snaplen), no timestamp', () => {
    const le = false;
    const file = cat(shb(le), idb(le, { linkType: 101, snaplen: 4 }), spb(le, P1), idb(le, { linkType: 1, snaplen: 0 }));
    const more = cat(shb(le), idb(le, { linkType: 101 }), spb(le, P2, 2000));
    const { packets, reader } = read([file, more]);
    expect(reader.error).toBeUndefined();
    expect(packets).toEqual([
      { linkType: 101, timestampMs: NaN, data: '01020304', originalLength: 5, index: 1, interfaceId: 0 },
      { linkType: 101, timestampMs: NaN, data: P2.toString('hex'), originalLength: 2000, index: 2, interfaceId: 0 },
    ]);
    expect(reader.truncated).toBe(2);
  });

  it('skips name resolution, statistics, decryption secrets, custom and unknown blocks by their length', () => {
    const le = true;
    const nrb = block(4, cat(u16(1, le), u16(8, le), Buffer.from([10, 0, 0, 1]), Buffer.from('h\0\0\0'), u32(0, le)), le);
    const isb = block(5, cat(u32(0, le), u32(0, le), u32(0, le)), le);
    const dsb = block(10, cat(u32(0x544c534b, le), u32(4, le), Buffer.from('keys')), le);
    const custom = block(0xbad, cat(u32(32473, le), Buffer.alloc(100, 1)), le);
    const unknown = block(0x40000bad, Buffer.alloc(20), le);
    const file = cat(shb(le), idb(le), nrb, epb(le, P1, 1n), isb, dsb, custom, unknown, epb(le, P2, 2n));
    const { packets, reader } = read([file]);
    expect(reader.error).toBeUndefined();
    expect(packets.map((p) => p.data)).toEqual([P1.toString('hex'), P2.toString('hex')]);
    expect(reader.skippedBlocks).toBe(5);
  });

  it('hostile block lengths: zero, not a multiple of 4, 2 GB, a trailer that disagrees — located, stop, keep what was read', () => {
    const le = true;
    const head = cat(shb(le), idb(le), epb(le, P1, 1n));
    const cases: [Buffer, RegExp][] = [
      [cat(u32(6, le), u32(0, le), Buffer.alloc(32)), /length 0 \(at least 12/],
      [cat(u32(6, le), u32(30, le), Buffer.alloc(32)), /length 30 \(at least 12 and a multiple of 4/],
      [cat(u32(6, le), u32(0x80000000, le), Buffer.alloc(32)), /length 2147483648 exceeds/],
      [cat(u32(0xbad, le), u32(0x80000000, le), Buffer.alloc(32)), /length 2147483648 exceeds/],
      [(() => { const b = epb(le, P2, 2n); b.writeUInt32LE(b.length + 4, b.length - 4); return b; })(), /trailing length/],
      [(() => { const b = epb(le, P2, 2n); b.writeUInt32LE(5000, 20); return b; })(), /captured length 5000 runs past its block/],
    ];
    for (const [tail, why] of cases) {
      const { packets, reader } = read([cat(head, tail)]);
      expect(packets.map((p) => p.index)).toEqual([1]);
      expect(reader.error).toEqual({ offset: head.length, packet: 2, block: 4, message: expect.stringMatching(why) });
    }
  });

  it('a bad byte-order magic, a non-1 version, a file that does not start with a section header', () => {
    const bad = shb(true);
    bad.writeUInt32LE(0x12345678, 8);
    expect(sniffCapture(bad)).toBeUndefined();
    expect(read([bad]).reader.error?.message).toMatch(/byte-order magic/);
    const v2 = shb(true);
    v2.writeUInt16LE(2, 12);
    expect(read([v2]).reader.error?.message).toMatch(/pcapng version 2/);
  });

  it('an interface option that runs past its block is an error', () => {
    const le = true;
    const broken = block(1, cat(u16(1, le), u16(0, le), u32(0, le), u16(9, le), u16(200, le), u32(0, le)), le);
    expect(read([cat(shb(le), broken)]).reader.error?.message).toMatch(/option 9 of 200 bytes runs past/);
  });

  it('a file cut inside a skipped block, or inside a packet block', () => {
    const le = true;
    const custom = block(0xbad, Buffer.alloc(100), le);
    const file = cat(shb(le), idb(le), epb(le, P1, 1n), custom);
    expect(read([file.subarray(0, file.length - 8)]).reader.error?.message).toMatch(/ends inside block 4 \(8 bytes missing\)/);
    const cut = cat(shb(le), idb(le), epb(le, P3, 1n));
    const r = read([cut.subarray(0, cut.length - 100)]);
    expect(r.packets).toHaveLength(0);
    expect(r.reader.error?.message).toMatch(/ends inside block 3/);
  });

  it('the options of an empty pcapng options list are absent, not an end marker', () => {
    expect(options([], true)).toHaveLength(0);
  });
});

describe('any chunking gives the same packets (property)', () => {
  const le = true;
  const captures: [string, Buffer][] = [
    ['pcap LE µs', pcapFile([{ data: P1, sec: T, frac: 5 }, { data: P3, sec: T + 1 }, { data: P2, orig: 99 }])],
    ['pcap BE ns', pcapFile([{ data: P2, sec: T, frac: 5 }, { data: P1 }, { data: P3 }], { le: false, ns: true })],
    ['pcapng, sections, SPB, skipped blocks', cat(
      shb(le), idb(le, { tsresol: 9 }), epb(le, P1, 12345n), block(0xbad, Buffer.alloc(64, 3), le), spb(le, P3),
      shb(false), idb(false, { linkType: 113 }), epb(false, P2, 99n), block(5, Buffer.alloc(12), false), epb(false, P3, 100n),
    )],
    ['pcap with a 2 GB record after two packets', cat(pcapFile([{ data: P1 }, { data: P3 }]), u32(0, true), u32(0, true), u32(0x80000000, true), u32(1, true))],
    ['pcapng cut short', cat(shb(le), idb(le), epb(le, P1, 1n), epb(le, P3, 2n)).subarray(0, 200)],
  ];
  for (const [name, bytes] of captures) {
    it(name, () => {
      const whole = read([bytes]);
      expect(whole.packets.length).toBeGreaterThan(0);
      fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 30 }), (cuts) => {
        const chunked = read(split(bytes, cuts));
        expect(chunked.packets).toEqual(whole.packets);
        expect(chunked.reader.error).toEqual(whole.reader.error);
        expect(chunked.reader.truncated).toBe(whole.reader.truncated);
      }), { numRuns: 200 });
      // byte by byte too
      const bytewise = read([...bytes].map((b) => Buffer.from([b])));
      expect(bytewise.packets).toEqual(whole.packets);
      expect(bytewise.reader.error).toEqual(whole.reader.error);
    });
  }

  it('random bytes never throw, and memory stays bounded by the limits', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(0xa1b2c3d4, 0xd4c3b2a1, 0x0a0d0d0a), (body, magic) => {
      const bytes = cat(u32(magic), Buffer.from(body));
      const r = read(split(bytes, [3, 17, 40]), { maxPacketBytes: 1024 });
      expect(r.packets.every((p) => p.data.length <= 2048)).toBe(true);
    }), { numRuns: 500 });
  });
});
