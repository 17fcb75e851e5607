/**
 * Cisco Meraki MX/MR syslog roles in the syslog family (src/parsers/syslog/meraki.ts): flows and the rule-set
 * records that replaced them (firewall, vpn_firewall, cellular_firewall, bridge_anyconnect_client_vpn_firewall),
 * NAT flows, URL requests and IDS alerts, behind whatever header the collector adds.
 */
import { asJson, jsonEvents, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSyslogLine } from '../src/parsers/syslog/framing.js';
import { merakiFlowAction, merakiFormat, splitAddress } from '../src/parsers/syslog/meraki.js';
import { NOT_MINE, type MessageContext } from '../src/parsers/syslog/message.js';
import { parseText } from '../src/parsers/record-parser.js';
import { formatById } from '../src/parsers/registry.js';
import { isRejection, type RecordOutcome } from '../src/parsers/types.js';
import type { NetworkEvent } from '../src/model/event.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/syslog/meraki.log';
const text = readFileSync(new URL(`../${FIXTURE}`, import.meta.url), 'utf8');
const lines = text.split('\n').filter((l) => l !== '');
const ctx = { file: FIXTURE, tz: 'UTC', year: 2026 };

function events(outcomes: readonly RecordOutcome[]): JsonEvent[] {
  return jsonEvents(outcomes);
}

function outcomeOf(line: string, extra: Record<string, unknown> = {}): RecordOutcome {
  const { outcomes } = parseText(line, { ...ctx, ...extra });
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function one(line: string, extra: Record<string, unknown> = {}): JsonEvent {
  const o = outcomeOf(line, extra);
  if (o.kind !== 'events') throw new Error(`expected an event, got ${o.kind} ${o.code}: ${o.message}`);
  expect(o.events).toHaveLength(1);
  return asJson(o.events[0]!);
}

const HEAD = '<134>1 1773656102.123456789 hospital-mx84';

describe('Meraki: the fixture', () => {
  it('gives the hand-checked events of fixtures/syslog/meraki.expected.jsonl', () => {
    const expected = readFileSync(new URL('../fixtures/syslog/meraki.expected.jsonl', import.meta.url), 'utf8')
      .trimEnd().split('\n').map((l) => JSON.parse(l) as NetworkEvent);
    const { outcomes, info } = parseText(text, ctx);
    expect(events(outcomes)).toEqual(expected);
    expect(outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code))).toEqual([
      ...Array<string>(13).fill('events'),
      'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'events', 'events', 'MALFORMED',
    ]);
    expect(info).toMatchObject({ records: 20, parsed: 15, skipped: 4, errors: 1 });
  });

  it('the CLI prints exactly the expected file', async () => {
    const r = await runCli(['parse', FIXTURE, '--year', '2026']);
    expect(r.stdout).toBe(readFileSync(new URL('../fixtures/syslog/meraki.expected.jsonl', import.meta.url), 'utf8'));
    expect(r.stderr).toContain(`${FIXTURE}:20: MALFORMED: Meraki flows tcp without dport= (cut short?)`);
  });

  it('scan finds the external DICOM sources', async () => {
    const r = await runCli(['scan', FIXTURE, '--output', 'csv']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('SourceIP,DestinationIP,TimeGenerated,count_');
    expect(rows).toContain('203.0.113.7,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(rows).toContain('203.0.113.7,198.51.100.10,2026-03-16T10:00:00.000Z,1'); // the NAT flow, pre-NAT
    expect(rows.some((row) => row.startsWith('10.50.0.8,'))).toBe(false); // a branch office over the VPN: internal
  });

  it('--format meraki forces the syslog family with this vendor alone', () => {
    expect(formatById('meraki')?.id).toBe('syslog');
    const { outcomes } = parseText(`${lines[0]}\nMar 16 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP DPT=104`, { ...ctx, format: 'meraki' });
    expect(outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code))).toEqual(['events', 'UNRECOGNISED_FORMAT']);
  });
});

