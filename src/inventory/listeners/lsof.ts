/**
 * `lsof -i -P -n` (also `lsof -iTCP -sTCP:LISTEN -P -n`, `lsof -i :104`), Linux and macOS. Columns per lsof(8)
 * OUTPUT: COMMAND PID [TID TASKCMD] USER FD TYPE DEVICE SIZE/OFF NODE NAME, where NODE is the protocol and NAME the
 * endpoint(s) and, for TCP, the state in parentheses:
 *
 *   COMMAND    PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME
 *   sshd      1010 root    3u  IPv4  23456      0t0  TCP *:22 (LISTEN)
 *   dcmqrscp  2222 pacs    5u  IPv6  34567      0t0  TCP [::1]:11112 (LISTEN)
 *   java      3333 pacs   40u  IPv4  45678      0t0  TCP 10.1.2.3:104->10.9.9.9:51234 (ESTABLISHED)
 *
 * `*:104` is the wildcard of the socket's family (TYPE IPv4 → 0.0.0.0, IPv6 → ::). Without -P lsof prints service
 * names (`*:acr-nema`), which are mapped back for the DICOM ones; without -n, host names (`localhost:104`).
 */
import { fields, type ListenerLineFormat } from './format.js';
import { isRowResult, listener, localEndpoint, skipRow, type RowResult } from './model.js';

/** lsof escapes unprintable bytes and spaces in COMMAND as \xNN. */
function unescape(text: string): string {
  return text.replace(/\\x([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

export const lsofFormat: ListenerLineFormat = {
  id: 'lsof',
  description: '`lsof -i -P -n` (Linux, macOS)',
  header: (line) => /^\s*COMMAND\s+PID\s+(TID\s+)?(TASKCMD\s+)?USER\s+FD\s+TYPE\s+DEVICE\s+SIZE\/OFF\s+NODE\s+NAME/.test(line),
  row(line): RowResult {
    const f = fields(line);
    if (f.length < 8 || !/^\d+$/.test(f[1]!)) return undefined;
    const typeAt = f.findIndex((t, i) => i >= 3 && /^IPv[46]$/.test(t));
    const nodeAt = f.findIndex((t, i) => i > typeAt && /^(TCP|UDP|UDPLITE|SCTP|RAW)$/.test(t));
    if (typeAt < 0 || nodeAt < 0 || nodeAt === f.length - 1) return undefined;
    const node = f[nodeAt]!;
    const name = f[nodeAt + 1]!;
    const state = /^\((\S+)\)$/.exec(f[nodeAt + 2] ?? '')?.[1];
    if (node !== 'TCP') return skipRow(`${node} socket`);
    if (name.includes('->')) return skipRow(`TCP connection${state ? ` in state ${state}` : ''}`);
    if (state !== 'LISTEN') return skipRow(`TCP socket in state ${state ?? '(none)'}`);
    const local = localEndpoint(name, f[typeAt] === 'IPv4' ? 4 : 6);
    if (isRowResult(local)) return local;
    // USER is the column before FD; FD is the token after it that looks like one (`3u`, `cwd`…): USER is at 2 unless
    // TID/TASKCMD columns (Linux threads) push it right; the token right before FD is USER either way.
    const fdAt = f.findIndex((t, i) => i >= 2 && i < typeAt && /^\d+[rwu][a-zA-Z]?$/.test(t));
    const user = fdAt >= 3 ? f[fdAt - 1] : f[2];
    return listener({ ...local, process: unescape(f[0]!), pid: Number(f[1]), ...(user !== undefined ? { user } : {}) });
  },
};
