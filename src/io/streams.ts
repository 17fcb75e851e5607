/**
 * The record parser as streams, for pipelines: a Node Transform and a WHATWG TransformStream, both bytes in and
 * record outcomes out. Thin wrappers over the same push-based core as readRecords and parseText; the parser's
 * `info` counters ride along on the stream.
 */
import { Transform } from 'node:stream';
import { createRecordParser, type ParserInfo, type RecordParserOptions } from '../parsers/record-parser.js';
import type { RecordOutcome } from '../parsers/types.js';

/** `source.pipe(recordTransform(opts))` yields one RecordOutcome per record (object mode on the readable side). */
export function recordTransform(options: RecordParserOptions): Transform & { readonly info: ParserInfo } {
  const parser = createRecordParser(options);
  const stream = new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer | string, _encoding, done) {
      for (const outcome of parser.push(chunk)) this.push(outcome);
      done(parser.failure);
    },
    flush(done) {
      for (const outcome of parser.end()) this.push(outcome);
      done(parser.failure);
    },
  });
  return Object.assign(stream, { info: parser.info });
}

/** The same as a WHATWG TransformStream (`response.body.pipeThrough(recordTransformStream(opts))`). */
export function recordTransformStream(options: RecordParserOptions): TransformStream<Uint8Array | string, RecordOutcome> & { readonly info: ParserInfo } {
  const parser = createRecordParser(options);
  const stream = new TransformStream<Uint8Array | string, RecordOutcome>({
    transform(chunk, controller) {
      const bytes = typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const outcome of parser.push(bytes)) controller.enqueue(outcome);
      if (parser.failure) controller.error(parser.failure);
    },
    flush(controller) {
      for (const outcome of parser.end()) controller.enqueue(outcome);
      if (parser.failure) controller.error(parser.failure);
    },
  });
  return Object.assign(stream, { info: parser.info });
}
