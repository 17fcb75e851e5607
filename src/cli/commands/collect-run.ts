/**
 * `dicomwatch collect`'s run, loaded by its handler (collect.ts) only when the command runs. Wiring only: URLs and
 * options checked, sockets (collect/udp.ts) feeding the collector (collect/collector.ts), alerts written as their
 * buckets close, and the stop — a signal, --max-packets, --duration — that flushes everything and prints the summary.
 */
import type { Alert } from '../../model/alert.js';
import { createCollector, type CollectorSummary } from '../../collect/collector.js';
import { liveAlertWriter } from '../../collect/live-output.js';
import { listenUdp, parseListenUrl, type ListenAddress, type UdpListeners } from '../../collect/udp.js';
import { DicomwatchError } from '../../errors.js';
import { parseTimespan } from '../../time/bin.js';
import { rulesFromArgs } from '../rule-args.js';
import { byCode, MAX_PRINTED_ERRORS } from '../inputs.js';
import { whenStopRequested } from '../interrupt.js';
import { OutputError, openAppendOutput } from '../io.js';
import { UsageError } from '../options.js';
import type { CollectArgs } from './collect.js';
import { chooseOutput } from './scan.js';

/** `300`, `300s`, `5m`, `1h`, `1d` as milliseconds; `0` only where `zero` is allowed. */
export function parseDuration(option: string, text: string, zero: boolean): number {
  const t = String(text).trim();
  const ms = /^\d+(\.\d+)?$/.test(t) ? Math.round(Number(t) * 1000) : parseTimespan(t);
  if (ms === undefined || !Number.isFinite(ms) || ms < 0 || (ms === 0 && !zero)) {
    throw new UsageError(`--${option}: '${text}' is not a duration (seconds, or a number with s, m, h or d: 30s, 5m, 1h)`);
  }
  return ms;
}

function parseListens(values: readonly string[] | undefined): ListenAddress[] {
  const list = (values ?? []).map(String);
  if (list.length === 0) throw new UsageError('collect: give at least one --listen udp://HOST:PORT (e.g. --listen udp://0.0.0.0:2055)');
  return list.map((url) => {
    try {
      return parseListenUrl(url);
    } catch (e) {
      throw e instanceof DicomwatchError ? new UsageError(`--${e.message}`) : e;
    }
  });
}


const VERSION_NAMES: Record<string, string> = { 5: 'v5', 9: 'v9', 10: 'IPFIX', other: 'not NetFlow' };

/** The final account on stderr: packets, records (read = parsed + skipped + malformed), engine, templates, holds. */
export function formatCollectSummary(s: CollectorSummary, why: string, listeners: readonly string[], notes: string[] = []): string {
  const r = s.records;
  const versions = Object.entries(s.versions).map(([v, n]) => `${VERSION_NAMES[v] ?? v} ${n}`).join(', ');
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [
    `dicomwatch: stopped (${why}) after ${plural(s.packets, 'packet')}${versions ? ` (${versions})` : ''} from ${plural(s.exporters.seen, 'exporter')} on ${listeners.join(' ')}, ` +
      `${r.records} records read: ${r.parsed} parsed (${r.events} events)`,
    `${r.skipped} skipped${byCode(r.skippedBy)}`,
    `${r.errors} malformed${byCode(r.errorsBy)}`,
    `${s.engine.matched} events matched`,
    `${s.lateEvents} late (their hour had closed; a longer --grace keeps them)`,
    `${plural(s.alerts, 'alert')}`,
    `templates ${s.templates.active} (${s.templates.expired} expired, ${s.templates.evicted} evicted)`,
    `${s.holds.timedOut} hold${s.holds.timedOut === 1 ? '' : 's'} released before the template came`,
    ...(s.exporters.evicted > 0 ? [`${s.exporters.evicted} idle exporters dropped to make room`] : []),
    ...notes,
  ].join(', ') + '\n';
}

