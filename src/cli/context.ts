/**
 * What the commands reading logs derive from their options: the inputs, the input loop's settings, and the run with
 * its summary. (The rules come from rule-args.ts.)
 */
import { createProgress, type Progress } from './progress.js';
import type { Prefilter } from '../parsers/types.js';
import { parseColumnMap, parseYear, parseZone } from './validate.js';
import { formatSummary, runningTotals, totalsSoFar, type InputRun, type InputTotals, type RunningTotals } from './inputs.js';
import { whenInterrupted, type InterruptSignal } from './interrupt.js';
import { OutputError, type Output } from './io.js';

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

export interface ReportedRun {
  run: InputRun & { progress: Progress };
  out: Output;
  quiet: boolean;
  /** The command's end of the summary (events matched, alerts…), asked for when the summary is printed. */
  tail?: (totals: InputTotals) => string[];
  /** Where the Ctrl-C handler is registered (a test hands its own). */
  interrupts?: typeof whenInterrupted;
}

/**
 * Run a command's input loop and output with the summary on stderr however the run ends:
 * - done: `--out FILE` replaced, summary, exit 0; but when an input was not read to its end, exit 2 and FILE left
 *   as it was (its output would be partial; an output written in place, a device or a pipe, is written to its end);
 * - the output failed: the summary of what was read, then the OutputError for main (exit 3, or 0 for a reader
 *   that closed stdout early, as `| head` does: it has what it wanted);
 * - Ctrl-C: the progress line cleared, the summary of what was read marked interrupted, exit 130.
 * Every way but done leaves `--out FILE` as it was.
 */
export async function reportedRun(r: ReportedRun, body: (running: RunningTotals) => Promise<InputTotals>): Promise<void> {
  const running = runningTotals();
  const summary = (totals: InputTotals, notes: string[] = []): void => {
    r.run.progress.stop();
    if (!r.quiet) r.run.stderr.write(formatSummary(totals, r.run.files.length, (r.tail?.(totals) ?? []).concat(notes)));
  };
  const endInterrupted = (r.interrupts ?? whenInterrupted)((signal) => {
    r.out.discard();
    summary(totalsSoFar(running), [interruptedNote(signal, r.out)]);
  });
  try {
    const totals = await body(running);
    // An input not read to its end fails the run (exit 2): its output, partial, does not replace FILE.
    if (running.failed.length > 0) {
      // FILE is left as it was. An output written in place (stdout, /dev/stdout, a FIFO) has had its text already,
      // so it gets the rest: closed, not cut off with writes still on their way.
      if (r.out.replaces) r.out.discard();
      else await r.out.close();
      summary(totals, r.out.replaces ? [`${r.out.replaces} left as it was: an input was not read to its end`] : []);
      return;
    }
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
