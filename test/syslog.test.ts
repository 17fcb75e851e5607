/**
 * Issue 8 point 3: two levels of detection. The syslog family parses the framing once per line and tries the vendor
 * message formats per line, the last match first; a line nobody recognises is UNRECOGNISED_FORMAT and the file goes
 * on. iptables is the real vendor in the slot; a toy vendor is added here as one module plus one registry line.
 */
import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSyslogLine } from '../src/parsers/syslog/framing.js';
import { actionFromPrefix, iptablesFormat } from '../src/parsers/syslog/iptables.js';
import { NOT_MINE, type MessageFormat } from '../src/parsers/syslog/message.js';
import { syslogFamily } from '../src/parsers/syslog/family.js';
import { createRecordParser, parseText } from '../src/parsers/record-parser.js';
import { FORMATS, formatById } from '../src/parsers/registry.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';

const UTC = { tz: 'UTC' };
const ctx = { file: 'fw.log', tz: 'UTC', year: 2026 };

function events(outcomes: readonly RecordOutcome[]): JsonEvent[] {
  return jsonEvents(outcomes);
}

function codes(outcomes: readonly RecordOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
}

describe('syslog framing', () => {
  it('RFC 3164 with and without <PRI>, with a facility.severity token, and a tag with its pid', () => {
    const year = { tz: 'UTC', year: 2026 };
    expect(parseSyslogLine('<13>Mar 16 10:15:02 fw01 kernel: hello', year)).toMatchObject({
      header: true, time: Date.UTC(2026, 2, 16, 10, 15, 2), host: 'fw01', app: 'kernel', message: 'hello',
    });
    expect(parseSyslogLine('Mar  6 10:15:02 fw01 user.info kernel: TTL=126', year)).toMatchObject({
      time: Date.UTC(2026, 2, 6, 10, 15, 2), host: 'fw01', app: 'kernel', message: 'TTL=126',
    });
    expect(parseSyslogLine('Mar 16 10:15:02 fw01 sshd[2211]: Accepted', year)).toMatchObject({ app: 'sshd', message: 'Accepted' });
  });

  it('RFC 5424 with structured data, and the RFC 3339 file format of rsyslog', () => {
    const line = '<4>1 2026-03-16T11:05:00.250+01:00 edge02 kernel - - [meta k="a]b" x="\\"y\\""] the message';
    expect(parseSyslogLine(line, UTC)).toMatchObject({
      header: true, time: Date.UTC(2026, 2, 16, 10, 5, 0, 250), host: 'edge02', app: 'kernel', message: 'the message',
    });
    expect(parseSyslogLine('2026-03-16T10:15:02.123Z fw01 kernel: hi', UTC)).toMatchObject({
      time: Date.UTC(2026, 2, 16, 10, 15, 2, 123), host: 'fw01', app: 'kernel', message: 'hi',
    });
  });

  it('a zone-less stamp is in --tz; a year-less one takes --year, else the latest year not in the future', () => {
    expect(parseSyslogLine('Mar 16 10:15:02 fw01 kernel: x', { tz: 'Europe/Berlin', year: 2026 }).time).toBe(Date.UTC(2026, 2, 16, 9, 15, 2));
    const now = Date.UTC(2027, 0, 10);
    expect(parseSyslogLine('Dec 30 23:59:59 fw01 kernel: x', { tz: 'UTC', now }).time).toBe(Date.UTC(2026, 11, 30, 23, 59, 59));
    const placeless = parseSyslogLine('Dec 30 23:59:59 fw01 kernel: x', UTC);
    expect(placeless).toMatchObject({ header: true, timeText: 'Dec 30 23:59:59', host: 'fw01' });
    expect(placeless.time).toBeUndefined();
  });

  it('--year moves on at New Year within a file (session state)', () => {
    const years = {};
    const time = { tz: 'UTC', year: 2025 };
    expect(parseSyslogLine('Dec 31 23:59:58 fw kernel: a', time, years).time).toBe(Date.UTC(2025, 11, 31, 23, 59, 58));
    expect(parseSyslogLine('Jan  1 00:00:01 fw kernel: b', time, years).time).toBe(Date.UTC(2026, 0, 1, 0, 0, 1));
    expect(parseSyslogLine('Jan  1 00:00:02 fw kernel: c', time, years).time).toBe(Date.UTC(2026, 0, 1, 0, 0, 2));
  });

  it('--year: lines of the old year after New Year (sources merged out of order at midnight) keep their year', () => {
    const years = {};
    const time = { tz: 'UTC', year: 2025 };
    const at = (line: string) => new Date(parseSyslogLine(`${line} fw kernel: x`, time, years).time!).toISOString();
    expect(['Dec 31 23:59:59', 'Jan  1 00:00:01', 'Dec 31 23:59:58', 'Jan  1 00:00:02', 'Jan  1 00:00:03'].map(at)).toEqual([
      '2025-12-31T23:59:59.000Z', '2026-01-01T00:00:01.000Z', '2025-12-31T23:59:58.000Z', '2026-01-01T00:00:02.000Z', '2026-01-01T00:00:03.000Z',
    ]);
  });

  it('a relay header in front of the device header is looked through; a bare message loses its <PRI>', () => {
    const relayed = '2026-03-16T10:15:05.000Z collector01 <134>Mar 16 10:15:02 fw01 kernel: DROP IN=eth0';
    expect(parseSyslogLine(relayed, { tz: 'UTC', year: 2026 })).toMatchObject({
      header: true, time: Date.UTC(2026, 2, 16, 10, 15, 2), host: 'fw01', app: 'kernel', message: 'DROP IN=eth0', line: relayed,
    });
    expect(parseSyslogLine('<189>date=2026-03-16 time=10:15:02 devname="FG"', UTC)).toMatchObject({ header: false, message: 'date=2026-03-16 time=10:15:02 devname="FG"' });
    // an RFC 5424 relay: the device's header is in its MSG, after the structured data (as an RFC 3164 relay's)
    for (const relay of ['<13>1 2026-03-16T10:00:00Z relay01 - - - -', '<13>1 2026-03-16T10:00:00Z relay01 rsyslogd - - [origin ip="10.0.0.9"]', 'Mar 16 10:00:00 relay01']) {
      expect(parseSyslogLine(`${relay} Mar 16 09:59:58 edge01 kernel: DROP IN=eth0`, { tz: 'UTC', year: 2026 }), relay).toMatchObject({
        header: true, time: Date.UTC(2026, 2, 16, 9, 59, 58), host: 'edge01', app: 'kernel', message: 'DROP IN=eth0',
      });
    }
  });

  it('a line without a header comes back bare; nothing throws on garbage', () => {
    expect(parseSyslogLine('CEF:0|Vendor|Product|1|100|name|5|src=1.2.3.4', UTC)).toMatchObject({ header: false, message: 'CEF:0|Vendor|Product|1|100|name|5|src=1.2.3.4' });
    for (const garbage of ['<', '<999>x', '1 ', 'Mar', 'Mar 16', 'Mar 16 10:1', '2026-03-16T', '<13>1 - - - - -', '\u0000\uffff']) {
      expect(() => parseSyslogLine(garbage, UTC)).not.toThrow();
    }
  });
});

