import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { collapseIPv6Number, expandIPv6Number } from 'ip-num';
import {
  canonicalIp,
  embeddedIpv4,
  formatIpv6,
  ipv4FromNumber,
  ipv4ToNumber,
  ipVersion,
  parseIpv6,
} from '../src/net/ip.js';
import { CidrSet, parseCidr } from '../src/net/cidr.js';
import { createClassifier, ipv4IsPrivate } from '../src/net/classify.js';

describe('canonicalIp: IPv4', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['0.0.0.0', '0.0.0.0'],
    ['255.255.255.255', '255.255.255.255'],
    ['10.0.0.1', '10.0.0.1'],
    ['100.64.0.0', '100.64.0.0'],
  ])('%j → %j', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });

  it.each([
    '010.1.2.3', // octal to inet_aton, decimal to most tools: ambiguous
    '1.2.3.04',
    '00.1.2.3',
    '10.0.0.256',
    '256.1.1.1',
    '1.2.3',
    '1.2.3.4.5',
    '1.2.3.4.',
    '.1.2.3.4',
    '1..2.3',
    '1.2.3.4 ',
    ' 1.2.3.4',
    '1.2.3.4\n',
    '1. 2.3.4',
    '+1.2.3.4',
    '1.2.3.-4',
    '0x1.2.3.4',
    '1e1.2.3.4',
    '１.2.3.4', // full-width digit
    '1.2.3.4%eth0', // a zone is only meaningful for IPv6
    '[1.2.3.4]', // brackets are for IPv6 literals
    '1.2.3.4/32',
    '1234.1.1.1',
    '',
    'abc',
  ])('%j → undefined', (input) => {
    expect(canonicalIp(input)).toBeUndefined();
  });
});

describe('canonicalIp: IPv6 (RFC 5952)', () => {
  it.each([
    // RFC 5952 §4.1: leading zeros dropped
    ['2001:0db8::0001', '2001:db8::1'],
    // §4.2.1: shorten as much as possible
    ['2001:db8:0:0:0:0:2:1', '2001:db8::2:1'],
    ['2001:db8::0:1', '2001:db8::1'],
    // §4.2.2: a single zero group is not compressed
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:db8::1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    // §4.2.3: the longest run wins; on a tie, the first
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:aaaa::1', '2001:db8::aaaa:0:0:1'],
    ['2001:db8::aaaa:0:0:1', '2001:db8::aaaa:0:0:1'],
    ['1:0:0:1:0:0:1:1', '1::1:0:0:1:1'],
    // §2.2: every spelling of the same address
    ['2001:0db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:1::1', '2001:db8::1:0:0:1'],
    ['2001:db8:0000:0:1::1', '2001:db8::1:0:0:1'],
    ['2001:DB8:0:0:1::1', '2001:db8::1:0:0:1'],
    // §4.3: lower case
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:AAAA', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa'],
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:AaAa', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', '2001:db8::ff00:42:8329'],
    // the edges of the compression rule
    ['0:0:0:0:0:0:0:0', '::'],
    ['::', '::'],
    ['0:0:0:0:0:0:0:1', '::1'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['1:2:3:4:5:6:0:0', '1:2:3:4:5:6::'],
    ['1:2:3:4:5:6:7:0', '1:2:3:4:5:6:7:0'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::1:2:3:4:5:6:7', '0:1:2:3:4:5:6:7'],
    ['1::2:3:4:5:6:7', '1:0:2:3:4:5:6:7'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['FE80::1', 'fe80::1'],
    // §5: IPv4-mapped in mixed notation, however it was written
    ['::ffff:1.2.3.4', '::ffff:1.2.3.4'],
    ['::FFFF:10.0.0.1', '::ffff:10.0.0.1'],
    ['::ffff:a00:1', '::ffff:10.0.0.1'],
    ['0:0:0:0:0:ffff:0a00:0001', '::ffff:10.0.0.1'],
    ['0:0:0:0:0:FFFF:10.0.0.1', '::ffff:10.0.0.1'],
    ['::ffff:0:0', '::ffff:0.0.0.0'],
    ['::ffff:ffff:ffff', '::ffff:255.255.255.255'],
    // other embedded-IPv4 forms stay hexadecimal (deprecated, or prefixes only known out of band)
    ['::10.0.0.1', '::a00:1'],
    ['::0.0.0.1', '::1'],
    ['::ffff:0:1.2.3.4', '::ffff:0:102:304'],
    ['64:ff9b::1.2.3.4', '64:ff9b::102:304'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    // brackets and zone ids
    ['[2001:db8::1]', '2001:db8::1'],
    ['[::ffff:1.2.3.4]', '::ffff:1.2.3.4'],
    ['fe80::1%eth0', 'fe80::1'],
    ['fe80::1%eth0.5', 'fe80::1'],
    ['FE80::1%3', 'fe80::1'],
    ['[fe80::1%25eth0]', 'fe80::1'],
  ])('%j → %j', (input, expected) => {
    expect(canonicalIp(input)).toBe(expected);
  });

  it.each([
    '1::2::3',
    ':::',
    '1:::2',
    ':',
    ':1::',
    '1::2:',
    '1:',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8::',
    '::1:2:3:4:5:6:7:8',
    '1::2:3:4:5:6:7:8', // `::` must stand for at least one group
    '1:2:3:4:5:6:7:1.2.3.4',
    '::1:2:3:4:5:6:1.2.3.4',
    '12345::',
    '::00000',
    'g::1',
    '::1 ',
    ' ::1',
    ':: 1',
    '::ffff:1.2.3',
    '::ffff:010.0.0.1',
    '::ffff:10.0.0.256',
    '::1.2.3.4:5',
    '1.2.3.4::',
    '::1.2.3.4.5',
    'fe80::1%',
    'fe80::1%eth 0',
    'fe80::1%eth0%1',
    '[fe80::1]%eth0',
    '[::1',
    '::1]',
    '[::1]x',
    '[]',
    '::1/128',
  ])('%j → undefined', (input) => {
    expect(canonicalIp(input)).toBeUndefined();
  });

  it('never throws on hostile text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...':.0123456789abcdefABCDEF%[]/ gx'.split('')) }), (s) => {
        const c = canonicalIp(s);
        if (c !== undefined) expect(canonicalIp(c)).toBe(c);
      }),
      { numRuns: 5000 },
    );
  });
});

