// npm run bench (NetFlow part) — decoding speed of NetFlow v5 and v9 export packets against node-netflowv9, the one
// npm decoder (GPL-2.0: a devDependency used only here, never imported by dicomwatch), on the same packets in the
// same run. Both decode every packet of a generated export stream from a Buffer; node-netflowv9 builds one object per
// flow with its fields, dicomwatch one network event per flow (addresses as text, as the event contract wants), and
// with the rules' pre-filter it rejects flows whose destination port cannot match on their bytes, as `scan` does.
import { createRequire } from 'node:module';
import { netflowDecoder } from '../../dist/parsers/netflow/decoder.js';
import { newFlowSequencer } from '../../dist/parsers/netflow/sequencer.js';

const require = createRequire(import.meta.url);
const PACKETS = Number(process.env.BENCH_NETFLOW_PACKETS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

let seed = 7;
const rnd = (n) => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
const PORTS = [104, 443, 80, 53, 11112, 3389, 22];
const EXPORT_S = Date.UTC(2026, 2, 16, 10) / 1000;

/** v5: 30 records per packet (Cisco's maximum). */
function v5Packet() {
  const b = Buffer.alloc(24 + 30 * 48);
  b.writeUInt16BE(5, 0); b.writeUInt16BE(30, 2); b.writeUInt32BE(3_600_000, 4); b.writeUInt32BE(EXPORT_S, 8);
  for (let i = 0; i < 30; i++) {
    const o = 24 + i * 48;
    b.writeUInt32BE(((1 + rnd(222)) << 24 >>> 0) + rnd(1 << 24), o);
    b.writeUInt32BE(0x0a010000 + rnd(1024), o + 4);
    b.writeUInt16BE(1, o + 12); b.writeUInt16BE(2, o + 14);
    b.writeUInt32BE(1 + rnd(10), o + 16); b.writeUInt32BE(60 + rnd(1500), o + 20);
    b.writeUInt32BE(3_000_000 + rnd(600_000), o + 24); b.writeUInt32BE(3_599_000, o + 28);
    b.writeUInt16BE(1024 + rnd(60000), o + 32); b.writeUInt16BE(PORTS[rnd(PORTS.length)], o + 34);
    b[o + 38] = 6;
  }
  return b;
}

/** v9: the classic 18-field IPv4 template (as Cisco IOS exports it), 24 records per data flowset. */
const V9_FIELDS = [[8, 4], [12, 4], [15, 4], [10, 2], [14, 2], [2, 4], [1, 4], [22, 4], [21, 4], [7, 2], [11, 2], [6, 1], [4, 1], [5, 1], [16, 2], [17, 2], [9, 1], [13, 1]];
const V9_RECORD = V9_FIELDS.reduce((n, [, l]) => n + l, 0);
function v9Template() {
  const b = Buffer.alloc(20 + 8 + V9_FIELDS.length * 4);
  b.writeUInt16BE(9, 0); b.writeUInt16BE(1, 2); b.writeUInt32BE(3_600_000, 4); b.writeUInt32BE(EXPORT_S, 8);
  b.writeUInt16BE(0, 20); b.writeUInt16BE(8 + V9_FIELDS.length * 4, 22); b.writeUInt16BE(256, 24); b.writeUInt16BE(V9_FIELDS.length, 26);
  V9_FIELDS.forEach(([id, len], i) => { b.writeUInt16BE(id, 28 + i * 4); b.writeUInt16BE(len, 30 + i * 4); });
  return b;
}
function v9Data() {
  const n = 24;
  const b = Buffer.alloc(20 + 4 + n * V9_RECORD);
  b.writeUInt16BE(9, 0); b.writeUInt16BE(n, 2); b.writeUInt32BE(3_600_000, 4); b.writeUInt32BE(EXPORT_S, 8);
  b.writeUInt16BE(256, 20); b.writeUInt16BE(4 + n * V9_RECORD, 22);
  for (let i = 0; i < n; i++) {
    let o = 24 + i * V9_RECORD;
    for (const [id, len] of V9_FIELDS) {
      const v = id === 8 ? ((1 + rnd(222)) << 24 >>> 0) + rnd(1 << 24) : id === 12 ? 0x0a010000 + rnd(1024) : id === 11 ? PORTS[rnd(PORTS.length)]
        : id === 4 ? 6 : id === 22 ? 3_000_000 + rnd(600_000) : id === 21 ? 3_599_000 : rnd(1 << Math.min(16, len * 8));
      if (len === 4) b.writeUInt32BE(v >>> 0, o); else if (len === 2) b.writeUInt16BE(v & 0xffff, o); else b[o] = v & 0xff;
      o += len;
    }
  }
  return b;
}

function best(fn) {
  let min = Infinity;
  let result;
  for (let i = 0; i < RUNS; i++) {
    const t = process.hrtime.bigint();
    result = fn();
    min = Math.min(min, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { ms: min, result };
}

const rinfo = { address: '192.0.2.1', port: 2055, family: 'IPv4', size: 0 };

function npmDecoder(packets) {
  const NetFlowV9 = require('node-netflowv9');
  const nf = new NetFlowV9({ cb: () => {} });
  nf.server.close(); // its constructor opens a socket; only its packet decoder is measured
  let flows = 0;
  for (const p of packets) flows += nf.nfPktDecode(p, { ...rinfo, size: p.length }).flows.length;
  return flows;
}

function dicomwatch(packets, prefilter) {
  const sequencer = newFlowSequencer(netflowDecoder.initialState(), prefilter ? { prefilter } : {});
  const source = { file: 'bench', exporter: rinfo.address, device: rinfo.address };
  let events = 0;
  let filtered = 0;
  const out = [];
  for (const p of packets) {
    out.length = 0;
    sequencer.push(p, source, out);
    for (const o of out) if (o.kind === 'events') events += o.events.length; else if (o.code === 'FILTERED') filtered += o.records ?? 1;
  }
  return { events, filtered };
}

export function runNetflowBench(log = console.log) {
  const v5 = Array.from({ length: PACKETS }, v5Packet);
  const v9 = [v9Template(), ...Array.from({ length: PACKETS }, v9Data)];
  const rows = [];
  for (const [name, packets, flows] of [['v5', v5, PACKETS * 30], ['v9', v9, PACKETS * 24]]) {
    const npm = best(() => npmDecoder(packets));
    if (npm.result !== flows) throw new Error(`node-netflowv9 decoded ${npm.result} of ${flows} ${name} flows`);
    const ours = best(() => dicomwatch(packets));
    if (ours.result.events !== flows) throw new Error(`dicomwatch decoded ${ours.result.events} of ${flows} ${name} flows`);
    const pre = best(() => dicomwatch(packets, { dstPorts: new Set([104]) }));
    if (pre.result.events + pre.result.filtered !== flows) throw new Error(`dicomwatch with the pre-filter accounted ${pre.result.events + pre.result.filtered} of ${flows} ${name} flows`);
    rows.push({ name: `${name}: node-netflowv9 (baseline)`, ms: npm.ms, flows, base: npm.ms });
    rows.push({ name: `${name}: dicomwatch → events`, ms: ours.ms, flows, base: npm.ms });
    rows.push({ name: `${name}: dicomwatch, pre-filter 104`, ms: pre.ms, flows, base: npm.ms });
  }
  log(`\nNetFlow decoding: ${PACKETS.toLocaleString('en-US')} packets per version (v5: 30 flows each; v9: 24 flows of an 18-field template), best of ${RUNS}`);
  log(`${'case'.padEnd(36)} ${'ms'.padStart(7)} ${'flows/s'.padStart(12)} ${'× faster than node-netflowv9'.padStart(29)}`);
  for (const r of rows) {
    log(`${r.name.padEnd(36)} ${r.ms.toFixed(0).padStart(7)} ${Math.round((r.flows / r.ms) * 1000).toLocaleString('en-US').padStart(12)} ${(r.base / r.ms).toFixed(1).padStart(29)}`);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runNetflowBench();
