import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NetworkPolicy, Predicate, QueryPlan } from '../src/rules/plan.js';
import { KqlEmitError, renderKql, renderKqlRules } from '../src/emit/kql/render.js';
import { pascalCase, portLetName } from '../src/emit/kql/names.js';
import { KQL_TABLES, kqlReservedNames, kqlTable, type KqlTableProfile } from '../src/emit/kql/tables.js';
import { ACTION_SPELLINGS, PROTOCOL_ALIASES, protocolSpellings } from '../src/emit/kql/vocabulary.js';
import { normalizeAction } from '../src/model/action.js';
import { ianaProtocol, normalizeProtocol } from '../src/model/protocol.js';
import { compileRules } from '../src/rules/compile.js';
import { DEFAULT_RULES_PATH, loadRules } from '../src/rules/load.js';
import { parseSigmaText } from '../src/rules/sigma.js';
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
/** Strict semantics group by canonical address keys; the output columns are the advisory's. */
const STRICT_SUMMARIZE = `| extend SourceIPKey = iff(isnotnull(parse_ipv4(SourceIP)), SourceIP, coalesce(parse_ipv6(SourceIP), SourceIP))
| extend DestinationIPKey = iff(isnotnull(parse_ipv4(DestinationIP)), DestinationIP, coalesce(parse_ipv6(DestinationIP), DestinationIP))
| summarize count_ = count(), SourceIP = min(tolower(SourceIP)), DestinationIP = min(tolower(DestinationIP)) by SourceIPKey, DestinationIPKey, bin(TimeGenerated, 1h)
| project SourceIP, DestinationIP, TimeGenerated, count_`;

