/**
 * Juniper SRX RT_FLOW session logs in the syslog family: CREATE / CLOSE / DENY (and `_LS`), AppTrack records, in the
 * structured-data (RFC 5424) and plain forms; NAT kept apart; the decisions; the fixture against its hand-checked
 * expected events; malformed and non-connection lines; the pre-filter parity; bad input.
 */
import { asJson, jsonEvents, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseStructuredData } from '../src/parsers/syslog/juniper-srx.js';
import { parseText, type RecordParserOptions } from '../src/parsers/record-parser.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import type { NetworkEvent } from '../src/model/event.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/syslog/juniper-srx.log';
const ctx = { file: 'srx.log', tz: 'UTC', year: 2026 };
const forced = { ...ctx, format: 'juniper-srx' };

function outcomesOf(text: string, options: RecordParserOptions = forced): RecordOutcome[] {
  return parseText(text, options).outcomes;
}

function codes(outcomes: readonly RecordOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
}

function code(line: string): string {
  const outcomes = outcomesOf(line);
  expect(outcomes).toHaveLength(1);
  return codes(outcomes)[0]!;
}

function event(line: string): JsonEvent {
  const outcomes = outcomesOf(line);
  expect(outcomes).toHaveLength(1);
  const o = outcomes[0]!;
  if (o.kind !== 'events') throw new Error(`expected an event, got ${o.kind}: ${'message' in o ? o.message : ''}`);
  return asJson(o.events[0]!);
}

const SD = (tag: string, params: string, stamp = '2026-03-16T11:15:02.184+01:00', host = 'srx-edge01') =>
  `<14>1 ${stamp} ${host} RT_FLOW - ${tag} [junos@2636.1.1.1.2.129 ${params}]`;
const BSD = (text: string) => `<14>Mar 16 10:21:02 srx-branch02 RT_FLOW: ${text}`;

const DNAT = 'source-address="203.0.113.7" source-port="51515" destination-address="198.51.100.10" destination-port="104" ' +
  'connection-tag="0" service-name="junos-dicom" nat-source-address="203.0.113.7" nat-source-port="51515" ' +
  'nat-destination-address="10.1.2.3" nat-destination-port="10104" nat-connection-tag="0" src-nat-rule-type="N/A" ' +
  'src-nat-rule-name="N/A" dst-nat-rule-type="destination rule" dst-nat-rule-name="pacs-dnat" protocol-id="6" ' +
  'policy-name="untrust-to-pacs" source-zone-name="untrust" destination-zone-name="dmz" session-id-32="4711"';

