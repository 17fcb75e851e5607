/**
 * Issue 8 points 1, 2 and 4: parsers get bytes, formats own their column schemas, outcomes are generic, and a
 * binary decoder is a pure function of a packet and the state it is handed, with thin input adapters around it.
 */
import { describe, expect, it } from 'vitest';
import { createRecordParser, parseText } from '../src/parsers/record-parser.js';
import { bindColumns, eventFromRecord, recordContext, type ColumnSchema } from '../src/parsers/fields.js';
import { packetFileSession, type PacketDecoder, type PacketFraming } from '../src/parsers/packets.js';
import { lineByLine, type ByteFormat, type LineFormat, type RecordOutcome } from '../src/parsers/types.js';

const ctx = { file: 'in', tz: 'UTC' };

describe('per-format column schemas', () => {
  it('FortiGate exports split the timestamp into date and time columns: the generic schema joins them', () => {
    const text = 'date,time,srcip,srcport,dstip,dstport,action\n2026-03-16,10:15:02,203.0.113.7,51515,10.1.2.3,104,deny\n';
    const { outcomes } = parseText(text, ctx);
    expect(outcomes).toMatchObject([{ kind: 'events', events: [{ time: Date.UTC(2026, 2, 16, 10, 15, 2), srcIp: '203.0.113.7', dstPort: 104, action: 'deny' }] }]);
  });

  it('a format binds through its own schema: names another vocabulary means differently are not taken', () => {
    // A vendor whose `src`/`dst` are interface names and whose addresses are `s_addr`/`d_addr`.
    const fields = { time: ['when'], srcIp: ['saddr'], dstIp: ['daddr'], srcPort: [], dstPort: ['dport'], protocol: [], action: [],
      bytes: [], packets: [], srcBytes: [], dstBytes: [], srcPackets: [], dstPackets: [], device: [], vendor: [], product: [] };
    const schema: ColumnSchema = { id: 'toy-vendor', fields };
    const names = ['when', 's_addr', 'd_addr', 'dport', 'src', 'dst'];
    const bindings = bindColumns(names, names, {}, schema);
    expect(Object.keys(bindings).sort()).toEqual(['dstIp', 'dstPort', 'srcIp', 'time']);
    const record: Record<string, string> = { when: '2026-03-16T10:00:00Z', s_addr: '203.0.113.7', d_addr: '10.1.2.3', dport: '104', src: 'eth0', dst: 'eth1' };
    expect(eventFromRecord(bindings, (k) => record[k as string], recordContext(ctx, 'toy-vendor'), 1)).toMatchObject({ srcIp: '203.0.113.7', dstPort: 104 });
  });
});

describe('generic outcomes: other record kinds reuse the core, its chunking and its accounting', () => {
  interface ListenerRow { port: number; process: string }
  // A toy `ss -ltn`-like format whose records are listener rows, not network events.
  const listeners: LineFormat<ListenerRow> = {
    id: 'toy-ss', kind: 'lines', description: 'toy', recognizedBy: 'LISTEN',
    sniff: (line) => line.startsWith('LISTEN'),
    open: () => lineByLine<ListenerRow>((line) => {
      const [, port, process] = line.split(/\s+/);
      const n = Number(port);
      return Number.isInteger(n) ? { port: n, process: process ?? '?' } : { reject: 'error', code: 'MALFORMED', message: 'no port' };
    }),
  };

  it('a LineFormat<ListenerRow> through createRecordParser: rows out, counters add up', () => {
    const parser = createRecordParser<ListenerRow>({ ...ctx, formats: [listeners] });
    const out = [...parser.push('LISTEN 104 storescp\nLIST'), ...parser.push('EN x dcmqrscp\nLISTEN 11112 orthanc\n'), ...parser.end()];
    expect(out.map((o) => (o.kind === 'events' ? o.events[0]!.port : o.code))).toEqual([104, 'MALFORMED', 11112]);
    expect(parser.info).toMatchObject({ records: 3, parsed: 2, errors: 1 });
  });
});

