/** Shared CLI options: their yargs definitions and their validation into library values. */
import type { Argv } from 'yargs';
import { parse as parseYaml } from 'yaml';
import { DicomwatchError } from '../errors.js';
import { SOURCE_FIELDS } from '../parsers/fields.js';
import { FORMAT_IDS } from '../parsers/registry.js';
import type { Semantics } from '../rules/plan.js';
import { DEFAULT_RULES_PATH } from '../rules/load.js';
import { canonicalCidrs, canonicalPorts } from '../rules/options.js';
import { normalizeZone } from '../time/zone.js';

/** Bad usage: exit code 2, message without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function withRuleOptions<T>(y: Argv<T>) {
  return y
    .option('rules', { type: 'string', describe: 'Sigma rule file or directory', default: DEFAULT_RULES_PATH, defaultDescription: 'the shipped rules/' })
    .option('ports', { type: 'string', describe: 'DICOM ports, replacing the rules\' (e.g. 104,11112)' })
    .option('internal', { type: 'string', array: true, describe: 'extra internal CIDR, IPv4 or IPv6 (repeatable)' })
    .option('allow', { type: 'string', array: true, describe: 'trusted external source CIDR, never alerted on (repeatable)' })
    .option('semantics', { choices: ['strict', 'kql'] as const, default: 'strict' as const, describe: 'what "external" means: strict (IPv6-aware, organisation view) or kql (exactly ipv4_is_private() == false)' })
    .option('placeholder', { type: 'string', array: true, describe: 'a value list for |expand: NAME=V1,V2 (repeatable), used in rules as %NAME%' })
    .option('placeholders', { type: 'string', describe: 'YAML or JSON file mapping placeholder names to value lists' });
}

/** `--placeholder NAME=V1,V2` (repeatable): name → values; a number-looking value stays text (the compiler types it). */
export function parsePlaceholderArgs(values: readonly string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const arg of values ?? []) {
    const eq = String(arg).indexOf('=');
    const name = String(arg).slice(0, eq).trim().replace(/^%(.*)%$/, '$1');
    const list = String(arg).slice(eq + 1).split(',').map((v) => v.trim()).filter((v) => v !== '');
    if (eq <= 0 || list.length === 0) throw new UsageError(`--placeholder: '${arg}' is not NAME=V1,V2`);
    out[name] = [...(out[name] ?? []), ...list];
  }
  return out;
}

/**
 * A placeholders file: a YAML (or JSON) mapping of names to a value or a list of values, as pySigma's placeholder
 * pipelines take them: `trusted_scanners: [192.0.2.10, 192.0.2.11]`.
 */
export function parsePlaceholderFile(path: string, text: string): Record<string, (string | number)[]> {
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (e) {
    throw new UsageError(`--placeholders: ${path}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new UsageError(`--placeholders: ${path}: expected a mapping of placeholder names to value lists`);
  const out: Record<string, (string | number)[]> = {};
  for (const [name, value] of Object.entries(data)) {
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((v) => typeof v === 'string' || typeof v === 'number')) throw new UsageError(`--placeholders: ${path}: '${name}' must be a value or a list of values`);
    out[name] = list as (string | number)[];
  }
  return out;
}

export function withInputOptions<T>(y: Argv<T>) {
  return y
    .positional('files', { type: 'string', array: true, default: undefined, describe: 'log files (plain or .gz); - for stdin' })
    .option('format', { choices: ['auto', ...FORMAT_IDS], default: 'auto', describe: 'input format (auto: recognized per file)' })
    // No yargs default for --tz: a `[Local Time]` column is read only in a zone the user named (UTC otherwise).
    .option('tz', { type: 'string', describe: 'zone for timestamps without one (IANA name or +hh:mm)', defaultDescription: 'UTC' })
    .option('year', { type: 'string', describe: 'year for timestamps without one (syslog `Mar 16 10:15:02`)', defaultDescription: 'inferred: the latest year not after the file was last written (stdin: today)' })
    .option('map', { type: 'string', array: true, describe: 'column mapping, e.g. time=ColA,srcIp=ColB (fields: ' + SOURCE_FIELDS.join(', ') + ')' })
    .option('strict-input', { type: 'boolean', default: false, describe: 'stop at the first malformed record (exit 2)' })
    .option('out', { type: 'string', describe: 'write results to FILE instead of stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing on stderr but errors' });
}

export function parsePorts(text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const ports = String(text).split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (ports.length === 0) throw new UsageError('--ports: give at least one port, e.g. --ports 104,11112');
  return asUsage(() => canonicalPorts(ports));
}

export function parseCidrs(option: string, values: readonly string[] | undefined): string[] {
  const list = (values ?? []).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return asUsage(() => canonicalCidrs(option, list));
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

export function parseSemantics(value: string): Semantics {
  if (value !== 'strict' && value !== 'kql') throw new UsageError(`--semantics: '${value}' is not strict or kql`);
  return value;
}
