/**
 * Fortinet FortiGate key=value logs (src/parsers/syslog/fortigate.ts): every log type the module reads, the time
 * rules, the decisions, what is not a connection, what is malformed, the fixture's hand-checked events, the
 * pre-filter parity and bad input.
 */
import type { JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { NetworkEvent } from '../src/model/event.js';
import { parseText } from '../src/parsers/record-parser.js';
import { fortigateFormat } from '../src/parsers/syslog/fortigate.js';
import { NOT_MINE } from '../src/parsers/syslog/message.js';
import { runCli } from './helpers/cli.js';
import { codes, events, expectGarbageSafe, expectPrefilterParity, expectTruncationsSafe, outcomeOf } from './helpers/kv-firewall.js';

const ctx = { file: 'fgt.log', tz: 'UTC', year: 2026 };
const fixtureUrl = new URL('../fixtures/syslog/fortigate.log', import.meta.url);
const fixture = readFileSync(fixtureUrl, 'utf8');

const HEAD = 'date=2026-03-16 time=11:15:02 devname="FGT-KH-EDGE01" devid="FG100FTK21001234" eventtime=1773656102431877540 tz="+0100"';
const TRAFFIC_DENY = `<189>${HEAD} logid="0000000013" type="traffic" subtype="forward" level="warning" vd="root" srcip=203.0.113.7 srcport=51515 srcintf="wan1" dstip=10.20.1.15 dstport=104 dstintf="pacs" sessionid=8812331 proto=6 action="deny" policyid=0 service="DICOM" trandisp="noop" duration=0 sentbyte=0 rcvdbyte=0 sentpkt=0 rcvdpkt=0 appcat="unscanned"`;

function one(line: string, extra: Partial<typeof ctx> = {}): JsonEvent {
  const { outcomes } = parseText(line, { ...ctx, ...extra });
  expect(codes(outcomes)).toEqual(['events']);
  return events(outcomes)[0]!;
}

function code(line: string): string {
  return codes(parseText(line, ctx).outcomes)[0]!;
}

function traffic(action: string, more = ''): string {
  return TRAFFIC_DENY.replace('action="deny"', `action="${action}"`) + more;
}

describe('FortiGate traffic logs', () => {
  it('a forward deny: the session\'s own ends, the decision, the counters, the device from devname', () => {
    expect(one(TRAFFIC_DENY)).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.1.15', dstPort: 104,
      protocol: 'tcp', action: 'deny', bytes: 0, packets: 0, device: 'FGT-KH-EDGE01', vendor: 'Fortinet',
      product: 'FortiGate', format: 'fortigate', file: 'fgt.log', line: 1,
    });
  });

  it('accept (a non-TCP session that ended) is allow; session-end and lifecycle values state no decision', () => {
    expect(one(traffic('accept')).action).toBe('allow');
    for (const word of ['close', 'timeout', 'client-rst', 'server-rst', 'start', 'ip-conn', 'dns', 'reset']) {
      expect(one(traffic(word)).action, word).toBeUndefined();
    }
  });

  it('FortiOS 5.0 wrote the session status in status=', () => {
    const line = TRAFFIC_DENY.replace('action="deny"', 'status=deny');
    expect(one(line).action).toBe('deny');
  });

  it('NAT is kept apart: a DNAT (VIP) session keeps the address the client connected to, an SNAT one the client', () => {
    const dnat = TRAFFIC_DENY.replace('dstip=10.20.1.15', 'dstip=203.0.113.50').replace('trandisp="noop"', 'trandisp="dnat" tranip=10.20.1.15 tranport=11112');
    expect(one(dnat)).toMatchObject({ srcIp: '203.0.113.7', dstIp: '203.0.113.50', dstPort: 104 });
    const snat = TRAFFIC_DENY.replace('trandisp="noop"', 'trandisp="snat" transip=198.51.100.1 transport=60001');
    expect(one(snat)).toMatchObject({ srcIp: '203.0.113.7', srcPort: 51515 });
  });

  it('IPv6 and ICMP sessions; the protocol number as its IANA keyword', () => {
    const v6 = TRAFFIC_DENY.replace('srcip=203.0.113.7', 'srcip=2001:DB8:FEED:0:0:0:0:7').replace('dstip=10.20.1.15', 'dstip=2001:db8:100::15');
    expect(one(v6)).toMatchObject({ srcIp: '2001:db8:feed::7', dstIp: '2001:db8:100::15' });
    const icmp = TRAFFIC_DENY.replace(' srcport=51515', '').replace(' dstport=104', '').replace('proto=6', 'proto=1');
    const event = one(icmp);
    expect(event.protocol).toBe('icmp');
    expect(event.dstPort).toBeUndefined();
  });

  it('bytes and packets only when both directions are given; N/A is no value', () => {
    expect(one(TRAFFIC_DENY.replace(' rcvdbyte=0', '')).bytes).toBeUndefined();
    expect(one(TRAFFIC_DENY.replace('sentbyte=0 rcvdbyte=0', 'sentbyte=1152 rcvdbyte=1130'))).toMatchObject({ bytes: 2282, packets: 0 });
    expect(one(TRAFFIC_DENY.replace('devname="FGT-KH-EDGE01"', 'devname="N/A"')).device).toBeUndefined();
  });
});

