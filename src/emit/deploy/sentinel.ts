/**
 * Deployable Microsoft Sentinel artefacts for a rule's KQL: a scheduled analytics rule in the YAML layout of the
 * Azure-Sentinel repository's Detections folder (`kql --format analytics-rule`), and the same rule as an ARM template
 * resource `Microsoft.SecurityInsights/alertRules`, kind Scheduled (`kql --format arm`).
 *
 * Field names and limits follow the Azure-Sentinel repository's template validation models
 * (.script/tests/detectionTemplateSchemaValidation/Models: AnalyticsTemplateInternalModelBase,
 * ScheduledTemplateInternalModel, DataConnectorInternalModel, EntityMapping, FieldMapping, AttackTactic; time spans
 * as `<number><m|h|d>`, 5m to 14d, period not shorter than frequency) and the Microsoft.SecurityInsights REST API
 * 2023-02-01 (ScheduledAlertRuleProperties: ISO 8601 durations such as PT1H, triggerOperator GreaterThan…).
 *
 * - id: a UUID v5 of the rule's Sigma id (else its name) and the table, in dicomwatch's namespace: stable across
 *   runs, distinct per table, so re-deploying replaces the rule instead of copying it.
 * - severity: the Sigma level (critical → High: Sentinel has no higher severity).
 * - tactics / relevantTechniques: from the Sigma rule's `attack.*` tags (attack.ts).
 * - query: the table's KQL over whole buckets (windowSchedule); the query itself applies the rule's threshold, so the
 *   rule triggers on any row: `triggerOperator: gt`, `triggerThreshold: 0`.
 * - queryFrequency: the window of whole buckets, --lookback else the rule's bucket (1h for the shipped rule), so each
 *   bucket is judged once; queryPeriod: what that window reaches back to.
 *   A rule without a correlation (one alert per event) has no bucket: its window, --lookback else 1h, is one.
 * - entityMappings: an IP entity (identifier Address) for each address column the query returns.
 * - eventGroupingSettings: AlertPerResult, one alert per row, as `scan` gives one per group.
 */
import { Document, Scalar, isPair, isScalar, visit } from 'yaml';
import type { EventField, QueryPlan } from '../../rules/plan.js';
import type { Severity } from '../../model/alert.js';
import { renderKql } from '../kql/render.js';
import type { KqlRenderOptions } from '../kql/lookback.js';
import { KQL_OUTPUT_NAMES, type KqlTableProfile } from '../kql/tables.js';
import { isoDuration } from '../kql/timespan.js';
import { attackFromTags, parentTechniques } from './attack.js';
import { DICOMWATCH_RULE_NAMESPACE, uuidV5 } from './uuid.js';

/** What the artefacts are made of, in the Detections YAML's field order. */
export interface SentinelScheduledRule {
  id: string;
  name: string;
  description: string;
  severity: 'Informational' | 'Low' | 'Medium' | 'High';
  requiredDataConnectors: { connectorId: string; dataTypes: string[] }[];
  /** Milliseconds (rendered `1h` in YAML, `PT1H` in ARM). */
  queryFrequencyMs: number;
  queryPeriodMs: number;
  triggerOperator: 'gt';
  triggerThreshold: 0;
  tactics: string[];
  relevantTechniques: string[];
  query: string;
  entityMappings: { entityType: 'IP'; fieldMappings: { identifier: 'Address'; columnName: string }[] }[];
  /** One Sentinel alert per result row, as `scan` alerts per group (Sentinel's default puts a run's rows in one). */
  eventGroupingSettings: { aggregationKind: 'AlertPerResult' };
  version: string;
  kind: 'Scheduled';
}

export type DeployOptions = KqlRenderOptions;

/** A rule that cannot become a valid artefact (bad usage of the options or the rule: exit 2 in the CLI). */
export class DeployError extends Error {
  override name = 'DeployError';
}