describe('binary decoders are pure functions of a packet and the state they are handed', () => {
  // A toy export protocol with templates, like NetFlow v9: `T` packets define a record width per template id, `D`
  // packets carry records of a template. Packet: [type 'T'|'D', template id, length u16 BE, payload].
  interface ToyState { widths: Map<string, number> }
  const toyDecoder: PacketDecoder<ToyState> = {
    initialState: () => ({ widths: new Map() }),
    decode(packet, state, where) {
      const type = String.fromCharCode(packet[0]!);
      const key = `${where.exporter}/${packet[1]}`;
      if (type === 'T') {
        state.widths.set(key, packet[4]!);
        return { outcomes: [], records: 0 };
      }
      const width = state.widths.get(key);
      const payload = packet.subarray(4);
      if (!width) return { outcomes: [{ kind: 'error', line: where.firstRecord, code: 'MALFORMED', message: `no template ${key}` }], records: 1 };
      const outcomes: RecordOutcome[] = [];
      for (let i = 0; i + width <= payload.length; i += width) {
        const line = where.firstRecord + i / width;
        outcomes.push({ kind: 'events', line, events: [{ time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: payload.readUInt16BE(i), format: 'toy-flow', file: where.file, line, packet: where.packet }] });
      }
      return { outcomes, records: outcomes.length };
    },
  };
  const frame: PacketFraming = (buf, offset) => (buf.length - offset < 4 ? 'more' : buf.readUInt16BE(offset + 2));
  const packet = (type: string, id: number, payload: number[]) => Buffer.from([type.charCodeAt(0), id, 0, 4 + payload.length, ...payload]);
  const records = (...ports: number[]) => ports.flatMap((p) => [p >> 8, p & 255, 0]); // width 3
  const file = Buffer.concat([packet('D', 9, records(1)), packet('T', 7, [3]), packet('D', 7, records(104, 80)), packet('D', 7, records(11112)), Buffer.from([68, 7])]);
  const toyFormat: ByteFormat = {
    id: 'toy-flow', kind: 'bytes', description: 'toy', recognizedBy: 'T/D',
    sniffBytes: (head) => head[0] === 68 || head[0] === 84,
    open: (c) => packetFileSession(toyDecoder, frame, c),
  };

  it('decode is pure: the same packet and state give the same outcomes, and the state carries the templates', () => {
    const state = toyDecoder.initialState();
    const where = { file: 'f', exporter: '192.0.2.1', packet: 1, firstRecord: 1 };
    expect(toyDecoder.decode(packet('D', 7, records(104)), state, where).outcomes[0]).toMatchObject({ kind: 'error' });
    toyDecoder.decode(packet('T', 7, [3]), state, where);
    const a = toyDecoder.decode(packet('D', 7, records(104)), state, where);
    const b = toyDecoder.decode(packet('D', 7, records(104)), state, where);
    expect(a).toEqual(b);
    // templates are per exporter: another exporter's template 7 is unknown
    expect(toyDecoder.decode(packet('D', 7, records(104)), state, { ...where, exporter: '192.0.2.2' }).outcomes[0]).toMatchObject({ kind: 'error' });
  });

  it('the file adapter: any chunking, records numbered across the file, a cut-off packet is one error', () => {
    const expected = [['MALFORMED', 1], [104, 2], [80, 3], [11112, 4], ['MALFORMED', 5]];
    for (const size of [1, 2, 5, file.length]) {
      const parser = createRecordParser({ ...ctx, formats: [toyFormat] });
      const out: RecordOutcome[] = [];
      for (let i = 0; i < file.length; i += size) out.push(...parser.push(file.subarray(i, i + size)));
      out.push(...parser.end());
      expect(out.map((o) => [o.kind === 'events' ? o.events[0]!.dstPort : o.code, o.line])).toEqual(expected);
      expect(out.filter((o) => o.kind === 'events').map((o) => (o.kind === 'events' ? o.events[0]!.packet : 0))).toEqual([3, 3, 4]);
    }
  });

  it('a datagram adapter (live UDP) is the same decoder and state, one exporter per source address', () => {
    const state = toyDecoder.initialState();
    const datagrams = [['192.0.2.1', packet('T', 7, [3])], ['192.0.2.2', packet('D', 7, records(104))], ['192.0.2.1', packet('D', 7, records(104))]] as const;
    let record = 1;
    const got = datagrams.map(([exporter, bytes], i) => {
      const r = toyDecoder.decode(bytes, state, { file: 'udp://0.0.0.0:2055', exporter, packet: i + 1, firstRecord: record });
      record += r.records;
      return r.outcomes.map((o) => o.kind);
    });
    expect(got).toEqual([[], ['error'], ['events']]);
  });
});

describe('every JSON document format', () => {
  it('its sample line is one of its connections (what `dicomwatch formats` shows)', async () => {
    const { DOCUMENT_FORMATS } = await import('../src/parsers/documents/registry.js');
    for (const format of DOCUMENT_FORMATS) {
      const { outcomes } = parseText(format.sample, { file: 's', tz: 'UTC', year: 2026 });
      expect(outcomes.map((o) => (o.kind === 'events' ? o.events[0]!.format : o.code)), format.id).toEqual([format.id]);
    }
  });
});
