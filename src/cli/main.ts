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
  console.log(VERSION);
  process.exit(0);
}

const { run } = loadBundle()?.cli ?? (await import('./cli.js'));
await run();
