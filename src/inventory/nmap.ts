/**
 * nmap XML (`nmap -oX`, DTD nmap.dtd: `<nmaprun start=…><host starttime=… endtime=…><status state="up"/>
 * <address addr=… addrtype="ipv4|ipv6|mac"/><hostnames><hostname name=…/></hostnames><ports><port protocol="tcp"
 * portid="104"><state state="open"/><service name="dicom" product=… version=…/><script id="dicom-ping"
 * output=…><elem key="dicom">DICOM Service Provider discovered!</elem><elem key="config">…</elem></script></port>
 * </ports></host>…</nmaprun>`) → the hosts with OPEN DICOM ports.
 *
 * A port counts when its state is exactly `open` (not `open|filtered`, `filtered`, `closed`) and it is TCP and a
 * DICOM port (104, 11112, 2761, 2762, 4242, `--ports`), or service detection named it DICOM (`dicom`, nmap-services'
 * `acr-nema`, `dicom-iscl`, `dicom-tls`) on any port, or the dicom-ping script answered on it (the script's
 * output, by key, is kept: `config` says whether the called AE title is checked — "Any AET is accepted (Insecure)").
 *
 * Read host element by host element (a scan of a /16 can be large): the bytes between `<host` and `</host>` are
 * parsed alone by fast-xml-parser with entity processing OFF (no DOCTYPE is ever parsed, nothing expands); the
 * character references nmap writes in attributes (`&#xa;`) and the five predefined entities are decoded by hand.
 */
import { fileChunks } from '../io/reader.js';
import { StringDecoder } from 'node:string_decoder';
import { decodeXmlText, untrustedXmlParser, validateXml } from '../parsers/xml.js';
import { DicomwatchError } from '../errors.js';
import { canonicalIp } from '../net/ip.js';
import type { Classifier } from '../net/classify.js';
import type { KnownAssets } from './known.js';
import { dicomPorts, DICOM_SERVICE_NAMES } from './ports.js';
import { compareEntries, unmapped, type InventoryEntry, type NmapService } from './traffic.js';

/** The most characters one `<host>` element may hold. */
const MAX_HOST_CHARS = 16 << 20;

const parser = untrustedXmlParser(new Set(['address', 'hostname', 'hostnames', 'port', 'script', 'elem', 'table']));

export interface NmapOptions {
  /** Extra DICOM ports, added to the well-known ones. */
  ports?: readonly number[];
  classifier: Classifier;
  /** The scan ran from outside the network: every open DICOM port it found is exposed. */
  scannedFromOutside?: boolean;
  known?: KnownAssets;
  /** What messages call the input. */
  file?: string;
}

export interface NmapReading {
  entries: InventoryEntry[];
  /** `<host>` elements read, hosts up, and the malformed ones (by element index). */
  hosts: number;
  up: number;
  problems: { line: number; message: string }[];
}

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (Array.isArray(v) ? (v as Node[]) : v && typeof v === 'object' ? [v as Node] : []);
const attr = (n: Node | undefined, name: string): string | undefined => {
  const v = n?.[`@_${name}`];
  return typeof v === 'string' ? decodeXmlText(v) : undefined;
};
const textOf = (n: Node): string | undefined => {
  const v = n['#text'];
  return typeof v === 'string' ? decodeXmlText(v) : typeof n === 'string' ? decodeXmlText(n) : undefined;
};

function epochIso(seconds: string | undefined): string | undefined {
  if (seconds === undefined || !/^\d{1,12}$/.test(seconds)) return undefined;
  return new Date(Number(seconds) * 1000).toISOString();
}

