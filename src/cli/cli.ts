/**
 * The dicomwatch command line: yargs wiring only; the commands call the library. Each commands/X.ts is what yargs
 * needs of a command (name, options, help) and stays light; its handler imports commands/X-run.ts, so a run loads
 * its own command's code and none of the others'. main.ts runs it (from the bundle `npm run build` makes of it).
 */
import yargs, { type Argv, type CommandModule } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { DicomwatchError } from '../errors.js';
import { VERSION } from '../version.js';
import * as check from './commands/check.js';
import * as collect from './commands/collect.js';
import * as formats from './commands/formats.js';
import * as inventory from './commands/inventory.js';
import * as kql from './commands/kql.js';
import * as listeners from './commands/listeners.js';
import * as parse from './commands/parse.js';
import * as scan from './commands/scan.js';
import * as sigma from './commands/sigma.js';
import { lastOfRepeated, restoreDashes, shieldDashes } from './argv.js';
import { examplesText, helpWidth, MAIN_EXAMPLES } from './help.js';
import { exitOnInterrupt } from './interrupt.js';
import { hasOutputOn, OutputError, reasonOf } from './io.js';
import { UsageError } from './options.js';

const EXIT_USAGE = 2;
const EXIT_OUTPUT = 3;
/** A bug (sysexits' EX_SOFTWARE): never to be taken for findings (1) or bad usage (2). */
const EXIT_INTERNAL = 70;

const EXIT_STATUS =
  'Exit status: 0 success (also when the reader of the output stops early, as `| head` does); 1 invalid rules ' +
  '(check); 2 bad usage or unreadable input; 3 the output could not be written (disk full, I/O error); 130 ' +
  'interrupted by Ctrl-C (128 + the signal\'s number; collect stops on it and exits 0 once flushed); 70 an internal error (a bug). --out FILE is replaced only when the run succeeds (collect appends as alerts close). Malformed ' +
  'records are reported as file:line and counted, not fatal.';

function fail(message: string, status = EXIT_USAGE): never {
  process.stderr.write(`dicomwatch: ${message}\n`);
  process.exit(status);
}

/**
 * What prints with process.stdout.write or console.log (formats, check, --help) ends like the other commands on a
 * write error: a message and exit 3, or quietly for a reader that stopped early; never an unhandled 'error' event.
 */
function failOnStdoutError(): void {
  process.stdout.on('error', (e) => {
    if (hasOutputOn(process.stdout)) return; // the command's Output reports it, after its summary
    const error = new OutputError('stdout', reasonOf(e));
    if (error.closedByReader) process.exit();
    fail(error.message, EXIT_OUTPUT);
  });
}

/**
 * yargs lays out the running command's whole help (cliui, wrap-ansi, string-width: ~40 ms of every run) right after
 * calling its handler, in case the handler shows help later (yargs/yargs#1865). No handler here does, and a failure
 * prints only its message (the .fail below), so that layout is never printed: skipped, as the Angular CLI does
 * (angular/angular-cli#34087). `--help` is unaffected: it prints before any handler runs. getInternalMethods is
 * yargs' own, untyped: should a later yargs lack it, this does nothing.
 */
function skipHelpCache(cli: Argv): void {
  type Internals = { getInternalMethods?(): { getUsageInstance?(): { cacheHelpMessage?(): void } | undefined } | undefined };
  const usage = (cli as unknown as Internals).getInternalMethods?.()?.getUsageInstance?.();
  if (typeof usage?.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}

export async function main(argv: string[]): Promise<void> {
  exitOnInterrupt();
  failOnStdoutError();
  const parser: Argv = yargs(shieldDashes(argv));
  const cli = parser
    .scriptName('dicomwatch')
    .usage('$0 <command> [options]\n\nFind DICOM exposure in firewall logs and flow records; emit alerts, Sentinel KQL and Sigma.')
    .middleware(restoreDashes, true)
    // (getOptions: yargs' own, untyped; the options that collect, the running command's included)
    .middleware(lastOfRepeated(() => (parser as unknown as { getOptions(): { array: string[] } }).getOptions().array), true)
    .command(scan as unknown as CommandModule)
    .command(parse as unknown as CommandModule)
    .command(kql as unknown as CommandModule)
    .command(sigma as unknown as CommandModule)
    .command(formats as unknown as CommandModule)
    .command(check as unknown as CommandModule)
    .command(collect as unknown as CommandModule)
    .command(listeners as unknown as CommandModule)
    .command(inventory as unknown as CommandModule)
    .demandCommand(1, 'give a command (see --help)')
    .strict()
    .version(VERSION)
    .help()
    .alias('help', 'h')
    // --help and --version end the run here rather than exiting at once: a write of theirs that failed (a full disk)
    // then ends as every command's does (below), not with status 0.
    .exitProcess(false)
    .wrap(helpWidth(process.stdout.columns))
    .epilogue(`${examplesText(MAIN_EXAMPLES)}\n\n${EXIT_STATUS}`)
    .fail((message, error) => {
      if (error) throw error;
      fail(message);
    });
  skipHelpCache(cli);
  try {
    await cli.parseAsync();
    // (what printed with console.log — help, version — failed, if it did, when it was written)
    const code = (process.stdout.errored as NodeJS.ErrnoException | null | undefined)?.code;
    if (code !== undefined && !hasOutputOn(process.stdout)) {
      const error = new OutputError('stdout', code);
      if (!error.closedByReader) fail(error.message, EXIT_OUTPUT);
    }
  } catch (e) {
    // The reader of the output stopped early (`| head`): it has what it wanted.
    if (e instanceof OutputError && e.closedByReader) return;
    if (e instanceof OutputError) fail(e.message, EXIT_OUTPUT);
    // Bad options, unreadable input or rules (RuleError is one too): the message names the file or option.
    if (e instanceof UsageError || e instanceof DicomwatchError) fail(e.message);
    // Anything else is a bug: said as one, with its stack (Node's own report would quote the bundle's one long line)
    const stack = e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
    fail(`internal error (a bug in dicomwatch ${VERSION}; please report it with the command line):\n${stack}`, EXIT_INTERNAL);
  }
}

/** A shard of a threaded scan, for the worker that runs it (scan-worker.ts): from the bundle, compiled from its cache. */
export { runShard } from './shard.js';

/** The command line on this process's arguments. */
export function run(): Promise<void> {
  return main(hideBin(process.argv));
}
