/**
 * CEF (ArcSight Common Event Format) in the syslog family: the header and extension tokenizers, one test per message
 * type of the fixture (written from Fortinet's, Palo Alto's, Check Point's, Forcepoint's and Trend Micro's CEF
 * documentation and the CEF standard's own escaping examples), the expected-events file, the skips and errors, the
 * pre-filter parity and garbage input.
 */
import { asJson, type JsonEvent } from './helpers/events.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { parseSyslogLine } from '../src/parsers/syslog/framing.js';
import { cefFormat, parseCefExtension, splitHeader } from '../src/parsers/syslog/cef.js';
import { readDeviceTime, resolveZone } from '../src/parsers/syslog/java-date.js';
import { NOT_MINE, type MessageContext } from '../src/parsers/syslog/message.js';
import { parseText } from '../src/parsers/record-parser.js';
import { FORMAT_IDS } from '../src/parsers/registry.js';
import { isRejection, type RecordOutcome } from '../src/parsers/types.js';
import type { NetworkEvent } from '../src/model/event.js';
import { runCli } from './helpers/cli.js';

const FIXTURE = 'fixtures/syslog/cef.log';
const text = readFileSync(new URL(`../${FIXTURE}`, import.meta.url), 'utf8');
const fixtureLines = text.trimEnd().split('\n');
const ctx = { file: 'cef.log', tz: 'UTC', year: 2026 };
const messageCtx: MessageContext = { file: 'x', lineNo: 1, time: { tz: 'UTC', year: 2026 } };

