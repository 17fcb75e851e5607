/**
 * Errors at the library boundary: typed, with a code a caller can switch on and the subject (file, option, rule)
 * they are about. Bad records are never errors of this kind: they are record outcomes, counted and reported.
 */
export type DicomwatchErrorCode =
  /** An input (file, stdin, stream) that cannot be opened or read to its end. */
  | 'INPUT_UNREADABLE'
  /** An input that can be read but not used as a whole: unknown format, unusable header, array never opened. */
  | 'INPUT_UNUSABLE'
  /** A rules path that cannot be read or holds no rules. */
  | 'RULES_UNREADABLE'
  /** A rule the engine or an emitter cannot use (see RuleError: it points into the rule file). */
  | 'BAD_RULE'
  /** An option value that is not valid (a zone, a CIDR, a port, a year, a column mapping). */
  | 'BAD_OPTION'
  /** An event handed to the engine by a library caller that is not a valid event. */
  | 'BAD_EVENT'
  /** The results could not be written (disk full, I/O error, closed pipe). */
  | 'OUTPUT_FAILED';

export class DicomwatchError extends Error {
  override name = 'DicomwatchError';
  constructor(
    readonly code: DicomwatchErrorCode,
    message: string,
    /** What the error is about: a file name, an option name (`tz`, `internal`), a rule file. */
    readonly subject?: string,
  ) {
    super(message);
  }
}
