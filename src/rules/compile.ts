/**
 * Sigma rules → query plans. Supports what the shipped rules need — field equality (lists are OR), `|cidr`,
 * `|expand` of `%internal_networks%`, conditions with and/or/not/`1 of`/`all of`, and `event_count`
 * correlations — and rejects everything else with the file, position, rule, field and construct named.
 */
import type { Severity } from '../model/alert.js';
import { normalizeAction } from '../model/action.js';
import { portOf } from '../model/port.js';
import { normalizeProtocol } from '../model/protocol.js';
import { parseCidr } from '../net/cidr.js';
import { canonicalIp } from '../net/ip.js';
import { HOUR_MS, parseTimespan } from '../time/bin.js';
import { matchPattern, parseCondition, type Condition } from './condition.js';
import { SIGMA_FIELDS, SUPPORTED_CATEGORIES } from './fields.js';
import { INTERNAL_PLACEHOLDER } from './options.js';
import type { EventField, NetworkPolicy, Predicate, QueryPlan, ThresholdOp } from './plan.js';
import { ruleError, type SigmaCorrelation, type SigmaDetection, type SigmaRule } from './sigma.js';

const LEVELS: readonly Severity[] = ['informational', 'low', 'medium', 'high', 'critical'];
const THRESHOLD_OPS: readonly ThresholdOp[] = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'];

function ruleLabel(rule: SigmaRule): string {
  const d = rule.data;
  return `rule '${String(d.name ?? d.title ?? d.id ?? `#${rule.index + 1}`)}'`;
}

function levelOf(rule: SigmaRule, fallback: Severity): Severity {
  const level = rule.data.level;
  if (level === undefined) return fallback;
  if (typeof level === 'string' && (LEVELS as readonly string[]).includes(level)) return level as Severity;
  throw ruleError(rule, ['level'], `${ruleLabel(rule)}: level '${String(level)}' is not one of ${LEVELS.join(', ')}`);
}

/** The event field of a Sigma field name; own keys only (`toString`, `constructor` are not fields). */
function sigmaFieldOf(name: string): EventField | undefined {
  return Object.hasOwn(SIGMA_FIELDS, name) ? SIGMA_FIELDS[name] : undefined;
}

/** One `field|mods: value(s)` entry of a search → predicate. */
function compileFieldTest(rule: SigmaDetection, path: (string | number)[], key: string, value: unknown): Predicate {
  const [sigmaField = '', ...modifiers] = key.split('|');
  const field = sigmaFieldOf(sigmaField);
  const label = `${ruleLabel(rule)}, field '${sigmaField}'`;
  if (!field) {
    throw ruleError(rule, path, `${label}: unsupported field (supported: ${Object.keys(SIGMA_FIELDS).join(', ')})`);
  }
  const values = Array.isArray(value) ? value : [value];
  // Errors about one value of a list point at that value's line.
  const at = (i: number): (string | number)[] => (Array.isArray(value) ? [...path, i] : path);
  if (values.length === 0) throw ruleError(rule, path, `${label}: empty value list`);
  values.forEach((v, i) => {
    if (v === null || typeof v === 'object') {
      throw ruleError(rule, at(i), `${label}: value ${JSON.stringify(v)} is not supported (null or nested values)`);
    }
  });
  const [modifier, ...more] = modifiers;
  if (more.length > 0) throw ruleError(rule, path, `${label}: modifier chain '|${modifiers.join('|')}' is not supported`);
  if (modifier === 'cidr') {
    const cidrs = values.map((v, i) => {
      const c = parseCidr(String(v));
      if (!c) throw ruleError(rule, at(i), `${label}: '${String(v)}' is not a CIDR`);
      return c.text;
    });
    return { kind: 'cidr', field, cidrs };
  }
  if (modifier === 'expand') {
    if (values.length !== 1 || values[0] !== INTERNAL_PLACEHOLDER) {
      throw ruleError(rule, path, `${label}: unknown placeholder ${JSON.stringify(value)} (supported: '${INTERNAL_PLACEHOLDER}')`);
    }
    return { kind: 'internal', field };
  }
  if (modifier !== undefined) {
    throw ruleError(rule, path, `${label}: modifier '|${modifier}' is not supported (supported: none, cidr, expand)`);
  }
  return { kind: 'equals', field, values: values.map((v, i) => equalityValue(rule, at(i), label, field, v)) };
}

