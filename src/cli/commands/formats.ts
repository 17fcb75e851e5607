import { FORMATS } from '../../parsers/registry.js';

export const command = 'formats';
export const describe = 'list the input formats and how each is recognized';

export function handler(): void {
  const width = FORMATS.reduce((w, f) => Math.max(w, f.id.length), 0);
  for (const f of FORMATS) {
    process.stdout.write(`${f.id.padEnd(width)}  ${f.description}\n${' '.repeat(width)}  recognized by: ${f.recognizedBy}\n`);
  }
}
