/**
 * `--output cef`: each alert as one ArcSight CEF line (Micro Focus "Implementing ArcSight CEF", v25/v26):
 *
 *   CEF:0|dicomwatch|dicomwatch|<version>|<rule id>|<title>|<severity>|<extension>
 *
 * Header fields escape `\` and `|` (`\\`, `\|`); a header field cannot hold a line break, so CR/LF become a space.
 * Extension values escape `\`, `=` and line breaks (`\\`, `\=`, `\n`, `\r`); keys are the standard's short names.
 *
 * | CEF | from the alert |
 * |---|---|
 * | Signature ID / Name | the rule's Sigma id (else its name) / its title (else its name) |
 * | Severity | the rule's level: informational 1, low 3, medium 5, high 8, critical 10 (CEF: 0-3 low, 4-6 medium, 7-8 high, 9-10 very high) |
 * | `src` / `dst` | srcIp / dstIp when IPv4 (CEF's address fields are IPv4) |
 * | `c6a2` / `c6a3` + labels `Source IPv6 Address` / `Destination IPv6 Address` | srcIp / dstIp when IPv6 |
 * | `spt` / `dpt` | srcPort when grouped on; dstPort when grouped on, else the one destination port seen |
 * | `cnt` | count |
 * | `start` / `end` / `rt` | firstSeen / lastSeen / lastSeen, epoch milliseconds |
 * | `cs1Label=Rule` `cs1` | the rule's name (the alert's `rule`) |
 * | `cs2Label=Bucket` `cs2` | the bucket start (`time`, ISO 8601) |
 * | `cs3Label=Destination Ports` `cs3` | dstPorts, comma-separated |
 * | `cs4Label=Actions` `cs4` | actions, `deny:11 allow:1` |
 * | `cs5Label=Devices` `cs5` | devices, comma-separated |
 * | `cn1Label=Value` `cn1` | the aggregate's value (value_count), when there is one |
 */
import type { Alert, AlertList, Severity } from '../../model/alert.js';
import type { QueryPlan } from '../../rules/plan.js';
import { VERSION } from '../../version.js';

const SEVERITY: Readonly<Record<Severity, number>> = { informational: 1, low: 3, medium: 5, high: 8, critical: 10 };

/** A CEF header field: `\` and `|` escaped, line breaks (which a header cannot hold) as spaces. */
export function cefHeaderField(value: string): string {
  return value.replace(/[\\|]/g, (c) => `\\${c}`).replace(/\r\n|[\r\n]/g, ' ');
}

/** A CEF extension value: `\`, `=` escaped, CR and LF as `\r`, `\n`. */
export function cefExtensionValue(value: string): string {
  return value.replace(/[\\=\r\n]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : `\\${c}`));
}

const isV4 = (ip: string): boolean => !ip.includes(':');

/** One alert as a CEF line. */
export function cefLine(a: Alert, plans?: readonly QueryPlan[]): string {
  const rule = plans?.find((p) => p.rule.name === a.rule)?.rule;
  const ext: [string, string | number][] = [];
  if (typeof a.srcIp === 'string') {
    if (isV4(a.srcIp)) ext.push(['src', a.srcIp]);
    else ext.push(['c6a2', a.srcIp], ['c6a2Label', 'Source IPv6 Address']);
  }
  if (typeof a.dstIp === 'string') {
    if (isV4(a.dstIp)) ext.push(['dst', a.dstIp]);
    else ext.push(['c6a3', a.dstIp], ['c6a3Label', 'Destination IPv6 Address']);
  }
  if (typeof a.srcPort === 'number') ext.push(['spt', a.srcPort]);
  const dpt = typeof a.dstPort === 'number' ? a.dstPort : a.dstPorts.length === 1 ? a.dstPorts[0] : undefined;
  if (dpt !== undefined) ext.push(['dpt', dpt]);
  ext.push(['cnt', a.count], ['start', Date.parse(a.firstSeen)], ['end', Date.parse(a.lastSeen)], ['rt', Date.parse(a.lastSeen)]);
  ext.push(['cs1Label', 'Rule'], ['cs1', a.rule], ['cs2Label', 'Bucket'], ['cs2', a.time]);
  if (a.dstPorts.length > 0) ext.push(['cs3Label', 'Destination Ports'], ['cs3', a.dstPorts.join(',')]);
  const actions = Object.entries(a.actions).map(([k, v]) => `${k}:${v}`).join(' ');
  if (actions !== '') ext.push(['cs4Label', 'Actions'], ['cs4', actions]);
  if (a.devices.length > 0) ext.push(['cs5Label', 'Devices'], ['cs5', a.devices.join(',')]);
  if (a.value !== undefined) ext.push(['cn1Label', 'Value'], ['cn1', a.value]);
  const header = ['CEF:0', 'dicomwatch', 'dicomwatch', VERSION, rule?.id ?? a.rule, rule?.title ?? a.rule, String(SEVERITY[a.severity] ?? 5)];
  const head = [header[0]!, ...header.slice(1).map(cefHeaderField)].join('|');
  return `${head}|${ext.map(([k, v]) => `${k}=${cefExtensionValue(String(v))}`).join(' ')}`;
}

export function* alertCefLines(alerts: AlertList, plans?: readonly QueryPlan[]): Generator<string> {
  for (const a of alerts) yield cefLine(a, plans);
}
