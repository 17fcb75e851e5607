/**
 * Azure Firewall legacy diagnostic logs (the `AzureDiagnostics` shape): one JSON record per log entry, as the
 * storage account (`{"records": [...]}`), Event Hubs or a Log Analytics export hold it, with
 * `category`/`Category` `AzureFirewallNetworkRule`, `AzureFirewallApplicationRule` or `AzureFirewallNatRule`
 * (`AzureFirewallDnsProxy` is recognised and skipped: a DNS query log, not a connection) and the entry as text in
 * `properties.msg` (storage, Event Hubs) or `msg_s` (Log Analytics). Microsoft Learn ("Azure Firewall logs and
 * metrics", legacy Azure Diagnostics logs) gives the text forms:
 *
 *   `TCP request from 10.0.2.4:51990 to 13.69.65.17:443. Action: Deny. Rule Collection: …`
 *   `ICMP Type=8 request from 10.0.2.4 to 20.1.2.3. Action: Deny. `
 *   `TCP request from 193.238.46.72:50522 to 40.119.154.83:3389 was DNAT'ed to 10.0.2.4:3389`
 *   `HTTPS request from 10.1.0.5:55640 to mydestination.com:443. Action: Allow. Rule Collection: …`
 *   `HTTP request from 10.0.0.5:54074 to somemaliciousdomain.com:80. Action: Alert. ThreatIntel: Bot Networks`
 *   IDPS: `TCP request from … to …. Action: Alert|Drop. Signature: … IDS: …`
 *
 * NAT: the event keeps the pre-NAT tuple (the public address and port the client asked for), as Elastic's pipeline
 * does; the translated address is not an event field. A DNAT entry states no decision (Elastic gives none either).
 * An application-rule entry whose destination is a host name (FQDN), not an address, is NOT_A_CONNECTION: the
 * event model needs addresses. HTTP/HTTPS/MSSQL requests are TCP. Time = the record's `time` (`TimeGenerated` in a
 * Log Analytics export): the entry's own timestamp.
 */
import { canonicalIp } from '../../net/ip.js';
import { parseTimestamp } from '../../time/parse.js';
import { quote } from '../fields.js';
import { FILTERED } from '../prefilter.js';
import { connectionEvent } from '../syslog/connection.js';
import { fail, skip } from '../types.js';
import { resourceName } from './azure-nsg.js';
import { NOT_MINE, type DocumentFormat } from './document.js';

const CONNECTION_CATEGORIES = new Set(['AzureFirewallNetworkRule', 'AzureFirewallApplicationRule', 'AzureFirewallNatRule']);
const OTHER_CATEGORIES = new Set(['AzureFirewallDnsProxy']);
const MAX_MSG = 8192;

/** `PROTO[ Type=N] request from SRC to DST` then `.`/space/end; DST lazily, so `1.2.3.4. Action` ends at the address. */
const REQUEST = /^([A-Za-z][A-Za-z0-9-]*)(?: Type=(\d+))? request from (\S+) to (\S+?)\.?(?= |$)/;
const DNAT = / was DNAT'ed to (\S+?)\.?(?= |$)/;
const ACTION = /\bAction: ([A-Za-z-]+)/;
const TCP_APPLICATIONS = new Set(['HTTP', 'HTTPS', 'MSSQL']);

/** `addr:port`, `addr:` (no port), `addr`, `[v6]:port`, or a bare IPv6 address. */
export function splitEndpoint(text: string): { host: string; port: string | undefined } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close > 0) {
      const rest = text.slice(close + 1);
      return { host: text.slice(1, close), port: rest.startsWith(':') ? rest.slice(1) : undefined };
    }
  }
  const colon = text.lastIndexOf(':');
  if (colon < 0) return { host: text, port: undefined };
  if (text.indexOf(':') !== colon) {
    // Several colons: an IPv6 address, perhaps followed by `:port` (then the part before it is one).
    const head = text.slice(0, colon);
    return canonicalIp(text) === undefined && canonicalIp(head) !== undefined
      ? { host: head, port: text.slice(colon + 1) }
      : { host: text, port: undefined };
  }
  return { host: text.slice(0, colon), port: text.slice(colon + 1) };
}

