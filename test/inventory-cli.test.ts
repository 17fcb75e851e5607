/**
 * `dicomwatch listeners` and `dicomwatch inventory` end to end (the built CLI as a child process), including the
 * Linux integration test: a real listener on 127.0.0.1, found live from /proc with scope loopback and our pid.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';

const TMP = mkdtempSync(join(tmpdir(), 'dicomwatch-inventory-cli-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

const lines = (text: string) => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('listeners, live (Linux /proc)', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  it('finds a real listener on 127.0.0.1 with scope loopback and the pid holding it', async () => {
    const r = await runCli(['listeners', '--ports', String(port), '--output', 'jsonl']);
    expect(r.code).toBe(0);
    const found = lines(r.stdout).filter((l) => l.port === port);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ address: '127.0.0.1', port, protocol: 'tcp', scope: 'loopback', pid: process.pid, source: 'proc', verdict: 'contained' });
    expect(typeof found[0]!.process).toBe('string');
    expect(r.stderr).toMatch(/\/proc\/net\/tcp\{,6\}, \d+ records read/);
  });

  it('--fail-on-finding does not fire for a loopback-only listener', async () => {
    const r = await runCli(['listeners', '--ports', String(port), '--output', 'jsonl', '--fail-on-finding', '-q']);
    const mine = lines(r.stdout).filter((l) => l.port === port);
    expect(mine).toHaveLength(1);
    // Other DICOM listeners on this machine could be reachable; only ours is known here.
    expect(r.code === 0 || lines(r.stdout).some((l) => l.verdict === 'reachable')).toBe(true);
    expect(r.stderr).toBe('');
  });
});

describe('listeners, saved outputs', () => {
  it('the JSONL contract: keys in order, absent when unknown, file and line', async () => {
    const r = await runCli(['listeners', 'fixtures/listeners/pacs02-netstat.txt', '--output', 'jsonl']);
    expect(r.code).toBe(0);
    const out = r.stdout.split('\n').filter(Boolean);
    expect(out[0]).toBe('{"host":"pacs02","address":"127.0.0.1","port":104,"protocol":"tcp","scope":"loopback","process":"storescp","pid":2346,"source":"netstat-linux","verdict":"contained","file":"fixtures/listeners/pacs02-netstat.txt","line":5}');
    expect(out[2]).toBe('{"host":"pacs02","address":"::1","port":2762,"protocol":"tcp","scope":"loopback","source":"netstat-linux","verdict":"contained","file":"fixtures/listeners/pacs02-netstat.txt","line":8}');
    expect(r.stderr).toContain('6 listening TCP sockets (netstat-linux)');
  });

  it('several files at once, CSV, and --fail-on-finding exits 1 on a reachable listener', async () => {
    const r = await runCli(['listeners', 'fixtures/listeners/ws05-list.txt', 'fixtures/listeners/fleet.csv', '--output', 'csv', '--fail-on-finding']);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'host,address,port,protocol,scope,process,pid,user,source,verdict,file,line',
      'MOD-CT01,0.0.0.0,104,tcp,all,,2100,,powershell-csv,reachable,fixtures/listeners/fleet.csv,3',
      'MOD-CT01,::,104,tcp,all,,2100,,powershell-csv,reachable,fixtures/listeners/fleet.csv,4',
      'MOD-MR02,10.4.0.12,4242,tcp,address,,3200,,powershell-csv,reachable,fixtures/listeners/fleet.csv,7',
      'MOD-MR02,127.0.0.1,11112,tcp,loopback,,3100,,powershell-csv,contained,fixtures/listeners/fleet.csv,6',
      'ws05,127.0.0.1,104,tcp,loopback,,8200,,powershell-list,contained,fixtures/listeners/ws05-list.txt,13',
      'ws05,0.0.0.0,4242,tcp,all,,8100,,powershell-list,reachable,fixtures/listeners/ws05-list.txt,3',
      '',
    ]);
  });

  it('stdin with --host; loopback only: --fail-on-finding exits 0', async () => {
    const r = await runCli(['listeners', '-', '--host', 'pacs07', '--output', 'jsonl', '--fail-on-finding'], {
      input: 'tcp4       0      0  127.0.0.1.104          *.*                    LISTEN\r\n',
    });
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      { host: 'pacs07', address: '127.0.0.1', port: 104, protocol: 'tcp', scope: 'loopback', source: 'netstat-macos', verdict: 'contained', file: '-', line: 1 },
    ]);
  });

  it('malformed lines are reported as file:line and counted, not fatal; a missing file is exit 2', async () => {
    const bad = join(TMP, 'bad-ss.txt');
    writeFileSync(bad, 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 5 0.0.0.0:104 0.0.0.0:*\nLISTEN 0 5 0.0.0.0:70000 0.0.0.0:*\n');
    const r = await runCli(['listeners', bad, '--output', 'jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`${bad}:3: MALFORMED: local address '0.0.0.0:70000': '70000' is not a port`);
    expect(r.stderr).toContain('1 malformed');
    expect(lines(r.stdout)).toHaveLength(1);
    const missing = await runCli(['listeners', join(TMP, 'nope.txt')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.txt: cannot read (ENOENT)');
  });

  it('--all-ports lists every listening socket', async () => {
    const r = await runCli(['listeners', 'fixtures/listeners/pacs01-ss.txt', '--all-ports', '--output', 'jsonl', '-q']);
    expect(lines(r.stdout).map((l) => l.port)).toEqual([22, 22, 53, 104, 104, 2761, 2762, 4242, 11112, 11112]);
  });
});

describe('inventory', () => {
  it('from traffic, as a table, with --known; --fail-on-finding exits 1', async () => {
    const r = await runCli(['inventory', 'fixtures/inventory/traffic.csv', '--known', 'fixtures/inventory/assets.csv', '--output', 'jsonl', '--fail-on-finding']);
    expect(r.code).toBe(1);
    const entries = lines(r.stdout);
    expect(entries.map((e) => [e.ip, e.exposed, e.known])).toEqual([
      ['10.1.2.6', true, false], ['fd00::10', true, false], ['10.1.2.3', true, true], ['10.1.2.7', false, false], ['10.1.2.4', false, true],
    ]);
    expect(Object.keys(entries[2]!)).toEqual([
      'ip', 'ports', 'firstSeen', 'lastSeen', 'peers', 'externalPeers', 'exposed', 'known', 'devices', 'bytes', 'connections', 'source', 'externalPeerSample',
    ]);
    expect(r.stderr).toContain('5 DICOM servers (3 exposed, 3 not on fixtures/inventory/assets.csv)');
  });

  it('nothing exposed and everything known: --fail-on-finding exits 0', async () => {
    const logs = join(TMP, 'quiet.csv');
    const assets = join(TMP, 'assets.csv');
    writeFileSync(logs, 'TimeGenerated,SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,DeviceAction\n2026-03-16T10:00:00Z,10.0.0.5,5000,10.1.2.4,104,TCP,Allow\n');
    writeFileSync(assets, 'ip\n10.1.2.4\n');
    const r = await runCli(['inventory', logs, '--known', assets, '--output', 'csv', '--fail-on-finding', '-q']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ip,ports,firstSeen,lastSeen,peers,externalPeers,exposed,known,bytes,connections,devices,source\n' +
      '10.1.2.4,104,2026-03-16T10:00:00.000Z,2026-03-16T10:00:00.000Z,1,0,false,true,,1,,traffic\n');
  });

  it('--nmap alone (stdin is not read), and together with logs', async () => {
    const nmap = await runCli(['inventory', '--nmap', 'fixtures/inventory/scan.xml', '--output', 'jsonl']);
    expect(nmap.code).toBe(0);
    expect(lines(nmap.stdout).map((e) => [e.ip, e.source, e.ports])).toEqual([
      ['203.0.113.80', 'nmap', [104]], ['10.1.2.3', 'nmap', [104]], ['10.1.2.21', 'nmap', [2345]], ['10.1.60.5', 'nmap', [11112]],
    ]);
    const both = await runCli(['inventory', 'fixtures/inventory/traffic.csv', '--nmap', 'fixtures/inventory/scan.xml', '--output', 'jsonl', '-q']);
    expect(lines(both.stdout).filter((e) => e.ip === '10.1.2.3').map((e) => e.source)).toEqual(['traffic', 'nmap']);
  });

  it('an address in several --nmap files is one entry: the same file twice changes nothing, a second scan adds its ports', async () => {
    const once = await runCli(['inventory', '--nmap', 'fixtures/inventory/scan.xml', '--output', 'jsonl', '-q']);
    const twice = await runCli(['inventory', '--nmap', 'fixtures/inventory/scan.xml', '--nmap', 'fixtures/inventory/scan.xml', '--output', 'jsonl']);
    expect(twice.code).toBe(0);
    expect(twice.stdout).toBe(once.stdout);
    expect(twice.stderr).toMatch(/; 4 DICOM servers \(/);
    const later = join(TMP, 'later.xml');
    writeFileSync(later, '<?xml version="1.0"?><nmaprun start="1773741600"><host starttime="1773741601" endtime="1773741609"><status state="up"/>' +
      '<address addr="10.1.2.3" addrtype="ipv4"/><ports><port protocol="tcp" portid="11112"><state state="open"/><service name="dicom"/></port></ports></host></nmaprun>\n');
    const merged = lines((await runCli(['inventory', '--nmap', 'fixtures/inventory/scan.xml', '--nmap', later, '--output', 'jsonl', '-q'])).stdout);
    expect(merged.filter((e) => e.ip === '10.1.2.3')).toEqual([expect.objectContaining({ ports: [104, 11112], source: 'nmap', lastSeen: '2026-03-17T10:00:09.000Z' })]);
    expect(merged).toHaveLength(4);
  });

  it('bad --known and bad --nmap are reported by name with exit 2', async () => {
    const noIp = join(TMP, 'names.csv');
    writeFileSync(noIp, 'name,room\npacs,1\n');
    const k = await runCli(['inventory', 'fixtures/inventory/traffic.csv', '--known', noIp]);
    expect(k.code).toBe(2);
    expect(k.stderr).toContain(`--known: ${noIp}: no IP column`);
    const n = await runCli(['inventory', '--nmap', 'fixtures/inventory/assets.csv']);
    expect(n.code).toBe(2);
    expect(n.stderr).toContain('fixtures/inventory/assets.csv: not nmap XML');
  });
});

describe('listeners on a file no tool wrote', () => {
  it('is an unreadable input (exit 2, named), not a host without listeners: a scheduled audit does not pass on it', async () => {
    const r = await runCli(['listeners', 'fixtures/syslog/mixed.log', '--fail-on-finding']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fixtures/syslog/mixed.log: not the saved output of a known tool');
    const ok = await runCli(['listeners', 'fixtures/listeners/pacs01-ss.txt', '--output', 'jsonl']);
    expect(ok.code).toBe(0);
  });
});
