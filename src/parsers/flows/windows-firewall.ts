/**
 * Windows (Defender) Firewall log, `%windir%\System32\LogFiles\Firewall\pfirewall.log`: a W3C-style text file.
 *
 *   #Version: 1.5
 *   #Software: Microsoft Windows Firewall
 *   #Time Format: Local
 *   #Fields: date time action protocol src-ip dst-ip src-port dst-port size tcpflags tcpsyn tcpack tcpwin icmptype icmpcode info path [pid]
 *
 *   2026-03-16 11:15:02 DROP TCP 203.0.113.7 10.20.30.40 51515 104 52 S 123456789 0 64240 - - - RECEIVE 4
 *
 * One space between fields, `-` for a field without a value. The columns are whatever `#Fields:` names (Windows 10
 * 1809+ appends `pid`); a new `#Fields:` line changes the layout from there on. `src-ip` is the packet's source
 * whatever `path` says (`SEND`, `RECEIVE`, `FORWARD`): the direction decides nothing about the columns.
 *
 * - time: `date` + `time` are the machine's LOCAL wall clock (`#Time Format: Local`): read in `--tz`; without an
 *   explicit `--tz` the file is refused at that header line, as a CSV `[Local Time]` column is, since reading it as
 *   UTC would move every record silently;
 * - action: `ALLOW` → allow, `DROP` → drop (the firewall discards silently); Windows XP's `OPEN`/`OPEN-INBOUND` →
 *   allow, `CLOSE` → absent; `INFO-EVENTS-LOST` (how many events the logger missed) is NOT_A_CONNECTION;
 * - bytes: `size`, the packet's size, when above 0 (allowed connections are logged with size 0: not measured).
 */
import type { Action } from '../../model/event.js';
import { parseTimestamp } from '../../time/parse.js';
import { messageTime } from '../syslog/family.js';
import { connectionEvent } from '../syslog/connection.js';
import type { MessageContext } from '../syslog/message.js';
import { InputFileError } from '../errors.js';
import { MAX_RECORD_CHARS } from '../lines.js';
import { FILTERED, recordPrefilter } from '../prefilter.js';
import { fail, isBlankBytes, skip, toOutcome, type LineFormat, type LineSession, type ParseContext } from '../types.js';

const HASH = 35;
const SPACE = 32;

const ACTIONS: Readonly<Record<string, Action | null>> = {
  ALLOW: 'allow', DROP: 'drop', OPEN: 'allow', 'OPEN-INBOUND': 'allow', CLOSE: null,
};

/** Columns a `#Fields:` line must name for its records to be connections. */
const REQUIRED = ['date', 'time', 'action', 'src-ip', 'dst-ip'] as const;

interface Layout {
  index: Map<string, number>;
  columns: number;
  dstPort: number | undefined;
}

