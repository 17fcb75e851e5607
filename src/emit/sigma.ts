/** Rules back out as Sigma YAML, after options: one document per rule, `---` between, 4-space indent. */
import { stringify } from 'yaml';
import type { SigmaRule } from '../rules/sigma.js';

export function renderSigma(rules: readonly SigmaRule[]): string {
  return rules
    .map((rule) => stringify(rule.data, { indent: 4, lineWidth: 0, indentSeq: true }))
    .join('---\n');
}
