/**
 * One shard of a threaded scan (threads.ts): a byte range of a plain file, read by its own record parser (the
 * format forced, the file's header line handed in front of the range) into its own engine, on a worker thread
 * (scan-worker.ts) or on the scan's own thread. Its lines are numbered as the file's, from `firstLine`. It gives back
 * the engine's snapshot, the parser's counters, the first errors and what the coordinator needs to know whether the
 * split was sound.
 */
import { fileChunks, pushSlices } from '../io/reader.js';
import type { NetworkEvent } from '../model/event.js';
import { lacksDstPort } from '../model/port.js';
import { MAPPABLE_FORMATS } from '../parsers/format-ids.js';
import { createRecordParser, type ParserInfo } from '../parsers/record-parser.js';
import type { RecordOutcome } from '../parsers/types.js';
import { createEngine, type EngineSnapshot } from '../rules/engine.js';
import type { QueryPlan } from '../rules/plan.js';

export interface ShardTask {
  path: string;
  /** The file's name in events and messages. */
  name: string;
  format: string;
  start: number;
  /** Exclusive. */
  end: number;
  /** Bytes read before the range (the header line), not part of it. */
  prefix: Uint8Array;
  /**
   * The file's line number of the range's first line, for a worker; absent: it comes as the worker's first message
   * (`{ firstLine }`). The header handed in front of the range is numbered the line before it.
   */
  firstLine?: number;
  read: { tz?: string; year?: number; now?: number; columnMap?: Record<string, string>; dstPorts?: number[] };
  plans: QueryPlan[];
  /** Errors kept (the CLI prints that many at most). */
  maxErrors: number;
}

/**
 * Events without a destination port (they can never match a port rule: the scan's summary says so), and of those
 * the events of a format whose columns `--map` names (where the summary suggests it).
 */
export interface PortlessCounts {
  withoutPort: number;
  withoutPortMappable: number;
}

/** Count `event` in `counts` when it has no destination port (ICMP and other port-less protocols are not counted). */
export function countPortless(counts: PortlessCounts, event: NetworkEvent): void {
  if (!lacksDstPort(event)) return;
  counts.withoutPort++;
  if (MAPPABLE_FORMATS.has(event.format)) counts.withoutPortMappable++;
}

export interface ShardResult extends PortlessCounts {
  snapshot: EngineSnapshot;
  info: ParserInfo;
  errors: { line: number; code: string; message: string }[];
  /** The parser's end() completed a record: one was still open where the range ended (a quoted CSV record across the cut). */
  openAtEnd: boolean;
  failure?: string;
}

export async function runShard(task: ShardTask, firstLine: number): Promise<ShardResult> {
  const parser = createRecordParser({
    file: task.name,
    format: task.format,
    filteredRuns: true,
    firstLine: task.prefix.length > 0 ? firstLine - 1 : firstLine,
    ...(task.read.tz !== undefined ? { tz: task.read.tz } : {}),
    ...(task.read.year !== undefined ? { year: task.read.year } : {}),
    ...(task.read.now !== undefined ? { now: task.read.now } : {}),
    ...(task.read.columnMap ? { columnMap: task.read.columnMap } : {}),
    ...(task.read.dstPorts ? { prefilter: { dstPorts: new Set(task.read.dstPorts) } } : {}),
  });
  const engine = createEngine(task.plans, { trusted: true });
  const errors: ShardResult['errors'] = [];
  const portless: PortlessCounts = { withoutPort: 0, withoutPortMappable: 0 };
  const take = (outcomes: RecordOutcome[]) => {
    for (const o of outcomes) {
      if (o.kind === 'events') {
        for (const e of o.events as NetworkEvent[]) {
          countPortless(portless, e);
          engine.push(e);
        }
      } else if (o.kind === 'error' && errors.length < task.maxErrors) {
        errors.push({ line: o.line, code: o.code, message: o.message });
      }
    }
  };
  if (task.prefix.length > 0) take(parser.push(Buffer.from(task.prefix)));
  if (task.end > task.start) {
    // (two buffers read into by turns, as a one-thread scan reads: no garbage per chunk)
    for await (const chunk of fileChunks(task.path, task.start, task.end)) {
      for (const outcomes of pushSlices(parser, chunk)) take(outcomes);
      if (parser.failure) break;
    }
  }
  const last = parser.end();
  take(last);
  return {
    snapshot: engine.snapshot(),
    info: parser.info,
    errors,
    openAtEnd: last.length > 0,
    ...portless,
    ...(parser.failure ? { failure: parser.failure.message } : {}),
  };
}
