/** The listener side of the inventory: saved outputs and live /proc → listeners on DICOM ports, with their scope. */
import { stat } from 'node:fs/promises';
import { readWhole } from '../../io/reader.js';
import type { Readable } from 'node:stream';
import { DicomwatchError } from '../../errors.js';
import { decodeText } from '../text.js';
import type { Listener } from './model.js';
import { parseListenerText, type ListenerReading, type ListenerTextOptions } from './registry.js';

/** Saved outputs are a few megabytes at most; this bounds a wrong file given by mistake. */
export const MAX_LISTENER_FILE_BYTES = 256 << 20;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += buf.length;
    if (size > MAX_LISTENER_FILE_BYTES) throw new Error(`larger than ${MAX_LISTENER_FILE_BYTES >> 20} MiB`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

/**
 * One saved output: a path (`-` for stdin), or bytes. gzip, BOMs and UTF-16 are undone (decodeText). A file that
 * cannot be read is a DicomwatchError INPUT_UNREADABLE naming it; bad lines are counted in the reading.
 */
export async function readListenerFile(source: string | Uint8Array, options: ListenerTextOptions & { stdin?: Readable } = {}): Promise<ListenerReading> {
  const file = options.file ?? (typeof source === 'string' ? source : 'input');
  let bytes: Uint8Array;
  try {
    if (typeof source !== 'string') bytes = source;
    else if (source === '-') bytes = await readAll(options.stdin ?? process.stdin);
    else {
      const st = await stat(source);
      if (st.isFile() && st.size > MAX_LISTENER_FILE_BYTES) throw new Error(`larger than ${MAX_LISTENER_FILE_BYTES >> 20} MiB`);
      bytes = await readWhole(source, MAX_LISTENER_FILE_BYTES);
    }
  } catch (e) {
    throw new DicomwatchError('INPUT_UNREADABLE', `${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, file);
  }
  let text: string;
  try {
    text = decodeText(bytes);
  } catch (e) {
    throw new DicomwatchError('INPUT_UNREADABLE', `${file}: cannot decode (${(e as Error).message})`, file);
  }
  return parseListenerText(text, { ...options, file });
}

/** The listeners on `ports`. */
export function onPorts(listeners: readonly Listener[], ports: readonly number[]): Listener[] {
  const set = new Set(ports);
  return listeners.filter((l) => set.has(l.port));
}

function compare(a: Listener, b: Listener): number {
  const host = (a.host ?? '').localeCompare(b.host ?? '');
  if (host !== 0) return host;
  if (a.port !== b.port) return a.port - b.port;
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0;
}

/**
 * One listener per (host, address, port): the same socket seen twice (lsof prints a line per process holding it;
 * two tools' outputs for one host) keeps its first source and the lowest PID with that PID's process. Sorted by host,
 * port, address.
 */
export function mergeListeners(listeners: readonly Listener[]): Listener[] {
  const byKey = new Map<string, Listener>();
  for (const l of listeners) {
    const key = `${l.host ?? ''}\u0000${l.address}\u0000${l.port}`;
    const seen = byKey.get(key);
    if (!seen) {
      byKey.set(key, { ...l });
      continue;
    }
    if (l.pid !== undefined && (seen.pid === undefined || l.pid < seen.pid)) {
      seen.pid = l.pid;
      if (l.process !== undefined) seen.process = l.process;
      else delete seen.process;
    }
    if (seen.process === undefined && l.process !== undefined && seen.pid === l.pid) seen.process = l.process;
    seen.user ??= l.user;
  }
  return [...byKey.values()].sort(compare);
}

/** A finding for `--fail-on-finding`: a DICOM listener reachable from some network (not loopback-only). */
export function isListenerFinding(l: Listener): boolean {
  return l.verdict === 'reachable';
}

export { parseListenerText, hostFromFileName, LISTENER_FORMATS, type ListenerReading, type ListenerProblem, type ListenerTextOptions } from './registry.js';
export { readProcListeners, type ProcOptions, type ProcReading } from './proc.js';
export {
  bindAddress, listenerJsonObject, scopeOf, splitEndpoint, verdictOf, verdictText, LISTENER_KEYS, type Listener, type Scope, type Verdict,
} from './model.js';