describe('iptables (netfilter LOG) lines', () => {
  const fixture = readFileSync(new URL('../fixtures/iptables.log', import.meta.url), 'utf8');

  it('reads the fixture: addresses, ports, protocol, decision from the prefix, device from the header', () => {
    const { outcomes, info } = parseText(fixture, ctx);
    expect(codes(outcomes)).toEqual(['events', 'events', 'UNRECOGNISED_FORMAT', 'events', 'events', 'events', 'events', 'events', 'MALFORMED', 'events', 'events', 'events', 'events']);
    expect(info).toMatchObject({ records: 13, parsed: 11, skipped: 1, errors: 1 });
    expect(events(outcomes)[0]).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp',
      action: 'drop', device: 'edge01', vendor: 'Netfilter', product: 'iptables', format: 'iptables', file: 'fw.log', line: 1,
    });
    const byLine = new Map(events(outcomes).map((e) => [e.line, e]));
    expect(byLine.get(4)).toMatchObject({ action: 'allow', srcIp: '198.51.100.23' });
    expect(byLine.get(5)).toMatchObject({ action: 'deny', srcIp: '2001:db8:dead:beef::7', dstIp: '2001:db8:100::10' });
    expect(byLine.get(7)).toMatchObject({ protocol: 'icmp' });
    expect(byLine.get(7)!.dstPort).toBeUndefined();
    // RFC 5424 framing, a Ubiquiti rule prefix right before IN=, a +01:00 stamp
    expect(byLine.get(10)).toMatchObject({ time: '2026-03-16T10:05:00.250Z', action: 'drop', device: 'edge02', srcIp: '8.8.4.4' });
  });

  it('a stray quote is named as the reason a key is missing, not a cut line', () => {
    const line = 'Mar 16 10:02:11 fw01 kernel: IN=eth0 OUT= SRC="203.0.113.7 DST=10.1.2.3 LEN=60 PROTO=TCP SPT=51515 DPT=104 SYN';
    const { outcomes } = parseText(line, { ...ctx, year: 2026 });
    expect(outcomes[0]).toMatchObject({ kind: 'error', code: 'MALFORMED',
      message: 'netfilter line with a quote that never closes (the kernel writes none): the rest of the line is one value, so DST= is missing' });
    const cut = parseText('Mar 16 10:02:11 fw01 kernel: IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=60', { ...ctx, year: 2026 });
    expect(cut.outcomes[0]).toMatchObject({ code: 'MALFORMED', message: 'netfilter line without PROTO= (cut short?)' });
  });

  it('decisions from log prefixes by convention; none without one', () => {
    expect(actionFromPrefix('[LAN_LOCAL-default-A]')).toBe('allow');
    expect(actionFromPrefix('[WAN_IN-20-D]')).toBe('drop');
    expect(actionFromPrefix('[WAN_IN-30-R]')).toBe('deny');
    expect(actionFromPrefix('[UFW BLOCK] ')).toBe('deny');
    expect(actionFromPrefix('[UFW ALLOW] ')).toBe('allow');
    expect(actionFromPrefix('iptables-dropped: ')).toBe('drop');
    expect(actionFromPrefix('DICOM ')).toBeUndefined();
    expect(actionFromPrefix('')).toBeUndefined();
  });

  it('a year-less header without --year or a clock is BAD_TIME; a kernel line without a header has no time', () => {
    const line = fixture.split('\n')[0]!;
    expect(codes(parseText(line, { file: 'x', tz: 'UTC' }).outcomes)).toEqual(['BAD_TIME']);
    const bare = line.slice(line.indexOf('kernel: ') + 8);
    expect(codes(parseText(bare, { ...ctx, format: 'iptables' }).outcomes)).toEqual(['MISSING_FIELD']);
  });

  it('BAD_TIME suggests --year only when a year is all the stamp lacks (not for Feb 30, not when --year was given)', () => {
    const message = (text: string, year?: number) => {
      const o = parseText(text, { file: 'x', tz: 'UTC', ...(year ? { year } : {}) }).outcomes[0]!;
      return o.kind === 'error' ? o.message : o.kind;
    };
    const kernel = 'edge01 kernel: DROP IN=eth0 OUT= SRC=203.0.113.5 DST=10.1.2.3 LEN=60 PROTO=TCP SPT=5555 DPT=104';
    expect(message(`Mar 16 10:10:28 ${kernel}`)).toBe('not a timestamp: "Mar 16 10:10:28" (no year: pass --year YYYY)');
    expect(message(`Feb 29 10:10:28 ${kernel}`)).toBe('not a timestamp: "Feb 29 10:10:28" (no year: pass --year YYYY)');
    expect(message(`Feb 30 10:10:28 ${kernel}`)).toBe('not a timestamp: "Feb 30 10:10:28"');
    expect(message(`Feb 30 10:10:28 ${kernel}`, 2026)).toBe('not a timestamp: "Feb 30 10:10:28"');
    expect(message(`Feb 29 10:10:28 ${kernel}`, 2026)).toBe('not a timestamp: "Feb 29 10:10:28"');
  });

  it('the pre-filter skips only well-formed lines: a cut-short line is malformed in the scan too', () => {
    const scan = parseText(fixture, { ...ctx, prefilter: { dstPorts: new Set([104]) } });
    expect(codes(scan.outcomes)).toEqual(['events', 'events', 'UNRECOGNISED_FORMAT', 'events', 'events', 'events', 'events', 'FILTERED', 'MALFORMED', 'events', 'events', 'events', 'events']);
  });

  it('an ICMP error is an ICMP event between the outer packet\'s ends: the packet it quotes in [...] is not read', () => {
    // The kernel's LOG target (nf_log_syslog.c, dump_ipv4_packet / dump_ipv6_packet) writes an ICMP destination-
    // unreachable, time-exceeded, parameter-problem or redirect message's offending packet in square brackets
    // after TYPE= CODE=: its SRC/DST/SPT/DPT are that packet's, not the logged one's.
    const expected = [
      { line: 11, srcIp: '10.1.2.3', dstIp: '203.0.113.7', protocol: 'icmp', action: 'deny' }, // a PACS refusing a SYN to 104
      { line: 12, srcIp: '203.0.113.7', dstIp: '10.1.2.3', protocol: 'icmp', action: 'drop' }, // quoting a PACS reply from 104
      { line: 13, srcIp: '2001:db8:100::10', dstIp: '2001:db8:dead:beef::7', protocol: 'ipv6-icmp', action: 'deny' },
    ];
    for (const bytePath of [true, false]) {
      for (const prefilter of [undefined, { dstPorts: new Set([104]) }]) {
        const { outcomes } = parseText(fixture, { ...ctx, bytePath, ...(prefilter ? { prefilter } : {}) });
        const icmp = events(outcomes).filter((e) => e.line > 10);
        expect(icmp, `bytePath ${bytePath}, prefilter ${prefilter !== undefined}`).toMatchObject(expected);
        for (const e of icmp) expect([e.srcPort, e.dstPort]).toEqual([undefined, undefined]);
      }
    }
    // Each ICMP error kind the kernel quotes a packet for, IPv4 and IPv6, and a fragment of a TCP header the
    // kernel could not read whole (`INCOMPLETE [8 bytes]`): no port is taken from inside the brackets.
    const quoted = '[SRC=10.1.2.3 DST=203.0.113.7 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=0 DF PROTO=TCP SPT=104 DPT=51515 WINDOW=65160 RES=0x00 ACK SYN URGP=0 ]';
    for (const tail of ['PROTO=ICMP TYPE=11 CODE=0', 'PROTO=ICMP TYPE=5 CODE=1 GATEWAY=10.0.0.1', 'PROTO=ICMP TYPE=12 CODE=0 PARAMETER=20', 'PROTO=ICMP TYPE=3 CODE=4']) {
      const line = `Mar 16 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=88 ${tail} ${quoted}${tail.endsWith('CODE=4') ? ' MTU=1400' : ''}`;
      expect(events(parseText(line, ctx).outcomes), tail).toMatchObject([{ srcIp: '203.0.113.7', dstIp: '10.1.2.3', protocol: 'icmp' }]);
      expect(events(parseText(line, ctx).outcomes)[0]!.dstPort, tail).toBeUndefined();
    }
    const incomplete = 'Mar 16 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=40 PROTO=TCP INCOMPLETE [8 bytes] SPT=1 DPT=104';
    expect(events(parseText(incomplete, ctx).outcomes)[0]).toMatchObject({ srcIp: '203.0.113.7', protocol: 'tcp' });
    expect(events(parseText(incomplete, ctx).outcomes)[0]!.dstPort).toBeUndefined();
  });

  it('--format iptables forces the syslog family with that vendor alone', () => {
    expect(formatById('iptables')?.id).toBe('syslog');
    expect(codes(parseText(fixture, { ...ctx, format: 'iptables' }).outcomes)).toContain('UNRECOGNISED_FORMAT');
  });
});

