/**
 * Test oracle for Sigma YAML: every document of a text is validated against the Sigma specification's own JSON
 * schemas (vendored in test/data/sigma-schemas/, v2.1.0), then against rules the specification states in prose but
 * its schemas do not encode (modifier names, CIDR values, the condition grammar and its references, correlation
 * timespans and conditions, cross-document references, placeholders under `expand`).
 *
 * Deliberately independent of the code under test except for two leaf helpers: `parseCidr` (the address parser,
 * tested on its own in test/net.test.ts) and `parseCondition` (the grammar), which is backed up by a separate
 * token-level check of identifiers and patterns written here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction, ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parseAllDocuments } from 'yaml';
import { parseCidr } from '../../src/net/cidr.js';
import { parseCondition } from '../../src/rules/condition.js';

export type SigmaKind = 'detection' | 'correlation' | 'filter';

export interface SigmaDocResult {
  /** 1-based document number in the text. */
  doc: number;
  /** `[source] message`, source one of yaml, sigma, schema:<kind>, spec. Empty when the document is valid. */
  errors: string[];
  kind?: SigmaKind;
}

export interface ValidateOptions {
  /**
   * Require every `rules:` entry of a correlation or filter to name an `id` or `name` of a document in the same
   * text (default true). Off for texts whose rules live in other files.
   */
  crossReferences?: boolean;
}

export const SCHEMA_DIR = fileURLToPath(new URL('../data/sigma-schemas/', import.meta.url));
export const SCHEMA_FILES: Readonly<Record<SigmaKind, string>> = {
  detection: 'sigma-detection-rule-schema.json',
  correlation: 'sigma-correlation-rules-schema.json',
  filter: 'sigma-filters-schema.json',
};

// ajv-formats is CommonJS with `module.exports = plugin` plus `.default`: take whichever the loader gives.
type FormatsPlugin = (ajv: Ajv2020) => Ajv2020;
const addFormats: FormatsPlugin =
  (addFormatsModule as unknown as { default?: FormatsPlugin }).default ?? (addFormatsModule as unknown as FormatsPlugin);

let validators: Record<SigmaKind, ValidateFunction> | undefined;
function schemaValidators(): Record<SigmaKind, ValidateFunction> {
  if (!validators) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const compile = (kind: SigmaKind) => ajv.compile(JSON.parse(readFileSync(SCHEMA_DIR + SCHEMA_FILES[kind], 'utf8')) as object);
    validators = { detection: compile('detection'), correlation: compile('correlation'), filter: compile('filter') };
  }
  return validators;
}

/** Modifier names of the specification's modifier appendix (v2.1.0); `i`, `m`, `s` only directly after `re`. */
export const SPEC_MODIFIERS: ReadonlySet<string> = new Set([
  'all', 'startswith', 'endswith', 'contains', 'exists', 'cased', 'neq',
  'windash', 're', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide',
  'lt', 'lte', 'gt', 'gte',
  'minute', 'hour', 'day', 'week', 'month', 'year',
  'cidr', 'expand', 'fieldref',
]);
const RE_FLAGS: ReadonlySet<string> = new Set(['i', 'm', 's']);
const NUMBER_MODIFIERS: ReadonlySet<string> = new Set(['lt', 'lte', 'gt', 'gte', 'minute', 'hour', 'day', 'week', 'month', 'year']);
const CORRELATION_TYPES_NEEDING_FIELD: ReadonlySet<string> = new Set(['value_count', 'value_sum', 'value_avg', 'value_percentile']);
const CORRELATION_TYPES_NEEDING_CONDITION: ReadonlySet<string> = new Set(['event_count', ...CORRELATION_TYPES_NEEDING_FIELD]);
const COMPARISONS: ReadonlySet<string> = new Set(['gt', 'gte', 'lt', 'lte', 'eq', 'neq']);

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => v !== null && typeof v === 'object' && !Array.isArray(v);
const isScalar = (v: Json): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function kindOf(data: Json): SigmaKind | undefined {
  if (!isObject(data)) return undefined;
  if ('correlation' in data) return 'correlation';
  if ('filter' in data) return 'filter';
  if ('detection' in data) return 'detection';
  return undefined;
}

function schemaErrors(kind: SigmaKind, errors: readonly ErrorObject[] | null | undefined): string[] {
  const out = (errors ?? []).map((e) => {
    const where = e.instancePath || '(document)';
    const detail = e.keyword === 'required' ? `missing required property '${String(e.params.missingProperty)}'` : e.message ?? e.keyword;
    return `[schema:${kind}] ${where}: ${detail}`;
  });
  return [...new Set(out)];
}

