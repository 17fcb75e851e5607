/**
 * Issue 7, "Trust on awkward input", the rules side: rule values the engine would silently never match (unknown
 * protocols, Sigma wildcards), correlation keys that would be silently ignored (`generate`), `check` and `kql`
 * agreeing on what renders, `check` reporting every problem, and the library boundary (loadRules options, events
 * pushed by a library caller) answering with typed, coded errors.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwatchError } from '../src/errors.js';
import { kqlProblems } from '../src/cli/commands/check-run.js';
import { KqlEmitError, renderKql, renderKqlRules } from '../src/emit/kql/render.js';
import { kqlTable, type KqlTableProfile } from '../src/emit/kql/tables.js';
import type { NetworkEvent } from '../src/model/event.js';
import { compileRules, compileRulesReport } from '../src/rules/compile.js';
import { createEngine, evaluate } from '../src/rules/engine.js';
import { RuleError } from '../src/rules/errors.js';
import { loadRules } from '../src/rules/load.js';
import type { NetworkPolicy, Predicate, QueryPlan } from '../src/rules/plan.js';
import { parseSigmaText } from '../src/rules/sigma.js';
import { runCli } from './helpers/cli.js';

const STRICT: NetworkPolicy = { semantics: 'strict', internal: [] };
const NE = kqlTable('NetworkEvent');

let TMP: string;
beforeAll(() => {
  TMP = mkdtempSync(join(tmpdir(), 'dicomwatch-trust-'));
});
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** Write `text` to a fresh file under the temp directory; returns its path. */
function ruleFile(name: string, text: string): string {
  const path = join(TMP, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function compileError(text: string, file = 't.yml'): RuleError {
  try {
    compileRules(parseSigmaText(text, file), STRICT);
  } catch (e) {
    expect(e).toBeInstanceOf(RuleError);
    return e as RuleError;
  }
  throw new Error(`${file}: compiled without error`);
}

/** A detection whose `filter` search holds `line` (line 9 of the text), so each case is about that one line. */
function withFilterLine(line: string): string {
  return [
    'title: T', //                                   1
    'name: t', //                                    2
    'logsource:', //                                 3
    '    category: firewall', //                     4
    'detection:', //                                 5
    '    selection:', //                             6
    '        dst_port: 104', //                      7
    '    filter:', //                                8
    `        ${line}`, //                            9
    '    condition: selection and not filter', //    10
  ].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------------------------
describe('rule values the engine would never match are located errors', () => {
  it.each([
    ['protocol: tpc', "field 'protocol'", "'tpc' is not a protocol"],
    ['protocol: frobnicate', "field 'protocol'", "'frobnicate' is not a protocol"],
  ])('%s', (line, field, construct) => {
    const e = compileError(withFilterLine(line));
    expect(e.message).toMatch(/^t\.yml:9:\d+: /);
    for (const piece of ["rule 't'", field, construct]) expect(e.message).toContain(piece);
  });

  // Sigma's wildcards are patterns over the field's text (the canonical address, the port's digits, the keyword).
  it.each([
    ["protocol: 'tc*'", { protocol: 'tcp' }, { protocol: 'udp' }],
    ["protocol: 'TC?'", { protocol: 'tcp' }, { protocol: 'tcpx' }],
    ["action: 'den*'", { action: 'deny' }, { action: 'drop' }],
    ["action: '*'", { action: 'reset' }, {}],
    ["src_ip: '10.0.0.*'", { srcIp: '10.0.0.77' }, { srcIp: '10.0.1.7' }],
    ["dst_ip: '10.0.0.?'", { dstIp: '10.0.0.7' }, { dstIp: '10.0.0.77' }],
    ["src_port: '10*'", { srcPort: 1024 }, { srcPort: 2010 }],
    ["dst_port: '1?4'", { dstPort: 104 }, { dstPort: 1004 }],
    ["src_port|contains: '11'", { srcPort: 51115 }, { srcPort: 104 }],
    ["src_ip|startswith: '2001:DB8:'", { srcIp: '2001:db8::7' }, { srcIp: '2001:db9::7' }],
    ["src_ip|endswith: '.7'", { srcIp: '192.0.2.7' }, { srcIp: '192.0.2.17' }],
    ["dvc|cased: 'FW\\*1'", { device: 'FW*1' }, { device: 'fw*1' }],
    ["dvc|cased: 'FW*'", { device: 'FW-7' }, { device: 'fw-7' }],
    ["dvc: 'FW\\*1'", { device: 'fw*1' }, { device: 'fw-1' }],
  ])('%s is a pattern: it matches %j, not %j', (line, hit, miss) => {
    const plans = compileRules(parseSigmaText(withFilterLine(line).replace('and not filter', 'and filter'), 't.yml'), STRICT);
    const base = { time: 0, srcIp: '192.0.2.1', dstIp: '10.0.0.1', dstPort: 104, format: 'x', file: 'x', line: 1 };
    const fires = (extra: object) => evaluate(plans, [{ ...base, ...extra } as NetworkEvent], { trusted: true }).length === 1;
    expect(fires(hit)).toBe(true);
    expect(fires(miss)).toBe(false);
  });

  it('real protocol spellings still compile, to the event model value', () => {
    const values = (line: string) => {
      const [plan] = compileRules(parseSigmaText(withFilterLine(line), 't.yml'), STRICT);
      const filter = plan!.filter as { items: Predicate[] };
      return (filter.items[1] as { item: { values: unknown[] } }).item.values;
    };
    expect(values('protocol: [TCP, 6, icmpv6, "17", 61, sctp]')).toEqual(['tcp', 'ipv6-icmp', 'udp', '61', 'sctp']);
  });
});

// ---------------------------------------------------------------------------------------------------------------
const CORRELATED = [
  'title: Base', //                 1
  'name: base_rule', //             2
  'logsource:', //                  3
  '    category: firewall', //      4
  'detection:', //                  5
  '    selection:', //              6
  '        dst_port: 104', //       7
  '    condition: selection', //    8
  'level: low', //                  9
  '---', //                         10
  'title: Corr', //                 11
  'name: corr_rule', //             12
  'correlation:', //                13
  '    type: event_count', //       14
  '    rules:', //                  15
  '        - base_rule', //         16
  '    group-by:', //               17
  '        - src_ip', //            18
  '    timespan: 1h', //            19
  '    condition:', //              20
  '        gte: 2', //              21
  'level: high', //                 22
].join('\n') + '\n';

describe("a correlation's generate: true is honoured", () => {
  const withGenerate = (value: string) => CORRELATED.replace('    timespan: 1h', `    timespan: 1h\n    generate: ${value}`);
  const ev = (srcIp: string): NetworkEvent => ({
    time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp, dstIp: '10.1.2.3', dstPort: 104, format: 'test', file: 'x', line: 1,
  });

  it('generate: true → the referenced detection alerts on its own too', () => {
    const plans = compileRules(parseSigmaText(withGenerate('true'), 'g.yml'), STRICT);
    expect(plans.map((p) => [p.rule.name, p.rule.level])).toEqual([['corr_rule', 'high'], ['base_rule', 'low']]);
    const alerts = evaluate(plans, [ev('203.0.113.7'), ev('203.0.113.7'), ev('198.51.100.9')]);
    expect(alerts.map((a) => `${a.rule} ${a.srcIp} ${a.count}`)).toEqual([
      'corr_rule 203.0.113.7 2',
      // the detection alone: one alert per matching event
      'base_rule 198.51.100.9 1',
      'base_rule 203.0.113.7 1',
      'base_rule 203.0.113.7 1',
    ]);
    expect(renderKqlRules(plans, NE).match(/^\/\/ /gm)).toHaveLength(2);
  });

  it('generate: false or absent → only the correlation alerts (Sigma default)', () => {
    for (const text of [CORRELATED, withGenerate('false')]) {
      expect(compileRules(parseSigmaText(text, 'g.yml'), STRICT).map((p) => p.rule.name)).toEqual(['corr_rule']);
    }
  });

  it('a detection stays quiet when any correlation referencing it does not generate (as pySigma)', () => {
    const second = CORRELATED.split('---\n')[1]!.replace('corr_rule', 'corr_two');
    const text = `${withGenerate('true')}---\n${second}`;
    expect(compileRules(parseSigmaText(text, 'g.yml'), STRICT).map((p) => p.rule.name)).toEqual(['corr_rule', 'corr_two']);
  });

  it("generate that is not a boolean, and an unknown correlation key, are located errors", () => {
    const e = compileError(withGenerate("'yes'"), 'g.yml');
    expect(e.line).toBe(20);
    expect(e.message).toContain("rule 'corr_rule': correlation 'generate' must be true or false");
    const u = compileError(CORRELATED.replace('    timespan: 1h', '    timespan: 1h\n    window: 2h'), 'u.yml');
    expect(u.line).toBe(20);
    expect(u.message).toContain("correlation key 'window' is not supported");
  });
});

// ---------------------------------------------------------------------------------------------------------------
const DENY_RULE = [
  'title: Denied DICOM', //         1
  'name: deny_rule', //             2
  'logsource:', //                  3
  '    category: firewall', //      4
  'detection:', //                  5
  '    selection:', //              6
  '        dst_port: 104', //       7
  '        action: deny', //        8
  '    condition: selection', //    9
].join('\n') + '\n';

/** A table with an action column (the CommonSecurityLog sketch of test/kql.test.ts). */
const WITH_ACTION: KqlTableProfile = {
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

describe('check and kql agree on what renders', () => {
  it('renderKql names the rule file:line:col of the field, the table and the field (KqlEmitError is a DicomwatchError)', () => {
    const [plan] = compileRules(parseSigmaText(DENY_RULE, 'deny.yml'), STRICT);
    let err: unknown;
    try {
      renderKql(plan!, NE);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KqlEmitError);
    expect(err).toBeInstanceOf(DicomwatchError);
    expect(err).toMatchObject({ code: 'BAD_RULE', subject: 'deny.yml', table: 'NetworkEvent', field: 'action', rule: 'deny_rule' });
    expect((err as Error).message).toMatch(/^deny\.yml:8:17: rule 'deny_rule': field 'action' \(used in equals\(action\)\) is not available in KQL table 'NetworkEvent'/);
  });

  it('kql on a rule the table cannot express: exit 2, one located line, no stack', async () => {
    const file = ruleFile('deny/deny.yml', DENY_RULE);
    const r = await runCli(['kql', '--rules', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')).toHaveLength(2); // one line + the final newline
    expect(r.stderr).toMatch(new RegExp(`^dicomwatch: ${file}:8:17: rule 'deny_rule': field 'action' .*'NetworkEvent'`));
    expect(r.stderr).not.toContain('    at ');
  });

  it('check reports the same rule as a warning naming each table that cannot render it (others can): exit 0', async () => {
    const file = ruleFile('deny/deny.yml', DENY_RULE);
    const r = await runCli(['check', file]);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines[0]).toMatch(new RegExp(`^${file}:8:17: warning: rule 'deny_rule': field 'action' .*'NetworkEvent'`));
    expect(lines[1]).toMatch(new RegExp(`^${file}:8:17: warning: rule 'deny_rule': .*'DeviceNetworkEvents' has no equivalent`));
    expect(lines[2]).toBe(`${file}: ok (1 documents, 2 warnings)`);
  });

  it('a rule some tables render and others do not is a warning per table that cannot; none can → an error', () => {
    const [plan] = compileRules(parseSigmaText(DENY_RULE, 'deny.yml'), STRICT);
    const some = kqlProblems([plan!], [NE, WITH_ACTION]);
    const at = { file: 'deny.yml', line: 8, col: 17 };
    expect(some).toEqual([
      { severity: 'warning', text: expect.stringMatching(/^deny\.yml:8:17: warning: rule 'deny_rule': field 'action' .*KQL table 'NetworkEvent'/), at },
    ]);
    const none = kqlProblems([plan!], [NE]);
    expect(none).toEqual([
      { severity: 'error', text: expect.stringMatching(/^deny\.yml:8:17: rule 'deny_rule': field 'action' .*KQL table 'NetworkEvent'/), at },
    ]);
    const [fine] = compileRules(parseSigmaText(DENY_RULE.replace('        action: deny\n', ''), 'ok.yml'), STRICT);
    expect(kqlProblems([fine!], [NE, WITH_ACTION])).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('check reports every problem', () => {
  const TWO_DEFECTS = [
    'title: Two Defects', //               1
    'name: two_defects', //                2
    'logsource:', //                       3
    '    category: firewall', //           4
    'detection:', //                       5
    '    selection:', //                   6
    '        dst_port: 70000', //          7
    '        Image: foo.exe', //           8
    '    condition: selection', //         9
    'level: urgent', //                    10
    '---', //                              11
    'title: Bad Timespan', //              12
    'name: bad_timespan', //               13
    'correlation:', //                     14
    '    type: event_count', //            15
    '    rules: two_defects', //           16
    '    group-by: [src_ip]', //           17
    '    timespan: 1 hour', //             18
    '    condition: {gte: 1}', //          19
  ].join('\n') + '\n';

  it('compileRulesReport collects every RuleError, in file order, and the plans of the rules that compile', () => {
    const good = 'title: G\nname: good\nlogsource:\n    category: firewall\ndetection:\n    selection:\n        dst_port: 104\n    condition: selection\n';
    const rules = [...parseSigmaText(TWO_DEFECTS, 'a.yml'), ...parseSigmaText(good, 'b.yml')];
    const { plans, errors } = compileRulesReport(rules, STRICT);
    expect(errors.map((e) => `${e.file}:${e.line}`)).toEqual(['a.yml:7', 'a.yml:8', 'a.yml:10', 'a.yml:18']);
    expect(plans.map((p) => p.rule.name)).toEqual(['good']);
    // compileRules still throws, the first of them
    expect(() => compileRules(rules, STRICT)).toThrow(/^a\.yml:7:19: /);
  });

  it('check DIR: one line per problem of every file, file:line:col: message; exit 1', async () => {
    const dir = join(TMP, 'every');
    const a = ruleFile('every/a.yml', TWO_DEFECTS);
    const b = ruleFile('every/b.yml', withFilterLine('protocol: tpc'));
    const c = ruleFile('every/c.yml', 'title: [unclosed\n---\n' + DENY_RULE);
    const r = await runCli(['check', dir]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.map((l) => l.replace(/: .*/s, ''))).toEqual([
      `${a}:7:19`, `${a}:8:9`, `${a}:10:8`, `${a}:10:8`, `${a}:16:12`, `${a}:18:15`, `${b}:9:19`, `${c}:2:1`, `${c}:10:17`, `${c}:10:17`,
    ]);
    expect(lines[0]).toContain("'70000' is not a port");
    expect(lines[1]).toContain("unknown field 'Image'");
    expect(lines[2]).toContain('Sigma detection schema: /level: must be one of "informational"'); // the specification's schema
    expect(lines[3]).toContain("level 'urgent'");
    expect(lines[4]).toContain('Sigma correlation schema: /correlation/rules: must be array');
    expect(lines[5]).toContain("timespan '1 hour'");
    expect(lines[6]).toContain("'tpc' is not a protocol");
    expect(lines[7]).toContain('YAML');
    expect(lines[8]).toContain("warning: rule 'deny_rule': field 'action'"); // NetworkEvent has no action column
    expect(lines[9]).toContain("'DeviceNetworkEvents' has no equivalent"); // it logs connections, not firewall decisions: no deny
  });

  it('a directory with no rules is an error, as in scan: exit 2', async () => {
    const empty = join(TMP, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(join(empty, 'notes.txt'), 'not a rule\n');
    const r = await runCli(['check', empty]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe(`${empty}: no Sigma rules (looked for *.yml, *.yaml)\n`);
  });

  it('an unreadable path says why (ENOENT, EISDIR); a missing path is exit 2 even beside bad rules', async () => {
    const dir = join(TMP, 'unreadable');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    ruleFile('unreadable/sub/ok.yml', DENY_RULE.replace('        action: deny\n', ''));
    symlinkSync(join(dir, 'sub'), join(dir, 'linked.yml'));
    const r = await runCli(['check', dir, 'no/such/file.yml', 'test/data/rules/bad-cidr.yml']);
    expect(r.code).toBe(2);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual([
      `${join(dir, 'linked.yml')}: cannot read (EISDIR: illegal operation on a directory)`,
      'no/such/file.yml: cannot read (ENOENT: no such file or directory)',
      "test/data/rules/bad-cidr.yml:13:15: rule 'bad_cidr', field 'src_ip': '10.0.0.0/33' is not a CIDR",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------
async function loadError(...args: Parameters<typeof loadRules>): Promise<DicomwatchError> {
  try {
    await loadRules(...args);
  } catch (e) {
    expect(e).toBeInstanceOf(DicomwatchError);
    return e as DicomwatchError;
  }
  throw new Error('loadRules succeeded');
}

describe('loadRules: typed errors naming the path or the option', () => {
  it('a missing path, a directory without rules: RULES_UNREADABLE with the path and the errno code', async () => {
    const missing = join(TMP, 'nope');
    const e = await loadError(missing, {}, STRICT);
    expect(e).toMatchObject({ code: 'RULES_UNREADABLE', subject: missing });
    expect(e.message).toContain(missing);
    expect(e.message).toContain('ENOENT');
    const empty = join(TMP, 'no-rules');
    mkdirSync(empty, { recursive: true });
    expect(await loadError(empty, {}, STRICT)).toMatchObject({ code: 'RULES_UNREADABLE', subject: empty, message: expect.stringContaining('no Sigma rules') });
  });

  it.each<[string, Parameters<typeof loadRules>[1], NetworkPolicy, string, string]>([
    ['allow', { allow: ['10.0.0.0/33'] }, STRICT, 'allow', '10.0.0.0/33'],
    ['allow (not a list)', { allow: '10.0.0.0/8' as unknown as string[] }, STRICT, 'allow', '10.0.0.0/8'],
    ['internal', {}, { semantics: 'strict', internal: ['fd12::/129'] }, 'internal', 'fd12::/129'],
    ['ports out of range', { ports: [104, 70000] }, STRICT, 'ports', '70000'],
    ['ports not integers', { ports: [104.5] }, STRICT, 'ports', '104.5'],
    ['ports zero', { ports: [0] }, STRICT, 'ports', "'0'"],
    ['ports empty', { ports: [] }, STRICT, 'ports', 'at least one'],
    ['semantics', {}, { semantics: 'loose' as 'kql', internal: [] }, 'semantics', 'loose'],
  ])('BAD_OPTION: %s', async (_name, options, network, option, value) => {
    const e = await loadError('rules/', options, network);
    expect(e).toMatchObject({ code: 'BAD_OPTION', subject: option });
    expect(e.message).toContain(option);
    expect(e.message).toContain(value);
  });

  it('valid option values are canonicalised before they reach the plans', async () => {
    const { plans } = await loadRules('rules/', { allow: ['198.51.100.7/24'], ports: [104, 104, 11112] }, { semantics: 'strict', internal: ['2001:DB8::/32'] });
    expect(plans[0]!.network).toEqual({ semantics: 'strict', internal: ['2001:db8::/32'] });
    expect(JSON.stringify(plans[0]!.filter)).toContain('"cidrs":["198.51.100.0/24"]');
    expect(JSON.stringify(plans[0]!.filter)).toContain('"values":[104,11112]');
  });
});

// ---------------------------------------------------------------------------------------------------------------
describe('engine.push: events from a library caller are validated and canonicalised', () => {
  let plans: QueryPlan[];
  beforeAll(async () => {
    plans = (await loadRules('rules/dicom-external-access.yml', {}, STRICT)).plans;
  });
  const base = { time: '2026-03-16T10:00:00Z', dstIp: '10.1.2.3', dstPort: 104, format: 'lib', file: 'lib', line: 1 };

  it('two spellings of one address are one group; time, ports, protocol and action take their canonical form', () => {
    const engine = createEngine(plans);
    engine.push({ ...base, srcIp: '2001:DB8:0:0::1', action: 'DENY' as 'deny', protocol: 'TCP' });
    engine.push({ ...base, srcIp: '2001:db8::1', time: '2026-03-16 10:30:00', dstPort: '104' as unknown as number, action: 'allow' });
    const alerts = engine.end();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      srcIp: '2001:db8::1', count: 2, firstSeen: '2026-03-16T10:00:00.000Z', lastSeen: '2026-03-16T10:30:00.000Z',
      dstPorts: [104], actions: { allow: 1, deny: 1 },
    });
  });

  it('a protocol rule matches a caller event spelled TCP or 6', () => {
    const text = withFilterLine('protocol: tcp').replace('and not filter', 'and filter');
    const tcp = compileRules(parseSigmaText(text, 'p.yml'), STRICT);
    const alerts = evaluate(tcp, [{ ...base, srcIp: '203.0.113.7', protocol: 'TCP' }, { ...base, srcIp: '203.0.113.7', protocol: 6 as unknown as string }]);
    expect(alerts.map((a) => a.protocol)).toEqual(['tcp', 'tcp']);
  });

  it('absent and null optional fields are absent', () => {
    const engine = createEngine(plans);
    engine.push({ ...base, srcIp: '203.0.113.7', action: null, device: null, protocol: null, srcPort: null } as unknown as NetworkEvent);
    expect(engine.end()[0]).toMatchObject({ count: 1, actions: {}, devices: [] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['time', { time: 'yesterday' }, 'yesterday'],
    ['time', { time: Number.NaN }, 'null'],
    ['time', { time: [1_773_655_200_000] }, '[1773655200000]'],
    ['srcIp', { srcIp: '10.0.0.999' }, '10.0.0.999'],
    ['srcIp', { srcIp: undefined }, 'missing'],
    ['dstIp', { dstIp: ' 10.1.2.3' }, ' 10.1.2.3'],
    ['dstPort', { dstPort: 70000 }, '70000'],
    ['dstPort', { dstPort: 104.5 }, '104.5'],
    ['dstPort', { dstPort: '104abc' }, '104abc'],
    ['srcPort', { srcPort: -1 }, '-1'],
    ['protocol', { protocol: 300 }, '300'],
    ['protocol', { protocol: '' }, '""'],
    ['protocol', { protocol: 'tpc' }, 'tpc'], // no IANA keyword: a typo a rule could never name
    ['protocol', { protocol: '-1' }, '-1'],
    ['action', { action: 'maybe' }, 'maybe'],
    ['device', { device: 42 }, '42'],
  ])('BAD_EVENT naming %s: %j', (field, change, value) => {
    const engine = createEngine(plans);
    const event = { ...base, srcIp: '203.0.113.7', ...change } as unknown as NetworkEvent;
    let err: unknown;
    try {
      engine.push(event);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DicomwatchError);
    expect(err).toMatchObject({ code: 'BAD_EVENT', subject: field });
    expect((err as Error).message).toContain(field);
    expect((err as Error).message).toContain(value);
    expect(engine.info.events).toBe(0); // a refused event is not counted
  });

  it('not an object at all is BAD_EVENT too', () => {
    expect(() => createEngine(plans).push(null as unknown as NetworkEvent)).toThrow(DicomwatchError);
  });

  it('the trusted path (dicomwatch\'s own parsers) skips validation: canonical input is the caller\'s promise', () => {
    const engine = createEngine(plans, { trusted: true });
    engine.push({ ...base, time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp: '2001:DB8:0:0::1' });
    engine.push({ ...base, time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp: '2001:db8::1' });
    expect(engine.end().map((a) => a.srcIp).sort()).toEqual(['2001:DB8:0:0::1', '2001:db8::1']);
    expect(evaluate(plans, [{ ...base, time: Date.parse('2026-03-16T10:00:00.000Z'), srcIp: '203.0.113.7' }], { trusted: true })).toHaveLength(1);
  });
});
