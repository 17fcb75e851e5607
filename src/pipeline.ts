/**
 * The pipeline API: what a log pipeline imports. Thin over the same core as the CLI — the reader and record parser
 * on the way in, the engine on the way out — so a library caller gets the CLI's answers and its accounting.
 *
 *   parse(source, options)    an async iterable of events (path, bytes, Node Readable or WHATWG ReadableStream)
 *   scan(sources, options)    what `dicomwatch scan` does: rules, pre-filter, accounting, alerts
 *   createScanner(plans)      push(event) / advance(watermark) / end(), and as Node and WHATWG transforms
 */
import { Transform } from 'node:stream';
import type { Alert } from './model/alert.js';
import type { EventInput, NetworkEvent } from './model/event.js';
import { readRecords, type InputSource, type ReadOptions } from './io/reader.js';
import { addInfo, emptyInfo, type ParserInfo } from './parsers/record-parser.js';
import type { RecordOutcome } from './parsers/types.js';
import { prefilterForPlans } from './rules/compile.js';
import { createEngine, type EngineInfo } from './rules/engine.js';
import { DEFAULT_RULES_PATH, loadRules } from './rules/load.js';
import type { RuleOptions } from './rules/options.js';
import type { QueryPlan, Semantics } from './rules/plan.js';

export interface ParseOptions extends Omit<ReadOptions, 'onBytes'> {
  /** What events and messages call the input (default: the path, or `input` for bytes and streams). */
  name?: string;
  /** Every record's outcome, events included: for callers that report skips and malformed records themselves. */
  onOutcome?: (outcome: RecordOutcome) => void;
}

/** Events of one input, in record order; `info` counts every record (final once iteration has ended). */
export interface EventStream extends AsyncIterable<NetworkEvent> {
  readonly info: ParserInfo;
}

/**
 * The normalized events of one input. Malformed records are counted in `info` (and passed to `onOutcome`), never
 * thrown; iteration throws a DicomwatchError only when the input as a whole cannot be read or used, after the
 * events read before it.
 */
export function parse(source: InputSource, options: ParseOptions = {}): EventStream {
  const records = readRecords(source, options);
  return {
    get info() {
      return records.info;
    },
    async *[Symbol.asyncIterator]() {
      for await (const batch of records) {
        for (const outcome of batch) {
          options.onOutcome?.(outcome);
          if (outcome.kind === 'events') yield* outcome.events;
        }
      }
    },
  };
}

export interface ScanOptions extends Omit<ParseOptions, 'prefilter' | 'name' | 'onOutcome'> {
  /** Compiled plans, or a Sigma rule file or directory (default: the shipped rules). */
  rules?: readonly QueryPlan[] | string;
  /** Rule options (`--ports`, `--allow`), when `rules` is a path. */
  ports?: RuleOptions['ports'];
  allow?: RuleOptions['allow'];
  /** What "external" means (default `strict`) and extra internal CIDRs, when `rules` is a path. */
  semantics?: Semantics;
  internal?: readonly string[];
  /** Let parsers skip well-formed records that cannot match (default true, as the CLI). */
  prefilter?: boolean;
  /** Every record's outcome, with the input it came from (events are not passed: they go to the engine). */
  onOutcome?: (outcome: RecordOutcome, input: string) => void;
}

/** One input of a scan: what it was called, its counters, and why it stopped early when it did. */
export interface ScannedInput {
  name: string;
  info: ParserInfo;
  /** The whole-input problem that ended it (unreadable, unknown format, cut off); what was read still counts. */
  error?: Error;
}

export interface ScanResult {
  /** In alert order. */
  alerts: Alert[];
  /** Every input's counters added up: records read = parsed + skipped + errors. */
  info: ParserInfo;
  engine: EngineInfo;
  inputs: ScannedInput[];
}

/** The plans a scan runs: given, or loaded from a path with the options applied. */
async function plansFor(options: ScanOptions): Promise<readonly QueryPlan[]> {
  if (typeof options.rules === 'object') return options.rules;
  const ruleOptions: RuleOptions = { ...(options.ports ? { ports: options.ports } : {}), ...(options.allow ? { allow: options.allow } : {}) };
  const network = { semantics: options.semantics ?? 'strict', internal: [...(options.internal ?? [])] };
  return (await loadRules(options.rules ?? DEFAULT_RULES_PATH, ruleOptions, network)).plans;
}

/**
 * What `dicomwatch scan` does, as a function: load the rules, read every input (a path, bytes or a stream) with
 * the pre-filter, run the engine, and return the alerts with the accounting. An input that cannot be read to its
 * end is reported in `inputs[i].error` and the scan goes on, like the CLI; bad rules or options throw.
 */
