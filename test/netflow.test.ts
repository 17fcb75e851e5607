/** Issue 11: NetFlow v5 / v9 (with Cisco ASA NSEL fields) and IPFIX decoders, from hand-built byte literals. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { netflowDecoder, sniffNetflow } from '../src/parsers/netflow/format.js';
import { newTemplateStore, setTemplate, makeTemplate, getTemplate } from '../src/parsers/netflow/templates.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { createRecordParser } from '../src/parsers/record-parser.js';
import { scan } from '../src/pipeline.js';

const u8 = (n: number) => Buffer.from([n & 255]);
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const u64 = (n: number) => Buffer.concat([u32(Math.floor(n / 2 ** 32)), u32(n % 2 ** 32)]);
const ip4 = (s: string) => Buffer.from(s.split('.').map(Number));
const cat = (...b: Buffer[]) => Buffer.concat(b);

const EXPORT_S = Date.UTC(2026, 2, 16, 10, 30, 0) / 1000;
const UPTIME = 100_000;

export function v5Packet(): Buffer {
  const header = cat(u16(5), u16(2), u32(UPTIME), u32(EXPORT_S), u32(500_000_000), u32(1), u8(0), u8(0), u16(0));
  const rec = (src: string, dst: string, sport: number, dport: number, first: number) =>
    cat(ip4(src), ip4(dst), ip4('0.0.0.0'), u16(1), u16(2), u32(3), u32(180), u32(first), u32(first + 10), u16(sport), u16(dport), u8(0), u8(0x18), u8(6), u8(0), u16(0), u16(0), u8(0), u8(0), u16(0));
  return cat(header, rec('203.0.113.7', '10.1.2.3', 51515, 104, UPTIME - 2000), rec('10.1.2.3', '203.0.113.7', 104, 51515, UPTIME - 1000));
}

/** v9: a template (256: src, dst, sport, dport, proto, bytes, pkts, first), an options template (257) and data. */
const v9Header = (count: number, sourceId = 1) => cat(u16(9), u16(count), u32(UPTIME), u32(EXPORT_S), u32(7), u32(sourceId));
const flowset = (id: number, body: Buffer) => { const pad = (4 - ((body.length + 4) % 4)) % 4; return cat(u16(id), u16(4 + body.length + pad), body, Buffer.alloc(pad)); };
export const v9TemplateFlowset = () => flowset(0, cat(u16(256), u16(8), u16(8), u16(4), u16(12), u16(4), u16(7), u16(2), u16(11), u16(2), u16(4), u16(1), u16(1), u16(4), u16(2), u16(4), u16(22), u16(4)));
const v9Options = () => flowset(1, cat(u16(257), u16(4), u16(4), u16(1), u16(4), u16(34), u16(4))); // scope system(1) 4 bytes; SAMPLING_INTERVAL(34)
const v9Rec = (src: string, dst: string, sport: number, dport: number) => cat(ip4(src), ip4(dst), u16(sport), u16(dport), u8(6), u32(60), u32(1), u32(UPTIME - 3000));
export const v9DataFlowset = () => flowset(256, cat(v9Rec('203.0.113.7', '10.1.2.3', 51515, 104), v9Rec('198.51.100.9', '10.1.2.4', 40000, 11112)));
export const v9Packet = () => cat(v9Header(4), v9TemplateFlowset(), v9Options(), flowset(257, cat(u32(0), u32(100))), v9DataFlowset());

/** Cisco ASA NSEL: 152 create time ms, 231/232 fwd/rev bytes, 233 fw event. */
const nselPacket = () => {
  const tpl = flowset(0, cat(u16(260), u16(7), u16(8), u16(4), u16(12), u16(4), u16(7), u16(2), u16(11), u16(2), u16(4), u16(1), u16(152), u16(8), u16(233), u16(1)));
  const created = Date.UTC(2026, 2, 16, 10, 15, 2, 345);
  const data = flowset(260, cat(ip4('203.0.113.7'), ip4('10.1.2.3'), u16(51515), u16(104), u8(6), u64(created), u8(3)));
  return cat(v9Header(2, 0), tpl, data);
};

