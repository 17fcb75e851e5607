/**
 * Listener parsers against fixtures written to each tool's documented output (fixtures/listeners/README.md cites
 * the documentation per file). Expected rows are derived by hand from the fixture lines.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeText, dicomPorts, hostFromFileName, mergeListeners, onPorts, parseListenerText, readListenerFile, readProcListeners, scopeOf,
  splitEndpoint, bindAddress, type Listener,
} from '../src/index.js';

const DIR = 'fixtures/listeners';

type Row = [host: string | undefined, address: string, port: number, scope: Listener['scope'], process?: string, pid?: number];

async function dicomRows(file: string): Promise<{ rows: Row[]; sources: string[]; reading: Awaited<ReturnType<typeof readListenerFile>> }> {
  const reading = await readListenerFile(join(DIR, file));
  const shown = mergeListeners(onPorts(reading.listeners, dicomPorts()));
  return {
    rows: shown.map((l) => [l.host, l.address, l.port, l.scope, l.process, l.pid] as Row),
    sources: [...new Set(shown.map((l) => l.source))],
    reading,
  };
}

describe('saved outputs, one per tool and OS', () => {
  it('ss -ltnp (iproute2): wildcard, loopback, a specific address, %zone, [::], *, the lowest pid of users:(...)', async () => {
    const { rows, sources, reading } = await dicomRows('pacs01-ss.txt');
    expect(sources).toEqual(['ss']);
    expect(rows).toEqual([
      ['pacs01', '0.0.0.0', 104, 'all', 'dcmqrscp', 2222],
      ['pacs01', '::', 104, 'all', 'dcmqrscp', 2222],
      ['pacs01', '*', 2761, 'all', 'java', 6666],
      ['pacs01', '::1', 2762, 'loopback', 'dcmtls', 5555],
      ['pacs01', '10.1.2.3', 4242, 'address', 'Orthanc', 4444], // pids 4445 and 4444 share the socket
      ['pacs01', '127.0.0.1', 11112, 'loopback', 'storescp', 3333],
      ['pacs01', 'fe80::5054:ff:fe12:3456', 11112, 'address', 'java', 6666],
    ]);
    expect(reading).toMatchObject({ records: 10, skipped: 0, errors: 0 });
    expect(reading.listeners).toHaveLength(10); // ssh and the resolver listen too, on other ports
  });

  it('legacy ss: *:104 and :::104, other states skipped', async () => {
    const { rows, reading } = await dicomRows('legacy-ss.txt');
    expect(rows).toEqual([
      ['legacy', '*', 104, 'all', undefined, undefined],
      ['legacy', '::', 104, 'all', undefined, undefined],
    ]);
    expect(reading.skippedBy).toEqual({ 'TCP socket in state ESTAB': 1, 'TCP socket in state TIME-WAIT': 1 });
  });

  it('Linux netstat -anp: PID/Program name, tcp6 :::, ::ffff: mapped, UDP and the UNIX section skipped', async () => {
    const { rows, sources, reading } = await dicomRows('pacs02-netstat.txt');
    expect(sources).toEqual(['netstat-linux']);
    expect(rows).toEqual([
      ['pacs02', '127.0.0.1', 104, 'loopback', 'storescp', 2346],
      ['pacs02', '::ffff:10.1.5.20', 2761, 'address', 'java', 2500],
      ['pacs02', '::1', 2762, 'loopback', undefined, undefined], // `-`: another user's process
      ['pacs02', '::', 4242, 'all', 'Orthanc', 2400],
      ['pacs02', '0.0.0.0', 11112, 'all', 'dcmrecv', 2345],
    ]);
    expect(reading.skippedBy).toEqual({ 'TCP socket in state ESTABLISHED': 1, 'udp socket': 1, 'not an Internet socket': 2 });
    expect(reading.errors).toBe(0);
  });

  it('macOS netstat -an: *.104 on tcp46, dotted ports, fe80::1%lo0 is loopback', async () => {
    const { rows, sources } = await dicomRows('mac01-netstat.txt');
    expect(sources).toEqual(['netstat-macos']);
    expect(rows).toEqual([
      ['mac01', '::', 104, 'all', undefined, undefined],
      ['mac01', 'fe80::1', 2761, 'loopback', undefined, undefined],
      ['mac01', '192.168.1.23', 2762, 'address', undefined, undefined],
      ['mac01', '::1', 4242, 'loopback', undefined, undefined],
      ['mac01', '127.0.0.1', 11112, 'loopback', undefined, undefined],
    ]);
  });

  it('Windows netstat -ano saved by PowerShell 5.1 (UTF-16LE, BOM, CRLF): [::]:104, [fe80::…%12], UDP skipped', async () => {
    const { rows, sources, reading } = await dicomRows('ws01-netstat.txt');
    expect(sources).toEqual(['netstat-windows']);
    expect(rows).toEqual([
      ['ws01', '0.0.0.0', 104, 'all', undefined, 4321],
      ['ws01', '::', 104, 'all', undefined, 4321],
      ['ws01', 'fe80::d1c4:2b3a:9f1e:77a0', 2761, 'address', undefined, 4700],
      ['ws01', '::1', 2762, 'loopback', undefined, 4600],
      ['ws01', '10.2.3.4', 4242, 'address', undefined, 4500],
      ['ws01', '127.0.0.1', 11112, 'loopback', undefined, 4400],
    ]);
    expect(reading.listeners[0]).toMatchObject({ file: `${DIR}/ws01-netstat.txt`, line: 5 });
  });

  it('German Windows netstat -anob in code page 850: listening by the unspecified remote, -b executables attached', async () => {
    const { rows } = await dicomRows('ws02-netstat.txt');
    expect(rows).toEqual([
      ['ws02', '0.0.0.0', 104, 'all', 'dcmqrscp.exe', 5120],
      ['ws02', '::', 4242, 'all', 'Orthanc.exe', 5300],
      ['ws02', '127.0.0.1', 11112, 'loopback', undefined, 5200],
    ]);
  });

  it('headerless `netstat -ano | findstr :104`', async () => {
    const { rows } = await dicomRows('ws06-findstr.txt');
    expect(rows).toEqual([
      ['ws06', '0.0.0.0', 104, 'all', undefined, 3888],
      ['ws06', '::', 104, 'all', undefined, 3888],
    ]);
  });

  it('macOS lsof -i -P -n: *:port by TYPE, \\x20 in COMMAND, connections and UDP skipped', async () => {
    const { rows, reading } = await dicomRows('mac02-lsof.txt');
    expect(rows).toEqual([
      ['mac02', '127.0.0.1', 104, 'loopback', 'OsiriX ', 1300],
      ['mac02', '::1', 2762, 'loopback', 'mdcmd', 1500],
      ['mac02', '0.0.0.0', 11112, 'all', 'Horos', 1201],
      ['mac02', '::', 11112, 'all', 'Horos', 1201],
    ]);
    expect(reading.listeners.find((l) => l.port === 104)?.user).toBe('alice');
    expect(reading.skippedBy).toEqual({ 'TCP connection in state ESTABLISHED': 1, 'UDP socket': 1 });
  });

  it('Linux lsof: a socket held by two processes is one listener with the lowest pid; ::ffff:127.0.0.1 is loopback', async () => {
    const { rows } = await dicomRows('pacs03-lsof.txt');
    expect(rows).toEqual([
      ['pacs03', '10.1.7.7', 104, 'address', 'dcmqrscp', 7001],
      ['pacs03', '::ffff:127.0.0.1', 2761, 'loopback', 'java', 7100],
      ['pacs03', '::', 4242, 'all', 'java', 7100],
    ]);
  });

  it('Get-NetTCPConnection | ConvertTo-Json (UTF-16LE): State 2 = Listen, 5 and 100 skipped, line = element index', async () => {
    const { rows, sources, reading } = await dicomRows('ws03-tcp.json');
    expect(sources).toEqual(['powershell-json']);
    expect(rows).toEqual([
      ['ws03', '0.0.0.0', 104, 'all', undefined, 6100],
      ['ws03', '::', 104, 'all', undefined, 6100],
      ['ws03', '10.3.4.5', 4242, 'address', undefined, 6300],
      ['ws03', '127.0.0.1', 11112, 'loopback', undefined, 6200],
    ]);
    expect(reading.skippedBy).toEqual({ 'TCP socket in state Established': 1, 'TCP socket in state Bound': 1 });
    expect(reading.listeners.find((l) => l.address === '::')?.line).toBe(1);
  });

  it('Export-Csv from several hosts: #TYPE line, PSComputerName is the host', async () => {
    const { rows, sources, reading } = await dicomRows('fleet.csv');
    expect(sources).toEqual(['powershell-csv']);
    expect(rows).toEqual([
      ['MOD-CT01', '0.0.0.0', 104, 'all', undefined, 2100],
      ['MOD-CT01', '::', 104, 'all', undefined, 2100],
      ['MOD-MR02', '10.4.0.12', 4242, 'address', undefined, 3200],
      ['MOD-MR02', '127.0.0.1', 11112, 'loopback', undefined, 3100],
    ]);
    expect(reading.listeners[0]).toMatchObject({ line: 3 });
  });

  it('Get-NetTCPConnection default table (UTF-16LE) and Format-List', async () => {
    expect((await dicomRows('ws04-table.txt')).rows).toEqual([
      ['ws04', '0.0.0.0', 104, 'all', undefined, 7100],
      ['ws04', '::', 104, 'all', undefined, 7100],
      ['ws04', '10.5.6.7', 2762, 'address', undefined, 7300],
      ['ws04', '::1', 11112, 'loopback', undefined, 7200],
    ]);
    expect((await dicomRows('ws05-list.txt')).rows).toEqual([
      ['ws05', '127.0.0.1', 104, 'loopback', undefined, 8200],
      ['ws05', '0.0.0.0', 4242, 'all', undefined, 8100],
    ]);
  });

  it('a saved /proc/net/tcp + tcp6: little-endian hex addresses, st 0A', async () => {
    const { rows, reading } = await dicomRows('pacs04-proc-net-tcp.txt');
    expect(rows).toEqual([
      ['pacs04', '0.0.0.0', 104, 'all', undefined, undefined],
      ['pacs04', '::', 104, 'all', undefined, undefined],
      ['pacs04', '::1', 2762, 'loopback', undefined, undefined],
      ['pacs04', '10.1.5.3', 4242, 'address', undefined, undefined],
      ['pacs04', '127.0.0.1', 11112, 'loopback', undefined, undefined],
    ]);
    expect(reading.skippedBy).toEqual({ 'TCP socket in state 01': 1 });
  });
});

describe('endpoints and scope', () => {
  it.each([
    ['0.0.0.0:104', '0.0.0.0', '104'],
    ['[::]:104', '::', '104'],
    [':::104', '::', '104'],
    ['*.104', '*', '104'],
    ['*:104', '*', '104'],
    ['127.0.0.1.104', '127.0.0.1', '104'],
    ['::1.104', '::1', '104'],
    ['::ffff:10.0.0.1:104', '::ffff:10.0.0.1', '104'],
    ['[::ffff:10.0.0.1]:104', '::ffff:10.0.0.1', '104'],
    ['fe80::1%lo0.104', 'fe80::1%lo0', '104'],
    ['[fe80::1%12]:104', 'fe80::1%12', '104'],
    ['[fe80::1]%eth0:104', 'fe80::1', '104'],
    ['127.0.0.53%lo:53', '127.0.0.53%lo', '53'],
    ['fe80::1%eth0.100:104', 'fe80::1%eth0.100', '104'],
    ['*%eth0:104', '*%eth0', '104'],
  ])('%s splits into %s and %s', (text, address, port) => {
    expect(splitEndpoint(text)).toEqual({ address, port });
  });

  it.each([
    ['*', 'all'], ['*%eth0', 'all'], ['0.0.0.0%eth0', 'all'], ['0.0.0.0', 'all'], ['::', 'all'], ['::ffff:0.0.0.0', 'all'], ['0:0:0:0:0:0:0:0', 'all'],
    ['127.0.0.1', 'loopback'], ['127.8.9.10', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'], ['localhost', 'loopback'],
    ['10.1.2.3', 'address'], ['fe80::1', 'address'], ['::ffff:10.1.2.3', 'address'], ['2001:db8::1', 'address'], ['pacs01', 'address'],
  ] as const)('%s is %s', (address, scope) => {
    expect(scopeOf(bindAddress(address))).toBe(scope);
  });

  it('host names from file names', () => {
    expect(['pacs01.txt', 'out/pacs01-ss.txt.gz', 'pacs01_netstat.log', 'pacs01.lsof.txt', 'ws03-tcp.json', 'pacs01.hospital.local.json', '-'].map(hostFromFileName))
      .toEqual(['pacs01', 'pacs01', 'pacs01', 'pacs01', 'ws03', 'pacs01.hospital.local', undefined]);
    // a stream's path names no host (`<(cat pacs01-ss.txt)` is /dev/fd/63, not host "63")
    expect(['/dev/stdin', '/dev/fd/63', '/proc/self/fd/0', '/proc/4242/fd/3', '/srv/dev/fd/pacs02.txt'].map(hostFromFileName))
      .toEqual([undefined, undefined, undefined, undefined, 'pacs02']);
  });
});

describe('decoding and bad input', () => {
  const SS = 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nLISTEN 0 50 0.0.0.0:104 0.0.0.0:*\n';
  it.each([
    ['UTF-8', Buffer.from(SS)],
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SS)])],
    ['UTF-16LE with BOM', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(SS, 'utf16le')])],
    ['UTF-16LE without BOM', Buffer.from(SS, 'utf16le')],
    ['UTF-16BE with BOM', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(SS, 'utf16le').swap16()])],
    ['gzip', gzipSync(Buffer.from(SS))],
    ['CRLF', Buffer.from(SS.replace(/\n/g, '\r\n'))],
  ])('%s', async (_, bytes) => {
    expect(decodeText(bytes).replace(/\r/g, '')).toBe(SS);
    const r = await readListenerFile(bytes, { file: 'x.txt', host: 'h' });
    expect(r.listeners.map((l) => [l.host, l.address, l.port, l.scope])).toEqual([['h', '0.0.0.0', 104, 'all']]);
  });

  it('malformed rows are counted with their line; nothing throws', () => {
    const text = [
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name',
      'tcp        0      0 0.0.0.0:99999           0.0.0.0:*               LISTEN      1/x',
      'tcp        0      0 0.0.0.0                 0.0.0.0:*               LISTEN      1/x',
      'tcp        0      0 0.0.0.0:104             0.0.0.0:*               LISTEN      7/storescp',
      'garbage \u0000\u0001 line',
      '  TCP    0.0.0.0:-5             0.0.0.0:0              LISTENING       4321',
    ].join('\n');
    const r = parseListenerText(text, { file: 'bad.txt' });
    expect(r.problems).toEqual([
      { line: 2, message: "local address '0.0.0.0:99999': '99999' is not a port" },
      { line: 3, message: "local address '0.0.0.0' has no port" },
      { line: 6, message: "local address '0.0.0.0:-5': '-5' is not a port" },
    ]);
    expect(r).toMatchObject({ records: 5, errors: 3, skipped: 1 });
    expect(r.listeners.map((l) => [l.port, l.pid, l.line])).toEqual([[104, 7, 4]]);
  });

  it('a JSON document that is not PowerShell output, and an empty file', () => {
    expect(parseListenerText('[1, {"foo": 2}]', { file: 'x.json' })).toMatchObject({ records: 2, errors: 2, listeners: [] });
    expect(parseListenerText('', { file: 'empty.txt' })).toMatchObject({ records: 0, errors: 0, listeners: [] });
  });

  it('an unreadable file is INPUT_UNREADABLE naming it', async () => {
    await expect(readListenerFile('/nonexistent/ss.txt')).rejects.toMatchObject({ code: 'INPUT_UNREADABLE', message: expect.stringContaining('/nonexistent/ss.txt') });
  });
});

describe('live /proc, from a fake proc tree', () => {
  const ROOT = mkdtempSync(join(tmpdir(), 'dicomwatch-proc-'));
  afterAll(() => rmSync(ROOT, { recursive: true, force: true }));
  mkdirSync(join(ROOT, 'net'));
  writeFileSync(join(ROOT, 'net', 'tcp'), [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000:0068 00000000:0000 0A 00000000:00000000 00:00000000 00000000   998        0 40001 1 0000000000000000 100 0 0 10 0',
    '   1: 0100007F:2B68 00000000:0000 0A 00000000:00000000 00:00000000 00000000   998        0 40002 1 0000000000000000 100 0 0 10 0',
    '   2: 0305010A:0068 0909010A:C38A 01 00000000:00000000 00:00000000 00000000   998        0 40004 1 0000000000000000 20 4 30 10 -1',
    '',
  ].join('\n'));
  writeFileSync(join(ROOT, 'net', 'tcp6'), [
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000000000000000000001000000:1092 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000   998        0 40003 1 0000000000000000 100 0 0 10 0',
    '',
  ].join('\n'));
  for (const [pid, comm, links] of [[300, 'storescp', { 3: 'socket:[40002]', 4: 'pipe:[1]' }], [200, 'dcmqrscp', { 5: 'socket:[40001]' }], [201, 'dcmqrscp', { 5: 'socket:[40001]' }]] as const) {
    mkdirSync(join(ROOT, String(pid), 'fd'), { recursive: true });
    writeFileSync(join(ROOT, String(pid), 'comm'), `${comm}\n`);
    for (const [fd, target] of Object.entries(links)) symlinkSync(target, join(ROOT, String(pid), 'fd', fd));
  }

  it('maps listening sockets to the lowest pid holding them; an unowned socket keeps no process', () => {
    const r = readProcListeners({ root: ROOT, host: 'pacs09', littleEndian: true });
    expect(onPorts(mergeListeners(r.listeners), dicomPorts()).map((l) => [l.host, l.address, l.port, l.scope, l.process, l.pid, l.source])).toEqual([
      ['pacs09', '0.0.0.0', 104, 'all', 'dcmqrscp', 200, 'proc'],
      ['pacs09', '::1', 4242, 'loopback', undefined, undefined, 'proc'],
      ['pacs09', '127.0.0.1', 11112, 'loopback', 'storescp', 300, 'proc'],
    ]);
    expect(r).toMatchObject({ unmapped: 1, records: 4, skipped: 1 });
  });

  it('no socket tables: INPUT_UNREADABLE that says to use saved outputs', () => {
    expect(() => readProcListeners({ root: join(ROOT, 'nothing') })).toThrow(/saved outputs/);
  });
});
