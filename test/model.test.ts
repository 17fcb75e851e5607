import { describe, expect, it } from 'vitest';
import { normalizeAction } from '../src/model/action.js';
import { eventToJson, type NetworkEvent } from '../src/model/event.js';
import { portOf } from '../src/model/port.js';
import { normalizeProtocol, protocolFromNumber, protocolNumber } from '../src/model/protocol.js';
import fc from 'fast-check';
import { ALERT_GROUP_FIELDS, type Alert } from '../src/model/alert.js';
import { renderAlerts } from '../src/emit/alerts/index.js';

describe('protocols', () => {
  it.each([
    ['TCP', 'tcp'], ['6', 'tcp'], [' udp ', 'udp'], ['17', 'udp'], ['ICMP', 'icmp'], ['icmpv6', 'ipv6-icmp'],
    ['58', 'ipv6-icmp'], ['IPv6-ICMP', 'ipv6-icmp'], ['47', 'gre'], ['50', 'esp'], ['132', 'sctp'], ['ospf', 'ospfigp'],
    ['124', 'isis over ipv4'], ['135', 'mobility header'], ['61', '61'], ['253', '253'], ['0', 'hopopt'], ['145', 'nsh'],
    ['146', '146'], ['constructor', undefined], ['__proto__', undefined], ['tpc', undefined], ['unknown_transport', undefined],
    ['-1', undefined],
  ])('%s → %s', (input, want) => {
    expect(normalizeProtocol(input)).toBe(want);
  });
  it('rejects what is not a protocol number', () => {
    expect(normalizeProtocol('256')).toBeUndefined(); // a number, but not a protocol number
    expect(protocolFromNumber(256)).toBeUndefined();
    expect(protocolFromNumber(-1)).toBeUndefined();
    expect(normalizeProtocol('')).toBeUndefined();
  });
  it('maps keywords back to numbers', () => {
    expect(protocolNumber('tcp')).toBe(6);
    expect(protocolNumber('ipv6-icmp')).toBe(58);
    expect(protocolNumber('61')).toBe(61);
    expect(protocolNumber('bogus')).toBeUndefined();
  });
});

describe('actions', () => {
  it.each([
    ['Allow', 'allow'], ['ACCEPT', 'allow'], ['permitted', 'allow'], ['passthrough', 'allow'], ['Deny', 'deny'],
    ['REJECT', 'deny'], ['blocked', 'deny'], ['drop', 'drop'], ['drop-icmp', 'drop'], ['reset-both', 'reset'],
    ['Reset both', 'reset'], ['Reset Source', 'reset'], ['Drop ICMP', 'drop'], ['drop_all_packets', 'drop'],
    ['close', undefined], ['alert', undefined], ['', undefined], ['timeout', undefined], ['constructor', undefined],
  ])('%s → %s', (input, want) => {
    expect(normalizeAction(input)).toBe(want);
  });
});

describe('ports', () => {
  it.each([
    [104, 104], ['104', 104], [' 104 ', 104], [0, 0], [65535, 65535], [65536, null], ['70000', null], ['1e2', null],
    ['-1', null], [104.5, null], ['', null], [null, null], [undefined, undefined],
  ])('%j → %j', (input, want) => {
    expect(portOf(input)).toBe(want);
  });
});

describe('event JSON', () => {
  it('follows the contract key order and leaves absent fields out', () => {
    const event: NetworkEvent = { line: 42, file: 'traffic.csv', format: 'csv', dstPort: 104, dstIp: '10.1.2.3', srcIp: '203.0.113.7', time: Date.parse('2026-03-16T10:15:02.000Z'), action: 'deny' };
    expect(eventToJson(event)).toBe('{"time":"2026-03-16T10:15:02.000Z","srcIp":"203.0.113.7","dstIp":"10.1.2.3","dstPort":104,"action":"deny","format":"csv","file":"traffic.csv","line":42}');
  });
});

