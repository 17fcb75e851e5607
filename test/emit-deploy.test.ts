// Deployable Sentinel artefacts (kql --format analytics-rule|arm) and --lookback: structure against Microsoft's
// published field lists (test/data/sentinel, sources in its README), embedded queries against Microsoft's parser.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { KQL_TABLES, kqlTable } from '../src/emit/kql/tables.js';
import { renderKql } from '../src/emit/kql/render.js';
import { isoDuration, parseKqlTimespan } from '../src/emit/kql/timespan.js';
import { attackFromTags, parentTechniques } from '../src/emit/deploy/attack.js';
import { DICOMWATCH_RULE_NAMESPACE, URL_NAMESPACE, uuidV5 } from '../src/emit/deploy/uuid.js';
import {
  armLiteral,
  DeployError,
  renderAnalyticsRules,
  renderArmTemplate,
  sentinelRuleId,
  sentinelScheduledRule,
} from '../src/emit/deploy/sentinel.js';
import { loadRules } from '../src/rules/load.js';
import { REFERENCE_RULE } from './helpers/reference.js';
import type { QueryPlan, Semantics } from '../src/rules/plan.js';
import { analyzeKql } from './helpers/kusto.js';
import { cli } from './helpers/cli.js';

const RESULT = ['SourceIP:string', 'DestinationIP:string', 'TimeGenerated:datetime', 'count_:long'];
const TABLES = Object.values(KQL_TABLES);
const DAY = 86_400_000;

function schema(name: string): object {
  return JSON.parse(readFileSync(new URL(`./data/sentinel/${name}`, import.meta.url), 'utf8')) as object;
}
const ajv = new Ajv2020({ strict: false, allErrors: true });
const validateDetection = ajv.compile(schema('detections-scheduled-rule.schema.json'));
const validateArm = ajv.compile(schema('arm-scheduled-alert-rule.schema.json'));

async function shipped(semantics: Semantics, internal: string[] = []): Promise<QueryPlan[]> {
  return (await loadRules(REFERENCE_RULE, {}, { semantics, internal })).plans;
}

function expectClean(query: string, table: string, columns: string[] | null = RESULT): void {
  const r = analyzeKql(query, table);
  expect(r.diagnostics, query).toEqual([]);
  if (columns) expect(r.resultColumns, query).toEqual(columns);
}

/** Detections time span (`<n><m|h|d>`, ScheduledTemplateTimeSpanConverter) in milliseconds. */
function detectionsMs(text: string): number {
  const m = /^([0-9]+)([mhd])$/.exec(text)!;
  return Number(m[1]) * { m: 60_000, h: 3_600_000, d: DAY }[m[2] as 'm' | 'h' | 'd'];
}

beforeAll(() => {
  analyzeKql('print 1', 'NetworkEvent');
});

describe('UUID v5 (stable analytics-rule ids)', () => {
  it('matches the RFC 9562 / Python uuid5 vector: uuid5(NAMESPACE_DNS, "python.org")', () => {
    expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'python.org')).toBe('886313e1-3b8a-5372-9b90-0c9aee199e5d');
  });

  it('dicomwatch\'s namespace is the UUID v5 of its URN in the URL namespace', () => {
    expect(DICOMWATCH_RULE_NAMESPACE).toBe(uuidV5(URL_NAMESPACE, 'urn:dicomwatch:sentinel-analytics-rule'));
  });

  it('is the same on every run, differs per table and per rule', async () => {
    const [plan] = await shipped('strict');
    const ids = TABLES.map((t) => sentinelRuleId(plan!, t));
    expect(new Set(ids).size).toBe(TABLES.length);
    expect(TABLES.map((t) => sentinelRuleId(plan!, t))).toEqual(ids);
    const other = { ...plan!, rule: { ...plan!.rule, id: '00000000-0000-4000-8000-000000000001' } };
    expect(sentinelRuleId(other, TABLES[0]!)).not.toBe(ids[0]);
  });
});

