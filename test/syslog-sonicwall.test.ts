/**
 * SonicWall SonicOS key=value syslog (src/parsers/syslog/sonicwall.ts): the message kinds the module reads, the
 * endpoint forms, NAT kept apart, the time rules, the decisions from fw_action and message IDs, what is not a
 * connection, what is malformed, the fixture's hand-checked events, the pre-filter parity and bad input.
 */
import type { JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { NetworkEvent } from '../src/model/event.js';
import { parseText } from '../src/parsers/record-parser.js';
import { NOT_MINE } from '../src/parsers/syslog/message.js';
import { sonicwallFormat } from '../src/parsers/syslog/sonicwall.js';
import { runCli } from './helpers/cli.js';
import { codes, events, expectGarbageSafe, expectPrefilterParity, expectTruncationsSafe, outcomeOf } from './helpers/kv-firewall.js';

const ctx = { file: 'sw.log', tz: 'UTC', year: 2026 };
const fixture = readFileSync(new URL('../fixtures/syslog/sonicwall.log', import.meta.url), 'utf8');

const OPENED = '<134>id=firewall sn=0040103CE114 time="2026-03-16 10:15:02 UTC" fw=203.0.113.1 pri=6 c=262144 gcat=6 m=98 msg="Connection Opened" src=203.0.113.7:51515:X1 srcZone=Untrusted natSrc=203.0.113.7:51515 dst=203.0.113.50:104:X0:pacs01 dstZone=Trusted natDst=10.20.1.15:11112 proto=tcp/104 sent=60 n=4188211 fw_action="NA" dpi=0';

function one(line: string, extra: Partial<typeof ctx> = {}): JsonEvent {
  const { outcomes } = parseText(line, { ...ctx, ...extra });
  expect(codes(outcomes)).toEqual(['events']);
  return events(outcomes)[0]!;
}

function code(line: string): string {
  return codes(parseText(line, ctx).outcomes)[0]!;
}

describe('SonicWall connection messages', () => {
  it('Connection Opened: IP:port:interface:host endpoints, the transport before the slash, NAT kept apart, no decision', () => {
    expect(one(OPENED)).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '203.0.113.50', dstPort: 104,
      protocol: 'tcp', bytes: 60, device: 'firewall', vendor: 'SonicWall', product: 'SonicOS', format: 'sonicwall',
      file: 'sw.log', line: 1,
    });
  });

  it('Connection Closed: a total of the directions given (SonicOS leaves a zero one out)', () => {
    const closed = OPENED.replace('m=98 msg="Connection Opened"', 'm=537 msg="Connection Closed"').replace('sent=60', 'sent=48211 rcvd=3922811 spkt=512 rpkt=2741');
    expect(one(closed)).toMatchObject({ bytes: 3971022, packets: 3253 });
    expect(one(closed.replace(' rpkt=2741', '')).packets).toBe(512);
  });

  it('the endpoint forms: no port, an empty port, no interface, IPv6 in srcV6/dstV6, a bracketed IPv6', () => {
    expect(one(OPENED.replace('src=203.0.113.7:51515:X1', 'src=192.168.6.10:28503').replace('dst=203.0.113.50:104:X0:pacs01', 'dst=192.168.5.10'))).toMatchObject({ srcIp: '192.168.6.10', srcPort: 28503, dstIp: '192.168.5.10' });
    expect(one(OPENED.replace('dst=203.0.113.50:104:X0:pacs01', 'dst=81.2.69.144::X3')).dstPort).toBeUndefined();
    const v6 = OPENED.replace('src=203.0.113.7:51515:X1', 'src=:50104:X1 srcV6=2001:DB8:FEED::7').replace('dst=203.0.113.50:104:X0:pacs01', 'dst=::X0:pacs dstV6=2001:db8:100::15');
    expect(one(v6)).toMatchObject({ srcIp: '2001:db8:feed::7', srcPort: 50104, dstIp: '2001:db8:100::15' });
    expect(one(OPENED.replace('dst=203.0.113.50:104:X0:pacs01', 'dst=[2001:db8:100::15]:104:X0'))).toMatchObject({ dstIp: '2001:db8:100::15', dstPort: 104 });
  });

  it('a relay\'s address in front of id= and a collector\'s syslog header are not part of the message', () => {
    expect(one(`10.0.0.1  ${OPENED.slice(5)}`)).toMatchObject({ srcIp: '203.0.113.7', dstPort: 104 });
    expect(one(`Mar 16 10:15:03 192.168.168.1 ${OPENED.slice(5)}`)).toMatchObject({ time: '2026-03-16T10:15:02.000Z' });
  });

  it('other messages that name both ends are connections too (IPS alerts, VPN, login failures); no decision unless stated', () => {
    const ips = '<129>id=firewall sn=0040103CE114 time="2026-03-16 10:20:00" fw=203.0.113.1 pri=1 c=32 m=608 msg="IPS Detection Alert: DICOM" sid=2307 n=8158 src=192.0.2.44:54192:X1 dst=203.0.113.50:104:X0 fw_action="NA"';
    const event = one(ips);
    expect(event).toMatchObject({ srcIp: '192.0.2.44', dstIp: '203.0.113.50', dstPort: 104 });
    expect(event.action).toBeUndefined();
    expect(event.protocol).toBeUndefined();
  });
});

