/**
 * Azure JSON documents (src/parsers/documents/azure-nsg.ts, azure-firewall.ts): NSG flow logs v1/v2 and VNet flow
 * logs (one event per flow tuple, sharing the record's line) and Azure Firewall's legacy diagnostic `msg` text; and
 * Google Cloud VPC Flow Logs (src/parsers/documents/gcp-vpc.ts). Fixtures written from Microsoft Learn's and Google
 * Cloud's log-format pages; expected events hand-checked.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { azureFirewallFormat, splitEndpoint } from '../src/parsers/documents/azure-firewall.js';
import { azureNsgFormat, azureVnetFormat } from '../src/parsers/documents/azure-nsg.js';
import { DOCUMENT_FORMATS } from '../src/parsers/documents/registry.js';
import { gcpVpcFormat } from '../src/parsers/documents/gcp-vpc.js';
import { parseText } from '../src/parsers/record-parser.js';
import type { RecordOutcome } from '../src/parsers/types.js';
import { runCli } from './helpers/cli.js';
import { jsonEvents, type JsonEvent } from './helpers/events.js';

const ctx = { file: 'x.jsonl', tz: 'UTC' };

function fixture(name: string): { file: string; text: string; expected: JsonEvent[]; expectedText: string } {
  const file = `fixtures/flows/${name}.jsonl`;
  const expectedText = readFileSync(new URL(`../fixtures/flows/${name}.expected.jsonl`, import.meta.url), 'utf8');
  return {
    file,
    text: readFileSync(new URL(`../${file}`, import.meta.url), 'utf8'),
    expected: expectedText.trimEnd().split('\n').map((l) => JSON.parse(l) as JsonEvent),
    expectedText,
  };
}

function codes(outcomes: readonly RecordOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'events' ? `events:${o.events.length}` : o.code));
}

function outcome(doc: unknown, extra: Record<string, unknown> = {}): RecordOutcome {
  const { outcomes } = parseText(typeof doc === 'string' ? doc : JSON.stringify(doc), { ...ctx, ...extra });
  expect(outcomes).toHaveLength(1);
  return outcomes[0]!;
}

const VARIANTS = [
  { name: 'azure-nsg', codes: ['events:5', 'events:2', 'NOT_A_CONNECTION', 'MALFORMED', 'events:1'] },
  { name: 'azure-vnet', codes: ['events:4', 'NOT_A_CONNECTION', 'MALFORMED', 'events:1'] },
  {
    name: 'azure-firewall',
    codes: ['events:1', 'events:1', 'events:1', 'events:1', 'NOT_A_CONNECTION', 'events:1', 'events:1', 'events:1', 'events:1', 'NOT_A_CONNECTION', 'MALFORMED'],
  },
  { name: 'gcp-vpc', codes: ['events:1', 'events:1', 'events:1', 'events:1', 'events:1', 'MALFORMED', 'MISSING_FIELD', 'NOT_A_CONNECTION'] },
];

describe('Azure fixtures', () => {
  for (const variant of VARIANTS) {
    const { file, text, expected, expectedText } = fixture(variant.name);

    it(`${variant.name}: parseText gives the hand-checked expected events and outcomes`, () => {
      const { outcomes, info } = parseText(text, { file, tz: 'UTC' });
      expect(jsonEvents(outcomes)).toEqual(expected);
      expect(codes(outcomes)).toEqual(variant.codes);
      expect(info.records).toBe(info.parsed + info.skipped + info.errors);
    });

    it(`${variant.name}: the built CLI prints exactly the expected file`, async () => {
      const r = await runCli(['parse', file]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(expectedText);
      expect(r.stderr).toMatch(/MALFORMED/);
    });

    it(`${variant.name}: pre-filter parity (dstPorts {104})`, () => {
      const plain = parseText(text, { file, tz: 'UTC' }).outcomes;
      const filtered = parseText(text, { file, tz: 'UTC', prefilter: { dstPorts: new Set([104]) } }).outcomes;
      expect(filtered).toHaveLength(plain.length);
      let sawFiltered = false;
      plain.forEach((o, i) => {
        const f = filtered[i]!;
        if (f.kind === 'skip' && f.code === 'FILTERED') {
          sawFiltered = true;
          // Only records none of whose events could match, or value errors, may be filtered.
          if (o.kind === 'events') expect(o.events.every((e) => e.dstPort !== 104)).toBe(true);
          else expect(o.kind).toBe('error');
          if (o.kind === 'error') expect(o.code).not.toBe('MALFORMED');
        } else {
          expect(f).toEqual(o);
        }
      });
      expect(sawFiltered).toBe(true);
    });
  }

  it('each Azure format is registered and its sample parses to an event of that format', () => {
    for (const format of [azureNsgFormat, azureVnetFormat, azureFirewallFormat, gcpVpcFormat]) {
      expect(DOCUMENT_FORMATS).toContain(format);
      const o = outcome(format.sample);
      expect(o.kind).toBe('events');
      if (o.kind === 'events') expect(o.events[0]!).toMatchObject({ format: format.id, dstPort: 104 });
    }
  });
});

const NSG_HEAD = { category: 'NetworkSecurityGroupFlowEvent', operationName: 'NetworkSecurityGroupFlowEvents', time: '2018-11-13T12:00:35.3899262Z', resourceId: '/X/NETWORKSECURITYGROUPS/N1' };
function nsg(tuples: unknown, version: unknown = 2): Record<string, unknown> {
  return { ...NSG_HEAD, properties: { Version: version, flows: [{ rule: 'r', flows: [{ mac: '00', flowTuples: tuples }] }] } };
}

describe('Azure NSG flow logs', () => {
  it('time is the tuple\'s own time, not the record\'s: a deliberate difference from Elastic\'s pipeline, which stamps every tuple with the record `time`', () => {
    // elastic-integrations azure_network_watcher_nsg test-nsg.log: Elastic gives @timestamp 2018-11-13T12:00:35.389Z
    // (the blob's write time); the flow was seen at 11:59:39 (DESIGN.md: a flow record's time is the flow's start).
    const o = outcome(nsg(['1542110379,1.128.0.0,1.128.0.1,59932,443,T,O,A,E,1,66,1,66']));
    expect(o.kind === 'events' && jsonEvents([o])[0]).toMatchObject({
      time: '2018-11-13T11:59:39.000Z', srcIp: '1.128.0.0', dstIp: '1.128.0.1', bytes: 132, packets: 2, action: 'allow', protocol: 'tcp', device: 'N1',
    });
  });

  it('direction O/I does not swap sides; B has no counters; several tuples share the line in order', () => {
    const o = outcome(nsg(['1542110379,10.0.0.4,203.0.113.9,104,50000,T,O,D,B,,,,', '1542110380,203.0.113.9,10.0.0.4,50000,104,U,I,A,C,1,2,3,4']));
    expect(o.kind).toBe('events');
    const events = jsonEvents([o]);
    expect(events.map((e) => [e.srcIp, e.dstPort, e.protocol, e.action, e.bytes, e.packets, e.line])).toEqual([
      ['10.0.0.4', 50000, 'tcp', 'deny', undefined, undefined, 1],
      ['203.0.113.9', 104, 'udp', 'allow', 6, 4, 1],
    ]);
  });

  it('version 1 tuples have 8 fields; a v2 record with a v1 tuple is MALFORMED; unknown versions are BAD_VALUE', () => {
    expect(outcome(nsg(['1542110379,10.0.0.4,10.0.0.5,1,104,T,I,A'], 1)).kind).toBe('events');
    expect(outcome(nsg(['1542110379,10.0.0.4,10.0.0.5,1,104,T,I,A'], 2))).toMatchObject({ kind: 'error', code: 'MALFORMED' });
    expect(outcome(nsg(['1542110379,10.0.0.4,10.0.0.5,1,104,T,I,A'], 3))).toMatchObject({ kind: 'error', code: 'BAD_VALUE' });
  });

  it('NOT_A_CONNECTION: no flows, no tuples; MALFORMED: shapes that are not the schema', () => {
    expect(outcome({ ...NSG_HEAD, properties: { Version: 2 } })).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
    expect(outcome(nsg([]))).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
    expect(outcome({ ...NSG_HEAD })).toMatchObject({ kind: 'error', code: 'MALFORMED' });
    expect(outcome({ ...NSG_HEAD, properties: { Version: 2, flows: {} } })).toMatchObject({ kind: 'error', code: 'MALFORMED' });
    expect(outcome(nsg('1542110379,10.0.0.4'))).toMatchObject({ kind: 'error', code: 'MALFORMED' });
    expect(outcome(nsg([42]))).toMatchObject({ kind: 'error', code: 'MALFORMED' });
  });

  it('a bad value in one tuple is the record\'s error, naming the tuple', () => {
    const o = outcome(nsg(['1542110379,10.0.0.4,10.0.0.5,1,104,T,I,A,B,,,,', '1542110379,10.0.0.999,10.0.0.5,1,104,T,I,A,B,,,,']));
    expect(o).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
    expect(o.kind === 'error' && o.message).toContain('properties.flows[0].flows[0].flowTuples[1]');
    expect(outcome(nsg(['0,10.0.0.4,10.0.0.5,1,104,T,I,A,B,,,,']))).toMatchObject({ kind: 'error', code: 'BAD_TIME' });
  });

  it('a record cut short is MALFORMED JSON, located by its line', () => {
    const line = JSON.stringify(nsg(['1542110379,10.0.0.4,10.0.0.5,1,104,T,I,A,B,,,,']));
    const { outcomes } = parseText(`${line}\n${line.slice(0, 120)}\n`, ctx);
    expect(outcomes.map((o) => [o.line, o.kind === 'events' ? 'events' : o.code])).toEqual([[1, 'events'], [2, 'MALFORMED']]);
  });
});

describe('Azure VNet flow logs', () => {
  const head = { category: 'FlowLogFlowEvent', operationName: 'FlowLogFlowEvent', time: '2026-03-16T10:20:00Z', targetResourceID: '/x/virtualNetworks/v1' };
  const vnet = (tuples: string[]) => ({ ...head, flowRecords: { flows: [{ aclID: 'a', flowGroups: [{ rule: 'r', flowTuples: tuples }] }] } });

  it('ms time, protocol number, D → deny, B/C/E → allow, counters only on C/E, IPv6', () => {
    const o = outcome(vnet([
      '1773656102123,2001:db8::7,fd00::10,51515,104,6,I,D,NX,1,2,3,4',
      '1773656102124,203.0.113.7,10.0.0.4,51515,104,17,I,E,X,1,2,3,4',
      '1773656102125,203.0.113.7,10.0.0.4,0,0,1,I,B,NX,0,0,0,0',
    ]));
    expect(jsonEvents([o]).map((e) => [e.time, e.srcIp, e.protocol, e.action, e.bytes, e.packets])).toEqual([
      ['2026-03-16T10:15:02.123Z', '2001:db8::7', 'tcp', 'deny', undefined, undefined],
      ['2026-03-16T10:15:02.124Z', '203.0.113.7', 'udp', 'allow', 6, 4],
      ['2026-03-16T10:15:02.125Z', '203.0.113.7', 'icmp', 'allow', undefined, undefined],
    ]);
  });

  it('a record without flowRecords is NOT_A_CONNECTION; a 9-field tuple is MALFORMED', () => {
    expect(outcome(head)).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
    expect(outcome(vnet(['1773656102123,1.2.3.4,5.6.7.8,1,104,6,I,E,NX']))).toMatchObject({ kind: 'error', code: 'MALFORMED' });
  });
});

describe('Azure Firewall legacy diagnostics', () => {
  const fw = (msg: string, extra: Record<string, unknown> = {}) => ({
    category: 'AzureFirewallNetworkRule', operationName: 'AzureFirewallNetworkRuleLog', properties: { msg }, resourceId: '/X/AZUREFIREWALLS/FW1', time: '2022-06-08T16:54:58.8492560Z', ...extra,
  });

  it('the corpus forms: ICMP Type=, UDP allow, DNAT keeps the pre-NAT tuple and states no decision, IDPS drop and alert', () => {
    const ev = (msg: string) => jsonEvents([outcome(fw(msg))])[0];
    expect(ev('ICMP Type=8 request from 192.168.0.2 to 89.160.20.156. Action: Deny. ')).toMatchObject({ srcIp: '192.168.0.2', dstIp: '89.160.20.156', protocol: 'icmp', action: 'deny', time: '2022-06-08T16:54:58.849Z' });
    expect(ev('UDP request from 192.168.0.2:51106 to 89.160.20.156:53. Action: Allow. ')).toMatchObject({ srcPort: 51106, dstPort: 53, protocol: 'udp', action: 'allow' });
    const nat = ev("TCP request from 192.168.0.2:50306 to 89.160.20.156:3389 was DNAT'ed to 10.0.0.2:3389")!;
    expect(nat).toMatchObject({ dstIp: '89.160.20.156', dstPort: 3389 });
    expect(nat.action).toBeUndefined();
    expect(ev('TCP request from 192.168.0.2:51890 to 175.16.199.1:443. Action: drop. Signature: 2028816. IDS: x')!.action).toBe('drop');
    expect(ev('TCP request from 192.168.0.2:54854 to 175.16.199.1:1521. Action: alert. Signature: 1')!.action).toBeUndefined();
    const icmp = ev('ICMP request from 192.168.0.2: to 175.16.199.1:. Action: alert. Signature: 2100366.')!;
    expect([icmp.srcPort, icmp.dstPort, icmp.protocol]).toEqual([undefined, undefined, 'icmp']);
  });

  it('an application rule to a host name is NOT_A_CONNECTION; HTTPS to an address is tcp', () => {
    expect(outcome(fw('HTTP request from 192.168.0.2:54314 to ocsp.example.com:80. Url: ocsp.example.com. Action: Deny. ThreatIntel: Bot Networks'))).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
    expect(jsonEvents([outcome(fw('HTTPS request from 10.0.0.4:50000 to 203.0.113.5:443. Action: Allow.', { category: 'AzureFirewallApplicationRule' }))])[0]).toMatchObject({ protocol: 'tcp', dstPort: 443 });
  });

  it('Log Analytics rows: Category, msg_s, TimeGenerated', () => {
    const row = { TimeGenerated: '2026-03-16T10:15:02Z', Category: 'AzureFirewallNetworkRule', msg_s: 'TCP request from 203.0.113.7:1 to 10.0.0.4:104. Action: Deny', ResourceId: '/X/AZUREFIREWALLS/FW2' };
    expect(jsonEvents([outcome(row)])[0]).toMatchObject({ time: '2026-03-16T10:15:02.000Z', dstPort: 104, action: 'deny', device: 'FW2', format: 'azure-firewall' });
  });

  it('cut or broken messages are located errors; DNS proxy entries are NOT_A_CONNECTION; other categories are not claimed', () => {
    expect(outcome(fw('TCP request from 203.0.113.7:1 to 10.0'))).toMatchObject({ kind: 'error', code: 'MALFORMED' });
    expect(outcome(fw('TCP req'))).toMatchObject({ kind: 'error', code: 'MALFORMED' });
    expect(outcome({ ...fw(''), properties: {} })).toMatchObject({ kind: 'error', code: 'MISSING_FIELD' });
    expect(outcome(fw('TCP request from 203.0.113.7:1 to 10.0.0.4:104. Action: Deny', { time: 'yesterday' }))).toMatchObject({ kind: 'error', code: 'BAD_TIME' });
    expect(outcome(fw('DNS Request: 10.0.0.4:5 - 1 A IN x.example.', { category: 'AzureFirewallDnsProxy' }))).toMatchObject({ kind: 'skip', code: 'NOT_A_CONNECTION' });
    expect(azureFirewallFormat.parse({ category: 'SomethingElse', properties: { msg: 'TCP request from 1.2.3.4:1 to 5.6.7.8:104. Action: Deny' } }, { file: 'f', lineNo: 1, time: { tz: 'UTC' } })).toBeTypeOf('symbol');
  });

  it('splitEndpoint: address:port, address:, bare address, bracketed and bare IPv6', () => {
    expect(splitEndpoint('10.0.0.1:104')).toEqual({ host: '10.0.0.1', port: '104' });
    expect(splitEndpoint('10.0.0.1:')).toEqual({ host: '10.0.0.1', port: '' });
    expect(splitEndpoint('10.0.0.1')).toEqual({ host: '10.0.0.1', port: undefined });
    expect(splitEndpoint('[2001:db8::1]:104')).toEqual({ host: '2001:db8::1', port: '104' });
    expect(splitEndpoint('2001:db8::1')).toEqual({ host: '2001:db8::1', port: undefined });
  });
});

describe('GCP VPC Flow Logs (Cloud Logging LogEntry JSON)', () => {
  const entry = (payload: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    insertId: 'a', jsonPayload: payload, logName: 'projects/p/logs/compute.googleapis.com%2Fvpc_flows', timestamp: '2026-03-16T10:16:00Z', ...extra,
  });
  const conn = { src_ip: '203.0.113.7', src_port: 51515, dest_ip: '10.1.2.3', dest_port: 104, protocol: 6 };

  it('start_time is the time (the entry timestamp only without it); int64 counters as strings; no action; no swap for reporter DEST', () => {
    const e = jsonEvents([outcome(entry({ connection: conn, reporter: 'DEST', start_time: '2026-03-16T10:15:02.999999Z', bytes_sent: '920', packets_sent: '5' }))])[0]!;
    expect(e).toMatchObject({ time: '2026-03-16T10:15:02.999Z', srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', bytes: 920, packets: 5, format: 'gcp-vpc' });
    expect(e.action).toBeUndefined();
    expect(jsonEvents([outcome(entry({ connection: conn, reporter: 'SRC' }))])[0]!.time).toBe('2026-03-16T10:16:00.000Z');
  });

  it('recognised by logName or by connection + reporter; other Cloud Logging entries are not claimed', () => {
    expect(outcome(entry({ connection: conn, reporter: 'SRC', start_time: '2026-03-16T10:15:02Z' }, { logName: 'x' }))).toMatchObject({ kind: 'events' });
    const ctxDoc = { file: 'f', lineNo: 1, time: { tz: 'UTC' } };
    expect(gcpVpcFormat.parse({ jsonPayload: { connection: conn }, logName: 'projects/p/logs/compute.googleapis.com%2Ffirewall' }, ctxDoc)).toBeTypeOf('symbol');
    expect(gcpVpcFormat.parse({ textPayload: 'x', logName: 'projects/p/logs/syslog' }, ctxDoc)).toBeTypeOf('symbol');
  });

  it('bad values are errors naming the field', () => {
    expect(outcome(entry({ connection: { ...conn, src_ip: 12 }, reporter: 'SRC', start_time: '2026-03-16T10:15:02Z' }))).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS' });
    expect(outcome(entry({ connection: conn, reporter: 'SRC', start_time: 'soon' }))).toMatchObject({ kind: 'error', code: 'BAD_TIME' });
    expect(outcome(entry({ reporter: 'SRC' }))).toMatchObject({ kind: 'error', code: 'MISSING_FIELD' });
  });
});

describe('Azure documents: garbage and truncation never throw and never give a wrong value', () => {
  const sources = ['azure-nsg', 'azure-vnet', 'azure-firewall', 'gcp-vpc'].map((n) => fixture(n));
  it('every prefix of every fixture line, and byte flips, yield outcomes whose events carry valid values', () => {
    let rng = 12345;
    const rand = (n: number) => {
      rng = (rng * 1103515245 + 12345) & 0x7fffffff;
      return rng % n;
    };
    for (const { text } of sources) {
      for (const line of text.trimEnd().split('\n')) {
        const cuts = Array.from({ length: 25 }, () => rand(line.length));
        for (const cut of cuts) {
          const variants = [line.slice(0, cut), `${line.slice(0, cut)}${String.fromCharCode(33 + rand(90))}${line.slice(cut + 1)}`];
          for (const v of variants) {
            const { outcomes, info } = parseText(v, { ...ctx, format: 'jsonl' });
            expect(info.records).toBe(info.parsed + info.skipped + info.errors);
            for (const e of jsonEvents(outcomes)) {
              expect(Number.isNaN(Date.parse(e.time))).toBe(false);
              if (e.dstPort !== undefined) expect(e.dstPort >= 0 && e.dstPort <= 65535).toBe(true);
              expect(e.srcIp).toMatch(/^[0-9a-f.:]+$/);
              expect(e.dstIp).toMatch(/^[0-9a-f.:]+$/);
            }
          }
        }
      }
    }
  });
});
