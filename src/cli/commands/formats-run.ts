/** `dicomwatch formats`'s listing, loaded by its handler (formats.ts) only when the command runs. */
import { FORMATS } from '../../parsers/registry.js';
import { DOCUMENT_FORMATS } from '../../parsers/documents/registry.js';
import { MESSAGE_FORMATS } from '../../parsers/syslog/registry.js';

const MAX_SAMPLE = 160;

interface Row {
  id: string;
  description: string;
  recognizedBy: string;
  sample?: string | undefined;
}

/** `Zeek Zeek` and `nfdump nfdump` said once. */
function vendorProduct(f: { vendor: string; product: string }): string {
  return f.product.startsWith(f.vendor) ? f.product : `${f.vendor} ${f.product}`;
}

/**
 * File-level formats, each followed by what it recognizes within: the vendor messages per syslog line under
 * `syslog`, the documents per JSON record under `json` (JSON Lines and JSON arrays alike); with samples.
 */
export function runFormats(): void {
  const within: Record<string, Row[]> = {
    syslog: MESSAGE_FORMATS.map((f) => ({
      id: `  ${f.id}`, description: `${vendorProduct(f)}: ${f.description}`, recognizedBy: `(per line, in syslog) ${f.recognizedBy}`, sample: f.sample,
    })),
    json: DOCUMENT_FORMATS.map((f) => ({
      id: `  ${f.id}`, description: `${vendorProduct(f)}: ${f.description}`, recognizedBy: `(per record, in JSON Lines or a JSON array) ${f.recognizedBy}`, sample: f.sample,
    })),
  };
  const rows: Row[] = FORMATS.flatMap((f) => [{ id: f.id, description: f.description, recognizedBy: f.recognizedBy }, ...(within[f.id] ?? [])]);
  const width = rows.reduce((w, r) => Math.max(w, r.id.length), 0);
  const pad = ' '.repeat(width);
  for (const r of rows) {
    let text = `${r.id.padEnd(width)}  ${r.description}\n${pad}  recognized by: ${r.recognizedBy}\n`;
    if (r.sample) text += `${pad}  sample: ${r.sample.length > MAX_SAMPLE ? `${r.sample.slice(0, MAX_SAMPLE - 1)}…` : r.sample}\n`;
    process.stdout.write(text);
  }
}