function one(line: string, options: Partial<typeof ctx> & { tz?: string } = {}): RecordOutcome {
  const { outcomes } = parseText(line, { ...ctx, format: 'cef', ...options });
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

function event(line: string, options: Partial<typeof ctx> & { tz?: string } = {}): JsonEvent {
  const o = one(line, options);
  if (o.kind !== 'events') throw new Error(`expected an event, got ${o.kind} ${'code' in o ? `${o.code}: ${o.message}` : ''}`);
  return asJson(o.events[0]!);
}

function code(line: string, options: Partial<typeof ctx> & { tz?: string } = {}): string {
  const o = one(line, options);
  return o.kind === 'events' ? 'events' : o.code;
}

function byLine(n: number): JsonEvent {
  return event(fixtureLines[n - 1]!);
}

describe('CEF header: pipes, escapes, and where the message starts', () => {
  it('splits the seven header fields, unescaping \\| and \\\\ only (the CEF standard\'s examples)', () => {
    const line = 'CEF:0|security\\\\compliance|threat\\|->manager|1.0|100|detected a \\| in message|10|src=10.0.0.1';
    const r = splitHeader(line, 4, 7);
    expect(r).toEqual({ fields: ['0', 'security\\compliance', 'threat|->manager', '1.0', '100', 'detected a | in message', '10'], end: line.indexOf('src=') });
    expect(splitHeader('CEF:0|a|b=c|d\\x|', 4, 4)).toEqual({ fields: ['0', 'a', 'b=c', 'd\\x'], end: 16 });
    expect(splitHeader('CEF:0|SentinelOne|Mgmt|activityID=1', 4, 7)).toEqual({ found: 3 });
  });

  it('finds CEF bare, after RFC 3164/5424 headers, after Fortinet\'s `CEF: 0|`, and after a relay prefix', () => {
    const msg = 'CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104 rt=1773655200000';
    for (const line of [msg, `Mar 16 10:00:00 fw01 ${msg}`, `<134>1 2026-03-16T10:00:00Z fw01 CEF - - - ${msg}`,
      `<134>1 2026-03-16T10:00:00Z fw01 CEF - - - \uFEFF${msg}`, `Mar 16 10:00:00 fw01 ${msg.replace('CEF:0', 'CEF: 0')}`,
      `Mar 16 10:00:00 192.0.2.200 4581 host app - - ${msg}`]) {
      const r = cefFormat.parse(parseSyslogLine(line, messageCtx.time), messageCtx);
      expect(r, line).not.toBe(NOT_MINE);
      expect(isRejection(r as never), line).toBe(false);
    }
    for (const other of ['Mar 16 10:00:00 fw01 kernel: DROP IN=eth0 OUT= SRC=1.2.3.4', 'LEEF:1.0|a|b|c|d|src=1', 'xCEF:0|a', 'see CEF:x|']) {
      expect(cefFormat.parse(parseSyslogLine(other, messageCtx.time), messageCtx)).toBe(NOT_MINE);
    }
  });
});

describe('CEF extension tokenizer (written for CEF: kv.ts would split values at spaces)', () => {
  it('values with spaces; a key starts where a space is followed by a word and =', () => {
    const ext = parseCefExtension('src=10.0.0.192 msg=Hello World, with spaces dst=12.121.122.82 cs1Label=Rule Name cs1=PACS inbound');
    expect(Object.fromEntries(ext)).toEqual({
      src: '10.0.0.192', msg: 'Hello World, with spaces', dst: '12.121.122.82', cs1Label: 'Rule Name', cs1: 'PACS inbound',
    });
  });

  it('escapes: \\= \\\\ \\n \\r unescaped, other backslashes kept (Elastic decode_cef test cases)', () => {
    expect(Object.fromEntries(parseCefExtension('msg=a+b\\=c x=c\\\\d\\=z'))).toEqual({ msg: 'a+b=c', x: 'c\\d=z' });
    const escaped = 'spt=1232 msg=Newlines in messages\\nare allowed.\\r\\nAnd so are carriage feeds\\\\newlines\\\\\\=.';
    expect(parseCefExtension(escaped).get('msg')).toBe('Newlines in messages\nare allowed.\r\nAnd so are carriage feeds\\newlines\\=.');
    expect(parseCefExtension('filePath=C:\\\\Users\\\\trend\\\\eicar.exe act=Delete').get('filePath')).toBe('C:\\Users\\trend\\eicar.exe');
    expect(parseCefExtension('request=http://x/login.html?abc\\=def msg=ok').get('request')).toBe('http://x/login.html?abc=def');
    expect(parseCefExtension('path=C:\\temp\\x y=1').get('path')).toBe('C:\\temp\\x');
  });

  it('pipes, unescaped = inside values, dotted and bracketed keys, empty values, repeated keys, junk before the first key', () => {
    expect(parseCefExtension('moo=this|has an pipe').get('moo')).toBe('this|has an pipe');
    expect(Object.fromEntries(parseCefExtension('msg=Hello World error=Failed because id==old_id user=root angle=106.7<=180'))).toEqual({
      msg: 'Hello World', error: 'Failed because', id: '=old_id', user: 'root', angle: '106.7<=180',
    });
    expect(Object.fromEntries(parseCefExtension('ad.Error_,Code=3221225578 ad.field[0]=field0'))).toEqual({ 'ad.Error_,Code': '3221225578', 'ad.field[0]': 'field0' });
    expect(Object.fromEntries(parseCefExtension('src=10.0.0.192 dst= spt=1232 src=9.9.9.9'))).toEqual({ src: '10.0.0.192', dst: '', spt: '1232' });
    expect(Object.fromEntries(parseCefExtension(' =junk no key here src=1.2.3.4'))).toEqual({ src: '1.2.3.4' });
    // Wanted keys match whole keys, ignoring case.
    expect(Object.fromEntries(parseCefExtension('srcx=2 SRC=1 sr=3 src=4', 0, new Set(['src'])))).toEqual({ src: '1' });
    // Trailing blanks are not part of a value (decode_cef keeps them on non-final values; nothing here needs them).
    expect(parseCefExtension('msg=padded    src=10.0.0.192 ').get('msg')).toBe('padded');
    expect(parseCefExtension('msg=Tabs\tand\rcontrol\ncharacters are preserved\t src=127.0.0.1').get('msg')).toBe('Tabs\tand\rcontrol\ncharacters are preserved');
  });

  it('keeps only the wanted keys when asked, in one linear pass over a long extension', () => {
    const long = `src=1.2.3.4 ${'filler=abc '.repeat(50_000)}dpt=104`;
    const ext = parseCefExtension(long, 0, new Set(['src', 'dpt']));
    expect(Object.fromEntries(ext)).toEqual({ src: '1.2.3.4', dpt: '104' });
  });
});

describe('CEF timestamps: rt, start, dtz', () => {
  const time = { tz: 'UTC', year: 2026 };
  it('the CEF standard\'s shapes: epoch ms and MMM dd [yyyy] HH:mm:ss[.SSS] [zone]', () => {
    expect(readDeviceTime('1773656100000', time)).toBe(Date.UTC(2026, 2, 16, 10, 15));
    expect(readDeviceTime('Mar 16 2026 10:05:00', time)).toBe(Date.UTC(2026, 2, 16, 10, 5));
    expect(readDeviceTime('Mar 16 2026 10:05:00.250', time)).toBe(Date.UTC(2026, 2, 16, 10, 5, 0, 250));
    expect(readDeviceTime('Mar 16 2026 10:05:00 GMT', time)).toBe(Date.UTC(2026, 2, 16, 10, 5));
    expect(readDeviceTime('Mar 16 2026 11:05:00.250 CET', time)).toBe(Date.UTC(2026, 2, 16, 10, 5, 0, 250));
    expect(readDeviceTime('Jul  6 2026 10:05:00 PDT', time)).toBe(Date.UTC(2026, 6, 6, 17, 5));
    expect(readDeviceTime('Mar 16 2026 11:05:00 GMT+01:00', time)).toBe(Date.UTC(2026, 2, 16, 10, 5));
    expect(readDeviceTime('Mar 16 2026 05:05:00 -0500', time)).toBe(Date.UTC(2026, 2, 16, 10, 5));
    expect(readDeviceTime('Mar 16 2026 11:05:00 Europe/Berlin', time)).toBe(Date.UTC(2026, 2, 16, 10, 5));
    expect(readDeviceTime('Mar 16 10:05:00', time)).toBe(Date.UTC(2026, 2, 16, 10, 5));
    expect(readDeviceTime('2026-03-16T11:05:00+01:00', time)).toBe(Date.UTC(2026, 2, 16, 10, 5));
    // A zone-less stamp is read in the zone the caller gives (dtz), else --tz.
    expect(readDeviceTime('Mar 16 2026 11:05:00', time, 'Europe/Berlin')).toBe(Date.UTC(2026, 2, 16, 10, 5));
    expect(readDeviceTime('Mar 16 2026 11:05:00', { ...time, tz: 'Europe/Berlin' })).toBe(Date.UTC(2026, 2, 16, 10, 5));
  });

  it('refuses what it cannot place: ambiguous zones, impossible dates, garbage', () => {
    for (const bad of ['Mar 16 2026 10:05:00 IST', 'Mar 16 2026 10:05:00 BST', 'Feb 30 2026 10:05:00', 'Mar 16 2026 25:05:00',
      'Foo 16 2026 10:05:00', 'Mar 16 2026', '0', '12', '$cef-formatted-receive_time', 'Mar 16 2026 10:05:00 GMT+25:00', '']) {
      expect(readDeviceTime(bad, time), bad).toBeUndefined();
    }
    expect(resolveZone('GMT+2')).toBe('+02:00'); // Java's sign, not POSIX's
    expect(resolveZone('local')).toBeUndefined();
  });

  it('rt wins over start, start over FortiGate\'s eventtime, which wins over the syslog header', () => {
    const base = 'Mar 16 10:59:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104';
    expect(event(`${base} start=Mar 16 2026 10:04:00 rt=Mar 16 2026 10:05:00`).time).toBe('2026-03-16T10:05:00.000Z');
    expect(event(`${base} start=Mar 16 2026 10:04:00`).time).toBe('2026-03-16T10:04:00.000Z');
    expect(event(`${base} FTNTFGTeventtime=1773655200123456789`).time).toBe('2026-03-16T10:00:00.123Z');
    expect(event(base).time).toBe('2026-03-16T10:59:00.000Z');
    // The full names of the CEF dictionary are read too.
    expect(event(`${base} deviceReceiptTime=1773655500000`).time).toBe('2026-03-16T10:05:00.000Z');
  });

  it('FortiGate\'s eventtime is an instant: --tz moves the header\'s local stamp, not it', () => {
    const line = fixtureLines[0]!;
    expect(event(line, { tz: 'Europe/Berlin' }).time).toBe('2026-03-16T10:00:01.123Z');
    const noEventtime = line.replace(/FTNTFGTeventtime=\d+ /, '');
    expect(event(noEventtime, { tz: 'Europe/Berlin' }).time).toBe('2026-03-16T09:00:01.000Z');
  });

  it('a stamp that is there but unreadable is BAD_TIME, not the header\'s time; so is one that needs an unreadable dtz', () => {
    const base = 'Mar 16 10:59:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104';
    expect(code(`${base} rt=Mar 16 2026 10:05:00 IST`)).toBe('BAD_TIME');
    expect(code(`${base} rt=Mar 16 2026 10:05:00 dtz=Mars/Olympus_Mons`)).toBe('BAD_TIME');
    expect(one(`${base} rt=Mar 16 2026 10:05:00 dtz=Mars/Olympus_Mons`)).toMatchObject({ message: expect.stringContaining('dtz Mars/Olympus_Mons') });
    // An epoch stamp needs no zone: an unreadable dtz does not matter then.
    expect(event(`${base} rt=1773655500000 dtz=Mars/Olympus_Mons`).time).toBe('2026-03-16T10:05:00.000Z');
    // A bare line has no header to fall back on.
    expect(code('CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104')).toBe('MISSING_FIELD');
  });
});

describe('CEF message types of the fixture (one test each)', () => {
  it('FortiGate traffic deny: tuple, action, in+out bytes, device from the header host, vendor/product from the CEF header', () => {
    expect(byLine(1)).toEqual({
      time: '2026-03-16T10:00:01.123Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.30.40', dstPort: 104, protocol: 'tcp',
      action: 'deny', bytes: 0, device: 'FGT-HOSP-01', vendor: 'Fortinet', product: 'Fortigate', format: 'cef', file: 'cef.log', line: 1,
    });
  });

  it('FortiGate `CEF: 0|` (as Fortinet documents it), act=close: a session end states no decision', () => {
    const e = byLine(2);
    expect(e).toMatchObject({ srcIp: '198.51.100.23', dstPort: 104, bytes: 91730 });
    expect(e.action).toBeUndefined();
  });

  it('PAN-OS TRAFFIC with destination NAT: the pre-NAT tuple, rt over the RFC 5424 stamp, dvchost', () => {
    expect(byLine(3)).toMatchObject({
      time: '2026-03-16T10:05:00.000Z', srcIp: '203.0.113.99', srcPort: 61001, dstIp: '192.0.2.10', dstPort: 104, protocol: 'tcp',
      action: 'allow', bytes: 48120, device: 'PA-3220-EDGE', vendor: 'Palo Alto Networks', product: 'PAN-OS',
    });
  });

  it('PAN-OS through the Strata log forwarder behind a relay: IPv6 from the labelled c6a2/c6a3 slots, rt in dtz', () => {
    expect(byLine(4)).toMatchObject({
      time: '2026-03-16T10:10:29.000Z', srcIp: '2001:db8:dead:beef::7', dstIp: '2001:db8:100::40', dstPort: 104, action: 'deny',
      device: 'PA-3220-EDGE', product: 'LF',
    });
  });

  it('Check Point Log Exporter Accept with NAT and an epoch rt: the real tuple, the header host as device', () => {
    expect(byLine(5)).toMatchObject({
      time: '2026-03-16T10:15:00.000Z', srcIp: '198.51.100.77', dstIp: '192.0.2.20', dstPort: 104, protocol: 'tcp', action: 'allow',
      device: 'cp-mgmt01', vendor: 'Check Point', product: 'VPN-1 & FireWall-1',
    });
  });

  it('Check Point Drop over IPv6 (addresses only in c6a2/c6a3, as Elastic\'s Check Point CEF test has them)', () => {
    expect(byLine(6)).toMatchObject({ srcIp: '2001:db8:bad::66', dstIp: '2001:db8:100::40', action: 'drop', time: '2026-03-16T10:17:30.000Z' });
  });

  it('Forcepoint NGFW Connection_Refused (act=Refuse is deny) and Connection_Discarded (no act: absent)', () => {
    expect(byLine(7)).toMatchObject({ action: 'deny', time: '2026-03-16T10:20:05.000Z', device: '10.1.1.1', vendor: 'FORCEPOINT' });
    expect(byLine(8).action).toBeUndefined();
    expect(byLine(8).dstPort).toBe(443);
  });

  it('Trend Micro Deep Security firewall event: act=Log is no decision, one direction of bytes is no total', () => {
    const e = byLine(9);
    expect(e).toMatchObject({ srcIp: '203.0.113.45', dstIp: '10.20.30.42', dstPort: 104, protocol: 'tcp', device: 'pacs-ws01' });
    expect(e.action).toBeUndefined();
    expect(e.bytes).toBeUndefined();
  });

  it('the CEF standard\'s escaping examples: header and extension escapes, custom string labels', () => {
    const line = fixtureLines[9]!;
    const header = splitHeader(line, line.indexOf('CEF:') + 4, 7);
    expect('fields' in header && header.fields[5]).toBe('detected a | in message \\ and a = in the name');
    const ext = parseCefExtension(line, 'fields' in header ? header.end : 0);
    expect(ext.get('act')).toBe('blocked a =');
    expect(ext.get('msg')).toBe('path C:\\Program Files\\DICOM=x and a line\nbreak');
    expect([ext.get('cs1Label'), ext.get('cs1')]).toEqual(['Detection Rule', 'PACS probe = scan']);
    const e = byLine(10);
    expect(e).toMatchObject({ srcIp: '203.0.113.8', dstIp: '10.20.30.40', dstPort: 104, device: 'ids01' });
    expect(e.action).toBeUndefined(); // "blocked a =" is not a decision word
  });

  it('a bare CEF line (no syslog header) with an epoch rt; an internal source', () => {
    expect(byLine(11)).toMatchObject({ time: '2026-03-16T10:30:00.000Z', srcIp: '10.50.1.23', bytes: 2560, device: 'PA-CORE' });
  });

  it('rt with a zone abbreviation, rt read in dtz, a year-less rt; decision words reset/blocked/permit; proto numbers', () => {
    expect(byLine(12)).toMatchObject({ time: '2026-03-16T10:35:00.250Z', action: 'reset', protocol: 'tcp' });
    expect(byLine(13)).toMatchObject({ time: '2026-03-16T10:40:00.000Z', action: 'deny' });
    expect(byLine(14)).toMatchObject({ time: '2026-03-16T10:45:00.500Z', action: 'allow', protocol: 'udp' });
  });

  it('the dictionary\'s full key names, as some devices write them', () => {
    const e = event('Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|sourceAddress=203.0.113.7 destinationAddress=10.1.2.3 sourcePort=5000 destinationPort=104 transportProtocol=TCP deviceAction=Block bytesIn=10 bytesOut=20 deviceHostName=edge7');
    expect(e).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.1.2.3', srcPort: 5000, dstPort: 104, protocol: 'tcp', action: 'deny', bytes: 30, device: 'edge7' });
  });

  it('keys match ignoring case, as in Elastic\'s decode_cef; labels too', () => {
    const e = event('Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|SRC=203.0.113.7 Dst=10.1.2.3 DPT=104 Act=Deny');
    expect(e).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, action: 'deny' });
    const v6 = event('Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|C6A2=2001:db8::7 c6a2label=source ipv6 address c6a3=2001:db8::40 c6a3Label=DESTINATION IPV6 ADDRESS dpt=104');
    expect(v6).toMatchObject({ srcIp: '2001:db8::7', dstIp: '2001:db8::40' });
  });

  it('NAT fields are never the tuple, even when src/dst are missing', () => {
    expect(code('Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|sourceTranslatedAddress=203.0.113.7 destinationTranslatedAddress=10.1.2.3 dpt=104')).toBe('NOT_A_CONNECTION');
  });
});

