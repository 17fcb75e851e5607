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
import { FilteredRun, filteredOut, Flow, flowEvent, getTemplate, makeTemplate, readRecord, samplingFor, setSampling, setTemplate, type TemplateKey, type TemplateStore } from './templates.js';

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
        let p = body;
        const prefilter = where.prefilter;
        const portAt = prefilter ? template.dstPortAt : -1;
        while (end - p >= template.minSize) {
          if (portAt >= 0 && !prefilter!.dstPorts.has(packet.readUInt16BE(p + portAt))) { // fixed-size: on two bytes
            filtered.add(where.firstRecord + records);
            records++;
            p += template.minSize;
            continue;
          }
          const q = readRecord(flow, template, packet, p, end);
          const line = where.firstRecord + records;
          if (q < 0) {
            error(`flowset ${id} (source id ${sourceId}): a record runs past its flowset`);
            break;
          }
          records++;
          p = q;
          if (filteredOut(flow, where.prefilter) && !template.options) {
            filtered.add(line);
            continue;
          }
          filtered.flush(outcomes);
          if (template.options) {
            const interval = flow.statedSampling();
            if (interval >= 1) setSampling(store, exporter, 9, sourceId, flow.sampler, interval);
            outcomes.push({ kind: 'skip', line, code: 'NOT_A_CONNECTION', message: `options data record (template ${id})` });
            continue;
          }
          const time = flow.startRank > 0 ? flow.startMs : flow.firstSwitched >= 0 ? exportMs - ((uptime - flow.firstSwitched) | 0) : exportMs;
          const event = flowEvent(flow, time, {
            file: where.file, line, packet: where.packet, format, device: where.device,
            announcedSampling: samplingFor(store, exporter, 9, sourceId, flow.sampler),
          });
          outcomes.push(typeof event === 'string' ? { kind: 'skip', line, code: 'NOT_A_CONNECTION', message: event } : { kind: 'events', line, events: [event] });
        }
      }
    }
    o = end;
  }
  filtered.flush(outcomes);
  return missing ? { outcomes, records, missing } : { outcomes, records };
}
