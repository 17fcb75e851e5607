/**
 * pfSense / OPNsense filterlog CSV in the syslog family: one test per layout (IPv4/IPv6, TCP/UDP/ICMP/CARP/other
 * tails, fragments), the decisions, the framings (pfSense's host-less BSD default, RFC 5424, OPNsense's `[meta …]`,
 * a bare CSV line), the fixture against its hand-checked expected events, malformed and non-connection lines, the
 * pre-filter parity and bad input.
 */
import { asJson, jsonEvents, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSyslogLine } from '../src/parsers/syslog/framing.js';
import { filterlogFormat } from '../src/parsers/syslog/filterlog.js';
import { NOT_MINE } from '../src/parsers/syslog/message.js';
import { parseText, type RecordParserOptions } from '../src/parsers/record-parser.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import type { NetworkEvent } from '../src/model/event.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/syslog/filterlog.log';
const ctx = { file: 'fw.log', tz: 'UTC', year: 2026 };
const forced = { ...ctx, format: 'filterlog' };

function outcomesOf(text: string, options: RecordParserOptions = forced): RecordOutcome[] {
  return parseText(text, options).outcomes;
}

function one(line: string): RecordOutcome {
  const outcomes = outcomesOf(line);
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function event(line: string): JsonEvent {
  const o = one(line);
  if (o.kind !== 'events') throw new Error(`expected an event, got ${o.kind}: ${'message' in o ? o.message : ''}`);
  expect(o.events).toHaveLength(1);
  return asJson(o.events[0]!);
}

function code(line: string): string {
  const o = one(line);
  return o.kind === 'events' ? 'events' : o.code;
}

const PF_BSD = '<134>Mar 16 10:15:02 filterlog[72237]: ';
const PF_5424 = '<134>1 2026-03-16T11:15:02.250+01:00 fw-pacs.example.org filterlog 72237 - - ';

describe('filterlog layouts', () => {
  it('IPv4 TCP, pfSense default BSD format without a host name: tag recognised, device absent', () => {
    expect(event(PF_BSD + '5,,,1000000103,igb0,match,block,in,4,0x0,,52,54321,0,DF,6,tcp,60,203.0.113.7,10.1.2.3,51515,104,0,S,2841517125,,64240,,mss;sackOK;TS;nop;wscale')).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp',
      action: 'deny', bytes: 60, vendor: 'Netgate', product: 'pfSense', format: 'filterlog', file: 'fw.log', line: 1,
    });
  });

  it('IPv4 UDP, RFC 5424 with a host and a zone: time from the header, device the host', () => {
    expect(event(PF_5424 + '112,,,1718200020,igb1,match,pass,out,4,0x0,,64,40213,0,none,17,udp,73,10.1.2.3,192.0.2.53,40213,53,53')).toMatchObject({
      time: '2026-03-16T10:15:02.250Z', srcIp: '10.1.2.3', srcPort: 40213, dstIp: '192.0.2.53', dstPort: 53, protocol: 'udp',
      action: 'allow', bytes: 73, device: 'fw-pacs.example.org',
    });
  });

  it('IPv6 TCP and UDP: protocol name and id in the IPv6 order, canonical addresses', () => {
    expect(event(PF_5424 + '5,,,1000000103,igb0,match,block,in,6,0x00,0x7e1a3,57,tcp,6,40,2001:DB8:dead:beef:0:0:0:7,2001:db8:100::10,50414,104,0,S,3990144519,,64800,,mss')).toMatchObject({
      srcIp: '2001:db8:dead:beef::7', srcPort: 50414, dstIp: '2001:db8:100::10', dstPort: 104, protocol: 'tcp', action: 'deny', bytes: 40,
    });
    expect(event(PF_BSD + '6,,,1000000105,igb1.27,match,block,in,6,0x00,0xf6279,1,UDP,17,32,fe80::208:9bff:fef3:652b,ff02::1:2,546,547,32')).toMatchObject({
      srcIp: 'fe80::208:9bff:fef3:652b', srcPort: 546, dstIp: 'ff02::1:2', dstPort: 547, protocol: 'udp',
    });
  });

  it('ICMP (pfSense and OPNsense tails), ICMPv6, IGMP, CARP: no ports', () => {
    const pfIcmp = event(PF_BSD + '5,,,1000000103,igb0,match,block,in,4,0x0,,115,31245,0,none,1,icmp,60,192.0.2.200,10.1.2.3,request,1,4188');
    expect(pfIcmp).toMatchObject({ srcIp: '192.0.2.200', dstIp: '10.1.2.3', protocol: 'icmp', action: 'deny' });
    expect(pfIcmp.dstPort).toBeUndefined();
    expect(pfIcmp.srcPort).toBeUndefined();
    const opnIcmp = event(PF_5424 + '78,,,02f4bab031b57d1e30553ce08e0ec131,vtnet0,match,block,in,4,0x0,,52,0,0,DF,1,icmp,84,198.51.100.77,10.20.0.15,datalength=64,echoreq,0,7712,1,');
    expect(opnIcmp).toMatchObject({ protocol: 'icmp', vendor: 'Deciso', product: 'OPNsense' });
    expect(opnIcmp.dstPort).toBeUndefined();
    expect(event(PF_BSD + '32,,,1535324496a,igb0,match,pass,in,6,0x0,0x00000,255,ipv6-icmp,58,16,fe80::208:9bff:fef3:652b,ff02::1:2,datalength=16')).toMatchObject({ protocol: 'ipv6-icmp', action: 'allow', bytes: 16 });
    expect(event(PF_BSD + '199,,,1557957510,igb1.12,match,pass,in,4,0xc0,,1,0,0,DF,2,igmp,32,10.170.12.17,239.255.255.250,datalength=8')).toMatchObject({ protocol: 'igmp' });
    const carp = event(PF_BSD + '62,,,1000002665,igb2,match,pass,out,4,0x10,,255,0,0,none,112,carp,56,10.1.0.2,224.0.0.18,advertise,255,1,2,0,1');
    expect(carp).toMatchObject({ protocol: 'vrrp', srcIp: '10.1.0.2', dstIp: '224.0.0.18' });
    expect(carp.dstPort).toBeUndefined();
  });

  it('a fragment after the first has no transport header: the event has no ports', () => {
    const e = event(PF_BSD + '5,,,1000000103,igb0,match,block,in,4,0x0,,50,23011,1480,none,17,udp,596,203.0.113.99,10.1.2.3,');
    expect(e).toMatchObject({ protocol: 'udp', srcIp: '203.0.113.99', bytes: 596 });
    expect(e.dstPort).toBeUndefined();
  });

  it('a capture shorter than the packet (`truncated-ip=N` before the IP fields) is read past the marker', () => {
    expect(event(PF_BSD + '5,,,1000000103,igb0,match,block,in,4,truncated-ip=1500,0x0,,52,54321,0,DF,6,tcp,1500,203.0.113.7,10.1.2.3,51515,104,1460,PA,1:1461,1,502,,')).toMatchObject({
      srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, bytes: 1500,
    });
  });

  it('decisions: pass → allow, block → deny (Block and Reject rules both log block), others absent', () => {
    const tail = ',in,4,0x0,,51,40022,0,DF,6,tcp,60,203.0.113.44,10.1.2.3,55001,104,0,S,3150047802,,64240,,mss';
    expect(event(PF_BSD + '1,,,1,igb0,match,pass' + tail).action).toBe('allow');
    expect(event(PF_BSD + '1,,,1,igb0,match,block' + tail).action).toBe('deny');
    expect(event(PF_BSD + '1,,,1,igb0,state-mismatch,block' + tail).action).toBe('deny');
    for (const other of ['match', 'scrub', 'rdr', 'synproxy-drop', 'unknown(9)']) {
      expect(event(PF_BSD + `1,,,1,igb0,match,${other}` + tail).action).toBeUndefined();
    }
  });

  it('vendor: OPNsense when the rule label is its 32-hex hash, else pfSense', () => {
    const tail = ',igb0,match,pass,in,4,0x0,,64,1,0,DF,17,udp,40,192.0.2.1,10.0.0.1,5000,104,20';
    expect(event(PF_BSD + '1,,,fae559338f65e11c53669fc3642c93c2' + tail)).toMatchObject({ vendor: 'Deciso', product: 'OPNsense' });
    expect(event(PF_BSD + '1,,,1535324496' + tail)).toMatchObject({ vendor: 'Netgate', product: 'pfSense' });
  });

  it('a bare CSV line (no syslog header) is recognised by its common part; it has no time of its own', () => {
    const bare = '146,,,1535324496,igb1.12,match,block,in,4,0x0,,63,12617,0,DF,6,tcp,60,203.0.113.7,10.1.2.3,49724,104,0,S,1891286705,,64240,,mss';
    expect(codes(outcomesOf(bare, ctx))).toEqual(['MISSING_FIELD']);
    // Unrelated CSV-ish text is not claimed.
    expect(filterlogFormat.parse(parseSyslogLine('1,2,3,4,5,6,7,8,9,10', { tz: 'UTC' }), { file: 'x', lineNo: 1, time: { tz: 'UTC' } })).toBe(NOT_MINE);
    expect(filterlogFormat.parse(parseSyslogLine('<13>Mar 16 10:00:00 host app: 146,,,x', { tz: 'UTC', year: 2026 }), { file: 'x', lineNo: 1, time: { tz: 'UTC' } })).toBe(NOT_MINE);
  });
});

