import { beforeAll, describe, expect, it } from 'vitest';
import type { NetworkPolicy, Predicate, QueryPlan } from '../src/rules/plan.js';
import { KqlEmitError, renderKql, renderKqlRules } from '../src/emit/kql/render.js';
import { KQL_TABLES, kqlTable, type KqlTableProfile } from '../src/emit/kql/tables.js';
import { CidrSet } from '../src/net/cidr.js';
import { createClassifier } from '../src/net/classify.js';
import { analyzeKql, readKqlSchema } from './helpers/kusto.js';
import { ADVISORY_KQL } from './helpers/advisory.js';

// ---------------------------------------------------------------------------------------------------------------
// Plans are built by hand (the rules compiler is separate); they follow src/rules/plan.ts.
// ---------------------------------------------------------------------------------------------------------------
const ADVISORY = ADVISORY_KQL;

const RESULT_COLUMNS = ['SourceIP:string', 'DestinationIP:string', 'TimeGenerated:datetime', 'count_:long'];

const dstPort = (...values: (number | string)[]): Predicate => ({ kind: 'equals', field: 'dstPort', values });
const external: Predicate = { kind: 'not', item: { kind: 'internal', field: 'srcIp' } };
const allow = (...cidrs: string[]): Predicate => ({ kind: 'not', item: { kind: 'cidr', field: 'srcIp', cidrs } });

function plan(over: Partial<QueryPlan> = {}, network: Partial<NetworkPolicy> = {}): QueryPlan {
  const p: Omit<QueryPlan, 'sources'> = {
    rule: {
      name: 'dicom-external-access',
      id: '7f3c2a1e-0000-4000-8000-000000000104',
      title: 'DICOM service reached from an external address',
      level: 'high',
      file: 'rules/dicom-external-access.yml',
    },
    filter: { kind: 'and', items: [dstPort(104), external] },
    groupBy: ['srcIp', 'dstIp'],
    binMs: 3_600_000,
    aggregate: { kind: 'count' },
    threshold: { op: 'gte', value: 1 },
    ...over,
    network: { semantics: 'kql', internal: [], ...over.network, ...network },
  };
  // the renderer writes `filter`; a plan also names its sources (one here, the plan's filter)
  return { sources: [{ rule: { name: p.rule.name, file: p.rule.file }, filter: p.filter }], ...p };
}

const NE = kqlTable('NetworkEvent');

/** The query must pass Microsoft's parser + analyzers + KQLCHECK001 with no diagnostic at all. */
function expectValid(query: string, schema = 'NetworkEvent', columns: string[] | null = RESULT_COLUMNS): void {
  const r = analyzeKql(query, schema);
  expect(r.diagnostics, query).toEqual([]);
  if (columns) expect(r.resultColumns, query).toEqual(columns);
}

beforeAll(() => {
  analyzeKql('print 1', 'NetworkEvent'); // load Kusto.Language once, outside the first test's clock
});

