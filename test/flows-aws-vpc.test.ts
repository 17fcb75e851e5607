/**
 * AWS VPC Flow Logs (src/parsers/flows/aws-vpc.ts): the v2 default layout without a header, custom layouts defined
 * by a header line, headerless "all fields" layouts up to v8, versions mixed in one file, gzip, NODATA/SKIPDATA,
 * `-` values, what is malformed, the fixtures' hand-checked events via the library and the built CLI, the
 * pre-filter parity, and garbage and truncation.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createRecordParser, parseText } from '../src/parsers/record-parser.js';
import { awsVpcFormat, openVpc } from '../src/parsers/flows/aws-vpc.js';
import { sniffFormat } from '../src/parsers/registry.js';
import type { LineFormat, RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';
import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { expectPrefilterParity } from './helpers/kv-firewall.js';

const ctx = { file: 'vpc.log' };
const V2 = '2 123456789010 eni-0a1b2c3d4e5f60718 203.0.113.7 10.20.1.15 51515 104 6 4 240 1773656102 1773656160 REJECT OK';
const HEADER_V2 = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status';

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/flows/${name}`, import.meta.url), 'utf8');
}

function expected(name: string, file: string): JsonEvent[] {
  return fixture(name).trim().split('\n').map((l) => ({ ...(JSON.parse(l) as JsonEvent), file }));
}

function codes(outcomes: readonly RecordOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
}

/** Forced to this format, so a lone broken record is judged by it rather than by the sniff. */
const forced = { ...ctx, format: 'aws-vpc' };

function parse(text: string): RecordOutcome[] {
  return parseText(text, forced).outcomes;
}

function one(text: string): JsonEvent {
  const outcomes = parse(text);
  expect(codes(outcomes)).toEqual(['events']);
  return jsonEvents(outcomes)[0]!;
}

describe('AWS VPC flow logs: the v2 default layout', () => {
  it('reads every field; time = start (epoch seconds); REJECT → deny; protocol number → keyword', () => {
    expect(one(V2)).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.1.15', dstPort: 104,
      protocol: 'tcp', action: 'deny', bytes: 240, packets: 4, device: 'eni-0a1b2c3d4e5f60718',
      vendor: 'Amazon Web Services', product: 'VPC Flow Logs', format: 'aws-vpc', file: 'vpc.log', line: 1,
    });
    expect(one(V2.replace('REJECT', 'ACCEPT')).action).toBe('allow');
    expect(one(V2.replace(' 6 4 240 ', ' 17 4 240 ')).protocol).toBe('udp');
    expect(one(V2.replace(' 6 4 240 ', ' 58 4 240 ')).protocol).toBe('ipv6-icmp');
  });

  it('time is the flow start, not its end (where Elastic\'s @timestamp is the end); end only when start is absent', () => {
    expect(one(V2).time).toBe('2026-03-16T10:15:02.000Z');
    expect(one(V2.replace('1773656102', '-')).time).toBe('2026-03-16T10:16:00.000Z');
    expect(codes(parse(V2.replace('1773656102 1773656160', '- -')))).toEqual(['MISSING_FIELD']);
  });

  it('IPv6 is canonicalised; `-` values are absent', () => {
    const v6 = one(V2.replace('203.0.113.7 10.20.1.15', '2001:DB8:FEED::7 2001:db8:0:0::15'));
    expect(v6).toMatchObject({ srcIp: '2001:db8:feed::7', dstIp: '2001:db8::15' });
    const dashes = one(V2.replace('51515 104 6 4 240', '- - - - -').replace('REJECT', '-'));
    for (const field of ['srcPort', 'dstPort', 'protocol', 'bytes', 'packets', 'action'] as const) expect(dashes[field]).toBeUndefined();
  });

  it('NODATA and SKIPDATA records without addresses are NOT_A_CONNECTION; one that carries addresses is read', () => {
    const nodata = '2 123456789010 eni-0a1b2c3d4e5f60718 - - - - - - - 1773656500 1773656560 - NODATA';
    expect(codes(parse(`${nodata}\n${nodata.replace('NODATA', 'SKIPDATA')}`))).toEqual(['NOT_A_CONNECTION', 'NOT_A_CONNECTION']);
    expect(one(V2.replace(' OK', ' NODATA'))).toMatchObject({ srcIp: '203.0.113.7', dstPort: 104 });
  });

  it('a bad address or time is an error naming the field', () => {
    const bad = parse(V2.replace('203.0.113.7', '203.0.113.700'));
    expect(bad[0]).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
    expect((bad[0] as { message: string }).message).toContain('srcaddr');
    expect(codes(parse(V2.replace('1773656102', '17736561020000000')))).toEqual(['MALFORMED']); // not an epoch: fits no layout
    // an epoch outside 1990-2100 (a `0` placeholder, a counter) is no time, as parseTimestamp says: no 1970 alert
    for (const start of ['0', '1', '631151999', '4102444800']) {
      expect(codes(parse(V2.replace('1773656102', start))), start).toEqual(['BAD_TIME']);
    }
    expect(codes(parse(V2.replace('1773656102', '631152000')))).toEqual(['events']);
  });
});