function codes(outcomes: readonly RecordOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
}

describe('filterlog: malformed and non-connection lines', () => {
  it('filterlog daemon messages are NOT_A_CONNECTION', () => {
    expect(code('<134>Mar 16 10:25:00 fw filterlog[51932]: An error occured while reading device pflog0: Device not configured')).toBe('NOT_A_CONNECTION');
    expect(code(PF_BSD + '[pflog: invalid header length!]')).toBe('NOT_A_CONNECTION');
  });

  it('lines cut short anywhere before the complete tuple are MALFORMED, never an event with a cut value', () => {
    const full = '5,,,1000000103,igb0,match,block,in,4,0x0,,52,54321,0,DF,6,tcp,60,203.0.113.7,10.1.2.3,51515,104,0,S,2841517125,,64240,,mss';
    expect(code(PF_BSD + '68,,,csvmissingfields')).toBe('MALFORMED');
    expect(code(PF_BSD + full.slice(0, full.indexOf(',51515')))).toBe('MALFORMED'); // ends at the destination
    expect(code(PF_BSD + full.slice(0, full.indexOf(',51515') + 1))).toBe('MALFORMED'); // `…,10.1.2.3,`: not a fragment (offset 0)
    expect(code(PF_BSD + full.slice(0, full.indexOf(',104') + 3))).toBe('MALFORMED'); // `…,51515,10`
    expect(code(PF_BSD + '68,,,x,eth1,match,pass,out,4,0x0,,64,0,0,DF,17,udp,80,192.168.1.100,10.0.0.1,12162')).toBe('MALFORMED');
    expect(code(PF_BSD + '1,,,1,igb0,match,pass,in,7,0x0')).toBe('MALFORMED');
    expect(code(PF_BSD + '1,,,1,igb0,match,pass,sideways,4,0x0')).toBe('MALFORMED');
    expect(code(PF_BSD + '1,,,1,igb0,match,pass,in,4,[|ip],')).toBe('MALFORMED');
  });

  it('an address that is not one is BAD_ADDRESS; a year-less stamp without --year is BAD_TIME', () => {
    expect(code(PF_BSD + '1,,,1,igb0,match,pass,in,4,0x0,,64,1,0,DF,17,udp,40,192.0.2.999,10.0.0.1,5000,104,20')).toBe('BAD_ADDRESS');
    expect(codes(outcomesOf(PF_BSD + '1,,,1,igb0,match,pass,in,4,0x0,,64,1,0,DF,17,udp,40,192.0.2.1,10.0.0.1,5000,104,20', { file: 'x', tz: 'UTC', format: 'filterlog' }))).toEqual(['BAD_TIME']);
  });
});

