/**
 * Sophos Firewall / XG (SFOS) key=value syslog (src/parsers/syslog/sophos-xg.ts): both generations of field names,
 * the time rules (timestamp, date/time with the zone abbreviations that name one), the decisions, NAT kept apart,
 * what is not a connection, what is malformed, the fixture's hand-checked events, the pre-filter parity and bad input.
 */
import type { JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { NetworkEvent } from '../src/model/event.js';
import { parseText } from '../src/parsers/record-parser.js';
import { NOT_MINE } from '../src/parsers/syslog/message.js';
import { sophosXgFormat } from '../src/parsers/syslog/sophos-xg.js';
import { runCli } from './helpers/cli.js';
import { codes, events, expectGarbageSafe, expectPrefilterParity, expectTruncationsSafe, outcomeOf } from './helpers/kv-firewall.js';

const ctx = { file: 'xg.log', tz: 'UTC', year: 2026 };
const fixture = readFileSync(new URL('../fixtures/syslog/sophos-xg.log', import.meta.url), 'utf8');

const V18 = '<30>device="SFW" date=2026-03-16 time=11:15:02 timezone="CET" device_name="XG230" device_id=C2204ABCD123456 log_id=010102600002 log_type="Firewall" log_component="Firewall Rule" log_subtype="Denied" status="Deny" priority=Information duration=0 fw_rule_id=0 in_interface="Port2" out_interface="" src_mac=00:1a:8c:50:6a:8c src_ip=203.0.113.7 src_country_code=R1 dst_ip=10.20.1.15 dst_country_code=R1 protocol="TCP" src_port=51515 dst_port=104 sent_pkts=0 recv_pkts=0 sent_bytes=0 recv_bytes=0 tran_src_ip= tran_src_port=0 tran_dst_ip= tran_dst_port=0 srczonetype="WAN" srczone="WAN" connid="" hb_health="No Heartbeat" message="" appresolvedby="Signature"';
const V19 = 'Mar 16 11:18:30 xg-kh-edge device_name="SFW" timestamp="2026-03-16T11:18:30+0100" device_model="XGS2100" device_serial_id="X21000ABCDEF123" log_id="010101600001" log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed" log_version=1 severity="Information" duration=31 fw_rule_id="12" src_ip="192.0.2.44" src_country="USA" dst_ip="203.0.113.50" dst_country="R1" protocol="TCP" src_port=47120 dst_port=104 packets_sent=14 packets_received=11 bytes_sent=3120 bytes_received=1894 dst_trans_ip="10.20.1.15" dst_trans_port=11112 con_event="Stop" con_id="3153941760" hb_status="No Heartbeat"';

function one(line: string, extra: Partial<typeof ctx> = {}): JsonEvent {
  const { outcomes } = parseText(line, { ...ctx, ...extra });
  expect(codes(outcomes)).toEqual(['events']);
  return events(outcomes)[0]!;
}

function code(line: string): string {
  return codes(parseText(line, ctx).outcomes)[0]!;
}

describe('Sophos Firewall logs', () => {
  it('SFOS 18: src_ip/dst_ip, ports, protocol, status, counters; the device from device_name without a header', () => {
    expect(one(V18)).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.1.15', dstPort: 104,
      protocol: 'tcp', action: 'deny', bytes: 0, packets: 0, device: 'XG230', vendor: 'Sophos', product: 'XG Firewall',
      format: 'sophos-xg', file: 'xg.log', line: 1,
    });
  });

  it('SFOS 19+: timestamp with its offset, log_subtype as the decision, bytes_/packets_ names, NAT kept apart', () => {
    expect(one(V19)).toEqual({
      time: '2026-03-16T10:18:30.000Z', srcIp: '192.0.2.44', srcPort: 47120, dstIp: '203.0.113.50', dstPort: 104,
      protocol: 'tcp', action: 'allow', bytes: 5014, packets: 25, device: 'xg-kh-edge', vendor: 'Sophos',
      product: 'XG Firewall', format: 'sophos-xg', file: 'xg.log', line: 1,
    });
    const snat = V18.replace('tran_src_ip=', 'tran_src_ip=198.51.100.1').replace('tran_dst_ip=', 'tran_dst_ip=10.9.9.9');
    expect(one(snat)).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.20.1.15' });
  });

  it('decisions: status Allow/Deny (and Session forms); else log_subtype Allowed/Denied/Drop; Would deny none', () => {
    expect(one(V18.replace('status="Deny"', 'status="Allow"')).action).toBe('allow');
    expect(one(V18.replace('status="Deny"', 'status="Deny Session"')).action).toBe('deny');
    expect(one(V18.replace('status="Deny"', 'status="Would deny"').replace('log_subtype="Denied"', 'log_subtype="Allowed"')).action).toBe('allow');
    expect(one(V18.replace(' status="Deny"', '').replace('log_subtype="Denied"', 'log_subtype="Drop"')).action).toBe('drop');
    expect(one(V18.replace(' status="Deny"', '').replace('log_subtype="Denied"', 'log_subtype="Detect"')).action).toBeUndefined();
  });

  it('counters only when both directions are given; ICMP without ports', () => {
    expect(one(V18.replace(' recv_bytes=0', '')).bytes).toBeUndefined();
    const icmp = V18.replace('protocol="TCP" src_port=51515 dst_port=104', 'protocol="ICMP" icmp_type=8 icmp_code=0');
    const event = one(icmp);
    expect(event.protocol).toBe('icmp');
    expect(event.dstPort).toBeUndefined();
  });

  it('IPS (IDP), web and other logs that name both ends are connections', () => {
    const idp = V19.replace('log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed"', 'log_type="IDP" log_component="Signatures" log_subtype="Drop"');
    expect(one(idp)).toMatchObject({ dstPort: 104, action: 'drop' });
    const web = V19.replace('log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed"', 'log_type="Content Filtering" log_component="HTTP" log_subtype="Denied"').replace('dst_port=104', 'dst_port=443');
    expect(one(web)).toMatchObject({ dstPort: 443, action: 'deny' });
  });
});