describe('ATT&CK tags', () => {
  it('tactic and technique tags map to Sentinel names; other tags are dropped', () => {
    expect(attackFromTags(['attack.initial-access', 'attack.t1190', 'attack.collection', 'attack.command_and_control', 'attack.t1059.001', 'cve.2021-1234', 'attack.g0016', 'attack.initial-access'])).toEqual({
      tactics: ['InitialAccess', 'Collection', 'CommandAndControl'],
      techniques: ['T1190', 'T1059.001'],
    });
    expect(parentTechniques(['T1059.001', 'T1059', 'T1190'])).toEqual(['T1059', 'T1190']);
  });

  it('the shipped rule carries its base detection\'s tags and description through the plan', async () => {
    const [plan] = await shipped('strict');
    expect(plan!.rule.tags).toEqual(['attack.initial-access', 'attack.t1190', 'attack.collection']);
    expect(plan!.rule.description).toMatch(/^Counts inbound DICOM connections/);
  });
});

describe('--lookback: KQL timespans parsed and re-printed', () => {
  it.each([
    ['1d', DAY], ['12h', 12 * 3_600_000], ['1.5h', 5_400_000], ['30m', 1_800_000], ['90s', 90_000], ['500ms', 500],
    [' 2days ', 2 * DAY], ['1hour', 3_600_000], ['10min', 600_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseKqlTimespan(text)).toBe(ms);
  });

  it.each([
    ['1d | take 1'], ['1d\n| take 1'], ['1D'], ['d'], ['1'], ['-1d'], ['0d'], ['1.0000001s'], ['１d'], ['1d;'], ['time(1d)'],
    ['3651d'], ['1e3d'], ['1 d'], [''], ['1d\u202e'], ['0x10h'],
  ])('%j is refused', (text) => {
    expect(() => parseKqlTimespan(text)).toThrow(/timespan|milliseconds|longer/);
  });

  it('ISO 8601 durations for ARM', () => {
    expect([3_600_000, DAY, 300_000, DAY + 12 * 3_600_000, 90_000].map(isoDuration)).toEqual(['PT1H', 'P1D', 'PT5M', 'P1DT12H', 'PT1M30S']);
  });

  for (const table of TABLES) {
    for (const semantics of ['strict', 'kql'] as const) {
      it(`${table.name}, ${semantics}: the time filter, zero diagnostics, the contract's columns`, async () => {
        const [plan] = await shipped(semantics, ['198.18.0.0/15']);
        const query = renderKql(plan!, table, { lookbackMs: 36 * 3_600_000 });
        expectClean(query, table.name);
        const lines = query.split('\n');
        const source = lines.findIndex((l) => l.startsWith(table.source));
        if (table.call?.timeRange) {
          expect(lines[source]).toMatch(/^_Im_NetworkSession\(starttime = ago\(36h\), endtime = now\(\), dstportnumber = DICOMPort\)$/);
          expect(query).not.toContain('| where TimeGenerated > ago');
        } else {
          expect(lines[source]).toBe(table.source);
          expect(lines[source + 1]).toBe('| where TimeGenerated > ago(36h)');
        }
        // without --lookback the query is what it was
        expect(renderKql(plan!, table)).toBe(query.replace(/\| where TimeGenerated > ago\(36h\)\n/, '').replace('starttime = ago(36h), endtime = now(), ', ''));
      });
    }
  }
});

