/**
 * Internal vs external, in the two meanings DESIGN.md defines ("Semantics of the reference rule"). Three-valued on
 * purpose: `null` is KQL's answer for a string it cannot parse, and the engine drops such rows the way Kusto does.
 */

import { CidrSet, parseCidr } from './cidr.js';
import { embeddedIpv4Number, ipv4ToNumber, ipv6GroupsToBigInt, parseIpv6 } from './ip.js';
import { KQL_PRIVATE_V4, STRICT_INTERNAL_V4, STRICT_INTERNAL_V6 } from './ranges.js';

const KQL_PRIVATE = new CidrSet(KQL_PRIVATE_V4);

/**
 * DESIGN.md, strict mode: an IPv4-mapped or IPv4-compatible IPv6 address is judged as the IPv4 address it carries.
 * kql mode has no such rule (KQL's ipv4 functions give null for any IPv6 text). The engine, the KQL emitter and
 * the Sigma expansion all ask here.
 */
export function judgesEmbeddedIpv4(semantics: 'strict' | 'kql'): boolean {
  return semantics === 'strict';
}

/**
 * Whether address `ip` is in `set`; with `embedded`, an IPv4-mapped/compatible IPv6 address also counts when its
 * IPv4 address is in the set (or an IPv6 range covers it outright). Null when `ip` is not an address, as KQL's
 * range functions answer.
 */
export function inCidrSet(set: CidrSet, ip: string, embedded: boolean): boolean | null {
  const n = ipv4ToNumber(ip);
  if (n !== undefined) return set.hasIpv4Number(n);
  if (ip.indexOf(':') < 0) return null;
  const groups = parseIpv6(ip);
  if (groups === undefined) return null;
  if (embedded) {
    const v4 = embeddedIpv4Number(groups);
    if (v4 >= 0 && set.hasIpv4Number(v4)) return true;
  }
  return set.hasIpv6Number(ipv6GroupsToBigInt(groups));
}

/**
 * Kusto's `ipv4_is_private()`: true in 10/8, 172.16/12, 192.168/16; false for every other IPv4 address (CGNAT,
 * loopback and link-local included); null when `text` is not an IPv4 address (IPv6, IPv4-mapped IPv6, garbage, "").
 * Kusto also accepts a masked string such as '10.1.2.3/24'; event addresses never carry a mask, so that form is
 * refused here (null) rather than guessing how Kusto applies the mask.
 */
export function ipv4IsPrivate(text: string): boolean | null {
  const n = ipv4ToNumber(text);
  return n === undefined ? null : KQL_PRIVATE.hasIpv4Number(n);
}

export interface Classifier {
  /** null: not an address this mode can judge (kql: not IPv4; strict: not an address at all). */
  isInternal(ip: string): boolean | null;
  isExternal(ip: string): boolean | null;
}

export interface ClassifierPolicy {
  semantics: 'strict' | 'kql';
  /** Extra internal CIDRs (`--internal`), IPv4 or IPv6; a bare address means /32 or /128. */
  internal: readonly string[];
}

function parseUserCidrs(internal: readonly string[]): CidrSet {
  return new CidrSet(
    internal.map((text) => {
      const cidr = parseCidr(text);
      if (cidr === undefined) {
        throw new Error(
          `invalid internal network ${JSON.stringify(text)}: expected an IPv4 CIDR (a.b.c.d/0-32), ` +
            'an IPv6 CIDR (address/0-128) or a bare address',
        );
      }
      return cidr;
    }),
  );
}

/**
 * The classifier for a policy. Takes canonical addresses (what parsers produce) but answers correctly for any text
 * `canonicalIp` accepts, e.g. upper-case or uncompressed IPv6.
 *
 * - `kql`: `ipv4_is_private(ip) or ip in the user's IPv4 CIDRs`, null for non-IPv4 text. The user's IPv6 CIDRs
 *   have no effect here: the KQL this mode mirrors only has IPv4 functions, which yield null for IPv6 sources, so
 *   such rows drop before any IPv6 range could count.
 * - `strict`: the built-in internal ranges plus the user's CIDRs. An IPv4-mapped or IPv4-compatible IPv6 address is
 *   internal when its embedded IPv4 address is (or when an IPv6 CIDR covers it outright): the packet came from that
 *   IPv4 host, whatever the socket API wrote down.
 *
 * A CIDR in `internal` that does not parse is an Error naming it, raised here once rather than per record.
 */
export function createClassifier(policy: ClassifierPolicy): Classifier {
  const user = parseUserCidrs(policy.internal);
  if (policy.semantics === 'kql') {
    const internal = new CidrSet([...KQL_PRIVATE.cidrs, ...user.cidrs.filter((c) => c.version === 4)]);
    return fromIsInternal((ip) => {
      const n = ipv4ToNumber(ip);
      return n === undefined ? null : internal.hasIpv4Number(n);
    });
  }
  const internal = new CidrSet([...STRICT_INTERNAL_V4, ...STRICT_INTERNAL_V6, ...user.cidrs]);
  return fromIsInternal((ip) => inCidrSet(internal, ip, true));
}

function fromIsInternal(isInternal: (ip: string) => boolean | null): Classifier {
  return {
    isInternal,
    isExternal(ip) {
      const internal = isInternal(ip);
      return internal === null ? null : !internal;
    },
  };
}