describe('Sophos time', () => {
  it('timestamp wins; its offset is the firewall\'s', () => {
    expect(one(V19, { tz: 'America/New_York' }).time).toBe('2026-03-16T10:18:30.000Z');
  });

  it('date + time in the zone timezone names when it names one (a deliberate difference from Elastic, which reads --tz)', () => {
    expect(one(V18, { tz: 'America/New_York' }).time).toBe('2026-03-16T10:15:02.000Z');
    for (const [zone, time] of [['CEST', '09:15:02'], ['UTC', '11:15:02'], ['GMT', '11:15:02'], ['EET', '09:15:02'], ['JST', '02:15:02'], ['+0530', '05:45:02'], ['Europe/Berlin', '10:15:02']]) {
      expect(one(V18.replace('timezone="CET"', `timezone="${zone}"`)).time, zone).toBe(`2026-03-16T${time}.000Z`);
    }
  });

  it('an abbreviation with several meanings (IST, BST, CST, PST, EST…) is read in --tz, as Elastic does', () => {
    for (const zone of ['IST', 'BST', 'CST', 'CDT', 'PST', 'EST', 'AST', 'XYZ']) {
      const line = V18.replace('timezone="CET"', `timezone="${zone}"`);
      expect(one(line).time, zone).toBe('2026-03-16T11:15:02.000Z');
      expect(one(line, { tz: 'Asia/Kolkata' }).time, zone).toBe('2026-03-16T05:45:02.000Z');
    }
    expect(one(V18.replace(' timezone="CET"', '')).time).toBe('2026-03-16T11:15:02.000Z');
  });

  it('Elastic\'s own record with timezone="CEST" is read in that zone here (Elastic reads it as UTC); BST is not', () => {
    // test-sophos-18-5-firewall.log records 17 and 3: Elastic's @timestamp 03:45:23Z and 10:55:41Z.
    const cest = '<30>device="SFW" date=2020-06-05 time=03:45:23 timezone="CEST" device_name="SF01V" log_id=010101600001 log_type="Firewall" log_component="Firewall Rule" log_subtype="Allowed" status="Allow" src_ip=10.146.13.30 dst_ip=10.8.142.181 protocol="TCP" src_port=45294 dst_port=443 connevent="Start"';
    const bst = '<30>device="SFW" date=2018-06-01 time=10:55:41 timezone="BST" device_name="XG310" device_id=SFDemo-9a04c43 log_id=016602600003 log_type="Firewall" log_component="Heartbeat" log_subtype="Denied" status="Deny" src_ip=10.198.37.57 dst_ip=175.16.199.1 protocol="ICMP" icmp_type=8 icmp_code=0 hb_health="Red"';
    expect(one(cest).time).toBe('2020-06-05T01:45:23.000Z');
    expect(one(bst).time).toBe('2018-06-01T10:55:41.000Z');
    expect(one(bst, { tz: 'Europe/London' }).time).toBe('2018-06-01T09:55:41.000Z');
  });

  it('no stamp: the syslog header\'s; an unreadable one is BAD_TIME', () => {
    const bare = V19.slice(V19.indexOf('device_name')).replace(' timestamp="2026-03-16T11:18:30+0100"', '');
    expect(one(`Mar 16 10:18:33 xg01 ${bare}`).time).toBe('2026-03-16T10:18:33.000Z');
    expect(code(bare)).toBe('MISSING_FIELD');
    expect(code(V19.replace('2026-03-16T11:18:30+0100', '2026-03-16T25:18:30+0100'))).toBe('BAD_TIME');
  });
});

