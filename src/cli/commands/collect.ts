/**
 * `dicomwatch collect --listen udp://HOST:PORT`: the live collector. Its yargs definition here; the run (collect-run.ts:
 * URLs and options checked, sockets feeding the collector, alerts written as their buckets close, and the stop that
 * flushes everything and prints the summary) is loaded when the command runs.
 */
import type { Argv } from 'yargs';
import { ALERT_OUTPUT_NAMES, type AlertOutput } from '../../emit/alerts/names.js';
import type { RuleArgs } from '../rule-args.js';
import { examplesText, type Example } from '../help.js';
import { withRuleOptions } from '../options.js';

export const command = 'collect';
export const describe = 'live NetFlow v5/v9/IPFIX collector: run the rules over flows received on UDP, print each alert when its hour closes';

export const examples: readonly Example[] = [
  ['$0 collect --listen udp://0.0.0.0:2055', 'alerts as hours close; Ctrl-C flushes the open hours and prints the summary'],
  ['$0 collect --listen udp://0.0.0.0:2055 --listen udp://[::]:4739 --out alerts.jsonl', 'IPv4 and IPv6, alerts appended to a file'],
  ['$0 collect --listen udp://127.0.0.1:0 --duration 1h --output csv', 'a free port (printed on stderr), one hour, CSV'],
];

export function builder(y: Argv) {
  return withRuleOptions(y)
    .option('listen', { type: 'string', array: true, nargs: 1, describe: 'udp://HOST:PORT to receive export packets on (repeatable; IPv6 as udp://[::]:4739; port 0 = any free port)' })
    .option('grace', { type: 'string', default: '5m', describe: 'how far the watermark stays behind the latest flow time: an hour closes once a flow that started this long after its end has arrived (seconds, or 30s, 5m, 1h)' })
    .option('hold', { type: 'string', describe: 'how long packets wait for their template before they are decoded with what is known', defaultDescription: '--grace' })
    .option('template-ttl', { type: 'string', default: '1h', describe: 'templates an exporter has not resent for this long are forgotten' })
    .option('max-packets', { type: 'number', describe: 'stop after N packets (then flush, as on Ctrl-C)' })
    .option('duration', { type: 'string', describe: 'stop after this long (seconds, or 30s, 5m, 1h)' })
    .option('output', { alias: 'o', choices: ALERT_OUTPUT_NAMES, describe: 'alert format (default: from --out\'s extension; without --out: table on a terminal, else jsonl)' })
    .option('out', { type: 'string', describe: 'append alerts to FILE as they close (created when missing)' })
    .option('prefilter', { type: 'boolean', default: true, describe: 'let the decoders skip records whose destination port cannot match (--no-prefilter to decode every record)' })
    .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'print nothing on stderr but errors' })
    .epilogue(examplesText(examples));
}

export interface CollectArgs extends RuleArgs {
  listen?: string[];
  grace: string;
  hold?: string;
  templateTtl: string;
  maxPackets?: number;
  duration?: string;
  output?: AlertOutput;
  out?: string;
  prefilter: boolean;
  quiet: boolean;
}

export async function handler(args: CollectArgs): Promise<void> {
  const { runCollect } = await import('./collect-run.js');
  await runCollect(args);
}
