/**
 * NetFlow v9 (RFC 3954): a 20-byte header (version, count, sysUptime ms, unix_secs, sequence, source id) and
 * flowsets: templates (id 0), options templates (id 1), data (id ≥ 256) decoded through the template of
 * (exporter, source id, template id) from the store in the decoder's state. Padding: bytes after the last record of
 * a data flowset shorter than one record; a flowset of length 0 ends the packet (zero fill).
 *
 * Time: an absolute start (Cisco ASA NSEL NF_F_FLOW_CREATE_TIME_MSEC 152, flowStart* 150/154/156) when the record
 * has one, else FIRST_SWITCHED (22, sysUptime ms) converted with the header (unix_secs·1000 − (sysUptime − first)),
 * else the export time. Options data records keep their number and yield no event; a sampling interval they announce
 * (SAMPLING_INTERVAL 34, FLOW_SAMPLER_RANDOM_INTERVAL 50, per FLOW_SAMPLER_ID 48 or for the whole source id) is kept
 * in the store and stamped on later data records. Data whose template is unknown is one error naming {exporter,
 * source id, template id} (its records cannot be counted without the template) and its key is returned in
 * `missing`, so that a sequencer can decode it again once the template turns up.
 */
import type { PacketContext } from '../packets.js';
import type { RecordOutcome } from '../types.js';
import { decodeDataSet, FilteredRun, Flow, getTemplate, makeTemplate, setTemplate, type DataSetScope, type TemplateKey, type TemplateStore } from './templates.js';

export const V9_HEADER = 20;

export function decodeV9(packet: Buffer, store: TemplateStore, where: PacketContext, format: string, flow = new Flow()): { outcomes: RecordOutcome[]; records: number; missing?: TemplateKey[] } {
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
  if (packet.length < V9_HEADER) {
    error(`NetFlow v9 header truncated (${packet.length} bytes)`);
    return { outcomes, records };
  }
  const definedAt = where.receivedAt ?? packet.readUInt32BE(8) * 1000;
  const uptime = packet.readUInt32BE(4);
  const exportMs = packet.readUInt32BE(8) * 1000;
  const sourceId = packet.readUInt32BE(16);
  const exporter = where.exporter;
  const scope: DataSetScope = { store, flow, where, format, version: 9, domain: sourceId, outcomes, filtered, time: (f) => (f.startRank > 0 ? f.startMs : f.firstSwitched >= 0 ? exportMs - ((uptime - f.firstSwitched) | 0) : exportMs) };
  let o = V9_HEADER;
  while (o + 4 <= packet.length) {
    const id = packet.readUInt16BE(o);
    const len = packet.readUInt16BE(o + 2);
    if (len === 0) break; // zero fill to the end of the packet
    if (id > 1 && id < 256) {
      error(`flowset id ${id} at byte ${o} is reserved`);
      break;
    }
    if (len < 4) {
      error(`flowset ${id} at byte ${o}: length ${len}`);
      break;
    }
    const end = o + len;
    if (end > packet.length) {
      error(`flowset ${id} at byte ${o}: length ${len} runs past the packet (${packet.length} bytes)`);
      break;
    }
    const body = o + 4;
    if (id === 0) {
      let t = body;
      while (t + 4 <= end) {
        const tid = packet.readUInt16BE(t);
        const count = packet.readUInt16BE(t + 2);
        if (tid === 0 && count === 0) break; // padding
        if (t + 4 + count * 4 > end) {
          error(`template ${tid} (source id ${sourceId}): ${count} fields run past its flowset`);
          break;
        }
        if (tid < 256) error(`template id ${tid} < 256 (source id ${sourceId})`);
        else if (count === 0) error(`template ${tid} (source id ${sourceId}) has no fields`);
        else {
          const ids: number[] = [];
          const lengths: number[] = [];
          for (let i = 0, p = t + 4; i < count; i++, p += 4) {
            ids.push(packet.readUInt16BE(p));
            lengths.push(packet.readUInt16BE(p + 2));
          }
          setTemplate(store, exporter, 9, sourceId, tid, makeTemplate(ids, lengths, new Array<number>(count).fill(0), 0, false, false, definedAt));
        }
        t += 4 + count * 4;
      }
    } else if (id === 1) {
      let t = body;
      while (t + 6 <= end) {
        const tid = packet.readUInt16BE(t);
        const scopeLen = packet.readUInt16BE(t + 2);
        const optLen = packet.readUInt16BE(t + 4);
        if (tid === 0 && scopeLen === 0 && optLen === 0) break; // padding
        const size = 6 + scopeLen + optLen;
        if (t + size > end || scopeLen % 4 !== 0 || optLen % 4 !== 0) {
          error(`options template ${tid} (source id ${sourceId}): lengths ${scopeLen}/${optLen} do not fit its flowset`);
          break;
        }
        if (tid < 256) error(`options template id ${tid} < 256 (source id ${sourceId})`);
        else {
          const ids: number[] = [];
          const lengths: number[] = [];
          for (let p = t + 6; p < t + size; p += 4) {
            ids.push(packet.readUInt16BE(p));
            lengths.push(packet.readUInt16BE(p + 2));
          }
          setTemplate(store, exporter, 9, sourceId, tid, makeTemplate(ids, lengths, new Array<number>(ids.length).fill(0), scopeLen / 4, true, false, definedAt));
        }
        t += size;
      }
    } else {
      const template = getTemplate(store, exporter, 9, sourceId, id);
      if (!template) {
        unknown(`no template for data flowset: exporter ${exporter}, source id ${sourceId}, template id ${id}`);
        (missing ??= []).push({ exporter, version: 9, domain: sourceId, id });
      }
      else if (template.minSize === 0) error(`template ${id} (source id ${sourceId}) has records of 0 bytes`);
      else {
        const r = decodeDataSet(scope, id, template, packet, body, end, where.firstRecord + records);
        records += r.records;
        if (r.overrunAt >= 0) error(`flowset ${id} (source id ${sourceId}): a record runs past its flowset`);
      }
    }
    o = end;
  }
  filtered.flush(outcomes);
  return missing ? { outcomes, records, missing } : { outcomes, records };
}
