/**
 * The user's options applied to rules, pySigma-pipeline style: each option rewrites the Sigma documents, so the
 * engine, the KQL emitter and the Sigma emitter all see the same rule.
 */
import { parseCidr } from '../net/cidr.js';
import { KQL_PRIVATE_V4, STRICT_INTERNAL_V4, STRICT_INTERNAL_V6 } from '../net/ranges.js';
import { parseCondition, renderCondition } from './condition.js';
import type { Semantics } from './plan.js';
import type { SigmaRule } from './sigma.js';

export const INTERNAL_PLACEHOLDER = '%internal_networks%';

export interface RuleOptions {
  /** Replaces the values of every plain `dst_port` test (`--ports`). */
  ports?: readonly number[];
  /** Trusted external sources (`--allow`): added as a filter on `src_ip`. Canonical CIDRs. */
  allow?: readonly string[];
}

type Search = Record<string, unknown> | Record<string, unknown>[];

function clone<T>(value: T): T {
  return structuredClone(value);
}

function detectionOf(data: Record<string, unknown>): Record<string, unknown> | undefined {
  const d = data.detection;
  return d && typeof d === 'object' && !Array.isArray(d) ? (d as Record<string, unknown>) : undefined;
}

function forEachFieldMap(detection: Record<string, unknown>, fn: (map: Record<string, unknown>) => void): void {
  for (const [name, search] of Object.entries(detection)) {
    if (name === 'condition' || search === null || typeof search !== 'object') continue;
    for (const map of Array.isArray(search) ? search : [search]) {
      if (map && typeof map === 'object' && !Array.isArray(map)) fn(map as Record<string, unknown>);
    }
  }
}

/** Rewrite the rules with the user's options; the input is not modified. */
export function applyRuleOptions(rules: readonly SigmaRule[], options: RuleOptions): SigmaRule[] {
  return rules.map((rule) => {
    if (rule.kind !== 'detection') return rule;
    const data = clone(rule.data);
    const detection = detectionOf(data);
    if (!detection) return rule;
    if (options.ports && options.ports.length > 0) {
      const ports = options.ports.length === 1 ? options.ports[0] : [...options.ports];
      forEachFieldMap(detection, (map) => {
        if ('dst_port' in map) map.dst_port = ports;
      });
    }
    if (options.allow && options.allow.length > 0 && typeof detection.condition === 'string') {
      let name = 'filter_allowlist';
      while (name in detection) name = `${name}_`;
      const condition = detection.condition;
      delete detection.condition; // keep `condition` last, as rules are written
      detection[name] = { 'src_ip|cidr': [...options.allow] } satisfies Search;
      detection.condition = renderCondition({
        kind: 'and',
        items: [parseCondition(condition), { kind: 'not', item: { kind: 'ref', name } }],
      });
    }
    return { ...rule, data };
  });
}

/** The CIDRs `%internal_networks%` stands for in a mode, plus the user's `--internal` ranges. */
export function internalNetworks(semantics: Semantics, extra: readonly string[]): string[] {
  if (semantics === 'kql') {
    // kql mode is ipv4_is_private(): IPv6 ranges cannot apply there.
    return [...KQL_PRIVATE_V4, ...extra.filter((c) => parseCidr(c)?.version === 4)];
  }
  return [...STRICT_INTERNAL_V4, ...STRICT_INTERNAL_V6, ...extra];
}

/** Replace `field|expand: '%internal_networks%'` by `field|cidr: [...]` (for Sigma output without placeholders). */
export function expandPlaceholders(rules: readonly SigmaRule[], cidrs: readonly string[]): SigmaRule[] {
  return rules.map((rule) => {
    if (rule.kind !== 'detection') return rule;
    const data = clone(rule.data);
    const detection = detectionOf(data);
    if (!detection) return rule;
    forEachFieldMap(detection, (map) => {
      for (const key of Object.keys(map)) {
        const [field, ...mods] = key.split('|');
        const value = map[key];
        // The single value may be written as a scalar or a one-item list (the compiler accepts both).
        const isPlaceholder = value === INTERNAL_PLACEHOLDER || (Array.isArray(value) && value.length === 1 && value[0] === INTERNAL_PLACEHOLDER);
        if (!mods.includes('expand') || !isPlaceholder) continue;
        const rebuilt: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(map)) {
          if (k === key) rebuilt[[field, ...mods.filter((m) => m !== 'expand'), 'cidr'].join('|')] = [...cidrs];
          else rebuilt[k] = v;
        }
        for (const k of Object.keys(map)) delete map[k];
        Object.assign(map, rebuilt);
      }
    });
    return { ...rule, data };
  });
}
