/**
 * NetFlow v5 / v9 and IPFIX export packets as a file format (`.dat`: raw UDP payloads back to back, as in the
 * Logstash codec's fixtures): one decoder that dispatches on each packet's version, a framing that cuts the bytes
 * into packets, and a ByteFormat recognized by its first bytes.
 *
 * Templates persist across the files of one run: the CLI and scan() hand one `ctx.flowState` bag per run, and the
 * decoder state is kept in it (else each file has its own). A file does not say which router exported it, so every
 * file of a run is the same exporter (`file`); the v9 source id / IPFIX observation domain still separates sources.
 */
import type { PacketContext, PacketDecoder } from '../packets.js';
import type { ByteFormat, ByteSession, ParseContext, RecordOutcome } from '../types.js';
import { decodeIpfix, IPFIX_HEADER } from './ipfix.js';
import { Flow, newTemplateStore, type TemplateStore } from './templates.js';
import { decodeV5, V5_HEADER, V5_RECORD } from './v5.js';
import { decodeV9, V9_HEADER } from './v9.js';

export const NETFLOW_FORMAT = 'netflow';
/** The exporter every packet read from a file is attributed to. */
export const FILE_EXPORTER = 'file';
/** Largest export packet (a UDP payload): a v9 packet longer than this is broken input, not buffered further. */
const MAX_PACKET = 65535;

export interface NetflowState {
  templates: TemplateStore;
  /** Reused record accumulator (decoding allocates no object per field). */
  flow: Flow;
}

export const netflowDecoder: PacketDecoder<NetflowState> = {
  initialState: () => ({ templates: newTemplateStore(), flow: new Flow() }),
  decode(packet: Buffer, state: NetflowState, where: PacketContext) {
    const version = packet.length >= 2 ? packet.readUInt16BE(0) : -1;
    try {
      if (version === 5) return decodeV5(packet, where, NETFLOW_FORMAT);
      if (version === 9) return decodeV9(packet, state.templates, where, NETFLOW_FORMAT, state.flow);
      if (version === 10) return decodeIpfix(packet, state.templates, where, NETFLOW_FORMAT, state.flow);
    } catch (e) {
      // The decoders bound-check every read; this is a last guard so that nothing throws out of a decoder.
      return { outcomes: [{ kind: 'error', line: where.firstRecord, code: 'MALFORMED', message: `packet ${where.packet}: ${(e as Error).message}` }], records: 1 };
    }
    return { outcomes: [{ kind: 'error', line: where.firstRecord, code: 'MALFORMED', message: `packet ${where.packet}: not a NetFlow v5/v9 or IPFIX packet (version ${version})` }], records: 1 };
  },
};

/**
 * The length of the packet at `offset`: v5 from its count, IPFIX from its length field, v9 (which has no length)
 * by walking its flowsets up to the next packet header, a zero fill, or the end of the input (`atEnd`).
 */
export function frameNetflow(buf: Buffer, offset: number, atEnd: boolean): number | 'more' | { error: string } {
  const avail = buf.length - offset;
  if (avail < 4) return atEnd ? (avail === 0 ? 'more' : { error: `${avail} trailing bytes` }) : 'more';
  const version = buf.readUInt16BE(offset);
  if (version === 5) return V5_HEADER + buf.readUInt16BE(offset + 2) * V5_RECORD;
  if (version === 10) {
    const length = buf.readUInt16BE(offset + 2);
    return length < IPFIX_HEADER ? { error: `IPFIX message length ${length}` } : length;
  }
  if (version !== 9) return { error: `not a NetFlow v5/v9 or IPFIX packet (version ${version})` };
  let pos = offset + V9_HEADER;
  for (;;) {
    if (pos - offset > MAX_PACKET) return { error: `NetFlow v9 packet longer than ${MAX_PACKET} bytes` };
    if (pos + 4 > buf.length) return atEnd ? buf.length - offset : 'more';
    const id = buf.readUInt16BE(pos);
    const len = buf.readUInt16BE(pos + 2);
    if (id === 5 || id === 9 || id === 10) return pos - offset; // a reserved flowset id: the next packet's header
    if (len === 0) { // zero fill: up to the next non-zero 16-bit word
      let p = pos;
      while (p + 2 <= buf.length && buf[p] === 0 && buf[p + 1] === 0) p += 2;
      if (p + 2 > buf.length) return atEnd ? buf.length - offset : 'more';
      return p - offset;
    }
    if (len < 4) return atEnd ? buf.length - offset : pos + 4 - offset; // broken: the decoder reports it
    pos += len;
    if (pos > buf.length) return atEnd ? buf.length - offset : 'more';
  }
}

