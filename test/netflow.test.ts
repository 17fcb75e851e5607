/** Issue 11: NetFlow v5 / v9 (with Cisco ASA NSEL fields) and IPFIX decoders, from hand-built byte literals. */
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { netflowDecoder, sniffNetflow } from '../src/parsers/netflow/format.js';
import { newTemplateStore, setTemplate, makeTemplate, getTemplate } from '../src/parsers/netflow/templates.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { createRecordParser } from '../src/parsers/record-parser.js';
import { scan } from '../src/pipeline.js';
import { cat, EXPORT_S, flowset, ipfixPacket, nselPacket, u16, u32, v5Packet, v9DataFlowset, v9Header, v9Packet, v9TemplateFlowset } from './helpers/netflow-packets.js';

const where = { file: 'f.dat', exporter: 'file', packet: 1, firstRecord: 1 };
const events = (outcomes: RecordOutcome[]) => outcomes.flatMap((o) => (o.kind === 'events' ? o.events : []));

describe('NetFlow v5', () => {
  it('decodes the fixed records; time = export time − (sysUptime − first)', () => {
    const { outcomes, records } = netflowDecoder.decode(v5Packet(), netflowDecoder.initialState(), where);
    expect(records).toBe(2);
    expect(events(outcomes)).toEqual([
      { time: EXPORT_S * 1000 + 500 - 2000, srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', bytes: 180, packets: 3, inInterface: 1, outInterface: 2, format: 'netflow', file: 'f.dat', line: 1, packet: 1 },
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
    // the options record (scope System) announced SAMPLING_INTERVAL 100 for the source id: kept, never multiplied in
    expect(events(outcomes)[0]).toEqual({ time: EXPORT_S * 1000 - 3000, srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', bytes: 60, packets: 1, samplingInterval: 100, format: 'netflow', file: 'f.dat', line: 2, packet: 1 });
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
  it('a v5 header counting more than 30 records stops the file at once, as corrupt (not as a file cut short)', () => {
    const good = v5Packet();
    const corrupt = cat(good.subarray(0, 2), u16(55582), good.subarray(4));
    const parser = createRecordParser({ file: 'x.dat' });
    const out = [...parser.push(cat(good, corrupt, good)), ...parser.end()];
    expect(out.map((o) => [o.kind, o.line])).toEqual([['events', 1], ['events', 2], ['error', 3]]);
    expect(out[2]).toMatchObject({ code: 'MALFORMED', message: 'packet 2: NetFlow v5 record count 55582 outside 1..30' });
    expect(parser.failure?.message).toBe('the export packets break off at packet 2: NetFlow v5 record count 55582 outside 1..30');
    // a count of 0 too: its records are not read as the next packet's header
    const zero = createRecordParser({ file: 'z.dat' });
    const z = [...zero.push(cat(good, cat(good.subarray(0, 2), u16(0), good.subarray(4)))), ...zero.end()];
    expect(z.map((o) => [o.kind, o.line])).toEqual([['events', 1], ['events', 2], ['error', 3]]);
    expect(zero.failure?.message).toBe('the export packets break off at packet 2: NetFlow v5 record count 0 outside 1..30');
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
