/**
 * KQL literals. Every value that reaches a query is parsed and re-rendered here, never pasted: strings become
 * escaped string literals, numbers must be finite integers in range, CIDRs are re-parsed, timespans are computed
 * from milliseconds. Anything that cannot be rendered safely throws (the caller adds the rule's name).
 */
import { embeddedIpv4Ranges, parseCidr, type Cidr } from '../../net/cidr.js';
import { formatIpv6, ipv6GroupsFromBigInt } from '../../net/ip.js';
import type { KqlScalarType } from './tables.js';

/**
 * A double-quoted KQL string literal. Kusto documents the escapes `\"`, `\'`, `\\`, `\t`, `\n` (and `\r`) in
 * double-quoted literals (https://learn.microsoft.com/kusto/query/scalar-data-types/string). Other control
 * characters and lone surrogates are refused rather than guessed at.
 */
export function kqlString(value: string): string {
  let out = '"';
  for (const ch of value) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) {
      throw new Error(`string ${JSON.stringify(value)} contains control character U+${c.toString(16).padStart(4, '0')}`);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      throw new Error(`string ${JSON.stringify(value)} contains an unpaired surrogate`);
    } else out += ch;
  }
  return out + '"';
}

const INT_MIN = -(2 ** 31);
const INT_MAX = 2 ** 31 - 1;

/**
 * A number literal for a column of type `type`. Accepts a number, or a string holding a plain decimal integer
 * (`"104"`, as YAML may deliver it). int/long: a safe integer (int: 32-bit); real: a finite number.
 */
export function kqlNumber(value: string | number, type: KqlScalarType): string {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (/^[+-]?[0-9]{1,15}$/.test(value)) n = Number(value);
  else throw new Error(`value ${JSON.stringify(value)} is not a number`);
  if (!Number.isFinite(n)) throw new Error(`value ${String(n)} is not a finite number`);
  if (type === 'real') {
    const text = String(n);
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(text)) throw new Error(`value ${text} cannot be written as a KQL real literal`);
    return Number.isInteger(n) ? `real(${text})` : text;
  }
  if (!Number.isSafeInteger(n)) throw new Error(`value ${String(n)} is not an integer`);
  if (type === 'int' && (n < INT_MIN || n > INT_MAX)) throw new Error(`value ${n} does not fit a KQL int`);
  return Object.is(n, -0) ? '0' : String(n);
}

const TIMESPAN_UNITS: readonly [string, number][] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** A KQL timespan literal for a positive whole number of milliseconds, in the largest exact unit: 1h, 30m, 1d, 15s. */
export function kqlTimespan(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) throw new Error(`time bucket ${String(ms)} ms is not a positive whole number of milliseconds`);
  for (const [unit, size] of TIMESPAN_UNITS) if (ms % size === 0) return `${ms / size}${unit}`;
  /* c8 ignore next */
  throw new Error('unreachable');
}

/** Parse a CIDR, throwing a message naming it when it is not one. */
export function mustParseCidr(text: string, what: string): Cidr {
  const cidr = typeof text === 'string' ? parseCidr(text) : undefined;
  if (cidr === undefined) throw new Error(`invalid CIDR ${JSON.stringify(text)} in ${what}`);
  return cidr;
}

/**
 * The CIDR's text for a KQL range list: IPv4 `a.b.c.d/n`, IPv6 hexadecimal `x::y/n` even for IPv4-mapped ranges:
 * Kusto's documentation shows hexadecimal IPv6 ranges only (e.g. `0:0:0:0:0:ffff:c0a8:ac/60`), so the emitter does
 * not rely on mixed notation.
 */
export function kqlCidrText(cidr: Cidr): string {
  return cidr.version === 4 ? cidr.text : `${formatIpv6(ipv6GroupsFromBigInt(cidr.first), false)}/${cidr.prefix}`;
}

/** The IPv4-mapped and IPv4-compatible forms of an IPv4 CIDR, in KQL text (see embeddedIpv4Ranges). */
export function embeddedV4Forms(cidr: Cidr): string[] {
  return embeddedIpv4Ranges(cidr).map(kqlCidrText);
}

/** `dynamic(["a", "b"])`. */
export function kqlDynamicStrings(values: readonly string[]): string {
  return `dynamic([${values.map(kqlString).join(', ')}])`;
}

/** A column or other identifier, bracket-quoted when it is not a plain identifier. */
export function kqlName(name: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return name;
  return `[${kqlString(name)}]`;
}
