/**
 * Column and key names → event fields, shared by the header-driven formats (CSV/TSV, JSON Lines).
 * One table of aliases: Sentinel column names, ASIM names, ECS dotted names, plain snake_case names, and
 * dicomwatch's own event keys (so `parse | scan -` round-trips). Names compare case-insensitively.
 */
import { normalizeAction } from '../model/action.js';
import type { NetworkEvent } from '../model/event.js';
import { portOf } from '../model/port.js';
import { normalizeProtocol } from '../model/protocol.js';
import { canonicalIp } from '../net/ip.js';
import { formatTime, parseTimestamp } from '../time/parse.js';
import { fail, skip, type ParseResult } from './types.js';

export type SourceField =
  | 'time' | 'srcIp' | 'srcPort' | 'dstIp' | 'dstPort' | 'protocol' | 'action'
  | 'bytes' | 'packets' | 'srcBytes' | 'dstBytes' | 'srcPackets' | 'dstPackets' | 'device' | 'vendor' | 'product';

/**
 * Aliases in priority order (the first present, non-empty one wins; for `action`, the first that is a decision),
 * written in compared form (see columnKey): `sourceaddress` also matches `Source Address` and `source_address`.
 */
export const FIELD_ALIASES: Readonly<Record<SourceField, readonly string[]>> = {
  // A device's own timestamp before a session start (PAN-OS exports carry both `Generate Time` and `Start Time`).
  time: ['time', 'timegenerated', '@timestamp', 'timestamp', 'eventtime', 'generatedtime', 'generatetime', 'event.start',
    'eventstarttime', 'starttime', 'datetime', 'ts', 'receivetime', 'start'],
  srcIp: ['srcip', 'sourceip', 'srcipaddr', 'source.ip', 'srcaddr', 'sourceaddress', 'src'],
  srcPort: ['srcport', 'sourceport', 'srcportnumber', 'source.port', 'spt'],
  dstIp: ['dstip', 'destinationip', 'dstipaddr', 'destination.ip', 'dstaddr', 'destinationaddress', 'dst'],
  dstPort: ['dstport', 'destinationport', 'dstportnumber', 'destination.port', 'dpt'],
  protocol: ['protocol', 'networkprotocol', 'network.transport', 'originalprotocol', 'network.iananumber', 'transport',
    'proto', 'ipprotocol'],
  action: ['action', 'deviceaction', 'dvcaction', 'simplifieddeviceaction', 'event.type', 'event.outcome', 'event.action'],
  bytes: ['bytes', 'network.bytes', 'totalbytes'],
  packets: ['packets', 'network.packets', 'totalpackets'],
  // One direction each (CommonSecurityLog SentBytes/ReceivedBytes, ASIM SrcBytes/DstBytes, PAN-OS Bytes Sent/Received,
  // ECS source/destination): their sum is the total when the record has no total; one direction alone is not.
  srcBytes: ['srcbytes', 'sentbytes', 'bytessent', 'source.bytes'],
  dstBytes: ['dstbytes', 'receivedbytes', 'bytesreceived', 'destination.bytes'],
  srcPackets: ['srcpackets', 'sentpackets', 'packetssent', 'source.packets'],
  dstPackets: ['dstpackets', 'receivedpackets', 'packetsreceived', 'destination.packets'],
  device: ['device', 'devicename', 'dvc', 'dvchostname', 'observer.hostname', 'observer.name', 'host.name', 'computer',
    'hostname'],
  vendor: ['vendor', 'devicevendor', 'dvcvendor', 'observer.vendor'],
  product: ['product', 'deviceproduct', 'dvcproduct', 'observer.product'],
};

export const SOURCE_FIELDS = Object.keys(FIELD_ALIASES) as SourceField[];

/** The fields without which a record is not a connection event. */
export const REQUIRED_FIELDS: readonly SourceField[] = ['time', 'srcIp', 'dstIp'];

/** One column (CSV index or JSON key) feeding a field; `zone` when its header fixes the zone (`[UTC]`). */
export interface Binding {
  key: string | number;
  name: string;
  zone?: string;
}

export type Bindings = Partial<Record<SourceField, Binding[]>>;

/**
 * How column names compare: case, spaces, `_` and `-` do not matter, so the spellings exports use all meet
 * (`SourceAddress`, `Source Address` from a PAN-OS export, `source_address`, `src-ip`/`src_ip`/`srcip`).
 */
export function columnKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/** `TimeGenerated [UTC]` → name `timegenerated`, zone `UTC`. The portal's export writes the zone in the header. */
export function splitHeaderName(header: string): { name: string; zone?: string } {
  const trimmed = header.trim();
  const m = /^([^[]*)\[([^\]]{1,40})\]$/.exec(trimmed);
  if (!m) return { name: columnKey(trimmed) };
  const zone = m[2]!.trim().toUpperCase() === 'UTC' ? 'UTC' : undefined;
  return zone ? { name: columnKey(m[1]!), zone } : { name: columnKey(m[1]!) };
}

/** Every alias in its compared form. */
export const KNOWN_COLUMN_KEYS: ReadonlySet<string> = new Set(Object.values(FIELD_ALIASES).flat().map(columnKey));

/**
 * Bind source columns to fields. `columnMap` (from `--map field=Column`) takes precedence over the aliases.
 * Throws a usage error when a `--map` names an unknown field or a column that is not there.
 */
