/** JSON Lines / NDJSON: one JSON object per line (see json-record.ts for what an object may hold). */
import { jsonRecordParser } from './json-record.js';
import { lineByLine, type LineFormat } from './types.js';

export const jsonlFormat: LineFormat = {
  id: 'jsonl',
  kind: 'lines',
  description: 'JSON Lines / NDJSON objects, flat or nested (ECS), incl. dicomwatch\'s own event JSONL',
  recognizedBy: 'first line starts with `{`',
  sniff: (firstLine) => firstLine.trimStart().startsWith('{'),
  open: (ctx) => lineByLine(jsonRecordParser(ctx, 'jsonl')),
};