/** `a.b.c.d/n` or `ipv6/n`, written with its prefix, host bits clear. */
export function cidrProblem(value: Json): string | undefined {
  if (typeof value !== 'string') return `${JSON.stringify(value)} is not a CIDR string`;
  const slash = value.indexOf('/');
  if (slash < 0) return `'${value}' has no prefix length (a CIDR is address/bits)`;
  const cidr = parseCidr(value);
  if (!cidr) return `'${value}' is not an IPv4 or IPv6 CIDR`;
  const host = parseCidr(value.slice(0, slash));
  if (!host || host.first !== cidr.first) return `'${value}' has host bits set (network is ${cidr.text})`;
  return undefined;
}

const globRegExp = (pattern: string) => new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);

/**
 * The condition, token by token, without the grammar: every plain identifier must be a search of the detection,
 * every `of` target `them` or a pattern matching at least one search (not counting `_`-prefixed ones, which
 * `them`/patterns never select).
 */
export function conditionReferenceProblems(condition: string, searches: readonly string[]): string[] {
  const problems: string[] = [];
  const tokens = condition.split(/(\(|\))|\s+/).filter((t): t is string => t !== undefined && t !== '');
  const selectable = searches.filter((s) => !s.startsWith('_'));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t === '(' || t === ')' || t === 'and' || t === 'or' || t === 'not') continue;
    if ((t === '1' || t === 'any' || t === 'all') && tokens[i + 1] === 'of') {
      const target = tokens[i + 2];
      i += 2;
      if (target === undefined) problems.push(`'${t} of' without a target`);
      else if (target !== 'them' && !selectable.some((s) => globRegExp(target).test(s))) {
        problems.push(`'${t} of ${target}' matches no search identifier`);
      }
      continue;
    }
    if (!searches.includes(t)) problems.push(`'${t}' is not a search identifier of this detection`);
  }
  return problems;
}

function detectionProblems(data: Record<string, Json>): string[] {
  const problems: string[] = [];
  const detection = data.detection;
  if (!isObject(detection)) return problems; // the schema reports it
  const searches = Object.keys(detection).filter((k) => k !== 'condition' && k !== 'timeframe');

  const checkFieldMap = (search: string, map: Record<string, Json>) => {
    for (const [key, value] of Object.entries(map)) {
      const [field = '', ...mods] = key.split('|');
      if (field === '' && !(mods.length === 1 && mods[0] === 'all')) problems.push(`search '${search}': empty field name in '${key}'`);
      mods.forEach((m, k) => {
        if (RE_FLAGS.has(m)) {
          if (!mods.slice(0, k).includes('re') || mods.slice(mods.indexOf('re') + 1, k).some((x) => !RE_FLAGS.has(x))) {
            problems.push(`search '${search}': '${m}' in '${key}' is a sub-modifier of 're' and must follow it`);
          }
        } else if (!SPEC_MODIFIERS.has(m)) {
          problems.push(`search '${search}': unknown modifier '${m}' in '${key}'`);
        }
      });
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) {
        if (!isScalar(v)) problems.push(`search '${search}': value of '${key}' must be a scalar or a list of scalars, not ${JSON.stringify(v)}`);
      }
      if (mods.includes('cidr') && !mods.includes('expand')) {
        for (const v of values) {
          const p = cidrProblem(v);
          if (p) problems.push(`search '${search}': '${key}': ${p}`);
        }
      }
      if (mods.includes('expand')) {
        for (const v of values) {
          if (typeof v !== 'string' || !/%[^%\s]+%/.test(v)) problems.push(`search '${search}': '${key}': ${JSON.stringify(v)} has no %placeholder%`);
        }
      }
      if (mods.includes('exists') && values.some((v) => typeof v !== 'boolean')) problems.push(`search '${search}': '${key}' takes true or false`);
      if (mods.some((m) => NUMBER_MODIFIERS.has(m)) && values.some((v) => typeof v !== 'number')) {
        problems.push(`search '${search}': '${key}' takes numbers`);
      }
      if (mods.includes('all') && !Array.isArray(value)) problems.push(`search '${search}': '${key}': 'all' needs a list of values`);
    }
  };
  for (const search of searches) {
    const value = detection[search];
    if (isObject(value)) checkFieldMap(search, value);
    else if (Array.isArray(value)) {
      value.forEach((item) => {
        if (isObject(item)) checkFieldMap(search, item);
        else if (!isScalar(item)) problems.push(`search '${search}': list items must be keywords or field maps`);
      });
    } else if (!isScalar(value)) {
      problems.push(`search '${search}': must be a map, a list or a keyword`);
    }
  }
  if ('timeframe' in detection) problems.push("'timeframe' in detection is Sigma 1; use a correlation rule");

  const conditions = Array.isArray(detection.condition) ? detection.condition : [detection.condition];
  for (const condition of conditions) {
    if (typeof condition !== 'string') continue; // the schema reports the type / absence
    if (condition.includes('|')) {
      problems.push(`condition '${condition}' uses a Sigma 1 aggregation ('|')`);
      continue;
    }
    try {
      parseCondition(condition);
    } catch (e) {
      problems.push(`condition '${condition}': ${(e as Error).message}`);
    }
    problems.push(...conditionReferenceProblems(condition, searches).map((p) => `condition '${condition}': ${p}`));
  }
  return problems;
}

