/**
 * A listening socket as `dicomwatch listeners` reports it, and the rules every input format shares: how an endpoint
 * is split into address and port (`0.0.0.0:104`, `[::]:104`, `:::104`, `*.104`, `127.0.0.1.104`, `[fe80::1%7]:104`,
 * `127.0.0.53%lo:53`), and what the bind address says about reachability (the scope).
 */
import { canonicalIp, ipv4ToNumber, parseIpv6 } from '../../net/ip.js';
import { DICOM_SERVICE_NAMES } from '../ports.js';

/** `all`: every interface (0.0.0.0, ::, *); `loopback`: 127/8, ::1; `address`: one specific address. */
export type Scope = 'all' | 'address' | 'loopback';
/** Loopback-only listeners are contained; anything else is reachable from some network: check the firewall. */
export type Verdict = 'contained' | 'reachable';

export interface Listener {
  /** The host the socket is on: the file's `host` column, the `--host` option, the file name, or this machine. */
  host?: string;
  /** The bind address: canonical IP text (`0.0.0.0`, `::`, `10.1.2.3`), `*` when the tool gives no family, or a name. */
  address: string;
  port: number;
  protocol: 'tcp';
  scope: Scope;
  process?: string;
  pid?: number;
  /** Owner as the tool prints it (lsof USER, /proc uid). */
  user?: string;
  /** The input format: `proc`, `ss`, `netstat-linux`, `netstat-macos`, `netstat-windows`, `lsof`, `powershell-json`… */
  source: string;
  verdict: Verdict;
  /** Saved outputs: the file and the 1-based line (JSON: element index) of the row. */
  file?: string;
  line?: number;
}

/** What a format's row parser extracts before host, scope and verdict are settled. */
export interface ListenerRow {
  address: string;
  port: number;
  process?: string;
  pid?: number;
  user?: string;
  /** The row's own host (a `host`/`PSComputerName` column). */
  host?: string;
  /** /proc/net/tcp: the socket's inode, to find the process holding it. */
  inode?: number;
  /** The format, when the row itself tells a dialect apart (netstat's Linux and BSD rows); else the format's id. */
  source?: string;
  /** Set when the address alone does not tell: a link-local address on the loopback interface (`fe80::1%lo0`). */
  scope?: Scope;
}

/** The key order of a listener's JSON form (the contract in the README). */
export const LISTENER_KEYS = ['host', 'address', 'port', 'protocol', 'scope', 'process', 'pid', 'user', 'source', 'verdict', 'file', 'line'] as const;

export function listenerJsonObject(l: Listener): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of LISTENER_KEYS) if (l[key] !== undefined) out[key] = l[key];
  return out;
}

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback', 'localhost6', 'localhost6.localdomain6']);

/** The bind address as reported: a canonical IP (zone id dropped), `*`, or the name a resolving tool printed. */
export function bindAddress(text: string): string {
  const t = text.trim();
  // `*%eth0`, `0.0.0.0%eth0`: the wildcard of one interface (SO_BINDTODEVICE) is still every address on it.
  if (t === '*' || t === '' || /^\*%/.test(t)) return '*';
  return canonicalIp(t) ?? canonicalIp(t.replace(/%.*$/, '')) ?? t;
}

/**
 * The scope of a bind address: `all` for a wildcard (`*`, 0.0.0.0, ::, ::ffff:0.0.0.0), `loopback` for 127.0.0.0/8,
 * ::1 and ::ffff:127.x.y.z (and the names `localhost`…), `address` for anything else.
 */
export function scopeOf(address: string): Scope {
  if (address === '*') return 'all';
  const v4 = ipv4ToNumber(address);
  if (v4 !== undefined) return v4 === 0 ? 'all' : v4 >>> 24 === 127 ? 'loopback' : 'address';
  if (address.includes(':')) {
    const g = parseIpv6(address);
    if (g) {
      const zeroHead = g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0;
      if (zeroHead && g[5] === 0 && g[6] === 0 && (g[7] === 0 || g[7] === 1)) return g[7] === 0 ? 'all' : 'loopback';
      if (zeroHead && g[5] === 0xffff) {
        const n = g[6]! * 65536 + g[7]!;
        return n === 0 ? 'all' : n >>> 24 === 127 ? 'loopback' : 'address';
      }
      return 'address';
    }
  }
  return LOOPBACK_NAMES.has(address.toLowerCase()) ? 'loopback' : 'address';
}

export function verdictOf(scope: Scope): Verdict {
  return scope === 'loopback' ? 'contained' : 'reachable';
}