describe('AWS VPC flow logs: header lines and default layouts of later versions', () => {
  it('a header line binds any field order; `_` spellings too; the header is not a record', () => {
    const text = 'dstport srcaddr start dstaddr action\n104 203.0.113.7 1773656102 10.20.1.15 ACCEPT';
    expect(one(text)).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.20.1.15', dstPort: 104, action: 'allow', line: 2 });
    expect(one('dstport srcaddr start_time dstaddr\n104 203.0.113.7 1773656102 10.20.1.15'.replace('start_time', 'start'))).toMatchObject({ time: '2026-03-16T10:15:02.000Z' });
    expect(one('account_id srcaddr dstaddr start log_status\n1 203.0.113.7 10.20.1.15 1773656102 OK')).toMatchObject({ srcIp: '203.0.113.7' });
  });

  it('srcaddr/dstaddr are source and destination (as Elastic maps them); pkt-srcaddr/pkt-dstaddr are not used', () => {
    const text = 'srcaddr dstaddr pkt-srcaddr pkt-dstaddr dstport start\n10.20.0.5 10.20.1.15 192.0.2.200 10.20.1.15 104 1773656102';
    expect(one(text)).toMatchObject({ srcIp: '10.20.0.5', dstIp: '10.20.1.15' });
  });

  it('a new header line rebinds the layout; each version of a headerless file is read by its field count', () => {
    const v5 = '5 64111117617 eni-069b7a490 89.160.20.156 10.200.0.0 50041 104 17 52 1 1640000066 1640000297 REJECT OK vpc-09676f97 subnet-02d645 i-0a1ad77 1 IPv4 89.160.20.156 10.200.0.80 us-east-1 use1-az5 - - AMAZON CLOUDFRONT ingress 1';
    const v8 = '3 000000000000 - 2a02:cf40:: 1.128.0.0 42910 104 17 51 33615 1755678754 1755678775 REJECT OK - - - - - - - - - - - - - ingress - arn:c c arn:ci ci 601a dea7 svc arn:td arn:t t BPA';
    const custom21 = '3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-1235b8ca123456789 123456789010 IPv4 52.213.180.42 10.0.0.62 43416 104 52.213.180.42 10.0.0.62 6 568 8 1566848875 1566848933 ACCEPT 2 OK';
    const outcomes = parse([V2, v5, v8, custom21, `${HEADER_V2.replace('version ', '')}`, V2.slice(2)].join('\n'));
    expect(codes(outcomes)).toEqual(['events', 'events', 'events', 'events', 'events']);
    const events = jsonEvents(outcomes);
    expect(events.map((e) => [e.srcIp, e.dstIp, e.dstPort, e.protocol, e.line])).toEqual([
      ['203.0.113.7', '10.20.1.15', 104, 'tcp', 1],
      ['89.160.20.156', '10.200.0.0', 104, 'udp', 2],
      ['2a02:cf40::', '1.128.0.0', 104, 'udp', 3],
      ['52.213.180.42', '10.0.0.62', 104, 'tcp', 4],
      ['203.0.113.7', '10.20.1.15', 104, 'tcp', 6],
    ]);
    expect(events[3]).toMatchObject({ bytes: 568, packets: 8, time: '2019-08-26T19:47:55.000Z' });
  });

  it('sniffs a header line with an address field or a headerless default record; not CSV, syslog or JSON', () => {
    expect(sniffFormat(HEADER_V2)?.id).toBe('aws-vpc');
    expect(sniffFormat(`${HEADER_V2}\r`)?.id).toBe('aws-vpc');
    expect(sniffFormat(V2)?.id).toBe('aws-vpc');
    for (const line of [
      'version account-id start', // no address field
      'srcaddr,dstaddr,dstport,start',
      '<134>Mar 16 10:15:02 fw01 kernel: IN=eth0 OUT= SRC=1.2.3.4 DST=5.6.7.8 PROTO=TCP SPT=1 DPT=104',
      V2.replace(' OK', ' FINE'),
      V2.replace(' REJECT', ' DROP'),
      V2.replace('2 ', 'x '),
      `${V2} extra`,
      '{"srcaddr":"1.2.3.4"}',
    ]) expect(awsVpcFormat.sniff(line), line).toBe(false);
  });
});

