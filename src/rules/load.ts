/** Rules from disk to plans: load Sigma, apply the user's options, compile. */
import { fileURLToPath } from 'node:url';
import { compileRules } from './compile.js';
import { applyRuleOptions, type RuleOptions } from './options.js';
import type { NetworkPolicy, QueryPlan } from './plan.js';
import { loadSigmaRules, type SigmaRule } from './sigma.js';

/** The rules shipped with the package (`rules/` at the package root, beside `dist/` and `src/`). */
export const DEFAULT_RULES_PATH = fileURLToPath(new URL('../../rules/', import.meta.url));

export interface LoadedRules {
  /** The Sigma documents with options applied (what `dicomwatch sigma` prints). */
  rules: SigmaRule[];
  plans: QueryPlan[];
}

export async function loadRules(path: string, options: RuleOptions, network: NetworkPolicy): Promise<LoadedRules> {
  const rules = applyRuleOptions(await loadSigmaRules(path), options);
  return { rules, plans: compileRules(rules, network) };
}
