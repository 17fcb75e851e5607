/**
 * The asset list of `--known FILE`: a CSV (any delimiter csv-parse detects among `,` `;` tab) with an IP column —
 * the first header named like one (`ip`, `ip_address`, `IP Address`, `ipv4`, `ipv6`, `address`, `host_ip`,
 * `ipaddr`…, case and punctuation ignored), or, in a file without such a header, the first column whose first cell
 * is an address. A cell may hold several addresses (`10.1.2.3; 10.1.2.4`) or a CIDR (`10.1.50.0/24`: a modality
 * VLAN). IPv4-mapped IPv6 matches its IPv4 address.
 */
import { detectDelimiter } from '../parsers/csv.js';
import type * as CsvParse from 'csv-parse/sync';
import { lazily } from '../lazy.js';
import { DicomwatchError } from '../errors.js';
import { CidrSet, parseCidr, type Cidr } from '../net/cidr.js';
import { inCidrSet } from '../net/classify.js';
import { decodeText } from './text.js';

const csvParse = lazily<typeof CsvParse>('csv-parse/sync');

export interface KnownAssets {
  /** Entries read (addresses and CIDRs). */
  readonly size: number;
  /** The column used. */
  readonly column: string;
  has(ip: string): boolean;
}

const IP_NAMES = ['ip', 'ipaddress', 'ipv4', 'ipv6', 'ipv4address', 'ipv6address', 'address', 'hostip', 'ipaddr', 'addr', 'ips', 'ipaddresses', 'host', 'server', 'primaryip', 'managementip'];

function normalName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function cidrsIn(cell: string): Cidr[] {
  return cell.split(/[\s;,|]+/).flatMap((t) => {
    const c = t === '' ? undefined : parseCidr(t);
    return c ? [c] : [];
  });
}

/** Parse an asset list; a file without an IP column is a DicomwatchError BAD_OPTION naming it. */
export function parseKnownAssets(bytes: Uint8Array, file = 'known'): KnownAssets {
  const text = decodeText(bytes);
  const firstLine = text.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  let rows: string[][];
  try {
    rows = csvParse().parse(text, { delimiter: detectDelimiter(firstLine), relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new DicomwatchError('BAD_OPTION', `known: ${file}: not a CSV file (${(e as Error).message})`, 'known');
  }
  const header = rows[0] ?? [];
  // The first IP-named column (in IP_NAMES order) that holds an address: a `host` column of names is passed over.
  let column = -1;
  for (const name of IP_NAMES) {
    const at = header.findIndex((h) => normalName(h) === name);
    if (at >= 0 && rows.slice(1).some((r) => cidrsIn(r[at] ?? '').length > 0)) {
      column = at;
      break;
    }
  }
  let body = rows.slice(1);
  let columnName = column >= 0 ? header[column]! : '';
  if (column < 0) {
    column = header.findIndex((h) => cidrsIn(h).length > 0);
    body = rows;
    columnName = `column ${column + 1}`;
  }
  if (column < 0) {
    throw new DicomwatchError('BAD_OPTION', `known: ${file}: no IP column (a header named ip, ip_address, address…, or addresses in a column)`, 'known');
  }
  const cidrs = body.flatMap((r) => cidrsIn(r[column] ?? ''));
  const set = new CidrSet(cidrs);
  return { size: cidrs.length, column: columnName, has: (ip) => inCidrSet(set, ip, true) === true };
}