describe('structured-data form (RFC 5424)', () => {
  it('RT_FLOW_SESSION_CREATE: the pre-NAT tuple, allow, the header time with its offset', () => {
    expect(event(SD('RT_FLOW_SESSION_CREATE', DNAT))).toEqual({
      time: '2026-03-16T10:15:02.184Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '198.51.100.10', dstPort: 104, protocol: 'tcp',
      action: 'allow', device: 'srx-edge01', vendor: 'Juniper Networks', product: 'SRX', format: 'juniper-srx', file: 'srx.log', line: 1,
    });
  });

  it('source NAT: nat-source-address is never the source', () => {
    const snat = 'source-address="10.1.2.20" source-port="40312" destination-address="192.0.2.80" destination-port="443" ' +
      'nat-source-address="198.51.100.1" nat-source-port="20311" nat-destination-address="192.0.2.80" nat-destination-port="443" protocol-id="6"';
    expect(event(SD('RT_FLOW_SESSION_CREATE', snat))).toMatchObject({ srcIp: '10.1.2.20', srcPort: 40312, dstIp: '192.0.2.80', dstPort: 443 });
  });

  it('RT_FLOW_SESSION_CLOSE: allow (the session existed because a policy permitted it), client + server counters', () => {
    const close = `reason="TCP FIN" ${DNAT} packets-from-client="12" bytes-from-client="2140" packets-from-server="10" bytes-from-server="18322" elapsed-time="7"`;
    expect(event(SD('RT_FLOW_SESSION_CLOSE', close))).toMatchObject({ action: 'allow', bytes: 20462, packets: 22, dstIp: '198.51.100.10' });
    // One direction alone is not a total.
    const half = `${DNAT} packets-from-client="12" bytes-from-client="2140"`;
    const e = event(SD('RT_FLOW_SESSION_CLOSE', half));
    expect(e.bytes).toBeUndefined();
    expect(e.packets).toBeUndefined();
  });

  it('RT_FLOW_SESSION_DENY → deny; _LS variants; ICMP keeps the port fields as the SRX writes them (as Elastic does)', () => {
    const deny = 'source-address="198.51.100.23" source-port="49822" destination-address="198.51.100.11" destination-port="104" protocol-id="6" icmp-type="0" policy-name="deny-all" reason="Denied by policy"';
    expect(event(SD('RT_FLOW_SESSION_DENY', deny))).toMatchObject({ action: 'deny', srcIp: '198.51.100.23', dstPort: 104, protocol: 'tcp' });
    expect(event(SD('RT_FLOW_SESSION_DENY_LS', deny)).action).toBe('deny');
    expect(event(SD('RT_FLOW_SESSION_CREATE_LS', DNAT)).action).toBe('allow');
    expect(event(SD('RT_FLOW_SESSION_CLOSE_LS', DNAT)).action).toBe('allow');
    const icmp = 'source-address="192.0.2.200" source-port="0" destination-address="198.51.100.12" destination-port="2048" protocol-id="1" icmp-type="8"';
    expect(event(SD('RT_FLOW_SESSION_DENY', icmp))).toMatchObject({ protocol: 'icmp', srcPort: 0, dstPort: 2048 });
  });

  it('AppTrack session records → allow, with counters', () => {
    const vol = `${DNAT} packets-from-client="371" bytes-from-client="19592" packets-from-server="584" bytes-from-server="686432" elapsed-time="60"`;
    for (const tag of ['APPTRACK_SESSION_CREATE', 'APPTRACK_SESSION_CLOSE', 'APPTRACK_SESSION_VOL_UPDATE', 'APPTRACK_SESSION_ROUTE_UPDATE', 'APPTRACK_SESSION_CLOSE_LS']) {
      expect(event(SD(tag, vol))).toMatchObject({ action: 'allow', srcIp: '203.0.113.7', dstIp: '198.51.100.10', bytes: 706024, packets: 955 });
    }
  });

  it('IPv6 addresses; a stamp without zone is read in --tz; `N/A` values are absent', () => {
    const v6 = 'source-address="2001:DB8:dead:beef:0:0:0:7" source-port="50414" destination-address="2001:db8:100::10" destination-port="104" protocol-id="N/A"';
    const e = event(SD('RT_FLOW_SESSION_CREATE', v6, '2026-03-16T11:18:12.120'));
    expect(e).toMatchObject({ srcIp: '2001:db8:dead:beef::7', dstIp: '2001:db8:100::10', time: '2026-03-16T11:18:12.120Z' });
    expect(e.protocol).toBeUndefined();
    expect(outcomesOf(SD('RT_FLOW_SESSION_CREATE', v6, '2026-03-16T11:18:12.120'), { ...forced, tz: 'Europe/Berlin' })[0]).toMatchObject({
      events: [{ time: Date.parse('2026-03-16T10:18:12.120Z') }],
    });
  });

  it('lenient where senders are: typographic quotes, text after the SD, a relay\'s own SD before the plain text', () => {
    expect(event(SD('APPTRACK_SESSION_VOL_UPDATE', `${DNAT} destination-interface-name=”st0.0” apbr-rule-type=”default”`))).toMatchObject({ dstPort: 104 });
    expect(event(SD('RT_FLOW_SESSION_CREATE', DNAT) + '1002')).toMatchObject({ dstPort: 104 });
    const meta = '<14>1 2026-03-16T10:21:02Z srx01 RT_FLOW - RT_FLOW_SESSION_DENY [meta sequenceId="7"] session denied 192.0.2.88/60000->198.51.100.21/104 0x0 junos-dicom 6(0) deny-all untrust trust';
    expect(event(meta)).toMatchObject({ srcIp: '192.0.2.88', dstPort: 104, action: 'deny', protocol: 'tcp' });
  });

  it('the SD tokenizer: escapes, several elements, unterminated text', () => {
    const sd = parseStructuredData('[junos@2636 a="x \\"y\\" \\] \\\\ z" b=plain c="" a="second"][other@1 d="4"] msg');
    expect([...sd.params]).toEqual([['a', 'x "y" ] \\ z'], ['b', 'plain'], ['c', ''], ['d', '4']]);
    expect(sd).toMatchObject({ complete: true, id: 'junos@2636' });
    expect(parseStructuredData('[junos@2636 a="1" b="2').complete).toBe(false);
    expect(parseStructuredData('[junos@2636 a="1"').complete).toBe(false);
  });
});

