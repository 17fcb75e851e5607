// The README's worked examples are real output: each `$ npx dicomwatch …` block is run and compared.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** Every fenced block that starts with `$ npx dicomwatch ARGS`: the args and the lines shown after it. */
function examples(): { args: string[]; shown: string }[] {
  const blocks = [...README.matchAll(/```\n\$ npx dicomwatch ([^\n]+)\n([\s\S]*?)```/g)];
  return blocks.map((m) => ({ args: m[1]!.split(' '), shown: m[2]! }));
}

describe('README examples', () => {
  const found = examples();
  it('are there (scan as a table, scan as csv, a mixed syslog file, kql, listeners, inventory)', () => {
    expect(found.map((e) => e.args.join(' '))).toEqual([
      'scan fixtures/sentinel-export.csv',
      'scan fixtures/sentinel-export.csv --rules rules/dicom-external-access.yml --semantics kql --output csv',
      'scan fixtures/syslog/mixed.log --year 2026',
      'kql --rules rules/dicom-external-access.yml --semantics kql',
      'listeners fixtures/listeners/pacs01-ss.txt --output table',
      'inventory fixtures/inventory/traffic.csv --known fixtures/inventory/assets.csv --output table',
    ]);
  });
  for (const { args, shown } of found) {
    it(`dicomwatch ${args.join(' ')} prints what the README shows`, async () => {
      // A terminal gets the table by default; the test's pipe would get JSON Lines, so ask for the table.
      const tty = args[0] === 'scan' && !args.includes('--output') ? ['--output', 'table'] : [];
      const r = await runCli([...args, ...tty], { pack: true }); // the README shows the CLI as a user runs it
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).toBe(shown);
    });
  }
});

describe('README quick start', () => {
  it('`npx dicomwatch` in the checkout runs the package\'s bin (built executable; npm does not set the bit here)', async () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const { stdout } = await promisify(execFile)(npm, ['exec', '--offline', '--no', '--', 'dicomwatch', '--version'], { cwd: root, shell: process.platform === 'win32' });
    expect(stdout.trim()).toBe(version);
  }, 60_000);
});
