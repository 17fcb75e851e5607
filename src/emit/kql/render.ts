/**
 * QueryPlan → KQL for one Sentinel table profile.
 *
 * Shape of every query (the advisory's, DESIGN.md):
 *
 *     let ...;                          ports, internal ranges, profile helpers (each query carries its own)
 *     <source>                          a table, or a function call with its pre-filter parameters
 *     | where <table pre-filter>        from the profile, if any
 *     | extend <computed column>        from the profile, for each computed column the rule uses
 *     | where <filter item>             one line per item of the filter's top-level AND, in plan order
 *     | project <columns>               from the profile, if any
 *     | summarize count() by <keys>, bin(<time>, <bin>)      the aggregate's call (aggregates.ts): count(), dcount(C)
 *                                       (strict: `extend` canonical address keys, summarize, `project` outputs)
 *     | where count_ <op> <n>           unless the threshold always holds (`count_ >= 1`); or the aggregate's column
 *     | order by count_ desc
 *
 * ## Parity with the engine
 *
 * The engine compares normalised values (src/rules/events.ts: canonical addresses, protocol keywords, action
 * words); a table holds raw text. So the renderer compares what normalises to the rule's value, where Kusto can:
 * - protocols: on a numeric column the IANA number (`Protocol == 6`); on a text column every spelling of the
 *   keyword, case-insensitively (`in~ ("tcp", "6")`); actions: the profile's spellings (`in~ ("ACCEPT")`).
 * - addresses: an IPv6 value is compared through `parse_ipv6()` (Kusto's canonical full form: eight lower-case
 *   four-digit groups), so `2001:DB8::1` and `2001:0db8:0:0::1` both equal `2001:db8::1`, as in the engine.
 * - group keys, strict semantics: an address is grouped by the same canonical key (IPv4 text as is, anything else
 *   `parse_ipv6()`), and the group shows the lowest lower-cased spelling seen (`min(tolower())`), so spellings of
 *   one IPv6 address are one group, as in the engine. In kql semantics the advisory's raw grouping is kept (the query must stay the
 *   advisory's to the byte; its sources are IPv4 only anyway, since ipv4_is_private() drops every other row).
 * Kusto has no function that writes RFC 5952 text (the engine's form), so an IPv6 group shows a spelling from the
 * data, not necessarily the engine's; the README lists this and the other differences.
 *
 * ## Null semantics
 *
 * The plan's filter is three-valued (plan.ts): a leaf may be true, false or null (cannot be evaluated, e.g. KQL's
 * `ipv4_is_private()` on an IPv6 string), combined with Kleene logic, and a row is kept only when the filter is
 * true. KQL's `where` also keeps a row only when its predicate is true (false and null both drop it), but KQL's
 * null handling inside `not()` is not something to lean on. So the renderer never negates a KQL expression that
 * might be null. Instead every predicate P is rendered twice, as two KQL expressions that are true exactly when P
 * is true, resp. exactly when P is false, and are false or null otherwise:
 *
 *     T(a and b) = T(a) and T(b)        F(a and b) = F(a) or F(b)
 *     T(a or b)  = T(a) or T(b)         F(a or b)  = F(a) and F(b)
 *     T(not a)   = F(a)                 F(not a)   = T(a)
 *
 * and the query filters on T(filter). T and F only combine leaves with `and`/`or`, which are monotone: Kusto
 * documents `bool(null) and true` → false and `bool(null) or true` → true
 * (https://learn.microsoft.com/kusto/query/logical-operators), so a null leaf can never make T(filter) true — it
 * behaves exactly like the engine's null, which can never make the filter true either. Leaves state their T and F
 * below; wherever a leaf compares a possibly-null value with `== false`, Kusto's rule "null == non-null is false"
 * (https://learn.microsoft.com/kusto/query/scalar-data-types/null-values) makes F false, never null-but-kept.
 *
 * ## Address leaves (functions relied on, per Microsoft's documentation)
 *
 * - `ipv4_is_private(s)`: true for 10/8, 172.16/12, 192.168/16; false for other IPv4; null when `s` is not an IPv4
 *   string (IPv6 included).
 * - `ipv4_is_in_any_range(s, ranges)`: true/false; null when `s` (or a range) does not parse as IPv4.
 * - `ipv6_is_in_any_range(s, ranges)`: true/false; null when a string does not parse. The ipv6_* functions accept
 *   IPv4 strings too (compared as IPv4-mapped IPv6, see ipv6_is_match), which is why IPv4 addresses are routed
 *   to the IPv4 function explicitly instead of ever reaching an IPv6 range list.
 * - `parse_ipv4(s)`: a long, or null when `s` is not an IPv4 string; so `isnotnull(parse_ipv4(s))` is "s is IPv4",
 *   never null, and the only condition `iff` is given.
 * - `parse_ipv6(s)`: canonical IPv6 text for an IPv6 or IPv4 string, the empty string when conversion fails; so
 *   `isnotempty(parse_ipv6(s))` (outside the IPv4 branch) is "s is an IPv6 address". The canonical text is the
 *   full form, eight lower-case four-digit groups (`0000:0000:0000:0000:0000:ffff:c0a8:ffff` for 192.168.255.255),
 *   so IPv4 text and its ::ffff: form have the same one.
 * - `coalesce(a, b, …)`: the first argument that is not null, for strings the first that is not empty.
 *
 * Pages: learn.microsoft.com/kusto/query/ ipv4-is-private-function, ipv4-is-in-any-range-function,
 * ipv6-is-in-any-range-function, ipv6-is-match-function, parse-ipv4-function, parse-ipv6-function,
 * logical-operators, scalar-data-types/null-values, coalesce-function.
 */
import { DicomwatchError } from '../../errors.js';
import { formatLocation, type SourceLocation } from '../../rules/errors.js';
import { kqlSummarize, operatorOf } from '../../rules/aggregates.js';
import { fieldLocation } from '../../rules/origins.js';
import { thresholdsOf, type EventField, type Predicate, type QueryPlan, type ThresholdOp } from '../../rules/plan.js';
import { ianaProtocol } from '../../model/protocol.js';
import { canonicalIp, ipVersion, parseIpv6 } from '../../net/ip.js';
import { judgesEmbeddedIpv4 } from '../../net/classify.js';
import { KQL_PRIVATE_V4, STRICT_INTERNAL_V4, STRICT_INTERNAL_V6 } from '../../net/ranges.js';
import type { Cidr } from '../../net/cidr.js';
import { parsePattern, patternText, type PatternPart } from '../../rules/wildcard.js';
import {
  embeddedV4Forms,
  kqlCidrText,
  kqlDynamicStrings,
  kqlName,
  kqlNumber,
  kqlString,
  kqlTimespan,
  mustParseCidr,
} from './literals.js';
import { lookbackParts, type KqlRenderOptions } from './lookback.js';
import { portLetName } from './names.js';
import {
  KQL_NUMERIC_TYPES,
  KQL_OUTPUT_NAMES,
  KQL_TIME_OUTPUT,
  kqlReservedNames,
  type KqlColumn,
  type KqlTableProfile,
} from './tables.js';
import { protocolAsNumber, protocolSpellings } from './vocabulary.js';