describe('SonicWall decisions', () => {
  it('fw_action: forward → allow, drop → deny (SonicOS drops for its Deny rules, which send a RST); NA, mgmt none', () => {
    expect(one(OPENED.replace('fw_action="NA"', 'fw_action="forward"')).action).toBe('allow');
    expect(one(OPENED.replace('fw_action="NA"', 'fw_action="drop"')).action).toBe('deny');
    expect(one(OPENED.replace('fw_action="NA"', 'fw_action="mgmt"')).action).toBeUndefined();
    expect(one(OPENED).action).toBeUndefined();
  });

  it('without fw_action, the message IDs whose SonicOS message states the decision', () => {
    const withId = (m: string, msg: string) => OPENED.replace('m=98 msg="Connection Opened"', `m=${m} msg="${msg}"`).replace(' fw_action="NA"', '');
    expect(one(withId('36', 'TCP connection dropped')).action).toBe('deny');
    expect(one(withId('38', 'ICMP packet dropped due to Policy')).action).toBe('deny');
    expect(one(withId('713', 'TCP connection abort received; TCP connection dropped')).action).toBe('deny');
    expect(one(withId('14', 'Web site access denied')).action).toBe('deny');
    expect(one(withId('1198', 'Initiator from country blocked')).action).toBe('deny');
    expect(one(withId('597', 'ICMP packet allowed')).action).toBe('allow');
    expect(one(withId('609', 'IPS Prevention Alert: x')).action).toBe('deny');
    expect(one(withId('608', 'IPS Detection Alert: x')).action).toBeUndefined();
    // Elastic's categories: 36 is a connection end there; 30 (login denied) is no decision on the connection.
    expect(one(withId('30', 'Administrator login denied due to bad credentials')).action).toBeUndefined();
    expect(one(withId('537', 'Connection Closed')).action).toBeUndefined();
  });

  it('fw_action wins over the message ID', () => {
    expect(one(OPENED.replace('m=98', 'm=36').replace('fw_action="NA"', 'fw_action="forward"')).action).toBe('allow');
  });
});

describe('SonicWall time', () => {
  it('a zone after the stamp wins; without one the stamp is read in --tz; without time= the header\'s', () => {
    expect(one(OPENED, { tz: 'Europe/Berlin' }).time).toBe('2026-03-16T10:15:02.000Z');
    const local = OPENED.replace('time="2026-03-16 10:15:02 UTC"', 'time="2026-03-16 11:15:02"');
    expect(one(local, { tz: 'Europe/Berlin' }).time).toBe('2026-03-16T10:15:02.000Z');
    expect(one(local, { tz: '+02:00' }).time).toBe('2026-03-16T09:15:02.000Z');
    const noTime = OPENED.slice(5).replace(' time="2026-03-16 10:15:02 UTC"', '');
    expect(one(`Mar 16 10:15:07 fw01 ${noTime}`).time).toBe('2026-03-16T10:15:07.000Z');
    expect(code(noTime)).toBe('MISSING_FIELD');
    expect(code(OPENED.replace('10:15:02 UTC', '10:15:02 Nowhere/Else'))).toBe('BAD_TIME');
  });
});