describe('CEF: skips and errors', () => {
  it('events without a connection\'s two ends are NOT_A_CONNECTION (system, authentication events)', () => {
    expect(code(fixtureLines[14]!)).toBe('NOT_A_CONNECTION'); // Forcepoint "log server connection established"
    expect(code(fixtureLines[15]!)).toBe('NOT_A_CONNECTION'); // Trend Micro "User Signed In", src only
    expect(code('CEF:26|security|threatmanager|1.0|100|trojan successfully stopped|10|')).toBe('NOT_A_CONNECTION'); // header only
    // An unlabelled IPv6 slot is never guessed.
    expect(code('Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|c6a1=2001:db8::1 c6a4=2001:db8::2 dpt=104')).toBe('NOT_A_CONNECTION');
  });

  it('one address and a destination port is a connection missing its other end: MISSING_FIELD', () => {
    expect(one('Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dpt=104')).toMatchObject({ kind: 'error', code: 'MISSING_FIELD', message: 'no destination address (dst)' });
  });

  it('... also when its port is one no rule wants: malformed in scan as in parse, on bytes and as text (the pre-filter skips only well-formed records)', () => {
    const prefilter = { dstPorts: new Set([104]) };
    const cases = [
      ['src=203.0.113.7 spt=51515 dpt=443 proto=6', 'no destination address (dst)'],
      ['dst=10.1.2.3 dpt=443', 'no source address (src)'],
      ['src=203.0.113.7 dst= dpt=443', 'no destination address (dst)'],
      ['dpt=443 src=203.0.113.7 c6a3Label=Source IPv6 Address c6a3=2001:db8::3', 'no destination address (dst)'],
    ] as const;
    for (const [ext, message] of cases) {
      const line = `Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|${ext}`;
      // twice: the second line is framed like the first, so the hot path reaches its message on bytes
      for (const options of [{}, { prefilter }, { prefilter, bytePath: false }]) {
        const { outcomes } = parseText(`${line}\n${line}\n`, { ...ctx, format: 'cef', ...options });
        expect(outcomes, `${ext} ${JSON.stringify(Object.keys(options))}`).toMatchObject([1, 2].map((n) => ({ kind: 'error', line: n, code: 'MISSING_FIELD', message })));
      }
    }
    // both ends and a port no rule wants: FILTERED (on bytes too)
    const both = 'Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=443';
    expect(parseText(`${both}\n${both}\n`, { ...ctx, format: 'cef', prefilter }).outcomes.map((o) => (o.kind === 'skip' ? o.code : o.kind))).toEqual(['FILTERED', 'FILTERED']);
  });

  it('a header cut short or a version that is no number is MALFORMED; bad values name the CEF key', () => {
    expect(one(fixtureLines[16]!)).toMatchObject({ kind: 'error', code: 'MALFORMED', message: expect.stringContaining('4 of its 7') });
    expect(code('CEF:0|SentinelOne|Mgmt|activityID=1111111111111111111 activityType=3505 siteId=None')).toBe('MALFORMED');
    expect(code('CEF:x|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3')).toBe('MALFORMED');
    expect(code('CEF:|V|P')).toBe('MALFORMED');
    // Another program's words are not CEF.
    expect(code('Mar 16 11:00:00 fw collector: CEF: connector restarted')).toBe('UNRECOGNISED_FORMAT');
    expect(code('CEF:')).toBe('UNRECOGNISED_FORMAT');
    expect(one('Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=pacs01.example dst=10.1.2.3 dpt=104')).toMatchObject({ code: 'BAD_ADDRESS', message: expect.stringContaining('src') });
    // An unusable optional value is left absent, the event kept.
    const e = event('Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104 spt=99999 in=abc out=1');
    expect(e.srcPort).toBeUndefined();
    expect(e.bytes).toBeUndefined();
  });

  it('other programs\' lines are left to the other formats', () => {
    expect(code(fixtureLines[17]!)).toBe('UNRECOGNISED_FORMAT');
  });
});