describe('kql --format analytics-rule (Azure-Sentinel Detections YAML)', () => {
  for (const table of TABLES) {
    for (const semantics of ['strict', 'kql'] as const) {
      it(`${table.name}, ${semantics}: valid against the Detections field list; the query passes Microsoft's parser`, async () => {
        const plans = await shipped(semantics);
        const text = renderAnalyticsRules(plans, table, { lookbackMs: DAY });
        const docs = parseAllDocuments(text);
        expect(docs).toHaveLength(1);
        const rule = docs[0]!.toJS() as Record<string, unknown>;
        expect(validateDetection(rule), JSON.stringify(validateDetection.errors)).toBe(true);
        expect(Object.keys(rule)).toEqual([
          'id', 'name', 'description', 'severity', 'requiredDataConnectors', 'queryFrequency', 'queryPeriod',
          'triggerOperator', 'triggerThreshold', 'tactics', 'relevantTechniques', 'query', 'entityMappings', 'eventGroupingSettings', 'version', 'kind',
        ]);
        expect(rule.eventGroupingSettings).toEqual({ aggregationKind: 'AlertPerResult' }); // one Sentinel alert per row, as scan's per group
        expect(rule.id).toBe(sentinelRuleId(plans[0]!, table));
        // a day of whole hours, read once a day (each hour judged once): the period reaches back over it, the hour
        // before its end and the ingestion delay, in whole hours (24 + 1 + 10 min → 26h)
        expect(rule).toMatchObject({
          severity: 'High', queryFrequency: '1d', queryPeriod: '26h', triggerOperator: 'gt', triggerThreshold: 0,
          tactics: ['InitialAccess', 'Collection'], relevantTechniques: ['T1190'], kind: 'Scheduled', version: '1.0.0',
          entityMappings: [
            { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'SourceIP' }] },
            { entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName: 'DestinationIP' }] },
          ],
        });
        // PeriodGreaterThanOrEqualFrequency and RangeTimeSpanIsoFormat(5m, 14d)
        const frequency = detectionsMs(String(rule.queryFrequency));
        const period = detectionsMs(String(rule.queryPeriod));
        expect(period).toBeGreaterThanOrEqual(frequency);
        for (const ms of [frequency, period]) expect(ms >= 300_000 && ms <= 14 * DAY).toBe(true);
        expect(rule.requiredDataConnectors).toEqual((table.connectors ?? []).map((c) => ({ connectorId: c.connectorId, dataTypes: [...c.dataTypes] })));
        expect(rule.query).toBe(renderKql(plans[0]!, table, { window: { binMs: 3_600_000, spanMs: DAY, delayMs: 600_000 } }));
        expect(rule.query).toContain(table.call?.timeRange
          ? 'starttime = bin(now() - 10m, 1h) - 1d, endtime = bin(now() - 10m, 1h) - 1tick'
          : '\n| where TimeGenerated >= bin(now() - 10m, 1h) - 1d and TimeGenerated < bin(now() - 10m, 1h)\n');
        expectClean(String(rule.query), table.name);
        // the query and the description are literal blocks, as in the repository
        expect(text).toMatch(/^query: \|-?\n {2}let /m);
      });
    }
  }

  it('several rules: one document each, each valid', async () => {
    const [plan] = await shipped('strict');
    const second = { ...plan!, rule: { ...plan!.rule, id: undefined, name: 'second-rule', title: 'Second' } } as QueryPlan;
    const docs = parseAllDocuments(renderAnalyticsRules([plan!, second], kqlTable('AWSVPCFlow')));
    expect(docs).toHaveLength(2);
    for (const d of docs) expect(validateDetection(d.toJS())).toBe(true);
    // and the schema can fail: a severity Sentinel does not have, a time span in ISO form, an unknown field
    const rule = docs[0]!.toJS() as Record<string, unknown>;
    expect(validateDetection({ ...rule, severity: 'Critical' })).toBe(false);
    expect(validateDetection({ ...rule, queryFrequency: 'PT1H' })).toBe(false);
    expect(validateDetection({ ...rule, techniques: ['T1190'] })).toBe(false);
  });

  it('a hostile title and description stay inside their scalars', async () => {
    const [plan] = await shipped('strict');
    const title = 'x\n---\nkind: NRT\n# "quoted" \'single\' : colon [ ] { } & * ! | > % @ `';
    const description = 'line one\nquery: print 1\n\u2028tail\\';
    const evil = { ...plan!, rule: { ...plan!.rule, title, description } } as QueryPlan;
    const docs = parseAllDocuments(renderAnalyticsRules([evil], kqlTable('NetworkEvent')));
    expect(docs).toHaveLength(1);
    const rule = docs[0]!.toJS() as Record<string, unknown>;
    expect(rule.kind).toBe('Scheduled');
    expect(rule.name).toBe(title.replace(/\r\n?/g, '\n').trim());
    expect(rule.description).toBe(description);
    expect(validateDetection(rule)).toBe(true);
  });

  it('frequency and period outside Sentinel\'s 5m-14d, or a period shorter than the frequency, are refused', async () => {
    const [plan] = await shipped('strict');
    const table = kqlTable('NetworkEvent');
    expect(() => sentinelScheduledRule(plan!, table, { lookbackMs: 14 * DAY })).toThrow(DeployError); // 14d + 2h
    expect(() => sentinelScheduledRule(plan!, table, { lookbackMs: 14 * DAY })).toThrow(/query period .* must be between 5m and 14d/);
    expect(sentinelScheduledRule(plan!, table, { lookbackMs: 13 * DAY })).toMatchObject({ queryPeriodMs: 13 * DAY + 2 * 3_600_000 });
    expect(() => sentinelScheduledRule(plan!, table, { lookbackMs: 30 * 60_000 })).toThrow(/not be shorter/);
    // without --lookback: one hour read once an hour; with 2h: two hours read every two hours (no hour twice)
    expect(sentinelScheduledRule(plan!, table)).toMatchObject({ queryFrequencyMs: 3_600_000, queryPeriodMs: 3 * 3_600_000 });
    expect(sentinelScheduledRule(plan!, table, { lookbackMs: 2 * 3_600_000 })).toMatchObject({ queryFrequencyMs: 2 * 3_600_000, queryPeriodMs: 4 * 3_600_000 });
    expect(() => sentinelScheduledRule({ ...plan!, binMs: 60_000 }, table)).toThrow(/between 5m and 14d/);
    expect(() => sentinelScheduledRule({ ...plan!, binMs: 3_600_500 }, table)).toThrow(/whole number of minutes/);
    expect(() => sentinelScheduledRule(plan!, table, { lookbackMs: 90 * 60_000 })).toThrow(/--lookback must be a whole number of the rule's timespan \(1h\): the query reads whole buckets/);
  });

  it('a rule without a correlation (one alert per event) runs as often as it looks back: --lookback, else 1h', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-deploy-'));
    const file = join(dir, 'per-event.yml');
    writeFileSync(file, 'title: DICOM from anywhere\nid: 55555555-5555-4555-8555-555555555555\nname: per_event\nstatus: experimental\n' +
      'logsource:\n    category: firewall\ndetection:\n    selection:\n        dst_port: 104\n    condition: selection\nlevel: high\n');
    const plans = (await loadRules(file, {}, { semantics: 'strict', internal: [] })).plans;
    rmSync(dir, { recursive: true, force: true });
    const table = kqlTable('CommonSecurityLog');
    // the window is its bucket: read once, whole, after the ingestion delay (period: the window, one more and 10 min)
    expect(sentinelScheduledRule(plans[0]!, table)).toMatchObject({ queryFrequencyMs: 3_600_000, queryPeriodMs: 3 * 3_600_000 });
    expect(sentinelScheduledRule(plans[0]!, table).query).toContain('\n| where TimeGenerated >= bin(now() - 10m, 1h) - 1h and TimeGenerated < bin(now() - 10m, 1h)\n');
    expect(sentinelScheduledRule(plans[0]!, table, { lookbackMs: 15 * 60_000 })).toMatchObject({ queryFrequencyMs: 900_000, queryPeriodMs: 45 * 60_000 });
    const rule = parseAllDocuments(renderAnalyticsRules(plans, table, { lookbackMs: DAY }))[0]!.toJS() as Record<string, unknown>;
    expect(validateDetection(rule), JSON.stringify(validateDetection.errors)).toBe(true);
    expect(rule).toMatchObject({ queryFrequency: '1d', queryPeriod: '3d' });
    expectClean(String(rule.query), 'CommonSecurityLog', null);
    expect(() => sentinelScheduledRule(plans[0]!, table, { lookbackMs: 60_000 })).toThrow(/query frequency \(--lookback, for a rule without a correlation\) must be between 5m and 14d/);
  });

  it('critical maps to High (Sentinel has no higher severity)', async () => {
    const [plan] = await shipped('strict');
    const rule = sentinelScheduledRule({ ...plan!, rule: { ...plan!.rule, level: 'critical' } }, kqlTable('NetworkEvent'));
    expect(rule.severity).toBe('High');
  });
});