/**
 * A file of export packets: like packetFileSession, but the framing may need the end of input to close the last
 * v9 packet (v9 headers carry no length).
 */
export function netflowFileSession(ctx: ParseContext, state: NetflowState): ByteSession {
  let pending: Buffer = Buffer.alloc(0);
  let packet = 0;
  let nextRecord = 1;
  let broken = false;
  const run = (out: RecordOutcome[], atEnd: boolean) => {
    let offset = 0;
    while (!broken) {
      const length = frameNetflow(pending, offset, atEnd);
      if (length === 'more') break;
      if (typeof length !== 'number' || length <= 0) {
        out.push({ kind: 'error', line: nextRecord, code: 'MALFORMED', message: `packet ${packet + 1}: ${typeof length === 'number' ? `length ${length}` : length.error}` });
        broken = true;
        pending = Buffer.alloc(0);
        return;
      }
      if (offset + length > pending.length) {
        if (!atEnd) break;
        out.push({ kind: 'error', line: nextRecord, code: 'MALFORMED', message: `packet ${packet + 1}: the input ends inside it (${pending.length - offset} of ${length} bytes)` });
        broken = true;
        pending = Buffer.alloc(0);
        return;
      }
      packet++;
      const { outcomes, records } = netflowDecoder.decode(pending.subarray(offset, offset + length), state, {
        file: ctx.file, exporter: FILE_EXPORTER, packet, firstRecord: nextRecord,
      });
      for (const o of outcomes) out.push(o);
      nextRecord += records;
      offset += length;
    }
    pending = pending.subarray(offset);
  };
  return {
    push(chunk, out) {
      if (broken) return;
      pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
      run(out, false);
    },
    end(out) {
      if (!broken && pending.length > 0) run(out, true);
    },
  };
}

/** The run's decoder state from `ctx.flowState` (created there on first use), else a state of this file's own. */
export function netflowState(ctx: ParseContext): NetflowState {
  const bag = ctx.flowState;
  if (!bag) return netflowDecoder.initialState();
  const existing = bag[NETFLOW_FORMAT] as NetflowState | undefined;
  if (existing) return existing;
  const state = netflowDecoder.initialState();
  bag[NETFLOW_FORMAT] = state;
  return state;
}

/** Whether the first bytes are a plausible NetFlow v5/v9 or IPFIX header (a text file never starts with NUL). */
export function sniffNetflow(head: Buffer): boolean {
  if (head.length < 4 || head[0] !== 0) return false;
  const version = head.readUInt16BE(0);
  const n = head.readUInt16BE(2);
  if (version === 5) return head.length >= V5_HEADER; // a bad count is the decoder's error to report, located
  if (version === 9) {
    if (head.length < V9_HEADER || n === 0) return false;
    if (head.length < V9_HEADER + 4) return true;
    const id = head.readUInt16BE(V9_HEADER);
    return (id <= 1 || id >= 256) && head.readUInt16BE(V9_HEADER + 2) >= 4;
  }
  if (version === 10) {
    if (head.length < IPFIX_HEADER || n < IPFIX_HEADER) return false;
    if (head.length < IPFIX_HEADER + 4) return true;
    const id = head.readUInt16BE(IPFIX_HEADER);
    return (id === 2 || id === 3 || id >= 256) && head.readUInt16BE(IPFIX_HEADER + 2) >= 4;
  }
  return false;
}

export const netflowFormat: ByteFormat = {
  id: NETFLOW_FORMAT,
  kind: 'bytes',
  description: 'NetFlow v5 / v9 (RFC 3954, Cisco ASA NSEL) and IPFIX (RFC 7011) export packets, raw (.dat)',
  recognizedBy: 'first bytes: version 0x0005 / 0x0009 / 0x000a (big-endian) and a plausible header',
  sniffBytes: sniffNetflow,
  open: (ctx) => netflowFileSession(ctx, netflowState(ctx)),
};
