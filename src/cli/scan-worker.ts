/**
 * A worker thread of a threaded scan (threads.ts): it reads one shard (shard.ts) and posts the result. The range's
 * first line number comes in the task, or, when the coordinator is still counting the lines before the range, as the
 * first message it posts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadBundle } from './bundle.js';
import type { ShardTask } from './shard.js';

// The command line's bundle holds a shard's code: compiled from its cache, it starts in a fraction of the time the
// ~170 modules take to load (dist/ built by tsc alone: the modules).
const { runShard } = loadBundle()?.cli ?? (await import('./shard.js'));

if (parentPort) {
  const port = parentPort;
  const task = workerData as ShardTask;
  const run = (firstLine: number) => runShard(task, firstLine).then(
    (result) => port.postMessage(result),
    (e: unknown) => port.postMessage({ failure: (e as Error).message ?? String(e) }),
  );
  if (task.firstLine !== undefined) void run(task.firstLine);
  else port.once('message', (m: { firstLine: number }) => void run(m.firstLine));
}
