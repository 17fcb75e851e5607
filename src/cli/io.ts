/** Output sinks for the CLI: stdout or `--out FILE`, with backpressure and a quiet exit on a closed pipe. */
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';

export interface Output {
  write(text: string): Promise<void> | void;
  close(): Promise<void>;
}

export function openOutput(path: string | undefined, stdout: Writable = process.stdout): Output {
  const stream: Writable = path ? createWriteStream(path) : stdout;
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
    close() {
      if (!path) return Promise.resolve();
      return new Promise((resolve, reject) => {
        stream.end(() => (failed ? reject(failed) : resolve()));
      });
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
