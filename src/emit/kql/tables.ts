/**
 * KQL table profiles: everything the KQL emitter needs to know about one Sentinel table, as data.
 *
 * The renderer (render.ts) never names a table or a column itself; it reads them from a profile. Supporting a new
 * table is therefore mostly a new entry in `KQL_TABLES` (in the spirit of pySigma's per-table pipelines):
 *
 * - `source`: the table expression the query starts from. A plain table (`NetworkEvent`) or a function call with
 *   parameters (`_Im_NetworkSession(starttime = ago(1d), endtime = now())`).
 * - `preFilters`: fixed `| where` lines the table always needs, rendered right after the source, before the rule's
 *   own filter (e.g. DeviceNetworkEvents `ActionType in ("InboundConnectionAccepted", ...)`).
 * - `columns`: event field → column, with the column's KQL type, which decides how values are rendered
 *   (`DestinationPort == 104` on an `int` column, `DeviceName =~ "fw01"` on a `string` one) and, optionally, a value
 *   translation (AWSVPCFlow's numeric `Protocol`: `tcp` → 6). A field a table lacks is simply absent; a rule that
 *   uses it is a clear error naming the rule, the field and the table.
 * - `time`: the time column that is binned. The bucket is always output as `TimeGenerated`.
 * - `project`: an optional column list projected before `summarize` (the advisory query keeps one for
 *   NetworkEvent). Source column names only: renames to the output names happen in `summarize … by`.
 *
 * Output columns are fixed by the CLI contract (`SourceIP, DestinationIP, TimeGenerated, count_`): a group key
 * whose column has another name is renamed in `summarize` (`by SourceIP = SrcAddr, ...`), see `KQL_OUTPUT_NAMES`.
 */
import type { EventField } from '../../rules/plan.js';

/** KQL scalar types a profile column may have (the ones our event fields map onto). */
export type KqlScalarType = 'string' | 'int' | 'long' | 'real' | 'datetime';

/** Column types whose values are rendered as numbers (`== 104`, `in (104, 11112)`), never as strings. */
export const KQL_NUMERIC_TYPES: ReadonlySet<KqlScalarType> = new Set<KqlScalarType>(['int', 'long', 'real']);

export interface KqlColumn {
  /** Column name in the table (or the function's output). */
  name: string;
  /** Its KQL type, as in the table reference. */
  type: KqlScalarType;
  /**
   * Optional translation of rule values to the column's values, keyed by the event model's value (lower-case):
   * e.g. `{ tcp: 6, udp: 17 }` for a numeric protocol column, or `{ deny: 'Deny' }` for a vendor's action words.
   * When present, a rule value that is not a key is an error (never a silent non-match).
   */
  values?: Readonly<Record<string, string | number>>;
}

export interface KqlTableProfile {
  /** Profile name, as given to `--table` (usually the table's name). */
  name: string;
  /** One line for `dicomwatch kql --help` and error messages. */
  description: string;
  /** Table expression the query starts from: a table name or a function call with arguments. */
  source: string;
  /** Fixed boolean KQL expressions, one `| where` line each, applied before the rule's filter. */
  preFilters?: readonly string[];
  /** The time column that is binned (output as `TimeGenerated`). */
  time: KqlColumn;
  /** Event field → column. Fields the table does not carry are absent. */
  columns: Partial<Record<EventField, KqlColumn>>;
  /**
   * Columns kept by a `| project` line before `summarize` (source names). The time column and every group-by
   * column are appended when missing, so a rule grouping by another key still yields a valid query.
   */
  project?: readonly string[];
}

/** Output column name of each group key (the CLI's csv header uses the same names). */
export const KQL_OUTPUT_NAMES: Readonly<Record<EventField, string>> = {
  srcIp: 'SourceIP',
  dstIp: 'DestinationIP',
  srcPort: 'SourcePort',
  dstPort: 'DestinationPort',
  protocol: 'Protocol',
  action: 'Action',
  device: 'DeviceName',
};

/** Output column of the time bucket. */
export const KQL_TIME_OUTPUT = 'TimeGenerated';

/**
 * The shipped profiles. Column names and types are those of test/data/kql-schemas/<name>.json (checked by
 * test/kql.test.ts), which come from Microsoft's table reference or, for NetworkEvent, from the advisory.
 */
export const KQL_TABLES: Readonly<Record<string, KqlTableProfile>> = {
  NetworkEvent: {
    name: 'NetworkEvent',
    description: "the advisory's table: TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceName, OriginalProtocol",
    source: 'NetworkEvent',
    time: { name: 'TimeGenerated', type: 'datetime' },
    columns: {
      srcIp: { name: 'SourceIP', type: 'string' },
      dstIp: { name: 'DestinationIP', type: 'string' },
      dstPort: { name: 'DestinationPort', type: 'int' },
      protocol: { name: 'OriginalProtocol', type: 'string' },
      device: { name: 'DeviceName', type: 'string' },
    },
    project: ['TimeGenerated', 'SourceIP', 'DestinationIP', 'DeviceName', 'OriginalProtocol'],
  },
};

/** Names of the shipped profiles, sorted. */
export function kqlTableNames(): string[] {
  return Object.keys(KQL_TABLES).sort();
}

/** The profile for `name` (exact, then case-insensitive); throws listing the known tables. */
export function kqlTable(name: string): KqlTableProfile {
  const exact = Object.hasOwn(KQL_TABLES, name) ? KQL_TABLES[name] : undefined;
  if (exact) return exact;
  const folded = kqlTableNames().find((n) => n.toLowerCase() === name.toLowerCase());
  if (folded !== undefined) return KQL_TABLES[folded]!;
  throw new Error(`unknown KQL table '${name}'; known tables: ${kqlTableNames().join(', ')}`);
}
