/**
 * KQL table profiles: everything the KQL emitter needs to know about one Sentinel table, as data.
 *
 * The renderer (render.ts) never names a table or a column itself; it reads them from a profile. Supporting a new
 * table is a new entry in `KQL_TABLES` (in the spirit of pySigma's per-table pipelines):
 *
 * - `source`: the table (`NetworkEvent`) or function (`_Im_NetworkSession`) the query starts from; a function
 *   (`call`) is called with parentheses, and given the rule's single required value of a field as the parameter
 *   its parser pre-filters on (`_Im_NetworkSession(dstportnumber = DICOMPort)`).
 * - `preFilters`: fixed `| where` lines the table always needs, rendered right after the source, before the rule's
 *   own filter (DeviceNetworkEvents: inbound accepted connections only).
 * - `columns`: event field → column, with the column's KQL type, which decides how values are rendered
 *   (`DestinationPort == 104` on an `int` column, `OriginalProtocol in~ ("tcp", "6")` on a `string` one). A column
 *   may be computed from the table's own columns (`compute`, rendered as an `| extend` when the rule uses it), and
 *   may spell the event model's values its own way (`values`: `deny` → `REJECT`; one value may have several
 *   spellings). A field a table lacks is absent; a rule that uses it is a clear error naming the rule, the field
 *   and the table.
 * - `lets`: helper `let` statements that computed columns name (emitted only when such a column is used).
 * - `time`: the time column that is binned. The bucket is always output as `TimeGenerated`.
 * - `project`: an optional column list projected before `summarize` (the advisory query keeps one for
 *   NetworkEvent). Source column names only: renames to the output names happen in `summarize … by`.
 *
 * Output columns are fixed by the CLI contract (`SourceIP, DestinationIP, TimeGenerated, count_` for the reference
 * rule, on every table): a group key whose column has another name is renamed in `summarize`
 * (`by SourceIP = SrcAddr, ...`), see `KQL_OUTPUT_NAMES`.
 *
 * Column names and types are those of Microsoft's table reference, kept in test/data/kql-schemas/<name>.json and
 * checked by test/kql.test.ts; value spellings cite their source beside each profile.
 */
import type { EventField } from '../../rules/plan.js';
import { kqlDynamicStrings, kqlString } from './literals.js';
import { ACTION_SPELLINGS, ALL_ACTION_SPELLINGS } from './vocabulary.js';

/** KQL scalar types a profile column may have (the ones our event fields map onto). */
export type KqlScalarType = 'string' | 'int' | 'long' | 'real' | 'datetime';

/** Column types whose values are rendered as numbers (`== 104`, `in (104, 11112)`), never as strings. */
export const KQL_NUMERIC_TYPES: ReadonlySet<KqlScalarType> = new Set<KqlScalarType>(['int', 'long', 'real']);

export interface KqlColumn {
  /** Column name in the table (or the function's output), or the name a computed column is given. */
  name: string;
  /** Its KQL type, as in the table reference (for a computed column: the type of `compute`). */
  type: KqlScalarType;
  /**
   * A KQL expression over the table's own columns that computes this column, rendered `| extend name = compute`
   * before the rule's filter (it may replace a column of the same name). For values a table spreads over several
   * columns, e.g. CommonSecurityLog's IPv6 sources in labelled custom slots.
   */
  compute?: string;
  /**
   * The column's spellings of the event model's values (keys lower-case, as the model writes them), e.g.
   * `{ allow: ['ACCEPT'], deny: ['REJECT'] }`. Closed: a rule value that is not a key is an error, never a silent
   * non-match. Without it, protocols get their default spellings (keyword and number, see vocabulary.ts) and other
   * values compare as they are.
   */
  values?: Readonly<Record<string, readonly (string | number)[]>>;
}

export interface KqlFunctionCall {
  /**
   * Event field → the function's parameter that pre-filters on one value of that field (ASIM's
   * `dstportnumber`). Passed only when the rule's filter requires exactly that value, so the parameter never
   * drops a row the rule would keep; the rule's own `where` line stays.
   */
  pushdown?: Partial<Record<EventField, string>>;
  /** The function's own time-range parameters (ASIM `starttime`/`endtime`): `--lookback` is passed through them. */
  timeRange?: { start: string; end: string };
}

