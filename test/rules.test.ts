/**
 * The rules engine's front half: Sigma text → query plans. The shipped rule compiles to exactly the reference
 * plan; every construct the engine cannot evaluate is a RuleError naming file:line, the rule, the field and the
 * construct; conditions parse with Sigma's precedence and render back.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileRules, requiredDstPorts } from '../src/rules/compile.js';
import { matchPattern, parseCondition, renderCondition, type Condition } from '../src/rules/condition.js';
import { RuleError } from '../src/rules/errors.js';
import { KqlEmitError, renderKql } from '../src/emit/kql/render.js';
import { kqlTable } from '../src/emit/kql/tables.js';
import { loadRules } from '../src/rules/load.js';
import { REFERENCE_RULE } from './helpers/reference.js';
import { applyRuleOptions } from '../src/rules/options.js';
import type { NetworkPolicy, Predicate, QueryPlan } from '../src/rules/plan.js';
import { loadSigmaRules, parseSigmaText } from '../src/rules/sigma.js';
import { sigmaErrors } from './helpers/sigma-validate.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SHIPPED = join(ROOT, 'rules', 'dicom-external-access.yml');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const STRICT: NetworkPolicy = { semantics: 'strict', internal: [] };
const KQL: NetworkPolicy = { semantics: 'kql', internal: [] };

function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// ---------------------------------------------------------------------------------------------------------------
describe('the shipped rule compiles to the reference plan', () => {
  const FILTER: Predicate = {
    kind: 'and',
    items: [
      { kind: 'equals', field: 'dstPort', values: [104] },
      { kind: 'not', item: { kind: 'internal', field: 'srcIp' } },
    ],
  };
  const expectedPlan = (network: NetworkPolicy, file: string): QueryPlan => ({
    rule: {
      name: 'dicom-external-access',
      id: 'dfc2c8be-23b2-4a9d-91dc-e5ec8b1590ab',
      title: 'DICOM Access From An External Source, Per Source, Destination And Hour',
      level: 'high',
      file,
      description: 'Counts inbound DICOM connections from external sources per source, destination and hour, like the advisory\'s\n`summarize count() by SourceIP, DestinationIP, bin(TimeGenerated, 1h)`.\n',
      // a correlation carries its own tags and its base detections' (the ATT&CK tags of the deployable rules)
      tags: ['attack.initial-access', 'attack.t1190', 'attack.collection'],
    },
    // the correlation's one source: the detection rule it references
    sources: [{ rule: { name: 'dicom_inbound_external', id: '4aa2636a-daca-4cce-b035-a20cba69762c', file }, filter: FILTER }],
    filter: FILTER,
    network,
    groupBy: ['srcIp', 'dstIp'],
    binMs: 3_600_000,
    aggregate: { kind: 'count' },
    threshold: { op: 'gte', value: 1 },
  });

  it.each([STRICT, KQL, { semantics: 'strict', internal: ['10.200.0.0/16', 'fd12::/16'] } as NetworkPolicy])(
    'one plan, exactly (network %j)',
    async (network) => {
      const plans = compileRules(await loadSigmaRules(SHIPPED), network);
      expect(plans).toEqual([expectedPlan(network, SHIPPED)]);
      expect(requiredDstPorts(plans[0]!.filter)).toEqual(new Set([104]));
    },
  );

  it('loadRules on the default rules directory gives the same plan and the two documents', async () => {
    const loaded = await loadRules(REFERENCE_RULE, {}, STRICT);
    expect(loaded.rules.map((r) => [r.kind, r.data.name])).toEqual([
      ['detection', 'dicom_inbound_external'],
      ['correlation', 'dicom-external-access'],
    ]);
    expect(loaded.plans).toEqual([expectedPlan(STRICT, REFERENCE_RULE)]);
  });

  it('with --ports and --allow: a port list and an allowlist leaf', async () => {
    const rules = applyRuleOptions(await loadSigmaRules(SHIPPED), { ports: [104, 11112], allow: ['198.51.100.0/24', '2001:db8:beef::/48'] });
    const [plan] = compileRules(rules, STRICT);
    expect(plan!.filter).toEqual({
      kind: 'and',
      items: [
        { kind: 'equals', field: 'dstPort', values: [104, 11112] },
        { kind: 'not', item: { kind: 'internal', field: 'srcIp' } },
        { kind: 'not', item: { kind: 'cidr', field: 'srcIp', cidrs: ['198.51.100.0/24', '2001:db8:beef::/48'] } },
      ],
    });
    expect(requiredDstPorts(plan!.filter)).toEqual(new Set([104, 11112]));
  });

  it('a detection no correlation references gets a per-event plan: one alert per matching event', () => {
    const text = readFileSync(SHIPPED, 'utf8').split(/^---$/m)[0]!;
    expect(compileRules(parseSigmaText(text, 'd.yml'), STRICT)).toEqual([{
      ...expectedPlan(STRICT, 'd.yml'),
      rule: {
        name: 'dicom_inbound_external', id: '4aa2636a-daca-4cce-b035-a20cba69762c', title: 'Inbound DICOM Connection From An External Source', level: 'medium', file: 'd.yml',
        description: expect.stringMatching(/^A connection to a DICOM service \(TCP 104\)/) as unknown as string,
        tags: ['attack.initial-access', 'attack.t1190', 'attack.collection'],
      },
      groupBy: ['srcIp', 'dstIp', 'srcPort', 'dstPort', 'protocol', 'action'],
      binMs: 1,
      aggregate: { kind: 'event' },
    }]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('compiling constructs the engine supports', () => {
  const detection = (body: string) => `title: T\nname: r\nlogsource:\n    category: firewall\ndetection:\n${body}\n`;
  const filterOf = (body: string) => compileRules(parseSigmaText(detection(body), 'x.yml'), STRICT)[0]!.filter;

  it('maps are AND, lists of maps OR, value lists OR; values normalized per field', () => {
    expect(filterOf([
      '    sel:',
      '        - dst_port: [104, "11112"]',
      '          action: Accept',
      '        - dst_ip: 2001:DB8:0::1',
      '          protocol: TCP',
      '    condition: sel',
    ].join('\n'))).toEqual({
      kind: 'or',
      items: [
        { kind: 'and', items: [{ kind: 'equals', field: 'dstPort', values: [104, 11112] }, { kind: 'equals', field: 'action', values: ['allow'] }] },
        { kind: 'and', items: [{ kind: 'equals', field: 'dstIp', values: ['2001:db8::1'] }, { kind: 'equals', field: 'protocol', values: ['tcp'] }] },
      ],
    });
  });

  it('|cidr values become canonical CIDRs', () => {
    expect(filterOf("    sel:\n        src_ip|cidr: ['10.1.2.3/8', 'FD12::/16']\n    condition: sel")).toEqual(
      { kind: 'cidr', field: 'srcIp', cidrs: ['10.0.0.0/8', 'fd12::/16'] },
    );
  });

  it('1 of / all of patterns, and them, skip searches named with a leading underscore (spec "1/all of them")', () => {
    const body = [
      '    selection:', '        dst_port: 104',
      '    filter_a:', '        src_ip: 192.0.2.1',
      '    filter_b:', '        src_ip: 192.0.2.2',
      '    _note:', '        src_ip: 192.0.2.3',
    ].join('\n');
    const eqSrc = (ip: string) => ({ kind: 'equals', field: 'srcIp', values: [ip] });
    const port = { kind: 'equals', field: 'dstPort', values: [104] };
    expect(filterOf(`${body}\n    condition: selection and not 1 of filter_*`)).toEqual({
      kind: 'and', items: [port, { kind: 'not', item: { kind: 'or', items: [eqSrc('192.0.2.1'), eqSrc('192.0.2.2')] } }],
    });
    expect(filterOf(`${body}\n    condition: all of them`)).toEqual({ kind: 'and', items: [port, eqSrc('192.0.2.1'), eqSrc('192.0.2.2')] });
    expect(filterOf(`${body}\n    condition: any of them`)).toEqual({ kind: 'or', items: [port, eqSrc('192.0.2.1'), eqSrc('192.0.2.2')] });
    expect(filterOf(`${body}\n    condition: 1 of filter_a*`)).toEqual(eqSrc('192.0.2.1'));
    // Named explicitly, an underscore search is usable.
    expect(filterOf(`${body}\n    condition: selection and not _note`)).toEqual({ kind: 'and', items: [port, { kind: 'not', item: eqSrc('192.0.2.3') }] });
  });
});

// ---------------------------------------------------------------------------------------------------------------
interface BadCase {
  name: string;
  file: string;
  text: string;
  /** 1-based line of the offending construct. */
  line: number;
  /** Text of that line (checked, so the expected line number cannot drift from the YAML). */
  lineText: string;
  /** Pieces the message must contain: the rule, the field, the construct. */
  includes: string[];
}

