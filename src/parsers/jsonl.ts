/**
 * JSON Lines / NDJSON: one JSON object per line (see json-record.ts for what an object may hold).
 *
 * In a scan (a pre-filter is given), a line is first validated on its bytes (json-bytes.ts: one complete, valid JSON
 * object, whitespace around it; the WebAssembly kernel finds its quotes, so that the contents of strings without an
 * escape are skipped, not read, and a line laid out like the first one of its key set is compared with that one's
 * frame, its bytes outside the scalars). A valid line whose keys — every key outside arrays, its depth, whether its value is
 * an object — are byte for byte those of a record JSON.parse already read through the column schema is bound as that
 * record was: when its destination-port value is a plain integer literal of a valid port no rule wants, it is
 * FILTERED without being decoded. Everything else — a line the scan cannot prove valid, a new key set, a port written
 * any other way — goes to JSON.parse (json-record.ts), the reference, whose outcome it would have been anyway.
 * A file whose records the hot path keeps failing to decide is read by JSON.parse alone for a while (MAX_MISSES).
 */
import { DOCUMENT_FORMATS } from './documents/registry.js';
import { flattenedKeys, jsonRecordReader, type JsonRecordReader, type Layout } from './json-record.js';
import { frameOf, JsonObjectScanner, plainPortAt, type ExpectedKeys, type ScannedKeys } from './json-bytes.js';
import { lineLimit } from './lines.js';
import { portTable, pushFiltered } from './prefilter.js';
import { isBlankBytes, lineByLine, toOutcome, type LineFormat, type LineSession, type ParseContext } from './types.js';

/** Key sets the hot path remembers per file (as many as the binding cache: a file with more starts again). */
const MAX_KEY_SETS = 256;
/**
 * Records in a row the hot path scanned without deciding one (every port written as a string, a document format's
 * file…), after which it rests for REST_RECORDS records: the scan would only add its cost to JSON.parse's.
 */
export const MAX_MISSES = 2048;
export const REST_RECORDS = 16384;

/** A key set seen in a record JSON.parse read through the column schema, as bytes, with that record's frame (ExpectedKeys). */
interface KeySet extends ExpectedKeys {
  /** The layout JSON.parse's record bound to. */
  layout: Layout;
  /** Index of the key whose value is the one the pre-filter tests, or -1 when this key set is never decided on bytes. */
  portKey: number;
  /** The hole of `frame` that holds that value (a scalar), or -1: the kernel's block then leaves these records be. */
  portHole: number;
  hash: number;
}

/** A cheap hash of a scanned record's keys (their count, lengths, depths, first and last bytes), to find its key set. */
function keysHash(buf: Buffer, keys: ScannedKeys): number {
  let h = keys.count;
  for (let k = 0; k < keys.count; k++) {
    const start = keys.keyStart(k);
    const end = keys.keyEnd(k);
    h = (Math.imul(h, 31) + (((end - start) << 16) | keys.meta(k))) | 0;
    if (end > start) h = (Math.imul(h, 31) + ((buf[start]! << 8) | buf[end - 1]!)) | 0;
  }
  return h;
}

function copyKeySet(buf: Buffer, start: number, end: number, keys: ScannedKeys, layout: Layout, hash: number): KeySet {
  const n = keys.count;
  const from = new Int32Array(n + 1);
  let total = 0;
  for (let k = 0; k < n; k++) {
    from[k] = total;
    total += keys.keyEnd(k) - keys.keyStart(k);
  }
  from[n] = total;
  const bytes = Buffer.allocUnsafe(total);
  for (let k = 0; k < n; k++) buf.copy(bytes, from[k]!, keys.keyStart(k), keys.keyEnd(k));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  return { count: n, meta: Int32Array.from({ length: n }, (_, k) => keys.meta(k)), from, bytes, view, frame: frameOf(buf, start, end, keys), layout, portKey: -1, portHole: -1, hash };
}

/** Whether the scanned record's keys are `set`'s, byte for byte, at the same depths and with the same object values. */
function sameKeySet(set: KeySet, buf: Buffer, keys: ScannedKeys): boolean {
  const n = set.count;
  if (keys.count !== n) return false;
  const { meta, from, bytes } = set;
  for (let k = 0; k < n; k++) {
    if (keys.meta(k) !== meta[k]) return false;
    const start = keys.keyStart(k);
    const length = keys.keyEnd(k) - start;
    const at = from[k]!;
    if (from[k + 1]! - at !== length) return false;
    for (let j = 0; j < length; j++) if (buf[start + j] !== bytes[at + j]) return false;
  }
  return true;
}

