/**
 * The live listeners of this Linux machine, read the way `ss` reads them, without running anything: the socket
 * tables /proc/net/tcp and /proc/net/tcp6 (proc-net.ts), then /proc/PID/fd/* links (`socket:[INODE]`) to find the
 * process holding each listening socket, and /proc/PID/comm for its name. Processes whose fd directory we may not
 * read (another user's, without root) are counted, and their sockets keep no process or PID. The only I/O of the
 * listener side; `root` lets tests hand it a fake /proc tree.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { endianness, hostname } from 'node:os';
import { join } from 'node:path';
import { DicomwatchError } from '../../errors.js';
import { scopeOf, verdictOf, type Listener } from './model.js';
import { procRow } from './proc-net.js';
import type { ListenerReading } from './registry.js';

export interface ProcOptions {
  /** Default `/proc`. */
  root?: string;
  /** Default: this machine's hostname. */
  host?: string;
  /** Byte order of the socket tables (default: this machine's). */
  littleEndian?: boolean;
}

export interface ProcReading extends ListenerReading {
  /** Processes whose open files could not be read (permission): their sockets have no process. */
  processesDenied: number;
  /** Listening sockets no readable process was found for. */
  unmapped: number;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** inode → { pid, process } for the inodes asked for; lowest PID when several processes share a socket. */
function socketOwners(root: string, inodes: ReadonlySet<number>): { owners: Map<number, { pid: number; process?: string }>; denied: number } {
  const owners = new Map<number, { pid: number; process?: string }>();
  let denied = 0;
  let pids: number[];
  try {
    pids = readdirSync(root).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  } catch {
    return { owners, denied };
  }
  for (const pid of pids) {
    const fdDir = join(root, String(pid), 'fd');
    let fds: string[];
    try {
      fds = readdirSync(fdDir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EACCES' || (e as NodeJS.ErrnoException).code === 'EPERM') denied++;
      continue; // gone (ENOENT) or not ours
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(join(fdDir, fd));
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(target);
      if (!m) continue;
      const inode = Number(m[1]);
      if (!inodes.has(inode) || owners.has(inode)) continue;
      const comm = readText(join(root, String(pid), 'comm'))?.trim();
      owners.set(inode, { pid, ...(comm ? { process: comm } : {}) });
    }
  }
  return { owners, denied };
}

/** Every listening TCP socket of this machine (all ports; filter with onPorts). */
export function readProcListeners(options: ProcOptions = {}): ProcReading {
  const root = options.root ?? '/proc';
  const host = options.host ?? hostname();
  const littleEndian = options.littleEndian ?? endianness() === 'LE';
  const reading: ProcReading = {
    file: join(root, 'net', 'tcp'), listeners: [], records: 0, skipped: 0, skippedBy: {}, errors: 0, problems: [], formats: ['proc'], processesDenied: 0, unmapped: 0,
  };
  const tables = ['tcp', 'tcp6'].map((t) => ({ path: join(root, 'net', t), text: readText(join(root, 'net', t)) }));
  if (tables.every((t) => t.text === undefined)) {
    throw new DicomwatchError('INPUT_UNREADABLE', `${join(root, 'net', 'tcp')}: cannot read (not Linux, or /proc not mounted): give saved outputs of ss, netstat, lsof or Get-NetTCPConnection instead`, join(root, 'net', 'tcp'));
  }
  const found: { listener: Listener; inode?: number }[] = [];
  for (const { path, text } of tables) {
    if (text === undefined) continue;
    text.split('\n').forEach((line, i) => {
      if (i === 0 || line.trim() === '') return; // the header
      const r = procRow(line, littleEndian);
      reading.records++;
      if (r === undefined || r.kind === 'none') {
        reading.skipped++;
        return;
      }
      if (r.kind === 'skip') {
        reading.skipped++;
        reading.skippedBy[r.reason] = (reading.skippedBy[r.reason] ?? 0) + 1;
        return;
      }
      if (r.kind === 'error') {
        reading.errors++;
        reading.problems.push({ line: i + 1, message: `${path}: ${r.message}` });
        return;
      }
      const scope = scopeOf(r.row.address);
      found.push({
        listener: { host, address: r.row.address, port: r.row.port, protocol: 'tcp', scope, ...(r.row.user !== undefined ? { user: r.row.user } : {}), source: 'proc', verdict: verdictOf(scope) },
        ...(r.row.inode ? { inode: r.row.inode } : {}),
      });
    });
  }
  const { owners, denied } = socketOwners(root, new Set(found.flatMap((f) => (f.inode ? [f.inode] : []))));
  reading.processesDenied = denied;
  for (const { listener, inode } of found) {
    const owner = inode !== undefined ? owners.get(inode) : undefined;
    if (owner) {
      if (owner.process !== undefined) listener.process = owner.process;
      listener.pid = owner.pid;
    } else reading.unmapped++;
    reading.listeners.push(listener);
  }
  return reading;
}
