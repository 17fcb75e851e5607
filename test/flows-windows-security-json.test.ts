/**
 * Windows Filtering Platform events 5156/5157/5152 as shippers write them in JSON (Winlogbeat, NXLog): read as the
 * event XML is (flows/windows-security-xml.ts), so the same event gives the same connection either way.
 */
import { describe, expect, it } from 'vitest';
import { parseText } from '../src/parsers/record-parser.js';
import { windowsSecurityJsonFormat } from '../src/parsers/documents/windows-security.js';
import { jsonEvents } from './helpers/events.js';

const ctx = { file: 'sec.jsonl', tz: 'UTC' };
const winlogbeat = (id: number, direction: string, extra: Record<string, unknown> = {}) => JSON.stringify({
  '@timestamp': '2026-03-16T10:15:02.123Z',
  winlog: {
    event_id: id, provider_name: 'Microsoft-Windows-Security-Auditing', computer_name: 'PACS01.hospital.local',
    event_data: { Direction: direction, SourceAddress: '10.20.30.40', SourcePort: '104', DestAddress: '203.0.113.7', DestPort: '51515', Protocol: '6', ...extra },
  },
});

describe('Windows Security 5156/5157/5152 from Winlogbeat and NXLog', () => {
  it('an inbound 5156 (Winlogbeat): the remote peer is the source, the local listener the destination', () => {
    expect(jsonEvents(parseText(winlogbeat(5156, '%%14592'), ctx).outcomes)).toEqual([{
      time: '2026-03-16T10:15:02.123Z', srcIp: '203.0.113.7', srcPort: 51515, dstIp: '10.20.30.40', dstPort: 104, protocol: 'tcp',
      action: 'allow', device: 'PACS01.hospital.local', vendor: 'Microsoft', product: 'Windows Filtering Platform',
      format: 'windows-security', file: 'sec.jsonl', line: 1,
    }]);
  });

  it('an outbound 5157 (NXLog, EventData at the top level): read as written, deny', () => {
    const nxlog = JSON.stringify({
      EventTime: '2026-03-16 10:16:00', Hostname: 'PACS01', EventID: 5157, SourceName: 'Microsoft-Windows-Security-Auditing',
      Direction: '%%14593', SourceAddress: '10.20.30.40', SourcePort: '50000', DestAddress: '198.51.100.9', DestPort: '104', Protocol: 6,
    });
    expect(jsonEvents(parseText(nxlog, ctx).outcomes)).toMatchObject([{ srcIp: '10.20.30.40', dstIp: '198.51.100.9', dstPort: 104, action: 'deny', device: 'PACS01' }]);
  });

  it('other Security events are no connection; other providers are left to the generic reader; a 5156 without Direction is located', () => {
    const codes = (text: string) => parseText(text, ctx).outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
    expect(codes(JSON.stringify({ '@timestamp': '2026-03-16T10:00:00Z', winlog: { event_id: 4624, provider_name: 'Microsoft-Windows-Security-Auditing', event_data: {} } }))).toEqual(['NOT_A_CONNECTION']);
    const sysmon = { '@timestamp': '2026-03-16T10:00:00Z', winlog: { event_id: 3, provider_name: 'Microsoft-Windows-Sysmon' } };
    expect(windowsSecurityJsonFormat.parse(sysmon, { file: 'x', lineNo: 1, time: { tz: 'UTC' } })).toBeTypeOf('symbol');
    expect(codes(winlogbeat(5156, ''))).toEqual(['MISSING_FIELD']);
    expect(codes(winlogbeat(5156, 'sideways'))).toEqual(['BAD_VALUE']);
  });

  it('the pre-filter skips only well-formed events whose destination (by direction) is not a rule port', () => {
    const text = [winlogbeat(5156, '%%14592'), winlogbeat(5156, '%%14593'), winlogbeat(5156, '')].join('\n');
    const outcome = (prefilter: boolean) => parseText(text, { ...ctx, ...(prefilter ? { prefilter: { dstPorts: new Set([104]) } } : {}) })
      .outcomes.map((o) => (o.kind === 'events' ? 'events' : o.code));
    expect(outcome(false)).toEqual(['events', 'events', 'MISSING_FIELD']);
    expect(outcome(true)).toEqual(['events', 'FILTERED', 'MISSING_FIELD']); // outbound: destination 203.0.113.7:51515
  });

  it('its sample line is one of its connections', () => {
    expect(parseText(windowsSecurityJsonFormat.sample, ctx).outcomes).toMatchObject([{ kind: 'events', events: [{ format: 'windows-security', dstPort: 104 }] }]);
  });
});