/** One line a person reads: what the scope means and what to do. */
export function verdictText(l: Pick<Listener, 'scope' | 'address'>): string {
  if (l.scope === 'loopback') return 'contained: loopback only, not reachable from the network';
  if (l.scope === 'all') return 'reachable: bound to all interfaces; check the firewall';
  return `reachable on ${l.address}; check the firewall`;
}

/** An endpoint split into its address text (zone id kept) and port text, or undefined when it has no port. */
export interface Endpoint {
  address: string;
  port: string;
}

/**
 * Split `ADDRESS:PORT`, `[ADDRESS]:PORT`, `[ADDRESS]%ZONE:PORT` or BSD's `ADDRESS.PORT` (`*.104`, `127.0.0.1.104`,
 * `::1.104`, `fe80::1%lo0.104`). Without brackets the port follows the last `:` or `.`, whichever comes later: an
 * IPv6 address ends in a hex group, so `:::104` is `::` and 104, `::1.104` is `::1` and 104, `::ffff:10.0.0.1:104`
 * is `::ffff:10.0.0.1` and 104.
 */
export function splitEndpoint(text: string): Endpoint | undefined {
  const t = text.trim();
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return undefined;
    let rest = t.slice(close + 1);
    if (rest.startsWith('%')) rest = rest.replace(/^%[^:.]*/, ''); // ss: [fe80::1]%eth0:104
    if (rest.length < 2 || (rest[0] !== ':' && rest[0] !== '.')) return undefined;
    return { address: t.slice(1, close), port: rest.slice(1) };
  }
  const i = Math.max(t.lastIndexOf(':'), t.lastIndexOf('.'));
  if (i <= 0 || i === t.length - 1) return undefined;
  return { address: t.slice(0, i), port: t.slice(i + 1) };
}

/** A port as a tool prints it: digits, or a DICOM service name; null for `*`, other names and garbage. */
export function portNumber(text: string): number | null {
  if (/^\d{1,5}$/.test(text)) {
    const n = Number(text);
    return n <= 65535 ? n : null;
  }
  return DICOM_SERVICE_NAMES[text.toLowerCase()] ?? null;
}

/** A row's outcome: a listener, a line that is not one (with why), a malformed row, or not this format's line. */
export type RowResult =
  | { kind: 'listener'; row: ListenerRow }
  | { kind: 'skip'; reason: string }
  | { kind: 'error'; message: string }
  /** The format's line, but no record: a separator, a continuation. */
  | { kind: 'none' }
  | undefined;

export const listener = (row: ListenerRow): Exclude<RowResult, undefined> => ({ kind: 'listener', row });
export const skipRow = (reason: string): Exclude<RowResult, undefined> => ({ kind: 'skip', reason });
export const badRow = (message: string): Exclude<RowResult, undefined> => ({ kind: 'error', message });

/**
 * The local endpoint of a listening row as a ListenerRow, or an error when it cannot be read. A port given as a
 * service name other than DICOM's is a skip (it cannot be a DICOM port).
 */
export function localEndpoint(text: string, family?: 4 | 6, what = 'local address'): { address: string; port: number; scope?: Scope } | Exclude<RowResult, undefined> {
  const ep = splitEndpoint(text);
  // `0.0.0.0` alone is an address without a port, not `0.0.0` port 0. (IPv6 text cannot tell: `::1:2762` is
  // netstat's `::1` port 2762, and also an address.)
  if (!ep || ipv4ToNumber(text.trim()) !== undefined) return badRow(`${what} '${text}' has no port`);
  const port = portNumber(ep.port);
  if (port === null) {
    return /^[a-z][\w.-]*$/i.test(ep.port) ? skipRow(`port '${ep.port}' is a service name (save the output with -n/-P)`) : badRow(`${what} '${text}': '${ep.port}' is not a port`);
  }
  if (port === 0) return badRow(`${what} '${text}': port 0 is not a listening port`);
  let address = bindAddress(ep.address);
  if (address !== '*' && canonicalIp(address) === undefined && !/^[a-z][\w.-]*$/i.test(address)) return badRow(`${what} '${text}': '${ep.address}' is not an address`);
  if (address === '*' && family) address = family === 4 ? '0.0.0.0' : '::';
  // The loopback interface's zone (`fe80::1%lo0` on macOS, `%lo` on Linux): reachable from this host only.
  const zone = /%([\w-]+)/.exec(text)?.[1];
  return { address, port, ...(zone !== undefined && /^lo\d*$/i.test(zone) ? { scope: 'loopback' as const } : {}) };
}

export function isRowResult(v: unknown): v is Exclude<RowResult, undefined> {
  return typeof v === 'object' && v !== null && 'kind' in v;
}
