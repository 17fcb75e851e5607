/**
 * The DICOM servers the traffic reveals: a pure accumulator over normalized events (any input `scan` reads). A
 * server is an internal host that ACCEPTED a connection on a DICOM port; the event model says so in two ways:
 *
 * 1. allowed: an event to the port with `action: allow` (`dstPort` a DICOM port, `dstIp` the server, `srcIp` the
 *    peer): the device let the connection through (a firewall allow/accept, a VPC ACCEPT, an NSG `A` tuple, a
 *    Windows 5156, an ASA "Built");
 * 2. answered: an event FROM the port (`srcPort` a DICOM port, `srcIp` the server, `dstIp` the peer) whose action is
 *    allow or absent and that carried traffic (`bytes` or `packets` above 0): the server sent packets back from its
 *    DICOM port, which is how a unidirectional flow export (NetFlow v5/v9, IPFIX, nfdump, VPC flow logs' return
 *    records) shows "bytes both ways" — the request is one record, the answer another.
 *
 * Records to the port that were denied, dropped or reset never count; records without an action and without an
 * answering record (a sensor's bidirectional record such as a Zeek conn, whose event carries no direction of the
 * bytes) are counted as `unconfirmed` in `info`, not listed. Only TCP (or protocol absent) counts. IPv4-mapped IPv6
 * addresses (`::ffff:10.1.2.3`) are listed as their IPv4 address, so one host is one entry.
 *
 * Internal and external are `scan`'s (src/net/classify.ts): the server must be internal; a peer is external when
 * the classifier says so and it is not in `allow` (a trusted partner). A server that accepted a connection from an
 * external peer is `exposed`. Every statistic (ports, first/last seen, peers, bytes, devices) is over the accepted
 * records. Memory is bounded by servers × distinct peers, never by the number of events.
 */
import type { NetworkEvent } from '../model/event.js';
import { CidrSet, parseCidr } from '../net/cidr.js';
import { createClassifier, inCidrSet, type Classifier } from '../net/classify.js';
import { embeddedIpv4Number, ipv4FromNumber, ipv4ToNumber, ipv6GroupsToBigInt, parseIpv6 } from '../net/ip.js';
import { dicomPorts } from './ports.js';
import type { KnownAssets } from './known.js';

export interface NmapService {
  port: number;
  /** nmap's service name (`dicom`, `acr-nema`), product and version from -sV. */
  service?: string;
  product?: string;
  version?: string;
  /** The dicom-ping script's output, by key (`dicom`, `config`). */
  dicomPing?: Record<string, string>;
}

export interface InventoryEntry {
  ip: string;
  /** The DICOM ports it accepted connections on (nmap: its open DICOM ports), ascending. */
  ports: number[];
  /** ISO-8601 UTC with milliseconds; absent when nothing gave a time. */
  firstSeen?: string;
  lastSeen?: string;
  /** Distinct peers it accepted connections from (nmap: 0). */
  peers: number;
  /** Of those, external ones not in `allow`. */
  externalPeers: number;
  exposed: boolean;
  /** On the `--known` asset list; absent without one. */
  known?: boolean;
  /** Devices (firewalls, exporters) whose records showed it, sorted. */
  devices: string[];
  /** Bytes of the accepted records that carried a count. */
  bytes?: number;
  /** Accepted records (allowed + answered). */
  connections?: number;
  source: 'traffic' | 'nmap';
  /** nmap: the host's names. */
  hostnames?: string[];
  /** nmap: per open DICOM port, what service detection and dicom-ping said. */
  services?: NmapService[];
  /** Up to 20 of the external peers, sorted (traffic). */
  externalPeerSample?: string[];
}

export const INVENTORY_KEYS = [
  'ip', 'ports', 'firstSeen', 'lastSeen', 'peers', 'externalPeers', 'exposed', 'known', 'devices', 'bytes', 'connections', 'source',
  'hostnames', 'services', 'externalPeerSample',
] as const satisfies readonly (keyof InventoryEntry)[];

export function inventoryJsonObject(e: InventoryEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of INVENTORY_KEYS) if (e[key] !== undefined) out[key] = e[key];
  return out;
}

export interface InventoryPolicy {
  /** Extra DICOM ports, added to 104, 11112, 2761, 2762, 4242. */
  ports?: readonly number[];
  /** What "external" means (default strict), as in `scan`. */
  semantics?: 'strict' | 'kql';
  internal?: readonly string[];
  /** Trusted external sources: a connection from them does not make a server exposed. */
  allow?: readonly string[];
  /** The asset list (`--known`): sets `known` on every entry. */
  known?: KnownAssets;
}

export interface TrafficInfo {
  events: number;
  /** Events to a DICOM port (TCP or protocol absent). */
  toDicomPorts: number;
  /** Accepted records: allowed + answered. */
  allowed: number;
  answered: number;
  /** To a DICOM port and denied, dropped or reset. */
  refused: number;
  /** To a DICOM port without an action (not evidence by themselves). */
  unconfirmed: number;
  /** Accepted records whose server is not internal (an internal client reaching an outside DICOM server). */
  externalServer: number;
}

export interface TrafficInventory {
  push(event: NetworkEvent): void;
  /** The servers, exposed first, then by address (IPv4 before IPv6, numerically). */
  entries(): InventoryEntry[];
  readonly info: TrafficInfo;
}

