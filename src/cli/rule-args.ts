/** The rules a command loads from its rule options (--rules, --ports, --internal, --allow, --semantics, --placeholder(s)). */
import { readFile } from 'node:fs/promises';
import { DicomwatchError } from '../errors.js';
import { RulesPathError } from '../rules/errors.js';
import { loadRules, type LoadedRules } from '../rules/load.js';
import { canonicalRuleOptions } from '../rules/options.js';
import type { NetworkPolicy } from '../rules/plan.js';
import { UsageError } from './options.js';
import { parseCidrs, parsePlaceholderArgs, parsePlaceholderFile, parsePorts, parseSemantics } from './validate.js';

export interface RuleArgs {
  rules: string;
  placeholder?: string[];
  placeholders?: string;
  ports?: string;
  internal?: string[];
  allow?: string[];
  semantics: string;
}

export async function rulesFromArgs(args: RuleArgs): Promise<LoadedRules & { network: NetworkPolicy }> {
  const network: NetworkPolicy = { semantics: parseSemantics(args.semantics), internal: parseCidrs('internal', args.internal) };
  const ports = parsePorts(args.ports);
  const allow = parseCidrs('allow', args.allow);
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
      text = await readFile(args.placeholders, 'utf8');
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

/** A --rules path the library cannot use is bad usage (exit 2); a RuleError keeps its file:line message. */
function rulesUsageError(path: string, e: unknown): unknown {
  if (!(e instanceof RulesPathError)) return e;
  return new UsageError(e.errno ? `--rules: cannot read ${e.path} (${e.errno})` : `--rules: no Sigma rules in ${path} (looked for *.yml, *.yaml)`);
}
