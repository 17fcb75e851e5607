/**
 * Two levels of detection. File-level formats, recognized once per file (binary ones by their first bytes, text ones
 * by the first non-blank line), in sniffing order: adding one is a module plus one line here, and its id in
 * format-ids.ts. The syslog family is one of them and recognizes its vendor messages per line from its own registry
 * (src/parsers/syslog/registry.ts): adding a vendor is a module plus one line there, and its id in format-ids.ts.
 */
import { csvFormat } from './csv.js';
import { awsVpcFormat } from './flows/aws-vpc.js';
import { nfdumpFormat } from './flows/nfdump.js';
import { windowsFirewallFormat } from './flows/windows-firewall.js';
import { windowsSecurityFormat } from './flows/windows-security-xml.js';
import { zeekTsvFormat } from './flows/zeek-tsv.js';
import { jsonArrayFormat } from './json-array.js';
import { jsonlFormat } from './jsonl.js';
import { netflowFormat } from './netflow/format.js';
import { pcapFormat } from './netflow/pcap-format.js';
import { syslogFamily } from './syslog/family.js';
import { MESSAGE_FORMATS } from './syslog/registry.js';
import type { NetworkEvent } from '../model/event.js';
import type { ByteFormat, Format, LineFormat, ParseContext } from './types.js';

export const FORMATS: readonly Format[] = [
  netflowFormat,
  pcapFormat,
  jsonlFormat,
  jsonArrayFormat,
  awsVpcFormat,
  zeekTsvFormat,
  windowsFirewallFormat,
  nfdumpFormat,
  windowsSecurityFormat,
  syslogFamily(MESSAGE_FORMATS),
  csvFormat,
];

/** Every `--format` id: the file-level formats and, to force one vendor in the syslog family, each message format. */
export { FORMAT_IDS } from './format-ids.js';

/** A file-level format by id; a message format's id gives the syslog family with that vendor alone. */
export function formatById<T>(id: string, formats: readonly Format<T>[]): Format<T> | undefined;
export function formatById(id: string): Format | undefined;
export function formatById(id: string, formats: readonly Format<unknown>[] = FORMATS): Format<unknown> | undefined {
  const format = formats.find((f) => f.id === id);
  if (format || formats !== FORMATS) return format;
  const message = MESSAGE_FORMATS.find((f) => f.id === id);
  return message ? syslogFamily([message]) : undefined;
}

/** The binary format whose magic the first bytes of a file carry, if any. */
export function sniffBytes<T = NetworkEvent>(head: Buffer, formats: readonly Format<T>[] = FORMATS as unknown as readonly Format<T>[]): ByteFormat<T> | undefined {
  return formats.find((f): f is ByteFormat<T> => f.kind === 'bytes' && f.sniffBytes(head));
}

/** The text format of a file from its first non-blank line, or undefined when none recognizes it. */
export function sniffFormat<T = NetworkEvent>(
  firstLine: string,
  formats: readonly Format<T>[] = FORMATS as unknown as readonly Format<T>[],
  ctx?: ParseContext,
): LineFormat<T> | undefined {
  return formats.find((f): f is LineFormat<T> => f.kind === 'lines' && f.sniff(firstLine, ctx));
}