describe('plain form (BSD syslog)', () => {
  it('CREATE, current releases: connection tags, NAT rule types with spaces, protocol found from the right', () => {
    const line = BSD('RT_FLOW_SESSION_CREATE: session created 203.0.113.44/55001->198.51.100.20/104 0x0 junos-dicom 203.0.113.44/55001->10.30.0.5/104 0x0 N/A N/A destination rule pacs-dnat 6 untrust-to-pacs untrust trust 20117 N/A(N/A) ge-0/0/0.0 UNKNOWN UNKNOWN UNKNOWN N/A N/A -1 N/A');
    expect(event(line)).toEqual({
      time: '2026-03-16T10:21:02.000Z', srcIp: '203.0.113.44', srcPort: 55001, dstIp: '198.51.100.20', dstPort: 104, protocol: 'tcp',
      action: 'allow', device: 'srx-branch02', vendor: 'Juniper Networks', product: 'SRX', format: 'juniper-srx', file: 'srx.log', line: 1,
    });
  });

  it('CLOSE: reason before the tuple, packets(bytes) counters summed', () => {
    const line = BSD('RT_FLOW_SESSION_CLOSE: session closed TCP CLIENT RST: 203.0.113.44/55001->198.51.100.20/104 0x0 junos-dicom 203.0.113.44/55001->10.30.0.5/104 0x0 N/A N/A destination rule pacs-dnat 6 untrust-to-pacs untrust trust 20117 9(1220) 7(3390) 28 UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 No');
    expect(event(line)).toMatchObject({ action: 'allow', protocol: 'tcp', bytes: 4610, packets: 16, dstIp: '198.51.100.20' });
  });

  it('DENY: protocol-id(icmp-type)', () => {
    expect(event(BSD('RT_FLOW_SESSION_DENY: session denied 192.0.2.88/60000->198.51.100.21/104 0x0 junos-dicom 6(0) deny-all untrust trust UNKNOWN UNKNOWN N/A(N/A) ge-0/0/0.0 No Denied by policy')))
      .toMatchObject({ action: 'deny', protocol: 'tcp', srcIp: '192.0.2.88', dstPort: 104 });
    expect(event(BSD('RT_FLOW_SESSION_DENY: session denied 192.0.2.1/1->192.0.2.2/2 icmp 1(8) deny-all untrust trust'))).toMatchObject({ protocol: 'icmp' });
  });

  it('oldest releases (10.x): rule names only, no counters after CREATE; a numeric policy name is not taken for the protocol', () => {
    expect(event(BSD('RT_FLOW_SESSION_CREATE: session created 10.30.0.9/33012->192.0.2.53/53 junos-dns-udp 198.51.100.30/41012->192.0.2.53/53 snat-rule None 17 trust-to-untrust trust untrust 3381')))
      .toMatchObject({ srcIp: '10.30.0.9', dstIp: '192.0.2.53', protocol: 'udp', action: 'allow' });
    expect(event(BSD('RT_FLOW_SESSION_CLOSE: session closed TCP RST: 10.254.251.48/35639->192.0.2.188/5228 None 198.51.100.123/40488->192.0.2.188/5228 r1 None 6 35 trust untrust 80888035 46(4109) 42(4812) 13512')))
      .toMatchObject({ protocol: 'tcp', bytes: 8921, packets: 88 });
  });

  it('a BSD line without host name: the tag is not the device; IPv6 tuples', () => {
    const e = event('May  8 02:52:02 RT_FLOW: RT_FLOW_SESSION_DENY: session denied 2001:db8::7/40000->2001:db8:100::10/104 junos-dicom 6(0) deny-all untrust trust');
    expect(e).toMatchObject({ srcIp: '2001:db8::7', dstIp: '2001:db8:100::10', dstPort: 104, time: '2026-05-08T02:52:02.000Z' });
    expect(e.device).toBeUndefined();
  });
});

