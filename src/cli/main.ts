#!/usr/bin/env node
/**
 * The `dicomwatch` command: the command line (cli.ts) from the bundle `npm run build` makes of it (bundle.ts), or
 * from the modules when dist/ was built by tsc alone.
 *
 * `dicomwatch --version` alone is answered here, as yargs answers it (the version on stdout, exit status 0), without
 * loading the command line: that is most of its time.
 */
import { loadBundle } from './bundle.js';

const args = process.argv.slice(2);
if (args.length === 1 && args[0] === '--version') {
  const { VERSION } = await import('../version.js');
  process.stdout.write(`${VERSION}\n`);
  // A write that failed (a full disk) fails as every command's does: exit 3; a reader that closed early (EPIPE) has
  // what it wanted. (The error is known at once; its event would come after this exit.)
  const code = (process.stdout.errored as NodeJS.ErrnoException | null | undefined)?.code;
  if (code !== undefined && code !== 'EPIPE') {
    process.stderr.write(`dicomwatch: stdout: cannot write (${code})\n`);
    process.exit(3);
  }
  process.exit(0);
}

const { run } = loadBundle()?.cli ?? (await import('./cli.js'));
await run();
// The run is over. Once stdout and stderr hold nothing back, all it wrote is with the operating system: exit now,
// rather than when the event loop empties — Node first waits for V8's background tasks (the byte kernel's optimising
// compiles, concurrent garbage-collector marking), ~30 ms after a large scan. (A pipe that is asynchronous, as on
// macOS, may still hold output: then the process ends as it would have.)
if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit();
