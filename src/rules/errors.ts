import { DicomwatchError } from '../errors.js';

/** A place in a rule file. Line and column are 1-based, as editors show them; absent when unknown. */
export interface SourceLocation {
  file: string;
  line?: number | undefined;
  col?: number | undefined;
}

/** `file:line:col`, `file:line` or `file`: the prefix compilers put in front of a message. */
export function formatLocation(at: SourceLocation): string {
  return `${at.file}${at.line ? `:${at.line}${at.col ? `:${at.col}` : ''}` : ''}`;
}

/** A rule the engine cannot use, pointing into the rule file like a compiler error: `file:line:col: message`. */
export class RuleError extends DicomwatchError {
  override name = 'RuleError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly col: number | undefined,
    readonly detail: string,
  ) {
    super('BAD_RULE', `${formatLocation({ file, line, col })}: ${detail}`, file);
  }
}

/**
 * A rules path (file or directory, or a file found under it) that cannot be read, or that holds no rules
 * (RULES_UNREADABLE). `errno` is the system's code (`ENOENT`, `EACCES`, `EISDIR`…) when reading failed.
 */
export class RulesPathError extends DicomwatchError {
  override name = 'RulesPathError';
  constructor(
    readonly path: string,
    readonly reason: string,
    readonly errno?: string,
  ) {
    super('RULES_UNREADABLE', `${path}: ${reason}`, path);
  }
}

/** What `loadRules` and `check` say about a rules path without any rule in it. */
export const NO_RULES_REASON = 'no Sigma rules (looked for *.yml, *.yaml)';

/**
 * What a failed read of `path` means for the caller: a RulesPathError with the errno code and the system's words
 * for it, or `e` itself when it is no I/O error (a bug, which must surface as is).
 */
export function readFailure(path: string, e: unknown): unknown {
  const errno = (e as NodeJS.ErrnoException | undefined)?.code;
  if (typeof errno !== 'string' || e instanceof DicomwatchError) return e;
  // Node writes `ENOENT: no such file or directory, open 'x'`: the part before the comma is the reason.
  const words = String((e as Error).message).split(', ')[0]!;
  return new RulesPathError(path, `cannot read (${words.startsWith(errno) ? words : errno})`, errno);
}
