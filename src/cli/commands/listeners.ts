/** `dicomwatch listeners`: its yargs definition; the run itself (listeners-run.ts) is loaded when the command runs. */
import type { Argv } from 'yargs';
import { INVENTORY_OUTPUTS, type InventoryOutput } from '../../inventory/output-names.js';
import { examplesText, type Example } from '../help.js';

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
    .option('ports', { type: 'string', array: true, nargs: 1, describe: 'more DICOM ports, added to 104,11112,2761,2762,4242 (e.g. 8042,4006; repeatable)' })
    .option('all-ports', { type: 'boolean', default: false, describe: 'every listening TCP socket, not only DICOM ports' })
    .option('host', { type: 'string', describe: 'host name for inputs that do not name one (default: from the file name; live: this machine)' })
    .option('output', { alias: 'o', choices: INVENTORY_OUTPUTS, describe: 'table, jsonl or csv (default: from --out\'s extension, else table on a terminal and jsonl in a pipe)' })
    .option('out', { type: 'string', describe: 'write results to FILE instead of stdout' })
    .option('fail-on-finding', { type: 'boolean', default: false, describe: 'exit 1 when a DICOM listener is reachable (bound to all interfaces or a non-loopback address)' })
    .option('proc', { type: 'string', default: '/proc', hidden: true, describe: 'the proc file system to read (tests)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing on stderr but errors' })
    .epilogue(examplesText(examples));
}

export interface ListenersArgs {
  files?: string[];
  ports?: string[];
  allPorts: boolean;
  host?: string;
  output?: InventoryOutput;
  out?: string;
  failOnFinding: boolean;
  proc: string;
  quiet: boolean;
}

export async function handler(args: ListenersArgs): Promise<void> {
  const { runListeners } = await import('./listeners-run.js');
  await runListeners(args);
}
