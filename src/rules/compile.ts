/**
 * Sigma rules → query plans. Supports what the shipped rules need — field equality (lists are OR), `|cidr`,
 * `|expand` of `%internal_networks%`, conditions with and/or/not/`1 of`/`all of`, and the correlation types of the
 * aggregate table (aggregates.ts: `event_count`, `value_count`; with `generate`) — and rejects everything else
 * with the file, position, rule, field and construct named. Errors are collected, not thrown one at a time, so
 * `dicomwatch check` can report them all.
 */
import { ALERT_GROUP_FIELDS, type Severity } from '../model/alert.js';
import type { Prefilter } from '../parsers/types.js';
import { parseTimespan } from '../time/bin.js';
import { operatorForSigmaType, supportedSigmaTypes, type CorrelationInput } from './aggregates.js';
import { matchPattern, parseCondition, type Condition } from './condition.js';
import { SUPPORTED_LOGSOURCES } from './taxonomy.js';
import { compileFieldEntry, DEFAULT_PLACEHOLDERS, fieldOf, type FieldTestContext, type Placeholders } from './modifiers.js';
import { formatLocation, RuleError, type SourceLocation } from './errors.js';
import { setPlanOrigin } from './origins.js';
import type { EventField, NetworkPolicy, PlanSource, Predicate, QueryPlan, Threshold, ThresholdOp } from './plan.js';
import { ruleError, type SigmaCorrelation, type SigmaDetection, type SigmaRule } from './sigma.js';

const LEVELS: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];
const THRESHOLD_OPS: readonly ThresholdOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];
/** The keys of a Sigma correlation (specification v2); any other key would be silently ignored, so it is refused. */
const CORRELATION_KEYS: ReadonlySet<string> = new Set(['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate']);

/** Path of a node in a rule document, for `where()`. */
type NodePath = (string | number)[];
/** Where a rule uses each field (the first use), for emitter messages (see origins.ts). */
type FieldSites = Partial<Record<EventField, SourceLocation>>;

/** The RuleErrors of one document, collected rather than thrown, so one pass can report them all. */
class Problems {
  readonly errors: RuleError[] = [];

  add(error: RuleError): undefined {
    this.errors.push(error);
    return undefined;
  }

  /** `fn()`, or undefined once its RuleError is recorded. Any other exception is a bug and propagates. */
  attempt<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof RuleError) return this.add(e);
      throw e;
    }
  }
}

function ruleLabel(rule: SigmaRule): string {
  const d = rule.data;
  return `rule '${String(d.name ?? d.title ?? d.id ?? `#${rule.index + 1}`)}'`;
}

function locationOf(rule: SigmaRule, path: NodePath): SourceLocation {
  return { file: rule.file, ...rule.where(path) };
}

function levelOf(rule: SigmaRule, fallback: Severity): Severity {
  const level = rule.data.level;
  if (level === undefined) return fallback;
  if (typeof level === 'string' && (LEVELS as readonly string[]).includes(level)) return level as Severity;
  throw ruleError(rule, ['level'], `${ruleLabel(rule)}: level '${String(level)}' is not one of ${LEVELS.join(', ')}`);
}

/**
 * One `field|mods: value(s)` entry of a search → predicate (modifiers.ts); the field's first use is noted in
 * `sites`. Errors about the key point at the key; errors about one value of a list at that value.
 */
function compileFieldTest(rule: SigmaDetection, path: NodePath, key: string, value: unknown, sites: FieldSites, placeholders: Placeholders): Predicate {
  const ctx: FieldTestContext = {
    label: ruleLabel(rule),
    placeholders,
    error: (message, at) => {
      const where = at === undefined ? (rule.whereKey ?? rule.where)(path) : rule.where(at === 'value' ? path : [...path, at]);
      // `rule 'x', field 'src_ip': …` for a value's problem, `rule 'x': unknown modifier …` for the others
      const joint = message.startsWith("field '") ? ', ' : ': ';
      return new RuleError(rule.file, where.line, where.col, `${ruleLabel(rule)}${joint}${message}`);
    },
  };
  const { field, predicate } = compileFieldEntry(ctx, key, value);
  sites[field] ??= locationOf(rule, path);
  if (predicate.kind === 'fieldref') sites[predicate.other] ??= locationOf(rule, path);
  return predicate;
}

