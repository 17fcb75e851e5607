/**
 * Palo Alto Networks PAN-OS CSV over syslog (issue 9): the field positions of Palo Alto's syslog field reference per
 * log type, NAT kept apart from the session's addresses, the high-resolution stamp (else the Generated Time) as the
 * event's time, CSV quoting and SD-WAN braces, and every kind of broken line ending as a located outcome.
 */
import { asJson, jsonEvents, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseSyslogLine } from '../src/parsers/syslog/framing.js';
import { NOT_MINE, type MessageContext } from '../src/parsers/syslog/message.js';
import { panosFormat } from '../src/parsers/syslog/panos.js';
import { MESSAGE_FORMATS } from '../src/parsers/syslog/registry.js';
import { recordPrefilter } from '../src/parsers/prefilter.js';
import { parseText } from '../src/parsers/record-parser.js';
import { isRejection, type ParseResult, type RecordOutcome } from '../src/parsers/types.js';
import type { NetworkEvent } from '../src/model/event.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/syslog/panos.log';
const fixture = readFileSync(new URL(`../${FIXTURE}`, import.meta.url), 'utf8');
const expected = readFileSync(new URL('../fixtures/syslog/panos.expected.jsonl', import.meta.url), 'utf8')
  .trimEnd().split('\n').map((l) => JSON.parse(l) as NetworkEvent);
const ctx = { file: FIXTURE, tz: 'UTC', year: 2026 };

const SERIAL = '013201004321';

/** A CSV record of `n` fields with the given values at their documented positions (quoted when needed). */
function csv(n: number, values: Record<number, string | number>): string {
  const fields = Array.from({ length: n }, () => '');
  for (const [k, v] of Object.entries(values)) {
    if (Number(k) >= n) continue;
    const s = String(v);
    fields[Number(k)] = s.includes(',') || s.includes('"') ? `"${s.replaceAll('"', '""')}"` : s;
  }
  return fields.join(',');
}

interface Session {
  type?: string; subtype?: string; recv?: string; gen?: string; src?: string; dst?: string; natSrc?: string; natDst?: string;
  sport?: string | number; dport?: string | number; natSport?: number; natDport?: number; proto?: string; action?: string;
}

/** The fields every connection layout shares (positions 0-30). */
function head(s: Session = {}): Record<number, string | number> {
  return {
    0: '1', 1: s.recv ?? '2026/03/16 10:15:02', 2: SERIAL, 3: s.type ?? 'TRAFFIC', 4: s.subtype ?? 'end', 5: '2561',
    6: s.gen ?? '2026/03/16 10:15:01', 7: s.src ?? '198.51.100.23', 8: s.dst ?? '203.0.113.10', 9: s.natSrc ?? '0.0.0.0',
    10: s.natDst ?? '10.20.1.15', 11: 'inbound-pacs', 14: 'dicom', 15: 'vsys1', 16: 'untrust', 17: 'dmz', 18: 'ethernet1/1',
    19: 'ethernet1/3', 20: 'fwd-siem', 22: '88231', 23: '1', 24: s.sport ?? 51515, 25: s.dport ?? 104, 26: s.natSport ?? 0,
    27: s.natDport ?? 104, 28: '0x400053', 29: s.proto ?? 'tcp', 30: s.action ?? 'allow',
  };
}

/** A TRAFFIC record in the PAN-OS 8.1 layout (65 fields), or `n` fields of the 10.x one. */
function traffic(s: Session = {}, extra: Record<number, string | number> = {}, n = 65): string {
  return csv(n, {
    ...head(s), 31: 52240, 32: 1840, 33: 50400, 34: 64, 35: '2026/03/16 10:14:32', 36: 29, 37: 'any', 39: '7100000000000001',
    40: '0x0', 41: 'United States', 42: '10.0.0.0-10.255.255.255', 44: 30, 45: 34, 46: 'tcp-fin', 52: 'pa-edge-01',
    53: 'from-policy', 60: 'N/A', ...extra,
  });
}

function threat(s: Session = {}, extra: Record<number, string | number> = {}, n = 80): string {
  return csv(n, {
    ...head({ type: 'THREAT', subtype: 'vulnerability', ...s }), 31: 'c-store, study "CT-1"', 32: 'DICOM RCE(93412)', 33: 'any',
    34: 'critical', 35: 'client-to-server', 36: '7200000000000001', 59: 'pa-edge-01', ...extra,
  });
}

