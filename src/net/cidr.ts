/**
 * CIDR prefixes and sets of them. A set answers "is this address inside?" per log record, so IPv4 lookups work on
 * plain numbers (no allocation) and both families use merged, sorted ranges with a binary search, which keeps a long
 * `--internal` list as cheap as a short one.
 */

import {
  formatIpv6,
  ipv4FromNumber,
  ipv4ToNumber,
  ipv6GroupsFromBigInt,
  ipv6GroupsToBigInt,
  parseIpv6,
} from './ip.js';

export interface Cidr {
  readonly version: 4 | 6;
  /** Canonical `network/prefix`, e.g. `10.0.0.0/8`, `fc00::/7`; host bits are already cleared. */
  readonly text: string;
  /** Canonical network address (the text before the `/`). */
  readonly network: string;
  readonly prefix: number;
  /** First and last address as integers (uint32 range for IPv4, 128-bit for IPv6). */
  readonly first: bigint;
  readonly last: bigint;
}

const V6_ALL = (1n << 128n) - 1n;

/** Decimal prefix length without sign or leading zeros (`/08` is refused like a `010` octet), or -1. */
function parsePrefix(text: string, start: number, max: number): number {
  const len = text.length - start;
  if (len < 1 || len > 3) return -1;
  if (len > 1 && text.charCodeAt(start) === 48) return -1;
  let n = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n <= max ? n : -1;
}

/**
 * `a.b.c.d/n` (n 0-32), `ipv6/n` (n 0-128), or a bare address (a /32 or /128). Host bits are cleared
 * (`10.1.2.3/8` → `10.0.0.0/8`) because firewall admins write prefixes that way and Kusto accepts them.
 * Invalid text → `undefined`.
 */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const v4 = ipv4ToNumber(addr);
  if (v4 !== undefined) {
    const prefix = slash < 0 ? 32 : parsePrefix(text, slash + 1, 32);
    if (prefix < 0) return undefined;
    const size = 2 ** (32 - prefix);
    const first = v4 - (v4 % size);
    const network = ipv4FromNumber(first);
    return {
      version: 4,
      text: `${network}/${prefix}`,
      network,
      prefix,
      first: BigInt(first),
      last: BigInt(first + size - 1),
    };
  }
  if (addr.indexOf(':') < 0) return undefined;
  const groups = parseIpv6(addr, false);
  if (groups === undefined) return undefined;
  const prefix = slash < 0 ? 128 : parsePrefix(text, slash + 1, 128);
  if (prefix < 0) return undefined;
  const hostMask = (1n << BigInt(128 - prefix)) - 1n;
  const first = ipv6GroupsToBigInt(groups) & (V6_ALL ^ hostMask);
  const network = formatIpv6(ipv6GroupsFromBigInt(first));
  return { version: 6, text: `${network}/${prefix}`, network, prefix, first, last: first | hostMask };
}

/** An IPv6 CIDR from its first address and prefix. */
function ipv6Cidr(first: bigint, prefix: number): Cidr {
  const network = formatIpv6(ipv6GroupsFromBigInt(first));
  return { version: 6, text: `${network}/${prefix}`, network, prefix, first, last: first | ((1n << BigInt(128 - prefix)) - 1n) };
}

/**
 * The IPv6 ranges that carry an IPv4 range: IPv4-mapped (`::ffff:a.b.c.d/(96+n)`) and IPv4-compatible
 * (`::a.b.c.d/(96+n)`). Strict mode judges such addresses as their IPv4 address; query languages that only see
 * IPv6 ranges (KQL's ipv6 functions, Sigma `|cidr`) need these forms listed to agree with it.
 */
export function embeddedIpv4Ranges(cidr: Cidr): [mapped: Cidr, compatible: Cidr] {
  if (cidr.version !== 4) throw new Error(`${cidr.text} is not an IPv4 CIDR`);
  const prefix = 96 + cidr.prefix;
  return [ipv6Cidr((0xffffn << 32n) | cidr.first, prefix), ipv6Cidr(cidr.first, prefix)];
}

/** Sorted, non-overlapping [first, last] pairs: a binary search then needs to look at one candidate only. */
function mergeRanges<T extends number | bigint>(ranges: [T, T][]): [T, T][] {
  ranges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: [T, T][] = [];
  for (const r of ranges) {
    const prev = out[out.length - 1];
    if (prev !== undefined && r[0] <= prev[1]) {
      if (r[1] > prev[1]) prev[1] = r[1];
    } else {
      out.push([r[0], r[1]]);
    }
  }
  return out;
}

/** Index of the last range whose start is <= x, or -1. */
function floorIndex<T extends number | bigint>(starts: ArrayLike<T>, x: T): number {
  let lo = 0;
  let hi = starts.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid]! <= x) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export class CidrSet {
  /** The prefixes as given (normalized), in input order. */
  readonly cidrs: readonly Cidr[];
  private readonly v4First: Float64Array;
  private readonly v4Last: Float64Array;
  private readonly v6First: readonly bigint[];
  private readonly v6Last: readonly bigint[];

  /** Strings are parsed with `parseCidr`; one that does not parse is an Error naming it (a setup mistake). */
  constructor(cidrs: Iterable<Cidr | string>) {
    const list: Cidr[] = [];
    for (const item of cidrs) {
      if (typeof item === 'string') {
        const parsed = parseCidr(item);
        if (parsed === undefined) throw new Error(`invalid CIDR ${JSON.stringify(item)}`);
        list.push(parsed);
      } else {
        list.push(item);
      }
    }
    this.cidrs = Object.freeze(list);
    const v4 = mergeRanges<number>(
      list.filter((c) => c.version === 4).map((c) => [Number(c.first), Number(c.last)]),
    );
    const v6 = mergeRanges<bigint>(
      list.filter((c) => c.version === 6).map((c) => [c.first, c.last]),
    );
    this.v4First = Float64Array.from(v4, (r) => r[0]);
    this.v4Last = Float64Array.from(v4, (r) => r[1]);
    this.v6First = v6.map((r) => r[0]);
    this.v6Last = v6.map((r) => r[1]);
  }

  /**
   * Whether the address lies in one of the prefixes. IPv4 text only meets IPv4 prefixes and IPv6 text only IPv6
   * prefixes: IPv4-mapped addresses are the caller's decision (the classifier unwraps them). Non-canonical IPv6
   * (upper case, uncompressed) is accepted; text that is not an address is simply not in the set.
   */
  has(canonicalIp: string): boolean {
    const n = ipv4ToNumber(canonicalIp);
    if (n !== undefined) return this.hasIpv4Number(n);
    if (canonicalIp.indexOf(':') < 0) return false;
    const groups = parseIpv6(canonicalIp);
    return groups !== undefined && this.hasIpv6Number(ipv6GroupsToBigInt(groups));
  }

  /** `has` for an IPv4 address already converted with `ipv4ToNumber`. */
  hasIpv4Number(n: number): boolean {
    const i = floorIndex(this.v4First, n);
    return i >= 0 && n <= this.v4Last[i]!;
  }

  /** `has` for an IPv6 address as a 128-bit integer. */
  hasIpv6Number(v: bigint): boolean {
    const i = floorIndex(this.v6First, v);
    return i >= 0 && v <= this.v6Last[i]!;
  }
}