/**
 * A plan the emitter cannot render for this table (code BAD_RULE, subject the rule file): names the rule, the
 * table, and the field when one is to blame. For a compiled plan the message starts with the `file:line:col` where
 * the rule uses that field (`location`), like a RuleError; `detail` is the message without it.
 */
export class KqlEmitError extends DicomwatchError {
  override name = 'KqlEmitError';
  constructor(
    readonly detail: string,
    readonly rule: string,
    readonly table: string,
    readonly field?: EventField,
    readonly location?: SourceLocation,
    file?: string,
  ) {
    super('BAD_RULE', location ? `${formatLocation(location)}: ${detail}` : detail, location?.file ?? file);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A tiny boolean expression tree, so `and`/`or` nest with the right parentheses and the top-level AND splits into
// one `| where` line per item.
// ---------------------------------------------------------------------------------------------------------------
type Expr =
  | { kind: 'const'; value: boolean }
  | { kind: 'atom'; text: string }
  | { kind: 'and' | 'or'; items: Expr[] };

const TRUE: Expr = { kind: 'const', value: true };
const FALSE: Expr = { kind: 'const', value: false };
const atom = (text: string): Expr => ({ kind: 'atom', text });

function junction(kind: 'and' | 'or', parts: Expr[]): Expr {
  const unit = kind === 'and'; // neutral element: true for AND, false for OR
  const items: Expr[] = [];
  for (const p of parts) {
    if (p.kind === 'const') {
      if (p.value === unit) continue;
      return p; // absorbing element: false in an AND, true in an OR
    }
    if (p.kind === kind) for (const i of p.items) items.push(i); // no push(...): a rule's lists can be long
    else items.push(p);
  }
  if (items.length === 0) return unit ? TRUE : FALSE;
  if (items.length === 1) return items[0]!;
  return { kind, items };
}
const and = (...parts: Expr[]) => junction('and', parts);
const or = (...parts: Expr[]) => junction('or', parts);

function exprText(e: Expr, parent: 'and' | 'or' | 'top' = 'top'): string {
  switch (e.kind) {
    case 'const':
      return e.value ? 'true' : 'false';
    case 'atom':
      return e.text;
    case 'and':
    case 'or': {
      const text = e.items.map((i) => exprText(i, e.kind)).join(` ${e.kind} `);
      // `and` binds tighter than `or`; parenthesize any junction nested in another for readability.
      return parent === 'top' ? text : `(${text})`;
    }
  }
}

/** T(P) and F(P): true exactly when P is true, resp. false; false or null otherwise (see the header). */
interface Rendered {
  t: Expr;
  f: Expr;
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering context
// ---------------------------------------------------------------------------------------------------------------
/** The rule's own `let`s, in the order they are printed; the port list's name comes from the rule (names.ts). */
const LET_KINDS = ['port', 'InternalV4', 'InternalV6'] as const;
type LetKind = (typeof LET_KINDS)[number];

class Ctx {
  readonly lets = new Map<LetKind, { name: string; value: string }>();
  /** Fields whose column the query reads (for computed columns: which `extend`s to print). */
  readonly used = new Set<EventField>();
  constructor(
    readonly plan: QueryPlan,
    readonly table: KqlTableProfile,
    readonly options: KqlRenderOptions = {},
  ) {}

  /**
   * Fail naming the rule and, when the plan was compiled from a file, where it uses `field` (in the filter, or in
   * the group-by for `part` 'group-by'); a hand-built plan is named by its file only.
   */
  fail(message: string, field?: EventField, part: 'filter' | 'group-by' = 'filter'): never {
    const { name, file } = this.plan.rule;
    const location = fieldLocation(this.plan, field, part);
    const label = location ? `rule '${name}'` : `rule '${name}' (${file})`;
    throw new KqlEmitError(`${label}: ${message}`, name, this.table.name, field, location, file);
  }

  /** Run `fn`, re-throwing a literal error with the rule and field in front. */
  guard<T>(field: EventField | undefined, what: string, fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof KqlEmitError) throw e;
      this.fail(`${what}: ${(e as Error).message}`, field);
    }
  }

  column(field: EventField, construct: string): KqlColumn {
    const col = Object.hasOwn(this.table.columns, field) ? this.table.columns[field] : undefined;
    if (col === undefined) {
      const has = Object.keys(this.table.columns).join(', ');
      this.fail(
        `field '${field}' (used in ${construct}) is not available in KQL table '${this.table.name}' (it has: ${has})`,
        field,
        construct === 'group-by' ? 'group-by' : 'filter',
      );
    }
    this.used.add(field);
    return col;
  }

  stringColumn(field: EventField, construct: string): string {
    const col = this.column(field, construct);
    if (col.type !== 'string') {
      this.fail(`${construct} needs a string column, but '${col.name}' in '${this.table.name}' is ${col.type}`, field);
    }
    return kqlName(col.name);
  }

  /** Bind `value` to the `let` of `kind` (named `name`) and return the name; one value per kind. */
  let(kind: LetKind, name: string, value: string): string {
    const prev = this.lets.get(kind);
    if (prev !== undefined && (prev.value !== value || prev.name !== name)) this.fail(`conflicting values for 'let ${prev.name}'`);
    this.lets.set(kind, { name, value });
    return name;
  }

  letLines(): string[] {
    return LET_KINDS.flatMap((k) => {
      const l = this.lets.get(k);
      return l === undefined ? [] : [`let ${l.name} = ${l.value};`];
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Leaves
// ---------------------------------------------------------------------------------------------------------------
const PORT_FIELDS: ReadonlySet<EventField> = new Set<EventField>(['srcPort', 'dstPort']);
const ADDRESS_FIELDS: ReadonlySet<EventField> = new Set<EventField>(['srcIp', 'dstIp']);

/**
 * What a column holds for one rule value: the profile's spellings when it has a vocabulary (closed: an unknown
 * value is an error); for a protocol, the IANA number on a numeric column, every spelling of the keyword on a text
 * one (vocabulary.ts); otherwise the value itself.
 */
function columnValues(ctx: Ctx, field: EventField, col: KqlColumn, v: string | number): readonly (string | number)[] {
  if (col.values !== undefined) {
    const key = String(v).toLowerCase();
    if (!Object.hasOwn(col.values, key)) {
      throw new Error(`column ${col.name} of '${ctx.table.name}' has no equivalent (known: ${Object.keys(col.values).join(', ')})`);
    }
    return col.values[key]!;
  }
  if (field !== 'protocol') return [v];
  const protocol = ianaProtocol(v);
  if (protocol === undefined) throw new Error('not a protocol (an IANA keyword or a number 0-255)');
  if (!KQL_NUMERIC_TYPES.has(col.type)) return protocolSpellings(protocol);
  const n = protocolAsNumber(protocol);
  if (n === undefined) throw new Error(`protocol '${protocol}' has no IANA number for column ${col.name}`);
  return [n];
}

/** One column value as a KQL literal of the column's type (ports range-checked). */
function literalFor(field: EventField, col: KqlColumn, v: string | number): string {
  if (KQL_NUMERIC_TYPES.has(col.type)) {
    const text = kqlNumber(v, col.type);
    if (PORT_FIELDS.has(field)) {
      const n = Number(text);
      if (n < 0 || n > 65535) throw new Error('not a port number (0-65535)');
    }
    return text;
  }
  if (typeof v === 'number') kqlNumber(v, 'real'); // finite check; rendered as its decimal text
  return kqlString(String(v));
}

/** The values of an `equals` leaf as KQL literals for `col` (translated, validated, de-duplicated). */
function equalsLiterals(ctx: Ctx, field: EventField, col: KqlColumn, values: readonly (string | number)[]): string[] {
  if (!Array.isArray(values) || values.length === 0) ctx.fail(`equals(${field}) has no values`, field);
  const out: string[] = [];
  for (const raw of values) {
    const lits = ctx.guard(field, `value ${JSON.stringify(raw)} of equals(${field})`, () => {
      if (typeof raw !== 'string' && typeof raw !== 'number') throw new Error('not a string or number');
      return columnValues(ctx, field, col, raw).map((v) => literalFor(field, col, v));
    });
    for (const lit of lits) if (!out.includes(lit)) out.push(lit);
  }
  return out;
}

/** `C == v` / `C != v`, or `C in (…)` / `C !in (…)` for several; `~` variants compare text case-insensitively. */
function comparison(lhs: string, lits: readonly string[], caseless: boolean): Rendered {
  const tilde = caseless ? '~' : '';
  if (lits.length === 1) {
    return caseless
      ? { t: atom(`${lhs} =~ ${lits[0]}`), f: atom(`${lhs} !~ ${lits[0]}`) }
      : { t: atom(`${lhs} == ${lits[0]}`), f: atom(`${lhs} != ${lits[0]}`) };
  }
  const list = lits.join(', ');
  return { t: atom(`${lhs} in${tilde} (${list})`), f: atom(`${lhs} !in${tilde} (${list})`) };
}

/**
 * equals: T = `C == v` / `C in (v, w)` on numeric columns, `C =~ "v"` / `C in~ ("v", "w")` on string columns (Sigma
 * string matching is case-insensitive); F = the negated operator (`!=`, `!in`, `!~`, `!in~`). Two-valued, like the
 * engine: a missing value is simply not equal (KQL: `null == 104` is false, `null != 104` is true, an empty
 * string matches no value). The first equality on the destination port names its values with a `let`
 * (`portLet`), as the advisory does.
 */
function renderEquals(ctx: Ctx, field: EventField, values: readonly (string | number)[], portLet: boolean): Rendered {
  if (ADDRESS_FIELDS.has(field)) return renderAddressEquals(ctx, field, values);
  const col = ctx.column(field, `equals(${field})`);
  const name = kqlName(col.name);
  const lits = equalsLiterals(ctx, field, col, values);
  if (!KQL_NUMERIC_TYPES.has(col.type)) return comparison(name, lits, true);
  if (!portLet) return comparison(name, lits, false);
  // The advisory names the port list: `let DICOMPort = 104;` / `let DICOMPorts = dynamic([104, 11112]);`
  const letName = portLetName(lits.map(Number), ctx.plan.rule.name, RESERVED_NAMES);
  if (lits.length === 1) return comparison(name, [ctx.let('port', letName, lits[0]!)], false);
  const v = ctx.let('port', letName, `dynamic([${lits.join(', ')}])`);
  return { t: atom(`${name} in (${v})`), f: atom(`${name} !in (${v})`) };
}

/** Names a rule-derived `let` must avoid (every profile's columns), computed once. */
const RESERVED_NAMES = kqlReservedNames();

/** Kusto's parse_ipv6() text for an address: eight lower-case four-digit groups (`2001:0db8:0000:…:0001`). */
function parseIpv6Text(groups: Uint16Array): string {
  return Array.from(groups, (g) => g.toString(16).padStart(4, '0')).join(':');
}

/** ::ffff:0:0/96: the addresses parse_ipv6() also produces from IPv4 text. */
function isIpv4Mapped(g: Uint16Array): boolean {
  return g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff;
}

/**
 * equals on an address: the engine compares canonical text (IPv4 dotted quad; IPv6 RFC 5952), so any spelling of
 * an IPv6 address matches. KQL: IPv4 values compare as text (`x == "203.0.113.7"`: the dotted quad is its own
 * canonical form); IPv6 values through parse_ipv6(), whose full form is canonical too:
 *
 *     T = x in ("a.b.c.d", …) or parse_ipv6(x) in ("2001:0db8:…", …)
 *     F = x !in (…) and parse_ipv6(x) !in (…)
 *
 * parse_ipv6() turns IPv4 text into its ::ffff: form, so when an IPv6 value is IPv4-mapped, the IPv6 test also
 * requires `isnull(parse_ipv4(x))`: the engine keeps `10.0.0.1` and `::ffff:10.0.0.1` apart. Two-valued like the
 * other equals: parse_ipv6() of anything that is not an address is "", never null.
 */
function renderAddressEquals(ctx: Ctx, field: EventField, values: readonly (string | number)[]): Rendered {
  const x = ctx.stringColumn(field, `equals(${field})`);
  if (!Array.isArray(values) || values.length === 0) ctx.fail(`equals(${field}) has no values`, field);
  const v4: string[] = [];
  const v6: Uint16Array[] = [];
  for (const raw of values) {
    ctx.guard(field, `value ${JSON.stringify(raw)} of equals(${field})`, () => {
      const ip = typeof raw === 'string' ? canonicalIp(raw.trim()) : undefined;
      if (ip === undefined) throw new Error('not an IP address');
      if (ipVersion(ip) === 4) v4.push(ip);
      else v6.push(parseIpv6(ip)!);
    });
  }
  const parts: Rendered[] = [];
  if (v4.length > 0) parts.push(comparison(x, uniq(v4).map(kqlString), false));
  if (v6.length > 0) {
    const cmp = comparison(`parse_ipv6(${x})`, uniq(v6.map(parseIpv6Text)).map(kqlString), false);
    parts.push(
      v6.some(isIpv4Mapped)
        ? { t: and(atom(`isnull(parse_ipv4(${x}))`), cmp.t), f: or(atom(isV4(x)), cmp.f) }
        : cmp,
    );
  }
  return { t: or(...parts.map((p) => p.t)), f: and(...parts.map((p) => p.f)) };
}

const isV4 = (x: string) => `isnotnull(parse_ipv4(${x}))`;

/**
 * Membership of address column `x` in IPv4 ranges `v4` and IPv6 ranges `v6` (KQL expressions, each a `dynamic`
 * list or a let name; `undefined` = no ranges of that family). Semantics, matching CidrSet.has: an IPv4 address is
 * checked against the IPv4 ranges only, an IPv6 address against the IPv6 ranges only; text that is not an address
 * is null (neither T nor F holds).
 *
 *   T = iff(isnotnull(parse_ipv4(x)), ipv4_is_in_any_range(x, v4), ipv6_is_in_any_range(x, v6))
 *   F = iff(isnotnull(parse_ipv4(x)), ipv4_is_in_any_range(x, v4) == false, ipv6_is_in_any_range(x, v6) == false)
 *
 * With no IPv6 ranges an IPv6 address is simply not in the list: T's IPv6 branch is `false` (and T reduces to the
 * IPv4 call, which is null for non-IPv4 text), F's is `isnotempty(parse_ipv6(x))` (true for an IPv6 address,
 * false for garbage). With no IPv4 ranges, symmetrically `false` / `true` in the IPv4 branch.
 */
function membership(x: string, v4: string | undefined, v6: string | undefined): Rendered {
  const in4 = v4 === undefined ? undefined : `ipv4_is_in_any_range(${x}, ${v4})`;
  const in6 = v6 === undefined ? undefined : `ipv6_is_in_any_range(${x}, ${v6})`;
  if (in4 !== undefined && in6 !== undefined) {
    return {
      t: atom(`iff(${isV4(x)}, ${in4}, ${in6})`),
      f: atom(`iff(${isV4(x)}, ${in4} == false, ${in6} == false)`),
    };
  }
  if (in4 !== undefined) {
    return { t: atom(in4), f: atom(`iff(${isV4(x)}, ${in4} == false, isnotempty(parse_ipv6(${x})))`) };
  }
  if (in6 !== undefined) {
    return { t: atom(`iff(${isV4(x)}, false, ${in6})`), f: atom(`iff(${isV4(x)}, true, ${in6} == false)`) };
  }
  /* c8 ignore next */
  throw new Error('membership needs at least one range list');
}

function uniq(values: string[]): string[] {
  return [...new Set(values)];
}

/** The IPv6 range texts of `v6` plus, in strict mode, the embedded forms of every IPv4 range. */
function v6RangesFor(v4: readonly Cidr[], v6: readonly Cidr[], embedV4: boolean): string[] {
  return uniq([...v6.map(kqlCidrText), ...(embedV4 ? v4.flatMap(embeddedV4Forms) : [])]);
}

/** cidr(field, cidrs): membership in the listed ranges (see `membership`), the lists written inline. */
function renderCidr(ctx: Ctx, field: EventField, cidrs: readonly string[]): Rendered {
  const x = ctx.stringColumn(field, `cidr(${field})`);
  if (!Array.isArray(cidrs) || cidrs.length === 0) ctx.fail(`cidr(${field}) has no CIDRs`, field);
  const parsed = cidrs.map((c) => ctx.guard(field, `cidr(${field})`, () => mustParseCidr(c, `cidr(${field})`)));
  const v4 = parsed.filter((c) => c.version === 4);
  const v6 = parsed.filter((c) => c.version === 6);
  // strict mode: `::ffff:198.51.100.5` is covered by an allowlisted 198.51.100.0/24, as in the engine
  const embed = judgesEmbeddedIpv4(ctx.plan.network.semantics);
  const v4Texts = uniq(v4.map(kqlCidrText));
  const v6Texts = v6RangesFor(v4, v6, embed);
  return membership(
    x,
    v4Texts.length > 0 ? kqlDynamicStrings(v4Texts) : undefined,
    v6Texts.length > 0 ? kqlDynamicStrings(v6Texts) : undefined,
  );
}

/** The user's `--internal` CIDRs, parsed. */
function userInternal(ctx: Ctx): Cidr[] {
  const list = ctx.plan.network.internal;
  if (!Array.isArray(list)) ctx.fail('network.internal is not a list');
  return list.map((c) => ctx.guard(undefined, 'network.internal', () => mustParseCidr(c, '--internal')));
}

/**
 * internal(field), as src/net/classify.ts defines it.
 *
 * kql:    internal = ipv4_is_private(x) [or ipv4_is_in_any_range(x, InternalV4)]   (InternalV4 = the user's
 *         IPv4 CIDRs, only when there are any; the user's IPv6 CIDRs have no effect in this mode)
 *         T = that disjunction: null for non-IPv4 text, so never true there.
 *         F = ipv4_is_private(x) == false [and ipv4_is_in_any_range(x, InternalV4) == false]: false for non-IPv4
 *             text (null == false is false), so an IPv6 source drops, as the engine's null does. With no extra
 *             CIDRs F is exactly the advisory's `ipv4_is_private(SourceIP) == false`.
 * strict: InternalV4 = STRICT_INTERNAL_V4 + user IPv4; InternalV6 = STRICT_INTERNAL_V6 + user IPv6 + the
 *         IPv4-mapped and IPv4-compatible forms of every InternalV4 range, so `::ffff:10.0.0.1` is internal;
 *         membership() with both lists: every IPv4 and IPv6 address gets a definite answer, nothing valid drops.
 */
function renderInternal(ctx: Ctx, field: EventField): Rendered {
  const x = ctx.stringColumn(field, `internal(${field})`);
  const user = userInternal(ctx);
  const user4 = user.filter((c) => c.version === 4);
  if (ctx.plan.network.semantics === 'kql') {
    const isPrivate = `ipv4_is_private(${x})`;
    // ranges ipv4_is_private() already covers are not repeated in the list
    const extra = uniq(user4.map(kqlCidrText)).filter((c) => !KQL_PRIVATE_V4.includes(c));
    if (extra.length === 0) return { t: atom(isPrivate), f: atom(`${isPrivate} == false`) };
    const list = ctx.let('InternalV4', 'InternalV4', kqlDynamicStrings(extra));
    const inList = `ipv4_is_in_any_range(${x}, ${list})`;
    return { t: or(atom(isPrivate), atom(inList)), f: and(atom(`${isPrivate} == false`), atom(`${inList} == false`)) };
  }
  if (ctx.plan.network.semantics !== 'strict') ctx.fail(`unknown semantics '${String(ctx.plan.network.semantics)}'`);
  const v4 = [...STRICT_INTERNAL_V4.map((c) => mustParseCidr(c, 'STRICT_INTERNAL_V4')), ...user4];
  const v6 = [
    ...STRICT_INTERNAL_V6.map((c) => mustParseCidr(c, 'STRICT_INTERNAL_V6')),
    ...user.filter((c) => c.version === 6),
  ];
  const list4 = ctx.let('InternalV4', 'InternalV4', kqlDynamicStrings(uniq(v4.map(kqlCidrText))));
  const list6 = ctx.let('InternalV6', 'InternalV6', kqlDynamicStrings(v6RangesFor(v4, v6, true)));
  return membership(x, list4, list6);
}

/**
 * A field's value as text, as the engine matches text modifiers against it: a string column as it is, a numeric
 * one through tostring() (a port's digits). A null number becomes "" (tostring(null) is ""), which no pattern
 * with a character in it matches, as the engine's absent field matches none.
 */
function textOf(ctx: Ctx, field: EventField, construct: string): string {
  const col = ctx.column(field, construct);
  if (col.values !== undefined) {
    // A column with its own vocabulary (Action: ACCEPT) holds other words than the event model's (allow).
    ctx.fail(`${construct} on column ${col.name} of '${ctx.table.name}' has no faithful KQL: the column holds the device's words, not the event model's; test the field with plain values`, field);
  }
  if (field === 'protocol' && KQL_NUMERIC_TYPES.has(col.type)) {
    ctx.fail(`${construct} on column ${col.name} of '${ctx.table.name}' has no faithful KQL: it holds protocol numbers, the engine matches keywords (tcp); test the field with plain values`, field);
  }
  return KQL_NUMERIC_TYPES.has(col.type) ? `tostring(${kqlName(col.name)})` : kqlName(col.name);
}

/** RE2 syntax for one Sigma wildcard pattern, anchored: Kusto's `matches regex` is RE2. */
function patternRegex(parts: readonly PatternPart[]): string {
  const body = parts.map((p) => (p.kind === 'star' ? '.*' : p.kind === 'one' ? '.' : p.text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&'))).join('');
  return `^${body}$`;
}

/**
 * wildcard: each pattern as Kusto's own string operator where one says the same thing — `*x*` contains, `x*`
 * startswith, `*x` endswith, no wildcard `=~` (the `_cs` / `==` forms when `cased`; Kusto's are case-insensitive
 * by default, as Sigma's) — and otherwise as an anchored `matches regex` (`(?is)` unless cased: `.` must match a
 * newline, as the engine's `*` does). F is the negated operator; both are false-or-true, never null, on a text
 * column (see textOf).
 */
function renderWildcard(ctx: Ctx, field: EventField, patterns: readonly string[], cased: boolean): Rendered {
  const x = textOf(ctx, field, `wildcard(${field})`);
  const cs = cased ? '_cs' : '';
  const parts = patterns.map((pattern): Rendered => {
    const pp = parsePattern(pattern);
    const kinds = pp.map((p) => p.kind).join(',');
    const text = kqlString(patternText(pp));
    if (kinds === 'text') return cased ? { t: atom(`${x} == ${text}`), f: atom(`${x} != ${text}`) } : { t: atom(`${x} =~ ${text}`), f: atom(`${x} !~ ${text}`) };
    if (kinds === 'star,text,star') return { t: atom(`${x} contains${cs} ${text}`), f: atom(`${x} !contains${cs} ${text}`) };
    if (kinds === 'text,star') return { t: atom(`${x} startswith${cs} ${text}`), f: atom(`${x} !startswith${cs} ${text}`) };
    if (kinds === 'star,text') return { t: atom(`${x} endswith${cs} ${text}`), f: atom(`${x} !endswith${cs} ${text}`) };
    const re = kqlString(`${cased ? '(?s)' : '(?is)'}${patternRegex(pp)}`);
    return { t: atom(`${x} matches regex ${re}`), f: atom(`not(${x} matches regex ${re})`) };
  });
  return { t: or(...parts.map((p) => p.t)), f: and(...parts.map((p) => p.f)) };
}

/** regex: `matches regex` with Sigma's flags as RE2's inline `(?ims)`; unanchored, as Sigma's `re` is a search. */
function renderRegex(ctx: Ctx, field: EventField, pattern: string, flags: string): Rendered {
  const x = textOf(ctx, field, `re(${field})`);
  const re = kqlString(`${flags ? `(?${flags})` : ''}${pattern}`);
  return { t: atom(`${x} matches regex ${re}`), f: atom(`not(${x} matches regex ${re})`) };
}

/** exists: isnotempty() (false for null numbers and empty strings alike, the engine's absent). */
function renderExists(ctx: Ctx, field: EventField, exists: boolean): Rendered {
  const x = kqlName(ctx.column(field, `exists(${field})`).name);
  const present = atom(`isnotempty(${x})`);
  const absent = atom(`isempty(${x})`);
  return exists ? { t: present, f: absent } : { t: absent, f: present };
}

const COMPARE_OPS: Readonly<Record<'lt' | 'lte' | 'gt' | 'gte', [string, string]>> = {
  lt: ['<', '>='],
  lte: ['<=', '>'],
  gt: ['>', '<='],
  gte: ['>=', '<'],
};

/** compare: `C < n`; F spells out the null case (`isnull(C) or C >= n`), since a comparison with null is null. */
function renderCompare(ctx: Ctx, field: EventField, op: 'lt' | 'lte' | 'gt' | 'gte', value: number): Rendered {
  const col = ctx.column(field, `${op}(${field})`);
  if (!KQL_NUMERIC_TYPES.has(col.type)) ctx.fail(`${op}(${field}) needs a numeric column, but '${col.name}' is ${col.type}`, field);
  const x = kqlName(col.name);
  const n = ctx.guard(field, `${op}(${field})`, () => kqlNumber(value, 'real'));
  const [yes, no] = COMPARE_OPS[op];
  return { t: atom(`${x} ${yes} ${n}`), f: atom(`isnull(${x}) or ${x} ${no} ${n}`) };
}

/** fieldref: both present and equal (text case-insensitively, `=~`), as the engine compares them. */
function renderFieldref(ctx: Ctx, field: EventField, other: EventField): Rendered {
  const a = ctx.column(field, `fieldref(${field})`);
  const b = ctx.column(other, `fieldref(${field})`);
  const numeric = KQL_NUMERIC_TYPES.has(a.type) || KQL_NUMERIC_TYPES.has(b.type);
  const x = numeric ? `tostring(${kqlName(a.name)})` : kqlName(a.name);
  const y = numeric ? `tostring(${kqlName(b.name)})` : kqlName(b.name);
  const present = `isnotempty(${x}) and isnotempty(${y})`;
  return { t: atom(`${present} and ${x} =~ ${y}`), f: atom(`isempty(${x}) or isempty(${y}) or ${x} !~ ${y}`) };
}

function renderPredicate(ctx: Ctx, p: Predicate, portLet = false): Rendered {
  switch (p?.kind) {
    case 'and': {
      const parts = p.items.map((i) => renderPredicate(ctx, i));
      return { t: junction('and', parts.map((r) => r.t)), f: junction('or', parts.map((r) => r.f)) };
    }
    case 'or': {
      const parts = p.items.map((i) => renderPredicate(ctx, i));
      return { t: junction('or', parts.map((r) => r.t)), f: junction('and', parts.map((r) => r.f)) };
    }
    case 'not': {
      const inner = renderPredicate(ctx, p.item);
      return { t: inner.f, f: inner.t };
    }
    case 'equals':
      return renderEquals(ctx, p.field, p.values, portLet);
    case 'cidr':
      return renderCidr(ctx, p.field, p.cidrs);
    case 'internal':
      return renderInternal(ctx, p.field);
    case 'wildcard':
      return renderWildcard(ctx, p.field, p.patterns, p.cased === true);
    case 'regex':
      return renderRegex(ctx, p.field, p.pattern, p.flags);
    case 'exists':
      return renderExists(ctx, p.field, p.exists);
    case 'compare':
      return renderCompare(ctx, p.field, p.op, p.value);
    case 'fieldref':
      return renderFieldref(ctx, p.field, p.other);
    default:
      return ctx.fail(`unsupported filter construct ${JSON.stringify((p as { kind?: unknown })?.kind)}`);
  }
}

/** The filter's top-level AND items (nested top-level ANDs flattened), in plan order. */
function topLevelItems(p: Predicate): Predicate[] {
  return p.kind === 'and' ? p.items.flatMap(topLevelItems) : [p];
}

// ---------------------------------------------------------------------------------------------------------------
// Query
// ---------------------------------------------------------------------------------------------------------------
const THRESHOLD_OPS: Readonly<Record<ThresholdOp, string>> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  eq: '==',
  neq: '!=',
};

/** Columns a `project` line must keep: the profile's list, then the time and group-by columns it lacks. */
function projectColumns(table: KqlTableProfile, groupCols: readonly string[]): string[] | undefined {
  if (table.project === undefined) return undefined;
  const cols = [...table.project];
  for (const c of [table.time.name, ...groupCols]) if (!cols.includes(c)) cols.push(c);
  return cols;
}

/**
 * The table expression: the source, called with the pre-filter parameters the rule pins down when it is a
 * function. `pushdown` maps a parameter to the value text (literal or `let` name) the rule requires.
 */
function sourceText(table: KqlTableProfile, pushdown: ReadonlyMap<string, string>, lookback: readonly [string, string][] = []): string {
  if (table.call === undefined) return table.source;
  return `${table.source}(${[...lookback, ...pushdown].map(([param, value]) => `${param} = ${value}`).join(', ')})`;
}

/**
 * The value a top-level filter item requires of a pushed-down field, when it requires exactly one: an `equals`
 * with one value (after translation). Such an item is in the filter's top-level AND, so every row the query keeps
 * has that value and the function's pre-filter drops none of them.
 */
function requiredValue(ctx: Ctx, item: Predicate, portLet: boolean): { field: EventField; text: string } | undefined {
  if (item.kind !== 'equals' || ADDRESS_FIELDS.has(item.field)) return undefined;
  const lits = equalsLiterals(ctx, item.field, ctx.column(item.field, `equals(${item.field})`), item.values);
  if (lits.length !== 1) return undefined;
  return { field: item.field, text: portLet ? ctx.lets.get('port')!.name : lits[0]! };
}

/** `| extend` lines for the computed columns the query reads, in profile order. */
function extendLines(ctx: Ctx): string[] {
  return (Object.entries(ctx.table.columns) as [EventField, KqlColumn][])
    .filter(([field, col]) => col.compute !== undefined && ctx.used.has(field))
    .map(([, col]) => `| extend ${kqlName(col.name)} = ${col.compute}`);
}

/** The profile's helper `let`s that a printed computed column names (whole-word match). */
function helperLets(ctx: Ctx): string[] {
  const texts = extendLines(ctx).join('\n');
  return Object.entries(ctx.table.lets ?? {})
    .filter(([name]) => new RegExp(`\\b${name}\\b`).test(texts))
    .map(([name, value]) => `let ${name} = ${value};`);
}

/**
 * The canonical group key of an address column, as the engine groups: IPv4 text as it is (a dotted quad is
 * canonical), anything else by parse_ipv6()'s canonical full form, falling back to the text when that is empty
 * (not an address), so garbage never merges with garbage of another spelling.
 */
function addressKey(x: string): string {
  return `iff(${isV4(x)}, ${x}, coalesce(parse_ipv6(${x}), ${x}))`;
}

/** The group keys of `summarize … by`, and what surrounds them (see summarizeLines). */
interface GroupKeys {
  /** `| extend SourceIPKey = …` lines (strict semantics: canonical address keys). */
  before: string[];
  /** The `by` items, the time bin last. */
  keys: string[];
  /** Aggregations that pick each canonical key's output spelling (`SourceIP = min(tolower(SourceIP))`). */
  picks: string[];
  /** Output names of the group keys, in plan order. */
  outputs: string[];
  /** Source columns the keys read. */
  groupCols: string[];
}

/**
 * Group keys renamed to the output names (`SourceIP = SrcAddr`). In strict semantics address keys are canonical
 * (see the header): `| extend SourceIPKey = addressKey(column)`, the rows group by that key, and the output column
 * is `min(tolower(column))` (one spelling of the group, lower-case like RFC 5952, the same on every run).
 */
function groupKeys(ctx: Ctx, bin: string): GroupKeys {
  const { plan, table } = ctx;
  const canonical = plan.network.semantics === 'strict';
  const out: GroupKeys = { before: [], keys: [], picks: [], outputs: [], groupCols: [] };
  for (const field of new Set(plan.groupBy)) {
    const col = ctx.column(field, 'group-by');
    const output = kqlName(KQL_OUTPUT_NAMES[field]);
    const name = kqlName(col.name);
    out.groupCols.push(col.name);
    out.outputs.push(output);
    if (canonical && ADDRESS_FIELDS.has(field) && col.type === 'string') {
      const key = kqlName(`${KQL_OUTPUT_NAMES[field]}Key`);
      out.before.push(`| extend ${key} = ${addressKey(name)}`);
      out.keys.push(key);
      out.picks.push(`${output} = min(tolower(${name}))`);
    } else {
      out.keys.push(name === output ? output : `${output} = ${name}`);
    }
  }
  const time = kqlName(table.time.name);
  out.keys.push(table.time.name === KQL_TIME_OUTPUT ? `bin(${time}, ${bin})` : `${KQL_TIME_OUTPUT} = bin(${time}, ${bin})`);
  return out;
}

/**
 * `summarize` and the lines around it, for an aggregate with a summarize call (count, dcount). With canonical
 * keys, a `project` restores the output columns in plan order: `SourceIP, DestinationIP, TimeGenerated, count_`.
 */
function summarizeLines(ctx: Ctx, bin: string): SummarizeLines {
  const { plan } = ctx;
  const canonical = plan.network.semantics === 'strict';
  // the aggregate (aggregates.ts): count() → count_, dcount(C) → dcount_<output name>; an address it reads is
  // taken by its canonical key in strict semantics, as the engine counts canonical addresses
  const operator = ctx.guard(undefined, 'aggregate', () => operatorOf(plan.aggregate));
  const aggregateCols = operator.fields(plan.aggregate).map((f) => ctx.column(f, 'group-by').name);
  const argument = (f: EventField): string => {
    const col = ctx.column(f, 'group-by');
    return canonical && ADDRESS_FIELDS.has(f) && col.type === 'string' ? addressKey(kqlName(col.name)) : kqlName(col.name);
  };
  const aggregate = kqlSummarize(plan.aggregate, argument, (f) => KQL_OUTPUT_NAMES[f], kqlName);
  const { before, keys, picks, outputs, groupCols } = groupKeys(ctx, bin);
  const column = kqlName(aggregate.column);
  const lines = picks.length === 0
    ? [`| summarize ${aggregate.expression} by ${keys.join(', ')}`]
    : [
        `| summarize ${column} = ${aggregate.call}, ${picks.join(', ')} by ${keys.join(', ')}`,
        `| project ${[...outputs, KQL_TIME_OUTPUT, column].join(', ')}`,
      ];
  return { before, lines, groupCols, aggregateCols, column: aggregate.column, least: operator.least };
}

interface SummarizeLines {
  /** Lines before the `project` (the canonical address keys' `extend`s). */
  before: string[];
  /** The `summarize` (and the `project` that puts the output columns in order). */
  lines: string[];
  /** Source columns the group keys and the aggregate read, which a `project` before them must keep. */
  groupCols: string[];
  aggregateCols: string[];
  /** The aggregate's output column, and the least value it can have (a `gte` at it always holds). */
  column: string;
  least: number;
}

/** The threshold as a `where` condition on `column`, or undefined when it always holds (`count_ >= 1`). */
function thresholdWhere(ctx: Ctx, column: string, least: number): string | undefined {
  const parts = thresholdsOf(ctx.plan).flatMap(({ op, value }) => {
    if (op === undefined || !Object.hasOwn(THRESHOLD_OPS, op)) ctx.fail(`unsupported threshold operator ${JSON.stringify(op)}`);
    const n = ctx.guard(undefined, 'threshold', () => kqlNumber(value as number, 'long'));
    return op === 'gte' && n === String(least) ? [] : [`${column} ${THRESHOLD_OPS[op]} ${n}`];
  });
  return parts.length === 0 ? undefined : parts.join(' and ');
}

/**
 * The filter as `| where` lines: one per top-level AND item, in plan order; the first equality on dstPort gets
 * the advisory's `let`, and a function source gets the values the filter pins down as parameters (`pushdown`).
 */
function filterLines(ctx: Ctx): { wheres: string[]; pushdown: Map<string, string> } {
  const { plan, table } = ctx;
  const wheres: string[] = [];
  const pushdown = new Map<string, string>();
  let portLetUsed = false;
  for (const item of topLevelItems(plan.filter)) {
    const portLet = !portLetUsed && item.kind === 'equals' && item.field === 'dstPort' &&
      KQL_NUMERIC_TYPES.has(ctx.column('dstPort', 'equals(dstPort)').type);
    if (portLet) portLetUsed = true;
    const t = renderPredicate(ctx, item, portLet).t;
    const conjuncts = t.kind === 'and' ? t.items : [t];
    for (const c of conjuncts) if (!(c.kind === 'const' && c.value)) wheres.push(exprText(c));
    const required = table.call?.pushdown === undefined ? undefined : requiredValue(ctx, item, portLet);
    const param = required && Object.hasOwn(table.call!.pushdown!, required.field) ? table.call!.pushdown![required.field] : undefined;
    if (param !== undefined && !pushdown.has(param)) pushdown.set(param, required!.text);
  }
  return { wheres, pushdown };
}

/** The query's head: its `let`s, the source, the profile's pre-filters and computed columns. */
function headLines(ctx: Ctx, pushdown: ReadonlyMap<string, string>): string[] {
  // --lookback: a time filter right after the source, or the ASIM parser's own starttime/endtime parameters
  const lookback = ctx.guard(undefined, 'lookback', () => lookbackParts(ctx.table, ctx.options));
  const lines = [...ctx.letLines(), ...helperLets(ctx), sourceText(ctx.table, pushdown, lookback.params)];
  if (lookback.where !== undefined) lines.push(`| where ${lookback.where}`);
  for (const pre of ctx.table.preFilters ?? []) lines.push(`| where ${pre}`);
  lines.push(...extendLines(ctx));
  return lines;
}

/** count / dcount: filter, project, summarize by keys and bin, threshold, order (the advisory's shape). */
function renderSummarized(ctx: Ctx): string {
  const { wheres, pushdown } = filterLines(ctx);
  const bin = ctx.guard(undefined, 'timespan', () => kqlTimespan(ctx.plan.binMs));
  const summarize = summarizeLines(ctx, bin);
  const column = kqlName(summarize.column);
  const threshold = thresholdWhere(ctx, column, summarize.least);
  const lines = headLines(ctx, pushdown);
  for (const w of wheres) lines.push(`| where ${w}`);
  const project = projectColumns(ctx.table, [...summarize.groupCols, ...summarize.aggregateCols]);
  if (project !== undefined) lines.push(`| project ${project.map(kqlName).join(', ')}`);
  lines.push(...summarize.before, ...summarize.lines);
  if (threshold !== undefined) lines.push(`| where ${threshold}`);
  lines.push(`| order by ${column} desc`);
  return lines.join('\n');
}

/**
 * A detection without correlation: every matching row, with the alert's columns (the CSV's): the connection's
 * fields under their output names, a typed null for a field the table has no column for (the table cannot say,
 * as an event that lacks it), the time, and `count_ = 1`. Ordered by time, as the engine orders per-event alerts.
 */
function renderPerEvent(ctx: Ctx): string {
  const { wheres, pushdown } = filterLines(ctx);
  const picks = ctx.plan.groupBy.map((field) => {
    const output = kqlName(KQL_OUTPUT_NAMES[field]);
    const col = Object.hasOwn(ctx.table.columns, field) ? ctx.table.columns[field] : undefined;
    if (col === undefined) return `${output} = ${PORT_FIELDS.has(field) ? 'int(null)' : '""'}`; // Kusto strings have no null
    ctx.used.add(field);
    return kqlName(col.name) === output ? output : `${output} = ${kqlName(col.name)}`;
  });
  const time = kqlName(ctx.table.time.name);
  picks.push(time === KQL_TIME_OUTPUT ? time : `${KQL_TIME_OUTPUT} = ${time}`, 'count_ = 1');
  const lines = headLines(ctx, pushdown);
  for (const w of wheres) lines.push(`| where ${w}`);
  lines.push(`| project ${picks.join(', ')}`, `| order by ${KQL_TIME_OUTPUT} asc`);
  return lines.join('\n');
}

/**
 * temporal / temporal_ordered: the documented Kusto pattern for "several detections in one window" — one boolean
 * column per referenced rule (`SigmaRule1 = <its filter>`), the rows any of them keeps, then per group:
 *
 *     temporal:          SigmaRule1 = countif(SigmaRule1), …      rules_ = toint(SigmaRule1 > 0) + …
 *     temporal_ordered:  First = minif(TimeGenerated, SigmaRule1), Last = maxif(TimeGenerated, SigmaRule2)
 *                        rules_ = iff(isnull(First), 0, iff(Last >= First, 2, 1))
 *
 * and the threshold on `rules_` (default: all the rules). A rule column that is null (its filter cannot be
 * evaluated) is not counted, as the engine's source test must be true. temporal_ordered over more than two rules
 * would need every time of the rules in between; it is refused rather than approximated.
 */
function renderTemporal(ctx: Ctx, ordered: boolean): string {
  const { plan } = ctx;
  const n = plan.sources.length;
  if (ordered && n !== 2) ctx.fail(`temporal_ordered over ${n} rules has no faithful single-query KQL in dicomwatch (two rules have: earliest of the first, latest of the second); run it with scan`);
  const ruleCols = plan.sources.map((_, i) => `SigmaRule${i + 1}`);
  const tests = plan.sources.map((source) => exprText(renderPredicate(ctx, source.filter).t));
  const bin = ctx.guard(undefined, 'timespan', () => kqlTimespan(plan.binMs));
  const { before, keys, picks, outputs, groupCols } = groupKeys(ctx, bin);
  const time = kqlName(ctx.table.time.name);
  const aggregations = ordered
    ? ['count_ = count()', `First = minif(${time}, ${ruleCols[0]})`, `Last = maxif(${time}, ${ruleCols[1]})`]
    : ['count_ = count()', ...ruleCols.map((c) => `${c} = countif(${c})`)];
  const value = ordered
    ? 'iff(isnull(First), 0, iff(isnotnull(Last) and Last >= First, 2, 1))'
    : ruleCols.map((c) => `toint(${c} > 0)`).join(' + ');
  const threshold = thresholdWhere(ctx, 'rules_', operatorOf(plan.aggregate).least);
  const lines = headLines(ctx, new Map());
  lines.push(`| extend ${ruleCols.map((c, i) => `${c} = ${tests[i]}`).join(', ')}`);
  lines.push(`| where ${ruleCols.join(' or ')}`);
  const project = projectColumns(ctx.table, groupCols);
  if (project !== undefined) lines.push(`| project ${[...project.map(kqlName), ...ruleCols].join(', ')}`);
  lines.push(...before);
  lines.push(`| summarize ${[...aggregations, ...picks].join(', ')} by ${keys.join(', ')}`);
  lines.push(`| extend rules_ = ${value}`);
  if (threshold !== undefined) lines.push(`| where ${threshold}`);
  lines.push(`| project ${[...outputs, KQL_TIME_OUTPUT, 'count_'].join(', ')}`, '| order by count_ desc');
  return lines.join('\n');
}

/**
 * The plan as one KQL query for `table` (no trailing newline). Throws KqlEmitError when the table lacks a field the
 * rule uses, a value cannot be rendered safely, or the plan has no faithful KQL.
 */
export function renderKql(plan: QueryPlan, table: KqlTableProfile, options: KqlRenderOptions = {}): string {
  const ctx = new Ctx(plan, table, options);
  if (plan.keyFields !== undefined) {
    ctx.fail('correlation aliases (a group key read from different fields per rule) have no faithful single-query KQL in dicomwatch; run the rule with scan');
  }
  switch (plan.aggregate?.kind) {
    case 'event':
      return renderPerEvent(ctx);
    case 'temporal':
      return renderTemporal(ctx, false);
    case 'ordered':
      return renderTemporal(ctx, true);
    default:
      return renderSummarized(ctx);
  }
}

/** A `//` comment line's text: one line, no control characters. */
function commentText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/**
 * Several rules for one table: each query preceded by `// <title> (<name>)`, queries separated by a blank line.
 * Every query is complete on its own (its `let`s included), so each can be pasted into Sentinel separately.
 * A lone rule is printed bare, so the shipped rule in kql mode is the advisory's query to the byte.
 */
export function renderKqlRules(plans: readonly QueryPlan[], table: KqlTableProfile, options: KqlRenderOptions = {}): string {
  if (plans.length === 1) return renderKql(plans[0]!, table, options);
  return plans
    .map((plan) => `// ${commentText(plan.rule.title)} (${commentText(plan.rule.name)})\n${renderKql(plan, table, options)}`)
    .join('\n\n');
}
