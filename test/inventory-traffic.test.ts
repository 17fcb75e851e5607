/**
 * Inventory from traffic (fixtures/inventory/traffic.csv, flows.jsonl), the asset list, and nmap XML. Expected
 * servers are derived by hand from the fixture rows (comments name them).
 */
import { describe, expect, it } from 'vitest';
import {
  createClassifier, createTrafficInventory, inventory, nmapHostEntry, parseKnownAssets, readKnownAssets, readNmap, type InventoryEntry, type NetworkEvent,
} from '../src/index.js';

const TRAFFIC = 'fixtures/inventory/traffic.csv';
const FLOWS = 'fixtures/inventory/flows.jsonl';
const ASSETS = 'fixtures/inventory/assets.csv';
const NMAP = 'fixtures/inventory/scan.xml';

const brief = (e: InventoryEntry) => [e.ip, e.ports, e.peers, e.externalPeers, e.exposed, e.known];

describe('inventory from traffic', () => {
  it('lists exactly the internal servers that accepted DICOM connections, exposed and known right', async () => {
    const known = await readKnownAssets(ASSETS);
    const r = await inventory([TRAFFIC, FLOWS], { known });
    expect(r.entries.map(brief)).toEqual([
      // exposed first; then not on the asset list; then by address
      ['10.1.2.6', [2762], 1, 1, true, false], // 198.51.100.23 allowed in (documentation range: external)
      ['10.1.3.3', [104], 1, 1, true, false], // flows: no action, but 10.1.3.3:104 answered 203.0.113.9 with 900 bytes
      ['fd00::10', [104], 1, 1, true, false], // IPv6 ULA server, 2001:db8::7 external
      ['10.1.2.3', [104], 2, 1, true, true], // 203.0.113.7 allowed (the denied retry does not count), 10.0.0.5 internal
      ['10.1.2.7', [4242], 1, 0, false, false], // the shadow server: internal peers only, not on the list
      ['10.1.2.4', [104, 11112], 3, 0, false, true], // ::ffff:10.1.2.4 is the same host
    ]);
    // Not listed: 10.1.2.5 (only deny/drop/reset), 10.1.2.8 (no action, no answer), 10.1.2.9 (UDP), 203.0.113.50
    // (an external server), 10.1.3.4 (no answer), 10.1.3.5 (an answer of 0 bytes), 10.1.3.6 (a denied answer).
    const pacs = r.entries.find((e) => e.ip === '10.1.2.3')!;
    expect(pacs).toMatchObject({
      firstSeen: '2026-03-16T10:02:11.000Z', lastSeen: '2026-03-16T11:30:00.000Z', devices: ['fw01', 'fw02'], bytes: 6000, connections: 2, source: 'traffic',
      externalPeerSample: ['203.0.113.7'],
    });
    expect(r.traffic).toMatchObject({ allowed: 9, answered: 1, refused: 4, unconfirmed: 3, externalServer: 1 });
    expect(r.info).toMatchObject({ records: 22, errors: 0 });
  });

  it('--allow: a trusted partner does not make a server exposed', async () => {
    const r = await inventory(TRAFFIC, { allow: ['198.51.100.0/24'] });
    expect(r.entries.find((e) => e.ip === '10.1.2.6')).toMatchObject({ exposed: false, externalPeers: 0, peers: 1 });
    expect(r.entries.find((e) => e.ip === '10.1.2.6')!.known).toBeUndefined(); // no --known: no known field
  });

  it('--internal and kql semantics change who is internal, as in scan', async () => {
    const internal = await inventory(TRAFFIC, { internal: ['203.0.113.0/24'] });
    expect(internal.entries.find((e) => e.ip === '10.1.2.3')).toMatchObject({ exposed: false });
    expect(internal.entries.some((e) => e.ip === '203.0.113.50')).toBe(true); // now an internal server
    const kql = await inventory(TRAFFIC, { semantics: 'kql' });
    expect(kql.entries.map((e) => e.ip)).not.toContain('fd00::10'); // KQL's ipv4 functions: IPv6 is null
  });

  it('--ports adds to the well-known DICOM ports', async () => {
    const ev = (dstPort: number): NetworkEvent => ({ time: 0, srcIp: '203.0.113.1', dstIp: '10.0.0.1', dstPort, protocol: 'tcp', action: 'allow', format: 't', file: 't', line: 1 });
    const plain = createTrafficInventory();
    const extra = createTrafficInventory({ ports: [8042] });
    for (const acc of [plain, extra]) [ev(8042), ev(104)].forEach((e) => acc.push(e));
    expect(plain.entries().map((e) => e.ports)).toEqual([[104]]);
    expect(extra.entries().map((e) => e.ports)).toEqual([[104, 8042]]);
  });
});