/** IPFIX: template 300 with an enterprise field and a variable-length field, IPv6 addresses, flowStartMilliseconds. */
const ipfixPacket = () => {
  const v6 = (s: string) => { const out = Buffer.alloc(16); s.split(':').forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2)); return out; };
  const set = (id: number, body: Buffer) => cat(u16(id), u16(4 + body.length), body);
  const tpl = set(2, cat(u16(300), u16(7), u16(27), u16(16), u16(28), u16(16), u16(11), u16(2), u16(4), u16(1), u16(152), u16(8), u16(0x8000 | 1), u16(4), u32(29305), u16(82), u16(65535)));
  const rec = cat(v6('2001:db8:0:0:0:0:0:7'), v6('0:0:0:0:0:ffff:a01:203'), u16(104), u8(6), u64(Date.UTC(2026, 2, 16, 10, 20, 0, 1)), u32(999), u8(4), Buffer.from('eth0'));
  const body = cat(set(300, rec));
  const msgBody = cat(tpl, body);
  return cat(u16(10), u16(16 + msgBody.length), u32(EXPORT_S), u32(1), u32(5), msgBody);
};

const where = { file: 'f.dat', exporter: 'file', packet: 1, firstRecord: 1 };
const events = (outcomes: RecordOutcome[]) => outcomes.flatMap((o) => (o.kind === 'events' ? o.events : []));