/** A search (a mapping, or a list of mappings) → predicate; undefined when any of its entries is in error. */
function compileSearch(rule: SigmaDetection, name: string, search: unknown, problems: Problems, sites: FieldSites, placeholders: Placeholders): Predicate | undefined {
  const path: NodePath = ['detection', name];
  const label = `${ruleLabel(rule)}, search '${name}'`;
  const compileMap = (map: unknown, mapPath: NodePath): Predicate | undefined => {
    if (map === null || typeof map !== 'object' || Array.isArray(map)) {
      // A keyword search matches the raw log text, which no event of the model keeps (records are normalised
      // field by field): refused rather than never matching.
      return problems.add(ruleError(rule, mapPath, `${label}: keyword search ${JSON.stringify(map)}: network events keep no raw log text to search; test a field instead (field: value)`));
    }
    const entries = Object.entries(map);
    if (entries.length === 0) return problems.add(ruleError(rule, mapPath, `${label}: empty search`));
    // Every entry is compiled, so each of its errors is reported.
    const items = entries.map(([key, value]) => problems.attempt(() => compileFieldTest(rule, [...mapPath, key], key, value, sites, placeholders)));
    return allDefined(items) ? junction('and', items) : undefined;
  };
  if (!Array.isArray(search)) return compileMap(search, path);
  if (search.length === 0) return problems.add(ruleError(rule, path, `${label}: empty list`));
  // A list of plain values is a keyword search (Sigma: "lists of strings" under a search identifier).
  if (search.every((m) => m === null || typeof m !== 'object')) return compileMap(search, path);
  const items = search.map((m, i) => compileMap(m, [...path, i]));
  return allDefined(items) ? junction('or', items) : undefined;
}

function allDefined<T>(items: readonly (T | undefined)[]): items is T[] {
  return items.every((i) => i !== undefined);
}

function junction(kind: 'and' | 'or', items: Predicate[]): Predicate {
  return items.length === 1 ? items[0]! : { kind, items };
}

/**
 * The rule's logsource must be one the engine sees (taxonomy.ts): its `category`, `product` and `service` exactly
 * those of a supported entry (`definition` is prose). A product or service the entry does not name would narrow
 * the rule to events the model cannot tell apart (Zeek's rdp.log, one vendor's firewall), so it is refused too.
 */
function checkLogsource(rule: SigmaDetection): void {
  const logsource = rule.data.logsource;
  if (!isMapping(logsource)) throw ruleError(rule, ['logsource'], `${ruleLabel(rule)}: 'logsource' must be a mapping such as {category: firewall}`);
  const keys = ['category', 'product', 'service'] as const;
  const given = Object.fromEntries(keys.filter((k) => logsource[k] !== undefined).map((k) => [k, String(logsource[k])]));
  const matches = SUPPORTED_LOGSOURCES.some((entry) => keys.every((k) => entry[k] === given[k]));
  if (!matches) {
    const shown = Object.entries(given).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
    const supported = SUPPORTED_LOGSOURCES.map((e) => `{${Object.entries(e).map(([k, v]) => `${k}: ${v}`).join(', ')}}`).join(', ');
    throw ruleError(rule, ['logsource'], `${ruleLabel(rule)}: logsource {${shown}} is not supported: dicomwatch sees network connections only (supported: ${supported})`);
  }
}

/**
 * The detection's condition: one string. (Sigma 1 allowed a list; the v2 detection schema requires a string, so a
 * list is refused rather than read one way or the other.)
 */