describe('Meraki: message types', () => {
  it('flows with `pattern: 1 all` (an inbound rule: 1 is deny) and `0 all` (allow); time is the epoch after the version', () => {
    expect(one(lines[0]!)).toEqual({
      time: '2026-03-16T10:15:02.123Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.30.40', dstPort: 104,
      protocol: 'tcp', action: 'deny', device: 'hospital-mx84', vendor: 'Cisco Meraki', product: 'MX', format: 'meraki',
      file: FIXTURE, line: 1,
    });
    expect(one(lines[1]!)).toMatchObject({ time: '2026-03-16T10:15:07.500Z', action: 'allow' });
  });

  it('firewall, vpn_firewall, cellular_firewall (MX 18.101 and newer), with `allow …`/`deny …` patterns', () => {
    expect(one(lines[2]!)).toMatchObject({ srcIp: '10.20.30.40', dstIp: '198.51.100.53', dstPort: 53, protocol: 'udp', action: 'allow' });
    expect(one(lines[3]!)).toMatchObject({ srcIp: '203.0.113.50', dstPort: 104, action: 'deny' });
    expect(one(lines[4]!)).toMatchObject({ srcIp: '10.50.0.8', action: 'deny' });
    expect(one(lines[5]!)).toMatchObject({ device: 'clinic-mx67c', dstPort: 443, action: 'allow' });
    const bridge = `${HEAD} bridge_anyconnect_client_vpn_firewall src=10.241.192.1 dst=10.20.30.40 mac=00:18:0A:01:02:03 protocol=udp sport=9562 dport=104 pattern: allow all`;
    expect(one(bridge)).toMatchObject({ protocol: 'udp', dstPort: 104, action: 'allow' });
  });

  it('flows allow|deny (the word after the type), IPv6, ICMP without ports, protocol numbers', () => {
    expect(one(lines[6]!)).toMatchObject({ device: 'ward2-mr44', action: 'allow', dstPort: 104 });
    expect(one(lines[7]!)).toMatchObject({ action: 'deny', dstPort: 445 });
    const v6 = `${HEAD} flows allow src=fe80::1021:83ca:b68:4cd8 dst=ff02::1:ffb6:a227 mac=28:FF:3C:AB:DB:AA protocol=icmp6 type=135`;
    expect(one(v6)).toMatchObject({ srcIp: 'fe80::1021:83ca:b68:4cd8', dstIp: 'ff02::1:ffb6:a227', protocol: 'ipv6-icmp' });
    expect(one(v6).dstPort).toBeUndefined();
    expect(one(`${HEAD} flows allow src=172.16.12.23 dst=224.0.0.2 mac=4C:AB:4F:0D:3D:AA protocol=2`)).toMatchObject({ protocol: 'igmp' });
  });

  it('pattern words', () => {
    expect(merakiFlowAction(undefined, '1 all')).toBe('deny');
    expect(merakiFlowAction(undefined, '0 all')).toBe('allow');
    expect(merakiFlowAction(undefined, 'allow (dst 10.0.0.0/8) && (src 10.241.0.0/16)')).toBe('allow');
    expect(merakiFlowAction(undefined, 'deny (src 10.10.0.0/16)')).toBe('deny');
    expect(merakiFlowAction(undefined, 'Group Policy Allow')).toBe('allow');
    expect(merakiFlowAction(undefined, 'Group Policy Deny')).toBe('deny');
    expect(merakiFlowAction(undefined, 'Group Policy D')).toBeUndefined();
    expect(merakiFlowAction(undefined, 'something else')).toBeUndefined();
    expect(merakiFlowAction(undefined, 'Blocked by rule 3')).toBe('deny');
    expect(merakiFlowAction('Blocked', undefined)).toBe('deny');
    expect(merakiFlowAction('deny', 'allow all')).toBe('deny');
    expect(merakiFlowAction('allow', undefined)).toBe('allow');
  });

  it('ip_flow_start/end: the pre-NAT src/dst are the ends (Elastic takes translated_src_ip/translated_dst_ip instead)', () => {
    expect(one(lines[8]!)).toMatchObject({ srcIp: '203.0.113.7', srcPort: 51600, dstIp: '198.51.100.10', dstPort: 104 });
    expect(one(lines[8]!).action).toBeUndefined();
    expect(one(lines[9]!)).toMatchObject({ srcIp: '10.20.30.40', srcPort: 53122, dstIp: '198.51.100.200', dstPort: 443 });
  });

  it('urls: ip:port on both sides, a quoted user agent, no decision', () => {
    const e = one(lines[10]!);
    expect(e).toMatchObject({ srcIp: '10.20.30.40', srcPort: 53124, dstIp: '198.51.100.200', dstPort: 80 });
    expect(e.action).toBeUndefined();
    expect(e.protocol).toBeUndefined();
  });

  it('IDS alerts: security_event ids_alerted and ids-alerts; blocked is a drop, allowed an allow; one host only is no connection', () => {
    expect(one(lines[11]!)).toMatchObject({ srcIp: '203.0.113.140', srcPort: 38211, dstIp: '10.20.30.40', dstPort: 104, protocol: 'tcp', action: 'drop' });
    expect(one(lines[12]!)).toMatchObject({ srcIp: '203.0.113.141', dstIp: '10.20.30.41', dstPort: 104 });
    expect(one(lines[12]!).action).toBeUndefined();
    const allowed = `${HEAD} security_event ids_alerted signature=1:29708:4 priority=1 timestamp=1637691198.330873 dhost=D0:AB:D5:7B:43:73 direction=ingress protocol=tcp/ip src=67.43.156.12:80 dst=10.0.3.162:56391 decision=allowed message: BROWSER-IE x`;
    expect(one(allowed)).toMatchObject({ srcIp: '67.43.156.12', srcPort: 80, dstIp: '10.0.3.162', dstPort: 56391, action: 'allow' });
    expect(outcomeOf(lines[13]!)).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
  });

  it('behind a collector\'s RFC 3164 header, or bare', () => {
    expect(one(lines[17]!)).toMatchObject({ time: '2026-03-16T10:45:00.250Z', device: 'hospital-mx84', srcIp: '203.0.113.8', action: 'deny' });
    expect(one(lines[18]!)).toMatchObject({ time: '2026-03-16T10:46:00.000Z', srcIp: '203.0.113.9', action: 'deny' });
    const iso = '2026-03-16T10:45:01.000Z collector01 <134>1 1773657900.250000000 hospital-mx84 firewall src=203.0.113.8 dst=10.20.30.40 protocol=tcp sport=1 dport=104 pattern: 1 all';
    expect(one(iso)).toMatchObject({ time: '2026-03-16T10:45:00.250Z', device: 'hospital-mx84' });
    const sumo = '2019-07-16 04:00:30 Local0.Info 1 1773657900.250000000 hospital-mx84 flows src=203.0.113.8 dst=10.20.30.40 protocol=tcp sport=1 dport=104 pattern: 1 all';
    expect(one(sumo)).toMatchObject({ time: '2026-03-16T10:45:00.250Z', dstPort: 104 });
    // As a Sentinel Syslog export shows them: a collector's header without the version, doubled spaces.
    const sentinel = 'Oct 13 06:54:13 10.100.10.100  1602571970.883089831 firewallname flows allow src=10.100.10.100  dst=203.0.113.9  mac=AA:BB:CC:DD:EE:FF protocol=tcp sport=58828 dport=443';
    expect(one(sentinel)).toMatchObject({ time: '2020-10-13T06:52:50.883Z', device: 'firewallname', dstIp: '203.0.113.9', dstPort: 443, action: 'allow' });
    // The epoch is UTC: --tz does not move it.
    expect(one(lines[0]!, { tz: 'America/New_York' }).time).toBe('2026-03-16T10:15:02.123Z');
  });

  it('addresses with ports', () => {
    expect(splitAddress('10.1.2.3:104')).toEqual({ ip: '10.1.2.3', port: '104' });
    expect(splitAddress('[2001:db8::1]:104')).toEqual({ ip: '2001:db8::1', port: '104' });
    expect(splitAddress('2001:db8:0:0:0:0:0:1:104')).toEqual({ ip: '2001:db8:0:0:0:0:0:1', port: '104' });
    expect(splitAddress('2001:db8::1.104')).toEqual({ ip: '2001:db8::1', port: '104' });
    expect(splitAddress('2001:db8::1')).toEqual({ ip: '2001:db8::1' });
    expect(splitAddress('10.1.2.3')).toEqual({ ip: '10.1.2.3' });
  });
});