describe('SonicWall recognition, not a connection, malformed', () => {
  it('needs id= then sn= at key boundaries; FortiGate, Sophos, CEF lines are not its own', () => {
    for (const line of [
      'sn=0040103CE114 time="2026-03-16 10:15:02" src=1.2.3.4:1:X1 dst=5.6.7.8:104:X0',
      'appid=4 policyid=5 sn=6',
      'date=2026-03-16 time=10:00:00 logid="0100032001" type="event" id=3 sn="1773656642" srcip=1.2.3.4 dstip=5.6.7.8',
      'device="SFW" log_type="Firewall" id=1 sn=2 src_ip=1.2.3.4 dst_ip=5.6.7.8',
      'CEF:0|SonicWall|NSA|7.0|98|Connection Opened|5|id=firewall sn=1 src=1.2.3.4 dst=5.6.7.8',
    ]) expect(outcomeOf(sonicwallFormat, line), line).toBe(NOT_MINE);
  });

  it('a FortiGate or Sophos key quoted in a value (msg="… logid=…") does not make the line another vendor\'s', () => {
    for (const quoted of ['relayed: logid=0000000013 type=traffic', 'x log_type=Firewall']) {
      const line = OPENED.replace('msg="Connection Opened"', `msg="${quoted}"`);
      // alone, and in a file where FortiGate or Sophos lines came first (their module is then tried first)
      expect(one(line)).toMatchObject({ format: 'sonicwall', srcIp: '203.0.113.7', dstPort: 104 });
      const fortigate = 'date=2026-03-16 time=10:00:00 logid="0000000013" type="traffic" srcip=1.2.3.4 srcport=5 dstip=5.6.7.8 dstport=443 proto=6 action="deny" policyid=1';
      const sophos = 'device="SFW" date=2026-03-16 time=10:00:00 log_id=010102600002 log_type="Firewall" log_subtype="Denied" src_ip=1.2.3.4 dst_ip=5.6.7.8 protocol="TCP" src_port=5 dst_port=443 status="Deny" x=1';
      for (const other of [fortigate, sophos]) {
        const { outcomes } = parseText(`${other}\n${line}`, ctx);
        expect(events(outcomes).map((e) => e.format)).toEqual([other === fortigate ? 'fortigate' : 'sophos-xg', 'sonicwall']);
      }
    }
  });

  it('system and configuration messages without both ends are NOT_A_CONNECTION', () => {
    const cleared = '<134>id=firewall sn=0040103CE114 time="2026-03-16 10:27:40 UTC" fw=203.0.113.1 pri=6 c=16 m=5 msg="Log Cleared" n=4188740';
    const oneEnd = '<134>id=firewall sn=0040103CE114 time="2026-03-16 10:27:40 UTC" fw=203.0.113.1 pri=6 c=32 m=29 msg="Administrator login allowed" src=10.20.9.4:0:X0';
    const { outcomes } = parseText(`${cleared}\n${oneEnd}`, ctx);
    expect(codes(outcomes)).toEqual(['NOT_A_CONNECTION', 'NOT_A_CONNECTION']);
    expect(outcomes[0]).toMatchObject({ message: expect.stringContaining('"Log Cleared"') });
  });

  it('an unclosed quote that swallowed the endpoints, or a broken address, is an error, never a guessed event', () => {
    const swallowed = '<134>id=firewall sn=0040103CE114 time="2026-03-16 10:28:02 UTC" fw=203.0.113.1 m=98 msg="Connection Opened n=4188755 src=192.0.2.44:47188:X1 dst=203.0.113.50:104:X0 proto=tcp/104';
    expect(code(swallowed)).toBe('MALFORMED');
    expect(code(OPENED.replace('time="2026-03-16 10:15:02 UTC"', 'time="2026-03-16 10:15'))).toBe('MALFORMED');
    expect(code(OPENED.replace('time="2026-03-16 10:15:02 UTC"', 'time="2026-03-16 10:1"'))).toBe('BAD_TIME');
    expect(code(OPENED.replace('src=203.0.113.7:', 'src=203.0.113.777:'))).toBe('BAD_ADDRESS');
  });

  it('a cut counter or a cut transport at the end of the line is left out', () => {
    expect(one(OPENED.slice(0, OPENED.indexOf(' n=')).replace('sent=60', 'sent=6')).bytes).toBeUndefined();
    expect(one(OPENED.slice(0, OPENED.indexOf(' sent=')).replace('proto=tcp/104', 'proto=tc')).protocol).toBeUndefined();
    expect(one(OPENED.slice(0, OPENED.indexOf(' sent=')).replace('proto=tcp/104', 'proto=udp')).protocol).toBe('udp');
  });
});

