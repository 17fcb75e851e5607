/**
 * KQL's `bin()` on datetimes and the Sigma correlation `timespan`.
 *
 * `bin(TimeGenerated, 1h)` floors to a multiple of the width counted from the Unix epoch, on the UTC
 * timeline: an hour bucket is the same instant range whatever zone or offset the log was written in, and
 * DST never stretches or shifts one.
 */

export const HOUR_MS = 3_600_000;

/**
 * Floor `ms` to a multiple of `widthMs` from the epoch. Times before 1970 floor downward (-1 ms → the bucket
 * starting one width earlier), as KQL's bin does, not toward zero. Uses the remainder rather than
 * `Math.floor(ms / widthMs)` so the result is exact for every integer millisecond.
 * Throws a RangeError for a width that is not a positive finite number (a programming error, not bad input).
 */
export function binMs(ms: number, widthMs: number): number {
  if (!(widthMs > 0) || !Number.isFinite(widthMs)) throw new RangeError(`bin width must be positive: ${widthMs}`);
  const r = ms % widthMs;
  const floored = r < 0 ? ms - r - widthMs : ms - r;
  // `-0` would print and compare (Object.is) differently from 0 although it is the same bucket.
  return floored === 0 ? 0 : floored;
}

/** The start of the UTC hour containing `ms`: `bin(TimeGenerated, 1h)`. */
export function hourBucket(ms: number): number {
  return binMs(ms, HOUR_MS);
}

const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: HOUR_MS, d: 86_400_000 };

/**
 * A Sigma correlation `timespan` (`number` + one of `s`, `m`, `h`, `d`, lower case, as the Sigma specification's
 * "Time Selection" has it: `15s`, `30m`, `1h`, `2d`) in milliseconds. Undefined for anything else, and for a
 * zero span, which cannot be a bucket width.
 */
export function parseTimespan(text: string): number | undefined {
  if (typeof text !== 'string' || text.length > 16) return undefined;
  const m = /^(\d+)([smhd])$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  return ms > 0 && Number.isSafeInteger(ms) ? ms : undefined;
}
