/**
 * Binary flow exports (NetFlow v5/v9, IPFIX…), shaped as GoFlow2 shapes them: a decoder is a pure function of one
 * packet and the state it is handed — the template store, keyed by exporter — with no I/O, no clock of its own and
 * no hidden globals, so it is tested with byte literals and the same decoder serves every input. Inputs are thin
 * adapters that cut bytes into packets and say who sent each: a file of raw export packets (packetFileSession),
 * pcap records, a UDP socket.
 */
import type { NetworkEvent } from '../model/event.js';
import type { ByteSession, ParseContext, RecordOutcome } from './types.js';

/** Where one packet comes from, as the adapter knows it. */
export interface PacketContext {
  file: string;
  /** Who sent it (a UDP source address; for a file, the file): part of every template key. */
  exporter: string;
  /** 1-based packet index in the input. */
  packet: number;
  /** The number the packet's first data record gets: DESIGN.md numbers data records across the whole input. */
  firstRecord: number;
  /** When the packet arrived (live collection, a capture's timestamp), epoch ms: handed in, never read from a clock. */
  receivedAt?: number;
  /** The exporter's address as the event's `device`, when the input knows it (pcap, UDP); a file does not. */
  device?: string;
}

/** What one packet decoded to. */
export interface PacketResult<T = NetworkEvent> {
  outcomes: RecordOutcome<T>[];
  /** Data records the packet held. */
  records: number;
  /**
   * Templates the packet's data needed and the state lacked (each also an error outcome): a sequencer may hold the
   * packet and decode it again once they turn up.
   */
  missing?: { exporter: string; version: number; domain: number; id: number }[];
}

export interface PacketDecoder<S, T = NetworkEvent> {
  /** An empty state (template store) for a new input. */
  initialState(): S;
  /**
   * One packet's data records, in order, as outcomes numbered from `ctx.firstRecord`; `records` is how many data
   * records the packet held (options records included, which yield no event but keep their number). Reads and
   * updates `state`; never throws on bad bytes (a broken packet is an error outcome).
   */
  decode(packet: Buffer, state: S, ctx: PacketContext): PacketResult<T>;
}

/** The length of the packet at `offset`, read from its header; `more` when its header is not all there yet. */
export type PacketFraming = (buf: Buffer, offset: number) => number | 'more' | { error: string };

/**
 * A file of export packets back to back (what `nfcapd`-less captures and test fixtures hold), framed by `frame`:
 * a ByteSession over any chunking. Bytes the framing cannot cut into a packet end the input with one MALFORMED
 * record, numbered after the last decoded one.
 */
export function packetFileSession<S, T = NetworkEvent>(
  decoder: PacketDecoder<S, T>,
  frame: PacketFraming,
  ctx: ParseContext,
  state: S = decoder.initialState(),
): ByteSession<T> {
  let pending: Buffer = Buffer.alloc(0);
  let packet = 0;
  let nextRecord = 1;
  let broken = false;

  const brokenInput = (why: string, out: RecordOutcome<T>[]) => {
    out.push({ kind: 'error', line: nextRecord, code: 'MALFORMED', message: why });
    broken = true;
    pending = Buffer.alloc(0);
  };

  return {
    push(chunk, out) {
      if (broken) return;
      // Copy: the caller may reuse its chunk once push returns.
      pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
      let offset = 0;
      for (;;) {
        const length = frame(pending, offset);
        if (length === 'more') break;
        if (typeof length !== 'number') return brokenInput(`packet ${packet + 1}: ${length.error}`, out);
        if (length <= 0) return brokenInput(`packet ${packet + 1}: length ${length}`, out);
        if (offset + length > pending.length) break;
        packet++;
        const { outcomes, records } = decoder.decode(pending.subarray(offset, offset + length), state, {
          file: ctx.file, exporter: ctx.file, packet, firstRecord: nextRecord,
        });
        for (const o of outcomes) out.push(o);
        nextRecord += records;
        offset += length;
      }
      pending = pending.subarray(offset);
    },
    end(out) {
      if (!broken && pending.length > 0) brokenInput(`packet ${packet + 1}: the input ends inside it (${pending.length} bytes)`, out);
    },
  };
}
