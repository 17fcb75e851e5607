/**
 * Address ranges behind the two meanings of "external" (DESIGN.md). Data only: the classifier, the KQL emitter and
 * the Sigma emitter all read these lists, so the three can never disagree.
 */

/** KQL's `ipv4_is_private()`: exactly RFC 1918, nothing else (CGNAT, loopback, link-local are "public" there). */
export const KQL_PRIVATE_V4: readonly string[] = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** `strict` mode's built-in internal IPv4 ranges. Documentation ranges (TEST-NET-1/2/3) are deliberately absent. */
export const STRICT_INTERNAL_V4: readonly string[] = [
  '0.0.0.0/8', // "this network", incl. the unspecified address (RFC 1122)
  '10.0.0.0/8', // RFC 1918
  '100.64.0.0/10', // shared address space, carrier-grade NAT (RFC 6598)
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local
  '172.16.0.0/12', // RFC 1918
  '192.168.0.0/16', // RFC 1918
  '224.0.0.0/4', // multicast
  '255.255.255.255/32', // limited broadcast
];

/** `strict` mode's built-in internal IPv6 ranges. 2001:db8::/32 (documentation) is deliberately absent. */
export const STRICT_INTERNAL_V6: readonly string[] = [
  '::/128', // unspecified
  '::1/128', // loopback
  'fc00::/7', // unique local (ULA)
  'fe80::/10', // link-local
  'ff00::/8', // multicast
];
