/**
 * Windows Filtering Platform events 5156/5157/5152 as log shippers write them as JSON: Winlogbeat / Elastic Agent
 * (`winlog.event_id`, `winlog.event_data.*`, `winlog.computer_name`, `@timestamp`) and NXLog's im_msvistalog
 * (`EventID`, `SourceName`, the EventData names at the top level, `EventTime`, `Hostname`). The event is read as from
 * the event XML (flows/windows-security-xml.ts): inbound 5156/5157 swap Windows' local-first Source/Dest.
 */
import { filteringPlatformEvent, isFilteringPlatformConnection } from '../flows/windows-security-xml.js';
import { skip, type ParseResult } from '../types.js';
import { NOT_MINE, type DocumentContext, type DocumentFormat } from './document.js';

const PROVIDER = 'Microsoft-Windows-Security-Auditing';
const FIELDS = ['Direction', 'SourceAddress', 'SourcePort', 'DestAddress', 'DestPort', 'Protocol'] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function textOf(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' && v.trim() !== '' && v.trim() !== '-' ? v.trim() : undefined;
}

/** Where the shipper put the event's pieces, or undefined when the document is no Windows event. */
function shipped(doc: Readonly<Record<string, unknown>>):
  { id: string; provider: string | undefined; data: Record<string, unknown>; stamp: string | undefined; computer: string | undefined } | undefined {
  const winlog = doc.winlog;
  if (isObject(winlog)) {
    const id = textOf(winlog.event_id);
    if (id === undefined) return undefined;
    const event = isObject(doc.event) ? doc.event : {};
    return {
      id, provider: textOf(winlog.provider_name), data: isObject(winlog.event_data) ? winlog.event_data : {},
      stamp: textOf(doc['@timestamp']) ?? textOf(event.created), computer: textOf(winlog.computer_name),
    };
  }
  if ('EventID' in doc && ('SourceName' in doc || 'ProviderName' in doc)) {
    const id = textOf(doc.EventID);
    if (id === undefined) return undefined;
    return {
      id, provider: textOf(doc.SourceName) ?? textOf(doc.ProviderName), data: doc as Record<string, unknown>,
      stamp: textOf(doc.EventTime) ?? textOf(doc.EventReceivedTime), computer: textOf(doc.Hostname),
    };
  }
  return undefined;
}

function parseShippedSecurityEvent(doc: Readonly<Record<string, unknown>>, ctx: DocumentContext): ParseResult | typeof NOT_MINE {
  const event = shipped(doc);
  if (!event) return NOT_MINE;
  if (event.provider !== undefined && event.provider !== PROVIDER) return NOT_MINE;
  if (!isFilteringPlatformConnection(event.id)) {
    // A Security-log event of another ID: ours to say it is no connection, only when the provider says Security.
    return event.provider === PROVIDER ? skip('NOT_A_CONNECTION', `event ${event.id} is not a Filtering Platform connection (5156/5157/5152)`) : NOT_MINE;
  }
  const data = new Map<string, string>();
  for (const name of FIELDS) {
    const value = textOf(event.data[name]);
    if (value !== undefined) data.set(name, value);
  }
  return filteringPlatformEvent(event.id, data, event.stamp, event.computer, ctx);
}

export const windowsSecurityJsonFormat: DocumentFormat = {
  id: 'windows-security',
  claimKeys: ['winlog', 'EventID'],
  vendor: 'Microsoft',
  product: 'Windows Filtering Platform',
  description: 'Security events 5156/5157/5152 as Winlogbeat/Elastic Agent or NXLog JSON',
  recognizedBy: 'winlog.event_id (Winlogbeat) or EventID with SourceName (NXLog), provider Microsoft-Windows-Security-Auditing',
  sample: '{"@timestamp":"2026-03-16T10:15:02.123Z","winlog":{"event_id":5156,"provider_name":"Microsoft-Windows-Security-Auditing","computer_name":"PACS01.hospital.local","event_data":{"Direction":"%%14592","SourceAddress":"10.20.30.40","SourcePort":"104","DestAddress":"203.0.113.7","DestPort":"51515","Protocol":"6","Application":"\\\\device\\\\harddiskvolume2\\\\pacs\\\\storescp.exe"}}}',
  parse: parseShippedSecurityEvent,
};
