/** nfdump `-o json`: a JSON array of FLOW objects, read through the JSON array reader and the document registry. */
import { describe, expect, it } from 'vitest';
import { parseText } from '../src/parsers/record-parser.js';
import { jsonEvents } from './helpers/events.js';

const flow = (over: Record<string, unknown>) => ({
  type: 'FLOW', sampled: 0, export_sysid: 1, t_first: '2026-03-16T10:15:02.123', t_last: '2026-03-16T10:15:03.456', proto: 6,
  src4_addr: '203.0.113.7', dst4_addr: '10.1.2.3', src_port: 51515, dst_port: 104, in_packets: 2, in_bytes: 120, ...over,
});

describe('nfdump -o json', () => {
  const text = JSON.stringify([
    flow({}),
    flow({ src4_addr: undefined, dst4_addr: undefined, src6_addr: '2001:db8:dead:beef::7', dst6_addr: '2001:db8:100::10', out_packets: 1, out_bytes: 60 }),
    flow({ proto: 1, dst_port: 2048, src_port: 0 }),
    flow({ dst_port: 443 }),
    { type: 'STAT', t_first: '2026-03-16T10:00:00', proto: 0 },
  ], null, 4);

  it('flows by element index: t_first in --tz, IPv6, both directions summed, ICMP without ports', () => {
    const { outcomes } = parseText(text, { file: 'nf.json', tz: 'Europe/Berlin' });
    expect(outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code))).toEqual(['events', 'events', 'events', 'events', 'NOT_A_CONNECTION']);
    const events = jsonEvents(outcomes);
    expect(events[0]).toEqual({
      time: '2026-03-16T09:15:02.123Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp',
      bytes: 120, packets: 2, vendor: 'nfdump', product: 'nfdump', format: 'nfdump', file: 'nf.json', line: 1,
    });
    expect(events[1]).toMatchObject({ srcIp: '2001:db8:dead:beef::7', bytes: 180, packets: 3 });
    expect(events[2]).toMatchObject({ protocol: 'icmp' });
    expect(events[2]!.dstPort).toBeUndefined();
  });

  it('the pre-filter skips only flows whose destination port cannot match', () => {
    const codes = parseText(text, { file: 'nf.json', tz: 'UTC', prefilter: { dstPorts: new Set([104]) } }).outcomes
      .map((o) => (o.kind === 'events' ? 'events' : o.code));
    expect(codes).toEqual(['events', 'events', 'events', 'FILTERED', 'NOT_A_CONNECTION']);
  });
});
