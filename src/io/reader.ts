/**
 * The I/O edge for inputs: a file, a `.gz` (recognized by its magic bytes, whatever its name), `-` for stdin, or
 * what a library caller holds — bytes, a Node Readable, a WHATWG ReadableStream — read in large chunks and fed to
 * the push-based record parser. Memory stays bounded by the chunk size and the parser's line limit, never by the
 * input size.
 */
import { open as openFd } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { DicomwatchError } from '../errors.js';
import { lazily } from '../lazy.js';
import { createRecordParser, type ParserInfo, type RecordParser, type RecordParserOptions } from '../parsers/record-parser.js';
import type { RecordOutcome } from '../parsers/types.js';

const CHUNK_BYTES = 1 << 20;
const PUSH_BYTES = 1 << 17;

const zlib = lazily<typeof import('node:zlib')>('node:zlib');
const net = lazily<typeof import('node:net')>('node:net');

/** What can be read: a path (`-` for stdin), bytes, a Node Readable, or a WHATWG ReadableStream (e.g. `fetch().body`). */
export type InputSource = string | Uint8Array | Readable | ReadableStream<Uint8Array>;

export interface ReadOptions extends Omit<RecordParserOptions, 'file'> {
  /** Called with the count of raw (possibly compressed) bytes read so far in this file. */
  onBytes?: (bytesRead: number) => void;
  /** stdin, when the file is `-` (injectable for tests). */
  stdin?: Readable;
}

/** Size in bytes of a file, or undefined for stdin / anything not a regular file. */
export async function inputSize(file: string): Promise<number | undefined> {
  return (await inputStat(file))?.size;
}

/**
 * Size and modification time of a regular file (undefined for stdin and anything else). The modification time is
 * when the log was last written: the reference for the year of year-less syslog stamps in it.
 */
export async function inputStat(file: string): Promise<{ size: number; modified: number } | undefined> {
  if (file === '-') return undefined;
  try {
    const st = await stat(file);
    return st.isFile() ? { size: st.size, modified: st.mtimeMs } : undefined;
  } catch {
    return undefined;
  }
}

/** The source's chunks as Buffers; a failure to read is INPUT_UNREADABLE naming the source. */
async function* rawChunks(source: InputSource, name: string, options: ReadOptions): AsyncGenerator<Buffer> {
  if (source instanceof Uint8Array) {
    options.onBytes?.(source.length);
    yield Buffer.from(source.buffer, source.byteOffset, source.byteLength);
    return;
  }
  const stream: AsyncIterable<unknown> = typeof source === 'string'
    ? (source === '-' ? (options.stdin ?? process.stdin) : fileChunks(source))
    : source;
  let read = 0;
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      read += buf.length;
      options.onBytes?.(read);
      yield buf;
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new DicomwatchError('INPUT_UNREADABLE', `${name}: cannot read (${code})`, name);
  }
}

/**
 * A file's bytes, CHUNK_BYTES at a time, read into two buffers by turns — the next read in flight while the consumer
 * works on the current chunk — so a file of any size allocates two buffers, not one per chunk (no garbage, flat RSS).
 * A chunk is overwritten once the one after it is asked for: every layer below is done with it by then (the record
 * parser copies what it keeps; gunzip, which reads its input later, is handed copies). With `end`, the bytes
 * [start, end) only (a shard of `scan --threads`); without, from `start` to the end of the file as it grows.
 */
export async function* fileChunks(path: string, start = 0, end = Infinity): AsyncGenerator<Buffer> {
  if (start === 0 && end === Infinity && (await isPipe(path))) {
    yield* pipeChunks(path);
    return;
  }
  const file = await open(path, 'r');
  const buffers = [Buffer.allocUnsafe(CHUNK_BYTES), Buffer.allocUnsafe(CHUNK_BYTES)];
  let turn = 0;
  let position = start;
  // A range is read at its positions; a whole input from where it stands (a pipe — `<(zcat …)`, /dev/stdin, a FIFO —
  // has no positions to read at).
  const ranged = start !== 0 || end !== Infinity;
  const read = (buffer: Buffer): Promise<{ bytesRead: number; buffer: Buffer }> => {
    const length = Math.min(CHUNK_BYTES, end - position);
    return length > 0 ? file.read(buffer, 0, length, ranged ? position : null) : Promise.resolve({ bytesRead: 0, buffer });
  };
  let pending: Promise<{ bytesRead: number; buffer: Buffer }> | undefined = read(buffers[0]!);
  try {
    for (;;) {
      const { bytesRead, buffer } = await pending;
      pending = undefined;
      if (bytesRead === 0) return;
      position += bytesRead;
      turn = 1 - turn;
      pending = read(buffers[turn]!);
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await pending?.catch(() => undefined);
    await file.close();
  }
}

/** Whether `path` is a FIFO or a socket (`mkfifo`, `/dev/stdin` on a pipe, `<(zcat …)`). */
async function isPipe(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    return st.isFIFO() || st.isSocket();
  } catch {
    return false; // open says why
  }
}

/**
 * A pipe's bytes, read as stdin is: through the event loop, not the thread pool. A pool thread blocked in a read
 * on a pipe holds up the process's exit (Node joins those threads), so Ctrl-C would wait for the writer to close.
 */
async function* pipeChunks(path: string): AsyncGenerator<Buffer> {
  const fd = await new Promise<number>((resolve, reject) => openFd(path, 'r', (e, fd) => (e ? reject(e) : resolve(fd))));
  const socket = new (net().Socket)({ fd, readable: true, writable: false }); // closes fd when done
  try {
    for await (const chunk of socket) yield chunk as Buffer;
  } finally {
    socket.destroy();
  }
}

