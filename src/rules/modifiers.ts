/**
 * One `field|modifier|…: value(s)` entry of a Sigma search → a predicate. The modifiers are a table (what each
 * means, which fields it applies to), so an unknown or misplaced one is a located error naming it and the field:
 * `rules/x.yml:12:9: rule 'x': unknown modifier 'cidrr' on field 'src_ip'`.
 *
 * Value lists are OR (or AND with `|all`), as the Sigma specification says. Plain string values compare
 * case-insensitively; `*` and `?` in them are wildcards; `|cased` makes the comparison case-sensitive.
 */
import { normalizeAction } from '../model/action.js';
import { portOf } from '../model/port.js';
import { ianaProtocol } from '../model/protocol.js';
import { parseCidr } from '../net/cidr.js';
import { canonicalIp } from '../net/ip.js';
import type { EventField, Predicate } from './plan.js';
import { compileRegex, RE_FLAGS } from './re2.js';
import { supportedFieldNames, taxonomyField, UNAVAILABLE_FIELDS } from './taxonomy.js';
import { hasWildcard, parsePattern, patternText } from './wildcard.js';

export const INTERNAL_PLACEHOLDER_NAME = 'internal_networks';
export const DICOM_PORTS_PLACEHOLDER_NAME = 'dicom_ports';

/** Placeholder name (without `%`) → the values it stands for. `internal_networks` is the engine's own. */
export type Placeholders = Readonly<Record<string, readonly (string | number)[]>>;

/** The placeholders every compile knows besides `%internal_networks%`: `%dicom_ports%`, DICOM's registered port. */
export const DEFAULT_PLACEHOLDERS: Placeholders = { [DICOM_PORTS_PLACEHOLDER_NAME]: [104] };

/** What a modifier is, for validation and messages. */
interface ModifierInfo {
  /** Supported by the engine (false: a Sigma modifier that means nothing on network events). */
  supported: boolean;
  why?: string;
}

const SUPPORTED = { supported: true };
const BYTES = { supported: false, why: 'it transforms the value into encoded bytes, which network events do not hold' };
const TIME = { supported: false, why: 'network events hold no date fields other than their time' };

/** Every modifier of the Sigma specification (appendix "Sigma Modifiers", v2.1.0) and what the engine does with it. */
const MODIFIERS: Readonly<Record<string, ModifierInfo>> = {
  contains: SUPPORTED,
  startswith: SUPPORTED,
  endswith: SUPPORTED,
  all: SUPPORTED,
  cased: SUPPORTED,
  neq: SUPPORTED,
  exists: SUPPORTED,
  cidr: SUPPORTED,
  re: SUPPORTED,
  lt: SUPPORTED,
  lte: SUPPORTED,
  gt: SUPPORTED,
  gte: SUPPORTED,
  expand: SUPPORTED,
  fieldref: SUPPORTED,
  windash: { supported: false, why: 'it is for command lines' },
  base64: BYTES,
  base64offset: BYTES,
  utf16le: BYTES,
  utf16be: BYTES,
  utf16: BYTES,
  wide: BYTES,
  minute: TIME,
  hour: TIME,
  day: TIME,
  week: TIME,
  month: TIME,
  year: TIME,
};
const STRING_OPS = ['contains', 'startswith', 'endswith'] as const;
const COMPARISONS = ['lt', 'lte', 'gt', 'gte'] as const;
const ADDRESS_FIELDS: ReadonlySet<EventField> = new Set<EventField>(['srcIp', 'dstIp']);
const NUMERIC_FIELDS: ReadonlySet<EventField> = new Set<EventField>(['srcPort', 'dstPort']);

/** Where a value stands: the entry's one scalar value, or an index into its list. */
export type ValueAt = number | 'value';

/** What compiling one entry needs from the compiler. */
export interface FieldTestContext {
  /** `rule 'x'`, for messages. */
  label: string;
  placeholders: Placeholders;
  /** An error at the entry's key (`at` undefined), its one value (`'value'`), or value `at` of its list. */
  error(message: string, at?: ValueAt): Error;
}

/** The event field of a rule field name, or a message saying why there is none. */
export function fieldOf(name: string): { field: EventField } | { problem: string } {
  const field = taxonomyField(name);
  if (field) return { field };
  const why = Object.hasOwn(UNAVAILABLE_FIELDS, name) ? UNAVAILABLE_FIELDS[name] : `supported: ${supportedFieldNames()}`;
  return { problem: `unknown field '${name}' (${why})` };
}