/** One `<host>` element's inventory entry, or undefined when it has no open DICOM port (or is down). */
export function nmapHostEntry(xml: string, runStart: string | undefined, options: NmapOptions): InventoryEntry | undefined | { error: string } {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return { error: 'a DOCTYPE or ENTITY inside a host element (refused)' };
  const valid = validateXml(xml);
  if (valid !== true) return { error: `not well-formed XML (${valid.err.msg})` };
  const host = (parser.parse(xml) as Node).host as Node | undefined;
  if (!host || typeof host !== 'object') return { error: 'not a host element' };
  const status = attr(host.status as Node | undefined, 'state');
  if (status !== undefined && status !== 'up') return undefined;
  const addresses = list(host.address);
  const ipText = attr(addresses.find((a) => attr(a, 'addrtype') === 'ipv4'), 'addr') ?? attr(addresses.find((a) => attr(a, 'addrtype') === 'ipv6'), 'addr');
  const ip = ipText === undefined ? undefined : canonicalIp(ipText);
  if (ip === undefined) return { error: `host without an IP address${ipText ? ` ('${ipText}')` : ''}` };
  const ports = new Set(dicomPorts(options.ports));
  const services: NmapService[] = [];
  for (const portsNode of list(host.ports)) {
    for (const p of list(portsNode.port)) {
      if (attr(p, 'protocol') !== 'tcp' || attr(list(p.state)[0], 'state') !== 'open') continue;
      const portText = attr(p, 'portid');
      if (portText === undefined || !/^\d{1,5}$/.test(portText)) continue;
      const port = Number(portText);
      const service = list(p.service)[0];
      const name = attr(service, 'name');
      const ping = list(p.script).find((s) => attr(s, 'id') === 'dicom-ping');
      const isDicom = ports.has(port) || (name !== undefined && Object.hasOwn(DICOM_SERVICE_NAMES, name.toLowerCase())) || ping !== undefined;
      if (!isDicom) continue;
      let dicomPing: Record<string, string> | undefined;
      if (ping) {
        dicomPing = {};
        for (const e of list(ping.elem)) {
          const key = attr(e, 'key');
          const value = textOf(e);
          if (key !== undefined && value !== undefined) dicomPing[key] = value;
        }
        const output = attr(ping, 'output')?.trim();
        if (Object.keys(dicomPing).length === 0 && output) dicomPing.output = output;
      }
      const product = attr(service, 'product');
      const version = attr(service, 'version');
      services.push({
        port,
        ...(name !== undefined ? { service: name } : {}),
        ...(product !== undefined ? { product } : {}),
        ...(version !== undefined ? { version } : {}),
        ...(dicomPing ? { dicomPing } : {}),
      });
    }
  }
  if (services.length === 0) return undefined;
  services.sort((a, b) => a.port - b.port);
  const address = unmapped(ip);
  const hostnames = [...new Set(list(host.hostnames).flatMap((h) => list(h.hostname)).flatMap((h) => attr(h, 'name') ?? []))];
  const first = epochIso(attr(host, 'starttime')) ?? runStart;
  const last = epochIso(attr(host, 'endtime')) ?? first;
  const exposed = options.scannedFromOutside === true || options.classifier.isExternal(address) === true;
  return {
    ip: address,
    ports: [...new Set(services.map((s) => s.port))],
    ...(first !== undefined ? { firstSeen: first } : {}),
    ...(last !== undefined ? { lastSeen: last } : {}),
    peers: 0,
    externalPeers: 0,
    exposed,
    ...(options.known ? { known: options.known.has(address) } : {}),
    devices: [],
    source: 'nmap',
    ...(hostnames.length > 0 ? { hostnames } : {}),
    services,
  };
}

/** `<host` followed by a space, `>` or `/` (not `<hostname`, `<hosts`, `<hosthint`). */
function findHostOpen(text: string, from: number): number {
  for (let i = text.indexOf('<host', from); i >= 0; i = text.indexOf('<host', i + 1)) {
    const c = text[i + 5];
    if (c === undefined) return -1;
    if (c === ' ' || c === '>' || c === '\t' || c === '\n' || c === '\r') return i;
  }
  return -1;
}

/**
 * The same address in two scans (of one file or of several): `seen` becomes their one entry, with every port and
 * service, the widest time span, and every host name.
 */
