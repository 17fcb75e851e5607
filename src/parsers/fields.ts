/**
 * Column and key names → event fields, shared by the header-driven formats (CSV/TSV, JSON Lines, JSON arrays).
 * One table of aliases for the vocabularies exports use — Sentinel tables (CommonSecurityLog, AZFWNetworkRule,
 * AWSVPCFlow…), ASIM NetworkSession, ECS, Splunk CIM Network Traffic, OCSF Network Activity, Zeek conn.log, plain
 * snake_case — and dicomwatch's own event keys (so `parse | scan -` round-trips). Names compare case-insensitively.
 *
 * Values: only the required fields (time, source, destination) can make a record an error. An optional value that
 * says "no value" (JSON null, empty, `-`, the text `null`) is absent; one that is present but unusable (a port of
 * 70000, a count of `abc`) is absent too, and reported through `ParseObserver.unusable` so the summary can say so.
 */
import { normalizeAction } from '../model/action.js';
import type { Action, NetworkEvent } from '../model/event.js';
import { portOf } from '../model/port.js';
import { normalizeProtocol } from '../model/protocol.js';
import { canonicalIp } from '../net/ip.js';
import { parseTimestamp, type TimeContext } from '../time/parse.js';
import { normalizeZone } from '../time/zone.js';
import { SOURCE_FIELDS, type SourceField } from './source-fields.js';
import { fail, skip, type ColumnReport, type ParseContext, type ParseObserver, type ParseResult } from './types.js';

export { SOURCE_FIELDS, type SourceField };

/**
 * Where a field's value may come from: a column alias (compared form, see columnKey), or several columns whose
 * values joined make the value (FortiGate's CSV export splits the timestamp into `date` and `time`).
 */
export type ColumnSource = string | { readonly join: readonly string[]; readonly separator: string };

/**
 * A format's column schema: for each field, its sources in priority order. Each header-driven format owns one;
 * CSV, JSON Lines and JSON arrays share GENERIC_SCHEMA, the common vocabularies of exports.
 */
export interface ColumnSchema {
  readonly id: string;
  readonly fields: Readonly<Record<SourceField, readonly ColumnSource[]>>;
}

/**
 * Aliases in priority order, written in compared form (see columnKey): `sourceaddress` also matches `Source Address`
 * and `source_address`; nested JSON keys are dotted (`srcendpoint.ip` is OCSF's `src_endpoint.ip`). For each field
 * the first column with a usable value wins (for `action`, the first that states a decision; for the addresses, the
 * first that is an IP address, so a Splunk `src` holding a host name gives way to `src_ip`).
 */
