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

export const SIGMA_NAME_OF: Readonly<Record<EventField, string | undefined>> = {
  srcIp: 'src_ip', dstIp: 'dst_ip', srcPort: 'src_port', dstPort: 'dst_port', action: 'action', protocol: 'protocol',
  device: undefined,
};

/** Logsource categories whose events the engine sees. */
export const SUPPORTED_CATEGORIES = new Set(['firewall']);
