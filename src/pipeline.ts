/**
 * The pipeline API: what a log pipeline imports. Thin over the same core as the CLI — the reader and record parser
 * on the way in, the engine on the way out — so a library caller gets the CLI's answers and its accounting.
 *
 *   parse(source, options)    an async iterable of events (path, bytes, Node Readable or WHATWG ReadableStream)
 *   scan(sources, options)    what `dicomwatch scan` does: rules, pre-filter, accounting, alerts
 *   createScanner(plans)      push(event) / advance(watermark) / end(), and as Node and WHATWG transforms
 */
import type { NetworkEvent } from './model/event.js';
import { readRecords, type InputSource, type ReadOptions } from './io/reader.js';
import type { ParserInfo } from './parsers/record-parser.js';
import type { RecordOutcome } from './parsers/types.js';

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