export async function runCollect(args: CollectArgs): Promise<void> {
  const addresses = parseListens(args.listen);
  const graceMs = parseDuration('grace', args.grace, true);
  const holdMs = args.hold === undefined ? graceMs : parseDuration('hold', args.hold, true);
  const templateTtlMs = parseDuration('template-ttl', args.templateTtl, false);
  const durationMs = args.duration === undefined ? undefined : parseDuration('duration', args.duration, false);
  const maxPackets = args.maxPackets;
  if (maxPackets !== undefined && !(Number.isSafeInteger(maxPackets) && maxPackets > 0)) {
    throw new UsageError(`--max-packets: '${String(maxPackets)}' is not a positive whole number`);
  }
  const loaded = await rulesFromArgs(args);
  const choice = chooseOutput(args.output, args.out, process.stdout.isTTY === true);
  const out = openAppendOutput(args.out);
  const note = (text: string) => {
    if (!args.quiet) process.stderr.write(`dicomwatch: ${text}\n`);
  };
  if (choice.note) note(choice.note.replace('writing', 'appending'));

  // Alerts are written in order, one batch after the other; a failed output stops the collector.
  const writer = liveAlertWriter(choice.output, loaded.plans);
  let queue: Promise<void> = Promise.resolve();
  let outputError: unknown;
  const write = (text: string) => {
    if (text === '') return;
    queue = queue.then(async () => {
      if (outputError) return;
      try {
        await out.write(text);
      } catch (e) {
        outputError = e;
        requestStop('the output failed');
      }
    });
  };
  const emit = (alerts: Alert[]) => write(writer.batch(alerts));

  let printed = 0;
  const collector = createCollector({
    plans: loaded.plans,
    now: Date.now,
    graceMs,
    holdMs,
    templateTtlMs,
    prefilter: args.prefilter,
    onOutcome(o, exporter) {
      if (o.kind !== 'error') return;
      if (printed < MAX_PRINTED_ERRORS) process.stderr.write(`dicomwatch: exporter ${exporter}, record ${o.line}: ${o.code}: ${o.message}\n`);
      else if (printed === MAX_PRINTED_ERRORS) process.stderr.write('dicomwatch: more malformed records; only counted from here on\n');
      printed++;
    },
  });

  let stopping = false;
  let stopWhy = '';
  let socketFailed = false;
  let stopped!: () => void;
  const stopRequested = new Promise<void>((done) => (stopped = done));
  function requestStop(why: string) {
    if (stopping) return;
    stopping = true;
    stopWhy = why;
    stopped();
  }

  let packets = 0;
  let listeners: UdpListeners;
  try {
    listeners = await listenUdp(
      addresses,
      (packet, from) => {
        if (stopping) return; // arrived after the stop was asked for: the sockets are closing
        emit(collector.onDatagram(packet, from));
        if (maxPackets !== undefined && ++packets >= maxPackets) requestStop(`--max-packets ${maxPackets}`);
      },
      (e, url) => {
        process.stderr.write(`dicomwatch: ${url}: ${(e as NodeJS.ErrnoException).code ?? e.message}\n`);
        socketFailed = true;
        requestStop(`${url} failed`);
      },
    );
  } catch (e) {
    out.discard();
    throw e instanceof DicomwatchError ? new UsageError(`--${e.message}`) : e;
  }
  const endStopRequest = whenStopRequested((signal) => requestStop(signal));
  for (const url of listeners.urls) note(`listening on ${url}`);

  const ticker = setInterval(() => emit(collector.tick()), Math.min(1000, Math.max(100, holdMs / 4)));
  const timer = durationMs === undefined ? undefined : setTimeout(() => requestStop(`--duration ${args.duration}`), durationMs);

  await stopRequested;
  clearInterval(ticker);
  if (timer) clearTimeout(timer);
  await listeners.close();
  const { alerts, summary } = collector.stop();
  emit(alerts);
  write(writer.end());
  await queue;
  try {
    if (!outputError) await out.close();
  } catch (e) {
    outputError = e;
  }
  endStopRequest();
  if (!args.quiet) {
    const notes = outputError instanceof OutputError && outputError.closedByReader ? [`output stopped early: the reader of ${outputError.output} closed it`] : [];
    process.stderr.write(formatCollectSummary(summary, stopWhy, listeners.urls, notes));
  }
  if (outputError) {
    out.discard();
    throw outputError;
  }
  if (socketFailed) process.exitCode = 2;
}