const GENERIC_FIELDS: Readonly<Record<SourceField, readonly ColumnSource[]>> = {
  // A device's own timestamp before a session start (PAN-OS exports carry both `Generate Time` and `Start Time`).
  // Splunk's `_time` compares as `time`; OCSF's `time` is epoch milliseconds. A `date` column beside a `time` one
  // (FortiGate) holds the day the `time` column lacks.
  time: [{ join: ['date', 'time'], separator: ' ' }, 'time', 'timegenerated', '@timestamp', 'timestamp', 'eventtime', 'generatedtime', 'generatetime', 'event.start',
    'eventstarttime', 'starttime', 'datetime', 'ts', 'receivetime', 'start'],
  // Addresses that may hold a host name (Splunk CIM `src`/`dest`, ECS `*.address`) come after the IP-only ones.
  srcIp: ['srcip', 'sourceip', 'srcipaddr', 'source.ip', 'srcendpoint.ip', 'srcaddr', 'sourceaddress', 'id.origh', 'src',
    'source.address'],
  dstIp: ['dstip', 'destinationip', 'dstipaddr', 'destination.ip', 'dstendpoint.ip', 'destip', 'dstaddr',
    'destinationaddress', 'id.resph', 'dst', 'dest', 'destination.address'],
  srcPort: ['srcport', 'sourceport', 'srcportnumber', 'source.port', 'srcendpoint.port', 'id.origp', 'spt'],
  dstPort: ['dstport', 'destinationport', 'dstportnumber', 'destination.port', 'dstendpoint.port', 'destport', 'id.respp',
    'dpt'],
  // Splunk CIM's `protocol` names the network layer (`ip`); such values give way to its `transport` (see protocolOf).
  protocol: ['protocol', 'networkprotocol', 'network.transport', 'transport', 'connectioninfo.protocolname',
    'originalprotocol', 'network.iananumber', 'connectioninfo.protocolnum', 'proto', 'ipprotocol'],
  action: ['action', 'deviceaction', 'dvcaction', 'simplifieddeviceaction', 'disposition', 'event.type', 'event.outcome',
    'event.action'],
  bytes: ['bytes', 'network.bytes', 'traffic.bytes', 'networkbytes', 'totalbytes'],
  packets: ['packets', 'network.packets', 'traffic.packets', 'networkpackets', 'totalpackets'],
  // One direction each (CommonSecurityLog SentBytes/ReceivedBytes, ASIM SrcBytes/DstBytes, PAN-OS Bytes Sent/Received,
  // ECS source/destination, Splunk CIM and OCSF `*_out` = source → destination and `*_in` = destination → source,
  // Zeek orig/resp): their sum is the total when the record has no total; one direction alone is not.
  srcBytes: ['srcbytes', 'sentbytes', 'bytessent', 'source.bytes', 'bytesout', 'traffic.bytesout', 'origbytes'],
  dstBytes: ['dstbytes', 'receivedbytes', 'bytesreceived', 'destination.bytes', 'bytesin', 'traffic.bytesin', 'respbytes'],
  srcPackets: ['srcpackets', 'sentpackets', 'packetssent', 'source.packets', 'packetsout', 'traffic.packetsout', 'origpkts'],
  dstPackets: ['dstpackets', 'receivedpackets', 'packetsreceived', 'destination.packets', 'packetsin', 'traffic.packetsin',
    'resppkts'],
  // The reporting device before the host that forwarded its log (CommonSecurityLog `Computer`).
  device: ['device', 'devicename', 'dvc', 'dvchostname', 'observer.hostname', 'observer.name', 'device.hostname',
    'device.name', 'host.name', 'computer', 'hostname'],
  vendor: ['vendor', 'devicevendor', 'dvcvendor', 'eventvendor', 'observer.vendor', 'metadata.product.vendorname'],
  product: ['product', 'deviceproduct', 'dvcproduct', 'eventproduct', 'observer.product', 'metadata.product.name',
    'vendorproduct'],
};

/** The common vocabularies: Sentinel, ASIM, ECS, Splunk CIM, OCSF, Zeek, plain names, dicomwatch's own events. */
export const GENERIC_SCHEMA: ColumnSchema = { id: 'generic', fields: GENERIC_FIELDS };

/** A field's plain column aliases in a schema (joined sources left out), for hints in messages. */
export function aliasesOf(field: SourceField, schema: ColumnSchema = GENERIC_SCHEMA): string[] {
  return schema.fields[field].filter((s): s is string => typeof s === 'string');
}

/** Every column name a schema knows, in compared form (a header naming one is a header of that schema). */
export function schemaColumnKeys(schema: ColumnSchema): ReadonlySet<string> {
  return new Set(Object.values(schema.fields).flat().flatMap((s) => (typeof s === 'string' ? [columnKey(s)] : s.join.map(columnKey))));
}

/** The fields without which a record is not a connection event. */
export const REQUIRED_FIELDS: readonly SourceField[] = ['time', 'srcIp', 'dstIp'];

/** One column (CSV index or JSON key) feeding a field. */
export interface Binding {
  key: string | number;
  /** The column's name as the input writes it (messages, column reports). */
  name: string;
  /** The zone its header fixes (`[UTC]` → `UTC`, `[UTC+01:00]` → `UTC+1`). */
  zone?: string;
  /** Its header says local time (`[Local Time]`): readable only in a zone the caller names (`--tz`). */
  localTime?: boolean;
  /** The value is these columns' values joined (all present), instead of column `key` alone. */
  join?: { keys: readonly (string | number)[]; separator: string };
  /** Feeds its field only in records where the column `label.key` names that field (see LABELLED_ADDRESSES). */
  label?: { key: string | number; field: 'srcIp' | 'dstIp' };
}

export type Bindings = Partial<Record<SourceField, Binding[]>>;

/**
 * How column names compare: case, spaces, `_` and `-` do not matter, so the spellings exports use all meet
 * (`SourceAddress`, `Source Address` from a PAN-OS export, `source_address`, `src-ip`/`src_ip`/`srcip`).
 */