describe('a last line without a line feed', () => {
  const ctx = { file: 'fw.log', tz: 'UTC', year: 2026 };
  const line = (port: string) => `Mar 28 01:00:01 edge01 kernel: IN=eth0 OUT=eth1 SRC=203.0.113.29 DST=10.1.0.16 PROTO=TCP SPT=10945 DPT=${port}`;
  const CUT = 'line 2, the last, has no line feed: if the file was cut off while it was written, that line may be incomplete (it was read as it stands)';

  it('in a syslog file is noted (a line cut after DPT=10 reads as port 10), however the bytes arrive', () => {
    const text = `${line('104')}\n${line('10')}`;
    expect(parseText(text, ctx).info.notes).toEqual([CUT]);
    // pushed a byte at a time, the scan's way (byte path, FILTERED runs): the same note
    const parser = createRecordParser({ ...ctx, filteredRuns: true, prefilter: { dstPorts: new Set([104]) } });
    for (const byte of Buffer.from(text)) parser.push(Buffer.from([byte]));
    parser.end();
    expect(parser.info.notes).toEqual([CUT]);
  });

  it('of lines that end in a carriage return alone says so (they were read as one), whichever chunk the CRs are in', () => {
    const text = `${line('104')}\r${line('10')}\r`;
    const expected = "line 1, the last, has no line feed and carriage returns inside it: if the file's lines end in a carriage return alone (classic Mac OS), they were read as one; convert them first (tr '\\r' '\\n')";
    expect(parseText(text, ctx).info.notes).toEqual([expected]);
    const parser = createRecordParser(ctx);
    for (const byte of Buffer.from(text)) parser.push(Buffer.from([byte]));
    parser.end();
    expect(parser.info.notes).toEqual([expected]);
    // a CR only at the very end is the CR of a CRLF whose LF is missing: a line cut off
    expect(parseText(`${line('104')}\r\n${line('10')}\r`, ctx).info.notes).toEqual([CUT]);
  });

  it('is not noted when the file ends in a line feed, in blanks after one, or in a format where a cut record is malformed', () => {
    expect(parseText(`${line('104')}\n${line('10')}\n`, ctx).info.notes).toEqual([]);
    expect(parseText(`${line('104')}\n${line('10')}\n  \t`, ctx).info.notes).toEqual([]);
    expect(parseText('TimeGenerated,SourceIP,DestinationIP,DestinationPort\n2026-03-28T00:00:00Z,203.0.113.9,10.0.0.1,10', ctx).info.notes).toEqual([]);
  });
});

