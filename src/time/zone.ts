/**
 * Time zones for timestamps that carry none (`--tz`, `TimeContext.tz`).
 *
 * Zone rules come from luxon (which reads the platform's IANA database through Intl). Turning a wall-clock
 * reading into an instant is done here, not by `DateTime.fromObject`: luxon documents that its choice for an
 * ambiguous local time is undefined, and in luxon 3.7 it depends on the offset in force *today* (its first
 * guess is `zone.offset(Settings.now())`), so the same log parsed in July and in January would disagree.
 * The rule used instead (the one JavaScript `Date`, java.time and Temporal's "compatible" mode use):
 *  - nonexistent time (spring-forward gap): read with the offset in force before the transition, i.e. moved
 *    forward by the length of the gap — 02:30 on a US spring-forward day is 03:30 daylight time. This is also
 *    what luxon documents for gaps.
 *  - ambiguous time (fall-back overlap): the earlier instant, i.e. the first occurrence, still on daylight
 *    time — 01:30 on a US fall-back day is 01:30 EDT (-04:00), not EST.
 */
import { FixedOffsetZone, IANAZone } from 'luxon';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** Past this, a fixed offset is a typo, not a zone (zones in use today run from -12:00 to +14:00). */
const MAX_OFFSET_MINUTES = 18 * 60;

/**
 * Spellings of UTC accepted for `--tz`. `local`/`system` are deliberately not among the accepted zones at all:
 * results must not depend on the machine that happens to run the scan.
 */
const UTC_ALIASES = new Set(['utc', 'z', 'zulu', 'gmt', 'uct', 'universal', 'etc/utc', 'etc/gmt', 'etc/uct',
  'etc/universal', 'etc/zulu', 'etc/gmt0', 'etc/gmt+0', 'etc/gmt-0', 'gmt0', 'gmt+0', 'gmt-0']);

/** How a zone turns wall-clock milliseconds into epoch milliseconds. */
type Rule =
  | { readonly kind: 'fixed'; readonly name: string; readonly offsetMs: number }
  | {
    readonly kind: 'iana';
    readonly name: string;
    /** Made when first asked for an offset (ianaZone): a file whose times carry their offset never needs it. */
    zone: IANAZone | undefined;
    readonly byDay: Map<number, number>;
    readonly byHour: Map<number, number>;
    readonly byMinute: Map<number, number>;
  };

/**
 * Validated zones by the text the caller gave (so `--tz` is parsed once, not once per record).
 * Bounded: a caller cycling through endless distinct spellings only ever costs a rebuild.
 */
const rules = new Map<string, Rule | null>();
const MAX_RULES = 64;
/** Resolved offsets per local minute, per zone: log streams revisit the same minutes millions of times. */
const MAX_MINUTES_PER_ZONE = 4096;
const HOUR_MS = 3_600_000;

/**
 * `+02:00`, `+0200`, `+02`, `-5`, `UTC+2`, `UTC+05:30` → offset in minutes; undefined otherwise.
 * `GMT+2` is refused rather than guessed: POSIX and `Etc/GMT+2` read that sign the other way round (= UTC-2).
 */