function messageCtx(over: Partial<MessageContext> = {}): MessageContext {
  return { file: 'fw.log', lineNo: 1, time: { tz: 'UTC', year: 2026 }, ...over };
}

function parseLine(text: string, over: Partial<MessageContext> = {}): ParseResult | typeof NOT_MINE {
  const c = messageCtx(over);
  return panosFormat.parse(parseSyslogLine(text, c.time), c);
}

function event(text: string, over: Partial<MessageContext> = {}): JsonEvent {
  const r = parseLine(text, over);
  if (r === NOT_MINE || Array.isArray(r) || isRejection(r)) throw new Error(`no event: ${JSON.stringify(r === NOT_MINE ? 'NOT_MINE' : r)}`);
  return asJson(r);
}

function code(text: string, over: Partial<MessageContext> = {}): string {
  const r = parseLine(text, over);
  if (r === NOT_MINE) return 'NOT_MINE';
  return isRejection(r) ? r.code : 'event';
}

function codes(outcomes: readonly RecordOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
}

function events(outcomes: readonly RecordOutcome[]): JsonEvent[] {
  return jsonEvents(outcomes);
}

describe('PAN-OS: the fixture', () => {
  it('parses to the hand-checked events, every other line located', () => {
    const { outcomes, info } = parseText(fixture, ctx);
    expect(events(outcomes)).toEqual(expected);
    expect(codes(outcomes)).toEqual([
      'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events',
      'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'MALFORMED', 'events', 'events', 'events',
      'UNRECOGNISED_FORMAT', 'events', 'events',
    ]);
    expect(info).toMatchObject({ records: 20, parsed: 15, skipped: 4, errors: 1 });
  });

  it('`dicomwatch parse fixtures/syslog/panos.log --year 2026` prints exactly the expected file', async () => {
    const r = await runCli(['parse', FIXTURE, '--year', '2026']);
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(expected);
    expect(r.stderr).toContain(`${FIXTURE}:14: MALFORMED: PAN-OS TRAFFIC log cut short: 32 fields, at least 36 expected`);
  });

  it('scan: the external sources on port 104, NAT never taken for an address', async () => {
    const r = await runCli(['scan', FIXTURE, '--year', '2026', '--output', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'SourceIP,DestinationIP,TimeGenerated,count_',
      '192.0.2.44,203.0.113.10,2026-03-16T10:00:00.000Z,1',
      '192.0.2.45,203.0.113.10,2026-03-16T10:00:00.000Z,1',
      '192.0.2.77,203.0.113.10,2026-03-16T10:00:00.000Z,1',
      '198.51.100.23,203.0.113.10,2026-03-16T10:00:00.000Z,1',
      '198.51.100.30,203.0.113.10,2026-03-16T10:00:00.000Z,1',
      '2001:db8:feed::7,2001:db8:100::15,2026-03-16T10:00:00.000Z,1',
      '',
    ].join('\n'));
  });
});