describe('AWS VPC flow logs: malformed records', () => {
  it('a record whose field count is not the header\'s, an empty field, a headerless record of no layout', () => {
    expect(codes(parse(`${HEADER_V2}\n${V2} 7`))).toEqual(['MALFORMED']);
    expect(codes(parse(`${HEADER_V2}\n${V2.replace(' 104 ', '  ')}`))).toEqual(['MALFORMED']);
    expect(codes(parse(`${V2}\n${V2.split(' ').slice(0, 12).join(' ')}`))).toEqual(['events', 'MALFORMED']);
    expect(parse(`${V2}\n\n${V2} 7`)[1]).toMatchObject({ kind: 'error', code: 'MALFORMED', line: 3 });
  });
});

describe('AWS VPC flow logs: fixtures', () => {
  for (const name of ['aws-vpc', 'aws-vpc-custom']) {
    it(`${name}.log: the hand-checked events via the library and via the built CLI`, async () => {
      const file = `fixtures/flows/${name}.log`;
      const { outcomes } = parseText(fixture(`${name}.log`), { file });
      expect(jsonEvents(outcomes)).toEqual(expected(`${name}.expected.jsonl`, file));
      const r = await runCli(['parse', file]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonEvent)).toEqual(expected(`${name}.expected.jsonl`, file));
    });
  }

  it('a gzip file as S3 delivers it (header line first) reads like the plain text', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vpc-'));
    const path = join(dir, '123456789010_vpcflowlogs_us-east-1_fl-1_20260316T1015Z_abcd.log.gz');
    writeFileSync(path, gzipSync(`${HEADER_V2}\n${fixture('aws-vpc.log')}`));
    const r = await runCli(['parse', path]);
    expect(r.code).toBe(0);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as JsonEvent);
    expect(events.map((e) => ({ ...e, line: e.line - 1, file: 'fixtures/flows/aws-vpc.log' }))).toEqual(expected('aws-vpc.expected.jsonl', 'fixtures/flows/aws-vpc.log'));
    expect(r.stderr).toContain('skipped (not a connection 2)');
  });
});

describe('AWS VPC flow logs: scan and parse agree', () => {
  it('the pre-filter only turns events with another destination port (or value errors) into FILTERED', () => {
    const text = [
      fixture('aws-vpc.log'), fixture('aws-vpc-custom.log'),
      V2.replace('203.0.113.7', 'nope'), V2.replace(' 104 ', ' 443 ').replace('203.0.113.7', 'nope'),
      `${V2} 7`, V2.replace(' 104 ', ' - '), V2.replace(' 104 ', ' 99999 '),
    ].join('\n');
    const { filtered } = expectPrefilterParity(text, ctx);
    expect(filtered).toBeGreaterThanOrEqual(4);
  });
  it('generated records (the hot path on bytes, every structural check it must repeat): parse and scan agree', () => {
    const V5 = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id flow-direction';
    const field = (k: number) => fc.constantFrom(...[
      ['2', '3', '10', 'x', '', '-'], ['123456789010', '-'], ['eni-1', '-'], ['203.0.113.7', '10.0.0.1', 'nope', '-', '2001:db8::1'],
      ['10.20.1.15', '-'], ['51515', '-', '104'], ['104', '443', '0104', '99999', '-', 'x', '1104', '000104'], ['6', '17', '-'], ['4', '-'], ['240', '-'],
      ['1773656102', '-', 'soon', '1234567890123'], ['1773656160', '-'], ['REJECT', 'ACCEPT', '-', 'DROP'], ['OK', 'NODATA', 'SKIPDATA', 'BAD'],
    ][k]!);
    const record = fc.tuple(...Array.from({ length: 14 }, (_, k) => field(k))).map((f) => f.join(' '));
    const line = fc.oneof(
      { weight: 8, arbitrary: record },
      fc.constantFrom('', ' ', `${V2} `, ` ${V2}`, V2.replace(' 104 ', '  104 '), `${V2}\r`, `${V2} vpc-1 ingress`, V5),
      record.map((r) => `${r} vpc-1 ingress`),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
      expectPrefilterParity(lines.join('\n'), forced);
    }), { numRuns: 300 });
  });
});

