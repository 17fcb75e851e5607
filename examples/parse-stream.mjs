// Events from a WHATWG ReadableStream (what fetch() returns as a body): no file needed, gzip undone on the way.
// Run from the repository root after `npm ci`: node examples/parse-stream.mjs
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parse } from 'dicomwatch';

const body = new Response(gzipSync(readFileSync('fixtures/sentinel-export.csv'))).body; // a ReadableStream<Uint8Array>
const events = parse(body, { name: 'export.csv.gz' });
let toDicom = 0;
for await (const event of events) if (event.dstPort === 104) toDicom++;
console.log(`events to port 104: ${toDicom}`);
console.log(`records: ${events.info.records}, parsed: ${events.info.parsed}, skipped: ${events.info.skipped}`);