export function columnKey(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * `TimeGenerated [UTC]` → name `timegenerated`, zone `UTC`: the Log Analytics portal's export writes the display
 * zone in the header. A bracket naming a zone (`[UTC+01:00]`, `[Europe/Berlin]`) fixes that zone; one that speaks of
 * local time or of a zone it does not name usably (`[Local Time]`, `[GMT+1]`, whose sign is ambiguous) marks the
 * column as local time; any other bracket (`[ms]`) is only dropped from the name.
 */
export function splitHeaderName(header: string): { name: string; zone?: string; localTime?: boolean } {
  const trimmed = header.trim();
  const m = /^([^[]*)\[([^\]]{1,40})\]$/.exec(trimmed);
  if (!m) return { name: columnKey(trimmed) };
  const name = columnKey(m[1]!);
  const suffix = m[2]!.trim();
  const zone = normalizeZone(suffix);
  if (zone) return { name, zone };
  if (/local|time|zone|gmt|utc/i.test(suffix)) return { name, localTime: true };
  return { name };
}

/** Every alias in its compared form. */
export const KNOWN_COLUMN_KEYS: ReadonlySet<string> = schemaColumnKeys(GENERIC_SCHEMA);

/**
 * CommonSecurityLog's custom IPv6 slots (CEF c6a1..c6a4): `DeviceCustomIPv6Address1..4` hold addresses whose meaning
 * the sibling `…Label` column states per record. Devices that send IPv6 traffic this way label the slots
 * `Source IPv6 Address` / `Destination IPv6 Address` (and leave SourceIP/DestinationIP empty).
 */
const LABELLED_ADDRESSES = [1, 2, 3, 4].map((n) => ({ value: `devicecustomipv6address${n}`, label: `devicecustomipv6address${n}label` }));

/** The address a slot label names: `Source IPv6 Address` → srcIp, `Destination IPv6 Address` → dstIp, else undefined. */
export function labelledAddressField(label: unknown): 'srcIp' | 'dstIp' | undefined {
  if (typeof label !== 'string' || label.length > 64) return undefined;
  // What is left once the words for "an IP address" are gone: `source`, `destination`, `device`, `source translated`…
  const core = columnKey(label).replace(/ipv6|address|addr|ip/g, '');
  return core === 'source' || core === 'src' ? 'srcIp' : core === 'destination' || core === 'dest' || core === 'dst' ? 'dstIp' : undefined;
}

/**
 * Bind source columns to fields. `columnMap` (from `--map field=Column`) takes precedence over the aliases.
 * Throws a usage error when a `--map` names an unknown field.
 */
export function bindColumns(
  columns: readonly (string | number)[],
  names: readonly string[],
  columnMap: Readonly<Record<string, string>> = {},
  schema: ColumnSchema = GENERIC_SCHEMA,
): Bindings {
  const byName = new Map<string, Binding>();
  names.forEach((header, i) => {
    const { name, zone, localTime } = splitHeaderName(header);
    if (byName.has(name)) return;
    const binding: Binding = { key: columns[i]!, name: header };
    if (zone) binding.zone = zone;
    if (localTime) binding.localTime = true;
    byName.set(name, binding);
  });
  const bindings: Bindings = {};
  for (const [field, column] of Object.entries(columnMap)) {
    if (!Object.hasOwn(schema.fields, field)) {
      throw new Error(`--map ${field}=${column}: unknown field '${field}' (fields: ${SOURCE_FIELDS.join(', ')})`);
    }
    const bound = byName.get(splitHeaderName(column).name);
    if (bound) bindings[field as SourceField] = [bound];
  }
  for (const field of SOURCE_FIELDS) {
    if (bindings[field]) continue;
    const found = schema.fields[field].map((source) => bindSource(source, byName)).filter((b): b is Binding => !!b);
    if (found.length > 0) bindings[field] = found;
  }
  for (const slot of LABELLED_ADDRESSES) {
    const value = byName.get(slot.value);
    const label = byName.get(slot.label);
    if (!value || !label) continue;
    for (const field of ['srcIp', 'dstIp'] as const) {
      if (columnMap[field] !== undefined) continue;
      (bindings[field] ??= []).push({ key: value.key, name: value.name, label: { key: label.key, field } });
    }
  }
  return bindings;
}

/** A source bound to this layout's columns, or undefined when a column it needs is not there. */
function bindSource(source: ColumnSource, byName: ReadonlyMap<string, Binding>): Binding | undefined {
  if (typeof source === 'string') return byName.get(source);
  const parts = source.join.map((name) => byName.get(name));
  if (!parts.every((b): b is Binding => !!b)) return undefined;
  return {
    key: parts[0]!.key,
    name: parts.map((b) => b.name).join(' + '),
    join: { keys: parts.map((b) => b.key), separator: source.separator },
  };
}

/** Names of required fields with no column, for the header error message. */
export function missingRequired(bindings: Bindings): SourceField[] {
  return REQUIRED_FIELDS.filter((f) => !bindings[f]);
}

export function missingColumnsMessage(missing: readonly SourceField[], found: readonly string[]): string {
  const hints = missing.map((f) => `${f} (looked for ${aliasesOf(f).slice(0, 4).join(', ')}…)`).join('; ');
  const example = missing.map((f) => `${f}=YourColumn`).join(',');
  return `no column for ${hints}; columns are: ${found.slice(0, 30).join(', ')}. Map them with --map ${example}`;
}

/** Column names a report lists at most: enough to find the right one, bounded for 500-column exports. */
const MAX_REPORTED_COLUMNS = 200;

/**
 * What a layout's bindings are, for `ParseObserver.columns`: each field's candidate columns in the order they are
 * tried (`DeviceName | Computer`: the first with a usable value feeds the field).
 */
export function columnReport(bindings: Bindings, names: readonly string[]): ColumnReport {
  const used: Record<string, string> = {};
  for (const field of SOURCE_FIELDS) {
    const list = bindings[field];
    if (!list) continue;
    const plain = list.filter((b) => !b.label).map((b) => b.name);
    const labelled = list.filter((b) => b.label).map((b) => b.name);
    used[field] = [...plain, ...(labelled.length > 0 ? [`${slotNames(labelled)} (by label)`] : [])].join(' | ');
  }
  return { used, available: names.slice(0, MAX_REPORTED_COLUMNS), mappable: true };
}

/** `DeviceCustomIPv6Address1`, `DeviceCustomIPv6Address2` → `DeviceCustomIPv6Address1/2`. */
function slotNames(names: readonly string[]): string {
  const prefix = names[0]!.slice(0, -1);
  return names.every((n) => n.length === prefix.length + 1 && n.startsWith(prefix))
    ? `${prefix}${names.map((n) => n.slice(-1)).join('/')}`
    : names.join(', ');
}

/**
 * Why the time column cannot be read as it stands, or undefined: its header says local time and the caller named no
 * zone. Reading it as UTC would move every record by the exporter's offset, silently.
 */
export function localTimeProblem(bindings: Bindings, zoneGiven: boolean): string | undefined {
  const first = bindings.time?.[0];
  if (zoneGiven || !first?.localTime) return undefined;
  return `column ${JSON.stringify(first.name)} holds local time of an unnamed zone: pass --tz ZONE ` +
    '(the zone the export was made in, e.g. --tz Europe/Berlin or --tz +01:00)';
}

/** What eventFromRecord needs besides the record: where it is from and how to read what a value lacks. */
export interface RecordContext {
  file: string;
  format: string;
  /** Zone, year and clock for timestamps that lack them. */
  time: TimeContext;
  /** The caller named the zone (`--tz`): only then can a `[Local Time]` column be read. */
  zoneGiven: boolean;
  observe?: ParseObserver | undefined;
  /** Time contexts per zone fixed by a header (`[UTC]`), built once. */
  zoned: Map<string, TimeContext>;
  /** What the last pick found besides its value (see pick). */
  picked: Picked;
}

export function recordContext(ctx: ParseContext, format: string): RecordContext {
  const time: TimeContext = { tz: ctx.tz ?? 'UTC' };
  if (ctx.year !== undefined) time.year = ctx.year;
  if (ctx.now !== undefined) time.now = ctx.now;
  return {
    file: ctx.file, format, time, zoneGiven: ctx.tz !== undefined, observe: ctx.observe, zoned: new Map(),
    picked: { binding: undefined, bad: undefined, raw: undefined },
  };
}

function timeContextFor(binding: Binding, ctx: RecordContext): TimeContext {
  if (!binding.zone) return ctx.time;
  let time = ctx.zoned.get(binding.zone);
  if (!time) {
    time = { ...ctx.time, tz: binding.zone };
    ctx.zoned.set(binding.zone, time);
  }
  return time;
}

/** Read one column's raw value from a record. */
export type Lookup = (key: string | number) => unknown;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/**
 * Values that say "there is no value": absent, JSON null, empty or blank text, `-` (what many devices write for an
 * empty field), and the text `null` in any case (what Log Analytics exports write in empty numeric columns).
 */
export function isNoValue(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'string') return false;
  const n = value.length;
  if (n === 0) return true;
  const text = isSpace(value.charCodeAt(0)) || isSpace(value.charCodeAt(n - 1)) ? value.trim() : value;
  return text.length === 0 || text === '-' || (text.length === 4 && text.toLowerCase() === 'null');
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A converter's answer for a value that is fine but says nothing for the field (an action of `close`): try the next. */
const SILENT = Symbol('silent');

type Converter<T> = (value: unknown) => T | undefined | typeof SILENT;

/**
 * What `pick` found besides the value: the column that gave it, else the first column with an unusable value and
 * that value. One per record context, overwritten by every pick (no object per field and record).
 */
interface Picked {
  binding: Binding | undefined;
  bad: Binding | undefined;
  raw: unknown;
}

function rawValue(binding: Binding, lookup: Lookup): unknown {
  if (binding.label && labelledAddressField(lookup(binding.label.key)) !== binding.label.field) return undefined;
  if (binding.join) return joinedValue(binding.join, lookup);
  return lookup(binding.key);
}

/** Several columns' values joined, or undefined when one of them has no value. */
function joinedValue(join: NonNullable<Binding['join']>, lookup: Lookup): string | undefined {
  const parts: string[] = [];
  for (const key of join.keys) {
    const value = lookup(key);
    const text = isNoValue(value) ? undefined : asText(value);
    if (text === undefined) return undefined;
    parts.push(text.trim());
  }
  return parts.join(join.separator);
}

/**
 * A field's value from its candidate columns: the first usable one (`found.binding` its column), else undefined —
 * with `found.bad` the first column whose value was unusable, if any.
 */
function pick<T>(bindings: readonly Binding[] | undefined, lookup: Lookup, convert: Converter<T>, found: Picked): T | undefined {
  found.binding = undefined;
  found.bad = undefined;
  if (!bindings) return undefined;
  for (let k = 0; k < bindings.length; k++) {
    const binding = bindings[k]!;
    const raw = rawValue(binding, lookup);
    if (isNoValue(raw)) continue;
    const value = convert(raw);
    if (value === SILENT) continue;
    if (value !== undefined) {
      found.binding = binding;
      return value;
    }
    if (found.bad === undefined) {
      found.bad = binding;
      found.raw = raw;
    }
  }
  return undefined;
}

/** An optional field's value; an unusable one is left out and reported. */
function optional<T>(bindings: readonly Binding[] | undefined, lookup: Lookup, convert: Converter<T>, field: SourceField, ctx: RecordContext): T | undefined {
  if (!bindings) return undefined;
  const value = pick(bindings, lookup, convert, ctx.picked);
  if (value === undefined && ctx.picked.bad !== undefined) ctx.observe?.unusable(field);
  return value;
}

const anyValue: Converter<unknown> = (value) => value;

function addressOf(value: unknown): string | undefined {
  const text = asText(value);
  return text === undefined ? undefined : canonicalIp(text.trim());
}

function portValue(value: unknown): number | undefined {
  return portOf(value) ?? undefined;
}

/** A non-negative integer counter (bytes, packets). */
function counterOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,20}\s*$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Network-layer names: Splunk CIM's `protocol` is `ip` where its `transport` says `tcp`. */
const NETWORK_LAYER = new Set(['ip', 'ipv4', 'ipv6', 'appletalk', 'ipx']);

