/**
 * Issue 11: data before its template is never dropped (the sequencer's look-ahead), record numbering across the
 * input, the store's bounds (exporters, expiry), and what the exporter states besides the 5-tuple (sampling,
 * interfaces, firewall event / forwarding status).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { netflowDecoder } from '../src/parsers/netflow/decoder.js';
import { netflowFileSession } from '../src/parsers/netflow/format.js';
import { newFlowSequencer } from '../src/parsers/netflow/sequencer.js';
import { expireTemplates, getTemplate, makeTemplate, newTemplateStore, setTemplate } from '../src/parsers/netflow/templates.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { cat, EXPORT_S, flowset, ip4, u16, u32, u8, v5Packet, v9DataFlowset, v9Header, v9TemplateFlowset } from './helpers/netflow-packets.js';

const events = (outcomes: RecordOutcome[]) => outcomes.flatMap((o) => (o.kind === 'events' ? o.events : []));
const src = { file: 'f.dat', exporter: 'file' };

/** Decode a whole file of packets through the file session, in chunks of `size`. */
function decodeFile(bytes: Buffer, size = bytes.length, maxHeldBytes?: number): RecordOutcome[] {
  const session = netflowFileSession({ file: 'f.dat' }, netflowDecoder.initialState(), { maxHeldBytes });
  const out: RecordOutcome[] = [];
  for (let i = 0; i < bytes.length; i += size) session.push(bytes.subarray(i, i + size), out);
  session.end(out);
  return out;
}

const data = () => cat(v9Header(2), v9DataFlowset());
const template = () => cat(v9Header(1), v9TemplateFlowset());

