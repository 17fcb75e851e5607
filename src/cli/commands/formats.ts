import { FORMATS } from '../../parsers/registry.js';
import { MESSAGE_FORMATS } from '../../parsers/syslog/registry.js';

export const command = 'formats';
export const describe = 'list the input formats and how each is recognized';

/** File-level formats, then the vendor messages the syslog family recognizes per line. */
export function handler(): void {
  const rows = [
    ...FORMATS.map((f) => ({ id: f.id, description: f.description, recognizedBy: f.recognizedBy })),
    ...MESSAGE_FORMATS.map((f) => ({ id: `  ${f.id}`, description: `${f.vendor} ${f.product}: ${f.description}`, recognizedBy: `(per line, in syslog) ${f.recognizedBy}` })),
  ];
  const width = rows.reduce((w, r) => Math.max(w, r.id.length), 0);
  for (const r of rows) {
    process.stdout.write(`${r.id.padEnd(width)}  ${r.description}\n${' '.repeat(width)}  recognized by: ${r.recognizedBy}\n`);
  }
}
