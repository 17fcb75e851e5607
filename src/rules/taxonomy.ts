import type { EventField } from './plan.js';

/**
 * Field names rules are written in → event fields, as data: one vocabulary per naming scheme a network rule is
 * commonly written in. A rule naming any other field is rejected with the rule, the field and the line named,
 * never silently ignored. (Not to be confused with column aliases: how a log's columns feed event fields,
 * src/parsers/fields.ts.) Names are case-sensitive, as Sigma field names are.
 */
export const FIELD_VOCABULARIES: readonly { name: string; fields: Readonly<Record<string, EventField>> }[] = [
  {
    // The Sigma taxonomy of logsource category `firewall` (sigma-specification, Taxonomy appendix).
    name: 'Sigma firewall',
    fields: { src_ip: 'srcIp', dst_ip: 'dstIp', src_port: 'srcPort', dst_port: 'dstPort', action: 'action', protocol: 'protocol' },
  },
  {
    // Elastic Common Schema, as `taxonomy: ecs` rules and Elastic's own write them.
    name: 'ECS',
    fields: {
      'source.ip': 'srcIp',
      'destination.ip': 'dstIp',
      'source.port': 'srcPort',
      'destination.port': 'dstPort',
      'network.transport': 'protocol',
      'event.action': 'action',
      'observer.name': 'device',
      'observer.hostname': 'device',
    },
  },
  {
    // Sysmon / Sigma `network_connection` names.
    name: 'network_connection',
    fields: { SourceIp: 'srcIp', DestinationIp: 'dstIp', SourcePort: 'srcPort', DestinationPort: 'dstPort', Protocol: 'protocol' },
  },
  {
    // Zeek conn.log.
    name: 'Zeek conn',
    fields: { 'id.orig_h': 'srcIp', 'id.resp_h': 'dstIp', 'id.orig_p': 'srcPort', 'id.resp_p': 'dstPort', proto: 'protocol' },
  },
  {
    // The event model's own names, and the device that logged the connection.
    name: 'dicomwatch',
    fields: { srcIp: 'srcIp', dstIp: 'dstIp', srcPort: 'srcPort', dstPort: 'dstPort', device: 'device', dvc: 'device' },
  },
];

/** Every rule field name → event field (the union of FIELD_VOCABULARIES). */
export const SIGMA_TAXONOMY: Readonly<Record<string, EventField>> = Object.fromEntries(
  FIELD_VOCABULARIES.flatMap((v) => Object.entries(v.fields)),
);

/** The event field a rule field name names; own keys only (`toString`, `constructor` are not fields). */
export function taxonomyField(name: string): EventField | undefined {
  return Object.hasOwn(SIGMA_TAXONOMY, name) ? SIGMA_TAXONOMY[name] : undefined;
}

/** The supported names, for messages: `src_ip, dst_ip, …` (the Sigma ones first; the rest are in the README). */
export function supportedFieldNames(): string {
  return `${Object.keys(FIELD_VOCABULARIES[0]!.fields).join(', ')} (or their ECS, Sysmon or Zeek names)`;
}

/**
 * The logsources whose events the engine sees: each a set of `logsource` keys and values that must all match. A
 * rule for another logsource (process creation, DNS, proxy…) is refused: its fields are not in flow records.
 */
export const SUPPORTED_LOGSOURCES: readonly Readonly<Record<string, string>>[] = [
  { category: 'firewall' },
  { category: 'network_connection' },
  { product: 'zeek', service: 'conn' },
];

/** Fields the event model has no value for, with why: named in the error instead of "unsupported field". */
export const UNAVAILABLE_FIELDS: Readonly<Record<string, string>> = {
  Initiated: 'the event model does not record which side initiated a connection',
  Image: 'firewall and flow records do not name the process',
  blocked: "use 'action' (allow, deny, drop, reset)",
  tcp_flags: 'the event model keeps no TCP flags',
};