describe('data before its template (offline: the second pass over the stretch that needs it)', () => {
  it('is decoded with the template found later in the file, and numbered in file order', () => {
    const out = decodeFile(cat(data(), data(), template(), data()));
    expect(out.map((o) => [o.kind, o.line])).toEqual([['events', 1], ['events', 2], ['events', 3], ['events', 4], ['events', 5], ['events', 6]]);
    expect(events(out).map((e) => e.packet)).toEqual([1, 1, 2, 2, 4, 4]);
    expect(events(out)[0]).toMatchObject({ srcIp: '203.0.113.7', dstPort: 104, line: 1, packet: 1 });
  });
  it('the same events whatever the chunking', () => {
    const bytes = cat(data(), v5Packet(), data(), template(), data());
    const whole = decodeFile(bytes);
    fc.assert(fc.property(fc.integer({ min: 1, max: bytes.length }), (size) => {
      expect(decodeFile(bytes, size)).toEqual(whole);
    }), { numRuns: 40 });
    expect(whole.map((o) => o.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
  it('a template that never comes: one located error per data flowset, the other records keep their numbers', () => {
    const out = decodeFile(cat(v5Packet(), data(), v5Packet()));
    expect(out.map((o) => [o.kind, o.line])).toEqual([['events', 1], ['events', 2], ['error', 3], ['events', 3], ['events', 4]]);
    expect(out[2]).toMatchObject({ code: 'NO_TEMPLATE', message: expect.stringContaining('packet 2: no template for data flowset: exporter file, source id 1, template id 256') });
  });
  it('the hold is bounded: past maxHeldBytes what is held is decoded with what is known, and reading goes on', () => {
    const out = decodeFile(cat(data(), v5Packet(), v5Packet(), template(), data()), undefined, 100);
    expect(out.filter((o) => o.kind === 'error')).toHaveLength(1); // the first flowset: released before its template
    expect(events(out)).toHaveLength(2 + 2 + 2);
    expect(events(out).map((e) => e.line)).toEqual([1, 2, 3, 4, 5, 6]);
  });
  it('a hold released at its bound says so (onHoldCapped); one completed by its template does not', () => {
    let capped = 0;
    const seq = newFlowSequencer(netflowDecoder.initialState(), { maxHeldBytes: 100, onHoldCapped: () => capped++ });
    const out: RecordOutcome[] = [];
    for (const p of [data(), v5Packet(), v5Packet(), template(), data(), template()]) seq.push(p, src, out);
    seq.flush(out);
    expect(capped).toBe(1);
    expect(out.filter((o) => o.kind === 'error').map((o) => o.code)).toEqual(['NO_TEMPLATE']);
  });
  it('data and a template in one IPFIX message, data first', () => {
    const set = (id: number, body: Buffer) => cat(u16(id), u16(4 + body.length), body);
    const tpl = set(2, cat(u16(400), u16(2), u16(8), u16(4), u16(12), u16(4)));
    const body = cat(set(400, cat(ip4('203.0.113.9'), ip4('10.0.0.1'))), tpl);
    const msg = cat(u16(10), u16(16 + body.length), u32(EXPORT_S), u32(1), u32(0), body);
    expect(events(decodeFile(msg))).toMatchObject([{ srcIp: '203.0.113.9', dstIp: '10.0.0.1', line: 1 }]);
  });
  it('a redefined template: data before both definitions takes the first one after it', () => {
    const tplB = cat(v9Header(1), flowset(0, cat(u16(256), u16(2), u16(12), u16(4), u16(8), u16(4)))); // dst, src swapped
    const rec = flowset(256, cat(ip4('192.0.2.1'), ip4('192.0.2.2')));
    const out = decodeFile(cat(cat(v9Header(1), rec), tplB, template()));
    expect(events(out)).toMatchObject([{ srcIp: '192.0.2.2', dstIp: '192.0.2.1' }]);
  });
  it('live: several exporters, a hold released by flush (the collector\'s timeout)', () => {
    const state = netflowDecoder.initialState();
    const seq = newFlowSequencer(state);
    const out: RecordOutcome[] = [];
    seq.push(data(), { ...src, exporter: '192.0.2.10', device: '192.0.2.10', receivedAt: 1000 }, out);
    seq.push(template(), { ...src, exporter: '192.0.2.11', receivedAt: 1100 }, out); // another exporter's template
    expect(out).toEqual([]);
    expect(seq.held()).toEqual({ packets: 2, bytes: data().length + template().length, since: 1000 });
    seq.push(template(), { ...src, exporter: '192.0.2.10', receivedAt: 1200 }, out);
    expect(events(out)).toMatchObject([{ device: '192.0.2.10', line: 1, packet: 1 }, { device: '192.0.2.10', line: 2 }]);
    seq.push(data(), { ...src, exporter: '192.0.2.12', receivedAt: 1300 }, out);
    seq.flush(out);
    expect(out.at(-1)).toMatchObject({ kind: 'error', message: expect.stringContaining('exporter 192.0.2.12') });
    expect(seq.held().packets).toBe(0);
  });
});

describe('the template store stays bounded', () => {
  it('a flood of spoofed exporters evicts the exporter heard from least recently', () => {
    const store = newTemplateStore(10, 50);
    for (let i = 0; i < 10_000; i++) setTemplate(store, `10.0.${i >> 8}.${i & 255}`, 9, 0, 256, makeTemplate([8], [4], [0], 0, false));
    expect(store.byExporter.size).toBe(50);
    expect(store.evicted).toBe(9_950);
  });
  it('templates an exporter stopped refreshing expire (the clock is handed in)', () => {
    const store = newTemplateStore();
    setTemplate(store, 'a', 9, 0, 256, makeTemplate([8], [4], [0], 0, false, false, 1_000));
    setTemplate(store, 'a', 9, 0, 257, makeTemplate([8], [4], [0], 0, false, false, 5_000));
    expect(expireTemplates(store, 2_000)).toBe(1);
    expect(getTemplate(store, 'a', 9, 0, 256)).toBeUndefined();
    expect(getTemplate(store, 'a', 9, 0, 257)).toBeDefined();
    expect(store.expired).toBe(1);
  });
  it('a v9 template defined in a packet takes the packet\'s arrival time, else its export time', () => {
    const state = netflowDecoder.initialState();
    netflowDecoder.decode(template(), state, { file: 'f', exporter: 'x', packet: 1, firstRecord: 1 });
    expect(getTemplate(state.templates, 'x', 9, 1, 256)!.definedAt).toBe(EXPORT_S * 1000);
    netflowDecoder.decode(template(), state, { file: 'f', exporter: 'y', packet: 1, firstRecord: 1, receivedAt: 42 });
    expect(getTemplate(state.templates, 'y', 9, 1, 256)!.definedAt).toBe(42);
  });
});

describe('what the exporter states besides the 5-tuple', () => {
  const decode = (p: Buffer, state = netflowDecoder.initialState()) => events(netflowDecoder.decode(p, state, { file: 'f', exporter: 'e', packet: 1, firstRecord: 1, device: '192.0.2.1' }).outcomes);
  it('v5: interfaces, the header\'s sampling interval, the exporter as device', () => {
    const p = v5Packet();
    p.writeUInt16BE(0x4000 | 64, 22); // mode 1, 1 in 64
    expect(decode(p)[0]).toMatchObject({ inInterface: 1, outInterface: 2, samplingInterval: 64, device: '192.0.2.1', bytes: 180, packets: 3 });
  });
  it('v9: sampling per sampler id from options data; a record stating its own interval wins', () => {
    const state = netflowDecoder.initialState();
    // options template 300: scope System (4 bytes); FLOW_SAMPLER_ID (48, 1 byte), FLOW_SAMPLER_RANDOM_INTERVAL (50, 4)
    const opts = cat(v9Header(2), flowset(1, cat(u16(300), u16(4), u16(8), u16(1), u16(4), u16(48), u16(1), u16(50), u16(4))),
      flowset(300, cat(u32(0), u8(7), u32(1000))));
    // data template 301: src, dst, INPUT_SNMP(10), OUTPUT_SNMP(14), FLOW_SAMPLER_ID(48)
    const tpl = flowset(0, cat(u16(301), u16(5), u16(8), u16(4), u16(12), u16(4), u16(10), u16(2), u16(14), u16(2), u16(48), u16(1)));
    const rec = (sampler: number) => cat(ip4('203.0.113.1'), ip4('10.0.0.1'), u16(3), u16(4), u8(sampler));
    expect(decode(opts, state)).toEqual([]);
    const out = decode(cat(v9Header(3), tpl, flowset(301, cat(rec(7), rec(8)))), state);
    expect(out[0]).toMatchObject({ inInterface: 3, outInterface: 4, samplingInterval: 1000 });
    expect(out[1]!.samplingInterval).toBeUndefined(); // sampler 8 was never announced
    expect(out[0]!.bytes).toBeUndefined(); // no counters: none invented, none scaled
  });
  it('firewall event: 1/2/5 (created, deleted, updated) = allow, 3 = deny; IPFIX forwardingStatus 10xxxxxx = drop', () => {
    const nsel = (fw: number) => cat(v9Header(2, 0), flowset(0, cat(u16(260), u16(3), u16(8), u16(4), u16(12), u16(4), u16(233), u16(1))),
      flowset(260, cat(ip4('203.0.113.7'), ip4('10.1.2.3'), u8(fw))));
    expect([1, 2, 3, 4, 5].map((fw) => decode(nsel(fw))[0]!.action)).toEqual(['allow', 'allow', 'deny', undefined, 'allow']);
    const set = (id: number, body: Buffer) => cat(u16(id), u16(4 + body.length), body);
    const ipfix = (status: number) => {
      const body = cat(set(2, cat(u16(400), u16(3), u16(8), u16(4), u16(12), u16(4), u16(89), u16(4))), set(400, cat(ip4('203.0.113.9'), ip4('10.0.0.1'), u32(status))));
      return cat(u16(10), u16(16 + body.length), u32(EXPORT_S), u32(1), u32(0), body);
    };
    expect([0x40, 0x80 | 2, 0xc0, 0].map((s) => decode(ipfix(s))[0]!.action)).toEqual(['allow', 'drop', undefined, undefined]);
  });
  it('IPFIX options with a samplerId scope (an IE in IPFIX) and samplingPacketInterval/Space: 1 in (1 + 99)', () => {
    const state = netflowDecoder.initialState();
    const set = (id: number, body: Buffer) => cat(u16(id), u16(4 + body.length), body);
    const msg = (body: Buffer) => cat(u16(10), u16(16 + body.length), u32(EXPORT_S), u32(1), u32(0), body);
    const opts = msg(cat(set(3, cat(u16(500), u16(3), u16(1), u16(302), u16(4), u16(305), u16(4), u16(306), u16(4))), set(500, cat(u32(9), u32(1), u32(99)))));
    decode(opts, state);
    const flows = msg(cat(set(2, cat(u16(501), u16(3), u16(8), u16(4), u16(12), u16(4), u16(302), u16(4))), set(501, cat(ip4('203.0.113.9'), ip4('10.0.0.1'), u32(9)))));
    expect(decode(flows, state)[0]!.samplingInterval).toBe(100);
  });
});

describe('the pre-filter on flow records (scan)', () => {
  const decodeWith = (bytes: Buffer, dstPorts?: number[]) => {
    const session = netflowFileSession({ file: 'f.dat' }, netflowDecoder.initialState(), dstPorts ? { prefilter: { dstPorts: new Set(dstPorts) } } : {});
    const out: RecordOutcome[] = [];
    session.push(bytes, out);
    session.end(out);
    return out;
  };
  const count = (out: RecordOutcome[]) => out.reduce((n, o) => n + (o.kind === 'skip' ? o.records ?? 1 : 1), 0);
  it('rejects records on their bytes as counted runs; the events that can match are the same as without it', () => {
    const bytes = cat(v5Packet(), template(), data(), v5Packet());
    const all = decodeWith(bytes);
    const some = decodeWith(bytes, [104]);
    expect(count(some)).toBe(count(all)); // every record accounted for
    expect(events(some)).toEqual(events(all).filter((e) => e.dstPort === 104));
    expect(some.filter((o) => o.kind === 'skip')).toEqual([
      { kind: 'skip', line: 2, code: 'FILTERED', message: 'destination port cannot match', records: 1 },
      { kind: 'skip', line: 4, code: 'FILTERED', message: 'destination port cannot match', records: 1 },
      { kind: 'skip', line: 6, code: 'FILTERED', message: 'destination port cannot match', records: 1 },
    ]);
    const none = decodeWith(bytes, [1]);
    expect(none.map((o) => [o.kind, o.line, o.kind === 'skip' ? o.records : 1])).toEqual([['skip', 1, 2], ['skip', 3, 2], ['skip', 5, 2]]);
  });
  it('a record that is not a connection (no address) is NOT_A_CONNECTION with or without it', () => {
    const tpl = cat(v9Header(1), flowset(0, cat(u16(300), u16(2), u16(8), u16(4), u16(11), u16(2))));
    const rec = cat(v9Header(1), flowset(300, cat(ip4('203.0.113.1'), u16(443))));
    const bytes = cat(tpl, rec);
    expect(decodeWith(bytes, [104])).toEqual(decodeWith(bytes));
    expect(decodeWith(bytes)[0]).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
  });
  it('scan and parse agree on events, alerts and accounting (a random mix of packets)', async () => {
    const { scan } = await import('../src/pipeline.js');
    fc.assert(fc.asyncProperty(fc.array(fc.constantFrom('v5', 'tpl', 'data', 'junk'), { maxLength: 12 }), async (kinds) => {
      const parts = kinds.map((k) => (k === 'v5' ? v5Packet() : k === 'tpl' ? template() : k === 'data' ? data() : Buffer.from([0, 9, 0, 1, 2, 3])));
      const bytes = cat(v5Packet(), ...parts);
      const withFilter = await scan([bytes], {});
      const without = await scan([bytes], { prefilter: false });
      expect(withFilter.alerts).toEqual(without.alerts);
      const a = withFilter.inputs[0]!.info;
      const b = without.inputs[0]!.info;
      expect([a.records, a.errors, a.skipped - (a.skippedBy.FILTERED ?? 0)]).toEqual([b.records, b.errors, b.skipped]);
      expect(a.records).toBe(a.parsed + a.skipped + a.errors);
    }), { numRuns: 30 });
  });
});

describe('hostile packets: counted and located, bounded, never a throw', () => {
  const where = { file: 'f', exporter: 'e', packet: 1, firstRecord: 1 };
  it('a v9 header claiming 65535 records with one flowset: the flowsets decide, not the count', () => {
    const p = cat(v9Header(65535), v9TemplateFlowset(), v9DataFlowset());
    const r = netflowDecoder.decode(p, netflowDecoder.initialState(), where);
    expect(r.records).toBe(2);
    expect(events(r.outcomes)).toHaveLength(2);
  });
  it('a flood of 100,000 template ids in packets keeps 4,096 per exporter; data of an evicted one is a located error', () => {
    const state = netflowDecoder.initialState();
    for (let first = 256; first < 256 + 100_000; first += 1000) {
      const defs = Array.from({ length: 1000 }, (_, i) => cat(u16((first + i) % 65536 || 256), u16(1), u16(8), u16(4)));
      netflowDecoder.decode(cat(v9Header(1000), flowset(0, cat(...defs))), state, where);
    }
    const map = state.templates.byExporter.get('e')!;
    expect(map.size).toBe(4096);
    const r = netflowDecoder.decode(cat(v9Header(1), flowset(300, ip4('192.0.2.1'))), state, where);
    expect(r.outcomes).toMatchObject([{ kind: 'error', line: 1, message: expect.stringContaining('template id 300') }]);
    expect(r.missing).toEqual([{ exporter: 'e', version: 9, domain: 1, id: 300 }]);
  });
  it('an unknown information element is stepped over; the fields around it still decode', () => {
    const tpl = flowset(0, cat(u16(310), u16(3), u16(8), u16(4), u16(9999), u16(3), u16(12), u16(4)));
    const p = cat(v9Header(2), tpl, flowset(310, cat(ip4('203.0.113.1'), Buffer.from([1, 2, 3]), ip4('10.0.0.9'))));
    expect(events(netflowDecoder.decode(p, netflowDecoder.initialState(), where).outcomes)).toMatchObject([{ srcIp: '203.0.113.1', dstIp: '10.0.0.9' }]);
  });
  it('IPFIX: a set running past the message, a zero-length set, a template whose fields run past its set', () => {
    const msg = (body: Buffer, length = 16 + body.length) => cat(u16(10), u16(length), u32(EXPORT_S), u32(1), u32(0), body);
    const bad = [
      msg(cat(u16(2), u16(400), u32(0))),
      msg(cat(u16(2), u16(0), u32(0))),
      msg(cat(u16(2), u16(12), u16(400), u16(5), u16(8), u16(4))),
      msg(cat(u16(2), u16(8), u16(100), u16(1)), 200),
    ];
    for (const p of bad) {
      const r = netflowDecoder.decode(p, netflowDecoder.initialState(), where);
      expect(r.outcomes.some((o) => o.kind === 'error' && /packet 1: /.test(o.message))).toBe(true);
    }
  });
});