describe('the vendor slot: one module plus one registry line', () => {
  /** A toy vendor: `TOY src dst dport`, counting how often it is asked. */
  function toyVendor() {
    const calls = { n: 0 };
    const format: MessageFormat = {
      id: 'toy', vendor: 'Toy', product: 'Wall', description: 'toy lines', recognizedBy: 'TOY first', sample: 'TOY 203.0.113.7 10.1.2.3 104',
      parse(line, c) {
        calls.n++;
        if (!line.message.startsWith('TOY ')) return NOT_MINE;
        const [, src, dst, port] = line.message.split(' ');
        return { time: line.time ?? 0, srcIp: src!, dstIp: dst!, dstPort: Number(port), format: 'toy', file: c.file, line: c.lineNo };
      },
    };
    return { format, calls };
  }

  it('a mixed file: each line goes to its vendor, unknown lines are counted and the file goes on', () => {
    const { format: toy } = toyVendor();
    const family = syslogFamily([iptablesFormat, toy]); // the registry line
    const text = [
      'Mar 16 10:00:00 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=60 PROTO=TCP SPT=1 DPT=104',
      'Mar 16 10:00:01 fw toyd: TOY 203.0.113.8 10.1.2.3 104',
      'Mar 16 10:00:02 fw cron[1]: (root) CMD (run-parts /etc/cron.hourly)',
      'Mar 16 10:00:03 fw toyd: TOY 203.0.113.9 10.1.2.3 104',
    ].join('\n');
    const { outcomes } = parseText(text, { ...ctx, formats: [family] });
    expect(outcomes.map((o) => (o.kind === 'events' ? o.events[0]!.format : o.code))).toEqual(['iptables', 'toy', 'UNRECOGNISED_FORMAT', 'toy']);
  });

  it('the last format that matched is tried first: a one-vendor file pays one parser per line', () => {
    const { format: toy, calls } = toyVendor();
    let iptablesCalls = 0;
    const countedIptables: MessageFormat = { ...iptablesFormat, parse: (l, c) => (iptablesCalls++, iptablesFormat.parse(l, c)) };
    const family = syslogFamily([countedIptables, toy]);
    const lines = Array.from({ length: 100 }, (_, i) => `Mar 16 10:00:00 fw toyd: TOY 203.0.113.${i} 10.1.2.3 104`);
    const parser = createRecordParser({ ...ctx, formats: [family] });
    const out = [...parser.push(lines.join('\n')), ...parser.end()];
    expect(events(out)).toHaveLength(100);
    expect(calls.n).toBe(100);
    expect(iptablesCalls).toBe(1); // asked for the first line only
  });

  it('the shipped registry holds the syslog family between JSON and CSV', () => {
    // Other file-level formats (flow logs…) sit before the family so their specific sniffs win; CSV stays last.
    // NetFlow/IPFIX export packets and packet captures (sniffed on their first bytes, which text never starts with) come first of all.
    const ids = FORMATS.map((f) => f.id);
    expect(ids.slice(0, 4)).toEqual(['netflow', 'pcap', 'jsonl', 'json']);
    expect(ids.slice(-2)).toEqual(['syslog', 'csv']);
  });
});

