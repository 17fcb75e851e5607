/**
 * NetFlow v5 / v9 and IPFIX export packets as a file format (`.dat`: raw UDP payloads back to back, as in the
 * Logstash codec's fixtures): a framing that cuts the bytes into packets, handed to a FlowSequencer (numbering, data
 * before its template) over the one decoder (decoder.ts), and a ByteFormat recognized by its first bytes.
 *
 * Templates persist across the files of one run: the CLI and scan() hand one `ctx.flowState` bag per run, and the
 * decoder state is kept in it (else each file has its own). A file does not say which router exported it, so every
 * file of a run is the same exporter (`file`); the v9 source id / IPFIX observation domain still separates sources.
 */
import { InputFileError } from '../errors.js';
import type { ByteFormat, ByteSession, ParseContext, RecordOutcome } from '../types.js';
import { NETFLOW_FORMAT, netflowDecoder, type NetflowState } from './decoder.js';
import { IPFIX_HEADER } from './ipfix.js';
import { newFlowSequencer, type PacketSource, type SequencerOptions } from './sequencer.js';
import { V5_HEADER, V5_MAX_COUNT, V5_RECORD } from './v5.js';
import { V9_HEADER } from './v9.js';

export { NETFLOW_FORMAT, netflowDecoder, type NetflowState } from './decoder.js';
/** The exporter every packet read from a file is attributed to. */
export const FILE_EXPORTER = 'file';
/** Largest export packet (a UDP payload): a v9 packet longer than this is broken input, not buffered further. */
const MAX_PACKET = 65535;

/**
 * The length of the packet at `offset`: v5 from its count, IPFIX from its length field, v9 (which has no length)
 * by walking its flowsets up to the next packet header, a zero fill, or the end of the input (`atEnd`).
 */
export function frameNetflow(buf: Buffer, offset: number, atEnd: boolean): number | 'more' | { error: string } {
  const avail = buf.length - offset;
  if (avail < 4) return atEnd ? (avail === 0 ? 'more' : { error: `${avail} trailing bytes` }) : 'more';
  const version = buf.readUInt16BE(offset);
  if (version === 5) {
    // A count outside 1..30 is no v5 packet's (a corrupt header): its length, and where the next packet starts, are
    // unknown (a count of 0 would read its records as the next packet's header).
    const count = buf.readUInt16BE(offset + 2);
    return count < 1 || count > V5_MAX_COUNT ? { error: `NetFlow v5 record count ${count} outside 1..${V5_MAX_COUNT}` } : V5_HEADER + count * V5_RECORD;
  }
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
 * A file of export packets: framed here (the framing may need the end of input to close the last v9 packet, whose
 * header carries no length), numbered and decoded by a FlowSequencer, which holds data that comes before its
 * template until the template turns up further on in the file.
 */
export function netflowFileSession(ctx: ParseContext, state: NetflowState, options?: SequencerOptions): ByteSession {
  const sequencer = newFlowSequencer(state, options);
  const source: PacketSource = { file: ctx.file, exporter: FILE_EXPORTER };
  let pending: Buffer = Buffer.alloc(0);
  let broken = false;
  const run = (out: RecordOutcome[], atEnd: boolean) => {
    let offset = 0;
    while (!broken) {
      const length = frameNetflow(pending, offset, atEnd);
      if (length === 'more') break;
      const packet = sequencer.packets() + 1;
      let why: string | undefined;
      if (typeof length !== 'number' || length <= 0) why = typeof length === 'number' ? `length ${length}` : length.error;
      else if (offset + length > pending.length) {
        if (!atEnd) break;
        why = `the input ends inside it (${pending.length - offset} of ${length} bytes)`;
      }
      if (why !== undefined) {
        sequencer.flush(out); // the error is numbered after every record before it
        out.push({ kind: 'error', line: sequencer.nextRecord(), code: 'MALFORMED', message: `packet ${packet}: ${why}` });
        broken = true;
        pending = Buffer.alloc(0);
        // Like a cut-off gzip or JSON array: the records before it count, and the input did not read to its end.
        throw new InputFileError(`the export packets break off at packet ${packet}: ${why}`, ctx.file);
      }
      sequencer.push(pending.subarray(offset, offset + (length as number)), source, out);
      offset += length as number;
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
      sequencer.flush(out);
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
  open: (ctx) => netflowFileSession(ctx, netflowState(ctx), ctx.prefilter ? { prefilter: ctx.prefilter } : undefined),
};