/** Eight groups, biased towards zeros so runs of zeros and ties are common. */
const groupsArb = fc.array(fc.oneof(fc.constant(0), fc.constant(0), fc.constant(1), fc.constant(0xffff), fc.integer({ min: 0, max: 0xffff })), {
  minLength: 8,
  maxLength: 8,
});

function isMappedGroups(g: number[]): boolean {
  return g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
}

describe('IPv6 parsing against ip-num as an independent oracle', () => {
  it('expands every spelling to the same groups ip-num does, and formats like ip-num (lower-cased) except §5', () => {
    fc.assert(
      fc.property(groupsArb, fc.boolean(), (groups, upper) => {
        let full = groups.map((x) => x.toString(16).padStart(4, '0')).join(':');
        if (upper) full = full.toUpperCase();
        const expected = expandIPv6Number(full).toLowerCase().split(':').map((h) => parseInt(h, 16));
        expect(Array.from(parseIpv6(full) ?? [])).toEqual(expected);
        const canonical = canonicalIp(full)!;
        if (!isMappedGroups(groups)) expect(canonical).toBe(collapseIPv6Number(full).toLowerCase());
        // the canonical text, and ip-num's compressed text, read back to the same address
        expect(Array.from(parseIpv6(canonical)!)).toEqual(groups);
        expect(canonicalIp(collapseIPv6Number(full))).toBe(canonical);
        expect(canonicalIp(canonical)).toBe(canonical);
      }),
      { numRuns: 3000 },
    );
  });

  it('formatIpv6 never writes `::` for a single zero group and always picks the first longest run', () => {
    fc.assert(
      fc.property(groupsArb, (groups) => {
        fc.pre(!isMappedGroups(groups));
        const text = formatIpv6(Uint16Array.from(groups));
        const runs = [...groups.map((x) => (x === 0 ? '0' : 'x')).join('').matchAll(/0+/g)];
        const longest = Math.max(0, ...runs.map((m) => m[0].length));
        if (longest < 2) {
          expect(text).not.toContain('::');
        } else {
          const first = runs.find((m) => m[0].length === longest)!;
          const head = groups.slice(0, first.index).map((x) => x.toString(16)).join(':');
          expect(text.startsWith(`${head}::`)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });
});

describe('ipVersion, ipv4ToNumber, ipv4FromNumber', () => {
  it.each([
    ['1.2.3.4', 4],
    ['0.0.0.0', 4],
    ['::1', 6],
    ['::ffff:1.2.3.4', 6],
    ['2001:db8::1', 6],
  ] as const)('ipVersion(%j) = %d', (ip, v) => {
    expect(ipVersion(ip)).toBe(v);
  });

  it.each([
    ['0.0.0.0', 0],
    ['0.0.0.1', 1],
    ['1.2.3.4', 16909060],
    ['10.0.0.1', 167772161],
    ['127.255.255.255', 2147483647],
    ['128.0.0.1', 2147483649], // above 2^31: must not come out negative
    ['255.255.255.255', 4294967295],
  ])('ipv4ToNumber(%j) = %d and back', (ip, n) => {
    expect(ipv4ToNumber(ip)).toBe(n);
    expect(ipv4FromNumber(n)).toBe(ip);
  });

  it.each(['010.0.0.1', '1.2.3', '1.2.3.256', '::ffff:1.2.3.4', '', ' 1.2.3.4', '1.2.3.4/8'])(
    'ipv4ToNumber(%j) = undefined',
    (ip) => {
      expect(ipv4ToNumber(ip)).toBeUndefined();
    },
  );
});

describe('embeddedIpv4', () => {
  it.each([
    ['::ffff:10.0.0.1', '10.0.0.1'],
    ['::ffff:8.8.8.8', '8.8.8.8'],
    ['::ffff:a00:1', '10.0.0.1'], // non-canonical input still works
    ['0:0:0:0:0:FFFF:0A00:0001', '10.0.0.1'],
    ['::a00:1', '10.0.0.1'], // IPv4-compatible
    ['::10.0.0.1', '10.0.0.1'],
    ['::1', '0.0.0.1'],
    ['::', '0.0.0.0'],
  ])('%j → %j', (ip, v4) => {
    expect(embeddedIpv4(ip)).toBe(v4);
  });

  it.each([
    '2001:db8::1',
    '::ffff:0:a00:1', // RFC 2765 IPv4-translated: not one of the two forms
    '::1:0:0:1',
    '0:0:0:0:1:ffff:a00:1',
    '64:ff9b::a00:1',
    'fe80::1',
    '10.0.0.1',
    'garbage',
    '',
  ])('%j → undefined', (ip) => {
    expect(embeddedIpv4(ip)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it.each([
    ['10.1.2.3/8', '10.0.0.0/8', 4, 8, 167772160n, 184549375n], // host bits cleared
    ['10.0.0.0/8', '10.0.0.0/8', 4, 8, 167772160n, 184549375n],
    ['172.31.255.255/12', '172.16.0.0/12', 4, 12, 2886729728n, 2887778303n],
    ['0.0.0.0/0', '0.0.0.0/0', 4, 0, 0n, 4294967295n],
    ['1.2.3.4/0', '0.0.0.0/0', 4, 0, 0n, 4294967295n],
    ['1.2.3.4/32', '1.2.3.4/32', 4, 32, 16909060n, 16909060n],
    ['1.2.3.4', '1.2.3.4/32', 4, 32, 16909060n, 16909060n],
    ['255.255.255.255/31', '255.255.255.254/31', 4, 31, 4294967294n, 4294967295n],
    ['128.0.0.0/1', '128.0.0.0/1', 4, 1, 2147483648n, 4294967295n],
    ['fc00::/7', 'fc00::/7', 6, 7, 0xfc00n << 112n, (0xfe00n << 112n) - 1n],
    ['fd12:3456::1/7', 'fc00::/7', 6, 7, 0xfc00n << 112n, (0xfe00n << 112n) - 1n],
    ['2001:DB8:0:0:0:0:0:1/32', '2001:db8::/32', 6, 32, 0x20010db8n << 96n, (0x20010db9n << 96n) - 1n],
    ['[2001:db8::]/32', '2001:db8::/32', 6, 32, 0x20010db8n << 96n, (0x20010db9n << 96n) - 1n],
    ['::/0', '::/0', 6, 0, 0n, (1n << 128n) - 1n],
    ['2001:db8::1/0', '::/0', 6, 0, 0n, (1n << 128n) - 1n],
    ['2001:db8::1/128', '2001:db8::1/128', 6, 128, (0x20010db8n << 96n) + 1n, (0x20010db8n << 96n) + 1n],
    ['2001:db8::1', '2001:db8::1/128', 6, 128, (0x20010db8n << 96n) + 1n, (0x20010db8n << 96n) + 1n],
    ['::ffff:10.1.2.3/104', '::ffff:10.0.0.0/104', 6, 104, (0xffffn << 32n) + 167772160n, (0xffffn << 32n) + 184549375n],
    ['fe80::1/10', 'fe80::/10', 6, 10, 0xfe80n << 112n, (0xfec0n << 112n) - 1n],
  ] as const)('%j → %j', (input, text, version, prefix, first, last) => {
    const c = parseCidr(input);
    expect(c).toBeDefined();
    expect(c!.text).toBe(text);
    expect(c!.network).toBe(text.slice(0, text.indexOf('/')));
    expect(c!.version).toBe(version);
    expect(c!.prefix).toBe(prefix);
    expect(c!.first).toBe(first);
    expect(c!.last).toBe(last);
  });

  it.each([
    '10.0.0.0/33',
    '::/129',
    '10.0.0.0/-1',
    '10.0.0.0/+8',
    '10.0.0.0/08', // leading zero refused, like octets
    '::/0128',
    '10.0.0.0/1e1',
    '10.0.0.0/',
    '10.0.0.0/8/8',
    '10.0.0.0 /8',
    '10.0.0.0/ 8',
    '10.0.0.0/8 ',
    '/8',
    '',
    'abc/8',
    '10.0.0/8',
    '010.0.0.0/8',
    '10.0.0.256/8',
    'fe80::%eth0/64', // a zone-scoped prefix means nothing in an address set
    '1::2::3/64',
    '[1.2.3.4]/32',
  ])('%j → undefined', (input) => {
    expect(parseCidr(input)).toBeUndefined();
  });
});

describe('CidrSet', () => {
  const set = new CidrSet(['10.0.0.0/8', '2001:db8::/32', '192.168.1.0/24', '10.1.0.0/16', parseCidr('203.0.113.7')!]);

  it.each([
    ['10.0.0.0', true],
    ['10.255.255.255', true],
    ['10.1.2.3', true],
    ['9.255.255.255', false],
    ['11.0.0.0', false],
    ['192.168.1.0', true],
    ['192.168.1.255', true],
    ['192.168.0.255', false],
    ['192.168.2.0', false],
    ['203.0.113.7', true],
    ['203.0.113.6', false],
    ['203.0.113.8', false],
    ['2001:db8::1', true],
    ['2001:db8:ffff:ffff:ffff:ffff:ffff:ffff', true],
    ['2001:DB8:FFFF:0:0:0:0:1', true], // non-canonical IPv6 still answered
    ['2001:db7:ffff:ffff:ffff:ffff:ffff:ffff', false],
    ['2001:db9::', false],
    ['::ffff:10.0.0.1', false], // an IPv6 address is never in an IPv4 prefix
    ['garbage', false],
    ['', false],
    ['10.0.0.1 ', false],
  ])('has(%j) = %s', (ip, expected) => {
    expect(set.has(ip)).toBe(expected);
  });

  it('keeps the normalized prefixes in input order', () => {
    expect(new CidrSet(['10.1.2.3/8', 'FC00::1/7', '1.2.3.4']).cidrs.map((c) => c.text)).toEqual([
      '10.0.0.0/8',
      'fc00::/7',
      '1.2.3.4/32',
    ]);
  });

  it('never matches across address families', () => {
    const all4 = new CidrSet(['0.0.0.0/0']);
    expect(all4.has('8.8.8.8')).toBe(true);
    expect(all4.has('::')).toBe(false);
    expect(all4.has('::ffff:8.8.8.8')).toBe(false);
    const all6 = new CidrSet(['::/0']);
    expect(all6.has('8.8.8.8')).toBe(false);
    expect(all6.has('::ffff:8.8.8.8')).toBe(true);
    expect(all6.has('fe80::1')).toBe(true);
  });

  it('handles nested, adjacent and empty inputs', () => {
    const s = new CidrSet(['10.0.0.0/9', '10.128.0.0/9', '10.64.0.0/10', '10.0.0.0/32']);
    expect(s.has('10.127.255.255')).toBe(true);
    expect(s.has('10.128.0.0')).toBe(true);
    expect(s.has('10.255.255.255')).toBe(true);
    expect(s.has('11.0.0.0')).toBe(false);
    expect(new CidrSet([]).has('10.0.0.1')).toBe(false);
  });

  it('names the bad value when a string does not parse', () => {
    expect(() => new CidrSet(['10.0.0.0/8', '10.0.0.0/33'])).toThrow(/"10\.0\.0\.0\/33"/);
  });

  it('agrees with a brute-force prefix comparison on random IPv4 sets', () => {
    const cidrArb = fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }));
    fc.assert(
      fc.property(fc.array(cidrArb, { maxLength: 12 }), fc.integer({ min: 0, max: 0xffffffff }), (cidrs, ip) => {
        const s = new CidrSet(cidrs.map(([a, p]) => `${ipv4FromNumber(a)}/${p}`));
        const expected = cidrs.some(([a, p]) => BigInt(a) >> BigInt(32 - p) === BigInt(ip) >> BigInt(32 - p));
        expect(s.has(ipv4FromNumber(ip))).toBe(expected);
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with a brute-force prefix comparison on random IPv6 sets', () => {
    const addrArb = fc.bigInt({ min: 0n, max: (1n << 128n) - 1n });
    const cidrArb = fc.tuple(addrArb, fc.integer({ min: 0, max: 128 }));
    const toText = (v: bigint) => formatIpv6(Uint16Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn)));
    fc.assert(
      fc.property(fc.array(cidrArb, { maxLength: 8 }), addrArb, (cidrs, ip) => {
        const s = new CidrSet(cidrs.map(([a, p]) => `${toText(a)}/${p}`));
        const expected = cidrs.some(([a, p]) => a >> BigInt(128 - p) === ip >> BigInt(128 - p));
        expect(s.has(toText(ip))).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * The traps, as the rule sees them: is the source external? `kql` = `ipv4_is_private(SourceIP) == false`
 * (null: the row drops), `strict` = DESIGN.md's internal set.
 */
const EXTERNAL: [ip: string, kql: boolean | null, strict: boolean | null][] = [
  ['172.15.255.255', true, true],
  ['172.16.0.0', false, false],
  ['172.31.255.255', false, false],
  ['172.32.0.0', true, true],
  ['192.167.255.255', true, true],
  ['192.168.0.1', false, false],
  ['192.168.255.255', false, false],
  ['192.169.0.1', true, true],
  ['10.0.0.0', false, false],
  ['10.255.255.255', false, false],
  ['11.0.0.1', true, true],
  ['9.255.255.255', true, true],
  ['100.63.255.255', true, true],
  ['100.64.0.0', true, false], // CGNAT: public to KQL, internal to strict
  ['100.127.255.255', true, false],
  ['100.128.0.0', true, true],
  ['127.0.0.1', true, false],
  ['169.254.1.1', true, false],
  ['0.0.0.0', true, false],
  ['224.0.0.1', true, false],
  ['239.255.255.255', true, false],
  ['255.255.255.255', true, false],
  ['203.0.113.7', true, true], // documentation ranges stay external so examples read naturally
  ['198.51.100.1', true, true],
  ['192.0.2.1', true, true],
  ['8.8.8.8', true, true],
  ['::ffff:10.0.0.1', null, false], // mapped: KQL cannot parse it, strict judges the IPv4 inside
  ['::ffff:8.8.8.8', null, true],
  ['::FFFF:172.16.0.1', null, false],
  ['::ffff:a00:1', null, false],
  ['::a00:1', null, false], // IPv4-compatible 10.0.0.1
  ['::808:808', null, true], // IPv4-compatible 8.8.8.8
  ['fd00::1', null, false],
  ['fc00::1', null, false],
  ['FD00::1', null, false],
  ['fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', null, true],
  ['fe00::1', null, true],
  ['fe80::1', null, false],
  ['fe80::1%eth0', null, false],
  ['febf::1', null, false],
  ['fec0::1', null, true], // deprecated site-local: not in the internal set
  ['::1', null, false],
  ['::', null, false],
  ['2001:db8::1', null, true],
  ['2001:DB8:0:0:0:0:0:1', null, true],
  ['ff02::1', null, false],
  ['2606:4700:4700::1111', null, true],
  ['10.0.0.256', null, null],
  ['1.2.3', null, null],
  ['', null, null],
  ['abc', null, null],
  ['1.2.3.4 ', null, null],
  ['010.0.0.1', null, null],
  ['10.0.0.1/8', null, null],
  ['::ffff:10.0.0.256', null, null],
  ['1::2::3', null, null],
];

describe.each(['kql', 'strict'] as const)('createClassifier, %s mode, no --internal', (semantics) => {
  const classifier = createClassifier({ semantics, internal: [] });
  const col = semantics === 'kql' ? 1 : 2;

  it.each(EXTERNAL.map((row) => [row[0], row[col]] as const))('%j external = %s', (ip, external) => {
    expect(classifier.isExternal(ip)).toBe(external);
    expect(classifier.isInternal(ip)).toBe(external === null ? null : !external);
  });
});

describe('ipv4IsPrivate mirrors Kusto', () => {
  it.each([
    ['10.1.2.3', true],
    ['172.16.0.0', true],
    ['172.31.255.255', true],
    ['172.15.255.255', false],
    ['172.32.0.0', false],
    ['192.168.0.1', true],
    ['192.169.0.1', false],
    ['202.1.2.3', false],
    ['127.0.0.1', false],
    ['100.64.0.1', false],
    ['169.254.1.1', false],
    ['::ffff:10.0.0.1', null],
    ['fd00::1', null],
    ['garbage', null],
    ['', null],
  ] as const)('ipv4_is_private(%j) = %s', (ip, expected) => {
    expect(ipv4IsPrivate(ip)).toBe(expected);
  });

  it('is the kql classifier without user CIDRs, row for row', () => {
    const kql = createClassifier({ semantics: 'kql', internal: [] });
    for (const [ip] of EXTERNAL) expect([ip, ipv4IsPrivate(ip)]).toEqual([ip, kql.isInternal(ip)]);
  });
});

describe('user --internal CIDRs', () => {
  const internal = ['198.51.100.77/24', '8.8.8.8', '2001:db8:1::/48', '::ffff:9.9.9.0/120'];
  const strict = createClassifier({ semantics: 'strict', internal });
  const kql = createClassifier({ semantics: 'kql', internal });

  it.each([
    // ip, strict internal, kql internal
    ['198.51.100.1', true, true], // host bits in the user's CIDR are cleared, not fatal
    ['198.51.100.255', true, true],
    ['198.51.101.0', false, false],
    ['8.8.8.8', true, true],
    ['8.8.8.9', false, false],
    ['10.0.0.1', true, true], // built-ins still apply
    ['100.64.0.1', true, false],
    ['::ffff:198.51.100.1', true, null], // mapped: judged as its IPv4 in strict, unparsable in kql
    ['::ffff:8.8.8.8', true, null],
    ['::ffff:9.9.9.9', true, null], // an IPv6 user prefix over mapped space counts too
    ['9.9.9.9', false, false], // ...but does not leak into plain IPv4
    ['2001:db8:1::5', true, null], // IPv6 user CIDRs: strict only; KQL's ipv4 functions yield null
    ['2001:DB8:1:0:0:0:0:5', true, null],
    ['2001:db8:1:ffff:ffff:ffff:ffff:ffff', true, null],
    ['2001:db8:2::1', false, null],
  ] as const)('%j: strict internal %s, kql internal %s', (ip, strictInternal, kqlInternal) => {
    expect(strict.isInternal(ip)).toBe(strictInternal);
    expect(strict.isExternal(ip)).toBe(!strictInternal);
    expect(kql.isInternal(ip)).toBe(kqlInternal);
    expect(kql.isExternal(ip)).toBe(kqlInternal === null ? null : !kqlInternal);
  });

  it.each([
    ['strict', '10.0.0.0/33'],
    ['kql', '10.0.0.0/33'],
    ['kql', '::/129'], // validated even where IPv6 has no effect: a typo is still a typo
    ['strict', 'not-a-cidr'],
    ['strict', '10.0.0.0/08'],
    ['strict', ''],
  ] as const)('%s mode rejects %j with an error naming it', (semantics, bad) => {
    expect(() => createClassifier({ semantics, internal: ['10.0.0.0/8', bad] })).toThrow(
      new RegExp(`invalid internal network ${JSON.stringify(bad).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`),
    );
  });
});