describe('AWS VPC flow logs: the hot path on bytes gives every record the outcome the text path gives it', () => {
  const textPath: LineFormat = { ...awsVpcFormat, open: (c) => openVpc({ ...c, bytePath: false }) };
  const prefilter = { dstPorts: new Set([104, 11112]) };
  /** `encoding`: latin1 makes every non-ASCII character one byte that is not UTF-8 (U+FFFD on the text path). */
  const scanWith = (format: LineFormat, text: string, chunk: number, filteredRuns: boolean, encoding: BufferEncoding = 'utf8') => {
    const parser = createRecordParser({ file: 'vpc.log', format: 'aws-vpc', formats: [format], prefilter, filteredRuns });
    const bytes = Buffer.from(text, encoding);
    const outcomes: RecordOutcome[] = [];
    for (let i = 0; i < bytes.length; i += chunk) outcomes.push(...parser.push(bytes.subarray(i, i + chunk)));
    outcomes.push(...parser.end());
    return { outcomes, info: parser.info, failure: parser.failure?.message };
  };
  const expectSame = (text: string, chunk = 1 << 20, encoding: BufferEncoding = 'utf8') => {
    const reference = scanWith(textPath, text, 1 << 20, false, encoding);
    expect(scanWith(awsVpcFormat, text, chunk, false, encoding)).toEqual(reference);
    // as scan runs it (FILTERED runs folded, by the session on the hot path, by the parser on the text path): the
    // same outcomes, run for run, and the same accounting
    const runs = scanWith(awsVpcFormat, text, chunk, true, encoding);
    expect(runs).toEqual(scanWith(textPath, text, chunk, true, encoding));
    expect(runs.info).toEqual(reference.info);
    return reference;
  };

  const V2_NAMES = HEADER_V2.split(' ');
  const LATER_NAMES = [
    'vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr', 'region', 'az-id', 'sublocation-type',
    'sublocation-id', 'pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path', 'ecs-cluster-arn',
    'ecs-cluster-name', 'ecs-container-instance-arn', 'ecs-container-instance-id', 'ecs-container-id', 'ecs-second-container-id',
    'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id', 'reject-reason',
  ];
  const ALL = [...V2_NAMES, ...LATER_NAMES];
  const CUSTOM_21 = 'version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action tcp-flags log-status'.split(' ');
  /** Every word one byte off: each letter changed, one letter short, one letter more, lower case. */
  const nearMisses = (word: string) => [
    ...[...word].map((_, i) => `${word.slice(0, i)}${word[i] === 'X' ? 'Y' : 'X'}${word.slice(i + 1)}`),
    word.slice(0, -1), `${word}X`, `X${word}`, word.toLowerCase(),
  ].filter((w) => w !== '' && w !== word);
  /** Values per field name: those the format takes (most records are well formed), and near misses. */
  const GOOD: Record<string, string[]> = {
    'version': ['2', '3', '5', '10', '02'],
    'account-id': ['123456789010', '-', 'unknown'],
    'interface-id': ['eni-1', '-'],
    'srcaddr': ['203.0.113.7', '10.0.0.1', '-', 'nope', '2001:db8::1'],
    'dstaddr': ['10.20.1.15', '-', '198.51.100.4'],
    'srcport': ['51515', '-', '104'],
    'dstport': ['104', '443', '0', '65535', '1104', '10', '11112', '00443'],
    'protocol': ['6', '17', '-'],
    'start': ['1773656102', '-', '123456789012', '0'],
    'end': ['1773656160', '-', '1'],
    'action': ['ACCEPT', 'REJECT', '-'],
    'log-status': ['OK', 'NODATA', 'SKIPDATA', '-'],
    'vpc-id': ['vpc-1', 'vpc-'],
  };
  const EPOCH_MISSES = ['soon', '1234567890123', '17736561O2', '177365610/', '177365610:', '--'];
  const BAD: Record<string, string[]> = {
    'version': ['100', 'x', '-', '2x', '/', ':'],
    'dstport': ['65536', '99999', '00104', '0104', '000104', '000443', '-', 'x', '104x', '+104', '1e2', '\u00e9104', '104.0', '/', ':', '10:', '4/3'],
    'start': EPOCH_MISSES,
    'end': EPOCH_MISSES,
    'action': ['ACCEPTED', 'DROP', '--', ...nearMisses('ACCEPT'), ...nearMisses('REJECT')],
    'log-status': ['BAD', '--', '-OK', ...nearMisses('OK'), ...nearMisses('NODATA'), ...nearMisses('SKIPDATA')],
    'vpc-id': ['vpc', 'vp', '-', ...nearMisses('vpc-')],
  };
  const VALUES = Object.fromEntries(Object.entries(GOOD).map(([k, v]) => [k, [...v, ...(BAD[k] ?? [])]]));
  const valueOf = (name: string) => {
    const good = fc.constantFrom(...(GOOD[name] ?? ['-', '1', 'x', 'ingress']));
    return BAD[name] ? fc.oneof({ weight: 6, arbitrary: good }, { weight: 1, arbitrary: fc.constantFrom(...BAD[name]) }) : good;
  };
  const layouts = fc.oneof(
    fc.constantFrom(...[14, 21, 25, 29, 39, 40].map((n) => ALL.slice(0, n)), CUSTOM_21).map((names) => ({ names, header: false })),
    fc.constantFrom(...[14, 21, 25, 29, 39, 40].map((n) => ALL.slice(0, n)), CUSTOM_21).map((names) => ({ names, header: true })),
    fc.shuffledSubarray(ALL, { minLength: 2, maxLength: 16 }).map((names) => ({ names, header: true })),
  );
  /** What may happen to a record on its way: nothing (mostly), or a structural fault. */
  const damage = fc.constantFrom(
    ...Array<string>(12).fill('none'), 'drop', 'extra', 'double', 'lead', 'trail', 'cr', 'crcr', 'trailcrcr', 'tab', 'nbsp', 'empty', 'header',
  );
  const spoil = (fields: string[], how: string, at: number): string => {
    const k = at % fields.length;
    switch (how) {
      case 'drop': return fields.filter((_, i) => i !== k).join(' ');
      case 'extra': return [...fields.slice(0, k), '-', ...fields.slice(k)].join(' ');
      case 'double': return [...fields.slice(0, k), '', ...fields.slice(k)].join(' ');
      case 'lead': return ` ${fields.join(' ')}`;
      case 'trail': return `${fields.join(' ')} `;
      case 'cr': return `${fields.join(' ')}\r`;
      case 'crcr': return `${fields.join(' ')}\r\r`;
      case 'trailcrcr': return `${fields.slice(0, -1).join(' ')} \r\r`; // the count is right only if the CR is a field
      case 'tab': return fields.join(' ').replace(' ', '\t');
      case 'nbsp': return fields.join(' ').replace(' ', '\u00a0');
      case 'empty': return fields.map((f, i) => (i === k ? '' : f)).join(' ');
      case 'header': return fields.map((_, i) => ALL[i] ?? 'version').join(' ');
      default: return fields.join(' ');
    }
  };
  const block = layouts.chain(({ names, header }) => fc.tuple(
    fc.constant(header ? (names.length % 3 === 0 ? names.join(' ').replaceAll('-', '_') : names.join(' ')) : undefined),
    fc.array(fc.tuple(fc.tuple(...names.map(valueOf)), damage, fc.nat()).map(([fields, how, at]) => spoil(fields, how, at)), { minLength: 1, maxLength: 8 }),
  ).map(([h, records]) => (h === undefined ? records : [h, ...records])));
  const oddLine = fc.constantFrom('', ' ', '\t', '\r', 'version', 'version srcaddr', 'version srcaddr srcaddr', 'foo bar', '# comment', '\u00a0', '2', '- - -', V2, `${V2}\r`);

  it('generated files: layouts with and without a header, every log-status and action spelling, near misses, broken records', () => {
    let filtered = 0;
    let malformed = 0;
    fc.assert(fc.property(fc.array(fc.oneof({ weight: 4, arbitrary: block }, oddLine.map((l) => [l])), { maxLength: 8 }), fc.integer({ min: 1, max: 300 }), fc.constantFrom<BufferEncoding>('utf8', 'latin1'), (blocks, chunk, encoding) => {
      const { info } = expectSame(blocks.flat().join('\n'), chunk, encoding);
      filtered += info.skippedBy.FILTERED ?? 0;
      malformed += info.errorsBy.MALFORMED ?? 0;
    }), { numRuns: 1500 });
    // the property saw both sides of the line the hot path must not cross
    expect(filtered).toBeGreaterThan(500);
    expect(malformed).toBeGreaterThan(500);
  });

  it('each near miss alone, in the v2 default layout and in the 21-field custom one', () => {
    const custom = CUSTOM_21.map((n) => GOOD[n]?.[0] ?? '-');
    for (const [names, record] of [[V2_NAMES, V2.split(' ')], [CUSTOM_21, custom]] as const) {
      const port = names.indexOf('dstport');
      for (const [name, values] of Object.entries(VALUES)) {
        const k = names.indexOf(name);
        if (k < 0) continue;
        for (const v of values) {
          const fields = [...record];
          fields[k] = v;
          for (const p of ['104', '443']) {
            if (name !== 'dstport') fields[port] = p;
            for (const encoding of ['utf8', 'latin1'] as const) {
              expectSame(fields.join(' '), 1 << 20, encoding);
              expectSame(`${names.join(' ')}\n${fields.join(' ')}`, 1 << 20, encoding);
            }
          }
        }
      }
    }
    expect(codes(scanWith(textPath, custom.join(' ').replace(' 104 ', ' 443 '), 1 << 20, false).outcomes)).toEqual(['FILTERED']);
    // what the text path does with them, for the record (the hot path may only FILTER the well-formed ones)
    const outcome = (line: string) => codes(scanWith(textPath, line, 1 << 20, false).outcomes);
    expect(outcome(V2.replace(' 104 ', ' 443 '))).toEqual(['FILTERED']);
    expect(outcome(V2.replace(' 104 ', ' 443 ').replace(' OK', ' OKX'))).toEqual(['MALFORMED']);
    expect(outcome(V2.replace(' 104 ', ' 443 ').replace('REJECT', 'ACCEPTED'))).toEqual(['MALFORMED']);
    expect(outcome(`${V2.replace(' 104 ', ' 443 ')} -`)).toEqual(['MALFORMED']);
    expect(outcome(V2.replace(' 104 ', ' 443 ').replace(' 6 ', ' - '))).toEqual(['FILTERED']);
    expect(outcome(V2.replace(' 104 ', ' 65536 '))).toEqual(['events']);
  });
});

