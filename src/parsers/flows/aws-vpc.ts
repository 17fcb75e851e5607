/**
 * AWS VPC Flow Logs as S3 delivers them (one space-separated record per line, gzip handled by the reader).
 *
 * Layouts:
 * - a header line naming the fields (`version account-id interface-id srcaddr …`, any order, any subset; the
 *   Firehose/Athena spelling with `_` is accepted) binds the layout of the records after it, until the next header;
 * - without a header, a record whose field count is that of a documented default layout is read with it: the v2
 *   default format (14 fields) and "all fields" in the order AWS documents them up to v3 (21), v4 (25), v5 (29),
 *   v7 (39) and v8 (40). A 21-field record whose second field is a VPC id is read in the layout of AWS's documented
 *   custom-format example that Elastic's pipeline also reads (`version vpc-id subnet-id instance-id interface-id
 *   account-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol bytes packets start end action
 *   tcp-flags log-status`). Several versions may follow each other in one file.
 *
 * Values: `-` is absent. Source and destination are `srcaddr`/`dstaddr` (the interface's view), as Elastic's
 * pipeline maps them to `source.ip`/`destination.ip`; `pkt-srcaddr`/`pkt-dstaddr` (the packet's original addresses
 * through NAT or an intermediate interface) are not used. Time = `start` (epoch seconds; `end` when `start` is
 * absent), where Elastic's `@timestamp` is `end`. ACCEPT → allow, REJECT → deny. A record whose `log-status` is
 * NODATA or SKIPDATA and which carries no addresses is NOT_A_CONNECTION; one that carries them is read.
 */
import type { MessageContext } from '../syslog/message.js';
import { messageTime } from '../syslog/family.js';
import { connectionEvent } from '../syslog/connection.js';
import { EPOCH_WINDOW } from '../../time/parse.js';
import { FieldCheck, type ByteScanner } from '../kernel/kernel.js';
import { lineLimit } from '../lines.js';
import { decimalPort, FILTERED, portTable, pushFiltered, recordPrefilter } from '../prefilter.js';
import { fail, isBlankBytes, skip, toOutcome, type LineFormat, type LineSession, type ParseContext, type ParseResult, type RecordOutcome } from '../types.js';

export const FORMAT_ID = 'aws-vpc';

/** Every field AWS documents for VPC flow log records, in the documented order (version in the comments). */
const V2 = ['version', 'account-id', 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'packets', 'bytes', 'start', 'end', 'action', 'log-status'];
const V3 = ['vpc-id', 'subnet-id', 'instance-id', 'tcp-flags', 'type', 'pkt-srcaddr', 'pkt-dstaddr'];
const V4 = ['region', 'az-id', 'sublocation-type', 'sublocation-id'];
const V5 = ['pkt-src-aws-service', 'pkt-dst-aws-service', 'flow-direction', 'traffic-path'];
const V7 = [
  'ecs-cluster-arn', 'ecs-cluster-name', 'ecs-container-instance-arn', 'ecs-container-instance-id', 'ecs-container-id',
  'ecs-second-container-id', 'ecs-service-name', 'ecs-task-definition-arn', 'ecs-task-arn', 'ecs-task-id',
];
const V8 = ['reject-reason'];
const LATER = ['resource-id', 'encryption-status'];
const ALL_FIELDS = [...V2, ...V3, ...V4, ...V5, ...V7, ...V8];
const KNOWN = new Set([...ALL_FIELDS, ...LATER]);

/** Where the fields the event needs sit in one layout (-1: not in it). */
interface Layout {
  names: readonly string[];
  count: number;
  version: number;
  interfaceId: number;
  src: number;
  dst: number;
  srcPort: number;
  dstPort: number;
  protocol: number;
  packets: number;
  bytes: number;
  start: number;
  end: number;
  action: number;
  logStatus: number;
}

function layout(names: readonly string[]): Layout {
  const at = (name: string) => names.indexOf(name);
  return {
    names, count: names.length, version: at('version'), interfaceId: at('interface-id'), src: at('srcaddr'), dst: at('dstaddr'),
    srcPort: at('srcport'), dstPort: at('dstport'), protocol: at('protocol'), packets: at('packets'), bytes: at('bytes'),
    start: at('start'), end: at('end'), action: at('action'), logStatus: at('log-status'),
  };
}

