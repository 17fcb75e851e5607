// Replay files of raw NetFlow v5/v9/IPFIX export packets (.dat, as `scan` reads them) to a collector over UDP, one
// datagram per packet, in file order — to try `dicomwatch collect` or any other collector with recorded traffic.
// Run from the repository root after `npm ci`:
//   node examples/replay-netflow.mjs udp://127.0.0.1:2055 fixtures/netflow/*.dat
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { frameNetflow, parseListenUrl } from 'dicomwatch';

const [target, ...files] = process.argv.slice(2);
if (!target || files.length === 0) {
  console.error('usage: node examples/replay-netflow.mjs udp://HOST:PORT FILE.dat...');
  process.exit(2);
}
const { host, port, family } = parseListenUrl(target);
const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
let packets = 0;
for (const file of files) {
  const bytes = readFileSync(file);
  for (let offset = 0; offset < bytes.length;) {
    // A v9 packet carries no length: the framing walks its flowsets (the end of the file closes the last one).
    const length = frameNetflow(bytes, offset, true);
    if (typeof length !== 'number') throw new Error(`${file}: packet ${packets + 1}: ${length === 'more' ? 'cut off' : length.error}`);
    await new Promise((done, fail) => socket.send(bytes.subarray(offset, offset + length), port, host, (e) => (e ? fail(e) : done())));
    offset += length;
    packets++;
  }
}
socket.close();
console.log(`${packets} packets sent to ${target}`);
