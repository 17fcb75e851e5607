/**
 * IPFIX (RFC 7011): a 16-byte message header (version 10, length, export time s, sequence, observation domain)
 * and sets: templates (2), options templates (3), data (≥ 256). Template records carry enterprise-specific fields
 * (enterprise bit, 4-byte enterprise number) and variable-length fields (65535: a 1-byte length, or 255 and a 2-byte
 * length); a template record with no fields withdraws the template. Reverse IEs (RFC 5103, enterprise 29305) give
 * the reverse counters.
 *
 * Time: flowStartMilliseconds (152), flowStartMicroseconds (154), flowStartNanoseconds (156), flowStartSeconds (150)
 * in that precedence, else the export time.
 *
 * Options data (scope fields are IEs here) may announce a sampling interval (samplingInterval 34,
 * samplerRandomInterval 50, samplingPacketInterval/Space 305/306; per samplerId 48 / selectorId 302 or for the
 * domain), stamped on later data records. Data whose template is unknown: one error, its key in `missing`.
 */
import type { PacketContext } from '../packets.js';
import type { RecordOutcome } from '../types.js';
import { decodeDataSet, deleteTemplate, FilteredRun, Flow, getTemplate, makeTemplate, setTemplate, type DataSetScope, type TemplateKey, type TemplateStore } from './templates.js';

export const IPFIX_HEADER = 16;

export function decodeIpfix(packet: Buffer, store: TemplateStore, where: PacketContext, format: string, flow = new Flow()): { outcomes: RecordOutcome[]; records: number; missing?: TemplateKey[] } {
  const outcomes: RecordOutcome[] = [];
  let records = 0;
  let missing: TemplateKey[] | undefined;
  const filtered = new FilteredRun();
  const error = (message: string) => {
    filtered.flush(outcomes);
    outcomes.push({ kind: 'error', line: where.firstRecord + records, code: 'MALFORMED', message: `packet ${where.packet}: ${message}` });
    records++;
  };
  /**
   * Data whose template is unknown: its records cannot be counted without the template, so the flowset takes no
   * record number; the error is located at the number its first record would have had.
   */
  const unknown = (message: string) => {
    filtered.flush(outcomes);
    outcomes.push({ kind: 'error', line: where.firstRecord + records, code: 'NO_TEMPLATE', message: `packet ${where.packet}: ${message}` });
  };
  if (packet.length < IPFIX_HEADER) {
    error(`IPFIX header truncated (${packet.length} bytes)`);
    return { outcomes, records };
  }
  const length = packet.readUInt16BE(2);
  if (length < IPFIX_HEADER || length > packet.length) {
    error(`IPFIX message length ${length} (${packet.length} bytes given)`);
    return { outcomes, records };
  }
  const exportMs = packet.readUInt32BE(4) * 1000;
  const definedAt = where.receivedAt ?? exportMs;
  const domain = packet.readUInt32BE(12);
  const exporter = where.exporter;

  /** Field specifiers from `p`: the offset after them, or -1 when they run past `end`. */
  const readSpecs = (p: number, count: number, end: number, ids: number[], lengths: number[], ents: number[]): number => {
    for (let i = 0; i < count; i++) {
      if (p + 4 > end) return -1;
      const raw = packet.readUInt16BE(p);
      lengths.push(packet.readUInt16BE(p + 2));
      ids.push(raw & 0x7fff);
      if (raw & 0x8000) {
        if (p + 8 > end) return -1;
        ents.push(packet.readUInt32BE(p + 4));
        p += 8;
      } else {
        ents.push(0);
        p += 4;
      }
    }
    return p;
  };

  const scope: DataSetScope = { store, flow, where, format, version: 10, domain: domain, outcomes, filtered, time: (f) => (f.startRank > 0 ? f.startMs : exportMs) };
  let o = IPFIX_HEADER;
  while (o + 4 <= length) {
    const id = packet.readUInt16BE(o);
    const len = packet.readUInt16BE(o + 2);
    if (id !== 2 && id !== 3 && id < 256) {
      error(`set id ${id} at byte ${o} is reserved`);
      break;
    }
    if (len < 4) {
      error(`set ${id} at byte ${o}: length ${len}`);
      break;
    }
    const end = o + len;
    if (end > length) {
      error(`set ${id} at byte ${o}: length ${len} runs past the message (${length} bytes)`);
      break;
    }
    const body = o + 4;
    if (id === 2 || id === 3) {
      const options = id === 3;
      const head = options ? 6 : 4;
      let t = body;
      while (t + head <= end) {
        const tid = packet.readUInt16BE(t);
        const count = packet.readUInt16BE(t + 2);
        if (tid === 0) break; // padding
        const scope = options ? packet.readUInt16BE(t + 4) : 0;
        if (count === 0) { // withdrawal
          deleteTemplate(store, exporter, 10, domain, tid);
          t += 4;
          continue;
        }
        const ids: number[] = [];
        const lengths: number[] = [];
        const ents: number[] = [];
        const next = readSpecs(t + head, count, end, ids, lengths, ents);
        if (next < 0) {
          error(`template ${tid} (domain ${domain}): ${count} fields run past its set`);
          break;
        }
        if (tid < 256) error(`template id ${tid} < 256 (domain ${domain})`);
        else if (options && (scope === 0 || scope > count)) error(`options template ${tid} (domain ${domain}): scope field count ${scope} of ${count}`);
        else setTemplate(store, exporter, 10, domain, tid, makeTemplate(ids, lengths, ents, scope, options, true, definedAt));
        t = next;
      }
    } else {
      const template = getTemplate(store, exporter, 10, domain, id);
      if (!template) {
        unknown(`no template for data set: exporter ${exporter}, domain ${domain}, template id ${id}`);
        (missing ??= []).push({ exporter, version: 10, domain, id });
      }
      else if (template.minSize === 0) error(`template ${id} (domain ${domain}) has records of 0 bytes`);
      else {
        const r = decodeDataSet(scope, id, template, packet, body, end, where.firstRecord + records);
        records += r.records;
        if (r.overrunAt >= 0 && !allZero(packet, r.overrunAt, end)) error(`set ${id} (domain ${domain}): a record runs past its set`);
      }
    }
    o = end;
  }
  filtered.flush(outcomes);
  return missing ? { outcomes, records, missing } : { outcomes, records };
}

function allZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}