describe('CEF: deliberate differences from Elastic\'s decode_cef and CEF pipeline (README, Inputs)', () => {
  const base = 'Mar 16 10:59:00 fw CEF:0|Acme|FW|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104';
  it('a zone-less rt is read in dtz (Elastic reads it in its configured zone)', () => {
    expect(event(`${base} dtz=America/New_York rt=Mar 16 2026 06:05:00`).time).toBe('2026-03-16T10:05:00.000Z');
  });
  it('a year-less rt takes --year (Elastic takes the year of the run)', () => {
    expect(event(`${base} rt=Mar 16 10:05:00`, { year: 2024 }).time).toBe('2024-03-16T10:05:00.000Z');
  });
  it('without rt, start comes before the syslog header (Elastic goes to the header)', () => {
    expect(event(`${base} start=1773655500000`).time).toBe('2026-03-16T10:05:00.000Z');
  });
  it('labelled c6a slots count for every vendor (Elastic maps them for Check Point only)', () => {
    const e = event('Mar 16 10:59:00 fw CEF:0|Acme|FW|1|1|n|1|c6a2=2001:db8::7 c6a2Label=Source IPv6 Address c6a3=2001:db8::40 c6a3Label=Destination IPv6 Address dpt=104');
    expect([e.srcIp, e.dstIp]).toEqual(['2001:db8::7', '2001:db8::40']);
  });
  it('bytes is in + out (Elastic keeps source.bytes and destination.bytes apart); act becomes a decision', () => {
    expect(event(`${base} in=100 out=23 act=Blocked`)).toMatchObject({ bytes: 123, action: 'deny' });
  });
  it('an unescaped = inside a value keeps the value (decode_cef drops it with an error)', () => {
    expect(event(`${base} msg=angle 106.7<=180 act=drop`)).toMatchObject({ action: 'drop' });
  });
});

