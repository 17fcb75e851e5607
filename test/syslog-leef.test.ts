/**
 * LEEF (IBM QRadar Log Event Extended Format) 1.0 and 2.0 in the syslog family: delimiters, devTime/devTimeFormat, one
 * test per message type of the fixture (written from IBM's LEEF guide and the LEEF layouts of PAN-OS, Check Point,
 * Lancope StealthWatch, Trend Micro and Microsoft Defender for IoT), the expected-events file, skips and errors, the
 * pre-filter parity and garbage input.
 */
import { asJson, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseSyslogLine } from '../src/parsers/syslog/framing.js';
import { defaultDelimiter, leefDelimiter, leefFormat, parseLeefAttributes } from '../src/parsers/syslog/leef.js';
import { compileJavaPattern, readJavaDate } from '../src/parsers/syslog/java-date.js';
import { NOT_MINE, type MessageContext } from '../src/parsers/syslog/message.js';
import { parseText } from '../src/parsers/record-parser.js';
import { FORMAT_IDS } from '../src/parsers/registry.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/syslog/leef.log';
const text = readFileSync(new URL(`../${FIXTURE}`, import.meta.url), 'utf8');
const fixtureLines = text.trimEnd().split('\n');
const ctx = { file: 'leef.log', tz: 'UTC', year: 2026 };
const time = { tz: 'UTC', year: 2026 };
const messageCtx: MessageContext = { file: 'x', lineNo: 1, time };