describe('PAN-OS: message types', () => {
  it('TRAFFIC (8.1 layout): pre-NAT tuple, total bytes and packets, action, device name field', () => {
    const line = `<14>Mar 16 10:15:02 syslog-relay ${traffic({ natSrc: '203.0.113.99', natSport: 40000 })}`;
    expect(event(line)).toEqual({
      time: '2026-03-16T10:15:01.000Z', srcIp: '198.51.100.23', srcPort: 51515, dstIp: '203.0.113.10', dstPort: 104,
      protocol: 'tcp', action: 'allow', bytes: 52240, packets: 64, device: 'pa-edge-01', vendor: 'Palo Alto Networks',
      product: 'PAN-OS', format: 'panos', file: 'fw.log', line: 1,
    });
  });

  it('TRAFFIC (10.x layout): the High Resolution Timestamp (field 102) and its offset win over Generated Time and --tz', () => {
    const line = traffic({ gen: '2026/03/16 11:15:01' }, { 102: '2026-03-16T11:15:01.482+01:00', 103: '', 114: '0' }, 115);
    expect(event(line).time).toBe('2026-03-16T10:15:01.482Z');
    expect(event(line, { time: { tz: 'America/New_York' } }).time).toBe('2026-03-16T10:15:01.482Z');
  });

  it('TRAFFIC (6.x layout, 46 fields) and the shortest line that still holds every field read (36)', () => {
    expect(event(traffic({}, {}, 46))).toMatchObject({ bytes: 52240, packets: 64 });
    expect(event(traffic({}, {}, 46)).device).toBeUndefined();
    expect(event(traffic({}, {}, 36))).toMatchObject({ dstPort: 104, packets: 64 });
  });

  it('TRAFFIC over IPv6: canonical addresses', () => {
    const e = event(traffic({ src: '2001:DB8:FEED:0:0:0:0:7', dst: '2001:0db8:0100::0015', natSrc: '::', natDst: '::' }));
    expect(e).toMatchObject({ srcIp: '2001:db8:feed::7', dstIp: '2001:db8:100::15' });
  });

  it('THREAT: quoted URL/filename with commas and quotes; Direction does not swap the session sides; no byte counts', () => {
    const e = event(threat({ action: 'reset-both' }, { 35: 'server-to-client' }));
    expect(e).toMatchObject({ srcIp: '198.51.100.23', srcPort: 51515, dstIp: '203.0.113.10', dstPort: 104, action: 'reset', device: 'pa-edge-01' });
    expect(e.bytes).toBeUndefined();
    // 10.x: High Resolution Timestamp at 107
    expect(event(threat({}, { 107: '2026-03-16T10:18:22.091Z', 117: '' }, 118)).time).toBe('2026-03-16T10:18:22.091Z');
  });

  it('tunnel inspection START/END: bytes 47, packets 50, device 41, High Resolution Timestamp 71', () => {
    const line = csv(83, {
      ...head({ type: 'START', subtype: 'start', proto: 'gre', sport: 0, dport: 0 }), 31: 'informational', 41: 'pa-edge-01',
      47: 1480, 48: 1480, 49: 0, 50: 10, 71: '2026-03-16T10:20:00.250+00:00',
    });
    expect(event(line)).toMatchObject({ time: '2026-03-16T10:20:00.250Z', protocol: 'gre', bytes: 1480, packets: 10, device: 'pa-edge-01', srcPort: 0 });
    expect(event(line.replace(',START,start,', ',END,end,'))).toMatchObject({ bytes: 1480 });
  });

  it('DECRYPTION (device 96, stamp 72), GTP (stamp 83, no device: the syslog host), SCTP (protocol 30, action 31, packets 60)', () => {
    const decryption = csv(106, { ...head({ type: 'DECRYPTION', subtype: '0', dport: 2762 }), 72: '2026-03-16T10:21:00.517+00:00', 96: 'pa-edge-01' });
    expect(event(decryption)).toMatchObject({ time: '2026-03-16T10:21:00.517Z', dstPort: 2762, device: 'pa-edge-01', action: 'allow' });
    const gtp = csv(94, { ...head({ type: 'GTP', subtype: 'gtp-u', proto: 'udp', sport: 2152, dport: 2152 }), 83: '2026-03-16T10:28:00.004+00:00' });
    expect(event(`<14>Mar 16 10:28:00 pa-core-02 ${gtp}`)).toMatchObject({ time: '2026-03-16T10:28:00.004Z', protocol: 'udp', device: 'pa-core-02' });
    const sctp = { ...head({ type: 'SCTP', subtype: '', sport: 2905, dport: 2905 }), 29: '', 30: 'sctp', 31: 'drop', 37: 'pa-edge-01', 60: 4, 64: '2026-03-16T10:28:30.010+00:00' };
    expect(event(csv(65, sctp))).toMatchObject({ protocol: 'sctp', action: 'drop', packets: 4, device: 'pa-edge-01', time: '2026-03-16T10:28:30.010Z' });
  });

  it('SYSTEM, CONFIG, GLOBALPROTECT, HIPMATCH, USERID, AUTHENTICATION and the serial-first AUDIT form are not connections', () => {
    const base = '1,2026/03/16 10:21:30,013201004321,%T,general,2561,2026/03/16 10:21:30,,x,,0,0,general,informational,"a, b",1,0x0';
    for (const type of ['SYSTEM', 'CONFIG', 'GLOBALPROTECT', 'HIPMATCH', 'HIP-MATCH', 'USERID', 'AUTHENTICATION', 'CORRELATION', 'IPTAG']) {
      expect(parseLine(`<14>Mar 16 10:21:30 pa-edge-01 ${base.replace('%T', type)}`)).toMatchObject({ reject: 'skip', code: 'NOT_A_CONNECTION', message: `PAN-OS ${type} log: not a connection` });
    }
    expect(code('Apr 11 20:06:15 192.168.0.1 01111111111,2024/04/11 20:06:15,audit,2561,gui-op,suser,"<debug/>",success')).toBe('NOT_A_CONNECTION');
  });
});