describe('kql --format arm (Microsoft.SecurityInsights/alertRules, kind Scheduled)', () => {
  for (const table of TABLES) {
    it(`${table.name}: valid against ScheduledAlertRuleProperties 2023-02-01; the query passes Microsoft's parser`, async () => {
      const plans = await shipped('strict', ['fd12:3456::/32']);
      const template = JSON.parse(renderArmTemplate(plans, table, { lookbackMs: 2 * 3_600_000 })) as {
        resources: { name: string; properties: Record<string, unknown> }[];
      };
      expect(validateArm(template), JSON.stringify(validateArm.errors)).toBe(true);
      const [resource] = template.resources;
      expect(resource!.name).toBe(sentinelRuleId(plans[0]!, table));
      expect(resource!.properties).toMatchObject({
        severity: 'High', enabled: true, queryFrequency: 'PT2H', queryPeriod: 'PT4H', triggerOperator: 'GreaterThan',
        triggerThreshold: 0, tactics: ['InitialAccess', 'Collection'], techniques: ['T1190'],
        eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
      });
      expectClean(String(resource!.properties.query), table.name);
    });
  }

  it('a string that ARM would evaluate as an expression is escaped with [[', async () => {
    expect(armLiteral("[concat('a')]")).toBe("[[concat('a')]");
    expect(armLiteral('plain [x]')).toBe('plain [x]');
    const [plan] = await shipped('strict');
    const evil = { ...plan!, rule: { ...plan!.rule, title: "[reference(resourceId('Microsoft.KeyVault/vaults','v')).vaultUri]", description: '[parameters(\'workspace\')]' } } as QueryPlan;
    const template = JSON.parse(renderArmTemplate([evil], kqlTable('NetworkEvent'))) as { resources: { properties: Record<string, string> }[] };
    expect(template.resources[0]!.properties.displayName).toBe("[[reference(resourceId('Microsoft.KeyVault/vaults','v')).vaultUri]");
    expect(template.resources[0]!.properties.description).toBe("[[parameters('workspace')]");
    expect(validateArm(template)).toBe(true);
  });

  it('a misspelt property fails the schema (the check can fail)', async () => {
    const template = JSON.parse(renderArmTemplate(await shipped('kql'), kqlTable('NetworkEvent'))) as { resources: { properties: Record<string, unknown> }[] };
    template.resources[0]!.properties.queryFrequencey = 'PT1H';
    expect(validateArm(template)).toBe(false);
  });
});

