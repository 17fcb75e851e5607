/** Rules from disk to plans: load Sigma, apply the user's options, compile. */
import { compileRules } from './compile.js';
import { NO_RULES_REASON, RulesPathError } from './errors.js';
import { applyRuleOptions, canonicalNetwork, canonicalRuleOptions, placeholdersOf, type RuleOptions } from './options.js';
import type { Placeholders } from './modifiers.js';
import type { NetworkPolicy, QueryPlan } from './plan.js';
import { loadSigmaRules, type SigmaRule } from './sigma.js';

export { DEFAULT_RULES_PATH } from './default-path.js';

export interface LoadedRules {
  /** The Sigma documents with options applied (what `dicomwatch sigma` prints). */
  rules: SigmaRule[];
  plans: QueryPlan[];
  /** What `|expand` substituted (`%dicom_ports%` and the user's), for writing the rules out without placeholders. */
  placeholders: Placeholders;
}

/**
 * Load, rewrite with the options and compile the rules at `path` (a file or a directory). Errors are
 * DicomwatchErrors: `BAD_OPTION` for an option value (subject: `ports`, `allow`, `internal`, `semantics`), checked
 * before any file is read; `RULES_UNREADABLE` for a path that cannot be read or holds no rules (subject: the path
 * or file, message with the errno code); `BAD_RULE` (a RuleError) for the first rule in error.
 */
export async function loadRules(path: string, options: RuleOptions, network: NetworkPolicy): Promise<LoadedRules> {
  const checkedOptions = canonicalRuleOptions(options);
  const checkedNetwork = canonicalNetwork(network);
  const rules = applyRuleOptions(await loadSigmaRules(path), checkedOptions);
  if (rules.length === 0) throw new RulesPathError(path, NO_RULES_REASON);
  return { rules, plans: compileRules(rules, checkedNetwork, placeholdersOf(checkedOptions)), placeholders: placeholdersOf(checkedOptions) };
}
