// What `dicomwatch scan` does, from a program: every input read with the shipped rules, alerts plus accounting.
// Run from the repository root after `npm ci`: node examples/scan-files.mjs
import { scan } from 'dicomwatch';

const result = await scan(['fixtures/sentinel-export.csv', 'fixtures/iptables.log'], { year: 2026 });
for (const a of result.alerts.slice(0, 3)) console.log(`${a.count} ${a.srcIp} -> ${a.dstIp} ${a.time}`);
console.log(`alerts: ${result.alerts.length}`);
console.log(`records: ${result.info.records} = ${result.info.parsed} parsed + ${result.info.skipped} skipped + ${result.info.errors} malformed`);
for (const input of result.inputs) if (input.error) console.log(`${input.name}: ${input.error.message}`);