describe('asset list', () => {
  it('the IP Address column, a CIDR, IPv4-mapped lookups', async () => {
    const known = await readKnownAssets(ASSETS);
    expect(known).toMatchObject({ size: 3, column: 'IP Address' });
    expect(['10.1.2.3', '::ffff:10.1.2.4', '10.1.60.77', '10.1.2.7'].map((ip) => known.has(ip))).toEqual([true, true, true, false]);
  });

  it('semicolons, several addresses in a cell, a host column of names passed over, no header', () => {
    const k = parseKnownAssets(Buffer.from('host;ip\npacs01;10.0.0.1 10.0.0.2\nct;fd00::5\n'));
    expect(k.column).toBe('ip');
    expect(['10.0.0.2', 'fd00::5', '10.0.0.3'].map((ip) => k.has(ip))).toEqual([true, true, false]);
    const bare = parseKnownAssets(Buffer.from('pacs01,10.0.0.9\nct,10.0.0.10\n'));
    expect(['10.0.0.9', '10.0.0.10'].map((ip) => bare.has(ip))).toEqual([true, true]);
  });

  it('a file without an IP column is refused by name', () => {
    expect(() => parseKnownAssets(Buffer.from('name,room\npacs,1\n'), 'a.csv')).toThrow(/a\.csv: no IP column/);
  });
});

describe('nmap XML', () => {
  const classifier = createClassifier({ semantics: 'strict', internal: [] });

  it('hosts with OPEN DICOM ports: by port, by service name, by dicom-ping on any port', async () => {
    const known = await readKnownAssets(ASSETS);
    const r = await readNmap(NMAP, { classifier, known });
    expect(r.entries.map(brief)).toEqual([
      ['203.0.113.80', [104], 0, 0, true, false], // a public address answering on 104 (service acr-nema)
      ['10.1.2.21', [2345], 0, 0, false, false], // dicom-ping answered on a non-DICOM port
      ['10.1.2.3', [104], 0, 0, false, true], // 11112 closed, 4242 closed: only 104
      ['10.1.60.5', [11112], 0, 0, false, true], // in the asset list's modality /24
    ]);
    // 10.1.2.20: 104 filtered and 4242 open|filtered are not open; 10.1.2.22 is down.
    expect(r).toMatchObject({ hosts: 6, up: 4, problems: [] });
    expect(r.entries.find((e) => e.ip === '10.1.2.3')).toMatchObject({
      source: 'nmap', firstSeen: '2026-03-16T10:00:01.000Z', lastSeen: '2026-03-16T10:00:30.000Z', hostnames: ['pacs01.hospital.example'], devices: [],
      services: [{ port: 104, service: 'dicom', dicomPing: { dicom: 'DICOM Service Provider discovered!', config: 'Any AET is accepted (Insecure)' } }],
    });
    expect(r.entries.find((e) => e.ip === '10.1.60.5')!.services).toEqual([{ port: 11112, service: 'dicom', product: 'DCMTK', version: '3.6.7' }]);
  });

  it('a scan from outside: every host found is exposed', async () => {
    const r = await readNmap(NMAP, { classifier, scannedFromOutside: true });
    expect(r.entries.every((e) => e.exposed)).toBe(true);
  });

  it('entity expansion is off: a DOCTYPE inside a host element is refused, references stay as written', () => {
    const bomb = '<host><!DOCTYPE x [<!ENTITY a "aaaa">]><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/></host>';
    expect(nmapHostEntry(bomb, undefined, { classifier })).toEqual({ error: 'a DOCTYPE or ENTITY inside a host element (refused)' });
    const e = nmapHostEntry('<host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><ports><port protocol="tcp" portid="104"><state state="open"/><service name="x&amp;y&foo;"/></port></ports></host>', undefined, { classifier });
    expect(e).toMatchObject({ ip: '10.0.0.1', services: [{ port: 104, service: 'x&y&foo;' }] });
  });

  it('malformed host elements are reported by index; a file that is not nmap XML is refused', async () => {
    const text = '<nmaprun start="1773655200"><host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/><ports><port protocol="tcp" portid="104"><state state="open"></port></ports></host>' +
      '<host><status state="up"/><address addr="10.0.0.2" addrtype="ipv4"/><ports><port protocol="tcp" portid="104"><state state="open"/></port></ports></host></nmaprun>';
    const r = await readNmap(text, { classifier, text: true });
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.line).toBe(1);
    expect(r.entries.map((e) => [e.ip, e.firstSeen])).toEqual([['10.0.0.2', '2026-03-16T10:00:00.000Z']]); // run start as the time
    await expect(readNmap('hello', { classifier, text: true })).rejects.toMatchObject({ code: 'INPUT_UNUSABLE' });
  });
});