describe('FortiGate utm and dns logs', () => {
  const utm = (action: string) => `<185>${HEAD} logid="0419016384" type="utm" subtype="ips" eventtype="signature" level="alert" vd="root" srcip=192.0.2.44 srcport=47120 srcintf="wan1" dstip=10.20.1.15 dstport=104 dstintf="pacs" sessionid=8812540 action="${action}" proto=6 service="DICOM" attack="DICOM.Malformed.Association.Request" msg="applications3: DICOM.Malformed.Association.Request"`;

  it('a security profile\'s verdict: pass/passthrough allow, block(ed) deny, dropped drop, reset reset; detected none', () => {
    const expected: Record<string, string | undefined> = {
      pass: 'allow', passthrough: 'allow', blocked: 'deny', block: 'deny', dropped: 'drop', reset: 'reset', detected: undefined, monitored: undefined,
    };
    for (const [word, action] of Object.entries(expected)) expect(one(utm(word)).action, word).toBe(action);
    expect(one(utm('dropped'))).toMatchObject({ srcIp: '192.0.2.44', dstIp: '10.20.1.15', dstPort: 104, protocol: 'tcp' });
  });

  it('FortiOS 6.0 dns logs are read like utm ones', () => {
    const dns = `${HEAD} logid="1501054802" type="dns" subtype="dns-response" srcip=10.20.5.40 srcport=53430 dstip=192.0.2.53 dstport=53 proto=17 qname="pacs.example.org" action="pass" msg="Domain is monitored"`;
    expect(one(dns)).toMatchObject({ srcIp: '10.20.5.40', dstIp: '192.0.2.53', dstPort: 53, protocol: 'udp', action: 'allow' });
  });
});

