/**
 * Every input format, in sniffing order: specific vendor formats before the generic ones. Adding a format is a
 * module plus one line here.
 */
import { csvFormat } from './csv.js';
import { jsonlFormat } from './jsonl.js';
import type { LineFormat } from './types.js';

export const FORMATS: readonly LineFormat[] = [jsonlFormat, csvFormat];

export function formatById(id: string): LineFormat | undefined {
  return FORMATS.find((f) => f.id === id);
}

/** The format of a file from its first non-blank line, or undefined when none recognizes it. */
export function sniffFormat(firstLine: string): LineFormat | undefined {
  return FORMATS.find((f) => f.sniff(firstLine));
}