function equalityValue(rule: SigmaDetection, path: (string | number)[], label: string, field: EventField, v: unknown): string | number {
  const text = String(v).trim();
  switch (field) {
    case 'srcPort':
    case 'dstPort': {
      const n = portOf(v);
      if (typeof n !== 'number') throw ruleError(rule, path, `${label}: '${text}' is not a port`);
      return n;
    }
    case 'srcIp':
    case 'dstIp': {
      if (text.includes('*')) throw ruleError(rule, path, `${label}: wildcards in addresses are not supported; use |cidr`);
      const ip = canonicalIp(text);
      if (!ip) throw ruleError(rule, path, `${label}: '${text}' is not an IP address`);
      return ip;
    }
    case 'action': {
      const action = normalizeAction(text);
      if (!action) throw ruleError(rule, path, `${label}: '${text}' is not an action (allow, deny, drop, reset)`);
      return action;
    }
    case 'protocol': {
      const protocol = normalizeProtocol(text);
      if (!protocol) throw ruleError(rule, path, `${label}: '${text}' is not a protocol`);
      return protocol;
    }
    default:
      return text;
  }
}

function compileSearch(rule: SigmaDetection, name: string, search: unknown): Predicate {
  const path = ['detection', name];
  const compileMap = (map: unknown, mapPath: (string | number)[]): Predicate => {
    if (map === null || typeof map !== 'object' || Array.isArray(map)) {
      throw ruleError(rule, mapPath, `${ruleLabel(rule)}, search '${name}': keyword searches (plain values) are not supported; use field: value`);
    }
    const items = Object.entries(map).map(([key, value]) => compileFieldTest(rule, [...mapPath, key], key, value));
    if (items.length === 0) throw ruleError(rule, mapPath, `${ruleLabel(rule)}, search '${name}': empty search`);
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  };
  if (Array.isArray(search)) {
    if (search.length === 0) throw ruleError(rule, path, `${ruleLabel(rule)}, search '${name}': empty list`);
    const items = search.map((m, i) => compileMap(m, [...path, i]));
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }
  return compileMap(search, path);
}

/** A detection rule's filter. */
export function compileDetection(rule: SigmaDetection): Predicate {
  const data = rule.data;
  const logsource = data.logsource as Record<string, unknown> | undefined;
  const category = logsource?.category;
  if (typeof category !== 'string' || !SUPPORTED_CATEGORIES.has(category)) {
    throw ruleError(rule, ['logsource'], `${ruleLabel(rule)}: logsource category '${String(category)}' is not supported (supported: ${[...SUPPORTED_CATEGORIES].join(', ')})`);
  }
  const detection = data.detection as Record<string, unknown>;
  if (!detection || typeof detection !== 'object' || Array.isArray(detection)) {
    throw ruleError(rule, ['detection'], `${ruleLabel(rule)}: 'detection' must be a mapping`);
  }
  const conditionText = detection.condition;
  if (typeof conditionText !== 'string') {
    throw ruleError(rule, ['detection', 'condition'], `${ruleLabel(rule)}: 'condition' must be one string (condition lists are not supported)`);
  }
  let condition: Condition;
  try {
    condition = parseCondition(conditionText);
  } catch (e) {
    throw ruleError(rule, ['detection', 'condition'], `${ruleLabel(rule)}: ${(e as Error).message}`);
  }
  const names = Object.keys(detection).filter((k) => k !== 'condition');
  const searches = new Map<string, Predicate>();
  const searchOf = (name: string): Predicate => {
    let p = searches.get(name);
    if (!p) {
      if (!names.includes(name)) {
        throw ruleError(rule, ['detection', 'condition'], `${ruleLabel(rule)}: condition names '${name}', which is not a search`);
      }
      p = compileSearch(rule, name, detection[name]);
      searches.set(name, p);
    }
    return p;
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
        const items = matched.map(searchOf);
        return items.length === 1 ? items[0]! : { kind: c.quantifier === 'all' ? 'and' : 'or', items };
      }
    }
  };
  const filter = build(condition);
  // Searches the condition never uses are compiled too: an unsupported construct is an error wherever it stands.
  for (const name of names) searchOf(name);
  return filter;
}

function mapGroupBy(rule: SigmaCorrelation, fields: unknown): EventField[] {
  if (!Array.isArray(fields) || fields.length === 0) {
    throw ruleError(rule, ['correlation', 'group-by'], `${ruleLabel(rule)}: 'group-by' must be a non-empty list`);
  }
  return fields.map((f, i) => {
    const field = sigmaFieldOf(String(f));
    if (!field) {
      throw ruleError(rule, ['correlation', 'group-by', i], `${ruleLabel(rule)}, group-by field '${String(f)}': unsupported field (supported: ${Object.keys(SIGMA_FIELDS).join(', ')})`);
    }
    return field;
  });
}