export async function scan(sources: InputSource | readonly InputSource[], options: ScanOptions = {}): Promise<ScanResult> {
  const plans = await plansFor(options);
  const list = Array.isArray(sources) ? (sources as readonly InputSource[]) : [sources as InputSource];
  const engine = createEngine(plans, { trusted: true }); // events from our own parsers are canonical
  const prefilter = options.prefilter === false ? undefined : prefilterForPlans(plans);
  const { rules: _rules, ports: _ports, allow: _allow, semantics: _semantics, internal: _internal, prefilter: _prefilter, onOutcome, ...read } = options;
  const info = emptyInfo();
  const inputs: ScannedInput[] = [];
  const flowState = read.flowState ?? {}; // one per scan: templates carry across its inputs
  for (const [i, source] of list.entries()) {
    const name = typeof source === 'string' ? source : `input ${i + 1}`;
    // Nobody looks at the outcomes unless onOutcome does: rejected records may then be folded into counted runs.
    const records = readRecords(source, { ...read, flowState, name, ...(prefilter ? { prefilter } : {}), ...(onOutcome ? {} : { filteredRuns: true }) });
    const input: ScannedInput = { name, info: records.info };
    try {
      for await (const batch of records) {
        for (const outcome of batch) {
          if (outcome.kind === 'events') for (const e of outcome.events) engine.push(e);
          else onOutcome?.(outcome, name);
        }
      }
    } catch (e) {
      input.error = e instanceof Error ? e : new Error(String(e));
    }
    addInfo(info, records.info);
    inputs.push(input);
  }
  return { alerts: engine.finalize(), info, engine: engine.info, inputs };
}

export interface ScannerOptions {
  /**
   * For live streams: how far behind the latest event time (ms) a bucket is closed. After each event the scanner
   * advances to `latest - lateness`, so finished buckets come out without waiting for the end; events older than
   * that are late (counted in `info.late`, see Engine). Absent: alerts come out at `end()` only.
   */
  lateness?: number;
  /** Events are dicomwatch's own parsers' (already canonical): skip the per-event check. Default false. */
  trusted?: boolean;
}

/** Events in, alerts out, for long-running streams: a thin layer over the engine. */
export interface Scanner {
  /** Count an event; the alerts of buckets that closed (with `lateness`), in alert order. */
  push(event: NetworkEvent | EventInput): Alert[];
  /** Close the buckets that end at or before `watermarkMs`: their alerts. */
  advance(watermarkMs: number): Alert[];
  /** Close everything: the remaining alerts. */
  end(): Alert[];
  readonly info: EngineInfo;
}

export function createScanner(plans: readonly QueryPlan[], options: ScannerOptions = {}): Scanner {
  const engine = createEngine(plans, { trusted: options.trusted ?? false });
  let latest = -Infinity;
  return {
    info: engine.info,
    push(event) {
      engine.push(event);
      if (options.lateness === undefined) return [];
      const time = typeof event.time === 'number' ? event.time : Date.parse(event.time);
      if (!(time > latest)) return [];
      latest = time;
      return engine.advance(latest - options.lateness);
    },
    advance: (watermarkMs) => engine.advance(watermarkMs),
    end: () => engine.finalize(),
  };
}

/** The scanner as a Node Transform: events in (object mode), alerts out; `info` rides along. */
export function scannerTransform(plans: readonly QueryPlan[], options: ScannerOptions = {}): Transform & { readonly info: EngineInfo } {
  const scanner = createScanner(plans, options);
  const stream = new Transform({
    objectMode: true,
    transform(event: NetworkEvent | EventInput, _encoding, done) {
      try {
        for (const alert of scanner.push(event)) this.push(alert);
        done();
      } catch (e) {
        done(e as Error);
      }
    },
    flush(done) {
      for (const alert of scanner.end()) this.push(alert);
      done();
    },
  });
  return Object.assign(stream, { info: scanner.info });
}

/** The scanner as a WHATWG TransformStream (events in, alerts out). */
export function scannerTransformStream(
  plans: readonly QueryPlan[],
  options: ScannerOptions = {},
): TransformStream<NetworkEvent | EventInput, Alert> & { readonly info: EngineInfo } {
  const scanner = createScanner(plans, options);
  const stream = new TransformStream<NetworkEvent | EventInput, Alert>({
    transform(event, controller) {
      for (const alert of scanner.push(event)) controller.enqueue(alert);
    },
    flush(controller) {
      for (const alert of scanner.end()) controller.enqueue(alert);
    },
  });
  return Object.assign(stream, { info: scanner.info });
}
