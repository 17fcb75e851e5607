/**
 * The I/O edge for inputs: a file, a `.gz` (recognized by its magic bytes, whatever its name), or `-` for stdin,
 * read in large chunks and fed to the push-based record parser. Memory stays bounded by the chunk size and the
 * parser's line limit, never by the file size.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { createRecordParser, type ParserInfo, type RecordParserOptions } from '../parsers/record-parser.js';
import type { RecordOutcome } from '../parsers/types.js';

const CHUNK_BYTES = 1 << 20;

export interface ReadOptions extends Omit<RecordParserOptions, 'file'> {
  /** Called with the count of raw (possibly compressed) bytes read so far in this file. */
  onBytes?: (bytesRead: number) => void;
  /** stdin, when the file is `-` (injectable for tests). */
  stdin?: Readable;
}

/** Size in bytes of a file, or undefined for stdin / anything not a regular file. */
export async function inputSize(file: string): Promise<number | undefined> {
  if (file === '-') return undefined;
  try {
    const st = await stat(file);
    return st.isFile() ? st.size : undefined;
  } catch {
    return undefined;
  }
}

async function* rawChunks(file: string, options: ReadOptions): AsyncGenerator<Buffer> {
  const stream: Readable = file === '-' ? (options.stdin ?? process.stdin) : createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let read = 0;
  for await (const chunk of stream) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    read += buf.length;
    options.onBytes?.(read);
    yield buf;
  }
}

/** Decompress when the first bytes are the gzip magic number; otherwise pass chunks through. */
async function* decodedChunks(chunks: AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  let head: Buffer = Buffer.alloc(0);
  for (;;) {
    if (head.length >= 2) break;
    const next = await chunks.next();
    if (next.done) {
      if (head.length > 0) yield head;
      return;
    }
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield head;
    yield* chunks;
    return;
  }
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  const feed = (async () => {
    try {
      if (!gunzip.write(head)) await onceDrained(gunzip);
      for await (const chunk of chunks) if (!gunzip.write(chunk)) await onceDrained(gunzip);
      gunzip.end();
    } catch (e) {
      gunzip.destroy(e as Error);
    }
  })();
  for await (const chunk of gunzip) yield chunk as Buffer;
  await feed;
}

function onceDrained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once('drain', resolve));
}

/** One input's record outcomes in batches, in record order, with its running counters. */
export interface RecordStream extends AsyncIterable<RecordOutcome[]> {
  /** Filled as reading goes; final once iteration has finished. */
  readonly info: ParserInfo;
}

/**
 * Read one input. Iterating throws (naming the problem) when the input cannot be read to its end or is not a known
 * format; bad records are outcomes, never exceptions.
 */
export function readRecords(file: string, options: ReadOptions): RecordStream {
  const parser = createRecordParser({ ...options, file });
  return {
    info: parser.info,
    async *[Symbol.asyncIterator]() {
      for await (const chunk of decodedChunks(rawChunks(file, options))) {
        const outcomes = parser.push(chunk);
        if (outcomes.length > 0) yield outcomes;
      }
      const last = parser.end();
      if (last.length > 0) yield last;
    },
  };
}