describe('AWS VPC flow logs: bad input', () => {
  it('every truncation of a record never throws and never yields a different value', () => {
    const whole = one(V2);
    for (let n = 1; n < V2.length; n++) {
      const prefix = V2.slice(0, n);
      let outcomes: RecordOutcome[] = [];
      expect(() => (outcomes = parseText(prefix, forced).outcomes)).not.toThrow();
      for (const e of jsonEvents(outcomes)) {
        for (const [k, v] of Object.entries(e)) if (k !== 'line') expect(v, `prefix ${n}: ${k}`).toEqual(whole[k as keyof JsonEvent]);
      }
    }
  });

  it('garbage lines after a good start never throw, and are malformed, not events', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const alphabet = '0123456789 -.:abcdefABCDEF\tOKREJECT\u00e9\ufffd';
    const lines = [V2];
    for (let i = 0; i < 300; i++) {
      let s = '';
      const len = Math.floor(rand() * 120);
      for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)];
      lines.push(s);
    }
    let outcomes: RecordOutcome[] = [];
    expect(() => (outcomes = parseText(lines.join('\n'), ctx).outcomes)).not.toThrow();
    expect(outcomes.slice(1).every((o) => o.kind !== 'events')).toBe(true);
  });
});

describe('AWS VPC: records settled many at a time (the kernel\'s `fields`, scan\'s common record)', () => {
  const textPath: LineFormat = { ...awsVpcFormat, open: (c) => openVpc({ ...c, bytePath: false }) };
  const scan = (format: LineFormat, bytes: Buffer, chunk: number, maxLineBytes?: number) => {
    const parser = createRecordParser({
      file: 'vpc.log', format: 'aws-vpc', formats: [format], filteredRuns: true, prefilter: { dstPorts: new Set([104]) },
      ...(maxLineBytes !== undefined ? { maxLineBytes } : {}),
    });
    const out: RecordOutcome[] = [];
    for (let i = 0; i < bytes.length; i += chunk) out.push(...parser.push(bytes.subarray(i, i + chunk)));
    out.push(...parser.end());
    return { out, info: parser.info, failure: parser.failure?.message };
  };
  /**
   * Records in the v2 default layout, a header and custom layouts part of the way, with a wanted port, a NODATA
   * record, a bad epoch, an empty field, a second CR now and then: every kind the kernel must leave to the text path.
   */
  const records = (count: number) => {
    let text = '';
    for (let i = 0; i < count; i++) {
      if (i === Math.floor(count / 2)) text += `${HEADER_V2} vpc-id\n`;
      const port = i % 97 === 0 ? 104 : 1 + ((i * 31) % 65535);
      const start = i % 101 === 0 ? 'soon' : String(1773656102 + i);
      const src = i % 103 === 0 ? '-' : `203.0.113.${i % 250}`;
      const tail = i % 107 === 0 ? '\r\r' : i % 5 === 0 ? '\r' : '';
      const gap = i % 109 === 0 ? '  ' : ' ';
      const dst = i % 103 === 0 ? '-' : '10.20.1.15';
      const base = `2 123456789010 eni-1 ${src} ${dst} 51515${gap}${port} 6 4 240 ${start} 1773656160 ${i % 2 ? 'ACCEPT' : 'REJECT'} ${i % 103 === 0 ? 'NODATA' : 'OK'}`;
      text += `${i >= count / 2 ? `${base} vpc-${i}` : base}${tail}\n`;
    }
    return Buffer.from(text);
  };

  it('the same outcomes and accounting as the text path, across the kernel\'s 1 MiB window, in chunks of any size, under a line limit', () => {
    const bytes = records(40_000); // ~4 MB
    const reference = scan(textPath, bytes, bytes.length);
    expect(reference.info.errorsBy.MALFORMED).toBeGreaterThan(100);
    expect(reference.info.skippedBy.NOT_A_CONNECTION).toBeGreaterThan(100);
    for (const chunk of [bytes.length, 1 << 20, (1 << 20) + 3, 65_521, 997]) {
      expect(scan(awsVpcFormat, bytes, chunk), String(chunk)).toEqual(scan(textPath, bytes, chunk));
    }
    const limited = records(2000);
    expect(scan(awsVpcFormat, limited, 4099, 100)).toEqual(scan(textPath, limited, 4099, 100));
    expect(scan(textPath, limited, 4099, 100).info.errorsBy.RECORD_TOO_LONG).toBeGreaterThan(100);
  });

  it('a 21-field record with a VPC id second is read in the custom layout, never settled in the default one', () => {
    const inDefault = '2 123456789010 eni-1 203.0.113.7 10.0.0.1 51515 443 6 4 240 1773656102 1773656160 ACCEPT OK vpc-1 subnet-1 i-1 2 IPv4 - -';
    // the same checks pass in the default 21-field layout (its dstport 443), but in the custom one its dstport is 104
    const custom = '2 vpc-9 subnet-1 203.0.113.7 10.0.0.1 123 443 6 4 240 104 1773656160 ACCEPT OK 240 4 1773656102 1773656160 ACCEPT 2 OK';
    const bytes = Buffer.from(`${`${inDefault}\n`.repeat(10)}${custom}\n${`${inDefault}\n`.repeat(10)}${custom}\n`);
    const fast = scan(awsVpcFormat, bytes, bytes.length);
    expect(fast).toEqual(scan(textPath, bytes, bytes.length));
    expect(fast.info.skippedBy.FILTERED).toBe(20);
  });

  it('takes the common record without a call per line: the session\'s push sees only the records it does not settle', () => {
    const bytes = records(10_000);
    let pushes = 0;
    const counting: LineFormat = {
      ...awsVpcFormat,
      open(c) {
        const session = openVpc(c);
        return { ...session, push: (buf, start, end, lineNo, out) => { pushes++; session.push(buf, start, end, lineNo, out); } };
      },
    };
    const { info } = scan(counting, bytes, 1 << 20);
    expect(info.skippedBy.FILTERED).toBeGreaterThan(9000);
    expect(pushes).toBeLessThan(2000);
  });
});