/**
 * A whole small file's bytes (a rule file, an asset list, a saved `ss` output), a pipe read as pipeChunks reads it,
 * so that `--rules <(…)` or `--known <(…)` do not hold a thread-pool thread either; more than `maxBytes` from a pipe
 * is an error (a regular file's size is the caller's to check first).
 */
export async function readWhole(path: string, maxBytes = Infinity): Promise<Buffer> {
  if (!(await isPipe(path))) return readFile(path);
  const parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of pipeChunks(path)) {
    length += chunk.length;
    if (length > maxBytes) throw new Error(`larger than ${maxBytes >> 20} MiB`);
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts, length);
}

/** The first `n` bytes (fewer when the input is shorter) and all chunks, those bytes included. */
async function peek(chunks: AsyncIterator<Buffer>, n: number): Promise<{ head: Buffer; all: AsyncGenerator<Buffer> }> {
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (head.length < n) {
    const next = await chunks.next();
    if (next.done) {
      done = true;
      break;
    }
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
  }
  return { head, all: all() };
}

/**
 * Decompress when the first bytes are the gzip magic number (a multi-member gzip reads as one stream). A stream that
 * breaks off or is corrupt is INPUT_UNREADABLE naming the input, as a read error is (zlib's own error names neither).
 */
async function* gunzipped(chunks: AsyncIterator<Buffer>, name: string): AsyncGenerator<Buffer> {
  const { head, all } = await peek(chunks, 2);
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all;
    return;
  }
  const gunzip = zlib().createGunzip({ chunkSize: CHUNK_BYTES });
  const feed = (async () => {
    try {
      for await (const chunk of all) if (!gunzip.write(Buffer.from(chunk))) await onceDrained(gunzip);
      gunzip.end();
    } catch (e) {
      gunzip.destroy(e as Error);
    }
  })();
  try {
    for await (const chunk of gunzip) yield chunk as Buffer;
  } catch (e) {
    if (e instanceof DicomwatchError) throw e; // the compressed bytes could not be read (rawChunks named it)
    throw new DicomwatchError('INPUT_UNREADABLE', `${name}: cannot read to the end: ${(e as Error).message}`, name);
  }
  await feed;
}

/**
 * UTF-16 text (a byte-order mark FF FE or FE FF: what Windows PowerShell 5's `>` and `Out-File` write) re-encoded as
 * UTF-8, so `az … > export.json` on Windows reads like any other export. Anything else passes through.
 */
async function* utf8(chunks: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  const { head, all } = await peek(chunks, 2);
  const encoding = head[0] === 0xff && head[1] === 0xfe ? 'utf-16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : undefined;
  if (!encoding) {
    yield* all;
    return;
  }
  const decoder = new TextDecoder(encoding); // consumes the BOM; `stream: true` keeps characters split across chunks
  for await (const chunk of all) {
    const text = decoder.decode(chunk, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield Buffer.from(rest, 'utf8');
}

function onceDrained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => stream.once('drain', resolve));
}

/**
 * `parser.push(chunk)` a slice at a time, each slice's outcomes handed on before the next is read (stops at a
 * failure). A 1 MiB chunk dense with events (an export of DICOM traffic alone) would hold ~14,000 at once: held, they
 * outlive the young generation's collections and are copied into the old one. In slices of 128 KiB, the collector's
 * pauses on such a file went from ~140 to ~50 ms and the bytes it promoted from 41 to 10 MB; a sparse file is as
 * before.
 */
export function* pushSlices<T>(parser: RecordParser<T>, chunk: Buffer): Generator<RecordOutcome<T>[]> {
  for (let at = 0; at < chunk.length && !parser.failure; at += PUSH_BYTES) {
    const outcomes = parser.push(chunk.length <= PUSH_BYTES ? chunk : chunk.subarray(at, at + PUSH_BYTES));
    if (outcomes.length > 0) yield outcomes;
  }
}

/** One input's record outcomes in batches, in record order, with its running counters. */
export interface RecordStream extends AsyncIterable<RecordOutcome[]> {
  /** Filled as reading goes; final once iteration has finished. */
  readonly info: ParserInfo;
}

/**
 * Read one input. Iterating throws (naming the problem) when the input cannot be read to its end or is not a known
 * format — after the outcomes read before it; bad records are outcomes, never exceptions. `name` is what events
 * and messages call the input (default: the path, `-`, or `input` for bytes and streams).
 */
export function readRecords(source: InputSource, options: ReadOptions & { name?: string }): RecordStream {
  const name = options.name ?? (typeof source === 'string' ? source : 'input');
  const parser = createRecordParser({ ...options, file: name });
  return {
    info: parser.info,
    async *[Symbol.asyncIterator]() {
      // An input that breaks off (a cut gzip, a read error) still ends the parser first: the bytes before the break
      // — a line cut short — are a record, counted as a plain file cut there counts it, before the error is thrown.
      let broken: unknown;
      try {
        for await (const chunk of utf8(gunzipped(rawChunks(source, name, options), name))) {
          yield* pushSlices(parser, chunk);
          if (parser.failure) throw parser.failure;
        }
      } catch (e) {
        if (e === parser.failure) throw e;
        broken = e;
      }
      const last = parser.end();
      if (last.length > 0) yield last;
      if (broken !== undefined) throw broken;
      if (parser.failure) throw parser.failure;
    },
  };
}
