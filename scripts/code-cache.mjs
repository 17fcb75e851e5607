/**
 * Records dist/cli/cli.bundle.cache (run by scripts/bundle-cli.mjs in a process of its own): loads the bundle
 * without a cache, runs the commands whose start-up matters most on the repository's fixtures, then saves the code
 * V8 compiled for the bundle meanwhile. What these runs did not compile is compiled on first use, as without a cache.
 * Their output goes to this process's stdout (the build discards it).
 */
import { writeFileSync } from 'node:fs';
import { CACHE_FILE, codeCache, loadBundle } from '../dist/cli/bundle.js';

const RULE = 'rules/dicom-external-access.yml';
const RUNS = [
  ['scan', 'fixtures/sentinel-export.csv', '--threads', '1', '--quiet'],
  ['scan', 'fixtures/sentinel-export.csv', '--rules', RULE, '--semantics', 'kql', '--output', 'csv', '--threads', '1', '--quiet'],
  ['scan', 'fixtures/iptables.log', '--output', 'jsonl', '--threads', '1', '--quiet'],
  ['parse', 'fixtures/sentinel-export.csv', '--quiet'],
  ['kql'],
  ['sigma'],
];

const loaded = loadBundle(false);
if (!loaded) throw new Error('no dist/cli/cli.bundle.cjs to record a code cache for');
for (const argv of RUNS) {
  await loaded.cli.main(argv);
  if (process.exitCode) throw new Error(`dicomwatch ${argv.join(' ')}: exit status ${process.exitCode}`);
}
writeFileSync(CACHE_FILE, codeCache(loaded));
