/**
 * Run the BUILT command line (`node dist/cli/main.js …`, built by `npm test`'s pretest) as a child process, with
 * TZ=UTC and the repository root as working directory. Results are memoized per (args, stdin), so a suite can
 * start every command it needs at once in `beforeAll` and then assert on the cached results.
 */
import { execFile, spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REFERENCE_RULE_ARG } from './reference.js';

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
  /** Node's own flags, before the script (e.g. `--stack-size=100`). */
  nodeArgs?: readonly string[];
  /**
   * Run `scan`, `kql` and `sigma` with the CLI's default rules (the whole shipped pack). Without it, a run that
   * names no `--rules` is given the reference rule alone (helpers/reference.ts): the suites that use this helper
   * were written about the advisory's hunt, and the pack's own alerts are tested in test/rule-pack.test.ts.
   */
  pack?: boolean;
}

const RULE_COMMANDS: ReadonlySet<string> = new Set(['scan', 'kql', 'sigma', 'collect']);

/** `args` with `--rules <the reference rule>` added to a rule command that names no rules (see CliOptions.pack). */
function withReferenceRule(args: readonly string[], options: CliOptions): readonly string[] {
  if (options.pack || !RULE_COMMANDS.has(args[0] ?? '') || args.some((a) => a === '--rules' || a.startsWith('--rules=')) || args.includes('--help')) return args;
  return [...args, '--rules', REFERENCE_RULE_ARG];
}

/** One run, never memoized. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), BIN, ...withReferenceRule(args, options)],
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
  const key = JSON.stringify([args, input, options.env ?? {}, options.nodeArgs ?? [], options.pack === true]);
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

export interface StartedCli {
  child: ChildProcess;
  /** Resolves at exit with what was piped (stdout/stderr given as file descriptors stay ''). */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/**
 * One run with the caller's stdio: stdout to a file descriptor (`/dev/full`), stdin kept open to interrupt the run
 * mid-way, stdout closed early as `| head` does. Same environment as runCli.
 */
export function startCli(args: readonly string[], stdio: StdioOptions, env: Record<string, string> = {}): StartedCli {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first (npm test does)`);
  const child = spawn(process.execPath, [BIN, ...withReferenceRule(args, {})], { cwd: ROOT, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...env }, stdio });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stdout?.on('error', () => {}); // a test that closes stdout early
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  child.stdin?.on('error', () => {});
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, done };
}
