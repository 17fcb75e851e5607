/** What the device decided about the connection. Absent when the log does not say. */
export type Action = 'allow' | 'deny' | 'drop' | 'reset';

export const ACTIONS: readonly Action[] = ['allow', 'deny', 'drop', 'reset'];

/**
 * One normalized connection record: the JSON object `dicomwatch parse` prints, one per line.
 * Fields the source does not carry are absent, never invented.
 */
export interface NetworkEvent {
  /**
   * Epoch milliseconds (UTC): the device's own timestamp, or a flow's start. A number while the event travels
   * through parsers and engine; written as ISO-8601 UTC with milliseconds (`2026-03-16T10:15:02.000Z`) only when
   * the event is written (eventToJson).
   */
  time: number;
  /** Canonical text: IPv4 dotted quad, IPv6 RFC 5952 lower-case compressed. */
  srcIp: string;
  srcPort?: number;
  dstIp: string;
  dstPort?: number;
  /** Lower-case IANA keyword (`tcp`, `udp`, `ipv6-icmp`…) or the protocol number as a string. */
  protocol?: string;
  action?: Action;
  bytes?: number;
  packets?: number;
  device?: string;
  vendor?: string;
  product?: string;
  /** Flow records: the SNMP ifIndex of the input and output interface. */
  inInterface?: number;
  outInterface?: number;
  /**
   * Flow records from sampled exporters: 1 packet in N was sampled (the exporter's own statement). Counters are
   * kept as exported, never multiplied by it: a reader scales them knowingly.
   */
  samplingInterval?: number;
  /** Id of the format module that parsed the record. */
  format: string;
  /** Input file name as given (`-` for stdin). */
  file: string;
  /** 1-based line where the record starts (JSON array: element index; NetFlow: data record index). */
  line: number;
  /** NetFlow/IPFIX: 1-based packet index. */
  packet?: number;
}

/**
 * An event as a library caller may hand it to the engine: the model's fields, with the time as epoch milliseconds
 * or as text (its JSON form, `2026-03-16T10:15:02.000Z`); the engine checks and canonicalises it.
 */
export type EventInput = Omit<NetworkEvent, 'time'> & { time: number | string };

/** The order the event contract lists its keys in; JSON output follows it. */
export const EVENT_KEYS = [
  'time', 'srcIp', 'srcPort', 'dstIp', 'dstPort', 'protocol', 'action', 'bytes', 'packets',
  'device', 'vendor', 'product', 'inInterface', 'outInterface', 'samplingInterval', 'format', 'file', 'line', 'packet',
] as const satisfies readonly (keyof NetworkEvent)[];

/** The event's JSON form (the `parse` contract): keys in contract order, absent fields left out, time as ISO text. */
export function eventJsonObject(event: NetworkEvent): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of EVENT_KEYS) {
    const value = event[key];
    if (value !== undefined) out[key] = key === 'time' ? new Date(value as number).toISOString() : value;
  }
  return out;
}

/** The event as one JSON line. */
export function eventToJson(event: NetworkEvent): string {
  return JSON.stringify(eventJsonObject(event));
}
