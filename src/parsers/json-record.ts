/**
 * One JSON object → event, shared by the JSON formats (JSON Lines, JSON arrays). Objects may be flat
 * (`{"SourceIP": …}`) or nested ECS-style (`{"source": {"ip": …}}`); dicomwatch's own events keep their provenance
 * (format, file, line), so `dicomwatch parse … | dicomwatch scan -` reports the original records.
 */
import type { NetworkEvent } from '../model/event.js';
import {
  bindColumns, columnReport, eventFromRecord, missingRequired, recordContext, GENERIC_SCHEMA, type Bindings, type ColumnSchema, type SourceField,
} from './fields.js';
import { documentDispatcher, NOT_MINE, type DocumentContext, type DocumentFormat } from './documents/document.js';
import { DOCUMENT_FORMATS } from './documents/registry.js';
import { embeddedLayout, embeddedLineParser, type EmbeddedLayout } from './embedded.js';
import { messageTime } from './syslog/family.js';
import { FILTERED, recordPrefilter } from './prefilter.js';
import { fail, isRejection, skip, type ParseContext, type ParseResult } from './types.js';

const MAX_DEPTH = 4;
const MAX_KEYS = 2000;
const BINDING_CACHE_SIZE = 256;

/**
 * Flatten nested objects into lower-cased dotted keys (`source.ip`); arrays and deep levels are left out. False when
 * the object has more than MAX_KEYS keys to keep (`into` then holds the first MAX_KEYS).
 */
function flatten(obj: Record<string, unknown>, into: Map<string, unknown>, prefix: string, depth: number): boolean {
  for (const key in obj) {
    const value = obj[key];
    const path = prefix + key.toLowerCase();
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      if (depth < MAX_DEPTH && !flatten(value as Record<string, unknown>, into, `${path}.`, depth + 1)) return false;
    } else if (!into.has(path)) {
      if (into.size >= MAX_KEYS) return false;
      into.set(path, value);
    }
  }
  return true;
}

/**
 * What `flatten` makes of an object known only by its keys: `names[k]` in pre-order (document order, an object's
 * keys right after the key that holds it), `depths[k]` (1 for the top level) and `objects[k]` (whether key k's value
 * is an object). Returns flattened key → index of the key it comes from, in `flatten`'s order. Exact when no object
 * repeats a key and no key is an array index (JavaScript orders those first): callers check both.
 */