describe('CEF against Sentinel\'s CommonSecurityLog columns', () => {
  it('the raw FortiGate line and the CommonSecurityLog row Sentinel made of it give the same event fields', () => {
    // The row: Azure-Sentinel "Sample Data/CEF/Fortigate.json" (first record), the columns dicomwatch reads; the raw
    // line is fixture line 19, written in FortiGate's CEF layout with that row's values.
    const csv = [
      'TimeGenerated [UTC],DeviceVendor,DeviceProduct,SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceExternalID,Computer,Activity',
      '"3/16/2026, 10:55:18.000 AM",Fortinet,Fortigate,213.252.245.73,15577,192.168.20.58,3389,6,FGVM4VTM21000724,Contoso-MainFW,utm:app-ctrl signature pass',
    ].join('\n');
    const fromRow = parseText(csv, { file: 'csl.csv', tz: 'UTC' }).outcomes[0]!;
    const fromRaw = byLine(19);
    expect(fromRow.kind).toBe('events');
    const pick = (e: NetworkEvent | JsonEvent) => ({ srcIp: e.srcIp, srcPort: e.srcPort, dstIp: e.dstIp, dstPort: e.dstPort, protocol: e.protocol,
      action: e.action, device: e.device, vendor: e.vendor, product: e.product });
    expect(pick(fromRaw)).toEqual(pick((fromRow as { events: NetworkEvent[] }).events[0]!));
  });
});