describe('alert writers', () => {
  const alert = (over: Partial<Alert>): Alert => ({
    rule: 'dicom-external-access', time: '2026-03-16T10:00:00.000Z', srcIp: '203.0.113.7', dstIp: '10.1.2.3', count: 12,
    firstSeen: '2026-03-16T10:01:00.000Z', lastSeen: '2026-03-16T10:59:00.000Z', dstPorts: [104], actions: { allow: 1, deny: 11 },
    severity: 'high', devices: ['fw01'], ...over,
  });
  const alerts = [alert({}), alert({ srcIp: '2001:db8:dead:beef::7', count: 3, actions: {}, dstPorts: [104, 11112] })];

  it('table: aligned columns, count right-aligned, hour in UTC', () => {
    expect(renderAlerts(alerts, 'table')).toBe(
      'COUNT  SOURCE                 DESTINATION  HOUR (UTC)        PORTS      ACTIONS          RULE\n' +
      '   12  203.0.113.7            10.1.2.3     2026-03-16 10:00  104        allow:1 deny:11  dicom-external-access\n' +
      '    3  2001:db8:dead:beef::7  10.1.2.3     2026-03-16 10:00  104,11112  -                dicom-external-access\n',
    );
    expect(renderAlerts([], 'table')).toBe('no alerts\n');
  });

  it('csv: exactly the KQL result columns', () => {
    expect(renderAlerts(alerts, 'csv')).toBe(
      'SourceIP,DestinationIP,TimeGenerated,count_\n' +
      '203.0.113.7,10.1.2.3,2026-03-16T10:00:00.000Z,12\n' +
      '2001:db8:dead:beef::7,10.1.2.3,2026-03-16T10:00:00.000Z,3\n',
    );
    expect(renderAlerts([], 'csv')).toBe('SourceIP,DestinationIP,TimeGenerated,count_\n');
  });

  it('jsonl: the alert contract, one per line', () => {
    const lines = renderAlerts(alerts, 'jsonl').trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(Object.keys(JSON.parse(lines[0]!))).toEqual(['rule', 'time', 'srcIp', 'dstIp', 'count', 'firstSeen', 'lastSeen', 'dstPorts', 'actions', 'severity', 'devices']);
    expect(renderAlerts([], 'jsonl')).toBe('');
  });

  it('jsonl: each line is what JSON.stringify writes of the alert rebuilt in the contract order, whatever the values', () => {
    // the written-by-hand line against the plain way: an object of the contract's members in order
    const contractOrder = (a: Alert): string => {
      const groups = Object.fromEntries(ALERT_GROUP_FIELDS.filter((f) => a[f] !== undefined).map((f) => [f, a[f]]));
      return JSON.stringify({
        rule: a.rule, time: a.time, ...groups, count: a.count, value: a.value, aggregate: a.aggregate, firstSeen: a.firstSeen,
        lastSeen: a.lastSeen, dstPorts: a.dstPorts, actions: a.actions, severity: a.severity, devices: a.devices,
      });
    };
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('a"b', 'back\\slash', 'nul\u0000', '\ud800 lone', '__proto__'));
    const num = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(-0, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY));
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const alertArb = fc.record({
      rule: text, time: maybe(text), srcIp: maybe(fc.option(text)), dstIp: maybe(fc.option(text)), srcPort: maybe(fc.option(num)),
      dstPort: maybe(fc.option(num)), protocol: maybe(text), device: maybe(fc.option(text)), count: num, value: maybe(num),
      aggregate: maybe(fc.constant({ kind: 'dcount', field: 'dstPort' })), firstSeen: text, lastSeen: maybe(text),
      dstPorts: fc.array(fc.oneof(num, fc.constant(undefined))), actions: fc.dictionary(text, num), severity: text,
      devices: fc.array(text),
    }) as unknown as fc.Arbitrary<Alert>;
    fc.assert(
      fc.property(alertArb, (a) => {
        expect(renderAlerts([a], 'jsonl')).toBe(`${contractOrder(a)}\n`);
      }),
      { numRuns: 500 },
    );
  });
});
