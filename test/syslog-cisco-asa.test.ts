/**
 * Cisco ASA / FTD syslog (issue 9): the ASA stamp variants in the shared framing, one test per message type, the
 * fixtures' hand-checked events, the skips and errors, the pre-filter parity and bad input. The lines follow Cisco's
 * "Syslog Messages" guides (ASA 9.x, FTD 6.x/7.x); addresses are documentation ranges and a hospital's inside.
 */
import { asJson, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseSyslogLine } from '../src/parsers/syslog/framing.js';
import { ciscoAsaFormat, ciscoFtdFormat, ciscoTag, securityEventFields } from '../src/parsers/syslog/cisco-asa.js';
import { MESSAGE_FORMATS } from '../src/parsers/syslog/registry.js';
import { NOT_MINE } from '../src/parsers/syslog/message.js';
import { parseText } from '../src/parsers/record-parser.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import type { NetworkEvent } from '../src/model/event.js';
import { runCli } from './helpers/cli.js';

const ctx = { file: 'asa.log', tz: 'UTC', year: 2026 };
const PREFILTER = { dstPorts: new Set([104]) };

function outcome(line: string, options: Partial<typeof ctx> & { prefilter?: typeof PREFILTER } = {}): RecordOutcome {
  const { outcomes } = parseText(line, { ...ctx, ...options });
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function event(line: string): JsonEvent {
  const o = outcome(line);
  if (o.kind !== 'events') throw new Error(`expected an event, got ${o.kind} ${'code' in o ? `${o.code}: ${o.message}` : ''}`);
  expect(o.events).toHaveLength(1);
  return asJson(o.events[0]!);
}

function code(line: string, options: Partial<typeof ctx> = {}): string {
  const o = outcome(line, options);
  return o.kind === 'events' ? 'events' : o.code;
}

/** Source, destination and the rest, compactly: `203.0.113.7:51515 > 10.20.30.40:104`. */
function tuple(e: JsonEvent | NetworkEvent): string {
  const side = (ip: string, port: number | undefined) => (port === undefined ? ip : ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  return `${side(e.srcIp, e.srcPort)} > ${side(e.dstIp, e.dstPort)} ${e.protocol ?? '-'} ${e.action ?? '-'}`;
}

const H = '<166>Mar 16 2026 10:15:02 asa-edge01 : ';
const F = '<166>2026-03-16T10:15:02Z ftd-core01 : ';

describe('framing: the stamps ASA and FTD write (logging timestamp, device-id)', () => {
  const y = { tz: 'UTC', year: 2026 };

  it('a year in the stamp, the device id followed by " : ", and a weekday', () => {
    expect(parseSyslogLine(`${H}%ASA-6-302013: Built x`, y)).toMatchObject({
      header: true, time: Date.UTC(2026, 2, 16, 10, 15, 2), timeText: 'Mar 16 2026 10:15:02', host: 'asa-edge01', app: '%ASA-6-302013', message: 'Built x',
    });
    expect(parseSyslogLine('Mon Mar 16 2026 10:15:02 asa01 : %ASA-6-302013: Built x', y)).toMatchObject({ time: Date.UTC(2026, 2, 16, 10, 15, 2), host: 'asa01' });
    // The stamp's own year wins over --year, and a year-less stamp still takes --year.
    expect(parseSyslogLine('Oct 10 2018 12:34:56 localhost CiscoASA[999]: %ASA-6-302013: x', y)).toMatchObject({
      time: Date.UTC(2018, 9, 10, 12, 34, 56), host: 'localhost', app: 'CiscoASA', message: '%ASA-6-302013: x',
    });
  });

  it('a colon right after the stamp: no host (BSD and RFC 3339 stamps, with a fraction)', () => {
    expect(parseSyslogLine('<188>May  5 17:51:17: %ASA-4-313005: No matching', y)).toMatchObject({ time: Date.UTC(2026, 4, 5, 17, 51, 17), app: '%ASA-4-313005', message: 'No matching' });
    expect(parseSyslogLine('<188>May  5 17:51:17: %ASA-4-313005: x', y).host).toBeUndefined();
    expect(parseSyslogLine('Apr 29 12:59:50.138340591: %ASA-6-302013: x', y).time).toBe(Date.UTC(2026, 3, 29, 12, 59, 50, 138));
    expect(parseSyslogLine('<166>2024-06-26T01:35:42Z: %ASA-6-113008: AAA', y)).toMatchObject({ time: Date.UTC(2024, 5, 26, 1, 35, 42), app: '%ASA-6-113008', message: 'AAA' });
    expect(parseSyslogLine('Aug 15 2012 23:30:09 : %ASA-6-302016 Teardown UDP', y)).toMatchObject({ time: Date.UTC(2012, 7, 15, 23, 30, 9), message: '%ASA-6-302016 Teardown UDP' });
    expect(parseSyslogLine('Aug 15 2012 23:30:09 : %ASA-6-302016 Teardown UDP', y).host).toBeUndefined();
  });

  it('a zone name after the stamp wins over --tz; an unknown word there is the host', () => {
    const tz = { tz: 'Europe/Berlin', year: 2026 };
    expect(parseSyslogLine('Apr 15 2014 09:34:34 EDT: %ASA-session-5-106100: access-list', tz)).toMatchObject({ time: Date.UTC(2014, 3, 15, 13, 34, 34), app: '%ASA-session-5-106100' });
    expect(parseSyslogLine('Nov 01 16:42:22 UTC: %FTD-session-6-302013: Built', tz).time).toBe(Date.UTC(2026, 10, 1, 16, 42, 22));
    expect(parseSyslogLine('Mar 16 2026 11:27:01 CET asa01 : %ASA-4-106023: Deny', tz)).toMatchObject({ time: Date.UTC(2026, 2, 16, 10, 27, 1), host: 'asa01' });
    expect(parseSyslogLine('Mar 16 2026 11:27:01 XYZT: %ASA-4-106023: Deny', tz)).toMatchObject({ time: Date.UTC(2026, 2, 16, 10, 27, 1), host: 'XYZT' });
  });

  it('a relay header in front of the ASA stamp is looked through; the relay host stands in for a missing device', () => {
    expect(parseSyslogLine('Sep 25 15:47:07 host1.example.com : Sep 25 15:47:07 EDT: %ASA-auth-4-113004: AAA user', y)).toMatchObject({
      time: Date.UTC(2026, 8, 25, 19, 47, 7), host: 'host1.example.com', app: '%ASA-auth-4-113004', message: 'AAA user',
    });
    expect(parseSyslogLine('Jan 14 16:10:24 10.1.2.13 Jan 14 2010 12:29:43 SymCiscoApp : %PIX-6-302015: Built', y)).toMatchObject({
      time: Date.UTC(2010, 0, 14, 12, 29, 43), host: 'SymCiscoApp', app: '%PIX-6-302015',
    });
  });

  it('doubled spaces, a host written with a colon, and a Cisco tag right after an RFC 3339 stamp', () => {
    expect(parseSyslogLine('2019-08-15T16:03:31Z firepower  %FTD-1-430002: SrcIP: 1', y)).toMatchObject({ host: 'firepower', app: '%FTD-1-430002', message: 'SrcIP: 1' });
    expect(parseSyslogLine('2023-03-27T08:41:37Z   %FTD-1-430003: EventPriority: Low', y)).toMatchObject({ time: Date.UTC(2023, 2, 27, 8, 41, 37), app: '%FTD-1-430003' });
    expect(parseSyslogLine('2023-03-27T08:41:37Z   %FTD-1-430003: EventPriority: Low', y).host).toBeUndefined();
    expect(parseSyslogLine('May  5 17:51:17 dev01: %FTD-6-302013: Built', y)).toMatchObject({ host: 'dev01', app: '%FTD-6-302013', message: 'Built' });
  });

  it('a stamp year does not move the New Year inference; nothing throws on cut ASA stamps', () => {
    const years = {};
    const time = { tz: 'UTC', year: 2025 };
    expect(parseSyslogLine('Dec 31 23:59:58 fw kernel: a', time, years).time).toBe(Date.UTC(2025, 11, 31, 23, 59, 58));
    expect(parseSyslogLine('Jan  1 2026 00:00:01 fw : %ASA-6-1: b', time, years).time).toBe(Date.UTC(2026, 0, 1, 0, 0, 1));
    expect(parseSyslogLine('Dec 31 23:59:59 fw kernel: c', time, years).time).toBe(Date.UTC(2025, 11, 31, 23, 59, 59));
    const full = 'Mon Mar 16 2026 10:15:02.123 CEST: %ASA-6-302013: x';
    for (let i = 0; i <= full.length; i++) expect(() => parseSyslogLine(full.slice(0, i), y)).not.toThrow();
  });
});

describe('the Cisco tag', () => {
  const tag = (l: string) => ciscoTag(parseSyslogLine(l, { tz: 'UTC', year: 2026 }));

  it('as the syslog tag, at the message start, after a word, with a suffix, and nowhere', () => {
    expect(tag(`${H}%ASA-6-302013: Built x`)).toMatchObject({ product: 'ASA', id: '302013', body: 'Built x', device: 'asa-edge01' });
    expect(tag('Oct 10 2018 12:34:56 localhost CiscoASA[999]: %ASA-6-302014: Teardown')).toMatchObject({ id: '302014', body: 'Teardown', device: 'localhost' });
    expect(tag('LOCAL4.WARNING: fw-1 %ASA-4-106023: Deny udp')).toMatchObject({ id: '106023', body: 'Deny udp', device: 'fw-1' });
    expect(tag('Apr 15 2014 09:34:34 EDT: %FTD-session-5-106100: access-list')).toMatchObject({ product: 'FTD', id: '106100' });
    expect(tag('<166>:Feb 26 11:26:52 UTC: %FTD--6-852002: Received')).toMatchObject({ product: 'FTD', id: '852002' });
    expect(tag('Aug 15 2012 23:30:09 : %ASA-6-302016 Teardown UDP')).toMatchObject({ id: '302016', body: 'Teardown UDP' });
    expect(tag('Mar 16 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8')).toBeUndefined();
    expect(tag('Mar 16 10:00:00 web nginx: GET /%ASA-6-302013 200')).toBeUndefined();
    expect(tag('%XYZ-6-302013: Built')).toBeUndefined();
  });

  it('a line of neither product is NOT_MINE; ASA lines are not FTD lines', () => {
    const line = parseSyslogLine(`${H}%ASA-6-302013: Built x`, ctx);
    const c = { file: 'x', lineNo: 1, time: { tz: 'UTC' } };
    expect(ciscoFtdFormat.parse(line, c)).toBe(NOT_MINE);
    expect(ciscoAsaFormat.parse(parseSyslogLine('Mar 16 10:00:00 fw sshd[1]: Accepted', ctx), c)).toBe(NOT_MINE);
    expect(MESSAGE_FORMATS.map((f) => f.id)).toEqual(expect.arrayContaining(['cisco-asa', 'cisco-ftd']));
  });
});

describe('one test per message type', () => {
  it('302013/302015 builds: inbound, the first side is the source; outbound, the second (the inside) is', () => {
    const inbound = event(`${H}%ASA-6-302013: Built inbound TCP connection 48211 for outside:203.0.113.7/51515 (203.0.113.7/51515) to inside:10.20.30.40/104 (198.51.100.10/104)`);
    expect(inbound).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.30.40', dstPort: 104, protocol: 'tcp', action: 'allow',
      device: 'asa-edge01', vendor: 'Cisco', product: 'ASA', format: 'cisco-asa', file: 'asa.log', line: 1,
    });
    // The mapped (NAT) side is never the source: 10.0.0.130/10879 stays apart.
    expect(tuple(event(`${H}%ASA-6-302013: Built outbound TCP connection 89743277 for outside:192.168.0.17/80 (192.168.0.17/80) to inside:192.168.3.42/4954 (10.0.0.130/10879)`)))
      .toBe('192.168.3.42:4954 > 192.168.0.17:80 tcp allow');
    expect(tuple(event(`${H}%ASA-6-302015: Built outbound UDP connection 11758 for outside:192.0.2.53/53 (192.0.2.53/53) to inside:10.20.5.17/56132 (198.51.100.2/1188)`)))
      .toBe('10.20.5.17:56132 > 192.0.2.53:53 udp allow');
    // FTD's Probe builds, users, SGTs and the termination user.
    expect(tuple(event(`${F}%FTD-6-302013: Built inbound Probe TCP connection 154498453 for Outside1:203.0.113.31/5248 (175.16.199.6/40846) to Inside1:10.0.1.50/443 (203.0.113.131/443)`)))
      .toBe('203.0.113.31:5248 > 10.0.1.50:443 tcp allow');
    expect(tuple(event(`${H}%ASA-6-302015: Built inbound UDP connection 7 for outside:203.0.113.42/3424 (203.0.113.42/3424)(LOCAL\\alice, 123) to inside:10.20.9.12/9803 (10.20.9.12/9803)(LOCAL\\dave, 246) (bob)`)))
      .toBe('203.0.113.42:3424 > 10.20.9.12:9803 udp allow');
    expect(tuple(event(`${H}%ASA-6-302013: Built inbound TCP connection 990568095 for outside:192.168.2.2/61921 (192.168.2.2/61921)(9999:my_SgtName) to inside:192.168.2.3/443 (192.168.2.3/443)`)))
      .toBe('192.168.2.2:61921 > 192.168.2.3:443 tcp allow');
  });

  it('302014/302016 teardowns: one event each, allowed (the firewall built the connection), the byte count; the first side is the source', () => {
    const e = event(`${H}%ASA-6-302014: Teardown TCP connection 48211 for outside:203.0.113.7/51515 to inside:10.20.30.40/104 duration 0:00:07 bytes 18230 TCP FINs from outside`);
    expect(e).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.20.30.40', dstPort: 104, protocol: 'tcp', bytes: 18230 });
    expect(e.action).toBe('allow');
    expect(tuple(event(`${H}%ASA-6-302016: Teardown UDP connection 110577675 for Outside:10.123.123.123/53723(LOCAL\\Elastic) to Inside:10.233.123.123/53 duration 0:00:00 bytes 148 (zzzzzz)`)))
      .toBe('10.123.123.123:53723 > 10.233.123.123:53 udp allow');
    expect(tuple(event(`${H}%ASA-6-302016: Teardown UDP connection 666 for outside:192.168.2.222/53 user1 to inside:10.123.1.35/52925 user2 duration 10:00:00 bytes 9999999`)))
      .toBe('192.168.2.222:53 > 10.123.1.35:52925 udp allow');
    expect(tuple(event(`${H}%ASA-6-302014: Teardown TCP connection 261246338 for outside:67.43.156.15/63790(LOCAL\\First Middle Last) to inside:192.168.0.1/53 duration 0:35:58 bytes 27451 TCP FINs from outside (First Middle Last)`)))
      .toBe('67.43.156.15:63790 > 192.168.0.1:53 tcp allow');
    // An interface name with spaces, as the ASA names its own identity interface.
    expect(tuple(event(`${H}%ASA-6-302016: Teardown UDP connection 9828 for outside:100.66.48.1/67 to NP Identity Ifc:255.255.255.255/68 duration 0:58:46 bytes 58512`)))
      .toBe('100.66.48.1:67 > 255.255.255.255:68 udp allow');
  });

  it('302017/302018 GRE, 302035/302036 SCTP and 302303/302304 state-bypass connections', () => {
    expect(tuple(event(`${H}%ASA-6-302017: Built inbound GRE connection 5 from outside:203.0.113.70 (203.0.113.70) to inside:10.20.0.9/12 (198.51.100.9/12)`)))
      .toBe('203.0.113.70 > 10.20.0.9 gre allow');
    expect(event(`${H}%ASA-6-302018: Teardown GRE connection 5 from outside:203.0.113.70 (203.0.113.70) to inside:10.20.0.9/12 (198.51.100.9/12) duration 0:01:00 bytes 3400`).bytes).toBe(3400);
    expect(tuple(event(`${H}%ASA-6-302035: Built outbound SCTP connection 8 for outside:192.0.2.5/2905 (192.0.2.5/2905) to inside:10.20.0.7/40000 (198.51.100.7/40000)`)))
      .toBe('10.20.0.7:40000 > 192.0.2.5:2905 sctp allow');
    expect(tuple(event(`${H}%ASA-6-302036: Teardown SCTP connection 8 for outside:192.0.2.5/2905 to inside:10.20.0.7/40000 duration 0:00:03 bytes 1200 SCTP shutdown`)))
      .toBe('192.0.2.5:2905 > 10.20.0.7:40000 sctp allow');
    expect(tuple(event(`${H}%ASA-6-302303: Built TCP state-bypass connection 12 from inside:10.20.0.7/50000 (198.51.100.7/50000) to outside:192.0.2.5/443 (192.0.2.5/443)`)))
      .toBe('10.20.0.7:50000 > 192.0.2.5:443 tcp allow');
    expect(tuple(event(`${H}%ASA-6-302304: Teardown TCP state-bypass connection 2751765169 from server.deflan:81.2.69.144/54242 to server.deflan:81.2.69.145/9101 duration 1:00:02 bytes 245 Connection timeout`)))
      .toBe('81.2.69.144:54242 > 81.2.69.145:9101 tcp allow');
  });

  it('302020/302021 ICMP: inbound faddr → laddr, outbound laddr → faddr; a teardown laddr → faddr; no ports', () => {
    expect(tuple(event(`${H}%ASA-6-302020: Built inbound ICMP connection for faddr 203.0.113.20/28416 gaddr 198.51.100.10/0 laddr 192.0.2.30/0 type 8 code 0 `)))
      .toBe('203.0.113.20 > 192.0.2.30 icmp allow');
    expect(tuple(event(`${H}%ASA-6-302020: Built outbound ICMP connection for faddr 203.0.113.20/0 gaddr 198.51.100.10/0 laddr 192.0.2.30/0 type 8 code 0 `)))
      .toBe('192.0.2.30 > 203.0.113.20 icmp allow');
    expect(tuple(event(`${H}%ASA-6-302021: Teardown ICMP connection for faddr 172.24.177.29/0 gaddr 192.168.132.46/17233 laddr 192.168.132.46/17233`)))
      .toBe('192.168.132.46 > 172.24.177.29 icmp allow');
    expect(tuple(event(`${H}%ASA-5-302020: Built inbound ICMP connection for faddr 175.16.199.1/0(LOCAL\\USER001) gaddr 67.43.156.15/0 laddr 67.43.156.15/0 (USER001) type 3 code 3`)))
      .toBe('175.16.199.1 > 67.43.156.15 icmp allow');
    // Over IPv6, ICMP is protocol 58 whatever word the ASA writes.
    expect(tuple(event(`${H}%ASA-6-302021: Teardown ICMP connection for faddr ff02::1/0 gaddr fe80::2205:baff:fe9d:f637/0 laddr fe80::2205:baff:fe9d:f637/0 type 134 code 0`)))
      .toBe('fe80::2205:baff:fe9d:f637 > ff02::1 ipv6-icmp allow');
  });

  it('106001, 106006, 106007, 106015: denied connection attempts with ports', () => {
    expect(tuple(event(`${H}%ASA-2-106001: Inbound TCP connection denied from 203.0.113.200/33012 to 10.20.30.40/104 flags SYN  on interface outside`))).toBe('203.0.113.200:33012 > 10.20.30.40:104 tcp deny');
    expect(tuple(event(`${H}%ASA-2-106006: Deny inbound UDP from 198.51.100.23/40000 to 10.20.30.42/11112 on interface outside`))).toBe('198.51.100.23:40000 > 10.20.30.42:11112 udp deny');
    expect(tuple(event(`${H}%ASA-2-106007: Deny inbound UDP from 198.51.100.24/53000 to 10.20.0.53/53 due to DNS Query`))).toBe('198.51.100.24:53000 > 10.20.0.53:53 udp deny');
    expect(tuple(event(`${H}%ASA-6-106015: Deny TCP (no connection) from 203.0.113.7/51515 to 10.20.30.40/104 flags FIN PSH ACK  on interface outside`))).toBe('203.0.113.7:51515 > 10.20.30.40:104 tcp deny');
  });

  it('106010, 106014, 106023: src/dst with interfaces, "protocol N", ICMP type/code, users, host names, context prefixes', () => {
    expect(tuple(event(`${H}%ASA-3-106010: Deny inbound protocol 103 src inside:172.31.98.44 dst inside:192.168.2.2`))).toBe('172.31.98.44 > 192.168.2.2 pim deny');
    expect(tuple(event(`${H}%ASA-3-106010: Deny inbound sctp src fw111:10.10.10.10/5114 dst fw111:10.10.10.11/2`))).toBe('10.10.10.10:5114 > 10.10.10.11:2 sctp deny');
    expect(tuple(event(`${H}%ASA-3-106014: Deny inbound icmp src outside:203.0.113.9 dst inside:10.20.30.40 (type 8, code 0)`))).toBe('203.0.113.9 > 10.20.30.40 icmp deny');
    expect(tuple(event(`${H}%ASA-4-106023: Deny tcp src outside:198.51.100.77/40022 dst inside:10.20.30.40/104 by access-group "outside_access_in" [0x5063b82f, 0x0]`))).toBe('198.51.100.77:40022 > 10.20.30.40:104 tcp deny');
    expect(tuple(event(`${H}%ASA-4-106023: Deny tcp src dmz:10.1.2.30/63016 dst outside:192.168.0.8/53 type 3, code 0, by access-group "acl_dmz" [0xe3aab522, 0x0]`))).toBe('10.1.2.30:63016 > 192.168.0.8:53 tcp deny');
    expect(tuple(event(`${H}%ASA-4-106023: Deny protocol 47 src outside:81.2.69.144 dst inside:172.31.98.44 by access-group "inbound"`))).toBe('81.2.69.144 > 172.31.98.44 gre deny');
    expect(tuple(event(`${H}%ASA-4-106023: Deny udp src Inside:10.123.123.123/57621(LOCAL\\Elastic) dst Outside:10.123.123.124/57621 by access-group "Inside_access_in" [0x0, 0x0]`))).toBe('10.123.123.123:57621 > 10.123.123.124:57621 udp deny');
    expect(tuple(event(`${H}%ASA-4-106023: Deny tcp src outside:10.10.10.2/56444 dst srv:192.168.2.2/51635(testhostname.domain) by access-group "global_access_1"`))).toBe('10.10.10.2:56444 > 192.168.2.2:51635 tcp deny');
    expect(tuple(event(`${H}%ASA-4-106023: Deny udp src v1:outside:10.8.1.9/54864 dst v2:inside:172.16.1.3/53 by access-group "outside_acl" [0x0, 0x0]`))).toBe('10.8.1.9:54864 > 172.16.1.3:53 udp deny');
    expect(tuple(event(`${H}%ASA-4-106023: Deny icmp src OUTSIDE:2001:db8:add:4002::7 dst OUTSIDE:2001:db8:20::40 (type 128, code 0) by access-group "OUTSIDE_in"`))).toBe('2001:db8:add:4002::7 > 2001:db8:20::40 ipv6-icmp deny');
  });

  it('106012, 106013, 106016, 106017, 106018, 106020, 106021, 106022, 106027: address-only denies and drops', () => {
    expect(tuple(event(`${H}%ASA-4-106012: Deny IP from 10.1.2.1 to 172.31.98.44, IP options: "Router Alert"`))).toBe('10.1.2.1 > 172.31.98.44 - deny');
    expect(tuple(event(`${H}%ASA-2-106013: Dropping echo request from 203.0.113.9 to PAT address 198.51.100.2`))).toBe('203.0.113.9 > 198.51.100.2 icmp drop');
    expect(tuple(event(`${H}%ASA-2-106016: Deny IP spoof from (0.0.0.0) to 192.168.99.47 on interface Mobile_Traffic`))).toBe('0.0.0.0 > 192.168.99.47 - deny');
    expect(tuple(event(`${H}%ASA-2-106017: Deny IP due to Land Attack from 10.20.30.40 to 10.20.30.40`))).toBe('10.20.30.40 > 10.20.30.40 - deny');
    expect(tuple(event(`${H}%ASA-2-106018: ICMP packet type 8 denied by outbound list acl_out src 10.20.5.17 dest 192.0.2.9`))).toBe('10.20.5.17 > 192.0.2.9 icmp deny');
    expect(tuple(event(`${H}%ASA-2-106020: Deny IP teardrop fragment (size = 28, offset = 0) from 203.0.113.9 to 10.20.30.40`))).toBe('203.0.113.9 > 10.20.30.40 - deny');
    expect(tuple(event(`${H}%ASA-1-106021: Deny TCP reverse path check from 10.20.30.40 to 203.0.113.7 on interface outside`))).toBe('10.20.30.40 > 203.0.113.7 tcp deny');
    expect(tuple(event(`${H}%ASA-1-106022: Deny UDP connection spoof from 10.20.30.40 to 203.0.113.7 on interface outside`))).toBe('10.20.30.40 > 203.0.113.7 udp deny');
    expect(tuple(event(`${H}%ASA-4-106027: outside_ether: Deny src 203.0.113.9 dst 10.20.30.40 by access-group "outside_ether"`))).toBe('203.0.113.9 > 10.20.30.40 - deny');
  });

  it('106100, 106102, 106103: ACL hits, permitted / est-allowed / denied, with users after the source', () => {
    expect(tuple(event(`${H}%ASA-6-106100: access-list outside_access_in permitted tcp outside/203.0.113.50(49152) -> inside/10.20.30.40(104) hit-cnt 1 first hit [0x5063b82f, 0x0]`))).toBe('203.0.113.50:49152 > 10.20.30.40:104 tcp allow');
    expect(tuple(event(`${H}%ASA-5-106100: access-list acl_in est-allowed tcp inside/10.0.0.46(49840) -> outside/192.168.0.88(40443) hit-cnt 1 first hit [0x71a87d94, 0x0]`))).toBe('10.0.0.46:49840 > 192.168.0.88:40443 tcp allow');
    expect(tuple(event(`${H}%ASA-6-106100: access-list inside denied udp inside/172.29.2.101(1039) -> outside/192.168.2.10(53) hit-cnt 1 first hit [0xd820e56a, 0x0]`))).toBe('172.29.2.101:1039 > 192.168.2.10:53 udp deny');
    expect(tuple(event(`${H}%ASA-6-106100: access-list incoming permitted udp dmz2/127.2.3.4(56575)(LOCAL\\\\username) -> inside/127.3.4.5(53) hit-cnt 1 first hit [0x93d0e533, 0x578ef52f]`))).toBe('127.2.3.4:56575 > 127.3.4.5:53 udp allow');
    expect(tuple(event(`${H}%ASA-session-3-106102: access-list dev_inward_client permitted udp for user redacted outside/10.123.123.20(49721) -> inside/10.223.223.40(53) hit-cnt 1 first hit [0x3c8b88c1, 0xbee595c3]`))).toBe('10.123.123.20:49721 > 10.223.223.40:53 udp allow');
    expect(tuple(event(`${H}%ASA-4-106103: access-list TEST_ACL_LIST denied tcp for user 'user name' outside/81.2.69.142(51950) -> inside/89.160.20.112(443) hit-cnt 1 first hit [0xd3e666fa, 0x0]`))).toBe('81.2.69.142:51950 > 89.160.20.112:443 tcp deny');
    // For ICMP the parenthesised numbers are the type and code (Cisco: "or ICMP type"): not ports.
    expect(tuple(event(`${H}%ASA-6-106100: access-list acl_in permitted icmp inside/10.20.5.17(8) -> outside/192.0.2.9(0) hit-cnt 1 first hit [0x1, 0x0]`))).toBe('10.20.5.17 > 192.0.2.9 icmp allow');
  });

  it('313004, 313005, 313009: ICMP denies; 313005 is about the original packet the ICMP error carries', () => {
    expect(tuple(event(`${H}%ASA-4-313004: Denied ICMP type=0, from laddr 10.20.30.40 on interface inside to 203.0.113.9: no matching session`))).toBe('10.20.30.40 > 203.0.113.9 icmp deny');
    expect(tuple(event(`${H}%ASA-4-313005: No matching connection for ICMP error message: icmp src outside:192.0.2.254 dst inside:10.20.30.40 (type 3, code 3) on outside interface.  Original IP payload: tcp src 10.20.30.40/104 dst 203.0.113.7/51515.`)))
      .toBe('10.20.30.40:104 > 203.0.113.7:51515 tcp deny');
    expect(tuple(event(`${H}%ASA-4-313005: No matching connection for ICMP error message: icmp src outside:192.168.2.2(LOCAL\\myUser1234, 9999:my_SgtName) dst inside:192.168.2.3 (type 3, code 3) on outside interface.  Original IP payload: udp src 192.168.2.3/53 dst 192.168.2.2/54860.`)))
      .toBe('192.168.2.3:53 > 192.168.2.2:54860 udp deny');
    expect(tuple(event(`${H}%ASA-4-313005: No matching connection for ICMP error message: icmp src srcif:192.168.2.2 dst dstif:192.168.2.3 (type 3, code 2) on srcif interface. Original IP payload: protocol 51 src 192.168.2.2 dst 192.168.2.3.`)))
      .toBe('192.168.2.2 > 192.168.2.3 ah deny');
    expect(tuple(event(`${H}%ASA-4-313009: Denied invalid ICMP code 9, for Inside:10.255.0.206/8795 (10.255.0.206/8795) to identity:10.12.31.51/0 (10.12.31.51/0), ICMP id 295, ICMP type 8`)))
      .toBe('10.255.0.206 > 10.12.31.51 icmp deny');
  });

  it('110002, 305013, 338xxx, 419001, 419002, 434002: the rest of the packet-level messages', () => {
    expect(tuple(event(`${H}%ASA-6-110002: Failed to locate egress interface for TCP from outside:203.0.113.7/7777 to 10.20.30.40/104`))).toBe('203.0.113.7:7777 > 10.20.30.40:104 tcp -');
    expect(tuple(event(`${H}%FTD-5-305013: Asymmetric NAT rules matched for forward and reverse flows; Connection for tcp src WAN:192.168.2.50/556(LOCAL\\charlie) dst LAN:10.0.0.55/7000 denied due to NAT reverse path failure`.replace('%FTD', '%ASA')))).toBe('192.168.2.50:556 > 10.0.0.55:7000 tcp deny');
    expect(tuple(event(`${H}%ASA-4-338002: Dynamic Filter permitted black listed TCP traffic from inside:10.1.1.45/6798 (192.168.99.1/7890) to outside:192.168.99.129/80 (192.168.99.129/80), destination 192.168.99.129 resolved from dynamic list: bad.example.com`))).toBe('10.1.1.45:6798 > 192.168.99.129:80 tcp allow');
    expect(tuple(event(`${H}%ASA-4-338004: Dynamic Filter monitored blacklisted TCP traffic from inside:10.1.1.1/33340 (10.2.1.1/33340) to outsidet:192.168.2.223/80 (192.168.2.223/80), destination 192.168.2.223 resolved from dynamic list: 192.168.2.223/255.255.255.255, threat-level: very-high, category: Malware`))).toBe('10.1.1.1:33340 > 192.168.2.223:80 tcp -');
    expect(tuple(event(`${H}%ASA-4-338008: Dynamic Filter dropped blacklisted TCP traffic from inside:10.1.1.1/33340 (10.2.1.1/33340) to outsidet:192.168.2.223/80 (192.168.2.223/80), destination 192.168.2.223 resolved from dynamic list: 192.168.2.223/255.255.255.255, threat-level: very-high, category: Malware`))).toBe('10.1.1.1:33340 > 192.168.2.223:80 tcp drop');
    expect(tuple(event(`${H}%ASA-4-419001: Dropping TCP packet from outside:203.0.113.7/51515 to inside:10.20.30.40/104, reason: MSS exceeded, MSS 1380, data 1460`))).toBe('203.0.113.7:51515 > 10.20.30.40:104 tcp drop');
    expect(tuple(event(`${H}%ASA-4-419002: Received duplicate TCP SYN from outside:203.0.113.7/51600 to inside:10.20.30.40/104 with different initial sequence number`))).toBe('203.0.113.7:51600 > 10.20.30.40:104 tcp -');
    expect(tuple(event(`${H}%ASA-4-419002: Duplicate TCP SYN from outside:203.0.113.7/7777 to inside:10.20.30.40/104 with different initial sequence number`))).toBe('203.0.113.7:7777 > 10.20.30.40:104 tcp -');
    expect(tuple(event(`${H}%ASA-4-434002: SFR requested to drop TCP packet from outside:203.0.113.7/8888 to inside:10.20.30.40/104`))).toBe('203.0.113.7:8888 > 10.20.30.40:104 tcp drop');
  });

  it('710002–710006: traffic to the device itself, permitted, denied, over the limit or discarded', () => {
    expect(tuple(event(`${H}%ASA-7-710002: TCP access permitted from 10.20.0.5/52000 to inside:10.20.0.1/443`))).toBe('10.20.0.5:52000 > 10.20.0.1:443 tcp allow');
    expect(tuple(event(`${H}%ASA-3-710003: TCP access denied by ACL from 203.0.113.45/50210 to outside:198.51.100.1/22`))).toBe('203.0.113.45:50210 > 198.51.100.1:22 tcp deny');
    expect(tuple(event(`${H}%ASA-3-710004: TCP connection limit exceeded from 203.0.113.45/50211 to outside:198.51.100.1/22`))).toBe('203.0.113.45:50211 > 198.51.100.1:22 tcp drop');
    expect(tuple(event(`${H}%ASA-7-710005: UDP request discarded from 203.0.113.45/5060 to outside:198.51.100.1/5060`))).toBe('203.0.113.45:5060 > 198.51.100.1:5060 udp drop');
    expect(tuple(event(`${H}%ASA-7-710006: ESP request discarded from 203.0.113.45 to outside:198.51.100.1`))).toBe('203.0.113.45 > 198.51.100.1 esp drop');
  });

  it('FTD 430001–430005: Key: value pairs, the rule action, initiator + responder counters', () => {
    const e = event(`${F}%FTD-1-430003: EventPriority: Low, DeviceUUID: 5c12, InstanceID: 5, FirstPacketSecond: 2026-03-16T10:14:54Z, ConnectionID: 56696, AccessControlRuleAction: Block with reset, SrcIP: 10.0.1.20, DstIP: 10.0.100.30, SrcPort: 50815, DstPort: 7680, Protocol: tcp, User: Not Found, ConnectionDuration: 0, InitiatorPackets: 3, ResponderPackets: 1, InitiatorBytes: 261, ResponderBytes: 66`);
    expect(e).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '10.0.1.20', srcPort: 50815, dstIp: '10.0.100.30', dstPort: 7680, protocol: 'tcp', action: 'reset',
      bytes: 327, packets: 4, device: 'ftd-core01', vendor: 'Cisco', product: 'FTD', format: 'cisco-ftd', file: 'asa.log', line: 1,
    });
    const actions = ['Allow', 'Trust', 'Fastpath', 'Block', 'Interactive Block', 'Monitor'].map((a) =>
      event(`${F}%FTD-1-430002: AccessControlRuleAction: ${a}, SrcIP: 203.0.113.50, DstIP: 10.20.30.40, SrcPort: 49152, DstPort: 104, Protocol: tcp, IngressInterface: outside`).action);
    expect(actions).toEqual(['allow', 'allow', 'allow', 'deny', 'deny', undefined]);
    expect(event(`${F}%FTD-1-430001: SrcIP: 198.51.100.99, DstIP: 10.20.30.40, SrcPort: 44321, DstPort: 104, Protocol: tcp, Message: DICOM request, flow established, InlineResult: Blocked`).action).toBe('deny');
    expect(tuple(event(`${F}%FTD-1-430002: AccessControlRuleAction: Allow, SrcIP: 10.0.100.30, DstIP: 10.0.1.20, ICMPType: Echo Request, ICMPCode: No Code, Protocol: icmp, IngressInterface: output`))).toBe('10.0.100.30 > 10.0.1.20 icmp allow');
    expect(tuple(event(`${F}%FTD-1-430004: SrcIP: 10.20.5.17, DstIP: 192.0.2.80, SrcPort: 60112, DstPort: 443, Protocol: tcp, FileDirection: Download, FileAction: Detect`))).toBe('10.20.5.17:60112 > 192.0.2.80:443 tcp -');
    expect(tuple(event(`${F}%FTD-1-430005: SrcIP: 10.20.5.17, DstIP: 192.0.2.80, SrcPort: 60112, DstPort: 443, Protocol: tcp, FileAction: Malware Block, ThreatName: Eicar`))).toBe('10.20.5.17:60112 > 192.0.2.80:443 tcp -');
    // A comma inside a value (no `Key:` after it) stays in the value; colons inside values too.
    expect([...securityEventFields('Message: a, b, c, Endpoint Profile: Workstation:Microsoft, URL: http://x/?a=1,2')]).toEqual([
      ['Message', 'a, b, c'], ['Endpoint Profile', 'Workstation:Microsoft'], ['URL', 'http://x/?a=1,2'],
    ]);
  });

  it('FTD writes the ASA catalogue: same sides, same directions (an outbound build is sourced inside)', () => {
    expect(event(`${F}%FTD-6-302013: Built outbound TCP connection 1 for outside:192.0.2.80/443 (192.0.2.80/443) to inside:10.20.5.17/60112 (198.51.100.2/38211)`))
      .toMatchObject({ srcIp: '10.20.5.17', dstIp: '192.0.2.80', dstPort: 443, format: 'cisco-ftd', product: 'FTD' });
  });

  it('"message repeated N times: [ … ]" is the message inside, once', () => {
    expect(tuple(event('Jan 23 15:10:55 10.10.10.1 %ASA-2-106006: message repeated 2 times: [ Deny inbound UDP from 192.168.2.66/137 to 10.1.2.42/137 on interface inside]')))
      .toBe('192.168.2.66:137 > 10.1.2.42:137 udp deny');
  });
});

