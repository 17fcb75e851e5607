/** What every command derives from its options: validated values, rules, and the input loop's settings. */
import { createProgress, type Progress } from './progress.js';
import { parseCidrs, parseColumnMap, parsePorts, parseSemantics, parseYear, parseZone, UsageError } from './options.js';
import { RulesPathError } from '../rules/errors.js';
import { loadRules, type LoadedRules } from '../rules/load.js';
import { requiredDstPorts } from '../rules/compile.js';
import type { NetworkPolicy } from '../rules/plan.js';
import type { Prefilter } from '../parsers/types.js';
import type { InputRun } from './inputs.js';

export interface RuleArgs {
  rules: string;
  ports?: string;
  internal?: string[];
  allow?: string[];
  semantics: string;
}

export interface InputArgs {
  files?: string[];
  format: string;
  /** Absent unless given: see withInputOptions. */
  tz?: string;
  year?: string;
  map?: string[];
  strictInput: boolean;
  quiet: boolean;
}

export async function rulesFromArgs(args: RuleArgs): Promise<LoadedRules & { network: NetworkPolicy }> {
  const network: NetworkPolicy = { semantics: parseSemantics(args.semantics), internal: parseCidrs('internal', args.internal) };
  const ports = parsePorts(args.ports);
  const allow = parseCidrs('allow', args.allow);
  try {
    return { ...(await loadRules(args.rules, { ...(ports ? { ports } : {}), allow }, network)), network };
  } catch (e) {
    throw rulesUsageError(args.rules, e);
  }
}

/** A --rules path the library cannot use is bad usage (exit 2); a RuleError keeps its file:line message. */
function rulesUsageError(path: string, e: unknown): unknown {
  if (!(e instanceof RulesPathError)) return e;
  return new UsageError(e.errno ? `--rules: cannot read ${e.path} (${e.errno})` : `--rules: no Sigma rules in ${path} (looked for *.yml, *.yaml)`);
}

/** Inputs: the files given, or stdin when none are given and stdin is not a terminal. */
export function inputFiles(files: string[] | undefined): string[] {
  const list = (files ?? []).map(String);
  if (list.length > 0) return list;
  if (process.stdin.isTTY) return [];
  return ['-'];
}

export function inputRun(args: InputArgs, files: string[], prefilter?: Prefilter): InputRun & { progress: Progress } {
  const year = parseYear(args.year);
  return {
    files,
    read: {
      format: args.format,
      ...(args.tz !== undefined ? { tz: parseZone(args.tz) } : {}),
      ...(year !== undefined ? { year } : {}),
      now: Date.now(),
      columnMap: parseColumnMap(args.map),
      ...(prefilter ? { prefilter } : {}),
    },
    strictInput: args.strictInput,
    quiet: args.quiet,
    stderr: process.stderr,
    progress: createProgress(process.stderr, !args.quiet),
  };
}

/** The union of the destination ports every plan requires, or undefined when some plan requires none. */
export function prefilterFor(loaded: LoadedRules): Prefilter | undefined {
  const all = new Set<number>();
  for (const plan of loaded.plans) {
    const ports = requiredDstPorts(plan.filter);
    if (!ports) return undefined;
    for (const p of ports) all.add(p);
  }
  return { dstPorts: all };
}