describe('PAN-OS: time', () => {
  it('Generated Time (field 6) in --tz; the Receive Time and the syslog header are not used', () => {
    const line = `<14>Mar 16 12:00:00 pa-edge-01 ${traffic({ recv: '2026/03/16 10:15:09', gen: '2026/03/16 10:15:01' })}`;
    expect(event(line).time).toBe('2026-03-16T10:15:01.000Z');
    expect(event(line, { time: { tz: 'Europe/Berlin' } }).time).toBe('2026-03-16T09:15:01.000Z');
    expect(event(line, { time: { tz: '-08:00' } }).time).toBe('2026-03-16T18:15:01.000Z');
  });

  it('a 1969/1970 high-resolution placeholder (PAN-OS 9.1 managed firewalls), a cut or a zone-less one fall back to Generated Time', () => {
    for (const stamp of ['1969-12-31T16:00:00.000-08:00', '1970-01-01T01:00:00.000+01:00', '2026-03-16T10:15:01.4', '2026-03-16T10:15:01.482+01', 'x']) {
      expect(event(traffic({}, { 102: stamp, 114: '' }, 115)).time).toBe('2026-03-16T10:15:01.000Z');
    }
  });

  it('Strata Logging Service ISO stamps (receive, generated, high resolution in microseconds)', () => {
    const line = traffic({ recv: '2020-10-12T21:28:42.000000Z', gen: '2020-10-12T19:56:43.000000Z' });
    expect(event(line).time).toBe('2020-10-12T19:56:43.000Z');
    expect(event(traffic({ recv: '2020-10-12T21:28:42.000000Z' }, { 102: '2020-10-12T19:56:44.728000Z', 103: 'c6' }, 105)).time).toBe('2020-10-12T19:56:44.728Z');
  });

  it('an unreadable Generated Time is BAD_TIME naming the stamp', () => {
    expect(parseLine(traffic({ gen: '2026/13/45 99:99:99' }))).toMatchObject({ code: 'BAD_TIME', message: 'not a timestamp: "2026/13/45 99:99:99"' });
  });
});

describe('PAN-OS: actions', () => {
  const cases: [string, string | undefined][] = [
    ['allow', 'allow'], ['deny', 'deny'], ['drop', 'drop'], ['drop-icmp', 'drop'], ['drop ICMP', 'drop'],
    ['drop-all-packets', 'drop'], ['reset-client', 'reset'], ['reset-server', 'reset'], ['reset-both', 'reset'],
    ['reset both', 'reset'], ['alert', 'allow'], ['block-url', 'deny'], ['block-ip', 'drop'], ['random-drop', 'drop'],
    ['block-continue', 'deny'], ['override-lockout', 'deny'], ['sinkhole', undefined], ['continue', undefined],
    ['syncookie-sent', undefined], ['constructor', undefined], ['', undefined],
  ];
  it.each(cases)('%j → %s', (word, action) => {
    expect(event(threat({ action: word })).action).toBe(action);
  });
});