describe('filterlog fixture', () => {
  const fixture = readFileSync(new URL(`../${FIXTURE}`, import.meta.url), 'utf8');
  const expected = readFileSync(new URL('../fixtures/syslog/filterlog.expected.jsonl', import.meta.url), 'utf8')
    .trimEnd().split('\n').map((l) => JSON.parse(l) as NetworkEvent);

  it('gives the hand-checked events, and says why for every other line', () => {
    const { outcomes, info } = parseText(fixture, { ...ctx, file: FIXTURE });
    expect(jsonEvents(outcomes)).toEqual(expected);
    expect(codes(outcomes)).toEqual([
      'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events',
      'NOT_A_CONNECTION', 'MALFORMED', 'UNRECOGNISED_FORMAT', 'events',
    ]);
    expect(info).toMatchObject({ records: 17, parsed: 14, skipped: 2, errors: 1 });
  });

  it('`dicomwatch parse --year 2026` prints exactly the expected file', async () => {
    const r = await runCli(['parse', FIXTURE, '--year', '2026']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(new URL('../fixtures/syslog/filterlog.expected.jsonl', import.meta.url), 'utf8'));
    expect(r.stderr).toContain(`${FIXTURE}:15: MALFORMED`);
  });

  it('scan: the external DICOM sources, per hour', async () => {
    const r = await runCli(['scan', FIXTURE, '--year', '2026', '--output', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'SourceIP,DestinationIP,TimeGenerated,count_',
      '203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,2',
      '192.0.2.88,10.20.0.15,2026-03-16T10:00:00.000Z,1',
      '198.51.100.23,10.1.2.4,2026-03-16T10:00:00.000Z,1',
      '2001:db8:dead:beef::7,2001:db8:100::10,2026-03-16T10:00:00.000Z,1',
      '203.0.113.44,10.1.2.3,2026-03-16T10:00:00.000Z,1',
      '',
    ].join('\n'));
  });
});

