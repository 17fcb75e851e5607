/**
 * KQL timespan literals from users (`--lookback 1d`): parsed into milliseconds, so the query gets the value
 * re-printed by kqlTimespan (literals.ts), never the text that was typed.
 *
 * Accepted: a decimal number and one of Kusto's timespan units (https://learn.microsoft.com/kusto/query/scalar-data-types/timespan):
 * `d`/`day`/`days`, `h`/`hr`/`hrs`/`hour`/`hours`, `m`/`min`/`minute`/`minutes`, `s`/`sec`/`second`/`seconds`,
 * `ms`/`milli`/`millis`/`millisecond`/`milliseconds`; e.g. `1d`, `12h`, `1.5h`, `90s`. Surrounding blanks are
 * ignored; anything else (a second token, a pipe, a non-ASCII digit, a newline) is refused. The value must come to a
 * positive whole number of milliseconds and at most MAX_TIMESPAN_MS.
 */

const UNITS: Readonly<Record<string, number>> = {
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  m: 60_000, min: 60_000, minute: 60_000, minutes: 60_000,
  s: 1_000, sec: 1_000, second: 1_000, seconds: 1_000,
  ms: 1, milli: 1, millis: 1, millisecond: 1, milliseconds: 1,
};

/** Ten years: longer than any table keeps data; a bound, so the value stays a safe integer. */
export const MAX_TIMESPAN_MS = 3_650 * 86_400_000;

const FORM = /^([0-9]{1,9})(?:\.([0-9]{1,6}))?([a-z]+)$/;

/** Milliseconds of a KQL timespan literal; throws an Error saying what is accepted. */
export function parseKqlTimespan(text: string): number {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const m = FORM.exec(trimmed);
  const unit = m ? UNITS[m[3]!] : undefined;
  if (!m || unit === undefined || !Object.hasOwn(UNITS, m[3]!)) {
    throw new Error(`${JSON.stringify(text)} is not a KQL timespan (a number and a unit: 1d, 12h, 30m, 90s, 500ms)`);
  }
  // integer arithmetic: whole part and fraction separately, so 1.5h is exactly 5_400_000
  const fraction = m[2] ?? '';
  const scale = 10 ** fraction.length;
  const total = Number(m[1]) * unit + (Number(fraction || '0') * unit) / scale;
  if (!Number.isSafeInteger(total)) throw new Error(`${JSON.stringify(text)} is not a whole number of milliseconds`);
  if (total <= 0) throw new Error(`${JSON.stringify(text)} is not a positive timespan`);
  if (total > MAX_TIMESPAN_MS) throw new Error(`${JSON.stringify(text)} is longer than 3650d`);
  return total;
}

/** ISO 8601 duration for ARM (`PT1H`, `P1D`, `PT5M`, `P1DT12H`): whole seconds only (the API's resolution). */
export function isoDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms % 1000 !== 0) throw new Error(`${String(ms)} ms is not a positive whole number of seconds`);
  let s = ms / 1000;
  const days = Math.floor(s / 86_400);
  s -= days * 86_400;
  const hours = Math.floor(s / 3_600);
  s -= hours * 3_600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${s ? `${s}S` : ''}`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
