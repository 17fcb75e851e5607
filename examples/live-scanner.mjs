// A long-running pipeline: events in, alerts out as soon as their hour is over (lateness: 5 minutes), through a
// Node stream pipeline. Run from the repository root after `npm ci`: node examples/live-scanner.mjs
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DEFAULT_RULES_PATH, loadRules, scannerTransform } from 'dicomwatch';

const { plans } = await loadRules(DEFAULT_RULES_PATH, {}, { semantics: 'strict', internal: [] });
const at = (iso, srcIp) => ({ time: iso, srcIp, dstIp: '10.1.2.3', dstPort: 104, format: 'example', file: 'live', line: 1 });
const events = [
  at('2026-03-16T10:02:00Z', '203.0.113.7'),
  at('2026-03-16T10:40:00Z', '203.0.113.7'),
  at('2026-03-16T10:59:00Z', '198.51.100.23'),
  at('2026-03-16T11:06:00Z', '203.0.113.7'), // the 10:00 bucket closes here (11:06 - 5 min > 11:00)
  at('2026-03-16T11:30:00Z', '203.0.113.9'),
];
const scanner = scannerTransform(plans, { lateness: 5 * 60_000 });
await pipeline(Readable.from(events), scanner, async (alerts) => {
  for await (const a of alerts) console.log(`alert ${a.time} ${a.srcIp} count=${a.count}`);
});
console.log(`events: ${scanner.info.events}, late: ${scanner.info.late}`);
