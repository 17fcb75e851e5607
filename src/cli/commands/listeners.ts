import { extname } from 'node:path';
import type { Argv } from 'yargs';
import { DicomwatchError } from '../../errors.js';
import {
  dicomPorts, INVENTORY_OUTPUTS, isListenerFinding, listenerLines, mergeListeners, onPorts, readListenerFile, readProcListeners,
  type InventoryOutput, type ListenerReading, type ProcReading,
} from '../../inventory/index.js';
import { examplesText, type Example } from '../help.js';
import { checkReadable, MAX_PRINTED_ERRORS } from '../inputs.js';
import { BufferedOutput, openOutput, type Output } from '../io.js';
import { parsePorts, UsageError } from '../options.js';

export const command = 'listeners [files..]';
export const describe = 'sockets listening on DICOM ports: live from /proc (Linux), or saved ss, netstat, lsof, PowerShell output';

export const examples: readonly Example[] = [
  ['$0 listeners', 'this Linux machine, from /proc/net/tcp{,6} and /proc/*/fd (run as root to see every process)'],
  ['$0 listeners pacs01-ss.txt ws07-netstat.txt fleet.csv', 'saved outputs; the host is the file name\'s (pacs01, ws07) or the file\'s host column'],
  ['$0 listeners --ports 8042 --fail-on-finding --output jsonl', 'a scheduled check: exit 1 when a DICOM port is reachable'],
];


export function builder(y: Argv) {
  return y
    .positional('files', { type: 'string', array: true, describe: 'saved outputs (plain or .gz, UTF-8 or UTF-16); - for stdin; none: this machine\'s /proc' })
    .option('ports', { type: 'string', describe: 'more DICOM ports, added to 104,11112,2761,2762,4242 (e.g. 8042,4006)' })
    .option('all-ports', { type: 'boolean', default: false, describe: 'every listening TCP socket, not only DICOM ports' })
    .option('host', { type: 'string', describe: 'host name for inputs that do not name one (default: from the file name; live: this machine)' })
    .option('output', { alias: 'o', choices: INVENTORY_OUTPUTS, describe: 'table, jsonl or csv (default: from --out\'s extension, else table on a terminal and jsonl in a pipe)' })
    .option('out', { type: 'string', describe: 'write results to FILE instead of stdout' })
    .option('fail-on-finding', { type: 'boolean', default: false, describe: 'exit 1 when a DICOM listener is reachable (bound to all interfaces or a non-loopback address)' })
    .option('proc', { type: 'string', default: '/proc', hidden: true, describe: 'the proc file system to read (tests)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing on stderr but errors' })
    .epilogue(examplesText(examples));
}

/** --output, else --out's extension, else a table for a terminal and JSON Lines for a pipe. */
export function outputFor(explicit: InventoryOutput | undefined, out: string | undefined, tty: boolean): InventoryOutput {
  if (explicit) return explicit;
  if (!out || out === '-') return tty ? 'table' : 'jsonl';
  const ext = extname(out).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : ext === '.csv' ? 'csv' : 'table';
}

/** Write lines and close; the output is left as it was when writing fails. */
export async function writeLines(out: Output, lines: Iterable<string>): Promise<void> {
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
    throw e;
  }
}

function count(map: Record<string, number>): string {
  const parts = Object.entries(map).map(([why, n]) => `${why} ${n}`);
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

interface ListenersArgs {
  files?: string[];
  ports?: string;
  allPorts: boolean;
  host?: string;
  output?: InventoryOutput;
  out?: string;
  failOnFinding: boolean;
  proc: string;
  quiet: boolean;
}

export async function handler(args: ListenersArgs): Promise<void> {
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
  await writeLines(out, listenerLines(shown, output));
  if (!args.quiet) {
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
      parts.push('stdin has no host: give --host');
    }
    process.stderr.write(`${parts.join(', ')}\n`);
  }
  if (failed > 0) process.exitCode = 2;
  else if (args.failOnFinding && shown.some(isListenerFinding)) process.exitCode = 1;
}
