/**
 * Trust on awkward output (issue 7): very large tables, `--out FILE` replaced only by a run that succeeds, write
 * errors that end with a message naming the output and the summary, Ctrl-C, `-` typed at a terminal, help that
 * never breaks an example command, `--out`'s extension. End-to-end runs use the BUILT command line.
 */
import { execFile, execFileSync } from 'node:child_process';
import {
  chmodSync, closeSync, createWriteStream, lstatSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import yargs, { type CommandModule } from 'yargs';
import { afterAll, describe, expect, it } from 'vitest';
import { alertLines, renderAlerts, type AlertOutput } from '../src/emit/alerts/index.js';
import { renderAlertTable } from '../src/emit/alerts/table.js';
import * as check from '../src/cli/commands/check.js';
import * as kql from '../src/cli/commands/kql.js';
import * as parse from '../src/cli/commands/parse.js';
import * as scan from '../src/cli/commands/scan.js';
import * as sigma from '../src/cli/commands/sigma.js';
import { restoreDashes, shieldDashes } from '../src/cli/argv.js';
import { inputFiles, reportedRun } from '../src/cli/context.js';
import { helpWidth, MAIN_EXAMPLES, type Example } from '../src/cli/help.js';
import { emptyInfo } from '../src/parsers/record-parser.js';
import { interruptedStatus, type InterruptSignal } from '../src/cli/interrupt.js';
import { openOutput, OutputError, tempPathFor, type Output } from '../src/cli/io.js';
import { UsageError } from '../src/cli/options.js';
import { createProgress } from '../src/cli/progress.js';
import type { Alert } from '../src/model/alert.js';
import { BIN, ROOT, runCli, startCli } from './helpers/cli.js';

const run = promisify(execFile);
const FIXTURE = 'fixtures/sentinel-export.csv';
const fixtureText = readFileSync(join(ROOT, FIXTURE), 'utf8');
const TMP = mkdtempSync(join(tmpdir(), 'dicomwatch-out-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** `n` distinct external sources to one server in one hour: `n` alerts. */
function manyAlertsCsv(n: number): string {
  const rows = ['TimeGenerated,SourceIP,DestinationIP,DestinationPort'];
  for (let i = 0; i < n; i++) rows.push(`2026-03-16T10:00:00Z,203.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255},10.1.2.3,104`);
  return `${rows.join('\n')}\n`;
}
const MANY = join(TMP, 'many.csv');
writeFileSync(MANY, manyAlertsCsv(15_000));

/** A fresh directory holding FILE with old content, to check it is left alone and nothing else appears. */
function dirWithOld(name: string, content = 'old content\n'): { dir: string; file: string } {
  const dir = mkdtempSync(join(TMP, 'd-'));
  const file = join(dir, name);
  writeFileSync(file, content);
  return { dir, file };
}

const noStack = (stderr: string) => expect(stderr).not.toContain('    at ');
const SUMMARY = /^dicomwatch: \d+ files?, \d+ records read: /m;

describe.concurrent('point 8: a table of any size', () => {
  const alert = (i: number): Alert => ({
    rule: 'dicom-external-access', time: '2026-03-16T10:00:00.000Z', srcIp: `203.0.${(i >> 8) & 255}.${i & 255}`, dstIp: '10.1.2.3',
    count: 1 + (i % 1000), firstSeen: '2026-03-16T10:00:00.000Z', lastSeen: '2026-03-16T10:00:00.000Z', dstPorts: [104],
    actions: i === 7 ? { deny: 1, allow: 3 } : {}, severity: 'high', devices: [],
  });

  it('renderAlertTable renders 200,000 alerts (Math.max(...rows) overflowed the stack above ~130k)', () => {
    const alerts = Array.from({ length: 200_000 }, (_, i) => alert(i));
    const text = renderAlertTable(alerts);
    const lines = text.split('\n');
    expect(lines).toHaveLength(200_002); // header, rows, the final newline
    expect(lines[0]).toMatch(/^COUNT  SOURCE +DESTINATION +HOUR \(UTC\) +PORTS +ACTIONS +RULE$/);
    // widths come from every row: the widest count (1000), source (203.0.255.255) and actions (deny:1 allow:3)
    expect(lines[1]).toBe('    1  203.0.0.0      10.1.2.3     2026-03-16 10:00  104    -               dicom-external-access');
    expect(lines[8]).toBe('    8  203.0.0.7      10.1.2.3     2026-03-16 10:00  104    deny:1 allow:3  dicom-external-access');
    expect(lines[1000]).toBe(' 1000  203.0.3.231    10.1.2.3     2026-03-16 10:00  104    -               dicom-external-access');
  });

  it('alertLines streams the same text renderAlerts returns, in every format', () => {
    const some = [alert(1), alert(7), alert(300)];
    for (const output of ['table', 'jsonl', 'csv'] as AlertOutput[]) {
      for (const alerts of [some, []]) {
        expect([...alertLines(alerts, output)].map((l) => `${l}\n`).join(''), output).toBe(renderAlerts(alerts, output));
      }
    }
  });

  it('scan --output table end to end, with more alerts than the stack holds arguments (node --stack-size=100)', async () => {
    // 100 KB of stack holds ~12k spread arguments: 15k alerts overflowed it as 130k did the default stack.
    const r = await runCli(['scan', MANY, '--output', 'table'], { nodeArgs: ['--stack-size=100'] });
    expect(r.stderr).toBe('dicomwatch: 1 file, 15000 records read: 15000 parsed (15000 events), 0 skipped, 0 malformed, 15000 events matched, 15000 alerts\n');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(15_002);
  });
});

describe.concurrent('point 9: --out FILE is replaced only by a run that succeeds', () => {
  
  it('the temp file is hidden beside FILE and names dicomwatch, the process and a random part', () => {
    expect(tempPathFor('/data/out/r.csv')).toMatch(new RegExp(`^/data/out/\\.r\\.csv\\.dicomwatch-${process.pid}-[0-9a-f]{8}\\.tmp$`));
    expect(tempPathFor('r.csv')).not.toBe(tempPathFor('r.csv'));
  });

  it.each<[string, (file: string) => string[]]>([
    ['scan, an input that does not exist', (file) => ['scan', FIXTURE, 'fixtures/does-not-exist.csv', '--out', file]],
    ['parse, --strict-input and a malformed record', (file) => ['parse', 'fixtures/malformed.csv', '--strict-input', '--out', file]],
    // an input not read to its end (here: no format recognised) beside one read in full: the output would be partial
    ['scan, an input not read to its end', (file) => ['scan', FIXTURE, 'README.md', '--out', file]],
    ['parse, an input not read to its end', (file) => ['parse', 'README.md', '--out', file]],
  ])('a failed run leaves the old FILE and no temp file: %s', async (_, args) => {
    const { dir, file } = dirWithOld('alerts.csv');
    const r = await runCli(args(file));
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('old content\n');
    expect(readdirSync(dir)).toEqual(['alerts.csv']);
  });

  it('a crash after writing leaves the old FILE and no temp file', async () => {
    const { dir, file } = dirWithOld('events.jsonl');
    const io = pathToFileURL(join(ROOT, 'dist', 'cli', 'io.js')).href;
    const script = `import { openOutput } from ${JSON.stringify(io)};\n` +
      `const out = openOutput(${JSON.stringify(file)});\nawait out.write('new content\\n');\nthrow new Error('a bug');\n`;
    const crash = await run(process.execPath, ['--input-type=module', '-e', script]).then(() => undefined, (e: { code: number; stderr: string }) => e);
    expect(crash?.code).toBe(1);
    expect(crash?.stderr).toContain('a bug');
    expect(readFileSync(file, 'utf8')).toBe('old content\n');
    expect(readdirSync(dir)).toEqual(['events.jsonl']);
  });

  it('a run that succeeds replaces FILE (a symlink\'s target: the link stays), keeps its permissions, no temp file', async () => {
    // The input itself, through the link: it is read whole before it is replaced (it used to be emptied first).
    const { dir, file } = dirWithOld('log.csv', fixtureText);
    chmodSync(file, 0o640);
    const link = join(dir, 'events.jsonl');
    symlinkSync(file, link);
    const r = await runCli(['parse', file, '--out', link]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^dicomwatch: 1 file, 36 records read: 36 parsed/);
    const events = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(events).toHaveLength(36);
    expect(JSON.parse(events[0]!)).toMatchObject({ srcIp: '203.0.113.7', line: 2 });
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['events.jsonl', 'log.csv']);
  });

  it('a directory or a missing directory is still a usage error, raised on opening (cli.test.ts: before any input)', () => {
    expect(() => openOutput(TMP)).toThrow(new UsageError(`--out: cannot write ${TMP} (EISDIR)`));
    expect(() => openOutput(join(TMP, 'no-such-dir', 'a.csv'))).toThrow(/^--out: cannot write .*a\.csv \(ENOENT\)$/);
  });
});


describe.concurrent('point 10: output that cannot be written', () => {
  /** A run whose stdout is /dev/full (`> /dev/full`): every write fails with ENOSPC. */
  async function toDevFull(args: string[]) {
    const fd = openSync('/dev/full', 'w');
    try {
      return await startCli(args, ['ignore', fd, 'pipe']).done;
    } finally {
      closeSync(fd);
    }
  }

  it('scan > /dev/full: the summary, then `stdout: cannot write (ENOSPC)`, exit 3 (was 13 and silence)', async () => {
    const r = await toDevFull(['scan', FIXTURE, '--output', 'table']);
    expect(r.code).toBe(3);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('dicomwatch: stdout: cannot write (ENOSPC)');
    expect(lines.at(-2)).toMatch(SUMMARY);
    noStack(r.stderr);
  });

  it('listeners and inventory --nmap > /dev/full: the summary, then the message, exit 3, as scan', async () => {
    const listeners = await toDevFull(['listeners', 'fixtures/listeners/pacs01-ss.txt', '--output', 'jsonl']);
    expect(listeners.code).toBe(3);
    const lines = listeners.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('dicomwatch: stdout: cannot write (ENOSPC)');
    expect(lines.at(-2)).toMatch(/^dicomwatch: 1 file, \d+ records read: \d+ listening TCP sockets/);
    const nmap = await toDevFull(['inventory', '--nmap', 'fixtures/inventory/scan.xml', '--output', 'jsonl']);
    expect(nmap.code).toBe(3);
    expect(nmap.stderr.trimEnd().split('\n').slice(-2)).toEqual([
      expect.stringMatching(/^dicomwatch: fixtures\/inventory\/scan\.xml: \d+ hosts, 4 with open DICOM ports; 4 DICOM servers/),
      'dicomwatch: stdout: cannot write (ENOSPC)',
    ]);
  });

  it('formats > /dev/full (it prints directly): exit 3 with the message, no unhandled error event', async () => {
    const r = await toDevFull(['formats']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('dicomwatch: stdout: cannot write (ENOSPC)\n');
  });

  it('--version > /dev/full (answered without loading the command line): exit 3 with the message, as formats', async () => {
    const r = await toDevFull(['--version']);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe('dicomwatch: stdout: cannot write (ENOSPC)\n');
  });

  it('--help, scan --help and scan --version > /dev/full (printed by yargs): exit 3 with the message, as formats', async () => {
    for (const argv of [['--help'], ['scan', '--help'], ['scan', '--version']]) {
      const r = await toDevFull(argv);
      expect({ argv, code: r.code, stderr: r.stderr }).toEqual({ argv, code: 3, stderr: 'dicomwatch: stdout: cannot write (ENOSPC)\n' });
    }
  });

  it('parse --out /dev/full (a device: written in place, no temp file beside it): exit 3, the summary, the message', async () => {
    const r = await runCli(['parse', MANY, '--out', '/dev/full']);
    expect(r.code).toBe(3);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(SUMMARY);
    expect(lines[1]).toBe('dicomwatch: --out /dev/full: cannot write (ENOSPC)');
    noStack(r.stderr);
  });

  it('--out /proc/version: EIO when it opens (root), else a usage error before reading', async () => {
    const r = await runCli(['parse', FIXTURE, '--out', '/proc/version']);
    noStack(r.stderr);
    if (r.code === 3) {
      expect(r.stderr).toMatch(SUMMARY);
      expect(r.stderr).toMatch(/\ndicomwatch: --out \/proc\/version: cannot write \(EIO\)\n$/);
    } else {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^dicomwatch: --out: cannot write \/proc\/version \(E[A-Z]+\)\n$/);
    }
  });
});

describe.concurrent('point 10: a reader that stops early (`| head`)', () => {
  it('parse: the reader closes stdout after the first chunk: exit 0, no error, the summary says the output stopped', async () => {
    const { child, done } = startCli(['parse', MANY], ['ignore', 'pipe', 'pipe']);
    child.stdout!.once('data', () => child.stdout!.destroy());
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('cannot write');
    expect(r.stderr).toMatch(/^dicomwatch: 1 file, (\d+) records read: .*, output stopped early: the reader of stdout closed it\n$/);
  });

  it('--out - is stdout', async () => {
    let written = '';
    const stdout = new Writable({ write: (c: Buffer, _e, cb) => void ((written += c.toString()), cb()) });
    const out = openOutput('-', stdout);
    await out.write('a line\n');
    await out.close();
    expect(out.name).toBe('stdout');
    expect(written).toBe('a line\n');
    expect(scan.chooseOutput(undefined, '-', false)).toEqual({ output: 'jsonl' });
  });

  it('the output says which output and why; EPIPE is the reader closing, ENOSPC is not', async () => {
    const failing = (code: string) =>
      new Writable({ highWaterMark: 1, write: (_c, _e, cb) => cb(Object.assign(new Error(code), { code })) });
    const full = openOutput(undefined, failing('ENOSPC'));
    // was: a wait for 'drain' that never came (Node's exit 13, nothing said)
    const err = await Promise.resolve(full.write('x'.repeat(10))).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(OutputError);
    expect(err).toMatchObject({ code: 'OUTPUT_FAILED', message: 'stdout: cannot write (ENOSPC)', subject: 'stdout', closedByReader: false });
    const piped = openOutput(undefined, failing('EPIPE'));
    await expect(Promise.resolve(piped.write('x'.repeat(10)))).rejects.toMatchObject({ closedByReader: true });
  });
});

describe.concurrent('point 15: Ctrl-C', () => {
  const interrupted = (signal: InterruptSignal) => interruptedStatus(signal);

  it('exit status 128 + the signal: 130 for SIGINT, 143 for SIGTERM', () => {
    expect(interrupted('SIGINT')).toBe(130);
    expect(interrupted('SIGTERM')).toBe(143);
  });

  it('scan - --out FILE: SIGINT leaves the old FILE and no temp file, says so in the summary, exit 130', async () => {
    const { dir, file } = dirWithOld('alerts.csv');
    const { child, done } = startCli(['scan', '-', '--out', file], ['pipe', 'pipe', 'pipe']);
    child.stdin!.write(fixtureText); // and the pipe stays open: the scan waits for more
    // The temp file appears just before the input loop starts, in the same tick as the Ctrl-C handler.
    while (!readdirSync(dir).some((f) => f.endsWith('.tmp'))) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(new RegExp(`^dicomwatch: 1 file, \\d+ records read: .*, interrupted \\(SIGINT\\): ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} left as it was\n$`));
    expect(readFileSync(file, 'utf8')).toBe('old content\n');
    expect(readdirSync(dir)).toEqual(['alerts.csv']);
  });

  it('scan FIFO while its writer holds it open: SIGTERM ends it at once, 143 (a pool thread blocked in the read held up the exit)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dw-fifo-'));
    const fifo = join(dir, 'fw.csv');
    execFileSync('mkfifo', [fifo]);
    const { child, done } = startCli(['scan', fifo, '--output', 'jsonl'], ['ignore', 'pipe', 'pipe']);
    const writer = createWriteStream(fifo); // opens once the scan has opened its end
    writer.write(fixtureText); // and keeps the FIFO open: the scan waits for more
    await new Promise((r) => writer.once('open', r)); // (its signal handlers are in place by then, however slow the start)
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    const ended = await Promise.race([done, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5000))]);
    writer.destroy();
    rmSync(dir, { recursive: true, force: true });
    expect(ended).not.toBe('hung');
    expect(ended).toMatchObject({ code: 143 });
    expect((ended as { stderr: string }).stderr).toMatch(/1 file, \d+ records read: .*, interrupted \(SIGTERM\)\n$/);
  });

  it('a rule file, an nmap scan or a saved ss output given as a FIFO whose writer holds it open: SIGTERM ends it at once too', async () => {
    const cases: [string[], string][] = [
      [['scan', 'fixtures/sentinel-export.csv', '--rules', '{}'], 'rules/dicom-external-access.yml'],
      [['inventory', '--nmap', '{}'], 'fixtures/inventory/scan.xml'],
      [['listeners', '{}'], 'fixtures/listeners/pacs01-ss.txt'],
    ];
    await Promise.all(cases.map(async ([args, content], i) => {
      const dir = mkdtempSync(join(tmpdir(), 'dw-fifo-'));
      const fifo = join(dir, `in-${i}`);
      execFileSync('mkfifo', [fifo]);
      const { child, done } = startCli(args.map((a) => (a === '{}' ? fifo : a)), ['ignore', 'pipe', 'pipe']);
      const writer = createWriteStream(fifo);
      writer.write(readFileSync(join(ROOT, content)));
      await new Promise((r) => writer.once('open', r)); // the command has opened it: its signal handlers are in place
      await new Promise((r) => setTimeout(r, 300));
      child.kill('SIGTERM');
      const ended = await Promise.race([done, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 5000))]);
      writer.destroy();
      rmSync(dir, { recursive: true, force: true });
      expect(ended, args.join(' ')).not.toBe('hung');
      expect(ended, args.join(' ')).toMatchObject({ code: 143 });
      expect((ended as { stderr: string }).stderr, args.join(' ')).toContain('interrupted (SIGTERM)'); // said, not silent
    }));
  });

  it('the handler clears the progress line before the summary and drops --out (the TTY case, injected)', async () => {
    const writes: string[] = [];
    const stderr = { isTTY: true, columns: 80, write: (t: string) => writes.push(t) } as unknown as NodeJS.WriteStream;
    const progress = createProgress(stderr, true);
    progress.file('a.csv', 100);
    let onInterrupt: ((signal: InterruptSignal) => void) | undefined;
    let discarded = 0;
    const out: Output = { name: '--out a.jsonl', replaces: 'a.jsonl', write() {}, async close() {}, discard: () => void discarded++ };
    let release!: () => void;
    const running = reportedRun(
      {
        run: { files: ['a.csv'], read: { format: 'auto', tz: 'UTC', columnMap: {} }, strictInput: false, stderr, progress },
        out,
        quiet: false,
        interrupts: (handler) => {
          onInterrupt = handler;
          return () => (onInterrupt = undefined);
        },
      },
      async (totals) => {
        totals.reading = { ...emptyInfo(), records: 7, parsed: 7, events: 7 };
        await new Promise<void>((r) => (release = r));
        return totals;
      },
    );
    await new Promise((r) => setTimeout(r, 0));
    onInterrupt!('SIGINT');
    expect(discarded).toBe(1);
    expect(writes).toEqual([
      '\r\x1b[K',
      'dicomwatch: 1 file, 7 records read: 7 parsed (7 events), 0 skipped, 0 malformed, interrupted (SIGINT): a.jsonl left as it was\n',
    ]);
    release();
    await running;
    expect(onInterrupt).toBeUndefined(); // the handler goes with the run
  });
});

