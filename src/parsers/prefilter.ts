/**
 * The scan's pre-filter as parsers apply it: first on the record's text (a port written in a record is its decimal
 * digits, so text containing none of them cannot match), then on the port value once the record is split. Either
 * test rejects only what the full parse could never turn into a matching event, so `parse` and `scan` agree.
 */
import { portOf } from '../model/port.js';
import { bytesInclude, skip, type Prefilter, type RecordOutcome, type Rejection } from './types.js';

export interface RecordPrefilter {
  /** False when the raw record text cannot hold a wanted port. */
  textMayMatch(text: string): boolean;
  /** The same test on the record's bytes [start, end), before anything is decoded. */
  bytesMayMatch(buf: Buffer, start: number, end: number): boolean;
  /** False when `value` is a valid port that is not wanted (absent or invalid values are left to the full parse). */
  portMayMatch(value: unknown): boolean;
}

export const FILTERED: Rejection = skip('FILTERED', 'destination port cannot match');

export function recordPrefilter(prefilter: Prefilter | undefined): RecordPrefilter | undefined {
  if (!prefilter) return undefined;
  const texts = [...prefilter.dstPorts].map(String);
  const needles = texts.map((t) => Buffer.from(t, 'latin1'));
  return {
    textMayMatch: (text) => texts.some((t) => text.includes(t)),
    bytesMayMatch: (buf, start, end) => needles.some((n) => bytesInclude(buf, n, start, end)),
    portMayMatch: (value) => {
      const port = portOf(value);
      return typeof port !== 'number' || prefilter.dstPorts.has(port);
    },
  };
}

/**
 * Record line `line` (and the `records - 1` lines after it: a run, only where runs are allowed) as FILTERED: as
 * more records of the run the last outcome is, when runs are allowed (ParseContext.filteredRuns) and it ends on
 * the line before; else as an outcome of its own.
 */
export function pushFiltered<T>(out: RecordOutcome<T>[], line: number, runs: boolean | undefined, records = 1): void {
  const last = out[out.length - 1];
  if (runs && last !== undefined && last.kind === 'skip' && last.code === 'FILTERED' && last.line + (last.records ?? 1) === line) {
    last.records = (last.records ?? 1) + records;
  } else {
    out.push(records === 1 ? { kind: 'skip', line, code: 'FILTERED', message: FILTERED.message } : { kind: 'skip', line, code: 'FILTERED', message: FILTERED.message, records });
  }
}

/** The wanted destination ports as a table indexed by port (1: wanted): one load per record on the hot paths. */
export function portTable(ports: ReadonlySet<number>): Uint8Array {
  const table = new Uint8Array(65536);
  for (const p of ports) if (Number.isInteger(p) && p >= 0 && p <= 65535) table[p] = 1;
  return table;
}

/** The port bytes [s, e) write: 1 to 5 decimal digits, at most 65535; -1 for anything else (the text path decides). */
export function decimalPort(buf: Buffer, s: number, e: number): number {
  if (e <= s || e - s > 5) return -1;
  let port = 0;
  for (let i = s; i < e; i++) {
    const d = buf[i]! - 48;
    if (d >>> 0 > 9) return -1; // one unsigned test: below '0' wraps
    port = port * 10 + d;
  }
  return port <= 65535 ? port : -1;
}
