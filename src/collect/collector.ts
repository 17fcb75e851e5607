/**
 * The live NetFlow v5 / v9 / IPFIX collector as a library object: datagrams in, alerts out as their buckets close.
 * No sockets and no clock of its own — the adapter hands in each datagram with its sender, and `now()` is a
 * parameter — so it is tested with byte literals and a fake clock, and the CLI wires it to node:dgram.
 *
 * Decoding: one NetflowState (templates keyed by exporter inside) and one FlowSequencer per exporter, so an exporter
 * waiting for a template holds only its own packets. The exporter is the datagram's source address, not its port:
 * exporters change source ports (a restart, several export processes), and templates belong to the device.
 *
 * Closing buckets: the watermark is event time (a flow's start, on the exporter's clock) minus a grace period:
 *   watermark = min(highest flow time seen, now()) - grace, and no later than (export time of the first packet of
 *   any open hold) - grace.
 * - `now()` caps it so one exporter whose clock runs in the future cannot make every other exporter's flows late.
 * - An open hold caps it because the held packets' events are not in the engine yet: data waiting for its template
 *   would otherwise arrive late as soon as other exporters moved the watermark on. A hold lasts at most `holdMs`
 *   (arrival time), so the cap cannot freeze the watermark for longer.
 * An event whose bucket had closed already is late: the engine drops it and counts it (`engine.late`, per rule), the
 * summary reports the events (`lateEvents`); flows that started long before they were exported (long-lived
 * connections, an active timeout longer than the grace) are the usual cause.
 */
import type { Alert } from '../model/alert.js';
import type { NetworkEvent } from '../model/event.js';
import { canonicalIp } from '../net/ip.js';
import { netflowDecoder, type NetflowState } from '../parsers/netflow/decoder.js';
import { newFlowSequencer, type FlowSequencer } from '../parsers/netflow/sequencer.js';
import { expireTemplates } from '../parsers/netflow/templates.js';
import { emptyInfo, type ParserInfo } from '../parsers/record-parser.js';
import type { RecordOutcome } from '../parsers/types.js';
import { prefilterForPlans } from '../rules/compile.js';
import { createEngine, type EngineInfo } from '../rules/engine.js';
import type { QueryPlan } from '../rules/plan.js';

export const DEFAULT_GRACE_MS = 5 * 60_000;
/** Templates not refreshed for this long are forgotten (exporters resend theirs every few minutes; Cisco's default
 * template timeout is 30 min): a restarted exporter that reuses a template id with another layout is then not
 * decoded with the old one for ever. */
export const DEFAULT_TEMPLATE_TTL_MS = 60 * 60_000;
/** Exporters given a sequencer of their own; past it, the one heard from least recently is flushed and dropped. */
export const DEFAULT_MAX_EXPORTERS = 1024;
/** Bytes of packets one exporter may hold while it waits for a template. */
export const DEFAULT_MAX_HELD_BYTES_PER_EXPORTER = 8 * 1024 * 1024;
/** Bytes of packets all exporters together may hold: past it, the oldest hold is released. */
export const DEFAULT_MAX_HELD_BYTES = 64 * 1024 * 1024;
/** Template expiry walks every template: done at most this often. */
const EXPIRY_EVERY_MS = 60_000;

/** Who sent a datagram, as the socket adapter knows it. */
export interface DatagramSource {
  /** The sender's address (node:dgram's `rinfo.address`). */
  address: string;
  /** The listener it arrived on, as its URL (`udp://0.0.0.0:2055`): the events' `file`. */
  listener: string;
}