function thresholdOf(rule: SigmaCorrelation, condition: unknown): QueryPlan['threshold'] {
  const path = ['correlation', 'condition'];
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) {
    throw ruleError(rule, path, `${ruleLabel(rule)}: correlation 'condition' must be a mapping like {gte: 1}`);
  }
  const entries = Object.entries(condition);
  if (entries.length !== 1) {
    throw ruleError(rule, path, `${ruleLabel(rule)}: correlation condition with ${entries.length} comparisons is not supported (use one of ${THRESHOLD_OPS.join(', ')})`);
  }
  const [op, value] = entries[0]!;
  if (!(THRESHOLD_OPS as readonly string[]).includes(op)) {
    throw ruleError(rule, [...path, op], `${ruleLabel(rule)}: correlation condition '${op}' is not supported (supported: ${THRESHOLD_OPS.join(', ')})`);
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw ruleError(rule, [...path, op], `${ruleLabel(rule)}: correlation condition '${op}' takes an integer`);
  }
  return { op: op as ThresholdOp, value };
}

/** Ids and names a correlation may use to reference a detection rule. */
function references(rule: SigmaRule): string[] {
  return [rule.data.id, rule.data.name].filter((v): v is string => typeof v === 'string');
}

function displayName(rule: SigmaRule): string {
  const d = rule.data;
  return String(d.name ?? d.id ?? rule.file.replace(/^.*\//, '').replace(/\.ya?ml$/i, ''));
}

/**
 * Compile rules into plans: one per correlation, plus one per detection no correlation references (counted per
 * source, destination and hour, like the reference rule). Throws RuleError on the first unsupported construct.
 */
export function compileRules(rules: readonly SigmaRule[], network: NetworkPolicy): QueryPlan[] {
  const detections = rules.filter((r): r is SigmaDetection => r.kind === 'detection');
  const byRef = new Map<string, SigmaDetection>();
  for (const d of detections) for (const ref of references(d)) byRef.set(ref, d);
  const filters = new Map<SigmaDetection, Predicate>();
  const filterOf = (d: SigmaDetection) => {
    let f = filters.get(d);
    if (!f) filters.set(d, (f = compileDetection(d)));
    return f;
  };
  const referenced = new Set<SigmaDetection>();
  const plans: QueryPlan[] = [];

  for (const rule of rules) {
    if (rule.kind !== 'correlation') continue;
    const c = rule.data.correlation as Record<string, unknown>;
    if (!c || typeof c !== 'object') throw ruleError(rule, ['correlation'], `${ruleLabel(rule)}: 'correlation' must be a mapping`);
    if (c.type !== 'event_count') {
      throw ruleError(rule, ['correlation', 'type'], `${ruleLabel(rule)}: correlation type '${String(c.type)}' is not supported (supported: event_count)`);
    }
    if (c.aliases !== undefined) throw ruleError(rule, ['correlation', 'aliases'], `${ruleLabel(rule)}: correlation 'aliases' are not supported`);
    const refs = Array.isArray(c.rules) ? c.rules : [c.rules];
    const bases = refs.map((ref, i) => {
      const base = byRef.get(String(ref));
      if (!base) {
        throw ruleError(rule, ['correlation', 'rules', i], `${ruleLabel(rule)}: rule '${String(ref)}' is not among the loaded rules (refer to a detection rule's id or name)`);
      }
      referenced.add(base);
      return base;
    });
    const timespan = typeof c.timespan === 'string' ? parseTimespan(c.timespan) : undefined;
    if (timespan === undefined) {
      throw ruleError(rule, ['correlation', 'timespan'], `${ruleLabel(rule)}: timespan '${String(c.timespan)}' is not a number followed by s, m, h or d`);
    }
    const predicates = bases.map(filterOf);
    plans.push({
      rule: {
        name: displayName(rule),
        ...(typeof rule.data.id === 'string' ? { id: rule.data.id } : {}),
        title: String(rule.data.title ?? displayName(rule)),
        level: levelOf(rule, levelOf(bases[0]!, 'medium')),
        file: rule.file,
      },
      filter: predicates.length === 1 ? predicates[0]! : { kind: 'or', items: predicates },
      network,
      groupBy: mapGroupBy(rule, c['group-by']),
      binMs: timespan,
      aggregate: { kind: 'count' },
      threshold: thresholdOf(rule, c.condition),
    });
  }

  for (const d of detections) {
    if (referenced.has(d)) continue;
    plans.push({
      rule: {
        name: displayName(d),
        ...(typeof d.data.id === 'string' ? { id: d.data.id } : {}),
        title: String(d.data.title ?? displayName(d)),
        level: levelOf(d, 'medium'),
        file: d.file,
      },
      filter: filterOf(d),
      network,
      groupBy: ['srcIp', 'dstIp'],
      binMs: HOUR_MS,
      aggregate: { kind: 'count' },
      threshold: { op: 'gte', value: 1 },
    });
  }
  return plans;
}

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