function protocolOf(value: unknown): string | undefined | typeof SILENT {
  const text = asText(value);
  if (text === undefined) return undefined;
  if (NETWORK_LAYER.has(text.trim().toLowerCase())) return SILENT;
  return normalizeProtocol(text);
}

/** A decision, from text or from a list of words (ECS `event.type: ["connection", "denied"]`); other words say none. */
function actionOf(value: unknown): Action | undefined | typeof SILENT {
  if (Array.isArray(value)) {
    for (const item of value) {
      const action = typeof item === 'string' ? normalizeAction(item) : undefined;
      if (action) return action;
    }
    return SILENT;
  }
  const text = asText(value);
  if (text === undefined) return undefined;
  return normalizeAction(text) ?? SILENT;
}

function textOf(value: unknown): string | undefined {
  const text = asText(value)?.trim();
  return text ? text : undefined;
}

/** A counter's value: the total's column, else the sum of the two directions' (both needed: one alone is not it). */
function counterTotal(total: SourceField, out: SourceField, back: SourceField, bindings: Bindings, lookup: Lookup, ctx: RecordContext): number | undefined {
  const all = optional(bindings[total], lookup, counterOf, total, ctx);
  const forward = optional(bindings[out], lookup, counterOf, out, ctx);
  const reverse = optional(bindings[back], lookup, counterOf, back, ctx);
  if (all !== undefined) return all;
  return forward !== undefined && reverse !== undefined ? forward + reverse : undefined;
}

