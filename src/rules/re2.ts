/**
 * RE2 (re2js) for the `re` modifier: linear in the text, whatever the pattern, so a hostile log line cannot hang the
 * engine. Loaded the first time a rule uses `re` (rules without it, the shipped ones among them, never load it).
 */
import type { RE2JS } from 're2js';
import { lazily } from '../lazy.js';

const re2js = lazily<typeof import('re2js')>('re2js');

/** Sigma's flags of `re`: `i` (case-insensitive), `m` (multi-line), `s` (dot matches a newline). */
export const RE_FLAGS: ReadonlySet<string> = new Set(['i', 'm', 's']);

/** `pattern` compiled with Sigma's `flags` (some of `ims`); throws re2js' error when it is not RE2 syntax. */
export function compileRegex(pattern: string, flags: string): RE2JS {
  const { RE2JS } = re2js();
  let bits = 0;
  if (flags.includes('i')) bits |= RE2JS.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= RE2JS.MULTILINE;
  if (flags.includes('s')) bits |= RE2JS.DOTALL;
  return RE2JS.compile(pattern, bits);
}