/** The modifiers of a key, checked: known, supported, `i`/`m`/`s` only after `re`. */
function checkedModifiers(ctx: FieldTestContext, name: string, modifiers: readonly string[]): string[] {
  let afterRe = false;
  for (const m of modifiers) {
    if (afterRe && RE_FLAGS.has(m)) continue;
    if (!Object.hasOwn(MODIFIERS, m)) {
      const hint = RE_FLAGS.has(m) ? ` ('${m}' is a flag of |re and goes after it)` : '';
      throw ctx.error(`unknown modifier '${m}' on field '${name}'${hint}`);
    }
    const info = MODIFIERS[m]!;
    if (!info.supported) throw ctx.error(`modifier '${m}' on field '${name}' is not supported: ${info.why}`);
    afterRe = m === 're';
  }
  const has = (m: string) => modifiers.includes(m);
  const exclusive = ['cidr', 're', 'exists', 'fieldref', ...STRING_OPS, ...COMPARISONS].filter(has);
  if (exclusive.length > 1) throw ctx.error(`modifiers '${exclusive.join("' and '")}' on field '${name}' do not combine`);
  return [...modifiers];
}

/** The values of an entry, `%placeholder%`s replaced (with `|expand`); `internal` marks `%internal_networks%`. */
type Value = { kind: 'value'; value: string | number | boolean | null; at: ValueAt } | { kind: 'internal'; at: ValueAt };

function expandValues(ctx: FieldTestContext, name: string, raw: unknown, expand: boolean): Value[] {
  const list = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw ctx.error(`field '${name}': empty value list`);
  const at = (i: number): ValueAt => (Array.isArray(raw) ? i : 'value');
  return list.flatMap((v, i): Value[] => {
    if (v !== null && typeof v === 'object') throw ctx.error(`field '${name}': value ${JSON.stringify(v)} is not a scalar (nested lists and maps are not Sigma values)`, at(i));
    if (!expand) {
      if (typeof v === 'string' && /^%[^%\s]+%$/.test(v)) {
        throw ctx.error(`field '${name}': '${v}' looks like a placeholder, which needs the |expand modifier`, at(i));
      }
      return [{ kind: 'value', value: v as Value & string, at: at(i) }];
    }
    const m = typeof v === 'string' ? /^%([^%\s]+)%$/.exec(v) : null;
    if (!m) throw ctx.error(`field '${name}': |expand takes a placeholder such as '%internal_networks%', not ${JSON.stringify(v)}`, at(i));
    const placeholder = m[1]!;
    if (placeholder === INTERNAL_PLACEHOLDER_NAME) return [{ kind: 'internal', at: at(i) }];
    if (!Object.hasOwn(ctx.placeholders, placeholder)) {
      const known = [INTERNAL_PLACEHOLDER_NAME, ...Object.keys(ctx.placeholders)].map((k) => `%${k}%`).join(', ');
      throw ctx.error(`field '${name}': unknown placeholder '%${placeholder}%' (known: ${known}; define others with --placeholder NAME=V1,V2 or a placeholders file)`, at(i));
    }
    const values = ctx.placeholders[placeholder]!;
    if (values.length === 0) throw ctx.error(`field '${name}': placeholder '%${placeholder}%' has no values`, at(i));
    return values.map((value) => ({ kind: 'value', value, at: at(i) }));
  });
}

/**
 * A plain value, as the event model writes that field (an address, a port, an action, a protocol keyword): a value
 * the field can never hold is an error, not a rule that silently never matches (`protocol: tpc`).
 */
function typedValue(ctx: FieldTestContext, name: string, field: EventField, v: string | number, at: ValueAt): string | number {
  const text = String(v).trim();
  const bad = (what: string) => ctx.error(`field '${name}': '${text}' is not ${what}`, at);
  switch (field) {
    case 'srcPort':
    case 'dstPort': {
      const n = portOf(v);
      if (typeof n !== 'number') throw bad('a port');
      return n;
    }
    case 'srcIp':
    case 'dstIp': {
      const ip = canonicalIp(text);
      if (!ip) throw bad('an IP address (use |cidr for a range, or * and ? wildcards)');
      return ip;
    }
    case 'action': {
      const action = normalizeAction(text);
      if (!action) throw bad('an action (allow, deny, drop, reset or a vendor spelling of one)');
      return action;
    }
    case 'protocol': {
      const protocol = ianaProtocol(typeof v === 'number' ? v : text);
      if (!protocol) throw bad('a protocol (an IANA keyword such as tcp, udp, icmp, or a number 0-255)');
      return protocol;
    }
    default:
      return text;
  }
}

function scalarText(ctx: FieldTestContext, name: string, modifier: string, v: Value & { kind: 'value' }): string {
  if (typeof v.value !== 'string' && typeof v.value !== 'number') {
    throw ctx.error(`field '${name}': |${modifier} takes text, not ${JSON.stringify(v.value)}`, v.at);
  }
  return String(v.value);
}

