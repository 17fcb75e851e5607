/**
 * Issue 11: NetFlow / IPFIX in packet captures (src/parsers/netflow/pcap-format.ts): the same events as the raw
 * export packets, exporter = the datagram's source address, numbering across the capture, what is not NetFlow
 * counted and noted, a broken capture located, any chunking.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { pcapFormat } from '../src/parsers/netflow/pcap-format.js';
import { createRecordParser } from '../src/parsers/record-parser.js';
import { EVENT_KEYS, type NetworkEvent } from '../src/model/event.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { cli, prefetch, ROOT } from './helpers/cli.js';
import { buildFlowsPcap, buildFlowsPcapng, DAT_FILES, datPackets } from './helpers/netflow-pcap.js';
import { cat, ethernet, ipv4, ipv6, pcapFile, sll, udp, u16, u32, ip4 } from './helpers/pcap.js';

const PCAP = 'fixtures/netflow/flows.pcap';
const PCAPNG = 'fixtures/netflow/flows.pcapng';

describe('the committed capture fixtures', () => {
  it('are what test/helpers/netflow-pcap.ts builds from the .dat packets (UPDATE_FIXTURES=1 rewrites them)', () => {
    for (const [file, build] of [[PCAP, buildFlowsPcap], [PCAPNG, buildFlowsPcapng]] as const) {
      const bytes = build();
      if (process.env.UPDATE_FIXTURES) writeFileSync(join(ROOT, file), bytes);
      expect(readFileSync(join(ROOT, file)).equals(bytes)).toBe(true);
    }
  });
});

const parseLines = (stdout: string) => stdout.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('dicomwatch on a capture (built CLI)', () => {
  beforeAll(() => prefetch([
    () => cli(['parse', PCAP]), () => cli(['parse', PCAPNG]), () => cli(['scan', PCAP, '--output', 'csv']), () => cli(['scan', PCAPNG, '--output', 'csv']),
    ...DAT_FILES.map(({ file }) => () => cli(['parse', file])), () => cli(['formats']),
  ]));

  /** The .dat events, renumbered as one capture holding all of them, with their exporter as `device`. */
  async function expectedEvents(file: string): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    let records = 0;
    let packets = 0;
    for (const { file: dat, exporter } of DAT_FILES) {
      const r = await cli(['parse', dat]);
      expect(r.code).toBe(0);
      const summary = /(\d+) records read/.exec(r.stderr);
      for (const e of parseLines(r.stdout)) {
        const renumbered: Record<string, unknown> = { ...e, device: exporter, file, line: (e.line as number) + records, packet: (e.packet as number) + packets };
        out.push(Object.fromEntries(EVENT_KEYS.filter((k) => k in renumbered).map((k) => [k, renumbered[k]]))); // contract key order
      }
      records += Number(summary![1]);
      packets += datPackets(dat).length;
    }
    return out;
  }

  for (const file of [PCAP, PCAPNG]) {
    it(`parse ${file}: the .dat events, numbered across the capture, device = exporter; the rest is noted`, async () => {
      const r = await cli(['parse', file]);
      expect(r.code).toBe(0);
      const got = parseLines(r.stdout);
      const want = await expectedEvents(file);
      expect(got).toEqual(want);
      expect(got.map((e) => Object.keys(e))).toEqual(want.map((e) => Object.keys(e))); // key order too
      expect(r.stderr).toContain(`${file}: capture: 10 packets, 6 NetFlow/IPFIX packets from 3 exporters (2 datagrams reassembled from fragments)`);
      expect(r.stderr).toContain('ignored: 1 UDP datagram not NetFlow/IPFIX (to port 53 ×1); 1 frame not IP');
      expect(r.stderr).toMatch(/11 records read: 10 parsed \(10 events\), 1 skipped \(not a connection 1\), 0 malformed/);
    });

    it(`scan ${file} --output csv is the hunt computed from the decoded flows`, async () => {
      const events = await expectedEvents(file);
      // the reference rule, strict: dst port 104, source external (the fixture's sources: RFC 1918 internal,
      // documentation ranges external), count per (src, dst, hour), count desc then bucket, src, dst
      const internal = (ip: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
      const groups = new Map<string, number>();
      for (const e of events) {
        if (e.dstPort !== 104 || internal(e.srcIp as string)) continue;
        const hour = `${(e.time as string).slice(0, 13)}:00:00.000Z`;
        const key = `${e.srcIp as string},${e.dstIp as string},${hour}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      const rows = [...groups].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, n]) => `${k},${n}`);
      expect(rows.length).toBeGreaterThan(1);
      const r = await cli(['scan', file, '--output', 'csv']);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(['SourceIP,DestinationIP,TimeGenerated,count_', ...rows].join('\n') + '\n');
    });
  }

  it('`formats` lists the capture format and its magic numbers', async () => {
    const r = await cli(['formats']);
    expect(r.stdout).toMatch(/^pcap +NetFlow v5 \/ v9 \/ IPFIX export packets in a packet capture \(pcap, pcapng\)/m);
    expect(r.stdout).toContain('pcapng section header 0a0d0d0a');
  });
});

/** Parse capture bytes in-process, auto-detected, in the given chunks. */
function parseChunks(chunks: Buffer[], file = 'cap.pcap') {
  const notes: string[] = [];
  const parser = createRecordParser({ file, format: 'auto', observe: { columns() {}, unusable() {}, note: (m) => notes.push(m) } });
  const outcomes: RecordOutcome[] = [];
  for (const c of chunks) outcomes.push(...parser.push(c));
  outcomes.push(...parser.end());
  return { outcomes, notes, parser };
}

const events = (outcomes: RecordOutcome[]): NetworkEvent[] => outcomes.flatMap((o) => (o.kind === 'events' ? o.events : []));

describe('captures written by tcpdump 4.99.3 (Linux), the fixtures\' packets replayed to 127.0.0.1:29977 by examples/replay-netflow.mjs', () => {
  // -i lo (Ethernet, µs), -i any (Linux cooked v2, linktype 276), -i lo --time-stamp-precision=nano (magic a1b23c4d)
  const dat = () => DAT_FILES.flatMap(({ file }) => {
    const { outcomes } = parseChunks([readFileSync(join(ROOT, file))]);
    return outcomes.flatMap((o) => (o.kind === 'events' ? o.events : []));
  });
  for (const file of ['tcpdump-lo.pcap', 'tcpdump-any.pcap', 'tcpdump-lo-ns.pcap']) {
    it(`${file}: the same flows as the .dat files, exporter 127.0.0.1, records numbered across the capture`, () => {
      const { parser, outcomes } = parseChunks([readFileSync(join(ROOT, 'fixtures/netflow', file))]);
      expect(parser.format?.id).toBe('pcap');
      const events = outcomes.flatMap((o) => (o.kind === 'events' ? o.events : []));
      const strip = (e: NetworkEvent) => ({ ...e, file: '', line: 0, packet: 0, device: undefined });
      expect(events.map(strip)).toEqual(dat().map(strip));
      expect(events.every((e) => e.device === '127.0.0.1')).toBe(true);
      expect(outcomes.map((o) => o.line)).toEqual(Array.from({ length: 11 }, (_, i) => i + 1));
    });
  }
});

describe('an input that breaks off (built CLI): the records before the break count, the run exits 2, as for a cut gzip', () => {
  it('a capture cut inside a record, a .dat cut inside a v5 or IPFIX packet', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'dicomwatch-cut-'));
    const cuts = [['cut.pcap', readFileSync(join(ROOT, PCAP)).subarray(0, 500)], ['cut-v5.dat', readFileSync(join(ROOT, 'fixtures/netflow/v5.dat')).subarray(0, 150)],
      ['cut-ipfix.dat', readFileSync(join(ROOT, 'fixtures/netflow/ipfix.dat')).subarray(0, 100)]] as const;
    for (const [name, bytes] of cuts) {
      writeFileSync(join(dir, name), bytes);
      const r = await cli(['scan', join(dir, name), '--output', 'csv']);
      expect(r.code, name).toBe(2);
      expect(r.stderr, name).toMatch(/breaks? off/);
      expect(r.stderr, name).toMatch(/1 file \(1 not read to the end\)/);
    }
  });
});

describe('the pcap format in-process', () => {
  it('is recognized by its magic with --format auto (pcap and pcapng)', () => {
    for (const bytes of [buildFlowsPcap(), buildFlowsPcapng()]) {
      const { parser, outcomes } = parseChunks([bytes]);
      expect(parser.format?.id).toBe('pcap');
      expect(outcomes).toHaveLength(11);
    }
    expect(pcapFormat.sniffBytes(Buffer.from('{"a":1}\n'))).toBe(false);
    expect(pcapFormat.sniffBytes(Buffer.from('\n\r\r\nsome text after blank lines'))).toBe(false);
  });

  it('any chunking yields the same outcomes (property)', () => {
    const bytes = buildFlowsPcapng();
    const whole = parseChunks([bytes]);
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 25 }), (cuts) => {
      const sorted = [...cuts].sort((a, b) => a - b);
      const chunks = [0, ...sorted].map((c, i) => bytes.subarray(c, sorted[i] ?? bytes.length));
      const r = parseChunks(chunks);
      expect(r.outcomes).toEqual(whole.outcomes);
      expect(r.notes).toEqual(whole.notes);
    }), { numRuns: 100 });
  });

  it('templates are keyed by exporter: the same template id with two layouts from two routers', () => {
    const EXPORT_S = Date.UTC(2026, 2, 16, 10, 30, 0) / 1000;
    const v9 = (body: Buffer, count: number) => cat(u16(9), u16(count), u32(1000), u32(EXPORT_S), u32(1), u32(0), body);
    const set = (id: number, body: Buffer) => cat(u16(id), u16(4 + body.length), body);
    // A: src, dst, dport; B: dst, src, dport — both template 256, source id 0
    const tplA = set(0, cat(u16(256), u16(3), u16(8), u16(4), u16(12), u16(4), u16(11), u16(2)));
    const tplB = set(0, cat(u16(256), u16(3), u16(12), u16(4), u16(8), u16(4), u16(11), u16(2)));
    const rec = set(256, cat(ip4('203.0.113.7'), ip4('10.1.2.3'), u16(104), u16(0)));
    const frame = (from: string, payload: Buffer) => sll(0x0800, ipv4(from, '198.51.100.1', 17, udp(2055, 2055, payload)));
    const capture = pcapFile([
      { data: frame('192.0.2.1', v9(tplA, 1)) },
      { data: frame('192.0.2.2', v9(tplB, 1)) },
      { data: frame('192.0.2.1', v9(rec, 1)) },
      { data: frame('192.0.2.2', v9(rec, 1)) },
    ], { linkType: 113 });
    const { outcomes } = parseChunks([capture]);
    expect(events(outcomes).map((e) => [e.device, e.srcIp, e.dstIp, e.line, e.packet])).toEqual([
      ['192.0.2.1', '203.0.113.7', '10.1.2.3', 1, 3],
      ['192.0.2.2', '10.1.2.3', '203.0.113.7', 2, 4],
    ]);
  });

  it('data before its template (a capture that starts mid-stream) is decoded once the template comes, keeping its numbers', () => {
    const EXPORT_S = Date.UTC(2026, 2, 16, 10, 30, 0) / 1000;
    const v9 = (body: Buffer) => cat(u16(9), u16(1), u32(1000), u32(EXPORT_S), u32(1), u32(0), body);
    const set = (id: number, body: Buffer) => cat(u16(id), u16(4 + body.length), body);
    const tpl = set(0, cat(u16(300), u16(3), u16(8), u16(4), u16(12), u16(4), u16(11), u16(2)));
    const rec = (dst: string) => set(300, cat(ip4('203.0.113.7'), ip4(dst), u16(104), u16(0)));
    const frame = (payload: Buffer) => ethernet(0x0800, ipv4('192.0.2.1', '198.51.100.1', 17, udp(2055, 2055, payload)));
    const capture = pcapFile([{ data: frame(v9(rec('10.0.0.1'))) }, { data: frame(v9(rec('10.0.0.2'))) }, { data: frame(v9(tpl)) }, { data: frame(v9(rec('10.0.0.3'))) }]);
    const { outcomes } = parseChunks([capture]);
    expect(outcomes.map((o) => o.kind)).toEqual(['events', 'events', 'events']);
    expect(events(outcomes).map((e) => [e.dstIp, e.line, e.packet, e.device])).toEqual([
      ['10.0.0.1', 1, 1, '192.0.2.1'], ['10.0.0.2', 2, 2, '192.0.2.1'], ['10.0.0.3', 3, 4, '192.0.2.1'],
    ]);
  });

  it('datagrams that are not NetFlow, packets that are not UDP, cut packets: counted in one note, not records', () => {
    const nf = datPackets('fixtures/netflow/v5.dat')[0]!;
    const frames = [
      { data: ethernet(0x0800, ipv4('192.0.2.5', '198.51.100.1', 17, udp(40000, 2055, nf))) },
      ...Array.from({ length: 5 }, (_, i) => ({ data: ethernet(0x0800, ipv4('192.0.2.7', '198.51.100.1', 17, udp(1000 + i, 514, Buffer.from('<13>syslog line')))) })),
      { data: ethernet(0x0800, ipv4('192.0.2.7', '198.51.100.1', 17, udp(123, 123, Buffer.from([0, 9, 0, 0])))) }, // too short for a v9 header
      { data: ethernet(0x0800, ipv4('192.0.2.7', '198.51.100.1', 6, Buffer.alloc(20))) },
      { data: ethernet(0x86dd, ipv6('2001:db8::5', '2001:db8::1', 58, Buffer.alloc(8))) },
      (() => { const f = ethernet(0x0800, ipv4('192.0.2.5', '198.51.100.1', 17, udp(40000, 2055, nf))); return { data: f.subarray(0, 60), orig: f.length }; })(),
    ];
    const { outcomes, notes } = parseChunks([pcapFile(frames)]);
    expect(outcomes.map((o) => [o.kind, o.line])).toEqual([['events', 1], ['events', 2]]);
    expect(notes).toEqual([
      'capture: 10 packets, 1 NetFlow/IPFIX packet from 1 exporter, 1 cut by the snaplen; ignored: ' +
        '6 UDP datagrams not NetFlow/IPFIX (to port 514 ×5, 123 ×1); 2 IP packets not UDP; 1 UDP datagram cut by the capture\'s snaplen',
    ]);
  });

  it('a record claiming 2 GB: the events before it, one located error numbered after them, and the input fails (it cannot be read on)', () => {
    const good = buildFlowsPcap();
    const evil = cat(good, u32(0, true), u32(0, true), u32(0x80000000, true), u32(0x80000000, true), Buffer.alloc(100, 0xff));
    const { outcomes, parser } = parseChunks([evil.subarray(0, 100), evil.subarray(100)]);
    expect(parser.failure?.message).toMatch(/^the capture breaks off: capture offset \d+ \(packet 11, record 11\): record 11 claims 2147483648/);
    expect(outcomes.slice(0, 11)).toEqual(parseChunks([good]).outcomes);
    expect(outcomes.slice(11)).toEqual([{
      kind: 'error', line: 12, code: 'MALFORMED', message: `capture offset ${good.length} (packet 11, record 11): record 11 claims 2147483648 captured bytes (more than 262144)`,
    }]);
  });

  it('a capture cut short: the records read, then the error', () => {
    const bytes = buildFlowsPcapng();
    const { outcomes } = parseChunks([bytes.subarray(0, bytes.length - 30)]);
    const last = outcomes[outcomes.length - 1]!;
    expect(last).toMatchObject({ kind: 'error', code: 'MALFORMED', message: expect.stringMatching(/^capture offset \d+ \(packet 10, block \d+\): the input ends inside block/) });
    expect(outcomes.filter((o) => o.kind !== 'error')).toEqual(parseChunks([bytes]).outcomes.slice(0, outcomes.length - 1));
  });

  it('random bytes after a valid header never throw: at worst the capture breaks off, located', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (body, ng) => {
      const head = ng ? buildFlowsPcapng().subarray(0, 28 + 40) : pcapFile([]);
      const { parser } = parseChunks([cat(head, Buffer.from(body))]);
      if (parser.failure) expect(parser.failure.message).toMatch(/^the capture breaks off: capture offset \d+/);
    }), { numRuns: 300 });
  });
});