describe('malformed and non-connection lines', () => {
  it('RT_FLOW messages that are not session records are NOT_A_CONNECTION; other programs are not claimed', () => {
    expect(code(BSD('FLOW_HIGH_WATERMARK_TRIGGERED: Number of sessions 523000 exceeded the high watermark limit. Early aging triggered.'))).toBe('NOT_A_CONNECTION');
    expect(code(SD('RT_FLOW_SESSION_SOMETHING', 'a="1"'))).toBe('NOT_A_CONNECTION');
    expect(code('<14>Mar 16 10:27:00 srx-edge01 mgd[4123]: UI_COMMIT: User \'admin\' requested \'commit\' operation')).toBe('UNRECOGNISED_FORMAT');
    expect(code('<14>1 2026-03-16T10:00:00Z srx-edge01 RT_IDP - RT_IDP_ATTACK_LOG [junos@2636.1.1.1.2.129 source-address="1.2.3.4"]')).toBe('UNRECOGNISED_FORMAT');
  });

  it('cut-short structured data, missing addresses, plain text without a complete tuple: MALFORMED', () => {
    const full = SD('RT_FLOW_SESSION_CREATE', DNAT);
    expect(code(full.slice(0, full.length - 1))).toBe('MALFORMED');
    expect(code(full.slice(0, full.indexOf('destination-address')))).toBe('MALFORMED');
    expect(code(SD('RT_FLOW_SESSION_CREATE', 'source-address="203.0.113.7" source-port="1"'))).toBe('MALFORMED');
    expect(code(BSD('RT_FLOW_SESSION_CREATE: session created'))).toBe('MALFORMED');
    expect(code(BSD('RT_FLOW_SESSION_DENY: session denied 192.0.2.88/60000->198.51.100.21/10'))).toBe('MALFORMED');
    expect(code(SD('RT_FLOW_SESSION_CREATE', 'source-address="203.0.113.7" destination-address="nowhere"'))).toBe('BAD_ADDRESS');
  });
});

describe('fixture', () => {
  const fixture = readFileSync(new URL(`../${FIXTURE}`, import.meta.url), 'utf8');
  const expectedText = readFileSync(new URL('../fixtures/syslog/juniper-srx.expected.jsonl', import.meta.url), 'utf8');
  const expected = expectedText.trimEnd().split('\n').map((l) => JSON.parse(l) as NetworkEvent);

  it('gives the hand-checked events, and says why for every other line', () => {
    const { outcomes, info } = parseText(fixture, { ...ctx, file: FIXTURE });
    expect(jsonEvents(outcomes)).toEqual(expected);
    expect(codes(outcomes)).toEqual([...Array(12).fill('events'), 'NOT_A_CONNECTION', 'MALFORMED', 'UNRECOGNISED_FORMAT']);
    expect(info).toMatchObject({ records: 15, parsed: 12, skipped: 2, errors: 1 });
  });

  it('`dicomwatch parse --year 2026` prints exactly the expected file', async () => {
    const r = await runCli(['parse', FIXTURE, '--year', '2026']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedText);
    expect(r.stderr).toContain(`${FIXTURE}:14: MALFORMED`);
  });

  it('scan: the external DICOM sources (pre-NAT destinations), per hour', async () => {
    const r = await runCli(['scan', FIXTURE, '--year', '2026', '--output', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      'SourceIP,DestinationIP,TimeGenerated,count_',
      '203.0.113.44,198.51.100.20,2026-03-16T10:00:00.000Z,2',
      '203.0.113.7,198.51.100.10,2026-03-16T10:00:00.000Z,2',
      '192.0.2.88,198.51.100.21,2026-03-16T10:00:00.000Z,1',
      '198.51.100.23,198.51.100.11,2026-03-16T10:00:00.000Z,1',
      '2001:db8:dead:beef::7,2001:db8:100::10,2026-03-16T10:00:00.000Z,1',
      '203.0.113.9,198.51.100.10,2026-03-16T10:00:00.000Z,1',
      '',
    ].join('\n'));
  });
});