/**
 * Build an event from a record through its bindings. No source and no destination value → not a connection (skip);
 * otherwise a missing or bad required value is an error that names the column and the value. Optional values never
 * cost the record: see the module comment. (Field by field, without loops over field names: this runs for every
 * record that may match, and a store with one key stays fast.)
 */
export function eventFromRecord(bindings: Bindings, lookup: Lookup, ctx: RecordContext, line: number): ParseResult {
  const found = ctx.picked;
  const srcIp = pick(bindings.srcIp, lookup, addressOf, found);
  const srcBad = found.bad;
  const srcRaw = found.raw;
  const dstIp = pick(bindings.dstIp, lookup, addressOf, found);
  if (srcIp === undefined && srcBad === undefined && dstIp === undefined && found.bad === undefined) {
    return skip('NOT_A_CONNECTION', 'no source or destination address');
  }
  if (srcIp === undefined && srcBad === undefined) return fail('MISSING_FIELD', 'no source address');
  if (dstIp === undefined && found.bad === undefined) return fail('MISSING_FIELD', 'no destination address');
  if (srcIp === undefined) return fail('BAD_ADDRESS', `${srcBad!.name}: not an IP address: ${quote(srcRaw)}`);
  if (dstIp === undefined) return fail('BAD_ADDRESS', `${found.bad!.name}: not an IP address: ${quote(found.raw)}`);

  const timeValue = pick(bindings.time, lookup, anyValue, found);
  const timeColumn = found.binding;
  if (timeColumn === undefined) return fail('MISSING_FIELD', 'no timestamp');
  if (timeColumn.localTime && !ctx.zoneGiven) {
    return fail('BAD_TIME', `${timeColumn.name}: local time of an unnamed zone: pass --tz ZONE`);
  }
  const timeText = asText(timeValue);
  const ms = timeText === undefined ? undefined : parseTimestamp(timeText, timeContextFor(timeColumn, ctx));
  if (ms === undefined) return fail('BAD_TIME', `${timeColumn.name}: not a timestamp: ${quote(timeValue)}`);

  const event: NetworkEvent = { time: ms, srcIp, dstIp, format: ctx.format, file: ctx.file, line };
  const srcPort = optional(bindings.srcPort, lookup, portValue, 'srcPort', ctx);
  if (srcPort !== undefined) event.srcPort = srcPort;
  const dstPort = optional(bindings.dstPort, lookup, portValue, 'dstPort', ctx);
  if (dstPort !== undefined) event.dstPort = dstPort;
  const protocol = optional(bindings.protocol, lookup, protocolOf, 'protocol', ctx);
  if (protocol !== undefined) event.protocol = protocol;
  const action = optional(bindings.action, lookup, actionOf, 'action', ctx);
  if (action !== undefined) event.action = action;
  const bytes = counterTotal('bytes', 'srcBytes', 'dstBytes', bindings, lookup, ctx);
  if (bytes !== undefined) event.bytes = bytes;
  const packets = counterTotal('packets', 'srcPackets', 'dstPackets', bindings, lookup, ctx);
  if (packets !== undefined) event.packets = packets;
  const device = optional(bindings.device, lookup, textOf, 'device', ctx);
  if (device !== undefined) event.device = device;
  const vendor = optional(bindings.vendor, lookup, textOf, 'vendor', ctx);
  if (vendor !== undefined) event.vendor = vendor;
  const product = optional(bindings.product, lookup, textOf, 'product', ctx);
  if (product !== undefined) event.product = product;
  return event;
}

/** A value for an error message: quoted, and cut short so a hostile record cannot flood the diagnostics. */
export function quote(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