describe('CLI over a syslog file', () => {
  it('without --year, a year-less stamp takes the latest year not after the file was last written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-year-'));
    const file = join(dir, 'old.log');
    writeFileSync(file, 'Dec 30 23:59:59 fw kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=60 PROTO=TCP SPT=1 DPT=104\n');
    utimesSync(file, new Date(Date.UTC(2021, 0, 5)), new Date(Date.UTC(2021, 0, 5)));
    const r = await runCli(['parse', file, '--quiet']);
    expect(JSON.parse(r.stdout).time).toBe('2020-12-30T23:59:59.000Z');
  });

  it('scan finds the external DICOM sources; parse and scan agree on the structural errors', async () => {
    const scan = await runCli(['scan', 'fixtures/iptables.log', '--year', '2026', '--output', 'csv']);
    expect(scan.code).toBe(0);
    expect(scan.stdout).toBe([
      'SourceIP,DestinationIP,TimeGenerated,count_',
      '203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,2',
      '198.51.100.23,10.1.2.4,2026-03-16T10:00:00.000Z,1',
      '2001:db8:dead:beef::7,2001:db8:100::10,2026-03-16T10:00:00.000Z,1',
      '8.8.4.4,10.1.2.3,2026-03-16T10:00:00.000Z,1',
      '',
    ].join('\n'));
    expect(scan.stderr).toContain('fixtures/iptables.log:9: MALFORMED: netfilter line without SRC= (cut short?)');
    expect(scan.stderr).not.toContain('no destination port');
    const parse = await runCli(['parse', 'fixtures/iptables.log', '--year', '2026']);
    expect(parse.stderr).toContain('fixtures/iptables.log:9: MALFORMED');
    expect(parse.stdout.trimEnd().split('\n')).toHaveLength(11);
  });

  it('no alert of the pack from an ICMP error that quotes a packet to or from port 104, in scan or scan --no-prefilter', async () => {
    for (const extra of [[], ['--no-prefilter']]) {
      const scan = await runCli(['scan', 'fixtures/iptables.log', '--year', '2026', '--output', 'jsonl', ...extra], { pack: true });
      expect(scan.code).toBe(0);
      const alerts = scan.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { rule: string; srcIp?: string; lastSeen: string });
      expect(alerts.length).toBeGreaterThan(0);
      expect(alerts.filter((a) => a.rule === 'dicom-outbound' || a.lastSeen >= '2026-03-16T10:27:00.000Z'), extra.join(' ')).toEqual([]);
    }
  });
});