export interface CollectorOptions {
  /** Compiled rules (`loadRules(...).plans`). */
  plans: readonly QueryPlan[];
  /** The clock, epoch ms: arrival times, hold timeouts, template expiry, the watermark's cap. */
  now: () => number;
  /** How far the watermark stays behind the latest flow time (default 5 min). */
  graceMs?: number;
  /** How long packets may wait for their template before they are decoded with what is known (default: graceMs). */
  holdMs?: number;
  /** Templates not redefined for this long are expired (default 1 h). */
  templateTtlMs?: number;
  maxExporters?: number;
  maxHeldBytesPerExporter?: number;
  maxHeldBytes?: number;
  /**
   * Let the decoders skip, on bytes, records whose destination port no rule can match (counted as FILTERED), as
   * `scan` does. Default true.
   */
  prefilter?: boolean;
  /** Every record that yielded no event (skips and errors), with the exporter it came from: for a caller that
   * reports malformed records. */
  onOutcome?: (outcome: Exclude<RecordOutcome, { kind: 'events' }>, exporter: string) => void;
}

/** Everything the collector counted. Records add up: `records.records === parsed + skipped + errors`. */
export interface CollectorSummary {
  /** Datagrams received (each one export packet) and their bytes. */
  packets: number;
  bytes: number;
  /** Packets per NetFlow version (`5`, `9`, `10` = IPFIX, `other`). */
  versions: Record<string, number>;
  /** Data records decoded: parsed / skipped / errors, per reason. */
  records: ParserInfo;
  exporters: {
    /** With a sequencer now. */
    active: number;
    /** Sequencers started: an exporter dropped for being idle and heard from again counts again. */
    seen: number;
    /** Dropped (after a flush) to make room for a new exporter. */
    evicted: number;
  };
  templates: {
    /** Held in the store now. */
    active: number;
    /** Forgotten because not refreshed within the TTL. */
    expired: number;
    /** Evicted by the store's caps (per exporter, exporters). */
    evicted: number;
  };
  holds: {
    /** Packets waiting for a template now, and their bytes. */
    packets: number;
    bytes: number;
    /** Holds released because they waited longer than `holdMs` or the bytes bound was reached. */
    timedOut: number;
  };
  /**
   * The engine's counters: events, matched, open groups, late (dropped because their bucket had closed, once per
   * rule that dropped it).
   */
  engine: EngineInfo;
  /** Events that some rule dropped as late: the engine's `late` counts an event once per such rule. */
  lateEvents: number;
  /** Alerts emitted so far. */
  alerts: number;
  /** The current watermark (epoch ms), null before the first flow. */
  watermark: number | null;
}

export interface Collector {
  /** One datagram (one export packet): the alerts of the buckets it closed, in alert order. */
  onDatagram(packet: Buffer, from: DatagramSource): Alert[];
  /** The timer: release holds that waited too long, expire templates, advance. Alerts that closed. */
  tick(): Alert[];
  /** End of collection: every hold flushed, every open bucket emitted (`finalize`), and the final counts. */
  stop(): { alerts: Alert[]; summary: CollectorSummary };
  /** The counts so far (a fresh copy). */
  summary(): CollectorSummary;
}

interface Exporter {
  address: string;
  sequencer: FlowSequencer;
  /** Bytes it holds now (kept here so the total is updated without asking every sequencer). */
  heldBytes: number;
  /** The export time (exporter clock, epoch ms) of the first packet of its open hold: caps the watermark. */
  holdExportMs?: number;
}

/** The export time in a v9 or IPFIX header, epoch ms (v5 never waits for a template). */
function exportTimeOf(packet: Buffer): number | undefined {
  if (packet.length < 8) return undefined;
  const version = packet.readUInt16BE(0);
  if (version === 9 && packet.length >= 12) return packet.readUInt32BE(8) * 1000;
  if (version === 10) return packet.readUInt32BE(4) * 1000;
  return undefined;
}

/** The exporter as one address: an IPv4 sender on a dual-stack socket (`::ffff:192.0.2.1`) is 192.0.2.1. */
export function exporterAddress(address: string): string {
  const bare = address.replace(/%.*$/, ''); // a zone id (fe80::1%eth0) is the socket's business, not the device's
  const canonical = canonicalIp(bare) ?? bare;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(canonical);
  return mapped ? mapped[1]! : canonical;
}

function gcd(a: number, b: number): number {
  while (b > 0) [a, b] = [b, a % b];
  return a;
}

