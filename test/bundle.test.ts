/**
 * The command line as `npm run build` bundles it (scripts/bundle-cli.mjs, src/cli/bundle.ts): dist/cli/main.js runs
 * the bundle, compiled from the code cache recorded at build time, and answers exactly as the modules it was made
 * from (dist/cli/cli.js, tsc's output) do: same stdout, stderr and exit status, messages in the user's language,
 * help laid out the same.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, type CliResult } from './helpers/cli.js';
import { REFERENCE_RULE_ARG } from './helpers/reference.js';

const TMP = mkdtempSync(join(tmpdir(), 'dicomwatch-bundle-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** The command line from tsc's modules, as main.ts ran it before the bundle. */
const MODULES = join(TMP, 'modules.mjs');
writeFileSync(MODULES, `const { run } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/cli/cli.js')).href)});\nawait run();\n`);

function node(args: readonly string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT, env: { ...process.env, TZ: 'UTC', NO_COLOR: '1', ...env }, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
      if (error && typeof (error as { code?: unknown }).code !== 'number') reject(error);
      else resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('the bundled command line', () => {
  it('is compiled from its code cache', async () => {
    const probe = `const { loadBundle } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'dist/cli/bundle.js')).href)});
const b = loadBundle();
console.log(b === undefined ? 'no bundle' : b.script.cachedDataRejected === false ? 'cache used' : 'cache rejected or missing');`;
    const r = await node(['--input-type=module', '-e', probe]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('cache used\n');
  });

  const RUNS: { args: string[]; env?: Record<string, string> }[] = [
    { args: ['--version'] },
    { args: ['--help'] },
    { args: ['--help'], env: { COLUMNS: '60' } },
    { args: ['scan', '--help'] },
    { args: [] },
    { args: ['scan', '--bogus'] },
    { args: ['scan', '--bogus'], env: { LANG: 'de_DE.UTF-8' } },
    { args: ['kql', '--table', 'Nope'], env: { LC_ALL: 'fr_FR.UTF-8' } },
    { args: ['scan', 'fixtures/sentinel-export.csv', '--rules', REFERENCE_RULE_ARG, '--output', 'jsonl'] },
    { args: ['scan', 'fixtures/malformed.csv', '--output', 'csv', '--semantics', 'kql'] },
    { args: ['scan', 'fixtures/iptables.log', '--rules', REFERENCE_RULE_ARG, '--output', 'ocsf'] },
    { args: ['scan', 'fixtures/missing.csv'] },
    { args: ['parse', 'fixtures/sentinel-syslog.csv'] },
    { args: ['kql', '--rules', REFERENCE_RULE_ARG, '--format', 'arm'] },
    { args: ['sigma'] },
    { args: ['check', 'rules/'] },
    { args: ['formats'] },
  ];

  const named = RUNS.map((r) => [`${Object.entries(r.env ?? {}).map(([k, v]) => `${k}=${v} `).join('')}dicomwatch ${r.args.join(' ')}`, r] as const);
  it.each(named)('answers as the modules: %s', async (_, { args, env = {} }) => {
    const [bundled, modules] = await Promise.all([runCli(args, { env, pack: true }), node([MODULES, ...args], env)]);
    expect(bundled).toEqual(modules);
  });
});
