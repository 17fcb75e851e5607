/**
 * Output sinks for the CLI: stdout or `--out FILE`, with backpressure and write errors that name the output.
 *
 * `--out FILE` is written to a temporary file beside FILE and renamed over it only when the run succeeds, so a run
 * that fails (unreadable input, bad rules, a crash, a write error, Ctrl-C) leaves FILE as it was and no temp file
 * behind. Devices, FIFOs and paths under /dev or /proc (`--out /dev/stdout`) cannot be replaced that way and are
 * written directly.
 */
import {
  accessSync, closeSync, constants, createWriteStream, fchmodSync, fsyncSync, openSync, realpathSync, renameSync, statSync,
  unlinkSync, type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { DicomwatchError } from '../errors.js';
import { lazily } from '../lazy.js';
import { UsageError } from './options.js';

const crypto = lazily<typeof import('node:crypto')>('node:crypto');

/** The results could not be written: `--out FILE: cannot write (ENOSPC)`, `stdout: cannot write (EPIPE)`. */
export class OutputError extends DicomwatchError {
  override name = 'OutputError';
  constructor(
    /** `--out FILE` or `stdout`. */
    readonly output: string,
    /** The system's error code (ENOSPC, EIO, EPIPE…), or the error's message when it has none. */
    readonly reason: string,
  ) {
    super('OUTPUT_FAILED', `${output}: cannot write (${reason})`, output);
  }

  /** The reader went away (`| head`): it has what it wanted; not a failure of ours. */
  get closedByReader(): boolean {
    return this.reason === 'EPIPE';
  }
}

export interface Output {
  /** `--out FILE` or `stdout`, as messages name it. */
  readonly name: string;
  /** The file replaced when the run succeeds (kept as it was otherwise); undefined for stdout and devices. */
  readonly replaces?: string;
  /** Resolves when the destination can take more. Throws OutputError once it failed. */
  write(text: string): Promise<void> | void;
  /** Everything written and, for `--out FILE`, FILE replaced by the new content. Throws OutputError. */
  close(): Promise<void>;
  /** The run failed: `--out FILE` keeps its old content and the temp file goes. Synchronous, never throws. */
  discard(): void;
}

export function reasonOf(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function unwritable(path: string, e: unknown): UsageError {
  return new UsageError(`--out: cannot write ${path} (${reasonOf(e)})`);
}

/**
 * Writes to a stream, remembering its first error: the write after it throws, and so does `drained()`. Waiting for
 * 'drain' alone would hang on a failed stream (a full disk behind stdout never drains: Node then exits 13, silently).
 */
function streamSink(stream: Writable, name: string) {
  let failure: OutputError | undefined;
  const fail = (e: unknown) => {
    failure ??= new OutputError(name, reasonOf(e));
  };
  stream.on('error', fail);
  const failed = new Promise<void>((done) => stream.once('error', () => done()));
  let lastWrite: Promise<void> = Promise.resolve();
  return {
    write(text: string): Promise<void> | void {
      if (failure) throw failure;
      let written!: () => void;
      lastWrite = new Promise((done) => (written = done));
      const ready = stream.write(text, (e) => {
        if (e) fail(e);
        written();
      });
      if (ready) return;
      // Failed or closed already: its 'error' (or 'close') may have been emitted, and 'drain' never will be.
      if (stream.errored) fail(stream.errored);
      else if (stream.destroyed) fail(new Error('closed'));
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        const settle = () => {
          stream.off('drain', settle);
          stream.off('error', settle);
          stream.off('close', settle);
          if (failure) reject(failure);
          else resolve();
        };
        stream.on('drain', settle);
        stream.on('error', settle);
        stream.on('close', settle);
      });
    },
    /** Every write handed to the system (or the first error). */
    async drained(): Promise<void> {
      await Promise.race([lastWrite, failed]);
      if (failure) throw failure;
    },
    get failure() {
      return failure;
    },
  };
}

/** Streams an Output writes to: it reports their errors (after the command's summary), main's fallback does not. */
const reported = new WeakSet<Writable>();

export function hasOutputOn(stream: Writable): boolean {
  return reported.has(stream);
}

/** Stdout is never ended: later messages may still follow on it, and Node flushes it at exit. */
function stdoutOutput(stdout: Writable): Output {
  const sink = streamSink(stdout, 'stdout');
  reported.add(stdout);
  return {
    name: 'stdout',
    write: (text) => sink.write(text),
    close: () => sink.drained(),
    discard() {},
  };
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unwritable(path, e);
  }
}

/** Device files, FIFOs and the /dev and /proc trees: written in place (no temp file can stand beside them). */
function writtenInPlace(path: string, st: Stats | undefined): boolean {
  return (st !== undefined && !st.isFile()) || /^\/(dev|proc)\//.test(resolve(path));
}

