/**
 * Shared CLI options: their yargs definitions (validate.ts turns their values into library values). Every command's
 * definition, loaded on every run, uses these: what they import stays light (no parser, no rule loader).
 */
import type { Argv } from 'yargs';
import { SOURCE_FIELDS } from '../parsers/source-fields.js';
import { FORMAT_IDS } from '../parsers/format-ids.js';
import { DEFAULT_RULES_PATH } from '../rules/default-path.js';

/** Bad usage: exit code 2, message without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function withRuleOptions<T>(y: Argv<T>) {
  return y
    .option('rules', { type: 'string', describe: 'Sigma rule file or directory', default: DEFAULT_RULES_PATH, defaultDescription: 'the shipped rules/' })
    .option('ports', { type: 'string', array: true, nargs: 1, describe: 'DICOM ports, replacing the rules\' (e.g. 104,11112; repeatable)' })
    .option('internal', { type: 'string', array: true, nargs: 1, describe: 'extra internal CIDR, IPv4 or IPv6 (repeatable)' })
    .option('allow', { type: 'string', array: true, nargs: 1, describe: 'trusted external source CIDR, never alerted on (repeatable)' })
    .option('semantics', { choices: ['strict', 'kql'] as const, default: 'strict' as const, describe: 'what "external" means: strict (IPv6-aware, organisation view) or kql (exactly ipv4_is_private() == false)' })
    .option('placeholder', { type: 'string', array: true, nargs: 1, describe: 'a value list for |expand: NAME=V1,V2 (repeatable), used in rules as %NAME%' })
    .option('placeholders', { type: 'string', describe: 'YAML or JSON file mapping placeholder names to value lists' });
}

export function withInputOptions<T>(y: Argv<T>) {
  return y
    .positional('files', { type: 'string', array: true, default: undefined, describe: 'log files (plain or .gz); - for stdin' })
    .option('format', { choices: ['auto', ...FORMAT_IDS], default: 'auto', describe: 'input format (auto: recognized per file)' })
    // No yargs default for --tz: a `[Local Time]` column is read only in a zone the user named (UTC otherwise).
    .option('tz', { type: 'string', describe: 'zone for timestamps without one (IANA name or +hh:mm)', defaultDescription: 'UTC' })
    .option('year', { type: 'string', describe: 'year for timestamps without one (syslog `Mar 16 10:15:02`)', defaultDescription: 'inferred: the latest year that puts a stamp no more than two days after the file was last written (stdin: today)' })
    .option('map', { type: 'string', array: true, nargs: 1, describe: 'column mapping, e.g. time=ColA,srcIp=ColB (fields: ' + SOURCE_FIELDS.join(', ') + ')' })
    .option('strict-input', { type: 'boolean', default: false, describe: 'stop at the first malformed record (exit 2)' })
    .option('out', { type: 'string', describe: 'write results to FILE instead of stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing on stderr but errors' });
}
