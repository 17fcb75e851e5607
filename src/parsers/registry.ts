/**
 * Every input format, in sniffing order: specific vendor formats before the generic ones. Adding a format is a
 * module plus one line here.
 */
import { csvFormat } from './csv.js';
import { jsonArrayFormat } from './json-array.js';
import { jsonlFormat } from './jsonl.js';
import type { ByteFormat, Format, LineFormat, ParseContext } from './types.js';

export const FORMATS: readonly Format[] = [jsonlFormat, jsonArrayFormat, csvFormat];

export function formatById(id: string, formats: readonly Format[] = FORMATS): Format | undefined {
  return formats.find((f) => f.id === id);
}

/** The binary format whose magic the first bytes of a file carry, if any. */
export function sniffBytes(head: Buffer, formats: readonly Format[] = FORMATS): ByteFormat | undefined {
  return formats.find((f): f is ByteFormat => f.kind === 'bytes' && f.sniffBytes(head));
}

/** The text format of a file from its first non-blank line, or undefined when none recognizes it. */
export function sniffFormat(firstLine: string, formats: readonly Format[] = FORMATS, ctx?: ParseContext): LineFormat | undefined {
  return formats.find((f): f is LineFormat => f.kind === 'lines' && f.sniff(firstLine, ctx));
}