describe('pre-filter parity', () => {
  const fixture = readFileSync(new URL(`../${FIXTURE}`, import.meta.url), 'utf8');
  const extra = [
    SD('RT_FLOW_SESSION_CREATE', 'source-address="203.0.113.7" destination-address="bad" destination-port="443"'),
    SD('RT_FLOW_SESSION_CREATE', 'source-address="203.0.113.7" destination-address="bad" destination-port="104"'),
    SD('RT_FLOW_SESSION_CREATE', 'source-address="203.0.113.7" destination-port="443"'),
    BSD('RT_FLOW_SESSION_DENY: session denied 192.0.2.88/60000->198.51.100.21/443'),
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
    expect(codes(parseText(extra, { ...ctx, prefilter: { dstPorts: new Set([104]) } }).outcomes)).toEqual(['FILTERED', 'BAD_ADDRESS', 'MALFORMED', 'MALFORMED']);
  });
});

describe('bad input', () => {
  const samples = [
    SD('RT_FLOW_SESSION_CLOSE', `reason="TCP FIN" ${DNAT} packets-from-client="12" bytes-from-client="2140" packets-from-server="10" bytes-from-server="18322"`),
    BSD('RT_FLOW_SESSION_CLOSE: session closed TCP FIN: 203.0.113.44/55001->198.51.100.20/104 0x0 junos-dicom 203.0.113.44/55001->10.30.0.5/104 0x0 N/A N/A N/A N/A 6 untrust-to-pacs untrust trust 20117 9(1220) 7(3390) 28 UNKNOWN'),
    BSD('RT_FLOW_SESSION_DENY: session denied 192.0.2.88/60000->198.51.100.21/104 0x0 junos-dicom 6(0) deny-all untrust trust'),
  ];

  it('every truncation of a line is an error, a skip, or the full line\'s tuple (optional values at most absent)', () => {
    for (const line of samples) {
      const full = event(line);
      for (let n = 0; n < line.length; n++) {
        for (const o of outcomesOf(line.slice(0, n))) {
          if (o.kind !== 'events') continue;
          for (const e of o.events.map(asJson)) {
            expect({ srcIp: e.srcIp, dstIp: e.dstIp, srcPort: e.srcPort, dstPort: e.dstPort, action: e.action, time: e.time })
              .toEqual({ srcIp: full.srcIp, dstIp: full.dstIp, srcPort: full.srcPort, dstPort: full.dstPort, action: full.action, time: full.time });
            for (const k of ['protocol', 'bytes', 'packets'] as const) if (e[k] !== undefined) expect(e[k]).toBe(full[k]);
          }
        }
      }
    }
  });

  it('garbage, a 1 MB line, replacement characters: no exception, one outcome per line', () => {
    const inputs = [
      SD('RT_FLOW_SESSION_CREATE', 'a="' + 'x'.repeat(1_000_000) + '"'),
      SD('RT_FLOW_SESSION_CREATE', 'a=b '.repeat(250_000)),
      BSD('RT_FLOW_SESSION_CREATE: session created ' + '1/1->2/2 '.repeat(100_000)),
      BSD('RT_FLOW_SESSION_CREATE: ' + ' '.repeat(1_000_000)),
      BSD('RT_FLOW_SESSION_DENY: session denied \uFFFD/\uFFFD->\uFFFD/104 x 6(0)'),
      '<14>1 2026-03-16T10:00:00Z h RT_FLOW - RT_FLOW_SESSION_CREATE [',
      '<14>1 2026-03-16T10:00:00Z h RT_FLOW - RT_FLOW_SESSION_CREATE [junos@1 =',
      '<14>1 2026-03-16T10:00:00Z h RT_FLOW - - -',
      'RT_FLOW_SESSION_CREATE',
      '\uFFFD'.repeat(1000),
    ];
    for (const input of inputs) {
      let outcomes: RecordOutcome[] = [];
      expect(() => { outcomes = outcomesOf(input); }).not.toThrow();
      expect(outcomes).toHaveLength(1);
    }
    const random = Array.from({ length: 2000 }, (_, i) => {
      const base = samples[i % samples.length]!.split('');
      for (let k = 0; k < 6; k++) base[(i * 7919 + k * 104729) % base.length] = String.fromCharCode((i * 31 + k * 17) % 128);
      return base.join('').replace(/[\r\n]/g, ' ');
    });
    expect(() => parseText(random.join('\n'), forced)).not.toThrow();
  });
});
