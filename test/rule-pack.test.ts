/**
 * The shipped pack on fixtures/dicom-pack.jsonl (a port scan, a host sweep, one sweep split by an hour boundary,
 * outbound DICOM, allowed inbound DICOM to IPv4 and IPv6 servers), each rule picked with --rules and all of them at
 * once; and the KQL of every construct the engine runs (new modifiers, temporal types, per-event rules) through
 * Microsoft's parser on every table that can express it.
 */
import { describe, expect, it } from 'vitest';
import { KqlEmitError, renderKql } from '../src/emit/kql/render.js';
import { KQL_TABLES } from '../src/emit/kql/tables.js';
import type { Alert } from '../src/model/alert.js';
import { compileRules } from '../src/rules/compile.js';
import type { NetworkPolicy } from '../src/rules/plan.js';
import { parseSigmaText } from '../src/rules/sigma.js';
import { runCli } from './helpers/cli.js';
import { analyzeKql } from './helpers/kusto.js';

const FIXTURE = 'fixtures/dicom-pack.jsonl';

async function alerts(rules?: string, extra: string[] = []): Promise<string[]> {
  const r = await runCli(['scan', FIXTURE, '--output', 'jsonl', ...(rules ? ['--rules', rules] : []), ...extra], { pack: true });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trimEnd().split('\n').filter(Boolean).map((line) => {
    const a = JSON.parse(line) as Alert;
    const keys = [a.srcIp, a.dstIp, a.dstPort].filter((k) => k !== undefined).join(' ');
    return `${a.rule} ${a.time.slice(11, 16)} ${keys} count=${a.count}${a.value !== undefined ? ` value=${a.value}` : ''}`;
  });
}

describe('the pack on its fixture', () => {
  it('dicom-port-scan: the source that reached four DICOM ports in an hour (not the one that reached two); the five-host sweep (not the sweep split 3 + 2 by the hour)', async () => {
    expect(await alerts('rules/dicom-port-scan.yml')).toEqual([
      'dicom-host-sweep 11:00 198.51.100.77 count=5 value=5',
      'dicom-port-scan 10:00 203.0.113.66 count=5 value=4',
    ]);
  });

  it('dicom-alternate-ports: 11112, 2761, 2762, 4242 from outside, IPv6 included; never 104 (the reference rule has it)', async () => {
    expect(await alerts('rules/dicom-alternate-ports.yml')).toEqual([
      'dicom-alternate-ports 10:00 203.0.113.66 10.1.2.3 11112 count=2',
      'dicom-alternate-ports 10:00 203.0.113.66 10.1.2.3 2762 count=1',
      'dicom-alternate-ports 10:00 203.0.113.66 10.1.2.3 4242 count=1',
      'dicom-alternate-ports 10:00 203.0.113.67 10.1.2.3 2761 count=1',
      'dicom-alternate-ports 13:00 2001:db8:bad::1 fd00::5 11112 count=1',
    ]);
  });

  it('dicom-alternate-ports takes the site ports from --ports, still never 104', async () => {
    const withSitePort = await alerts('rules/dicom-alternate-ports.yml', ['--ports', '104,443']);
    expect(withSitePort).toContain('dicom-alternate-ports 13:00 192.0.2.52 10.1.2.3 443 count=1');
    expect(withSitePort.filter((a) => / 104 /.test(a))).toEqual([]);
  });

  it('dicom-outbound: internal hosts to external addresses (IPv6 too), not internal to internal', async () => {
    expect(await alerts('rules/dicom-outbound.yml')).toEqual([
      'dicom-outbound 12:00 10.1.2.3 203.0.113.200 count=2',
      'dicom-outbound 12:00 10.1.2.4 2001:db8:feed::1 count=1',
    ]);
  });

  it('dicom-exposed-server: allowed inbound only (the denied one and the allowed 443 are not)', async () => {
    expect(await alerts('rules/dicom-exposed-server.yml')).toEqual([
      'dicom-exposed-server 13:00 192.0.2.50 10.1.2.3 104 count=1',
      'dicom-exposed-server 13:00 2001:db8:bad::1 fd00::5 11112 count=1',
    ]);
  });

  it('scan without --rules runs the whole pack: every rule above plus the reference hunt', async () => {
    const all = await alerts();
    const rules = new Set(all.map((a) => a.split(' ')[0]));
    expect([...rules].sort()).toEqual(['dicom-alternate-ports', 'dicom-exposed-server', 'dicom-external-access', 'dicom-host-sweep', 'dicom-outbound', 'dicom-port-scan']);
    expect(all).toHaveLength(25);
  });
});