const SEVERITY: Readonly<Record<Severity, SentinelScheduledRule['severity']>> = {
  informational: 'Informational',
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'High',
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/**
 * How long after a bucket ends a scheduled rule waits before it reads that bucket: rows reach a Log Analytics
 * workspace minutes after their TimeGenerated (Microsoft documents typical ingestion latency of 20 s to 3 min).
 */
const INGESTION_DELAY = 10 * MINUTE;
/** RangeTimeSpanIsoFormat("00:05:00", "14.00:00:00") on queryFrequency and queryPeriod. */
const MIN_SPAN = 5 * MINUTE;
const MAX_SPAN = 14 * 86_400_000;
/** Validation model limits: query 1-10000 characters, name 256, description 5000, version 20. */
const MAX_QUERY = 10_000;
const MAX_NAME = 256;
const MAX_DESCRIPTION = 5_000;
export const RULE_VERSION = '1.0.0';

const ADDRESS_FIELDS: readonly EventField[] = ['srcIp', 'dstIp'];

/** The stable id of `plan`'s rule deployed on `table`. */
export function sentinelRuleId(plan: QueryPlan, table: KqlTableProfile): string {
  return uuidV5(DICOMWATCH_RULE_NAMESPACE, `${plan.rule.id ?? plan.rule.name}\u0000${table.name}`);
}

function span(what: string, ms: number): number {
  if (ms < MIN_SPAN || ms > MAX_SPAN) throw new DeployError(`${what} must be between 5m and 14d for a Sentinel scheduled rule`);
  if (ms % MINUTE !== 0) throw new DeployError(`${what} must be a whole number of minutes for a Sentinel scheduled rule`);
  return ms;
}

/** Text for a YAML/JSON string field: no control characters but newlines and tabs, at most `max` characters. */
function text(value: string, max: number, what: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim();
  if (clean.length > max) throw new DeployError(`${what} is longer than ${max} characters`);
  return clean;
}

/** When a scheduled rule runs (its frequency), how far back it may read (its period), and its query. */
interface Schedule {
  query: string;
  frequency: number;
  period: number;
}

/**
 * A scheduled rule reads whole buckets: the last one (--lookback: that many) before the last bucket boundary
 * INGESTION_DELAY before the run, and runs once per window (every bucket; with --lookback 1d, once a day over its 24
 * hours). Each bucket is then judged once and whole, as `scan` judges it; a rolling window (the hour before each run)
 * would split a bucket between two runs, and a threshold met across the two halves would fire in `scan` and never in
 * Sentinel, while a window longer than the frequency would alert the same bucket again on every run. The period
 * reaches back over the window, up to one bucket before the boundary and the delay, rounded up to whole buckets.
 *
 * A detection alone (one alert per event) has no bucket of its own: its bucket is its window (--lookback, else an
 * hour), so each run reads the events of the window before, none twice, with the same delay for late rows.
 */
function windowSchedule(plan: QueryPlan, table: KqlTableProfile, options: DeployOptions, label: string): Schedule {
  const perEvent = plan.aggregate.kind === 'event';
  const bin = perEvent ? options.lookbackMs ?? HOUR : plan.binMs;
  const windowMs = options.lookbackMs ?? bin;
  const frequencyOf = perEvent ? '--lookback, for a rule without a correlation' : '--lookback, else the rule\'s timespan';
  if (windowMs < bin) throw new DeployError(`${label}: --lookback must not be shorter than the rule's timespan (the query frequency)`);
  const frequency = span(`${label}: the query frequency (${frequencyOf})`, windowMs);
  if (windowMs % bin !== 0) {
    throw new DeployError(`${label}: --lookback must be a whole number of the rule's timespan (${detectionsSpan(bin)}): the query reads whole buckets`);
  }
  const query = renderKql(plan, table, { window: { binMs: bin, spanMs: windowMs, delayMs: INGESTION_DELAY } });
  const reach = Math.ceil((windowMs + bin + INGESTION_DELAY) / bin) * bin;
  const period = span(`${label}: the query period (--lookback, one more bucket and ${detectionsSpan(INGESTION_DELAY)} for rows that arrive late, in whole buckets)`, reach);
  return { query, frequency, period };
}

/** The scheduled rule for `plan` on `table` (throws DeployError, or KqlEmitError when the query cannot be rendered). */
export function sentinelScheduledRule(plan: QueryPlan, table: KqlTableProfile, options: DeployOptions = {}): SentinelScheduledRule {
  const label = `rule '${plan.rule.name}'`;
  const { query, frequency, period } = windowSchedule(plan, table, options, label);
  if (query.length > MAX_QUERY) throw new DeployError(`${label}: its ${table.name} query has ${query.length} characters; Sentinel takes at most ${MAX_QUERY}`);
  const { tactics, techniques } = attackFromTags(plan.rule.tags);
  const outputs = ADDRESS_FIELDS.filter((f) => plan.groupBy.includes(f)).map((f) => KQL_OUTPUT_NAMES[f]);
  return {
    id: sentinelRuleId(plan, table),
    name: text(plan.rule.title, MAX_NAME, `${label}: the title`),
    description: text(plan.rule.description ?? plan.rule.title, MAX_DESCRIPTION, `${label}: the description`),
    severity: SEVERITY[plan.rule.level] ?? 'Medium',
    requiredDataConnectors: (table.connectors ?? []).map((c) => ({ connectorId: c.connectorId, dataTypes: [...c.dataTypes] })),
    queryFrequencyMs: frequency,
    queryPeriodMs: period,
    triggerOperator: 'gt',
    triggerThreshold: 0,
    tactics,
    relevantTechniques: techniques,
    query,
    entityMappings: outputs.map((columnName) => ({ entityType: 'IP', fieldMappings: [{ identifier: 'Address', columnName }] })),
    eventGroupingSettings: { aggregationKind: 'AlertPerResult' },
    version: RULE_VERSION,
    kind: 'Scheduled',
  };
}

/** `1h`, `1d`, `30m`: the Detections YAML's time spans (ScheduledTemplateTimeSpanConverter: <number><m|h|d>). */
export function detectionsSpan(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  return `${ms / MINUTE}m`;
}

/** One rule as the Detections YAML document's plain object, keys in the repository's order. */
export function analyticsRuleObject(rule: SentinelScheduledRule): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    severity: rule.severity,
    requiredDataConnectors: rule.requiredDataConnectors,
    queryFrequency: detectionsSpan(rule.queryFrequencyMs),
    queryPeriod: detectionsSpan(rule.queryPeriodMs),
    triggerOperator: rule.triggerOperator,
    triggerThreshold: rule.triggerThreshold,
    tactics: rule.tactics,
    relevantTechniques: rule.relevantTechniques,
    query: rule.query,
    entityMappings: rule.entityMappings,
    eventGroupingSettings: rule.eventGroupingSettings,
    version: rule.version,
    kind: rule.kind,
  };
}