function one(line: string, options: { tz?: string; format?: string } = {}): RecordOutcome {
  const { outcomes } = parseText(line, { ...ctx, format: 'leef', ...options });
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function event(line: string, options: { tz?: string } = {}): JsonEvent {
  const o = one(line, options);
  if (o.kind !== 'events') throw new Error(`expected an event, got ${o.kind} ${'code' in o ? `${o.code}: ${o.message}` : ''}`);
  return asJson(o.events[0]!);
}

function code(line: string): string {
  const o = one(line);
  return o.kind === 'events' ? 'events' : o.code;
}

function byLine(n: number): JsonEvent {
  return event(fixtureLines[n - 1]!);
}

describe('LEEF delimiters', () => {
  it('LEEF 2.0\'s DelimiterCharacter: one character or x/0x and 1-4 hex digits (IBM\'s table: ^, x5E, xa6)', () => {
    expect(leefDelimiter('^')).toBe('^');
    expect(leefDelimiter('x5E')).toBe('^');
    expect(leefDelimiter('0x5e')).toBe('^');
    expect(leefDelimiter('xa6')).toBe('\u00a6');
    expect(leefDelimiter('x09')).toBe('\t');
    expect(leefDelimiter('0x0009')).toBe('\t');
    expect(leefDelimiter('')).toBe('\t');
    for (const bad of ['xZZ', 'x12345', 'ab', 'x', '=', '7', 'x3D', 'x41', '0x30']) expect(leefDelimiter(bad), bad).toBeUndefined();
  });

  it('LEEF 1.0: tab, else | or ^ before a predefined key (PAN-OS), else spaces', () => {
    expect(defaultDelimiter('src=1\tdst=2', 0)).toBe('\t');
    expect(defaultDelimiter('cat=TRAFFIC|src=1|dst=2', 0)).toBe('|');
    expect(defaultDelimiter('cat=x^dst=2', 0)).toBe('^');
    expect(defaultDelimiter('src=1 dst=2 msg=a|b', 0)).toBe(' ');
  });

  it('attributes: values with spaces and =, keys trimmed, first occurrence wins, pieces without = skipped', () => {
    const attrs = parseLeefAttributes('name=Firstname Lastname^url=http://x/?a=b^junk^ src=192.0.2.1^src=9.9.9.9^', 0, '^');
    expect(Object.fromEntries(attrs)).toEqual({ name: 'Firstname Lastname', url: 'http://x/?a=b', src: '192.0.2.1' });
    expect(parseLeefAttributes(`${'^'.repeat(200_000)}src=1`, 0, '^').get('src')).toBe('1');
  });
});

describe('LEEF devTime and devTimeFormat (Java SimpleDateFormat)', () => {
  it('the patterns IBM suggests and devices use', () => {
    expect(readJavaDate('Jun 06 2026 16:07:36', 'MMM dd yyyy HH:mm:ss', time)).toBe(Date.UTC(2026, 5, 6, 16, 7, 36));
    expect(readJavaDate('Jun 06 2026 16:07:36.300', 'MMM dd yyyy HH:mm:ss.SSS', time)).toBe(Date.UTC(2026, 5, 6, 16, 7, 36, 300));
    expect(readJavaDate('Jun 06 2026 02:07:36.300 GMT', 'MMM dd yyyy HH:mm:ss.SSS z', time)).toBe(Date.UTC(2026, 5, 6, 2, 7, 36, 300));
    expect(readJavaDate('2017-10-18T11:26:03.060+0200', "yyyy-MM-dd'T'HH:mm:ss.SSSZ", time)).toBe(Date.UTC(2017, 9, 18, 9, 26, 3, 60));
    expect(readJavaDate('2026-03-16T10:25:00Z', "yyyy-MM-dd'T'HH:mm:ss'Z'", time)).toBe(Date.UTC(2026, 2, 16, 10, 25));
    expect(readJavaDate('2026-03-16T11:25:00+01:00', "yyyy-MM-dd'T'HH:mm:ssXXX", time)).toBe(Date.UTC(2026, 2, 16, 10, 25));
    expect(readJavaDate('20260316102500', 'yyyyMMddHHmmss', time)).toBe(Date.UTC(2026, 2, 16, 10, 25));
    expect(readJavaDate('16/03/2026 10:55:00 PM', 'dd/MM/yyyy hh:mm:ss a', time)).toBe(Date.UTC(2026, 2, 16, 22, 55));
    expect(readJavaDate('16/03/2026 12:05:00 AM', 'dd/MM/yyyy hh:mm:ss a', time)).toBe(Date.UTC(2026, 2, 16, 0, 5));
    expect(readJavaDate('Mon, 16 Mar 2026 10:25:00 PST', 'EEE, dd MMM yyyy HH:mm:ss zzz', time)).toBe(Date.UTC(2026, 2, 16, 18, 25));
    expect(readJavaDate('March 6 26 10:25', 'MMMM d yy HH:mm', time)).toBe(Date.UTC(2026, 2, 6, 10, 25));
    expect(readJavaDate("16 Mar 2026 at 10:25:00", "dd MMM yyyy 'at' HH:mm:ss", time)).toBe(Date.UTC(2026, 2, 16, 10, 25));
    expect(readJavaDate('Mar  6 10:25:00', 'MMM d HH:mm:ss', time)).toBe(Date.UTC(2026, 2, 6, 10, 25));
    // Without a zone letter, --tz.
    expect(readJavaDate('2026-03-16 11:25:00', 'yyyy-MM-dd HH:mm:ss', { ...time, tz: 'Europe/Berlin' })).toBe(Date.UTC(2026, 2, 16, 10, 25));
  });

  it('refuses text that does not follow the pattern and patterns it cannot read', () => {
    expect(readJavaDate('2026-03-16', 'yyyy-MM-dd HH:mm:ss', time)).toBeUndefined();
    expect(readJavaDate('2026-13-16 10:00:00', 'yyyy-MM-dd HH:mm:ss', time)).toBeUndefined();
    expect(readJavaDate('2026-03-16 10:00:00 IST', 'yyyy-MM-dd HH:mm:ss z', time)).toBeUndefined();
    expect(readJavaDate('075 2026', 'DDD yyyy', time)).toBeUndefined(); // day-of-year: not read, never guessed
    expect(compileJavaPattern("yyyy 'open")).toBeNull();
    expect(compileJavaPattern("h 'o''clock'")).toEqual([
      { kind: 'field', letter: 'h', count: 1, numericNext: false }, { kind: 'text', text: " o'clock" },
    ]);
  });

  it('a devTimeFormat that does not fit the devTime falls back to epoch/ISO/MMM shapes; else BAD_TIME naming both', () => {
    const base = 'Mar 16 10:59:00 qr LEEF:1.0|V|P|1|E|src=203.0.113.7\tdst=10.1.2.3\tdstPort=104';
    expect(event(`${base}\tdevTime=1773656100000\tdevTimeFormat=MMM dd yyyy HH:mm:ss`).time).toBe('2026-03-16T10:15:00.000Z');
    expect(event(`${base}\tdevTime=Mar 16 2026 10:15:00`).time).toBe('2026-03-16T10:15:00.000Z');
    expect(one(`${base}\tdevTime=16.03.2026\tdevTimeFormat=MMM dd yyyy`)).toMatchObject({ code: 'BAD_TIME', message: expect.stringContaining('devTimeFormat MMM dd yyyy') });
    expect(event(base).time).toBe('2026-03-16T10:59:00.000Z'); // no devTime: the syslog header's
  });
});

describe('LEEF message types of the fixture (one test each)', () => {
  it('PAN-OS LEEF for QRadar (LEEF 1.0 with | between attributes): tuple, action, totalBytes/totalPackets, devTime', () => {
    expect(byLine(1)).toEqual({
      time: '2026-03-16T10:00:04.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.30.40', dstPort: 104, protocol: 'tcp',
      action: 'deny', bytes: 66, packets: 1, device: 'PA-3220-EDGE', vendor: 'Palo Alto Networks', product: 'PAN-OS Syslog Integration',
      format: 'leef', file: 'leef.log', line: 1,
    });
  });

  it('PAN-OS LEEF without an action key: the decision is the header\'s EventID; NAT (dstPostNAT, NATDstIP) is not the tuple', () => {
    expect(byLine(2)).toMatchObject({ time: '2026-03-16T10:05:12.000Z', dstIp: '192.0.2.10', dstPort: 104, action: 'allow' });
  });

  it('Check Point Log Exporter LEEF 2.0 written without its delimiter field: tab-separated, epoch devTime', () => {
    expect(byLine(3)).toMatchObject({
      time: '2026-03-16T10:15:00.000Z', srcIp: '198.51.100.77', dstIp: '192.0.2.20', dstPort: 104, protocol: 'tcp', action: 'allow',
      device: 'cp-mgmt01', vendor: 'Check Point',
    });
  });

  it('Lancope StealthWatch LEEF 2.0 with ^ (IBM\'s example header), an ISO devTimeFormat with offset; no decision', () => {
    const e = byLine(4);
    expect(e).toMatchObject({ time: '2026-03-16T10:20:00.125Z', srcIp: '192.0.2.66', dstPort: 104, protocol: 'tcp', device: 'swc01' });
    expect(e.action).toBeUndefined();
  });

  it('LEEF 2.0 with a hex delimiter (xa6, IBM\'s broken-bar example), IPv6, a quoted Z in devTimeFormat', () => {
    expect(byLine(5)).toMatchObject({ time: '2026-03-16T10:25:00.000Z', srcIp: '2001:db8:bad::66', dstIp: '2001:db8:100::40', action: 'deny' });
  });

  it('Trend Micro Deep Discovery Inspector: devTimeFormat with a zone, dvchost as device, act=not blocked is no decision', () => {
    const e = byLine(6);
    expect(e).toMatchObject({ time: '2026-03-16T09:30:00.000Z', srcIp: '203.0.113.66', device: 'ddi01.hospital.example', vendor: 'Trend Micro' });
    expect(e.action).toBeUndefined();
  });

  it('IBM\'s own example with its tabs turned into spaces: values with spaces survive', () => {
    const e = byLine(7);
    expect(e).toMatchObject({ srcIp: '172.5.6.67', dstIp: '172.50.123.1', dstPort: 104, device: '192.168.1.1' });
    const line = fixtureLines[6]!;
    expect(leefFormat.parse(parseSyslogLine(line, time), messageCtx)).not.toBe(NOT_MINE);
  });

  it('a year-less devTimeFormat takes --year; srcBytes+dstBytes and srcPackets+dstPackets make the totals', () => {
    expect(byLine(12)).toMatchObject({ time: '2026-03-16T10:50:00.000Z', srcIp: '10.50.1.23', action: 'allow', bytes: 2560, packets: 11 });
  });

  it('keys match ignoring case (IBM\'s own tables write `Cat`)', () => {
    const e = event('Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|Src=203.0.113.7\tDST=10.1.2.3\tDstPort=104\tCat=Blocked\tDevTime=1773656100000');
    expect(e).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, action: 'deny', time: '2026-03-16T10:15:00.000Z' });
  });

  it('a bare LEEF line (no syslog header), x09 delimiter, a day-first 12-hour pattern', () => {
    const e = byLine(13);
    expect(e).toMatchObject({ time: '2026-03-16T10:55:00.000Z', dstPort: 443, action: 'allow' });
    expect(e.device).toBeUndefined();
  });
});