function conditionOf(rule: SigmaDetection, detection: Record<string, unknown>): Condition {
  const text = detection.condition;
  if (text === undefined || text === null) {
    throw ruleError(rule, ['detection'], `${ruleLabel(rule)}: the detection has no 'condition' (e.g. condition: selection)`);
  }
  if (typeof text !== 'string') {
    throw ruleError(rule, ['detection', 'condition'], `${ruleLabel(rule)}: 'condition' must be one string (condition lists are not supported)`);
  }
  try {
    return parseCondition(text);
  } catch (e) {
    throw ruleError(rule, ['detection', 'condition'], `${ruleLabel(rule)}: ${(e as Error).message}`);
  }
}

interface CompiledSearch {
  /** Undefined when the search is in error (its errors are recorded). */
  predicate: Predicate | undefined;
  sites: FieldSites;
}

/**
 * The condition over the compiled searches. The field sites of the searches it uses are merged into `sites`. A
 * search in error stands in as an empty AND: its errors are recorded, so the caller discards this filter anyway.
 */
function buildFilter(rule: SigmaDetection, condition: Condition, searches: ReadonlyMap<string, CompiledSearch>, sites: FieldSites): Predicate {
  const names = [...searches.keys()];
  const searchOf = (name: string): Predicate => {
    const search = searches.get(name);
    if (!search) {
      throw ruleError(rule, ['detection', 'condition'], `${ruleLabel(rule)}: condition names '${name}', which is not a search`);
    }
    for (const [field, at] of Object.entries(search.sites) as [EventField, SourceLocation][]) sites[field] ??= at;
    return search.predicate ?? { kind: 'and', items: [] };
  };
  const build = (c: Condition): Predicate => {
    switch (c.kind) {
      case 'ref':
        return searchOf(c.name);
      case 'not':
        return { kind: 'not', item: build(c.item) };
      case 'and':
      case 'or':
        return { kind: c.kind, items: c.items.map(build) };
      case 'of': {
        const matched = matchPattern(c.pattern, names);
        if (matched.length === 0) {
          throw ruleError(rule, ['detection', 'condition'], `${ruleLabel(rule)}: '${c.pattern}' matches no search`);
        }
        return junction(c.quantifier === 'all' ? 'and' : 'or', matched.map(searchOf));
      }
    }
  };
  return build(condition);
}

interface CompiledDetection {
  filter: Predicate;
  sites: FieldSites;
}

/** The detection keys that are Sigma 1 syntax, with what to write instead. */
const SIGMA1_DETECTION_KEYS: Readonly<Record<string, string>> = {
  timeframe: "'timeframe' in a detection is Sigma 1 syntax: write a correlation rule with a 'timespan'",
};

/** A detection rule's filter and field sites; undefined when it is in error (every error recorded). */
function compileDetectionInto(rule: SigmaDetection, problems: Problems, placeholders: Placeholders): CompiledDetection | undefined {
  const before = problems.errors.length;
  problems.attempt(() => checkLogsource(rule));
  problems.attempt(() => levelOf(rule, 'medium'));
  const detection = rule.data.detection;
  if (!detection || typeof detection !== 'object' || Array.isArray(detection)) {
    return problems.add(ruleError(rule, ['detection'], `${ruleLabel(rule)}: 'detection' must be a mapping`));
  }
  const body = detection as Record<string, unknown>;
  const condition = problems.attempt(() => conditionOf(rule, body));
  // Every search is compiled, used by the condition or not: an unsupported construct is an error wherever it stands.
  const searches = new Map<string, CompiledSearch>();
  for (const name of Object.keys(body).filter((k) => k !== 'condition')) {
    if (Object.hasOwn(SIGMA1_DETECTION_KEYS, name)) {
      problems.add(ruleError(rule, ['detection', name], `${ruleLabel(rule)}: ${SIGMA1_DETECTION_KEYS[name]}`));
      continue;
    }
    const sites: FieldSites = {};
    searches.set(name, { predicate: compileSearch(rule, name, body[name], problems, sites, placeholders), sites });
  }
  const sites: FieldSites = {};
  const filter = condition && problems.attempt(() => buildFilter(rule, condition, searches, sites));
  return filter && problems.errors.length === before ? { filter, sites } : undefined;
}