describe('CEF fixture and CLI', () => {
  it('`dicomwatch parse fixtures/syslog/cef.log --year 2026` prints the hand-checked events', async () => {
    const r = await runCli(['parse', FIXTURE, '--year', '2026']);
    expect(r.code).toBe(0);
    const expected = readFileSync(new URL('../fixtures/syslog/cef.expected.jsonl', import.meta.url), 'utf8');
    expect(r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(expected.trimEnd().split('\n').map((l) => JSON.parse(l)));
    expect(r.stderr).toContain(`${FIXTURE}:17: MALFORMED: CEF header cut short`);
    expect(r.stderr).toContain('19 records read: 15 parsed (15 events), 3 skipped (not a connection 2, unrecognised format 1), 1 malformed');
  });

  it('scan finds the external DICOM sources; --format cef forces the family with CEF alone', async () => {
    expect(FORMAT_IDS).toContain('cef');
    const scan = await runCli(['scan', FIXTURE, '--year', '2026', '--output', 'csv', '--format', 'cef']);
    expect(scan.code).toBe(0);
    const rows = scan.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('SourceIP,DestinationIP,TimeGenerated,count_');
    expect(rows).toContain('203.0.113.7,10.20.30.40,2026-03-16T10:00:00.000Z,1');
    expect(rows).toContain('2001:db8:dead:beef::7,2001:db8:100::40,2026-03-16T10:00:00.000Z,1');
    expect(rows.some((r) => r.startsWith('10.50.1.23,'))).toBe(false); // internal source
    expect(scan.stderr).toContain(`${FIXTURE}:17: MALFORMED`);
  });
});

describe('CEF: the pre-filter', () => {
  const prefilter = { dstPorts: new Set([104]) };
  const extra = [
    'Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=pacs01.example dst=10.1.2.3 dpt=443',
    'Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=443 rt=Mar 16 2026 10:05:00 IST',
    'Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dpt=443',
    'Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3',
    'Mar 16 11:00:00 fw CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104x',
    'CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=22',
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
    expect(filtered).toBe(5); // fixture 8 and 19 (443, 3389), extra 1-2 (value errors at 443), extra 6 (port 22)
    // extra 3 (one address and port 443): a connection missing its other end, MISSING_FIELD in scan as in parse
    expect(scan[fixtureLines.length + 2]).toMatchObject({ kind: 'error', code: 'MISSING_FIELD', message: 'no destination address (dst)' });
  });
});