export interface KqlTableProfile {
  /** Profile name, as given to `--table` (usually the table's name). */
  name: string;
  /** One line for `dicomwatch kql --help` and error messages. */
  description: string;
  /** Table or function the query starts from. */
  source: string;
  /** Present when `source` is a function: it is called with parentheses and these parameters. */
  call?: KqlFunctionCall;
  /** Fixed boolean KQL expressions, one `| where` line each, applied before the rule's filter. */
  preFilters?: readonly string[];
  /** Helper `let`s (name → value) that computed columns name; emitted when a used column's expression names one. */
  lets?: Readonly<Record<string, string>>;
  /** The time column that is binned (output as `TimeGenerated`). */
  time: KqlColumn;
  /** Event field → column. Fields the table does not carry are absent. */
  columns: Partial<Record<EventField, KqlColumn>>;
  /**
   * Columns kept by a `| project` line before `summarize` (source names). The time column and every group-by
   * column are appended when missing, so a rule grouping by another key still yields a valid query.
   */
  project?: readonly string[];
  /**
   * The Sentinel data connectors that fill the table (`connectorId` and the tables it writes), for a deployable
   * analytics rule's `requiredDataConnectors`; empty for a table no connector writes (the advisory's NetworkEvent), or absent.
   * Ids as the Azure-Sentinel repository's Detections use them.
   */
  connectors?: readonly KqlDataConnector[];
}

