/**
 * `dicomwatch collect` end to end, on 127.0.0.1 only: the built CLI listens on a free port (port 0, the bound
 * address read from its "listening" line), the repo's NetFlow fixtures are replayed packet by packet over UDP, and
 * the alerts must equal `dicomwatch scan` of the same packets, with a summary that adds up. No fixed sleeps: every
 * wait is for something the collector prints.
 */
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { frameNetflow } from '../src/parsers/netflow/format.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ROOT, runCli, startCli, type StartedCli } from './helpers/cli.js';

const run = promisify(execFile);

const FIXTURES = ['fixtures/netflow/v5.dat', 'fixtures/netflow/v9.dat', 'fixtures/netflow/ipfix.dat'];

function packetsOf(bytes: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  for (let o = 0; o < bytes.length;) {
    const n = frameNetflow(bytes, o, true);
    if (typeof n !== 'number') throw new Error(`fixture framing: ${JSON.stringify(n)}`);
    packets.push(bytes.subarray(o, o + n));
    o += n;
  }
  return packets;
}

const fixturePackets = FIXTURES.flatMap((f) => packetsOf(readFileSync(f)));
/** The first v5 packet exported two hours later: its flows (12:29) close the fixtures' hour (10:00). */
const later = (() => {
  const p = Buffer.from(fixturePackets[0]!);
  p.writeUInt32BE(p.readUInt32BE(8) + 2 * 3600, 8);
  return p;
})();
const PACKETS = [...fixturePackets, later];

let dir: string;
let sender: Socket;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dicomwatch-collect-'));
  writeFileSync(join(dir, 'replay.dat'), Buffer.concat(PACKETS));
  sender = createSocket('udp4');
});
afterAll(() => sender.close());

/** Resolves with the first match of `re` in what `read()` returns, re-tested each time the stream has data. */
function waitFor(stream: NodeJS.ReadableStream, read: () => string, re: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const test = () => {
      const m = re.exec(read());
      if (!m) return false;
      stream.off('data', onData);
      stream.off('end', onEnd);
      resolve(m);
      return true;
    };
    const onData = () => void setImmediate(test); // after the helper's own listener has appended the chunk
    const onEnd = () => setImmediate(() => test() || reject(new Error(`ended without ${re}: ${read()}`)));
    stream.on('data', onData);
    stream.on('end', onEnd);
    test();
  });
}

/** Start collect on a free port; the port it bound, read from its stderr. */
async function startCollect(args: string[]): Promise<{ run: StartedCli; port: number; stdout: () => string; stderr: () => string }> {
  const run = startCli(['collect', '--listen', 'udp://127.0.0.1:0', ...args], ['ignore', 'pipe', 'pipe']);
  let stdout = '';
  let stderr = '';
  run.child.stdout!.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  run.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const m = await waitFor(run.child.stderr!, () => stderr, /listening on udp:\/\/127\.0\.0\.1:(\d+)\n/);
  return { run, port: Number(m[1]), stdout: () => stdout, stderr: () => stderr };
}

async function replay(port: number, packets: readonly Buffer[]): Promise<void> {
  for (const p of packets) await new Promise<void>((done, fail) => sender.send(p, port, '127.0.0.1', (e) => (e ? fail(e) : done())));
}

/** The summary's numbers, by name. */
function summaryOf(stderr: string) {
  const line = stderr.split('\n').find((l) => l.startsWith('dicomwatch: stopped'))!;
  expect(line).toBeDefined();
  const n = (re: RegExp) => Number(re.exec(line)?.[1] ?? NaN);
  return {
    line,
    packets: n(/after (\d+) packets?/),
    exporters: n(/from (\d+) exporters?/),
    read: n(/(\d+) records read/),
    parsed: n(/: (\d+) parsed/),
    skipped: n(/, (\d+) skipped/),
    malformed: n(/, (\d+) malformed/),
    matched: n(/(\d+) events matched/),
    late: n(/, (\d+) late/),
    alerts: n(/, (\d+) alerts?/),
  };
}

const sortedLines = (text: string) => text.split('\n').filter((l) => l !== '').sort();
const withoutDevices = (line: string) => JSON.stringify({ ...JSON.parse(line), devices: [] });

