import type { EventField } from './plan.js';

/**
 * Sigma taxonomy field names (logsource category `firewall`) → event fields. A rule naming any other field is
 * rejected with the field named, never silently ignored.
 */
export const SIGMA_FIELDS: Readonly<Record<string, EventField>> = {
  src_ip: 'srcIp',
  dst_ip: 'dstIp',
  src_port: 'srcPort',
  dst_port: 'dstPort',
  action: 'action',
  protocol: 'protocol',
};

/** Logsource categories whose events the engine sees. */
export const SUPPORTED_CATEGORIES = new Set(['firewall']);