describe('PAN-OS: framing and CSV', () => {
  const record = traffic();

  it('RFC 3164 with or without a host, RFC 5424, a relay header, <PRI> only, no header at all', () => {
    const want = { srcIp: '198.51.100.23', dstPort: 104, time: '2026-03-16T10:15:01.000Z' };
    for (const line of [
      `<14>Mar 16 10:15:02 pa-edge-01 ${record}`,
      `Mar 16 10:15:02 ${record}`,
      `<14>1 2026-03-16T10:15:02.000Z pa-edge-01 - - - - ${record}`,
      `2026-03-16T10:15:05Z collector01 <14>Mar 16 10:15:02 pa-edge-01 ${record}`,
      `<14>${record}`,
      record,
      `Oct 12 21:28:47 forwarder 953 <142>1 2026-03-16T10:15:02.110Z logfwd logforwarder - panwlogs - ${record}`,
    ]) expect(event(line)).toMatchObject(want);
  });

  it('the header host stands in only when the record names no device, and never when it is the CSV taken for a host', () => {
    const noDevice = traffic({}, { 52: '' });
    expect(event(`<14>Mar 16 10:15:02 pa-edge-09 ${noDevice}`).device).toBe('pa-edge-09');
    expect(event(`Mar 16 10:15:02 ${noDevice}`).device).toBeUndefined();
  });

  it('a sender that drops FUTURE_USE (the line starts with the Receive Time), or leaves it empty', () => {
    expect(event(record.slice(2))).toMatchObject({ srcIp: '198.51.100.23', dstIp: '203.0.113.10', dstPort: 104, bytes: 52240 });
    expect(event(record.slice(1))).toMatchObject({ srcIp: '198.51.100.23', bytes: 52240 });
  });

  it('quotes: "" inside a quoted value, a stray quote inside one, a value quoted for a comma', () => {
    const stray = `1,2026/03/16 10:15:02,${SERIAL},TRAFFIC,end,2561,2026/03/16 10:15:01,198.51.100.23,203.0.113.10,0.0.0.0,0.0.0.0,` +
      `"r,1","dom\\u o"x"'"y"z",,dicom${record.slice(record.indexOf(',dicom,') + 6)}`;
    expect(event(stray)).toMatchObject({ srcPort: 51515, dstPort: 104, protocol: 'tcp', bytes: 52240, device: 'pa-edge-01' });
  });

  it('SD-WAN Link Switches in braces: commas inside do not shift the fields after it; unbalanced braces protect nothing', () => {
    const links = '{ethernet1/1,isp-a,ethernet,ethernet1/1,2026/03/16 10:26:57,3000,200,good,path-quality}';
    const withLinks = traffic({}, { 67: 2, 102: '2026-03-16T10:15:01.733+00:00', 114: '0' }, 115).split(',');
    withLinks[69] = links;
    expect(event(withLinks.join(',')).time).toBe('2026-03-16T10:15:01.733Z');
    const unbalanced = traffic({}, { 52: '{open' }, 65);
    expect(event(unbalanced)).toMatchObject({ bytes: 52240, device: '{open' });
  });
});

