/** A problem with an input as a whole (unknown format, unusable header), not with one record: reading it stops. */
export class InputFileError extends Error {
  override name = 'InputFileError';
}