describe('Meraki: not connections, broken records, other vendors', () => {
  it('event log, Air Marshal, malware verdicts are NOT_A_CONNECTION', () => {
    for (const k of [14, 15, 16]) expect(outcomeOf(lines[k]!)).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
    const vpn = `${HEAD} events Site-to-Site VPN: <l2tp-over-ipsec-1|241> IKE_SA established between 89.160.20.112[89.160.20.112]...81.2.69.144[192.168.1.201]`;
    expect(outcomeOf(vpn)).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
  });

  it('cut short: MALFORMED, in scan as in parse', () => {
    const broken = [
      lines[19]!,
      `${HEAD} flows src=203.0.113.7 dst=10.20.30.40 protocol=tcp sport=51515 dport=104`, // no pattern:
      `${HEAD} firewall src=203.0.113.7 dst=10.20.30.40 protocol=tcp sport=51515 dport=10`,
      `${HEAD} flows src=203.0.113.7 dst=10.20`,
      `${HEAD} ip_flow_start src=203.0.113.7 dst=198.51.100.10 protocol=tcp sport=51600 dport=10`,
      `${HEAD} urls src=10.20.30.40:53124 dst=198.51.100.200:8`,
      `${HEAD} urls src=10.20.30.40:53124 dst=198.51.100.200:80 mac=00:18:0A:12:34:56 agent='never closed request: GET /`,
      `${HEAD} security_event ids_alerted signature=1:2:3 priority=1 src=203.0.113.140:38211 dst=10.20.30.40:10`,
      `${HEAD} ids-alerts signature=1:2:3 priority=1`,
      `${HEAD} flows`,
    ];
    for (const line of broken) {
      expect(outcomeOf(line)).toMatchObject({ kind: 'error', code: 'MALFORMED' });
      expect(outcomeOf(line, { prefilter: { dstPorts: new Set([104]) } })).toMatchObject({ kind: 'error', code: 'MALFORMED' });
    }
  });

  it('bad values: an address that is none is BAD_ADDRESS, an epoch out of range BAD_TIME', () => {
    expect(outcomeOf(`${HEAD} flows src=pacs.example.org dst=10.20.30.40 protocol=tcp sport=1 dport=104 pattern: 1 all`))
      .toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
    expect(outcomeOf('<134>1 4199999999.000000000 mx flows src=203.0.113.7 dst=10.20.30.40 protocol=tcp sport=1 dport=104 pattern: 1 all'))
      .toMatchObject({ kind: 'error', code: 'BAD_TIME' });
  });

  it('other vendors\' lines are not Meraki\'s', () => {
    const time = { tz: 'UTC', year: 2026 };
    const mctx: MessageContext = { file: 'x', lineNo: 1, time };
    for (const line of [
      '<134>1 2026-03-16T10:15:05Z cp-mgmt01 CheckPoint 16953 - [action:"Accept"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"104"]',
      'Mar 16 10:15:02 fw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8',
      'CEF:0|Cisco|Meraki|1|flows|x|5|src=1.2.3.4 dst=5.6.7.8',
      '<134>1 1773656102.123456789 hospital-mx84 something src=203.0.113.7 dst=10.20.30.40',
      '1773656102 flows src=203.0.113.7',
      '',
    ]) {
      expect(merakiFormat.parse(parseSyslogLine(line, time), mctx)).toBe(NOT_MINE);
    }
  });
});