describe('LEEF: skips and errors', () => {
  it('an alert with only a destination and no port is NOT_A_CONNECTION; so is one without addresses', () => {
    expect(code(fixtureLines[7]!)).toBe('NOT_A_CONNECTION');
    expect(code('LEEF:1.0|Microsoft|MSExchange|2013 SP1|15345|usrName=joe.black\tcat=Failed')).toBe('NOT_A_CONNECTION');
    expect(code('Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|srcPreNAT=203.0.113.7\tdstPostNAT=10.1.2.3\tdstPort=104')).toBe('NOT_A_CONNECTION');
  });

  it('cut-short headers, bad delimiters and unknown versions are MALFORMED', () => {
    expect(one(fixtureLines[8]!)).toMatchObject({ code: 'MALFORMED', message: expect.stringContaining('4 of its 5') });
    expect(one(fixtureLines[9]!)).toMatchObject({ code: 'MALFORMED', message: expect.stringContaining('"xZZ"') });
    expect(code('LEEF:2.0|V|P|1|E|^')).toBe('MALFORMED');
    expect(code('LEEF:3.0|V|P|1|E|src=1.2.3.4')).toBe('MALFORMED');
    expect(code('LEEF:|V')).toBe('MALFORMED');
  });

  it('a connection missing one end but naming its port is MISSING_FIELD; bad values name the LEEF key', () => {
    expect(one('Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|src=203.0.113.7\tdstPort=104')).toMatchObject({ code: 'MISSING_FIELD', message: 'no destination address (dst)' });
    expect(one('Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|src=203.0.113.7\tdst=pacs01\tdstPort=104')).toMatchObject({ code: 'BAD_ADDRESS', message: expect.stringContaining('dst') });
    // whatever the port, and with the pre-filter too (scan says what parse says: only well-formed records are FILTERED)
    for (const line of ['Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|src=203.0.113.7\tdstPort=443', 'Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|dst=10.1.2.3\tdstPort=443']) {
      expect(one(line)).toMatchObject({ code: 'MISSING_FIELD' });
      expect(parseText(line, { ...ctx, prefilter: { dstPorts: new Set([104]) } }).outcomes[0]).toMatchObject({ code: 'MISSING_FIELD' });
    }
  });

  it('other programs\' lines are left to the other formats', () => {
    expect(parseText(fixtureLines[10]!, ctx).outcomes[0]).toMatchObject({ code: 'UNRECOGNISED_FORMAT' });
  });
});

