/**
 * The generator of fixtures/netflow/flows.pcap and flows.pcapng: the export packets of fixtures/netflow/*.dat, each
 * wrapped into a frame as a router would send it, plus what a real capture also holds (ARP, DNS, a fragmented
 * export packet). test/pcap-netflow.test.ts checks the committed files are these bytes; regenerate them with
 * `UPDATE_FIXTURES=1 npx vitest run test/pcap-netflow.test.ts`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { frameNetflow } from '../../src/parsers/netflow/format.js';
import { ROOT } from './cli.js';
import { cat, epb, ethernet, idb, ipv4, ipv6, pcapFile, shb, udp, block, u32, type PcapRecord } from './pcap.js';

/** The fixture inputs in order, with the exporter each is sent from. */
export const DAT_FILES: readonly { file: string; exporter: string }[] = [
  { file: 'fixtures/netflow/v5.dat', exporter: '192.0.2.5' },
  { file: 'fixtures/netflow/v9.dat', exporter: '192.0.2.9' },
  { file: 'fixtures/netflow/ipfix.dat', exporter: '2001:db8::10' },
];
const COLLECTOR4 = '198.51.100.1';
const COLLECTOR6 = '2001:db8::1';

/** The export packets of a .dat file (frameNetflow cuts them, as the .dat format does). */
export function datPackets(file: string): Buffer[] {
  const bytes = readFileSync(join(ROOT, file));
  const out: Buffer[] = [];
  for (let at = 0; at < bytes.length;) {
    const n = frameNetflow(bytes, at, true);
    if (typeof n !== 'number' || n <= 0) throw new Error(`${file}: cannot frame at ${at}`);
    out.push(bytes.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** One export packet as the IP packet(s) of its exporter: IPv4 or IPv6 by the address; `fragment` cuts IPv4 in two. */
function ipPackets(payload: Buffer, exporter: string, id: number, fragment = false): { ethertype: number; packets: Buffer[] } {
  const datagram = udp(40000 + id, exporter.includes(':') ? 4739 : 2055, payload);
  if (exporter.includes(':')) return { ethertype: 0x86dd, packets: [ipv6(exporter, COLLECTOR6, 17, datagram)] };
  if (!fragment) return { ethertype: 0x0800, packets: [ipv4(exporter, COLLECTOR4, 17, datagram, { id })] };
  const cut = 48; // a multiple of 8
  return {
    ethertype: 0x0800,
    packets: [
      ipv4(exporter, COLLECTOR4, 17, datagram.subarray(0, cut), { id, more: true }),
      ipv4(exporter, COLLECTOR4, 17, datagram.subarray(cut), { id, fragOffset: cut }),
    ],
  };
}

const ARP = ethernet(0x0806, Buffer.from('0001080006040001001122334455c0000205000000000000c6336401', 'hex'));
const DNS = ethernet(0x0800, ipv4('198.51.100.1', '192.0.2.53', 17, udp(5353, 53, Buffer.from('1234010000010000000000000764696361776174636803636f6d0000010001', 'hex'))));
const T0 = Date.UTC(2026, 2, 16, 10, 30, 0) / 1000;

/** Ethernet frames in capture order: every .dat packet (the v9 ones fragmented), with ARP and DNS among them. */
export function flowFrames(vlan: boolean): Buffer[] {
  const frames: Buffer[] = [ARP];
  let id = 1;
  for (const { file, exporter } of DAT_FILES) {
    for (const packet of datPackets(file)) {
      const { ethertype, packets } = ipPackets(packet, exporter, id++, file.endsWith('v9.dat'));
      for (const p of packets) frames.push(ethernet(ethertype, p, vlan ? [[0x8100, 42]] : []));
    }
    if (file.endsWith('v5.dat')) frames.push(DNS);
  }
  return frames;
}

/** Classic pcap, little-endian, µs stamps, plain Ethernet. */
export function buildFlowsPcap(): Buffer {
  const records: PcapRecord[] = flowFrames(false).map((data, i) => ({ data, sec: T0, frac: i * 1000 }));
  return pcapFile(records, { le: true, linkType: 1, snaplen: 262144 });
}

/** pcapng, big-endian, ns stamps (if_tsresol 9), 802.1Q-tagged Ethernet, a statistics block in between, two sections. */
export function buildFlowsPcapng(): Buffer {
  const le = false;
  const frames = flowFrames(true);
  const half = Math.ceil(frames.length / 2);
  const section = (part: Buffer[], from: number) =>
    cat(shb(le), idb(le, { linkType: 1, snaplen: 262144, tsresol: 9 }), ...part.map((f, i) => epb(le, f, BigInt(T0) * 1_000_000_000n + BigInt(from + i) * 1_000_000n)));
  const isb = block(5, cat(u32(0, le), u32(0, le), u32(0, le)), le);
  return cat(section(frames.slice(0, half), 0), isb, section(frames.slice(half), half));
}