/** A detection rule's filter. Throws the first RuleError. */
export function compileDetection(rule: SigmaDetection, placeholders: Placeholders = DEFAULT_PLACEHOLDERS): Predicate {
  const problems = new Problems();
  const compiled = compileDetectionInto(rule, problems, placeholders);
  if (!compiled) throw problems.errors[0];
  return compiled.filter;
}

/** The event field a correlation names at `path` (group-by, condition field); its first use is noted in `sites`. */
function correlationField(rule: SigmaCorrelation, name: string, path: NodePath, what: string, sites: FieldSites): EventField {
  const found = fieldOf(name);
  if ('problem' in found) throw ruleError(rule, path, `${ruleLabel(rule)}, ${what}: ${found.problem}`);
  if (!ALERT_GROUP_FIELDS.includes(found.field)) {
    throw ruleError(rule, path, `${ruleLabel(rule)}, ${what} '${name}': cannot group on it (group-by fields: ${ALERT_GROUP_FIELDS.join(', ')})`);
  }
  sites[found.field] ??= locationOf(rule, path);
  return found.field;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Sigma `aliases`: alias name → (rule reference → field name). Each alias used in `group-by` gives, per referenced
 * rule, the field that rule's events are grouped on; every referenced rule must be given one.
 */
function aliasesOf(rule: SigmaCorrelation, aliases: unknown, refs: readonly string[], sites: FieldSites): Map<string, EventField[]> {
  const out = new Map<string, EventField[]>();
  if (aliases === undefined) return out;
  const path: NodePath = ['correlation', 'aliases'];
  if (!isMapping(aliases)) throw ruleError(rule, path, `${ruleLabel(rule)}: 'aliases' must map alias names to {rule: field} mappings`);
  for (const [alias, mapping] of Object.entries(aliases)) {
    if (!isMapping(mapping)) throw ruleError(rule, [...path, alias], `${ruleLabel(rule)}: alias '${alias}' must map each rule to a field`);
    for (const key of Object.keys(mapping)) {
      if (!refs.includes(key)) throw ruleError(rule, [...path, alias, key], `${ruleLabel(rule)}: alias '${alias}' names rule '${key}', which the correlation does not reference`);
    }
    out.set(alias, refs.map((ref) => {
      if (!Object.hasOwn(mapping, ref)) throw ruleError(rule, [...path, alias], `${ruleLabel(rule)}: alias '${alias}' gives no field for rule '${ref}'`);
      return correlationField(rule, String(mapping[ref]), [...path, alias, ref], `alias '${alias}'`, sites);
    }));
  }
  return out;
}

/**
 * The group keys. Plain fields each once, in the event model's order (ALERT_GROUP_FIELDS): a group is the same
 * whatever order the rule lists its keys in, and one order makes the alert's keys, the CSV's columns and the KQL's
 * agree. An alias key is named after the field of the first rule (the alert contract names keys by event field),
 * and `keyFields` says per source which field each key is read from.
 */
function mapGroupBy(rule: SigmaCorrelation, fields: unknown, aliases: ReadonlyMap<string, EventField[]>, sources: number, sites: FieldSites): { groupBy: EventField[]; keyFields?: EventField[][] } {
  if (!Array.isArray(fields) || fields.length === 0) {
    throw ruleError(rule, ['correlation', 'group-by'], `${ruleLabel(rule)}: 'group-by' must be a non-empty list`);
  }
  const perKey = new Map<EventField, EventField[]>();
  fields.forEach((f, i) => {
    const path: NodePath = ['correlation', 'group-by', i];
    const alias = aliases.get(String(f));
    const perSource = alias ?? Array.from({ length: sources }, () => correlationField(rule, String(f), path, 'group-by field', sites));
    const name = perSource[0]!;
    const prev = perKey.get(name);
    if (prev && prev.some((x, k) => x !== perSource[k])) {
      throw ruleError(rule, path, `${ruleLabel(rule)}: group-by '${String(f)}' reads '${name}' from the first rule, as another key does`);
    }
    perKey.set(name, perSource);
  });
  const groupBy = ALERT_GROUP_FIELDS.filter((f) => perKey.has(f));
  const aliased = groupBy.some((f) => perKey.get(f)!.some((x) => x !== f));
  if (!aliased) return { groupBy };
  return { groupBy, keyFields: Array.from({ length: sources }, (_, s) => groupBy.map((f) => perKey.get(f)![s]!)) };
}

/**
 * The comparisons of a correlation condition (`{gte: 3}`, or a range `{gte: 3, lt: 10}`: all must hold); `besides`
 * are keys its aggregate reads. Without a condition, the aggregate's default (temporal types), else an error.
 */
function thresholdOf(rule: SigmaCorrelation, condition: unknown, besides: readonly string[], fallback: Threshold | undefined): Threshold | Threshold[] {
  const path = ['correlation', 'condition'];
  if (condition === undefined && fallback) return fallback;
  if (!isMapping(condition)) {
    throw ruleError(rule, path, `${ruleLabel(rule)}: correlation 'condition' must be a mapping like {gte: 1}`);
  }
  const entries = Object.entries(condition).filter(([key]) => !besides.includes(key));
  if (entries.length === 0) {
    if (fallback) return fallback;
    throw ruleError(rule, path, `${ruleLabel(rule)}: correlation condition has no comparison (use ${THRESHOLD_OPS.join(', ')})`);
  }
  const thresholds = entries.map(([op, value]): Threshold => {
    if (!(THRESHOLD_OPS as readonly string[]).includes(op)) {
      throw ruleError(rule, [...path, op], `${ruleLabel(rule)}: correlation condition '${op}' is not supported (supported: ${THRESHOLD_OPS.join(', ')}${besides.length > 0 ? `, and ${besides.join(', ')}` : ''})`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw ruleError(rule, [...path, op], `${ruleLabel(rule)}: correlation condition '${op}' takes an integer`);
    }
    return { op: op as ThresholdOp, value };
  });
  return thresholds.length === 1 ? thresholds[0]! : thresholds;
}

function timespanOf(rule: SigmaCorrelation, timespan: unknown): number {
  const ms = typeof timespan === 'string' ? parseTimespan(timespan) : undefined;
  if (ms === undefined) {
    throw ruleError(rule, ['correlation', 'timespan'], `${ruleLabel(rule)}: timespan '${String(timespan)}' is not a number followed by s, m, h or d`);
  }
  return ms;
}

/**
 * Sigma's `generate` (default false): whether the referenced rules also alert on their own. Anything but a boolean
 * is refused, since guessing would either drop or invent alerts.
 */
function generateOf(rule: SigmaCorrelation, generate: unknown): boolean {
  if (generate === undefined) return false;
  if (typeof generate !== 'boolean') {
    throw ruleError(rule, ['correlation', 'generate'], `${ruleLabel(rule)}: correlation 'generate' must be true or false, not ${JSON.stringify(generate)}`);
  }
  return generate;
}

/** Ids and names a correlation may use to reference a rule. */
function references(rule: SigmaRule): string[] {
  return [rule.data.id, rule.data.name].filter((v): v is string => typeof v === 'string');
}

function displayName(rule: SigmaRule): string {
  const d = rule.data;
  return String(d.name ?? d.id ?? d.title ?? rule.file.replace(/^.*\//, '').replace(/\.ya?ml$/i, ''));
}

function planRule(rule: SigmaRule, level: Severity, bases: readonly SigmaRule[] = []): QueryPlan['rule'] {
  const tags = ruleTags([rule, ...bases]);
  return {
    name: displayName(rule),
    ...(typeof rule.data.id === 'string' ? { id: rule.data.id } : {}),
    title: String(rule.data.title ?? displayName(rule)),
    level,
    file: rule.file,
    ...(typeof rule.data.description === 'string' ? { description: rule.data.description } : {}),
    ...(tags.length > 0 ? { tags } : {}),
  };
}

/** The rules' string `tags`, de-duplicated in order: a correlation's own, then its base detections' (ATT&CK tags). */
function ruleTags(rules: readonly SigmaRule[]): string[] {
  const tags = rules.flatMap((r) => (Array.isArray(r.data.tags) ? r.data.tags : [])).filter((t): t is string => typeof t === 'string');
  return [...new Set(tags)];
}

function planSource(rule: SigmaDetection, compiled: CompiledDetection): PlanSource {
  return {
    rule: { name: displayName(rule), ...(typeof rule.data.id === 'string' ? { id: rule.data.id } : {}), file: rule.file },
    filter: compiled.filter,
  };
}

/** The plan's `filter`: the OR of its sources' filters. */
function sourcesFilter(sources: readonly PlanSource[]): Predicate {
  return junction('or', sources.map((s) => s.filter));
}

/** What compiling a set of rules gives: the plans of the rules that compile, and every RuleError of the others. */
export interface CompileReport {
  plans: QueryPlan[];
  /** In input order (file, then line and column within a document). */
  errors: RuleError[];
}

/** What the correlations decide about the detections: which ones they use, and which of those stay quiet. */
interface Referencing {
  byRef: ReadonlyMap<string, SigmaRule[]>;
  /** Referenced by a correlation without `generate: true`: no plan of its own (Sigma's default, as in pySigma). */
  quiet: Set<SigmaDetection>;
}

/** The base detections a correlation's `rules` name; records errors for names that match none, or several. */
function resolveBases(rule: SigmaCorrelation, refs: unknown, referencing: Referencing, problems: Problems): { bases: SigmaDetection[]; names: string[] } {
  const list = Array.isArray(refs) ? refs : [refs];
  const bases: SigmaDetection[] = [];
  const names: string[] = [];
  if (refs === undefined || list.length === 0) {
    problems.add(ruleError(rule, ['correlation'], `${ruleLabel(rule)}: correlation 'rules' must list the rules it correlates`));
  }
  list.forEach((ref, i) => {
    const found = referencing.byRef.get(String(ref)) ?? [];
    const at: NodePath = Array.isArray(refs) ? ['correlation', 'rules', i] : ['correlation', 'rules'];
    if (found.length === 0) {
      problems.add(ruleError(rule, at, `${ruleLabel(rule)}: rule '${String(ref)}' is not among the loaded rules (refer to a detection rule's id or name)`));
    } else if (found.length > 1) {
      const places = found.map((d) => formatLocation(locationOf(d, []))).join(', ');
      problems.add(ruleError(rule, at, `${ruleLabel(rule)}: rule '${String(ref)}' names ${found.length} loaded rules (${places}); give them distinct ids and names`));
    } else if (found[0]!.kind === 'correlation') {
      problems.add(ruleError(rule, at, `${ruleLabel(rule)}: rule '${String(ref)}' is a correlation; correlations of correlations are not supported (reference its detection rules)`));
    } else {
      bases.push(found[0] as SigmaDetection);
      names.push(String(ref));
    }
  });
  return { bases, names };
}

/** One correlation → its plan; undefined when it (or a base detection) is in error. */
function compileCorrelation(
  rule: SigmaCorrelation,
  network: NetworkPolicy,
  detections: ReadonlyMap<SigmaDetection, CompiledDetection | undefined>,
  referencing: Referencing,
  problems: Problems,
): QueryPlan | undefined {
  const before = problems.errors.length;
  const c = rule.data.correlation as Record<string, unknown>;
  if (!c || typeof c !== 'object' || Array.isArray(c)) {
    return problems.add(ruleError(rule, ['correlation'], `${ruleLabel(rule)}: 'correlation' must be a mapping`));
  }
  // The bases are resolved first, whatever else is wrong: a detection a correlation uses stays quiet (unless it
  // generates), so `check` does not report problems of a plan that would not exist.
  const generate = problems.attempt(() => generateOf(rule, c.generate));
  const { bases, names } = resolveBases(rule, c.rules, referencing, problems);
  if (generate !== true) for (const base of bases) referencing.quiet.add(base);
  const operator = operatorForSigmaType(c.type);
  if (!operator) {
    // The other keys mean something else for another type: no point judging them.
    return problems.add(ruleError(rule, ['correlation', 'type'], `${ruleLabel(rule)}: correlation type '${String(c.type)}' is not supported (supported: ${supportedSigmaTypes().join(', ')})`));
  }
  for (const key of Object.keys(c).filter((k) => !CORRELATION_KEYS.has(k))) {
    problems.add(ruleError(rule, ['correlation', key], `${ruleLabel(rule)}: correlation key '${key}' is not supported (supported: ${[...CORRELATION_KEYS].join(', ')})`));
  }
  const binMs = problems.attempt(() => timespanOf(rule, c.timespan));
  const groupSites: FieldSites = {};
  const aliases = problems.attempt(() => aliasesOf(rule, c.aliases, names, groupSites));
  const grouping = aliases && problems.attempt(() => mapGroupBy(rule, c['group-by'], aliases, Math.max(1, bases.length), groupSites));
  const condition = c.condition === undefined ? {} : c.condition;
  // A condition that is not a mapping is reported by thresholdOf; the aggregate has nothing to read then.
  const input: CorrelationInput | undefined = isMapping(condition)
    ? {
        condition,
        sources: bases.length,
        field: (name, path) => correlationField(rule, name, [...path], 'condition field', groupSites),
        error: (path, message) => ruleError(rule, path, `${ruleLabel(rule)}: ${message}`),
      }
    : undefined;
  const aggregate = input && problems.attempt(() => operator.parse(input));
  const fallback = aggregate && operator.defaultThreshold ? operator.defaultThreshold(aggregate) : undefined;
  const threshold = problems.attempt(() => thresholdOf(rule, c.condition, operator.conditionKeys, fallback));
  const compiledBases = bases.map((b) => detections.get(b));
  // Without its own level, a correlation takes its first base's (whose own bad level is reported at the base).
  const baseLevel = compiledBases[0] ? levelOf(bases[0]!, 'medium') : 'medium';
  const level = problems.attempt(() => levelOf(rule, baseLevel));
  // A base in error has its own errors reported at the detection; the correlation just yields no plan.
  if (problems.errors.length > before || !allDefined(compiledBases) || bases.length === 0) return undefined;
  const sources = bases.map((b, i) => planSource(b, compiledBases[i]!));
  const plan: QueryPlan = {
    rule: planRule(rule, level!, bases),
    sources,
    filter: sourcesFilter(sources),
    network,
    groupBy: grouping!.groupBy,
    binMs: binMs!,
    aggregate: aggregate!,
    threshold: threshold!,
    ...(grouping!.keyFields ? { keyFields: grouping!.keyFields } : {}),
  };
  const filterSites: FieldSites = {};
  for (const b of compiledBases) for (const [field, at] of Object.entries(b.sites) as [EventField, SourceLocation][]) filterSites[field] ??= at;
  setPlanOrigin(plan, { rule: locationOf(rule, []), filter: filterSites, groupBy: groupSites });
  return plan;
}

/**
 * The fields of a per-event alert: the connection's own (the alert contract's group keys but the device, which
 * the alert lists under `devices`). Each is a key of the alert, null when the event lacks it.
 */
export const EVENT_ALERT_FIELDS: readonly EventField[] = ['srcIp', 'dstIp', 'srcPort', 'dstPort', 'protocol', 'action'];

/** A detection no correlation keeps quiet: one alert per matching event (the issue's alert contract). */
function detectionPlan(rule: SigmaDetection, compiled: CompiledDetection, network: NetworkPolicy): QueryPlan {
  const sources = [planSource(rule, compiled)];
  const plan: QueryPlan = {
    rule: planRule(rule, levelOf(rule, 'medium')),
    sources,
    filter: sourcesFilter(sources),
    network,
    groupBy: [...EVENT_ALERT_FIELDS],
    // One millisecond: an event's own instant, so `advance(watermark)` emits the events before the watermark.
    binMs: 1,
    aggregate: { kind: 'event' },
    threshold: { op: 'gte', value: 1 },
  };
  setPlanOrigin(plan, { rule: locationOf(rule, []), filter: compiled.sites, groupBy: {} });
  return plan;
}


/**
 * Compile rules into plans, collecting every RuleError instead of stopping at the first: each detection and each
 * correlation is compiled on its own, and a rule in error yields no plan while the others still do. Plans: one per
 * correlation, then one per detection that is referenced by no correlation, or only by correlations with
 * `generate: true` (Sigma: the base rules then alert on their own too, one alert per matching event).
 * `placeholders` are what `|expand` substitutes (`%dicom_ports%` defaults to 104).
 */
export function compileRulesReport(rules: readonly SigmaRule[], network: NetworkPolicy, placeholders: Placeholders = DEFAULT_PLACEHOLDERS): CompileReport {
  const known: Placeholders = { ...DEFAULT_PLACEHOLDERS, ...placeholders };
  const problemsOf = new Map(rules.map((r) => [r, new Problems()]));
  const detections = new Map<SigmaDetection, CompiledDetection | undefined>();
  const byRef = new Map<string, SigmaRule[]>();
  for (const rule of rules) {
    for (const ref of new Set(references(rule))) byRef.set(ref, [...(byRef.get(ref) ?? []), rule]);
    if (rule.kind !== 'detection') continue;
    detections.set(rule, compileDetectionInto(rule, problemsOf.get(rule)!, known));
  }
  const referencing: Referencing = { byRef, quiet: new Set() };
  const plans: QueryPlan[] = [];
  for (const rule of rules) {
    if (rule.kind !== 'correlation') continue;
    const plan = compileCorrelation(rule, network, detections, referencing, problemsOf.get(rule)!);
    if (plan) plans.push(plan);
  }
  for (const [rule, compiled] of detections) {
    if (compiled && !referencing.quiet.has(rule)) plans.push(detectionPlan(rule, compiled, network));
  }
  const byPosition = (a: RuleError, b: RuleError) => (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
  const errors = rules.flatMap((r) => [...problemsOf.get(r)!.errors].sort(byPosition));
  return { plans, errors };
}

/** Compile rules into plans (see compileRulesReport). Throws the first RuleError, in input order. */
export function compileRules(rules: readonly SigmaRule[], network: NetworkPolicy, placeholders: Placeholders = DEFAULT_PLACEHOLDERS): QueryPlan[] {
  const { plans, errors } = compileRulesReport(rules, network, placeholders);
  if (errors.length > 0) throw errors[0];
  return plans;
}

export { DEFAULT_PLACEHOLDERS };

/** The destination ports a plan can match, when its filter requires one of a fixed set (for the pre-filter). */
export function requiredDstPorts(p: Predicate): Set<number> | undefined {
  switch (p.kind) {
    case 'equals':
      return p.field === 'dstPort' ? new Set(p.values as number[]) : undefined;
    case 'and': {
      let result: Set<number> | undefined;
      for (const item of p.items) {
        const ports = requiredDstPorts(item);
        if (ports) result = result ? new Set([...result].filter((x) => ports.has(x))) : ports;
      }
      return result;
    }
    case 'or': {
      const union = new Set<number>();
      for (const item of p.items) {
        const ports = requiredDstPorts(item);
        if (!ports) return undefined;
        for (const x of ports) union.add(x);
      }
      return union;
    }
    default:
      return undefined;
  }
}

/**
 * The scan's pre-filter for a set of plans: the union of the destination ports every plan requires, or undefined
 * when some plan requires none (then every record must be parsed).
 */
export function prefilterForPlans(plans: readonly QueryPlan[]): Prefilter | undefined {
  const all = new Set<number>();
  for (const plan of plans) {
    const ports = requiredDstPorts(plan.filter);
    if (!ports) return undefined;
    for (const p of ports) all.add(p);
  }
  return { dstPorts: all };
}