/** Headerless layouts by field count: the documented order up to each version. */
const DEFAULT_LAYOUTS = new Map<number, Layout>(
  [14, 21, 25, 29, 39, 40].map((n) => [n, layout(ALL_FIELDS.slice(0, n))]),
);
/** AWS's documented custom-format example with 21 fields (Elastic reads 21-field records this way). */
const CUSTOM_21 = layout([
  'version', 'vpc-id', 'subnet-id', 'instance-id', 'interface-id', 'account-id', 'type', 'srcaddr', 'dstaddr', 'srcport',
  'dstport', 'pkt-srcaddr', 'pkt-dstaddr', 'protocol', 'bytes', 'packets', 'start', 'end', 'action', 'tcp-flags', 'log-status',
]);

const LOG_STATUS = new Set(['OK', 'NODATA', 'SKIPDATA', '-']);
const ACTIONS = new Set(['ACCEPT', 'REJECT', '-']);
const EPOCH = /^\d{1,12}$/;

/** A header line: space-separated documented field names (`_` allowed for `-`), at least two; undefined otherwise. */
function headerNames(line: string): string[] | undefined {
  const c = line.charCodeAt(0);
  if (!(c >= 97 && c <= 122)) return undefined; // field names start with a lower-case letter; records with a digit or -
  const names = line.trim().split(/ +/).map((n) => n.replaceAll('_', '-'));
  if (names.length < 2 || !names.every((n) => KNOWN.has(n)) || new Set(names).size !== names.length) return undefined;
  return names;
}

/** Whether the fields of a headerless record are plausible for `l` (the cheap, strict test the sniff also uses). */
function fitsDefault(fields: readonly string[], l: Layout): boolean {
  return /^\d{1,2}$/.test(fields[l.version]!) && LOG_STATUS.has(fields[l.logStatus]!) && ACTIONS.has(fields[l.action]!) &&
    (fields[l.start] === '-' || EPOCH.test(fields[l.start]!)) && (fields[l.end] === '-' || EPOCH.test(fields[l.end]!));
}

/** The default layout of a headerless record, if its field count and values fit one. */
function defaultLayout(fields: readonly string[]): Layout | undefined {
  const l = fields.length === 21 && fields[1]!.startsWith('vpc-') ? CUSTOM_21 : DEFAULT_LAYOUTS.get(fields.length);
  return l && fitsDefault(fields, l) ? l : undefined;
}

function value(fields: readonly string[], i: number): string | undefined {
  if (i < 0) return undefined;
  const v = fields[i]!;
  return v === '-' ? undefined : v;
}

function readRecord(fields: readonly string[], l: Layout, ctx: MessageContext): ParseResult {
  const src = value(fields, l.src);
  const dst = value(fields, l.dst);
  const status = value(fields, l.logStatus);
  if (src === undefined && dst === undefined && (status === 'NODATA' || status === 'SKIPDATA')) {
    return skip('NOT_A_CONNECTION', status === 'NODATA' ? 'NODATA: no traffic in the aggregation interval' : 'SKIPDATA: records skipped in the aggregation interval');
  }
  if (ctx.prefilter && !ctx.prefilter.portMayMatch(value(fields, l.dstPort))) return FILTERED;
  const timeText = value(fields, l.start) ?? value(fields, l.end);
  const ms = timeText !== undefined && EPOCH.test(timeText) ? Number(timeText) * 1000 : undefined;
  // (an epoch outside the window — a `0` placeholder, a counter — is no time: BAD_TIME, as parseTimestamp says)
  const time = ms !== undefined && ms >= EPOCH_WINDOW.start && ms < EPOCH_WINDOW.end ? ms : undefined;
  const action = value(fields, l.action);
  return connectionEvent({
    time, timeText,
    src: [src, 'srcaddr'], dst: [dst, 'dstaddr'],
    srcPort: [value(fields, l.srcPort), 'srcport'], dstPort: [value(fields, l.dstPort), 'dstport'],
    protocol: [value(fields, l.protocol), 'protocol'],
    action: action === 'ACCEPT' ? 'allow' : action === 'REJECT' ? 'deny' : undefined,
    bytes: [value(fields, l.bytes), 'bytes'], packets: [value(fields, l.packets), 'packets'],
    device: value(fields, l.interfaceId),
    vendor: 'Amazon Web Services', product: 'VPC Flow Logs',
  }, FORMAT_ID, ctx);
}