describe('skips and errors', () => {
  it('recognised messages that are not a connection\'s record are NOT_A_CONNECTION', () => {
    for (const body of [
      '%ASA-6-305011: Built dynamic TCP translation from inside:10.20.5.17/60112 to outside:198.51.100.2/38211',
      '%ASA-6-305012: Teardown dynamic UDP translation from inside:10.20.5.17/54230 to outside:198.51.100.2/54230 duration 0:00:30',
      '%ASA-3-313001: Denied ICMP type=3, code=3 from 203.0.113.9 on interface outside',
      '%ASA-3-313008: Denied IPv6-ICMP type=134, code=0 from fe80::1ff:fe23:4567:890a on interface ISP1',
      '%ASA-6-302022: Built director stub TCP connection for fw1:10.10.10.10/38540 (8.8.8.5/38540) to net:192.168.2.2/10051 (81.2.69.144/10051)',
      '%ASA-6-302023: Teardown stub TCP connection for fw1:10.10.10.10/39210 to net:192.168.2.2/10051 duration 0:00:00 forwarded bytes 0 Cluster flow with CLU closed on owner',
      '%ASA-6-805001: Offloaded TCP Flow for connection 1 from fw1:10.10.10.10/111 (81.2.69.144/111) to fw1:192.168.2.2/111 (81.2.69.144/111)',
      '%ASA-6-303002: FTP connection from net:192.168.2.2/63656 to fw111:10.192.18.4/21, user testuser Stored file /tmp.log',
      '%ASA-5-304001: 10.30.30.30 Accessed URL 192.168.2.1:/app',
      '%ASA-6-607001: Pre-allocate SIP Via UDP secondary channel for vrf1:10.13.170.13/5060 to App:172.16.90.3 from OPTIONS message',
      '%ASA-6-113039: Group <RemoteAccess> User <drsmith> IP <203.0.113.120> AnyConnect parent session started.',
      '%ASA-6-602303: IPSEC: An outbound LAN-to-LAN SA (SPI= 0xF81283) between 81.2.69.144 and 192.168.2.2 (user= admin) has been created.',
      '%ASA-6-605005: Login permitted from 10.10.0.87/6651 to FCD-FS-LAN:10.10.1.254/ssh for user "admin"',
      '%ASA-4-313005: No matching connection for ICMP error message: icmp src inside:10.11.15.31 dst GWAN:10.11.40.51 (type 3, code 2) on inside interface. Original IP payload: <unknown>.',
      '%FTD-6-113005: AAA user authentication Rejected : reason = AAA failure : server = 10.20.0.10 : user = ***** : user IP = 203.0.113.120',
    ]) expect(code(`${H}${body}`), body).toBe('NOT_A_CONNECTION');
  });

  it('a line cut short or not in the documented layout is MALFORMED, never NOT_MINE nor a wrong event', () => {
    for (const body of [
      '%ASA-6-302013: Built inbound TCP connection 48430 for outside:203.0.113.7/51777 (203.0.113.7/51777) to inside:10.20.30.40/10',
      '%ASA-6-302013: Built inbound TCP connection 48430 for outside:203.0.113.7/51777',
      '%ASA-6-302014: Teardown TCP connection 48211 for outside:203.0.113.7/51515 to inside:10.20.30.40/10',
      '%ASA-6-302014: Teardown TCP connection 48211 for outside:203.0.113.7/51515 to inside:10.20.30.40/104 duration 0:00:07 bytes',
      '%ASA-4-106023: Deny tcp src outside:198.51.100.77/40022 dst inside:10.20.30.40/10',
      '%ASA-6-106100: access-list outside_access_in permitted tcp outside/203.0.113.50(49152) -> inside/10.20.30.40(10',
      '%ASA-2-106006: Deny inbound UDP from 198.51.100.23/40000 to 10.20.30.42/111',
      '%ASA-6-302020: Built inbound ICMP connection for faddr 203.0.113.9/1 gaddr 198.51.100.10/0',
      '%ASA-4-313005: No matching connection for ICMP error message: icmp src outside:192.0.2.254 dst inside:10.20.30.40 (type 3, code 3)',
      '%FTD-1-430002: EventPriority: Low, DeviceUUID: 3f2a',
      '%FTD-1-430002: AccessControlRuleAction: Allow, SrcIP: 203.0.113.50, DstIP: 10.20.30.40, SrcPort: 49152, DstPort: 10',
    ]) expect(code(`${H}${body}`), body).toBe('MALFORMED');
  });

  it('a host name where the address belongs is BAD_ADDRESS, naming the message\'s field; no time is MISSING_FIELD', () => {
    const o = outcome(`${H}%ASA-6-302013: Built inbound TCP connection 1 for DMZ:shule/5802 (shule/5802) to SERVERS:10.10.227.121/80 (10.10.227.121/80)`);
    expect(o).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS', message: '302013 for: not an IP address: "shule"' });
    expect(code(`${H}%ASA-6-106100: access-list t denied tcp insideintf/somedomainname.local(27218) -> OUTSIDE/192.168.157.61(53) hit-cnt 1 first hit [0x1, 0x0]`)).toBe('BAD_ADDRESS');
    expect(code('LOCAL4.WARNING: fw-1 %ASA-4-106023: Deny udp src outside:10.8.1.9/54864 dst inside:172.16.1.3/53 by access-group "a" [0x0, 0x0]')).toBe('MISSING_FIELD');
    expect(code('Mar 16 10:15:02 asa01 : %ASA-4-106023: Deny udp src outside:10.8.1.9/54864 dst inside:172.16.1.3/53 by access-group "a" [0x0, 0x0]', { year: undefined })).toBe('BAD_TIME');
  });
});