describe('Meraki: the pre-filter', () => {
  it('parse and scan agree: FILTERED only replaces events without port 104 or value errors; structural errors identical', () => {
    const extra = [
      `${HEAD} flows src=pacs.example.org dst=10.20.30.40 protocol=tcp sport=1 dport=443 pattern: 1 all`,
      `${HEAD} flows src=pacs.example.org dst=10.20.30.40 protocol=tcp sport=1 dport=104 pattern: 1 all`,
    ];
    const all = [...lines, ...extra].join('\n');
    const parsed = parseText(all, ctx).outcomes;
    const scanned = parseText(all, { ...ctx, prefilter: { dstPorts: new Set([104]) } }).outcomes;
    expect(scanned).toHaveLength(parsed.length);
    let filtered = 0;
    for (let k = 0; k < parsed.length; k++) {
      const p = parsed[k]!;
      const s = scanned[k]!;
      if (s.kind === 'skip' && s.code === 'FILTERED') {
        filtered++;
        if (p.kind === 'events') expect(p.events.every((e) => e.dstPort !== undefined && e.dstPort !== 104)).toBe(true);
        else expect(p).toMatchObject({ kind: 'error', code: expect.stringMatching(/^BAD_/) });
      } else {
        expect(s).toEqual(p);
      }
    }
    expect(filtered).toBe(6); // lines 3, 6, 8, 10, 11 (ports 53, 443, 445, 443, 80), and the bad address on 443
    expect(scanned[20]).toMatchObject({ kind: 'skip', code: 'FILTERED' });
    expect(scanned[21]).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
  });
});

