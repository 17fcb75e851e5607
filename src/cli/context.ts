/** What every command derives from its options: validated values, rules, and the input loop's settings. */
import { createProgress, type Progress } from './progress.js';
import { readFile } from 'node:fs/promises';
import { DicomwatchError } from '../errors.js';
import { canonicalRuleOptions } from '../rules/options.js';
import { UsageError } from './options.js';
import { parseCidrs, parseColumnMap, parsePlaceholderArgs, parsePlaceholderFile, parsePorts, parseSemantics, parseYear, parseZone } from './validate.js';
import { RulesPathError } from '../rules/errors.js';
import { loadRules, type LoadedRules } from '../rules/load.js';
import { prefilterForPlans } from '../rules/compile.js';
import type { NetworkPolicy } from '../rules/plan.js';
import type { Prefilter } from '../parsers/types.js';
import { formatSummary, runningTotals, totalsSoFar, type InputRun, type InputTotals, type RunningTotals } from './inputs.js';
import { whenInterrupted, type InterruptSignal } from './interrupt.js';
import { OutputError, type Output } from './io.js';

export interface RuleArgs {
  rules: string;
  placeholder?: string[];
  placeholders?: string;
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
  const placeholders = await placeholdersFromArgs(args);
  try {
    return { ...(await loadRules(args.rules, { ...(ports ? { ports } : {}), allow, placeholders }, network)), network };
  } catch (e) {
    throw rulesUsageError(args.rules, e);
  }
}

/** `--placeholders FILE` then `--placeholder NAME=V1,V2` (which adds to the file's lists). */
export async function placeholdersFromArgs(args: Pick<RuleArgs, 'placeholder' | 'placeholders'>): Promise<Record<string, (string | number)[]>> {
  let fromFile: Record<string, (string | number)[]> = {};
  if (args.placeholders !== undefined) {
    let text: string;
    try {
      text = await readFile(args.placeholders, 'utf8');
    } catch (e) {
      throw new UsageError(`--placeholders: cannot read ${args.placeholders} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    fromFile = parsePlaceholderFile(args.placeholders, text);
  }
  const merged: Record<string, (string | number)[]> = { ...fromFile };
  for (const [name, values] of Object.entries(parsePlaceholderArgs(args.placeholder))) merged[name] = [...(merged[name] ?? []), ...values];
  try {
    return canonicalRuleOptions({ placeholders: merged }).placeholders as Record<string, (string | number)[]> ?? {};
  } catch (e) {
    if (e instanceof DicomwatchError && e.code === 'BAD_OPTION') throw new UsageError(`--${e.message}`);
    throw e;
  }
}

/** A --rules path the library cannot use is bad usage (exit 2); a RuleError keeps its file:line message. */
function rulesUsageError(path: string, e: unknown): unknown {
  if (!(e instanceof RulesPathError)) return e;
  return new UsageError(e.errno ? `--rules: cannot read ${e.path} (${e.errno})` : `--rules: no Sigma rules in ${path} (looked for *.yml, *.yaml)`);
}

/**
 * Inputs: the files given (`-` is stdin, read even from a terminal: the user asked for it), or stdin when none are
 * given and stdin is not a terminal (nobody is typing a log by accident).
 */
export function inputFiles(files: readonly (string | null | undefined)[] | undefined, stdinIsTTY = process.stdin.isTTY === true): string[] {
  // yargs 18 hands `[undefined]` (or `[null]`) for an absent variadic positional with `default: undefined`: no file.
  const list = (files ?? []).filter((f) => f !== null && f !== undefined).map(String);
  if (list.length > 0) return list;
  if (stdinIsTTY) return [];
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
      flowState: {},
    },
    strictInput: args.strictInput,
    quiet: args.quiet,
    stderr: process.stderr,
    progress: createProgress(process.stderr, !args.quiet),
  };
}

/** The union of the destination ports every plan requires, or undefined when some plan requires none. */
export function prefilterFor(loaded: LoadedRules): Prefilter | undefined {
  return prefilterForPlans(loaded.plans);
}

export interface ReportedRun {
  run: InputRun & { progress: Progress };
  out: Output;
  quiet: boolean;
  /** The command's end of the summary (events matched, alerts…), asked for when the summary is printed. */
  tail?: () => string[];
  /** Where the Ctrl-C handler is registered (a test hands its own). */
  interrupts?: typeof whenInterrupted;
}

/**
 * Run a command's input loop and output with the summary on stderr however the run ends:
 * - done: `--out FILE` replaced, summary; exit 2 when an input was not read to its end, else 0;
 * - the output failed: the summary of what was read, then the OutputError for main (exit 3, or 0 for a reader
 *   that closed stdout early, as `| head` does: it has what it wanted);
 * - Ctrl-C: the progress line cleared, the summary of what was read marked interrupted, exit 130.
 * Every way but done leaves `--out FILE` as it was.
 */
export async function reportedRun(r: ReportedRun, body: (running: RunningTotals) => Promise<InputTotals>): Promise<void> {
  const running = runningTotals();
  const summary = (totals: InputTotals, notes: string[] = []): void => {
    r.run.progress.stop();
    if (!r.quiet) r.run.stderr.write(formatSummary(totals, r.run.files.length, (r.tail?.() ?? []).concat(notes)));
  };
  const endInterrupted = (r.interrupts ?? whenInterrupted)((signal) => {
    r.out.discard();
    summary(totalsSoFar(running), [interruptedNote(signal, r.out)]);
  });
  try {
    const totals = await body(running);
    await r.out.close();
    endInterrupted(); // FILE is replaced: a Ctrl-C now must not say it was left as it was
    summary(totals);
  } catch (e) {
    r.out.discard();
    r.run.progress.stop();
    if (e instanceof OutputError) summary(totalsSoFar(running), e.closedByReader ? [`output stopped early: the reader of ${e.output} closed it`] : []);
    throw e;
  } finally {
    endInterrupted();
    if (running.failed.length > 0) process.exitCode = 2;
  }
}

function interruptedNote(signal: InterruptSignal, out: Output): string {
  return `interrupted (${signal})${out.replaces ? `: ${out.replaces} left as it was` : ''}`;
}
