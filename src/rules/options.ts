/**
 * The user's options applied to rules, pySigma-pipeline style: each option rewrites the Sigma documents, so the
 * engine, the KQL emitter and the Sigma emitter all see the same rule.
 */
import { DicomwatchError } from '../errors.js';
import { portOf } from '../model/port.js';
import { embeddedIpv4Ranges, parseCidr, type Cidr } from '../net/cidr.js';
import { KQL_PRIVATE_V4, STRICT_INTERNAL_V4, STRICT_INTERNAL_V6 } from '../net/ranges.js';
import { matchPattern, parseCondition, renderCondition, type Condition } from './condition.js';
import { DEFAULT_PLACEHOLDERS, DICOM_PORTS_PLACEHOLDER_NAME, INTERNAL_PLACEHOLDER_NAME, type Placeholders } from './modifiers.js';
import type { NetworkPolicy, Semantics } from './plan.js';
import type { SigmaRule } from './sigma.js';

export const DICOM_PORTS_PLACEHOLDER = `%${DICOM_PORTS_PLACEHOLDER_NAME}%`;

/** What loadRules is given; it checks and canonicalises both (canonicalRuleOptions) before using them. */
export interface RuleOptions {
  /**
   * DICOM ports (`--ports`): what `%dicom_ports%` stands for (default 104), and, in a rule that does not use that
   * placeholder (the reference rule), the values of every plain `dst_port` test. At least one, each 1-65535.
   */
  ports?: readonly number[];
  /** Trusted external sources (`--allow`): added as a filter on `src_ip`. IPv4 or IPv6 CIDRs. */
  allow?: readonly string[];
  /**
   * User placeholders for `|expand` (`--placeholder name=v1,v2`, a placeholders file): name without `%` → values.
   * `internal_networks` is not one of them (it is `--internal`); `dicom_ports` is `ports`.
   */
  placeholders?: Readonly<Record<string, readonly (string | number)[]>>;
}

/**
 * The placeholders a compile substitutes: the user's, and `%dicom_ports%` (the ports option, else 104). Checked:
 * a name of letters, digits, `_` and `-`, not a built-in one, with at least one text or number value.
 */
export function placeholdersOf(options: RuleOptions): Placeholders {
  const out: Record<string, (string | number)[]> = { ...DEFAULT_PLACEHOLDERS } as Record<string, (string | number)[]>;
  for (const [name, values] of Object.entries(options.placeholders ?? {})) {
    if (!/^[A-Za-z0-9_-]+$/.test(name)) throw badOption('placeholder', `'${name}' is not a placeholder name (letters, digits, _ and -; written %${name}% in rules)`);
    if (name === INTERNAL_PLACEHOLDER_NAME) throw badOption('placeholder', `'${name}' is built in: extend it with --internal CIDR`);
    if (name === DICOM_PORTS_PLACEHOLDER_NAME) throw badOption('placeholder', `'${name}' is built in: set it with --ports`);
    const list = listOf('placeholder', values);
    if (list.length === 0 || !list.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) {
      throw badOption('placeholder', `'${name}' needs one or more text or number values`);
    }
    out[name] = list as (string | number)[];
  }
  if (options.ports !== undefined) out[DICOM_PORTS_PLACEHOLDER_NAME] = canonicalPorts(options.ports);
  return out;
}

type Search = Record<string, unknown> | Record<string, unknown>[];

function badOption(option: string, message: string): DicomwatchError {
  return new DicomwatchError('BAD_OPTION', `${option}: ${message}`, option);
}

function listOf(option: string, values: unknown): unknown[] {
  if (!Array.isArray(values)) throw badOption(option, `expected a list, not ${JSON.stringify(values) ?? String(values)}`);
  return values;
}

/**
 * Option CIDRs (`allow`, `internal`) in canonical text, or a DicomwatchError `BAD_OPTION` naming the option and
 * the value. Exported so the CLI gives the same answer as the library.
 */
export function canonicalCidrs(option: string, values: unknown): string[] {
  return listOf(option, values).map((v) => {
    const cidr = typeof v === 'string' ? parseCidr(v.trim()) : undefined;
    if (!cidr) throw badOption(option, `'${String(v)}' is not an IPv4 or IPv6 CIDR (e.g. 10.20.0.0/16, 2001:db8:1::/48)`);
    return cidr.text;
  });
}

/**
 * DICOM ports (`ports`), numbers or decimal text, de-duplicated in order; at least one, each 1-65535 (port 0 is no
 * service port). A DicomwatchError `BAD_OPTION` otherwise.
 */
export function canonicalPorts(values: unknown): number[] {
  const list = listOf('ports', values);
  if (list.length === 0) throw badOption('ports', 'give at least one port, e.g. [104, 11112]');
  return [...new Set(list.map((v) => {
    const n = portOf(v);
    if (typeof n !== 'number' || n === 0) throw badOption('ports', `'${String(v)}' is not a port (1-65535)`);
    return n;
  }))];
}