export function flattenedKeys(names: readonly string[], depths: ArrayLike<number>, objects: ArrayLike<boolean>): Map<string, number> {
  const into = new Map<string, number>();
  const prefixes: string[] = [''];
  let skipBelow = Infinity; // inside an object `flatten` does not descend into (deeper than MAX_DEPTH)
  for (let k = 0; k < names.length; k++) {
    const depth = depths[k]!;
    if (depth > skipBelow) continue;
    skipBelow = Infinity;
    if (into.size >= MAX_KEYS) break;
    const path = prefixes[depth - 1]! + names[k]!.toLowerCase();
    if (objects[k]) {
      if (depth < MAX_DEPTH) prefixes[depth] = `${path}.`;
      else skipBelow = depth;
    } else if (!into.has(path)) {
      into.set(path, k);
    }
  }
  return into;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Keys a Splunk export row may carry beside its `result` (`output_mode=json`, the REST export endpoint). */
const SPLUNK_ROW_KEYS = new Set(['result', 'preview', 'offset', 'lastrow', 'init_offset', 'messages', 'highlighted']);

/**
 * The record inside an export envelope: an Elasticsearch hit (`{"_index": …, "_source": {…}}`, as elasticdump and
 * search exports write it) or a Splunk export row (`{"preview": false, "result": {…}}`; `preview` and `offset` are
 * not always written, so a `result` object with nothing but Splunk's row keys beside it is unwrapped too).
 */
export function unwrapEnvelope(value: Record<string, unknown>): Record<string, unknown> {
  if (isObject(value._source)) return value._source;
  if (isObject(value.result) && ('preview' in value || isSplunkRow(value))) return value.result;
  return value;
}

function isSplunkRow(value: Record<string, unknown>): boolean {
  for (const key in value) if (!SPLUNK_ROW_KEYS.has(key)) return false;
  return true;
}

function isOwnEvent(flat: Map<string, unknown>): boolean {
  return typeof flat.get('format') === 'string' && Number.isInteger(flat.get('line')) && typeof flat.get('file') === 'string';
}

/** How one key set binds to the event's fields. */
export interface Layout {
  bindings: Bindings;
  missing: SourceField[];
  embedded: EmbeddedLayout | undefined;
  /** The flattened keys it was bound from, in order, and their signature (the binding cache's key). */
  keys: readonly string[];
  signature: string;
}

/** Whether `flat` has exactly `keys`, in that order. */
function sameKeys(flat: Map<string, unknown>, keys: readonly string[]): boolean {
  if (flat.size !== keys.length) return false;
  let i = 0;
  for (const k of flat.keys()) if (k !== keys[i++]) return false;
  return true;
}

/** One file's JSON records → outcomes, with what a byte-level path (jsonl.ts) needs to know of its state. */
export interface JsonRecordReader {
  parse(text: string, lineNo: number): ParseResult;
  /**
   * Set by `parse` when the record was read through the column schema (a JSON object, not a document of a known
   * producer): the layout its keys bound to, its flattened keys and values, whether it was an envelope's content.
   * `layout` is undefined after a record that was not.
   */
  readonly last: { layout: Layout | undefined; flat: Map<string, unknown> | undefined; unwrapped: boolean };
  /**
   * What `parse` does to its own state for a record whose flattened keys are `layout.keys`, when that layout is
   * still the one `parse` would use without binding anew: then true. False when `parse` would bind the keys again
   * (and report their columns): a byte path must then leave the record to `parse`.
   */
  resume(layout: Layout): boolean;
}

/** A parse function for one file's JSON records (its binding cache lives as long as the file). */
export function jsonRecordParser(
  ctx: ParseContext,
  format: string,
  schema: ColumnSchema = GENERIC_SCHEMA,
  documents: readonly DocumentFormat[] = DOCUMENT_FORMATS,
): (text: string, line: number) => ParseResult {
  const reader = jsonRecordReader(ctx, format, schema, documents);
  return (text, lineNo) => reader.parse(text, lineNo);
}

/** The reader behind jsonRecordParser (its binding cache lives as long as the file). */
export function jsonRecordReader(
  ctx: ParseContext,
  format: string,
  schema: ColumnSchema = GENERIC_SCHEMA,
  documents: readonly DocumentFormat[] = DOCUMENT_FORMATS,
): JsonRecordReader {
  // Records of one file usually share a key set: bind once per distinct set (bounded cache).
  const cache = new Map<string, Layout>();
  const eventCtx = recordContext(ctx, format);
  const prefilter = recordPrefilter(ctx.prefilter);
  const parseEmbedded = embeddedLineParser(ctx);
  const dispatchDocument = documentDispatcher(documents);
  const documentCtx: DocumentContext = { file: ctx.file, lineNo: 0, time: messageTime(ctx), prefilter, observe: ctx.observe };
  const seen: JsonRecordReader['last'] = { layout: undefined, flat: undefined, unwrapped: false };
  let last: Layout | undefined;
  const layoutOf = (flat: Map<string, unknown>): Layout => {
    const keys = [...flat.keys()];
    const signature = keys.join('\u0000');
    let layout = cache.get(signature);
    if (!layout) {
      const bound = bindColumns(keys, keys, ctx.columnMap, schema);
      const missingFields = missingRequired(bound);
      layout = {
        bindings: bound, missing: missingFields, embedded: missingFields.length > 0 ? embeddedLayout(keys, keys, bound) : undefined, keys, signature,
      };
      if (cache.size >= BINDING_CACHE_SIZE) cache.clear();
      cache.set(signature, layout);
      ctx.observe?.columns(layout.embedded ? layout.embedded.report : columnReport(bound, keys));
    }
    last = layout;
    return layout;
  };
  const parse = (text: string, lineNo: number): ParseResult => {
    seen.layout = undefined;
    seen.flat = undefined;
    // JSON.parse decides what a JSON record is: a byte path (jsonl.ts) may only skip records it proved are valid
    // objects, and a port may be written so no text test can see it (`1.04e2`, `"\u0031\u0030\u0034"`).
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return fail('MALFORMED', `JSON: ${(e as Error).message}`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return fail('MALFORMED', 'JSON: expected an object');
    }
    const record = unwrapEnvelope(value as Record<string, unknown>);
    // A document of a known producer (Azure, GCP, Zeek, Suricata…) is read by its own module first.
    if (documents.length > 0) {
      documentCtx.lineNo = lineNo;
      const result = dispatchDocument(record, documentCtx);
      if (result !== NOT_MINE) return result;
    }
    const flat = new Map<string, unknown>();
    // (a record past the bound is an error, not a connection without the keys it holds further on)
    if (!flatten(record, flat, '', 1)) return fail('RECORD_TOO_LONG', `more than ${MAX_KEYS} keys (nested ones counted): not read`);
    // The previous record's key set first (a file's records usually share one): compared key by key, no string built.
    const layout = last !== undefined && sameKeys(flat, last.keys) ? last : layoutOf(flat);
    seen.layout = layout;
    seen.flat = flat;
    seen.unwrapped = record !== value;
    const { bindings, missing, embedded } = layout;
    if (embedded) return parseEmbedded(embedded, (k) => flat.get(k as string), lineNo);
    if (missing.length === 3) return skip('NOT_A_CONNECTION', 'no time, source or destination keys');
    if (prefilter && bindings.dstPort && !prefilter.portMayMatch(flat.get(bindings.dstPort[0]!.key as string))) return FILTERED;
    const result = eventFromRecord(bindings, (k) => flat.get(k as string), eventCtx, lineNo);
    if (isRejection(result) || Array.isArray(result) || !isOwnEvent(flat)) return result;
    return keepProvenance(result, flat);
  };
  return {
    parse,
    last: seen,
    resume(layout) {
      // `parse` keeps `last` when the keys are its keys, and takes a cached layout without binding (or reporting) again.
      if (layout === last) return true;
      if (cache.get(layout.signature) !== layout) return false;
      last = layout;
      return true;
    },
  };
}

/** A dicomwatch event read back: it still names the record it came from. */
function keepProvenance(event: NetworkEvent, flat: Map<string, unknown>): NetworkEvent {
  event.format = flat.get('format') as string;
  event.file = flat.get('file') as string;
  event.line = flat.get('line') as number;
  const packet = flat.get('packet');
  if (Number.isInteger(packet)) event.packet = packet as number;
  return event;
}

