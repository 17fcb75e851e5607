import type { EventField } from './plan.js';

/**
 * Sigma field names — the taxonomy of logsource category `firewall` that rules are written in — → event fields. A
 * rule naming any other field is rejected with the field named, never silently ignored. (Not to be confused with
 * column aliases: how a log's columns feed event fields, src/parsers/fields.ts.)
 */
export const SIGMA_TAXONOMY: Readonly<Record<string, EventField>> = {
  src_ip: 'srcIp',
  dst_ip: 'dstIp',
  src_port: 'srcPort',
  dst_port: 'dstPort',
  action: 'action',
  protocol: 'protocol',
};

/** Logsource categories whose events the engine sees. */
export const SUPPORTED_CATEGORIES = new Set(['firewall']);
