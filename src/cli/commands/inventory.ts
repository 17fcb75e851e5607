import type { Argv } from 'yargs';
import { DicomwatchError } from '../../errors.js';
import {
  compareEntries, createTrafficInventory, dicomPorts, INVENTORY_OUTPUTS, inventoryLines, isInventoryFinding, readKnownAssets, readNmap,
  type InventoryEntry, type InventoryOutput, type KnownAssets,
} from '../../inventory/index.js';
import { createClassifier } from '../../net/classify.js';
import { inputFiles, inputRun, reportedRun, type InputArgs } from '../context.js';
import { examplesText, type Example } from '../help.js';
import { checkReadable, forEachEvent, MAX_PRINTED_ERRORS } from '../inputs.js';
import { BufferedOutput, openOutput } from '../io.js';
import { parseCidrs, parsePorts, parseSemantics, UsageError, withInputOptions } from '../options.js';
import { outputFor, writeLines } from './listeners.js';

export const command = 'inventory [files..]';
export const describe = 'DICOM servers seen accepting connections in the logs, or open in nmap XML (--nmap); exposed and unregistered (--known)';

export const examples: readonly Example[] = [
  ['$0 inventory fixtures/inventory/traffic.csv', 'internal hosts that accepted DICOM connections, exposed ones first'],
  ['$0 inventory fw.log.gz --known assets.csv --fail-on-finding', 'exit 1 on an exposed or unregistered server'],
  ['$0 inventory --nmap scan.xml --known assets.csv', 'hosts with open DICOM ports in an nmap scan (-oX), with dicom-ping\'s answer'],
];

export function builder(y: Argv) {
  return withInputOptions(y)
    .option('nmap', { type: 'string', array: true, describe: 'nmap XML (nmap -oX), repeatable: hosts with open DICOM ports' })
    .option('known', { type: 'string', describe: 'asset list CSV with an IP column: servers not on it are known: false' })
    .option('scanned-from-outside', { type: 'boolean', default: false, describe: 'the nmap scan ran from outside the network: every host it found is exposed' })
    .option('ports', { type: 'string', describe: 'more DICOM ports, added to 104,11112,2761,2762,4242' })
    .option('internal', { type: 'string', array: true, describe: 'extra internal CIDR, IPv4 or IPv6 (repeatable)' })
    .option('allow', { type: 'string', array: true, describe: 'trusted external source CIDR: connections from it do not make a server exposed (repeatable)' })
    .option('semantics', { choices: ['strict', 'kql'] as const, default: 'strict' as const, describe: 'what "external" means, as in scan' })
    .option('output', { alias: 'o', choices: INVENTORY_OUTPUTS, describe: 'table, jsonl or csv (default: from --out\'s extension, else table on a terminal and jsonl in a pipe)' })
    .option('fail-on-finding', { type: 'boolean', default: false, describe: 'exit 1 when a server is exposed or not on the --known list' })
    .epilogue(examplesText(examples));
}

interface InventoryArgs extends InputArgs {
  nmap?: string[];
  known?: string;
  scannedFromOutside: boolean;
  ports?: string;
  internal?: string[];
  allow?: string[];
  semantics: string;
  output?: InventoryOutput;
  out?: string;
  failOnFinding: boolean;
}

async function knownFrom(path: string | undefined): Promise<KnownAssets | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readKnownAssets(path);
  } catch (e) {
    if (e instanceof DicomwatchError) throw new UsageError(`--known: ${e.message.replace(/^known: /, '')}`);
    throw e;
  }
}

export async function handler(args: InventoryArgs): Promise<void> {
  const extra = parsePorts(args.ports) ?? [];
  const ports = dicomPorts(extra);
  const internal = parseCidrs('internal', args.internal);
  const allow = parseCidrs('allow', args.allow);
  const semantics = parseSemantics(args.semantics);
  const nmapFiles = (args.nmap ?? []).map(String);
  // With --nmap alone, stdin is not read; with no input at all, stdin is when it is not a terminal.
  const given = inputFiles(args.files, true); // the files named, if any
  const files = given.length > 0 || nmapFiles.length === 0 ? inputFiles(args.files) : [];
  if (files.length === 0 && nmapFiles.length === 0) throw new UsageError('inventory: give log files, - for stdin, or --nmap scan.xml');
  await checkReadable([...nmapFiles, ...(args.known !== undefined ? [args.known] : [])]);
  const known = await knownFrom(args.known);
  const output = outputFor(args.output, args.out, process.stdout.isTTY === true);
  const classifier = createClassifier({ semantics, internal });
  const entries: InventoryEntry[] = [];
  let nmapFailed = 0;
  const notes: string[] = [];
  for (const file of nmapFiles) {
    try {
      const r = await readNmap(file, { ports: extra, classifier, scannedFromOutside: args.scannedFromOutside, ...(known ? { known } : {}) });
      for (const p of r.problems.slice(0, MAX_PRINTED_ERRORS)) process.stderr.write(`${file}: host element ${p.line}: MALFORMED: ${p.message}\n`);
      entries.push(...r.entries);
      notes.push(`${file}: ${r.hosts} hosts, ${r.entries.length} with open DICOM ports${r.problems.length ? `, ${r.problems.length} malformed` : ''}`);
    } catch (e) {
      if (!(e instanceof DicomwatchError)) throw e;
      process.stderr.write(`dicomwatch: ${e.message}\n`);
      nmapFailed++;
    }
  }
  const findings = () => entries.filter(isInventoryFinding).length;
  const describeEntries = () => {
    const exposed = entries.filter((e) => e.exposed).length;
    const unknown = entries.filter((e) => e.known === false).length;
    return `${entries.length} DICOM servers (${exposed} exposed${known ? `, ${unknown} not on ${args.known}` : ''})`;
  };
  const out = openOutput(args.out);
  if (files.length === 0) {
    entries.sort(compareEntries);
    await writeLines(out, inventoryLines(entries, output));
    if (!args.quiet) process.stderr.write(`dicomwatch: ${[...notes, describeEntries()].join('; ')}\n`);
  } else {
    // Answers FROM a DICOM port are evidence too: no port pre-filter.
    const run = inputRun(args, files);
    const acc = createTrafficInventory({ ports: extra, semantics, internal, allow, ...(known ? { known } : {}) });
    const t = acc.info;
    const tail = () => [
      `${t.toDicomPorts} events to DICOM ports (${ports.join(',')}): ${t.allowed} allowed, ${t.refused} refused, ${t.unconfirmed} without an action (not evidence alone)`,
      `${t.answered} answers from DICOM ports`,
      ...(t.externalServer > 0 ? [`${t.externalServer} accepted by servers that are not internal (not listed)`] : []),
      ...notes,
      describeEntries(),
    ];
    await reportedRun({ run, out, quiet: args.quiet, tail }, async (running) => {
      const totals = await forEachEvent(run, (e) => acc.push(e), running);
      run.progress.stop();
      entries.push(...acc.entries());
      entries.sort(compareEntries);
      const lines = new BufferedOutput(out);
      for (const line of inventoryLines(entries, output)) {
        const pending = lines.line(line);
        if (pending) await pending;
      }
      await lines.flush();
      return totals;
    });
  }
  if (nmapFailed > 0) process.exitCode = 2;
  if (!process.exitCode && args.failOnFinding && findings() > 0) process.exitCode = 1;
}