describe('dicomwatch kql --format / --lookback', () => {
  it('analytics-rule for CommonSecurityLog: the CEF connector, and the query the plain format prints but for its window of whole hours', async () => {
    const [yamlRun, kqlRun] = await Promise.all([
      cli(['kql', '--table', 'CommonSecurityLog', '--format', 'analytics-rule', '--lookback', '1d']),
      cli(['kql', '--table', 'CommonSecurityLog', '--lookback', '1d']),
    ]);
    expect(yamlRun.code).toBe(0);
    const rule = parseYaml(yamlRun.stdout) as Record<string, unknown>;
    expect(validateDetection(rule)).toBe(true);
    expect(rule.requiredDataConnectors).toEqual([{ connectorId: 'CEF', dataTypes: ['CommonSecurityLog'] }]);
    expect(`${String(rule.query)}\n`).toBe(kqlRun.stdout.replace(
      '\n| where TimeGenerated > ago(1d)\n',
      '\n| where TimeGenerated >= bin(now() - 10m, 1h) - 1d and TimeGenerated < bin(now() - 10m, 1h)\n',
    ));
    expectClean(kqlRun.stdout, 'CommonSecurityLog');
    expectClean(String(rule.query), 'CommonSecurityLog');
  });

  it('arm: a template with the workspace parameter', async () => {
    const run = await cli(['kql', '--format', 'arm', '--semantics', 'kql']);
    expect(run.code).toBe(0);
    const template = JSON.parse(run.stdout) as object;
    expect(validateArm(template)).toBe(true);
  });

  it('a lookback Sentinel cannot schedule is bad usage (exit 2), one line', async () => {
    const run = await cli(['kql', '--format', 'analytics-rule', '--lookback', '30d']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^dicomwatch: rule '[a-z-]+': the query frequency \(--lookback, else the rule's timespan\) must be between 5m and 14d/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
