/**
 * The order in which export packets are decoded, for every input (a file of packets, a capture, a UDP socket): it
 * numbers packets and data records as DESIGN.md fixes (across the whole input), and it never drops data that comes
 * before its template.
 *
 * Data before its template (an exporter restarted, a capture that begins mid-stream, IPFIX sets in any order): the
 * packet that needed a template is held, and so is every packet after it, while only their templates are read into
 * a look-ahead store (the first definition of each key). Once every template the held packets wait for has turned
 * up, or the hold reaches its bound, the held packets are decoded again in their own order, the store falling back
 * to the look-ahead for what it lacks: each record keeps the number it has in the input, and what is still
 * undecodable is an error naming {exporter, domain, template id}. Offline this is the second pass, made only over
 * the stretch that needs it; live, `flush` releases a hold that waited too long (the collector's timer).
 *
 * Memory: the held packets (bounded by `maxHeldBytes`) and the look-ahead store (bounded like any store).
 */
import type { PacketContext, PacketResult } from '../packets.js';
import type { Prefilter, RecordOutcome } from '../types.js';
import { netflowDecoder, type NetflowState } from './decoder.js';
import { getTemplate, newTemplateStore, type TemplateKey, type TemplateStore } from './templates.js';

/** What the adapter knows of one packet. */
export interface PacketSource {
  file: string;
  /** Template key part: the UDP source address, or the file for a file of packets. */
  exporter: string;
  /** The exporter's address as `device`, when known. */
  device?: string;
  /** Arrival time (live) or capture timestamp, epoch ms. */
  receivedAt?: number;
}

export interface SequencerOptions {
  /** The most bytes of packets held while waiting for templates (default 64 MiB). */
  maxHeldBytes?: number;
  /** The rules' pre-filter (scan): records it rules out are FILTERED before any event is built. */
  prefilter?: Prefilter;
  /** Told when a hold is released because it reached `maxHeldBytes` before its templates came. */
  onHoldCapped?: () => void;
}

export interface FlowSequencer {
  /** One export packet, in input order; outcomes that are final go to `out` (none while packets are held). */
  push(packet: Buffer, source: PacketSource, out: RecordOutcome[]): void;
  /** Decode what is held with the templates known now (end of input, or a live hold that waited long enough). */
  flush(out: RecordOutcome[]): void;
  /** Packets held now, and the receivedAt of the first (for a live hold timeout). */
  held(): { packets: number; bytes: number; since?: number };
  /** Packets read so far (the last packet's number). */
  packets(): number;
  /** The number the next data record gets once nothing is held (flush first). */
  nextRecord(): number;
}

export const DEFAULT_MAX_HELD_BYTES = 64 * 1024 * 1024;

interface Held {
  packet: Buffer;
  source: PacketSource;
}

const keyText = (k: TemplateKey) => `${k.exporter}\u0000${k.version}|${k.domain}|${k.id}`;

export function newFlowSequencer(state: NetflowState, options: SequencerOptions = {}): FlowSequencer {
  const maxHeldBytes = options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES;
  let packet = 0;
  let nextRecord = 1;
  let held: Held[] = [];
  let heldBytes = 0;
  /** Keys the held packets wait for, not yet seen in the look-ahead. */
  let waiting = new Map<string, TemplateKey>();
  let ahead: TemplateStore | undefined;

  const decode = (buf: Buffer, source: PacketSource, number: number, firstRecord: number): PacketResult => {
    const where: PacketContext = { file: source.file, exporter: source.exporter, packet: number, firstRecord };
    if (source.receivedAt !== undefined) where.receivedAt = source.receivedAt;
    if (source.device !== undefined) where.device = source.device;
    if (options.prefilter) where.prefilter = options.prefilter;
    return netflowDecoder.decode(buf, state, where);
  };

  /**
   * Read a held packet's templates into the look-ahead (its outcomes are thrown away). Data it holds whose template
   * neither store has yet is waited for too.
   */
  const lookAhead = (buf: Buffer, source: PacketSource) => {
    const r = netflowDecoder.decode(buf, { templates: ahead!, flow: state.flow }, { file: source.file, exporter: source.exporter, packet: 0, firstRecord: 1 });
    for (const key of r.missing ?? []) {
      if (!getTemplate(state.templates, key.exporter, key.version, key.domain, key.id)) waiting.set(keyText(key), key);
    }
    for (const [k, key] of waiting) if (getTemplate(ahead!, key.exporter, key.version, key.domain, key.id)) waiting.delete(k);
  };

  const release = (out: RecordOutcome[]) => {
    const packets = held;
    held = [];
    heldBytes = 0;
    waiting = new Map();
    state.templates.ahead = ahead;
    try {
      for (const h of packets) emit(decode(h.packet, h.source, ++packet, nextRecord), out);
    } finally {
      state.templates.ahead = undefined;
      ahead = undefined;
    }
  };

  const emit = (r: PacketResult, out: RecordOutcome[]) => {
    for (const o of r.outcomes) out.push(o);
    nextRecord += r.records;
  };

  return {
    push(buf, source, out) {
      if (held.length === 0) {
        const r = decode(buf, source, packet + 1, nextRecord);
        if (!r.missing) {
          packet++;
          emit(r, out);
          return;
        }
        // Hold it (a copy: the caller may reuse its buffer) and look ahead for what it needs.
        ahead = newTemplateStore(state.templates.capPerExporter, state.templates.maxExporters);
        ahead.keepFirst = true;
        for (const k of r.missing) waiting.set(keyText(k), k);
      }
      held.push({ packet: Buffer.from(buf), source });
      heldBytes += buf.length;
      lookAhead(buf, source);
      if (waiting.size === 0) release(out);
      else if (heldBytes >= maxHeldBytes) {
        options.onHoldCapped?.();
        release(out);
      }
    },
    flush(out) {
      if (held.length > 0) release(out);
    },
    held: () => ({ packets: held.length, bytes: heldBytes, since: held[0]?.source.receivedAt }),
    packets: () => packet + held.length,
    nextRecord: () => nextRecord,
  };
}
