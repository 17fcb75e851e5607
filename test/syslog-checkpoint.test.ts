/**
 * Check Point Log Exporter records in the syslog family (src/parsers/syslog/checkpoint.ts): the syslog
 * `[key:"value"; …]` form, structured data under Check Point's enterprise number, the Splunk `key=value|` form,
 * drop-template records whose packets are listed in `packets`, and what is not a connection or is cut short.
 */
import { asJson, jsonEvents, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { checkPointAction, checkpointFormat, repairStamp } from '../src/parsers/syslog/checkpoint.js';
import { parseSyslogLine } from '../src/parsers/syslog/framing.js';
import { NOT_MINE, type MessageContext } from '../src/parsers/syslog/message.js';
import { parseText } from '../src/parsers/record-parser.js';
import { formatById } from '../src/parsers/registry.js';
import { isRejection, type RecordOutcome } from '../src/parsers/types.js';
import type { NetworkEvent } from '../src/model/event.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/syslog/checkpoint.log';
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

function only(line: string, extra: Record<string, unknown> = {}): JsonEvent[] {
  const o = outcomeOf(line, extra);
  if (o.kind !== 'events') throw new Error(`expected events, got ${o.kind} ${o.code}: ${o.message}`);
  return o.events.map(asJson);
}

const HEAD = '<134>1 2026-03-16T10:15:05Z cp-mgmt01 CheckPoint 16953 - ';
const CONNECTION_KEYS = ['time', 'srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol', 'action', 'bytes', 'packets'] as const;

describe('Check Point: the fixture', () => {
  it('gives the hand-checked events of fixtures/syslog/checkpoint.expected.jsonl', () => {
    const expected = readFileSync(new URL('../fixtures/syslog/checkpoint.expected.jsonl', import.meta.url), 'utf8')
      .trimEnd().split('\n').map((l) => JSON.parse(l) as NetworkEvent);
    const { outcomes, info } = parseText(text, ctx);
    expect(events(outcomes)).toEqual(expected);
    expect(outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code))).toEqual([
      'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events', 'events',
      'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'NOT_A_CONNECTION', 'MALFORMED', 'events', 'events', 'events', 'events',
    ]);
    expect(info).toMatchObject({ records: 18, parsed: 14, skipped: 3, errors: 1 });
  });

  it('the CLI prints exactly the expected file', async () => {
    const r = await runCli(['parse', FIXTURE, '--year', '2026']);
    expect(r.stdout).toBe(readFileSync(new URL('../fixtures/syslog/checkpoint.expected.jsonl', import.meta.url), 'utf8'));
    expect(r.stderr).toContain(`${FIXTURE}:14: MALFORMED: Check Point syslog record: the value of "s_port" never closes (cut short?)`);
  });

  it('scan finds the external DICOM sources', async () => {
    const r = await runCli(['scan', FIXTURE, '--year', '2026', '--output', 'csv']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('SourceIP,DestinationIP,TimeGenerated,count_');
    expect(rows).toContain('203.0.113.7,10.20.30.40,2026-03-16T10:00:00.000Z,2');
    expect(rows).toContain('203.0.113.66,10.20.30.41,2026-03-16T11:00:00.000Z,1');
    expect(rows).toContain('2001:db8:feed::7,2001:db8:100::40,2026-03-16T12:00:00.000Z,1');
    expect(rows.some((row) => row.startsWith('10.99.0.5,'))).toBe(false); // the VPN user is internal
  });

  it('--format checkpoint forces the syslog family with this vendor alone', () => {
    expect(formatById('checkpoint')?.id).toBe('syslog');
    const { outcomes } = parseText(`${lines[0]}\nMar 16 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP DPT=104`, { ...ctx, format: 'checkpoint' });
    expect(outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code))).toEqual(['events', 'UNRECOGNISED_FORMAT']);
  });
});