describe('NetFlow v5', () => {
  it('decodes the fixed records; time = export time − (sysUptime − first)', () => {
    const { outcomes, records } = netflowDecoder.decode(v5Packet(), netflowDecoder.initialState(), where);
    expect(records).toBe(2);
    expect(events(outcomes)).toEqual([
      { time: EXPORT_S * 1000 + 500 - 2000, srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', bytes: 180, packets: 3, format: 'netflow', file: 'f.dat', line: 1, packet: 1 },
      expect.objectContaining({ line: 2, srcIp: '10.1.2.3', dstPort: 51515, time: EXPORT_S * 1000 + 500 - 1000 }),
    ]);
  });
  it('a truncated packet or a bad count is one error, never a throw', () => {
    const p = v5Packet();
    for (const bad of [p.subarray(0, 30), p.subarray(0, 10), cat(p.subarray(0, 2), u16(0), p.subarray(4))]) {
      const r = netflowDecoder.decode(bad, netflowDecoder.initialState(), where);
      expect(r.outcomes.map((o) => o.kind)).toEqual(['error']);
    }
  });
});

describe('NetFlow v9', () => {
  it('templates, options templates and data in one packet: options records keep their number, no event', () => {
    const { outcomes, records } = netflowDecoder.decode(v9Packet(), netflowDecoder.initialState(), where);
    expect(records).toBe(3);
    expect(outcomes.map((o) => [o.kind, o.line])).toEqual([['skip', 1], ['events', 2], ['events', 3]]);
    expect(events(outcomes)[0]).toEqual({ time: EXPORT_S * 1000 - 3000, srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', bytes: 60, packets: 1, format: 'netflow', file: 'f.dat', line: 2, packet: 1 });
  });
  it('data before its template is an error naming exporter, source id and template id; templates are per source id', () => {
    const state = netflowDecoder.initialState();
    const data = cat(v9Header(2), v9DataFlowset());
    expect(netflowDecoder.decode(data, state, where).outcomes).toMatchObject([{ kind: 'error', message: expect.stringContaining('exporter file, source id 1, template id 256') }]);
    netflowDecoder.decode(cat(v9Header(1, 2), v9TemplateFlowset()), state, where); // another source id
    expect(netflowDecoder.decode(data, state, where).outcomes[0]!.kind).toBe('error');
    netflowDecoder.decode(cat(v9Header(1), v9TemplateFlowset()), state, where);
    expect(events(netflowDecoder.decode(data, state, where).outcomes)).toHaveLength(2);
  });
  it('Cisco ASA NSEL: absolute create time, fw event 3 = deny', () => {
    const [e] = events(netflowDecoder.decode(nselPacket(), netflowDecoder.initialState(), where).outcomes);
    expect(e).toMatchObject({ time: Date.UTC(2026, 2, 16, 10, 15, 2, 345), action: 'deny', dstPort: 104, protocol: 'tcp' });
  });
  it('bad input is counted and located, nothing throws: reserved flowset ids, overruns, template id < 256, random bytes', () => {
    const bad = [
      cat(v9Header(1), u16(7), u16(8), u32(0)),
      cat(v9Header(1), u16(0), u16(400), u32(0)),
      cat(v9Header(1), flowset(0, cat(u16(12), u16(1), u16(8), u16(4)))),
      cat(v9Header(1), flowset(0, cat(u16(300), u16(0)))),
      cat(v9Header(1), flowset(0, cat(u16(300), u16(50), u16(8)))),
    ];
    for (const p of bad) expect(netflowDecoder.decode(p, netflowDecoder.initialState(), where).outcomes.some((o) => o.kind === 'error')).toBe(true);
    let seed = 7;
    for (let i = 0; i < 300; i++) {
      const p = Buffer.alloc(20 + (i % 90));
      for (let j = 0; j < p.length; j++) p[j] = (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
      p.writeUInt16BE([5, 9, 10][i % 3]!, 0);
      expect(() => netflowDecoder.decode(p, netflowDecoder.initialState(), where)).not.toThrow();
    }
  });
  it('the template store is capped per exporter: a flood evicts the oldest', () => {
    const store = newTemplateStore(100);
    for (let id = 256; id < 256 + 100_000; id++) setTemplate(store, 'x', 9, 0, id, makeTemplate([8], [4], [0], 0, false));
    expect(store.byExporter.get('x')!.size).toBe(100);
    expect(store.evicted).toBe(99_900);
    expect(getTemplate(store, 'x', 9, 0, 256)).toBeUndefined();
    expect(getTemplate(store, 'x', 9, 0, 256 + 99_999)).toBeDefined();
  });
});

describe('IPFIX', () => {
  it('IPv6 (IPv4-mapped canonical), enterprise and variable-length fields, flowStartMilliseconds', () => {
    const { outcomes, records } = netflowDecoder.decode(ipfixPacket(), netflowDecoder.initialState(), where);
    expect(records).toBe(1);
    expect(events(outcomes)).toEqual([{ time: Date.UTC(2026, 2, 16, 10, 20, 0, 1), srcIp: '2001:db8::7', dstIp: '::ffff:10.1.2.3', dstPort: 104, protocol: 'tcp', bytes: 999, format: 'netflow', file: 'f.dat', line: 1, packet: 1 }]);
  });
});

describe('the netflow file format', () => {
  it('is sniffed on its first bytes; text is not', () => {
    expect(sniffNetflow(v5Packet())).toBe(true);
    expect(sniffNetflow(v9Packet())).toBe(true);
    expect(sniffNetflow(ipfixPacket())).toBe(true);
    expect(sniffNetflow(Buffer.from('Mar 16 10:15:02 fw01 kernel: x'))).toBe(false);
  });
  it('the committed fixtures: several packets per file, records numbered across it, any chunking', () => {
    for (const [name, packets, count] of [['v5.dat', [v5Packet(), v5Packet()], 4], ['v9.dat', [v9Packet(), cat(v9Header(2), v9DataFlowset())], 5], ['ipfix.dat', [ipfixPacket(), ipfixPacket()], 2]] as const) {
      const url = new URL(`../fixtures/netflow/${name}`, import.meta.url);
      if (process.env.WRITE_NETFLOW_FIXTURES) writeFileSync(url, Buffer.concat([...packets]));
      const bytes = readFileSync(url);
      expect(bytes.equals(Buffer.concat([...packets]))).toBe(true);
      for (const size of [1, 7, bytes.length]) {
        const parser = createRecordParser({ file: name });
        const out: RecordOutcome[] = [];
        for (let i = 0; i < bytes.length; i += size) out.push(...parser.push(bytes.subarray(i, i + size)));
        out.push(...parser.end());
        expect(out.map((o) => o.line)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
        expect(out.every((o) => o.kind !== 'error')).toBe(true);
      }
    }
  });
  it('templates from one input decode the data of the next in the same scan (one flowState per run)', async () => {
    const tpl = cat(v9Header(1), v9TemplateFlowset());
    const data = cat(v9Header(2), v9DataFlowset());
    const both = await scan([tpl, data], { prefilter: false });
    expect(both.inputs[1]!.info).toMatchObject({ errors: 0 });
    expect(both.alerts.filter((a) => a.rule === 'dicom-external-access').map((a) => [a.srcIp, a.dstIp])).toEqual([['203.0.113.7', '10.1.2.3']]);
    const alone = await scan([data], { prefilter: false });
    expect(alone.alerts).toEqual([]);
    expect(alone.inputs[0]!.info).toMatchObject({ errors: 1 });
  });
});