export function createCollector(options: CollectorOptions): Collector {
  const now = options.now;
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const holdMs = options.holdMs ?? graceMs;
  const templateTtlMs = options.templateTtlMs ?? DEFAULT_TEMPLATE_TTL_MS;
  const maxExporters = options.maxExporters ?? DEFAULT_MAX_EXPORTERS;
  const maxHeldPerExporter = options.maxHeldBytesPerExporter ?? DEFAULT_MAX_HELD_BYTES_PER_EXPORTER;
  const maxHeld = options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES;
  for (const [name, v] of [['graceMs', graceMs], ['holdMs', holdMs], ['templateTtlMs', templateTtlMs]] as const) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`createCollector: ${name} must be a number of milliseconds >= 0, not ${v}`);
  }
  if (!(Number.isInteger(maxExporters) && maxExporters >= 1)) throw new RangeError(`createCollector: maxExporters must be a positive integer, not ${maxExporters}`);

  const prefilter = options.prefilter === false ? undefined : prefilterForPlans(options.plans);
  const state: NetflowState = netflowDecoder.initialState();
  const engine = createEngine(options.plans, { trusted: true }); // events from our own decoders are canonical
  /** Least recently heard first (a Map keeps insertion order; a datagram moves its exporter to the end). */
  const exporters = new Map<string, Exporter>();
  /** Exporters with an open hold. */
  const holding = new Set<Exporter>();
  const info = emptyInfo();
  const versions: Record<string, number> = {};
  let packets = 0;
  let bytes = 0;
  let seen = 0;
  let evicted = 0;
  let timedOut = 0;
  let heldBytes = 0;
  let alertCount = 0;
  let latestFlow = -Infinity;
  let watermark = -Infinity;
  let lastExpiry = now();
  /**
   * A bucket can close only when the watermark crosses a multiple of some plan's bin, so `advance` (which walks
   * every open group) runs only then; `step` is the bins' common divisor. NaN when a plan has no usable bin: advance
   * every time.
   */
  const step = options.plans.reduce((g, p) => (Number.isSafeInteger(p.binMs) && p.binMs > 0 ? gcd(g, p.binMs) : NaN), 0);
  let advancedTo = -Infinity;

  const take = (out: RecordOutcome[], exporter: string) => {
    for (const o of out) {
      info.records++;
      if (o.kind === 'events') {
        info.parsed++;
        info.events += o.events.length;
        info.parsedBy[o.events[0]?.format ?? 'netflow'] = (info.parsedBy[o.events[0]?.format ?? 'netflow'] ?? 0) + 1;
        for (const e of o.events) push(e);
      } else {
        if (o.kind === 'skip') {
          // One skip may stand for a run of records the pre-filter rejected.
          const n = o.records ?? 1;
          info.records += n - 1;
          info.skipped += n;
          info.skippedBy[o.code] = (info.skippedBy[o.code] ?? 0) + n;
        } else {
          info.errors++;
          info.errorsBy[o.code] = (info.errorsBy[o.code] ?? 0) + 1;
        }
        options.onOutcome?.(o, exporter);
      }
    }
  };

  let lateEvents = 0;
  const push = (e: NetworkEvent) => {
    const late = engine.info.late;
    engine.push(e);
    if (engine.info.late > late) lateEvents++;
    if (e.time > latestFlow && Number.isFinite(e.time)) latestFlow = e.time;
  };

  /** After a push or flush: the exporter's hold as the sequencer has it now. */
  const noteHold = (x: Exporter, packet?: Buffer) => {
    const held = x.sequencer.held();
    heldBytes += held.bytes - x.heldBytes;
    x.heldBytes = held.bytes;
    if (held.packets === 0) {
      holding.delete(x);
      x.holdExportMs = undefined;
    } else if (!holding.has(x)) {
      holding.add(x);
      // The packet just pushed opened the hold: it is the first one held.
      x.holdExportMs = packet ? exportTimeOf(packet) : undefined;
    }
  };

  const flush = (x: Exporter) => {
    const out: RecordOutcome[] = [];
    x.sequencer.flush(out);
    take(out, x.address);
    noteHold(x);
  };

  const exporterFor = (address: string): Exporter => {
    let x = exporters.get(address);
    if (x) {
      exporters.delete(address); // heard from now: to the newest end
      exporters.set(address, x);
      return x;
    }
    while (exporters.size >= maxExporters) {
      const oldest = exporters.values().next().value as Exporter;
      flush(oldest); // what it held is decoded with what is known, never dropped
      exporters.delete(oldest.address);
      evicted++;
    }
    x = { address, sequencer: newFlowSequencer(state, { maxHeldBytes: maxHeldPerExporter, onHoldCapped: () => timedOut++, ...(prefilter ? { prefilter } : {}) }), heldBytes: 0 };
    exporters.set(address, x);
    seen++;
    return x;
  };

  const currentWatermark = (): number => {
    let w = Math.min(latestFlow, now()) - graceMs;
    for (const x of holding) if (x.holdExportMs !== undefined) w = Math.min(w, x.holdExportMs - graceMs);
    return w;
  };

  const advance = (): Alert[] => {
    const w = currentWatermark();
    if (!Number.isFinite(w) || w <= watermark) return [];
    watermark = w;
    if (Number.isFinite(step) && Math.floor(w / step) === Math.floor(advancedTo / step)) return [];
    advancedTo = w;
    const alerts = engine.advance(w);
    alertCount += alerts.length;
    return alerts;
  };

  const summary = (): CollectorSummary => {
    let templates = 0;
    for (const map of state.templates.byExporter.values()) templates += map.size;
    let heldPackets = 0;
    for (const x of holding) heldPackets += x.sequencer.held().packets;
    return {
      packets,
      bytes,
      versions: { ...versions },
      records: { ...info, skippedBy: { ...info.skippedBy }, errorsBy: { ...info.errorsBy }, parsedBy: { ...info.parsedBy } },
      exporters: { active: exporters.size, seen, evicted },
      templates: { active: templates, expired: state.templates.expired, evicted: state.templates.evicted },
      holds: { packets: heldPackets, bytes: heldBytes, timedOut },
      engine: { ...engine.info },
      lateEvents,
      alerts: alertCount,
      watermark: Number.isFinite(watermark) ? watermark : null,
    };
  };

  return {
    onDatagram(packet, from) {
      packets++;
      bytes += packet.length;
      info.bytes += packet.length;
      const v = packet.length >= 2 ? packet.readUInt16BE(0) : -1;
      const version = v === 5 || v === 9 || v === 10 ? String(v) : 'other';
      versions[version] = (versions[version] ?? 0) + 1;
      const address = exporterAddress(from.address);
      const x = exporterFor(address);
      const out: RecordOutcome[] = [];
      x.sequencer.push(packet, { file: from.listener, exporter: address, device: address, receivedAt: now() }, out);
      take(out, address);
      noteHold(x, packet);
      // All exporters together hold a bounded number of bytes: the oldest holds go first.
      while (heldBytes > maxHeld && holding.size > 0) {
        let oldest: Exporter | undefined;
        for (const h of holding) if (!oldest || (h.sequencer.held().since ?? 0) < (oldest.sequencer.held().since ?? 0)) oldest = h;
        flush(oldest!);
        timedOut++;
      }
      return advance();
    },
    tick() {
      const t = now();
      for (const x of [...holding]) {
        const since = x.sequencer.held().since;
        if (since !== undefined && t - since >= holdMs) {
          flush(x);
          timedOut++;
        }
      }
      if (t - lastExpiry >= Math.min(EXPIRY_EVERY_MS, templateTtlMs)) {
        lastExpiry = t;
        expireTemplates(state.templates, t - templateTtlMs);
      }
      return advance();
    },
    stop() {
      for (const x of exporters.values()) flush(x);
      const alerts = engine.finalize();
      alertCount += alerts.length;
      return { alerts, summary: summary() };
    },
    summary,
  };
}