describe('Check Point: message types', () => {
  it('syslog form: src/dst/s_port/service/proto, `time` wins over the header, device from originsicname', () => {
    expect(only(lines[0]!)).toEqual([{
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.30.40', dstPort: 104,
      protocol: 'tcp', action: 'allow', device: 'hospital-gw01', vendor: 'Check Point', product: 'VPN-1 & FireWall-1',
      format: 'checkpoint', file: FIXTURE, line: 1,
    }]);
  });

  it('NAT: xlatedst/xlatesrc are never the source or destination', () => {
    expect(only(lines[1]!)[0]).toMatchObject({ srcIp: '198.51.100.23', dstIp: '198.51.100.10', dstPort: 104 });
    expect(only(lines[4]!)[0]).toMatchObject({ srcIp: '10.20.30.40', srcPort: 53122, dstIp: '198.51.100.200' });
  });

  it('actions: Accept, Drop, Reject (deny), Encrypt/Decrypt (allow), Prevent (deny), Detect and Inline state none', () => {
    expect(only(lines[2]!)[0]!.action).toBe('drop');
    expect(only(lines[3]!)[0]!.action).toBe('deny');
    expect(only(lines[9]!)[0]!.action).toBe('allow');
    expect(only(lines[15]!)[0]!.action).toBe('deny');
    expect(only(lines[16]!)[0]!.action).toBeUndefined();
    expect(checkPointAction('Accept', [])).toBe('allow');
    expect(checkPointAction('Encrypt', [])).toBe('allow');
    expect(checkPointAction('Detect', ['Detect'])).toBeUndefined();
    expect(checkPointAction(undefined, ['Inline', 'Accept'])).toBe('allow');
    expect(checkPointAction(undefined, ['Accept', 'Inline'])).toBe('allow');
    expect(checkPointAction('Block', [])).toBe('deny');
  });

  it('time: epoch seconds, epoch milliseconds, ISO 8601; the earliest of repeated `time` keys', () => {
    expect(only(lines[3]!)[0]!.time).toBe('2026-03-16T10:21:13.000Z'); // time:"1773656473000"
    const iso = `${HEAD}[action:"Accept"; time:"2026-03-16T11:00:00+01:00"; src:"203.0.113.7"; dst:"10.20.30.40"; proto:"6"; service:"104"]`;
    expect(only(iso)[0]!.time).toBe('2026-03-16T10:00:00.000Z');
    const twice = `${HEAD}[action:"Accept"; time:"1773656200"; src:"203.0.113.7"; dst:"10.20.30.40"; time:"1773656102"; service:"104"]`;
    expect(only(twice)[0]!.time).toBe('2026-03-16T10:15:02.000Z');
    const noTime = `${HEAD}[action:"Accept"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"104"]`;
    expect(only(noTime)[0]!.time).toBe('2026-03-16T10:15:05.000Z');
  });

  it('a zone-less ISO `time` or header is read in --tz; one with a zone is not', () => {
    const zoneless = `${HEAD}[action:"Accept"; time:"2026-03-16T11:00:00"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"104"]`;
    expect(only(zoneless, { tz: 'Europe/Berlin' })[0]!.time).toBe('2026-03-16T10:00:00.000Z');
    expect(only(lines[0]!, { tz: 'Europe/Berlin' })[0]!.time).toBe('2026-03-16T10:15:02.000Z');
    expect(only(lines[8]!, { tz: 'Europe/Berlin' })[0]!.time).toBe('2026-03-16T11:05:31.000Z'); // `2026-03-16 12:05:31`
  });

  it('an older exporter\'s stamp with a space, and `;]` at the end', () => {
    expect(only(lines[8]!)).toEqual([expect.objectContaining({
      time: '2026-03-16T12:05:31.000Z', srcIp: '2001:db8:feed::7', dstIp: '2001:db8:100::40', dstPort: 104, action: 'allow',
    })]);
    const noOrigin = '<134>1 2026-03-16 12:05:31 mds-72 CheckPoint 13752 - [action:"Drop"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"104";]';
    expect(only(noOrigin)[0]).toMatchObject({ time: '2026-03-16T12:05:31.000Z', device: 'mds-72', action: 'drop' });
  });

  it('structured data under PEN 2620, with a `--5:00` stamp: svc and sport_svc are the ports (Elastic reads no port here)', () => {
    expect(only(lines[6]!)).toEqual([{
      time: '2026-03-16T10:40:09.000Z', srcIp: '198.51.100.23', srcPort: 50999, dstIp: '10.20.30.40', dstPort: 104,
      protocol: 'tcp', device: '192.0.2.1', vendor: 'Check Point', product: 'VPN-1 & FireWall-1', format: 'checkpoint',
      file: FIXTURE, line: 1,
    }]);
    expect(repairStamp('2023-01-13T10:10:16--5:00')).toBe('2023-01-13T10:10:16-05:00');
    expect(repairStamp('2023-01-13T10:10:16+01:00')).toBe('2023-01-13T10:10:16+01:00');
    expect(repairStamp('2023-01-13T10:10:16Z')).toBe('2023-01-13T10:10:16Z');
  });

  it('the Splunk form: key=value|, `\\=` escapes, after a syslog header or bare', () => {
    expect(only(lines[7]!)[0]).toMatchObject({
      time: '2026-03-16T11:40:09.000Z', srcIp: '203.0.113.99', srcPort: 61000, dstIp: '10.20.30.40', dstPort: 104,
      protocol: 'tcp', action: 'drop', device: 'hospital-gw01', product: 'Firewall',
    });
    const bare = 'time=1773661209|hostname=gw7|product=Firewall|action=Accept|origin=192.0.2.7|dst=10.20.30.40|proto=17|s_port=5000|service=104|src=203.0.113.5|';
    expect(only(bare)[0]).toMatchObject({ time: '2026-03-16T11:40:09.000Z', device: 'gw7', protocol: 'udp', action: 'allow' });
  });

  it('the space-separated form of older exporters, after an RFC 3164 stamp with an offset', () => {
    expect(only(lines[17]!)).toEqual([{
      time: '2026-03-16T11:20:05.000Z', srcIp: '203.0.113.150', srcPort: 47001, dstIp: '10.20.30.40', dstPort: 104,
      protocol: 'tcp', action: 'drop', device: '192.0.2.1', vendor: 'Check Point', product: 'VPN-1 & FireWall-1',
      format: 'checkpoint', file: FIXTURE, line: 1,
    }]);
    const identity = 'Sep 20 22:33:44+03:00 192.0.2.1 Action="update" UUid="{0x34cd2400,0x0,0x1551515,0x817}" src="10.10.1.11" product="Identity Awareness"';
    expect(outcomeOf(identity)).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
    // Other vendors' key="value" lines carry no UUid/loguid.
    const time = { tz: 'UTC', year: 2026 };
    const sophos = 'Mar 16 10:15:02 sfos device="SFW" date=2026-03-16 time=10:15:02 log_type="Firewall" src_ip=1.2.3.4';
    expect(checkpointFormat.parse(parseSyslogLine(sophos, time), { file: 'x', lineNo: 1, time })).toBe(NOT_MINE);
  });

  it('a relay header in front of the exporter\'s RFC 5424 header', () => {
    expect(only(lines[14]!)[0]).toMatchObject({ time: '2026-03-16T10:15:08.000Z', srcIp: '203.0.113.7', protocol: 'udp', dstPort: 104 });
  });

  it('bytes and packets: the totals, else both directions added', () => {
    expect(only(lines[4]!)[0]).toMatchObject({ bytes: 1840 + 48210, packets: 12 + 38 });
    const totals = `${HEAD}[action:"Accept"; bytes:"11930"; packets:"37"; client_outbound_bytes:"6345"; server_outbound_bytes:"7475"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"104"]`;
    expect(only(totals)[0]).toMatchObject({ bytes: 11930, packets: 37 });
  });

  it('a drop-template record without src/dst: one event per listed packet (Elastic keeps them nested, no top-level tuple)', () => {
    const evs = only(lines[5]!);
    expect(evs.map((e) => [e.srcIp, e.srcPort, e.dstIp, e.dstPort, e.protocol, e.action, e.line])).toEqual([
      ['203.0.113.66', 40001, '10.20.30.40', 104, 'tcp', 'drop', 1],
      ['203.0.113.66', 40002, '10.20.30.41', 104, 'tcp', 'drop', 1],
      ['203.0.113.66', 40003, '10.20.30.42', 443, 'tcp', 'drop', 1],
    ]);
    const sampled = `${HEAD}[action:"Drop"; time:"1773656102"; packet_amount:"9"; packets:"(sample only) <203.0.113.1,1,10.20.30.40,104,17;bond0> <2001:db8::1,2,2001:db8::2,104,6>";]`;
    expect(only(sampled).map((e) => [e.srcIp, e.dstIp, e.protocol])).toEqual([['203.0.113.1', '10.20.30.40', 'udp'], ['2001:db8::1', '2001:db8::2', 'tcp']]);
    // A port beyond 65535 (seen in Elastic's synthetic sample) is left out and counted, the packet kept.
    const big = `${HEAD}[action:"Drop"; time:"1773656102"; packets:" <203.0.113.48,67890,198.51.100.26,78901,6;bond1.3>"]`;
    expect(only(big)[0]).toMatchObject({ srcIp: '203.0.113.48', dstIp: '198.51.100.26' });
    expect(only(big)[0]!.dstPort).toBeUndefined();
  });

  it('a connection without src but with client_ip and dst takes client_ip as the source (as Elastic does)', () => {
    const line = `${HEAD}[action:"Accept"; time:"1773656102"; dst:"10.20.30.40"; client_ip:"203.0.113.7"; service:"104"]`;
    expect(only(line)[0]).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.20.30.40' });
  });
});