/** The options checked and canonicalised (see canonicalPorts, canonicalCidrs). */
export function canonicalRuleOptions(options: RuleOptions): RuleOptions {
  const placeholders = options.placeholders !== undefined ? placeholdersOf({ placeholders: options.placeholders }) : undefined;
  if (placeholders) delete (placeholders as Record<string, unknown>)[DICOM_PORTS_PLACEHOLDER_NAME];
  return {
    ...(options.ports !== undefined ? { ports: canonicalPorts(options.ports) } : {}),
    ...(options.allow !== undefined ? { allow: canonicalAllow(options.allow) } : {}),
    ...(placeholders ? { placeholders } : {}),
  };
}

/** The allowlist checked and canonicalised: as `internal`, a CIDR of every address is a typo that silences every rule. */
export function canonicalAllow(allow: readonly string[]): string[] {
  const cidrs = canonicalCidrs('allow', allow);
  const everything = cidrs.find((text) => text.endsWith('/0'));
  if (everything !== undefined) {
    throw badOption('allow', `'${everything}' allows every ${everything.includes(':') ? 'IPv6' : 'IPv4'} source: no rule could ever alert (name the trusted networks, e.g. 198.51.100.0/24)`);
  }
  return cidrs;
}

/** Whether a detection names `%dicom_ports%` anywhere (then it says itself where the DICOM ports go). */
function usesDicomPorts(detection: Record<string, unknown>): boolean {
  return JSON.stringify(detection).includes(DICOM_PORTS_PLACEHOLDER);
}

/** The network policy checked and canonicalised: a known semantics, `internal` as canonical CIDRs. */
export function canonicalNetwork(network: NetworkPolicy): NetworkPolicy {
  const semantics: unknown = network?.semantics;
  if (semantics !== 'strict' && semantics !== 'kql') {
    throw badOption('semantics', `'${String(semantics)}' is not strict or kql`);
  }
  const internal = canonicalCidrs('internal', network.internal ?? []);
  // Every address internal: no source could ever be external, so the pack could never alert — a typo, not a choice.
  const everything = internal.find((text) => text.endsWith('/0')); // (canonical text: `network/prefix`)
  if (everything !== undefined) {
    throw badOption('internal', `'${everything}' makes every ${everything.includes(':') ? 'IPv6' : 'IPv4'} address internal: no external source could ever match (name your networks, e.g. 10.20.0.0/16)`);
  }
  return { semantics, internal };
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

function detectionOf(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const d = data.detection;
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : undefined;
}

function forEachFieldMap(
  detection: Record<string, unknown>,
  fn: (map: Record<string, unknown>) => void,
  only?: ReadonlySet<string>,
): void {
  for (const [name, search] of Object.entries(detection)) {
    if (name === 'condition' || search === null || typeof search !== 'object') continue;
    if (only && !only.has(name)) continue;
    for (const map of Array.isArray(search) ? search : [search]) {
      if (map && typeof map === 'object' && !Array.isArray(map)) fn(map as Record<string, unknown>);
    }
  }
}

function tryParseCondition(text: unknown): Condition | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    return parseCondition(text);
  } catch {
    return undefined;
  }
}

/** The patterns of a condition's `1 of` / `all of` terms. */
function ofPatterns(c: Condition): string[] {
  switch (c.kind) {
    case 'of':
      return [c.pattern];
    case 'not':
      return ofPatterns(c.item);
    case 'and':
    case 'or':
      return c.items.flatMap(ofPatterns);
    default:
      return [];
  }
}

/**
 * Searches the condition uses only un-negated: where `--ports` may replace `dst_port` values. A search used under
 * `not` is an exclusion (`filter_web: dst_port: 443`); giving it the DICOM ports would invert the rule.
 */
function positiveSearches(c: Condition | undefined, names: readonly string[]): Set<string> {
  const positive = new Set<string>();
  const negative = new Set<string>();
  const walk = (node: Condition, negated: boolean): void => {
    switch (node.kind) {
      case 'ref':
        (negated ? negative : positive).add(node.name);
        return;
      case 'of':
        for (const n of matchPattern(node.pattern, names)) (negated ? negative : positive).add(n);
        return;
      case 'not':
        return walk(node.item, !negated);
      case 'and':
      case 'or':
        return node.items.forEach((i) => walk(i, negated));
    }
  };
  if (c) walk(c, false);
  for (const n of negative) positive.delete(n);
  return positive;
}

/** Each detection rule with `edit` applied to a copy of its `detection` mapping; other documents as they are. */
function editDetections(rules: readonly SigmaRule[], edit: (detection: Record<string, unknown>) => void): SigmaRule[] {
  return rules.map((rule) => {
    if (rule.kind !== 'detection') return rule;
    const data = clone(rule.data);
    const detection = detectionOf(data);
    if (!detection) return rule;
    edit(detection);
    return { ...rule, data };
  });
}