describe('CEF: garbage never throws and never passes for an event', () => {
  const sample = fixtureLines[2]!;
  const outcomeKinds = (line: string) => parseText(line, { ...ctx, format: 'cef' }).outcomes;

  it('every truncation of a sample line gives one outcome; cut inside the header it is MALFORMED', () => {
    const extStart = sample.indexOf('|rt=') + 1;
    for (let n = 1; n <= sample.length; n++) {
      const cut = sample.slice(0, n);
      const outcomes = outcomeKinds(cut);
      expect(outcomes, `cut at ${n}`).toHaveLength(1);
      if (n > sample.indexOf('CEF:') + 4 && n < extStart) expect(outcomes[0]!.kind === 'error' && outcomes[0]!.code, `cut at ${n}`).toBe('MALFORMED');
    }
  });

  it('a 1 MB line, replacement characters, control characters, random text', () => {
    const huge = `CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104 msg=${'x'.repeat(1_000_000)} rt=1773656100000`;
    const t = Date.now();
    expect(outcomeKinds(huge)[0]).toMatchObject({ kind: 'events' });
    expect(Date.now() - t).toBeLessThan(2000);
    expect(outcomeKinds(`CEF:0|${'|'.repeat(1_000_000)}`)).toHaveLength(1);
    expect(outcomeKinds(`CEF:0|${'\\'.repeat(1_000_000)}`)).toHaveLength(1);
    expect(outcomeKinds(`CEF:0|V|P|1|1|n|1|${'a= '.repeat(300_000)}`)).toHaveLength(1);
    expect(outcomeKinds('CEF:0|\uFFFD\uFFFD|\uFFFD|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=\uFFFD104 rt=\uFFFD')[0]!.kind).toBe('error');
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
      for (const line of [s, `CEF:0|${s}`, `CEF:0|V|P|1|1|n|1|${s}`, `Mar 16 10:00:00 fw CEF:0|a|b|c|d|e|f|src=1.2.3.4 dst=5.6.7.8 ${s}`]) {
        expect(() => cefFormat.parse(parseSyslogLine(line, messageCtx.time), messageCtx)).not.toThrow();
      }
    }));
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      const line = `CEF:0|V|P|1|1|n|1|src=203.0.113.7 dst=10.1.2.3 dpt=104 ${Buffer.from(bytes).toString('utf8')}`;
      expect(() => cefFormat.parse(parseSyslogLine(line, messageCtx.time), messageCtx)).not.toThrow();
    }));
  });
});
