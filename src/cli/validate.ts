/** The shared CLI options' values, validated into library values: a bad one is a UsageError (exit 2). */
import { DicomwatchError } from '../errors.js';
import { SOURCE_FIELDS } from '../parsers/source-fields.js';
import type { Semantics } from '../rules/plan.js';
import { canonicalAllow, canonicalCidrs, canonicalNetwork, canonicalPorts } from '../rules/options.js';
import type { NetworkPolicy } from '../rules/plan.js';
import { normalizeZone } from '../time/zone.js';
import { UsageError } from './options.js';

/** `--ports`, repeatable, each a comma-separated list: undefined when not given. */
export function parsePorts(values: readonly string[] | undefined): number[] | undefined {
  if (values === undefined) return undefined;
  const ports = commaList(values);
  if (ports.length === 0) throw new UsageError('--ports: give at least one port, e.g. --ports 104,11112');
  return asUsage(() => canonicalPorts(ports));
}

export function parseCidrs(option: string, values: readonly string[] | undefined): string[] {
  return asUsage(() => canonicalCidrs(option, commaList(values)));
}

/** `--allow` (repeatable, comma lists): CIDRs, none of them every address. */
export function parseAllow(values: readonly string[] | undefined): string[] {
  return asUsage(() => canonicalAllow(commaList(values)));
}

/** Repeated options whose values may also be comma-separated, as one list. */
function commaList(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/**
 * `fn()`, with the library's BAD_OPTION turned into bad usage. The library's message starts with the option's name
 * (`ports: '0' is not a port`), which on the command line is spelled `--ports`. The message echoes the value, so
 * what cannot be seen in a terminal is shown escaped (`visible`): one clear line, whatever was typed.
 */
function asUsage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof DicomwatchError && e.code === 'BAD_OPTION') throw new UsageError(`--${visible(e.message)}`);
    throw e;
  }
}

/**
 * `text` with control, format (bidi overrides, zero-width), line/paragraph separator and lone surrogate characters
 * written as `\u{…}`, so a hostile option value cannot break or disguise the one-line message that echoes it.
 */
export function visible(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu, (ch) => `\\u{${ch.codePointAt(0)!.toString(16)}}`);
}

export function parseZone(tz: string): string {
  const zone = normalizeZone(tz);
  if (!zone) throw new UsageError(`--tz: '${tz}' is not a time zone (use an IANA name like Europe/London, or an offset like +02:00)`);
  return zone;
}

/** `--year 2026`: four digits, 1970-9999. A string option, so the message can echo what was typed (`abc`, not NaN). */
export function parseYear(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = String(text).trim();
  const year = /^\d{4}$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(year >= 1970)) throw new UsageError(`--year: '${text}' is not a year (four digits, e.g. --year 2026)`);
  return year;
}

export function parseColumnMap(values: readonly string[] | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of (values ?? []).flatMap((v) => String(v).split(','))) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    const field = pair.slice(0, eq).trim();
    const column = pair.slice(eq + 1).trim();
    if (eq <= 0 || column === '') throw new UsageError(`--map: '${pair}' is not field=Column`);
    if (!(SOURCE_FIELDS as readonly string[]).includes(field)) {
      throw new UsageError(`--map: unknown field '${field}' (fields: ${SOURCE_FIELDS.join(', ')})`);
    }
    map[field] = column;
  }
  return map;
}

/** `--semantics` and `--internal` as the rules' network policy (an `--internal` of every address is bad usage). */
export function parseNetwork(semantics: string, internal: readonly string[] | undefined): NetworkPolicy {
  const policy: NetworkPolicy = { semantics: parseSemantics(semantics), internal: commaList(internal) };
  return asUsage(() => canonicalNetwork(policy)); // (which checks the CIDRs as parseCidrs does)
}

export function parseSemantics(value: string): Semantics {
  if (value !== 'strict' && value !== 'kql') throw new UsageError(`--semantics: '${value}' is not strict or kql`);
  return value;
}