describe('FortiGate event logs', () => {
  it('an event that names both ends is a connection (admin login), with no decision', () => {
    const login = `${HEAD} logid="0100032001" type="event" subtype="system" level="information" vd="root" logdesc="Admin login successful" user="admin" srcip=10.20.9.4 dstip=10.20.9.1 action="login" status="success"`;
    const event = one(login);
    expect(event).toMatchObject({ srcIp: '10.20.9.4', dstIp: '10.20.9.1' });
    expect(event.action).toBeUndefined();
  });

  it('VPN: the remote peer is the source, unless the FortiGate says it initiated (a deliberate difference from Elastic)', () => {
    const vpn = (extra: string) => `${HEAD} logid="0101037127" type="event" subtype="vpn" logdesc="Progress IPsec phase 1" action="negotiate" remip=198.51.100.200 locip=203.0.113.2 remport=500 locport=4500 ${extra}`;
    expect(one(vpn('init="remote" role="responder"'))).toMatchObject({ srcIp: '198.51.100.200', srcPort: 500, dstIp: '203.0.113.2', dstPort: 4500 });
    expect(one(vpn('status="negotiate_error"'))).toMatchObject({ srcIp: '198.51.100.200', dstIp: '203.0.113.2' });
    // Elastic makes remip the source of every VPN log; init="local" role="initiator" says the FortiGate opened it.
    expect(one(vpn('init="local" dir="outbound" role="initiator"'))).toMatchObject({ srcIp: '203.0.113.2', srcPort: 4500, dstIp: '198.51.100.200', dstPort: 500 });
  });

  it('an event without both ends is NOT_A_CONNECTION (system, FSSO logon with srcip only, SSL VPN with remip only)', () => {
    const perf = `${HEAD} logid="0100040704" type="event" subtype="system" logdesc="System performance statistics" action="perf-stats" cpu=3 msg="Performance statistics: average CPU: 3"`;
    const fsso = `${HEAD} logid="0102043014" type="event" subtype="user" logdesc="FSSO logon authentication status" srcip=10.10.10.10 user="u" action="FSSO-logon"`;
    const ssl = `${HEAD} logid="0101039943" type="event" subtype="vpn" logdesc="SSL VPN new connection" action="ssl-new-con" remip=192.0.2.7 user="N/A"`;
    const { outcomes } = parseText([perf, fsso, ssl].join('\n'), ctx);
    expect(codes(outcomes)).toEqual(['NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'NOT_A_CONNECTION']);
    expect(outcomes[0]).toMatchObject({ message: expect.stringContaining('System performance statistics') });
  });
});

describe('FortiGate time', () => {
  it('date + time in the zone tz= states, which wins over --tz', () => {
    expect(one(TRAFFIC_DENY, { tz: 'America/New_York' }).time).toBe('2026-03-16T10:15:02.000Z');
    for (const [tz, time] of [['-0500', '2026-03-16T16:15:02.000Z'], ['+05:30', '2026-03-16T05:45:02.000Z'], ['UTC+1:00', '2026-03-16T10:15:02.000Z'], ['GMT-5:00', '2026-03-16T16:15:02.000Z'], ['+00:00', '2026-03-16T11:15:02.000Z']]) {
      expect(one(TRAFFIC_DENY.replace('tz="+0100"', `tz="${tz}"`)).time, tz).toBe(time);
    }
  });

  it('without tz=, date + time are read in --tz (the epoch eventtime is not preferred, as in Elastic)', () => {
    const line = TRAFFIC_DENY.replace(' tz="+0100"', '');
    expect(one(line).time).toBe('2026-03-16T11:15:02.000Z');
    expect(one(line, { tz: 'Europe/Berlin' }).time).toBe('2026-03-16T10:15:02.000Z');
  });

  it('eventtime (s, ms, µs or ns) when date/time are missing or the zone cannot be read', () => {
    const noDate = TRAFFIC_DENY.replace('date=2026-03-16 time=11:15:02 ', '');
    for (const stamp of ['1773656102', '1773656102431', '1773656102431877', '1773656102431877540']) {
      expect(one(noDate.replace('eventtime=1773656102431877540', `eventtime=${stamp}`)).time, stamp).toMatch(/^2026-03-16T10:15:02\.(000|431)Z$/);
    }
    expect(one(TRAFFIC_DENY.replace('tz="+0100"', 'tz="Mars/Olympus"')).time).toBe('2026-03-16T10:15:02.431Z');
  });

  it('no stamp of its own: the syslog header\'s; an unreadable one is BAD_TIME', () => {
    const bare = TRAFFIC_DENY.slice(5).replace('date=2026-03-16 time=11:15:02 ', '').replace(/ eventtime=\d+/, '');
    expect(one(`Mar 16 10:15:09 fgt01 ${bare}`).time).toBe('2026-03-16T10:15:09.000Z');
    expect(code(bare)).toBe('MISSING_FIELD');
    expect(code(TRAFFIC_DENY.replace('date=2026-03-16', 'date=2026-13-16').replace(/ eventtime=\d+/, ''))).toBe('BAD_TIME');
  });
});

describe('FortiGate recognition, malformed lines', () => {
  it('CEF and LEEF from a FortiGate, and other vendors\' key=value lines, are not this module\'s', () => {
    const cef = 'CEF:0|Fortinet|Fortigate|v7.2.4|00013|traffic:forward deny|3|deviceExternalId=FG100F FTNTFGTlogid=0000000013 cat=traffic:forward src=203.0.113.7 dst=10.20.1.15 dpt=104';
    const leef = 'LEEF:1.0|Fortinet|FortiGate|7.2|13|devname=FG\tlogid=0000000013\ttype=traffic\tsrcip=203.0.113.7';
    const sonicwall = 'id=firewall sn=0040103CE114 time="2026-03-16 10:15:02" fw=203.0.113.1 pri=6 m=98 src=1.2.3.4:1:X1 dst=5.6.7.8:104:X0';
    const sophos = 'device="SFW" date=2026-03-16 time=11:15:02 log_id=010102600002 log_type="Firewall" src_ip=1.2.3.4 dst_ip=5.6.7.8';
    for (const line of [cef, leef, sonicwall, sophos, 'policyid=3 appid=4 sessionid=5']) expect(outcomeOf(fortigateFormat, line)).toBe(NOT_MINE);
  });

  it('logid= counts as a key only where a pair starts, not inside a quoted value (SonicWall quoting a FortiGate message is SonicWall\'s)', () => {
    const sonicwall = 'id=firewall sn=0040103CE114 time="2026-03-16 10:15:02 UTC" fw=203.0.113.1 m=98 msg="relayed: logid=0000000013 type=traffic" src=203.0.113.7:51515:X1 dst=10.20.1.15:104:X0 proto=tcp/104';
    expect(outcomeOf(fortigateFormat, sonicwall)).toBe(NOT_MINE);
    expect(outcomeOf(fortigateFormat, `${HEAD} msg="x logid=1" type="traffic"`)).toBe(NOT_MINE);
    expect(outcomeOf(fortigateFormat, `${HEAD} msg="x"logid="0000000013" type="traffic"`)).toBe(NOT_MINE); // not at a key boundary
    // a FortiGate line whose free text quotes a logid= is still FortiGate's, by its own logid pair
    expect(one(`${TRAFFIC_DENY} msg="see logid=1"`)).toEqual(one(TRAFFIC_DENY));
    expect(one(TRAFFIC_DENY.replace('logid="0000000013"', 'msg="see logid=1" logid="0000000013"'))).toEqual(one(TRAFFIC_DENY));
  });

  it('a tuple key written again at the end of the line: the first value, the one read, was not cut', () => {
    expect(one(`${TRAFFIC_DENY} srcip=203.0.113.7`)).toEqual(one(TRAFFIC_DENY));
    expect(one(`${TRAFFIC_DENY} dstport=104 `)).toEqual(one(TRAFFIC_DENY));
    // the first (and only) value ends the line: MALFORMED, as before
    expect(code(`${TRAFFIC_DENY.replace(' dstport=104', '')} dstport=104`)).toBe('MALFORMED');
    expect(code(`${TRAFFIC_DENY.replace(' srcip=203.0.113.7', '')} srcip=203.0.113.7`)).toBe('MALFORMED');
  });

  it('a traffic log cut short is MALFORMED, never an event with a cut value', () => {
    const cutBeforeProto = TRAFFIC_DENY.slice(0, TRAFFIC_DENY.indexOf(' dstintf='));
    expect(code(cutBeforeProto)).toBe('MALFORMED');
    const utmCut = `${HEAD} logid="0419016384" type="utm" subtype="ips" srcip=192.0.2.44 srcport=47120 dstip=10.20.1.15 dstport=10`;
    expect(code(utmCut)).toBe('MALFORMED');
    expect(code(`${HEAD} logid="0000000013"`)).toBe('MALFORMED'); // no type=
  });

  it('an unclosed quote: MALFORMED when it hides fields or is a value the module reads; a cut trailing note is not', () => {
    expect(code(TRAFFIC_DENY.replace('action="deny"', 'action="de'))).toBe('MALFORMED');
    // The unclosed value swallowed the fields after it.
    const swallowed = `${TRAFFIC_DENY.slice(0, TRAFFIC_DENY.indexOf(' service='))} service="DICOM trandisp=noop duration=0 sentbyte=0 rcvdbyte=0`;
    expect(code(swallowed)).toBe('MALFORMED');
    expect(code(`${TRAFFIC_DENY} msg="cut inside a free-text note`)).toBe('events');
    // A quote lost in a value the module does not read pairs up again with the next one: the event is unchanged.
    expect(one(TRAFFIC_DENY.replace('service="DICOM"', 'service="DICOM'))).toEqual(one(TRAFFIC_DENY));
  });

  it('a counter that ends the line is left out rather than trusted', () => {
    const cutCounter = TRAFFIC_DENY.slice(0, TRAFFIC_DENY.indexOf(' sentpkt=')).replace('rcvdbyte=0', 'rcvdbyte=11');
    expect(one(cutCounter).bytes).toBeUndefined();
  });
});

describe('FortiGate fixture', () => {
  const expected = readFileSync(new URL('../fixtures/syslog/fortigate.expected.jsonl', import.meta.url), 'utf8')
    .trimEnd().split('\n').map((l) => JSON.parse(l) as NetworkEvent);

  it('parses to the hand-checked events, line by line', () => {
    const { outcomes, info } = parseText(fixture, { file: 'fixtures/syslog/fortigate.log', year: 2026 });
    expect(events(outcomes)).toEqual(expected);
    expect(codes(outcomes)).toEqual([...Array(12).fill('events'), 'NOT_A_CONNECTION', 'events', 'MALFORMED']);
    expect(info).toMatchObject({ records: 15, parsed: 13, skipped: 1, errors: 1 });
  });

  it('`dicomwatch parse fixtures/syslog/fortigate.log --year 2026` prints exactly the expected file', async () => {
    const r = await runCli(['parse', 'fixtures/syslog/fortigate.log', '--year', '2026']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(new URL('../fixtures/syslog/fortigate.expected.jsonl', import.meta.url), 'utf8'));
    expect(r.stderr).toContain('fixtures/syslog/fortigate.log:15: MALFORMED: FortiGate traffic log without proto= (cut short?)');
  });

  it('scan finds the external DICOM sources, and --tz with a negative offset is accepted', async () => {
    const r = await runCli(['scan', 'fixtures/syslog/fortigate.log', '--year', '2026', '--tz', '-05:00', '--output', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toContain('198.51.100.23,203.0.113.50,2026-03-16T10:00:00.000Z,2');
    expect(r.stdout).toContain('2001:db8:feed::7,2001:db8:100::15,');
  });
});

describe('FortiGate pre-filter and bad input', () => {
  it('parse and scan agree line by line; only well-formed lines to other ports are FILTERED', () => {
    const extra = [
      traffic('accept').replace('dstport=104', 'dstport=443'),
      TRAFFIC_DENY.replace('srcip=203.0.113.7', 'srcip=not-an-ip').replace('dstport=104', 'dstport=22'),
      TRAFFIC_DENY.replace('dstport=104', 'dstport=70000'),
      TRAFFIC_DENY.slice(0, TRAFFIC_DENY.indexOf(' proto=')).replace('dstport=104', 'dstport=22'),
    ];
    const { filtered } = expectPrefilterParity(`${fixture}\n${extra.join('\n')}`, ctx);
    expect(filtered).toBeGreaterThanOrEqual(6);
  });

  it('every truncation of a traffic, a utm and an event line: no exception, no value the whole line does not have', () => {
    const lines = fixture.split('\n');
    for (const index of [0, 1, 6, 8, 10]) expectTruncationsSafe(fortigateFormat, lines[index]!);
  });

  it('garbage, a 1 MB line, replacement characters: an outcome, never an exception', () => {
    expectGarbageSafe(fortigateFormat, TRAFFIC_DENY);
  });
});

describe('key=value firewalls in one file', () => {
  it('each line goes to its vendor; CEF goes to the CEF module, other programs\' lines to none', () => {
    const lines = [
      TRAFFIC_DENY,
      readFileSync(new URL('../fixtures/syslog/sonicwall.log', import.meta.url), 'utf8').split('\n')[0]!,
      readFileSync(new URL('../fixtures/syslog/sophos-xg.log', import.meta.url), 'utf8').split('\n')[0]!,
      'Mar 16 10:00:00 edge01 kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=60 PROTO=TCP SPT=1 DPT=104',
      TRAFFIC_DENY,
      'Mar 16 10:00:02 fw cron[1]: (root) CMD (run-parts /etc/cron.hourly)',
      'CEF:0|Fortinet|Fortigate|v7.2.4|00013|traffic:forward deny|3|FTNTFGTlogid=0000000013 src=203.0.113.7 dst=10.20.1.15 dpt=104',
    ];
    const { outcomes } = parseText(lines.join('\n'), ctx);
    expect(outcomes.map((o) => (o.kind === 'events' ? o.events[0]!.format : o.code))).toEqual([
      'fortigate', 'sonicwall', 'sophos-xg', 'iptables', 'fortigate', 'UNRECOGNISED_FORMAT', 'MISSING_FIELD',
    ]);
    expect(outcomes[6]).toMatchObject({ kind: 'error', message: 'no timestamp' }); // the CEF module's: the line has no rt and no header
  });
});