const SPACE = 32;
const DASH = 45;
/** The most fields a record is looked at on bytes (the documented maximum is 40). */
const MAX_FIELDS = 64;

/** The headerless layouts by field count, for the hot path (an array: no hashing per record). */
const LAYOUT_BY_COUNT: (Layout | undefined)[] = Array.from({ length: MAX_FIELDS + 1 }, (_, n) => DEFAULT_LAYOUTS.get(n));

/** ASCII codes of the letters in the words the hot path compares (byte literals: no loop, no table, no string). */
const A = 65, C = 67, D = 68, E = 69, I = 73, J = 74, K = 75, N = 78, O = 79, P = 80, R = 82, S = 83, T = 84;
const LOWER_V = 118, LOWER_P = 112, LOWER_C = 99;

/** Whether bytes [from, to) are one byte, `-`. */
function isDash(buf: Buffer, from: number, to: number): boolean {
  return to - from === 1 && buf[from] === DASH;
}

/** Whether bytes [from, to) are 1..`max` decimal digits. */
function digits(buf: Buffer, from: number, to: number, max: number): boolean {
  if (to <= from || to - from > max) return false;
  for (let i = from; i < to; i++) if ((buf[i]! - 48) >>> 0 > 9) return false; // one unsigned test: below '0' wraps
  return true;
}

/** LOG_STATUS on bytes: OK, NODATA, SKIPDATA or -. */
function isLogStatus(buf: Buffer, f: number, to: number): boolean {
  switch (to - f) {
    case 2: return buf[f] === O && buf[f + 1] === K;
    case 6: return buf[f] === N && buf[f + 1] === O && buf[f + 2] === D && buf[f + 3] === A && buf[f + 4] === T && buf[f + 5] === A;
    case 8: return buf[f] === S && buf[f + 1] === K && buf[f + 2] === I && buf[f + 3] === P && buf[f + 4] === D && buf[f + 5] === A && buf[f + 6] === T && buf[f + 7] === A;
    case 1: return buf[f] === DASH;
    default: return false;
  }
}

/** ACTIONS on bytes: ACCEPT, REJECT or -. */
function isAction(buf: Buffer, f: number, to: number): boolean {
  if (to - f === 6) {
    return buf[f] === R
      ? buf[f + 1] === E && buf[f + 2] === J && buf[f + 3] === E && buf[f + 4] === C && buf[f + 5] === T
      : buf[f] === A && buf[f + 1] === C && buf[f + 2] === C && buf[f + 3] === E && buf[f + 4] === P && buf[f + 5] === T;
  }
  return to - f === 1 && buf[f] === DASH;
}

/** Whether the field at bytes [f, to) starts with `vpc-` (CUSTOM_21's second field). */
function isVpcId(buf: Buffer, f: number, to: number): boolean {
  return to - f >= 4 && buf[f] === LOWER_V && buf[f + 1] === LOWER_P && buf[f + 2] === LOWER_C && buf[f + 3] === DASH;
}

/** The epoch test of fitsDefault on bytes: `-` or 1..12 digits. */
function isEpochOrDash(buf: Buffer, from: number, to: number): boolean {
  return isDash(buf, from, to) || digits(buf, from, to, 12);
}

/**
 * The scan's hot path: whether the record in bytes [start, end) is one the text path would find well formed and
 * then FILTERED — every structural check it makes (field count against the header or a default layout, no empty
 * field, the default layout's version, log-status, action and epoch fields, not a NODATA/SKIPDATA record), then a
 * decimal destination port no rule wants (`wanted[port]` is 0) — decided without decoding the line or allocating.
 * Anything else takes the text path, which gives the record its outcome, so `scan` and `parse` agree record by
 * record. `at` receives the field starts (`at[k]`; field k ends at `at[k + 1] - 1`). Returns the layout the record
 * was read in when it is FILTERED, else undefined.
 */
