/**
 * Run the BUILT command line (`node dist/cli/main.js …`, built by `npm test`'s pretest) as a child process, with
 * TZ=UTC and the repository root as working directory. Results are memoized per (args, stdin), so a suite can
 * start every command it needs at once in `beforeAll` and then assert on the cached results.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  /** Exit status (null when killed by a signal). */
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Bytes for stdin; stdin is closed at once when absent. */
  input?: Buffer | string;
  env?: Record<string, string>;
}

/** One run, never memoized. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [BIN, ...args],
      {
        cwd: ROOT,
        env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...options.env },
        encoding: 'utf8',
        maxBuffer: 64 << 20,
        timeout: 30_000,
      },
      (error, stdout, stderr) => {
        if (error && typeof (error as { code?: unknown }).code !== 'number' && error.signal == null) {
          reject(error);
          return;
        }
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
      },
    );
    child.stdin?.on('error', () => {}); // a command that does not read stdin may exit before we finish writing
    child.stdin?.end(options.input ?? '');
  });
}

const cache = new Map<string, Promise<CliResult>>();

/** A memoized run: the same args and stdin give the same (shared) result promise. */
export function cli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const input = options.input === undefined ? '' : createHash('sha1').update(options.input).digest('hex');
  const key = JSON.stringify([args, input, options.env ?? {}]);
  let run = cache.get(key);
  if (!run) {
    run = runCli(args, options);
    cache.set(key, run);
  }
  return run;
}

/** Start many runs with at most `limit` processes at a time; resolves when all have finished. */
export async function prefetch(runs: readonly (() => Promise<unknown>)[], limit = 4): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < runs.length) await runs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, runs.length) }, worker));
}