describe('Meraki: hostile input', () => {
  const time = { tz: 'UTC', year: 2026 };
  const mctx: MessageContext = { file: 'x', lineNo: 1, time };

  it('a line cut at any byte gives no event it should not: every value it gives is the whole line\'s', () => {
    for (const k of [0, 2, 4, 8, 10, 11, 12, 17, 18]) {
      const line = lines[k]!;
      const whole = merakiFormat.parse(parseSyslogLine(line, time), mctx) as NetworkEvent;
      for (let cut = 0; cut < line.length; cut++) {
        const r = merakiFormat.parse(parseSyslogLine(line.slice(0, cut), time), mctx);
        if (r === NOT_MINE || isRejection(r)) continue;
        const got = (Array.isArray(r) ? r : [r]) as NetworkEvent[];
        expect(got).toHaveLength(1);
        for (const [key, value] of Object.entries(got[0]!)) expect([key, value]).toEqual([key, (whole as unknown as Record<string, unknown>)[key]]);
      }
    }
  });

  it('garbage, replacement characters, a 1 MB line, unbalanced quotes: outcomes, never exceptions', () => {
    const big = 'x'.repeat(1 << 20);
    const garbage = [
      `${HEAD} flows ${big}`,
      `${HEAD} urls agent='${big}`,
      `${HEAD} flows ${'a=b '.repeat(100_000)}`,
      `${HEAD} flows src=\uFFFD dst=\uFFFD protocol=tcp dport=104 pattern: 1 all`,
      `${'1 '.repeat(100_000)}`,
      `${'1773656102.1 '.repeat(50_000)}`,
      `${HEAD} security_event`,
      `${HEAD} ids-alerts src=${big}`,
      '\uFFFD'.repeat(1000),
    ];
    for (const line of garbage) {
      expect(() => merakiFormat.parse(parseSyslogLine(line, time), mctx)).not.toThrow();
    }
    const { outcomes } = parseText(garbage.join('\n'), ctx);
    expect(outcomes).toHaveLength(garbage.length);
    expect(events(outcomes)).toEqual([]);
  });

  it('random bytes do not throw', () => {
    let seed = 4242;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 256);
    for (let n = 0; n < 300; n++) {
      const bytes = Buffer.from(Array.from({ length: 1 + (n % 97) * 7 }, rnd));
      for (const line of [`${HEAD} flows ${bytes.toString('latin1')}`, `${HEAD} urls ${bytes.toString('utf8')}`, bytes.toString('utf8')]) {
        expect(() => merakiFormat.parse(parseSyslogLine(line, time), mctx)).not.toThrow();
      }
    }
  });
});