describe('key=value tokenizer shared by vendor modules', () => {
  it('quoted values with spaces, = and escapes; bare words skipped; first occurrence wins; unbalanced quotes reported', async () => {
    const { parseKeyValues } = await import('../src/parsers/syslog/kv.js');
    const r = parseKeyValues('a=1 b="x y=z" DF c=\\q d="say \\"hi\\"" a=2 e=');
    expect([...r.values]).toEqual([['a', '1'], ['b', 'x y=z'], ['c', '\\q'], ['d', 'say "hi"'], ['e', '']]);
    expect(r.unbalanced).toBe(false);
    const cut = parseKeyValues('srcip=1.2.3.4 msg="never closed dstip=5.6.7.8');
    expect(cut).toEqual({ values: new Map([['srcip', '1.2.3.4'], ['msg', 'never closed dstip=5.6.7.8']]), unbalanced: true });
    expect(parseKeyValues('x'.repeat(100_000) + '=1').values.size).toBe(1);
  });
});

describe('vendor lines inside exports', () => {
  const line = 'DICOM-DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.1.2.3 LEN=60 PROTO=TCP SPT=51515 DPT=104';

  it('a Sentinel Syslog table export (CSV) reads like the syslog file it came from; the device time wins', () => {
    const text = readFileSync(new URL('../fixtures/sentinel-syslog.csv', import.meta.url), 'utf8');
    const { outcomes } = parseText(text, { file: 'syslog.csv', tz: 'UTC' });
    expect(codes(outcomes)).toEqual(['events', 'UNRECOGNISED_FORMAT', 'events']);
    expect(events(outcomes)[0]).toMatchObject({ time: '2026-03-16T10:15:02.000Z', device: 'edge01', format: 'iptables', line: 2, dstPort: 104 });
    expect(events(outcomes)[1]).toMatchObject({ time: '2026-03-16T11:02:09.000Z', device: 'edge02', action: 'drop', line: 4 });
  });

  it('the same rows as a JSON array (az monitor log-analytics query), and ECS documents with event.original', () => {
    const rows = [{ TimeGenerated: '2026-03-16T10:15:04.120Z', EventTime: '2026-03-16T10:15:02Z', HostName: 'edge01', Computer: 'collector01', ProcessName: 'kernel', SyslogMessage: line }];
    expect(events(parseText(JSON.stringify(rows), { file: 'q.json', tz: 'UTC' }).outcomes)).toMatchObject([{ time: '2026-03-16T10:15:02.000Z', device: 'edge01', srcIp: '203.0.113.7' }]);
    const ecs = JSON.stringify({ '@timestamp': '2026-03-16T10:15:09Z', event: { original: `<4>Mar 16 10:15:02 edge01 kernel: ${line}` } });
    expect(events(parseText(ecs, { file: 'e.jsonl', tz: 'UTC', year: 2026 }).outcomes)).toMatchObject([{ time: '2026-03-16T10:15:02.000Z', device: 'edge01', format: 'iptables' }]);
  });
});