function isArrayIndexLike(name: string): boolean {
  if (name.length === 0) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Which key of a record the pre-filter reads, when records with this key set can be decided on bytes as JSON.parse
 * read this one (`reader.last`): -1 when they cannot — an envelope (`_source`, Splunk `result`), a key a document
 * format claims by, a repeated key or an array-index key (JSON.parse's object would not be the keys as written), a
 * layout that is embedded, no connection or has no destination port, or a port key the record lacks.
 */
function portKeyOf(set: KeySet, last: JsonRecordReader['last'], claimKeys: ReadonlySet<string>): number {
  const { layout, flat } = last;
  if (!layout || !flat || last.unwrapped || layout.embedded || layout.missing.length === 3) return -1;
  const portBinding = layout.bindings.dstPort?.[0];
  if (!portBinding || typeof portBinding.key !== 'string') return -1;
  const n = set.count;
  const names: string[] = [];
  const depths = new Int32Array(n);
  const objects: boolean[] = [];
  const open: Set<string>[] = []; // the keys of each object being read, by depth
  for (let k = 0; k < n; k++) {
    const name = set.bytes.toString('utf8', set.from[k]!, set.from[k + 1]!);
    const depth = set.meta[k]! >> 1;
    const object = (set.meta[k]! & 1) === 1;
    if (isArrayIndexLike(name) || (depth === 1 && claimKeys.has(name))) return -1;
    if (k === 0 || depth > (set.meta[k - 1]! >> 1)) open[depth] = new Set();
    if (open[depth]!.has(name)) return -1;
    open[depth]!.add(name);
    names.push(name);
    depths[k] = depth;
    objects.push(object);
  }
  const flattened = flattenedKeys(names, depths, objects);
  if (flattened.size !== flat.size) return -1;
  const expected = flattened.keys();
  for (const key of flat.keys()) if (expected.next().value !== key) return -1;
  return flattened.get(portBinding.key) ?? -1;
}

/** The hole of the key set's frame its port value is in: the value starts where the segment before it ends. */
function portHoleOf(set: KeySet): number {
  const frame = set.frame;
  if (frame === undefined || set.portKey < 0) return -1;
  const j = frame.valueSegment[set.portKey]!;
  return frame.valueOffset[set.portKey] === frame.from[j + 1]! - frame.from[j]! ? j : -1;
}

function openJsonl(ctx: ParseContext): LineSession {
  const reader = jsonRecordReader(ctx, 'jsonl');
  const parse = (text: string, lineNo: number) => reader.parse(text, lineNo);
  if (!ctx.prefilter || ctx.bytePath === false || !DOCUMENT_FORMATS.every((f) => f.claimKeys)) return lineByLine(parse);
  const wanted = ctx.prefilter.dstPorts;
  const runs = ctx.filteredRuns;
  const claimKeys = new Set(DOCUMENT_FORMATS.flatMap((f) => f.claimKeys!));
  // the session's scan: the record parser's kernel finds the quotes (json-bytes.ts)
  const scanner = new JsonObjectScanner(ctx.scanner);
  const keys = scanner.keys;
  /** The key sets learnt, by keysHash (one per hash: a colliding one replaces it), and the one the last record had. */
  const sets = new Map<number, KeySet>();
  let current: KeySet | undefined;

  /** After JSON.parse read a record the scan validated: remember its key set, or refresh it. */
  const learn = (buf: Buffer, start: number, end: number, known: KeySet | undefined, hash: number) => {
    const layout = reader.last.layout;
    if (!layout || known?.layout === layout) return;
    const set = copyKeySet(buf, start, end, keys, layout, hash);
    set.portKey = portKeyOf(set, reader.last, claimKeys);
    if (set.portKey >= 0) {
      // the port as the bytes give it must be the value JSON.parse read (a check of this module, never expected to fail)
      const port = plainPortAt(buf, keys.valueStart(set.portKey), end);
      if (port >= 0 && reader.last.flat!.get(layout.bindings.dstPort![0]!.key as string) !== port) set.portKey = -1;
    }
    set.portHole = portHoleOf(set);
    if (sets.size >= MAX_KEY_SETS) sets.clear();
    sets.set(hash, set);
    current = set;
  };

  let misses = 0;
  let resting = 0;
  // The kernel's block (FILTERED runs only): records framed like the current key set's, many per call.
  const kernel = runs ? ctx.scanner : undefined;
  const ports = kernel && portTable(wanted);
  const maxLine = lineLimit(ctx);

  return {
    block(buf, start, end, _lineNo, taken) {
      const set = current;
      if (!kernel || resting > 0 || set === undefined || set.portHole < 0) return 0;
      const n = kernel.json(buf, start, end, set.frame!, set.portHole, maxLine, ports!);
      // as push decides a FILTERED record: only once the layout is the one `parse` would use
      if (n <= 0 || !reader.resume(set.layout)) return 0;
      misses = 0;
      return kernel.took(n, taken);
    },
    push(buf, start, end, lineNo, out) {
      if (isBlankBytes(buf, start, end)) return; // blank lines are not records
      if (resting > 0) {
        resting--;
        out.push(toOutcome(parse(buf.toString('utf8', start, end), lineNo), lineNo));
        return;
      }
      // A record the kernel stopped at for its port alone (framed as the current key set) is not FILTERED: it is read
      // as text without being scanned again, nor learnt (its key set is the current one).
      const valid = !kernel?.stoppedAtWantedPort(buf, start) && scanner.scan(buf, start, end, current);
      let known: KeySet | undefined;
      let hash = 0;
      if (valid) {
        if (keys.matched) known = current;
        else {
          hash = keysHash(buf, keys);
          const candidate = sets.get(hash);
          if (candidate && sameKeySet(candidate, buf, keys)) known = current = candidate;
        }
      }
      if (known && known.portKey >= 0) {
        const port = plainPortAt(buf, keys.valueStart(known.portKey), end);
        if (port >= 0 && !wanted.has(port) && reader.resume(known.layout)) {
          pushFiltered(out, lineNo, runs);
          misses = 0;
          return;
        }
      }
      if (++misses === MAX_MISSES) {
        misses = 0;
        resting = REST_RECORDS;
      }
      out.push(toOutcome(parse(buf.toString('utf8', start, end), lineNo), lineNo));
      if (valid) learn(buf, start, end, known, known ? known.hash : hash);
    },
    end() {},
  };
}

export const jsonlFormat: LineFormat = {
  id: 'jsonl',
  kind: 'lines',
  description: 'JSON Lines / NDJSON objects, flat or nested (ECS), incl. dicomwatch\'s own event JSONL',
  recognizedBy: 'first line starts with `{`',
  sniff: (firstLine) => firstLine.trimStart().startsWith('{'),
  open: openJsonl,
};
