/**
 * Zeek conn.log in Zeek's own TSV layout (the ASCII writer's default, https://docs.zeek.org/en/master/logs/conn.html
 * and the "Zeek Log Formats" page): a header block of `#` lines, then one record per line.
 *
 *   #separator \x09            the field separator, written as an escape (the only header line split by a space)
 *   #set_separator<TAB>,       separator inside set/vector values
 *   #empty_field<TAB>(empty)   an empty set or string
 *   #unset_field<TAB>-         a field without a value
 *   #path<TAB>conn             which log this is
 *   #open / #close<TAB>stamp   when the writer opened / closed the file: not records
 *   #fields<TAB>ts<TAB>uid<TAB>id.orig_h…   the column names, in any order
 *   #types<TAB>time<TAB>string<TAB>addr…    their Zeek types
 *
 * A file may hold several header blocks (a rotated log concatenated, `zeek-cut` output appended): each new
 * `#fields` line replaces the layout, each `#separator`/`#unset_field`… line the setting, from that line on. Records
 * of another log (`#path dns`) are NOT_A_CONNECTION. A record before any `#fields` line, or with another number of
 * fields than `#fields` names, is MALFORMED. The record itself is read by zeekConnection (documents/zeek-conn.ts),
 * the same reading as Zeek's JSON form.
 */
import { messageTime } from '../syslog/family.js';
import { zeekConnection, ZEEK_PRODUCT, ZEEK_VENDOR } from '../documents/zeek-conn.js';
import type { DocumentContext } from '../documents/document.js';
import { MAX_RECORD_CHARS } from '../lines.js';
import { FILTERED, recordPrefilter } from '../prefilter.js';
import { fail, isBlankBytes, skip, toOutcome, type LineFormat, type LineSession, type ParseContext } from '../types.js';

const HASH = 35;

interface Layout {
  /** Column index by field name. */
  index: Map<string, number>;
  columns: number;
  respPort: number | undefined;
}

/** `\x09` → TAB; a literal single character as is; undefined for anything else. */
export function decodeSeparator(token: string): string | undefined {
  const t = token.trim();
  const hex = /^\\x([0-9a-fA-F]{2})$/.exec(t);
  if (hex) return String.fromCharCode(parseInt(hex[1]!, 16));
  return t.length === 1 ? t : undefined;
}

function openZeekTsv(ctx: ParseContext): LineSession {
  let separator = '\t';
  let separatorCode = 9;
  let unset = '-';
  let empty = '(empty)';
  let path: string | undefined;
  let layout: Layout | undefined;
  const prefilter = recordPrefilter(ctx.prefilter);
  const docCtx: DocumentContext = { file: ctx.file, lineNo: 0, time: messageTime(ctx), prefilter, observe: ctx.observe };

  /** A `#` line: a setting for the lines after it, never a record. */
  const header = (line: string): string | undefined => {
    if (line.startsWith('#separator')) {
      const sep = decodeSeparator(line.slice('#separator'.length));
      if (sep === undefined) return `#separator: not a separator: ${JSON.stringify(line.slice(10, 40))}`;
      separator = sep;
      separatorCode = sep.charCodeAt(0);
      return undefined;
    }
    const cut = line.indexOf(separator);
    const key = cut === -1 ? line : line.slice(0, cut);
    const value = cut === -1 ? '' : line.slice(cut + separator.length);
    switch (key) {
      case '#unset_field': unset = value; break;
      case '#empty_field': empty = value; break;
      case '#path': path = value; break;
      case '#fields': {
        const names = value.split(separator);
        const index = new Map(names.map((n, i) => [n, i] as const));
        layout = { index, columns: names.length, respPort: index.get('id.resp_p') };
        ctx.observe?.columns({ used: {}, available: names.slice(0, 100) });
        break;
      }
      default: break; // #set_separator, #open, #close, #types and comments say nothing about connections
    }
    return undefined;
  };

  return {
    push(buf, start, end, lineNo, out) {
      if (isBlankBytes(buf, start, end)) return; // blank lines are not records
      if (buf[start] === HASH) {
        const problem = header(buf.toString('utf8', start, end));
        if (problem) out.push(toOutcome(fail('MALFORMED', problem), lineNo));
        return;
      }
      if (end - start > MAX_RECORD_CHARS) {
        out.push(toOutcome(fail('RECORD_TOO_LONG', `record longer than ${MAX_RECORD_CHARS} bytes`), lineNo));
        return;
      }
      if (layout === undefined) {
        out.push(toOutcome(fail('MALFORMED', 'Zeek record before any #fields header line'), lineNo));
        return;
      }
      // Structural checks first, on bytes (scan and parse agree): the field count.
      let fields = 1;
      for (let i = start; i < end; i++) if (buf[i] === separatorCode) fields++;
      if (separator.length === 1 && fields !== layout.columns) {
        out.push(toOutcome(fail('MALFORMED', `expected ${layout.columns} fields (#fields), found ${fields}`), lineNo));
        return;
      }
      if (path !== undefined && path !== 'conn') {
        out.push(toOutcome(skip('NOT_A_CONNECTION', `a Zeek ${path}.log record`), lineNo));
        return;
      }
      if (prefilter && !prefilter.bytesMayMatch(buf, start, end)) {
        out.push(toOutcome(FILTERED, lineNo));
        return;
      }
      const values = buf.toString('utf8', start, end).replace(/\r$/, '').split(separator);
      const { index } = layout;
      docCtx.lineNo = lineNo;
      const result = zeekConnection((name) => {
        const i = index.get(name);
        const v = i === undefined ? undefined : values[i];
        return v === undefined || v === unset || v === empty ? undefined : v;
      }, 'zeek', docCtx);
      out.push(toOutcome(result, lineNo));
    },
    end() {},
  };
}

export const zeekTsvFormat: LineFormat = {
  id: 'zeek',
  kind: 'lines',
  vendor: ZEEK_VENDOR,
  product: ZEEK_PRODUCT,
  description: 'Zeek conn.log, TSV with #separator/#fields/#types headers (any field order, several header blocks)',
  recognizedBy: 'first line is `#separator \\x09` (Zeek ASCII writer header) or a `#fields` line',
  sniff: (firstLine) => /^#separator \S|^#fields\t/.test(firstLine),
  open: openZeekTsv,
};