describe('every vendor in one file', () => {
  it('each message format\'s sample line is one of its connections (what `dicomwatch formats` shows)', async () => {
    const { MESSAGE_FORMATS } = await import('../src/parsers/syslog/registry.js');
    for (const format of MESSAGE_FORMATS) {
      const { outcomes } = parseText(format.sample, { file: 's', tz: 'UTC', year: 2026 });
      expect(outcomes.map((o) => (o.kind === 'events' ? o.events[0]!.format : o.code)), format.id).toEqual([format.id]);
    }
  });

  it('fixtures/syslog/mixed.log: one line per vendor and a stranger, each read by its own module; the summary counts per format', async () => {
    const { MESSAGE_FORMATS } = await import('../src/parsers/syslog/registry.js');
    const text = readFileSync(new URL('../fixtures/syslog/mixed.log', import.meta.url), 'utf8');
    const { outcomes, info } = parseText(text, { file: 'mixed.log', tz: 'UTC', year: 2026 });
    expect(outcomes.map((o) => (o.kind === 'events' ? o.events[0]!.format : o.code))).toEqual([...MESSAGE_FORMATS.map((f) => f.id), 'UNRECOGNISED_FORMAT']);
    expect(Object.keys(info.parsedBy)).toEqual(MESSAGE_FORMATS.map((f) => f.id));
    const r = await runCli(['scan', 'fixtures/syslog/mixed.log', '--year', '2026', '--output', 'csv']);
    expect(r.stderr).toMatch(/13 parsed \(13 events; iptables 1, filterlog 1, .*meraki 1\), 1 skipped \(unrecognised format 1\)/);
  });
});