/** IPv4-mapped IPv6 → the IPv4 address; anything else unchanged. */
export function unmapped(ip: string): string {
  if (!ip.startsWith('::ffff:')) return ip;
  const g = parseIpv6(ip);
  if (!g || g[5] !== 0xffff) return ip;
  const n = embeddedIpv4Number(g);
  return n < 0 ? ip : ipv4FromNumber(n);
}

/** IPv4 before IPv6, each numerically; anything else after, as text. */
export function compareIps(a: string, b: string): number {
  const key = (ip: string): [number, bigint] => {
    const v4 = ipv4ToNumber(ip);
    if (v4 !== undefined) return [0, BigInt(v4)];
    const g = parseIpv6(ip);
    return g ? [1, ipv6GroupsToBigInt(g)] : [2, 0n];
  };
  const [fa, na] = key(a);
  const [fb, nb] = key(b);
  if (fa !== fb) return fa - fb;
  if (na !== nb) return na < nb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Exposed first, then unknown before known, then by address. */
export function compareEntries(a: InventoryEntry, b: InventoryEntry): number {
  if (a.exposed !== b.exposed) return a.exposed ? -1 : 1;
  if ((a.known === false) !== (b.known === false)) return a.known === false ? -1 : 1;
  return compareIps(a.ip, b.ip) || (a.source < b.source ? -1 : a.source > b.source ? 1 : 0);
}

interface Server {
  ports: Set<number>;
  first: number;
  last: number;
  peers: Set<string>;
  external: Set<string>;
  devices: Set<string>;
  bytes?: number;
  connections: number;
}

export function allowSet(allow: readonly string[] = []): CidrSet {
  return new CidrSet(allow.map((text) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`allow: '${text}' is not an IPv4 or IPv6 CIDR`);
    return cidr;
  }));
}

/** Whether `peer` counts as external for exposure: external to the classifier and not a trusted source. */
export function externalPeer(classifier: Classifier, allowed: CidrSet, peer: string): boolean {
  return classifier.isExternal(peer) === true && inCidrSet(allowed, peer, true) !== true;
}

export function createTrafficInventory(policy: InventoryPolicy = {}): TrafficInventory {
  const ports = new Set(dicomPorts(policy.ports));
  const classifier = createClassifier({ semantics: policy.semantics ?? 'strict', internal: policy.internal ?? [] });
  const allowed = allowSet(policy.allow);
  const servers = new Map<string, Server>();
  const info: TrafficInfo = { events: 0, toDicomPorts: 0, allowed: 0, answered: 0, refused: 0, unconfirmed: 0, externalServer: 0 };

  const record = (serverIp: string, peerIp: string, port: number, e: NetworkEvent): boolean => {
    const ip = unmapped(serverIp);
    const peer = unmapped(peerIp);
    if (classifier.isInternal(ip) !== true) {
      info.externalServer++;
      return false;
    }
    let s = servers.get(ip);
    if (!s) servers.set(ip, (s = { ports: new Set(), first: e.time, last: e.time, peers: new Set(), external: new Set(), devices: new Set(), connections: 0 }));
    s.ports.add(port);
    if (e.time < s.first) s.first = e.time;
    if (e.time > s.last) s.last = e.time;
    s.peers.add(peer);
    if (externalPeer(classifier, allowed, peer)) s.external.add(peer);
    if (e.device !== undefined) s.devices.add(e.device);
    if (e.bytes !== undefined) s.bytes = (s.bytes ?? 0) + e.bytes;
    s.connections++;
    return true;
  };

  return {
    info,
    push(e) {
      info.events++;
      if (e.protocol !== undefined && e.protocol !== 'tcp') return;
      if (e.dstPort !== undefined && ports.has(e.dstPort)) {
        info.toDicomPorts++;
        if (e.action === 'allow') {
          if (record(e.dstIp, e.srcIp, e.dstPort, e)) info.allowed++;
        } else if (e.action === undefined) info.unconfirmed++;
        else info.refused++;
        return;
      }
      const carried = (e.bytes ?? 0) > 0 || (e.packets ?? 0) > 0;
      if (e.srcPort !== undefined && ports.has(e.srcPort) && (e.action === undefined || e.action === 'allow') && carried) {
        if (record(e.srcIp, e.dstIp, e.srcPort, e)) info.answered++;
      }
    },
    entries() {
      const out: InventoryEntry[] = [];
      for (const [ip, s] of servers) {
        const external = [...s.external].sort(compareIps);
        out.push({
          ip,
          ports: [...s.ports].sort((a, b) => a - b),
          firstSeen: new Date(s.first).toISOString(),
          lastSeen: new Date(s.last).toISOString(),
          peers: s.peers.size,
          externalPeers: s.external.size,
          exposed: s.external.size > 0,
          ...(policy.known ? { known: policy.known.has(ip) } : {}),
          devices: [...s.devices].sort(),
          ...(s.bytes !== undefined ? { bytes: s.bytes } : {}),
          connections: s.connections,
          source: 'traffic',
          ...(external.length > 0 ? { externalPeerSample: external.slice(0, 20) } : {}),
        });
      }
      return out.sort(compareEntries);
    },
  };
}

/** A finding for `--fail-on-finding`: exposed, or not on the asset list. */
export function isInventoryFinding(e: InventoryEntry): boolean {
  return e.exposed || e.known === false;
}