const DETECTION_HEAD = 'title: Bad Rule\nname: bad_rule\nlogsource:\n    category: firewall\ndetection:\n'; // lines 1-5
const CORRELATION_BASE = [
  'title: Base', //                 1
  'name: base_rule', //             2
  'logsource:', //                  3
  '    category: firewall', //      4
  'detection:', //                  5
  '    selection:', //              6
  '        dst_port: 104', //       7
  '    condition: selection', //    8
  '---', //                         9
  'title: Corr', //                10
  'name: corr_rule', //            11
  'correlation:', //               12
  '    type: event_count', //      13
  '    rules:', //                 14
  '        - base_rule', //        15
  '    group-by:', //              16
  '        - src_ip', //           17
  '        - dst_ip', //           18
  '    timespan: 1h', //           19
  '    condition:', //             20
  '        gte: 1', //             21
  'level: high', //                22
].join('\n') + '\n';
function corr(from: string, to: string): string {
  expect(CORRELATION_BASE).toContain(from);
  return CORRELATION_BASE.replace(from, to);
}

const BAD: BadCase[] = [
  {
    name: 'unknown field', file: 'unknown-field.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n        Image: foo.exe\n    condition: selection\n',
    line: 8, lineText: '        Image: foo.exe', includes: ["rule 'bad_rule'", "unknown field 'Image'", 'do not name the process'],
  },
  {
    name: "a prototype key as a field ('toString')", file: 'proto-field.yml',
    text: DETECTION_HEAD + '    selection:\n        toString: x\n    condition: selection\n',
    line: 7, lineText: '        toString: x', includes: ["rule 'bad_rule'", "unknown field 'toString'"],
  },
  {
    name: 'unsupported modifier', file: 'base64.yml',
    text: DETECTION_HEAD + "    selection:\n        dst_port: 104\n        dst_ip|base64: '10.'\n    condition: selection\n",
    line: 8, lineText: "        dst_ip|base64: '10.'", includes: ["rule 'bad_rule'", "modifier 'base64' on field 'dst_ip' is not supported"],
  },
  {
    name: 'unknown modifier', file: 'cidrr.yml',
    text: DETECTION_HEAD + "    selection:\n        dst_port: 104\n        src_ip|cidrr: 10.0.0.0/8\n    condition: selection\n",
    line: 8, lineText: "        src_ip|cidrr: 10.0.0.0/8", includes: ["rule 'bad_rule'", "unknown modifier 'cidrr' on field 'src_ip'"],
  },
  {
    name: 'modifiers that do not combine', file: 'chain.yml',
    text: DETECTION_HEAD + "    selection:\n        dst_port: 104\n    filter:\n        src_ip|cidr|re:\n            - 10.0.0.0/8\n            - 10.1.0.0/16\n    condition: selection and not filter\n",
    line: 9, lineText: '        src_ip|cidr|re:', includes: ["rule 'bad_rule'", "modifiers 'cidr' and 're' on field 'src_ip' do not combine"],
  },
  {
    name: 'keyword-list search', file: 'keywords.yml',
    text: DETECTION_HEAD + '    keywords:\n        - dicom\n        - pacs\n    condition: keywords\n',
    line: 7, lineText: '        - dicom', includes: ["rule 'bad_rule'", "search 'keywords'", 'keyword search', 'keep no raw log text'],
  },
  {
    name: '|cidr with a bad CIDR (the offending list item)', file: 'cidr.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n    filter:\n        src_ip|cidr:\n            - 10.0.0.0/8\n            - 10.0.0.0/33\n    condition: selection and not filter\n',
    line: 11, lineText: '            - 10.0.0.0/33', includes: ["rule 'bad_rule'", "field 'src_ip'", "'10.0.0.0/33' is not a CIDR"],
  },
  {
    name: 'a bad port in a list (the offending list item)', file: 'port.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port:\n            - 104\n            - 70000\n    condition: selection\n',
    line: 9, lineText: '            - 70000', includes: ["rule 'bad_rule'", "field 'dst_port'", "'70000' is not a port"],
  },
  {
    name: 'unknown placeholder', file: 'placeholder.yml',
    text: DETECTION_HEAD + "    selection:\n        dst_port: 104\n    filter:\n        src_ip|expand: '%foo%'\n    condition: selection and not filter\n",
    line: 9, lineText: "        src_ip|expand: '%foo%'", includes: ["rule 'bad_rule'", "field 'src_ip'", "unknown placeholder '%foo%'"],
  },
  {
    name: 'condition naming a missing search', file: 'missing-search.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n    filter:\n        src_ip: 192.0.2.1\n    condition: selection and not filters\n',
    line: 10, lineText: '    condition: selection and not filters', includes: ["rule 'bad_rule'", "condition names 'filters', which is not a search"],
  },
  {
    name: 'a pattern matching no search', file: 'pattern.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n    condition: selection and not 1 of filter_*\n',
    line: 8, lineText: '    condition: selection and not 1 of filter_*', includes: ["rule 'bad_rule'", "'filter_*' matches no search"],
  },
  {
    name: 'condition syntax error', file: 'syntax.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n    condition: selection and (not selection\n',
    line: 8, lineText: '    condition: selection and (not selection', includes: ["rule 'bad_rule'", "expected ')'"],
  },
  {
    name: 'a Sigma 1 aggregation', file: 'aggregation.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n    condition: selection | count() by src_ip > 5\n',
    line: 8, lineText: '    condition: selection | count() by src_ip > 5', includes: ["rule 'bad_rule'", 'Sigma 1', 'correlation rule'],
  },
  {
    name: 'a condition list', file: 'condition-list.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n    condition:\n        - selection\n',
    line: 9, lineText: '        - selection', includes: ["rule 'bad_rule'", 'condition lists are not supported'],
  },
  {
    name: 'no condition', file: 'no-condition.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n',
    line: 6, lineText: '    selection:', includes: ["rule 'bad_rule'", "the detection has no 'condition'"],
  },
  {
    name: 'logsource category process_creation', file: 'logsource.yml',
    text: 'title: Bad Rule\nname: bad_rule\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        dst_port: 104\n    condition: selection\n',
    line: 4, lineText: '    category: process_creation', includes: ["rule 'bad_rule'", 'logsource {category: process_creation, product: windows} is not supported'],
  },
  {
    name: 'bad level', file: 'level.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n    condition: selection\nlevel: urgent\n',
    line: 9, lineText: 'level: urgent', includes: ["rule 'bad_rule'", "level 'urgent' is not one of"],
  },
  {
    name: 'correlation type value_sum', file: 'value-sum.yml',
    text: corr('type: event_count', 'type: value_sum'),
    line: 13, lineText: '    type: value_sum', includes: ["rule 'corr_rule'", "correlation type 'value_sum' is not supported (supported: event_count, value_count, temporal, temporal_ordered)"],
  },
  {
    name: "timespan '1 hour'", file: 'timespan.yml', text: corr('timespan: 1h', 'timespan: 1 hour'),
    line: 19, lineText: '    timespan: 1 hour', includes: ["rule 'corr_rule'", "timespan '1 hour' is not a number followed by s, m, h or d"],
  },
  {
    name: 'correlation referencing a missing rule', file: 'missing-rule.yml', text: corr('        - base_rule', '        - other_rule'),
    line: 15, lineText: '        - other_rule', includes: ["rule 'corr_rule'", "rule 'other_rule' is not among the loaded rules"],
  },
  {
    name: 'correlation condition with an unknown operator', file: 'between.yml', text: corr('        gte: 1', '        gte: 1\n        between: 5'),
    line: 22, lineText: '        between: 5', includes: ["rule 'corr_rule'", "correlation condition 'between' is not supported"],
  },
  {
    name: 'correlation condition with a string count', file: 'string-count.yml', text: corr('        gte: 1', "        gte: '5'"),
    line: 21, lineText: "        gte: '5'", includes: ["rule 'corr_rule'", "correlation condition 'gte' takes an integer"],
  },
  {
    name: 'correlation group-by on an unknown field', file: 'group-by.yml', text: corr('        - dst_ip', '        - Computer'),
    line: 18, lineText: '        - Computer', includes: ["rule 'corr_rule'", 'group-by field', "unknown field 'Computer'"],
  },
  {
    name: 'a duplicate key (YAML)', file: 'duplicate.yml',
    text: DETECTION_HEAD + '    selection:\n        dst_port: 104\n        dst_port: 11112\n    condition: selection\n',
    line: 8, lineText: '        dst_port: 11112', includes: ['YAML', 'Map keys must be unique'],
  },
  {
    name: 'a Sigma global filter', file: 'filter.yml',
    text: 'title: F\nlogsource:\n    category: firewall\nfilter:\n    rules:\n        - base_rule\n    selection:\n        src_ip: 192.0.2.1\n    condition: not selection\n',
    line: 5, lineText: '    rules:', includes: ['global filters are not supported'],
  },
];

