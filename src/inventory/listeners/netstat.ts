/**
 * netstat in its three common dialects.
 *
 * Linux (net-tools `netstat -tlnp`, `netstat -an`; netstat(8)):
 *   Active Internet connections (only servers)
 *   Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name
 *   tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      1010/sshd
 *   tcp6       0      0 :::104                  :::*                    LISTEN      2222/dcmqrscp
 * (`-e` adds User and Inode before PID/Program name; `-an` continues with "Active UNIX domain sockets", skipped.)
 *
 * macOS / FreeBSD (`netstat -an`, `netstat -an -p tcp`; BSD netstat(1)): the port follows a dot, the wildcard is `*`,
 * the protocol carries the family (`tcp4`, `tcp6`, `tcp46` for a dual-stack socket):
 *   Active Internet connections (including servers)
 *   Proto Recv-Q Send-Q  Local Address          Foreign Address        (state)
 *   tcp4       0      0  *.104                  *.*                    LISTEN
 *   tcp6       0      0  ::1.11112              *.*                    LISTEN
 * (`-v` on macOS adds columns after the state, the PID among them on recent releases: `process:pid`; read when present.)
 *
 * Windows (`netstat -an`, `netstat -ano`, `netstat -anob`; learn.microsoft.com "netstat"):
 *   Active Connections
 *
 *     Proto  Local Address          Foreign Address        State           PID
 *     TCP    0.0.0.0:104            0.0.0.0:0              LISTENING       4321
 *     TCP    [::]:104               [::]:0                 LISTENING       4321
 *     UDP    0.0.0.0:500            *:*                                    3120
 * The State column is translated on localized Windows (ABHÖREN, ESCUCHANDO, EN ÉCOUTE…): a TCP row whose foreign
 * address is the unspecified `0.0.0.0:0` / `[::]:0` is a listening socket whatever the language. `-b` prints the
 * executable (`[dcmqrscp.exe]`) on a line after its row: the registry attaches it (see `windowsOwner`).
 */
import { fields, type ListenerLineFormat } from './format.js';
import { badRow, isRowResult, listener, localEndpoint, skipRow, splitEndpoint, type RowResult } from './model.js';

const UNIX_PROTOS = /^(tcp|tcp4|tcp6|tcp46|udp|udp4|udp6|udp46|raw|raw6|udpl|udpl6|sctp|sctp4|sctp6|icm4|icm6|div)$/;