/** Rewrite the rules with the user's options; the input is not modified. */
export function applyRuleOptions(rules: readonly SigmaRule[], options: RuleOptions): SigmaRule[] {
  return editDetections(rules, (detection) => {
    if (options.ports && options.ports.length > 0 && !usesDicomPorts(detection)) {
      const ports = options.ports.length === 1 ? options.ports[0] : [...options.ports];
      const names = Object.keys(detection).filter((k) => k !== 'condition');
      const targets = positiveSearches(tryParseCondition(detection.condition), names);
      forEachFieldMap(detection, (map) => {
        if ('dst_port' in map) map.dst_port = ports;
      }, targets);
    }
    // A condition that does not parse is left alone: the compiler reports it as a RuleError at its line.
    const condition = options.allow && options.allow.length > 0 ? tryParseCondition(detection.condition) : undefined;
    if (options.allow && condition) {
      // The new search must not be picked up by the condition's `1 of`/`all of` patterns (`all of them` would
      // then require the allowlist and its negation at once): such a name gets a leading `_`, which `them` and
      // patterns never select.
      const patterns = ofPatterns(condition);
      const captured = (n: string) => patterns.some((p) => matchPattern(p, [n]).length > 0);
      let name = 'filter_allowlist';
      while (name in detection || captured(name)) name = captured(name) ? `_${name}` : `${name}_`;
      delete detection.condition; // keep `condition` last, as rules are written
      detection[name] = { 'src_ip|cidr': [...options.allow] } satisfies Search;
      detection.condition = renderCondition({
        kind: 'and',
        items: [condition, { kind: 'not', item: { kind: 'ref', name } }],
      });
    }
  });
}

/**
 * The CIDRs `%internal_networks%` stands for when written out for other SIEMs, plus the user's `--internal` ranges,
 * chosen so that `not src_ip in these` (how the placeholder marks "external") keeps the same rows as the engine:
 * - strict: the built-in ranges, the user's, and the IPv4-mapped/compatible forms of every IPv4 one (the engine
 *   judges `::ffff:10.0.0.1` as 10.0.0.1; a `|cidr` match in another SIEM only sees an IPv6 address);
 * - kql: RFC 1918 and the user's IPv4 ranges, plus `::/0`: every IPv6 source is a null in KQL and drops, which
 *   in Sigma (no nulls) is the same as counting it internal.
 */
export function internalNetworks(semantics: Semantics, extra: readonly string[]): string[] {
  const user = extra.map((text) => parseCidr(text)).filter((c): c is Cidr => c !== undefined);
  if (semantics === 'kql') {
    return [...KQL_PRIVATE_V4, ...user.filter((c) => c.version === 4).map((c) => c.text), '::/0'];
  }
  const v4 = [...STRICT_INTERNAL_V4.map((t) => parseCidr(t)!), ...user.filter((c) => c.version === 4)];
  const embedded = v4.flatMap((c) => embeddedIpv4Ranges(c)).map((c) => c.text);
  return [...new Set([...STRICT_INTERNAL_V4, ...STRICT_INTERNAL_V6, ...user.map((c) => c.text), ...embedded])];
}

/**
 * Replace every `|expand` placeholder by its values (for Sigma output without placeholders): `%internal_networks%`
 * becomes `field|cidr: [...]` (`cidrs`), any other placeholder its values under the key without `expand`. A
 * placeholder with no known values is left as it is (the compiler reports it).
 */
export function expandPlaceholders(rules: readonly SigmaRule[], cidrs: readonly string[], placeholders: Placeholders = DEFAULT_PLACEHOLDERS): SigmaRule[] {
  const valuesOf = (value: unknown): { internal: boolean; values: (string | number)[] } | undefined => {
    const list = Array.isArray(value) ? value : [value];
    const out: (string | number)[] = [];
    let internal = false;
    for (const v of list) {
      const m = typeof v === 'string' ? /^%([^%\s]+)%$/.exec(v) : null;
      if (!m) return undefined;
      if (m[1] === INTERNAL_PLACEHOLDER_NAME) internal = true;
      else if (Object.hasOwn(placeholders, m[1]!)) out.push(...placeholders[m[1]!]!);
      else return undefined;
    }
    // `%internal_networks%` mixed with other placeholders has no one rewrite: left for the compiler.
    if (internal && out.length > 0) return undefined;
    return { internal, values: internal ? [...cidrs] : out };
  };
  return editDetections(rules, (detection) => {
    forEachFieldMap(detection, (map) => {
      for (const key of Object.keys(map)) {
        const [field, ...mods] = key.split('|');
        if (!mods.includes('expand')) continue;
        const expanded = valuesOf(map[key]);
        if (!expanded) continue;
        const rest = mods.filter((m) => m !== 'expand');
        const newKey = [field, ...rest, ...(expanded.internal && !rest.includes('cidr') ? ['cidr'] : [])].join('|');
        const rebuilt: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(map)) {
          if (k === key) rebuilt[newKey] = expanded.internal || expanded.values.length > 1 ? expanded.values : expanded.values[0];
          else rebuilt[k] = v;
        }
        for (const k of Object.keys(map)) delete map[k];
        Object.assign(map, rebuilt);
      }
    });
  });
}
