/** `dicomwatch formats`'s listing, loaded by its handler (formats.ts) only when the command runs. */
import { FORMATS } from '../../parsers/registry.js';
import { DOCUMENT_FORMATS } from '../../parsers/documents/registry.js';
import { MESSAGE_FORMATS } from '../../parsers/syslog/registry.js';

const MAX_SAMPLE = 160;

/** File-level formats, then the vendor messages recognized per syslog line and the documents per JSON record, with samples. */
export function runFormats(): void {
  const rows = [
    ...FORMATS.map((f) => ({ id: f.id, description: f.description, recognizedBy: f.recognizedBy, sample: undefined as string | undefined })),
    ...MESSAGE_FORMATS.map((f) => ({
      id: `  ${f.id}`, description: `${f.vendor} ${f.product}: ${f.description}`, recognizedBy: `(per line, in syslog) ${f.recognizedBy}`, sample: f.sample,
    })),
    ...DOCUMENT_FORMATS.map((f) => ({
      id: `  ${f.id}`, description: `${f.vendor} ${f.product}: ${f.description}`, recognizedBy: `(per record, in JSON) ${f.recognizedBy}`, sample: f.sample,
    })),
  ];
  const width = rows.reduce((w, r) => Math.max(w, r.id.length), 0);
  const pad = ' '.repeat(width);
  for (const r of rows) {
    let text = `${r.id.padEnd(width)}  ${r.description}\n${pad}  recognized by: ${r.recognizedBy}\n`;
    if (r.sample) text += `${pad}  sample: ${r.sample.length > MAX_SAMPLE ? `${r.sample.slice(0, MAX_SAMPLE - 1)}…` : r.sample}\n`;
    process.stdout.write(text);
  }
}