describe('collect on 127.0.0.1', () => {
  it('alerts as their hour closes, the rest on SIGINT; the same alerts as scan; a summary that adds up; exit 0', async () => {
    const scanned = runCli(['scan', join(dir, 'replay.dat'), '--output', 'jsonl']);
    const c = await startCollect(['--output', 'jsonl']);
    await replay(c.port, PACKETS);
    // The later packet moved the watermark past 10:59: the fixtures' two alerts are out before any signal.
    await waitFor(c.run.child.stdout!, c.stdout, /(.*\n){2}/);
    expect(sortedLines(c.stdout()).map((l) => JSON.parse(l).time)).toEqual(['2026-03-16T10:00:00.000Z', '2026-03-16T10:00:00.000Z']);
    c.run.child.kill('SIGINT');
    const done = await c.run.done;
    expect(done).toMatchObject({ code: 0, signal: null });

    const offline = await scanned;
    expect(offline.code).toBe(0);
    const live = sortedLines(c.stdout());
    expect(live).toHaveLength(3);
    for (const l of live) expect(JSON.parse(l).devices).toEqual(['127.0.0.1']); // the exporter, which a file cannot name
    expect(live.map(withoutDevices).sort()).toEqual(sortedLines(offline.stdout).map(withoutDevices).sort());

    const s = summaryOf(c.stderr());
    expect(s.line).toContain('stopped (SIGINT)');
    expect(s).toMatchObject({ packets: PACKETS.length, exporters: 1, late: 0, alerts: 3 });
    expect(s.read).toBe(s.parsed + s.skipped + s.malformed);
    const scanRead = Number(/(\d+) records read/.exec(offline.stderr)?.[1]);
    const scanMatched = Number(/(\d+) events matched/.exec(offline.stderr)?.[1]);
    expect([s.read, s.matched]).toEqual([scanRead, scanMatched]);
  });

  it('--max-packets stops by itself; --out appends CSV as alerts close, keeping what FILE held; the replay example', async () => {
    const out = join(dir, 'alerts.csv');
    writeFileSync(out, 'earlier run\n');
    const scanned = runCli(['scan', join(dir, 'replay.dat'), '--output', 'csv']);
    const c = await startCollect(['--max-packets', String(PACKETS.length), '--out', out]);
    // examples/replay-netflow.mjs, as the README runs it: the same packets, from the file scan reads.
    const replayed = await run(process.execPath, ['examples/replay-netflow.mjs', `udp://127.0.0.1:${c.port}`, join(dir, 'replay.dat')], { cwd: ROOT });
    expect(replayed.stdout).toBe(`${PACKETS.length} packets sent to udp://127.0.0.1:${c.port}\n`);
    const done = await c.run.done;
    expect(done).toMatchObject({ code: 0, signal: null, stdout: '' });
    expect(summaryOf(c.stderr()).line).toContain(`stopped (--max-packets ${PACKETS.length})`);
    const [first, header, ...rows] = readFileSync(out, 'utf8').split('\n').filter((l) => l !== '');
    const [scanHeader, ...scanRows] = (await scanned).stdout.split('\n').filter((l) => l !== '');
    expect([first, header]).toEqual(['earlier run', scanHeader]);
    expect(rows.sort()).toEqual(scanRows.sort());
  });

  it('SIGTERM (systemd\'s stop) with nothing received: scan\'s empty CSV, a zero summary, exit 0; two listeners', async () => {
    const run = startCli(['collect', '--listen', 'udp://127.0.0.1:0', '--listen', 'udp://127.0.0.1:0', '--output', 'csv'], ['ignore', 'pipe', 'pipe']);
    let stderr = '';
    run.child.stderr!.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    await waitFor(run.child.stderr!, () => stderr, /(listening on udp:\/\/127\.0\.0\.1:\d+\n.*){2}/s);
    const ports = [...stderr.matchAll(/listening on udp:\/\/127\.0\.0\.1:(\d+)/g)].map((m) => m[1]);
    expect(new Set(ports).size).toBe(2);
    run.child.kill('SIGTERM');
    const done = await run.done;
    expect(done).toMatchObject({ code: 0, signal: null, stdout: 'SourceIP,DestinationIP,TimeGenerated,count_\n' });
    expect(summaryOf(done.stderr)).toMatchObject({ packets: 0, read: 0, matched: 0, late: 0, alerts: 0 });
    expect(done.stderr).toContain('stopped (SIGTERM)');
  });

  it('a port in use is a clear error, exit 2', async () => {
    const busy = createSocket('udp4');
    await new Promise<void>((done) => busy.bind(0, '127.0.0.1', () => done()));
    try {
      const r = await runCli(['collect', '--listen', `udp://127.0.0.1:${busy.address().port}`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`dicomwatch: --listen: cannot listen on udp://127.0.0.1:${busy.address().port} (EADDRINUSE: the port is in use)\n`);
    } finally {
      busy.close();
    }
  });

  it('a bad --listen URL or none at all is bad usage, exit 2', async () => {
    const [bad, none] = await Promise.all([runCli(['collect', '--listen', 'udp://::1:2055']), runCli(['collect'])]);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toContain("--listen: 'udp://::1:2055' needs brackets around an IPv6 host");
    expect(none).toMatchObject({ code: 2 });
    expect(none.stderr).toContain('give at least one --listen');
  });
});