/** One value → its predicate, given the entry's modifiers. */
function valuePredicate(ctx: FieldTestContext, name: string, field: EventField, mods: readonly string[], v: Value): Predicate {
  const has = (m: string) => mods.includes(m);
  const cased = has('cased');
  if (v.kind === 'internal') {
    if (!ADDRESS_FIELDS.has(field)) throw ctx.error(`field '${name}': '%internal_networks%' applies to address fields only`, v.at);
    return { kind: 'internal', field };
  }
  if (has('exists')) {
    if (typeof v.value !== 'boolean') throw ctx.error(`field '${name}': |exists takes true or false, not ${JSON.stringify(v.value)}`, v.at);
    return { kind: 'exists', field, exists: v.value };
  }
  if (v.value === null) {
    if (mods.length > 0) throw ctx.error(`field '${name}': null takes no modifiers`, v.at);
    return { kind: 'exists', field, exists: false };
  }
  if (typeof v.value === 'boolean') throw ctx.error(`field '${name}': ${v.value} is not a value of this field (true/false only go with |exists)`, v.at);
  if (has('fieldref')) {
    const other = fieldOf(String(v.value));
    if ('problem' in other) throw ctx.error(`field '${name}': |fieldref names ${other.problem}`, v.at);
    return { kind: 'fieldref', field, other: other.field };
  }
  const comparison = COMPARISONS.find(has);
  if (comparison) {
    if (!NUMERIC_FIELDS.has(field)) throw ctx.error(`modifier '${comparison}' on field '${name}' needs a numeric field (ports)`);
    if (typeof v.value !== 'number' || !Number.isFinite(v.value)) throw ctx.error(`field '${name}': |${comparison} takes a number, not ${JSON.stringify(v.value)}`, v.at);
    return { kind: 'compare', field, op: comparison, value: v.value };
  }
  if (has('cidr')) {
    if (!ADDRESS_FIELDS.has(field)) throw ctx.error(`modifier 'cidr' on field '${name}' needs an address field`);
    const cidr = parseCidr(String(v.value).trim());
    if (!cidr) throw ctx.error(`field '${name}': '${String(v.value)}' is not a CIDR`, v.at);
    return { kind: 'cidr', field, cidrs: [cidr.text] };
  }
  if (has('re')) {
    const pattern = scalarText(ctx, name, 're', v);
    const flags = ['i', 'm', 's'].filter((f) => mods.slice(mods.indexOf('re') + 1).includes(f)).join('');
    try {
      compileRegex(pattern, flags);
    } catch (e) {
      throw ctx.error(`field '${name}': regular expression ${JSON.stringify(pattern)} is not valid RE2 syntax (${(e as Error).message})`, v.at);
    }
    return { kind: 'regex', field, pattern, flags };
  }
  const op = STRING_OPS.find(has);
  if (op) {
    const text = scalarText(ctx, name, op, v);
    const pattern = op === 'contains' ? `*${text}*` : op === 'startswith' ? `${text}*` : `*${text}`;
    return { kind: 'wildcard', field, patterns: [pattern], ...(cased ? { cased } : {}) };
  }
  const value = v.value;
  let equality: Predicate;
  // A string is a Sigma pattern: `*`/`?` wildcards, `\*` `\?` `\\` escapes; without wildcards, its unescaped text.
  const parts = typeof value === 'string' ? parsePattern(value) : undefined;
  if (typeof value === 'string' && (hasWildcard(value) || (cased && field === 'device'))) {
    equality = { kind: 'wildcard', field, patterns: [value], ...(cased ? { cased } : {}) };
  } else {
    equality = { kind: 'equals', field, values: [typedValue(ctx, name, field, parts ? patternText(parts) : (value as number), v.at)] };
  }
  return has('neq') ? { kind: 'not', item: equality } : equality;
}

/** Leaves of one kind and field joined into one (`equals` values, `cidr` ranges), so lists stay one leaf. */
function joinLeaves(kind: 'and' | 'or', items: Predicate[]): Predicate {
  if (items.length === 1) return items[0]!;
  if (kind === 'or') {
    const first = items[0]!;
    if (first.kind === 'equals' && items.every((i) => i.kind === 'equals' && i.field === first.field)) {
      const values = items.flatMap((i) => (i as typeof first).values);
      return { kind: 'equals', field: first.field, values: [...new Set(values)] };
    }
    if (first.kind === 'cidr' && items.every((i) => i.kind === 'cidr' && i.field === first.field)) {
      return { kind: 'cidr', field: first.field, cidrs: [...new Set(items.flatMap((i) => (i as typeof first).cidrs))] };
    }
    if (first.kind === 'wildcard' && items.every((i) => i.kind === 'wildcard' && i.field === first.field && i.cased === first.cased)) {
      return { ...first, patterns: items.flatMap((i) => (i as typeof first).patterns) };
    }
  }
  return { kind, items };
}

/** One `field|mods: value(s)` entry → predicate (see the module comment). Throws the context's located errors. */
export function compileFieldEntry(ctx: FieldTestContext, key: string, value: unknown): { field: EventField; predicate: Predicate } {
  const [name = '', ...rawModifiers] = key.split('|');
  const found = fieldOf(name);
  if ('problem' in found) throw ctx.error(found.problem);
  const mods = checkedModifiers(ctx, name, rawModifiers);
  const values = expandValues(ctx, name, value, mods.includes('expand'));
  const items = values.map((v) => valuePredicate(ctx, name, found.field, mods, v));
  // `neq` with a list: the field equals none of the values (pySigma's reading), whatever `all` says.
  const kind = mods.includes('all') || mods.includes('neq') ? 'and' : 'or';
  return { field: found.field, predicate: joinLeaves(kind, items) };
}