function unixRow(line: string, dialect: 'linux' | 'macos' | undefined): RowResult {
  const f = fields(line);
  const proto = f[0];
  if (proto === undefined || !UNIX_PROTOS.test(proto) || !/^\d+$/.test(f[1] ?? '') || !/^\d+$/.test(f[2] ?? '') || f.length < 5) return undefined;
  if (!proto.startsWith('tcp')) return skipRow(`${proto} socket`);
  const state = f[5];
  if (state !== 'LISTEN') return skipRow(state === undefined ? 'TCP socket without a state' : `TCP socket in state ${state}`);
  const family = proto === 'tcp4' ? 4 : proto === 'tcp6' || proto === 'tcp46' ? 6 : undefined;
  const local = localEndpoint(f[3]!, family);
  if (isRowResult(local)) return local;
  const rest = f.slice(6);
  // Linux: `1010/sshd` (or `-`), possibly after User and Inode (-e); macOS -v: `name:pid` among the extra columns.
  let process: string | undefined;
  let pid: number | undefined;
  let inode: number | undefined;
  const owner = rest.findIndex((t) => /^\d+\//.test(t));
  if (owner >= 0) {
    const text = rest.slice(owner).join(' ');
    const slash = text.indexOf('/');
    pid = Number(text.slice(0, slash));
    process = text.slice(slash + 1).trim() || undefined;
    if (owner >= 1 && /^\d+$/.test(rest[owner - 1]!)) inode = Number(rest[owner - 1]);
  } else {
    const named = rest.map((t) => /^(.+):(\d+)$/.exec(t)).find((m) => m !== null);
    if (named) {
      process = named[1]!;
      pid = Number(named[2]);
    }
  }
  // The dialect shows in the row itself (BSD's dotted port, tcp4/tcp46), so a headerless `| grep` row is named right.
  const bsd = dialect === 'macos' || proto === 'tcp4' || proto === 'tcp46' || (/\.(\d+|\*)$/.test(f[3]!) && !/:(\d+|\*)$/.test(f[3]!));
  return listener({
    ...local,
    ...(process !== undefined ? { process } : {}),
    ...(pid !== undefined ? { pid } : {}),
    ...(inode !== undefined ? { inode } : {}),
    source: bsd ? 'netstat-macos' : 'netstat-linux',
  });
}

export const netstatLinuxFormat: ListenerLineFormat = {
  id: 'netstat-linux',
  description: 'Linux `netstat -tlnp`, `netstat -an` (net-tools)',
  header: (line) =>
    /^Active Internet connections \((only servers|servers and established|w\/o servers)\)/.test(line.trim()) ||
    /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+State\b/.test(line.trim()),
  row: (line) => unixRow(line, 'linux'),
};

export const netstatMacosFormat: ListenerLineFormat = {
  id: 'netstat-macos',
  description: 'macOS / FreeBSD `netstat -an` (`tcp4 0 0 *.104 *.* LISTEN`)',
  header: (line) =>
    /^Active Internet connections( \(including servers\))?\s*$/.test(line.trim()) ||
    /^Proto\s+Recv-Q\s+Send-Q\s+Local Address\s+Foreign Address\s+\(state\)/.test(line.trim()),
  row: (line) => unixRow(line, 'macos'),
};

/** Sections of `netstat -an` that list no Internet sockets: their rows are skipped, not read. */
export function otherSection(line: string): boolean {
  return /^Active (UNIX|LOCAL \(UNIX\)|Bluetooth|Multipath|kernel|Kernel|SYSTEM)(\s|$)/.test(line.trim()) || /^Registered kernel control modules/.test(line.trim());
}

function isUnspecifiedRemote(text: string): boolean {
  const ep = splitEndpoint(text);
  return ep !== undefined && (ep.port === '0' || ep.port === '*') && /^(0\.0\.0\.0|::|\*)$/.test(ep.address);
}

export const netstatWindowsFormat: ListenerLineFormat = {
  id: 'netstat-windows',
  description: 'Windows `netstat -an`, `-ano`, `-anob` (any display language)',
  header: (line) => /^\s*Proto\s+Local Address\s+Foreign Address\s+State/.test(line) || /^\s*Active Connections\s*$/.test(line),
  row(line): RowResult {
    const m = /^\s*(TCP|UDP|TCPv6|UDPv6)\s+(\S+)\s+(\S+)\s*(.*)$/.exec(line);
    if (!m) return undefined;
    const [, proto, localText, remote, restText] = m as unknown as [string, string, string, string, string];
    if (!proto.startsWith('TCP')) return skipRow(`${proto} socket`);
    const rest = fields(restText);
    const pidText = rest.length >= 2 && /^\d+$/.test(rest[rest.length - 1]!) ? rest.pop() : undefined;
    const state = rest.join(' ');
    const listening = /^LISTEN/i.test(state) || isUnspecifiedRemote(remote);
    if (!listening) return splitEndpoint(localText) ? skipRow(`TCP socket in state ${state || '(none)'}`) : badRow(`local address '${localText}' has no port`);
    const local = localEndpoint(localText);
    if (isRowResult(local)) return local;
    return listener({ ...local, ...(pidText !== undefined ? { pid: Number(pidText) } : {}) });
  },
};

/** `netstat -b`: the line naming the executable of the row above (`[dcmqrscp.exe]`), or undefined. */
export function windowsOwner(line: string): string | undefined {
  return /^\s*\[([^\]]+)\]\s*$/.exec(line)?.[1];
}
