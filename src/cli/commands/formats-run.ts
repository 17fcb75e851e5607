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

/**
 * What a vendor module reads, named once: its description alone when that starts with the vendor's or the product's
 * first word (`Zeek conn.log as JSON`, `Azure Network Watcher NSG flow logs…`), else vendor and product before it
 * (`Zeek Zeek` and `nfdump nfdump` said once).
 */
function describeVendorFormat(f: { vendor: string; product: string; description: string }): string {
  const firstWord = (text: string) => text.split(' ', 1)[0]!.toLowerCase();
  const opens = firstWord(f.description);
  if (opens === firstWord(f.vendor) || opens === firstWord(f.product)) return f.description;
  return `${f.product.startsWith(f.vendor) ? f.product : `${f.vendor} ${f.product}`}: ${f.description}`;
}

/**
 * File-level formats, each followed by what it recognizes within: the vendor messages per syslog line under
 * `syslog`, the documents per JSON record under `json` (JSON Lines and JSON arrays alike); with samples.
 */
export function runFormats(): void {
  const within: Record<string, Row[]> = {
    syslog: MESSAGE_FORMATS.map((f) => ({
      id: `  ${f.id}`, description: describeVendorFormat(f), recognizedBy: `(per line, in syslog) ${f.recognizedBy}`, sample: f.sample,
    })),
    json: DOCUMENT_FORMATS.map((f) => ({
      id: `  ${f.id}`, description: describeVendorFormat(f), recognizedBy: `(per record, in JSON Lines or a JSON array) ${f.recognizedBy}`, sample: f.sample,
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