function filteredOnBytes(buf: Buffer, start: number, end: number, header: Layout | undefined, wanted: Uint8Array, at: Int32Array, scanner: ByteScanner): Layout | undefined {
  if (end > start && buf[end - 1] === 13) end--;
  if (end <= start) return undefined;
  const c0 = buf[start]!;
  if (c0 >= 97 && c0 <= 122) return undefined; // a header line, perhaps
  // Field starts, from the spaces the scanner finds. An empty field (a leading, trailing or doubled space) is
  // MALFORMED: the text path says so.
  const spaces = scanner.scan(buf, start, end, SPACE, SPACE, SPACE, 0, MAX_FIELDS - 1);
  if (spaces === -1 || spaces > MAX_FIELDS - 1) return undefined;
  const n = spaces + 1;
  at[0] = start;
  for (let k = 1; k < n; k++) {
    const next = scanner.at(k - 1) + 1;
    if (next === at[k - 1]! + 1) return undefined;
    at[k] = next;
  }
  if (at[n - 1] === end) return undefined;
  at[n] = end + 1;
  let l: Layout | undefined;
  if (header) {
    if (n !== header.count) return undefined;
    l = header;
  } else {
    l = n === 21 && isVpcId(buf, at[1]!, at[2]! - 1) ? CUSTOM_21 : LAYOUT_BY_COUNT[n];
    if (l === undefined) return undefined;
    if (!isLogStatus(buf, at[l.logStatus]!, at[l.logStatus + 1]! - 1)) return undefined;
    if (!isAction(buf, at[l.action]!, at[l.action + 1]! - 1)) return undefined;
    if (!digits(buf, at[l.version]!, at[l.version + 1]! - 1, 2)) return undefined;
    if (!isEpochOrDash(buf, at[l.start]!, at[l.start + 1]! - 1)) return undefined;
    if (!isEpochOrDash(buf, at[l.end]!, at[l.end + 1]! - 1)) return undefined;
  }
  const k = l.dstPort;
  if (k < 0) return undefined;
  // NODATA / SKIPDATA without addresses is NOT_A_CONNECTION: the text path decides
  if ((l.src < 0 || isDash(buf, at[l.src]!, at[l.src + 1]! - 1)) && (l.dst < 0 || isDash(buf, at[l.dst]!, at[l.dst + 1]! - 1))) return undefined;
  const port = decimalPort(buf, at[k]!, at[k + 1]! - 1);
  return port !== -1 && wanted[port] === 0 ? l : undefined;
}

/**
 * What the kernel checks each field of a record in layout `l` for, to settle it as filteredOnBytes would
 * (FieldCheck codes); undefined when it cannot (no destination port, no address field, over 64 fields). Of the
 * NODATA test (both addresses `-`) it keeps a stricter one: the source (or, without one, the destination) is not
 * `-`; a record that fails it alone is left to filteredOnBytes.
 */
function fieldChecks(l: Layout, headerless: boolean): Uint8Array | undefined {
  const address = l.src >= 0 ? l.src : l.dst;
  if (l.dstPort < 0 || address < 0 || l.count > MAX_FIELDS) return undefined;
  const checks = new Uint8Array(l.count);
  if (headerless) {
    checks[l.version] = FieldCheck.Version;
    checks[l.start] = FieldCheck.EpochOrDash;
    checks[l.end] = FieldCheck.EpochOrDash;
    checks[l.action] = FieldCheck.Action;
    checks[l.logStatus] = FieldCheck.LogStatus;
    // a 21-field record is read in CUSTOM_21 exactly when its second field is a VPC id
    if (l.count === 21) checks[1] = l === CUSTOM_21 ? FieldCheck.VpcId : FieldCheck.NotVpcId;
  }
  checks[address] = FieldCheck.NotDash;
  checks[l.dstPort] = FieldCheck.UnwantedPort;
  return checks;
}

/**
 * A session. `bytePath: false` (ParseContext) leaves out the hot path on bytes: every record takes the text path, the reference the
 * hot path is tested against (it must give every record the same outcome).
 */