describe('SonicWall fixture', () => {
  const expectedText = readFileSync(new URL('../fixtures/syslog/sonicwall.expected.jsonl', import.meta.url), 'utf8');
  const expected = expectedText.trimEnd().split('\n').map((l) => JSON.parse(l) as NetworkEvent);

  it('parses to the hand-checked events, line by line', () => {
    const { outcomes, info } = parseText(fixture, { file: 'fixtures/syslog/sonicwall.log', year: 2026 });
    expect(events(outcomes)).toEqual(expected);
    expect(codes(outcomes)).toEqual([...Array(9).fill('events'), 'NOT_A_CONNECTION', 'MALFORMED']);
    expect(info).toMatchObject({ records: 11, parsed: 9, skipped: 1, errors: 1 });
  });

  it('`dicomwatch parse fixtures/syslog/sonicwall.log --year 2026` prints exactly the expected file', async () => {
    const r = await runCli(['parse', 'fixtures/syslog/sonicwall.log', '--year', '2026']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedText);
    expect(r.stderr).toContain('fixtures/syslog/sonicwall.log:11: MALFORMED');
  });
});

describe('SonicWall pre-filter and bad input', () => {
  it('parse and scan agree line by line; only well-formed lines to other ports are FILTERED', () => {
    const extra = [
      OPENED.replace('dst=203.0.113.50:104:', 'dst=203.0.113.50:443:'),
      OPENED.replace('src=203.0.113.7:', 'src=203.0.113.777:').replace('dst=203.0.113.50:104:', 'dst=203.0.113.50:22:'),
      OPENED.replace('dst=203.0.113.50:104:', 'dst=203.0.113.50:99999:'),
    ];
    const { filtered } = expectPrefilterParity(`${fixture}\n${extra.join('\n')}`, ctx);
    expect(filtered).toBeGreaterThanOrEqual(4);
  });

  it('every truncation of a line: no exception; past the destination, no value the whole line does not have', () => {
    // SonicOS may end a message with its destination (older firmware: `… src=a:500 dst=b:500`, `… dstV6=::1`), so a
    // line cut inside the destination cannot be told from a whole one; past it, nothing the line lacks is invented.
    for (const line of [OPENED, ...fixture.split('\n').slice(0, 9)]) {
      const dstAt = Math.max(line.indexOf(' dst='), line.indexOf(' dstV6='));
      const afterDst = line.indexOf(' ', dstAt + 1);
      expectTruncationsSafe(sonicwallFormat, line, afterDst === -1 ? line.length : afterDst);
    }
  });

  it('garbage, a 1 MB line, replacement characters: an outcome, never an exception', () => {
    expectGarbageSafe(sonicwallFormat, OPENED);
  });
});
