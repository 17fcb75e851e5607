/**
 * The command line as `npm run build` bundles it (scripts/bundle-cli.mjs): cli.ts and the packages it imports as one
 * CommonJS script, cli.bundle.cjs, and the code V8 compiled for it during a few runs at build time,
 * cli.bundle.cache. A script compiled from that cache skips parsing and compiling those functions, most of a
 * command's start-up (README, Start-up). V8 rejects a cache made by another Node or V8 version or under other V8
 * flags (`node --max-old-space-size=…`); the script is then compiled as any other, only slower to start.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

export const BUNDLE_FILE = fileURLToPath(new URL('./cli.bundle.cjs', import.meta.url));
export const CACHE_FILE = fileURLToPath(new URL('./cli.bundle.cache', import.meta.url));

export type Cli = typeof import('./cli.js');

export interface LoadedBundle {
  cli: Cli;
  script: Script;
  /** The bundle's first line, naming its build: a cache file opens with it, so a cache is only used for its own build. */
  build: string;
}

/**
 * The bundle compiled (from the cache recorded for it, when `useCache` and there is one) and run; undefined when
 * there is no bundle (dist/ built by tsc alone).
 */
export function loadBundle(useCache = true): LoadedBundle | undefined {
  let source: string;
  try {
    source = readFileSync(BUNDLE_FILE, 'latin1'); // ASCII: the build checks
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const build = source.slice(0, source.indexOf('\n') + 1);
  const cachedData = useCache ? recordedCache(build) : undefined;
  // The bundle is a function as Node wraps a CommonJS module in one, called here as Node calls it.
  const script = new Script(source, {
    filename: BUNDLE_FILE,
    ...(cachedData ? { cachedData } : {}),
  });
  const module = { exports: {} as Cli };
  const body = script.runInThisContext() as (exports: Cli, require: NodeJS.Require, module: { exports: Cli }, filename: string, dirname: string) => void;
  body(module.exports, createRequire(BUNDLE_FILE), module, BUNDLE_FILE, dirname(BUNDLE_FILE));
  return { cli: module.exports, script, build };
}

/** What CACHE_FILE holds for a bundle loaded without cache, once its runs have compiled what they use. */
export function codeCache(loaded: LoadedBundle): Buffer {
  return Buffer.concat([Buffer.from(loaded.build, 'latin1'), loaded.script.createCachedData()]);
}

function recordedCache(build: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(CACHE_FILE);
  } catch {
    return undefined;
  }
  const prefix = Buffer.from(build, 'latin1');
  return cache.subarray(0, prefix.length).equals(prefix) ? cache.subarray(prefix.length) : undefined;
}
