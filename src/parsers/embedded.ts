/**
 * Vendor lines inside exports. A Sentinel `Syslog` table export (CSV or JSON) holds the firewall's message in
 * `SyslogMessage`, with the header already taken apart into `HostName`/`Computer`, `ProcessName` and
 * `EventTime`/`TimeGenerated`; custom-log tables keep the whole raw line in `RawData`, and ECS documents in
 * `event.original` or `message`. A layout with such a column and no address columns of its own is read like the
 * syslog file it came from: each record's line goes to the vendor message registry, the device's own timestamp
 * wins over the table's, and a line no vendor recognises is an UNRECOGNISED_FORMAT skip.
 */
import type { NetworkEvent } from '../model/event.js';
import { parseTimestamp } from '../time/parse.js';
import { columnKey, type Bindings, type Lookup } from './fields.js';
import { recordPrefilter } from './prefilter.js';
import { messageDispatcher, messageTime } from './syslog/family.js';
import { parseSyslogLine, type SyslogLine } from './syslog/framing.js';
import type { MessageContext, MessageFormat } from './syslog/message.js';
import { MESSAGE_FORMATS } from './syslog/registry.js';
import type { ColumnReport, ParseContext, ParseResult } from './types.js';

/** Where the pieces of an embedded line are in a layout (column keys: CSV indexes or JSON keys). */
export interface EmbeddedLayout {
  /** The column with the line. */
  raw: string | number;
  /** `message`: the text after the syslog header (Sentinel's SyslogMessage); `line`: a whole raw line. */
  holds: 'message' | 'line';
  host?: string | number;
  app?: string | number;
  /** The record's own time columns, for lines whose header has none: the first with a readable stamp wins. */
  time: readonly (string | number)[];
  /** What the layout uses, for ParseObserver.columns. */
  report: ColumnReport;
}

/** Raw-line columns in priority order, in compared form, with what each holds. */
const RAW_COLUMNS: readonly [string, EmbeddedLayout['holds']][] = [
  ['syslogmessage', 'message'], ['rawdata', 'line'], ['event.original', 'line'], ['message', 'line'],
];
const HOST_COLUMNS = ['hostname', 'computer', 'host.name', 'host.hostname', 'observer.hostname'];
const APP_COLUMNS = ['processname', 'process.name', 'appname'];
/** The device's time first: Sentinel's EventTime is the syslog header's stamp, TimeGenerated when it was stored. */
const TIME_COLUMNS = ['eventtime', 'timegenerated', '@timestamp', 'timestamp', 'time'];

/**
 * The embedded-line layout of a set of columns, when it has one and no address columns: the header formats then
 * read records through embeddedLineParser instead of their column bindings.
 */
export function embeddedLayout(columns: readonly (string | number)[], names: readonly string[], bindings: Bindings): EmbeddedLayout | undefined {
  if (bindings.srcIp || bindings.dstIp) return undefined;
  const byName = new Map<string, { key: string | number; name: string }>();
  names.forEach((name, i) => {
    const key = columnKey(name.replace(/\s*\[[^\]]{0,40}\]$/, ''));
    if (!byName.has(key)) byName.set(key, { key: columns[i]!, name });
  });
  const raw = RAW_COLUMNS.find(([name]) => byName.has(name));
  if (!raw) return undefined;
  const pick = (list: readonly string[]) => list.map((n) => byName.get(n)).find((c) => c !== undefined);
  const times = TIME_COLUMNS.map((n) => byName.get(n)).filter((c) => c !== undefined);
  const rawColumn = byName.get(raw[0])!;
  const used: Record<string, string> = { [raw[1] === 'message' ? 'vendor message' : 'vendor line']: rawColumn.name };
  const layout: EmbeddedLayout = { raw: rawColumn.key, holds: raw[1], time: times.map((c) => c.key), report: { used, available: names.slice(0, 200) } };
  if (times.length > 0) used.time = `${times.map((c) => c.name).join(' | ')} (when the line has no time of its own)`;
  const host = pick(HOST_COLUMNS);
  if (host !== undefined) {
    layout.host = host.key;
    used.device = host.name;
  }
  const app = pick(APP_COLUMNS);
  if (app !== undefined) layout.app = app.key;
  return layout;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A parse function for one input's embedded lines (the vendor registry's last-match state lives as long as it). */
export function embeddedLineParser(
  ctx: ParseContext,
  formats: readonly MessageFormat[] = MESSAGE_FORMATS,
): (layout: EmbeddedLayout, lookup: Lookup, lineNo: number) => ParseResult<NetworkEvent> {
  const time = messageTime(ctx);
  const dispatch = messageDispatcher(formats);
  const messageCtx: MessageContext = { file: ctx.file, lineNo: 0, time, prefilter: recordPrefilter(ctx.prefilter), observe: ctx.observe };
  return (layout, lookup, lineNo) => {
    messageCtx.lineNo = lineNo;
    const raw = text(lookup(layout.raw)) ?? '';
    const host = layout.host === undefined ? undefined : text(lookup(layout.host));
    const app = layout.app === undefined ? undefined : text(lookup(layout.app));
    let line: SyslogLine;
    if (layout.holds === 'line') {
      line = parseSyslogLine(raw, time);
    } else {
      const rest = app ? `${app}: ${raw}` : raw;
      line = { header: true, rest, message: raw, line: rest };
      if (app) line.app = app;
    }
    if (line.host === undefined && host) line.host = host;
    if (line.time === undefined) {
      for (const key of layout.time) {
        const stamp = text(lookup(key));
        const ms = stamp === undefined ? undefined : parseTimestamp(stamp, time);
        if (ms !== undefined) {
          line.time = ms;
          break;
        }
        if (stamp !== undefined) line.timeText ??= stamp;
      }
    }
    return dispatch(line, messageCtx);
  };
}
