import { DicomwatchError } from '../errors.js';

/** A rule the engine cannot use, pointing into the rule file like a compiler error: `file:line:col: message`. */
export class RuleError extends DicomwatchError {
  override name = 'RuleError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly col: number | undefined,
    readonly detail: string,
  ) {
    super('BAD_RULE', `${file}${line ? `:${line}${col ? `:${col}` : ''}` : ''}: ${detail}`, file);
  }
}
