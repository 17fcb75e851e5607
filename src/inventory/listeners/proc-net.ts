/**
 * /proc/net/tcp and /proc/net/tcp6 (Linux proc_net_tcp.txt, "Documentation/networking/proc_net_tcp.rst"):
 *
 *     sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
 *      0: 00000000:0068 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 1 …
 *
 * Addresses are hexadecimal 32-bit words in the kernel's byte order (IPv4: one word, `0100007F` is 127.0.0.1 on a
 * little-endian machine; IPv6: four words), the port is big-endian hex, `st` 0A is TCP_LISTEN. The same text read
 * live (src/inventory/listeners/proc.ts) or saved with `cat /proc/net/tcp > host.txt` (read as little-endian, what
 * x86 and ARM Linux write).
 */
import { formatIpv6, ipv4FromNumber } from '../../net/ip.js';
import type { ListenerLineFormat } from './format.js';
import { badRow, bindAddress, listener, skipRow, type RowResult } from './model.js';

const TCP_LISTEN = '0A';
const ROW = /^\s*\d+:\s+([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]+):([0-9A-Fa-f]{4})\s+([0-9A-Fa-f]{2})\s+\S+\s+\S+\s+\S+\s+(\d+)\s+\d+\s+(\d+)/;

/** One 32-bit word of /proc hex in the kernel's byte order → its four bytes in network order. */
function wordBytes(hex: string, littleEndian: boolean): number[] {
  const n = parseInt(hex, 16);
  const bytes = [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return littleEndian ? bytes.reverse() : bytes;
}

/** A /proc/net/tcp{,6} address → canonical IP text. */
export function procAddress(hex: string, littleEndian = true): string {
  if (hex.length === 8) {
    const [a, b, c, d] = wordBytes(hex, littleEndian);
    return ipv4FromNumber(((a! << 24) | (b! << 16) | (c! << 8) | d!) >>> 0);
  }
  const bytes: number[] = [];
  for (let i = 0; i < 32; i += 8) bytes.push(...wordBytes(hex.slice(i, i + 8), littleEndian));
  const groups = new Uint16Array(8);
  for (let i = 0; i < 8; i++) groups[i] = bytes[2 * i]! * 256 + bytes[2 * i + 1]!;
  return formatIpv6(groups);
}

export function procRow(line: string, littleEndian = true): RowResult {
  const m = ROW.exec(line);
  if (!m) return /^\s*\d+:\s/.test(line) ? badRow('not a /proc/net/tcp row') : undefined;
  if (m[5]!.toUpperCase() !== TCP_LISTEN) return skipRow(`TCP socket in state ${m[5]}`);
  return listener({ address: bindAddress(procAddress(m[1]!, littleEndian)), port: parseInt(m[2]!, 16), user: m[6]!, inode: Number(m[7]) });
}

export const procNetTcpFormat: ListenerLineFormat = {
  id: 'proc-net-tcp',
  description: 'a saved copy of /proc/net/tcp or /proc/net/tcp6 (little-endian)',
  header: (line) => /^\s*sl\s+local_address\s+rem(ote)?_address\s+st\b/.test(line),
  row: (line) => procRow(line),
};
