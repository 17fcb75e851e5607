import { DicomwatchError } from '../errors.js';

/** A problem with an input as a whole (unknown format, unusable header), not with one record: reading it stops. */
export class InputFileError extends DicomwatchError {
  override name = 'InputFileError';
  constructor(message: string, file?: string) {
    super('INPUT_UNUSABLE', message, file);
  }
}
