/** `dicomwatch inventory`'s run, loaded by its handler (inventory.ts) only when the command runs. */
import { DicomwatchError } from '../../errors.js';
import {
  compareEntries, createTrafficInventory, dicomPorts, inventoryLines, isInventoryFinding, mergeNmapEntry, readKnownAssets, readNmap,
  type InventoryEntry, type KnownAssets,
} from '../../inventory/index.js';
import { createClassifier } from '../../net/classify.js';
import { inputFiles, inputRun, reportedRun } from '../context.js';
import { checkReadable, forEachEvent, MAX_PRINTED_ERRORS } from '../inputs.js';
import { BufferedOutput, openOutput } from '../io.js';
import { UsageError } from '../options.js';
import { parseAllow, parseCidrs, parsePorts, parseSemantics } from '../validate.js';
import type { InventoryArgs } from './inventory.js';
import { outputFor, writeLines } from './listeners-run.js';

async function knownFrom(path: string | undefined): Promise<KnownAssets | undefined> {
  if (path === undefined) return undefined;
  try {
    return await readKnownAssets(path);
  } catch (e) {
    if (e instanceof DicomwatchError) throw new UsageError(`--known: ${e.message.replace(/^known: /, '')}`);
    throw e;
  }
}

export async function runInventory(args: InventoryArgs): Promise<void> {
  const extra = parsePorts(args.ports) ?? [];
  const ports = dicomPorts(extra);
  const internal = parseCidrs('internal', args.internal);
  const allow = parseAllow(args.allow);
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
  // One entry per address over all the nmap files, as within one (a scan repeated, or a file given twice).
  const nmapByIp = new Map<string, InventoryEntry>();
  let nmapFailed = 0;
  const notes: string[] = [];
  for (const file of nmapFiles) {
    try {
      const r = await readNmap(file, { ports: extra, classifier, scannedFromOutside: args.scannedFromOutside, ...(known ? { known } : {}) });
      for (const p of r.problems.slice(0, MAX_PRINTED_ERRORS)) process.stderr.write(`${file}: host element ${p.line}: MALFORMED: ${p.message}\n`);
      for (const e of r.entries) {
        const seen = nmapByIp.get(e.ip);
        if (seen) mergeNmapEntry(seen, e);
        else nmapByIp.set(e.ip, e);
      }
      notes.push(`${file}: ${r.hosts} hosts, ${r.entries.length} with open DICOM ports${r.problems.length ? `, ${r.problems.length} malformed` : ''}`);
    } catch (e) {
      if (!(e instanceof DicomwatchError)) throw e;
      process.stderr.write(`dicomwatch: ${e.message}\n`);
      nmapFailed++;
    }
  }
  entries.push(...nmapByIp.values());
  const findings = () => entries.filter(isInventoryFinding).length;
  const describeEntries = () => {
    const exposed = entries.filter((e) => e.exposed).length;
    const unknown = entries.filter((e) => e.known === false).length;
    return `${entries.length} DICOM servers (${exposed} exposed${known ? `, ${unknown} not on ${args.known}` : ''})`;
  };
  const out = openOutput(args.out);
  if (files.length === 0) {
    entries.sort(compareEntries);
    await writeLines(out, inventoryLines(entries, output), (more) => {
      if (!args.quiet) process.stderr.write(`dicomwatch: ${[...notes, describeEntries(), ...more].join('; ')}\n`);
    });
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