export function openVpc(ctx: ParseContext): LineSession {
  const scanner = ctx.bytePath === false ? undefined : ctx.scanner;
  let header: Layout | undefined;
  const wanted = ctx.prefilter && scanner ? portTable(ctx.prefilter.dstPorts) : undefined;
  const fieldStarts = new Int32Array(MAX_FIELDS + 1);
  const runs = ctx.filteredRuns === true;
  const maxLine = lineLimit(ctx);
  /** What the kernel checks the fields of the next records for: those of the last record FILTERED on bytes. */
  let expected: Uint8Array | undefined;
  const checksByLayout = new Map<Layout, Uint8Array | undefined>();
  const messageCtx: MessageContext = { file: ctx.file, lineNo: 0, time: messageTime(ctx), prefilter: recordPrefilter(ctx.prefilter), observe: ctx.observe };
  const record = (text: string, lineNo: number): ParseResult | undefined => {
    const names = headerNames(text);
    if (names) {
      header = layout(names);
      expected = undefined;
      ctx.observe?.columns({ used: usedColumns(header), available: names });
      return undefined; // a header is not a record
    }
    const fields = text.split(' ');
    if (fields.some((f) => f === '')) return fail('MALFORMED', 'empty field (fields are separated by one space; an absent value is -)');
    let l: Layout | undefined;
    if (header) {
      if (fields.length !== header.count) return fail('MALFORMED', `expected ${header.count} fields as the header line says, found ${fields.length}`);
      l = header;
    } else {
      l = defaultLayout(fields);
      if (!l) return fail('MALFORMED', `no header line, and ${fields.length} fields fit no default layout (14, 21, 25, 29, 39 or 40 fields)`);
    }
    messageCtx.lineNo = lineNo;
    return readRecord(fields, l, messageCtx);
  };
  return {
    // Records like the last one FILTERED on bytes, settled by the kernel many at a time, as filteredOnBytes would.
    block(buf, start, end, _lineNo, taken) {
      if (!wanted || !scanner || !expected) return 0;
      return scanner.took(scanner.fields(buf, start, end, expected, maxLine, wanted), taken);
    },
    push(buf, start, end, lineNo, out: RecordOutcome[]) {
      // blank lines are not records; one that starts with a digit (a record's version) is certainly not blank
      if (start === end) return;
      const c0 = buf[start]!;
      if (!(c0 >= 48 && c0 <= 57) && isBlankBytes(buf, start, end)) return;
      // (a record the block's kernel stopped at for its port alone is not FILTERED: nothing to read again on bytes)
      const filteredAs = wanted && scanner && !scanner.stoppedAtWantedPort(buf, start) ? filteredOnBytes(buf, start, end, header, wanted, fieldStarts, scanner) : undefined;
      if (filteredAs) {
        pushFiltered(out, lineNo, runs);
        if (!checksByLayout.has(filteredAs)) checksByLayout.set(filteredAs, fieldChecks(filteredAs, header === undefined));
        expected = checksByLayout.get(filteredAs);
        return;
      }
      let text = buf.toString('utf8', start, end);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      const result = record(text, lineNo);
      if (result !== undefined) out.push(toOutcome(result, lineNo));
    },
    end() {},
  };
}

function usedColumns(l: Layout): Record<string, string> {
  const used: Record<string, string> = {};
  const pairs: [string, number][] = [
    ['time', l.start >= 0 ? l.start : l.end], ['srcIp', l.src], ['dstIp', l.dst], ['srcPort', l.srcPort], ['dstPort', l.dstPort],
    ['protocol', l.protocol], ['action', l.action], ['bytes', l.bytes], ['packets', l.packets], ['device', l.interfaceId],
  ];
  for (const [field, i] of pairs) if (i >= 0) used[field] = l.names[i]!;
  return used;
}

/** A header line with srcaddr or dstaddr, or a headerless record that fits a default layout. */
function sniff(firstLine: string): boolean {
  const line = firstLine.endsWith('\r') ? firstLine.slice(0, -1) : firstLine;
  const names = headerNames(line);
  if (names) return names.length >= 4 && (names.includes('srcaddr') || names.includes('dstaddr'));
  const fields = line.split(' ');
  return !fields.some((f) => f === '') && defaultLayout(fields) !== undefined;
}

export const awsVpcFormat: LineFormat = {
  kind: 'lines',
  id: FORMAT_ID,
  vendor: 'Amazon Web Services',
  product: 'VPC Flow Logs',
  description: 'AWS VPC Flow Logs (v2 default format, custom v3-v8 layouts by header line), plain or gzip as S3 delivers them',
  recognizedBy: 'a header line of VPC flow log field names with srcaddr/dstaddr, or a space-separated record of a default layout (version, log-status OK/NODATA/SKIPDATA, ACCEPT/REJECT, epoch start/end)',
  sniff,
  open: (ctx) => openVpc(ctx),
};
