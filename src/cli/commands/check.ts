import type { Argv } from 'yargs';
import { compileRules } from '../../rules/compile.js';
import { RuleError } from '../../rules/errors.js';
import { loadSigmaRules } from '../../rules/sigma.js';

export const command = 'check <rules..>';
export const describe = 'validate rule files without data (exit 1 when one is invalid)';

export function builder(y: Argv) {
  // No default: yargs gives a variadic positional `[]`, and help would show `[required] [default: []]`.
  return y.positional('rules', { type: 'string', array: true, default: undefined, describe: 'rule files or directories' });
}

export async function handler(args: { rules: string[] }): Promise<void> {
  let bad = 0;
  for (const path of args.rules) {
    try {
      const rules = await loadSigmaRules(path);
      for (const semantics of ['strict', 'kql'] as const) compileRules(rules, { semantics, internal: [] });
      process.stdout.write(`${path}: ok (${rules.length} documents)\n`);
    } catch (e) {
      if (!(e instanceof RuleError) && (e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      bad++;
      process.stdout.write(`${e instanceof RuleError ? e.message : `${path}: cannot read`}\n`);
    }
  }
  if (bad > 0) process.exitCode = 1;
}
