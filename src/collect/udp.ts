/**
 * The socket side of `collect`: `udp://HOST:PORT` URLs and node:dgram sockets that hand every datagram, with its
 * sender and listener, to a callback (the collector). Nothing here decodes or counts.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIP } from 'node:net';
import { DicomwatchError } from '../errors.js';

export interface ListenAddress {
  /** As given. */
  url: string;
  /** An IP literal (IPv6 without brackets). */
  host: string;
  /** 0: a free port chosen by the system (the bound one is reported). */
  port: number;
  family: 4 | 6;
}

/** `udp://HOST:PORT` with HOST an IPv4 or a bracketed IPv6 literal; a DicomwatchError BAD_OPTION otherwise. */
export function parseListenUrl(url: string): ListenAddress {
  const bad = (why: string) =>
    new DicomwatchError('BAD_OPTION', `listen: '${url}' ${why} (expected udp://HOST:PORT, e.g. udp://0.0.0.0:2055 or udp://[::]:4739)`, 'listen');
  const m = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^\]:/]*)(?::([^/]*))?$/i.exec(url);
  if (!m) throw bad(url.includes('://') ? 'is not HOST:PORT' : 'is not a URL');
  const [, scheme, rawHost, rawPort] = m;
  if (scheme!.toLowerCase() !== 'udp') throw bad(`is not a UDP address (scheme ${scheme})`);
  const bracketed = rawHost!.startsWith('[');
  if (!bracketed && rawPort?.includes(':')) throw bad('needs brackets around an IPv6 host (udp://[::1]:2055)');
  const host = bracketed ? rawHost!.slice(1, -1) : rawHost!;
  const family = isIP(host);
  if (family === 0) throw bad(host === '' ? 'has no host' : `has a host that is not an IP address ('${host}')`);
  if (family === 6 && !bracketed) throw bad('needs brackets around an IPv6 host');
  if (family === 4 && bracketed) throw bad('has brackets around an IPv4 host (only IPv6 takes them)');
  if (rawPort === undefined || rawPort === '') throw bad('has no port');
  if (!/^\d{1,5}$/.test(rawPort) || Number(rawPort) > 65535) throw bad(`has a port that is not 0-65535 ('${rawPort}')`);
  return { url, host, port: Number(rawPort), family: family as 4 | 6 };
}

/** The URL of a bound socket, with the port the system chose for port 0. */
export function boundUrl(a: ListenAddress, port: number): string {
  return `udp://${a.family === 6 ? `[${a.host}]` : a.host}:${port}`;
}

export interface UdpListeners {
  /** The bound URLs, in the order given (port 0 replaced by the chosen port). */
  urls: string[];
  /** Stop receiving; resolves when every socket is closed. */
  close(): Promise<void>;
}

export type DatagramHandler = (packet: Buffer, from: { address: string; listener: string }) => void;

/** A socket could not be bound: the URL, and why (EADDRINUSE, EACCES, EADDRNOTAVAIL…). */
export class ListenError extends DicomwatchError {
  override name = 'ListenError';
  constructor(readonly url: string, readonly reason: string) {
    super('BAD_OPTION', `listen: cannot listen on ${url} (${reason === 'EADDRINUSE' ? 'EADDRINUSE: the port is in use' : reason})`, 'listen');
  }
}

/** Receive buffer asked for: a burst of export packets (a router flushing its cache) must not overflow the default. */
const RECEIVE_BUFFER = 8 * 1024 * 1024;

function bind(a: ListenAddress, onDatagram: DatagramHandler, onError: (e: Error, url: string) => void): Promise<{ socket: Socket; url: string }> {
  return new Promise((resolve, reject) => {
    // ipv6Only: `[::]` means IPv6 alone on every system, so `udp://0.0.0.0:P` can be given beside it.
    const socket = createSocket({ type: a.family === 6 ? 'udp6' : 'udp4', ipv6Only: a.family === 6 });
    const failed = (e: NodeJS.ErrnoException) => {
      socket.close();
      reject(new ListenError(a.url, e.code ?? e.message));
    };
    socket.once('error', failed);
    socket.bind(a.port, a.host, () => {
      socket.off('error', failed);
      const url = boundUrl(a, socket.address().port);
      try {
        socket.setRecvBufferSize(RECEIVE_BUFFER);
      } catch {
        // capped by the system (net.core.rmem_max): the default buffer still works
      }
      socket.on('error', (e) => onError(e, url));
      socket.on('message', (packet, rinfo) => onDatagram(packet, { address: rinfo.address, listener: url }));
      resolve({ socket, url });
    });
  });
}

/**
 * Bind every address (all or none: a failure closes the ones already bound) and deliver datagrams to `onDatagram`.
 * `onError` gets a socket's error after binding (rare for UDP: the socket is then unusable).
 */
export async function listenUdp(addresses: readonly ListenAddress[], onDatagram: DatagramHandler, onError: (e: Error, url: string) => void): Promise<UdpListeners> {
  const bound: { socket: Socket; url: string }[] = [];
  const closeAll = () => Promise.all(bound.map((b) => new Promise<void>((done) => {
    try {
      b.socket.close(() => done());
    } catch {
      done(); // closed already
    }
  }))).then(() => undefined);
  try {
    for (const a of addresses) bound.push(await bind(a, onDatagram, onError));
  } catch (e) {
    await closeAll();
    throw e;
  }
  return { urls: bound.map((b) => b.url), close: closeAll };
}