function openWindowsFirewall(ctx: ParseContext): LineSession {
  let layout: Layout | undefined;
  let zone: string | undefined = ctx.tz; // until the header says otherwise
  const prefilter = recordPrefilter(ctx.prefilter);
  const time = messageTime(ctx);
  const messageCtx: MessageContext = { file: ctx.file, lineNo: 0, time, prefilter, observe: ctx.observe };

  const header = (line: string): void => {
    const colon = line.indexOf(':');
    const key = (colon === -1 ? line : line.slice(0, colon)).trim().toLowerCase();
    const value = colon === -1 ? '' : line.slice(colon + 1).trim();
    if (key === '#time format') {
      if (/^local$/i.test(value)) {
        if (ctx.tz === undefined) {
          throw new InputFileError('header: `#Time Format: Local`: the times are the Windows machine\'s wall clock; pass its zone with --tz ZONE');
        }
        zone = ctx.tz;
      } else if (/^utc$/i.test(value)) zone = 'UTC';
    } else if (key === '#fields') {
      const names = value.split(/ +/).filter((n) => n !== '');
      const missing = REQUIRED.filter((n) => !names.includes(n));
      if (missing.length > 0) throw new InputFileError(`header: #Fields: without ${missing.join(', ')}`);
      const index = new Map(names.map((n, i) => [n, i] as const));
      layout = { index, columns: names.length, dstPort: index.get('dst-port') };
      ctx.observe?.columns({ used: {}, available: names.slice(0, 100) });
    }
  };

  return {
    push(buf, start, end, lineNo, out) {
      if (isBlankBytes(buf, start, end)) return; // blank lines are not records
      if (buf[start] === HASH) {
        header(buf.toString('utf8', start, end));
        return;
      }
      if (end - start > MAX_RECORD_CHARS) {
        out.push(toOutcome(fail('RECORD_TOO_LONG', `record longer than ${MAX_RECORD_CHARS} bytes`), lineNo));
        return;
      }
      if (layout === undefined) {
        out.push(toOutcome(fail('MALFORMED', 'Windows Firewall record before any #Fields: header line'), lineNo));
        return;
      }
      let stop = end;
      while (stop > start && (buf[stop - 1] === 13 || buf[stop - 1] === SPACE)) stop--;
      let fields = 1;
      for (let i = start; i < stop; i++) if (buf[i] === SPACE) fields++;
      if (fields !== layout.columns) {
        out.push(toOutcome(fail('MALFORMED', `expected ${layout.columns} fields (#Fields:), found ${fields}`), lineNo));
        return;
      }
      const values = buf.toString('utf8', start, stop).split(' ');
      const { index } = layout;
      const get = (name: string): string | undefined => {
        const i = index.get(name);
        const v = i === undefined ? undefined : values[i];
        return v === undefined || v === '-' ? undefined : v;
      };
      const actionWord = get('action')?.toUpperCase();
      if (actionWord === 'INFO-EVENTS-LOST') {
        out.push(toOutcome(skip('NOT_A_CONNECTION', `INFO-EVENTS-LOST: ${get('info') ?? '?'} events were not logged`), lineNo));
        return;
      }
      if (prefilter && (!prefilter.bytesMayMatch(buf, start, stop) || (layout.dstPort !== undefined && !prefilter.portMayMatch(get('dst-port'))))) {
        out.push(toOutcome(FILTERED, lineNo));
        return;
      }
      const stampText = get('date') !== undefined && get('time') !== undefined ? `${get('date')} ${get('time')}` : undefined;
      const size = get('size');
      messageCtx.lineNo = lineNo;
      const action = actionWord !== undefined && Object.hasOwn(ACTIONS, actionWord) ? ACTIONS[actionWord] : undefined;
      const result = connectionEvent(
        {
          time: stampText === undefined ? undefined : parseTimestamp(stampText, { ...time, tz: zone ?? 'UTC' }),
          timeText: stampText,
          src: [get('src-ip'), 'src-ip'],
          dst: [get('dst-ip'), 'dst-ip'],
          srcPort: [get('src-port'), 'src-port'],
          dstPort: [get('dst-port'), 'dst-port'],
          protocol: [get('protocol'), 'protocol'],
          action: action ?? undefined,
          bytes: [size === '0' ? undefined : size, 'size'],
          vendor: 'Microsoft',
          product: 'Windows Firewall',
        },
        'windows-firewall',
        messageCtx,
      );
      out.push(toOutcome(result, lineNo));
    },
    end() {},
  };
}

export const windowsFirewallFormat: LineFormat = {
  id: 'windows-firewall',
  kind: 'lines',
  vendor: 'Microsoft',
  product: 'Windows Firewall',
  description: 'Windows (Defender) Firewall pfirewall.log: W3C-style #Fields: header, local time (--tz)',
  recognizedBy: 'first line is `#Version: 1.5` or `#Software: Microsoft Windows Firewall`',
  sniff: (firstLine) => /^#Version: 1\.5\s*$|^#Software: Microsoft Windows Firewall/.test(firstLine),
  open: openWindowsFirewall,
};
