/**
 * `ss -ltnp` (iproute2), with or without `-p`, `-H` (no header), `-e`, and with a `Netid` column when several socket
 * kinds are listed (`ss -tulpn`). Layout per ss(8) and its output as printed by iproute2 (manpages.ubuntu.com ss.8;
 * e.g. simplified.guide "check active network connections with ss"):
 *
 *   Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess
 *   tcp   LISTEN 0      4096   127.0.0.53%lo:53         0.0.0.0:*    users:(("systemd-resolve",pid=634,fd=14))
 *   tcp   LISTEN 0      128             [::]:22            [::]:*    users:(("sshd",pid=1010,fd=4),("systemd",pid=1,fd=130))
 *
 * Older ss prints `*:22` for the IPv4 wildcard and `:::22` for IPv6. Only `LISTEN` rows of TCP sockets are listeners;
 * the first process in `users:(…)` gives the process and PID (the lowest PID when several share the socket).
 */
import { fields, type ListenerLineFormat } from './format.js';
import { isRowResult, listener, localEndpoint, skipRow, type RowResult } from './model.js';

const STATES = new Set([
  'LISTEN', 'ESTAB', 'UNCONN', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2', 'TIME-WAIT', 'CLOSE-WAIT', 'LAST-ACK',
  'CLOSING', 'CLOSED', 'UNKNOWN', 'NEW-SYN-RECV', 'BOUND-INACTIVE',
]);
const NETIDS = new Set(['tcp', 'udp', 'raw', 'u_str', 'u_dgr', 'u_seq', 'p_raw', 'p_dgr', 'nl', 'mptcp', 'sctp', 'dccp', 'tipc', 'xdp', 'v_str', 'v_dgr', 'udplite']);

/** The processes of a `users:(("name",pid=1,fd=3),…)` field: [name, pid] pairs. */
export function ssUsers(text: string): { process: string; pid: number }[] {
  const out: { process: string; pid: number }[] = [];
  for (const m of text.matchAll(/\("((?:[^"\\]|\\.)*)",pid=(\d+)/g)) out.push({ process: m[1]!, pid: Number(m[2]) });
  return out;
}

export const ssFormat: ListenerLineFormat = {
  id: 'ss',
  description: '`ss -ltnp` / `ss -tulpn` (iproute2), with or without header, -p, -e',
  header: (line) => /^\s*(Netid\s+)?State\s+Recv-Q\s+Send-Q\s+Local\s+Address:Port/.test(line),
  row(line): RowResult {
    const f = fields(line);
    let i = 0;
    let netid: string | undefined;
    if (f.length > 1 && NETIDS.has(f[0]!) && STATES.has(f[1]!)) netid = f[i++];
    const state = f[i];
    if (state === undefined || !STATES.has(state)) return undefined;
    if (!/^\d+$/.test(f[i + 1] ?? '') || !/^\d+$/.test(f[i + 2] ?? '') || f.length < i + 5) return undefined;
    if (netid !== undefined && netid !== 'tcp' && netid !== 'mptcp') return skipRow(`${netid} socket`);
    if (state !== 'LISTEN') return skipRow(`TCP socket in state ${state}`);
    const local = localEndpoint(f[i + 3]!);
    if (isRowResult(local)) return local;
    const rest = f.slice(i + 5).join(' ');
    const users = ssUsers(rest).sort((a, b) => a.pid - b.pid);
    const uid = /\buid:(\d+)/.exec(rest)?.[1];
    const inode = /\bino:(\d+)/.exec(rest)?.[1];
    return listener({
      ...local,
      ...(users[0] ? { process: users[0].process, pid: users[0].pid } : {}),
      ...(uid !== undefined ? { user: uid } : {}),
      ...(inode !== undefined ? { inode: Number(inode) } : {}),
    });
  },
};
