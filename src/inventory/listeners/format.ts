/** What every line-oriented listener format module provides (ss, netstat, lsof, /proc/net/tcp, PowerShell tables). */
import type { RowResult } from './model.js';

export interface ListenerLineFormat {
  /** The `source` of its listeners. */
  id: string;
  /** One line for the README and `--help`. */
  description: string;
  /**
   * Whether `line` is this format's header (a section of its rows starts). A truthy value is handed back to `row`
   * for the rows after it: a layout learned from the header (PowerShell's fixed-width columns).
   */
  header(line: string): unknown;
  /**
   * A data row: a listener, a skip (a socket that is not listening, another protocol), a malformed row, or
   * undefined when the line is not this format's. `section` is what `header` returned for the current section
   * (undefined in a file without headers, e.g. `netstat -an | grep :104`).
   */
  row(line: string, section: unknown): RowResult;
}

/** Whitespace-separated fields of a line. */
export function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}
