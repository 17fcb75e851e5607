/** `dicomwatch check`'s checks, loaded by its handler (check.ts) only when the command runs. */
import { KQL_TABLES, type KqlTableProfile } from '../../emit/kql/tables.js';
import { KqlEmitError, renderKql } from '../../emit/kql/render.js';
import { renderSigma } from '../../emit/sigma.js';
import { compileRulesReport } from '../../rules/compile.js';
import { formatLocation, NO_RULES_REASON, RulesPathError, type SourceLocation } from '../../rules/errors.js';
import { DEFAULT_PLACEHOLDERS, type Placeholders } from '../../rules/modifiers.js';
import { expandPlaceholders, internalNetworks, placeholdersOf } from '../../rules/options.js';
import { placeholdersFromArgs } from '../rule-args.js';
import type { NetworkPolicy, QueryPlan, Semantics } from '../../rules/plan.js';
import { parseSigmaText, readSigmaRules, type SigmaRule } from '../../rules/sigma.js';
import type { CheckArgs } from './check.js';
import { oneLine } from './kql.js';

/** Exit statuses, the worst one over all paths wins: a path that cannot be used outranks an invalid rule. */
const EXIT_INVALID = 1;
const EXIT_UNREADABLE = 2;

export interface CheckProblem {
  /** An error makes the rule unusable somewhere it is promised to work; a warning names a table it cannot use. */
  severity: 'error' | 'warning';
  /** One line: `file:line:col: message` (`file:line:col: warning: message`) where the rule file is known. */
  text: string;
  at?: SourceLocation | undefined;
}

export interface CheckReport {
  lines: string[];
  status: 0 | typeof EXIT_INVALID | typeof EXIT_UNREADABLE;
}

const SEMANTICS: readonly Semantics[] = ['strict', 'kql'];

export async function runCheck(args: CheckArgs): Promise<void> {
  let status = 0;
  const placeholders = placeholdersOf({ placeholders: await placeholdersFromArgs(args) });
  for (const path of args.rules) {
    const report = await checkPath(String(path), Object.values(KQL_TABLES), placeholders);
    for (const line of report.lines) process.stdout.write(`${oneLine(line)}\n`);
    status = Math.max(status, report.status);
  }
  if (status > 0) process.exitCode = status;
}

/**
 * Everything that would go wrong with the rules at `path` in any command: files that cannot be read, every
 * RuleError of every document (both semantics), and whatever `kql` (for each of `tables`) or `sigma` would refuse.
 * One line per problem, in file and line order, then `PATH: ok (…)` when there is no error.
 */
export async function checkPath(path: string, tables: readonly KqlTableProfile[], placeholders: Placeholders = DEFAULT_PLACEHOLDERS): Promise<CheckReport> {
  const reading = await readSigmaRules(path);
  if (reading.rules.length === 0 && reading.errors.length === 0) {
    return { lines: [`${path}: ${NO_RULES_REASON}`], status: EXIT_UNREADABLE };
  }
  const problems: CheckProblem[] = reading.errors.map((e) => ({
    severity: 'error',
    text: e.message,
    at: e instanceof RulesPathError ? { file: e.path } : { file: e.file, line: e.line, col: e.col },
  }));
  // The specification's JSON schemas: what other Sigma tools would reject, whatever the engine makes of it. Loaded
  // here, not with the CLI: ajv and the schemas cost every other command ~50 ms of start-up.
  const { schemaErrors } = await import('../../rules/schema.js');
  for (const rule of reading.rules) {
    problems.push(...schemaErrors(rule).map((e): CheckProblem => ({ severity: 'error', text: e.message, at: { file: e.file, line: e.line, col: e.col } })));
  }
  for (const semantics of SEMANTICS) {
    const network: NetworkPolicy = { semantics, internal: [] };
    const { plans, errors } = compileRulesReport(reading.rules, network, placeholders);
    problems.push(...errors.map((e): CheckProblem => ({ severity: 'error', text: e.message, at: { file: e.file, line: e.line, col: e.col } })));
    problems.push(...kqlProblems(plans, tables));
    if (errors.length === 0) problems.push(...sigmaProblems(path, reading.rules, network, placeholders));
  }
  const shown = inFileOrder(unique(problems), reading.files);
  const errors = shown.filter((p) => p.severity === 'error').length;
  const lines = shown.map((p) => p.text);
  if (errors === 0) {
    const warnings = shown.length;
    lines.push(`${path}: ok (${reading.rules.length} documents${warnings > 0 ? `, ${warnings} warning${warnings > 1 ? 's' : ''}` : ''})`);
  }
  const unreadable = reading.errors.some((e) => e instanceof RulesPathError);
  return { lines, status: unreadable ? EXIT_UNREADABLE : errors > 0 ? EXIT_INVALID : 0 };
}

/**
 * What `dicomwatch kql` would refuse: a plan that some tables render and others do not is a warning per table it
 * cannot use (pick another `--table`); a plan no table renders is an error (there is no `--table` that works).
 */
export function kqlProblems(plans: readonly QueryPlan[], tables: readonly KqlTableProfile[]): CheckProblem[] {
  return plans.flatMap((plan) => {
    const failures = tables.flatMap((table) => kqlFailure(plan, table) ?? []);
    if (failures.length < tables.length) {
      return failures.map((e): CheckProblem => ({ severity: 'warning', text: warningText(e), at: e.location }));
    }
    return failures.map((e): CheckProblem => ({ severity: 'error', text: e.message, at: e.location }));
  });
}

function kqlFailure(plan: QueryPlan, table: KqlTableProfile): KqlEmitError | undefined {
  try {
    renderKql(plan, table);
    return undefined;
  } catch (e) {
    if (e instanceof KqlEmitError) return e;
    throw e;
  }
}

function warningText(e: KqlEmitError): string {
  return e.location ? `${formatLocation(e.location)}: warning: ${e.detail}` : `warning: ${e.detail}`;
}

/**
 * What `dicomwatch sigma` would print must load back: the rules written out (placeholders expanded for the
 * semantics, and kept) are parsed and compiled again. A failure here is a bug of the emitter, reported as an error
 * rather than discovered by the SIEM that imports the output.
 */
function sigmaProblems(path: string, rules: readonly SigmaRule[], network: NetworkPolicy, placeholders: Placeholders): CheckProblem[] {
  const expanded = expandPlaceholders(rules, internalNetworks(network.semantics, network.internal), placeholders);
  return [rules, expanded].flatMap((shown): CheckProblem[] => {
    try {
      const reloaded = parseSigmaText(renderSigma(shown), `${path} (as written by dicomwatch sigma)`);
      const { errors } = compileRulesReport(reloaded, network, placeholders);
      if (errors.length > 0) throw errors[0];
      return [];
    } catch (e) {
      return [{ severity: 'error', text: `${path}: dicomwatch sigma would write rules that do not load back: ${(e as Error).message}`, at: { file: path } }];
    }
  });
}

function unique(problems: readonly CheckProblem[]): CheckProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.text) && seen.add(p.text));
}

/** Sorted by file (in the order the files were read), then line and column; stable otherwise. */
function inFileOrder(problems: readonly CheckProblem[], files: readonly string[]): CheckProblem[] {
  const fileRank = (p: CheckProblem) => (p.at ? files.indexOf(p.at.file) : -1);
  return [...problems].sort((a, b) =>
    fileRank(a) - fileRank(b) || (a.at?.line ?? 0) - (b.at?.line ?? 0) || (a.at?.col ?? 0) - (b.at?.col ?? 0),
  );
}
