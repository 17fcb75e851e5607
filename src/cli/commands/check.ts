/** `dicomwatch check`: its yargs definition; the checks themselves (check-run.ts) are loaded when the command runs. */
import type { Argv } from 'yargs';

export const command = 'check <rules..>';
export const describe = 'validate rule files without data (exit 1 when one is invalid)';

export function builder(y: Argv) {
  // No default: yargs gives a variadic positional `[]`, and help would show `[required] [default: []]`.
  return y
    .positional('rules', { type: 'string', array: true, default: undefined, describe: 'rule files or directories' })
    .option('placeholder', { type: 'string', array: true, nargs: 1, describe: 'a value list for |expand: NAME=V1,V2 (repeatable)' })
    .option('placeholders', { type: 'string', describe: 'YAML or JSON file mapping placeholder names to value lists' });
}

export interface CheckArgs {
  rules: string[];
  placeholder?: string[];
  placeholders?: string;
}

export async function handler(args: CheckArgs): Promise<void> {
  const { runCheck } = await import('./check-run.js');
  await runCheck(args);
}
