/** The rules a command loads from its rule options (--rules, --ports, --internal, --allow, --semantics, --placeholder(s)). */
import { readWhole } from '../io/reader.js';
import { parse as parseYaml } from 'yaml';
import { DicomwatchError } from '../errors.js';
import type { Prefilter } from '../parsers/types.js';
import { prefilterForPlans } from '../rules/compile.js';
import { RulesPathError } from '../rules/errors.js';
import { loadRules, type LoadedRules } from '../rules/load.js';
import { canonicalRuleOptions } from '../rules/options.js';
import type { NetworkPolicy } from '../rules/plan.js';
import { UsageError } from './options.js';
import { parseAllow, parseNetwork, parsePorts } from './validate.js';

export interface RuleArgs {
  rules: string;
  placeholder?: string[];
  placeholders?: string;
  ports?: string[];
  internal?: string[];
  allow?: string[];
  semantics: string;
}

export async function rulesFromArgs(args: RuleArgs): Promise<LoadedRules & { network: NetworkPolicy }> {
  const network = parseNetwork(args.semantics, args.internal);
  const ports = parsePorts(args.ports);
  const allow = parseAllow(args.allow);
  const placeholders = await placeholdersFromArgs(args);
  try {
    return { ...(await loadRules(args.rules, { ...(ports ? { ports } : {}), allow, placeholders }, network)), network };
  } catch (e) {
    throw rulesUsageError(args.rules, e);
  }
}

/** `--placeholders FILE` then `--placeholder NAME=V1,V2` (which adds to the file's lists). */
export async function placeholdersFromArgs(args: Pick<RuleArgs, 'placeholder' | 'placeholders'>): Promise<Record<string, (string | number)[]>> {
  let fromFile: Record<string, (string | number)[]> = {};
  if (args.placeholders !== undefined) {
    let text: string;
    try {
      text = (await readWhole(args.placeholders)).toString('utf8');
    } catch (e) {
      throw new UsageError(`--placeholders: cannot read ${args.placeholders} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    fromFile = parsePlaceholderFile(args.placeholders, text);
  }
  const merged: Record<string, (string | number)[]> = { ...fromFile };
  for (const [name, values] of Object.entries(parsePlaceholderArgs(args.placeholder))) merged[name] = [...(merged[name] ?? []), ...values];
  try {
    return canonicalRuleOptions({ placeholders: merged }).placeholders as Record<string, (string | number)[]> ?? {};
  } catch (e) {
    if (e instanceof DicomwatchError && e.code === 'BAD_OPTION') throw new UsageError(`--${e.message}`);
    throw e;
  }
}

/** `--placeholder NAME=V1,V2` (repeatable): name → values; a number-looking value stays text (the compiler types it). */
export function parsePlaceholderArgs(values: readonly string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const arg of values ?? []) {
    const eq = String(arg).indexOf('=');
    const name = String(arg).slice(0, eq).trim().replace(/^%(.*)%$/, '$1');
    const list = String(arg).slice(eq + 1).split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (eq <= 0 || list.length === 0) throw new UsageError(`--placeholder: '${arg}' is not NAME=V1,V2`);
    out[name] = [...(out[name] ?? []), ...list];
  }
  return out;
}

/**
 * A placeholders file: a YAML (or JSON) mapping of names to a value or a list of values, as pySigma's placeholder
 * pipelines take them: `trusted_scanners: [192.0.2.10, 192.0.2.11]`.
 */
export function parsePlaceholderFile(path: string, text: string): Record<string, (string | number)[]> {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new UsageError(`--placeholders: ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`--placeholders: ${path}: expected a mapping of placeholder names to value lists`);
  const out: Record<string, (string | number)[]> = {};
  for (const [name, value] of Object.entries(data)) {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) throw new UsageError(`--placeholders: ${path}: '${name}' must be a value or a list of values`);
    if (list.length === 0) throw new UsageError(`--placeholders: ${path}: '${name}' needs one or more values (an empty list would make its rules match nothing)`);
    out[name] = list as (string | number)[];
  }
  return out;
}

/** The union of the destination ports every plan requires, or undefined when some plan requires none. */
export function prefilterFor(loaded: LoadedRules): Prefilter | undefined {
  return prefilterForPlans(loaded.plans);
}

/** A --rules path the library cannot use is bad usage (exit 2); a RuleError keeps its file:line message. */
function rulesUsageError(path: string, e: unknown): unknown {
  if (!(e instanceof RulesPathError)) return e;
  return new UsageError(e.errno ? `--rules: cannot read ${e.path} (${e.errno})` : `--rules: no Sigma rules in ${path} (looked for *.yml, *.yaml)`);
}