/** `.FILE.dicomwatch-<pid>-<random>.tmp` beside FILE: hidden, and unmistakably ours if one is ever left over. */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.dicomwatch-${process.pid}-${crypto().randomBytes(4).toString('hex')}.tmp`);
}

interface FdTarget {
  name: string;
  replaces?: string;
  /** After the last byte is written: put the content in place (throws when it cannot). */
  finish(): void;
  /** After the fd is closed, on every way out. */
  cleanup(): void;
}

function fdOutput(fd: number, { name, replaces, finish, cleanup }: FdTarget): Output {
  const stream = createWriteStream('', { fd, autoClose: false });
  const sink = streamSink(stream, name);
  let open = true;
  const release = (): void => {
    if (!open) return;
    open = false;
    process.off('exit', release);
    try {
      closeSync(fd);
    } catch {
      // already failed; the error that matters was reported
    }
    cleanup();
  };
  // A crash or process.exit (Ctrl-C, a usage error) must not leave the temp file behind.
  process.on('exit', release);
  return {
    name,
    ...(replaces !== undefined ? { replaces } : {}),
    write: (text) => sink.write(text),
    async close() {
      try {
        await sink.drained();
        stream.end();
        await finished(stream).catch(() => {}); // its error is the sink's failure
        if (sink.failure) throw sink.failure;
        try {
          finish();
        } catch (e) {
          throw new OutputError(name, reasonOf(e));
        }
      } finally {
        release();
      }
    },
    discard: release,
  };
}

/**
 * Open the results' destination: stdout (also `--out -`), or `--out FILE`. FILE's directory is checked here, by creating the temp
 * file at once, so an unwritable path is a usage error before any input is read, never a silent loss at the end.
 */
export function openOutput(path: string | undefined, stdout: Writable = process.stdout): Output {
  if (!path || path === '-') return stdoutOutput(stdout);
  const name = `--out ${path}`;
  const st = statOrUndefined(path);
  if (st?.isDirectory()) throw new UsageError(`--out: cannot write ${path} (EISDIR)`);
  if (writtenInPlace(path, st)) {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw unwritable(path, e);
    }
    return fdOutput(fd, { name, finish() {}, cleanup() {} });
  }
  // Replace what the path points to (a symlink stays a symlink), and respect a file made read-only.
  let target = path;
  let temp = '';
  let fd: number;
  try {
    if (st) {
      target = realpathSync(path);
      accessSync(target, constants.W_OK);
    }
    temp = tempPathFor(target);
    fd = openSync(temp, 'wx');
  } catch (e) {
    throw unwritable(path, e);
  }
  try {
    if (st) fchmodSync(fd, st.mode & 0o7777); // the new FILE keeps the old one's permissions
  } catch (e) {
    closeSync(fd);
    unlinkSync(temp);
    throw unwritable(path, e);
  }
  let renamed = false;
  return fdOutput(fd, {
    name,
    replaces: path,
    finish() {
      fsyncSync(fd); // the new content is on disk before it replaces the old: never an empty FILE after a power cut
      renameSync(temp, target);
      renamed = true;
    },
    cleanup() {
      if (renamed) return;
      try {
        unlinkSync(temp);
      } catch {
        // gone already
      }
    },
  });
}

/**
 * `--out FILE` for a command that runs until stopped (`collect`): FILE is opened for appending (created when missing)
 * and every write goes straight to it, so what was written survives a crash or a kill and `tail -f FILE` follows it;
 * there is no temp file to rename at the end. An unwritable path is a usage error at once.
 */
export function openAppendOutput(path: string | undefined, stdout: Writable = process.stdout): Output {
  if (!path || path === '-') return stdoutOutput(stdout);
  if (statOrUndefined(path)?.isDirectory()) throw new UsageError(`--out: cannot write ${path} (EISDIR)`);
  let fd: number;
  try {
    fd = openSync(path, 'a');
  } catch (e) {
    throw unwritable(path, e);
  }
  return fdOutput(fd, { name: `--out ${path}`, finish() {}, cleanup() {} });
}

/** Write one piece of text and close; on failure the destination is left as it was. */
export async function writeWhole(out: Output, text: () => string): Promise<void> {
  try {
    await out.write(text());
    await out.close();
  } catch (e) {
    out.discard();
    throw e;
  }
}

/** Batches many small lines into large writes (one write per line is slow on pipes). */
export class BufferedOutput {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly out: Output, private readonly flushAt = 1 << 16) {}

  line(text: string): Promise<void> | void {
    this.parts.push(text, '\n');
    this.size += text.length + 1;
    if (this.size >= this.flushAt) return this.flush();
  }

  flush(): Promise<void> | void {
    if (this.parts.length === 0) return;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return this.out.write(text);
  }
}
