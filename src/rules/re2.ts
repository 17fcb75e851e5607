/**
 * RE2 (re2js) for the `re` modifier: linear in the text, whatever the pattern, so a hostile log line cannot hang the
 * engine. re2js is required (its CommonJS build) the first time a rule uses `re`: rules without it, the shipped ones
 * among them, do not load it (~10 ms of every start-up), and compiling rules stays synchronous.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

/** Sigma's flags of `re`: `i` (case-insensitive), `m` (multi-line), `s` (dot matches a newline). */
export const RE_FLAGS: ReadonlySet<string> = new Set(['i', 'm', 's']);

let re2js: typeof RE2JS | undefined;

/** `pattern` compiled with Sigma's `flags` (some of `ims`); throws re2js' error when it is not RE2 syntax. */
export function compileRegex(pattern: string, flags: string): RE2JS {
  re2js ??= (createRequire(import.meta.url)('re2js') as typeof import('re2js')).RE2JS;
  let bits = 0;
  if (flags.includes('i')) bits |= re2js.CASE_INSENSITIVE;
  if (flags.includes('m')) bits |= re2js.MULTILINE;
  if (flags.includes('s')) bits |= re2js.DOTALL;
  return re2js.compile(pattern, bits);
}