describe('PAN-OS: broken and foreign lines', () => {
  it('cut short: MALFORMED with the count, or before the type', () => {
    const line = traffic();
    expect(parseLine(line.slice(0, line.indexOf(',allow,') + 9))).toMatchObject({ code: 'MALFORMED', message: 'PAN-OS TRAFFIC log cut short: 32 fields, at least 36 expected' });
    const t = threat();
    expect(parseLine(t.slice(0, t.indexOf(',allow,') + 4))).toMatchObject({ code: 'MALFORMED', message: 'PAN-OS THREAT log cut short: 31 fields, at least 32 expected' });
    expect(code('1,2026/03/16 10:15:02,013201004321,TRAF')).toBe('MALFORMED');
    expect(code('1,2026/03/16 10:15:02,013201004321')).toBe('MALFORMED');
    // a cut inside a quoted value: the quote never closes, the value runs to the end of the line
    const quotedRule = csv(65, { ...head(), 11: 'inbound, pacs' });
    expect(code(quotedRule.slice(0, quotedRule.indexOf('inbound') + 3))).toBe('MALFORMED');
    // ... which after every field read (THREAT's URL/filename) still leaves the session whole
    const t2 = threat();
    expect(event(t2.slice(0, t2.indexOf('c-store') + 3))).toMatchObject({ srcIp: '198.51.100.23', dstPort: 104, action: 'allow' });
  });

  it('an address that is not one is BAD_ADDRESS naming the PAN-OS field; an empty one MISSING_FIELD', () => {
    expect(parseLine(traffic({ src: 'pacs.example' }))).toMatchObject({ code: 'BAD_ADDRESS', message: 'Source Address: not an IP address: "pacs.example"' });
    expect(parseLine(traffic({ dst: '' }))).toMatchObject({ code: 'MISSING_FIELD', message: 'no destination address (Destination Address)' });
  });

  it('other vendors and other CSV lines are not PAN-OS', () => {
    for (const line of [
      'Mar 16 10:15:02 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=60 PROTO=TCP SPT=1 DPT=104',
      'CEF:0|Palo Alto Networks|PAN-OS|10.1|TRAFFIC|end|3|rt=Mar 16 2026 10:15:02 GMT src=1.2.3.4 dst=5.6.7.8',
      'Mar 16 10:15:02 pfsense filterlog[123]: 5,,,1000000103,igb0,match,block,in,4,0x0,,64,0,0,DF,6,tcp,60,203.0.113.7,10.1.2.3,51515,104,0,S',
      'date=2026-03-16 time=10:15:02 devname="FG" type="traffic" srcip=1.2.3.4 dstip=5.6.7.8 dstport=104 action="deny"',
      'Mar 16 10:15:02 asa %ASA-6-302013: Built inbound TCP connection 1 for outside:203.0.113.7/51515 (203.0.113.7/51515) to dmz:10.1.2.3/104 (10.1.2.3/104)',
      'time,src,dst\n', 'a,2026/03/16 10:15:02,b,lowercase,x', '1,2026/03/16 10:15:02,x,NOT-A-PANOS-TYPE,x,y', '', ',,,,',
    ]) expect(code(line)).toBe('NOT_MINE');
  });

  it('the registry offers PAN-OS lines to this module', () => {
    expect(MESSAGE_FORMATS.map((f) => f.id)).toContain('panos');
    const { outcomes } = parseText(`${traffic()}\n`, { file: 'x', tz: 'UTC' });
    expect(events(outcomes)[0]).toMatchObject({ format: 'panos', vendor: 'Palo Alto Networks', product: 'PAN-OS' });
  });
});

describe('PAN-OS: the pre-filter', () => {
  const filter = { dstPorts: new Set([104]) };

  /** parse and scan agree: FILTERED may stand only for an event whose dstPort is not 104, or a value-level error. */
  function expectParity(text: string): void {
    const parse = parseText(text, ctx).outcomes;
    const scan = parseText(text, { ...ctx, prefilter: filter }).outcomes;
    expect(scan).toHaveLength(parse.length);
    for (let i = 0; i < parse.length; i++) {
      const p = parse[i]!;
      const s = scan[i]!;
      if (s.kind === 'skip' && s.code === 'FILTERED' && !(p.kind === 'skip' && p.code === 'FILTERED')) {
        if (p.kind === 'events') expect(p.events.every((e) => e.dstPort !== 104)).toBe(true);
        else expect(p.kind === 'error' && ['BAD_ADDRESS', 'BAD_TIME', 'MISSING_FIELD', 'BAD_VALUE'].includes(p.code)).toBe(true);
      } else {
        expect(s).toEqual(p);
      }
    }
  }

  it('parse and scan agree on the fixture: events on 104 identical, structural errors and skips identical', () => {
    expectParity(fixture);
    const scan = parseText(fixture, { ...ctx, prefilter: filter }).outcomes;
    expect(codes(scan)).toEqual([
      'events', 'events', 'events', 'FILTERED', 'FILTERED', 'events', 'FILTERED', 'FILTERED', 'FILTERED', 'FILTERED',
      'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'MALFORMED', 'events', 'events', 'events',
      'UNRECOGNISED_FORMAT', 'FILTERED', 'FILTERED',
    ]);
  });

  it('a value-level error may become FILTERED, a cut-short line may not', () => {
    const text = [traffic({ dport: 443, src: 'bad' }), traffic().slice(0, 200), traffic({ dport: 443 }), traffic()].join('\n');
    expectParity(text);
    expect(codes(parseText(text, { ...ctx, prefilter: filter }).outcomes)).toEqual(['FILTERED', 'MALFORMED', 'FILTERED', 'events']);
  });

  it('the module applies portMayMatch to the Destination Port text before building anything', () => {
    const prefilter = recordPrefilter(filter);
    expect(parseLine(traffic({ dport: 443 }), { prefilter })).toMatchObject({ code: 'FILTERED' });
    expect(code(traffic({ dport: 104 }), { prefilter })).toBe('event');
    expect(code(traffic({ dport: 'x' }), { prefilter })).toBe('event'); // not a port: left to the full parse (absent)
  });
});

