/** `dicomwatch inventory`: its yargs definition; the run itself (inventory-run.ts) is loaded when the command runs. */
import type { Argv } from 'yargs';
import { INVENTORY_OUTPUTS, type InventoryOutput } from '../../inventory/output-names.js';
import type { InputArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { withInputOptions } from '../options.js';

export const command = 'inventory [files..]';
export const describe = 'DICOM servers seen accepting connections in the logs, or open in nmap XML (--nmap); exposed and unregistered (--known)';

export const examples: readonly Example[] = [
  ['$0 inventory fixtures/inventory/traffic.csv', 'internal hosts that accepted DICOM connections, exposed ones first'],
  ['$0 inventory fw.log.gz --known assets.csv --fail-on-finding', 'exit 1 on an exposed or unregistered server'],
  ['$0 inventory --nmap scan.xml --known assets.csv', 'hosts with open DICOM ports in an nmap scan (-oX), with dicom-ping\'s answer'],
];

export function builder(y: Argv) {
  return withInputOptions(y)
    .option('nmap', { type: 'string', array: true, nargs: 1, describe: 'nmap XML (nmap -oX), repeatable: hosts with open DICOM ports' })
    .option('known', { type: 'string', describe: 'asset list CSV with an IP column: servers not on it are known: false' })
    .option('scanned-from-outside', { type: 'boolean', default: false, describe: 'the nmap scan ran from outside the network: every host it found is exposed' })
    .option('ports', { type: 'string', array: true, nargs: 1, describe: 'more DICOM ports, added to 104,11112,2761,2762,4242 (repeatable)' })
    .option('internal', { type: 'string', array: true, nargs: 1, describe: 'extra internal CIDR, IPv4 or IPv6 (repeatable)' })
    .option('allow', { type: 'string', array: true, nargs: 1, describe: 'trusted external source CIDR: connections from it do not make a server exposed (repeatable)' })
    .option('semantics', { choices: ['strict', 'kql'] as const, default: 'strict' as const, describe: 'what "external" means, as in scan' })
    .option('output', { alias: 'o', choices: INVENTORY_OUTPUTS, describe: 'table, jsonl or csv (default: from --out\'s extension, else table on a terminal and jsonl in a pipe)' })
    .option('fail-on-finding', { type: 'boolean', default: false, describe: 'exit 1 when a server is exposed or not on the --known list' })
    .epilogue(examplesText(examples));
}

export interface InventoryArgs extends InputArgs {
  nmap?: string[];
  known?: string;
  scannedFromOutside: boolean;
  ports?: string[];
  internal?: string[];
  allow?: string[];
  semantics: string;
  output?: InventoryOutput;
  out?: string;
  failOnFinding: boolean;
}

export async function handler(args: InventoryArgs): Promise<void> {
  const { runInventory } = await import('./inventory-run.js');
  await runInventory(args);
}