function parseFixedOffset(text: string): number | undefined {
  const m = /^(?:utc)?([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(text);
  if (!m) return undefined;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (minutes > 59) return undefined;
  const total = hours * 60 + minutes;
  if (total > MAX_OFFSET_MINUTES) return undefined;
  return m[1] === '-' ? -total : total;
}

function fixedRule(offsetMinutes: number): Rule {
  // luxon's own spelling (`UTC`, `UTC+2`, `UTC+5:30`): the canonical form reported back to users.
  const name = FixedOffsetZone.instance(offsetMinutes).name;
  return { kind: 'fixed', name, offsetMs: offsetMinutes * MINUTE_MS };
}

function buildRule(tz: string): Rule | undefined {
  const text = tz.trim();
  if (text.length === 0 || text.length > 64) return undefined;
  const lower = text.toLowerCase();
  if (UTC_ALIASES.has(lower)) return fixedRule(0);
  const fixed = parseFixedOffset(text);
  if (fixed !== undefined) return fixedRule(fixed);
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(text)) return undefined;
  // A zone Intl lists is valid as listed; any other (an alias: `US/Eastern`) is asked about, which costs more.
  const name = listedZoneName(text) ?? (IANAZone.isValidZone(text) ? canonicalIanaName(text) : undefined);
  return name === undefined ? undefined : { kind: 'iana', name, zone: undefined, byDay: new Map(), byHour: new Map(), byMinute: new Map() };
}

/**
 * The zones Intl lists (canonical names) by lower case, made on first use. A look-up, where asking Intl whether a
 * zone exists means making a date format in it, which first loads the locale's data: ~15 ms of a command's start-up,
 * for `--tz` given to a log whose times carry their offset.
 */
let listedZones: ReadonlyMap<string, string> | undefined;
function listedZoneName(text: string): string | undefined {
  if (listedZones === undefined) {
    let names: string[] = [];
    try {
      names = Intl.supportedValuesOf('timeZone');
    } catch {
      // (no list on this platform: every zone is asked about)
    }
    listedZones = new Map(names.map((name) => [name.toLowerCase(), name]));
  }
  return listedZones.get(text.toLowerCase());
}

/** The rule's zone, made on first use. */
function ianaZone(rule: Extract<Rule, { kind: 'iana' }>): IANAZone {
  return (rule.zone ??= IANAZone.create(rule.name));
}

/**
 * The tz database's capitalisation (`europe/london` → `Europe/London`). Only the case is taken from Intl:
 * Intl may also swap a name for an alias (`Asia/Kolkata` ↔ `Asia/Calcutta`, by ICU version), and what the
 * user wrote should not change under them.
 */
function canonicalIanaName(text: string): string {
  try {
    const resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === text.toLowerCase() ? resolved : text;
  } catch {
    return text;
  }
}

function ruleFor(tz: string): Rule | undefined {
  const cached = rules.get(tz);
  if (cached !== undefined) return cached ?? undefined;
  const rule = buildRule(tz);
  if (rules.size >= MAX_RULES) rules.clear();
  rules.set(tz, rule ?? null);
  return rule;
}

/**
 * Validate a user zone (`--tz`) and return the canonical form to use everywhere else, or undefined when it
 * is not a zone. Accepts `UTC` and its spellings (`Z`, `utc`, `Etc/UTC`, `GMT`) → `UTC`; fixed offsets
 * (`+02:00`, `-0500`, `+05`, `UTC+2`) → luxon's `UTC+2` form; IANA names (`Europe/London`, any case).
 * Rejects `local`/`system`: a result must never depend on the machine's own zone.
 */
export function normalizeZone(tz: string): string | undefined {
  return ruleFor(tz)?.name;
}

/**
 * Epoch milliseconds for a wall-clock reading in `tz`, where `localMs` is that reading computed as if it were
 * UTC (`Date.UTC(y, m - 1, d, h, mi, s, ms)`). Undefined when `tz` is not a zone `normalizeZone` accepts.
 * Gaps and overlaps resolve as described at the top of this module.
 */
export function localToEpoch(localMs: number, tz: string): number | undefined {
  const rule = ruleFor(tz);
  if (rule === undefined) return undefined;
  if (rule.kind === 'fixed') return localMs - rule.offsetMs;
  // Most local days, and hours, have one offset throughout (no zone changes offset twice within two days): resolved
  // at both ends once, the day is served from one entry. A day with a transition goes by the hour, and an hour with
  // one inside it (Chatham's at :45, any gap or overlap) by the minute. (Asking the zone costs ~20 µs a time: a log
  // of three days asks it ~200 times, where by the hour it asked ~600.)
  const dayOffset = steadyOffset(rule, rule.byDay, localMs, DAY_MS);
  if (!Number.isNaN(dayOffset)) return localMs - dayOffset;
  const hourOffset = steadyOffset(rule, rule.byHour, localMs, HOUR_MS);
  if (!Number.isNaN(hourOffset)) return localMs - hourOffset;
  // Offsets change on whole local minutes in every modern zone, so one resolution serves a whole minute.
  const minute = Math.floor(localMs / MINUTE_MS);
  let offsetMs = rule.byMinute.get(minute);
  if (offsetMs === undefined) {
    offsetMs = resolveOffset(ianaZone(rule), minute * MINUTE_MS);
    if (rule.byMinute.size >= MAX_MINUTES_PER_ZONE) rule.byMinute.clear();
    rule.byMinute.set(minute, offsetMs);
  }
  return localMs - offsetMs;
}

/**
 * The offset in force throughout the local span of `spanMs` (a day, an hour) that holds `localMs`, from `cache` or
 * resolved at both its ends and kept there; NaN when the two differ (the span holds a transition).
 */
function steadyOffset(rule: Extract<Rule, { kind: 'iana' }>, cache: Map<number, number>, localMs: number, spanMs: number): number {
  const span = Math.floor(localMs / spanMs);
  let offset = cache.get(span);
  if (offset === undefined) {
    const first = resolveOffset(ianaZone(rule), span * spanMs);
    offset = resolveOffset(ianaZone(rule), (span + 1) * spanMs - MINUTE_MS) === first ? first : Number.NaN;
    if (cache.size >= MAX_MINUTES_PER_ZONE) cache.clear();
    cache.set(span, offset);
  }
  return offset;
}

/**
 * The offset (ms) that turns this local reading into an instant. Candidates are the offsets in force a day
 * before and a day after (no zone changes offset twice within two days); each is kept if the zone agrees
 * with it at the instant it implies.
 */
function resolveOffset(zone: IANAZone, localMs: number): number {
  const before = zone.offset(localMs - DAY_MS) * MINUTE_MS;
  const after = zone.offset(localMs + DAY_MS) * MINUTE_MS;
  const fitsBefore = zone.offset(localMs - before) * MINUTE_MS === before;
  const fitsAfter = before !== after && zone.offset(localMs - after) * MINUTE_MS === after;
  if (fitsBefore && fitsAfter) {
    // Overlap: both readings exist; the larger offset gives the earlier instant (the first occurrence).
    return Math.max(before, after);
  }
  if (fitsBefore) return before;
  if (fitsAfter) return after;
  // Gap: the reading never happened; the pre-transition offset moves it forward by the gap's length.
  return before;
}
