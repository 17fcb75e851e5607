/**
 * Ctrl-C (and SIGTERM, SIGHUP) for the CLI process: the running command reports what it did so far, then the process
 * exits 128 + the signal's number, as a shell reports a command killed by it (130 for Ctrl-C). Exiting through
 * process.exit runs the 'exit' hooks, so an unfinished `--out` temp file is removed and FILE keeps its old content.
 *
 * A command that runs until it is told to stop (`collect`) takes the signal as its normal end instead
 * (`whenStopRequested`): the first signal asks it to stop and finish its work, and it exits as it decides (0 when
 * everything was flushed); a second signal while it finishes exits at once, 128 + the signal's number.
 */
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof SIGNALS)[number];

/** The exit status after `signal`: 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export function interruptedStatus(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/** The running command's last words; one command runs per process. */
let report: ((signal: InterruptSignal) => void) | undefined;
/** A command that stops on a signal rather than being interrupted by it. */
let stopRequest: ((signal: InterruptSignal) => void) | undefined;

/** Installed once by main: without it a signal kills the process before any cleanup or summary. */
export function exitOnInterrupt(): void {
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      const stop = stopRequest;
      if (stop) {
        stopRequest = undefined; // the next signal exits at once
        stop(signal);
        return;
      }
      const last = report;
      report = undefined; // a second Ctrl-C while reporting just exits
      try {
        // A command with no summary yet (rules, an asset list, an nmap scan still loading; listeners) says it stopped.
        if (last) last(signal);
        else process.stderr.write(`dicomwatch: interrupted (${signal})\n`);
      } finally {
        process.exit(interruptedStatus(signal));
      }
    });
  }
}

/** Until the returned function is called, an interrupt first calls `onInterrupt` (synchronously: the process exits right after). */
export function whenInterrupted(onInterrupt: (signal: InterruptSignal) => void): () => void {
  report = onInterrupt;
  return () => {
    if (report === onInterrupt) report = undefined;
  };
}

/**
 * Until the returned function is called, the first interrupt calls `onStop` and the process goes on (the command
 * stops, flushes and exits by itself); a second one exits at once with 128 + its number.
 */
export function whenStopRequested(onStop: (signal: InterruptSignal) => void): () => void {
  stopRequest = onStop;
  return () => {
    if (stopRequest === onStop) stopRequest = undefined;
  };
}