describe('KQL of every construct the engine runs passes Microsoft\'s parser', () => {
  const STRICT: NetworkPolicy = { semantics: 'strict', internal: [] };
  const DETECTIONS = `
title: A
name: rule_a
logsource: { category: firewall }
detection:
    sel: { dst_port: 104, src_ip|cidr: ['2001:db8::/32', 203.0.113.0/24] }
    filter_v6: { dst_ip|cidr: 'fd00::/8' }
    filter_dvc: { dvc|startswith: 'lab-' }
    condition: all of sel and not 1 of filter_*
---
title: B
name: rule_b
logsource: { category: firewall }
detection:
    port: { dst_port|gte: 11000, dst_port|lt: 12000 }
    text: { dvc|re|i: '^fw-[0-9]+$', protocol: 'tc?' }
    known: { src_port|exists: true }
    same: { src_port|fieldref: dst_port }
    condition: port and text and known and not same
---
title: E
name: rule_e
logsource: { category: firewall }
detection:
    sel: { dst_port|lte: 2000, dst_ip|startswith: '10.', src_port: null }
    condition: sel
`;
  const correlation = (body: string) => `${DETECTIONS}---\ntitle: C\nname: corr\ncorrelation:\n${body}\n`;
  const texts = [
    DETECTIONS, // per-event plans
    correlation('    type: temporal\n    rules: [rule_a, rule_b]\n    group-by: [src_ip]\n    timespan: 15m'),
    correlation('    type: temporal_ordered\n    rules: [rule_a, rule_b]\n    group-by: [src_ip, dst_ip]\n    timespan: 1h\n    condition: { gte: 2 }'),
    correlation('    type: value_count\n    rules: [rule_a, rule_b]\n    group-by: [src_ip]\n    timespan: 1h\n    condition: { field: dst_port, gte: 2, lt: 10 }'),
  ];
  for (const table of Object.values(KQL_TABLES)) {
    it(`${table.name}: zero diagnostics, or a refusal that names the table`, () => {
      let rendered = 0;
      for (const text of texts) {
        for (const plan of compileRules(parseSigmaText(text, 'kql.yml'), STRICT)) {
          let query: string;
          try {
            query = renderKql(plan, table);
          } catch (e) {
            expect(e).toBeInstanceOf(KqlEmitError);
            expect((e as Error).message).toContain(table.name);
            continue;
          }
          rendered++;
          expect(analyzeKql(query, table.name).diagnostics, query).toEqual([]);
        }
      }
      expect(rendered).toBeGreaterThan(0);
    });
  }

  it('temporal_ordered over three rules and aliases are refused, not approximated', () => {
    const three = `${DETECTIONS}---\ntitle: D\nname: rule_d\nlogsource: { category: firewall }\ndetection:\n    sel: { dst_port: 4242 }\n    condition: sel\n---\ntitle: C\nname: corr\ncorrelation:\n    type: temporal_ordered\n    rules: [rule_a, rule_b, rule_d]\n    group-by: [src_ip]\n    timespan: 1h\n`;
    const [plan] = compileRules(parseSigmaText(three, 'three.yml'), STRICT);
    expect(() => renderKql(plan!, KQL_TABLES._Im_NetworkSession!)).toThrow(/temporal_ordered over 3 rules has no faithful single-query KQL/);
  });
});