function compileError(text: string, file: string, network: NetworkPolicy = STRICT): RuleError {
  try {
    compileRules(parseSigmaText(text, file), network);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleError);
    return e as RuleError;
  }
  throw new Error(`${file}: compiled without error`);
}

describe('constructs the engine cannot evaluate are RuleErrors at file:line naming rule, field and construct', () => {
  it.each(BAD)('$name', (c) => {
    // The test's own bookkeeping: the expected line really is the offending one.
    expect(c.text.split('\n')[c.line - 1]).toBe(c.lineText);
    for (const network of [STRICT, KQL]) {
      const e = compileError(c.text, c.file, network);
      expect(e.file).toBe(c.file);
      expect(e.line).toBe(c.line);
      expect(e.message.startsWith(`${c.file}:${c.line}:`), e.message).toBe(true);
      for (const piece of c.includes) expect(e.message).toContain(piece);
    }
  });

  it('the valid variants of those texts compile (each case is about its one defect)', () => {
    expect(compileRules(parseSigmaText(CORRELATION_BASE, 'ok.yml'), STRICT)).toHaveLength(1);
    expect(sigmaErrors(CORRELATION_BASE)).toEqual([]);
  });

  // (A condition list is invalid under the v2 detection schema too: `condition` must be a string there.)
  it('the ones that are valid Sigma are rejected by the engine only (Sigma allows them, we cannot evaluate them)', () => {
    const validSigma = BAD.filter((c) => sigmaErrors(c.text).length === 0).map((c) => c.name);
    expect(validSigma).toEqual([
      'unknown field',
      "a prototype key as a field ('toString')",
      'unsupported modifier',
      'modifiers that do not combine',
      'keyword-list search',
      'a bad port in a list (the offending list item)',
      'unknown placeholder',
      'logsource category process_creation',
      'correlation group-by on an unknown field',
    ]);
  });

  it('a correlation may reference its rule by id as well as by name', () => {
    const text = corr('name: base_rule', 'name: base_rule\nid: 3f5c2b9e-1d1a-4c39-9a57-0c1e4f0b7a11').replace('        - base_rule', '        - 3f5c2b9e-1d1a-4c39-9a57-0c1e4f0b7a11');
    const [plan] = compileRules(parseSigmaText(text, 'id.yml'), STRICT);
    expect(plan!.rule.name).toBe('corr_rule');
    expect(plan!.filter).toEqual({ kind: 'equals', field: 'dstPort', values: [104] });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('conditions: parsing with Sigma precedence (or < and < not)', () => {
  const ref = (name: string): Condition => ({ kind: 'ref', name });
  it.each<[string, Condition]>([
    ['a', ref('a')],
    ['a or b and not c', { kind: 'or', items: [ref('a'), { kind: 'and', items: [ref('b'), { kind: 'not', item: ref('c') }] }] }],
    ['(a or b) and not c', { kind: 'and', items: [{ kind: 'or', items: [ref('a'), ref('b')] }, { kind: 'not', item: ref('c') }] }],
    ['not a and b', { kind: 'and', items: [{ kind: 'not', item: ref('a') }, ref('b')] }],
    ['not (a and b)', { kind: 'not', item: { kind: 'and', items: [ref('a'), ref('b')] } }],
    ['not not a', { kind: 'not', item: { kind: 'not', item: ref('a') } }],
    ['a and b and c or d', { kind: 'or', items: [{ kind: 'and', items: [ref('a'), ref('b'), ref('c')] }, ref('d')] }],
    ['((a))', ref('a')],
    ['selection and not 1 of filter_*', { kind: 'and', items: [ref('selection'), { kind: 'not', item: { kind: 'of', quantifier: 'one', pattern: 'filter_*' } }] }],
    ['1 of filter_*', { kind: 'of', quantifier: 'one', pattern: 'filter_*' }],
    ['any of sel*', { kind: 'of', quantifier: 'one', pattern: 'sel*' }],
    ['all of them', { kind: 'of', quantifier: 'all', pattern: 'them' }],
    ['all of them or x-1', { kind: 'or', items: [{ kind: 'of', quantifier: 'all', pattern: 'them' }, ref('x-1')] }],
    ['  a\tand\n(b)  ', { kind: 'and', items: [ref('a'), ref('b')] }],
  ])('%j', (text, expected) => {
    expect(parseCondition(text)).toEqual(expected);
  });

  it.each([
    ['', 'empty condition'],
    ['   ', 'empty condition'],
    ['a and', "condition 'a and' ends too early"],
    ['a b', "unexpected 'b'"],
    ['(a', "expected ')'"],
    ['a)', "unexpected ')'"],
    ['and a', "unexpected 'and'"],
    ['not', 'ends too early'],
    ['2 of sel*', "unexpected 'of'"],
    ['1 of', "expected a pattern or 'them' after '1 of'"],
    ['1 sel', "expected 'of' after '1'"],
    ['1 of filter-*', "expected a pattern or 'them' after '1 of'"],
    ['a | count() by src_ip > 5', "aggregations ('| count() …') are Sigma 1 syntax"],
    ['a && b', "unexpected '&'"],
  ])('rejects %j', (text, message) => {
    expect(() => parseCondition(text)).toThrow(message);
  });

  it('keywords are lower-case: AND is an identifier, so "a AND b" is an error', () => {
    expect(() => parseCondition('a AND b')).toThrow("unexpected 'AND'");
  });
});

describe('matchPattern', () => {
  const names = ['selection', 'selection_2', 'filter_a', 'filter_b', '_aux', 'filterx'];
  it.each<[string, string[]]>([
    ['them', ['selection', 'selection_2', 'filter_a', 'filter_b', 'filterx']],
    ['filter_*', ['filter_a', 'filter_b']],
    ['filter*', ['filter_a', 'filter_b', 'filterx']],
    ['selection', ['selection']],
    ['*_2', ['selection_2']],
    ['*', ['selection', 'selection_2', 'filter_a', 'filter_b', 'filterx']],
    ['_*', []],
    ['sel', []],
  ])('%j', (pattern, expected) => {
    expect(matchPattern(pattern, names)).toEqual(expected);
  });
});

describe('renderCondition', () => {
  it.each([
    ['a or b and not c', 'a or b and not c'],
    ['(a or b) and not c', '(a or b) and not c'],
    ['not (a and b)', 'not (a and b)'],
    ['not (a or b)', 'not (a or b)'],
    ['((a)) and ((b or c))', 'a and (b or c)'],
    ['any of sel*', '1 of sel*'],
    ['all of them', 'all of them'],
    ['selection and not 1 of filter_*', 'selection and not 1 of filter_*'],
    ['not not a', 'not not a'],
  ])('%j → %j, and back to the same tree', (text, rendered) => {
    const tree = parseCondition(text);
    expect(renderCondition(tree)).toBe(rendered);
    expect(parseCondition(rendered)).toEqual(tree);
  });

  // Any tree the parser can produce (no single-item and/or, no and-in-and / or-in-or) survives render → parse.
  const name = fc.constantFrom('a', 'b', 'sel_1', 'filter-x');
  const tree: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
    c: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      name.map((n): Condition => ({ kind: 'ref', name: n })),
      fc.record({ quantifier: fc.constantFrom('one' as const, 'all' as const), pattern: fc.constantFrom('them', 'filter_*', 'sel*') })
        .map((o): Condition => ({ kind: 'of', ...o })),
      tie('c').map((item): Condition => ({ kind: 'not', item })),
      fc.tuple(fc.constantFrom('and' as const, 'or' as const), fc.array(tie('c'), { minLength: 2, maxLength: 3 }))
        .map(([kind, items]): Condition => ({ kind, items })),
    ),
  })).c;
  const normalize = (c: Condition): Condition => {
    if (c.kind === 'not') return { kind: 'not', item: normalize(c.item) };
    if (c.kind === 'and' || c.kind === 'or') {
      return { kind: c.kind, items: c.items.map(normalize).flatMap((i) => (i.kind === c.kind ? i.items : [i])) };
    }
    return c;
  };

  it('render → parse is the identity on parsed trees (property)', () => {
    fc.assert(fc.property(tree, (t) => {
      const n = normalize(t);
      expect(parseCondition(renderCondition(n))).toEqual(n);
    }), { numRuns: 500 });
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('dicomwatch check', () => {
  it('rules/ is ok: exit 0', () => {
    const r = runCli(['check', 'rules/']);
    // the pack's exposed-server rule tests the action, which NetworkEvent has no column for: a warning, not an error
    expect(r).toEqual({
      status: 0,
      stdout: "rules/dicom-exposed-server.yml:29:17: warning: rule 'dicom-exposed-server': field 'action' (used in equals(action)) is not available in KQL table 'NetworkEvent' (it has: srcIp, dstIp, dstPort, protocol, device)\nrules/: ok (11 documents, 1 warning)\n",
      stderr: '',
    });
  });

  it.each([
    ['test/data/rules/bad-cidr.yml', "test/data/rules/bad-cidr.yml:13:15: rule 'bad_cidr', field 'src_ip': '10.0.0.0/33' is not a CIDR"],
    ['test/data/rules/bad-unknown-field.yml', "test/data/rules/bad-unknown-field.yml:9:9: rule 'bad_unknown_field': unknown field 'Image' (firewall and flow records do not name the process)"],
    ['test/data/rules/bad-condition-syntax.yml', "test/data/rules/bad-condition-syntax.yml:11:16: rule 'bad_condition_syntax': expected ')' in condition 'selection and (not filter'"],
    ['test/data/rules/bad-correlation-timespan.yml', "test/data/rules/bad-correlation-timespan.yml:21:15: rule 'dicom_per_hour': timespan '1 hour' is not a number followed by s, m, h or d"],
  ])('%s: exit 1, file:line:col and the problem', (file, line) => {
    const r = runCli(['check', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith(line), r.stdout).toBe(true);
    expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('several paths: each reported, exit 1 when any is bad, 2 when one cannot be read (with the reason)', () => {
    const bad = runCli(['check', 'rules/', 'test/data/rules/bad-cidr.yml']);
    expect(bad.status).toBe(1);
    const r = runCli(['check', 'rules/', 'test/data/rules/bad-cidr.yml', 'no/such/file.yml']);
    expect(r.status).toBe(2);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^rules\/dicom-exposed-server\.yml:29:17: warning: /);
    expect(lines[1]).toBe('rules/: ok (11 documents, 1 warning)');
    expect(lines[2]).toMatch(/^test\/data\/rules\/bad-cidr\.yml:13:15: /);
    expect(lines[3]).toBe('no/such/file.yml: cannot read (ENOENT: no such file or directory)');
  });

  it('the test data files are the defects they claim (only the engine objects to the unknown field)', () => {
    const errs = (f: string) => sigmaErrors(readFileSync(join(ROOT, 'test/data/rules', f), 'utf8'));
    expect(errs('bad-unknown-field.yml')).toEqual([]);
    expect(errs('bad-cidr.yml')).toEqual(["doc 1: [spec] search 'filter_internal': 'src_ip|cidr': '10.0.0.0/33' is not an IPv4 or IPv6 CIDR"]);
    expect(errs('bad-condition-syntax.yml')).toEqual([
      "doc 1: [spec] condition 'selection and (not filter': expected ')' in condition 'selection and (not filter'",
    ]);
    expect(errs('bad-correlation-timespan.yml')).toEqual(['doc 2: [spec] timespan "1 hour" is not a number followed by s, m, h or d']);
  });
});

describe('options that rewrite rules', () => {
  const text = `title: t
name: r
logsource:
    category: firewall
detection:
    selection:
        dst_port: 104
    filter_web:
        dst_port: 443
    condition: selection and not filter_web
`;
  it('--ports replaces dst_port only in searches the condition uses un-negated', async () => {
    const { applyRuleOptions } = await import('../src/rules/options.js');
    const { parseSigmaText } = await import('../src/rules/sigma.js');
    const [rule] = applyRuleOptions(parseSigmaText(text, 'r.yml'), { ports: [104, 11112] });
    const detection = rule!.data.detection as Record<string, Record<string, unknown>>;
    expect(detection.selection).toEqual({ dst_port: [104, 11112] });
    expect(detection.filter_web).toEqual({ dst_port: 443 });
  });

  it('compiles searches the condition does not use, so an unsupported one is still an error', async () => {
    const { parseSigmaText } = await import('../src/rules/sigma.js');
    const { compileRules } = await import('../src/rules/compile.js');
    const unused = text.replace('    condition: selection and not filter_web', "    unused:\n        dst_ip|wide: '10.'\n    condition: selection");
    expect(() => compileRules(parseSigmaText(unused, 'u.yml'), { semantics: 'strict', internal: [] }))
      .toThrow(/u\.yml:11:\d+: rule 'r': modifier 'wide' on field 'dst_ip' is not supported/);
  });
});

describe('arbitrary rule files (property test)', () => {
  // YAML built from Sigma's own vocabulary, so generated documents reach the compiler, not only the YAML parser.
  const scalar = fc.constantFrom('104', "'104'", '10.0.0.0/8', "'%internal_networks%'", 'null', '[]', '{}', 'deny', 'x', '1h', '-1', '[1, 2]', '{a: 1}');
  const key = fc.constantFrom('dst_port', 'src_ip|cidr', 'src_ip|expand', 'dst_ip|contains', 'action', 'Image', 'src_port|cidr|all', '');
  const search = fc.array(fc.tuple(key, scalar), { maxLength: 3 }).map((kv) => kv.map(([k, v]) => `        ${k}: ${v}`).join('\n') || '        {}');
  const condition = fc.constantFrom('selection', 'selection and not filter', '1 of sel*', 'all of them', 'not', 'selection |', '(selection', 'missing');
  const correlation = fc.constantFrom(
    '',
    '---\ntitle: c\ncorrelation:\n    type: event_count\n    rules: [r]\n    group-by: [src_ip]\n    timespan: 1h\n    condition: {gte: 1}\n',
    '---\ntitle: c\ncorrelation:\n    type: value_count\n    rules: r\n    group-by: src_ip\n    timespan: 1 hour\n    condition: {gte: x}\n',
    '---\ncorrelation: 5\n',
  );
  const doc = fc.tuple(search, search, condition, fc.constantFrom('firewall', 'process_creation', '[]'), correlation).map(
    ([sel, filter, cond, category, corr]) =>
      `title: t\nname: r\nlogsource:\n    category: ${category}\ndetection:\n    selection:\n${sel}\n    filter:\n${filter}\n    condition: ${cond}\nlevel: high\n${corr}`,
  );

  it('either compiles or fails with a RuleError pointing into the file, never another exception; plans render or name the field', () => {
    fc.assert(
      fc.property(doc, fc.constantFrom('strict', 'kql'), fc.boolean(), (text, semantics, withOptions) => {
        try {
          const rules = parseSigmaText(text, 'fuzz.yml');
          const shown = withOptions ? applyRuleOptions(rules, { ports: [104, 11112], allow: ['198.51.100.0/24'] }) : rules;
          const plans = compileRules(shown, { semantics: semantics as 'strict' | 'kql', internal: [] });
          expect(plans.length).toBeGreaterThan(0);
          for (const plan of plans) {
            try {
              expect(renderKql(plan, kqlTable('NetworkEvent'))).toContain('| summarize count() by');
            } catch (e) {
              expect(e).toBeInstanceOf(KqlEmitError);
            }
          }
        } catch (e) {
          expect(e, String((e as Error).stack)).toBeInstanceOf(RuleError);
          expect((e as Error).message).toMatch(/^fuzz\.yml(:\d+(:\d+)?)?: /);
        }
      }),
      { numRuns: 500 },
    );
  });
});