describe('the fixtures (written from Cisco\'s syslog guides, hand-checked)', () => {
  for (const name of ['cisco-asa', 'cisco-ftd']) {
    it(`dicomwatch parse fixtures/syslog/${name}.log --year 2026 prints the expected events`, async () => {
      const r = await runCli(['parse', `fixtures/syslog/${name}.log`, '--year', '2026']);
      expect(r.code).toBe(0);
      const expected = readFileSync(new URL(`../fixtures/syslog/${name}.expected.jsonl`, import.meta.url), 'utf8');
      expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(expected.trimEnd().split('\n').map((l) => JSON.parse(l)));
    });
  }

  it('the ASA fixture: one outcome per line, the skips and errors where the file says', () => {
    const text = readFileSync(new URL('../fixtures/syslog/cisco-asa.log', import.meta.url), 'utf8');
    const { outcomes, info } = parseText(text, { ...ctx, file: 'fixtures/syslog/cisco-asa.log' });
    const notEvents = outcomes.filter((o) => o.kind !== 'events').map((o) => `${o.line} ${'code' in o ? o.code : ''}`);
    expect(notEvents).toEqual(['20 NOT_A_CONNECTION', '24 NOT_A_CONNECTION', '27 BAD_ADDRESS', '28 NOT_A_CONNECTION', '29 MALFORMED']);
    expect(info).toMatchObject({ records: 37, parsed: 32, skipped: 3, errors: 2 });
  });

  it('scan finds the external sources of DICOM traffic in both', async () => {
    const r = await runCli(['scan', 'fixtures/syslog/cisco-asa.log', 'fixtures/syslog/cisco-ftd.log', '--year', '2026', '--output', 'csv']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('SourceIP,DestinationIP,TimeGenerated,count_');
    expect(rows).toContain('203.0.113.7,10.20.30.40,2026-03-16T10:00:00.000Z,6');
    expect(rows).toContain('2001:db8:100::7,2001:db8:20::40,2026-03-16T10:00:00.000Z,2');
    // Internal sources (the PACS answering, an inside client) never alert.
    expect(rows.some((row) => row.startsWith('10.'))).toBe(false);
  });
});

describe('the pre-filter: scan and parse agree', () => {
  for (const name of ['cisco-asa', 'cisco-ftd']) {
    it(`${name}: FILTERED replaces only events whose dstPort is not 104 (or value errors); structural outcomes are identical`, () => {
      const text = readFileSync(new URL(`../fixtures/syslog/${name}.log`, import.meta.url), 'utf8');
      const parse = parseText(text, ctx).outcomes;
      const scan = parseText(text, { ...ctx, prefilter: PREFILTER }).outcomes;
      expect(scan).toHaveLength(parse.length);
      let filtered = 0;
      scan.forEach((s, i) => {
        const p = parse[i]!;
        if (s.kind === 'skip' && s.code === 'FILTERED' && p.kind !== 'skip') {
          filtered++;
          if (p.kind === 'events') expect(p.events.every((e) => e.dstPort !== undefined && e.dstPort !== 104)).toBe(true);
          else expect(['BAD_ADDRESS', 'BAD_TIME', 'MISSING_FIELD']).toContain(p.code);
        } else {
          expect(s).toEqual(p);
        }
      });
      expect(filtered).toBeGreaterThan(0);
    });
  }
});

describe('bad input never throws nor makes a wrong event', () => {
  const samples = [
    `${H}%ASA-6-302013: Built inbound TCP connection 48211 for outside:203.0.113.7/51515 (203.0.113.7/51515) to inside:10.20.30.40/104 (198.51.100.10/104)`,
    `${H}%ASA-6-302014: Teardown TCP connection 48211 for outside:203.0.113.7/51515 to inside:10.20.30.40/104 duration 0:00:07 bytes 18230 TCP FINs`,
    `${H}%ASA-4-106023: Deny tcp src outside:198.51.100.77/40022 dst inside:10.20.30.40/104 by access-group "outside_access_in" [0x5063b82f, 0x0]`,
    `${H}%ASA-6-106100: access-list outside_access_in permitted tcp outside/203.0.113.50(49152) -> inside/10.20.30.40(104) hit-cnt 1 first hit [0x5063b82f, 0x0]`,
    `${H}%ASA-2-106006: Deny inbound UDP from 198.51.100.23/40000 to 10.20.30.42/104 on interface outside`,
    `${F}%FTD-1-430002: AccessControlRuleAction: Allow, SrcIP: 203.0.113.50, DstIP: 10.20.30.40, SrcPort: 49152, DstPort: 104, Protocol: tcp, InitiatorBytes: 140`,
  ];
  const key = (e: NetworkEvent | JsonEvent) => `${e.srcIp} ${e.srcPort} ${e.dstIp} ${e.dstPort} ${e.protocol} ${e.action}`;

  it('every truncation of a sample line: an error or skip, or the full line\'s connection', () => {
    for (const sample of samples) {
      const full = key(event(sample));
      for (let i = H.length; i < sample.length; i++) {
        const { outcomes } = parseText(sample.slice(0, i), ctx);
        for (const o of outcomes) if (o.kind === 'events') for (const e of o.events) expect(key(e), sample.slice(0, i)).toBe(full);
      }
    }
  });

  it('garbage, replacement characters, a 1 MB line, hostile repetitions: one outcome per line, no exception', () => {
    const lines = [
      `${H}%ASA-6-302013:`, `${H}%ASA-6-302013: Built`, `${H}%ASA-6-302013: Built inbound TCP connection for to`,
      `${H}%ASA-6-106100: access-list a b c ) -> ( hit-cnt`, `${H}%ASA-6-106100: access-list ${'('.repeat(5000)} -> hit-cnt`,
      `${H}%ASA-4-313005: Original IP payload: tcp src dst .`, `${H}%FTD-1-430002: ${', :'.repeat(20000)}`,
      `${H}%ASA-6-302020: Built inbound ICMP connection for faddr  gaddr  laddr `, `${H}%ASA-\uFFFD-302013: \uFFFD\uFFFD`,
      `${H}%ASA-6-302013: Built inbound TCP connection 1 for outside:\uFFFD/1 (x/1) to inside:\uFFFD/104 (y/104)`,
      `${H}%ASA-6-302013: Built inbound TCP connection 1 for ${'a:'.repeat(100000)}/1 (x) to b:1.2.3.4/104 (y)`,
      `${H}%ASA-4-106023: Deny tcp src ${'x'.repeat(1 << 20)} dst inside:10.20.30.40/104 by access-group "a"`,
      `${'%ASA-'.repeat(1000)}6-302013: x`, '%', '%ASA', '%ASA-6', '%ASA-6-', '%FTD-1-430002: SrcIP', '\u0000\uFFFF',
    ];
    const forced = { ...ctx, format: 'syslog' };
    for (const line of lines) {
      expect(() => parseText(line, forced)).not.toThrow();
      const { outcomes } = parseText(line, forced);
      expect(outcomes).toHaveLength(1);
      if (outcomes[0]!.kind === 'events') throw new Error(`an event from garbage: ${line.slice(0, 80)}`);
    }
  });

  it('a mixed file: iptables, ASA and FTD lines each to its vendor, other lines counted', () => {
    const text = [
      'Mar 16 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=60 PROTO=TCP SPT=1 DPT=104',
      `${H}%ASA-4-106023: Deny tcp src outside:198.51.100.77/40022 dst inside:10.20.30.40/104 by access-group "a" [0x0, 0x0]`,
      'Mar 16 10:00:02 fw cron[1]: (root) CMD (run-parts /etc/cron.hourly)',
      `${F}%FTD-6-302013: Built inbound TCP connection 9001 for outside:203.0.113.7/51515 (203.0.113.7/51515) to inside:10.20.30.40/104 (198.51.100.10/104)`,
    ].join('\n');
    const { outcomes } = parseText(text, ctx);
    expect(outcomes.map((o) => (o.kind === 'events' ? o.events[0]!.format : o.code))).toEqual(['iptables', 'cisco-asa', 'UNRECOGNISED_FORMAT', 'cisco-ftd']);
  });
});

describe('deliberate differences from Elastic\'s cisco_asa / cisco_ftd pipelines (README: Cisco ASA and FTD)', () => {
  it('(1) a NAT slot is not a connection: its "to" side is the host\'s own mapped address', () => {
    expect(code(`${H}%ASA-6-305011: Built dynamic TCP translation from inside:172.31.98.44/1772 to outside:100.66.98.44/8256`)).toBe('NOT_A_CONNECTION');
  });

  it('(2) FTD "Built outbound" is sourced on the inside, as ASA\'s (Elastic\'s FTD pipeline keeps the written order)', () => {
    expect(tuple(event(`${F}%FTD-6-302013: Built outbound TCP connection 89743274 for outside:192.168.2.43/443 (192.168.2.43/443) to outside:10.123.3.42/4952 (10.123.3.42/12834)`)))
      .toBe('10.123.3.42:4952 > 192.168.2.43:443 tcp allow');
  });

  it('(3) 313005 is the original packet\'s connection, protocol included (Elastic: icmp with that packet\'s ports)', () => {
    expect(event(`${H}%ASA-4-313005: No matching connection for ICMP error message: icmp src srcif:192.168.2.2 dst dstif:192.168.2.3 (type 3, code 3) on myif interface. Original IP payload: udp src 192.168.2.2/53 dst 192.168.2.3/10872.`).protocol).toBe('udp');
  });

  it('(4) ICMP over IPv6 is ipv6-icmp; (5) ICMP type/code in 106100 are not ports', () => {
    expect(event(`${H}%ASA-4-106023: Deny icmp src OUTSIDE:2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 dst OUTSIDE:2a02:cf40:add:4002:91f2:a9b2:e09a:6fc7 (type 128, code 0) by access-group "OUTSIDE_in"`).protocol).toBe('ipv6-icmp');
    const e = event(`${H}%ASA-1-106103: access-list filter denied icmp for user joe inside/10.1.2.3(8) -> outside/81.2.69.144(0) hit-cnt 1 first hit [0x3c8b88c1, 0xbee595c3]`);
    expect([e.srcPort, e.dstPort, e.action]).toEqual([undefined, undefined, 'deny']);
  });

  it('(6) what ECS cannot say: discarded/dropped → drop, Block with reset → reset, Dynamic Filter permitted → allow', () => {
    expect(event(`${H}%ASA-7-710005: UDP request discarded from 192.168.2.2/68 to fw111:10.10.10.10/67`).action).toBe('drop');
    expect(event(`${H}%ASA-2-106013: Dropping echo request from 203.0.113.9 to PAT address 198.51.100.2`).action).toBe('drop');
    expect(event(`${F}%FTD-1-430003: AccessControlRuleAction: Block with reset, SrcIP: 10.0.1.20, DstIP: 10.0.100.30, SrcPort: 50815, DstPort: 7680, Protocol: tcp, User: Not Found`).action).toBe('reset');
  });

  it('(7) a port above 65535 (Elastic\'s synthetic samples) is left out, the event kept', () => {
    const e = event(`${H}%ASA-4-434002: SFR requested to drop TCP packet from sourceInterfaceName:81.2.69.144/8888 to destinationInterfaceName:192.168.2.2/514514`);
    expect([e.srcPort, e.dstPort]).toEqual([8888, undefined]);
  });

  it('teardowns state no direction: the first side (laddr for 302021) is the source, as Elastic takes it', () => {
    expect(tuple(event(`${H}%ASA-6-302014: Teardown TCP connection 11749 for outside:100.66.211.242/80 to inside:172.31.98.44/1758 duration 0:01:07 bytes 38110 TCP Reset-I`)))
      .toBe('100.66.211.242:80 > 172.31.98.44:1758 tcp allow');
  });
});
