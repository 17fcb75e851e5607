/**
 * `--lookback 1d`: the time filter every emitted query gets, kept out of the shared renderer as one hook.
 *
 * A table gets `| where <time column> > ago(1d)` right after its source; a function that takes its own time range
 * (the profile's `call.timeRange`, ASIM's `starttime`/`endtime`) gets it as parameters instead,
 * `_Im_NetworkSession(starttime = ago(1d), endtime = now(), …)`, so the parser filters before it normalises. The
 * timespan is re-printed from milliseconds (kqlTimespan), never pasted.
 */
import { kqlName, kqlTimespan } from './literals.js';
import type { KqlTableProfile } from './tables.js';

/** What changes a rendered query beyond the plan and the table. */
export interface KqlRenderOptions {
  /** Only rows newer than this many milliseconds (a positive whole number; see parseKqlTimespan). */
  lookbackMs?: number;
  /**
   * Instead of `lookbackMs`: only rows of whole buckets, the `spanMs` (whole buckets) before the last bucket boundary
   * at least `delayMs` before the run — what a scheduled rule that runs once a bucket reads, so each bucket is judged
   * once and whole, as the engine judges it (a rolling hour would split it between two runs). `delayMs` leaves
   * rows that arrive late in the workspace (ingestion delay) time to come.
   */
  window?: { binMs: number; spanMs: number; delayMs: number };
}

export interface LookbackParts {
  /** Function parameters, in order, before the rule's own pre-filter parameters. */
  params: [string, string][];
  /** A boolean expression for a `| where` line right after the source. */
  where?: string;
}

export function lookbackParts(table: KqlTableProfile, options: KqlRenderOptions): LookbackParts {
  const range = table.call?.timeRange;
  if (options.window !== undefined) {
    const { binMs, spanMs, delayMs } = options.window;
    const end = `bin(now() - ${kqlTimespan(delayMs)}, ${kqlTimespan(binMs)})`;
    const start = `${end} - ${kqlTimespan(spanMs)}`;
    // (the ASIM parsers' time range includes its end: the last tick before the boundary)
    if (range !== undefined) return { params: [[range.start, start], [range.end, `${end} - 1tick`]] };
    const time = kqlName(table.time.name);
    return { params: [], where: `${time} >= ${start} and ${time} < ${end}` };
  }
  if (options.lookbackMs === undefined) return { params: [] };
  const span = kqlTimespan(options.lookbackMs);
  if (range !== undefined) return { params: [[range.start, `ago(${span})`], [range.end, 'now()']] };
  return { params: [], where: `${kqlName(table.time.name)} > ago(${span})` };
}
