/**
 * IP fragment reassembly (IPv4, and IPv6 fragment headers) over a bounded table: at most `maxDatagrams` in flight
 * and `maxBytes` of fragment data held, each for at most `timeoutMs` of capture time. Fragments are copied (their
 * frames are only valid while they are handed in). What cannot be put together is counted, by reason:
 *  - incomplete: timed out, evicted by the caps, still missing a part at the end of the input, or with a part cut
 *    by the capture's snaplen;
 *  - overlapping: a fragment that overlaps another with different bounds (RFC 5722 drops such datagrams; IPv4
 *    stacks disagree on which bytes win, so neither guess is taken) — an exact duplicate is ignored;
 *  - oversize: a fragment that would put the datagram past 65535 bytes, or a part after the last one.
 */
import { walkIpv6Headers, type IpPacket } from './link.js';

export interface ReassemblyOptions {
  /** Datagrams in flight at most (default 1024); a new one beyond it evicts the oldest. */
  maxDatagrams?: number;
  /** Fragment bytes held at most (default 16 MiB). */
  maxBytes?: number;
  /** Capture-time ms after its first fragment that a datagram is given up (default 30 s, as Linux). */
  timeoutMs?: number;
}

export interface ReassemblyStats {
  /** Fragments handed in. */
  fragments: number;
  /** Datagrams put together. */
  reassembled: number;
  /** Datagrams given up, by reason. */
  incomplete: number;
  overlapping: number;
  oversize: number;
}

interface Part {
  offset: number;
  data: Buffer;
}

interface Pending {
  first: IpPacket;
  parts: Part[];
  /** Payload length once the last fragment is seen, else -1. */
  total: number;
  held: number;
  startedMs: number;
  /** Given up (overlap, oversize): later fragments are dropped until it times out. */
  dead: boolean;
}

const MAX_DATAGRAM = 65535;
const EMPTY = Buffer.alloc(0);

export interface Reassembler {
  /**
   * A packet in: the packet itself when it is not a fragment, the whole packet when this fragment completes one,
   * else undefined (held, or dropped and counted). `timeMs` is the capture time (NaN when unknown: no expiry step).
   */
  push(packet: IpPacket, timeMs: number): IpPacket | undefined;
  /** End of input: datagrams still incomplete are counted. */
  flush(): void;
  readonly stats: ReassemblyStats;
  /** Datagrams and bytes held now (for tests of the bounds). */
  readonly inFlight: { datagrams: number; bytes: number };
}

export function createReassembler(options: ReassemblyOptions = {}): Reassembler {
  const maxDatagrams = options.maxDatagrams ?? 1024;
  const maxBytes = options.maxBytes ?? 16 << 20;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const table = new Map<string, Pending>();
  let held = 0;
  let lastTime = -Infinity;
  const stats: ReassemblyStats = { fragments: 0, reassembled: 0, incomplete: 0, overlapping: 0, oversize: 0 };

  const drop = (key: string, entry: Pending, count: boolean) => {
    held -= entry.held;
    table.delete(key);
    if (count && !entry.dead) stats.incomplete++;
  };

  const kill = (entry: Pending, reason: 'overlapping' | 'oversize' | 'incomplete') => {
    stats[reason]++;
    entry.dead = true;
    held -= entry.held;
    entry.held = 0;
    entry.parts = [];
  };

  const expire = (now: number) => {
    for (const [key, entry] of table) {
      if (now - entry.startedMs <= timeoutMs) break; // insertion order is capture order
      drop(key, entry, true);
    }
  };

  const complete = (entry: Pending): IpPacket | undefined => {
    if (entry.total < 0) return undefined;
    entry.parts.sort((a, b) => a.offset - b.offset);
    let at = 0;
    for (const part of entry.parts) {
      if (part.offset !== at) return undefined;
      at += part.data.length;
    }
    if (at !== entry.total) return undefined;
    const payload = Buffer.concat(entry.parts.map((p) => p.data), entry.total);
    const whole: IpPacket = { ...entry.first, payload, truncated: false };
    delete whole.fragment;
    if (whole.version === 6) {
      // the fragmentable part may begin with more extension headers (destination options…)
      const walked = walkIpv6Headers(payload, 0, payload.length, entry.first.protocol, whole);
      if (walked && !walked.ok) return undefined;
    }
    return whole;
  };

  return {
    stats,
    get inFlight() {
      return { datagrams: table.size, bytes: held };
    },
    push(packet, timeMs) {
      const frag = packet.fragment;
      if (Number.isFinite(timeMs)) {
        lastTime = Math.max(lastTime, timeMs);
        expire(lastTime);
      }
      if (!frag) return packet;
      stats.fragments++;
      const key = `${packet.version}|${packet.srcAddr}|${packet.dstAddr}|${packet.protocol}|${frag.id}`;
      let entry = table.get(key);
      if (!entry) {
        while (table.size >= maxDatagrams) {
          const [oldKey, old] = table.entries().next().value as [string, Pending];
          drop(oldKey, old, true);
        }
        // no reference to the frame is kept (it belongs to the caller's chunk): parts are copied below
        entry = { first: { ...packet, payload: EMPTY }, parts: [], total: -1, held: 0, startedMs: Number.isFinite(lastTime) ? lastTime : 0, dead: false };
        table.set(key, entry);
      }
      if (entry.dead) return undefined;
      const data = packet.payload;
      const end = frag.offset + data.length;
      if (packet.truncated) { // a part cut by the snaplen cannot be put back
        kill(entry, 'incomplete');
        return undefined;
      }
      if (end > MAX_DATAGRAM || (entry.total >= 0 && end > entry.total) || (!frag.more && entry.parts.some((p) => p.offset + p.data.length > end))) {
        kill(entry, 'oversize');
        return undefined;
      }
      if (frag.more && data.length % 8 !== 0) { // only the last part may have a length that is not a multiple of 8
        kill(entry, 'oversize');
        return undefined;
      }
      for (const part of entry.parts) {
        const pend = part.offset + part.data.length;
        if (part.offset === frag.offset && pend === end) return undefined; // a duplicate
        if (frag.offset < pend && part.offset < end) {
          kill(entry, 'overlapping');
          return undefined;
        }
      }
      if (!frag.more) {
        if (entry.total >= 0) { // a second last part with another end
          kill(entry, 'oversize');
          return undefined;
        }
        entry.total = end;
      }
      if (frag.offset === 0) entry.first = { ...packet, payload: EMPTY };
      const copy = Buffer.from(data);
      entry.parts.push({ offset: frag.offset, data: copy });
      entry.held += copy.length;
      held += copy.length;
      const whole = complete(entry);
      if (whole) {
        stats.reassembled++;
        held -= entry.held;
        table.delete(key);
        return whole;
      }
      // the byte cap: give up the oldest datagrams until back under it
      while (held > maxBytes && table.size > 0) {
        const [oldKey, old] = table.entries().next().value as [string, Pending];
        drop(oldKey, old, true);
      }
      return undefined;
    },
    flush() {
      for (const [key, entry] of table) drop(key, entry, true);
    },
  };
}
