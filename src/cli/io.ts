/** Output sinks for the CLI: stdout or `--out FILE`, with backpressure and a quiet exit on a closed pipe. */
import { createWriteStream, openSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { UsageError } from './options.js';

export interface Output {
  write(text: string): Promise<void> | void;
  close(): Promise<void>;
}

/**
 * Open the results' destination. `--out FILE` is opened here, at once, so an unwritable path is a usage error
 * before any input is read, never a silent loss at the end.
 */
export function openOutput(path: string | undefined, stdout: Writable = process.stdout): Output {
  let stream: Writable = stdout;
  if (path) {
    let fd: number;
    try {
      fd = openSync(path, 'w');
    } catch (e) {
      throw new UsageError(`--out: cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    stream = createWriteStream('', { fd });
  }
  let failed: Error | undefined;
  stream.on('error', (e: NodeJS.ErrnoException) => {
    // A reader that stops early (`| head`) is not an error of ours.
    if (e.code === 'EPIPE') process.exit(0);
    failed = e;
  });
  return {
    write(text) {
      if (failed) throw failed;
      if (!stream.write(text)) return new Promise((resolve) => stream.once('drain', () => resolve()));
    },
    async close() {
      if (!path) return;
      stream.end();
      await finished(stream);
      if (failed) throw failed;
    },
  };
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