/**
 * The rules as Detections YAML: one document per rule (the repository keeps one per file; several are `---`
 * separated), `description` and `query` as literal blocks. Every string goes through the YAML library's
 * serializer, so a title or description cannot break out of its scalar.
 */
export function renderAnalyticsRules(plans: readonly QueryPlan[], table: KqlTableProfile, options: DeployOptions = {}): string {
  return plans
    .map((plan) => {
      const doc = new Document(analyticsRuleObject(sentinelScheduledRule(plan, table, options)));
      visit(doc, {
        Pair(_, pair) {
          if (isPair(pair) && isScalar(pair.key) && (pair.key.value === 'query' || pair.key.value === 'description') && isScalar(pair.value)) {
            (pair.value as Scalar).type = Scalar.BLOCK_LITERAL;
          }
        },
      });
      return doc.toString({ lineWidth: 0 });
    })
    .join('---\n');
}

/** The API version the ARM resource is written for (Microsoft.SecurityInsights, GA). */
export const ARM_API_VERSION = '2023-02-01';

/**
 * ARM evaluates a string that starts with `[` and ends with `]` as a template expression; a literal such string is
 * written with `[[` (Azure Resource Manager template syntax, "Escape characters"). Applied to every string the rule
 * carries, so no rule text is ever evaluated.
 */
export function armLiteral(value: string): string {
  return value.startsWith('[') ? `[${value}` : value;
}

function armStrings<T>(value: T): T {
  if (typeof value === 'string') return armLiteral(value) as T;
  if (Array.isArray(value)) return value.map(armStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, armStrings(v)])) as T;
  }
  return value;
}

const ARM_TRIGGER: Readonly<Record<SentinelScheduledRule['triggerOperator'], string>> = { gt: 'GreaterThan' };

/** One rule as an ARM `Microsoft.SecurityInsights/alertRules` resource (extension resource on the workspace). */
export function armAlertRuleResource(rule: SentinelScheduledRule): Record<string, unknown> {
  return {
    type: 'Microsoft.SecurityInsights/alertRules',
    apiVersion: ARM_API_VERSION,
    name: rule.id,
    scope: "[concat('Microsoft.OperationalInsights/workspaces/', parameters('workspace'))]",
    kind: rule.kind,
    properties: armStrings({
      displayName: rule.name,
      description: rule.description,
      severity: rule.severity,
      enabled: true,
      query: rule.query,
      queryFrequency: isoDuration(rule.queryFrequencyMs),
      queryPeriod: isoDuration(rule.queryPeriodMs),
      triggerOperator: ARM_TRIGGER[rule.triggerOperator],
      triggerThreshold: rule.triggerThreshold,
      suppressionDuration: 'PT5H',
      suppressionEnabled: false,
      tactics: rule.tactics,
      techniques: parentTechniques(rule.relevantTechniques),
      entityMappings: rule.entityMappings,
      eventGroupingSettings: rule.eventGroupingSettings,
    }),
  };
}

/** The rules as one ARM deployment template with a `workspace` parameter (pretty JSON). */
export function renderArmTemplate(plans: readonly QueryPlan[], table: KqlTableProfile, options: DeployOptions = {}): string {
  const template = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      workspace: { type: 'string', metadata: { description: 'Name of the Log Analytics workspace where Microsoft Sentinel is enabled' } },
    },
    resources: plans.map((plan) => armAlertRuleResource(sentinelScheduledRule(plan, table, options))),
  };
  return JSON.stringify(template, null, 2);
}