describe('Check Point: not connections, broken records, other vendors', () => {
  it('system, audit and identity records are NOT_A_CONNECTION', () => {
    for (const [k, reason] of [[10, 'without src or dst'], [11, 'without src or dst'], [12, 'naming one host only']] as const) {
      const o = outcomeOf(lines[k]!);
      expect(o).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
      expect(o.kind === 'skip' && o.message).toContain(reason);
    }
  });

  it('cut short or broken: MALFORMED, in scan as in parse', () => {
    const broken = [
      lines[13]!,
      `${HEAD}[action:"Accept"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"104"`,
      `${HEAD}[action:"Accept"; src:"203.0.113.7"; dst:10.20.30.40; service:"104"]`,
      `${HEAD}[action:"Drop"; time:"1773656102"; packets:" <203.0.113.66,40001,10.20.30.40,104,6;eth1> <203.0.113.66,40002"]`,
      `${HEAD}[action:"Drop"; time:"1773656102"; packets:" <203.0.113.66,40001,10.20.30.40>"]`,
      'time=1773661209|action=Drop|src=203.0.113.99|dst=10.20.30.40|service=10',
      '<85>1 2026-03-16T06:40:09-04:00 192.0.2.1 CP-GW - Log [Fields@1.3.6.1.4.1.2620 src="198.51.100.23" dst="10.20.30.40" svc="104',
      '<85>Mar 16 12:20:05+01:00 192.0.2.1 Action="drop" UUid="{0x1}" src="203.0.113.150" dst="10.20.30.40" service="104" s_port="47',
    ];
    for (const line of broken) {
      expect(outcomeOf(line)).toMatchObject({ kind: 'error', code: 'MALFORMED' });
      expect(outcomeOf(line, { prefilter: { dstPorts: new Set([104]) } })).toMatchObject({ kind: 'error', code: 'MALFORMED' });
    }
  });

  it('bad values: an unreadable time is BAD_TIME, an address that is none is BAD_ADDRESS', () => {
    expect(outcomeOf(`${HEAD}[action:"Accept"; time:"yesterday"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"104"]`))
      .toMatchObject({ kind: 'error', code: 'BAD_TIME' });
    expect(outcomeOf(`${HEAD}[action:"Accept"; src:"pacs.example.org"; dst:"10.20.30.40"; service:"104"]`))
      .toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
  });

  it('other RFC 5424 structured data, CEF and plain text are not Check Point\'s', () => {
    const time = { tz: 'UTC', year: 2026 };
    const mctx: MessageContext = { file: 'x', lineNo: 1, time };
    for (const line of [
      '<14>1 2026-03-16T10:15:02Z srx01 RT_FLOW - RT_FLOW_SESSION_CREATE [junos@2636.1.1.1.2.26 source-address="1.2.3.4"] x',
      '<14>1 2026-03-16T10:15:02Z host app - - [meta sequenceId="1"] hello',
      'CEF:0|Check Point|VPN-1 & FireWall-1|Check Point|Log|https|Unknown|act=Accept src=1.2.3.4 dst=5.6.7.8',
      'Mar 16 10:15:02 fw kernel: DROP IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8',
      '<134>1 1773656102.123456789 hospital-mx84 flows src=203.0.113.7 dst=10.20.30.40 protocol=tcp sport=1 dport=104 pattern: 1 all',
      'date=2026-03-16 time=10:15:02 devname="FG" srcip=1.2.3.4',
      '[x] y',
      '',
    ]) {
      expect(checkpointFormat.parse(parseSyslogLine(line, time), mctx)).toBe(NOT_MINE);
    }
  });
});

