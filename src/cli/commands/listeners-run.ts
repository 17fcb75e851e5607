/** `dicomwatch listeners`' run, loaded by its handler (listeners.ts) only when the command runs. */
import { extname } from 'node:path';
import { DicomwatchError } from '../../errors.js';
// The listener modules, not the inventory's index: that one also loads the log pipeline, which listeners never use.
import {
  isListenerFinding, mergeListeners, onPorts, readListenerFile, readProcListeners, type ListenerReading, type ProcReading,
} from '../../inventory/listeners/index.js';
import { listenerLines, type InventoryOutput } from '../../inventory/output.js';
import { dicomPorts } from '../../inventory/ports.js';
import { checkReadable, MAX_PRINTED_ERRORS } from '../inputs.js';
import { BufferedOutput, openOutput, OutputError, type Output } from '../io.js';
import { UsageError } from '../options.js';
import { parsePorts } from '../validate.js';
import type { ListenersArgs } from './listeners.js';

/** --output, else --out's extension, else a table for a terminal and JSON Lines for a pipe. */
export function outputFor(explicit: InventoryOutput | undefined, out: string | undefined, tty: boolean): InventoryOutput {
  if (explicit) return explicit;
  if (!out || out === '-') return tty ? 'table' : 'jsonl';
  const ext = extname(out).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : ext === '.csv' ? 'csv' : 'table';
}

/**
 * Write lines and close, then the summary on stderr (`summary` gets the notes to add): also when writing fails, as
 * scan's summary is, before the OutputError goes on to main (exit 3, or 0 for a reader that closed stdout early).
 * The output is left as it was when writing fails.
 */
export async function writeLines(out: Output, lines: Iterable<string>, summary: (notes: string[]) => void): Promise<void> {
  try {
    const buffered = new BufferedOutput(out);
    for (const line of lines) {
      const pending = buffered.line(line);
      if (pending) await pending;
    }
    await buffered.flush();
    await out.close();
  } catch (e) {
    out.discard();
    if (e instanceof OutputError) summary(e.closedByReader ? [`output stopped early: the reader of ${e.output} closed it`] : []);
    throw e;
  }
  summary([]);
}

function count(map: Record<string, number>): string {
  const parts = Object.entries(map).map(([why, n]) => `${why} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

export async function runListeners(args: ListenersArgs): Promise<void> {
  const ports = dicomPorts(parsePorts(args.ports) ?? []);
  const files = (args.files ?? []).filter((f) => f !== null && f !== undefined).map(String);
  await checkReadable(files);
  const output = outputFor(args.output, args.out, process.stdout.isTTY === true);
  const out = openOutput(args.out);
  const readings: ListenerReading[] = [];
  let failed = 0;
  let live: ProcReading | undefined;
  if (files.length === 0) {
    try {
      live = readProcListeners({ root: args.proc, ...(args.host !== undefined ? { host: args.host } : {}) });
    } catch (e) {
      out.discard();
      if (e instanceof DicomwatchError) throw new UsageError(`listeners: ${e.message}`);
      throw e;
    }
    readings.push(live);
  } else {
    for (const file of files) {
      try {
        const reading = await readListenerFile(file, { ...(args.host !== undefined ? { host: args.host } : {}) });
        // Lines none of the tools wrote: the wrong file, not a host without listeners (an audit must not pass on it).
        if (reading.formats.length === 0 && reading.records > 0) {
          process.stderr.write(`dicomwatch: ${file}: not the saved output of a known tool (ss, netstat, lsof, PowerShell Get-NetTCPConnection, /proc/net/tcp): none of its ${reading.records} lines is a socket line\n`);
          failed++;
          continue;
        }
        readings.push(reading);
      } catch (e) {
        if (!(e instanceof DicomwatchError)) throw e;
        process.stderr.write(`dicomwatch: ${e.message}\n`);
        failed++;
      }
    }
  }
  for (const r of readings) {
    r.problems.slice(0, MAX_PRINTED_ERRORS).forEach((p) => process.stderr.write(`${r.file}:${p.line}: MALFORMED: ${p.message}\n`));
    if (r.problems.length > MAX_PRINTED_ERRORS) process.stderr.write(`${r.file}: ${r.problems.length - MAX_PRINTED_ERRORS} more malformed lines; only counted\n`);
  }
  const all = mergeListeners(readings.flatMap((r) => r.listeners));
  const shown = args.allPorts ? all : onPorts(all, ports);
  const summary = (notes: string[]) => {
    if (args.quiet) return;
    const records = readings.reduce((n, r) => n + r.records, 0);
    const skippedBy: Record<string, number> = {};
    for (const r of readings) for (const [k, v] of Object.entries(r.skippedBy)) skippedBy[k] = (skippedBy[k] ?? 0) + v;
    const formats = [...new Set(readings.flatMap((r) => r.formats))];
    const reachable = shown.filter(isListenerFinding).length;
    const parts = [
      `dicomwatch: ${live ? `${args.proc}/net/tcp{,6}` : `${files.length} file${files.length === 1 ? '' : 's'}${failed ? ` (${failed} not read)` : ''}`}, ${records} records read: ` +
        `${readings.reduce((n, r) => n + r.listeners.length, 0)} listening TCP sockets${formats.length ? ` (${formats.join(', ')})` : ''}`,
      `${readings.reduce((n, r) => n + r.skipped, 0)} skipped${count(skippedBy)}`,
      `${readings.reduce((n, r) => n + r.errors, 0)} malformed`,
      `${shown.length} ${args.allPorts ? 'listeners' : `on DICOM ports (${ports.join(',')})`}: ${reachable} reachable, ${shown.length - reachable} contained`,
    ];
    if (live && (live.unmapped > 0 || live.processesDenied > 0)) {
      const why = live.processesDenied > 0
        ? `${live.processesDenied} processes not readable: run as root to see them all`
        : 'held by no process visible here: another PID namespace, or the kernel';
      parts.push(`process unknown for ${live.unmapped} socket${live.unmapped === 1 ? '' : 's'} (${why})`);
    }
    if (files.length > 0 && args.host === undefined && readings.some((r) => r.listeners.some((l) => l.host === undefined))) {
      parts.push('stdin or a pipe has no host: give --host');
    }
    process.stderr.write(`${[...parts, ...notes].join(', ')}\n`);
  };
  await writeLines(out, listenerLines(shown, output), summary);
  if (failed > 0) process.exitCode = 2;
  else if (args.failOnFinding && shown.some(isListenerFinding)) process.exitCode = 1;
}