export function bindColumns(
  columns: readonly (string | number)[],
  names: readonly string[],
  columnMap: Readonly<Record<string, string>> = {},
): Bindings {
  const byName = new Map<string, Binding>();
  names.forEach((header, i) => {
    const { name, zone } = splitHeaderName(header);
    if (!byName.has(name)) byName.set(name, zone ? { key: columns[i]!, name: header, zone } : { key: columns[i]!, name: header });
  });
  const bindings: Bindings = {};
  for (const [field, column] of Object.entries(columnMap)) {
    if (!Object.hasOwn(FIELD_ALIASES, field)) {
      throw new Error(`--map ${field}=${column}: unknown field '${field}' (fields: ${SOURCE_FIELDS.join(', ')})`);
    }
    const bound = byName.get(splitHeaderName(column).name);
    if (bound) bindings[field as SourceField] = [bound];
  }
  for (const field of SOURCE_FIELDS) {
    if (bindings[field]) continue;
    const found = FIELD_ALIASES[field].map((alias) => byName.get(alias)).filter((b): b is Binding => !!b);
    if (found.length > 0) bindings[field] = found;
  }
  return bindings;
}

/** Names of required fields with no column, for the header error message. */
export function missingRequired(bindings: Bindings): SourceField[] {
  return REQUIRED_FIELDS.filter((f) => !bindings[f]);
}

export function missingColumnsMessage(missing: readonly SourceField[], found: readonly string[]): string {
  const hints = missing.map((f) => `${f} (looked for ${FIELD_ALIASES[f].slice(0, 4).join(', ')}…)`).join('; ');
  const example = missing.map((f) => `${f}=YourColumn`).join(',');
  return `no column for ${hints}; columns are: ${found.slice(0, 30).join(', ')}. Map them with --map ${example}`;
}

/** Read one field's raw value from a record through its bindings: the first non-empty one. */
export type Lookup = (key: string | number) => unknown;

function firstValue(bindings: Binding[] | undefined, lookup: Lookup): { value: unknown; binding: Binding } | undefined {
  if (!bindings) return undefined;
  for (const binding of bindings) {
    const value = lookup(binding.key);
    if (value !== undefined && value !== null && value !== '') return { value, binding };
  }
  return undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Totals and the two directions that add up to them. */
const COUNTERS = [
  ['bytes', 'srcBytes', 'dstBytes'],
  ['packets', 'srcPackets', 'dstPackets'],
] as const;

/** A non-negative integer counter (bytes, packets); `null` for present but invalid. */
function counterOf(value: unknown): number | null | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,20}\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/**
 * Build an event from a record through its bindings. Both addresses empty → not a connection (skip);
 * otherwise a missing or bad required value is an error that names the column and the value.
 */
export function eventFromRecord(
  bindings: Bindings,
  lookup: Lookup,
  ctx: { file: string; tz: string; format: string },
  line: number,
): ParseResult {
  const src = firstValue(bindings.srcIp, lookup);
  const dst = firstValue(bindings.dstIp, lookup);
  if (!src && !dst) return skip('NOT_A_CONNECTION', 'no source or destination address');
  if (!src) return fail('MISSING_FIELD', 'no source address');
  if (!dst) return fail('MISSING_FIELD', 'no destination address');
  const srcIp = canonicalIp(String(src.value).trim());
  if (srcIp === undefined) return fail('BAD_ADDRESS', `${src.binding.name}: not an IP address: ${quote(src.value)}`);
  const dstIp = canonicalIp(String(dst.value).trim());
  if (dstIp === undefined) return fail('BAD_ADDRESS', `${dst.binding.name}: not an IP address: ${quote(dst.value)}`);

  const t = firstValue(bindings.time, lookup);
  if (!t) return fail('MISSING_FIELD', 'no timestamp');
  const timeText = asText(t.value);
  const ms = timeText === undefined ? undefined : parseTimestamp(timeText.trim(), { tz: t.binding.zone ?? ctx.tz });
  if (ms === undefined) return fail('BAD_TIME', `${t.binding.name}: not a timestamp: ${quote(t.value)}`);

  const event: NetworkEvent = { time: formatTime(ms), srcIp, dstIp, format: ctx.format, file: ctx.file, line };
  for (const field of ['srcPort', 'dstPort'] as const) {
    const raw = firstValue(bindings[field], lookup);
    const port = portOf(raw?.value);
    if (port === null) return fail('BAD_PORT', `${raw!.binding.name}: not a port: ${quote(raw!.value)}`);
    if (port !== undefined) event[field] = port;
  }
  const proto = firstValue(bindings.protocol, lookup);
  if (proto) {
    const text = asText(proto.value);
    const protocol = text === undefined ? undefined : normalizeProtocol(text);
    if (protocol === undefined) return fail('BAD_VALUE', `${proto.binding.name}: not a protocol: ${quote(proto.value)}`);
    event.protocol = protocol;
  }
  for (const binding of bindings.action ?? []) {
    const text = asText(lookup(binding.key));
    const action = text === undefined ? undefined : normalizeAction(text);
    if (action) {
      event.action = action;
      break;
    }
  }
  for (const [field, out, back] of COUNTERS) {
    const counts: (number | undefined)[] = [];
    for (const f of [field, out, back]) {
      const raw = firstValue(bindings[f], lookup);
      const n = counterOf(raw?.value);
      if (n === null) return fail('BAD_VALUE', `${raw!.binding.name}: not a count: ${quote(raw!.value)}`);
      counts.push(n);
    }
    const [total, forward, reverse] = counts;
    if (total !== undefined) event[field] = total;
    else if (forward !== undefined && reverse !== undefined) event[field] = forward + reverse;
  }
  for (const field of ['device', 'vendor', 'product'] as const) {
    const raw = firstValue(bindings[field], lookup);
    const text = raw && asText(raw.value)?.trim();
    if (text) event[field] = text;
  }
  return event;
}

/** A value for an error message: quoted, and cut short so a hostile record cannot flood the diagnostics. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