describe('filterlog: pre-filter parity', () => {
  const fixture = readFileSync(new URL(`../${FIXTURE}`, import.meta.url), 'utf8');
  const extra = [
    PF_BSD + '1,,,1,igb0,match,pass,in,4,0x0,,64,1,0,DF,17,udp,40,192.0.2.999,10.0.0.1,5000,53,20', // bad value, port 53
    PF_BSD + '1,,,1,igb0,match,pass,in,4,0x0,,64,1,0,DF,17,udp,40,192.0.2.999,10.0.0.1,5000,104,20', // bad value, port 104
    PF_BSD + '1,,,1,igb0,match,pass,in,4,0x0,,64,1,0,DF,6,tcp,40,192.0.2.1,10.0.0.1,5000,53', // cut short, port 53
  ].join('\n');

  it('scan and parse agree line by line: FILTERED only replaces events or value errors whose port is not 104', () => {
    for (const text of [fixture, extra]) {
      const parse = parseText(text, ctx).outcomes;
      const scan = parseText(text, { ...ctx, prefilter: { dstPorts: new Set([104]) } }).outcomes;
      expect(scan).toHaveLength(parse.length);
      parse.forEach((p, i) => {
        const s = scan[i]!;
        if (s.kind === 'skip' && s.code === 'FILTERED') {
          if (p.kind === 'events') expect(p.events.every((e) => e.dstPort !== undefined && e.dstPort !== 104)).toBe(true);
          else expect(p.kind === 'error' && p.code !== 'MALFORMED').toBe(true);
        } else {
          expect(s).toEqual(p);
        }
      });
    }
    expect(codes(parseText(extra, { ...ctx, prefilter: { dstPorts: new Set([104]) } }).outcomes)).toEqual(['FILTERED', 'BAD_ADDRESS', 'MALFORMED']);
  });
});

describe('filterlog: bad input', () => {
  const sample = PF_5424 + '5,,,1000000103,igb0,match,block,in,6,0x00,0x7e1a3,57,tcp,6,40,2001:db8:dead:beef::7,2001:db8:100::10,50414,104,0,S,3990144519,,64800,,mss;sackOK;TS;nop;wscale';
  const icmp = PF_BSD + '5,,,1000000103,igb0,match,block,in,4,0x0,,115,31245,0,none,1,icmp,60,192.0.2.200,10.1.2.3,request,1,4188';

  it('every truncation of a line is an error, a skip, or the full line\'s event: never a cut value', () => {
    const udp = PF_BSD + '112,,,1718200020,igb1,match,pass,out,4,0x0,,64,40213,0,none,17,udp,73,10.1.2.3,192.0.2.53,40213,53,53';
    for (const line of [sample, icmp, udp]) {
      const full = event(line);
      for (let n = 0; n < line.length; n++) {
        const outcomes = outcomesOf(line.slice(0, n));
        for (const o of outcomes) {
          if (o.kind !== 'events') continue;
          for (const e of o.events.map(asJson)) {
            expect({ srcIp: e.srcIp, dstIp: e.dstIp, srcPort: e.srcPort, dstPort: e.dstPort, protocol: e.protocol, action: e.action, time: e.time })
              .toEqual({ srcIp: full.srcIp, dstIp: full.dstIp, srcPort: full.srcPort, dstPort: full.dstPort, protocol: full.protocol, action: full.action, time: full.time });
          }
        }
      }
    }
  });

  it('garbage, a 1 MB line, replacement characters: no exception, an outcome for each line', () => {
    const inputs = [
      PF_BSD + ','.repeat(1_000_000),
      PF_BSD + '1,,,1,igb0,match,pass,in,4,' + 'x'.repeat(1_000_000),
      PF_BSD + '\uFFFD\uFFFD,\uFFFD,,\u0000,igb0,match,block,in,4,\uFFFD',
      PF_BSD + '1,,,1,igb0,match,pass,in,6,0x00,0x0,64,tcp,6,40,\uFFFD::1,::1,1,104,0,S,1,,1,,',
      '\uFFFD'.repeat(1000),
      ',,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,',
      '<134>Mar 16 10:15:02 filterlog: ',
      '<134>Mar 16 10:15:02 filterlog[]: ,',
    ];
    for (const input of inputs) {
      let outcomes: RecordOutcome[] = [];
      expect(() => { outcomes = outcomesOf(input); }).not.toThrow();
      expect(outcomes).toHaveLength(1);
    }
    const random = Array.from({ length: 2000 }, (_, i) => {
      const base = sample.split('');
      for (let k = 0; k < 6; k++) base[(i * 7919 + k * 104729) % base.length] = String.fromCharCode((i * 31 + k * 17) % 128);
      return base.join('').replace(/[\r\n]/g, ' ');
    });
    expect(() => parseText(random.join('\n'), forced)).not.toThrow();
  });
});