/** The Generated Time of a sample (the second PAN-OS date in it), read as UTC. */
function generatedTime(sample: string): number | undefined {
  const dates = [...sample.matchAll(/,(\d{4})\/(\d\d)\/(\d\d) (\d\d:\d\d:\d\d),/g)];
  const d = dates[1] ?? dates[0];
  return d ? Date.parse(`${d[1]}-${d[2]}-${d[3]}T${d[4]}Z`) : undefined;
}

describe('PAN-OS: hostile input never throws', () => {
  const samples = [
    `<14>Mar 16 10:15:02 pa-edge-01 ${traffic({}, { 102: '2026-03-16T10:15:01.482+00:00', 114: '0' }, 115)}`,
    `<14>Mar 16 10:18:22 pa-edge-01 ${threat({}, { 107: '2026-03-16T10:18:22.091Z' }, 118)}`,
    ...fixture.trimEnd().split('\n'),
  ];

  it('a truncation at every character is NOT_MINE, MALFORMED, or the same session (never a wrong value)', () => {
    for (const sample of samples) {
      const full = parseLine(sample);
      for (let cut = 0; cut <= sample.length; cut++) {
        const r = parseLine(sample.slice(0, cut));
        if (r === NOT_MINE || isRejection(r)) {
          if (r !== NOT_MINE && r.reject === 'error') expect(['MALFORMED', 'BAD_TIME', 'BAD_ADDRESS', 'MISSING_FIELD']).toContain(r.code);
          continue;
        }
        const e = r as NetworkEvent;
        const f = full as NetworkEvent;
        for (const k of ['srcIp', 'dstIp', 'srcPort', 'dstPort', 'protocol', 'action', 'bytes', 'packets'] as const) expect(e[k]).toBe(f[k]);
        // the time: the full line's, or its Generated Time when the high-resolution stamp was cut off
        expect([f.time, generatedTime(sample)]).toContain(e.time);
        if (e.device !== undefined) expect(e.device).toBe(f.device);
      }
    }
  });

  it('garbage, replacement characters, NULs, a 1 MB line, a million commas or braces or quotes', () => {
    const big = 'x'.repeat(1 << 20);
    for (const line of [
      '\uFFFD\uFFFD,2026/03/16 10:15:02,\uFFFD,TRAFFIC,\uFFFD', `1,2026/03/16 10:15:02,${SERIAL},TRAFFIC,${big}`,
      `1,2026/03/16 10:15:02,${SERIAL},THREAT,${','.repeat(1 << 20)}`, `1,2026/03/16 10:15:02,${SERIAL},TRAFFIC,${'{,'.repeat(1 << 19)}`,
      `1,2026/03/16 10:15:02,${SERIAL},TRAFFIC,${'"'.repeat(1 << 20)}`, `1,2026/03/16 10:15:02,${SERIAL},TRAFFIC,${'",'.repeat(1 << 19)}`,
      traffic().replaceAll(',', '\u0000'), traffic().replace('198.51.100.23', '\uFFFD'), big,
    ]) expect(() => parseLine(line)).not.toThrow();
    const started = Date.now();
    parseLine(`1,2026/03/16 10:15:02,${SERIAL},TRAFFIC,${'{,'.repeat(1 << 19)}`);
    parseLine(`1,2026/03/16 10:15:02,${SERIAL},TRAFFIC,${'",'.repeat(1 << 19)}`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('random text and random edits of a record (fast-check)', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      parseLine(s);
      parseLine(`1,2026/03/16 10:15:02,${SERIAL},TRAFFIC,${s}`);
    }), { numRuns: 500 });
    const record = traffic();
    fc.assert(fc.property(fc.nat(record.length), fc.string({ maxLength: 8 }), (at, insert) => {
      parseLine(record.slice(0, at) + insert + record.slice(at));
    }), { numRuns: 500 });
  });
});
