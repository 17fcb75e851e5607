// Injection safety: every value that reaches a query is parsed and re-printed; a hostile one is refused with exit 2
// and one clear line (CLI) or a typed error (library), never pasted into KQL.
import { describe, expect, it } from 'vitest';
import { DicomwatchError } from '../src/errors.js';
import { KqlEmitError, renderKql } from '../src/emit/kql/render.js';
import { KQL_TABLES, kqlTable } from '../src/emit/kql/tables.js';
import { parseKqlTimespan } from '../src/emit/kql/timespan.js';
import { loadRules } from '../src/rules/load.js';
import { REFERENCE_RULE } from './helpers/reference.js';
import type { QueryPlan } from '../src/rules/plan.js';
import { analyzeKql } from './helpers/kusto.js';
import { cli } from './helpers/cli.js';

/** [option, hostile value]: each must be refused. */
const HOSTILE: readonly [string, string][] = [
  ['--internal', '10.0.0.0/8"]) | union SecurityEvent //'],
  ['--internal', '10.0.0.0/8\n| union SecurityEvent'],
  ['--internal', '10.0.0.0/8\u202e'],
  ['--internal', '１０.0.0.0/8'],
  ['--internal', '10.0.0.0/8\u200b'],
  ['--internal', "fd00::/8') | take 1"],
  ['--allow', '198.51.100.0/24"]); print 1; //'],
  ['--allow', '198.51.100.0/24\r\nlet x = 1;'],
  ['--allow', '::ffff:10.0.0.0/104 or true'],
  ['--ports', '104) | union SecurityEvent | where (1==1'],
  ['--ports', '104\n| take 1'],
  ['--ports', '0x68'],
  ['--ports', '１０４'],
  ['--ports', '104.0'],
  ['--ports', '65536'],
  ['--lookback', '1d | take 1'],
  ['--lookback', '1d\n| union SecurityEvent'],
  ['--lookback', 'ago(1d)'],
  ['--lookback', '1d) | take 1 //'],
  ['--lookback', '１d'],
  ['--lookback', '-1d'],
];

describe('hostile option values through the CLI: exit 2, one line naming the option, nothing on stdout', () => {
  for (const format of ['kql', 'analytics-rule', 'arm']) {
    it.each(HOSTILE)(`kql --format ${format} %s %j`, async (option, value) => {
      const run = await cli(['kql', '--format', format, `${option}=${value}`]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^dicomwatch: ${option}: `));
      // what cannot be seen is shown escaped, never raw
      expect(lines[0]).not.toMatch(/[\u0000-\u001f\u007f\u200b\u202e]/);
    });
  }

  it.each(HOSTILE.filter(([o]) => o !== '--lookback'))('scan %s %j is refused the same way', async (option, value) => {
    const run = await cli(['scan', 'fixtures/sentinel-export.csv', `${option}=${value}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`dicomwatch: ${option}: `));
  });
});

describe('hostile values through the library', () => {
  it.each(HOSTILE.filter(([o]) => o === '--internal' || o === '--allow'))('loadRules %s %j: BAD_OPTION', async (option, value) => {
    const network = { semantics: 'strict' as const, internal: option === '--internal' ? [value] : [] };
    const options = option === '--allow' ? { allow: [value] } : {};
    await expect(loadRules(REFERENCE_RULE, options, network)).rejects.toSatisfy(
      (e: unknown) => e instanceof DicomwatchError && e.code === 'BAD_OPTION',
    );
  });

  it.each(HOSTILE.filter(([o]) => o === '--ports'))('loadRules ports %s %j: BAD_OPTION', async (_, value) => {
    await expect(loadRules(REFERENCE_RULE, { ports: [value as unknown as number] }, { semantics: 'strict', internal: [] })).rejects.toSatisfy(
      (e: unknown) => e instanceof DicomwatchError && e.code === 'BAD_OPTION',
    );
  });

  it.each(HOSTILE.filter(([o]) => o === '--lookback'))('parseKqlTimespan %s %j throws', (_, value) => {
    expect(() => parseKqlTimespan(value)).toThrow(/KQL timespan|positive/);
  });

  it('a hand-built plan with hostile CIDRs, ports, numbers or lookback cannot be rendered (KqlEmitError)', async () => {
    const [plan] = (await loadRules(REFERENCE_RULE, {}, { semantics: 'strict', internal: [] })).plans;
    const table = kqlTable('NetworkEvent');
    const bad: QueryPlan[] = [
      { ...plan!, network: { ...plan!.network, internal: ['10.0.0.0/8"]) | union SecurityEvent //'] } },
      { ...plan!, filter: { kind: 'equals', field: 'dstPort', values: ['104 or 1==1'] } },
      { ...plan!, filter: { kind: 'cidr', field: 'srcIp', cidrs: ['1.2.3.4/32") or true //'] } },
      { ...plan!, threshold: { op: 'gte', value: Number.NaN } },
      { ...plan!, binMs: 1.5 },
    ];
    for (const p of bad) expect(() => renderKql(p, table)).toThrow(KqlEmitError);
    for (const lookbackMs of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => renderKql(plan!, table, { lookbackMs })).toThrow(KqlEmitError);
    }
  });

  it('string values are escaped by KQL\'s rules: Microsoft\'s parser reads them back as one literal, on every table', async () => {
    const [plan] = (await loadRules(REFERENCE_RULE, {}, { semantics: 'strict', internal: [] })).plans;
    const hostile = 'fw"01\\\n\t\'); SecurityEvent | take 1 // ü 😀';
    const p: QueryPlan = { ...plan!, filter: { kind: 'and', items: [plan!.filter, { kind: 'equals', field: 'device', values: [hostile] }] } };
    for (const table of Object.values(KQL_TABLES)) {
      if (!table.columns.device) continue;
      const query = renderKql(p, table);
      const r = analyzeKql(query, table.name);
      expect(r.diagnostics, query).toEqual([]);
      // the value appears once, as one double-quoted literal with \" \\ \n \t escapes, and the query is the same
      // number of statements as without it
      expect(query).toContain('"fw\\"01\\\\\\n\\t\'); SecurityEvent | take 1 // ü 😀"');
      expect(query.split('\n').filter((l) => !l.startsWith('|') && !l.startsWith('let ')).length).toBe(1);
    }
  });
});