describe('LEEF fixture and CLI', () => {
  it('`dicomwatch parse fixtures/syslog/leef.log --year 2026` prints the hand-checked events', async () => {
    const r = await runCli(['parse', FIXTURE, '--year', '2026']);
    expect(r.code).toBe(0);
    const expected = readFileSync(new URL('../fixtures/syslog/leef.expected.jsonl', import.meta.url), 'utf8');
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(expected.trimEnd().split('\n').map((l) => JSON.parse(l)));
    expect(r.stderr).toContain('13 records read: 9 parsed (9 events), 2 skipped (not a connection 1, unrecognised format 1), 2 malformed');
  });

  it('a mixed file: CEF, LEEF and netfilter lines, each to its vendor', async () => {
    expect(FORMAT_IDS).toContain('leef');
    const mixed = [
      fixtureLines[0]!,
      'Mar 16 10:00:06 edge01 kernel: DROP IN=eth0 OUT= SRC=203.0.113.7 DST=10.20.30.40 LEN=60 PROTO=TCP SPT=51516 DPT=104',
      'Mar 16 10:00:07 fw01 CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.20.30.40 spt=51517 dpt=104 act=drop',
      fixtureLines[2]!,
    ].join('\n');
    const { outcomes } = parseText(mixed, ctx);
    expect(outcomes.map((o) => (o.kind === 'events' ? o.events[0]!.format : o.code))).toEqual(['leef', 'iptables', 'cef', 'leef']);
  });
});

