#!/usr/bin/env node
/** The dicomwatch command line: yargs wiring only; the commands call the library. */
import { readFileSync } from 'node:fs';
import yargs, { type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { RuleError } from '../rules/errors.js';
import * as check from './commands/check.js';
import * as formats from './commands/formats.js';
import * as kql from './commands/kql.js';
import * as parse from './commands/parse.js';
import * as scan from './commands/scan.js';
import * as sigma from './commands/sigma.js';
import { UsageError } from './options.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

const EXIT_USAGE = 2;

function fail(message: string): never {
  process.stderr.write(`dicomwatch: ${message}\n`);
  process.exit(EXIT_USAGE);
}

export async function main(argv: string[]): Promise<void> {
  const cli = yargs(argv)
    .scriptName('dicomwatch')
    .usage('$0 <command> [options]\n\nFind DICOM exposure in firewall logs and flow records; emit alerts, Sentinel KQL and Sigma.')
    .command(scan as unknown as CommandModule)
    .command(parse as unknown as CommandModule)
    .command(kql as unknown as CommandModule)
    .command(sigma as unknown as CommandModule)
    .command(formats as unknown as CommandModule)
    .command(check as unknown as CommandModule)
    .example('$0 scan fixtures/sentinel-export.csv', 'alerts from a Sentinel export, as a table')
    .example('$0 scan fw.csv.gz --semantics kql --output csv', 'exactly the rows the advisory\'s KQL returns')
    .example('$0 kql --ports 104,11112 --allow 198.51.100.0/24', 'the rule as KQL for Sentinel, options applied')
    .example('$0 sigma --internal 10.200.0.0/16', 'the rule as Sigma for other SIEMs')
    .demandCommand(1, 'give a command (see --help)')
    .strict()
    .version(pkg.version)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(110, process.stdout.columns || 110))
    .epilogue('Exit status: 0 success, 1 invalid rules (check), 2 bad usage or unreadable input. Malformed records are reported as file:line and counted, not fatal.')
    .fail((message, error) => {
      if (error) throw error;
      fail(message);
    });
  try {
    await cli.parseAsync();
  } catch (e) {
    if (e instanceof UsageError || e instanceof RuleError) fail(e.message);
    throw e;
  }
}

await main(hideBin(process.argv));
