/**
 * Inventory and audit (issue 14): which hosts listen on DICOM ports (live /proc or saved ss/netstat/lsof/PowerShell
 * output), which DICOM servers nmap and the traffic reveal, and which of them are exposed or missing from the asset
 * list. Pure parsers and accumulators; I/O only in the readers (readListenerFile, readProcListeners, readNmap,
 * inventory()).
 */
import { readWhole } from '../io/reader.js';
import type { InputSource } from '../io/reader.js';
import { DicomwatchError } from '../errors.js';
import { parse, type ParseOptions } from '../pipeline.js';
import { addInfo, emptyInfo, type ParserInfo } from '../parsers/record-parser.js';
import { parseKnownAssets, type KnownAssets } from './known.js';
import { createTrafficInventory, type InventoryEntry, type InventoryPolicy, type TrafficInfo } from './traffic.js';

export interface InventoryOptions extends InventoryPolicy, Omit<ParseOptions, 'name' | 'onOutcome' | 'prefilter'> {}

export interface InventoryResult {
  entries: InventoryEntry[];
  traffic: TrafficInfo;
  /** Every input's record counters added up. */
  info: ParserInfo;
  /** Inputs that could not be read to their end, with why (what was read still counts). */
  failed: { name: string; error: Error }[];
}

/**
 * What `dicomwatch inventory LOGS…` does, as a function: every input through `parse` (any format `scan` reads,
 * without the port pre-filter: answers FROM a DICOM port matter too), into the traffic accumulator.
 */
export async function inventory(sources: InputSource | readonly InputSource[], options: InventoryOptions = {}): Promise<InventoryResult> {
  const { ports, semantics, internal, allow, known, ...read } = options;
  const acc = createTrafficInventory({
    ...(ports ? { ports } : {}), ...(semantics ? { semantics } : {}), ...(internal ? { internal } : {}), ...(allow ? { allow } : {}), ...(known ? { known } : {}),
  });
  const list = Array.isArray(sources) ? (sources as readonly InputSource[]) : [sources as InputSource];
  const info = emptyInfo();
  const failed: InventoryResult['failed'] = [];
  const flowState = read.flowState ?? {};
  for (const [i, source] of list.entries()) {
    const name = typeof source === 'string' ? source : `input ${i + 1}`;
    const events = parse(source, { ...read, flowState, name });
    try {
      for await (const e of events) acc.push(e);
    } catch (e) {
      failed.push({ name, error: e instanceof Error ? e : new Error(String(e)) });
    }
    addInfo(info, events.info);
  }
  return { entries: acc.entries(), traffic: acc.info, info, failed };
}

/** Read an asset list (`--known`): a path or bytes. */
export async function readKnownAssets(source: string | Uint8Array): Promise<KnownAssets> {
  if (typeof source !== 'string') return parseKnownAssets(source, 'input');
  let bytes: Buffer;
  try {
    bytes = await readWhole(source);
  } catch (e) {
    throw new DicomwatchError('INPUT_UNREADABLE', `${source}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, source);
  }
  return parseKnownAssets(bytes, source);
}

export { parseKnownAssets, type KnownAssets } from './known.js';
export {
  createTrafficInventory, compareEntries, inventoryJsonObject, isInventoryFinding, INVENTORY_KEYS,
  type InventoryEntry, type InventoryPolicy, type NmapService, type TrafficInfo, type TrafficInventory,
} from './traffic.js';
export { mergeNmapEntry, readNmap, readNmapChunks, nmapHostEntry, type NmapOptions, type NmapReading } from './nmap.js';
export { DICOM_PORTS, DICOM_SERVICE_NAMES, dicomPorts } from './ports.js';
export { decodeText } from './text.js';
export { inventoryLines, listenerLines, INVENTORY_OUTPUTS, type InventoryOutput } from './output.js';
export * from './listeners/index.js';