describe('LEEF: the pre-filter', () => {
  const prefilter = { dstPorts: new Set([104]) };
  const extra = [
    'Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|src=pacs01\tdst=10.1.2.3\tdstPort=443',
    'Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|src=203.0.113.7\tdst=10.1.2.3\tdstPort=443\tdevTime=garbage',
    'Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|src=203.0.113.7\tdstPort=22',
    'Mar 16 11:00:00 h LEEF:1.0|V|P|1|E|src=203.0.113.7\tdst=10.1.2.3',
    'LEEF:2.0|V|P|1|E|^|src=203.0.113.7^dst=10.1.2.3^dstPort=8080^devTime=1773656100',
  ];
  const VALUE_ERRORS = new Set(['BAD_ADDRESS', 'BAD_TIME', 'MISSING_FIELD', 'BAD_VALUE', 'BAD_PORT']);

  it('parse and scan agree line by line: FILTERED replaces only non-104 events and value-level errors', () => {
    const all = [...fixtureLines, ...extra].join('\n');
    const parse = parseText(all, ctx).outcomes;
    const scan = parseText(all, { ...ctx, prefilter }).outcomes;
    expect(scan).toHaveLength(parse.length);
    let filtered = 0;
    parse.forEach((p, i) => {
      const s = scan[i]!;
      if (s.kind === 'skip' && s.code === 'FILTERED') {
        filtered++;
        if (p.kind === 'events') expect(p.events.every((e) => e.dstPort !== 104 && e.dstPort !== undefined)).toBe(true);
        else expect(p.kind === 'error' && VALUE_ERRORS.has(p.code), `line ${p.line}: ${JSON.stringify(p)}`).toBe(true);
        return;
      }
      expect(s, `line ${p.line}`).toEqual(p);
    });
    expect(filtered).toBe(4); // fixture 13 (443), extra 1-2 (value errors at 443), extra 5 (8080); extra 3 (no dst) is MISSING_FIELD in both
  });
});

describe('LEEF: garbage never throws', () => {
  const outcomes = (line: string) => parseText(line, { ...ctx, format: 'leef' }).outcomes;

  it('every truncation of a sample line gives one outcome; cut inside the header it is MALFORMED', () => {
    for (const sample of [fixtureLines[0]!, fixtureLines[3]!]) {
      const at = sample.indexOf('LEEF:');
      const headerEnd = sample.indexOf('|', sample.indexOf('|', sample.indexOf('|', sample.indexOf('|', sample.indexOf('|', at) + 1) + 1) + 1) + 1);
      for (let n = 1; n <= sample.length; n++) {
        const o = outcomes(sample.slice(0, n));
        expect(o, `cut at ${n}`).toHaveLength(1);
        if (n > at + 5 && n <= headerEnd) expect(o[0]!.kind === 'error' && o[0]!.code, `cut at ${n}`).toBe('MALFORMED');
      }
    }
  });

  it('a 1 MB line, replacement characters, random text and bytes', () => {
    const huge = `LEEF:1.0|V|P|1|E|src=203.0.113.7\tdst=10.1.2.3\tdstPort=104\tmsg=${'x'.repeat(1_000_000)}\tdevTime=1773656100000`;
    const t = Date.now();
    expect(outcomes(huge)[0]).toMatchObject({ kind: 'events' });
    expect(Date.now() - t).toBeLessThan(2000);
    expect(outcomes(`LEEF:2.0|V|P|1|E|^|${'^'.repeat(1_000_000)}`)).toHaveLength(1);
    expect(outcomes(`LEEF:1.0|V|P|1|E|${'a= '.repeat(300_000)}`)).toHaveLength(1);
    expect(outcomes('LEEF:1.0|\uFFFD|P|1|E|src=203.0.113.7\tdst=10.1.2.3\tdstPort=104\tdevTime=\uFFFD')[0]).toMatchObject({ code: 'BAD_TIME' });
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      for (const line of [s, `LEEF:${s}`, `LEEF:2.0|V|P|1|E|${s}`, `LEEF:1.0|V|P|1|E|src=1.2.3.4\tdst=5.6.7.8\tdevTimeFormat=${s}\tdevTime=${s}`]) {
        expect(() => leefFormat.parse(parseSyslogLine(line, time), messageCtx)).not.toThrow();
      }
    }));
    fc.assert(fc.property(fc.string({ maxLength: 40 }), fc.string({ maxLength: 40 }), (pattern, value) => {
      expect(() => readJavaDate(value, pattern, time)).not.toThrow();
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const line = `LEEF:2.0|V|P|1|E|^|src=203.0.113.7^dst=10.1.2.3^${Buffer.from(bytes).toString('utf8')}`;
      expect(() => leefFormat.parse(parseSyslogLine(line, time), messageCtx)).not.toThrow();
    }));
  });
});