// ---------------------------------------------------------------------------------------------------------------
describe('the oracle (test/helpers/kusto.ts) really catches errors', () => {
  it('the advisory query itself is clean, with the promised result columns', () => {
    expectValid(ADVISORY);
  });

  it('a typo in a column name is KS142', () => {
    const r = analyzeKql(ADVISORY.replace('DeviceName,', 'DevicName,'), 'NetworkEvent');
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'Error', code: 'KS142', line: 5, col: 51 }),
    );
  });

  it('an unknown table is KS204', () => {
    const r = analyzeKql(ADVISORY.replace('NetworkEvent\n', 'NetworkEvents\n'), 'NetworkEvent');
    expect(r.diagnostics.map((d) => d.code)).toContain('KS204');
  });

  it('a port compared with a string is KQLCHECK001 (which Kusto.Language 12.4.1 alone accepts)', () => {
    const bad = ADVISORY.replace('let DICOMPort = 104;', 'let DICOMPort = "104";');
    expect(analyzeKql(bad, 'NetworkEvent', { extra: false }).diagnostics).toEqual([]);
    expect(analyzeKql(bad, 'NetworkEvent').diagnostics).toContainEqual(
      expect.objectContaining({ code: 'KQLCHECK001', line: 3 }),
    );
    const inList = 'NetworkEvent\n| where DestinationPort in ("104", "11112")';
    expect(analyzeKql(inList, 'NetworkEvent').diagnostics.map((d) => d.code)).toEqual(['KQLCHECK001', 'KQLCHECK001']);
  });

  it('analyzer hints count too (KS502: isnotnull on a string)', () => {
    const r = analyzeKql('NetworkEvent\n| where isnotnull(parse_ipv6(SourceIP))', 'NetworkEvent');
    expect(r.diagnostics.map((d) => d.code)).toContain('KS502');
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('renderKql on NetworkEvent, kql semantics', () => {
  it('the default rule reproduces the advisory query byte for byte', () => {
    expect(renderKql(plan(), NE)).toBe(ADVISORY);
  });

  it('several ports become a dynamic list', () => {
    const q = renderKql(plan({ filter: { kind: 'and', items: [dstPort(104, 11112), external] } }), NE);
    expect(q).toBe(ADVISORY.replace('let DICOMPort = 104;', 'let DICOMPorts = dynamic([104, 11112]);')
      .replace('DestinationPort == DICOMPort', 'DestinationPort in (DICOMPorts)'));
    expectValid(q);
  });

  it('--internal IPv4 CIDRs add a second line; IPv6 CIDRs and RFC 1918 repeats have no effect', () => {
    const q = renderKql(plan({}, { internal: ['100.64.0.0/10', '10.0.0.0/8', '2001:db8:1::/48', '198.18.0.0/15'] }), NE);
    expect(q).toBe(`let DICOMPort = 104;
let InternalV4 = dynamic(["100.64.0.0/10", "198.18.0.0/15"]);
NetworkEvent
| where DestinationPort == DICOMPort
| where ipv4_is_private(SourceIP) == false
| where ipv4_is_in_any_range(SourceIP, InternalV4) == false
| project TimeGenerated, SourceIP, DestinationIP, DeviceName, OriginalProtocol
| summarize count() by SourceIP, DestinationIP, bin(TimeGenerated, 1h)
| order by count_ desc`);
    expectValid(q);
    expect(renderKql(plan({}, { internal: ['2001:db8:1::/48', '192.168.0.0/16'] }), NE)).toBe(ADVISORY);
  });

  it('an IPv4 allowlist: IPv6 sources are not on it (and the kql-mode line already drops them)', () => {
    const q = renderKql(plan({ filter: { kind: 'and', items: [dstPort(104), external, allow('198.51.100.0/24')] } }), NE);
    expect(q.split('\n')[4]).toBe(
      '| where iff(isnotnull(parse_ipv4(SourceIP)), ipv4_is_in_any_range(SourceIP, dynamic(["198.51.100.0/24"])) == false, isnotempty(parse_ipv6(SourceIP)))',
    );
    expectValid(q);
  });
});

// ---------------------------------------------------------------------------------------------------------------
const STRICT_DEFAULT = `let DICOMPort = 104;
let InternalV4 = dynamic(["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "255.255.255.255/32"]);
let InternalV6 = dynamic(["::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "::ffff:0:0/104", "::/104", "::ffff:a00:0/104", "::a00:0/104", "::ffff:6440:0/106", "::6440:0/106", "::ffff:7f00:0/104", "::7f00:0/104", "::ffff:a9fe:0/112", "::a9fe:0/112", "::ffff:ac10:0/108", "::ac10:0/108", "::ffff:c0a8:0/112", "::c0a8:0/112", "::ffff:e000:0/100", "::e000:0/100", "::ffff:ffff:ffff/128", "::ffff:ffff/128"]);
NetworkEvent
| where DestinationPort == DICOMPort
| where iff(isnotnull(parse_ipv4(SourceIP)), ipv4_is_in_any_range(SourceIP, InternalV4) == false, ipv6_is_in_any_range(SourceIP, InternalV6) == false)
| project TimeGenerated, SourceIP, DestinationIP, DeviceName, OriginalProtocol
| summarize count() by SourceIP, DestinationIP, bin(TimeGenerated, 1h)
| order by count_ desc`;

describe('renderKql on NetworkEvent, strict semantics', () => {
  it('default rule: IPv4 and IPv6 sources are both judged, mapped/compatible forms of every internal IPv4 range included', () => {
    const q = renderKql(plan({}, { semantics: 'strict' }), NE);
    expect(q).toBe(STRICT_DEFAULT);
    expectValid(q);
  });

  it('v4+v6 --internal CIDRs and a mixed allowlist', () => {
    const q = renderKql(
      plan(
        { filter: { kind: 'and', items: [dstPort(104, 2761, 2762, 11112), external, allow('198.51.100.0/24', '2001:db8:beef::/48')] } },
        { semantics: 'strict', internal: ['10.20.0.0/16', '2001:db8:1::/48', '10.0.0.0/8'] },
      ),
      NE,
    );
    const lines = q.split('\n');
    expect(lines[0]).toBe('let DICOMPorts = dynamic([104, 2761, 2762, 11112]);');
    expect(lines[1]).toBe(
      'let InternalV4 = dynamic(["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "255.255.255.255/32", "10.20.0.0/16"]);',
    );
    expect(lines[2]).toMatch(/^let InternalV6 = dynamic\(\["::\/128", .*"2001:db8:1::\/48", .*"::ffff:a14:0\/112", "::a14:0\/112"\]\);$/);
    expect(lines.slice(3)).toEqual([
      'NetworkEvent',
      '| where DestinationPort in (DICOMPorts)',
      '| where iff(isnotnull(parse_ipv4(SourceIP)), ipv4_is_in_any_range(SourceIP, InternalV4) == false, ipv6_is_in_any_range(SourceIP, InternalV6) == false)',
      '| where iff(isnotnull(parse_ipv4(SourceIP)), ipv4_is_in_any_range(SourceIP, dynamic(["198.51.100.0/24"])) == false, ipv6_is_in_any_range(SourceIP, dynamic(["2001:db8:beef::/48", "::ffff:c633:6400/120", "::c633:6400/120"])) == false)',
      '| project TimeGenerated, SourceIP, DestinationIP, DeviceName, OriginalProtocol',
      '| summarize count() by SourceIP, DestinationIP, bin(TimeGenerated, 1h)',
      '| order by count_ desc',
    ]);
    expectValid(q);
  });

  it('an IPv6-only allowlist never consults IPv6 ranges for an IPv4 source', () => {
    const q = renderKql(plan({ filter: { kind: 'and', items: [dstPort(104), external, allow('2001:db8::/32')] } }, { semantics: 'strict' }), NE);
    expect(q).toContain(
      '| where iff(isnotnull(parse_ipv4(SourceIP)), true, ipv6_is_in_any_range(SourceIP, dynamic(["2001:db8::/32"])) == false)',
    );
    expectValid(q);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('aggregation: threshold, bin, group keys', () => {
  it('a custom threshold and a 30m bin', () => {
    const q = renderKql(plan({ binMs: 30 * 60_000, threshold: { op: 'gt', value: 10 } }), NE);
    expect(q.split('\n').slice(-3)).toEqual([
      '| summarize count() by SourceIP, DestinationIP, bin(TimeGenerated, 30m)',
      '| where count_ > 10',
      '| order by count_ desc',
    ]);
    expectValid(q);
  });

  it.each([
    [86_400_000, '1d'], [3_600_000, '1h'], [2 * 3_600_000, '2h'], [90 * 60_000, '90m'], [15_000, '15s'],
    [1_500, '1500ms'], [7 * 86_400_000, '7d'],
  ])('binMs %i → %s', (binMs, literal) => {
    const q = renderKql(plan({ binMs }), NE);
    expect(q).toContain(`bin(TimeGenerated, ${literal})`);
    expectValid(q);
  });

  it.each([
    ['gte', 5, '>= 5'], ['gt', 1, '> 1'], ['lte', 3, '<= 3'], ['lt', 100, '< 100'], ['eq', 2, '== 2'], ['neq', 1, '!= 1'],
    ['gte', 0, '>= 0'],
  ] as const)('threshold %s %i', (op, value, text) => {
    const q = renderKql(plan({ threshold: { op, value } }), NE);
    expect(q).toContain(`\n| where count_ ${text}\n| order by count_ desc`);
    expectValid(q);
  });

  it('group keys follow plan order; a key the project line lacks is appended to it', () => {
    const q = renderKql(plan({ groupBy: ['dstIp', 'srcIp', 'dstPort'] }), NE);
    expect(q).toContain('| project TimeGenerated, SourceIP, DestinationIP, DeviceName, OriginalProtocol, DestinationPort\n');
    expect(q).toContain('| summarize count() by DestinationIP, SourceIP, DestinationPort, bin(TimeGenerated, 1h)\n');
    expectValid(q, 'NetworkEvent', [
      'DestinationIP:string', 'SourceIP:string', 'DestinationPort:int', 'TimeGenerated:datetime', 'count_:long',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('filter rendering: equals, nesting, escaping', () => {
  it('string equals are case-insensitive (=~, in~), numeric ones are not quoted (==, in)', () => {
    const q = renderKql(
      plan({
        filter: {
          kind: 'and',
          items: [
            dstPort(104),
            { kind: 'equals', field: 'protocol', values: ['tcp'] },
            { kind: 'equals', field: 'device', values: ['fw01', 'fw02', 'fw01'] },
            { kind: 'not', item: { kind: 'equals', field: 'dstPort', values: [80, '443'] } },
            { kind: 'not', item: { kind: 'equals', field: 'device', values: ['lab-fw'] } },
            external,
          ],
        },
      }),
      NE,
    );
    expect(q.split('\n').slice(2, 8)).toEqual([
      '| where DestinationPort == DICOMPort',
      '| where OriginalProtocol =~ "tcp"',
      '| where DeviceName in~ ("fw01", "fw02")',
      '| where DestinationPort !in (80, 443)',
      '| where DeviceName !~ "lab-fw"',
      '| where ipv4_is_private(SourceIP) == false',
    ]);
    expectValid(q);
  });

  it('and/or/not nest with parentheses and negations are pushed to the leaves (no not() over a possible null)', () => {
    const q = renderKql(
      plan({
        filter: {
          kind: 'and',
          items: [
            { kind: 'or', items: [dstPort(104), { kind: 'and', items: [dstPort(11112), { kind: 'equals', field: 'protocol', values: ['tcp'] }] }] },
            {
              kind: 'not',
              item: {
                kind: 'or',
                items: [
                  { kind: 'internal', field: 'srcIp' },
                  { kind: 'and', items: [{ kind: 'equals', field: 'device', values: ['lab'] }, { kind: 'cidr', field: 'dstIp', cidrs: ['10.9.0.0/16'] }] },
                ],
              },
            },
          ],
        },
      }),
      NE,
    );
    expect(q.split('\n').slice(0, 5)).toEqual([
      'NetworkEvent',
      '| where DestinationPort == 104 or (DestinationPort == 11112 and OriginalProtocol =~ "tcp")',
      '| where ipv4_is_private(SourceIP) == false',
      '| where DeviceName !~ "lab" or iff(isnotnull(parse_ipv4(DestinationIP)), ipv4_is_in_any_range(DestinationIP, dynamic(["10.9.0.0/16"])) == false, isnotempty(parse_ipv6(DestinationIP)))',
      '| project TimeGenerated, SourceIP, DestinationIP, DeviceName, OriginalProtocol',
    ]);
    expectValid(q);
  });

  it('a not(or) inside an or keeps its own parentheses', () => {
    const q = renderKql(
      plan({
        filter: {
          kind: 'or',
          items: [
            { kind: 'and', items: [dstPort(104), external] },
            { kind: 'not', item: { kind: 'or', items: [dstPort(1, 2), { kind: 'equals', field: 'device', values: ['x'] }] } },
          ],
        },
      }),
      NE,
    );
    expect(q.split('\n')[1]).toBe(
      '| where (DestinationPort == 104 and ipv4_is_private(SourceIP) == false) or (DestinationPort !in (1, 2) and DeviceName !~ "x")',
    );
    expectValid(q);
  });

  it('string values are escaped, never pasted', () => {
    const value = 'a"b\\c\'d\te|f // g';
    const q = renderKql(plan({ filter: { kind: 'and', items: [dstPort(104), { kind: 'equals', field: 'device', values: [value] }] } }), NE);
    expect(q).toContain('| where DeviceName =~ "a\\"b\\\\c\'d\\te|f // g"\n');
    expectValid(q);
  });

  it('a control character in a value is refused', () => {
    expect(() =>
      renderKql(plan({ filter: { kind: 'equals', field: 'device', values: ['a\u0000b'] } }), NE),
    ).toThrow(/rule 'dicom-external-access'.*control character/);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('clear errors', () => {
  it('a field the table lacks names the rule, the field and the table', () => {
    const p = plan({ filter: { kind: 'and', items: [dstPort(104), { kind: 'equals', field: 'srcPort', values: [4242] }, external] } });
    let err: unknown;
    try {
      renderKql(p, NE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KqlEmitError);
    expect((err as KqlEmitError).message).toBe(
      "rule 'dicom-external-access' (rules/dicom-external-access.yml): field 'srcPort' (used in equals(srcPort)) is not " +
        "available in KQL table 'NetworkEvent' (it has: srcIp, dstIp, dstPort, protocol, device)",
    );
    expect(err).toMatchObject({ rule: 'dicom-external-access', field: 'srcPort', table: 'NetworkEvent' });
    expect(() => renderKql(plan({ groupBy: ['srcIp', 'action'] }), NE)).toThrow(/field 'action' \(used in group-by\).*'NetworkEvent'/);
    expect(() => renderKql(plan({ filter: { kind: 'equals', field: 'action', values: ['deny'] } }), NE)).toThrow(/field 'action'/);
  });

  it.each([
    [Number.NaN], [Number.POSITIVE_INFINITY], [1.5], [70_000], [-1], ['104abc'], ['1e3'], [''],
  ])('port value %s is refused', (bad) => {
    expect(() => renderKql(plan({ filter: { kind: 'and', items: [dstPort(104, bad), external] } }), NE)).toThrow(
      /rule 'dicom-external-access'.*equals\(dstPort\)/,
    );
  });

  it.each([['10.0.0.0/33'], ['10.0.0/8'], ['not-a-cidr'], ['fe80::/129'], ['10.0.0.0/8"); print("x']])(
    'CIDR %s is refused in an allowlist and in --internal',
    (bad) => {
      expect(() => renderKql(plan({ filter: { kind: 'and', items: [dstPort(104), allow(bad)] } }), NE)).toThrow(
        /rule 'dicom-external-access'.*invalid CIDR/,
      );
      for (const semantics of ['kql', 'strict'] as const) {
        expect(() => renderKql(plan({}, { semantics, internal: [bad] }), NE)).toThrow(/invalid CIDR/);
      }
    },
  );

  it('bad bin widths and thresholds are refused', () => {
    for (const binMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => renderKql(plan({ binMs }), NE)).toThrow(/timespan/);
    }
    expect(() => renderKql(plan({ threshold: { op: 'gte', value: Number.NaN } }), NE)).toThrow(/threshold/);
    expect(() => renderKql(plan({ threshold: { op: 'gte', value: 2.5 } }), NE)).toThrow(/threshold/);
  });

  it('an unknown table lists the known ones', () => {
    expect(() => kqlTable('NetworkEvents')).toThrow("unknown KQL table 'NetworkEvents'; known tables: NetworkEvent");
    expect(kqlTable('networkevent')).toBe(NE);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('renderKqlRules', () => {
  it('one commented query per rule, blank-line separated, each parsing on its own with its own lets', () => {
    const second = plan({
      rule: { name: 'dicom-burst', title: 'DICOM burst\nfrom one source', level: 'medium', file: 'rules/burst.yml' },
      filter: { kind: 'and', items: [dstPort(104, 11112), external] },
      threshold: { op: 'gte', value: 20 },
      binMs: 15 * 60_000,
    });
    const text = renderKqlRules([plan(), second], NE);
    const chunks = text.split('\n\n');
    expect(chunks).toHaveLength(2);
    expect(chunks[0]).toBe(`// DICOM service reached from an external address (dicom-external-access)\n${ADVISORY}`);
    expect(chunks[1]!.split('\n')[0]).toBe('// DICOM burst from one source (dicom-burst)');
    expect(chunks[1]).toContain('\nlet DICOMPorts = dynamic([104, 11112]);\n');
    for (const chunk of chunks) expectValid(chunk);
    expect(renderKqlRules([], NE)).toBe('');
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('profiles are data', () => {
  it.each(Object.values(KQL_TABLES))('$name: every profile column exists in the schema with the same type', (profile) => {
    const schema = readKqlSchema(profile.name);
    const cols = new Map((schema.tables ?? []).flatMap((t) => t.columns).map((c) => [c.name, c.type]));
    for (const col of [profile.time, ...Object.values(profile.columns)]) expect(cols.get(col!.name), col!.name).toBe(col!.type);
    for (const name of profile.project ?? []) expect(cols.has(name), name).toBe(true);
  });

  // Not shipped in this change: sketches showing that the other tables the CLI will support fit the profile shape
  // (renamed output columns, fixed pre-filters, a function source, a numeric protocol column), checked against
  // Microsoft's column lists.
  const AWS: KqlTableProfile = {
    name: 'AWSVPCFlow',
    description: 'AWS VPC flow logs',
    source: 'AWSVPCFlow',
    time: { name: 'TimeGenerated', type: 'datetime' },
    columns: {
      srcIp: { name: 'SrcAddr', type: 'string' },
      dstIp: { name: 'DstAddr', type: 'string' },
      srcPort: { name: 'SrcPort', type: 'int' },
      dstPort: { name: 'DstPort', type: 'int' },
      protocol: { name: 'Protocol', type: 'int', values: { tcp: 6, udp: 17 } },
      action: { name: 'Action', type: 'string', values: { allow: 'ACCEPT', deny: 'REJECT' } },
    },
  };
  const MDE: KqlTableProfile = {
    name: 'DeviceNetworkEvents',
    description: 'Defender for Endpoint: inbound connections (the external peer is RemoteIP)',
    source: 'DeviceNetworkEvents',
    preFilters: ['ActionType in ("InboundConnectionAccepted", "ConnectionAttempt", "ConnectionFailed")'],
    time: { name: 'TimeGenerated', type: 'datetime' },
    columns: {
      srcIp: { name: 'RemoteIP', type: 'string' },
      dstIp: { name: 'LocalIP', type: 'string' },
      srcPort: { name: 'RemotePort', type: 'int' },
      dstPort: { name: 'LocalPort', type: 'int' },
      protocol: { name: 'Protocol', type: 'string' },
      device: { name: 'DeviceName', type: 'string' },
    },
    project: ['TimeGenerated', 'RemoteIP', 'LocalIP', 'DeviceName', 'Protocol'],
  };
  const ASIM: KqlTableProfile = {
    name: '_Im_NetworkSession',
    description: 'ASIM network sessions',
    source: '_Im_NetworkSession(starttime = ago(1d), endtime = now())',
    time: { name: 'TimeGenerated', type: 'datetime' },
    columns: {
      srcIp: { name: 'SrcIpAddr', type: 'string' },
      dstIp: { name: 'DstIpAddr', type: 'string' },
      dstPort: { name: 'DstPortNumber', type: 'int' },
      action: { name: 'DvcAction', type: 'string' },
    },
  };
  const CEF: KqlTableProfile = {
    name: 'CommonSecurityLog',
    description: 'CEF firewalls',
    source: 'CommonSecurityLog',
    time: { name: 'TimeGenerated', type: 'datetime' },
    columns: {
      srcIp: { name: 'SourceIP', type: 'string' },
      dstIp: { name: 'DestinationIP', type: 'string' },
      dstPort: { name: 'DestinationPort', type: 'int' },
      action: { name: 'DeviceAction', type: 'string' },
    },
  };

  it('AWSVPCFlow: renamed output columns, numeric protocol values translated', () => {
    const q = renderKql(
      plan({ filter: { kind: 'and', items: [dstPort(104), { kind: 'equals', field: 'protocol', values: ['tcp'] }, { kind: 'equals', field: 'action', values: ['allow', 'deny'] }, external] } }, { semantics: 'strict' }),
      AWS,
    );
    expect(q).toContain('\n| where Protocol == 6\n| where Action in~ ("ACCEPT", "REJECT")\n');
    expect(q).toContain('| summarize count() by SourceIP = SrcAddr, DestinationIP = DstAddr, bin(TimeGenerated, 1h)');
    expectValid(q, 'AWSVPCFlow');
    expect(() => renderKql(plan({ filter: { kind: 'equals', field: 'protocol', values: ['sctp'] } }), AWS)).toThrow(
      /value "sctp" of equals\(protocol\): column Protocol of 'AWSVPCFlow' has no equivalent \(known: tcp, udp\)/,
    );
  });

  it('DeviceNetworkEvents: a fixed pre-filter, inbound direction, project of source names', () => {
    const q = renderKql(plan({}, { semantics: 'strict' }), MDE);
    expect(q).toContain(
      'DeviceNetworkEvents\n| where ActionType in ("InboundConnectionAccepted", "ConnectionAttempt", "ConnectionFailed")\n| where LocalPort == DICOMPort\n',
    );
    expect(q).toContain('| project TimeGenerated, RemoteIP, LocalIP, DeviceName, Protocol\n| summarize count() by SourceIP = RemoteIP, DestinationIP = LocalIP, bin(TimeGenerated, 1h)');
    expectValid(q, 'DeviceNetworkEvents');
  });

  it('_Im_NetworkSession: a function with parameters as the source', () => {
    const q = renderKql(plan({}, { semantics: 'kql', internal: ['100.64.0.0/10'] }), ASIM);
    expect(q).toContain('\n_Im_NetworkSession(starttime = ago(1d), endtime = now())\n| where DstPortNumber == DICOMPort\n');
    expectValid(q, '_Im_NetworkSession');
  });

  it('CommonSecurityLog: action equals on a string column', () => {
    const q = renderKql(
      plan({ filter: { kind: 'and', items: [dstPort(104), external, { kind: 'not', item: { kind: 'equals', field: 'action', values: ['deny', 'drop'] } }] } }),
      CEF,
    );
    expect(q).toContain('\n| where DeviceAction !in~ ("deny", "drop")\n');
    expectValid(q, 'CommonSecurityLog');
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Semantics without running Kusto. For each sample source, how the emitted default-rule KQL judges "internal",
// derived from Microsoft's documented function behaviour (see the header of src/emit/kql/render.ts):
//
//   kql:    ipv4_is_private(SourceIP)                   true/false for IPv4, null for anything else
//   strict: iff(isnotnull(parse_ipv4(SourceIP)),       IPv4 → the IPv4 list, everything else → the IPv6 list
//               ipv4_is_in_any_range(SourceIP, InternalV4), ipv6_is_in_any_range(SourceIP, InternalV6))
//
//   source            kql    strict  why
//   10.1.2.3          true   true    RFC 1918 (10/8)
//   172.32.0.1        false  false   just outside 172.16/12
//   100.64.0.1        false  true    CGNAT: not private for ipv4_is_private, internal (100.64/10) in strict
//   ::ffff:10.0.0.1   null   true    not an IPv4 string; strict: in ::ffff:a00:0/104, the mapped form of 10/8
//   2001:db8::1       null   false   documentation range: external in strict
//   fd00::1           null   true    ULA fc00::/7
//   203.0.113.7       false  false   TEST-NET-3: external
//
// The row is kept when the source is external, i.e. when the emitted `... == false` line is true: for a null it is
// false (null == false is false), so null rows drop, as the engine's null does. createClassifier must agree.
// ---------------------------------------------------------------------------------------------------------------
describe('emitted KQL and createClassifier decide alike', () => {
  const SAMPLES: [string, boolean | null, boolean][] = [
    ['10.1.2.3', true, true],
    ['172.32.0.1', false, false],
    ['100.64.0.1', false, true],
    ['::ffff:10.0.0.1', null, true],
    ['2001:db8::1', null, false],
    ['fd00::1', null, true],
    ['203.0.113.7', false, false],
  ];

  it.each(SAMPLES)('%s: kql-mode internal = %s, strict-mode internal = %s', (ip, kql, strict) => {
    expect(createClassifier({ semantics: 'kql', internal: [] }).isInternal(ip)).toBe(kql);
    expect(createClassifier({ semantics: 'strict', internal: [] }).isInternal(ip)).toBe(strict);
    expect(createClassifier({ semantics: 'strict', internal: [] }).isExternal(ip)).toBe(!strict);
  });

  // The strict query's range lists, evaluated mechanically: parse_ipv4 modelled as "is a dotted quad" (Kusto
  // documents null for anything else), ipv4_is_in_any_range / ipv6_is_in_any_range as CIDR membership. This checks
  // the emitted lists themselves (e.g. the hexadecimal IPv4-mapped forms) against the classifier, with and without
  // user CIDRs.
  function strictModel(query: string): (ip: string) => boolean {
    const list = (name: string) => {
      const m = new RegExp(`^let ${name} = dynamic\\((\\[.*\\])\\);$`, 'm').exec(query);
      if (!m) throw new Error(`no let ${name}`);
      return new CidrSet(JSON.parse(m[1]!) as string[]);
    };
    const v4 = list('InternalV4');
    const v6 = list('InternalV6');
    return (ip) => (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip) ? v4.has(ip) : v6.has(ip));
  }

  it.each([[[] as string[]], [['198.51.100.0/24', '2001:db8:1::/48', '10.0.0.0/8']]])(
    'strict lists with --internal %j',
    (internal) => {
      const internalOf = strictModel(renderKql(plan({}, { semantics: 'strict', internal }), NE));
      const classifier = createClassifier({ semantics: 'strict', internal });
      const extra = ['::ffff:198.51.100.9', '::198.51.100.9', '198.51.100.9', '2001:db8:1::5', '::1', '::', '::ffff:8.8.8.8',
        '::8.8.8.8', '255.255.255.255', '::ffff:255.255.255.255', 'fe80::1', 'ff02::1', '0.1.2.3', '224.0.0.1'];
      for (const ip of [...SAMPLES.map((s) => s[0]), ...extra]) expect(internalOf(ip), ip).toBe(classifier.isInternal(ip));
    },
  );
});