export const azureFirewallFormat: DocumentFormat = {
  id: 'azure-firewall',
  claimKeys: ['category', 'Category'],
  vendor: 'Microsoft',
  product: 'Azure Firewall',
  description: 'Azure Firewall legacy diagnostic logs (AzureDiagnostics): network, NAT and application rule entries, IDPS and threat intelligence',
  recognizedBy: '`category`/`Category` `AzureFirewallNetworkRule`, `AzureFirewallApplicationRule` or `AzureFirewallNatRule` with `properties.msg` or `msg_s`',
  sample:
    '{"category":"AzureFirewallNetworkRule","operationName":"AzureFirewallNetworkRuleLog","properties":{"msg":"TCP request from 203.0.113.7:51515 to 10.1.2.3:104. Action: Deny. Rule Collection: default behavior. Rule: No rule matched. Proceeding with default action"},"resourceId":"/SUBSCRIPTIONS/00000000-0000-0000-0000-000000000000/RESOURCEGROUPS/PACS-RG/PROVIDERS/MICROSOFT.NETWORK/AZUREFIREWALLS/PACS-FW","time":"2026-03-16T10:15:02.1234567Z"}',
  parse(doc, ctx) {
    const category = doc.category ?? doc.Category;
    if (typeof category !== 'string') return NOT_MINE;
    if (!CONNECTION_CATEGORIES.has(category)) {
      return OTHER_CATEGORIES.has(category) ? skip('NOT_A_CONNECTION', `${category} entry`) : NOT_MINE;
    }
    const properties = doc.properties;
    const msg = (properties !== null && typeof properties === 'object' && !Array.isArray(properties)
      ? (properties as Record<string, unknown>).msg
      : undefined) ?? doc.msg_s;
    if (msg === undefined || msg === null) return fail('MISSING_FIELD', `${category} entry without properties.msg or msg_s`);
    if (typeof msg !== 'string') return fail('MALFORMED', 'properties.msg is not a string');
    if (msg.length > MAX_MSG) return fail('MALFORMED', `properties.msg longer than ${MAX_MSG} characters`);
    const m = REQUEST.exec(msg);
    if (!m) return fail('MALFORMED', `msg is not "PROTOCOL request from SOURCE to DESTINATION…": ${quote(msg.slice(0, 80))}`);
    const [, word, , srcText, dstText] = m;
    const dnat = DNAT.exec(msg);
    const actionMatch = dnat ? null : ACTION.exec(msg);
    if (!dnat && !actionMatch) return fail('MALFORMED', `msg without "Action:" (cut short?): ${quote(msg.slice(0, 80))}`);
    const src = splitEndpoint(srcText!);
    const dst = splitEndpoint(dstText!);
    if (canonicalIp(dst.host) === undefined && /[A-Za-z]/.test(dst.host) && !dst.host.includes(':')) {
      return skip('NOT_A_CONNECTION', `destination is a host name, not an address: ${quote(dst.host)}`);
    }
    if (ctx.prefilter && dst.port !== undefined && dst.port !== '' && !ctx.prefilter.portMayMatch(dst.port)) return FILTERED;
    const upper = word!.toUpperCase();
    const timeValue = doc.time ?? doc.TimeGenerated;
    const timeText = typeof timeValue === 'string' ? timeValue : undefined;
    return connectionEvent({
      time: timeText === undefined ? undefined : parseTimestamp(timeText, ctx.time),
      timeText,
      src: [src.host, 'source address (msg)'],
      dst: [dst.host, 'destination address (msg)'],
      srcPort: [src.port, 'source port (msg)'],
      dstPort: [dst.port, 'destination port (msg)'],
      protocol: [TCP_APPLICATIONS.has(upper) ? 'tcp' : word, 'protocol (msg)'],
      action: actionMatch?.[1],
      device: resourceName(doc.resourceId ?? doc.ResourceId ?? doc._ResourceId),
      vendor: 'Microsoft',
      product: 'Azure Firewall',
    }, 'azure-firewall', ctx);
  },
};