describe('Sophos recognition, not a connection, malformed', () => {
  it('needs log_type=; FortiGate, SonicWall and CEF lines are not its own', () => {
    for (const line of [
      'date=2026-03-16 time=10:00:00 logid="0100032001" type="event" srcip=1.2.3.4 dstip=5.6.7.8',
      'id=firewall sn=1 time="2026-03-16 10:15:02" src=1.2.3.4:1:X1 dst=5.6.7.8:104:X0',
      'CEF:0|Sophos|XG|19|1|Firewall|5|log_type=Firewall src=1.2.3.4',
      'device="SFW" xlog_type="Firewall" src_ip=1.2.3.4 dst_ip=5.6.7.8',
    ]) expect(outcomeOf(sophosXgFormat, line), line).toBe(NOT_MINE);
  });

  it('logs without both ends are NOT_A_CONNECTION (authentication, anti-spam with empty addresses)', () => {
    const auth = 'Mar 16 11:20:05 xg-kh-edge device_name="SFW" timestamp="2026-03-16T11:20:05+0100" log_id="062910617701" log_type="Event" log_component="Firewall Authentication" log_subtype="Authentication" status="Successful" src_ip="10.20.5.41" message="User logged in"';
    const spam = '<30>device="SFW" date=2020-05-18 time=14:38:48 timezone="CEST" device_name="XG230" log_id=041101618035 log_type="Anti-Spam" log_component="SMTP" log_subtype="Allowed" status="" src_ip="" dst_ip="" protocol="TCP" src_port=0 dst_port=0';
    expect(codes(parseText(`${auth}\n${spam}`, ctx).outcomes)).toEqual(['NOT_A_CONNECTION', 'NOT_A_CONNECTION']);
  });

  it('a Firewall log cut before its addresses, or inside a value it reads, is MALFORMED; a cut trailing field is not', () => {
    expect(code(V18.slice(0, V18.indexOf(' dst_ip=')))).toBe('MALFORMED');
    expect(code(V18.slice(0, V18.indexOf(' sent_pkts=')).replace('dst_port=104', 'dst_port=10'))).toBe('MALFORMED');
    expect(code(V18.replace('protocol="TCP"', 'protocol="TC'))).toBe('MALFORMED');
    // Elastic's own test line ends in `appresolvedby="Signature` (no closing quote): the fields before it are whole.
    expect(one(V18.replace('appresolvedby="Signature"', 'appresolvedby="Signature')).dstPort).toBe(104);
  });
});

describe('Sophos fixture', () => {
  const expectedText = readFileSync(new URL('../fixtures/syslog/sophos-xg.expected.jsonl', import.meta.url), 'utf8');
  const expected = expectedText.trimEnd().split('\n').map((l) => JSON.parse(l) as NetworkEvent);

  it('parses to the hand-checked events, line by line', () => {
    const { outcomes, info } = parseText(fixture, { file: 'fixtures/syslog/sophos-xg.log', year: 2026 });
    expect(events(outcomes)).toEqual(expected);
    expect(codes(outcomes)).toEqual([...Array(6).fill('events'), 'NOT_A_CONNECTION', 'MALFORMED']);
    expect(info).toMatchObject({ records: 8, parsed: 6, skipped: 1, errors: 1 });
  });

  it('`dicomwatch parse fixtures/syslog/sophos-xg.log --year 2026` prints exactly the expected file', async () => {
    const r = await runCli(['parse', 'fixtures/syslog/sophos-xg.log', '--year', '2026']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedText);
    expect(r.stderr).toContain('fixtures/syslog/sophos-xg.log:8: MALFORMED: Sophos Firewall log without dst_ip= (cut short?)');
  });
});

describe('Sophos pre-filter and bad input', () => {
  it('parse and scan agree line by line; only well-formed lines to other ports are FILTERED', () => {
    const extra = [
      V19.replace('dst_port=104', 'dst_port=443'),
      V18.replace('src_ip=203.0.113.7', 'src_ip=203.0.113.777').replace('dst_port=104', 'dst_port=22'),
      V18.replace('dst_port=104', 'dst_port=65536'),
    ];
    const { filtered } = expectPrefilterParity(`${fixture}\n${extra.join('\n')}`, ctx);
    expect(filtered).toBeGreaterThanOrEqual(3);
  });

  it('every truncation of a line: no exception, no value the whole line does not have', () => {
    for (const line of [V18, V19, ...fixture.split('\n').slice(0, 6)]) expectTruncationsSafe(sophosXgFormat, line);
  });

  it('garbage, a 1 MB line, replacement characters: an outcome, never an exception', () => {
    expectGarbageSafe(sophosXgFormat, V18);
  });
});