const STRICT_DEFAULT = `let DICOMPort = 104;
let InternalV4 = dynamic(["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/4", "255.255.255.255/32"]);
let InternalV6 = dynamic(["::/128", "::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "::ffff:0:0/104", "::/104", "::ffff:a00:0/104", "::a00:0/104", "::ffff:6440:0/106", "::6440:0/106", "::ffff:7f00:0/104", "::7f00:0/104", "::ffff:a9fe:0/112", "::a9fe:0/112", "::ffff:ac10:0/108", "::ac10:0/108", "::ffff:c0a8:0/112", "::c0a8:0/112", "::ffff:e000:0/100", "::e000:0/100", "::ffff:ffff:ffff/128", "::ffff:ffff/128"]);
NetworkEvent
| where DestinationPort == DICOMPort
| where iff(isnotnull(parse_ipv4(SourceIP)), ipv4_is_in_any_range(SourceIP, InternalV4) == false, ipv6_is_in_any_range(SourceIP, InternalV6) == false)
| project TimeGenerated, SourceIP, DestinationIP, DeviceName, OriginalProtocol
${STRICT_SUMMARIZE}
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
      ...STRICT_SUMMARIZE.split('\n'),
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
      '| where OriginalProtocol in~ ("tcp", "6")',
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
      '| where DestinationPort == 104 or (DestinationPort == 11112 and OriginalProtocol in~ ("tcp", "6"))',
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
    expect(() => kqlTable('NetworkEvents')).toThrow(
      "unknown KQL table 'NetworkEvents'; known tables: AWSVPCFlow, AZFWNetworkRule, CommonSecurityLog, DeviceNetworkEvents, NetworkEvent, _Im_NetworkSession",
    );
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
  it.each(Object.values(KQL_TABLES))('$name: every source column exists in the schema with the same type', (profile) => {
    const schema = readKqlSchema(profile.name);
    const cols = new Map(
      [...(schema.tables ?? []), ...(schema.functions ?? [])].flatMap((t) => t.columns ?? []).map((c) => [c.name, c.type]),
    );
    expect(cols.size, profile.name).toBeGreaterThan(0);
    for (const col of [profile.time, ...Object.values(profile.columns)]) {
      // a computed column may take a new name (CommonSecurityLog `Action`); one that replaces a column keeps its type
      if (col!.compute === undefined || cols.has(col!.name)) expect(cols.get(col!.name), col!.name).toBe(col!.type);
    }
    for (const name of profile.project ?? []) expect(cols.has(name), name).toBe(true);
  });

  it('the renderer names no table and no column: every one comes from a profile', () => {
    const source = readFileSync(new URL('../src/emit/kql/render.ts', import.meta.url), 'utf8');
    const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
    const names = new Set<string>();
    for (const p of Object.values(KQL_TABLES)) {
      names.add(p.source);
      for (const c of [p.time, ...Object.values(p.columns)]) names.add(c!.name);
    }
    // output names (SourceIP, TimeGenerated…) are the CLI contract's, read from KQL_OUTPUT_NAMES / KQL_TIME_OUTPUT
    for (const name of names) expect(code, name).not.toMatch(new RegExp(`['"\`]${name}['"\`]`));
  });

  it('action spellings of each profile normalise to the value they stand for, as the engine reads that column', () => {
    // DeviceNetworkEvents' ActionType is no action word: InboundConnectionAccepted is what `allow` means there
    // (the table logs the device accepting a connection); the engine does not read MDE exports.
    const notEngineWords = new Set(['DeviceNetworkEvents']);
    for (const profile of Object.values(KQL_TABLES)) {
      const values = profile.columns.action?.values;
      if (values === undefined || notEngineWords.has(profile.name)) continue;
      for (const [action, spellings] of Object.entries(values)) {
        for (const s of spellings) expect(normalizeAction(String(s)), `${profile.name}: ${String(s)}`).toBe(action);
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('vocabulary: the spellings the engine normalises, and only those', () => {
  it('every protocol alias maps to its keyword; spellings of a keyword normalise back to it', () => {
    for (const [keyword, aliases] of Object.entries(PROTOCOL_ALIASES)) {
      for (const a of aliases) expect(ianaProtocol(a), a).toBe(keyword);
      for (const s of protocolSpellings(keyword)) expect(normalizeProtocol(s), s).toBe(keyword);
    }
    expect(protocolSpellings('tcp')).toEqual(['tcp', '6']);
    expect(protocolSpellings('ipv6-icmp')).toEqual(['ipv6-icmp', '58', 'icmpv6', 'icmp6', 'icmp-v6', 'ipv6icmp']);
    expect(protocolSpellings('253')).toEqual(['253']);
  });

  it('every action spelling normalises to its action, and no word of the model is missing', () => {
    for (const [action, words] of Object.entries(ACTION_SPELLINGS)) {
      for (const w of words) expect(normalizeAction(w), w).toBe(action);
    }
    // the model's own table, read from its source (it is private there): each word must be listed for its action
    const model = readFileSync(new URL('../src/model/action.ts', import.meta.url), 'utf8');
    const table = /const ACTION_WORDS[^{]*\{([\s\S]*?)\};/.exec(model)![1]!;
    const entries = [...table.matchAll(/'?([a-z][a-z-]*)'?: '(allow|deny|drop|reset)'/g)];
    expect(entries.length).toBeGreaterThan(20);
    for (const [, word, action] of entries) expect(ACTION_SPELLINGS[action!], word).toContain(word);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Every table × semantics × rule: Microsoft's parser with zero diagnostics; the reference rule's result columns are
// the CLI contract's on every table.
// ---------------------------------------------------------------------------------------------------------------
const TEST_RULES = `
title: SMB From Outside
name: smb-external-access
logsource: { category: firewall }
detection:
    selection: { dst_port: 445, protocol: tcp }
    filter_internal: { src_ip|expand: '%internal_networks%' }
    condition: selection and not filter_internal
---
title: DICOM Ports Denied
name: dicom_denied
logsource: { category: firewall }
detection:
    selection: { dst_port: [104, 11112], action: [deny, drop] }
    trusted: { src_ip|cidr: [198.51.100.0/24, '2001:db8:beef::/48'] }
    condition: selection and not trusted
---
title: One Host
name: one_host
logsource: { category: firewall }
detection:
    selection: { dst_ip: ['10.1.2.3', '2001:DB8::5', '::ffff:10.9.9.9'], src_port: 4242 }
    condition: selection
---
title: UDP Or ICMPv6
name: udp-or-icmpv6
logsource: { category: firewall }
detection:
    udp: { protocol: udp, dst_port: 104 }
    icmp: { protocol: icmpv6 }
    condition: udp or icmp
`;

async function renderablePlans(semantics: 'strict' | 'kql'): Promise<QueryPlan[]> {
  const network: NetworkPolicy = { semantics, internal: [] };
  const shipped = (await loadRules(DEFAULT_RULES_PATH, {}, network)).plans;
  return [...shipped, ...compileRules(parseSigmaText(TEST_RULES, 'test-rules.yml'), network)];
}

/** A rule a table cannot express is a KqlEmitError (checked elsewhere); this is what each table renders. */
function rendered(plans: readonly QueryPlan[], table: KqlTableProfile): { plan: QueryPlan; query: string }[] {
  return plans.flatMap((plan) => {
    try {
      return [{ plan, query: renderKql(plan, table) }];
    } catch (e) {
      if (e instanceof KqlEmitError) return [];
      throw e;
    }
  });
}

describe('every table × semantics × shipped and test rules', () => {
  for (const table of Object.values(KQL_TABLES)) {
    for (const semantics of ['strict', 'kql'] as const) {
      it(`${table.name}, ${semantics}: zero diagnostics; the reference rule returns SourceIP, DestinationIP, TimeGenerated, count_`, async () => {
        const all = await renderablePlans(semantics);
        const out = rendered(all, table);
        // the shipped rule renders on every table (its detection does not alert on its own: generate is false)
        expect(out.map((r) => r.plan.rule.name)).toContain('dicom-external-access');
        for (const { plan, query } of out) {
          const r = analyzeKql(query, table.name);
          expect(r.diagnostics, query).toEqual([]);
          if (plan.rule.name === 'dicom-external-access') expect(r.resultColumns, query).toEqual(RESULT_COLUMNS);
        }
      });
    }
  }

  it('what each table cannot express is said, not guessed', async () => {
    const plans = await renderablePlans('strict');
    const refused = (name: string) =>
      plans.filter((p) => rendered([p], kqlTable(name)).length === 0).map((p) => p.rule.name).sort();
    // no action, no source port
    expect(refused('NetworkEvent')).toEqual(['dicom-exposed-server', 'dicom_denied', 'one_host']);
    expect(refused('DeviceNetworkEvents')).toEqual(['dicom_denied']); // only accepted connections: no deny, no drop
    expect(refused('AWSVPCFlow')).toEqual(['dicom_denied']); // ACCEPT/REJECT: no drop
    expect(refused('AZFWNetworkRule')).toEqual(['dicom_denied']); // Allow/Deny: no drop
    expect(refused('CommonSecurityLog')).toEqual([]);
    expect(refused('_Im_NetworkSession')).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('parity with the engine where Kusto can', () => {
  const smb = async (semantics: 'strict' | 'kql') =>
    (await renderablePlans(semantics)).find((p) => p.rule.name === 'smb-external-access')!;

  it('an SMB rule names its port let after the rule, not DICOM', async () => {
    for (const table of Object.values(KQL_TABLES)) {
      const q = renderKql(await smb('kql'), table);
      expect(q).toMatch(/^let SmbExternalAccessPort = 445;\n/);
      expect(q).not.toContain('DICOMPort');
    }
    // several DICOM ports keep the advisory's name; a mixed list takes the rule's
    const mixed = plan({ filter: { kind: 'and', items: [dstPort(104, 445), external] } });
    expect(renderKql(mixed, NE)).toMatch(/^let DicomExternalAccessPorts = dynamic\(\[104, 445\]\);\n/);
  });

  it('a let name that a column of some table already has is prefixed (Kusto would read the column instead)', () => {
    expect(portLetName([445], 'dst', kqlReservedNames())).toBe('RuleDstPort');
    expect(portLetName([445], 'local', kqlReservedNames())).toBe('RuleLocalPort');
    expect(portLetName([445], '2nd rule', kqlReservedNames())).toBe('Rule2ndRulePort');
    expect(portLetName([104, 2761, 2762, 11112], 'whatever', kqlReservedNames())).toBe('DICOMPorts');
    expect(pascalCase('smb_inbound-external v2')).toBe('SmbInboundExternalV2');
    // a rule name never reaches the query as text: only ASCII letters and digits survive
    const hostile = plan({ rule: { name: 'x";\n| take 1 // é', title: 't', level: 'high', file: 'h.yml' }, filter: dstPort(445) });
    const q = renderKql(hostile, NE);
    expect(q.split('\n')[0]).toBe('let XTake1Port = 445;');
    expectValid(q);
  });

  it('protocol tcp: every spelling on a text column (tcp, TCP, 6), the IANA number on a numeric one', async () => {
    const expected: Record<string, string> = {
      NetworkEvent: '| where OriginalProtocol in~ ("tcp", "6")',
      CommonSecurityLog: '| where Protocol in~ ("tcp", "6")',
      _Im_NetworkSession: '| where NetworkProtocol in~ ("tcp", "6")',
      DeviceNetworkEvents: '| where Protocol in~ ("tcp", "6")',
      AWSVPCFlow: '| where Protocol == 6',
      AZFWNetworkRule: '| where Protocol in~ ("tcp", "6")',
    };
    for (const table of Object.values(KQL_TABLES)) {
      expect(renderKql(await smb('strict'), table).split('\n'), table.name).toContain(expected[table.name]);
    }
    const icmp = renderKql(plan({ filter: { kind: 'equals', field: 'protocol', values: ['ipv6-icmp'] } }), NE);
    expect(icmp).toContain('| where OriginalProtocol in~ ("ipv6-icmp", "58", "icmpv6", "icmp6", "icmp-v6", "ipv6icmp")');
    expect(renderKql(plan({ filter: { kind: 'equals', field: 'protocol', values: [58] } }), kqlTable('AWSVPCFlow'))).toContain(
      '| where Protocol == 58',
    );
    expect(() => renderKql(plan({ filter: { kind: 'equals', field: 'protocol', values: ['tpc'] } }), NE)).toThrow(/not a protocol/);
  });

  it('addresses compare canonically: IPv6 values through parse_ipv6(), an IPv4-mapped one only for non-IPv4 text', async () => {
    const q = renderKql((await renderablePlans('strict')).find((p) => p.rule.name === 'one_host')!, kqlTable('AZFWNetworkRule'));
    expect(q).toContain(
      '| where DestinationIp == "10.1.2.3" or (isnull(parse_ipv4(DestinationIp)) and parse_ipv6(DestinationIp) in ' +
        '("2001:0db8:0000:0000:0000:0000:0000:0005", "0000:0000:0000:0000:0000:ffff:0a09:0909"))\n',
    );
    expectValid(q, 'AZFWNetworkRule', null);
    const v6 = renderKql(
      plan({ filter: { kind: 'not', item: { kind: 'equals', field: 'srcIp', values: ['2001:DB8:0:0::1'] } } }),
      NE,
    );
    expect(v6).toContain('| where parse_ipv6(SourceIP) != "2001:0db8:0000:0000:0000:0000:0000:0001"\n');
    expect(() => renderKql(plan({ filter: { kind: 'equals', field: 'srcIp', values: ['10.0.0.300'] } }), NE)).toThrow(
      /not an IP address/,
    );
  });

  it('strict semantics group addresses by a canonical key; kql semantics keep the advisory\'s raw keys', async () => {
    for (const table of Object.values(KQL_TABLES)) {
      const reference = async (semantics: 'strict' | 'kql') => (await renderablePlans(semantics)).find((p) => p.rule.name === 'dicom-external-access')!;
      const [strict] = rendered([await reference('strict')], table);
      const [kql] = rendered([await reference('kql')], table);
      const src = table.columns.srcIp!.name;
      expect(strict!.query, table.name).toContain(
        `| extend SourceIPKey = iff(isnotnull(parse_ipv4(${src})), ${src}, coalesce(parse_ipv6(${src}), ${src}))\n`,
      );
      expect(strict!.query).toContain(`SourceIP = min(tolower(${src}))`);
      expect(strict!.query).toContain('\n| project SourceIP, DestinationIP, TimeGenerated, count_\n');
      expect(kql!.query).not.toContain('parse_ipv6');
      expect(kql!.query).toContain('| summarize count() by SourceIP');
    }
  });

  it('_Im_NetworkSession gets the parser\'s own pre-filter for a single required port, never for a list or an or', () => {
    const asim = kqlTable('_Im_NetworkSession');
    expect(renderKql(plan(), asim)).toContain('\n_Im_NetworkSession(dstportnumber = DICOMPort)\n| where DstPortNumber == DICOMPort\n');
    expect(renderKql(plan({ filter: { kind: 'and', items: [dstPort(104, 11112), external] } }), asim)).toContain(
      '\n_Im_NetworkSession()\n| where DstPortNumber in (DICOMPorts)\n',
    );
    const or = plan({ filter: { kind: 'or', items: [dstPort(104), { kind: 'equals', field: 'protocol', values: ['udp'] }] } });
    expect(renderKql(or, asim)).toMatch(/^_Im_NetworkSession\(\)\n/);
    const notPort = plan({ filter: { kind: 'and', items: [{ kind: 'not', item: dstPort(80) }, external] } });
    expect(renderKql(notPort, asim)).toContain('_Im_NetworkSession()\n');
  });

  it('CommonSecurityLog: IPv6 sources from labelled slots, actions in every spelling, DeviceAction before SimplifiedDeviceAction', async () => {
    const cef = kqlTable('CommonSecurityLog');
    const denied = (await renderablePlans('strict')).find((p) => p.rule.name === 'dicom_denied')!;
    const q = renderKql(denied, cef);
    const lines = q.split('\n');
    expect(lines).toContain('| extend Action = iff(DeviceAction in~ (CefDecisions), DeviceAction, SimplifiedDeviceAction)');
    expect(lines.find((l) => l.startsWith('let CefDecisions = dynamic(["allow", '))).toBeDefined();
    expect(lines.find((l) => l.startsWith('let CefSlotRole = (label: string) {'))).toBeDefined();
    expect(lines.find((l) => l.startsWith('| extend SourceIP = coalesce(SourceIP, iff(CefSlotRole(DeviceCustomIPv6Address1Label) in ("source", "src"), DeviceCustomIPv6Address1, "")'))).toBeDefined();
    expect(q).toContain('| where Action in~ ("deny", "denied", "reject", "rejected", "block", "blocked", "d", "drop", ');
    expectValid(q, 'CommonSecurityLog', null);
    // helpers only when a computed column needs them
    expect(renderKql(plan({ filter: dstPort(104), groupBy: [] }), cef)).toBe(
      'let DICOMPort = 104;\nCommonSecurityLog\n| where DestinationPort == DICOMPort\n| summarize count() by bin(TimeGenerated, 1h)\n| order by count_ desc',
    );
  });

  it('closed vocabularies: AWS ACCEPT/REJECT, AZFW Allow/Deny, ASIM DvcAction; a value a table cannot hold is an error', () => {
    const action = (...values: string[]) => plan({ filter: { kind: 'and', items: [dstPort(104), { kind: 'equals', field: 'action', values }] } });
    expect(renderKql(action('deny'), kqlTable('AWSVPCFlow'))).toContain('\n| where Action =~ "REJECT"\n');
    expect(renderKql(action('allow', 'deny'), kqlTable('AZFWNetworkRule'))).toContain('\n| where Action in~ ("Allow", "Deny")\n');
    expect(renderKql(action('drop', 'reset'), kqlTable('_Im_NetworkSession'))).toContain(
      '\n| where DvcAction in~ ("Drop", "Drop ICMP", "Reset", "Reset Source", "Reset Destination")\n',
    );
    expect(renderKql(action('allow'), kqlTable('DeviceNetworkEvents'))).toContain('\n| where ActionType in~ ("InboundConnectionAccepted", "ConnectionSuccess")\n');
    expect(() => renderKql(action('drop'), kqlTable('AWSVPCFlow'))).toThrow(
      /value "drop" of equals\(action\): column Action of 'AWSVPCFlow' has no equivalent \(known: allow, deny\)/,
    );
  });

  it('DeviceNetworkEvents: connections each way; the source is the remote end inbound, the device outbound', () => {
    const q = renderKql(plan({}, { semantics: 'strict' }), kqlTable('DeviceNetworkEvents'));
    expect(q).toContain('\nDeviceNetworkEvents\n' +
      '| where ActionType in ("InboundConnectionAccepted", "ConnectionSuccess", "ConnectionAttempt", "ConnectionFailed", "ConnectionRequest")\n');
    expect(q).toContain('\n| extend DestinationPort = iff(ActionType == "InboundConnectionAccepted", LocalPort, RemotePort)\n| where DestinationPort == DICOMPort\n');
    expect(q).toContain('| extend SourceIP = iff(ActionType == "InboundConnectionAccepted", RemoteIP, LocalIP)\n');
    expect(q).toContain('SourceIP = min(tolower(SourceIP)), DestinationIP = min(tolower(DestinationIP))');
    expectValid(q, 'DeviceNetworkEvents');
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