function correlationProblems(data: Record<string, Json>): string[] {
  const problems: string[] = [];
  const c = data.correlation;
  if (!isObject(c)) return problems;
  const type = typeof c.type === 'string' ? c.type : '';
  if ('timespan' in c && (typeof c.timespan !== 'string' || !/^\d+[smhd]$/.test(c.timespan))) {
    problems.push(`timespan ${JSON.stringify(c.timespan)} is not a number followed by s, m, h or d`);
  }
  const condition = c.condition;
  if (condition === undefined) {
    if (CORRELATION_TYPES_NEEDING_CONDITION.has(type)) problems.push(`a ${type} correlation needs a condition`);
  } else if (isObject(condition)) {
    let comparisons = 0;
    for (const [op, v] of Object.entries(condition)) {
      if (op === 'field') continue;
      if (!COMPARISONS.has(op)) problems.push(`unknown correlation condition operator '${op}'`);
      else {
        comparisons++;
        if (typeof v !== 'number' || !Number.isInteger(v)) problems.push(`correlation condition '${op}' takes an integer, not ${JSON.stringify(v)}`);
      }
    }
    if (comparisons === 0 && CORRELATION_TYPES_NEEDING_CONDITION.has(type)) problems.push('correlation condition has no comparison');
    if (CORRELATION_TYPES_NEEDING_FIELD.has(type) && typeof condition.field !== 'string') problems.push(`a ${type} condition needs 'field'`);
  } else if (CORRELATION_TYPES_NEEDING_CONDITION.has(type)) {
    problems.push('correlation condition must be a map of comparisons');
  }
  return problems;
}

/** Validate every YAML document of a text. Empty documents (a trailing `---`) are not listed. */
export function validateSigmaText(yamlText: string, options: ValidateOptions = {}): SigmaDocResult[] {
  const crossReferences = options.crossReferences ?? true;
  const docs = parseAllDocuments(yamlText, { version: '1.2', uniqueKeys: true, prettyErrors: false });
  const list = Array.isArray(docs) ? docs : [];
  const results: (SigmaDocResult & { data?: Record<string, Json> })[] = [];
  list.forEach((doc, index) => {
    const result: SigmaDocResult & { data?: Record<string, Json> } = { doc: index + 1, errors: [] };
    if (doc.errors.length > 0) {
      result.errors.push(...doc.errors.map((e) => `[yaml] ${e.message.split('\n')[0]}`));
      results.push(result);
      return;
    }
    if (doc.contents === null) return;
    const data = doc.toJS({ maxAliasCount: 100 }) as Json;
    const kind = kindOf(data);
    if (!kind || !isObject(data)) {
      result.errors.push("[sigma] the document has none of 'detection', 'correlation', 'filter'");
      results.push(result);
      return;
    }
    result.kind = kind;
    result.data = data;
    const validate = schemaValidators()[kind];
    if (!validate(data)) result.errors.push(...schemaErrors(kind, validate.errors));
    const spec = kind === 'detection' ? detectionProblems(data) : kind === 'correlation' ? correlationProblems(data) : [];
    result.errors.push(...spec.map((p) => `[spec] ${p}`));
    results.push(result);
  });
  if (list.length === 0 || results.length === 0) return [{ doc: 1, errors: ['[sigma] no YAML document'] }];

  // Across documents: ids unique, references resolvable.
  const ids = new Map<string, number>();
  const names = new Set<string>();
  for (const r of results) {
    const id = r.data?.id;
    if (typeof id === 'string') {
      if (ids.has(id)) r.errors.push(`[spec] id ${id} is also the id of document ${ids.get(id)}`);
      else ids.set(id, r.doc);
    }
    if (typeof r.data?.name === 'string') names.add(r.data.name);
  }
  if (crossReferences) {
    for (const r of results) {
      const holder = r.kind === 'correlation' ? r.data?.correlation : r.kind === 'filter' ? r.data?.filter : undefined;
      const refs = isObject(holder) ? holder.rules : undefined;
      for (const ref of Array.isArray(refs) ? refs : refs === undefined ? [] : [refs]) {
        if (typeof ref !== 'string' || (!ids.has(ref) && !names.has(ref))) {
          r.errors.push(`[spec] rules: ${JSON.stringify(ref)} is neither the id nor the name of a rule in this text`);
        }
      }
    }
  }
  return results.map(({ doc, errors, kind }) => (kind ? { doc, errors, kind } : { doc, errors }));
}

/** All errors of a text, `doc N: message`, for `expect(...).toEqual([])` with readable failures. */
export function sigmaErrors(yamlText: string, options?: ValidateOptions): string[] {
  return validateSigmaText(yamlText, options).flatMap((r) => r.errors.map((e) => `doc ${r.doc}: ${e}`));
}