export function mergeNmapEntry(seen: InventoryEntry, r: InventoryEntry): void {
  const services = new Map((seen.services ?? []).map((s) => [s.port, s]));
  for (const s of r.services ?? []) services.set(s.port, { ...services.get(s.port), ...s });
  seen.services = [...services.values()].sort((a, b) => a.port - b.port);
  seen.ports = seen.services.map((s) => s.port);
  if (r.firstSeen && (!seen.firstSeen || r.firstSeen < seen.firstSeen)) seen.firstSeen = r.firstSeen;
  if (r.lastSeen && (!seen.lastSeen || r.lastSeen > seen.lastSeen)) seen.lastSeen = r.lastSeen;
  seen.exposed ||= r.exposed;
  if (r.hostnames) seen.hostnames = [...new Set([...(seen.hostnames ?? []), ...r.hostnames])];
}

/** Read nmap XML text chunk by chunk: the entries of its hosts with open DICOM ports, merged per address. */
export async function readNmapChunks(chunks: AsyncIterable<string>, options: NmapOptions): Promise<NmapReading> {
  const reading: NmapReading = { entries: [], hosts: 0, up: 0, problems: [] };
  const byIp = new Map<string, InventoryEntry>();
  let buf = '';
  let runStart: string | undefined;
  let sawRun = false;
  const take = (xml: string) => {
    reading.hosts++;
    const r = nmapHostEntry(xml, runStart, options);
    if (r === undefined) return;
    if ('error' in r) {
      reading.problems.push({ line: reading.hosts, message: r.error });
      return;
    }
    reading.up++;
    const seen = byIp.get(r.ip);
    if (!seen) {
      byIp.set(r.ip, r);
      return;
    }
    mergeNmapEntry(seen, r);
  };
  const drain = (final: boolean) => {
    for (;;) {
      if (!sawRun) {
        const run = /<nmaprun\b[^>]*>/.exec(buf);
        if (run) {
          sawRun = true;
          runStart = epochIso(/\bstart="(\d+)"/.exec(run[0])?.[1]);
        }
      }
      const open = findHostOpen(buf, 0);
      if (open < 0) {
        if (!final) buf = buf.slice(Math.max(0, buf.length - 8)); // a `<host` split across chunks
        return;
      }
      const close = buf.indexOf('</host>', open);
      if (close < 0) {
        if (buf.length - open > MAX_HOST_CHARS) {
          reading.hosts++;
          reading.problems.push({ line: reading.hosts, message: `host element longer than ${MAX_HOST_CHARS >> 20} MiB` });
          buf = buf.slice(open + 5);
          continue;
        }
        buf = buf.slice(open);
        if (final && buf.length > 0) {
          reading.hosts++;
          reading.problems.push({ line: reading.hosts, message: 'host element cut off at the end of the file' });
        }
        return;
      }
      take(buf.slice(open, close + '</host>'.length));
      buf = buf.slice(close + '</host>'.length);
    }
  };
  for await (const chunk of chunks) {
    buf += chunk;
    drain(false);
  }
  drain(true);
  if (!sawRun && reading.hosts === 0) {
    throw new DicomwatchError('INPUT_UNUSABLE', `${options.file ?? 'input'}: not nmap XML (no <nmaprun> or <host> element; save the scan with nmap -oX)`, options.file ?? 'input');
  }
  reading.entries = [...byIp.values()].sort(compareEntries);
  return reading;
}

async function* textChunks(path: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  try {
    for await (const chunk of fileChunks(path)) yield decoder.write(chunk);
  } catch (e) {
    throw new DicomwatchError('INPUT_UNREADABLE', `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path);
  }
  yield decoder.end();
}

/** One nmap XML file (or XML text). */
export function readNmap(source: string, options: NmapOptions & { text?: boolean }): Promise<NmapReading> {
  if (options.text) {
    return readNmapChunks((async function* () { yield source; })(), { file: 'input', ...options });
  }
  return readNmapChunks(textChunks(source), { file: source, ...options });
}
