/**
 * A dependency that only some inputs or rules use (an XML reader, the `re` modifier, quoted CSV), required from its
 * CommonJS build the first time it is needed: runs that never need it do not pay to load it, and the code using it
 * stays synchronous. Likewise the Node built-ins only some runs use (zlib for gzip input, worker_threads for a split
 * file, crypto for temporary file names and UUIDs: 1.5–3 ms each to load).
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `id`'s exports, loaded on the first call. */
export function lazily<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(id) as T);
}