export interface KqlDataConnector {
  connectorId: string;
  dataTypes: readonly string[];
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

const TIME_GENERATED: KqlColumn = { name: 'TimeGenerated', type: 'datetime' };

// ---------------------------------------------------------------------------------------------------------------
// CommonSecurityLog (CEF). Column names: Microsoft's table reference. How dicomwatch's parser reads the same table
// (src/parsers/fields.ts), which the computed columns mirror so the KQL counts what the engine counts:
// - addresses: `SourceIP` / `DestinationIP`, else a custom IPv6 slot `DeviceCustomIPv6Address1..4` whose sibling
//   `…Label` names the role (`Source IPv6 Address`; CEF `src`/`dst` are IPv4 only, so IPv6 traffic lands there).
//   The label test is labelledAddressField's: lower-case, drop blanks, `_` and `-`, drop the words ipv6, address,
//   addr, ip; what is left is `source`/`src` or `destination`/`dest`/`dst`; labels over 64 characters name nothing.
// - action: `DeviceAction` when it states a decision, else `SimplifiedDeviceAction`; vendor free text, so every
//   spelling of the model's vocabulary (vocabulary.ts), compared case-insensitively.
// - device: `DeviceName`, else `Computer` (the host that forwarded the log).
// ---------------------------------------------------------------------------------------------------------------
const CEF_SLOTS = [1, 2, 3, 4] as const;

/** `let CefSlotRole = (label: string) {…}`: the role a CEF IPv6 slot's label names, as labelledAddressField reads it. */
const CEF_SLOT_ROLE =
  '(label: string) { iff(strlen(label) <= 64, replace_regex(replace_regex(tolower(label), @"[\\s_-]+", ""), @"ipv6|address|addr|ip", ""), "") }';

/** `coalesce(SourceIP, <slot 1 if labelled source>, …)`: coalesce skips empty strings, so the first address wins. */
function cefAddress(column: string, roles: readonly string[]): string {
  const slots = CEF_SLOTS.map(
    (n) => `iff(CefSlotRole(DeviceCustomIPv6Address${n}Label) in (${roles.map(kqlString).join(', ')}), DeviceCustomIPv6Address${n}, "")`,
  );
  return `coalesce(${column}, ${slots.join(', ')})`;
}

/** DeviceNetworkEvents' connection types: the one inbound, then the device's own outgoing ones (see below). */
const DNE_INBOUND = 'InboundConnectionAccepted';
const DNE_OUTBOUND = ['ConnectionSuccess', 'ConnectionAttempt', 'ConnectionFailed', 'ConnectionRequest'];

/** A DeviceNetworkEvents row's end of the connection: `inbound`'s column on an inbound row, else `outbound`'s. */
function dneEnd(inbound: string, outbound: string): string {
  return `iff(ActionType == ${kqlString(DNE_INBOUND)}, ${inbound}, ${outbound})`;
}

/**
 * The shipped profiles, one per Sentinel table (DESIGN.md: CLI `kql`). Sources for the value spellings:
 * - AWSVPCFlow `Action` is `ACCEPT` or `REJECT`, `Protocol` the IANA number (AWS VPC flow log record fields).
 * - AZFWNetworkRule `Action` is `Allow`/`Deny`, `Protocol` e.g. `TCP`, `UDP` (Azure Monitor table reference).
 * - `_Im_NetworkSession` `DvcAction` is one of Allow, Deny, Drop, Drop ICMP, Reset, Reset Source, Reset Destination,
 *   Encrypt, Decrypt, VPNroute; `NetworkProtocol` e.g. `TCP` (ASIM Network Session schema); the filtering
 *   parameters (starttime, endtime, srcipaddr_has_any_prefix, dstipaddr_has_any_prefix, ipaddr_has_any_prefix,
 *   dstportnumber, hostname_has_any, dvcaction, eventresult) are the schema's "Filtering parser parameters".
 * - DeviceNetworkEvents `ActionType` `InboundConnectionAccepted`: "The device accepted a network connection initiated
 *   by another device" — the only inbound type; ConnectionSuccess, ConnectionAttempt, ConnectionFailed and
 *   ConnectionRequest are the device's own outgoing connections (LocalPort an ephemeral port). A row is the device's
 *   view, so which end is the source depends on the type: the remote end inbound, the device outbound.
 */
export const KQL_TABLES: Readonly<Record<string, KqlTableProfile>> = {
  NetworkEvent: {
    name: 'NetworkEvent',
    description: "the advisory's table: TimeGenerated, SourceIP, DestinationIP, DestinationPort, DeviceName, OriginalProtocol",
    source: 'NetworkEvent',
    time: TIME_GENERATED,
    columns: {
      srcIp: { name: 'SourceIP', type: 'string' },
      dstIp: { name: 'DestinationIP', type: 'string' },
      dstPort: { name: 'DestinationPort', type: 'int' },
      protocol: { name: 'OriginalProtocol', type: 'string' },
      device: { name: 'DeviceName', type: 'string' },
    },
    project: ['TimeGenerated', 'SourceIP', 'DestinationIP', 'DeviceName', 'OriginalProtocol'],
    connectors: [],
  },

  CommonSecurityLog: {
    name: 'CommonSecurityLog',
    description: 'CEF firewalls: SourceIP/DestinationIP (or labelled IPv6 slots), DestinationPort, Protocol, DeviceAction',
    source: 'CommonSecurityLog',
    lets: {
      CefSlotRole: CEF_SLOT_ROLE,
      CefDecisions: kqlDynamicStrings(ALL_ACTION_SPELLINGS),
    },
    time: TIME_GENERATED,
    columns: {
      srcIp: { name: 'SourceIP', type: 'string', compute: cefAddress('SourceIP', ['source', 'src']) },
      dstIp: { name: 'DestinationIP', type: 'string', compute: cefAddress('DestinationIP', ['destination', 'dest', 'dst']) },
      srcPort: { name: 'SourcePort', type: 'int' },
      dstPort: { name: 'DestinationPort', type: 'int' },
      protocol: { name: 'Protocol', type: 'string' },
      action: {
        name: 'Action',
        type: 'string',
        compute: 'iff(DeviceAction in~ (CefDecisions), DeviceAction, SimplifiedDeviceAction)',
        values: ACTION_SPELLINGS,
      },
      device: { name: 'DeviceName', type: 'string', compute: 'coalesce(DeviceName, Computer)' },
    },
    connectors: [{ connectorId: 'CEF', dataTypes: ['CommonSecurityLog'] }],
  },

  _Im_NetworkSession: {
    name: '_Im_NetworkSession',
    description: 'ASIM network sessions (all sources): SrcIpAddr, DstIpAddr, DstPortNumber, NetworkProtocol, DvcAction',
    source: '_Im_NetworkSession',
    call: { pushdown: { dstPort: 'dstportnumber' }, timeRange: { start: 'starttime', end: 'endtime' } },
    time: TIME_GENERATED,
    columns: {
      srcIp: { name: 'SrcIpAddr', type: 'string' },
      dstIp: { name: 'DstIpAddr', type: 'string' },
      srcPort: { name: 'SrcPortNumber', type: 'int' },
      dstPort: { name: 'DstPortNumber', type: 'int' },
      protocol: { name: 'NetworkProtocol', type: 'string' },
      action: {
        name: 'DvcAction',
        type: 'string',
        values: { allow: ['Allow'], deny: ['Deny'], drop: ['Drop', 'Drop ICMP'], reset: ['Reset', 'Reset Source', 'Reset Destination'] },
      },
      device: { name: 'Dvc', type: 'string' },
    },
    // the ASIM parser unions many sources; these are the ones the other profiles read directly
    connectors: [
      { connectorId: 'AWSS3', dataTypes: ['AWSVPCFlow'] },
      { connectorId: 'MicrosoftThreatProtection', dataTypes: ['DeviceNetworkEvents'] },
      { connectorId: 'AzureFirewall', dataTypes: ['AZFWNetworkRule'] },
      { connectorId: 'CEF', dataTypes: ['CommonSecurityLog'] },
    ],
  },

  DeviceNetworkEvents: {
    name: 'DeviceNetworkEvents',
    description: 'Defender for Endpoint connections, each way: inbound RemoteIP → LocalIP:LocalPort, outbound LocalIP → RemoteIP:RemotePort',
    source: 'DeviceNetworkEvents',
    preFilters: [`ActionType in (${[DNE_INBOUND, ...DNE_OUTBOUND].map(kqlString).join(', ')})`],
    time: TIME_GENERATED,
    columns: {
      srcIp: { name: 'SourceIP', type: 'string', compute: dneEnd('RemoteIP', 'LocalIP') },
      dstIp: { name: 'DestinationIP', type: 'string', compute: dneEnd('LocalIP', 'RemoteIP') },
      srcPort: { name: 'SourcePort', type: 'int', compute: dneEnd('RemotePort', 'LocalPort') },
      dstPort: { name: 'DestinationPort', type: 'int', compute: dneEnd('LocalPort', 'RemotePort') },
      protocol: { name: 'Protocol', type: 'string' },
      action: { name: 'ActionType', type: 'string', values: { allow: [DNE_INBOUND, 'ConnectionSuccess'] } },
      device: { name: 'DeviceName', type: 'string' },
    },
    connectors: [{ connectorId: 'MicrosoftThreatProtection', dataTypes: ['DeviceNetworkEvents'] }],
  },

  AWSVPCFlow: {
    name: 'AWSVPCFlow',
    description: 'AWS VPC flow logs: SrcAddr, DstAddr, DstPort, Protocol (number), Action (ACCEPT/REJECT)',
    source: 'AWSVPCFlow',
    time: TIME_GENERATED,
    columns: {
      srcIp: { name: 'SrcAddr', type: 'string' },
      dstIp: { name: 'DstAddr', type: 'string' },
      srcPort: { name: 'SrcPort', type: 'int' },
      dstPort: { name: 'DstPort', type: 'int' },
      protocol: { name: 'Protocol', type: 'int' },
      action: { name: 'Action', type: 'string', values: { allow: ['ACCEPT'], deny: ['REJECT'] } },
    },
    connectors: [{ connectorId: 'AWSS3', dataTypes: ['AWSVPCFlow'] }],
  },

  AZFWNetworkRule: {
    name: 'AZFWNetworkRule',
    description: 'Azure Firewall network rules: SourceIp, DestinationIp, DestinationPort, Protocol, Action (Allow/Deny)',
    source: 'AZFWNetworkRule',
    time: TIME_GENERATED,
    columns: {
      srcIp: { name: 'SourceIp', type: 'string' },
      dstIp: { name: 'DestinationIp', type: 'string' },
      srcPort: { name: 'SourcePort', type: 'int' },
      dstPort: { name: 'DestinationPort', type: 'int' },
      protocol: { name: 'Protocol', type: 'string' },
      action: { name: 'Action', type: 'string', values: { allow: ['Allow'], deny: ['Deny'] } },
    },
    connectors: [{ connectorId: 'AzureFirewall', dataTypes: ['AZFWNetworkRule'] }],
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

/**
 * Names a rule-derived `let` must not take, lower-case: every column and helper any profile names, and every
 * output name. Kusto resolves a name to a column before a `let` of the same name (analyzer warning KS510), so a
 * `let DstPort = 445` on AWSVPCFlow would silently compare the column with itself.
 */
export function kqlReservedNames(): ReadonlySet<string> {
  const names = new Set<string>([...Object.values(KQL_OUTPUT_NAMES), KQL_TIME_OUTPUT]);
  for (const p of Object.values(KQL_TABLES)) {
    names.add(p.source).add(p.time.name);
    for (const c of Object.values(p.columns)) names.add(c!.name);
    // the columns computed ones and pre-filters read (DeviceNetworkEvents' LocalPort): every word of them, to be safe
    for (const text of [...Object.values(p.columns).map((c) => c!.compute ?? ''), ...(p.preFilters ?? [])]) {
      for (const word of text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []) names.add(word);
    }
    for (const l of Object.keys(p.lets ?? {})) names.add(l);
    for (const c of p.project ?? []) names.add(c);
  }
  return new Set([...names].map((n) => n.toLowerCase()));
}