describe('Check Point: the pre-filter', () => {
  it('parse and scan agree: FILTERED only replaces events without port 104 or value errors; structural errors identical', () => {
    const extra = [
      `${HEAD}[action:"Accept"; time:"yesterday"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"443"]`,
      `${HEAD}[action:"Accept"; time:"yesterday"; src:"203.0.113.7"; dst:"10.20.30.40"; service:"104"]`,
      `${HEAD}[action:"Drop"; time:"1773656102"; packets:" <203.0.113.66,1,10.20.30.40,443,6> <203.0.113.66,2,10.20.30.41,22,6>"]`,
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
    expect(filtered).toBe(4); // lines 4 and 5, the extra record on 443 with a bad time, the drop list without 104
    expect(scanned[18]).toMatchObject({ kind: 'skip', code: 'FILTERED' });
    expect(scanned[19]).toMatchObject({ kind: 'error', code: 'BAD_TIME' });
    expect(scanned[20]).toMatchObject({ kind: 'skip', code: 'FILTERED' });
  });
});

describe('Check Point: hostile input', () => {
  const time = { tz: 'UTC', year: 2026 };
  const mctx: MessageContext = { file: 'x', lineNo: 1, time };

  it('a line cut at any byte gives no event it should not: every value it gives is the whole line\'s', () => {
    for (const line of [lines[0]!, lines[5]!, lines[6]!, lines[7]!, lines[8]!, lines[14]!, lines[17]!]) {
      const whole = checkpointFormat.parse(parseSyslogLine(line, time), mctx);
      const full = (Array.isArray(whole) ? whole : [whole]) as NetworkEvent[];
      for (let cut = 0; cut < line.length; cut++) {
        const r = checkpointFormat.parse(parseSyslogLine(line.slice(0, cut), time), mctx);
        if (r === NOT_MINE || isRejection(r)) continue;
        const got = Array.isArray(r) ? r : [r];
        expect(got).toHaveLength(full.length);
        got.forEach((e, k) => {
          // The connection's values; a label (product) may fall back to the default when its key was cut off.
          for (const key of CONNECTION_KEYS) {
            if (e[key] !== undefined) expect([key, e[key]]).toEqual([key, full[k]![key]]);
          }
        });
      }
    }
  });

  it('garbage, replacement characters, a 1 MB line, unbalanced quotes: outcomes, never exceptions', () => {
    const big = 'x'.repeat(1 << 20);
    const garbage = [
      `${HEAD}[action:"${big}`,
      `${HEAD}[${big}`,
      `${HEAD}[a:"b"; ${'c:"d"; '.repeat(50_000)}`,
      `${HEAD}[action:"Accept"; src:"\uFFFD\uFFFD"; dst:"10.20.30.40"; service:"104"]`,
      `${HEAD}[action:"Accept\\`,
      `${HEAD}[action::::"x"]`,
      `${HEAD}[Fields@2620 ${'k="v" '.repeat(10_000)}`,
      `time=|${'|'.repeat(1000)}`,
      `time=1|${big}`,
      '<85>1 --5:00 - - - - [a:"b"]',
      '1 2026 x y z w [a:"b"]',
      '\uFFFD'.repeat(1000),
      `${HEAD}[action:"Drop"; packets:"${'<'.repeat(10_000)}"]`,
      `${HEAD}[action:"Drop"; packets:"(sample only"]`,
      `${HEAD}[action:"Drop"; packets:"${'<1,2,3,4,5> '.repeat(20_000)}"]`,
    ];
    for (const line of garbage) {
      expect(() => checkpointFormat.parse(parseSyslogLine(line, time), mctx)).not.toThrow();
    }
    const { outcomes } = parseText(garbage.join('\n'), ctx);
    expect(outcomes).toHaveLength(garbage.length);
    expect(events(outcomes)).toEqual([]);
  });

  it('random bytes do not throw', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) % 256);
    for (let n = 0; n < 300; n++) {
      const bytes = Buffer.from(Array.from({ length: 1 + (n % 97) * 7 }, rnd));
      const line = HEAD + '[' + bytes.toString('latin1');
      expect(() => checkpointFormat.parse(parseSyslogLine(line, time), mctx)).not.toThrow();
      expect(() => checkpointFormat.parse(parseSyslogLine(bytes.toString('utf8'), time), mctx)).not.toThrow();
    }
  });
});
