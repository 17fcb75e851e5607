/**
 * Issue 7, "Trust on awkward input": the generic header formats (CSV/TSV, JSON Lines, JSON arrays) on the inputs
 * real exports produce — `null` in empty columns, the vocabularies of Splunk CIM, ECS, ASIM, CommonSecurityLog and
 * OCSF, IPv6 addresses in labelled custom slots, local-time headers, year-less and compact timestamps. Records are
 * written here from the formats' documentation; values use documentation addresses.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonEvents, type JsonEvent } from './helpers/events.js';
import { describeColumns, explainUnreadInput, explainUnusedInput } from '../src/parsers/explain.js';
import { InputFileError } from '../src/parsers/errors.js';
import { emptyInfo, parseText, type RecordParserOptions } from '../src/parsers/record-parser.js';
import type { ColumnReport, RecordOutcome } from '../src/parsers/types.js';
import { UsageError } from '../src/cli/options.js';
import { parseColumnMap, parseYear } from '../src/cli/validate.js';
import { runCli } from './helpers/cli.js';

const ctx: RecordParserOptions = { file: 'in', tz: 'UTC' };

function events(outcomes: readonly RecordOutcome[]): JsonEvent[] {
  return jsonEvents(outcomes);
}

function codes(outcomes: RecordOutcome[]): string[] {
  return outcomes.map((o) => (o.kind === 'events' ? 'ok' : o.code));
}

const jsonl = (...records: unknown[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

const TMP = mkdtempSync(join(tmpdir(), 'dicomwatch-trust-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));
function tmpFile(name: string, text: string): string {
  const file = join(TMP, name);
  writeFileSync(file, text);
  return file;
}

describe('point 6: an unusable optional value does not cost the row', () => {
  it('keeps CommonSecurityLog rows whose SentBytes/ReceivedBytes are `null` (eStreamer, Forcepoint)', () => {
    const { outcomes, info } = parseText(
      'TimeGenerated,DeviceVendor,DeviceProduct,SourceIP,SourcePort,DestinationIP,DestinationPort,Protocol,SentBytes,ReceivedBytes\n' +
        '2026-03-16T10:02:11Z,Cisco,Firepower,203.0.113.7,51515,10.1.2.3,104,TCP,null,null\n' +
        '2026-03-16T10:05:00Z,Forcepoint,NGFW,198.51.100.23,40001,10.1.2.4,104,6,NULL,null\n',
      ctx,
    );
    expect(codes(outcomes)).toEqual(['ok', 'ok']);
    expect(events(outcomes)[0]).toEqual({
      time: '2026-03-16T10:02:11.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp',
      vendor: 'Cisco', product: 'Firepower', format: 'csv', file: 'in', line: 2,
    });
    // `null` says "no value": absent, not an unusable value
    expect(info.unusableBy).toEqual({});
  });

  it('reads JSON null, empty text, `-` and `null` as absent in every optional field, dstPort included', () => {
    const base = { TimeGenerated: '2026-03-16T10:00:00Z', SourceIP: '203.0.113.7', DestinationIP: '10.1.2.3' };
    const optional = ['SourcePort', 'DestinationPort', 'Protocol', 'DeviceAction', 'SentBytes', 'ReceivedBytes', 'bytes', 'packets', 'DeviceName', 'DeviceVendor', 'DeviceProduct'];
    const records = [null, '', '-', 'null', ' NULL '].map((v) => ({ ...base, ...Object.fromEntries(optional.map((k) => [k, v])) }));
    const { outcomes, info } = parseText(jsonl(...records), ctx);
    expect(codes(outcomes)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok']);
    for (const e of events(outcomes)) expect(Object.keys(e).sort()).toEqual(['dstIp', 'file', 'format', 'line', 'srcIp', 'time']);
    expect(info.unusableBy).toEqual({});
  });

  it('leaves an unusable value out, counts it per field and keeps the row', () => {
    const unusable: string[] = [];
    const { outcomes, info } = parseText(
      'time,src_ip,src_port,dst_ip,dst_port,protocol,bytes,packets,sent_bytes,received_bytes\n' +
        '2026-03-16T10:00:00Z,203.0.113.7,abc,10.1.2.3,70000,300,1.5,-3,x,10\n' +
        '2026-03-16T10:00:01Z,203.0.113.7,5000,10.1.2.3,104,tcp,60,1,,\n' +
        '2026-03-16T10:00:02Z,203.0.113.7,5001,10.1.2.3,104,tpc,60,1,,\n', // no IANA keyword: no value of the model
      { ...ctx, observe: { columns() {}, unusable: (field) => unusable.push(field) } },
    );
    expect(codes(outcomes)).toEqual(['ok', 'ok', 'ok']);
    expect(events(outcomes)[2]).not.toHaveProperty('protocol');
    expect(events(outcomes)[0]).toEqual({ time: '2026-03-16T10:00:00.000Z', srcIp: '203.0.113.7', dstIp: '10.1.2.3', format: 'csv', file: 'in', line: 2 });
    expect(events(outcomes)[1]).toMatchObject({ srcPort: 5000, dstPort: 104, protocol: 'tcp', bytes: 60, packets: 1 });
    expect(info.unusableBy).toEqual({ srcPort: 1, dstPort: 1, protocol: 2, bytes: 1, packets: 1, srcBytes: 1 });
    expect(unusable.sort()).toEqual(['bytes', 'dstPort', 'packets', 'protocol', 'protocol', 'srcBytes', 'srcPort']);
  });

  it('a header naming a used column twice says so once (the first is read); a repeated unused one is quiet', () => {
    const text = 'TimeGenerated,SourceIP,DestinationIP,SourceIP,Note,Note\n2026-03-16T10:00:00Z,,10.1.2.3,203.0.113.7,a,b\n';
    const { outcomes, info } = parseText(text, { ...ctx, format: 'csv' });
    expect(info.notes).toEqual(["header: column 'SourceIP' is there twice (columns 2 and 4): the first is read"]);
    expect(outcomes[0]).toMatchObject({ kind: 'error', code: 'MISSING_FIELD' }); // the first SourceIP is empty
    expect(parseText('TimeGenerated,SourceIP,DestinationIP,Note,Note\n2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,a,b\n', ctx).info.notes).toEqual([]);
  });

  it('counts a non-text vendor in JSON, but not action words that state no decision', () => {
    const { outcomes, info } = parseText(
      jsonl({ ts: '2026-03-16T10:00:00Z', src_ip: '203.0.113.7', dst_ip: '10.1.2.3', dst_port: 104, action: 'close', vendor: true }),
      ctx,
    );
    expect(events(outcomes)[0]).not.toHaveProperty('action');
    expect(info.unusableBy).toEqual({ vendor: 1 });
  });

  it('a `-` or null in a required field is a missing value (MISSING_FIELD), not a bad address', () => {
    const { outcomes } = parseText(
      'time,src_ip,dst_ip,dst_port\n' +
        '2026-03-16T10:00:00Z,-,10.1.2.3,104\n' +
        '2026-03-16T10:00:00Z,203.0.113.7,null,104\n' +
        '-,203.0.113.7,10.1.2.3,104\n' +
        '2026-03-16T10:00:00Z,-,-,104\n',
      ctx,
    );
    expect(outcomes.map((o) => (o.kind === 'events' ? 'ok' : `${o.code}: ${o.message}`))).toEqual([
      'MISSING_FIELD: no source address',
      'MISSING_FIELD: no destination address',
      'MISSING_FIELD: no timestamp',
      'NOT_A_CONNECTION: no source or destination address',
    ]);
  });

  it('CLI: the summary lists unusable values per field; the CommonSecurityLog fixture loses no connection', async () => {
    const bad = tmpFile('bad-optional.csv', 'time,src_ip,dst_ip,dst_port,sent_bytes,received_bytes\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,104,abc,12\n2026-03-16T10:00:01Z,203.0.113.7,10.1.2.3,104,x,y\n');
    const r = await runCli(['parse', bad]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('dicomwatch: 1 file, 2 records read: 2 parsed (2 events), 0 skipped, 0 malformed, 3 unusable values left out (srcBytes 2, dstBytes 1)\n');

    const fixture = await runCli(['scan', 'fixtures/commonsecuritylog.csv', '--output', 'csv']);
    expect(fixture.code).toBe(0);
    expect(fixture.stdout).toBe('SourceIP,DestinationIP,TimeGenerated,count_\n' +
      '198.51.100.23,10.1.2.4,2026-03-16T10:00:00.000Z,2\n' +
      '2001:db8:dead:beef::7,2001:db8:100::10,2026-03-16T10:00:00.000Z,2\n' +
      '203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,2\n');
    expect(fixture.stderr).toMatch(/7 records read: 6 parsed \(6 events\), 1 skipped \(filtered 1\), 0 malformed, 6 events matched, 3 alerts\n$/);
  });
});

describe('point 7: the common vocabularies', () => {
  it('Splunk CIM Network Traffic: src/dest, *_ip, *_port, transport over protocol=ip, bytes_in/out', () => {
    const { outcomes } = parseText(jsonl(
      { _time: '2026-03-16T10:15:02.000+00:00', src: 'scanner.example', src_ip: '203.0.113.7', src_port: '51515', dest: 'pacs01', dest_ip: '10.1.2.3',
        dest_port: '104', transport: 'tcp', protocol: 'ip', action: 'blocked', bytes_in: '40', bytes_out: '60', packets_in: 1, packets_out: 2, dvc: 'fw01', vendor_product: 'Example Firewall' },
      { _time: '2026-03-16T10:15:03Z', src: '198.51.100.23', dest: '10.1.2.3', dest_port: 104, transport: 'udp', action: 'allowed' },
    ), ctx);
    expect(events(outcomes)).toEqual([
      { time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', action: 'deny',
        bytes: 100, packets: 3, device: 'fw01', product: 'Example Firewall', format: 'jsonl', file: 'in', line: 1 },
      { time: '2026-03-16T10:15:03.000Z', srcIp: '198.51.100.23', dstIp: '10.1.2.3', dstPort: 104, protocol: 'udp', action: 'allow', format: 'jsonl', file: 'in', line: 2 },
    ]);
  });

  it('a CIM `src` that is a host name gives way to src_ip; alone, it is a bad address', () => {
    const { outcomes } = parseText(
      'src,src_ip,dest,dest_ip,dest_port,_time\n' +
        'scanner.example,203.0.113.7,10.1.2.3,,104,2026-03-16T10:00:00Z\n' +
        'scanner.example,,10.1.2.3,,104,2026-03-16T10:00:00Z\n',
      ctx,
    );
    expect(events(outcomes)[0]).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.1.2.3' });
    expect(outcomes[1]).toMatchObject({ kind: 'error', code: 'BAD_ADDRESS', message: 'src: not an IP address: "scanner.example"' });
  });

  it('ECS: nested source/destination, network.iana_number, event.type as a list, observer', () => {
    const { outcomes } = parseText(jsonl({
      '@timestamp': '2026-03-16T10:15:02.123Z',
      source: { ip: '203.0.113.7', port: 51515, bytes: 60, packets: 1 },
      destination: { ip: '10.1.2.3', port: 104, bytes: 0, packets: 0 },
      network: { iana_number: '6' },
      event: { type: ['connection', 'denied'], outcome: 'failure' },
      observer: { hostname: 'fw01', vendor: 'Example', product: 'NGFW' },
    }), ctx);
    expect(events(outcomes)[0]).toEqual({
      time: '2026-03-16T10:15:02.123Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', action: 'deny',
      bytes: 60, packets: 1, device: 'fw01', vendor: 'Example', product: 'NGFW', format: 'jsonl', file: 'in', line: 1,
    });
  });

  it('ASIM NetworkSession: SrcIpAddr, DstPortNumber, NetworkProtocol, DvcAction, NetworkBytes, EventVendor/EventProduct', () => {
    const { outcomes } = parseText(
      'TimeGenerated\tSrcIpAddr\tSrcPortNumber\tDstIpAddr\tDstPortNumber\tNetworkProtocol\tDvcAction\tSrcBytes\tDstBytes\tNetworkBytes\tDvc\tEventVendor\tEventProduct\tEventCount\n' +
        '2026-03-16T10:15:02Z\t203.0.113.7\t51515\t10.1.2.3\t104\tTCP\tDeny\t60\t0\t60\tfw01\tFortinet\tFortiGate\t1\n',
      ctx,
    );
    expect(events(outcomes)[0]).toEqual({
      time: '2026-03-16T10:15:02.000Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', action: 'deny',
      bytes: 60, device: 'fw01', vendor: 'Fortinet', product: 'FortiGate', format: 'csv', file: 'in', line: 2,
    });
  });

  it('OCSF Network Activity (4001): endpoints, connection_info, epoch-ms time, disposition, traffic, device, metadata', () => {
    const { outcomes } = parseText(jsonl({
      class_uid: 4001, activity_id: 5, time: 1773656102123,
      src_endpoint: { ip: '203.0.113.7', port: 51515 }, dst_endpoint: { ip: '10.1.2.3', port: 104 },
      connection_info: { protocol_name: 'tcp', protocol_num: 6, direction_id: 1 },
      disposition: 'Blocked', disposition_id: 2,
      traffic: { bytes_in: 0, bytes_out: 60, packets_in: 0, packets_out: 1 },
      device: { hostname: 'fw01' }, metadata: { product: { vendor_name: 'Example', name: 'NGFW' }, version: '1.1.0' },
    }), ctx);
    expect(events(outcomes)[0]).toEqual({
      time: '2026-03-16T10:15:02.123Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', action: 'deny',
      bytes: 60, packets: 1, device: 'fw01', vendor: 'Example', product: 'NGFW', format: 'jsonl', file: 'in', line: 1,
    });
  });

  it('Zeek conn.log JSON: id.orig_h / id.resp_h / id.resp_p, proto, orig/resp bytes', () => {
    const { outcomes } = parseText(jsonl({ ts: 1773656102.5, uid: 'C1', 'id.orig_h': '203.0.113.7', 'id.orig_p': 51515, 'id.resp_h': '10.1.2.3', 'id.resp_p': 104, proto: 'tcp', orig_bytes: 60, resp_bytes: 40, orig_pkts: 2, resp_pkts: 1 }), ctx);
    expect(events(outcomes)[0]).toMatchObject({ time: '2026-03-16T10:15:02.500Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.1.2.3', dstPort: 104, protocol: 'tcp', bytes: 100, packets: 3 });
  });

  it('CommonSecurityLog: addresses only in DeviceCustomIPv6Address1..4, bound by their labels per record', () => {
    const header = 'TimeGenerated,SourceIP,DestinationIP,DestinationPort,DeviceCustomIPv6Address1,DeviceCustomIPv6Address1Label,DeviceCustomIPv6Address3,DeviceCustomIPv6Address3Label\n';
    const { outcomes } = parseText(header +
      '2026-03-16T10:00:00Z,,,104,2001:db8::7,Source IPv6 Address,2001:db8:100::10,Destination IPv6 Address\n' +
      // the same slots, the other way round
      '2026-03-16T10:00:01Z,,,104,2001:db8:100::10,Destination IPv6 Address,2001:db8::7,Source IPv6 Address\n' +
      // a label that is neither: the slot is not an address of the connection
      '2026-03-16T10:00:02Z,203.0.113.7,,104,2001:db8::99,Device IPv6 Address,,\n' +
      // SourceIP/DestinationIP win over the slots
      '2026-03-16T10:00:03Z,203.0.113.7,10.1.2.3,104,2001:db8::7,Source IPv6 Address,2001:db8:100::10,Destination IPv6 Address\n', ctx);
    expect(outcomes.map((o) => (o.kind === 'events' ? `${o.events[0]!.srcIp} > ${o.events[0]!.dstIp}` : o.code))).toEqual([
      '2001:db8::7 > 2001:db8:100::10',
      '2001:db8::7 > 2001:db8:100::10',
      'MISSING_FIELD',
      '203.0.113.7 > 10.1.2.3',
    ]);
    // the same in JSON (Log Analytics JSON exports write null for empty columns)
    const json = parseText(jsonl({ TimeGenerated: '2026-03-16T10:00:00Z', SourceIP: null, DestinationIP: null, DestinationPort: 104,
      DeviceCustomIPv6Address2: '2001:db8:100::10', DeviceCustomIPv6Address2Label: 'Destination IPv6 Address',
      DeviceCustomIPv6Address4: '2001:db8::7', DeviceCustomIPv6Address4Label: 'Source IPv6 Address' }), ctx);
    expect(events(json.outcomes)[0]).toMatchObject({ srcIp: '2001:db8::7', dstIp: '2001:db8:100::10' });
  });

  it('Sentinel AZFWNetworkRule / AWSVPCFlow names', () => {
    const azfw = parseText(jsonl({ TimeGenerated: '2026-03-16T10:00:00Z', SourceIp: '203.0.113.7', SourcePort: 5000, DestinationIp: '10.1.2.3', DestinationPort: 104, Protocol: 'TCP', Action: 'Deny' }), ctx);
    expect(events(azfw.outcomes)[0]).toMatchObject({ srcIp: '203.0.113.7', dstPort: 104, action: 'deny' });
    const vpc = parseText(jsonl({ Start: 1773656102, SrcAddr: '203.0.113.7', DstAddr: '10.1.2.3', SrcPort: 5000, DstPort: 104, Protocol: 6, Action: 'REJECT', Packets: 1, Bytes: 40 }), ctx);
    expect(events(vpc.outcomes)[0]).toMatchObject({ time: '2026-03-16T10:15:02.000Z', protocol: 'tcp', action: 'deny', bytes: 40, packets: 1 });
  });

  it('unwraps a Splunk export row without `preview`, but not a record that merely has a `result` key', () => {
    const inner = { _time: '2026-03-16T10:00:00Z', src_ip: '203.0.113.7', dest_ip: '10.1.2.3', dest_port: '104' };
    const { outcomes } = parseText(jsonl({ result: inner }, { offset: 3, lastrow: true, result: inner },
      { ...inner, result: { status: 'ok' } }), ctx);
    expect(codes(outcomes)).toEqual(['ok', 'ok', 'ok']);
  });
});

describe('point 7: saying which columns were used, and why a file yielded nothing', () => {
  it('reports the CSV layout once, at the header, and each new JSON key set', () => {
    const reports: ColumnReport[] = [];
    const observe = { columns: (r: ColumnReport) => reports.push(r), unusable() {} };
    parseText('TimeGenerated [UTC],SourceIP,DestinationIP,DestinationPort,DeviceName,Computer,Note\n' +
      '2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,104,fw01,coll,x\n2026-03-16T10:00:01Z,203.0.113.7,10.1.2.3,104,fw01,coll,y\n', { ...ctx, observe });
    expect(reports).toEqual([{
      used: { time: 'TimeGenerated [UTC]', srcIp: 'SourceIP', dstIp: 'DestinationIP', dstPort: 'DestinationPort', device: 'DeviceName | Computer' },
      available: ['TimeGenerated [UTC]', 'SourceIP', 'DestinationIP', 'DestinationPort', 'DeviceName', 'Computer', 'Note'],
      mappable: true,
    }]);
    reports.length = 0;
    const { info } = parseText(jsonl({ ts: 1773656102, src_ip: '203.0.113.7', dst_ip: '10.1.2.3' }, { ts: 1773656103, src_ip: '203.0.113.7', dst_ip: '10.1.2.3' },
      { ts: 1773656104, src: '203.0.113.7', dest: '10.1.2.3', dest_port: 104 }), { ...ctx, observe });
    expect(reports.map((r) => r.used)).toEqual([
      { time: 'ts', srcIp: 'src_ip', dstIp: 'dst_ip' },
      { time: 'ts', srcIp: 'src', dstIp: 'dest', dstPort: 'dest_port' },
    ]);
    expect(info.columns).toEqual(reports);
  });

  it('describeColumns speaks only when a field has several candidate columns', () => {
    const info = emptyInfo();
    info.columns.push({ used: { time: 'TimeGenerated', srcIp: 'SourceIP', dstIp: 'DestinationIP' }, available: [] });
    expect(describeColumns(info, 'a.csv')).toBeUndefined();
    info.columns[0] = { used: { time: 'TimeGenerated', srcIp: 'SourceIP', dstIp: 'DestinationIP', device: 'DeviceName | Computer' }, available: [] };
    expect(describeColumns(info, 'a.csv')).toBe('a.csv: columns: time=TimeGenerated, srcIp=SourceIP, dstIp=DestinationIP, device=DeviceName | Computer');
  });

  it('explainUnusedInput: silent when at most half the records yield nothing; otherwise names the keys and the --map', () => {
    const mostlyFine = parseText(jsonl({ ts: 1773656102, src_ip: '203.0.113.7', dst_ip: '10.1.2.3' }, { note: 'heartbeat' }), ctx).info;
    expect(explainUnusedInput(mostlyFine, 'ok.jsonl')).toBeUndefined();
    const unknown = parseText(jsonl(
      { ts: '2026-03-16T10:00:00Z', client_addr: '203.0.113.7', server_addr: '10.1.2.3', server_port: 104 },
      { ts: '2026-03-16T10:00:01Z', client_addr: '203.0.113.8', server_addr: '10.1.2.3', server_port: 104 },
    ), ctx).info;
    expect(unknown.skippedBy).toEqual({ NOT_A_CONNECTION: 2 });
    expect(explainUnusedInput(unknown, 'conn.jsonl')).toBe(
      'conn.jsonl: 2 of 2 records yielded no event (2 without a source or destination): no column for srcIp (looked for srcip, sourceip, srcipaddr, source.ip…); ' +
        'dstIp (looked for dstip, destinationip, dstipaddr, destination.ip…); columns seen: ts, client_addr, server_addr, server_port. ' +
        'If the log has them under other names, map them: --map srcIp=Column,dstIp=Column',
    );
    const empty = parseText('time,src_ip,dst_ip\n2026-03-16T10:00:00Z,,\n2026-03-16T10:00:00Z,,10.1.2.3\n', ctx).info;
    expect(explainUnusedInput(empty, 'e.csv')).toBe(
      'e.csv: 2 of 2 records yielded no event (1 without a source or destination, 1 missing the time, source or destination): ' +
        'their time, source or destination values are empty (columns used: time=time, srcIp=src_ip, dstIp=dst_ip). ' +
        'If other columns hold them, map them: --map time=Column,srcIp=Column,dstIp=Column',
    );
  });

  it('explainUnreadInput: a file read as the wrong format (no event, most records unrecognised or malformed) asks whether the forced format is right', () => {
    const csv = 'TimeGenerated,SourceIP,DestinationIP,DestinationPort\n2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,104\n';
    const asSyslog = parseText(csv, { ...ctx, format: 'syslog' }).info;
    expect(asSyslog.events).toBe(0);
    expect(explainUnreadInput(asSyslog, 'a.csv', 'syslog')).toBe(
      'a.csv: none of its 2 records was read as a connection (2 of no format known here): is it syslog? ' +
        'Without --format the format is detected (`dicomwatch formats` lists them)',
    );
    expect(explainUnreadInput(asSyslog, 'a.csv')).toBe('a.csv: none of its 2 records was read as a connection (2 of no format known here)');
    const asJsonl = parseText(csv, { ...ctx, format: 'jsonl' }).info;
    expect(explainUnreadInput(asJsonl, 'a.csv', 'jsonl')).toMatch(/^a\.csv: none of its 2 records was read as a connection \(2 malformed\): is it jsonl\?/);
    // read as what it is: silent
    expect(explainUnreadInput(parseText(csv, ctx).info, 'a.csv')).toBeUndefined();
    // a forced format that finds no record at all (XML events sought in a CSV file); a header alone is an empty export
    const asXml = parseText(csv, { ...ctx, format: 'windows-security' }).info;
    expect(asXml.records).toBe(0);
    expect(explainUnreadInput(asXml, 'a.csv', 'windows-security')).toBe(
      `a.csv: no record was found in its ${Buffer.byteLength(csv)} bytes: is it windows-security? Without --format the format is detected (\`dicomwatch formats\` lists them)`,
    );
    expect(explainUnreadInput(asXml, 'a.csv')).toBe(`a.csv: no record in its ${Buffer.byteLength(csv)} bytes`);
    // an empty export, or a header alone, is said to be one (a failed export must not pass for a quiet network)
    expect(explainUnreadInput(parseText('TimeGenerated,SourceIP,DestinationIP\n', { ...ctx, format: 'csv' }).info, 'h.csv', 'csv')).toBe('h.csv: a header line and no record');
    expect(explainUnreadInput(parseText('TimeGenerated,SourceIP,DestinationIP\n', ctx).info, 'h.csv')).toBe('h.csv: a header line and no record');
    expect(explainUnreadInput(parseText('', ctx).info, 'e.csv')).toBe('e.csv: empty: there was nothing to read');
    expect(explainUnreadInput(parseText('', { ...ctx, format: 'jsonl' }).info, 'e.jsonl', 'jsonl')).toBe('e.jsonl: empty: there was nothing to read');
    // bytes and no record: blank lines, a byte-order mark alone, an empty JSON array
    expect(explainUnreadInput(parseText('\n\r\n\n', ctx).info, 'b.log')).toBe('b.log: no record in its 4 bytes');
    expect(explainUnreadInput(parseText('\uFEFF', ctx).info, 'bom.csv')).toBe('bom.csv: no record in its 3 bytes');
    expect(explainUnreadInput(parseText('[]\n', ctx).info, 'e.json')).toBe('e.json: no record in its 3 bytes');
    // lines that end in a CR alone: one long header line, said to be what it is
    const crOnly = parseText('TimeGenerated,SourceIP,DestinationIP,DestinationPort\r2026-03-28T00:00:00Z,203.0.113.9,10.0.0.1,104\r', ctx).info;
    expect(explainUnreadInput(crOnly, 'mac.csv')).toBe(
      "mac.csv: a header line and no record: its lines end in a carriage return alone (classic Mac OS), which is no line end here; convert them first (tr '\\r' '\\n')",
    );
  });

  it('explainUnusedInput: no --map where --map does not apply (syslog vendor lines, flow-log headers, raw lines in a column)', () => {
    const cef = (ext: string) => `Mar 16 10:15:02 fw01 CEF:0|Vendor|Product|1.0|100|Login failed|5|${ext}`;
    const syslog = parseText([cef('src=203.0.113.7 suser=admin'), cef('src=203.0.113.8 suser=admin'), cef('src=203.0.113.8 dst=10.1.2.3 dpt=104')].join('\n'), { ...ctx, year: 2026 }).info;
    expect(syslog.skippedBy).toEqual({ NOT_A_CONNECTION: 2 });
    expect(explainUnusedInput(syslog, 'cef.log')).toBe('cef.log: 2 of 3 records yielded no event (2 without a source or destination)');
    const vpc = parseText('version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n' +
      '2 123456789010 eni-1 - - - - - - - 1773655200 1773655260 - NODATA\n', ctx).info;
    expect(vpc.skippedBy).toEqual({ NOT_A_CONNECTION: 1 });
    expect(explainUnusedInput(vpc, 'vpc.log')).toBe('vpc.log: 1 of 1 records yielded no event (1 without a source or destination)');
    // a Sentinel Syslog export: the rows carry vendor lines, whose fields --map does not reach
    const embedded = parseText('TimeGenerated [UTC],Computer,SyslogMessage\n' +
      `2026-03-16T10:15:04Z,collector01,"${cef('src=203.0.113.7 suser=admin').slice('Mar 16 10:15:02 fw01 '.length)}"\n`, ctx).info;
    expect(embedded.skippedBy).toEqual({ NOT_A_CONNECTION: 1 });
    expect(explainUnusedInput(embedded, 'syslog.csv')).not.toContain('--map');
  });

  it('CLI: a CEF file whose lines are mostly not connections, and a connection without a port: no --map advice', async () => {
    const cef = (t: string, ext: string) => `Mar 16 10:15:0${t} fw01 CEF:0|Vendor|Product|1.0|100|Login failed|5|${ext}`;
    const file = tmpFile('auth.cef.log', `${[cef('2', 'src=203.0.113.7 suser=admin'), cef('3', 'src=203.0.113.8 suser=admin'), cef('4', 'src=203.0.113.8 dst=10.1.2.3 proto=TCP')].join('\n')}\n`);
    for (const command of ['scan', 'parse']) {
      const r = await runCli([command, file, '--year', '2026', ...(command === 'scan' ? ['--output', 'csv'] : [])]);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain(`${file}: 2 of 3 records yielded no event (2 without a source or destination)\n`);
      expect(r.stderr).not.toContain('--map');
    }
    const scan = await runCli(['scan', file, '--year', '2026', '--output', 'csv']);
    expect(scan.stderr).toContain(', 1 events had no destination port\n');
    // the same connections as CSV columns: the advice stays
    const csvFile = tmpFile('auth.csv', 'time,src,dst,Port\n2026-03-16T10:15:02Z,203.0.113.7,,\n2026-03-16T10:15:03Z,203.0.113.8,,\n2026-03-16T10:15:04Z,203.0.113.8,10.1.2.3,104\n');
    expect((await runCli(['parse', csvFile])).stderr).toContain('map them: --map');
    const csv = await runCli(['scan', csvFile, '--output', 'csv']);
    expect(csv.stderr).toContain('1 events had no destination port (not counting filtered records; use --map dstPort=Column if the log has one)');
  });

  it('CLI: JSON Lines with unknown key names say why and how to --map; --map then reads them', async () => {
    const file = tmpFile('conn.jsonl', jsonl(
      { ts: '2026-03-16T10:00:00Z', client_addr: '203.0.113.7', server_addr: '10.1.2.3', server_port: 104 },
      { ts: '2026-03-16T10:00:01Z', client_addr: '203.0.113.8', server_addr: '10.1.2.3', server_port: 104 },
    ));
    const plain = await runCli(['scan', file, '--output', 'csv']);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain(`${file}: 2 of 2 records yielded no event (2 without a source or destination): no column for srcIp`);
    expect(plain.stderr).toContain('map them: --map srcIp=Column,dstIp=Column\n');
    const quiet = await runCli(['scan', file, '--output', 'csv', '--quiet']);
    expect(quiet.stderr).toBe('');
    const mapped = await runCli(['scan', file, '--output', 'csv', '--map', 'srcIp=client_addr,dstIp=server_addr,dstPort=server_port']);
    expect(mapped.stdout).toBe('SourceIP,DestinationIP,TimeGenerated,count_\n203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,1\n203.0.113.8,10.1.2.3,2026-03-16T10:00:00.000Z,1\n');
    expect(mapped.stderr).not.toContain('yielded no event');
  });

  it('CLI: prints the columns line for a layout with choices (CommonSecurityLog), not for a plain one', async () => {
    const r = await runCli(['parse', 'fixtures/commonsecuritylog.csv']);
    expect(r.stderr.split('\n')[0]).toBe('fixtures/commonsecuritylog.csv: columns: time=TimeGenerated [UTC], ' +
      'srcIp=SourceIP | DeviceCustomIPv6Address1/2 (by label), dstIp=DestinationIP | DeviceCustomIPv6Address1/2 (by label), srcPort=SourcePort, ' +
      'dstPort=DestinationPort, protocol=Protocol, action=DeviceAction | SimplifiedDeviceAction, srcBytes=SentBytes, dstBytes=ReceivedBytes, ' +
      'device=DeviceName | Computer, vendor=DeviceVendor, product=DeviceProduct');
    const plain = await runCli(['parse', 'fixtures/sentinel-export.csv']);
    expect(plain.stderr).not.toContain('columns:');
  });

  it('--map settles detection: a header no format knows is read as CSV when it names a mapped column', async () => {
    const text = 'When,Client,Server,Port\n2026-03-16T10:15:00Z,203.0.113.7,10.1.2.3,104\n';
    expect(() => parseText(text, ctx)).toThrow(/unrecognised format/);
    const map = parseColumnMap(['time=When,srcIp=Client,dstIp=Server,dstPort=Port']);
    expect(events(parseText(text, { ...ctx, columnMap: map }).outcomes)[0]).toMatchObject({ srcIp: '203.0.113.7', dstIp: '10.1.2.3', dstPort: 104, format: 'csv' });
    const file = tmpFile('unknown-header.csv', text);
    const r = await runCli(['scan', file, '--output', 'csv', '--map', 'time=When,srcIp=Client,dstIp=Server,dstPort=Port']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('SourceIP,DestinationIP,TimeGenerated,count_\n203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,1\n');
  });
});

describe('point 13: zones named by headers, compact and year-less timestamps, --year', () => {
  const localHeader = 'TimeGenerated [Local Time],SourceIP,DestinationIP,DestinationPort\n"7/15/2026, 10:00:00.000 AM",203.0.113.7,10.1.2.3,104\n';

  it('a [Local Time] column needs a zone from the caller: an error at the header naming it, read in --tz when given', () => {
    const { tz: _, ...noZone } = ctx;
    expect(() => parseText(localHeader, noZone)).toThrow(InputFileError);
    expect(() => parseText(localHeader, noZone)).toThrow('header: column "TimeGenerated [Local Time]" holds local time of an unnamed zone: pass --tz ZONE');
    expect(events(parseText(localHeader, { ...ctx, tz: 'Europe/London' }).outcomes)[0]!.time).toBe('2026-07-15T09:00:00.000Z');
    // In JSON the record says so (a key set is not a header: the file goes on).
    const json = parseText(jsonl({ 'TimeGenerated [Local Time]': '2026-07-15 10:00:00', SourceIP: '203.0.113.7', DestinationIP: '10.1.2.3' }), noZone);
    expect(json.outcomes[0]).toMatchObject({ kind: 'error', code: 'BAD_TIME' });
  });

  it('a bracket naming a zone or offset is that zone; [UTC] stays UTC whatever --tz says', () => {
    const text = (zone: string) => `TimeGenerated [${zone}],SourceIP,DestinationIP\n2026-07-15 10:00:00,203.0.113.7,10.1.2.3\n`;
    expect(events(parseText(text('UTC+01:00'), ctx).outcomes)[0]!.time).toBe('2026-07-15T09:00:00.000Z');
    expect(events(parseText(text('Europe/Berlin'), ctx).outcomes)[0]!.time).toBe('2026-07-15T08:00:00.000Z');
    expect(events(parseText(text('UTC'), { ...ctx, tz: 'Asia/Tokyo' }).outcomes)[0]!.time).toBe('2026-07-15T10:00:00.000Z');
  });

  it('compact YYYYMMDDhhmmss is a wall clock (in --tz), not epoch milliseconds of the year 2612', () => {
    const text = 'time,src_ip,dst_ip\n20260316101502,203.0.113.7,10.1.2.3\n20260316101502.250,203.0.113.7,10.1.2.3\n';
    expect(events(parseText(text, ctx).outcomes).map((e) => e.time)).toEqual(['2026-03-16T10:15:02.000Z', '2026-03-16T10:15:02.250Z']);
    expect(events(parseText(text, { ...ctx, tz: '+02:00' }).outcomes)[0]!.time).toBe('2026-03-16T08:15:02.000Z');
  });

  it('epoch readings outside 1990..2100 are BAD_TIME', () => {
    const { outcomes } = parseText(jsonl({ ts: 0, src_ip: '203.0.113.7', dst_ip: '10.1.2.3' }, { ts: '20260316', src_ip: '203.0.113.7', dst_ip: '10.1.2.3' }), ctx);
    expect(outcomes.map((o) => o.kind === 'error' && o.message)).toEqual(['ts: not a timestamp: "0"', 'ts: not a timestamp: "20260316"']);
  });

  it('year-less syslog stamps take ParseContext.year, else the year inferred from ParseContext.now', () => {
    const text = 'time,src_ip,dst_ip\nMar 16 10:15:02,203.0.113.7,10.1.2.3\nDec 31 23:59:59,203.0.113.7,10.1.2.3\n';
    expect(events(parseText(text, { ...ctx, year: 2024 }).outcomes).map((e) => e.time)).toEqual(['2024-03-16T10:15:02.000Z', '2024-12-31T23:59:59.000Z']);
    // Read on 2027-01-05: March 16 is last March, and so is December 31.
    expect(events(parseText(text, { ...ctx, now: Date.UTC(2027, 0, 5) }).outcomes).map((e) => e.time)).toEqual(['2026-03-16T10:15:02.000Z', '2026-12-31T23:59:59.000Z']);
    // Without a year or a clock there is no honest answer.
    expect(codes(parseText(text, ctx).outcomes)).toEqual(['BAD_TIME', 'BAD_TIME']);
  });

  it('--year is validated as text and echoes what was typed', () => {
    expect(parseYear(undefined)).toBeUndefined();
    expect(parseYear('2026')).toBe(2026);
    expect(() => parseYear('abc')).toThrow(UsageError);
    expect(() => parseYear('abc')).toThrow("--year: 'abc' is not a year");
    expect(() => parseYear('26')).toThrow("--year: '26' is not a year");
    expect(() => parseYear('1969')).toThrow("--year: '1969' is not a year");
  });

  it('CLI: --year abc is bad usage; --year feeds syslog stamps; [Local Time] needs --tz (the default UTC is not a choice)', async () => {
    const yearAbc = await runCli(['parse', 'fixtures/sentinel-export.csv', '--year', 'abc']);
    expect(yearAbc.code).toBe(2);
    expect(yearAbc.stderr).toContain("--year: 'abc' is not a year");

    const syslog = tmpFile('syslog-stamps.csv', 'time,src_ip,dst_ip,dst_port\nMar 16 10:15:02,203.0.113.7,10.1.2.3,104\n');
    const withYear = await runCli(['parse', syslog, '--year', '2025']);
    expect(JSON.parse(withYear.stdout).time).toBe('2025-03-16T10:15:02.000Z');
    const inferred = await runCli(['parse', syslog]);
    expect(inferred.code).toBe(0);
    const year = new Date(JSON.parse(inferred.stdout).time as string).getUTCFullYear();
    expect([new Date().getUTCFullYear(), new Date().getUTCFullYear() - 1]).toContain(year);

    const local = tmpFile('local.csv', localHeader);
    const noTz = await runCli(['parse', local]);
    expect(noTz.code).toBe(2);
    expect(noTz.stdout).toBe('');
    expect(noTz.stderr).toContain(`dicomwatch: ${local}: header: column "TimeGenerated [Local Time]" holds local time of an unnamed zone: pass --tz ZONE`);
    const explicitUtc = await runCli(['parse', local, '--tz', 'UTC']);
    expect(JSON.parse(explicitUtc.stdout).time).toBe('2026-07-15T10:00:00.000Z');
    const berlin = await runCli(['parse', local, '--tz', 'Europe/Berlin']);
    expect(JSON.parse(berlin.stdout).time).toBe('2026-07-15T08:00:00.000Z');
  });
});

describe('--map naming a column the header lacks', () => {
  it('fails the file with the columns it has (a typo is not an empty field); a mapped column that is there binds', () => {
    const text = 'When,Client,Server,Port\n2026-03-16T10:00:00Z,203.0.113.7,10.1.2.3,104\n';
    expect(() => parseText(text, { file: 'u.csv', columnMap: { time: 'When', srcIp: 'Client', dstIp: 'Server', dstPort: 'Prot' } }))
      .toThrow(new InputFileError("header: --map dstPort=Prot: no column 'Prot' (columns: When, Client, Server, Port)"));
    const right = parseText(text, { file: 'u.csv', columnMap: { time: 'When', srcIp: 'Client', dstIp: 'Server', dstPort: 'Port' } });
    expect(right.outcomes).toMatchObject([{ kind: 'events', events: [{ dstPort: 104 }] }]);
  });
});