describe.concurrent('point 15: `-` is stdin even from a terminal', () => {
  it('inputFiles: given files (`-` among them) are used whatever stdin is; none at a terminal is none', () => {
    expect(inputFiles(['-'], true)).toEqual(['-']);
    expect(inputFiles(['a.csv', '-'], true)).toEqual(['a.csv', '-']);
    expect(inputFiles([], true)).toEqual([]);
    expect(inputFiles(undefined, false)).toEqual(['-']);
  });

  it('a lone `-` survives yargs (it dropped it: yargs/yargs#1312), and only a lone one', () => {
    const shielded = shieldDashes(['scan', 'a.csv', '-', '--tz', '-', '--', '-x']);
    expect(shielded.filter((a) => a === '-')).toEqual([]);
    const argv: Record<string, unknown> = { _: ['scan'], files: [shielded[1], shielded[2]], tz: shielded[4], x: '-x' };
    restoreDashes(argv);
    expect(argv).toEqual({ _: ['scan'], files: ['a.csv', '-'], tz: '-', x: '-x' });
  });

  it('scan FILE - reads both (the `-` used to vanish); --out r.json writes JSON Lines and says so', async () => {
    const file = join(TMP, 'r.json');
    const r = await runCli(['scan', FIXTURE, '-', '--out', file], { input: fixtureText });
    expect(r.code).toBe(0);
    const [note, summary] = r.stderr.split('\n');
    expect(note).toBe(`dicomwatch: --out ${file}: writing JSON Lines, one alert object per line (not a JSON array); --output jsonl to say so`);
    expect(summary).toMatch(/^dicomwatch: 2 files, 72 records read/);
    const alerts = readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(alerts).toHaveLength(13);
    expect(alerts[0]).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.1.2.3', time: '2026-03-16T10:00:00.000Z', count: 12 });
  });

  // script(1) is util-linux's (Debian's essential bsdutils): the suite runs on Linux, as CI does.
  it('scan - with a terminal as stdin (script(1) gives it one) reads what is typed', async () => {
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} scan - --output csv`;
    const typed = run('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env: { ...process.env, TZ: 'UTC' }, timeout: 20_000 });
    typed.child.stdin!.end(fixtureText);
    const r = await typed;
    expect(r.stdout).not.toContain('give log files');
    expect(r.stdout).toMatch(/dicomwatch: 1 file, 36 records read/);
  });
});

describe.concurrent('point 15: help', () => {
  /** A command's help as the CLI prints it at `width` columns, rendered in-process (a CLI start costs ~0.3 s of yargs). */
  function helpOf(module: { command: string }, width: number): Promise<string> {
    const y = yargs().scriptName('dicomwatch').wrap(width).command(module as unknown as CommandModule).help().exitProcess(false);
    return new Promise((resolve) => void y.parse([module.command.split(' ')[0]!, '--help'], {}, (_e, _a, output) => resolve(output)));
  }
  const exampleLines = (examples: readonly Example[]) => examples.map(([command]) => command.replace(/\$0/g, 'dicomwatch'));

  it.each<[string, { command: string }, readonly Example[]]>([
    ['scan', scan, scan.examples],
    ['parse', parse, parse.examples],
    ['kql', kql, kql.examples],
    ['sigma', sigma, sigma.examples],
  ])('%s --help: every example command is whole on one line, at 80 and 100 columns', async (_, module, examples) => {
    for (const width of [80, 100]) {
      const lines = (await helpOf(module, width)).split('\n');
      expect(lines.map((l) => l.trim()), `${width} columns`).toEqual(expect.arrayContaining(exampleLines(examples)));
      expect(lines.filter((l) => l.length > width)).toEqual([]);
    }
  });

  it('dicomwatch --help at COLUMNS=80 (stdout not a terminal): whole examples, no line wider, the exit statuses', async () => {
    const r = await runCli(['--help'], { env: { COLUMNS: '80' } });
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.map((l) => l.trim())).toEqual(expect.arrayContaining(exampleLines(MAIN_EXAMPLES)));
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    const text = r.stdout.replace(/\s+/g, ' ');
    expect(text).toContain('3 the output could not be written');
    expect(text).toContain('130 interrupted by Ctrl-C');
  });

  it('help is as wide as the terminal, else $COLUMNS, at most 110', () => {
    expect(helpWidth(80, { COLUMNS: '200' })).toBe(80);
    expect(helpWidth(undefined, { COLUMNS: '80' })).toBe(80);
    expect(helpWidth(undefined, { COLUMNS: 'wide' })).toBe(110);
    expect(helpWidth(300, {})).toBe(110);
  });

  it('check --help: the rules positional is required, without a `[default: []]`', async () => {
    const help = await helpOf(check, 80);
    const line = help.split('\n').find((l) => l.trimStart().startsWith('rules '));
    expect(line).toMatch(/^ {2}rules +rule files or directories +\[array\] \[required\]$/);
    expect(help).not.toContain('default: []');
  });
});

describe.concurrent('point 15: scan --out picks the format by extension, or says what it wrote', () => {
  it.each<[string | undefined, boolean, AlertOutput, RegExp | undefined]>([
    ['alerts.jsonl', false, 'jsonl', undefined],
    ['alerts.NDJSON', false, 'jsonl', undefined],
    ['alerts.csv', false, 'csv', undefined],
    ['alerts.txt', false, 'table', undefined],
    ['r.json', false, 'jsonl', /^--out r\.json: writing JSON Lines, one alert object per line \(not a JSON array\)/],
    ['report.out', false, 'table', /^--out report\.out: writing a table \(extension not/],
    ['report', false, 'table', /writing a table/],
    [undefined, true, 'table', undefined],
    [undefined, false, 'jsonl', undefined],
  ])('--out %s (stdout a terminal: %s): %s', (out, tty, output, note) => {
    const choice = scan.chooseOutput(undefined, out, tty);
    expect(choice.output).toBe(output);
    if (note) expect(choice.note).toMatch(note);
    else expect(choice.note).toBeUndefined();
  });

  it('--output wins and says nothing', () => {
    expect(scan.chooseOutput('csv', 'r.json', true)).toEqual({ output: 'csv' });
  });
});
