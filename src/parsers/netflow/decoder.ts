/**
 * One export packet of any version (v5, v9, IPFIX) decoded against the state it is handed: a pure function of
 * (bytes, state, where), the state being the template store and a reused record accumulator.
 */
import type { PacketContext, PacketDecoder, PacketResult } from '../packets.js';
import { decodeIpfix } from './ipfix.js';
import { Flow, newTemplateStore, type TemplateStore } from './templates.js';
import { decodeV5 } from './v5.js';
import { decodeV9 } from './v9.js';

export const NETFLOW_FORMAT = 'netflow';

export interface NetflowState {
  templates: TemplateStore;
  /** Reused record accumulator (decoding allocates no object per field). */
  flow: Flow;
}

export const netflowDecoder: PacketDecoder<NetflowState> = {
  initialState: () => ({ templates: newTemplateStore(), flow: new Flow() }),
  decode(packet: Buffer, state: NetflowState, where: PacketContext): PacketResult {
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
